package modelfile

import (
	"bytes"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"acgan/pkg/acgan"
	"acgan/pkg/tensor"
)

// colour returns a model of 16×16 colour images in 3 named classes after
// two training steps on random data.
func colour(t *testing.T) *Model {
	t.Helper()
	cfg := acgan.DefaultConfig()
	cfg.Size, cfg.Channels, cfg.Classes, cfg.Batch = 16, 3, 3, 4
	m, err := New(cfg, 7)
	if err != nil {
		t.Fatal(err)
	}
	m.Names = []string{"cat", "dog", "moth, the grey"}
	r := rand.New(rand.NewPCG(3, 4))
	x := make([]float32, 4*cfg.ImageSize())
	for range 2 {
		for i := range x {
			x[i] = float32(2*r.Float64() - 1)
		}
		if _, err := m.Step(x, []int{0, 1, 2, 1}); err != nil {
			t.Fatal(err)
		}
	}
	return m
}

// TestGeometryRoundTrip: a colour model with class names reads back with
// its geometry and names, makes the same images and writes the same
// bytes; the header says size and channels, and the names come second.
// An MNIST model's header has neither entry, nor a classnames record.
func TestGeometryRoundTrip(t *testing.T) {
	m := colour(t)
	b := save(t, m)
	ts := records(t, b)
	if h := ts[0].Meta; h["size"] != "16" || h["channels"] != "3" || h["classes"] != "3" {
		t.Errorf("header %v", h)
	}
	if ts[1].Name != ClassNamesName || string(ts[1].U8) != "cat\ndog\nmoth, the grey\n" {
		t.Errorf("record 1 is %q %q, want the class names", ts[1].Name, ts[1].U8)
	}
	got, err := Load(bytes.NewReader(b), "model.bin")
	if err != nil {
		t.Fatal(err)
	}
	if got.Cfg != m.Cfg || !slices.Equal(got.Names, m.Names) || got.ClassName(2) != "moth, the grey" {
		t.Errorf("loaded %+v %q, saved %+v %q", got.Cfg, got.Names, m.Cfg, m.Names)
	}
	if !bytes.Equal(save(t, got), b) {
		t.Error("the loaded model writes other bytes")
	}
	z := acgan.SeededNoise(1, 1, 3, m.Cfg.Latent)
	want, err := m.G.Generate(z, []int{0, 1, 2})
	if err != nil {
		t.Fatal(err)
	}
	img, err := got.G.Generate(z, []int{0, 1, 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(img) != 3*3*16*16 || !slices.Equal(img, want) {
		t.Errorf("the loaded generator makes %d other values", len(img))
	}

	mn := records(t, save(t, trained(t, acgan.FakeClass)))
	for _, k := range []string{"size", "channels"} {
		if v, ok := mn[0].Meta[k]; ok {
			t.Errorf("an MNIST model's header has %s=%s", k, v)
		}
	}
	for _, r := range mn {
		if r.Name == ClassNamesName {
			t.Error("a model without class names has a classnames record")
		}
	}
	if n := trained(t, acgan.FakeClass); n.ClassName(7) != "7" {
		t.Errorf("class 7 of a model without names is %q", n.ClassName(7))
	}
}

// TestGeometryLoadErrors: a header out of the model's scale, or class
// names that do not fit the model, are refused with one line saying what
// is wrong, before anything large is allocated.
func TestGeometryLoadErrors(t *testing.T) {
	good := save(t, colour(t))
	edit := func(f func(ts []*tensor.Tensor) []*tensor.Tensor) []byte {
		return encode(t, f(records(t, good)))
	}
	meta := func(k, v string) []byte {
		return edit(func(ts []*tensor.Tensor) []*tensor.Tensor { ts[0].SetMeta(k, v); return ts })
	}
	for _, c := range []struct {
		name string
		in   []byte
		want string
	}{
		{"size 100", meta("size", "100"), `model.bin: header entry size="100" is not an integer in [16, 64]`},
		{"size 30", meta("size", "30"), "a multiple of 4"},
		{"channels 2", meta("channels", "2"), "gray (1 channel) or colour (3)"},
		{"channels 4", meta("channels", "4"), `header entry channels="4" is not an integer in [1, 3]`},
		{"classes 1001", meta("classes", "1001"), `header entry classes="1001" is not an integer in [2, 1000]`},
		{"too many parameters", edit(func(ts []*tensor.Tensor) []*tensor.Tensor {
			ts[0].SetMeta("size", "64")
			ts[0].SetMeta("latent", "1024")
			ts[0].SetMeta("classes", "1000")
			return ts
		}), "parameters"},
		{"another size", meta("size", "20"), `tensor "g.dense.w" is float32 2048x100; want float32 3200x100`},
		{"gray", edit(func(ts []*tensor.Tensor) []*tensor.Tensor { delete(ts[0].Meta, "channels"); return ts }),
			`tensor "g.conv3.w" is float32 3x64x3x3; want float32 1x64x3x3`},
		{"names of another count", edit(func(ts []*tensor.Tensor) []*tensor.Tensor {
			ts[1] = tensor.NewUint8(ClassNamesName, []int{4}, []byte("a\nb\n"))
			return ts
		}), "model.bin: classnames: 2 class names for a model of 3 classes"},
		{"names twice", edit(func(ts []*tensor.Tensor) []*tensor.Tensor { return append(ts, ts[1]) }),
			`tensor "classnames" appears twice`},
		{"names twice alike", edit(func(ts []*tensor.Tensor) []*tensor.Tensor {
			ts[1] = tensor.NewUint8(ClassNamesName, []int{6}, []byte("a\nb\na\n"))
			return ts
		}), `model.bin: classnames: classes 0 and 2 are both named "a"`},
	} {
		_, err := Load(bytes.NewReader(c.in), "model.bin")
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want an error containing %q", c.name, err, c.want)
		}
		if err != nil && strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: error has several lines: %q", c.name, err)
		}
	}
	m := colour(t)
	m.Names = []string{"a", "b"}
	if err := m.Save(&bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), "2 class names for 3 classes") {
		t.Errorf("saving 2 names for 3 classes: %v", err)
	}
}

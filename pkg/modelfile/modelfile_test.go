package modelfile

import (
	"bytes"
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"acgan/pkg/acgan"
	"acgan/pkg/tensor"
)

// trained returns a model of the given objective after two training steps
// on random data (so moments, moving statistics and the RNG have moved).
func trained(t *testing.T, obj acgan.Objective) *Model {
	t.Helper()
	cfg := acgan.DefaultConfig()
	cfg.Objective = obj
	cfg.Batch = 4
	m, err := New(cfg, 42)
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 2 {
		x, y := batch(r, 4)
		if _, err := m.Step(x, y); err != nil {
			t.Fatal(err)
		}
	}
	return m
}

func batch(r *rand.Rand, b int) ([]float32, []int) {
	x := make([]float32, b*acgan.DefaultConfig().ImageSize())
	for i := range x {
		x[i] = float32(2*r.Float64() - 1)
	}
	y := make([]int, b)
	for i := range y {
		y[i] = r.IntN(10)
	}
	return x, y
}

func save(t *testing.T, m *Model) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := m.Save(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestRoundTrip(t *testing.T) {
	for _, obj := range []acgan.Objective{acgan.FakeClass, acgan.Paper} {
		m := trained(t, obj)
		a := save(t, m)
		if b := save(t, m); !bytes.Equal(a, b) {
			t.Fatalf("%v: two saves of one model differ", obj)
		}
		l, err := Load(bytes.NewReader(a), "model.bin")
		if err != nil {
			t.Fatalf("%v: %v", obj, err)
		}
		if l.Seed != 42 || l.Iter != 2 || l.OptG.Step != 2 || l.OptD.Step != 4 || l.Cfg != m.Cfg {
			t.Fatalf("%v: loaded seed %d iter %d steps %d/%d cfg %+v", obj, l.Seed, l.Iter, l.OptG.Step, l.OptD.Step, l.Cfg)
		}
		if b := save(t, l); !bytes.Equal(a, b) {
			t.Fatalf("%v: a loaded model saves to different bytes", obj)
		}
		// The loaded model continues exactly as the original: same RNG,
		// moments and statistics.
		x, y := batch(rand.New(rand.NewPCG(3, 4)), 4)
		if _, err := m.Step(x, y); err != nil {
			t.Fatal(err)
		}
		if _, err := l.Step(x, y); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(save(t, m), save(t, l)) {
			t.Fatalf("%v: a loaded model trains differently from the original", obj)
		}
	}
}

// records returns the records of a saved model.
func records(t *testing.T, b []byte) []*tensor.Tensor {
	t.Helper()
	ts, err := tensor.ReadAll(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return ts
}

// encode writes ts as a stream.
func encode(t *testing.T, ts []*tensor.Tensor) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := tensor.WriteAll(&b, ts...); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// setNamed sets value i of the record called name to v.
func setNamed(t *testing.T, ts []*tensor.Tensor, name string, i int, v float32) {
	t.Helper()
	for _, r := range ts {
		if r.Name == name {
			r.F32[i] = v
			return
		}
	}
	t.Fatalf("no record %q", name)
}

// TestSaveRefusesUnusable checks that Save writes nothing for a model Load
// would refuse: a NaN weight, a negative moving variance.
func TestSaveRefusesUnusable(t *testing.T) {
	for _, c := range []struct {
		name  string
		spoil func(m *Model)
		want  error
	}{
		{"nan weight", func(m *Model) { m.Params()[0].W[0] = float32(math.NaN()) }, ErrNonFinite},
		{"negative variance", func(m *Model) {
			for _, s := range m.States() {
				if s.Name == "g.bn1.moving_var" {
					s.Data[0] = -1
				}
			}
		}, ErrNegative},
	} {
		m := trained(t, acgan.FakeClass)
		c.spoil(m)
		var b bytes.Buffer
		err := m.Save(&b)
		if !errors.Is(err, c.want) {
			t.Errorf("%s: Save: got %v, want %v", c.name, err, c.want)
		}
		if b.Len() != 0 {
			t.Errorf("%s: Save wrote %d bytes of an unusable model", c.name, b.Len())
		}
	}
}

func TestLoadErrors(t *testing.T) {
	good := save(t, trained(t, acgan.FakeClass))
	edit := func(f func(ts []*tensor.Tensor) []*tensor.Tensor) []byte {
		return encode(t, f(records(t, good)))
	}
	cases := []struct {
		name string
		in   []byte
		want string
	}{
		{"empty", nil, "model.bin: not an acgan model ("},
		{"not zstd", []byte("PK\x03\x04 this is a zip file, not a model"), "model.bin: not an acgan model ("},
		{"truncated", good[:len(good)/2], "model.bin: truncated ("},
		{"truncated at a record", edit(func(ts []*tensor.Tensor) []*tensor.Tensor { return ts[:5] }),
			`model.bin: truncated (`},
		{"other stream", encode(t, []*tensor.Tensor{tensor.NewUint8("images", []int{1}, nil)}),
			`model.bin: not an acgan model (first record is "images", not "acgan.model")`},
		{"wrong kind", edit(func(ts []*tensor.Tensor) []*tensor.Tensor { ts[0].SetMeta("kind", "vae-model"); return ts }),
			"model.bin: not an acgan model (kind=vae-model)"},
		{"wrong version", edit(func(ts []*tensor.Tensor) []*tensor.Tensor { ts[0].SetMeta("format", "7"); return ts }),
			"model.bin: format version 7 not supported (this build reads 1)"},
		{"bad config", edit(func(ts []*tensor.Tensor) []*tensor.Tensor { ts[0].SetMeta("lr", "fast"); return ts }),
			`model.bin: header entry lr="fast" is not a number`},
		{"huge latent", edit(func(ts []*tensor.Tensor) []*tensor.Tensor { ts[0].SetMeta("latent", "100000"); return ts }),
			`model.bin: header entry latent="100000" is not an integer in [1, 1024]`},
		{"missing entry", edit(func(ts []*tensor.Tensor) []*tensor.Tensor { delete(ts[0].Meta, "seed"); return ts }),
			`model.bin: header has no "seed" entry`},
		{"objective", edit(func(ts []*tensor.Tensor) []*tensor.Tensor { ts[0].SetMeta("objective", "paper"); return ts }),
			`model.bin: tensor "d.label.w" is float32 11x2048; want float32 10x2048`},
		{"missing tensor", edit(func(ts []*tensor.Tensor) []*tensor.Tensor { return append(ts[:3:3], ts[4:]...) }),
			`model.bin: truncated (1 of `},
		{"missing rng", edit(func(ts []*tensor.Tensor) []*tensor.Tensor { return ts[:len(ts)-1] }),
			`model.bin: truncated (1 of `},
		{"duplicate", edit(func(ts []*tensor.Tensor) []*tensor.Tensor { return append(ts, ts[2]) }),
			`appears twice`},
		{"unknown", edit(func(ts []*tensor.Tensor) []*tensor.Tensor {
			return append(ts, tensor.NewFloat32("g.extra", []int{1}, nil))
		}), `model.bin: unexpected tensor "g.extra"`},
		{"dtype", edit(func(ts []*tensor.Tensor) []*tensor.Tensor {
			ts[1] = tensor.NewInt32(ts[1].Name, ts[1].Shape, nil)
			return ts
		}), `is int32`},
		{"nan", edit(func(ts []*tensor.Tensor) []*tensor.Tensor {
			ts[2].F32[7] = float32(math.NaN())
			return ts
		}), "holds NaN at index 7"},
		{"negative moving variance", edit(func(ts []*tensor.Tensor) []*tensor.Tensor {
			setNamed(t, ts, "g.bn1.moving_var", 3, -0.5)
			return ts
		}), `tensor "g.bn1.moving_var" holds -0.5 at index 3, but a variance is never negative`},
		{"negative second moment", edit(func(ts []*tensor.Tensor) []*tensor.Tensor {
			setNamed(t, ts, "adam.v.d.conv1.w", 0, -1e-9)
			return ts
		}), `tensor "adam.v.d.conv1.w" holds -1e-09 at index 0`},
		{"rng", edit(func(ts []*tensor.Tensor) []*tensor.Tensor {
			ts[len(ts)-1].U8[0] = 'x'
			return ts
		}), "RNG state"},
	}
	for _, c := range cases {
		_, err := Load(bytes.NewReader(c.in), "model.bin")
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want an error containing %q", c.name, err, c.want)
		}
		if err != nil && strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: error has several lines: %q", c.name, err)
		}
	}
}

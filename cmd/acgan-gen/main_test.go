package main

import (
	"bytes"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"acgan/pkg/acgan"
	"acgan/pkg/gen"
	"acgan/pkg/modelfile"
)

// saveModel trains a small model (with an average of decay ema, or none)
// for two steps and saves it in dir.
func saveModel(t *testing.T, dir string, ema float32) (string, *modelfile.Model) {
	t.Helper()
	cfg := acgan.DefaultConfig()
	cfg.Batch, cfg.EMA = 2, ema
	m, err := modelfile.New(cfg, 3)
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(1, 1))
	x := make([]float32, 2*cfg.ImageSize())
	for range 2 {
		for i := range x {
			x[i] = float32(2*r.Float64() - 1)
		}
		if _, err := m.Step(x, []int{r.IntN(10), r.IntN(10)}); err != nil {
			t.Fatal(err)
		}
	}
	var b bytes.Buffer
	if err := m.Save(&b); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "model.bin")
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path, m
}

// generate runs acgan-gen -label 4 -n 3 on the model, with -no-ema or not,
// and returns the stream it writes.
func generate(t *testing.T, model string, noEMA bool) []byte {
	t.Helper()
	n := 3
	out := filepath.Join(t.TempDir(), "out.tzst")
	f := flags{Model: model, Label: "4", N: &n, Seed: 5, NoEMA: noEMA, Output: out}
	if err := run(&f); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// stream is what acgan-gen writes for the images g makes of class 4 from
// the noise of seed 5.
func stream(t *testing.T, g *acgan.Generator) []byte {
	t.Helper()
	labels := gen.Labels(4, 3, 10)
	img, err := gen.Generate(g, gen.Noise(5, 3, g.Latent), labels)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := gen.Write(&b, img, labels, gen.FormatOf(g, nil)); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestNoEMA: a model with an average generates with it, and with -no-ema
// with the trained generator; a model without one gives the trained
// generator's bytes either way.
func TestNoEMA(t *testing.T) {
	path, m := saveModel(t, t.TempDir(), 0.5)
	avg, raw := generate(t, path, false), generate(t, path, true)
	if !bytes.Equal(avg, stream(t, m.EMA)) {
		t.Error("acgan-gen does not generate with the average")
	}
	if !bytes.Equal(raw, stream(t, m.G)) {
		t.Error("acgan-gen -no-ema does not generate with the trained generator")
	}
	if bytes.Equal(avg, raw) {
		t.Error("the average and the trained generator make the same images")
	}

	path, m = saveModel(t, t.TempDir(), 0)
	want := stream(t, m.G)
	if !bytes.Equal(generate(t, path, false), want) || !bytes.Equal(generate(t, path, true), want) {
		t.Error("without an average, acgan-gen and acgan-gen -no-ema do not both give the trained generator's images")
	}
}

// TestClassNames: -label and -interpolate take a class's number or, for a
// model that names its classes, its name (a name first, then a number; a
// name may hold a comma); anything else is refused with the accepted
// classes and a few of the names.
func TestClassNames(t *testing.T) {
	cfg := acgan.DefaultConfig()
	cfg.Classes = 7
	m, err := modelfile.New(cfg, 1)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		label string
		want  int
	}{{"0", 0}, {"6", 6}, {" 3", 3}} {
		if got, err := class(m, c.label); err != nil || got != c.want {
			t.Errorf("no names, %q: class %d, %v; want %d", c.label, got, err, c.want)
		}
	}
	if _, err := class(m, "cat"); err == nil || err.Error() != "not a class of the model: want a class number 0 to 6" {
		t.Errorf("no names, cat: %v", err)
	}
	m.Names = []string{"ant", "bee", "3", "cat, black", "dog", "eel", "fox"}
	for _, c := range []struct {
		label string
		want  int
	}{{"bee", 1}, {"3", 2}, {"6", 6}, {"cat, black", 3}} {
		if got, err := class(m, c.label); err != nil || got != c.want {
			t.Errorf("names, %q: class %d, %v; want %d", c.label, got, err, c.want)
		}
	}
	_, err = class(m, "Bee")
	if want := "not a class of the model: want a class number 0 to 6 or a name (ant, bee, 3, cat, black, dog, …)"; err == nil || err.Error() != want {
		t.Errorf("names, Bee: %v; want %q", err, want)
	}
	for _, c := range []struct {
		arg  string
		a, b int
	}{{"ant,fox", 0, 6}, {"dog", 4, 4}, {"cat, black,eel", 3, 5}, {"1,cat, black", 1, 3}} {
		if a, b, err := pair(m, c.arg); err != nil || a != c.a || b != c.b {
			t.Errorf("-interpolate %q: %d, %d, %v; want %d, %d", c.arg, a, b, err, c.a, c.b)
		}
	}
	if _, _, err := pair(m, "ant,gnu"); err == nil {
		t.Error("-interpolate ant,gnu accepted")
	}
}

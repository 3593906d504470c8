package train

import (
	"bytes"
	"slices"
	"testing"

	"acgan/pkg/acgan"
	"acgan/pkg/modelfile"
)

// TestEMAResumeAndSamples: with objective tac and an average of the
// generator, 2 iterations, saved, loaded and 2 more give the bytes of 4,
// and the sample grids are drawn by the average.
func TestEMAResumeAndSamples(t *testing.T) {
	cfg := acgan.DefaultConfig()
	cfg.Batch, cfg.Objective, cfg.TACWeight, cfg.EMA = 4, acgan.TAC, 1, 0.999
	start := func() *modelfile.Model {
		m, err := modelfile.New(cfg, 5)
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	data := testData(20)
	whole := start()
	var last []float32
	if _, err := Run(whole, data, Options{Iters: 4, SampleEvery: 2,
		Pictures: samplesFunc(func(iter int, pix []float32) error {
			last = slices.Clone(pix)
			return nil
		})}); err != nil {
		t.Fatal(err)
	}
	z, y := SampleNoise(whole.Seed, cfg.Latent, cfg.Classes)
	avg, err := whole.EMA.Generate(z, y)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := whole.G.Generate(z, y)
	if !slices.Equal(last, avg) || slices.Equal(last, raw) {
		t.Error("the sample grid is not the average's")
	}

	half := start()
	if _, err := Run(half, data, Options{Iters: 2}); err != nil {
		t.Fatal(err)
	}
	resumed, err := modelfile.Load(bytes.NewReader(saved(t, half)), "half")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Run(resumed, data, Options{Iters: 4}); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(saved(t, whole), saved(t, resumed)) {
		t.Fatal("2+2 iterations (resumed) differ from 4")
	}
}

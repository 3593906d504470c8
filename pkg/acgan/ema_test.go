package acgan

import (
	"math/rand/v2"
	"slices"
	"testing"
)

func TestEMADecay(t *testing.T) {
	for _, c := range []struct {
		decay float32
		t     int64
		want  float32
	}{
		{0.999, 1, 2.0 / 11},
		{0.999, 90, 0.91},
		{0.999, 8990, 0.999},
		{0.999, 1 << 40, 0.999},
		{0.5, 1, 2.0 / 11},
		{0.5, 100, 0.5},
	} {
		if got := emaDecay(c.decay, c.t); got != c.want {
			t.Errorf("emaDecay(%v, %d) = %v, want %v", c.decay, c.t, got, c.want)
		}
	}
}

// TestEMAFollowsG trains with an average and checks, step by step, that
// it holds d_t·a + (1 − d_t)·w of G's parameters and moving statistics
// (worked out here from copies), that it starts as a copy of G, and that
// keeping it changes nothing of the training itself.
func TestEMAFollowsG(t *testing.T) {
	cfg := smallConfig(FakeClass)
	cfg.EMA = 0.9
	tr, err := NewTrainer(cfg, 4)
	if err != nil {
		t.Fatal(err)
	}
	plain, _ := NewTrainer(smallConfig(FakeClass), 4)
	snapshot := func(g *Generator) [][]float32 {
		var ts [][]float32
		for _, p := range g.Params() {
			ts = append(ts, slices.Clone(p.W))
		}
		for _, s := range g.States() {
			ts = append(ts, slices.Clone(s.Data))
		}
		return ts
	}
	want := snapshot(tr.G)
	check := func(step int) {
		t.Helper()
		for i, a := range snapshot(tr.EMA) {
			if !slices.Equal(a, want[i]) {
				t.Fatalf("after step %d: average tensor %d is not d·a + (1 − d)·w", step, i)
			}
		}
	}
	check(0)
	if tr.Sampler() != tr.EMA || plain.Sampler() != plain.G {
		t.Error("Sampler does not pick the average when there is one, else G")
	}
	data := rand.New(rand.NewPCG(5, 5))
	for step := 1; step <= 3; step++ {
		x, y := fakeBatch(data, 4)
		if _, err := tr.Step(x, y); err != nil {
			t.Fatal(err)
		}
		if _, err := plain.Step(x, y); err != nil {
			t.Fatal(err)
		}
		d := emaDecay(0.9, int64(step))
		for i, w := range snapshot(tr.G) {
			for j := range w {
				want[i][j] += (1 - d) * (w[j] - want[i][j])
			}
		}
		check(step)
	}
	pa, pb := tr.Params(), plain.Params()
	for i := range pa {
		if !slices.Equal(pa[i].W, pb[i].W) {
			t.Fatalf("%s: keeping an average changed the training", pa[i].Name)
		}
	}
	sa, sb := tr.States(), plain.States()
	if len(sa) != len(sb)+len(emaStates(tr.EMA)) {
		t.Fatalf("%d states with an average, %d without", len(sa), len(sb))
	}
	for i := range sb {
		if !slices.Equal(sa[i].Data, sb[i].Data) {
			t.Fatalf("%s: keeping an average changed the training", sb[i].Name)
		}
	}
}

// TestGenerateUsesAverage: Trainer.Generate (training's samples) draws
// with the average when there is one.
func TestGenerateUsesAverage(t *testing.T) {
	cfg := smallConfig(FakeClass)
	cfg.EMA = 0.5
	tr, _ := NewTrainer(cfg, 6)
	data := rand.New(rand.NewPCG(7, 7))
	for range 2 {
		x, y := fakeBatch(data, 4)
		if _, err := tr.Step(x, y); err != nil {
			t.Fatal(err)
		}
	}
	z := randNormal(rand.New(rand.NewPCG(8, 8)), 3*cfg.Latent)
	labels := []int{1, 2, 3}
	got, err := tr.Generate(z, labels)
	if err != nil {
		t.Fatal(err)
	}
	avg, _ := tr.EMA.Generate(z, labels)
	raw, _ := tr.G.Generate(z, labels)
	if !slices.Equal(got, avg) {
		t.Error("Generate does not draw with the average")
	}
	if slices.Equal(avg, raw) {
		t.Error("the average draws the raw generator's images")
	}
}

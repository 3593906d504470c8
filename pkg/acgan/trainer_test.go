package acgan

import (
	"math"
	"math/rand/v2"
	"testing"

	"acgan/pkg/nn"
	"acgan/pkg/parallel"
)

// fakeBatch returns b MNIST-shaped images in [-1, 1] and labels drawn
// from r.
func fakeBatch(r *rand.Rand, b int) ([]float32, []int) {
	c := DefaultConfig()
	c.Batch = b
	return fakeBatchFor(r, c)
}

// fakeBatchFor returns a batch of c.Batch images of c's geometry in
// [-1, 1] and labels of c's classes, drawn from r.
func fakeBatchFor(r *rand.Rand, c Config) ([]float32, []int) {
	x := make([]float32, c.Batch*c.ImageSize())
	for i := range x {
		x[i] = float32(2*r.Float64() - 1)
	}
	y := make([]int, c.Batch)
	for i := range y {
		y[i] = r.IntN(c.Classes)
	}
	return x, y
}

func smallConfig(obj Objective) Config {
	c := DefaultConfig()
	c.Objective = obj
	c.Batch = 4
	return c
}

func TestStepRunsAndIsDeterministic(t *testing.T) {
	for _, obj := range []Objective{FakeClass, Paper} {
		run := func() *Trainer {
			tr, err := NewTrainer(smallConfig(obj), 7)
			if err != nil {
				t.Fatal(err)
			}
			data := rand.New(rand.NewPCG(1, 1))
			for i := 0; i < 2; i++ {
				x, y := fakeBatch(data, 4)
				st, err := tr.Step(x, y)
				if err != nil {
					t.Fatal(err)
				}
				if st.DLoss <= 0 || st.GLoss <= 0 || math.IsNaN(st.DLoss) {
					t.Fatalf("%v: implausible stats %+v", obj, st)
				}
			}
			return tr
		}
		a, b := run(), run()
		if a.OptD.Step != 4 || a.OptG.Step != 2 || a.Iter != 2 {
			t.Fatalf("%v: steps D %d G %d iter %d, want 4 2 2", obj, a.OptD.Step, a.OptG.Step, a.Iter)
		}
		pa, pb := a.Params(), b.Params()
		for i := range pa {
			for j := range pa[i].W {
				if pa[i].W[j] != pb[i].W[j] {
					t.Fatalf("%v: %s differs between two runs with the same seed", obj, pa[i].Name)
				}
			}
		}
		if got := a.D.K; got != smallConfig(obj).HeadClasses() {
			t.Fatalf("%v: head %d", obj, got)
		}
	}
}

func TestStepRejectsBadInput(t *testing.T) {
	tr, err := NewTrainer(smallConfig(FakeClass), 1)
	if err != nil {
		t.Fatal(err)
	}
	x, y := fakeBatch(rand.New(rand.NewPCG(1, 1)), 4)
	if _, err := tr.Step(x[:10], y); err == nil {
		t.Error("short image batch accepted")
	}
	y[2] = 10
	if _, err := tr.Step(x, y); err == nil {
		t.Error("label 10 accepted")
	}
	if _, err := tr.Step(nil, nil); err == nil {
		t.Error("empty batch accepted")
	}
	if _, err := tr.Generate(make([]float32, 100), []int{-1}); err == nil {
		t.Error("label -1 accepted by Generate")
	}
	if _, err := tr.Generate(make([]float32, 99), []int{1}); err == nil {
		t.Error("short noise accepted by Generate")
	}
}

func TestConfigValidate(t *testing.T) {
	if err := DefaultConfig().Validate(); err != nil {
		t.Fatal(err)
	}
	c := DefaultConfig()
	c.Dropout = 1
	if c.Validate() == nil {
		t.Error("dropout 1 accepted")
	}
	if _, err := ParseObjective("paper"); err != nil {
		t.Error(err)
	}
	if _, err := ParseObjective("gan"); err == nil {
		t.Error("objective gan accepted")
	}
	if DefaultConfig().HeadClasses() != 11 {
		t.Error("fakeclass head is not 11-way")
	}
}

// TestResumeFromEnumeratedState copies every parameter, state tensor,
// counter and the RNG of a trainer into a fresh one (what a model file
// does) and checks that both continue identically.
func TestResumeFromEnumeratedState(t *testing.T) {
	cfg := smallConfig(FakeClass)
	a, _ := NewTrainer(cfg, 3)
	data := rand.New(rand.NewPCG(5, 5))
	x, y := fakeBatch(data, 4)
	if _, err := a.Step(x, y); err != nil {
		t.Fatal(err)
	}
	b, _ := NewTrainer(cfg, 99)
	pa, pb := a.Params(), b.Params()
	for i := range pa {
		if pa[i].Name != pb[i].Name {
			t.Fatalf("param order differs: %s %s", pa[i].Name, pb[i].Name)
		}
		copy(pb[i].W, pa[i].W)
	}
	sa, sb := a.States(), b.States()
	seen := map[string]bool{}
	for i := range sa {
		if seen[sa[i].Name] {
			t.Fatalf("state name %s twice", sa[i].Name)
		}
		seen[sa[i].Name] = true
		copy(sb[i].Data, sa[i].Data)
	}
	b.Iter, b.OptG.Step, b.OptD.Step = a.Iter, a.OptG.Step, a.OptD.Step
	rs, err := a.MarshalRNG()
	if err != nil {
		t.Fatal(err)
	}
	if err := b.UnmarshalRNG(rs); err != nil {
		t.Fatal(err)
	}
	x, y = fakeBatch(data, 4)
	sta, _ := a.Step(x, y)
	stb, _ := b.Step(x, y)
	if sta != stb {
		t.Fatalf("stats differ after resume:\n%+v\n%+v", sta, stb)
	}
	for i := range pa {
		for j := range pa[i].W {
			if pa[i].W[j] != pb[i].W[j] {
				t.Fatalf("%s differs after resume", pa[i].Name)
			}
		}
	}
	want := []string{"g.bn0.moving_mean", "d.bn3.moving_var", "adam.m.g.dense.w", "adam.v.d.label.b"}
	for _, n := range want {
		if !seen[n] {
			t.Errorf("state %s not enumerated", n)
		}
	}
}

// TestThreadsDoNotChangeResults: the same seed gives the same bits with one
// thread or two (no reduction order depends on the thread count).
func TestThreadsDoNotChangeResults(t *testing.T) {
	defer parallel.SetThreads(0)
	run := func(threads int) []*nn.Param {
		parallel.SetThreads(threads)
		tr, _ := NewTrainer(smallConfig(FakeClass), 5)
		data := rand.New(rand.NewPCG(6, 6))
		for i := 0; i < 2; i++ {
			x, y := fakeBatch(data, 4)
			if _, err := tr.Step(x, y); err != nil {
				t.Fatal(err)
			}
		}
		return tr.Params()
	}
	a, b := run(1), run(2)
	for i := range a {
		for j := range a[i].W {
			if a[i].W[j] != b[i].W[j] {
				t.Fatalf("%s[%d] differs between 1 and 2 threads", a[i].Name, j)
			}
		}
	}
}

// TestTrainerGenerateChunks: the trainer makes more images than its batch
// a batch at a time, with the generator's results, and checks its input
// as a whole.
func TestTrainerGenerateChunks(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Batch = 8
	tr, err := NewTrainer(cfg, 3)
	if err != nil {
		t.Fatal(err)
	}
	const n = 21 // two whole batches and a partial one
	r := rand.New(rand.NewPCG(4, 4))
	z := make([]float32, n*cfg.Latent)
	for i := range z {
		z[i] = float32(r.NormFloat64())
	}
	labels := make([]int, n)
	for i := range labels {
		labels[i] = i % 10
	}
	got, err := tr.Generate(z, labels)
	if err != nil {
		t.Fatal(err)
	}
	want, err := tr.G.Generate(z, labels) // all at once
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("%d values, want %d", len(got), len(want))
	}
	for i := range got {
		if math.Abs(float64(got[i]-want[i])) > 1e-6 {
			t.Fatalf("value %d: %v in batches, %v at once", i, got[i], want[i])
		}
	}
	if _, err := tr.Generate(z[:len(z)-1], labels); err == nil {
		t.Error("Generate accepted a short z")
	}
	if _, err := tr.G.GenerateBatched(z, labels, 0); err == nil {
		t.Error("GenerateBatched accepted batches of 0 images")
	}
	labels[n-1] = 10
	if _, err := tr.Generate(z, labels); err == nil {
		t.Error("Generate accepted label 10")
	}
}

package acgan

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestModeSeekingPairs checks that with Config.ModeSeeking the classes of
// a batch come in pairs drawn as a run without it draws them (the second
// half overwritten by the first), and that the G step reports a finite,
// positive mode-seeking loss inside its total.
func TestModeSeekingPairs(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Batch = 7 // odd: the last image has no pair
	plain, err := NewTrainer(cfg, 3)
	if err != nil {
		t.Fatal(err)
	}
	cfg.ModeSeeking = 1
	paired, err := NewTrainer(cfg, 3)
	if err != nil {
		t.Fatal(err)
	}
	x, y := fakeBatchFor(rand.New(rand.NewPCG(2, 2)), cfg)
	if _, err := plain.Step(x, y); err != nil {
		t.Fatal(err)
	}
	st, err := paired.Step(x, y)
	if err != nil {
		t.Fatal(err)
	}
	P := cfg.Batch / 2
	for p := 0; p < P; p++ {
		if paired.sampled[p] != plain.sampled[p] || paired.sampled[P+p] != paired.sampled[p] {
			t.Fatalf("classes %v, want the pairs of %v's first half", paired.sampled, plain.sampled)
		}
	}
	if paired.sampled[2*P] != plain.sampled[2*P] {
		t.Errorf("the unpaired last class %d, want %d", paired.sampled[2*P], plain.sampled[2*P])
	}
	if !(st.G.Mode > 0) || math.IsInf(st.G.Mode, 0) {
		t.Errorf("mode-seeking loss %v", st.G.Mode)
	}
	if d := st.G.Total - (st.G.BCE + st.G.CCE + st.G.Mode); math.Abs(d) > 1e-9 {
		t.Errorf("G's total %v is not BCE + CCE + mode (%v, %v, %v)", st.G.Total, st.G.BCE, st.G.CCE, st.G.Mode)
	}
}

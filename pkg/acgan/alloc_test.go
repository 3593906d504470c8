package acgan

import (
	"math/rand/v2"
	"testing"

	"acgan/pkg/gemm"
)

// TestStepAllocatesNothing checks the zero-allocation promise of the
// training loop: after the first iteration has sized every buffer, a Step
// allocates nothing, with the package's own GEMM kernel underneath (gonum's
// Sgemm spawns goroutines, and allocates, for large products; the
// reference path of gemm.SgemmPacked materialises its operand).
func TestStepAllocatesNothing(t *testing.T) {
	old := gemm.Current()
	gemm.Use(gemm.SIMD{})
	defer gemm.Use(old)
	tac := DefaultConfig()
	tac.Objective, tac.TACWeight, tac.EMA = TAC, 1, 0.999
	for _, cfg := range []Config{DefaultConfig(), tac} {
		cfg.Batch = 32
		tr, err := NewTrainer(cfg, 1)
		if err != nil {
			t.Fatal(err)
		}
		x, y := fakeBatch(rand.New(rand.NewPCG(2, 2)), 32)
		if _, err := tr.Step(x, y); err != nil {
			t.Fatal(err)
		}
		if n := testing.AllocsPerRun(3, func() {
			if _, err := tr.Step(x, y); err != nil {
				t.Fatal(err)
			}
		}); n != 0 {
			t.Errorf("%v (EMA %v): a training step allocates %v times", cfg.Objective, cfg.EMA, n)
		}
	}
}

package acgan

import (
	"math/rand/v2"
	"testing"

	"acgan/pkg/gemm"
)

// zeroKernel stands in for the GEMM in the allocation test: it sets C to
// beta·C and computes nothing else, so the count below is ours alone
// (gonum's Sgemm spawns goroutines, and allocates, for large products) and
// the test is fast. Every value stays finite, so Step runs its whole path.
type zeroKernel struct{}

func (zeroKernel) Sgemm(tA, tB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	for i := 0; i < m; i++ {
		ci := c[i*ldc : i*ldc+n]
		for j := range ci {
			ci[j] *= beta
		}
	}
}

// TestStepAllocatesNothing checks the zero-allocation promise of the
// training loop: after the first iteration has sized every buffer, a Step
// allocates nothing (with an allocation-free GEMM kernel underneath).
func TestStepAllocatesNothing(t *testing.T) {
	old := gemm.Current()
	gemm.Use(zeroKernel{})
	defer gemm.Use(old)
	cfg := DefaultConfig()
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
		t.Errorf("a training step allocates %v times", n)
	}
}

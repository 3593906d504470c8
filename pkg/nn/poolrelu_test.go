package nn

import (
	"math/rand/v2"
	"testing"

	"acgan/pkg/parallel"
)

// TestPoolReLU checks the fused layer against MaxPool2D then ReLU,
// forward and backward, on values with ties and all-negative blocks.
func TestPoolReLU(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	nc, h, w := 7, 7, 8 // an odd height: the last row is dropped
	x := make([]float32, nc*h*w)
	for i := range x {
		x[i] = float32(r.IntN(7) - 4) // small integers: ties and negatives
	}
	dy := make([]float32, nc*h*w/4)
	for i := range dy {
		dy[i] = float32(r.NormFloat64())
	}
	var pool MaxPool2D
	var relu ReLU
	want := relu.Forward(pool.Forward(x, nc, h, w))
	wantDX := pool.Backward(relu.Backward(dy))

	for _, threads := range []int{1, 3} {
		parallel.SetThreads(threads)
		p := NewPoolReLU()
		got := p.Forward(x, nc, h, w)
		gotDX := p.Backward(dy)
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("threads %d: y[%d] = %v, want %v", threads, i, got[i], want[i])
			}
		}
		inf := NewPoolReLU().Infer(x, nc, h, w)
		for i := range want {
			if inf[i] != want[i] {
				t.Fatalf("threads %d: Infer: y[%d] = %v, want %v", threads, i, inf[i], want[i])
			}
		}
		for i := range wantDX {
			if gotDX[i] != wantDX[i] {
				t.Fatalf("threads %d: dx[%d] = %v, want %v", threads, i, gotDX[i], wantDX[i])
			}
		}
	}
	parallel.SetThreads(0)
}

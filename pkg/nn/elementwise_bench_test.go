package nn

import (
	"math/rand/v2"
	"testing"
	"time"

	"acgan/internal/cputime"
)

// BenchmarkElementwise times the elementwise layers of one ACGAN training
// iteration at batch 32, with the model's shapes: batch norm (forward in
// training mode, backward) for the generator's bn0/bn1/bn2 and the
// discriminator's bn2/bn3, and LeakyReLU and Dropout(0.25) forward and
// backward on the discriminator's four activations. "iteration" runs them as
// often as a training step does (the generator twice forward, once of them
// in inference mode, and once backward; the discriminator three times
// forward and backward). cpu-ms/op is the process CPU time (all threads).
//
//	go test ./pkg/nn -run '^$' -bench Elementwise -benchtime 40x -count 3
func BenchmarkElementwise(b *testing.B) {
	const n = 32
	r := rand.New(rand.NewPCG(1, 1))
	type bnCase struct {
		name  string
		c, hw int
	}
	bns := []bnCase{{"g.bn0", 128, 49}, {"g.bn1", 128, 196}, {"g.bn2", 64, 784}, {"d.bn2", 32, 64}, {"d.bn3", 64, 16}}
	acts := []int{16 * 196, 32 * 64, 64 * 16, 128 * 16} // per sample
	type bnRun struct {
		l     *BatchNorm
		x, dy []float32
		hw    int
	}
	var bnr []bnRun
	for _, c := range bns {
		l := NewBatchNorm(c.name, c.c)
		bnr = append(bnr, bnRun{l, randVec(r, n*c.c*c.hw, 1), randVec(r, n*c.c*c.hw, 1), c.hw})
	}
	type actRun struct {
		a     *LeakyReLU
		d     *Dropout
		x, dy []float32
	}
	var ar []actRun
	for _, m := range acts {
		ar = append(ar, actRun{NewLeakyReLU(0.2), NewDropout(0.25, r), randVec(r, n*m, 1), randVec(r, n*m, 1)})
	}
	run := func(b *testing.B, body func()) {
		body() // allocate
		b.ResetTimer()
		start := cputime.Process()
		for i := 0; i < b.N; i++ {
			body()
		}
		b.ReportMetric(float64(cputime.Process()-start)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
	}
	for _, br := range bnr {
		b.Run("bn/"+br.l.Gamma.Name[:len(br.l.Gamma.Name)-len(".gamma")], func(b *testing.B) {
			run(b, func() {
				br.l.Forward(br.x, n, br.hw, true)
				br.l.Backward(br.dy)
			})
		})
	}
	b.Run("leakyrelu", func(b *testing.B) {
		run(b, func() {
			for _, a := range ar {
				a.a.Forward(a.x)
				a.a.Backward(a.dy)
			}
		})
	})
	b.Run("dropout", func(b *testing.B) {
		run(b, func() {
			for _, a := range ar {
				a.d.Forward(a.x, true)
				a.d.Backward(a.dy)
			}
		})
	})
	b.Run("iteration", func(b *testing.B) {
		run(b, func() {
			for k, br := range bnr {
				if k < 3 { // generator: inference forward, then training forward and backward
					br.l.Forward(br.x, n, br.hw, false)
					br.l.Forward(br.x, n, br.hw, true)
					br.l.Backward(br.dy)
					continue
				}
				for j := 0; j < 3; j++ {
					br.l.Forward(br.x, n, br.hw, true)
					br.l.Backward(br.dy)
				}
			}
			for j := 0; j < 3; j++ {
				for _, a := range ar {
					a.d.Forward(a.a.Forward(a.x), true)
					a.a.Backward(a.d.Backward(a.dy))
				}
			}
		})
	})
}

package gemm

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

func BenchmarkExp(b *testing.B) {
	shapes := []struct {
		tA, tB  bool
		m, n, k int
	}{{false, false, 128, 6272, 1152}, {false, true, 128, 1152, 6272}, {true, false, 1152, 6272, 128}, {false, false, 6272, 128, 1152}}
	for _, s := range shapes {
		r := rand.New(rand.NewPCG(1, 2))
		p := newProblem(r, s.tA, s.tB, s.m, s.n, s.k, 0, 1, 0, normGen(r))
		flops := 2 * float64(s.m*s.n*s.k)
		for _, kc := range []int{256, 384, 576} {
			for _, nc := range []int{240, 528, 1056} {
				b.Run(fmt.Sprintf("%v/kc%d/nc%d", s, kc, nc), func(b *testing.B) {
					kcMax, ncMax = kc, nc
					defer func() { kcMax, ncMax = 384, 528 }()
					useThreads(b, 1)
					cpu0 := processCPU()
					for i := 0; i < b.N; i++ {
						SIMD{}.Sgemm(p.tA, p.tB, p.m, p.n, p.k, 1, p.a, p.lda, p.b, p.ldb, 0, p.c, p.ldc)
					}
					cpu := processCPU() - cpu0
					b.ReportMetric(flops*float64(b.N)/cpu.Seconds()/1e9, "GFLOP/cpu-s")
				})
			}
		}
	}
}

package gemm

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// BenchmarkTune measures the blocking parameters kcMax and ncMax on the
// network's largest products (UpConv2D forward, weight and input
// gradients), single-threaded, in GFLOP per CPU-second (so that other
// processes on the machine disturb it less). It is how kcMax and ncMax were
// chosen:
//
//	go test -run NONE -bench Tune -benchtime 10x ./pkg/gemm
func BenchmarkTune(b *testing.B) {
	shapes := []struct {
		tA, tB  bool
		m, n, k int
	}{{false, false, 64, 6272, 512}, {false, true, 64, 512, 6272}, {true, false, 512, 6272, 64}, {false, false, 128, 1568, 512}}
	for _, s := range shapes {
		r := rand.New(rand.NewPCG(1, 2))
		p := newProblem(r, s.tA, s.tB, s.m, s.n, s.k, 0, 1, 0, normGen(r))
		flops := 2 * float64(s.m*s.n*s.k)
		for _, kc := range []int{256, 384, 512} {
			for _, nc := range []int{336, 528, 1056} {
				b.Run(fmt.Sprintf("%s/kc%d/nc%d", shapeName(s.tA, s.tB, s.m, s.n, s.k), kc, nc), func(b *testing.B) {
					oldKC, oldNC := kcMax, ncMax
					kcMax, ncMax = kc, nc
					defer func() { kcMax, ncMax = oldKC, oldNC }()
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

// shapeName is "NT 64x512x6272" style: transposes, then m×n×k.
func shapeName(tA, tB bool, m, n, k int) string {
	t := func(x bool) string {
		if x {
			return "T"
		}
		return "N"
	}
	return fmt.Sprintf("%s%s_%dx%dx%d", t(tA), t(tB), m, n, k)
}

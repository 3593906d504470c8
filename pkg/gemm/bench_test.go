package gemm

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"testing"
)

// benchShapes are the ACGAN's big im2col products at batch 32: the forward
// product (m = batch·H·W, k = Cin·9, n = Cout), the weight gradient
// dW = Xᵀ·dY (transposed A, k = the big dimension) and the input gradient
// dX = dY·Wᵀ (transposed B).
var benchShapes = []struct {
	name    string
	tA, tB  bool
	m, n, k int
}{
	{"G.conv1/fwd/6272x1152x128", false, false, 6272, 128, 1152},
	{"G.conv1/dW/1152x6272x128", true, false, 1152, 128, 6272},
	{"G.conv1/dX/6272x128x1152", false, true, 6272, 1152, 128},
	{"G.conv2/fwd/25088x1152x64", false, false, 25088, 64, 1152},
	{"G.conv2/dW/1152x25088x64", true, false, 1152, 64, 25088},
	{"G.conv2/dX/25088x64x1152", false, true, 25088, 1152, 64},
	{"D.conv4/fwd/512x576x128", false, false, 512, 128, 576},
	{"D.conv4/dW/576x512x128", true, false, 576, 128, 512},
	{"D.conv4/dX/512x128x576", false, true, 512, 576, 128},
	// The shapes that are not GEMM-friendly.
	{"G.conv3/fwd/25088x576x1", false, false, 25088, 1, 576},
	{"G.conv3/dW/576x25088x1", true, false, 576, 1, 25088},
	{"G.conv3/dX/25088x1x576", false, true, 25088, 576, 1},
	{"D.conv1/fwd/6272x9x16", false, false, 6272, 16, 9},
	{"D.conv1/dW/9x6272x16", true, false, 9, 16, 6272},
	{"G.dense/fwd/32x100x6272", false, false, 32, 6272, 100},
	{"G.dense/dW/100x32x6272", true, false, 100, 6272, 32},
	{"G.dense/dX/32x6272x100", false, true, 32, 100, 6272},
	{"D.heads/fwd/32x2048x11", false, false, 32, 11, 2048},
}

// BenchmarkSgemm reports GFLOP/s (wall clock) and GFLOP per CPU-second
// of the process (the rate per busy core, which other processes competing
// for the cores do not dilute) of the SIMD kernel (on each path) and of
// gonum's Sgemm, with 1 and 2 threads. Select with e.g.
//
//	go test -run NONE -bench 'Sgemm/G.conv1/fwd' ./pkg/gemm
func BenchmarkSgemm(b *testing.B) {
	for _, s := range benchShapes {
		r := rand.New(rand.NewPCG(1, 2))
		p := newProblem(r, s.tA, s.tB, s.m, s.n, s.k, 0, 1, 0, normGen(r))
		flops := 2 * float64(s.m) * float64(s.n) * float64(s.k)
		kernels := []string{"gonum"}
		kernels = append(kernels, Paths()...)
		for _, kern := range kernels {
			for _, t := range []int{1, 2} {
				b.Run(fmt.Sprintf("%s/%s/t%d", s.name, kern, t), func(b *testing.B) {
					var k Kernel = SIMD{}
					if kern == "gonum" {
						k = Gonum{}
						// gonum parallelises on GOMAXPROCS goroutines.
						defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(t))
					} else {
						useArch(b, kern)
						useThreads(b, t)
					}
					k.Sgemm(p.tA, p.tB, p.m, p.n, p.k, 1, p.a, p.lda, p.b, p.ldb, 0, p.c, p.ldc)
					b.ResetTimer()
					cpu0 := processCPU()
					for i := 0; i < b.N; i++ {
						k.Sgemm(p.tA, p.tB, p.m, p.n, p.k, 1, p.a, p.lda, p.b, p.ldb, 0, p.c, p.ldc)
					}
					cpu := processCPU() - cpu0
					b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
					b.ReportMetric(flops*float64(b.N)/cpu.Seconds()/1e9, "GFLOP/cpu-s")
				})
			}
		}
	}
}

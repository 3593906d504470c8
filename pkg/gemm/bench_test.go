package gemm

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"testing"
)

// benchShapes are the ACGAN's products at batch 32, as pkg/nn calls them
// (m×n×k in the names), and the big ones in the untransposed im2col layout.
var benchShapes = []struct {
	name    string
	tA, tB  bool
	m, n, k int
}{
	// pkg/nn's convolution layout (colT [K, R], R = batch·OH·OW):
	// forward Y[Cout,R] = W[Cout,K]·colT; dW[Cout,K] = dY[Cout,R]·colTᵀ;
	// dcolT[K,R] = Wᵀ·dY. Shapes at batch 32 (G.conv2 runs in chunks of 9
	// samples: R = 7056).
	// The generator's upsample+conv pairs as pkg/nn's UpConv2D computes them:
	// four 2×2 convolutions on the small image (K = 4·Cin = 512), per phase.
	{"G.upconv1/fwd/128x1568x512", false, false, 128, 1568, 512},
	{"G.upconv1/dW/128x512x1568", false, true, 128, 512, 1568},
	{"G.upconv1/dX/512x1568x128", true, false, 512, 1568, 128},
	{"G.upconv2/fwd/64x6272x512", false, false, 64, 6272, 512},
	{"G.upconv2/dW/64x512x6272", false, true, 64, 512, 6272},
	{"G.upconv2/dX/512x6272x64", true, false, 512, 6272, 64},
	// The same convolutions as 3×3 convs on the upsampled image.
	{"G.conv1/fwd/128x6272x1152", false, false, 128, 6272, 1152},
	{"G.conv1/dW/128x1152x6272", false, true, 128, 1152, 6272},
	{"G.conv1/dX/1152x6272x128", true, false, 1152, 6272, 128},
	{"G.conv2/fwd/64x7056x1152", false, false, 64, 7056, 1152},
	{"G.conv2/dW/64x1152x7056", false, true, 64, 1152, 7056},
	{"G.conv2/dX/1152x7056x64", true, false, 1152, 7056, 64},
	{"D.conv4/fwd/128x512x576", false, false, 128, 512, 576},
	{"D.conv4/dW/128x576x512", false, true, 128, 576, 512},
	{"D.conv4/dX/576x512x128", true, false, 576, 512, 128},
	{"D.conv3/fwd/64x512x288", false, false, 64, 512, 288},
	{"D.conv2/fwd/32x1568x144", false, false, 32, 1568, 144},
	{"D.conv1/fwd/16x6272x9", false, false, 16, 6272, 9},
	{"D.conv1/dW/16x9x6272", false, true, 16, 9, 6272},
	// The generator's last conv (Cout = 1) in chunks of 18 samples.
	{"G.conv3/fwd/14112x1x576", true, false, 14112, 1, 576},
	{"G.conv3/dW/576x1x14112", false, false, 576, 1, 14112},
	{"G.conv3/dX/576x14112x1", true, false, 576, 14112, 1},
	// Dense layers: y = x·Wᵀ, dW = dyᵀ·x, dx = dy·W.
	{"G.dense/fwd/32x6272x100", false, true, 32, 6272, 100},
	{"G.dense/dW/6272x100x32", true, false, 6272, 100, 32},
	{"G.dense/dX/32x100x6272", false, false, 32, 100, 6272},
	{"D.heads/fwd/32x11x2048", false, true, 32, 11, 2048},
	// The im2col products in the untransposed layout (col [R, K]).
	{"im2col/fwd/6272x128x1152", false, false, 6272, 128, 1152},
	{"im2col/dW/1152x128x6272", true, false, 1152, 128, 6272},
	{"im2col/dX/6272x1152x128", false, true, 6272, 1152, 128},
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

package gemm

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"testing"
)

// BenchmarkGatherSum fills, on every path, the 16-column panels (the AVX2
// kernel's width) of an implicit im2col with GatherSum, 256 rows a call:
// colT of UpConv2D's g.conv2 phase product at batch 32 (512 taps × 6272
// pixels; its columns come in runs of 14 consecutive offsets) and its
// transpose, the weight gradient's B (6272 × 512; taps, in short runs).
// The "go" path is the plain loop every path without a gather kernel runs.
// It reports the wall-clock rate and the CPU time of the thread per float.
func BenchmarkGatherSum(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	cp := &convPacker{n: 32, cin: 128, h: 14, w: 14, kh: 2, kw: 2, offY: -1, offX: -1}
	cp.x = make([]float32, cp.n*cp.cin*cp.h*cp.w)
	for i := range cp.x {
		cp.x[i] = float32(r.NormFloat64())
	}
	gp := newGatherPacker(cp)
	const ldd, kb = 16, 256
	dst := make([]float32, kb*ldd)
	for _, tab := range []struct {
		name           string
		rowOff, colOff []int32
	}{{"fwd", gp.rowOff, gp.colOff}, {"dW", gp.colOff, gp.rowOff}} {
		for _, name := range Paths() {
			b.Run(fmt.Sprintf("%s/%s", tab.name, name), func(b *testing.B) {
				useArch(b, name)
				runtime.LockOSThread()
				defer runtime.UnlockOSThread()
				k, n := len(tab.rowOff), len(tab.colOff)
				t0 := threadCPU()
				for i := 0; i < b.N; i++ {
					for p0 := 0; p0 < k; p0 += kb {
						rows := tab.rowOff[p0:min(k, p0+kb)]
						for j0 := 0; j0 < n; j0 += ldd {
							GatherSum(dst, ldd, gp.xp, rows, tab.colOff[j0:min(n, j0+ldd)])
						}
					}
				}
				cpu := threadCPU() - t0
				b.ReportMetric(float64(k*n)*float64(b.N)/b.Elapsed().Seconds()/1e9, "Gfloat/s")
				b.ReportMetric(float64(cpu.Nanoseconds())/(float64(k*n)*float64(b.N)), "cpu-ns/float")
			})
		}
	}
}

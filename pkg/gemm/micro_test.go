package gemm

import (
	"runtime"
	"testing"
)

// BenchmarkMicro runs each path's main micro-kernel alone on an L1/L2-
// resident packed panel (kc = 384), reporting GFLOP per CPU-second of the
// thread: the ceiling the blocked driver works under.
func BenchmarkMicro(b *testing.B) {
	for _, name := range Paths() {
		b.Run(name, func(b *testing.B) {
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			ar := archByName(name)
			kc := 384
			a := make([]float32, ar.mr*kc)
			bb := make([]float32, kc*ar.nr())
			c := make([]float32, ar.mr*ar.nr())
			for i := range a {
				a[i] = 1
			}
			t0 := threadCPU()
			for i := 0; i < b.N; i++ {
				ar.kerns[0].kernT(kc, a, ar.mr, bb, ar.nr(), c, ar.nr(), 1, 0, 0)
			}
			cpu := threadCPU() - t0
			f := 2 * float64(ar.mr*ar.nr()*kc) * float64(b.N)
			b.ReportMetric(f/b.Elapsed().Seconds()/1e9, "GFLOP/s")
			b.ReportMetric(f/cpu.Seconds()/1e9, "GFLOP/cpu-s")
		})
	}
}

package gemm

import (
	"runtime"
	"syscall"
	"testing"
	"time"
)

// processCPU is the CPU time the process has used.
func processCPU() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// threadCPU is the CPU time the calling OS thread has used.
func threadCPU() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(1 /* RUSAGE_THREAD */, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

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

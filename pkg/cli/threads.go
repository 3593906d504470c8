package cli

import (
	"runtime"

	"acgan/pkg/parallel"
)

// SetThreads bounds the CPU a tool uses to n threads (0: all cores): Go's
// scheduler (GOMAXPROCS) and the kernels' thread count (parallel.SetThreads).
func SetThreads(n int) {
	if n == 0 {
		n = runtime.NumCPU()
	}
	runtime.GOMAXPROCS(n)
	parallel.SetThreads(n)
}

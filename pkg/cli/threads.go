package cli

import (
	"fmt"
	"runtime"

	"acgan/pkg/parallel"
)

// MaxThreads bounds a tool's -threads: more goroutines than that share no
// product usefully, and each costs the Go runtime a processor's state
// (GOMAXPROCS) and the operating system a thread.
const MaxThreads = 256

// CheckThreads returns the error a tool reports for -threads n: nil for 0
// (all cores) to MaxThreads.
func CheckThreads(n int) error {
	if n < 0 || n > MaxThreads {
		return fmt.Errorf("-threads %d: want 0 (all cores) to %d", n, MaxThreads)
	}
	return nil
}

// SetThreads bounds the CPU a tool uses to n threads (0: all cores): Go's
// scheduler (GOMAXPROCS) and the kernels' thread count (parallel.SetThreads).
// n is assumed checked (CheckThreads).
func SetThreads(n int) {
	if n == 0 {
		n = runtime.NumCPU()
	}
	runtime.GOMAXPROCS(n)
	parallel.SetThreads(n)
}

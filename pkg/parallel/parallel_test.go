package parallel

import (
	"sync/atomic"
	"testing"
)

// TestFor checks that every index is handled exactly once, by at most
// Threads() calls of contiguous ranges, for any thread count.
func TestFor(t *testing.T) {
	defer SetThreads(0)
	for _, threads := range []int{1, 2, 3, 8} {
		SetThreads(threads)
		for _, n := range []int{0, 1, 2, 7, 100} {
			seen := make([]int32, n)
			var calls atomic.Int32
			For(n, func(lo, hi int) {
				calls.Add(1)
				for i := lo; i < hi; i++ {
					atomic.AddInt32(&seen[i], 1)
				}
			})
			for i, c := range seen {
				if c != 1 {
					t.Fatalf("threads %d, n %d: index %d handled %d times", threads, n, i, c)
				}
			}
			if c := int(calls.Load()); c > threads || (n > 0 && c < 1) {
				t.Errorf("threads %d, n %d: %d calls", threads, n, c)
			}
		}
	}
}

func TestThreads(t *testing.T) {
	defer SetThreads(0)
	SetThreads(3)
	if Threads() != 3 {
		t.Errorf("Threads() = %d after SetThreads(3)", Threads())
	}
	SetThreads(-1)
	if Threads() < 1 {
		t.Errorf("Threads() = %d by default", Threads())
	}
}

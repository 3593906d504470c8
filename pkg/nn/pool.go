// A small shared worker pool for the work that is not a matrix product
// (im2col, col2im, layout transposes, per-channel batch-norm statistics).
//
// For splits [0, n) into at most Threads() contiguous ranges, one per
// worker, the caller running the first. Every index is handled by exactly
// one call, and each call's result depends only on its own indices, so the
// output does not depend on the number of threads or on scheduling: no
// floating-point reduction ever crosses a range boundary.
//
// For never allocates: the function is sent to long-lived workers, so
// callers pass a method value stored once (e.g. at construction) rather
// than a fresh closure, which would escape to the heap.

package nn

import (
	"runtime"
	"sync"
	"sync/atomic"
)

var (
	nThreads atomic.Int32 // 0 means runtime.GOMAXPROCS(0)

	poolMu  sync.Mutex // one parallel region at a time; For must not nest
	poolWG  sync.WaitGroup
	workers int
	jobs    = make(chan job)
)

type job struct {
	fn     func(lo, hi int)
	lo, hi int
}

// SetThreads bounds the number of goroutines For uses (n ≥ 1); n ≤ 0
// restores the default, runtime.GOMAXPROCS(0).
func SetThreads(n int) {
	if n < 0 {
		n = 0
	}
	nThreads.Store(int32(n))
}

// Threads reports the number of goroutines For uses.
func Threads() int {
	if n := int(nThreads.Load()); n > 0 {
		return n
	}
	return runtime.GOMAXPROCS(0)
}

func worker() {
	for j := range jobs {
		j.fn(j.lo, j.hi)
		poolWG.Done()
	}
}

// For calls fn on a partition of [0, n) into contiguous ranges, in parallel
// on up to Threads() goroutines, and returns when all calls are done. fn
// must not call For.
func For(n int, fn func(lo, hi int)) {
	t := Threads()
	if t > n {
		t = n
	}
	if t <= 1 {
		if n > 0 {
			fn(0, n)
		}
		return
	}
	poolMu.Lock()
	for workers < t-1 {
		go worker()
		workers++
	}
	poolWG.Add(t - 1)
	for i := 1; i < t; i++ {
		jobs <- job{fn, i * n / t, (i + 1) * n / t}
	}
	fn(0, n/t)
	poolWG.Wait()
	poolMu.Unlock()
}

// Package parallel holds the process's one thread count and the worker
// pool that shares work among that many goroutines. Every kernel of the
// toolkit (the matrix products of pkg/gemm, the layers of pkg/nn) asks
// Threads how many goroutines to use, so a tool bounds its CPU with one
// call to SetThreads.
//
// For splits [0, n) into at most Threads() contiguous ranges, one per
// goroutine, the caller running the first. Every index is handled by
// exactly one call, and each call's result depends only on its own indices,
// so results do not depend on the number of threads or on scheduling as
// long as no floating-point reduction crosses a range boundary.
//
// For never allocates: the function is sent to long-lived workers, so
// callers pass a method value stored once (e.g. at construction) rather
// than a fresh closure, which would escape to the heap.
package parallel

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

// SetThreads bounds the number of goroutines (the caller's included) that
// share one piece of work; n < 1 restores the default,
// runtime.GOMAXPROCS(0).
func SetThreads(n int) {
	if n < 0 {
		n = 0
	}
	nThreads.Store(int32(n))
}

// Threads returns the bound set by SetThreads.
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
	t := min(Threads(), n)
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

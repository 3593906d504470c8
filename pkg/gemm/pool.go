// This file holds the goroutines that share the work of one product, and the
// buffers they reuse, so that a steady stream of products allocates nothing.

package gemm

import (
	"sync"

	"acgan/pkg/parallel"
)

// Threads returns how many goroutines (the caller's included) may share one
// product: the process's thread count, parallel.Threads. Results do not
// depend on it: every element of C is computed by one goroutine, summing
// over k in the same order.
func Threads() int { return parallel.Threads() }

// workspace is one goroutine's scratch memory.
type workspace struct {
	apack []float32 // an edge panel of A, mr×kc, zero-padded
	bpack []float32 // a packed kc×tn block of B
	tile  []float32 // an edge tile of C, mr×nr
}

// grow returns s resliced to n elements, reallocating only if it is too short.
func grow(s []float32, n int) []float32 {
	if cap(s) < n {
		return make([]float32, n)
	}
	return s[:n]
}

// freeList hands out reusable values; it only allocates while more values
// are in use at once than ever before.
type freeList[T any] struct {
	mu    sync.Mutex
	items []*T
}

func (f *freeList[T]) get() *T {
	f.mu.Lock()
	defer f.mu.Unlock()
	if n := len(f.items); n > 0 {
		x := f.items[n-1]
		f.items = f.items[:n-1]
		return x
	}
	return new(T)
}

func (f *freeList[T]) put(x *T) {
	f.mu.Lock()
	f.items = append(f.items, x)
	f.mu.Unlock()
}

var (
	workspaces freeList[workspace]
	jobs       freeList[job]
)

// run does j on t goroutines (the caller's included) and waits for it:
// each takes parts of j until none are left (see work), so a goroutine that
// starts late, or not at all when another parallel region holds the pool,
// leaves its parts to the others.
func (j *job) run(t int) {
	j.next.Store(0)
	if j.runFn == nil {
		j.runFn = j.runOne
	}
	parallel.Run(t, j.runFn)
}

// runOne is one goroutine's share of run.
func (j *job) runOne(int) {
	ws := workspaces.get()
	j.work(ws)
	workspaces.put(ws)
}

// work takes parts of j until none are left.
func (j *job) work(ws *workspace) {
	for {
		p := int(j.next.Add(1)) - 1
		if p >= j.parts {
			return
		}
		if j.gemv {
			j.gemvPart(p)
		} else {
			j.tile(ws, p)
		}
	}
}

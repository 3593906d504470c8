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
// long as no floating-point reduction crosses a range boundary. Run is the
// lower-level form: it calls a function once per goroutine, with the
// goroutine's index, for work that shares itself out (pkg/gemm's tiles).
//
// For and Run never allocate: the function is handed to long-lived
// workers, so callers pass a method value stored once (e.g. at
// construction) rather than a fresh closure, which would escape to the
// heap.
//
// Speed: a training step is hundreds of parallel regions a few tens of
// microseconds apart. A worker woken through the Go scheduler (a channel
// send) starts late, often only after the caller has finished its own share
// and blocked, so the two shares ran one after the other. Workers here spin
// on their own counter between regions, yielding the processor about every
// microsecond so that other goroutines still run, and park only after a
// while without work (see maxSpin); the caller likewise spins while it waits
// for them.
package parallel

import (
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

var nThreads atomic.Int32 // 0 means runtime.GOMAXPROCS(0)

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

// How long a goroutine waiting for a signal spins before it parks. Spinning
// pays while the goroutine that will post the signal is running: the gaps
// between two parallel regions of a training step are short (the longest,
// the discriminator's heads and losses, about 0.2 ms). It wastes the
// processor when that goroutine's thread is not running, as when other
// processes compete for the cores, and the waits grow long. So each
// signal's waiter keeps its own budget: a wait that has to park cuts it to
// a quarter (down to minSpin), a wait that ends while spinning raises it
// by an eighth (up to maxSpin). An idle tool soon stops using CPU, and on a
// busy machine the pool soon parks and wakes through the Go scheduler
// instead (slow, but it leaves the cores to the others).
const (
	maxSpin = time.Millisecond
	minSpin = 20 * time.Microsecond
)

// spinTurn is how many looks at the counter a spinning goroutine takes
// between two yields of the processor (about a microsecond).
const spinTurn = 1024

// A signal is a counter that one goroutine bumps and another waits on.
type signal struct {
	n      atomic.Uint32
	parked atomic.Bool
	wake   chan struct{} // capacity 1
	budget time.Duration // of the waiter: how long it spins
	_      [32]byte      // keeps two signals off one cache line
}

func newSignal() *signal { return &signal{wake: make(chan struct{}, 1), budget: maxSpin} }

// post bumps the counter and wakes the waiter if it has parked.
func (s *signal) post() {
	s.n.Add(1)
	if s.parked.Load() {
		select {
		case s.wake <- struct{}{}:
		default: // a wake-up is already pending
		}
	}
}

// wait returns the counter once it differs from seen.
//
// The waiter sets parked before its last look at the counter and post bumps
// the counter before it looks at parked; the operations are sequentially
// consistent, so either the waiter sees the new count or post sees parked
// and sends a wake-up. A wake-up left over from an earlier post only costs
// one more look.
func (s *signal) wait(seen uint32) uint32 {
	var start time.Time
	for i := 1; ; i++ {
		if n := s.n.Load(); n != seen {
			s.budget = min(s.budget+s.budget/8, maxSpin)
			return n
		}
		if i%spinTurn != 0 {
			continue
		}
		runtime.Gosched()
		if start.IsZero() {
			start = time.Now()
			continue
		}
		if time.Since(start) < s.budget {
			continue
		}
		s.budget = max(s.budget/4, minSpin)
		s.parked.Store(true)
		if n := s.n.Load(); n != seen {
			s.parked.Store(false)
			return n
		}
		<-s.wake
		s.parked.Store(false)
		start = time.Time{}
	}
}

// A worker runs its tasks one after another.
type worker struct {
	index int
	task  *signal // posted by Run when fn is set
	fn    func(w int)
}

var pool struct {
	mu      sync.Mutex // held by the caller of a parallel region
	workers []*worker  // workers[i] has index i+1; the caller is 0
	done    *signal    // posted by each worker when its task is done
}

func (w *worker) loop() {
	var seen uint32
	for {
		seen = w.task.wait(seen)
		w.fn(w.index)
		w.fn = nil
		pool.done.post()
	}
}

// Run calls fn(0), ..., fn(t−1) on t goroutines, the caller running fn(0),
// and returns when all calls are done. When another parallel region is in
// progress (a Run or For inside fn, or one on another goroutine), the calls
// run one after another on the caller's goroutine instead, in order; so fn
// must give the same results whichever goroutine runs which index, and
// whatever order they run in.
func Run(t int, fn func(w int)) {
	if t <= 1 || !pool.mu.TryLock() {
		for w := 0; w < t; w++ {
			fn(w)
		}
		return
	}
	run(t, fn)
	pool.mu.Unlock()
}

// run is Run for a caller that holds pool.mu.
func run(t int, fn func(w int)) {
	if pool.done == nil {
		pool.done = newSignal()
	}
	for len(pool.workers) < t-1 {
		w := &worker{index: len(pool.workers) + 1, task: newSignal()}
		pool.workers = append(pool.workers, w)
		go w.loop()
	}
	seen := pool.done.n.Load()
	for _, w := range pool.workers[:t-1] {
		w.fn = fn
		w.task.post()
	}
	fn(0)
	for target := seen + uint32(t-1); seen != target; {
		seen = pool.done.wait(seen)
	}
}

// forRegion is the For in progress (its caller holds pool.mu).
var forRegion struct {
	n, t int
	fn   func(lo, hi int)
	body func(w int) // forBody, stored once so that run gets no new closure
}

func forBody(w int) {
	r := &forRegion
	r.fn(w*r.n/r.t, (w+1)*r.n/r.t)
}

func init() { forRegion.body = forBody }

// For calls fn on a partition of [0, n) into contiguous ranges, in parallel
// on up to Threads() goroutines, and returns when all calls are done. Inside
// another parallel region (called from fn, say) it calls fn(0, n) on the
// caller's goroutine.
func For(n int, fn func(lo, hi int)) {
	t := min(Threads(), n)
	if t <= 1 || !pool.mu.TryLock() {
		if n > 0 {
			fn(0, n)
		}
		return
	}
	forRegion.n, forRegion.t, forRegion.fn = n, t, fn
	run(t, forRegion.body)
	forRegion.fn = nil // keeps nothing of the caller's alive
	pool.mu.Unlock()
}

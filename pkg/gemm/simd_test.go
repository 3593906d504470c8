package gemm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"

	"acgan/pkg/parallel"
)

// useArch makes the implementation called name active for the rest of the
// test (skipping it if this machine cannot run it).
func useArch(t testing.TB, name string) {
	t.Helper()
	a := archByName(name)
	if a == nil {
		t.Skipf("path %s is not available on this machine", name)
	}
	old := active.Load()
	active.Store(a)
	t.Cleanup(func() { active.Store(old) })
}

func useThreads(t testing.TB, n int) {
	old := Threads()
	parallel.SetThreads(n)
	t.Cleanup(func() { parallel.SetThreads(old) })
}

// problem is one product with its operands laid out with padded strides.
type problem struct {
	tA, tB      bool
	m, n, k     int
	alpha, beta float32
	a, b, c     []float32
	lda, ldb    int
	ldc         int

	wantC, magC []float64 // memoized by want
}

const sentinel = float32(-12345.5)

// newProblem fills a problem: values from gen, leading dimensions padded by
// pad, C's padding set to sentinel.
func newProblem(r *rand.Rand, tA, tB bool, m, n, k, pad int, alpha, beta float32, gen func() float32) *problem {
	p := &problem{tA: tA, tB: tB, m: m, n: n, k: k, alpha: alpha, beta: beta}
	ar, ac := m, k
	if tA {
		ar, ac = k, m
	}
	br, bc := k, n
	if tB {
		br, bc = n, k
	}
	p.lda, p.ldb, p.ldc = max(ac, 1)+pad, max(bc, 1)+pad, max(n, 1)+pad
	fill := func(rows, ld int) []float32 {
		s := make([]float32, rows*ld)
		for i := range s {
			s[i] = gen()
		}
		return s
	}
	p.a, p.b, p.c = fill(ar, p.lda), fill(br, p.ldb), fill(m, p.ldc)
	for i := 0; i < m; i++ {
		for j := n; j < p.ldc; j++ {
			p.c[i*p.ldc+j] = sentinel
		}
	}
	return p
}

func (p *problem) String() string {
	return fmt.Sprintf("m=%d n=%d k=%d tA=%v tB=%v alpha=%v beta=%v lda=%d ldb=%d ldc=%d", p.m, p.n, p.k, p.tA, p.tB, p.alpha, p.beta, p.lda, p.ldb, p.ldc)
}

// want returns the float64 product and, per element, the sum of the
// magnitudes of its terms (the scale of its rounding error).
func (p *problem) want() (want, mag []float64) {
	if p.wantC != nil {
		return p.wantC, p.magC
	}
	defer func() { p.wantC, p.magC = want, mag }()
	want = make([]float64, p.m*p.n)
	mag = make([]float64, p.m*p.n)
	for i := 0; i < p.m; i++ {
		for j := 0; j < p.n; j++ {
			var s, sa float64
			for q := 0; q < p.k; q++ {
				var av, bv float32
				if p.tA {
					av = p.a[q*p.lda+i]
				} else {
					av = p.a[i*p.lda+q]
				}
				if p.tB {
					bv = p.b[j*p.ldb+q]
				} else {
					bv = p.b[q*p.ldb+j]
				}
				s += float64(av) * float64(bv)
				sa += math.Abs(float64(av) * float64(bv))
			}
			w := float64(p.alpha) * s
			m := math.Abs(float64(p.alpha)) * sa
			if p.beta != 0 {
				cv := float64(p.c[i*p.ldc+j])
				w += float64(p.beta) * cv
				m += math.Abs(float64(p.beta) * cv)
			}
			want[i*p.n+j], mag[i*p.n+j] = w, m
		}
	}
	return want, mag
}

// run computes the product with the SIMD kernel on a copy of C, checks that
// A and B are untouched and that C's padding is, and returns the result.
func (p *problem) run(t testing.TB) []float32 {
	t.Helper()
	a, b := append([]float32(nil), p.a...), append([]float32(nil), p.b...)
	c := append([]float32(nil), p.c...)
	SIMD{}.Sgemm(p.tA, p.tB, p.m, p.n, p.k, p.alpha, a, p.lda, b, p.ldb, p.beta, c, p.ldc)
	for i := range a {
		if math.Float32bits(a[i]) != math.Float32bits(p.a[i]) {
			t.Fatalf("%v: A[%d] changed", p, i)
		}
	}
	for i := range b {
		if math.Float32bits(b[i]) != math.Float32bits(p.b[i]) {
			t.Fatalf("%v: B[%d] changed", p, i)
		}
	}
	for i := 0; i < p.m; i++ {
		for j := p.n; j < p.ldc; j++ {
			if c[i*p.ldc+j] != sentinel {
				t.Fatalf("%v: C padding [%d,%d] overwritten with %v", p, i, j, c[i*p.ldc+j])
			}
		}
	}
	return c
}

// check compares got with the float64 product: exactly if exact, else to
// float32 rounding (a bound proportional to k and to the terms' magnitudes).
func (p *problem) check(t testing.TB, got []float32, exact bool) {
	t.Helper()
	want, mag := p.want()
	for i := 0; i < p.m; i++ {
		for j := 0; j < p.n; j++ {
			g, w := float64(got[i*p.ldc+j]), want[i*p.n+j]
			tol := float64(p.k+4) * 1.2e-7 * mag[i*p.n+j]
			if exact {
				tol = 0
			}
			if !(math.Abs(g-w) <= tol) {
				t.Fatalf("%v [%s, %d threads]: C[%d,%d] = %v, want %v (tolerance %g)", p, Path(), Threads(), i, j, g, w, tol)
			}
		}
	}
}

// small integers: every product and sum is exact in float32.
func intGen(r *rand.Rand) func() float32 {
	return func() float32 { return float32(r.IntN(9) - 4) }
}

func normGen(r *rand.Rand) func() float32 {
	return func() float32 { return float32(r.NormFloat64()) }
}

// edgeSizes lists sizes around every remainder of the tile sizes of a.
func edgeSizes(vals ...int) []int {
	seen := map[int]bool{}
	var out []int
	for _, v := range vals {
		for d := -1; d <= 1; d++ {
			if x := v + d; x >= 1 && !seen[x] {
				seen[x] = true
				out = append(out, x)
			}
		}
	}
	return out
}

// TestSgemmEdges runs, on every path this machine has, every remainder of
// MR, NR (wide and thin) and KC, every transpose case, several alpha/beta
// pairs and padded strides, on small-integer data where the result must be
// exact.
func TestSgemmEdges(t *testing.T) {
	for _, name := range Paths() {
		t.Run(name, func(t *testing.T) {
			useArch(t, name)
			ar := active.Load()
			r := rand.New(rand.NewPCG(1, uint64(len(name))))
			mr, nr := ar.mr, ar.nr()
			ms := edgeSizes(1, mr, 2*mr, 3*mr+mr/2)
			ns := edgeSizes(1, nr, 2*nr, 3*nr+nr/2)
			for _, tk := range ar.kerns {
				ns = append(ns, edgeSizes(nr+tk.nr)...)
			}
			ks := []int{1, 2, 3, 4, 5, 7, 8, 9, 17}
			ab := [][2]float32{{1, 0}, {1, 1}, {-2, 0.5}, {0.5, -1}, {0, 2}, {0, 0}}
			for _, threads := range []int{1, 2} {
				useThreads(t, threads)
				for _, m := range ms {
					for _, n := range ns {
						for tc := 0; tc < 4; tc++ {
							k := ks[r.IntN(len(ks))]
							x := ab[r.IntN(len(ab))]
							p := newProblem(r, tc&1 != 0, tc&2 != 0, m, n, k, r.IntN(3), x[0], x[1], intGen(r))
							p.check(t, p.run(t), true)
						}
					}
				}
			}
			// k around the k-block size, with many blocks.
			for _, k := range edgeSizes(kcMax, 2*kcMax, 3*kcMax) {
				for tc := 0; tc < 4; tc++ {
					m, n := 1+r.IntN(3*mr), 1+r.IntN(3*nr)
					p := newProblem(r, tc&1 != 0, tc&2 != 0, m, n, k, r.IntN(3), 0.5, 2, intGen(r))
					p.check(t, p.run(t), true)
				}
			}
		})
	}
}

// TestSgemmRandom compares random shapes and normal data with the float64
// product and with gonum's Sgemm, on every path and with several thread
// counts; the result must not depend on the thread count.
func TestSgemmRandom(t *testing.T) {
	for _, name := range Paths() {
		t.Run(name, func(t *testing.T) {
			useArch(t, name)
			r := rand.New(rand.NewPCG(3, 4))
			for it := 0; it < 40; it++ {
				m, n, k := 1+r.IntN(150), 1+r.IntN(150), r.IntN(800)
				if it%5 == 0 {
					n = 1 + r.IntN(2)
				} else if it%5 == 1 {
					m = 1 + r.IntN(2)
				}
				alpha := float32(r.NormFloat64())
				beta := []float32{0, 1, float32(r.NormFloat64())}[r.IntN(3)]
				p := newProblem(r, r.IntN(2) == 0, r.IntN(2) == 0, m, n, k, r.IntN(5), alpha, beta, normGen(r))
				var first []float32
				for _, threads := range []int{1, 2, 3} {
					useThreads(t, threads)
					got := p.run(t)
					p.check(t, got, false)
					if first == nil {
						first = got
						continue
					}
					for i := range got {
						if math.Float32bits(got[i]) != math.Float32bits(first[i]) {
							t.Fatalf("%v: %d threads give C[%d] = %v, 1 thread %v", p, threads, i, got[i], first[i])
						}
					}
				}
				// gonum's Sgemm, the reference kernel.
				ref := append([]float32(nil), p.c...)
				Gonum{}.Sgemm(p.tA, p.tB, m, n, k, alpha, p.a, p.lda, p.b, p.ldb, beta, ref, p.ldc)
				_, mag := p.want()
				for i := 0; i < m; i++ {
					for j := 0; j < n; j++ {
						d := math.Abs(float64(first[i*p.ldc+j] - ref[i*p.ldc+j]))
						if d > 2*float64(k+4)*1.2e-7*mag[i*n+j] {
							t.Fatalf("%v: C[%d,%d] = %v, gonum %v", p, i, j, first[i*p.ldc+j], ref[i*p.ldc+j])
						}
					}
				}
			}
		})
	}
}

// TestSgemmBetaZeroIgnoresC: with beta 0, C is written without being read,
// so NaN and Inf in C do not leak into the result (on every path and shape
// class: blocked, edges, matrix–vector, k == 0, alpha == 0).
func TestSgemmBetaZeroIgnoresC(t *testing.T) {
	nan := float32(math.NaN())
	inf := float32(math.Inf(1))
	shapes := [][3]int{{37, 45, 20}, {14, 32, 5}, {3, 5, 700}, {50, 1, 30}, {1, 50, 30}, {9, 16, 6}, {6, 7, 0}}
	for _, name := range Paths() {
		t.Run(name, func(t *testing.T) {
			useArch(t, name)
			r := rand.New(rand.NewPCG(5, 6))
			for _, s := range shapes {
				for tc := 0; tc < 4; tc++ {
					for _, alpha := range []float32{1, 0} {
						p := newProblem(r, tc&1 != 0, tc&2 != 0, s[0], s[1], s[2], 1, alpha, 0, intGen(r))
						for i := 0; i < p.m; i++ {
							for j := 0; j < p.n; j++ {
								p.c[i*p.ldc+j] = []float32{nan, inf, -inf}[(i+j)%3]
							}
						}
						p.check(t, p.run(t), true)
					}
				}
			}
		})
	}
}

// TestSgemmModelShapes checks the shapes of the ACGAN's layers (forward,
// weight gradient and input gradient) on every path, with 2 threads.
func TestSgemmModelShapes(t *testing.T) {
	if testing.Short() {
		t.Skip("large shapes")
	}
	useThreads(t, 2)
	shapes := []struct {
		tA, tB  bool
		m, n, k int
	}{
		{false, false, 6272, 16, 9},    // D conv1 forward, batch 32
		{true, false, 9, 16, 6272},     // D conv1 dW
		{false, false, 1568, 32, 144},  // D conv2 forward
		{false, true, 1568, 144, 32},   // D conv2 dX
		{false, false, 32, 6272, 100},  // G dense forward
		{true, false, 100, 6272, 32},   // G dense dW
		{false, true, 32, 100, 6272},   // G dense dX
		{false, false, 32, 11, 2048},   // D head
		{false, false, 3136, 1, 576},   // G conv3 forward (batch 4)
		{true, false, 576, 1, 3136},    // G conv3 dW
		{false, true, 3136, 576, 1},    // G conv3 dX
		{false, false, 392, 128, 1152}, // G conv1 forward (batch 2)
		{true, false, 1152, 128, 392},  // G conv1 dW
		{false, true, 392, 1152, 128},  // G conv1 dX
	}
	problems := make([]*problem, len(shapes))
	for _, name := range Paths() {
		t.Run(name, func(t *testing.T) {
			useArch(t, name)
			r := rand.New(rand.NewPCG(7, 8))
			for i, s := range shapes {
				if name == "go" && s.m*s.n*s.k > 1<<22 {
					continue // the portable kernel is slow; smaller shapes cover it
				}
				p := problems[i]
				if p == nil {
					p = newProblem(r, s.tA, s.tB, s.m, s.n, s.k, 0, 1, 0, normGen(r))
					problems[i] = p
				}
				p.check(t, p.run(t), false)
			}
		})
	}
}

// TestSgemmThreadsBitIdentical: the thread count does not change a single
// bit of the result (each element is one FMA chain in a fixed order).
func TestSgemmThreadsBitIdentical(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	p := newProblem(r, false, true, 301, 203, 1000, 3, 0.7, 0.3, normGen(r))
	useThreads(t, 1)
	one := p.run(t)
	for _, n := range []int{2, 3, 5} {
		parallel.SetThreads(n)
		got := p.run(t)
		for i := range got {
			if math.Float32bits(got[i]) != math.Float32bits(one[i]) {
				t.Fatalf("%d threads: C[%d] = %v, 1 thread %v", n, i, got[i], one[i])
			}
		}
	}
}

func TestSgemmPanicsOnBadArguments(t *testing.T) {
	a := make([]float32, 12)
	cases := []struct {
		name string
		f    func()
	}{
		{"negative m", func() { SIMD{}.Sgemm(false, false, -1, 2, 2, 1, a, 2, a, 2, 0, a, 2) }},
		{"short lda", func() { SIMD{}.Sgemm(false, false, 2, 2, 3, 1, a, 2, a, 2, 0, a, 2) }},
		{"short A", func() { SIMD{}.Sgemm(false, false, 4, 2, 4, 1, a, 4, a, 2, 0, a, 2) }},
		{"short C", func() { SIMD{}.Sgemm(false, false, 2, 7, 1, 1, a, 1, a, 7, 0, a, 7) }},
		{"short B transposed", func() { SIMD{}.Sgemm(false, true, 2, 5, 3, 1, a, 3, a, 3, 0, a, 5) }},
	}
	for _, c := range cases {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", c.name)
				}
			}()
			c.f()
		}()
	}
}

// TestBlas32Registered: gonum's blas32 runs the SIMD kernel.
func TestBlas32Registered(t *testing.T) {
	if _, ok := blas32.Implementation().(Implementation); !ok {
		t.Fatalf("blas32 implementation is %T, want gemm.Implementation", blas32.Implementation())
	}
	r := rand.New(rand.NewPCG(11, 12))
	p := newProblem(r, true, false, 20, 30, 40, 0, 1, 0, intGen(r))
	c := append([]float32(nil), p.c...)
	blas32.Gemm(blas.Trans, blas.NoTrans, 1,
		blas32.General{Rows: p.k, Cols: p.m, Stride: p.lda, Data: p.a},
		blas32.General{Rows: p.k, Cols: p.n, Stride: p.ldb, Data: p.b},
		0, blas32.General{Rows: p.m, Cols: p.n, Stride: p.ldc, Data: c})
	p.check(t, c, true)
	if _, ok := Current().(SIMD); !ok {
		t.Fatalf("default kernel is %T, want SIMD", Current())
	}
}

// TestSgemmNoAllocs: after a warm-up, a product allocates nothing.
func TestSgemmNoAllocs(t *testing.T) {
	useThreads(t, 2)
	r := rand.New(rand.NewPCG(13, 14))
	for _, s := range [][5]int{{200, 130, 300, 0, 0}, {200, 130, 300, 1, 1}, {500, 1, 300, 0, 0}, {1, 500, 300, 1, 1}} {
		p := newProblem(r, s[3] != 0, s[4] != 0, s[0], s[1], s[2], 1, 1, 0, normGen(r))
		f := func() { SIMD{}.Sgemm(p.tA, p.tB, p.m, p.n, p.k, 1, p.a, p.lda, p.b, p.ldb, 0, p.c, p.ldc) }
		f()
		if n := testing.AllocsPerRun(20, f); n != 0 {
			t.Errorf("%v: %v allocations per product", p, n)
		}
	}
}

// FuzzSgemm checks random shapes, transposes, strides and alpha/beta against
// the float64 product on every path.
func FuzzSgemm(f *testing.F) {
	f.Add(uint8(15), uint8(33), uint8(7), uint8(0), uint8(1), int8(2), int8(0), uint64(1))
	f.Add(uint8(1), uint8(17), uint8(200), uint8(3), uint8(0), int8(-1), int8(1), uint64(2))
	f.Add(uint8(29), uint8(1), uint8(3), uint8(1), uint8(2), int8(1), int8(-3), uint64(3))
	f.Fuzz(func(t *testing.T, m, n, k, trans, pad uint8, alpha, beta int8, seed uint64) {
		r := rand.New(rand.NewPCG(seed, 99))
		for _, name := range Paths() {
			useArch(t, name)
			p := newProblem(r, trans&1 != 0, trans&2 != 0, int(m)%80, int(n)%80, int(k)%600, int(pad%4), float32(alpha)/2, float32(beta)/2, intGen(r))
			p.check(t, p.run(t), true)
		}
	})
}

// TestPackKernels compares every path's packing kernels with the
// definition, on every width and a range of depths.
func TestPackKernels(t *testing.T) {
	r := rand.New(rand.NewPCG(15, 16))
	for _, ar := range arches {
		for _, tk := range ar.kerns {
			ldd := tk.nr
			for _, k := range []int{1, 5, 8, 15, 16, 17, 31, 40} {
				for w := 1; w <= ldd; w++ {
					lds := max(k, ldd) + 3
					src := make([]float32, max(ldd, k)*lds+k)
					for i := range src {
						src[i] = float32(r.IntN(1000))
					}
					for _, trans := range []bool{false, true} {
						dst := make([]float32, k*ldd)
						for i := range dst {
							dst[i] = -1
						}
						if trans {
							ar.packT(k, src, lds, w, dst, ldd)
						} else {
							ar.packN(k, src, lds, w, dst, ldd)
						}
						for p := 0; p < k; p++ {
							for j := 0; j < ldd; j++ {
								var want float32
								if j < w && trans {
									want = src[j*lds+p]
								} else if j < w {
									want = src[p*lds+j]
								}
								if got := dst[p*ldd+j]; got != want {
									t.Fatalf("%s pack trans=%v k=%d w=%d ldd=%d: dst[%d,%d] = %v, want %v", ar.name, trans, k, w, ldd, p, j, got, want)
								}
							}
						}
					}
				}
			}
		}
		// Block packing: np panels of the main width.
		nr := ar.nr()
		for _, k := range []int{1, 7, 33} {
			for _, np := range []int{1, 3} {
				lds := np*nr + 5
				src := make([]float32, k*lds)
				for i := range src {
					src[i] = float32(r.IntN(1000))
				}
				pstride := k*nr + 2
				dst := make([]float32, np*pstride)
				ar.packBlockN(k, np, src, lds, dst, pstride)
				for q := 0; q < np; q++ {
					for p := 0; p < k; p++ {
						for j := 0; j < nr; j++ {
							if got, want := dst[q*pstride+p*nr+j], src[p*lds+q*nr+j]; got != want {
								t.Fatalf("%s packBlockN k=%d np=%d: panel %d [%d,%d] = %v, want %v", ar.name, k, np, q, p, j, got, want)
							}
						}
					}
				}
			}
		}
	}
}

// matrixPacker serves B from a matrix, counting the elements it packs.
type matrixPacker struct {
	p      *problem
	packed atomic.Int64
}

func (mp *matrixPacker) PackB(p0, kb, j0, w int, dst []float32, ldd int) {
	p := mp.p
	for q := 0; q < kb; q++ {
		for j := 0; j < ldd; j++ {
			var v float32
			if j < w {
				if p.tB {
					v = p.b[(j0+j)*p.ldb+p0+q]
				} else {
					v = p.b[(p0+q)*p.ldb+j0+j]
				}
			}
			dst[q*ldd+j] = v
		}
	}
	mp.packed.Add(int64(kb * w))
}

// TestSgemmPacked: a product with B from a PanelPacker gives the same bits
// as Sgemm on the materialised B, packs every element of B exactly once,
// and falls back to materialising B for a non-SIMD kernel.
func TestSgemmPacked(t *testing.T) {
	r := rand.New(rand.NewPCG(17, 18))
	for _, name := range Paths() {
		useArch(t, name)
		for _, threads := range []int{1, 2} {
			useThreads(t, threads)
			for it := 0; it < 30; it++ {
				m, n, k := 1+r.IntN(70), 1+r.IntN(300), r.IntN(900)
				p := newProblem(r, r.IntN(2) == 0, r.IntN(2) == 0, m, n, k, r.IntN(3), float32(r.NormFloat64()), []float32{0, 1, 0.5}[r.IntN(3)], normGen(r))
				want := p.run(t)
				if n == 1 || m == 1 || (n <= gemvMaxN && m*k <= gemvMaxA) {
					// Sgemm takes the matrix–vector path: compare with the product instead.
					want = nil
				}
				got := append([]float32(nil), p.c...)
				mp := &matrixPacker{p: p}
				SgemmPacked(p.tA, m, n, k, p.alpha, p.a, p.lda, mp, p.beta, got, p.ldc)
				if want == nil {
					p.check(t, got, false)
				} else {
					for i := range got {
						if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
							t.Fatalf("%s %v: C[%d] = %v, Sgemm gives %v", name, p, i, got[i], want[i])
						}
					}
				}
				if k > 0 && mp.packed.Load() != int64(n*k) && p.alpha != 0 {
					t.Fatalf("%s %v: packed %d elements of B, want %d", name, p, mp.packed.Load(), n*k)
				}
			}
		}
	}
	// A reference kernel gets the materialised B.
	old := Current()
	Use(Gonum{})
	defer Use(old)
	p := newProblem(r, true, false, 20, 30, 40, 1, 1, 0, intGen(r))
	got := append([]float32(nil), p.c...)
	SgemmPacked(p.tA, p.m, p.n, p.k, 1, p.a, p.lda, &matrixPacker{p: p}, 0, got, p.ldc)
	p.check(t, got, true)
}

// TestSgemmConcurrentCallers: products started from several goroutines at
// once (sharing the worker pool) each get their own correct result.
func TestSgemmConcurrentCallers(t *testing.T) {
	useThreads(t, 2)
	r := rand.New(rand.NewPCG(21, 22))
	var ps []*problem
	for i := 0; i < 6; i++ {
		ps = append(ps, newProblem(r, i%2 == 0, i%3 == 0, 40+i*13, 70+i*7, 90+i*31, 1, 1, 0.5, intGen(r)))
	}
	want := make([][]float32, len(ps))
	for i, p := range ps {
		want[i] = p.run(t)
	}
	var wg sync.WaitGroup
	errs := make(chan string, len(ps)*10)
	for i, p := range ps {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for it := 0; it < 10; it++ {
				c := append([]float32(nil), p.c...)
				SIMD{}.Sgemm(p.tA, p.tB, p.m, p.n, p.k, p.alpha, p.a, p.lda, p.b, p.ldb, p.beta, c, p.ldc)
				for e := range c {
					if c[e] != want[i][e] {
						errs <- fmt.Sprintf("%v: C[%d] = %v, want %v", p, e, c[e], want[i][e])
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

// TestGatherSumKernels compares the gather kernel of every path that has
// one (gatherSum512, gatherSum256) with GatherSum's definition, called
// directly (GatherSum itself may copy runs of columns instead), on every
// width it takes and every column count, and checks that it writes nothing
// past its rows.
func TestGatherSumKernels(t *testing.T) {
	r := rand.New(rand.NewPCG(25, 26))
	src := make([]float32, 5000)
	for i := range src {
		src[i] = float32(i + 1)
	}
	tested := 0
	for _, a := range arches {
		if a.gatherSum == nil {
			continue
		}
		tested++
		for _, ldd := range []int{16, 32, 48} {
			for nc := 0; nc <= ldd; nc++ {
				rows := 1 + r.IntN(7)
				rowOff := make([]int32, rows)
				for i := range rowOff {
					rowOff[i] = int32(r.IntN(2000))
				}
				colOff := make([]int32, nc) // nothing readable past nc
				for i := range colOff {
					colOff[i] = int32(r.IntN(3000))
				}
				const guard = 16
				dst := make([]float32, rows*ldd+guard)
				for i := range dst {
					dst[i] = -1
				}
				a.gatherSum(rows, src, rowOff, colOff, nc, dst, ldd)
				for i := range dst {
					want := float32(-1)
					if i < rows*ldd {
						want = 0
						if t := i % ldd; t < nc {
							want = src[rowOff[i/ldd]+colOff[t]]
						}
					}
					if dst[i] != want {
						t.Fatalf("%s ldd=%d nc=%d rows=%d: dst[%d] = %v, want %v", a.name, ldd, nc, rows, i, dst[i], want)
					}
				}
			}
		}
	}
	if tested == 0 {
		t.Skip("no path with a gather kernel on this machine")
	}
}

// TestGatherSum compares GatherSum on every path with its definition, on
// random offsets and on offsets in runs (copied a run at a time).
func TestGatherSum(t *testing.T) {
	r := rand.New(rand.NewPCG(23, 24))
	src := make([]float32, 5000)
	for i := range src {
		src[i] = float32(i + 1)
	}
	for _, name := range Paths() {
		useArch(t, name)
		for _, ldd := range []int{4, 16, 32, 48, 20} {
			for _, c := range []int{0, 1, 15, 16, 17, 31, 33, 48, -1, -2, -15, -16, -17, -31, -33, -48} {
				nc, runs := max(c, -c), c < 0
				if nc > ldd {
					continue
				}
				rows := 1 + r.IntN(9)
				rowOff := make([]int32, rows)
				colOff := make([]int32, nc)
				for i := range rowOff {
					rowOff[i] = int32(r.IntN(2000))
				}
				for i := range colOff {
					colOff[i] = int32(r.IntN(3000))
				}
				if runs {
					// Runs of consecutive offsets, as the rows of an image
					// give, some longer than a vector.
					for i := range colOff {
						if i > 0 && r.IntN(8) != 0 {
							colOff[i] = colOff[i-1] + 1
						}
					}
				}
				dst := make([]float32, rows*ldd)
				for i := range dst {
					dst[i] = -1
				}
				GatherSum(dst, ldd, src, rowOff, colOff)
				for i := 0; i < rows; i++ {
					for j := 0; j < ldd; j++ {
						want := float32(0)
						if j < nc {
							want = src[rowOff[i]+colOff[j]]
						}
						if got := dst[i*ldd+j]; got != want {
							t.Fatalf("%s ldd=%d nc=%d runs %v: dst[%d,%d] = %v, want %v", name, ldd, nc, runs, i, j, got, want)
						}
					}
				}
			}
		}
	}
	for _, bad := range []struct {
		name   string
		rowOff []int32
		colOff []int32
	}{{"past the end", []int32{4990}, []int32{3, 10}}, {"negative", []int32{5}, []int32{-6}}} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", bad.name)
				}
			}()
			GatherSum(make([]float32, 16), 16, src, bad.rowOff, bad.colOff)
		}()
	}
}

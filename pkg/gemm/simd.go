// This file is the blocked GEMM driver behind the SIMD kernel: it splits C
// into tiles shared among goroutines, walks k in cache-sized blocks, prepares
// the panels of B the micro-kernels read, and sends the shapes that are not
// GEMM-friendly (n == 1, m == 1) to matrix–vector kernels.
//
// Layout (GotoBLAS/BLIS, with A read in place): for each tile of C (tm rows
// × tn columns, at most ncMax wide), for each block of kc values of k, for
// each panel of mr rows of op(A) (kept in L1 by the micro-kernel), for each
// panel of nr columns of op(B) (the kc×tn block stays in L2), one mr×nr
// micro-kernel call. op(A) is read where it lies (rows, or columns when
// transposed); only edge panels are copied into a zero-padded buffer. op(B)
// is read where it lies when not transposed; a transposed B, and a partial
// last panel, are packed once per call into panels of nr columns.

package gemm

import (
	"fmt"
	"sync"
	"sync/atomic"
)

// SIMD is the package's fast Kernel: a cache-blocked GEMM over AVX-512 or
// AVX2+FMA micro-kernels chosen at run time (see Path), pure Go on other
// platforms or with -tags noasm. It is the default Kernel. It panics, like a
// BLAS, when a dimension or leading dimension is invalid or a slice is too
// short for the shape.
type SIMD struct{}

// Sgemm implements Kernel.
func (SIMD) Sgemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	check(transA, transB, m, n, k, a, lda, b, ldb, c, ldc)
	sgemm(active.Load(), transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// Tuning. kcMax bounds the k block (an mr×kc panel of A stays in L1 and a
// kc×ncMax block of B in L2); tilesPerThread is how many tiles each
// goroutine gets on average so that an unlucky one can be helped; a product
// gets one goroutine per minFlops (gemvMinFlops for matrix–vector ones).
var (
	kcMax          = 384
	ncMax          = 512
	tilesPerThread = 4
	minFlops       = 1 << 20
	gemvMinFlops   = 1 << 18
	packTransA     = false
)

// job is one product in flight, shared by the goroutines working on it.
type job struct {
	ar             *arch
	transA, transB bool
	m, n, k        int
	alpha, beta    float32
	a, b, c        []float32
	lda, ldb, ldc  int

	kc          int
	tm, tn, ntn int
	np, lastPW  int       // panels of B and the width of the last one
	packAll     bool      // every panel of B is packed (transposed B)
	packLast    bool      // only the last, partial panel is packed
	pb          []float32 // packed panels, k×pw each, at q*k*nr

	gemv      bool // a matrix–vector product: see gemvPart
	gemvTrans bool
	rows      int // length of y, rows per part in chunk
	chunk     int
	x, r      []float32
	incy      int
	xbuf      []float32
	rbuf      []float32

	parts int
	next  atomic.Int32
	wg    sync.WaitGroup
}

// release forgets the caller's slices and returns j to the free list.
func (j *job) release() {
	j.a, j.b, j.c, j.x, j.r = nil, nil, nil, nil, nil
	jobs.put(j)
}

func ceilDiv(a, b int) int { return (a + b - 1) / b }

// threadsFor is the number of goroutines worth spending on flops work.
func threadsFor(flops, per int) int {
	return max(1, min(Threads(), flops/per))
}

func sgemm(ar *arch, transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	switch {
	case m == 0 || n == 0:
		return
	case k == 0 || alpha == 0:
		scale(m, n, beta, c, ldc)
		return
	case n == 1:
		// c(m) = alpha·op(A)·x + beta·c, x the only column of op(B).
		incx := ldb
		if transB {
			incx = 1
		}
		gemv(ar, transA, m, k, alpha, a, lda, b, incx, beta, c, ldc)
		return
	case m == 1:
		// cᵀ(n) = alpha·op(B)ᵀ·x + beta·cᵀ, x the only row of op(A).
		incx := 1
		if transA {
			incx = lda
		}
		gemv(ar, !transB, n, k, alpha, b, ldb, a, incx, beta, c, 1)
		return
	}

	j := jobs.get()
	*j = job{xbuf: j.xbuf, rbuf: j.rbuf, pb: j.pb}
	j.ar, j.transA, j.transB = ar, transA, transB
	j.m, j.n, j.k, j.alpha, j.beta = m, n, k, alpha, beta
	j.a, j.lda, j.b, j.ldb, j.c, j.ldc = a, lda, b, ldb, c, ldc

	j.kc = k
	if k > kcMax {
		j.kc = ceilDiv(k, ceilDiv(k, kcMax))
	}

	// Tiles of C.
	mr, nr := ar.mr, ar.wide.nr
	t := threadsFor(2*m*n*k, minFlops)
	j.tn = n
	if n > ncMax {
		j.tn = ceilDiv(ceilDiv(n, ceilDiv(n, ncMax)), nr) * nr
	}
	j.tm = ceilDiv(m, mr) * mr
	if t > 1 {
		want := tilesPerThread * t
		ntn := ceilDiv(n, j.tn)
		mp := ceilDiv(m, mr)
		ntm := min(mp, ceilDiv(want, ntn))
		j.tm = ceilDiv(mp, ntm) * mr
		ntm = ceilDiv(m, j.tm)
		if ntm*ntn < want {
			np := ceilDiv(n, nr)
			if ntn2 := min(np, ceilDiv(want, ntm)); ntn2 > ntn {
				j.tn = ceilDiv(np, ntn2) * nr
			}
		}
	}
	j.ntn = ceilDiv(n, j.tn)
	j.parts = ceilDiv(m, j.tm) * j.ntn

	// Panels of B.
	j.np = ceilDiv(n, nr)
	lastW := n - (j.np-1)*nr
	j.lastPW = nr
	if ar.thin != nil && lastW <= ar.thin.nr {
		j.lastPW = ar.thin.nr
	}
	switch {
	case transB:
		j.packAll = true
		j.pb = grow(j.pb, j.np*k*nr)
		for q := 0; q < j.np; q++ {
			j.packB(q, j.pb[q*k*nr:])
		}
	case lastW < j.lastPW:
		j.packLast = true
		j.pb = grow(j.pb, k*j.lastPW)
		j.packB(j.np-1, j.pb)
	}

	j.run(min(t, j.parts))
	j.release()
}

// packB copies panel q of op(B) (all k rows) into dst as k rows of pw
// floats, padding the columns past n with zeros.
func (j *job) packB(q int, dst []float32) {
	nr, k, ldb := j.ar.wide.nr, j.k, j.ldb
	pw := nr
	if q == j.np-1 {
		pw = j.lastPW
	}
	j0 := q * nr
	w := min(pw, j.n-j0)
	dst = dst[:k*pw]
	if !j.transB {
		for p := 0; p < k; p++ {
			d := dst[p*pw : (p+1)*pw]
			copy(d, j.b[p*ldb+j0:p*ldb+j0+w])
			clear(d[w:])
		}
		return
	}
	for jj := 0; jj < w; jj++ {
		src := j.b[(j0+jj)*ldb : (j0+jj)*ldb+k]
		for p, v := range src {
			dst[p*pw+jj] = v
		}
	}
	if w < pw {
		for p := 0; p < k; p++ {
			clear(dst[p*pw+w : (p+1)*pw])
		}
	}
}

// panelB returns where the micro-kernel reads panel q of op(B) from row pc
// on: the slice, its row stride, and the panel width.
func (j *job) panelB(q, pc int) ([]float32, int, int) {
	nr := j.ar.wide.nr
	pw := nr
	if q == j.np-1 {
		pw = j.lastPW
	}
	switch {
	case j.packAll:
		return j.pb[q*j.k*nr+pc*pw:], pw, pw
	case j.packLast && q == j.np-1:
		return j.pb[pc*pw:], pw, pw
	}
	return j.b[pc*j.ldb+q*nr:], j.ldb, pw
}

// packA copies rows ir..ir+rows of op(A), columns pc..pc+kb, into dst as kb
// columns of mr floats (A(i,p) at dst[p*mr+i]), padding rows with zeros.
func (j *job) packA(dst []float32, ir, rows, pc, kb int) {
	mr, lda := j.ar.mr, j.lda
	dst = dst[:kb*mr]
	if j.transA {
		for p := 0; p < kb; p++ {
			d := dst[p*mr : (p+1)*mr]
			copy(d, j.a[(pc+p)*lda+ir:(pc+p)*lda+ir+rows])
			clear(d[rows:])
		}
		return
	}
	if rows < mr {
		clear(dst)
	}
	for i := 0; i < rows; i++ {
		src := j.a[(ir+i)*lda+pc : (ir+i)*lda+pc+kb]
		for p, v := range src {
			dst[p*mr+i] = v
		}
	}
}

// tile computes tile t of C.
func (j *job) tile(ws *workspace, t int) {
	ar := j.ar
	mr, nr := ar.mr, ar.wide.nr
	i0, jt := (t/j.ntn)*j.tm, (t%j.ntn)*j.tn
	i1, j1 := min(j.m, i0+j.tm), min(j.n, jt+j.tn)
	ws.apack = grow(ws.apack, mr*j.kc)
	ws.tile = grow(ws.tile, mr*nr)
	a, lda, c, ldc := j.a, j.lda, j.c, j.ldc
	for pc := 0; pc < j.k; pc += j.kc {
		kb := min(j.kc, j.k-pc)
		beta, load := j.beta, 1
		if pc > 0 {
			beta = 1
		} else if beta == 0 {
			load = 0
		}
		for ir := i0; ir < i1; ir += mr {
			rows := min(mr, i1-ir)
			var as []float32
			var alda int
			colsA := j.transA
			switch {
			case rows < mr || (j.transA && packTransA):
				j.packA(ws.apack, ir, rows, pc, kb)
				as, alda, colsA = ws.apack, mr, true
			case j.transA:
				as, alda = a[pc*lda+ir:], lda
			default:
				as, alda = a[ir*lda+pc:], lda
			}
			for jr := jt; jr < j1; jr += nr {
				bs, bld, pw := j.panelB(jr/nr, pc)
				tk := &ar.wide
				if pw != nr {
					tk = ar.thin
				}
				kern := tk.kernN
				if colsA {
					kern = tk.kernT
				}
				cols := min(pw, j1-jr)
				if rows == mr && cols == pw {
					kern(kb, as, alda, bs, bld, c[ir*ldc+jr:], ldc, j.alpha, beta, load)
					continue
				}
				kern(kb, as, alda, bs, bld, ws.tile, pw, j.alpha, 0, 0)
				for i := 0; i < rows; i++ {
					cr := c[(ir+i)*ldc+jr : (ir+i)*ldc+jr+cols]
					tr := ws.tile[i*pw : i*pw+cols]
					if load == 0 {
						copy(cr, tr)
						continue
					}
					for jj, v := range tr {
						cr[jj] = v + float32(beta*cr[jj])
					}
				}
			}
		}
	}
}

// gemv computes y = alpha·M·x + beta·y for the rows×cols matrix M, where
// M(i,p) is a[i*lda+p], or a[p*lda+i] when trans; x[p] is x[p*incx] and
// y[i] is y[i*incy].
func gemv(ar *arch, trans bool, rows, cols int, alpha float32, a []float32, lda int, x []float32, incx int, beta float32, y []float32, incy int) {
	j := jobs.get()
	*j = job{xbuf: j.xbuf, rbuf: j.rbuf, pb: j.pb}
	j.ar, j.gemv, j.gemvTrans = ar, true, trans
	j.rows, j.k, j.alpha, j.beta = rows, cols, alpha, beta
	j.a, j.lda, j.c, j.incy = a, lda, y, incy
	if incx == 1 {
		j.x = x[:cols]
	} else {
		j.xbuf = grow(j.xbuf, cols)
		for p := range j.xbuf {
			j.xbuf[p] = x[p*incx]
		}
		j.x = j.xbuf
	}
	j.rbuf = grow(j.rbuf, rows)
	j.r = j.rbuf
	t := threadsFor(2*rows*cols, gemvMinFlops)
	j.chunk = rows
	if t > 1 {
		j.chunk = ceilDiv(ceilDiv(rows, t), 16) * 16
	}
	j.parts = ceilDiv(rows, j.chunk)
	j.run(min(t, j.parts))
	j.release()
}

// gemvPart computes rows p·chunk … of a matrix–vector product.
func (j *job) gemvPart(p int) {
	r0 := p * j.chunk
	r1 := min(j.rows, r0+j.chunk)
	r := j.r[r0:r1]
	if j.gemvTrans {
		clear(r)
		j.ar.gemvT(r1-r0, j.k, j.a[r0:], j.lda, j.x, r)
	} else {
		j.ar.gemvN(r1-r0, j.k, j.a[r0*j.lda:], j.lda, j.x, r)
	}
	alpha, beta, y, incy := j.alpha, j.beta, j.c, j.incy
	for i, v := range r {
		yi := &y[(r0+i)*incy]
		v = float32(alpha * v)
		if beta != 0 {
			v += float32(beta * *yi)
		}
		*yi = v
	}
}

// scale sets C = beta·C (C = 0 when beta is 0, whatever C held).
func scale(m, n int, beta float32, c []float32, ldc int) {
	if beta == 1 {
		return
	}
	for i := 0; i < m; i++ {
		row := c[i*ldc : i*ldc+n]
		if beta == 0 {
			clear(row)
			continue
		}
		for j := range row {
			row[j] *= beta
		}
	}
}

// check panics unless the arguments describe a valid product whose every
// element lies inside the slices.
func check(transA, transB bool, m, n, k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int) {
	if m < 0 || n < 0 || k < 0 {
		panic(fmt.Sprintf("gemm: negative dimension m=%d n=%d k=%d", m, n, k))
	}
	mat := func(name string, trans bool, rows, cols int, s []float32, ld int) {
		if trans {
			rows, cols = cols, rows
		}
		if ld < max(1, cols) {
			panic(fmt.Sprintf("gemm: leading dimension of %s is %d, want ≥ %d", name, ld, max(1, cols)))
		}
		if rows > 0 && cols > 0 && len(s) < (rows-1)*ld+cols {
			panic(fmt.Sprintf("gemm: %s has %d elements, a %d×%d matrix with stride %d needs %d", name, len(s), rows, cols, ld, (rows-1)*ld+cols))
		}
	}
	mat("A", transA, m, k, a, lda)
	mat("B", transB, k, n, b, ldb)
	mat("C", false, m, n, c, ldc)
}

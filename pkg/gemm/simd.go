// This file is the blocked GEMM driver behind the SIMD kernel: it splits C
// into tiles shared among goroutines, walks k in cache-sized blocks, prepares
// the panels of B the micro-kernels read, and sends the shapes that are not
// GEMM-friendly (n == 1, m == 1, a few columns) to matrix–vector kernels.
//
// Layout (GotoBLAS/BLIS, with A read in place): for each tile of C (tm rows
// × tn columns, at most ncMax wide), for each block of kc values of k, the
// kc×tn block of op(B) is packed into panels of nr columns (transposing a
// transposed B 16×16 at a time; a B stored by rows close together is read
// in place instead) and stays in L2; for each panel of mr rows of op(A)
// (read where it lies, by rows or, transposed, by columns, and kept in L1
// by the micro-kernel; only a partial edge panel is copied), for each panel
// of B, one mr×nr micro-kernel call. Edge tiles go through a small buffer.

package gemm

import (
	"fmt"
	"sync/atomic"
)

// SIMD is the package's fast Kernel: a cache-blocked GEMM over AVX-512 or
// AVX2+FMA micro-kernels chosen at run time on amd64 (see Path), NEON ones on
// arm64, pure Go on other platforms or with -tags noasm. It is the default
// Kernel. It panics, like a BLAS, when a dimension or leading dimension is
// invalid or a slice is too short for the shape.
type SIMD struct{}

// Sgemm implements Kernel.
func (SIMD) Sgemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	check(transA, transB, m, n, k, a, lda, b, ldb, c, ldc, true)
	sgemm(active.Load(), transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// Tuning. kcMax bounds the k block (an mr×kc panel of A stays in L1, a
// packed kc×ncMax block of B in L2); a product gets one goroutine per
// minFlops (gemvMinFlops for matrix–vector ones), and C is cut into about
// tilesPerThread tiles per goroutine so that a goroutine slowed down by
// another process can be helped (see blocked for how). B is read where it lies (not packed) when it
// is not transposed and its rows are at most inPlaceLDB floats apart. A
// product of at most gemvMaxN columns whose op(A) has at most gemvMaxA
// floats runs as one matrix–vector product per column.
var (
	kcMax          = 384
	ncMax          = 528
	tilesPerThread = 4
	minFlops       = 1 << 20
	gemvMinFlops   = 1 << 18
	gemvMaxN       = 12
	gemvMaxA       = 1 << 17
	inPlaceLDB     = 512
)

// job is one product in flight, shared by the goroutines working on it.
type job struct {
	ar             *arch
	transA, transB bool
	m, n, k        int
	alpha, beta    float32
	a, b, c        []float32
	lda, ldb, ldc  int

	kc          int         // k block
	tm, tn, ntn int         // tile size, tiles per row of tiles
	inPlaceB    bool        // full panels of B are read where they lie
	packer      PanelPacker // produces B (SgemmPacked)

	gemv      bool // a matrix–vector product: see gemvPart
	gemvTrans bool
	rows      int // length of y
	chunk     int // rows per part
	x, r      []float32
	incy      int
	xbuf      []float32
	rbuf      []float32

	parts int
	next  atomic.Int32
	runFn func(int) // runOne, bound once per job value (run)
}

// release forgets the caller's slices and returns j to the free list.
func (j *job) release() {
	j.a, j.b, j.c, j.x, j.r, j.packer = nil, nil, nil, nil, nil, nil
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
	case n == 1 || (n <= gemvMaxN && m*k <= gemvMaxA):
		// Column by column: c[:,j] = alpha·op(A)·x + beta·c[:,j], x column
		// j of op(B). (A few columns against an A that stays in cache:
		// cheaper than packing a panel of B, which for a transposed B
		// means transposing it.)
		for jc := 0; jc < n; jc++ {
			x, incx := b[jc:], ldb
			if transB {
				x, incx = b[jc*ldb:], 1
			}
			gemv(ar, transA, m, k, alpha, a, lda, x, incx, beta, c[jc:], ldc)
		}
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
	*j = job{xbuf: j.xbuf, rbuf: j.rbuf, runFn: j.runFn}
	j.ar, j.transA, j.transB = ar, transA, transB
	j.m, j.n, j.k, j.alpha, j.beta = m, n, k, alpha, beta
	j.a, j.lda, j.b, j.ldb, j.c, j.ldc = a, lda, b, ldb, c, ldc
	j.inPlaceB = !transB && ldb <= inPlaceLDB
	j.blocked()
}

// PanelPacker produces the B operand of SgemmPacked block by block, so that
// a caller can compute B while it is packed (an implicit im2col, say)
// instead of writing it to memory and having it read back.
type PanelPacker interface {
	// PackB sets dst[p*ldd+j] = B(p0+p, j0+j) for p < kb, j < w, and
	// dst[p*ldd+j] = 0 for w ≤ j < ldd. Calls run concurrently on disjoint
	// blocks of dst; each block is asked for once per product.
	PackB(p0, kb, j0, w int, dst []float32, ldd int)
}

// SgemmPacked computes C = alpha·op(A)·B + beta·C, where the k×n matrix B
// is produced by pb, with the SIMD kernel (the same arithmetic as Sgemm
// on the materialised B). When the current Kernel is not SIMD (a reference
// kernel in a test, say), B is materialised and handed to it.
func SgemmPacked(transA bool, m, n, k int, alpha float32, a []float32, lda int, pb PanelPacker, beta float32, c []float32, ldc int) {
	if m == 0 || n == 0 {
		return
	}
	if _, ok := Current().(SIMD); !ok {
		bm := make([]float32, k*n)
		for p0 := 0; p0 < k; p0 += 256 {
			pb.PackB(p0, min(256, k-p0), 0, n, bm[p0*n:], n)
		}
		Current().Sgemm(transA, false, m, n, k, alpha, a, lda, bm, max(n, 1), beta, c, ldc)
		return
	}
	check(transA, false, m, n, k, a, lda, nil, max(n, 1), c, ldc, false)
	if k == 0 || alpha == 0 {
		scale(m, n, beta, c, ldc)
		return
	}
	j := jobs.get()
	*j = job{xbuf: j.xbuf, rbuf: j.rbuf, runFn: j.runFn}
	j.ar, j.transA, j.packer = active.Load(), transA, pb
	j.m, j.n, j.k, j.alpha, j.beta = m, n, k, alpha, beta
	j.a, j.lda, j.c, j.ldc = a, lda, c, ldc
	j.blocked()
}

// blocked runs the product j describes on the blocked path.
func (j *job) blocked() {
	ar, m, n, k := j.ar, j.m, j.n, j.k
	j.kc = k
	if k > kcMax {
		j.kc = ceilDiv(k, ceilDiv(k, kcMax))
	}

	// Tiles of C.
	mr, nr := ar.mr, ar.nr()
	t := threadsFor(2*m*n*k, minFlops)
	j.tn = n
	if n > ncMax {
		j.tn = ceilDiv(ceilDiv(n, ceilDiv(n, ncMax)), nr) * nr
	}
	j.tm = ceilDiv(m, mr) * mr
	if ntn0 := ceilDiv(n, j.tn); t > 1 && ntn0 < tilesPerThread*t {
		// More tiles: columns cost re-reading A (m·k per extra column of
		// tiles), rows cost re-packing B (k·n per extra row of tiles, twice
		// as dear as a read when B is packed). Take the cheapest split into
		// about tilesPerThread·t tiles. (With a PanelPacker, columns only:
		// each block of B is asked for once.)
		want, mp, np := tilesPerThread*t, ceilDiv(m, mr), ceilDiv(n, nr)
		wB := 2
		if j.inPlaceB {
			wB = 1
		}
		bestCost, bestM, bestN := -1, 1, min(np, want)
		for ntn := ntn0; ntn <= min(np, want) && j.packer == nil; ntn++ {
			ntm := min(mp, ceilDiv(want, ntn))
			if ntm*ntn < min(2*t, mp*np) {
				continue // too few tiles to share
			}
			cost := (ntn-1)*m*k + (ntm-1)*k*n*wB
			if bestCost < 0 || cost < bestCost {
				bestCost, bestM, bestN = cost, ntm, ntn
			}
		}
		j.tn = ceilDiv(np, bestN) * nr
		j.tm = ceilDiv(mp, bestM) * mr
	}
	j.ntn = ceilDiv(n, j.tn)
	j.parts = ceilDiv(m, j.tm) * j.ntn

	j.run(min(t, j.parts))
	j.release()
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
	mr, nr := ar.mr, ar.nr()
	i0, jt := (t/j.ntn)*j.tm, (t%j.ntn)*j.tn
	i1, j1 := min(j.m, i0+j.tm), min(j.n, jt+j.tn)
	np := ceilDiv(j1-jt, nr)
	ws.apack = grow(ws.apack, mr*j.kc)
	ws.bpack = grow(ws.bpack, np*nr*j.kc)
	ws.tile = grow(ws.tile, mr*nr)
	a, lda, b, ldb, c, ldc := j.a, j.lda, j.b, j.ldb, j.c, j.ldc
	for pc := 0; pc < j.k; pc += j.kc {
		kb := min(j.kc, j.k-pc)
		beta, load := j.beta, 1
		if pc > 0 {
			beta = 1
		} else if beta == 0 {
			load = 0
		}
		// The kc×(j1-jt) block of op(B), as panels of nr columns (the last
		// one as narrow as a kernel allows), at q·kb·nr in bpack.
		q0 := 0
		if j.packer != nil {
			for q := 0; q < np; q++ {
				jr := jt + q*nr
				w := min(nr, j1-jr)
				pw := ar.width(w)
				j.packer.PackB(pc, kb, jr, w, ws.bpack[q*kb*nr:q*kb*nr+kb*pw], pw)
			}
			q0 = np
		} else if !j.transB {
			// Full panels row by row (B's rows are read sequentially).
			q0 = (j1 - jt) / nr
			if !j.inPlaceB && q0 > 0 {
				ar.packBlockN(kb, q0, b[pc*ldb+jt:], ldb, ws.bpack, kb*nr)
			}
		}
		for q := q0; q < np; q++ {
			jr := jt + q*nr
			w := min(nr, j1-jr)
			pw := ar.width(w)
			switch {
			case j.inPlaceB && w == pw:
			case !j.transB:
				ar.packN(kb, b[pc*ldb+jr:], ldb, w, ws.bpack[q*kb*nr:q*kb*nr+kb*pw], pw)
			default:
				ar.packT(kb, b[jr*ldb+pc:], ldb, w, ws.bpack[q*kb*nr:q*kb*nr+kb*pw], pw)
			}
		}
		for ir := i0; ir < i1; ir += mr {
			rows := min(mr, i1-ir)
			var as []float32
			var alda int
			colsA := j.transA
			switch {
			case rows < mr:
				j.packA(ws.apack, ir, rows, pc, kb)
				as, alda, colsA = ws.apack, mr, true
			case j.transA:
				as, alda = a[pc*lda+ir:], lda
			default:
				as, alda = a[ir*lda+pc:], lda
			}
			for q := 0; q < np; q++ {
				jr := jt + q*nr
				w, pw, tk := min(nr, j1-jr), nr, &ar.kerns[0]
				if w < nr {
					pw = ar.width(w)
					tk = ar.kernels(pw)
				}
				bs, bld := ws.bpack[q*kb*nr:], pw
				if j.inPlaceB && w == pw {
					bs, bld = b[pc*ldb+jr:], ldb
				}
				kern := tk.kernN
				if colsA {
					kern = tk.kernT
				}
				if rows == mr && w == pw {
					kern(kb, as, alda, bs, bld, c[ir*ldc+jr:], ldc, j.alpha, beta, load)
					continue
				}
				kern(kb, as, alda, bs, bld, ws.tile, pw, j.alpha, 0, 0)
				for i := 0; i < rows; i++ {
					cr := c[(ir+i)*ldc+jr : (ir+i)*ldc+jr+w]
					tr := ws.tile[i*pw : i*pw+w]
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
	*j = job{xbuf: j.xbuf, rbuf: j.rbuf, runFn: j.runFn}
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
func check(transA, transB bool, m, n, k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int, checkB bool) {
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
	if checkB {
		mat("B", transB, k, n, b, ldb)
	}
	mat("C", false, m, n, c, ldc)
}

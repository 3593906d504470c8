// Command _asm generates the amd64 assembly of package gemm: the AVX-512 and
// AVX2+FMA micro-kernels of the blocked Sgemm and the matrix–vector kernels
// of its n==1 / m==1 path.
//
// It lives in its own module so that avo stays out of the project's go.mod.
// Run it through go generate in pkg/gemm (see gen.go there):
//
//	cd pkg/gemm && go generate
//
// which runs, in this directory,
//
//	go run . -out ../kernel_amd64.s -stubs ../kernel_amd64_stub.go -pkg gemm
package main

import (
	"fmt"

	"github.com/mmcloughlin/avo/gotypes"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// isa describes one vector instruction set: its register file and width.
type isa struct {
	suffix string
	zmm    bool // AVX-512 (32 zmm registers, opmasks) or AVX2 (16 ymm)
	nregs  int
	floats int // float32 lanes per vector
}

func (s isa) vec(i int) VecPhysical {
	if s.zmm {
		return []VecPhysical{Z0, Z1, Z2, Z3, Z4, Z5, Z6, Z7, Z8, Z9, Z10, Z11, Z12, Z13, Z14, Z15,
			Z16, Z17, Z18, Z19, Z20, Z21, Z22, Z23, Z24, Z25, Z26, Z27, Z28, Z29, Z30, Z31}[i]
	}
	return []VecPhysical{Y0, Y1, Y2, Y3, Y4, Y5, Y6, Y7, Y8, Y9, Y10, Y11, Y12, Y13, Y14, Y15}[i]
}

func (s isa) bytes() int { return 4 * s.floats }

func (s isa) zero(r VecPhysical) {
	if s.zmm {
		VPXORD(r, r, r)
	} else {
		VXORPS(r, r, r)
	}
}

var (
	avx512 = isa{suffix: "512", zmm: true, nregs: 32, floats: 16}
	avx2   = isa{suffix: "256", zmm: false, nregs: 16, floats: 8}
)

// paramAddr is the stack address of a scalar parameter.
func paramAddr(name string) Mem {
	b, err := Param(name).Resolve()
	if err != nil {
		panic(err)
	}
	return b.Addr
}

const kernelSig = "func(k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int, alpha float32, beta float32, load int)"

// kernel emits an mr×(nv·lanes) micro-kernel:
//
//	C[i][j] = alpha·Σ_p A(i,p)·B[p][j] (+ beta·C[i][j] when load ≠ 0)
//
// for i < mr, j < nr, p < k, where B[p][j] is b[p*ldb+j] (a panel of B in
// place, or packed with ldb = nr) and A(i,p) is a[i*lda+p] (rowsA) or
// a[p*lda+i] (otherwise: the columns of the mr×k block are contiguous, as in
// a transposed A or a packed panel with lda = mr). lda, ldb, ldc count floats.
// Every C element is one chain of FMAs in increasing p, then rounded as
// (alpha·acc) + (beta·c), so the result does not depend on where the tile
// lies or which kernel variant ran it.
func kernel(s isa, mr, nv int, rowsA bool) {
	name := fmt.Sprintf("kern%d_%dx%d", s.floats*32, mr, nv*s.floats)
	if rowsA {
		name += "N"
	} else {
		name += "T"
	}
	nr := nv * s.floats
	if mr*nv+nv+1 > s.nregs || (nv == 1 && mr*nv+nv+2 > s.nregs) {
		panic("kernel does not fit the register file: " + name)
	}
	TEXT(name, NOSPLIT, kernelSig)
	layout := "A(i,p) = a[p*lda+i] (contiguous columns: transposed or packed A)"
	if rowsA {
		layout = "A(i,p) = a[i*lda+p] (rows of A in place)"
	}
	Doc(fmt.Sprintf("%s computes a %d×%d tile: C = alpha·A·B (+ beta·C if load≠0), %s.", name, mr, nr, layout))

	acc := make([][]VecPhysical, mr)
	for i := range acc {
		acc[i] = make([]VecPhysical, nv)
		for v := range acc[i] {
			acc[i][v] = s.vec(i*nv + v)
		}
	}
	breg := make([]VecPhysical, nv)
	for v := range breg {
		breg[v] = s.vec(mr*nv + v)
	}
	t := s.vec(mr*nv + nv)
	// After the k loop the B registers and t are free: alpha, beta and a
	// temporary for beta·C live there.
	extra := s.vec(mr*nv + nv + 1)
	if nv > 1 {
		extra = breg[1]
	}

	k := load(Param("k"))
	ap := load(Param("a").Base())
	lda := load(Param("lda"))
	SHLQ(U8(2), lda) // bytes
	bp := load(Param("b").Base())
	ldb := load(Param("ldb"))
	SHLQ(U8(2), ldb)
	lda3, ldb3 := GP64(), GP64()
	LEAQ(Mem{Base: lda, Index: lda, Scale: 2}, lda3)
	LEAQ(Mem{Base: ldb, Index: ldb, Scale: 2}, ldb3)

	for i := range acc {
		for v := range acc[i] {
			s.zero(acc[i][v])
		}
	}

	// Prefetch the C tile: it is read and written after the k loop, and its
	// rows are far apart (often in memory, not in cache).
	{
		cpf := load(Param("c").Base())
		ldcb := load(Param("ldc"))
		SHLQ(U8(2), ldcb)
		for i := 0; i < mr; i++ {
			for off := 0; off < 4*nr; off += 64 {
				PREFETCHT0(Mem{Base: cpf, Disp: off})
			}
			PREFETCHT0(Mem{Base: cpf, Disp: 4*nr - 4})
			if i+1 < mr {
				ADDQ(ldcb, cpf)
			}
		}
	}

	// Address of A(i, p+u) for the current p.
	var groups []GPVirtual // rowsA: pointers to rows 0, 5, 10, ...
	if rowsA {
		groups = append(groups, ap)
		lda5 := GP64()
		LEAQ(Mem{Base: lda, Index: lda, Scale: 4}, lda5)
		for g := 1; g*5 < mr; g++ {
			r := GP64()
			LEAQ(Mem{Base: groups[g-1], Index: lda5, Scale: 1}, r)
			groups = append(groups, r)
		}
	}
	addrA := func(i, u int) Mem {
		if rowsA {
			g := groups[i/5]
			m := Mem{Base: g, Disp: 4 * u}
			switch i % 5 {
			case 1:
				m.Index, m.Scale = lda, 1
			case 2:
				m.Index, m.Scale = lda, 2
			case 3:
				m.Index, m.Scale = lda3, 1
			case 4:
				m.Index, m.Scale = lda, 4
			}
			return m
		}
		m := Mem{Base: ap, Disp: 4 * i}
		switch u {
		case 1:
			m.Index, m.Scale = lda, 1
		case 2:
			m.Index, m.Scale = lda, 2
		case 3:
			m.Index, m.Scale = lda3, 1
		}
		return m
	}
	step := func(u int) {
		for v := range breg {
			m := Mem{Base: bp, Disp: v * s.bytes()}
			switch u {
			case 1:
				m.Index, m.Scale = ldb, 1
			case 2:
				m.Index, m.Scale = ldb, 2
			case 3:
				m.Index, m.Scale = ldb3, 1
			}
			VMOVUPS(m, breg[v])
		}
		for i := 0; i < mr; i++ {
			VBROADCASTSS(addrA(i, u), t)
			for v := range breg {
				VFMADD231PS(breg[v], t, acc[i][v])
			}
		}
	}
	advance := func(u int) {
		if rowsA {
			for _, g := range groups {
				ADDQ(U32(4*u), g)
			}
		} else if u == 4 {
			LEAQ(Mem{Base: ap, Index: lda, Scale: 4}, ap)
		} else {
			ADDQ(lda, ap)
		}
		if u == 4 {
			LEAQ(Mem{Base: bp, Index: ldb, Scale: 4}, bp)
		} else {
			ADDQ(ldb, bp)
		}
	}

	const unroll = 4
	Label(name + "_loop")
	CMPQ(k, U8(unroll))
	JL(LabelRef(name + "_tail"))
	for u := 0; u < unroll; u++ {
		step(u)
	}
	advance(unroll)
	SUBQ(U8(unroll), k)
	JMP(LabelRef(name + "_loop"))

	Label(name + "_tail")
	TESTQ(k, k)
	JE(LabelRef(name + "_store"))
	step(0)
	advance(1)
	DECQ(k)
	JMP(LabelRef(name + "_tail"))

	Label(name + "_store")
	cp := load(Param("c").Base())
	ldc := load(Param("ldc"))
	SHLQ(U8(2), ldc)
	alpha, beta := breg[0], t
	VBROADCASTSS(paramAddr("alpha"), alpha)
	for i := range acc {
		for v := range acc[i] {
			VMULPS(alpha, acc[i][v], acc[i][v])
		}
	}
	ld := load(Param("load"))
	TESTQ(ld, ld)
	JE(LabelRef(name + "_nobeta"))
	VBROADCASTSS(paramAddr("beta"), beta)
	for i := range acc {
		for v := range acc[i] {
			c := Mem{Base: cp, Disp: v * s.bytes()}
			VMULPS(c, beta, extra)
			VADDPS(extra, acc[i][v], acc[i][v])
			VMOVUPS(acc[i][v], c)
		}
		if i+1 < mr {
			ADDQ(ldc, cp)
		}
	}
	VZEROUPPER()
	RET()

	Label(name + "_nobeta")
	for i := range acc {
		for v := range acc[i] {
			VMOVUPS(acc[i][v], Mem{Base: cp, Disp: v * s.bytes()})
		}
		if i+1 < mr {
			ADDQ(ldc, cp)
		}
	}
	VZEROUPPER()
	RET()
}

const gemvSig = "func(m, k int, a []float32, lda int, x []float32, y []float32)"

// tailMask sets mask to the low n bits (n ≤ 16), for a partial vector.
func tailMask(n GPVirtual, mask OpmaskPhysical) {
	bits := GP32()
	MOVL(U32(0xffff), bits)
	BZHIL(n.As32(), bits, bits)
	KMOVW(bits, mask)
}

// hsum reduces the float32 lanes of v to lane 0 of v (clobbering tmp).
func hsum(s isa, v, tmp VecPhysical) {
	if s.zmm {
		VEXTRACTF64X4(U8(1), v, tmp.AsY())
		VADDPS(tmp.AsY(), v.AsY(), v.AsY())
	}
	VEXTRACTF128(U8(1), v.AsY(), tmp.AsX())
	VADDPS(tmp.AsX(), v.AsX(), v.AsX())
	VMOVHLPS(v.AsX(), v.AsX(), tmp.AsX())
	VADDPS(tmp.AsX(), v.AsX(), v.AsX())
	VPERMILPS(U8(1), v.AsX(), tmp.AsX())
	VADDSS(tmp.AsX(), v.AsX(), v.AsX())
}

// gemvN emits y[i] = Σ_p a[i*lda+p]·x[p] for i < m, p < k (a dot product per
// row, four rows at a time; each row's sum is formed in a fixed order).
func gemvN(s isa) {
	name := "gemvN" + s.suffix
	TEXT(name, NOSPLIT, gemvSig)
	Doc(name + " sets y[i] = Σ_p a[i*lda+p]·x[p] for i < m, p < k.")
	m := load(Param("m"))
	ap := load(Param("a").Base())
	lda := load(Param("lda"))
	SHLQ(U8(2), lda)
	yp := load(Param("y").Base())

	rows := func(nrows int) {
		lbl := fmt.Sprintf("%s_r%d", name, nrows)
		acc := []VecPhysical{s.vec(0), s.vec(1), s.vec(2), s.vec(3)}[:nrows]
		xv, tmp, st := s.vec(4), s.vec(5), s.vec(6)
		for _, r := range acc {
			s.zero(r)
		}
		ptr := make([]GPVirtual, nrows)
		for r := range ptr {
			ptr[r] = GP64()
			if r == 0 {
				MOVQ(ap, ptr[r])
			} else {
				LEAQ(Mem{Base: ptr[r-1], Index: lda, Scale: 1}, ptr[r])
			}
		}
		xp := load(Param("x").Base())
		n := load(Param("k"))
		stail := make([]VecPhysical, nrows) // AVX2: scalar tail sums
		if !s.zmm {
			for r := range stail {
				stail[r] = s.vec(8 + r)
				s.zero(stail[r])
			}
		}
		Label(lbl + "_loop")
		CMPQ(n, U8(s.floats))
		JL(LabelRef(lbl + "_tail"))
		VMOVUPS(Mem{Base: xp}, xv)
		for r := range acc {
			VFMADD231PS(Mem{Base: ptr[r]}, xv, acc[r])
			ADDQ(U8(s.bytes()), ptr[r])
		}
		ADDQ(U8(s.bytes()), xp)
		SUBQ(U8(s.floats), n)
		JMP(LabelRef(lbl + "_loop"))
		Label(lbl + "_tail")
		TESTQ(n, n)
		JE(LabelRef(lbl + "_reduce"))
		if s.zmm {
			tailMask(n, K1)
			VMOVUPS_Z(Mem{Base: xp}, K1, xv)
			for r := range acc {
				VMOVUPS_Z(Mem{Base: ptr[r]}, K1, st)
				VFMADD231PS(st, xv, acc[r])
			}
		} else {
			Label(lbl + "_stail")
			VMOVSS(Mem{Base: xp}, xv.AsX())
			for r := range acc {
				VFMADD231SS(Mem{Base: ptr[r]}, xv.AsX(), stail[r].AsX())
				ADDQ(U8(4), ptr[r])
			}
			ADDQ(U8(4), xp)
			DECQ(n)
			JNE(LabelRef(lbl + "_stail"))
		}
		Label(lbl + "_reduce")
		for r := range acc {
			hsum(s, acc[r], tmp)
			if !s.zmm {
				VADDSS(stail[r].AsX(), acc[r].AsX(), acc[r].AsX())
			}
			VMOVSS(acc[r].AsX(), Mem{Base: yp, Disp: 4 * r})
		}
	}

	Label(name + "_by4")
	CMPQ(m, U8(4))
	JL(LabelRef(name + "_by1"))
	rows(4)
	LEAQ(Mem{Base: ap, Index: lda, Scale: 4}, ap)
	ADDQ(U8(16), yp)
	SUBQ(U8(4), m)
	JMP(LabelRef(name + "_by4"))
	Label(name + "_by1")
	TESTQ(m, m)
	JE(LabelRef(name + "_done"))
	rows(1)
	ADDQ(lda, ap)
	ADDQ(U8(4), yp)
	DECQ(m)
	JMP(LabelRef(name + "_by1"))
	Label(name + "_done")
	VZEROUPPER()
	RET()
}

// gemvT emits y[j] += Σ_p x[p]·a[p*lda+j] for j < m, p < k (axpy of the
// rows of a into y, four rows per pass, in increasing p for every y[j]).
func gemvT(s isa) {
	name := "gemvT" + s.suffix
	TEXT(name, NOSPLIT, gemvSig)
	Doc(name + " adds Σ_p x[p]·a[p*lda+j] to y[j] for j < m, p < k, in increasing p.")
	k := load(Param("k"))
	ap := load(Param("a").Base())
	lda := load(Param("lda"))
	SHLQ(U8(2), lda)
	xp := load(Param("x").Base())

	pass := func(nrows int) {
		lbl := fmt.Sprintf("%s_p%d", name, nrows)
		xs := []VecPhysical{s.vec(0), s.vec(1), s.vec(2), s.vec(3)}[:nrows]
		yv, av := s.vec(4), s.vec(5)
		for r := range xs {
			VBROADCASTSS(Mem{Base: xp, Disp: 4 * r}, xs[r])
		}
		ptr := make([]GPVirtual, nrows)
		for r := range ptr {
			ptr[r] = GP64()
			if r == 0 {
				MOVQ(ap, ptr[r])
			} else {
				LEAQ(Mem{Base: ptr[r-1], Index: lda, Scale: 1}, ptr[r])
			}
		}
		yp := load(Param("y").Base())
		n := load(Param("m"))
		Label(lbl + "_loop")
		CMPQ(n, U8(s.floats))
		JL(LabelRef(lbl + "_tail"))
		VMOVUPS(Mem{Base: yp}, yv)
		for r := range xs {
			VFMADD231PS(Mem{Base: ptr[r]}, xs[r], yv)
			ADDQ(U8(s.bytes()), ptr[r])
		}
		VMOVUPS(yv, Mem{Base: yp})
		ADDQ(U8(s.bytes()), yp)
		SUBQ(U8(s.floats), n)
		JMP(LabelRef(lbl + "_loop"))
		Label(lbl + "_tail")
		TESTQ(n, n)
		JE(LabelRef(lbl + "_end"))
		if s.zmm {
			tailMask(n, K1)
			VMOVUPS_Z(Mem{Base: yp}, K1, yv)
			for r := range xs {
				VMOVUPS_Z(Mem{Base: ptr[r]}, K1, av)
				VFMADD231PS(av, xs[r], yv)
			}
			VMOVUPS(yv, K1, Mem{Base: yp})
		} else {
			Label(lbl + "_stail")
			VMOVSS(Mem{Base: yp}, yv.AsX())
			for r := range xs {
				VFMADD231SS(Mem{Base: ptr[r]}, xs[r].AsX(), yv.AsX())
				ADDQ(U8(4), ptr[r])
			}
			VMOVSS(yv.AsX(), Mem{Base: yp})
			ADDQ(U8(4), yp)
			DECQ(n)
			JNE(LabelRef(lbl + "_stail"))
		}
		Label(lbl + "_end")
	}

	Label(name + "_by4")
	CMPQ(k, U8(4))
	JL(LabelRef(name + "_by1"))
	pass(4)
	LEAQ(Mem{Base: ap, Index: lda, Scale: 4}, ap)
	ADDQ(U8(16), xp)
	SUBQ(U8(4), k)
	JMP(LabelRef(name + "_by4"))
	Label(name + "_by1")
	TESTQ(k, k)
	JE(LabelRef(name + "_done"))
	pass(1)
	ADDQ(lda, ap)
	ADDQ(U8(4), xp)
	DECQ(k)
	JMP(LabelRef(name + "_by1"))
	Label(name + "_done")
	VZEROUPPER()
	RET()
}

const packSig = "func(k int, src []float32, lds int, dst []float32, ldd int)"

// packN512 emits the copy of a panel of B stored by rows: dst[p*ldd+j] =
// src[p*lds+j] for p < k, j < w, and 0 for w ≤ j < ldd (ldd is 16, 32 or
// 48).
func packN512() {
	TEXT("packN512", NOSPLIT, "func(k int, src []float32, lds int, w int, dst []float32, ldd int)")
	Doc("packN512 sets dst[p*ldd+j] = src[p*lds+j] for p < k, j < w, and 0 for w ≤ j < ldd (ldd = 16, 32 or 48).")
	k := load(Param("k"))
	sp := load(Param("src").Base())
	lds := load(Param("lds"))
	SHLQ(U8(2), lds)
	dp := load(Param("dst").Base())
	ldd := load(Param("ldd"))
	w := load(Param("w"))
	// masks[v]: the lanes of vector v below w.
	masks := []OpmaskPhysical{K1, K2, K3}
	for v, m := range masks {
		n := GP64()
		MOVQ(w, n)
		SUBQ(U32(16*v), n)
		// clamp n to [0, 16]
		zero, sixteen := GP64(), GP64()
		XORQ(zero, zero)
		MOVQ(U32(16), sixteen)
		CMPQ(n, zero)
		CMOVQLT(zero, n)
		CMPQ(n, sixteen)
		CMOVQGT(sixteen, n)
		bits := GP32()
		MOVL(U32(0xffff), bits)
		BZHIL(n.As32(), bits, bits)
		KMOVW(bits, m)
	}
	for nv := 1; nv <= 3; nv++ {
		lbl := fmt.Sprintf("packN512_w%d", 16*nv)
		if nv < 3 {
			CMPQ(ldd, U8(16*nv))
			JNE(LabelRef(lbl + "_skip"))
		}
		Label(lbl)
		TESTQ(k, k)
		JE(LabelRef("packN512_done"))
		for v := 0; v < nv; v++ {
			VMOVUPS_Z(Mem{Base: sp, Disp: 64 * v}, masks[v], Z(v))
			VMOVUPS(Z(v), Mem{Base: dp, Disp: 64 * v})
		}
		ADDQ(lds, sp)
		ADDQ(U32(64*nv), dp)
		DECQ(k)
		JMP(LabelRef(lbl))
		if nv < 3 {
			Label(lbl + "_skip")
		}
	}
	Label("packN512_done")
	VZEROUPPER()
	RET()
}

// Z returns zmm register i.
func Z(i int) VecPhysical { return avx512.vec(i) }

// transpose16 transposes the 16×16 floats in Z0..Z15 (row i in Zi) into
// Z0..Z15 (column i in Zi), using Z16..Z31.
func transpose16() {
	// Stage 1: interleave pairs of rows.
	for a := 0; a < 8; a++ {
		VUNPCKLPS(Z(2*a+1), Z(2*a), Z(16+2*a))
		VUNPCKHPS(Z(2*a+1), Z(2*a), Z(16+2*a+1))
	}
	// Stage 2: c[e][b] (in Z(4b+e)): lane L holds column 4L+e of rows 4b..4b+3.
	for b := 0; b < 4; b++ {
		lo0, hi0, lo1, hi1 := Z(16+4*b), Z(16+4*b+1), Z(16+4*b+2), Z(16+4*b+3)
		VSHUFPS(U8(0x44), lo1, lo0, Z(4*b+0))
		VSHUFPS(U8(0xEE), lo1, lo0, Z(4*b+1))
		VSHUFPS(U8(0x44), hi1, hi0, Z(4*b+2))
		VSHUFPS(U8(0xEE), hi1, hi0, Z(4*b+3))
	}
	// Stage 3: for each e, a 4×4 transpose of 128-bit lanes of c[e][0..3].
	for e := 0; e < 4; e++ {
		c := func(b int) VecPhysical { return Z(4*b + e) }
		x := func(i int) VecPhysical { return Z(16 + 4*e + i) }
		VSHUFF32X4(U8(0x44), c(1), c(0), x(0))
		VSHUFF32X4(U8(0xEE), c(1), c(0), x(1))
		VSHUFF32X4(U8(0x44), c(3), c(2), x(2))
		VSHUFF32X4(U8(0xEE), c(3), c(2), x(3))
	}
	for e := 0; e < 4; e++ {
		x := func(i int) VecPhysical { return Z(16 + 4*e + i) }
		VSHUFF32X4(U8(0x88), x(2), x(0), Z(e))
		VSHUFF32X4(U8(0xDD), x(2), x(0), Z(4+e))
		VSHUFF32X4(U8(0x88), x(3), x(1), Z(8+e))
		VSHUFF32X4(U8(0xDD), x(3), x(1), Z(12+e))
	}
}

// packT512 emits the transposing copy of 16 rows of B into 16 columns of a
// panel: dst[p*ldd+j] = src[j*lds+p] for j < 16, p < k.
func packT512() {
	TEXT("packT512", NOSPLIT, packSig)
	Doc("packT512 sets dst[p*ldd+j] = src[j*lds+p] for j < 16, p < k (a 16-row block of B, transposed).")
	k := load(Param("k"))
	sp := load(Param("src").Base())
	lds := load(Param("lds"))
	SHLQ(U8(2), lds)
	lds3 := GP64()
	LEAQ(Mem{Base: lds, Index: lds, Scale: 2}, lds3)
	dp := load(Param("dst").Base())
	ldd := load(Param("ldd"))
	SHLQ(U8(2), ldd)
	ldd3 := GP64()
	LEAQ(Mem{Base: ldd, Index: ldd, Scale: 2}, ldd3)
	// Row pointers: rows 4q..4q+3 from r[q].
	r := []GPVirtual{sp, GP64(), GP64(), GP64()}
	for q := 1; q < 4; q++ {
		LEAQ(Mem{Base: r[q-1], Index: lds, Scale: 4}, r[q])
	}
	rowAddr := func(j int) Mem {
		m := Mem{Base: r[j/4]}
		switch j % 4 {
		case 1:
			m.Index, m.Scale = lds, 1
		case 2:
			m.Index, m.Scale = lds, 2
		case 3:
			m.Index, m.Scale = lds3, 1
		}
		return m
	}
	// dst rows p..p+15 from d (rows 4q.. from d + 4q·ldd).
	d := GP64()
	dstAddr := func(i int) Mem {
		m := Mem{Base: d}
		switch i % 4 {
		case 1:
			m.Index, m.Scale = ldd, 1
		case 2:
			m.Index, m.Scale = ldd, 2
		case 3:
			m.Index, m.Scale = ldd3, 1
		}
		return m
	}
	Label("packT512_loop")
	CMPQ(k, U8(16))
	JL(LabelRef("packT512_tail"))
	for j := 0; j < 16; j++ {
		VMOVUPS(rowAddr(j), Z(j))
	}
	transpose16()
	MOVQ(dp, d)
	for i := 0; i < 16; i++ {
		VMOVUPS(Z(i), dstAddr(i))
		if i%4 == 3 && i < 15 {
			LEAQ(Mem{Base: d, Index: ldd, Scale: 4}, d)
		}
	}
	for q := range r {
		ADDQ(U8(64), r[q])
	}
	LEAQ(Mem{Base: dp, Index: ldd, Scale: 8}, dp)
	LEAQ(Mem{Base: dp, Index: ldd, Scale: 8}, dp)
	SUBQ(U8(16), k)
	JMP(LabelRef("packT512_loop"))

	Label("packT512_tail")
	TESTQ(k, k)
	JE(LabelRef("packT512_done"))
	tailMask(k, K1)
	for j := 0; j < 16; j++ {
		VMOVUPS_Z(rowAddr(j), K1, Z(j))
	}
	transpose16()
	MOVQ(dp, d)
	for i := 0; i < 16; i++ {
		// store row i if i < k
		CMPQ(k, U8(i))
		JLE(LabelRef("packT512_done"))
		VMOVUPS(Z(i), dstAddr(i))
		if i%4 == 3 && i < 15 {
			LEAQ(Mem{Base: d, Index: ldd, Scale: 4}, d)
		}
	}
	Label("packT512_done")
	VZEROUPPER()
	RET()
}

// Y returns ymm register i.
func Y(i int) VecPhysical { return avx2.vec(i) }

// packT256 emits the AVX2 transposing copy of 8 rows of B into 8 columns of
// a panel, k a multiple of 8: dst[p*ldd+j] = src[j*lds+p] for j < 8, p < k.
func packT256() {
	TEXT("packT256", NOSPLIT, packSig)
	Doc("packT256 sets dst[p*ldd+j] = src[j*lds+p] for j < 8, p < k&^7 (an 8-row block of B, transposed).")
	k := load(Param("k"))
	SHRQ(U8(3), k)
	sp := load(Param("src").Base())
	lds := load(Param("lds"))
	SHLQ(U8(2), lds)
	lds3 := GP64()
	LEAQ(Mem{Base: lds, Index: lds, Scale: 2}, lds3)
	r4 := GP64()
	LEAQ(Mem{Base: sp, Index: lds, Scale: 4}, r4)
	dp := load(Param("dst").Base())
	ldd := load(Param("ldd"))
	SHLQ(U8(2), ldd)
	ldd3 := GP64()
	LEAQ(Mem{Base: ldd, Index: ldd, Scale: 2}, ldd3)
	addr := func(base, ld, ld3 GPVirtual, j int) Mem {
		m := Mem{Base: base}
		switch j % 4 {
		case 1:
			m.Index, m.Scale = ld, 1
		case 2:
			m.Index, m.Scale = ld, 2
		case 3:
			m.Index, m.Scale = ld3, 1
		}
		return m
	}
	d := GP64()
	Label("packT256_loop")
	TESTQ(k, k)
	JE(LabelRef("packT256_done"))
	for j := 0; j < 8; j++ {
		base := sp
		if j >= 4 {
			base = r4
		}
		VMOVUPS(addr(base, lds, lds3, j), Y(j))
	}
	for a := 0; a < 4; a++ {
		VUNPCKLPS(Y(2*a+1), Y(2*a), Y(8+2*a))
		VUNPCKHPS(Y(2*a+1), Y(2*a), Y(8+2*a+1))
	}
	// c[e][b] in Y(4b+e): lane L holds column 4L+e of rows 4b..4b+3.
	for b := 0; b < 2; b++ {
		lo0, hi0, lo1, hi1 := Y(8+4*b), Y(8+4*b+1), Y(8+4*b+2), Y(8+4*b+3)
		VSHUFPS(U8(0x44), lo1, lo0, Y(4*b+0))
		VSHUFPS(U8(0xEE), lo1, lo0, Y(4*b+1))
		VSHUFPS(U8(0x44), hi1, hi0, Y(4*b+2))
		VSHUFPS(U8(0xEE), hi1, hi0, Y(4*b+3))
	}
	for e := 0; e < 4; e++ {
		VPERM2F128(U8(0x20), Y(4+e), Y(e), Y(8+e))
		VPERM2F128(U8(0x31), Y(4+e), Y(e), Y(12+e))
	}
	MOVQ(dp, d)
	for i := 0; i < 8; i++ {
		VMOVUPS(Y(8+i), addr(d, ldd, ldd3, i))
		if i == 3 {
			LEAQ(Mem{Base: d, Index: ldd, Scale: 4}, d)
		}
	}
	ADDQ(U8(32), sp)
	ADDQ(U8(32), r4)
	LEAQ(Mem{Base: dp, Index: ldd, Scale: 8}, dp)
	DECQ(k)
	JMP(LabelRef("packT256_loop"))
	Label("packT256_done")
	VZEROUPPER()
	RET()
}

// packBlockN emits the copy of np full panels of nv vectors' width from B
// stored by rows, row by row (so that each row of B is read sequentially):
// panel q, row p at dst[q*pstride + p*nr] holds src[p*lds + q*nr : +nr].
func packBlockN(s isa, nv int) {
	name := fmt.Sprintf("packBlockN%d_%d", s.floats*32, nv*s.floats)
	TEXT(name, NOSPLIT, "func(k int, np int, src []float32, lds int, dst []float32, pstride int)")
	nr := nv * s.floats
	Doc(fmt.Sprintf("%s copies np panels of %d columns of B (stored by rows) into dst, row by row:", name, nr),
		fmt.Sprintf("dst[q*pstride+p*%d+j] = src[p*lds+q*%d+j] for p < k, q < np, j < %d.", nr, nr, nr))
	k := load(Param("k"))
	sp := load(Param("src").Base())
	lds := load(Param("lds"))
	SHLQ(U8(2), lds)
	dp := load(Param("dst").Base())
	ps := load(Param("pstride"))
	SHLQ(U8(2), ps)
	np := load(Param("np"))
	q, sq, dq := GP64(), GP64(), GP64()
	pf := GP64() // a row 4 rows ahead, prefetched
	Label(name + "_row")
	TESTQ(k, k)
	JE(LabelRef(name + "_done"))
	MOVQ(np, q)
	MOVQ(sp, sq)
	MOVQ(dp, dq)
	LEAQ(Mem{Base: sp, Index: lds, Scale: 4}, pf)
	Label(name + "_panel")
	for v := 0; v < nv; v++ {
		if v*s.bytes()%64 == 0 {
			PREFETCHT0(Mem{Base: pf, Disp: v * s.bytes()})
		}
		VMOVUPS(Mem{Base: sq, Disp: v * s.bytes()}, s.vec(v))
		VMOVUPS(s.vec(v), Mem{Base: dq, Disp: v * s.bytes()})
	}
	ADDQ(U32(4*nr), sq)
	ADDQ(U32(4*nr), pf)
	ADDQ(ps, dq)
	DECQ(q)
	JNE(LabelRef(name + "_panel"))
	ADDQ(lds, sp)
	ADDQ(U32(4*nr), dp)
	DECQ(k)
	JMP(LabelRef(name + "_row"))
	Label(name + "_done")
	VZEROUPPER()
	RET()
}

// gatherSum512 emits dst[r*ldd+t] = src[rowOff[r]+colOff[t]] for r < rows,
// t < nc, and 0 for nc ≤ t < ldd (ldd = 16, 32 or 48): an im2col panel
// gathered from a zero-padded image, whose offsets are a row part plus a
// column part. The caller has checked that every offset lies in src.
func gatherSum512() {
	TEXT("gatherSum512", NOSPLIT, "func(rows int, src []float32, rowOff []int32, colOff []int32, nc int, dst []float32, ldd int)")
	Doc("gatherSum512 sets dst[r*ldd+t] = src[rowOff[r]+colOff[t]] for r < rows, t < nc, and 0 for nc ≤ t < ldd (ldd = 16, 32 or 48).")
	rows := load(Param("rows"))
	sp := load(Param("src").Base())
	rp := load(Param("rowOff").Base())
	cp := load(Param("colOff").Base())
	nc := load(Param("nc"))
	dp := load(Param("dst").Base())
	ldd := load(Param("ldd"))
	// masks[v]: the lanes of vector v below nc; col[v]: colOff of vector v
	// (masked loads: colOff may be shorter than ldd).
	masks := []OpmaskPhysical{K2, K3, K4}
	col := []VecPhysical{Z(0), Z(1), Z(2)}
	for v, m := range masks {
		n := GP64()
		MOVQ(nc, n)
		SUBQ(U32(16*v), n)
		zero, sixteen := GP64(), GP64()
		XORQ(zero, zero)
		MOVQ(U32(16), sixteen)
		CMPQ(n, zero)
		CMOVQLT(zero, n)
		CMPQ(n, sixteen)
		CMOVQGT(sixteen, n)
		bits := GP32()
		MOVL(U32(0xffff), bits)
		BZHIL(n.As32(), bits, bits)
		KMOVW(bits, m)
		VMOVDQU32_Z(Mem{Base: cp, Disp: 64 * v}, m, col[v])
	}
	rowv := Z(3)
	for nv := 1; nv <= 3; nv++ {
		lbl := fmt.Sprintf("gatherSum512_w%d", 16*nv)
		if nv < 3 {
			CMPQ(ldd, U8(16*nv))
			JNE(LabelRef(lbl + "_skip"))
		}
		Label(lbl)
		TESTQ(rows, rows)
		JE(LabelRef("gatherSum512_done"))
		VPBROADCASTD(Mem{Base: rp}, rowv)
		for v := 0; v < nv; v++ {
			idx, out, k := Z(4+v), Z(8+v), []OpmaskPhysical{K1, K5, K6}[v]
			VPADDD(col[v], rowv, idx)
			VPXORD(out, out, out)
			KMOVW(masks[v], k) // the gather clears its mask
			VGATHERDPS(Mem{Base: sp, Index: idx, Scale: 4}, k, out)
			VMOVUPS(out, Mem{Base: dp, Disp: 64 * v})
		}
		ADDQ(U8(4), rp)
		ADDQ(U32(64*nv), dp)
		DECQ(rows)
		JMP(LabelRef(lbl))
		if nv < 3 {
			Label(lbl + "_skip")
		}
	}
	Label("gatherSum512_done")
	VZEROUPPER()
	RET()
}

// gatherSum256 emits the AVX2 twin of gatherSum512: dst[r*ldd+t] =
// src[rowOff[r]+colOff[t]] for r < rows, t < nc, and 0 for nc ≤ t < ldd
// (ldd = 16, 32 or 48), 8 lanes a gather. The lanes below nc are a vector
// mask (nc > t, compared with gatherIota); colOff is read with masked loads,
// since it may be shorter than ldd. The caller has checked that every offset
// lies in src and fits 31 bits.
func gatherSum256() {
	iota := GLOBL("gatherIota", RODATA|NOPTR)
	for i := 0; i < 48; i++ {
		DATA(4*i, U32(i))
	}
	TEXT("gatherSum256", NOSPLIT, "func(rows int, src []float32, rowOff []int32, colOff []int32, nc int, dst []float32, ldd int)")
	Doc("gatherSum256 sets dst[r*ldd+t] = src[rowOff[r]+colOff[t]] for r < rows, t < nc, and 0 for nc ≤ t < ldd (ldd = 16, 32 or 48).")
	rows := load(Param("rows"))
	sp := load(Param("src").Base())
	rp := load(Param("rowOff").Base())
	cp := load(Param("colOff").Base())
	nc := load(Param("nc"))
	dp := load(Param("dst").Base())
	ldd := load(Param("ldd"))
	// Y0..Y5: colOff of vector v; Y6..Y11: the mask of its lanes below nc;
	// Y12: the row's offset; Y13..Y15: index, result, the gather's mask
	// (which the gather clears).
	col := func(v int) VecPhysical { return Y(v) }
	mask := func(v int) VecPhysical { return Y(6 + v) }
	rowv, idx, out, m := Y(12), Y(13), Y(14), Y(15)
	VMOVD(nc.As32(), rowv.AsX())
	VPBROADCASTD(rowv.AsX(), rowv)
	for v := 0; v < 6; v++ {
		iv := iota
		iv.Disp += 32 * v
		VPCMPGTD(iv, rowv, mask(v))
		VPMASKMOVD(Mem{Base: cp, Disp: 32 * v}, mask(v), col(v))
	}
	for nv := 2; nv <= 6; nv += 2 {
		lbl := fmt.Sprintf("gatherSum256_w%d", 8*nv)
		if nv < 6 {
			CMPQ(ldd, U8(8*nv))
			JNE(LabelRef(lbl + "_skip"))
		}
		Label(lbl)
		TESTQ(rows, rows)
		JE(LabelRef("gatherSum256_done"))
		VPBROADCASTD(Mem{Base: rp}, rowv)
		for v := 0; v < nv; v++ {
			VPADDD(col(v), rowv, idx)
			VXORPS(out, out, out)
			VMOVDQU(mask(v), m)
			VGATHERDPS(m, Mem{Base: sp, Index: idx, Scale: 4}, out)
			VMOVUPS(out, Mem{Base: dp, Disp: 32 * v})
		}
		ADDQ(U8(4), rp)
		ADDQ(U32(32*nv), dp)
		DECQ(rows)
		JMP(LabelRef(lbl))
		if nv < 6 {
			Label(lbl + "_skip")
		}
	}
	Label("gatherSum256_done")
	VZEROUPPER()
	RET()
}

// copyRuns512 emits the gather of an im2col panel whose columns come in runs
// of consecutive offsets (the pixels of an image row): for each row r and
// each run s, segs[3s:3s+3] = (dst byte offset t, src byte offset c, mask
// m of the run's n ≤ 16 lanes, m = 2ⁿ − 1), one masked load of src at
// 4·rowOff[r] + c and one masked store at r·ldd floats + t. It sets only
// the lanes of the runs; the caller clears the rest. A 16-lane gather costs
// tens of cycles on some cores (AMD Zen 4 and 5); a run costs two moves.
func copyRuns512() {
	TEXT("copyRuns512", NOSPLIT, "func(rows int, src []float32, rowOff []int32, segs []int64, nseg int, dst []float32, ldd int)")
	Pragma("noescape")
	Doc("copyRuns512 sets dst[r*ldd+t/4+i] = src[rowOff[r]+c/4+i] for r < rows and each (t, c, m) = segs[3s:3s+3], s < nseg, i < bits.Len16(m) (m = 2ⁿ − 1, n ≤ 16).")
	rows := load(Param("rows"))
	sp := load(Param("src").Base())
	rp := load(Param("rowOff").Base())
	sg := load(Param("segs").Base())
	nseg := load(Param("nseg"))
	dp := load(Param("dst").Base())
	ldd := load(Param("ldd"))
	SHLQ(U8(2), ldd)
	base, p, n, off := GP64(), GP64(), GP64(), GP64()
	Label("copyRuns512_row")
	TESTQ(rows, rows)
	JE(LabelRef("copyRuns512_done"))
	MOVLQSX(Mem{Base: rp}, base)
	SHLQ(U8(2), base)
	ADDQ(sp, base)
	MOVQ(sg, p)
	MOVQ(nseg, n)
	Label("copyRuns512_seg")
	KMOVW(Mem{Base: p, Disp: 16}, K1)
	MOVQ(Mem{Base: p, Disp: 8}, off)
	VMOVUPS_Z(Mem{Base: base, Index: off, Scale: 1}, K1, Z(0))
	MOVQ(Mem{Base: p}, off)
	VMOVUPS(Z(0), K1, Mem{Base: dp, Index: off, Scale: 1})
	ADDQ(U8(24), p)
	DECQ(n)
	JNE(LabelRef("copyRuns512_seg"))
	ADDQ(U8(4), rp)
	ADDQ(ldd, dp)
	DECQ(rows)
	JMP(LabelRef("copyRuns512_row"))
	Label("copyRuns512_done")
	VZEROUPPER()
	RET()
}

// runMask is the table of AVX2 lane masks: eight lanes of ones, then eight
// of zeros, so that the 8 floats at byte 32 − 4n have ones in their low n
// lanes. Made once (runMaskTable), shared by the kernels that use it.
var runMask *Mem

func runMaskTable() Mem {
	if runMask == nil {
		m := GLOBL("runMask", RODATA|NOPTR)
		for i := 0; i < 16; i++ {
			v := uint32(0)
			if i < 8 {
				v = 0xffffffff
			}
			DATA(4*i, U32(v))
		}
		runMask = &m
	}
	return *runMask
}

// copyRuns256 emits the AVX2 twin of copyRuns512, for runs of up to 8
// columns: for each row r and each run s, segs[3s:3s+3] = (dst byte offset
// t, src byte offset c, m = 2ⁿ − 1 for the run's n ≤ 8 lanes), one masked
// load of src at 4·rowOff[r] + c and one masked store at r·ldd floats + t,
// the mask of n lanes read from runMask at 32 − 4n. It sets only the lanes
// of the runs; the caller clears the rest.
func copyRuns256() {
	runMask := runMaskTable()
	TEXT("copyRuns256", NOSPLIT, "func(rows int, src []float32, rowOff []int32, segs []int64, nseg int, dst []float32, ldd int)")
	Pragma("noescape")
	Doc("copyRuns256 sets dst[r*ldd+t/4+i] = src[rowOff[r]+c/4+i] for r < rows and each (t, c, m) = segs[3s:3s+3], s < nseg, i < bits.Len8(m) (m = 2ⁿ − 1, n ≤ 8).")
	rows := load(Param("rows"))
	sp := load(Param("src").Base())
	rp := load(Param("rowOff").Base())
	sg := load(Param("segs").Base())
	nseg := load(Param("nseg"))
	dp := load(Param("dst").Base())
	ldd := load(Param("ldd"))
	SHLQ(U8(2), ldd)
	tbl := GP64()
	LEAQ(runMask, tbl)
	base, p, n, off, lanes := GP64(), GP64(), GP64(), GP64(), GP64()
	mask, v := Y(1), Y(0)
	Label("copyRuns256_row")
	TESTQ(rows, rows)
	JE(LabelRef("copyRuns256_done"))
	MOVLQSX(Mem{Base: rp}, base)
	SHLQ(U8(2), base)
	ADDQ(sp, base)
	MOVQ(sg, p)
	MOVQ(nseg, n)
	Label("copyRuns256_seg")
	POPCNTQ(Mem{Base: p, Disp: 16}, lanes)
	NEGQ(lanes)
	VMOVDQU(Mem{Base: tbl, Index: lanes, Scale: 4, Disp: 32}, mask)
	MOVQ(Mem{Base: p, Disp: 8}, off)
	VPMASKMOVD(Mem{Base: base, Index: off, Scale: 1}, mask, v)
	MOVQ(Mem{Base: p}, off)
	VPMASKMOVD(v, mask, Mem{Base: dp, Index: off, Scale: 1})
	ADDQ(U8(24), p)
	DECQ(n)
	JNE(LabelRef("copyRuns256_seg"))
	ADDQ(U8(4), rp)
	ADDQ(ldd, dp)
	DECQ(rows)
	JMP(LabelRef("copyRuns256_row"))
	Label("copyRuns256_done")
	VZEROUPPER()
	RET()
}

// The elementwise kernels: loops of the layers that are not products but
// run once per value of a large tensor (batch norm's normalisation and its
// backward, Adam's update). Each does in vector lanes exactly the
// float32 (and, for Adam's square root, float64) operations of its Go loop
// in pkg/gemm/elementwise.go, in the same order and without fused
// multiply-adds, so every lane rounds as the Go code does and the results
// are the same bits. They take n, a multiple of the vector's lanes; the Go
// caller does the rest.

// broadcast loads the float32 parameter name into every lane of r.
func broadcast(name string, r VecPhysical) {
	VBROADCASTSS(paramAddr(name), r)
}

// elementLoop emits the loop of an elementwise kernel over n values (n, a
// register, a multiple of one vector, is turned into bytes): body(i, u)
// emits the work on the vector at byte offset i, u counting the unrolled
// vectors of one pass (each pass does up to unroll of them).
func elementLoop(s isa, name string, n GPVirtual, unroll int, body func(i GPVirtual, u int)) {
	i := GP64()
	XORQ(i, i)
	SHLQ(U8(2), n)
	Label(name + "_loop")
	for u := 0; u < unroll; u++ {
		CMPQ(i, n)
		JAE(LabelRef(name + "_done"))
		body(i, u)
		ADDQ(U32(s.bytes()), i)
	}
	JMP(LabelRef(name + "_loop"))
	Label(name + "_done")
	VZEROUPPER()
	RET()
}

// normalizeKernel emits y[i] = (x[i] − m)·s + b for i < n. (The assembler
// takes g for a register: no parameter may be called g.)
func normalizeKernel(s isa) {
	name := "normalize" + s.suffix
	TEXT(name, NOSPLIT, "func(n int, y []float32, x []float32, m float32, s float32, b float32)")
	Doc(fmt.Sprintf("%s sets y[i] = (x[i] − m)·s + b for i < n (n a multiple of %d).", name, s.floats))
	n := load(Param("n"))
	yp := load(Param("y").Base())
	xp := load(Param("x").Base())
	m, g, b := s.vec(0), s.vec(1), s.vec(2)
	broadcast("m", m)
	broadcast("s", g)
	broadcast("b", b)
	elementLoop(s, name, n, 4, func(i GPVirtual, u int) {
		v := s.vec(3 + u)
		VMOVUPS(Mem{Base: xp, Index: i, Scale: 1}, v)
		VSUBPS(m, v, v)
		VMULPS(g, v, v)
		VADDPS(b, v, v)
		VMOVUPS(v, Mem{Base: yp, Index: i, Scale: 1})
	})
}

// normalizeBackKernel emits dx[i] = k·dy[i] + kx·(x[i] − m) + k0 for i < n,
// summed left to right.
func normalizeBackKernel(s isa) {
	name := "normalizeBack" + s.suffix
	TEXT(name, NOSPLIT, "func(n int, dx []float32, dy []float32, x []float32, m float32, k float32, kx float32, k0 float32)")
	Doc(fmt.Sprintf("%s sets dx[i] = k·dy[i] + kx·(x[i] − m) + k0 for i < n (n a multiple of %d).", name, s.floats))
	n := load(Param("n"))
	dxp := load(Param("dx").Base())
	dyp := load(Param("dy").Base())
	xp := load(Param("x").Base())
	m, k, kx, k0 := s.vec(0), s.vec(1), s.vec(2), s.vec(3)
	broadcast("m", m)
	broadcast("k", k)
	broadcast("kx", kx)
	broadcast("k0", k0)
	elementLoop(s, name, n, 2, func(i GPVirtual, u int) {
		d, t := s.vec(4+2*u), s.vec(5+2*u)
		VMOVUPS(Mem{Base: dyp, Index: i, Scale: 1}, d)
		VMULPS(k, d, d)
		VMOVUPS(Mem{Base: xp, Index: i, Scale: 1}, t)
		VSUBPS(m, t, t)
		VMULPS(kx, t, t)
		VADDPS(t, d, d)
		VADDPS(k0, d, d)
		VMOVUPS(d, Mem{Base: dxp, Index: i, Scale: 1})
	})
}

// adamKernel emits Adam's update of n values, as adamGo does one:
//
//	m ← b1·m + ob1·g
//	v ← b2·v + (ob2·g)·g
//	w ← w − (lr·(m·c1)) / (float32(sqrt(float64(v)·c2)) + eps)
//
// The square root is taken in float64 a half vector at a time.
func adamKernel(s isa) {
	name := "adam" + s.suffix
	TEXT(name, NOSPLIT, "func(n int, w []float32, grad []float32, m []float32, v []float32, b1 float32, ob1 float32, b2 float32, ob2 float32, c1 float32, lr float32, eps float32, c2 float64)")
	Doc(fmt.Sprintf("%s applies Adam's update to w[i], m[i], v[i] from grad[i] for i < n (n a multiple of %d); see adamGo.", name, s.floats))
	n := load(Param("n"))
	wp := load(Param("w").Base())
	gp := load(Param("grad").Base())
	mp := load(Param("m").Base())
	vp := load(Param("v").Base())
	b1, ob1, b2, ob2, c1, lr, eps := s.vec(0), s.vec(1), s.vec(2), s.vec(3), s.vec(4), s.vec(5), s.vec(6)
	c2 := s.vec(7)
	broadcast("b1", b1)
	broadcast("ob1", ob1)
	broadcast("b2", b2)
	broadcast("ob2", ob2)
	broadcast("c1", c1)
	broadcast("lr", lr)
	broadcast("eps", eps)
	VBROADCASTSD(paramAddr("c2"), c2)
	gv, mv, vv, t, lo, hi := s.vec(8), s.vec(9), s.vec(10), s.vec(11), s.vec(12), s.vec(13)
	elementLoop(s, name, n, 1, func(i GPVirtual, _ int) {
		VMOVUPS(Mem{Base: gp, Index: i, Scale: 1}, gv)
		// m ← b1·m + ob1·g
		VMULPS(Mem{Base: mp, Index: i, Scale: 1}, b1, mv)
		VMULPS(gv, ob1, t)
		VADDPS(t, mv, mv)
		VMOVUPS(mv, Mem{Base: mp, Index: i, Scale: 1})
		// v ← b2·v + (ob2·g)·g
		VMULPS(Mem{Base: vp, Index: i, Scale: 1}, b2, vv)
		VMULPS(gv, ob2, t)
		VMULPS(gv, t, t)
		VADDPS(t, vv, vv)
		VMOVUPS(vv, Mem{Base: vp, Index: i, Scale: 1})
		// vh = float32(sqrt(float64(v)·c2)), each half of the lanes in float64
		half := s.bytes() / 2
		VCVTPS2PD(Mem{Base: vp, Index: i, Scale: 1}, lo)
		VCVTPS2PD(Mem{Base: vp, Index: i, Scale: 1, Disp: half}, hi)
		VMULPD(c2, lo, lo)
		VMULPD(c2, hi, hi)
		VSQRTPD(lo, lo)
		VSQRTPD(hi, hi)
		if s.zmm {
			VCVTPD2PS(lo, lo.AsY())
			VCVTPD2PS(hi, hi.AsY())
			VINSERTF64X4(U8(1), hi.AsY(), lo, lo)
		} else {
			VCVTPD2PSY(lo, lo.AsX())
			VCVTPD2PSY(hi, hi.AsX())
			VINSERTF128(U8(1), hi.AsX(), lo, lo)
		}
		// w ← w − (lr·(m·c1)) / (vh + eps)
		VADDPS(eps, lo, lo)
		VMULPS(c1, mv, mv)
		VMULPS(mv, lr, mv)
		VDIVPS(lo, mv, mv)
		VMOVUPS(Mem{Base: wp, Index: i, Scale: 1}, t)
		VSUBPS(mv, t, t)
		VMOVUPS(t, Mem{Base: wp, Index: i, Scale: 1})
	})
}

// transposeRuns512 emits the packing of panel blocks whose rows, not
// columns, come in runs of consecutive offsets (the pixels of an image row
// against the kernel taps of a weight gradient's panels): for each run of
// L ≤ 16 rows, each group of 16 columns is loaded as 16 vectors (column t's
// L consecutive values, masked), transposed in registers and stored as L
// rows of 16. segs holds, per run, (dst byte offset of its first row, src
// byte offset of its first row, L); colOff holds 16·ngroups offsets.
func transposeRuns512() {
	TEXT("transposeRuns512", NOSPLIT, "func(src []float32, segs []int64, nseg int, colOff []int32, ngroups int, dst []float32, ldd int)")
	Pragma("noescape")
	Doc("transposeRuns512 sets dst[d/4+l*ldd+16g+t] = src[s/4+l+colOff[16g+t]] for each run (d, s, L) = segs[3i:3i+3], i < nseg, l < L ≤ 16, g < ngroups, t < 16.")
	sg := load(Param("segs").Base())
	nseg := load(Param("nseg"))
	ldd := load(Param("ldd"))
	SHLQ(U8(2), ldd)
	Label("transposeRuns512_seg")
	TESTQ(nseg, nseg)
	JE(LabelRef("transposeRuns512_done"))
	base, L := GP64(), GP64()
	Load(Param("src").Base(), base)
	ADDQ(Mem{Base: sg, Disp: 8}, base)
	MOVQ(Mem{Base: sg, Disp: 16}, L)
	tailMask(L, K1)
	cp, g, drow := GP64(), GP64(), GP64()
	Load(Param("colOff").Base(), cp)
	Load(Param("ngroups"), g)
	Load(Param("dst").Base(), drow)
	ADDQ(Mem{Base: sg}, drow)
	Label("transposeRuns512_group")
	off := GP64()
	for t := 0; t < 16; t++ {
		MOVLQSX(Mem{Base: cp, Disp: 4 * t}, off)
		VMOVUPS_Z(Mem{Base: base, Index: off, Scale: 4}, K1, Z(t))
	}
	transpose16()
	d := GP64()
	MOVQ(drow, d)
	for l := 0; l < 16; l++ {
		CMPQ(L, U8(l))
		JLE(LabelRef("transposeRuns512_stored"))
		VMOVUPS(Z(l), Mem{Base: d})
		ADDQ(ldd, d)
	}
	Label("transposeRuns512_stored")
	ADDQ(U8(64), cp)
	ADDQ(U8(64), drow)
	DECQ(g)
	JNE(LabelRef("transposeRuns512_group"))
	ADDQ(U8(24), sg)
	DECQ(nseg)
	JMP(LabelRef("transposeRuns512_seg"))
	Label("transposeRuns512_done")
	VZEROUPPER()
	RET()
}

// transposeRuns256 emits the AVX2 twin of transposeRuns512: runs of up to
// 8 rows, groups of 8 columns, each loaded as 8 masked vectors
// (VMASKMOVPS, the mask of L lanes from runMask) and transposed 8×8 in
// registers; each of the run's L rows is stored whole.
func transposeRuns256() {
	TEXT("transposeRuns256", NOSPLIT, "func(src []float32, segs []int64, nseg int, colOff []int32, ngroups int, dst []float32, ldd int)")
	Pragma("noescape")
	Doc("transposeRuns256 sets dst[d/4+l*ldd+8g+t] = src[s/4+l+colOff[8g+t]] for each run (d, s, L) = segs[3i:3i+3], i < nseg, l < L ≤ 8, g < ngroups, t < 8.")
	mask := runMaskTable()
	sg := load(Param("segs").Base())
	nseg := load(Param("nseg"))
	ldd := load(Param("ldd"))
	SHLQ(U8(2), ldd)
	Label("transposeRuns256_seg")
	TESTQ(nseg, nseg)
	JE(LabelRef("transposeRuns256_done"))
	base, L, lm := GP64(), GP64(), GP64()
	Load(Param("src").Base(), base)
	ADDQ(Mem{Base: sg, Disp: 8}, base)
	MOVQ(Mem{Base: sg, Disp: 16}, L)
	// lm: the address of the mask of L lanes, runMask + 32 − 4L
	tbl := GP64()
	LEAQ(mask, tbl)
	MOVQ(L, lm)
	SHLQ(U8(2), lm)
	NEGQ(lm)
	LEAQ(Mem{Base: tbl, Index: lm, Scale: 1, Disp: 32}, lm)
	cp, g, drow := GP64(), GP64(), GP64()
	Load(Param("colOff").Base(), cp)
	Load(Param("ngroups"), g)
	Load(Param("dst").Base(), drow)
	ADDQ(Mem{Base: sg}, drow)
	Label("transposeRuns256_group")
	VMOVUPS(Mem{Base: lm}, Y(8))
	off := GP64()
	for t := 0; t < 8; t++ {
		MOVLQSX(Mem{Base: cp, Disp: 4 * t}, off)
		VMASKMOVPS(Mem{Base: base, Index: off, Scale: 4}, Y(8), Y(t))
	}
	// 8×8 transpose: rows in Y0..Y7, columns out in Y8..Y15.
	for a := 0; a < 4; a++ {
		VUNPCKLPS(Y(2*a+1), Y(2*a), Y(8+2*a))
		VUNPCKHPS(Y(2*a+1), Y(2*a), Y(8+2*a+1))
	}
	for h := 0; h < 2; h++ {
		lo0, hi0, lo1, hi1 := Y(8+4*h), Y(8+4*h+1), Y(8+4*h+2), Y(8+4*h+3)
		VSHUFPS(U8(0x44), lo1, lo0, Y(4*h+0))
		VSHUFPS(U8(0xEE), lo1, lo0, Y(4*h+1))
		VSHUFPS(U8(0x44), hi1, hi0, Y(4*h+2))
		VSHUFPS(U8(0xEE), hi1, hi0, Y(4*h+3))
	}
	for k := 0; k < 4; k++ {
		VPERM2F128(U8(0x20), Y(4+k), Y(k), Y(8+k))
		VPERM2F128(U8(0x31), Y(4+k), Y(k), Y(12+k))
	}
	d := GP64()
	MOVQ(drow, d)
	for l := 0; l < 8; l++ {
		CMPQ(L, U8(l))
		JLE(LabelRef("transposeRuns256_stored"))
		VMOVUPS(Y(8+l), Mem{Base: d})
		ADDQ(ldd, d)
	}
	Label("transposeRuns256_stored")
	ADDQ(U8(32), cp)
	ADDQ(U8(32), drow)
	DECQ(g)
	JNE(LabelRef("transposeRuns256_group"))
	ADDQ(U8(24), sg)
	DECQ(nseg)
	JMP(LabelRef("transposeRuns256_seg"))
	Label("transposeRuns256_done")
	VZEROUPPER()
	RET()
}

func main() {
	ConstraintExpr("amd64,!noasm")
	for _, rowsA := range []bool{true, false} {
		kernel(avx512, 8, 3, rowsA)
		kernel(avx512, 8, 2, rowsA)
		kernel(avx512, 8, 1, rowsA)
		kernel(avx2, 6, 2, rowsA)
	}
	gemvN(avx512)
	gemvT(avx512)
	gemvN(avx2)
	gemvT(avx2)
	packN512()
	packT512()
	packBlockN(avx512, 3)
	gatherSum512()
	copyRuns512()
	packBlockN(avx2, 2)
	packT256()
	gatherSum256()
	copyRuns256()
	for _, s := range []isa{avx512, avx2} {
		normalizeKernel(s)
		normalizeBackKernel(s)
		adamKernel(s)
	}
	transposeRuns512()
	transposeRuns256()
	Generate()
}

// load reads a parameter into a fresh general-purpose register.
func load(c interface {
	Resolve() (*gotypes.Basic, error)
}) GPVirtual {
	r := GP64()
	Load(c.(gotypes.Component), r)
	return r
}

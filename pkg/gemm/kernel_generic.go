// This file holds the pure-Go kernels: the fallback on every platform without
// assembly kernels (and with -tags noasm), and a third path the tests check.

package gemm

// genericArch is the portable implementation: a 4×4 register-blocked kernel.
var genericArch = &arch{
	name:  "go",
	mr:    4,
	kerns: []tileKernels{{nr: 4, kernN: goKernN, kernT: goKernT}},
	gemvN: goGemvN,
	gemvT: goGemvT,
	packN: goPackN,
	packT: goPackT,
	packBlockN: func(k, np int, src []float32, lds int, dst []float32, pstride int) {
		goPackBlockN(4, k, np, src, lds, dst, pstride)
	},
}

func goKernN(k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int, alpha, beta float32, load int) {
	// Rows of A in place, each sliced to k so that a0[p]..a3[p] need no
	// bounds checks.
	a0 := a[:k]
	a1 := a[lda : lda+k][:len(a0)]
	a2 := a[2*lda : 2*lda+k][:len(a0)]
	a3 := a[3*lda : 3*lda+k][:len(a0)]
	var acc [16]float32
	var c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33 float32
	for p := range a0 {
		bp := b[p*ldb : p*ldb+4 : p*ldb+4]
		b0, b1, b2, b3 := bp[0], bp[1], bp[2], bp[3]
		x := a0[p]
		c00 += x * b0
		c01 += x * b1
		c02 += x * b2
		c03 += x * b3
		x = a1[p]
		c10 += x * b0
		c11 += x * b1
		c12 += x * b2
		c13 += x * b3
		x = a2[p]
		c20 += x * b0
		c21 += x * b1
		c22 += x * b2
		c23 += x * b3
		x = a3[p]
		c30 += x * b0
		c31 += x * b1
		c32 += x * b2
		c33 += x * b3
	}
	acc = [16]float32{c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33}
	goStore4x4(&acc, c, ldc, alpha, beta, load)
}

func goKernT(k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int, alpha, beta float32, load int) {
	var c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33 float32
	for p := 0; p < k; p++ {
		ap := a[p*lda : p*lda+4 : p*lda+4]
		bp := b[p*ldb : p*ldb+4 : p*ldb+4]
		b0, b1, b2, b3 := bp[0], bp[1], bp[2], bp[3]
		x := ap[0]
		c00 += x * b0
		c01 += x * b1
		c02 += x * b2
		c03 += x * b3
		x = ap[1]
		c10 += x * b0
		c11 += x * b1
		c12 += x * b2
		c13 += x * b3
		x = ap[2]
		c20 += x * b0
		c21 += x * b1
		c22 += x * b2
		c23 += x * b3
		x = ap[3]
		c30 += x * b0
		c31 += x * b1
		c32 += x * b2
		c33 += x * b3
	}
	acc := [16]float32{c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33}
	goStore4x4(&acc, c, ldc, alpha, beta, load)
}

// goStore4x4 writes the 4×4 tile acc to C as (alpha·acc) + (beta·c).
func goStore4x4(acc *[16]float32, c []float32, ldc int, alpha, beta float32, load int) {
	for i := 0; i < 4; i++ {
		cr := c[i*ldc : i*ldc+4]
		for j := range cr {
			v := float32(alpha * acc[i*4+j])
			if load != 0 {
				v += float32(beta * cr[j])
			}
			cr[j] = v
		}
	}
}

func goGemvN(m, k int, a []float32, lda int, x []float32, y []float32) {
	x = x[:k]
	for i := 0; i < m; i++ {
		row := a[i*lda : i*lda+k]
		var s0, s1, s2, s3 float32
		p := 0
		for ; p+4 <= k; p += 4 {
			s0 += row[p] * x[p]
			s1 += row[p+1] * x[p+1]
			s2 += row[p+2] * x[p+2]
			s3 += row[p+3] * x[p+3]
		}
		for ; p < k; p++ {
			s0 += row[p] * x[p]
		}
		y[i] = (s0 + s1) + (s2 + s3)
	}
}

func goGemvT(m, k int, a []float32, lda int, x []float32, y []float32) {
	y = y[:m]
	for p := 0; p < k; p++ {
		xp := x[p]
		row := a[p*lda : p*lda+m]
		for j, v := range row {
			y[j] += xp * v
		}
	}
}

func goPackN(k int, src []float32, lds, w int, dst []float32, ldd int) {
	for p := 0; p < k; p++ {
		d := dst[p*ldd : (p+1)*ldd]
		copy(d, src[p*lds:p*lds+w])
		clear(d[w:])
	}
}

func goPackT(k int, src []float32, lds, w int, dst []float32, ldd int) {
	goPackTCols(k, src, lds, w, dst, ldd, ldd)
}

// goPackTCols fills columns 0..cols-1 of k rows of dst (row stride ldd):
// dst[p*ldd+j] = src[j*lds+p] for j < w, 0 for w ≤ j < cols.
func goPackTCols(k int, src []float32, lds, w int, dst []float32, cols, ldd int) {
	if k == 0 {
		return
	}
	for j := 0; j < w; j++ {
		for p, v := range src[j*lds : j*lds+k] {
			dst[p*ldd+j] = v
		}
	}
	if w < cols {
		for p := 0; p < k; p++ {
			clear(dst[p*ldd+w : p*ldd+cols])
		}
	}
}

// goPackBlockN is packBlockN for panels nr wide.
func goPackBlockN(nr, k, np int, src []float32, lds int, dst []float32, pstride int) {
	for p := 0; p < k; p++ {
		row := src[p*lds : p*lds+np*nr]
		for q := 0; q < np; q++ {
			copy(dst[q*pstride+p*nr:q*pstride+(p+1)*nr], row[q*nr:(q+1)*nr])
		}
	}
}

// This file registers the NEON kernels of kernel_arm64.s.

//go:build arm64 && !noasm

package gemm

import "golang.org/x/sys/cpu"

func registerAsm() {
	// Every arm64 target of Go has NEON (Advanced SIMD); check all the same.
	if !cpu.ARM64.HasASIMD {
		return
	}
	register(&arch{
		name: "neon",
		mr:   8,
		kerns: []tileKernels{
			{nr: 12, kernN: kernNeon8x12N, kernT: kernNeon8x12T},
			{nr: 8, kernN: kernNeon8x8N, kernT: kernNeon8x8T},
			{nr: 4, kernN: kernNeon8x4N, kernT: kernNeon8x4T},
		},
		gemvN: goGemvN,
		gemvT: goGemvT,
		packN: goPackN,
		packT: goPackT,
		packBlockN: func(k, np int, src []float32, lds int, dst []float32, pstride int) {
			goPackBlockN(12, k, np, src, lds, dst, pstride)
		},
	})
}

// kernNeon8x12N computes an 8×12 tile: C = alpha·A·B (+ beta·C if load≠0),
// A(i,p) = a[i*lda+p] (rows of A in place).
//
//go:noescape
func kernNeon8x12N(k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int, alpha, beta float32, load int)

// kernNeon8x12T computes an 8×12 tile: C = alpha·A·B (+ beta·C if load≠0),
// A(i,p) = a[p*lda+i] (contiguous columns: transposed or packed A).
//
//go:noescape
func kernNeon8x12T(k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int, alpha, beta float32, load int)

// kernNeon8x8N computes an 8×8 tile: C = alpha·A·B (+ beta·C if load≠0),
// A(i,p) = a[i*lda+p] (rows of A in place).
//
//go:noescape
func kernNeon8x8N(k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int, alpha, beta float32, load int)

// kernNeon8x8T computes an 8×8 tile: C = alpha·A·B (+ beta·C if load≠0),
// A(i,p) = a[p*lda+i] (contiguous columns: transposed or packed A).
//
//go:noescape
func kernNeon8x8T(k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int, alpha, beta float32, load int)

// kernNeon8x4N computes an 8×4 tile: C = alpha·A·B (+ beta·C if load≠0),
// A(i,p) = a[i*lda+p] (rows of A in place).
//
//go:noescape
func kernNeon8x4N(k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int, alpha, beta float32, load int)

// kernNeon8x4T computes an 8×4 tile: C = alpha·A·B (+ beta·C if load≠0),
// A(i,p) = a[p*lda+i] (contiguous columns: transposed or packed A).
//
//go:noescape
func kernNeon8x4T(k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int, alpha, beta float32, load int)

// Package gemm is the one place where the network multiplies matrices.
//
// Every layer in pkg/nn calls Sgemm (or Sgemv through it); which kernel runs
// underneath is chosen here, so a faster kernel can be swapped in without
// touching any layer. The default kernel is SIMD: a cache-blocked GEMM over
// AVX-512 or AVX2+FMA micro-kernels generated with avo on amd64, NEON
// micro-kernels on arm64 (pure Go elsewhere).
// Gonum is gonum's own Sgemm, kept as the reference. Importing the package
// also registers SIMD as gonum's float32 BLAS (see Implementation).
//
// Beside the products it holds the few elementwise loops that the layers run
// over every value of a large tensor each step (Normalize, NormalizeBack,
// Adam): plain Go loops, with vector twins on amd64 that give the same bits.
//
// All matrices are row-major float32. op(A) is m×k, op(B) is k×n, C is m×n.
package gemm

import (
	"sync/atomic"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
)

// Kernel computes C = alpha·op(A)·op(B) + beta·C for row-major matrices,
// where op(X) is X or Xᵀ as transA/transB say. lda, ldb and ldc are the row
// strides of the matrices as stored (before any transpose).
type Kernel interface {
	Sgemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int)
}

var current atomic.Pointer[Kernel]

func init() {
	var k Kernel = SIMD{}
	current.Store(&k)
}

// Use makes k the kernel behind Sgemm for every later call.
func Use(k Kernel) { current.Store(&k) }

// Current returns the kernel Sgemm calls.
func Current() Kernel { return *current.Load() }

// Sgemm computes C = alpha·op(A)·op(B) + beta·C with the current kernel.
// See Kernel for the meaning of the arguments.
func Sgemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	if m == 0 || n == 0 {
		return
	}
	(*current.Load()).Sgemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// Gonum is the Kernel backed by gonum's own pure-Go implementation
// (gonum.Implementation, not whatever blas32.Use registered, which is SIMD
// once this package is imported): the reference the fast kernel is tested
// against. gonum's Sgemm is very slow when n is 1 (a matrix–vector product
// in disguise), so that shape is sent to Sgemv instead.
type Gonum struct{}

func op(t bool) blas.Transpose {
	if t {
		return blas.Trans
	}
	return blas.NoTrans
}

// Sgemm implements Kernel.
func (Gonum) Sgemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	var impl gonum.Implementation
	if k == 0 {
		// C = beta·C; gonum requires k ≥ 1 for a meaningful product.
		for i := 0; i < m; i++ {
			row := c[i*ldc : i*ldc+n]
			for j := range row {
				if beta == 0 {
					row[j] = 0
				} else {
					row[j] *= beta
				}
			}
		}
		return
	}
	if n == 1 {
		// y(m) = alpha·op(A)·x + beta·y, x is column 0 of op(B), y is column 0 of C.
		incX := ldb // op(B) is k×1: B is k×ldb (no trans) -> stride ldb
		if transB {
			incX = 1 // B is 1×k stored as a row
		}
		if transA {
			impl.Sgemv(blas.Trans, k, m, alpha, a, lda, b, incX, beta, c, ldc)
		} else {
			impl.Sgemv(blas.NoTrans, m, k, alpha, a, lda, b, incX, beta, c, ldc)
		}
		return
	}
	impl.Sgemm(op(transA), op(transB), m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

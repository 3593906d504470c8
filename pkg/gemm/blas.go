// This file registers the SIMD kernel as gonum's float32 BLAS.

package gemm

import (
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/blas/gonum"
)

// Implementation is gonum's float32 BLAS with Sgemm replaced by the SIMD
// kernel; every other routine is gonum's. Importing this package registers
// it with blas32.Use, so code calling blas32.Gemm gets the fast kernel too.
type Implementation struct {
	gonum.Implementation
}

func init() { blas32.Use(Implementation{}) }

// Sgemm computes C = alpha·op(A)·op(B) + beta·C for row-major matrices, as
// blas.Float32Level3 specifies (it panics on invalid arguments).
func (Implementation) Sgemm(tA, tB blas.Transpose, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	SIMD{}.Sgemm(trans(tA, "A"), trans(tB, "B"), m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

func trans(t blas.Transpose, name string) bool {
	switch t {
	case blas.NoTrans:
		return false
	case blas.Trans, blas.ConjTrans:
		return true
	}
	panic("gemm: bad transpose of " + name)
}

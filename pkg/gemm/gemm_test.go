package gemm

import (
	"math"
	"math/rand/v2"
	"testing"
)

// naive is the textbook triple loop, in float64, used as the truth.
func naive(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			var s float64
			for p := 0; p < k; p++ {
				var av, bv float32
				if transA {
					av = a[p*lda+i]
				} else {
					av = a[i*lda+p]
				}
				if transB {
					bv = b[j*ldb+p]
				} else {
					bv = b[p*ldb+j]
				}
				s += float64(av) * float64(bv)
			}
			old := float64(0)
			if beta != 0 {
				old = float64(beta) * float64(c[i*ldc+j])
			}
			c[i*ldc+j] = float32(float64(alpha)*s + old)
		}
	}
}

func TestGonumMatchesNaive(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	shapes := [][3]int{{1, 1, 1}, {3, 1, 5}, {1, 7, 4}, {5, 6, 0}, {17, 13, 9}, {8, 1, 64}, {33, 2, 3}}
	for _, s := range shapes {
		m, n, k := s[0], s[1], s[2]
		for _, tA := range []bool{false, true} {
			for _, tB := range []bool{false, true} {
				for _, ab := range [][2]float32{{1, 0}, {0.5, 1}, {-2, 0.25}} {
					lda, ldb, ldc := k+1, n+2, n+3
					if tA {
						lda = m + 1
					}
					if tB {
						ldb = k + 2
					}
					rows := func(n, ld int) []float32 {
						v := make([]float32, max(n*ld, 1))
						for i := range v {
							v[i] = float32(r.NormFloat64())
						}
						return v
					}
					var a, b []float32
					if tA {
						a = rows(k, lda)
					} else {
						a = rows(m, lda)
					}
					if tB {
						b = rows(n, ldb)
					} else {
						b = rows(k, ldb)
					}
					c := rows(m, ldc)
					want := append([]float32(nil), c...)
					Gonum{}.Sgemm(tA, tB, m, n, k, ab[0], a, lda, b, ldb, ab[1], c, ldc)
					naive(tA, tB, m, n, k, ab[0], a, lda, b, ldb, ab[1], want, ldc)
					for i := range c {
						if math.Abs(float64(c[i]-want[i])) > 1e-4*(1+math.Abs(float64(want[i]))) {
							t.Fatalf("m=%d n=%d k=%d tA=%v tB=%v alpha,beta=%v: c[%d]=%v want %v", m, n, k, tA, tB, ab, i, c[i], want[i])
						}
					}
				}
			}
		}
	}
}

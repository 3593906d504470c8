package gemm

import (
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"runtime"
	"testing"
)

// BenchmarkMicro runs each path's main micro-kernel alone on an L1/L2-
// resident packed panel (kc = 384), reporting GFLOP per CPU-second of the
// thread: the ceiling the blocked driver works under.
func BenchmarkMicro(b *testing.B) {
	for _, name := range Paths() {
		b.Run(name, func(b *testing.B) {
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			ar := archByName(name)
			kc := 384
			a := make([]float32, ar.mr*kc)
			bb := make([]float32, kc*ar.nr())
			c := make([]float32, ar.mr*ar.nr())
			for i := range a {
				a[i] = 1
			}
			t0 := threadCPU()
			for i := 0; i < b.N; i++ {
				ar.kerns[0].kernT(kc, a, ar.mr, bb, ar.nr(), c, ar.nr(), 1, 0, 0)
			}
			cpu := threadCPU() - t0
			f := 2 * float64(ar.mr*ar.nr()*kc) * float64(b.N)
			b.ReportMetric(f/b.Elapsed().Seconds()/1e9, "GFLOP/s")
			b.ReportMetric(f/cpu.Seconds()/1e9, "GFLOP/cpu-s")
		})
	}
}

// fma32 returns x·y + z rounded once to float32, as a fused multiply-add
// instruction does. The exact sum is held in 600 bits: the product of two
// float32 values needs 48, and every bit of the two terms lies between
// 2^-298 and 2^256.
func fma32(x, y, z float32) float32 {
	var p, s big.Float
	p.SetPrec(600).SetFloat64(float64(x))
	p.Mul(&p, new(big.Float).SetFloat64(float64(y)))
	s.SetPrec(600).SetFloat64(float64(z))
	f, _ := s.Add(&s, &p).Float32()
	return f
}

// fuseVars are read at run time so that the compiler cannot fold
// compilerFuses's arithmetic.
var fuseVars = [3]float32{1 + 0x1p-12, 1 + 0x1p-12, -(1 + 0x1p-11)}

// compilerFuses reports whether compiled Go computes x*y + z with one
// rounding (arm64 does; amd64 from GOAMD64=v3). Then the pure-Go kernels,
// which accumulate with c += a*b, keep the microKernel contract to the bit.
// (x·y is 1 + 2^-11 + 2^-24: rounded alone it ties to 1 + 2^-11, and the
// sum is 0; fused, the sum is 2^-24.)
func compilerFuses() bool {
	x, y, z := fuseVars[0], fuseVars[1], fuseVars[2]
	return x*y+z != 0
}

// TestMicroKernels holds every micro-kernel of every path to the contract
// in arch.go, away from the driver: every width, both layouts of A, k from
// 0 past the unrolled steps, padded strides and every alpha/beta/load case,
// on normal data, with C's padding and the row after the tile holding a
// sentinel that must survive and, when load = 0, NaN in the tile that must
// not be read. The reference is the contract computed exactly (a chain of
// correctly rounded fused multiply-adds from zero, then (alpha·acc) +
// (beta·c)). The assembly kernels must match it bit for bit, and so must
// the pure-Go kernel where the compiler fuses (arm64: there the NEON and
// the pure-Go kernels agree exactly); elsewhere the pure-Go kernel rounds
// each product and is held to float32 rounding of the float64 product.
func TestMicroKernels(t *testing.T) {
	fused := compilerFuses()
	r := rand.New(rand.NewPCG(31, 32))
	type abl struct {
		alpha, beta float32
		load        int
	}
	cases := []abl{{1, 0, 0}, {0.7, 0, 0}, {1, 1, 1}, {-2, 0.5, 1}, {0.5, -1.25, 1}, {0, 2, 1}, {1.5, 0, 1}}
	for _, ar := range arches {
		exact := ar != genericArch || fused
		mr := ar.mr
		for _, tk := range ar.kerns {
			nr := tk.nr
			for _, trans := range []bool{false, true} {
				kern, form := tk.kernN, "N"
				if trans {
					kern, form = tk.kernT, "T"
				}
				for _, k := range []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 16, 33} {
					x := cases[r.IntN(len(cases))]
					pad := r.IntN(3)
					// A(i,p) at a[i*lda+p] (N) or a[p*lda+i] (T).
					lda := k + pad
					if trans {
						lda = mr + pad
					}
					at := func(i, p int) int {
						if trans {
							return p*lda + i
						}
						return i*lda + p
					}
					ldb, ldc := nr+r.IntN(3), nr+r.IntN(3)
					a := make([]float32, max(mr, k)*lda)
					b := make([]float32, k*ldb)
					c := make([]float32, (mr+1)*ldc)
					for i := range a {
						a[i] = float32(r.NormFloat64())
					}
					for i := range b {
						b[i] = float32(r.NormFloat64())
					}
					for i := range c {
						c[i] = sentinel
						if i/ldc < mr && i%ldc < nr {
							c[i] = float32(r.NormFloat64())
							if x.load == 0 {
								c[i] = float32(math.NaN())
							}
						}
					}
					got := append([]float32(nil), c...)
					kern(k, a, lda, b, ldb, got, ldc, x.alpha, x.beta, x.load)
					name := fmt.Sprintf("%s %d×%d%s k=%d alpha=%v beta=%v load=%d", ar.name, mr, nr, form, k, x.alpha, x.beta, x.load)
					for i := 0; i < (mr+1)*ldc; i++ {
						row, col := i/ldc, i%ldc
						if row >= mr || col >= nr {
							if got[i] != sentinel {
								t.Fatalf("%s: C[%d][%d] outside the tile overwritten with %v", name, row, col, got[i])
							}
							continue
						}
						var acc float32
						var s, mag float64
						for p := 0; p < k; p++ {
							av, bv := a[at(row, p)], b[p*ldb+col]
							acc = fma32(av, bv, acc)
							s += float64(av) * float64(bv)
							mag += math.Abs(float64(av) * float64(bv))
						}
						want := float32(x.alpha * acc)
						want64 := float64(x.alpha) * s
						mag *= math.Abs(float64(x.alpha))
						if x.load != 0 {
							want += float32(x.beta * c[i])
							want64 += float64(x.beta) * float64(c[i])
							mag += math.Abs(float64(x.beta) * float64(c[i]))
						}
						if exact {
							if math.Float32bits(got[i]) != math.Float32bits(want) {
								t.Fatalf("%s: C[%d][%d] = %v, want %v exactly", name, row, col, got[i], want)
							}
						} else if tol := float64(k+4) * 1.2e-7 * mag; !(math.Abs(float64(got[i])-want64) <= tol) {
							t.Fatalf("%s: C[%d][%d] = %v, want %v (tolerance %g)", name, row, col, got[i], want64, tol)
						}
					}
				}
			}
		}
	}
}

// TestSgemmPathsAgree: the paths that keep the microKernel contract to the
// bit (see TestMicroKernels) give the same bits for a whole product on the
// blocked path, whatever their tile shapes: k is cut into the same blocks
// on every path, and every element is one chain of fused multiply-adds per
// block. (Products on the matrix–vector path may differ: those kernels sum
// in an order of their own.) On arm64 this holds the NEON path to the
// pure-Go one; on amd64, AVX-512 to AVX2.
func TestSgemmPathsAgree(t *testing.T) {
	fused := compilerFuses()
	var exact []string
	for _, ar := range arches {
		if ar != genericArch || fused {
			exact = append(exact, ar.name)
		}
	}
	if len(exact) < 2 {
		t.Skipf("one path keeps the contract to the bit: %v", exact)
	}
	useThreads(t, 2)
	r := rand.New(rand.NewPCG(33, 34))
	for it := 0; it < 16; it++ {
		// n > gemvMaxN and m ≥ 2: the blocked path; k up to three blocks.
		m, n, k := 2+r.IntN(40), gemvMaxN+1+r.IntN(60), r.IntN(3*kcMax)
		alpha := float32(r.NormFloat64())
		beta := []float32{0, 1, float32(r.NormFloat64())}[r.IntN(3)]
		p := newProblem(r, r.IntN(2) == 0, r.IntN(2) == 0, m, n, k, r.IntN(3), alpha, beta, normGen(r))
		var first []float32
		for _, name := range exact {
			useArch(t, name)
			got := p.run(t)
			if first == nil {
				first = got
				continue
			}
			for i := range got {
				if math.Float32bits(got[i]) != math.Float32bits(first[i]) {
					t.Fatalf("%v: %s gives C[%d] = %v, %s %v", p, name, i, got[i], exact[0], first[i])
				}
			}
		}
	}
}

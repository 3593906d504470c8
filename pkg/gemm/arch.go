// This file describes the kernels one instruction set provides (an arch) and
// chooses among them at run time.

package gemm

import "sync/atomic"

// microKernel computes one mr×nr tile of C:
//
//	C[i][j] = alpha·Σ_p A(i,p)·B[p][j]  (+ beta·C[i][j] when load ≠ 0)
//
// for i < mr, j < nr, p < k, with B[p][j] = b[p*ldb+j], C[i][j] = c[i*ldc+j]
// and A(i,p) = a[i*lda+p] (an "N" kernel: rows of A in place) or
// a[p*lda+i] (a "T" kernel: contiguous columns, as in Aᵀ or a packed panel).
// Every C element is one chain of fused multiply-adds in increasing p,
// rounded at the end as (alpha·acc) + (beta·c). The caller guarantees that
// every element read or written lies inside the slices.
type microKernel func(k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int, alpha, beta float32, load int)

// gemvKernel is a matrix–vector kernel: for gemvN, y[i] = Σ_p a[i*lda+p]·x[p]
// (i < m, p < k); for gemvT, y[j] += Σ_p x[p]·a[p*lda+j] (j < m, p < k, in
// increasing p).
type gemvKernel func(m, k int, a []float32, lda int, x []float32, y []float32)

// packKernel copies k rows of a panel of op(B), w columns wide, into dst as
// k rows of ldd floats (zero past w): dst[p*ldd+j] = src[p*lds+j] for packN
// (B stored by rows), src[j*lds+p] for packT (B stored transposed).
type packKernel func(k int, src []float32, lds, w int, dst []float32, ldd int)

// blockPackKernel copies np full panels of nr columns of B stored by rows,
// row by row: dst[q*pstride+p*nr+j] = src[p*lds+q*nr+j] (p < k, q < np,
// j < nr).
type blockPackKernel func(k, np int, src []float32, lds int, dst []float32, pstride int)

// tileKernels are the two micro-kernels of one tile width.
type tileKernels struct {
	nr           int
	kernN, kernT microKernel
}

// arch is one implementation of the package's kernels.
type arch struct {
	name       string
	mr         int
	kerns      []tileKernels // mr × nr kernels, widest (the main one) first
	gemvN      gemvKernel
	gemvT      gemvKernel
	packN      packKernel
	packT      packKernel
	packBlockN blockPackKernel
	gatherSum  func(rows int, src []float32, rowOff, colOff []int32, nc int, dst []float32, ldd int) // optional; see GatherSum
	copyRuns   int                                                                                   // GatherSum may copy runs of up to this many columns with copyRuns (gather_amd64.go); 0: never
	rowRuns    int                                                                                   // GatherSum may transpose runs of up to this many rows with transposeRuns (gather_amd64.go); 0: never
	lanes      int                                                                                   // the elementwise kernels' vector width (elementwise_amd64.go); 0: Go loops
}

// nr is the width of the main micro-kernel.
func (a *arch) nr() int { return a.kerns[0].nr }

// width returns the narrowest kernel width that holds w columns (w ≤ nr).
func (a *arch) width(w int) int {
	pw := a.kerns[0].nr
	for _, k := range a.kerns[1:] {
		if k.nr >= w {
			pw = k.nr
		}
	}
	return pw
}

// kernels returns the micro-kernels of width nr.
func (a *arch) kernels(nr int) *tileKernels {
	for i := range a.kerns {
		if a.kerns[i].nr == nr {
			return &a.kerns[i]
		}
	}
	panic("gemm: no kernel of that width")
}

// arches lists the implementations this machine can run, best first; the
// pure-Go one is always last.
var arches []*arch

// active is the implementation Sgemm uses.
var active atomic.Pointer[arch]

func register(a *arch) {
	arches = append(arches, a)
}

func init() {
	registerAsm()
	register(genericArch)
	useEnv()
}

// Path names the implementation in use: "avx512", "avx2", "neon" or "go"
// (the best one this machine runs, unless $ACGAN_GEMM names another; see
// EnvVar).
func Path() string { return active.Load().name }

// Paths lists the implementations this machine can run, best first.
func Paths() []string {
	names := make([]string, len(arches))
	for i, a := range arches {
		names[i] = a.name
	}
	return names
}

// archByName returns the registered implementation called name, or nil.
func archByName(name string) *arch {
	for _, a := range arches {
		if a.name == name {
			return a
		}
	}
	return nil
}

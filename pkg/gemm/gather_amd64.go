//go:build amd64 && !noasm

package gemm

// copyRuns sets dst[r*ldd+t/4+i] = src[rowOff[r]+c/4+i] for r < rows, each
// run (t, c, m) of segs and i below the bit length of m: the AVX-512
// kernel copyRuns512, called directly (not through the arch, whose function
// values would make segs escape to the heap).
func copyRuns(rows int, src []float32, rowOff []int32, segs []int64, dst []float32, ldd int) {
	copyRuns512(rows, src, rowOff, segs, len(segs)/3, dst, ldd)
}

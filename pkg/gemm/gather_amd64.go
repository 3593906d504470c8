//go:build amd64 && !noasm

package gemm

// copyRuns sets dst[r*ldd+t/4+i] = src[rowOff[r]+c/4+i] for r < rows, each
// run (t, c, m) of segs and i below the bit length of m: the kernel for
// runs of up to lanes columns, copyRuns512 (16) or copyRuns256 (8), called
// directly (not through the arch, whose function values would make segs
// escape to the heap).
func copyRuns(lanes, rows int, src []float32, rowOff []int32, segs []int64, dst []float32, ldd int) {
	if lanes == 8 {
		copyRuns256(rows, src, rowOff, segs, len(segs)/3, dst, ldd)
		return
	}
	copyRuns512(rows, src, rowOff, segs, len(segs)/3, dst, ldd)
}

// transposeRuns runs transposeRuns512 (lanes 16) or transposeRuns256
// (lanes 8) over the runs of segs (see transposeRowRuns).
func transposeRuns(lanes int, src []float32, segs []int64, cols []int32, dst []float32, ldd int) {
	if lanes == 8 {
		transposeRuns256(src, segs, len(segs)/3, cols, len(cols)/8, dst, ldd)
		return
	}
	transposeRuns512(src, segs, len(segs)/3, cols, len(cols)/16, dst, ldd)
}

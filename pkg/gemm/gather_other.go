//go:build !amd64 || noasm

package gemm

// copyRuns is never called where there is no assembly: no arch sets
// copyRuns there.
func copyRuns(lanes, rows int, src []float32, rowOff []int32, segs []int64, dst []float32, ldd int) {
	panic("gemm: copyRuns without an assembly kernel")
}

// transposeRuns is never called where there is no assembly: no arch sets
// rowRuns there.
func transposeRuns(lanes int, src []float32, segs []int64, cols []int32, dst []float32, ldd int) {
	panic("gemm: transposeRuns without an assembly kernel")
}

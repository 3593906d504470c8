//go:build !amd64 || noasm

package gemm

// The elementwise kernels are never called where there is no assembly: no
// arch sets lanes there.

func normalizeAsm(lanes, n int, y, x []float32, m, g, b float32) {
	panic("gemm: normalizeAsm without an assembly kernel")
}

func normalizeBackAsm(lanes, n int, dx, dy, x []float32, m, k, kx, k0 float32) {
	panic("gemm: normalizeBackAsm without an assembly kernel")
}

func adamAsm(lanes, n int, w, g, m, v []float32, c AdamCoefs) {
	panic("gemm: adamAsm without an assembly kernel")
}

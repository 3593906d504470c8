//go:build amd64 && !noasm

package gemm

// normalizeAsm, normalizeBackAsm and adamAsm run the elementwise kernel of
// lanes (16: AVX-512, 8: AVX2) on the first n values, n a multiple of lanes.

func normalizeAsm(lanes, n int, y, x []float32, m, g, b float32) {
	if lanes == 16 {
		normalize512(n, y, x, m, g, b)
		return
	}
	normalize256(n, y, x, m, g, b)
}

func normalizeBackAsm(lanes, n int, dx, dy, x []float32, m, k, kx, k0 float32) {
	if lanes == 16 {
		normalizeBack512(n, dx, dy, x, m, k, kx, k0)
		return
	}
	normalizeBack256(n, dx, dy, x, m, k, kx, k0)
}

func adamAsm(lanes, n int, w, g, m, v []float32, c AdamCoefs) {
	if lanes == 16 {
		adam512(n, w, g, m, v, c.Beta1, 1-c.Beta1, c.Beta2, 1-c.Beta2, c.C1, c.LR, c.Eps, c.C2)
		return
	}
	adam256(n, w, g, m, v, c.Beta1, 1-c.Beta1, c.Beta2, 1-c.Beta2, c.C1, c.LR, c.Eps, c.C2)
}

// This file holds the elementwise kernels: loops of the layers that are not
// products but touch every value of a large tensor once per step (batch
// norm's normalisation and its backward, Adam's update). Each is written
// here as a plain Go loop; on amd64 the active path runs the same
// operations in vector lanes (kernel_amd64.s, from _asm), in the same order
// and without fused multiply-adds, so both give the same bits.

package gemm

import "math"

// Normalize sets y[i] = (x[i] − m)·g + b for i < len(y) (len(x) ≥ len(y)):
// batch norm's forward, with g = γ/σ and b = β.
func Normalize(y, x []float32, m, g, b float32) {
	x = x[:len(y)]
	lanes := active.Load().lanes
	n := vectorPart(lanes, len(y))
	if n > 0 {
		normalizeAsm(lanes, n, y, x, m, g, b)
	}
	normalizeGo(y[n:], x[n:], m, g, b)
}

// normalizeGo is Normalize in Go, four values a step (less loop
// overhead on the paths without vector kernels).
func normalizeGo(y, x []float32, m, g, b float32) {
	x = x[:len(y)]
	for ; len(y) >= 4 && len(x) >= 4; y, x = y[4:], x[4:] {
		y[0] = float32((x[0]-m)*g) + b
		y[1] = float32((x[1]-m)*g) + b
		y[2] = float32((x[2]-m)*g) + b
		y[3] = float32((x[3]-m)*g) + b
	}
	for i, v := range x {
		y[i] = float32((v-m)*g) + b
	}
}

// NormalizeBack sets dx[i] = k·dy[i] + kx·(x[i] − m) + k0 for i < len(dx)
// (len(dy), len(x) ≥ len(dx)), summed left to right: batch norm's backward.
func NormalizeBack(dx, dy, x []float32, m, k, kx, k0 float32) {
	dy, x = dy[:len(dx)], x[:len(dx)]
	lanes := active.Load().lanes
	n := vectorPart(lanes, len(dx))
	if n > 0 {
		normalizeBackAsm(lanes, n, dx, dy, x, m, k, kx, k0)
	}
	normalizeBackGo(dx[n:], dy[n:], x[n:], m, k, kx, k0)
}

// normalizeBackGo is NormalizeBack in Go, four values a step.
func normalizeBackGo(dx, dy, x []float32, m, k, kx, k0 float32) {
	dy, x = dy[:len(dx)], x[:len(dx)]
	for ; len(dx) >= 4 && len(dy) >= 4 && len(x) >= 4; dx, dy, x = dx[4:], dy[4:], x[4:] {
		dx[0] = float32(k*dy[0]) + float32(kx*(x[0]-m)) + k0
		dx[1] = float32(k*dy[1]) + float32(kx*(x[1]-m)) + k0
		dx[2] = float32(k*dy[2]) + float32(kx*(x[2]-m)) + k0
		dx[3] = float32(k*dy[3]) + float32(kx*(x[3]-m)) + k0
	}
	for i, d := range dy {
		dx[i] = float32(k*d) + float32(kx*(x[i]-m)) + k0
	}
}

// AdamCoefs are the scalars of one Adam step: the decay rates β1 and β2,
// the learning rate and ε, and the bias corrections C1 = 1/(1 − β1ᵗ) and
// C2 = 1/(1 − β2ᵗ) of step t.
type AdamCoefs struct {
	Beta1, Beta2, LR, Eps, C1 float32
	C2                        float64
}

// Adam applies one step of Adam to the values w[i] with gradients g[i] and
// moments m[i], v[i], for i < len(w) (the other slices at least as long):
//
//	m ← β1·m + (1 − β1)·g
//	v ← β2·v + (1 − β2)·g·g
//	w ← w − lr·(m·C1) / (float32(√(float64(v)·C2)) + ε)
//
// every operation in float32 but the square root and its product, left to
// right as written. (In the Go loops the explicit float32 conversions keep
// the compiler from fusing a product and a sum, which it may do on
// GOAMD64=v3 and on arm64, so that every path rounds alike.)
func Adam(w, g, m, v []float32, c AdamCoefs) {
	g, m, v = g[:len(w)], m[:len(w)], v[:len(w)]
	lanes := active.Load().lanes
	n := vectorPart(lanes, len(w))
	if n > 0 {
		adamAsm(lanes, n, w, g, m, v, c)
	}
	adamGo(w[n:], g[n:], m[n:], v[n:], c)
}

// adamGo is Adam in Go.
func adamGo(w, g, m, v []float32, c AdamCoefs) {
	b1, b2 := c.Beta1, c.Beta2
	ob1, ob2 := 1-b1, 1-b2
	g, m, v = g[:len(w)], m[:len(w)], v[:len(w)]
	for i, gi := range g {
		mi := float32(b1*m[i]) + float32(ob1*gi)
		vi := float32(b2*v[i]) + float32(ob2*gi*gi)
		m[i], v[i] = mi, vi
		vh := float32(math.Sqrt(float64(vi) * c.C2))
		w[i] -= c.LR * (mi * c.C1) / (vh + c.Eps)
	}
}

// vectorPart is how many of n values vector kernels of lanes take: whole
// vectors, or none where there are no such kernels (lanes 0).
func vectorPart(lanes, n int) int {
	if lanes == 0 {
		return 0
	}
	return n &^ (lanes - 1)
}

// Softmax: y[n, j] = e^x[n,j] / Σ_k e^x[n,k], over the last axis.
//
//	x, y, dy, dx  [N, K]
//
// Backward: dx[n, j] = y[n, j]·(dy[n, j] − Σ_k dy[n, k]·y[n, k]). (The
// ACGAN's class loss takes logits and folds the softmax in; this layer is
// for reporting probabilities and for other models.)

package nn

import "math"

// Softmax is the softmax over the last axis of an [N, K] input.
type Softmax struct {
	K     int
	y, dx []float32
}

// NewSoftmax returns a softmax over rows of k values.
func NewSoftmax(k int) *Softmax { return &Softmax{K: k} }

// Forward returns the softmax of each row of x.
func (l *Softmax) Forward(x []float32) []float32 {
	l.y = grow(l.y, len(x))
	for r := 0; r+l.K <= len(x); r += l.K {
		softmax64(x[r:r+l.K], l.y[r:r+l.K])
	}
	return l.y
}

// Backward returns dx from dy.
func (l *Softmax) Backward(dy []float32) []float32 {
	l.dx = grow(l.dx, len(l.y))
	for r := 0; r+l.K <= len(l.y); r += l.K {
		y, d := l.y[r:r+l.K], dy[r:r+l.K]
		var s float64
		for j := range y {
			s += float64(d[j]) * float64(y[j])
		}
		for j := range y {
			l.dx[r+j] = y[j] * (d[j] - float32(s))
		}
	}
	return l.dx
}

// softmax64 writes the softmax of x into y, computed in float64 with the
// maximum subtracted.
func softmax64(x, y []float32) {
	m := x[0]
	for _, v := range x {
		m = max(m, v)
	}
	var s float64
	for _, v := range x {
		s += math.Exp(float64(v - m))
	}
	for j, v := range x {
		y[j] = float32(math.Exp(float64(v-m)) / s)
	}
}

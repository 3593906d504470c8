// Sigmoid: y = 1/(1 + e^−x), elementwise.
//
//	x, y, dy, dx  [any shape, n elements]
//
// Backward: dx = dy·y·(1 − y). (The ACGAN's losses take logits and fold
// the sigmoid in; this layer is for reporting probabilities and for other
// models.)

package nn

import "math"

// Sigmoid is the logistic activation.
type Sigmoid struct {
	y, dx []float32
}

// Forward returns sigmoid(x).
func (l *Sigmoid) Forward(x []float32) []float32 {
	l.y = grow(l.y, len(x))
	for i, v := range x {
		l.y[i] = float32(sigmoid64(float64(v)))
	}
	return l.y
}

// Backward returns dx from dy.
func (l *Sigmoid) Backward(dy []float32) []float32 {
	l.dx = grow(l.dx, len(l.y))
	for i, y := range l.y {
		l.dx[i] = dy[i] * y * (1 - y)
	}
	return l.dx
}

// sigmoid64 is 1/(1+e^−x) without overflow for large |x|.
func sigmoid64(x float64) float64 {
	if x >= 0 {
		return 1 / (1 + math.Exp(-x))
	}
	e := math.Exp(x)
	return e / (1 + e)
}

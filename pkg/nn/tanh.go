// Tanh: y = tanh(x), elementwise.
//
//	x, y, dy, dx  [any shape, n elements]
//
// Backward: dx = dy·(1 − y²).

package nn

import "math"

// Tanh is the hyperbolic tangent activation.
type Tanh struct {
	y, dx []float32
}

// Forward returns tanh(x).
func (l *Tanh) Forward(x []float32) []float32 {
	l.y = grow(l.y, len(x))
	for i, v := range x {
		l.y[i] = float32(math.Tanh(float64(v)))
	}
	return l.y
}

// Backward returns dx from dy.
func (l *Tanh) Backward(dy []float32) []float32 {
	l.dx = grow(l.dx, len(l.y))
	for i, y := range l.y {
		l.dx[i] = dy[i] * (1 - y*y)
	}
	return l.dx
}

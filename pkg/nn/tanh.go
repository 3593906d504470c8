// Tanh: y = tanh(x), elementwise.
//
//	x, y, dy, dx  [any shape, n elements]
//
// Backward: dx = dy·(1 − y²).

package nn

import (
	"math"

	"acgan/pkg/parallel"
)

// Tanh is the hyperbolic tangent activation.
type Tanh struct {
	y, dx []float32
	x, dy []float32 // operands of the pass in progress (not owned)

	fwdFn, bwdFn func(lo, hi int)
}

// NewTanh returns the activation.
func NewTanh() *Tanh {
	l := &Tanh{}
	l.fwdFn, l.bwdFn = l.forward, l.backward
	return l
}

// Forward returns y = tanh(x).
func (l *Tanh) Forward(x []float32) []float32 {
	l.y = grow(l.y, len(x))
	l.x = x
	parallel.For(len(x), l.fwdFn)
	l.x = nil
	return l.y
}

// forward sets y for elements lo .. hi-1.
func (l *Tanh) forward(lo, hi int) {
	y := l.y[lo:hi]
	for i, v := range l.x[lo:hi] {
		y[i] = float32(math.Tanh(float64(v)))
	}
}

// Backward returns dx from dy and the last Forward's y.
func (l *Tanh) Backward(dy []float32) []float32 {
	l.dx = grow(l.dx, len(l.y))
	l.dy = dy[:len(l.y)]
	parallel.For(len(l.y), l.bwdFn)
	l.dy = nil
	return l.dx
}

// backward sets dx for elements lo .. hi-1.
func (l *Tanh) backward(lo, hi int) {
	dx, dy := l.dx[lo:hi], l.dy[lo:hi]
	for i, y := range l.y[lo:hi] {
		dx[i] = dy[i] * (1 - y*y)
	}
}

// LeakyReLU: y = x for x > 0, α·x otherwise (Keras LeakyReLU(alpha=0.2)).
//
//	x, y, dy, dx  [any shape, n elements]
//
// Backward: dx = dy for x > 0, α·dy otherwise.
//
// Both loops are branch-free: y = x·s and dx = dy·s with s = 1 or α chosen
// from the bits of x (see scale).

package nn

import (
	"math"

	"acgan/pkg/parallel"
)

// scale returns the bits of 1 if x > 0, else those of alpha (x = −0 and
// NaNs with the sign bit set count as not positive), without branching.
func scale(x float32, one, alpha uint32) uint32 {
	u := int32(math.Float32bits(x))
	m := uint32((u-1)>>31) | uint32(u>>31) // all ones unless x > 0
	return one&^m | alpha&m
}

// LeakyReLU is the leaky rectified linear unit.
type LeakyReLU struct {
	Alpha float32
	x     []float32 // input of the last Forward (not owned)
	y, dx []float32
	dy    []float32 // of the Backward in progress (not owned)

	fwdFn, bwdFn func(lo, hi int)
}

// NewLeakyReLU returns a leaky ReLU with slope alpha for negative inputs.
func NewLeakyReLU(alpha float32) *LeakyReLU {
	l := &LeakyReLU{Alpha: alpha}
	l.fwdFn, l.bwdFn = l.forward, l.backward
	return l
}

// Forward returns y from x.
func (l *LeakyReLU) Forward(x []float32) []float32 {
	l.x = x
	l.y = grow(l.y, len(x))
	parallel.For(len(x), l.fwdFn)
	return l.y
}

// forward sets y for elements lo .. hi-1.
func (l *LeakyReLU) forward(lo, hi int) {
	x, y := l.x[lo:hi], l.y[lo:hi]
	one, alpha := math.Float32bits(1), math.Float32bits(l.Alpha)
	for i, v := range x {
		y[i] = v * math.Float32frombits(scale(v, one, alpha))
	}
}

// Backward returns dx from dy.
func (l *LeakyReLU) Backward(dy []float32) []float32 {
	l.dx = grow(l.dx, len(l.x))
	l.dy = dy[:len(l.x)]
	parallel.For(len(l.x), l.bwdFn)
	l.dy = nil
	return l.dx
}

// backward sets dx for elements lo .. hi-1.
func (l *LeakyReLU) backward(lo, hi int) {
	x, dx, dy := l.x[lo:hi], l.dx[lo:hi], l.dy[lo:hi]
	one, alpha := math.Float32bits(1), math.Float32bits(l.Alpha)
	for i, v := range x {
		dx[i] = dy[i] * math.Float32frombits(scale(v, one, alpha))
	}
}

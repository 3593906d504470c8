// LeakyReLU: y = x for x > 0, α·x otherwise (Keras LeakyReLU(alpha=0.2)).
//
//	x, y, dy, dx  [any shape, n elements]
//
// Backward: dx = dy for x > 0, α·dy otherwise.
//
// Both loops are branch-free: y = x·s and dx = dy·s with s = 1 or α chosen
// from the bits of x (see scale).

package nn

import "math"

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
}

// NewLeakyReLU returns a leaky ReLU with slope alpha for negative inputs.
func NewLeakyReLU(alpha float32) *LeakyReLU { return &LeakyReLU{Alpha: alpha} }

// Forward returns the activation of x.
func (l *LeakyReLU) Forward(x []float32) []float32 {
	l.x = x
	l.y = grow(l.y, len(x))
	y := l.y[:len(x)]
	one, alpha := math.Float32bits(1), math.Float32bits(l.Alpha)
	for i, v := range x {
		y[i] = v * math.Float32frombits(scale(v, one, alpha))
	}
	return l.y
}

// Backward returns dx from dy.
func (l *LeakyReLU) Backward(dy []float32) []float32 {
	l.dx = grow(l.dx, len(l.x))
	dx, dy := l.dx[:len(l.x)], dy[:len(l.x)]
	one, alpha := math.Float32bits(1), math.Float32bits(l.Alpha)
	for i, v := range l.x {
		dx[i] = dy[i] * math.Float32frombits(scale(v, one, alpha))
	}
	return l.dx
}

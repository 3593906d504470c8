// ReLU: y = max(x, 0), elementwise.
//
//	x, y, dy, dx  [any shape, n elements]
//
// Backward: dx = dy where y > 0, else 0.
//
// Both loops are branch-free (a data-dependent branch on random signs
// mispredicts half the time and made this layer several times slower).

package nn

import "math"

// ReLU is the rectified linear unit.
type ReLU struct {
	y, dx []float32
}

// Forward returns max(x, 0).
func (l *ReLU) Forward(x []float32) []float32 {
	l.y = grow(l.y, len(x))
	y := l.y[:len(x)]
	for i, v := range x {
		y[i] = max(v, 0)
	}
	return l.y
}

// Backward returns dx from dy.
func (l *ReLU) Backward(dy []float32) []float32 {
	l.dx = grow(l.dx, len(l.y))
	dx, dy := l.dx[:len(l.y)], dy[:len(l.y)]
	for i, v := range l.y {
		// y ≥ 0 (or NaN): y > 0 unless its bits are 0; m is all ones then.
		m := uint32(int32(math.Float32bits(v)-1) >> 31)
		dx[i] = math.Float32frombits(math.Float32bits(dy[i]) &^ m)
	}
	return l.dx
}

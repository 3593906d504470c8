// LeakyReLU: y = x for x > 0, α·x otherwise (Keras LeakyReLU(alpha=0.2)).
//
//	x, y, dy, dx  [any shape, n elements]
//
// Backward: dx = dy for x > 0, α·dy otherwise.

package nn

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
	for i, v := range x {
		if v > 0 {
			l.y[i] = v
		} else {
			l.y[i] = l.Alpha * v
		}
	}
	return l.y
}

// Backward returns dx from dy.
func (l *LeakyReLU) Backward(dy []float32) []float32 {
	l.dx = grow(l.dx, len(l.x))
	for i, v := range l.x {
		if v > 0 {
			l.dx[i] = dy[i]
		} else {
			l.dx[i] = l.Alpha * dy[i]
		}
	}
	return l.dx
}

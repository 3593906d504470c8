// ReLU: y = max(x, 0), elementwise.
//
//	x, y, dy, dx  [any shape, n elements]
//
// Backward: dx = dy where y > 0, else 0.

package nn

// ReLU is the rectified linear unit.
type ReLU struct {
	y, dx []float32
}

// Forward returns max(x, 0).
func (l *ReLU) Forward(x []float32) []float32 {
	l.y = grow(l.y, len(x))
	for i, v := range x {
		if v > 0 {
			l.y[i] = v
		} else {
			l.y[i] = 0
		}
	}
	return l.y
}

// Backward returns dx from dy.
func (l *ReLU) Backward(dy []float32) []float32 {
	l.dx = grow(l.dx, len(l.y))
	for i, v := range l.y {
		if v > 0 {
			l.dx[i] = dy[i]
		} else {
			l.dx[i] = 0
		}
	}
	return l.dx
}

// MaxPool2D: 2×2 max pooling with stride 2 (Keras MaxPooling2D(), "valid":
// an odd last row or column is dropped).
//
//	x   [N, C, H, W]
//	y   [N, C, H/2, W/2]
//
// Backward: each dy goes to the position of its block's maximum (the first
// one in row-major order on ties); the other positions get 0.

package nn

// MaxPool2D is 2×2 max pooling.
type MaxPool2D struct {
	nc, h, w int
	arg      []int32 // index in x of each output's maximum
	y, dx    []float32
}

// Forward pools x [nc, h, w] (nc = N·C) to y [nc, h/2, w/2].
func (l *MaxPool2D) Forward(x []float32, nc, h, w int) []float32 {
	l.nc, l.h, l.w = nc, h, w
	oh, ow := h/2, w/2
	l.y = grow(l.y, nc*oh*ow)
	if cap(l.arg) < nc*oh*ow {
		l.arg = make([]int32, nc*oh*ow)
	}
	l.arg = l.arg[:nc*oh*ow]
	o := 0
	for p := 0; p < nc; p++ {
		for i := 0; i < oh; i++ {
			for j := 0; j < ow; j++ {
				best := (p*h+2*i)*w + 2*j
				for _, k := range [3]int{best + 1, best + w, best + w + 1} {
					if x[k] > x[best] {
						best = k
					}
				}
				l.y[o], l.arg[o] = x[best], int32(best)
				o++
			}
		}
	}
	return l.y
}

// Backward returns dx [nc, h, w] from dy [nc, h/2, w/2].
func (l *MaxPool2D) Backward(dy []float32) []float32 {
	l.dx = grow(l.dx, l.nc*l.h*l.w)
	clear(l.dx)
	for o, k := range l.arg {
		l.dx[k] += dy[o]
	}
	return l.dx
}

// ZeroPad: adds one row of zeros at the bottom and one column at the right
// (Keras ZeroPadding2D(padding=((0,1),(0,1)))).
//
//	x   [N, C, H, W]
//	y   [N, C, H+1, W+1]
//
// Backward: dx = dy without its last row and column.

package nn

// ZeroPad pads the bottom and the right by one pixel.
type ZeroPad struct {
	nc, h, w int
	y, dx    []float32
}

// Forward pads x [nc, h, w] (nc = N·C) to y [nc, h+1, w+1].
func (l *ZeroPad) Forward(x []float32, nc, h, w int) []float32 {
	l.nc, l.h, l.w = nc, h, w
	H, W := h+1, w+1
	l.y = grow(l.y, nc*H*W)
	for p := 0; p < nc; p++ {
		ys := l.y[p*H*W : (p+1)*H*W]
		for i := 0; i < h; i++ {
			copy(ys[i*W:i*W+w], x[(p*h+i)*w:(p*h+i+1)*w])
			ys[i*W+w] = 0
		}
		clear(ys[h*W : H*W])
	}
	return l.y
}

// Backward returns dx [nc, h, w] from dy [nc, h+1, w+1].
func (l *ZeroPad) Backward(dy []float32) []float32 {
	nc, h, w := l.nc, l.h, l.w
	W := w + 1
	l.dx = grow(l.dx, nc*h*w)
	for p := 0; p < nc; p++ {
		for i := 0; i < h; i++ {
			copy(l.dx[(p*h+i)*w:(p*h+i+1)*w], dy[(p*(h+1)+i)*W:(p*(h+1)+i)*W+w])
		}
	}
	return l.dx
}

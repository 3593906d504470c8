// Upsample2x: nearest-neighbour upsampling by 2 (Keras UpSampling2D()).
//
//	x   [N, C, H, W]
//	y   [N, C, 2H, 2W],  y[n, c, i, j] = x[n, c, i/2, j/2]
//
// Backward: dx[n, c, i, j] = Σ of the 2×2 block of dy it was copied to.

package nn

// Upsample2x is nearest-neighbour 2× upsampling.
type Upsample2x struct {
	nc, h, w int
	y, dx    []float32
}

// Forward upsamples x [nc, h, w] (nc = N·C) and returns y [nc, 2h, 2w].
func (l *Upsample2x) Forward(x []float32, nc, h, w int) []float32 {
	l.nc, l.h, l.w = nc, h, w
	W2 := 2 * w
	l.y = grow(l.y, nc*4*h*w)
	for p := 0; p < nc; p++ {
		xs := x[p*h*w : (p+1)*h*w]
		ys := l.y[p*4*h*w : (p+1)*4*h*w]
		for i := 0; i < h; i++ {
			r0 := ys[(2*i)*W2 : (2*i+1)*W2]
			for j, v := range xs[i*w : (i+1)*w] {
				r0[2*j] = v
				r0[2*j+1] = v
			}
			copy(ys[(2*i+1)*W2:(2*i+2)*W2], r0)
		}
	}
	return l.y
}

// Backward returns dx [nc, h, w] from dy [nc, 2h, 2w].
func (l *Upsample2x) Backward(dy []float32) []float32 {
	nc, h, w := l.nc, l.h, l.w
	W2 := 2 * w
	l.dx = grow(l.dx, nc*h*w)
	for p := 0; p < nc; p++ {
		ds := dy[p*4*h*w : (p+1)*4*h*w]
		dxs := l.dx[p*h*w : (p+1)*h*w]
		for i := 0; i < h; i++ {
			r0, r1 := ds[(2*i)*W2:(2*i+1)*W2], ds[(2*i+1)*W2:(2*i+2)*W2]
			for j := 0; j < w; j++ {
				dxs[i*w+j] = (r0[2*j] + r0[2*j+1]) + (r1[2*j] + r1[2*j+1])
			}
		}
	}
	return l.dx
}

package nnref

// ZeroPad returns x [nc, h, w] padded with zeros: top rows above, bottom
// rows below, left and right columns beside; y is [nc, top+h+bottom,
// left+w+right].
func ZeroPad(x []float64, nc, h, w, top, bottom, left, right int) []float64 {
	H, W := top+h+bottom, left+w+right
	y := make([]float64, nc*H*W)
	for p := 0; p < nc; p++ {
		for i := 0; i < h; i++ {
			for j := 0; j < w; j++ {
				y[(p*H+top+i)*W+left+j] = x[(p*h+i)*w+j]
			}
		}
	}
	return y
}

// ZeroPadBackward returns dx [nc, h, w]: the part of dy that ZeroPad
// copied x to.
func ZeroPadBackward(dy []float64, nc, h, w, top, bottom, left, right int) []float64 {
	H, W := top+h+bottom, left+w+right
	dx := make([]float64, nc*h*w)
	for p := 0; p < nc; p++ {
		for i := 0; i < h; i++ {
			for j := 0; j < w; j++ {
				dx[(p*h+i)*w+j] = dy[(p*H+top+i)*W+left+j]
			}
		}
	}
	return dx
}

// Upsample2x returns x [nc, h, w] upsampled by 2, nearest neighbour:
// y [nc, 2h, 2w], y[p, i, j] = x[p, i/2, j/2].
func Upsample2x(x []float64, nc, h, w int) []float64 {
	y := make([]float64, nc*4*h*w)
	for p := 0; p < nc; p++ {
		for i := 0; i < 2*h; i++ {
			for j := 0; j < 2*w; j++ {
				y[(p*2*h+i)*2*w+j] = x[(p*h+i/2)*w+j/2]
			}
		}
	}
	return y
}

// Upsample2xBackward returns dx [nc, h, w]: each dx sums the four dy its
// value was copied to.
func Upsample2xBackward(dy []float64, nc, h, w int) []float64 {
	dx := make([]float64, nc*h*w)
	for p := 0; p < nc; p++ {
		for i := 0; i < 2*h; i++ {
			for j := 0; j < 2*w; j++ {
				dx[(p*h+i/2)*w+j/2] += dy[(p*2*h+i)*2*w+j]
			}
		}
	}
	return dx
}

// maxPoolArg returns the index in x of the maximum of block (i, j) of
// plane p: the first in row-major order on ties.
func maxPoolArg(x []float64, p, h, w, i, j int) int {
	best := (p*h+2*i)*w + 2*j
	for di := 0; di < 2; di++ {
		for dj := 0; dj < 2; dj++ {
			k := (p*h+2*i+di)*w + 2*j + dj
			if x[k] > x[best] {
				best = k
			}
		}
	}
	return best
}

// MaxPool returns the 2×2, stride-2 max pooling of x [nc, h, w]: y [nc,
// h/2, w/2] (an odd last row or column is dropped).
func MaxPool(x []float64, nc, h, w int) []float64 {
	oh, ow := h/2, w/2
	y := make([]float64, nc*oh*ow)
	for p := 0; p < nc; p++ {
		for i := 0; i < oh; i++ {
			for j := 0; j < ow; j++ {
				y[(p*oh+i)*ow+j] = x[maxPoolArg(x, p, h, w, i, j)]
			}
		}
	}
	return y
}

// MaxPoolBackward returns dx [nc, h, w]: each dy goes to its block's
// maximum (the first in row-major order on ties), the rest is 0.
func MaxPoolBackward(x []float64, nc, h, w int, dy []float64) []float64 {
	oh, ow := h/2, w/2
	dx := make([]float64, nc*h*w)
	for p := 0; p < nc; p++ {
		for i := 0; i < oh; i++ {
			for j := 0; j < ow; j++ {
				dx[maxPoolArg(x, p, h, w, i, j)] += dy[(p*oh+i)*ow+j]
			}
		}
	}
	return dx
}

package nnref

// Padding is TensorFlow's padding rule of a convolution.
type Padding int

const (
	// Same pads so that the output has ceil(h/s) rows: the padding total
	// is max((oh−1)·s + k − h, 0), of which the top gets half (rounded
	// down) and the bottom the rest; likewise for columns.
	Same Padding = iota
	// Valid does not pad: the output has floor((h−k)/s) + 1 rows.
	Valid
)

// Conv is a 2-D convolution: Cin → Cout channels, a K×K kernel [Cout,
// Cin, K, K], a bias [Cout], stride S, padding Pad.
//
//	y[n, co, oy, ox] = b[co] + Σ_{ci, ky, kx} w[co, ci, ky, kx]·x[n, ci, oy·S − top + ky, ox·S − left + kx]
//
// with x = 0 outside the image.
type Conv struct {
	Cin, Cout, K, S int
	Pad             Padding
}

// Geometry returns the output size of an h×w input and the padding above
// the first row and left of the first column.
func (c Conv) Geometry(h, w int) (oh, ow, top, left int) {
	if c.Pad == Valid {
		return (h-c.K)/c.S + 1, (w-c.K)/c.S + 1, 0, 0
	}
	oh = (h + c.S - 1) / c.S
	ow = (w + c.S - 1) / c.S
	top = max((oh-1)*c.S+c.K-h, 0) / 2
	left = max((ow-1)*c.S+c.K-w, 0) / 2
	return oh, ow, top, left
}

// Forward returns y [n, Cout, oh, ow] for x [n, Cin, h, w], and oh, ow.
func (c Conv) Forward(x []float64, n, h, w int, wt, b []float64) (y []float64, oh, ow int) {
	oh, ow, top, left := c.Geometry(h, w)
	y = make([]float64, n*c.Cout*oh*ow)
	for s := 0; s < n; s++ {
		for co := 0; co < c.Cout; co++ {
			for oy := 0; oy < oh; oy++ {
				for ox := 0; ox < ow; ox++ {
					acc := b[co]
					for ci := 0; ci < c.Cin; ci++ {
						xc := x[(s*c.Cin+ci)*h*w : (s*c.Cin+ci+1)*h*w]            // x[s, ci]
						wc := wt[(co*c.Cin+ci)*c.K*c.K : (co*c.Cin+ci+1)*c.K*c.K] // w[co, ci]
						for ky := 0; ky < c.K; ky++ {
							iy := oy*c.S - top + ky
							if iy < 0 || iy >= h {
								continue
							}
							for kx := 0; kx < c.K; kx++ {
								ix := ox*c.S - left + kx
								if ix < 0 || ix >= w {
									continue
								}
								acc += wc[ky*c.K+kx] * xc[iy*w+ix]
							}
						}
					}
					y[((s*c.Cout+co)*oh+oy)*ow+ox] = acc
				}
			}
		}
	}
	return y, oh, ow
}

// Backward returns dx [n, Cin, h, w], dw [Cout, Cin, K, K] and db [Cout]
// for dy [n, Cout, oh, ow]: every product of the forward sum sends dy back
// to the input value and the weight it multiplied.
func (c Conv) Backward(x []float64, n, h, w int, wt, dy []float64) (dx, dw, db []float64) {
	oh, ow, top, left := c.Geometry(h, w)
	dx = make([]float64, n*c.Cin*h*w)
	dw = make([]float64, c.Cout*c.Cin*c.K*c.K)
	db = make([]float64, c.Cout)
	for s := 0; s < n; s++ {
		for co := 0; co < c.Cout; co++ {
			for oy := 0; oy < oh; oy++ {
				for ox := 0; ox < ow; ox++ {
					d := dy[((s*c.Cout+co)*oh+oy)*ow+ox]
					db[co] += d
					for ci := 0; ci < c.Cin; ci++ {
						xc := x[(s*c.Cin+ci)*h*w : (s*c.Cin+ci+1)*h*w]
						dxc := dx[(s*c.Cin+ci)*h*w : (s*c.Cin+ci+1)*h*w]
						wc := wt[(co*c.Cin+ci)*c.K*c.K : (co*c.Cin+ci+1)*c.K*c.K]
						dwc := dw[(co*c.Cin+ci)*c.K*c.K : (co*c.Cin+ci+1)*c.K*c.K]
						for ky := 0; ky < c.K; ky++ {
							iy := oy*c.S - top + ky
							if iy < 0 || iy >= h {
								continue
							}
							for kx := 0; kx < c.K; kx++ {
								ix := ox*c.S - left + kx
								if ix < 0 || ix >= w {
									continue
								}
								dxc[iy*w+ix] += wc[ky*c.K+kx] * d
								dwc[ky*c.K+kx] += xc[iy*w+ix] * d
							}
						}
					}
				}
			}
		}
	}
	return dx, dw, db
}

// UpConv is nn.UpConv2D: Upsample2x, then a 3×3 stride-1 "same"
// convolution Cin → Cout, then ReLU if ReLU is set.
type UpConv struct {
	Cin, Cout int
	ReLU      bool
}

func (u UpConv) conv() Conv { return Conv{Cin: u.Cin, Cout: u.Cout, K: 3, S: 1, Pad: Same} }

// Forward returns y [n, Cout, 2h, 2w] for x [n, Cin, h, w].
func (u UpConv) Forward(x []float64, n, h, w int, wt, b []float64) []float64 {
	y, _, _ := u.conv().Forward(Upsample2x(x, n*u.Cin, h, w), n, 2*h, 2*w, wt, b)
	if u.ReLU {
		y = ReLU(y)
	}
	return y
}

// Backward returns dx [n, Cin, h, w], dw and db for dy [n, Cout, 2h, 2w]
// (b is needed to know where the ReLU let dy through).
func (u UpConv) Backward(x []float64, n, h, w int, wt, b, dy []float64) (dx, dw, db []float64) {
	up := Upsample2x(x, n*u.Cin, h, w)
	if u.ReLU {
		pre, _, _ := u.conv().Forward(up, n, 2*h, 2*w, wt, b)
		dy = ReLUBackward(pre, dy)
	}
	dup, dw, db := u.conv().Backward(up, n, 2*h, 2*w, wt, dy)
	return Upsample2xBackward(dup, n*u.Cin, h, w), dw, db
}

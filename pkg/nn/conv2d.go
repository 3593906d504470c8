// Conv2D: a 2-D convolution (square kernel, stride s) with TensorFlow's
// "same" or "valid" padding, computed as im2col + one GEMM per chunk of
// samples.
//
//	x  [N, Cin, H, W]
//	W  [Cout, Cin, k, k]         (Keras stores [k, k, Cin, Cout])
//	b  [Cout]
//	y  [N, Cout, OH, OW]
//	   same:  OH = ceil(H/s);         valid: OH = ceil((H-k+1)/s)
//
// TensorFlow "same" padding: padTotal = max((OH-1)·s + k − H, 0), padTop =
// padTotal/2 and the rest (the extra pixel) goes to the bottom; likewise
// left/right. A 3×3 stride-2 conv on an even input pads 0 top/left and 1
// bottom/right; a 3×3 stride-1 conv pads 1 on every side.
//
// GEMM layout. With P = OH·OW output pixels per sample and K = Cin·k·k, a
// chunk of ns samples is unrolled into
//
//	col [R, K], R = ns·P           row (n, oy, ox), column (ci, ky, kx)
//
// so that one GEMM covers the whole chunk (the rows are batch × pixels,
// the columns are the kernel taps, the product's columns are the output
// channels: e.g. 6272×1152 · 1152×128 for the generator's first conv at
// batch 32):
//
//	forward   yT [R, Cout] = col · Wᵀ          then y = transpose(yT) + b
//	backward  dyT [R, Cout] = transpose(dy)
//	          dW [Cout, K] += dyTᵀ · col        (summed over the chunks)
//	          dcol [R, K]   = dyT · W           (written over col)
//	          dx            = col2im(dcol)
//
// A chunk holds as many samples as fit in colBudget floats (at least one),
// which bounds the memory of col (the generator's second conv at batch 32
// would otherwise need 115 MB). When the whole batch fits in one chunk,
// Backward reuses the col of Forward; otherwise it unrolls each chunk again.
// For a single output channel (Cout = 1) the GEMMs become matrix–vector
// products and dW is computed as colᵀ · dyT, a GEMV.

package nn

import (
	"fmt"

	"acgan/pkg/gemm"
)

// colBudget is the largest im2col buffer, in float32s, a conv layer keeps
// (32 MiB); larger batches are processed in chunks of samples. (A variable
// so that tests can force the chunked path.)
var colBudget = 8 << 20

// Padding selects TensorFlow's padding rule for Conv2D.
type Padding int

const (
	Same  Padding = iota // output ceil(H/s); extra padding pixel bottom/right
	Valid                // no padding
)

// Conv2D is a 2-D convolution layer.
type Conv2D struct {
	Cin, Cout int
	Kernel    int // k: the kernel is k×k
	Stride    int
	Pad       Padding
	Weight    *Param // [Cout, Cin, k, k]
	Bias      *Param // [Cout]
	Frozen    bool   // Backward computes dx only, leaving Weight.G and Bias.G alone

	// geometry of the last Forward
	n, h, w, oh, ow, padT, padL, ns int

	x        []float32 // input of the last Forward (not owned)
	y        []float32 // [N, Cout, OH, OW]
	col      []float32 // [ns·P, K]; dcol in Backward
	rows     []float32 // [ns·P, Cout]: yT in Forward, dyT in Backward
	dx       []float32
	dy       []float32 // dy of the current Backward (not owned)
	colValid bool      // col holds the unrolled input of the (single) chunk
	s0       int       // first sample of the chunk being processed

	im2colFn, col2imFn, rowsToYFn, dyToRowsFn func(lo, hi int)
}

// NewConv2D returns a k×k convolution with the given stride and padding,
// its parameters named name+".w" and name+".b", zero-initialised (see
// GlorotUniform).
func NewConv2D(name string, cin, cout, k, stride int, pad Padding) *Conv2D {
	c := &Conv2D{Cin: cin, Cout: cout, Kernel: k, Stride: stride, Pad: pad,
		Weight: NewParam(name+".w", cout, cin, k, k), Bias: NewParam(name+".b", cout)}
	c.im2colFn, c.col2imFn, c.rowsToYFn, c.dyToRowsFn = c.im2col, c.col2im, c.rowsToY, c.dyToRows
	return c
}

// Params returns the weight and the bias.
func (c *Conv2D) Params() []*Param { return []*Param{c.Weight, c.Bias} }

// OutSize returns the output height and width for an h×w input.
func (c *Conv2D) OutSize(h, w int) (oh, ow int) {
	oh, ow, _, _ = c.geometry(h, w)
	return
}

func (c *Conv2D) geometry(h, w int) (oh, ow, padT, padL int) {
	k, s := c.Kernel, c.Stride
	if c.Pad == Valid {
		return (h-k)/s + 1, (w-k)/s + 1, 0, 0
	}
	oh, ow = (h+s-1)/s, (w+s-1)/s
	padT = max((oh-1)*s+k-h, 0) / 2
	padL = max((ow-1)*s+k-w, 0) / 2
	return
}

// Forward computes y [n, Cout, OH, OW] from x [n, Cin, h, w] and returns
// it with OH and OW.
func (c *Conv2D) Forward(x []float32, n, h, w int) (y []float32, oh, ow int) {
	oh, ow, c.padT, c.padL = c.geometry(h, w)
	if oh < 1 || ow < 1 {
		panic(fmt.Sprintf("nn: Conv2D %s: input %d×%d smaller than the kernel", c.Weight.Name, h, w))
	}
	c.n, c.h, c.w, c.oh, c.ow = n, h, w, oh, ow
	c.x = x[:n*c.Cin*h*w]
	P, K := oh*ow, c.Cin*c.Kernel*c.Kernel
	c.ns = min(max(colBudget/(P*K), 1), n)
	c.col = grow(c.col, c.ns*P*K)
	c.rows = grow(c.rows, c.ns*P*c.Cout)
	c.y = grow(c.y, n*c.Cout*P)
	for c.s0 = 0; c.s0 < n; c.s0 += c.ns {
		ns := min(c.ns, n-c.s0)
		R := ns * P
		For(ns, c.im2colFn)
		// yT[R, Cout] = col[R, K] · Wᵀ[K, Cout]
		gemm.Sgemm(false, true, R, c.Cout, K, 1, c.col, K, c.Weight.W, K, 0, c.rows, c.Cout)
		For(ns, c.rowsToYFn)
	}
	c.colValid = c.ns >= n
	return c.y, oh, ow
}

// Backward takes dy [n, Cout, OH, OW], sets the parameter gradients (unless
// Frozen) and returns dx [n, Cin, h, w] if needDX is true (nil otherwise).
func (c *Conv2D) Backward(dy []float32, needDX bool) []float32 {
	n, P, K := c.n, c.oh*c.ow, c.Cin*c.Kernel*c.Kernel
	c.dy = dy[:n*c.Cout*P]
	if !c.Frozen {
		db := c.Bias.G
		for co := 0; co < c.Cout; co++ {
			var s float64
			for i := 0; i < n; i++ {
				for _, v := range c.dy[(i*c.Cout+co)*P : (i*c.Cout+co+1)*P] {
					s += float64(v)
				}
			}
			db[co] = float32(s)
		}
	} else if !needDX {
		return nil
	}
	if needDX {
		c.dx = grow(c.dx, n*c.Cin*c.h*c.w)
	}
	for c.s0 = 0; c.s0 < n; c.s0 += c.ns {
		ns := min(c.ns, n-c.s0)
		R := ns * P
		For(ns, c.dyToRowsFn)
		if !c.Frozen {
			if !c.colValid {
				For(ns, c.im2colFn)
			}
			var beta float32
			if c.s0 > 0 {
				beta = 1
			}
			if c.Cout == 1 {
				// dWᵀ[K, 1] (+)= colᵀ[K, R] · dyT[R, 1]
				gemm.Sgemm(true, false, K, 1, R, 1, c.col, K, c.rows, 1, beta, c.Weight.G, 1)
			} else {
				// dW[Cout, K] (+)= dyTᵀ[Cout, R] · col[R, K]
				gemm.Sgemm(true, false, c.Cout, K, R, 1, c.rows, c.Cout, c.col, K, beta, c.Weight.G, K)
			}
		}
		if needDX {
			// dcol[R, K] = dyT[R, Cout] · W[Cout, K]
			gemm.Sgemm(false, false, R, K, c.Cout, 1, c.rows, c.Cout, c.Weight.W, K, 0, c.col, K)
			For(ns, c.col2imFn)
		}
	}
	c.colValid = false // col now holds dcol
	if !needDX {
		return nil
	}
	return c.dx
}

// im2col unrolls samples c.s0+lo .. c.s0+hi-1 into rows of col.
func (c *Conv2D) im2col(lo, hi int) {
	k, s, H, W := c.Kernel, c.Stride, c.h, c.w
	K := c.Cin * k * k
	for i := lo; i < hi; i++ {
		xs := c.x[(c.s0+i)*c.Cin*H*W:]
		row := i * c.oh * c.ow
		for oy := 0; oy < c.oh; oy++ {
			for ox := 0; ox < c.ow; ox++ {
				dst := c.col[row*K : (row+1)*K]
				row++
				j := 0
				for ci := 0; ci < c.Cin; ci++ {
					xc := xs[ci*H*W : (ci+1)*H*W]
					for ky := 0; ky < k; ky++ {
						iy := oy*s - c.padT + ky
						if iy < 0 || iy >= H {
							clear(dst[j : j+k])
							j += k
							continue
						}
						xr := xc[iy*W : (iy+1)*W]
						for kx := 0; kx < k; kx++ {
							ix := ox*s - c.padL + kx
							if ix < 0 || ix >= W {
								dst[j] = 0
							} else {
								dst[j] = xr[ix]
							}
							j++
						}
					}
				}
			}
		}
	}
}

// col2im sums the rows of dcol (in col) of samples c.s0+lo .. c.s0+hi-1
// back into dx.
func (c *Conv2D) col2im(lo, hi int) {
	k, s, H, W := c.Kernel, c.Stride, c.h, c.w
	K := c.Cin * k * k
	for i := lo; i < hi; i++ {
		dxs := c.dx[(c.s0+i)*c.Cin*H*W : (c.s0+i+1)*c.Cin*H*W]
		clear(dxs)
		row := i * c.oh * c.ow
		for oy := 0; oy < c.oh; oy++ {
			for ox := 0; ox < c.ow; ox++ {
				src := c.col[row*K : (row+1)*K]
				row++
				j := 0
				for ci := 0; ci < c.Cin; ci++ {
					dc := dxs[ci*H*W : (ci+1)*H*W]
					for ky := 0; ky < k; ky++ {
						iy := oy*s - c.padT + ky
						if iy < 0 || iy >= H {
							j += k
							continue
						}
						dr := dc[iy*W : (iy+1)*W]
						for kx := 0; kx < k; kx++ {
							ix := ox*s - c.padL + kx
							if ix >= 0 && ix < W {
								dr[ix] += src[j]
							}
							j++
						}
					}
				}
			}
		}
	}
}

// rowsToY writes y = transpose(yT) + b for samples c.s0+lo .. c.s0+hi-1.
func (c *Conv2D) rowsToY(lo, hi int) {
	P, C := c.oh*c.ow, c.Cout
	for i := lo; i < hi; i++ {
		rows := c.rows[i*P*C : (i+1)*P*C]
		ys := c.y[(c.s0+i)*C*P : (c.s0+i+1)*C*P]
		for co := 0; co < C; co++ {
			b := c.Bias.W[co]
			yc := ys[co*P : (co+1)*P]
			for p := range yc {
				yc[p] = rows[p*C+co] + b
			}
		}
	}
}

// dyToRows writes dyT = transpose(dy) for samples c.s0+lo .. c.s0+hi-1.
func (c *Conv2D) dyToRows(lo, hi int) {
	P, C := c.oh*c.ow, c.Cout
	for i := lo; i < hi; i++ {
		rows := c.rows[i*P*C : (i+1)*P*C]
		dys := c.dy[(c.s0+i)*C*P : (c.s0+i+1)*C*P]
		for co := 0; co < C; co++ {
			dc := dys[co*P : (co+1)*P]
			for p, v := range dc {
				rows[p*C+co] = v
			}
		}
	}
}

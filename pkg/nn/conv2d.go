// Conv2D: a 2-D convolution (square kernel, stride s) with TensorFlow's
// "same" or "valid" padding, computed as im2col + one GEMM per chunk of
// samples.
//
//	x  [N, Cin, H, W]
//	W  [Cout, Cin, k, k]         (Keras stores [k, k, Cin, Cout])
//	b  [Cout]
//	y  [N, Cout, OH, OW]
//	   same:  OH = ceil(H/s);         valid: OH = floor((H−k)/s) + 1
//
// TensorFlow "same" padding: padTotal = max((OH−1)·s + k − H, 0), padTop =
// padTotal/2 and the rest (the extra pixel) goes to the bottom; likewise
// left/right. A 3×3 stride-2 conv on an even input pads 0 top/left and 1
// bottom/right; a 3×3 stride-1 conv pads 1 on every side.
//
// GEMM layout. With P = OH·OW output pixels per sample and K = Cin·k·k, a
// chunk of ns samples is unrolled into the transposed im2col matrix
//
//	colT [K, R], R = ns·P          row (ci, ky, kx), column (n, oy, ox)
//
// so that one GEMM covers the whole chunk: its long dimension R is batch ×
// pixels, its depth K is the kernel taps, and its short dimension is the
// output channels (e.g. the generator's first conv at batch 32 is
// 128×1152 · 1152×6272, the transpose of the (32·14·14)×1152 · 1152×128
// product of the untransposed layout):
//
//	forward   Y [Cout, R]   = W · colT                then y[n, co] = Y[co, n] + b
//	backward  dY [Cout, R]  ← dy
//	          dW [Cout, K] += dY · colTᵀ               (summed over the chunks)
//	          dcolT [K, R]  = Wᵀ · dY                  (written over colT)
//	          dx            = col2im(dcolT)
//
// This layout (rather than col [R, K]) makes im2col and col2im move whole
// runs of an image row at a time (a plain copy for stride 1) and makes the
// NCHW output a set of contiguous copies, which matters once the GEMM is
// fast. A single output channel (Cout = 1) at stride 1 (the generator's
// last conv) skips im2col altogether and is computed directly (see
// direct); at stride 2 its products are computed transposed so the GEMM
// sees n = 1 and runs as a matrix–vector product.
//
// A chunk holds as many samples as fit in colBudget floats (at least one),
// which bounds the memory of colT (the generator's second conv at batch 32
// would otherwise need 115 MB). When the whole batch fits in one chunk,
// Backward reuses the colT of Forward; otherwise it unrolls each chunk
// again. im2col and col2im are split over input channels, the output
// copies over samples (see For).

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
	col      []float32 // colT [K, ns·P]; dcolT in Backward
	rows     []float32 // [Cout, ns·P]: Y in Forward, dY in Backward
	dx       []float32
	dy       []float32 // dy of the current Backward (not owned)
	colValid bool      // col holds the unrolled input of the (single) chunk
	s0, r    int       // first sample and number of columns (R) of the chunk being processed

	im2colFn, col2imFn, rowsToYFn, dyToRowsFn func(lo, hi int)
	directFwdFn, directDXFn, directDWFn       func(lo, hi int)
}

// NewConv2D returns a k×k convolution with the given stride and padding,
// its parameters named name+".w" and name+".b", zero-initialised (see
// GlorotUniform).
func NewConv2D(name string, cin, cout, k, stride int, pad Padding) *Conv2D {
	c := &Conv2D{Cin: cin, Cout: cout, Kernel: k, Stride: stride, Pad: pad,
		Weight: NewParam(name+".w", cout, cin, k, k), Bias: NewParam(name+".b", cout)}
	c.im2colFn, c.col2imFn, c.rowsToYFn, c.dyToRowsFn = c.im2col, c.col2im, c.rowsToY, c.dyToRows
	c.directFwdFn, c.directDXFn, c.directDWFn = c.directForward, c.directDX, c.directDW
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
	if c.direct() {
		c.y = grow(c.y, n*P)
		For(n, c.directFwdFn)
		return c.y, oh, ow
	}
	c.ns = min(max(colBudget/(P*K), 1), n)
	c.col = grow(c.col, K*c.ns*P)
	c.rows = grow(c.rows, c.Cout*c.ns*P)
	c.y = grow(c.y, n*c.Cout*P)
	for c.s0 = 0; c.s0 < n; c.s0 += c.ns {
		c.r = min(c.ns, n-c.s0) * P
		For(c.Cin, c.im2colFn)
		if c.Cout == 1 {
			// Yᵀ[R, 1] = colTᵀ[R, K] · Wᵀ[K, 1]
			gemm.Sgemm(true, false, c.r, 1, K, 1, c.col, c.r, c.Weight.W, 1, 0, c.rows, 1)
		} else {
			// Y[Cout, R] = W[Cout, K] · colT[K, R]
			gemm.Sgemm(false, false, c.Cout, c.r, K, 1, c.Weight.W, K, c.col, c.r, 0, c.rows, c.r)
		}
		For(c.r/P, c.rowsToYFn)
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
	if c.direct() {
		if !c.Frozen {
			For(c.Cin, c.directDWFn)
		}
		if !needDX {
			return nil
		}
		For(n, c.directDXFn)
		return c.dx
	}
	for c.s0 = 0; c.s0 < n; c.s0 += c.ns {
		c.r = min(c.ns, n-c.s0) * P
		For(c.r/P, c.dyToRowsFn)
		if !c.Frozen {
			if !c.colValid {
				For(c.Cin, c.im2colFn)
			}
			var beta float32
			if c.s0 > 0 {
				beta = 1
			}
			if c.Cout == 1 {
				// dWᵀ[K, 1] (+)= colT[K, R] · dYᵀ[R, 1]
				gemm.Sgemm(false, false, K, 1, c.r, 1, c.col, c.r, c.rows, 1, beta, c.Weight.G, 1)
			} else {
				// dW[Cout, K] (+)= dY[Cout, R] · colTᵀ[R, K]
				gemm.Sgemm(false, true, c.Cout, K, c.r, 1, c.rows, c.r, c.col, c.r, beta, c.Weight.G, K)
			}
		}
		if needDX {
			// dcolT[K, R] = Wᵀ[K, Cout] · dY[Cout, R]
			gemm.Sgemm(true, false, K, c.r, c.Cout, 1, c.Weight.W, K, c.rows, c.r, 0, c.col, c.r)
			For(c.Cin, c.col2imFn)
		}
	}
	c.colValid = false // colT now holds dcolT
	if !needDX {
		return nil
	}
	return c.dx
}

// direct reports whether the layer skips im2col: with one output channel
// the GEMM would be a matrix–vector product whose cost is all in unrolling
// the input (K·P floats written for K·P multiply-adds), so a 3×3 stride-1
// "same" conv with Cout = 1 (the generator's last) is computed directly,
// a 3×3 correlation per input channel (corr3, corr3Grad):
//
//	y[n]         = b + Σ_ci corr3(x[n, ci], W[ci])
//	dx[n, ci]    = corr3(dy[n], W[ci] rotated 180°)
//	dW[ci, ky, kx] = Σ_n Σ_{oy,ox} dy[n, oy, ox]·x[n, ci, oy+ky−1, ox+kx−1]
//
// split over samples (y, dx) or input channels (dW).
func (c *Conv2D) direct() bool {
	return useDirect && c.Cout == 1 && c.Kernel == 3 && c.Stride == 1 && c.Pad == Same
}

// useDirect lets tests and benchmarks compare the direct path with im2col.
var useDirect = true

// directForward computes y for samples lo .. hi-1.
func (c *Conv2D) directForward(lo, hi int) {
	H, W := c.h, c.w
	for i := lo; i < hi; i++ {
		ys := c.y[i*H*W : (i+1)*H*W]
		for j := range ys {
			ys[j] = c.Bias.W[0]
		}
		for ci := 0; ci < c.Cin; ci++ {
			corr3(ys, c.x[(i*c.Cin+ci)*H*W:(i*c.Cin+ci+1)*H*W], H, W, (*[9]float32)(c.Weight.W[ci*9:ci*9+9]))
		}
	}
}

// directDX computes dx for samples lo .. hi-1.
func (c *Conv2D) directDX(lo, hi int) {
	H, W := c.h, c.w
	for i := lo; i < hi; i++ {
		dys := c.dy[i*H*W : (i+1)*H*W]
		for ci := 0; ci < c.Cin; ci++ {
			var rot [9]float32
			for t := range rot {
				rot[t] = c.Weight.W[ci*9+8-t]
			}
			dxc := c.dx[(i*c.Cin+ci)*H*W : (i*c.Cin+ci+1)*H*W]
			clear(dxc)
			corr3(dxc, dys, H, W, &rot)
		}
	}
}

// directDW computes dW of input channels lo .. hi-1.
func (c *Conv2D) directDW(lo, hi int) {
	H, W := c.h, c.w
	for ci := lo; ci < hi; ci++ {
		var g [9]float64
		for i := 0; i < c.n; i++ {
			corr3Grad(&g, c.dy[i*H*W:(i+1)*H*W], c.x[(i*c.Cin+ci)*H*W:(i*c.Cin+ci+1)*H*W], H, W)
		}
		for t, v := range g {
			c.Weight.G[ci*9+t] = float32(v)
		}
	}
}

// corr3 adds to dst [H, W] the 3×3 correlation of src [H, W] with w, zero
// padded by one pixel: dst[y, x] += Σ_{ky,kx} w[ky·3+kx]·src[y+ky−1, x+kx−1].
func corr3(dst, src []float32, H, W int, w *[9]float32) {
	var zero [64]float32
	row := func(y int) []float32 {
		if y < 0 || y >= H {
			if W <= len(zero) {
				return zero[:W]
			}
			return nil
		}
		return src[y*W : (y+1)*W]
	}
	for y := 0; y < H; y++ {
		d := dst[y*W : (y+1)*W]
		r0, r1, r2 := row(y-1), row(y), row(y+1)
		if r0 == nil || r2 == nil { // a row wider than zero: the plain way
			for ky, r := range [3][]float32{r0, r1, r2} {
				if r == nil {
					continue
				}
				for x := range d {
					for kx := 0; kx < 3; kx++ {
						if sx := x + kx - 1; sx >= 0 && sx < W {
							d[x] += w[ky*3+kx] * r[sx]
						}
					}
				}
			}
			continue
		}
		// edges
		d[0] += w[1]*r0[0] + w[4]*r1[0] + w[7]*r2[0]
		if W > 1 {
			d[0] += w[2]*r0[1] + w[5]*r1[1] + w[8]*r2[1]
			d[W-1] += w[0]*r0[W-2] + w[1]*r0[W-1] + w[3]*r1[W-2] + w[4]*r1[W-1] + w[6]*r2[W-2] + w[7]*r2[W-1]
		}
		if W < 3 {
			continue
		}
		// interior: x = 1 .. W-2
		n := W - 2
		out := d[1 : 1+n]
		a0, b0, c0 := r0[0:n], r0[1:1+n], r0[2:2+n]
		a1, b1, c1 := r1[0:n], r1[1:1+n], r1[2:2+n]
		a2, b2, c2 := r2[0:n], r2[1:1+n], r2[2:2+n]
		for j := range out {
			out[j] += w[0]*a0[j] + w[1]*b0[j] + w[2]*c0[j] +
				w[3]*a1[j] + w[4]*b1[j] + w[5]*c1[j] +
				w[6]*a2[j] + w[7]*b2[j] + w[8]*c2[j]
		}
	}
}

// corr3Grad adds to g the gradient of Σ dy·corr3(x, w) with respect to w:
// g[ky·3+kx] += Σ_{y,x} dy[y, x]·x[y+ky−1, x+kx−1] (zero outside).
func corr3Grad(g *[9]float64, dy, x []float32, H, W int) {
	for y := 0; y < H; y++ {
		d := dy[y*W : (y+1)*W]
		for ky := 0; ky < 3; ky++ {
			sy := y + ky - 1
			if sy < 0 || sy >= H {
				continue
			}
			r := x[sy*W : (sy+1)*W]
			// kx = 0: d[1:] · r[:W-1]; kx = 1: d · r; kx = 2: d[:W-1] · r[1:]
			var s0, s1, s2 float32
			for j := 0; j < W; j++ {
				s1 += d[j] * r[j]
			}
			for j := 1; j < W; j++ {
				s0 += d[j] * r[j-1]
				s2 += d[j-1] * r[j]
			}
			g[ky*3] += float64(s0)
			g[ky*3+1] += float64(s1)
			g[ky*3+2] += float64(s2)
		}
	}
}

// span returns the output columns ox in [lo, hi) whose input column
// ox·s − padL + kx lies inside [0, w).
func (c *Conv2D) span(kx int) (lo, hi int) {
	s := c.Stride
	off := kx - c.padL // ix = ox·s + off
	lo = 0
	if off < 0 {
		lo = (-off + s - 1) / s
	}
	hi = c.ow
	if last := (c.w - 1 - off); last < 0 {
		hi = 0
	} else {
		hi = min(hi, last/s+1)
	}
	return lo, max(lo, hi)
}

// im2col writes the rows of colT of input channels lo .. hi-1 for the
// samples of the current chunk.
func (c *Conv2D) im2col(lo, hi int) {
	k, s, H, W, OW, R := c.Kernel, c.Stride, c.h, c.w, c.ow, c.r
	P := c.oh * OW
	ns := R / P
	for ci := lo; ci < hi; ci++ {
		for ky := 0; ky < k; ky++ {
			for kx := 0; kx < k; kx++ {
				row := c.col[((ci*k+ky)*k+kx)*R : ((ci*k+ky)*k+kx+1)*R]
				xlo, xhi := c.span(kx)
				off := kx - c.padL
				for i := 0; i < ns; i++ {
					xc := c.x[((c.s0+i)*c.Cin+ci)*H*W : ((c.s0+i)*c.Cin+ci+1)*H*W]
					for oy := 0; oy < c.oh; oy++ {
						dst := row[i*P+oy*OW : i*P+(oy+1)*OW]
						iy := oy*s - c.padT + ky
						if iy < 0 || iy >= H {
							clear(dst)
							continue
						}
						xr := xc[iy*W : (iy+1)*W]
						clear(dst[:xlo])
						clear(dst[xhi:])
						if s == 1 {
							copy(dst[xlo:xhi], xr[xlo+off:xhi+off])
						} else {
							for ox := xlo; ox < xhi; ox++ {
								dst[ox] = xr[ox*s+off]
							}
						}
					}
				}
			}
		}
	}
}

// col2im sums the rows of dcolT (in col) of input channels lo .. hi-1 back
// into dx for the samples of the current chunk.
func (c *Conv2D) col2im(lo, hi int) {
	k, s, H, W, OW, R := c.Kernel, c.Stride, c.h, c.w, c.ow, c.r
	P := c.oh * OW
	ns := R / P
	for ci := lo; ci < hi; ci++ {
		for i := 0; i < ns; i++ {
			clear(c.dx[((c.s0+i)*c.Cin+ci)*H*W : ((c.s0+i)*c.Cin+ci+1)*H*W])
		}
		for ky := 0; ky < k; ky++ {
			for kx := 0; kx < k; kx++ {
				row := c.col[((ci*k+ky)*k+kx)*R : ((ci*k+ky)*k+kx+1)*R]
				xlo, xhi := c.span(kx)
				off := kx - c.padL
				for i := 0; i < ns; i++ {
					dxc := c.dx[((c.s0+i)*c.Cin+ci)*H*W : ((c.s0+i)*c.Cin+ci+1)*H*W]
					for oy := 0; oy < c.oh; oy++ {
						iy := oy*s - c.padT + ky
						if iy < 0 || iy >= H {
							continue
						}
						src := row[i*P+oy*OW+xlo : i*P+oy*OW+xhi]
						if s == 1 {
							dr := dxc[iy*W+xlo+off : iy*W+xhi+off]
							for j, v := range src {
								dr[j] += v
							}
						} else {
							dr := dxc[iy*W : (iy+1)*W]
							for j, v := range src {
								dr[(xlo+j)*s+off] += v
							}
						}
					}
				}
			}
		}
	}
}

// rowsToY writes y[n, co] = Y[co, n] + b[co] for samples lo .. hi-1 of the
// current chunk.
func (c *Conv2D) rowsToY(lo, hi int) {
	P, C, R := c.oh*c.ow, c.Cout, c.r
	for i := lo; i < hi; i++ {
		ys := c.y[(c.s0+i)*C*P : (c.s0+i+1)*C*P]
		for co := 0; co < C; co++ {
			b := c.Bias.W[co]
			src := c.rows[co*R+i*P : co*R+(i+1)*P]
			dst := ys[co*P : (co+1)*P]
			for p, v := range src {
				dst[p] = v + b
			}
		}
	}
}

// dyToRows writes dY[co, n] = dy[n, co] for samples lo .. hi-1 of the
// current chunk.
func (c *Conv2D) dyToRows(lo, hi int) {
	P, C, R := c.oh*c.ow, c.Cout, c.r
	for i := lo; i < hi; i++ {
		dys := c.dy[(c.s0+i)*C*P : (c.s0+i+1)*C*P]
		for co := 0; co < C; co++ {
			copy(c.rows[co*R+i*P:co*R+(i+1)*P], dys[co*P:(co+1)*P])
		}
	}
}

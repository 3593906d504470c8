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
// fast. A 3×3 stride-1 conv with few output channels (Cout ≤ 4: the
// generator's last conv) skips im2col altogether and is computed directly
// (see direct); a single output channel at stride 2 has its products
// computed transposed so the GEMM sees n = 1 and runs as a matrix–vector
// product.
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
	"acgan/pkg/parallel"
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
	needDX   bool      // Backward's needDX (for directBackward)
	wc       []float32 // the direct path's copy of the weight, Wc [Cin, 9·Cout]
	s0, r    int       // first sample and number of columns (R) of the chunk being processed

	im2colFn, col2imFn, rowsToYFn, dyToRowsFn func(lo, hi int)
	directFwdFn, directBackFn, directDWFn     func(lo, hi int)
}

// NewConv2D returns a k×k convolution with the given stride and padding,
// its parameters named name+".w" and name+".b", zero-initialised (see
// GlorotUniform).
func NewConv2D(name string, cin, cout, k, stride int, pad Padding) *Conv2D {
	c := &Conv2D{Cin: cin, Cout: cout, Kernel: k, Stride: stride, Pad: pad,
		Weight: NewParam(name+".w", cout, cin, k, k), Bias: NewParam(name+".b", cout)}
	c.im2colFn, c.col2imFn, c.rowsToYFn, c.dyToRowsFn = c.im2col, c.col2im, c.rowsToY, c.dyToRows
	c.directFwdFn, c.directBackFn, c.directDWFn = c.directForward, c.directBackward, c.directDW
	return c
}

// Params returns the weight and the bias.
func (c *Conv2D) Params() []*Param { return []*Param{c.Weight, c.Bias} }

// States returns nil: the layer has no state besides its parameters.
func (c *Conv2D) States() []*State { return nil }

// SetFrozen sets Frozen.
func (c *Conv2D) SetFrozen(frozen bool) { c.Frozen = frozen }

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
		c.y = grow(c.y, n*c.Cout*P)
		c.col = grow(c.col, n*9*c.Cout*P)
		c.colValid = false
		c.directWeight()
		parallel.For(n, c.directFwdFn)
		return c.y, oh, ow
	}
	c.ns = min(max(colBudget/(P*K), 1), n)
	c.col = grow(c.col, K*c.ns*P)
	c.rows = grow(c.rows, c.Cout*c.ns*P)
	c.y = grow(c.y, n*c.Cout*P)
	for c.s0 = 0; c.s0 < n; c.s0 += c.ns {
		c.r = min(c.ns, n-c.s0) * P
		parallel.For(c.Cin, c.im2colFn)
		if c.Cout == 1 {
			// Yᵀ[R, 1] = colTᵀ[R, K] · Wᵀ[K, 1]
			gemm.Sgemm(true, false, c.r, 1, K, 1, c.col, c.r, c.Weight.W, 1, 0, c.rows, 1)
		} else {
			// Y[Cout, R] = W[Cout, K] · colT[K, R]
			gemm.Sgemm(false, false, c.Cout, c.r, K, 1, c.Weight.W, K, c.col, c.r, 0, c.rows, c.r)
		}
		parallel.For(c.r/P, c.rowsToYFn)
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
		c.col = grow(c.col, n*9*c.Cout*P)
		c.rows = grow(c.rows, n*c.Cin*9*c.Cout)
		c.needDX = needDX
		c.directWeight()
		parallel.For(n, c.directBackFn)
		if !c.Frozen {
			parallel.For(c.Cin, c.directDWFn)
		}
		if !needDX {
			return nil
		}
		return c.dx
	}
	for c.s0 = 0; c.s0 < n; c.s0 += c.ns {
		c.r = min(c.ns, n-c.s0) * P
		parallel.For(c.r/P, c.dyToRowsFn)
		if !c.Frozen {
			if !c.colValid {
				parallel.For(c.Cin, c.im2colFn)
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
			parallel.For(c.Cin, c.col2imFn)
		}
	}
	c.colValid = false // colT now holds dcolT
	if !needDX {
		return nil
	}
	return c.dx
}

// direct reports whether the layer skips im2col: with few output channels
// the GEMM is a thin product whose cost is all in unrolling the input (K·P
// floats written for Cout·K·P multiply-adds), so a 3×3 stride-1 "same"
// conv with Cout ≤ directMaxCout (the generator's last: one channel for
// gray images, three for colour) is computed directly. Instead of
// unrolling the Cin-channel input, it moves the 3×3 shifts to the
// Cout-channel side, where they cost 9·Cout floats per pixel. With the
// taps t = ky·3+kx, the shift s_t = (ky−1, kx−1), the weight read as the
// matrix
//
//	Wc[ci, co·9+t] = W[co, ci, t]                  Wc [Cin, 9·Cout]
//
// (copied into wc by Forward and Backward; its columns, and the rows of Z
// and D below, are grouped by output channel, so that each channel's nine
// taps lie together as they do for Cout = 1) and, per sample n,
//
//	Z[co·9+t, p] = Σ_ci Wc[ci, co·9+t]·x[n, ci, p]   Z  = Wcᵀ[9·Cout, Cin] · x_n[Cin, P]
//	y[n, co, p]  = b[co] + Σ_t Z[co·9+t, p + s_t]     (taps falling inside the image)
//	D[co·9+t, q] = dy[n, co, q − s_t]                 (0 outside): the shifted copies of dy
//	dx[n]        = Wc[Cin, 9·Cout] · D[9·Cout, P]
//	dWc         += x_n[Cin, P] · Dᵀ[P, 9·Cout]
//
// so all the multiply-adds are GEMMs of one sample each (pkg/gemm's SIMD
// kernels; one thread each, since they are small), split over samples.
// dW's per-sample products go to a buffer and are summed over the samples
// in order (in float64) afterwards, so no sum depends on the thread count.
//
// Buffers: col holds Z [n, 9·Cout, P] in Forward and D [n, 9·Cout, P] in
// Backward; rows holds the per-sample dWc products [n, Cin, 9·Cout].
func (c *Conv2D) direct() bool {
	return useDirect && c.Cout <= directMaxCout && c.Kernel == 3 && c.Stride == 1 && c.Pad == Same
}

// directMaxCout is the most output channels the direct path takes. Its
// shifts of Z and D move 9·Cout floats per pixel where im2col unrolls
// 9·Cin, so it wins while Cout is below about Cin: on 32×32 images at
// batch 32 (forward and backward, CPU time) 64 → 3 channels take 8 ms
// against im2col's 50 and 64 → 32 still 34 against 75, but 3 → 8 take 4.1
// against 3.5 and 1 → 4 1.2 against 1.0 (BenchmarkConvFewChannels, the
// bound raised to 32 to time the direct path beyond it). Four covers the
// images' channels and keeps the buffers, which the direct path does not
// chunk, within 36 floats per pixel of each sample.
const directMaxCout = 4

// useDirect lets tests and benchmarks compare the direct path with im2col.
var useDirect = true

// directWeight copies the weight into wc as Wc [Cin, 9·Cout] (for Cout = 1
// a plain copy: [1, Cin, 9] is [Cin, 9]).
func (c *Conv2D) directWeight() {
	C9 := 9 * c.Cout
	c.wc = grow(c.wc, c.Cin*C9)
	for co := 0; co < c.Cout; co++ {
		for ci := 0; ci < c.Cin; ci++ {
			copy(c.wc[ci*C9+co*9:ci*C9+co*9+9], c.Weight.W[(co*c.Cin+ci)*9:(co*c.Cin+ci+1)*9])
		}
	}
}

// directForward computes y for samples lo .. hi-1.
func (c *Conv2D) directForward(lo, hi int) {
	H, W, Cin, C := c.h, c.w, c.Cin, c.Cout
	P, C9 := H*W, 9*c.Cout
	for i := lo; i < hi; i++ {
		// Z[9·Cout, P] = Wcᵀ[9·Cout, Cin] · x_i[Cin, P]
		z := c.col[i*C9*P : (i+1)*C9*P]
		gemm.Sgemm(true, false, C9, P, Cin, 1, c.wc, C9, c.x[i*Cin*P:(i+1)*Cin*P], P, 0, z, P)
		for co := 0; co < C; co++ {
			// y[co, oy, ox] = b[co] + Σ_{ky,kx} Z[co·9+ky·3+kx, oy+ky−1, ox+kx−1],
			// in the order ky = 0, 1, 2 and kx = 0, 1, 2 for every pixel.
			zc := z[co*9*P : (co+1)*9*P]
			ys := c.y[(i*C+co)*P : (i*C+co+1)*P]
			for j := range ys {
				ys[j] = c.Bias.W[co]
			}
			for oy := 0; oy < H; oy++ {
				out := ys[oy*W : (oy+1)*W]
				for ky := 0; ky < 3; ky++ {
					iy := oy + ky - 1
					if iy < 0 || iy >= H {
						continue
					}
					z0 := zc[(ky*3+0)*P+iy*W : (ky*3+0)*P+(iy+1)*W] // tap kx = 0 reads column ox−1
					z1 := zc[(ky*3+1)*P+iy*W : (ky*3+1)*P+(iy+1)*W] // kx = 1: column ox
					z2 := zc[(ky*3+2)*P+iy*W : (ky*3+2)*P+(iy+1)*W] // kx = 2: column ox+1
					addTaps(out, z0, z1, z2)
				}
			}
		}
	}
}

// addTaps adds to out[x] the three taps of one kernel row:
// z0[x−1] + z1[x] + z2[x+1], the terms outside [0, W) left out.
func addTaps(out, z0, z1, z2 []float32) {
	W := len(out)
	if W == 1 {
		out[0] += z1[0]
		return
	}
	out[0] += z1[0] + z2[1]
	// interior x = 1 .. W-2 (speed: fixed-length reslices drop the bounds checks)
	n := W - 2
	o, a, b, d := out[1:1+n], z0[0:n], z1[1:1+n], z2[2:2+n]
	for x := range o {
		o[x] += a[x] + b[x] + d[x]
	}
	out[W-1] += z0[W-2] + z1[W-1]
}

// directBackward computes, for samples lo .. hi-1, the shifted copies D of
// dy, then dx (if needed) and the sample's dWc product (unless Frozen).
func (c *Conv2D) directBackward(lo, hi int) {
	H, W, Cin, C := c.h, c.w, c.Cin, c.Cout
	P, C9 := H*W, 9*c.Cout
	for i := lo; i < hi; i++ {
		// D[co·9+ky·3+kx, iy, ix] = dy[co, iy−ky+1, ix−kx+1], 0 outside the image.
		d := c.col[i*C9*P : (i+1)*C9*P]
		for co := 0; co < C; co++ {
			dys := c.dy[(i*C+co)*P : (i*C+co+1)*P]
			for ky := 0; ky < 3; ky++ {
				for kx := 0; kx < 3; kx++ {
					dt := d[(co*9+ky*3+kx)*P : (co*9+ky*3+kx+1)*P]
					for iy := 0; iy < H; iy++ {
						row := dt[iy*W : (iy+1)*W]
						sy := iy - ky + 1
						if sy < 0 || sy >= H {
							clear(row)
							continue
						}
						src := dys[sy*W : (sy+1)*W]
						switch kx {
						case 0: // row[ix] = src[ix+1]
							copy(row, src[1:])
							row[W-1] = 0
						case 1:
							copy(row, src)
						case 2: // row[ix] = src[ix−1]
							row[0] = 0
							copy(row[1:], src)
						}
					}
				}
			}
		}
		if c.needDX {
			// dx_i[Cin, P] = Wc[Cin, 9·Cout] · D[9·Cout, P]
			gemm.Sgemm(false, false, Cin, P, C9, 1, c.wc, C9, d, P, 0, c.dx[i*Cin*P:(i+1)*Cin*P], P)
		}
		if !c.Frozen {
			// dWc_i[Cin, 9·Cout] = x_i[Cin, P] · Dᵀ[P, 9·Cout]
			gemm.Sgemm(false, true, Cin, C9, P, 1, c.x[i*Cin*P:(i+1)*Cin*P], P, d, P, 0, c.rows[i*Cin*C9:(i+1)*Cin*C9], C9)
		}
	}
}

// directDW sums the samples' dWc products into Weight.G for input channels
// lo .. hi-1, over the samples in order, in float64.
func (c *Conv2D) directDW(lo, hi int) {
	C9 := 9 * c.Cout
	var g [9 * directMaxCout]float64
	for ci := lo; ci < hi; ci++ {
		clear(g[:])
		for i := 0; i < c.n; i++ {
			for j, v := range c.rows[(i*c.Cin+ci)*C9 : (i*c.Cin+ci+1)*C9] {
				g[j] += float64(v)
			}
		}
		// dWc[ci, co·9+t] is W.G[co, ci, t]
		for co := 0; co < c.Cout; co++ {
			for t, v := range g[co*9 : co*9+9] {
				c.Weight.G[(co*c.Cin+ci)*9+t] = float32(v)
			}
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

// UpConv2D: nearest-neighbour 2× upsampling followed by a 3×3 stride-1
// "same" convolution (Keras UpSampling2D() then Conv2D(k=3,
// padding="same")), optionally followed by a ReLU, computed on the small
// image as four 2×2 convolutions, one per output phase. Same function, same
// parameters as Upsample2x + Conv2D (+ ReLU), with 2.25× fewer
// multiply-adds and no upsampled image.
//
//	x  [N, Cin, H, W]
//	W  [Cout, Cin, 3, 3], b [Cout]    the 3×3 conv's parameters
//	y  [N, Cout, 2H, 2W] = conv3x3_same(upsample2x(x))   (then max(·, 0) if ReLU)
//
// Output pixel (2i+a, 2j+b) of phase (a, b) ∈ {0,1}² reads upsampled rows
// 2i+a−1 .. 2i+a+1, which are source rows i+a−1 and i+a (tap ky lands on
// source row i + ⌊(a+ky−1)/2⌋), and likewise for columns. So
//
//	y[n, co, 2i+a, 2j+b] = b[co] + Σ_{ci,p,q} Wab[co, ci, p, q]·x[n, ci, i+a−1+p, j+b−1+q]
//
// with x = 0 outside the image (which is exactly the zero padding of the
// upsampled image), where the 2×2 kernel Wab sums the taps that land on
// the same source pixel: along y, phase 0 has p=0 ← ky 0 and p=1 ← ky 1, 2;
// phase 1 has p=0 ← ky 0, 1 and p=1 ← ky 2 (tap[a][ky] below).
//
// GEMMs per phase, with colT_ab [K = 4·Cin, R = N·H·W], row (ci, p, q),
// column (n, i, j): colT_ab[(ci,p,q), (n,i,j)] = x[n, ci, i+a−1+p, j+b−1+q]:
//
//	forward   Yab [Cout, R]  = Wab · colT_ab      scattered into y's phase-(a,b) pixels, + b
//	backward  dYab [Cout, R] ← phase-(a,b) pixels of dy (times y > 0 if ReLU)
//	          dWab           = dYab · colT_abᵀ    then dW[co,ci,ky,kx] = Σ_ab dWab[co,ci,tap[a][ky],tap[b][kx]]
//	          db             = Σ dYab
//	          dx                                  a transposed convolution, below
//
// colT_ab is never written out for the forward product and the weight
// gradient (an implicit im2col): x is copied once into xp, zero-padded by
// one pixel on every side, and then colT_ab[(ci,p,q), (n,i,j)] =
// xp[rowOff_ab(ci,p,q) + colOff(n,i,j)], so gemm.SgemmPacked fills its
// packed panels of colT_ab (or of colT_abᵀ) straight from xp through a
// gemm.Gather (GatherSum over the offset tables). xp is laid out
// [n, h+2, Cin, w+2]: the rows of every channel at one height side by
// side, so that a panel (a few image rows of many channels) reads a few
// contiguous stretches of memory rather than one short run in each of many
// planes far apart.
//
// dx is one product over all four phases at once, the transpose of the
// forward (dx[n, ci, i', j'] gathers every dYab[co, n, i, j] whose tap
// (p, q) reads it: i = i' − (a−1+p), j = j' − (b−1+q)):
//
//	dxT [Cin, R] = WT [Cin, 16·Cout] · dcol [16·Cout, R]
//	WT[ci, (ab, co, p, q)]          = Wab[co, ci, p, q]
//	dcol[(ab, co, p, q), (n, i', j')] = dYab[co, n, i'−(a−1+p), j'−(b−1+q)]   (0 outside)
//
// with dcol gathered, again implicitly, from dyp, the four dYab zero-padded
// by one pixel and laid out as xp is ([n, h+2, 4·Cout, w+2], channel
// (ab, co)); dxT [Cin, n·H·W] is then copied into dx's NCHW layout.

package nn

import (
	"math"

	"acgan/pkg/gemm"
	"acgan/pkg/parallel"
)

// tap[a][ky] is the row p of phase a's 2×2 kernel that tap ky of the 3×3
// kernel adds to.
var tap = [2][3]int{{0, 1, 1}, {0, 0, 1}}

// UpConv2D is a nearest 2× upsampling fused with a 3×3 "same" convolution
// and, if ReLU is set, the rectifier after it.
type UpConv2D struct {
	Cin, Cout int
	Weight    *Param // [Cout, Cin, 3, 3]
	Bias      *Param // [Cout]
	Frozen    bool   // Backward computes dx only, leaving Weight.G and Bias.G alone
	// ReLU applies y = max(conv, 0) in the same pass that writes y (Keras's
	// Conv2D followed by Activation("relu")); Backward then takes dy of the
	// rectified output.
	ReLU bool

	n, h, w int
	x       []float32 // input of the last Forward (not owned)
	xp      []float32 // x zero-padded by one pixel: [n, h+2, Cin, w+2]
	padded  [3]int    // (n, h, w) of the layout xp's zero border is for
	rowOff  [4][]int32
	colOff  []int32
	y, dx   []float32
	dy      []float32
	wab     [4][]float32 // [Cout, Cin, 2, 2] per phase
	dwab    [4][]float32
	rows    [4][]float32 // [Cout, N·H·W] per phase: Yab, then dYab
	needDX  bool         // of the current Backward

	dyp     []float32   // the four dYab zero-padded: [n, h+2, 4·Cout, w+2]
	dypFor  [3]int      // (n, h, w) of the layout dyp's zero border is for
	dyRow   []int32     // offset in dyp of row (ab, co, p, q) of dcol
	dyCol   []int32     // offset in dyp of column (n, i', j') of dcol
	pack    gemm.Gather // the B of the product in progress (see Forward, Backward)
	wt, dxT []float32   // WT [Cin, 16·Cout], dxT [Cin, n·h·w]

	padFn, scatterFn, gatherFn, biasGradFn, dxFn func(lo, hi int)
	foldFn, unfoldFn, transposeFn                func(lo, hi int)
}

// NewUpConv2D returns the fused layer with parameters named name+".w" and
// name+".b", zero-initialised (see GlorotUniform).
func NewUpConv2D(name string, cin, cout int) *UpConv2D {
	c := &UpConv2D{Cin: cin, Cout: cout, Weight: NewParam(name+".w", cout, cin, 3, 3), Bias: NewParam(name+".b", cout)}
	for ph := range c.wab {
		c.wab[ph] = make([]float32, cout*cin*4)
		c.dwab[ph] = make([]float32, cout*cin*4)
	}
	c.padFn, c.scatterFn, c.gatherFn, c.biasGradFn, c.dxFn = c.pad, c.scatter, c.gather, c.biasGrad, c.unfoldDX
	c.foldFn, c.unfoldFn, c.transposeFn = c.fold, c.unfoldDW, c.transposeW
	return c
}

// Params returns the weight and the bias.
func (c *UpConv2D) Params() []*Param { return []*Param{c.Weight, c.Bias} }

// States returns nil: the layer has no state besides its parameters.
func (c *UpConv2D) States() []*State { return nil }

// SetFrozen sets Frozen.
func (c *UpConv2D) SetFrozen(frozen bool) { c.Frozen = frozen }

// Forward computes y [n, Cout, 2h, 2w] from x [n, Cin, h, w].
func (c *UpConv2D) Forward(x []float32, n, h, w int) []float32 {
	c.n, c.h, c.w = n, h, w
	c.x = x[:n*c.Cin*h*w]
	R, K := n*h*w, 4*c.Cin
	// Fold the 3×3 kernel into the four 2×2 ones.
	parallel.For(c.Cout*c.Cin, c.foldFn)
	c.layout()
	parallel.For(n, c.padFn)
	c.y = grow(c.y, n*c.Cout*4*h*w)
	for ph := range c.rows {
		c.rows[ph] = grow(c.rows[ph], c.Cout*R)
		// Yab[Cout, R] = Wab[Cout, K] · colT_ab[K, R]
		c.pack = gemm.Gather{Src: c.xp, RowOff: c.rowOff[ph], ColOff: c.colOff}
		gemm.SgemmPacked(false, c.Cout, R, K, 1, c.wab[ph], K, &c.pack, 0, c.rows[ph], R)
	}
	parallel.For(n, c.scatterFn)
	return c.y
}

// layout sizes xp and the offset tables for the current (n, h, w), and
// clears xp when its layout changes (pad writes only the interior, so the
// border stays zero from then on).
func (c *UpConv2D) layout() {
	n, H, W := c.n, c.h, c.w
	if c.padded == [3]int{n, H, W} {
		return
	}
	Hp, Wp := H+2, W+2
	xRow, dyRow := c.Cin*Wp, 4*c.Cout*Wp // a padded row of every channel
	c.xp = grow(c.xp, n*Hp*xRow)
	clear(c.xp)
	for a := 0; a < 2; a++ {
		for b := 0; b < 2; b++ {
			ro := c.rowOff[2*a+b][:0]
			for ci := 0; ci < c.Cin; ci++ {
				for p := 0; p < 2; p++ {
					for q := 0; q < 2; q++ {
						// x[n, ci, i+a−1+p, j+b−1+q] is xp[n, i+a+p, ci, j+b+q].
						ro = append(ro, int32((a+p)*xRow+ci*Wp+b+q))
					}
				}
			}
			c.rowOff[2*a+b] = ro
		}
	}
	c.colOff, c.dyCol = c.colOff[:0], c.dyCol[:0]
	for s := 0; s < n; s++ {
		for i := 0; i < H; i++ {
			for j := 0; j < W; j++ {
				c.colOff = append(c.colOff, int32((s*Hp+i)*xRow+j))
				c.dyCol = append(c.dyCol, int32((s*Hp+i)*dyRow+j))
			}
		}
	}
	c.dyRow = c.dyRow[:0]
	for a := 0; a < 2; a++ {
		for b := 0; b < 2; b++ {
			for co := 0; co < c.Cout; co++ {
				for p := 0; p < 2; p++ {
					for q := 0; q < 2; q++ {
						// dYab[co, n, i'−(a−1+p), j'−(b−1+q)] is
						// dyp[n, i'+2−a−p, (ab, co), j'+2−b−q].
						c.dyRow = append(c.dyRow, int32((2-a-p)*dyRow+((2*a+b)*c.Cout+co)*Wp+2-b-q))
					}
				}
			}
		}
	}
	c.padded = [3]int{n, H, W}
}

// pad copies samples lo .. hi-1 of x into the interior of xp.
func (c *UpConv2D) pad(lo, hi int) {
	H, W := c.h, c.w
	Wp := W + 2
	xRow := c.Cin * Wp
	for s := lo; s < hi; s++ {
		for ci := 0; ci < c.Cin; ci++ {
			xs := c.x[(s*c.Cin+ci)*H*W : (s*c.Cin+ci+1)*H*W]
			for i := 0; i < H; i++ {
				o := (s*(H+2)+i+1)*xRow + ci*Wp + 1
				copy(c.xp[o:o+W], xs[i*W:(i+1)*W])
			}
		}
	}
}

// relu0 is max(v, 0) without a branch (random signs would mispredict):
// the sign bit spread over the word clears every negative value, -0 and
// negative NaNs included.
func relu0(v float32) float32 {
	u := math.Float32bits(v)
	return math.Float32frombits(u &^ uint32(int32(u)>>31))
}

// scatter writes Yab + b (rectified if ReLU) into the phase-(a, b) pixels
// of y for samples lo .. hi-1: output row 2i+a interleaves rows i of Ya0
// and Ya1, so y is written once, in order.
func (c *UpConv2D) scatter(lo, hi int) {
	H, W := c.h, c.w
	HW, W2, R := H*W, 2*W, c.n*H*W
	for s := lo; s < hi; s++ {
		for co := 0; co < c.Cout; co++ {
			bias := c.Bias.W[co]
			yc := c.y[(s*c.Cout+co)*4*HW : (s*c.Cout+co+1)*4*HW]
			for a := 0; a < 2; a++ {
				y0 := c.rows[2*a][co*R+s*HW : co*R+(s+1)*HW]
				y1 := c.rows[2*a+1][co*R+s*HW : co*R+(s+1)*HW]
				for i := 0; i < H; i++ {
					yr := yc[(2*i+a)*W2 : (2*i+a+1)*W2]
					r0, r1 := y0[i*W:(i+1)*W], y1[i*W:(i+1)*W]
					if c.ReLU {
						for j, v := range r0 {
							yr[2*j], yr[2*j+1] = relu0(v+bias), relu0(r1[j]+bias)
						}
					} else {
						for j, v := range r0 {
							yr[2*j], yr[2*j+1] = v+bias, r1[j]+bias
						}
					}
				}
			}
		}
	}
}

// gather reads the phase-(a, b) pixels of dy (where y > 0 if ReLU) into
// dYab for samples lo .. hi-1: the transpose of scatter. With needDX it
// also copies them into the interior of dyp.
func (c *UpConv2D) gather(lo, hi int) {
	H, W := c.h, c.w
	HW, W2, R := H*W, 2*W, c.n*H*W
	for s := lo; s < hi; s++ {
		for co := 0; co < c.Cout; co++ {
			dc := c.dy[(s*c.Cout+co)*4*HW : (s*c.Cout+co+1)*4*HW]
			yc := c.y[(s*c.Cout+co)*4*HW : (s*c.Cout+co+1)*4*HW]
			for a := 0; a < 2; a++ {
				d0 := c.rows[2*a][co*R+s*HW : co*R+(s+1)*HW]
				d1 := c.rows[2*a+1][co*R+s*HW : co*R+(s+1)*HW]
				for i := 0; i < H; i++ {
					dr := dc[(2*i+a)*W2 : (2*i+a+1)*W2]
					r0, r1 := d0[i*W:(i+1)*W], d1[i*W:(i+1)*W]
					if c.ReLU {
						// y ≥ 0 after the rectifier: y > 0 unless its bits are 0.
						yr := yc[(2*i+a)*W2 : (2*i+a+1)*W2]
						for j := range r0 {
							m0 := uint32(int32(math.Float32bits(yr[2*j])-1) >> 31)
							m1 := uint32(int32(math.Float32bits(yr[2*j+1])-1) >> 31)
							r0[j] = math.Float32frombits(math.Float32bits(dr[2*j]) &^ m0)
							r1[j] = math.Float32frombits(math.Float32bits(dr[2*j+1]) &^ m1)
						}
					} else {
						for j := range r0 {
							r0[j], r1[j] = dr[2*j], dr[2*j+1]
						}
					}
				}
			}
		}
	}
	c.padDY(lo, hi)
}

// padDY copies dYab of samples lo .. hi-1 into the interior of dyp, if dx
// is wanted.
func (c *UpConv2D) padDY(lo, hi int) {
	if !c.needDX {
		return
	}
	H, W := c.h, c.w
	HW, R, Wp := H*W, c.n*H*W, W+2
	dyRow := 4 * c.Cout * Wp
	for ph := range c.rows {
		for co := 0; co < c.Cout; co++ {
			for s := lo; s < hi; s++ {
				src := c.rows[ph][co*R+s*HW : co*R+(s+1)*HW]
				for i := 0; i < H; i++ {
					o := (s*(H+2)+i+1)*dyRow + (ph*c.Cout+co)*Wp + 1
					copy(c.dyp[o:o+W], src[i*W:(i+1)*W])
				}
			}
		}
	}
}

// biasGrad sets db[co] = Σ dYab[co, ·] over the four phases for output
// channels lo .. hi-1.
func (c *UpConv2D) biasGrad(lo, hi int) {
	R := c.n * c.h * c.w
	for co := lo; co < hi; co++ {
		var s float64
		for ph := range c.rows {
			for _, v := range c.rows[ph][co*R : (co+1)*R] {
				s += float64(v)
			}
		}
		c.Bias.G[co] = float32(s)
	}
}

// Backward takes dy [n, Cout, 2h, 2w] (of the rectified output if ReLU),
// sets the parameter gradients (unless Frozen) and returns dx [n, Cin, h,
// w] if needDX is true (nil otherwise).
func (c *UpConv2D) Backward(dy []float32, needDX bool) []float32 {
	n, HW, K := c.n, c.h*c.w, 4*c.Cin
	R := n * HW
	c.dy = dy[:n*c.Cout*4*HW]
	if c.Frozen && !needDX {
		return nil
	}
	c.needDX = needDX
	if needDX && c.dypFor != c.padded {
		// Sized here, not in layout: inference never needs it.
		c.dyp = grow(c.dyp, 4*c.Cout*n*(c.h+2)*(c.w+2))
		clear(c.dyp)
		c.dypFor = c.padded
	}
	parallel.For(n, c.gatherFn)
	if !c.Frozen {
		parallel.For(c.Cout, c.biasGradFn)
		for ph := range c.rows {
			// dWab[Cout, K] = dYab[Cout, R] · colT_abᵀ[R, K]: the tables swapped
			c.pack = gemm.Gather{Src: c.xp, RowOff: c.colOff, ColOff: c.rowOff[ph]}
			gemm.SgemmPacked(false, c.Cout, K, R, 1, c.rows[ph], R, &c.pack, 0, c.dwab[ph], K)
		}
		// Unfold the 2×2 gradients onto the 3×3 taps.
		parallel.For(c.Cout*c.Cin, c.unfoldFn)
	}
	if !needDX {
		return nil
	}
	// WT[ci, (ab, co, p, q)] = Wab[co, ci, p, q]
	K16 := 16 * c.Cout
	c.wt = grow(c.wt, c.Cin*K16)
	parallel.For(c.Cin, c.transposeFn)
	// dxT[Cin, R] = WT[Cin, 16·Cout] · dcol[16·Cout, R]
	c.dxT = grow(c.dxT, c.Cin*R)
	c.pack = gemm.Gather{Src: c.dyp, RowOff: c.dyRow, ColOff: c.dyCol}
	gemm.SgemmPacked(false, c.Cin, R, K16, 1, c.wt, K16, &c.pack, 0, c.dxT, R)
	c.dx = grow(c.dx, n*c.Cin*HW)
	parallel.For(n, c.dxFn)
	return c.dx
}

// fold sets the four 2×2 kernels Wab from the 3×3 kernel W for the
// (co, ci) pairs lo .. hi-1: Wab[co, ci, p, q] is the sum, from 0 and in the
// order of ky then kx, of the taps W[co, ci, ky, kx] with tap[a][ky] = p and
// tap[b][kx] = q. The sums are spelled out (w[ky*3+kx]); foldLoop in the
// tests is the same from the tap table.
func (c *UpConv2D) fold(lo, hi int) {
	const z float32 = 0 // each sum starts from +0, as a loop's would
	w0, w1, w2, w3 := c.wab[0], c.wab[1], c.wab[2], c.wab[3]
	for oc := lo; oc < hi; oc++ {
		w := c.Weight.W[oc*9 : oc*9+9 : oc*9+9]
		o := oc * 4
		// phase (0, 0): rows {0}, {1, 2}; columns {0}, {1, 2}
		d := w0[o : o+4 : o+4]
		d[0] = z + w[0]
		d[1] = z + w[1] + w[2]
		d[2] = z + w[3] + w[6]
		d[3] = z + w[4] + w[5] + w[7] + w[8]
		// phase (0, 1): rows {0}, {1, 2}; columns {0, 1}, {2}
		d = w1[o : o+4 : o+4]
		d[0] = z + w[0] + w[1]
		d[1] = z + w[2]
		d[2] = z + w[3] + w[4] + w[6] + w[7]
		d[3] = z + w[5] + w[8]
		// phase (1, 0): rows {0, 1}, {2}; columns {0}, {1, 2}
		d = w2[o : o+4 : o+4]
		d[0] = z + w[0] + w[3]
		d[1] = z + w[1] + w[2] + w[4] + w[5]
		d[2] = z + w[6]
		d[3] = z + w[7] + w[8]
		// phase (1, 1): rows {0, 1}, {2}; columns {0, 1}, {2}
		d = w3[o : o+4 : o+4]
		d[0] = z + w[0] + w[1] + w[3] + w[4]
		d[1] = z + w[2] + w[5]
		d[2] = z + w[6] + w[7]
		d[3] = z + w[8]
	}
}

// unfoldDW sets the 3×3 kernel's gradient from the four 2×2 ones for the
// (co, ci) pairs lo .. hi-1: dW[co, ci, ky, kx] = Σ_ab dWab[co, ci,
// tap[a][ky], tap[b][kx]], summed from 0 in the order of a then b. The sums
// are spelled out; unfoldLoop in the tests is the same from the tap table.
func (c *UpConv2D) unfoldDW(lo, hi int) {
	const z float32 = 0
	g := c.Weight.G
	for oc := lo; oc < hi; oc++ {
		o := oc * 4
		d0, d1 := c.dwab[0][o:o+4:o+4], c.dwab[1][o:o+4:o+4]
		d2, d3 := c.dwab[2][o:o+4:o+4], c.dwab[3][o:o+4:o+4]
		g9 := g[oc*9 : oc*9+9 : oc*9+9]
		// dWab[p*2+q] with p = tap[a][ky], q = tap[b][kx]
		g9[0] = z + d0[0] + d1[0] + d2[0] + d3[0] // ky 0, kx 0
		g9[1] = z + d0[1] + d1[0] + d2[1] + d3[0] // ky 0, kx 1
		g9[2] = z + d0[1] + d1[1] + d2[1] + d3[1] // ky 0, kx 2
		g9[3] = z + d0[2] + d1[2] + d2[0] + d3[0] // ky 1, kx 0
		g9[4] = z + d0[3] + d1[2] + d2[1] + d3[0] // ky 1, kx 1
		g9[5] = z + d0[3] + d1[3] + d2[1] + d3[1] // ky 1, kx 2
		g9[6] = z + d0[2] + d1[2] + d2[2] + d3[2] // ky 2, kx 0
		g9[7] = z + d0[3] + d1[2] + d2[3] + d3[2] // ky 2, kx 1
		g9[8] = z + d0[3] + d1[3] + d2[3] + d3[3] // ky 2, kx 2
	}
}

// transposeW sets WT[ci, (ab, co, p, q)] = Wab[co, ci, p, q] for the input
// channels lo .. hi-1.
func (c *UpConv2D) transposeW(lo, hi int) {
	K16 := 16 * c.Cout
	for ci := lo; ci < hi; ci++ {
		row := c.wt[ci*K16 : (ci+1)*K16]
		for ph := range c.wab {
			for co := 0; co < c.Cout; co++ {
				copy(row[(ph*c.Cout+co)*4:(ph*c.Cout+co)*4+4], c.wab[ph][(co*c.Cin+ci)*4:(co*c.Cin+ci)*4+4])
			}
		}
	}
}

// unfoldDX copies dxT [Cin, n·H·W] into dx [n, Cin, H, W] for samples
// lo .. hi-1.
func (c *UpConv2D) unfoldDX(lo, hi int) {
	HW, R := c.h*c.w, c.n*c.h*c.w
	for s := lo; s < hi; s++ {
		for ci := 0; ci < c.Cin; ci++ {
			copy(c.dx[(s*c.Cin+ci)*HW:(s*c.Cin+ci+1)*HW], c.dxT[ci*R+s*HW:ci*R+(s+1)*HW])
		}
	}
}

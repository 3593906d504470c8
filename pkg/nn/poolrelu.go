// PoolReLU: 2×2 max pooling (stride 2) followed by ReLU, fused, for the
// judge: y = max(0, max of each 2×2 block). It computes what MaxPool2D
// then ReLU compute (a test checks it), in one pass over the input and
// split over planes with For, which matters because the judge pools the
// full-resolution output of its first convolution.
//
//	x   [NC, H, W]
//	y   [NC, H/2, W/2]   (rounded down: an odd last row or column is dropped,
//	                     as Keras's MaxPooling2D does)
//
// Backward: dy goes to the position of its block's maximum (the first one
// in row-major order on ties) where y > 0; every other dx is 0.

package nn

import "acgan/pkg/parallel"

// PoolReLU is the fused 2×2 max pool and ReLU.
type PoolReLU struct {
	nc, h, w int
	x        []float32 // input of the last Forward (not owned)
	arg      []int32   // index in the plane of each output's maximum, −1 where y = 0
	y, dx    []float32
	dy       []float32 // dy of the current Backward (not owned)

	fwdFn, bwdFn, inferFn func(lo, hi int)
}

// NewPoolReLU returns a fused 2×2 max pool and ReLU.
func NewPoolReLU() *PoolReLU {
	p := &PoolReLU{}
	p.fwdFn, p.bwdFn, p.inferFn = p.forward, p.backward, p.infer
	return p
}

// Forward pools x [nc, h, w] and returns y [nc, h/2, w/2].
func (p *PoolReLU) Forward(x []float32, nc, h, w int) []float32 {
	p.nc, p.h, p.w, p.x = nc, h, w, x[:nc*h*w]
	n := nc * (h / 2) * (w / 2)
	if cap(p.y) < n {
		p.y, p.arg = make([]float32, n), make([]int32, n)
	}
	p.y, p.arg = p.y[:n], p.arg[:n]
	parallel.For(nc, p.fwdFn)
	return p.y
}

// Infer is Forward without what Backward needs (the positions of the
// maxima), for inference; Backward must not follow it.
func (p *PoolReLU) Infer(x []float32, nc, h, w int) []float32 {
	p.nc, p.h, p.w, p.x = nc, h, w, x[:nc*h*w]
	n := nc * (h / 2) * (w / 2)
	if cap(p.y) < n {
		p.y, p.arg = make([]float32, n), make([]int32, n)
	}
	p.y = p.y[:n]
	parallel.For(nc, p.inferFn)
	return p.y
}

func (p *PoolReLU) infer(lo, hi int) {
	h, w := p.h, p.w
	oh, ow := h/2, w/2
	for c := lo; c < hi; c++ {
		x := p.x[c*h*w : (c+1)*h*w]
		y := p.y[c*oh*ow : (c+1)*oh*ow]
		for i := 0; i < oh; i++ {
			r0 := x[2*i*w : 2*i*w+2*ow]
			r1 := x[(2*i+1)*w : (2*i+1)*w+2*ow]
			yr := y[i*ow : (i+1)*ow]
			for j := range yr {
				yr[j] = max(r0[2*j], r0[2*j+1], r1[2*j], r1[2*j+1], 0)
			}
		}
	}
}

func (p *PoolReLU) forward(lo, hi int) {
	h, w := p.h, p.w
	oh, ow := h/2, w/2
	for c := lo; c < hi; c++ {
		x := p.x[c*h*w : (c+1)*h*w]
		y := p.y[c*oh*ow : (c+1)*oh*ow]
		arg := p.arg[c*oh*ow : (c+1)*oh*ow]
		for i := 0; i < oh; i++ {
			r0 := x[2*i*w : (2*i+1)*w]
			r1 := x[(2*i+1)*w : (2*i+2)*w]
			for j := 0; j < ow; j++ {
				best, k := r0[2*j], int32(2*i*w+2*j)
				if v := r0[2*j+1]; v > best {
					best, k = v, k+1
				}
				if v := r1[2*j]; v > best {
					best, k = v, int32((2*i+1)*w+2*j)
				}
				if v := r1[2*j+1]; v > best {
					best, k = v, int32((2*i+1)*w+2*j+1)
				}
				if best > 0 {
					y[i*ow+j], arg[i*ow+j] = best, k
				} else {
					y[i*ow+j], arg[i*ow+j] = 0, -1
				}
			}
		}
	}
}

// Backward returns dx [nc, h, w] from dy [nc, h/2, w/2].
func (p *PoolReLU) Backward(dy []float32) []float32 {
	n := p.nc * p.h * p.w
	if cap(p.dx) < n {
		p.dx = make([]float32, n)
	}
	p.dx, p.dy = p.dx[:n], dy
	parallel.For(p.nc, p.bwdFn)
	return p.dx
}

func (p *PoolReLU) backward(lo, hi int) {
	hw, o := p.h*p.w, (p.h/2)*(p.w/2)
	for c := lo; c < hi; c++ {
		dx := p.dx[c*hw : (c+1)*hw]
		clear(dx)
		for i, k := range p.arg[c*o : (c+1)*o] {
			if k >= 0 {
				dx[k] = p.dy[c*o+i]
			}
		}
	}
}

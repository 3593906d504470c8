package gemm

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// convPacker is an implicit im2col for a stride-1 kh×kw convolution of NCHW
// images x [n, cin, h, w] with output h×w: B = colT [cin·kh·kw, n·h·w],
// B(p, j) = x[s, ci, oy+ky+offY, ox+kx+offX] (0 outside the image) for
// p = (ci, ky, kx), j = (s, oy, ox). offY = offX = -1 is a 3×3 "same"
// convolution.
type convPacker struct {
	x                          []float32
	n, cin, h, w, kh, kw, offY int
	offX                       int
}

func (cp *convPacker) PackB(p0, kb, j0, w int, dst []float32, ldd int) {
	P, W := cp.h*cp.w, cp.w
	for q := 0; q < kb; q++ {
		p := p0 + q
		ci, ky, kx := p/(cp.kh*cp.kw), (p/cp.kw)%cp.kh, p%cp.kw
		d := dst[q*ldd : (q+1)*ldd]
		for o, j := 0, j0; o < w; {
			s, rem := j/P, j%P
			oy, ox := rem/W, rem%W
			run := min(W-ox, w-o)
			seg := d[o : o+run]
			o, j = o+run, j+run
			iy := oy + ky + cp.offY
			if iy < 0 || iy >= cp.h {
				clear(seg)
				continue
			}
			row := cp.x[((s*cp.cin+ci)*cp.h+iy)*W : ((s*cp.cin+ci)*cp.h+iy+1)*W]
			// seg[t] = row[ox+t+kx+offX] where that index is inside the row.
			off := ox + kx + cp.offX
			lo, hi := max(0, -off), min(run, W-off)
			if hi <= lo {
				clear(seg)
				continue
			}
			clear(seg[:lo])
			copy(seg[lo:hi], row[off+lo:off+hi])
			clear(seg[hi:])
		}
		clear(d[w:])
	}
}

// im2col materialises the B of cp (k rows of n columns).
func (cp *convPacker) im2col(dst []float32) {
	k, n := cp.cin*cp.kh*cp.kw, cp.n*cp.h*cp.w
	for p0 := 0; p0 < k; p0 += 64 {
		cp.PackB(p0, min(64, k-p0), 0, n, dst[p0*n:], n)
	}
}

// gatherPacker is the same implicit im2col done with GatherSum on a
// zero-padded copy of the images: B(p, j) = xp[rowOff[p] + colOff[j]].
type gatherPacker struct {
	xp             []float32
	rowOff, colOff []int32
}

// newGatherPacker pads cp's images (the padding copy is part of every
// product: pad) and builds the offset tables once.
func newGatherPacker(cp *convPacker) *gatherPacker {
	padT, padL := max(0, -cp.offY), max(0, -cp.offX)
	padB := max(0, cp.kh-1+cp.offY)
	padR := max(0, cp.kw-1+cp.offX)
	hp, wp := cp.h+padT+padB, cp.w+padL+padR
	gp := &gatherPacker{xp: make([]float32, cp.n*cp.cin*hp*wp)}
	for ci := 0; ci < cp.cin; ci++ {
		for ky := 0; ky < cp.kh; ky++ {
			for kx := 0; kx < cp.kw; kx++ {
				// tap (ky, kx) reads padded row oy+ky+offY+padT.
				gp.rowOff = append(gp.rowOff, int32(ci*hp*wp+(ky+cp.offY+padT)*wp+kx+cp.offX+padL))
			}
		}
	}
	for s := 0; s < cp.n; s++ {
		for oy := 0; oy < cp.h; oy++ {
			for ox := 0; ox < cp.w; ox++ {
				gp.colOff = append(gp.colOff, int32(s*cp.cin*hp*wp+oy*wp+ox))
			}
		}
	}
	gp.pad(cp)
	return gp
}

// pad copies cp's images into the interior of xp (the border stays 0).
func (gp *gatherPacker) pad(cp *convPacker) {
	padT, padL := max(0, -cp.offY), max(0, -cp.offX)
	hp := cp.h + padT + max(0, cp.kh-1+cp.offY)
	wp := cp.w + padL + max(0, cp.kw-1+cp.offX)
	for sc := 0; sc < cp.n*cp.cin; sc++ {
		for y := 0; y < cp.h; y++ {
			copy(gp.xp[(sc*hp+y+padT)*wp+padL:], cp.x[(sc*cp.h+y)*cp.w:(sc*cp.h+y+1)*cp.w])
		}
	}
}

// packer returns the Gather of colT (rowOff by colOff).
func (gp *gatherPacker) packer() *Gather {
	return &Gather{Src: gp.xp, RowOff: gp.rowOff, ColOff: gp.colOff}
}

// transposed returns the Gather of colTᵀ (for the weight gradient
// dY·colTᵀ): the same offsets with the roles of the tables swapped.
func (gp *gatherPacker) transposed() *Gather {
	return &Gather{Src: gp.xp, RowOff: gp.colOff, ColOff: gp.rowOff}
}

func TestConvPackerImplicitEqualsExplicit(t *testing.T) {
	for _, g := range [][3]int{{3, -1, -1}, {2, -1, -1}, {2, 0, -1}, {2, -1, 0}} {
		testConvPacker(t, &convPacker{n: 3, cin: 5, h: 7, w: 6, kh: g[0], kw: g[0], offY: g[1], offX: g[2]})
	}
}

func testConvPacker(t *testing.T, cp *convPacker) {
	r := rand.New(rand.NewPCG(19, 20))
	cp.x = make([]float32, cp.n*cp.cin*cp.h*cp.w)
	for i := range cp.x {
		cp.x[i] = float32(r.IntN(7) - 3)
	}
	taps := cp.kh * cp.kw
	k, n, m := cp.cin*taps, cp.n*cp.h*cp.w, 11
	colT := make([]float32, k*n)
	cp.im2col(colT)
	// Check the definition.
	for p := 0; p < k; p++ {
		ci, ky, kx := p/taps, (p/cp.kw)%cp.kh, p%cp.kw
		for j := 0; j < n; j++ {
			s, oy, ox := j/(cp.h*cp.w), (j/cp.w)%cp.h, j%cp.w
			iy, ix := oy+ky+cp.offY, ox+kx+cp.offX
			var want float32
			if iy >= 0 && iy < cp.h && ix >= 0 && ix < cp.w {
				want = cp.x[((s*cp.cin+ci)*cp.h+iy)*cp.w+ix]
			}
			if colT[p*n+j] != want {
				t.Fatalf("colT[%d,%d] = %v, want %v", p, j, colT[p*n+j], want)
			}
		}
	}
	w := make([]float32, m*k)
	for i := range w {
		w[i] = float32(r.IntN(7) - 3)
	}
	want := make([]float32, m*n)
	Sgemm(false, false, m, n, k, 1, w, k, colT, n, 0, want, n)
	// dW = Y·colTᵀ through the transposed gather packer.
	{
		y := make([]float32, m*n)
		for i := range y {
			y[i] = float32(r.IntN(7) - 3)
		}
		want := make([]float32, m*k)
		got := make([]float32, m*k)
		Sgemm(false, true, m, k, n, 1, y, n, colT, n, 0, want, k)
		SgemmPacked(false, m, k, n, 1, y, n, newGatherPacker(cp).transposed(), 0, got, k)
		for i := range got {
			if got[i] != want[i] {
				t.Fatalf("dW: C[%d] = %v, want %v", i, got[i], want[i])
			}
		}
	}
	for _, pb := range []PanelPacker{cp, newGatherPacker(cp).packer()} {
		for _, name := range Paths() {
			useArch(t, name)
			got := make([]float32, m*n)
			ref := make([]float32, m*n)
			Sgemm(false, false, m, n, k, 1, w, k, colT, n, 0, ref, n)
			SgemmPacked(false, m, n, k, 1, w, k, pb, 0, got, n)
			for i := range got {
				if got[i] != want[i] || ref[i] != want[i] {
					t.Fatalf("%s %T: C[%d] = %v (Sgemm %v), want %v", name, pb, i, got[i], ref[i], want[i])
				}
			}
		}
	}
}

// BenchmarkImplicitConv compares a convolution's forward product done as
// im2col + Sgemm (explicit) with SgemmPacked fed by an implicit im2col that
// copies runs of image rows (implicit-copy) or gathers from a zero-padded
// copy of the images with GatherSum (implicit-gather, the padding copy
// included), on the generator's convolutions at batch 32 (as 3×3 convs,
// and as pkg/nn's UpConv2D phase products: 2×2 convs on the small image).
func BenchmarkImplicitConv(b *testing.B) {
	cases := []struct {
		name                   string
		n, cin, cout, h, w, kk int
		off                    int
	}{
		{"G.conv1/3x3/128x6272x1152", 32, 128, 128, 14, 14, 3, -1},
		{"G.conv2/3x3-chunk9/64x7056x1152", 9, 128, 64, 28, 28, 3, -1},
		{"G.conv1/upconv-phase/128x1568x512", 32, 128, 128, 7, 7, 2, -1},
		{"G.conv2/upconv-phase/64x6272x512", 32, 128, 64, 14, 14, 2, -1},
	}
	for _, c := range cases {
		r := rand.New(rand.NewPCG(1, 2))
		cp := &convPacker{n: c.n, cin: c.cin, h: c.h, w: c.w, kh: c.kk, kw: c.kk, offY: c.off, offX: c.off}
		cp.x = make([]float32, c.n*c.cin*c.h*c.w)
		for i := range cp.x {
			cp.x[i] = float32(r.NormFloat64())
		}
		m, n, k := c.cout, c.n*c.h*c.w, c.cin*c.kk*c.kk
		w := make([]float32, m*k)
		for i := range w {
			w[i] = float32(r.NormFloat64())
		}
		y := make([]float32, m*n)
		colT := make([]float32, k*n)
		flops := 2 * float64(m*n*k)
		run := func(b *testing.B, f func()) {
			f()
			b.ResetTimer()
			cpu0 := processCPU()
			for i := 0; i < b.N; i++ {
				f()
			}
			cpu := processCPU() - cpu0
			b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
			b.ReportMetric(cpu.Seconds()*1e3/float64(b.N), "cpu-ms/op")
		}
		b.Run(fmt.Sprintf("%s/explicit", c.name), func(b *testing.B) {
			run(b, func() {
				cp.im2col(colT)
				Sgemm(false, false, m, n, k, 1, w, k, colT, n, 0, y, n)
			})
		})
		b.Run(fmt.Sprintf("%s/implicit-copy", c.name), func(b *testing.B) {
			run(b, func() { SgemmPacked(false, m, n, k, 1, w, k, cp, 0, y, n) })
		})
		gp := newGatherPacker(cp)
		b.Run(fmt.Sprintf("%s/implicit-gather", c.name), func(b *testing.B) {
			run(b, func() {
				gp.pad(cp)
				SgemmPacked(false, m, n, k, 1, w, k, gp.packer(), 0, y, n)
			})
		})
		// The weight gradient dW[m, k] = dY[m, n]·colTᵀ (dY stands in y).
		dw := make([]float32, m*k)
		b.Run(fmt.Sprintf("%s/dW-explicit", c.name), func(b *testing.B) {
			run(b, func() {
				cp.im2col(colT)
				Sgemm(false, true, m, k, n, 1, y, n, colT, n, 0, dw, k)
			})
		})
		b.Run(fmt.Sprintf("%s/dW-implicit-gather", c.name), func(b *testing.B) {
			run(b, func() {
				gp.pad(cp)
				SgemmPacked(false, m, k, n, 1, y, n, gp.transposed(), 0, dw, k)
			})
		})
	}
}

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

func TestConvPackerImplicitEqualsExplicit(t *testing.T) {
	r := rand.New(rand.NewPCG(19, 20))
	cp := &convPacker{n: 3, cin: 5, h: 7, w: 6, kh: 3, kw: 3, offY: -1, offX: -1}
	cp.x = make([]float32, cp.n*cp.cin*cp.h*cp.w)
	for i := range cp.x {
		cp.x[i] = float32(r.IntN(7) - 3)
	}
	k, n, m := cp.cin*9, cp.n*cp.h*cp.w, 11
	colT := make([]float32, k*n)
	cp.im2col(colT)
	// Spot-check the definition.
	for p := 0; p < k; p++ {
		ci, ky, kx := p/9, (p/3)%3, p%3
		for j := 0; j < n; j++ {
			s, oy, ox := j/(cp.h*cp.w), (j/cp.w)%cp.h, j%cp.w
			iy, ix := oy+ky-1, ox+kx-1
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
	got := make([]float32, m*n)
	Sgemm(false, false, m, n, k, 1, w, k, colT, n, 0, want, n)
	SgemmPacked(false, m, n, k, 1, w, k, cp, 0, got, n)
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("C[%d] = %v, want %v", i, got[i], want[i])
		}
	}
}

// BenchmarkImplicitConv compares a convolution's forward product done as
// im2col + Sgemm with SgemmPacked fed by the implicit im2col above, on the
// generator's convolutions at batch 32 (as 3×3 convs, and as pkg/nn's
// UpConv2D phase products: 2×2 convs on the small image).
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
		b.Run(fmt.Sprintf("%s/implicit", c.name), func(b *testing.B) {
			run(b, func() { SgemmPacked(false, m, n, k, 1, w, k, cp, 0, y, n) })
		})
	}
}

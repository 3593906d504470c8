package nn

import (
	"math"
	"math/rand/v2"
	"testing"
)

// foldLoop is UpConv2D.fold written from the tap table.
func foldLoop(c *UpConv2D, wab *[4][]float32) {
	w := c.Weight.W
	for oc := range c.Cout * c.Cin {
		for ph := range wab {
			a, b := ph>>1, ph&1
			var w4 [4]float32
			for ky := range 3 {
				for kx := range 3 {
					w4[tap[a][ky]*2+tap[b][kx]] += w[oc*9+ky*3+kx]
				}
			}
			copy(wab[ph][oc*4:oc*4+4], w4[:])
		}
	}
}

// unfoldLoop is UpConv2D.unfoldDW written from the tap table.
func unfoldLoop(c *UpConv2D, g []float32) {
	for oc := range c.Cout * c.Cin {
		for ky := range 3 {
			for kx := range 3 {
				var s float32
				for a := range 2 {
					for b := range 2 {
						s += c.dwab[2*a+b][oc*4+tap[a][ky]*2+tap[b][kx]]
					}
				}
				g[oc*9+ky*3+kx] = s
			}
		}
	}
}

// foldValues returns n values of mixed magnitudes and signs, some of them
// ±0, so that a sum in another order or without its leading +0 shows.
func foldValues(r *rand.Rand, n int) []float32 {
	x := make([]float32, n)
	for i := range x {
		switch r.IntN(8) {
		case 0:
			x[i] = float32(math.Copysign(0, -1))
		case 1:
			x[i] = 0
		default:
			x[i] = float32(r.NormFloat64() * math.Pow(10, float64(r.IntN(9)-4)))
		}
	}
	return x
}

// TestFoldSpelledOut: fold and unfoldDW give the bits of the loops over
// the tap table.
func TestFoldSpelledOut(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 9))
	c := NewUpConv2D("u", 7, 5)
	copy(c.Weight.W, foldValues(r, len(c.Weight.W)))
	c.fold(0, c.Cout*c.Cin)
	var want [4][]float32
	for ph := range want {
		want[ph] = make([]float32, len(c.wab[ph]))
	}
	foldLoop(c, &want)
	for ph := range want {
		for i, v := range want[ph] {
			if math.Float32bits(v) != math.Float32bits(c.wab[ph][i]) {
				t.Fatalf("fold: phase %d value %d is %g, the loop's %g", ph, i, c.wab[ph][i], v)
			}
		}
	}
	for ph := range c.dwab {
		copy(c.dwab[ph], foldValues(r, len(c.dwab[ph])))
	}
	c.unfoldDW(0, c.Cout*c.Cin)
	g := make([]float32, len(c.Weight.G))
	unfoldLoop(c, g)
	for i, v := range g {
		if math.Float32bits(v) != math.Float32bits(c.Weight.G[i]) {
			t.Fatalf("unfoldDW: value %d is %g, the loop's %g", i, c.Weight.G[i], v)
		}
	}
}

// BenchmarkFold times the weight fold and the gradient unfold of the
// generator's first upsampling conv (128 → 128 channels), serially.
func BenchmarkFold(b *testing.B) {
	c := NewUpConv2D("u", 128, 128)
	copy(c.Weight.W, foldValues(rand.New(rand.NewPCG(1, 1)), len(c.Weight.W)))
	b.Run("fold", func(b *testing.B) {
		for b.Loop() {
			c.fold(0, c.Cout*c.Cin)
		}
	})
	b.Run("unfold", func(b *testing.B) {
		for b.Loop() {
			c.unfoldDW(0, c.Cout*c.Cin)
		}
	})
}

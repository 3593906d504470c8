// Checks of the speed tricks in batch norm and dropout (and of LeakyReLU
// for several slopes): batch norm's one-pass float32-block statistics and
// rewritten backward against nnref's two-pass float64 batch norm
// (including a large mean and row lengths that are not multiples of the
// unrolling), independence of the thread count, and dropout's bit-sliced
// masks against the documented rule.

package nn

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"acgan/pkg/nn/nnref"
	"acgan/pkg/parallel"
)

func TestBatchNormAgainstFloat64(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	for _, tc := range []struct {
		n, c, hw    int
		offset, tol float64
	}{
		{4, 3, 1, 0, 1e-5}, {3, 2, 7, 0.5, 1e-5}, {4, 3, 67, 0, 1e-5}, {2, 2, 784, 0, 1e-5},
		{8, 3, 49, 1000, 1e-4}, // |mean| ≫ std: the shifted one-pass variance must hold
	} {
		x := randVec(r, tc.n*tc.c*tc.hw, 1)
		for i := range x {
			x[i] += float32(tc.offset)
		}
		dy := randVec(r, len(x), 1)
		l := NewBatchNorm("bn", tc.c)
		copy(l.Gamma.W, randVec(r, tc.c, 1))
		copy(l.Beta.W, randVec(r, tc.c, 1))
		y := l.Forward(x, tc.n, tc.hw, true)
		dx := l.Backward(dy)
		ref := nnref.BatchNorm{C: tc.c, Eps: 1e-3, Momentum: 0.8}
		wy, _, _ := ref.Train(f64(x), tc.n, tc.hw, f64(l.Gamma.W), f64(l.Beta.W), make([]float64, tc.c), make([]float64, tc.c))
		wdx, wdg, wdb := ref.TrainBackward(f64(x), tc.n, tc.hw, f64(l.Gamma.W), f64(dy))
		for _, e := range []struct {
			name string
			got  []float32
			want []float64
		}{{"y", y, wy}, {"dx", dx, wdx}, {"dγ", l.Gamma.G, wdg}, {"dβ", l.Beta.G, wdb}} {
			if err := refErr(e.got, e.want); !(err <= tc.tol) {
				t.Errorf("n %d c %d hw %d offset %g: %s relative error %.3g > %g", tc.n, tc.c, tc.hw, tc.offset, e.name, err, tc.tol)
			}
		}
	}
}

// TestBatchNormThreads: the same bits whatever the number of threads.
func TestBatchNormThreads(t *testing.T) {
	defer parallel.SetThreads(0)
	r := rand.New(rand.NewPCG(8, 8))
	const n, c, hw = 5, 7, 49
	x, dy := randVec(r, n*c*hw, 1), randVec(r, n*c*hw, 1)
	var y1, dx1, dg1 []float32
	for _, th := range []int{1, 2, 3, 8} {
		parallel.SetThreads(th)
		l := NewBatchNorm("bn", c)
		y := slices.Clone(l.Forward(x, n, hw, true))
		dx := slices.Clone(l.Backward(dy))
		if th == 1 {
			y1, dx1, dg1 = y, dx, slices.Clone(l.Gamma.G)
			continue
		}
		if !slices.Equal(y, y1) || !slices.Equal(dx, dx1) || !slices.Equal(l.Gamma.G, dg1) {
			t.Fatalf("%d threads: results differ from one thread", th)
		}
	}
}

func TestDyadic(t *testing.T) {
	for _, tc := range []struct {
		rate float32
		b    uint
		k    uint64
		ok   bool
	}{{0.25, 2, 1, true}, {0.5, 1, 1, true}, {0.75, 2, 3, true}, {0.375, 4, 6, true}, {1.0 / 256, 8, 1, true},
		{0.3, 0, 0, false}, {1.0 / 512, 0, 0, false}, {0, 0, 0, false}, {1, 0, 0, false}} {
		b, k, ok := dyadic(tc.rate)
		if b != tc.b || k != tc.k || ok != tc.ok {
			t.Errorf("dyadic(%v) = %d, %d, %v; want %d, %d, %v", tc.rate, b, k, ok, tc.b, tc.k, tc.ok)
		}
	}
}

// TestDropoutMask checks the mask against the documented rule, drawn from a
// second generator in the same state, for a bit-sliced rate and a
// Float32 one, and that the dropped fraction is close to Rate.
func TestDropoutMask(t *testing.T) {
	const n = 100003 // not a multiple of 32
	x := make([]float32, n)
	for i := range x {
		x[i] = 1 + float32(i%7)
	}
	for _, rate := range []float32{0.25, 0.375, 0.3} {
		l := NewDropout(rate, rand.New(rand.NewPCG(11, 12)))
		ref := rand.New(rand.NewPCG(11, 12))
		y := l.Forward(x, true)
		b, k, bits := dyadic(rate)
		var u uint64
		dropped := 0
		for i := range x {
			var drop bool
			if bits {
				per := 64 / int(b)
				if i%per == 0 {
					u = ref.Uint64()
				}
				drop = u&(1<<b-1) < k
				u >>= b
			} else {
				drop = ref.Float32() < rate
			}
			want := x[i] * (1 / (1 - rate))
			if drop {
				want = 0
				dropped++
			}
			if y[i] != want {
				t.Fatalf("rate %v: y[%d] = %v, want %v", rate, i, y[i], want)
			}
		}
		// Binomial(n, rate): allow 5 standard deviations.
		sd := math.Sqrt(n * float64(rate) * (1 - float64(rate)))
		if d := math.Abs(float64(dropped) - n*float64(rate)); d > 5*sd {
			t.Errorf("rate %v: dropped %d of %d", rate, dropped, n)
		}
		// Backward uses the same mask.
		dx := l.Backward(x)
		if !slices.Equal(dx, y) {
			t.Errorf("rate %v: Backward(x) differs from Forward(x)", rate)
		}
	}
}

// TestLeakyReLUSlopes: for slopes in and out of [0, 1], LeakyReLU gives x
// for x > 0 and α·x otherwise, and NaN for NaN (whose dx scale follows its
// sign bit, see scale, and is not checked).
func TestLeakyReLUSlopes(t *testing.T) {
	x := []float32{-3, -1e-45, float32(math.Copysign(0, -1)), 0, 1e-45, 2.5, float32(math.Inf(1)), float32(math.Inf(-1)), float32(math.NaN()), 7, -7}
	dy := make([]float32, len(x))
	for i := range dy {
		dy[i] = float32(i) + 0.5
	}
	for _, a := range []float32{0, 0.2, 1, 1.5, -0.1} {
		l := NewLeakyReLU(a)
		y := l.Forward(x)
		dx := l.Backward(dy)
		for i, v := range x {
			wantY, wantDX := a*v, a*dy[i]
			if v > 0 {
				wantY, wantDX = v, dy[i]
			}
			if v != v {
				if y[i] == y[i] {
					t.Errorf("α %v: LeakyReLU(NaN) = %v", a, y[i])
				}
				continue
			}
			if math.Float32bits(y[i]) != math.Float32bits(wantY) || dx[i] != wantDX {
				t.Errorf("α %v: LeakyReLU(%v) = %v, dx %v; want %v, %v", a, v, y[i], dx[i], wantY, wantDX)
			}
		}
	}
}

// Forward-pass checks against direct definitions (the gradient checks
// only prove Backward matches Forward; these prove Forward is right): the
// convolution against nnref with TensorFlow's output sizes and paddings
// pinned, batch norm's statistics, and Adam against its formula.

package nn

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"acgan/pkg/nn/nnref"
)

func TestConv2DForward(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	cases := []struct {
		cin, cout, k, s, h, w int
		pad                   Padding
		oh, ow, padT, padL    int // TensorFlow's figures
	}{
		{1, 16, 3, 2, 28, 28, Same, 14, 14, 0, 0}, // d.conv1: pad 0 top/left, 1 bottom/right
		{16, 32, 3, 2, 14, 14, Same, 7, 7, 0, 0},  // d.conv2
		{32, 64, 3, 2, 8, 8, Same, 4, 4, 0, 0},    // d.conv3
		{64, 8, 3, 1, 4, 4, Same, 4, 4, 1, 1},     // d.conv4 (fewer outputs)
		{3, 2, 3, 2, 7, 7, Same, 4, 4, 1, 1},      // odd input: pad 1 each side
		{2, 3, 5, 1, 9, 8, Valid, 5, 4, 0, 0},
		{4, 1, 3, 1, 6, 6, Same, 6, 6, 1, 1},   // one output channel: direct
		{3, 1, 3, 1, 5, 70, Same, 5, 70, 1, 1}, // wide rows through the direct path
		{3, 1, 3, 1, 4, 2, Same, 4, 2, 1, 1},
		{3, 1, 3, 1, 4, 1, Same, 4, 1, 1, 1},
		{4, 1, 3, 2, 6, 6, Same, 3, 3, 0, 0}, // one output channel, stride 2: GEMV
	}
	for _, c := range cases {
		for _, budget := range []int{8 << 20, 1} {
			old := colBudget
			colBudget = budget
			l := NewConv2D("c", c.cin, c.cout, c.k, c.s, c.pad)
			GlorotUniform(l.Weight, r)
			copy(l.Bias.W, randVec(r, c.cout, 0.5))
			n := 3
			x := randVec(r, n*c.cin*c.h*c.w, 1)
			y, oh, ow := l.Forward(x, n, c.h, c.w)
			colBudget = old
			if oh != c.oh || ow != c.ow || l.padT != c.padT || l.padL != c.padL {
				t.Fatalf("%+v: out %d×%d pad %d,%d", c, oh, ow, l.padT, l.padL)
			}
			ref := nnref.Conv{Cin: c.cin, Cout: c.cout, K: c.k, S: c.s, Pad: nnref.Padding(c.pad)}
			want, _, _ := ref.Forward(f64(x), n, c.h, c.w, f64(l.Weight.W), f64(l.Bias.W))
			for i := range want {
				if math.Abs(float64(y[i])-want[i]) > 1e-5*(1+math.Abs(want[i])) {
					t.Fatalf("%+v: y[%d] = %v, want %v", c, i, y[i], want[i])
				}
			}
		}
	}
}

func TestBatchNormStatistics(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	l := NewBatchNorm("bn", 2)
	n, hw := 3, 4
	x := randVec(r, n*2*hw, 2)
	y := l.Forward(x, n, hw, true)
	for c := 0; c < 2; c++ {
		var vals []float64
		for i := 0; i < n; i++ {
			for j := 0; j < hw; j++ {
				vals = append(vals, float64(x[(i*2+c)*hw+j]))
			}
		}
		var m, v float64
		for _, a := range vals {
			m += a
		}
		m /= float64(len(vals))
		for _, a := range vals {
			v += (a - m) * (a - m)
		}
		v /= float64(len(vals))
		for i := 0; i < n; i++ {
			for j := 0; j < hw; j++ {
				k := (i*2+c)*hw + j
				want := (float64(x[k]) - m) / math.Sqrt(v+1e-3)
				if math.Abs(float64(y[k])-want) > 1e-5 {
					t.Fatalf("y[%d] = %v, want %v", k, y[k], want)
				}
			}
		}
		// moving stats after one update from (0, 1), momentum 0.8
		unbiased := v * float64(len(vals)) / float64(len(vals)-1)
		if got, want := float64(l.MovingMean.Data[c]), 0.2*m; math.Abs(got-want) > 1e-6 {
			t.Errorf("moving mean %v, want %v", got, want)
		}
		if got, want := float64(l.MovingVar.Data[c]), 0.8+0.2*unbiased; math.Abs(got-want) > 1e-5 {
			t.Errorf("moving var %v, want %v", got, want)
		}
	}
	// Frozen: batch statistics, moving ones untouched.
	mm := append([]float32(nil), l.MovingMean.Data...)
	l.Frozen = true
	l.Forward(randVec(r, n*2*hw, 1), n, hw, true)
	for c := range mm {
		if l.MovingMean.Data[c] != mm[c] {
			t.Error("frozen batch norm updated its moving mean")
		}
	}
	// Inference: moving statistics.
	l.Gamma.W[0], l.Beta.W[0] = 2, 0.5
	yi := l.Forward(x, n, hw, false)
	want := 2*(float64(x[0])-float64(l.MovingMean.Data[0]))/math.Sqrt(float64(l.MovingVar.Data[0])+1e-3) + 0.5
	if math.Abs(float64(yi[0])-want) > 1e-5 {
		t.Errorf("inference y = %v, want %v", yi[0], want)
	}
}

func TestAdam(t *testing.T) {
	p := NewParam("p", 3)
	copy(p.W, []float32{1, -2, 0.5})
	a := NewAdam([]*Param{p}, 2e-4, 0.5, 0.999, 1e-7)
	w := []float64{1, -2, 0.5}
	m, v := make([]float64, 3), make([]float64, 3)
	grads := [][]float32{{0.1, -3, 1e-8}, {0.2, 1, -1e-3}, {-0.5, 0.5, 0}}
	for step, g := range grads {
		copy(p.G, g)
		a.Update()
		tt := float64(step + 1)
		for j := range w {
			m[j] = 0.5*m[j] + 0.5*float64(g[j])
			v[j] = 0.999*v[j] + 0.001*float64(g[j])*float64(g[j])
			mh, vh := m[j]/(1-math.Pow(0.5, tt)), v[j]/(1-math.Pow(0.999, tt))
			w[j] -= 2e-4 * mh / (math.Sqrt(vh) + 1e-7)
			if math.Abs(float64(p.W[j])-w[j]) > 1e-6 {
				t.Fatalf("step %d: w[%d] = %v, want %v", step+1, j, p.W[j], w[j])
			}
		}
	}
	if a.Step != 3 || len(a.States()) != 2 || a.States()[0].Name != "adam.m.p" || a.States()[1].Name != "adam.v.p" {
		t.Errorf("Adam state: step %d, states %v", a.Step, a.States())
	}
}

func TestGlorotUniform(t *testing.T) {
	p := NewParam("w", 64, 32, 3, 3)
	GlorotUniform(p, rand.New(rand.NewPCG(1, 1)))
	limit := math.Sqrt(6.0 / float64(32*9+64*9))
	var maxAbs, sum2 float64
	for _, v := range p.W {
		maxAbs = max(maxAbs, math.Abs(float64(v)))
		sum2 += float64(v) * float64(v)
	}
	if maxAbs > limit || maxAbs < 0.95*limit {
		t.Errorf("max |w| %v, limit %v", maxAbs, limit)
	}
	if std, want := math.Sqrt(sum2/float64(len(p.W))), limit/math.Sqrt(3); math.Abs(std-want) > 0.05*want {
		t.Errorf("std %v, want %v", std, want)
	}
}

// TestUpConv2DEqualsUpsampleThenConv: the fused layer computes the same
// output and gradients as Upsample2x followed by a 3×3 same Conv2D (and a
// ReLU, when the fused layer applies it).
func TestUpConv2DEqualsUpsampleThenConv(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 9))
	for _, c := range []struct{ n, cin, cout, h, w int }{{2, 3, 4, 3, 5}, {3, 5, 2, 7, 7}, {1, 2, 1, 1, 1}, {4, 3, 20, 6, 5}} {
		for _, budget := range []int{8 << 20, 1} {
			for _, relu := range []bool{false, true} {
				old := colBudget
				colBudget = budget
				fused := NewUpConv2D("f", c.cin, c.cout)
				fused.ReLU = relu
				conv := NewConv2D("c", c.cin, c.cout, 3, 1, Same)
				var up Upsample2x
				var act ReLU
				GlorotUniform(conv.Weight, r)
				copy(conv.Bias.W, randVec(r, c.cout, 0.5))
				copy(fused.Weight.W, conv.Weight.W)
				copy(fused.Bias.W, conv.Bias.W)
				x := randVec(r, c.n*c.cin*c.h*c.w, 1)
				yf := fused.Forward(x, c.n, c.h, c.w)
				yc, _, _ := conv.Forward(up.Forward(x, c.n*c.cin, c.h, c.w), c.n, 2*c.h, 2*c.w)
				if relu {
					yc = act.Forward(yc)
				}
				near := func(what string, a, b []float32) {
					t.Helper()
					if len(a) != len(b) {
						t.Fatalf("%+v relu %v %s: lengths %d, %d", c, relu, what, len(a), len(b))
					}
					for i := range a {
						if math.Abs(float64(a[i]-b[i])) > 5e-5*(1+math.Abs(float64(b[i]))) { // float32 sums in different orders
							t.Fatalf("%+v relu %v %s[%d]: fused %v, unfused %v", c, relu, what, i, a[i], b[i])
						}
					}
				}
				near("y", yf, yc)
				dy := randVec(r, len(yc), 1)
				dxf := fused.Backward(dy, true)
				if relu {
					dy = act.Backward(dy)
				}
				dxc := up.Backward(conv.Backward(dy, true))
				near("dx", dxf, dxc)
				near("dW", fused.Weight.G, conv.Weight.G)
				near("db", fused.Bias.G, conv.Bias.G)
				colBudget = old
			}
		}
	}
}

// TestActivationsExact pins the branch-free ReLU and LeakyReLU to their
// definitions, including zeros, negative zero and extremes.
func TestActivationsExact(t *testing.T) {
	x := []float32{-3, -1e-30, float32(math.Copysign(0, -1)), 0, 1e-30, 2.5, -math.MaxFloat32, math.MaxFloat32, float32(math.Inf(1)), float32(math.Inf(-1))}
	dy := make([]float32, len(x))
	for i := range dy {
		dy[i] = float32(i) + 0.5
	}
	var r ReLU
	y := r.Forward(x)
	dx := r.Backward(dy)
	for i, v := range x {
		wantY, wantDX := float32(0), float32(0)
		if v > 0 {
			wantY, wantDX = v, dy[i]
		}
		if y[i] != wantY || math.Signbit(float64(y[i])) || dx[i] != wantDX {
			t.Errorf("ReLU(%v) = %v, dx %v; want %v, %v", v, y[i], dx[i], wantY, wantDX)
		}
	}
	l := NewLeakyReLU(0.2)
	y = l.Forward(x)
	dx = l.Backward(dy)
	for i, v := range x {
		wantY, wantDX := 0.2*v, 0.2*dy[i]
		if v > 0 {
			wantY, wantDX = v, dy[i]
		}
		if y[i] != wantY || dx[i] != wantDX {
			t.Errorf("LeakyReLU(%v) = %v, dx %v; want %v, %v", v, y[i], dx[i], wantY, wantDX)
		}
	}
}

// TestUpConv2DShapeChanges: one layer run on batches of changing size and
// image size (its padded buffers and offset tables are rebuilt, their zero
// borders must stay zero) gives what a fresh layer gives, forward and
// backward, including after inference-only calls.
func TestUpConv2DShapeChanges(t *testing.T) {
	r := rand.New(rand.NewPCG(10, 10))
	const cin, cout = 3, 5
	w := randVec(r, cout*cin*9, 0.5)
	b := randVec(r, cout, 0.5)
	newLayer := func() *UpConv2D {
		l := NewUpConv2D("u", cin, cout)
		l.ReLU = true
		copy(l.Weight.W, w)
		copy(l.Bias.W, b)
		return l
	}
	reused := newLayer()
	for step, s := range []struct {
		n, h, w  int
		backward bool
	}{{4, 3, 3, true}, {2, 3, 3, false}, {2, 3, 3, true}, {5, 2, 4, true}, {1, 3, 3, false}, {4, 3, 3, true}} {
		// Large inputs, so that garbage in a border would show.
		x := randVec(r, s.n*cin*s.h*s.w, 10)
		fresh := newLayer()
		want := append([]float32(nil), fresh.Forward(x, s.n, s.h, s.w)...)
		got := reused.Forward(x, s.n, s.h, s.w)
		if !slices.Equal(got, want) {
			t.Fatalf("step %d %+v: forward differs from a fresh layer", step, s)
		}
		if !s.backward {
			continue
		}
		dy := randVec(r, len(want), 1)
		wantDX := append([]float32(nil), fresh.Backward(dy, true)...)
		gotDX := reused.Backward(dy, true)
		if !slices.Equal(gotDX, wantDX) || !slices.Equal(reused.Weight.G, fresh.Weight.G) || !slices.Equal(reused.Bias.G, fresh.Bias.G) {
			t.Fatalf("step %d %+v: backward differs from a fresh layer", step, s)
		}
	}
}

// Finite-difference gradient checks for every layer and loss.
//
// Each check defines a scalar L = Σ_i w_i·y_i with fixed random weights w,
// runs Backward with dy = w, and compares every analytic gradient with the
// central difference (L(x+h) − L(x−h)) / (x+h − x−h), where L is summed in
// float64 and the denominator is the difference of the float32 values
// actually stored. The comparison is norm-wise over each tensor:
// ‖numeric − analytic‖ ≤ tol·‖numeric‖ (+ a tiny absolute floor).

package nn

import (
	"math"
	"math/rand/v2"
	"testing"
)

type gvar struct {
	name string
	x    []float32        // values to perturb
	grad func() []float32 // analytic gradient after backward
}

const (
	fdStep = 1e-2
	fdTol  = 1e-3
)

func randVec(r *rand.Rand, n int, scale float64) []float32 {
	v := make([]float32, n)
	for i := range v {
		v[i] = float32(r.NormFloat64() * scale)
	}
	return v
}

// awayFromZero returns values with |v| in [0.2, 1.2] and random sign, for
// layers with a kink at 0.
func awayFromZero(r *rand.Rand, n int) []float32 {
	v := make([]float32, n)
	for i := range v {
		v[i] = float32(0.2 + r.Float64())
		if r.IntN(2) == 0 {
			v[i] = -v[i]
		}
	}
	return v
}

func dot64(w, y []float32) float64 {
	var s float64
	for i := range w {
		s += float64(w[i]) * float64(y[i])
	}
	return s
}

// checkGrads runs the finite-difference check described above. forward
// must recompute the output from the current values of every gvar.x;
// backward gets dL/dy.
func checkGrads(t *testing.T, name string, forward func() []float32, backward func(dy []float32), vars []gvar) {
	t.Helper()
	r := rand.New(rand.NewPCG(11, 13))
	y := forward()
	w := randVec(r, len(y), 1)
	backward(w)
	ana := make([][]float32, len(vars))
	for i, v := range vars {
		ana[i] = append([]float32(nil), v.grad()...)
	}
	for vi, v := range vars {
		var num2, diff2 float64
		for i := range v.x {
			orig := v.x[i]
			v.x[i] = orig + fdStep
			xp := v.x[i]
			lp := dot64(w, forward())
			v.x[i] = orig - fdStep
			xm := v.x[i]
			lm := dot64(w, forward())
			v.x[i] = orig
			num := (lp - lm) / (float64(xp) - float64(xm))
			e := num - float64(ana[vi][i])
			num2 += num * num
			diff2 += e * e
		}
		rel := math.Sqrt(diff2) / (math.Sqrt(num2) + 1e-6)
		t.Logf("%s: d/d%s: relative error %.2g", name, v.name, rel)
		if rel > fdTol {
			t.Errorf("%s: d/d%s: relative error %.3g > %g", name, v.name, rel, fdTol)
		}
	}
}

func paramVars(ps ...*Param) []gvar {
	var vs []gvar
	for _, p := range ps {
		vs = append(vs, gvar{p.Name, p.W, func() []float32 { return p.G }})
	}
	return vs
}

func TestGradDense(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 1))
	for _, out := range []int{1, 5} {
		l := NewDense("dense", 7, out)
		GlorotUniform(l.Weight, r)
		copy(l.Bias.W, randVec(r, out, 0.1))
		x := randVec(r, 3*7, 1)
		var dx []float32
		checkGrads(t, "Dense", func() []float32 { return l.Forward(x, 3) },
			func(dy []float32) { dx = l.Backward(dy, true) },
			append(paramVars(l.Weight, l.Bias), gvar{"x", x, func() []float32 { return dx }}))
	}
}

func TestGradConv2D(t *testing.T) {
	r := rand.New(rand.NewPCG(2, 2))
	cases := []struct {
		name                  string
		cin, cout, k, s, h, w int
		pad                   Padding
		n                     int
	}{
		{"3x3 s1 same", 3, 4, 3, 1, 5, 6, 0, 2},
		{"3x3 s2 same even (pad 0 top/left, 1 bottom/right)", 2, 3, 3, 2, 6, 6, Same, 2},
		{"3x3 s2 same odd", 2, 3, 3, 2, 7, 5, Same, 2},
		{"3x3 s2 same 8x8 -> 4x4", 3, 2, 3, 2, 8, 8, Same, 2},
		{"cin 1", 1, 4, 3, 2, 6, 6, Same, 3},
		{"cout 1", 4, 1, 3, 1, 5, 5, Same, 2},
		{"cout 1 (im2col)", 4, 1, 3, 1, 5, 5, Same, -2},
		{"cout 1 one column", 2, 1, 3, 1, 4, 1, Same, 2},
		{"cout 1 wide rows", 2, 1, 3, 1, 3, 70, Same, 1},
		{"cout 3", 4, 3, 3, 1, 5, 5, Same, 2},
		{"cout 3 (im2col)", 4, 3, 3, 1, 5, 5, Same, -2},
		{"cout 2 one column", 2, 2, 3, 1, 4, 1, Same, 2},
		{"cout 4 wide rows", 2, 4, 3, 1, 3, 70, Same, 1},
		{"5x5 valid", 2, 3, 5, 1, 7, 8, Valid, 2},
	}
	for _, c := range cases {
		useDirect = c.n > 0 // a negative n: the same case through im2col
		c.n = max(c.n, -c.n)
		for _, budget := range []int{8 << 20, 1} { // whole batch, then one sample per chunk
			old := colBudget
			colBudget = budget
			l := NewConv2D("conv", c.cin, c.cout, c.k, c.s, c.pad)
			GlorotUniform(l.Weight, r)
			copy(l.Bias.W, randVec(r, c.cout, 0.1))
			x := randVec(r, c.n*c.cin*c.h*c.w, 1)
			var dx []float32
			checkGrads(t, "Conv2D "+c.name, func() []float32 { y, _, _ := l.Forward(x, c.n, c.h, c.w); return y },
				func(dy []float32) { dx = l.Backward(dy, true) },
				append(paramVars(l.Weight, l.Bias), gvar{"x", x, func() []float32 { return dx }}))
			colBudget = old
		}
	}
	useDirect = true
}

func TestGradBatchNorm(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 3))
	for _, training := range []bool{true, false} {
		for _, frozen := range []bool{false, true} {
			l := NewBatchNorm("bn", 3)
			copy(l.Gamma.W, randVec(r, 3, 1))
			copy(l.Beta.W, randVec(r, 3, 1))
			for i := range l.MovingMean.Data {
				l.MovingMean.Data[i] = float32(r.NormFloat64())
				l.MovingVar.Data[i] = float32(0.5 + r.Float64())
			}
			x := randVec(r, 4*3*5, 2)
			var dx []float32
			vars := []gvar{{"x", x, func() []float32 { return dx }}}
			if !frozen {
				vars = append(vars, paramVars(l.Gamma, l.Beta)...)
			}
			l.Frozen = frozen
			name := map[bool]string{true: "BatchNorm training", false: "BatchNorm inference"}[training]
			checkGrads(t, name, func() []float32 { return l.Forward(x, 4, 5, training) },
				func(dy []float32) { dx = l.Backward(dy) }, vars)
		}
	}
}

func TestGradActivations(t *testing.T) {
	r := rand.New(rand.NewPCG(4, 4))
	n := 30
	{
		var l ReLU
		x := awayFromZero(r, n)
		var dx []float32
		checkGrads(t, "ReLU", func() []float32 { return l.Forward(x) }, func(dy []float32) { dx = l.Backward(dy) },
			[]gvar{{"x", x, func() []float32 { return dx }}})
	}
	{
		l := NewLeakyReLU(0.2)
		x := awayFromZero(r, n)
		var dx []float32
		checkGrads(t, "LeakyReLU", func() []float32 { return l.Forward(x) }, func(dy []float32) { dx = l.Backward(dy) },
			[]gvar{{"x", x, func() []float32 { return dx }}})
	}
	{
		l := NewTanh()
		x := randVec(r, n, 1.5)
		var dx []float32
		checkGrads(t, "Tanh", func() []float32 { return l.Forward(x) }, func(dy []float32) { dx = l.Backward(dy) },
			[]gvar{{"x", x, func() []float32 { return dx }}})
	}
	{
		var l Sigmoid
		x := randVec(r, n, 2)
		var dx []float32
		checkGrads(t, "Sigmoid", func() []float32 { return l.Forward(x) }, func(dy []float32) { dx = l.Backward(dy) },
			[]gvar{{"x", x, func() []float32 { return dx }}})
	}
	{
		l := NewSoftmax(5)
		x := randVec(r, 4*5, 2)
		var dx []float32
		checkGrads(t, "Softmax", func() []float32 { return l.Forward(x) }, func(dy []float32) { dx = l.Backward(dy) },
			[]gvar{{"x", x, func() []float32 { return dx }}})
	}
}

func TestGradDropout(t *testing.T) {
	l := NewDropout(0.25, nil)
	x := randVec(rand.New(rand.NewPCG(5, 5)), 200, 1)
	var dx []float32
	checkGrads(t, "Dropout", func() []float32 {
		l.R = rand.New(rand.NewPCG(9, 9)) // the same mask every time
		return l.Forward(x, true)
	}, func(dy []float32) { dx = l.Backward(dy) }, []gvar{{"x", x, func() []float32 { return dx }}})
	// Statistics: about Rate of the elements dropped, survivors scaled.
	zeros := 0
	for i, v := range l.Forward(x, true) {
		if v == 0 {
			zeros++
		} else if math.Abs(float64(v-x[i]/0.75)) > 1e-6 {
			t.Fatalf("survivor %d: %v, want %v", i, v, x[i]/0.75)
		}
	}
	if zeros < 30 || zeros > 70 {
		t.Errorf("dropout 0.25 dropped %d of 200", zeros)
	}
	if y := l.Forward(x, false); &y[0] != &x[0] {
		t.Error("dropout in inference is not the identity")
	}
}

func TestGradEmbedding(t *testing.T) {
	r := rand.New(rand.NewPCG(6, 6))
	l := NewEmbedding("emb", 4, 3)
	Uniform(l.Weight, 0.05, r)
	labels := []int{2, 0, 2, 3, 2}
	checkGrads(t, "Embedding", func() []float32 { return l.Forward(labels) }, func(dy []float32) { l.Backward(dy) },
		paramVars(l.Weight))
}

func TestGradShapeLayers(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	{
		var l Upsample2x
		x := randVec(r, 2*3*4, 1)
		var dx []float32
		checkGrads(t, "Upsample2x", func() []float32 { return l.Forward(x, 2, 3, 4) }, func(dy []float32) { dx = l.Backward(dy) },
			[]gvar{{"x", x, func() []float32 { return dx }}})
	}
	{
		var l ZeroPad
		x := randVec(r, 2*3*4, 1)
		var dx []float32
		checkGrads(t, "ZeroPad", func() []float32 { return l.Forward(x, 2, 3, 4) }, func(dy []float32) { dx = l.Backward(dy) },
			[]gvar{{"x", x, func() []float32 { return dx }}})
	}
	{
		var l MaxPool2D
		// distinct values, at least 2·fdStep apart, so the argmax is stable
		x := make([]float32, 2*5*4)
		for i, p := range r.Perm(len(x)) {
			x[i] = float32(p) * 0.1
		}
		var dx []float32
		checkGrads(t, "MaxPool2D", func() []float32 { return l.Forward(x, 2, 5, 4) }, func(dy []float32) { dx = l.Backward(dy) },
			[]gvar{{"x", x, func() []float32 { return dx }}})
	}
}

// TestGradLosses checks both losses, including logits on each side of the
// clip boundary, where Keras's gradient is zero.
func TestGradLosses(t *testing.T) {
	// sigmoid(x) = 1−1e-7 at x ≈ 16.118: 16.0 is inside, 16.4 outside.
	x := []float32{0.3, -1.2, 2.5, 16.0, -16.0, 16.4, -16.4, 30, -30, 4}
	tg := []float32{1, 0, 1, 1, 1, 1, 0, 1, 1, 0}
	dx := make([]float32, len(x))
	checkGrads(t, "SigmoidBCE", func() []float32 { return []float32{float32(SigmoidBCE(x, tg, nil))} },
		func(dy []float32) {
			SigmoidBCE(x, tg, dx)
			for i := range dx {
				dx[i] *= dy[0]
			}
		}, []gvar{{"x", x, func() []float32 { return dx }}})
	for _, i := range []int{5, 6, 7, 8} {
		if dx[i] != 0 {
			t.Errorf("SigmoidBCE: gradient %v at clipped logit %v, want 0", dx[i], x[i])
		}
	}

	const K = 4
	// rows: ordinary; p_label ≈ 1e-9 (clipped below); p_label ≈ 1−1e-8
	// (clipped above); p_label just inside the lower clip.
	lx := []float32{
		0.5, -0.3, 1.2, 0.1,
		-20, 0, 0, 0,
		20, 0, 0, 0,
		-14.5, 0, 0.5, 0,
	}
	labels := []int{2, 0, 0, 0}
	ldx := make([]float32, len(lx))
	f := func() float64 {
		v, err := SoftmaxCCE(lx, K, labels, nil)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	checkGrads(t, "SoftmaxCCE", func() []float32 { return []float32{float32(f())} },
		func(dy []float32) {
			if _, err := SoftmaxCCE(lx, K, labels, ldx); err != nil {
				t.Fatal(err)
			}
			for i := range ldx {
				ldx[i] *= dy[0]
			}
		}, []gvar{{"x", lx, func() []float32 { return ldx }}})
	for j := 4; j < 12; j++ {
		if ldx[j] != 0 {
			t.Errorf("SoftmaxCCE: gradient %v in a clipped row, want 0", ldx[j])
		}
	}
	if ldx[12] == 0 {
		t.Error("SoftmaxCCE: zero gradient just inside the clip range")
	}
}

// TestLossValuesAtClip compares the losses with Keras's formula written
// out: clip the probability, then take the log.
func TestLossValuesAtClip(t *testing.T) {
	keras := func(p float64) float64 { return math.Min(math.Max(p, ClipEps), 1-ClipEps) }
	for _, x := range []float32{-40, -16.2, -16, -3, 0, 2, 16, 16.2, 40} {
		for _, tv := range []float32{0, 1, 0.3} {
			p := keras(sigmoid64(float64(x)))
			want := -(float64(tv)*math.Log(p) + (1-float64(tv))*math.Log(1-p))
			got := SigmoidBCE([]float32{x}, []float32{tv}, nil)
			if math.Abs(got-want) > 1e-9*math.Max(1, want) {
				t.Errorf("SigmoidBCE(%v, %v) = %v, want %v", x, tv, got, want)
			}
		}
	}
	for _, row := range [][]float32{{30, 0, 0}, {-30, 0, 0}, {1, 2, 3}, {-16, 0, 0}} {
		var s float64
		for _, v := range row {
			s += math.Exp(float64(v))
		}
		want := -math.Log(keras(math.Exp(float64(row[0])) / s))
		got, _ := SoftmaxCCE(row, 3, []int{0}, nil)
		if math.Abs(got-want) > 1e-9*math.Max(1, want) {
			t.Errorf("SoftmaxCCE(%v, 0) = %v, want %v", row, got, want)
		}
	}
	if _, err := SoftmaxCCE([]float32{1, 2}, 2, []int{2}, nil); err == nil {
		t.Error("SoftmaxCCE accepted label 2 of 2")
	}
}

func TestGradUpConv2D(t *testing.T) {
	r := rand.New(rand.NewPCG(8, 8))
	for _, budget := range []int{8 << 20, 1} { // whole batch, then one sample per chunk
		old := colBudget
		colBudget = budget
		l := NewUpConv2D("upconv", 3, 4)
		GlorotUniform(l.Weight, r)
		copy(l.Bias.W, randVec(r, 4, 0.1))
		x := randVec(r, 2*3*3*4, 1)
		var dx []float32
		checkGrads(t, "UpConv2D", func() []float32 { return l.Forward(x, 2, 3, 4) },
			func(dy []float32) { dx = l.Backward(dy, true) },
			append(paramVars(l.Weight, l.Bias), gvar{"x", x, func() []float32 { return dx }}))
		colBudget = old
	}
}

func TestGradMinibatchStdDev(t *testing.T) {
	r := rand.New(rand.NewPCG(12, 12))
	for _, c := range []struct{ n, group int }{{4, 4}, {6, 4}, {6, 2}, {2, 4}} {
		l := NewMinibatchStdDev(c.group)
		x := randVec(r, c.n*2*3, 1)
		var dx []float32
		checkGrads(t, "MinibatchStdDev", func() []float32 { return l.Forward(x, c.n, 2, 3) },
			func(dy []float32) { dx = l.Backward(dy) }, []gvar{{"x", x, func() []float32 { return dx }}})
	}
}

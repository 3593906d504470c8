// Every backward function against central differences of its forward
// function, in float64: for L = Σ_i u_i·y_i with fixed random u, each
// analytic gradient g of an input v is compared with
// (L(v + h) − L(v − h))/2h, h = 1e-6, norm-wise: ‖numeric − g‖ ≤ 1e-6·‖numeric‖
// (the differences are accurate to about 1e-9 here). Inputs stay at least
// 0.1 away from the kinks of ReLU, LeakyReLU and max pooling. The forward
// functions are checked against the fast layers in pkg/nn's tests, which
// also check those against direct definitions; together the two make the
// reference trustworthy on its own.

package nnref

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

const (
	fdStep = 1e-6
	fdTol  = 1e-6
)

// input is a value the check perturbs and the analytic gradient of L with
// respect to it (set by the backward function).
type input struct {
	name string
	v    []float64
	grad *[]float64
}

func normal(r *rand.Rand, n int) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = r.NormFloat64()
	}
	return v
}

// awayFromZero returns values of random sign with |v| in [0.1, 1.1].
func awayFromZero(r *rand.Rand, n int) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = 0.1 + r.Float64()
		if r.IntN(2) == 0 {
			v[i] = -v[i]
		}
	}
	return v
}

// distinct returns n values 0.2 apart in random order, so that the
// maximum of a pooling block does not change under a step.
func distinct(r *rand.Rand, n int) []float64 {
	v := make([]float64, n)
	for i, p := range r.Perm(n) {
		v[i] = 0.2*float64(p) - 0.1*float64(n)
	}
	return v
}

func checkGrads(t *testing.T, name string, forward func() []float64, backward func(dy []float64), ins []input) {
	t.Helper()
	r := rand.New(rand.NewPCG(5, 5))
	u := normal(r, len(forward()))
	backward(u)
	loss := func() float64 {
		var s float64
		for i, y := range forward() {
			s += u[i] * y
		}
		return s
	}
	for _, in := range ins {
		g := *in.grad
		if len(g) != len(in.v) {
			t.Errorf("%s: d/d%s has %d values for %d", name, in.name, len(g), len(in.v))
			continue
		}
		var num2, diff2 float64
		for i := range in.v {
			orig := in.v[i]
			in.v[i] = orig + fdStep
			lp := loss()
			in.v[i] = orig - fdStep
			lm := loss()
			in.v[i] = orig
			num := (lp - lm) / (2 * fdStep)
			num2 += num * num
			diff2 += (num - g[i]) * (num - g[i])
		}
		if rel := math.Sqrt(diff2) / max(math.Sqrt(num2), 1e-12); !(rel <= fdTol) {
			t.Errorf("%s: d/d%s: relative error %.3g > %g", name, in.name, rel, fdTol)
		}
	}
}

func TestDenseGrad(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 1))
	for _, s := range []struct{ n, in, out int }{{1, 1, 1}, {3, 7, 5}, {2, 4, 1}} {
		l := Dense{In: s.in, Out: s.out}
		x, w, b := normal(r, s.n*s.in), normal(r, s.out*s.in), normal(r, s.out)
		var dx, dw, db []float64
		checkGrads(t, fmt.Sprintf("Dense %+v", s), func() []float64 { return l.Forward(x, s.n, w, b) },
			func(dy []float64) { dx, dw, db = l.Backward(x, s.n, w, dy) },
			[]input{{"x", x, &dx}, {"w", w, &dw}, {"b", b, &db}})
	}
}

func TestConvGrad(t *testing.T) {
	r := rand.New(rand.NewPCG(2, 2))
	for _, s := range []struct {
		c       Conv
		n, h, w int
	}{
		{Conv{2, 3, 3, 1, Same}, 2, 5, 4},
		{Conv{2, 3, 3, 2, Same}, 2, 6, 6}, // padding 0 top/left, 1 bottom/right
		{Conv{1, 2, 3, 2, Same}, 1, 7, 5}, // padding 1 on each side
		{Conv{3, 1, 3, 1, Same}, 2, 4, 4},
		{Conv{2, 2, 2, 1, Same}, 1, 3, 3}, // even kernel: the extra pixel after
		{Conv{2, 3, 5, 2, Valid}, 2, 9, 8},
		{Conv{1, 1, 3, 3, Same}, 1, 1, 1},
	} {
		x, w, b := normal(r, s.n*s.c.Cin*s.h*s.w), normal(r, s.c.Cout*s.c.Cin*s.c.K*s.c.K), normal(r, s.c.Cout)
		var dx, dw, db []float64
		checkGrads(t, fmt.Sprintf("Conv %+v", s), func() []float64 { y, _, _ := s.c.Forward(x, s.n, s.h, s.w, w, b); return y },
			func(dy []float64) { dx, dw, db = s.c.Backward(x, s.n, s.h, s.w, w, dy) },
			[]input{{"x", x, &dx}, {"w", w, &dw}, {"b", b, &db}})
	}
}

// TestConvGeometry pins TensorFlow's output sizes and paddings.
func TestConvGeometry(t *testing.T) {
	for _, c := range []struct {
		conv                    Conv
		h, w, oh, ow, top, left int
	}{
		{Conv{1, 1, 3, 2, Same}, 28, 28, 14, 14, 0, 0},
		{Conv{1, 1, 3, 2, Same}, 7, 7, 4, 4, 1, 1},
		{Conv{1, 1, 3, 1, Same}, 4, 5, 4, 5, 1, 1},
		{Conv{1, 1, 4, 1, Same}, 6, 6, 6, 6, 1, 1},
		{Conv{1, 1, 5, 2, Valid}, 9, 8, 3, 2, 0, 0},
	} {
		oh, ow, top, left := c.conv.Geometry(c.h, c.w)
		if oh != c.oh || ow != c.ow || top != c.top || left != c.left {
			t.Errorf("%+v on %d×%d: %d×%d padded %d, %d; want %d×%d padded %d, %d", c.conv, c.h, c.w, oh, ow, top, left, c.oh, c.ow, c.top, c.left)
		}
	}
}

func TestUpConvGrad(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 3))
	for _, relu := range []bool{false, true} {
		u := UpConv{Cin: 2, Cout: 3, ReLU: relu}
		n, h, w := 2, 3, 2
		x, wt, b := normal(r, n*2*h*w), normal(r, 3*2*9), normal(r, 3)
		var dx, dw, db []float64
		checkGrads(t, fmt.Sprintf("UpConv relu %v", relu), func() []float64 { return u.Forward(x, n, h, w, wt, b) },
			func(dy []float64) { dx, dw, db = u.Backward(x, n, h, w, wt, b, dy) },
			[]input{{"x", x, &dx}, {"w", wt, &dw}, {"b", b, &db}})
	}
}

func TestBatchNormGrad(t *testing.T) {
	r := rand.New(rand.NewPCG(4, 4))
	for _, s := range []struct{ n, c, hw int }{{4, 3, 5}, {1, 2, 7}, {3, 1, 1}} {
		l := BatchNorm{C: s.c, Eps: 1e-3, Momentum: 0.8}
		x, g, b := normal(r, s.n*s.c*s.hw), normal(r, s.c), normal(r, s.c)
		mm, mv := normal(r, s.c), make([]float64, s.c)
		for i := range mv {
			mv[i] = 0.5 + r.Float64()
		}
		var dx, dg, db []float64
		checkGrads(t, fmt.Sprintf("BatchNorm training %+v", s), func() []float64 { y, _, _ := l.Train(x, s.n, s.hw, g, b, mm, mv); return y },
			func(dy []float64) { dx, dg, db = l.TrainBackward(x, s.n, s.hw, g, dy) },
			[]input{{"x", x, &dx}, {"γ", g, &dg}, {"β", b, &db}})
		checkGrads(t, fmt.Sprintf("BatchNorm inference %+v", s), func() []float64 { return l.Infer(x, s.n, s.hw, g, b, mm, mv) },
			func(dy []float64) { dx, dg, db = l.InferBackward(x, s.n, s.hw, g, mm, mv, dy) },
			[]input{{"x", x, &dx}, {"γ", g, &dg}, {"β", b, &db}})
	}
}

// TestBatchNormMoving checks the moving statistics after one batch against
// numbers worked out by hand: one channel holding 1, 2, 3, 6 (mean 3,
// biased variance 3.5, unbiased 14/3).
func TestBatchNormMoving(t *testing.T) {
	l := BatchNorm{C: 1, Eps: 1e-3, Momentum: 0.8}
	_, m, v := l.Train([]float64{1, 2, 3, 6}, 2, 2, []float64{1}, []float64{0}, []float64{0.5}, []float64{2})
	if wantM, wantV := 0.8*0.5+0.2*3, 0.8*2+0.2*14.0/3; math.Abs(m[0]-wantM) > 1e-15 || math.Abs(v[0]-wantV) > 1e-15 {
		t.Errorf("moving mean %v, var %v; want %v, %v", m[0], v[0], wantM, wantV)
	}
}

func TestElementwiseGrads(t *testing.T) {
	r := rand.New(rand.NewPCG(6, 6))
	x := awayFromZero(r, 40)
	var dx []float64
	ins := []input{{"x", x, &dx}}
	checkGrads(t, "ReLU", func() []float64 { return ReLU(x) }, func(dy []float64) { dx = ReLUBackward(x, dy) }, ins)
	checkGrads(t, "LeakyReLU", func() []float64 { return LeakyReLU(x, 0.2) }, func(dy []float64) { dx = LeakyReLUBackward(x, 0.2, dy) }, ins)
	checkGrads(t, "Tanh", func() []float64 { return Tanh(x) }, func(dy []float64) { dx = TanhBackward(x, dy) }, ins)
	checkGrads(t, "Sigmoid", func() []float64 { return Sigmoid(x) }, func(dy []float64) { dx = SigmoidBackward(x, dy) }, ins)
	checkGrads(t, "Softmax", func() []float64 { return Softmax(x, 8) }, func(dy []float64) { dx = SoftmaxBackward(x, 8, dy) }, ins)
	keep := make([]bool, len(x))
	for i := range keep {
		keep[i] = r.IntN(4) != 0
	}
	checkGrads(t, "Dropout", func() []float64 { return Dropout(x, keep, 0.25) }, func(dy []float64) { dx = DropoutBackward(keep, 0.25, dy) }, ins)
}

func TestShapeGrads(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	nc, h, w := 3, 5, 4
	x := normal(r, nc*h*w)
	var dx []float64
	ins := []input{{"x", x, &dx}}
	checkGrads(t, "ZeroPad", func() []float64 { return ZeroPad(x, nc, h, w, 0, 1, 2, 1) },
		func(dy []float64) { dx = ZeroPadBackward(dy, nc, h, w, 0, 1, 2, 1) }, ins)
	checkGrads(t, "Upsample2x", func() []float64 { return Upsample2x(x, nc, h, w) },
		func(dy []float64) { dx = Upsample2xBackward(dy, nc, h, w) }, ins)
	q := distinct(r, nc*h*w)
	checkGrads(t, "MaxPool", func() []float64 { return MaxPool(q, nc, h, w) },
		func(dy []float64) { dx = MaxPoolBackward(q, nc, h, w, dy) }, []input{{"x", q, &dx}})
}

func TestEmbeddingGrad(t *testing.T) {
	r := rand.New(rand.NewPCG(8, 8))
	l := Embedding{V: 5, D: 3}
	w := normal(r, 5*3)
	labels := []int{2, 0, 2, 4, 2} // label 1 and 3 unused
	var dw []float64
	checkGrads(t, "Embedding", func() []float64 { return l.Forward(w, labels) },
		func(dy []float64) { dw = l.Backward(labels, dy) }, []input{{"w", w, &dw}})
}

// TestLossGrads includes logits where Keras's clip is active (zero
// gradient, flat loss) and targets between 0 and 1.
func TestLossGrads(t *testing.T) {
	x := []float64{0.3, -1.2, 2.5, 16.0, -16.0, 16.4, -16.4, 30, -30, 4}
	tg := []float64{1, 0, 1, 1, 1, 1, 0, 1, 1, 0.3}
	var dx []float64
	checkGrads(t, "SigmoidBCE", func() []float64 { l, _ := SigmoidBCE(x, tg); return []float64{l} },
		func(dy []float64) {
			_, dx = SigmoidBCE(x, tg)
			for i := range dx {
				dx[i] *= dy[0]
			}
		}, []input{{"x", x, &dx}})
	for _, i := range []int{5, 6, 7, 8} {
		if dx[i] != 0 {
			t.Errorf("SigmoidBCE: gradient %v at the clipped logit %v", dx[i], x[i])
		}
	}
	lx := []float64{0.5, -0.3, 1.2, 0.1, -20, 0, 0, 0, 20, 0, 0, 0, -14.5, 0, 0.5, 0}
	labels := []int{2, 0, 0, 0}
	checkGrads(t, "SoftmaxCCE", func() []float64 { l, _ := SoftmaxCCE(lx, 4, labels); return []float64{l} },
		func(dy []float64) {
			_, dx = SoftmaxCCE(lx, 4, labels)
			for i := range dx {
				dx[i] *= dy[0]
			}
		}, []input{{"x", lx, &dx}})
	for j := 4; j < 12; j++ {
		if dx[j] != 0 {
			t.Errorf("SoftmaxCCE: gradient %v in a clipped row", dx[j])
		}
	}
}

// TestLossValues pins both losses to numbers worked out by hand.
func TestLossValues(t *testing.T) {
	l, _ := SigmoidBCE([]float64{0, math.Log(3)}, []float64{1, 0}) // p = 1/2, 3/4
	if want := (math.Log(2) + math.Log(4)) / 2; math.Abs(l-want) > 1e-15 {
		t.Errorf("SigmoidBCE = %v, want %v", l, want)
	}
	l, _ = SoftmaxCCE([]float64{0, math.Log(3)}, 2, []int{0}) // p = 1/4
	if want := math.Log(4); math.Abs(l-want) > 1e-15 {
		t.Errorf("SoftmaxCCE = %v, want %v", l, want)
	}
	l, _ = SigmoidBCE([]float64{100}, []float64{0}) // p clipped to 1 − 1e-7
	if want := -math.Log(ClipEps); math.Abs(l-want) > 1e-9 {
		t.Errorf("SigmoidBCE clipped = %v, want %v", l, want)
	}
}

func TestMinibatchStdDevGrads(t *testing.T) {
	r := rand.New(rand.NewPCG(8, 8))
	for _, c := range []struct{ n, group int }{{4, 4}, {6, 4}, {6, 2}, {3, 8}, {1, 4}} {
		ch, hw := 2, 3
		x := normal(r, c.n*ch*hw)
		var dx []float64
		checkGrads(t, fmt.Sprintf("MinibatchStdDev n %d group %d", c.n, c.group),
			func() []float64 { return MinibatchStdDev(x, c.n, ch, hw, c.group) },
			func(dy []float64) { dx = MinibatchStdDevBackward(x, c.n, ch, hw, c.group, dy) }, []input{{"x", x, &dx}})
	}
}

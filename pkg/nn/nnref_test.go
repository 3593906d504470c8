// Every layer against its float64 reference in acgan/pkg/nn/nnref, forward
// and backward (parameter gradients and dx), on many shapes: the model's
// own, and random small ones with odd sizes, batch 1, and one channel or
// several. The inputs are float32 values, so the reference sees exactly
// what the layer sees; what differs is the layer's float32 arithmetic.
//
// Errors are measured per tensor, relative to its largest value:
// max|got − want| / max|want| (or max|got| where want is all zero), and
// held to these tolerances:
//
//	tolMove = 0      copies and selections: the layer must be exact
//	tolElem = 1e-6   one float32 operation or function per value (the
//	                 worst seen is 1.3e-7)
//	tolSum  = 2e-5   float32 sums of up to a few thousand products
//	                 (convolutions, dense layers, batch norm, softmax's
//	                 dx); the worst seen is 2.1e-6, batch norm's dγ
//
// with the SIMD GEMM and with -tags noasm alike. A wrong term in a
// backward pass gives errors of order 1.
package nn

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"acgan/pkg/nn/nnref"
)

const (
	tolMove = 0
	tolElem = 1e-6
	tolSum  = 2e-5
)

func f64(x []float32) []float64 {
	y := make([]float64, len(x))
	for i, v := range x {
		y[i] = float64(v)
	}
	return y
}

// refErr is max|got − want| / max|want|, or max|got| if want is all zero.
func refErr(got []float32, want []float64) float64 {
	var d, w float64
	for i, v := range want {
		d = max(d, math.Abs(float64(got[i])-v))
		w = max(w, math.Abs(v))
	}
	if math.IsNaN(d) {
		return math.NaN()
	}
	if w == 0 {
		return d
	}
	return d / w
}

// matchRef fails t unless got is want within tol (see refErr).
func matchRef(t *testing.T, what string, got []float32, want []float64, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: %d values, reference %d", what, len(got), len(want))
		return
	}
	if e := refErr(got, want); !(e <= tol) {
		t.Errorf("%s: relative error %.3g > %g", what, e, tol)
	}

}

// sentinel fills g with NaN, so that a test sees whether a frozen layer
// wrote it.
func sentinel(g []float32) {
	for i := range g {
		g[i] = float32(math.NaN())
	}
}

func untouched(g []float32) bool {
	for _, v := range g {
		if !math.IsNaN(float64(v)) {
			return false
		}
	}
	return true
}

func TestDenseAgainstReference(t *testing.T) {
	r := rand.New(rand.NewPCG(21, 1))
	type shape struct{ n, in, out int }
	shapes := []shape{{32, 2048, 1}, {32, 2048, 11}, {4, 100, 6272}, {1, 1, 1}, {1, 7, 3}}
	for range 30 {
		shapes = append(shapes, shape{1 + r.IntN(5), 1 + r.IntN(40), 1 + r.IntN(12)})
	}
	for i, s := range shapes {
		frozen := i%4 == 3
		name := fmt.Sprintf("Dense %+v frozen %v", s, frozen)
		l := NewDense("d", s.in, s.out)
		GlorotUniform(l.Weight, r)
		copy(l.Bias.W, randVec(r, s.out, 0.5))
		l.Frozen = frozen
		sentinel(l.Weight.G)
		sentinel(l.Bias.G)
		x, dy := randVec(r, s.n*s.in, 1), randVec(r, s.n*s.out, 1)
		y := l.Forward(x, s.n)
		dx := l.Backward(dy, true)
		ref := nnref.Dense{In: s.in, Out: s.out}
		wx, ww, wb := f64(x), f64(l.Weight.W), f64(l.Bias.W)
		matchRef(t, name+" y", y, ref.Forward(wx, s.n, ww, wb), tolSum)
		rdx, rdw, rdb := ref.Backward(wx, s.n, ww, f64(dy))
		matchRef(t, name+" dx", dx, rdx, tolSum)
		if frozen {
			if !untouched(l.Weight.G) || !untouched(l.Bias.G) {
				t.Errorf("%s: a frozen layer wrote its gradients", name)
			}
			continue
		}
		matchRef(t, name+" dW", l.Weight.G, rdw, tolSum)
		matchRef(t, name+" db", l.Bias.G, rdb, tolSum)
	}
}

func TestConv2DAgainstReference(t *testing.T) {
	defer func(b int) { colBudget, useDirect = b, true }(colBudget)
	r := rand.New(rand.NewPCG(22, 1))
	type shape struct {
		n, cin, cout, k, s, h, w int
		pad                      Padding
	}
	shapes := []shape{
		{2, 1, 16, 3, 2, 28, 28, Same},  // d.conv1
		{2, 16, 32, 3, 2, 14, 14, Same}, // d.conv2
		{2, 32, 64, 3, 2, 8, 8, Same},   // d.conv3
		{2, 64, 128, 3, 1, 4, 4, Same},  // d.conv4
		{2, 64, 1, 3, 1, 28, 28, Same},  // g.conv3 (direct path)
		{2, 64, 3, 3, 1, 32, 32, Same},  // g.conv3 of 32×32 colour (direct path)
		{2, 5, 4, 3, 1, 6, 7, Same},     // the direct path's most output channels
		{1, 1, 1, 3, 1, 1, 1, Same},
		{1, 1, 1, 1, 1, 1, 1, Valid},
		{3, 2, 1, 3, 2, 7, 5, Same}, // one output channel, stride 2
	}
	for range 60 {
		s := shape{n: 1 + r.IntN(3), cin: 1 + r.IntN(5), cout: 1 + r.IntN(6), k: 1 + r.IntN(5), s: 1 + r.IntN(3), pad: Padding(r.IntN(2))}
		if r.IntN(3) == 0 {
			s.cout, s.k, s.s, s.pad = 1+r.IntN(directMaxCout), 3, 1, Same // the direct path's shapes
		}
		lo := 1
		if s.pad == Valid {
			lo = s.k
		}
		s.h, s.w = lo+r.IntN(9), lo+r.IntN(9)
		shapes = append(shapes, s)
	}
	for i, s := range shapes {
		// Vary the path: chunks of one sample (colBudget 1), im2col for
		// the direct path's shapes (useDirect false), frozen, no dx.
		colBudget = map[bool]int{true: 1, false: 8 << 20}[i%3 == 1]
		useDirect = i%5 != 2
		frozen, needDX := i%4 == 3, i%7 != 6
		name := fmt.Sprintf("Conv2D %+v budget %d direct %v frozen %v dx %v", s, colBudget, useDirect, frozen, needDX)
		l := NewConv2D("c", s.cin, s.cout, s.k, s.s, s.pad)
		GlorotUniform(l.Weight, r)
		copy(l.Bias.W, randVec(r, s.cout, 0.5))
		l.Frozen = frozen
		sentinel(l.Weight.G)
		sentinel(l.Bias.G)
		ref := nnref.Conv{Cin: s.cin, Cout: s.cout, K: s.k, S: s.s, Pad: nnref.Padding(s.pad)}
		x := randVec(r, s.n*s.cin*s.h*s.w, 1)
		y, oh, ow := l.Forward(x, s.n, s.h, s.w)
		wx, ww := f64(x), f64(l.Weight.W)
		ry, roh, row := ref.Forward(wx, s.n, s.h, s.w, ww, f64(l.Bias.W))
		if oh != roh || ow != row {
			t.Errorf("%s: output %d×%d, reference %d×%d", name, oh, ow, roh, row)
			continue
		}
		matchRef(t, name+" y", y, ry, tolSum)
		dy := randVec(r, len(y), 1)
		dx := l.Backward(dy, needDX)
		rdx, rdw, rdb := ref.Backward(wx, s.n, s.h, s.w, ww, f64(dy))
		if needDX {
			matchRef(t, name+" dx", dx, rdx, tolSum)
		} else if dx != nil {
			t.Errorf("%s: dx returned without needDX", name)
		}
		if frozen {
			if !untouched(l.Weight.G) || !untouched(l.Bias.G) {
				t.Errorf("%s: a frozen layer wrote its gradients", name)
			}
			continue
		}
		matchRef(t, name+" dW", l.Weight.G, rdw, tolSum)
		matchRef(t, name+" db", l.Bias.G, rdb, tolSum)
	}
}

func TestUpConv2DAgainstReference(t *testing.T) {
	r := rand.New(rand.NewPCG(23, 1))
	type shape struct{ n, cin, cout, h, w int }
	shapes := []shape{
		{1, 128, 128, 7, 7},  // g.conv1
		{1, 128, 64, 14, 14}, // g.conv2
		{1, 1, 1, 1, 1},
		{3, 2, 1, 1, 5},
	}
	for range 30 {
		shapes = append(shapes, shape{1 + r.IntN(3), 1 + r.IntN(5), 1 + r.IntN(6), 1 + r.IntN(7), 1 + r.IntN(7)})
	}
	for i, s := range shapes {
		relu, frozen, needDX := i%2 == 0, i%4 == 3, i%5 != 4
		name := fmt.Sprintf("UpConv2D %+v relu %v frozen %v dx %v", s, relu, frozen, needDX)
		l := NewUpConv2D("u", s.cin, s.cout)
		l.ReLU, l.Frozen = relu, frozen
		GlorotUniform(l.Weight, r)
		copy(l.Bias.W, randVec(r, s.cout, 0.5))
		sentinel(l.Weight.G)
		sentinel(l.Bias.G)
		ref := nnref.UpConv{Cin: s.cin, Cout: s.cout, ReLU: relu}
		x := randVec(r, s.n*s.cin*s.h*s.w, 1)
		y := l.Forward(x, s.n, s.h, s.w)
		wx, ww, wb := f64(x), f64(l.Weight.W), f64(l.Bias.W)
		matchRef(t, name+" y", y, ref.Forward(wx, s.n, s.h, s.w, ww, wb), tolSum)
		dy := randVec(r, len(y), 1)
		dx := l.Backward(dy, needDX)
		rdx, rdw, rdb := ref.Backward(wx, s.n, s.h, s.w, ww, wb, f64(dy))
		if needDX {
			matchRef(t, name+" dx", dx, rdx, tolSum)
		} else if dx != nil {
			t.Errorf("%s: dx returned without needDX", name)
		}
		if frozen {
			if !untouched(l.Weight.G) || !untouched(l.Bias.G) {
				t.Errorf("%s: a frozen layer wrote its gradients", name)
			}
			continue
		}
		matchRef(t, name+" dW", l.Weight.G, rdw, tolSum)
		matchRef(t, name+" db", l.Bias.G, rdb, tolSum)
	}
}

func TestBatchNormAgainstReference(t *testing.T) {
	r := rand.New(rand.NewPCG(24, 1))
	type shape struct {
		n, c, hw int
		offset   float64
	}
	shapes := []shape{
		{4, 128, 49, 0}, {2, 128, 196, 0}, {2, 64, 784, 0}, // g.bn0, g.bn1, g.bn2
		{4, 32, 64, 0}, {4, 64, 16, 0}, // d.bn2, d.bn3
		{1, 1, 1, 0}, {1, 3, 1, 0}, // one value per channel: variance 0
		{3, 1, 1, 0}, {1, 2, 3, 0}, // three
		{8, 3, 49, 100}, // |mean| ≫ std
	}
	for range 40 {
		shapes = append(shapes, shape{1 + r.IntN(4), 1 + r.IntN(5), 1 + r.IntN(70), float64(r.IntN(3))})
	}
	for i, s := range shapes {
		for _, training := range []bool{true, false} {
			if training && s.n*s.hw == 2 {
				// Two values per channel: x̂ = ±√(v/(v + ε)), and dx is
				// γ·r·(dy₁ − dy₂)·ε/(v + ε)/2, a difference of terms
				// larger by (v + ε)/ε that float32 cannot resolve.
				continue
			}
			frozen := i%3 == 2
			name := fmt.Sprintf("BatchNorm %+v training %v frozen %v", s, training, frozen)
			l := NewBatchNorm("bn", s.c)
			copy(l.Gamma.W, randVec(r, s.c, 1))
			copy(l.Beta.W, randVec(r, s.c, 1))
			for c := range s.c {
				l.MovingMean.Data[c] = float32(r.NormFloat64())
				l.MovingVar.Data[c] = float32(0.2 + 2*r.Float64())
			}
			l.Frozen = frozen
			sentinel(l.Gamma.G)
			sentinel(l.Beta.G)
			mm, mv := f64(l.MovingMean.Data), f64(l.MovingVar.Data)
			x := randVec(r, s.n*s.c*s.hw, 1+2*r.Float64())
			for j := range x {
				x[j] += float32(s.offset)
			}
			dy := randVec(r, len(x), 1)
			y := l.Forward(x, s.n, s.hw, training)
			dx := l.Backward(dy)
			ref := nnref.BatchNorm{C: s.c, Eps: float64(l.Eps), Momentum: float64(l.Momentum)}
			wx, wg, wb := f64(x), f64(l.Gamma.W), f64(l.Beta.W)
			var ry, rdx, rdg, rdb []float64
			if training {
				var rm, rv []float64
				ry, rm, rv = ref.Train(wx, s.n, s.hw, wg, wb, mm, mv)
				rdx, rdg, rdb = ref.TrainBackward(wx, s.n, s.hw, wg, f64(dy))
				if frozen {
					rm, rv = mm, mv
				}
				matchRef(t, name+" moving mean", l.MovingMean.Data, rm, tolSum)
				matchRef(t, name+" moving var", l.MovingVar.Data, rv, tolSum)
			} else {
				ry = ref.Infer(wx, s.n, s.hw, wg, wb, mm, mv)
				rdx, rdg, rdb = ref.InferBackward(wx, s.n, s.hw, wg, mm, mv, f64(dy))
				matchRef(t, name+" moving mean", l.MovingMean.Data, mm, tolMove)
				matchRef(t, name+" moving var", l.MovingVar.Data, mv, tolMove)
			}
			matchRef(t, name+" y", y, ry, tolSum)
			matchRef(t, name+" dx", dx, rdx, tolSum)
			if frozen {
				if !untouched(l.Gamma.G) || !untouched(l.Beta.G) {
					t.Errorf("%s: a frozen layer wrote its gradients", name)
				}
				continue
			}
			matchRef(t, name+" dγ", l.Gamma.G, rdg, tolSum)
			matchRef(t, name+" dβ", l.Beta.G, rdb, tolSum)
		}
	}
}

// signedValues returns n values of random sign and size, with some
// exact zeros, negative zeros and tiny values among them.
func signedValues(r *rand.Rand, n int) []float32 {
	x := randVec(r, n, 2)
	for i := range x {
		switch r.IntN(10) {
		case 0:
			x[i] = 0
		case 1:
			x[i] = float32(math.Copysign(0, -1))
		case 2:
			x[i] *= 1e-30
		}
	}
	return x
}

func TestActivationsAgainstReference(t *testing.T) {
	r := rand.New(rand.NewPCG(25, 1))
	for trial := range 30 {
		n := 1 + r.IntN(100)
		x, dy := signedValues(r, n), randVec(r, n, 1)
		wx, wdy := f64(x), f64(dy)
		name := fmt.Sprintf("n %d", n)

		var relu ReLU
		matchRef(t, "ReLU "+name+" y", relu.Forward(x), nnref.ReLU(wx), tolMove)
		matchRef(t, "ReLU "+name+" dx", relu.Backward(dy), nnref.ReLUBackward(wx, wdy), tolMove)

		alpha := []float32{0.2, 0, 1, 0.01, 1.5}[trial%5]
		leaky := NewLeakyReLU(alpha)
		matchRef(t, fmt.Sprintf("LeakyReLU α %v %s y", alpha, name), leaky.Forward(x), nnref.LeakyReLU(wx, float64(alpha)), tolElem)
		matchRef(t, fmt.Sprintf("LeakyReLU α %v %s dx", alpha, name), leaky.Backward(dy), nnref.LeakyReLUBackward(wx, float64(alpha), wdy), tolElem)

		tanh := NewTanh()
		matchRef(t, "Tanh "+name+" y", tanh.Forward(x), nnref.Tanh(wx), tolElem)
		matchRef(t, "Tanh "+name+" dx", tanh.Backward(dy), nnref.TanhBackward(wx, wdy), tolElem)

		var sig Sigmoid
		matchRef(t, "Sigmoid "+name+" y", sig.Forward(x), nnref.Sigmoid(wx), tolElem)
		matchRef(t, "Sigmoid "+name+" dx", sig.Backward(dy), nnref.SigmoidBackward(wx, wdy), tolElem)

		k := 1 + r.IntN(12)
		rows := 1 + r.IntN(5)
		sx, sdy := randVec(r, rows*k, 3), randVec(r, rows*k, 1)
		sm := NewSoftmax(k)
		name = fmt.Sprintf("Softmax %d×%d", rows, k)
		matchRef(t, name+" y", sm.Forward(sx), nnref.Softmax(f64(sx), k), tolElem)
		matchRef(t, name+" dx", sm.Backward(sdy), nnref.SoftmaxBackward(f64(sx), k, f64(sdy)), tolSum)
	}
}

// TestDropoutAgainstReference: given the mask the layer drew (read off its
// output: the inputs are never zero), y and dx are the reference's. The
// rule the mask is drawn by is TestDropoutMask's.
func TestDropoutAgainstReference(t *testing.T) {
	r := rand.New(rand.NewPCG(26, 1))
	for trial := range 40 {
		rate := []float32{0.25, 0.5, 0.3, 0, 0.75}[trial%5]
		training := trial%7 != 3
		n := 1 + r.IntN(300)
		name := fmt.Sprintf("Dropout rate %v training %v n %d", rate, training, n)
		l := NewDropout(rate, rand.New(rand.NewPCG(uint64(trial), 3)))
		x, dy := awayFromZero(r, n), randVec(r, n, 1)
		y := slices.Clone(l.Forward(x, training))
		dx := l.Backward(dy)
		keep := make([]bool, n)
		kept := 0
		for i, v := range y {
			keep[i] = v != 0
			if keep[i] {
				kept++
			}
		}
		rrate := float64(rate)
		if !training {
			rrate = 0
			if kept != n {
				t.Errorf("%s: inference dropped %d values", name, n-kept)
			}
		}
		matchRef(t, name+" y", y, nnref.Dropout(f64(x), keep, rrate), tolElem)
		matchRef(t, name+" dx", dx, nnref.DropoutBackward(keep, rrate, f64(dy)), tolElem)
	}
}

func TestEmbeddingAgainstReference(t *testing.T) {
	r := rand.New(rand.NewPCG(27, 1))
	for trial := range 30 {
		v, d, n := 1+r.IntN(11), 1+r.IntN(100), 1+r.IntN(40)
		frozen := trial%4 == 3
		name := fmt.Sprintf("Embedding %d×%d, %d labels, frozen %v", v, d, n, frozen)
		l := NewEmbedding("e", v, d)
		Uniform(l.Weight, 0.05, r)
		l.Frozen = frozen
		sentinel(l.Weight.G)
		labels := make([]int, n)
		for i := range labels {
			labels[i] = r.IntN(v)
		}
		y := l.Forward(labels)
		dy := randVec(r, len(y), 1)
		l.Backward(dy)
		ref := nnref.Embedding{V: v, D: d}
		matchRef(t, name+" y", y, ref.Forward(f64(l.Weight.W), labels), tolMove)
		if frozen {
			if !untouched(l.Weight.G) {
				t.Errorf("%s: a frozen layer wrote its gradient", name)
			}
			continue
		}
		matchRef(t, name+" dW", l.Weight.G, ref.Backward(labels, f64(dy)), tolSum)
	}
}

func TestShapeLayersAgainstReference(t *testing.T) {
	r := rand.New(rand.NewPCG(28, 1))
	for range 30 {
		nc, h, w := 1+r.IntN(6), 1+r.IntN(9), 1+r.IntN(9)
		name := fmt.Sprintf("%d×%d×%d", nc, h, w)
		x := randVec(r, nc*h*w, 1)
		wx := f64(x)

		var pad ZeroPad
		y := pad.Forward(x, nc, h, w)
		dy := randVec(r, len(y), 1)
		matchRef(t, "ZeroPad "+name+" y", y, nnref.ZeroPad(wx, nc, h, w, 0, 1, 0, 1), tolMove)
		matchRef(t, "ZeroPad "+name+" dx", pad.Backward(dy), nnref.ZeroPadBackward(f64(dy), nc, h, w, 0, 1, 0, 1), tolMove)

		var up Upsample2x
		y = up.Forward(x, nc, h, w)
		dy = randVec(r, len(y), 1)
		matchRef(t, "Upsample2x "+name+" y", y, nnref.Upsample2x(wx, nc, h, w), tolMove)
		matchRef(t, "Upsample2x "+name+" dx", up.Backward(dy), nnref.Upsample2xBackward(f64(dy), nc, h, w), tolElem)

		if h < 2 || w < 2 {
			continue
		}
		// Small integers: ties, which go to the first in row-major order.
		q := make([]float32, nc*h*w)
		for i := range q {
			q[i] = float32(r.IntN(5) - 2)
		}
		var pool MaxPool2D
		y = pool.Forward(q, nc, h, w)
		dy = randVec(r, len(y), 1)
		wq, wdy := f64(q), f64(dy)
		matchRef(t, "MaxPool2D "+name+" y", y, nnref.MaxPool(wq, nc, h, w), tolMove)
		matchRef(t, "MaxPool2D "+name+" dx", pool.Backward(dy), nnref.MaxPoolBackward(wq, nc, h, w, wdy), tolMove)

		// PoolReLU is MaxPool2D then ReLU.
		pr := NewPoolReLU()
		pooled := nnref.MaxPool(wq, nc, h, w)
		matchRef(t, "PoolReLU "+name+" y", pr.Forward(q, nc, h, w), nnref.ReLU(pooled), tolMove)
		matchRef(t, "PoolReLU "+name+" dx", pr.Backward(dy), nnref.MaxPoolBackward(wq, nc, h, w, nnref.ReLUBackward(pooled, wdy)), tolMove)
		matchRef(t, "PoolReLU "+name+" Infer", NewPoolReLU().Infer(q, nc, h, w), nnref.ReLU(pooled), tolMove)
	}
}

// TestLossesAgainstReference includes logits far enough out that Keras's
// clip is active (zero gradient) and targets between 0 and 1.
func TestLossesAgainstReference(t *testing.T) {
	r := rand.New(rand.NewPCG(29, 1))
	for trial := range 30 {
		n := 1 + r.IntN(40)
		x, tg := randVec(r, n, 4), make([]float32, n)
		for i := range x {
			if r.IntN(8) == 0 {
				x[i] = float32(math.Copysign(17+10*r.Float64(), r.NormFloat64()))
			}
			tg[i] = []float32{0, 1, 1, 0.3}[r.IntN(4)]
		}
		name := fmt.Sprintf("SigmoidBCE n %d", n)
		dx := make([]float32, n)
		loss := SigmoidBCE(x, tg, dx)
		rl, rdx := nnref.SigmoidBCE(f64(x), f64(tg))
		if e := math.Abs(loss-rl) / math.Abs(rl); !(e <= tolElem) {
			t.Errorf("%s: loss %v, reference %v", name, loss, rl)
		}
		matchRef(t, name+" dx", dx, rdx, tolElem)

		k, rows := 2+r.IntN(11), 1+r.IntN(10)
		lx, labels := randVec(r, rows*k, 3), make([]int, rows)
		for i := range labels {
			labels[i] = r.IntN(k)
			if trial%3 == 0 && i == 0 {
				lx[i*k+labels[i]] = float32(math.Copysign(25, r.NormFloat64())) // clipped
			}
		}
		name = fmt.Sprintf("SoftmaxCCE %d×%d", rows, k)
		ldx := make([]float32, rows*k)
		lloss, err := SoftmaxCCE(lx, k, labels, ldx)
		if err != nil {
			t.Fatal(err)
		}
		rl, rdx = nnref.SoftmaxCCE(f64(lx), k, labels)
		if e := math.Abs(lloss-rl) / math.Abs(rl); !(e <= tolElem) {
			t.Errorf("%s: loss %v, reference %v", name, lloss, rl)
		}
		matchRef(t, name+" dx", ldx, rdx, tolElem)
	}
}

func TestAdamAgainstReference(t *testing.T) {
	r := rand.New(rand.NewPCG(30, 1))
	p, q := NewParam("p", 3, 5), NewParam("q", 7)
	copy(p.W, randVec(r, len(p.W), 1))
	copy(q.W, randVec(r, len(q.W), 1))
	a := NewAdam([]*Param{p, q}, 2e-4, 0.5, 0.999, 1e-7)
	ref := nnref.Adam{LR: float64(a.LR), Beta1: float64(a.Beta1), Beta2: float64(a.Beta2), Eps: float64(a.Eps)}
	params := []*Param{p, q}
	w := [][]float64{f64(p.W), f64(q.W)}
	m := [][]float64{make([]float64, len(p.W)), make([]float64, len(q.W))}
	v := [][]float64{make([]float64, len(p.W)), make([]float64, len(q.W))}
	for step := 1; step <= 5; step++ {
		for i, pp := range params {
			copy(pp.G, randVec(r, len(pp.G), math.Pow(10, float64(r.IntN(5)-3))))
			w[i], m[i], v[i] = ref.Step(w[i], f64(pp.G), m[i], v[i], step)
		}
		a.Update()
		st := a.States()
		for i, pp := range params {
			name := fmt.Sprintf("Adam step %d %s", step, pp.Name)
			matchRef(t, name+" m", st[2*i].Data, m[i], tolElem)
			matchRef(t, name+" v", st[2*i+1].Data, v[i], tolElem)
			// w is far larger than one step (lr = 2e-4): hold it to 1e-6
			// absolute (a few float32 roundings of w), 0.5 % of a step.
			for j, wj := range pp.W {
				if d := math.Abs(float64(wj) - w[i][j]); d > 1e-6*max(1, math.Abs(w[i][j])) {
					t.Errorf("%s: w[%d] = %v, reference %v", name, j, wj, w[i][j])
				}
			}
		}
	}
}

func TestMinibatchStdDevAgainstReference(t *testing.T) {
	r := rand.New(rand.NewPCG(29, 1))
	cases := []struct{ n, c, hw, group int }{{32, 64, 16, 4}, {32, 64, 16, 32}, {7, 3, 5, 4}, {9, 2, 3, 4}, {1, 3, 4, 4}, {3, 1, 1, 8}}
	for range 10 {
		cases = append(cases, struct{ n, c, hw, group int }{1 + r.IntN(12), 1 + r.IntN(5), 1 + r.IntN(9), 1 + r.IntN(6)})
	}
	for _, c := range cases {
		name := fmt.Sprintf("MinibatchStdDev n %d c %d hw %d group %d", c.n, c.c, c.hw, c.group)
		x := randVec(r, c.n*c.c*c.hw, 1)
		l := NewMinibatchStdDev(c.group)
		y := l.Forward(x, c.n, c.c, c.hw)
		dy := randVec(r, len(y), 1)
		matchRef(t, name+" y", y, nnref.MinibatchStdDev(f64(x), c.n, c.c, c.hw, c.group), tolSum)
		matchRef(t, name+" dx", l.Backward(dy), nnref.MinibatchStdDevBackward(f64(x), c.n, c.c, c.hw, c.group, f64(dy)), tolSum)
	}
}

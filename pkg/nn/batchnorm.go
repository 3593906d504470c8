// BatchNorm: batch normalisation over the channels of an NCHW tensor, with
// Keras's semantics (BatchNormalization(momentum=0.8), epsilon 1e-3).
//
//	x, y  [N, C, H, W]   (H = W = 1 for a [N, C] input)
//	γ, β  [C]            parameters (gamma, beta)
//	μ, σ² [C]            moving mean and variance (state)
//
// Training: per channel, over the M = N·H·W values, the batch mean m and
// biased variance v; y = γ·(x − m)/√(v + ε) + β. Unless Frozen, the moving
// statistics follow μ ← momentum·μ + (1 − momentum)·m and
// σ² ← momentum·σ² + (1 − momentum)·v·M/(M−1) (the unbiased variance, as
// TensorFlow's fused kernel and PyTorch use).
// Inference: y = γ·(x − μ)/√(σ² + ε) + β.
//
// Backward, with x̂ = (x − m)·r, r = 1/√(v + ε):
//
//	dβ = Σ dy,  dγ = Σ dy·x̂
//	training:  dx = γ·r/M · (M·dy − dβ − x̂·dγ)
//	inference: dx = γ·r·dy   (r from the moving variance)

package nn

import "math"

// BatchNorm is a batch-normalisation layer.
type BatchNorm struct {
	C          int
	Eps        float32 // 1e-3
	Momentum   float32 // 0.8
	Gamma      *Param  // [C], initialised to 1
	Beta       *Param  // [C], initialised to 0
	MovingMean *State  // [C], initialised to 0
	MovingVar  *State  // [C], initialised to 1
	// Frozen: in training mode, normalise with the batch statistics but do
	// not update the moving statistics; Backward computes dx only. This is
	// a Keras model with trainable=False run in the training phase.
	Frozen bool

	training bool
	n, hw    int
	x        []float32 // input of the last Forward (not owned)
	y, dx    []float32
	mean     []float32 // [C] statistics used by the last Forward
	rstd     []float32 // [C] 1/√(var + ε)
	dgamma   []float32 // [C] scratch when Frozen
	dbeta    []float32
	dy       []float32

	fwdFn, bwdFn func(lo, hi int)
}

// NewBatchNorm returns a batch-norm layer over c channels with Keras's
// defaults for this model (ε 1e-3, momentum 0.8, γ = 1, β = 0, moving mean
// 0, moving variance 1); names are name+".gamma", ".beta", ".moving_mean",
// ".moving_var".
func NewBatchNorm(name string, c int) *BatchNorm {
	l := &BatchNorm{C: c, Eps: 1e-3, Momentum: 0.8,
		Gamma: NewParam(name+".gamma", c), Beta: NewParam(name+".beta", c),
		MovingMean: NewState(name+".moving_mean", 0, c), MovingVar: NewState(name+".moving_var", 1, c),
		mean: make([]float32, c), rstd: make([]float32, c), dgamma: make([]float32, c), dbeta: make([]float32, c)}
	for i := range l.Gamma.W {
		l.Gamma.W[i] = 1
	}
	l.fwdFn, l.bwdFn = l.forwardChannels, l.backwardChannels
	return l
}

// Params returns γ and β.
func (l *BatchNorm) Params() []*Param { return []*Param{l.Gamma, l.Beta} }

// States returns the moving mean and variance.
func (l *BatchNorm) States() []*State { return []*State{l.MovingMean, l.MovingVar} }

// Forward normalises x [n, C, hw] (hw = H·W) with the batch statistics if
// training, else with the moving statistics.
func (l *BatchNorm) Forward(x []float32, n, hw int, training bool) []float32 {
	l.training, l.n, l.hw = training, n, hw
	l.x = x[:n*l.C*hw]
	l.y = grow(l.y, n*l.C*hw)
	For(l.C, l.fwdFn)
	return l.y
}

func (l *BatchNorm) forwardChannels(lo, hi int) {
	n, hw, C := l.n, l.hw, l.C
	M := n * hw
	for c := lo; c < hi; c++ {
		var mean, rstd float32
		if l.training {
			var s float64
			for i := 0; i < n; i++ {
				for _, v := range l.x[(i*C+c)*hw : (i*C+c+1)*hw] {
					s += float64(v)
				}
			}
			m := s / float64(M)
			var ss float64
			for i := 0; i < n; i++ {
				for _, v := range l.x[(i*C+c)*hw : (i*C+c+1)*hw] {
					d := float64(v) - m
					ss += d * d
				}
			}
			v := ss / float64(M)
			mean, rstd = float32(m), float32(1/math.Sqrt(v+float64(l.Eps)))
			if !l.Frozen {
				mo := l.Momentum
				unbiased := v
				if M > 1 {
					unbiased = v * float64(M) / float64(M-1)
				}
				l.MovingMean.Data[c] = mo*l.MovingMean.Data[c] + (1-mo)*float32(m)
				l.MovingVar.Data[c] = mo*l.MovingVar.Data[c] + (1-mo)*float32(unbiased)
			}
		} else {
			mean = l.MovingMean.Data[c]
			rstd = float32(1 / math.Sqrt(float64(l.MovingVar.Data[c])+float64(l.Eps)))
		}
		l.mean[c], l.rstd[c] = mean, rstd
		g, b := l.Gamma.W[c]*rstd, l.Beta.W[c]
		for i := 0; i < n; i++ {
			o := (i*C + c) * hw
			xs, ys := l.x[o:o+hw], l.y[o:o+hw]
			for j, v := range xs {
				ys[j] = (v-mean)*g + b
			}
		}
	}
}

// Backward takes dy [n, C, hw], sets dγ and dβ (unless Frozen) and returns
// dx.
func (l *BatchNorm) Backward(dy []float32) []float32 {
	l.dy = dy[:l.n*l.C*l.hw]
	l.dx = grow(l.dx, l.n*l.C*l.hw)
	For(l.C, l.bwdFn)
	return l.dx
}

func (l *BatchNorm) backwardChannels(lo, hi int) {
	n, hw, C := l.n, l.hw, l.C
	M := float32(n * hw)
	dgamma, dbeta := l.Gamma.G, l.Beta.G
	if l.Frozen {
		dgamma, dbeta = l.dgamma, l.dbeta
	}
	for c := lo; c < hi; c++ {
		mean, rstd := l.mean[c], l.rstd[c]
		var sdy, sdyx float64
		for i := 0; i < n; i++ {
			o := (i*C + c) * hw
			xs, dys := l.x[o:o+hw], l.dy[o:o+hw]
			for j, d := range dys {
				sdy += float64(d)
				sdyx += float64(d) * float64((xs[j]-mean)*rstd)
			}
		}
		db, dg := float32(sdy), float32(sdyx)
		dbeta[c], dgamma[c] = db, dg
		g := l.Gamma.W[c]
		for i := 0; i < n; i++ {
			o := (i*C + c) * hw
			xs, dys, dxs := l.x[o:o+hw], l.dy[o:o+hw], l.dx[o:o+hw]
			if l.training {
				k := g * rstd / M
				for j, d := range dys {
					xh := (xs[j] - mean) * rstd
					dxs[j] = k * (M*d - db - xh*dg)
				}
			} else {
				k := g * rstd
				for j, d := range dys {
					dxs[j] = k * d
				}
			}
		}
	}
}

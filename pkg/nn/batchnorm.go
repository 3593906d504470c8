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

import (
	"math"

	"acgan/pkg/gemm"
	"acgan/pkg/parallel"
)

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
		MovingMean: NewState(name+".moving_mean", 0, c), MovingVar: nonNegative(NewState(name+".moving_var", 1, c)),
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

// SetFrozen sets Frozen.
func (l *BatchNorm) SetFrozen(frozen bool) { l.Frozen = frozen }

// Forward normalises x [n, C, hw] (hw = H·W) with the batch statistics if
// training, else with the moving statistics.
func (l *BatchNorm) Forward(x []float32, n, hw int, training bool) []float32 {
	l.training, l.n, l.hw = training, n, hw
	l.x = x[:n*l.C*hw]
	l.y = grow(l.y, n*l.C*hw)
	parallel.For(l.C, l.fwdFn)
	return l.y
}

func (l *BatchNorm) forwardChannels(lo, hi int) {
	n, hw, C := l.n, l.hw, l.C
	M := n * hw
	for c := lo; c < hi; c++ {
		var mean, rstd float32
		if l.training {
			// Speed: one pass for both statistics, Σd and Σd² of
			// d = x − p with p the channel's first value (the shift keeps
			// v = Σd²/M − (Σd/M)² accurate when |mean| ≫ std).
			p := l.x[c*hw]
			var s, ss float64
			for i := 0; i < n; i++ {
				a, b := sumSquares(l.x[(i*C+c)*hw:(i*C+c+1)*hw], p)
				s, ss = s+a, ss+b
			}
			dm := s / float64(M)
			m := float64(p) + dm
			v := max(ss/float64(M)-dm*dm, 0)
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
			gemm.Normalize(l.y[o:o+hw], l.x[o:o+hw], mean, g, b)
		}
	}
}

// sumSquares returns Σ(x − p) and Σ(x − p)².
//
// Speed: the sums run in float32 over blocks of at most 64 values (see
// sumSquares32) and the blocks' sums are added in float64. The order is
// fixed, so the result depends only on x and p.
func sumSquares(x []float32, p float32) (s, ss float64) {
	for len(x) > 0 {
		k := min(len(x), 64)
		a, b := sumSquares32(x[:k], p)
		s, ss = s+float64(a), ss+float64(b)
		x = x[k:]
	}
	return s, ss
}

// sumSquares32 returns Σ(x − p) and Σ(x − p)² in float32. Four values
// per step go into two pairs of accumulators, each taking the sum of two
// values, so that the additions do not wait on each other (and the
// compiler has registers for all of them; a separate function because with
// the float64 sums of sumSquares live it spills them).
func sumSquares32(x []float32, p float32) (s, ss float32) {
	var s0, s1, q0, q1 float32
	for ; len(x) >= 4; x = x[4:] {
		d0, d1, d2, d3 := x[0]-p, x[1]-p, x[2]-p, x[3]-p
		s0 += d0 + d1
		s1 += d2 + d3
		q0 += d0*d0 + d1*d1
		q1 += d2*d2 + d3*d3
	}
	for _, v := range x {
		d := v - p
		s0, q0 = s0+d, q0+d*d
	}
	return s0 + s1, q0 + q1
}

// Backward takes dy [n, C, hw], sets dγ and dβ (unless Frozen) and returns
// dx.
func (l *BatchNorm) Backward(dy []float32) []float32 {
	l.dy = dy[:l.n*l.C*l.hw]
	l.dx = grow(l.dx, l.n*l.C*l.hw)
	parallel.For(l.C, l.bwdFn)
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
		// dβ = Σ dy, dγ = Σ dy·x̂ = r·Σ dy·(x − m)
		var sdy, sdyx float64
		for i := 0; i < n; i++ {
			o := (i*C + c) * hw
			a, b := sumDot(l.dy[o:o+hw], l.x[o:o+hw], mean)
			sdy, sdyx = sdy+a, sdyx+b
		}
		db, dg := float32(sdy), float32(sdyx*float64(rstd))
		dbeta[c], dgamma[c] = db, dg
		g := l.Gamma.W[c]
		// training: dx = γ·r/M·(M·dy − dβ − x̂·dγ) = k·dy + kx·(x − m) + k0
		k := g * rstd
		kx, k0 := -k*rstd*dg/M, -k*db/M
		if !l.training {
			kx, k0 = 0, 0
		}
		for i := 0; i < n; i++ {
			o := (i*C + c) * hw
			if l.training {
				gemm.NormalizeBack(l.dx[o:o+hw], l.dy[o:o+hw], l.x[o:o+hw], mean, k, kx, k0)
			} else {
				dxs, dys := l.dx[o:o+hw], l.dy[o:o+hw]
				for j, d := range dys {
					dxs[j] = k * d
				}
			}
		}
	}
}

// sumDot returns Σ dy and Σ dy·(x − m) (len(x) ≥ len(dy)).
//
// Speed: float32 blocks of at most 64 values (see sumDot32) added in
// float64, as in sumSquares.
func sumDot(dy, x []float32, m float32) (s, sx float64) {
	x = x[:len(dy)]
	for len(dy) > 0 {
		k := min(len(dy), 64)
		a, b := sumDot32(dy[:k], x[:k], m)
		s, sx = s+float64(a), sx+float64(b)
		dy, x = dy[k:], x[k:]
	}
	return s, sx
}

// sumDot32 returns Σ dy and Σ dy·(x − m) in float32 (len(x) ≥ len(dy)),
// four values per step into two pairs of accumulators, as sumSquares32.
func sumDot32(dy, x []float32, m float32) (s, sx float32) {
	var s0, s1, q0, q1 float32
	x = x[:len(dy)]
	for ; len(dy) >= 4 && len(x) >= 4; dy, x = dy[4:], x[4:] {
		s0 += dy[0] + dy[1]
		s1 += dy[2] + dy[3]
		q0 += dy[0]*(x[0]-m) + dy[1]*(x[1]-m)
		q1 += dy[2]*(x[2]-m) + dy[3]*(x[3]-m)
	}
	for j, d := range dy {
		s0, q0 = s0+d, q0+d*(x[j]-m)
	}
	return s0 + s1, q0 + q1
}

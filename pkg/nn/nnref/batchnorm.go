package nnref

import "math"

// BatchNorm is batch normalisation over the channels of x [n, C, hw],
// with Keras's semantics:
//
//	training:  y = γ·(x − m)/√(v + ε) + β, m and v the mean and biased
//	           variance of the channel's n·hw values in the batch
//	inference: y = γ·(x − μ)/√(σ² + ε) + β, μ and σ² the moving statistics
//
// and, after a training batch, μ ← momentum·μ + (1 − momentum)·m and
// σ² ← momentum·σ² + (1 − momentum)·v·M/(M − 1), M = n·hw (v itself if
// M = 1).
type BatchNorm struct {
	C        int
	Eps      float64 // 1e-3 in the model
	Momentum float64 // 0.8 in the model
}

// stats returns each channel's mean and biased variance, in two passes.
func (l BatchNorm) stats(x []float64, n, hw int) (mean, variance []float64) {
	mean, variance = make([]float64, l.C), make([]float64, l.C)
	M := float64(n * hw)
	for c := 0; c < l.C; c++ {
		for s := 0; s < n; s++ {
			for j := 0; j < hw; j++ {
				mean[c] += x[(s*l.C+c)*hw+j]
			}
		}
		mean[c] /= M
		for s := 0; s < n; s++ {
			for j := 0; j < hw; j++ {
				d := x[(s*l.C+c)*hw+j] - mean[c]
				variance[c] += d * d
			}
		}
		variance[c] /= M
	}
	return mean, variance
}

// normalize returns γ·(x − mean)/√(variance + ε) + β.
func (l BatchNorm) normalize(x []float64, n, hw int, gamma, beta, mean, variance []float64) []float64 {
	y := make([]float64, len(x))
	for s := 0; s < n; s++ {
		for c := 0; c < l.C; c++ {
			for j := 0; j < hw; j++ {
				k := (s*l.C+c)*hw + j
				y[k] = gamma[c]*(x[k]-mean[c])/math.Sqrt(variance[c]+l.Eps) + beta[c]
			}
		}
	}
	return y
}

// Train returns y for x [n, C, hw] normalised with its batch statistics,
// and the moving statistics after the batch.
func (l BatchNorm) Train(x []float64, n, hw int, gamma, beta, movingMean, movingVar []float64) (y, newMean, newVar []float64) {
	mean, variance := l.stats(x, n, hw)
	M := float64(n * hw)
	newMean, newVar = make([]float64, l.C), make([]float64, l.C)
	for c := 0; c < l.C; c++ {
		unbiased := variance[c]
		if M > 1 {
			unbiased = variance[c] * M / (M - 1)
		}
		newMean[c] = l.Momentum*movingMean[c] + (1-l.Momentum)*mean[c]
		newVar[c] = l.Momentum*movingVar[c] + (1-l.Momentum)*unbiased
	}
	return l.normalize(x, n, hw, gamma, beta, mean, variance), newMean, newVar
}

// TrainBackward returns dx, dγ and dβ for dy of Train, by the chain rule
// through the batch statistics (Ioffe and Szegedy's derivation), with
// x̂ = (x − m)/√(v + ε):
//
//	dβ = Σ dy,  dγ = Σ dy·x̂,  dx̂ = γ·dy
//	dv = Σ dx̂·(x − m)·(−½)(v + ε)^(−3/2)
//	dm = Σ dx̂·(−1/√(v + ε)) + dv·Σ(−2(x − m))/M
//	dx = dx̂/√(v + ε) + dv·2(x − m)/M + dm/M
func (l BatchNorm) TrainBackward(x []float64, n, hw int, gamma, dy []float64) (dx, dgamma, dbeta []float64) {
	mean, variance := l.stats(x, n, hw)
	M := float64(n * hw)
	dx = make([]float64, len(x))
	dgamma, dbeta = make([]float64, l.C), make([]float64, l.C)
	for c := 0; c < l.C; c++ {
		sd := math.Sqrt(variance[c] + l.Eps)
		var dv, dm, sumDiff float64
		for s := 0; s < n; s++ {
			for j := 0; j < hw; j++ {
				k := (s*l.C+c)*hw + j
				xh := (x[k] - mean[c]) / sd
				dbeta[c] += dy[k]
				dgamma[c] += dy[k] * xh
				dxh := gamma[c] * dy[k]
				dv += dxh * (x[k] - mean[c]) * -0.5 * math.Pow(variance[c]+l.Eps, -1.5)
				dm += -dxh / sd
				sumDiff += -2 * (x[k] - mean[c])
			}
		}
		dm += dv * sumDiff / M
		for s := 0; s < n; s++ {
			for j := 0; j < hw; j++ {
				k := (s*l.C+c)*hw + j
				dx[k] = gamma[c]*dy[k]/sd + dv*2*(x[k]-mean[c])/M + dm/M
			}
		}
	}
	return dx, dgamma, dbeta
}

// Infer returns y for x [n, C, hw] normalised with the moving statistics.
func (l BatchNorm) Infer(x []float64, n, hw int, gamma, beta, movingMean, movingVar []float64) []float64 {
	return l.normalize(x, n, hw, gamma, beta, movingMean, movingVar)
}

// InferBackward returns dx, dγ and dβ for dy of Infer (the statistics are
// constants): dx = γ·dy/√(σ² + ε), dγ = Σ dy·(x − μ)/√(σ² + ε), dβ = Σ dy.
func (l BatchNorm) InferBackward(x []float64, n, hw int, gamma, movingMean, movingVar, dy []float64) (dx, dgamma, dbeta []float64) {
	dx = make([]float64, len(x))
	dgamma, dbeta = make([]float64, l.C), make([]float64, l.C)
	for s := 0; s < n; s++ {
		for c := 0; c < l.C; c++ {
			sd := math.Sqrt(movingVar[c] + l.Eps)
			for j := 0; j < hw; j++ {
				k := (s*l.C+c)*hw + j
				dx[k] = gamma[c] * dy[k] / sd
				dgamma[c] += dy[k] * (x[k] - movingMean[c]) / sd
				dbeta[c] += dy[k]
			}
		}
	}
	return dx, dgamma, dbeta
}

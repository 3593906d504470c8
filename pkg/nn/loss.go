// Losses with Keras's semantics, taking logits: binary cross-entropy on a
// sigmoid output and sparse categorical cross-entropy on a softmax output.
//
//	SigmoidBCE   x, t, dx  [N]       (t in [0, 1])
//	SoftmaxCCE   x, dx     [N, K]    labels [N] in [0, K)
//
// Keras clips the probabilities to [ε, 1−ε] (ε = 1e-7) before the log and
// averages over the batch:
//
//	BCE = mean_n −(t·log p + (1−t)·log(1−p)),  p = clip(sigmoid(x))
//	CCE = mean_n −log clip(softmax(x)[label])
//
// Clipping makes the gradient zero where the probability lies outside the
// clip range (the clip is flat there), and we match that:
//
//	dBCE/dx_n    = (p_n − t_n)/N          if ε ≤ sigmoid(x_n) ≤ 1−ε, else 0
//	dCCE/dx_nj   = (p_nj − [j = label])/N if ε ≤ p_n,label ≤ 1−ε,   else 0
//
// Values are computed in float64 from the logits (log-sum-exp, softplus),
// which is what Keras computes, up to float32 rounding.

package nn

import (
	"fmt"
	"math"
)

// ClipEps is Keras's epsilon for clipping probabilities in the losses.
const ClipEps = 1e-7

// softplus is log(1 + e^x) without overflow.
func softplus(x float64) float64 {
	if x > 0 {
		return x + math.Log1p(math.Exp(-x))
	}
	return math.Log1p(math.Exp(x))
}

// SigmoidBCE returns Keras's binary cross-entropy of sigmoid(x) against the
// targets t, averaged over the n = len(x) entries, and writes dLoss/dx into
// dx unless dx is nil.
func SigmoidBCE(x, t, dx []float32) float64 {
	n := len(x)
	var sum float64
	for i, xv := range x {
		z, tv := float64(xv), float64(t[i])
		p := sigmoid64(z)
		var l, g float64
		switch {
		case p < ClipEps:
			l = -(tv*math.Log(ClipEps) + (1-tv)*math.Log1p(-ClipEps))
		case p > 1-ClipEps:
			l = -(tv*math.Log1p(-ClipEps) + (1-tv)*math.Log(ClipEps))
		default:
			// −log p = softplus(−z), −log(1−p) = softplus(z)
			l = tv*softplus(-z) + (1-tv)*softplus(z)
			g = p - tv
		}
		sum += l
		if dx != nil {
			dx[i] = float32(g / float64(n))
		}
	}
	return sum / float64(n)
}

// SoftmaxCCE returns Keras's sparse categorical cross-entropy of the
// softmax of each row of x [n, k] against labels [n], averaged over the
// rows, and writes dLoss/dx into dx unless dx is nil. A label outside
// [0, k) is an error.
func SoftmaxCCE(x []float32, k int, labels []int, dx []float32) (float64, error) {
	n := len(labels)
	if len(x) < n*k {
		return 0, fmt.Errorf("nn: SoftmaxCCE: %d logits for %d rows of %d", len(x), n, k)
	}
	var sum float64
	for i, y := range labels {
		if y < 0 || y >= k {
			return 0, fmt.Errorf("nn: SoftmaxCCE: label %d of row %d out of range [0, %d)", y, i, k)
		}
		row := x[i*k : (i+1)*k]
		m := row[0]
		for _, v := range row {
			m = max(m, v)
		}
		var s float64
		for _, v := range row {
			s += math.Exp(float64(v - m))
		}
		lse := float64(m) + math.Log(s)
		logp := float64(row[y]) - lse
		p := math.Exp(logp)
		inRange := true
		switch {
		case p < ClipEps:
			logp, inRange = math.Log(ClipEps), false
		case p > 1-ClipEps:
			logp, inRange = math.Log1p(-ClipEps), false
		}
		sum -= logp
		if dx != nil {
			d := dx[i*k : (i+1)*k]
			for j, v := range row {
				g := 0.0
				if inRange {
					g = math.Exp(float64(v) - lse)
					if j == y {
						g--
					}
				}
				d[j] = float32(g / float64(n))
			}
		}
	}
	return sum / float64(n), nil
}

// BinaryAccuracy returns the fraction of entries where sigmoid(x) rounds to
// the target (Keras binary_accuracy with threshold 0.5: x > 0 predicts 1).
func BinaryAccuracy(x, t []float32) float64 {
	if len(x) == 0 {
		return 0
	}
	hit := 0
	for i, v := range x {
		pred := float32(0)
		if v > 0 {
			pred = 1
		}
		if pred == float32(math.Round(float64(t[i]))) {
			hit++
		}
	}
	return float64(hit) / float64(len(x))
}

// SparseAccuracy returns the fraction of rows of x [n, k] whose largest
// entry (the first, on ties) is at the label.
func SparseAccuracy(x []float32, k int, labels []int) float64 {
	if len(labels) == 0 {
		return 0
	}
	hit := 0
	for i, y := range labels {
		row := x[i*k : (i+1)*k]
		best := 0
		for j, v := range row {
			if v > row[best] {
				best = j
			}
		}
		if best == y {
			hit++
		}
	}
	return float64(hit) / float64(len(labels))
}

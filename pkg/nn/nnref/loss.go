package nnref

import "math"

// ClipEps is Keras's epsilon: the losses clip probabilities to
// [ClipEps, 1 − ClipEps] before the log.
const ClipEps = 1e-7

// clip returns p clipped to [ClipEps, 1 − ClipEps], and whether it was
// inside (where the clip passes gradients through; outside it is flat).
func clip(p float64) (float64, bool) {
	switch {
	case p < ClipEps:
		return ClipEps, false
	case p > 1-ClipEps:
		return 1 - ClipEps, false
	}
	return p, true
}

// SigmoidBCE returns Keras's binary cross-entropy of sigmoid(x) against the
// targets t, averaged over the n = len(x) entries, and dL/dx:
//
//	L = (1/n)·Σ −(t·log p + (1 − t)·log(1 − p)),  p = clip(sigmoid(x))
//	dL/dx = dL/dp · dp/dx = −(t/p − (1 − t)/(1 − p))/n · sigmoid'(x)
//
// (0 where the clip is active).
func SigmoidBCE(x, t []float64) (loss float64, dx []float64) {
	n := float64(len(x))
	dx = make([]float64, len(x))
	for i, v := range x {
		s := sigmoid(v)
		p, inside := clip(s)
		loss += -(t[i]*math.Log(p) + (1-t[i])*math.Log(1-p)) / n
		if inside {
			dx[i] = -(t[i]/p - (1-t[i])/(1-p)) / n * s * (1 - s)
		}
	}
	return loss, dx
}

// SoftmaxCCE returns Keras's sparse categorical cross-entropy of the
// softmax of each row of x [n, k] against labels [n], averaged over the
// rows, and dL/dx:
//
//	L = (1/n)·Σ −log clip(p[label]),  p = softmax(row)
//	dL/dx[j] = −1/(n·p[label]) · ∂p[label]/∂x[j],  ∂p[y]/∂x[j] = p[y]·([y = j] − p[j])
//
// (0 for a row whose clip is active).
func SoftmaxCCE(x []float64, k int, labels []int) (loss float64, dx []float64) {
	n := float64(len(labels))
	p := Softmax(x, k)
	dx = make([]float64, len(x))
	for r, y := range labels {
		py, inside := clip(p[r*k+y])
		loss += -math.Log(py) / n
		if !inside {
			continue
		}
		for j := 0; j < k; j++ {
			delta := 0.0
			if j == y {
				delta = 1
			}
			dx[r*k+j] = -1 / (n * py) * py * (delta - p[r*k+j])
		}
	}
	return loss, dx
}

package nnref

// Embedding is a table of V vectors of size D, w [V, D]: y[n] =
// w[labels[n]].
type Embedding struct {
	V, D int
}

// Forward returns y [len(labels), D].
func (l Embedding) Forward(w []float64, labels []int) []float64 {
	y := make([]float64, len(labels)*l.D)
	for n, c := range labels {
		for j := 0; j < l.D; j++ {
			y[n*l.D+j] = w[c*l.D+j]
		}
	}
	return y
}

// Backward returns dw [V, D]: row v sums dy[n] over the n with
// labels[n] = v (0 for a label not used).
func (l Embedding) Backward(labels []int, dy []float64) []float64 {
	dw := make([]float64, l.V*l.D)
	for n, c := range labels {
		for j := 0; j < l.D; j++ {
			dw[c*l.D+j] += dy[n*l.D+j]
		}
	}
	return dw
}

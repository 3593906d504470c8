package nnref

import "math"

// Adam is the optimiser with Keras's epsilon placement: at step t (from 1),
//
//	m ← β1·m + (1 − β1)·g
//	v ← β2·v + (1 − β2)·g²
//	w ← w − lr·m̂/(√v̂ + ε),  m̂ = m/(1 − β1ᵗ), v̂ = v/(1 − β2ᵗ)
type Adam struct {
	LR, Beta1, Beta2, Eps float64
}

// Step returns w, m and v after step t for the gradient g.
func (a Adam) Step(w, g, m, v []float64, t int) (nw, nm, nv []float64) {
	nw, nm, nv = make([]float64, len(w)), make([]float64, len(w)), make([]float64, len(w))
	for i := range w {
		nm[i] = a.Beta1*m[i] + (1-a.Beta1)*g[i]
		nv[i] = a.Beta2*v[i] + (1-a.Beta2)*g[i]*g[i]
		mh := nm[i] / (1 - math.Pow(a.Beta1, float64(t)))
		vh := nv[i] / (1 - math.Pow(a.Beta2, float64(t)))
		nw[i] = w[i] - a.LR*mh/(math.Sqrt(vh)+a.Eps)
	}
	return nw, nm, nv
}

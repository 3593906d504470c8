// Adam: the optimiser, with Keras's epsilon placement as the parity dump
// states it:
//
//	t ← t + 1
//	m ← β1·m + (1 − β1)·g
//	v ← β2·v + (1 − β2)·g²
//	w ← w − lr·m̂/(√v̂ + ε),   m̂ = m/(1 − β1ᵗ), v̂ = v/(1 − β2ᵗ)
//
// One Adam per model; its moments are State tensors named
// "adam.m."+param and "adam.v."+param, and Step is t.

package nn

import "math"

// Adam holds the optimiser's hyper-parameters and state for a fixed list of
// parameters.
type Adam struct {
	LR, Beta1, Beta2, Eps float32
	Step                  int64 // number of updates done (t)

	params []*Param
	m, v   []*State
}

// NewAdam returns Adam with the given hyper-parameters over params, with
// zero moments and Step 0.
func NewAdam(params []*Param, lr, beta1, beta2, eps float32) *Adam {
	a := &Adam{LR: lr, Beta1: beta1, Beta2: beta2, Eps: eps, params: params}
	for _, p := range params {
		a.m = append(a.m, NewState("adam.m."+p.Name, 0, p.Shape...))
		a.v = append(a.v, NewState("adam.v."+p.Name, 0, p.Shape...))
	}
	return a
}

// States returns the first and second moments, m then v for each parameter
// in order.
func (a *Adam) States() []*State {
	out := make([]*State, 0, 2*len(a.params))
	for i := range a.params {
		out = append(out, a.m[i], a.v[i])
	}
	return out
}

// Update applies one step to every parameter from its gradient G.
func (a *Adam) Update() {
	a.Step++
	t := float64(a.Step)
	c1 := float32(1 / (1 - math.Pow(float64(a.Beta1), t)))
	c2 := 1 / (1 - math.Pow(float64(a.Beta2), t))
	b1, b2 := a.Beta1, a.Beta2
	for i, p := range a.params {
		m, v := a.m[i].Data, a.v[i].Data
		for j, g := range p.G {
			mj := b1*m[j] + (1-b1)*g
			vj := b2*v[j] + (1-b2)*g*g
			m[j], v[j] = mj, vj
			vh := float32(math.Sqrt(float64(vj) * c2))
			p.W[j] -= a.LR * (mj * c1) / (vh + a.Eps)
		}
	}
}

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

import (
	"math"

	"acgan/pkg/gemm"
	"acgan/pkg/parallel"
)

// Adam holds the optimiser's hyper-parameters and state for a fixed list of
// parameters.
type Adam struct {
	LR, Beta1, Beta2, Eps float32
	Step                  int64 // number of updates done (t)

	params []*Param
	m, v   []*State
	starts []int // starts[i]: index of params[i]'s first value in the concatenation of all

	c1      float32 // 1/(1 − β1ᵗ) of the update in progress
	c2      float64 // 1/(1 − β2ᵗ)
	rangeFn func(lo, hi int)
}

// NewAdam returns Adam with the given hyper-parameters over params, with
// zero moments and Step 0.
func NewAdam(params []*Param, lr, beta1, beta2, eps float32) *Adam {
	a := &Adam{LR: lr, Beta1: beta1, Beta2: beta2, Eps: eps, params: params}
	total := 0
	for _, p := range params {
		a.m = append(a.m, NewState("adam.m."+p.Name, 0, p.Shape...))
		a.v = append(a.v, nonNegative(NewState("adam.v."+p.Name, 0, p.Shape...)))
		a.starts = append(a.starts, total)
		total += len(p.W)
	}
	a.starts = append(a.starts, total)
	a.rangeFn = a.updateRange
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

// Update applies one step to every parameter from its gradient G. The
// values are independent of each other, so they are updated in parallel
// (For over the concatenation of all parameters).
func (a *Adam) Update() {
	a.Step++
	t := float64(a.Step)
	a.c1 = float32(1 / (1 - math.Pow(float64(a.Beta1), t)))
	a.c2 = 1 / (1 - math.Pow(float64(a.Beta2), t))
	parallel.For(a.starts[len(a.starts)-1], a.rangeFn)
}

// updateRange updates values lo .. hi-1 of the concatenated parameters
// (gemm.Adam: the update above, in vector lanes where the machine has them).
func (a *Adam) updateRange(lo, hi int) {
	c := gemm.AdamCoefs{Beta1: a.Beta1, Beta2: a.Beta2, LR: a.LR, Eps: a.Eps, C1: a.c1, C2: a.c2}
	for i, p := range a.params {
		s, e := max(lo, a.starts[i]), min(hi, a.starts[i+1])
		if s >= e {
			continue
		}
		s, e = s-a.starts[i], e-a.starts[i]
		gemm.Adam(p.W[s:e], p.G[s:e], a.m[i].Data[s:e], a.v[i].Data[s:e], c)
	}
}

// The Fréchet distance between two sets of feature vectors, each summarised
// by a Gaussian (mean and covariance, judge.FitGaussian): the figure FID
// computes on Inception features, here on the judge's.
//
//	d² = ‖μ₁ − μ₂‖² + tr Σ₁ + tr Σ₂ − 2·tr √(Σ₁Σ₂)
//
// The product Σ₁Σ₂ is not symmetric, so tr √(Σ₁Σ₂) is computed through the
// symmetric matrix with the same eigenvalues, M = Σ₁^½ Σ₂ Σ₁^½ (similar to
// Σ₁Σ₂): tr √(Σ₁Σ₂) = Σᵢ √λᵢ(M). Both square roots come from symmetric
// eigendecompositions; eigenvalues that rounding makes slightly negative
// are taken as 0.

package eval

import (
	"fmt"
	"math"

	"acgan/pkg/judge"
	"gonum.org/v1/gonum/mat"
)

// Frechet returns the Fréchet distance (the squared one, as FID reports it)
// between the Gaussians a and b of the same dimension.
func Frechet(a, b *judge.Gaussian) (float64, error) {
	d := len(a.Mean)
	if len(b.Mean) != d || a.Cov.SymmetricDim() != d || b.Cov.SymmetricDim() != d {
		return 0, fmt.Errorf("eval: Fréchet distance of Gaussians of dimensions %d and %d", d, len(b.Mean))
	}
	var dm float64
	for k := range a.Mean {
		t := a.Mean[k] - b.Mean[k]
		dm += t * t
	}
	tr := mat.Trace(a.Cov) + mat.Trace(b.Cov)
	s, err := traceSqrtProduct(a.Cov, b.Cov)
	if err != nil {
		return 0, err
	}
	// A tiny negative result is rounding (the distance of a set to
	// itself); anything else is left visible.
	fd := dm + tr - 2*s
	if fd < 0 && fd > -1e-9*(dm+tr) {
		fd = 0
	}
	return fd, nil
}

// traceSqrtProduct returns tr √(AB) for symmetric positive semi-definite A
// and B, as Σᵢ √λᵢ(A^½ B A^½).
func traceSqrtProduct(a, b *mat.SymDense) (float64, error) {
	ah, err := sqrtSym(a)
	if err != nil {
		return 0, err
	}
	d := a.SymmetricDim()
	var t, m mat.Dense
	t.Mul(ah, b)
	m.Mul(&t, ah)
	// Symmetrise what rounding left asymmetric.
	ms := mat.NewSymDense(d, nil)
	for i := 0; i < d; i++ {
		for j := i; j < d; j++ {
			ms.SetSym(i, j, 0.5*(m.At(i, j)+m.At(j, i)))
		}
	}
	var eig mat.EigenSym
	if !eig.Factorize(ms, false) {
		return 0, fmt.Errorf("eval: Fréchet distance: eigendecomposition failed")
	}
	var s float64
	for _, l := range eig.Values(nil) {
		if l > 0 {
			s += math.Sqrt(l)
		}
	}
	return s, nil
}

// sqrtSym returns the symmetric square root of a symmetric positive
// semi-definite matrix, with negative eigenvalues (rounding) taken as 0.
func sqrtSym(a *mat.SymDense) (*mat.SymDense, error) {
	var eig mat.EigenSym
	if !eig.Factorize(a, true) {
		return nil, fmt.Errorf("eval: Fréchet distance: eigendecomposition failed")
	}
	vals := eig.Values(nil)
	var v mat.Dense
	eig.VectorsTo(&v)
	d := len(vals)
	// V·diag(√λ)·Vᵀ = X·Xᵀ with X = V·diag(λ^¼)
	vs := mat.NewDense(d, d, nil)
	for j, l := range vals {
		r := math.Sqrt(math.Sqrt(math.Max(l, 0)))
		for i := 0; i < d; i++ {
			vs.Set(i, j, v.At(i, j)*r)
		}
	}
	out := mat.NewSymDense(d, nil)
	out.SymOuterK(1, vs)
	return out, nil
}

// ClassGaussians returns the Gaussian of the feature vectors (feats
// [n, d]) of each class (labels [n], in [0, classes)): nil for a class of
// fewer than two vectors.
func ClassGaussians(feats []float64, labels []int, classes, d int) ([]*judge.Gaussian, error) {
	if d < 1 || len(feats) != len(labels)*d {
		return nil, fmt.Errorf("eval: %d feature values for %d labels of %d-vectors", len(feats), len(labels), d)
	}
	out := make([]*judge.Gaussian, classes)
	for c, idx := range classRows(labels, classes, -1) {
		if len(idx) < 2 {
			continue
		}
		g, err := judge.FitGaussian(gather(feats, d, idx), d)
		if err != nil {
			return nil, err
		}
		out[c] = g
	}
	return out, nil
}

// ClassFrechet returns the Fréchet distance between a[c] and b[c] for each
// class c: NaN where either is nil.
func ClassFrechet(a, b []*judge.Gaussian) ([]float64, error) {
	if len(a) != len(b) {
		return nil, fmt.Errorf("eval: per-class Fréchet distances of %d and %d classes", len(a), len(b))
	}
	out := make([]float64, len(a))
	for c := range out {
		out[c] = math.NaN()
		if a[c] == nil || b[c] == nil {
			continue
		}
		fd, err := Frechet(a[c], b[c])
		if err != nil {
			return nil, fmt.Errorf("class %d: %w", c, err)
		}
		out[c] = fd
	}
	return out, nil
}

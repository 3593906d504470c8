package eval

import (
	"math"
	"math/rand/v2"
	"testing"

	"acgan/pkg/judge"
	"gonum.org/v1/gonum/mat"
)

// gaussian returns a Gaussian with the given mean and covariance.
func gaussian(mean []float64, cov []float64) *judge.Gaussian {
	return &judge.Gaussian{N: 2, Mean: mean, Cov: mat.NewSymDense(len(mean), cov)}
}

// samples draws n vectors from N(mean, L·Lᵀ) (L lower triangular, row-major).
func samples(r *rand.Rand, n int, mean, l []float64) []float64 {
	d := len(mean)
	x := make([]float64, n*d)
	z := make([]float64, d)
	for i := 0; i < n; i++ {
		for k := range z {
			z[k] = r.NormFloat64()
		}
		for a := 0; a < d; a++ {
			v := mean[a]
			for b := 0; b <= a; b++ {
				v += l[a*d+b] * z[b]
			}
			x[i*d+a] = v
		}
	}
	return x
}

func TestFrechetSelf(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	d := 16
	l := make([]float64, d*d)
	for a := 0; a < d; a++ {
		for b := 0; b <= a; b++ {
			l[a*d+b] = r.Float64() - 0.5
		}
	}
	mean := make([]float64, d)
	for k := range mean {
		mean[k] = 10 * r.NormFloat64()
	}
	g, err := judge.FitGaussian(samples(r, 300, mean, l), d)
	if err != nil {
		t.Fatal(err)
	}
	fd, err := Frechet(g, g)
	if err != nil {
		t.Fatal(err)
	}
	// The traces are of order d·0.1; the distance must vanish to rounding.
	if fd > 1e-9 {
		t.Errorf("Fréchet distance of a set to itself = %g, want ~0", fd)
	}
	// A rank-deficient covariance (fewer vectors than dimensions): its
	// eigenvalues round to tiny negatives, which must not give NaN.
	g2, err := judge.FitGaussian(samples(r, 5, mean, l), d)
	if err != nil {
		t.Fatal(err)
	}
	fd, err = Frechet(g2, g2)
	if err != nil || math.IsNaN(fd) || fd > 1e-6 {
		t.Errorf("rank-deficient self distance = %g, %v; want ~0", fd, err)
	}
}

func TestFrechetKnown(t *testing.T) {
	// 1-D: (μ1 − μ2)² + (σ1 − σ2)².
	fd, err := Frechet(gaussian([]float64{1}, []float64{4}), gaussian([]float64{-2}, []float64{9}))
	if err != nil {
		t.Fatal(err)
	}
	if want := 9.0 + 1; math.Abs(fd-want) > 1e-12 {
		t.Errorf("1-D: %v, want %v", fd, want)
	}
	// Diagonal covariances: Σ (√a − √b)² plus the squared mean distance.
	fd, _ = Frechet(gaussian([]float64{0, 0, 3}, []float64{1, 0, 0, 0, 4, 0, 0, 0, 16}),
		gaussian([]float64{0, 4, 3}, []float64{9, 0, 0, 0, 4, 0, 0, 0, 1}))
	if want := 16.0 + 4 + 0 + 9; math.Abs(fd-want) > 1e-12 {
		t.Errorf("diagonal: %v, want %v", fd, want)
	}
	// Covariances that do not commute: tr √(Σ1Σ2) is the sum of the square
	// roots of the (real, positive) eigenvalues of the non-symmetric
	// product, found here by a general eigensolver.
	c1 := []float64{2, 0.8, 0.1, 0.8, 1, -0.3, 0.1, -0.3, 0.5}
	c2 := []float64{1, -0.4, 0.2, -0.4, 3, 0.6, 0.2, 0.6, 0.7}
	m1, m2 := []float64{1, 2, 3}, []float64{0.5, 2.5, 2}
	var p mat.Dense
	p.Mul(mat.NewSymDense(3, c1), mat.NewSymDense(3, c2))
	var eig mat.Eigen
	if !eig.Factorize(&p, mat.EigenNone) {
		t.Fatal("eigen failed")
	}
	var trs float64
	for _, v := range eig.Values(nil) {
		if math.Abs(imag(v)) > 1e-12 || real(v) <= 0 {
			t.Fatalf("eigenvalue %v of Σ1Σ2 not real positive", v)
		}
		trs += math.Sqrt(real(v))
	}
	want := 0.25 + 0.25 + 1 + (2 + 1 + 0.5) + (1 + 3 + 0.7) - 2*trs
	a, b := gaussian(m1, c1), gaussian(m2, c2)
	fd, _ = Frechet(a, b)
	if math.Abs(fd-want) > 1e-12 {
		t.Errorf("non-commuting: %v, want %v", fd, want)
	}
	if fd2, _ := Frechet(b, a); math.Abs(fd2-fd) > 1e-12 {
		t.Errorf("not symmetric: %v and %v", fd, fd2)
	}

	// From samples: the estimate approaches the true distance.
	r := rand.New(rand.NewPCG(3, 4))
	l1 := []float64{1, 0, 0.5, 2} // Σ1 = [[1, .5], [.5, 4.25]]
	l2 := []float64{2, 0, -1, 1}  // Σ2 = [[4, -2], [-2, 2]]
	s1, _ := judge.FitGaussian(samples(r, 100000, []float64{0, 1}, l1), 2)
	s2, _ := judge.FitGaussian(samples(r, 100000, []float64{1, 1}, l2), 2)
	est, _ := Frechet(s1, s2)
	exact, _ := Frechet(gaussian([]float64{0, 1}, []float64{1, 0.5, 0.5, 4.25}), gaussian([]float64{1, 1}, []float64{4, -2, -2, 2}))
	if math.Abs(est-exact) > 0.05*exact {
		t.Errorf("estimate from samples %v, exact %v", est, exact)
	}
	if _, err := Frechet(gaussian([]float64{1}, []float64{1}), a); err == nil {
		t.Error("dimensions 1 and 3: no error")
	}
}

func TestClassFrechet(t *testing.T) {
	// 1-D features. Class 0: {0, 2} (mean 1, variance 2) against {1, 5}
	// (mean 3, variance 8): (3−1)² + (√8 − √2)² = 4 + 2 = 6. Class 1:
	// {1, 1, 4} (mean 2, variance 3) against {2, 2, 2} (variance 0):
	// 0 + (√3 − 0)² = 3. Class 2 has one vector on one side, class 3 none
	// on the other: no distance.
	a, err := ClassGaussians([]float64{0, 1, 2, 1, 4, 7}, []int{0, 1, 0, 1, 1, 2}, 10, 1)
	if err != nil {
		t.Fatal(err)
	}
	b, err := ClassGaussians([]float64{5, 2, 2, 1, 2, 9, 8, 3}, []int{0, 1, 1, 0, 1, 2, 2, 3}, 10, 1)
	if err != nil {
		t.Fatal(err)
	}
	if a[2] != nil || a[3] != nil || b[2] == nil || b[3] != nil {
		t.Errorf("Gaussians of classes with fewer than two vectors: %v %v, %v %v", a[2], a[3], b[2], b[3])
	}
	fd, err := ClassFrechet(a, b)
	if err != nil {
		t.Fatal(err)
	}
	if len(fd) != 10 || math.Abs(fd[0]-6) > 1e-12 || math.Abs(fd[1]-3) > 1e-12 {
		t.Errorf("per-class Fréchet %v, want 6 and 3 first", fd)
	}
	for c := 2; c < 10; c++ {
		if !math.IsNaN(fd[c]) {
			t.Errorf("class %d: %v, want NaN", c, fd[c])
		}
	}
	if _, err := ClassGaussians([]float64{1, 2, 3}, []int{0, 1}, 10, 1); err == nil {
		t.Error("3 values for 2 labels: no error")
	}
	if _, err := ClassFrechet(a, b[:3]); err == nil {
		t.Error("10 and 3 classes: no error")
	}
}

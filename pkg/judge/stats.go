// What the judge makes of a set of digits, beyond one reading per digit:
// the Gaussian of their features (for the Fréchet distance), the mean
// feature distance between two digits of a class (for diversity), and the
// confusion matrix of its readings. A judge file keeps these statistics of
// the MNIST test digits, so that judging needs no test digits.

package judge

import (
	"fmt"
	"math"

	"acgan/pkg/parallel"
	"gonum.org/v1/gonum/mat"
)

// TestStats is what the judge makes of a set of real test digits, all that
// generated digits are compared with: the Gaussian of their features, the
// mean feature distance between two digits of each class, and the
// confusion matrix of the judge's readings. A judge file keeps the one of
// the MNIST test digits.
type TestStats struct {
	Gauss         *Gaussian // of the features [Features]
	ClassDistance []float64 // [Classes], each > 0
	Confusion     [][]int   // [Classes][Classes]: digits of class c read as k
}

// Stats reads the test digits with the judge and returns their
// statistics. It needs two different digits of every class.
func (j *Judge) Stats(test *Digits) (*TestStats, error) {
	feats, read, err := j.Read(test.Images)
	if err != nil {
		return nil, err
	}
	return StatsOf(feats, test.Labels, read)
}

// StatsOf returns the statistics of test digits of the given classes from
// the judge's readings of them (Read's features and classes). It needs two
// different digits of every class.
func StatsOf(feats []float64, labels, read []int) (*TestStats, error) {
	g, err := FitGaussian(feats, Features)
	if err != nil {
		return nil, fmt.Errorf("judge: test digits: %w", err)
	}
	s := &TestStats{Gauss: g, ClassDistance: ClassDistances(feats, labels), Confusion: Confusion(labels, read)}
	for c, d := range s.ClassDistance {
		if math.IsNaN(d) || d <= 0 {
			return nil, fmt.Errorf("judge: the test digits need two different digits of every class (class %d has %d)", c, count(labels, c))
		}
	}
	return s, nil
}

// Accuracy returns the fraction of the test digits the judge read right
// (NaN for none).
func (s *TestStats) Accuracy() float64 {
	n, hit := 0, 0
	for c, r := range s.Confusion {
		for _, v := range r {
			n += v
		}
		hit += r[c]
	}
	if n == 0 {
		return math.NaN()
	}
	return float64(hit) / float64(n)
}

// Confusion returns the confusion matrix of readings: [Classes][Classes],
// the count of digits of class labels[i] read as read[i]. Every class must
// be in [0, Classes).
func Confusion(labels, read []int) [][]int {
	cm := make([][]int, Classes)
	for c := range cm {
		cm[c] = make([]int, Classes)
	}
	for i, c := range labels {
		cm[c][read[i]]++
	}
	return cm
}

func count(labels []int, c int) int {
	n := 0
	for _, l := range labels {
		if l == c {
			n++
		}
	}
	return n
}

// Gaussian is the mean and covariance of a set of d-dimensional vectors.
type Gaussian struct {
	N    int           // number of vectors
	Mean []float64     // [d]
	Cov  *mat.SymDense // d×d, the unbiased sample covariance (divisor N−1)
}

// FitGaussian returns the mean and covariance of the n = len(x)/d vectors
// of x (row-major [n, d]). It needs at least two vectors.
func FitGaussian(x []float64, d int) (*Gaussian, error) {
	if d < 1 || len(x)%d != 0 {
		return nil, fmt.Errorf("judge: %d values are not a whole number of %d-vectors", len(x), d)
	}
	n := len(x) / d
	if n < 2 {
		return nil, fmt.Errorf("judge: a covariance needs at least 2 vectors, have %d", n)
	}
	mean := make([]float64, d)
	for i := 0; i < n; i++ {
		for k, v := range x[i*d : (i+1)*d] {
			mean[k] += v
		}
	}
	for k := range mean {
		mean[k] /= float64(n)
	}
	// Centre, then Σ = XcᵀXc/(n−1) with one symmetric rank-k update.
	xc := make([]float64, len(x))
	for i := 0; i < n; i++ {
		for k, v := range x[i*d : (i+1)*d] {
			xc[i*d+k] = v - mean[k]
		}
	}
	cov := mat.NewSymDense(d, nil)
	cov.SymOuterK(1/float64(n-1), mat.NewDense(n, d, xc).T())
	return &Gaussian{N: n, Mean: mean, Cov: cov}, nil
}

// MaxDiversityDigits bounds the digits of one class the mean pairwise
// distance is computed over (the first ones of the class): the mean over
// pairs is an unbiased estimate whatever the count, and the cost grows with
// its square.
const MaxDiversityDigits = 1000

// ClassDistances returns, for each class c, the mean Euclidean distance
// between the feature vectors [n, Features] of two different digits of
// class c (at most MaxDiversityDigits of them, the first ones), or NaN when
// the class has fewer than two digits. A generator that draws the same
// digit whatever the noise (mode collapse) has small ones.
func ClassDistances(feats []float64, labels []int) []float64 {
	var idx [Classes][]int
	for i, c := range labels {
		if len(idx[c]) < MaxDiversityDigits {
			idx[c] = append(idx[c], i)
		}
	}
	out := make([]float64, Classes)
	parallel.For(Classes, func(lo, hi int) {
		for c := lo; c < hi; c++ {
			out[c] = meanPairDistance(feats, idx[c])
		}
	})
	return out
}

// meanPairDistance returns the mean distance over the pairs of the vectors
// idx of feats, NaN for fewer than two.
func meanPairDistance(feats []float64, idx []int) float64 {
	n := len(idx)
	if n < 2 {
		return math.NaN()
	}
	var sum float64
	for a := 0; a < n; a++ {
		fa := feats[idx[a]*Features : (idx[a]+1)*Features]
		var row float64
		for b := a + 1; b < n; b++ {
			fb := feats[idx[b]*Features : (idx[b]+1)*Features]
			var d2 float64
			for k, v := range fa {
				t := v - fb[k]
				d2 += t * t
			}
			row += math.Sqrt(d2)
		}
		sum += row
	}
	return sum / float64(n*(n-1)/2)
}

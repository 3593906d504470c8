// What the judge makes of a set of images, beyond one reading per image:
// the Gaussian of their features (for the Fréchet distance), the mean
// feature distance between two images of a class (for diversity), and the
// confusion matrix of its readings. A judge file keeps these statistics of
// the held-out images it was measured on (the MNIST test digits), so that
// judging needs no real images.

package judge

import (
	"fmt"
	"math"

	"acgan/pkg/parallel"
	"gonum.org/v1/gonum/mat"
)

// TestStats is what the judge makes of a set of real held-out (test)
// images, all that generated images are compared with: the Gaussian of
// their features, the mean feature distance between two images of each
// class, and the confusion matrix of the judge's readings. A judge file
// keeps the one of the images it was measured on.
type TestStats struct {
	Gauss         *Gaussian // of the features [Features]
	ClassDistance []float64 // [K], each > 0
	Confusion     [][]int   // [K][K]: images of class c read as k
}

// Stats reads the held-out images with the judge and returns their
// statistics. It needs two different images of every class.
func (j *Judge) Stats(test *Set) (*TestStats, error) {
	if test.Geom != j.Geom {
		return nil, fmt.Errorf("judge: held-out %v; the judge reads %v", test.Geom, j.Geom)
	}
	feats, read, err := j.Read(test.Images)
	if err != nil {
		return nil, err
	}
	return StatsOf(feats, test.Labels, read, j.Geom.Classes)
}

// StatsOf returns the statistics of held-out images of the given classes
// (in [0, classes)) from the judge's readings of them (Read's features and
// classes). It needs two different images of every class.
func StatsOf(feats []float64, labels, read []int, classes int) (*TestStats, error) {
	g, err := FitGaussian(feats, Features)
	if err != nil {
		return nil, fmt.Errorf("judge: held-out images: %w", err)
	}
	s := &TestStats{Gauss: g, ClassDistance: ClassDistances(feats, labels, classes), Confusion: Confusion(labels, read, classes)}
	for c, d := range s.ClassDistance {
		if math.IsNaN(d) || d <= 0 {
			return nil, fmt.Errorf("judge: the held-out images need two different images of every class (class %d has %d)", c, count(labels, c))
		}
	}
	return s, nil
}

// Accuracy returns the fraction of the held-out images the judge read
// right (NaN for none).
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

// Confusion returns the confusion matrix of readings: [classes][classes],
// the count of images of class labels[i] read as read[i]. Every class must
// be in [0, classes).
func Confusion(labels, read []int, classes int) [][]int {
	cm := make([][]int, classes)
	for c := range cm {
		cm[c] = make([]int, classes)
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

// MaxDiversityImages bounds the images of one class the mean pairwise
// distance is computed over (the first ones of the class): the mean over
// pairs is an unbiased estimate whatever the count, and the cost grows with
// its square.
const MaxDiversityImages = 1000

// ClassDistances returns, for each class c in [0, classes), the mean
// Euclidean distance between the feature vectors [n, Features] of two
// different images of class c (at most MaxDiversityImages of them, the
// first ones), or NaN when the class has fewer than two images. A
// generator that draws the same image whatever the noise (mode collapse)
// has small ones.
func ClassDistances(feats []float64, labels []int, classes int) []float64 {
	idx := make([][]int, classes)
	for i, c := range labels {
		if len(idx[c]) < MaxDiversityImages {
			idx[c] = append(idx[c], i)
		}
	}
	out := make([]float64, classes)
	parallel.For(classes, func(lo, hi int) {
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

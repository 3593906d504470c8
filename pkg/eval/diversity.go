// Diversity: the mean Euclidean distance between the judge's features of
// two different digits of the same class. A generator that draws the same
// digit whatever the noise (mode collapse) has a small one.

package eval

import (
	"math"

	"acgan/pkg/nn"
)

// MaxDiversityDigits bounds the digits of one class the mean pairwise
// distance is computed over (the first ones of the class): the mean over
// pairs is an unbiased estimate whatever the count, and the cost grows with
// its square.
const MaxDiversityDigits = 1000

// ClassDistances returns, for each class c, the mean distance between the
// feature vectors [n, Features] of two different digits of class c (at most
// MaxDiversityDigits of them, the first ones), or NaN when the class has
// fewer than two digits.
func ClassDistances(feats []float64, labels []int) []float64 {
	var idx [Classes][]int
	for i, c := range labels {
		if len(idx[c]) < MaxDiversityDigits {
			idx[c] = append(idx[c], i)
		}
	}
	out := make([]float64, Classes)
	nn.For(Classes, func(lo, hi int) {
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

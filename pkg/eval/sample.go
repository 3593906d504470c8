// The real test images as the figures that need more than the Gaussian of
// all their features read them: per class Gaussians for the per-class
// Fréchet distances, and a sample of features for precision and recall.

package eval

import "acgan/pkg/judge"

// MaxManifoldImages bounds the images of one class that precision and
// recall compare: the first ones of the class, in every set. The figures
// depend on the sizes of the sets compared, so the sets are kept alike
// (the MNIST test split has 892 to 1135 digits of a class), and the cost
// grows with the square of the size.
const MaxManifoldImages = 1000

// TestSample is what the judge reads of a set of real test images for the
// per-class Fréchet distances and for precision and recall.
type TestSample struct {
	// ClassGauss[c] is the Gaussian of the features of all the test
	// images of class c (nil for a class of fewer than two images).
	ClassGauss []*judge.Gaussian
	// Feats [n, judge.Features] and Labels [n] are the features and
	// classes of the images precision and recall compare with: the first
	// min(perClass, MaxManifoldImages) images of each class.
	Feats  []float64
	Labels []int

	// The k-NN manifolds of Feats: of all of them, and of each class.
	all     *manifold
	classes []*manifold
}

// NewTestSample returns the sample of test images of the given classes
// ([n], in [0, classes)) from the judge's features of them (feats
// [n, judge.Features], as judge.Judge.Read gives them), for sets of
// perClass images of each class.
func NewTestSample(feats []float64, labels []int, classes, perClass int) (*TestSample, error) {
	d := judge.Features
	s := &TestSample{}
	var err error
	if s.ClassGauss, err = ClassGaussians(feats, labels, classes, d); err != nil {
		return nil, err
	}
	var idx []int
	for _, rows := range classRows(labels, classes, min(perClass, MaxManifoldImages)) {
		idx = append(idx, rows...)
	}
	s.Feats = gather(feats, d, idx)
	s.Labels = make([]int, len(idx))
	for i, k := range idx {
		s.Labels[i] = labels[k]
	}
	s.all = newManifold(newPoints(s.Feats, d, meanVector(s.Feats, d)), Neighbours)
	s.classes = make([]*manifold, classes)
	for c, rows := range classRows(s.Labels, classes, -1) {
		x := gather(s.Feats, d, rows)
		s.classes[c] = newManifold(newPoints(x, d, meanVector(x, d)), Neighbours)
	}
	return s, nil
}

// coverage returns the precision and recall of the feature vectors feats
// of images of the given classes against the sample, over the first
// MaxManifoldImages images of each class: overall, and per class (the
// images of class c against the sample's images of class c).
func (s *TestSample) coverage(feats []float64, labels []int) (p, r float64, classP, classR []float64) {
	d := judge.Features
	k := len(s.classes)
	own := classRows(labels, k, MaxManifoldImages)
	classP = make([]float64, k)
	classR = make([]float64, k)
	var all []int
	for c, m := range s.classes {
		classP[c], classR[c] = compare(m, m.against(gather(feats, d, own[c])))
		all = append(all, own[c]...)
	}
	p, r = compare(s.all, s.all.against(gather(feats, d, all)))
	return p, r, classP, classR
}

// classRows returns the indices of the images of each class (labels in
// [0, classes)), in order: the first max of each class, or all when
// max < 0.
func classRows(labels []int, classes, max int) [][]int {
	idx := make([][]int, classes)
	for i, c := range labels {
		if max < 0 || len(idx[c]) < max {
			idx[c] = append(idx[c], i)
		}
	}
	return idx
}

// gather returns the d-vectors idx of x ([n, d]), in the order of idx.
func gather(x []float64, d int, idx []int) []float64 {
	out := make([]float64, 0, len(idx)*d)
	for _, i := range idx {
		out = append(out, x[i*d:(i+1)*d]...)
	}
	return out
}

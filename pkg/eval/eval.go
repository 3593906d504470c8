// Package eval judges a class-conditional generator of MNIST digits: a
// small classifier (the judge, pkg/judge) trained once on real MNIST reads
// the generated digits, and four figures come out of its readings and of
// its penultimate-layer features:
//
//   - conditional accuracy: how often the judge reads a generated digit as
//     the class it was asked for (overall, per class, confusion matrix);
//   - the Fréchet distance between the features of the generated digits
//     and of the real test digits (frechet.go), overall and per class,
//     lower is better;
//   - precision and recall (manifold.go): the fraction of generated digits
//     inside the k-NN manifold of the real test digits' features
//     (fidelity), and of real test digits inside the generated digits'
//     manifold (coverage), overall and per class;
//   - diversity: the mean pairwise feature distance within each class
//     (judge.ClassDistances), as a ratio of the real test digits' own.
//
// The same figures for real training digits are the reference line: the
// Fréchet distance of real training digits to the test digits is the
// floor a perfect generator would reach, and their precision and recall
// what real digits score. docs/eval.md explains each number.
//
// Typical use:
//
//	ref, err := eval.OpenReference(ctx, path, fetcher, line) // the judge, loaded or trained once
//	row, err := ref.Generated(gen, latent, 1000, seed)
//	fmt.Println(row.Accuracy, row.Frechet, row.Diversity)
package eval

import (
	"context"
	"fmt"
	"math"

	"acgan/pkg/acgan"
	"acgan/pkg/judge"
)

// Generator makes images [B, 1, 28, 28] in [-1, 1] from noise [B, latent]
// and the classes asked for [B] (acgan.Generator's Generate).
type Generator interface {
	Generate(z []float32, labels []int) ([]float32, error)
}

// Row holds the figures of one set of digits, each read by the judge with
// the class it was asked for (generated digits) or has (real ones).
type Row struct {
	Digits        int       `json:"digits"`
	Accuracy      float64   `json:"accuracy"`       // fraction read as their class
	ClassAccuracy []float64 `json:"class_accuracy"` // per class (NaN in Go, null in JSON, for a class without digits)
	// Confusion[c][k] counts digits of class c the judge read as k.
	Confusion [][]int `json:"confusion"`
	// Frechet is the Fréchet distance of the features to the real test
	// digits' (NaN when not computed, e.g. for the test digits themselves).
	Frechet float64 `json:"frechet"`
	// ClassFrechet[c] is the Fréchet distance of the features of the
	// digits of class c to the real test digits of class c (NaN when not
	// computed).
	ClassFrechet []float64 `json:"class_frechet"`
	// Precision is the fraction of the digits inside the k-NN manifold of
	// the real test digits' features, Recall the fraction of the real test
	// digits inside the digits' manifold (see PrecisionRecall; NaN when
	// not computed).
	Precision float64 `json:"precision"`
	Recall    float64 `json:"recall"`
	// ClassPrecision[c] and ClassRecall[c] compare the digits of class c
	// with the real test digits of class c.
	ClassPrecision []float64 `json:"class_precision"`
	ClassRecall    []float64 `json:"class_recall"`
	// Diversity is the mean over classes of ClassDiversity.
	Diversity float64 `json:"diversity"`
	// ClassDiversity[c] is ClassDistance[c] over the test digits' own.
	ClassDiversity []float64 `json:"class_diversity"`
	// ClassDistance[c] is the mean distance between the features of two
	// digits of class c.
	ClassDistance []float64 `json:"class_distance"`
}

// Reference holds the judge and the statistics of the real test digits
// that generated digits are compared with.
type Reference struct {
	Judge *judge.Judge
	Stats *judge.TestStats
	// Sample holds the test digits' features for the per-class Fréchet
	// distances, precision and recall; without it (nil) those are NaN.
	Sample *TestSample
	// Test is the row of the test digits themselves: the judge's accuracy
	// on them, diversity 1 by definition, no Fréchet distance (NaN).
	Test Row
}

// NewReference returns the reference of the judge j and the test
// statistics s (j.Test for the MNIST test digits its file holds).
func NewReference(j *judge.Judge, s *judge.TestStats) *Reference {
	ref := &Reference{Judge: j, Stats: s, Test: confusionRow(s.Confusion)}
	ref.Test.Frechet = math.NaN()
	ref.Test.ClassDistance = s.ClassDistance
	ref.Test.ClassDiversity = make([]float64, judge.Classes)
	for c := range ref.Test.ClassDiversity {
		ref.Test.ClassDiversity[c] = 1
	}
	ref.Test.Diversity = 1
	ref.Test.setUncompared()
	return ref
}

// setUncompared sets the figures that compare the row's digits with the
// test sample to NaN.
func (row *Row) setUncompared() {
	row.ClassFrechet = nans(judge.Classes)
	row.Precision, row.Recall = math.NaN(), math.NaN()
	row.ClassPrecision = nans(judge.Classes)
	row.ClassRecall = nans(judge.Classes)
}

// nans returns n NaNs.
func nans(n int) []float64 {
	x := make([]float64, n)
	for i := range x {
		x[i] = math.NaN()
	}
	return x
}

// Score returns the figures of a set of digits: images [n, 1, 28, 28] in
// [-1, 1] and the class of each (asked for, or true).
func (r *Reference) Score(images []float32, labels []int) (Row, error) {
	if len(images) != len(labels)*judge.Pixels {
		return Row{}, fmt.Errorf("eval: %d pixel values for %d digits", len(images), len(labels))
	}
	for i, c := range labels {
		if c < 0 || c >= judge.Classes {
			return Row{}, fmt.Errorf("eval: class %d (of digit %d) outside 0..%d", c, i, judge.Classes-1)
		}
	}
	feats, read, err := r.Judge.Read(images)
	if err != nil {
		return Row{}, err
	}
	row := readingRow(labels, read)
	g, err := judge.FitGaussian(feats, judge.Features)
	if err != nil {
		return Row{}, err
	}
	if row.Frechet, err = Frechet(g, r.Stats.Gauss); err != nil {
		return Row{}, err
	}
	row.ClassDistance = judge.ClassDistances(feats, labels)
	row.ClassDiversity = make([]float64, judge.Classes)
	var sum float64
	var k int
	for c, d := range row.ClassDistance {
		row.ClassDiversity[c] = d / r.Test.ClassDistance[c]
		if !math.IsNaN(d) {
			sum += row.ClassDiversity[c]
			k++
		}
	}
	row.Diversity = math.NaN()
	if k > 0 {
		row.Diversity = sum / float64(k)
	}
	if r.Sample == nil {
		row.setUncompared()
		return row, nil
	}
	gs, err := ClassGaussians(feats, labels, judge.Features)
	if err != nil {
		return Row{}, err
	}
	if row.ClassFrechet, err = ClassFrechet(gs, r.Sample.ClassGauss); err != nil {
		return Row{}, err
	}
	row.Precision, row.Recall, row.ClassPrecision, row.ClassRecall = r.Sample.coverage(feats, labels)
	return row, nil
}

// readingRow returns the accuracy figures of the judge's readings of
// digits of the given classes.
func readingRow(labels, read []int) Row {
	return confusionRow(judge.Confusion(labels, read))
}

// confusionRow returns the accuracy figures of a confusion matrix (which
// it keeps).
func confusionRow(cm [][]int) Row {
	row := Row{Confusion: cm, ClassAccuracy: make([]float64, judge.Classes)}
	hit := 0
	for c, r := range cm {
		n := 0
		for _, v := range r {
			n += v
		}
		row.Digits += n
		hit += r[c]
		row.ClassAccuracy[c] = math.NaN()
		if n > 0 {
			row.ClassAccuracy[c] = float64(r[c]) / float64(n)
		}
	}
	row.Accuracy = math.NaN()
	if row.Digits > 0 {
		row.Accuracy = float64(hit) / float64(row.Digits)
	}
	return row
}

// genBatch is the number of digits asked of the generator at once.
const genBatch = 100

// Generate returns perClass digits of every class from g, class 0 first,
// with noise N(0, 1) of size latent drawn from a PCG seeded with seed: the
// same seed gives the same digits. It returns the images and their classes.
func Generate(g Generator, latent, perClass int, seed uint64) ([]float32, []int, error) {
	return generate(context.Background(), g, latent, perClass, seed)
}

// noiseStream is the PCG stream of the evaluation's noise; its state is the
// seed.
const noiseStream = 0x6576616c // "eval"

// generate is Generate, stopping with ctx's error when ctx is cancelled.
func generate(ctx context.Context, g Generator, latent, perClass int, seed uint64) ([]float32, []int, error) {
	if latent < 1 {
		return nil, nil, fmt.Errorf("eval: latent size %d", latent)
	}
	if perClass < 2 {
		return nil, nil, fmt.Errorf("eval: %d digits per class: want at least 2", perClass)
	}
	labels := acgan.ClassRows(perClass, judge.Classes)
	n := len(labels)
	z := acgan.SeededNoise(seed, noiseStream, n, latent)
	images := make([]float32, 0, n*judge.Pixels)
	for lo := 0; lo < n; lo += genBatch {
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		b := min(genBatch, n-lo)
		img, err := g.Generate(z[lo*latent:(lo+b)*latent], labels[lo:lo+b])
		if err != nil {
			return nil, nil, err
		}
		if len(img) != b*judge.Pixels {
			return nil, nil, fmt.Errorf("eval: the generator made %d values for %d digits", len(img), b)
		}
		for i, v := range img {
			if math.IsNaN(float64(v)) {
				return nil, nil, fmt.Errorf("eval: the generator made NaN in digit %d", lo+i/judge.Pixels)
			}
		}
		images = append(images, img...)
	}
	return images, labels, nil
}

// Generated generates perClass digits of every class with g (see Generate)
// and returns their figures.
func (r *Reference) Generated(g Generator, latent, perClass int, seed uint64) (Row, error) {
	images, labels, err := Generate(g, latent, perClass, seed)
	if err != nil {
		return Row{}, err
	}
	return r.Score(images, labels)
}

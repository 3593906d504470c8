// Package eval judges a class-conditional image generator: a small
// classifier (the judge, pkg/judge) trained once on real images of the
// generator's geometry (MNIST's digits, or the user's own images) reads the
// generated images, and four figures come out of its readings and of its
// penultimate-layer features:
//
//   - conditional accuracy: how often the judge reads a generated image as
//     the class it was asked for (overall, per class, confusion matrix);
//   - the Fréchet distance between the features of the generated images
//     and of the real held-out (test) images (frechet.go), overall and per
//     class, lower is better;
//   - precision and recall (manifold.go): the fraction of generated images
//     inside the k-NN manifold of the real test images' features
//     (fidelity), and of real test images inside the generated images'
//     manifold (coverage), overall and per class;
//   - diversity: the mean pairwise feature distance within each class
//     (judge.ClassDistances), as a ratio of the real test images' own.
//
// The same figures for real training images are the reference line: the
// Fréchet distance of real training images to the test images is the
// floor a perfect generator would reach, and their precision and recall
// what real images score. docs/eval.md explains each number.
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

// Generator makes images [B, C, S, S] in [-1, 1] from noise [B, latent]
// and the classes asked for [B] (acgan.Generator's Generate).
type Generator interface {
	Generate(z []float32, labels []int) ([]float32, error)
}

// Row holds the figures of one set of images, each read by the judge with
// the class it was asked for (generated images) or has (real ones). Its
// per-class figures are in class order.
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

// Reference holds the judge and the statistics of the real test images
// that generated images are compared with.
type Reference struct {
	Judge *judge.Judge
	Stats *judge.TestStats
	// Sample holds the test images' features for the per-class Fréchet
	// distances, precision and recall; without it (nil) those are NaN.
	Sample *TestSample
	// Test is the row of the test images themselves: the judge's accuracy
	// on them, diversity 1 by definition, no Fréchet distance (NaN).
	Test Row
}

// NewReference returns the reference of the judge j and the test
// statistics s (j.Test for the held-out images its file holds).
func NewReference(j *judge.Judge, s *judge.TestStats) *Reference {
	k := j.Geom.Classes
	ref := &Reference{Judge: j, Stats: s, Test: confusionRow(s.Confusion)}
	ref.Test.Frechet = math.NaN()
	ref.Test.ClassDistance = s.ClassDistance
	ref.Test.ClassDiversity = make([]float64, k)
	for c := range ref.Test.ClassDiversity {
		ref.Test.ClassDiversity[c] = 1
	}
	ref.Test.Diversity = 1
	ref.Test.setUncompared(k)
	return ref
}

// setUncompared sets the figures that compare the row's images with the
// test sample to NaN, for k classes.
func (row *Row) setUncompared(k int) {
	row.ClassFrechet = nans(k)
	row.Precision, row.Recall = math.NaN(), math.NaN()
	row.ClassPrecision = nans(k)
	row.ClassRecall = nans(k)
}

// nans returns n NaNs.
func nans(n int) []float64 {
	x := make([]float64, n)
	for i := range x {
		x[i] = math.NaN()
	}
	return x
}

// Score returns the figures of a set of images: images [n, C, S, S] in
// [-1, 1] and the class of each (asked for, or true).
func (r *Reference) Score(images []float32, labels []int) (Row, error) {
	k := r.Judge.Geom.Classes
	if len(images) != len(labels)*r.Judge.Geom.Pixels() {
		return Row{}, fmt.Errorf("eval: %d pixel values for %d images of %d", len(images), len(labels), r.Judge.Geom.Pixels())
	}
	for i, c := range labels {
		if c < 0 || c >= k {
			return Row{}, fmt.Errorf("eval: class %d (of image %d) outside 0..%d", c, i, k-1)
		}
	}
	feats, read, err := r.Judge.Read(images)
	if err != nil {
		return Row{}, err
	}
	row := confusionRow(judge.Confusion(labels, read, k))
	g, err := judge.FitGaussian(feats, judge.Features)
	if err != nil {
		return Row{}, err
	}
	if row.Frechet, err = Frechet(g, r.Stats.Gauss); err != nil {
		return Row{}, err
	}
	row.ClassDistance = judge.ClassDistances(feats, labels, k)
	row.ClassDiversity = make([]float64, k)
	var sum float64
	var n int
	for c, d := range row.ClassDistance {
		row.ClassDiversity[c] = d / r.Test.ClassDistance[c]
		if !math.IsNaN(d) {
			sum += row.ClassDiversity[c]
			n++
		}
	}
	row.Diversity = math.NaN()
	if n > 0 {
		row.Diversity = sum / float64(n)
	}
	if r.Sample == nil {
		row.setUncompared(k)
		return row, nil
	}
	gs, err := ClassGaussians(feats, labels, k, judge.Features)
	if err != nil {
		return Row{}, err
	}
	if row.ClassFrechet, err = ClassFrechet(gs, r.Sample.ClassGauss); err != nil {
		return Row{}, err
	}
	row.Precision, row.Recall, row.ClassPrecision, row.ClassRecall = r.Sample.coverage(feats, labels)
	return row, nil
}

// confusionRow returns the accuracy figures of a confusion matrix (which
// it keeps).
func confusionRow(cm [][]int) Row {
	row := Row{Confusion: cm, ClassAccuracy: make([]float64, len(cm))}
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

// genBatch is the number of images asked of the generator at once.
const genBatch = 100

// MaxGeneratedBytes bounds the memory of the generated images of an
// evaluation (float32): perClass · classes · C·S·S · 4 bytes.
const MaxGeneratedBytes = 4 << 30

// Generate returns perClass images of every class of geometry geom from g,
// class 0 first, with noise N(0, 1) of size latent drawn from a PCG seeded
// with seed: the same seed gives the same images. It returns the images
// and their classes.
func Generate(g Generator, geom judge.Geometry, latent, perClass int, seed uint64) ([]float32, []int, error) {
	return generate(context.Background(), g, geom, latent, perClass, seed)
}

// noiseStream is the PCG stream of the evaluation's noise; its state is the
// seed.
const noiseStream = 0x6576616c // "eval"

// generate is Generate, stopping with ctx's error when ctx is cancelled.
func generate(ctx context.Context, g Generator, geom judge.Geometry, latent, perClass int, seed uint64) ([]float32, []int, error) {
	px := geom.Pixels()
	if latent < 1 {
		return nil, nil, fmt.Errorf("eval: latent size %d", latent)
	}
	if perClass < 2 {
		return nil, nil, fmt.Errorf("eval: %d images per class: want at least 2", perClass)
	}
	if err := CheckGenerated(geom, perClass); err != nil {
		return nil, nil, err
	}
	labels := acgan.ClassRows(perClass, geom.Classes)
	n := len(labels)
	z := acgan.SeededNoise(seed, noiseStream, n, latent)
	images := make([]float32, 0, n*px)
	for lo := 0; lo < n; lo += genBatch {
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		b := min(genBatch, n-lo)
		img, err := g.Generate(z[lo*latent:(lo+b)*latent], labels[lo:lo+b])
		if err != nil {
			return nil, nil, err
		}
		if len(img) != b*px {
			return nil, nil, fmt.Errorf("eval: the generator made %d values for %d images of %d", len(img), b, px)
		}
		for i, v := range img {
			if math.IsNaN(float64(v)) {
				return nil, nil, fmt.Errorf("eval: the generator made NaN in image %d", lo+i/px)
			}
		}
		images = append(images, img...)
	}
	return images, labels, nil
}

// CheckGenerated reports whether perClass images of every class of geom
// fit in MaxGeneratedBytes.
func CheckGenerated(geom judge.Geometry, perClass int) error {
	if b := int64(perClass) * int64(geom.Classes) * int64(geom.Pixels()) * 4; b > MaxGeneratedBytes {
		return fmt.Errorf("eval: %d images of each of %d classes of %d×%d×%d pixels take %d MiB; at most %d MiB (ask for at most %d per class)",
			perClass, geom.Classes, geom.Channels, geom.Size, geom.Size, b>>20, MaxGeneratedBytes>>20, MaxGeneratedBytes/(4*geom.Classes*geom.Pixels()))
	}
	return nil
}

// Generated generates perClass images of every class with g (see
// Generate) and returns their figures.
func (r *Reference) Generated(g Generator, latent, perClass int, seed uint64) (Row, error) {
	images, labels, err := Generate(g, r.Judge.Geom, latent, perClass, seed)
	if err != nil {
		return Row{}, err
	}
	return r.Score(images, labels)
}

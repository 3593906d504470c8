// Package eval judges a class-conditional generator of MNIST digits: a
// small classifier (the judge, judge.go) trained once on real MNIST reads
// the generated digits, and three figures come out of its readings and of
// its penultimate-layer features:
//
//   - conditional accuracy: how often the judge reads a generated digit as
//     the class it was asked for (overall, per class, confusion matrix);
//   - the Fréchet distance between the features of the generated digits
//     and of the real test digits (frechet.go), lower is better;
//   - diversity: the mean pairwise feature distance within each class, as
//     a ratio of the real test digits' own (diversity.go).
//
// The same figures for real training digits are the reference line: the
// Fréchet distance of real training digits to the test digits is the
// floor a perfect generator would reach. docs/eval.md explains each
// number.
//
// Typical use:
//
//	judge, err := eval.OpenJudge(ctx, path, fetcher, notes) // loaded, or trained once
//	ref := eval.NewReference(judge, judge.Test)             // the MNIST test digits' statistics
//	row, err := ref.Generated(gen, latent, 1000, seed)
//	fmt.Println(row.Accuracy, row.Frechet, row.Diversity)
package eval

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
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
	// Diversity is the mean over classes of ClassDiversity.
	Diversity float64 `json:"diversity"`
	// ClassDiversity[c] is ClassDistance[c] over the test digits' own.
	ClassDiversity []float64 `json:"class_diversity"`
	// ClassDistance[c] is the mean distance between the features of two
	// digits of class c.
	ClassDistance []float64 `json:"class_distance"`
}

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
	g, err := FitGaussian(feats, Features)
	if err != nil {
		return nil, fmt.Errorf("eval: test digits: %w", err)
	}
	s := &TestStats{Gauss: g, ClassDistance: ClassDistances(feats, test.Labels), Confusion: readingRow(test.Labels, read).Confusion}
	for c, d := range s.ClassDistance {
		if math.IsNaN(d) || d <= 0 {
			return nil, fmt.Errorf("eval: the test digits need two different digits of every class (class %d has %d)", c, count(test.Labels, c))
		}
	}
	return s, nil
}

// Accuracy returns the fraction of the test digits the judge read right.
func (s *TestStats) Accuracy() float64 {
	return confusionRow(s.Confusion).Accuracy
}

// Reference holds the judge and the statistics of the real test digits
// that generated digits are compared with.
type Reference struct {
	Judge *Judge
	Stats *TestStats
	// Test is the row of the test digits themselves: the judge's accuracy
	// on them, diversity 1 by definition, no Fréchet distance (NaN).
	Test Row
}

// NewReference returns the reference of the judge j and the test
// statistics s (j.Test for the MNIST test digits its file holds).
func NewReference(j *Judge, s *TestStats) *Reference {
	ref := &Reference{Judge: j, Stats: s, Test: confusionRow(s.Confusion)}
	ref.Test.Frechet = math.NaN()
	ref.Test.ClassDistance = s.ClassDistance
	ref.Test.ClassDiversity = make([]float64, Classes)
	for c := range ref.Test.ClassDiversity {
		ref.Test.ClassDiversity[c] = 1
	}
	ref.Test.Diversity = 1
	return ref
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

// Score returns the figures of a set of digits: images [n, 1, 28, 28] in
// [-1, 1] and the class of each (asked for, or true).
func (r *Reference) Score(images []float32, labels []int) (Row, error) {
	if len(images) != len(labels)*Pixels {
		return Row{}, fmt.Errorf("eval: %d pixel values for %d digits", len(images), len(labels))
	}
	for i, c := range labels {
		if c < 0 || c >= Classes {
			return Row{}, fmt.Errorf("eval: class %d (of digit %d) outside 0..%d", c, i, Classes-1)
		}
	}
	feats, read, err := r.Judge.Read(images)
	if err != nil {
		return Row{}, err
	}
	row := readingRow(labels, read)
	g, err := FitGaussian(feats, Features)
	if err != nil {
		return Row{}, err
	}
	if row.Frechet, err = Frechet(g, r.Stats.Gauss); err != nil {
		return Row{}, err
	}
	row.ClassDistance = ClassDistances(feats, labels)
	row.ClassDiversity = make([]float64, Classes)
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
	return row, nil
}

// readingRow returns the accuracy figures of the judge's readings of
// digits of the given classes.
func readingRow(labels, read []int) Row {
	cm := make([][]int, Classes)
	for c := range cm {
		cm[c] = make([]int, Classes)
	}
	for i, c := range labels {
		cm[c][read[i]]++
	}
	return confusionRow(cm)
}

// confusionRow returns the accuracy figures of a confusion matrix (which
// it keeps).
func confusionRow(cm [][]int) Row {
	row := Row{Confusion: cm, ClassAccuracy: make([]float64, Classes)}
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

// generate is Generate, stopping with ctx's error when ctx is cancelled.
func generate(ctx context.Context, g Generator, latent, perClass int, seed uint64) ([]float32, []int, error) {
	if latent < 1 {
		return nil, nil, fmt.Errorf("eval: latent size %d", latent)
	}
	if perClass < 2 {
		return nil, nil, fmt.Errorf("eval: %d digits per class: want at least 2", perClass)
	}
	r := rand.New(rand.NewPCG(seed, 0x6576616c)) // "eval"
	n := perClass * Classes
	images := make([]float32, 0, n*Pixels)
	labels := make([]int, n)
	for i := range labels {
		labels[i] = i / perClass
	}
	z := make([]float32, genBatch*latent)
	for lo := 0; lo < n; lo += genBatch {
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		b := min(genBatch, n-lo)
		for i := range z[:b*latent] {
			z[i] = float32(r.NormFloat64())
		}
		img, err := g.Generate(z[:b*latent], labels[lo:lo+b])
		if err != nil {
			return nil, nil, err
		}
		if len(img) != b*Pixels {
			return nil, nil, fmt.Errorf("eval: the generator made %d values for %d digits", len(img), b)
		}
		for i, v := range img {
			if math.IsNaN(float64(v)) {
				return nil, nil, fmt.Errorf("eval: the generator made NaN in digit %d", lo+i/Pixels)
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

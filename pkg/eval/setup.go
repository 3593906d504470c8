// Getting what an evaluation needs: the judge (from its file, or trained on
// first use and saved there) and the real images: MNIST's (from a stream,
// or from the MNIST sources as mnist-fetch gets them) or the user's own;
// and the evaluation of acgan-eval.

package eval

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"acgan/pkg/dataset"
	"acgan/pkg/judge"
	"acgan/pkg/mnist"
	"acgan/pkg/status"
)

// LoadDigits returns the digits of an MNIST split ("train" or "test") from
// the fetcher's sources.
func LoadDigits(ctx context.Context, f *mnist.Fetcher, split string) (*judge.Set, error) {
	ds, err := f.Load(ctx, split, 0)
	if err != nil {
		return nil, err
	}
	return FromDataset(ds)
}

// mnistSource is the source of a new MNIST judge: the training digits
// train (all of them) and the test digits test, with the recipe of the
// cached MNIST judge.
func mnistSource(train *dataset.Set, test *judge.Set) *judge.Source {
	return &judge.Source{What: "the MNIST training digits", Options: judge.DefaultTrainOptions(),
		Load: func(context.Context) (*judge.Set, *judge.Set, error) {
			t, err := judge.NewSet(train)
			return t, test, err
		}}
}

// OpenJudge returns the MNIST judge saved at path, or, when there is none,
// one trained on the MNIST training and test digits of the fetcher's
// sources and saved there (see judge.Open); a nil f trains none. Any
// judge of MNIST's geometry is taken: the images it was trained on are
// not checked. It shows the training on line, and a warning there when the
// judge reads fewer than judge.MinAccuracy of the test digits right.
func OpenJudge(ctx context.Context, path string, f *mnist.Fetcher, line *status.Line) (*judge.Judge, error) {
	var src *judge.Source
	if f != nil {
		src = &judge.Source{What: "the MNIST training digits", Options: judge.DefaultTrainOptions(),
			Load: func(ctx context.Context) (train, test *judge.Set, err error) {
				if train, err = LoadDigits(ctx, f, mnist.Train); err != nil {
					return nil, nil, err
				}
				if test, err = LoadDigits(ctx, f, mnist.Test); err != nil {
					return nil, nil, err
				}
				return train, test, nil
			}}
	}
	return openJudge(ctx, path, judge.Want{Geom: judge.MNIST}, src, line)
}

// openJudge is judge.Open with the warning of a weak judge on line.
func openJudge(ctx context.Context, path string, want judge.Want, src *judge.Source, line *status.Line) (*judge.Judge, error) {
	j, err := judge.Open(ctx, path, want, src, line)
	if err != nil {
		return nil, err
	}
	if j.TestAccuracy < judge.MinAccuracy {
		line.Printf("warning: the judge reads only %.1f%% of the held-out images right (a good one reads %.0f%%): its figures mean little", 100*j.TestAccuracy, 100*judge.MinAccuracy)
	}
	return j, nil
}

// Options are the settings of an evaluation (acgan-eval).
type Options struct {
	PerClass int    // images generated per class (and real training images per class)
	Seed     uint64 // seed of the generated noise
	// JudgePath is the judge file (see judge.Open); "" is the user's cache:
	// judge.DefaultPath for MNIST, judge.DefaultPathFor the key of the
	// training part of Data.
	JudgePath string
	// Names are the model's class names (nil when it has none); they must
	// be Data's when both have names.
	Names []string

	// Data holds the user's real images (acgan-eval -real), named DataName
	// in messages and the report. Their part judge.Split keeps trains the
	// judge and gives the real training row; the part it holds out gives
	// the test statistics and row. Without Data (nil), the real images are
	// MNIST's, from Real and Fetcher.
	Data     *dataset.Set
	DataName string

	// Real holds the MNIST digits the user supplied, by split ("train",
	// "test"; see ReadReal). A split not given is loaded from Fetcher;
	// without test digits, the statistics of the MNIST test digits kept in
	// the judge file give the overall Fréchet distance and the test row.
	Real    map[string]*dataset.Set
	Fetcher *mnist.Fetcher
	// Status shows the slow work (training the judge, downloading MNIST)
	// and warnings to a person (nil: nowhere).
	Status *status.Line
}

// RealMNIST is Report.Real for MNIST's digits.
const RealMNIST = "MNIST"

// Evaluate judges the generator g (images of geometry geom from noise of
// size latent): the rows of its images, of the real training images and
// of the real test images. The caller fills in the report's model fields.
func Evaluate(ctx context.Context, g Generator, geom judge.Geometry, latent int, opt Options) (*Report, error) {
	start := time.Now()
	if err := geom.Check(); err != nil {
		return nil, fmt.Errorf("eval: the model makes %w", err)
	}
	if err := CheckGenerated(geom, opt.PerClass); err != nil {
		return nil, err
	}
	var (
		r   *realImages
		err error
	)
	if opt.Data != nil {
		r, err = dataImages(ctx, geom, opt)
	} else {
		r, err = mnistImages(ctx, geom, opt)
	}
	if err != nil {
		return nil, err
	}
	j, err := openJudge(ctx, r.judgePath, judge.Want{Geom: geom, Key: r.key}, r.src, opt.Status)
	if err != nil {
		return nil, err
	}
	// The test images: their statistics are the judge file's, unless
	// other test images were given; the per-class Fréchet distances,
	// precision and recall need the images themselves.
	feats, read, err := j.Read(r.test.Images)
	if err != nil {
		return nil, fmt.Errorf("real test images: %w", err)
	}
	stats := j.Test
	if r.ownTest {
		if stats, err = judge.StatsOf(feats, r.test.Labels, read, geom.Classes); err != nil {
			return nil, fmt.Errorf("real test images: %w", err)
		}
	}
	ref := NewReference(j, stats)
	if ref.Sample, err = NewTestSample(feats, r.test.Labels, geom.Classes, opt.PerClass); err != nil {
		return nil, fmt.Errorf("real test images: %w", err)
	}
	images, labels, err := generate(ctx, g, geom, latent, opt.PerClass, opt.Seed)
	if err != nil {
		return nil, err
	}
	gen, err := ref.Score(images, labels)
	if err != nil {
		return nil, err
	}
	realTrain, err := ref.Score(r.train.Images, r.train.Labels)
	if err != nil {
		return nil, fmt.Errorf("real train images: %w", err)
	}
	names := opt.Names
	if names == nil {
		names = r.names
	}
	return &Report{
		PerClass: opt.PerClass, Seed: opt.Seed, Classes: geom.Classes, Names: names,
		Real: r.name, JudgePath: r.judgePath, JudgeTestAccuracy: j.TestAccuracy, JudgeKey: j.Key,
		Generated: gen, RealTrain: realTrain, RealTest: ref.Test,
		Seconds: time.Since(start).Seconds(),
	}, nil
}

// realImages are the real images of an evaluation.
type realImages struct {
	name      string     // RealMNIST or the user's stream
	names     []string   // their class names, nil if none
	train     *judge.Set // the first PerClass training images of each class
	test      *judge.Set // the held-out images
	ownTest   bool       // whether test is other than the judge file's (and its statistics are to be computed)
	key       string     // of the images a judge must have been trained on
	judgePath string
	src       *judge.Source // of a new judge
}

// mnistImages returns MNIST's digits: from opt.Real, else from the
// sources. The judge is opt.JudgePath, else the cached MNIST judge.
func mnistImages(ctx context.Context, geom judge.Geometry, opt Options) (*realImages, error) {
	if geom != judge.MNIST {
		return nil, fmt.Errorf("eval: the model makes %v, and MNIST's digits are %v: judge it with real images of its own", geom, judge.MNIST)
	}
	r := &realImages{name: RealMNIST, judgePath: opt.JudgePath}
	if r.judgePath == "" {
		var err error
		if r.judgePath, err = judge.DefaultPath(); err != nil {
			return nil, err
		}
	}
	train := opt.Real[mnist.Train]
	if train == nil {
		ds, err := opt.Fetcher.Load(ctx, mnist.Train, 0)
		if err != nil {
			return nil, fmt.Errorf("real train digits: %w", err)
		}
		train = ds.Set()
	}
	r.key = judge.DataKey(train)
	r.train = firstPerClass(train, geom, opt.PerClass)
	if s := opt.Real[mnist.Test]; s != nil {
		var err error
		if r.test, err = judge.NewSet(s); err != nil {
			return nil, fmt.Errorf("real test digits: %w", err)
		}
		r.ownTest = true
	} else {
		var err error
		if r.test, err = LoadDigits(ctx, opt.Fetcher, mnist.Test); err != nil {
			return nil, fmt.Errorf("real test digits: %w", err)
		}
	}
	r.src = mnistSource(train, r.test)
	return r, nil
}

// dataImages returns the user's images opt.Data, split (judge.Split). The
// judge is opt.JudgePath, else the cached judge of their training part.
func dataImages(ctx context.Context, geom judge.Geometry, opt Options) (*realImages, error) {
	d := opt.Data
	dg, err := judge.GeometryOf(d)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", opt.DataName, err)
	}
	if dg != geom {
		return nil, fmt.Errorf("%s holds %v; the model makes %v", opt.DataName, dg, geom)
	}
	if d.Names != nil && opt.Names != nil && !slices.Equal(d.Names, opt.Names) {
		return nil, fmt.Errorf("%s names its classes %s; the model names them %s", opt.DataName, nameList(d.Names), nameList(opt.Names))
	}
	train, test, err := judge.Split(d)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", opt.DataName, err)
	}
	r := &realImages{name: opt.DataName, names: d.Names, key: judge.DataKey(train), judgePath: opt.JudgePath, ownTest: true}
	if r.judgePath == "" {
		if r.judgePath, err = judge.DefaultPathFor(r.key); err != nil {
			return nil, err
		}
	}
	r.train = firstPerClass(train, geom, opt.PerClass)
	if r.test, err = judge.NewSet(test); err != nil {
		return nil, err
	}
	r.src = &judge.Source{
		What:    fmt.Sprintf("%d of the %d images of %s (the other %d held out)", train.N, d.N, opt.DataName, test.N),
		Options: judge.DataTrainOptions(),
		Load: func(context.Context) (*judge.Set, *judge.Set, error) {
			t, err := judge.NewSet(train)
			return t, r.test, err
		},
	}
	return r, nil
}

// nameList lists class names for a message: the first three, and how
// many more.
func nameList(names []string) string {
	q := make([]string, 0, 3)
	for _, n := range names[:min(3, len(names))] {
		q = append(q, fmt.Sprintf("%q", n))
	}
	s := strings.Join(q, ", ")
	if len(names) > 3 {
		s += fmt.Sprintf(" and %d more", len(names)-3)
	}
	return s
}

// OpenDataReference returns the reference of a user's images for quick
// figures (Quick): the judge at judgePath ("" for the user's cache,
// judge.DefaultPathFor), trained on first use on the part of data that
// judge.Split keeps, and the statistics of the part it holds out. It
// shows a training on line.
func OpenDataReference(ctx context.Context, judgePath string, data *dataset.Set, name string, line *status.Line) (*Reference, error) {
	geom, err := judge.GeometryOf(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	r, err := dataImages(ctx, geom, Options{JudgePath: judgePath, Data: data, DataName: name})
	if err != nil {
		return nil, err
	}
	j, err := openJudge(ctx, r.judgePath, judge.Want{Geom: geom, Key: r.key}, r.src, line)
	if err != nil {
		return nil, err
	}
	stats, err := j.Stats(r.test)
	if err != nil {
		return nil, fmt.Errorf("%s: held-out images: %w", name, err)
	}
	return NewReference(j, stats), nil
}

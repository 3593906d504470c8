// Getting what an evaluation needs: the judge (from its file, or trained on
// first use with MNIST from the sources and saved there) and the real MNIST
// digits (from a stream, or from the MNIST sources as mnist-fetch gets
// them), and the evaluation of acgan-eval.

package eval

import (
	"context"
	"fmt"
	"time"

	"acgan/pkg/judge"
	"acgan/pkg/mnist"
	"acgan/pkg/status"
)

// LoadDigits returns the digits of an MNIST split ("train" or "test") from
// the fetcher's sources.
func LoadDigits(ctx context.Context, f *mnist.Fetcher, split string) (*judge.Digits, error) {
	ds, err := f.Load(ctx, split, 0)
	if err != nil {
		return nil, err
	}
	return FromDataset(ds), nil
}

// OpenJudge returns the judge saved at path, or, when there is none, one
// trained on the MNIST training and test digits of the fetcher's sources
// and saved there (see judge.Open); a nil f trains none. It shows the
// training on line, and a warning there when the judge reads fewer than
// judge.MinAccuracy of the test digits right.
func OpenJudge(ctx context.Context, path string, f *mnist.Fetcher, line *status.Line) (*judge.Judge, error) {
	var src judge.Source
	if f != nil {
		src = func(ctx context.Context) (train, test *judge.Digits, err error) {
			if train, err = LoadDigits(ctx, f, mnist.Train); err != nil {
				return nil, nil, err
			}
			if test, err = LoadDigits(ctx, f, mnist.Test); err != nil {
				return nil, nil, err
			}
			return train, test, nil
		}
	}
	j, err := judge.Open(ctx, path, src, line)
	if err != nil {
		return nil, err
	}
	if j.TestAccuracy < judge.MinAccuracy {
		line.Printf("warning: the judge reads only %.1f%% of the test digits right (a good one reads %.0f%%): its figures mean little", 100*j.TestAccuracy, 100*judge.MinAccuracy)
	}
	return j, nil
}

// Options are the settings of an evaluation (acgan-eval).
type Options struct {
	PerClass  int    // digits generated per class (and real training digits per class)
	Seed      uint64 // seed of the generated noise
	JudgePath string // the judge file (see OpenJudge)
	// Real holds the real digits the user supplied, by split ("train",
	// "test"; see ReadReal). A split not given is loaded from Fetcher;
	// without test digits, the statistics of the MNIST test digits kept in
	// the judge file give the overall Fréchet distance and the test row.
	Real    map[string]*judge.Digits
	Fetcher *mnist.Fetcher
	// Status shows the slow work (training the judge, downloading MNIST)
	// and warnings to a person (nil: nowhere).
	Status *status.Line
}

// Evaluate judges the generator g (noise of size latent): the rows of its
// digits, of the real training digits and of the real test digits. The
// caller fills in the report's model fields.
func Evaluate(ctx context.Context, g Generator, latent int, opt Options) (*Report, error) {
	start := time.Now()
	j, err := OpenJudge(ctx, opt.JudgePath, opt.Fetcher, opt.Status)
	if err != nil {
		return nil, err
	}
	// The first PerClass training digits of each class.
	var sub *judge.Digits
	if train := opt.Real[mnist.Train]; train != nil {
		sub = train.FirstPerClass(opt.PerClass)
	} else {
		ds, err := opt.Fetcher.Load(ctx, mnist.Train, 0)
		if err != nil {
			return nil, fmt.Errorf("real train digits: %w", err)
		}
		sub = firstPerClass(ds, opt.PerClass)
	}
	// The test digits: their statistics are the judge file's, unless
	// other test digits were given; the per-class Fréchet distances,
	// precision and recall need the digits themselves.
	stats := j.Test
	test := opt.Real[mnist.Test]
	if test == nil {
		if test, err = LoadDigits(ctx, opt.Fetcher, mnist.Test); err != nil {
			return nil, fmt.Errorf("real test digits: %w", err)
		}
	}
	feats, read, err := j.Read(test.Images)
	if err != nil {
		return nil, fmt.Errorf("real test digits: %w", err)
	}
	if opt.Real[mnist.Test] != nil {
		if stats, err = judge.StatsOf(feats, test.Labels, read); err != nil {
			return nil, fmt.Errorf("real test digits: %w", err)
		}
	}
	ref := NewReference(j, stats)
	if ref.Sample, err = NewTestSample(feats, test.Labels, opt.PerClass); err != nil {
		return nil, fmt.Errorf("real test digits: %w", err)
	}
	images, labels, err := generate(ctx, g, latent, opt.PerClass, opt.Seed)
	if err != nil {
		return nil, err
	}
	gen, err := ref.Score(images, labels)
	if err != nil {
		return nil, err
	}
	realTrain, err := ref.Score(sub.Images, sub.Labels)
	if err != nil {
		return nil, fmt.Errorf("real train digits: %w", err)
	}
	return &Report{
		PerClass: opt.PerClass, Seed: opt.Seed,
		JudgePath: opt.JudgePath, JudgeTestAccuracy: j.TestAccuracy,
		Generated: gen, RealTrain: realTrain, RealTest: ref.Test,
		Seconds: time.Since(start).Seconds(),
	}, nil
}

// Getting what an evaluation needs: the judge (from its file, or trained on
// first use and saved there) and the real MNIST digits (from a stream, or
// from the MNIST sources as mnist-fetch gets them).

package eval

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"acgan/pkg/atomicfile"
	"acgan/pkg/mnist"
)

// Notes reports slow work (training the judge, fetching MNIST) to a person,
// normally on stderr: one live line on a terminal, plain lines otherwise.
type Notes struct {
	W      io.Writer // nil: silent
	Live   bool
	Prefix string // e.g. "acgan-eval: "

	drawn bool
	last  time.Time
}

// Printf writes a message on a line of its own.
func (n *Notes) Printf(format string, args ...any) {
	if n == nil || n.W == nil {
		return
	}
	n.done()
	fmt.Fprintf(n.W, n.Prefix+format, args...)
}

// status redraws the live line (at most five times a second), or writes a
// plain line when final is set and the output is not a terminal.
func (n *Notes) status(final bool, format string, args ...any) {
	if n == nil || n.W == nil {
		return
	}
	if n.Live {
		if !final && time.Since(n.last) < 200*time.Millisecond {
			return
		}
		n.last = time.Now()
		n.drawn = true
		fmt.Fprintf(n.W, "\r"+n.Prefix+format+"\x1b[K", args...)
		return
	}
	if final {
		fmt.Fprintf(n.W, n.Prefix+format+"\n", args...)
	}
}

func (n *Notes) done() {
	if n != nil && n.drawn {
		fmt.Fprintln(n.W)
		n.drawn = false
	}
}

// LoadDigits returns the digits of an MNIST split ("train" or "test") from
// the fetcher's sources.
func LoadDigits(ctx context.Context, f *mnist.Fetcher, split string) (*Digits, error) {
	ds, err := f.Load(ctx, split, 0)
	if err != nil {
		return nil, err
	}
	return FromDataset(ds), nil
}

// OpenJudge returns the judge saved at path. When there is no file there,
// it trains one (with DefaultTrainOptions, on the training and test digits
// of the fetcher's sources), reports the progress on notes, and saves it at
// path (atomically, creating its folder). A file that exists but is not a
// valid judge is an error.
func OpenJudge(ctx context.Context, path string, f *mnist.Fetcher, notes *Notes) (*Judge, error) {
	j, err := LoadJudgeFile(path)
	if err == nil {
		return j, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("judge: %w (delete the file to train a new judge)", err)
	}
	if f == nil {
		return nil, fmt.Errorf("judge: no judge at %s", path)
	}
	notes.Printf("no judge at %s: training one on the MNIST training digits (once; a few minutes)\n", path)
	train, err := LoadDigits(ctx, f, mnist.Train)
	if err != nil {
		return nil, fmt.Errorf("judge: %w", err)
	}
	test, err := LoadDigits(ctx, f, mnist.Test)
	if err != nil {
		return nil, fmt.Errorf("judge: %w", err)
	}
	opt := DefaultTrainOptions()
	start := time.Now()
	opt.Progress = func(epoch, step, steps int, loss float64) {
		el := time.Since(start)
		done := float64((epoch-1)*steps+step) / float64(opt.Epochs*steps)
		eta := time.Duration(float64(el) * (1 - done) / done).Round(time.Second)
		notes.status(step == steps, "training the judge: epoch %d/%d, %3.0f%%, loss %.4f, ETA %v", epoch, opt.Epochs, 100*float64(step)/float64(steps), loss, eta)
	}
	j, err = TrainJudge(ctx, train, test, opt)
	if err != nil {
		notes.done()
		return nil, fmt.Errorf("judge: %w", err)
	}
	notes.Printf("judge trained in %v: %.2f%% of the %d test digits read right\n", time.Since(start).Round(time.Second), 100*j.TestAccuracy, test.Len())
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("judge: %w", err)
	}
	if err := atomicfile.WriteFile(path, j.Save); err != nil {
		return nil, fmt.Errorf("judge: saving %s: %w", path, err)
	}
	notes.Printf("judge saved to %s\n", path)
	return j, nil
}

// MinJudgeAccuracy is the test accuracy below which a judge is not to be
// trusted (Evaluate warns).
const MinJudgeAccuracy = 0.99

// Options are the settings of an evaluation (acgan-eval).
type Options struct {
	PerClass  int    // digits generated per class (and real training digits per class)
	Seed      uint64 // seed of the generated noise
	JudgePath string // the judge file (see OpenJudge)
	// Real holds the real digits the user supplied, by split ("train",
	// "test"; see ReadReal). Without test digits, the statistics of the
	// MNIST test digits kept in the judge file are used; without training
	// digits, they are loaded from Fetcher.
	Real    map[string]*Digits
	Fetcher *mnist.Fetcher
	Notes   *Notes
}

// Evaluate judges the generator g (noise of size latent): the rows of its
// digits, of the real training digits and of the real test digits. The
// caller fills in the report's model fields.
func Evaluate(ctx context.Context, g Generator, latent int, opt Options) (*Report, error) {
	start := time.Now()
	j, err := OpenJudge(ctx, opt.JudgePath, opt.Fetcher, opt.Notes)
	if err != nil {
		return nil, err
	}
	if j.TestAccuracy < MinJudgeAccuracy {
		opt.Notes.Printf("warning: the judge reads only %.1f%% of the test digits right (a good one reads %.0f%%): its figures mean little\n", 100*j.TestAccuracy, 100*MinJudgeAccuracy)
	}
	// The test digits' statistics: the judge file's, unless other test
	// digits were given.
	stats := j.Test
	if test := opt.Real[mnist.Test]; test != nil {
		if stats, err = j.Stats(test); err != nil {
			return nil, fmt.Errorf("real test digits: %w", err)
		}
	}
	// The first PerClass training digits of each class.
	var sub *Digits
	if train := opt.Real[mnist.Train]; train != nil {
		sub = train.FirstPerClass(opt.PerClass)
	} else {
		ds, err := opt.Fetcher.Load(ctx, mnist.Train, 0)
		if err != nil {
			return nil, fmt.Errorf("real train digits: %w", err)
		}
		sub = firstPerClass(ds, opt.PerClass)
	}
	ref := NewReference(j, stats)
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

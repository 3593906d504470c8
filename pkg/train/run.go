// Package train runs the ACGAN's training loop over a data set: batches
// drawn from the run's RNG, one acgan.Trainer step per iteration, progress,
// JSON log records, checkpoints, and a clean stop on request or on a
// non-finite loss. cmd/acgan-train is a thin layer over Run.
//
// In the data flow (fetch → stream → train → model → gen → stream → grid)
// the package reads streams and writes model files; it never draws
// pictures: sample images and records go to callbacks (Options.Samples,
// Options.Record), and the command hands them to pkg/trainview.
package train

import (
	"errors"
	"fmt"
	"io"
	"time"

	"acgan/pkg/acgan"
	"acgan/pkg/atomicfile"
	"acgan/pkg/dataset"
	"acgan/pkg/modelfile"
)

// SampleCols is the number of images in a row of a sample grid, and
// MaxSampleRows the most rows it has (one class a row: SampleClasses).
const (
	SampleCols    = 10
	MaxSampleRows = 10
)

// SampleClasses returns the classes a sample grid shows, one a row: every
// class when there are at most MaxSampleRows, else MaxSampleRows classes
// evenly spaced from the first to the last, class ⌊r·(classes−1)/
// (MaxSampleRows−1)⌋ in row r (so that a grid of 1000 classes shows
// classes 0, 111, 222, …, 999).
func SampleClasses(classes int) []int {
	if classes <= MaxSampleRows {
		cs := make([]int, classes)
		for i := range cs {
			cs[i] = i
		}
		return cs
	}
	cs := make([]int, MaxSampleRows)
	for r := range cs {
		cs[r] = r * (classes - 1) / (MaxSampleRows - 1)
	}
	return cs
}

// Options says how a run goes beyond the model's own configuration.
type Options struct {
	// Iters is the iteration count the run ends at (counting the
	// iterations a resumed model has already done).
	Iters int
	// LogEvery is the span of a Record, in iterations: progress lines,
	// JSON log lines and plot points come every LogEvery iterations (and
	// at the end of the run).
	LogEvery int
	// Log, when not nil, receives each Record as one line of JSON.
	Log io.Writer
	// Progress, when not nil, shows the run to a person (on stderr).
	Progress *Progress
	// History holds the records of the run before a resumed model's
	// iteration (from its log); Result.Records and the plots start with
	// them.
	History []Record
	// SampleEvery is the span between two sample grids, in iterations.
	SampleEvery int
	// Pictures, when not nil, draws the run every SampleEvery iterations:
	// the sample grid (also at the end of the run) and the records so far.
	Pictures Pictures
	// Checkpoint, when not "", is a file the model is written to
	// (atomically) every CheckpointEvery iterations.
	Checkpoint      string
	CheckpointEvery int
	// EvalEvery is the span between two judgements, in iterations: a
	// multiple of LogEvery, so that each lands in a Record.
	EvalEvery int
	// Judge, when not nil, judges the model's generator every EvalEvery
	// iterations (and at the end of the run); its figures go into that
	// iteration's Record (progress line, log). The time it takes is left
	// out of the next span's speed.
	Judge Judge
	// Stop, when it delivers a value, ends the run after the iteration in
	// progress.
	Stop <-chan struct{}
}

// Pictures draws a training run as it goes; pkg/trainview implements it
// (the training loop draws nothing itself).
type Pictures interface {
	// Samples draws the sample grid of iteration iter: SampleCols images
	// of each class of SampleClasses in turn, a row each, made by the
	// generator in
	// inference mode (the moving average of it when the run keeps one:
	// acgan.Trainer.Sampler) from noise that is fixed for the run
	// (SampleNoise: it comes from the run's seed, not from its RNG, so
	// sampling does not change training).
	Samples(iter int, pix []float32) error
	// Plot draws the records of the run so far.
	Plot(records []Record) error
}

// Judge gives a model's figures (acgan-eval's, on a few digits) without
// changing its training state: it generates in inference mode, with noise
// of its own.
type Judge interface {
	Judge(m *modelfile.Model) (Eval, error)
}

// Result is how a run ended.
type Result struct {
	// Stopped is true when the run ended early because of Options.Stop.
	Stopped bool
	// Last is the last record of the run (zero when no iteration ran).
	Last Record
	// Records holds Options.History and every record of the run.
	Records []Record
	// Failed lists the side outputs (log, samples, checkpoint) that failed
	// during the run, one error each. A failed output is reported on
	// Progress at once and given up; training goes on, since the model is
	// what the run is for.
	Failed []error
}

// fail gives up the side output what after its error err: the error is
// kept in the result and reported at once.
func (res *Result) fail(p *Progress, what string, iter int, err error) {
	err = fmt.Errorf("%s failed at iteration %d: %w", what, iter, err)
	res.Failed = append(res.Failed, err)
	if p != nil {
		p.Printf("warning: %v; training goes on without it\n", err)
	}
}

// ErrNonFinite is wrapped by the error Run returns when a loss becomes NaN
// or infinite (a weight that does is reported with modelfile.ErrNonFinite).
var ErrNonFinite = acgan.ErrNonFinite

// sampleNoiseStream is the PCG stream of the sample noise; its state is the
// run's seed, so the noise is fixed for a run and independent of its RNG.
const sampleNoiseStream = 0x73616d706c65 // "sample"

// SampleNoise returns the fixed noise and labels of the sample grids of a
// run of classes classes: SampleCols noise vectors drawn from seed for
// each class of SampleClasses(classes), and the labels, SampleCols of the
// first class, then of the second, …, so that row r shows the r-th class.
func SampleNoise(seed uint64, latent, classes int) ([]float32, []int) {
	cs := SampleClasses(classes)
	z := acgan.SeededNoise(seed, sampleNoiseStream, len(cs)*SampleCols, latent)
	y := acgan.ClassRows(SampleCols, len(cs))
	for i, r := range y {
		y[i] = cs[r]
	}
	return z, y
}

// window accumulates the stats of the iterations since the last record.
type window struct {
	n                            int
	dLoss, dAcc, classAcc, gLoss float64
	start                        time.Time
}

func (w *window) add(st acgan.Stats) {
	w.n++
	w.dLoss += st.DLoss
	w.dAcc += st.DValidAcc
	w.classAcc += 0.5 * (st.DClassAcc + st.DClassAccFake)
	w.gLoss += st.GLoss
}

func (w *window) record(iter int, now, begin time.Time) Record {
	r := Record{Iter: iter, Iters: w.n, Elapsed: now.Sub(begin).Seconds()}
	if w.n == 0 {
		return r
	}
	n := float64(w.n)
	r.DLoss, r.DAcc, r.ClassAcc, r.GLoss = w.dLoss/n, w.dAcc/n, w.classAcc/n, w.gLoss/n
	if d := now.Sub(w.start).Seconds(); d > 0 {
		r.ItPerSec = n / d
	}
	return r
}

// diverged is the error of a run whose losses or weights became NaN or
// infinite: what happened, and which checkpoint, if any, holds the last
// good model.
func diverged(err error, checkpoint string, last int64) error {
	kept := "no checkpoint was written (use -checkpoint FILE to keep one)"
	if last >= 0 {
		kept = fmt.Sprintf("the last good checkpoint is %s (iteration %d)", checkpoint, last)
	} else if checkpoint != "" {
		kept = fmt.Sprintf("no checkpoint was written before it (%s is unchanged)", checkpoint)
	}
	return fmt.Errorf("training stopped: %w; no model written; %s", err, kept)
}

// Run trains m on data until m has done opt.Iters iterations or opt.Stop
// fires. Each iteration draws a batch of m.Cfg.Batch real images uniformly
// with replacement (as the Keras program's np.random.randint does), with indices
// from the run's RNG, and takes one training step. When a loss becomes
// non-finite Run stops and returns an error wrapping ErrNonFinite; m is
// then unusable and must not be saved.
func Run(m *modelfile.Model, data *dataset.Set, opt Options) (Result, error) {
	var res Result
	if int64(opt.Iters) < m.Iter {
		return res, fmt.Errorf("the model has already done %d iterations, more than the %d asked for", m.Iter, opt.Iters)
	}
	c := m.Cfg
	if data.Channels != c.Channels || data.Height != c.Size || data.Width != c.Size || data.Classes != c.Classes {
		return res, fmt.Errorf("the model is built for images of %d×%d×%d in %d classes, the data has images of %d×%d×%d in %d classes",
			c.Channels, c.Size, c.Size, c.Classes, data.Channels, data.Height, data.Width, data.Classes)
	}
	if opt.LogEvery < 1 {
		opt.LogEvery = 1
	}
	B, size := c.Batch, c.ImageSize()
	x := make([]float32, B*size)
	y := make([]int, B)
	idx := make([]int, B)
	var sampleZ []float32
	var sampleY []int
	if opt.Pictures != nil {
		sampleZ, sampleY = SampleNoise(m.Seed, c.Latent, c.Classes)
	}
	res.Records = append(res.Records, opt.History...)
	drawSamples, drawPlot := opt.Pictures != nil, opt.Pictures != nil
	lastCheckpoint := int64(-1)

	begin := time.Now()
	win := window{start: begin}
	for m.Iter < int64(opt.Iters) {
		for b := range idx {
			idx[b] = m.R.IntN(data.N)
		}
		for b, i := range idx {
			data.Scaled(x[b*size:(b+1)*size], i)
			y[b] = data.Labels[i]
		}
		st, err := m.Step(x, y)
		if err != nil {
			if opt.Progress != nil {
				opt.Progress.Done()
			}
			if errors.Is(err, acgan.ErrNonFinite) {
				return res, diverged(err, opt.Checkpoint, lastCheckpoint)
			}
			return res, err
		}
		win.add(st)
		iter := int(m.Iter)
		now := time.Now()
		end := iter == opt.Iters
		stop := false
		select {
		case <-opt.Stop:
			stop = true
		default:
		}

		if iter%opt.LogEvery == 0 || end || stop {
			r := win.record(iter, now, begin)
			if opt.Judge != nil && opt.EvalEvery > 0 && (iter%opt.EvalEvery == 0 || end) {
				if e, err := opt.Judge.Judge(m); err != nil {
					res.fail(opt.Progress, "the evaluation", iter, err)
					opt.Judge = nil
				} else {
					r.Eval = &e
				}
				now = time.Now()
			}
			res.Last = r
			if opt.Log != nil {
				if err := WriteLog(opt.Log, []Record{r}); err != nil {
					res.fail(opt.Progress, "the log", iter, err)
					opt.Log = nil
				}
			}
			res.Records = append(res.Records, r)
			if opt.Progress != nil {
				opt.Progress.Logged(r)
			}
			win = window{start: now}
		} else if opt.Progress != nil {
			opt.Progress.Update(win.record(iter, now, begin))
		}

		if drawSamples && (iter%opt.SampleEvery == 0 || end) {
			pix, err := m.Generate(sampleZ, sampleY)
			if err != nil {
				return res, err
			}
			if err := opt.Pictures.Samples(iter, pix); err != nil {
				res.fail(opt.Progress, "the samples", iter, err)
				drawSamples = false
			}
		}
		// The plot at the end is the caller's, once the model is safe.
		if drawPlot && iter%opt.SampleEvery == 0 && !end {
			if err := opt.Pictures.Plot(res.Records); err != nil {
				res.fail(opt.Progress, "the plot", iter, err)
				drawPlot = false
			}
		}
		if opt.Checkpoint != "" && opt.CheckpointEvery > 0 && iter%opt.CheckpointEvery == 0 {
			if err := atomicfile.WriteFile(opt.Checkpoint, m.Save); err != nil {
				if errors.Is(err, modelfile.ErrNonFinite) || errors.Is(err, modelfile.ErrNegative) {
					// The losses were finite but a weight or a statistic is not usable.
					return res, diverged(fmt.Errorf("iteration %d: %w", iter, err), opt.Checkpoint, lastCheckpoint)
				}
				res.fail(opt.Progress, "the checkpoint", iter, err)
				opt.CheckpointEvery = 0
			} else {
				lastCheckpoint = m.Iter
			}
		}
		if stop {
			res.Stopped = true
			break
		}
	}
	if opt.Progress != nil {
		opt.Progress.Done()
	}
	return res, nil
}

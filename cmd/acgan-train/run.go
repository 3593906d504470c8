// The work of acgan-train: set up the run from the flags, connect the
// training loop (pkg/train) to its outputs, and write the model.
//
// Sample grids and the loss plot are pictures, made by pkg/grid at the far
// end of the data flow; pkg/train hands images and records to callbacks, and
// this command passes them to pkg/trainview, so that the training package
// stays free of any dependency on the picture side.

package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"acgan/pkg/acgan"
	"acgan/pkg/atomicfile"
	"acgan/pkg/cli"
	"acgan/pkg/dataset"
	"acgan/pkg/eval"
	"acgan/pkg/judge"
	"acgan/pkg/mnist"
	"acgan/pkg/modelfile"
	"acgan/pkg/status"
	"acgan/pkg/train"
	"acgan/pkg/trainview"
)

// defaultSeed is the seed of a run without -seed.
const defaultSeed = 1

// exitStatus is an error that ends the tool with that status and no
// message (the message has been printed).
type exitStatus int

func (e exitStatus) Error() string { return fmt.Sprintf("exit status %d", int(e)) }

func run(f *flags) error {
	cli.SetThreads(f.Threads)
	out, err := cli.Create(f.Output)
	if err != nil {
		return err
	}
	defer out.Abort()
	where := "stdout"
	if f.Output != "" && f.Output != "-" {
		where = f.Output
	}

	// Every output must be writable before the first iteration: a typo in
	// -plot must not be found after half an hour of training.
	if err := checkOutputs(f); err != nil {
		return err
	}
	var m *modelfile.Model
	if f.Resume != "" {
		if m, err = resumed(f); err != nil {
			return err
		}
	}
	in, err := cli.StdinStream(example)
	if err != nil {
		return err
	}
	data, err := dataset.Read(in, dataset.Want{})
	if err != nil {
		return fmt.Errorf("stdin: %w; acgan-train expects images and labels, e.g. from mnist-fetch or imgstack", err)
	}
	if m == nil {
		m, err = newModel(f, data)
	} else {
		err = matches(m, f.Resume, data)
	}
	if err != nil {
		return err
	}

	opt := train.Options{
		EvalEvery:       f.EvalEvery,
		Iters:           f.Iters,
		LogEvery:        f.LogEvery,
		SampleEvery:     f.SampleEvery,
		Checkpoint:      f.Checkpoint,
		CheckpointEvery: f.CheckpointEvery,
	}
	line := status.New(os.Stderr, cli.IsTerminal(os.Stderr), "")
	messages := line.WithPrefix("acgan-train: ")
	opt.Progress = &train.Progress{Line: line, Messages: messages, Total: f.Iters}
	if f.EvalEvery > 0 {
		if opt.Judge, err = evaluation(f, data, messages); err != nil {
			return err
		}
	}
	var logFile *os.File // closed once, after the model is written
	if f.Log != "" {
		flag := os.O_WRONLY | os.O_CREATE | os.O_TRUNC
		if f.Resume != "" {
			// Keep the log of the run up to the resumed iteration.
			recs, err := resumeLog(f.Log, int(m.Iter))
			if err != nil {
				return err
			}
			opt.History = recs
			flag = os.O_WRONLY | os.O_CREATE | os.O_APPEND
		}
		lf, err := os.OpenFile(f.Log, flag, 0o644)
		if err != nil {
			return fmt.Errorf("-log: %w", err)
		}
		logFile = lf
		opt.Log = lf
	}
	pictures := trainview.New(f.Samples, f.Plot, m)
	if f.Samples != "" || f.Plot != "" {
		opt.Pictures = pictures
	}

	// Ctrl-C or SIGTERM: finish the iteration, write the model. A second
	// one ends the tool at once (the default action), without a model.
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	stop := make(chan struct{}, 1)
	go func() {
		if _, ok := <-sigs; ok {
			signal.Reset(os.Interrupt, syscall.SIGTERM)
			opt.Progress.Printf("stopping after this iteration to write the model (interrupt again to quit without it)\n")
			stop <- struct{}{}
		}
	}()
	opt.Stop = stop

	start := time.Now()
	from := m.Iter
	res, err := train.Run(m, data, opt)
	signal.Stop(sigs)
	close(sigs)
	if err != nil {
		return err
	}
	// The model first: what the side outputs do after it cannot cost it.
	if err := m.Save(out); err != nil {
		if errors.Is(err, modelfile.ErrNonFinite) || errors.Is(err, modelfile.ErrNegative) {
			return fmt.Errorf("training diverged: %w; no model written", err)
		}
		return err
	}
	if err := out.Commit(); err != nil {
		return err
	}
	failed := res.Failed
	if err := pictures.Plot(res.Records); err != nil {
		failed = append(failed, fmt.Errorf("the plot failed: %w", err))
	}
	if logFile != nil {
		if err := logFile.Close(); err != nil {
			failed = append(failed, fmt.Errorf("the log failed: %w", err))
		}
	}
	done := m.Iter - from
	took := time.Since(start).Round(time.Second)
	if res.Stopped {
		fmt.Fprintf(os.Stderr, "acgan-train: interrupted at iteration %d of %d; model written to %s (continue with -resume)\n", m.Iter, f.Iters, where)
	} else {
		fmt.Fprintf(os.Stderr, "acgan-train: %d iterations in %v; model (iteration %d) written to %s\n", done, took, m.Iter, where)
	}
	if len(failed) > 0 {
		for _, err := range failed {
			fmt.Fprintf(os.Stderr, "acgan-train: error: %v\n", err)
		}
		return exitStatus(exitSideOutput)
	}
	if res.Stopped {
		return exitStatus(130)
	}
	return nil
}

// exitSideOutput is the exit status of a run whose model was written but
// one of whose side outputs (-plot, -samples, -log, -checkpoint,
// -eval-every) failed.
const exitSideOutput = 3

// checkOutputs reports the first output of f that cannot be written: the
// folder of -checkpoint, -plot or -log missing or read-only, a folder
// where a file is wanted, a -samples folder that cannot be made or written.
// (-o was checked when it was created.) Nothing is left behind.
func checkOutputs(f *flags) error {
	for _, o := range []struct{ flag, path string }{
		{"-checkpoint", f.Checkpoint}, {"-plot", f.Plot}, {"-log", f.Log},
	} {
		if o.path == "" {
			continue
		}
		if err := atomicfile.Check(o.path); err != nil {
			return fmt.Errorf("%s: %w", o.flag, err)
		}
	}
	if f.Samples != "" {
		if err := os.MkdirAll(f.Samples, 0o755); err != nil {
			return fmt.Errorf("-samples: %w", err)
		}
		if err := atomicfile.Check(filepath.Join(f.Samples, "000000.png")); err != nil {
			return fmt.Errorf("-samples: %w", err)
		}
	}
	return nil
}

// resumeLog reads the records of the log file path up to iteration upTo
// and rewrites the file (atomically) with only those; a missing file is an
// empty log.
func resumeLog(path string, upTo int) ([]train.Record, error) {
	lf, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("-log: %w", err)
	}
	recs, err := train.ReadLog(lf, path, upTo)
	lf.Close()
	if err != nil {
		return nil, fmt.Errorf("-log: %w", err)
	}
	err = atomicfile.WriteFile(path, func(w io.Writer) error { return train.WriteLog(w, recs) })
	return recs, err
}

// newModel returns a new model to train on data: the configuration of the
// flags for data's images and classes, its classes named as data names
// them. It refuses images the model does not take, and a batch whose
// training needs more memory than there is.
func newModel(f *flags, data *dataset.Set) (*modelfile.Model, error) {
	if err := acgan.CheckGeometry(data.Channels, data.Height, data.Width, data.Classes); err != nil {
		return nil, fmt.Errorf("stdin: %w", err)
	}
	base := acgan.DefaultConfig()
	base.Size, base.Channels, base.Classes = data.Height, data.Channels, data.Classes
	cfg, err := f.config(base)
	if err != nil {
		return nil, err
	}
	if err := checkMemory(cfg); err != nil {
		return nil, err
	}
	seed := uint64(defaultSeed)
	if f.Seed != nil {
		seed = *f.Seed
	}
	m, err := modelfile.New(cfg, seed)
	if err != nil {
		return nil, err
	}
	m.Names = data.Names
	return m, nil
}

// matches reports whether data is what the model m, resumed from path,
// was trained on: images of its shape, of its classes, named as it names
// them. It also applies the memory check.
func matches(m *modelfile.Model, path string, data *dataset.Set) error {
	c := m.Cfg
	if data.Channels != c.Channels || data.Height != c.Size || data.Width != c.Size || data.Classes != c.Classes {
		return fmt.Errorf("stdin: images of %d×%d×%d in %d classes, but the resumed model %s was trained on images of %d×%d×%d in %d classes",
			data.Channels, data.Height, data.Width, data.Classes, path, c.Channels, c.Size, c.Size, c.Classes)
	}
	if !slices.Equal(data.Names, m.Names) {
		return fmt.Errorf("stdin: %s, but the resumed model %s %s", namesOf(data.Names, "the stream"), path, namesOf(m.Names, ""))
	}
	return checkMemory(c)
}

// namesOf describes class names for the error of matches: who has them
// and the first few.
func namesOf(names []string, who string) string {
	s := "has no class names"
	if names != nil {
		s = "names its classes " + strings.Join(names[:min(len(names), 4)], ", ")
		if len(names) > 4 {
			s += ", …"
		}
	}
	if who == "" {
		return s
	}
	return who + " " + s
}

// resumed returns the model to resume, whose configuration the flags must
// not contradict, except -tac-weight, which takes effect from the resumed
// iteration on.
func resumed(f *flags) (*modelfile.Model, error) {
	m, err := modelfile.LoadFile(f.Resume)
	if err != nil {
		return nil, err
	}
	if int64(f.Iters) < m.Iter {
		return nil, fmt.Errorf("-iters %d: the resumed model has already done %d iterations", f.Iters, m.Iter)
	}
	c := m.Cfg
	conflict := func(flag string, given, kept any) error {
		return fmt.Errorf("%s %v differs from the resumed model's %v (a resumed run keeps its configuration)", flag, given, kept)
	}
	switch {
	case f.Batch != nil && *f.Batch != c.Batch:
		return nil, conflict("-batch", *f.Batch, c.Batch)
	case f.LR != nil && float32(*f.LR) != c.LR:
		return nil, conflict("-lr", *f.LR, c.LR)
	case f.Beta1 != nil && float32(*f.Beta1) != c.Beta1:
		return nil, conflict("-beta1", *f.Beta1, c.Beta1)
	case f.Objective != nil && *f.Objective != c.Objective.String():
		return nil, conflict("-objective", *f.Objective, c.Objective)
	case f.TACWeight != nil && c.Objective != acgan.TAC:
		return nil, fmt.Errorf("-tac-weight %g: the resumed model's objective is %s, not tac", *f.TACWeight, c.Objective)
	case f.EMA != nil && float32(*f.EMA) != c.EMA:
		return nil, conflict("-ema", *f.EMA, c.EMA)
	case f.GenClassWeight != nil && float32(*f.GenClassWeight) != c.GenClassWeight:
		return nil, conflict("-gen-class-weight", *f.GenClassWeight, c.GenClassWeight)
	case f.LabelSmoothing != nil && float32(*f.LabelSmoothing) != c.LabelSmoothing:
		return nil, conflict("-label-smoothing", *f.LabelSmoothing, c.LabelSmoothing)
	case f.ModeSeeking != nil && float32(*f.ModeSeeking) != c.ModeSeeking:
		return nil, conflict("-mode-seeking", *f.ModeSeeking, c.ModeSeeking)
	case f.MinibatchStdDev != nil && *f.MinibatchStdDev != c.MinibatchStdDev:
		return nil, conflict("-minibatch-stddev", *f.MinibatchStdDev, c.MinibatchStdDev)
	case f.DWidth != nil && *f.DWidth != c.DWidth:
		return nil, conflict("-d-width", *f.DWidth, c.DWidth)
	case f.Conditioning != nil && *f.Conditioning != c.Conditioning.String():
		return nil, conflict("-conditioning", *f.Conditioning, c.Conditioning)
	case f.Seed != nil && *f.Seed != m.Seed:
		return nil, conflict("-seed", *f.Seed, m.Seed)
	}
	if f.TACWeight != nil {
		// The one setting a resumed run may change: the twin weight holds
		// from the resumed iteration on, so that runs resumed in stages
		// follow a schedule of weights (the model records the last).
		m.Cfg.TACWeight = float32(*f.TACWeight)
	}
	return m, nil
}

// evaluation returns the -eval-every judge of a run on data. Images of
// MNIST's shape (judge.MNIST) are judged, unless -eval-real, as acgan-eval
// judges MNIST models: by the MNIST judge of -judge (or of the user cache,
// trained there on first use with MNIST from the sources mnist-fetch uses)
// against the statistics of the MNIST test digits its file holds. Other
// images, and any with -eval-real, are judged as acgan-eval -real judges
// them: by the judge of -judge (or of the user cache, under the key of its
// images), trained on first use on the part of data that judge.Split keeps,
// against the statistics of the part it holds out. Each evaluation draws
// QuickPerClass images per class with noise from the run's seed, the same
// at every evaluation.
func evaluation(f *flags, data *dataset.Set, line *status.Line) (train.Judge, error) {
	if f.Judge == "" {
		if _, err := judge.DefaultPath(); err != nil {
			return nil, fmt.Errorf("-eval-every: %w; name a judge file with -judge", err)
		}
	}
	var (
		ref *eval.Reference
		err error
	)
	if judgedOnData(f, data) {
		ref, err = eval.OpenDataReference(context.Background(), f.Judge, data, "stdin", line)
	} else {
		path := f.Judge
		if path == "" {
			path, _ = judge.DefaultPath()
		}
		fetch := mnist.New(mnist.Config{Dir: os.Getenv("MNIST_DIR"), Progress: &mnist.Progress{Line: line}})
		ref, err = eval.OpenReference(context.Background(), path, fetch, line)
	}
	if err != nil {
		return nil, fmt.Errorf("-eval-every: %w", err)
	}
	return quickJudge{ref}, nil
}

// judgedOnData reports whether -eval-every judges against the training
// images data themselves rather than MNIST's digits: with -eval-real, or
// when they are not of MNIST's shape.
func judgedOnData(f *flags, data *dataset.Set) bool {
	g := judge.Geometry{Channels: data.Channels, Size: data.Height, Classes: data.Classes}
	return f.EvalReal || data.Height != data.Width || g != judge.MNIST
}

// quickJudge gives a model's figures during training: acgan-eval's, on
// eval.QuickPerClass images per class with noise drawn from the run's
// seed, the same at every evaluation.
type quickJudge struct{ ref *eval.Reference }

// Judge implements train.Judge.
func (q quickJudge) Judge(m *modelfile.Model) (train.Eval, error) {
	// m (its Trainer) generates a training batch at a time: memory.
	e, err := q.ref.Quick(m, m.Cfg.Latent, eval.QuickPerClass, m.Seed)
	return train.Eval{Acc: e.Accuracy, Frechet: e.Frechet, Diversity: e.Diversity, PerClass: e.PerClass}, err
}

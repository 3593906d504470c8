// Command acgan-eval judges a trained ACGAN model: a small classifier (the
// judge, trained once on real MNIST and cached) reads N generated digits
// of each class, and the tool reports how often they are read as the class
// asked for, the Fréchet distance of their features to the real test
// digits', their precision and recall against the real test digits, and
// their diversity, beside the same figures for real digits.
//
//	acgan-eval -m model.bin
//	mnist-fetch -split test | acgan-eval -m model.bin -json
package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"acgan/pkg/cli"
	"acgan/pkg/eval"
	"acgan/pkg/judge"
	"acgan/pkg/mnist"
	"acgan/pkg/modelfile"
	"acgan/pkg/status"
)

const description = `Judge a trained ACGAN model (docs/eval.md): generate -n digits of each
class with -seed, read them with the judge (a small MNIST classifier), and
print, beside the same figures for real digits:

  accuracy   how often the judge reads a generated digit as the class asked
             for (overall, per class, and the 10×10 confusion matrix);
  Fréchet    the Fréchet distance between the judge's features of the
             generated digits and of the real test digits, overall and per
             class (lower is better; real training digits give the floor);
  precision  the fraction of generated digits whose features fall inside
             the real test digits' (a ball around each reaching its 3rd
             nearest neighbour): fidelity;
  recall     the fraction of real test digits inside the generated digits'
             balls: coverage (mode collapse shows as low recall, beside high
             precision when the few digits drawn look real);
  diversity  the mean feature distance between two digits of a class, over
             the real test digits' own (1 is as varied as real digits; mode
             collapse shows as a low number).

Real digits: a tensor stream on stdin as mnist-fetch writes it, with the
test split, the training split or both (concatenated, e.g.
{ mnist-fetch -split test; mnist-fetch; } | acgan-eval -m model.bin);
each images record says its split in its metadata. A split not on stdin
(or everything, when stdin is a terminal or empty) is loaded from the MNIST
sources as mnist-fetch does (-dir or $MNIST_DIR, the cache, the mirrors,
the Go module proxy). The real training row uses the first -n digits of each
class; precision and recall compare the first -n (at most 1000) digits of
each class of every set.

The judge is read from -judge FILE (default: acgan/judge-v1.tzst in the user
cache folder, e.g. ~/.cache/acgan/judge-v1.tzst). If the file does not exist,
a judge is trained on the MNIST training digits from the sources (a few
minutes, once) and saved there.`

// flags are acgan-eval's command line.
type flags struct {
	cli.Common
	Model   string `name:"model" short:"m" required:"" placeholder:"FILE" help:"The model file to judge (from acgan-train)."`
	N       int    `name:"n" short:"n" default:"1000" placeholder:"N" help:"Digits to generate per class (default 1000; at least 2)."`
	Seed    uint64 `name:"seed" default:"1" placeholder:"N" help:"Seed of the generated noise (default 1)."`
	JSON    bool   `name:"json" help:"Write the report as JSON instead of a table."`
	Judge   string `name:"judge" placeholder:"FILE" help:"The judge file (trained and saved there if missing; default: the user cache)."`
	Dir     string `name:"dir" placeholder:"DIR" env:"MNIST_DIR" help:"Folder holding the original MNIST .gz files, tried first."`
	Offline bool   `name:"offline" help:"Load MNIST only from -dir and the cache, no network."`
	Sums    string `name:"sums" placeholder:"FILE" help:"Verify MNIST files against the SHA-256 sums in FILE (e.g. testdata/mnist/SHA256SUMS); needs -judge FILE."`
	Threads int    `name:"threads" default:"0" placeholder:"N" help:"Threads to compute with (default 0: all cores)."`
	NoEMA   bool   `name:"no-ema" help:"Judge the trained generator instead of the moving average of it (acgan-train -ema) that is judged when the model holds one."`
}

// Validate checks the flags (kong calls it after parsing).
func (f *flags) Validate() error {
	switch {
	case f.N < 2:
		return fmt.Errorf("-n %d: want at least 2 digits per class", f.N)
	case f.N > 100000:
		return fmt.Errorf("-n %d: want at most 100000 digits per class", f.N)
	case f.Threads < 0:
		return fmt.Errorf("-threads %d: want 0 (all cores) or more", f.Threads)
	case f.Sums != "" && f.Judge == "":
		return errors.New("-sums needs -judge FILE (a judge trained on other digits must not replace the cached one)")
	}
	return nil
}

func run(ctx context.Context, f *flags) error {
	cli.SetThreads(f.Threads)

	line := status.New(os.Stderr, cli.IsTerminal(os.Stderr), "acgan-eval: ")
	cfg := mnist.Config{Dir: f.Dir, Offline: f.Offline,
		Progress: &mnist.Progress{Line: line}}
	if f.Sums != "" {
		file, err := os.Open(f.Sums)
		if err != nil {
			return fmt.Errorf("-sums: %w", err)
		}
		cfg.Sums, err = mnist.ParseSums(file, f.Sums)
		file.Close()
		if err != nil {
			return fmt.Errorf("-sums: %w", err)
		}
	}
	judgePath := f.Judge
	if judgePath == "" {
		var err error
		if judgePath, err = judge.DefaultPath(); err != nil {
			return fmt.Errorf("%w; name a judge file with -judge", err)
		}
	}

	m, err := modelfile.LoadFile(f.Model)
	if err != nil {
		return err
	}
	if m.Cfg.Classes != judge.Classes {
		return fmt.Errorf("%s: a model of %d classes; the judge reads the %d MNIST digits", f.Model, m.Cfg.Classes, judge.Classes)
	}
	real, err := readStdin()
	if err != nil {
		return err
	}
	g := m.Sampler() // the average, if the model keeps one
	if f.NoEMA {
		g = m.G
	}
	rep, err := eval.Evaluate(ctx, g, m.Cfg.Latent, eval.Options{
		PerClass: f.N, Seed: f.Seed, JudgePath: judgePath, Real: real,
		Fetcher: mnist.New(cfg), Status: line,
	})
	if err != nil {
		if ctx.Err() != nil {
			return errors.New("interrupted")
		}
		return err
	}
	rep.Model, rep.Objective, rep.Iteration = f.Model, m.Cfg.Objective.String(), m.Iter
	if f.JSON {
		return rep.WriteJSON(os.Stdout)
	}
	return rep.WriteTable(os.Stdout)
}

// readStdin returns the real digits on stdin, or nil when stdin is a
// terminal or empty.
func readStdin() (map[string]*judge.Digits, error) {
	if cli.IsTerminal(os.Stdin) {
		return nil, nil
	}
	br := bufio.NewReader(os.Stdin)
	if _, err := br.Peek(1); err == io.EOF {
		return nil, nil
	}
	return eval.ReadReal(br, "stdin")
}

func main() {
	var f flags
	cli.Parse("acgan-eval", description, &f)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		// After the first interrupt, the next one ends the tool at once.
		<-ctx.Done()
		stop()
	}()
	err := run(ctx, &f)
	stop()
	cli.Exit("acgan-eval", err)
}

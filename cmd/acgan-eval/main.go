// Command acgan-eval judges a trained ACGAN model: a small classifier (the
// judge, trained once on real images of the model's geometry and cached)
// reads N generated images of each class, and the tool reports how often
// they are read as the class asked for, the Fréchet distance of their
// features to the real held-out images', their precision and recall
// against those, and their diversity, beside the same figures for real
// images. The real images are MNIST's, or the user's own (-real).
//
//	acgan-eval -m model.bin
//	acgan-eval -m model.bin -real data.tzst
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
	"acgan/pkg/dataset"
	"acgan/pkg/eval"
	"acgan/pkg/judge"
	"acgan/pkg/mnist"
	"acgan/pkg/modelfile"
	"acgan/pkg/status"
)

const description = `Judge a trained ACGAN model (docs/eval.md): generate -n images of each
class with -seed, read them with the judge (a small classifier trained on
real images of the model's geometry), and print, beside the same figures
for real images:

  accuracy   how often the judge reads a generated image as the class asked
             for (overall, per class, and the confusion matrix);
  Fréchet    the Fréchet distance between the judge's features of the
             generated images and of the real test images, overall and per
             class (lower is better; real training images give the floor);
  precision  the fraction of generated images whose features fall inside
             the real test images' (a ball around each reaching its 3rd
             nearest neighbour): fidelity;
  recall     the fraction of real test images inside the generated images'
             balls: coverage (mode collapse shows as low recall, beside high
             precision when the few images drawn look real);
  diversity  the mean feature distance between two images of a class, over
             the real test images' own (1 is as varied as real images; mode
             collapse shows as a low number).

Your own images: -real FILE names a labelled tensor stream (from imgstack,
mnist-fetch, ...; - for stdin) of the model's geometry and classes. Of each
class, a fifth (at least 2) is held out, drawn by a seeded shuffle so that
the same stream always splits the same way: the judge trains on the rest,
the held-out images are the real test images, and the real training row
uses the first -n kept images of each class. The judge is cached under the
SHA-256 of the images it trains on (acgan/judge-v1-KEY.tzst in the user
cache folder); a judge file of other images is refused. Every class needs
at least 5 images, and a judge of fewer than a few hundred per class is a
weak one (it says so when it reads fewer than 99% of the held-out images
right).

MNIST (without -real): the real digits come from a tensor stream on stdin
as mnist-fetch writes it, with the test split, the training split or both
(concatenated, e.g. { mnist-fetch -split test; mnist-fetch; } | acgan-eval
-m model.bin); each images record says its split in its metadata. A split
not on stdin (or everything, when stdin is a terminal or empty) is loaded
from the MNIST sources as mnist-fetch does (-dir or $MNIST_DIR, the cache,
the mirrors, the Go module proxy). The real training row uses the first -n
digits of each class. The judge is read from -judge FILE (default:
acgan/judge-v1.tzst in the user cache folder, e.g.
~/.cache/acgan/judge-v1.tzst); if the file does not exist, a judge is
trained on the MNIST training digits (a few minutes, once) and saved there.

Precision and recall compare the first -n (at most 1000) images of each
class of every set. With more than 20 classes the table lists the 10 worst
classes of each figure and a mean; -json lists every class.`

// flags are acgan-eval's command line.
type flags struct {
	cli.Common
	Model   string `name:"model" short:"m" required:"" placeholder:"FILE" help:"The model file to judge (from acgan-train)."`
	N       int    `name:"n" short:"n" default:"0" placeholder:"N" help:"Images to generate per class (default 0: 1000, or 10000 in all, at least 10 of each, for more than 10 classes; at least 2)."`
	Real    string `name:"real" placeholder:"FILE" help:"Labelled real images to judge against, a tensor stream (- for stdin); default: MNIST's digits."`
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
	case f.N < 0 || f.N == 1:
		return fmt.Errorf("-n %d: want at least 2 images per class (or 0, the default)", f.N)
	case f.N > 100000:
		return fmt.Errorf("-n %d: want at most 100000 images per class", f.N)
	case cli.CheckThreads(f.Threads) != nil:
		return cli.CheckThreads(f.Threads)
	case f.Sums != "" && f.Judge == "":
		return errors.New("-sums needs -judge FILE (a judge trained on other digits must not replace the cached one)")
	case f.Sums != "" && f.Real != "":
		return errors.New("-sums checks MNIST's files; -real gives other images")
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
	if f.Judge == "" {
		if _, err := judge.DefaultPath(); err != nil {
			return fmt.Errorf("%w; name a judge file with -judge", err)
		}
	}

	m, err := modelfile.LoadFile(f.Model)
	if err != nil {
		return err
	}
	geom, names := modelGeometry(m)
	if err := geom.Check(); err != nil {
		return fmt.Errorf("%s: the model makes %w", f.Model, err)
	}
	opt := eval.Options{PerClass: perClass(f.N, geom.Classes), Seed: f.Seed, JudgePath: f.Judge, Names: names,
		Fetcher: mnist.New(cfg), Status: line}
	if err := eval.CheckGenerated(geom, opt.PerClass); err != nil {
		return fmt.Errorf("-n %d: %w", opt.PerClass, err)
	}
	switch {
	case f.Real != "":
		if opt.Data, opt.DataName, err = readData(f.Real); err != nil {
			return err
		}
		if dg, _ := judge.GeometryOf(opt.Data); dg != geom {
			return fmt.Errorf("%s holds %v; %s makes %v", opt.DataName, dg, f.Model, geom)
		}
	case geom != judge.MNIST:
		return fmt.Errorf("%s makes %v, not MNIST's digits: give real images of its classes with -real FILE", f.Model, geom)
	default:
		if opt.Real, err = readStdin(); err != nil {
			return err
		}
	}
	g := m.Sampler() // the average, if the model keeps one
	if f.NoEMA {
		g = m.G
	}
	rep, err := eval.Evaluate(ctx, g, geom, m.Cfg.Latent, opt)
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

// modelGeometry returns the geometry of the images m's generator makes and
// the names of its classes (nil when it has none).
func modelGeometry(m *modelfile.Model) (judge.Geometry, []string) {
	return judge.Geometry{Channels: m.Cfg.Channels, Size: m.Cfg.Size, Classes: m.Cfg.Classes}, m.Names
}

// perClass returns the images to generate of each of k classes for -n n:
// n, or for 0 1000 and, with more than 10 classes, 10000 in all, at least
// 10 of each.
func perClass(n, k int) int {
	if n > 0 {
		return n
	}
	if k <= 10 {
		return 1000
	}
	return max(10, 10000/k)
}

// readData reads the labelled images of -real path ("-" for stdin) and
// returns them and their name in messages.
func readData(path string) (*dataset.Set, string, error) {
	if path == "-" {
		if cli.IsTerminal(os.Stdin) {
			return nil, "", errors.New("-real -: stdin is a terminal; pipe a tensor stream in")
		}
		s, err := eval.ReadData(bufio.NewReader(os.Stdin), "stdin")
		return s, "stdin", err
	}
	file, err := os.Open(path)
	if err != nil {
		return nil, "", err
	}
	defer file.Close()
	s, err := eval.ReadData(bufio.NewReader(file), path)
	return s, path, err
}

// readStdin returns the real MNIST digits on stdin, or nil when stdin is a
// terminal or empty.
func readStdin() (map[string]*dataset.Set, error) {
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

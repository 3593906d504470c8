// Command acgan-gen makes digits of a chosen class with a trained model and
// writes them as a tensor stream.
//
//	acgan-gen -m model.bin -label 5 | imgrid > out.png
//	acgan-gen -m model.bin | imgrid -labels > all.png
//	acgan-gen -m model.bin -interpolate 3,8 | imgrid > walk.png
package main

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"acgan/pkg/cli"
	"acgan/pkg/dataset"
	"acgan/pkg/gen"
	"acgan/pkg/modelfile"
)

const description = `Generate digits with a model made by acgan-train, and write them as a tensor
stream (stdout, or -o FILE): "images", float32 N×1×28×28 in [-1,1]
(range=-1,1), and "labels", uint8 N (classes=10). imgrid turns the stream
into a picture; tensor-info describes it.

-label L makes -n images of digit L (default 100). -label all (the default)
makes -n images of each digit (default 10), digit 0 first, and marks the
stream nrow=N, so imgrid lays out a grid of -n images per row: digit r in
row r (imgrid -nrow overrides it). An interpolation is marked as one row.

-interpolate A,B makes one row of -n images (default 10) that walks from the
image of digit A made from one noise vector to the image of digit B made from
another: the noise moves along the great circle between the two vectors
(spherical interpolation) while the class embedding moves in a straight line
from A's to B's. -interpolate A keeps digit A and moves only the noise. The
labels of the row are A up to the middle and B from the middle on.

The noise comes from -seed: the same model, flags and seed give the same
bytes. The generator runs in inference mode (batch-norm moving statistics).
A model trained with acgan-train -ema holds an exponential moving average of
its generator beside the trained one; the average makes the images, or the
trained generator with -no-ema (which changes nothing for a model without an
average).`

// flags are acgan-gen's command line.
type flags struct {
	cli.Common
	Model       string `name:"model" short:"m" required:"" placeholder:"FILE" help:"The model file (from acgan-train)."`
	Label       string `name:"label" default:"all" placeholder:"L" help:"Digit to make, 0-9, or all (rows 0..9)."`
	N           *int   `name:"n" short:"n" placeholder:"N" help:"Images: of the digit (default 100), per digit with -label all (default 10), steps of -interpolate (default 10)."`
	Seed        uint64 `name:"seed" default:"1" placeholder:"N" help:"Seed of the noise."`
	Interpolate string `name:"interpolate" placeholder:"A[,B]" help:"Write one row walking the latent space from digit A to digit B (or A to A)."`
	NoEMA       bool   `name:"no-ema" help:"Generate with the trained generator, not the moving average of it the model holds (acgan-train -ema)."`
	Output      string `name:"output" short:"o" placeholder:"FILE" help:"Write the stream to FILE instead of stdout (a regular file is replaced whole or not at all)."`
}

// job is what the flags ask for.
type job struct {
	label  int // -1 for all
	n      int
	interp bool
	a, b   int
}

// Validate checks the flags (kong calls it after parsing).
func (f *flags) Validate() error {
	_, err := f.job()
	return err
}

func (f *flags) job() (job, error) {
	var j job
	if f.Interpolate != "" {
		if f.Label != "all" {
			return j, errors.New("-interpolate and -label cannot be used together (-interpolate A,B names its digits)")
		}
		j.interp = true
		as, bs, two := strings.Cut(f.Interpolate, ",")
		var err error
		if j.a, err = digit(as); err != nil {
			return j, fmt.Errorf("-interpolate %q: %v", f.Interpolate, err)
		}
		j.b = j.a
		if two {
			if j.b, err = digit(bs); err != nil {
				return j, fmt.Errorf("-interpolate %q: %v", f.Interpolate, err)
			}
		}
		j.n = 10
		if f.N != nil {
			j.n = *f.N
		}
		if j.n < 2 || j.n > gen.MaxImages {
			return j, fmt.Errorf("-n %d: an interpolation needs 2 to %d steps", j.n, gen.MaxImages)
		}
		return j, nil
	}
	if f.Label == "all" {
		j.label, j.n = -1, 10
		if f.N != nil {
			j.n = *f.N
		}
		if j.n < 1 || j.n > gen.MaxImages/10 {
			return j, fmt.Errorf("-n %d: want 1 to %d images per digit", j.n, gen.MaxImages/10)
		}
		return j, nil
	}
	l, err := digit(f.Label)
	if err != nil {
		return j, fmt.Errorf("-label %q: %v or all", f.Label, err)
	}
	j.label, j.n = l, 100
	if f.N != nil {
		j.n = *f.N
	}
	if j.n < 1 || j.n > gen.MaxImages {
		return j, fmt.Errorf("-n %d: want 1 to %d images", j.n, gen.MaxImages)
	}
	return j, nil
}

// digit parses a digit label 0-9.
func digit(s string) (int, error) {
	d, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || d < 0 || d > 9 {
		return 0, fmt.Errorf("want a digit 0-9")
	}
	return d, nil
}

func main() {
	var f flags
	cli.Parse("acgan-gen", description, &f)
	cli.Exit("acgan-gen", run(&f))
}

func run(f *flags) error {
	j, err := f.job()
	if err != nil {
		return err
	}
	out, err := cli.Create(f.Output)
	if err != nil {
		return err
	}
	defer out.Abort()
	m, err := modelfile.LoadFile(f.Model)
	if err != nil {
		return err
	}
	if m.Cfg.Classes != dataset.MNISTClasses {
		return fmt.Errorf("%s: a model of %d classes; acgan-gen makes digits 0-%d", f.Model, m.Cfg.Classes, dataset.MNISTClasses-1)
	}
	g := m.Sampler() // the average, if the model keeps one
	if f.NoEMA {
		g = m.G
	}
	var images []float32
	var labels []int
	nrow := 0 // a single class: imgrid's square grid
	if j.interp {
		images, labels, err = gen.Interpolate(g, f.Seed, j.a, j.b, j.n)
		nrow = j.n // one row
	} else {
		labels = gen.Labels(j.label, j.n, m.Cfg.Classes)
		images, err = gen.Generate(g, gen.Noise(f.Seed, len(labels), m.Cfg.Latent), labels)
		if j.label < 0 {
			nrow = j.n // one class a row
		}
	}
	if err != nil {
		return err
	}
	if err := gen.Write(out, images, labels, m.Cfg.Classes, nrow); err != nil {
		return err
	}
	return out.Commit()
}

// Command acgan-gen makes images of a chosen class with a trained model and
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
	"acgan/pkg/gen"
	"acgan/pkg/modelfile"
)

const description = `Generate images with a model made by acgan-train, and write them as a tensor
stream (stdout, or -o FILE): "images", float32 N×C×S×S in [-1,1]
(range=-1,1) of the model's shape (N×1×28×28 for MNIST), "labels", N
class numbers (classes=K), and, when the model names its classes (from the
stream it was trained on), "classnames", so that imgrid -labels writes the
names. imgrid turns the stream into a picture; tensor-info describes it.

A class is given by its number, 0 to K-1, or, when the model names its
classes, by its name (exactly as written; a name is looked up before a
number, so a class named "3" is that class whatever its number).

-label L makes -n images of class L (default 100). -label all (the default)
makes -n images of each class (default 10), class 0 first, and marks the
stream nrow=N, so imgrid lays out a grid of -n images per row: class r in
row r (imgrid -nrow overrides it). An interpolation is marked as one row.

-interpolate A,B makes one row of -n images (default 10) that walks from the
image of class A made from one noise vector to the image of class B made
from another: the noise moves along the great circle between the two
vectors (spherical interpolation) while the class embedding moves in a
straight line from A's to B's. -interpolate A keeps class A and moves only
the noise. The labels of the row are A up to the middle and B from the
middle on.

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
	Label       string `name:"label" default:"all" placeholder:"L" help:"Class to make: its number, its name (for a model that names its classes), or all (a row each)."`
	N           *int   `name:"n" short:"n" placeholder:"N" help:"Images: of the class (default 100), per class with -label all (default 10), steps of -interpolate (default 10)."`
	Seed        uint64 `name:"seed" default:"1" placeholder:"N" help:"Seed of the noise."`
	Interpolate string `name:"interpolate" placeholder:"A[,B]" help:"Write one row walking the latent space from class A to class B (or A to A)."`
	NoEMA       bool   `name:"no-ema" help:"Generate with the trained generator, not the moving average of it the model holds (acgan-train -ema)."`
	Output      string `name:"output" short:"o" placeholder:"FILE" help:"Write the stream to FILE instead of stdout (a regular file is replaced whole or not at all)."`
	Threads     int    `name:"threads" default:"0" placeholder:"N" help:"Threads to compute with (default 0: all cores); the images do not depend on it."`
}

// job is what the flags ask for, once the model's classes are known.
type job struct {
	label  int // -1 for all
	n      int
	interp bool
	a, b   int
}

// Validate checks what of the flags can be checked without the model (kong
// calls it after parsing); job checks the rest.
func (f *flags) Validate() error {
	if f.Interpolate != "" && f.Label != "all" {
		return errors.New("-interpolate and -label cannot be used together (-interpolate A,B names its classes)")
	}
	if f.N != nil && (*f.N < 1 || *f.N > gen.MaxImages) {
		return fmt.Errorf("-n %d: want 1 to %d images", *f.N, gen.MaxImages)
	}
	if f.Interpolate != "" && f.N != nil && *f.N < 2 {
		return fmt.Errorf("-n %d: an interpolation needs 2 to %d steps", *f.N, gen.MaxImages)
	}
	if err := cli.CheckThreads(f.Threads); err != nil {
		return err
	}
	return nil
}

// job returns what the flags ask of the model m.
func (f *flags) job(m *modelfile.Model) (job, error) {
	var j job
	classes := m.Cfg.Classes
	if f.Interpolate != "" {
		j.interp = true
		var err error
		if j.a, j.b, err = pair(m, f.Interpolate); err != nil {
			return j, fmt.Errorf("-interpolate %q: %v", f.Interpolate, err)
		}
		j.n = 10
		if f.N != nil {
			j.n = *f.N
		}
		return j, nil
	}
	if f.Label == "all" {
		j.label, j.n = -1, 10
		if f.N != nil {
			j.n = *f.N
		}
		if most := gen.MaxImages / classes; j.n > most {
			return j, fmt.Errorf("-n %d: want 1 to %d images per class (%d classes)", j.n, most, classes)
		}
		return j, nil
	}
	l, err := class(m, f.Label)
	if err != nil {
		return j, fmt.Errorf("-label %q: %v", f.Label, err)
	}
	j.label, j.n = l, 100
	if f.N != nil {
		j.n = *f.N
	}
	return j, nil
}

// pair parses -interpolate's A or A,B: two classes of m (the same twice
// for A). A name holding a comma is found too: s is taken whole first,
// then split at each comma in turn.
func pair(m *modelfile.Model, s string) (a, b int, err error) {
	if a, err = class(m, s); err == nil {
		return a, a, nil
	}
	for i := range len(s) {
		if s[i] != ',' {
			continue
		}
		var errB error
		a, err = class(m, s[:i])
		b, errB = class(m, s[i+1:])
		if err == nil && errB == nil {
			return a, b, nil
		}
		if err == nil {
			err = errB
		}
	}
	return 0, 0, err
}

// class returns the class of m that s names: by its name when m names its
// classes and one is s, else by its number. Its error says what is
// accepted, with a few of the names.
func class(m *modelfile.Model, s string) (int, error) {
	for c, n := range m.Names {
		if n == s {
			return c, nil
		}
	}
	k := m.Cfg.Classes
	if c, err := strconv.Atoi(strings.TrimSpace(s)); err == nil && c >= 0 && c < k {
		return c, nil
	}
	if m.Names == nil {
		return 0, fmt.Errorf("not a class of the model: want a class number 0 to %d", k-1)
	}
	few := strings.Join(m.Names[:min(k, 5)], ", ")
	if k > 5 {
		few += ", …"
	}
	return 0, fmt.Errorf("not a class of the model: want a class number 0 to %d or a name (%s)", k-1, few)
}

func main() {
	var f flags
	cli.Parse("acgan-gen", description, &f)
	cli.Exit("acgan-gen", run(&f))
}

func run(f *flags) error {
	cli.SetThreads(f.Threads)
	out, err := cli.Create(f.Output)
	if err != nil {
		return err
	}
	defer out.Abort()
	m, err := modelfile.LoadFile(f.Model)
	if err != nil {
		return err
	}
	j, err := f.job(m)
	if err != nil {
		return err
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
	format := gen.FormatOf(g, m.Names)
	format.NRow = nrow
	if err := gen.Write(out, images, labels, format); err != nil {
		return err
	}
	return out.Commit()
}

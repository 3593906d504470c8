// Command colour-mnist makes Coloured MNIST: it reads the MNIST stream that
// mnist-fetch writes and writes the same digits as 32×32 RGB images, each
// drawn in a random foreground colour on a random background colour.
//
//	mnist-fetch | go run ./scripts/colour-mnist -seed 1 > cmnist.tzst
//	mnist-fetch | go run ./scripts/colour-mnist -by digit-colour > cmnist30.tzst
//
// Each digit is padded from 28×28 to 32×32 by 2 pixels on every side, and
// its gray level p (0 background to 255 ink) becomes the colour
// (bg·(255−p) + fg·p)/255, rounded, in each channel: the background colour
// where there is no ink, the foreground colour on full ink.
//
// The colours come from a fixed palette of 8 named colours (Palette), and a
// foreground and a background may go together only when they are far
// enough apart for the digit to stay visible: different colours whose
// contrast ratio, as WCAG 2 defines it ((L1 + 0.05) / (L2 + 0.05) of their
// relative luminances, the lighter first), is at least MinContrast = 3,
// WCAG's minimum for graphics. Every colour has at least two partners.
//
// With -by digit (the default) the labels are the digits (10 classes, named
// "0" to "9"), the foreground is drawn uniformly from the whole palette and
// the background uniformly from the foreground's partners. With -by
// digit-colour the foreground is one of red, green and blue and the class
// is digit × colour, 3·digit + colour (30 classes, named "0-red",
// "0-green", "0-blue", "1-red", …); the background is drawn from the
// foreground's partners. The class names go in the stream's classnames
// record.
//
// The draws come from a PCG generator seeded with -seed, two draws per image
// in stream order: the same input and seed give the same bytes.
package main

import (
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"strconv"

	"acgan/pkg/cli"
	"acgan/pkg/dataset"
)

// A Colour is a named sRGB colour.
type Colour struct {
	Name    string
	R, G, B uint8
}

// Palette holds the colours of Coloured MNIST.
var Palette = []Colour{
	{"black", 0, 0, 0},
	{"white", 255, 255, 255},
	{"red", 230, 25, 25},
	{"green", 25, 170, 25},
	{"blue", 40, 70, 235},
	{"yellow", 250, 225, 25},
	{"cyan", 25, 215, 230},
	{"magenta", 210, 40, 210},
}

// Foregrounds are the palette indexes of the foreground colours of -by
// digit-colour, in class order: red, green, blue.
var Foregrounds = []int{2, 3, 4}

// MinContrast is the least contrast ratio of a foreground and a background.
const MinContrast = 3

// Pad is the border added to every side of a 28×28 digit.
const Pad = 2

// The ways of labelling the coloured digits.
const (
	ByDigit       = "digit"
	ByDigitColour = "digit-colour"
)

// luminance returns the relative luminance of c as WCAG 2 defines it.
func luminance(c Colour) float64 {
	lin := func(v uint8) float64 {
		x := float64(v) / 255
		if x <= 0.04045 {
			return x / 12.92
		}
		return math.Pow((x+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(c.R) + 0.7152*lin(c.G) + 0.0722*lin(c.B)
}

// Contrast returns the contrast ratio of two colours, from 1 (the same
// luminance) to 21 (black and white).
func Contrast(a, b Colour) float64 {
	la, lb := luminance(a), luminance(b)
	return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)
}

// partners returns, for each palette colour, the indexes of the colours it
// may be drawn on: the others of contrast ratio at least MinContrast.
func partners() [][]int {
	out := make([][]int, len(Palette))
	for i, a := range Palette {
		for j, b := range Palette {
			if i != j && Contrast(a, b) >= MinContrast {
				out[i] = append(out[i], j)
			}
		}
	}
	return out
}

// Colourize returns the coloured set of an MNIST set (gray 28×28 images of
// 10 classes), labelled as by says (ByDigit or ByDigitColour), with the
// colours drawn from a generator seeded with seed. Its metadata is the
// input's, with source=colour-mnist, by=<by> and seed=<seed>.
func Colourize(in *dataset.Set, by string, seed uint64) (*dataset.Set, error) {
	if in.Channels != 1 || in.Height != dataset.MNISTHeight || in.Width != dataset.MNISTWidth || in.Classes != dataset.MNISTClasses {
		return nil, fmt.Errorf("the input has %d×%d×%d images of %d classes; want MNIST's gray 28×28 digits of 10 classes (mnist-fetch's stream)",
			in.Channels, in.Height, in.Width, in.Classes)
	}
	fgs := make([]int, len(Palette)) // the foregrounds drawn from
	for i := range fgs {
		fgs[i] = i
	}
	var names []string
	switch by {
	case ByDigit:
		for d := range dataset.MNISTClasses {
			names = append(names, strconv.Itoa(d))
		}
	case ByDigitColour:
		fgs = Foregrounds
		for d := range dataset.MNISTClasses {
			for _, f := range fgs {
				names = append(names, strconv.Itoa(d)+"-"+Palette[f].Name)
			}
		}
	default:
		return nil, fmt.Errorf("labelling %q; want %q or %q", by, ByDigit, ByDigitColour)
	}
	const side = dataset.MNISTHeight + 2*Pad
	out := &dataset.Set{
		N: in.N, Channels: 3, Height: side, Width: side, Classes: len(names), Names: names,
		Pixels: make([]uint8, in.N*3*side*side), Labels: make([]int, in.N),
		Meta: map[string]string{},
	}
	for k, v := range in.Meta {
		out.Meta[k] = v
	}
	out.Meta["source"], out.Meta["by"], out.Meta["seed"] = "colour-mnist", by, strconv.FormatUint(seed, 10)

	rng := rand.New(rand.NewPCG(seed, 0x636f6c6f7572)) // "colour"
	pairs := partners()
	size := in.ImageSize()
	for i := range in.N {
		f := rng.IntN(len(fgs))
		fg := Palette[fgs[f]]
		bg := Palette[pairs[fgs[f]][rng.IntN(len(pairs[fgs[f]]))]]
		out.Labels[i] = in.Labels[i]
		if by == ByDigitColour {
			out.Labels[i] = in.Labels[i]*len(fgs) + f
		}
		src := in.Pixels[i*size : (i+1)*size]
		for ch, pair := range [3][2]uint8{{bg.R, fg.R}, {bg.G, fg.G}, {bg.B, fg.B}} {
			plane := out.Pixels[(i*3+ch)*side*side:][:side*side]
			for j := range plane {
				plane[j] = pair[0]
			}
			b, c := int(pair[0]), int(pair[1])
			for y := range dataset.MNISTHeight {
				row := plane[(y+Pad)*side+Pad:]
				for x, p := range src[y*dataset.MNISTWidth : (y+1)*dataset.MNISTWidth] {
					row[x] = uint8((b*(255-int(p)) + c*int(p) + 127) / 255)
				}
			}
		}
	}
	return out, nil
}

// example is shown when stdin is a terminal.
const example = "mnist-fetch | go run ./scripts/colour-mnist > cmnist.tzst"

const description = `Make Coloured MNIST: MNIST's digits (a stream from mnist-fetch on stdin) as
32×32 RGB images (the 28×28 digit padded by 2 pixels on every side), each in
a random foreground colour on a random background colour (stdout, or -o FILE).

The colours come from a palette of 8 (black, white, red, green, blue, yellow,
cyan, magenta); a foreground goes only on a background of contrast ratio 3 or
more (WCAG 2), so that the digit stays visible. -by digit labels the images
by digit (10 classes, named 0 to 9); -by digit-colour draws the foreground
from red, green and blue and labels by digit and colour (30 classes, named
0-red, 0-green, 0-blue, 1-red, ...). The names go in a classnames record.
The same input and -seed give the same bytes.`

// flags are colour-mnist's command line.
type flags struct {
	cli.Common
	Seed   uint64 `name:"seed" default:"1" help:"Seed of the colour draws."`
	By     string `name:"by" default:"digit" enum:"digit,digit-colour" help:"Labels: digit (10 classes) or digit-colour (30 classes, foregrounds red, green, blue)."`
	Output string `name:"output" short:"o" placeholder:"FILE" help:"Write the stream to FILE instead of stdout (a regular file is replaced whole or not at all)."`
}

// run reads the MNIST stream from in and writes the coloured one. The
// output is opened first, so that a terminal is refused before the input
// is read; a file output appears only when complete.
func run(f *flags, in io.Reader) error {
	out, err := cli.Create(f.Output)
	if err != nil {
		return err
	}
	if err := colour(f, in, out); err != nil {
		out.Abort()
		return err
	}
	return out.Commit()
}

// colour reads the MNIST stream from in and writes the coloured one to out.
func colour(f *flags, in io.Reader, out io.Writer) error {
	set, err := dataset.Read(in, dataset.Want{})
	if errors.Is(err, dataset.ErrNoImages) {
		return fmt.Errorf("reading stdin: %w (want MNIST's digits, e.g. %s)", err, example)
	}
	if err != nil {
		return fmt.Errorf("reading stdin: %w", err)
	}
	coloured, err := Colourize(set, f.By, f.Seed)
	if err != nil {
		return err
	}
	return coloured.Write(out)
}

func main() {
	var f flags
	cli.Parse("colour-mnist", description, &f)
	in, err := cli.StdinStream(example)
	if err == nil {
		err = run(&f, in)
	}
	cli.Exit("colour-mnist", err)
}

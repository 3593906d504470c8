// Command imgrid tiles a tensor stream of images into a PNG grid, with the
// options of torchvision's make_grid and save_image.
//
//	mnist-fetch -n 64 | imgrid > real.png
//	acgan-gen -m model.bin -label 5 | imgrid -scale 4 -o five.png
package main

import (
	"fmt"
	"math"

	"acgan/pkg/cli"
	"acgan/pkg/grid"
)

const description = `Tile a stream of images into a PNG grid (stdin → stdout, or -o FILE).

The images are the stream's "images" records (else its first record of rank
4), each N×C×H×W, of any height and width, with C = 1 (a gray PNG) or 3 (an
RGB PNG, channels in the order red, green, blue), of one of two dtypes:

  uint8    drawn as it is, 0 black to 255 white; a range entry, if any,
           must be range=0,255.
  float32  drawn from lo (black) to hi (white) of the record's range=lo,hi
           entry (default -1,1); values outside clamp. NaN is drawn black,
           +Inf white and -Inf black: imgrid warns on stderr how many there
           are, and stops with an error when every value shown is one.

Several "images" records (a generator's batches, or streams joined with
cat) are drawn in stream order as one set: they must agree on dtype, C, H
and W, and on their range unless -normalize, -range or -scale-each sets it.
A record's nrow=K entry (a positive integer) sets the images per row unless
-nrow is given; records that give different K need -nrow. A malformed range
or nrow entry is an error.

Options mean what they mean to torchvision's make_grid/save_image users: the
grid has -pad pixels of -pad-value around every image, the outer border
included; pixels become bytes as floor(clamp(v·255+0.5, 0, 255)); a single
image is written as it is, without padding.

-normalize stretches the values from the minimum to the maximum of all the
images (of each with -scale-each) to black..white, ignoring NaN and ±Inf;
-range LO,HI stretches LO..HI instead, in the units of the data (0..255 for
uint8). Unlike in torchvision, -range and -scale-each imply -normalize.

-labels writes each row's class at its left: its name when the stream has a
"classnames" record (one name a line, as many as classes), else its number.
It needs the stream's "labels" records (uint8 or int32, of shape N: one
class per image, in the order of the images, several records joined like
the images) and rows of one class each (acgan-gen's streams say how many
images make a row; otherwise choose -nrow to match the runs of classes);
otherwise imgrid stops with an error and writes nothing. The labels are
drawn in a 7×13 bitmap font of the printable ASCII characters: any other
character is drawn as a box, and a name longer than 32 characters is cut
to 30 and "..".

A record may hold as many values as the stream format allows (2^28); with
-n N only the first N images of the stream are kept, and the rest is read
only to be checked. The images drawn (all, or the first -n) may hold at
most 64M values in all, the labels records too, and the grid at most 64
Mpixel (after -scale and labels): for a bigger stream, draw its first
images with -n.`

// example is shown when stdin is a terminal.
const example = "mnist-fetch -n 64 | imgrid > grid.png"

// flags are imgrid's command line.
type flags struct {
	cli.Common
	Output    string  `name:"output" short:"o" placeholder:"FILE" help:"Write the PNG to FILE instead of stdout (a regular file is replaced whole or not at all)."`
	NRow      *int    `name:"nrow" placeholder:"K" help:"Images per row (default: the stream's nrow hint, which acgan-gen writes, else ceil(sqrt(N)), a square-ish grid)."`
	Pad       int     `name:"pad" default:"2" help:"Padding in pixels around every image, outer border included."`
	PadValue  float64 `name:"pad-value" default:"0" placeholder:"V" help:"Brightness of the padding, 0 (black) to 1 (white)."`
	Normalize bool    `name:"normalize" help:"Stretch the values from their minimum to maximum (or -range) to black..white."`
	Range     string  `name:"range" placeholder:"LO,HI" help:"Values drawn black and white (implies -normalize), e.g. -1,1."`
	ScaleEach bool    `name:"scale-each" help:"Normalize each image by its own minimum and maximum (implies -normalize)."`
	N         *int    `name:"n" short:"n" placeholder:"N" help:"Show only the first N images (the rest of the stream is checked, not kept)."`
	Scale     int     `name:"scale" default:"1" placeholder:"K" help:"Enlarge the grid K times (nearest neighbour), 1 to 32."`
	Labels    bool    `name:"labels" help:"Write each row's class (its name, from a classnames record, or its number) at its left (needs a labels record and one class per row)."`
}

// Validate checks the flags (kong calls it after parsing; an error is a
// usage error).
func (f *flags) Validate() error {
	_, err := f.config()
	return err
}

// config turns the flags into the work to do.
func (f *flags) config() (config, error) {
	var c config
	if f.NRow != nil && *f.NRow < 1 {
		return c, fmt.Errorf("-nrow %d: want at least 1 image per row", *f.NRow)
	}
	if f.Pad < 0 {
		return c, fmt.Errorf("-pad %d: want 0 or more pixels", f.Pad)
	}
	if math.IsNaN(f.PadValue) || math.IsInf(f.PadValue, 0) {
		return c, fmt.Errorf("-pad-value %v: want a number from 0 to 1", f.PadValue)
	}
	if f.N != nil && *f.N < 1 {
		return c, fmt.Errorf("-n %d: want at least 1 image", *f.N)
	}
	if f.Scale < 1 || f.Scale > grid.MaxScale {
		return c, fmt.Errorf("-scale %d: want 1 to %d", f.Scale, grid.MaxScale)
	}
	c.opt = grid.Options{Pad: f.Pad, PadValue: f.PadValue, Normalize: f.Normalize, ScaleEach: f.ScaleEach, Scale: f.Scale}
	if f.NRow != nil {
		c.opt.NRow = *f.NRow
	}
	if f.N != nil {
		c.first = *f.N
	}
	if f.Range != "" {
		r, err := grid.ParseRange(f.Range)
		if err != nil {
			return c, fmt.Errorf("-%w", err) // -range "2,1": low bound ...
		}
		c.opt.Range = &r
	}
	c.labels = f.Labels
	return c, nil
}

func main() {
	var f flags
	cli.Parse("imgrid", description, &f)
	cli.Exit("imgrid", run(&f))
}

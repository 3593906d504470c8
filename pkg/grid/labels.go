// Row labels: the class of each grid row, its number or its name, written
// in a margin at its left.

package grid

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"strconv"
	"unicode/utf8"

	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/fixed"
)

// labelFace is the font of row labels: a 7×13 bitmap font, so the pixels
// drawn do not depend on any rasterizer. It has the printable ASCII
// characters; it draws every other character as its replacement mark (a
// box), one per character.
var labelFace = basicfont.Face7x13

// labelGap is the space in pixels on each side of the label text.
const labelGap = 2

// MaxLabelLen bounds the length of one row label, in characters: a longer
// label is cut to its first MaxLabelLen-2 characters and "..".
const MaxLabelLen = 32

// RowLabels returns the text for each row of a grid of len(classes) images
// with nrow images per row (0: ceil(sqrt(n)), as in Options.NRow): the class
// the row's images share, in decimal. It is an error when a row mixes
// classes, since a row then has no one class to show.
func RowLabels(classes []int, nrow int) ([]string, error) {
	rows, err := rowClasses(classes, nrow)
	if err != nil {
		return nil, err
	}
	out := make([]string, len(rows))
	for i, c := range rows {
		out[i] = strconv.Itoa(c)
	}
	return out, nil
}

// NamedRowLabels is RowLabels with each class written by its name, names[c]
// for class c. Every class must have a name.
func NamedRowLabels(classes []int, nrow int, names []string) ([]string, error) {
	rows, err := rowClasses(classes, nrow)
	if err != nil {
		return nil, err
	}
	out := make([]string, len(rows))
	for i, c := range rows {
		if c < 0 || c >= len(names) {
			return nil, fmt.Errorf("row %d is of class %d, which has no name (%d names)", i, c, len(names))
		}
		out[i] = names[c]
	}
	return out, nil
}

// rowClasses returns the class of each row, as RowLabels describes.
func rowClasses(classes []int, nrow int) ([]int, error) {
	if nrow < 0 {
		return nil, fmt.Errorf("nrow %d; want at least 1 image per row", nrow)
	}
	n := len(classes)
	if n == 0 {
		return nil, fmt.Errorf("no images to label")
	}
	cols := Columns(n, nrow)
	var out []int
	for start := 0; start < n; start += cols {
		end := min(start+cols, n)
		c := classes[start]
		for i := start + 1; i < end; i++ {
			if classes[i] != c {
				return nil, fmt.Errorf("row %d (images %d to %d) mixes classes %d (image %d) and %d (image %d); a labelled row must hold one class",
					len(out), start, end-1, c, start, classes[i], i)
			}
		}
		out = append(out, c)
	}
	return out, nil
}

// labelMargin returns the width of the margin that holds the labels, 0 for
// none.
func labelMargin(labels []string) int {
	if labels == nil {
		return 0
	}
	w := 0
	for _, s := range labels {
		w = max(w, font.MeasureString(labelFace, clip(s)).Ceil())
	}
	return labelGap + w + labelGap
}

// clip cuts a label of more than MaxLabelLen characters to MaxLabelLen, the
// last two "..".
func clip(s string) string {
	if utf8.RuneCountInString(s) <= MaxLabelLen {
		return s
	}
	i, n := 0, 0
	for i = range s {
		if n == MaxLabelLen-2 {
			break
		}
		n++
	}
	return s[:i] + ".."
}

// drawLabels writes each row's label in the margin, right-aligned, its
// digits (and capitals) centred on the row's images; white on a dark
// padding, black on a light one.
func drawLabels(dst draw.Image, labels []string, lay layout, padByte uint8) {
	if labels == nil {
		return
	}
	ink := color.Gray{Y: 255}
	if padByte >= 128 {
		ink = color.Gray{Y: 0}
	}
	// The digits of the 7×13 face stand 9 pixels above the baseline.
	const digitHeight = 9
	for r, s := range labels {
		s = clip(s)
		top := r*(lay.h+lay.pad) + lay.pad
		d := font.Drawer{
			Dst:  dst,
			Src:  image.NewUniform(ink),
			Face: labelFace,
		}
		w := d.MeasureString(s).Ceil()
		d.Dot = fixed.P(lay.margin-labelGap-w, top+(lay.h+digitHeight)/2)
		d.DrawString(s)
	}
}

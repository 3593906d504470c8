// imgrid's work: find the images (and labels) in the stream, hand them to
// package grid, write the PNG.

package main

import (
	"fmt"
	"io"
	"strings"

	"acgan/pkg/cli"
	"acgan/pkg/grid"
	"acgan/pkg/tensor"
)

// maxElements bounds one record of the input: 64M values, more than the
// 64-Mpixel grid can show (MNIST's 60000 images are 47M).
const maxElements = 1 << 26

// config is the work the flags ask for.
type config struct {
	opt    grid.Options
	first  int  // show only the first images; 0: all
	labels bool // write row labels
}

func run(f *flags) error {
	c, err := f.config()
	if err != nil {
		return err
	}
	in, err := cli.StdinStream(example)
	if err != nil {
		return err
	}
	out, err := cli.Create(f.Output)
	if err != nil {
		return err
	}
	if err := render(c, in, out); err != nil {
		out.Abort()
		return err
	}
	return out.Commit()
}

// render reads a tensor stream from in and writes the grid as PNG to out.
// Nothing is written when it fails before encoding.
func render(c config, in io.Reader, out io.Writer) error {
	images, labels, err := readStream(in, c.labels)
	if err != nil {
		return err
	}
	m, err := toImages(images)
	if err != nil {
		return err
	}
	if c.first > 0 {
		if m, err = m.First(c.first); err != nil {
			return err
		}
	}
	opt := c.opt
	if opt.NRow == 0 { // no -nrow (it must be ≥ 1)
		// The stream's hint (acgan-gen: one class, or one walk, a row).
		if k, ok := images.NRow(); ok {
			opt.NRow = k
		}
	}
	if c.labels {
		if labels == nil {
			return fmt.Errorf("-labels: the stream has no %q record to take the classes from", tensor.NameLabels)
		}
		classes, err := toClasses(labels, images.Shape[0])
		if err != nil {
			return err
		}
		classes = classes[:m.N]
		if opt.RowLabels, err = grid.RowLabels(classes, opt.NRow); err != nil {
			hint := ""
			if k := runLength(classes); k > 0 {
				hint = fmt.Sprintf(" (the classes come in runs of %d: try -nrow %d)", k, k)
			}
			return fmt.Errorf("-labels: %w%s", err, hint)
		}
	}
	img, err := grid.Make(m, opt)
	if err != nil {
		return err
	}
	return grid.Encode(out, img)
}

// readStream reads the whole stream and returns its image record (the first
// called "images", else the first of rank 4) and, when wantLabels, its first
// "labels" record. Other records are read (so that a damaged stream is
// reported) and dropped.
func readStream(in io.Reader, wantLabels bool) (images, labels *tensor.Tensor, err error) {
	r := tensor.NewReader(in)
	r.MaxElements = maxElements
	var fourD *tensor.Tensor
	var seen []string
	for {
		t, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, nil, fmt.Errorf("reading the stream: %w", err)
		}
		if len(seen) < 8 {
			seen = append(seen, fmt.Sprintf("%s %s %s", t.Name, t.DType, tensor.ShapeString(t.Shape)))
		}
		switch {
		case t.Name == tensor.NameImages && images == nil:
			images, fourD = t, nil
		case t.Name == tensor.NameLabels && wantLabels && labels == nil:
			labels = t
		case len(t.Shape) == 4 && images == nil && fourD == nil:
			fourD = t
		}
	}
	if images == nil {
		images = fourD
	}
	if images == nil {
		has := "no records"
		if len(seen) > 0 {
			has = "only " + strings.Join(seen, ", ")
		}
		return nil, nil, fmt.Errorf("the stream has no images: want an %q record or another N×C×H×W record, but it has %s", tensor.NameImages, has)
	}
	return images, labels, nil
}

// toImages checks that t is a batch of images and wraps its pixels.
func toImages(t *tensor.Tensor) (grid.Images, error) {
	where := fmt.Sprintf("record %q", t.Name)
	if len(t.Shape) != 4 {
		return grid.Images{}, fmt.Errorf("%s has shape %s; want images N×C×H×W", where, tensor.ShapeString(t.Shape))
	}
	n, c, h, w := t.Shape[0], t.Shape[1], t.Shape[2], t.Shape[3]
	if c != 1 && c != 3 {
		return grid.Images{}, fmt.Errorf("%s has shape %s: %d channels; want 1 (gray) or 3 (RGB)", where, tensor.ShapeString(t.Shape), c)
	}
	if n == 0 || h == 0 || w == 0 {
		return grid.Images{}, fmt.Errorf("%s has shape %s: no pixels to show", where, tensor.ShapeString(t.Shape))
	}
	switch t.DType {
	case tensor.Uint8:
		return grid.Uint8Images(n, c, h, w, t.U8), nil
	case tensor.Float32:
		rng := grid.Range{Lo: -1, Hi: 1}
		if s, ok := t.Meta[tensor.MetaRange]; ok {
			var err error
			if rng, err = grid.ParseRange(s); err != nil {
				return grid.Images{}, fmt.Errorf("%s: metadata %s=%q: %w", where, tensor.MetaRange, s, err)
			}
		}
		return grid.Float32Images(n, c, h, w, t.F32, rng.Lo, rng.Hi), nil
	}
	return grid.Images{}, fmt.Errorf("%s holds %s values; want uint8 or float32 images", where, t.DType)
}

// toClasses returns the n class numbers of a labels record.
func toClasses(t *tensor.Tensor, n int) ([]int, error) {
	where := fmt.Sprintf("-labels: record %q", t.Name)
	if len(t.Shape) != 1 || t.Shape[0] != n {
		return nil, fmt.Errorf("%s has shape %s; want %d labels, one per image", where, tensor.ShapeString(t.Shape), n)
	}
	classes := make([]int, n)
	switch t.DType {
	case tensor.Uint8:
		for i, v := range t.U8 {
			classes[i] = int(v)
		}
	case tensor.Int32:
		for i, v := range t.I32 {
			classes[i] = int(v)
		}
	default:
		return nil, fmt.Errorf("%s holds %s values; want uint8 or int32 class numbers", where, t.DType)
	}
	return classes, nil
}

// runLength returns k when the classes come in runs of k equal values (the
// last run may be shorter) and there is more than one run, else 0.
func runLength(classes []int) int {
	k := 0
	for start := 0; start < len(classes); {
		end := start + 1
		for end < len(classes) && classes[end] == classes[start] {
			end++
		}
		switch {
		case k == 0:
			k = end - start
		case end == len(classes) && end-start <= k:
		case end-start != k:
			return 0
		}
		start = end
	}
	if k == len(classes) {
		return 0
	}
	return k
}

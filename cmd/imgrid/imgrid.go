// imgrid's work: find the images (and labels) in the stream, hand them to
// package grid, write the PNG.

package main

import (
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"slices"
	"strings"

	"acgan/pkg/cli"
	"acgan/pkg/dataset"
	"acgan/pkg/grid"
	"acgan/pkg/tensor"
)

// maxValues bounds the values of the images imgrid keeps to draw (all of
// the stream's, or its first -n), and those of its labels records, each
// taken together: 64M values, more than the 64-Mpixel grid can show
// (MNIST's 60000 images are 47M). A record itself may hold up to the
// format's limit, tensor.MaxElements: with -n only its first images are
// kept.
const maxValues = 1 << 26

// maxRecords bounds the number of image records, and of labels records, that
// imgrid keeps: a stream of many tiny records must not grow without bound.
const maxRecords = 1 << 16

// config is the work the flags ask for.
type config struct {
	opt    grid.Options
	first  int  // show only the first images; 0: all
	labels bool // write row labels
}

// softMemory is the heap size above which imgrid's garbage collector works
// harder (a soft limit: the heap may outgrow it). The stream reader reads
// a record whole, into a buffer it grows by doubling, and with -n imgrid
// keeps only a copy of the first images: without the limit the buffers
// left behind would let the heap double before they are freed (455 MiB
// rather than 320 MiB to draw 40 images of a 184M-value record).
const softMemory = 256 << 20

func run(f *flags) error {
	c, err := f.config()
	if err != nil {
		return err
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(softMemory)
	}
	in, err := cli.StdinStream(example)
	if err != nil {
		return err
	}
	out, err := cli.Create(f.Output)
	if err != nil {
		return err
	}
	if err := render(c, in, out, os.Stderr); err != nil {
		out.Abort()
		return err
	}
	return out.Commit()
}

// render reads a tensor stream from in and writes the grid as PNG to out,
// and warnings (NaN or infinite values) to warn. Nothing is written to out
// when it fails before encoding.
func render(c config, in io.Reader, out, warn io.Writer) error {
	return renderLimited(c, in, out, warn, maxValues)
}

// renderLimited is render with maxValues for the values of the images kept
// (and of the labels records).
func renderLimited(c config, in io.Reader, out, warn io.Writer, maxValues int) error {
	s, err := readStream(in, c.labels, c.first, maxValues, maxRecords)
	if err != nil {
		return err
	}
	// The records hold only the images kept: the first -n.
	m, hint, err := toImages(s.images, c.opt)
	if err != nil {
		return err
	}
	note, err := nonFinite(m)
	if err != nil {
		return err
	}
	opt := c.opt
	if opt.NRow == 0 { // no -nrow (it must be ≥ 1)
		// The stream's hint (acgan-gen: one class, or one walk, a row).
		opt.NRow = hint
	}
	if c.labels {
		if len(s.labels) == 0 {
			return fmt.Errorf("-labels: the stream has no %q record to take the classes from", tensor.NameLabels)
		}
		classes, k, err := toClasses(s.labels, s.n, m.N)
		if err != nil {
			return err
		}
		if s.names != nil && len(s.names) != k {
			return fmt.Errorf("-labels: %s has %d class names, but the labels have %d classes", s.namesAt, len(s.names), k)
		}
		if s.names != nil {
			opt.RowLabels, err = grid.NamedRowLabels(classes, opt.NRow, s.names)
		} else {
			opt.RowLabels, err = grid.RowLabels(classes, opt.NRow)
		}
		if err != nil {
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
	if note != "" {
		fmt.Fprintf(warn, "imgrid: warning: %s\n", note)
	}
	return grid.Encode(out, img)
}

// nonFinite returns a note saying how many values of m are NaN or infinite
// and how they are drawn ("" when none is), or an error when every value is.
func nonFinite(m grid.Images) (string, error) {
	nan, pos, neg := m.NonFinite()
	bad, all := nan+pos+neg, m.N*m.C*m.H*m.W
	if bad == 0 {
		return "", nil
	}
	if bad == all {
		return "", fmt.Errorf("all %d pixel values are NaN or infinite: there is no picture to draw", all)
	}
	var how []string
	if nan > 0 {
		how = append(how, fmt.Sprintf("%d NaN drawn black", nan))
	}
	if pos > 0 {
		how = append(how, fmt.Sprintf("%d +Inf drawn white", pos))
	}
	if neg > 0 {
		how = append(how, fmt.Sprintf("%d -Inf drawn black", neg))
	}
	return fmt.Sprintf("%d of %d pixel values are NaN or infinite (%s)", bad, all, strings.Join(how, ", ")), nil
}

// record is a tensor of the stream and its place there. An image record's
// tensor may hold only the first of its images (those kept to draw), or
// none: shape is the record's shape as the stream has it.
type record struct {
	index int // counted from 0 across the whole stream, as the reader counts
	shape []int
	*tensor.Tensor
}

// String names the record in messages: record 3 "images".
func (r record) String() string { return fmt.Sprintf("record %d %q", r.index, r.Name) }

// input is what imgrid takes from a stream.
type input struct {
	images  []record // every "images" record, else the first of rank 4, holding the images kept
	n       int      // the images of those records, kept or not
	labels  []record // every "labels" record, when asked for
	names   []string // the classes' names from the "classnames" records, when asked for labels; nil: none
	namesAt record   // the first "classnames" record
}

// readStream reads the whole stream and returns its image records (every
// one called "images", in stream order, else the first of rank 4) and, when
// wantLabels, its "labels" records and the class names of its "classnames"
// records (checked as pkg/dataset checks them; several must be equal).
// Other records are read (so that a damaged stream is reported) and
// dropped. With first > 0 only the first images, that many, are kept: the
// records after them keep their header and no pixels, and the one that
// brings the count past first is cut. A record may hold up to the format's
// limit, but the images kept may hold at most maxValues values, and so may
// the labels records together; there may be at most maxRecords of each.
func readStream(in io.Reader, wantLabels bool, first, maxValues, maxRecords int) (input, error) {
	r := tensor.NewReader(in)
	var s input
	var fourD []record
	var fourDErr error // why fourD cannot be kept, reported if it is drawn
	var seen []string
	imageValues, labelValues := 0, 0
	for i := 0; ; i++ {
		t, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return input{}, fmt.Errorf("reading the stream: %w", err)
		}
		if len(seen) < 8 {
			seen = append(seen, fmt.Sprintf("%s %s %s", t.Name, t.DType, tensor.ShapeString(t.Shape)))
		}
		rec := record{i, t.Shape, t}
		switch {
		case t.Name == tensor.NameImages:
			if len(s.images) == maxRecords {
				return input{}, fmt.Errorf("%s: the stream has more than %d %q records, over imgrid's limit", rec, maxRecords, tensor.NameImages)
			}
			if rec, err = keep(rec, s.n, first, imageValues, maxValues); err != nil {
				return input{}, err
			}
			s.images, fourD = append(s.images, rec), nil
			s.n += imageCount(rec.shape)
			if len(rec.shape) == 4 {
				imageValues += rec.Len()
			}
		case t.Name == tensor.NameLabels && wantLabels:
			if len(s.labels) == maxRecords {
				return input{}, fmt.Errorf("%s: the stream has more than %d %q records, over imgrid's limit", rec, maxRecords, tensor.NameLabels)
			}
			if labelValues += t.Len(); labelValues > maxValues {
				return input{}, fmt.Errorf("%s brings the %q records to %d values in all, over imgrid's limit of %d", rec, tensor.NameLabels, labelValues, maxValues)
			}
			s.labels = append(s.labels, rec)
		case t.Name == tensor.NameClassNames && wantLabels:
			names, err := dataset.ClassNames(t)
			if err != nil {
				return input{}, fmt.Errorf("-labels: %s: %w", rec, err)
			}
			if s.names != nil && !slices.Equal(names, s.names) {
				return input{}, fmt.Errorf("-labels: %s names the classes otherwise than %s", rec, s.namesAt)
			}
			if s.names == nil {
				s.names, s.namesAt = names, rec
			}
		case len(t.Shape) == 4 && s.images == nil && fourD == nil:
			if rec, fourDErr = keep(rec, 0, first, 0, maxValues); fourDErr != nil {
				rec.Tensor = header(t, t.Shape)
			}
			fourD = []record{rec}
		}
	}
	if s.images == nil && fourD != nil {
		if fourDErr != nil {
			return input{}, fourDErr
		}
		s.images, s.n = fourD, imageCount(fourD[0].shape)
	}
	if s.images == nil {
		has := "no records"
		if len(seen) > 0 {
			has = "only " + strings.Join(seen, ", ")
		}
		return input{}, fmt.Errorf("the stream has no images: want an %q record or another N×C×H×W record, but it has %s", tensor.NameImages, has)
	}
	return s, nil
}

// keep returns the image record rec holding only the images to keep: with
// first > 0, as many of its own as the first images of the stream still
// want (before it there are n images, holding kept values), else all. A
// record not of rank 4 keeps none (toBatch refuses it by its shape). It
// fails when the images kept would hold more than maxValues values.
func keep(rec record, n, first, kept, maxValues int) (record, error) {
	t := rec.Tensor
	if len(t.Shape) != 4 {
		rec.Tensor = header(t, t.Shape)
		return rec, nil
	}
	take := t.Shape[0]
	if first > 0 {
		take = max(0, min(take, first-n))
	}
	per := t.Shape[1] * t.Shape[2] * t.Shape[3]
	if v := kept + take*per; v > maxValues {
		if first > 0 {
			return rec, fmt.Errorf("%s brings the first %d images (-n %d) to %d values, over imgrid's limit of %d values drawn: ask for fewer with -n",
				rec, n+take, first, v, maxValues)
		}
		return rec, fmt.Errorf("%s brings the %q records to %d values in all, over imgrid's limit of %d values drawn: -n N draws only the first N images, of a stream of any size",
			rec, t.Name, v, maxValues)
	}
	if take == t.Shape[0] {
		return rec, nil
	}
	shape := slices.Clone(t.Shape)
	shape[0] = take
	c := header(t, shape)
	switch t.DType {
	case tensor.Uint8:
		c.U8 = slices.Clone(t.U8[:take*per])
	case tensor.Int32:
		c.I32 = slices.Clone(t.I32[:take*per])
	case tensor.Float32:
		c.F32 = slices.Clone(t.F32[:take*per])
	}
	rec.Tensor = c
	return rec, nil
}

// header returns t's name, dtype and metadata with the given shape and no
// data (so that t's can be freed).
func header(t *tensor.Tensor, shape []int) *tensor.Tensor {
	return &tensor.Tensor{Name: t.Name, Shape: shape, Meta: t.Meta, DType: t.DType}
}

// imageCount returns the images of a record of the given shape: N of
// N×C×H×W, else 0.
func imageCount(shape []int) int {
	if len(shape) != 4 {
		return 0
	}
	return shape[0]
}

// toImages checks the image records and joins them, in stream order, into
// one batch; it also returns their nrow hint (0: none). The records must
// agree on dtype, C, H and W; on the value range unless opt normalizes
// (which ignores it); and those with an nrow entry on its value unless opt
// sets NRow.
func toImages(recs []record, opt grid.Options) (grid.Images, int, error) {
	normalize := opt.Normalize || opt.Range != nil || opt.ScaleEach
	batches := make([]grid.Images, len(recs))
	var hint int
	var hintFrom record
	total := 0
	for i, r := range recs {
		m, k, err := toBatch(r)
		if err != nil {
			return grid.Images{}, 0, err
		}
		if i > 0 {
			first := recs[0]
			if m.C != batches[0].C || m.H != batches[0].H || m.W != batches[0].W {
				return grid.Images{}, 0, fmt.Errorf("%s has shape %s but %s has %s: images drawn together must have the same C×H×W",
					r, tensor.ShapeString(r.shape), first, tensor.ShapeString(first.shape))
			}
			if r.DType != first.DType {
				return grid.Images{}, 0, fmt.Errorf("%s holds %s values but %s holds %s: images drawn together must have one dtype", r, r.DType, first, first.DType)
			}
			if !normalize && (m.Lo != batches[0].Lo || m.Hi != batches[0].Hi) {
				return grid.Images{}, 0, fmt.Errorf("%s is drawn from range %v but %s from %v: images drawn together need one range (or -normalize, or -range LO,HI)",
					r, grid.Range{Lo: m.Lo, Hi: m.Hi}, first, grid.Range{Lo: batches[0].Lo, Hi: batches[0].Hi})
			}
		}
		if k > 0 {
			switch {
			case hint == 0:
				hint, hintFrom = k, r
			case k != hint && opt.NRow == 0:
				return grid.Images{}, 0, fmt.Errorf("%s has metadata %s=%d but %s has %s=%d: images drawn together need one row length (or -nrow K)",
					r, tensor.MetaNRow, k, hintFrom, tensor.MetaNRow, hint)
			}
		}
		batches[i] = m
		total += m.N
	}
	if total == 0 {
		if len(recs) == 1 {
			return grid.Images{}, 0, fmt.Errorf("%s has shape %s: no pixels to show", recs[0], tensor.ShapeString(recs[0].shape))
		}
		return grid.Images{}, 0, fmt.Errorf("the %d %q records hold no images: no pixels to show", len(recs), recs[0].Name)
	}
	if len(batches) == 1 {
		return batches[0], hint, nil
	}
	m := batches[0]
	m.N = total
	if recs[0].DType == tensor.Uint8 {
		m.U8 = make([]uint8, 0, total*m.C*m.H*m.W)
		for _, b := range batches {
			m.U8 = append(m.U8, b.U8...)
		}
	} else {
		m.F32 = make([]float32, 0, total*m.C*m.H*m.W)
		for _, b := range batches {
			m.F32 = append(m.F32, b.F32...)
		}
	}
	return m, hint, nil
}

// toBatch checks that r is a batch of images and wraps its pixels; it also
// returns its nrow entry (0: none). The batch may hold no images (N = 0).
func toBatch(r record) (grid.Images, int, error) {
	t := r.Tensor
	if len(t.Shape) != 4 {
		return grid.Images{}, 0, fmt.Errorf("%s has shape %s; want images N×C×H×W", r, tensor.ShapeString(r.shape))
	}
	n, c, h, w := t.Shape[0], t.Shape[1], t.Shape[2], t.Shape[3]
	if c != 1 && c != 3 {
		return grid.Images{}, 0, fmt.Errorf("%s has shape %s: %d channels; want 1 (gray) or 3 (RGB)", r, tensor.ShapeString(r.shape), c)
	}
	if h == 0 || w == 0 {
		return grid.Images{}, 0, fmt.Errorf("%s has shape %s: no pixels to show", r, tensor.ShapeString(r.shape))
	}
	nrow := 0
	if s, ok := t.Meta[tensor.MetaNRow]; ok {
		k, ok := t.NRow()
		if !ok {
			return grid.Images{}, 0, fmt.Errorf("%s: metadata %s=%q: want a positive integer, the images per row", r, tensor.MetaNRow, s)
		}
		nrow = k
	}
	var rng *grid.Range
	if s, ok := t.Meta[tensor.MetaRange]; ok {
		x, err := grid.ParseRange(s)
		if err != nil {
			return grid.Images{}, 0, fmt.Errorf("%s: metadata %s=%q: %w", r, tensor.MetaRange, s, err)
		}
		rng = &x
	}
	switch t.DType {
	case tensor.Uint8:
		// docs/stream.md: uint8 images run from 0 (black) to 255 (white),
		// and their range entry, if any, says so.
		if rng != nil && (rng.Lo != 0 || rng.Hi != 255) {
			return grid.Images{}, 0, fmt.Errorf("%s: metadata %s=%q: uint8 images run from 0 (black) to 255 (white), so their range must be 0,255 or absent",
				r, tensor.MetaRange, t.Meta[tensor.MetaRange])
		}
		return grid.Uint8Images(n, c, h, w, t.U8), nrow, nil
	case tensor.Float32:
		if rng == nil {
			rng = &grid.Range{Lo: -1, Hi: 1}
		}
		return grid.Float32Images(n, c, h, w, t.F32, rng.Lo, rng.Hi), nrow, nil
	}
	return grid.Images{}, 0, fmt.Errorf("%s holds %s values; want uint8 or float32 images", r, t.DType)
}

// toClasses checks the labels records, n labels in all, one per image, as
// pkg/dataset checks every labels record (uint8 or int32, in [0, classes),
// the records agreeing on classes), and returns the first kept of their
// class numbers, joined in stream order, and the class count.
func toClasses(recs []record, n, kept int) ([]int, int, error) {
	var classes []int
	k0, total := 0, 0
	for i, r := range recs {
		k, err := dataset.LabelClasses(r.Tensor, dataset.Want{})
		if err != nil {
			return nil, 0, fmt.Errorf("-labels: %s: %w", r, err)
		}
		if i > 0 && k != k0 {
			return nil, 0, fmt.Errorf("-labels: %s: %d classes, but %s says %d", r, k, recs[0], k0)
		}
		k0 = k
		c, err := dataset.Labels(r.Tensor, r.Len(), k)
		if err != nil {
			return nil, 0, fmt.Errorf("-labels: %s: %w", r, err)
		}
		total += len(c)
		classes = append(classes, c[:min(len(c), max(0, kept-len(classes)))]...)
	}
	if total != n {
		return nil, 0, fmt.Errorf("-labels: the %d %q records hold %d labels; want %d, one per image", len(recs), recs[0].Name, total, n)
	}
	return classes, k0, nil
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

// tensor-info -png: the stream's images as a dataset.Set of bytes, for
// package imagefolder to write as PNG files.

package main

import (
	"errors"
	"fmt"
	"io"
	"math"
	"slices"

	"acgan/pkg/dataset"
	"acgan/pkg/imagefolder"
	"acgan/pkg/tensor"
)

// maxPNGValues bounds the image values -png keeps in memory (as bytes):
// as many as a set read by imgstack may hold.
const maxPNGValues = imagefolder.MaxValues

// imageSet reads the stream in r and returns its images as bytes, with
// their labels and class names when it has them:
//
//   - images: every "images" record, N×C×H×W with C 1 or 3, joined in
//     stream order; they agree on dtype, C, H, W and range. uint8 is
//     taken as it is; float32 from lo (0) to hi (255) of its range=lo,hi
//     entry (default -1,1) as floor(clamp((v−lo)/(hi−lo)·255 + 0.5, 0,
//     255)), NaN as 0.
//   - labels: every "labels" record, joined, one per image, read as
//     pkg/dataset reads them; none: Labels is nil.
//   - classnames: as pkg/dataset reads it.
func imageSet(r io.Reader) (*dataset.Set, error) {
	tr := tensor.NewReader(r)
	var s *dataset.Set
	var first batch // of the first images record, which the others must match
	var labels []int
	classes, classesAt := 0, -1 // the class count and the record that set it
	var names []string
	for i := 0; ; i++ {
		t, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		switch t.Name {
		case tensor.NameImages:
			if err := checkImages(t); err != nil {
				return nil, fmt.Errorf("record %d %q: %w", i, t.Name, err)
			}
			if s == nil {
				s = &dataset.Set{Channels: t.Shape[1], Height: t.Shape[2], Width: t.Shape[3]}
				first = batchOf(t, i)
			} else if b := batchOf(t, i); b.kind != first.kind {
				return nil, fmt.Errorf("record %d %q: %s, but record %d has %s (the batches of a stream agree)", i, t.Name, b.kind, first.at, first.kind)
			}
			if int64(len(s.Pixels))+int64(t.Len()) > maxPNGValues {
				return nil, fmt.Errorf("record %d %q: more than %d image values in all", i, t.Name, maxPNGValues)
			}
			s.Pixels = appendBytes(s.Pixels, t)
			s.N += t.Shape[0]
		case tensor.NameLabels:
			k, err := dataset.LabelClasses(t, dataset.Want{})
			if err == nil && classesAt >= 0 && k != classes {
				err = fmt.Errorf("%d classes, but record %d says %d", k, classesAt, classes)
			}
			var lab []int
			if err == nil {
				lab, err = dataset.Labels(t, t.Len(), k)
			}
			if err == nil && len(labels)+len(lab) > dataset.MaxImages {
				err = fmt.Errorf("more than %d labels in all", dataset.MaxImages)
			}
			if err != nil {
				return nil, fmt.Errorf("record %d %q: %w", i, t.Name, err)
			}
			classes, classesAt = k, i
			labels = append(labels, lab...)
		case tensor.NameClassNames:
			nm, err := dataset.ClassNames(t)
			if err != nil {
				return nil, fmt.Errorf("record %d %q: %w", i, t.Name, err)
			}
			if names != nil && !slices.Equal(nm, names) {
				return nil, fmt.Errorf("record %d %q: other class names than the first classnames record's", i, t.Name)
			}
			names = nm
		}
	}
	if s == nil {
		return nil, errors.New("no images records to write as PNG files")
	}
	if s.N == 0 {
		return nil, errors.New("no images to write as PNG files: every images record is empty")
	}
	if classesAt < 0 {
		return s, nil
	}
	if len(labels) != s.N {
		return nil, fmt.Errorf("%d labels for %d images: want one label per image", len(labels), s.N)
	}
	if names != nil && len(names) != classes {
		return nil, fmt.Errorf("%d class names for %d classes", len(names), classes)
	}
	s.Labels, s.Classes = labels, classes
	s.Names = names
	return s, nil
}

// checkImages checks that t is a batch of images that -png can write.
func checkImages(t *tensor.Tensor) error {
	if len(t.Shape) != 4 {
		return fmt.Errorf("shape %s; want images N×C×H×W", tensor.ShapeString(t.Shape))
	}
	if c := t.Shape[1]; c != 1 && c != 3 {
		return fmt.Errorf("shape %s: %d channels; want 1 (gray) or 3 (RGB)", tensor.ShapeString(t.Shape), c)
	}
	if t.Shape[2] == 0 || t.Shape[3] == 0 {
		return fmt.Errorf("shape %s: images without pixels", tensor.ShapeString(t.Shape))
	}
	_, present := t.Meta[tensor.MetaRange]
	lo, hi, ok := t.Range()
	switch t.DType {
	case tensor.Uint8:
		if present && (!ok || lo != 0 || hi != 255) {
			return fmt.Errorf("uint8 images with range=%s; uint8 pixels are 0 to 255 (range=0,255 or none)", t.Meta[tensor.MetaRange])
		}
	case tensor.Float32:
		if present && !ok {
			return fmt.Errorf("range=%q; want lo,hi, two finite numbers with lo < hi", t.Meta[tensor.MetaRange])
		}
	default:
		return fmt.Errorf("%s values; want uint8 or float32 images", t.DType)
	}
	return nil
}

// batch is what the images records of a stream agree on: kind, and the
// record where it was seen.
type batch struct {
	kind string // dtype, C×H×W and range, e.g. "float32 images of 1×28×28, range=-1,1"
	at   int
}

// batchOf returns the batch of the images record t, record number at.
func batchOf(t *tensor.Tensor, at int) batch {
	kind := fmt.Sprintf("%s images of %s", t.DType, tensor.ShapeString(t.Shape[1:]))
	if r, ok := t.Meta[tensor.MetaRange]; ok {
		kind += ", range=" + r
	}
	return batch{kind: kind, at: at}
}

// appendBytes appends the values of the images record t to p as bytes.
func appendBytes(p []uint8, t *tensor.Tensor) []uint8 {
	if t.DType == tensor.Uint8 {
		return append(p, t.U8...)
	}
	lo, hi, ok := t.Range()
	if !ok {
		lo, hi = -1, 1
	}
	scale := 255 / (hi - lo)
	for _, v := range t.F32 {
		p = append(p, toByte(float64(v), lo, scale))
	}
	return p
}

// toByte maps v from [lo, lo+255/scale] to 0..255: floor(clamp((v−lo)·scale
// + 0.5, 0, 255)), NaN to 0.
func toByte(v, lo, scale float64) uint8 {
	x := float64((v-lo)*scale) + 0.5 // the conversion keeps the product unfused
	switch {
	case math.IsNaN(x) || x < 0:
		return 0
	case x >= 255:
		return 255
	}
	return uint8(x)
}

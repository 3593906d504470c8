// Real digits, as the judge reads them (judge.Digits), made from MNIST
// data sets or read from tensor streams (what mnist-fetch writes, one split
// or several concatenated).

package eval

import (
	"errors"
	"fmt"
	"io"
	"strconv"

	"acgan/pkg/dataset"
	"acgan/pkg/judge"
	"acgan/pkg/mnist"
	"acgan/pkg/tensor"
)

// FromDataset returns the digits of an MNIST data set.
func FromDataset(ds *mnist.Dataset) *judge.Digits {
	return judge.NewDigits(ds.Set())
}

// firstPerClass returns the first n digits of each class of an MNIST data
// set (converting only those).
func firstPerClass(ds *mnist.Dataset, n int) *judge.Digits {
	s := ds.Set()
	out := &judge.Digits{Split: ds.Split}
	var count [judge.Classes]int
	for i, c := range s.Labels {
		if count[c] >= n {
			continue
		}
		count[c]++
		out.Images = append(out.Images, make([]float32, judge.Pixels)...)
		s.Scaled(out.Images[len(out.Images)-judge.Pixels:], i)
		out.Labels = append(out.Labels, c)
	}
	return out
}

// ReadReal reads real digits from a tensor stream: one or more pairs of an
// "images" record (N×1×28×28, uint8 in [0,255] or float32 with a range
// entry) followed by its "labels" record (N values in [0,10)), each images
// record naming its split in a "split" entry, as mnist-fetch writes them.
// Concatenated streams (cat test.tzst train.tzst) give several pairs. It
// returns the digits by split name ("train", "test"); a split given twice,
// an images record without its labels, or one without a split entry is an
// error. Other records are skipped. source names the stream in errors.
func ReadReal(r io.Reader, source string) (map[string]*judge.Digits, error) {
	tr := tensor.NewReader(r)
	out := map[string]*judge.Digits{}
	var images *tensor.Tensor
	for i := 0; ; i++ {
		t, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			if errors.Is(err, tensor.ErrNotStream) {
				return nil, fmt.Errorf("%s: %w (expected real MNIST digits, e.g. from mnist-fetch -split test)", source, err)
			}
			return nil, fmt.Errorf("%s: %w", source, err)
		}
		switch t.Name {
		case tensor.NameImages:
			if images != nil {
				return nil, fmt.Errorf("%s: record %d: images record without labels before it (record %d)", source, i, i-1)
			}
			split := t.Meta["split"]
			if split != mnist.Train && split != mnist.Test {
				if split == "" {
					return nil, fmt.Errorf("%s: record %d: images without a split entry (want split=train or split=test, as mnist-fetch writes)", source, i)
				}
				return nil, fmt.Errorf("%s: record %d: images of unknown split %q (want train or test)", source, i, split)
			}
			if out[split] != nil {
				return nil, fmt.Errorf("%s: record %d: a second set of %s digits", source, i, split)
			}
			images = t
		case tensor.NameLabels:
			if images == nil {
				return nil, fmt.Errorf("%s: record %d: labels without images before them", source, i)
			}
			d, err := digitsOf(images, t)
			if err != nil {
				return nil, fmt.Errorf("%s: records %d-%d: %w", source, i-1, i, err)
			}
			out[d.Split] = d
			images = nil
		}
	}
	if images != nil {
		return nil, fmt.Errorf("%s: the last images record has no labels record after it", source)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no images and labels in the stream (expected real MNIST digits, e.g. from mnist-fetch -split test)", source)
	}
	return out, nil
}

// digitsOf checks an images record and its labels and converts them.
func digitsOf(images, labels *tensor.Tensor) (*judge.Digits, error) {
	s := images.Shape
	if len(s) != 4 || s[1] != 1 || s[2] != judge.ImageH || s[3] != judge.ImageW {
		return nil, fmt.Errorf("images have shape %s; want N×1×28×28", tensor.ShapeString(s))
	}
	n := s[0]
	if n == 0 {
		return nil, fmt.Errorf("no images (shape %s)", tensor.ShapeString(s))
	}
	if v, ok := labels.Meta[tensor.MetaClasses]; ok && v != strconv.Itoa(judge.Classes) {
		return nil, fmt.Errorf("labels have classes=%s; the judge reads %d classes", v, judge.Classes)
	}
	lab, err := dataset.Labels(labels, n, judge.Classes)
	if err != nil {
		return nil, err
	}
	var d *judge.Digits
	switch images.DType {
	case tensor.Uint8:
		d = judge.NewDigits(&dataset.Set{N: n, Channels: 1, Height: judge.ImageH, Width: judge.ImageW,
			Classes: judge.Classes, Pixels: images.U8, Labels: lab, Meta: images.Meta})
	case tensor.Float32:
		d = &judge.Digits{Split: images.Meta["split"], Images: make([]float32, n*judge.Pixels), Labels: lab}
		lo, hi, ok := images.Range()
		if !ok || lo != -1 || hi != 1 {
			return nil, fmt.Errorf("float32 images need range=-1,1 in their metadata (have %q)", images.Meta[tensor.MetaRange])
		}
		for i, v := range images.F32 {
			if !(v >= -1 && v <= 1) {
				return nil, fmt.Errorf("image %d: value %g outside the range -1,1", i/judge.Pixels, v)
			}
			d.Images[i] = v
		}
	default:
		return nil, fmt.Errorf("images are %s; want uint8 or float32", images.DType)
	}
	return d, nil
}

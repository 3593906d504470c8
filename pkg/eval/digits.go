// Real digits, as the judge reads them (judge.Digits), made from MNIST
// data sets or read from tensor streams (what mnist-fetch writes, one split
// or several concatenated).

package eval

import (
	"errors"
	"fmt"
	"io"

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

// ReadReal reads real digits from a tensor stream of MNIST images and
// labels (uint8 N×1×28×28, classes in [0, 10)) read as pkg/dataset reads
// every such stream, each images record naming its split in a "split"
// entry, as mnist-fetch writes them. Concatenated streams (cat test.tzst
// train.tzst) hold several splits. It returns the digits by split name
// ("train", "test"); the image batches of a split must come one after
// another (a split that comes back after another is an error), and an
// images record without a split entry is an error. source names the
// stream in errors.
func ReadReal(r io.Reader, source string) (map[string]*judge.Digits, error) {
	batches, err := dataset.ReadBatches(r, dataset.Want{Channels: 1, Height: judge.ImageH, Width: judge.ImageW, Classes: judge.Classes})
	switch {
	case errors.Is(err, tensor.ErrNotStream), errors.Is(err, dataset.ErrNoImages):
		return nil, fmt.Errorf("%s: %w (expected real MNIST digits, e.g. from mnist-fetch -split test)", source, err)
	case err != nil:
		return nil, fmt.Errorf("%s: %w", source, err)
	}
	bySplit := map[string][]*dataset.Set{}
	last := ""
	for i, b := range batches {
		split := b.Meta["split"]
		switch {
		case split == "":
			return nil, fmt.Errorf("%s: images batch %d has no split entry (want split=train or split=test, as mnist-fetch writes)", source, i)
		case split != mnist.Train && split != mnist.Test:
			return nil, fmt.Errorf("%s: images batch %d is of unknown split %q (want train or test)", source, i, split)
		case split != last && bySplit[split] != nil:
			return nil, fmt.Errorf("%s: images batch %d: a second set of %s digits", source, i, split)
		}
		bySplit[split] = append(bySplit[split], b)
		last = split
	}
	out := map[string]*judge.Digits{}
	for split, sets := range bySplit {
		s, err := dataset.Concat(sets)
		if err != nil {
			return nil, fmt.Errorf("%s: %s digits: %w", source, split, err)
		}
		out[split] = judge.NewDigits(s)
	}
	return out, nil
}

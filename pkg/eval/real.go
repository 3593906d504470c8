// Real images, as the judge reads them (judge.Set): MNIST's digits, made
// from MNIST data sets or read from tensor streams (what mnist-fetch
// writes, one split or several concatenated), or a user's labelled images
// read from a stream.

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
func FromDataset(ds *mnist.Dataset) (*judge.Set, error) {
	return judge.NewSet(ds.Set())
}

// firstPerClass returns the first n images of each class of s, scaled
// (converting only those); s has geometry geom.
func firstPerClass(s *dataset.Set, geom judge.Geometry, n int) *judge.Set {
	px := geom.Pixels()
	out := &judge.Set{Geom: geom, Names: s.Names, Split: s.Meta["split"]}
	count := make([]int, geom.Classes)
	for i, c := range s.Labels[:s.N] {
		if count[c] >= n {
			continue
		}
		count[c]++
		out.Images = append(out.Images, make([]float32, px)...)
		s.Scaled(out.Images[len(out.Images)-px:], i)
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
func ReadReal(r io.Reader, source string) (map[string]*dataset.Set, error) {
	g := judge.MNIST
	batches, err := dataset.ReadBatches(r, dataset.Want{Channels: g.Channels, Height: g.Size, Width: g.Size, Classes: g.Classes})
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
	out := map[string]*dataset.Set{}
	for split, sets := range bySplit {
		s, err := dataset.Concat(sets)
		if err != nil {
			return nil, fmt.Errorf("%s: %s digits: %w", source, split, err)
		}
		out[split] = s
	}
	return out, nil
}

// ReadData reads a user's labelled images from a tensor stream (uint8
// N×C×S×S images and their labels, and their class names if the stream
// has them, as pkg/dataset reads every such stream, e.g. what imgstack
// writes) and checks that a judge can be built for them
// (judge.GeometryOf). source names the stream in errors.
func ReadData(r io.Reader, source string) (*dataset.Set, error) {
	s, err := dataset.Read(r, dataset.Want{})
	switch {
	case errors.Is(err, tensor.ErrNotStream), errors.Is(err, dataset.ErrNoImages):
		return nil, fmt.Errorf("%s: %w (expected labelled images, e.g. from imgstack or mnist-fetch)", source, err)
	case err != nil:
		return nil, fmt.Errorf("%s: %w", source, err)
	}
	if _, err := judge.GeometryOf(s); err != nil {
		return nil, fmt.Errorf("%s: %w", source, err)
	}
	return s, nil
}

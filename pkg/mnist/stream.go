// The dataset as a tensor stream, the form mnist-fetch writes.

package mnist

import (
	"io"

	"acgan/pkg/dataset"
)

// Set returns the dataset as a labelled image set: N×1×Rows×Cols images of
// Classes classes (N×1×28×28 and 10 for MNIST), with the metadata
// source=mnist and split=<split>. The images share the dataset's memory.
func (d *Dataset) Set() *dataset.Set {
	labels := make([]int, d.N)
	for i, c := range d.Labels[:d.N] {
		labels[i] = int(c)
	}
	return &dataset.Set{N: d.N, Channels: 1, Height: d.Rows, Width: d.Cols, Classes: d.Classes,
		Pixels: d.Images[:d.N*d.Rows*d.Cols], Labels: labels,
		Meta: map[string]string{"source": "mnist", "split": d.Split}}
}

// WriteStream writes the dataset to w as a tensor stream (docs/stream.md):
//
//	images  uint8 N×1×Rows×Cols  range=0,255 source=mnist split=<split>
//	labels  uint8 N              classes=<Classes>
func (d *Dataset) WriteStream(w io.Writer) error { return d.Set().Write(w) }

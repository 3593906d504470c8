// The dataset as a tensor stream, the form mnist-fetch writes.

package mnist

import (
	"io"
	"strconv"

	"acgan/pkg/tensor"
)

// Tensors returns the dataset as the two records of an MNIST stream:
//
//	images  uint8 N×1×28×28  range=0,255 source=mnist split=<split>
//	labels  uint8 N          classes=10
//
// The tensors share the dataset's memory.
func (d *Dataset) Tensors() (images, labels *tensor.Tensor) {
	images = tensor.NewUint8(tensor.NameImages, []int{d.N, 1, Rows, Cols}, d.Images)
	images.Meta = map[string]string{tensor.MetaRange: "0,255", "source": "mnist", "split": d.Split}
	labels = tensor.NewUint8(tensor.NameLabels, []int{d.N}, d.Labels)
	labels.Meta = map[string]string{tensor.MetaClasses: strconv.Itoa(Classes)}
	return images, labels
}

// WriteStream writes the dataset to w as a tensor stream: the images
// record, then the labels record (see Tensors).
func (d *Dataset) WriteStream(w io.Writer) error {
	images, labels := d.Tensors()
	return tensor.WriteAll(w, images, labels)
}

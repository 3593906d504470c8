// The training data: a tensor stream of images and labels (what mnist-fetch
// writes), checked and held in memory as bytes, scaled to [-1,1] one batch
// at a time.

package train

import (
	"errors"
	"fmt"
	"io"
	"strconv"

	"acgan/pkg/tensor"
)

// Image geometry and class count the network is built for.
const (
	ImageH  = 28
	ImageW  = 28
	Classes = 10
)

// Data is a set of training images with their labels.
type Data struct {
	// N is the number of images.
	N int
	// Pixels holds the images, N×1×28×28 uint8 (0 black, 255 white).
	Pixels []uint8
	// Labels holds the class of each image, in [0, Classes).
	Labels []uint8
}

// ReadData reads a tensor stream holding a record "images" (uint8
// N×1×28×28) and a record "labels" (uint8 or int32, N values in [0,10),
// with classes=10 in its metadata when it says), in either order. Other
// records are skipped. Errors say what is wrong and name the stream as
// source (e.g. "stdin").
func ReadData(r io.Reader, source string) (*Data, error) {
	tr := tensor.NewReader(r)
	var images, labels *tensor.Tensor
	for {
		t, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			if errors.Is(err, tensor.ErrNotStream) {
				return nil, fmt.Errorf("%s: %w; acgan-train expects images and labels, e.g. from mnist-fetch", source, err)
			}
			return nil, fmt.Errorf("%s: %w", source, err)
		}
		switch t.Name {
		case tensor.NameImages:
			if images != nil {
				return nil, fmt.Errorf("%s: more than one %q record", source, t.Name)
			}
			images = t
		case tensor.NameLabels:
			if labels != nil {
				return nil, fmt.Errorf("%s: more than one %q record", source, t.Name)
			}
			labels = t
		}
	}
	if images == nil {
		return nil, fmt.Errorf("%s: no %q record in the stream (acgan-train needs images and labels, e.g. from mnist-fetch)", source, tensor.NameImages)
	}
	if labels == nil {
		return nil, fmt.Errorf("%s: no %q record in the stream (acgan-train trains a class-conditional GAN and needs the class of every image)", source, tensor.NameLabels)
	}
	return checkData(images, labels, source)
}

// checkData validates the two records and returns them as Data.
func checkData(images, labels *tensor.Tensor, source string) (*Data, error) {
	s := images.Shape
	if images.DType != tensor.Uint8 {
		return nil, fmt.Errorf("%s: images are %s; acgan-train wants uint8 pixels (0-255) as mnist-fetch writes them", source, images.DType)
	}
	if len(s) != 4 || s[1] != 1 || s[2] != ImageH || s[3] != ImageW {
		return nil, fmt.Errorf("%s: images have shape %s; acgan-train wants N×1×%d×%d (gray %d×%d digits)", source, tensor.ShapeString(s), ImageH, ImageW, ImageH, ImageW)
	}
	n := s[0]
	if n == 0 {
		return nil, fmt.Errorf("%s: the stream holds no images (shape %s)", source, tensor.ShapeString(s))
	}
	if len(labels.Shape) != 1 || labels.Shape[0] != n {
		return nil, fmt.Errorf("%s: labels have shape %s; want %d (one per image)", source, tensor.ShapeString(labels.Shape), n)
	}
	if v, ok := labels.Meta[tensor.MetaClasses]; ok && v != strconv.Itoa(Classes) {
		return nil, fmt.Errorf("%s: labels have classes=%s; acgan-train is built for %d classes", source, v, Classes)
	}
	lab := make([]uint8, n)
	switch labels.DType {
	case tensor.Uint8:
		for i, c := range labels.U8 {
			if c >= Classes {
				return nil, fmt.Errorf("%s: label %d (of image %d) is outside 0..%d", source, c, i, Classes-1)
			}
			lab[i] = c
		}
	case tensor.Int32:
		for i, c := range labels.I32 {
			if c < 0 || c >= Classes {
				return nil, fmt.Errorf("%s: label %d (of image %d) is outside 0..%d", source, c, i, Classes-1)
			}
			lab[i] = uint8(c)
		}
	default:
		return nil, fmt.Errorf("%s: labels are %s; want uint8 or int32 class numbers", source, labels.DType)
	}
	return &Data{N: n, Pixels: images.U8, Labels: lab}, nil
}

// Batch fills x (len(idx)×1×28×28) with the images idx scaled from [0,255]
// to [-1,1] as the seed does, (p - 127.5) / 127.5, and y with their labels.
func (d *Data) Batch(x []float32, y []int, idx []int) {
	const size = ImageH * ImageW
	for b, i := range idx {
		src := d.Pixels[i*size : (i+1)*size]
		dst := x[b*size : (b+1)*size]
		for j, p := range src {
			dst[j] = (float32(p) - 127.5) / 127.5
		}
		y[b] = int(d.Labels[i])
	}
}

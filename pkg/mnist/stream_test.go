// Tests of the dataset's stream form.

package mnist

import (
	"bytes"
	"io"
	"reflect"
	"testing"

	"acgan/pkg/tensor"
)

func TestWriteStream(t *testing.T) {
	d, err := Decode(bytes.NewReader(fixture(t, "train-images-idx3-ubyte.gz")), bytes.NewReader(fixture(t, "train-labels-idx1-ubyte.gz")), 7)
	if err != nil {
		t.Fatal(err)
	}
	d.Split = Train
	var buf bytes.Buffer
	if err := d.WriteStream(&buf); err != nil {
		t.Fatal(err)
	}
	r := tensor.NewReader(&buf)
	images, err := r.Next()
	if err != nil {
		t.Fatal(err)
	}
	labels, err := r.Next()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Next(); err != io.EOF {
		t.Fatalf("third record: %v", err)
	}
	if images.Name != "images" || images.DType != tensor.Uint8 || !reflect.DeepEqual(images.Shape, []int{7, 1, 28, 28}) ||
		!reflect.DeepEqual(images.Meta, map[string]string{"range": "0,255", "source": "mnist", "split": "train"}) || !bytes.Equal(images.U8, d.Images) {
		t.Errorf("images record: %s %v %v %v", images.Name, images.DType, images.Shape, images.Meta)
	}
	if labels.Name != "labels" || labels.DType != tensor.Uint8 || !reflect.DeepEqual(labels.Shape, []int{7}) ||
		!reflect.DeepEqual(labels.Meta, map[string]string{"classes": "10"}) || !bytes.Equal(labels.U8, []uint8{5, 0, 4, 1, 9, 2, 1}) {
		t.Errorf("labels record: %s %v %v %v %v", labels.Name, labels.DType, labels.Shape, labels.Meta, labels.U8)
	}
}

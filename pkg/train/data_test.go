package train

import (
	"bytes"
	"strings"
	"testing"

	"acgan/pkg/tensor"
)

// stream encodes ts as a tensor stream.
func stream(t *testing.T, ts ...*tensor.Tensor) *bytes.Reader {
	t.Helper()
	var b bytes.Buffer
	if err := tensor.WriteAll(&b, ts...); err != nil {
		t.Fatal(err)
	}
	return bytes.NewReader(b.Bytes())
}

func images(n int) *tensor.Tensor {
	pix := make([]uint8, n*28*28)
	for i := range pix {
		pix[i] = uint8(i)
	}
	return tensor.NewUint8("images", []int{n, 1, 28, 28}, pix)
}

func labels(n int) *tensor.Tensor {
	l := make([]uint8, n)
	for i := range l {
		l[i] = uint8(i % 10)
	}
	return tensor.NewUint8("labels", []int{n}, l).SetMeta("classes", "10")
}

func TestReadData(t *testing.T) {
	d, err := ReadData(stream(t, labels(3), tensor.NewUint8("other", []int{1}, nil), images(3)), "stdin")
	if err != nil {
		t.Fatal(err)
	}
	if d.N != 3 || len(d.Pixels) != 3*784 || d.Labels[2] != 2 {
		t.Fatalf("got N=%d, %d pixels, labels %v", d.N, len(d.Pixels), d.Labels)
	}
	x := make([]float32, 2*784)
	y := make([]int, 2)
	d.Batch(x, y, []int{2, 0})
	if y[0] != 2 || y[1] != 0 {
		t.Errorf("batch labels %v, want [2 0]", y)
	}
	// Image 2 starts at pixel 2*784, whose byte is (2*784)%256 = 32.
	if want := (float32(32) - 127.5) / 127.5; x[0] != want {
		t.Errorf("x[0] = %v, want %v", x[0], want)
	}
	if x[784] != -1 {
		t.Errorf("pixel 0 scaled to %v, want -1", x[784])
	}
}

func TestReadDataErrors(t *testing.T) {
	i32 := tensor.NewInt32("labels", []int{2}, []int32{1, 10})
	f32 := tensor.NewFloat32("images", []int{2, 1, 28, 28}, nil)
	for _, c := range []struct {
		name string
		in   *bytes.Reader
		want string
	}{
		{"not a stream", bytes.NewReader([]byte("hello, world, not zstd at all")), "stdin: "},
		{"no images", stream(t, labels(2)), `no "images" record`},
		{"no labels", stream(t, images(2)), `no "labels" record`},
		{"float images", stream(t, f32, labels(2)), "images are float32"},
		{"wrong shape", stream(t, tensor.NewUint8("images", []int{2, 3, 28, 28}, nil), labels(2)), "images have shape 2x3x28x28"},
		{"no images at all", stream(t, tensor.NewUint8("images", []int{0, 1, 28, 28}, nil), labels(0)), "holds no images"},
		{"count mismatch", stream(t, images(3), labels(2)), "labels have shape 2; want 3"},
		{"classes", stream(t, images(2), tensor.NewUint8("labels", []int{2}, nil).SetMeta("classes", "5")), "classes=5"},
		{"label range", stream(t, images(2), i32), "label 10 (of image 1) is outside 0..9"},
		{"two image records", stream(t, images(2), images(2), labels(2)), `more than one "images"`},
	} {
		_, err := ReadData(c.in, "stdin")
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got error %v, want one containing %q", c.name, err, c.want)
		}
	}
}

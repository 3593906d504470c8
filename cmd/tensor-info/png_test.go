package main

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"acgan/pkg/dataset"
	"acgan/pkg/tensor"
)

func stream(t *testing.T, ts ...*tensor.Tensor) *bytes.Buffer {
	t.Helper()
	var b bytes.Buffer
	if err := tensor.WriteAll(&b, ts...); err != nil {
		t.Fatal(err)
	}
	return &b
}

func TestToByte(t *testing.T) {
	nan := float32(math.NaN())
	// range=-1,1: v = -1 is 0, 1 is 255, outside clamps, NaN is 0.
	in := []float32{-1, 1, -2, 2, 0, nan, float32(math.Inf(1)), float32(math.Inf(-1))}
	want := []uint8{0, 255, 0, 255, 128, 0, 255, 0}
	s, err := imageSet(stream(t, tensor.NewFloat32("images", []int{len(in), 1, 1, 1}, in).SetMeta("range", "-1,1")))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(s.Pixels, want) {
		t.Errorf("bytes %v, want %v", s.Pixels, want)
	}
	// Without a range float images are in [-1, 1]; range=0,1 is another scale.
	s, _ = imageSet(stream(t, tensor.NewFloat32("images", []int{2, 1, 1, 1}, []float32{0, 1})))
	if !slices.Equal(s.Pixels, []uint8{128, 255}) {
		t.Errorf("no range: %v", s.Pixels)
	}
	s, _ = imageSet(stream(t, tensor.NewFloat32("images", []int{3, 1, 1, 1}, []float32{0, 0.5, 1}).SetMeta("range", "0,1")))
	if !slices.Equal(s.Pixels, []uint8{0, 128, 255}) {
		t.Errorf("range=0,1: %v", s.Pixels)
	}
	// Halves round up: range=0,255 keeps the units.
	s, _ = imageSet(stream(t, tensor.NewFloat32("images", []int{5, 1, 1, 1}, []float32{0.5, 0.49, 1.5, 254.5, 254.49}).SetMeta("range", "0,255")))
	if !slices.Equal(s.Pixels, []uint8{1, 0, 2, 255, 254}) {
		t.Errorf("range=0,255: %v, want 1 0 2 255 254", s.Pixels)
	}
}

func TestImageSet(t *testing.T) {
	img := func(n int) *tensor.Tensor {
		return tensor.NewUint8("images", []int{n, 1, 2, 2}, make([]uint8, 4*n))
	}
	lab := func(v ...uint8) *tensor.Tensor {
		return tensor.NewUint8("labels", []int{len(v)}, v).SetMeta("classes", "3")
	}
	// Batches are joined, labels too, in stream order; other records do not matter.
	s, err := imageSet(stream(t, img(2), lab(2), tensor.NewFloat32("z", []int{1}, []float32{0}), img(1), lab(0, 1), dataset.ClassNamesTensor([]string{"a", "b", "c"})))
	if err != nil {
		t.Fatal(err)
	}
	if s.N != 3 || !slices.Equal(s.Labels, []int{2, 0, 1}) || s.Classes != 3 || !slices.Equal(s.Names, []string{"a", "b", "c"}) {
		t.Errorf("got %d images, labels %v of %d classes, names %q", s.N, s.Labels, s.Classes, s.Names)
	}
	for _, c := range []struct {
		name string
		ts   []*tensor.Tensor
		want string
	}{
		{"no images", []*tensor.Tensor{lab(1)}, "no images records"},
		{"empty", []*tensor.Tensor{img(0)}, "every images record is empty"},
		{"labels short", []*tensor.Tensor{img(2), lab(1)}, "1 labels for 2 images"},
		{"label out of range", []*tensor.Tensor{img(1), lab(3)}, `record 1 "labels": label 3 (of image 0) is outside 0..2`},
		{"batches differ", []*tensor.Tensor{img(1), tensor.NewUint8("images", []int{1, 1, 3, 3}, make([]uint8, 9))},
			`record 1 "images": uint8 images of 1x3x3, but record 0 has uint8 images of 1x2x2`},
		{"two channels", []*tensor.Tensor{tensor.NewUint8("images", []int{1, 2, 2, 2}, make([]uint8, 8))}, "2 channels; want 1 (gray) or 3 (RGB)"},
		{"bad range", []*tensor.Tensor{tensor.NewFloat32("images", []int{1, 1, 1, 1}, []float32{0}).SetMeta("range", "1,0")}, `range="1,0"`},
		{"uint8 range", []*tensor.Tensor{img(1).SetMeta("range", "0,1")}, "uint8 images with range=0,1"},
		{"int32 images", []*tensor.Tensor{tensor.NewInt32("images", []int{1, 1, 1, 1}, []int32{0})}, "int32 values"},
		{"names short", []*tensor.Tensor{img(1), lab(0), dataset.ClassNamesTensor([]string{"a"})}, "1 class names for 3 classes"},
		{"classes differ", []*tensor.Tensor{img(2), lab(0), tensor.NewUint8("labels", []int{1}, []uint8{0}).SetMeta("classes", "4")}, "4 classes, but record 1 says 3"},
	} {
		if _, err := imageSet(stream(t, c.ts...)); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one saying %q", c.name, err, c.want)
		}
	}
}

// TestInspectPNG checks that -png describes the stream as tensor-info
// does without it, and writes the images only when the stream is whole.
func TestInspectPNG(t *testing.T) {
	pix := make([]uint8, 3*4)
	for i := range pix {
		pix[i] = uint8(20 * i)
	}
	b := stream(t, tensor.NewUint8("images", []int{3, 1, 2, 2}, pix), tensor.NewUint8("labels", []int{3}, []uint8{1, 0, 1}).SetMeta("classes", "2"))
	var plain, withPNG bytes.Buffer
	if err := tensor.Inspect(&plain, bytes.NewReader(b.Bytes()), tensor.InspectOptions{}); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "png")
	if err := inspectPNG(&withPNG, bytes.NewReader(b.Bytes()), tensor.InspectOptions{}, dir, false); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(withPNG.String(), plain.String()) || !strings.HasSuffix(withPNG.String(), "png: 3 images in 2 class folders under "+dir+", listed in "+filepath.Join(dir, "list.tsv")+"\n") {
		t.Errorf("-png output:\n%s\nwant:\n%s", withPNG.String(), plain.String())
	}
	list, err := os.ReadFile(filepath.Join(dir, "list.tsv"))
	if err != nil || string(list) != "1/0.png\t1\n0/1.png\t0\n1/2.png\t1\n" {
		t.Errorf("list.tsv %q, %v", list, err)
	}
	// A cut stream: its error, and no folder.
	cut := filepath.Join(t.TempDir(), "cut")
	withPNG.Reset()
	err = inspectPNG(&withPNG, bytes.NewReader(b.Bytes()[:b.Len()-5]), tensor.InspectOptions{}, cut, false)
	if err == nil || !strings.Contains(err.Error(), "truncated") {
		t.Errorf("cut stream: %v", err)
	}
	if _, err := os.Stat(cut); err == nil {
		t.Error("cut stream: the folder was written")
	}
	// A stream -png cannot write: described whole, then the error.
	withPNG.Reset()
	bad := stream(t, tensor.NewUint8("images", []int{1, 2, 1, 1}, []uint8{0, 0}), tensor.NewUint8("z", []int{1}, []uint8{0}))
	err = inspectPNG(&withPNG, bad, tensor.InspectOptions{}, cut, false)
	if err == nil || !strings.HasPrefix(err.Error(), "-png: record 0 \"images\"") || !strings.Contains(withPNG.String(), "2 records") {
		t.Errorf("two-channel images: %v; output %q", err, withPNG.String())
	}
}

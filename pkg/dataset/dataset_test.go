package dataset

import (
	"bytes"
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"

	"acgan/pkg/tensor"
)

// stream encodes records as a tensor stream.
func stream(t *testing.T, ts ...*tensor.Tensor) *bytes.Reader {
	t.Helper()
	var b bytes.Buffer
	if err := tensor.WriteAll(&b, ts...); err != nil {
		t.Fatal(err)
	}
	return bytes.NewReader(b.Bytes())
}

// images returns n gray 2×3 images whose pixels count up from first.
func imageBatch(n int, first uint8) *tensor.Tensor {
	pix := make([]uint8, n*6)
	for i := range pix {
		pix[i] = first + uint8(i)
	}
	return tensor.NewUint8(tensor.NameImages, []int{n, 1, 2, 3}, pix)
}

func labels(classes int, ys ...uint8) *tensor.Tensor {
	return tensor.NewUint8(tensor.NameLabels, []int{len(ys)}, ys).SetMeta(tensor.MetaClasses, strconv.Itoa(classes))
}

func TestRoundTrip(t *testing.T) {
	s := &Set{N: 2, Channels: 3, Height: 2, Width: 2, Classes: 300, Pixels: make([]uint8, 24),
		Labels: []int{7, 299}, Meta: map[string]string{"split": "test"}}
	for i := range s.Pixels {
		s.Pixels[i] = uint8(10 * i)
	}
	var b bytes.Buffer
	if err := s.Write(&b); err != nil {
		t.Fatal(err)
	}
	got, err := Read(&b, Want{})
	if err != nil {
		t.Fatal(err)
	}
	if got.N != 2 || got.Channels != 3 || got.Classes != 300 || !slices.Equal(got.Pixels, s.Pixels) ||
		!slices.Equal(got.Labels, s.Labels) || got.Meta["split"] != "test" {
		t.Errorf("read back %+v", got)
	}
}

// TestBatches: several images+labels batches are one set, in stream order.
func TestBatches(t *testing.T) {
	in := stream(t, imageBatch(2, 0), labels(10, 1, 2), tensor.NewFloat32("other", []int{1}, nil),
		imageBatch(1, 100), labels(10, 9))
	s, err := Read(in, Want{Channels: 1, Height: 2, Width: 3, Classes: 10})
	if err != nil {
		t.Fatal(err)
	}
	if s.N != 3 || !slices.Equal(s.Labels, []int{1, 2, 9}) || s.Pixels[12] != 100 || len(s.Pixels) != 18 {
		t.Errorf("got N=%d labels %v pixels %v", s.N, s.Labels, s.Pixels)
	}
	x := make([]float32, 6)
	s.Scaled(x, 2)
	if x[0] != (100-127.5)/127.5 {
		t.Errorf("Scaled: %v", x)
	}
}

// TestBatchesUnaligned: label batches need not line up with image batches
// (docs/stream.md, "Several batches"); labels may even come first.
func TestBatchesUnaligned(t *testing.T) {
	in := stream(t, labels(10, 4), imageBatch(2, 0), imageBatch(1, 50), labels(10, 5, 6))
	sets, err := ReadBatches(in, Want{})
	if err != nil {
		t.Fatal(err)
	}
	if len(sets) != 2 || !slices.Equal(sets[0].Labels, []int{4, 5}) || !slices.Equal(sets[1].Labels, []int{6}) || sets[1].Pixels[0] != 50 {
		t.Errorf("got %d sets: %+v", len(sets), sets)
	}
}

func TestReadErrors(t *testing.T) {
	mnist := Want{Channels: 1, Height: 2, Width: 3, Classes: 10}
	for _, c := range []struct {
		name string
		in   []*tensor.Tensor
		want string
	}{
		{"labels only", []*tensor.Tensor{labels(10, 1)}, "no images in the stream"},
		{"images without labels", []*tensor.Tensor{imageBatch(1, 0)}, "no labels in the stream: 1 images without their classes"},
		{"too few labels", []*tensor.Tensor{imageBatch(1, 0), imageBatch(1, 0), labels(10, 1)}, "1 labels for 2 images"},
		{"too many labels", []*tensor.Tensor{imageBatch(1, 0), labels(10, 1), labels(10, 2)}, "2 labels for 1 images"},
		{"float images", []*tensor.Tensor{tensor.NewFloat32(tensor.NameImages, []int{1, 1, 2, 3}, nil), labels(10, 1)}, `record 0 "images": images are float32; want uint8 pixels`},
		{"shape", []*tensor.Tensor{tensor.NewUint8(tensor.NameImages, []int{1, 1, 3, 3}, nil), labels(10, 1)}, "images have shape 1x1x3x3; want N×1×2×3"},
		{"rank", []*tensor.Tensor{tensor.NewUint8(tensor.NameImages, []int{6}, nil), labels(10, 1)}, "want N×C×H×W"},
		{"range", []*tensor.Tensor{imageBatch(1, 0).SetMeta(tensor.MetaRange, "0,1"), labels(10, 1)}, "uint8 images with range=0,1"},
		{"labels not a vector", []*tensor.Tensor{imageBatch(2, 0), tensor.NewUint8(tensor.NameLabels, []int{2, 1}, []uint8{1, 2})}, `record 1 "labels": labels have shape 2x1; want a vector of 2`},
		{"classes", []*tensor.Tensor{imageBatch(1, 0), labels(11, 1)}, "labels have classes=11; want 10"},
		{"bad classes", []*tensor.Tensor{imageBatch(1, 0), labels(10, 1).SetMeta(tensor.MetaClasses, "ten")}, `labels have classes="ten"`},
		{"label range", []*tensor.Tensor{imageBatch(2, 0), labels(10, 3, 10)}, "label 10 (of image 1) is outside 0..9"},
		{"label dtype", []*tensor.Tensor{imageBatch(1, 0), tensor.NewFloat32(tensor.NameLabels, []int{1}, nil)}, "labels are float32"},
		{"empty", []*tensor.Tensor{tensor.NewUint8(tensor.NameImages, []int{0, 1, 2, 3}, nil), tensor.NewUint8(tensor.NameLabels, []int{0}, nil)}, "every images record is empty"},
	} {
		_, err := Read(stream(t, c.in...), mnist)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want an error containing %q", c.name, err, c.want)
		}
	}
	for _, c := range []struct {
		name string
		in   []*tensor.Tensor
		want string
	}{
		{"image batches disagree", []*tensor.Tensor{imageBatch(1, 0), tensor.NewUint8(tensor.NameImages, []int{1, 1, 3, 2}, make([]uint8, 6)), labels(10, 1, 2)},
			`record 1 "images": images of 1×3×2, but the first images record has 1×2×3`},
		{"label batches disagree", []*tensor.Tensor{imageBatch(2, 0), labels(10, 1), labels(12, 2)}, `record 2 "labels": 12 classes, but record 1 says 10`},
	} {
		if _, err := Read(stream(t, c.in...), Want{}); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want an error containing %q", c.name, err, c.want)
		}
	}
	if _, err := Read(stream(t, tensor.NewFloat32("x", []int{1}, nil)), mnist); !errors.Is(err, ErrNoImages) {
		t.Errorf("stream without images: %v", err)
	}
	if _, err := Read(strings.NewReader("hello"), mnist); !errors.Is(err, tensor.ErrNotStream) {
		t.Errorf("not a stream: %v", err)
	}
}

func TestClassNames(t *testing.T) {
	s := &Set{N: 2, Channels: 1, Height: 2, Width: 3, Classes: 3, Pixels: make([]uint8, 12),
		Labels: []int{2, 0}, Names: []string{"ankle boot", "Ärmel", "猫"}}
	var b bytes.Buffer
	if err := s.Write(&b); err != nil {
		t.Fatal(err)
	}
	one := b.Bytes()
	got, err := Read(bytes.NewReader(slices.Concat(one, one)), Want{})
	if err != nil {
		t.Fatalf("two streams with the same names: %v", err)
	}
	if !slices.Equal(got.Names, s.Names) || got.N != 4 || got.ClassName(2) != "猫" {
		t.Fatalf("read names %q, N %d", got.Names, got.N)
	}
	plain := &Set{N: 1, Channels: 1, Height: 2, Width: 3, Classes: 3, Pixels: make([]uint8, 6), Labels: []int{1}}
	if plain.ClassName(1) != "1" {
		t.Fatalf("a set without names names class 1 %q", plain.ClassName(1))
	}

	names := func(text string) *tensor.Tensor {
		return tensor.NewUint8(tensor.NameClassNames, []int{len(text)}, []byte(text))
	}
	bad := []struct {
		name string
		recs []*tensor.Tensor
		want string
	}{
		{"too few", []*tensor.Tensor{imageBatch(1, 0), labels(3, 1), names("a\nb\n")}, "2 class names for 3 classes"},
		{"no final newline", []*tensor.Tensor{imageBatch(1, 0), labels(2, 1), names("a\nb")}, "newline"},
		{"empty name", []*tensor.Tensor{imageBatch(1, 0), labels(2, 1), names("a\n\n")}, "empty name"},
		{"twice", []*tensor.Tensor{imageBatch(1, 0), labels(2, 1), names("a\na\n")}, "both named"},
		{"control", []*tensor.Tensor{imageBatch(1, 0), labels(2, 1), names("a\tb\nc\n")}, "control"},
		{"not utf-8", []*tensor.Tensor{imageBatch(1, 0), labels(2, 1), names("\xff\nc\n")}, "UTF-8"},
		{"float", []*tensor.Tensor{imageBatch(1, 0), labels(2, 1), tensor.NewFloat32(tensor.NameClassNames, []int{1}, []float32{1})}, "uint8 vector"},
		{"disagree", []*tensor.Tensor{imageBatch(1, 0), labels(2, 1), names("a\nb\n"), names("a\nc\n")}, "other class names"},
	}
	for _, c := range bad {
		_, err := Read(stream(t, c.recs...), Want{})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one saying %q", c.name, err, c.want)
		}
	}
	if err := (&Set{N: 1, Channels: 1, Height: 1, Width: 1, Classes: 2, Pixels: []uint8{0}, Labels: []int{0}, Names: []string{"x"}}).Write(&b); err == nil {
		t.Error("Write accepted 1 name for 2 classes")
	}
}

// A set of more values than one record may hold is written as several
// images records of whole images, and read back as the same set.
func TestSplitImages(t *testing.T) {
	s := &Set{N: 5, Channels: 1, Height: 2, Width: 3, Classes: 2, Pixels: make([]uint8, 30), Labels: []int{0, 1, 1, 0, 1}}
	for i := range s.Pixels {
		s.Pixels[i] = uint8(i)
	}
	images, labels, _ := s.Tensors()
	recs := splitImages(images, s.N, s.ImageSize(), 13) // two images (12 values) a record
	var shapes []string
	for _, r := range recs {
		shapes = append(shapes, tensor.ShapeString(r.Shape))
	}
	if got := strings.Join(shapes, " "); got != tensor.ShapeString([]int{2, 1, 2, 3})+" "+tensor.ShapeString([]int{2, 1, 2, 3})+" "+tensor.ShapeString([]int{1, 1, 2, 3}) {
		t.Fatalf("records of shapes %s; want 2, 2 and 1 images", got)
	}
	got, err := Read(stream(t, append(recs, labels)...), Want{})
	if err != nil {
		t.Fatal(err)
	}
	if got.N != 5 || !slices.Equal(got.Pixels, s.Pixels) || !slices.Equal(got.Labels, s.Labels) || got.Meta[tensor.MetaRange] != "0,255" {
		t.Fatalf("read back %d images, pixels equal %v, labels %v, meta %v", got.N, slices.Equal(got.Pixels, s.Pixels), got.Labels, got.Meta)
	}
	if n := len(splitImages(images, s.N, s.ImageSize(), 30)); n != 1 {
		t.Fatalf("a set that fits was cut into %d records", n)
	}
}

package eval

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"acgan/pkg/judge"
	"acgan/pkg/mnist"
	"acgan/pkg/tensor"
)

// fixtures returns the 100 real training and 100 test digits of
// testdata/mnist.
func fixtures(t testing.TB) (train, test *mnist.Dataset) {
	t.Helper()
	dir := filepath.Join("..", "..", "testdata", "mnist")
	f, err := os.Open(filepath.Join(dir, "SHA256SUMS"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sums, err := mnist.ParseSums(f, "SHA256SUMS")
	if err != nil {
		t.Fatal(err)
	}
	fe := mnist.New(mnist.Config{Dir: dir, Sums: sums, Offline: true, NoCache: true})
	if train, err = fe.Load(context.Background(), mnist.Train, 0); err != nil {
		t.Fatal(err)
	}
	if test, err = fe.Load(context.Background(), mnist.Test, 0); err != nil {
		t.Fatal(err)
	}
	return train, test
}

func stream(t *testing.T, ts ...*tensor.Tensor) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := tensor.WriteAll(&b, ts...); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestReadReal(t *testing.T) {
	train, test := fixtures(t)
	var a, b bytes.Buffer
	if err := test.WriteStream(&a); err != nil {
		t.Fatal(err)
	}
	if err := train.WriteStream(&b); err != nil {
		t.Fatal(err)
	}
	// Concatenated streams: both splits.
	got, err := ReadReal(bytes.NewReader(append(a.Bytes(), b.Bytes()...)), "stdin")
	if err != nil {
		t.Fatal(err)
	}
	for split, ds := range map[string]*mnist.Dataset{"train": train, "test": test} {
		if got[split] == nil {
			t.Fatalf("%s: none", split)
		}
		d, err := judge.NewSet(got[split])
		if err != nil || d.Len() != 100 || d.Split != split {
			t.Fatalf("%s: %+v, %v", split, d, err)
		}
		want := fromDataset(t, ds)
		for i := range want.Images {
			if d.Images[i] != want.Images[i] {
				t.Fatalf("%s: pixel %d = %v, want %v", split, i, d.Images[i], want.Images[i])
			}
		}
		if d.Labels[0] != int(ds.Labels[0]) || d.Images[0] != -1 {
			t.Errorf("%s: label %d pixel %v", split, d.Labels[0], d.Images[0])
		}
	}
	// One split only.
	got, err = ReadReal(bytes.NewReader(a.Bytes()), "stdin")
	if err != nil || got["test"] == nil || got["train"] != nil {
		t.Fatalf("test only: %v %v", got, err)
	}

	// A split in several batches, labels in batches of their own.
	two := tensor.NewUint8("images", []int{1, 1, 28, 28}, nil).SetMeta("split", "test")
	two.U8[5] = 255
	got, err = ReadReal(bytes.NewReader(stream(t, two, two, tensor.NewInt32("labels", []int{2}, []int32{3, 9}))), "x")
	if err != nil || got["test"].N != 2 || got["test"].Pixels[5] != 255 || got["test"].Labels[1] != 9 {
		t.Fatalf("two batches: %v", err)
	}

	img := func(split string) *tensor.Tensor {
		x := tensor.NewUint8("images", []int{2, 1, 28, 28}, nil)
		if split != "" {
			x.SetMeta("split", split)
		}
		return x
	}
	lab8 := tensor.NewUint8("labels", []int{2}, []uint8{1, 2})
	for _, c := range []struct {
		name string
		in   []byte
		want string
	}{
		{"not a stream", []byte("hello, world"), "x: not a tensor stream"},
		{"empty stream", stream(t), "no images in the stream (expected real MNIST digits"},
		{"no split", stream(t, img(""), lab8), "images batch 0 has no split entry"},
		{"odd split", stream(t, img("valid"), lab8), `unknown split "valid"`},
		{"split twice", stream(t, img("test"), lab8, img("train"), lab8, img("test"), lab8), "images batch 2: a second set of test digits"},
		{"no labels", stream(t, img("test")), "no labels in the stream"},
		{"too few labels", stream(t, img("test"), img("train"), lab8), "2 labels for 4 images"},
		{"bad label", stream(t, img("test"), tensor.NewUint8("labels", []int{2}, []uint8{1, 10})), "label 10 (of image 1) is outside 0..9"},
		{"classes", stream(t, img("test"), tensor.NewUint8("labels", []int{2}, []uint8{1, 2}).SetMeta("classes", "11")), "classes=11"},
		{"shape", stream(t, tensor.NewUint8("images", []int{2, 28, 28}, nil).SetMeta("split", "test"), lab8), "shape 2x28x28; want N×C×H×W"},
		{"float images", stream(t, tensor.NewFloat32("images", []int{2, 1, 28, 28}, nil).SetMeta("split", "test").SetMeta("range", "-1,1"), lab8), "images are float32; want uint8 pixels"},
		{"truncated", a.Bytes()[:a.Len()/2], "truncated"},
	} {
		_, err := ReadReal(bytes.NewReader(c.in), "x")
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one with %q", c.name, err, c.want)
		}
	}
}

func TestFirstPerClassDataset(t *testing.T) {
	train, _ := fixtures(t)
	a, b := firstPerClass(train.Set(), judge.MNIST, 3), fromDataset(t, train).FirstPerClass(3)
	if a.Len() != 30 || b.Len() != 30 || a.Split != "train" {
		t.Fatalf("%d and %d digits", a.Len(), b.Len())
	}
	for i := range a.Images {
		if a.Images[i] != b.Images[i] {
			t.Fatalf("pixel %d differs", i)
		}
	}
	for i := range a.Labels {
		if a.Labels[i] != b.Labels[i] {
			t.Fatalf("label %d differs", i)
		}
	}
}

// Tests of mnist-fetch's run: fixture folder to stream file, and the errors
// that must leave no output behind. No network, no real cache.

package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"acgan/pkg/dataset"
	"acgan/pkg/mnist"
	"acgan/pkg/tensor"
)

const fixtures = "../../testdata/mnist"

// isolate keeps a test away from the network and the user's cache.
func isolate(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	t.Setenv("GOPROXY", "off")
	t.Setenv("MNIST_DIR", "")
}

func TestRunFixtures(t *testing.T) {
	isolate(t)
	out := filepath.Join(t.TempDir(), "test.tzst")
	f := &flags{Split: "test", N: 12, Output: out, Dir: fixtures, Sums: filepath.Join(fixtures, "SHA256SUMS"), Offline: true, Source: "mnist"}
	if err := run(context.Background(), f); err != nil {
		t.Fatal(err)
	}
	file, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	r := tensor.NewReader(file)
	images, err := r.Next()
	if err != nil {
		t.Fatal(err)
	}
	labels, err := r.Next()
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(images.Shape, []int{12, 1, 28, 28}) || images.Meta["split"] != "test" ||
		!reflect.DeepEqual(labels.U8, []uint8{7, 2, 1, 0, 4, 1, 4, 9, 5, 9, 0, 6}) {
		t.Errorf("images %v %v, labels %v", images.Shape, images.Meta, labels.U8)
	}
	// The fixtures' sums are not the real ones: nothing went to the cache.
	if ents, _ := os.ReadDir(filepath.Join(os.Getenv("XDG_CACHE_HOME"), "acgan", "mnist")); len(ents) != 0 {
		t.Errorf("cache written: %v", ents)
	}
}

func TestRunErrorsLeaveNoOutput(t *testing.T) {
	isolate(t)
	sums := filepath.Join(fixtures, "SHA256SUMS")
	badSums := filepath.Join(t.TempDir(), "bad")
	os.WriteFile(badSums, []byte("not a sum\n"), 0o644)
	for _, c := range []struct {
		name string
		f    flags
		want string
	}{
		{"too many", flags{Split: "train", N: 101, Dir: fixtures, Sums: sums, Offline: true}, "train split: asked for 101 images, but the files hold only 100"},
		{"real sums", flags{Split: "train", Dir: fixtures, Offline: true}, "train-images-idx3-ubyte.gz: SHA-256 mismatch"},
		{"empty dir", flags{Split: "train", Dir: t.TempDir(), Offline: true}, "tried dir "},
		{"no proxy", flags{Split: "train", Dir: t.TempDir(), Mirror: []string{"http://127.0.0.1:1/"}}, "mirror http://127.0.0.1:1/: dial tcp 127.0.0.1:1: connect: connection refused; module proxy: GOPROXY names no proxy (only off)"},
		{"bad sums", flags{Split: "train", Dir: fixtures, Sums: badSums}, "-sums: " + badSums + ":1: want"},
		{"missing sums", flags{Split: "train", Dir: fixtures, Sums: badSums + "x"}, "-sums: open " + badSums + "x: no such file"},
	} {
		dir := t.TempDir()
		c.f.Output = filepath.Join(dir, "out.tzst")
		err := run(context.Background(), &c.f)
		if err == nil || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: err = %v, want one line containing %q", c.name, err, c.want)
		}
		if ents, _ := os.ReadDir(dir); len(ents) != 0 {
			t.Errorf("%s: left %v behind", c.name, ents)
		}
	}
}

func TestValidate(t *testing.T) {
	for _, c := range []struct {
		f    flags
		want string
	}{
		{flags{N: 0, Source: "mnist"}, ""},
		{flags{N: -1, Source: "mnist"}, "-n -1: want 0 (all) or more digits"},
		{flags{Classes: 1, Source: "mnist"}, "-classes 1: want 2 to 256 (IDX labels are bytes)"},
		{flags{Classes: 257, Source: "mnist"}, "-classes 257: want 2 to 256 (IDX labels are bytes)"},
		{flags{Classes: 256, Source: "mnist"}, ""},
		{flags{NoVerify: true, Source: "mnist"}, "-no-verify reads only a folder: give it with -dir DIR (or $MNIST_DIR)"},
		{flags{NoVerify: true, Dir: "d", Sums: "s", Source: "mnist"}, "-no-verify and -sums: give one (-sums checks the files, -no-verify does not)"},
		{flags{NoVerify: true, Dir: "d", Source: "mnist"}, ""},
		{flags{Source: ""}, `-source "": want a name without control characters`},
		{flags{Source: "a\nb"}, `-source "a\nb": want a name without control characters`},
	} {
		err := c.f.Validate()
		if (err == nil) != (c.want == "") || err != nil && err.Error() != c.want {
			t.Errorf("%+v: err = %v, want %q", c.f, err, c.want)
		}
	}
}

// otherSet writes, in a fresh folder, a set in MNIST's file layout that is
// not MNIST: the first 20 test digits of the fixtures inverted, padded to
// 32×32 with white, labelled by digit mod 5, with its own SHA256SUMS and a
// names file. It returns the folder and the set as decoded.
func otherSet(t *testing.T) (string, *mnist.Dataset) {
	t.Helper()
	img, err := os.ReadFile(filepath.Join(fixtures, "t10k-images-idx3-ubyte.gz"))
	if err != nil {
		t.Fatal(err)
	}
	lab, err := os.ReadFile(filepath.Join(fixtures, "t10k-labels-idx1-ubyte.gz"))
	if err != nil {
		t.Fatal(err)
	}
	d, err := mnist.Decode(bytes.NewReader(img), bytes.NewReader(lab), 20)
	if err != nil {
		t.Fatal(err)
	}
	o := &mnist.Dataset{N: d.N, Rows: 32, Cols: 32, Classes: 5, Images: make([]uint8, d.N*32*32), Labels: make([]uint8, d.N)}
	for i := range o.Images {
		o.Images[i] = 255
	}
	for k := range d.N {
		for y := range 28 {
			for x := range 28 {
				o.Images[k*32*32+(y+2)*32+x+2] = 255 - d.Images[k*28*28+y*28+x]
			}
		}
		o.Labels[k] = d.Labels[k] % 5
	}
	dir := t.TempDir()
	var images, labels bytes.Buffer
	if err := o.WriteIDX(&images, &labels); err != nil {
		t.Fatal(err)
	}
	var sums bytes.Buffer
	for name, b := range map[string][]byte{"t10k-images-idx3-ubyte.gz": images.Bytes(), "t10k-labels-idx1-ubyte.gz": labels.Bytes()} {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&sums, "%x  %s\n", sha256.Sum256(b), name)
	}
	os.WriteFile(filepath.Join(dir, "SHA256SUMS"), sums.Bytes(), 0o644)
	os.WriteFile(filepath.Join(dir, "names.txt"), []byte("zero-five\r\none-six\r\ntwo-seven\r\nthree-eight\r\nfour-nine\r\n"), 0o644)
	return dir, o
}

// readSet reads a stream file as the toolkit's readers do.
func readSet(t *testing.T, path string) *dataset.Set {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	s, err := dataset.Read(f, dataset.Want{})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestRunOtherSet(t *testing.T) {
	isolate(t)
	dir, want := otherSet(t)
	out := t.TempDir()
	base := flags{Split: "test", Dir: dir, Offline: true, Source: "mnist"}

	// Against MNIST's sums: refused, and the message says what to do.
	f := base
	f.Output = filepath.Join(out, "refused.tzst")
	err := run(context.Background(), &f)
	if err == nil || !strings.Contains(err.Error(), "t10k-images-idx3-ubyte.gz: SHA-256 mismatch") ||
		!strings.Contains(err.Error(), "; for a set other than MNIST, give its sums with -sums FILE or skip the check with -no-verify") {
		t.Errorf("err = %v", err)
	}

	// Its own sums, its names, its source: 32×32 images of 5 named classes.
	f = base
	f.Sums, f.Names, f.Source = filepath.Join(dir, "SHA256SUMS"), filepath.Join(dir, "names.txt"), "inverted"
	f.Output = filepath.Join(out, "sums.tzst")
	if err := run(context.Background(), &f); err != nil {
		t.Fatal(err)
	}
	s := readSet(t, f.Output)
	labels := make([]int, want.N)
	for i, c := range want.Labels {
		labels[i] = int(c)
	}
	if s.N != 20 || s.Channels != 1 || s.Height != 32 || s.Width != 32 || s.Classes != 5 ||
		!bytes.Equal(s.Pixels, want.Images) || !reflect.DeepEqual(s.Labels, labels) ||
		!reflect.DeepEqual(s.Names, []string{"zero-five", "one-six", "two-seven", "three-eight", "four-nine"}) ||
		s.Meta["source"] != "inverted" || s.Meta["split"] != "test" {
		t.Errorf("read %d×%d×%d×%d, %d classes %q, meta %v", s.N, s.Channels, s.Height, s.Width, s.Classes, s.Names, s.Meta)
	}

	// Unchecked: the same bytes.
	f.Sums, f.NoVerify, f.Offline = "", true, false
	f.Output = filepath.Join(out, "noverify.tzst")
	if err := run(context.Background(), &f); err != nil {
		t.Fatal(err)
	}
	a, _ := os.ReadFile(filepath.Join(out, "sums.tzst"))
	b, _ := os.ReadFile(f.Output)
	if !bytes.Equal(a, b) {
		t.Error("-no-verify wrote other bytes than -sums")
	}

	// -classes without names: the classes=5 entry, no classnames record.
	f = base
	f.NoVerify, f.Classes, f.N = true, 5, 7
	f.Output = filepath.Join(out, "classes.tzst")
	if err := run(context.Background(), &f); err != nil {
		t.Fatal(err)
	}
	if s := readSet(t, f.Output); s.N != 7 || s.Classes != 5 || s.Names != nil {
		t.Errorf("-classes 5 -n 7: N=%d, %d classes, names %q", s.N, s.Classes, s.Names)
	}

	// Errors, each leaving nothing behind.
	write := func(name, text string) string {
		p := filepath.Join(t.TempDir(), name)
		os.WriteFile(p, []byte(text), 0o644)
		return p
	}
	for _, c := range []struct {
		name string
		mod  func(*flags)
		want string
	}{
		{"labels over -classes", func(f *flags) { f.Classes = 3 }, "test split: labels file: label 4 at index 4 is not a class 0..2 (3 classes)"},
		{"names and -classes differ", func(f *flags) { f.Classes = 4; f.Names = filepath.Join(dir, "names.txt") }, "names 5 classes, but -classes says 4"},
		{"too few names", func(f *flags) { f.Names = write("one", "a\n") }, "names 1 classes; want 2 to 256"},
		{"empty names file", func(f *flags) { f.Names = write("empty", "") }, "names 0 classes; want 2 to 256"},
		{"empty name", func(f *flags) { f.Names = write("gap", "a\n\nb\n") }, "class 1 has an empty name"},
		{"same name twice", func(f *flags) { f.Names = write("twice", "a\nb\na\n") }, `classes 0 and 2 are both named "a"`},
		{"control character", func(f *flags) { f.Names = write("tab", "a\tb\nc\n") }, "holds a control character"},
		{"no names file", func(f *flags) { f.Names = filepath.Join(dir, "nope") }, "-names: open "},
		{"more names than labels need", func(f *flags) { f.Names = write("six", "a\nb\nc\nd\ne\nf\n") }, ""},
	} {
		f := base
		f.NoVerify = true
		c.mod(&f)
		o := t.TempDir()
		f.Output = filepath.Join(o, "out.tzst")
		err := run(context.Background(), &f)
		if c.want == "" {
			if err != nil {
				t.Errorf("%s: %v", c.name, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: err = %v, want one line containing %q", c.name, err, c.want)
		}
		if ents, _ := os.ReadDir(o); len(ents) != 0 {
			t.Errorf("%s: left %v behind", c.name, ents)
		}
	}
}

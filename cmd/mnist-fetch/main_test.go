// Tests of mnist-fetch's run: fixture folder to stream file, and the errors
// that must leave no output behind. No network, no real cache.

package main

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

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
	f := &flags{Split: "test", N: 12, Output: out, Dir: fixtures, Sums: filepath.Join(fixtures, "SHA256SUMS"), Offline: true}
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
		{"too many", flags{Split: "train", N: 101, Dir: fixtures, Sums: sums, Offline: true}, "MNIST train split: asked for 101 digits, but the files hold only 100"},
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
	if err := (&flags{N: -1}).Validate(); err == nil || err.Error() != "-n -1: want 0 (all) or more digits" {
		t.Errorf("err = %v", err)
	}
	if err := (&flags{N: 0}).Validate(); err != nil {
		t.Error(err)
	}
}

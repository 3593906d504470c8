package imagefolder

import (
	"context"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"acgan/pkg/dataset"
)

// randomSet returns a set of n random images of c×side×side in classes
// classes, every class used.
func randomSet(n, c, side, classes int, names []string) *dataset.Set {
	r := rand.New(rand.NewPCG(uint64(n), uint64(c)))
	s := &dataset.Set{N: n, Channels: c, Height: side, Width: side, Classes: classes, Names: names,
		Pixels: make([]uint8, n*c*side*side), Labels: make([]int, n)}
	for i := range s.Pixels {
		s.Pixels[i] = uint8(r.UintN(256))
	}
	for i := range s.Labels {
		s.Labels[i] = r.IntN(classes)
	}
	for k := range min(classes, n) {
		s.Labels[k] = k
	}
	return s
}

// grouped returns s's images and labels ordered by class, stably.
func grouped(s *dataset.Set) (pixels []uint8, labels []int) {
	idx := make([]int, s.N)
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int { return s.Labels[a] - s.Labels[b] })
	size := s.ImageSize()
	for _, i := range idx {
		pixels = append(pixels, s.Pixels[i*size:(i+1)*size]...)
		labels = append(labels, s.Labels[i])
	}
	return pixels, labels
}

func TestWriteRoundTrip(t *testing.T) {
	for _, c := range []struct {
		name  string
		set   *dataset.Set
		names []string // the names read back
	}{
		{"gray, names", randomSet(30, 1, 16, 3, []string{"Äpfel", "Öl", "猫"}), []string{"Äpfel", "Öl", "猫"}},
		{"rgb, no names", randomSet(25, 3, 20, 12, nil), []string{"00", "01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "out")
			if err := Write(dir, c.set, WriteOptions{}); err != nil {
				t.Fatal(err)
			}
			// The list keeps the order.
			f, err := os.Open(filepath.Join(dir, ListName))
			if err != nil {
				t.Fatal(err)
			}
			files, err := ParseList(f, ListName, dir)
			f.Close()
			if err != nil {
				t.Fatal(err)
			}
			res, err := Read(context.Background(), files, Options{})
			if err != nil {
				t.Fatal(err)
			}
			s := res.Set
			if s.N != c.set.N || s.Channels != c.set.Channels || s.Height != c.set.Height || !reflect.DeepEqual(s.Names, c.names) {
				t.Fatalf("read back %d images of %d×%d, names %q", s.N, s.Channels, s.Height, s.Names)
			}
			if !slices.Equal(s.Pixels, c.set.Pixels) || !slices.Equal(s.Labels, c.set.Labels) {
				t.Error("through list.tsv: other pixels or labels")
			}
			// The folder gives them class by class, each in the set's order.
			s = read(t, dir, Options{}).Set
			pix, lab := grouped(c.set)
			if !slices.Equal(s.Pixels, pix) || !slices.Equal(s.Labels, lab) || !reflect.DeepEqual(s.Names, c.names) {
				t.Error("through the folder: other pixels, labels or names")
			}
			// Nothing but the folder is left beside it.
			ents, _ := os.ReadDir(filepath.Dir(dir))
			if len(ents) != 1 {
				t.Errorf("beside the output: %v", ents)
			}
		})
	}
}

func TestWriteNames(t *testing.T) {
	s := randomSet(12, 1, 16, 11, nil)
	dir := filepath.Join(t.TempDir(), "d")
	if err := Write(dir, s, WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	ents, _ := os.ReadDir(dir)
	var got []string
	for _, e := range ents {
		got = append(got, e.Name())
	}
	want := []string{"00", "01", "02", "03", "04", "05", "06", "07", "08", "09", "10", ListName}
	if !slices.Equal(got, want) {
		t.Errorf("folders %q, want %q", got, want)
	}
	ents, _ = os.ReadDir(filepath.Join(dir, "00"))
	if len(ents) < 1 || ents[0].Name() != "00.png" {
		t.Errorf("class 0 holds %v, want 00.png first", ents)
	}
	list, _ := os.ReadFile(filepath.Join(dir, ListName))
	if !strings.HasPrefix(string(list), "00/00.png\t00\n01/01.png\t01\n") {
		t.Errorf("list starts %q", list[:40])
	}
}

func TestWriteRefuses(t *testing.T) {
	tmp := t.TempDir()
	s := randomSet(4, 1, 16, 2, nil)
	// A folder that is not empty, unless forced.
	dir := filepath.Join(tmp, "full")
	writeFile(t, dir, "keep.txt", []byte("mine"))
	if err := Write(dir, s, WriteOptions{}); !errors.Is(err, ErrNotEmpty) || err.Error() != dir+": folder is not empty" {
		t.Errorf("non-empty folder: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "keep.txt")); err != nil {
		t.Errorf("refusing removed the old content: %v", err)
	}
	if err := Write(dir, s, WriteOptions{Force: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "keep.txt")); err == nil {
		t.Error("forced: the old content is still there")
	}
	if _, err := os.Stat(filepath.Join(dir, "1", "3.png")); err != nil {
		t.Errorf("forced: %v", err)
	}
	// An empty folder is written into; a file is refused.
	empty := filepath.Join(tmp, "empty")
	os.Mkdir(empty, 0o755)
	if err := Write(empty, s, WriteOptions{}); err != nil {
		t.Errorf("empty folder: %v", err)
	}
	file := writeFile(t, tmp, "file", nil)
	if err := Write(file, s, WriteOptions{Force: true}); err == nil || !strings.Contains(err.Error(), "is not a folder") {
		t.Errorf("a file: %v", err)
	}
	// Names that cannot be folders.
	for _, n := range []string{"..", "a/b", ListName} {
		bad := randomSet(4, 1, 16, 2, []string{"a", n})
		if err := Write(filepath.Join(tmp, "n"), bad, WriteOptions{}); err == nil || !strings.Contains(err.Error(), "cannot be a folder name") {
			t.Errorf("name %q: %v", n, err)
		}
	}
	// Nothing half-written is left behind.
	ents, _ := os.ReadDir(tmp)
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	if want := []string{"empty", "file", "full"}; !slices.Equal(names, want) {
		t.Errorf("left in the folder: %q, want %q", names, want)
	}
}

func TestWriteFlat(t *testing.T) {
	s := randomSet(3, 3, 16, 1, nil)
	s.Labels, s.Classes = nil, 0
	dir := filepath.Join(t.TempDir(), "flat")
	if err := Write(dir, s, WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	ents, _ := os.ReadDir(dir)
	var got []string
	for _, e := range ents {
		got = append(got, e.Name())
	}
	if want := []string{"0.png", "1.png", "2.png"}; !slices.Equal(got, want) {
		t.Errorf("flat: %q, want %q", got, want)
	}
}

package imagefolder

import (
	"bufio"
	"errors"
	"fmt"
	"image"
	"image/png"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"acgan/pkg/dataset"
)

// ListName is the name of the list of files Write writes beside the class
// folders.
const ListName = "list.tsv"

// WriteOptions say how Write writes a set.
type WriteOptions struct {
	// Force replaces a folder that exists and is not empty: its old
	// content is removed. Without it such a folder is refused.
	Force bool
	// Progress, when not nil, is called after each file written with the
	// images done and the images to do.
	Progress func(done, total int)
}

// ErrNotEmpty is wrapped by the error of Write for a folder that exists
// and is not empty, when WriteOptions.Force is not set.
var ErrNotEmpty = errors.New("folder is not empty")

// Write writes s as PNG files under dir: image i as
// dir/<class>/<i>.png, a gray PNG for 1 channel, an RGB one for 3. The
// index i is zero-padded to the width of the last one (00000.png to
// 59999.png for 60000 images), so that the files of a class sort in the
// set's order. A class's folder is its name when s has names, else its
// number, zero-padded likewise (0 to 9; 00 to 11), so that the folders
// sort in the order of the classes; a class without images gets no
// folder. dir/list.tsv lists the files in the set's order, one line each,
// "<class>/<i>.png", a tab, and the class's folder name: ParseList reads
// it back in that order.
//
// Read of what Write wrote (Scan, or ParseList of list.tsv) gives back the
// pixels, the labels and the names of the classes when every class has an
// image and the names are in byte order (as Read gives them), or absent
// (the numbers then become the names). Scan gives the images class by
// class, each class in the set's order; list.tsv keeps the set's order.
//
// A set without labels (Labels nil) is written flat, dir/<i>.png, without
// a list. Names that cannot be folder names ("..", "a/b", list.tsv, two
// names that this file system takes for one) are refused.
//
// The files are written into a new folder beside dir, which is renamed to
// dir once complete: dir holds either its old content or all of the new,
// never a part (the files are not synced one by one). dir may be absent
// or an empty folder; a folder that is not empty is replaced with
// opt.Force and refused without it.
func Write(dir string, s *dataset.Set, opt WriteOptions) error {
	if err := check(s); err != nil {
		return err
	}
	folders, err := classFolders(s)
	if err != nil {
		return err
	}
	exists, err := checkTarget(dir, opt.Force)
	if err != nil {
		return err
	}
	parent, base := filepath.Split(filepath.Clean(dir))
	if parent == "" {
		parent = "."
	}
	tmp, err := os.MkdirTemp(parent, "."+base+".tmp")
	if err != nil {
		return fmt.Errorf("write %s: %w", dir, unwrapOpen(err))
	}
	if err := writeFiles(tmp, s, folders, opt.Progress); err != nil {
		os.RemoveAll(tmp)
		if pe, ok := errors.AsType[*fs.PathError](err); ok {
			// Name the file by where it was to be.
			rel, _ := filepath.Rel(tmp, pe.Path)
			return fmt.Errorf("write %s: %w", filepath.Join(dir, rel), pe.Err)
		}
		return fmt.Errorf("write %s: %w", dir, err)
	}
	if err := place(tmp, dir, exists); err != nil {
		os.RemoveAll(tmp)
		return fmt.Errorf("write %s: %w", dir, err)
	}
	return nil
}

// check checks that s can be written.
func check(s *dataset.Set) error {
	switch {
	case s.Channels != 1 && s.Channels != 3:
		return fmt.Errorf("images of %d channels; want 1 (gray) or 3 (RGB)", s.Channels)
	case s.Height < 1 || s.Width < 1:
		return fmt.Errorf("images of %d×%d pixels", s.Height, s.Width)
	case s.N < 1:
		return errors.New("no images to write")
	case len(s.Pixels) != s.N*s.ImageSize():
		return fmt.Errorf("%d pixel values for %d images of %d×%d×%d", len(s.Pixels), s.N, s.Channels, s.Height, s.Width)
	case s.Labels != nil && len(s.Labels) != s.N:
		return fmt.Errorf("%d labels for %d images", len(s.Labels), s.N)
	}
	for i, c := range s.Labels {
		if c < 0 || c >= s.Classes {
			return fmt.Errorf("label %d (of image %d) is outside 0..%d", c, i, s.Classes-1)
		}
	}
	if s.Names != nil {
		return dataset.CheckClassNames(s.Names, s.Classes)
	}
	return nil
}

// classFolders returns the folder name of each class: its name, or its
// zero-padded number when s has no names.
func classFolders(s *dataset.Set) ([]string, error) {
	if s.Labels == nil {
		return nil, nil
	}
	folders := make([]string, s.Classes)
	for c := range folders {
		if s.Names == nil {
			folders[c] = pad(c, s.Classes)
			continue
		}
		n := s.Names[c]
		if n == "." || n == ".." || n == ListName || strings.ContainsRune(n, '/') || strings.ContainsRune(n, filepath.Separator) {
			return nil, fmt.Errorf("class %d's name %q cannot be a folder name", c, n)
		}
		folders[c] = n
	}
	return folders, nil
}

// pad returns i in decimal, zero-padded to the width of n-1.
func pad(i, n int) string {
	s := strconv.Itoa(i)
	w := len(strconv.Itoa(max(n-1, 0)))
	return strings.Repeat("0", max(w-len(s), 0)) + s
}

// checkTarget checks that dir may be written: absent, an empty folder, or
// a folder and force. It reports whether dir exists.
func checkTarget(dir string, force bool) (bool, error) {
	fi, err := os.Lstat(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, unwrapPath(dir, err)
	}
	if fi.Mode()&fs.ModeSymlink != 0 {
		return false, fmt.Errorf("%s: is a symbolic link; name the folder it leads to", dir)
	}
	if !fi.IsDir() {
		return false, fmt.Errorf("%s: exists and is not a folder", dir)
	}
	f, err := os.Open(dir)
	if err != nil {
		return false, unwrapPath(dir, err)
	}
	defer f.Close()
	if names, _ := f.Readdirnames(1); len(names) > 0 && !force {
		return true, fmt.Errorf("%s: %w", dir, ErrNotEmpty)
	}
	return true, nil
}

// writeFiles writes the files of s into the folder tmp.
func writeFiles(tmp string, s *dataset.Set, folders []string, progress func(done, total int)) error {
	made := make([]bool, len(folders))
	for _, c := range s.Labels {
		if made[c] {
			continue
		}
		if err := os.Mkdir(filepath.Join(tmp, folders[c]), 0o777); err != nil {
			if errors.Is(err, fs.ErrExist) {
				return fmt.Errorf("class %q: its folder is another class's on this file system (names differing in case or Unicode normalization?)", folders[c])
			}
			return err
		}
		made[c] = true
	}
	var list *bufio.Writer
	var listFile *os.File
	if s.Labels != nil {
		f, err := os.Create(filepath.Join(tmp, ListName))
		if err != nil {
			return err
		}
		defer f.Close()
		listFile, list = f, bufio.NewWriter(f)
	}
	size := s.ImageSize()
	for i := range s.N {
		name := pad(i, s.N) + ".png"
		rel := name
		if s.Labels != nil {
			rel = folders[s.Labels[i]] + "/" + name
			fmt.Fprintf(list, "%s\t%s\n", rel, folders[s.Labels[i]])
		}
		img := toImage(s.Pixels[i*size:(i+1)*size], s.Channels, s.Height, s.Width)
		if err := writePNG(filepath.Join(tmp, filepath.FromSlash(rel)), img); err != nil {
			return err
		}
		if progress != nil {
			progress(i+1, s.N)
		}
	}
	if list != nil {
		if err := list.Flush(); err != nil {
			return err
		}
		return listFile.Close()
	}
	return nil
}

// toImage returns the channels×h×w pixels p as a gray image (1 channel) or
// an opaque RGBA image (3).
func toImage(p []uint8, channels, h, w int) image.Image {
	if channels == 1 {
		return &image.Gray{Pix: p, Stride: w, Rect: image.Rect(0, 0, w, h)}
	}
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	plane := h * w
	for i := range plane {
		m.Pix[4*i] = p[i]
		m.Pix[4*i+1] = p[plane+i]
		m.Pix[4*i+2] = p[2*plane+i]
		m.Pix[4*i+3] = 0xff
	}
	return m
}

// writePNG writes img as a PNG file at path.
func writePNG(path string, img image.Image) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	err = png.Encode(w, img)
	if err == nil {
		err = w.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return &fs.PathError{Op: "write", Path: path, Err: err}
	}
	return nil
}

// place renames the folder tmp to dir, replacing dir when it exists.
func place(tmp, dir string, exists bool) error {
	if err := os.Chmod(tmp, 0o755); err != nil {
		return err
	}
	if !exists {
		return os.Rename(tmp, dir)
	}
	old := tmp + "-old"
	if err := os.Rename(dir, old); err != nil {
		return err
	}
	if err := os.Rename(tmp, dir); err != nil {
		os.Rename(old, dir)
		return err
	}
	return os.RemoveAll(old)
}

// Package imagefolder turns image files into a labelled image set
// (dataset.Set) and a set back into image files.
//
// # Reading
//
// The files come from a folder of class folders (Scan) or from a list of
// files and their classes (ParseList); Read decodes them into a set.
//
//	DIR/cat/001.png
//	DIR/cat/002.jpg
//	DIR/dog/a.jpeg
//
// An image is a PNG or JPEG file; in a folder, one whose name ends in .png,
// .jpg or .jpeg, in any case. A file is decoded as what its first bytes say
// it is (a PNG named .jpg is read as a PNG), else as what its name says.
//
// The classes are the names of the class folders (or those the list
// gives), numbered in the byte order of their names, and kept as the set's
// Names. Scan lists the classes in that order and each class's files in
// the byte order of their names, so a folder always gives the same set;
// ParseList keeps the list's order of files. A class with no image is
// refused: it cannot be learnt.
//
// The images of a set share one shape, C×S×S:
//
//   - Size. With Options.Size 0 every image must be square and all of one
//     size. With Options.Size S each image is cropped to its largest
//     centred square (a 40×30 image loses 5 columns on each side) and that
//     square resized to S×S with the Catmull-Rom filter of
//     golang.org/x/image/draw; an image already S×S is kept as it is.
//   - Channels. A gray image (a gray or gray-and-alpha PNG, a PNG whose
//     palette holds only grays, a gray JPEG) gives 1 channel, any other 3
//     (RGB). When all the images are gray the set has 1 channel; when one
//     at least is in colour the set has 3, and gray images are repeated in
//     all three. The colour type written in the file decides, not the
//     pixels: an RGB PNG that shows only grays is in colour.
//   - Alpha. Transparent pixels are composited over black, the toolkit's
//     background (MNIST's ink is white on black). 16-bit samples keep
//     their high byte.
//
// Read checks every file's header (image.DecodeConfig) before it decodes
// any: an image over MaxImagePixels, or a set over MaxValues values, is
// refused before its pixels are allocated. A file that cannot be read as
// an image is an error naming it, or, with Options.SkipBad, skipped and
// reported in Result.Skipped.
//
// # Writing
//
// Write writes a set as PNG files (gray for 1 channel, RGB for 3) in class
// folders, DIR/<class>/<index>.png, and a list of them, DIR/list.tsv, in
// the set's order. See Write.
package imagefolder

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"acgan/pkg/dataset"
)

// Limits of Read, Scan and ParseList.
const (
	// MaxImagePixels bounds the pixels of one image file (its width times
	// its height, read from its header before it is decoded): 64 Mpixel,
	// whose decoding takes up to 512 MiB.
	MaxImagePixels = 1 << 26
	// MaxValues bounds the values of a set read (N×C×S×S): 2^28, the most
	// one images record of a tensor stream holds, 256 MiB in memory.
	MaxValues = 1 << 28
	// MaxFiles bounds the files of one set.
	MaxFiles = 1 << 22
)

// File is an image file and the name of its class.
type File struct {
	Path  string
	Class string
}

// Options say how Read turns files into a set.
type Options struct {
	// Size, when positive, is the side every image is brought to: its
	// largest centred square, resized to Size×Size. When 0, the images
	// must be square and of one size, and are kept as they are.
	Size int
	// SkipBad skips the files that cannot be read as images (reported in
	// Result.Skipped) instead of failing.
	SkipBad bool
	// Progress, when not nil, is called after each image decoded with the
	// images done and the images to do.
	Progress func(done, total int)
}

// Skipped is a file that Read skipped, and why.
type Skipped struct {
	Path string
	Err  error
}

// Result is what Read read.
type Result struct {
	// Set holds the images, their labels and the names of the classes.
	Set *dataset.Set
	// Skipped lists the files skipped with Options.SkipBad, in the order
	// of the files.
	Skipped []Skipped
}

// ErrShape is wrapped by the errors of Read for images that are not square
// or not of one size, when no Size is asked for.
var ErrShape = errors.New("images of another shape")

// imageExts are the file name extensions of the images Scan lists.
var imageExts = []string{".png", ".jpg", ".jpeg"}

// isImageName reports whether name ends in an image extension, in any case.
func isImageName(name string) bool {
	ext := strings.ToLower(filepath.Ext(name))
	return slices.Contains(imageExts, ext)
}

// hidden reports whether name is hidden by Unix custom (.git, .DS_Store).
func hidden(name string) bool { return strings.HasPrefix(name, ".") }

// Scan lists the images of a folder of class folders: every image file
// (.png, .jpg, .jpeg, in any case) directly in a class folder, class by
// class and file by file in the byte order of their names. Names starting
// with a dot are passed over, as are files beside the class folders (a
// README, the list.tsv Write writes). Other entries of a class folder
// (subfolders, files of other types) are returned as ignored, for the
// caller to report. A class folder without images is an error, as is a
// folder without class folders, or class folders whose names
// dataset.CheckClassNames refuses.
func Scan(dir string) (files []File, ignored []string, err error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, nil, unwrapPath(dir, err)
	}
	var classes []string
	for _, e := range ents { // sorted by name
		if hidden(e.Name()) {
			continue
		}
		if isDir, err := isFolder(filepath.Join(dir, e.Name()), e); err != nil {
			return nil, nil, err
		} else if isDir {
			classes = append(classes, e.Name())
		}
	}
	if len(classes) == 0 {
		return nil, nil, fmt.Errorf("%s: no class folders (want %s/<class>/<image>.png)", dir, dir)
	}
	if err := dataset.CheckClassNames(classes, len(classes)); err != nil {
		return nil, nil, fmt.Errorf("%s: class folder names: %w", dir, err)
	}
	for _, c := range classes {
		cdir := filepath.Join(dir, c)
		ents, err := os.ReadDir(cdir)
		if err != nil {
			return nil, nil, unwrapPath(cdir, err)
		}
		n := 0
		for _, e := range ents {
			path := filepath.Join(cdir, e.Name())
			if hidden(e.Name()) {
				continue
			}
			isDir, err := isFolder(path, e)
			if err != nil {
				return nil, nil, err
			}
			if isDir || !isImageName(e.Name()) {
				ignored = append(ignored, path)
				continue
			}
			if len(files) == MaxFiles {
				return nil, nil, fmt.Errorf("%s: more than %d image files", dir, MaxFiles)
			}
			files = append(files, File{Path: path, Class: c})
			n++
		}
		if n == 0 {
			return nil, nil, fmt.Errorf("%s: no PNG or JPEG files: a class without images cannot be learnt", cdir)
		}
	}
	return files, ignored, nil
}

// isFolder reports whether the entry e at path is a folder, following a
// symbolic link.
func isFolder(path string, e fs.DirEntry) (bool, error) {
	if e.Type()&fs.ModeSymlink == 0 {
		return e.IsDir(), nil
	}
	fi, err := os.Stat(path)
	if err != nil {
		return false, unwrapPath(path, err)
	}
	return fi.IsDir(), nil
}

// maxListLine bounds a line of a list, in bytes.
const maxListLine = 64 << 10

// ParseList reads a list of image files and their classes: one file a
// line, its path, a tab, and its class's name (UTF-8, as
// dataset.CheckClassNames wants it), e.g. "cat/001.png\tcat". A relative
// path is taken from the folder base (the list's own folder, say), with /
// as the separator on every system. Empty lines and lines starting with #
// are passed over, and a carriage return ending a line is dropped. The
// files keep the list's order (a file may come more than once); the
// classes are numbered in the byte order of their names, as Scan's are.
// name names the list in errors ("list.tsv:3: ...").
func ParseList(r io.Reader, name, base string) ([]File, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), maxListLine)
	var files []File
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimSuffix(sc.Text(), "\r")
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		i := strings.LastIndexByte(text, '\t')
		if i < 0 {
			return nil, fmt.Errorf("%s:%d: %q: want a path, a tab and a class name", name, line, text)
		}
		path, class := text[:i], text[i+1:]
		if path == "" {
			return nil, fmt.Errorf("%s:%d: empty path", name, line)
		}
		if err := dataset.CheckClassNames([]string{class}, 1); err != nil {
			return nil, fmt.Errorf("%s:%d: class name %q: want 1 to %d bytes of UTF-8 without control characters", name, line, class, dataset.MaxClassName)
		}
		if len(files) == MaxFiles {
			return nil, fmt.Errorf("%s:%d: more than %d files", name, line, MaxFiles)
		}
		path = filepath.FromSlash(path)
		if !filepath.IsAbs(path) {
			path = filepath.Join(base, path)
		}
		files = append(files, File{Path: path, Class: class})
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, fmt.Errorf("%s:%d: a line over %d bytes", name, line+1, maxListLine)
		}
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("%s: no files listed (want lines of a path, a tab and a class name)", name)
	}
	return files, nil
}

// Read decodes files into a labelled set: image i is files[i] (less the
// files skipped), its label the number of its class among the sorted
// class names. See the package documentation for the shape of the images
// and what is checked before decoding. It stops early when ctx is done.
func Read(ctx context.Context, files []File, opt Options) (*Result, error) {
	if opt.Size < 0 {
		return nil, fmt.Errorf("image size %d: want 0 (as they are) or a positive side", opt.Size)
	}
	if len(files) == 0 {
		return nil, errors.New("no image files")
	}
	if len(files) > MaxFiles {
		return nil, fmt.Errorf("%d image files, over the limit of %d", len(files), MaxFiles)
	}
	names := classNames(files)
	if err := dataset.CheckClassNames(names, len(names)); err != nil {
		return nil, err
	}
	bad := make([]error, len(files)) // why file i was skipped
	skip := func(i int, err error) error {
		if !opt.SkipBad {
			return fmt.Errorf("%s: %w", files[i].Path, err)
		}
		bad[i] = err
		return nil
	}

	// Pass 1: every header, before any pixel is allocated.
	heads := make([]header, len(files))
	ok := make([]bool, len(files))
	var first *File // the first good file, whose size the others must share
	var firstHead header
	gray := true
	good := 0
	for i := range files {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		f := &files[i]
		h, err := readHeader(f.Path)
		if err != nil {
			if err := skip(i, err); err != nil {
				return nil, err
			}
			continue
		}
		if opt.Size == 0 {
			if h.w != h.h {
				return nil, fmt.Errorf("%s: %w: %d×%d is not square (resize the images to one square size)", f.Path, ErrShape, h.w, h.h)
			}
			if first != nil && h.w != firstHead.w {
				return nil, fmt.Errorf("%s: %w: %d×%d, but %s is %d×%d (resize the images to one size)", f.Path, ErrShape, h.w, h.h, first.Path, firstHead.w, firstHead.h)
			}
		}
		if first == nil {
			first, firstHead = f, h
		}
		heads[i], ok[i] = h, true
		gray = gray && h.gray
		good++
	}
	if good == 0 {
		return nil, fmt.Errorf("none of the %d files is a readable image", len(files))
	}
	side := opt.Size
	if side == 0 {
		side = firstHead.w
	}
	channels := 3
	if gray {
		channels = 1
	}
	size := channels * side * side
	if int64(good)*int64(size) > MaxValues {
		return nil, fmt.Errorf("%d images of %d×%d×%d are %d values, over the limit of %d: use smaller images or fewer",
			good, channels, side, side, int64(good)*int64(size), MaxValues)
	}

	// Pass 2: decode.
	s := &dataset.Set{Channels: channels, Height: side, Width: side, Classes: len(names), Names: names,
		Pixels: make([]uint8, good*size), Labels: make([]int, 0, good)}
	count := make([]int, len(names))
	done := 0
	for i := range files {
		if !ok[i] {
			continue
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		f := &files[i]
		img, err := decode(f.Path, heads[i])
		if err != nil {
			if err := skip(i, err); err != nil {
				return nil, err
			}
			done++
			continue
		}
		toPixels(s.Pixels[s.N*size:(s.N+1)*size], img, channels, side)
		c, _ := slices.BinarySearch(names, f.Class)
		s.Labels = append(s.Labels, c)
		count[c]++
		s.N++
		done++
		if opt.Progress != nil {
			opt.Progress(done, good)
		}
	}
	if s.N == 0 {
		return nil, fmt.Errorf("none of the %d files is a readable image", len(files))
	}
	for c, n := range count {
		if n == 0 {
			return nil, fmt.Errorf("class %q: every one of its files was skipped: a class without images cannot be learnt", names[c])
		}
	}
	s.Pixels = s.Pixels[:s.N*size]
	res := &Result{Set: s}
	for i, err := range bad {
		if err != nil {
			res.Skipped = append(res.Skipped, Skipped{Path: files[i].Path, Err: err})
		}
	}
	return res, nil
}

// classNames returns the distinct classes of files, sorted.
func classNames(files []File) []string {
	var names []string
	for _, f := range files {
		names = append(names, f.Class)
	}
	slices.Sort(names)
	return slices.Compact(names)
}

// unwrapPath returns err with its path the given one: os errors name the
// path they were given, which is the one the caller knows.
func unwrapPath(path string, err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s: %w", path, pe.Err)
	}
	return fmt.Errorf("%s: %w", path, err)
}

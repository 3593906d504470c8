// Package dataset is a labelled image set as the toolkit's tools pass it
// around: a tensor stream (docs/stream.md) of "images" records (uint8
// N×C×H×W, 0 black to 255 white) each followed by its "labels" record (N
// class numbers). It is the one reader and writer of such streams: what
// mnist-fetch writes, acgan-train trains on and acgan-eval reads as real
// images. It also holds MNIST's geometry, the shape the toolkit's model is
// built for.
package dataset

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"acgan/pkg/tensor"
)

// MNIST's geometry: gray 28×28 images of 10 classes (the digits).
const (
	MNISTChannels = 1
	MNISTHeight   = 28
	MNISTWidth    = 28
	MNISTClasses  = 10
)

// Set is a labelled image set held in memory.
type Set struct {
	// N is the number of images.
	N int
	// Channels, Height and Width are the shape of one image.
	Channels, Height, Width int
	// Classes is the number of classes: labels are in [0, Classes).
	Classes int
	// Pixels holds the images, N×Channels×Height×Width, 0 to 255.
	Pixels []uint8
	// Labels holds the class of each image.
	Labels []int
	// Names holds the name of each class (Classes of them), from the
	// stream's "classnames" record; nil when the stream has none, and the
	// classes are then known by their numbers.
	Names []string
	// Meta is the metadata of the first images record (e.g. source=mnist,
	// split=train), nil when there is none.
	Meta map[string]string
}

// ImageSize returns the number of values of one image.
func (s *Set) ImageSize() int { return s.Channels * s.Height * s.Width }

// Scaled writes image i into dst (ImageSize values) scaled from [0, 255] to
// [-1, 1], (p − 127.5) / 127.5, as the networks see it.
func (s *Set) Scaled(dst []float32, i int) {
	size := s.ImageSize()
	for j, p := range s.Pixels[i*size : (i+1)*size] {
		dst[j] = (float32(p) - 127.5) / 127.5
	}
}

// Want is what a reader of a set asks of it; a zero field asks nothing.
type Want struct {
	Channels, Height, Width int
	Classes                 int
}

// Tensors returns s as the records of a stream: "images" uint8
// N×C×H×W with range=0,255 and s.Meta, "labels" (uint8 when the
// classes fit, else int32) with classes=K, and "classnames" when s has
// Names (else names is nil). The images share s's memory.
func (s *Set) Tensors() (images, labels, names *tensor.Tensor) {
	images = tensor.NewUint8(tensor.NameImages, []int{s.N, s.Channels, s.Height, s.Width}, s.Pixels)
	images.Meta = map[string]string{}
	for k, v := range s.Meta {
		images.Meta[k] = v
	}
	images.Meta[tensor.MetaRange] = "0,255"
	if s.Classes <= 256 {
		lab := make([]uint8, s.N)
		for i, c := range s.Labels {
			lab[i] = uint8(c)
		}
		labels = tensor.NewUint8(tensor.NameLabels, []int{s.N}, lab)
	} else {
		lab := make([]int32, s.N)
		for i, c := range s.Labels {
			lab[i] = int32(c)
		}
		labels = tensor.NewInt32(tensor.NameLabels, []int{s.N}, lab)
	}
	labels.SetMeta(tensor.MetaClasses, strconv.Itoa(s.Classes))
	if s.Names != nil {
		names = ClassNamesTensor(s.Names)
	}
	return images, labels, names
}

// Write writes s to w as a stream: its images, then its labels, then its
// class names when it has them. Images of more than tensor.MaxElements
// values in all are written as several "images" records of whole images
// (a reader joins them, docs/stream.md). It refuses names that
// CheckClassNames refuses.
func (s *Set) Write(w io.Writer) error {
	if s.Names != nil {
		if err := CheckClassNames(s.Names, s.Classes); err != nil {
			return err
		}
	}
	images, labels, names := s.Tensors()
	recs := splitImages(images, s.N, s.ImageSize(), tensor.MaxElements)
	recs = append(recs, labels)
	if names != nil {
		recs = append(recs, names)
	}
	return tensor.WriteAll(w, recs...)
}

// splitImages cuts an images record of n images of size values each into
// records of at most limit values, whole images each, with the same
// metadata.
func splitImages(images *tensor.Tensor, n, size, limit int) []*tensor.Tensor {
	if n*size <= limit || size == 0 || size > limit {
		return []*tensor.Tensor{images}
	}
	per := limit / size // images per record
	var recs []*tensor.Tensor
	for i := 0; i < n; i += per {
		j := min(n, i+per)
		sh := slices.Clone(images.Shape)
		sh[0] = j - i
		t := tensor.NewUint8(images.Name, sh, images.U8[i*size:j*size])
		t.Meta = images.Meta
		recs = append(recs, t)
	}
	return recs
}

// ErrNoImages is wrapped by the error of Read for a stream without an
// "images" record.
var ErrNoImages = errors.New("no images in the stream")

// Read reads the labelled images of a stream as docs/stream.md's
// conventions say: every "images" record, in stream order, concatenated
// along N into one set, and every "labels" record likewise into one label
// vector, as long as the images. Records of other names are skipped. The
// image batches must agree on the image shape, the label batches on the
// class count, and each must satisfy want. The class count is the labels'
// classes=K entry where given, else want.Classes, else MNISTClasses.
// Errors name the record and say what is wrong.
func Read(r io.Reader, want Want) (*Set, error) {
	sets, err := ReadBatches(r, want)
	if err != nil {
		return nil, err
	}
	return Concat(sets)
}

// ReadBatches reads a stream as Read does, but returns each images record
// as a Set of its own, in stream order, with its share of the concatenated
// labels (for readers that tell batches apart, e.g. by a split entry).
func ReadBatches(r io.Reader, want Want) ([]*Set, error) {
	tr := tensor.NewReader(r)
	var sets []*Set
	var labels []int
	classes, classesAt := 0, -1 // the class count and the record that set it
	var names []string
	namesAt := -1
	for i := 0; ; i++ {
		t, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		switch t.Name {
		case tensor.NameImages:
			s, err := images(t, want)
			if err != nil {
				return nil, fmt.Errorf("record %d %q: %w", i, t.Name, err)
			}
			if len(sets) > 0 {
				if f := sets[0]; s.Channels != f.Channels || s.Height != f.Height || s.Width != f.Width {
					return nil, fmt.Errorf("record %d %q: images of %d×%d×%d, but the first images record has %d×%d×%d", i, t.Name, s.Channels, s.Height, s.Width, f.Channels, f.Height, f.Width)
				}
			}
			sets = append(sets, s)
		case tensor.NameLabels:
			k, err := LabelClasses(t, want)
			if err != nil {
				return nil, fmt.Errorf("record %d %q: %w", i, t.Name, err)
			}
			if classesAt >= 0 && k != classes {
				return nil, fmt.Errorf("record %d %q: %d classes, but record %d says %d", i, t.Name, k, classesAt, classes)
			}
			classes, classesAt = k, i
			lab, err := Labels(t, t.Len(), k)
			if err != nil {
				return nil, fmt.Errorf("record %d %q: %w", i, t.Name, err)
			}
			if len(labels)+len(lab) > MaxImages {
				return nil, fmt.Errorf("record %d %q: more than %d labels in all", i, t.Name, MaxImages)
			}
			labels = append(labels, lab...)
		case tensor.NameClassNames:
			nm, err := ClassNames(t)
			if err != nil {
				return nil, fmt.Errorf("record %d %q: %w", i, t.Name, err)
			}
			if namesAt >= 0 && !equal(nm, names) {
				return nil, fmt.Errorf("record %d %q: other class names than record %d's", i, t.Name, namesAt)
			}
			names, namesAt = nm, i
		}
	}
	n := 0
	for _, s := range sets {
		n += s.N
	}
	switch {
	case len(sets) == 0:
		return nil, ErrNoImages
	case classesAt < 0:
		return nil, fmt.Errorf("no labels in the stream: %d images without their classes", n)
	case len(labels) != n:
		return nil, fmt.Errorf("%d labels for %d images: want one label per image", len(labels), n)
	case n == 0:
		return nil, fmt.Errorf("no images: every images record is empty")
	case namesAt >= 0 && len(names) != classes:
		return nil, fmt.Errorf("record %d %q: %d class names for %d classes", namesAt, tensor.NameClassNames, len(names), classes)
	}
	for _, s := range sets {
		s.Classes = classes
		s.Names = names
		s.Labels, labels = labels[:s.N:s.N], labels[s.N:]
	}
	return sets, nil
}

// MaxImages bounds the images of one set (and so the memory that holding
// their labels takes, whatever a stream says).
const MaxImages = 1 << 26

// images checks one images record against want and returns it as a Set
// without labels.
func images(t *tensor.Tensor, want Want) (*Set, error) {
	sh := t.Shape
	if t.DType != tensor.Uint8 {
		return nil, fmt.Errorf("images are %s; want uint8 pixels (0 to 255)", t.DType)
	}
	if len(sh) != 4 {
		return nil, fmt.Errorf("images have shape %s; want N×C×H×W", tensor.ShapeString(sh))
	}
	if (want.Channels > 0 && sh[1] != want.Channels) || (want.Height > 0 && sh[2] != want.Height) || (want.Width > 0 && sh[3] != want.Width) {
		return nil, fmt.Errorf("images have shape %s; want N×%d×%d×%d", tensor.ShapeString(sh), want.Channels, want.Height, want.Width)
	}
	if v, ok := t.Meta[tensor.MetaRange]; ok && v != "0,255" {
		return nil, fmt.Errorf("uint8 images with range=%s; uint8 pixels are 0 to 255 (range=0,255 or none)", v)
	}
	return &Set{N: sh[0], Channels: sh[1], Height: sh[2], Width: sh[3], Pixels: t.U8, Meta: t.Meta}, nil
}

// labelClasses returns the class count of a labels record: its classes=K
// entry where given (it must equal want.Classes when that is set), else
// want.Classes, else MNISTClasses.
func LabelClasses(t *tensor.Tensor, want Want) (int, error) {
	if _, ok := t.Meta[tensor.MetaClasses]; !ok {
		if want.Classes > 0 {
			return want.Classes, nil
		}
		return MNISTClasses, nil
	}
	k, ok := t.Classes()
	if !ok {
		return 0, fmt.Errorf("labels have classes=%q; want a positive integer", t.Meta[tensor.MetaClasses])
	}
	if want.Classes > 0 && k != want.Classes {
		return 0, fmt.Errorf("labels have classes=%d; want %d", k, want.Classes)
	}
	return k, nil
}

// Labels checks a labels record of n class numbers (uint8 or int32, in
// [0, classes)) and returns them.
func Labels(t *tensor.Tensor, n, classes int) ([]int, error) {
	if len(t.Shape) != 1 || t.Shape[0] != n {
		return nil, fmt.Errorf("labels have shape %s; want a vector of %d", tensor.ShapeString(t.Shape), n)
	}
	lab := make([]int, n)
	switch t.DType {
	case tensor.Uint8:
		for i, c := range t.U8 {
			lab[i] = int(c)
		}
	case tensor.Int32:
		for i, c := range t.I32 {
			lab[i] = int(c)
		}
	default:
		return nil, fmt.Errorf("labels are %s; want uint8 or int32 class numbers", t.DType)
	}
	for i, c := range lab {
		if c < 0 || c >= classes {
			return nil, fmt.Errorf("label %d (of image %d) is outside 0..%d", c, i, classes-1)
		}
	}
	return lab, nil
}

// Concat joins sets that share an image shape and a class count into one,
// in order; the metadata is the first set's.
func Concat(sets []*Set) (*Set, error) {
	if len(sets) == 1 {
		return sets[0], nil
	}
	first := sets[0]
	out := &Set{Channels: first.Channels, Height: first.Height, Width: first.Width, Classes: first.Classes, Names: first.Names, Meta: first.Meta}
	for i, s := range sets {
		if s.Channels != first.Channels || s.Height != first.Height || s.Width != first.Width {
			return nil, fmt.Errorf("batch %d has images of %d×%d×%d, batch 0 of %d×%d×%d", i, s.Channels, s.Height, s.Width, first.Channels, first.Height, first.Width)
		}
		if s.Classes != first.Classes {
			return nil, fmt.Errorf("batch %d has %d classes, batch 0 has %d", i, s.Classes, first.Classes)
		}
		if !equal(s.Names, first.Names) {
			return nil, fmt.Errorf("batch %d names its classes otherwise than batch 0", i)
		}
		out.N += s.N
	}
	out.Pixels = make([]uint8, 0, out.N*out.ImageSize())
	out.Labels = make([]int, 0, out.N)
	for _, s := range sets {
		out.Pixels = append(out.Pixels, s.Pixels...)
		out.Labels = append(out.Labels, s.Labels...)
	}
	return out, nil
}

// MaxClassName bounds the length of one class name, in bytes.
const MaxClassName = 256

// CheckClassNames checks that names can name classes classes: as many
// names as classes, each a non-empty UTF-8 string of at most
// MaxClassName bytes without control characters, none twice.
func CheckClassNames(names []string, classes int) error {
	if len(names) != classes {
		return fmt.Errorf("%d class names for %d classes", len(names), classes)
	}
	seen := make(map[string]int, len(names))
	for i, n := range names {
		switch {
		case n == "":
			return fmt.Errorf("class %d has an empty name", i)
		case len(n) > MaxClassName:
			return fmt.Errorf("class %d's name is %d bytes long; at most %d", i, len(n), MaxClassName)
		case !utf8.ValidString(n):
			return fmt.Errorf("class %d's name %q is not valid UTF-8", i, n)
		}
		for _, r := range n {
			if unicode.IsControl(r) {
				return fmt.Errorf("class %d's name %q holds a control character", i, n)
			}
		}
		if j, ok := seen[n]; ok {
			return fmt.Errorf("classes %d and %d are both named %q", j, i, n)
		}
		seen[n] = i
	}
	return nil
}

// ClassNamesTensor returns names as a "classnames" record: the names in
// class order, each followed by a newline, as a uint8 vector.
func ClassNamesTensor(names []string) *tensor.Tensor {
	var b []byte
	for _, n := range names {
		b = append(b, n...)
		b = append(b, '\n')
	}
	return tensor.NewUint8(tensor.NameClassNames, []int{len(b)}, b)
}

// ClassNames reads the names of a "classnames" record (see
// ClassNamesTensor) and checks them as CheckClassNames does (their count
// is checked against the labels by the reader of the whole stream).
func ClassNames(t *tensor.Tensor) ([]string, error) {
	if t.DType != tensor.Uint8 || len(t.Shape) != 1 {
		return nil, fmt.Errorf("class names are %s of shape %s; want a uint8 vector of UTF-8 text", t.DType, tensor.ShapeString(t.Shape))
	}
	text := string(t.U8)
	if text == "" || !strings.HasSuffix(text, "\n") {
		return nil, fmt.Errorf("class names do not end with a newline (each name is followed by one)")
	}
	names := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	if err := CheckClassNames(names, len(names)); err != nil {
		return nil, err
	}
	return names, nil
}

// ClassName returns the name of class c: its name when s has names, else
// its number.
func (s *Set) ClassName(c int) string {
	if s.Names != nil {
		return s.Names[c]
	}
	return strconv.Itoa(c)
}

func equal(a, b []string) bool {
	if len(a) != len(b) || (a == nil) != (b == nil) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

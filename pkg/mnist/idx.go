// IDX: the file format of the original MNIST files, read and written here.
//
// An IDX file (always gzip-compressed in MNIST's distribution) is a
// big-endian header and raw data:
//
//	magic   uint32  0x00000803 for images (unsigned bytes, 3 dimensions),
//	                0x00000801 for labels (unsigned bytes, 1 dimension)
//	dims    uint32 × (magic & 0xff)   count[, rows, cols]
//	data    count × rows × cols bytes (images) or count bytes (labels)
//
// MNIST's images are 28×28; other sets in the same layout (Fashion-MNIST,
// KMNIST) may have other sizes, which the header gives. The reader trusts
// nothing: it checks the magic, the geometry (at most MaxSide a side), the
// count against MaxImages and against the other file, the labels against
// the class count, grows its buffers only as data actually arrives, and
// reports truncated or corrupt input as such.

package mnist

import (
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// IDX magic numbers of the two MNIST file kinds.
const (
	imagesMagic = 0x00000803
	labelsMagic = 0x00000801
)

// MaxImages bounds the number of items an IDX header may declare (MNIST
// has 60000); larger claims are refused before anything is allocated.
const MaxImages = 1 << 20

// MaxSide bounds the rows and the columns of an image an IDX header may
// declare.
const MaxSide = 1024

// MaxValues bounds the pixels of the images kept, all together: 2^28, as
// many as one record of a tensor stream may hold.
const MaxValues = 1 << 28

// MaxClasses is the largest class count of a set: IDX labels are bytes.
const MaxClasses = 256

// Decode parses a split of MNIST from its gzip-compressed IDX image and
// label files and keeps the first n digits; n = 0 keeps all of them and n
// larger than the files hold is an error. It is DecodeSet with MNIST's 10
// classes; the images may be of any size the header gives.
func Decode(images, labels io.Reader, n int) (*Dataset, error) {
	return DecodeSet(images, labels, n, Classes)
}

// DecodeSet parses a split of a labelled image set in MNIST's file layout
// (Fashion-MNIST, KMNIST, …) from its gzip-compressed IDX image and label
// files, and keeps the first n images; n = 0 keeps all of them and n larger
// than the files hold is an error. The image size is the images file's;
// every label must be below classes (2 to MaxClasses). Dataset.Split is
// left empty.
func DecodeSet(images, labels io.Reader, n, classes int) (*Dataset, error) {
	if n < 0 {
		return nil, fmt.Errorf("negative count %d", n)
	}
	if classes < 2 || classes > MaxClasses {
		return nil, fmt.Errorf("%d classes; want 2 to %d (IDX labels are bytes)", classes, MaxClasses)
	}
	img, err := openIDX(images, "images file", imagesMagic, MaxSide, MaxSide)
	if err != nil {
		return nil, err
	}
	lab, err := openIDX(labels, "labels file", labelsMagic)
	if err != nil {
		return nil, err
	}
	if img.count != lab.count {
		return nil, fmt.Errorf("count mismatch: images file holds %d images, labels file %d labels", img.count, lab.count)
	}
	if n == 0 {
		n = img.count
	}
	if n > img.count {
		return nil, fmt.Errorf("asked for %d images, but the files hold only %d", n, img.count)
	}
	rows, cols := img.dims[0], img.dims[1]
	if n*rows*cols > MaxValues { // n ≤ MaxImages and sides ≤ MaxSide: no overflow
		return nil, fmt.Errorf("%d images of %d×%d are %d pixels, more than the limit %d (take fewer)", n, rows, cols, n*rows*cols, MaxValues)
	}
	pix, err := img.read(n, rows*cols)
	if err != nil {
		return nil, err
	}
	lbl, err := lab.read(n, 1)
	if err != nil {
		return nil, err
	}
	for i, l := range lbl {
		if int(l) >= classes {
			return nil, fmt.Errorf("labels file: label %d at index %d is not a class 0..%d (%d classes)", l, i, classes-1, classes)
		}
	}
	return &Dataset{N: n, Rows: rows, Cols: cols, Classes: classes, Images: pix, Labels: lbl}, nil
}

// idxFile is an IDX file whose header has been read.
type idxFile struct {
	what  string // "images file", for messages
	zr    *gzip.Reader
	count int
	dims  []int // the dimensions after the count
}

// openIDX reads and checks the header of a gzip-compressed IDX file with the
// given magic; limits give the largest sizes of the dimensions after the
// count, each at least 1.
func openIDX(r io.Reader, what string, magic uint32, limits ...int) (*idxFile, error) {
	zr, err := gzip.NewReader(r)
	if err != nil {
		if err == io.EOF {
			return nil, fmt.Errorf("%s: empty", what)
		}
		if err == io.ErrUnexpectedEOF {
			return nil, fmt.Errorf("%s: truncated gzip header", what)
		}
		return nil, fmt.Errorf("%s: not gzip data (%v)", what, err)
	}
	f := &idxFile{what: what, zr: zr}
	var b [4]byte
	if err := f.full(b[:], "header"); err != nil {
		return nil, err
	}
	if m := binary.BigEndian.Uint32(b[:]); m != magic {
		return nil, fmt.Errorf("%s: bad magic 0x%08x, want 0x%08x", what, m, magic)
	}
	dims := make([]int, 1+len(limits)) // magic&0xff, checked equal above
	for i := range dims {
		if err := f.full(b[:], "header"); err != nil {
			return nil, err
		}
		dims[i] = int(binary.BigEndian.Uint32(b[:]))
	}
	f.count = dims[0]
	if f.count > MaxImages {
		return nil, fmt.Errorf("%s: header declares %d items, more than the limit %d", what, f.count, MaxImages)
	}
	for i, limit := range limits {
		if d := dims[1+i]; d < 1 || d > limit {
			return nil, fmt.Errorf("%s: items are %s; want each size 1 to %d", what, sizes(dims[1:]), limit)
		}
	}
	f.dims = dims[1:]
	return f, nil
}

// sizes writes dimensions as 28×28.
func sizes(dims []int) string {
	s := make([]string, len(dims))
	for i, d := range dims {
		s[i] = strconv.Itoa(d)
	}
	return strings.Join(s, "×")
}

// full reads exactly len(b) bytes, naming part in errors.
func (f *idxFile) full(b []byte, part string) error {
	if _, err := io.ReadFull(f.zr, b); err != nil {
		return f.dataErr(err, part)
	}
	return nil
}

// dataErr describes a read error: running out of data is "truncated", a
// gzip error "corrupt".
func (f *idxFile) dataErr(err error, part string) error {
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return fmt.Errorf("%s: truncated in the %s", f.what, part)
	}
	return fmt.Errorf("%s: corrupt data in the %s (%v)", f.what, part, err)
}

// read returns the first n items of size bytes each. Its buffer grows with
// the data that arrives, so a header that lies about the count costs no
// more memory than the data really present. Reading every item also checks
// that nothing follows them and that the gzip checksum holds.
func (f *idxFile) read(n, size int) ([]byte, error) {
	need := n * size // n ≤ MaxImages, so no overflow
	buf := make([]byte, 0, min(need, 1<<22))
	for len(buf) < need {
		if len(buf) == cap(buf) {
			grown := make([]byte, len(buf), min(need, 2*cap(buf)))
			copy(grown, buf)
			buf = grown
		}
		k, err := f.zr.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+k]
		switch {
		case err == nil:
		case (err == io.EOF || err == io.ErrUnexpectedEOF) && len(buf) < need:
			return nil, fmt.Errorf("%s: truncated: header declares %d items, data ends after %d", f.what, f.count, len(buf)/size)
		case err == io.EOF:
		case len(buf) == need:
			return nil, f.endErr(err)
		default:
			return nil, fmt.Errorf("%s: corrupt data after %d items (%v)", f.what, len(buf)/size, err)
		}
	}
	if n == f.count {
		var b [1]byte
		k, err := io.ReadFull(f.zr, b[:])
		if k > 0 {
			return nil, fmt.Errorf("%s: data continues after the %d items the header declares", f.what, f.count)
		}
		if err != io.EOF {
			return nil, f.endErr(err)
		}
	}
	return buf, nil
}

// endErr describes an error met after the last item.
func (f *idxFile) endErr(err error) error {
	if err == io.ErrUnexpectedEOF {
		return fmt.Errorf("%s: truncated at the end (the gzip trailer is missing)", f.what)
	}
	return fmt.Errorf("%s: corrupt data at the end (%v)", f.what, err)
}

// WriteIDX writes the dataset as the two gzip-compressed IDX files of the
// original distribution. The output is deterministic (no name or time in
// the gzip header, best compression) for a given Go version.
func (d *Dataset) WriteIDX(images, labels io.Writer) error {
	if d.Rows < 1 || d.Cols < 1 || len(d.Images) != d.N*d.Rows*d.Cols || len(d.Labels) != d.N {
		return errors.New("mnist: WriteIDX: dataset sizes do not match N, Rows and Cols")
	}
	if err := writeIDX(images, imagesMagic, []int{d.N, d.Rows, d.Cols}, d.Images); err != nil {
		return fmt.Errorf("write images: %w", err)
	}
	if err := writeIDX(labels, labelsMagic, []int{d.N}, d.Labels); err != nil {
		return fmt.Errorf("write labels: %w", err)
	}
	return nil
}

func writeIDX(w io.Writer, magic uint32, dims []int, data []byte) error {
	zw, err := gzip.NewWriterLevel(w, gzip.BestCompression)
	if err != nil {
		return err
	}
	hdr := binary.BigEndian.AppendUint32(nil, magic)
	for _, d := range dims {
		hdr = binary.BigEndian.AppendUint32(hdr, uint32(d))
	}
	if _, err := zw.Write(hdr); err != nil {
		return err
	}
	if _, err := zw.Write(data); err != nil {
		return err
	}
	return zw.Close()
}

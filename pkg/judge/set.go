// Set: labelled images scaled to [-1, 1], as the judge and the generator
// see them; the key of a set (the SHA-256 its judge is cached under); and
// the split of a user's images into those the judge trains on and those it
// is measured on.

package judge

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"slices"

	"acgan/pkg/dataset"
)

// Set is a set of labelled images as the judge reads them.
type Set struct {
	Geom   Geometry
	Names  []string  // the classes' names, nil when they have none
	Split  string    // "train", "test" or "" (unknown)
	Images []float32 // N×C×S×S in [-1, 1]
	Labels []int     // N classes in [0, Geom.Classes)
	// Key is DataKey of the images and labels the set was made from ("" for
	// a set made otherwise, e.g. by FirstPerClass).
	Key string
}

// Len returns the number of images.
func (d *Set) Len() int { return len(d.Labels) }

// NewSet returns the images of s scaled from [0, 255] to [-1, 1] as the
// training does (dataset.Set.Scaled), its labels (shared), class names,
// split (its "split" entry) and key. s must have a geometry the judge is
// built for (GeometryOf).
func NewSet(s *dataset.Set) (*Set, error) {
	g, err := GeometryOf(s)
	if err != nil {
		return nil, fmt.Errorf("judge: %w", err)
	}
	px := g.Pixels()
	d := &Set{Geom: g, Names: s.Names, Split: s.Meta["split"], Images: make([]float32, s.N*px), Labels: s.Labels[:s.N], Key: DataKey(s)}
	for i := range s.N {
		s.Scaled(d.Images[i*px:(i+1)*px], i)
	}
	return d, nil
}

// FirstPerClass returns the first n images of each class, in the order
// of d (all of a class if it has fewer).
func (d *Set) FirstPerClass(n int) *Set {
	px := d.Geom.Pixels()
	out := &Set{Geom: d.Geom, Names: d.Names, Split: d.Split}
	count := make([]int, d.Geom.Classes)
	for i, c := range d.Labels {
		if count[c] >= n {
			continue
		}
		count[c]++
		out.Images = append(out.Images, d.Images[i*px:(i+1)*px]...)
		out.Labels = append(out.Labels, c)
	}
	return out
}

// DataKey returns the SHA-256, in hex, of a labelled set: of a line giving
// its count and geometry, then its pixels, then its labels as 4-byte
// little-endian numbers. A judge file records the key of the images it
// was trained on, and the cache names a judge of a user's images by it
// (DefaultPathFor), so that a judge of one set is never used for another.
// Class names and metadata do not count.
func DataKey(s *dataset.Set) string {
	h := sha256.New()
	fmt.Fprintf(h, "acgan judge images: %d of %d×%d×%d, %d classes\n", s.N, s.Channels, s.Height, s.Width, s.Classes)
	h.Write(s.Pixels[:s.N*s.ImageSize()])
	var b [4]byte
	buf := make([]byte, 0, 4096)
	for _, c := range s.Labels[:s.N] {
		binary.LittleEndian.PutUint32(b[:], uint32(c))
		buf = append(buf, b[:]...)
		if len(buf) == cap(buf) {
			h.Write(buf)
			buf = buf[:0]
		}
	}
	h.Write(buf)
	return hex.EncodeToString(h.Sum(nil))
}

// The split of a user's images (Split).
const (
	// HeldOutPart is the fraction of each class held out (rounded down):
	// one in HeldOutPart images.
	HeldOutPart = 5
	// MinHeldOut is the fewest images held out of a class, and
	// MinPerClass the fewest images a class must have: MinHeldOut held out
	// and the rest, at least 3, to train on.
	MinHeldOut  = 2
	MinPerClass = 5
	// splitSeed seeds the PCG that draws the held-out images.
	splitSeed = 1
)

// Split divides a labelled set into the images a judge trains on and
// those held out to measure it and to compare generated images with
// (the test statistics). Each class is split apart: of its n images (in
// stream order), max(MinHeldOut, n/HeldOutPart) are held out, drawn by a
// shuffle of the class's indices from a PCG seeded with 1 (the classes
// shuffled in class order, one after another); both parts keep the order
// of s. The same set always splits the same way. Every class needs at
// least MinPerClass images.
func Split(s *dataset.Set) (train, test *dataset.Set, err error) {
	idx := make([][]int, s.Classes)
	for i, c := range s.Labels[:s.N] {
		idx[c] = append(idx[c], i)
	}
	r := rand.New(rand.NewPCG(splitSeed, 0x73706c6974)) // "split"
	held := make([]bool, s.N)
	for c, rows := range idx {
		if len(rows) < MinPerClass {
			return nil, nil, fmt.Errorf("judge: class %s has %d images; the judge needs at least %d of each class (%d held out to measure it)", s.ClassName(c), len(rows), MinPerClass, MinHeldOut)
		}
		rows = slices.Clone(rows)
		r.Shuffle(len(rows), func(a, b int) { rows[a], rows[b] = rows[b], rows[a] })
		for _, i := range rows[:max(MinHeldOut, len(rows)/HeldOutPart)] {
			held[i] = true
		}
	}
	var trainRows, testRows []int
	for i, h := range held {
		if h {
			testRows = append(testRows, i)
		} else {
			trainRows = append(trainRows, i)
		}
	}
	return subset(s, trainRows, "train"), subset(s, testRows, "test"), nil
}

// subset returns the images rows of s, in that order, as a set of the
// given split.
func subset(s *dataset.Set, rows []int, split string) *dataset.Set {
	size := s.ImageSize()
	out := &dataset.Set{N: len(rows), Channels: s.Channels, Height: s.Height, Width: s.Width, Classes: s.Classes,
		Names: s.Names, Pixels: make([]uint8, 0, len(rows)*size), Labels: make([]int, len(rows)), Meta: map[string]string{}}
	for k, v := range s.Meta {
		out.Meta[k] = v
	}
	out.Meta["split"] = split
	for k, i := range rows {
		out.Pixels = append(out.Pixels, s.Pixels[i*size:(i+1)*size]...)
		out.Labels[k] = s.Labels[i]
	}
	return out
}

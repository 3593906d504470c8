// Package tensor defines the Tensor value and the tensor stream: the
// zstd-compressed sequence of named, typed, shaped arrays that the toolkit's
// tools pass to each other through pipes (see docs/stream.md for the format).
//
// A producer writes records one by one and each is flushed at once, so the
// next tool in the pipe can start working before the producer is done:
//
//	w := tensor.NewWriter(os.Stdout)
//	if err := w.Write(tensor.NewUint8("labels", []int{3}, []uint8{1, 2, 3})); err != nil { ... }
//	if err := w.Close(); err != nil { ... }
//
// A consumer reads them one by one:
//
//	r := tensor.NewReader(os.Stdin)
//	for {
//		t, err := r.Next()
//		if err == io.EOF {
//			break
//		}
//		if err != nil { ... }
//		...
//	}
//
// The reader treats its input as hostile: header sizes, ranks and element
// counts are bounded and checked before anything is allocated, and a cut or
// corrupt stream is reported as such, naming the record where it happened.
package tensor

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// DType is the element type of a tensor. Its numeric value is the one written
// in the stream.
type DType uint8

// The element types a stream can carry. All are stored little-endian.
const (
	Uint8   DType = 1 // 1 byte, unsigned
	Int32   DType = 2 // 4 bytes, two's complement
	Float32 DType = 3 // 4 bytes, IEEE 754 binary32
)

// String returns the type's name: "uint8", "int32" or "float32".
func (d DType) String() string {
	switch d {
	case Uint8:
		return "uint8"
	case Int32:
		return "int32"
	case Float32:
		return "float32"
	}
	return "dtype(" + strconv.Itoa(int(d)) + ")"
}

// Size returns the number of bytes of one element, or 0 for an unknown type.
func (d DType) Size() int {
	switch d {
	case Uint8:
		return 1
	case Int32, Float32:
		return 4
	}
	return 0
}

// Valid reports whether d is one of the known element types.
func (d DType) Valid() bool { return d.Size() != 0 }

// Names and metadata keys of the toolkit's conventions (docs/stream.md).
const (
	// NameImages is the name of an image batch: N×C×H×W, uint8 in [0,255]
	// or float32 with a MetaRange entry.
	NameImages = "images"
	// NameLabels is the name of a label vector: uint8 or int32, length N,
	// with a MetaClasses entry.
	NameLabels = "labels"
	// NameClassNames is the name of the class names of a labelled set:
	// uint8, a vector of UTF-8 text, each class's name in class order
	// followed by a newline.
	NameClassNames = "classnames"
	// MetaRange gives the value range of float images as "lo,hi", e.g. "-1,1".
	MetaRange = "range"
	// MetaClasses gives the number of classes K of labels in [0,K), e.g. "10".
	MetaClasses = "classes"
	// MetaNRow suggests how many images a grid of an image batch should
	// have per row, e.g. "4" for 4 images of each class in turn; imgrid
	// uses it when not told otherwise.
	MetaNRow = "nrow"
)

// Tensor is a named, shaped array of one element type with a few string
// key/values of metadata. Exactly one of U8, I32 and F32 holds the data, the
// one DType says, in row-major (C) order; its length is Len().
type Tensor struct {
	Name  string
	Shape []int
	Meta  map[string]string // e.g. "range":"-1,1", "classes":"10"; written sorted by key
	DType DType
	U8    []uint8
	I32   []int32
	F32   []float32
}

// NewUint8 returns a uint8 tensor holding data (not copied). A nil data gets
// a zeroed slice of the shape's length.
func NewUint8(name string, shape []int, data []uint8) *Tensor {
	t := &Tensor{Name: name, Shape: shape, DType: Uint8, U8: data}
	if data == nil {
		t.U8 = make([]uint8, allocLen(shape))
	}
	return t
}

// NewInt32 returns an int32 tensor holding data (not copied). A nil data gets
// a zeroed slice of the shape's length.
func NewInt32(name string, shape []int, data []int32) *Tensor {
	t := &Tensor{Name: name, Shape: shape, DType: Int32, I32: data}
	if data == nil {
		t.I32 = make([]int32, allocLen(shape))
	}
	return t
}

// NewFloat32 returns a float32 tensor holding data (not copied). A nil data
// gets a zeroed slice of the shape's length.
func NewFloat32(name string, shape []int, data []float32) *Tensor {
	t := &Tensor{Name: name, Shape: shape, DType: Float32, F32: data}
	if data == nil {
		t.F32 = make([]float32, allocLen(shape))
	}
	return t
}

// allocLen is the element count of shape for allocation, 0 when the shape is
// invalid (Write reports that later).
func allocLen(shape []int) int {
	n, ok := elements(shape, math.MaxInt)
	if !ok {
		return 0
	}
	return n
}

// Len returns the number of elements: the product of Shape (1 for rank 0).
// It returns -1 when a dimension is negative or the product overflows int.
func (t *Tensor) Len() int {
	n, ok := elements(t.Shape, math.MaxInt)
	if !ok {
		return -1
	}
	return n
}

// elements returns the product of shape and whether every dimension is ≥ 0
// and the product stays ≤ limit (checked without overflowing).
func elements(shape []int, limit int) (int, bool) {
	n := 1
	for _, d := range shape {
		if d < 0 {
			return 0, false
		}
	}
	for _, d := range shape {
		if d == 0 {
			return 0, true
		}
	}
	for _, d := range shape {
		if d > limit/n {
			return 0, false
		}
		n *= d
	}
	return n, true
}

// dataLen returns the length of the slice that DType selects, or -1 for an
// unknown DType.
func (t *Tensor) dataLen() int {
	switch t.DType {
	case Uint8:
		return len(t.U8)
	case Int32:
		return len(t.I32)
	case Float32:
		return len(t.F32)
	}
	return -1
}

// SetMeta sets one metadata entry, creating the map if needed, and returns t.
func (t *Tensor) SetMeta(key, value string) *Tensor {
	if t.Meta == nil {
		t.Meta = map[string]string{}
	}
	t.Meta[key] = value
	return t
}

// Range returns the value range in the MetaRange entry ("lo,hi") and whether
// it is present and well-formed (two finite numbers, lo < hi).
func (t *Tensor) Range() (lo, hi float64, ok bool) {
	s, present := t.Meta[MetaRange]
	if !present {
		return 0, 0, false
	}
	a, b, found := strings.Cut(s, ",")
	if !found {
		return 0, 0, false
	}
	lo, err1 := strconv.ParseFloat(strings.TrimSpace(a), 64)
	hi, err2 := strconv.ParseFloat(strings.TrimSpace(b), 64)
	if err1 != nil || err2 != nil || math.IsInf(lo, 0) || math.IsInf(hi, 0) || !(lo < hi) {
		return 0, 0, false
	}
	return lo, hi, true
}

// Classes returns the class count in the MetaClasses entry and whether it is
// present and a positive integer.
func (t *Tensor) Classes() (int, bool) { return t.positiveMeta(MetaClasses) }

// NRow returns the images per row in the MetaNRow entry and whether it is
// present and a positive integer.
func (t *Tensor) NRow() (int, bool) { return t.positiveMeta(MetaNRow) }

// positiveMeta returns the metadata entry key as an integer and whether it
// is present and a positive integer.
func (t *Tensor) positiveMeta(key string) (int, bool) {
	s, present := t.Meta[key]
	if !present {
		return 0, false
	}
	k, err := strconv.Atoi(s)
	if err != nil || k <= 0 {
		return 0, false
	}
	return k, true
}

// ShapeString formats a shape as "60000x1x28x28" ("scalar" for rank 0).
func ShapeString(shape []int) string {
	if len(shape) == 0 {
		return "scalar"
	}
	var b strings.Builder
	for i, d := range shape {
		if i > 0 {
			b.WriteByte('x')
		}
		b.WriteString(strconv.Itoa(d))
	}
	return b.String()
}

// Validate checks that t can be written: a known DType, a valid name, shape
// and metadata within the format's limits (see the Max* constants: at most
// MaxElements elements, for instance), and a
// data slice of exactly Len() elements in the field DType selects (the other
// two empty).
func (t *Tensor) Validate() error {
	if err := checkName(t.Name); err != nil {
		return err
	}
	if !t.DType.Valid() {
		return fmt.Errorf("tensor %q: unknown dtype %d", t.Name, uint8(t.DType))
	}
	if len(t.Shape) > MaxRank {
		return fmt.Errorf("tensor %q: rank %d is over the limit of %d", t.Name, len(t.Shape), MaxRank)
	}
	for i, d := range t.Shape {
		if d < 0 {
			return fmt.Errorf("tensor %q: dimension %d is negative (%d)", t.Name, i, d)
		}
		if d > MaxElements {
			return fmt.Errorf("tensor %q: dimension %d is %d, over the limit of %d elements", t.Name, i, d, MaxElements)
		}
	}
	n, ok := elements(t.Shape, MaxElements)
	if !ok {
		return fmt.Errorf("tensor %q: shape %s has more than the limit of %d elements", t.Name, ShapeString(t.Shape), MaxElements)
	}
	if got := t.dataLen(); got != n {
		return fmt.Errorf("tensor %q: shape %s needs %d elements but %s data has %d",
			t.Name, ShapeString(t.Shape), n, t.DType, got)
	}
	others := len(t.U8) + len(t.I32) + len(t.F32) - n
	if others != 0 {
		return fmt.Errorf("tensor %q: holds data in a field other than its dtype's (%s)", t.Name, t.DType)
	}
	if len(t.Meta) > MaxMeta {
		return fmt.Errorf("tensor %q: %d metadata entries, over the limit of %d", t.Name, len(t.Meta), MaxMeta)
	}
	for k, v := range t.Meta {
		if err := checkKey(k); err != nil {
			return fmt.Errorf("tensor %q: %w", t.Name, err)
		}
		if err := checkValue(k, v); err != nil {
			return fmt.Errorf("tensor %q: %w", t.Name, err)
		}
	}
	if h := headerSize(t); h > MaxHeader {
		return fmt.Errorf("tensor %q: record header is %d bytes, over the limit of %d", t.Name, h, MaxHeader)
	}
	return nil
}

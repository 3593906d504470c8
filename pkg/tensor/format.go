// This file holds the byte layout of the decompressed stream (docs/stream.md
// is the full specification): the constants, the limits, and the encoding
// and parsing of a record header.

package tensor

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The layout of the decompressed stream:
//
//	stream  = header { record } end { header { record } end }
//	header  = Magic (8 bytes) version (u32)
//	record  = "TNSR" hlen (u32) rheader (hlen bytes) data
//	rheader = namelen (u16) name dtype (u8) rank (u8) rank×dim (u64)
//	          nmeta (u8) nmeta×(keylen (u16) key vallen (u16) value)
//	data    = product(dims) × dtype size bytes, little-endian
//	end     = "TEND" count (u64: records since the last header)
//
// All integers are little-endian.
const (
	// Magic opens every stream (and every stream concatenated to it).
	Magic = "TNSRSTRM"
	// Version is the format version this package writes and reads.
	Version = 1

	recordTag        = "TNSR"
	endTag           = "TEND"
	streamHeaderSize = len(Magic) + 4
)

// Limits of the format. A writer refuses tensors beyond them and a reader
// refuses records beyond them, before allocating anything.
const (
	MaxRank     = 8       // dimensions of a tensor
	MaxNameLen  = 256     // bytes of a tensor name
	MaxKeyLen   = 256     // bytes of a metadata key
	MaxValueLen = 4096    // bytes of a metadata value
	MaxMeta     = 64      // metadata entries of a tensor
	MaxHeader   = 1 << 16 // bytes of a record header (hlen)
	MaxElements = 1 << 28 // elements of a tensor (and so each dimension)
)

// Reader limits that a caller may change (see Reader).
const (
	// DefaultMaxTotalBytes is the default of Reader.MaxTotalBytes.
	DefaultMaxTotalBytes = 1 << 33
	// MaxWindow is the largest zstd window the reader accepts (the stock
	// zstd tool's default limit).
	MaxWindow = 1 << 27
)

// Errors a Reader's errors wrap, for errors.Is.
var (
	// ErrNotStream: the input is not a tensor stream at all (not zstd,
	// empty, or a wrong magic).
	ErrNotStream = errors.New("not a tensor stream")
	// ErrVersion: the stream has a version this package does not read.
	ErrVersion = errors.New("unsupported tensor stream version")
	// ErrTruncated: the stream ends before it should.
	ErrTruncated = errors.New("truncated")
	// ErrLimit: a record is beyond a limit of the format or the Reader.
	ErrLimit = errors.New("over a limit")
	// ErrCorrupt: the stream's bytes make no sense.
	ErrCorrupt = errors.New("corrupt tensor stream")
)

// kindError is an error message that wraps one of the Err* kinds without
// repeating its text.
type kindError struct {
	kind error
	msg  string
}

func (e *kindError) Error() string { return e.msg }
func (e *kindError) Unwrap() error { return e.kind }

func errf(kind error, format string, args ...any) error {
	return &kindError{kind, fmt.Sprintf(format, args...)}
}

// printable reports whether s is valid UTF-8 without control characters.
func printable(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			return false
		}
	}
	return true
}

func checkName(name string) error {
	switch {
	case name == "":
		return errors.New("tensor has an empty name")
	case len(name) > MaxNameLen:
		return fmt.Errorf("tensor name is %d bytes, over the limit of %d", len(name), MaxNameLen)
	case !printable(name):
		return fmt.Errorf("tensor name %q is not printable UTF-8", name)
	}
	return nil
}

func checkKey(k string) error {
	switch {
	case k == "":
		return errors.New("metadata key is empty")
	case len(k) > MaxKeyLen:
		return fmt.Errorf("metadata key is %d bytes, over the limit of %d", len(k), MaxKeyLen)
	case !printable(k) || strings.ContainsAny(k, "= "):
		return fmt.Errorf("metadata key %q is not printable UTF-8 without '=' and spaces", k)
	}
	return nil
}

func checkValue(k, v string) error {
	switch {
	case len(v) > MaxValueLen:
		return fmt.Errorf("metadata value of %q is %d bytes, over the limit of %d", k, len(v), MaxValueLen)
	case !printable(v):
		return fmt.Errorf("metadata value of %q is not printable UTF-8", k)
	}
	return nil
}

// sortedKeys returns the keys of m in increasing byte order.
func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	// Insertion sort: at most MaxMeta keys.
	for i := 1; i < len(keys); i++ {
		for j := i; j > 0 && keys[j] < keys[j-1]; j-- {
			keys[j], keys[j-1] = keys[j-1], keys[j]
		}
	}
	return keys
}

// headerSize returns hlen, the size of t's record header.
func headerSize(t *Tensor) int {
	n := 2 + len(t.Name) + 1 + 1 + 8*len(t.Shape) + 1
	for k, v := range t.Meta {
		n += 2 + len(k) + 2 + len(v)
	}
	return n
}

// appendRecordHeader appends t's record tag, hlen and header to b. t must be
// valid.
func appendRecordHeader(b []byte, t *Tensor) []byte {
	b = append(b, recordTag...)
	b = binary.LittleEndian.AppendUint32(b, uint32(headerSize(t)))
	b = binary.LittleEndian.AppendUint16(b, uint16(len(t.Name)))
	b = append(b, t.Name...)
	b = append(b, byte(t.DType), byte(len(t.Shape)))
	for _, d := range t.Shape {
		b = binary.LittleEndian.AppendUint64(b, uint64(d))
	}
	b = append(b, byte(len(t.Meta)))
	for _, k := range sortedKeys(t.Meta) {
		v := t.Meta[k]
		b = binary.LittleEndian.AppendUint16(b, uint16(len(k)))
		b = append(b, k...)
		b = binary.LittleEndian.AppendUint16(b, uint16(len(v)))
		b = append(b, v...)
	}
	return b
}

// header is a parsed record header.
type header struct {
	name  string
	dtype DType
	shape []int
	meta  map[string]string
}

// headerParser reads fields from a record header held in memory.
type headerParser struct {
	b   []byte
	err error
}

func (p *headerParser) take(n int, what string) []byte {
	if p.err != nil {
		return nil
	}
	if n > len(p.b) {
		p.err = errf(ErrCorrupt, "record header ends inside the %s", what)
		return nil
	}
	v := p.b[:n]
	p.b = p.b[n:]
	return v
}

func (p *headerParser) u8(what string) int {
	b := p.take(1, what)
	if b == nil {
		return 0
	}
	return int(b[0])
}

func (p *headerParser) u16(what string) int {
	b := p.take(2, what)
	if b == nil {
		return 0
	}
	return int(binary.LittleEndian.Uint16(b))
}

func (p *headerParser) u64(what string) uint64 {
	b := p.take(8, what)
	if b == nil {
		return 0
	}
	return binary.LittleEndian.Uint64(b)
}

func (p *headerParser) str(what string, max int) string {
	n := p.u16(what + " length")
	if p.err != nil {
		return ""
	}
	if n > max {
		p.err = errf(ErrLimit, "%s is %d bytes, over the limit of %d", what, n, max)
		return ""
	}
	return string(p.take(n, what))
}

// parseHeader parses a record header of hlen bytes (without tag and hlen).
// Each dimension must be at most maxElements; the element count is checked
// by the caller.
func parseHeader(b []byte, maxElements int) (*header, error) {
	p := &headerParser{b: b}
	h := &header{}
	h.name = p.str("name", MaxNameLen)
	if p.err != nil {
		return nil, p.err
	}
	if err := checkName(h.name); err != nil {
		return nil, errf(ErrCorrupt, "%v", err)
	}
	h.dtype = DType(p.u8("dtype"))
	rank := p.u8("rank")
	if p.err != nil {
		return h, p.err
	}
	if !h.dtype.Valid() {
		return h, errf(ErrCorrupt, "unknown dtype %d", uint8(h.dtype))
	}
	if rank > MaxRank {
		return h, errf(ErrLimit, "rank %d, over the limit of %d", rank, MaxRank)
	}
	h.shape = make([]int, rank)
	for i := range h.shape {
		d := p.u64("dimensions")
		if p.err != nil {
			return h, p.err
		}
		if d > uint64(maxElements) {
			return h, errf(ErrLimit, "dimension %d is %d, over the limit of %d elements", i, d, maxElements)
		}
		h.shape[i] = int(d)
	}
	nmeta := p.u8("metadata count")
	if p.err != nil {
		return h, p.err
	}
	if nmeta > MaxMeta {
		return h, errf(ErrLimit, "%d metadata entries, over the limit of %d", nmeta, MaxMeta)
	}
	if nmeta > 0 {
		h.meta = make(map[string]string, nmeta)
	}
	prev := ""
	for i := 0; i < nmeta; i++ {
		k := p.str("metadata key", MaxKeyLen)
		v := p.str("metadata value", MaxValueLen)
		if p.err != nil {
			return h, p.err
		}
		if err := checkKey(k); err != nil {
			return h, errf(ErrCorrupt, "%v", err)
		}
		if err := checkValue(k, v); err != nil {
			return h, errf(ErrCorrupt, "%v", err)
		}
		if i > 0 && k <= prev {
			return h, errf(ErrCorrupt, "metadata key %q is not after %q (keys must be sorted and unique)", k, prev)
		}
		prev = k
		h.meta[k] = v
	}
	if len(p.b) != 0 {
		return h, errf(ErrCorrupt, "record header has %d bytes after its last field", len(p.b))
	}
	return h, nil
}

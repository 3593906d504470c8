// This file is the stream reader: it decompresses with bounded memory and
// yields records one at a time, checking every size before allocating, so
// that a hostile or broken stream ends in an error that says what and where,
// never in a panic or a huge allocation.

package tensor

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"

	"github.com/klauspost/compress/zstd"
)

// Reader reads a tensor stream record by record. Set its limits before the
// first call to Next.
type Reader struct {
	// MaxElements is the largest element count of one tensor (and of any
	// one dimension) the Reader accepts. NewReader sets it to the format's
	// limit, the package constant MaxElements; a caller may lower it, and a
	// value ≤ 0 or above the format's limit means the format's limit.
	MaxElements int
	// MaxTotalBytes is the largest total of tensor data bytes the Reader
	// returns over the whole stream. NewReader sets it to
	// DefaultMaxTotalBytes.
	MaxTotalBytes int64

	src   io.Reader
	dec   *zstd.Decoder
	out   decompressed
	state int
	err   error // sticky

	index     int    // records returned so far (the next record's index)
	inStream  uint64 // records since the last stream header
	total     int64  // data bytes returned so far
	decoded   int64  // decompressed bytes read so far
	lastName  string // name of the last record returned
	scratch   []byte // header and conversion buffer
	countRead countingReader
}

// Reader states.
const (
	wantHeader = iota // at the start, or after an end marker
	inRecords         // after a stream header
)

// NewReader returns a Reader decompressing r. Nothing is read before the
// first call to Next, and every error, including input that is not a tensor
// stream, is returned by Next.
func NewReader(r io.Reader) *Reader {
	return &Reader{
		MaxElements:   MaxElements,
		MaxTotalBytes: DefaultMaxTotalBytes,
		src:           r,
	}
}

// Next returns the next tensor of the stream. After the last record of a
// well-formed stream (its end marker, then the end of the input) it returns
// io.EOF. Any other error (including a stream cut short, which wraps
// ErrTruncated) is returned again by every later call.
func (r *Reader) Next() (*Tensor, error) {
	if r.err != nil {
		return nil, r.err
	}
	t, err := r.next()
	if err != nil {
		r.err = err
		return nil, err
	}
	r.index++
	r.inStream++
	r.lastName = t.Name
	return t, nil
}

func (r *Reader) next() (*Tensor, error) {
	if r.dec == nil {
		r.countRead.r = r.src
		dec, err := zstd.NewReader(&r.countRead,
			zstd.WithDecoderConcurrency(1),
			zstd.WithDecoderMaxWindow(MaxWindow),
			zstd.WithDecoderMaxMemory(MaxWindow),
		)
		if err != nil {
			return nil, fmt.Errorf("tensor stream: start zstd decoder: %w", err)
		}
		r.dec = dec
		r.out = decompressed{dec, &r.countRead}
		r.scratch = make([]byte, 0, chunkBytes)
	}
	for {
		if r.state == wantHeader {
			if err := r.readStreamHeader(); err != nil {
				return nil, err
			}
			r.state = inRecords
			r.inStream = 0
		}
		tag := r.buf(4)
		n, err := r.readFull(tag)
		if err != nil {
			if n == 0 && errors.Is(err, io.EOF) {
				if r.inStream > 0 {
					return nil, fmt.Errorf("tensor stream: %w", errf(ErrTruncated,
						"truncated after record %d %q: no end marker (did the writer stop early?)", r.index-1, r.lastName))
				}
				return nil, fmt.Errorf("tensor stream: %w", errf(ErrTruncated,
					"truncated after the stream header: no end marker (did the writer stop early?)"))
			}
			if n == 0 {
				// The zstd data failed between records.
				return nil, r.between(zstdErr(err))
			}
			return nil, r.readErr(err, n, 4, "a record tag")
		}
		switch string(tag) {
		case recordTag:
			return r.readRecord()
		case endTag:
			cnt := r.buf(8)
			if n, err := r.readFull(cnt); err != nil {
				return nil, r.between(readFailure(err, n, 8, "the end marker"))
			}
			if c := binary.LittleEndian.Uint64(cnt); c != r.inStream {
				return nil, r.between(errf(ErrCorrupt, "end marker counts %d records but the stream has %d", c, r.inStream))
			}
			r.state = wantHeader
		default:
			return nil, r.errAt(ErrCorrupt, "bad record tag %q (want %q or %q)", tag, recordTag, endTag)
		}
	}
}

// readStreamHeader reads the magic and version at the start of the stream
// or after an end marker, where the end of the input is a clean end.
func (r *Reader) readStreamHeader() error {
	first := r.index == 0 && r.decoded == 0
	b := r.buf(streamHeaderSize)
	n, err := r.readFull(b)
	if err != nil {
		if n == 0 && errors.Is(err, io.EOF) {
			if first {
				if r.countRead.n == 0 {
					return errf(ErrNotStream, "not a tensor stream (empty input)")
				}
				return errf(ErrNotStream, "not a tensor stream (the zstd data decompresses to nothing)")
			}
			return io.EOF
		}
		if first && n == 0 {
			switch {
			case errors.Is(err, zstd.ErrMagicMismatch):
				return errf(ErrNotStream, "not a tensor stream (not zstd-compressed)")
			case zstdCut(err) && r.countRead.n < 4:
				return errf(ErrNotStream, "not a tensor stream (only %d bytes of input)", r.countRead.n)
			}
			return fmt.Errorf("tensor stream: %w", zstdErr(err))
		}
		if !first && n == 0 && errors.Is(err, zstd.ErrMagicMismatch) {
			return r.errAt(ErrCorrupt, "data after the end of the stream is not zstd-compressed")
		}
		return r.readErr(err, n, streamHeaderSize, "the stream header")
	}
	if string(b[:len(Magic)]) != Magic {
		if first {
			return errf(ErrNotStream, "not a tensor stream (zstd data, but it starts with %q, not %q)", b[:len(Magic)], Magic)
		}
		return r.errAt(ErrCorrupt, "data after an end marker starts with %q, not the stream magic %q", b[:len(Magic)], Magic)
	}
	if v := binary.LittleEndian.Uint32(b[len(Magic):]); v != Version {
		return errf(ErrVersion, "tensor stream version %d is not supported (this reader knows version %d)", v, Version)
	}
	return nil
}

// readRecord reads a record after its tag.
func (r *Reader) readRecord() (*Tensor, error) {
	hl := r.buf(4)
	if n, err := r.readFull(hl); err != nil {
		return nil, r.readErr(err, n, 4, "the record header length")
	}
	hlen := binary.LittleEndian.Uint32(hl)
	if hlen > MaxHeader {
		return nil, r.errAt(ErrLimit, "record header is %d bytes, over the limit of %d", hlen, MaxHeader)
	}
	hb := r.buf(int(hlen))
	if n, err := r.readFull(hb); err != nil {
		return nil, r.readErr(err, n, int(hlen), "the record header")
	}
	maxElems := r.MaxElements
	if maxElems <= 0 || maxElems > MaxElements {
		maxElems = MaxElements
	}
	h, err := parseHeader(hb, maxElems)
	if err != nil {
		name := ""
		if h != nil {
			name = h.name
		}
		return nil, r.wrapAt(name, err)
	}
	n, ok := elements(h.shape, maxElems)
	if !ok {
		return nil, r.wrapAt(h.name, errf(ErrLimit, "shape %s has more than the limit of %d elements", ShapeString(h.shape), maxElems))
	}
	size := int64(n) * int64(h.dtype.Size())
	maxTotal := r.MaxTotalBytes
	if maxTotal <= 0 {
		maxTotal = DefaultMaxTotalBytes
	}
	if size > maxTotal-r.total {
		return nil, r.wrapAt(h.name, errf(ErrLimit, "%d more data bytes would take the stream over its limit of %d bytes", size, maxTotal))
	}
	t := &Tensor{Name: h.name, Shape: h.shape, Meta: h.meta, DType: h.dtype}
	if err := r.readData(t, n); err != nil {
		return nil, r.wrapAt(h.name, err)
	}
	r.total += size
	return t, nil
}

// readData reads n elements of t's dtype. The slice grows (doubling from
// 1 MiB) as the data arrives, so a header that promises more than the stream
// holds costs no more memory than the stream does.
func (r *Reader) readData(t *Tensor, n int) error {
	var err error
	switch t.DType {
	case Uint8:
		t.U8, err = readElems(r, n, 1, func(dst []uint8, src []byte) { copy(dst, src) })
	case Int32:
		t.I32, err = readElems(r, n, 4, func(dst []int32, src []byte) {
			for i := range dst {
				dst[i] = int32(binary.LittleEndian.Uint32(src[4*i:]))
			}
		})
	case Float32:
		t.F32, err = readElems(r, n, 4, func(dst []float32, src []byte) {
			for i := range dst {
				dst[i] = math.Float32frombits(binary.LittleEndian.Uint32(src[4*i:]))
			}
		})
	}
	return err
}

// readElems reads n elements of size bytes each, decoding them with decode
// (which fills dst from len(dst)×size bytes of src). Bytes are read straight
// into the result when size is 1, else through r's scratch buffer.
func readElems[T uint8 | int32 | float32](r *Reader, n, size int, decode func(dst []T, src []byte)) ([]T, error) {
	out := make([]T, min(n, (1<<20)/size))
	got := 0     // elements decoded
	var nb int64 // bytes read
	want := int64(n) * int64(size)
	for got < n {
		if got == len(out) {
			bigger := make([]T, min(n, 2*len(out)))
			copy(bigger, out)
			out = bigger
		}
		var k int
		var err error
		if size == 1 {
			k, err = r.readFull(any(out[got:]).([]uint8))
			got += k
		} else {
			c := r.buf(min(len(out)-got, chunkBytes/size) * size)
			k, err = r.readFull(c)
			m := k / size
			decode(out[got:got+m], c[:m*size])
			got += m
		}
		nb += int64(k)
		if err != nil {
			if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
				return nil, errf(ErrTruncated, "truncated: the data has %d of %d bytes", nb, want)
			}
			return nil, zstdErr(err)
		}
	}
	return out, nil
}

// buf returns r.scratch resized to n bytes (n ≤ MaxHeader or chunkBytes).
func (r *Reader) buf(n int) []byte {
	if cap(r.scratch) < n {
		r.scratch = make([]byte, n)
	}
	return r.scratch[:n]
}

// readFull reads len(b) decompressed bytes, counting them.
func (r *Reader) readFull(b []byte) (int, error) {
	n, err := io.ReadFull(&r.out, b)
	r.decoded += int64(n)
	return n, err
}

// readErr turns a failed read of want bytes (got of them arrived) of what
// into an error about the record being read.
func (r *Reader) readErr(err error, got, want int, what string) error {
	return r.wrapAt("", readFailure(err, got, want, what))
}

// readFailure describes a failed read of want bytes (got of them arrived)
// of what.
func readFailure(err error, got, want int, what string) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return errf(ErrTruncated, "truncated inside %s (%d of %d bytes)", what, got, want)
	}
	return zstdErr(err)
}

// zstdCutError reports an input that ends inside a zstd frame.
type zstdCutError struct {
	size int64 // bytes of input
}

func (e *zstdCutError) Error() string {
	return fmt.Sprintf("truncated zstd data (the input ends inside a zstd frame, after %d bytes)", e.size)
}

func (e *zstdCutError) Unwrap() error { return ErrTruncated }

// zstdCut reports whether err is a zstdCutError.
func zstdCut(err error) bool {
	var c *zstdCutError
	return errors.As(err, &c)
}

// decompressed is the output of the zstd decoder. The decoder returns
// io.ErrUnexpectedEOF when its input ends inside a zstd frame, and
// io.ReadFull returns the same error when whole zstd frames end inside a
// record; decompressed tells the two apart by replacing the decoder's with
// an error that says where the input ended.
type decompressed struct {
	dec *zstd.Decoder
	in  *countingReader
}

func (d *decompressed) Read(p []byte) (int, error) {
	n, err := d.dec.Read(p)
	if errors.Is(err, io.ErrUnexpectedEOF) {
		if !d.in.eof {
			// The input goes on: a block ends before its contents do.
			return n, errf(ErrCorrupt, "corrupt zstd data: a block ends before its contents do")
		}
		return n, &zstdCutError{d.in.n}
	}
	return n, err
}

// zstdErr describes an error of the zstd decoder.
func zstdErr(err error) error {
	if errors.Is(err, zstd.ErrWindowSizeExceeded) || errors.Is(err, zstd.ErrDecoderSizeExceeded) {
		return errf(ErrLimit, "zstd data needs more than %d MiB of window: %v", MaxWindow>>20, err)
	}
	var ke *kindError
	if errors.As(err, &ke) || zstdCut(err) {
		return err
	}
	return errf(ErrCorrupt, "corrupt zstd data: %v", err)
}

// between adds to err, an error between two records (where a tag or an end
// marker is), the position: after the last record read.
func (r *Reader) between(err error) error {
	if r.index == 0 {
		return fmt.Errorf("tensor stream: %w", err)
	}
	return fmt.Errorf("tensor stream: after record %d %q: %w", r.index-1, r.lastName, err)
}

// errAt makes an error about the record being read.
func (r *Reader) errAt(kind error, format string, args ...any) error {
	return r.wrapAt("", errf(kind, format, args...))
}

// wrapAt adds the position in the stream to err: the record being read
// (with its name when its header has been read), or the last record read.
func (r *Reader) wrapAt(name string, err error) error {
	if r.state == wantHeader {
		if r.index == 0 {
			return fmt.Errorf("tensor stream: %w", err)
		}
		return fmt.Errorf("tensor stream: after record %d %q: %w", r.index-1, r.lastName, err)
	}
	where := fmt.Sprintf("record %d", r.index)
	if name != "" {
		where += fmt.Sprintf(" %q", name)
	} else if r.index > 0 && r.state == inRecords {
		where += fmt.Sprintf(" (after record %d %q)", r.index-1, r.lastName)
	}
	return fmt.Errorf("tensor stream: %s: %w", where, err)
}

// ReadAll reads every record of the stream in r.
func ReadAll(r io.Reader) ([]*Tensor, error) {
	tr := NewReader(r)
	var ts []*Tensor
	for {
		t, err := tr.Next()
		if err == io.EOF {
			return ts, nil
		}
		if err != nil {
			return ts, err
		}
		ts = append(ts, t)
	}
}

// countingReader counts the compressed bytes read, to tell an empty input
// from one that decompresses to nothing, and notes the end of the input.
type countingReader struct {
	r   io.Reader
	n   int64
	eof bool // r has returned io.EOF
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	if err == io.EOF {
		c.eof = true
	}
	return n, err
}

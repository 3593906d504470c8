// Tests of the reader against broken and hostile input: every error path
// must give an error of the right kind that names where it happened, never
// a panic, a hang or an allocation the input does not pay for.

package tensor

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"testing"

	"github.com/klauspost/compress/zstd"
)

// z compresses raw (decompressed stream bytes) with zstd.
func z(raw []byte) []byte {
	return testEncoder.EncodeAll(raw, nil)
}

var testDecoder, _ = zstd.NewReader(nil, zstd.WithDecoderConcurrency(1), zstd.WithDecoderMaxMemory(1<<24))

var testEncoder = func() *zstd.Encoder {
	enc, err := zstd.NewWriter(nil, zstd.WithEncoderConcurrency(1))
	if err != nil {
		panic(err)
	}
	return enc
}()

func rawStreamHeader(version uint32) []byte {
	return binary.LittleEndian.AppendUint32([]byte(Magic), version)
}

// rawHdr builds a record header (without tag and hlen).
func rawHdr(name string, dtype byte, dims []uint64, meta ...string) []byte {
	b := binary.LittleEndian.AppendUint16(nil, uint16(len(name)))
	b = append(b, name...)
	b = append(b, dtype, byte(len(dims)))
	for _, d := range dims {
		b = binary.LittleEndian.AppendUint64(b, d)
	}
	b = append(b, byte(len(meta)/2))
	for _, s := range meta {
		b = binary.LittleEndian.AppendUint16(b, uint16(len(s)))
		b = append(b, s...)
	}
	return b
}

// rawRecord builds a whole record: tag, hlen, header, data.
func rawRecord(hdr, data []byte) []byte {
	b := append([]byte(recordTag), 0, 0, 0, 0)
	binary.LittleEndian.PutUint32(b[4:], uint32(len(hdr)))
	return append(append(b, hdr...), data...)
}

func rawEnd(n uint64) []byte {
	return binary.LittleEndian.AppendUint64([]byte(endTag), n)
}

func cat(parts ...[]byte) []byte {
	var b []byte
	for _, p := range parts {
		b = append(b, p...)
	}
	return b
}

// readErr reads the whole stream and returns the error that ended it (nil
// for a clean end) and the number of records read before it.
func readErr(b []byte, limits ...int) (int, error) {
	r := NewReader(bytes.NewReader(b))
	if len(limits) > 0 {
		r.MaxElements = limits[0]
	}
	if len(limits) > 1 {
		r.MaxTotalBytes = int64(limits[1])
	}
	n := 0
	for {
		_, err := r.Next()
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			// Errors are sticky.
			if _, err2 := r.Next(); err2 != err {
				return n, errors.New("error not sticky: first " + err.Error() + ", then " + err2.Error())
			}
			return n, err
		}
		n++
	}
}

// hostileCase is an input to the reader and what it must make of it.
type hostileCase struct {
	name    string
	input   []byte // compressed input
	limits  []int  // MaxElements, MaxTotalBytes
	records int    // records read before the error
	kind    error  // nil: a clean end
	msg     string // a substring of the error
}

// hostileCases are the reader's error paths, one input each (also the seeds
// of FuzzReader).
func hostileCases() []hostileCase {
	hdr := rawStreamHeader(Version)
	ok := rawRecord(rawHdr("labels", 1, []uint64{3}, "classes", "10"), []byte{1, 2, 3})
	bigName := strings.Repeat("n", MaxNameLen+1)
	var sixtyFive []string
	for i := 0; i < 65; i++ {
		sixtyFive = append(sixtyFive, string(rune('A'+i)), "v")
	}
	oversized := binary.LittleEndian.AppendUint32([]byte(recordTag), 1<<31)
	var w bytes.Buffer
	if err := WriteAll(&w, NewUint8("labels", []int{3}, []uint8{1, 2, 3})); err != nil {
		panic(err)
	}
	written := w.Bytes() // one zstd frame, one block per record, a checksum
	return []hostileCase{
		{"valid", z(cat(hdr, ok, ok, rawEnd(2))), nil, 2, nil, ""},
		{"empty input", nil, nil, 0, ErrNotStream, "not a tensor stream (empty input)"},
		{"garbage", []byte("hello, this is not zstd at all"), nil, 0, ErrNotStream, "not a tensor stream (not zstd-compressed)"},
		{"short garbage", []byte{1, 2}, nil, 0, ErrNotStream, "not a tensor stream"},
		{"gzip", []byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3}, nil, 0, ErrNotStream, "not zstd-compressed"},
		{"zstd of nothing", z(nil), nil, 0, ErrNotStream, "decompresses to nothing"},
		{"zstd of text", z([]byte("just some text, not a stream")), nil, 0, ErrNotStream, `starts with "just som"`},
		{"version 2", z(cat(rawStreamHeader(2), ok, rawEnd(1))), nil, 0, ErrVersion, "tensor stream version 2 is not supported"},
		{"version 0", z(rawStreamHeader(0)), nil, 0, ErrVersion, "version 0"},
		{"cut in stream header", z(hdr[:5]), nil, 0, ErrTruncated, "truncated inside the stream header (5 of 12 bytes)"},
		{"no end marker", z(cat(hdr, ok)), nil, 1, ErrTruncated, `truncated after record 0 "labels": no end marker`},
		{"no records, no end", z(hdr), nil, 0, ErrTruncated, "truncated after the stream header"},
		{"cut in tag", z(cat(hdr, ok, []byte("TN"))), nil, 1, ErrTruncated, "record 1 (after record 0 \"labels\"): truncated inside a record tag (2 of 4 bytes)"},
		{"cut in header", z(cat(hdr, ok[:12])), nil, 0, ErrTruncated, "record 0: truncated inside the record header"},
		{"cut in data", z(cat(hdr, ok[:len(ok)-1])), nil, 0, ErrTruncated, `record 0 "labels": truncated: the data has 2 of 3 bytes`},
		{"cut in end marker", z(cat(hdr, ok, rawEnd(1)[:6])), nil, 1, ErrTruncated, `tensor stream: after record 0 "labels": truncated inside the end marker (2 of 8 bytes)`},
		{"bad tag", z(cat(hdr, []byte("XXXX"), ok)), nil, 0, ErrCorrupt, `record 0: bad record tag "XXXX"`},
		{"end count wrong", z(cat(hdr, ok, rawEnd(5))), nil, 1, ErrCorrupt, `tensor stream: after record 0 "labels": end marker counts 5 records but the stream has 1`},
		{"junk after end", z(cat(hdr, ok, rawEnd(1), []byte("JUNKJUNKJUNK"))), nil, 1, ErrCorrupt, "not the stream magic"},
		{"short junk after end", z(cat(hdr, ok, rawEnd(1), []byte("J"))), nil, 1, ErrTruncated, "stream header"},
		{"second stream bad version", z(cat(hdr, ok, rawEnd(1), rawStreamHeader(9))), nil, 1, ErrVersion, "version 9"},
		{"oversized header", z(cat(hdr, oversized)), nil, 0, ErrLimit, "record header is 2147483648 bytes, over the limit of 65536"},
		{"empty name", z(cat(hdr, rawRecord(rawHdr("", 1, nil), []byte{1}))), nil, 0, ErrCorrupt, "empty name"},
		{"long name", z(cat(hdr, rawRecord(rawHdr(bigName, 1, nil), []byte{1}))), nil, 0, ErrLimit, "name is 257 bytes"},
		{"control in name", z(cat(hdr, rawRecord(rawHdr("a\x1bb", 1, nil), []byte{1}))), nil, 0, ErrCorrupt, "not printable"},
		{"bad utf8 name", z(cat(hdr, rawRecord(rawHdr("a\xffb", 1, nil), []byte{1}))), nil, 0, ErrCorrupt, "not printable"},
		{"dtype 0", z(cat(hdr, rawRecord(rawHdr("x", 0, nil), []byte{1}))), nil, 0, ErrCorrupt, `record 0 "x": unknown dtype 0`},
		{"dtype 4", z(cat(hdr, rawRecord(rawHdr("x", 4, nil), []byte{1}))), nil, 0, ErrCorrupt, "unknown dtype 4"},
		{"rank 9", z(cat(hdr, rawRecord(rawHdr("x", 1, make([]uint64, 9)), nil))), nil, 0, ErrLimit, "rank 9, over the limit of 8"},
		{"huge dim", z(cat(hdr, rawRecord(rawHdr("x", 1, []uint64{1 << 63}), nil))), nil, 0, ErrLimit, "dimension 0 is 9223372036854775808"},
		{"overflowing dims", z(cat(hdr, rawRecord(rawHdr("x", 3, []uint64{1 << 20, 1 << 20, 1 << 20, 1 << 20}), nil))), nil, 0, ErrLimit, "more than the limit"},
		{"over MaxElements", z(cat(hdr, rawRecord(rawHdr("x", 1, []uint64{10, 11}), nil))), []int{100}, 0, ErrLimit, "shape 10x11 has more than the limit of 100 elements"},
		{"over format element limit", z(cat(hdr, rawRecord(rawHdr("x", 1, []uint64{1 << 14, 1 << 14, 2}), nil))), []int{1 << 30}, 0, ErrLimit, "shape 16384x16384x2 has more than the limit of 268435456 elements"},
		{"over MaxTotalBytes", z(cat(hdr, ok, ok, rawEnd(2))), []int{100, 5}, 1, ErrLimit, "over its limit of 5 bytes"},
		{"zero dim with huge other", z(cat(hdr, rawRecord(rawHdr("x", 1, []uint64{0, 1 << 62}), nil), rawEnd(1))), nil, 0, ErrLimit, "dimension 1"},
		{"65 meta", z(cat(hdr, rawRecord(rawHdr("x", 1, nil, sixtyFive...), []byte{1}))), nil, 0, ErrLimit, "65 metadata entries"},
		{"unsorted meta", z(cat(hdr, rawRecord(rawHdr("x", 1, nil, "b", "1", "a", "2"), []byte{1}))), nil, 0, ErrCorrupt, `metadata key "a" is not after "b"`},
		{"duplicate meta", z(cat(hdr, rawRecord(rawHdr("x", 1, nil, "a", "1", "a", "2"), []byte{1}))), nil, 0, ErrCorrupt, "sorted and unique"},
		{"empty key", z(cat(hdr, rawRecord(rawHdr("x", 1, nil, "", "1"), []byte{1}))), nil, 0, ErrCorrupt, "key is empty"},
		{"long value", z(cat(hdr, rawRecord(rawHdr("x", 1, nil, "k", strings.Repeat("v", MaxValueLen+1)), []byte{1}))), nil, 0, ErrLimit, "metadata value is 4097 bytes"},
		{"header longer than fields", z(cat(hdr, rawRecord(append(rawHdr("x", 1, nil), 0, 0), []byte{1}))), nil, 0, ErrCorrupt, "2 bytes after its last field"},
		{"header shorter than fields", z(cat(hdr, rawRecord(rawHdr("x", 1, []uint64{1})[:8], []byte{1}))), nil, 0, ErrCorrupt, "ends inside the dimensions"},
		{"valid then cut compressed", z(cat(hdr, ok, rawEnd(1)))[:20], nil, 0, ErrTruncated, "tensor stream: truncated zstd data (the input ends inside a zstd frame, after 20 bytes)"},
		{"cut in last frame checksum", written[:len(written)-1], nil, 1, ErrTruncated, `tensor stream: after record 0 "labels": truncated zstd data (the input ends inside a zstd frame, after ` + fmt.Sprint(len(written)-1) + " bytes)"},
		{"bad frame checksum", cat(written[:len(written)-1], []byte{^written[len(written)-1]}), nil, 1, ErrCorrupt, `tensor stream: after record 0 "labels": corrupt zstd data`},
		{"cut in second frame header", cat(written, written[:5]), nil, 1, ErrTruncated, `tensor stream: after record 0 "labels": truncated zstd data`},
		{"cut in second frame magic", cat(written, written[:2]), nil, 1, ErrTruncated, `tensor stream: after record 0 "labels": truncated zstd data`},
		{"cut zstd magic", []byte{0x28, 0xb5, 0x2f}, nil, 0, ErrNotStream, "not a tensor stream (only 3 bytes of input)"},
	}
}

func TestHostile(t *testing.T) {
	for _, c := range hostileCases() {
		t.Run(c.name, func(t *testing.T) {
			n, err := readErr(c.input, c.limits...)
			if n != c.records {
				t.Errorf("read %d records before the error, want %d", n, c.records)
			}
			if c.kind == nil {
				if err != nil {
					t.Fatalf("error %v, want a clean end", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("no error, want %v", c.kind)
			}
			t.Log(err)
			if !errors.Is(err, c.kind) {
				t.Errorf("error %q is not %v", err, c.kind)
			}
			if !strings.Contains(err.Error(), c.msg) {
				t.Errorf("error %q does not say %q", err, c.msg)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error %q has more than one line", err)
			}
		})
	}
}

// TestEveryCut cuts a valid stream at every byte, compressed and
// decompressed: every cut must be reported as what it is, never read as a
// clean end. A cut in the compressed bytes (after the first 4, which are
// not yet zstd) is a cut zstd frame, whatever record it falls in.
func TestEveryCut(t *testing.T) {
	full := encode(t, sample())
	for i := 0; i < len(full); i++ {
		_, err := readErr(full[:i])
		switch {
		case err == nil:
			t.Fatalf("compressed stream cut at %d of %d bytes read as a clean stream", i, len(full))
		case i < 4 && !errors.Is(err, ErrNotStream):
			t.Fatalf("compressed stream cut at %d of %d bytes: error %v, want not a stream", i, len(full), err)
		case i >= 4 && !(errors.Is(err, ErrTruncated) && strings.Contains(err.Error(), fmt.Sprintf("truncated zstd data (the input ends inside a zstd frame, after %d bytes)", i))):
			t.Fatalf("compressed stream cut at %d of %d bytes: error %v, want truncated zstd data", i, len(full), err)
		}
	}
	raw := decompress(t, full)
	for i := 1; i < len(raw); i++ {
		_, err := readErr(z(raw[:i]))
		if !errors.Is(err, ErrTruncated) {
			t.Fatalf("decompressed stream cut at %d of %d bytes: error %v, want truncated", i, len(raw), err)
		}
	}
}

// TestShortBlock checks that a zstd block whose size field says less than
// its contents need is corrupt data, not a cut stream: the input goes on.
func TestShortBlock(t *testing.T) {
	b := encode(t, exampleStream())
	// Our frames have a 6-byte header (magic, descriptor, window), then the
	// first block's 3-byte header: last flag, type, size.
	bh := uint32(b[6]) | uint32(b[7])<<8 | uint32(b[8])<<16
	if typ, size := bh>>1&3, bh>>3; typ != 2 || size <= 8 {
		t.Fatalf("first block has type %d and size %d, want a compressed block of over 8 bytes", typ, size)
	}
	bh -= 8 << 3
	b[6], b[7], b[8] = byte(bh), byte(bh>>8), byte(bh>>16)
	_, err := readErr(b)
	if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "corrupt zstd data") {
		t.Fatalf("error %v, want corrupt zstd data", err)
	}
	t.Log(err)
}

// TestLyingHeader checks that a header promising a gigabyte of data that
// is not there costs no more than a little memory.
func TestLyingHeader(t *testing.T) {
	in := z(cat(rawStreamHeader(Version), rawRecord(rawHdr("x", 3, []uint64{1 << 28}), []byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10})))
	var m0, m1 runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m0)
	_, err := readErr(in)
	runtime.ReadMemStats(&m1)
	if !errors.Is(err, ErrTruncated) || !strings.Contains(err.Error(), "the data has 10 of 1073741824 bytes") {
		t.Fatalf("error %v, want truncated with 10 of 1073741824 bytes", err)
	}
	if a := m1.TotalAlloc - m0.TotalAlloc; a > 16<<20 {
		t.Fatalf("reading a 1 GiB lie allocated %d MiB", a>>20)
	}
}

// TestHugeWindow checks that a zstd frame asking for a window over the
// reader's limit is refused (a hand-made frame: 1 GiB window, one raw block).
func TestHugeWindow(t *testing.T) {
	payload := rawStreamHeader(Version)
	frame := []byte{0x28, 0xb5, 0x2f, 0xfd, 0x00, 20 << 3}
	bh := uint32(1) | uint32(len(payload))<<3 // last block, raw
	frame = append(frame, byte(bh), byte(bh>>8), byte(bh>>16))
	frame = append(frame, payload...)
	_, err := readErr(frame)
	if !errors.Is(err, ErrLimit) {
		t.Fatalf("error %v, want the window refused", err)
	}
	t.Log(err)
	// The same frame with a small window is read (as a stream cut short).
	frame[5] = 0
	if _, err := readErr(frame); !errors.Is(err, ErrTruncated) {
		t.Fatalf("small-window frame: %v, want truncated", err)
	}
}

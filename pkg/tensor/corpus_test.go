// The corpus of streams in the repository's testdata/streams, shared by
// every reader of docs/stream.md: valid/ holds streams a reader must read,
// invalid/ streams it must refuse, and MANIFEST says, for each file, how
// reading it ends (ok, or the class of the error) and after how many
// records. The files and the manifest are made here, by real code:
//
//	go test ./pkg/tensor -run TestCorpus -update
//
// Without -update, TestCorpus checks that the committed files are what this
// code makes, then reads each committed file with the Go reader and checks
// it against the manifest; TestPythonCorpus does the same with the Python
// reader printed in docs/stream.md. The golden tests of tensor-info use the
// corpus too.

package tensor

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/klauspost/compress/zstd"
)

// update rewrites the committed files this package's tests check instead of
// checking them: the corpus (TestCorpus), the fuzz seeds (TestFuzzCorpus) and
// the worked example of docs/stream.md (TestDocExample).
var update = flag.Bool("update", false, "rewrite the committed files the tests check: testdata/streams, testdata/fuzz/FuzzReader, the example in docs/stream.md")

const (
	corpusDir    = "../../testdata/streams"
	manifestName = "MANIFEST"
)

// exampleStream is the stream of the worked example in docs/stream.md: two
// float32 images in [-1,1] and their labels.
func exampleStream() []*Tensor {
	im := NewFloat32(NameImages, []int{2, 1, 1, 2}, []float32{-1, 0.5, 1, 0}).SetMeta(MetaRange, "-1,1")
	lb := NewUint8(NameLabels, []int{2}, []uint8{7, 2}).SetMeta(MetaClasses, "10")
	return []*Tensor{im, lb}
}

// smallStream is a small stream of every dtype: 4 uint8 digits of 4×4 with
// labels, a float32 batch, int32 values and an empty tensor.
func smallStream() []*Tensor {
	im := NewUint8(NameImages, []int{4, 1, 4, 4}, nil).SetMeta(MetaRange, "0,255")
	for i := range im.U8 {
		im.U8[i] = uint8((i * 37) % 256)
	}
	lb := NewUint8(NameLabels, []int{4}, []uint8{5, 0, 4, 1}).SetMeta(MetaClasses, "10")
	z := NewFloat32("z", []int{2, 3}, []float32{-1.5, 0, 0.25, 2, -0.125, 1}).SetMeta("seed", "42")
	ids := NewInt32("ids", []int{3}, []int32{-7, 7, 1 << 30})
	return []*Tensor{im, lb, z, ids, NewFloat32("empty", []int{0, 3}, nil)}
}

// batchesStream holds 6 images and their labels in three batches of each,
// interleaved, as a generator writes them a batch at a time.
func batchesStream() []*Tensor {
	var ts []*Tensor
	k := 0
	for _, n := range []int{2, 3, 1} {
		im := NewUint8(NameImages, []int{n, 1, 2, 2}, nil)
		lb := NewUint8(NameLabels, []int{n}, nil).SetMeta(MetaClasses, "10")
		for i := range n {
			for j := range 4 {
				im.U8[4*i+j] = uint8(40*k + j)
			}
			lb.U8[i] = uint8(k)
			k++
		}
		ts = append(ts, im, lb)
	}
	return ts
}

// limitsStream holds records at the format's limits, none beyond.
func limitsStream() []*Tensor {
	name := NewUint8(strings.Repeat("n", MaxNameLen), []int{1, 1, 1, 1, 1, 1, 1, 2}, []uint8{1, 2})
	meta := NewUint8("meta", nil, []uint8{3})
	for i := range MaxMeta {
		meta.SetMeta(fmt.Sprintf("k%02d", i), strconv.Itoa(i))
	}
	long := NewInt32("long", []int{0}, nil).SetMeta(strings.Repeat("k", MaxKeyLen), strings.Repeat("v", MaxValueLen))
	// A header of exactly MaxHeader bytes: 6 bytes of fixed fields, then 16
	// entries of 2+2+2+vlen bytes.
	full := NewFloat32("h", nil, []float32{4})
	for i := range 15 {
		full.SetMeta(fmt.Sprintf("%02d", i), strings.Repeat("v", MaxValueLen))
	}
	full.SetMeta("zz", strings.Repeat("v", MaxHeader-6-15*(6+MaxValueLen)-6))
	dim := NewFloat32("dim", []int{0, MaxElements}, nil)
	return []*Tensor{name, meta, long, full, dim}
}

// unicodeStream has names and metadata that are valid but not plain ASCII
// words.
func unicodeStream() []*Tensor {
	return []*Tensor{
		NewUint8("ünïcödé", []int{1}, []uint8{1}).SetMeta("ключ", "значение"),
		NewUint8("日本語 names/with spaces", []int{1}, []uint8{2}).SetMeta("note", "= signs, commas, spaces"),
		NewUint8("a/b", []int{1}, []uint8{3}).SetMeta("empty", ""),
		NewUint8("\U0001F600", []int{1}, []uint8{4}).SetMeta("a", "tab-free\u00a0nbsp"),
	}
}

// corpusCase is one file of the corpus.
type corpusCase struct {
	path    string    // under testdata/streams
	outcome string    // "ok", or the class of the error (see errorClass)
	records int       // records read before the end or the error
	upTo    bool      // records is only the most a reader may read
	what    string    // what the file is, for the manifest
	data    []byte    // the file
	want    []*Tensor // for valid files, the records
}

// errorClass names the kind of a reader error, as in the manifest.
func errorClass(err error) string {
	switch {
	case err == nil:
		return "ok"
	case errors.Is(err, ErrNotStream):
		return "not-stream"
	case errors.Is(err, ErrVersion):
		return "version"
	case errors.Is(err, ErrTruncated):
		return "truncated"
	case errors.Is(err, ErrLimit):
		return "limit"
	case errors.Is(err, ErrCorrupt):
		return "corrupt"
	}
	return "unknown error"
}

// encodeWith compresses raw (decompressed stream bytes) as one zstd frame
// with the given encoder options.
func encodeWith(t testing.TB, raw []byte, opts ...zstd.EOption) []byte {
	enc, err := zstd.NewWriter(nil, append([]zstd.EOption{zstd.WithEncoderConcurrency(1)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return enc.EncodeAll(raw, nil)
}

// skippableFrame is a zstd skippable frame holding payload.
func skippableFrame(payload string) []byte {
	b := binary.LittleEndian.AppendUint32(nil, 0x184D2A50)
	b = binary.LittleEndian.AppendUint32(b, uint32(len(payload)))
	return append(b, payload...)
}

// corpusCases returns the corpus, valid files first.
func corpusCases(t testing.TB) []corpusCase {
	hdr := rawStreamHeader(Version)
	ok := rawRecord(rawHdr("labels", 1, []uint64{3}, "classes", "10"), []byte{1, 2, 3})
	rec := func(name string, dtype byte, dims []uint64, data []byte, meta ...string) []byte {
		return rawRecord(rawHdr(name, dtype, dims, meta...), data)
	}
	// bad wraps one bad record after a good one.
	bad := func(record []byte) []byte { return z(cat(hdr, ok, record, rawEnd(2))) }

	example, small, sampleS := encode(t, exampleStream()), encode(t, smallStream()), encode(t, sample())
	smallRaw, sampleRaw := decompress(t, small), decompress(t, sampleS)
	var frames []byte // sampleRaw in frames of 7 bytes, cut anywhere
	for p := sampleRaw; len(p) > 0; p = p[min(7, len(p)):] {
		frames = append(frames, z(p[:min(7, len(p))])...)
	}
	// A frame asking for a 1 GiB window: one raw block holding a header.
	window := []byte{0x28, 0xb5, 0x2f, 0xfd, 0x00, 20 << 3}
	bh := uint32(1) | uint32(len(hdr))<<3 // last block, raw
	window = append(window, byte(bh), byte(bh>>8), byte(bh>>16))
	window = append(window, hdr...)
	// The example with its first block 8 bytes shorter than its contents.
	shortBlock := bytes.Clone(example)
	bh = (uint32(shortBlock[6]) | uint32(shortBlock[7])<<8 | uint32(shortBlock[8])<<16) - 8<<3
	shortBlock[6], shortBlock[7], shortBlock[8] = byte(bh), byte(bh>>8), byte(bh>>16)
	badCRC := bytes.Clone(example)
	badCRC[len(badCRC)-1] ^= 0xff
	versioned := func(v uint32) []byte { return z(cat(rawStreamHeader(v), smallRaw[len(hdr):])) }
	var sixtyFive []string
	for i := range MaxMeta + 1 {
		sixtyFive = append(sixtyFive, fmt.Sprintf("k%02d", i), "v")
	}

	cs := []corpusCase{
		{"valid/example.tzst", "ok", 2, false, "the worked example of docs/stream.md: float32 images, uint8 labels", example, exampleStream()},
		{"valid/small.tzst", "ok", 5, false, "every dtype, metadata, an empty 0x3 tensor", small, smallStream()},
		{"valid/extremes.tzst", "ok", 8, false, "int32 extremes, NaN and +Inf, a scalar, empty tensors, UTF-8 metadata", sampleS, sample()},
		{"valid/no-records.tzst", "ok", 0, false, "a stream of no records: header and end marker", encode(t, nil), nil},
		{"valid/batches.tzst", "ok", 6, false, "6 images and their labels in three batches of each, interleaved", encode(t, batchesStream()), batchesStream()},
		{"valid/at-limits.tzst", "ok", 5, false, "a 256-byte name and rank 8; 64 metadata entries; a 256-byte key with a 4096-byte value; a 65536-byte header; a dimension of 2^28 beside a 0", encode(t, limitsStream()), limitsStream()},
		{"valid/unicode.tzst", "ok", 4, false, "names and metadata in UTF-8, with spaces, '/', '=' and an empty value", encode(t, unicodeStream()), unicodeStream()},
		{"valid/concatenated.tzst", "ok", 7, false, "three streams joined with cat (the middle one has no records)", cat(small, encode(t, nil), example), append(smallStream(), exampleStream()...)},
		{"valid/two-streams-one-frame.tzst", "ok", 7, false, "two streams, one after the other inside one zstd frame", z(cat(smallRaw, decompress(t, example))), append(smallStream(), exampleStream()...)},
		{"valid/many-frames.tzst", "ok", 8, false, "one stream in zstd frames of 7 decompressed bytes each, cut anywhere", frames, sample()},
		{"valid/skippable-frames.tzst", "ok", 2, false, "zstd skippable frames before and after the example's frame", cat(skippableFrame("made by a test"), example, skippableFrame("")), exampleStream()},
		{"valid/one-shot.tzst", "ok", 5, false, "compressed in one call: the frame states its size, no checksum", encodeWith(t, smallRaw, zstd.WithEncoderCRC(false)), smallStream()},
		{"valid/best-compression.tzst", "ok", 8, false, "compressed at the encoder's best level", encodeWith(t, sampleRaw, zstd.WithEncoderLevel(zstd.SpeedBestCompression)), sample()},

		{"invalid/empty-input.bin", "not-stream", 0, false, "no bytes at all", []byte{}, nil},
		{"invalid/text.bin", "not-stream", 0, false, "a PGM image, not zstd", []byte("P5\n4 4\n255\n this is a PGM image, not a tensor stream\n"), nil},
		{"invalid/gzip.bin", "not-stream", 0, false, "gzip, not zstd", []byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0}, nil},
		{"invalid/three-bytes.bin", "not-stream", 0, false, "3 bytes: the start of a zstd magic number", []byte{0x28, 0xb5, 0x2f}, nil},
		{"invalid/zstd-of-nothing.tzst", "not-stream", 0, false, "a zstd frame of no bytes", z(nil), nil},
		{"invalid/zstd-of-text.tzst", "not-stream", 0, false, "zstd, but of text, not TNSRSTRM", z([]byte("just some text, not a stream")), nil},

		{"invalid/version-2.tzst", "version", 0, false, "the small stream marked version 2", versioned(2), nil},
		{"invalid/version-0.tzst", "version", 0, false, "the small stream marked version 0", versioned(0), nil},
		{"invalid/second-stream-version-9.tzst", "version", 1, false, "a stream, then a second one of version 9", z(cat(hdr, ok, rawEnd(1), rawStreamHeader(9))), nil},

		{"invalid/cut-in-stream-header.tzst", "truncated", 0, false, "5 of the 12 bytes of the stream header", z(hdr[:5]), nil},
		{"invalid/no-records-no-end.tzst", "truncated", 0, false, "a stream header and nothing else", z(hdr), nil},
		{"invalid/no-end.tzst", "truncated", 5, false, "the small stream without its end marker", z(smallRaw[:len(smallRaw)-len(rawEnd(0))]), nil},
		{"invalid/cut-in-tag.tzst", "truncated", 1, false, "a record, then 2 bytes of a tag", z(cat(hdr, ok, []byte("TN"))), nil},
		{"invalid/cut-in-header-length.tzst", "truncated", 0, false, "a record tag and 2 bytes of its header length", z(cat(hdr, ok[:6])), nil},
		{"invalid/cut-in-header.tzst", "truncated", 0, false, "a record cut inside its header", z(cat(hdr, ok[:12])), nil},
		{"invalid/cut-in-data.tzst", "truncated", 0, false, "a record cut inside its data", z(cat(hdr, ok[:len(ok)-1])), nil},
		{"invalid/cut-in-end-marker.tzst", "truncated", 1, false, "a record, then 6 of the 12 bytes of the end marker", z(cat(hdr, ok, rawEnd(1)[:6])), nil},
		{"invalid/lying-header.tzst", "truncated", 0, false, "a header promising 2^28 float32 (1 GiB), 100 bytes of data", z(cat(hdr, rec(NameImages, byte(Float32), []uint64{1 << 20, 1, 16, 16}, make([]byte, 100)))), nil},
		{"invalid/cut-last-byte.tzst", "truncated", 2, false, "the example without its last byte (in the frame checksum)", example[:len(example)-1], nil},
		{"invalid/cut-40-bytes.tzst", "truncated", 4, false, "the small stream without its last 40 bytes", small[:len(small)-40], nil},
		{"invalid/cut-early.tzst", "truncated", 0, false, "the first 20 bytes of a zstd frame", example[:20], nil},
		{"invalid/cut-in-second-frame-magic.tzst", "truncated", 2, false, "the example, then 2 bytes of a second zstd frame", cat(example, example[:2]), nil},
		{"invalid/cut-in-second-frame-header.tzst", "truncated", 2, false, "the example, then 5 bytes of a second zstd frame", cat(example, example[:5]), nil},
		{"invalid/short-junk-after-end.tzst", "truncated", 1, false, "a stream, then 1 byte inside the zstd frame", z(cat(hdr, ok, rawEnd(1), []byte("J"))), nil},

		{"invalid/header-length-65537.tzst", "limit", 0, false, "a header length of 65537", z(cat(hdr, binary.LittleEndian.AppendUint32([]byte(recordTag), MaxHeader+1), make([]byte, MaxHeader+1), rawEnd(1))), nil},
		{"invalid/header-length-2g.tzst", "limit", 0, false, "a header length of 2^31, 64 bytes given", z(cat(hdr, binary.LittleEndian.AppendUint32([]byte(recordTag), 1<<31), make([]byte, 64))), nil},
		{"invalid/name-257.tzst", "limit", 1, false, "a name of 257 bytes", bad(rec(strings.Repeat("n", MaxNameLen+1), 1, nil, []byte{1})), nil},
		{"invalid/key-257.tzst", "limit", 1, false, "a metadata key of 257 bytes", bad(rec("x", 1, nil, []byte{1}, strings.Repeat("k", MaxKeyLen+1), "v")), nil},
		{"invalid/value-4097.tzst", "limit", 1, false, "a metadata value of 4097 bytes", bad(rec("x", 1, nil, []byte{1}, "k", strings.Repeat("v", MaxValueLen+1))), nil},
		{"invalid/meta-65.tzst", "limit", 1, false, "65 metadata entries", bad(rec("x", 1, nil, []byte{1}, sixtyFive...)), nil},
		{"invalid/rank-9.tzst", "limit", 1, false, "rank 9", bad(rec("x", 1, make([]uint64, 9), nil)), nil},
		{"invalid/dim-2-63.tzst", "limit", 1, false, "a dimension of 2^63", bad(rec("x", 1, []uint64{1 << 63}, nil)), nil},
		{"invalid/dim-over-limit.tzst", "limit", 1, false, "a dimension of 2^28+1 beside a 0 (no elements, but a dimension over the limit)", bad(rec("x", 1, []uint64{0, MaxElements + 1}, nil)), nil},
		{"invalid/elements-over-limit.tzst", "limit", 1, false, "16384x16384x2: 2^29 elements, each dimension within the limit", bad(rec("x", 1, []uint64{1 << 14, 1 << 14, 2}, nil)), nil},
		{"invalid/elements-overflow.tzst", "limit", 1, false, "2^20x2^20x2^20x2^20: a product that overflows 64 bits", bad(rec("x", 3, []uint64{1 << 20, 1 << 20, 1 << 20, 1 << 20}, nil)), nil},
		{"invalid/window-1g.tzst", "limit", 0, false, "a zstd frame asking for a 1 GiB window", window, nil},

		{"invalid/bad-tag.tzst", "corrupt", 0, false, "a record tag XXXX", z(cat(hdr, []byte("XXXX"), ok, rawEnd(1))), nil},
		{"invalid/end-count-wrong.tzst", "corrupt", 1, false, "an end marker counting 5 records after 1", z(cat(hdr, ok, rawEnd(5))), nil},
		{"invalid/junk-after-end.tzst", "corrupt", 1, false, "a stream, then JUNKJUNKJUNK inside the zstd frame", z(cat(hdr, ok, rawEnd(1), []byte("JUNKJUNKJUNK"))), nil},
		{"invalid/not-zstd-after-end.tzst", "corrupt", 2, false, "the example, then 12 bytes that are not zstd", cat(example, []byte("JUNKJUNKJUNK")), nil},
		{"invalid/empty-name.tzst", "corrupt", 1, false, "an empty name", bad(rec("", 1, nil, []byte{1})), nil},
		{"invalid/escape-in-name.tzst", "corrupt", 1, false, "a name holding ESC (0x1b)", bad(rec("a\x1bb", 1, nil, []byte{1})), nil},
		{"invalid/delete-in-name.tzst", "corrupt", 1, false, "a name holding DEL (0x7f)", bad(rec("a\x7fb", 1, nil, []byte{1})), nil},
		{"invalid/c1-control-in-key.tzst", "corrupt", 1, false, "a key holding U+0085, a C1 control character", bad(rec("x", 1, nil, []byte{1}, "a\u0085b", "v")), nil},
		{"invalid/newline-in-value.tzst", "corrupt", 1, false, "a value holding a newline", bad(rec("x", 1, nil, []byte{1}, "k", "a\nb")), nil},
		{"invalid/bad-utf8-name.tzst", "corrupt", 1, false, "a name holding the byte 0xff", bad(rec("a\xffb", 1, nil, []byte{1})), nil},
		{"invalid/surrogate-in-name.tzst", "corrupt", 1, false, "a name holding an encoded UTF-16 surrogate (ED A0 80)", bad(rec("a\xed\xa0\x80b", 1, nil, []byte{1})), nil},
		{"invalid/bad-utf8-value.tzst", "corrupt", 1, false, "a value holding an overlong encoding (C0 AF)", bad(rec("x", 1, nil, []byte{1}, "k", "a\xc0\xafb")), nil},
		{"invalid/empty-key.tzst", "corrupt", 1, false, "an empty metadata key", bad(rec("x", 1, nil, []byte{1}, "", "v")), nil},
		{"invalid/key-with-equals.tzst", "corrupt", 1, false, "a key holding '='", bad(rec("x", 1, nil, []byte{1}, "a=b", "v")), nil},
		{"invalid/key-with-space.tzst", "corrupt", 1, false, "a key holding a space", bad(rec("x", 1, nil, []byte{1}, "a b", "v")), nil},
		{"invalid/unsorted-keys.tzst", "corrupt", 1, false, "keys b then a", bad(rec("x", 1, nil, []byte{1}, "b", "1", "a", "2")), nil},
		{"invalid/duplicate-key.tzst", "corrupt", 1, false, "key a twice", bad(rec("x", 1, nil, []byte{1}, "a", "1", "a", "2")), nil},
		{"invalid/dtype-0.tzst", "corrupt", 1, false, "dtype 0", bad(rec("x", 0, nil, []byte{1})), nil},
		{"invalid/dtype-4.tzst", "corrupt", 1, false, "dtype 4", bad(rec("x", 4, nil, []byte{1})), nil},
		{"invalid/header-too-long.tzst", "corrupt", 1, false, "a header length 2 bytes over its fields", bad(rawRecord(append(rawHdr("x", 1, nil), 0, 0), []byte{1})), nil},
		{"invalid/header-too-short.tzst", "corrupt", 1, false, "a header length that ends inside the dimensions", bad(rawRecord(rawHdr("x", 1, []uint64{1})[:8], []byte{1})), nil},
		{"invalid/short-zstd-block.tzst", "corrupt", 0, false, "the example with its first zstd block 8 bytes shorter than its contents", shortBlock, nil},
		{"invalid/bad-checksum.tzst", "corrupt", 2, true, "the example with a wrong zstd frame checksum", badCRC, nil},
	}
	return cs
}

// corpusManifest is the text of MANIFEST for cs.
func corpusManifest(cs []corpusCase) string {
	var b strings.Builder
	b.WriteString(`# The corpus of tensor streams (docs/stream.md): how a reader with the default limits ends
# reading each file (ok, or the class of its error) and how many records it yields before
# ("<=N": at most N, as a reader may check a zstd frame's checksum after or before handing out
# the records the frame holds).
# Error classes: not-stream, version, truncated, limit, corrupt (ErrNotStream, ErrVersion,
# ErrTruncated, ErrLimit, ErrCorrupt in pkg/tensor). Made, with the files, by
# go test ./pkg/tensor -run TestCorpus -update
#
# file                                     outcome     records  what it is
`)
	for _, c := range cs {
		n := strconv.Itoa(c.records)
		if c.upTo {
			n = "<=" + n
		}
		fmt.Fprintf(&b, "%-40s %-11s %7s  %s\n", c.path, c.outcome, n, c.what)
	}
	return b.String()
}

// manifestEntry is a line of MANIFEST.
type manifestEntry struct {
	path, outcome string
	records       int
	upTo          bool // records is the most, not the exact count
}

// allows reports whether reading the file may end with outcome after n
// records.
func (e manifestEntry) allows(outcome string, n int) bool {
	return outcome == e.outcome && (n == e.records || e.upTo && n < e.records)
}

func readManifest(t *testing.T) []manifestEntry {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(corpusDir, manifestName))
	if err != nil {
		t.Fatal(err)
	}
	var es []manifestEntry
	for i, line := range strings.Split(string(b), "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		if len(f) < 3 {
			t.Fatalf("%s line %d: want: file outcome records what", manifestName, i+1)
		}
		upTo := strings.HasPrefix(f[2], "<=")
		n, err := strconv.Atoi(strings.TrimPrefix(f[2], "<="))
		if err != nil {
			t.Fatalf("%s line %d: records %q is not a number", manifestName, i+1, f[2])
		}
		es = append(es, manifestEntry{f[0], f[1], n, upTo})
	}
	return es
}

func TestCorpus(t *testing.T) {
	cs := corpusCases(t)
	files := map[string][]byte{manifestName: []byte(corpusManifest(cs))}
	for _, c := range cs {
		files[c.path] = c.data
	}
	if *update {
		for _, sub := range []string{"valid", "invalid"} {
			old, _ := filepath.Glob(filepath.Join(corpusDir, sub, "*"))
			for _, p := range old {
				if err := os.Remove(p); err != nil {
					t.Fatal(err)
				}
			}
			if err := os.MkdirAll(filepath.Join(corpusDir, sub), 0o755); err != nil {
				t.Fatal(err)
			}
		}
		for name, b := range files {
			if err := os.WriteFile(filepath.Join(corpusDir, name), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	const rerun = "(run: go test ./pkg/tensor -run TestCorpus -update)"
	for name, want := range files {
		got, err := os.ReadFile(filepath.Join(corpusDir, name))
		if err != nil {
			t.Errorf("%v %s", err, rerun)
		} else if !bytes.Equal(got, want) {
			t.Errorf("%s differs from what the code makes %s", name, rerun)
		}
	}
	for _, sub := range []string{"valid", "invalid"} {
		there, _ := filepath.Glob(filepath.Join(corpusDir, sub, "*"))
		for _, p := range there {
			if name := sub + "/" + filepath.Base(p); files[name] == nil {
				t.Errorf("%s is not in the corpus the code makes %s", name, rerun)
			}
		}
	}

	if h := headerSize(limitsStream()[3]); h != MaxHeader {
		t.Errorf("valid/at-limits.tzst: the full header is %d bytes, not %d", h, MaxHeader)
	}

	// Each outcome in its folder, and each at least once.
	outcomes := map[string]int{}
	for _, c := range cs {
		outcomes[c.outcome]++
		valid := strings.HasPrefix(c.path, "valid/")
		if valid != (c.outcome == "ok") || !valid && !strings.HasPrefix(c.path, "invalid/") {
			t.Errorf("%s (%s) is in the wrong folder", c.path, c.outcome)
		}
	}
	for _, k := range []string{"ok", "not-stream", "version", "truncated", "limit", "corrupt"} {
		if outcomes[k] == 0 {
			t.Errorf("no file of outcome %s", k)
		}
	}

	// The Go reader on the committed files.
	for _, c := range cs {
		b, err := os.ReadFile(filepath.Join(corpusDir, c.path))
		if err != nil {
			continue // reported above
		}
		ts, err := ReadAll(bytes.NewReader(b))
		e := manifestEntry{c.path, c.outcome, c.records, c.upTo}
		if class := errorClass(err); !e.allows(class, len(ts)) {
			t.Errorf("%s: %s after %d records (%v), want %s after %d", c.path, class, len(ts), err, c.outcome, c.records)
		}
		if err != nil && strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: error of more than one line: %q", c.path, err)
		}
		if c.outcome == "ok" && len(ts) == len(c.want) {
			for i := range ts {
				if !same(ts[i], c.want[i]) {
					t.Errorf("%s: record %d differs from the one written", c.path, i)
				}
			}
		}
		if c.outcome != "ok" && c.want != nil {
			t.Errorf("%s: an invalid file with records to compare", c.path)
		}
	}
}

// reading is how a reader reads a file: the class of the error that ends
// it ("ok" for none) and the records before, each as recordLine gives it.
type reading struct {
	outcome string
	records []string
}

// goReading is how the Go reader reads the corpus file at path.
func goReading(t *testing.T, path string) reading {
	b, err := os.ReadFile(filepath.Join(corpusDir, path))
	if err != nil {
		t.Fatal(err)
	}
	r := NewReader(bytes.NewReader(b))
	var got reading
	for {
		x, err := r.Next()
		if err != nil {
			if err == io.EOF {
				err = nil
			}
			got.outcome = errorClass(err)
			return got
		}
		got.records = append(got.records, recordLine(x))
	}
}

// recordLine describes x in one line, as the Python check prints it: its
// name (hex of the UTF-8 bytes), dtype, shape, metadata (hex of the "k=v"
// entries joined by newlines, "-" for none) and the SHA-256 of its
// little-endian data.
func recordLine(x *Tensor) string {
	var meta []string
	for _, k := range sortedKeys(x.Meta) {
		meta = append(meta, k+"="+x.Meta[k])
	}
	m := "-"
	if len(meta) > 0 {
		m = hex.EncodeToString([]byte(strings.Join(meta, "\n")))
	}
	h := sha256.New()
	var b [4]byte
	switch x.DType {
	case Uint8:
		h.Write(x.U8)
	case Int32:
		for _, v := range x.I32 {
			binary.LittleEndian.PutUint32(b[:], uint32(v))
			h.Write(b[:])
		}
	case Float32:
		for _, v := range x.F32 {
			binary.LittleEndian.PutUint32(b[:], math.Float32bits(v))
			h.Write(b[:])
		}
	}
	return fmt.Sprintf("%s %d %s %s %x", hex.EncodeToString([]byte(x.Name)), x.DType, ShapeString(x.Shape), m, h.Sum(nil))
}

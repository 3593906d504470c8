// Tests of the IDX reader and writer: the real fixtures and every error path.

package mnist

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

const fixtureDir = "../../testdata/mnist"

// fixture returns the content of a fixture file.
func fixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(fixtureDir, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// fixtureSums returns the sums of the fixtures.
func fixtureSums(t *testing.T) Sums {
	t.Helper()
	f, err := os.Open(filepath.Join(fixtureDir, "SHA256SUMS"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	s, err := ParseSums(f, "SHA256SUMS")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestDecodeFixtures(t *testing.T) {
	for _, c := range []struct {
		split string
		first []uint8
	}{
		{Train, []uint8{5, 0, 4, 1, 9, 2, 1, 3, 1, 4}},
		{Test, []uint8{7, 2, 1, 0, 4, 1, 4, 9, 5, 9}},
	} {
		images, labels, _ := Files(c.split)
		img, lab := fixture(t, images), fixture(t, labels)
		if err := fixtureSums(t).Verify(images, img); err != nil {
			t.Fatal(err)
		}
		d, err := Decode(bytes.NewReader(img), bytes.NewReader(lab), 0)
		if err != nil {
			t.Fatalf("%s: %v", c.split, err)
		}
		if d.N != 100 || len(d.Images) != 100*Pixels || len(d.Labels) != 100 {
			t.Fatalf("%s: N=%d, %d pixels, %d labels", c.split, d.N, len(d.Images), len(d.Labels))
		}
		if !bytes.Equal(d.Labels[:10], c.first) {
			t.Errorf("%s: first labels %v, want %v", c.split, d.Labels[:10], c.first)
		}
		// A real digit: mostly background, some ink.
		var ink, zero int
		for _, p := range d.Images[:Pixels] {
			switch {
			case p == 0:
				zero++
			case p >= 128:
				ink++
			}
		}
		if zero < 400 || ink < 50 {
			t.Errorf("%s: first image has %d zero and %d inked pixels; not a digit?", c.split, zero, ink)
		}

		d10, err := Decode(bytes.NewReader(img), bytes.NewReader(lab), 10)
		if err != nil {
			t.Fatal(err)
		}
		if d10.N != 10 || !bytes.Equal(d10.Images, d.Images[:10*Pixels]) || !bytes.Equal(d10.Labels, d.Labels[:10]) {
			t.Errorf("%s: the first 10 differ from the start of all 100", c.split)
		}
		if _, err := Decode(bytes.NewReader(img), bytes.NewReader(lab), 101); err == nil ||
			!strings.Contains(err.Error(), "asked for 101 images, but the files hold only 100") {
			t.Errorf("n=101: err = %v", err)
		}
		if _, err := Decode(bytes.NewReader(img), bytes.NewReader(lab), -1); err == nil {
			t.Error("n=-1: no error")
		}
	}
}

func TestWriteIDXRoundTrip(t *testing.T) {
	d, err := Decode(bytes.NewReader(fixture(t, "t10k-images-idx3-ubyte.gz")), bytes.NewReader(fixture(t, "t10k-labels-idx1-ubyte.gz")), 0)
	if err != nil {
		t.Fatal(err)
	}
	var img, lab bytes.Buffer
	if err := d.WriteIDX(&img, &lab); err != nil {
		t.Fatal(err)
	}
	// make.go wrote the fixtures this way: the bytes must come out the same.
	if !bytes.Equal(img.Bytes(), fixture(t, "t10k-images-idx3-ubyte.gz")) || !bytes.Equal(lab.Bytes(), fixture(t, "t10k-labels-idx1-ubyte.gz")) {
		t.Error("WriteIDX output differs from the fixture it was decoded from")
	}
}

// gz compresses b.
func gz(b []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(b)
	zw.Close()
	return buf.Bytes()
}

// idx builds an uncompressed IDX file: header words then data.
func idx(data []byte, words ...uint32) []byte {
	var b []byte
	for _, w := range words {
		b = binary.BigEndian.AppendUint32(b, w)
	}
	return append(b, data...)
}

func TestDecodeErrors(t *testing.T) {
	img3 := idx(make([]byte, 3*Pixels), imagesMagic, 3, 28, 28)
	lab3 := idx([]byte{1, 2, 3}, labelsMagic, 3)
	corruptCRC := gz(lab3)
	corruptCRC[len(corruptCRC)-8] ^= 0xff
	cases := []struct {
		name           string
		images, labels []byte
		want           string
	}{
		{"ok", gz(img3), gz(lab3), ""},
		{"not gzip", img3, gz(lab3), "images file: not gzip data"},
		{"empty", nil, gz(lab3), "images file: empty"},
		{"cut gzip header", gz(img3)[:5], gz(lab3), "images file: truncated gzip header"},
		{"bad magic", gz(idx(nil, labelsMagic, 3)), gz(lab3), "images file: bad magic 0x00000801, want 0x00000803"},
		{"bad label magic", gz(img3), gz(img3), "labels file: bad magic 0x00000803, want 0x00000801"},
		{"int32 images", gz(idx(nil, 0x00000c03, 3, 28, 28)), gz(lab3), "bad magic 0x00000c03"},
		{"too wide", gz(idx(make([]byte, 3*32*32), imagesMagic, 3, 32, MaxSide+1)), gz(lab3), "images file: items are 32×1025; want each size 1 to 1024"},
		{"no rows", gz(idx(nil, imagesMagic, 3, 0, 28)), gz(lab3), "images file: items are 0×28; want each size 1 to 1024"},
		{"over the pixel limit", gz(idx(nil, imagesMagic, 300, 1024, 1024)), gz(idx(make([]byte, 300), labelsMagic, 300)), "300 images of 1024×1024 are 314572800 pixels, more than the limit 268435456"},
		{"short header", gz(idx(nil, imagesMagic, 3)[:6]), gz(lab3), "images file: truncated in the header"},
		{"count mismatch", gz(img3), gz(idx([]byte{1, 2}, labelsMagic, 2)), "count mismatch: images file holds 3 images, labels file 2 labels"},
		{"truncated data", gz(img3[:len(img3)-Pixels]), gz(lab3), "images file: truncated: header declares 3 items, data ends after 2"},
		{"truncated gzip", gz(img3)[:len(gz(img3))/2], gz(lab3), "images file: truncated"},
		{"no gzip trailer", gz(img3)[:len(gz(img3))-8], gz(lab3), "images file: truncated at the end"},
		{"trailing data", gz(append(img3, 0)), gz(lab3), "images file: data continues after the 3 items"},
		{"bad CRC", gz(img3), corruptCRC, "labels file: corrupt data at the end"},
		{"not a digit", gz(img3), gz(idx([]byte{1, 10, 3}, labelsMagic, 3)), "labels file: label 10 at index 1 is not a class 0..9 (10 classes)"},
		{"too many", gz(idx(nil, imagesMagic, MaxImages+1, 28, 28)), gz(lab3), "images file: header declares 1048577 items, more than the limit 1048576"},
	}
	for _, c := range cases {
		d, err := Decode(bytes.NewReader(c.images), bytes.NewReader(c.labels), 0)
		if c.want == "" {
			if err != nil || d.N != 3 || d.Rows != 28 || d.Cols != 28 || d.Classes != 10 || !bytes.Equal(d.Labels, []byte{1, 2, 3}) {
				t.Errorf("%s: d=%+v err=%v", c.name, d, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want it to contain %q", c.name, err, c.want)
		}
		if err != nil && strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: multi-line error %q", c.name, err)
		}
	}
}

// Sets in MNIST's layout with images of another size and more classes: the
// size comes from the header, the class count from the caller.
func TestDecodeSet(t *testing.T) {
	pix := make([]byte, 2*32*24)
	for i := range pix {
		pix[i] = byte(i * 7)
	}
	images := gz(idx(pix, imagesMagic, 2, 32, 24))
	labels := gz(idx([]byte{25, 3}, labelsMagic, 2))
	d, err := DecodeSet(bytes.NewReader(images), bytes.NewReader(labels), 0, 26)
	if err != nil {
		t.Fatal(err)
	}
	if d.N != 2 || d.Rows != 32 || d.Cols != 24 || d.Classes != 26 || !bytes.Equal(d.Images, pix) || !bytes.Equal(d.Labels, []byte{25, 3}) {
		t.Errorf("got N=%d %d×%d, %d classes, labels %v", d.N, d.Rows, d.Cols, d.Classes, d.Labels)
	}
	s := d.Set()
	if s.Height != 32 || s.Width != 24 || s.Channels != 1 || s.Classes != 26 || len(s.Pixels) != len(pix) {
		t.Errorf("Set: %d×%d×%d, %d classes", s.Channels, s.Height, s.Width, s.Classes)
	}
	var img, lab bytes.Buffer
	if err := d.WriteIDX(&img, &lab); err != nil {
		t.Fatal(err)
	}
	back, err := DecodeSet(&img, &lab, 0, 26)
	if err != nil || back.Rows != 32 || back.Cols != 24 || !bytes.Equal(back.Images, pix) {
		t.Errorf("WriteIDX round trip: %v", err)
	}
	// The same labels as MNIST's: 25 is not a digit.
	if _, err := Decode(bytes.NewReader(images), bytes.NewReader(labels), 0); err == nil || !strings.Contains(err.Error(), "label 25 at index 0 is not a class 0..9") {
		t.Errorf("Decode: err = %v", err)
	}
	for _, k := range []int{0, 1, 257} {
		if _, err := DecodeSet(bytes.NewReader(images), bytes.NewReader(labels), 0, k); err == nil || !strings.Contains(err.Error(), "want 2 to 256") {
			t.Errorf("%d classes: err = %v", k, err)
		}
	}
}

// A header that claims the most pixels allowed but carries no data costs
// little memory: buffers grow with the data, not with the claim.
func TestDecodeLyingHeaderAllocatesLittle(t *testing.T) {
	const count = MaxValues / Pixels // 342392
	images := gz(idx(make([]byte, Pixels), imagesMagic, count, 28, 28))
	labels := gz(idx([]byte{1}, labelsMagic, count))
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := Decode(bytes.NewReader(images), bytes.NewReader(labels), 0)
	runtime.ReadMemStats(&after)
	if err == nil || !strings.Contains(err.Error(), "truncated: header declares 342392 items, data ends after 1") {
		t.Fatalf("err = %v", err)
	}
	if got := after.TotalAlloc - before.TotalAlloc; got > 16<<20 {
		t.Errorf("allocated %d MB for a lying header", got>>20)
	}
}

func TestParseSums(t *testing.T) {
	s, err := ParseSums(strings.NewReader("# comment\n\n"+
		"440FCABF73CC546FA21475E81EA370265605F56BE210A4024D2CA8F203523609  train-images-idx3-ubyte.gz\n"+
		"3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c *train-labels-idx1-ubyte.gz\n"), "x")
	if err != nil {
		t.Fatal(err)
	}
	if s["train-images-idx3-ubyte.gz"] != pinned["train-images-idx3-ubyte.gz"] || s["train-labels-idx1-ubyte.gz"] != pinned["train-labels-idx1-ubyte.gz"] || len(s) != 2 {
		t.Errorf("parsed %v", s)
	}
	for _, bad := range []string{"", "abc  x\n", pinned["train-images-idx3-ubyte.gz"] + "\n", "zz" + pinned["train-images-idx3-ubyte.gz"][2:] + "  x\n"} {
		if _, err := ParseSums(strings.NewReader(bad), "sums.txt"); err == nil || !strings.HasPrefix(err.Error(), "sums.txt") {
			t.Errorf("ParseSums(%q): err = %v", bad, err)
		}
	}
	if err := PinnedSums().Verify("other.gz", nil); err == nil {
		t.Error("a file without a sum was accepted")
	}
	if err := PinnedSums().Verify("train-labels-idx1-ubyte.gz", []byte("x")); err == nil || !strings.Contains(err.Error(), "SHA-256 mismatch") {
		t.Errorf("err = %v", err)
	}
}

// Tests of streaming behaviour: records reach the reader as they are
// written, output bytes are deterministic, stock zstd decodes them, and
// concatenated streams read as one.

package tensor

import (
	"bytes"
	"errors"
	"io"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/klauspost/compress/zstd"
)

// TestStreaming checks that a reader gets record 1 before the writer has
// written record 2: the writer waits for the reader before going on.
func TestStreaming(t *testing.T) {
	pr, pw := io.Pipe()
	got1 := make(chan struct{})
	werr := make(chan error, 1)
	go func() {
		w := NewWriter(pw)
		if err := w.Write(NewUint8("first", []int{3}, []uint8{1, 2, 3})); err != nil {
			werr <- err
			return
		}
		select {
		case <-got1:
		case <-time.After(10 * time.Second):
			werr <- errors.New("the reader did not get record 1 while the writer waited")
			pw.Close()
			return
		}
		if err := w.Write(NewFloat32("second", []int{2}, []float32{4, 5})); err != nil {
			werr <- err
			return
		}
		werr <- w.Close()
		pw.Close()
	}()
	r := NewReader(pr)
	a, err := r.Next()
	if err != nil {
		t.Fatalf("record 1: %v", err)
	}
	if a.Name != "first" {
		t.Fatalf("record 1 is %q", a.Name)
	}
	close(got1)
	b, err := r.Next()
	if err != nil {
		t.Fatalf("record 2: %v (writer: %v)", err, <-werr)
	}
	if b.Name != "second" || b.F32[1] != 5 {
		t.Fatalf("record 2 = %+v", b)
	}
	if _, err := r.Next(); err != io.EOF {
		t.Fatalf("after record 2: %v, want io.EOF", err)
	}
	if err := <-werr; err != nil {
		t.Fatalf("writer: %v", err)
	}
}

func TestDeterministic(t *testing.T) {
	a := encode(t, sample())
	b := encode(t, sample())
	if !bytes.Equal(a, b) {
		t.Fatal("two encodings of the same tensors differ")
	}
	// Bigger data, spanning several zstd blocks.
	big := func() []*Tensor {
		x := NewFloat32("x", []int{300, 1000}, nil)
		for i := range x.F32 {
			x.F32[i] = float32(i%977) / 977
		}
		return []*Tensor{x, NewUint8("y", []int{300000}, bytes.Repeat([]byte{1, 2, 3}, 100000))}
	}
	if !bytes.Equal(encode(t, big()), encode(t, big())) {
		t.Fatal("two encodings of the same big tensors differ")
	}
}

// decompress returns the decompressed bytes of a stream.
func decompress(t testing.TB, b []byte) []byte {
	t.Helper()
	d, err := zstd.NewReader(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	raw, err := d.DecodeAll(b, nil)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// TestStockZstd checks that the zstd command-line tool decodes our streams
// to the same bytes as our decoder (skipped when zstd is not installed).
func TestStockZstd(t *testing.T) {
	path, err := exec.LookPath("zstd")
	if err != nil {
		t.Skip("zstd is not installed (apt-get install zstd)")
	}
	b := encode(t, sample())
	cmd := exec.Command(path, "-dc")
	cmd.Stdin = bytes.NewReader(b)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("zstd -dc: %v", err)
	}
	if !bytes.Equal(out, decompress(t, b)) {
		t.Fatal("zstd -dc decodes the stream differently from our decoder")
	}
	if !bytes.HasPrefix(out, []byte(Magic+"\x01\x00\x00\x00")) {
		t.Fatalf("decompressed stream starts with %q", out[:12])
	}
	// And our reader reads what stock zstd compresses.
	cmd = exec.Command(path, "-q", "-19", "-c")
	cmd.Stdin = bytes.NewReader(out)
	re, err := cmd.Output()
	if err != nil {
		t.Fatalf("zstd -19 -c: %v", err)
	}
	ts, err := ReadAll(bytes.NewReader(re))
	if err != nil || len(ts) != len(sample()) {
		t.Fatalf("reading a stream recompressed by zstd: %d tensors, %v", len(ts), err)
	}
}

// TestConcatenated checks that two streams written one after the other
// read as one stream holding the records of both, as `cat a b` gives.
func TestConcatenated(t *testing.T) {
	a := encode(t, sample()[:2])
	b := encode(t, sample()[2:5])
	e := encode(t, nil)
	ts, err := ReadAll(bytes.NewReader(append(append(append([]byte{}, a...), e...), b...)))
	if err != nil {
		t.Fatal(err)
	}
	if len(ts) != 5 {
		t.Fatalf("read %d tensors, want 5", len(ts))
	}
	for i, x := range sample()[:5] {
		if !same(ts[i], x) {
			t.Errorf("tensor %d differs", i)
		}
	}
}

func TestWriterRefuses(t *testing.T) {
	long := string(bytes.Repeat([]byte{'a'}, MaxNameLen+1))
	cases := []struct {
		name string
		t    *Tensor
	}{
		{"empty name", NewUint8("", []int{1}, nil)},
		{"long name", NewUint8(long, []int{1}, nil)},
		{"control char in name", NewUint8("a\nb", []int{1}, nil)},
		{"bad dtype", &Tensor{Name: "x", DType: 9}},
		{"short data", NewUint8("x", []int{2, 2}, []uint8{1, 2, 3})},
		{"long data", NewFloat32("x", []int{1}, []float32{1, 2})},
		{"wrong field", &Tensor{Name: "x", Shape: []int{1}, DType: Int32, F32: []float32{1}}},
		{"two fields", &Tensor{Name: "x", Shape: []int{1}, DType: Int32, I32: []int32{1}, U8: []uint8{1}}},
		{"negative dim", NewUint8("x", []int{-1, 2}, nil)},
		{"rank 9", NewUint8("x", []int{1, 1, 1, 1, 1, 1, 1, 1, 1}, nil)},
		{"overflow", NewUint8("x", []int{1 << 40, 1 << 40}, nil)},
		{"empty key", NewUint8("x", []int{1}, nil).SetMeta("", "v")},
		{"key with =", NewUint8("x", []int{1}, nil).SetMeta("a=b", "v")},
		{"long value", NewUint8("x", []int{1}, nil).SetMeta("k", string(make([]byte, MaxValueLen+1)))},
		{"control in value", NewUint8("x", []int{1}, nil).SetMeta("k", "a\x00b")},
	}
	many := NewUint8("x", []int{1}, nil)
	for i := 0; i <= MaxMeta; i++ {
		many.SetMeta(string(rune('A'+i)), "v")
	}
	cases = append(cases, struct {
		name string
		t    *Tensor
	}{"too much meta", many})
	big := NewUint8("x", []int{1}, nil)
	for i := 0; i < 40; i++ {
		big.SetMeta(string(rune('A'+i)), string(bytes.Repeat([]byte{'v'}, 2000)))
	}
	cases = append(cases, struct {
		name string
		t    *Tensor
	}{"header over 64 KiB", big})

	for _, c := range cases {
		var b bytes.Buffer
		w := NewWriter(&b)
		if err := w.Write(c.t); err == nil {
			t.Errorf("%s: Write accepted it", c.name)
		} else {
			t.Logf("%s: %v", c.name, err)
		}
		// A refused tensor leaves the stream usable.
		if err := w.Write(NewUint8("ok", []int{1}, nil)); err != nil {
			t.Errorf("%s: Write after a refusal: %v", c.name, err)
		}
		if err := w.Close(); err != nil {
			t.Errorf("%s: Close: %v", c.name, err)
		}
		ts, err := ReadAll(&b)
		if err != nil || len(ts) != 1 {
			t.Errorf("%s: stream after a refusal: %d tensors, %v", c.name, len(ts), err)
		}
	}
}

// TestElementLimit checks that a tensor over the format's element limit is
// refused for its size, whatever its data.
func TestElementLimit(t *testing.T) {
	for _, shape := range [][]int{{1 << 14, 1 << 14, 2}, {0, 1<<28 + 1}} {
		x := &Tensor{Name: "x", Shape: shape, DType: Uint8}
		err := x.Validate()
		if err == nil || !strings.Contains(err.Error(), "limit of 268435456 elements") {
			t.Fatalf("shape %v: Validate: %v, want over the limit of 268435456 elements", shape, err)
		}
		if err := NewWriter(io.Discard).Write(x); err == nil {
			t.Fatalf("shape %v: Write accepted it", shape)
		}
	}
}

func TestWriterAfterClose(t *testing.T) {
	w := NewWriter(io.Discard)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if err := w.Write(NewUint8("x", []int{1}, nil)); err == nil {
		t.Fatal("Write after Close succeeded")
	}
}

type failWriter struct{ n int }

func (f *failWriter) Write(p []byte) (int, error) {
	if f.n <= 0 {
		return 0, errors.New("disk full")
	}
	f.n--
	return len(p), nil
}

func TestWriterError(t *testing.T) {
	w := NewWriter(&failWriter{n: 0})
	err := w.Write(NewUint8("x", []int{1}, nil))
	if err == nil {
		t.Fatal("Write to a failing writer succeeded")
	}
	if err2 := w.Close(); err2 == nil {
		t.Fatal("Close after a failed Write succeeded")
	}
	t.Log(err)
}

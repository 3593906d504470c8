// Tests that keep docs/stream.md true: its worked example (an annotated
// dump made here by a second, independent walk over the bytes) and its
// Python reader (run against streams this package writes, when python3 with
// numpy and zstandard is installed). Rewrite the example with
//
//	go test ./pkg/tensor -run TestDocExample -update-doc

package tensor

import (
	"bytes"
	"encoding/binary"
	"flag"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

var updateDoc = flag.Bool("update-doc", false, "rewrite the worked example in docs/stream.md")

const docPath = "../../docs/stream.md"

// annotate walks a decompressed stream by the spec alone and returns an
// annotated hex dump of it.
func annotate(raw []byte) (string, error) {
	var b strings.Builder
	off := 0
	field := func(n int, format string, args ...any) ([]byte, error) {
		if off+n > len(raw) {
			return nil, fmt.Errorf("stream ends at %d inside %q", len(raw), fmt.Sprintf(format, args...))
		}
		v := raw[off : off+n]
		what := fmt.Sprintf(format, args...)
		for i := 0; i < n || i == 0; i += 16 {
			chunk := v[i:min(i+16, n)]
			hex := fmt.Sprintf("% x", chunk)
			if i == 0 {
				fmt.Fprintf(&b, "%04x  %-47s  %s\n", off+i, hex, what)
			} else {
				fmt.Fprintf(&b, "%04x  %s\n", off+i, hex)
			}
		}
		off += n
		return v, nil
	}
	u16 := func(what string) (int, error) {
		v, err := field(2, "")
		if err != nil {
			return 0, err
		}
		n := int(binary.LittleEndian.Uint16(v))
		fixLast(&b, fmt.Sprintf("%s %d", what, n))
		return n, nil
	}
	if _, err := field(8, "magic %q", raw[:min(8, len(raw))]); err != nil {
		return "", err
	}
	v, err := field(4, "")
	if err != nil {
		return "", err
	}
	fixLast(&b, fmt.Sprintf("version %d (u32)", binary.LittleEndian.Uint32(v)))
	for rec := 0; off < len(raw); rec++ {
		tag, err := field(4, "")
		if err != nil {
			return "", err
		}
		if string(tag) == endTag {
			fixLast(&b, fmt.Sprintf("end marker %q", tag))
			c, err := field(8, "")
			if err != nil {
				return "", err
			}
			fixLast(&b, fmt.Sprintf("  record count %d (u64)", binary.LittleEndian.Uint64(c)))
			break
		}
		fixLast(&b, fmt.Sprintf("record %d: tag %q", rec, tag))
		h, err := field(4, "")
		if err != nil {
			return "", err
		}
		fixLast(&b, fmt.Sprintf("  header length %d (u32)", binary.LittleEndian.Uint32(h)))
		n, err := u16("  name length")
		if err != nil {
			return "", err
		}
		name, err := field(n, "  name %q", raw[off:off+n])
		if err != nil {
			return "", err
		}
		_ = name
		dt, err := field(1, "  dtype %d (%s)", raw[off], DType(raw[off]))
		if err != nil {
			return "", err
		}
		rk, err := field(1, "  rank %d", raw[off])
		if err != nil {
			return "", err
		}
		count := 1
		for i := 0; i < int(rk[0]); i++ {
			d, err := field(8, "")
			if err != nil {
				return "", err
			}
			dim := binary.LittleEndian.Uint64(d)
			count *= int(dim)
			fixLast(&b, fmt.Sprintf("  dim %d = %d (u64)", i, dim))
		}
		nm, err := field(1, "  metadata count %d", raw[off])
		if err != nil {
			return "", err
		}
		for i := 0; i < int(nm[0]); i++ {
			kl, err := u16("  key length")
			if err != nil {
				return "", err
			}
			if _, err := field(kl, "  key %q", raw[off:off+kl]); err != nil {
				return "", err
			}
			vl, err := u16("  value length")
			if err != nil {
				return "", err
			}
			if _, err := field(vl, "  value %q", raw[off:off+vl]); err != nil {
				return "", err
			}
		}
		size := DType(dt[0]).Size()
		if off+count*size > len(raw) {
			return "", fmt.Errorf("data of record %d cut", rec)
		}
		var vals []string
		for i := 0; i < count; i++ {
			p := raw[off+i*size:]
			switch DType(dt[0]) {
			case Uint8:
				vals = append(vals, fmt.Sprint(p[0]))
			case Int32:
				vals = append(vals, fmt.Sprint(int32(binary.LittleEndian.Uint32(p))))
			case Float32:
				vals = append(vals, fmt.Sprint(math.Float32frombits(binary.LittleEndian.Uint32(p))))
			}
		}
		if _, err := field(count*size, "  data: %d × %s = %s", count, DType(dt[0]), strings.Join(vals, ", ")); err != nil {
			return "", err
		}
	}
	if off != len(raw) {
		return "", fmt.Errorf("%d bytes after the end marker", len(raw)-off)
	}
	return b.String(), nil
}

// fixLast puts what as the description of the last line of b (for fields
// whose description depends on their own value).
func fixLast(b *strings.Builder, what string) {
	s := b.String()
	i := strings.LastIndexByte(s[:len(s)-1], '\n') + 1
	line := strings.TrimRight(s[i:len(s)-1], " ")
	b.Reset()
	b.WriteString(s[:i])
	fmt.Fprintf(b, "%-53s  %s\n", line, what)
}

// docExample is the text between the example markers of docs/stream.md.
func docExample(t *testing.T) string {
	compressed := encode(t, exampleStream())
	dump, err := annotate(decompress(t, compressed))
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("```\n%s```\n\nCompressed, this stream is %d bytes (`testdata/streams/example.tzst`):\n\n```\n%s```\n",
		dump, len(compressed), hexLines(compressed))
}

func hexLines(b []byte) string {
	var s strings.Builder
	for i := 0; i < len(b); i += 16 {
		fmt.Fprintf(&s, "%04x  % x\n", i, b[i:min(i+16, len(b))])
	}
	return s.String()
}

const (
	beginExample = "<!-- BEGIN generated example: go test ./pkg/tensor -run TestDocExample -update-doc -->\n"
	endExample   = "<!-- END generated example -->\n"
)

func TestDocExample(t *testing.T) {
	doc, err := os.ReadFile(docPath)
	if err != nil {
		t.Fatal(err)
	}
	s := string(doc)
	i, j := strings.Index(s, beginExample), strings.Index(s, endExample)
	if i < 0 || j < i {
		t.Fatalf("%s has no example markers", docPath)
	}
	want := docExample(t)
	if got := s[i+len(beginExample) : j]; got != want {
		if *updateDoc {
			s = s[:i+len(beginExample)] + want + s[j:]
			if err := os.WriteFile(docPath, []byte(s), 0o644); err != nil {
				t.Fatal(err)
			}
			return
		}
		t.Errorf("the worked example in %s is out of date (run: go test ./pkg/tensor -run TestDocExample -update-doc); it should be:\n%s", docPath, want)
	}
}

// TestPythonSnippet runs the Python reader of docs/stream.md on streams
// written here and checks it reads the same arrays as WriteNPY writes.
func TestPythonSnippet(t *testing.T) {
	// The first python3 on PATH, or Debian's, that has numpy and zstandard.
	py := ""
	for _, c := range []string{"python3", "/usr/bin/python3"} {
		p, err := exec.LookPath(c)
		if err != nil {
			continue
		}
		if exec.Command(p, "-c", "import numpy, zstandard").Run() == nil {
			py = p
			break
		}
	}
	if py == "" {
		t.Skip("no python3 with numpy and zstandard (apt-get install python3-numpy python3-zstandard)")
	}
	doc, err := os.ReadFile(docPath)
	if err != nil {
		t.Fatal(err)
	}
	s := string(doc)
	i := strings.Index(s, "```python\n")
	if i < 0 {
		t.Fatal("no ```python block in " + docPath)
	}
	code := s[i+len("```python\n"):]
	code = code[:strings.Index(code, "```")]

	dir := t.TempDir()
	ts := append(smallStream(), exampleStream()...)
	// Two streams concatenated, and bigger data spanning many zstd blocks.
	big := NewFloat32("big", []int{300, 1000}, nil)
	for k := range big.F32 {
		big.F32[k] = float32(k%1001) / 7
	}
	ts = append(ts, big)
	stream := append(encode(t, ts[:5]), encode(t, ts[5:])...)
	if err := os.WriteFile(filepath.Join(dir, "s.tzst"), stream, 0o644); err != nil {
		t.Fatal(err)
	}
	var expect strings.Builder
	for k, x := range ts {
		var b bytes.Buffer
		if err := WriteNPY(&b, x); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("%d.npy", k)), b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&expect, "%s %s\n", x.Name, sortedMeta(x.Meta))
	}
	check := code + `
import glob, os, sys
d = sys.argv[1]
with open(os.path.join(d, "s.tzst"), "rb") as f:
    for k, (name, a, meta) in enumerate(read_stream(f)):
        want = np.load(os.path.join(d, "%d.npy" % k))
        assert a.dtype == want.dtype, (name, a.dtype, want.dtype)
        assert a.shape == want.shape, (name, a.shape, want.shape)
        assert np.array_equal(a, want, equal_nan=True), name
        print(name, sorted(meta.items()))
`
	if err := os.WriteFile(filepath.Join(dir, "check.py"), []byte(check), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(py, filepath.Join(dir, "check.py"), dir).CombinedOutput()
	if err != nil {
		t.Fatalf("python: %v\n%s", err, out)
	}
	if string(out) != expect.String() {
		t.Fatalf("python read:\n%s\nwant:\n%s", out, expect.String())
	}
	// And it reports a cut stream.
	if err := os.WriteFile(filepath.Join(dir, "s.tzst"), stream[:len(stream)-30], 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(py, filepath.Join(dir, "check.py"), dir).CombinedOutput(); err == nil {
		t.Fatalf("python read a cut stream without error:\n%s", out)
	}
}

// sortedMeta formats meta as Python prints sorted(meta.items()).
func sortedMeta(m map[string]string) string {
	var parts []string
	for _, k := range sortedKeys(m) {
		parts = append(parts, fmt.Sprintf("('%s', '%s')", k, m[k]))
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

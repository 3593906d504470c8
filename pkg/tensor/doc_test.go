// Tests that keep docs/stream.md true: its worked example (an annotated
// dump made here by a second, independent walk over the bytes) and its
// Python reader (run against streams this package writes and against the
// corpus in testdata/streams, when python3 with numpy and zstandard is
// installed). Rewrite the example with
//
//	go test ./pkg/tensor -run TestDocExample -update

package tensor

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

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
	return fmt.Sprintf("```\n%s```\n\nCompressed by `pkg/tensor` (see \"What is reproducible\"), this stream is %d bytes (`testdata/streams/valid/example.tzst`):\n\n```\n%s```\n",
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
	beginExample = "<!-- BEGIN generated example: go test ./pkg/tensor -run TestDocExample -update -->\n"
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
		if *update {
			s = s[:i+len(beginExample)] + want + s[j:]
			if err := os.WriteFile(docPath, []byte(s), 0o644); err != nil {
				t.Fatal(err)
			}
			return
		}
		t.Errorf("the worked example in %s is out of date (run: go test ./pkg/tensor -run TestDocExample -update); it should be:\n%s", docPath, want)
	}
}

// python returns a python3 that has numpy and zstandard (Debian's first,
// then the first on PATH), and the Python reader of docs/stream.md (its
// first python block). It skips the test when there is no such python3.
func python(t *testing.T) (py, code string) {
	for _, c := range []string{"/usr/bin/python3", "python3"} {
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
	code = s[i+len("```python\n"):]
	return py, code[:strings.Index(code, "```")]
}

// TestPythonSnippet runs the Python reader of docs/stream.md on streams
// written here and checks it reads the same arrays as WriteNPY writes.
func TestPythonSnippet(t *testing.T) {
	py, code := python(t)

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

// pythonCorpusCheck, run after the reader, reads every file of the corpus
// (argv[1]) that MANIFEST lists and prints how reading it ends: a line
// "path outcome records", then a line per record as recordLine makes it.
// Any exception but StreamError fails the run.
const pythonCorpusCheck = `
import hashlib, os, sys

root = sys.argv[1]
for line in open(os.path.join(root, "MANIFEST"), encoding="utf-8"):
    if line.startswith("#") or not line.strip():
        continue
    path, records, outcome = line.split()[0], [], "ok"
    try:
        with open(os.path.join(root, path), "rb") as f:
            for name, a, meta in read_stream(f):
                m = "\n".join(f"{k}={v}" for k, v in meta.items()).encode().hex() or "-"
                shape = "x".join(str(d) for d in a.shape) or "scalar"
                dtype = {"u1": 1, "i4": 2, "f4": 3}[a.dtype.str[1:]]
                data = hashlib.sha256(a.tobytes()).hexdigest()
                records.append(f"{name.encode().hex()} {dtype} {shape} {m} {data}")
    except StreamError as e:
        outcome = e.kind
    print(path, outcome, len(records))
    for r in records:
        print(" ", r)
`

// TestPythonCorpus runs the Python reader of docs/stream.md on every file
// of the corpus in testdata/streams: it must end as MANIFEST says, and read
// the records the Go reader reads.
func TestPythonCorpus(t *testing.T) {
	py, code := python(t)
	dir := t.TempDir()
	script := filepath.Join(dir, "check.py")
	if err := os.WriteFile(script, []byte(code+pythonCorpusCheck), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(py, script, corpusDir).Output()
	if err != nil {
		var stderr []byte
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = ee.Stderr
		}
		t.Fatalf("python: %v\n%s", err, stderr)
	}
	got := map[string]reading{}
	var path string
	for _, line := range strings.Split(strings.TrimSuffix(string(out), "\n"), "\n") {
		if rec, ok := strings.CutPrefix(line, "  "); ok {
			r := got[path]
			r.records = append(r.records, rec)
			got[path] = r
			continue
		}
		f := strings.Fields(line)
		if len(f) != 3 {
			t.Fatalf("python printed %q", line)
		}
		path = f[0]
		got[path] = reading{outcome: f[1]}
	}
	es := readManifest(t)
	if len(got) != len(es) {
		t.Errorf("python read %d files, MANIFEST lists %d", len(got), len(es))
	}
	for _, e := range es {
		p, ok := got[e.path]
		if !ok {
			t.Errorf("%s: python did not read it", e.path)
			continue
		}
		if !e.allows(p.outcome, len(p.records)) {
			t.Errorf("%s: python: %s after %d records, want %s after %d", e.path, p.outcome, len(p.records), e.outcome, e.records)
			continue
		}
		g := goReading(t, e.path)
		for i, rec := range p.records {
			if i >= len(g.records) || rec != g.records[i] {
				t.Errorf("%s: record %d: python read\n\t%s\nGo read\n\t%s", e.path, i, rec, strings.Join(g.records[i:min(i+1, len(g.records))], ""))
				break
			}
		}
	}
}

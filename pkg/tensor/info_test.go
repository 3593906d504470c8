// Tests of the text tensor-info prints and of Inspect. The expected means
// and standard deviations were checked against numpy (mean, std).

package tensor

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestDescribe(t *testing.T) {
	lb := NewUint8("labels", []int{6}, []uint8{0, 1, 1, 9, 12, 3}).SetMeta("classes", "10")
	f := NewFloat32("z", []int{2, 3}, []float32{-1, 1, 0.5, float32(math.NaN()), float32(math.Inf(-1)), 0})
	i := NewInt32("ids", []int{4}, []int32{-5, 7, 7, 100})
	cases := []struct {
		t    *Tensor
		want string
	}{
		{lb, `record 3
  name:   labels
  dtype:  uint8
  shape:  6 (6 elements)
  meta:   classes=10
  stats:  min=0 max=12 mean=4.33333 std=4.53382
  histogram:
    0: 1 (16.67%)
    1: 2 (33.33%)
    2: 0 (0.00%)
    3: 1 (16.67%)
    4: 0 (0.00%)
    5: 0 (0.00%)
    6: 0 (0.00%)
    7: 0 (0.00%)
    8: 0 (0.00%)
    9: 1 (16.67%)
    outside [0,10): 1 (16.67%)
    total: 6
`},
		{f, `record 3
  name:   z
  dtype:  float32
  shape:  2x3 (6 elements)
  meta:   (none)
  stats:  min=-1 max=1 mean=0.125 std=0.73951 nan=1 +inf=0 -inf=1
`},
		{i, `record 3
  name:   ids
  dtype:  int32
  shape:  4 (4 elements)
  meta:   (none)
  stats:  min=-5 max=100 mean=27.25 std=42.287
  histogram:
     -5: 1 (25.00%)
      7: 2 (50.00%)
    100: 1 (25.00%)
    total: 4
`},
		{NewUint8("images", []int{0, 1, 28, 28}, nil).SetMeta("range", "0,255").SetMeta("b", "x y"), `record 3
  name:   images
  dtype:  uint8
  shape:  0x1x28x28 (0 elements)
  meta:   b=x y range=0,255
  stats:  (empty)
`},
		{NewFloat32("nan", []int{1}, []float32{float32(math.NaN())}), `record 3
  name:   nan
  dtype:  float32
  shape:  1 (1 elements)
  meta:   (none)
  stats:  (no finite values) nan=1 +inf=0 -inf=0
`},
	}
	for _, c := range cases {
		var b bytes.Buffer
		if err := Describe(&b, 3, c.t); err != nil {
			t.Fatal(err)
		}
		if b.String() != c.want {
			t.Errorf("got\n%s\nwant\n%s", b.String(), c.want)
		}
	}
	// Many distinct values: not listed.
	many := NewInt32("many", []int{100}, nil)
	for j := range many.I32 {
		many.I32[j] = int32(j)
	}
	var b bytes.Buffer
	Describe(&b, 0, many)
	if !strings.Contains(b.String(), "histogram: 100 distinct values (over 64, not listed)") {
		t.Errorf("many values:\n%s", b.String())
	}
}

func TestNPYFileName(t *testing.T) {
	for in, want := range map[string]string{
		"images":                 "images.npy",
		"../../etc/x":            "_.._etc_x.npy",
		"..":                     "tensor.npy",
		"a b/c":                  "a_b_c.npy",
		"ünï":                    "_n_.npy",
		".hidden":                "hidden.npy",
		strings.Repeat("x", 300): strings.Repeat("x", 100) + ".npy",
	} {
		if got := NPYFileName(in); got != want {
			t.Errorf("NPYFileName(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestNPYFileNameDoc checks the renamings docs/stream.md gives as examples
// for tensor-info -npy ("`a/b` → `a_b.npy`").
func TestNPYFileNameDoc(t *testing.T) {
	doc, err := os.ReadFile(docPath)
	if err != nil {
		t.Fatal(err)
	}
	examples := regexp.MustCompile("`([^`]+)` → `([^`]+\\.npy)`").FindAllStringSubmatch(string(doc), -1)
	if len(examples) < 2 {
		t.Fatalf("%s gives %d examples of the -npy file names, want a few", docPath, len(examples))
	}
	for _, e := range examples {
		if got := NPYFileName(e[1]); got != e[2] {
			t.Errorf("%s says %q → %q, but NPYFileName gives %q", docPath, e[1], e[2], got)
		}
	}
}

func TestInspect(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out", "npy")
	ts := []*Tensor{
		NewUint8("images", []int{1, 1, 2, 2}, []uint8{1, 2, 3, 4}),
		NewUint8("images", []int{1, 1, 2, 2}, []uint8{5, 6, 7, 8}),
		NewFloat32("../z", []int{1}, []float32{2}),
	}
	var out bytes.Buffer
	if err := Inspect(&out, bytes.NewReader(encode(t, ts)), InspectOptions{NPYDir: dir}); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"images.npy", "images-1.npy", "_z.npy"} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(b, []byte("\x93NUMPY")) {
			t.Errorf("%s is not a .npy file", name)
		}
		if !strings.Contains(out.String(), "npy:    "+filepath.Join(dir, name)+"\n") {
			t.Errorf("output does not name %s:\n%s", name, out.String())
		}
	}
	if !strings.HasSuffix(out.String(), "\n3 records\n") {
		t.Errorf("output does not end with the count:\n%s", out.String())
	}

	// A cut stream: the records before the cut are described, then the
	// error.
	full := encode(t, ts)
	out.Reset()
	err := Inspect(&out, bytes.NewReader(z(decompress(t, full)[:len(decompress(t, full))-20])), InspectOptions{})
	if err == nil || !strings.Contains(err.Error(), "truncated") {
		t.Fatalf("cut stream: %v", err)
	}
	if strings.Count(out.String(), "record ") != 2 || strings.Contains(out.String(), "records") {
		t.Errorf("cut stream output:\n%s", out.String())
	}
}

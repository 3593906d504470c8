// The judge file: a tensor stream whose first record describes the judge
// (kind, format version, architecture, the geometry of its images, the key
// of the images it was trained on, measured accuracy, training recipe),
// then its parameters (float32, by name), then the statistics of the
// held-out images it was measured on (the reference of the figures, so
// that judging needs no real images). docs/eval.md describes it; this file
// is its reference implementation.

package judge

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"acgan/pkg/tensor"
	"gonum.org/v1/gonum/mat"
)

// Names and values of the judge file's header record.
const (
	// Header is the name of the first record.
	Header = "acgan.judge"
	// Kind is the header's "kind" entry.
	Kind = "acgan-judge"
	// Format is the format version this package writes and reads.
	Format = 1
	// Arch names the judge's architecture (judge.go), whatever the
	// geometry: a file of another architecture is refused.
	Arch = "lenet-c32-c64-c128-d128"
	// CacheName is the file name of the cached MNIST judge in the cache
	// folder; its version changes whenever the architecture or the training
	// recipe does, so an old cache is never used by mistake. A judge of
	// other images is cached as judge-v1-KEY.tzst (DefaultPathFor).
	CacheName = "judge-v1.tzst"
)

// DefaultPath returns where the MNIST judge is cached: acgan/judge-v1.tzst
// in the user's cache folder (os.UserCacheDir).
func DefaultPath() (string, error) {
	dir, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("judge: no cache folder (%v)", err)
	}
	return filepath.Join(dir, "acgan", CacheName), nil
}

// DefaultPathFor returns where the judge of the images of the given key
// (DataKey) is cached: acgan/judge-v1-K.tzst in the user's cache folder, K
// the key's first 16 hex digits.
func DefaultPathFor(key string) (string, error) {
	if len(key) < 16 {
		return "", fmt.Errorf("judge: %q is not a key of images", key)
	}
	p, err := DefaultPath()
	if err != nil {
		return "", err
	}
	return strings.TrimSuffix(p, ".tzst") + "-" + key[:16] + ".tzst", nil
}

// Header entries of the geometry and the key.
const (
	metaChannels = "channels"
	metaSize     = "size"
	metaClasses  = "classes"
	metaKey      = "train_sha256"
)

// Save writes the judge to w. The same judge always gives the same bytes.
func (j *Judge) Save(w io.Writer) error {
	h := tensor.NewUint8(Header, []int{0}, nil)
	h.SetMeta("kind", Kind)
	h.SetMeta("format", strconv.Itoa(Format))
	h.SetMeta("arch", Arch)
	h.SetMeta("test_accuracy", strconv.FormatFloat(j.TestAccuracy, 'g', -1, 64))
	h.SetMeta(metaChannels, strconv.Itoa(j.Geom.Channels))
	h.SetMeta(metaSize, strconv.Itoa(j.Geom.Size))
	h.SetMeta(metaClasses, strconv.Itoa(j.Geom.Classes))
	if j.Key != "" {
		h.SetMeta(metaKey, j.Key)
	}
	for k, v := range j.Info {
		if reservedKey(k) {
			continue
		}
		h.SetMeta(k, v)
	}
	tw := tensor.NewWriter(w)
	if err := tw.Write(h); err != nil {
		return err
	}
	for _, p := range j.Params() {
		if err := tw.Write(tensor.NewFloat32(p.Name, p.Shape, p.W)); err != nil {
			return err
		}
	}
	if j.Test == nil {
		return fmt.Errorf("judge: saving a judge without test statistics")
	}
	for _, t := range testTensors(j.Test) {
		if err := tw.Write(t); err != nil {
			return err
		}
	}
	return tw.Close()
}

// Names of the test statistics' records.
const (
	recTestMean     = "test.mean"           // float64 [128] as float32 [2, 128]
	recTestCov      = "test.cov"            // float64 [128, 128] as float32 [2, 128, 128]
	recTestDistance = "test.class_distance" // float64 [K] as float32 [2, K]
	recTestConfuse  = "test.confusion"      // int32 [K, K]
)

// split64 stores float64 values as float32 pairs: hi = float32(x) in the
// first half, lo = float32(x − hi) in the second; hi + lo gives x back to
// about 1e-14 relative.
func split64(x []float64) []float32 {
	out := make([]float32, 2*len(x))
	for i, v := range x {
		hi := float32(v)
		out[i], out[len(x)+i] = hi, float32(v-float64(hi))
	}
	return out
}

func join64(x []float32) []float64 {
	n := len(x) / 2
	out := make([]float64, n)
	for i := range out {
		out[i] = float64(x[i]) + float64(x[n+i])
	}
	return out
}

// testTensors returns the records of the test statistics.
func testTensors(s *TestStats) []*tensor.Tensor {
	d := len(s.Gauss.Mean)
	cov := make([]float64, 0, d*d)
	for i := range d {
		for k := range d {
			cov = append(cov, s.Gauss.Cov.At(i, k))
		}
	}
	k := len(s.Confusion)
	cm := make([]int32, 0, k*k)
	for _, r := range s.Confusion {
		for _, v := range r {
			cm = append(cm, int32(v))
		}
	}
	return []*tensor.Tensor{
		tensor.NewFloat32(recTestMean, []int{2, d}, split64(s.Gauss.Mean)),
		tensor.NewFloat32(recTestCov, []int{2, d, d}, split64(cov)),
		tensor.NewFloat32(recTestDistance, []int{2, k}, split64(s.ClassDistance)),
		tensor.NewInt32(recTestConfuse, []int{k, k}, cm),
	}
}

// testStats rebuilds and checks the test statistics of a judge of classes
// classes from their records.
func testStats(recs map[string]*tensor.Tensor, classes int) (*TestStats, error) {
	cm := recs[recTestConfuse]
	s := &TestStats{Confusion: make([][]int, classes), ClassDistance: join64(recs[recTestDistance].F32)}
	n := 0
	for c := range s.Confusion {
		s.Confusion[c] = make([]int, classes)
		row := 0
		for k := range classes {
			v := int(cm.I32[c*classes+k])
			if v < 0 {
				return nil, fmt.Errorf("tensor %q: negative count %d", recTestConfuse, v)
			}
			s.Confusion[c][k] = v
			row += v
		}
		if row < 2 {
			return nil, fmt.Errorf("tensor %q: %d held-out images of class %d (want at least 2)", recTestConfuse, row, c)
		}
		n += row
	}
	for c, v := range s.ClassDistance {
		if !(v > 0) {
			return nil, fmt.Errorf("tensor %q: class %d: %v is not a positive distance", recTestDistance, c, v)
		}
	}
	cov := join64(recs[recTestCov].F32)
	for i := range Features {
		for k := range i {
			if cov[i*Features+k] != cov[k*Features+i] {
				return nil, fmt.Errorf("tensor %q is not symmetric", recTestCov)
			}
		}
	}
	s.Gauss = &Gaussian{N: n, Mean: join64(recs[recTestMean].F32), Cov: mat.NewSymDense(Features, cov)}
	return s, nil
}

func reservedKey(k string) bool {
	switch k {
	case "kind", "format", "arch", "test_accuracy", metaChannels, metaSize, metaClasses, metaKey:
		return true
	}
	return false
}

// headerGeometry returns the geometry of a judge file's header: its
// channels, size and classes entries, all three or none (a file written
// before they were recorded, a judge of MNIST).
func headerGeometry(meta map[string]string) (Geometry, error) {
	keys := []string{metaChannels, metaSize, metaClasses}
	var v [3]int
	have := 0
	for i, k := range keys {
		s, ok := meta[k]
		if !ok {
			continue
		}
		have++
		n, err := strconv.Atoi(s)
		if err != nil {
			return Geometry{}, fmt.Errorf("header entry %s=%q is not a whole number", k, s)
		}
		v[i] = n
	}
	switch have {
	case 0:
		return MNIST, nil
	case len(keys):
		g := Geometry{Channels: v[0], Size: v[1], Classes: v[2]}
		if err := g.Check(); err != nil {
			return Geometry{}, fmt.Errorf("header: %w", err)
		}
		return g, nil
	}
	return Geometry{}, fmt.Errorf("header has %d of the entries %s, %s and %s (want all or none)", have, metaChannels, metaSize, metaClasses)
}

// isKey reports whether s is a key of images: 64 lower-case hex digits.
func isKey(s string) bool {
	if len(s) != 2*sha256.Size {
		return false
	}
	for _, c := range s {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// Load reads a judge file from r; name (its path) starts every error.
// It checks the kind, format version, architecture and geometry, that every
// parameter is present once with its shape and finite values, and that the
// stream is complete. A file without geometry entries is a judge of MNIST.
func Load(r io.Reader, name string) (*Judge, error) {
	tr := tensor.NewReader(r)
	tr.MaxElements = 1 << 20 // the largest tensors, j.fc1.w of 64×64 images and test.confusion of 1000 classes, have at most 1048576 values
	h, err := tr.Next()
	if err != nil {
		return nil, judgeReadError(name, err)
	}
	if h.Name != Header || h.Meta["kind"] != Kind {
		return nil, fmt.Errorf("%s: not a judge file (first record %q, kind %q)", name, h.Name, h.Meta["kind"])
	}
	if v := h.Meta["format"]; v != strconv.Itoa(Format) {
		return nil, fmt.Errorf("%s: judge format version %q not supported (this build reads %d)", name, v, Format)
	}
	if a := h.Meta["arch"]; a != Arch {
		return nil, fmt.Errorf("%s: judge architecture %q not supported (this build has %s)", name, a, Arch)
	}
	acc, err := strconv.ParseFloat(h.Meta["test_accuracy"], 64)
	if err != nil || !(acc >= 0 && acc <= 1) {
		return nil, fmt.Errorf("%s: header entry test_accuracy=%q is not a number in [0, 1]", name, h.Meta["test_accuracy"])
	}
	g, err := headerGeometry(h.Meta)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	key, ok := h.Meta[metaKey]
	if ok && !isKey(key) {
		return nil, fmt.Errorf("%s: header entry %s=%q is not 64 hex digits", name, metaKey, key)
	}
	j, err := New(g, rand.New(rand.NewPCG(0, 0)))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	j.TestAccuracy, j.Key = acc, key
	for k, v := range h.Meta {
		if !reservedKey(k) {
			j.Info[k] = v
		}
	}
	// Every record the file must hold, in order, with its type and shape.
	type slot struct {
		dtype tensor.DType
		shape []int
		t     *tensor.Tensor
	}
	var order []string
	want := map[string]*slot{}
	for _, p := range j.Params() {
		order = append(order, p.Name)
		want[p.Name] = &slot{dtype: tensor.Float32, shape: p.Shape}
	}
	for _, t := range []struct {
		name  string
		dtype tensor.DType
		shape []int
	}{
		{recTestMean, tensor.Float32, []int{2, Features}},
		{recTestCov, tensor.Float32, []int{2, Features, Features}},
		{recTestDistance, tensor.Float32, []int{2, g.Classes}},
		{recTestConfuse, tensor.Int32, []int{g.Classes, g.Classes}},
	} {
		order = append(order, t.name)
		want[t.name] = &slot{dtype: t.dtype, shape: t.shape}
	}
	for {
		t, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, judgeReadError(name, err)
		}
		s := want[t.Name]
		if s == nil {
			return nil, fmt.Errorf("%s: unexpected tensor %q in a judge file", name, t.Name)
		}
		if s.t != nil {
			return nil, fmt.Errorf("%s: tensor %q appears twice", name, t.Name)
		}
		if t.DType != s.dtype || !slices.Equal(t.Shape, s.shape) {
			return nil, fmt.Errorf("%s: tensor %q is %s %s; want %s %s", name, t.Name, t.DType, tensor.ShapeString(t.Shape), s.dtype, tensor.ShapeString(s.shape))
		}
		for k, v := range t.F32 {
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				return nil, fmt.Errorf("%s: tensor %q: value %d is %v", name, t.Name, k, v)
			}
		}
		s.t = t
	}
	recs := map[string]*tensor.Tensor{}
	for _, n := range order {
		if want[n].t == nil {
			return nil, fmt.Errorf("%s: truncated (tensor %q missing)", name, n)
		}
		recs[n] = want[n].t
	}
	for _, p := range j.Params() {
		copy(p.W, recs[p.Name].F32)
	}
	if j.Test, err = testStats(recs, g.Classes); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if a := j.Test.Accuracy(); math.Abs(a-acc) > 1e-9 {
		return nil, fmt.Errorf("%s: header entry test_accuracy=%v disagrees with the test confusion matrix (%v)", name, acc, a)
	}
	return j, nil
}

func judgeReadError(name string, err error) error {
	switch {
	case errors.Is(err, io.EOF):
		return fmt.Errorf("%s: not a judge file (empty tensor stream)", name)
	case errors.Is(err, tensor.ErrNotStream):
		return fmt.Errorf("%s: not a judge file (%v)", name, err)
	}
	return fmt.Errorf("%s: %w", name, err)
}

// LoadFile reads the judge file at path. A missing file gives an error
// satisfying errors.Is(err, fs.ErrNotExist).
func LoadFile(path string) (*Judge, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return Load(f, path)
}

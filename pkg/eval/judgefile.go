// The judge file: a tensor stream whose first record describes the judge
// (kind, format version, architecture, measured test accuracy, training
// recipe) and whose other records are its parameters, float32, by name.
// docs/eval.md describes it; this file is its reference implementation.

package eval

import (
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"

	"acgan/pkg/nn"
	"acgan/pkg/tensor"
)

// Names and values of the judge file's header record.
const (
	// JudgeHeader is the name of the first record.
	JudgeHeader = "acgan.judge"
	// JudgeKind is the header's "kind" entry.
	JudgeKind = "acgan-judge"
	// JudgeFormat is the format version this package writes and reads.
	JudgeFormat = 1
	// JudgeArch names the judge's architecture (judge.go): a file of another
	// architecture is refused.
	JudgeArch = "lenet-c32-c64-d128"
	// JudgeCacheName is the file name of the cached judge in the cache
	// folder; its version changes whenever the architecture or the training
	// recipe does, so an old cache is never used by mistake.
	JudgeCacheName = "judge-v1.tzst"
)

// DefaultJudgePath returns where the judge is cached:
// acgan/judge-v1.tzst in the user's cache folder (os.UserCacheDir).
func DefaultJudgePath() (string, error) {
	dir, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("no cache folder for the judge (%v); name a file with -judge", err)
	}
	return filepath.Join(dir, "acgan", JudgeCacheName), nil
}

// Save writes the judge to w. The same judge always gives the same bytes.
func (j *Judge) Save(w io.Writer) error {
	h := tensor.NewUint8(JudgeHeader, []int{0}, nil)
	h.SetMeta("kind", JudgeKind)
	h.SetMeta("format", strconv.Itoa(JudgeFormat))
	h.SetMeta("arch", JudgeArch)
	h.SetMeta("test_accuracy", strconv.FormatFloat(j.TestAccuracy, 'g', -1, 64))
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
	return tw.Close()
}

func reservedKey(k string) bool {
	return k == "kind" || k == "format" || k == "arch" || k == "test_accuracy"
}

// LoadJudge reads a judge file from r; name (its path) starts every error.
// It checks the kind, format version and architecture, that every
// parameter is present once with its shape and finite values, and that the
// stream is complete.
func LoadJudge(r io.Reader, name string) (*Judge, error) {
	tr := tensor.NewReader(r)
	tr.MaxElements = 1 << 20 // the largest parameter, j.fc1.w, has 401408
	h, err := tr.Next()
	if err != nil {
		return nil, judgeReadError(name, err)
	}
	if h.Name != JudgeHeader || h.Meta["kind"] != JudgeKind {
		return nil, fmt.Errorf("%s: not a judge file (first record %q, kind %q)", name, h.Name, h.Meta["kind"])
	}
	if v := h.Meta["format"]; v != strconv.Itoa(JudgeFormat) {
		return nil, fmt.Errorf("%s: judge format version %q not supported (this build reads %d)", name, v, JudgeFormat)
	}
	if a := h.Meta["arch"]; a != JudgeArch {
		return nil, fmt.Errorf("%s: judge architecture %q not supported (this build has %s)", name, a, JudgeArch)
	}
	acc, err := strconv.ParseFloat(h.Meta["test_accuracy"], 64)
	if err != nil || !(acc >= 0 && acc <= 1) {
		return nil, fmt.Errorf("%s: header entry test_accuracy=%q is not a number in [0, 1]", name, h.Meta["test_accuracy"])
	}
	j := NewJudge(rand.New(rand.NewPCG(0, 0)))
	j.TestAccuracy = acc
	for k, v := range h.Meta {
		if !reservedKey(k) {
			j.Info[k] = v
		}
	}
	params := j.Params()
	done := make([]bool, len(params))
	for {
		t, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, judgeReadError(name, err)
		}
		i := slices.IndexFunc(params, func(p *nn.Param) bool { return p.Name == t.Name })
		if i < 0 {
			return nil, fmt.Errorf("%s: unexpected tensor %q in a judge file", name, t.Name)
		}
		if done[i] {
			return nil, fmt.Errorf("%s: tensor %q appears twice", name, t.Name)
		}
		p := params[i]
		if t.DType != tensor.Float32 || !slices.Equal(t.Shape, p.Shape) {
			return nil, fmt.Errorf("%s: tensor %q is %s %s; want float32 %s", name, t.Name, t.DType, tensor.ShapeString(t.Shape), tensor.ShapeString(p.Shape))
		}
		for k, v := range t.F32 {
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				return nil, fmt.Errorf("%s: tensor %q: value %d is %v", name, t.Name, k, v)
			}
		}
		copy(p.W, t.F32)
		done[i] = true
	}
	for i, ok := range done {
		if !ok {
			return nil, fmt.Errorf("%s: truncated (tensor %q missing)", name, params[i].Name)
		}
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

// LoadJudgeFile reads the judge file at path. A missing file gives an
// error satisfying errors.Is(err, fs.ErrNotExist).
func LoadJudgeFile(path string) (*Judge, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return LoadJudge(f, path)
}

// This file describes tensors for people: the text tensor-info prints for
// each record (name, dtype, shape, metadata, summary statistics and, for
// labels, a histogram), and Inspect, the loop of the tensor-info tool.

package tensor

import (
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// Stats are summary statistics of a tensor's elements. For float32 tensors
// Min, Max, Mean and Std are over the finite elements; NaN, PosInf and
// NegInf count the others.
type Stats struct {
	Count          int // elements
	Finite         int // elements that are finite numbers
	Min, Max       float64
	Mean, Std      float64 // Std is the population standard deviation
	NaN            int
	PosInf, NegInf int
}

// Summarize computes t's statistics in float64, element by element in
// order, so the result is the same on every run.
func Summarize(t *Tensor) Stats {
	s := Stats{Count: t.Len()}
	switch t.DType {
	case Uint8:
		var counts [256]int
		for _, v := range t.U8 {
			counts[v]++
		}
		var sum int64
		first := true
		for v, c := range counts {
			if c == 0 {
				continue
			}
			if first {
				s.Min, first = float64(v), false
			}
			s.Max = float64(v)
			sum += int64(v) * int64(c)
		}
		s.Finite = len(t.U8)
		if s.Finite > 0 {
			s.Mean = float64(sum) / float64(s.Finite)
			var acc float64
			for v, c := range counts {
				d := float64(v) - s.Mean
				acc += float64(c) * float64(d*d)
			}
			s.Std = math.Sqrt(acc / float64(s.Finite))
		}
	case Int32:
		s.Finite = len(t.I32)
		if s.Finite > 0 {
			lo, hi := t.I32[0], t.I32[0]
			var sum float64
			for _, v := range t.I32 {
				lo, hi = min(lo, v), max(hi, v)
				sum += float64(v)
			}
			s.Min, s.Max = float64(lo), float64(hi)
			s.Mean = sum / float64(s.Finite)
			var acc float64
			for _, v := range t.I32 {
				d := float64(v) - s.Mean
				acc += float64(d * d)
			}
			s.Std = math.Sqrt(acc / float64(s.Finite))
		}
	case Float32:
		var sum float64
		first := true
		for _, f := range t.F32 {
			v := float64(f)
			switch {
			case math.IsNaN(v):
				s.NaN++
				continue
			case math.IsInf(v, 1):
				s.PosInf++
				continue
			case math.IsInf(v, -1):
				s.NegInf++
				continue
			}
			if first {
				s.Min, s.Max, first = v, v, false
			}
			s.Min, s.Max = min(s.Min, v), max(s.Max, v)
			sum += v
			s.Finite++
		}
		if s.Finite > 0 {
			s.Mean = sum / float64(s.Finite)
			var acc float64
			for _, f := range t.F32 {
				v := float64(f)
				if math.IsNaN(v) || math.IsInf(v, 0) {
					continue
				}
				d := v - s.Mean
				acc += float64(d * d)
			}
			s.Std = math.Sqrt(acc / float64(s.Finite))
		}
	}
	return s
}

// maxHistogramValues is the largest number of distinct values a histogram
// lists when the tensor has no classes entry.
const maxHistogramValues = 64

// LooksLikeLabels reports whether t is an integer tensor that Describe gives
// a histogram: rank 1, or with a classes entry.
func LooksLikeLabels(t *Tensor) bool {
	if t.DType != Uint8 && t.DType != Int32 {
		return false
	}
	_, hasClasses := t.Classes()
	return len(t.Shape) == 1 || hasClasses
}

// Histogram returns the distinct values of an integer tensor, in increasing
// order, and how often each occurs. With classes K > 0, the values are
// exactly 0..K-1 (zero counts included) and other reports how many
// elements fall outside [0,K).
func Histogram(t *Tensor, classes int) (values []int64, counts []int, other int) {
	m := map[int64]int{}
	switch t.DType {
	case Uint8:
		var c [256]int
		for _, v := range t.U8 {
			c[v]++
		}
		for v, n := range c {
			if n > 0 {
				m[int64(v)] = n
			}
		}
	case Int32:
		for _, v := range t.I32 {
			m[int64(v)]++
		}
	}
	if classes > 0 {
		for v := range int64(classes) {
			values = append(values, v)
			counts = append(counts, m[v])
			delete(m, v)
		}
		for _, n := range m {
			other += n
		}
		return values, counts, other
	}
	for v := range m {
		values = append(values, v)
	}
	sort.Slice(values, func(i, j int) bool { return values[i] < values[j] })
	for _, v := range values {
		counts = append(counts, m[v])
	}
	return values, counts, 0
}

// num formats a statistic: integers as integers, others with 6 significant
// digits.
func num(v float64) string {
	if v == math.Trunc(v) && math.Abs(v) < 1e15 {
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	return strconv.FormatFloat(v, 'g', 6, 64)
}

// Describe writes the text tensor-info prints for record index: its name,
// dtype, shape, metadata, statistics and, for labels, a histogram. The text
// depends only on the tensor, so it can be compared with golden files.
func Describe(w io.Writer, index int, t *Tensor) error {
	var b strings.Builder
	fmt.Fprintf(&b, "record %d\n", index)
	fmt.Fprintf(&b, "  name:   %s\n", t.Name)
	fmt.Fprintf(&b, "  dtype:  %s\n", t.DType)
	fmt.Fprintf(&b, "  shape:  %s (%d elements)\n", ShapeString(t.Shape), t.Len())
	if len(t.Meta) == 0 {
		b.WriteString("  meta:   (none)\n")
	} else {
		b.WriteString("  meta:  ")
		for _, k := range sortedKeys(t.Meta) {
			fmt.Fprintf(&b, " %s=%s", k, t.Meta[k])
		}
		b.WriteByte('\n')
	}
	s := Summarize(t)
	switch {
	case s.Count == 0:
		b.WriteString("  stats:  (empty)\n")
	case s.Finite == 0:
		b.WriteString("  stats:  (no finite values)")
	default:
		fmt.Fprintf(&b, "  stats:  min=%s max=%s mean=%s std=%s", num(s.Min), num(s.Max), num(s.Mean), num(s.Std))
	}
	if s.Count > 0 {
		if s.NaN+s.PosInf+s.NegInf > 0 {
			fmt.Fprintf(&b, " nan=%d +inf=%d -inf=%d", s.NaN, s.PosInf, s.NegInf)
		}
		b.WriteByte('\n')
	}
	if LooksLikeLabels(t) && s.Count > 0 {
		k, _ := t.Classes()
		values, counts, other := Histogram(t, k)
		if k == 0 && len(values) > maxHistogramValues {
			fmt.Fprintf(&b, "  histogram: %d distinct values (over %d, not listed)\n", len(values), maxHistogramValues)
		} else {
			b.WriteString("  histogram:\n")
			width := 1
			for _, v := range values {
				width = max(width, len(strconv.FormatInt(v, 10)))
			}
			for i, v := range values {
				fmt.Fprintf(&b, "    %*d: %d (%.2f%%)\n", width, v, counts[i], 100*float64(counts[i])/float64(s.Count))
			}
			if other > 0 {
				fmt.Fprintf(&b, "    outside [0,%d): %d (%.2f%%)\n", k, other, 100*float64(other)/float64(s.Count))
			}
			fmt.Fprintf(&b, "    total: %d\n", s.Count)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// NPYFileName returns a safe file name for a tensor called name: letters,
// digits, '.', '-' and '_' kept, anything else replaced by '_', no leading
// dot, at most 100 bytes, then ".npy".
func NPYFileName(name string) string {
	var b strings.Builder
	for _, r := range name {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_', r == '.':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	s := strings.TrimLeft(b.String(), ".")
	if len(s) > 100 {
		s = s[:100]
	}
	if s == "" {
		s = "tensor"
	}
	return s + ".npy"
}

// InspectOptions configure Inspect.
type InspectOptions struct {
	// NPYDir, when set, is a directory (created if needed) where each
	// tensor is written as <name>.npy (see NPYFileName; a repeated name
	// gets a suffix: images.npy, images-1.npy, ...).
	NPYDir string
	// WriteFile writes a file all at once; tools pass atomicfile.WriteFile.
	// Nil means a plain os.Create.
	WriteFile func(path string, write func(io.Writer) error) error
}

// Inspect reads the stream in r record by record and writes each record's
// description (see Describe) to w as soon as it has been read, then a line
// counting the records. On a bad stream it returns the reader's error after
// describing the records before it.
func Inspect(w io.Writer, r io.Reader, opt InspectOptions) error {
	if opt.NPYDir != "" {
		if err := os.MkdirAll(opt.NPYDir, 0o755); err != nil {
			return fmt.Errorf("-npy: %w", err)
		}
	}
	writeFile := opt.WriteFile
	if writeFile == nil {
		writeFile = createFile
	}
	used := map[string]bool{}
	tr := NewReader(r)
	n := 0
	for {
		t, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		if err := Describe(w, n, t); err != nil {
			return err
		}
		if opt.NPYDir != "" {
			file := NPYFileName(t.Name)
			base := strings.TrimSuffix(file, ".npy")
			for i := 1; used[file]; i++ {
				file = base + "-" + strconv.Itoa(i) + ".npy"
			}
			used[file] = true
			path := filepath.Join(opt.NPYDir, file)
			if err := writeFile(path, func(f io.Writer) error { return WriteNPY(f, t) }); err != nil {
				return err
			}
			if _, err := fmt.Fprintf(w, "  npy:    %s\n", path); err != nil {
				return err
			}
		}
		n++
	}
	s := "s"
	if n == 1 {
		s = ""
	}
	_, err := fmt.Fprintf(w, "%d record%s\n", n, s)
	return err
}

func createFile(path string, write func(io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := write(f); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	return f.Close()
}

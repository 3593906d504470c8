// The report of acgan-eval: the rows of the generated and the real images,
// as a table for people or JSON for scripts.

package eval

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Report is the evaluation of one model.
type Report struct {
	Model     string `json:"model"`     // the model file
	Objective string `json:"objective"` // its training objective
	Iteration int64  `json:"iteration"` // its training iterations
	PerClass  int    `json:"per_class"` // images generated per class
	Seed      uint64 `json:"seed"`      // seed of the generated noise
	Classes   int    `json:"classes"`   // the number of classes
	// Names are the classes' names (the model's, else the real images'),
	// nil when they have none; the per-class lists are in class order.
	Names []string `json:"class_names,omitempty"`
	// Real names the real images: RealMNIST or the user's stream.
	Real string `json:"real"`

	JudgePath         string  `json:"judge"`               // the judge file
	JudgeTestAccuracy float64 `json:"judge_test_accuracy"` // measured when it was trained
	JudgeKey          string  `json:"judge_key,omitempty"` // the key of the images it was trained on (judge.DataKey), if its file records it

	// Generated: the model's images, read as the class asked for.
	Generated Row `json:"generated"`
	// RealTrain: the first PerClass real training images of each class
	// (fewer if the input holds fewer); its Frechet is the floor.
	RealTrain Row `json:"real_train"`
	// RealTest: the real test images the others are compared with.
	RealTest Row `json:"real_test"`

	Seconds float64 `json:"seconds"` // wall time of the evaluation
}

// jnum is a float64 written to JSON as a number, or null when NaN or
// infinite (JSON has neither).
type jnum float64

func (x jnum) MarshalJSON() ([]byte, error) {
	if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
		return []byte("null"), nil
	}
	return strconv.AppendFloat(nil, float64(x), 'g', 6, 64), nil
}

func jnums(xs []float64) []jnum {
	out := make([]jnum, len(xs))
	for i, x := range xs {
		out[i] = jnum(x)
	}
	return out
}

// MarshalJSON writes the row with NaN figures as null and 6 significant
// digits.
func (r Row) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Digits         int     `json:"digits"`
		Accuracy       jnum    `json:"accuracy"`
		ClassAccuracy  []jnum  `json:"class_accuracy"`
		Confusion      [][]int `json:"confusion"`
		Frechet        jnum    `json:"frechet"`
		ClassFrechet   []jnum  `json:"class_frechet"`
		Precision      jnum    `json:"precision"`
		ClassPrecision []jnum  `json:"class_precision"`
		Recall         jnum    `json:"recall"`
		ClassRecall    []jnum  `json:"class_recall"`
		Diversity      jnum    `json:"diversity"`
		ClassDiversity []jnum  `json:"class_diversity"`
		ClassDistance  []jnum  `json:"class_distance"`
	}{r.Digits, jnum(r.Accuracy), jnums(r.ClassAccuracy), r.Confusion,
		jnum(r.Frechet), jnums(r.ClassFrechet),
		jnum(r.Precision), jnums(r.ClassPrecision), jnum(r.Recall), jnums(r.ClassRecall),
		jnum(r.Diversity), jnums(r.ClassDiversity), jnums(r.ClassDistance)})
}

// MarshalJSON writes the report with NaN figures as null.
func (r *Report) MarshalJSON() ([]byte, error) {
	type plain Report // without this method
	return json.Marshal(struct {
		*plain
		JudgeTestAccuracy jnum `json:"judge_test_accuracy"`
		Seconds           jnum `json:"seconds"`
	}{(*plain)(r), jnum(r.JudgeTestAccuracy), jnum(math.Round(r.Seconds*100) / 100)})
}

// WriteJSON writes the report as one JSON object on one line, so that
// the reports of several runs appended to a file form JSON lines.
func (r *Report) WriteJSON(w io.Writer) error {
	b, err := json.Marshal(r)
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// pct formats a fraction as a percentage, "-" for NaN.
func pct(x float64) string {
	if math.IsNaN(x) {
		return "-"
	}
	return strconv.FormatFloat(100*x, 'f', 1, 64) + "%"
}

// fixed formats x with d decimals, "-" for NaN.
func fixed(x float64, d int) string {
	if math.IsNaN(x) {
		return "-"
	}
	return strconv.FormatFloat(x, 'f', d, 64)
}

// MaxTableClasses is the most classes whose figures the table lists one
// by one; with more, it lists the TableWorst worst and a mean of all (the
// JSON report always has them all).
const (
	MaxTableClasses = 20
	TableWorst      = 10
)

// maxNameWidth bounds the width of a class's name in the table (longer
// names are cut, ending in "…").
const maxNameWidth = 16

// WriteTable writes the report as a table for people:
//
//	model.bin: fakeclass, 14000 iterations; 1000 digits per class, seed 1
//	judge: ~/.cache/acgan/judge-v1.tzst (99.2% on the MNIST test digits)
//
//	              digits  accuracy   Fréchet precision    recall  diversity
//	generated      10000     93.4%     12.31      0.87      0.52       0.87
//	real train     10000     99.9%      0.85      0.79      0.80       1.01   <- the floor
//	real test      10000     99.2%         -         -         -       1.00
//	...
//
// then the figures of each class (by name, where the classes have names)
// and the confusion matrix of the generated images. With more than
// MaxTableClasses classes, the per-class tables list the TableWorst
// classes of the lowest generated accuracy and of the largest generated
// Fréchet distance, each with a row of the mean over all classes, and the
// confusion matrix gives way to the TableWorst largest confusions.
func (r *Report) WriteTable(w io.Writer) error {
	noun := "images"
	judged := fmt.Sprintf("on the %d held-out images of %s", r.RealTest.Digits, r.Real)
	if r.Real == RealMNIST {
		noun, judged = "digits", "on the MNIST test digits"
	}
	k := r.Classes
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s, %d iterations; %d %s per class, seed %d\n", r.Model, r.Objective, r.Iteration, r.PerClass, noun, r.Seed)
	fmt.Fprintf(&b, "judge: %s (%s %s)\n\n", r.JudgePath, pct(r.JudgeTestAccuracy), judged)
	fmt.Fprintf(&b, "%-12s %7s %9s %9s %9s %9s %10s\n", "", noun, "accuracy", "Fréchet", "precision", "recall", "diversity")
	for _, x := range []struct {
		name string
		row  *Row
		note string
	}{{"generated", &r.Generated, ""}, {"real train", &r.RealTrain, "   <- the floor"}, {"real test", &r.RealTest, ""}} {
		fmt.Fprintf(&b, "%-12s %7d %9s %9s %9s %9s %10s%s\n", x.name, x.row.Digits, pct(x.row.Accuracy), fixed(x.row.Frechet, 2),
			fixed(x.row.Precision, 2), fixed(x.row.Recall, 2), fixed(x.row.Diversity, 2), x.note)
	}

	label := make([]string, k) // each class as the table names it
	width := 7
	for c := range label {
		label[c] = strconv.Itoa(c)
		if r.Names != nil {
			label[c] = cut(r.Names[c], maxNameWidth)
		}
		width = max(width, utf8.RuneCountInString(label[c]))
	}
	all := make([]int, k)
	for c := range all {
		all[c] = c
	}
	few := k <= MaxTableClasses

	// Accuracy and diversity.
	classes := all
	if !few {
		classes = worst(r.Generated.ClassAccuracy, false)
		fmt.Fprintf(&b, "\nthe %d of %d classes of the lowest generated accuracy (-json lists every class)\n", len(classes), k)
	}
	fmt.Fprintf(&b, "\n%-*saccuracy                    diversity\n", width+9, "per class")
	fmt.Fprintf(&b, "%-*s %10s %10s %10s %10s %10s\n", width, "class", "generated", "real train", "real test", "generated", "real train")
	accRow := func(name string, f func([]float64) float64) {
		fmt.Fprintf(&b, "%-*s %10s %10s %10s %10s %10s\n", width, name, pct(f(r.Generated.ClassAccuracy)), pct(f(r.RealTrain.ClassAccuracy)),
			pct(f(r.RealTest.ClassAccuracy)), fixed(f(r.Generated.ClassDiversity), 2), fixed(f(r.RealTrain.ClassDiversity), 2))
	}
	for _, c := range classes {
		accRow(label[c], func(x []float64) float64 { return x[c] })
	}
	if !few {
		accRow(fmt.Sprintf("mean of %d", k), mean)
	}

	// Fréchet distance, precision and recall.
	classes = all
	if !few {
		classes = worst(r.Generated.ClassFrechet, true)
		fmt.Fprintf(&b, "\nthe %d of %d classes of the largest generated Fréchet distance (-json lists every class)\n", len(classes), k)
	}
	fmt.Fprintf(&b, "\n%-*sFréchet              precision              recall\n", width+8, "per class")
	fmt.Fprintf(&b, "%-*s %10s %10s %10s %10s %10s %10s\n", width, "class", "generated", "real train", "generated", "real train", "generated", "real train")
	fdRow := func(name string, f func([]float64) float64) {
		fmt.Fprintf(&b, "%-*s %10s %10s %10s %10s %10s %10s\n", width, name,
			fixed(f(r.Generated.ClassFrechet), 2), fixed(f(r.RealTrain.ClassFrechet), 2),
			fixed(f(r.Generated.ClassPrecision), 2), fixed(f(r.RealTrain.ClassPrecision), 2),
			fixed(f(r.Generated.ClassRecall), 2), fixed(f(r.RealTrain.ClassRecall), 2))
	}
	for _, c := range classes {
		fdRow(label[c], func(x []float64) float64 { return x[c] })
	}
	if !few {
		fdRow(fmt.Sprintf("mean of %d", k), mean)
	}

	// Confusion.
	if few {
		fmt.Fprintf(&b, "\nconfusion of the generated %s (row: class asked for, column: class the judge reads)\n", noun)
		rows := label // with names, "3 cat"
		rowWidth := width - 2
		if r.Names != nil {
			rows = make([]string, k)
			for c := range rows {
				rows[c] = strconv.Itoa(c) + " " + label[c]
				rowWidth = max(rowWidth, utf8.RuneCountInString(rows[c]))
			}
		}
		fmt.Fprintf(&b, "%-*s", rowWidth, "")
		for c := range k {
			fmt.Fprintf(&b, " %5d", c)
		}
		b.WriteString("\n")
		for c, cm := range r.Generated.Confusion {
			fmt.Fprintf(&b, "%-*s", rowWidth, rows[c])
			for _, v := range cm {
				fmt.Fprintf(&b, " %5d", v)
			}
			b.WriteString("\n")
		}
	} else {
		writeConfusions(&b, r.Generated.Confusion, label, noun)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// writeConfusions writes the TableWorst largest counts off the diagonal
// of a confusion matrix (ties in class order).
func writeConfusions(b *strings.Builder, cm [][]int, label []string, noun string) {
	type cell struct{ asked, read, n int }
	var cells []cell
	for c, row := range cm {
		for k, n := range row {
			if k != c && n > 0 {
				cells = append(cells, cell{c, k, n})
			}
		}
	}
	slices.SortStableFunc(cells, func(a, b cell) int { return b.n - a.n })
	fmt.Fprintf(b, "\nthe generated %s the judge reads as another class most often (of %d confusions in all)\n", noun, len(cells))
	if len(cells) == 0 {
		b.WriteString("none\n")
		return
	}
	fmt.Fprintf(b, "%7s  %-*s  %s\n", "count", maxNameWidth, "asked for", "read as")
	for _, x := range cells[:min(TableWorst, len(cells))] {
		fmt.Fprintf(b, "%7d  %-*s  %s\n", x.n, maxNameWidth, label[x.asked], label[x.read])
	}
}

// worst returns the TableWorst classes of the smallest values of x (of
// the largest when largest), ties and NaNs in class order, NaNs last.
func worst(x []float64, largest bool) []int {
	idx := make([]int, len(x))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		va, vb := x[a], x[b]
		switch na, nb := math.IsNaN(va), math.IsNaN(vb); {
		case na && nb:
			return 0
		case na:
			return 1
		case nb:
			return -1
		}
		if largest {
			va, vb = vb, va
		}
		return cmp.Compare(va, vb)
	})
	return idx[:min(TableWorst, len(idx))]
}

// mean returns the mean of the values of x that are not NaN (NaN for
// none).
func mean(x []float64) float64 {
	var sum float64
	n := 0
	for _, v := range x {
		if !math.IsNaN(v) {
			sum += v
			n++
		}
	}
	if n == 0 {
		return math.NaN()
	}
	return sum / float64(n)
}

// cut returns s, or its first n−1 runes and "…" when it has more than n.
func cut(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// The report of acgan-eval: the rows of the generated and the real digits,
// as a table for people or JSON for scripts.

package eval

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"acgan/pkg/judge"
)

// Report is the evaluation of one model.
type Report struct {
	Model     string `json:"model"`     // the model file
	Objective string `json:"objective"` // its training objective
	Iteration int64  `json:"iteration"` // its training iterations
	PerClass  int    `json:"per_class"` // digits generated per class
	Seed      uint64 `json:"seed"`      // seed of the generated noise

	JudgePath         string  `json:"judge"`               // the judge file
	JudgeTestAccuracy float64 `json:"judge_test_accuracy"` // measured when it was trained

	// Generated: the model's digits, read as the class asked for.
	Generated Row `json:"generated"`
	// RealTrain: the first PerClass real training digits of each class
	// (fewer if the input holds fewer); its Frechet is the floor.
	RealTrain Row `json:"real_train"`
	// RealTest: the real test digits the others are compared with.
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
func (r *Report) WriteTable(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s, %d iterations; %d digits per class, seed %d\n", r.Model, r.Objective, r.Iteration, r.PerClass, r.Seed)
	fmt.Fprintf(&b, "judge: %s (%s on the MNIST test digits)\n\n", r.JudgePath, pct(r.JudgeTestAccuracy))
	fmt.Fprintf(&b, "%-12s %7s %9s %9s %9s %9s %10s\n", "", "digits", "accuracy", "Fréchet", "precision", "recall", "diversity")
	for _, x := range []struct {
		name string
		row  *Row
		note string
	}{{"generated", &r.Generated, ""}, {"real train", &r.RealTrain, "   <- the floor"}, {"real test", &r.RealTest, ""}} {
		fmt.Fprintf(&b, "%-12s %7d %9s %9s %9s %9s %10s%s\n", x.name, x.row.Digits, pct(x.row.Accuracy), fixed(x.row.Frechet, 2),
			fixed(x.row.Precision, 2), fixed(x.row.Recall, 2), fixed(x.row.Diversity, 2), x.note)
	}
	b.WriteString("\nper class       accuracy                    diversity\n")
	fmt.Fprintf(&b, "%-7s %10s %10s %10s %10s %10s\n", "class", "generated", "real train", "real test", "generated", "real train")
	for c := 0; c < judge.Classes; c++ {
		fmt.Fprintf(&b, "%-7d %10s %10s %10s %10s %10s\n", c, pct(r.Generated.ClassAccuracy[c]), pct(r.RealTrain.ClassAccuracy[c]),
			pct(r.RealTest.ClassAccuracy[c]), fixed(r.Generated.ClassDiversity[c], 2), fixed(r.RealTrain.ClassDiversity[c], 2))
	}
	b.WriteString("\nper class      Fréchet              precision              recall\n")
	fmt.Fprintf(&b, "%-7s %10s %10s %10s %10s %10s %10s\n", "class", "generated", "real train", "generated", "real train", "generated", "real train")
	for c := 0; c < judge.Classes; c++ {
		fmt.Fprintf(&b, "%-7d %10s %10s %10s %10s %10s %10s\n", c,
			fixed(r.Generated.ClassFrechet[c], 2), fixed(r.RealTrain.ClassFrechet[c], 2),
			fixed(r.Generated.ClassPrecision[c], 2), fixed(r.RealTrain.ClassPrecision[c], 2),
			fixed(r.Generated.ClassRecall[c], 2), fixed(r.RealTrain.ClassRecall[c], 2))
	}
	b.WriteString("\nconfusion of the generated digits (row: class asked for, column: class the judge reads)\n")
	b.WriteString("     ")
	for k := 0; k < judge.Classes; k++ {
		fmt.Fprintf(&b, " %5d", k)
	}
	b.WriteString("\n")
	for c, cm := range r.Generated.Confusion {
		fmt.Fprintf(&b, "%-5d", c)
		for _, v := range cm {
			fmt.Fprintf(&b, " %5d", v)
		}
		b.WriteString("\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

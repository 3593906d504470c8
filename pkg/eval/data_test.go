package eval

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"acgan/internal/shapes"
	"acgan/pkg/judge"
)

// TestEvaluateData runs acgan-eval's evaluation on a user's images (16×16
// RGB shapes of 3 classes): the judge is trained on the kept part of each
// class and cached under their key, the held-out part is the test row, a
// generator drawing real shapes is read right, and mismatches are refused.
func TestEvaluateData(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	t.Setenv("HOME", t.TempDir())
	data, err := shapes.Set(300, 16, 3, 3, 1)
	if err != nil {
		t.Fatal(err)
	}
	geom := judge.Geometry{Channels: 3, Size: 16, Classes: 3}
	others, _ := shapes.Set(90, 16, 3, 3, 2)
	drawn, err := judge.NewSet(others)
	if err != nil {
		t.Fatal(err)
	}
	g := &realDigits{d: drawn}
	opt := Options{PerClass: 20, Seed: 1, Data: data, DataName: "shapes.tzst"}
	rep, err := Evaluate(context.Background(), g, geom, 100, opt)
	if err != nil {
		t.Fatal(err)
	}
	train, _, _ := judge.Split(data)
	key := judge.DataKey(train)
	path, _ := judge.DefaultPathFor(key)
	if _, err := os.Stat(path); err != nil || filepath.Base(path) != "judge-v1-"+key[:16]+".tzst" {
		t.Errorf("the cached judge %s: %v", path, err)
	}
	t.Logf("shapes: judge %.1f%%, generated %.1f%%, Fréchet %.2f (floor %.2f), diversity %.2f", 100*rep.JudgeTestAccuracy, 100*rep.Generated.Accuracy, rep.Generated.Frechet, rep.RealTrain.Frechet, rep.Generated.Diversity)
	if rep.Real != "shapes.tzst" || rep.JudgePath != path || rep.JudgeKey != key || rep.Classes != 3 || !slices.Equal(rep.Names, shapes.Names[:3]) {
		t.Errorf("report: real %q, judge %q key %q, %d classes %v", rep.Real, rep.JudgePath, rep.JudgeKey, rep.Classes, rep.Names)
	}
	if rep.RealTest.Digits != 60 || rep.RealTrain.Digits != 60 || rep.Generated.Digits != 60 {
		t.Errorf("rows of %d, %d, %d images; want 60 held out, 20 kept and 20 generated of each class", rep.RealTest.Digits, rep.RealTrain.Digits, rep.Generated.Digits)
	}
	if rep.JudgeTestAccuracy < 0.8 || rep.Generated.Accuracy < 0.8 {
		t.Errorf("the judge reads %.2f of the held-out shapes and %.2f of the drawn ones right; want ≥ 0.8 (chance is 0.33)", rep.JudgeTestAccuracy, rep.Generated.Accuracy)
	}
	if math.IsNaN(rep.Generated.Precision) || math.IsNaN(rep.Generated.ClassFrechet[2]) {
		t.Errorf("precision %v, class Fréchet %v", rep.Generated.Precision, rep.Generated.ClassFrechet)
	}
	var tab bytes.Buffer
	rep.WriteTable(&tab)
	for _, want := range []string{"20 images per class", "on the 60 held-out images of shapes.tzst", "\nsquare ", "\nring ", "\n0 square ", "\n2 plus "} {
		if !strings.Contains(tab.String(), want) {
			t.Errorf("table without %q:\n%s", want, tab.String())
		}
	}
	var js bytes.Buffer
	rep.WriteJSON(&js)
	var back struct {
		Names []string `json:"class_names"`
		Real  string   `json:"real"`
		Key   string   `json:"judge_key"`
	}
	if err := json.Unmarshal(js.Bytes(), &back); err != nil || !slices.Equal(back.Names, shapes.Names[:3]) || back.Real != "shapes.tzst" || back.Key != key {
		t.Errorf("JSON %+v, %v", back, err)
	}

	// The second time, the cached judge; the same report.
	rep2, err := Evaluate(context.Background(), &realDigits{d: drawn}, geom, 100, opt)
	if err != nil {
		t.Fatal(err)
	}
	if rep2.Generated.Frechet != rep.Generated.Frechet || rep2.JudgeTestAccuracy != rep.JudgeTestAccuracy {
		t.Error("the cached judge gave another report")
	}

	// Mismatches.
	for _, c := range []struct {
		name string
		geom judge.Geometry
		opt  func(o *Options)
		want string
	}{
		{"another geometry", judge.MNIST, nil, "shapes.tzst holds 16×16 RGB images of 3 classes; the model makes 28×28 gray images of 10 classes"},
		{"other names", geom, func(o *Options) { o.Names = []string{"a", "b", "c"} }, `shapes.tzst names its classes "square", "ring", "plus"; the model names them "a", "b", "c"`},
		{"a judge of other images", geom, func(o *Options) {
			o.Data, _ = shapes.Set(300, 16, 3, 3, 3)
			o.JudgePath = path
		}, "was trained on other images"},
		{"no real images for a model of shapes", geom, func(o *Options) { o.Data = nil }, "the model makes 16×16 RGB images of 3 classes, and MNIST's digits are 28×28 gray images of 10 classes"},
		{"a class of 4 images", geom, func(o *Options) { o.Data, _ = shapes.Set(11, 16, 3, 3, 3) }, "shapes.tzst: judge: class square has 4 images; the judge needs at least 5 of each class"},
	} {
		o := opt
		if c.opt != nil {
			c.opt(&o)
		}
		_, err := Evaluate(context.Background(), &realDigits{d: drawn}, c.geom, 100, o)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want an error with %q", c.name, err, c.want)
		}
	}
}

// TestTableManyClasses: with more than MaxTableClasses classes the table
// lists the worst classes, a mean, and the largest confusions.
func TestTableManyClasses(t *testing.T) {
	const k = 25
	row := func(acc func(c int) float64) Row {
		r := Row{Digits: 10 * k, Confusion: make([][]int, k)}
		for _, x := range []*[]float64{&r.ClassAccuracy, &r.ClassFrechet, &r.ClassPrecision, &r.ClassRecall, &r.ClassDiversity, &r.ClassDistance} {
			*x = make([]float64, k)
		}
		for c := range k {
			r.ClassAccuracy[c] = acc(c)
			r.ClassFrechet[c] = float64(c)
			r.Confusion[c] = make([]int, k)
			r.Confusion[c][c] = 10
		}
		return r
	}
	rep := &Report{Model: "m.bin", Objective: "paper", PerClass: 10, Seed: 1, Classes: k, Real: "d.tzst", JudgePath: "j.tzst",
		Generated: row(func(c int) float64 { return 1 - float64(c%7)/10 }),
		RealTrain: row(func(int) float64 { return 1 }), RealTest: row(func(int) float64 { return 1 })}
	rep.Generated.ClassAccuracy[24] = math.NaN()
	rep.Generated.Confusion[3][3], rep.Generated.Confusion[3][9] = 2, 8
	rep.Generated.Confusion[5][3], rep.Generated.Confusion[5][5] = 8, 2
	rep.Generated.Confusion[7][1] = 8
	for c := range k {
		rep.Names = append(rep.Names, "class-"+string(rune('a'+c)))
	}
	rep.Names[6] = "a name longer than sixteen"
	var b bytes.Buffer
	if err := rep.WriteTable(&b); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	t.Log("\n" + out)
	// Accuracy 0.4 for classes 6, 13 and 20, 0.5 for 5, 12, 19, ...: the
	// ten lowest in that order, ties in class order, the NaN last.
	acc := section(out, "lowest generated accuracy", "largest generated Fréchet")
	var names []string
	for _, l := range strings.Split(acc, "\n")[4:14] {
		names = append(names, strings.Fields(l)[0])
	}
	if want := []string{"a", "class-n", "class-u", "class-f", "class-m", "class-t", "class-e", "class-l", "class-s", "class-d"}; !slices.Equal(names, want) {
		t.Errorf("worst classes by accuracy %v, want %v", names, want)
	}
	if !strings.Contains(acc, "a name longer t… ") || !strings.Contains(acc, "\nmean of 25 ") {
		t.Errorf("accuracy section:\n%s", acc)
	}
	fd := section(out, "largest generated Fréchet", "reads as another class")
	lines := strings.Split(fd, "\n")
	if f := strings.Fields(lines[4]); len(f) < 2 || f[0] != "class-y" || f[1] != "24.00" || !strings.HasPrefix(lines[13], "class-p ") || strings.Contains(fd, "class-o ") {
		t.Errorf("Fréchet section, want classes 24 down to 15:\n%s", fd)
	}
	for _, want := range []string{"(of 3 confusions in all)", "      8  class-d           class-j\n", "      8  class-f           class-d\n", "      8  class-h           class-b\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("confusions without %q", want)
		}
	}
	if strings.Contains(out, "confusion of the generated") {
		t.Error("a confusion matrix of 25 classes")
	}
}

// section returns the part of s from the line holding from to the line
// holding to.
func section(s, from, to string) string {
	i := strings.Index(s, from)
	j := strings.Index(s, to)
	if i < 0 || j < i {
		return ""
	}
	return s[i:j]
}

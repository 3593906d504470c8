package eval

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"acgan/pkg/acgan"
	"acgan/pkg/dataset"
	"acgan/pkg/judge"
	"acgan/pkg/mnist"
	"acgan/pkg/status"
)

// px is the number of values of an MNIST digit.
var px = judge.MNIST.Pixels()

// sameDigit is a broken generator: the same image whatever it is asked for.
type sameDigit struct{ img []float32 }

func (g sameDigit) Generate(z []float32, labels []int) ([]float32, error) {
	out := make([]float32, 0, len(labels)*len(g.img))
	for range labels {
		out = append(out, g.img...)
	}
	return out, nil
}

// realDigits is a perfect generator: real digits of the class asked for,
// taken in turn.
type realDigits struct {
	d    *judge.Set
	next [10]int
}

func (g *realDigits) Generate(z []float32, labels []int) ([]float32, error) {
	var out []float32
	for _, c := range labels {
		for {
			i := g.next[c] % g.d.Len()
			g.next[c]++
			if g.d.Labels[i] == c {
				px := g.d.Geom.Pixels()
				out = append(out, g.d.Images[i*px:(i+1)*px]...)
				break
			}
		}
	}
	return out, nil
}

func TestFakeGenerators(t *testing.T) {
	j, train, test := fixtureJudge(t)
	ref := NewReference(j, j.Test)
	// The test row: the judge's accuracy on the test digits, diversity 1.
	if ref.Test.Digits != 100 || ref.Test.Accuracy != j.TestAccuracy || ref.Test.Diversity != 1 || !math.IsNaN(ref.Test.Frechet) {
		t.Errorf("test row %+v", ref.Test)
	}

	// The same digit (a training digit the judge reads right) for every
	// label: right for exactly one class in ten, no diversity at all.
	seven := -1
	for i, c := range train.Labels {
		if c == 7 {
			seven = i
			break
		}
	}
	same, err := ref.Generated(sameDigit{train.Images[seven*px : (seven+1)*px]}, 100, 20, 1)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("same digit: accuracy %.3f, Fréchet %.2f, diversity %.3f", same.Accuracy, same.Frechet, same.Diversity)
	if same.Digits != 200 || same.Accuracy != 0.1 {
		t.Errorf("same digit: %d digits, accuracy %v, want 200 and 0.1", same.Digits, same.Accuracy)
	}
	for c := range judge.MNIST.Classes {
		want := 0.0
		if c == 7 {
			want = 1
		}
		if same.ClassAccuracy[c] != want || same.Confusion[c][7] != 20 {
			t.Errorf("same digit: class %d accuracy %v, confusion row %v", c, same.ClassAccuracy[c], same.Confusion[c])
		}
	}
	if same.Diversity != 0 {
		t.Errorf("same digit: diversity %v, want 0", same.Diversity)
	}

	// Real training digits of the class asked for: read about as well as
	// the test digits, about as varied, and much closer in Fréchet distance.
	good, err := ref.Generated(&realDigits{d: train}, 100, 10, 1)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("real digits: accuracy %.3f, Fréchet %.2f, diversity %.3f", good.Accuracy, good.Frechet, good.Diversity)
	if good.Accuracy < 0.95 {
		t.Errorf("real digits: accuracy %v, want ≥ 0.95 (the judge learnt them)", good.Accuracy)
	}
	if good.Diversity < 0.7 || good.Diversity > 1.3 {
		t.Errorf("real digits: diversity %v, want about 1", good.Diversity)
	}
	if !(good.Frechet < same.Frechet/2) {
		t.Errorf("real digits: Fréchet %v, not well below the same digit's %v", good.Frechet, same.Frechet)
	}
	// The stored statistics are those of the test digits.
	st, err := j.Stats(test)
	if err != nil {
		t.Fatal(err)
	}
	if st.Gauss.N != 100 || st.Accuracy() != j.TestAccuracy || st.ClassDistance[3] != j.Test.ClassDistance[3] {
		t.Errorf("Stats of the test digits: %d digits, accuracy %v", st.Gauss.N, st.Accuracy())
	}
	// Score of the test digits themselves: Fréchet ~0, diversity 1.
	self, err := ref.Score(test.Images, test.Labels)
	if err != nil {
		t.Fatal(err)
	}
	if self.Frechet > 1e-6 || math.Abs(self.Diversity-1) > 1e-12 || self.Accuracy != j.TestAccuracy {
		t.Errorf("test digits against themselves: %+v", self)
	}
}

func TestGenerateACGAN(t *testing.T) {
	j, _, _ := fixtureJudge(t)
	ref := NewReference(j, j.Test)
	g := acgan.NewGenerator(acgan.DefaultConfig(), rand.New(rand.NewPCG(1, 2)))
	a, err := ref.Generated(g, 100, 10, 5)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := ref.Generated(g, 100, 10, 5)
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	if !bytes.Equal(ja, jb) {
		t.Error("the same seed gave different figures")
	}
	c, _ := ref.Generated(g, 100, 10, 6)
	if c.Frechet == a.Frechet {
		t.Error("another seed gave the same Fréchet distance")
	}
	// An untrained generator draws nearly the same blur for everything.
	if a.Diversity > 0.2 {
		t.Errorf("untrained generator: diversity %v, want low", a.Diversity)
	}
	imgs, labels, err := Generate(g, judge.MNIST, 100, 3, 5)
	if err != nil || len(imgs) != 30*px || labels[0] != 0 || labels[3] != 1 || labels[29] != 9 {
		t.Errorf("Generate: %d values, labels %v, %v", len(imgs), labels, err)
	}
	if _, _, err := Generate(g, judge.MNIST, 99, 3, 5); err == nil {
		t.Error("wrong latent size: no error")
	}
	if _, _, err := Generate(g, judge.MNIST, 100, 1, 5); err == nil {
		t.Error("1 digit per class: no error")
	}
	if _, err := ref.Score(imgs[:px], labels[:2]); err == nil {
		t.Error("Score with 1 image for 2 labels: no error")
	}
}

// TestEvaluate runs the whole evaluation as acgan-eval does on the
// fixtures: the judge is trained on first use and saved, then loaded.
func TestEvaluate(t *testing.T) {
	dir := filepath.Join("..", "..", "testdata", "mnist")
	f, err := os.Open(filepath.Join(dir, "SHA256SUMS"))
	if err != nil {
		t.Fatal(err)
	}
	sums, err := mnist.ParseSums(f, "SHA256SUMS")
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	fetch := mnist.New(mnist.Config{Dir: dir, Sums: sums, Offline: true, NoCache: true})
	path := filepath.Join(t.TempDir(), "sub", "judge.tzst")
	var notes bytes.Buffer
	g := acgan.NewGenerator(acgan.DefaultConfig(), rand.New(rand.NewPCG(1, 2)))
	opt := Options{PerClass: 5, Seed: 1, JudgePath: path, Fetcher: fetch, Status: status.New(&notes, false, "")}
	rep, err := Evaluate(context.Background(), g, judge.MNIST, 100, opt)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(notes.String(), "training the judge: epoch 3/3") || !strings.Contains(notes.String(), "judge saved to "+path) {
		t.Errorf("notes:\n%s", notes.String())
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatal(err)
	}
	if rep.Generated.Digits != 50 || rep.RealTest.Digits != 100 || rep.RealTrain.Digits != 50 {
		t.Errorf("digits %d %d %d, want 50, 100, 50", rep.Generated.Digits, rep.RealTest.Digits, rep.RealTrain.Digits)
	}
	// The second time the judge is loaded, and the same input gives the
	// same report.
	notes.Reset()
	rep2, err := Evaluate(context.Background(), g, judge.MNIST, 100, opt)
	if err != nil {
		t.Fatal(err)
	}
	// A judge trained on 100 digits is poor, and says so.
	if want := "warning: the judge reads only "; !strings.HasPrefix(notes.String(), want) || strings.Count(notes.String(), "\n") != 1 {
		t.Errorf("notes the second time: %q, want only %q...", notes.String(), want)
	}
	rep.Seconds, rep2.Seconds = 0, 0
	var t1, t2 bytes.Buffer
	rep.WriteTable(&t1)
	rep2.WriteTable(&t2)
	if t1.String() != t2.String() {
		t.Errorf("two runs differ:\n%s\n%s", t1.String(), t2.String())
	}
	// Real digits from a stream are used instead of the sources.
	train, _ := fixtures(t)
	opt.Real = map[string]*dataset.Set{"train": train.Set()}
	opt.PerClass = 2
	rep3, err := Evaluate(context.Background(), g, judge.MNIST, 100, opt)
	if err != nil {
		t.Fatal(err)
	}
	if rep3.RealTrain.Digits != 20 {
		t.Errorf("real train digits from the stream: %d, want 20", rep3.RealTrain.Digits)
	}

	var js bytes.Buffer
	if err := rep.WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	var back map[string]any
	if err := json.Unmarshal(js.Bytes(), &back); err != nil {
		t.Fatalf("JSON: %v\n%s", err, js.String())
	}
	if rt := back["real_test"].(map[string]any); rt["frechet"] != nil || rt["diversity"] != 1.0 || rt["precision"] != nil || rt["recall"] != nil {
		t.Errorf("real_test in JSON: frechet %v diversity %v precision %v recall %v", rt["frechet"], rt["diversity"], rt["precision"], rt["recall"])
	}
	for _, name := range []string{"generated", "real_train"} {
		r := back[name].(map[string]any)
		if _, ok := r["precision"].(float64); !ok {
			t.Errorf("%s.precision in JSON: %v, want a number", name, r["precision"])
		}
		if _, ok := r["recall"].(float64); !ok {
			t.Errorf("%s.recall in JSON: %v, want a number", name, r["recall"])
		}
		for _, key := range []string{"class_frechet", "class_precision", "class_recall"} {
			if a, ok := r[key].([]any); !ok || len(a) != 10 {
				t.Errorf("%s.%s in JSON: %v, want %d figures", name, key, r[key], 10)
			}
		}
	}
}

func TestQuick(t *testing.T) {
	j, _, _ := fixtureJudge(t)
	ref := NewReference(j, j.Test)
	g := acgan.NewGenerator(acgan.DefaultConfig(), rand.New(rand.NewPCG(1, 2)))
	f, err := ref.Quick(g, 100, 10, 3)
	if err != nil {
		t.Fatal(err)
	}
	row, _ := ref.Generated(g, 100, 10, 3)
	if f.Accuracy != row.Accuracy || f.Frechet != row.Frechet || f.Diversity != row.Diversity || f.PerClass != 10 {
		t.Errorf("quick %+v, row %+v", f, row)
	}
	b, _ := json.Marshal(f)
	if !strings.Contains(string(b), `"eval_acc":`) || !strings.Contains(f.String(), "eval acc ") {
		t.Errorf("%s / %s", b, f)
	}
}

func TestScoreSample(t *testing.T) {
	j, train, test := fixtureJudge(t)
	ref := NewReference(j, j.Test)
	// Without the test digits themselves: no precision, recall or
	// per-class Fréchet distance.
	row, err := ref.Score(train.Images, train.Labels)
	if err != nil {
		t.Fatal(err)
	}
	if !math.IsNaN(row.Precision) || !math.IsNaN(row.Recall) || !math.IsNaN(row.ClassFrechet[0]) || !math.IsNaN(row.ClassRecall[0]) {
		t.Errorf("without a sample: precision %v, recall %v, class Fréchet %v", row.Precision, row.Recall, row.ClassFrechet)
	}
	testFeats, _, err := j.Read(test.Images)
	if err != nil {
		t.Fatal(err)
	}
	if ref.Sample, err = NewTestSample(testFeats, test.Labels, 10, 20); err != nil {
		t.Fatal(err)
	}
	// The test digits against themselves: all inside, Fréchet 0; class 8
	// has two test digits, too few for a third neighbour.
	self, err := ref.Score(test.Images, test.Labels)
	if err != nil {
		t.Fatal(err)
	}
	if self.Precision != 1 || self.Recall != 1 {
		t.Errorf("test digits against themselves: precision %v, recall %v", self.Precision, self.Recall)
	}
	for c := range judge.MNIST.Classes {
		n := 0
		for _, l := range test.Labels {
			if l == c {
				n++
			}
		}
		p, r, fd := self.ClassPrecision[c], self.ClassRecall[c], self.ClassFrechet[c]
		if n > Neighbours && (p != 1 || r != 1) || n <= Neighbours && !(math.IsNaN(p) && math.IsNaN(r)) {
			t.Errorf("class %d (%d test digits) against itself: precision %v, recall %v", c, n, p, r)
		}
		if n >= 2 && !(fd < 1e-9) || n < 2 && !math.IsNaN(fd) {
			t.Errorf("class %d (%d test digits) against itself: Fréchet %v", c, n, fd)
		}
	}
	// One training 7 for every class, a collapse onto a real digit: the 7s
	// lie among the real 7s (high precision), but no test digit lies in a
	// ball of radius 0 (no recall, overall or for the 7s).
	seven := -1
	for i, c := range train.Labels {
		if c == 7 {
			seven = i
			break
		}
	}
	same, err := ref.Generated(sameDigit{train.Images[seven*px : (seven+1)*px]}, 100, 20, 1)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("same digit: precision %v, recall %v, 7s: %v, %v", same.Precision, same.Recall, same.ClassPrecision[7], same.ClassRecall[7])
	if same.Recall != 0 || same.ClassRecall[7] != 0 || !(same.ClassPrecision[7] > 0.5) {
		t.Errorf("same digit: recall %v, of the 7s %v, precision of the 7s %v; want 0, 0 and high", same.Recall, same.ClassRecall[7], same.ClassPrecision[7])
	}
	// Real training digits of the class asked for cover much of the test
	// digits.
	good, err := ref.Generated(&realDigits{d: train}, 100, 10, 1)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("real digits: precision %v, recall %v", good.Precision, good.Recall)
	if !(good.Precision > 0.5 && good.Recall > 0.5) {
		t.Errorf("real digits: precision %v, recall %v; want both above 0.5", good.Precision, good.Recall)
	}
}

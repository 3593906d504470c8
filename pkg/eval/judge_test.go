package eval

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"acgan/pkg/mnist"
	"acgan/pkg/tensor"
)

// fixtureRecipe trains a judge on the 100 fixture digits in a few seconds.
var fixtureRecipe = TrainOptions{Seed: 7, Epochs: 20, Batch: 20, LR: 1e-3, Decay: 1}

var (
	fixtureOnce  sync.Once
	fixtureJ     *Judge
	fixtureErr   error
	fixtureTrain *Digits
	fixtureTest  *Digits
)

// fixtureJudge returns a judge trained on the fixture's training digits
// (once per test binary) and the fixture's digits.
func fixtureJudge(t testing.TB) (*Judge, *Digits, *Digits) {
	t.Helper()
	fixtureOnce.Do(func() {
		tr, te := fixtures(t)
		fixtureTrain, fixtureTest = FromDataset(tr), FromDataset(te)
		fixtureJ, fixtureErr = TrainJudge(context.Background(), fixtureTrain, fixtureTest, fixtureRecipe)
	})
	if fixtureErr != nil {
		t.Fatal(fixtureErr)
	}
	return fixtureJ, fixtureTrain, fixtureTest
}

// TestJudgeFixture: a judge trained on the 100 fixture training digits
// learns them all and reads most of the 100 (unseen) test digits right;
// its measured accuracy is what it says.
func TestJudgeFixture(t *testing.T) {
	j, train, test := fixtureJudge(t)
	acc, err := j.Accuracy(train)
	if err != nil {
		t.Fatal(err)
	}
	if acc < 0.99 {
		t.Errorf("accuracy on its 100 training digits %.2f, want ≥ 0.99", acc)
	}
	tacc, _ := j.Accuracy(test)
	t.Logf("fixture judge: %.0f%% of its training digits, %.0f%% of the test digits", 100*acc, 100*tacc)
	if tacc != j.TestAccuracy {
		t.Errorf("TestAccuracy %v, measured %v", j.TestAccuracy, tacc)
	}
	if tacc < 0.6 {
		t.Errorf("accuracy on the 100 test digits %.2f, want ≥ 0.6 (chance is 0.1)", tacc)
	}
	if j.Info["train_digits"] != "100" || j.Info["epochs"] != "20" {
		t.Errorf("info %v", j.Info)
	}
}

func TestJudgeDeterministic(t *testing.T) {
	_, train, test := fixtureJudge(t)
	opt := TrainOptions{Seed: 3, Epochs: 1, Batch: 32}
	var out [2]bytes.Buffer
	for i := range out {
		j, err := TrainJudge(context.Background(), train, test, opt)
		if err != nil {
			t.Fatal(err)
		}
		if err := j.Save(&out[i]); err != nil {
			t.Fatal(err)
		}
	}
	if !bytes.Equal(out[0].Bytes(), out[1].Bytes()) {
		t.Error("the same seed gave two different judges")
	}
	opt.Seed = 4
	j, _ := TrainJudge(context.Background(), train, test, opt)
	var other bytes.Buffer
	j.Save(&other)
	if bytes.Equal(other.Bytes(), out[0].Bytes()) {
		t.Error("another seed gave the same judge")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := TrainJudge(ctx, train, test, opt); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}

func TestJudgeFile(t *testing.T) {
	j, _, test := fixtureJudge(t)
	var b bytes.Buffer
	if err := j.Save(&b); err != nil {
		t.Fatal(err)
	}
	k, err := LoadJudge(bytes.NewReader(b.Bytes()), "j.tzst")
	if err != nil {
		t.Fatal(err)
	}
	if k.TestAccuracy != j.TestAccuracy || k.Info["seed"] != "7" {
		t.Errorf("loaded accuracy %v info %v", k.TestAccuracy, k.Info)
	}
	var b2 bytes.Buffer
	k.Save(&b2)
	if !bytes.Equal(b.Bytes(), b2.Bytes()) {
		t.Error("save(load(file)) differs from file")
	}
	if k.Test.Gauss.N != 100 || k.Test.Confusion[7][7] != j.Test.Confusion[7][7] {
		t.Errorf("loaded test statistics: %d digits", k.Test.Gauss.N)
	}
	for i, v := range j.Test.Gauss.Mean {
		if math.Abs(k.Test.Gauss.Mean[i]-v) > 1e-13*math.Abs(v) {
			t.Fatalf("mean[%d] = %v after loading, %v before", i, k.Test.Gauss.Mean[i], v)
		}
	}
	for i := range Features {
		for l := range Features {
			if a, b := j.Test.Gauss.Cov.At(i, l), k.Test.Gauss.Cov.At(i, l); math.Abs(a-b) > 1e-13*math.Abs(a) {
				t.Fatalf("cov[%d][%d] = %v after loading, %v before", i, l, b, a)
			}
		}
	}
	fa, ca, _ := j.Read(test.Images)
	fb, cb, _ := k.Read(test.Images)
	for i := range fa {
		if fa[i] != fb[i] {
			t.Fatalf("feature %d: %v after loading, %v before", i, fb[i], fa[i])
		}
	}
	for i := range ca {
		if ca[i] != cb[i] {
			t.Fatalf("class %d differs", i)
		}
	}

	ts, err := tensor.ReadAll(bytes.NewReader(b.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	edit := func(f func(ts []*tensor.Tensor) []*tensor.Tensor) []byte {
		c, _ := tensor.ReadAll(bytes.NewReader(b.Bytes()))
		return stream(t, f(c)...)
	}
	for _, c := range []struct {
		name string
		in   []byte
		want string
	}{
		{"empty", nil, "j.tzst: not a judge file"},
		{"model", stream(t, tensor.NewUint8("acgan.model", []int{0}, nil)), "not a judge file"},
		{"truncated", b.Bytes()[:b.Len()/2], "truncated"},
		{"format", edit(func(c []*tensor.Tensor) []*tensor.Tensor { c[0].Meta["format"] = "2"; return c }), `judge format version "2" not supported`},
		{"arch", edit(func(c []*tensor.Tensor) []*tensor.Tensor { c[0].Meta["arch"] = "resnet"; return c }), `architecture "resnet" not supported`},
		{"accuracy", edit(func(c []*tensor.Tensor) []*tensor.Tensor { c[0].Meta["test_accuracy"] = "high"; return c }), "test_accuracy"},
		{"missing", edit(func(c []*tensor.Tensor) []*tensor.Tensor { return c[:len(c)-1] }), `tensor "test.confusion" missing`},
		{"no test statistics", edit(func(c []*tensor.Tensor) []*tensor.Tensor { return c[:len(c)-4] }), `tensor "test.mean" missing`},
		{"negative count", edit(func(c []*tensor.Tensor) []*tensor.Tensor { c[len(c)-1].I32[3] = -1; return c }), `"test.confusion": negative count -1`},
		{"accuracy disagrees", edit(func(c []*tensor.Tensor) []*tensor.Tensor { c[len(c)-1].I32[0]++; return c }), "disagrees with the test confusion matrix"},
		{"asymmetric", edit(func(c []*tensor.Tensor) []*tensor.Tensor { c[len(c)-3].F32[1] += 1; return c }), `"test.cov" is not symmetric`},
		{"distance", edit(func(c []*tensor.Tensor) []*tensor.Tensor { c[len(c)-2].F32[4] = 0; c[len(c)-2].F32[14] = 0; return c }), `class 4: 0 is not a positive distance`},
		{"twice", edit(func(c []*tensor.Tensor) []*tensor.Tensor { return append(c, c[1]) }), `"j.conv1.w" appears twice`},
		{"unknown", edit(func(c []*tensor.Tensor) []*tensor.Tensor { return append(c, tensor.NewFloat32("x", []int{1}, nil)) }), `unexpected tensor "x"`},
		{"shape", edit(func(c []*tensor.Tensor) []*tensor.Tensor {
			c[2] = tensor.NewFloat32(c[2].Name, []int{31}, nil)
			return c
		}), `"j.conv1.b" is float32 31; want float32 32`},
		{"nan", edit(func(c []*tensor.Tensor) []*tensor.Tensor { c[1].F32[4] = float32(math.NaN()); return c }), `"j.conv1.w": value 4 is NaN`},
	} {
		_, err := LoadJudge(bytes.NewReader(c.in), "j.tzst")
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one with %q", c.name, err, c.want)
		}
	}
	_ = ts

	// OpenJudge reads an existing file and refuses a broken one.
	dir := t.TempDir()
	path := filepath.Join(dir, "j.tzst")
	if _, err := LoadJudgeFile(path); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
	writeFile(t, path, b.Bytes())
	if k, err := OpenJudge(context.Background(), path, nil, nil); err != nil || k.TestAccuracy != j.TestAccuracy {
		t.Errorf("OpenJudge: %v", err)
	}
	writeFile(t, path, b.Bytes()[:100])
	if _, err := OpenJudge(context.Background(), path, nil, nil); err == nil || !strings.Contains(err.Error(), "delete the file to train a new judge") {
		t.Errorf("OpenJudge of a broken file: %v", err)
	}
}

func TestJudgeReadErrors(t *testing.T) {
	j := NewJudge(rand.New(rand.NewPCG(1, 1)))
	if _, _, err := j.Read(make([]float32, 100)); err == nil {
		t.Error("100 values: no error")
	}
	f, c, err := j.Read(nil)
	if err != nil || len(f) != 0 || len(c) != 0 {
		t.Errorf("no images: %v %v %v", f, c, err)
	}
}

// TestCachedJudge checks the judge this machine has cached (skipped when
// there is none): it reads at least 99% of the MNIST test digits right,
// as its file says, and nearly all of the fixture's 100 test digits. With
// ACGAN_JUDGE_FULL=1 and the MNIST test split in the cache, its stored test
// statistics are recomputed from the 10000 digits and compared (a few
// seconds more).
func TestCachedJudge(t *testing.T) {
	path, err := DefaultJudgePath()
	if err != nil {
		t.Skip(err)
	}
	j, err := LoadJudgeFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		t.Skipf("no cached judge at %s (acgan-eval trains one on first use)", path)
	}
	if err != nil {
		t.Fatal(err)
	}
	if j.TestAccuracy < MinJudgeAccuracy || j.Test.Gauss.N != 10000 {
		t.Errorf("cached judge: test accuracy %v on %d digits, want ≥ %v on 10000", j.TestAccuracy, j.Test.Gauss.N, MinJudgeAccuracy)
	}
	_, test := fixtures(t)
	if acc, _ := j.Accuracy(FromDataset(test)); acc < 0.98 {
		t.Errorf("cached judge reads %.0f%% of the 100 fixture test digits right, want ≥ 98%%", 100*acc)
	}
	if os.Getenv("ACGAN_JUDGE_FULL") == "" {
		return
	}
	ds, err := mnist.New(mnist.Config{Offline: true}).Load(context.Background(), mnist.Test, 0)
	if err != nil {
		t.Skipf("MNIST test split not cached: %v", err)
	}
	st, err := j.Stats(FromDataset(ds))
	if err != nil {
		t.Fatal(err)
	}
	for c := range Classes {
		for k := range Classes {
			if st.Confusion[c][k] != j.Test.Confusion[c][k] {
				t.Fatalf("confusion[%d][%d] = %d now, %d in the file", c, k, st.Confusion[c][k], j.Test.Confusion[c][k])
			}
		}
	}
	fd, _ := Frechet(st.Gauss, j.Test.Gauss)
	if fd > 1e-6 {
		t.Errorf("Fréchet distance between the recomputed and the stored test statistics: %g", fd)
	}
	t.Logf("cached judge %s: %.2f%% of the MNIST test digits", path, 100*st.Accuracy())
}

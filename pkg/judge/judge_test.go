package judge

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
	fixtureTrain *Set
	fixtureTest  *Set
)

// fixtureJudge returns a judge trained on the fixture's training digits
// (once per test binary) and the fixture's digits.
func fixtureJudge(t testing.TB) (*Judge, *Set, *Set) {
	t.Helper()
	fixtureOnce.Do(func() {
		fixtureTrain, fixtureTest = fixtures(t)
		fixtureJ, fixtureErr = Train(context.Background(), fixtureTrain, fixtureTest, fixtureRecipe)
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
	if j.Info["train_images"] != "100" || j.Info["epochs"] != "20" || j.Key != train.Key || len(j.Key) != 64 {
		t.Errorf("info %v", j.Info)
	}
}

func TestJudgeDeterministic(t *testing.T) {
	_, train, test := fixtureJudge(t)
	opt := TrainOptions{Seed: 3, Epochs: 1, Batch: 32}
	var out [2]bytes.Buffer
	for i := range out {
		j, err := Train(context.Background(), train, test, opt)
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
	j, _ := Train(context.Background(), train, test, opt)
	var other bytes.Buffer
	j.Save(&other)
	if bytes.Equal(other.Bytes(), out[0].Bytes()) {
		t.Error("another seed gave the same judge")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Train(ctx, train, test, opt); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}

func TestJudgeFile(t *testing.T) {
	j, _, test := fixtureJudge(t)
	var b bytes.Buffer
	if err := j.Save(&b); err != nil {
		t.Fatal(err)
	}
	k, err := Load(bytes.NewReader(b.Bytes()), "j.tzst")
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
		_, err := Load(bytes.NewReader(c.in), "j.tzst")
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one with %q", c.name, err, c.want)
		}
	}
	_ = ts

	// Open reads an existing file and refuses a broken one.
	dir := t.TempDir()
	path := filepath.Join(dir, "j.tzst")
	if _, err := LoadFile(path); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
	writeFile(t, path, b.Bytes())
	if k, err := Open(context.Background(), path, Want{Geom: MNIST}, nil, nil); err != nil || k.TestAccuracy != j.TestAccuracy {
		t.Errorf("Open: %v", err)
	}
	writeFile(t, path, b.Bytes()[:100])
	if _, err := Open(context.Background(), path, Want{Geom: MNIST}, nil, nil); err == nil || !strings.Contains(err.Error(), "delete the file to train a new judge") {
		t.Errorf("Open of a broken file: %v", err)
	}
}

func TestJudgeReadErrors(t *testing.T) {
	j, err := New(MNIST, rand.New(rand.NewPCG(1, 1)))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := j.Read(make([]float32, 100)); err == nil {
		t.Error("100 values: no error")
	}
	f, c, err := j.Read(nil)
	if err != nil || len(f) != 0 || len(c) != 0 {
		t.Errorf("no images: %v %v %v", f, c, err)
	}
}

// fixtures returns the 100 real training and 100 test digits of
// testdata/mnist.
func fixtures(t testing.TB) (train, test *Set) {
	t.Helper()
	dir := filepath.Join("..", "..", "testdata", "mnist")
	f, err := os.Open(filepath.Join(dir, "SHA256SUMS"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sums, err := mnist.ParseSums(f, "SHA256SUMS")
	if err != nil {
		t.Fatal(err)
	}
	fe := mnist.New(mnist.Config{Dir: dir, Sums: sums, Offline: true, NoCache: true})
	load := func(split string) *Set {
		ds, err := fe.Load(context.Background(), split, 0)
		if err != nil {
			t.Fatal(err)
		}
		d, err := NewSet(ds.Set())
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	return load(mnist.Train), load(mnist.Test)
}

func stream(t *testing.T, ts ...*tensor.Tensor) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := tensor.WriteAll(&b, ts...); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func writeFile(t *testing.T, path string, b []byte) {
	t.Helper()
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestNew checks the parameters a new judge has, in the order its file
// keeps them, and Keras's initialisation: Glorot-uniform kernels, zero
// biases.
func TestNew(t *testing.T) {
	j, err := New(MNIST, rand.New(rand.NewPCG(1, 2)))
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		name  string
		shape []int
	}{
		{"j.conv1.w", []int{32, 1, 3, 3}}, {"j.conv1.b", []int{32}},
		{"j.conv2.w", []int{64, 32, 3, 3}}, {"j.conv2.b", []int{64}},
		{"j.conv3.w", []int{128, 64, 3, 3}}, {"j.conv3.b", []int{128}},
		{"j.fc1.w", []int{128, 1152}}, {"j.fc1.b", []int{128}},
		{"j.fc2.w", []int{10, 128}}, {"j.fc2.b", []int{10}},
	}
	ps := j.Params()
	if len(ps) != len(want) {
		t.Fatalf("%d parameters, want %d", len(ps), len(want))
	}
	for i, p := range ps {
		if p.Name != want[i].name || tensor.ShapeString(p.Shape) != tensor.ShapeString(want[i].shape) {
			t.Errorf("parameter %d: %s %v, want %s %v", i, p.Name, p.Shape, want[i].name, want[i].shape)
		}
		var fanIn, fanOut float64 = 1, 1
		if len(p.Shape) > 1 {
			fanOut, fanIn = float64(p.Shape[0]), float64(len(p.W)/p.Shape[0])
			if len(p.Shape) == 4 {
				fanOut *= float64(p.Shape[2] * p.Shape[3])
			}
		}
		limit := math.Sqrt(6 / (fanIn + fanOut))
		nonzero := 0
		for _, v := range p.W {
			if math.Abs(float64(v)) > limit {
				t.Fatalf("%s: %v outside ±%v", p.Name, v, limit)
			}
			if v != 0 {
				nonzero++
			}
		}
		if isKernel := len(p.Shape) > 1; isKernel != (nonzero > len(p.W)/2) {
			t.Errorf("%s: %d of %d values non-zero", p.Name, nonzero, len(p.W))
		}
	}
}

func TestFirstPerClass(t *testing.T) {
	const px = 28 * 28
	d := &Set{Geom: MNIST, Labels: []int{1, 2, 1, 1, 2, 3}, Images: make([]float32, 6*px)}
	for i := range 6 {
		d.Images[i*px] = float32(i)
	}
	s := d.FirstPerClass(2)
	if got := s.Labels; len(got) != 5 || got[0] != 1 || got[2] != 1 || got[4] != 3 {
		t.Fatalf("labels %v, want [1 2 1 2 3]", got)
	}
	if s.Images[2*px] != 2 || s.Images[3*px] != 4 {
		t.Errorf("images not the first of each class")
	}
}

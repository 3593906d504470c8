package judge

import (
	"bytes"
	"context"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"acgan/internal/shapes"
	"acgan/pkg/dataset"
	"acgan/pkg/tensor"
)

// shapesRecipe trains a judge of the shapes in a few seconds.
var shapesRecipe = TrainOptions{Seed: 1, Epochs: 3, Batch: 32, LR: 1e-3, Decay: 0.5, MinSteps: 300}

var (
	shapesOnce  sync.Once
	shapesJ     *Judge
	shapesErr   error
	shapesTrain *Set
	shapesTest  *Set
)

// shapesJudge returns a judge of 16×16 RGB shapes of 3 classes, trained
// on 480 of 600 images (once per test binary), and its two sets.
func shapesJudge(t testing.TB) (*Judge, *Set, *Set) {
	t.Helper()
	shapesOnce.Do(func() {
		var s *dataset.Set
		if s, shapesErr = shapes.Set(600, 16, 3, 3, 1); shapesErr != nil {
			return
		}
		train, test, err := Split(s)
		if err != nil {
			shapesErr = err
			return
		}
		if shapesTrain, shapesErr = NewSet(train); shapesErr != nil {
			return
		}
		if shapesTest, shapesErr = NewSet(test); shapesErr != nil {
			return
		}
		shapesJ, shapesErr = Train(context.Background(), shapesTrain, shapesTest, shapesRecipe)
	})
	if shapesErr != nil {
		t.Fatal(shapesErr)
	}
	return shapesJ, shapesTrain, shapesTest
}

// TestJudgeShapes: a judge built for 16×16 RGB images of 3 classes learns
// shapes of random colour, place and size, and reads nearly all of the
// held-out ones right.
func TestJudgeShapes(t *testing.T) {
	j, train, test := shapesJudge(t)
	if j.Geom != (Geometry{Channels: 3, Size: 16, Classes: 3}) {
		t.Fatalf("geometry %v", j.Geom)
	}
	for _, p := range j.Params() {
		switch p.Name {
		case "j.conv1.w":
			if !slices.Equal(p.Shape, []int{32, 3, 3, 3}) {
				t.Errorf("%s: %v", p.Name, p.Shape)
			}
		case "j.fc1.w":
			if !slices.Equal(p.Shape, []int{128, 128 * 2 * 2}) {
				t.Errorf("%s: %v", p.Name, p.Shape)
			}
		case "j.fc2.w":
			if !slices.Equal(p.Shape, []int{3, 128}) {
				t.Errorf("%s: %v", p.Name, p.Shape)
			}
		}
	}
	if train.Len() != 480 || test.Len() != 120 {
		t.Errorf("split %d/%d, want 480/120", train.Len(), test.Len())
	}
	acc, _ := j.Accuracy(train)
	t.Logf("shapes judge: %.1f%% of its training images, %.1f%% of the held-out ones (%s epochs)", 100*acc, 100*j.TestAccuracy, j.Info["epochs"])
	if j.TestAccuracy < 0.95 {
		t.Errorf("accuracy on the held-out shapes %.3f, want ≥ 0.95 (chance is 0.33)", j.TestAccuracy)
	}
	// 480 images in batches of 32: 15 steps an epoch, 20 epochs for 300
	// steps, and the decay of 3 epochs spread over 20.
	if j.Info["epochs"] != "20" || j.Info["lr_decay"] != "0.9012505" {
		t.Errorf("recipe %v, want 20 epochs of decay 0.5^(3/20)", j.Info)
	}
	// At most MaxEpochs: 10 epochs of decay 0.5^(3/10).
	opt := shapesRecipe
	opt.MaxEpochs = 10
	opt.Seed = 2
	short, err := Train(context.Background(), train, test, opt)
	if err != nil || short.Info["epochs"] != "10" || short.Info["lr_decay"] != "0.8122524" {
		t.Errorf("at most 10 epochs: %v, %v", short.Info, err)
	}
	if j.Key != train.Key || len(j.Key) != 64 {
		t.Errorf("key %q, want the training images' %q", j.Key, train.Key)
	}

	// The file records the geometry and key, and reads back the same.
	var b bytes.Buffer
	if err := j.Save(&b); err != nil {
		t.Fatal(err)
	}
	ts, err := tensor.ReadAll(bytes.NewReader(b.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	m := ts[0].Meta
	if m["channels"] != "3" || m["size"] != "16" || m["classes"] != "3" || m["train_sha256"] != j.Key {
		t.Errorf("header %v", m)
	}
	k, err := Load(bytes.NewReader(b.Bytes()), "j.tzst")
	if err != nil {
		t.Fatal(err)
	}
	var b2 bytes.Buffer
	k.Save(&b2)
	if k.Geom != j.Geom || k.Key != j.Key || !bytes.Equal(b.Bytes(), b2.Bytes()) {
		t.Error("save(load(file)) differs from file")
	}
	fa, _, _ := j.Read(test.Images)
	fb, _, _ := k.Read(test.Images)
	if !slices.Equal(fa, fb) {
		t.Error("the loaded judge reads otherwise")
	}
	if _, err := j.Stats(&Set{Geom: MNIST}); err == nil || !strings.Contains(err.Error(), "the judge reads 16×16 RGB images of 3 classes") {
		t.Errorf("MNIST images to a judge of shapes: %v", err)
	}

	// Broken geometry entries.
	edit := func(f func(m map[string]string)) []byte {
		c, _ := tensor.ReadAll(bytes.NewReader(b.Bytes()))
		f(c[0].Meta)
		return stream(t, c...)
	}
	for _, c := range []struct {
		name string
		in   []byte
		want string
	}{
		{"one entry missing", edit(func(m map[string]string) { delete(m, "size") }), "header has 2 of the entries channels, size and classes"},
		{"size", edit(func(m map[string]string) { m["size"] = "18" }), "images of 18×18 pixels; want a side that is a multiple of 4 from 16 to 64"},
		{"not a number", edit(func(m map[string]string) { m["classes"] = "three" }), `classes="three" is not a whole number`},
		{"other shapes", edit(func(m map[string]string) { m["size"] = "28" }), `"j.fc1.w" is float32 128x512; want float32 128x1152`},
		{"key", edit(func(m map[string]string) { m["train_sha256"] = "abc" }), `train_sha256="abc" is not 64 hex digits`},
	} {
		_, err := Load(bytes.NewReader(c.in), "j.tzst")
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one with %q", c.name, err, c.want)
		}
	}
}

// TestOpenKey: a judge is used only for the images it was trained on: a
// file of other images, or of another geometry, is refused; a MNIST judge
// written before files recorded their images is taken for MNIST.
func TestOpenKey(t *testing.T) {
	j, train, _ := shapesJudge(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "j.tzst")
	var b bytes.Buffer
	j.Save(&b)
	writeFile(t, path, b.Bytes())
	ctx := context.Background()
	if _, err := Open(ctx, path, Want{Geom: j.Geom, Key: train.Key}, nil, nil); err != nil {
		t.Errorf("the right key: %v", err)
	}
	if _, err := Open(ctx, path, Want{Geom: j.Geom}, nil, nil); err != nil {
		t.Errorf("no key wanted: %v", err)
	}
	other, _ := shapes.Set(600, 16, 3, 3, 2)
	otherKey := DataKey(other)
	_, err := Open(ctx, path, Want{Geom: j.Geom, Key: otherKey}, nil, nil)
	if want := "judge: " + path + " was trained on other images (key " + j.Key[:12] + "…) than these (" + otherKey[:12] + "…)"; err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("other images: %v, want %q…", err, want)
	}
	_, err = Open(ctx, path, Want{Geom: MNIST}, nil, nil)
	if want := "judge: " + path + " reads 16×16 RGB images of 3 classes, not 28×28 gray images of 10 classes"; err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("another geometry: %v, want %q…", err, want)
	}

	// An old MNIST judge: no key, no geometry in its file.
	mj, _, _ := fixtureJudge(t)
	old := *mj
	old.Key = ""
	var ob bytes.Buffer
	old.Save(&ob)
	ts, _ := tensor.ReadAll(bytes.NewReader(ob.Bytes()))
	for _, k := range []string{"channels", "size", "classes"} {
		delete(ts[0].Meta, k)
	}
	writeFile(t, path, stream(t, ts...))
	k, err := Open(ctx, path, Want{Geom: MNIST, Key: otherKey}, nil, nil)
	if err != nil || k.Geom != MNIST || k.Key != "" {
		t.Errorf("an old MNIST judge: %v", err)
	}
}

func TestSplit(t *testing.T) {
	s, _ := shapes.Set(103, 16, 1, 4, 3) // 26, 26, 26, 25 of each class
	train, test, err := Split(s)
	if err != nil {
		t.Fatal(err)
	}
	count := func(d *dataset.Set) []int {
		n := make([]int, d.Classes)
		for _, c := range d.Labels {
			n[c]++
		}
		return n
	}
	if got := count(test); !slices.Equal(got, []int{5, 5, 5, 5}) {
		t.Errorf("held out %v, want a fifth of each class, rounded down", got)
	}
	if got := count(train); !slices.Equal(got, []int{21, 21, 21, 20}) {
		t.Errorf("kept %v", got)
	}
	if train.Meta["split"] != "train" || test.Meta["split"] != "test" || !slices.Equal(train.Names, s.Names) {
		t.Errorf("meta %v %v, names %v", train.Meta, test.Meta, train.Names)
	}
	// Every image once, in one part or the other, each part in the order
	// of s.
	size := s.ImageSize()
	seen := map[string]int{}
	for i := range s.N {
		seen[string(s.Pixels[i*size:(i+1)*size])]++
	}
	for _, d := range []*dataset.Set{train, test} {
		last := -1
		for i := range d.N {
			img := string(d.Pixels[i*size : (i+1)*size])
			seen[img]--
			at := -1
			for k := range s.N {
				if string(s.Pixels[k*size:(k+1)*size]) == img {
					at = k
				}
			}
			if at <= last || s.Labels[at] != d.Labels[i] {
				t.Fatalf("%s image %d: at %d of the set (after %d), label %d", d.Meta["split"], i, at, last, d.Labels[i])
			}
			last = at
		}
	}
	for _, v := range seen {
		if v != 0 {
			t.Fatal("an image is not in exactly one part")
		}
	}
	again, _, _ := Split(s)
	if DataKey(again) != DataKey(train) {
		t.Error("the same set split otherwise")
	}

	// Small classes: 2 held out of 5 to 14; fewer than 5 refused.
	small, _ := shapes.Set(10, 16, 1, 2, 1)
	_, test, err = Split(small)
	if err != nil || !slices.Equal(count(test), []int{2, 2}) {
		t.Errorf("5 of each class: held out %v, %v", count(test), err)
	}
	tiny, _ := shapes.Set(9, 16, 1, 2, 1)
	if _, _, err := Split(tiny); err == nil || err.Error() != "judge: class ring has 4 images; the judge needs at least 5 of each class (2 held out to measure it)" {
		t.Errorf("4 rings: %v", err)
	}
}

func TestDataKey(t *testing.T) {
	s, _ := shapes.Set(20, 16, 3, 2, 1)
	key := DataKey(s)
	if len(key) != 64 || strings.Trim(key, "0123456789abcdef") != "" {
		t.Fatalf("key %q", key)
	}
	named := *s
	named.Names = []string{"a", "b"}
	named.Meta = map[string]string{"split": "train"}
	if DataKey(&named) != key {
		t.Error("names or metadata change the key")
	}
	for name, change := range map[string]func(c *dataset.Set){
		"a pixel":      func(c *dataset.Set) { c.Pixels[7]++ },
		"a label":      func(c *dataset.Set) { c.Labels[3] = 1 - c.Labels[3] },
		"the geometry": func(c *dataset.Set) { c.Channels, c.Height, c.Width = 1, 16, 48 },
		"the classes":  func(c *dataset.Set) { c.Classes = 3 },
		"one image":    func(c *dataset.Set) { c.N-- },
	} {
		c := *s
		c.Pixels, c.Labels = slices.Clone(s.Pixels), slices.Clone(s.Labels)
		change(&c)
		if DataKey(&c) == key {
			t.Errorf("%s changed, the key did not", name)
		}
	}
}

func TestGeometry(t *testing.T) {
	for _, g := range []Geometry{{1, 16, 2}, {3, 20, 5}, {1, 28, 10}, {3, 36, 1000}, {3, 64, 7}} {
		j, err := New(g, rand.New(rand.NewPCG(1, 1)))
		if err != nil {
			t.Fatalf("%v: %v", g, err)
		}
		f, c, err := j.Read(make([]float32, 3*g.Pixels()))
		if err != nil || len(f) != 3*Features || len(c) != 3 {
			t.Errorf("%v: %d features, %d classes, %v", g, len(f), len(c), err)
		}
		if side := g.Size / 8; j.FC1.Weight.Shape[1] != 128*side*side {
			t.Errorf("%v: fc1 %v", g, j.FC1.Weight.Shape)
		}
	}
	for g, want := range map[Geometry]string{
		{2, 28, 10}:   "judge: images of 2 channels; want 1 (gray) or 3 (RGB)",
		{1, 12, 10}:   "judge: images of 12×12 pixels; want a side that is a multiple of 4 from 16 to 64",
		{1, 30, 10}:   "judge: images of 30×30 pixels; want a side that is a multiple of 4 from 16 to 64",
		{1, 68, 10}:   "judge: images of 68×68 pixels; want a side that is a multiple of 4 from 16 to 64",
		{3, 32, 1}:    "judge: 1 classes; want 2 to 1000",
		{3, 32, 1001}: "judge: 1001 classes; want 2 to 1000",
	} {
		if _, err := New(g, rand.New(rand.NewPCG(1, 1))); err == nil || err.Error() != want {
			t.Errorf("%v: %v, want %q", g, err, want)
		}
	}
	s, _ := shapes.Set(10, 16, 1, 2, 1)
	s.Width = 8
	if _, err := NewSet(s); err == nil || err.Error() != "judge: images of 16×8 pixels (height×width); want square ones" {
		t.Errorf("16×8 images: %v", err)
	}
}

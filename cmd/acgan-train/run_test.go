package main

import (
	"bytes"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"acgan/internal/shapes"
	"acgan/pkg/acgan"
	"acgan/pkg/dataset"
	"acgan/pkg/eval"
	"acgan/pkg/judge"
	"acgan/pkg/modelfile"
	"acgan/pkg/status"
)

// TestJudgedOnData: -eval-every judges against the training images
// themselves when they are not of MNIST's shape, or with -eval-real.
func TestJudgedOnData(t *testing.T) {
	for _, c := range []struct {
		channels, height, width, classes int
		evalReal, want                   bool
	}{
		{1, 28, 28, 10, false, false},
		{1, 28, 28, 10, true, true},
		{3, 28, 28, 10, false, true},
		{1, 32, 32, 10, false, true},
		{1, 28, 28, 6, false, true},
		{1, 28, 24, 10, false, true},
		{3, 16, 16, 3, true, true},
	} {
		d := &dataset.Set{Channels: c.channels, Height: c.height, Width: c.width, Classes: c.classes}
		if got := judgedOnData(&flags{EvalReal: c.evalReal}, d); got != c.want {
			t.Errorf("%d×%d×%d of %d classes, -eval-real %v: judged on the data %v, want %v", c.channels, c.height, c.width, c.classes, c.evalReal, got, c.want)
		}
	}
}

// TestEvaluationOwnImages: -eval-every on a set of 16×16 shapes trains the
// judge on the part of it judge.Split keeps (as acgan-eval -real does),
// saves it to -judge, judges a model with it, and loads it the next time.
func TestEvaluationOwnImages(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	t.Setenv("HOME", t.TempDir())
	data, err := shapes.Set(40, 16, 1, 2, 1)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "judge.tzst")
	f := &flags{EvalEvery: 1, LogEvery: 1, Judge: path}
	var msgs bytes.Buffer
	j, err := evaluation(f, data, status.New(&msgs, false, "acgan-train: "))
	if err != nil {
		t.Fatal(err)
	}
	if want := "no judge at " + path + ": training one on 32 of the 40 images of stdin (the other 8 held out)"; !strings.Contains(msgs.String(), want) {
		t.Errorf("messages without %q:\n%s", want, msgs.String())
	}
	saved, err := judge.LoadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	kept, _, _ := judge.Split(data)
	if want := (judge.Geometry{Channels: 1, Size: 16, Classes: 2}); saved.Geom != want || saved.Key != judge.DataKey(kept) {
		t.Errorf("the judge saved reads %v, key %.12s; want %v, key %.12s", saved.Geom, saved.Key, want, judge.DataKey(kept))
	}

	cfg := acgan.DefaultConfig()
	cfg.Size, cfg.Channels, cfg.Classes, cfg.Batch = 16, 1, 2, 4
	m, err := modelfile.New(cfg, 1)
	if err != nil {
		t.Fatal(err)
	}
	e, err := j.Judge(m)
	if err != nil {
		t.Fatal(err)
	}
	if e.PerClass != eval.QuickPerClass || e.Acc < 0 || e.Acc > 1 || !(e.Frechet > 0) || math.IsInf(e.Frechet, 0) || !(e.Diversity >= 0) {
		t.Errorf("figures %+v", e)
	}

	// The next run loads the judge: no training, the same figures.
	msgs.Reset()
	j2, err := evaluation(f, data, status.New(&msgs, false, "acgan-train: "))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(msgs.String(), "training") {
		t.Errorf("a second judge trained:\n%s", msgs.String())
	}
	if e2, err := j2.Judge(m); err != nil || e2 != e {
		t.Errorf("with the saved judge: %+v, %v; want %+v", e2, err, e)
	}

	// Another set is refused by that judge.
	other, _ := shapes.Set(40, 16, 1, 2, 2)
	if _, err := evaluation(f, other, status.New(&msgs, false, "")); err == nil || !strings.Contains(err.Error(), "-eval-every: judge: "+path+" was trained on other images") {
		t.Errorf("another set with the judge of the first: %v", err)
	}
}

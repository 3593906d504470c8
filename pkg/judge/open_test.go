package judge

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"acgan/pkg/status"
)

// TestOpen trains a judge on first use (the fixture digits, the default
// recipe), shows it on a status line, saves it, and loads it the second
// time without training.
func TestOpen(t *testing.T) {
	train, test := fixtures(t)
	calls := 0
	src := &Source{What: "the fixture digits", Options: DefaultTrainOptions(), Load: func(context.Context) (*Set, *Set, error) {
		calls++
		return train, test, nil
	}}
	want := Want{Geom: MNIST, Key: train.Key}
	path := filepath.Join(t.TempDir(), "sub", "judge.tzst")
	var out bytes.Buffer
	j, err := Open(context.Background(), path, want, src, status.New(&out, false, "x: "))
	if err != nil {
		t.Fatal(err)
	}
	// Plain lines: one per epoch, as acgan-eval's log shows them.
	wantOut := `x: no judge at PATH: training one on the fixture digits (once; a few minutes)
x: training the judge: epoch 1/3, 100%, loss L, ETA E
x: training the judge: epoch 2/3, 100%, loss L, ETA E
x: training the judge: epoch 3/3, 100%, loss L, ETA E
x: judge trained in E: A% of the 100 held-out images read right
x: judge saved to PATH
`
	got := strings.ReplaceAll(out.String(), path, "PATH")
	got = regexp.MustCompile(`loss [0-9.]+`).ReplaceAllString(got, "loss L")
	got = regexp.MustCompile(`(ETA|trained in) [0-9a-z.]+`).ReplaceAllString(got, "$1 E")
	got = regexp.MustCompile(`[0-9.]+% of the`).ReplaceAllString(got, "A% of the")
	if got != wantOut {
		t.Errorf("status lines:\n%s\nwant:\n%s", got, wantOut)
	}
	k, err := LoadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var a, b bytes.Buffer
	j.Save(&a)
	k.Save(&b)
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Error("the saved judge differs from the one returned")
	}
	out.Reset()
	if _, err := Open(context.Background(), path, want, src, status.New(&out, false, "x: ")); err != nil || calls != 1 || out.Len() != 0 {
		t.Errorf("second Open: %v, %d calls of the source, status %q", err, calls, out.String())
	}

	// On a terminal: the epochs on the live line, ended before the
	// messages.
	os.Remove(path)
	out.Reset()
	if _, err := Open(context.Background(), path, want, src, status.New(&out, true, "x: ")); err != nil {
		t.Fatal(err)
	}
	if s := out.String(); !strings.Contains(s, "\rx: training the judge: epoch 3/3, 100%") || !strings.Contains(s, "\x1b[K\nx: judge trained in ") {
		t.Errorf("live status %q", s)
	}

	// No file and no source; a source that fails.
	missing := filepath.Join(t.TempDir(), "none.tzst")
	if _, err := Open(context.Background(), missing, want, nil, nil); err == nil || err.Error() != "judge: no judge at "+missing {
		t.Errorf("no source: %v", err)
	}
	fail := &Source{Load: func(context.Context) (*Set, *Set, error) { return nil, nil, errors.New("no MNIST") }}
	if _, err := Open(context.Background(), missing, want, fail, nil); err == nil || err.Error() != "judge: no MNIST" {
		t.Errorf("failing source: %v", err)
	}
	if _, err := os.Stat(missing); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a judge was written after a failure: %v", err)
	}
}

package train

import (
	"bytes"
	"strings"
	"testing"

	"acgan/pkg/status"
)

// TestProgress checks what a run shows: plain lines carry the judge's
// figures only on the records that have them; the live line keeps the
// last ones, and a message ends it first.
func TestProgress(t *testing.T) {
	e := &Eval{Acc: 0.5, Frechet: 1.25, Diversity: 0.75}
	recs := []Record{{Iter: 2, ItPerSec: 4}, {Iter: 4, Eval: e}, {Iter: 6}}

	var plain bytes.Buffer
	p := &Progress{Line: status.New(&plain, false, ""), Total: 8}
	p.Update(recs[0])
	for _, r := range recs {
		p.Logged(r)
	}
	p.Printf("warning: %s\n", "x")
	p.Done()
	want := "iter 2/8 [D loss 0.000, acc 0.0%, class 0.0%] [G loss 0.000] 4.00 it/s, ETA 2s\n" +
		"iter 4/8 [D loss 0.000, acc 0.0%, class 0.0%] [G loss 0.000] [eval acc 50.0%, FD 1.25, div 0.75]\n" +
		"iter 6/8 [D loss 0.000, acc 0.0%, class 0.0%] [G loss 0.000]\n" +
		"warning: x\n"
	if plain.String() != want {
		t.Errorf("plain lines:\n%q\nwant:\n%q", plain.String(), want)
	}

	var live bytes.Buffer
	p = &Progress{Line: status.New(&live, true, ""), Total: 8}
	for _, r := range recs {
		p.Logged(r)
	}
	p.Printf("warning: %s\n", "x")
	p.Done()
	got := live.String()
	if !strings.HasSuffix(got, "\riter 6/8 [D loss 0.000, acc 0.0%, class 0.0%] [G loss 0.000] [eval acc 50.0%, FD 1.25, div 0.75]\x1b[K\nwarning: x\n") {
		t.Errorf("live line %q: want the last figures kept, then the message on a line of its own", got)
	}
	none := &Progress{Total: 8} // no line: nothing shown, no panic
	none.Update(recs[0])
	none.Logged(recs[1])
	none.Printf("x")
	none.Done()
}

package status

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"
)

// terminal is a fake terminal: it keeps what a person would see, handling
// the carriage return, the newline and the erase-to-end-of-line escape a
// live line is drawn with, and refuses any other control character.
type terminal struct {
	t     *testing.T
	lines []string // the lines above the cursor's
	cur   []rune   // the cursor's line
	col   int
}

func (t *terminal) Write(p []byte) (int, error) {
	for s := string(p); len(s) > 0; {
		switch {
		case strings.HasPrefix(s, "\x1b[K"):
			t.cur = t.cur[:t.col]
			s = s[3:]
		case s[0] == '\r':
			t.col = 0
			s = s[1:]
		case s[0] == '\n':
			t.lines = append(t.lines, string(t.cur))
			t.cur, t.col = nil, 0
			s = s[1:]
		case s[0] < ' ':
			t.t.Errorf("control character %q written to the terminal", s[0])
			s = s[1:]
		default:
			r, n := utf8.DecodeRuneInString(s)
			if t.col < len(t.cur) {
				t.cur[t.col] = r
			} else {
				t.cur = append(t.cur, r)
			}
			t.col++
			s = s[n:]
		}
	}
	return len(p), nil
}

// screen returns the lines shown, the cursor's last (empty when the cursor
// is at the start of a fresh line).
func (t *terminal) screen() []string {
	return append(slices.Clone(t.lines), string(t.cur))
}

// clock is a fake time for the redraw limit.
type clock struct{ t time.Time }

func (c *clock) now() time.Time               { return c.t }
func (c *clock) advance(d time.Duration)      { c.t = c.t.Add(d) }
func newLiveLine(w *terminal, c *clock) *Line { l := New(w, true, "x: "); l.s.now = c.now; return l }

func TestLive(t *testing.T) {
	term := &terminal{t: t}
	c := &clock{t: time.Unix(1e9, 0)}
	l := newLiveLine(term, c)
	if !l.Live() {
		t.Fatal("not live")
	}
	want := func(step string, lines ...string) {
		t.Helper()
		if got := term.screen(); !slices.Equal(got, lines) {
			t.Errorf("%s: screen %q, want %q", step, got, lines)
		}
	}
	l.Update("step %d of 10, long text", 1)
	want("first update", "x: step 1 of 10, long text")
	c.advance(Interval / 2)
	l.Update("step %d of 10", 2)
	want("update too soon", "x: step 1 of 10, long text")
	c.advance(Interval / 2)
	l.Update("step %d of 10", 3)
	want("update after the interval (the longer text erased)", "x: step 3 of 10")
	c.advance(time.Millisecond)
	l.Log("step %d of 10", 4)
	want("log draws at once", "x: step 4 of 10")
	l.Printf("a message")
	want("message", "x: step 4 of 10", "x: a message", "")
	l.Printf("another\n")
	want("message with its newline", "x: step 4 of 10", "x: a message", "x: another", "")
	c.advance(time.Millisecond)
	l.Update("step %d of 10", 5)
	want("an update after a message draws at once", "x: step 4 of 10", "x: a message", "x: another", "x: step 5 of 10")
	l.WithPrefix("y: ").Printf("from another prefix")
	l.Done()
	want("the other prefix ends the live line", "x: step 4 of 10", "x: a message", "x: another", "x: step 5 of 10", "y: from another prefix", "")
	l.Log("last")
	l.Done()
	l.Done()
	want("done ends the line once", "x: step 4 of 10", "x: a message", "x: another", "x: step 5 of 10", "y: from another prefix", "x: last", "")
}

// TestPlain checks the lines written when the writer is not a terminal:
// no updates, logged states and messages on plain lines.
func TestPlain(t *testing.T) {
	var b bytes.Buffer
	l := New(&b, false, "x: ")
	if l.Live() {
		t.Error("live")
	}
	l.Update("not shown %d", 1)
	l.Log("epoch %d/%d, %3.0f%%", 1, 3, 100.0)
	l.Printf("saved to %s\n", "f")
	l.Printf("no newline")
	l.Done()
	l.WithPrefix("").Log("iter 2/4")
	if got, want := b.String(), "x: epoch 1/3, 100%\nx: saved to f\nx: no newline\niter 2/4\n"; got != want {
		t.Errorf("wrote %q, want %q", got, want)
	}
}

func TestNil(t *testing.T) {
	var l *Line
	if New(nil, true, "x: ") != nil {
		t.Error("New(nil, ...) is not nil")
	}
	l = l.WithPrefix("y: ")
	l.Update("a")
	l.Log("b")
	l.Printf("c")
	l.Done()
	if l.Live() {
		t.Error("nil line live")
	}
}

// TestConcurrent draws from several goroutines (run with -race): every
// message stays whole, on a line of its own.
func TestConcurrent(t *testing.T) {
	term := &terminal{t: t}
	l := New(term, true, "")
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range 50 {
				l.Update("update %d %d", g, i)
				l.Log("log %d %d", g, i)
				l.Printf("message %d %d", g, i)
			}
		})
	}
	wg.Wait()
	l.Done()
	n := 0
	for _, s := range term.screen() {
		if strings.HasPrefix(s, "message ") {
			n++
			var g, i int
			if _, err := fmt.Sscanf(s, "message %d %d", &g, &i); err != nil {
				t.Errorf("line %q: %v", s, err)
			}
		}
	}
	if n != 200 {
		t.Errorf("%d messages on lines of their own, want 200", n)
	}
}

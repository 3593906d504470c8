// Package status shows a person what a long job is doing, normally on
// stderr. On a terminal it keeps one live line up to date, redrawn in place
// at most a few times a second; elsewhere (a pipe, a log file) it writes
// plain lines, and only the ones worth keeping in a log. Messages go on
// lines of their own in both cases.
//
// Typical use:
//
//	line := status.New(os.Stderr, isTerminal, "mytool: ")
//	for i := range n {
//		line.Update("step %d/%d", i+1, n) // live only, at most every Interval
//	}
//	line.Log("step %d/%d", n, n)  // the live line now, or a plain line
//	line.Printf("done in %v", d) // a message on a line of its own
//
// A nil *Line shows nothing, so a library can take one and draw on it
// without checking.
package status

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
)

// Interval is the shortest time between two redraws of the live line by
// Update: it is redrawn at most five times a second.
const Interval = 200 * time.Millisecond

// Line is a status line on a writer. Its methods may be called from
// several goroutines.
type Line struct {
	s      *screen
	prefix string
}

// screen is the state shared by a Line and the Lines made from it with
// WithPrefix: one writer, and at most one live line on it.
type screen struct {
	mu    sync.Mutex
	w     io.Writer
	live  bool
	drawn bool      // a live line is shown and not yet ended
	last  time.Time // of the last redraw
	now   func() time.Time
}

// New returns a status line on w; live says that w is a terminal (a live
// line is drawn with a carriage return and an erase-to-end-of-line escape).
// prefix starts every line it writes, e.g. "mytool: ". A nil w gives a
// silent line.
func New(w io.Writer, live bool, prefix string) *Line {
	if w == nil {
		return nil
	}
	return &Line{s: &screen{w: w, live: live, now: time.Now}, prefix: prefix}
}

// WithPrefix returns a line on the same writer whose lines start with
// prefix instead. The two share the live line: a message written through
// one ends the live line drawn through the other.
func (l *Line) WithPrefix(prefix string) *Line {
	if l == nil {
		return nil
	}
	return &Line{s: l.s, prefix: prefix}
}

// Live reports whether l draws a live line (its writer is a terminal).
func (l *Line) Live() bool {
	return l != nil && l.s.live
}

// Update redraws the live line with the formatted text if the last redraw
// is at least Interval old. It writes nothing when l is not live: use it
// for figures that change too fast to log.
func (l *Line) Update(format string, args ...any) {
	if !l.Live() {
		return
	}
	s := l.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if now := s.now(); s.drawn && now.Sub(s.last) < Interval {
		return
	}
	s.draw(l.prefix + fmt.Sprintf(format, args...))
}

// Log shows the formatted text as a state worth keeping: on a terminal it
// redraws the live line at once; elsewhere it writes a plain line.
func (l *Line) Log(format string, args ...any) {
	if l == nil {
		return
	}
	s := l.s
	s.mu.Lock()
	defer s.mu.Unlock()
	text := l.prefix + fmt.Sprintf(format, args...)
	if s.live {
		s.draw(text)
		return
	}
	io.WriteString(s.w, text+"\n")
}

// Printf writes a message on a line of its own, ending the live line first
// if one is shown (the next Update or Log draws a new one below). A newline
// is added if the message does not end with one.
func (l *Line) Printf(format string, args ...any) {
	if l == nil {
		return
	}
	s := l.s
	s.mu.Lock()
	defer s.mu.Unlock()
	s.end()
	text := l.prefix + fmt.Sprintf(format, args...)
	if !strings.HasSuffix(text, "\n") {
		text += "\n"
	}
	io.WriteString(s.w, text)
}

// Done ends the live line, if one is shown, so that what is written next
// starts on a line of its own. The text stays on the screen.
func (l *Line) Done() {
	if l == nil {
		return
	}
	l.s.mu.Lock()
	defer l.s.mu.Unlock()
	l.s.end()
}

// draw replaces the live line with text.
func (s *screen) draw(text string) {
	s.last = s.now()
	s.drawn = true
	io.WriteString(s.w, "\r"+text+"\x1b[K")
}

// end moves past the live line.
func (s *screen) end() {
	if s.drawn {
		io.WriteString(s.w, "\n")
		s.drawn = false
	}
}

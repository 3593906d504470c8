// Progress on stderr: one live line on a terminal, plain lines otherwise.

package train

import (
	"fmt"
	"io"
	"time"
)

// Progress reports a training run to a person. On a terminal (Live) it keeps
// one line up to date, redrawn at most a few times a second; otherwise it
// writes one plain line per logged record, which reads well in a log file.
type Progress struct {
	W     io.Writer
	Live  bool
	Total int // the iteration the run ends at

	lastDraw time.Time
	drawn    bool
	eval     *Eval // the last evaluation, kept on the live line
}

// liveInterval is the shortest time between two redraws of the live line.
const liveInterval = 200 * time.Millisecond

// Update redraws the live line with the running figures r (a record in the
// making) when enough time has passed; it does nothing when not Live.
func (p *Progress) Update(r Record, now time.Time) {
	if !p.Live || now.Sub(p.lastDraw) < liveInterval {
		return
	}
	p.lastDraw = now
	p.drawn = true
	fmt.Fprintf(p.W, "\r%s\x1b[K", p.line(r))
}

// Logged reports a finished record: a plain line when not Live, a redraw of
// the live line otherwise.
func (p *Progress) Logged(r Record) {
	if r.Eval != nil {
		p.eval = r.Eval
	}
	if p.Live {
		p.drawn = true
		p.lastDraw = time.Now()
		fmt.Fprintf(p.W, "\r%s\x1b[K", p.line(r))
		return
	}
	fmt.Fprintln(p.W, p.line(r))
}

// Printf writes a message on a line of its own, after the live line if one
// is shown (which is then drawn again by the next update).
func (p *Progress) Printf(format string, args ...any) {
	p.Done()
	fmt.Fprintf(p.W, format, args...)
}

// Done ends the live line, so later output starts on a fresh line.
func (p *Progress) Done() {
	if p.drawn {
		fmt.Fprintln(p.W)
		p.drawn = false
	}
}

// line formats r like the seed's progress line, with speed and ETA (and the
// judge's figures with -eval-every):
//
//	iter 1200/14000 [D loss 0.912, acc 71.2%, class 88.1%] [G loss 1.402] 3.2 it/s, ETA 1h06m40s [eval acc 93.4%, FD 12.31, div 0.87]
func (p *Progress) line(r Record) string {
	s := fmt.Sprintf("iter %d/%d [D loss %.3f, acc %.1f%%, class %.1f%%] [G loss %.3f]",
		r.Iter, p.Total, r.DLoss, 100*r.DAcc, 100*r.ClassAcc, r.GLoss)
	if r.ItPerSec > 0 {
		s += fmt.Sprintf(" %.2f it/s", r.ItPerSec)
		if left := p.Total - r.Iter; left > 0 {
			eta := time.Duration(float64(left) / r.ItPerSec * float64(time.Second))
			s += ", ETA " + eta.Round(time.Second).String()
		}
	}
	// The judge's figures: on a plain line when this record has them, on
	// the live line the last ones.
	if e := r.Eval; e != nil || (p.Live && p.eval != nil) {
		if e == nil {
			e = p.eval
		}
		s += fmt.Sprintf(" [eval acc %.1f%%, FD %.2f, div %.2f]", 100*e.Acc, e.Frechet, e.Diversity)
	}
	return s
}

// Progress on stderr: one live line on a terminal, plain lines otherwise.

package train

import (
	"fmt"
	"time"

	"acgan/pkg/status"
)

// Progress shows a training run to a person on a status line. On a
// terminal the live line follows the running figures; otherwise one plain
// line is written per logged record, which reads well in a log file.
type Progress struct {
	Line  *status.Line // nil: nowhere
	Total int          // the iteration the run ends at
	// Messages, when not nil, is where Printf writes: the same status line
	// with the tool's name before each message (status.Line.WithPrefix).
	Messages *status.Line

	eval *Eval // the last evaluation, kept on the live line
}

// Update shows the running figures r (a record in the making) on the live
// line, which status.Line redraws at most a few times a second; it does
// nothing when the line is not live.
func (p *Progress) Update(r Record) {
	if p.Line.Live() {
		p.Line.Update("%s", p.line(r))
	}
}

// Logged shows a finished record: a redraw of the live line, or a plain
// line when not live.
func (p *Progress) Logged(r Record) {
	if r.Eval != nil {
		p.eval = r.Eval
	}
	p.Line.Log("%s", p.line(r))
}

// Printf writes a message on a line of its own, after the live line if one
// is shown (which is then drawn again by the next update).
func (p *Progress) Printf(format string, args ...any) {
	if p.Messages != nil {
		p.Messages.Printf(format, args...)
		return
	}
	p.Line.Printf(format, args...)
}

// Done ends the live line, so later output starts on a fresh line.
func (p *Progress) Done() {
	p.Line.Done()
}

// line formats r like the Keras program's progress line, with speed and ETA (and the
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
	if e := r.Eval; e != nil || (p.Line.Live() && p.eval != nil) {
		if e == nil {
			e = p.eval
		}
		s += fmt.Sprintf(" [eval acc %.1f%%, FD %.2f, div %.2f]", 100*e.Acc, e.Frechet, e.Diversity)
	}
	return s
}

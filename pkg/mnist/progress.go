// Progress lines for downloads.

package mnist

import (
	"fmt"
	"io"

	"acgan/pkg/status"
)

// Progress shows downloads on a status line (normally stderr's). On a
// terminal the live line counts the bytes as they arrive; elsewhere one
// short line is written as each download starts. A nil *Progress, or one
// with a nil Line, shows nothing.
type Progress struct {
	Line *status.Line
}

// line returns the status line, nil for none.
func (p *Progress) line() *status.Line {
	if p == nil {
		return nil
	}
	return p.Line
}

// printf writes a message on a line of its own.
func (p *Progress) printf(format string, args ...any) {
	p.line().Printf(format, args...)
}

// track wraps the body of a download of total bytes (-1: unknown).
func (p *Progress) track(r io.Reader, what, url string, total int64) *progressReader {
	pr := &progressReader{r: r, line: p.line(), what: what, total: total}
	switch {
	case pr.line.Live():
		pr.line.Log("%s", pr.count())
	case total >= 0:
		pr.line.Printf("downloading %s (%s) from %s", what, size(total), url)
	default:
		pr.line.Printf("downloading %s from %s", what, url)
	}
	return pr
}

type progressReader struct {
	r     io.Reader
	line  *status.Line
	what  string
	total int64
	n     int64
}

func (pr *progressReader) Read(b []byte) (int, error) {
	n, err := pr.r.Read(b)
	pr.n += int64(n)
	if pr.line.Live() {
		pr.line.Update("%s", pr.count())
	}
	return n, err
}

// finish ends the live line with the outcome.
func (pr *progressReader) finish(ok bool) {
	if !pr.line.Live() {
		return
	}
	outcome := "done"
	if !ok {
		outcome = "failed"
	}
	pr.line.Log("%s %s", pr.count(), outcome)
	pr.line.Done()
}

// count is the live line: the bytes so far, of the total if known.
func (pr *progressReader) count() string {
	if pr.total >= 0 {
		return fmt.Sprintf("%s: %s / %s", pr.what, size(pr.n), size(pr.total))
	}
	return fmt.Sprintf("%s: %s", pr.what, size(pr.n))
}

// size formats a byte count for people.
func size(n int64) string {
	switch {
	case n < 1000:
		return fmt.Sprintf("%d B", n)
	case n < 1e6:
		return fmt.Sprintf("%.1f kB", float64(n)/1e3)
	}
	return fmt.Sprintf("%.1f MB", float64(n)/1e6)
}

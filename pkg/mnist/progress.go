// Progress lines for downloads.

package mnist

import (
	"fmt"
	"io"
	"time"
)

// Progress reports downloads on W (normally stderr). With Live set (W is a
// terminal) one line is kept up to date as bytes arrive; otherwise one short
// line is written as each download starts. A nil *Progress reports nothing.
type Progress struct {
	W      io.Writer
	Live   bool
	Prefix string // put before each line, e.g. "mnist-fetch: "
}

// printf writes one line.
func (p *Progress) printf(format string, args ...any) {
	if p == nil || p.W == nil {
		return
	}
	fmt.Fprintf(p.W, p.Prefix+format+"\n", args...)
}

// track wraps the body of a download of total bytes (-1: unknown).
func (p *Progress) track(r io.Reader, what, url string, total int64) *progressReader {
	pr := &progressReader{r: r, p: p, what: what, total: total}
	if p == nil || p.W == nil {
		return pr
	}
	if p.Live {
		pr.show()
	} else if total >= 0 {
		p.printf("downloading %s (%s) from %s", what, size(total), url)
	} else {
		p.printf("downloading %s from %s", what, url)
	}
	return pr
}

type progressReader struct {
	r     io.Reader
	p     *Progress
	what  string
	total int64
	n     int64
	last  time.Time
}

func (pr *progressReader) Read(b []byte) (int, error) {
	n, err := pr.r.Read(b)
	pr.n += int64(n)
	if pr.p != nil && pr.p.Live && pr.p.W != nil && time.Since(pr.last) >= 100*time.Millisecond {
		pr.show()
	}
	return n, err
}

// finish ends the live line.
func (pr *progressReader) finish(ok bool) {
	if pr.p == nil || !pr.p.Live || pr.p.W == nil {
		return
	}
	pr.show()
	if ok {
		fmt.Fprint(pr.p.W, " done\n")
	} else {
		fmt.Fprint(pr.p.W, " failed\n")
	}
}

func (pr *progressReader) show() {
	pr.last = time.Now()
	if pr.total >= 0 {
		fmt.Fprintf(pr.p.W, "\r%s%s: %s / %s\x1b[K", pr.p.Prefix, pr.what, size(pr.n), size(pr.total))
	} else {
		fmt.Fprintf(pr.p.W, "\r%s%s: %s\x1b[K", pr.p.Prefix, pr.what, size(pr.n))
	}
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

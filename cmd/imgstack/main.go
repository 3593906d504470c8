// Command imgstack writes a folder of class folders of PNG and JPEG images
// (or a list of image files and their classes) as a labelled tensor
// stream, the input of acgan-train.
//
//	imgstack photos/ | acgan-train > model.bin
//	imgstack -size 32 -skip-bad photos/ -o photos.tzst
//	imgstack -list files.tsv > set.tzst
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	"acgan/pkg/cli"
	"acgan/pkg/imagefolder"
	"acgan/pkg/status"
)

const description = `Write image files as a labelled tensor stream (stdout, or -o FILE).

The images come from DIR, a folder of class folders, DIR/<class>/<image>:
each class folder's name is its class's name, and its PNG and JPEG files
(.png, .jpg, .jpeg, in any case) its images. Or from -list FILE: one image
a line, its path (relative paths are taken from FILE's folder), a tab, and
its class's name; empty lines and lines starting with # are passed over.
-list - reads the list from stdin (paths relative to the current folder).

The classes are numbered in the byte order of their names (UTF-8). From a
folder, the images come class by class, each class's files in the byte
order of their names; from a list, in the list's order. Names starting with
a dot are passed over, as are files beside the class folders; other files
and folders inside a class folder are ignored, with a note on stderr. A
class folder without images is an error: a class without images cannot be
learnt. One class makes a valid stream, though acgan-train needs two.

The stream holds "images", uint8 N×C×S×S (range=0,255), "labels" (classes=K;
uint8, or int32 past 256 classes) and "classnames" (the class names).

  Size      Without -size the images must be square and all of one size.
            -size S crops each image to its largest centred square and
            resizes that to S×S (Catmull-Rom); acgan-train takes sides
            from 16 to 64 in steps of 4.
  Channels  1 when every image is gray (a gray or gray-and-alpha PNG, a
            PNG whose palette holds only grays, a gray JPEG), else 3 (RGB;
            gray images are repeated in all three). The colour type in the
            file decides, not the pixels.
  Alpha     composited over black. 16-bit samples keep their high byte.

A file that cannot be read as an image stops imgstack with an error naming
it; -skip-bad skips it instead and lists it on stderr. Every header is
checked before any image is decoded: an image over 64 Mpixel, or a set over
2^28 values (N×C×S×S, the largest images record of a stream), is refused
before its pixels are read.

tensor-info -png DIR writes a stream back as such a folder, with
DIR/list.tsv listing the files in the stream's order: imgstack -list
DIR/list.tsv gives back the stream's images and labels in that order.`

// flags are imgstack's command line.
type flags struct {
	cli.Common
	Dir     string `arg:"" optional:"" name:"dir" placeholder:"DIR" help:"Folder of class folders of images."`
	List    string `name:"list" placeholder:"FILE" help:"Read the images named in FILE (lines of a path, a tab and a class name; - for stdin) instead of a folder."`
	Size    int    `name:"size" placeholder:"S" help:"Crop each image to its centred square and resize it to S×S (default: keep the images, which must be square and of one size)."`
	SkipBad bool   `name:"skip-bad" help:"Skip the files that cannot be read as images (listed on stderr) instead of stopping."`
	Output  string `name:"output" short:"o" placeholder:"FILE" help:"Write the stream to FILE instead of stdout (a regular file is replaced whole or not at all)."`
}

// maxSize bounds -size: the side of an image of imagefolder.MaxImagePixels.
const maxSize = 8192

// Validate checks the flags (kong calls it after parsing; an error is a
// usage error).
func (f *flags) Validate() error {
	switch {
	case f.Dir == "" && f.List == "":
		return errors.New("want a folder of class folders (imgstack DIR) or a list of files (-list FILE)")
	case f.Dir != "" && f.List != "":
		return fmt.Errorf("both a folder (%s) and -list %s: want one of them", f.Dir, f.List)
	case f.Size < 0 || f.Size > maxSize:
		return fmt.Errorf("-size %d: want a side of 1 to %d pixels", f.Size, maxSize)
	}
	return nil
}

// files returns the image files to read, and reports on line the entries
// of class folders that are not images.
func (f *flags) files(line *status.Line) ([]imagefolder.File, error) {
	if f.Dir != "" {
		files, ignored, err := imagefolder.Scan(f.Dir)
		if err != nil {
			return nil, err
		}
		if n := len(ignored); n > 0 {
			const show = 5
			more := ""
			if n > show {
				ignored, more = ignored[:show], fmt.Sprintf(", and %d more", n-show)
			}
			line.Printf("ignored %d %s not PNG or JPEG files: %s%s", n, plural(n, "entry that is", "entries that are"), strings.Join(ignored, ", "), more)
		}
		return files, nil
	}
	var r io.Reader
	name, base := f.List, filepath.Dir(f.List)
	if f.List == "-" {
		if cli.IsTerminal(os.Stdin) {
			return nil, errors.New("-list -: stdin is a terminal; pipe in a list of files, each a path, a tab and a class name")
		}
		r, name, base = os.Stdin, "stdin", "."
	} else {
		file, err := os.Open(f.List)
		if err != nil {
			return nil, err
		}
		defer file.Close()
		r = file
	}
	return imagefolder.ParseList(r, name, base)
}

// plural returns one when n is 1, else many.
func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// run reads the images and writes the stream. The output is opened first,
// so that a terminal on stdout is refused before any image is read; a file
// output appears only when complete.
func run(ctx context.Context, f *flags) error {
	out, err := cli.Create(f.Output)
	if err != nil {
		return err
	}
	err = stack(ctx, f, out)
	if err != nil {
		out.Abort()
		if ctx.Err() != nil {
			return errors.New("interrupted")
		}
		if errors.Is(err, imagefolder.ErrShape) {
			err = fmt.Errorf("%w; -size S crops and resizes every image to S×S", err)
		}
		return err
	}
	return out.Commit()
}

// stack reads the images that f names and writes them to out as a stream.
func stack(ctx context.Context, f *flags, out io.Writer) error {
	line := status.New(os.Stderr, cli.IsTerminal(os.Stderr), "imgstack: ")
	files, err := f.files(line)
	if err != nil {
		return err
	}
	opt := imagefolder.Options{Size: f.Size, SkipBad: f.SkipBad,
		Progress: func(done, total int) { line.Update("%d/%d images", done, total) }}
	res, err := imagefolder.Read(ctx, files, opt)
	line.Done()
	if err != nil {
		return err
	}
	for _, s := range res.Skipped {
		line.Printf("skipped %s: %v", s.Path, s.Err)
	}
	if n := len(res.Skipped); n > 0 {
		line.Printf("skipped %d of %d %s that could not be read as images", n, len(files), plural(len(files), "file", "files"))
	}
	s := res.Set
	if line.Live() {
		line.Printf("%d images of %d×%d×%d in %d %s", s.N, s.Channels, s.Height, s.Width, s.Classes, plural(s.Classes, "class", "classes"))
	}
	return s.Write(out)
}

func main() {
	var f flags
	cli.Parse("imgstack", description, &f)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	cli.Exit("imgstack", run(ctx, &f))
}

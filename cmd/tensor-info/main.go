// Command tensor-info prints what a tensor stream holds: each record's name,
// dtype, shape, metadata and summary statistics (a histogram for labels),
// with -npy DIR writes each tensor as a NumPy .npy file, and with -png DIR
// the images as PNG files in class folders.
//
//	mnist-fetch | tensor-info
//	acgan-gen -m model.bin -label 5 | tensor-info -npy out/
//	mnist-fetch -n 100 | tensor-info -png digits/
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"acgan/pkg/atomicfile"
	"acgan/pkg/cli"
	"acgan/pkg/dataset"
	"acgan/pkg/imagefolder"
	"acgan/pkg/tensor"
)

const description = `Describe each record of a tensor stream: name, dtype, shape, metadata,
statistics (and a histogram of labels). A bad stream gives the records before
the error, then the error (docs/stream.md lists them) and exit status 1.

-npy DIR also writes each tensor as DIR/<name>.npy for numpy.load (the
metadata is printed, not stored). A name that is not a safe file name is
changed first: every character but a-z, A-Z, 0-9, '.', '-' and '_' becomes
'_' (a/b gives a_b.npy, ünï gives _n_.npy), leading dots are dropped, at
most 100 bytes are kept, and "tensor" stands for a name with nothing left.
A file name already used gets -1, -2, ... (images.npy, images-1.npy, ...,
for the batches of one stream). The "npy:" line after each record names its
file.

-png DIR also writes the images as PNG files (gray for 1 channel, RGB for
3), image i of the stream as DIR/<class>/<i>.png, i zero-padded to the
width of the last index (00000.png to 59999.png for 60000 images), and
DIR/list.tsv listing them in stream order ("<class>/<i>.png", a tab, the
class). The images are every "images" record, N×C×H×W with C 1 or 3, in
stream order: uint8 as they are; float32 from lo to hi of their range=lo,hi
entry (default -1,1) to 0..255 as floor(clamp((v-lo)/(hi-lo)·255+0.5, 0,
255)), NaN as 0. A class folder is named by the stream's classnames record,
else by the class's number, zero-padded likewise (0 to 9, or 00 to 11); a
class without images gets none. A stream without labels is written flat, as
DIR/<i>.png. DIR is written whole under another name and then renamed: it
must not exist or be empty, unless -force, which replaces it (its old
content is removed).

imgstack reads DIR back. imgstack -list DIR/list.tsv gives the stream's
pixels (of uint8 images; float ones quantized as above) and labels in stream
order, and imgstack DIR the same images class by class, each class in
stream order, when every class has an image and the class names, if any,
are in byte order, as imgstack writes them. The names become the folders'
names (the numbers, when the stream has none); other metadata is not kept.`

var args struct {
	cli.Common
	NPY   string `name:"npy" placeholder:"DIR" help:"Also write each tensor as DIR/<name>.npy, renamed to a safe file name (see above); DIR is created."`
	PNG   string `name:"png" placeholder:"DIR" help:"Also write the images as PNG files in class folders, DIR/<class>/<index>.png, and their list, DIR/list.tsv (see above)."`
	Force bool   `name:"force" help:"With -png: replace DIR even when it is not empty (its old content is removed)."`
	File  string `arg:"" optional:"" name:"file" help:"Stream to read (default or \"-\": stdin)."`
}

func main() {
	cli.Parse("tensor-info", description, &args)
	cli.Exit("tensor-info", run())
}

func run() error {
	var in io.Reader
	if args.File == "" || args.File == "-" {
		r, err := cli.StdinStream("mnist-fetch | tensor-info")
		if err != nil {
			return err
		}
		in = r
	} else {
		f, err := os.Open(args.File)
		if err != nil {
			return err
		}
		defer f.Close()
		in = f
	}
	opt := tensor.InspectOptions{NPYDir: args.NPY, WriteFile: atomicfile.WriteFile}
	if args.PNG == "" {
		return tensor.Inspect(os.Stdout, in, opt)
	}
	return inspectPNG(os.Stdout, in, opt, args.PNG, args.Force)
}

// inspectPNG describes the stream in r as Inspect does and, when the whole
// stream is good, writes its images as PNG files under dir. The stream is
// read once: a second reader decodes a copy of it as Inspect reads it.
func inspectPNG(w io.Writer, r io.Reader, opt tensor.InspectOptions, dir string, force bool) error {
	pr, pw := io.Pipe()
	type result struct {
		s   *dataset.Set
		err error
	}
	done := make(chan result, 1)
	go func() {
		s, err := imageSet(pr)
		if err != nil {
			io.Copy(io.Discard, pr) // let Inspect read on
		}
		done <- result{s, err}
	}()
	err := tensor.Inspect(w, io.TeeReader(r, pw), opt)
	if err != nil {
		pw.CloseWithError(err)
		<-done
		return err
	}
	pw.Close()
	res := <-done
	if res.err != nil {
		return fmt.Errorf("-png: %w", res.err)
	}
	s := res.s
	if err := imagefolder.Write(dir, s, imagefolder.WriteOptions{Force: force}); err != nil {
		if errors.Is(err, imagefolder.ErrNotEmpty) {
			err = fmt.Errorf("%w; -force replaces it", err)
		}
		return fmt.Errorf("-png: %w", err)
	}
	if s.Labels == nil {
		_, err = fmt.Fprintf(w, "png: %d images in %s (no labels: no class folders)\n", s.N, dir)
		return err
	}
	folders := 0
	seen := make([]bool, s.Classes)
	for _, c := range s.Labels {
		if !seen[c] {
			seen[c] = true
			folders++
		}
	}
	_, err = fmt.Fprintf(w, "png: %d images in %d class %s under %s, listed in %s\n", s.N, folders, plural(folders, "folder", "folders"), dir, filepath.Join(dir, imagefolder.ListName))
	return err
}

// plural returns one when n is 1, else many.
func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// Command tensor-info prints what a tensor stream holds: each record's name,
// dtype, shape, metadata and summary statistics (a histogram for labels),
// and with -npy DIR writes each tensor as a NumPy .npy file.
//
//	mnist-fetch | tensor-info
//	acgan-gen -m model.bin -label 5 | tensor-info -npy out/
package main

import (
	"io"
	"os"

	"acgan/pkg/atomicfile"
	"acgan/pkg/cli"
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
file.`

var args struct {
	cli.Common
	NPY  string `name:"npy" placeholder:"DIR" help:"Also write each tensor as DIR/<name>.npy, renamed to a safe file name (see above); DIR is created."`
	File string `arg:"" optional:"" name:"file" help:"Stream to read (default or \"-\": stdin)."`
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
	return tensor.Inspect(os.Stdout, in, tensor.InspectOptions{NPYDir: args.NPY, WriteFile: atomicfile.WriteFile})
}

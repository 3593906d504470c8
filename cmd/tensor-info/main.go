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

var args struct {
	cli.Common
	NPY  string `name:"npy" placeholder:"DIR" help:"Also write each tensor as DIR/<name>.npy (DIR is created)."`
	File string `arg:"" optional:"" name:"file" help:"Stream to read (default or \"-\": stdin)."`
}

func main() {
	cli.Parse("tensor-info", "Describe each record of a tensor stream: name, dtype, shape, metadata, statistics.", &args)
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

// Package trainview draws the pictures of a training run: the grid of
// samples acgan-train writes every few hundred iterations (-samples) and the
// plot of its losses and accuracies (-plot).
//
// It is a package of its own, apart from pkg/train, because of the one-way
// data flow (fetch → stream → train → model → gen → stream → grid): pictures
// are made by pkg/grid, which sits at the end of the flow, after generation.
// The training loop itself (pkg/train) must not depend on it; it draws
// through the train.Pictures interface, which Pictures implements, and
// cmd/acgan-train connects the two. Nothing but that command imports
// trainview.
package trainview

import (
	"fmt"
	"io"
	"path/filepath"
	"strconv"

	"acgan/pkg/acgan"
	"acgan/pkg/atomicfile"
	"acgan/pkg/grid"
	"acgan/pkg/train"
)

// Pictures draws a run into files: a sample grid per call of Samples into
// SamplesDir (as NNNNNN.png, the iteration), the loss plot into PlotFile.
// Either may be "" (not drawn). It implements train.Pictures.
type Pictures struct {
	SamplesDir string
	PlotFile   string
}

// Samples writes the sample grid of iteration iter (see WriteSamples).
func (p Pictures) Samples(iter int, pix []float32) error {
	if p.SamplesDir == "" {
		return nil
	}
	path := filepath.Join(p.SamplesDir, fmt.Sprintf("%06d.png", iter))
	return WriteSamples(path, pix, train.SampleRows, train.SampleCols, acgan.ImageH, acgan.ImageW)
}

// Plot writes the plot of records (see WritePlot); with no records it
// writes nothing.
func (p Pictures) Plot(records []train.Record) error {
	if p.PlotFile == "" || len(records) == 0 {
		return nil
	}
	return WritePlot(p.PlotFile, records)
}

// SampleScale is the nearest-neighbour enlargement of sample grids, so a
// 10×10 grid of 28×28 digits is comfortable to look at (about 620 pixels).
const SampleScale = 2

// WriteSamples writes a grid of rows×cols generated images to path as PNG,
// atomically: image k of pix (cols per row, row r showing class r, values
// in [-1,1], 1×28×28 each stored one after another) at row k/cols, column
// k%cols, with each row's class written at its left.
func WriteSamples(path string, pix []float32, rows, cols, h, w int) error {
	if len(pix) != rows*cols*h*w {
		return fmt.Errorf("samples: %d values for %d×%d images of %d×%d", len(pix), rows, cols, h, w)
	}
	labels := make([]string, rows)
	for r := range labels {
		labels[r] = strconv.Itoa(r)
	}
	img, err := grid.Make(grid.Float32Images(rows*cols, 1, h, w, pix, -1, 1),
		grid.Options{NRow: cols, Pad: 2, RowLabels: labels, Scale: SampleScale})
	if err != nil {
		return fmt.Errorf("samples %s: %w", path, err)
	}
	return atomicfile.WriteFile(path, func(w io.Writer) error { return grid.Encode(w, img) })
}

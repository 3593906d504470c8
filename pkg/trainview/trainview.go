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

	"acgan/pkg/atomicfile"
	"acgan/pkg/grid"
	"acgan/pkg/modelfile"
	"acgan/pkg/train"
)

// Pictures draws a run into files: a sample grid per call of Samples into
// SamplesDir (as NNNNNN.png, the iteration), the loss plot into PlotFile.
// Either may be "" (not drawn). It implements train.Pictures.
type Pictures struct {
	SamplesDir string
	PlotFile   string
	// Channels and Size are the shape of each sample image (Channels ×
	// Size × Size); Rows labels the rows of a sample grid, one for each
	// class of train.SampleClasses (SampleRows).
	Channels, Size int
	Rows           []string
}

// New returns the pictures of a run of m into samplesDir and plotFile
// (either "" for none): samples of m's geometry, rows labelled with the
// names of m's classes, or their numbers.
func New(samplesDir, plotFile string, m *modelfile.Model) Pictures {
	return Pictures{SamplesDir: samplesDir, PlotFile: plotFile,
		Channels: m.Cfg.Channels, Size: m.Cfg.Size, Rows: SampleRows(m)}
}

// SampleRows returns the labels of the rows of m's sample grids: the name
// (or number) of each class of train.SampleClasses.
func SampleRows(m *modelfile.Model) []string {
	cs := train.SampleClasses(m.Cfg.Classes)
	rows := make([]string, len(cs))
	for r, c := range cs {
		rows[r] = m.ClassName(c)
	}
	return rows
}

// Samples writes the sample grid of iteration iter (see WriteSamples).
func (p Pictures) Samples(iter int, pix []float32) error {
	if p.SamplesDir == "" {
		return nil
	}
	path := filepath.Join(p.SamplesDir, fmt.Sprintf("%06d.png", iter))
	return WriteSamples(path, pix, p.Rows, train.SampleCols, p.Channels, p.Size)
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

// WriteSamples writes a grid of generated images to path as PNG,
// atomically: a row for each label of rows, cols images a row, the label
// written at the row's left. pix holds the images one after another, row
// by row (values in [-1, 1], channels × size × size each: gray for 1
// channel, colour for 3).
func WriteSamples(path string, pix []float32, rows []string, cols, channels, size int) error {
	n := len(rows) * cols
	if len(pix) != n*channels*size*size {
		return fmt.Errorf("samples: %d values for %d×%d images of %d×%d×%d", len(pix), len(rows), cols, channels, size, size)
	}
	img, err := grid.Make(grid.Float32Images(n, channels, size, size, pix, -1, 1),
		grid.Options{NRow: cols, Pad: 2, RowLabels: rows, Scale: SampleScale})
	if err != nil {
		return fmt.Errorf("samples %s: %w", path, err)
	}
	return atomicfile.WriteFile(path, func(w io.Writer) error { return grid.Encode(w, img) })
}

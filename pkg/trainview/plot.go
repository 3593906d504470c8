// The loss plot of a training run (-plot): losses on top, accuracies below,
// drawn with gonum.org/v1/plot.

package trainview

import (
	"fmt"
	"image/color"
	"io"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"acgan/pkg/atomicfile"
	"acgan/pkg/train"
)

// Plot size in points, at 96 dots per inch: about 1000×800 pixels.
const (
	plotWidth  = 750
	plotHeight = 600
	plotDPI    = 96
)

// Line colours: the discriminator in blue, the generator in orange, the
// class accuracy in green.
var (
	colorD     = color.RGBA{R: 0x1f, G: 0x77, B: 0xb4, A: 0xff}
	colorG     = color.RGBA{R: 0xff, G: 0x7f, B: 0x0e, A: 0xff}
	colorClass = color.RGBA{R: 0x2c, G: 0xa0, B: 0x2c, A: 0xff}
)

// WritePlot draws recs (in order of iteration) as a PNG written atomically
// to path: D and G losses in the upper panel, the discriminator's real/fake
// and class accuracies (in percent) in the lower one, iterations along x.
// Each record is one point: the mean over the iterations it spans.
func WritePlot(path string, recs []train.Record) error {
	if len(recs) == 0 {
		return fmt.Errorf("plot %s: no records to draw", path)
	}
	losses := plot.New()
	losses.Title.Text = "ACGAN training losses"
	losses.Y.Label.Text = "loss"
	losses.Y.Min = 0
	accs := plot.New()
	accs.Title.Text = "Discriminator accuracy"
	accs.X.Label.Text = "iteration"
	accs.Y.Label.Text = "%"
	accs.Y.Min, accs.Y.Max = 0, 100

	if err := addLine(losses, "D loss", colorD, recs, func(r train.Record) float64 { return r.DLoss }); err != nil {
		return fmt.Errorf("plot %s: %w", path, err)
	}
	if err := addLine(losses, "G loss", colorG, recs, func(r train.Record) float64 { return r.GLoss }); err != nil {
		return fmt.Errorf("plot %s: %w", path, err)
	}
	if err := addLine(accs, "real/fake accuracy", colorD, recs, func(r train.Record) float64 { return 100 * r.DAcc }); err != nil {
		return fmt.Errorf("plot %s: %w", path, err)
	}
	if err := addLine(accs, "class accuracy", colorClass, recs, func(r train.Record) float64 { return 100 * r.ClassAcc }); err != nil {
		return fmt.Errorf("plot %s: %w", path, err)
	}
	for _, p := range []*plot.Plot{losses, accs} {
		p.Add(plotter.NewGrid())
		p.Legend.Top = true
		p.X.Min = float64(recs[0].Iter - recs[0].Iters)
		p.X.Max = float64(recs[len(recs)-1].Iter)
	}

	c := vgimg.NewWith(vgimg.UseWH(plotWidth, plotHeight), vgimg.UseDPI(plotDPI),
		vgimg.UseBackgroundColor(color.White))
	dc := draw.New(c)
	tiles := draw.Tiles{Rows: 2, Cols: 1, PadX: vg.Millimeter, PadY: 4 * vg.Millimeter,
		PadTop: 2 * vg.Millimeter, PadBottom: 2 * vg.Millimeter, PadLeft: 2 * vg.Millimeter, PadRight: 4 * vg.Millimeter}
	plots := [][]*plot.Plot{{losses}, {accs}}
	canvases := plot.Align(plots, tiles, dc)
	losses.Draw(canvases[0][0])
	accs.Draw(canvases[1][0])
	return atomicfile.WriteFile(path, func(w io.Writer) error {
		_, err := vgimg.PngCanvas{Canvas: c}.WriteTo(w)
		return err
	})
}

// addLine adds one series of recs to p, with its legend entry.
func addLine(p *plot.Plot, name string, col color.Color, recs []train.Record, y func(train.Record) float64) error {
	xy := make(plotter.XYs, len(recs))
	for i, r := range recs {
		xy[i].X = float64(r.Iter)
		xy[i].Y = y(r)
	}
	l, err := plotter.NewLine(xy)
	if err != nil {
		return err
	}
	l.Color = col
	l.Width = vg.Points(1)
	p.Add(l)
	p.Legend.Add(name, l)
	return nil
}

package trainview

import (
	"image/png"
	"math"
	"os"
	"path/filepath"
	"testing"

	"acgan/pkg/train"
)

func TestWriteSamples(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "s.png")
	pix := make([]float32, 100*28*28)
	for i := range pix {
		pix[i] = float32(math.Sin(float64(i)))
	}
	rows := []string{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"}
	if err := WriteSamples(path, pix, rows, 10, 1, 28); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	b := img.Bounds()
	// 10 rows of 28 pixels with 2 pixels of padding, enlarged twice; the
	// row labels add a margin on the left, so only the height is exact.
	if b.Dy() != SampleScale*(10*30+2) || b.Dx() <= SampleScale*(10*30+2) {
		t.Errorf("grid is %d×%d", b.Dx(), b.Dy())
	}
	if err := WriteSamples(path, pix[:10], rows, 10, 1, 28); err == nil {
		t.Error("a short pixel slice was accepted")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("directory holds %d entries, want only s.png", len(entries))
	}
}

// TestWriteSamplesColour: three rows of colour images, named, make a
// colour PNG whose pixels are the images'.
func TestWriteSamplesColour(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.png")
	const size = 16
	pix := make([]float32, 3*10*3*size*size)
	for k := range 30 { // image k: red, green or blue by its row
		for ch := range 3 {
			v := float32(-1)
			if ch == k/10 {
				v = 1
			}
			for i := range size * size {
				pix[(k*3+ch)*size*size+i] = v
			}
		}
	}
	if err := WriteSamples(path, pix, []string{"red", "green", "blue"}, 10, 3, size); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	b := img.Bounds()
	if b.Dy() != SampleScale*(3*(size+2)+2) {
		t.Errorf("grid is %d×%d", b.Dx(), b.Dy())
	}
	// The last column's images, at their centre, row by row.
	x := b.Max.X - SampleScale*(2+size/2)
	for r, want := range [][3]uint32{{0xffff, 0, 0}, {0, 0xffff, 0}, {0, 0, 0xffff}} {
		y := SampleScale * (2 + r*(size+2) + size/2)
		cr, cg, cb, _ := img.At(x, y).RGBA()
		if [3]uint32{cr, cg, cb} != want {
			t.Errorf("row %d: pixel (%d, %d) is %04x %04x %04x, want %04x", r, x, y, cr, cg, cb, want)
		}
	}
}

func TestWritePlot(t *testing.T) {
	path := filepath.Join(t.TempDir(), "p.png")
	var recs []train.Record
	for i := 1; i <= 50; i++ {
		recs = append(recs, train.Record{Iter: 10 * i, Iters: 10, DLoss: 1 + 1/float64(i),
			GLoss: 2 - 1/float64(i), DAcc: 0.5, ClassAcc: float64(i) / 50})
	}
	if err := WritePlot(path, recs); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != 1000 || b.Dy() != 800 {
		t.Errorf("plot is %d×%d, want 1000×800", b.Dx(), b.Dy())
	}
	if err := WritePlot(path, nil); err == nil {
		t.Error("an empty plot was accepted")
	}
}

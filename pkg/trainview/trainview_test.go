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
	if err := WriteSamples(path, pix, 10, 10, 28, 28); err != nil {
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
	if err := WriteSamples(path, pix[:10], 10, 10, 28, 28); err == nil {
		t.Error("a short pixel slice was accepted")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("directory holds %d entries, want only s.png", len(entries))
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

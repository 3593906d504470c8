// Tests of the grid layout, normalization and rounding against pixel values
// worked out by hand from torchvision's make_grid and save_image.

package grid

import (
	"bytes"
	"image"
	"image/png"
	"math"
	"strings"
	"testing"

	"golang.org/x/image/math/fixed"
)

// grayRows returns the pixels of a gray image as rows.
func grayRows(t *testing.T, img image.Image) [][]uint8 {
	t.Helper()
	g, ok := img.(*image.Gray)
	if !ok {
		t.Fatalf("image is %T, want *image.Gray", img)
	}
	var rows [][]uint8
	for y := 0; y < g.Rect.Dy(); y++ {
		rows = append(rows, append([]uint8(nil), g.Pix[y*g.Stride:y*g.Stride+g.Rect.Dx()]...))
	}
	return rows
}

func equalRows(t *testing.T, got, want [][]uint8) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d rows, want %d:\n got %v\nwant %v", len(got), len(want), got, want)
	}
	for y := range want {
		if !bytes.Equal(got[y], want[y]) {
			t.Fatalf("row %d = %v, want %v\n got %v\nwant %v", y, got[y], want[y], got, want)
		}
	}
}

func mustMake(t *testing.T, m Images, opt Options) image.Image {
	t.Helper()
	img, err := Make(m, opt)
	if err != nil {
		t.Fatalf("Make: %v", err)
	}
	return img
}

// Three 2×2 images, two per row, padding 1: make_grid's layout is a 7×7
// grid with padding around every image and along the outer border.
func TestLayoutPadding(t *testing.T) {
	m := Uint8Images(3, 1, 2, 2, []uint8{
		10, 11, 12, 13,
		20, 21, 22, 23,
		30, 31, 32, 33,
	})
	got := grayRows(t, mustMake(t, m, Options{NRow: 2, Pad: 1}))
	equalRows(t, got, [][]uint8{
		{0, 0, 0, 0, 0, 0, 0},
		{0, 10, 11, 0, 20, 21, 0},
		{0, 12, 13, 0, 22, 23, 0},
		{0, 0, 0, 0, 0, 0, 0},
		{0, 30, 31, 0, 0, 0, 0},
		{0, 32, 33, 0, 0, 0, 0},
		{0, 0, 0, 0, 0, 0, 0},
	})
	// Pad value 1 is white; 0.5 is 127.5+0.5 = 128.
	for _, c := range []struct {
		v    float64
		want uint8
	}{{1, 255}, {0.5, 128}, {-3, 0}, {7, 255}, {0.2, 51}} {
		got := grayRows(t, mustMake(t, m, Options{NRow: 2, Pad: 1, PadValue: c.v}))
		if got[0][0] != c.want || got[4][4] != c.want || got[1][1] != 10 {
			t.Errorf("pad value %v: corner %d, empty cell %d, image %d; want %d, %d, 10", c.v, got[0][0], got[4][4], got[1][1], c.want, c.want)
		}
	}
	// Padding 0 packs the images together; padding 2 gives 3*(2+2)+2 wide.
	got = grayRows(t, mustMake(t, m, Options{NRow: 3}))
	equalRows(t, got, [][]uint8{{10, 11, 20, 21, 30, 31}, {12, 13, 22, 23, 32, 33}})
	img := mustMake(t, m, Options{NRow: 3, Pad: 2})
	if b := img.Bounds(); b.Dx() != 14 || b.Dy() != 6 {
		t.Errorf("pad 2: grid is %v, want 14×6", b.Size())
	}
}

// make_grid returns a batch of one image as the image itself, unpadded.
func TestSingleImageUnpadded(t *testing.T) {
	m := Uint8Images(1, 1, 2, 3, []uint8{1, 2, 3, 4, 5, 6})
	got := grayRows(t, mustMake(t, m, Options{Pad: 2, PadValue: 1}))
	equalRows(t, got, [][]uint8{{1, 2, 3}, {4, 5, 6}})
}

func TestColumnsRows(t *testing.T) {
	for _, c := range []struct{ n, nrow, cols, rows int }{
		{1, 0, 1, 1}, {2, 0, 2, 1}, {4, 0, 2, 2}, {5, 0, 3, 2}, {9, 0, 3, 3},
		{10, 0, 4, 3}, {64, 0, 8, 8}, {65, 0, 9, 8}, {60000, 0, 245, 245},
		{5, 2, 2, 3}, {5, 10, 5, 1}, {5, 1, 1, 5}, {8, 8, 8, 1},
	} {
		if cols, rows := Columns(c.n, c.nrow), Rows(c.n, c.nrow); cols != c.cols || rows != c.rows {
			t.Errorf("n=%d nrow=%d: %d cols %d rows, want %d, %d", c.n, c.nrow, cols, rows, c.cols, c.rows)
		}
	}
	// The default grid of 5 images: 3 per row, the last row partly empty.
	m := Uint8Images(5, 1, 1, 1, []uint8{1, 2, 3, 4, 5})
	got := grayRows(t, mustMake(t, m, Options{Pad: 1, PadValue: 1}))
	equalRows(t, got, [][]uint8{
		{255, 255, 255, 255, 255, 255, 255},
		{255, 1, 255, 2, 255, 3, 255},
		{255, 255, 255, 255, 255, 255, 255},
		{255, 4, 255, 5, 255, 255, 255},
		{255, 255, 255, 255, 255, 255, 255},
	})
}

func TestFirst(t *testing.T) {
	m := Uint8Images(5, 1, 1, 1, []uint8{1, 2, 3, 4, 5})
	f, err := m.First(2)
	if err != nil {
		t.Fatal(err)
	}
	equalRows(t, grayRows(t, mustMake(t, f, Options{})), [][]uint8{{1, 2}})
	if f, _ := m.First(99); f.N != 5 {
		t.Errorf("First(99) of 5 has %d images", f.N)
	}
	if _, err := m.First(0); err == nil {
		t.Error("First(0): no error")
	}
	// The minimum and maximum of -normalize are those of the images shown.
	f, _ = Float32Images(3, 1, 1, 1, []float32{0, 1, 100}, -1, 1).First(2)
	equalRows(t, grayRows(t, mustMake(t, f, Options{Normalize: true})), [][]uint8{{0, 255}})
}

// Values in [-1,1] are drawn as save_image(x, normalize=True,
// value_range=(-1,1)): floor(clamp((x+1)/2·255+0.5, 0, 255)).
func TestFloatRounding(t *testing.T) {
	below := float32(-1.0 / (1 << 24)) // -1+below is the float32 just below 0
	xs := []float32{-1, 1, 0, -0.5, 0.5, 2, -3, below,
		float32(math.NaN()), float32(math.Inf(1)), float32(math.Inf(-1)), 1.0 / 255, -0.6}
	want := []uint8{0, 255, 128, 64, 191, 255, 0, 127,
		0, 255, 0, 128, 51}
	// Checks by hand: 0 → 0.5·255 = 127.5, +0.5 = 128 exactly, the one
	// value exactly on a .5 boundary; -2⁻²⁴ gives 0.5-2⁻²⁵, ·255 =
	// 127.49999 (float32), + 0.5 < 128, truncated to 127. -0.5 → 63.75+0.5 → 64;
	// 0.5 → 191.25+0.5 → 191; 1/255 → (1+1/255)/2·255 = 128.0 → 128.5 →
	// 128; -0.6 → 0.2·255 = 51 → 51.5 → 51.
	m := Float32Images(1, 1, 1, len(xs), xs, -1, 1)
	got := grayRows(t, mustMake(t, m, Options{}))
	equalRows(t, got, [][]uint8{want})

	// Data in [0,1] maps x to floor(x·255+0.5).
	xs = []float32{0, 1, 0.5, math.Nextafter32(0.5, 0), 0.25, 0.2, 0.999, 0.001, 0.002, 1.5, -0.1}
	want = []uint8{0, 255, 128, 127, 64, 51, 255, 0, 1, 255, 0}
	got = grayRows(t, mustMake(t, Float32Images(1, 1, 1, len(xs), xs, 0, 1), Options{}))
	equalRows(t, got, [][]uint8{want})
}

// Every uint8 value maps to itself through the float32 path too, so the
// byte copy used for uint8 pixels is that path's result.
func TestUint8AsIs(t *testing.T) {
	lv := newLevel(0, 255)
	for v := 0; v < 256; v++ {
		if b := toByte(float32(v), lv); int(b) != v {
			t.Fatalf("uint8 %d becomes %d", v, b)
		}
	}
	pix := make([]uint8, 256)
	for i := range pix {
		pix[i] = uint8(i)
	}
	got := grayRows(t, mustMake(t, Uint8Images(1, 1, 16, 16, pix), Options{}))
	for y, row := range got {
		for x, v := range row {
			if int(v) != y*16+x {
				t.Fatalf("pixel (%d,%d) = %d, want %d", x, y, v, y*16+x)
			}
		}
	}
}

func TestNormalize(t *testing.T) {
	// uint8 50..150 stretched to 0..255: 100 is half way, 127.5+0.5 → 128.
	m := Uint8Images(1, 1, 1, 4, []uint8{50, 100, 150, 75})
	got := grayRows(t, mustMake(t, m, Options{Normalize: true}))
	equalRows(t, got, [][]uint8{{0, 128, 255, 64}}) // 75 → 0.25·255 = 63.75 → 64.25 → 64

	// Two float images, [0,10] and [0,20].
	two := Float32Images(2, 1, 1, 2, []float32{0, 10, 0, 20}, -1, 1)
	// Without normalization [-1,1] is the range: 0 → 128, 10 and 20 clamp.
	equalRows(t, grayRows(t, mustMake(t, two, Options{Pad: 0})), [][]uint8{{128, 255, 128, 255}})
	// Normalized over both: lo 0, hi 20; 10 → 128.
	equalRows(t, grayRows(t, mustMake(t, two, Options{Normalize: true})), [][]uint8{{0, 128, 0, 255}})
	// Each by its own min and max (with or without Normalize set).
	equalRows(t, grayRows(t, mustMake(t, two, Options{Normalize: true, ScaleEach: true})), [][]uint8{{0, 255, 0, 255}})
	equalRows(t, grayRows(t, mustMake(t, two, Options{ScaleEach: true})), [][]uint8{{0, 255, 0, 255}})
	// A range: 5 is the middle of [0,10]; 20 clamps to 10. Range implies
	// Normalize, and with ScaleEach every image still uses the range.
	r := &Range{0, 10}
	for _, opt := range []Options{{Range: r}, {Normalize: true, Range: r}, {Range: r, ScaleEach: true}} {
		equalRows(t, grayRows(t, mustMake(t, two, opt)), [][]uint8{{0, 255, 0, 255}})
	}
	half := Float32Images(1, 1, 1, 4, []float32{5, -4, 2.5, 12}, -1, 1)
	equalRows(t, grayRows(t, mustMake(t, half, Options{Range: r})), [][]uint8{{128, 0, 64, 255}})
	// A uint8 range is in uint8 units: [100,200].
	u := Uint8Images(1, 1, 1, 4, []uint8{100, 150, 200, 0})
	equalRows(t, grayRows(t, mustMake(t, u, Options{Range: &Range{100, 200}})), [][]uint8{{0, 128, 255, 0}})

	// A narrow spread is stretched too: [0,0.5] to 0..255.
	narrow := Float32Images(1, 1, 1, 3, []float32{0, 0.5, 0.25}, -1, 1)
	equalRows(t, grayRows(t, mustMake(t, narrow, Options{Normalize: true})), [][]uint8{{0, 255, 128}})
	// A constant image normalized: max(hi-lo, 1e-5) keeps it black.
	flat := Float32Images(2, 1, 1, 2, []float32{3, 3, 0, 1}, -1, 1)
	equalRows(t, grayRows(t, mustMake(t, flat, Options{ScaleEach: true})), [][]uint8{{0, 0, 0, 255}})
	// Non-finite values do not count for min and max.
	odd := Float32Images(1, 1, 1, 5, []float32{float32(math.NaN()), 2, float32(math.Inf(1)), 4, float32(math.Inf(-1))}, -1, 1)
	equalRows(t, grayRows(t, mustMake(t, odd, Options{Normalize: true})), [][]uint8{{0, 0, 255, 255, 0}})
}

func TestNonFinite(t *testing.T) {
	nan, inf := float32(math.NaN()), float32(math.Inf(1))
	m := Float32Images(2, 1, 1, 4, []float32{nan, 1, inf, -inf, nan, math.MaxFloat32, -math.MaxFloat32, nan}, -1, 1)
	if n, p, q := m.NonFinite(); n != 3 || p != 1 || q != 1 {
		t.Errorf("NonFinite = %d NaN, %d +Inf, %d -Inf; want 3, 1, 1", n, p, q)
	}
	if n, p, q := Uint8Images(1, 1, 1, 2, []uint8{0, 255}).NonFinite(); n+p+q != 0 {
		t.Errorf("uint8 images: NonFinite = %d, %d, %d", n, p, q)
	}
	// NaN and -Inf are black and +Inf white, also in an image with no
	// spread of finite values (lo = hi) or none at all.
	m = Float32Images(2, 1, 1, 4, []float32{nan, 3, inf, -inf, inf, nan, -inf, inf}, -1, 1)
	for _, opt := range []Options{{}, {Normalize: true}, {ScaleEach: true}, {Range: &Range{0, 1}}} {
		got := grayRows(t, mustMake(t, m, opt))[0]
		if got[0] != 0 || got[2] != 255 || got[3] != 0 || !bytes.Equal(got[4:], []uint8{255, 0, 0, 255}) {
			t.Errorf("%+v: drawn as %v", opt, got)
		}
	}
}

func TestRGB(t *testing.T) {
	// Two 1×1 RGB images side by side, padding 1 of value 0.5 (128).
	m := Uint8Images(2, 3, 1, 1, []uint8{10, 20, 30, 40, 50, 60})
	img := mustMake(t, m, Options{Pad: 1, PadValue: 0.5})
	c, ok := img.(*image.RGBA)
	if !ok {
		t.Fatalf("image is %T, want *image.RGBA", img)
	}
	if b := c.Rect; b.Dx() != 5 || b.Dy() != 3 {
		t.Fatalf("grid is %v, want 5×3", b.Size())
	}
	want := map[[2]int][4]uint8{{1, 1}: {10, 20, 30, 255}, {3, 1}: {40, 50, 60, 255}, {0, 0}: {128, 128, 128, 255}, {2, 1}: {128, 128, 128, 255}}
	for p, w := range want {
		i := c.PixOffset(p[0], p[1])
		if got := [4]uint8(c.Pix[i : i+4]); got != w {
			t.Errorf("pixel %v = %v, want %v", p, got, w)
		}
	}
	// Scale-each normalizes the three channels of an image together.
	f := Float32Images(1, 3, 1, 2, []float32{0, 1, 2, 3, 4, 2}, -1, 1)
	img = mustMake(t, f, Options{ScaleEach: true})
	c = img.(*image.RGBA)
	if got := [8]uint8(c.Pix[:8]); got != [8]uint8{0, 128, 255, 255, 64, 191, 128, 255} {
		t.Errorf("RGB scale-each: %v", got)
	}
	// An opaque RGBA image encodes as 8-bit RGB PNG (color type 2).
	var buf bytes.Buffer
	if err := Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	if b := buf.Bytes(); b[24] != 8 || b[25] != 2 {
		t.Errorf("PNG bit depth %d, color type %d; want 8, 2", b[24], b[25])
	}
}

func TestScale(t *testing.T) {
	m := Uint8Images(2, 1, 1, 1, []uint8{7, 9})
	got := grayRows(t, mustMake(t, m, Options{Pad: 1, Scale: 2}))
	equalRows(t, got, [][]uint8{
		{0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
		{0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
		{0, 0, 7, 7, 0, 0, 9, 9, 0, 0},
		{0, 0, 7, 7, 0, 0, 9, 9, 0, 0},
		{0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
		{0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
	})
	rgb := mustMake(t, Uint8Images(1, 3, 1, 2, []uint8{1, 2, 3, 4, 5, 6}), Options{Scale: 3}).(*image.RGBA)
	if rgb.Rect.Dx() != 6 || rgb.Rect.Dy() != 3 {
		t.Fatalf("scaled RGB is %v, want 6×3", rgb.Rect.Size())
	}
	for y := 0; y < 3; y++ {
		for x := 0; x < 6; x++ {
			want := [4]uint8{1, 3, 5, 255}
			if x >= 3 {
				want = [4]uint8{2, 4, 6, 255}
			}
			i := rgb.PixOffset(x, y)
			if got := [4]uint8(rgb.Pix[i : i+4]); got != want {
				t.Fatalf("pixel (%d,%d) = %v, want %v", x, y, got, want)
			}
		}
	}
}

func TestRowLabels(t *testing.T) {
	got, err := RowLabels([]int{3, 3, 5, 5, 12}, 2)
	if err != nil || strings.Join(got, " ") != "3 5 12" {
		t.Errorf("RowLabels = %q, %v; want 3 5 12", got, err)
	}
	// The default layout of 4 images is 2 per row.
	if got, err := RowLabels([]int{1, 1, 2, 2}, 0); err != nil || strings.Join(got, " ") != "1 2" {
		t.Errorf("RowLabels default = %q, %v", got, err)
	}
	_, err = RowLabels([]int{1, 1, 1, 2, 2, 2}, 2)
	if err == nil || !strings.Contains(err.Error(), "row 1 (images 2 to 3) mixes classes 1 (image 2) and 2 (image 3)") {
		t.Errorf("mixed row: %v", err)
	}
	if _, err := RowLabels(nil, 2); err == nil {
		t.Error("no classes: no error")
	}
	if _, err := RowLabels([]int{1}, -1); err == nil {
		t.Error("nrow -1: no error")
	}
}

func TestNamedRowLabels(t *testing.T) {
	names := []string{"zero", "one", "two", "three"}
	got, err := NamedRowLabels([]int{3, 3, 0, 0, 2}, 2, names)
	if err != nil || strings.Join(got, " ") != "three zero two" {
		t.Errorf("NamedRowLabels = %q, %v; want three zero two", got, err)
	}
	if _, err := NamedRowLabels([]int{1, 1, 4, 4}, 2, names); err == nil || err.Error() != "row 1 is of class 4, which has no name (4 names)" {
		t.Errorf("class without a name: %v", err)
	}
	if _, err := NamedRowLabels([]int{1, 2}, 2, names); err == nil || !strings.Contains(err.Error(), "mixes classes 1 (image 0) and 2 (image 1)") {
		t.Errorf("mixed row: %v", err)
	}
}

func TestClip(t *testing.T) {
	long := strings.Repeat("ab", 20) // 40 characters
	for in, want := range map[string]string{
		"":                            "",
		"short":                       "short",
		long[:32]:                     long[:32],
		long[:33]:                     long[:30] + "..",
		long:                          long[:30] + "..",
		strings.Repeat("é", 32):       strings.Repeat("é", 32),
		strings.Repeat("é", 40):       strings.Repeat("é", 30) + "..",
		"x" + strings.Repeat("日", 40): "x" + strings.Repeat("日", 29) + "..",
	} {
		if got := clip(in); got != want {
			t.Errorf("clip(%q) = %q, want %q", in, got, want)
		}
	}
}

// Names the font cannot draw: each character it lacks is drawn as its
// replacement mark, and the margin makes room for one 7-pixel cell per
// character; a name over MaxLabelLen characters is cut.
func TestLabelNonASCII(t *testing.T) {
	const h, w = 16, 16
	m := Uint8Images(3, 3, h, w, make([]uint8, 3*3*h*w))
	labels := []string{"grün", "日本", strings.Repeat("long name ", 10)}
	img := mustMake(t, m, Options{NRow: 1, Pad: 2, RowLabels: labels})
	c, ok := img.(*image.RGBA)
	if !ok {
		t.Fatalf("an RGB grid is %T", img)
	}
	margin := labelGap + 7*MaxLabelLen + labelGap
	if c.Rect.Dx() != margin+w+4 {
		t.Fatalf("grid is %d wide, want %d (a margin of %d)", c.Rect.Dx(), margin+w+4, margin)
	}
	// Row 1: two replacement marks, right-aligned, drawn as the font draws
	// U+FFFD; white ink on the black padding, gray in every channel.
	_, mask, mp, _, _ := labelFace.Glyph(fixed.P(0, 0), '\ufffd')
	top := 1*(h+2) + 2
	base := top + (h+9)/2
	for i := 0; i < 2; i++ {
		x0 := margin - labelGap - 14 + 7*i
		ink := 0
		for y := -11; y < 2; y++ {
			for x := 0; x < 7; x++ {
				_, _, _, a := mask.At(mp.X+x, mp.Y+11+y).RGBA()
				p := c.RGBAAt(x0+x, base+y)
				want := uint8(0)
				if a != 0 {
					want, ink = 255, ink+1
				}
				if p.R != want || p.G != want || p.B != want || p.A != 255 {
					t.Fatalf("mark %d: pixel (%d,%d) = %v, want gray %d", i, x0+x, base+y, p, want)
				}
			}
		}
		if ink < 10 {
			t.Fatalf("mark %d: %d pixels of ink", i, ink)
		}
	}
}

// A labelled grid has a margin at its left holding each row's label, drawn
// with the 7×13 bitmap font, white on black, the images untouched.
func TestLabelDrawing(t *testing.T) {
	const h, w = 20, 4
	pix := make([]uint8, 2*h*w)
	for i := range pix {
		pix[i] = 100
	}
	m := Uint8Images(2, 1, h, w, pix)
	img := mustMake(t, m, Options{NRow: 1, Pad: 1, RowLabels: []string{"1", "7"}})
	g := img.(*image.Gray)
	margin := labelGap + 7 + labelGap
	if g.Rect.Dx() != margin+w+2 || g.Rect.Dy() != 2*(h+1)+1 {
		t.Fatalf("labelled grid is %v, want %d×%d", g.Rect.Size(), margin+w+2, 2*(h+1)+1)
	}
	for r, ch := range []rune{'1', '7'} {
		top := r*(h+1) + 1
		// The glyph as the font draws it at the same place.
		dot := fixed.P(labelGap, top+(h+9)/2)
		dr, mask, mp, _, ok := labelFace.Glyph(dot, ch)
		if !ok {
			t.Fatalf("no glyph %q", ch)
		}
		ink := 0
		for y := dr.Min.Y; y < dr.Max.Y; y++ {
			for x := dr.Min.X; x < dr.Max.X; x++ {
				_, _, _, a := mask.At(mp.X+x-dr.Min.X, mp.Y+y-dr.Min.Y).RGBA()
				want := uint8(0)
				if a != 0 {
					want, ink = 255, ink+1
				}
				if got := g.GrayAt(x, y).Y; got != want {
					t.Fatalf("label %q: pixel (%d,%d) = %d, want %d", ch, x, y, got, want)
				}
			}
		}
		if ink < 5 {
			t.Fatalf("label %q: only %d pixels of ink", ch, ink)
		}
		// Its digit stands within the row's images.
		if dr.Min.Y < top-2 || dr.Max.Y > top+h+2 {
			t.Errorf("label %q spans rows %d..%d, the row's images %d..%d", ch, dr.Min.Y, dr.Max.Y, top, top+h)
		}
	}
	for y := 0; y < g.Rect.Dy(); y++ {
		for x := margin; x < g.Rect.Dx(); x++ {
			want := uint8(0)
			if x >= margin+1 && x < margin+1+w && (y%(h+1)) != 0 {
				want = 100
			}
			if got := g.GrayAt(x, y).Y; got != want {
				t.Fatalf("grid pixel (%d,%d) = %d, want %d", x, y, got, want)
			}
		}
	}
	// On a white padding the ink is black.
	img = mustMake(t, m, Options{NRow: 1, Pad: 1, PadValue: 1, RowLabels: []string{"1", "7"}})
	g = img.(*image.Gray)
	dark := 0
	for y := 0; y < g.Rect.Dy(); y++ {
		for x := 0; x < margin; x++ {
			switch g.GrayAt(x, y).Y {
			case 0:
				dark++
			case 255:
			default:
				t.Fatalf("margin pixel (%d,%d) = %d", x, y, g.GrayAt(x, y).Y)
			}
		}
	}
	if dark < 10 {
		t.Errorf("labels on white: %d dark pixels", dark)
	}
	if _, err := Make(m, Options{NRow: 1, RowLabels: []string{"1"}}); err == nil {
		t.Error("one label for two rows: no error")
	}
	// Labels scale with the grid.
	big := mustMake(t, m, Options{NRow: 1, Pad: 1, Scale: 2, RowLabels: []string{"1", "7"}})
	if big.Bounds().Dx() != 2*(margin+w+2) {
		t.Errorf("scaled labelled grid is %v wide", big.Bounds().Dx())
	}
}

func TestParseRange(t *testing.T) {
	for s, want := range map[string]Range{"-1,1": {-1, 1}, "0, 255": {0, 255}, " 0.5 ,2e1": {0.5, 20}} {
		r, err := ParseRange(s)
		if err != nil || r != want {
			t.Errorf("ParseRange(%q) = %v, %v; want %v", s, r, err, want)
		}
		if r2, _ := ParseRange(r.String()); r2 != r {
			t.Errorf("ParseRange(%q.String()) = %v", s, r2)
		}
	}
	for s, msg := range map[string]string{
		"":             "want two numbers",
		"1":            "want two numbers",
		"a,b":          "want two numbers",
		"1,2,3":        "want two numbers",
		"1,1":          "must be below",
		"2,1":          "must be below",
		"nan,1":        "finite",
		"0,inf":        "finite",
		"1,1.00000001": "distinct float32",
	} {
		_, err := ParseRange(s)
		if err == nil || !strings.Contains(err.Error(), msg) || !strings.Contains(err.Error(), "range") {
			t.Errorf("ParseRange(%q): error %v, want one saying %q", s, err, msg)
		}
	}
}

func TestBadOptions(t *testing.T) {
	m := Uint8Images(4, 1, 2, 2, make([]uint8, 16))
	for _, c := range []struct {
		opt Options
		msg string
	}{
		{Options{NRow: -1}, "nrow -1"},
		{Options{Pad: -1}, "padding -1"},
		{Options{PadValue: math.NaN()}, "pad value"},
		{Options{PadValue: math.Inf(1)}, "pad value"},
		{Options{Range: &Range{1, 1}}, "range"},
		{Options{Range: &Range{2, 1}}, "range"},
		{Options{Scale: -1}, "scale -1"},
		{Options{Scale: MaxScale + 1}, "scale 33"},
		{Options{MaxPixels: 10}, "over the limit"},
		{Options{MaxPixels: -1}, "pixel limit"},
	} {
		_, err := Make(m, c.opt)
		if err == nil || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("%+v: error %v, want one saying %q", c.opt, err, c.msg)
		}
	}
	for _, c := range []struct {
		m   Images
		msg string
	}{
		{Uint8Images(1, 2, 2, 2, make([]uint8, 8)), "2 channels"},
		{Uint8Images(1, 4, 2, 2, make([]uint8, 16)), "4 channels"},
		{Uint8Images(0, 1, 2, 2, nil), "at least 1"},
		{Uint8Images(2, 1, 2, 2, make([]uint8, 7)), "hold 7 values"},
		{Uint8Images(math.MaxInt/2, 1, 1<<20, 1<<20, make([]uint8, 7)), "hold 7 values"},
		{Images{N: 1, C: 1, H: 1, W: 1, Lo: 0, Hi: 1}, "exactly one"},
		{Images{N: 1, C: 1, H: 1, W: 1, U8: []uint8{1}, F32: []float32{1}, Hi: 1}, "exactly one"},
		{Float32Images(1, 1, 1, 1, []float32{0}, 1, 1), "value range"},
		{Float32Images(1, 1, 1, 1, []float32{0}, 0, math.NaN()), "value range"},
	} {
		_, err := Make(c.m, Options{})
		if err == nil || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("images %d×%d×%d×%d: error %v, want one saying %q", c.m.N, c.m.C, c.m.H, c.m.W, err, c.msg)
		}
	}
	// 100 MNIST-sized images enlarged 32 times: 9664×9664 is over 64
	// Mpixel, refused before any allocation for it.
	big := Uint8Images(100, 1, 28, 28, make([]uint8, 100*28*28))
	_, err := Make(big, Options{Pad: 2, Scale: 32})
	if err == nil || !strings.Contains(err.Error(), "9664×9664") {
		t.Errorf("huge grid: %v", err)
	}
	if testing.AllocsPerRun(1, func() { Make(big, Options{Pad: 2, Scale: 32}) }) > 20 {
		t.Error("a refused grid allocates")
	}
}

// The same grid gives the same PNG bytes, and they decode to its pixels.
func TestEncode(t *testing.T) {
	m := Float32Images(3, 1, 5, 5, func() []float32 {
		p := make([]float32, 75)
		for i := range p {
			p[i] = float32(i%17)/8 - 1
		}
		return p
	}(), -1, 1)
	img := mustMake(t, m, Options{Pad: 2})
	var a, b bytes.Buffer
	if err := Encode(&a, img); err != nil {
		t.Fatal(err)
	}
	Encode(&b, mustMake(t, m, Options{Pad: 2}))
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Fatal("two encodings of the same grid differ")
	}
	back, err := png.Decode(&a)
	if err != nil {
		t.Fatal(err)
	}
	g, ok := back.(*image.Gray)
	if !ok {
		t.Fatalf("decoded %T, want *image.Gray", back)
	}
	if !bytes.Equal(g.Pix, img.(*image.Gray).Pix) {
		t.Error("decoded pixels differ")
	}
}

// Package grid tiles a batch of images into one picture, the way
// torchvision's make_grid and save_image do, and encodes it as PNG.
//
// The layout is make_grid's: with c columns and r rows of H×W images and a
// padding of p pixels, the grid is r·(H+p)+p pixels high and c·(W+p)+p wide;
// image k sits at column k mod c, row k div c, its top-left corner at
// (x·(W+p)+p, y·(H+p)+p). Every pixel that no image covers has the padding
// value. A batch of one image is that image alone, without padding (as in
// make_grid).
//
// Values become bytes as save_image makes them: v = (x-lo)/(hi-lo) with x
// first clamped to [lo,hi], then floor(clamp(v·255+0.5, 0, 255)), all in
// float32 arithmetic. Normalization (Options.Normalize, Range, ScaleEach)
// only chooses lo and hi; see Options. NaN and -Inf are drawn black and
// +Inf white (also where lo = hi); Images.NonFinite counts them.
//
// The package knows nothing about tensor streams: cmd/imgrid reads the
// stream and hands the pixels over as Images.
package grid

import (
	"errors"
	"fmt"
	"image"
	"math"
)

// DefaultMaxPixels bounds the size of a grid (after scaling and labels): 64
// Mpixel, 64 MiB for a gray grid and 256 MiB for a color one.
const DefaultMaxPixels = 64 << 20

// MaxScale is the largest nearest-neighbour enlargement Options.Scale allows.
const MaxScale = 32

// Images is a batch of N images of C channels (1 = gray, 3 = RGB) of H×W
// pixels, stored image by image, channel by channel, row by row (N×C×H×W, as
// PyTorch stores them). Exactly one of U8 and F32 holds the N·C·H·W values.
type Images struct {
	N, C, H, W int
	U8         []uint8
	F32        []float32
	// Lo and Hi are the values drawn black and white when the grid is not
	// normalized: 0 and 255 for uint8 pixels, typically -1 and 1 (a
	// generator's tanh output) or 0 and 1 for float pixels. Lo < Hi.
	Lo, Hi float64
}

// Uint8Images returns a batch of uint8 pixels drawn as they are (0 black,
// 255 white).
func Uint8Images(n, c, h, w int, pix []uint8) Images {
	return Images{N: n, C: c, H: h, W: w, U8: pix, Lo: 0, Hi: 255}
}

// Float32Images returns a batch of float32 pixels whose values lo and hi are
// drawn black and white (when the grid is not normalized).
func Float32Images(n, c, h, w int, pix []float32, lo, hi float64) Images {
	return Images{N: n, C: c, H: h, W: w, F32: pix, Lo: lo, Hi: hi}
}

// Check reports whether the batch is well formed: positive sizes, C of 1 or
// 3, exactly one pixel slice of length N·C·H·W, finite Lo < Hi.
func (m Images) Check() error {
	if m.N < 1 || m.C < 1 || m.H < 1 || m.W < 1 {
		return fmt.Errorf("images have shape %d×%d×%d×%d; want N, C, H and W all at least 1", m.N, m.C, m.H, m.W)
	}
	if m.C != 1 && m.C != 3 {
		return fmt.Errorf("images have %d channels; want 1 (gray) or 3 (RGB)", m.C)
	}
	if (m.U8 == nil) == (m.F32 == nil) {
		return errors.New("images must hold exactly one of U8 and F32 pixels")
	}
	size, ok := product(m.N, m.C, m.H, m.W)
	if !ok || m.len() != size {
		return fmt.Errorf("images of shape %d×%d×%d×%d hold %d values", m.N, m.C, m.H, m.W, m.len())
	}
	if err := checkRange(m.Lo, m.Hi); err != nil {
		return fmt.Errorf("images value range: %w", err)
	}
	return nil
}

func (m Images) len() int {
	if m.U8 != nil {
		return len(m.U8)
	}
	return len(m.F32)
}

// First returns the first n images of the batch (all of them when the batch
// has fewer). n must be at least 1.
func (m Images) First(n int) (Images, error) {
	if n < 1 {
		return Images{}, fmt.Errorf("cannot take the first %d images; want at least 1", n)
	}
	if n >= m.N {
		return m, nil
	}
	per := m.C * m.H * m.W
	out := m
	out.N = n
	if m.U8 != nil {
		out.U8 = m.U8[:n*per]
	} else {
		out.F32 = m.F32[:n*per]
	}
	return out, nil
}

// Options say how to tile the images. The zero value tiles a square-ish
// grid without padding, draws the images' own value range, and no labels;
// torchvision's defaults are Pad 2 and PadValue 0.
type Options struct {
	// NRow is the number of images per row (make_grid's nrow); 0 chooses
	// ceil(sqrt(N)), a square-ish grid. Negative is an error.
	NRow int
	// Pad is the padding in pixels around every image, the outer border
	// included (make_grid's padding).
	Pad int
	// PadValue is the padding's brightness on the output scale, 0 black and
	// 1 white (make_grid's pad_value); values outside [0,1] clamp.
	PadValue float64

	// Normalize maps each pixel value from [lo,hi] (clamping outside) onto
	// black..white with lo, hi the minimum and maximum over all images (or
	// of each image with ScaleEach), or Range when it is set. Without it, lo
	// and hi are the images' own Lo and Hi. Minimum and maximum ignore NaN
	// and infinite values; NaN and -Inf pixels are drawn black, +Inf white.
	Normalize bool
	// Range, when not nil, gives lo and hi for Normalize, in the units of
	// the pixel values; it implies Normalize. torchvision ignores
	// value_range unless normalize is set; here asking for it is enough.
	Range *Range
	// ScaleEach normalizes every image by its own minimum and maximum; it
	// implies Normalize (torchvision ignores scale_each without normalize).
	// With Range every image uses Range, as in torchvision.
	ScaleEach bool

	// Scale enlarges the finished grid (labels included) Scale times with
	// nearest-neighbour sampling; 0 means 1. At most MaxScale.
	Scale int
	// RowLabels, when not nil, holds one text per grid row, drawn at the
	// left of the row in a margin added to the grid (see RowLabels and
	// NamedRowLabels).
	RowLabels []string
	// MaxPixels bounds the grid's width × height; 0 means DefaultMaxPixels.
	MaxPixels int
}

// Columns returns the number of columns of a grid of n images with nrow
// images per row (0: ceil(sqrt(n))), as make_grid computes it: min(nrow, n).
func Columns(n, nrow int) int {
	if nrow <= 0 {
		nrow = ceilSqrt(n)
	}
	return min(nrow, n)
}

// Rows returns the number of rows of a grid of n images with nrow images per
// row (0: ceil(sqrt(n))).
func Rows(n, nrow int) int {
	c := Columns(n, nrow)
	if c < 1 {
		return 0
	}
	return (n + c - 1) / c
}

func ceilSqrt(n int) int {
	if n <= 1 {
		return n
	}
	r := int(math.Sqrt(float64(n)))
	for r*r > n {
		r--
	}
	for r*r < n {
		r++
	}
	return r
}

// Make tiles the images into a grid as described by opt. The result is an
// *image.Gray for gray images and an opaque *image.RGBA for RGB ones.
func Make(m Images, opt Options) (image.Image, error) {
	if err := m.Check(); err != nil {
		return nil, err
	}
	if err := opt.check(); err != nil {
		return nil, err
	}
	cols, rows := Columns(m.N, opt.NRow), Rows(m.N, opt.NRow)
	if opt.RowLabels != nil && len(opt.RowLabels) != rows {
		return nil, fmt.Errorf("%d row labels for a grid of %d rows", len(opt.RowLabels), rows)
	}
	lay := layout{cols: cols, rows: rows, h: m.H, w: m.W, pad: opt.Pad}
	if m.N == 1 {
		lay.pad = 0 // make_grid returns a lone image as it is
	}
	lay.margin = labelMargin(opt.RowLabels)
	scale := max(opt.Scale, 1)
	maxPix := opt.MaxPixels
	if maxPix == 0 {
		maxPix = DefaultMaxPixels
	}
	// Check the size in floating point first: the factors come from
	// untrusted input and their exact product may overflow an int.
	gw := (float64(lay.margin) + float64(cols)*(float64(m.W)+float64(lay.pad)) + float64(lay.pad)) * float64(scale)
	gh := (float64(rows)*(float64(m.H)+float64(lay.pad)) + float64(lay.pad)) * float64(scale)
	if gw*gh > float64(maxPix) {
		return nil, fmt.Errorf("a %.0f×%.0f grid (%.1f Mpixel) is over the limit of %.1f Mpixel; show fewer images or a smaller scale",
			gw, gh, gw*gh/(1<<20), float64(maxPix)/(1<<20))
	}

	levels := computeLevels(m, opt)
	padByte := toByte(float32(opt.PadValue), unitLevel)
	var img image.Image
	if m.C == 1 {
		g := image.NewGray(image.Rect(0, 0, lay.width(), lay.height()))
		fill(g.Pix, padByte)
		drawGray(g, m, lay, levels)
		drawLabels(g, opt.RowLabels, lay, padByte)
		img = g
	} else {
		c := image.NewRGBA(image.Rect(0, 0, lay.width(), lay.height()))
		for i := 0; i < len(c.Pix); i += 4 {
			c.Pix[i], c.Pix[i+1], c.Pix[i+2], c.Pix[i+3] = padByte, padByte, padByte, 0xff
		}
		drawRGB(c, m, lay, levels)
		drawLabels(c, opt.RowLabels, lay, padByte)
		img = c
	}
	if scale > 1 {
		img = enlarge(img, scale)
	}
	return img, nil
}

func (o Options) check() error {
	if o.NRow < 0 {
		return fmt.Errorf("nrow %d; want at least 1 image per row", o.NRow)
	}
	if o.Pad < 0 {
		return fmt.Errorf("padding %d; want 0 or more pixels", o.Pad)
	}
	if math.IsNaN(o.PadValue) || math.IsInf(o.PadValue, 0) {
		return fmt.Errorf("pad value %v; want a number in [0,1]", o.PadValue)
	}
	if o.Range != nil {
		if err := checkRange(o.Range.Lo, o.Range.Hi); err != nil {
			return fmt.Errorf("range: %w", err)
		}
	}
	if o.Scale < 0 || o.Scale > MaxScale {
		return fmt.Errorf("scale %d; want 1 to %d", o.Scale, MaxScale)
	}
	if o.MaxPixels < 0 {
		return fmt.Errorf("pixel limit %d is negative", o.MaxPixels)
	}
	return nil
}

// product returns the product of the factors, or false when it overflows.
func product(f ...int) (int, bool) {
	p := 1
	for _, x := range f {
		if x < 0 || (x != 0 && p > math.MaxInt/x) {
			return 0, false
		}
		p *= x
	}
	return p, true
}

// layout is the geometry of a grid before scaling.
type layout struct {
	cols, rows int
	h, w       int
	pad        int
	margin     int // width of the label margin at the left
}

func (l layout) width() int  { return l.margin + l.cols*(l.w+l.pad) + l.pad }
func (l layout) height() int { return l.rows*(l.h+l.pad) + l.pad }

// origin returns the top-left corner of image k.
func (l layout) origin(k int) (x, y int) {
	return l.margin + (k%l.cols)*(l.w+l.pad) + l.pad, (k/l.cols)*(l.h+l.pad) + l.pad
}

func fill(b []byte, v byte) {
	for i := range b {
		b[i] = v
	}
}

func drawGray(g *image.Gray, m Images, lay layout, lv []level) {
	plane := m.H * m.W
	for k := 0; k < m.N; k++ {
		x0, y0 := lay.origin(k)
		for y := 0; y < m.H; y++ {
			row := g.Pix[(y0+y)*g.Stride+x0:][:m.W]
			m.bytes(row, k*plane+y*m.W, lv[k])
		}
	}
}

func drawRGB(c *image.RGBA, m Images, lay layout, lv []level) {
	plane := m.H * m.W
	row := make([]byte, m.W)
	for k := 0; k < m.N; k++ {
		x0, y0 := lay.origin(k)
		for ch := 0; ch < 3; ch++ {
			for y := 0; y < m.H; y++ {
				m.bytes(row, (k*3+ch)*plane+y*m.W, lv[k])
				dst := c.Pix[(y0+y)*c.Stride+x0*4+ch:]
				for x, b := range row {
					dst[4*x] = b
				}
			}
		}
	}
}

// enlarge returns img scaled k times with nearest-neighbour sampling.
func enlarge(img image.Image, k int) image.Image {
	switch src := img.(type) {
	case *image.Gray:
		dst := image.NewGray(image.Rect(0, 0, src.Rect.Dx()*k, src.Rect.Dy()*k))
		enlargePix(dst.Pix, dst.Stride, src.Pix, src.Stride, src.Rect.Dx(), src.Rect.Dy(), 1, k)
		return dst
	case *image.RGBA:
		dst := image.NewRGBA(image.Rect(0, 0, src.Rect.Dx()*k, src.Rect.Dy()*k))
		enlargePix(dst.Pix, dst.Stride, src.Pix, src.Stride, src.Rect.Dx(), src.Rect.Dy(), 4, k)
		return dst
	}
	panic("grid: enlarge of an unexpected image type")
}

func enlargePix(dst []byte, dstStride int, src []byte, srcStride, w, h, bpp, k int) {
	for y := 0; y < h; y++ {
		out := dst[y*k*dstStride:]
		in := src[y*srcStride:]
		for x := 0; x < w; x++ {
			p := in[x*bpp : x*bpp+bpp]
			for i := 0; i < k; i++ {
				copy(out[(x*k+i)*bpp:], p)
			}
		}
		for i := 1; i < k; i++ {
			copy(dst[(y*k+i)*dstStride:][:w*k*bpp], out[:w*k*bpp])
		}
	}
}

package imagefolder

import (
	"bufio"
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/image/draw"
)

// header is what an image file's header says: its size, whether it is
// gray, and how to decode it.
type header struct {
	w, h   int
	gray   bool
	format string // "png" or "jpeg"
}

// pngMagic starts every PNG file; jpegMagic every JPEG file (a start of
// image marker, then the first marker's 0xff).
var (
	pngMagic  = []byte("\x89PNG\r\n\x1a\n")
	jpegMagic = []byte("\xff\xd8\xff")
)

// format returns the format of the file at path whose first bytes are
// head: the one its magic number says, else the one its extension says.
func format(path string, head []byte) string {
	switch {
	case bytes.HasPrefix(head, pngMagic):
		return "png"
	case bytes.HasPrefix(head, jpegMagic):
		return "jpeg"
	case strings.EqualFold(filepath.Ext(path), ".png"):
		return "png"
	}
	return "jpeg"
}

// PNG colour types (the IHDR chunk's byte 9).
const (
	pngGray      = 0
	pngPaletted  = 3
	pngGrayAlpha = 4
)

// readHeader reads the header of the image file at path and checks its
// size against MaxImagePixels.
func readHeader(path string) (header, error) {
	f, err := os.Open(path)
	if err != nil {
		return header{}, unwrapOpen(err)
	}
	defer f.Close()
	br := bufio.NewReader(f)
	head, _ := br.Peek(26) // the PNG signature and IHDR up to the colour type
	h := header{format: format(path, head)}
	var cfg image.Config
	switch h.format {
	case "png":
		if cfg, err = png.DecodeConfig(br); err != nil {
			return h, err
		}
		if len(head) < 26 { // DecodeConfig read an IHDR, which head holds
			return h, fmt.Errorf("png: no IHDR chunk at the start")
		}
		switch head[25] {
		case pngGray, pngGrayAlpha:
			h.gray = true
		case pngPaletted:
			h.gray = grayPalette(cfg.ColorModel)
		}
	default:
		if cfg, err = jpeg.DecodeConfig(br); err != nil {
			return h, err
		}
		h.gray = cfg.ColorModel == color.GrayModel
	}
	h.w, h.h = cfg.Width, cfg.Height
	if h.w <= 0 || h.h <= 0 {
		return h, fmt.Errorf("%s: image of %d×%d pixels", h.format, h.w, h.h)
	}
	if int64(h.w)*int64(h.h) > MaxImagePixels {
		return h, fmt.Errorf("%s: image of %d×%d pixels, over the limit of %d Mpixel", h.format, h.w, h.h, MaxImagePixels>>20)
	}
	return h, nil
}

// grayPalette reports whether m is a palette of grays only.
func grayPalette(m color.Model) bool {
	p, ok := m.(color.Palette)
	if !ok {
		return false
	}
	for _, c := range p {
		r, g, b, _ := c.RGBA()
		if r != g || g != b {
			return false
		}
	}
	return true
}

// unwrapOpen returns the reason of an os.Open error without the path,
// which the caller adds.
func unwrapOpen(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	return err
}

// decode decodes the image file at path, whose header is h.
func decode(path string, h header) (image.Image, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, unwrapOpen(err)
	}
	defer f.Close()
	var dec func(io.Reader) (image.Image, error) = jpeg.Decode
	if h.format == "png" {
		dec = png.Decode
	}
	img, err := dec(bufio.NewReader(f))
	if err != nil {
		return nil, err
	}
	if b := img.Bounds(); b.Dx() != h.w || b.Dy() != h.h {
		// The file changed since its header was read.
		return nil, fmt.Errorf("%s: decoded %d×%d pixels, but the header says %d×%d", h.format, b.Dx(), b.Dy(), h.w, h.h)
	}
	return img, nil
}

// toPixels writes img into dst as channels planes of side×side bytes: its
// largest centred square, composited over black, resized to side×side
// (Catmull-Rom) unless it has that size, then its red plane (channels 1:
// the image is gray, its planes are equal) or its red, green and blue
// planes.
func toPixels(dst []uint8, img image.Image, channels, side int) {
	b := img.Bounds()
	sq := min(b.Dx(), b.Dy())
	at := image.Pt(b.Min.X+(b.Dx()-sq)/2, b.Min.Y+(b.Dy()-sq)/2)
	m := image.NewRGBA(image.Rect(0, 0, sq, sq))
	// RGBA holds alpha-premultiplied colours: copying the image into it
	// and then making it opaque composites it over black.
	draw.Draw(m, m.Rect, img, at, draw.Src)
	for i := 3; i < len(m.Pix); i += 4 {
		m.Pix[i] = 0xff
	}
	if sq != side {
		r := image.NewRGBA(image.Rect(0, 0, side, side))
		draw.CatmullRom.Scale(r, r.Rect, m, m.Rect, draw.Src, nil)
		m = r
	}
	plane := side * side
	for c := range channels {
		p := dst[c*plane : (c+1)*plane]
		for i := range p {
			p[i] = m.Pix[4*i+c]
		}
	}
}

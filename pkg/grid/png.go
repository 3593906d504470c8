// PNG output with fixed settings, so the same grid always gives the same
// bytes.

package grid

import (
	"image"
	"image/png"
	"io"
)

// Encode writes img to w as PNG: 8-bit gray for an *image.Gray, 8-bit RGB
// for an opaque *image.RGBA, always with the same compression level so that
// the bytes depend only on the pixels (and the Go release's compress/flate).
func Encode(w io.Writer, img image.Image) error {
	enc := png.Encoder{CompressionLevel: png.DefaultCompression}
	return enc.Encode(w, img)
}

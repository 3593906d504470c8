// The fixture images of imgstack's golden tests (testdata/imgstack/), made
// here deterministically. Regenerate them with
//
//	go test ./cmd/imgstack -run TestFixtures -update
//
// Without -update the test checks that the committed files hold what this
// code makes: the same decoded pixels of every image (the encoded bytes
// may differ between Go versions), the same bytes of the hand-made PNG
// header, and the same tensors of the stream.

package main

import (
	"bytes"
	"encoding/binary"
	"flag"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"acgan/pkg/tensor"
)

var update = flag.Bool("update", false, "rewrite the fixtures in testdata/imgstack")

const fixtureDir = "../../testdata/imgstack"

// fixture is one file of testdata/imgstack.
type fixture struct {
	name string
	data func(t *testing.T) []byte
}

// fixtures are the files, small images of shapes drawn with arithmetic.
var fixtures = []fixture{
	{"gray-ramp.png", pngOf(gray(16, 16, func(x, y int) uint8 { return uint8(16*x + y) }))},
	{"gray-disc.png", pngOf(gray(16, 16, func(x, y int) uint8 { return disc(x, y, 16, 255, 0) }))},
	{"gray-palette.png", pngOf(grayPalette())},
	{"gray-20.png", pngOf(gray(20, 20, func(x, y int) uint8 { return disc(x, y, 20, 200, 30) }))},
	{"rgb-squares.png", pngOf(rgb(16, 16, squares))},
	{"rgb-24x16.png", pngOf(rgb(24, 16, func(x, y int) color.RGBA { return squares(x-4, y) }))},
	{"rgb-alpha.png", pngOf(alpha())},
	{"rgb.jpg", jpegOf(rgb(16, 16, squares))},
	{"gray.jpg", jpegOf(gray(16, 16, func(x, y int) uint8 { return disc(x, y, 16, 240, 10) }))},
	{"huge-header.png", hugeHeader},
	{"rgb-nolabels.tzst", noLabels},
}

// disc returns in, within the disc inscribed in a side×side image, else out.
func disc(x, y, side int, in, out uint8) uint8 {
	c := float64(side-1) / 2
	if math.Hypot(float64(x)-c, float64(y)-c) <= float64(side)/2-2 {
		return in
	}
	return out
}

// squares is four coloured quadrants of a 16×16 image (repeated outside).
func squares(x, y int) color.RGBA {
	q := (x/8)&1 + 2*((y/8)&1)
	return []color.RGBA{{220, 40, 40, 255}, {40, 200, 60, 255}, {30, 60, 210, 255}, {230, 210, 40, 255}}[q]
}

func gray(w, h int, f func(x, y int) uint8) image.Image {
	m := image.NewGray(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			m.SetGray(x, y, color.Gray{f(x, y)})
		}
	}
	return m
}

func rgb(w, h int, f func(x, y int) color.RGBA) image.Image {
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			m.SetRGBA(x, y, f(x, y))
		}
	}
	return m
}

// grayPalette is a paletted image of four grays: stripes.
func grayPalette() image.Image {
	m := image.NewPaletted(image.Rect(0, 0, 16, 16), color.Palette{color.Gray{0}, color.Gray{80}, color.Gray{160}, color.Gray{255}})
	for i := range m.Pix {
		m.Pix[i] = uint8((i % 16) / 4)
	}
	return m
}

// alpha is a red disc on a transparent background, its edge half
// transparent.
func alpha() image.Image {
	m := image.NewNRGBA(image.Rect(0, 0, 16, 16))
	for y := range 16 {
		for x := range 16 {
			a := disc(x, y, 16, 255, 0)
			if a == 0 && disc(x, y, 18, 1, 0) == 1 {
				a = 128
			}
			m.SetNRGBA(x, y, color.NRGBA{250, 30, 30, a})
		}
	}
	return m
}

func pngOf(m image.Image) func(*testing.T) []byte {
	return func(t *testing.T) []byte {
		var b bytes.Buffer
		if err := png.Encode(&b, m); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
}

func jpegOf(m image.Image) func(*testing.T) []byte {
	return func(t *testing.T) []byte {
		var b bytes.Buffer
		if err := jpeg.Encode(&b, m, &jpeg.Options{Quality: 90}); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
}

// hugeHeader is the start of a PNG file whose header says 100000×100000
// RGB pixels (30 GB decoded), and nothing after it.
func hugeHeader(t *testing.T) []byte {
	ihdr := []byte("IHDR")
	ihdr = binary.BigEndian.AppendUint32(ihdr, 100000)
	ihdr = binary.BigEndian.AppendUint32(ihdr, 100000)
	ihdr = append(ihdr, 8, 2, 0, 0, 0)
	b := []byte("\x89PNG\r\n\x1a\n")
	b = binary.BigEndian.AppendUint32(b, uint32(len(ihdr)-4))
	b = append(b, ihdr...)
	return binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(ihdr))
}

// noLabels is a stream of four float32 RGB images in [0, 1] (range=0,1),
// without labels: the squares, turned a quarter each time, with values
// just outside the range and a NaN.
func noLabels(t *testing.T) []byte {
	const n, side = 4, 16
	v := make([]float32, n*3*side*side)
	for i := range n {
		for y := range side {
			for x := range side {
				xx, yy := x, y
				for range i {
					xx, yy = side-1-yy, xx
				}
				c := squares(xx, yy)
				for ch, b := range []uint8{c.R, c.G, c.B} {
					v[((i*3+ch)*side+y)*side+x] = float32(b) / 255
				}
			}
		}
	}
	v[0], v[1], v[2] = -0.5, 1.5, float32(math.NaN())
	var b bytes.Buffer
	err := tensor.WriteAll(&b, tensor.NewFloat32(tensor.NameImages, []int{n, 3, side, side}, v).SetMeta(tensor.MetaRange, "0,1"))
	if err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestFixtures(t *testing.T) {
	for _, f := range fixtures {
		path := filepath.Join(fixtureDir, f.name)
		want := f.data(t)
		if *update {
			if err := os.MkdirAll(fixtureDir, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, want, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (make the fixtures with -update)", err)
		}
		if !sameContent(t, f.name, got, want) {
			t.Errorf("%s differs from what this test makes (run it with -update)", path)
		}
	}
}

// sameContent reports whether the files a and b named name hold the same
// content: decoded pixels for images, tensors for streams, else bytes.
func sameContent(t *testing.T, name string, a, b []byte) bool {
	switch {
	case name == "huge-header.png":
		return bytes.Equal(a, b)
	case strings.HasSuffix(name, ".tzst"):
		ta, err1 := tensor.ReadAll(bytes.NewReader(a))
		tb, err2 := tensor.ReadAll(bytes.NewReader(b))
		return err1 == nil && err2 == nil && reflect.DeepEqual(nanless(ta), nanless(tb))
	}
	ia, _, err1 := image.Decode(bytes.NewReader(a))
	ib, _, err2 := image.Decode(bytes.NewReader(b))
	return err1 == nil && err2 == nil && reflect.DeepEqual(ia, ib)
}

// nanless replaces NaN by a marker, for DeepEqual (NaN ≠ NaN).
func nanless(ts []*tensor.Tensor) []*tensor.Tensor {
	for _, t := range ts {
		for i, v := range t.F32 {
			if v != v {
				t.F32[i] = -12345
			}
		}
	}
	return ts
}

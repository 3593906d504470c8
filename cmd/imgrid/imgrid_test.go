// Tests of imgrid's stream handling: which record it draws, how it reads
// dtypes, ranges and labels, and that bad streams give clear errors and no
// output.

package main

import (
	"bytes"
	"image"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"acgan/pkg/grid"
	"acgan/pkg/tensor"
)

func stream(t *testing.T, ts ...*tensor.Tensor) []byte {
	t.Helper()
	return encodeStream(t, ts)
}

func renderGray(t *testing.T, c config, in []byte) *image.Gray {
	t.Helper()
	var out bytes.Buffer
	if err := render(c, bytes.NewReader(in), &out); err != nil {
		t.Fatalf("render: %v", err)
	}
	img, err := png.Decode(&out)
	if err != nil {
		t.Fatal(err)
	}
	g, ok := img.(*image.Gray)
	if !ok {
		t.Fatalf("PNG decodes to %T, want *image.Gray", img)
	}
	return g
}

func TestRenderUint8(t *testing.T) {
	in := stream(t,
		tensor.NewUint8("images", []int{3, 1, 1, 2}, []uint8{1, 2, 3, 4, 5, 6}),
		tensor.NewUint8("labels", []int{3}, []uint8{7, 7, 8}))
	g := renderGray(t, config{opt: grid.Options{Pad: 1, NRow: 2}}, in)
	want := []uint8{
		0, 0, 0, 0, 0, 0, 0,
		0, 1, 2, 0, 3, 4, 0,
		0, 0, 0, 0, 0, 0, 0,
		0, 5, 6, 0, 0, 0, 0,
		0, 0, 0, 0, 0, 0, 0,
	}
	if g.Rect.Dx() != 7 || !bytes.Equal(g.Pix, want) {
		t.Errorf("grid %v:\n%v\nwant\n%v", g.Rect.Size(), g.Pix, want)
	}
	// -n 2 keeps one row.
	g = renderGray(t, config{opt: grid.Options{Pad: 1, NRow: 2}, first: 2}, in)
	if g.Rect.Dy() != 3 {
		t.Errorf("-n 2: %v", g.Rect.Size())
	}
	// -labels: rows of class 7 and 8 get a margin.
	g = renderGray(t, config{opt: grid.Options{Pad: 1, NRow: 2}, labels: true}, in)
	if g.Rect.Dx() <= 7 || g.Rect.Dy() != 5 {
		t.Errorf("-labels: %v", g.Rect.Size())
	}
}

func TestRenderFloatRange(t *testing.T) {
	pix := []float32{-1, 0, 0.5, 1}
	// Default range -1,1: 0 → 128.
	g := renderGray(t, config{}, stream(t, tensor.NewFloat32("images", []int{1, 1, 1, 4}, pix)))
	if !bytes.Equal(g.Pix, []uint8{0, 128, 191, 255}) {
		t.Errorf("default range: %v", g.Pix)
	}
	// range=0,1: -1 and 0 are black, 0.5 → 128.
	g = renderGray(t, config{}, stream(t, tensor.NewFloat32("images", []int{1, 1, 1, 4}, pix).SetMeta("range", "0,1")))
	if !bytes.Equal(g.Pix, []uint8{0, 0, 128, 255}) {
		t.Errorf("range 0,1: %v", g.Pix)
	}
	// -range overrides it.
	r := grid.Range{Lo: 0, Hi: 0.5}
	g = renderGray(t, config{opt: grid.Options{Range: &r}}, stream(t, tensor.NewFloat32("images", []int{1, 1, 1, 4}, pix).SetMeta("range", "0,1")))
	if !bytes.Equal(g.Pix, []uint8{0, 0, 255, 255}) {
		t.Errorf("-range 0,0.5: %v", g.Pix)
	}
}

func TestWhichRecord(t *testing.T) {
	a := tensor.NewUint8("first", []int{1, 1, 1, 1}, []uint8{11})
	b := tensor.NewUint8("images", []int{1, 1, 1, 1}, []uint8{22})
	c := tensor.NewUint8("other", []int{1, 1, 1, 1}, []uint8{33})
	for _, tc := range []struct {
		ts   []*tensor.Tensor
		want uint8
	}{
		{[]*tensor.Tensor{a, b, c}, 22}, // "images" wins, wherever it is
		{[]*tensor.Tensor{a, c, b}, 22},
		{[]*tensor.Tensor{a, c}, 11}, // else the first 4-D record
		{[]*tensor.Tensor{tensor.NewUint8("v", []int{2}, []uint8{1, 2}), c, a}, 33},
		{[]*tensor.Tensor{b, tensor.NewUint8("images", []int{1, 1, 1, 1}, []uint8{44})}, 22}, // the first "images"
	} {
		g := renderGray(t, config{}, stream(t, tc.ts...))
		if g.Pix[0] != tc.want {
			t.Errorf("drew %d, want %d", g.Pix[0], tc.want)
		}
	}
}

func TestRenderErrors(t *testing.T) {
	img := tensor.NewUint8("images", []int{4, 1, 1, 1}, []uint8{1, 2, 3, 4})
	truncated := stream(t, img)
	truncated = truncated[:len(truncated)-6]
	for _, tc := range []struct {
		name string
		in   []byte
		c    config
		msg  string
	}{
		{"garbage", []byte("hello, world"), config{}, "reading the stream"},
		{"empty", nil, config{}, "reading the stream"},
		{"truncated", truncated, config{}, "reading the stream"},
		{"no records", stream(t), config{}, "has no images: want an \"images\" record or another N×C×H×W record, but it has no records"},
		{"labels only", stream(t, tensor.NewUint8("labels", []int{2}, []uint8{1, 2})), config{}, "but it has only labels uint8 2"},
		{"rank 3", stream(t, tensor.NewUint8("images", []int{2, 28, 28}, nil)), config{}, `record "images" has shape 2x28x28; want images N×C×H×W`},
		{"2 channels", stream(t, tensor.NewUint8("images", []int{2, 2, 4, 4}, nil)), config{}, "2 channels; want 1 (gray) or 3 (RGB)"},
		{"no images", stream(t, tensor.NewUint8("images", []int{0, 1, 4, 4}, nil)), config{}, "no pixels"},
		{"int32", stream(t, tensor.NewInt32("images", []int{2, 1, 4, 4}, nil)), config{}, "holds int32 values; want uint8 or float32"},
		{"bad range", stream(t, tensor.NewFloat32("images", []int{1, 1, 1, 1}, nil).SetMeta("range", "1,-1")), config{}, `metadata range="1,-1"`},
		{"bad range 2", stream(t, tensor.NewFloat32("images", []int{1, 1, 1, 1}, nil).SetMeta("range", "0..1")), config{}, `metadata range="0..1"`},
		{"no labels", stream(t, img), config{labels: true}, `-labels: the stream has no "labels" record`},
		{"short labels", stream(t, img, tensor.NewUint8("labels", []int{3}, []uint8{1, 1, 1})), config{labels: true}, "has shape 3; want 4 labels"},
		{"float labels", stream(t, img, tensor.NewFloat32("labels", []int{4}, nil)), config{labels: true}, "holds float32 values; want uint8 or int32"},
		{"mixed rows", stream(t, img, tensor.NewUint8("labels", []int{4}, []uint8{1, 2, 3, 4})), config{labels: true}, "-labels: row 0 (images 0 to 1) mixes classes 1 (image 0) and 2 (image 1)"},
		{"mixed rows hint", stream(t, tensor.NewUint8("images", []int{6, 1, 1, 1}, nil), tensor.NewUint8("labels", []int{6}, []uint8{1, 1, 2, 2, 3, 3})), config{labels: true}, "try -nrow 2"},
		{"too big", stream(t, img), config{opt: grid.Options{Pad: 3000}}, "over the limit of 64.0 Mpixel"},
	} {
		var out bytes.Buffer
		err := render(tc.c, bytes.NewReader(tc.in), &out)
		if err == nil || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("%s: error %v, want one containing %q", tc.name, err, tc.msg)
		}
		if out.Len() != 0 {
			t.Errorf("%s: wrote %d bytes", tc.name, out.Len())
		}
	}
}

func TestRunLength(t *testing.T) {
	for _, tc := range []struct {
		c    []int
		want int
	}{
		{[]int{1, 1, 2, 2, 3, 3}, 2},
		{[]int{1, 1, 1, 2, 2, 2, 3}, 3},
		{[]int{1, 1, 2, 2, 2}, 0},
		{[]int{1, 1, 1, 1}, 0}, // one run: any grid works
		{[]int{1, 2, 3}, 1},
		{[]int{1, 2, 2, 3}, 0},
	} {
		if got := runLength(tc.c); got != tc.want {
			t.Errorf("runLength(%v) = %d, want %d", tc.c, got, tc.want)
		}
	}
}

func TestFlags(t *testing.T) {
	one, zero := 1, 0
	for _, tc := range []struct {
		f   flags
		msg string
	}{
		{flags{NRow: &zero, Scale: 1}, "-nrow 0: want at least 1"},
		{flags{N: &zero, Scale: 1}, "-n 0: want at least 1"},
		{flags{Pad: -1, Scale: 1}, "-pad -1"},
		{flags{Scale: 0}, "-scale 0: want 1 to 32"},
		{flags{Scale: 33}, "-scale 33"},
		{flags{Scale: 1, Range: "1"}, `-range "1": want two numbers`},
		{flags{Scale: 1, Range: "2,1"}, `-range "2,1": low bound 2 must be below high bound 1`},
	} {
		_, err := tc.f.config()
		if err == nil || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("%+v: error %v, want one containing %q", tc.f, err, tc.msg)
		}
	}
	c, err := (&flags{NRow: &one, N: &one, Scale: 2, Pad: 2, Range: "-1,1", Labels: true}).config()
	if err != nil || c.opt.NRow != 1 || c.first != 1 || c.opt.Scale != 2 || c.opt.Range == nil || !c.labels {
		t.Errorf("config = %+v, %v", c, err)
	}
}

// FuzzRender: no stream makes imgrid panic; it draws or it says why not.
// Seeds are the fixture streams; run with
// go test ./cmd/imgrid -run '^$' -fuzz FuzzRender -fuzztime 30s.
func FuzzRender(f *testing.F) {
	for _, name := range []string{"grid-u8.tzst", "grid-f32.tzst", "grid-rgb.tzst", "grid-bad-header.tzst", "grid-huge-record.tzst"} {
		b, err := os.ReadFile(filepath.Join(streamDir, name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, uint8(0))
	}
	f.Fuzz(func(t *testing.T, in []byte, flags uint8) {
		c := config{opt: grid.Options{Pad: int(flags & 3), NRow: int(flags>>2) & 7, Normalize: flags&32 != 0, ScaleEach: flags&64 != 0}, labels: flags&128 != 0}
		render(c, bytes.NewReader(in), io.Discard)
	})
}

// TestNRowHint: a stream's nrow entry sets the images per row unless -nrow
// is given; a malformed one is ignored.
func TestNRowHint(t *testing.T) {
	img := func(nrow string) []byte {
		x := tensor.NewUint8("images", []int{6, 1, 1, 1}, []uint8{1, 2, 3, 4, 5, 6})
		if nrow != "" {
			x.SetMeta(tensor.MetaNRow, nrow)
		}
		return stream(t, x)
	}
	for _, c := range []struct {
		nrow   string
		c      config
		dx, dy int // grid size with pad 0
	}{
		{"", config{}, 3, 2},                            // ceil(sqrt(6)) = 3
		{"6", config{}, 6, 1},                           // the hint
		{"2", config{}, 2, 3},                           // the hint
		{"2", config{opt: grid.Options{NRow: 3}}, 3, 2}, // -nrow wins
		{"x", config{}, 3, 2},                           // malformed: ignored
		{"0", config{}, 3, 2},
	} {
		g := renderGray(t, c.c, img(c.nrow))
		if g.Rect.Dx() != c.dx || g.Rect.Dy() != c.dy {
			t.Errorf("nrow %q, %+v: grid %v, want %dx%d", c.nrow, c.c, g.Rect.Size(), c.dx, c.dy)
		}
	}
}

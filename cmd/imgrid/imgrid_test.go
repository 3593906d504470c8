// Tests of imgrid's stream handling: which record it draws, how it reads
// dtypes, ranges and labels, and that bad streams give clear errors and no
// output.

package main

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"acgan/pkg/dataset"
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
	if err := render(c, bytes.NewReader(in), &out, io.Discard); err != nil {
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
		{[]*tensor.Tensor{b, tensor.NewUint8("images", []int{1, 1, 1, 1}, []uint8{44})}, 22}, // every "images", in order
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
		{"rank 3", stream(t, tensor.NewUint8("images", []int{2, 28, 28}, nil)), config{}, `record 0 "images" has shape 2x28x28; want images N×C×H×W`},
		{"2 channels", stream(t, tensor.NewUint8("images", []int{2, 2, 4, 4}, nil)), config{}, "2 channels; want 1 (gray) or 3 (RGB)"},
		{"no images", stream(t, tensor.NewUint8("images", []int{0, 1, 4, 4}, nil)), config{}, "no pixels"},
		{"int32", stream(t, tensor.NewInt32("images", []int{2, 1, 4, 4}, nil)), config{}, "holds int32 values; want uint8 or float32"},
		{"bad range", stream(t, tensor.NewFloat32("images", []int{1, 1, 1, 1}, nil).SetMeta("range", "1,-1")), config{}, `metadata range="1,-1"`},
		{"bad range 2", stream(t, tensor.NewFloat32("images", []int{1, 1, 1, 1}, nil).SetMeta("range", "0..1")), config{}, `metadata range="0..1"`},
		{"no labels", stream(t, img), config{labels: true}, `-labels: the stream has no "labels" record`},
		{"short labels", stream(t, img, tensor.NewUint8("labels", []int{3}, []uint8{1, 1, 1})), config{labels: true}, "the 1 \"labels\" records hold 3 labels; want 4, one per image"},
		{"float labels", stream(t, img, tensor.NewFloat32("labels", []int{4}, nil)), config{labels: true}, "labels are float32; want uint8 or int32 class numbers"},
		{"mixed rows", stream(t, img, tensor.NewUint8("labels", []int{4}, []uint8{1, 2, 3, 4})), config{labels: true}, "-labels: row 0 (images 0 to 1) mixes classes 1 (image 0) and 2 (image 1)"},
		{"mixed rows hint", stream(t, tensor.NewUint8("images", []int{6, 1, 1, 1}, nil), tensor.NewUint8("labels", []int{6}, []uint8{1, 1, 2, 2, 3, 3})), config{labels: true}, "try -nrow 2"},
		{"too big", stream(t, img), config{opt: grid.Options{Pad: 3000}}, "over the limit of 64.0 Mpixel"},
	} {
		var out bytes.Buffer
		err := render(tc.c, bytes.NewReader(tc.in), &out, io.Discard)
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
		render(c, bytes.NewReader(in), io.Discard, io.Discard)
	})
}

// TestNRowHint: a stream's nrow entry sets the images per row unless -nrow
// is given; a malformed one is an error, as a malformed range is.
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
	} {
		g := renderGray(t, c.c, img(c.nrow))
		if g.Rect.Dx() != c.dx || g.Rect.Dy() != c.dy {
			t.Errorf("nrow %q, %+v: grid %v, want %dx%d", c.nrow, c.c, g.Rect.Size(), c.dx, c.dy)
		}
	}
	for _, c := range []struct {
		nrow string
		c    config
	}{
		{"x", config{}},
		{"0", config{}},
		{"-3", config{}},
		{"2.5", config{}},
		{"", config{}}, // present but empty
		{"x", config{opt: grid.Options{NRow: 3}}}, // the stream is wrong whatever -nrow says
	} {
		x := tensor.NewUint8("images", []int{6, 1, 1, 1}, nil).SetMeta(tensor.MetaNRow, c.nrow)
		want := fmt.Sprintf(`record 0 "images": metadata nrow=%q: want a positive integer`, c.nrow)
		expectError(t, c.c, stream(t, x), want)
	}
}

// expectError renders in under c and checks that it fails with an error
// containing msg, writing no PNG and no warning.
func expectError(t *testing.T, c config, in []byte, msg string) {
	t.Helper()
	var out, warn bytes.Buffer
	err := render(c, bytes.NewReader(in), &out, &warn)
	if err == nil || !strings.Contains(err.Error(), msg) {
		t.Errorf("error %v, want one containing %q", err, msg)
	}
	if out.Len() != 0 || warn.Len() != 0 {
		t.Errorf("wrote %d bytes and the warning %q", out.Len(), warn.String())
	}
}

// renderWarn renders in under c and returns the gray grid and what was
// written to stderr.
func renderWarn(t *testing.T, c config, in []byte) (*image.Gray, string) {
	t.Helper()
	var out, warn bytes.Buffer
	if err := render(c, bytes.NewReader(in), &out, &warn); err != nil {
		t.Fatalf("render: %v", err)
	}
	img, err := png.Decode(&out)
	if err != nil {
		t.Fatal(err)
	}
	return img.(*image.Gray), warn.String()
}

// TestNonFinite: NaN and infinite values are counted and drawn as the help
// says (NaN black, +Inf white, -Inf black); -normalize ignores them; when
// nothing else is left there is no picture.
func TestNonFinite(t *testing.T) {
	nan, inf := float32(math.NaN()), float32(math.Inf(1))
	pix := []float32{nan, 0, 0.5, 1, inf, -inf, nan, 0.25}
	in := stream(t, tensor.NewFloat32("images", []int{2, 1, 1, 4}, pix).SetMeta("range", "0,1"))
	const note = "imgrid: warning: 4 of 8 pixel values are NaN or infinite (2 NaN drawn black, 1 +Inf drawn white, 1 -Inf drawn black)\n"

	g, warn := renderWarn(t, config{opt: grid.Options{NRow: 4}}, in)
	if !bytes.Equal(g.Pix, []uint8{0, 0, 128, 255, 255, 0, 0, 64}) {
		t.Errorf("drawn as %v", g.Pix)
	}
	if warn != note {
		t.Errorf("warning %q, want %q", warn, note)
	}
	// -normalize stretches the finite values 0..1, not -Inf..+Inf (which
	// would leave every finite value black).
	g, warn = renderWarn(t, config{opt: grid.Options{NRow: 4, Normalize: true}}, in)
	if !bytes.Equal(g.Pix, []uint8{0, 0, 128, 255, 255, 0, 0, 64}) || warn != note {
		t.Errorf("-normalize: drawn as %v, warning %q", g.Pix, warn)
	}
	// The count is of the images shown.
	in = stream(t, tensor.NewFloat32("images", []int{3, 1, 1, 2}, []float32{0, 1, nan, 1, inf, inf}))
	if _, warn = renderWarn(t, config{first: 1}, in); warn != "" {
		t.Errorf("-n 1 shows no NaN, but warns %q", warn)
	}
	if _, warn = renderWarn(t, config{first: 2}, in); warn != "imgrid: warning: 1 of 4 pixel values are NaN or infinite (1 NaN drawn black)\n" {
		t.Errorf("-n 2: warning %q", warn)
	}
	// All of them: an error and nothing written, with or without -normalize.
	allBad := stream(t, tensor.NewFloat32("images", []int{2, 1, 1, 2}, []float32{nan, nan, inf, -inf}))
	for _, c := range []config{{}, {opt: grid.Options{Normalize: true}}, {opt: grid.Options{ScaleEach: true}}} {
		expectError(t, c, allBad, "all 4 pixel values are NaN or infinite")
	}
	in = stream(t, tensor.NewFloat32("images", []int{3, 1, 1, 2}, []float32{nan, inf, nan, nan, 0, 1}))
	expectError(t, config{first: 2}, in, "all 4 pixel values are NaN or infinite")
}

// TestUint8Range: docs/stream.md gives uint8 images an optional range=0,255
// and draws them 0 (black) to 255 (white); another range is an error.
func TestUint8Range(t *testing.T) {
	img := func(rng string) []byte {
		x := tensor.NewUint8("images", []int{1, 1, 1, 3}, []uint8{0, 100, 255})
		if rng != "" {
			x.SetMeta(tensor.MetaRange, rng)
		}
		return stream(t, x)
	}
	for _, rng := range []string{"", "0,255", "0, 255", "0,255.0"} {
		if g := renderGray(t, config{}, img(rng)); !bytes.Equal(g.Pix, []uint8{0, 100, 255}) {
			t.Errorf("range %q: drawn as %v", rng, g.Pix)
		}
	}
	for _, rng := range []string{"0,1", "-1,1", "0,256", "10,200"} {
		expectError(t, config{}, img(rng), fmt.Sprintf(`record 0 "images": metadata range=%q: uint8 images run from 0 (black) to 255 (white), so their range must be 0,255 or absent`, rng))
	}
	expectError(t, config{}, img("0;255"), `record 0 "images": metadata range="0;255": range "0;255": want two numbers`)
}

// TestBatches: several "images" records are drawn as one set, in stream
// order, with their labels records joined likewise.
func TestBatches(t *testing.T) {
	u8 := func(n int, first uint8) *tensor.Tensor {
		pix := make([]uint8, n)
		for i := range pix {
			pix[i] = first + uint8(i)
		}
		return tensor.NewUint8("images", []int{n, 1, 1, 1}, pix)
	}
	labels := func(c ...uint8) *tensor.Tensor { return tensor.NewUint8("labels", []int{len(c)}, c) }

	in := stream(t, u8(2, 10), labels(1, 1), u8(0, 0), labels(), tensor.NewUint8("other", []int{1, 1, 1, 1}, []uint8{99}), u8(3, 20), tensor.NewInt32("labels", []int{3}, []int32{2, 2, 3}))
	g := renderGray(t, config{opt: grid.Options{NRow: 2}}, in)
	if !bytes.Equal(g.Pix, []uint8{10, 11, 20, 21, 22, 0}) {
		t.Errorf("drawn as %v", g.Pix)
	}
	// -labels: rows of classes 1, 2 and 3.
	g = renderGray(t, config{opt: grid.Options{NRow: 2}, labels: true}, in)
	if g.Rect.Dx() <= 2 || g.Rect.Dy() != 3 {
		t.Errorf("-labels: %v", g.Rect.Size())
	}
	// -n counts across the batches.
	if g = renderGray(t, config{opt: grid.Options{NRow: 2}, first: 3}, in); !bytes.Equal(g.Pix, []uint8{10, 11, 20, 0}) {
		t.Errorf("-n 3: drawn as %v", g.Pix)
	}

	// nrow entries: one batch's is the hint; equal ones agree.
	in = stream(t, u8(3, 1), u8(3, 4).SetMeta(tensor.MetaNRow, "3"), u8(3, 7).SetMeta(tensor.MetaNRow, "3"))
	if g := renderGray(t, config{}, in); g.Rect.Dx() != 3 || g.Rect.Dy() != 3 {
		t.Errorf("nrow 3 in two of three batches: grid %v, want 3x3", g.Rect.Size())
	}
	// Differing ones are an error, unless -nrow decides.
	in = stream(t, u8(3, 1).SetMeta(tensor.MetaNRow, "3"), u8(2, 4).SetMeta(tensor.MetaNRow, "2"))
	expectError(t, config{}, in, `record 1 "images" has metadata nrow=2 but record 0 "images" has nrow=3`)
	if g := renderGray(t, config{opt: grid.Options{NRow: 5}}, in); g.Rect.Dx() != 5 {
		t.Errorf("-nrow 5: grid %v", g.Rect.Size())
	}

	// Float batches: one range (absent means -1,1), unless normalized.
	f32 := func(rng string, pix ...float32) *tensor.Tensor {
		x := tensor.NewFloat32("images", []int{len(pix), 1, 1, 1}, pix)
		if rng != "" {
			x.SetMeta(tensor.MetaRange, rng)
		}
		return x
	}
	// An empty first batch takes no place, whatever the dtype.
	if g := renderGray(t, config{}, stream(t, u8(0, 0), u8(2, 10))); !bytes.Equal(g.Pix, []uint8{10, 11}) {
		t.Errorf("uint8 after an empty batch: drawn as %v", g.Pix)
	}
	if g := renderGray(t, config{}, stream(t, f32(""), f32("", -1, 1))); !bytes.Equal(g.Pix, []uint8{0, 255}) {
		t.Errorf("float32 after an empty batch: drawn as %v", g.Pix)
	}
	in = stream(t, f32("-1,1", -1, 0), f32("", 1))
	if g := renderGray(t, config{}, in); !bytes.Equal(g.Pix, []uint8{0, 128, 255, 0}) {
		t.Errorf("range -1,1 and none: drawn as %v", g.Pix)
	}
	in = stream(t, f32("", -1, 0), f32("0,1", 1))
	expectError(t, config{}, in, `record 1 "images" is drawn from range 0,1 but record 0 "images" from -1,1: images drawn together need one range`)
	for _, opt := range []grid.Options{{Normalize: true}, {Range: &grid.Range{Lo: -1, Hi: 1}}, {ScaleEach: true}} {
		renderGray(t, config{opt: opt}, in)
	}

	// Batches that cannot be drawn together.
	for _, tc := range []struct {
		name string
		ts   []*tensor.Tensor
		c    config
		msg  string
	}{
		{"shape", []*tensor.Tensor{u8(1, 0), tensor.NewUint8("images", []int{1, 1, 1, 2}, nil)}, config{},
			`record 1 "images" has shape 1x1x1x2 but record 0 "images" has 1x1x1x1: images drawn together must have the same C×H×W`},
		{"channels", []*tensor.Tensor{u8(1, 0), tensor.NewUint8("images", []int{1, 3, 1, 1}, nil)}, config{}, "must have the same C×H×W"},
		{"dtype", []*tensor.Tensor{u8(1, 0), f32("", 0)}, config{opt: grid.Options{Normalize: true}},
			`record 1 "images" holds float32 values but record 0 "images" holds uint8: images drawn together must have one dtype`},
		{"bad second", []*tensor.Tensor{u8(1, 0), tensor.NewUint8("images", []int{1, 2, 1, 1}, nil)}, config{}, `record 1 "images" has shape 1x2x1x1: 2 channels`},
		{"bad range in second", []*tensor.Tensor{f32("", 0), f32("1,0", 0)}, config{}, `record 1 "images": metadata range="1,0"`},
		{"no images at all", []*tensor.Tensor{u8(0, 0), u8(0, 0)}, config{}, `the 2 "images" records hold no images`},
		{"labels short", []*tensor.Tensor{u8(2, 0), labels(1), u8(2, 0), labels(1, 2)}, config{labels: true},
			`-labels: the 2 "labels" records hold 3 labels; want 4, one per image`},
		{"labels long", []*tensor.Tensor{u8(2, 0), labels(1, 1, 1), u8(2, 0), labels(1, 2)}, config{labels: true},
			`-labels: the 2 "labels" records hold 5 labels; want 4`},
		{"labels rank", []*tensor.Tensor{u8(2, 0), labels(1, 1), tensor.NewUint8("labels", []int{1, 2}, nil)}, config{labels: true},
			`-labels: record 2 "labels": labels have shape 1x2; want a vector of 2`},
		{"labels dtype", []*tensor.Tensor{u8(2, 0), labels(1), tensor.NewFloat32("labels", []int{1}, nil)}, config{labels: true},
			`-labels: record 2 "labels": labels are float32`},
	} {
		t.Run(tc.name, func(t *testing.T) { expectError(t, tc.c, stream(t, tc.ts...), tc.msg) })
	}
}

// TestReadLimits: the image records together, and the labels records
// together, may not hold more values or be more records than the limits.
func TestReadLimits(t *testing.T) {
	img := func(n int) *tensor.Tensor { return tensor.NewUint8("images", []int{n, 1, 2, 2}, nil) }
	lab := func(n int) *tensor.Tensor { return tensor.NewUint8("labels", []int{n}, nil) }
	for _, tc := range []struct {
		name       string
		ts         []*tensor.Tensor
		values     int
		records    int
		wantLabels bool
		msg        string // "" for no error
	}{
		{"at the limit", []*tensor.Tensor{img(2), img(3)}, 20, 2, false, ""},
		{"values", []*tensor.Tensor{img(2), img(3), img(1)}, 20, 10, false, `record 2 "images" brings the "images" records to 24 values in all, over imgrid's limit of 20`},
		{"records", []*tensor.Tensor{img(1), img(0), img(1)}, 20, 2, false, `record 2 "images": the stream has more than 2 "images" records, over imgrid's limit`},
		{"labels values", []*tensor.Tensor{img(1), lab(15), lab(6)}, 20, 10, true, `record 2 "labels" brings the "labels" records to 21 values in all`},
		{"labels records", []*tensor.Tensor{img(1), lab(1), lab(1), lab(1)}, 20, 2, true, `record 3 "labels": the stream has more than 2 "labels" records`},
		{"labels not wanted", []*tensor.Tensor{img(1), lab(15), lab(6), lab(1)}, 20, 2, false, ""},
	} {
		_, err := readStream(bytes.NewReader(stream(t, tc.ts...)), tc.wantLabels, 0, tc.values, tc.records)
		if tc.msg == "" && err != nil || tc.msg != "" && (err == nil || !strings.Contains(err.Error(), tc.msg)) {
			t.Errorf("%s: error %v, want %q", tc.name, err, tc.msg)
		}
	}
}

// TestFirstOfBig: with -n, imgrid keeps only the first images, so a stream
// whose images hold more values than the limit is drawn; without -n it is
// refused with a hint. The limit is lowered to 20 values (5 images of 2×2)
// so that the stream is small.
func TestFirstOfBig(t *testing.T) {
	img := func(n int, first uint8) *tensor.Tensor {
		pix := make([]uint8, 4*n)
		for i := range pix {
			pix[i] = first + uint8(i)
		}
		return tensor.NewUint8("images", []int{n, 1, 2, 2}, pix)
	}
	lab := func(c ...uint8) *tensor.Tensor { return tensor.NewUint8("labels", []int{len(c)}, c) }
	const values, records = 20, 10
	read := func(first int, ts ...*tensor.Tensor) (input, error) {
		return readStream(bytes.NewReader(stream(t, ts...)), true, first, values, records)
	}
	pixels := func(s input) []uint8 {
		var p []uint8
		for _, r := range s.images {
			p = append(p, r.U8...)
		}
		return p
	}

	// One record of 8 images (32 values): -n 3 keeps its first 3.
	big := img(8, 0)
	s, err := read(3, big, lab(1, 1, 1, 2, 2, 2, 3, 3))
	if err != nil {
		t.Fatal(err)
	}
	if s.n != 8 || len(s.images) != 1 || !slices.Equal(s.images[0].Shape, []int{3, 1, 2, 2}) || !slices.Equal(s.images[0].shape, []int{8, 1, 2, 2}) {
		t.Errorf("-n 3 of 8: %d images, record shapes %v (kept) and %v", s.n, s.images[0].Shape, s.images[0].shape)
	}
	if p := pixels(s); !bytes.Equal(p, big.U8[:12]) {
		t.Errorf("-n 3 of 8 keeps pixels %v, want %v", p, big.U8[:12])
	}
	// Several records: the one that reaches -n is cut, the later ones keep
	// no pixels, though they are checked.
	s, err = read(5, img(4, 0), lab(1, 1, 1, 1), img(4, 100), lab(2, 2, 2, 2), img(9, 200), lab(3, 3, 3, 3, 3, 3, 3, 3, 3))
	if err != nil {
		t.Fatal(err)
	}
	want := append(img(4, 0).U8, img(1, 100).U8...)
	if p := pixels(s); s.n != 17 || !bytes.Equal(p, want) || s.images[2].Shape[0] != 0 {
		t.Errorf("-n 5 of 4+4+9: %d images, pixels %v, want %v", s.n, p, want)
	}
	// The 9-image record alone is over the limit; with -n the first images of
	// the stream are kept, at most 20 values of them.
	if _, err := read(0, img(9, 0)); err == nil || !strings.Contains(err.Error(),
		`record 0 "images" brings the "images" records to 36 values in all, over imgrid's limit of 20 values drawn: -n N draws only the first N images`) {
		t.Errorf("9 images without -n: %v", err)
	}
	if _, err := read(6, img(9, 0)); err == nil || !strings.Contains(err.Error(),
		`record 0 "images" brings the first 6 images (-n 6) to 24 values, over imgrid's limit of 20 values drawn: ask for fewer with -n`) {
		t.Errorf("-n 6 of 9: %v", err)
	}
	if _, err := read(5, img(9, 0)); err != nil {
		t.Errorf("-n 5 of 9: %v", err)
	}
	// A first record of rank 4 not called images is cut likewise.
	other := img(9, 0)
	other.Name = "samples"
	if s, err = read(2, other); err != nil || !bytes.Equal(pixels(s), other.U8[:8]) {
		t.Errorf("-n 2 of samples: pixels %v, %v", pixels(s), err)
	}
	if _, err := read(0, other); err == nil || !strings.Contains(err.Error(), `record 0 "samples" brings`) {
		t.Errorf("samples without -n: %v", err)
	}
	// ... unless an images record is drawn instead.
	if s, err = read(0, other, img(1, 50)); err != nil || !bytes.Equal(pixels(s), []uint8{50, 51, 52, 53}) {
		t.Errorf("samples, then images: pixels %v, %v", pixels(s), err)
	}
}

// TestRenderFirstOfBig: the grid of -n, with -labels, from images over the
// limit, and the checks of the images and labels that are not drawn.
func TestRenderFirstOfBig(t *testing.T) {
	u8 := func(n int, first uint8) *tensor.Tensor {
		pix := make([]uint8, 2*n)
		for i := range pix {
			pix[i] = first + uint8(i)
		}
		return tensor.NewUint8("images", []int{n, 1, 1, 2}, pix)
	}
	lab := func(c ...uint8) *tensor.Tensor { return tensor.NewUint8("labels", []int{len(c)}, c) }
	// At most 8 values drawn: 4 images of 1×2.
	draw := func(c config, ts ...*tensor.Tensor) ([]uint8, error) {
		var out bytes.Buffer
		s := stream(t, ts...)
		if err := renderLimited(c, bytes.NewReader(s), &out, io.Discard, 8); err != nil {
			return nil, err
		}
		img, err := png.Decode(&out)
		if err != nil {
			t.Fatal(err)
		}
		return img.(*image.Gray).Pix, nil
	}
	in := []*tensor.Tensor{u8(3, 10), lab(1, 1, 2), u8(5, 20), lab(2, 3, 3, 4, 4)}
	if p, err := draw(config{first: 4, opt: grid.Options{NRow: 2}}, in...); err != nil || !bytes.Equal(p, []uint8{10, 11, 12, 13, 14, 15, 20, 21}) {
		t.Errorf("-n 4: drawn as %v, %v", p, err)
	}
	// -labels: the classes of the images drawn, 1 1 and 2 2, make the rows.
	if _, err := draw(config{first: 4, opt: grid.Options{NRow: 2}, labels: true}, in...); err != nil {
		t.Errorf("-n 4 -labels: %v", err)
	}
	if _, err := draw(config{first: 4, opt: grid.Options{NRow: 2}, labels: true}, in[0], in[1], in[2], lab(2, 3, 3, 4)); err == nil ||
		!strings.Contains(err.Error(), `-labels: the 2 "labels" records hold 7 labels; want 8, one per image`) {
		t.Errorf("-n 4 -labels, a label short after them: %v", err)
	}
	if _, err := draw(config{first: 4}, in[0], in[1], in[2], tensor.NewUint8("images", []int{5, 3, 1, 2}, nil)); err == nil ||
		!strings.Contains(err.Error(), `record 3 "images" has shape 5x3x1x2 but record 0 "images" has 3x1x1x2`) {
		t.Errorf("-n 4, a record of another shape after them: %v", err)
	}
	if _, err := draw(config{}, in...); err == nil || !strings.Contains(err.Error(), "record 2 \"images\" brings the \"images\" records to 16 values in all, over imgrid's limit of 8 values drawn: -n N draws only the first N images") {
		t.Errorf("without -n: %v", err)
	}
}

// TestClassNames: with -labels, a stream's classnames record gives the rows
// their names instead of their numbers; names that do not fit the labels
// are refused.
func TestClassNames(t *testing.T) {
	images := tensor.NewUint8("images", []int{4, 3, 2, 2}, make([]uint8, 4*3*2*2))
	labels := tensor.NewUint8("labels", []int{4}, []uint8{2, 2, 0, 0}).SetMeta("classes", "3")
	names := dataset.ClassNamesTensor([]string{"cat", "dog", "hedgehog"})
	c := config{opt: grid.Options{NRow: 2, Pad: 1}, labels: true}
	decode := func(in []byte) *image.RGBA {
		t.Helper()
		var out bytes.Buffer
		if err := render(c, bytes.NewReader(in), &out, io.Discard); err != nil {
			t.Fatalf("render: %v", err)
		}
		img, err := png.Decode(&out)
		if err != nil {
			t.Fatal(err)
		}
		rgb, ok := img.(*image.RGBA)
		if !ok {
			t.Fatalf("PNG decodes to %T, want RGB", img)
		}
		return rgb
	}
	named := decode(stream(t, images, labels, names))
	// The same grid with the names given as labels by hand.
	want, err := grid.Make(grid.Uint8Images(4, 3, 2, 2, images.U8), grid.Options{NRow: 2, Pad: 1, RowLabels: []string{"hedgehog", "cat"}})
	if err != nil {
		t.Fatal(err)
	}
	if w := want.(*image.RGBA); named.Rect != w.Rect || !bytes.Equal(named.Pix, w.Pix) {
		t.Errorf("named grid %v differs from the grid labelled hedgehog, cat (%v)", named.Rect, w.Rect)
	}
	// The names record may come first, and twice when equal.
	if again := decode(stream(t, names, images, labels, names)); !bytes.Equal(again.Pix, named.Pix) {
		t.Error("classnames before the images: another grid")
	}
	// Without a classnames record: numbers, a narrower margin.
	if numbered := decode(stream(t, images, labels)); numbered.Rect.Dx() >= named.Rect.Dx() {
		t.Errorf("numbered grid %v, named %v", numbered.Rect, named.Rect)
	}
	// Without -labels the names are not read.
	c.labels = false
	bad := tensor.NewUint8("classnames", []int{3}, []uint8{'a', '\n', 'a'})
	renderWarn(t, config{opt: c.opt}, stream(t, tensor.NewUint8("images", []int{1, 1, 2, 2}, make([]uint8, 4)), bad))
	c.labels = true

	two := dataset.ClassNamesTensor([]string{"cat", "dog"})
	expectError(t, c, stream(t, images, labels, two), `-labels: record 2 "classnames" has 2 class names, but the labels have 3 classes`)
	expectError(t, c, stream(t, images, names, labels, dataset.ClassNamesTensor([]string{"cat", "dog", "emu"})),
		`-labels: record 3 "classnames" names the classes otherwise than record 1 "classnames"`)
	expectError(t, c, stream(t, images, labels, bad), `-labels: record 2 "classnames": class names do not end with a newline`)
	expectError(t, c, stream(t, images, labels, dataset.ClassNamesTensor([]string{"cat", "cat", "dog"})), `classes 0 and 1 are both named "cat"`)
	expectError(t, c, stream(t, images, labels, tensor.NewFloat32("classnames", []int{1}, []float32{1})), "want a uint8 vector of UTF-8 text")
}

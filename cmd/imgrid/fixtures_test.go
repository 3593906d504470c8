// The fixture streams of imgrid's golden tests (testdata/streams/grid-*.tzst),
// made here deterministically: digit-like images drawn from a bitmap font,
// blurred and jittered, and a few hostile streams. Regenerate them with
//
//	go test ./cmd/imgrid -run TestFixtures -update
//
// Without -update the test checks that the committed files hold what this
// code makes (their decompressed bytes; the compression may differ between
// zstd versions).

package main

import (
	"bytes"
	"encoding/binary"
	"flag"
	"image"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/klauspost/compress/zstd"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/fixed"

	"acgan/pkg/dataset"
	"acgan/pkg/tensor"
)

var update = flag.Bool("update", false, "rewrite the fixture streams in testdata/streams")

const streamDir = "../../testdata/streams"

// digit draws class d as a size×size gray image (0..1 floats): the 7×13
// font glyph doubled, thickened, shifted by a random offset and blurred.
func digit(d, size int, rng *rand.Rand) []float64 {
	_, mask, mp, _, _ := basicfont.Face7x13.Glyph(fixed.P(0, 11), rune('0'+d))
	a := mask.(*image.Alpha)
	canvas := make([]float64, size*size)
	// The digit body is about 5×9 pixels of the 7×13 cell; doubled it is
	// 14×26, centred in 28×28 (less for smaller images) with jitter.
	k := 2 * size / 28
	if k < 1 {
		k = 1
	}
	ox := (size-7*k)/2 + rng.IntN(3) - 1
	oy := (size-13*k)/2 + rng.IntN(3) - 1
	thick := rng.IntN(2)
	for y := 0; y < 13; y++ {
		for x := 0; x < 7; x++ {
			if a.AlphaAt(mp.X+x, mp.Y+y).A == 0 {
				continue
			}
			for dy := 0; dy < k+thick; dy++ {
				for dx := 0; dx < k+thick; dx++ {
					px, py := ox+x*k+dx, oy+y*k+dy
					if px >= 0 && px < size && py >= 0 && py < size {
						canvas[py*size+px] = 1
					}
				}
			}
		}
	}
	// Two passes of a 3×3 box blur soften the strokes like MNIST's.
	for pass := 0; pass < 2; pass++ {
		out := make([]float64, len(canvas))
		for y := 0; y < size; y++ {
			for x := 0; x < size; x++ {
				s, n := 0.0, 0
				for dy := -1; dy <= 1; dy++ {
					for dx := -1; dx <= 1; dx++ {
						if xx, yy := x+dx, y+dy; xx >= 0 && xx < size && yy >= 0 && yy < size {
							s += canvas[yy*size+xx]
							n++
						}
					}
				}
				out[y*size+x] = s / float64(n)
			}
		}
		canvas = out
	}
	for i, v := range canvas {
		canvas[i] = math.Min(1, 1.6*v)
	}
	return canvas
}

// fixtures returns the tensors of each fixture stream.
func fixtures() map[string][]*tensor.Tensor {
	rng := rand.New(rand.NewPCG(2, 28))
	out := map[string][]*tensor.Tensor{}

	// 32 uint8 digits, classes 0..7 in runs of 4.
	{
		const n, s = 32, 28
		pix := make([]uint8, 0, n*s*s)
		lab := make([]uint8, n)
		for i := range n {
			lab[i] = uint8(i / 4)
			for _, v := range digit(i/4, s, rng) {
				pix = append(pix, uint8(math.Floor(v*255+0.5)))
			}
		}
		out["grid-u8.tzst"] = []*tensor.Tensor{
			tensor.NewUint8("images", []int{n, 1, s, s}, pix),
			tensor.NewUint8("labels", []int{n}, lab).SetMeta("classes", "10"),
		}
	}
	// 16 float32 digits in [-1,1] with a little noise (some values fall
	// outside and clamp), int32 labels 3 1 4 1 in runs of 4: the default
	// 4×4 grid has one class per row.
	{
		const n, s = 16, 28
		classes := []int{3, 1, 4, 1}
		pix := make([]float32, 0, n*s*s)
		lab := make([]int32, n)
		for i := range n {
			c := classes[i/4]
			lab[i] = int32(c)
			for _, v := range digit(c, s, rng) {
				pix = append(pix, float32(2*v-1+0.08*rng.NormFloat64()))
			}
		}
		out["grid-f32.tzst"] = []*tensor.Tensor{
			tensor.NewFloat32("images", []int{n, 1, s, s}, pix).SetMeta("range", "-1,1"),
			tensor.NewInt32("labels", []int{n}, lab).SetMeta("classes", "10"),
		}
	}
	// 9 float32 RGB digits in [0,1] (range=0,1), 16×16, each in its own
	// colour on a dark tinted ground; the images are not the first record
	// and are not called "images": imgrid takes the first 4-D record.
	{
		const n, s = 9, 16
		pix := make([]float32, 0, n*3*s*s)
		for i := range n {
			g := digit(i, s, rng)
			fg := [3]float64{rng.Float64(), rng.Float64(), rng.Float64()}
			fg[i%3] = 1
			for ch := range 3 {
				bg := 0.15 * float64((i+ch)%3)
				for _, v := range g {
					pix = append(pix, float32(bg+(fg[ch]-bg)*v))
				}
			}
		}
		out["grid-rgb.tzst"] = []*tensor.Tensor{
			tensor.NewInt32("step", []int{1}, []int32{7}),
			tensor.NewFloat32("samples", []int{n, 3, s, s}, pix).SetMeta("range", "0,1"),
		}
	}
	// 4 float32 digits 5..8 in [0,1] (range=0,1) with values that are not
	// numbers: image 0 is all NaN but for 8 +Inf and 8 -Inf; image 1 has
	// a 3×4 block of NaN at its top left; image 2 has 6 +Inf and 3 -Inf
	// across its middle row; image 3 is clean.
	{
		const n, s = 4, 28
		nan, inf := float32(math.NaN()), float32(math.Inf(1))
		pix := make([]float32, 0, n*s*s)
		for i := range n {
			for _, v := range digit(5+i, s, rng) {
				pix = append(pix, float32(v))
			}
		}
		img := func(i int) []float32 { return pix[i*s*s : (i+1)*s*s] }
		for j := range img(0) {
			img(0)[j] = nan
		}
		for j := range 8 {
			img(0)[j*90], img(0)[j*90+45] = inf, -inf
		}
		for y := range 3 {
			for x := range 4 {
				img(1)[y*s+x] = nan
			}
		}
		for x := range 9 {
			v := inf
			if x >= 6 {
				v = -inf
			}
			img(2)[14*s+4+2*x] = v
		}
		out["grid-nan.tzst"] = []*tensor.Tensor{
			tensor.NewFloat32("images", []int{n, 1, s, s}, pix).SetMeta("range", "0,1"),
		}
	}
	// 12 uint8 RGB digits of 24×24, each in its colour on a light ground,
	// in runs of 4 of classes 0, 3 and 4 of 5 named ones: a name with
	// characters outside ASCII and one over 32 characters.
	{
		const n, s = 12, 24
		classes := []int{0, 3, 4}
		colours := [][3]float64{{0.8, 0.1, 0.1}, {0.1, 0.5, 0.1}, {0.1, 0.2, 0.8}}
		pix := make([]uint8, 0, n*3*s*s)
		lab := make([]uint8, n)
		for i := range n {
			c := classes[i/4]
			lab[i] = uint8(c)
			g := digit(c, s, rng)
			for ch := range 3 {
				for _, v := range g {
					pix = append(pix, uint8(math.Floor((0.95+(colours[i/4][ch]-0.95)*v)*255+0.5)))
				}
			}
		}
		out["grid-names.tzst"] = []*tensor.Tensor{
			tensor.NewUint8("images", []int{n, 3, s, s}, pix),
			tensor.NewUint8("labels", []int{n}, lab).SetMeta("classes", "5"),
			dataset.ClassNamesTensor([]string{"red", "green", "blue", "grün-weiß", "a class name of more than 32 characters"}),
		}
	}
	// Image records whose metadata breaks docs/stream.md: uint8 images with
	// a range other than 0,255, and an nrow that is not a positive integer.
	out["grid-u8-range.tzst"] = []*tensor.Tensor{
		tensor.NewUint8("images", []int{2, 1, 2, 2}, []uint8{0, 1, 1, 0, 1, 0, 0, 1}).SetMeta("range", "0,1"),
	}
	out["grid-bad-nrow.tzst"] = []*tensor.Tensor{
		tensor.NewFloat32("images", []int{2, 1, 2, 2}, nil).SetMeta("nrow", "two").SetMeta("range", "-1,1"),
	}
	return out
}

// rawFixtures returns hostile streams as decompressed bytes: a record header
// claiming 1 MiB (over the format's 64 KiB limit), and an images record of
// 1×1×9000×9000 (81M values, within the format's limit) whose data never
// comes: the reader must not allocate what the header promises.
func rawFixtures() map[string][]byte {
	start := func() []byte {
		b := []byte(tensor.Magic)
		return binary.LittleEndian.AppendUint32(b, tensor.Version)
	}
	out := map[string][]byte{}
	b := start()
	b = append(b, "TNSR"...)
	b = binary.LittleEndian.AppendUint32(b, 1<<20)
	b = append(b, make([]byte, 64)...)
	out["grid-bad-header.tzst"] = b

	b = start()
	b = append(b, "TNSR"...)
	name := "images"
	b = binary.LittleEndian.AppendUint32(b, uint32(2+len(name)+1+1+4*8+1))
	b = binary.LittleEndian.AppendUint16(b, uint16(len(name)))
	b = append(b, name...)
	b = append(b, byte(tensor.Uint8), 4)
	for _, d := range []uint64{1, 1, 9000, 9000} {
		b = binary.LittleEndian.AppendUint64(b, d)
	}
	b = append(b, 0)
	out["grid-huge-record.tzst"] = b
	return out
}

func encodeStream(t *testing.T, ts []*tensor.Tensor) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := tensor.WriteAll(&buf, ts...); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func compress(t *testing.T, raw []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	enc, err := zstd.NewWriter(&buf)
	if err != nil {
		t.Fatal(err)
	}
	enc.Write(raw)
	if err := enc.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func decompress(t *testing.T, b []byte) []byte {
	t.Helper()
	dec, err := zstd.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer dec.Close()
	raw, err := io.ReadAll(dec)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

func TestFixtures(t *testing.T) {
	want := map[string][]byte{}
	for name, ts := range fixtures() {
		want[name] = encodeStream(t, ts)
	}
	for name, raw := range rawFixtures() {
		want[name] = compress(t, raw)
	}
	for name, stream := range want {
		path := filepath.Join(streamDir, name)
		if *update {
			if err := os.MkdirAll(streamDir, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, stream, 0o644); err != nil {
				t.Fatal(err)
			}
			t.Logf("wrote %s (%d bytes)", path, len(stream))
			continue
		}
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run: go test ./cmd/imgrid -run TestFixtures -update)", err)
		}
		if !bytes.Equal(decompress(t, got), decompress(t, stream)) {
			t.Errorf("%s differs from what fixtures_test.go makes (run: go test ./cmd/imgrid -run TestFixtures -update)", path)
		}
	}
}

// Tests of Coloured MNIST on the real digits of testdata/mnist: the palette
// and its contrast rule, every pixel of every image against the colouring
// rule, the labels and names of both labellings, and determinism.

package main

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"acgan/pkg/dataset"
	"acgan/pkg/mnist"
)

// fixture returns the 100 test digits of testdata/mnist as a set, checked
// against their sums.
func fixture(t *testing.T) *dataset.Set {
	t.Helper()
	dir := "../../testdata/mnist"
	read := func(name string) []byte {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	sums, err := mnist.ParseSums(bytes.NewReader(read("SHA256SUMS")), "SHA256SUMS")
	if err != nil {
		t.Fatal(err)
	}
	images, labels := read("t10k-images-idx3-ubyte.gz"), read("t10k-labels-idx1-ubyte.gz")
	if err := sums.Verify("t10k-images-idx3-ubyte.gz", images); err != nil {
		t.Fatal(err)
	}
	d, err := mnist.Decode(bytes.NewReader(images), bytes.NewReader(labels), 0)
	if err != nil {
		t.Fatal(err)
	}
	d.Split = mnist.Test
	return d.Set()
}

func TestPalette(t *testing.T) {
	black, white := Palette[0], Palette[1]
	if c := Contrast(black, white); math.Abs(c-21) > 1e-9 {
		t.Errorf("contrast of black and white is %v, want 21", c)
	}
	names := map[string]bool{}
	for i, a := range Palette {
		if c := Contrast(a, a); c != 1 {
			t.Errorf("%s on itself: contrast %v, want 1", a.Name, c)
		}
		names[a.Name] = true
		p := partners()[i]
		if len(p) < 2 {
			t.Errorf("%s has %d partners; want at least 2", a.Name, len(p))
		}
		for j, b := range Palette {
			want := i != j && Contrast(a, b) >= MinContrast
			if got := contains(p, j); got != want {
				t.Errorf("%s on %s: partners %v, contrast %.3f", a.Name, b.Name, got, Contrast(a, b))
			}
		}
	}
	if len(names) != len(Palette) {
		t.Errorf("the palette has %d names for %d colours", len(names), len(Palette))
	}
	// Red on magenta (1.1) and white on yellow (1.3) are too close.
	red, magenta, yellow := Palette[2], Palette[7], Palette[5]
	if Contrast(red, magenta) >= MinContrast || Contrast(white, yellow) >= MinContrast {
		t.Error("red on magenta or white on yellow passes the contrast rule")
	}
	var fg []string
	for _, f := range Foregrounds {
		fg = append(fg, Palette[f].Name)
	}
	if !reflect.DeepEqual(fg, []string{"red", "green", "blue"}) {
		t.Errorf("foregrounds %q", fg)
	}
}

func contains(s []int, x int) bool {
	for _, v := range s {
		if v == x {
			return true
		}
	}
	return false
}

// colours returns the foreground and background palette indexes of
// coloured image i: the background is its corner, and the foreground the one
// palette colour with which every pixel follows the colouring rule (it is
// an error when none does, or more than one).
func colours(t *testing.T, gray, out *dataset.Set, i int) (fg, bg int) {
	t.Helper()
	const side = 32
	img := out.Pixels[i*3*side*side : (i+1)*3*side*side]
	src := gray.Pixels[i*28*28 : (i+1)*28*28]
	bg = -1
	for k, c := range Palette {
		if img[0] == c.R && img[side*side] == c.G && img[2*side*side] == c.B {
			bg = k
		}
	}
	if bg < 0 {
		t.Fatalf("image %d: corner (%d,%d,%d) is not a palette colour", i, img[0], img[side*side], img[2*side*side])
	}
	// follows reports whether image i is its digit drawn in f on b.
	follows := func(f, b Colour) bool {
		for ch, pair := range [3][2]int{{int(b.R), int(f.R)}, {int(b.G), int(f.G)}, {int(b.B), int(f.B)}} {
			for y := range side {
				for x := range side {
					p := 0
					if x >= Pad && x < 28+Pad && y >= Pad && y < 28+Pad {
						p = int(src[(y-Pad)*28+x-Pad])
					}
					want := uint8(math.Round(float64(pair[0]) + float64(pair[1]-pair[0])*float64(p)/255))
					if img[ch*side*side+y*side+x] != want {
						return false
					}
				}
			}
		}
		return true
	}
	fg = -1
	for k, c := range Palette {
		if follows(c, Palette[bg]) {
			if fg >= 0 {
				t.Fatalf("image %d is drawn in both %s and %s", i, Palette[fg].Name, c.Name)
			}
			fg = k
		}
	}
	if fg < 0 {
		t.Fatalf("image %d is not its digit in one palette colour on %s", i, Palette[bg].Name)
	}
	return fg, bg
}

func TestColourizeByDigit(t *testing.T) {
	gray := fixture(t)
	out, err := Colourize(gray, ByDigit, 1)
	if err != nil {
		t.Fatal(err)
	}
	if out.N != 100 || out.Channels != 3 || out.Height != 32 || out.Width != 32 || out.Classes != 10 || len(out.Pixels) != 100*3*32*32 {
		t.Fatalf("got %d×%d×%d×%d of %d classes", out.N, out.Channels, out.Height, out.Width, out.Classes)
	}
	if !reflect.DeepEqual(out.Labels, gray.Labels) {
		t.Error("labels are not the digits")
	}
	for d, n := range out.Names {
		if n != strconv.Itoa(d) {
			t.Errorf("class %d is named %q", d, n)
		}
	}
	want := map[string]string{"source": "colour-mnist", "split": "test", "by": "digit", "seed": "1"}
	if !reflect.DeepEqual(out.Meta, want) {
		t.Errorf("meta %v, want %v", out.Meta, want)
	}
	fgSeen, pairSeen := map[int]bool{}, map[[2]int]bool{}
	for i := range out.N {
		fg, bg := colours(t, gray, out, i)
		if fg == bg || Contrast(Palette[fg], Palette[bg]) < MinContrast {
			t.Fatalf("image %d: %s on %s, contrast %.2f", i, Palette[fg].Name, Palette[bg].Name, Contrast(Palette[fg], Palette[bg]))
		}
		fgSeen[fg], pairSeen[[2]int{fg, bg}] = true, true
	}
	// 100 draws from 8 colours: every colour comes up, in many pairs.
	if len(fgSeen) != len(Palette) || len(pairSeen) < 20 {
		t.Errorf("%d foregrounds and %d pairs in 100 images", len(fgSeen), len(pairSeen))
	}
}

func TestColourizeByDigitColour(t *testing.T) {
	gray := fixture(t)
	out, err := Colourize(gray, ByDigitColour, 7)
	if err != nil {
		t.Fatal(err)
	}
	if out.Classes != 30 || len(out.Names) != 30 || out.Names[0] != "0-red" || out.Names[1] != "0-green" || out.Names[29] != "9-blue" {
		t.Fatalf("%d classes named %q", out.Classes, out.Names)
	}
	if err := dataset.CheckClassNames(out.Names, out.Classes); err != nil {
		t.Error(err)
	}
	seen := map[int]bool{}
	for i := range out.N {
		fg, bg := colours(t, gray, out, i)
		c := -1
		for k, f := range Foregrounds {
			if f == fg {
				c = k
			}
		}
		if c < 0 || fg == bg || Contrast(Palette[fg], Palette[bg]) < MinContrast {
			t.Fatalf("image %d: %s on %s", i, Palette[fg].Name, Palette[bg].Name)
		}
		if want := gray.Labels[i]*3 + c; out.Labels[i] != want {
			t.Errorf("image %d: label %d, want %d (digit %d in %s)", i, out.Labels[i], want, gray.Labels[i], Palette[fg].Name)
		}
		if name := fmt.Sprintf("%d-%s", gray.Labels[i], Palette[fg].Name); out.Names[out.Labels[i]] != name {
			t.Errorf("image %d: class %q, want %q", i, out.Names[out.Labels[i]], name)
		}
		seen[c] = true
	}
	if len(seen) != 3 {
		t.Errorf("foregrounds seen: %v", seen)
	}
}

// The same input and seed give the same stream; another seed other colours
// of the same digits.
func TestDeterministic(t *testing.T) {
	gray := fixture(t)
	var in bytes.Buffer
	if err := gray.Write(&in); err != nil {
		t.Fatal(err)
	}
	stream := func(by string, seed uint64) []byte {
		t.Helper()
		var out bytes.Buffer
		if err := colour(&flags{By: by, Seed: seed}, bytes.NewReader(in.Bytes()), &out); err != nil {
			t.Fatal(err)
		}
		return out.Bytes()
	}
	a, b := stream(ByDigit, 1), stream(ByDigit, 1)
	if !bytes.Equal(a, b) {
		t.Error("two runs with seed 1 differ")
	}
	c := stream(ByDigit, 2)
	if bytes.Equal(a, c) {
		t.Error("seeds 1 and 2 give the same stream")
	}
	sa, err := dataset.Read(bytes.NewReader(a), dataset.Want{})
	if err != nil {
		t.Fatal(err)
	}
	sc, err := dataset.Read(bytes.NewReader(c), dataset.Want{})
	if err != nil {
		t.Fatal(err)
	}
	direct, _ := Colourize(gray, ByDigit, 1)
	if !bytes.Equal(sa.Pixels, direct.Pixels) || !reflect.DeepEqual(sa.Names, direct.Names) || sa.Meta["seed"] != "1" {
		t.Error("the stream does not hold what Colourize makes")
	}
	if !reflect.DeepEqual(sa.Labels, sc.Labels) || bytes.Equal(sa.Pixels, sc.Pixels) {
		t.Error("seed 2: other labels, or the same colours")
	}
	if bytes.Equal(stream(ByDigitColour, 1), stream(ByDigitColour, 2)) {
		t.Error("digit-colour: seeds 1 and 2 give the same stream")
	}
}

func TestErrors(t *testing.T) {
	gray := fixture(t)
	coloured, _ := Colourize(gray, ByDigit, 1)
	if _, err := Colourize(coloured, ByDigit, 1); err == nil || err.Error() != "the input has 3×32×32 images of 10 classes; want MNIST's gray 28×28 digits of 10 classes (mnist-fetch's stream)" {
		t.Errorf("coloured input: %v", err)
	}
	if _, err := Colourize(gray, "colour", 1); err == nil || err.Error() != `labelling "colour"; want "digit" or "digit-colour"` {
		t.Errorf("bad labelling: %v", err)
	}
	var out bytes.Buffer
	for in, want := range map[string]string{
		"":             "reading stdin: not a tensor stream (empty input)",
		"not a stream": "reading stdin: not a tensor stream",
	} {
		err := colour(&flags{By: ByDigit}, strings.NewReader(in), &out)
		if err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("input %q: %v, want %q", in, err, want)
		}
	}
	if out.Len() != 0 {
		t.Errorf("wrote %d bytes on errors", out.Len())
	}
}

package imagefolder

import (
	"bytes"
	"compress/zlib"
	"context"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"

	"acgan/pkg/dataset"
	"acgan/pkg/tensor"
)

// writeFile writes data at dir/rel, making its folders.
func writeFile(t *testing.T, dir, rel string, data []byte) string {
	t.Helper()
	path := filepath.Join(dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// encodePNG returns img as PNG bytes.
func encodePNG(t *testing.T, img image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// grayImage returns a w×h gray image whose pixel (x, y) is f(x, y).
func grayImage(w, h int, f func(x, y int) uint8) *image.Gray {
	m := image.NewGray(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			m.SetGray(x, y, color.Gray{f(x, y)})
		}
	}
	return m
}

// rgbImage returns a w×h opaque image whose pixel (x, y) is f(x, y).
func rgbImage(w, h int, f func(x, y int) color.RGBA) *image.RGBA {
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			m.SetRGBA(x, y, f(x, y))
		}
	}
	return m
}

// rawPNG returns a PNG file of the given IHDR and, when rows is not nil,
// one IDAT chunk holding them deflated (each row starts with its filter
// byte): for what Go's encoder never writes (gray with alpha) and for
// headers that lie.
func rawPNG(t *testing.T, w, h uint32, depth, colourType byte, rows []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	chunk := func(kind string, data []byte) {
		binary.Write(&b, binary.BigEndian, uint32(len(data)))
		c := append([]byte(kind), data...)
		b.Write(c)
		binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(c))
	}
	ihdr := binary.BigEndian.AppendUint32(nil, w)
	ihdr = binary.BigEndian.AppendUint32(ihdr, h)
	ihdr = append(ihdr, depth, colourType, 0, 0, 0)
	chunk("IHDR", ihdr)
	if rows != nil {
		var z bytes.Buffer
		zw := zlib.NewWriter(&z)
		zw.Write(rows)
		zw.Close()
		chunk("IDAT", z.Bytes())
		chunk("IEND", nil)
	}
	return b.Bytes()
}

func read(t *testing.T, dir string, opt Options) *Result {
	t.Helper()
	files, _, err := Scan(dir)
	if err != nil {
		t.Fatal(err)
	}
	res, err := Read(context.Background(), files, opt)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestScanOrderAndNames(t *testing.T) {
	dir := t.TempDir()
	img := encodePNG(t, grayImage(16, 16, func(x, y int) uint8 { return 0 }))
	for _, rel := range []string{
		"猫/b.PNG", "猫/a.Jpg", "b/2.png", "b/10.png", "Äpfel/x.jpeg", "B/z.png",
		"b/.hidden.png", "b/notes.txt", "b/sub/deep.png", ".git/c.png", "README",
	} {
		data := img
		if strings.HasSuffix(strings.ToLower(rel), "g") && !strings.HasSuffix(strings.ToLower(rel), "png") {
			var j bytes.Buffer
			jpeg.Encode(&j, grayImage(16, 16, func(x, y int) uint8 { return 0 }), nil)
			data = j.Bytes()
		}
		writeFile(t, dir, rel, data)
	}
	files, ignored, err := Scan(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range files {
		rel, _ := filepath.Rel(dir, f.Path)
		got = append(got, filepath.ToSlash(rel)+" "+f.Class)
	}
	want := []string{"B/z.png B", "b/10.png b", "b/2.png b", "Äpfel/x.jpeg Äpfel", "猫/a.Jpg 猫", "猫/b.PNG 猫"}
	if !slices.Equal(got, want) {
		t.Errorf("files:\n got %q\nwant %q", got, want)
	}
	for i := range ignored {
		ignored[i], _ = filepath.Rel(dir, ignored[i])
	}
	if want := []string{filepath.Join("b", "notes.txt"), filepath.Join("b", "sub")}; !slices.Equal(ignored, want) {
		t.Errorf("ignored %q, want %q", ignored, want)
	}
	res, err := Read(context.Background(), files, Options{})
	if err != nil {
		t.Fatal(err)
	}
	s := res.Set
	if want := []string{"B", "b", "Äpfel", "猫"}; !slices.Equal(s.Names, want) {
		t.Errorf("names %q, want %q", s.Names, want)
	}
	if want := []int{0, 1, 1, 2, 3, 3}; !slices.Equal(s.Labels, want) || s.Classes != 4 {
		t.Errorf("labels %v of %d classes, want %v of 4", s.Labels, s.Classes, want)
	}
	// The names survive a stream.
	var b bytes.Buffer
	if err := s.Write(&b); err != nil {
		t.Fatal(err)
	}
	back, err := dataset.Read(&b, dataset.Want{})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(back.Names, s.Names) {
		t.Errorf("names through a stream: %q", back.Names)
	}
}

func TestScanRefuses(t *testing.T) {
	img := encodePNG(t, grayImage(16, 16, func(x, y int) uint8 { return 0 }))
	cases := []struct {
		name  string
		files []string
		want  string
	}{
		{"empty class", []string{"a/1.png", "b/notes.txt"}, "b: no PNG or JPEG files: a class without images cannot be learnt"},
		{"no classes", []string{"1.png"}, "no class folders"},
		{"control character", []string{"a\x01b/1.png"}, `holds a control character`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			for _, f := range c.files {
				writeFile(t, dir, f, img)
			}
			_, _, err := Scan(dir)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want one saying %q", err, c.want)
			}
		})
	}
	if _, _, err := Scan(filepath.Join(t.TempDir(), "nope")); err == nil || !strings.Contains(err.Error(), "nope: no such file") {
		t.Errorf("missing folder: %v", err)
	}
}

func TestReadGrayExact(t *testing.T) {
	dir := t.TempDir()
	a := grayImage(16, 16, func(x, y int) uint8 { return uint8(x*16 + y) })
	b := grayImage(16, 16, func(x, y int) uint8 { return uint8(255 - x - y) })
	writeFile(t, dir, "one/a.png", encodePNG(t, a))
	writeFile(t, dir, "two/b.png", encodePNG(t, b))
	// A paletted PNG of grays is gray too.
	pal := image.NewPaletted(image.Rect(0, 0, 16, 16), color.Palette{color.Gray{0}, color.Gray{200}})
	for i := range pal.Pix {
		pal.Pix[i] = uint8(i % 2)
	}
	writeFile(t, dir, "two/c.png", encodePNG(t, pal))
	s := read(t, dir, Options{}).Set
	if s.N != 3 || s.Channels != 1 || s.Height != 16 || s.Width != 16 {
		t.Fatalf("got %d images of %d×%d×%d, want 3 of 1×16×16", s.N, s.Channels, s.Height, s.Width)
	}
	want := append(append(slices.Clone(a.Pix), b.Pix...), make([]uint8, 256)...)
	for i := range 256 {
		want[512+i] = uint8(200 * (i % 2))
	}
	if !bytes.Equal(s.Pixels, want) {
		t.Error("pixels differ from the files'")
	}
	if !slices.Equal(s.Labels, []int{0, 1, 1}) {
		t.Errorf("labels %v", s.Labels)
	}
}

func TestReadColour(t *testing.T) {
	dir := t.TempDir()
	rgb := rgbImage(16, 16, func(x, y int) color.RGBA { return color.RGBA{uint8(x), uint8(y), uint8(x + y), 255} })
	gray := grayImage(16, 16, func(x, y int) uint8 { return uint8(3 * x) })
	writeFile(t, dir, "a/rgb.png", encodePNG(t, rgb))
	writeFile(t, dir, "b/gray.png", encodePNG(t, gray))
	s := read(t, dir, Options{}).Set
	if s.Channels != 3 {
		t.Fatalf("a set mixing gray and colour has %d channels, want 3", s.Channels)
	}
	for i := range 256 {
		x, y := i%16, i/16
		if got := [3]uint8{s.Pixels[i], s.Pixels[256+i], s.Pixels[512+i]}; got != [3]uint8{uint8(x), uint8(y), uint8(x + y)} {
			t.Fatalf("RGB pixel (%d,%d) = %v", x, y, got)
		}
		g := s.Pixels[768:]
		if v := uint8(3 * x); g[i] != v || g[256+i] != v || g[512+i] != v {
			t.Fatalf("gray pixel (%d,%d) = %d %d %d, want %d in each channel", x, y, g[i], g[256+i], g[512+i], v)
		}
	}
}

func TestReadAlphaOverBlack(t *testing.T) {
	dir := t.TempDir()
	// An NRGBA PNG: half-transparent red, a transparent white, opaque blue.
	m := image.NewNRGBA(image.Rect(0, 0, 16, 16))
	for i := range 256 {
		c := []color.NRGBA{{255, 0, 0, 0x80}, {255, 255, 255, 0}, {0, 0, 255, 255}}[i%3]
		m.SetNRGBA(i%16, i/16, c)
	}
	writeFile(t, dir, "a/rgba.png", encodePNG(t, m))
	// A gray-with-alpha PNG (colour type 4), which Go never writes: 2×2,
	// gray 200 at alpha 255, 0, 128, 255.
	rows := []byte{0, 200, 255, 200, 0, 0, 200, 128, 200, 255}
	writeFile(t, dir, "b/ga.png", rawPNG(t, 2, 2, 8, 4, rows))

	s := read(t, filepath.Join(dir), Options{Size: 16}).Set
	if s.Channels != 3 {
		t.Fatalf("%d channels", s.Channels)
	}
	for i := range 256 {
		want := [][3]uint8{{128, 0, 0}, {0, 0, 0}, {0, 0, 255}}[i%3]
		if got := [3]uint8{s.Pixels[i], s.Pixels[256+i], s.Pixels[512+i]}; got != want {
			t.Fatalf("pixel %d = %v, want %v (composited over black)", i, got, want)
		}
	}
}

func TestReadGrayAlphaIsGray(t *testing.T) {
	dir := t.TempDir()
	rows := []byte{0, 200, 255, 200, 0, 0, 200, 128, 200, 255}
	writeFile(t, dir, "a/ga.png", rawPNG(t, 2, 2, 8, 4, rows))
	s := read(t, dir, Options{}).Set
	if s.Channels != 1 || !bytes.Equal(s.Pixels, []uint8{200, 0, 100, 200}) {
		t.Fatalf("gray with alpha: %d channels, pixels %v; want 1 channel, 200 0 100 200", s.Channels, s.Pixels)
	}
}

func TestReadJPEG(t *testing.T) {
	dir := t.TempDir()
	var g, c bytes.Buffer
	jpeg.Encode(&g, grayImage(16, 16, func(x, y int) uint8 { return 100 }), nil)
	jpeg.Encode(&c, rgbImage(16, 16, func(x, y int) color.RGBA { return color.RGBA{200, 40, 40, 255} }), &jpeg.Options{Quality: 95})
	writeFile(t, dir, "gray/a.jpg", g.Bytes())
	s := read(t, dir, Options{}).Set
	if s.Channels != 1 || s.Pixels[0] != 100 {
		t.Fatalf("gray JPEG: %d channels, first pixel %d; want 1, 100", s.Channels, s.Pixels[0])
	}
	// A JPEG named .png is read as a JPEG.
	writeFile(t, dir, "red/b.png", c.Bytes())
	s = read(t, dir, Options{}).Set
	if s.Channels != 3 {
		t.Fatalf("colour JPEG: %d channels", s.Channels)
	}
	if r, g := s.Pixels[768], s.Pixels[768+256]; r < 190 || r > 210 || g < 30 || g > 50 {
		t.Errorf("red JPEG pixel: R %d G %d, want about 200 40", r, g)
	}
}

func TestReadShapes(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "a/1.png", encodePNG(t, grayImage(16, 16, func(x, y int) uint8 { return 1 })))
	writeFile(t, dir, "a/2.png", encodePNG(t, grayImage(20, 20, func(x, y int) uint8 { return 2 })))
	files, _, _ := Scan(dir)
	_, err := Read(context.Background(), files, Options{})
	if !errors.Is(err, ErrShape) || !strings.Contains(err.Error(), "2.png") || !strings.Contains(err.Error(), "20×20, but") {
		t.Errorf("mixed sizes: %v", err)
	}
	// -size brings both to one size.
	s := read(t, dir, Options{Size: 16}).Set
	if s.N != 2 || s.Height != 16 || s.Pixels[0] != 1 || s.Pixels[256] != 2 || s.Pixels[511] != 2 {
		t.Errorf("resized: %d images of %d, pixels %d %d %d", s.N, s.Height, s.Pixels[0], s.Pixels[256], s.Pixels[511])
	}
	dir = t.TempDir()
	writeFile(t, dir, "a/wide.png", encodePNG(t, grayImage(20, 16, func(x, y int) uint8 { return 1 })))
	files, _, _ = Scan(dir)
	if _, err := Read(context.Background(), files, Options{}); !errors.Is(err, ErrShape) || !strings.Contains(err.Error(), "not square") {
		t.Errorf("not square: %v", err)
	}
}

func TestCentreCrop(t *testing.T) {
	dir := t.TempDir()
	// 48×32: 8 red columns each side of a green 32×32 square; and its
	// transpose, 32×48, red rows above and below.
	f := func(x, y int) color.RGBA {
		if x < 8 || x >= 40 {
			return color.RGBA{255, 0, 0, 255}
		}
		return color.RGBA{0, 255, 0, 255}
	}
	writeFile(t, dir, "a/wide.png", encodePNG(t, rgbImage(48, 32, f)))
	writeFile(t, dir, "a/tall.png", encodePNG(t, rgbImage(32, 48, func(x, y int) color.RGBA { return f(y, x) })))
	for _, size := range []int{32, 16} {
		s := read(t, dir, Options{Size: size}).Set
		plane := size * size
		for i := range s.N * 3 {
			p := s.Pixels[i*plane : (i+1)*plane]
			want := uint8(0)
			if i%3 == 1 {
				want = 255
			}
			for _, v := range p {
				if v != want {
					t.Fatalf("size %d: image %d channel %d holds %d, want %d everywhere (the green centre)", size, i/3, i%3, v, want)
				}
			}
		}
	}
}

func TestResizeFilters(t *testing.T) {
	// A one-pixel checkerboard halved: a filter averages it to mid gray,
	// where the nearest neighbour would keep black and white.
	dir := t.TempDir()
	writeFile(t, dir, "a/c.png", encodePNG(t, grayImage(32, 32, func(x, y int) uint8 { return uint8(255 * ((x + y) % 2)) })))
	// And a ramp: it stays a ramp, increasing from left to right.
	writeFile(t, dir, "b/r.png", encodePNG(t, grayImage(32, 32, func(x, y int) uint8 { return uint8(8 * x) })))
	s := read(t, dir, Options{Size: 16}).Set
	for i, v := range s.Pixels[:256] {
		if v < 96 || v > 160 {
			t.Fatalf("checkerboard halved: pixel %d is %d, want a mid gray", i, v)
		}
	}
	r := s.Pixels[256:]
	for y := range 16 {
		for x := 1; x < 16; x++ {
			if r[y*16+x] <= r[y*16+x-1] || r[y*16+x] != r[x] {
				t.Fatalf("ramp halved: row %d is %v", y, r[y*16:y*16+16])
			}
		}
	}
	if r[0] > 8 || r[15] < 240 {
		t.Errorf("ramp halved runs from %d to %d, want about 4 to 252", r[0], r[15])
	}
}

func TestBadFiles(t *testing.T) {
	dir := t.TempDir()
	good := encodePNG(t, grayImage(16, 16, func(x, y int) uint8 { return 7 }))
	writeFile(t, dir, "a/1.png", good)
	bad := writeFile(t, dir, "a/2.png", []byte("this is not a PNG file"))
	cut := writeFile(t, dir, "b/3.png", good[:len(good)-30]) // header fine, data cut
	writeFile(t, dir, "b/4.png", good)
	files, _, _ := Scan(dir)
	_, err := Read(context.Background(), files, Options{})
	if err == nil || !strings.HasPrefix(err.Error(), bad+": png: invalid format") {
		t.Errorf("bad file: %v", err)
	}
	res, err := Read(context.Background(), files, Options{SkipBad: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Skipped) != 2 || res.Skipped[0].Path != bad || res.Skipped[1].Path != cut {
		t.Fatalf("skipped %v, want %s and %s", res.Skipped, bad, cut)
	}
	if s := res.Set; s.N != 2 || !slices.Equal(s.Labels, []int{0, 1}) || s.Pixels[0] != 7 || s.Pixels[256] != 7 {
		t.Errorf("after skipping: %d images, labels %v", s.N, s.Labels)
	}
	// A class left without images is refused.
	os.Remove(filepath.Join(dir, "b", "4.png"))
	files, _, _ = Scan(dir)
	if _, err := Read(context.Background(), files, Options{SkipBad: true}); err == nil || !strings.Contains(err.Error(), `class "b": every one of its files was skipped`) {
		t.Errorf("class emptied by skipping: %v", err)
	}
}

func TestHugeHeaders(t *testing.T) {
	dir := t.TempDir()
	// A 100000×100000 PNG of a few bytes: refused from its header.
	huge := writeFile(t, dir, "a/huge.png", rawPNG(t, 100000, 100000, 8, 2, nil))
	files, _, _ := Scan(dir)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := Read(context.Background(), files, Options{})
	runtime.ReadMemStats(&after)
	if err == nil || !strings.Contains(err.Error(), huge+": png: image of 100000×100000 pixels, over the limit") {
		t.Errorf("huge image: %v", err)
	}
	if a := after.TotalAlloc - before.TotalAlloc; a > 1<<20 {
		t.Errorf("refusing a huge image allocated %d bytes", a)
	}
	// Five gray 8192×8192 headers: each allowed, together over MaxValues.
	dir = t.TempDir()
	for i := range 5 {
		writeFile(t, dir, "a/"+string(rune('0'+i))+".png", rawPNG(t, 8192, 8192, 8, 0, nil))
	}
	files, _, _ = Scan(dir)
	runtime.ReadMemStats(&before)
	_, err = Read(context.Background(), files, Options{})
	runtime.ReadMemStats(&after)
	if err == nil || !strings.Contains(err.Error(), "5 images of 1×8192×8192 are 335544320 values, over the limit of 268435456") {
		t.Errorf("set over MaxValues: %v", err)
	}
	if a := after.TotalAlloc - before.TotalAlloc; a > 1<<20 {
		t.Errorf("refusing a huge set allocated %d bytes", a)
	}
}

func TestMaxValuesIsARecord(t *testing.T) {
	if MaxValues != tensor.MaxElements {
		t.Errorf("MaxValues %d, want the stream's record limit %d", MaxValues, tensor.MaxElements)
	}
}

func TestParseList(t *testing.T) {
	list := "# made by hand\r\n" +
		"b/x.png\tdog\r\n" +
		"\n" +
		"/abs/y.png\tcat\n" +
		"with\ttab.png\tcat\n" +
		"a/x.png\tdog\n"
	files, err := ParseList(strings.NewReader(list), "l.tsv", "base")
	if err != nil {
		t.Fatal(err)
	}
	want := []File{
		{filepath.Join("base", "b", "x.png"), "dog"},
		{filepath.FromSlash("/abs/y.png"), "cat"},
		{filepath.Join("base", "with\ttab.png"), "cat"},
		{filepath.Join("base", "a", "x.png"), "dog"},
	}
	if !reflect.DeepEqual(files, want) {
		t.Errorf("got %q\nwant %q", files, want)
	}
	for _, c := range []struct{ list, want string }{
		{"a.png\tcat\nno-tab.png\n", `l.tsv:2: "no-tab.png": want a path, a tab and a class name`},
		{"a.png\t\n", `l.tsv:1: class name "": want 1 to 256 bytes`},
		{"\tcat\n", "l.tsv:1: empty path"},
		{"# nothing\n", "l.tsv: no files listed"},
		{"a.png\tc\x7f\n", `l.tsv:1: class name "c\x7f"`},
		{"a.png\tcat\n" + strings.Repeat("x", maxListLine+1), "l.tsv:2: a line over 65536 bytes"},
	} {
		if _, err := ParseList(strings.NewReader(c.list), "l.tsv", "."); err == nil || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("%q: error %v, want %q", c.list, err, c.want)
		}
	}
}

func TestReadListOrder(t *testing.T) {
	dir := t.TempDir()
	for i, v := range []uint8{10, 20, 30} {
		writeFile(t, dir, string(rune('a'+i))+".png", encodePNG(t, grayImage(16, 16, func(x, y int) uint8 { return v })))
	}
	files, err := ParseList(strings.NewReader("c.png\tz\nb.png\ty\na.png\tz\nc.png\ty\n"), "list", dir)
	if err != nil {
		t.Fatal(err)
	}
	s, err := Read(context.Background(), files, Options{})
	if err != nil {
		t.Fatal(err)
	}
	got := []uint8{s.Set.Pixels[0], s.Set.Pixels[256], s.Set.Pixels[512], s.Set.Pixels[768]}
	if !slices.Equal(got, []uint8{30, 20, 10, 30}) || !slices.Equal(s.Set.Labels, []int{1, 0, 1, 0}) || !slices.Equal(s.Set.Names, []string{"y", "z"}) {
		t.Errorf("list order: pixels %v, labels %v, names %q", got, s.Set.Labels, s.Set.Names)
	}
}

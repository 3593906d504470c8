package gen

import (
	"bytes"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"acgan/pkg/acgan"
	"acgan/pkg/tensor"
)

func generator(t *testing.T) *acgan.Generator {
	t.Helper()
	tr, err := acgan.NewTrainer(acgan.DefaultConfig(), 3)
	if err != nil {
		t.Fatal(err)
	}
	return tr.G
}

func TestLabelsAndNoise(t *testing.T) {
	if y := Labels(5, 3, 10); len(y) != 3 || y[0] != 5 || y[2] != 5 {
		t.Errorf("Labels(5, 3) = %v", y)
	}
	if y := Labels(-1, 2, 10); len(y) != 20 || y[0] != 0 || y[1] != 0 || y[2] != 1 || y[19] != 9 {
		t.Errorf("Labels(all, 2) = %v", y)
	}
	a, b := Noise(7, 3, 100), Noise(7, 5, 100)
	if !slices.Equal(a, b[:300]) {
		t.Error("the first noise vectors depend on how many are drawn")
	}
	if slices.Equal(a, Noise(8, 3, 100)) {
		t.Error("two seeds give the same noise")
	}
}

func TestGenerateChunks(t *testing.T) {
	g := generator(t)
	y := Labels(-1, 25, 10) // 250 images: ten chunks
	z := Noise(1, len(y), g.Latent)
	img, err := Generate(g, z, y)
	if err != nil {
		t.Fatal(err)
	}
	// Image 230 made alone is image 230 of the batch.
	one, err := g.Generate(z[230*100:231*100], y[230:231])
	if err != nil {
		t.Fatal(err)
	}
	if !close(one, img[230*784:231*784]) {
		t.Error("an image depends on the others generated with it")
	}
	if _, err := Generate(g, z[:10], y); err == nil {
		t.Error("short noise accepted")
	}
}

func TestInterpolate(t *testing.T) {
	g := generator(t)
	img, lab, err := Interpolate(g, 4, 3, 8, 5)
	if err != nil {
		t.Fatal(err)
	}
	if len(img) != 5*784 || len(lab) != 5 || lab[1] != 3 || lab[2] != 8 || lab[4] != 8 {
		t.Fatalf("%d values, labels %v", len(img), lab)
	}
	z := Noise(4, 2, g.Latent)
	a, _ := g.Generate(z[:100], []int{3})
	b, _ := g.Generate(z[100:], []int{8})
	if !close(img[:784], a) || !close(img[4*784:], b) {
		t.Error("the ends of the walk are not G(z0, A) and G(z1, B)")
	}
	if close(img[784:2*784], a) || close(img[784:2*784], b) {
		t.Error("the walk does not move")
	}
	if _, _, err := Interpolate(g, 4, 3, 10, 5); err == nil {
		t.Error("label 10 accepted")
	}
	if _, _, err := Interpolate(g, 4, 3, 3, 1); err == nil {
		t.Error("a walk of one step accepted")
	}
}

func TestWrite(t *testing.T) {
	var b bytes.Buffer
	img := make([]float32, 2*784)
	img[5] = 0.5
	f := Format{Channels: 1, Size: 28, Classes: 10}
	if err := Write(&b, img, []int{4, 7}, f); err != nil {
		t.Fatal(err)
	}
	ts, err := tensor.ReadAll(&b)
	if err != nil {
		t.Fatal(err)
	}
	im, lb := find(ts, "images"), find(ts, "labels")
	if im == nil || lb == nil || im.Meta["range"] != "-1,1" || lb.Meta["classes"] != "10" ||
		tensor.ShapeString(im.Shape) != "2x1x28x28" || im.F32[5] != 0.5 || lb.U8[1] != 7 {
		t.Fatalf("stream: %+v", ts)
	}
	if _, ok := im.Meta[tensor.MetaNRow]; ok {
		t.Errorf("nrow 0 wrote a hint: %v", im.Meta)
	}
	b.Reset()
	f.NRow = 2
	if err := Write(&b, img, []int{4, 7}, f); err != nil {
		t.Fatal(err)
	}
	if ts, err = tensor.ReadAll(&b); err != nil {
		t.Fatal(err)
	}
	if k, ok := find(ts, "images").NRow(); !ok || k != 2 {
		t.Errorf("nrow 2: hint %d, %v", k, ok)
	}
}

// close reports whether a and b agree to 1e-5: the same image made in
// batches of different sizes may differ in the last bits, since the
// matrix products sum in another order.
func close(a, b []float32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if d := a[i] - b[i]; d > 1e-5 || d < -1e-5 {
			return false
		}
	}
	return true
}

// TestGenerateRefusesNonFinite checks that a generator making NaN (here from
// a NaN in its class embedding) gives an error, not images.
func TestGenerateRefusesNonFinite(t *testing.T) {
	g := generator(t)
	g.Embed.Weight.W[0] = float32(math.NaN()) // class 0, first value
	y := Labels(0, 3, 10)
	img, err := Generate(g, Noise(1, len(y), g.Latent), y)
	if err == nil || !strings.Contains(err.Error(), "NaN or infinite pixel values") {
		t.Fatalf("Generate: got %d values, error %v; want the non-finite error", len(img), err)
	}
	if _, _, err := Interpolate(g, 1, 0, 3, 4); err == nil {
		t.Error("Interpolate from class 0 made images without an error")
	}
	if _, err := Generate(g, Noise(1, 3, g.Latent), Labels(1, 3, 10)); err != nil {
		t.Errorf("class 1 (finite embedding): %v", err)
	}
}

// find returns the first tensor in ts called name, or nil.
func find(ts []*tensor.Tensor, name string) *tensor.Tensor {
	for _, t := range ts {
		if t.Name == name {
			return t
		}
	}
	return nil
}

// TestWriteGeometry: colour images of a model of many named classes: the
// images' shape, int32 labels past 256 classes, the classnames record; and
// names that do not fit the classes are refused.
func TestWriteGeometry(t *testing.T) {
	names := make([]string, 300)
	for i := range names {
		names[i] = fmt.Sprintf("class %d", i)
	}
	f := Format{Channels: 3, Size: 16, Classes: 300, Names: names}
	img := make([]float32, 2*3*16*16)
	var b bytes.Buffer
	if err := Write(&b, img, []int{299, 4}, f); err != nil {
		t.Fatal(err)
	}
	ts, err := tensor.ReadAll(&b)
	if err != nil {
		t.Fatal(err)
	}
	im, lb, nm := find(ts, "images"), find(ts, "labels"), find(ts, "classnames")
	if im == nil || tensor.ShapeString(im.Shape) != "2x3x16x16" || lb == nil || lb.DType != tensor.Int32 || lb.I32[0] != 299 || lb.Meta["classes"] != "300" {
		t.Fatalf("stream: %+v", ts)
	}
	if nm == nil || !strings.HasPrefix(string(nm.U8), "class 0\nclass 1\n") {
		t.Errorf("class names record %v", nm)
	}
	f.Names = names[:3]
	if err := Write(&b, img, []int{0, 1}, f); err == nil {
		t.Error("3 names for 300 classes accepted")
	}
	f.Names, f.Size = nil, 32
	if err := Write(&b, img, []int{0, 1}, f); err == nil {
		t.Error("16×16 images written as 32×32")
	}
}

// Parity with the reference dump of the Keras program's ACGAN
// (../shared/reference/acgan-parity, computed in float64 with Keras
// semantics): every forward output, loss and loss part, every gradient, and
// one Adam step. This is the external check that our networks are the
// Keras program's; reference_test.go checks them, at other batch sizes and
// modes, against float64 twins built from pkg/nn/nnref, with nothing from
// outside the repository.
//
// The dump's files are copied, as they are, into testdata/parity so the
// test runs on a fresh clone. To refresh them from the shared reference:
//
//	go test ./pkg/acgan -run TestParity -update
//
// (reads ../../../shared/reference/acgan-parity relative to this package,
// i.e. ../shared/reference/acgan-parity from the repository root, or the
// directory given by -parity-src).

package acgan

import (
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"acgan/pkg/gemm"
	"acgan/pkg/nn"
)

var (
	update    = flag.Bool("update", false, "copy the reference dump into testdata/parity")
	paritySrc = flag.String("parity-src", "../../../shared/reference/acgan-parity", "the reference dump for -update")
)

const parityDir = "testdata/parity"

// Tolerances (see the dump's README): relative error of forward outputs and
// losses, and norm-wise relative error of gradients and the Adam result.
// With float32 accumulation in the GEMM (sums of up to 1152 products) the
// generated images differ from the float64 reference by about 6e-6; with
// the float64-accumulating GEMM of TestParityExactGEMM, by 7e-7, so the
// rest is GEMM rounding, and that test holds the layers to tighter bounds.
const (
	tolOut  = 1e-5
	tolGrad = 1e-3

	tolOutExact  = 2e-6
	tolGradExact = 1e-5
)

type manifest struct {
	Batch   int `json:"batch"`
	Classes int `json:"classes"`
	Latent  int `json:"latent"`
	Tensors map[string]struct {
		File  string `json:"file"`
		Shape []int  `json:"shape"`
		Dtype string `json:"dtype"`
	} `json:"tensors"`
}

func copyDump(t *testing.T) {
	if err := os.MkdirAll(parityDir, 0o755); err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob(filepath.Join(*paritySrc, "*.npy"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no .npy files in %s (%v)", *paritySrc, err)
	}
	files = append(files, filepath.Join(*paritySrc, "manifest.json"))
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(parityDir, filepath.Base(f)), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("copied %d files from %s", len(files), *paritySrc)
}

// dump holds the reference tensors and records which were compared.
type dump struct {
	t    *testing.T
	m    manifest
	arr  map[string]*npyArray
	used map[string]bool
	// worst error per group, for the log
	worst map[string]float64
	// tolerances in force
	tolOut, tolGrad float64
}

func loadDump(t *testing.T) *dump {
	b, err := os.ReadFile(filepath.Join(parityDir, "manifest.json"))
	if err != nil {
		t.Fatalf("parity data missing (%v); run: go test ./pkg/acgan -run TestParity -update", err)
	}
	d := &dump{t: t, arr: map[string]*npyArray{}, used: map[string]bool{}, worst: map[string]float64{}}
	if err := json.Unmarshal(b, &d.m); err != nil {
		t.Fatal(err)
	}
	for name, e := range d.m.Tensors {
		a, err := readNpy(filepath.Join(parityDir, e.File))
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(a.Shape) != fmt.Sprint(e.Shape) {
			t.Fatalf("%s: shape %v, manifest says %v", name, a.Shape, e.Shape)
		}
		d.arr[name] = a
	}
	return d
}

func (d *dump) get(name string) *npyArray {
	a, ok := d.arr[name]
	if !ok {
		d.t.Fatalf("tensor %s not in the dump", name)
	}
	return a
}

// loadParams sets every parameter of ps from "param."+name.
func (d *dump) loadParams(ps []*nn.Param) {
	for _, p := range ps {
		a := d.get("param." + p.Name)
		if fmt.Sprint(a.Shape) != fmt.Sprint(p.Shape) {
			d.t.Fatalf("%s: dump shape %v, ours %v", p.Name, a.Shape, p.Shape)
		}
		copy(p.W, a.float32s())
		d.used["param."+p.Name] = true
	}
}

func group(name string) string {
	parts := strings.Split(name, ".")
	switch parts[0] {
	case "grad", "adam1":
		return parts[0] + "." + parts[1]
	}
	return parts[0]
}

// compare checks got against the reference tensor name: relative error
// max|got−ref|/max|ref| for outputs and losses (tolOut), norm-wise
// ‖got−ref‖/‖ref‖ for gradients and Adam (tolGrad).
func (d *dump) compare(name string, got []float32) {
	d.t.Helper()
	ref := d.get(name)
	if len(got) != len(ref.Data) {
		d.t.Errorf("%s: %d values, reference has %d", name, len(got), len(ref.Data))
		return
	}
	d.used[name] = true
	var num, den, maxDiff, maxRef float64
	for i, r := range ref.Data {
		e := float64(got[i]) - r
		num += e * e
		den += r * r
		maxDiff = max(maxDiff, math.Abs(e))
		maxRef = max(maxRef, math.Abs(r))
	}
	g := group(name)
	var rel, tol float64
	if g == "grad" || strings.HasPrefix(g, "grad.") || strings.HasPrefix(g, "adam1") {
		rel, tol = math.Sqrt(num)/math.Max(math.Sqrt(den), 1e-30), d.tolGrad
	} else {
		rel, tol = maxDiff/math.Max(maxRef, 1e-30), d.tolOut
	}
	if math.IsNaN(rel) || rel > tol {
		d.t.Errorf("%s: relative error %.3g > %g (max |diff| %.3g, max |ref| %.3g)", name, rel, tol, maxDiff, maxRef)
	}
	d.worst[g] = max(d.worst[g], rel)
	if testing.Verbose() {
		d.t.Logf("%-32s %.2e", name, rel)
	}
}

func (d *dump) compareScalar(name string, got float64) {
	d.t.Helper()
	d.compare(name, []float32{float32(got)})
	// float32 above loses nothing that matters at 1e-5; check in float64 too
	ref := d.get(name).Data[0]
	if rel := math.Abs(got-ref) / math.Abs(ref); rel > d.tolOut {
		d.t.Errorf("%s: %v, reference %v (relative %.3g)", name, got, ref, rel)
	}
}

func (d *dump) compareGrads(prefix string, ps []*nn.Param) {
	d.t.Helper()
	for _, p := range ps {
		d.compare(prefix+p.Name, p.G)
	}
}

func probs(v, l []float32, K int) (pv, pl []float32) {
	var s nn.Sigmoid
	pv = append([]float32(nil), s.Forward(v)...)
	sm := nn.NewSoftmax(K)
	pl = append([]float32(nil), sm.Forward(l)...)
	return
}

// TestParity runs the parity check with the GEMM kernel in use.
func TestParity(t *testing.T) {
	if *update {
		copyDump(t)
	}
	runParity(t, tolOut, tolGrad)
}

// TestParityExactGEMM runs it with a GEMM that accumulates in float64, so
// that what remains is the layers' own error.
func TestParityExactGEMM(t *testing.T) {
	if testing.Short() {
		t.Skip("slow reference GEMM")
	}
	old := gemm.Current()
	gemm.Use(float64Kernel{})
	defer gemm.Use(old)
	runParity(t, tolOutExact, tolGradExact)
}

// float64Kernel is the textbook GEMM with float64 accumulation.
type float64Kernel struct{}

func (float64Kernel) Sgemm(tA, tB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	row := make([]float64, n)
	for i := 0; i < m; i++ {
		clear(row)
		for p := 0; p < k; p++ {
			var av float64
			if tA {
				av = float64(a[p*lda+i])
			} else {
				av = float64(a[i*lda+p])
			}
			if av == 0 {
				continue
			}
			if tB {
				for j := range row {
					row[j] += av * float64(b[j*ldb+p])
				}
			} else {
				for j, bv := range b[p*ldb : p*ldb+n] {
					row[j] += av * float64(bv)
				}
			}
		}
		for j := range row {
			v := float64(alpha) * row[j]
			if beta != 0 {
				v += float64(beta) * float64(c[i*ldc+j])
			}
			c[i*ldc+j] = float32(v)
		}
	}
}

func runParity(t *testing.T, tolOut, tolGrad float64) {
	d := loadDump(t)
	d.tolOut, d.tolGrad = tolOut, tolGrad
	B, L, C := d.m.Batch, d.m.Latent, d.m.Classes
	K := C + 1
	r := rand.New(rand.NewPCG(1, 2))
	cfg := DefaultConfig()
	cfg.Latent, cfg.Classes, cfg.Dropout = L, C, 0 // dropout left out, as in the dump
	if cfg.HeadClasses() != K {
		t.Fatalf("a class head of %d for %d classes", cfg.HeadClasses(), C)
	}
	G := NewGenerator(cfg, r)
	D := NewDiscriminator(cfg, r)
	d.loadParams(G.Params())
	d.loadParams(D.Params())

	z, y := d.get("in.z").float32s(), d.get("in.y").ints()
	real, realY := d.get("in.real").float32s(), d.get("in.real_y").ints()
	for _, n := range []string{"in.z", "in.y", "in.real", "in.real_y"} {
		d.used[n] = true
	}

	// Generator forward (training mode: batch statistics).
	gen := append([]float32(nil), G.Forward(z, y, true)...)
	d.compare("out.gen", gen)

	ones, zeros := make([]float32, B), make([]float32, B)
	for i := range ones {
		ones[i] = 1
	}
	fake := make([]int, B)
	for i := range fake {
		fake[i] = C
	}
	dv, dl := make([]float32, B), make([]float32, B*K)
	lossParts := func(v, l []float32, tv []float32, ty []int) (bce, sce float64) {
		bce = nn.SigmoidBCE(v, tv, dv)
		sce, err := nn.SoftmaxCCE(l, K, ty, dl)
		if err != nil {
			t.Fatal(err)
		}
		return bce, sce
	}

	// Discriminator on the real batch.
	v, l, _ := D.Forward(real, B, true)
	pv, pl := probs(v, l, K)
	d.compare("out.d_real.validity", pv)
	d.compare("out.d_real.label", pl)
	bce, sce := lossParts(v, l, ones, realY)
	d.compareScalar("loss.d_real.bce", bce)
	d.compareScalar("loss.d_real.sce", sce)
	d.compareScalar("loss.d_real", bce+sce)
	D.Backward(dv, dl, nil, false)
	d.compareGrads("grad.d_real.", D.Params())

	// One Adam step from zero moments on those gradients.
	adam := nn.NewAdam(D.Params(), 2e-4, 0.5, 0.999, 1e-7)
	adam.Update()
	for _, p := range D.Params() {
		d.compare("adam1.d_real."+p.Name, p.W)
	}
	d.loadParams(D.Params())

	// Discriminator on the generated batch (ours, in float32).
	v, l, _ = D.Forward(gen, B, true)
	pv, pl = probs(v, l, K)
	d.compare("out.d_fake.validity", pv)
	d.compare("out.d_fake.label", pl)
	bce, sce = lossParts(v, l, zeros, fake)
	d.compareScalar("loss.d_fake", bce+sce)
	D.Backward(dv, dl, nil, false)
	d.compareGrads("grad.d_fake.", D.Params())

	// Generator through the frozen discriminator: targets 1 and the asked labels.
	D.SetFrozen(true)
	for _, p := range D.Params() {
		for i := range p.G {
			p.G[i] = float32(math.NaN()) // must stay untouched
		}
	}
	img := G.Forward(z, y, true)
	v, l, _ = D.Forward(img, B, true)
	bce, sce = lossParts(v, l, ones, y)
	d.compareScalar("loss.g", bce+sce)
	G.Backward(D.Backward(dv, dl, nil, true))
	d.compareGrads("grad.g.", G.Params())
	for _, p := range D.Params() {
		if !math.IsNaN(float64(p.G[0])) {
			t.Errorf("frozen discriminator wrote the gradient of %s", p.Name)
		}
	}

	var missed []string
	for name := range d.m.Tensors {
		if !d.used[name] {
			missed = append(missed, name)
		}
	}
	sort.Strings(missed)
	if len(missed) > 0 {
		t.Errorf("tensors in the dump not compared: %v", missed)
	}
	var groups []string
	for g := range d.worst {
		groups = append(groups, g)
	}
	sort.Strings(groups)
	for _, g := range groups {
		t.Logf("%-14s worst relative error %.2e", g, d.worst[g])
	}
}

// The committed model files in testdata/models are made here, by real
// code:
//
//	go test ./pkg/modelfile -run 'TestFixtures|TestFormat1Fixture' -update
//
// Without the flag, the tests check that the committed files are what this
// code makes. The bad model files (used by the golden test of acgan-gen)
// hold only a header record, so they are tiny, and Load must give each its
// documented error; the truncated and non-zstd cases are made by the
// golden test itself from a real model. format1-paper.bin and its images
// were written by the code before the twin head and the generator's
// average existed (commit 2c74669): this code must read that file, write
// it back byte for byte, and make the same images from it.

package modelfile

import (
	"bytes"
	"flag"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"acgan/pkg/acgan"
	"acgan/pkg/tensor"
)

var update = flag.Bool("update", false, "rewrite testdata/models from the code that makes them")

const fixtureDir = "../../testdata/models"

// headerOnly returns a stream holding only the header of a fresh default
// model, with the given metadata entries changed.
func headerOnly(t *testing.T, set map[string]string) []byte {
	t.Helper()
	m, err := New(acgan.DefaultConfig(), 1)
	if err != nil {
		t.Fatal(err)
	}
	h := m.header()
	for k, v := range set {
		h.SetMeta(k, v)
	}
	return encode(t, []*tensor.Tensor{h})
}

func TestFixtures(t *testing.T) {
	files := []struct {
		name string
		data []byte
		want string
	}{
		{"wrong-kind.bin", headerOnly(t, map[string]string{"kind": "vae-model"}), "not an acgan model (kind=vae-model)"},
		{"wrong-version.bin", headerOnly(t, map[string]string{"format": "7"}), "format version 7 not supported (this build reads 1)"},
	}
	for _, f := range files {
		path := filepath.Join(fixtureDir, f.name)
		if *update {
			if err := os.WriteFile(path, f.data, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (make it with -update)", err)
		}
		if !bytes.Equal(got, f.data) {
			t.Errorf("%s is not what this code makes; rerun with -update", path)
		}
		if _, err := LoadFile(path); err == nil || !strings.Contains(err.Error(), f.want) {
			t.Errorf("%s: got %v, want %q", path, err, f.want)
		}
	}
}

// format1Model returns the model of testdata/models/format1-paper.bin: a
// small model of objective paper with neither a twin head nor an average
// (latent 3, classes 2, iteration 7), every tensor a repeating pattern
// scaled to its kind, so that the file is a few kilobytes.
func format1Model(t *testing.T) *Model {
	t.Helper()
	cfg := acgan.DefaultConfig()
	cfg.Objective, cfg.Latent, cfg.Classes, cfg.Batch = acgan.Paper, 3, 2, 4
	m, err := New(cfg, 9)
	if err != nil {
		t.Fatal(err)
	}
	pattern := []float32{0.9, -0.3, 0.5, -1, 0.1, 0.7, -0.6, 0.2, -0.8, 0.4, 1, -0.1, 0.6, -0.5, 0.3, -0.9, 0}
	// The products are rounded by float32(...) before the sums, so that no
	// platform fuses them into one multiply-add (arm64 does where it may)
	// and every platform writes the same bytes.
	fill := func(k int, data []float32, f func(p float32) float32) {
		for i := range data {
			data[i] = f(pattern[(i+k)%len(pattern)])
		}
	}
	for k, p := range m.Params() {
		switch {
		case strings.HasSuffix(p.Name, ".gamma"):
			fill(k, p.W, func(v float32) float32 { return 1 + float32(0.2*v) })
		case len(p.Shape) == 1:
			fill(k, p.W, func(v float32) float32 { return 0.1 * v })
		default:
			scale := float32(1 / math.Sqrt(float64(len(p.W)/p.Shape[0])))
			fill(k, p.W, func(v float32) float32 { return scale * v })
		}
	}
	for k, s := range m.States() {
		if s.NonNegative {
			fill(k, s.Data, func(v float32) float32 { return 0.5 + float32(v*v) })
		} else {
			fill(k, s.Data, func(v float32) float32 { return 0.1 * v })
		}
	}
	m.Iter, m.OptG.Step, m.OptD.Step = 7, 7, 14
	return m
}

// format1Images returns the images of testdata/models/format1-paper-images.tzst:
// what m's generator makes from four noise vectors of seed 1, classes 0, 1, 1, 0.
func format1Images(t *testing.T, m *Model) []float32 {
	t.Helper()
	img, err := m.G.Generate(acgan.SeededNoise(1, 1, 4, m.Cfg.Latent), []int{0, 1, 1, 0})
	if err != nil {
		t.Fatal(err)
	}
	return img
}

func TestFormat1Fixture(t *testing.T) {
	modelPath := filepath.Join(fixtureDir, "format1-paper.bin")
	imagesPath := filepath.Join(fixtureDir, "format1-paper-images.tzst")
	made := format1Model(t)
	if *update {
		var ib bytes.Buffer
		img := tensor.NewFloat32("images", []int{4, made.Cfg.Channels, made.Cfg.Size, made.Cfg.Size}, format1Images(t, made))
		if err := tensor.WriteAll(&ib, img); err != nil {
			t.Fatal(err)
		}
		for path, data := range map[string][]byte{modelPath: save(t, made), imagesPath: ib.Bytes()} {
			if err := os.WriteFile(path, data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return
	}
	file, err := os.ReadFile(modelPath)
	if err != nil {
		t.Fatalf("%v (make it with -update)", err)
	}
	if !bytes.Equal(file, save(t, made)) {
		t.Errorf("%s is not what this code writes for the same model", modelPath)
	}
	m, err := LoadFile(modelPath)
	if err != nil {
		t.Fatal(err)
	}
	if m.Cfg != made.Cfg || m.Iter != 7 || m.EMA != nil || m.D.Twin != nil || m.Sampler() != m.G {
		t.Fatalf("loaded %+v, iteration %d, average %v, twin %v", m.Cfg, m.Iter, m.EMA != nil, m.D.Twin != nil)
	}
	if !bytes.Equal(save(t, m), file) {
		t.Errorf("%s loaded and saved gives other bytes", modelPath)
	}
	ts, err := tensor.ReadAll(mustOpen(t, imagesPath))
	if err != nil {
		t.Fatal(err)
	}
	want := ts[0].F32
	got := format1Images(t, m)
	// Equal on the machine that wrote the file; elsewhere within the
	// rounding of another matrix-multiply kernel.
	for i := range want {
		if math.Abs(float64(got[i]-want[i])) > 1e-5 {
			t.Fatalf("pixel %d: %v, the recorded image has %v", i, got[i], want[i])
		}
	}
}

func mustOpen(t *testing.T, path string) *os.File {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

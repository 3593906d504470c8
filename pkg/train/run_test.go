package train

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"acgan/pkg/acgan"
	"acgan/pkg/dataset"
	"acgan/pkg/modelfile"
)

// testData returns n MNIST-shaped images whose pixels count up, of classes
// 0, 1, …, 9, 0, ….
func testData(n int) *dataset.Set {
	d := &dataset.Set{N: n, Channels: 1, Height: 28, Width: 28, Classes: 10,
		Pixels: make([]uint8, n*784), Labels: make([]int, n)}
	for i := range d.Pixels {
		d.Pixels[i] = uint8(i)
	}
	for i := range d.Labels {
		d.Labels[i] = i % 10
	}
	return d
}

func newModel(t *testing.T, seed uint64) *modelfile.Model {
	t.Helper()
	cfg := acgan.DefaultConfig()
	cfg.Batch = 4
	m, err := modelfile.New(cfg, seed)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func saved(t *testing.T, m *modelfile.Model) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := m.Save(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// samplesFunc draws samples with a function and plots nothing.
type samplesFunc func(iter int, pix []float32) error

func (f samplesFunc) Samples(iter int, pix []float32) error { return f(iter, pix) }
func (samplesFunc) Plot([]Record) error                     { return nil }

// TestResumeAndSamples: 2 iterations, save, load, 2 more give the bytes of
// 4 unbroken iterations; sampling and logging on the way change nothing.
func TestResumeAndSamples(t *testing.T) {
	data := testData(20)
	whole := newModel(t, 5)
	var log bytes.Buffer
	samples := 0
	res, err := Run(whole, data, Options{Iters: 4, LogEvery: 3, Log: &log, SampleEvery: 2,
		Pictures: samplesFunc(func(iter int, pix []float32) error {
			samples++
			if len(pix) != 100*784 {
				t.Errorf("sample grid of %d values", len(pix))
			}
			return nil
		})})
	if err != nil {
		t.Fatal(err)
	}
	if res.Stopped || res.Last.Iter != 4 || res.Last.Iters != 1 {
		t.Errorf("result %+v", res)
	}
	if samples != 2 {
		t.Errorf("%d sample grids, want 2 (iterations 2 and 4)", samples)
	}
	if lines := strings.Count(log.String(), "\n"); lines != 2 || !strings.Contains(log.String(), `{"iter":3,"iters":3,`) {
		t.Errorf("log:\n%s", log.String())
	}

	half := newModel(t, 5)
	if _, err := Run(half, data, Options{Iters: 2}); err != nil {
		t.Fatal(err)
	}
	resumed, err := modelfile.Load(bytes.NewReader(saved(t, half)), "half")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Run(resumed, data, Options{Iters: 4}); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(saved(t, whole), saved(t, resumed)) {
		t.Fatal("2+2 iterations (resumed) differ from 4")
	}
	if _, err := Run(resumed, data, Options{Iters: 3}); err == nil {
		t.Error("-iters below the model's iteration accepted")
	}
}

func TestStop(t *testing.T) {
	stop := make(chan struct{}, 1)
	stop <- struct{}{}
	m := newModel(t, 1)
	res, err := Run(m, testData(10), Options{Iters: 5, Stop: stop})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Stopped || m.Iter != 1 || res.Last.Iter != 1 {
		t.Errorf("stopped %v at %d", res.Stopped, m.Iter)
	}
}

func TestNonFiniteKeepsCheckpoint(t *testing.T) {
	ck := filepath.Join(t.TempDir(), "ck.bin")
	m := newModel(t, 1)
	var good []byte
	// After iteration 3 a NaN appears in D's validity bias, so iteration
	// 4's losses are NaN; the checkpoint of iteration 2 must stay.
	_, err := Run(m, testData(10), Options{Iters: 6, Checkpoint: ck, CheckpointEvery: 2, SampleEvery: 1,
		Pictures: samplesFunc(func(iter int, _ []float32) error {
			switch iter {
			case 2:
				good = saved(t, m)
			case 3:
				for _, p := range m.Params() {
					if p.Name == "d.valid.b" {
						p.W[0] = float32(math.NaN())
					}
				}
			}
			return nil
		})})
	if !errors.Is(err, ErrNonFinite) || !strings.Contains(err.Error(), "no model written") ||
		!strings.Contains(err.Error(), "iteration 4") || !strings.Contains(err.Error(), "checkpoint is "+ck+" (iteration 2)") {
		t.Fatalf("got %v", err)
	}
	loaded, lerr := modelfile.LoadFile(ck)
	if lerr != nil {
		t.Fatal(lerr)
	}
	if !bytes.Equal(saved(t, loaded), good) {
		t.Error("the checkpoint is not the model of iteration 2")
	}
	var b bytes.Buffer
	if err := m.Save(&b); err == nil || !strings.Contains(err.Error(), `holds NaN`) {
		t.Errorf("saving a model holding NaN: %v", err)
	}
}

// A weight that becomes infinite while the losses stay finite (ReLU turns
// NaN into 0) is caught when the checkpoint is written, which keeps the old
// one.
func TestNonFiniteWeight(t *testing.T) {
	ck := filepath.Join(t.TempDir(), "ck.bin")
	m := newModel(t, 1)
	_, err := Run(m, testData(10), Options{Iters: 4, Checkpoint: ck, CheckpointEvery: 2, SampleEvery: 1,
		Pictures: samplesFunc(func(iter int, _ []float32) error {
			m.G.Dense.Weight.W[0] = float32(math.Inf(1))
			return nil
		})})
	if err == nil || !strings.Contains(err.Error(), "training stopped: ") || !strings.Contains(err.Error(), "no model written; no checkpoint was written before it") {
		t.Fatalf("got %v", err)
	}
	if _, err := os.Stat(ck); !os.IsNotExist(err) {
		t.Errorf("a checkpoint was written: %v", err)
	}
}

func TestSampleNoise(t *testing.T) {
	z, y := SampleNoise(3, 100, 10)
	z2, _ := SampleNoise(3, 100, 10)
	if len(z) != 100*100 || y[0] != 0 || y[10] != 1 || y[99] != 9 || z[0] != z2[0] || z[9999] != z2[9999] {
		t.Errorf("sample noise: %d values, labels %v", len(z), y)
	}
	// Fewer classes: a row each, the same first noise vectors.
	z3, y3 := SampleNoise(3, 100, 3)
	if len(z3) != 30*100 || len(y3) != 30 || y3[0] != 0 || y3[29] != 2 || z3[2999] != z[2999] {
		t.Errorf("3 classes: %d values, labels %v", len(z3), y3)
	}
	// More classes than rows: evenly spaced ones, the first and the last.
	_, y4 := SampleNoise(3, 100, 1000)
	if len(y4) != MaxSampleRows*SampleCols || y4[0] != 0 || y4[SampleCols] != 111 || y4[len(y4)-1] != 999 {
		t.Errorf("1000 classes: labels %v", y4)
	}
}

func TestSampleClasses(t *testing.T) {
	for _, c := range []struct {
		classes int
		want    string
	}{
		{2, "[0 1]"},
		{10, "[0 1 2 3 4 5 6 7 8 9]"},
		{11, "[0 1 2 3 4 5 6 7 8 10]"},
		{30, "[0 3 6 9 12 16 19 22 25 29]"},
		{1000, "[0 111 222 333 444 555 666 777 888 999]"},
	} {
		if got := fmt.Sprint(SampleClasses(c.classes)); got != c.want {
			t.Errorf("SampleClasses(%d) = %s, want %s", c.classes, got, c.want)
		}
	}
}

// TestSideOutputsFailing checks that failing side outputs (samples, log,
// checkpoint) never cost the model: each is given up with its error, and
// training ends with the bytes of a run that had none.
func TestSideOutputsFailing(t *testing.T) {
	data := testData(20)
	plain := newModel(t, 5)
	if _, err := Run(plain, data, Options{Iters: 4}); err != nil {
		t.Fatal(err)
	}
	gone := filepath.Join(t.TempDir(), "gone", "ckpt.bin") // a folder that does not exist
	samples := 0
	m := newModel(t, 5)
	res, err := Run(m, data, Options{Iters: 4, LogEvery: 1, Log: failingWriter{}, SampleEvery: 1,
		Pictures: samplesFunc(func(int, []float32) error {
			samples++
			return errors.New("disk full")
		}),
		Checkpoint: gone, CheckpointEvery: 2})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if m.Iter != 4 || samples != 1 {
		t.Errorf("iteration %d, %d sample calls; want 4 and 1 (given up after the first failure)", m.Iter, samples)
	}
	var got []string
	for _, e := range res.Failed {
		got = append(got, e.Error())
	}
	all := strings.Join(got, "\n")
	for _, want := range []string{"the log failed at iteration 1", "the samples failed at iteration 1: disk full", "the checkpoint failed at iteration 2"} {
		if !strings.Contains(all, want) {
			t.Errorf("Failed does not say %q:\n%s", want, all)
		}
	}
	if len(res.Failed) != 3 {
		t.Errorf("%d failures reported, want 3:\n%s", len(res.Failed), all)
	}
	if !bytes.Equal(saved(t, m), saved(t, plain)) {
		t.Error("failing side outputs changed the model")
	}
}

// failingWriter fails every write, as a full disk does.
type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("no space left on device") }

// plotFails draws samples but fails every plot.
type plotFails struct{ plots *int }

func (plotFails) Samples(int, []float32) error { return nil }
func (p plotFails) Plot(recs []Record) error {
	*p.plots++
	return errors.New("plot broken")
}

// TestPlotDuringRun: the records so far are plotted with every sample grid
// but the last (the caller plots once the model is safe); a failing plot is
// given up like any side output.
func TestPlotDuringRun(t *testing.T) {
	plots := 0
	res, err := Run(newModel(t, 5), testData(10), Options{Iters: 4, LogEvery: 1, SampleEvery: 1,
		History: []Record{{Iter: 0}}, Pictures: plotFails{&plots}})
	if err != nil {
		t.Fatal(err)
	}
	if plots != 1 || len(res.Failed) != 1 || !strings.Contains(res.Failed[0].Error(), "the plot failed at iteration 1: plot broken") {
		t.Errorf("%d plots, failed %v; want 1 plot given up at iteration 1", plots, res.Failed)
	}
	if len(res.Records) != 5 {
		t.Errorf("%d records, want the history's 1 and 4 of the run", len(res.Records))
	}
}

package modelfile

import (
	"bytes"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"acgan/pkg/acgan"
	"acgan/pkg/tensor"
)

// newConfigs are configurations with the twin head, the average, or both,
// and with a generator class weight, label smoothing, a minibatch
// standard deviation layer, the concat conditioning or a wider
// discriminator.
func newConfigs() []acgan.Config {
	var cs []acgan.Config
	for _, c := range []struct {
		obj                   acgan.Objective
		weight, ema           float32
		classWeight, smoothed float32
		mbstd                 int
		modeSeeking           float32
		cond                  acgan.Conditioning
	}{
		{acgan.TAC, 1, 0, 1, 0, 0, 0, acgan.Multiply},
		{acgan.TAC, 0.25, 0.999, 1, 0, 0, 0, acgan.Multiply},
		{acgan.FakeClass, 0, 0.99, 1, 0, 0, 0, acgan.Multiply},
		{acgan.Paper, 0, 0.5, 1, 0, 0, 0, acgan.Multiply},
		{acgan.FakeClass, 0, 0, 0.5, 0, 0, 0, acgan.Multiply},
		{acgan.TAC, 0.75, 0.999, 0.25, 0.1, 0, 0, acgan.Multiply},
		{acgan.TAC, 1, 0.999, 1, 0, 0, 1, acgan.Multiply},
		{acgan.FakeClass, 0, 0, 1, 0, 0, 0.5, acgan.Multiply},
		{acgan.FakeClass, 0, 0.999, 1, 0, 0, 1, acgan.Concat},
		{acgan.TAC, 1, 0.999, 1, 0, 2, 0, acgan.Multiply},
		{acgan.FakeClass, 0, 0, 1, 0, 4, 0, acgan.Multiply}, // last: TestLoadErrorsTACAndEMA's minibatch_stddev model (then the wider one)
	} {
		cfg := acgan.DefaultConfig()
		cfg.Objective, cfg.TACWeight, cfg.EMA, cfg.Batch = c.obj, c.weight, c.ema, 4
		cfg.GenClassWeight, cfg.LabelSmoothing, cfg.MinibatchStdDev = c.classWeight, c.smoothed, c.mbstd
		cfg.ModeSeeking, cfg.Conditioning = c.modeSeeking, c.cond
		cs = append(cs, cfg)
	}
	wide := cs[len(cs)-1] // the minibatch_stddev model, twice as wide
	wide.DWidth = 2
	return append(cs, wide)
}

// trainedWith returns a model of cfg after n training steps on random data.
func trainedWith(t *testing.T, cfg acgan.Config, n int, data *rand.Rand) *Model {
	t.Helper()
	m, err := New(cfg, 42)
	if err != nil {
		t.Fatal(err)
	}
	steps(t, m, n, data)
	return m
}

func steps(t *testing.T, m *Model, n int, data *rand.Rand) {
	t.Helper()
	for range n {
		x, y := batch(data, m.Cfg.Batch)
		if _, err := m.Step(x, y); err != nil {
			t.Fatal(err)
		}
	}
}

// TestRoundTripTACAndEMA: a model with a twin head or an average saves
// the same bytes twice, loads with its configuration, saves those bytes
// again, and has the header entries and records docs/model.md gives.
func TestRoundTripTACAndEMA(t *testing.T) {
	for _, cfg := range newConfigs() {
		m := trainedWith(t, cfg, 2, rand.New(rand.NewPCG(1, 2)))
		a := save(t, m)
		if b := save(t, m); !bytes.Equal(a, b) {
			t.Fatalf("%+v: two saves of one model differ", cfg)
		}
		l, err := Load(bytes.NewReader(a), "model.bin")
		if err != nil {
			t.Fatalf("%+v: %v", cfg, err)
		}
		if l.Cfg != m.Cfg || l.Iter != 2 {
			t.Fatalf("loaded config %+v iter %d, want %+v", l.Cfg, l.Iter, m.Cfg)
		}
		if b := save(t, l); !bytes.Equal(a, b) {
			t.Fatalf("%+v: a loaded model saves to different bytes", cfg)
		}
		ts := records(t, a)
		h := ts[0].Meta
		if _, ok := h["tac_weight"]; ok != (cfg.Objective == acgan.TAC) {
			t.Errorf("%+v: tac_weight entry %v", cfg, ok)
		}
		if _, ok := h["ema_decay"]; ok != (cfg.EMA > 0) {
			t.Errorf("%+v: ema_decay entry %v", cfg, ok)
		}
		if _, ok := h["gen_class_weight"]; ok != (cfg.GenClassWeight != 1) {
			t.Errorf("%+v: gen_class_weight entry %v", cfg, ok)
		}
		if _, ok := h["label_smoothing"]; ok != (cfg.LabelSmoothing != 0) {
			t.Errorf("%+v: label_smoothing entry %v", cfg, ok)
		}
		if _, ok := h["minibatch_stddev"]; ok != (cfg.MinibatchStdDev != 0) {
			t.Errorf("%+v: minibatch_stddev entry %v", cfg, ok)
		}
		if _, ok := h["mode_seeking"]; ok != (cfg.ModeSeeking != 0) {
			t.Errorf("%+v: mode_seeking entry %v", cfg, ok)
		}
		if v, ok := h["d_width"]; ok != (cfg.DWidth != 1) || ok && v != strconv.Itoa(cfg.DWidth) {
			t.Errorf("%+v: d_width entry %q, %v", cfg, v, ok)
		}
		if v, ok := h["conditioning"]; ok != (cfg.Conditioning != acgan.Multiply) || ok && v != "concat" {
			t.Errorf("%+v: conditioning entry %q, %v", cfg, v, ok)
		}
		if h["format"] != "1" {
			t.Errorf("%+v: format %s", cfg, h["format"])
		}
		names := map[string]bool{}
		for _, r := range ts {
			names[r.Name] = true
		}
		if names["d.twin.w"] != (cfg.Objective == acgan.TAC) || names["ema.g.dense.w"] != (cfg.EMA > 0) || names["ema.g.bn2.moving_var"] != (cfg.EMA > 0) {
			t.Errorf("%+v: records d.twin.w %v, ema.g.dense.w %v", cfg, names["d.twin.w"], names["ema.g.dense.w"])
		}
		if ts[len(ts)-1].Name != RNGName {
			t.Errorf("%+v: the last record is %q", cfg, ts[len(ts)-1].Name)
		}
	}
}

// TestResumeTACAndEMA: 2 iterations, saved, loaded and 2 more give the
// bytes of 4 straight (the average and the twin head included).
func TestResumeTACAndEMA(t *testing.T) {
	for _, cfg := range newConfigs() {
		straight := trainedWith(t, cfg, 4, rand.New(rand.NewPCG(5, 6)))
		data := rand.New(rand.NewPCG(5, 6))
		first := trainedWith(t, cfg, 2, data)
		resumed, err := Load(bytes.NewReader(save(t, first)), "half.bin")
		if err != nil {
			t.Fatal(err)
		}
		steps(t, resumed, 2, data)
		if !bytes.Equal(save(t, straight), save(t, resumed)) {
			t.Errorf("%+v: 2 + 2 iterations differ from 4", cfg)
		}
	}
}

func TestLoadErrorsTACAndEMA(t *testing.T) {
	tac, ema := newConfigs()[0], newConfigs()[2]
	goodTAC := save(t, trainedWith(t, tac, 1, rand.New(rand.NewPCG(1, 1))))
	goodEMA := save(t, trainedWith(t, ema, 1, rand.New(rand.NewPCG(1, 1))))
	goodPlain := save(t, trained(t, acgan.Paper))
	goodMBStd := save(t, trainedWith(t, newConfigs()[len(newConfigs())-2], 1, rand.New(rand.NewPCG(1, 1))))
	goodWide := save(t, trainedWith(t, newConfigs()[len(newConfigs())-1], 1, rand.New(rand.NewPCG(1, 1))))
	concat := acgan.DefaultConfig()
	concat.Conditioning, concat.Batch = acgan.Concat, 4
	goodConcat := save(t, trainedWith(t, concat, 1, rand.New(rand.NewPCG(1, 1))))
	edit := func(good []byte, f func(ts []*tensor.Tensor) []*tensor.Tensor) []byte {
		return encode(t, f(records(t, good)))
	}
	without := func(ts []*tensor.Tensor, prefix string) []*tensor.Tensor {
		var out []*tensor.Tensor
		for _, r := range ts {
			if !strings.HasPrefix(r.Name, prefix) {
				out = append(out, r)
			}
		}
		return out
	}
	for _, c := range []struct {
		name string
		in   []byte
		want string
	}{
		{"tac without tac_weight", edit(goodTAC, func(ts []*tensor.Tensor) []*tensor.Tensor { delete(ts[0].Meta, "tac_weight"); return ts }),
			`model.bin: header has no "tac_weight" entry`},
		{"tac_weight not a number", edit(goodTAC, func(ts []*tensor.Tensor) []*tensor.Tensor { ts[0].SetMeta("tac_weight", "x"); return ts }),
			`model.bin: header entry tac_weight="x" is not a number`},
		{"tac_weight out of range", edit(goodTAC, func(ts []*tensor.Tensor) []*tensor.Tensor { ts[0].SetMeta("tac_weight", "-1"); return ts }),
			`model.bin: header: acgan: config: twin loss weight -1 out of range [0, 100]`},
		{"tac_weight on paper", edit(goodPlain, func(ts []*tensor.Tensor) []*tensor.Tensor { ts[0].SetMeta("tac_weight", "1"); return ts }),
			`model.bin: header entry tac_weight="1" is for objective tac, not paper`},
		{"twin head on paper", edit(goodTAC, func(ts []*tensor.Tensor) []*tensor.Tensor {
			ts[0].SetMeta("objective", "paper")
			delete(ts[0].Meta, "tac_weight")
			return ts
		}), `model.bin: unexpected tensor "d.twin.w" (not part of a paper model with latent 100)`},
		{"tac without its twin", edit(goodTAC, func(ts []*tensor.Tensor) []*tensor.Tensor {
			return without(without(ts, "d.twin."), "adam.m.d.twin.")
		}), `model.bin: truncated (`},
		{"ema_decay out of range", edit(goodEMA, func(ts []*tensor.Tensor) []*tensor.Tensor { ts[0].SetMeta("ema_decay", "1"); return ts }),
			`model.bin: header entry ema_decay="1" is not a number in (0, 1)`},
		{"ema_decay 0", edit(goodEMA, func(ts []*tensor.Tensor) []*tensor.Tensor { ts[0].SetMeta("ema_decay", "0"); return ts }),
			`model.bin: header entry ema_decay="0" is not a number in (0, 1)`},
		{"average without ema_decay", edit(goodEMA, func(ts []*tensor.Tensor) []*tensor.Tensor { delete(ts[0].Meta, "ema_decay"); return ts }),
			`model.bin: unexpected tensor "ema.g.embed" (not part of a fakeclass model with latent 100 and no ema_decay)`},
		{"gen_class_weight not a number", edit(goodPlain, func(ts []*tensor.Tensor) []*tensor.Tensor { ts[0].SetMeta("gen_class_weight", "NaN"); return ts }),
			`model.bin: header: acgan: config: generator class loss weight NaN out of range [0, 100]`},
		{"label_smoothing out of range", edit(goodPlain, func(ts []*tensor.Tensor) []*tensor.Tensor { ts[0].SetMeta("label_smoothing", "0.7"); return ts }),
			`model.bin: header: acgan: config: label smoothing 0.7 out of range [0, 0.5]`},
		{"label_smoothing not a number", edit(goodPlain, func(ts []*tensor.Tensor) []*tensor.Tensor { ts[0].SetMeta("label_smoothing", "x"); return ts }),
			`model.bin: header entry label_smoothing="x" is not a number`},
		{"mode_seeking out of range", edit(goodPlain, func(ts []*tensor.Tensor) []*tensor.Tensor { ts[0].SetMeta("mode_seeking", "-0.5"); return ts }),
			`model.bin: header: acgan: config: mode-seeking weight -0.5 out of range [0, 100]`},
		{"mode_seeking not a number", edit(goodPlain, func(ts []*tensor.Tensor) []*tensor.Tensor { ts[0].SetMeta("mode_seeking", "x"); return ts }),
			`model.bin: header entry mode_seeking="x" is not a number`},
		{"minibatch_stddev not a number", edit(goodMBStd, func(ts []*tensor.Tensor) []*tensor.Tensor { ts[0].SetMeta("minibatch_stddev", "x"); return ts }),
			`model.bin: header entry minibatch_stddev="x" is not an integer in [1, 4096]`},
		{"minibatch_stddev 0", edit(goodMBStd, func(ts []*tensor.Tensor) []*tensor.Tensor { ts[0].SetMeta("minibatch_stddev", "0"); return ts }),
			`model.bin: header entry minibatch_stddev="0" is not an integer in [1, 4096]`},
		{"minibatch_stddev dropped", edit(goodMBStd, func(ts []*tensor.Tensor) []*tensor.Tensor { delete(ts[0].Meta, "minibatch_stddev"); return ts }),
			`model.bin: tensor "d.conv4.w" is float32 128x65x3x3; want float32 128x64x3x3`},
		{"minibatch_stddev added", edit(goodPlain, func(ts []*tensor.Tensor) []*tensor.Tensor { ts[0].SetMeta("minibatch_stddev", "4"); return ts }),
			`model.bin: tensor "d.conv4.w" is float32 128x64x3x3; want float32 128x65x3x3`},
		{"d_width 1", edit(goodWide, func(ts []*tensor.Tensor) []*tensor.Tensor { ts[0].SetMeta("d_width", "1"); return ts }),
			`model.bin: header entry d_width="1" is not an integer in [2, 8]`},
		{"d_width too wide", edit(goodWide, func(ts []*tensor.Tensor) []*tensor.Tensor { ts[0].SetMeta("d_width", "9"); return ts }),
			`model.bin: header entry d_width="9" is not an integer in [2, 8]`},
		{"d_width dropped", edit(goodWide, func(ts []*tensor.Tensor) []*tensor.Tensor { delete(ts[0].Meta, "d_width"); return ts }),
			`model.bin: tensor "d.conv1.w" is float32 32x1x3x3; want float32 16x1x3x3`},
		{"d_width added", edit(goodMBStd, func(ts []*tensor.Tensor) []*tensor.Tensor { ts[0].SetMeta("d_width", "2"); return ts }),
			`model.bin: tensor "d.conv1.w" is float32 16x1x3x3; want float32 32x1x3x3`},
		{"conditioning unknown", edit(goodConcat, func(ts []*tensor.Tensor) []*tensor.Tensor { ts[0].SetMeta("conditioning", "add"); return ts }),
			`model.bin: header entry conditioning="add" is not multiply or concat`},
		{"conditioning dropped", edit(goodConcat, func(ts []*tensor.Tensor) []*tensor.Tensor { delete(ts[0].Meta, "conditioning"); return ts }),
			`model.bin: tensor stream: record 2 "g.dense.w": shape 6272x200 has more than the limit of 627200 elements, larger than any tensor of the model the header describes`},
		{"conditioning added", edit(goodPlain, func(ts []*tensor.Tensor) []*tensor.Tensor { ts[0].SetMeta("conditioning", "concat"); return ts }),
			`model.bin: tensor "g.dense.w" is float32 6272x100; want float32 6272x200`},
		{"ema_decay without the average", edit(goodEMA, func(ts []*tensor.Tensor) []*tensor.Tensor { return without(ts, "ema.") }),
			`model.bin: truncated (21 of `},
		{"negative averaged variance", edit(goodEMA, func(ts []*tensor.Tensor) []*tensor.Tensor {
			setNamed(t, ts, "ema.g.bn2.moving_var", 1, -2)
			return ts
		}), `tensor "ema.g.bn2.moving_var" holds -2 at index 1, but a variance is never negative`},
	} {
		_, err := Load(bytes.NewReader(c.in), "model.bin")
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want an error containing %q", c.name, err, c.want)
		}
	}
}

package acgan

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestLossGradients checks the gradients Trainer.losses leaves in dvalid,
// dlabel and dtwin against central differences of the total loss it
// returns, for every combination of heads the steps use: the validity
// and class losses (every objective), the twin's loss in the
// discriminator's step on generated images (weight 1, class head without
// a loss), and the generator's TAC loss (the twin's loss subtracted,
// weight w), with a class weight λ (Config.GenClassWeight) and soft
// validity targets (Config.LabelSmoothing). A head without a loss must get
// a zero gradient.
func TestLossGradients(t *testing.T) {
	const B = 3
	for _, c := range []struct {
		name         string
		obj          Objective
		class, twin  bool
		classWeight  float32
		weight       float32
		wantTwinHead bool
		realTarget   float32
	}{
		{"fakeclass", FakeClass, true, false, 1, 1, false, 1},
		{"paper", Paper, true, false, 1, 1, false, 1},
		{"tac, D on real", TAC, true, false, 1, 1, true, 1},
		{"tac, D on generated", TAC, false, true, 1, 1, true, 1},
		{"tac, G", TAC, true, true, 1, -1.5, true, 1},
		{"tac, G, weight 0", TAC, true, true, 1, 0, true, 1},
		{"fakeclass, G, class weight 0.3", FakeClass, true, false, 0.3, 1, false, 1},
		{"tac, G, class weight 0.5", TAC, true, true, 0.5, -0.75, true, 1},
		{"fakeclass, D on real, smoothed 0.9", FakeClass, true, false, 1, 1, false, 0.9},
	} {
		cfg := smallConfig(c.obj)
		if c.obj == TAC {
			cfg.TACWeight = 1
		}
		tr, err := NewTrainer(cfg, 1)
		if err != nil {
			t.Fatal(err)
		}
		r := rand.New(rand.NewPCG(8, 8))
		K, C := cfg.HeadClasses(), cfg.Classes
		v, l := randNormal(r, B), randNormal(r, B*K)
		var tw []float32
		if c.wantTwinHead {
			tw = randNormal(r, B*C)
		}
		valid := []float32{c.realTarget, 0, c.realTarget}
		labels := []int{2, 7, 0}
		var class, twin []int
		if c.class {
			class = labels
		}
		if c.twin {
			twin = []int{4, 7, 9}
		}
		total := func() float64 { return tr.losses(v, l, tw, valid, class, twin, c.classWeight, c.weight).Total }
		ls := tr.losses(v, l, tw, valid, class, twin, c.classWeight, c.weight)
		if want := ls.BCE + float64(c.classWeight)*ls.CCE + float64(c.weight)*ls.Twin; math.Abs(ls.Total-want) > 1e-12 {
			t.Errorf("%s: total %v, want BCE + λ·CCE + w·Twin = %v", c.name, ls.Total, want)
		}
		if (ls.CCE != 0) != c.class || (ls.Twin != 0) != c.twin {
			t.Errorf("%s: losses %+v: a class loss %v, a twin loss %v wanted", c.name, ls, c.class, c.twin)
		}
		if (tr.dtwin != nil) != c.wantTwinHead {
			t.Errorf("%s: twin gradient %v with a twin head %v", c.name, tr.dtwin != nil, c.wantTwinHead)
		}
		for _, x := range []struct {
			name   string
			logits []float32
			grad   []float32
			used   bool
		}{
			{"validity", v, slices.Clone(tr.dvalid), true},
			{"class", l, slices.Clone(tr.dlabel), c.class},
			{"twin", tw, slices.Clone(tr.dtwin), c.twin && c.weight != 0},
		} {
			what := fmt.Sprintf("%s: d/d%s", c.name, x.name)
			if !x.used {
				for i, g := range x.grad {
					if g != 0 {
						t.Errorf("%s[%d] = %v, want 0 (no loss on that head)", what, i, g)
						break
					}
				}
				continue
			}
			var num2, diff2 float64
			const h = 1e-2
			for i := range x.logits {
				orig := x.logits[i]
				x.logits[i] = orig + h
				xp, lp := float64(x.logits[i]), total()
				x.logits[i] = orig - h
				xm, lm := float64(x.logits[i]), total()
				x.logits[i] = orig
				num := (lp - lm) / (xp - xm)
				num2 += num * num
				d := num - float64(x.grad[i])
				diff2 += d * d
			}
			if !(math.Sqrt(diff2) <= 1e-3*math.Sqrt(num2)+1e-9) {
				t.Errorf("%s: ‖numeric − analytic‖ = %.3g, ‖numeric‖ = %.3g", what, math.Sqrt(diff2), math.Sqrt(num2))
			}
		}
	}
}

// TestTACStep checks what a TAC iteration trains: the twin head exists
// only with TAC and is 10-way; the discriminator's last step (on the
// generated batch) gives the class head no gradient and the twin one, and
// the real step the reverse; the generator's loss subtracts the twin's.
func TestTACStep(t *testing.T) {
	for _, obj := range []Objective{FakeClass, Paper} {
		tr, _ := NewTrainer(smallConfig(obj), 1)
		if tr.D.Twin != nil {
			t.Errorf("%v: a twin head", obj)
		}
	}
	cfg := smallConfig(TAC)
	cfg.TACWeight = 0.5
	tr, err := NewTrainer(cfg, 2)
	if err != nil {
		t.Fatal(err)
	}
	if tr.D.Twin == nil || tr.D.Twin.Out != 10 || tr.D.K != 10 {
		t.Fatalf("tac: class head %d-way, twin %v", tr.D.K, tr.D.Twin)
	}
	data := rand.New(rand.NewPCG(3, 3))
	x, y := fakeBatch(data, 4)
	st, err := tr.Step(x, y)
	if err != nil {
		t.Fatal(err)
	}
	zero := func(g []float32) bool { return !slices.ContainsFunc(g, func(v float32) bool { return v != 0 }) }
	// The generator's step leaves the frozen discriminator's gradients
	// alone: they are those of the step on generated images.
	if !zero(tr.D.Label.Weight.G) || !zero(tr.D.Label.Bias.G) {
		t.Error("the class head has a gradient from the step on generated images")
	}
	if zero(tr.D.Twin.Weight.G) || zero(tr.D.Twin.Bias.G) {
		t.Error("the twin head has no gradient from the step on generated images")
	}
	if st.DFake.CCE != 0 || st.DFake.Twin == 0 || st.DReal.Twin != 0 || st.DReal.CCE == 0 {
		t.Errorf("discriminator losses real %+v, generated %+v", st.DReal, st.DFake)
	}
	if want := st.G.BCE + st.G.CCE - 0.5*st.G.Twin; math.Abs(st.G.Total-want) > 1e-12 || st.G.Twin == 0 {
		t.Errorf("generator losses %+v, want a total of BCE + CCE − 0.5·Twin = %v", st.G, want)
	}
	if st.GLoss != st.G.Total {
		t.Errorf("GLoss %v, G.Total %v", st.GLoss, st.G.Total)
	}

	// The real step alone: the twin gets a zero gradient, the class head one.
	tr.dStep(x, 4, tr.ones, y, nil, y)
	if zero(tr.D.Label.Weight.G) || !zero(tr.D.Twin.Weight.G) || !zero(tr.D.Twin.Bias.G) {
		t.Error("on the real batch the class head must have a gradient and the twin none")
	}
}

// TestStepDeterministicTACAndEMA: the same seed gives the same weights and
// averages with the new objective and the average.
func TestStepDeterministicTACAndEMA(t *testing.T) {
	cfg := smallConfig(TAC)
	cfg.TACWeight, cfg.EMA = 1, 0.99
	run := func() *Trainer {
		tr, err := NewTrainer(cfg, 7)
		if err != nil {
			t.Fatal(err)
		}
		data := rand.New(rand.NewPCG(1, 1))
		for range 2 {
			x, y := fakeBatch(data, 4)
			if _, err := tr.Step(x, y); err != nil {
				t.Fatal(err)
			}
		}
		return tr
	}
	a, b := run(), run()
	sa, sb := a.States(), b.States()
	for i := range sa {
		if !slices.Equal(sa[i].Data, sb[i].Data) {
			t.Fatalf("%s differs between two runs with the same seed", sa[i].Name)
		}
	}
	pa, pb := a.Params(), b.Params()
	for i := range pa {
		if !slices.Equal(pa[i].W, pb[i].W) {
			t.Fatalf("%s differs between two runs with the same seed", pa[i].Name)
		}
	}
}

func TestConfigValidateTACAndEMA(t *testing.T) {
	for _, c := range []struct {
		obj       Objective
		weight    float32
		ema       float32
		wantError bool
	}{
		{TAC, 1, 0, false},
		{TAC, 0, 0, false},
		{TAC, MaxTACWeight, 0.999, false},
		{TAC, -1, 0, true},
		{TAC, MaxTACWeight + 1, 0, true},
		{TAC, float32(math.NaN()), 0, true},
		{Paper, 1, 0, true}, // a weight is for tac only
		{FakeClass, 0, 0.5, false},
		{FakeClass, 0, 1, true},
		{FakeClass, 0, -0.1, true},
		{FakeClass, 0, float32(math.NaN()), true},
	} {
		cfg := DefaultConfig()
		cfg.Objective, cfg.TACWeight, cfg.EMA = c.obj, c.weight, c.ema
		if err := cfg.Validate(); (err != nil) != c.wantError {
			t.Errorf("%v weight %v EMA %v: error %v, want one: %v", c.obj, c.weight, c.ema, err, c.wantError)
		}
	}
	if o, err := ParseObjective("tac"); err != nil || o != TAC || o.String() != "tac" {
		t.Errorf("tac: %v %v", o, err)
	}
}

// TestParamOrderTACAndEMA pins where the twin head and the average sit in
// the model file's order (docs/model.md): the twin after the class head,
// the average after the Adam moments, its parameters then its statistics.
func TestParamOrderTACAndEMA(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Objective, cfg.TACWeight, cfg.EMA = TAC, 1, 0.999
	tr, err := NewTrainer(cfg, 1)
	if err != nil {
		t.Fatal(err)
	}
	var params, states []string
	for _, p := range tr.Params() {
		params = append(params, p.Name)
	}
	for _, s := range tr.States() {
		states = append(states, s.Name)
	}
	if got := params[len(params)-4:]; !slices.Equal(got, []string{"d.label.w", "d.label.b", "d.twin.w", "d.twin.b"}) {
		t.Errorf("last parameters %q", got)
	}
	if n := len(params); n != 33 {
		t.Errorf("%d parameters, want 33", n)
	}
	// 10 statistics, 2×33 moments, then the average: 15 parameters and 6 statistics.
	wantEMA := []string{
		"ema.g.embed", "ema.g.dense.w", "ema.g.dense.b", "ema.g.bn0.gamma", "ema.g.bn0.beta",
		"ema.g.conv1.w", "ema.g.conv1.b", "ema.g.bn1.gamma", "ema.g.bn1.beta",
		"ema.g.conv2.w", "ema.g.conv2.b", "ema.g.bn2.gamma", "ema.g.bn2.beta", "ema.g.conv3.w", "ema.g.conv3.b",
		"ema.g.bn0.moving_mean", "ema.g.bn0.moving_var", "ema.g.bn1.moving_mean", "ema.g.bn1.moving_var",
		"ema.g.bn2.moving_mean", "ema.g.bn2.moving_var",
	}
	if len(states) != 10+66+len(wantEMA) {
		t.Fatalf("%d states", len(states))
	}
	if got := states[76:]; !slices.Equal(got, wantEMA) {
		t.Errorf("average's states\n%q\nwant\n%q", got, wantEMA)
	}
	if got := states[74:76]; !slices.Equal(got, []string{"adam.m.d.twin.b", "adam.v.d.twin.b"}) {
		t.Errorf("last moments %q", got)
	}
	for _, s := range tr.States() {
		if nonNeg := s.Name == "ema.g.bn0.moving_var" || s.Name == "ema.g.bn1.moving_var" || s.Name == "ema.g.bn2.moving_var"; nonNeg && !s.NonNegative {
			t.Errorf("%s may be negative", s.Name)
		}
	}
}

// The whole generator and discriminator against float64 twins built from
// acgan/pkg/nn/nnref: forward, backward, every parameter gradient, dx and
// the batch-norm moving statistics, in training mode (with dropout),
// inference mode and frozen, at batch 1 and more. The twins below spell
// out the Keras program's architecture with their own numbers, so a change
// to the networks is checked by changing the twin and running go test;
// the parity test (parity_test.go) checks the twins' architecture against
// the Keras program itself.
//
// Errors are max|got − want| / max|want| per tensor (as in pkg/nn's
// reference tests), held to tolNet = 2e-4: a float32 network of a dozen
// layers, with sums of up to 2048 products and batch norm in between. The
// worst seen is 3e-5 (the generator in inference mode: its image and the
// embedding's gradient), 5e-6 in training mode, 4e-6 for the
// discriminator.

package acgan

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"acgan/pkg/nn"
	"acgan/pkg/nn/nnref"
)

const tolNet = 2e-4

func f64(x []float32) []float64 {
	y := make([]float64, len(x))
	for i, v := range x {
		y[i] = float64(v)
	}
	return y
}

// netErr is max|got − want| / max|want|, or max|got| if want is all zero.
func netErr(got []float32, want []float64) float64 {
	var d, w float64
	for i, v := range want {
		d = max(d, math.Abs(float64(got[i])-v))
		w = max(w, math.Abs(v))
	}
	if math.IsNaN(d) {
		return math.NaN()
	}
	if w == 0 {
		return d
	}
	return d / w
}

func matchNet(t *testing.T, what string, got []float32, want []float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: %d values, reference %d", what, len(got), len(want))
		return
	}
	if e := netErr(got, want); !(e <= tolNet) {
		t.Errorf("%s: relative error %.3g > %g", what, e, tolNet)
	}
}

// refNet is a network's parameters and batch-norm statistics in float64,
// by name, and what a twin computes: the gradients of the parameters and
// the moving statistics after its forward pass.
type refNet struct {
	w, mov map[string][]float64
	grad   map[string][]float64
}

func newRefNet(ps []*nn.Param, ss []*nn.State) *refNet {
	n := &refNet{w: map[string][]float64{}, mov: map[string][]float64{}, grad: map[string][]float64{}}
	for _, p := range ps {
		n.w[p.Name] = f64(p.W)
	}
	for _, s := range ss {
		n.mov[s.Name] = f64(s.Data)
	}
	return n
}

// bnForward is batch norm name over c channels: batch statistics (and
// the moving ones updated unless frozen) if training, else the moving ones.
func (n *refNet) bnForward(name string, c int, x []float64, B, hw int, training, frozen bool) []float64 {
	l := nnref.BatchNorm{C: c, Eps: 1e-3, Momentum: 0.8}
	g, b := n.w[name+".gamma"], n.w[name+".beta"]
	mm, mv := n.mov[name+".moving_mean"], n.mov[name+".moving_var"]
	if !training {
		return l.Infer(x, B, hw, g, b, mm, mv)
	}
	y, nm, nv := l.Train(x, B, hw, g, b, mm, mv)
	if !frozen {
		n.mov[name+".moving_mean"], n.mov[name+".moving_var"] = nm, nv
	}
	return y
}

// bnBackward returns dx for dy of bnForward and records dγ, dβ. It must
// run before the forward's moving statistics are needed again: in
// inference it reads them.
func (n *refNet) bnBackward(name string, c int, x []float64, B, hw int, training bool, dy []float64) []float64 {
	l := nnref.BatchNorm{C: c, Eps: 1e-3, Momentum: 0.8}
	var dx, dg, db []float64
	if training {
		dx, dg, db = l.TrainBackward(x, B, hw, n.w[name+".gamma"], dy)
	} else {
		dx, dg, db = l.InferBackward(x, B, hw, n.w[name+".gamma"], n.mov[name+".moving_mean"], n.mov[name+".moving_var"], dy)
	}
	n.grad[name+".gamma"], n.grad[name+".beta"] = dg, db
	return dx
}

func (n *refNet) convForward(name string, c nnref.Conv, x []float64, B, h, w int) ([]float64, int, int) {
	return c.Forward(x, B, h, w, n.w[name+".w"], n.w[name+".b"])
}

func (n *refNet) convBackward(name string, c nnref.Conv, x []float64, B, h, w int, dy []float64) []float64 {
	dx, dw, db := c.Backward(x, B, h, w, n.w[name+".w"], dy)
	n.grad[name+".w"], n.grad[name+".b"] = dw, db
	return dx
}

func (n *refNet) denseForward(name string, l nnref.Dense, x []float64, B int) []float64 {
	return l.Forward(x, B, n.w[name+".w"], n.w[name+".b"])
}

func (n *refNet) denseBackward(name string, l nnref.Dense, x []float64, B int, dy []float64) []float64 {
	dx, dw, db := l.Backward(x, B, n.w[name+".w"], dy)
	n.grad[name+".w"], n.grad[name+".b"] = dw, db
	return dx
}

// refDiscriminator is the discriminator (see discriminator.go) in float64:
// forward on x [B, ch, S, S] (geometry g), with dropout's keep masks if
// training (nil for a rate of 0), then backward from dvalid [B], dlabel
// [B, K] and, with a twin head of C > 0 classes, dtwin [B, C]; with mbstd
// > 0, the minibatch standard deviation layer over groups of mbstd images
// before conv4; the convs have m times the Keras program's channels.
func refDiscriminator(n *refNet, x []float64, B, K, C, mbstd, m int, g geometry, training, frozen bool, keep [4][]bool, rate float64, dvalid, dlabel, dtwin []float64) (valid, label, twin, dx []float64) {
	const alpha = 0.2
	S := g.size
	ch1, ch2, ch3, ch4 := 16*m, 32*m, 64*m, 128*m
	conv1 := nnref.Conv{Cin: g.channels, Cout: ch1, K: 3, S: 2, Pad: nnref.Same}
	conv2 := nnref.Conv{Cin: ch1, Cout: ch2, K: 3, S: 2, Pad: nnref.Same}
	conv3 := nnref.Conv{Cin: ch2, Cout: ch3, K: 3, S: 2, Pad: nnref.Same}
	conv4 := nnref.Conv{Cin: ch3, Cout: ch4, K: 3, S: 1, Pad: nnref.Same}
	if mbstd > 0 {
		conv4.Cin++
	}
	drop := func(i int, h []float64) []float64 {
		if !training || keep[i] == nil {
			return h
		}
		return nnref.Dropout(h, keep[i], rate)
	}

	// forward
	c1, h1, w1 := n.convForward("d.conv1", conv1, x, B, S, S)
	a1 := drop(0, nnref.LeakyReLU(c1, alpha))
	c2, h2, w2 := n.convForward("d.conv2", conv2, a1, B, h1, w1)
	pad := h2 % 2 // an odd side is padded to an even one, bottom and right
	p2 := nnref.ZeroPad(c2, B*ch2, h2, w2, 0, pad, 0, pad)
	l2 := drop(1, nnref.LeakyReLU(p2, alpha))
	a2 := n.bnForward("d.bn2", ch2, l2, B, (h2+pad)*(w2+pad), training, frozen)
	c3, h3, w3 := n.convForward("d.conv3", conv3, a2, B, h2+pad, w2+pad)
	l3 := drop(2, nnref.LeakyReLU(c3, alpha))
	a3 := n.bnForward("d.bn3", ch3, l3, B, h3*w3, training, frozen)
	m3 := a3
	if mbstd > 0 {
		m3 = nnref.MinibatchStdDev(a3, B, ch3, h3*w3, mbstd)
	}
	c4, h4, w4 := n.convForward("d.conv4", conv4, m3, B, h3, w3)
	f := drop(3, nnref.LeakyReLU(c4, alpha))
	vl, ll := nnref.Dense{In: ch4 * h4 * w4, Out: 1}, nnref.Dense{In: ch4 * h4 * w4, Out: K}
	tl := nnref.Dense{In: ch4 * h4 * w4, Out: C}
	valid = n.denseForward("d.valid", vl, f, B)
	label = n.denseForward("d.label", ll, f, B)
	if C > 0 {
		twin = n.denseForward("d.twin", tl, f, B)
	}

	// backward
	df := n.denseBackward("d.valid", vl, f, B, dvalid)
	dfl := n.denseBackward("d.label", ll, f, B, dlabel)
	for i := range df {
		df[i] += dfl[i]
	}
	if C > 0 {
		dft := n.denseBackward("d.twin", tl, f, B, dtwin)
		for i := range df {
			df[i] += dft[i]
		}
	}
	d := nnref.LeakyReLUBackward(c4, alpha, drop(3, df))
	d = n.convBackward("d.conv4", conv4, m3, B, h3, w3, d)
	if mbstd > 0 {
		d = nnref.MinibatchStdDevBackward(a3, B, ch3, h3*w3, mbstd, d)
	}
	d = n.bnBackward("d.bn3", ch3, l3, B, h3*w3, training, d)
	d = nnref.LeakyReLUBackward(c3, alpha, drop(2, d))
	d = n.convBackward("d.conv3", conv3, a2, B, h2+pad, w2+pad, d)
	d = n.bnBackward("d.bn2", ch2, l2, B, (h2+pad)*(w2+pad), training, d)
	d = nnref.LeakyReLUBackward(p2, alpha, drop(1, d))
	d = nnref.ZeroPadBackward(d, B*ch2, h2, w2, 0, pad, 0, pad)
	d = n.convBackward("d.conv2", conv2, a1, B, h1, w1, d)
	d = nnref.LeakyReLUBackward(c1, alpha, drop(0, d))
	dx = n.convBackward("d.conv1", conv1, x, B, S, S, d)
	return valid, label, twin, dx
}

// refGenerator is the generator (see generator.go) in float64: forward on
// z [B, latent] and labels [B], then backward from dimg [B, ch, S, S]
// (geometry g); concat selects Concat conditioning, else Multiply.
func refGenerator(n *refNet, z []float64, labels []int, latent, classes int, g geometry, concat, training bool, dimg []float64) (img []float64) {
	B := len(labels)
	s0, s1, s2 := g.size/4, g.size/2, g.size
	in := latent
	if concat {
		in = 2 * latent
	}
	emb := nnref.Embedding{V: classes, D: latent}
	dense := nnref.Dense{In: in, Out: 128 * s0 * s0}
	up1 := nnref.UpConv{Cin: 128, Cout: 128, ReLU: true}
	up2 := nnref.UpConv{Cin: 128, Cout: 64, ReLU: true}
	conv3 := nnref.Conv{Cin: 64, Cout: g.channels, K: 3, S: 1, Pad: nnref.Same}

	// forward
	e := emb.Forward(n.w["g.embed"], labels)
	h := make([]float64, B*in)
	for b := range B {
		for k := range latent {
			if concat { // h_b = [z_b, e_b]
				h[b*in+k] = z[b*latent+k]
				h[b*in+latent+k] = e[b*latent+k]
			} else { // h = z ⊙ e
				h[b*in+k] = z[b*latent+k] * e[b*latent+k]
			}
		}
	}
	d0 := n.denseForward("g.dense", dense, h, B)
	r0 := nnref.ReLU(d0)
	b0 := n.bnForward("g.bn0", 128, r0, B, s0*s0, training, false)
	u1 := up1.Forward(b0, B, s0, s0, n.w["g.conv1.w"], n.w["g.conv1.b"])
	b1 := n.bnForward("g.bn1", 128, u1, B, s1*s1, training, false)
	u2 := up2.Forward(b1, B, s1, s1, n.w["g.conv2.w"], n.w["g.conv2.b"])
	b2 := n.bnForward("g.bn2", 64, u2, B, s2*s2, training, false)
	c3, _, _ := n.convForward("g.conv3", conv3, b2, B, s2, s2)
	img = nnref.Tanh(c3)

	// backward
	d := nnref.TanhBackward(c3, dimg)
	d = n.convBackward("g.conv3", conv3, b2, B, s2, s2, d)
	d = n.bnBackward("g.bn2", 64, u2, B, s2*s2, training, d)
	d, n.grad["g.conv2.w"], n.grad["g.conv2.b"] = up2.Backward(b1, B, s1, s1, n.w["g.conv2.w"], n.w["g.conv2.b"], d)
	d = n.bnBackward("g.bn1", 128, u1, B, s1*s1, training, d)
	d, n.grad["g.conv1.w"], n.grad["g.conv1.b"] = up1.Backward(b0, B, s0, s0, n.w["g.conv1.w"], n.w["g.conv1.b"], d)
	d = n.bnBackward("g.bn0", 128, r0, B, s0*s0, training, d)
	d = nnref.ReLUBackward(d0, d)
	d = n.denseBackward("g.dense", dense, h, B, d)
	de := make([]float64, B*latent)
	for b := range B {
		for k := range latent {
			if concat {
				de[b*latent+k] = d[b*in+latent+k]
			} else {
				de[b*latent+k] = d[b*in+k] * z[b*latent+k]
			}
		}
	}
	n.grad["g.embed"] = emb.Backward(labels, de)
	return img
}

// perturb moves every parameter and moving statistic away from its
// initial value (zero biases, γ = 1, …), so that each one matters.
func perturb(r *rand.Rand, ps []*nn.Param, ss []*nn.State) {
	for _, p := range ps {
		for i := range p.W {
			p.W[i] += float32(0.1 * r.NormFloat64())
		}
	}
	for _, s := range ss {
		for i := range s.Data {
			s.Data[i] = float32(0.5 + r.Float64()) // a valid variance, and a mean
		}
	}
}

func randNormal(r *rand.Rand, n int) []float32 {
	v := make([]float32, n)
	for i := range v {
		v[i] = float32(r.NormFloat64())
	}
	return v
}

// geometry is the images' side and channels.
type geometry struct{ size, channels int }

// mnist is the default geometry, MNIST's.
var mnist = geometry{28, 1}

// discConfig returns a configuration whose discriminator has a K-way class
// head and, if C > 0, a C-way twin head (then K = C), dropout rate rate
// and images of geometry g.
func discConfig(K, C int, rate float32, g geometry) Config {
	cfg := DefaultConfig()
	cfg.Objective, cfg.Classes = Paper, K
	if C > 0 {
		cfg.Objective, cfg.Classes, cfg.TACWeight = TAC, C, 1
	}
	cfg.Dropout, cfg.Size, cfg.Channels = rate, g.size, g.channels
	return cfg
}

// genConfig returns a configuration whose generator has the given latent
// size and classes and makes images of geometry g.
func genConfig(latent, classes int, g geometry) Config {
	cfg := DefaultConfig()
	cfg.Latent, cfg.Classes, cfg.Size, cfg.Channels = latent, classes, g.size, g.channels
	return cfg
}

// TestDiscriminatorAgainstReference checks Forward and Backward in
// training mode with and without dropout, in inference mode, and frozen
// (training mode; dx only, moving statistics untouched), with and without
// the twin head (C > 0), with and without the minibatch standard deviation
// layer (mb > 0), of the Keras program's width and wider (dw > 1), for
// MNIST's images and others: colour, sides with an even conv2 output (no
// padding: 16, 32) and an odd one (20).
func TestDiscriminatorAgainstReference(t *testing.T) {
	if testing.Short() {
		t.Skip("float64 reference network")
	}
	r := rand.New(rand.NewPCG(31, 1))
	for _, c := range []struct {
		B, K, C          int
		rate             float32
		training, frozen bool
		g                geometry
		mb, dw           int
	}{
		{3, 11, 0, 0.25, true, false, mnist, 0, 1},
		{1, 11, 0, 0.25, true, false, mnist, 0, 1},
		{2, 10, 0, 0, true, false, mnist, 0, 1},
		{3, 11, 0, 0.25, false, false, mnist, 0, 1},
		{2, 11, 0, 0.25, true, true, mnist, 0, 1},
		{3, 10, 10, 0.25, true, false, mnist, 0, 1},
		{1, 10, 10, 0, true, false, mnist, 0, 1},
		{2, 10, 10, 0.25, false, false, mnist, 0, 1},
		{2, 10, 10, 0.25, true, true, mnist, 0, 1},
		{2, 3, 3, 0.25, true, false, mnist, 0, 1},
		{3, 4, 0, 0.25, true, false, geometry{16, 3}, 0, 1},
		{2, 3, 3, 0.25, true, false, geometry{16, 3}, 0, 1},
		{2, 3, 3, 0.25, true, true, geometry{16, 3}, 0, 1},
		{2, 31, 0, 0.25, true, false, geometry{32, 3}, 0, 1},
		{2, 30, 30, 0.25, false, false, geometry{32, 3}, 0, 1},
		{2, 30, 30, 0, true, false, geometry{32, 3}, 0, 1},
		{2, 5, 5, 0.25, true, false, geometry{20, 1}, 0, 1},
		{4, 10, 10, 0.25, true, false, mnist, 2, 1},
		{5, 11, 0, 0.25, true, true, mnist, 4, 1},
		{3, 11, 0, 0, false, false, mnist, 4, 1},
		{1, 10, 10, 0, true, false, mnist, 4, 1},
		{6, 4, 4, 0.25, true, false, geometry{32, 3}, 3, 1},
		{3, 11, 0, 0.25, true, false, mnist, 0, 2},
		{2, 10, 10, 0.25, true, true, mnist, 0, 2},
		{4, 10, 10, 0.25, true, false, mnist, 2, 2},
		{2, 4, 4, 0.25, false, false, geometry{32, 3}, 0, 3},
	} {
		name := fmt.Sprintf("discriminator %+v", c)
		cfg := discConfig(c.K, c.C, c.rate, c.g)
		cfg.MinibatchStdDev, cfg.DWidth = c.mb, c.dw
		D := NewDiscriminator(cfg, r)
		perturb(r, D.Params(), D.States())
		// Each dropout layer draws from its own source, and the twin gets
		// the masks a layer drawing from a copy of it makes.
		drops := []*nn.Dropout{D.Drop1, D.Drop2, D.Drop3, D.Drop4}
		s1, s3 := c.g.size/2, (c.g.size+7)/8 // conv1's side, conv3's: ceil(S/8)
		sP := 2 * s3                         // conv2's, padded when odd
		sizes := []int{16 * c.dw * s1 * s1, 32 * c.dw * sP * sP, 64 * c.dw * s3 * s3, 128 * c.dw * s3 * s3}
		var keep [4][]bool
		for i, l := range drops {
			l.R = rand.New(rand.NewPCG(uint64(i), 7))
			if c.rate == 0 {
				continue
			}
			probe := nn.NewDropout(c.rate, rand.New(rand.NewPCG(uint64(i), 7)))
			ones := make([]float32, c.B*sizes[i])
			for j := range ones {
				ones[j] = 1
			}
			keep[i] = make([]bool, len(ones))
			for j, v := range probe.Forward(ones, true) {
				keep[i][j] = v != 0
			}
		}
		ref := newRefNet(D.Params(), D.States())
		D.SetFrozen(c.frozen)
		for _, p := range D.Params() {
			for i := range p.G {
				p.G[i] = float32(math.NaN())
			}
		}
		x := randNormal(r, c.B*c.g.channels*c.g.size*c.g.size)
		dv, dl, dt := randNormal(r, c.B), randNormal(r, c.B*c.K), randNormal(r, c.B*c.C)
		valid, label, twin := D.Forward(x, c.B, c.training)
		valid, label, twin = append([]float32(nil), valid...), append([]float32(nil), label...), append([]float32(nil), twin...)
		dx := D.Backward(dv, dl, dt, true)
		rv, rl, rt, rdx := refDiscriminator(ref, f64(x), c.B, c.K, c.C, c.mb, c.dw, c.g, c.training, c.frozen, keep, float64(c.rate), f64(dv), f64(dl), f64(dt))

		if (D.Twin != nil) != (c.C > 0) {
			t.Errorf("%s: twin head %v", name, D.Twin)
		}
		matchNet(t, name+" valid", valid, rv)
		matchNet(t, name+" label", label, rl)
		matchNet(t, name+" twin", twin, rt)
		matchNet(t, name+" dx", dx, rdx)
		for _, p := range D.Params() {
			if c.frozen {
				if !math.IsNaN(float64(p.G[0])) {
					t.Errorf("%s: frozen, but %s's gradient was written", name, p.Name)
				}
				continue
			}
			matchNet(t, name+" d/d"+p.Name, p.G, ref.grad[p.Name])
		}
		for _, s := range D.States() {
			matchNet(t, name+" "+s.Name, s.Data, ref.mov[s.Name])
		}
	}
}

// TestGeneratorAgainstReference checks Forward and Backward in training
// mode (batch statistics, moving statistics updated) and inference mode,
// for MNIST's images and others, with either conditioning.
func TestGeneratorAgainstReference(t *testing.T) {
	if testing.Short() {
		t.Skip("float64 reference network")
	}
	// Each kind of case draws from its own stream, so that adding cases
	// of one kind leaves the others' draws as they were: a pre-activation
	// within rounding of zero (2 draws in 30 at these sizes) sends a
	// relu's float32 and float64 gradients different ways, and these
	// draws have none.
	rMultiply, rConcat := rand.New(rand.NewPCG(32, 1)), rand.New(rand.NewPCG(32, 2))
	for _, c := range []struct {
		B, latent, classes int
		training           bool
		g                  geometry
		concat             bool
	}{
		{2, 100, 10, true, mnist, false},
		{1, 7, 3, false, mnist, false},
		{2, 20, 3, true, geometry{16, 3}, false},
		{1, 20, 3, false, geometry{16, 3}, false},
		{2, 100, 30, true, geometry{32, 3}, false},
		{2, 9, 4, true, geometry{20, 1}, false},
		{3, 100, 10, true, mnist, true},
		{2, 7, 3, false, mnist, true},
		{2, 9, 4, true, geometry{20, 3}, true},
	} {
		name := fmt.Sprintf("generator %+v", c)
		cfg, r := genConfig(c.latent, c.classes, c.g), rMultiply
		if c.concat {
			cfg.Conditioning, r = Concat, rConcat
		}
		G := NewGenerator(cfg, r)
		perturb(r, G.Params(), G.States())
		ref := newRefNet(G.Params(), G.States())
		z := randNormal(r, c.B*c.latent)
		labels := make([]int, c.B)
		for i := range labels {
			labels[i] = r.IntN(c.classes)
		}
		dimg := randNormal(r, c.B*c.g.channels*c.g.size*c.g.size)
		img := append([]float32(nil), G.Forward(z, labels, c.training)...)
		G.Backward(dimg)
		rimg := refGenerator(ref, f64(z), labels, c.latent, c.classes, c.g, c.concat, c.training, f64(dimg))

		matchNet(t, name+" image", img, rimg)
		for _, p := range G.Params() {
			matchNet(t, name+" d/d"+p.Name, p.G, ref.grad[p.Name])
		}
		for _, s := range G.States() {
			matchNet(t, name+" "+s.Name, s.Data, ref.mov[s.Name])
		}
	}
}

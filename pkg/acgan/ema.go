// The exponential moving average of the generator's weights (Config.EMA):
// a second generator, Trainer.EMA, whose weights follow G's after every
// generator step,
//
//	a ← d_t·a + (1 − d_t)·w,   d_t = min(decay, (1 + t)/(10 + t))
//
// for every parameter w of G and its average a, t the number of generator
// steps done (counting this one). The ramp (1 + t)/(10 + t) is
// TensorFlow's ExponentialMovingAverage with num_updates: early in a run
// the average forgets G's random initial weights within a few steps
// instead of ~1/(1 − decay) of them, and until the ramp reaches decay
// (t ≥ 8990 for 0.999) the average spans about the last (10 + t)/9
// steps, a ninth of the run. The average starts as a copy of G's initial
// weights.
//
// Batch norm: the average's moving statistics are averaged the same way,
// from G's moving statistics after the step (the statistics G's own
// inference uses), so that each layer's statistics describe the same
// stretch of the run as the weights before it. Copying G's statistics
// and recomputing them with the averaged weights were measured against
// this and did no better (docs/model.md).
//
// The averaged generator is what images are made with (Trainer.Sampler);
// it is never trained, and G alone makes the images of training steps.

package acgan

import "acgan/pkg/nn"

// emaPrefix starts the names of the averaged generator's parameters and
// states ("ema.g.dense.w", "ema.g.bn0.moving_mean", …).
const emaPrefix = "ema.g"

// emaRamp is the ramp of the decay early in a run: d_t ≤ (1 + t)/(emaRamp + t).
const emaRamp = 10

// newAverage returns a generator of g's shape holding a copy of g's
// parameters and batch-norm statistics, named with emaPrefix.
func newAverage(g *Generator) *Generator {
	a := newGenerator(emaPrefix, g.Latent, g.Classes, g.Size, g.Channels, g.Conditioning)
	for i, p := range a.Params() {
		copy(p.W, g.Params()[i].W)
	}
	for i, s := range a.States() {
		copy(s.Data, g.States()[i].Data)
	}
	return a
}

// emaDecay returns d_t, the decay of the update after generator step t ≥ 1.
func emaDecay(decay float32, t int64) float32 {
	return min(decay, float32(float64(1+t)/float64(emaRamp+t)))
}

// averagePairs returns the tensors of a and g that updateAverage mixes:
// every parameter and batch-norm statistic of a, and g's of the same
// name, in the same order.
func averagePairs(a, g *Generator) (dst, src [][]float32) {
	gp, gs := g.Params(), g.States()
	for i, p := range a.Params() {
		dst, src = append(dst, p.W), append(src, gp[i].W)
	}
	for i, s := range a.States() {
		dst, src = append(dst, s.Data), append(src, gs[i].Data)
	}
	return dst, src
}

// updateAverage moves each tensor of dst toward src's of the same index
// (from averagePairs): a ← a + (1 − d)·(w − a), which is d·a + (1 − d)·w.
// A moving variance stays ≥ 0, being a mix of two that are.
func updateAverage(dst, src [][]float32, d float32) {
	c := 1 - d
	for i, a := range dst {
		mix(a, src[i], c)
	}
}

// mix sets a ← a + c·(w − a).
func mix(a, w []float32, c float32) {
	w = w[:len(a)]
	for i := range a {
		a[i] += c * (w[i] - a[i])
	}
}

// emaStates returns the averaged generator's parameters and then its
// batch-norm statistics as state tensors, in network order: the records
// "ema.g.…" of the model file.
func emaStates(a *Generator) []*nn.State {
	var ss []*nn.State
	for _, p := range a.Params() {
		ss = append(ss, &nn.State{Name: p.Name, Shape: p.Shape, Data: p.W})
	}
	return append(ss, a.States()...)
}

// The training iteration of the Keras program (Keras-GAN acgan.py,
// train()), the model's whole state, and generation.
//
// One Step, for a real batch of B images and labels:
//
//	noise ~ N(0, 1) [B, latent], sampled ~ U{0..classes−1} [B]    from the trainer's RNG
//	gen = G(noise, sampled) in inference mode                     (generator.predict)
//	D step on (real, valid = 1, real labels)                      (train_on_batch: one Adam update)
//	D step on (gen, valid = 0, fake labels)                       fake label = classes (FakeClass)
//	                                                              or sampled (Paper)
//	G step on (noise, sampled) through D frozen, targets valid = 1 and sampled:
//	    G in training mode (its batch norm updates its moving statistics);
//	    D in the training phase (dropout on, batch statistics) but frozen:
//	    no D gradients or updates, D's moving statistics untouched
//	                                                              (combined.train_on_batch)
//
// Each D step and the G step minimise Keras's total loss, binary
// cross-entropy on validity plus sparse categorical cross-entropy on the
// class, without class weights. D's Adam takes two steps per iteration,
// G's one.

package acgan

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"acgan/pkg/nn"
)

// Losses are the parts of one Keras total loss.
type Losses struct {
	BCE   float64 // validity: binary cross-entropy
	CCE   float64 // class: sparse categorical cross-entropy
	Total float64 // BCE + CCE
}

// Stats are the figures of one training iteration.
type Stats struct {
	DLoss         float64 // 0.5·(DReal.Total + DFake.Total), the Keras program's "D loss"
	DReal, DFake  Losses  // the two discriminator steps
	DValidAcc     float64 // validity accuracy over the real and the generated batch (the Keras program's "acc")
	DClassAcc     float64 // class accuracy on the real batch
	DClassAccFake float64 // class accuracy on the generated batch (against the fake labels)
	GLoss         float64 // G.Total
	G             Losses  // the generator step
}

// ErrNonFinite is returned (wrapped) by Step when a loss is NaN or infinite.
var ErrNonFinite = errors.New("loss is not finite")

// Trainer holds both networks, their optimisers, the RNG and the scratch
// buffers of the training iteration: the whole state of a training run.
type Trainer struct {
	Cfg  Config
	G    *Generator
	D    *Discriminator
	OptG *nn.Adam // over G.Params()
	OptD *nn.Adam // over D.Params()
	Iter int64    // iterations done

	pcg *rand.PCG
	R   *rand.Rand // the run's only source of randomness (noise, labels, dropout; callers may draw real-batch indices from it)

	noise             []float32
	sampled, fakeLbls []int
	gen               []float32
	ones, zeros       []float32
	dvalid, dlabel    []float32
}

// NewTrainer returns a trainer for cfg whose networks are initialised from
// seed (all randomness of the run comes from one PCG seeded with it).
func NewTrainer(cfg Config, seed uint64) (*Trainer, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	pcg := rand.NewPCG(seed, 0x9e3779b97f4a7c15)
	r := rand.New(pcg)
	t := &Trainer{Cfg: cfg, pcg: pcg, R: r}
	t.G = NewGenerator(cfg.Latent, cfg.Classes, r)
	t.D = NewDiscriminator(cfg.HeadClasses(), cfg.Dropout, r)
	t.OptG = nn.NewAdam(t.G.Params(), cfg.LR, cfg.Beta1, cfg.Beta2, cfg.AdamEps)
	t.OptD = nn.NewAdam(t.D.Params(), cfg.LR, cfg.Beta1, cfg.Beta2, cfg.AdamEps)
	return t, nil
}

// Params returns every parameter of the model, G's then D's. Names are
// "g.…" and "d.…" (e.g. "g.dense.w", "d.bn2.gamma").
func (t *Trainer) Params() []*nn.Param { return append(t.G.Params(), t.D.Params()...) }

// States returns every float32 tensor of non-parameter state: the batch-norm
// moving statistics ("g.bn0.moving_mean", …) and the Adam moments
// ("adam.m.g.dense.w", "adam.v.g.dense.w", …). The remaining state is
// scalar: Iter, OptG.Step, OptD.Step, and the RNG (MarshalRNG).
func (t *Trainer) States() []*nn.State {
	var ss []*nn.State
	ss = append(ss, t.G.States()...)
	ss = append(ss, t.D.States()...)
	ss = append(ss, t.OptG.States()...)
	ss = append(ss, t.OptD.States()...)
	return ss
}

// MarshalRNG returns the state of the run's RNG.
func (t *Trainer) MarshalRNG() ([]byte, error) { return t.pcg.MarshalBinary() }

// UnmarshalRNG restores the state of the run's RNG saved by MarshalRNG.
func (t *Trainer) UnmarshalRNG(b []byte) error {
	if err := t.pcg.UnmarshalBinary(b); err != nil {
		return fmt.Errorf("acgan: RNG state: %w", err)
	}
	return nil
}

// Generate returns images [n, 1, 28, 28] for z [n, latent] and labels [n],
// with the generator in inference mode, made at most Cfg.Batch at a time:
// samples drawn during training then keep the generator's buffers at the
// training batch's size (memory). Each image is the same whatever the
// chunks, up to the float32 rounding of the products' shapes.
func (t *Trainer) Generate(z []float32, labels []int) ([]float32, error) {
	return t.G.GenerateBatched(z, labels, t.Cfg.Batch)
}

func fill(buf []float32, n int, v float32) []float32 {
	buf = grow(buf, n)
	for i := range buf {
		buf[i] = v
	}
	return buf
}

func growInts(buf []int, n int) []int {
	if cap(buf) < n {
		return make([]int, n)
	}
	return buf[:n]
}

// Step runs one training iteration on a real batch: images [B, 1, 28, 28]
// scaled to [-1, 1] and their labels [B] (B = len(realLabels), usually
// Cfg.Batch). After an error from bad input nothing has changed; after
// ErrNonFinite the networks have been updated with the non-finite values
// and the caller should stop.
func (t *Trainer) Step(realImages []float32, realLabels []int) (Stats, error) {
	var st Stats
	B, L, C := len(realLabels), t.Cfg.Latent, t.Cfg.Classes
	if B == 0 {
		return st, fmt.Errorf("acgan: step: empty batch")
	}
	if len(realImages) != B*ImageSize {
		return st, fmt.Errorf("acgan: step: %d image values for %d labels (want %d)", len(realImages), B, B*ImageSize)
	}
	for i, c := range realLabels {
		if c < 0 || c >= C {
			return st, fmt.Errorf("acgan: step: real label %d (at %d) out of range [0, %d)", c, i, C)
		}
	}

	// Noise and the labels asked for, then the generated batch.
	t.noise = grow(t.noise, B*L)
	for i := range t.noise {
		t.noise[i] = float32(t.R.NormFloat64())
	}
	t.sampled = growInts(t.sampled, B)
	for i := range t.sampled {
		t.sampled[i] = t.R.IntN(C)
	}
	t.gen = grow(t.gen, B*ImageSize)
	copy(t.gen, t.G.Forward(t.noise, t.sampled, false))

	t.ones, t.zeros = fill(t.ones, B, 1), fill(t.zeros, B, 0)
	t.fakeLbls = growInts(t.fakeLbls, B)
	for i := range t.fakeLbls {
		if t.Cfg.Objective == FakeClass {
			t.fakeLbls[i] = C
		} else {
			t.fakeLbls[i] = t.sampled[i]
		}
	}

	// Discriminator: one step on the real batch, one on the generated one.
	var accReal, accFake float64
	st.DReal, accReal, st.DClassAcc = t.dStep(realImages, B, t.ones, realLabels)
	st.DFake, accFake, st.DClassAccFake = t.dStep(t.gen, B, t.zeros, t.fakeLbls)
	st.DLoss = 0.5 * (st.DReal.Total + st.DFake.Total)
	st.DValidAcc = 0.5 * (accReal + accFake)

	// Generator: through the frozen discriminator, same noise and labels.
	t.D.SetFrozen(true)
	img := t.G.Forward(t.noise, t.sampled, true)
	v, l := t.D.Forward(img, B, true)
	st.G = t.losses(v, l, t.ones, t.sampled)
	dimg := t.D.Backward(t.dvalid, t.dlabel, true)
	t.G.Backward(dimg)
	t.OptG.Update()
	t.D.SetFrozen(false)
	st.GLoss = st.G.Total
	t.Iter++

	for _, x := range [...]struct {
		name string
		v    float64
	}{{"discriminator loss on the real batch", st.DReal.Total}, {"discriminator loss on the generated batch", st.DFake.Total}, {"generator loss", st.G.Total}} {
		if math.IsNaN(x.v) || math.IsInf(x.v, 0) {
			return st, fmt.Errorf("acgan: iteration %d: %s is %v: %w", t.Iter, x.name, x.v, ErrNonFinite)
		}
	}
	return st, nil
}

// dStep is one discriminator train_on_batch: forward in training mode, the
// losses, backward, one Adam update. It returns the losses and the
// validity and class accuracies.
func (t *Trainer) dStep(x []float32, B int, valid []float32, labels []int) (Losses, float64, float64) {
	v, l := t.D.Forward(x, B, true)
	ls := t.losses(v, l, valid, labels)
	vacc := nn.BinaryAccuracy(v, valid)
	cacc := nn.SparseAccuracy(l, t.D.K, labels)
	t.D.Backward(t.dvalid, t.dlabel, false)
	t.OptD.Update()
	return ls, vacc, cacc
}

// losses computes Keras's total loss of validity logits v [B] against
// valid [B] and class logits l [B, K] against labels [B], leaving the
// gradients in t.dvalid and t.dlabel.
func (t *Trainer) losses(v, l []float32, valid []float32, labels []int) Losses {
	B, K := len(labels), t.D.K
	t.dvalid, t.dlabel = grow(t.dvalid, B), grow(t.dlabel, B*K)
	var ls Losses
	ls.BCE = nn.SigmoidBCE(v, valid, t.dvalid)
	cce, err := nn.SoftmaxCCE(l, K, labels, t.dlabel)
	if err != nil {
		panic(err) // labels were validated by Step
	}
	ls.CCE = cce
	ls.Total = ls.BCE + ls.CCE
	return ls
}

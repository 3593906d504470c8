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
//	EMA ← the average of G's weights moved toward them            (Config.EMA > 0; ema.go)
//
// Each D step and the G step minimise Keras's total loss, binary
// cross-entropy on validity plus sparse categorical cross-entropy on the
// class, without class weights. D's Adam takes two steps per iteration,
// G's one.
//
// Two settings depart from the Keras program when set (their defaults are
// its): Config.GenClassWeight λ weighs the class term of the G step
// (BCE(valid, 1) + λ·CE(l, sampled)), and Config.LabelSmoothing s makes
// the validity target of the D step on the real batch 1 − s.
// Config.ModeSeeking w > 0 asks for the classes of each batch in pairs
// (image B/2+p gets the class drawn for image p; the draws are those of a
// run without it, the second half's then overwritten) and adds
// w·nn.ModeSeeking of the generated images to the G step's loss.
//
// Objective TAC (twin auxiliary classifier) changes the class terms; with
// CE(logits, labels) the sparse categorical cross-entropy, l D's class
// head and t its twin head, w = Config.TACWeight:
//
//	D step on the real batch:       BCE(valid, 1) + CE(l, real labels)     the twin gets no loss
//	D step on the generated batch:  BCE(valid, 0) + CE(t, sampled)         the class head gets no loss
//	G step:                         BCE(valid, 1) + λ·CE(l, sampled) − w·CE(t, sampled)
//
// The class head learns p(class | real image) and the twin learns
// p(class | generated image); the generator is pushed toward images its
// class reads as the class asked for, but away from images the twin finds
// easy, which would make the generated classes more separable than the
// real ones (the AC term alone minimises the entropy of the generated
// images' classes; the twin's term restores it). A head without a loss in
// a step gets a zero gradient: Adam's moments still move it, as Keras's
// Adam would with a zero loss weight.

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
	CCE   float64 // class: sparse categorical cross-entropy (0 if the class head has no loss in the step)
	Twin  float64 // twin class head (objective TAC): sparse categorical cross-entropy (0 if it has no loss in the step)
	Total float64 // BCE + CCE (GenClassWeight·CCE in G's step), + Twin in D's step on generated images, − TACWeight·Twin in G's step, + ModeSeeking·Mode in G's step
	Mode  float64 // G's step with Config.ModeSeeking > 0: the mode-seeking loss (nn.ModeSeeking)
}

// Stats are the figures of one training iteration.
type Stats struct {
	DLoss         float64 // 0.5·(DReal.Total + DFake.Total), the Keras program's "D loss"
	DReal, DFake  Losses  // the two discriminator steps
	DValidAcc     float64 // validity accuracy over the real and the generated batch (the Keras program's "acc")
	DClassAcc     float64 // class accuracy on the real batch
	DClassAccFake float64 // class accuracy on the generated batch (against the fake labels)
	DTwinAccFake  float64 // objective TAC: the twin head's class accuracy on the generated batch
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
	// EMA is the exponential moving average of G's weights and batch-norm
	// statistics (ema.go) when Cfg.EMA > 0, nil otherwise. Sampler
	// returns it; it is never trained.
	EMA *Generator

	pcg *rand.PCG
	R   *rand.Rand // the run's only source of randomness (noise, labels, dropout; callers may draw real-batch indices from it)

	noise             []float32
	sampled, fakeLbls []int
	gen               []float32
	ones, zeros       []float32
	realTarget        []float32 // the validity target of the real batch: 1 − Cfg.LabelSmoothing
	dvalid, dlabel    []float32
	dtwin             []float32
	emaDst, emaSrc    [][]float32 // the tensors of EMA and of G that the average mixes
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
	t.G = NewGenerator(cfg, r)
	t.D = NewDiscriminator(cfg, r)
	t.OptG = nn.NewAdam(t.G.Params(), cfg.LR, cfg.Beta1, cfg.Beta2, cfg.AdamEps)
	t.OptD = nn.NewAdam(t.D.Params(), cfg.LR, cfg.Beta1, cfg.Beta2, cfg.AdamEps)
	if cfg.EMA > 0 {
		t.EMA = newAverage(t.G)
		t.emaDst, t.emaSrc = averagePairs(t.EMA, t.G)
	}
	return t, nil
}

// Params returns every parameter of the model, G's then D's. Names are
// "g.…" and "d.…" (e.g. "g.dense.w", "d.bn2.gamma").
func (t *Trainer) Params() []*nn.Param { return append(t.G.Params(), t.D.Params()...) }

// States returns every float32 tensor of non-parameter state: the batch-norm
// moving statistics ("g.bn0.moving_mean", …), the Adam moments
// ("adam.m.g.dense.w", "adam.v.g.dense.w", …) and, with an EMA, the
// averaged generator's parameters and then its moving statistics
// ("ema.g.embed", …, "ema.g.bn0.moving_mean", …). The remaining state is
// scalar: Iter, OptG.Step, OptD.Step, and the RNG (MarshalRNG).
func (t *Trainer) States() []*nn.State {
	var ss []*nn.State
	ss = append(ss, t.G.States()...)
	ss = append(ss, t.D.States()...)
	ss = append(ss, t.OptG.States()...)
	ss = append(ss, t.OptD.States()...)
	if t.EMA != nil {
		ss = append(ss, emaStates(t.EMA)...)
	}
	return ss
}

// Sampler returns the generator images are made with: the averaged one
// (EMA) when the run keeps one, else G.
func (t *Trainer) Sampler() *Generator {
	if t.EMA != nil {
		return t.EMA
	}
	return t.G
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

// Generate returns images [n, C, S, S] for z [n, latent] and labels [n],
// made by Sampler (the averaged generator when the run keeps one) in
// inference mode, at most Cfg.Batch at a time: samples drawn during
// training then keep the generator's buffers at the training batch's size
// (memory). Each image is the same whatever the chunks, up to the float32
// rounding of the products' shapes.
func (t *Trainer) Generate(z []float32, labels []int) ([]float32, error) {
	return t.Sampler().GenerateBatched(z, labels, t.Cfg.Batch)
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

// Step runs one training iteration on a real batch: images [B, C, S, S]
// scaled to [-1, 1] and their labels [B] (B = len(realLabels), usually
// Cfg.Batch). After an error from bad input nothing has changed; after
// ErrNonFinite the networks have been updated with the non-finite values
// and the caller should stop.
func (t *Trainer) Step(realImages []float32, realLabels []int) (Stats, error) {
	var st Stats
	B, L, C, size := len(realLabels), t.Cfg.Latent, t.Cfg.Classes, t.Cfg.ImageSize()
	if B == 0 {
		return st, fmt.Errorf("acgan: step: empty batch")
	}
	if len(realImages) != B*size {
		return st, fmt.Errorf("acgan: step: %d image values for %d labels (want %d: %d×%d×%d each)", len(realImages), B, B*size, t.Cfg.Channels, t.Cfg.Size, t.Cfg.Size)
	}
	for i, c := range realLabels {
		if c < 0 || c >= C {
			return st, fmt.Errorf("acgan: step: real label %d (at %d) out of range [0, %d)", c, i, C)
		}
	}

	// Noise and the labels asked for, then the generated batch.
	t.noise = grow(t.noise, B*L)
	Noise(t.R, t.noise)
	t.sampled = growInts(t.sampled, B)
	Classes(t.R, t.sampled, C)
	pairs := 0
	if t.Cfg.ModeSeeking > 0 {
		pairs = B / 2
		copy(t.sampled[pairs:2*pairs], t.sampled[:pairs])
	}
	t.gen = grow(t.gen, B*size)
	copy(t.gen, t.G.Forward(t.noise, t.sampled, false))

	t.ones, t.zeros = fill(t.ones, B, 1), fill(t.zeros, B, 0)
	t.realTarget = fill(t.realTarget, B, 1-t.Cfg.LabelSmoothing)
	t.fakeLbls = growInts(t.fakeLbls, B)
	for i := range t.fakeLbls {
		if t.Cfg.Objective == FakeClass {
			t.fakeLbls[i] = C
		} else {
			t.fakeLbls[i] = t.sampled[i]
		}
	}

	// Discriminator: one step on the real batch, one on the generated one.
	// With TAC the class head learns from the real batch only and the twin
	// from the generated one.
	var accReal, accFake float64
	st.DReal, accReal, st.DClassAcc, _ = t.dStep(realImages, B, t.realTarget, realLabels, nil, realLabels)
	if t.Cfg.Objective == TAC {
		st.DFake, accFake, st.DClassAccFake, st.DTwinAccFake = t.dStep(t.gen, B, t.zeros, nil, t.sampled, t.sampled)
	} else {
		st.DFake, accFake, st.DClassAccFake, _ = t.dStep(t.gen, B, t.zeros, t.fakeLbls, nil, t.fakeLbls)
	}
	st.DLoss = 0.5 * (st.DReal.Total + st.DFake.Total)
	st.DValidAcc = 0.5 * (accReal + accFake)

	// Generator: through the frozen discriminator, same noise and labels;
	// with TAC it also maximises the twin's loss.
	t.D.SetFrozen(true)
	img := t.G.Forward(t.noise, t.sampled, true)
	v, l, tw := t.D.Forward(img, B, true)
	var twin []int
	if t.Cfg.Objective == TAC {
		twin = t.sampled
	}
	st.G = t.losses(v, l, tw, t.ones, t.sampled, twin, t.Cfg.GenClassWeight, -t.Cfg.TACWeight)
	dimg := t.D.Backward(t.dvalid, t.dlabel, t.dtwin, true)
	if pairs > 0 {
		n := 2 * pairs
		mode, err := nn.ModeSeeking(img[:n*size], t.noise[:n*L], pairs, t.Cfg.ModeSeeking, dimg[:n*size])
		if err != nil {
			return st, fmt.Errorf("acgan: iteration %d: %w", t.Iter+1, err)
		}
		st.G.Mode = mode
		st.G.Total += float64(t.Cfg.ModeSeeking) * mode
	}
	t.G.Backward(dimg)
	t.OptG.Update()
	t.D.SetFrozen(false)
	if t.EMA != nil {
		updateAverage(t.emaDst, t.emaSrc, emaDecay(t.Cfg.EMA, t.OptG.Step))
	}
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

// dStep is one discriminator train_on_batch on x [B, C, S, S]: forward
// in training mode, the losses, backward, one Adam update. valid [B] are
// the validity targets, class [B] the class head's (nil: no class loss)
// and twin [B] the twin head's (nil: no twin loss). It returns the
// losses, the validity accuracy, and the class head's and the twin head's
// accuracies against asked [B] (0 for a missing twin head).
func (t *Trainer) dStep(x []float32, B int, valid []float32, class, twin, asked []int) (Losses, float64, float64, float64) {
	v, l, tw := t.D.Forward(x, B, true)
	ls := t.losses(v, l, tw, valid, class, twin, 1, 1)
	vacc := nn.BinaryAccuracy(v, valid)
	cacc := nn.SparseAccuracy(l, t.D.K, asked)
	var tacc float64
	if tw != nil {
		tacc = nn.SparseAccuracy(tw, t.Cfg.Classes, asked)
	}
	t.D.Backward(t.dvalid, t.dlabel, t.dtwin, false)
	t.OptD.Update()
	return ls, vacc, cacc, tacc
}

// losses computes a step's total loss from the discriminator's outputs:
// the binary cross-entropy of the validity logits v [B] against valid
// [B], plus classWeight times the cross-entropy of the class logits l
// [B, K] against class [B] (none if class is nil), plus twinWeight times
// the cross-entropy of the twin logits tw [B, C] against twin [B] (none if
// tw or twin is nil).
// It leaves the gradients in t.dvalid, t.dlabel and t.dtwin (t.dtwin only
// with a twin head; zero for a head without a loss).
func (t *Trainer) losses(v, l, tw []float32, valid []float32, class, twin []int, classWeight, twinWeight float32) Losses {
	B, K := len(valid), t.D.K
	t.dvalid, t.dlabel = grow(t.dvalid, B), grow(t.dlabel, B*K)
	var ls Losses
	ls.BCE = nn.SigmoidBCE(v, valid, t.dvalid)
	if class != nil {
		cce, err := nn.SoftmaxCCE(l, K, class, t.dlabel)
		if err != nil {
			panic(err) // labels were validated by Step
		}
		ls.CCE = cce
		if classWeight != 1 {
			for i := range t.dlabel { // d(classWeight·CE)/dl
				t.dlabel[i] *= classWeight
			}
		}
	} else {
		clear(t.dlabel)
	}
	ls.Total = ls.BCE + float64(classWeight)*ls.CCE
	if tw == nil {
		return ls
	}
	C := t.Cfg.Classes
	t.dtwin = grow(t.dtwin, B*C)
	if twin == nil {
		clear(t.dtwin)
		return ls
	}
	ce, err := nn.SoftmaxCCE(tw, C, twin, t.dtwin)
	if err != nil {
		panic(err) // labels were validated by Step
	}
	for i := range t.dtwin { // d(twinWeight·CE)/dtw
		t.dtwin[i] *= twinWeight
	}
	ls.Twin = ce
	ls.Total += float64(twinWeight) * ce
	return ls
}

// The discriminator of the seed's ACGAN.
//
//	x [B, 1, 28, 28]
//	a1 = drop(lrelu(conv1(x)))                 [B, 16, 14, 14]  conv 1 → 16, 3×3 stride 2 same
//	a2 = bn2(drop(lrelu(pad(conv2(a1)))))      [B, 32, 8, 8]    conv 16 → 32 s2 → 7×7, zero-pad bottom/right
//	a3 = bn3(drop(lrelu(conv3(a2))))           [B, 64, 4, 4]    conv 32 → 64 s2
//	a4 = drop(lrelu(conv4(a3)))                [B, 128, 4, 4]   conv 64 → 128 s1
//	f  = flatten(a4)                           [B, 2048]        feature c·16 + h·4 + w
//	valid = valid(f)                           [B, 1]           logit (sigmoid in the loss)
//	label = label(f)                           [B, K]           logits (softmax in the loss), K = 11 or 10
//
// LeakyReLU α = 0.2, Dropout 0.25, BatchNorm momentum 0.8 (Keras order:
// Conv → ZeroPadding → LeakyReLU → Dropout → BN, as above).

package acgan

import (
	"math/rand/v2"

	"acgan/pkg/nn"
)

// Discriminator maps an image to a validity logit and class logits.
type Discriminator struct {
	K int // class-head size

	Conv1 *nn.Conv2D // d.conv1 1 → 16 s2
	Act1  *nn.LeakyReLU
	Drop1 *nn.Dropout
	Conv2 *nn.Conv2D // d.conv2 16 → 32 s2
	Pad2  nn.ZeroPad
	Act2  *nn.LeakyReLU
	Drop2 *nn.Dropout
	BN2   *nn.BatchNorm // d.bn2 (32)
	Conv3 *nn.Conv2D    // d.conv3 32 → 64 s2
	Act3  *nn.LeakyReLU
	Drop3 *nn.Dropout
	BN3   *nn.BatchNorm // d.bn3 (64)
	Conv4 *nn.Conv2D    // d.conv4 64 → 128 s1
	Act4  *nn.LeakyReLU
	Drop4 *nn.Dropout
	Valid *nn.Dense // d.valid 2048 → 1
	Label *nn.Dense // d.label 2048 → K

	n     int
	dflat []float32
}

// NewDiscriminator returns a discriminator with a k-way class head, Keras's
// initialisation drawn from r, and dropout masks drawn from r as it runs.
func NewDiscriminator(k int, dropout float32, r *rand.Rand) *Discriminator {
	d := &Discriminator{K: k,
		Conv1: nn.NewConv2D("d.conv1", 1, 16, 3, 2, nn.Same), Act1: nn.NewLeakyReLU(0.2), Drop1: nn.NewDropout(dropout, r),
		Conv2: nn.NewConv2D("d.conv2", 16, 32, 3, 2, nn.Same), Act2: nn.NewLeakyReLU(0.2), Drop2: nn.NewDropout(dropout, r),
		BN2:   nn.NewBatchNorm("d.bn2", 32),
		Conv3: nn.NewConv2D("d.conv3", 32, 64, 3, 2, nn.Same), Act3: nn.NewLeakyReLU(0.2), Drop3: nn.NewDropout(dropout, r),
		BN3:   nn.NewBatchNorm("d.bn3", 64),
		Conv4: nn.NewConv2D("d.conv4", 64, 128, 3, 1, nn.Same), Act4: nn.NewLeakyReLU(0.2), Drop4: nn.NewDropout(dropout, r),
		Valid: nn.NewDense("d.valid", 2048, 1),
		Label: nn.NewDense("d.label", 2048, k),
	}
	for _, w := range []*nn.Param{d.Conv1.Weight, d.Conv2.Weight, d.Conv3.Weight, d.Conv4.Weight, d.Valid.Weight, d.Label.Weight} {
		nn.GlorotUniform(w, r)
	}
	return d
}

// Params returns every parameter of the discriminator, in network order.
func (d *Discriminator) Params() []*nn.Param {
	var ps []*nn.Param
	ps = append(ps, d.Conv1.Params()...)
	ps = append(ps, d.Conv2.Params()...)
	ps = append(ps, d.BN2.Params()...)
	ps = append(ps, d.Conv3.Params()...)
	ps = append(ps, d.BN3.Params()...)
	ps = append(ps, d.Conv4.Params()...)
	ps = append(ps, d.Valid.Params()...)
	ps = append(ps, d.Label.Params()...)
	return ps
}

// States returns the batch-norm moving statistics.
func (d *Discriminator) States() []*nn.State {
	return append(d.BN2.States(), d.BN3.States()...)
}

// SetFrozen freezes (or thaws) the discriminator as Keras's
// trainable=False does inside the combined model: Backward then computes
// only dx (no parameter gradients), and batch norm in training mode still
// normalises with batch statistics but leaves the moving ones alone.
func (d *Discriminator) SetFrozen(frozen bool) {
	for _, c := range []*nn.Conv2D{d.Conv1, d.Conv2, d.Conv3, d.Conv4} {
		c.Frozen = frozen
	}
	d.BN2.Frozen, d.BN3.Frozen = frozen, frozen
	d.Valid.Frozen, d.Label.Frozen = frozen, frozen
}

// SetRand makes the dropout layers draw their masks from r.
func (d *Discriminator) SetRand(r *rand.Rand) {
	for _, l := range []*nn.Dropout{d.Drop1, d.Drop2, d.Drop3, d.Drop4} {
		l.R = r
	}
}

// Forward computes the validity logits [B] and class logits [B, K] of the
// images x [B, 1, 28, 28]; training turns dropout on and makes batch norm
// use batch statistics.
func (d *Discriminator) Forward(x []float32, B int, training bool) (valid, label []float32) {
	d.n = B
	h, _, _ := d.Conv1.Forward(x, B, 28, 28)
	h = d.Act1.Forward(h)
	h = d.Drop1.Forward(h, training)
	h, _, _ = d.Conv2.Forward(h, B, 14, 14)
	h = d.Pad2.Forward(h, B*32, 7, 7)
	h = d.Act2.Forward(h)
	h = d.Drop2.Forward(h, training)
	h = d.BN2.Forward(h, B, 8*8, training)
	h, _, _ = d.Conv3.Forward(h, B, 8, 8)
	h = d.Act3.Forward(h)
	h = d.Drop3.Forward(h, training)
	h = d.BN3.Forward(h, B, 4*4, training)
	h, _, _ = d.Conv4.Forward(h, B, 4, 4)
	h = d.Act4.Forward(h)
	h = d.Drop4.Forward(h, training)
	return d.Valid.Forward(h, B), d.Label.Forward(h, B)
}

// Backward takes dLoss/dvalid [B] and dLoss/dlabel [B, K] of the last
// Forward, sets the parameter gradients (unless frozen) and returns
// dLoss/dx [B, 1, 28, 28] if needDX (nil otherwise).
func (d *Discriminator) Backward(dvalid, dlabel []float32, needDX bool) []float32 {
	B := d.n
	dv := d.Valid.Backward(dvalid, true)
	dl := d.Label.Backward(dlabel, true)
	d.dflat = grow(d.dflat, B*2048)
	for i := range d.dflat {
		d.dflat[i] = dv[i] + dl[i]
	}
	h := d.Drop4.Backward(d.dflat)
	h = d.Act4.Backward(h)
	h = d.Conv4.Backward(h, true)
	h = d.BN3.Backward(h)
	h = d.Drop3.Backward(h)
	h = d.Act3.Backward(h)
	h = d.Conv3.Backward(h, true)
	h = d.BN2.Backward(h)
	h = d.Drop2.Backward(h)
	h = d.Act2.Backward(h)
	h = d.Pad2.Backward(h)
	h = d.Conv2.Backward(h, true)
	h = d.Drop1.Backward(h)
	h = d.Act1.Backward(h)
	return d.Conv1.Backward(h, needDX)
}

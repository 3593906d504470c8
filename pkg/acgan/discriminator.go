// The discriminator of the Keras program (Keras-GAN acgan.py,
// build_discriminator).
//
//	x [B, 1, 28, 28]
//	a1 = drop(lrelu(conv1(x)))                 [B, 16, 14, 14]  conv 1 → 16, 3×3 stride 2 same
//	a2 = bn2(drop(lrelu(pad(conv2(a1)))))      [B, 32, 8, 8]    conv 16 → 32 s2 → 7×7, zero-pad bottom/right
//	a3 = bn3(drop(lrelu(conv3(a2))))           [B, 64, 4, 4]    conv 32 → 64 s2
//	a4 = drop(lrelu(conv4(a3)))                [B, 128, 4, 4]   conv 64 → 128 s1
//	f  = flatten(a4)                           [B, 2048]        feature c·16 + h·4 + w
//	valid = valid(f)                           [B, 1]           logit (sigmoid in the loss)
//	label = label(f)                           [B, K]           logits (softmax in the loss), K = 11 or 10
//	twin  = twin(f)                            [B, C]           objective tac only: the twin class head, C = 10
//
// LeakyReLU α = 0.2, Dropout 0.25, BatchNorm momentum 0.8 (Keras order:
// Conv → ZeroPadding → LeakyReLU → Dropout → BN, as above).

package acgan

import (
	"math/rand/v2"

	"acgan/pkg/nn"
)

// The discriminator's architecture: channels and image sizes of each
// block (square images), the LeakyReLU slope and the kernel size.
const (
	dKernel = 3   // every conv is 3×3
	dSlope  = 0.2 // LeakyReLU α

	dWidth1 = 16  // conv1's channels
	dWidth2 = 32  // conv2's
	dWidth3 = 64  // conv3's
	dWidth4 = 128 // conv4's

	dSize1 = (ImageH + 1) / 2 // 14: conv1's output side (stride 2, "same")
	dSize2 = (dSize1 + 1) / 2 // 7: conv2's
	dSizeP = dSize2 + 1       // 8: after the zero padding
	dSize3 = dSizeP / 2       // 4: conv3's and conv4's (stride 1)

	dFlat = dWidth4 * dSize3 * dSize3 // 2048: a4 flattened
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
	Twin  *nn.Dense // d.twin 2048 → C, the twin class head (nil unless objective TAC)

	layers layerList // the layers with parameters or state, in network order

	n     int
	dflat []float32
}

// NewDiscriminator returns a discriminator with a k-way class head and,
// if twin > 0, a twin-way twin class head, Keras's initialisation drawn
// from r (the twin's last), and dropout masks drawn from r as it runs.
func NewDiscriminator(k, twin int, dropout float32, r *rand.Rand) *Discriminator {
	d := &Discriminator{K: k}
	ls := &d.layers
	d.Conv1 = add(ls, nn.NewConv2D("d.conv1", ImageC, dWidth1, dKernel, 2, nn.Same))
	d.Act1, d.Drop1 = nn.NewLeakyReLU(dSlope), nn.NewDropout(dropout, r)
	d.Conv2 = add(ls, nn.NewConv2D("d.conv2", dWidth1, dWidth2, dKernel, 2, nn.Same))
	d.Act2, d.Drop2 = nn.NewLeakyReLU(dSlope), nn.NewDropout(dropout, r)
	d.BN2 = add(ls, nn.NewBatchNorm("d.bn2", dWidth2))
	d.Conv3 = add(ls, nn.NewConv2D("d.conv3", dWidth2, dWidth3, dKernel, 2, nn.Same))
	d.Act3, d.Drop3 = nn.NewLeakyReLU(dSlope), nn.NewDropout(dropout, r)
	d.BN3 = add(ls, nn.NewBatchNorm("d.bn3", dWidth3))
	d.Conv4 = add(ls, nn.NewConv2D("d.conv4", dWidth3, dWidth4, dKernel, 1, nn.Same))
	d.Act4, d.Drop4 = nn.NewLeakyReLU(dSlope), nn.NewDropout(dropout, r)
	d.Valid = add(ls, nn.NewDense("d.valid", dFlat, 1))
	d.Label = add(ls, nn.NewDense("d.label", dFlat, k))
	if twin > 0 {
		d.Twin = add(ls, nn.NewDense("d.twin", dFlat, twin))
	}
	d.layers.initKeras(r)
	return d
}

// Params returns every parameter of the discriminator, in network order.
func (d *Discriminator) Params() []*nn.Param { return d.layers.params() }

// States returns the batch-norm moving statistics, in network order.
func (d *Discriminator) States() []*nn.State { return d.layers.states() }

// SetFrozen freezes (or thaws) the discriminator as Keras's
// trainable=False does inside the combined model: Backward then computes
// only dx (no parameter gradients), and batch norm in training mode still
// normalises with batch statistics but leaves the moving ones alone.
func (d *Discriminator) SetFrozen(frozen bool) { d.layers.setFrozen(frozen) }

// Forward computes the validity logits [B], the class logits [B, K] and
// the twin head's class logits [B, C] (nil without a twin head) of the
// images x [B, 1, 28, 28]; training turns dropout on and makes batch norm
// use batch statistics.
func (d *Discriminator) Forward(x []float32, B int, training bool) (valid, label, twin []float32) {
	d.n = B
	h, _, _ := d.Conv1.Forward(x, B, ImageH, ImageW) // [B, 16, 14, 14]
	h = d.Act1.Forward(h)
	h = d.Drop1.Forward(h, training)
	h, _, _ = d.Conv2.Forward(h, B, dSize1, dSize1)  // [B, 32, 7, 7]
	h = d.Pad2.Forward(h, B*dWidth2, dSize2, dSize2) // [B, 32, 8, 8]
	h = d.Act2.Forward(h)
	h = d.Drop2.Forward(h, training)
	h = d.BN2.Forward(h, B, dSizeP*dSizeP, training)
	h, _, _ = d.Conv3.Forward(h, B, dSizeP, dSizeP) // [B, 64, 4, 4]
	h = d.Act3.Forward(h)
	h = d.Drop3.Forward(h, training)
	h = d.BN3.Forward(h, B, dSize3*dSize3, training)
	h, _, _ = d.Conv4.Forward(h, B, dSize3, dSize3) // [B, 128, 4, 4] = [B, 2048]
	h = d.Act4.Forward(h)
	h = d.Drop4.Forward(h, training)
	valid, label = d.Valid.Forward(h, B), d.Label.Forward(h, B)
	if d.Twin != nil {
		twin = d.Twin.Forward(h, B)
	}
	return valid, label, twin
}

// Backward takes dLoss/dvalid [B], dLoss/dlabel [B, K] and, with a twin
// head, dLoss/dtwin [B, C] of the last Forward (dtwin is ignored
// without one), sets the parameter gradients (unless frozen) and returns
// dLoss/dx [B, 1, 28, 28] if needDX (nil otherwise).
func (d *Discriminator) Backward(dvalid, dlabel, dtwin []float32, needDX bool) []float32 {
	B := d.n
	dv := d.Valid.Backward(dvalid, true)
	dl := d.Label.Backward(dlabel, true)
	d.dflat = grow(d.dflat, B*dFlat) // f feeds every head: the gradients add
	if d.Twin == nil {
		for i := range d.dflat {
			d.dflat[i] = dv[i] + dl[i]
		}
	} else {
		dt := d.Twin.Backward(dtwin, true)
		for i := range d.dflat {
			d.dflat[i] = dv[i] + dl[i] + dt[i]
		}
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

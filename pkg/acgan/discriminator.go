// The discriminator of the Keras program (Keras-GAN acgan.py,
// build_discriminator), for images of C channels and S×S pixels (S a
// multiple of 4; MNIST's C = 1, S = 28 in brackets). With s2 = S/4 and
// s3 = ceil(S/8):
//
//	x [B, C, S, S]
//	a1 = drop(lrelu(conv1(x)))                 [B, 16, S/2, S/2]   (14×14) conv C → 16, 3×3 stride 2 same
//	a2 = bn2(drop(lrelu(pad(conv2(a1)))))      [B, 32, 2s3, 2s3]   (8×8)   conv 16 → 32 s2 → s2×s2 (7×7);
//	                                                                       an odd side zero-padded bottom/right
//	a3 = bn3(drop(lrelu(conv3(a2))))           [B, 64, s3, s3]     (4×4)   conv 32 → 64 s2
//	a3 = mbstd(a3)                             [B, 65, s3, s3]             with Config.MinibatchStdDev only
//	a4 = drop(lrelu(conv4(a3)))                [B, 128, s3, s3]    (4×4)   conv 64 (65) → 128 s1
//	f  = flatten(a4)                           [B, F]              F = 128·s3² (2048), feature c·s3² + h·s3 + w
//	valid = valid(f)                           [B, 1]              logit (sigmoid in the loss)
//	label = label(f)                           [B, K]              logits (softmax in the loss), K = classes+1 or classes
//	twin  = twin(f)                            [B, N]              objective tac only: the twin class head, N = classes
//
// The Keras program pads conv2's 7×7 to 8×8 (ZeroPadding2D((0,1),(0,1)));
// the padding is kept for every odd side (S = 20, 28, …, 60) and left out
// for an even one (S = 16, 24, 32, …), where conv3 halves the side exactly,
// so that the features are 128·ceil(S/8)² for every S: 512 at 16, 2048 at
// 28 and 32, 8192 at 64.
//
// LeakyReLU α = 0.2, Dropout 0.25, BatchNorm momentum 0.8 (Keras order:
// Conv → ZeroPadding → LeakyReLU → Dropout → BN, as above).
//
// Config.MinibatchStdDev G > 0 departs from the Keras program: before
// conv4, the minibatch standard deviation layer (Karras et al. 2018,
// nn.MinibatchStdDev) appends one channel holding, for each group of G
// images of the batch, how much they differ, so that conv4 and the heads
// can tell a batch of near copies (a collapsed class) from real images.
//
// Config.DWidth M > 1 departs from it too: every conv has M times the
// channels above (16M, 32M, 64M, 128M; F = 128M·s3²).

package acgan

import (
	"math/rand/v2"

	"acgan/pkg/nn"
)

// The discriminator's architecture: the channels of each block (times
// Config.DWidth, 1 in the Keras program), the LeakyReLU slope and the
// kernel size. The blocks' sides follow from the image's (dSides).
const (
	dKernel = 3   // every conv is 3×3
	dSlope  = 0.2 // LeakyReLU α

	dWidth1 = 16  // conv1's channels
	dWidth2 = 32  // conv2's
	dWidth3 = 64  // conv3's
	dWidth4 = 128 // conv4's
)

// dWidths returns the channels of conv1 … conv4 under configuration c:
// the Keras program's times c.DWidth.
func dWidths(c Config) (w1, w2, w3, w4 int) {
	m := c.DWidth
	return dWidth1 * m, dWidth2 * m, dWidth3 * m, dWidth4 * m
}

// dSides returns the sides of the discriminator's blocks for images of
// size pixels a side: conv1's output (stride 2, "same": ceil(size/2)),
// conv2's (ceil(s1/2)), after the zero padding (sP: s2 made even) and
// conv3's and conv4's (sP/2 = ceil(size/8)).
func dSides(size int) (s1, s2, sP, s3 int) {
	s1 = (size + 1) / 2
	s2 = (s1 + 1) / 2
	sP = s2 + s2%2
	return s1, s2, sP, sP / 2
}

// dFlat returns the discriminator's features under configuration c: a4
// flattened, 128·DWidth·ceil(Size/8)².
func dFlat(c Config) int {
	_, _, _, s3 := dSides(c.Size)
	_, _, _, w4 := dWidths(c)
	return w4 * s3 * s3
}

// dIn4 returns conv4's input channels under configuration c: bn3's, and
// one more with the minibatch standard deviation layer.
func dIn4(c Config) int {
	_, _, w3, _ := dWidths(c)
	if c.MinibatchStdDev > 0 {
		return w3 + 1
	}
	return w3
}

// Discriminator maps an image to a validity logit and class logits.
type Discriminator struct {
	K              int // class-head size
	Size, Channels int // of the images: S and C

	Conv1 *nn.Conv2D // d.conv1 C → 16 s2 (channels times Config.DWidth, here and below)
	Act1  *nn.LeakyReLU
	Drop1 *nn.Dropout
	Conv2 *nn.Conv2D // d.conv2 16 → 32 s2
	Pad2  nn.ZeroPad // used when conv2's side is odd
	Act2  *nn.LeakyReLU
	Drop2 *nn.Dropout
	BN2   *nn.BatchNorm // d.bn2 (32)
	Conv3 *nn.Conv2D    // d.conv3 32 → 64 s2
	Act3  *nn.LeakyReLU
	Drop3 *nn.Dropout
	BN3   *nn.BatchNorm       // d.bn3 (64)
	MBStd *nn.MinibatchStdDev // nil unless Config.MinibatchStdDev > 0
	Conv4 *nn.Conv2D          // d.conv4 64 (65 after MBStd) → 128 s1
	Act4  *nn.LeakyReLU
	Drop4 *nn.Dropout
	Valid *nn.Dense // d.valid F → 1
	Label *nn.Dense // d.label F → K
	Twin  *nn.Dense // d.twin F → N, the twin class head (nil unless objective TAC)

	layers layerList // the layers with parameters or state, in network order

	n     int
	dflat []float32
}

// NewDiscriminator returns the discriminator of configuration c (c is
// assumed valid: Config.Validate): for images of c.Channels × c.Size ×
// c.Size, with a c.HeadClasses()-way class head and, with objective TAC, a
// c.TwinClasses()-way twin class head, Keras's initialisation drawn from r
// (the twin's last), and dropout masks of rate c.Dropout drawn from r as it
// runs.
func NewDiscriminator(c Config, r *rand.Rand) *Discriminator {
	k, twin, dropout := c.HeadClasses(), c.TwinClasses(), c.Dropout
	w1, w2, w3, w4 := dWidths(c)
	flat := dFlat(c)
	d := &Discriminator{K: k, Size: c.Size, Channels: c.Channels}
	ls := &d.layers
	d.Conv1 = add(ls, nn.NewConv2D("d.conv1", c.Channels, w1, dKernel, 2, nn.Same))
	d.Act1, d.Drop1 = nn.NewLeakyReLU(dSlope), nn.NewDropout(dropout, r)
	d.Conv2 = add(ls, nn.NewConv2D("d.conv2", w1, w2, dKernel, 2, nn.Same))
	d.Act2, d.Drop2 = nn.NewLeakyReLU(dSlope), nn.NewDropout(dropout, r)
	d.BN2 = add(ls, nn.NewBatchNorm("d.bn2", w2))
	d.Conv3 = add(ls, nn.NewConv2D("d.conv3", w2, w3, dKernel, 2, nn.Same))
	d.Act3, d.Drop3 = nn.NewLeakyReLU(dSlope), nn.NewDropout(dropout, r)
	d.BN3 = add(ls, nn.NewBatchNorm("d.bn3", w3))
	if c.MinibatchStdDev > 0 {
		d.MBStd = nn.NewMinibatchStdDev(c.MinibatchStdDev)
	}
	d.Conv4 = add(ls, nn.NewConv2D("d.conv4", dIn4(c), w4, dKernel, 1, nn.Same))
	d.Act4, d.Drop4 = nn.NewLeakyReLU(dSlope), nn.NewDropout(dropout, r)
	d.Valid = add(ls, nn.NewDense("d.valid", flat, 1))
	d.Label = add(ls, nn.NewDense("d.label", flat, k))
	if twin > 0 {
		d.Twin = add(ls, nn.NewDense("d.twin", flat, twin))
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
// the twin head's class logits [B, N] (nil without a twin head) of the
// images x [B, C, S, S]; training turns dropout on and makes batch norm
// use batch statistics.
func (d *Discriminator) Forward(x []float32, B int, training bool) (valid, label, twin []float32) {
	d.n = B
	s1, s2, sP, s3 := dSides(d.Size)
	h, _, _ := d.Conv1.Forward(x, B, d.Size, d.Size) // [B, 16, s1, s1]
	h = d.Act1.Forward(h)
	h = d.Drop1.Forward(h, training)
	h, _, _ = d.Conv2.Forward(h, B, s1, s1) // [B, 32, s2, s2]
	if sP != s2 {
		h = d.Pad2.Forward(h, B*d.Conv2.Cout, s2, s2) // [B, 32, sP, sP], sP = s2 + 1
	}
	h = d.Act2.Forward(h)
	h = d.Drop2.Forward(h, training)
	h = d.BN2.Forward(h, B, sP*sP, training)
	h, _, _ = d.Conv3.Forward(h, B, sP, sP) // [B, 64, s3, s3]
	h = d.Act3.Forward(h)
	h = d.Drop3.Forward(h, training)
	h = d.BN3.Forward(h, B, s3*s3, training)
	if d.MBStd != nil {
		h = d.MBStd.Forward(h, B, d.Conv3.Cout, s3*s3) // [B, 65, s3, s3]
	}
	h, _, _ = d.Conv4.Forward(h, B, s3, s3) // [B, 128, s3, s3] = [B, F]
	h = d.Act4.Forward(h)
	h = d.Drop4.Forward(h, training)
	valid, label = d.Valid.Forward(h, B), d.Label.Forward(h, B)
	if d.Twin != nil {
		twin = d.Twin.Forward(h, B)
	}
	return valid, label, twin
}

// Backward takes dLoss/dvalid [B], dLoss/dlabel [B, K] and, with a twin
// head, dLoss/dtwin [B, N] of the last Forward (dtwin is ignored
// without one), sets the parameter gradients (unless frozen) and returns
// dLoss/dx [B, C, S, S] if needDX (nil otherwise).
func (d *Discriminator) Backward(dvalid, dlabel, dtwin []float32, needDX bool) []float32 {
	B := d.n
	_, s2, sP, _ := dSides(d.Size)
	dv := d.Valid.Backward(dvalid, true)
	dl := d.Label.Backward(dlabel, true)
	d.dflat = grow(d.dflat, B*d.Valid.In) // f feeds every head: the gradients add
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
	if d.MBStd != nil {
		h = d.MBStd.Backward(h)
	}
	h = d.BN3.Backward(h)
	h = d.Drop3.Backward(h)
	h = d.Act3.Backward(h)
	h = d.Conv3.Backward(h, true)
	h = d.BN2.Backward(h)
	h = d.Drop2.Backward(h)
	h = d.Act2.Backward(h)
	if sP != s2 {
		h = d.Pad2.Backward(h)
	}
	h = d.Conv2.Backward(h, true)
	h = d.Drop1.Backward(h)
	h = d.Act1.Backward(h)
	return d.Conv1.Backward(h, needDX)
}

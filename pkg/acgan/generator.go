// The generator of the Keras program (Keras-GAN acgan.py,
// build_generator).
//
//	z [B, L], label [B]                       L = latent (100)
//	h   = z ⊙ embed(label)                    [B, L]      embedding (classes, L)
//	d   = relu(dense(h))                      [B, 6272]   dense L → 128·7·7
//	      reshape to [B, 128, 7, 7]           unit j → channel j/49, row (j%49)/7, col j%7
//	                                          (the NCHW layout itself: no data moves)
//	b0  = bn0(d)                              [B, 128, 7, 7]
//	b1  = bn1(relu(conv1(upsample2x(b0))))    [B, 128, 14, 14]   conv 128 → 128, 3×3 same
//	b2  = bn2(relu(conv2(upsample2x(b1))))    [B, 64, 28, 28]    conv 128 → 64
//	img = tanh(conv3(b2))                     [B, 1, 28, 28]     conv 64 → 1
//
// Keras's order is Dense(relu) → Reshape → BN → UpSampling → Conv → relu →
// BN → UpSampling → Conv → relu → BN → Conv → tanh, as above. Each
// upsampling, the conv after it and its relu run as one nn.UpConv2D (the
// same function, computed on the small image: 2.25× fewer multiply-adds,
// and the relu applied as the output is written).

package acgan

import (
	"fmt"
	"math/rand/v2"

	"acgan/pkg/nn"
)

// The generator's architecture: channels and image sizes of each block
// (square images) and the last conv's kernel size (the upsampling convs
// are nn.UpConv2D's 3×3).
const (
	gKernel = 3 // conv3 is 3×3

	gWidth0 = 128 // the dense output's channels
	gWidth1 = 128 // conv1's
	gWidth2 = 64  // conv2's

	gSize0 = ImageH / 4 // 7: the dense output's side
	gSize1 = 2 * gSize0 // 14: after the first upsampling
	gSize2 = 2 * gSize1 // 28 = ImageH: after the second

	gDense = gWidth0 * gSize0 * gSize0 // 6272: the dense layer's outputs
)

// Generator maps noise and a class label to an image in [-1, 1].
type Generator struct {
	Latent, Classes int

	Embed *nn.Embedding // g.embed [classes, latent]
	Dense *nn.Dense     // g.dense [6272, latent]
	Relu0 nn.ReLU
	BN0   *nn.BatchNorm // g.bn0 (128)
	Conv1 *nn.UpConv2D  // upsample 7→14, g.conv1 128 → 128, relu
	BN1   *nn.BatchNorm // g.bn1 (128)
	Conv2 *nn.UpConv2D  // upsample 14→28, g.conv2 128 → 64, relu
	BN2   *nn.BatchNorm // g.bn2 (64)
	Conv3 *nn.Conv2D    // g.conv3 64 → 1
	Tanh  nn.Tanh

	layers layerList // the layers with parameters or state, in network order

	n     int
	z     []float32 // of the last Forward (not owned)
	h, dh []float32 // z ⊙ embed, and its gradient
}

// NewGenerator returns a generator with Keras's initialisation drawn from r
// (Glorot-uniform kernels, zero biases, U(±0.05) embeddings, γ = 1, β = 0).
func NewGenerator(latent, classes int, r *rand.Rand) *Generator {
	g := newGenerator("g", latent, classes)
	g.layers.initKeras(r)
	return g
}

// newGenerator returns a generator whose parameters and states are named
// prefix + ".embed", … and hold their constructors' values (zero kernels).
func newGenerator(prefix string, latent, classes int) *Generator {
	g := &Generator{Latent: latent, Classes: classes}
	ls := &g.layers
	g.Embed = add(ls, nn.NewEmbedding(prefix+".embed", classes, latent))
	g.Dense = add(ls, nn.NewDense(prefix+".dense", latent, gDense))
	g.BN0 = add(ls, nn.NewBatchNorm(prefix+".bn0", gWidth0))
	g.Conv1 = add(ls, nn.NewUpConv2D(prefix+".conv1", gWidth0, gWidth1))
	g.Conv1.ReLU = true
	g.BN1 = add(ls, nn.NewBatchNorm(prefix+".bn1", gWidth1))
	g.Conv2 = add(ls, nn.NewUpConv2D(prefix+".conv2", gWidth1, gWidth2))
	g.Conv2.ReLU = true
	g.BN2 = add(ls, nn.NewBatchNorm(prefix+".bn2", gWidth2))
	g.Conv3 = add(ls, nn.NewConv2D(prefix+".conv3", gWidth2, ImageC, gKernel, 1, nn.Same))
	return g
}

// Params returns every parameter of the generator, in network order.
func (g *Generator) Params() []*nn.Param { return g.layers.params() }

// States returns the batch-norm moving statistics, in network order.
func (g *Generator) States() []*nn.State { return g.layers.states() }

// Forward computes images [B, 1, 28, 28] from z [B, Latent] and labels
// [B] (B = len(labels)); training selects batch statistics in batch norm
// (and updates the moving ones). Labels must be in [0, Classes) and z must
// hold B·Latent values: Generate checks them, Forward panics.
func (g *Generator) Forward(z []float32, labels []int, training bool) []float32 {
	B, L := len(labels), g.Latent
	g.n, g.z = B, z[:B*L]
	e := g.Embed.Forward(labels)
	g.h = grow(g.h, B*L)
	for i := range g.h {
		g.h[i] = g.z[i] * e[i]
	}
	x := g.Dense.Forward(g.h, B) // [B, 6272] = [B, 128, 7, 7]
	x = g.Relu0.Forward(x)
	x = g.BN0.Forward(x, B, gSize0*gSize0, training)
	x = g.Conv1.Forward(x, B, gSize0, gSize0) // [B, 128, 14, 14], relu included
	x = g.BN1.Forward(x, B, gSize1*gSize1, training)
	x = g.Conv2.Forward(x, B, gSize1, gSize1) // [B, 64, 28, 28], relu included
	x = g.BN2.Forward(x, B, gSize2*gSize2, training)
	x, _, _ = g.Conv3.Forward(x, B, gSize2, gSize2) // [B, 1, 28, 28]
	return g.Tanh.Forward(x)
}

// Backward takes dLoss/dimage [B, 1, 28, 28] of the last Forward and sets
// the gradients of every generator parameter.
func (g *Generator) Backward(dimg []float32) {
	B := g.n
	d := g.Tanh.Backward(dimg)
	d = g.Conv3.Backward(d, true)
	d = g.BN2.Backward(d)
	d = g.Conv2.Backward(d, true) // relu included
	d = g.BN1.Backward(d)
	d = g.Conv1.Backward(d, true) // relu included
	d = g.BN0.Backward(d)
	d = g.Relu0.Backward(d)
	d = g.Dense.Backward(d, true)
	// h = z ⊙ e  ⇒  de = dh ⊙ z
	g.dh = grow(g.dh, B*g.Latent)
	for i := range g.dh {
		g.dh[i] = d[i] * g.z[i]
	}
	g.Embed.Backward(g.dh)
}

// Generate returns new images [B, 1, 28, 28] for z [B, Latent] and labels
// [B], with batch norm in inference mode (moving statistics). The result is
// a fresh slice.
func (g *Generator) Generate(z []float32, labels []int) ([]float32, error) {
	return g.GenerateBatched(z, labels, len(labels))
}

// GenerateBatched is Generate running the generator on at most batch
// images at a time (batch ≥ 1): its buffers grow to the largest batch it
// has run, so this bounds its memory. Each image is the same whatever the
// batches, up to the float32 rounding of the products' shapes.
func (g *Generator) GenerateBatched(z []float32, labels []int, batch int) ([]float32, error) {
	if err := g.check(z, labels); err != nil {
		return nil, err
	}
	if batch < 1 {
		return nil, fmt.Errorf("acgan: generator: batches of %d images", batch)
	}
	L := g.Latent
	out := make([]float32, 0, len(labels)*ImageSize)
	for lo := 0; lo < len(labels); lo += batch {
		hi := min(lo+batch, len(labels))
		out = append(out, g.Forward(z[lo*L:hi*L], labels[lo:hi], false)...)
	}
	return out, nil
}

func (g *Generator) check(z []float32, labels []int) error {
	if len(labels) == 0 {
		return fmt.Errorf("acgan: generator: no labels")
	}
	if len(z) != len(labels)*g.Latent {
		return fmt.Errorf("acgan: generator: %d noise values for %d labels of latent size %d", len(z), len(labels), g.Latent)
	}
	for i, c := range labels {
		if c < 0 || c >= g.Classes {
			return fmt.Errorf("acgan: generator: label %d (at %d) out of range [0, %d)", c, i, g.Classes)
		}
	}
	return nil
}

// grow returns buf resliced to n, reallocating only when too small.
func grow(buf []float32, n int) []float32 {
	if cap(buf) < n {
		return make([]float32, n)
	}
	return buf[:n]
}

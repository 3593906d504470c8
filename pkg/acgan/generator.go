// The generator of the Keras program (Keras-GAN acgan.py,
// build_generator), for images of C channels and S×S pixels (S a multiple
// of 4; MNIST's C = 1, S = 28 in brackets).
//
//	z [B, L], label [B]                       L = latent (100)
//	h   = z ⊙ embed(label)                    [B, L]               embedding (classes, L)
//	      (Concat: h = [z, embed(label)]      [B, 2L])
//	d   = relu(dense(h))                      [B, 128·(S/4)²]      dense L (2L) → 128·(S/4)² (6272)
//	      reshape to [B, 128, S/4, S/4]       unit j → channel j/(S/4)², row (j%(S/4)²)/(S/4), col j%(S/4)
//	                                          (the NCHW layout itself: no data moves)
//	b0  = bn0(d)                              [B, 128, S/4, S/4]   (7×7)
//	b1  = bn1(relu(conv1(upsample2x(b0))))    [B, 128, S/2, S/2]   (14×14) conv 128 → 128, 3×3 same
//	b2  = bn2(relu(conv2(upsample2x(b1))))    [B, 64, S, S]        (28×28) conv 128 → 64
//	img = tanh(conv3(b2))                     [B, C, S, S]         (1×28×28) conv 64 → C
//
// Keras's order is Dense(relu) → Reshape → BN → UpSampling → Conv → relu →
// BN → UpSampling → Conv → relu → BN → Conv → tanh, as above. Each
// upsampling, the conv after it and its relu run as one nn.UpConv2D (the
// same function, computed on the small image: 2.25× fewer multiply-adds,
// and the relu applied as the output is written).
//
// Config.Conditioning Concat departs from the Keras program: the dense
// layer takes the noise and the class's embedding side by side instead of
// their product, so that no class can turn its noise off (docs/model.md).

package acgan

import (
	"fmt"
	"math/rand/v2"

	"acgan/pkg/nn"
)

// The generator's architecture: the channels of each block and the last
// conv's kernel size (the upsampling convs are nn.UpConv2D's 3×3). The
// blocks' sides follow from the image's (Generator.sides).
const (
	gKernel = 3 // conv3 is 3×3

	gWidth0 = 128 // the dense output's channels
	gWidth1 = 128 // conv1's
	gWidth2 = 64  // conv2's
)

// gSides returns the sides of the generator's blocks for images of size
// pixels a side: the dense output's (size/4), after the first upsampling
// (size/2) and after the second (size).
func gSides(size int) (s0, s1, s2 int) { return size / 4, size / 2, size }

// gInputs returns the inputs of the generator's dense layer for noise of
// latent values: latent (Multiply) or 2·latent (Concat).
func gInputs(latent int, c Conditioning) int {
	if c == Concat {
		return 2 * latent
	}
	return latent
}

// gDense returns the outputs of the generator's dense layer for images of
// size pixels a side: 128·(size/4)².
func gDense(size int) int {
	s0, _, _ := gSides(size)
	return gWidth0 * s0 * s0
}

// Generator maps noise and a class label to an image in [-1, 1].
type Generator struct {
	Latent, Classes int
	Size, Channels  int // of the images: S and C
	Conditioning    Conditioning

	Embed *nn.Embedding // g.embed [classes, latent]
	Dense *nn.Dense     // g.dense [128·(S/4)², latent] ([…, 2·latent] with Concat)
	Relu0 nn.ReLU
	BN0   *nn.BatchNorm // g.bn0 (128)
	Conv1 *nn.UpConv2D  // upsample S/4 → S/2, g.conv1 128 → 128, relu
	BN1   *nn.BatchNorm // g.bn1 (128)
	Conv2 *nn.UpConv2D  // upsample S/2 → S, g.conv2 128 → 64, relu
	BN2   *nn.BatchNorm // g.bn2 (64)
	Conv3 *nn.Conv2D    // g.conv3 64 → C
	Tanh  *nn.Tanh

	layers layerList // the layers with parameters or state, in network order

	n     int
	z     []float32 // of the last Forward (not owned)
	h, dh []float32 // z ⊙ embed (or [z, embed]), and the embedding's gradient
}

// NewGenerator returns the generator of configuration c (its Latent,
// Classes, Size and Channels; c is assumed valid: Config.Validate) with
// Keras's initialisation drawn from r (Glorot-uniform kernels, zero biases,
// U(±0.05) embeddings, γ = 1, β = 0).
func NewGenerator(c Config, r *rand.Rand) *Generator {
	g := newGenerator("g", c.Latent, c.Classes, c.Size, c.Channels, c.Conditioning)
	g.layers.initKeras(r)
	return g
}

// newGenerator returns a generator whose parameters and states are named
// prefix + ".embed", … and hold their constructors' values (zero kernels).
func newGenerator(prefix string, latent, classes, size, channels int, cond Conditioning) *Generator {
	g := &Generator{Latent: latent, Classes: classes, Size: size, Channels: channels, Conditioning: cond}
	ls := &g.layers
	g.Embed = add(ls, nn.NewEmbedding(prefix+".embed", classes, latent))
	g.Dense = add(ls, nn.NewDense(prefix+".dense", gInputs(latent, cond), gDense(size)))
	g.BN0 = add(ls, nn.NewBatchNorm(prefix+".bn0", gWidth0))
	g.Conv1 = add(ls, nn.NewUpConv2D(prefix+".conv1", gWidth0, gWidth1))
	g.Conv1.ReLU = true
	g.BN1 = add(ls, nn.NewBatchNorm(prefix+".bn1", gWidth1))
	g.Conv2 = add(ls, nn.NewUpConv2D(prefix+".conv2", gWidth1, gWidth2))
	g.Conv2.ReLU = true
	g.BN2 = add(ls, nn.NewBatchNorm(prefix+".bn2", gWidth2))
	g.Conv3 = add(ls, nn.NewConv2D(prefix+".conv3", gWidth2, channels, gKernel, 1, nn.Same))
	g.Tanh = nn.NewTanh()
	return g
}

// Params returns every parameter of the generator, in network order.
func (g *Generator) Params() []*nn.Param { return g.layers.params() }

// States returns the batch-norm moving statistics, in network order.
func (g *Generator) States() []*nn.State { return g.layers.states() }

// ImageSize returns the number of values of one image: Channels·Size·Size.
func (g *Generator) ImageSize() int { return g.Channels * g.Size * g.Size }

// Forward computes images [B, C, S, S] from z [B, Latent] and labels
// [B] (B = len(labels)); training selects batch statistics in batch norm
// (and updates the moving ones). Labels must be in [0, Classes) and z must
// hold B·Latent values: Generate checks them, Forward panics.
func (g *Generator) Forward(z []float32, labels []int, training bool) []float32 {
	B, L := len(labels), g.Latent
	s0, s1, s2 := gSides(g.Size)
	g.n, g.z = B, z[:B*L]
	e := g.Embed.Forward(labels)
	if g.Conditioning == Concat {
		g.h = grow(g.h, 2*B*L)
		for b := range B {
			copy(g.h[2*b*L:], g.z[b*L:(b+1)*L])
			copy(g.h[(2*b+1)*L:], e[b*L:(b+1)*L])
		}
	} else {
		g.h = grow(g.h, B*L)
		for i := range g.h {
			g.h[i] = g.z[i] * e[i]
		}
	}
	x := g.Dense.Forward(g.h, B) // [B, 128·s0²] = [B, 128, s0, s0], s0 = S/4
	x = g.Relu0.Forward(x)
	x = g.BN0.Forward(x, B, s0*s0, training)
	x = g.Conv1.Forward(x, B, s0, s0) // [B, 128, s1, s1], s1 = S/2, relu included
	x = g.BN1.Forward(x, B, s1*s1, training)
	x = g.Conv2.Forward(x, B, s1, s1) // [B, 64, S, S], relu included
	x = g.BN2.Forward(x, B, s2*s2, training)
	x, _, _ = g.Conv3.Forward(x, B, s2, s2) // [B, C, S, S]
	return g.Tanh.Forward(x)
}

// Backward takes dLoss/dimage [B, C, S, S] of the last Forward and sets
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
	L := g.Latent
	g.dh = grow(g.dh, B*L)
	if g.Conditioning == Concat {
		// h_b = [z_b, e_b]  ⇒  de_b = the second half of dh_b
		for b := range B {
			copy(g.dh[b*L:(b+1)*L], d[(2*b+1)*L:(2*b+2)*L])
		}
	} else {
		// h = z ⊙ e  ⇒  de = dh ⊙ z
		for i := range g.dh {
			g.dh[i] = d[i] * g.z[i]
		}
	}
	g.Embed.Backward(g.dh)
}

// Generate returns new images [B, C, S, S] for z [B, Latent] and labels
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
	out := make([]float32, 0, len(labels)*g.ImageSize())
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

// Package judge is the classifier acgan-eval judges generated images with:
// a small LeNet-style network trained on real labelled images of the
// model's geometry (MNIST's digits by default), whose penultimate layer
// gives the features the quality figures (pkg/eval) are computed on; its
// training; the statistics it keeps of the real held-out images; and its
// file, cached in the user's cache folder under a hash of the images it was
// trained on.
//
// For images of C channels, S×S pixels (S a multiple of 4) and K classes:
//
//	x      [N, C, S, S]             pixels scaled to [-1, 1]: (p − 127.5)/127.5
//	c1     = relu(maxpool(conv1(x)))      [N, 32, S/2, S/2]   conv C → 32, 3×3 same
//	c2     = relu(maxpool(conv2(c1)))     [N, 64, S/4, S/4]   conv 32 → 64, 3×3 same
//	c3     = relu(maxpool(conv3(c2)))     [N, 128, S/8, S/8]  conv 64 → 128, 3×3 same (S/8 rounded down: an odd S/4 drops its last row and column)
//	f      = relu(fc1(c3))                [N, 128]            dense 128·(S/8)² → 128: the features
//	logits = fc2(dropout(f))              [N, K]              dense 128 → K (softmax in the loss)
//
// MNIST (C 1, S 28, K 10) gives [N, 128, 3, 3] after c3 and a dense 1152 →
// 128. (relu(maxpool(·)) equals the usual maxpool(relu(·)); nn.PoolReLU
// computes it in one pass.) Dropout (rate 0.5) is active only in training;
// in inference the judge is a pure function of its parameters.
//
// Typical use:
//
//	j, err := judge.Open(ctx, path, want, source, line) // loaded, or trained once and saved
//	feats, classes, err := j.Read(images)
package judge

import (
	"fmt"
	"math/rand/v2"

	"acgan/pkg/dataset"
	"acgan/pkg/nn"
)

// Features is the width of the judge's penultimate layer: the length of
// the feature vector of an image.
const Features = 128

// Geometry is the shape of the images a judge reads and the number of
// their classes.
type Geometry struct {
	Channels int // 1 (gray) or 3 (RGB)
	Size     int // side of the square images, in pixels
	Classes  int // labels are in [0, Classes)
}

// MNIST is the geometry of MNIST's digits (pkg/dataset): gray 28×28, 10
// classes.
var MNIST = Geometry{Channels: dataset.MNISTChannels, Size: dataset.MNISTHeight, Classes: dataset.MNISTClasses}

// The geometries a judge is built for: those of the toolkit's model,
// square images of 16 to 64 pixels a side in steps of 4 (two exact
// pools, and at least 2×2 after the third), of 2 to 1000 classes.
const (
	MinSize    = 16
	MaxSize    = 64
	SizeStep   = 4
	MinClasses = 2
	MaxClasses = 1000
)

// Pixels returns the number of values of one image, Channels·Size·Size.
func (g Geometry) Pixels() int { return g.Channels * g.Size * g.Size }

// Check reports whether the judge can be built for g; its error says what
// g is and what the judge takes.
func (g Geometry) Check() error {
	switch {
	case g.Channels != 1 && g.Channels != 3:
		return fmt.Errorf("images of %d channels; want 1 (gray) or 3 (RGB)", g.Channels)
	case g.Size < MinSize || g.Size > MaxSize || g.Size%SizeStep != 0:
		return fmt.Errorf("images of %d×%d pixels; want a side that is a multiple of %d from %d to %d", g.Size, g.Size, SizeStep, MinSize, MaxSize)
	case g.Classes < MinClasses || g.Classes > MaxClasses:
		return fmt.Errorf("%d classes; want %d to %d", g.Classes, MinClasses, MaxClasses)
	}
	return nil
}

// String describes g: "28×28 gray images of 10 classes", "32×32 RGB
// images of 5 classes".
func (g Geometry) String() string {
	kind := fmt.Sprintf("%d-channel", g.Channels)
	switch g.Channels {
	case 1:
		kind = "gray"
	case 3:
		kind = "RGB"
	}
	return fmt.Sprintf("%d×%d %s images of %d classes", g.Size, g.Size, kind, g.Classes)
}

// GeometryOf returns the geometry of a labelled set, checked (square
// images of a size and a class count the judge is built for).
func GeometryOf(s *dataset.Set) (Geometry, error) {
	g := Geometry{Channels: s.Channels, Size: s.Height, Classes: s.Classes}
	if s.Height != s.Width {
		return g, fmt.Errorf("images of %d×%d pixels (height×width); want square ones", s.Height, s.Width)
	}
	return g, g.Check()
}

// The architecture (Arch names it): channels of each block, the kernel
// size and the dropout rate.
const (
	kernel = 3 // every conv is 3×3, stride 1, "same"

	width1 = 32  // conv1's channels
	width2 = 64  // conv2's
	width3 = 128 // conv3's

	dropout = 0.5 // before fc2, in training
)

// Judge is the classifier the figures are computed with.
type Judge struct {
	// Geom is the geometry of the images it reads.
	Geom Geometry

	Conv1 *nn.Conv2D // j.conv1 C → 32
	Pool1 *nn.PoolReLU
	Conv2 *nn.Conv2D // j.conv2 32 → 64
	Pool2 *nn.PoolReLU
	Conv3 *nn.Conv2D // j.conv3 64 → 128
	Pool3 *nn.PoolReLU
	FC1   *nn.Dense // j.fc1 128·(S/8)² → 128
	Relu  nn.ReLU
	Drop  *nn.Dropout
	FC2   *nn.Dense // j.fc2 128 → K

	// TestAccuracy is the judge's accuracy on the real held-out images
	// (the MNIST test digits), measured when it was trained (0 if unknown).
	TestAccuracy float64
	// Test holds the statistics of the held-out images the judge was
	// measured on (nil if unknown): the reference of the figures.
	Test *TestStats
	// Key is the SHA-256 (DataKey, in hex) of the images and labels it was
	// trained on; "" in files written before it was recorded (all of them
	// judges of MNIST).
	Key string
	// Info holds the facts of its training written in its file (seed,
	// epochs, images, ...), as key/values.
	Info map[string]string

	side0, side1, side2, side3 int            // conv1's side S, conv2's S/2, conv3's S/4, after the third pool S/8
	layers                     []nn.Trainable // the layers with parameters, in network order
}

// New returns an untrained judge for images of geometry g, with Keras's
// initialisation drawn from r (Glorot-uniform kernels, zero biases); r
// also drives dropout. For MNIST's geometry it is the network, and draws
// the values, that the MNIST judge always had.
func New(g Geometry, r *rand.Rand) (*Judge, error) {
	if err := g.Check(); err != nil {
		return nil, fmt.Errorf("judge: %w", err)
	}
	j := &Judge{Geom: g, Info: map[string]string{}}
	j.side0 = g.Size
	j.side1 = j.side0 / 2
	j.side2 = j.side1 / 2
	j.side3 = j.side2 / 2 // an odd side2 drops its last row and column
	flat := width3 * j.side3 * j.side3
	j.Conv1 = add(j, nn.NewConv2D("j.conv1", g.Channels, width1, kernel, 1, nn.Same))
	j.Pool1 = nn.NewPoolReLU()
	j.Conv2 = add(j, nn.NewConv2D("j.conv2", width1, width2, kernel, 1, nn.Same))
	j.Pool2 = nn.NewPoolReLU()
	j.Conv3 = add(j, nn.NewConv2D("j.conv3", width2, width3, kernel, 1, nn.Same))
	j.Pool3 = nn.NewPoolReLU()
	j.FC1 = add(j, nn.NewDense("j.fc1", flat, Features))
	j.Drop = nn.NewDropout(dropout, r)
	j.FC2 = add(j, nn.NewDense("j.fc2", Features, g.Classes))
	for _, l := range j.layers {
		switch l := l.(type) {
		case *nn.Conv2D:
			nn.GlorotUniform(l.Weight, r)
		case *nn.Dense:
			nn.GlorotUniform(l.Weight, r)
		}
	}
	return j, nil
}

// add appends l to the judge's list of layers with parameters and returns
// it, so that New builds and lists a layer in one statement. Params, the
// initialisation and the file follow the list.
func add[L nn.Trainable](j *Judge, l L) L {
	j.layers = append(j.layers, l)
	return l
}

// Params returns every parameter of the judge, in network order.
func (j *Judge) Params() []*nn.Param {
	var ps []*nn.Param
	for _, l := range j.layers {
		ps = append(ps, l.Params()...)
	}
	return ps
}

// forward runs the network on x [n, C, S, S] and returns the features
// [n, 128] and the logits [n, K], both in buffers of the layers. (MNIST's
// shapes in the comments.)
func (j *Judge) forward(x []float32, n int, training bool) (feats, logits []float32) {
	h, _, _ := j.Conv1.Forward(x, n, j.side0, j.side0)         // [n, 32, S, S]        [n, 32, 28, 28]
	h = pool(j.Pool1, h, n*width1, j.side0, training)          // [n, 32, S/2, S/2]    [n, 32, 14, 14]
	h, _, _ = j.Conv2.Forward(h, n, j.side1, j.side1)          // [n, 64, S/2, S/2]    [n, 64, 14, 14]
	h = pool(j.Pool2, h, n*width2, j.side1, training)          // [n, 64, S/4, S/4]    [n, 64, 7, 7]
	h, _, _ = j.Conv3.Forward(h, n, j.side2, j.side2)          // [n, 128, S/4, S/4]   [n, 128, 7, 7]
	h = pool(j.Pool3, h, n*width3, j.side2, training)          // [n, 128, S/8, S/8]   [n, 128, 3, 3] = [n, 1152]
	feats = j.Relu.Forward(j.FC1.Forward(h, n))                // [n, 128]
	logits = j.FC2.Forward(j.Drop.Forward(feats, training), n) // [n, K]               [n, 10]
	return feats, logits
}

// pool runs p on x [nc, side, side], in training or inference mode.
func pool(p *nn.PoolReLU, x []float32, nc, side int, training bool) []float32 {
	if training {
		return p.Forward(x, nc, side, side)
	}
	return p.Infer(x, nc, side, side)
}

// backward takes dLoss/dlogits of the last (training) forward and sets the
// gradients of every parameter.
func (j *Judge) backward(dlogits []float32) {
	d := j.FC2.Backward(dlogits, true)
	d = j.Drop.Backward(d)
	d = j.Relu.Backward(d)
	d = j.FC1.Backward(d, true)
	d = j.Pool3.Backward(d)
	d = j.Conv3.Backward(d, true)
	d = j.Pool2.Backward(d)
	d = j.Conv2.Backward(d, true)
	d = j.Pool1.Backward(d)
	j.Conv1.Backward(d, false)
}

// inferBatch is the number of images the judge reads at once in inference.
const inferBatch = 256

// Read runs the judge in inference mode on images [n, C, S, S] (values in
// [-1, 1]) and returns, for each image, its features [n, 128] (float64, for
// the statistics) and the class the judge reads (the largest logit).
func (j *Judge) Read(images []float32) (feats []float64, classes []int, err error) {
	px, k := j.Geom.Pixels(), j.Geom.Classes
	if len(images)%px != 0 {
		return nil, nil, fmt.Errorf("judge: %d pixel values are not a whole number of %d×%d×%d images", len(images), j.Geom.Channels, j.Geom.Size, j.Geom.Size)
	}
	n := len(images) / px
	feats = make([]float64, n*Features)
	classes = make([]int, n)
	for lo := 0; lo < n; lo += inferBatch {
		b := min(inferBatch, n-lo)
		f, l := j.forward(images[lo*px:(lo+b)*px], b, false)
		for i, v := range f[:b*Features] {
			feats[lo*Features+i] = float64(v)
		}
		for i := 0; i < b; i++ {
			classes[lo+i] = argmax(l[i*k : (i+1)*k])
		}
	}
	return feats, classes, nil
}

// Accuracy returns the fraction of the images the judge reads as their
// label.
func (j *Judge) Accuracy(d *Set) (float64, error) {
	_, classes, err := j.Read(d.Images)
	if err != nil {
		return 0, err
	}
	if len(classes) == 0 {
		return 0, nil
	}
	hit := 0
	for i, c := range classes {
		if c == d.Labels[i] {
			hit++
		}
	}
	return float64(hit) / float64(len(classes)), nil
}

// argmax returns the index of the largest value (the first, on ties).
func argmax(x []float32) int {
	best := 0
	for i, v := range x {
		if v > x[best] {
			best = i
		}
	}
	return best
}

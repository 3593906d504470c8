// Package judge is the classifier acgan-eval judges generated digits with:
// a small LeNet-style network trained once on real MNIST digits, whose
// penultimate layer gives the features the quality figures (pkg/eval) are
// computed on; its training; the statistics it keeps of the real test
// digits; and its file, cached in the user's cache folder.
//
//	x      [N, 1, 28, 28]   pixels scaled to [-1, 1]: (p − 127.5)/127.5
//	c1     = relu(maxpool(conv1(x)))      [N, 32, 14, 14]   conv 1 → 32, 3×3 same
//	c2     = relu(maxpool(conv2(c1)))     [N, 64, 7, 7]     conv 32 → 64, 3×3 same
//	c3     = relu(maxpool(conv3(c2)))     [N, 128, 3, 3]    conv 64 → 128, 3×3 same (pool drops row and column 7)
//	f      = relu(fc1(c3))                [N, 128]          dense 1152 → 128: the features
//	logits = fc2(dropout(f))              [N, 10]           dense 128 → 10 (softmax in the loss)
//
// (relu(maxpool(·)) equals the usual maxpool(relu(·)); nn.PoolReLU computes
// it in one pass.) Dropout (rate 0.5) is active only in training; in
// inference the judge is a pure function of its parameters.
//
// Typical use:
//
//	j, err := judge.Open(ctx, path, source, line) // loaded, or trained once and saved
//	feats, classes, err := j.Read(images)
package judge

import (
	"fmt"
	"math/rand/v2"

	"acgan/pkg/nn"
)

// The images the judge reads and what it makes of them.
const (
	ImageH   = 28
	ImageW   = 28
	Pixels   = ImageH * ImageW // values per image
	Classes  = 10              // digit classes
	Features = 128             // width of the penultimate layer
)

// The architecture (Arch names it): every width and size of the network.
const (
	kernel = 3   // side of every convolution kernel
	width1 = 32  // channels out of conv1
	width2 = 64  // channels out of conv2
	width3 = 128 // channels out of conv3
	// flat is the input width of fc1: conv3's channels after three 2×2
	// pools, each halving the side (rounded down).
	flat    = width3 * (ImageH / 2 / 2 / 2) * (ImageW / 2 / 2 / 2)
	dropout = 0.5 // rate of the dropout before fc2, in training
)

// Judge is the MNIST classifier the figures are computed with.
type Judge struct {
	Conv1 *nn.Conv2D // j.conv1 1 → 32
	Pool1 *nn.PoolReLU
	Conv2 *nn.Conv2D // j.conv2 32 → 64
	Pool2 *nn.PoolReLU
	Conv3 *nn.Conv2D // j.conv3 64 → 128
	Pool3 *nn.PoolReLU
	FC1   *nn.Dense // j.fc1 1152 → 128
	Relu  nn.ReLU
	Drop  *nn.Dropout
	FC2   *nn.Dense // j.fc2 128 → 10

	// TestAccuracy is the judge's accuracy on the MNIST test digits,
	// measured when it was trained (0 if unknown).
	TestAccuracy float64
	// Test holds the statistics of the MNIST test digits the judge was
	// measured on (nil if unknown): the reference of the figures.
	Test *TestStats
	// Info holds the facts of its training written in its file (seed,
	// epochs, digits, ...), as key/values.
	Info map[string]string

	params []*nn.Param // of every layer, in network order (see weighted)
}

// New returns an untrained judge with Keras's initialisation drawn from r
// (Glorot-uniform kernels, zero biases); r also drives dropout.
func New(r *rand.Rand) *Judge {
	j := &Judge{Info: map[string]string{}}
	j.Conv1 = weighted(j, nn.NewConv2D("j.conv1", 1, width1, kernel, 1, nn.Same))
	j.Pool1 = nn.NewPoolReLU()
	j.Conv2 = weighted(j, nn.NewConv2D("j.conv2", width1, width2, kernel, 1, nn.Same))
	j.Pool2 = nn.NewPoolReLU()
	j.Conv3 = weighted(j, nn.NewConv2D("j.conv3", width2, width3, kernel, 1, nn.Same))
	j.Pool3 = nn.NewPoolReLU()
	j.FC1 = weighted(j, nn.NewDense("j.fc1", flat, Features))
	j.Drop = nn.NewDropout(dropout, r)
	j.FC2 = weighted(j, nn.NewDense("j.fc2", Features, Classes))
	for _, p := range j.params {
		if len(p.Shape) > 1 { // a kernel; biases stay 0
			nn.GlorotUniform(p, r)
		}
	}
	return j
}

// weighted adds the parameters of layer l, built in network order by New,
// to the judge's, and returns l: Params, the initialisation and the file
// all follow the order of these calls.
func weighted[L interface{ Params() []*nn.Param }](j *Judge, l L) L {
	j.params = append(j.params, l.Params()...)
	return l
}

// Params returns every parameter of the judge, in network order.
func (j *Judge) Params() []*nn.Param { return j.params }

// forward runs the network on x [n, 1, 28, 28] and returns the features
// [n, 128] and the logits [n, 10], both in buffers of the layers.
func (j *Judge) forward(x []float32, n int, training bool) (feats, logits []float32) {
	h, oh, ow := j.Conv1.Forward(x, n, ImageH, ImageW)
	h, oh, ow = pool(j.Pool1, h, n*width1, oh, ow, training)
	h, oh, ow = j.Conv2.Forward(h, n, oh, ow)
	h, oh, ow = pool(j.Pool2, h, n*width2, oh, ow, training)
	h, oh, ow = j.Conv3.Forward(h, n, oh, ow)
	h, _, _ = pool(j.Pool3, h, n*width3, oh, ow, training)
	h = j.FC1.Forward(h, n)
	feats = j.Relu.Forward(h)
	h = j.Drop.Forward(feats, training)
	logits = j.FC2.Forward(h, n)
	return feats, logits
}

// pool runs p on x [nc, h, w], in training or inference mode, and returns
// its output and size.
func pool(p *nn.PoolReLU, x []float32, nc, h, w int, training bool) ([]float32, int, int) {
	if training {
		return p.Forward(x, nc, h, w), h / 2, w / 2
	}
	return p.Infer(x, nc, h, w), h / 2, w / 2
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

// Read runs the judge in inference mode on images [n, 1, 28, 28] (values in
// [-1, 1]) and returns, for each image, its features [n, 128] (float64, for
// the statistics) and the class the judge reads (the largest logit).
func (j *Judge) Read(images []float32) (feats []float64, classes []int, err error) {
	if len(images)%Pixels != 0 {
		return nil, nil, fmt.Errorf("judge: %d pixel values are not a whole number of 28×28 images", len(images))
	}
	n := len(images) / Pixels
	feats = make([]float64, n*Features)
	classes = make([]int, n)
	for lo := 0; lo < n; lo += inferBatch {
		b := min(inferBatch, n-lo)
		f, l := j.forward(images[lo*Pixels:(lo+b)*Pixels], b, false)
		for i, v := range f[:b*Features] {
			feats[lo*Features+i] = float64(v)
		}
		for i := 0; i < b; i++ {
			classes[lo+i] = argmax(l[i*Classes : (i+1)*Classes])
		}
	}
	return feats, classes, nil
}

// Accuracy returns the fraction of the digits the judge reads as their
// label.
func (j *Judge) Accuracy(d *Digits) (float64, error) {
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

// The judge: a small LeNet-style classifier of MNIST digits, built from
// pkg/nn, whose penultimate layer gives the features the quality figures
// are computed on.
//
//	x      [N, 1, 28, 28]   pixels scaled to [-1, 1]: (p − 127.5)/127.5
//	c1     = relu(maxpool(conv1(x)))      [N, 32, 14, 14]   conv 1 → 32, 3×3 same
//	c2     = relu(maxpool(conv2(c1)))     [N, 64, 7, 7]     conv 32 → 64, 3×3 same
//	c3     = relu(maxpool(conv3(c2)))     [N, 128, 3, 3]    conv 64 → 128, 3×3 same (pool drops row and column 7)
//	f      = relu(fc1(c3))                [N, 128]          dense 1152 → 128: the features
//	logits = fc2(dropout(f))              [N, 10]           dense 128 → 10 (softmax in the loss)
//
// (relu(maxpool(·)) equals the usual maxpool(relu(·)); PoolReLU computes it
// in one pass.) Dropout (rate 0.5) is active only in training; in inference the judge is
// a pure function of its parameters.

package eval

import (
	"fmt"
	"math/rand/v2"

	"acgan/pkg/nn"
)

// Geometry of the judge.
const (
	ImageH   = 28
	ImageW   = 28
	Pixels   = ImageH * ImageW // values per image
	Classes  = 10              // digit classes
	Features = 128             // width of the penultimate layer
)

// judgeDropout is the dropout rate before the last layer, in training.
const judgeDropout = 0.5

// Judge is the MNIST classifier the figures are computed with.
type Judge struct {
	Conv1 *nn.Conv2D // j.conv1 1 → 32
	Pool1 *PoolReLU
	Conv2 *nn.Conv2D // j.conv2 32 → 64
	Pool2 *PoolReLU
	Conv3 *nn.Conv2D // j.conv3 64 → 128
	Pool3 *PoolReLU
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
}

// NewJudge returns an untrained judge with Keras's initialisation drawn
// from r (Glorot-uniform kernels, zero biases); r also drives dropout.
func NewJudge(r *rand.Rand) *Judge {
	j := &Judge{
		Conv1: nn.NewConv2D("j.conv1", 1, 32, 3, 1, nn.Same),
		Pool1: NewPoolReLU(),
		Conv2: nn.NewConv2D("j.conv2", 32, 64, 3, 1, nn.Same),
		Pool2: NewPoolReLU(),
		Conv3: nn.NewConv2D("j.conv3", 64, 128, 3, 1, nn.Same),
		Pool3: NewPoolReLU(),
		FC1:   nn.NewDense("j.fc1", 128*3*3, Features),
		Drop:  nn.NewDropout(judgeDropout, r),
		FC2:   nn.NewDense("j.fc2", Features, Classes),
		Info:  map[string]string{},
	}
	for _, w := range []*nn.Param{j.Conv1.Weight, j.Conv2.Weight, j.Conv3.Weight, j.FC1.Weight, j.FC2.Weight} {
		nn.GlorotUniform(w, r)
	}
	return j
}

// Params returns every parameter of the judge, in network order.
func (j *Judge) Params() []*nn.Param {
	var ps []*nn.Param
	ps = append(ps, j.Conv1.Params()...)
	ps = append(ps, j.Conv2.Params()...)
	ps = append(ps, j.Conv3.Params()...)
	ps = append(ps, j.FC1.Params()...)
	ps = append(ps, j.FC2.Params()...)
	return ps
}

// forward runs the network on x [n, 1, 28, 28] and returns the features
// [n, 128] and the logits [n, 10], both in buffers of the layers.
func (j *Judge) forward(x []float32, n int, training bool) (feats, logits []float32) {
	h, _, _ := j.Conv1.Forward(x, n, ImageH, ImageW)
	h = j.pool(j.Pool1, h, n*32, 28, 28, training)
	h, _, _ = j.Conv2.Forward(h, n, 14, 14)
	h = j.pool(j.Pool2, h, n*64, 14, 14, training)
	h, _, _ = j.Conv3.Forward(h, n, 7, 7)
	h = j.pool(j.Pool3, h, n*128, 7, 7, training)
	h = j.FC1.Forward(h, n)
	feats = j.Relu.Forward(h)
	h = j.Drop.Forward(feats, training)
	logits = j.FC2.Forward(h, n)
	return feats, logits
}

// pool runs p in training or inference mode.
func (j *Judge) pool(p *PoolReLU, x []float32, nc, h, w int, training bool) []float32 {
	if training {
		return p.Forward(x, nc, h, w)
	}
	return p.Infer(x, nc, h, w)
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
		return nil, nil, fmt.Errorf("eval: judge: %d pixel values are not a whole number of 28×28 images", len(images))
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

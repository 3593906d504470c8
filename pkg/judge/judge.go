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

	"acgan/pkg/dataset"
	"acgan/pkg/nn"
)

// The images the judge reads (MNIST's geometry, pkg/dataset: gray 28×28)
// and what it makes of them.
const (
	ImageH   = dataset.MNISTHeight
	ImageW   = dataset.MNISTWidth
	Pixels   = ImageH * ImageW      // values per image
	Classes  = dataset.MNISTClasses // digit classes
	Features = 128                  // width of the penultimate layer
)

// The architecture (Arch names it): channels and sides of each block
// (square images), the kernel size and the dropout rate.
const (
	kernel = 3 // every conv is 3×3, stride 1, "same"

	width1 = 32  // conv1's channels
	width2 = 64  // conv2's
	width3 = 128 // conv3's

	side0 = ImageH    // 28: conv1's input and output side
	side1 = side0 / 2 // 14: after the first pool, conv2's side
	side2 = side1 / 2 // 7: after the second, conv3's side
	side3 = side2 / 2 // 3: after the third (row and column 7 dropped)

	flat = width3 * side3 * side3 // 1152: c3 flattened, fc1's input

	dropout = 0.5 // before fc2, in training
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

	layers []nn.Trainable // the layers with parameters, in network order
}

// New returns an untrained judge with Keras's initialisation drawn from r
// (Glorot-uniform kernels, zero biases); r also drives dropout.
func New(r *rand.Rand) *Judge {
	j := &Judge{Info: map[string]string{}}
	j.Conv1 = add(j, nn.NewConv2D("j.conv1", 1, width1, kernel, 1, nn.Same))
	j.Pool1 = nn.NewPoolReLU()
	j.Conv2 = add(j, nn.NewConv2D("j.conv2", width1, width2, kernel, 1, nn.Same))
	j.Pool2 = nn.NewPoolReLU()
	j.Conv3 = add(j, nn.NewConv2D("j.conv3", width2, width3, kernel, 1, nn.Same))
	j.Pool3 = nn.NewPoolReLU()
	j.FC1 = add(j, nn.NewDense("j.fc1", flat, Features))
	j.Drop = nn.NewDropout(dropout, r)
	j.FC2 = add(j, nn.NewDense("j.fc2", Features, Classes))
	for _, l := range j.layers {
		switch l := l.(type) {
		case *nn.Conv2D:
			nn.GlorotUniform(l.Weight, r)
		case *nn.Dense:
			nn.GlorotUniform(l.Weight, r)
		default:
			panic(fmt.Sprintf("judge: no Keras initialiser for %T", l))
		}
	}
	return j
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

// forward runs the network on x [n, 1, 28, 28] and returns the features
// [n, 128] and the logits [n, 10], both in buffers of the layers.
func (j *Judge) forward(x []float32, n int, training bool) (feats, logits []float32) {
	h, _, _ := j.Conv1.Forward(x, n, side0, side0)             // [n, 32, 28, 28]
	h = pool(j.Pool1, h, n*width1, side0, training)            // [n, 32, 14, 14]
	h, _, _ = j.Conv2.Forward(h, n, side1, side1)              // [n, 64, 14, 14]
	h = pool(j.Pool2, h, n*width2, side1, training)            // [n, 64, 7, 7]
	h, _, _ = j.Conv3.Forward(h, n, side2, side2)              // [n, 128, 7, 7]
	h = pool(j.Pool3, h, n*width3, side2, training)            // [n, 128, 3, 3] = [n, 1152]
	feats = j.Relu.Forward(j.FC1.Forward(h, n))                // [n, 128]
	logits = j.FC2.Forward(j.Drop.Forward(feats, training), n) // [n, 10]
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

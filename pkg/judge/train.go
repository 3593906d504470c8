// Training the judge: Adam on the softmax cross-entropy, shuffled
// mini-batches, a fixed number of epochs (more for a small set, see
// TrainOptions.MinSteps), everything drawn from one seeded PCG so that the
// same seed and data give the same judge.

package judge

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"

	"acgan/pkg/nn"
)

// TrainOptions are the judge's training recipe. The zero value of a field
// means its default (DefaultTrainOptions).
type TrainOptions struct {
	Seed   uint64
	Epochs int     // passes over the training images (3)
	Batch  int     // mini-batch size (64)
	LR     float32 // Adam's learning rate at the start (1e-3)
	Decay  float32 // factor of the learning rate after each epoch (0.5)
	// MinSteps, if positive, is the fewest steps of a training: a set too
	// small for Epochs·(steps per epoch) to reach it is passed over as
	// many more times as it takes, up to MaxEpochs (if positive), with the
	// learning rate's decay spread over those epochs (Decay^(Epochs/epochs)
	// after each), so that it ends where Epochs epochs would have left it.
	MinSteps  int
	MaxEpochs int

	// Progress, if set, is called after every step with the epoch (from 1)
	// and the number of epochs, the step within the epoch (from 1) and the
	// steps per epoch, and the running mean loss of the epoch.
	Progress func(epoch, epochs, step, steps int, loss float64)
}

// DefaultTrainOptions returns the recipe of the cached MNIST judge
// (judge-v1).
func DefaultTrainOptions() TrainOptions {
	return TrainOptions{Seed: 1, Epochs: 3, Batch: 64, LR: 1e-3, Decay: 0.5}
}

// DataMinSteps and DataMaxEpochs are the MinSteps and MaxEpochs of
// DataTrainOptions: about a third of the MNIST judge's 2814 steps (a set
// of 21 313 training images or more reaches them in 3 epochs), and no more
// than 30 passes over a small set (which the judge would learn by heart).
const (
	DataMinSteps  = 1000
	DataMaxEpochs = 30
)

// DataTrainOptions returns the recipe of a judge of a user's images: the
// MNIST judge's, with at least DataMinSteps steps in at most
// DataMaxEpochs epochs.
func DataTrainOptions() TrainOptions {
	o := DefaultTrainOptions()
	o.MinSteps, o.MaxEpochs = DataMinSteps, DataMaxEpochs
	return o
}

func (o *TrainOptions) fill() {
	d := DefaultTrainOptions()
	if o.Epochs <= 0 {
		o.Epochs = d.Epochs
	}
	if o.Batch <= 0 {
		o.Batch = d.Batch
	}
	if o.LR <= 0 {
		o.LR = d.LR
	}
	if o.Decay <= 0 {
		o.Decay = d.Decay
	}
}

// Train trains a judge on the training images, then reads the held-out
// (test) images: their statistics go into Test and its accuracy on them
// into TestAccuracy. Both sets must have the same geometry. The judge
// records train's key. It stops with ctx's error when ctx is cancelled.
func Train(ctx context.Context, train, test *Set, opt TrainOptions) (*Judge, error) {
	opt.fill()
	if train.Len() == 0 {
		return nil, fmt.Errorf("judge: training: no training images")
	}
	if test.Len() == 0 {
		return nil, fmt.Errorf("judge: training: no held-out images")
	}
	if train.Geom != test.Geom {
		return nil, fmt.Errorf("judge: training on %v, measuring on %v", train.Geom, test.Geom)
	}
	r := rand.New(rand.NewPCG(opt.Seed, 0x6a75646765)) // "judge"
	j, err := New(train.Geom, r)
	if err != nil {
		return nil, err
	}
	adam := nn.NewAdam(j.Params(), opt.LR, 0.9, 0.999, 1e-7)

	px, k := train.Geom.Pixels(), train.Geom.Classes
	n, B := train.Len(), opt.Batch
	steps := (n + B - 1) / B
	if opt.MinSteps > 0 && opt.Epochs*steps < opt.MinSteps {
		epochs := (opt.MinSteps + steps - 1) / steps
		if opt.MaxEpochs > 0 {
			epochs = min(epochs, max(opt.MaxEpochs, opt.Epochs))
		}
		opt.Decay = float32(math.Pow(float64(opt.Decay), float64(opt.Epochs)/float64(epochs)))
		opt.Epochs = epochs
	}
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	x := make([]float32, B*px)
	y := make([]int, B)
	dlogits := make([]float32, B*k)
	for epoch := 1; epoch <= opt.Epochs; epoch++ {
		r.Shuffle(n, func(a, b int) { order[a], order[b] = order[b], order[a] })
		var sum float64
		for s := 0; s < steps; s++ {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			idx := order[s*B : min((s+1)*B, n)]
			b := len(idx)
			for m, i := range idx {
				copy(x[m*px:(m+1)*px], train.Images[i*px:(i+1)*px])
				y[m] = train.Labels[i]
			}
			_, logits := j.forward(x[:b*px], b, true)
			loss, err := nn.SoftmaxCCE(logits, k, y[:b], dlogits[:b*k])
			if err != nil {
				return nil, fmt.Errorf("judge: training: %w", err)
			}
			if math.IsNaN(loss) || math.IsInf(loss, 0) {
				return nil, fmt.Errorf("judge: training: epoch %d step %d: loss is %v", epoch, s+1, loss)
			}
			j.backward(dlogits[:b*k])
			adam.Update()
			sum += loss
			if opt.Progress != nil {
				opt.Progress(epoch, opt.Epochs, s+1, steps, sum/float64(s+1))
			}
		}
		adam.LR *= opt.Decay
	}
	if j.Test, err = j.Stats(test); err != nil {
		return nil, err
	}
	j.TestAccuracy = j.Test.Accuracy()
	j.Key = train.Key
	j.Info = map[string]string{
		"seed":         strconv.FormatUint(opt.Seed, 10),
		"epochs":       strconv.Itoa(opt.Epochs),
		"batch":        strconv.Itoa(opt.Batch),
		"lr":           strconv.FormatFloat(float64(opt.LR), 'g', -1, 32),
		"lr_decay":     strconv.FormatFloat(float64(opt.Decay), 'g', -1, 32),
		"train_images": strconv.Itoa(train.Len()),
		"test_images":  strconv.Itoa(test.Len()),
	}
	return j, nil
}

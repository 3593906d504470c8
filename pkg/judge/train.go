// Training the judge: Adam on the softmax cross-entropy, shuffled
// mini-batches, a fixed number of epochs, everything drawn from one seeded
// PCG so that the same seed and data give the same judge.

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
	Epochs int     // passes over the training digits (3)
	Batch  int     // mini-batch size (64)
	LR     float32 // Adam's learning rate at the start (1e-3)
	Decay  float32 // factor of the learning rate after each epoch (0.5)

	// Progress, if set, is called after every step with the epoch (from 1),
	// the step within it (from 1), the steps per epoch and the running mean
	// loss of the epoch.
	Progress func(epoch, step, steps int, loss float64)
}

// DefaultTrainOptions returns the recipe of the cached judge (judge-v1).
func DefaultTrainOptions() TrainOptions {
	return TrainOptions{Seed: 1, Epochs: 3, Batch: 64, LR: 1e-3, Decay: 0.5}
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

// Train trains a judge on the training digits, then reads the test
// digits: their statistics go into Test and its accuracy on them into
// TestAccuracy. It stops with ctx's error when ctx is cancelled.
func Train(ctx context.Context, train, test *Digits, opt TrainOptions) (*Judge, error) {
	opt.fill()
	if train.Len() == 0 {
		return nil, fmt.Errorf("judge: training: no training digits")
	}
	if test.Len() == 0 {
		return nil, fmt.Errorf("judge: training: no test digits")
	}
	var err error
	r := rand.New(rand.NewPCG(opt.Seed, 0x6a75646765)) // "judge"
	j := New(r)
	adam := nn.NewAdam(j.Params(), opt.LR, 0.9, 0.999, 1e-7)

	n, B := train.Len(), opt.Batch
	steps := (n + B - 1) / B
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	x := make([]float32, B*Pixels)
	y := make([]int, B)
	dlogits := make([]float32, B*Classes)
	for epoch := 1; epoch <= opt.Epochs; epoch++ {
		r.Shuffle(n, func(a, b int) { order[a], order[b] = order[b], order[a] })
		var sum float64
		for s := 0; s < steps; s++ {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			idx := order[s*B : min((s+1)*B, n)]
			b := len(idx)
			for k, i := range idx {
				copy(x[k*Pixels:(k+1)*Pixels], train.Images[i*Pixels:(i+1)*Pixels])
				y[k] = train.Labels[i]
			}
			_, logits := j.forward(x[:b*Pixels], b, true)
			loss, err := nn.SoftmaxCCE(logits, Classes, y[:b], dlogits[:b*Classes])
			if err != nil {
				return nil, fmt.Errorf("judge: training: %w", err)
			}
			if math.IsNaN(loss) || math.IsInf(loss, 0) {
				return nil, fmt.Errorf("judge: training: epoch %d step %d: loss is %v", epoch, s+1, loss)
			}
			j.backward(dlogits[:b*Classes])
			adam.Update()
			sum += loss
			if opt.Progress != nil {
				opt.Progress(epoch, s+1, steps, sum/float64(s+1))
			}
		}
		adam.LR *= opt.Decay
	}
	if j.Test, err = j.Stats(test); err != nil {
		return nil, err
	}
	j.TestAccuracy = j.Test.Accuracy()
	j.Info = map[string]string{
		"seed":         strconv.FormatUint(opt.Seed, 10),
		"epochs":       strconv.Itoa(opt.Epochs),
		"batch":        strconv.Itoa(opt.Batch),
		"lr":           strconv.FormatFloat(float64(opt.LR), 'g', -1, 32),
		"lr_decay":     strconv.FormatFloat(float64(opt.Decay), 'g', -1, 32),
		"train_digits": strconv.Itoa(train.Len()),
		"test_digits":  strconv.Itoa(test.Len()),
	}
	return j, nil
}

// How much memory training takes, known before anything large is allocated.

package acgan

// TrainMemoryFixed and TrainMemoryPerImage are the measured working memory
// of training (a Trainer and its Step), in bytes: a part that does not
// depend on the batch (the weights of both networks,
// their gradients and Adam moments, the process itself) and a part per
// image of the batch (every layer's activations, gradients and im2col
// buffers). They were measured as the peak resident memory of
// `acgan-train -iters 1 -batch B` on the 100 fixture digits for B = 32,
// 128, 512 and 1024 (`/usr/bin/time -v`): 132, 393, 1443 and 2825 MiB,
// which is 2.7 MiB per image and 46 MiB besides. TestTrainMemory holds
// the estimate to what Go's heap really holds.
const (
	TrainMemoryFixed    = 48 << 20
	TrainMemoryPerImage = 2800 << 10
)

// EMAMemoryFixed and EMAMemoryPerImage are what keeping an average of the
// generator (Config.EMA) adds to TrainMemory: the averaged generator's
// weights (and the gradient buffers every nn.Param has, unused here) and
// the buffers of its inference at the training batch's size, run when
// samples or figures are drawn during training. Measured as the heap of a
// generator after an inference batch of 8 images and of 40: 10 MiB and
// 1.14 MiB per image.
const (
	EMAMemoryFixed    = 10 << 20
	EMAMemoryPerImage = 1170 << 10
)

// MaxBatch bounds the training batch: about 11 GiB of working memory.
const MaxBatch = 4096

// TrainMemory returns an estimate of the memory, in bytes, that training
// with configuration c takes, the training images aside (within about 10 %
// for the configurations DefaultConfig's architecture allows).
func (c Config) TrainMemory() int64 {
	m := TrainMemoryFixed + int64(c.Batch)*TrainMemoryPerImage
	if c.EMA > 0 {
		m += EMAMemoryFixed + int64(c.Batch)*EMAMemoryPerImage
	}
	return m
}

// How much memory training takes, known before anything large is allocated.

package acgan

// The parts of the memory estimate. A parameter takes bytesPerParam (its
// float32 value, gradient and Adam's two moments); each value a layer
// outputs for one image of the batch takes bytesPerValue (the output, its
// gradient, the inputs and masks the layers keep for their backward pass,
// the GEMM's packed panels); a trainer keeps trainerBuffers besides,
// whatever its size, and trainMemoryBase is the rest of the process (the
// Go runtime, the code). The generator's last conv, one output channel or
// three, is computed without im2col (pkg/nn's Conv2D, up to four output
// channels): its buffers hold nine values per output value, for colour
// images as for gray ones, and bytesPerValue covers them. The averaged
// generator of Config.EMA keeps
// its weights and (unused) gradients, emaBytesPerParam, the buffers of its
// inference, emaBytesPerValue per generator output value, and
// trainerBuffers again.
//
// Measured (TestTrainMemory) as the peak resident memory of `acgan-train
// -iters 1 -batch B` on the 100 fixture digits for B = 32, 128, 512 and
// 1024 (`/usr/bin/time -v`: 132, 393, 1443 and 2825 MiB, 2.7 MiB per image
// and 46 MiB besides) and as the heap a Trainer keeps after a step at
// batches 8 and 24 for images of 16×16 to 64×64, gray and colour, of 10 and
// 1000 classes (16 to 19 bytes a parameter, 15 to 17 a value).
const (
	trainMemoryBase  = 30 << 20
	trainerBuffers   = 3 << 20
	bytesPerParam    = 16
	bytesPerValue    = 16
	emaBytesPerParam = 8
	emaBytesPerValue = 7
)

// MaxBatch bounds the training batch: about 11 GiB of working memory for
// MNIST's images.
const MaxBatch = 4096

// TrainMemory returns an estimate of the memory, in bytes, that training
// with configuration c takes, the training images aside (within about 10 %
// for the configurations Validate accepts).
func (c Config) TrainMemory() int64 {
	g, d := c.counts()
	gt, dt := sum(g), sum(d)
	B := int64(c.Batch)
	m := trainMemoryBase + trainerBuffers + bytesPerParam*(gt.params+dt.params) + B*bytesPerValue*(gt.out+dt.out)
	if c.EMA > 0 {
		m += trainerBuffers + emaBytesPerParam*gt.params + B*emaBytesPerValue*gt.out
	}
	return m
}

// Package acgan is the Keras program's Auxiliary Classifier GAN
// (eriklindernoren's Keras-GAN acgan.py) on top of pkg/nn: the generator,
// the discriminator, and the training iteration. It knows nothing of files
// or command lines; the model file and the tools live elsewhere.
package acgan

import (
	"fmt"

	"acgan/pkg/dataset"
)

// The geometry of the images the model accepts: square, Size pixels a side
// (a multiple of SizeStep from MinSize to MaxSize, so that the generator's
// first block, Size/4 a side, is whole), Channels 1 (gray) or 3 (colour),
// of MinClasses to MaxClasses classes. The defaults are MNIST's (pkg/dataset):
// gray 28×28 digits of 10 classes.
const (
	MinSize    = 16
	MaxSize    = 64
	SizeStep   = 4
	MinClasses = 2
	MaxClasses = 1000

	DefaultSize     = dataset.MNISTHeight
	DefaultChannels = dataset.MNISTChannels
)

// MaxLatent bounds the noise size, and so (with MaxSize and MaxClasses) the
// memory of the generator's dense layer and class embedding.
const MaxLatent = 1024

// MaxParams bounds the parameters of a model (both networks): about 512 MiB
// for the weights, their gradients and Adam's two moments, so that no
// configuration (nor the header of a hostile model file) makes a reader
// allocate gigabytes. Every configuration of the default latent size and
// discriminator width is well within it: the largest, 64×64 colour images
// of 1000 classes with objective tac, has 20 million. A wider
// discriminator's heads grow with its features, so large images of many
// classes may not fit at the widest (Validate says so).
const MaxParams = 32 << 20

// CheckGeometry reports whether the model takes images of channels ×
// height × width pixels in classes classes; its error says what it takes.
func CheckGeometry(channels, height, width, classes int) error {
	if height != width || height < MinSize || height > MaxSize || height%SizeStep != 0 || (channels != 1 && channels != 3) {
		return fmt.Errorf("images of %d×%d×%d: the model takes square images %d to %d pixels a side, a multiple of %d, gray (1 channel) or colour (3)",
			channels, height, width, MinSize, MaxSize, SizeStep)
	}
	if classes < MinClasses || classes > MaxClasses {
		return fmt.Errorf("%d classes: the model takes %d to %d classes", classes, MinClasses, MaxClasses)
	}
	return nil
}

// Objective selects the discriminator's class heads and the class losses of
// the discriminator and generator steps.
type Objective int

const (
	// FakeClass is the Keras program's objective: an (N+1)-way class head
	// whose last class means "generated"; generated images are labelled N.
	FakeClass Objective = iota
	// Paper is the ACGAN paper's objective: an N-way class head; generated
	// images keep the label they were asked for.
	Paper
	// TAC is the twin auxiliary classifier objective (Gong et al., "Twin
	// Auxiliary Classifiers GAN", NeurIPS 2019): the N-way class head
	// learns from real images only, and a second N-way head, the twin,
	// learns the labels of generated images; the generator minimises the
	// class head's loss and maximises the twin's, weighted by
	// Config.TACWeight. The twin's term keeps the generator from making
	// only the most easily classified image of each class.
	TAC
)

// String returns "fakeclass", "paper" or "tac".
func (o Objective) String() string {
	switch o {
	case FakeClass:
		return "fakeclass"
	case Paper:
		return "paper"
	case TAC:
		return "tac"
	}
	return fmt.Sprintf("Objective(%d)", int(o))
}

// ParseObjective is the inverse of Objective.String.
func ParseObjective(s string) (Objective, error) {
	switch s {
	case "fakeclass":
		return FakeClass, nil
	case "paper":
		return Paper, nil
	case "tac":
		return TAC, nil
	}
	return 0, fmt.Errorf("acgan: unknown objective %q (want fakeclass, paper or tac)", s)
}

// Conditioning selects how the generator takes the class it is asked for.
type Conditioning int

const (
	// Multiply is the Keras program's: the noise times the class's
	// embedding, z ⊙ embed(label), into the dense layer. A class whose
	// embedding shrinks toward zero loses its noise: its images then
	// differ only along the few noise values its embedding keeps.
	Multiply Conditioning = iota
	// Concat gives the dense layer the noise followed by the class's
	// embedding, [z, embed(label)] (2·Latent inputs): every class gets the
	// whole noise, through weights shared by all classes.
	Concat
)

// String returns "multiply" or "concat".
func (c Conditioning) String() string {
	switch c {
	case Multiply:
		return "multiply"
	case Concat:
		return "concat"
	}
	return fmt.Sprintf("Conditioning(%d)", int(c))
}

// ParseConditioning is the inverse of Conditioning.String.
func ParseConditioning(s string) (Conditioning, error) {
	switch s {
	case "multiply":
		return Multiply, nil
	case "concat":
		return Concat, nil
	}
	return 0, fmt.Errorf("acgan: unknown conditioning %q (want multiply or concat)", s)
}

// MaxGenClassWeight bounds Config.GenClassWeight, and MaxLabelSmoothing
// Config.LabelSmoothing.
const (
	MaxGenClassWeight = 100
	MaxLabelSmoothing = 0.5
)

// MaxModeSeeking bounds Config.ModeSeeking.
const MaxModeSeeking = 100

// MaxDWidth bounds Config.DWidth.
const MaxDWidth = 8

// DefaultTACWeight is the usual Config.TACWeight of objective TAC, and
// MaxTACWeight its bound.
const (
	DefaultTACWeight = 1
	MaxTACWeight     = 100
)

// Config is the model's configuration: everything that fixes its shapes and
// its training, and must be saved with it.
type Config struct {
	Objective Objective
	Size      int     // the images' side, in pixels (28)
	Channels  int     // the images' channels: 1 gray, 3 colour (1)
	Latent    int     // noise size (100)
	Classes   int     // number of classes (10)
	Batch     int     // training batch size (32); Step accepts any batch
	LR        float32 // Adam learning rate (2e-4)
	Beta1     float32 // Adam β1 (0.5)
	Beta2     float32 // Adam β2 (0.999)
	AdamEps   float32 // Adam ε (1e-7, Keras)
	Dropout   float32 // discriminator dropout rate (0.25); 0 turns it off
	// TACWeight weighs the twin head's loss in the generator's loss
	// (objective TAC only: 0 with the others; 1 by default with TAC).
	TACWeight float32
	// EMA is the decay of the exponential moving average of the
	// generator's weights kept beside them (Trainer.EMA); 0 keeps none.
	EMA float32
	// GenClassWeight weighs the class head's loss in the generator's loss
	// (1, the Keras program's; below 1 the generator is pulled less toward
	// the most easily classified image of each class).
	GenClassWeight float32
	// LabelSmoothing is one-sided label smoothing (Salimans et al. 2016):
	// the discriminator's validity target for real images is
	// 1 − LabelSmoothing (0, the Keras program's: target 1). Generated
	// images keep target 0, and the generator's target stays 1.
	LabelSmoothing float32
	// MinibatchStdDev is the group size G of the discriminator's minibatch
	// standard deviation layer (Karras et al. 2018), appended before its
	// last conv: how much each group of G images of a batch differ, which
	// lets it see a collapsed class. 0 (the Keras program's) has none.
	MinibatchStdDev int
	// ModeSeeking is the weight w of the mode-seeking loss (Mao et al.
	// 2019) in the generator's loss: the labels of each batch come in
	// pairs, image p and image B/2+p asked for the same class, and the
	// generator is pushed to make the two of a pair differ in proportion
	// to their noise (nn.ModeSeeking). 0 (the Keras program's) has none.
	ModeSeeking float32
	// Conditioning is how the generator takes the class: Multiply (the
	// Keras program's) or Concat.
	Conditioning Conditioning
	// DWidth multiplies the channels of the discriminator's four convs
	// (16, 32, 64 and 128 in the Keras program: DWidth 1), and so its
	// features, from 1 to MaxDWidth.
	DWidth int
}

// DefaultConfig returns the Keras program's configuration, for MNIST's
// images and classes.
func DefaultConfig() Config {
	return Config{Objective: FakeClass, Size: DefaultSize, Channels: DefaultChannels,
		Latent: 100, Classes: dataset.MNISTClasses, Batch: 32,
		LR: 2e-4, Beta1: 0.5, Beta2: 0.999, AdamEps: 1e-7, Dropout: 0.25, GenClassWeight: 1, DWidth: 1}
}

// ImageSize returns the number of values of one image: Channels·Size·Size.
func (c Config) ImageSize() int { return c.Channels * c.Size * c.Size }

// HeadClasses is the size of the discriminator's class head: Classes+1 for
// FakeClass, Classes for Paper and TAC.
func (c Config) HeadClasses() int {
	if c.Objective == FakeClass {
		return c.Classes + 1
	}
	return c.Classes
}

// TwinClasses is the size of the discriminator's twin class head: Classes
// for TAC, 0 (no twin head) for the other objectives.
func (c Config) TwinClasses() int {
	if c.Objective == TAC {
		return c.Classes
	}
	return 0
}

// Validate reports the first field out of range.
func (c Config) Validate() error {
	switch {
	case c.Objective != FakeClass && c.Objective != Paper && c.Objective != TAC:
		return fmt.Errorf("acgan: config: unknown objective %d", int(c.Objective))
	case c.Objective == TAC && !(c.TACWeight >= 0 && c.TACWeight <= MaxTACWeight):
		return fmt.Errorf("acgan: config: twin loss weight %g out of range [0, %d]", c.TACWeight, MaxTACWeight)
	case c.Objective != TAC && c.TACWeight != 0:
		return fmt.Errorf("acgan: config: a twin loss weight (%g) is for objective tac, not %s", c.TACWeight, c.Objective)
	case !(c.GenClassWeight >= 0 && c.GenClassWeight <= MaxGenClassWeight):
		return fmt.Errorf("acgan: config: generator class loss weight %g out of range [0, %d]", c.GenClassWeight, MaxGenClassWeight)
	case !(c.LabelSmoothing >= 0 && c.LabelSmoothing <= MaxLabelSmoothing):
		return fmt.Errorf("acgan: config: label smoothing %g out of range [0, %g]", c.LabelSmoothing, MaxLabelSmoothing)
	case !(c.ModeSeeking >= 0 && c.ModeSeeking <= MaxModeSeeking):
		return fmt.Errorf("acgan: config: mode-seeking weight %g out of range [0, %d]", c.ModeSeeking, MaxModeSeeking)
	case c.ModeSeeking > 0 && c.Batch < 2:
		return fmt.Errorf("acgan: config: the mode-seeking loss needs pairs of images: a batch of 2 or more, not %d", c.Batch)
	case c.Conditioning != Multiply && c.Conditioning != Concat:
		return fmt.Errorf("acgan: config: unknown conditioning %d", int(c.Conditioning))
	case c.DWidth < 1 || c.DWidth > MaxDWidth:
		return fmt.Errorf("acgan: config: discriminator width %d out of range [1, %d]", c.DWidth, MaxDWidth)
	case c.MinibatchStdDev < 0 || c.MinibatchStdDev > MaxBatch:
		return fmt.Errorf("acgan: config: minibatch standard deviation group %d out of range [0, %d]", c.MinibatchStdDev, MaxBatch)
	case !(c.EMA >= 0 && c.EMA < 1):
		return fmt.Errorf("acgan: config: EMA decay %g out of range [0, 1)", c.EMA)
	case c.Latent < 1 || c.Latent > MaxLatent:
		return fmt.Errorf("acgan: config: latent size %d out of range [1, %d]", c.Latent, MaxLatent)
	case CheckGeometry(c.Channels, c.Size, c.Size, c.Classes) != nil:
		return fmt.Errorf("acgan: config: %w", CheckGeometry(c.Channels, c.Size, c.Size, c.Classes))
	case c.Batch < 1 || c.Batch > MaxBatch:
		return fmt.Errorf("acgan: config: batch %d out of range [1, %d]", c.Batch, MaxBatch)
	case !(c.LR > 0 && c.LR < 1):
		return fmt.Errorf("acgan: config: learning rate %g out of range (0, 1)", c.LR)
	case !(c.Beta1 >= 0 && c.Beta1 < 1), !(c.Beta2 >= 0 && c.Beta2 < 1):
		return fmt.Errorf("acgan: config: Adam betas %g, %g out of range [0, 1)", c.Beta1, c.Beta2)
	case !(c.AdamEps > 0 && c.AdamEps < 1):
		return fmt.Errorf("acgan: config: Adam epsilon %g out of range (0, 1)", c.AdamEps)
	case !(c.Dropout >= 0 && c.Dropout < 1):
		return fmt.Errorf("acgan: config: dropout rate %g out of range [0, 1)", c.Dropout)
	case c.Params() > MaxParams:
		return fmt.Errorf("acgan: config: %d parameters (latent %d, %d classes, %d×%d×%d images, discriminator width %d), over the limit of %d", c.Params(), c.Latent, c.Classes, c.Channels, c.Size, c.Size, c.DWidth, MaxParams)
	}
	return nil
}

// Command acgan-train trains the ACGAN of Keras-GAN's acgan.py on a stream
// of images and labels and writes the model file.
//
//	mnist-fetch | acgan-train > model.bin
//	mnist-fetch | acgan-train -iters 2000 -samples samples/ -plot loss.png -o model.bin
//	mnist-fetch | acgan-train -resume model.bin -o model.bin
package main

import (
	"errors"
	"fmt"
	"os"
	"strconv"

	"github.com/alecthomas/kong"

	"acgan/pkg/acgan"
	"acgan/pkg/cli"
	"acgan/pkg/train"
)

const description = `Train an Auxiliary Classifier GAN (the Keras program, Keras-GAN's acgan.py) on a
stream of images and labels on stdin (uint8 N×C×S×S "images", N "labels" with
classes=K, and optionally "classnames", as mnist-fetch and imgstack write) and
write the model file (docs/model.md) to stdout or -o FILE.

The model is built for the images it is given: square, S = ${min_size} to ${max_size} pixels a
side in steps of ${size_step} (the Keras program's 28×28 MNIST digits among them), gray
(C = 1) or colour (C = 3), of K = ${min_classes} to ${max_classes} classes; other images are
refused. The class names, when the stream has them, are kept in the model.
With -resume the stream must have the resumed model's shape, classes and
class names.

Each iteration, as in the Keras program: a real batch drawn at random, noise N(0,1) and
random labels; the generator's images made in inference mode; one
discriminator step on the real batch and one on the generated batch; one
generator step through the frozen discriminator. Adam (β2 0.999, ε 1e-7).

-objective tac (the twin auxiliary classifier, Gong et al. 2019) trains the
class head on real images only and a second, twin class head on generated
ones; the generator minimises the class head's loss and maximises the
twin's, weighted by -tac-weight, which keeps it from drawing only the most
easily classified image of each class.

-gen-class-weight, -label-smoothing, -minibatch-stddev and -mode-seeking are
four more settings against the collapse of a class (docs/results.md measures
them): the first weighs the class head's loss in the generator's, the second
sets the discriminator's validity target for real images to 1 − S, the third
gives the discriminator a channel that measures how much the images of each
group of G in a batch differ (Karras et al. 2018), so that it can tell near
copies from real images, and the fourth asks for the classes of a batch in
pairs and adds W times the mode-seeking loss (Mao et al. 2019) to the
generator's, which pushes the two images of a pair apart in proportion to
how much their noise differs.

-conditioning concat gives the generator's dense layer the noise and the
class's embedding side by side, where the Keras program multiplies them
(multiply, the default). With the product, a class whose embedding shrinks
loses its noise: a collapsed class is one whose embedding went to zero, and
the other classes keep a few of the 100 noise values each. Side by side,
every class gets the whole noise (docs/results.md measures it).

-d-width M gives the discriminator's four convs M times the Keras program's
channels (16, 32, 64, 128). The generator learns the classes and the look of
the digits from the discriminator alone, and the Keras program's has a
fiftieth of the generator's multiply-adds (M = 2: an eighth, M = 4: a third).

-ema DECAY keeps an exponential moving average of the generator's weights
beside them (docs/model.md): after generator step t, avg ← d·avg + (1−d)·w
with d = min(DECAY, (1+t)/(10+t)), so the average soon forgets the random
start and, until the ramp reaches DECAY, spans about the last ninth of the
run. The batch-norm moving statistics are averaged the same way. The model
file holds both generators; acgan-gen, acgan-eval, -samples and
-eval-every use the average (acgan-gen -no-ema, acgan-eval -no-ema the
trained one). Training itself never reads it: the same run with and
without -ema trains the same weights.

Runs are reproducible: the same -seed gives the same model bytes, and a run
stopped and resumed (-resume) gives the bytes of a run that never stopped.
With -resume the model's configuration (-batch, -lr, -beta1, -objective,
-ema, -gen-class-weight, -label-smoothing, -minibatch-stddev, -mode-seeking,
-conditioning, -d-width, -seed) is kept; giving one of those flags with
another value is an error. -tac-weight may change: the new weight holds from
the resumed iteration on, so a run resumed in stages follows a schedule of
weights (e.g. 1 for 4000 iterations, then 0.5), and the model records the
last.

Progress goes to stderr: one live line on a terminal, else a line every
-log-every iterations. -log lines are JSON objects with the means over the
span: iter, iters, d_loss, d_acc (real/fake accuracy), class_acc (the Keras
program's op_acc), g_loss, it_per_s, elapsed_s; with -eval-every, eval (acc,
frechet, diversity, per_class) on the evaluated iterations.

-eval-every judges the generator as acgan-eval does (docs/eval.md), and
-judge FILE names the judge file (default: the user cache, as acgan-eval).
Images of MNIST's shape (28×28 gray, 10 classes) are judged against MNIST's
test digits by the MNIST judge, trained on first use with MNIST from
$MNIST_DIR, the cache, the mirrors or the module proxy. Images of any other
shape, and any with -eval-real (e.g. Fashion-MNIST, of MNIST's shape), are
judged against the training images themselves, as acgan-eval -real judges
them: of each class a fifth (at least 2) is held out and gives the real
statistics, and the judge is trained on the rest (cached under their
SHA-256; every class needs at least 5 images). A judge trained on first use
takes up to a few minutes before the first iteration, with its progress on
stderr; the next runs on the same images load it.

Every output (-o, -checkpoint, -plot, -log, -samples) is checked before the
first iteration. A side output that fails during the run (-samples,
-log, -checkpoint, -eval-every) is reported and given up; training goes
on, and the model is written before the final plot.

Memory: training on MNIST takes about ${mem_fixed} + ${mem_image} per image of
the batch (${mem_default} at the default batch), besides the images; larger
images take more (64×64 colour images of 1000 classes: ${mem_rgb64_fixed} + ${mem_rgb64_image}
per image). A -batch that needs more than the memory available now is
refused.

Ctrl-C (SIGINT or SIGTERM) finishes the current iteration, writes the model
and exits with status 130. A NaN or infinite loss (or weight) stops training
with an error and writes no model (the last checkpoint is kept).

Exit status: 0 done; 1 error, no model written; 2 bad flags; 3 the model
was written but a side output failed; 130 interrupted, model written.`

const example = "mnist-fetch | acgan-train > model.bin"

// flags are acgan-train's command line. The configuration flags are
// pointers so that, with -resume, an explicit value can be told from none.
type flags struct {
	cli.Common
	Batch     *int     `name:"batch" placeholder:"N" help:"Training batch size, 1 to ${max_batch} (default ${default_batch})."`
	Iters     int      `name:"iters" default:"14000" placeholder:"N" help:"Train until the model has done N iterations in all, a resumed model's included (default 14000)."`
	LR        *float64 `name:"lr" placeholder:"X" help:"Adam learning rate (default ${default_lr})."`
	Beta1     *float64 `name:"beta1" placeholder:"X" help:"Adam β1 (default ${default_beta1})."`
	Objective *string  `name:"objective" placeholder:"NAME" help:"fakeclass (the Keras program's (K+1)-way class head with a class for generated images; default), paper (the ACGAN paper's K-way head) or tac (the paper's head trained on real images, and a twin head on generated ones whose loss the generator maximises)."`
	TACWeight *float64 `name:"tac-weight" placeholder:"W" help:"With -objective tac: the weight of the twin head's loss in the generator's loss, 0 to ${max_tac_weight} (default ${default_tac_weight})."`
	EMA       *float64 `name:"ema" placeholder:"DECAY" help:"Keep an exponential moving average of the generator with this decay (e.g. 0.999; below 1), saved in the model and used to generate (default 0: none)."`
	Seed      *uint64  `name:"seed" placeholder:"N" help:"Seed of every random draw of the run (default ${default_seed})."`

	GenClassWeight  *float64 `name:"gen-class-weight" placeholder:"X" help:"The weight of the class head's loss in the generator's loss, 0 to ${max_gen_class_weight} (default 1, the Keras program's)."`
	LabelSmoothing  *float64 `name:"label-smoothing" placeholder:"S" help:"One-sided label smoothing: the discriminator's validity target for real images is 1 − S, 0 to ${max_label_smoothing} (default 0, the Keras program's)."`
	ModeSeeking     *float64 `name:"mode-seeking" placeholder:"W" help:"The weight of the mode-seeking loss in the generator's loss, 0 to ${max_mode_seeking} (e.g. 1; default 0, the Keras program's: none); the classes of a batch then come in pairs."`
	Conditioning    *string  `name:"conditioning" placeholder:"HOW" help:"How the generator takes the class: multiply (the noise times the class's embedding, the Keras program's; default) or concat (the noise and the embedding side by side)."`
	MinibatchStdDev *int     `name:"minibatch-stddev" placeholder:"G" help:"Give the discriminator a minibatch standard deviation channel over groups of G images before its last conv, 1 to the batch size (e.g. 4; default 0, the Keras program's: none)."`
	DWidth          *int     `name:"d-width" placeholder:"M" help:"Give the discriminator's convs M times the Keras program's channels (16, 32, 64, 128), 1 to ${max_d_width} (default 1)."`

	Output          string `name:"output" short:"o" placeholder:"FILE" help:"Write the model to FILE instead of stdout (a regular file is replaced whole or not at all)."`
	Resume          string `name:"resume" placeholder:"FILE" help:"Continue the run saved in FILE (a model or checkpoint)."`
	Checkpoint      string `name:"checkpoint" placeholder:"FILE" help:"Write the model to FILE (replaced whole or not at all) every -checkpoint-every iterations."`
	CheckpointEvery int    `name:"checkpoint-every" default:"1000" placeholder:"N" help:"Iterations between checkpoints (default 1000)."`
	Log             string `name:"log" placeholder:"FILE" help:"Write one JSON line per logged span to FILE (with -resume: kept up to the resumed iteration, then appended to)."`
	LogEvery        int    `name:"log-every" default:"100" placeholder:"N" help:"Iterations per logged span: progress lines, -log lines, -plot points (default 100)."`
	Samples         string `name:"samples" placeholder:"DIR" help:"Write a grid of samples (fixed noise; 10 a row, a row per class for up to ${max_sample_rows} classes, else ${max_sample_rows} evenly spaced classes from the first to the last, named at the left) to DIR/NNNNNN.png every -sample-every iterations."`
	SampleEvery     int    `name:"sample-every" default:"200" placeholder:"N" help:"Iterations between sample grids (default 200)."`
	Plot            string `name:"plot" placeholder:"FILE" help:"Write a PNG plot of the losses and accuracies to FILE (updated with each sample grid and at the end)."`
	Threads         int    `name:"threads" default:"0" placeholder:"N" help:"Threads to compute with (default 0: all cores)."`
	EvalEvery       int    `name:"eval-every" default:"0" placeholder:"N" help:"Every N iterations (a multiple of -log-every) and at the end, judge the generator as acgan-eval does, on 100 images per class: conditional accuracy, Fréchet distance, diversity, on the progress line and in -log (default 0: never; docs/eval.md). The real images are MNIST's test digits for images of MNIST's shape, else (or with -eval-real) the held-out fifth of the training images."`
	EvalReal        bool   `name:"eval-real" help:"With -eval-every: judge against the training images, as acgan-eval -real does, even when they have MNIST's shape (e.g. Fashion-MNIST)."`
	Judge           string `name:"judge" placeholder:"FILE" help:"The judge file for -eval-every (default: the user cache, as acgan-eval; trained there on first use, on MNIST or on the training images)."`
}

// Validate checks the flags (kong calls it after parsing).
func (f *flags) Validate() error {
	switch {
	case f.Iters < 0:
		return fmt.Errorf("-iters %d: want 0 or more", f.Iters)
	case f.CheckpointEvery < 1:
		return fmt.Errorf("-checkpoint-every %d: want at least 1", f.CheckpointEvery)
	case f.LogEvery < 1:
		return fmt.Errorf("-log-every %d: want at least 1", f.LogEvery)
	case f.SampleEvery < 1:
		return fmt.Errorf("-sample-every %d: want at least 1", f.SampleEvery)
	case cli.CheckThreads(f.Threads) != nil:
		return cli.CheckThreads(f.Threads)
	case f.EvalEvery < 0 || f.EvalEvery%f.LogEvery != 0:
		return fmt.Errorf("-eval-every %d: want 0 (never) or a multiple of -log-every %d", f.EvalEvery, f.LogEvery)
	case f.EvalReal && f.EvalEvery == 0:
		return errors.New("-eval-real: only with -eval-every N")
	}
	if f.Resume == "" {
		if _, err := f.config(acgan.DefaultConfig()); err != nil {
			return err
		}
	}
	return nil
}

// config returns base with the configuration flags given applied, checked.
func (f *flags) config(base acgan.Config) (acgan.Config, error) {
	c := base
	if f.Batch != nil {
		c.Batch = *f.Batch
	}
	if f.LR != nil {
		c.LR = float32(*f.LR)
	}
	if f.Beta1 != nil {
		c.Beta1 = float32(*f.Beta1)
	}
	if f.Objective != nil {
		o, err := acgan.ParseObjective(*f.Objective)
		if err != nil {
			return c, fmt.Errorf("-objective %q: want fakeclass, paper or tac", *f.Objective)
		}
		c.Objective = o
	}
	if c.Objective == acgan.TAC && c.TACWeight == 0 {
		c.TACWeight = acgan.DefaultTACWeight
	}
	if f.TACWeight != nil {
		if c.Objective != acgan.TAC {
			return c, fmt.Errorf("-tac-weight %g: only with -objective tac", *f.TACWeight)
		}
		c.TACWeight = float32(*f.TACWeight)
	}
	if f.EMA != nil {
		c.EMA = float32(*f.EMA)
	}
	if f.GenClassWeight != nil {
		c.GenClassWeight = float32(*f.GenClassWeight)
	}
	if f.LabelSmoothing != nil {
		c.LabelSmoothing = float32(*f.LabelSmoothing)
	}
	if f.ModeSeeking != nil {
		c.ModeSeeking = float32(*f.ModeSeeking)
	}
	if f.Conditioning != nil {
		cond, err := acgan.ParseConditioning(*f.Conditioning)
		if err != nil {
			return c, fmt.Errorf("-conditioning %q: want multiply or concat", *f.Conditioning)
		}
		c.Conditioning = cond
	}
	if f.MinibatchStdDev != nil {
		if *f.MinibatchStdDev < 0 || *f.MinibatchStdDev > c.Batch {
			return c, fmt.Errorf("-minibatch-stddev %d: want a group of 1 to %d images (the batch), or 0 for none", *f.MinibatchStdDev, c.Batch)
		}
		c.MinibatchStdDev = *f.MinibatchStdDev
	}
	if f.DWidth != nil {
		c.DWidth = *f.DWidth
	}
	if err := c.Validate(); err != nil {
		return c, errors.New(flagError(err, f))
	}
	return c, nil
}

// flagError rewords a configuration error in terms of the flags.
func flagError(err error, f *flags) string {
	switch {
	case f.Batch != nil && (*f.Batch < 1 || *f.Batch > acgan.MaxBatch):
		return fmt.Sprintf("-batch %d: want 1 to %d", *f.Batch, acgan.MaxBatch)
	case f.LR != nil && !(*f.LR > 0 && *f.LR < 1):
		return fmt.Sprintf("-lr %g: want a number between 0 and 1", *f.LR)
	case f.Beta1 != nil && !(*f.Beta1 >= 0 && *f.Beta1 < 1):
		return fmt.Sprintf("-beta1 %g: want a number from 0 to below 1", *f.Beta1)
	case f.TACWeight != nil && !(*f.TACWeight >= 0 && *f.TACWeight <= acgan.MaxTACWeight):
		return fmt.Sprintf("-tac-weight %g: want a number from 0 to %d", *f.TACWeight, acgan.MaxTACWeight)
	case f.EMA != nil && !(*f.EMA >= 0 && *f.EMA < 1):
		return fmt.Sprintf("-ema %g: want 0 (none) or a decay from 0 to below 1", *f.EMA)
	case f.GenClassWeight != nil && !(*f.GenClassWeight >= 0 && *f.GenClassWeight <= acgan.MaxGenClassWeight):
		return fmt.Sprintf("-gen-class-weight %g: want a number from 0 to %d", *f.GenClassWeight, acgan.MaxGenClassWeight)
	case f.LabelSmoothing != nil && !(*f.LabelSmoothing >= 0 && *f.LabelSmoothing <= acgan.MaxLabelSmoothing):
		return fmt.Sprintf("-label-smoothing %g: want a number from 0 to %g", *f.LabelSmoothing, acgan.MaxLabelSmoothing)
	case f.ModeSeeking != nil && !(*f.ModeSeeking >= 0 && *f.ModeSeeking <= acgan.MaxModeSeeking):
		return fmt.Sprintf("-mode-seeking %g: want a number from 0 to %d", *f.ModeSeeking, acgan.MaxModeSeeking)
	case f.DWidth != nil && (*f.DWidth < 1 || *f.DWidth > acgan.MaxDWidth):
		return fmt.Sprintf("-d-width %d: want 1 to %d", *f.DWidth, acgan.MaxDWidth)
	case f.ModeSeeking != nil && *f.ModeSeeking > 0 && f.Batch != nil && *f.Batch < 2:
		return fmt.Sprintf("-mode-seeking %g: the loss needs pairs of images, a -batch of 2 or more (not %d)", *f.ModeSeeking, *f.Batch)
	}
	return err.Error()
}

func main() {
	var f flags
	cli.Parse("acgan-train", description, &f, helpVars())
	err := run(&f)
	var st exitStatus
	if errors.As(err, &st) {
		os.Exit(int(st))
	}
	cli.Exit("acgan-train", err)
}

// helpVars are the values ${name} stands for in the help texts, so that a
// default or a bound is written in one place (pkg/acgan, defaultSeed).
func helpVars() kong.Vars {
	c := acgan.DefaultConfig()
	g := func(x float32) string { return strconv.FormatFloat(float64(x), 'g', -1, 32) }
	fixed, perImage := memoryParts(c)
	big := c
	big.Size, big.Channels, big.Classes = acgan.MaxSize, 3, acgan.MaxClasses
	fixed64, perImage64 := memoryParts(big)
	return kong.Vars{
		"default_batch":        strconv.Itoa(c.Batch),
		"max_batch":            strconv.Itoa(acgan.MaxBatch),
		"default_lr":           g(c.LR),
		"default_beta1":        g(c.Beta1),
		"default_seed":         strconv.Itoa(defaultSeed),
		"default_tac_weight":   strconv.Itoa(acgan.DefaultTACWeight),
		"max_tac_weight":       strconv.Itoa(acgan.MaxTACWeight),
		"max_gen_class_weight": strconv.Itoa(acgan.MaxGenClassWeight),
		"max_label_smoothing":  strconv.FormatFloat(acgan.MaxLabelSmoothing, 'g', -1, 64),
		"max_mode_seeking":     strconv.Itoa(acgan.MaxModeSeeking),
		"max_d_width":          strconv.Itoa(acgan.MaxDWidth),
		"mem_fixed":            bytesString(fixed),
		"mem_image":            bytesString(perImage),
		"mem_default":          bytesString(c.TrainMemory()),
		"mem_rgb64_fixed":      bytesString(fixed64),
		"mem_rgb64_image":      bytesString(perImage64),
		"min_size":             strconv.Itoa(acgan.MinSize),
		"max_size":             strconv.Itoa(acgan.MaxSize),
		"size_step":            strconv.Itoa(acgan.SizeStep),
		"min_classes":          strconv.Itoa(acgan.MinClasses),
		"max_classes":          strconv.Itoa(acgan.MaxClasses),
		"max_sample_rows":      strconv.Itoa(train.MaxSampleRows),
	}
}

// Getting the judge: from its file, or trained on first use and saved
// there.

package judge

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"acgan/pkg/atomicfile"
	"acgan/pkg/status"
)

// MinAccuracy is the accuracy on the held-out images below which a judge
// is not to be trusted (its users warn).
const MinAccuracy = 0.99

// Want is what a judge must be to be used.
type Want struct {
	// Geom is the geometry of the images it reads.
	Geom Geometry
	// Key is the key (DataKey) of the images it must have been trained
	// on; "" accepts a judge of any images of the geometry.
	Key string
}

// Check reports whether j is the judge wanted; path names it in errors. A
// judge whose file does not record its images (one written before they
// were) is a judge of MNIST: it is taken for MNIST's geometry whatever
// Key.
func (j *Judge) Check(w Want, path string) error {
	switch {
	case j.Geom != w.Geom:
		return fmt.Errorf("judge: %s reads %v, not %v (name another judge file)", path, j.Geom, w.Geom)
	case w.Key == "" || j.Key == w.Key:
		return nil
	case j.Key == "" && j.Geom == MNIST:
		return nil
	case j.Key == "":
		return fmt.Errorf("judge: %s does not record the images it was trained on (name another judge file)", path)
	}
	return fmt.Errorf("judge: %s was trained on other images (key %.12s…) than these (%.12s…): delete it to train a new one, or name another judge file", path, j.Key, w.Key)
}

// A Source gives the images a new judge is trained on and measured on.
type Source struct {
	// What names the training images in messages ("the MNIST training
	// digits").
	What string
	// Options is the training recipe (DefaultTrainOptions for MNIST,
	// DataTrainOptions for a user's images; Progress is Open's own).
	Options TrainOptions
	// Load returns the images to train on and the held-out ones.
	Load func(ctx context.Context) (train, test *Set, err error)
}

// Open returns the judge saved at path, checked against want (Check).
// When there is no file there, it trains one (on the images of src, with
// its recipe), shows the progress on line, and saves it at path
// (atomically, creating its folder). A file that exists but is not a valid
// judge, or not the one wanted, is an error, and so is a missing one when
// src is nil.
func Open(ctx context.Context, path string, want Want, src *Source, line *status.Line) (*Judge, error) {
	j, err := LoadFile(path)
	if err == nil {
		if err := j.Check(want, path); err != nil {
			return nil, err
		}
		return j, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("judge: %w (delete the file to train a new judge)", err)
	}
	if src == nil {
		return nil, fmt.Errorf("judge: no judge at %s", path)
	}
	line.Printf("no judge at %s: training one on %s (once; a few minutes)", path, src.What)
	train, test, err := src.Load(ctx)
	if err != nil {
		return nil, fmt.Errorf("judge: %w", err)
	}
	opt := src.Options
	start := time.Now()
	opt.Progress = func(epoch, epochs, step, steps int, loss float64) {
		el := time.Since(start)
		done := float64((epoch-1)*steps+step) / float64(epochs*steps)
		eta := time.Duration(float64(el) * (1 - done) / done).Round(time.Second)
		show := line.Update
		if step == steps && (epochs <= 10 || epoch%(epochs/10) == 0 || epoch == epochs) {
			show = line.Log // the end of an epoch: worth a line in a log (ten at most)
		}
		show("training the judge: epoch %d/%d, %3.0f%%, loss %.4f, ETA %v", epoch, epochs, 100*float64(step)/float64(steps), loss, eta)
	}
	j, err = Train(ctx, train, test, opt)
	line.Done()
	if err != nil {
		return nil, err
	}
	line.Printf("judge trained in %v: %.2f%% of the %d held-out images read right", time.Since(start).Round(time.Second), 100*j.TestAccuracy, test.Len())
	if err := j.Check(want, path); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("judge: %w", err)
	}
	if err := atomicfile.WriteFile(path, j.Save); err != nil {
		return nil, fmt.Errorf("judge: saving %s: %w", path, err)
	}
	line.Printf("judge saved to %s", path)
	return j, nil
}

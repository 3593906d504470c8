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

// MinAccuracy is the test accuracy below which a judge is not to be
// trusted (its users warn).
const MinAccuracy = 0.99

// A Source gives the digits a new judge is trained on (train) and
// measured on (test): the MNIST training and test digits.
type Source func(ctx context.Context) (train, test *Digits, err error)

// Open returns the judge saved at path. When there is no file there, it
// trains one (with DefaultTrainOptions, on the digits of src), shows the
// progress on line, and saves it at path (atomically, creating its
// folder). A file that exists but is not a valid judge is an error, and so
// is a missing one when src is nil.
func Open(ctx context.Context, path string, src Source, line *status.Line) (*Judge, error) {
	j, err := LoadFile(path)
	if err == nil {
		return j, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("judge: %w (delete the file to train a new judge)", err)
	}
	if src == nil {
		return nil, fmt.Errorf("judge: no judge at %s", path)
	}
	line.Printf("no judge at %s: training one on the MNIST training digits (once; a few minutes)", path)
	train, test, err := src(ctx)
	if err != nil {
		return nil, fmt.Errorf("judge: %w", err)
	}
	opt := DefaultTrainOptions()
	start := time.Now()
	opt.Progress = func(epoch, step, steps int, loss float64) {
		el := time.Since(start)
		done := float64((epoch-1)*steps+step) / float64(opt.Epochs*steps)
		eta := time.Duration(float64(el) * (1 - done) / done).Round(time.Second)
		show := line.Update
		if step == steps {
			show = line.Log // the end of an epoch: worth a line in a log
		}
		show("training the judge: epoch %d/%d, %3.0f%%, loss %.4f, ETA %v", epoch, opt.Epochs, 100*float64(step)/float64(steps), loss, eta)
	}
	j, err = Train(ctx, train, test, opt)
	line.Done()
	if err != nil {
		return nil, err
	}
	line.Printf("judge trained in %v: %.2f%% of the %d test digits read right", time.Since(start).Round(time.Second), 100*j.TestAccuracy, test.Len())
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("judge: %w", err)
	}
	if err := atomicfile.WriteFile(path, j.Save); err != nil {
		return nil, fmt.Errorf("judge: saving %s: %w", path, err)
	}
	line.Printf("judge saved to %s", path)
	return j, nil
}

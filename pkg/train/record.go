// Records of a training run: what the progress line shows, what -log writes
// as JSON lines, and what the loss plot draws.

package train

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
)

// Record is the state of a training run over a span of iterations: the
// losses and accuracies averaged over the iterations From+1 … Iter (the
// seed prints the same figures for every iteration).
type Record struct {
	// Iter is the number of iterations completed at the end of the span.
	Iter int `json:"iter"`
	// Iters is the number of iterations the figures average over.
	Iters int `json:"iters"`
	// DLoss is the discriminator's loss: the mean of its total loss
	// (validity + class) on the real batch and on the generated batch.
	DLoss float64 `json:"d_loss"`
	// DAcc is the discriminator's real/fake accuracy over both batches.
	DAcc float64 `json:"d_acc"`
	// ClassAcc is the discriminator's class accuracy over both batches
	// (the Keras program's "op_acc"; with -objective fakeclass the generated batch
	// counts as right when classified as the fake class).
	ClassAcc float64 `json:"class_acc"`
	// GLoss is the generator's total loss (validity + class) through the
	// frozen discriminator.
	GLoss float64 `json:"g_loss"`
	// ItPerSec is the training speed over the span, in iterations per second.
	ItPerSec float64 `json:"it_per_s"`
	// Elapsed is the wall time since this process started training, in
	// seconds.
	Elapsed float64 `json:"elapsed_s"`
	// Eval holds the generator's quality figures when the run judged it at
	// this record's iteration (acgan-train -eval-every), else nil.
	Eval *Eval `json:"eval,omitempty"`
}

// Eval is the quality of the generator as acgan-eval's judge sees it
// (docs/eval.md), computed by the caller's Options.Eval.
type Eval struct {
	// Acc is the conditional accuracy: how often the judge reads a
	// generated digit as the class asked for.
	Acc float64 `json:"acc"`
	// Frechet is the Fréchet distance between the judge's features of the
	// generated digits and of the real test digits.
	Frechet float64 `json:"frechet"`
	// Diversity is the mean feature distance within a class over the real
	// test digits' own (low: mode collapse).
	Diversity float64 `json:"diversity"`
	// PerClass is the number of digits generated per class.
	PerClass int `json:"per_class"`
}

// ReadLog reads the records of a -log file (one JSON object per line) whose
// iteration is at most upTo, in order; name starts error messages. A resumed
// run keeps these and drops the rest (iterations after the model it resumes
// from, which it does again).
func ReadLog(r io.Reader, name string, upTo int) ([]Record, error) {
	var recs []Record
	sc := bufio.NewScanner(r)
	for line := 1; sc.Scan(); line++ {
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		var rec Record
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			return nil, fmt.Errorf("%s:%d: not a log record: %v", name, line, err)
		}
		if rec.Iter <= upTo {
			recs = append(recs, rec)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return recs, nil
}

// WriteLog writes recs as JSON lines.
func WriteLog(w io.Writer, recs []Record) error {
	for _, r := range recs {
		b, err := json.Marshal(r)
		if err != nil {
			return err
		}
		if _, err := w.Write(append(b, '\n')); err != nil {
			return err
		}
	}
	return nil
}

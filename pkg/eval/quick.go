// Quick figures for a training run (acgan-train -eval-every N): the judge
// and the test digits' statistics are set up once, then each evaluation
// generates a few digits per class with fixed noise and returns the three
// headline figures.

package eval

import (
	"context"
	"encoding/json"
	"fmt"

	"acgan/pkg/mnist"
	"acgan/pkg/status"
)

// QuickPerClass is the number of digits per class of a quick evaluation:
// 1000 digits in all, about a second of generation.
const QuickPerClass = 100

// Figures are the headline figures of an evaluation, as a training log
// records them. Figures of different runs compare only at the same
// PerClass (the Fréchet distance of a smaller set is larger).
type Figures struct {
	Accuracy  float64 `json:"eval_acc"`       // conditional accuracy
	Frechet   float64 `json:"eval_frechet"`   // Fréchet distance to the test digits
	Diversity float64 `json:"eval_diversity"` // mean per-class diversity ratio
	PerClass  int     `json:"eval_per_class"` // digits generated per class
}

// MarshalJSON writes the figures with 6 significant digits, NaN as null.
func (f Figures) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Accuracy  jnum `json:"eval_acc"`
		Frechet   jnum `json:"eval_frechet"`
		Diversity jnum `json:"eval_diversity"`
		PerClass  int  `json:"eval_per_class"`
	}{jnum(f.Accuracy), jnum(f.Frechet), jnum(f.Diversity), f.PerClass})
}

// String formats the figures for a progress line:
// "eval acc 93.4% FD 12.31 div 0.87".
func (f Figures) String() string {
	return fmt.Sprintf("eval acc %s FD %s div %s", pct(f.Accuracy), fixed(f.Frechet, 2), fixed(f.Diversity, 2))
}

// OpenReference opens the judge at judgePath (training it on first use,
// with MNIST from the fetcher's sources, see OpenJudge) and returns the
// reference of the MNIST test digits its file holds: what Quick compares
// with. Once the judge exists, no MNIST digits are read.
func OpenReference(ctx context.Context, judgePath string, f *mnist.Fetcher, line *status.Line) (*Reference, error) {
	j, err := OpenJudge(ctx, judgePath, f, line)
	if err != nil {
		return nil, err
	}
	return NewReference(j, j.Test), nil
}

// Quick generates perClass digits of every class with g (noise of size
// latent from seed; use the same seed at every evaluation of a run so the
// figures follow the model, not the noise) and returns the headline
// figures.
func (r *Reference) Quick(g Generator, latent, perClass int, seed uint64) (Figures, error) {
	row, err := r.Generated(g, latent, perClass, seed)
	if err != nil {
		return Figures{}, err
	}
	return Figures{Accuracy: row.Accuracy, Frechet: row.Frechet, Diversity: row.Diversity, PerClass: perClass}, nil
}

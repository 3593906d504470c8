package eval

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"sync"
	"testing"

	"acgan/pkg/judge"
	"acgan/pkg/mnist"
)

// fixtureRecipe trains a judge on the 100 fixture digits in a few seconds.
var fixtureRecipe = judge.TrainOptions{Seed: 7, Epochs: 20, Batch: 20, LR: 1e-3, Decay: 1}

var (
	fixtureOnce  sync.Once
	fixtureJ     *judge.Judge
	fixtureErr   error
	fixtureTrain *judge.Set
	fixtureTest  *judge.Set
)

// fixtureJudge returns a judge trained on the fixture's training digits
// (once per test binary) and the fixture's digits.
func fixtureJudge(t testing.TB) (*judge.Judge, *judge.Set, *judge.Set) {
	t.Helper()
	fixtureOnce.Do(func() {
		tr, te := fixtures(t)
		fixtureTrain, fixtureTest = fromDataset(t, tr), fromDataset(t, te)
		fixtureJ, fixtureErr = judge.Train(context.Background(), fixtureTrain, fixtureTest, fixtureRecipe)
	})
	if fixtureErr != nil {
		t.Fatal(fixtureErr)
	}
	return fixtureJ, fixtureTrain, fixtureTest
}

// TestCachedJudge checks the judge this machine has cached (skipped when
// there is none): it reads at least 99% of the MNIST test digits right,
// as its file says, and nearly all of the fixture's 100 test digits. With
// ACGAN_JUDGE_FULL=1 and the MNIST test split in the cache, its stored test
// statistics are recomputed from the 10000 digits and compared (a few
// seconds more).
func TestCachedJudge(t *testing.T) {
	path, err := judge.DefaultPath()
	if err != nil {
		t.Skip(err)
	}
	j, err := judge.LoadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		t.Skipf("no cached judge at %s (acgan-eval trains one on first use)", path)
	}
	if err != nil {
		t.Fatal(err)
	}
	if j.TestAccuracy < judge.MinAccuracy || j.Test.Gauss.N != 10000 {
		t.Errorf("cached judge: test accuracy %v on %d digits, want ≥ %v on 10000", j.TestAccuracy, j.Test.Gauss.N, judge.MinAccuracy)
	}
	_, test := fixtures(t)
	if acc, _ := j.Accuracy(fromDataset(t, test)); acc < 0.98 {
		t.Errorf("cached judge reads %.0f%% of the 100 fixture test digits right, want ≥ 98%%", 100*acc)
	}
	if os.Getenv("ACGAN_JUDGE_FULL") == "" {
		return
	}
	ds, err := mnist.New(mnist.Config{Offline: true}).Load(context.Background(), mnist.Test, 0)
	if err != nil {
		t.Skipf("MNIST test split not cached: %v", err)
	}
	st, err := j.Stats(fromDataset(t, ds))
	if err != nil {
		t.Fatal(err)
	}
	for c := range judge.MNIST.Classes {
		for k := range judge.MNIST.Classes {
			if st.Confusion[c][k] != j.Test.Confusion[c][k] {
				t.Fatalf("confusion[%d][%d] = %d now, %d in the file", c, k, st.Confusion[c][k], j.Test.Confusion[c][k])
			}
		}
	}
	fd, _ := Frechet(st.Gauss, j.Test.Gauss)
	if fd > 1e-6 {
		t.Errorf("Fréchet distance between the recomputed and the stored test statistics: %g", fd)
	}
	t.Logf("cached judge %s: %.2f%% of the MNIST test digits", path, 100*st.Accuracy())
}

// fromDataset returns the digits of an MNIST data set.
func fromDataset(t testing.TB, ds *mnist.Dataset) *judge.Set {
	t.Helper()
	d, err := FromDataset(ds)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

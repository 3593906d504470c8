package train

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"acgan/pkg/modelfile"
	"acgan/pkg/status"
)

// judgeFunc judges with a function.
type judgeFunc func(*modelfile.Model) (Eval, error)

func (f judgeFunc) Judge(m *modelfile.Model) (Eval, error) { return f(m) }

// TestEvalHook: Options.Eval runs every EvalEvery iterations and at the
// end, its figures land in those records (log and progress line), and
// judging the generator (here: generating 100 digits in inference mode)
// changes nothing in the model.
func TestEvalHook(t *testing.T) {
	data := testData(20)
	plain := newModel(t, 5)
	if _, err := Run(plain, data, Options{Iters: 5, LogEvery: 1}); err != nil {
		t.Fatal(err)
	}

	m := newModel(t, 5)
	var log, progress bytes.Buffer
	var at []int
	res, err := Run(m, data, Options{Iters: 5, LogEvery: 1, EvalEvery: 2, Log: &log,
		Progress: &Progress{Line: status.New(&progress, false, ""), Total: 5},
		Judge: judgeFunc(func(m *modelfile.Model) (Eval, error) {
			at = append(at, int(m.Iter))
			z := make([]float32, 100*m.Cfg.Latent)
			for i := range z {
				z[i] = float32(i%7) - 3
			}
			y := make([]int, 100)
			for i := range y {
				y[i] = i % 10
			}
			if _, err := m.Generate(z, y); err != nil {
				return Eval{}, err
			}
			return Eval{Acc: 0.5, Frechet: 12.345, Diversity: 0.75, PerClass: 10}, nil
		})})
	if err != nil {
		t.Fatal(err)
	}
	if len(at) != 3 || at[0] != 2 || at[1] != 4 || at[2] != 5 {
		t.Errorf("evaluated at iterations %v, want [2 4 5]", at)
	}
	if res.Last.Eval == nil || res.Last.Eval.Frechet != 12.345 {
		t.Errorf("last record %+v", res.Last)
	}
	if !bytes.Equal(saved(t, plain), saved(t, m)) {
		t.Error("evaluating changed the model")
	}
	lines := strings.Split(strings.TrimSpace(log.String()), "\n")
	want := `"eval":{"acc":0.5,"frechet":12.345,"diversity":0.75,"per_class":10}}`
	for i, l := range lines {
		has := strings.HasSuffix(l, want)
		if has != (i == 1 || i == 3 || i == 4) {
			t.Errorf("log line %d: %s", i+1, l)
		}
	}
	recs, err := ReadLog(strings.NewReader(log.String()), "log", 5)
	if err != nil || len(recs) != 5 || recs[1].Eval == nil || recs[1].Eval.Diversity != 0.75 || recs[0].Eval != nil {
		t.Errorf("ReadLog: %v %+v", err, recs)
	}
	pl := strings.Split(strings.TrimSpace(progress.String()), "\n")
	if len(pl) != 5 || !strings.HasSuffix(pl[1], " [eval acc 50.0%, FD 12.35, div 0.75]") || strings.Contains(pl[2], "eval") {
		t.Errorf("progress:\n%s", progress.String())
	}

	// An evaluation that fails is given up with its error; training goes
	// on to the end, and the model is the one of a run without evaluation.
	boom := errors.New("boom")
	calls := 0
	failing := newModel(t, 5)
	res, err = Run(failing, data, Options{Iters: 5, LogEvery: 1, EvalEvery: 1,
		Judge: judgeFunc(func(*modelfile.Model) (Eval, error) { calls++; return Eval{}, boom })})
	if err != nil || failing.Iter != 5 || calls != 1 {
		t.Errorf("failing evaluation: error %v, iteration %d, %d calls; want no error, 5, 1", err, failing.Iter, calls)
	}
	if len(res.Failed) != 1 || !errors.Is(res.Failed[0], boom) || !strings.Contains(res.Failed[0].Error(), "the evaluation failed at iteration 1") {
		t.Errorf("failing evaluation: Failed = %v", res.Failed)
	}
	if !bytes.Equal(saved(t, failing), saved(t, plain)) {
		t.Error("a failed evaluation changed the model")
	}
}

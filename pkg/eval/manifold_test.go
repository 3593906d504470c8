package eval

import (
	"math"
	"math/rand/v2"
	"testing"

	"acgan/pkg/judge"
	"acgan/pkg/parallel"
)

// cloud returns n vectors of N(centre, 1) in d dimensions.
func cloud(r *rand.Rand, n, d int, centre float64) []float64 {
	x := make([]float64, n*d)
	for i := range x {
		x[i] = centre + r.NormFloat64()
	}
	return x
}

// naivePrecisionRecall is the definition written out in float64: each
// radius the k-th smallest distance to the other vectors of the set.
func naivePrecisionRecall(real, gen []float64, d, k int) (float64, float64) {
	dist := func(a, b []float64) float64 {
		var s float64
		for i := range a {
			t := a[i] - b[i]
			s += t * t
		}
		return math.Sqrt(s)
	}
	radii := func(x []float64) []float64 {
		n := len(x) / d
		out := make([]float64, n)
		for i := range n {
			var ds []float64
			for j := range n {
				if j != i {
					ds = append(ds, dist(x[i*d:(i+1)*d], x[j*d:(j+1)*d]))
				}
			}
			// k-th smallest by selection
			for a := 0; a < k; a++ {
				for b := a + 1; b < len(ds); b++ {
					if ds[b] < ds[a] {
						ds[a], ds[b] = ds[b], ds[a]
					}
				}
			}
			out[i] = ds[k-1]
		}
		return out
	}
	inside := func(man, q []float64) float64 {
		rad := radii(man)
		hit := 0
		for i := 0; i < len(q)/d; i++ {
			for j := range rad {
				if dist(q[i*d:(i+1)*d], man[j*d:(j+1)*d]) <= rad[j] {
					hit++
					break
				}
			}
		}
		return float64(hit) / float64(len(q)/d)
	}
	return inside(real, gen), inside(gen, real)
}

func TestPrecisionRecallIdentical(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 1))
	x := cloud(r, 300, 16, 5)
	p, rc, err := PrecisionRecall(x, x, 16, Neighbours)
	if err != nil || p != 1 || rc != 1 {
		t.Errorf("a set against itself: precision %v, recall %v, %v; want 1 and 1", p, rc, err)
	}
}

func TestPrecisionRecallCollapsed(t *testing.T) {
	r := rand.New(rand.NewPCG(2, 2))
	const n, d = 300, 16
	real := cloud(r, n, d, 0)
	// Every generated vector is (nearly) real vector 5: inside its ball,
	// so all inside the real manifold, and a ball of radius 0 covers no
	// other real vector.
	for _, shift := range []float64{0, 0.01} {
		gen := make([]float64, 0, n*d)
		for range n {
			for _, v := range real[5*d : 6*d] {
				gen = append(gen, v+shift)
			}
		}
		p, rc, err := PrecisionRecall(real, gen, d, Neighbours)
		if err != nil || p != 1 || rc > 1.0/n {
			t.Errorf("collapsed onto a real vector (+%v): precision %v, recall %v, %v; want 1 and ≤ 1/%d", shift, p, rc, err, n)
		}
	}
}

func TestPrecisionRecallDisjoint(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 3))
	real := cloud(r, 200, 8, 0)
	gen := cloud(r, 250, 8, 100)
	p, rc, err := PrecisionRecall(real, gen, 8, Neighbours)
	if err != nil || p != 0 || rc != 0 {
		t.Errorf("disjoint sets: precision %v, recall %v, %v; want 0 and 0", p, rc, err)
	}
}

func TestManifoldRadius(t *testing.T) {
	// On a line: 0, 1, 3, 7, 15. The radius is the distance to the k-th
	// nearest *other* point (a point is at distance 0 from itself).
	x := []float64{0, 1, 3, 7, 15}
	origin := meanVector(x, 1)
	for k, want := range map[int][]float64{
		1: {1, 1, 2, 4, 8},
		2: {3, 2, 3, 6, 12},
		4: {15, 14, 12, 8, 15},
	} {
		m := newManifold(newPoints(x, 1, origin), k)
		for i, w := range want {
			if got := math.Sqrt(m.radius2[i]); math.Abs(got-w) > 1e-5 {
				t.Errorf("k=%d: radius of %v is %v, want %v", k, x[i], got, w)
			}
		}
	}
	if m := newManifold(newPoints(x, 1, origin), 5); m.radius2 != nil {
		t.Errorf("k=5 with 5 points: radii %v, want none", m.radius2)
	}
	// k=1: balls [-1,1], [0,2], [1,5], [3,11], [7,23].
	gen := []float64{0.5, 4.5, 11.5, 24, -1.5}
	p, _, err := PrecisionRecall(x, gen, 1, 1)
	if err != nil || p != 3.0/5 {
		t.Errorf("precision %v, %v; want 3/5", p, err)
	}
	// Too few vectors for k neighbours: NaN.
	p, rc, err := PrecisionRecall(x, x[:3], 1, 3)
	if err != nil || p != 1 || !math.IsNaN(rc) {
		t.Errorf("3 generated vectors, k=3: precision %v, recall %v, %v; want 1, NaN", p, rc, err)
	}
	p, rc, _ = PrecisionRecall(x, nil, 1, 3)
	if !math.IsNaN(p) || !math.IsNaN(rc) {
		t.Errorf("no generated vectors: %v, %v; want NaN, NaN", p, rc)
	}
	if _, _, err := PrecisionRecall(x, x[:3], 2, 3); err == nil {
		t.Error("5 values in 2-vectors: no error")
	}
}

func TestPrecisionRecallNaive(t *testing.T) {
	// Overlapping clouds of other sizes than a block of rows: the same
	// figures as the definition computed plainly in float64, and the same
	// bits whatever the thread count.
	r := rand.New(rand.NewPCG(4, 4))
	const d = judge.Features
	real := cloud(r, 600, d, 0)
	gen := cloud(r, 530, d, 0.15)
	for i := range gen[:100*d] {
		gen[i] *= 0.8 // a denser part
	}
	wantP, wantR := naivePrecisionRecall(real, gen, d, Neighbours)
	defer parallel.SetThreads(0)
	for _, threads := range []int{1, 2, 3} {
		parallel.SetThreads(threads)
		p, rc, err := PrecisionRecall(real, gen, d, Neighbours)
		if err != nil || p != wantP || rc != wantR {
			t.Errorf("%d threads: precision %v, recall %v, %v; want %v, %v", threads, p, rc, err, wantP, wantR)
		}
	}
	t.Logf("precision %v, recall %v", wantP, wantR)
	if wantP == 0 || wantP == 1 || wantR == 0 || wantR == 1 {
		t.Errorf("precision %v and recall %v: want a case strictly between 0 and 1", wantP, wantR)
	}
}

func BenchmarkPrecisionRecall(b *testing.B) {
	r := rand.New(rand.NewPCG(5, 5))
	real := cloud(r, 10000, judge.Features, 0)
	gen := cloud(r, 10000, judge.Features, 0.1)
	for b.Loop() {
		PrecisionRecall(real, gen, judge.Features, Neighbours)
	}
}

// Improved precision and recall (Kynkäänniemi, Karras, Laine, Lehtinen and
// Aila, "Improved Precision and Recall Metric for Assessing Generative
// Models", NeurIPS 2019, arXiv:1904.06991), in the judge's feature space.
//
// A set of feature vectors Φ stands for the manifold it samples: the union
// of one ball around each φ ∈ Φ whose radius is the distance from φ to its
// k-th nearest neighbour in Φ (φ itself not counted). A vector is inside
// the manifold when it lies in at least one ball:
//
//	f(φ, Φ) = 1  if ‖φ − φ′‖ ≤ ‖φ′ − NN_k(φ′, Φ)‖ for some φ′ ∈ Φ, else 0
//
//	precision = mean of f(φ_g, Φ_real) over the generated vectors φ_g
//	recall    = mean of f(φ_r, Φ_gen)  over the real vectors φ_r
//
// Precision asks how many generated digits look like some real digit
// (fidelity); recall how many real digits the generator can draw something
// like (coverage). A generator that draws one perfect digit per class has
// high precision and low recall.
//
// Distances are computed by brute force: the squared distance of every pair
// is ‖a‖² + ‖b‖² − 2a·b, the dot products from one matrix product (pkg/gemm)
// per block of rows, in float32 on vectors shifted by the mean of the real
// ones (which leaves distances unchanged and keeps the norms small). Each
// set's radii come from its distances to itself, and precision and recall
// together from one pass over the distances between the two sets. Each
// distance comes from one element of a product whose value does not depend
// on the thread count, and each vector's figure from its own distances, so
// the results do not depend on it either.

package eval

import (
	"fmt"
	"math"

	"acgan/pkg/gemm"
	"acgan/pkg/parallel"
)

// Neighbours is k of the k-NN manifolds of PrecisionRecall: the radius of
// each ball is the distance to the third nearest other vector, the value
// the paper recommends.
const Neighbours = 3

// blockRows is the number of rows of the distance matrix held at once.
const blockRows = 256

// PrecisionRecall returns the improved precision and recall of the
// generated feature vectors gen against the real ones real, both row-major
// [n, d], with balls reaching the k-th nearest neighbour (see the file
// comment). Precision is NaN when real has k vectors or fewer (no ball has
// a k-th neighbour) or gen is empty, recall likewise with the sets swapped.
func PrecisionRecall(real, gen []float64, d, k int) (precision, recall float64, err error) {
	if d < 1 || len(real)%d != 0 || len(gen)%d != 0 {
		return 0, 0, fmt.Errorf("eval: precision and recall of %d and %d values in %d-vectors", len(real), len(gen), d)
	}
	if k < 1 {
		return 0, 0, fmt.Errorf("eval: precision and recall with k = %d neighbours", k)
	}
	r := newManifold(newPoints(real, d, meanVector(real, d)), k)
	precision, recall = compare(r, r.against(gen))
	return precision, recall, nil
}

// points is a set of vectors as the distance computation reads them.
type points struct {
	n, d   int
	origin []float64 // subtracted from every vector
	x      []float32 // [n, d], the vectors less origin
	norm2  []float64 // ‖x_i‖² of the float32 vectors
}

// newPoints returns the vectors x ([n, d]) less origin.
func newPoints(x []float64, d int, origin []float64) *points {
	p := &points{n: len(x) / d, d: d, origin: origin, x: make([]float32, len(x))}
	p.norm2 = make([]float64, p.n)
	for i := range p.n {
		var s float64
		for k := range d {
			v := float32(x[i*d+k] - origin[k])
			p.x[i*d+k] = v
			s += float64(v) * float64(v)
		}
		p.norm2[i] = s
	}
	return p
}

// meanVector returns the mean of the vectors x ([n, d]); zero for none.
func meanVector(x []float64, d int) []float64 {
	m := make([]float64, d)
	n := len(x) / d
	if n == 0 {
		return m
	}
	for i := range n {
		for k, v := range x[i*d : (i+1)*d] {
			m[k] += v
		}
	}
	for k := range m {
		m[k] /= float64(n)
	}
	return m
}

// distances calls fn with each block of rows [lo, hi) of a and dot, the
// dot products of those rows with every vector of b ([hi−lo, b.n]).
func distances(a, b *points, fn func(lo, hi int, dot []float32)) {
	dot := make([]float32, min(blockRows, a.n)*b.n)
	for lo := 0; lo < a.n; lo += blockRows {
		hi := min(lo+blockRows, a.n)
		gemm.Sgemm(false, true, hi-lo, b.n, a.d, 1, a.x[lo*a.d:], a.d, b.x, b.d, 0, dot, b.n)
		fn(lo, hi, dot)
	}
}

// dist2 returns the squared distance between a_i and b_j from their dot
// product (never negative: rounding can make the formula so).
func dist2(a *points, i int, b *points, j int, dot float32) float64 {
	return max(0, a.norm2[i]+b.norm2[j]-2*float64(dot))
}

// manifold is the union of the balls around a set of vectors.
type manifold struct {
	p *points
	k int
	// radius2 is the squared radius of the ball around each vector; nil
	// when the set has k vectors or fewer (no balls).
	radius2 []float64
}

// newManifold returns the manifold of p with balls reaching the k-th
// nearest neighbour.
func newManifold(p *points, k int) *manifold {
	m := &manifold{p: p, k: k}
	if p.n <= k {
		return m
	}
	m.radius2 = make([]float64, p.n)
	distances(p, p, func(lo, hi int, dot []float32) {
		parallel.For(hi-lo, func(a, b int) {
			nearest := make([]float64, k) // the k smallest so far, ascending
			for i := lo + a; i < lo+b; i++ {
				row := dot[(i-lo)*p.n : (i-lo+1)*p.n]
				for t := range nearest {
					nearest[t] = math.Inf(1)
				}
				for j, v := range row {
					if j == i {
						continue // a vector is not its own neighbour
					}
					d2 := dist2(p, i, p, j, v)
					if d2 >= nearest[k-1] {
						continue
					}
					t := k - 1
					for t > 0 && nearest[t-1] > d2 {
						nearest[t] = nearest[t-1]
						t--
					}
					nearest[t] = d2
				}
				m.radius2[i] = nearest[k-1]
			}
		})
	})
	return m
}

// against returns the manifold of the vectors x ([n, d]) with the balls
// and the origin of m, for compare.
func (m *manifold) against(x []float64) *manifold {
	return newManifold(newPoints(x, m.p.d, m.p.origin), m.k)
}

// compare returns the fraction of g's vectors inside r's manifold
// (precision, when r is real and g generated) and the fraction of r's
// vectors inside g's (recall), from one pass over the distances between
// the two sets, which must share their origin. A fraction is NaN when
// there are no vectors to count or no balls to count them in.
func compare(r, g *manifold) (precision, recall float64) {
	inR := make([]bool, g.p.n) // g_i inside r's manifold
	inG := make([]bool, r.p.n) // r_j inside g's manifold
	if r.radius2 == nil && g.radius2 == nil {
		return math.NaN(), math.NaN()
	}
	distances(g.p, r.p, func(lo, hi int, dot []float32) {
		n := r.p.n
		if r.radius2 != nil {
			// Rows: is g_i in the ball of some r_j?
			parallel.For(hi-lo, func(a, b int) {
				for i := lo + a; i < lo+b; i++ {
					for j, v := range dot[(i-lo)*n : (i-lo+1)*n] {
						if dist2(g.p, i, r.p, j, v) <= r.radius2[j] {
							inR[i] = true
							break
						}
					}
				}
			})
		}
		if g.radius2 != nil {
			// Columns: is r_j in the ball of some g_i of the block?
			parallel.For(n, func(a, b int) {
				for i := lo; i < hi; i++ {
					row := dot[(i-lo)*n : (i-lo+1)*n]
					for j := a; j < b; j++ {
						if !inG[j] && dist2(g.p, i, r.p, j, row[j]) <= g.radius2[i] {
							inG[j] = true
						}
					}
				}
			})
		}
	})
	precision, recall = math.NaN(), math.NaN()
	if r.radius2 != nil {
		precision = fraction(inR)
	}
	if g.radius2 != nil {
		recall = fraction(inG)
	}
	return precision, recall
}

// fraction returns the fraction of true values, NaN for none.
func fraction(x []bool) float64 {
	if len(x) == 0 {
		return math.NaN()
	}
	n := 0
	for _, v := range x {
		if v {
			n++
		}
	}
	return float64(n) / float64(len(x))
}

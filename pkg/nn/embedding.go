// Embedding: a lookup table, y[n] = W[label[n]].
//
//	labels  [N] in [0, V)
//	W       [V, D]
//	y       [N, D]
//
// Backward: dW[v] = Σ_{n: label[n] = v} dy[n] (rows of unused labels are 0).

package nn

import "fmt"

// Embedding maps class labels to learned vectors.
type Embedding struct {
	V, D   int
	Weight *Param // [V, D]
	Frozen bool   // Backward leaves Weight.G alone

	labels []int // of the last Forward (not owned)
	y      []float32
}

// NewEmbedding returns a table of v vectors of size d, named name,
// zero-initialised (see Uniform).
func NewEmbedding(name string, v, d int) *Embedding {
	return &Embedding{V: v, D: d, Weight: NewParam(name, v, d)}
}

// Params returns the table.
func (l *Embedding) Params() []*Param { return []*Param{l.Weight} }

// States returns nil: the layer has no state besides its table.
func (l *Embedding) States() []*State { return nil }

// SetFrozen sets Frozen.
func (l *Embedding) SetFrozen(frozen bool) { l.Frozen = frozen }

// Forward returns the rows of the table for labels. A label out of range
// panics: callers validate labels at their boundary.
func (l *Embedding) Forward(labels []int) []float32 {
	l.labels = labels
	l.y = grow(l.y, len(labels)*l.D)
	for i, c := range labels {
		if c < 0 || c >= l.V {
			panic(fmt.Sprintf("nn: Embedding %s: label %d out of range [0, %d)", l.Weight.Name, c, l.V))
		}
		copy(l.y[i*l.D:(i+1)*l.D], l.Weight.W[c*l.D:(c+1)*l.D])
	}
	return l.y
}

// Backward sets the table's gradient from dy [N, D] (unless Frozen).
func (l *Embedding) Backward(dy []float32) {
	if l.Frozen {
		return
	}
	g := l.Weight.G
	clear(g)
	for i, c := range l.labels {
		row := g[c*l.D : (c+1)*l.D]
		for j, v := range dy[i*l.D : (i+1)*l.D] {
			row[j] += v
		}
	}
}

// Parameters (weights with gradients), named non-parameter state, and the
// small buffer helpers every layer uses.

package nn

// Param is a trainable tensor: its values W and the gradient G of the
// current loss with respect to W, both laid out row-major in Shape.
type Param struct {
	Name  string    // e.g. "g.dense.w", "d.bn2.gamma"
	Shape []int     // e.g. [out, in, 3, 3] for a conv kernel
	W     []float32 // values
	G     []float32 // gradient, same length as W
}

// NewParam returns a zero-valued parameter of the given shape.
func NewParam(name string, shape ...int) *Param {
	n := Size(shape)
	return &Param{Name: name, Shape: append([]int(nil), shape...), W: make([]float32, n), G: make([]float32, n)}
}

// State is a named float32 tensor that is not trained by gradient descent
// but must be saved with a model: a batch-norm moving statistic, an Adam
// moment.
type State struct {
	Name  string
	Shape []int
	Data  []float32
	// NonNegative says every value must be ≥ 0 for the model to be usable
	// (a variance, a second moment): a loader checks it.
	NonNegative bool
}

// NewState returns a state tensor of the given shape filled with v.
func NewState(name string, v float32, shape ...int) *State {
	d := make([]float32, Size(shape))
	for i := range d {
		d[i] = v
	}
	return &State{Name: name, Shape: append([]int(nil), shape...), Data: d}
}

// nonNegative marks s as holding values that must be ≥ 0 and returns it.
func nonNegative(s *State) *State {
	s.NonNegative = true
	return s
}

// Size is the number of elements of a tensor of the given shape.
func Size(shape []int) int {
	n := 1
	for _, s := range shape {
		n *= s
	}
	return n
}

// grow returns buf resliced to length n, reallocating only when its capacity
// is too small. The contents are not cleared.
func grow[T any](buf []T, n int) []T {
	if cap(buf) < n {
		return make([]T, n)
	}
	return buf[:n]
}

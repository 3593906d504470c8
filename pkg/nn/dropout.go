// Dropout: in training, each element is zeroed with probability Rate and
// the survivors are scaled by 1/(1 − Rate) (Keras's inverted dropout); in
// inference, or with Rate 0, y = x.
//
//	x, y, dy, dx  [any shape, n elements]
//	mask          [n], 0 or 1/(1 − Rate)
//
// Backward: dx = dy·mask.
//
// The mask comes from R, one Float32 draw per element in order, so the same
// RNG state gives the same mask.

package nn

import "math/rand/v2"

// Dropout is the dropout layer.
type Dropout struct {
	Rate float32
	R    *rand.Rand // source of the masks

	active bool // the last Forward applied a mask
	mask   []float32
	y, dx  []float32
}

// NewDropout returns a dropout layer with the given rate drawing its masks
// from r.
func NewDropout(rate float32, r *rand.Rand) *Dropout { return &Dropout{Rate: rate, R: r} }

// Forward applies dropout if training (and Rate > 0) and returns the result;
// otherwise it returns x itself.
func (l *Dropout) Forward(x []float32, training bool) []float32 {
	l.active = training && l.Rate > 0
	if !l.active {
		return x
	}
	n := len(x)
	l.mask = grow(l.mask, n)
	l.y = grow(l.y, n)
	scale := 1 / (1 - l.Rate)
	for i, v := range x {
		if l.R.Float32() < l.Rate {
			l.mask[i] = 0
		} else {
			l.mask[i] = scale
		}
		l.y[i] = v * l.mask[i]
	}
	return l.y
}

// Backward returns dx from dy (dy itself when the last Forward was the
// identity).
func (l *Dropout) Backward(dy []float32) []float32 {
	if !l.active {
		return dy
	}
	l.dx = grow(l.dx, len(l.mask))
	for i, m := range l.mask {
		l.dx[i] = dy[i] * m
	}
	return l.dx
}

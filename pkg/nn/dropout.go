// Dropout: in training, each element is zeroed with probability Rate and
// the survivors are scaled by 1/(1 − Rate) (Keras's inverted dropout); in
// inference, or with Rate 0, y = x.
//
//	x, y, dy, dx  [any shape, n elements]
//	mask          [n], 0 or 1/(1 − Rate)
//
// Backward: dx = dy·mask.
//
// The mask comes from R, element by element in order, so the same RNG state
// gives the same mask. Speed: when Rate is k/2^b with b ≤ 8 (0.25 = 1/4,
// 0.5 = 1/2, ...), one Uint64 draw serves 64/b elements (b ∈ {1, 2, 4, 8}):
// each takes the next b bits, from the low end, as an integer f uniform in
// [0, 2^b) and is dropped if f < k, exactly with probability Rate. Other
// rates take one Float32 draw per element and drop if it is < Rate.

package nn

import (
	"math"
	"math/rand/v2"

	"acgan/pkg/parallel"
)

// Dropout is the dropout layer.
type Dropout struct {
	Rate float32
	R    *rand.Rand // source of the masks

	active bool // the last Forward applied a mask
	mask   []float32
	y, dx  []float32

	// forwardBits's draws and the masking they drive, split so that the
	// draws stay in order and the masking runs in parallel
	words        []uint64
	x, dy        []float32 // operands of the region in progress (not owned)
	b, k         uint64
	sbits        uint32
	bitsFn, bwFn func(lo, hi int)
}

// NewDropout returns a dropout layer with the given rate drawing its masks
// from r.
func NewDropout(rate float32, r *rand.Rand) *Dropout {
	l := &Dropout{Rate: rate, R: r}
	l.bitsFn, l.bwFn = l.maskWords, l.backward
	return l
}

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
	if b, k, ok := dyadic(l.Rate); ok {
		l.forwardBits(x, b, k, scale)
		return l.y
	}
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

// dyadic reports whether rate = k/2^b for some b ∈ {1, 2, 4, 8}, with the
// smallest such b.
func dyadic(rate float32) (b uint, k uint64, ok bool) {
	for _, b := range [...]uint{1, 2, 4, 8} {
		t := float64(rate) * float64(uint(1)<<b)
		if t == math.Trunc(t) && t > 0 && t < float64(uint(1)<<b) {
			return b, uint64(t), true
		}
	}
	return 0, 0, false
}

// forwardBits draws the mask b bits per element, dropping an element when
// its bits f < k: the words in order from R, then the masking in parallel.
func (l *Dropout) forwardBits(x []float32, b uint, k uint64, scale float32) {
	per := 64 / int(b)
	l.words = grow(l.words, (len(x)+per-1)/per)
	for i := range l.words {
		l.words[i] = l.R.Uint64()
	}
	l.x, l.b, l.k, l.sbits = x, uint64(b), k, math.Float32bits(scale)
	parallel.For(len(l.words), l.bitsFn)
	l.x = nil
}

// maskWords sets the mask and y for the elements of words lo .. hi-1.
//
// Speed: branch-free; f − k wraps around (top bit set) exactly when f < k,
// which selects the bits of 0 or of scale.
func (l *Dropout) maskWords(lo, hi int) {
	b, k, sbits := l.b, l.k, l.sbits
	per, field := 64/int(b), uint64(1)<<b-1
	x := l.x
	for w := lo; w < hi; w++ {
		u := l.words[w]
		i := w * per
		xs := x[i:min(i+per, len(x))]
		ms, ys := l.mask[i:i+len(xs)], l.y[i:i+len(xs)]
		for j, v := range xs {
			drop := uint32((u&field - k) >> 63) // 1 if dropped
			u >>= b
			m := math.Float32frombits(sbits & (drop - 1))
			ms[j], ys[j] = m, v*m
		}
	}
}

// Backward returns dx from dy (dy itself when the last Forward was the
// identity).
func (l *Dropout) Backward(dy []float32) []float32 {
	if !l.active {
		return dy
	}
	l.dx = grow(l.dx, len(l.mask))
	l.dy = dy[:len(l.mask)]
	parallel.For(len(l.mask), l.bwFn)
	l.dy = nil
	return l.dx
}

// backward sets dx = dy·mask for elements lo .. hi-1.
func (l *Dropout) backward(lo, hi int) {
	dx, dy := l.dx[lo:hi], l.dy[lo:hi]
	for i, m := range l.mask[lo:hi] {
		dx[i] = dy[i] * m
	}
}

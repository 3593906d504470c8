// The mode-seeking loss of Mao, Lee, Tseng, Ma and Yang, "Mode Seeking
// Generative Adversarial Networks for Diverse Image Synthesis" (CVPR 2019):
// two images made from the same condition and different noise should
// differ in proportion to their noise. A batch of 2P images whose image p
// and image P+p share their condition gives
//
//	img   [2P, S]   the generated images, S values each
//	z     [2P, L]   their noise
//	r     = mean_{p,s} |img[p, s] − img[P+p, s]| / mean_{p,l} |z[p, l] − z[P+p, l]|
//	loss  = 1/(r + ε),  ε = 1e-5   (the authors' code)
//
// and the generator minimises w·loss, which pushes the two images of a
// pair apart. With D = mean |z[p] − z[P+p]| (a constant: the noise is
// an input) and M = P·S,
//
//	dloss/dimg[p, s]   = −sign(img[p, s] − img[P+p, s]) / ((r + ε)²·D·M)
//	dloss/dimg[P+p, s] = −dloss/dimg[p, s]
//
// (sign(0) = 0). Sums are in float64, in order, so the result does not depend
// on the thread count.

package nn

import (
	"fmt"
	"math"
)

// ModeSeekingEps is the ε of the mode-seeking loss.
const ModeSeekingEps = 1e-5

// ModeSeeking returns the mode-seeking loss of the images img [2P, S] made
// from the noise z [2P, L], image p paired with image P+p, and adds w times
// its gradient to dimg [2P, S]. It needs at least one pair; the noise of a
// pair must differ somewhere.
func ModeSeeking(img, z []float32, pairs int, w float32, dimg []float32) (float64, error) {
	if pairs < 1 || len(img)%(2*pairs) != 0 || len(z)%(2*pairs) != 0 || len(dimg) != len(img) {
		return 0, fmt.Errorf("nn: mode seeking: %d pairs of %d image values, %d noise values, %d gradient values", pairs, len(img), len(z), len(dimg))
	}
	S, L := len(img)/(2*pairs), len(z)/(2*pairs)
	M := pairs * S
	var dz float64
	for i, v := range z[:pairs*L] {
		dz += math.Abs(float64(v) - float64(z[pairs*L+i]))
	}
	dz /= float64(pairs * L)
	if !(dz > 0) {
		return 0, fmt.Errorf("nn: mode seeking: the noise of every pair is the same")
	}
	var di float64
	a, b := img[:M], img[M:2*M]
	for i, v := range a {
		di += math.Abs(float64(v) - float64(b[i]))
	}
	r := di / float64(M) / dz
	loss := 1 / (r + ModeSeekingEps)
	g := float32(float64(w) * loss * loss / (dz * float64(M)))
	da, db := dimg[:M], dimg[M:2*M]
	for i, v := range a {
		switch {
		case v > b[i]:
			da[i] -= g
			db[i] += g
		case v < b[i]:
			da[i] += g
			db[i] -= g
		}
	}
	return loss, nil
}

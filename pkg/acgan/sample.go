// The generator's inputs: noise vectors and the classes asked for. Every
// tool draws them here, so that the same seed means the same noise
// wherever it is used.

package acgan

import "math/rand/v2"

// Noise fills z with independent draws from N(0, 1), taken from r in order.
func Noise(r *rand.Rand, z []float32) {
	for i := range z {
		z[i] = float32(r.NormFloat64())
	}
}

// SeededNoise returns n noise vectors of size latent drawn from a PCG source
// with state (seed, stream): the first k vectors are the same for every
// n ≥ k. Each use of seeded noise (generation, sample grids, evaluation)
// has a stream of its own, so that they do not repeat one another.
func SeededNoise(seed, stream uint64, n, latent int) []float32 {
	z := make([]float32, n*latent)
	Noise(rand.New(rand.NewPCG(seed, stream)), z)
	return z
}

// Classes fills y with classes drawn uniformly from [0, classes), taken
// from r in order.
func Classes(r *rand.Rand, y []int, classes int) {
	for i := range y {
		y[i] = r.IntN(classes)
	}
}

// ClassRows returns the labels of perClass images of each class in turn:
// perClass of class 0, then of class 1, …, so that a grid of perClass
// images a row shows class r in row r.
func ClassRows(perClass, classes int) []int {
	y := make([]int, perClass*classes)
	for i := range y {
		y[i] = i / perClass
	}
	return y
}

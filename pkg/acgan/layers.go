// A network's list of its layers with parameters or state, and what is
// derived from it: the parameters, the state, freezing and Keras's
// initialisation.

package acgan

import (
	"fmt"
	"math/rand/v2"

	"acgan/pkg/nn"
)

// layerList holds a network's nn.Trainable layers in network order, which
// is the order of their parameters and states in the model file.
type layerList []nn.Trainable

// add appends l to ls and returns it, so that a constructor builds and
// lists a layer in one statement.
func add[L nn.Trainable](ls *layerList, l L) L {
	*ls = append(*ls, l)
	return l
}

// params returns the parameters of every layer, in order.
func (ls layerList) params() []*nn.Param {
	var ps []*nn.Param
	for _, l := range ls {
		ps = append(ps, l.Params()...)
	}
	return ps
}

// states returns the saved state of every layer, in order.
func (ls layerList) states() []*nn.State {
	var ss []*nn.State
	for _, l := range ls {
		ss = append(ss, l.States()...)
	}
	return ss
}

// setFrozen freezes (or thaws) every layer.
func (ls layerList) setFrozen(frozen bool) {
	for _, l := range ls {
		l.SetFrozen(frozen)
	}
}

// embeddingLimit is the bound of Keras's default embedding initialiser,
// RandomUniform(−0.05, 0.05).
const embeddingLimit = 0.05

// initKeras draws the initial weights of every layer from r, in order, with
// Keras's default initialisers: Glorot-uniform kernels (Dense, Conv2D,
// UpConv2D) and U(±0.05) embeddings. Biases stay zero and batch norm keeps
// its constructor's γ = 1, β = 0.
func (ls layerList) initKeras(r *rand.Rand) {
	for _, l := range ls {
		switch l := l.(type) {
		case *nn.Dense:
			nn.GlorotUniform(l.Weight, r)
		case *nn.Conv2D:
			nn.GlorotUniform(l.Weight, r)
		case *nn.UpConv2D:
			nn.GlorotUniform(l.Weight, r)
		case *nn.Embedding:
			nn.Uniform(l.Weight, embeddingLimit, r)
		case *nn.BatchNorm:
			// γ = 1, β = 0 from the constructor: nothing drawn
		default:
			panic(fmt.Sprintf("acgan: no Keras initialiser for %T", l))
		}
	}
}

// Keras's initialisers: Glorot-uniform kernels, uniform embeddings (zeros
// for biases and the batch-norm defaults are set by the constructors).

package nn

import (
	"math"
	"math/rand/v2"
)

// GlorotUniform fills p with U(−l, l), l = √(6/(fanIn + fanOut)), where for
// a kernel of shape [out, in, k...] fanIn = in·Πk and fanOut = out·Πk
// (Keras's glorot_uniform; a dense weight [out, in] has no k). Values are
// drawn in p's storage order.
func GlorotUniform(p *Param, r *rand.Rand) {
	rf := 1
	for _, s := range p.Shape[2:] {
		rf *= s
	}
	fanOut, fanIn := p.Shape[0]*rf, p.Shape[1]*rf
	Uniform(p, math.Sqrt(6/float64(fanIn+fanOut)), r)
}

// Uniform fills p with U(−limit, limit) (Keras's RandomUniform, used with
// limit 0.05 for embeddings).
func Uniform(p *Param, limit float64, r *rand.Rand) {
	for i := range p.W {
		p.W[i] = float32((2*r.Float64() - 1) * limit)
	}
}

// Dense: a fully connected layer, y = x·Wᵀ + b.
//
//	x  [N, In]      input rows
//	W  [Out, In]    weight (Keras stores [In, Out]; ours is its transpose)
//	b  [Out]        bias
//	y  [N, Out]     output
//
// Backward: dW = dyᵀ·x [Out, In], db = Σ_n dy [Out], dx = dy·W [N, In].

package nn

import "acgan/pkg/gemm"

// Dense is a fully connected layer.
type Dense struct {
	In, Out int
	Weight  *Param // [Out, In]
	Bias    *Param // [Out]
	Frozen  bool   // Backward computes dx only, leaving Weight.G and Bias.G alone

	x  []float32 // input of the last Forward (not owned)
	n  int
	y  []float32
	dx []float32
}

// NewDense returns a dense layer with parameters named name+".w" and
// name+".b", zero-initialised (see GlorotUniform).
func NewDense(name string, in, out int) *Dense {
	return &Dense{In: in, Out: out, Weight: NewParam(name+".w", out, in), Bias: NewParam(name+".b", out)}
}

// Params returns the weight and the bias.
func (l *Dense) Params() []*Param { return []*Param{l.Weight, l.Bias} }

// States returns nil: the layer has no state besides its parameters.
func (l *Dense) States() []*State { return nil }

// SetFrozen sets Frozen.
func (l *Dense) SetFrozen(frozen bool) { l.Frozen = frozen }

// Forward computes y [n, Out] from x [n, In].
func (l *Dense) Forward(x []float32, n int) []float32 {
	l.x, l.n = x[:n*l.In], n
	l.y = grow(l.y, n*l.Out)
	for i := 0; i < n; i++ {
		copy(l.y[i*l.Out:(i+1)*l.Out], l.Bias.W)
	}
	// y[n, Out] += x[n, In] · Wᵀ
	gemm.Sgemm(false, true, n, l.Out, l.In, 1, l.x, l.In, l.Weight.W, l.In, 1, l.y, l.Out)
	return l.y
}

// Backward takes dy [n, Out], sets the parameter gradients (unless Frozen)
// and returns dx [n, In] if needDX is true (nil otherwise).
func (l *Dense) Backward(dy []float32, needDX bool) []float32 {
	n := l.n
	dy = dy[:n*l.Out]
	if !l.Frozen {
		// dW[Out, In] = dyᵀ[Out, n] · x[n, In]
		gemm.Sgemm(true, false, l.Out, l.In, n, 1, dy, l.Out, l.x, l.In, 0, l.Weight.G, l.In)
		db := l.Bias.G
		clear(db)
		for i := 0; i < n; i++ {
			row := dy[i*l.Out : (i+1)*l.Out]
			for j, v := range row {
				db[j] += v
			}
		}
	}
	if !needDX {
		return nil
	}
	// dx[n, In] = dy[n, Out] · W[Out, In]
	l.dx = grow(l.dx, n*l.In)
	gemm.Sgemm(false, false, n, l.In, l.Out, 1, dy, l.Out, l.Weight.W, l.In, 0, l.dx, l.In)
	return l.dx
}

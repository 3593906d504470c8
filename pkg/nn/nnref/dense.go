package nnref

// Dense is a fully connected layer: y[n, o] = b[o] + Σ_i w[o, i]·x[n, i],
// with w [Out, In] and b [Out].
type Dense struct {
	In, Out int
}

// Forward returns y [n, Out] for x [n, In].
func (l Dense) Forward(x []float64, n int, w, b []float64) []float64 {
	y := make([]float64, n*l.Out)
	for s := 0; s < n; s++ {
		for o := 0; o < l.Out; o++ {
			acc := b[o]
			for i := 0; i < l.In; i++ {
				acc += w[o*l.In+i] * x[s*l.In+i]
			}
			y[s*l.Out+o] = acc
		}
	}
	return y
}

// Backward returns dx [n, In], dw [Out, In] and db [Out] for dy [n, Out].
func (l Dense) Backward(x []float64, n int, w, dy []float64) (dx, dw, db []float64) {
	dx = make([]float64, n*l.In)
	dw = make([]float64, l.Out*l.In)
	db = make([]float64, l.Out)
	for s := 0; s < n; s++ {
		for o := 0; o < l.Out; o++ {
			d := dy[s*l.Out+o]
			db[o] += d
			for i := 0; i < l.In; i++ {
				dw[o*l.In+i] += d * x[s*l.In+i]
				dx[s*l.In+i] += d * w[o*l.In+i]
			}
		}
	}
	return dx, dw, db
}

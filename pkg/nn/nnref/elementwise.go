package nnref

import "math"

// ReLU returns max(x, 0).
func ReLU(x []float64) []float64 {
	y := make([]float64, len(x))
	for i, v := range x {
		if v > 0 {
			y[i] = v
		}
	}
	return y
}

// ReLUBackward returns dx = dy where x > 0, else 0.
func ReLUBackward(x, dy []float64) []float64 {
	dx := make([]float64, len(x))
	for i, v := range x {
		if v > 0 {
			dx[i] = dy[i]
		}
	}
	return dx
}

// LeakyReLU returns x where x > 0, alpha·x elsewhere.
func LeakyReLU(x []float64, alpha float64) []float64 {
	y := make([]float64, len(x))
	for i, v := range x {
		if v > 0 {
			y[i] = v
		} else {
			y[i] = alpha * v
		}
	}
	return y
}

// LeakyReLUBackward returns dx = dy where x > 0, alpha·dy elsewhere.
func LeakyReLUBackward(x []float64, alpha float64, dy []float64) []float64 {
	dx := make([]float64, len(x))
	for i, v := range x {
		if v > 0 {
			dx[i] = dy[i]
		} else {
			dx[i] = alpha * dy[i]
		}
	}
	return dx
}

// Tanh returns tanh(x).
func Tanh(x []float64) []float64 {
	y := make([]float64, len(x))
	for i, v := range x {
		y[i] = math.Tanh(v)
	}
	return y
}

// TanhBackward returns dx = dy·(1 − tanh²(x)).
func TanhBackward(x, dy []float64) []float64 {
	dx := make([]float64, len(x))
	for i, v := range x {
		t := math.Tanh(v)
		dx[i] = dy[i] * (1 - t*t)
	}
	return dx
}

// sigmoid is 1/(1 + e^−x).
func sigmoid(x float64) float64 { return 1 / (1 + math.Exp(-x)) }

// Sigmoid returns 1/(1 + e^−x).
func Sigmoid(x []float64) []float64 {
	y := make([]float64, len(x))
	for i, v := range x {
		y[i] = sigmoid(v)
	}
	return y
}

// SigmoidBackward returns dx = dy·σ(x)·(1 − σ(x)).
func SigmoidBackward(x, dy []float64) []float64 {
	dx := make([]float64, len(x))
	for i, v := range x {
		s := sigmoid(v)
		dx[i] = dy[i] * s * (1 - s)
	}
	return dx
}

// Softmax returns the softmax of each row of x [n, k]: e^x[j] / Σ e^x.
// (The row's maximum is subtracted first, which changes nothing but the
// range of the exponentials.)
func Softmax(x []float64, k int) []float64 {
	y := make([]float64, len(x))
	for r := 0; r < len(x)/k; r++ {
		row := x[r*k : (r+1)*k]
		m := row[0]
		for _, v := range row {
			m = max(m, v)
		}
		var s float64
		for _, v := range row {
			s += math.Exp(v - m)
		}
		for j, v := range row {
			y[r*k+j] = math.Exp(v-m) / s
		}
	}
	return y
}

// SoftmaxBackward returns dx for dy of Softmax through its Jacobian:
// dx[j] = Σ_i dy[i]·∂y[i]/∂x[j], ∂y[i]/∂x[j] = y[i]·([i = j] − y[j]).
func SoftmaxBackward(x []float64, k int, dy []float64) []float64 {
	y := Softmax(x, k)
	dx := make([]float64, len(x))
	for r := 0; r < len(x)/k; r++ {
		for j := 0; j < k; j++ {
			for i := 0; i < k; i++ {
				delta := 0.0
				if i == j {
					delta = 1
				}
				dx[r*k+j] += dy[r*k+i] * y[r*k+i] * (delta - y[r*k+j])
			}
		}
	}
	return dx
}

// Dropout returns x·mask: in training, keep[i] says whether element i
// survives, and survivors are scaled by 1/(1 − rate) (inverted dropout).
func Dropout(x []float64, keep []bool, rate float64) []float64 {
	y := make([]float64, len(x))
	for i, v := range x {
		if keep[i] {
			y[i] = v / (1 - rate)
		}
	}
	return y
}

// DropoutBackward returns dx = dy·mask for the mask of Dropout.
func DropoutBackward(keep []bool, rate float64, dy []float64) []float64 {
	return Dropout(dy, keep, rate)
}

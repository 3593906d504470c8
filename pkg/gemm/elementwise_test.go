package gemm

import (
	"math"
	"math/rand/v2"
	"testing"
)

// elementwiseValues returns n float32 values: mostly ordinary ones of
// several magnitudes, with zeros of both signs, subnormals, infinities and
// NaNs among them.
func elementwiseValues(r *rand.Rand, n int) []float32 {
	special := []float32{0, float32(math.Copysign(0, -1)), 1e-40, -3e-42, float32(math.Inf(1)), float32(math.Inf(-1)), float32(math.NaN()), 1e30, -1e-30}
	x := make([]float32, n)
	for i := range x {
		switch r.IntN(20) {
		case 0:
			x[i] = special[r.IntN(len(special))]
		default:
			x[i] = float32(r.NormFloat64() * math.Pow(10, float64(r.IntN(7)-3)))
		}
	}
	return x
}

// sameBits reports whether a and b hold the same bits (NaNs compared as
// NaNs: their payloads are not specified).
func sameBits(a, b float32) bool {
	if a != a && b != b {
		return true
	}
	return math.Float32bits(a) == math.Float32bits(b)
}

// TestElementwiseKernels checks that every path's Normalize,
// NormalizeBack and Adam give the bits of the Go loops, for every length
// up to a few vectors (the vector part and the tail) and odd offsets.
func TestElementwiseKernels(t *testing.T) {
	r := rand.New(rand.NewPCG(31, 32))
	for _, name := range Paths() {
		t.Run(name, func(t *testing.T) {
			useArch(t, name)
			for n := 0; n <= 70; n++ {
				off := r.IntN(3)
				x := elementwiseValues(r, n+off)[off:]
				dy := elementwiseValues(r, n+off)[off:]
				m, g, b := float32(r.NormFloat64()), float32(r.NormFloat64()), float32(r.NormFloat64())
				k0 := float32(r.NormFloat64())

				y, want := make([]float32, n), make([]float32, n)
				Normalize(y, x, m, g, b)
				normalizeGo(want, x, m, g, b)
				for i := range y {
					if !sameBits(y[i], want[i]) {
						t.Fatalf("Normalize n=%d: y[%d] = %v, want %v", n, i, y[i], want[i])
					}
				}
				NormalizeBack(y, dy, x, m, g, b, k0)
				normalizeBackGo(want, dy, x, m, g, b, k0)
				for i := range y {
					if !sameBits(y[i], want[i]) {
						t.Fatalf("NormalizeBack n=%d: dx[%d] = %v, want %v", n, i, y[i], want[i])
					}
				}

				c := AdamCoefs{Beta1: 0.5, Beta2: 0.999, LR: 2e-4, Eps: 1e-7, C1: float32(1 / (1 - math.Pow(0.5, 3))), C2: 1 / (1 - math.Pow(0.999, 3))}
				w := elementwiseValues(r, n)
				mo := elementwiseValues(r, n)
				v := make([]float32, n)
				for i := range v {
					v[i] = float32(math.Abs(r.NormFloat64())) * 1e-3 // a second moment is ≥ 0
				}
				w2, m2, v2 := append([]float32(nil), w...), append([]float32(nil), mo...), append([]float32(nil), v...)
				Adam(w, dy, mo, v, c)
				adamGo(w2, dy, m2, v2, c)
				for i := range w {
					if !sameBits(w[i], w2[i]) || !sameBits(mo[i], m2[i]) || !sameBits(v[i], v2[i]) {
						t.Fatalf("Adam n=%d at %d: w, m, v = %v %v %v, want %v %v %v", n, i, w[i], mo[i], v[i], w2[i], m2[i], v2[i])
					}
				}
			}
		})
	}
}

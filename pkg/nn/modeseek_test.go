package nn

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestGradModeSeeking checks the mode-seeking loss's gradient by finite
// differences (the pairs' values differ by more than the step, away from
// the kinks of |·|), its value against the definition, and that w scales
// the gradient added to dimg.
func TestGradModeSeeking(t *testing.T) {
	const pairs, S, L = 3, 5, 4
	r := rand.New(rand.NewPCG(5, 7))
	img := make([]float32, 2*pairs*S)
	for i := range img[:pairs*S] {
		img[i] = float32(r.Float64()*2 - 1)
		d := float32(0.1 + 0.5*r.Float64())
		if r.IntN(2) == 0 {
			d = -d
		}
		img[pairs*S+i] = img[i] + d
	}
	z := randVec(r, 2*pairs*L, 1)
	dimg := make([]float32, len(img))
	forward := func() []float32 {
		l, err := ModeSeeking(img, z, pairs, 0, make([]float32, len(img)))
		if err != nil {
			t.Fatal(err)
		}
		return []float32{float32(l)}
	}
	checkGrads(t, "ModeSeeking", forward, func(dy []float32) {
		clear(dimg)
		if _, err := ModeSeeking(img, z, pairs, dy[0], dimg); err != nil {
			t.Fatal(err)
		}
	}, []gvar{{"img", img, func() []float32 { return dimg }}})

	// The value, from the definition.
	var di, dz float64
	for i := 0; i < pairs*S; i++ {
		di += math.Abs(float64(img[i]) - float64(img[pairs*S+i]))
	}
	for i := 0; i < pairs*L; i++ {
		dz += math.Abs(float64(z[i]) - float64(z[pairs*L+i]))
	}
	want := 1 / (di/(pairs*S)/(dz/(pairs*L)) + ModeSeekingEps)
	got, _ := ModeSeeking(img, z, pairs, 1, make([]float32, len(img)))
	if math.Abs(got-want) > 1e-12*want {
		t.Errorf("loss %v, want %v", got, want)
	}

	// The gradient is added to what dimg holds.
	base := make([]float32, len(img))
	for i := range base {
		base[i] = 1
	}
	g1 := make([]float32, len(img))
	ModeSeeking(img, z, pairs, 1, g1)
	ModeSeeking(img, z, pairs, 2, base)
	for i := range base {
		if want := 1 + 2*g1[i]; math.Abs(float64(base[i]-want)) > 1e-6*math.Abs(float64(want)) {
			t.Fatalf("dimg[%d] = %v after adding 2× the gradient to 1, want %v", i, base[i], want)
		}
	}
}

// TestModeSeekingErrors checks the shapes and noises it refuses.
func TestModeSeekingErrors(t *testing.T) {
	img, z := make([]float32, 8), []float32{1, 2, 1, 2}
	for _, c := range []struct {
		name         string
		img, z, dimg []float32
		pairs        int
	}{
		{"no pairs", img, z, make([]float32, 8), 0},
		{"odd images", img[:7], z, make([]float32, 7), 1},
		{"short gradient", img, z, make([]float32, 4), 1},
		{"the same noise", img, z, make([]float32, 8), 1},
	} {
		if _, err := ModeSeeking(c.img, c.z, c.pairs, 1, c.dimg); err == nil {
			t.Errorf("%s: no error", c.name)
		}
	}
}

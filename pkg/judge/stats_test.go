package judge

import (
	"math"
	"testing"
)

func TestFitGaussian(t *testing.T) {
	// Three 2-vectors: mean (2, 1); covariance with divisor n−1.
	x := []float64{1, 0, 2, 2, 3, 1}
	g, err := FitGaussian(x, 2)
	if err != nil {
		t.Fatal(err)
	}
	if g.N != 3 || g.Mean[0] != 2 || g.Mean[1] != 1 {
		t.Fatalf("n %d mean %v, want 3 [2 1]", g.N, g.Mean)
	}
	// deviations (-1,-1), (0,1), (1,0): Σ = [[2, 1], [1, 2]]/2
	want := [][]float64{{1, 0.5}, {0.5, 1}}
	for i := range 2 {
		for j := range 2 {
			if got := g.Cov.At(i, j); math.Abs(got-want[i][j]) > 1e-15 {
				t.Errorf("cov[%d][%d] = %v, want %v", i, j, got, want[i][j])
			}
		}
	}
	if _, err := FitGaussian(x[:2], 2); err == nil {
		t.Error("one vector: no error")
	}
	if _, err := FitGaussian(x[:5], 2); err == nil {
		t.Error("5 values in 2-vectors: no error")
	}
}

func TestClassDistances(t *testing.T) {
	feats := make([]float64, 5*Features)
	labels := []int{0, 3, 0, 3, 3}
	// class 0: the origin and (3, 4, 0, …): one pair at distance 5.
	feats[2*Features+0], feats[2*Features+1] = 3, 4
	// class 3: (1, 0, …), (1, 2, …), (1, 0, 2, …): pairs at 2, 2, √8.
	feats[1*Features] = 1
	feats[3*Features], feats[3*Features+1] = 1, 2
	feats[4*Features], feats[4*Features+2] = 1, 2
	d := ClassDistances(feats, labels, 4)
	if len(d) != 4 {
		t.Fatalf("%d classes, want 4", len(d))
	}
	if d[0] != 5 {
		t.Errorf("class 0: %v, want 5", d[0])
	}
	if want := (4 + math.Sqrt(8)) / 3; math.Abs(d[3]-want) > 1e-15 {
		t.Errorf("class 3: %v, want %v", d[3], want)
	}
	if !math.IsNaN(d[1]) {
		t.Errorf("class 1 (no digits): %v, want NaN", d[1])
	}
}

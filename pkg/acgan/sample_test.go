package acgan

import (
	"math/rand/v2"
	"slices"
	"testing"
)

func TestSeededNoise(t *testing.T) {
	a, b := SeededNoise(7, 1, 3, 10), SeededNoise(7, 1, 5, 10)
	if !slices.Equal(a, b[:30]) {
		t.Error("the first noise vectors depend on how many are drawn")
	}
	if slices.Equal(a, SeededNoise(8, 1, 3, 10)) || slices.Equal(a, SeededNoise(7, 2, 3, 10)) {
		t.Error("another seed or stream gives the same noise")
	}
	z := make([]float32, 30)
	Noise(rand.New(rand.NewPCG(7, 1)), z)
	if !slices.Equal(a, z) {
		t.Error("SeededNoise is not Noise from PCG(seed, stream)")
	}
}

func TestClasses(t *testing.T) {
	if y := ClassRows(2, 3); !slices.Equal(y, []int{0, 0, 1, 1, 2, 2}) {
		t.Errorf("ClassRows(2, 3) = %v", y)
	}
	y := make([]int, 1000)
	Classes(rand.New(rand.NewPCG(1, 2)), y, 10)
	seen := map[int]int{}
	for _, c := range y {
		seen[c]++
	}
	if len(seen) != 10 || seen[-1] != 0 || seen[10] != 0 {
		t.Errorf("1000 draws of 10 classes: %v", seen)
	}
}

package nn

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// BenchmarkUpsampleConv compares the fused UpConv2D with Upsample2x +
// Conv2D on the generator's second conv (128 → 64, 14×14 → 28×28) at
// batch 32, forward and backward (dW and dx).
//
//	go test ./pkg/nn -run '^$' -bench UpsampleConv -count 5
func BenchmarkUpsampleConv(b *testing.B) {
	const n, cin, cout, h, w = 32, 128, 64, 14, 14
	r := rand.New(rand.NewPCG(1, 1))
	x := randVec(r, n*cin*h*w, 1)
	fused := NewUpConv2D("f", cin, cout)
	conv := NewConv2D("c", cin, cout, 3, 1, Same)
	GlorotUniform(conv.Weight, r)
	copy(fused.Weight.W, conv.Weight.W)
	var up Upsample2x
	dy := randVec(r, n*cout*4*h*w, 1)
	b.Run("fused", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			fused.Forward(x, n, h, w)
			fused.Backward(dy, true)
		}
	})
	b.Run("separate", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			conv.Forward(up.Forward(x, n*cin, h, w), n, 2*h, 2*w)
			up.Backward(conv.Backward(dy, true))
		}
	})
}

func BenchmarkConvOneChannel(b *testing.B) {
	const n, cin, h, w = 32, 64, 28, 28
	r := rand.New(rand.NewPCG(1, 1))
	x := randVec(r, n*cin*h*w, 1)
	dy := randVec(r, n*h*w, 1)
	for _, d := range []bool{true, false, true, false} {
		useDirect = d
		conv := NewConv2D("c", cin, 1, 3, 1, Same)
		b.Run(fmt.Sprint("direct=", d), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				conv.Forward(x, n, h, w)
				conv.Backward(dy, true)
			}
		})
	}
	useDirect = true
}

// Checks and benchmarks of Conv2D's direct path (1 to directMaxCout output
// channels, 3×3, stride 1, same padding): y, dx and dW against nnref's
// float64 convolution over many shapes (every border case of the row
// kernels and every remainder of the channel blocking), and bitwise
// independence of the thread count.

package nn

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"acgan/internal/cputime"
	"acgan/pkg/nn/nnref"
	"acgan/pkg/parallel"
)

func TestConvDirect(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	type shape struct{ n, cin, h, w int }
	var shapes []shape
	for h := 1; h <= 6; h++ {
		for w := 1; w <= 9; w++ {
			shapes = append(shapes, shape{2, 1 + (h*w)%9, h, w})
		}
	}
	for cin := 1; cin <= 9; cin++ {
		shapes = append(shapes, shape{3, cin, 5, 7})
	}
	shapes = append(shapes, shape{3, 64, 28, 28}, shape{2, 5, 3, 70}, shape{1, 6, 70, 3})
	for i, s := range shapes {
		cout := 1 + i%directMaxCout
		if s.cin == 64 {
			cout = 3 // the colour generator's last conv (64 → 3)
		}
		c := NewConv2D("c", s.cin, cout, 3, 1, Same)
		if !c.direct() {
			t.Fatal("not the direct path")
		}
		GlorotUniform(c.Weight, r)
		for co := range cout {
			c.Bias.W[co] = 0.3 - 0.2*float32(co)
		}
		x := randVec(r, s.n*s.cin*s.h*s.w, 1)
		dy := randVec(r, s.n*cout*s.h*s.w, 1)
		y, _, _ := c.Forward(x, s.n, s.h, s.w)
		dx := c.Backward(dy, true)
		ref := nnref.Conv{Cin: s.cin, Cout: cout, K: 3, S: 1, Pad: nnref.Same}
		wy, _, _ := ref.Forward(f64(x), s.n, s.h, s.w, f64(c.Weight.W), f64(c.Bias.W))
		wdx, wdw, _ := ref.Backward(f64(x), s.n, s.h, s.w, f64(c.Weight.W), f64(dy))
		check := func(what string, got []float32, want []float64, terms int) {
			t.Helper()
			tol := 1e-6 * float64(terms)
			for i := range want {
				if math.Abs(float64(got[i])-want[i]) > tol*(1+math.Abs(want[i])) {
					t.Fatalf("%+v cout %d: %s[%d] = %v, want %v", s, cout, what, i, got[i], want[i])
				}
			}
		}
		check("y", y, wy, 9*s.cin)
		check("dx", dx, wdx, 9*cout)
		check("dW", c.Weight.G, wdw, s.n*s.h*s.w)
	}
}

// TestConvDirectThreads checks that y, dx and dW have the same bits with
// one thread and with several.
func TestConvDirectThreads(t *testing.T) {
	const n, cin, h, w = 5, 13, 28, 28
	for _, cout := range []int{1, 3} {
		r := rand.New(rand.NewPCG(5, 6))
		x := randVec(r, n*cin*h*w, 1)
		dy := randVec(r, n*cout*h*w, 1)
		run := func(threads int) (y, dx, dw []float32) {
			parallel.SetThreads(threads)
			defer parallel.SetThreads(0)
			c := NewConv2D("c", cin, cout, 3, 1, Same)
			GlorotUniform(c.Weight, rand.New(rand.NewPCG(7, 8)))
			y, _, _ = c.Forward(x, n, h, w)
			y = slices.Clone(y)
			dx = slices.Clone(c.Backward(dy, true))
			return y, dx, slices.Clone(c.Weight.G)
		}
		y1, dx1, dw1 := run(1)
		for _, threads := range []int{2, 3, 4} {
			y, dx, dw := run(threads)
			if !slices.Equal(y, y1) || !slices.Equal(dx, dx1) || !slices.Equal(dw, dw1) {
				t.Fatalf("cout %d, %d threads: results differ from one thread", cout, threads)
			}
		}
	}
}

// BenchmarkConvDirect times the parts of the direct path on the generator's
// last conv (64 channels, 28×28): forward and backward (dx and dW) at batch
// 32 (a training iteration) and forward at batch 100 (acgan-gen -n 100). cpu-ms/op is the
// process CPU time (all threads); GFLOP/s counts a multiply-add as 2.
//
//	go test ./pkg/nn -run '^$' -bench ConvDirect -benchtime 20x -count 3
func BenchmarkConvDirect(b *testing.B) {
	const cin, h, w = 64, 28, 28
	r := rand.New(rand.NewPCG(1, 1))
	x := randVec(r, 100*cin*h*w, 1)
	dy := randVec(r, 32*h*w, 1)
	for _, part := range []string{"fwd", "back"} {
		for _, n := range []int{32, 100} {
			if n == 100 && part != "fwd" {
				continue
			}
			c := NewConv2D("c", cin, 1, 3, 1, Same)
			GlorotUniform(c.Weight, r)
			c.Forward(x, n, h, w)
			if n == 32 {
				c.Backward(dy, true) // allocates dx
			}
			b.Run(fmt.Sprintf("%s/batch%d", part, n), func(b *testing.B) {
				start := cputime.Process()
				for i := 0; i < b.N; i++ {
					switch part {
					case "fwd":
						c.Forward(x, n, h, w)
					case "back":
						c.Backward(dy, true)
					}
				}
				cpu := float64(cputime.Process()-start) / float64(time.Millisecond) / float64(b.N)
				b.ReportMetric(cpu, "cpu-ms/op")
				flops := 2 * 9 * float64(n*cin*h*w)
				if part == "back" {
					flops *= 2 // dx and dW
				}
				b.ReportMetric(flops/(cpu*1e6), "GFLOP/s-cpu")
			})
		}
	}
}

// BenchmarkConvFewChannels compares the direct path with im2col on 32×32
// images at batch 32, forward and backward (dx and dW), for Cin → Cout
// channels around directMaxCout (the colour generator's last conv is
// 64 → 3); beyond directMaxCout it times im2col only, unless the bound is
// raised to measure the direct path there. cpu-ms/op is the process CPU
// time (all threads).
//
//	go test ./pkg/nn -run '^$' -bench ConvFewChannels -benchtime 10x
func BenchmarkConvFewChannels(b *testing.B) {
	defer func() { useDirect = true }()
	const n, h, w = 32, 32, 32
	r := rand.New(rand.NewPCG(1, 1))
	for _, cc := range [][2]int{{64, 1}, {64, 2}, {64, 3}, {64, 4}, {64, 8}, {64, 32}, {3, 3}, {3, 4}, {3, 8}, {1, 3}, {1, 4}, {1, 8}} {
		cin, cout := cc[0], cc[1]
		x := randVec(r, n*cin*h*w, 1)
		dy := randVec(r, n*cout*h*w, 1)
		for _, d := range []bool{true, false} {
			if d && cout > directMaxCout {
				continue
			}
			useDirect = d
			c := NewConv2D("c", cin, cout, 3, 1, Same)
			GlorotUniform(c.Weight, r)
			c.Forward(x, n, h, w)
			c.Backward(dy, true) // sizes the buffers
			b.Run(fmt.Sprintf("%dto%d/direct=%v", cin, cout, d), func(b *testing.B) {
				start := cputime.Process()
				for i := 0; i < b.N; i++ {
					c.Forward(x, n, h, w)
					c.Backward(dy, true)
				}
				b.ReportMetric(float64(cputime.Process()-start)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
			})
		}
	}
}

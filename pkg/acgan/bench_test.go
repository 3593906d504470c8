// Benchmarks: forward and backward of each conv layer of the model at
// batch 32, and whole training iterations. Each reports ms/op, GFLOP/s
// (counting the GEMM multiply-adds as 2 FLOPs, the way the PyTorch
// replica ../shared/bench/torch_acgan.py counts them) and allocs/op.
//
//	go test ./pkg/acgan -run '^$' -bench . -benchtime 20x              # default kernel
//	go test ./pkg/acgan -run '^$' -bench . -benchtime 20x -gemm gonum  # gonum's Sgemm

package acgan

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"acgan/internal/cputime"
	"acgan/pkg/gemm"
	"acgan/pkg/nn"
)

var benchGemm = flag.String("gemm", "", "GEMM kernel for the benchmarks: gonum, or empty for the package default")

// useBenchKernel switches to the kernel -gemm asks for until the benchmark
// ends.
func useBenchKernel(b *testing.B) {
	switch *benchGemm {
	case "":
		return
	case "gonum":
		old := gemm.Current()
		gemm.Use(gemm.Gonum{})
		b.Cleanup(func() { gemm.Use(old) })
	default:
		b.Fatalf("-gemm %q: want gonum or nothing", *benchGemm)
	}
}

func report(b *testing.B, flops float64) {
	b.Helper()
	sec := b.Elapsed().Seconds() / float64(b.N)
	b.ReportMetric(sec*1e3, "ms/op")
	b.ReportMetric(flops/sec/1e9, "GFLOP/s")
}

// warmup is the number of untimed runs before a whole-iteration or
// generation benchmark times its b.N runs, as the PyTorch replica does
// (--warmup 5), so that both sides are timed in a sustained loop.
const warmup = 5

// reportSpread adds the median and the minimum of the per-op wall times,
// the figures the PyTorch replica prints (scripts/bench.sh compares them).
func reportSpread(b *testing.B, ts []time.Duration) {
	s := slices.Clone(ts)
	slices.Sort(s)
	med := s[len(s)/2]
	if len(s)%2 == 0 {
		med = (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	b.ReportMetric(float64(med)/float64(time.Millisecond), "median-ms")
	b.ReportMetric(float64(s[0])/float64(time.Millisecond), "min-ms")
}

// reportCPU adds the CPU time per op since start: on a machine shared with
// other jobs it varies less than the wall time (which it bounds from
// above by the number of threads).
func reportCPU(b *testing.B, start time.Duration) {
	b.ReportMetric(float64(cputime.Process()-start)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
}

// benchLayer is one conv layer of the model at batch 32: its input size,
// how to run it, and the multiply-add FLOPs its GEMMs do in a forward pass.
type benchLayer struct {
	name      string
	cin, h, w int
	forward   func(x []float32) []float32
	backward  func(dy []float32)
	flops     float64
}

func modelLayers(g *Generator, d *Discriminator, B int) []benchLayer {
	conv := func(name string, l *nn.Conv2D, h, w int) benchLayer {
		oh, ow := (h+l.Stride-1)/l.Stride, (w+l.Stride-1)/l.Stride // "same" padding
		return benchLayer{name, l.Cin, h, w,
			func(x []float32) []float32 { y, _, _ := l.Forward(x, B, h, w); return y },
			func(dy []float32) { l.Backward(dy, true) },
			2 * float64(B*oh*ow) * float64(l.Cin*9) * float64(l.Cout)}
	}
	up := func(name string, l *nn.UpConv2D, h, w int) benchLayer {
		// four phases of h·w pixels, 2×2 kernels
		return benchLayer{name, l.Cin, h, w,
			func(x []float32) []float32 { return l.Forward(x, B, h, w) },
			func(dy []float32) { l.Backward(dy, true) },
			2 * 4 * float64(B*h*w) * float64(l.Cin*4) * float64(l.Cout)}
	}
	return []benchLayer{
		up("g.conv1(up 7→14)", g.Conv1, 7, 7),
		up("g.conv2(up 14→28)", g.Conv2, 14, 14),
		conv("g.conv3", g.Conv3, 28, 28),
		conv("d.conv1", d.Conv1, 28, 28),
		conv("d.conv2", d.Conv2, 14, 14),
		conv("d.conv3", d.Conv3, 8, 8),
		conv("d.conv4", d.Conv4, 4, 4),
	}
}

func BenchmarkConv(b *testing.B) {
	useBenchKernel(b)
	const B = 32
	r := rand.New(rand.NewPCG(1, 1))
	g, d := NewGenerator(DefaultConfig(), r), NewDiscriminator(DefaultConfig(), r)
	for _, l := range modelLayers(g, d, B) {
		x := make([]float32, B*l.cin*l.h*l.w)
		for i := range x {
			x[i] = float32(r.NormFloat64())
		}
		b.Run(l.name+"/forward", func(b *testing.B) {
			b.ReportAllocs()
			l.forward(x)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				l.forward(x)
			}
			report(b, l.flops)
		})
		b.Run(l.name+"/backward", func(b *testing.B) {
			// dW and dx, as in the generator step.
			b.ReportAllocs()
			dy := append([]float32(nil), l.forward(x)...)
			l.backward(dy)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				l.backward(dy)
			}
			report(b, 2*l.flops)
		})
	}
}

// iterationFlops counts one iteration's GEMM FLOPs exactly as
// torch_acgan.py's iteration_flops does (batch b for every step), for the
// unfused model: the iteration's GFLOP/s are torch-equivalent FLOPs per
// second, comparable with the replica's figure (our fused upsample+conv
// layers do 2.25× fewer in g.conv1 and g.conv2).
func iterationFlops(b int) float64 {
	gl := [][3]float64{{1, 100, 6272}, {196, 1152, 128}, {784, 1152, 64}, {784, 576, 1}}
	dl := [][3]float64{{196, 9, 16}, {49, 144, 32}, {16, 288, 64}, {16, 576, 128}, {1, 2048, 12}}
	fwd := func(ls [][3]float64) float64 {
		s := 0.0
		for _, l := range ls {
			s += 2 * l[0] * l[1] * l[2] * float64(b)
		}
		return s
	}
	fg, fd, c1 := fwd(gl), fwd(dl), fwd(dl[:1])
	dStep := 3*fd - c1
	gStep := fg + 2*fd + 2*fg
	return fg + 2*dStep + gStep
}

func BenchmarkIteration(b *testing.B) {
	useBenchKernel(b)
	for _, B := range []int{32, 64, 128} {
		b.Run(fmt.Sprintf("batch%d", B), func(b *testing.B) {
			cfg := DefaultConfig()
			cfg.Batch = B
			benchIteration(b, cfg)
		})
	}
}

// BenchmarkIterationRGB32 is BenchmarkIteration/batch32 on 32×32 colour
// images of 10 classes (docs/performance.md compares the two).
func BenchmarkIterationRGB32(b *testing.B) {
	useBenchKernel(b)
	cfg := DefaultConfig()
	cfg.Size, cfg.Channels = 32, 3
	benchIteration(b, cfg)
}

// BenchmarkIterationTAC is BenchmarkIteration/batch32 with objective tac
// and an average of the generator: what the twin head and the average
// add. Its GFLOP/s count the FLOPs of the model with the twin head.
func BenchmarkIterationTAC(b *testing.B) {
	useBenchKernel(b)
	cfg := DefaultConfig()
	cfg.Objective, cfg.TACWeight, cfg.EMA = TAC, 1, 0.999
	benchIteration(b, cfg)
}

func benchIteration(b *testing.B, cfg Config) {
	tr, err := NewTrainer(cfg, 1)
	if err != nil {
		b.Fatal(err)
	}
	x, y := fakeBatchFor(rand.New(rand.NewPCG(2, 2)), cfg)
	for i := 0; i < warmup; i++ { // size the buffers, warm the caches
		if _, err := tr.Step(x, y); err != nil {
			b.Fatal(err)
		}
	}
	ts := make([]time.Duration, b.N)
	b.ReportAllocs()
	b.ResetTimer()
	cpu := cputime.Process()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		if _, err := tr.Step(x, y); err != nil {
			b.Fatal(err)
		}
		ts[i] = time.Since(t0)
	}
	reportCPU(b, cpu)
	report(b, float64(cfg.StepFLOPs()))
	reportSpread(b, ts)
}

func BenchmarkGenerate100(b *testing.B) {
	useBenchKernel(b)
	r := rand.New(rand.NewPCG(3, 3))
	g := NewGenerator(DefaultConfig(), r)
	z := make([]float32, 100*100)
	labels := make([]int, 100)
	for i := range z {
		z[i] = float32(r.NormFloat64())
	}
	for i := range labels {
		labels[i] = i % 10
	}
	for i := 0; i < warmup; i++ {
		g.Forward(z, labels, false)
	}
	ts := make([]time.Duration, b.N)
	b.ReportAllocs()
	b.ResetTimer()
	cpu := cputime.Process()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		g.Forward(z, labels, false)
		ts[i] = time.Since(t0)
	}
	reportCPU(b, cpu)
	reportSpread(b, ts)
	gl := 2 * 100 * (100*6272 + 196*1152*128 + 784*1152*64 + 784*576*1) // torch count, as above
	report(b, float64(gl))
}

package gemm

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"testing"
)

// BenchmarkGatherSum fills, on every path, the 16-column panels (the AVX2
// kernel's width) of an implicit im2col with GatherSum, 256 rows a call:
// colT of UpConv2D's g.conv2 phase product at batch 32 (512 taps × 6272
// pixels; its columns come in runs of 14 consecutive offsets) and its
// transpose, the weight gradient's B (6272 × 512; taps, in short runs).
// The "go" path is the plain loop every path without a gather kernel runs.
// It reports the wall-clock rate and the CPU time of the thread per float.
func BenchmarkGatherSum(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	cp := &convPacker{n: 32, cin: 128, h: 14, w: 14, kh: 2, kw: 2, offY: -1, offX: -1}
	cp.x = make([]float32, cp.n*cp.cin*cp.h*cp.w)
	for i := range cp.x {
		cp.x[i] = float32(r.NormFloat64())
	}
	gp := newGatherPacker(cp)
	const ldd, kb = 16, 256
	dst := make([]float32, kb*ldd)
	for _, tab := range []struct {
		name           string
		rowOff, colOff []int32
	}{{"fwd", gp.rowOff, gp.colOff}, {"dW", gp.colOff, gp.rowOff}} {
		for _, name := range Paths() {
			b.Run(fmt.Sprintf("%s/%s", tab.name, name), func(b *testing.B) {
				useArch(b, name)
				runtime.LockOSThread()
				defer runtime.UnlockOSThread()
				k, n := len(tab.rowOff), len(tab.colOff)
				t0 := threadCPU()
				for i := 0; i < b.N; i++ {
					for p0 := 0; p0 < k; p0 += kb {
						rows := tab.rowOff[p0:min(k, p0+kb)]
						for j0 := 0; j0 < n; j0 += ldd {
							GatherSum(dst, ldd, gp.xp, rows, tab.colOff[j0:min(n, j0+ldd)])
						}
					}
				}
				cpu := threadCPU() - t0
				b.ReportMetric(float64(k*n)*float64(b.N)/b.Elapsed().Seconds()/1e9, "Gfloat/s")
				b.ReportMetric(float64(cpu.Nanoseconds())/(float64(k*n)*float64(b.N)), "cpu-ns/float")
			})
		}
	}
}

// TestGatherSumRowRuns compares GatherSum on every path with its definition
// when the rows, not the columns, come in runs of consecutive offsets (a
// weight gradient's panels: pixels against kernel taps), which the
// AVX-512 and AVX2 paths transpose a run at a time: runs of every length from 1 to
// past a vector, blocks of rows across the chunks the runs are found in,
// every column count of each panel width, and nothing written past the
// block.
func TestGatherSumRowRuns(t *testing.T) {
	r := rand.New(rand.NewPCG(41, 42))
	src := make([]float32, 20000)
	for i := range src {
		src[i] = float32(i + 1)
	}
	for _, name := range Paths() {
		useArch(t, name)
		for _, ldd := range []int{16, 32, 48} {
			for nc := 1; nc <= ldd; nc++ {
				rows := 1 + r.IntN(300)
				rowOff := make([]int32, rows)
				run := 1 + r.IntN(20) // typical run length of this block
				for i := range rowOff {
					if i > 0 && i%run != 0 {
						rowOff[i] = rowOff[i-1] + 1
					} else {
						rowOff[i] = int32(r.IntN(15000))
					}
				}
				colOff := make([]int32, nc)
				for i := range colOff {
					colOff[i] = int32(r.IntN(4000)) // pairs at most, as taps run
					if i%2 == 1 {
						colOff[i] = colOff[i-1] + 1
					}
				}
				const guard = 16
				dst := make([]float32, rows*ldd+guard)
				for i := range dst {
					dst[i] = -1
				}
				GatherSum(dst, ldd, src, rowOff, colOff)
				for i := range dst {
					want := float32(-1)
					if i < rows*ldd {
						want = 0
						if j := i % ldd; j < nc {
							want = src[rowOff[i/ldd]+colOff[j]]
						}
					}
					if dst[i] != want {
						t.Fatalf("%s ldd=%d nc=%d rows=%d run=%d: dst[%d] = %v, want %v", name, ldd, nc, rows, run, i, dst[i], want)
					}
				}
			}
		}
	}
}

// BenchmarkGatherSumWeightGrad packs the panels of UpConv2D's weight
// gradient for g.conv2 at batch 32 (one phase: 6272 pixels × 512 taps, in
// blocks of 369 × 48 as SgemmPacked asks for them), with the rows' runs
// transposed (the AVX-512 and AVX2 paths) and, for comparison, gathered.
//
//	go test ./pkg/gemm -run '^$' -bench GatherSumWeightGrad -count 3
func BenchmarkGatherSumWeightGrad(b *testing.B) {
	const cin, h, w, n = 128, 14, 14, 32
	wp, hp := w+2, h+2
	xRow := cin * wp
	src := make([]float32, n*hp*xRow)
	var pix, taps []int32
	for s := 0; s < n; s++ {
		for i := 0; i < h; i++ {
			for j := 0; j < w; j++ {
				pix = append(pix, int32((s*hp+i)*xRow+j))
			}
		}
	}
	for ci := 0; ci < cin; ci++ {
		for p := 0; p < 2; p++ {
			for q := 0; q < 2; q++ {
				taps = append(taps, int32(p*xRow+ci*wp+q))
			}
		}
	}
	const kb, nb = 369, 48
	dst := make([]float32, kb*nb)
	for _, transpose := range []bool{true, false} {
		name := "gathered"
		if transpose {
			name = "transposed"
		}
		b.Run(name, func(b *testing.B) {
			a := active.Load()
			if transpose && a.rowRuns == 0 {
				b.Skip("the active path has no transposing kernel")
			}
			old := a.rowRuns
			if !transpose {
				a.rowRuns = 0
			}
			defer func() { a.rowRuns = old }()
			for range b.N {
				for p0 := 0; p0+kb <= len(pix); p0 += kb {
					for j0 := 0; j0+nb <= len(taps); j0 += nb {
						GatherSum(dst, nb, src, pix[p0:p0+kb], taps[j0:j0+nb])
					}
				}
			}
		})
	}
}

// Benchmarks of writing and reading an MNIST-sized stream (60000×1×28×28
// uint8 images that look like digits: mostly zero, a blob of ink).

package tensor

import (
	"bytes"
	"io"
	"math/rand/v2"
	"testing"
)

// mnistLike returns 60000 synthetic 28×28 images with MNIST's sparsity and
// their labels.
func mnistLike() []*Tensor {
	const n = 60000
	rng := rand.New(rand.NewPCG(1, 2))
	im := NewUint8(NameImages, []int{n, 1, 28, 28}, nil)
	for i := 0; i < n; i++ {
		img := im.U8[i*784 : (i+1)*784]
		cx, cy := 10+rng.IntN(8), 10+rng.IntN(8)
		for s := 0; s < 60; s++ {
			x, y := cx+rng.IntN(9)-4, cy+rng.IntN(13)-6
			img[y*28+x] = uint8(128 + rng.IntN(128))
		}
	}
	im.SetMeta(MetaRange, "0,255")
	lb := NewUint8(NameLabels, []int{n}, nil)
	for i := range lb.U8 {
		lb.U8[i] = uint8(rng.IntN(10))
	}
	lb.SetMeta(MetaClasses, "10")
	return []*Tensor{im, lb}
}

func BenchmarkWriteMNIST(b *testing.B) {
	ts := mnistLike()
	b.SetBytes(int64(len(ts[0].U8) + len(ts[1].U8)))
	var size int
	for b.Loop() {
		var cw countWriter
		w := NewWriter(&cw)
		for _, t := range ts {
			if err := w.Write(t); err != nil {
				b.Fatal(err)
			}
		}
		if err := w.Close(); err != nil {
			b.Fatal(err)
		}
		size = int(cw)
	}
	b.ReportMetric(float64(size)/(1<<20), "MiB-compressed")
}

func BenchmarkReadMNIST(b *testing.B) {
	ts := mnistLike()
	data := encode(b, ts)
	b.SetBytes(int64(len(ts[0].U8) + len(ts[1].U8)))
	for b.Loop() {
		r := NewReader(bytes.NewReader(data))
		for {
			_, err := r.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
		}
	}
}

func BenchmarkReadFloat32(b *testing.B) {
	x := NewFloat32("x", []int{1000, 1, 28, 28}, nil)
	for i := range x.F32 {
		x.F32[i] = float32(i%255)/127.5 - 1
	}
	data := encode(b, []*Tensor{x})
	b.SetBytes(int64(4 * len(x.F32)))
	for b.Loop() {
		if _, err := ReadAll(bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
	}
}

type countWriter int

func (c *countWriter) Write(p []byte) (int, error) { *c += countWriter(len(p)); return len(p), nil }

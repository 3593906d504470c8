// Tests that what a Writer writes, a Reader reads back unchanged.

package tensor

import (
	"bytes"
	"io"
	"math"
	"reflect"
	"testing"
)

// sample returns tensors of every dtype, with and without metadata,
// including a scalar and empty tensors.
func sample() []*Tensor {
	im := NewUint8("images", []int{2, 1, 2, 3}, []uint8{0, 1, 2, 3, 4, 5, 250, 251, 252, 253, 254, 255})
	im.SetMeta(MetaRange, "0,255")
	lb := NewUint8("labels", []int{2}, []uint8{3, 9})
	lb.SetMeta(MetaClasses, "10")
	i32 := NewInt32("counts", []int{3}, []int32{math.MinInt32, -1, math.MaxInt32})
	f := NewFloat32("z", []int{2, 2}, []float32{-1, 0.5, float32(math.Inf(1)), float32(math.NaN())})
	f.SetMeta(MetaRange, "-1,1").SetMeta("a key", "")
	delete(f.Meta, "a key")
	f.SetMeta("seed", "42").SetMeta("note", "ünïcode, commas, = signs")
	return []*Tensor{
		im, lb, i32, f,
		NewFloat32("scalar", nil, []float32{3.25}),
		NewUint8("empty", []int{0}, nil),
		NewInt32("empty2", []int{2, 0, 3}, []int32{}),
		NewFloat32("empty3", []int{0, 1, 28, 28}, nil),
	}
}

func encode(t testing.TB, ts []*Tensor) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := WriteAll(&b, ts...); err != nil {
		t.Fatalf("WriteAll: %v", err)
	}
	return b.Bytes()
}

// same reports whether a and b hold the same tensor, comparing floats by
// their bits (so NaN equals itself) and empty slices as equal whatever
// their nil-ness.
func same(a, b *Tensor) bool {
	if a.Name != b.Name || a.DType != b.DType || len(a.Shape) != len(b.Shape) || len(a.Meta) != len(b.Meta) {
		return false
	}
	for i := range a.Shape {
		if a.Shape[i] != b.Shape[i] {
			return false
		}
	}
	for k, v := range a.Meta {
		if w, ok := b.Meta[k]; !ok || w != v {
			return false
		}
	}
	switch a.DType {
	case Uint8:
		return bytes.Equal(a.U8, b.U8)
	case Int32:
		return len(a.I32) == len(b.I32) && (len(a.I32) == 0 || reflect.DeepEqual(a.I32, b.I32))
	case Float32:
		if len(a.F32) != len(b.F32) {
			return false
		}
		for i := range a.F32 {
			if math.Float32bits(a.F32[i]) != math.Float32bits(b.F32[i]) {
				return false
			}
		}
		return true
	}
	return false
}

func TestRoundTrip(t *testing.T) {
	want := sample()
	got, err := ReadAll(bytes.NewReader(encode(t, want)))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("read %d tensors, want %d", len(got), len(want))
	}
	for i := range want {
		if !same(got[i], want[i]) {
			t.Errorf("tensor %d: got %+v, want %+v", i, got[i], want[i])
		}
		if err := got[i].Validate(); err != nil {
			t.Errorf("tensor %d read back does not validate: %v", i, err)
		}
	}
}

func TestEmptyStream(t *testing.T) {
	b := encode(t, nil)
	r := NewReader(bytes.NewReader(b))
	if x, err := r.Next(); err != io.EOF {
		t.Fatalf("Next on an empty stream = %v, %v; want io.EOF", x, err)
	}
	if _, err := r.Next(); err != io.EOF {
		t.Fatalf("second Next = %v; want io.EOF again", err)
	}
}

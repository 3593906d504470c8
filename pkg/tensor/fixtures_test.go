// The committed fixture streams in the repository's testdata/streams (used
// by the golden tests of the tools) are made here, by real code:
//
//	go test ./pkg/tensor -run TestFixtures -update-fixtures
//
// Without the flag, the test checks that the committed files are what this
// code makes (so the fixtures and the format cannot drift apart).

package tensor

import (
	"bytes"
	"encoding/binary"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var updateFixtures = flag.Bool("update-fixtures", false, "rewrite testdata/streams from the code that makes them")

const fixtureDir = "../../testdata/streams"

// exampleStream is the stream of the worked example in docs/stream.md: two
// float32 images in [-1,1] and their labels.
func exampleStream() []*Tensor {
	im := NewFloat32(NameImages, []int{2, 1, 1, 2}, []float32{-1, 0.5, 1, 0}).SetMeta(MetaRange, "-1,1")
	lb := NewUint8(NameLabels, []int{2}, []uint8{7, 2}).SetMeta(MetaClasses, "10")
	return []*Tensor{im, lb}
}

// smallStream is a small stream of every dtype: 4 uint8 digits of 4×4 with
// labels, a float32 batch, int32 values and an empty tensor.
func smallStream() []*Tensor {
	im := NewUint8(NameImages, []int{4, 1, 4, 4}, nil).SetMeta(MetaRange, "0,255")
	for i := range im.U8 {
		im.U8[i] = uint8((i * 37) % 256)
	}
	lb := NewUint8(NameLabels, []int{4}, []uint8{5, 0, 4, 1}).SetMeta(MetaClasses, "10")
	z := NewFloat32("z", []int{2, 3}, []float32{-1.5, 0, 0.25, 2, -0.125, 1}).SetMeta("seed", "42")
	ids := NewInt32("ids", []int{3}, []int32{-7, 7, 1 << 30})
	return []*Tensor{im, lb, z, ids, NewFloat32("empty", []int{0, 3}, nil)}
}

// fixtures returns the fixture files by name.
func fixtures(t testing.TB) map[string][]byte {
	small := encode(t, smallStream())
	raw := decompress(t, small)
	hdr := rawStreamHeader(Version)
	badVersion := append(rawStreamHeader(2), raw[len(hdr):]...)
	oversized := cat(hdr, binary.LittleEndian.AppendUint32([]byte(recordTag), 1<<31), bytes.Repeat([]byte{0}, 64))
	lying := cat(hdr, rawRecord(rawHdr(NameImages, byte(Float32), []uint64{1 << 20, 1, 16, 16}), make([]byte, 100)))
	return map[string][]byte{
		"example.tzst":          encode(t, exampleStream()),
		"small.tzst":            small,
		"bad-version.tzst":      z(badVersion),
		"oversized-header.tzst": z(oversized),
		"no-end.tzst":           z(raw[:len(raw)-len(rawEnd(0))]),
		"lying-header.tzst":     z(lying),
		"garbage.bin":           []byte("P5\n4 4\n255\n this is a PGM image, not a tensor stream\n"),
	}
}

func TestFixtures(t *testing.T) {
	fs := fixtures(t)
	if *updateFixtures {
		if err := os.MkdirAll(fixtureDir, 0o755); err != nil {
			t.Fatal(err)
		}
		for name, b := range fs {
			if err := os.WriteFile(filepath.Join(fixtureDir, name), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return
	}
	for name, want := range fs {
		got, err := os.ReadFile(filepath.Join(fixtureDir, name))
		if err != nil {
			t.Errorf("fixture %s: %v (run: go test ./pkg/tensor -run TestFixtures -update-fixtures)", name, err)
			continue
		}
		if !bytes.Equal(got, want) {
			t.Errorf("fixture %s differs from what the code makes (run: go test ./pkg/tensor -run TestFixtures -update-fixtures)", name)
		}
	}
}

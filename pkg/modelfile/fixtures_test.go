// The committed bad model files in testdata/models (used by the golden test
// of acgan-gen) are made here, by real code:
//
//	go test ./pkg/modelfile -run TestFixtures -update-fixtures
//
// Without the flag, the test checks that the committed files are what this
// code makes and that Load gives each its documented error. They hold only
// a header record, so they are tiny; the truncated and non-zstd cases are
// made by the golden test itself from a real model.

package modelfile

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"acgan/pkg/acgan"
	"acgan/pkg/tensor"
)

var updateFixtures = flag.Bool("update-fixtures", false, "rewrite testdata/models from the code that makes them")

const fixtureDir = "../../testdata/models"

// headerOnly returns a stream holding only the header of a fresh default
// model, with the given metadata entries changed.
func headerOnly(t *testing.T, set map[string]string) []byte {
	t.Helper()
	m, err := New(acgan.DefaultConfig(), 1)
	if err != nil {
		t.Fatal(err)
	}
	h := m.header()
	for k, v := range set {
		h.SetMeta(k, v)
	}
	return encode(t, []*tensor.Tensor{h})
}

func TestFixtures(t *testing.T) {
	files := []struct {
		name string
		data []byte
		want string
	}{
		{"wrong-kind.bin", headerOnly(t, map[string]string{"kind": "vae-model"}), "not an acgan model (kind=vae-model)"},
		{"wrong-version.bin", headerOnly(t, map[string]string{"format": "7"}), "format version 7 not supported (this build reads 1)"},
	}
	for _, f := range files {
		path := filepath.Join(fixtureDir, f.name)
		if *updateFixtures {
			if err := os.WriteFile(path, f.data, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (make it with -update-fixtures)", err)
		}
		if !bytes.Equal(got, f.data) {
			t.Errorf("%s is not what this code makes; rerun with -update-fixtures", path)
		}
		if _, err := LoadFile(path); err == nil || !strings.Contains(err.Error(), f.want) {
			t.Errorf("%s: got %v, want %q", path, err, f.want)
		}
	}
}

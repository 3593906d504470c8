//go:build unix

package atomicfile

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func TestCheck(t *testing.T) {
	dir := t.TempDir()
	readOnly := filepath.Join(dir, "ro")
	if err := os.Mkdir(readOnly, 0o555); err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, path, want string
	}{
		{"new file", filepath.Join(dir, "new.bin"), ""},
		{"missing folder", filepath.Join(dir, "no", "such", "p.png"), "cannot write " + dir + "/no/such/p.png: no such file or directory"},
		{"a directory", dir, dir + " is a directory"},
		{"a FIFO (not opened)", fifo, ""},
		{"/dev/null", "/dev/null", ""},
		{"read-only folder", filepath.Join(readOnly, "x.bin"), "permission denied"},
	} {
		if c.name == "read-only folder" && os.Geteuid() == 0 {
			continue // root writes anywhere
		}
		err := Check(c.path)
		if c.want == "" && err != nil {
			t.Errorf("%s: %v", c.name, err)
		}
		if c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)) {
			t.Errorf("%s: got %v, want an error containing %q", c.name, err, c.want)
		}
	}
	left, _ := filepath.Glob(filepath.Join(dir, ".*"))
	if len(left) > 0 {
		t.Errorf("Check left files behind: %v", left)
	}
}

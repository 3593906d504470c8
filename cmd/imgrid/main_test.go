// Tests that run imgrid as a process (the test binary re-executed as the
// tool): flags as written on the command line, -o, a closed stdout.

package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func TestMain(m *testing.M) {
	if os.Getenv("IMGRID_TEST_MAIN") == "1" {
		main()
		return
	}
	os.Exit(m.Run())
}

// imgrid runs the tool with args and stdin, returning stdout, stderr and
// the exit status.
func imgrid(t *testing.T, stdin []byte, args ...string) (stdout, stderr []byte, status int) {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "IMGRID_TEST_MAIN=1")
	cmd.Stdin = bytes.NewReader(stdin)
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return o.Bytes(), e.Bytes(), ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return o.Bytes(), e.Bytes(), 0
}

func fixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(streamDir, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestProcess(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the tool as a process")
	}
	u8 := fixture(t, "grid-u8.tzst")
	png, stderr, st := imgrid(t, u8, "-nrow", "4", "-labels")
	if st != 0 || len(stderr) != 0 || !bytes.HasPrefix(png, []byte("\x89PNG")) {
		t.Fatalf("status %d, stderr %q, %d bytes out", st, stderr, len(png))
	}
	// Single- and double-dash long flags, negative values as written.
	for _, args := range [][]string{
		{"-range", "-1,300"}, {"--range", "-1,300"}, {"-range=-1,300"}, {"--range=-1,300"},
	} {
		out, stderr, st := imgrid(t, u8, args...)
		if st != 0 {
			t.Fatalf("%q: status %d, %s", args, st, stderr)
		}
		ref, _, _ := imgrid(t, u8, "-range", "-1,300")
		if !bytes.Equal(out, ref) {
			t.Errorf("%q draws a different grid", args)
		}
	}
	// -o writes the same bytes to a file; on error it leaves nothing.
	dir := t.TempDir()
	path := filepath.Join(dir, "g.png")
	if out, stderr, st := imgrid(t, u8, "-nrow", "4", "-labels", "-o", path); st != 0 || len(out) != 0 {
		t.Fatalf("-o: status %d, %d bytes on stdout, %s", st, len(out), stderr)
	}
	if got, _ := os.ReadFile(path); !bytes.Equal(got, png) {
		t.Error("-o FILE differs from stdout")
	}
	_, stderr, st = imgrid(t, u8, "-labels", "-o", filepath.Join(dir, "bad.png"))
	if st != 1 || !strings.HasPrefix(string(stderr), "imgrid: -labels: row 0") || bytes.Count(stderr, []byte("\n")) != 1 {
		t.Errorf("mixed rows: status %d, stderr %q", st, stderr)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Errorf("after a failed -o the directory holds %d entries, want 1", len(ents))
	}
	// Usage errors exit 2 with one line.
	_, stderr, st = imgrid(t, u8, "-nrow", "0")
	if st != 2 || bytes.Count(stderr, []byte("\n")) != 1 {
		t.Errorf("-nrow 0: status %d, stderr %q", st, stderr)
	}
}

// When the reader of stdout has gone, imgrid ends quietly (killed by
// SIGPIPE, as a Unix tool is), with nothing on stderr.
func TestClosedStdout(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the tool as a process")
	}
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	r.Close()
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), "IMGRID_TEST_MAIN=1")
	cmd.Stdin = bytes.NewReader(fixture(t, "grid-u8.tzst"))
	cmd.Stdout = w
	var e bytes.Buffer
	cmd.Stderr = &e
	err = cmd.Run()
	w.Close()
	var ee *exec.ExitError
	if !errors.As(err, &ee) {
		t.Fatalf("imgrid writing to a closed pipe: %v", err)
	}
	ws := ee.Sys().(syscall.WaitStatus)
	if !(ws.Signaled() && ws.Signal() == syscall.SIGPIPE) && ee.ExitCode() != 141 {
		t.Errorf("status %v, want SIGPIPE or exit 141", ee)
	}
	if e.Len() != 0 {
		t.Errorf("stderr %q, want nothing", e.String())
	}
}

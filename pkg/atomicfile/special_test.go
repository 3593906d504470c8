//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package atomicfile

import (
	"bufio"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// writeString writes s to path with WriteFile.
func writeString(path, s string) error {
	return WriteFile(path, func(w io.Writer) error {
		_, err := io.WriteString(w, s)
		return err
	})
}

// readFIFO reads fifo to its end in the background; the returned channel
// gives what was read.
func readFIFO(t *testing.T, fifo string) <-chan string {
	t.Helper()
	got := make(chan string, 1)
	go func() {
		b, err := os.ReadFile(fifo)
		if err != nil {
			got <- "read error: " + err.Error()
			return
		}
		got <- string(b)
	}()
	return got
}

// received returns what the reader of readFIFO got, or fails the test when
// it got nothing in a while (the FIFO was replaced rather than written).
func received(t *testing.T, got <-chan string) string {
	t.Helper()
	select {
	case s := <-got:
		return s
	case <-time.After(10 * time.Second):
		t.Fatal("the FIFO's reader got nothing in 10 s")
		return ""
	}
}

func mkfifo(t *testing.T, path string) {
	t.Helper()
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Fatal(err)
	}
}

func symlink(t *testing.T, target, link string) {
	t.Helper()
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
}

// wantType fails the test unless path (not followed) has the type of typ.
func wantType(t *testing.T, path string, typ fs.FileMode) {
	t.Helper()
	fi, err := os.Lstat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Type() != typ {
		t.Errorf("%s is now %v, want type %v", path, fi.Mode(), typ)
	}
}

func wantContent(t *testing.T, path, want string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != want {
		t.Errorf("%s holds %q, want %q", path, b, want)
	}
}

// wantEntries fails the test unless dir holds exactly names.
func wantEntries(t *testing.T, dir string, names ...string) {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range ents {
		got = append(got, e.Name())
	}
	slices.Sort(names)
	if !slices.Equal(got, names) {
		t.Errorf("%s holds %q, want %q", dir, got, names)
	}
}

func TestFIFOWrittenStraight(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "pipe")
	mkfifo(t, fifo)
	got := readFIFO(t, fifo)
	if err := writeString(fifo, "through the pipe"); err != nil {
		t.Fatal(err)
	}
	if s := received(t, got); s != "through the pipe" {
		t.Errorf("reader got %q", s)
	}
	wantType(t, fifo, fs.ModeNamedPipe)
	wantEntries(t, dir, "pipe")
}

func TestSymlinkToFIFO(t *testing.T) {
	// As /dev/stdout is a link to a link to the pipe a shell gave us.
	dir := t.TempDir()
	mkfifo(t, filepath.Join(dir, "pipe"))
	symlink(t, "pipe", filepath.Join(dir, "fd1"))
	symlink(t, filepath.Join(dir, "fd1"), filepath.Join(dir, "stdout"))
	got := readFIFO(t, filepath.Join(dir, "pipe"))
	f, err := Create(filepath.Join(dir, "stdout"))
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprint(f, "through two links")
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	f.Abort() // after Commit: does nothing
	if s := received(t, got); s != "through two links" {
		t.Errorf("reader got %q", s)
	}
	wantType(t, filepath.Join(dir, "stdout"), fs.ModeSymlink)
	wantType(t, filepath.Join(dir, "fd1"), fs.ModeSymlink)
	wantType(t, filepath.Join(dir, "pipe"), fs.ModeNamedPipe)
	wantEntries(t, dir, "fd1", "pipe", "stdout")
}

func TestDevNull(t *testing.T) {
	f, err := Create("/dev/null")
	if err != nil {
		t.Fatal(err)
	}
	if f.target != "" {
		// Committing would rename a file over /dev/null (run as root).
		f.Abort()
		t.Fatalf("/dev/null would be replaced by a temporary file")
	}
	if _, err := io.WriteString(f, "nothing"); err != nil {
		t.Fatal(err)
	}
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	wantType(t, "/dev/null", fs.ModeDevice|fs.ModeCharDevice)
}

func TestSymlinkToRegularFile(t *testing.T) {
	dir := t.TempDir()
	sub := filepath.Join(dir, "sub")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	target := filepath.Join(sub, "model.bin")
	if err := os.WriteFile(target, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "latest.bin")
	symlink(t, "sub/model.bin", link)
	if err := writeString(link, "new"); err != nil {
		t.Fatal(err)
	}
	wantType(t, link, fs.ModeSymlink)
	wantContent(t, target, "new")
	if fi, err := os.Stat(target); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("target mode after replacing: %v, %v; want 0600 kept", fi.Mode(), err)
	}
	// The temporary file was made beside the target, and is gone.
	wantEntries(t, dir, "latest.bin", "sub")
	wantEntries(t, sub, "model.bin")
}

func TestDanglingSymlink(t *testing.T) {
	dir := t.TempDir()
	link := filepath.Join(dir, "out.png")
	symlink(t, "made.png", link)
	if err := writeString(link, "png"); err != nil {
		t.Fatal(err)
	}
	wantType(t, link, fs.ModeSymlink)
	wantContent(t, filepath.Join(dir, "made.png"), "png")
	if fi, err := os.Stat(link); err != nil || fi.Mode().Perm() != 0o644 {
		t.Errorf("new target's mode: %v, %v; want 0644", fi.Mode(), err)
	}
	wantEntries(t, dir, "made.png", "out.png")
}

func TestNewFileMode(t *testing.T) {
	path := filepath.Join(t.TempDir(), "new.bin")
	if err := writeString(path, "x"); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode() != 0o644 {
		t.Errorf("new file's mode: %v, %v; want 0644", fi.Mode(), err)
	}
}

func TestDirectory(t *testing.T) {
	dir := t.TempDir()
	symlink(t, ".", filepath.Join(dir, "here"))
	for _, path := range []string{dir, filepath.Join(dir, "here"), dir + "/new/"} {
		_, err := Create(path)
		if err == nil || !strings.Contains(err.Error(), path) {
			t.Errorf("Create(%s): error %v, want one naming the path", path, err)
		}
	}
	wantEntries(t, dir, "here")
}

func TestSocketRefused(t *testing.T) {
	dir := t.TempDir()
	sock := filepath.Join(dir, "s")
	fd, err := syscall.Socket(syscall.AF_UNIX, syscall.SOCK_STREAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer syscall.Close(fd)
	if err := syscall.Bind(fd, &syscall.SockaddrUnix{Name: sock}); err != nil {
		t.Fatal(err)
	}
	_, err = Create(sock)
	if err == nil || !strings.Contains(err.Error(), "socket") {
		t.Errorf("Create on a socket: error %v, want one saying it is a socket", err)
	}
	wantType(t, sock, fs.ModeSocket)
}

func TestCommitTwice(t *testing.T) {
	f, err := Create(filepath.Join(t.TempDir(), "x"))
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := f.Commit(); err == nil {
		t.Error("second Commit: no error")
	}
}

// TestConcurrentWriters: two writers of one path in one process; each
// Create's cleaning leaves the other's temporary file alone.
func TestConcurrentWriters(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.bin")
	a, err := Create(path)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Create(path)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprint(a, "a")
	fmt.Fprint(b, "b")
	if err := a.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := b.Commit(); err != nil {
		t.Fatal(err)
	}
	wantContent(t, path, "b")
	wantEntries(t, dir, "out.bin")
}

// helperEnv names the path the test binary, run as a helper process,
// writes: it prints "ready" once its temporary file exists, and commits
// when its stdin closes.
const helperEnv = "ATOMICFILE_TEST_WRITER"

func TestHelperWriter(t *testing.T) {
	path := os.Getenv(helperEnv)
	if path == "" {
		t.Skip("run by TestStaleTempFiles")
	}
	f, err := Create(path)
	if err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
	fmt.Fprint(f, "helper")
	fmt.Println("ready")
	io.Copy(io.Discard, os.Stdin)
	if err := f.Commit(); err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
	os.Exit(0)
}

// deadPID returns the id of a process that has ended.
func deadPID(t *testing.T) int {
	t.Helper()
	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		t.Skip("cannot run true:", err)
	}
	pid := cmd.Process.Pid
	if processRuns(pid) {
		t.Skip("the id of an ended process was reused at once")
	}
	return pid
}

func TestStaleTempFiles(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.bin")

	// A live writer in another process, stopped before its Commit.
	helper := exec.Command(os.Args[0], "-test.run=^TestHelperWriter$")
	helper.Env = append(os.Environ(), helperEnv+"="+path)
	stdin, err := helper.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := helper.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := helper.Start(); err != nil {
		t.Fatal(err)
	}
	defer helper.Process.Kill()
	if line, _ := bufio.NewReader(stdout).ReadString('\n'); line != "ready\n" {
		t.Fatalf("helper said %q", line)
	}
	live := fmt.Sprintf(".out.bin.tmp%d-", helper.Process.Pid)
	var liveName string
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), live) {
			liveName = e.Name()
		}
	}
	if liveName == "" {
		t.Fatalf("no temporary file of the helper in %v", ents)
	}

	dead := strconv.Itoa(deadPID(t))
	self := strconv.Itoa(os.Getpid())
	stale := []string{
		".out.bin.tmp" + dead + "-1",  // a killed writer
		".out.bin.tmp" + dead + "-22", // another
		".out.bin.tmp" + self + "-3",  // this process's id, not locked: an earlier process had it
	}
	kept := []string{
		".out.bin.tmp" + dead,            // no number after the id
		".out.bin.tmp123456",             // another naming
		".out.bin.tmpx-1",                // not a process id
		".out.bin.tmp" + dead + "-1.png", // another file's
		"out.bin.tmp" + dead + "-1",      // not hidden
		".other.bin.tmp" + dead + "-1",   // another target's
		".out.bin.tmp0-1",                // no process has id 0
	}
	for _, name := range append(slices.Clone(stale), kept...) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("left"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	// A directory by the name of a temporary file is not ours either.
	keptDir := ".out.bin.tmp" + dead + "-4"
	if err := os.Mkdir(filepath.Join(dir, keptDir), 0o755); err != nil {
		t.Fatal(err)
	}

	if err := writeString(path, "ours"); err != nil {
		t.Fatal(err)
	}
	wantEntries(t, dir, append(kept, keptDir, liveName, "out.bin")...)

	// The helper's file was left alone: it commits.
	stdin.Close()
	if err := helper.Wait(); err != nil {
		t.Fatalf("helper: %v", err)
	}
	wantContent(t, path, "helper")
	wantEntries(t, dir, append(kept, keptDir, "out.bin")...)
}

// TestKilledWriter: the temporary file of a writer killed before its
// Commit is removed by the next Create of the same path.
func TestKilledWriter(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.bin")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	helper := exec.Command(os.Args[0], "-test.run=^TestHelperWriter$")
	helper.Env = append(os.Environ(), helperEnv+"="+path)
	stdout, err := helper.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := helper.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	if err := helper.Start(); err != nil {
		t.Fatal(err)
	}
	if line, _ := bufio.NewReader(stdout).ReadString('\n'); line != "ready\n" {
		helper.Process.Kill()
		t.Fatalf("helper said %q", line)
	}
	helper.Process.Kill()
	helper.Wait()
	if ents, _ := os.ReadDir(dir); len(ents) != 2 {
		t.Fatalf("after the kill, %s holds %v; want out.bin and a temporary file", dir, ents)
	}
	wantContent(t, path, "old")
	if err := writeString(path, "new"); err != nil {
		t.Fatal(err)
	}
	wantEntries(t, dir, "out.bin")
	wantContent(t, path, "new")
}

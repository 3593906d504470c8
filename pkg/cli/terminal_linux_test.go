package cli

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// TestCreateRefusesNamedTerminal: -o naming a terminal (here a link to a
// pseudo-terminal, as /dev/stdout is on an interactive shell) is refused
// like a terminal on stdout, and the link is left alone.
func TestCreateRefusesNamedTerminal(t *testing.T) {
	ptmx, err := os.OpenFile("/dev/ptmx", os.O_RDWR, 0)
	if err != nil {
		t.Skip("no pseudo-terminals:", err)
	}
	defer ptmx.Close()
	fd := int(ptmx.Fd())
	if err := unix.IoctlSetPointerInt(fd, unix.TIOCSPTLCK, 0); err != nil {
		t.Skip("cannot unlock a pseudo-terminal:", err)
	}
	n, err := unix.IoctlGetInt(fd, unix.TIOCGPTN)
	if err != nil {
		t.Skip("cannot name a pseudo-terminal:", err)
	}
	link := filepath.Join(t.TempDir(), "stdout")
	if err := os.Symlink("/dev/pts/"+strconv.Itoa(n), link); err != nil {
		t.Fatal(err)
	}
	o, err := Create(link)
	if err == nil {
		o.Abort()
		t.Fatal("Create on a terminal: no error")
	}
	if !strings.Contains(err.Error(), "terminal") || !strings.Contains(err.Error(), link) {
		t.Errorf("error %q does not say %s is a terminal", err, link)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode().Type() != os.ModeSymlink {
		t.Errorf("the link is gone: %v, %v", fi, err)
	}
}

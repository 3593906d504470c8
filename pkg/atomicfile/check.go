// Checking ahead of time that a file can be written.

package atomicfile

import (
	"fmt"
	"os"
	"path/filepath"
)

// Check reports whether the file at path could be written now, without
// writing it: a directory at path is an error, and so is a folder that does
// not exist or where no file can be created (tried by creating and removing
// a file there). A special file at path (a FIFO, a device, or a symlink to
// one) is written straight and is not opened. Tools call Check on every
// output before long work, so that a mistyped path is found at once.
func Check(path string) error {
	fi, err := os.Stat(path) // follows a symlink to its target
	switch {
	case err == nil && fi.IsDir():
		return fmt.Errorf("%s is a directory", path)
	case err == nil && !fi.Mode().IsRegular():
		return nil
	}
	dir := filepath.Dir(path)
	if target, err := resolve(path); err == nil {
		dir = filepath.Dir(target) // where Create makes its temporary file
	}
	probe, err := os.CreateTemp(dir, ".atomicfile-check*")
	if err != nil {
		return fmt.Errorf("cannot write %s: %w", path, unwrapPathError(err))
	}
	probe.Close()
	return os.Remove(probe.Name())
}

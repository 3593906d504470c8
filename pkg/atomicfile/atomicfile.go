// Package atomicfile writes files all or nothing: the data goes to a
// temporary file beside the target, which is synced and renamed over the
// target only when the whole of it was written.
package atomicfile

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// File is a file being written. Its content appears at its path when Commit
// succeeds; until then the path keeps what it held before.
type File struct {
	path string
	f    *os.File // the temporary file
	done bool
}

// Create starts writing the file at path: a temporary file beside path,
// renamed over it by Commit and removed by Abort.
func Create(path string) (*File, error) {
	f, err := createTemp(path)
	if err != nil {
		return nil, err
	}
	return &File{path: path, f: f}, nil
}

// Write implements io.Writer.
func (f *File) Write(p []byte) (int, error) { return f.f.Write(p) }

// Commit makes the written content appear at the path, after syncing it.
func (f *File) Commit() error {
	f.done = true
	return commitTemp(f.f, f.path)
}

// Abort discards a file that will not be committed. It is safe to call
// after Commit (it then does nothing) and more than once.
func (f *File) Abort() {
	if f.done {
		return
	}
	f.done = true
	f.f.Close()
	os.Remove(f.f.Name())
}

// WriteFile writes the file at path by calling write, so that path holds
// either its old content or the whole new one, never a part.
func WriteFile(path string, write func(w io.Writer) error) error {
	f, err := Create(path)
	if err != nil {
		return err
	}
	if err := write(f); err != nil {
		f.Abort()
		return err
	}
	return f.Commit()
}

func createTemp(path string) (*os.File, error) {
	dir, base := splitPath(path)
	f, err := os.CreateTemp(dir, "."+base+".tmp*")
	if err != nil {
		return nil, fmt.Errorf("create %s: %w", path, unwrapPathError(err))
	}
	return f, nil
}

func commitTemp(f *os.File, path string) error {
	name := f.Name()
	if err := f.Sync(); err != nil {
		f.Close()
		os.Remove(name)
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		os.Remove(name)
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Chmod(name, 0o644); err != nil {
		os.Remove(name)
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(name, path); err != nil {
		os.Remove(name)
		return fmt.Errorf("write %s: %w", path, unwrapPathError(err))
	}
	return nil
}

func splitPath(path string) (dir, base string) {
	i := strings.LastIndexByte(path, '/')
	if i < 0 {
		return ".", path
	}
	if i == 0 {
		return "/", path[1:]
	}
	return path[:i], path[i+1:]
}

func unwrapPathError(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Err
	}
	return err
}

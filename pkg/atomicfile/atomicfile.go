// Package atomicfile writes files all or nothing.
//
// A regular file, or a path where nothing is yet, is written as a temporary
// file beside it, which Commit syncs and renames over the path: the path
// holds either its old content or the whole new one, never a part, and a
// reader never sees a file being written.
//
// Anything else is written straight, since replacing it would cut off the
// one who reads it: a FIFO, a character device (/dev/null, a terminal),
// whatever /dev/stdout leads to when it is not a regular file. A symbolic
// link is followed: the regular file it leads to is replaced and the link
// kept; when the link dangles, the file it names is created. A directory
// is an error.
//
// A temporary file is named .NAME.tmpPID-N after the file NAME it will
// become and the writing process, and stays locked while it is written.
// Creating a file first removes the temporary files of the same name that
// processes which no longer run left behind, so that a killed writer's
// leftovers do not pile up.
package atomicfile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strconv"
	"strings"
)

// File is a file being written. Writes to a regular file go to a temporary
// file that appears at the path when Commit succeeds; writes to a special
// file go straight to it.
type File struct {
	path   string // as given, for errors
	target string // the path the temporary file is renamed to; "" when written straight
	mode   fs.FileMode
	f      *os.File // the temporary file, or the special file itself
	done   bool     // Commit or Abort was called
}

// Create starts writing the file at path (see the package documentation for
// what happens to regular files, special files and symbolic links). A new
// file gets mode 0644; a replaced file keeps its permission bits.
func Create(path string) (*File, error) {
	fi, err := os.Stat(path) // through every symbolic link, as open(2) does
	switch {
	case err == nil && fi.IsDir():
		return nil, fmt.Errorf("create %s: is a directory", path)
	case err == nil && fi.Mode()&fs.ModeSocket != 0:
		return nil, fmt.Errorf("create %s: is a socket, which cannot be opened as a file", path)
	case err == nil && !fi.Mode().IsRegular():
		f, err := os.OpenFile(path, os.O_WRONLY, 0)
		if err != nil {
			return nil, fmt.Errorf("create %s: %w", path, unwrapPathError(err))
		}
		return &File{path: path, f: f}, nil
	case err != nil && !errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("create %s: %w", path, unwrapPathError(err))
	}

	target, err := resolve(path)
	if err != nil {
		return nil, fmt.Errorf("create %s: %w", path, err)
	}
	mode := fs.FileMode(0o644)
	if fi != nil {
		// The links were followed by their text; the kernel's own links
		// (/proc/self/fd/N of a deleted file) need not lead to the same file.
		if ti, err := os.Stat(target); err != nil || !os.SameFile(fi, ti) {
			return nil, fmt.Errorf("create %s: its symbolic links do not lead to a file that can be replaced", path)
		}
		mode = fi.Mode().Perm()
	}
	dir, base := splitPath(target)
	if base == "" {
		return nil, fmt.Errorf("create %s: names a directory", path)
	}
	removeStale(dir, base)
	f, err := createTemp(dir, base)
	if err != nil {
		return nil, fmt.Errorf("create %s: %w", path, unwrapPathError(err))
	}
	return &File{path: path, target: target, mode: mode, f: f}, nil
}

// Write writes p to the file. Its errors name the file's path.
func (f *File) Write(p []byte) (int, error) {
	n, err := f.f.Write(p)
	if err != nil {
		err = &fs.PathError{Op: "write", Path: f.path, Err: unwrapPathError(err)}
	}
	return n, err
}

// Fd returns the file descriptor written to: the temporary file's, or the
// special file's when it is written straight.
func (f *File) Fd() uintptr { return f.f.Fd() }

// Commit ends the writing. A regular file is synced and renamed over the
// path, so that it appears whole; a special file is closed. Commit may be
// called once; on error the temporary file is removed and the path keeps
// its old content.
func (f *File) Commit() error {
	if f.done {
		return fmt.Errorf("write %s: %w", f.path, os.ErrClosed)
	}
	f.done = true
	if f.target == "" {
		if err := f.f.Close(); err != nil {
			return fmt.Errorf("write %s: %w", f.path, unwrapPathError(err))
		}
		return nil
	}
	// The file stays open, and so locked, until it has its final name.
	tmp := f.f.Name()
	err := f.f.Sync()
	if err == nil {
		err = f.f.Chmod(f.mode)
	}
	if err == nil {
		err = os.Rename(tmp, f.target)
	}
	if err != nil {
		os.Remove(tmp)
		f.f.Close()
		return fmt.Errorf("write %s: %w", f.path, unwrapPathError(err))
	}
	if err := f.f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", f.path, unwrapPathError(err))
	}
	return nil
}

// Abort discards the writing: a temporary file is removed and the path
// keeps its old content; a special file is closed. Abort is safe to call
// after Commit (it then does nothing) and more than once.
func (f *File) Abort() {
	if f.done {
		return
	}
	f.done = true
	if f.target != "" {
		os.Remove(f.f.Name())
	}
	f.f.Close()
}

// WriteFile writes the file at path by calling write, as Create, Write and
// Commit do: a regular file at path holds either its old content or the
// whole new one, never a part.
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

// maxLinks bounds the symbolic links followed from one path, as Linux does.
const maxLinks = 40

// resolve follows the symbolic links that path ends in to the file they
// lead to, which need not exist. Links among the folders of a path are left
// to the kernel. A relative link is taken from the link's folder, without
// cleaning "..", which the kernel resolves after the links before it.
func resolve(path string) (string, error) {
	for range maxLinks {
		fi, err := os.Lstat(path)
		if errors.Is(err, fs.ErrNotExist) {
			return path, nil
		}
		if err != nil {
			return "", unwrapPathError(err)
		}
		if fi.Mode()&fs.ModeSymlink == 0 {
			return path, nil
		}
		link, err := os.Readlink(path)
		if err != nil {
			return "", unwrapPathError(err)
		}
		if !strings.HasPrefix(link, "/") {
			link = path[:strings.LastIndexByte(path, '/')+1] + link
		}
		path = link
	}
	return "", errors.New("too many levels of symbolic links")
}

// tempPrefix is what the names of base's temporary files start with; the
// writing process's id, a dash and a number follow.
func tempPrefix(base string) string { return "." + base + ".tmp" }

// tempPID returns the process id in name when name is a temporary file of
// base, that is tempPrefix(base) followed by PID-N, both decimal.
func tempPID(name, base string) (pid int, ok bool) {
	rest, ok := strings.CutPrefix(name, tempPrefix(base))
	if !ok {
		return 0, false
	}
	p, n, ok := strings.Cut(rest, "-")
	if !ok || !isDecimal(p) || !isDecimal(n) {
		return 0, false
	}
	pid, err := strconv.Atoi(p)
	if err != nil || pid <= 0 {
		return 0, false
	}
	return pid, true
}

func isDecimal(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range []byte(s) {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// createTemp creates and locks a new temporary file for base in dir. A
// file that a cleaner removed between its creation and its locking (which
// only a cleaner that cannot see this process does) is made anew.
func createTemp(dir, base string) (*os.File, error) {
	pattern := tempPrefix(base) + strconv.Itoa(os.Getpid()) + "-*"
	for try := 1; ; try++ {
		f, err := os.CreateTemp(dir, pattern)
		if err != nil {
			return nil, err
		}
		if err := lock(f); err != nil {
			os.Remove(f.Name())
			f.Close()
			return nil, err
		}
		_, err = os.Lstat(f.Name())
		if err == nil {
			return f, nil
		}
		f.Close()
		if !errors.Is(err, fs.ErrNotExist) || try == 3 {
			return nil, err
		}
	}
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

//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package atomicfile

import (
	"os"
	"path/filepath"
	"syscall"
)

// lock takes the lock a temporary file holds while it is written: an
// exclusive flock(2), which the kernel drops when the writer dies.
func lock(f *os.File) error {
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX)
		if err != syscall.EINTR {
			return err
		}
	}
}

// removeStale removes from dir the temporary files of base whose writers
// are gone: the process named in the file's name does not run (or is this
// one), and no one holds the file's lock. A file with another name, or one
// this process may not open, is left alone.
func removeStale(dir, base string) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	self := os.Getpid()
	for _, e := range ents {
		pid, ok := tempPID(e.Name(), base)
		if !ok || !e.Type().IsRegular() {
			continue
		}
		if pid != self && processRuns(pid) {
			continue
		}
		name := filepath.Join(dir, e.Name())
		f, err := os.OpenFile(name, os.O_RDONLY|syscall.O_NOFOLLOW|syscall.O_NONBLOCK, 0)
		if err != nil {
			continue
		}
		if syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB) == nil {
			os.Remove(name)
		}
		f.Close()
	}
}

// processRuns reports whether a process with id pid exists.
func processRuns(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || err == syscall.EPERM
}

//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package atomicfile

import "os"

// lock does nothing where flock(2) is missing.
func lock(*os.File) error { return nil }

// removeStale leaves every temporary file alone where a writer's lock
// cannot be tested: it could be live.
func removeStale(dir, base string) {}

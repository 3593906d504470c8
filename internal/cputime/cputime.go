// Package cputime reads the CPU time the process has used, for the
// benchmarks that report CPU milliseconds per op beside the wall time (on a
// machine shared with other jobs the CPU time varies less).
package cputime

import "time"

// Process returns the user + system CPU time the process has used so far,
// or 0 on platforms where it is not measured (the figures then read 0).
func Process() time.Duration { return process() }

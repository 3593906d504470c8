//go:build !linux

package gemm

import "time"

var start = time.Now()

// processCPU stands in for the process's CPU time where the benchmarks do
// not measure it: wall-clock time, so "per CPU-second" rates are wall-clock
// rates there.
func processCPU() time.Duration { return time.Since(start) }

// threadCPU: see processCPU.
func threadCPU() time.Duration { return time.Since(start) }

package cputime

import (
	"runtime"
	"testing"
)

// TestProcessGrows: busy work shows up as CPU time where it is measured.
func TestProcessGrows(t *testing.T) {
	start := Process()
	if start == 0 {
		t.Skip("CPU time is not measured on " + runtime.GOOS)
	}
	x := 1.0
	for i := 0; i < 50_000_000; i++ {
		x = x*1.0000001 + 1e-9
	}
	if Process() <= start {
		t.Errorf("no CPU time used by a busy loop (x = %v)", x)
	}
}

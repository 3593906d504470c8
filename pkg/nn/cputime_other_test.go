//go:build !unix

package nn

import "time"

// cpuTime is not measured on this platform (the cpu-ms/op figure reads 0).
func cpuTime() time.Duration { return 0 }

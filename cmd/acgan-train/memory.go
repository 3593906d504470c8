// Refusing a configuration whose training cannot fit in memory, before the
// large buffers are allocated.

package main

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"

	"acgan/pkg/acgan"
)

// checkMemory refuses cfg when the memory its training needs
// (acgan.Config.TrainMemory) is more than the machine has available now.
// Where the available memory cannot be read, only the batch bound applies.
func checkMemory(cfg acgan.Config) error {
	need := cfg.TrainMemory()
	avail, ok := availableMemory()
	if !ok || need <= avail {
		return nil
	}
	_, perImage := memoryParts(cfg)
	return fmt.Errorf("-batch %d: training on images of %d×%d×%d needs about %s of memory, but only %s is available; use a smaller -batch (each image of the batch takes about %s)",
		cfg.Batch, cfg.Channels, cfg.Size, cfg.Size, bytesString(need), bytesString(avail), bytesString(perImage))
}

// memoryParts splits the memory training with cfg takes (TrainMemory) into
// a part that does not depend on the batch and a mean part per image of
// cfg's batch.
func memoryParts(cfg acgan.Config) (fixed, perImage int64) {
	b := cfg.Batch
	cfg.Batch = 0
	fixed = cfg.TrainMemory()
	cfg.Batch = b
	return fixed, (cfg.TrainMemory() - fixed) / int64(max(b, 1))
}

// availableMemory returns the memory available to new allocations (a
// variable so that tests can pretend a smaller machine).
var availableMemory = readAvailableMemory

// readAvailableMemory returns the memory available to new allocations:
// Linux's MemAvailable, bounded by the memory limit of the process's cgroup
// (v2) when it has one.
func readAvailableMemory() (int64, bool) {
	f, err := os.Open("/proc/meminfo")
	if err != nil {
		return 0, false
	}
	defer f.Close()
	var avail int64 = -1
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "MemAvailable:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			if err == nil {
				avail = kb << 10
			}
		}
	}
	if avail < 0 {
		return 0, false
	}
	if b, err := os.ReadFile("/sys/fs/cgroup/memory.max"); err == nil {
		if limit, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64); err == nil {
			if cur, err := os.ReadFile("/sys/fs/cgroup/memory.current"); err == nil {
				if used, err := strconv.ParseInt(strings.TrimSpace(string(cur)), 10, 64); err == nil && limit-used < avail {
					avail = max(0, limit-used)
				}
			}
		}
	}
	return avail, true
}

// bytesString writes n bytes in MiB or GiB.
func bytesString(n int64) string {
	if n >= 1<<30 {
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	}
	if n < 10<<20 {
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	}
	return fmt.Sprintf("%.0f MiB", float64(n)/(1<<20))
}

package main

import (
	"strings"
	"testing"

	"acgan/pkg/acgan"
)

func TestCheckMemory(t *testing.T) {
	defer func(f func() (int64, bool)) { availableMemory = f }(availableMemory)
	cfg := acgan.DefaultConfig()
	cfg.Batch = 1024 // about 2.7 GiB
	availableMemory = func() (int64, bool) { return 1 << 30, true }
	err := checkMemory(cfg)
	want := "-batch 1024: training on images of 1×28×28 needs about " + bytesString(cfg.TrainMemory()) + " of memory, but only 1.0 GiB is available"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("1 GiB available: got %v, want %q", err, want)
	}
	availableMemory = func() (int64, bool) { return 4 << 30, true }
	if err := checkMemory(cfg); err != nil {
		t.Errorf("4 GiB available: %v", err)
	}
	availableMemory = func() (int64, bool) { return 0, false }
	if err := checkMemory(cfg); err != nil {
		t.Errorf("available memory unknown: %v", err)
	}
	if _, ok := readAvailableMemory(); !ok {
		t.Log("this machine does not tell its available memory")
	}
}

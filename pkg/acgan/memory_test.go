package acgan

import (
	"fmt"
	"runtime"
	"testing"
)

// heapInUse returns the bytes of live heap objects after a collection.
func heapInUse() int64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return int64(ms.HeapAlloc)
}

// memoryConfigs are the configurations the memory estimate is checked on:
// MNIST's, and colour images small and large.
func memoryConfigs() []Config {
	var cs []Config
	for _, g := range []struct{ size, channels, classes int }{{28, 1, 10}, {16, 3, 3}, {32, 3, 30}} {
		c := DefaultConfig()
		c.Size, c.Channels, c.Classes = g.size, g.channels, g.classes
		cs = append(cs, c)
	}
	return cs
}

// within reports whether got is within 25 % of want.
func within(got, want float64) bool { return got >= 0.75*want && got <= 1.25*want }

// trainerHeap returns the heap a trainer for cfg keeps once built and after
// one step (and, with an average, one inference of the averaged generator
// at the training batch, as sample grids run it).
func trainerHeap(t *testing.T, cfg Config) (built, stepped int64) {
	before := heapInUse()
	tr, err := NewTrainer(cfg, 1)
	if err != nil {
		t.Fatal(err)
	}
	built = heapInUse() - before
	x := make([]float32, cfg.Batch*cfg.ImageSize())
	y := make([]int, cfg.Batch)
	if _, err := tr.Step(x, y); err != nil {
		t.Fatal(err)
	}
	if cfg.EMA > 0 {
		if _, err := tr.Generate(make([]float32, cfg.Batch*cfg.Latent), y); err != nil {
			t.Fatal(err)
		}
	}
	stepped = heapInUse() - before - int64(len(x)*4+len(y)*8)
	runtime.KeepAlive(tr)
	return built, stepped
}

// TestTrainMemory checks TrainMemory against the heap training really
// keeps: the parameters' part (a trainer just built) and the growth from
// batch 8 to batch 24 must each be within 25 % of what the estimate says
// for the configurations of memoryConfigs
// (the rest of the resident memory, the process and the allocator's
// slack, is trainMemoryBase).
func TestTrainMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("trains small batches")
	}
	for _, cfg := range memoryConfigs() {
		name := fmt.Sprintf("%d×%d×%d, %d classes", cfg.Channels, cfg.Size, cfg.Size, cfg.Classes)
		cfg.Batch = 8
		built, small := trainerHeap(t, cfg)
		small8 := cfg.TrainMemory()
		cfg.Batch = 24
		_, large := trainerHeap(t, cfg)
		growth, want := float64(large-small), float64(cfg.TrainMemory()-small8)
		params := float64(trainerBuffers + bytesPerParam*cfg.Params())
		t.Logf("%s: parameters %.1f MiB (estimate %.1f MiB), batch 8 → 24 %.1f MiB (estimate %.1f MiB)",
			name, float64(built)/(1<<20), params/(1<<20), growth/(1<<20), want/(1<<20))
		if !within(float64(built), params) {
			t.Errorf("%s: a new trainer keeps %.1f MiB; TrainMemory assumes %.1f MiB: re-measure it", name, float64(built)/(1<<20), params/(1<<20))
		}
		if !within(growth, want) {
			t.Errorf("%s: a step at batch 24 keeps %.1f MiB more than at batch 8; TrainMemory assumes %.1f MiB: re-measure it", name, growth/(1<<20), want/(1<<20))
		}
	}
}

// TestEMAMemory checks what an averaged generator adds to TrainMemory the
// same way: the heap it adds at batch 8, and from batch 8 to 24.
func TestEMAMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("trains small batches")
	}
	for _, cfg := range memoryConfigs() {
		name := fmt.Sprintf("%d×%d×%d, %d classes", cfg.Channels, cfg.Size, cfg.Size, cfg.Classes)
		extra := func(batch int) (got, want int64) {
			cfg.Batch, cfg.EMA = batch, 0
			_, without := trainerHeap(t, cfg)
			m := cfg.TrainMemory()
			cfg.EMA = 0.999
			_, with := trainerHeap(t, cfg)
			return with - without, cfg.TrainMemory() - m
		}
		small, wantSmall := extra(8)
		large, wantLarge := extra(24)
		t.Logf("%s: an average adds %.1f MiB at batch 8 (estimate %.1f MiB), %.1f MiB more at 24 (estimate %.1f MiB)",
			name, float64(small)/(1<<20), float64(wantSmall)/(1<<20), float64(large-small)/(1<<20), float64(wantLarge-wantSmall)/(1<<20))
		if !within(float64(small), float64(wantSmall)) {
			t.Errorf("%s: an average keeps %.1f MiB at batch 8; TrainMemory assumes %.1f MiB: re-measure it", name, float64(small)/(1<<20), float64(wantSmall)/(1<<20))
		}
		if !within(float64(large-small), float64(wantLarge-wantSmall)) {
			t.Errorf("%s: an average keeps %.1f MiB more at batch 24 than at 8; TrainMemory assumes %.1f MiB: re-measure it", name, float64(large-small)/(1<<20), float64(wantLarge-wantSmall)/(1<<20))
		}
	}
}

package acgan

import (
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

// TestTrainMemory checks the per-image part of TrainMemory against the
// heap a training step really keeps: the growth from batch 8 to batch 40
// must be within 25 % of what the estimate says (the rest of the resident
// memory, the process and the allocator's slack, is in the fixed part).
func TestTrainMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("trains two small batches")
	}
	step := func(batch int) int64 {
		cfg := DefaultConfig()
		cfg.Batch = batch
		before := heapInUse()
		tr, err := NewTrainer(cfg, 1)
		if err != nil {
			t.Fatal(err)
		}
		x := make([]float32, batch*ImageSize)
		y := make([]int, batch)
		if _, err := tr.Step(x, y); err != nil {
			t.Fatal(err)
		}
		used := heapInUse() - before
		runtime.KeepAlive(tr)
		return used
	}
	small, large := step(8), step(40)
	perImage := float64(large-small) / 32
	want := float64(TrainMemoryPerImage)
	t.Logf("heap per image of the batch: %.0f KiB (estimate %.0f KiB)", perImage/1024, want/1024)
	if perImage < 0.75*want || perImage > 1.25*want {
		t.Errorf("a training step keeps %.0f KiB per image of the batch; TrainMemory assumes %.0f KiB: re-measure it", perImage/1024, want/1024)
	}
}

// TestEMAMemory checks EMAMemoryPerImage the same way: the heap an
// averaged generator adds once it has drawn a batch of samples.
func TestEMAMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("trains two small batches")
	}
	extra := func(batch int) int64 {
		cfg := DefaultConfig()
		cfg.Batch = batch
		before := heapInUse()
		tr, err := NewTrainer(cfg, 1)
		if err != nil {
			t.Fatal(err)
		}
		without := heapInUse() - before
		cfg.EMA = 0.999
		before = heapInUse()
		te, err := NewTrainer(cfg, 1)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := te.Generate(make([]float32, batch*cfg.Latent), make([]int, batch)); err != nil {
			t.Fatal(err)
		}
		with := heapInUse() - before
		runtime.KeepAlive(tr)
		runtime.KeepAlive(te)
		return with - without
	}
	small, large := extra(8), extra(40)
	perImage := float64(large-small) / 32
	fixed := float64(small) - 8*perImage
	t.Logf("an average adds %.0f KiB and %.0f KiB per image (estimates %d KiB, %d KiB)", fixed/1024, perImage/1024, EMAMemoryFixed>>10, EMAMemoryPerImage>>10)
	if want := float64(EMAMemoryPerImage); perImage < 0.75*want || perImage > 1.25*want {
		t.Errorf("an average keeps %.0f KiB per image of the batch; TrainMemory assumes %.0f KiB: re-measure it", perImage/1024, want/1024)
	}
	if want := float64(EMAMemoryFixed); fixed < 0.75*want || fixed > 1.25*want {
		t.Errorf("an average keeps %.0f KiB besides; TrainMemory assumes %.0f KiB: re-measure it", fixed/1024, want/1024)
	}
}

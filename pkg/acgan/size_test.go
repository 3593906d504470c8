package acgan

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// TestGeometry builds the networks for every side the model takes, gray
// and colour, and checks the counts of size.go against them: the
// parameters, the generator's image and the discriminator's features,
// 128·ceil(S/8)².
func TestGeometry(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 5))
	for size := MinSize; size <= MaxSize; size += SizeStep {
		for _, ch := range []int{1, 3} {
			cfg := DefaultConfig()
			cfg.Size, cfg.Channels, cfg.Classes, cfg.Objective, cfg.TACWeight = size, ch, 7, TAC, 1
			if err := cfg.Validate(); err != nil {
				t.Fatalf("%d×%d×%d: %v", ch, size, size, err)
			}
			name := fmt.Sprintf("%d×%d×%d", ch, size, size)
			g, d := NewGenerator(cfg, r), NewDiscriminator(cfg, r)
			n := 0
			for _, p := range append(g.Params(), d.Params()...) {
				n += len(p.W)
			}
			if int64(n) != cfg.Params() {
				t.Errorf("%s: the networks have %d parameters; Params says %d", name, n, cfg.Params())
			}
			s8 := (size + 7) / 8
			if got, want := d.Label.In, 128*s8*s8; got != want {
				t.Errorf("%s: the class head reads %d features, want 128·ceil(S/8)² = %d", name, got, want)
			}
			z := make([]float32, 2*cfg.Latent)
			img := g.Forward(z, []int{0, 6}, true)
			if len(img) != 2*ch*size*size {
				t.Errorf("%s: the generator makes %d values for 2 images", name, len(img))
			}
			v, l, tw := d.Forward(img, 2, true)
			if len(v) != 2 || len(l) != 2*7 || len(tw) != 2*7 {
				t.Errorf("%s: the discriminator gives %d, %d and %d outputs for 2 images", name, len(v), len(l), len(tw))
			}
		}
	}
}

// TestCheckGeometry: the shapes the model takes pass, the others are
// refused with an error that says what it takes.
func TestCheckGeometry(t *testing.T) {
	for _, c := range []struct {
		ch, h, w, classes int
		want              string // "" for none
	}{
		{1, 28, 28, 10, ""},
		{3, 16, 16, 2, ""},
		{3, 64, 64, 1000, ""},
		{1, 32, 32, 999, ""},
		{3, 100, 100, 10, "images of 3×100×100: the model takes square images 16 to 64 pixels a side, a multiple of 4, gray (1 channel) or colour (3)"},
		{1, 12, 12, 10, "images of 1×12×12"},
		{1, 30, 30, 10, "a multiple of 4"},
		{1, 28, 32, 10, "square images"},
		{2, 28, 28, 10, "gray (1 channel) or colour (3)"},
		{4, 28, 28, 10, "gray (1 channel) or colour (3)"},
		{1, 28, 28, 1, "1 classes: the model takes 2 to 1000 classes"},
		{1, 28, 28, 1001, "1001 classes"},
	} {
		err := CheckGeometry(c.ch, c.h, c.w, c.classes)
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%+v: %v", c, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%+v: error %v, want one with %q", c, err, c.want)
		}
	}
}

// TestMaxParams: every configuration of the default latent size and
// discriminator width fits the bound; the largest latent, or the widest
// discriminator, on the largest images does not, and the error says so.
func TestMaxParams(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Size, cfg.Channels, cfg.Classes, cfg.Objective, cfg.TACWeight = MaxSize, 3, MaxClasses, TAC, 1
	if err := cfg.Validate(); err != nil {
		t.Errorf("the largest configuration of latent %d: %v", cfg.Latent, err)
	}
	wide := cfg
	wide.DWidth = MaxDWidth
	if err := wide.Validate(); err == nil || !strings.Contains(err.Error(), fmt.Sprintf("discriminator width %d), over the limit", MaxDWidth)) {
		t.Errorf("discriminator width %d on %d×%d images of %d classes: error %v, want one about the parameters", wide.DWidth, cfg.Size, cfg.Size, cfg.Classes, err)
	}
	mnist := DefaultConfig()
	mnist.DWidth = MaxDWidth
	if err := mnist.Validate(); err != nil {
		t.Errorf("MNIST's images at discriminator width %d: %v", MaxDWidth, err)
	}
	cfg.Latent = MaxLatent
	if err := cfg.Validate(); err == nil || !strings.Contains(err.Error(), "parameters") {
		t.Errorf("latent %d on %d×%d images of %d classes: error %v, want one about the parameters", cfg.Latent, cfg.Size, cfg.Size, cfg.Classes, err)
	}
}

// TestStepFLOPs: StepFLOPs counts the default model's iteration as the
// PyTorch replica does (iterationFlops, written from the replica's table).
func TestStepFLOPs(t *testing.T) {
	for _, b := range []int{1, 32} {
		cfg := DefaultConfig()
		cfg.Batch = b
		if got, want := cfg.StepFLOPs(), iterationFlops(b); float64(got) != want {
			t.Errorf("batch %d: StepFLOPs %d, the replica's count %.0f", b, got, want)
		}
	}
}

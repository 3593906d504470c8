// Package shapes draws a labelled image set of simple shapes for tests: a
// data set other than MNIST whose classes a classifier can tell apart, of
// any square size, 1 or 3 channels and up to six classes.
package shapes

import (
	"fmt"
	"math"
	"math/rand/v2"

	"acgan/pkg/dataset"
)

// Names are the classes' names, in class order: the shape each draws.
var Names = []string{"square", "ring", "plus", "bar", "column", "cross"}

// Set returns n images of size×size pixels with channels 1 or 3, of
// classes classes (2 to len(Names)), drawn from a PCG seeded with seed:
// image i is of class i mod classes, a shape of that class of a random
// size, place and colour (in gray: brightness) on a dark noisy
// background. The classes are named (Names).
func Set(n, size, channels, classes int, seed uint64) (*dataset.Set, error) {
	if classes < 2 || classes > len(Names) || size < 8 || (channels != 1 && channels != 3) || n < 0 {
		return nil, fmt.Errorf("shapes: %d images of %d×%d×%d in %d classes", n, channels, size, size, classes)
	}
	r := rand.New(rand.NewPCG(seed, 0x7368617065)) // "shape"
	px := channels * size * size
	s := &dataset.Set{N: n, Channels: channels, Height: size, Width: size, Classes: classes,
		Pixels: make([]uint8, n*px), Labels: make([]int, n), Names: Names[:classes:classes]}
	for i := range n {
		c := i % classes
		s.Labels[i] = c
		img := s.Pixels[i*px : (i+1)*px]
		for k := range img {
			img[k] = uint8(r.IntN(40))
		}
		var colour [3]uint8
		for k := range colour {
			colour[k] = uint8(120 + r.IntN(136))
		}
		side := size/3 + r.IntN(size/3+1) // the shape's box
		x0, y0 := r.IntN(size-side+1), r.IntN(size-side+1)
		for y := range side {
			for x := range side {
				if !inside(c, x, y, side) {
					continue
				}
				for ch := range channels {
					img[(ch*size+y0+y)*size+x0+x] = colour[ch]
				}
			}
		}
	}
	return s, nil
}

// inside reports whether pixel (x, y) of a side×side box is in the shape
// of class c.
func inside(c, x, y, side int) bool {
	m := float64(side-1) / 2
	dx, dy := float64(x)-m, float64(y)-m
	w := max(1, side/4) // stroke width
	switch c {
	case 0: // square
		return true
	case 1: // ring
		d := math.Hypot(dx, dy)
		return d <= m && d >= m-float64(w)
	case 2: // plus
		return math.Abs(dx) < float64(w)/2+0.5 || math.Abs(dy) < float64(w)/2+0.5
	case 3: // bar
		return math.Abs(dy) < float64(w)/2+0.5
	case 4: // column
		return math.Abs(dx) < float64(w)/2+0.5
	}
	// cross
	return math.Abs(dx-dy) < float64(w)/2+0.5 || math.Abs(dx+dy) < float64(w)/2+0.5
}

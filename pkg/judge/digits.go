// Digits: labelled images scaled to [-1, 1], as the judge and the
// generator see them.

package judge

import "acgan/pkg/dataset"

// Digits is a set of labelled images.
type Digits struct {
	Split  string    // "train", "test" or "" (unknown)
	Images []float32 // N×1×28×28 in [-1, 1]
	Labels []int     // N classes in [0, 10)
}

// Len returns the number of digits.
func (d *Digits) Len() int { return len(d.Labels) }

// NewDigits returns the digits of s: its images scaled from [0, 255] to
// [-1, 1] as the training does (dataset.Set.Scaled), its labels (shared),
// its split from its "split" entry. s must hold MNIST's geometry: 1×28×28
// images of classes in [0, 10).
func NewDigits(s *dataset.Set) *Digits {
	d := &Digits{Split: s.Meta["split"], Images: make([]float32, s.N*Pixels), Labels: s.Labels[:s.N]}
	for i := range s.N {
		s.Scaled(d.Images[i*Pixels:(i+1)*Pixels], i)
	}
	return d
}

// FirstPerClass returns the first n digits of each class, in the order
// of d (all of a class if it has fewer).
func (d *Digits) FirstPerClass(n int) *Digits {
	out := &Digits{Split: d.Split}
	var count [Classes]int
	for i, c := range d.Labels {
		if count[c] >= n {
			continue
		}
		count[c]++
		out.Images = append(out.Images, d.Images[i*Pixels:(i+1)*Pixels]...)
		out.Labels = append(out.Labels, c)
	}
	return out
}

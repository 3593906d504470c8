// MinibatchStdDev: the minibatch standard deviation layer of Karras et al.,
// "Progressive Growing of GANs" (ICLR 2018), section 3. It appends one
// channel that tells the layers after it how much the images of a group
// differ from one another, so that a discriminator can see a batch of
// generated images that are all alike.
//
//	x   [N, C, H, W]
//	y   [N, C+1, H, W]          y[n, :C] = x[n]; y[n, C] = s[g(n)] everywhere
//
// The batch is split into groups of Group consecutive images (fewer when
// N < Group; the last group takes the remainder, N mod Group, as well).
// For group g of m images and each of the F = C·H·W values f:
//
//	μ_f  = (1/m) Σ_n x[n, f]                                n in g
//	sd_f = sqrt((1/m) Σ_n (x[n, f] − μ_f)² + ε)             ε = 1e-8
//	s    = (1/F) Σ_f sd_f
//
// Backward, with ds = Σ over the group's images and pixels of dy[n, C]:
//
//	dx[n, f] = dy[n, f] + (ds/F) · (x[n, f] − μ_f) / (m · sd_f)
//
// (the mean's own gradient sums to zero over the group). Every image's
// values are summed in the same order whatever the thread count: the layer
// runs on one core, its work is a few thousand values per image.

package nn

import "math"

// mbstdEps keeps the square root's gradient finite for a group of one.
const mbstdEps = 1e-8

// MinibatchStdDev appends the minibatch standard deviation channel.
type MinibatchStdDev struct {
	Group int // images per group (≥ 1)

	n, c, hw int
	x        []float32 // the input, kept for Backward
	sd       []float64 // [groups, F]: sd_f of each group
	mean     []float64 // [groups, F]: μ_f of each group
	y, dx    []float32
}

// NewMinibatchStdDev returns the layer with groups of group images.
func NewMinibatchStdDev(group int) *MinibatchStdDev { return &MinibatchStdDev{Group: max(group, 1)} }

// groups returns the number of groups of a batch of n images and the
// first image and size of group g.
func (l *MinibatchStdDev) groups(n int) int { return max(1, n/l.Group) }

func (l *MinibatchStdDev) group(n, g int) (first, m int) {
	k := l.groups(n)
	first = g * l.Group
	if g == k-1 {
		return first, n - first
	}
	return first, l.Group
}

// Forward returns y [n, c+1, hw] of x [n, c, hw].
func (l *MinibatchStdDev) Forward(x []float32, n, c, hw int) []float32 {
	l.n, l.c, l.hw = n, c, hw
	F := c * hw
	l.x = grow(l.x, n*F)
	copy(l.x, x[:n*F])
	k := l.groups(n)
	l.sd = growF64(l.sd, k*F)
	l.mean = growF64(l.mean, k*F)
	l.y = grow(l.y, n*(F+hw))
	for g := range k {
		first, m := l.group(n, g)
		mu, sd := l.mean[g*F:(g+1)*F], l.sd[g*F:(g+1)*F]
		clear(mu)
		clear(sd)
		for i := first; i < first+m; i++ {
			for f, v := range x[i*F : (i+1)*F] {
				mu[f] += float64(v)
			}
		}
		var s float64
		for f := range mu {
			mu[f] /= float64(m)
			var v2 float64
			for i := first; i < first+m; i++ {
				d := float64(x[i*F+f]) - mu[f]
				v2 += d * d
			}
			sd[f] = math.Sqrt(v2/float64(m) + mbstdEps)
			s += sd[f]
		}
		s /= float64(F)
		for i := first; i < first+m; i++ {
			yi := l.y[i*(F+hw) : (i+1)*(F+hw)]
			copy(yi[:F], x[i*F:(i+1)*F])
			for p := range hw {
				yi[F+p] = float32(s)
			}
		}
	}
	return l.y
}

// Backward returns dx [n, c, hw] from dy [n, c+1, hw].
func (l *MinibatchStdDev) Backward(dy []float32) []float32 {
	n, hw := l.n, l.hw
	F := l.c * hw
	l.dx = grow(l.dx, n*F)
	for g := range l.groups(n) {
		first, m := l.group(n, g)
		mu, sd := l.mean[g*F:(g+1)*F], l.sd[g*F:(g+1)*F]
		var ds float64
		for i := first; i < first+m; i++ {
			for _, v := range dy[i*(F+hw)+F : (i+1)*(F+hw)] {
				ds += float64(v)
			}
		}
		scale := ds / float64(F) / float64(m)
		for i := first; i < first+m; i++ {
			dyi, dxi, xi := dy[i*(F+hw):i*(F+hw)+F], l.dx[i*F:(i+1)*F], l.x[i*F:(i+1)*F]
			for f := range dxi {
				dxi[f] = dyi[f] + float32(scale*(float64(xi[f])-mu[f])/sd[f])
			}
		}
	}
	return l.dx
}

// growF64 returns buf with length n, reallocated only when too small.
func growF64(buf []float64, n int) []float64 {
	if cap(buf) < n {
		return make([]float64, n)
	}
	return buf[:n]
}

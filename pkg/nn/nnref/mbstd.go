package nnref

import "math"

// mbstdGroup returns the group of image i of n in groups of size group:
// consecutive groups, the last taking the remainder.
func mbstdGroup(i, n, group int) int {
	k := max(1, n/group)
	return min(i/group, k-1)
}

// MinibatchStdDev returns x [n, c, hw] with one channel appended whose
// every value is, for the image's group, the mean over the c·hw positions
// of the standard deviation over the group's images (ε = 1e-8 under the
// square root): y is [n, c+1, hw].
func MinibatchStdDev(x []float64, n, c, hw, group int) []float64 {
	F := c * hw
	s := mbstdStats(x, n, F, group)
	y := make([]float64, n*(F+hw))
	for i := 0; i < n; i++ {
		for f := 0; f < F; f++ {
			y[i*(F+hw)+f] = x[i*F+f]
		}
		for p := 0; p < hw; p++ {
			y[i*(F+hw)+F+p] = s[mbstdGroup(i, n, group)].s
		}
	}
	return y
}

type mbstdStat struct {
	m      int
	mu, sd []float64
	s      float64
}

func mbstdStats(x []float64, n, F, group int) []mbstdStat {
	k := max(1, n/group)
	st := make([]mbstdStat, k)
	for g := range st {
		st[g].mu, st[g].sd = make([]float64, F), make([]float64, F)
	}
	for i := 0; i < n; i++ {
		g := mbstdGroup(i, n, group)
		st[g].m++
		for f := 0; f < F; f++ {
			st[g].mu[f] += x[i*F+f]
		}
	}
	for g := range st {
		for f := 0; f < F; f++ {
			st[g].mu[f] /= float64(st[g].m)
		}
	}
	for i := 0; i < n; i++ {
		g := mbstdGroup(i, n, group)
		for f := 0; f < F; f++ {
			d := x[i*F+f] - st[g].mu[f]
			st[g].sd[f] += d * d
		}
	}
	for g := range st {
		for f := 0; f < F; f++ {
			st[g].sd[f] = math.Sqrt(st[g].sd[f]/float64(st[g].m) + 1e-8)
			st[g].s += st[g].sd[f] / float64(F)
		}
	}
	return st
}

// MinibatchStdDevBackward returns dx [n, c, hw] from dy [n, c+1, hw], by
// the chain rule through s, each sd, each variance and each mean.
func MinibatchStdDevBackward(x []float64, n, c, hw, group int, dy []float64) []float64 {
	F := c * hw
	st := mbstdStats(x, n, F, group)
	ds := make([]float64, len(st))
	for i := 0; i < n; i++ {
		for p := 0; p < hw; p++ {
			ds[mbstdGroup(i, n, group)] += dy[i*(F+hw)+F+p]
		}
	}
	dx := make([]float64, n*F)
	dmu := make([][]float64, len(st))
	for g := range dmu {
		dmu[g] = make([]float64, F)
	}
	for i := 0; i < n; i++ {
		g := mbstdGroup(i, n, group)
		for f := 0; f < F; f++ {
			dvar := ds[g] / float64(F) / (2 * st[g].sd[f])
			d := x[i*F+f] - st[g].mu[f]
			dx[i*F+f] = dy[i*(F+hw)+f] + dvar*2*d/float64(st[g].m)
			dmu[g][f] -= dvar * 2 * d / float64(st[g].m)
		}
	}
	for i := 0; i < n; i++ {
		g := mbstdGroup(i, n, group)
		for f := 0; f < F; f++ {
			dx[i*F+f] += dmu[g][f] / float64(st[g].m)
		}
	}
	return dx
}

// Package gen makes images with a trained generator: the work of
// acgan-gen. It draws the noise from a seed, runs the generator in
// inference mode (batch-norm moving statistics) in chunks of bounded size,
// walks the latent space for interpolations, and writes the images and
// their labels as a tensor stream that imgrid and tensor-info read.
package gen

import (
	"fmt"
	"io"
	"math"
	"strconv"

	"acgan/pkg/acgan"
	"acgan/pkg/dataset"
	"acgan/pkg/nn"
	"acgan/pkg/tensor"
)

// MaxImages bounds the number of images one call makes (about 300 MB of
// float32 pixels).
const MaxImages = 100000

// chunk is the number of images the generator makes at once; it bounds the
// generator's working memory (its buffers grow with the batch). The images
// do not depend on it (each is computed alone in inference mode). 25 rather
// than 100: a process that makes 100 MNIST digits then touches 64 MB
// instead of 143, and its first touch of each page costs a page fault, so
// `acgan-gen -label 5` takes about half the time (0.56–0.71 s against
// 1.18–1.37 s, shared machine).
const chunk = 25

// noiseStream is the PCG stream of generation noise; its state is the seed.
const noiseStream = 0x67656e // "gen"

// Noise returns n noise vectors of size latent, N(0, 1), drawn in order from
// seed: the first k vectors of a call are the same for every n ≥ k.
func Noise(seed uint64, n, latent int) []float32 {
	return acgan.SeededNoise(seed, noiseStream, n, latent)
}

// Labels returns the labels of n images of class label (label ≥ 0), or,
// for label < 0 ("all"), of n images of each class in turn: n of class 0,
// then n of class 1, …, so that a grid with n images per row shows class r
// in row r.
func Labels(label, n, classes int) []int {
	if label >= 0 {
		y := make([]int, n)
		for i := range y {
			y[i] = label
		}
		return y
	}
	return acgan.ClassRows(n, classes)
}

// Generate returns images [N, C, S, S] of g's geometry in [-1, 1] for noise z [N, latent]
// and labels [N], made by g in inference mode, chunk by chunk. Images with
// a NaN or infinite value are an error, never returned.
func Generate(g *acgan.Generator, z []float32, labels []int) ([]float32, error) {
	if n := len(labels); n > MaxImages {
		return nil, fmt.Errorf("%d images asked for; at most %d at a time", n, MaxImages)
	}
	img, err := g.GenerateBatched(z, labels, chunk)
	if err != nil {
		return nil, err
	}
	if bad := countNonFinite(img); bad > 0 {
		return nil, fmt.Errorf("the generator made %d NaN or infinite pixel values (of %d); the model is unusable", bad, len(img))
	}
	return img, nil
}

// countNonFinite returns how many values of x are NaN or infinite.
func countNonFinite(x []float32) int {
	n := 0
	for _, v := range x {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			n++
		}
	}
	return n
}

// Interpolate returns a row of steps images (steps ≥ 2) walking from
// G(z0, a) to G(z1, b), z0 and z1 the first two noise vectors of seed: image
// i is made at t = i/(steps−1) from the noise slerp(z0, z1, t) (spherical
// interpolation, which keeps the noise at the norm typical of N(0, 1)) and
// the class embedding (1−t)·embed(a) + t·embed(b). With a = b the class is
// fixed and only the noise moves. The labels are a while t < ½ and b from
// t = ½ on (the nearer end).
func Interpolate(g *acgan.Generator, seed uint64, a, b, steps int) ([]float32, []int, error) {
	L := g.Latent
	if steps < 2 || steps > MaxImages {
		return nil, nil, fmt.Errorf("an interpolation needs 2 to %d steps, not %d", MaxImages, steps)
	}
	for _, c := range []int{a, b} {
		if c < 0 || c >= g.Classes {
			return nil, nil, fmt.Errorf("label %d is not a class of the model (0 to %d)", c, g.Classes-1)
		}
	}
	noise := Noise(seed, 2, L)
	z0, z1 := noise[:L], noise[L:]
	emb := g.Embed.Weight.W // [classes, L]
	ea, eb := emb[a*L:(a+1)*L], emb[b*L:(b+1)*L]

	// A generator that shares g's layers but whose embedding table holds
	// one mixed class vector per step, asked for with labels 0..steps-1.
	walk := *g
	walk.Classes = steps
	walk.Embed = nn.NewEmbedding("interpolation", steps, L)
	z := make([]float32, steps*L)
	idx := make([]int, steps)
	labels := make([]int, steps)
	for i := range steps {
		t := float64(i) / float64(steps-1)
		slerp(z[i*L:(i+1)*L], z0, z1, t)
		e := walk.Embed.Weight.W[i*L : (i+1)*L]
		for j := range e {
			e[j] = float32(1-t)*ea[j] + float32(t)*eb[j]
		}
		idx[i] = i
		labels[i] = a
		if t >= 0.5 {
			labels[i] = b
		}
	}
	img, err := Generate(&walk, z, idx)
	if err != nil {
		return nil, nil, err
	}
	return img, labels, nil
}

// slerp sets dst to the spherical interpolation between z0 and z1 at t,
// computed in float64; nearly parallel vectors are interpolated linearly.
func slerp(dst, z0, z1 []float32, t float64) {
	var dot, n0, n1 float64
	for i := range z0 {
		dot += float64(z0[i]) * float64(z1[i])
		n0 += float64(z0[i]) * float64(z0[i])
		n1 += float64(z1[i]) * float64(z1[i])
	}
	c := dot / math.Sqrt(n0*n1)
	omega := math.Acos(max(-1, min(1, c)))
	s := math.Sin(omega)
	wa, wb := 1-t, t
	if s > 1e-6 {
		wa, wb = math.Sin((1-t)*omega)/s, math.Sin(t*omega)/s
	}
	for i := range dst {
		dst[i] = float32(wa*float64(z0[i]) + wb*float64(z1[i]))
	}
}

// Format is what a stream of generated images says besides their pixels.
type Format struct {
	// Channels and Size are the shape of each image: Channels×Size×Size.
	Channels, Size int
	// Classes is the labels' class count.
	Classes int
	// Names, when not nil, names the classes (a classnames record).
	Names []string
	// NRow, when positive, is the images per row of a grid of them.
	NRow int
}

// FormatOf returns the format of the images g makes, with the class names
// names (nil for none) and no row length.
func FormatOf(g *acgan.Generator, names []string) Format {
	return Format{Channels: g.Channels, Size: g.Size, Classes: g.Classes, Names: names}
}

// Write writes images [N, C, S, S] (values in [-1, 1]) and their labels as
// a tensor stream in format f: "images", float32 N×C×S×S with range=-1,1
// (and nrow=K when f.NRow > 0), "labels", N class numbers with classes=K
// (uint8, or int32 for more than 256 classes), and, when f has names,
// "classnames".
func Write(w io.Writer, images []float32, labels []int, f Format) error {
	n := len(labels)
	if len(images) != n*f.Channels*f.Size*f.Size {
		return fmt.Errorf("%d pixel values for %d images of %d×%d×%d", len(images), n, f.Channels, f.Size, f.Size)
	}
	if f.Names != nil {
		if err := dataset.CheckClassNames(f.Names, f.Classes); err != nil {
			return err
		}
	}
	img := tensor.NewFloat32(tensor.NameImages, []int{n, f.Channels, f.Size, f.Size}, images).
		SetMeta(tensor.MetaRange, "-1,1")
	if f.NRow > 0 {
		img.SetMeta(tensor.MetaNRow, strconv.Itoa(f.NRow))
	}
	var lab *tensor.Tensor
	if f.Classes <= 256 {
		u8 := make([]uint8, n)
		for i, c := range labels {
			u8[i] = uint8(c)
		}
		lab = tensor.NewUint8(tensor.NameLabels, []int{n}, u8)
	} else {
		i32 := make([]int32, n)
		for i, c := range labels {
			i32[i] = int32(c)
		}
		lab = tensor.NewInt32(tensor.NameLabels, []int{n}, i32)
	}
	lab.SetMeta(tensor.MetaClasses, strconv.Itoa(f.Classes))
	if f.Names == nil {
		return tensor.WriteAll(w, img, lab)
	}
	return tensor.WriteAll(w, img, lab, dataset.ClassNamesTensor(f.Names))
}

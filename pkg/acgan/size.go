// What a configuration's networks hold and compute, counted from their
// shapes before anything is allocated: the parameters (Config.Params), the
// activations of one image (for the memory estimate, memory.go) and the
// floating-point operations of a training iteration (Config.StepFLOPs).

package acgan

// layerCount is what one layer of a network holds and computes for one
// image: its parameters, the values of its output, and the multiply-adds
// of its matrix products (convolutions and dense layers; the elementwise
// layers' work is counted as none, as the benchmarks count it).
type layerCount struct {
	params, out, macs int64
}

// counts returns the layers of c's generator and of its discriminator, in
// network order, as generator.go and discriminator.go build them.
func (c Config) counts() (g, d []layerCount) {
	conv := func(cin, cout, k, side int) layerCount { // side: the output's
		o := int64(cout * side * side)
		return layerCount{params: int64(cout*cin*k*k + cout), out: o, macs: o * int64(cin*k*k)}
	}
	dense := func(in, out int) layerCount {
		return layerCount{params: int64(in*out + out), out: int64(out), macs: int64(in * out)}
	}
	bn := func(ch, side int) layerCount {
		return layerCount{params: int64(2 * ch), out: int64(ch * side * side)}
	}
	s0, s1, s2 := gSides(c.Size)
	g = []layerCount{
		{params: int64(c.Classes * c.Latent), out: int64(gInputs(c.Latent, c.Conditioning))}, // embedding, z ⊙ e or [z, e]
		dense(gInputs(c.Latent, c.Conditioning), gDense(c.Size)),
		bn(gWidth0, s0),
		conv(gWidth0, gWidth1, 3, s1), // upsampling and conv1 (counted on the upsampled image)
		bn(gWidth1, s1),
		conv(gWidth1, gWidth2, 3, s2),
		bn(gWidth2, s2),
		conv(gWidth2, c.Channels, gKernel, s2),
	}
	d1, d2, dP, d3 := dSides(c.Size)
	w1, w2, w3, w4 := dWidths(c)
	d = []layerCount{
		conv(c.Channels, w1, dKernel, d1),
		conv(w1, w2, dKernel, d2),
		bn(w2, dP),
		conv(w2, w3, dKernel, d3),
		bn(w3, d3),
		conv(dIn4(c), w4, dKernel, d3),
		dense(dFlat(c), 1),
		dense(dFlat(c), c.HeadClasses()),
	}
	if n := c.TwinClasses(); n > 0 {
		d = append(d, dense(dFlat(c), n))
	}
	if c.MinibatchStdDev > 0 { // its output, a copy of bn3's and one channel more
		d = append(d, layerCount{out: int64(dIn4(c) * d3 * d3)})
	}
	return g, d
}

// sum returns the totals of ls.
func sum(ls []layerCount) layerCount {
	var t layerCount
	for _, l := range ls {
		t.params += l.params
		t.out += l.out
		t.macs += l.macs
	}
	return t
}

// Params returns the number of parameters of both networks of c (the
// averaged generator of Config.EMA aside): the float32 values of the
// model file's "g.…" and "d.…" records.
func (c Config) Params() int64 {
	g, d := c.counts()
	return sum(g).params + sum(d).params
}

// StepFLOPs returns the floating-point operations of the matrix products of
// one training iteration (Trainer.Step) at batch c.Batch, two per
// multiply-add, counted as ../shared/bench's PyTorch replica counts them
// (the upsampling convs on the upsampled image, although nn.UpConv2D does
// 2.25× fewer): the generator's inference, two discriminator steps of
// forward, dW and dx (no dx for the images), and the generator's step
// through the frozen discriminator (its forward and dx) with the
// generator's own forward, dW and dx.
func (c Config) StepFLOPs() int64 {
	g, d := c.counts()
	fg, fd, c1 := 2*sum(g).macs, 2*sum(d).macs, 2*d[0].macs
	dStep := 3*fd - c1
	gStep := fg + 2*fd + 2*fg
	return int64(c.Batch) * (fg + 2*dStep + gStep)
}

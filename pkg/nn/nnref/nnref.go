// Package nnref is a plain float64 reference of every layer of
// acgan/pkg/nn, forward and backward, for tests: each function is written
// from the layer's definition with naive loops, no speed tricks and no
// code shared with pkg/nn, so that the fast float32 layers, and the
// networks built from them, can be checked against it on any shape.
//
// Tensors are flat []float64 slices in NCHW layout (batch, channels,
// height, width), row-major, with their dimensions passed alongside, as in
// pkg/nn. Weights are laid out as pkg/nn lays them out: a dense weight
// [Out, In], a convolution kernel [Cout, Cin, K, K]. Every function returns
// fresh slices and leaves its arguments alone. A backward function takes
// what its forward took and dL/dy, and returns dL/dx and the gradients of
// the parameters.
//
// pkg/nn's fused layers are compositions here: UpConv2D is Upsample2x,
// Conv and ReLU (UpConv), PoolReLU is MaxPool then ReLU.
package nnref

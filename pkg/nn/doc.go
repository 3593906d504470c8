// Package nn is a small neural-network library for the ACGAN: float32
// tensors in NCHW layout (batch, channels, height, width), parameters with
// their gradients, layers with forward and backward passes written out
// plainly, Keras's losses, initialisers and Adam.
//
// Conventions shared by every layer, in the manner of karpathy/llm.c:
//
//   - A layer is a struct with Forward and Backward methods. Forward takes
//     the input as a flat []float32 plus the dimensions it needs and returns
//     the output, a slice of a buffer the layer owns. The returned slice is
//     valid until the layer's next Forward.
//   - Forward keeps a reference to its input (not a copy) for Backward, so the
//     caller must not change the input between Forward and Backward.
//   - Backward takes dL/dy (same shape as the output), writes the parameter
//     gradients into Param.G (overwriting, not accumulating: one Backward per
//     Forward) unless the layer is Frozen, and returns dL/dx in a buffer the
//     layer owns.
//   - Buffers are sized on first use and grow when a larger batch arrives, so
//     a training loop at a fixed batch size allocates nothing after the first
//     iteration.
//   - Every matrix product goes through acgan/pkg/gemm.
//
// Randomness (initialisers, dropout masks) comes from a *rand.Rand passed in
// by the caller, so runs are reproducible and resumable.
package nn

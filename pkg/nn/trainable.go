// Trainable: what a network needs to know of its layers that have
// parameters or saved state.

package nn

// Trainable is a layer with parameters or saved state (Dense, Conv2D,
// UpConv2D, Embedding, BatchNorm). A network keeps its Trainable layers in
// one list, in network order, and derives from it its parameters, its
// state and its freezing.
type Trainable interface {
	// Params returns the layer's parameters, in a fixed order.
	Params() []*Param
	// States returns the layer's saved non-parameter state (nil if none).
	States() []*State
	// SetFrozen sets the layer's Frozen field: Backward then computes dx
	// only, and batch norm leaves its moving statistics alone.
	SetFrozen(frozen bool)
}

var (
	_ Trainable = (*Dense)(nil)
	_ Trainable = (*Conv2D)(nil)
	_ Trainable = (*UpConv2D)(nil)
	_ Trainable = (*Embedding)(nil)
	_ Trainable = (*BatchNorm)(nil)
)

// Package modelfile saves and loads an ACGAN training run as a model file:
// a tensor stream (pkg/tensor) whose first record describes the model and
// whose other records hold every tensor of its state, so that a run can be
// resumed bit for bit and a generator rebuilt for sampling. docs/model.md
// is the specification; this package is its reference implementation.
//
// The model file sits between training and generation in the data flow
// (fetch → stream → train → model → gen → stream → grid): acgan-train saves
// it, acgan-gen (and acgan-train -resume) load it.
package modelfile

import (
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"

	"acgan/pkg/acgan"
	"acgan/pkg/dataset"
	"acgan/pkg/tensor"
)

// Names and values of the header record (see docs/model.md).
const (
	// HeaderName is the name of the first record.
	HeaderName = "acgan.model"
	// Kind is the value of the header's "kind" entry.
	Kind = "acgan-model"
	// Format is the format version this package writes and reads.
	Format = 1
	// RNGName is the name of the record holding the RNG state.
	RNGName = "rng"
	// RNGAlgorithm is the value of the RNG record's "algorithm" entry.
	RNGAlgorithm = "pcg-dxsm-128"
	// ClassNamesName is the name of the record holding the class names
	// (docs/stream.md's "classnames" record).
	ClassNamesName = tensor.NameClassNames
)

// Model is a training run: the trainer (networks, optimisers, iteration
// count, RNG) and the seed the run started from.
type Model struct {
	*acgan.Trainer
	// Seed is the -seed the run was started with. The trainer's state does
	// not depend on it after the start (the RNG state is saved); tools use
	// it to derive other fixed randomness, such as the noise of sample
	// grids.
	Seed uint64
	// Names holds the name of each class (Cfg.Classes of them), from the
	// training data's class names; nil when it had none, and the classes
	// are then known by their numbers.
	Names []string
}

// New starts a run: a trainer for cfg initialised from seed, its classes
// without names (set Names to name them).
func New(cfg acgan.Config, seed uint64) (*Model, error) {
	t, err := acgan.NewTrainer(cfg, seed)
	if err != nil {
		return nil, err
	}
	return &Model{Trainer: t, Seed: seed}, nil
}

// ClassName returns the name of class c: its name when the model has
// names, else its number.
func (m *Model) ClassName(c int) string {
	if m.Names != nil {
		return m.Names[c]
	}
	return strconv.Itoa(c)
}

// header returns the first record of m's file.
func (m *Model) header() *tensor.Tensor {
	c := m.Cfg
	f32 := func(x float32) string { return strconv.FormatFloat(float64(x), 'g', -1, 32) }
	h := tensor.NewUint8(HeaderName, []int{0}, nil)
	// The optional entries: only a model that uses them has them, so the
	// others' files are those of readers that predate them.
	if c.Objective == acgan.TAC {
		h.SetMeta("tac_weight", f32(c.TACWeight))
	}
	if c.EMA > 0 {
		h.SetMeta("ema_decay", f32(c.EMA))
	}
	if c.GenClassWeight != 1 {
		h.SetMeta("gen_class_weight", f32(c.GenClassWeight))
	}
	if c.LabelSmoothing != 0 {
		h.SetMeta("label_smoothing", f32(c.LabelSmoothing))
	}
	if c.MinibatchStdDev != 0 {
		h.SetMeta("minibatch_stddev", strconv.Itoa(c.MinibatchStdDev))
	}
	if c.ModeSeeking != 0 {
		h.SetMeta("mode_seeking", f32(c.ModeSeeking))
	}
	if c.Conditioning != acgan.Multiply {
		h.SetMeta("conditioning", c.Conditioning.String())
	}
	if c.DWidth != 1 {
		h.SetMeta("d_width", strconv.Itoa(c.DWidth))
	}
	if c.Size != acgan.DefaultSize {
		h.SetMeta("size", strconv.Itoa(c.Size))
	}
	if c.Channels != acgan.DefaultChannels {
		h.SetMeta("channels", strconv.Itoa(c.Channels))
	}
	for k, v := range map[string]string{
		"kind":        Kind,
		"format":      strconv.Itoa(Format),
		"objective":   c.Objective.String(),
		"latent":      strconv.Itoa(c.Latent),
		"classes":     strconv.Itoa(c.Classes),
		"batch":       strconv.Itoa(c.Batch),
		"lr":          f32(c.LR),
		"beta1":       f32(c.Beta1),
		"beta2":       f32(c.Beta2),
		"adam_eps":    f32(c.AdamEps),
		"dropout":     f32(c.Dropout),
		"seed":        strconv.FormatUint(m.Seed, 10),
		"iteration":   strconv.FormatInt(m.Iter, 10),
		"adam_step_g": strconv.FormatInt(m.OptG.Step, 10),
		"adam_step_d": strconv.FormatInt(m.OptD.Step, 10),
	} {
		h.SetMeta(k, v)
	}
	return h
}

// Save writes m as a model file to w: the header, the class names (when
// m has them), every parameter, every state tensor, and the RNG state, in
// the order docs/model.md gives. The same model always gives the same
// bytes. A model holding a NaN or an infinity is refused before anything
// is written (Load would refuse it).
func (m *Model) Save(w io.Writer) error {
	if m.Names != nil {
		if err := dataset.CheckClassNames(m.Names, m.Cfg.Classes); err != nil {
			return fmt.Errorf("class names: %w", err)
		}
	}
	for _, p := range m.Params() {
		if err := finite(p.Name, p.W); err != nil {
			return err
		}
	}
	for _, s := range m.States() {
		if err := usableState(s.Name, s.Data, s.NonNegative); err != nil {
			return err
		}
	}
	tw := tensor.NewWriter(w)
	if err := tw.Write(m.header()); err != nil {
		return err
	}
	if m.Names != nil {
		if err := tw.Write(dataset.ClassNamesTensor(m.Names)); err != nil {
			return err
		}
	}
	for _, p := range m.Params() {
		if err := tw.Write(tensor.NewFloat32(p.Name, p.Shape, p.W)); err != nil {
			return err
		}
	}
	for _, s := range m.States() {
		if err := tw.Write(tensor.NewFloat32(s.Name, s.Shape, s.Data)); err != nil {
			return err
		}
	}
	rng, err := m.MarshalRNG()
	if err != nil {
		return err
	}
	if err := tw.Write(tensor.NewUint8(RNGName, []int{len(rng)}, rng).SetMeta("algorithm", RNGAlgorithm)); err != nil {
		return err
	}
	return tw.Close()
}

// LoadFile reads the model file at path (see Load).
func LoadFile(path string) (*Model, error) {
	f, err := os.Open(path)
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	defer f.Close()
	return Load(f, path)
}

// Load reads a model file from r; name (the file's path) starts every
// error message. It checks everything before returning a model: the kind
// and format version, the configuration (within the bounds of pkg/acgan,
// so that no header makes it allocate more than a model of
// acgan.MaxParams parameters), the class names, that every tensor the
// configuration calls for is present exactly once with its shape and
// dtype, that no tensor is unknown, that every float is finite, that the
// values a model needs non-negative (batch-norm moving variances, Adam's
// second moments) are, and that the stream is complete. A model Load
// returns is usable by every tool: its generator makes finite images from
// finite noise.
func Load(r io.Reader, name string) (*Model, error) {
	tr := tensor.NewReader(r)
	h, err := tr.Next()
	if err != nil {
		return nil, readError(name, err)
	}
	if h.Name != HeaderName {
		return nil, fmt.Errorf("%s: not an acgan model (first record is %q, not %q)", name, h.Name, HeaderName)
	}
	if k := h.Meta["kind"]; k != Kind {
		return nil, fmt.Errorf("%s: not an acgan model (kind=%s)", name, k)
	}
	if v := h.Meta["format"]; v != strconv.Itoa(Format) {
		return nil, fmt.Errorf("%s: format version %s not supported (this build reads %d)", name, v, Format)
	}
	m, err := fromHeader(h.Meta)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	// No record may be larger than the largest tensor of the model (or
	// than the longest class names its classes can have).
	tr.MaxElements = m.Cfg.Classes * (dataset.MaxClassName + 1)
	for _, p := range m.Params() {
		tr.MaxElements = max(tr.MaxElements, len(p.W))
	}

	// What the configuration calls for, by name.
	type slot struct {
		shape  []int
		data   []float32
		nonNeg bool // the values must be ≥ 0 (a variance, a second moment)
		done   bool
	}
	want := map[string]*slot{}
	var order []string
	add := func(n string, shape []int, data []float32, nonNeg bool) {
		want[n] = &slot{shape: shape, data: data, nonNeg: nonNeg}
		order = append(order, n)
	}
	for _, p := range m.Params() {
		add(p.Name, p.Shape, p.W, false)
	}
	for _, s := range m.States() {
		add(s.Name, s.Shape, s.Data, s.NonNegative)
	}
	rngDone := false
	for {
		t, err := tr.Next()
		if err == io.EOF {
			break
		}
		if errors.Is(err, tensor.ErrLimit) {
			// The header's model has no tensor this large: most likely a
			// header entry that changes a shape is missing or wrong.
			return nil, fmt.Errorf("%s: %w, larger than any tensor of the model the header describes", name, err)
		}
		if err != nil {
			return nil, readError(name, err)
		}
		if t.Name == ClassNamesName {
			if m.Names != nil {
				return nil, fmt.Errorf("%s: tensor %q appears twice", name, t.Name)
			}
			names, err := dataset.ClassNames(t)
			if err != nil {
				return nil, fmt.Errorf("%s: %s: %w", name, t.Name, err)
			}
			if len(names) != m.Cfg.Classes {
				return nil, fmt.Errorf("%s: %s: %d class names for a model of %d classes", name, t.Name, len(names), m.Cfg.Classes)
			}
			m.Names = names
			continue
		}
		if t.Name == RNGName {
			if rngDone {
				return nil, fmt.Errorf("%s: tensor %q appears twice", name, t.Name)
			}
			if t.DType != tensor.Uint8 || len(t.Shape) != 1 {
				return nil, fmt.Errorf("%s: tensor %q is %s %s; want a uint8 vector", name, t.Name, t.DType, tensor.ShapeString(t.Shape))
			}
			if a := t.Meta["algorithm"]; a != RNGAlgorithm {
				return nil, fmt.Errorf("%s: RNG algorithm %q not supported (this build reads %s)", name, a, RNGAlgorithm)
			}
			if err := m.UnmarshalRNG(t.U8); err != nil {
				return nil, fmt.Errorf("%s: %w", name, err)
			}
			rngDone = true
			continue
		}
		s := want[t.Name]
		if s == nil {
			what := fmt.Sprintf("a %s model with latent %d", m.Cfg.Objective, m.Cfg.Latent)
			if m.EMA == nil && strings.HasPrefix(t.Name, "ema.") {
				what += " and no ema_decay"
			}
			return nil, fmt.Errorf("%s: unexpected tensor %q (not part of %s)", name, t.Name, what)
		}
		if s.done {
			return nil, fmt.Errorf("%s: tensor %q appears twice", name, t.Name)
		}
		if t.DType != tensor.Float32 || !slices.Equal(t.Shape, s.shape) {
			return nil, fmt.Errorf("%s: tensor %q is %s %s; want float32 %s", name, t.Name, t.DType, tensor.ShapeString(t.Shape), tensor.ShapeString(s.shape))
		}
		if err := usableState(t.Name, t.F32, s.nonNeg); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		copy(s.data, t.F32)
		s.done = true
	}
	var missing []string
	for _, n := range order {
		if !want[n].done {
			missing = append(missing, n)
		}
	}
	if !rngDone {
		missing = append(missing, RNGName)
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("%s: truncated (%d of %d tensors missing, the first is %q)", name, len(missing), len(order)+1, missing[0])
	}
	return m, nil
}

// readError describes an error of the tensor reader in the model file name.
func readError(name string, err error) error {
	switch {
	case errors.Is(err, io.EOF):
		return fmt.Errorf("%s: not an acgan model (empty tensor stream)", name)
	case errors.Is(err, tensor.ErrNotStream):
		return fmt.Errorf("%s: not an acgan model (%v)", name, err)
	case errors.Is(err, tensor.ErrTruncated):
		return fmt.Errorf("%s: truncated (%v)", name, err)
	}
	return fmt.Errorf("%s: %w", name, err)
}

// fromHeader builds a fresh model from the header's configuration and
// restores its scalar state (seed, iteration, Adam steps).
func fromHeader(meta map[string]string) (*Model, error) {
	var firstErr error
	get := func(key string) string {
		v, ok := meta[key]
		if !ok && firstErr == nil {
			firstErr = fmt.Errorf("header has no %q entry", key)
		}
		return v
	}
	integer := func(key string, lo, hi int64) int64 {
		s := get(key)
		if firstErr != nil {
			return 0
		}
		v, err := strconv.ParseInt(s, 10, 64)
		if err != nil || v < lo || v > hi {
			firstErr = fmt.Errorf("header entry %s=%q is not an integer in [%d, %d]", key, s, lo, hi)
		}
		return v
	}
	float := func(key string) float32 {
		s := get(key)
		if firstErr != nil {
			return 0
		}
		v, err := strconv.ParseFloat(s, 32)
		if err != nil {
			firstErr = fmt.Errorf("header entry %s=%q is not a number", key, s)
		}
		return float32(v)
	}
	var cfg acgan.Config
	obj := get("objective")
	if firstErr == nil {
		o, err := acgan.ParseObjective(obj)
		if err != nil {
			firstErr = fmt.Errorf("header entry objective=%q is not fakeclass, paper or tac", obj)
		}
		cfg.Objective = o
	}
	cfg.Latent = int(integer("latent", 1, acgan.MaxLatent))
	cfg.Classes = int(integer("classes", acgan.MinClasses, acgan.MaxClasses))
	// The optional geometry (docs/model.md): MNIST's when absent.
	cfg.Size, cfg.Channels = acgan.DefaultSize, acgan.DefaultChannels
	if _, ok := meta["size"]; ok {
		cfg.Size = int(integer("size", acgan.MinSize, acgan.MaxSize))
	}
	if _, ok := meta["channels"]; ok {
		cfg.Channels = int(integer("channels", 1, 3))
	}
	cfg.Batch = int(integer("batch", 1, acgan.MaxBatch))
	cfg.LR = float("lr")
	cfg.Beta1 = float("beta1")
	cfg.Beta2 = float("beta2")
	cfg.AdamEps = float("adam_eps")
	cfg.Dropout = float("dropout")
	// The optional entries (docs/model.md): tac_weight with objective tac
	// only, ema_decay when the run keeps an average of its generator.
	if _, ok := meta["tac_weight"]; ok || (firstErr == nil && cfg.Objective == acgan.TAC) {
		if cfg.Objective != acgan.TAC && firstErr == nil {
			firstErr = fmt.Errorf("header entry tac_weight=%q is for objective tac, not %s", meta["tac_weight"], cfg.Objective)
		}
		cfg.TACWeight = float("tac_weight")
	}
	if v, ok := meta["ema_decay"]; ok {
		cfg.EMA = float("ema_decay")
		if firstErr == nil && !(cfg.EMA > 0 && cfg.EMA < 1) {
			firstErr = fmt.Errorf("header entry ema_decay=%q is not a number in (0, 1)", v)
		}
	}
	// gen_class_weight (1 when absent) and label_smoothing (0 when absent):
	// Config.Validate checks their ranges.
	cfg.GenClassWeight = 1
	if _, ok := meta["gen_class_weight"]; ok {
		cfg.GenClassWeight = float("gen_class_weight")
	}
	if _, ok := meta["label_smoothing"]; ok {
		cfg.LabelSmoothing = float("label_smoothing")
	}
	// minibatch_stddev (0 when absent): the group size of the
	// discriminator's minibatch standard deviation layer.
	if _, ok := meta["minibatch_stddev"]; ok {
		cfg.MinibatchStdDev = int(integer("minibatch_stddev", 1, acgan.MaxBatch))
	}
	// mode_seeking (0 when absent): the weight of the generator's
	// mode-seeking loss; Config.Validate checks its range.
	if _, ok := meta["mode_seeking"]; ok {
		cfg.ModeSeeking = float("mode_seeking")
	}
	// conditioning (multiply when absent): how the generator takes the class.
	if v, ok := meta["conditioning"]; ok && firstErr == nil {
		cond, err := acgan.ParseConditioning(v)
		if err != nil {
			firstErr = fmt.Errorf("header entry conditioning=%q is not multiply or concat", v)
		}
		cfg.Conditioning = cond
	}
	// d_width (1 when absent): the discriminator's width multiplier.
	cfg.DWidth = 1
	if _, ok := meta["d_width"]; ok {
		cfg.DWidth = int(integer("d_width", 2, acgan.MaxDWidth))
	}
	seedStr := get("seed")
	var seed uint64
	if firstErr == nil {
		s, err := strconv.ParseUint(seedStr, 10, 64)
		if err != nil {
			firstErr = fmt.Errorf("header entry seed=%q is not an unsigned integer", seedStr)
		}
		seed = s
	}
	iter := integer("iteration", 0, math.MaxInt64)
	stepG := integer("adam_step_g", 0, math.MaxInt64)
	stepD := integer("adam_step_d", 0, math.MaxInt64)
	if firstErr != nil {
		return nil, firstErr
	}
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("header: %w", err)
	}
	m, err := New(cfg, seed)
	if err != nil {
		return nil, err
	}
	m.Iter, m.OptG.Step, m.OptD.Step = iter, stepG, stepD
	return m, nil
}

// ErrNonFinite is wrapped by the errors of Save and Load about a NaN or an
// infinity in a tensor.
var ErrNonFinite = errors.New("not finite")

// ErrNegative is wrapped by the errors of Save and Load about a negative
// value in a tensor that must hold none (a variance, a second moment).
var ErrNegative = errors.New("negative")

// usableState reports the first NaN or infinity in the tensor name's data,
// and, when nonNeg is set, its first negative value.
func usableState(name string, data []float32, nonNeg bool) error {
	if err := finite(name, data); err != nil {
		return err
	}
	if nonNeg {
		for i, v := range data {
			if v < 0 {
				return &badValue{name, v, i, ", but a variance is never negative", ErrNegative}
			}
		}
	}
	return nil
}

// badValue is the error about an unusable value v at index i of tensor
// name; it wraps kind (ErrNonFinite or ErrNegative).
type badValue struct {
	name string
	v    float32
	i    int
	why  string
	kind error
}

func (e *badValue) Error() string {
	return fmt.Sprintf("tensor %q holds %v at index %d%s", e.name, e.v, e.i, e.why)
}

func (e *badValue) Unwrap() error { return e.kind }

// finite reports the first NaN or infinity in the tensor name's data.
func finite(name string, data []float32) error {
	for i, v := range data {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return &badValue{name, v, i, "", ErrNonFinite}
		}
	}
	return nil
}

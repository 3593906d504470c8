package acgan

import (
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"

	"acgan/pkg/nn"
)

// TestEveryLayerIsListed: each field of a network holding a layer with
// parameters or state was built with add, so its parameters are trained
// and saved and SetFrozen reaches it; a layer assigned without add fails
// here rather than silently.
func TestEveryLayerIsListed(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 1))
	g, d := NewGenerator(DefaultConfig(), r), NewDiscriminator(DefaultConfig(), r)
	checkListed(t, g, g.layers)
	checkListed(t, d, d.layers)
	twin := NewDiscriminator(discConfig(10, 10, 0.25, mnist), r)
	checkListed(t, twin, twin.layers)
}

// checkListed reports every exported field of *net holding an
// nn.Trainable that is not in ls.
func checkListed(t *testing.T, net any, ls layerList) {
	t.Helper()
	v := reflect.ValueOf(net).Elem()
	for i := 0; i < v.NumField(); i++ {
		f := v.Field(i)
		if !f.CanInterface() {
			continue
		}
		if f.Kind() == reflect.Pointer && f.IsNil() {
			continue // a layer the configuration leaves out (the twin head)
		}
		if l, ok := f.Interface().(nn.Trainable); ok && !slices.Contains(ls, l) {
			t.Errorf("%s.%s is not in the layer list", v.Type().Name(), v.Type().Field(i).Name)
		}
	}
}

// TestParamOrder pins the names and order of the parameters and states:
// the model file stores them in this order (docs/model.md).
func TestParamOrder(t *testing.T) {
	tr, err := NewTrainer(DefaultConfig(), 1)
	if err != nil {
		t.Fatal(err)
	}
	var params, states []string
	for _, p := range tr.Params() {
		params = append(params, p.Name)
	}
	for _, s := range append(tr.G.States(), tr.D.States()...) {
		states = append(states, s.Name)
	}
	wantParams := []string{
		"g.embed", "g.dense.w", "g.dense.b", "g.bn0.gamma", "g.bn0.beta",
		"g.conv1.w", "g.conv1.b", "g.bn1.gamma", "g.bn1.beta",
		"g.conv2.w", "g.conv2.b", "g.bn2.gamma", "g.bn2.beta", "g.conv3.w", "g.conv3.b",
		"d.conv1.w", "d.conv1.b", "d.conv2.w", "d.conv2.b", "d.bn2.gamma", "d.bn2.beta",
		"d.conv3.w", "d.conv3.b", "d.bn3.gamma", "d.bn3.beta", "d.conv4.w", "d.conv4.b",
		"d.valid.w", "d.valid.b", "d.label.w", "d.label.b",
	}
	wantStates := []string{
		"g.bn0.moving_mean", "g.bn0.moving_var", "g.bn1.moving_mean", "g.bn1.moving_var",
		"g.bn2.moving_mean", "g.bn2.moving_var",
		"d.bn2.moving_mean", "d.bn2.moving_var", "d.bn3.moving_mean", "d.bn3.moving_var",
	}
	if !slices.Equal(params, wantParams) {
		t.Errorf("parameters\n%q\nwant\n%q", params, wantParams)
	}
	if !slices.Equal(states, wantStates) {
		t.Errorf("states\n%q\nwant\n%q", states, wantStates)
	}
}

package cli

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"syscall"
	"testing"

	"github.com/alecthomas/kong"
)

type testArgs struct {
	Common
	Label string  `name:"label"`
	Model string  `name:"m" short:"m"`
	N     int     `name:"n"`
	Scale int     `name:"scale-each"`
	Range string  `name:"range"`
	Pad   float64 `name:"pad-value"`
	Count int     `name:"count" short:"c"`
	Flag  bool    `name:"flag"`
}

func TestNormalizeArgs(t *testing.T) {
	var a testArgs
	p, err := kong.New(&a, kong.Vars{"version": "x"})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct{ in, want []string }{
		{[]string{"-label", "5"}, []string{"--label", "5"}},
		{[]string{"-label=5"}, []string{"--label=5"}},
		{[]string{"--label", "5"}, []string{"--label", "5"}},
		{[]string{"-m", "model.bin"}, []string{"-m", "model.bin"}},
		{[]string{"-n", "-1"}, []string{"-n", "-1"}},
		{[]string{"-scale-each"}, []string{"--scale-each"}},
		{[]string{"-version"}, []string{"--version"}},
		{[]string{"-unknown"}, []string{"-unknown"}},
		{[]string{"--", "-label"}, []string{"--", "-label"}},
		// Negative values of flags that take a value are joined to them.
		{[]string{"-range", "-1,1"}, []string{"--range=-1,1"}},
		{[]string{"--range", "-0.5,0.5", "-label", "5"}, []string{"--range=-0.5,0.5", "--label", "5"}},
		{[]string{"-pad-value", "-.5"}, []string{"--pad-value=-.5"}},
		{[]string{"-c", "-3"}, []string{"--count=-3"}},
		{[]string{"-range", "-label"}, []string{"--range", "--label"}},
		{[]string{"-flag", "-1"}, []string{"--flag", "-1"}},
		{[]string{"-range"}, []string{"--range"}},
		{[]string{"--", "-range", "-1,1"}, []string{"--", "-range", "-1,1"}},
	}
	for _, c := range cases {
		got := NormalizeArgs(p.Model, c.in)
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("NormalizeArgs(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	// The card's flags parse as written.
	if _, err := p.Parse(NormalizeArgs(p.Model, []string{"-m", "model.bin", "-label", "5"})); err != nil {
		t.Fatal(err)
	}
	if a.Model != "model.bin" || a.Label != "5" {
		t.Fatalf("parsed %+v", a)
	}
	if _, err := p.Parse(NormalizeArgs(p.Model, []string{"-range", "-1,1", "-pad-value", "-0.25", "-c", "-2"})); err != nil {
		t.Fatal(err)
	}
	if a.Range != "-1,1" || a.Pad != -0.25 || a.Count != -2 {
		t.Fatalf("negative values parsed as %+v", a)
	}
}

func TestOutputAbortLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.png")
	o, err := Create(path)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprint(o, "partial")
	o.Abort()
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Fatalf("leftover files: %v", ents)
	}
	o, err = Create(path)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprint(o, "whole")
	if err := o.Commit(); err != nil {
		t.Fatal(err)
	}
	o.Abort() // after Commit: harmless
	if b, _ := os.ReadFile(path); string(b) != "whole" {
		t.Fatalf("content = %q", b)
	}
}

func TestIsBrokenPipe(t *testing.T) {
	if !IsBrokenPipe(fmt.Errorf("write stdout: %w", syscall.EPIPE)) {
		t.Fatal("wrapped EPIPE not recognised")
	}
	if IsBrokenPipe(errors.New("other")) {
		t.Fatal("other error taken for EPIPE")
	}
}

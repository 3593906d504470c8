package gemm

import (
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"
)

func TestChooseArch(t *testing.T) {
	a512, a2, g := &arch{name: "avx512"}, &arch{name: "avx2"}, &arch{name: "go"}
	all := []*arch{a512, a2, g}
	for _, c := range []struct {
		value      string
		registered []*arch
		want       *arch
		err        string
	}{
		{"", all, a512, ""},
		{"avx512", all, a512, ""},
		{"avx2", all, a2, ""},
		{"go", all, g, ""},
		{"", []*arch{a2, g}, a2, ""},
		{"avx512", []*arch{a2, g}, a2, "ACGAN_GEMM=avx512: this machine runs avx2, go"},
		{"avx2", []*arch{g}, g, "ACGAN_GEMM=avx2: this machine runs go"},
		{"nonsense", all, a512, "ACGAN_GEMM=nonsense: this machine runs avx512, avx2, go"},
		{"AVX2", all, a512, "ACGAN_GEMM=AVX2: this machine runs avx512, avx2, go"},
		{" go", all, a512, "ACGAN_GEMM= go: this machine runs avx512, avx2, go"},
		{"neon", []*arch{{name: "neon"}, g}, nil, ""},
	} {
		got, err := chooseArch(c.value, c.registered)
		want := c.want
		if want == nil {
			want = c.registered[0]
		}
		if got != want {
			t.Errorf("chooseArch(%q, %v) = %s, want %s", c.value, names(c.registered), got.name, want.name)
		}
		switch {
		case c.err == "" && err != nil:
			t.Errorf("chooseArch(%q, %v): %v", c.value, names(c.registered), err)
		case c.err != "" && (err == nil || err.Error() != c.err):
			t.Errorf("chooseArch(%q, %v): error %v, want %q", c.value, names(c.registered), err, c.err)
		}
	}
}

func names(as []*arch) []string {
	s := make([]string, len(as))
	for i, a := range as {
		s[i] = a.name
	}
	return s
}

// TestEnv checks that the process runs the implementation $ACGAN_GEMM asks
// for, and logs it (scripts/bench.sh prints that line).
func TestEnv(t *testing.T) {
	want, err := chooseArch(os.Getenv(EnvVar), arches)
	if err != nil || EnvError() != nil {
		t.Fatalf("a test binary ran with %v, %v", err, EnvError())
	}
	if Path() != want.name {
		t.Errorf("%s=%q: Path() = %s, want %s", EnvVar, os.Getenv(EnvVar), Path(), want.name)
	}
	t.Logf("gemm path %s (%s=%q; this machine runs %s)", Path(), EnvVar, os.Getenv(EnvVar), strings.Join(Paths(), ", "))
}

// TestEnvProcess runs this test binary again with $ACGAN_GEMM set to each
// implementation the machine runs, and to names it does not run.
func TestEnvProcess(t *testing.T) {
	if testing.Short() {
		t.Skip("starts test binaries")
	}
	exe, err := os.Executable()
	if err != nil {
		t.Skip(err)
	}
	run := func(value string) (string, error) {
		cmd := exec.Command(exe, "-test.run", "^TestEnv$", "-test.v")
		cmd.Env = append(os.Environ(), EnvVar+"="+value)
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	for _, name := range []string{"avx512", "avx2", "go"} {
		t.Run(name, func(t *testing.T) {
			if archByName(name) == nil {
				t.Skipf("path %s is not available on this machine", name)
			}
			out, err := run(name)
			if err != nil || !strings.Contains(out, "gemm path "+name+" ") {
				t.Errorf("%s=%s: %v\n%s", EnvVar, name, err, out)
			}
		})
	}
	for _, value := range []string{"nonsense", "avx512", "avx2"} {
		if archByName(value) != nil {
			continue
		}
		out, err := run(value)
		var ee *exec.ExitError
		want := ": " + EnvVar + "=" + value + ": this machine runs " + strings.Join(Paths(), ", ") + "\n"
		if !errors.As(err, &ee) || ee.ExitCode() != 2 || !strings.HasSuffix(out, want) || strings.Count(out, "\n") != 1 {
			t.Errorf("%s=%s: %v, output %q; want exit status 2 and one line ending %q", EnvVar, value, err, out, want)
		}
	}
}

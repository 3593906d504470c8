// This file lets the environment choose the implementation: $ACGAN_GEMM.

package gemm

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// EnvVar is the environment variable that forces one implementation (see
// Path) for the whole process: "avx512", "avx2", "neon", "go" or any other
// name Paths lists. Unset or empty, the best one this machine runs is used.
const EnvVar = "ACGAN_GEMM"

// envErr is what $ACGAN_GEMM asked for and this machine cannot run.
var envErr error

// EnvError returns the error of a value of $ACGAN_GEMM that names no
// implementation this machine runs (for instance
// "ACGAN_GEMM=avx512: this machine runs avx2, go"), or nil. The package
// then keeps the best implementation active, so a program must check
// EnvError before it computes and refuse to run: every tool does, through
// package cli. A test binary is refused in the package's initialisation:
// it prints the error and exits with status 2.
func EnvError() error { return envErr }

// chooseArch returns the implementation that value, the value of
// $ACGAN_GEMM, asks for among the registered ones (best first): the first
// when value is empty, else the one of that name. When none is called so it
// returns the first and an error naming the value and the implementations
// there are.
func chooseArch(value string, registered []*arch) (*arch, error) {
	if value == "" {
		return registered[0], nil
	}
	names := make([]string, len(registered))
	for i, a := range registered {
		if a.name == value {
			return a, nil
		}
		names[i] = a.name
	}
	return registered[0], fmt.Errorf("%s=%s: this machine runs %s", EnvVar, value, strings.Join(names, ", "))
}

// useEnv makes the implementation $ACGAN_GEMM asks for the active one, or
// records why it cannot (and, in a test binary, refuses to run).
func useEnv() {
	a, err := chooseArch(os.Getenv(EnvVar), arches)
	active.Store(a)
	envErr = err
	if err != nil && testing.Testing() {
		fmt.Fprintf(os.Stderr, "%s: %v\n", filepath.Base(os.Args[0]), err)
		os.Exit(2)
	}
}

// This file stands in for the assembly kernels where there are none: on other
// architectures, and with -tags noasm.

//go:build !(amd64 || arm64) || noasm

package gemm

func registerAsm() {}

// This file holds the go:generate hook of the package's assembly.

package gemm

// The amd64 micro-kernels (kernel_amd64.s and its Go declarations in
// kernel_amd64_stub.go) are generated with avo by the small module in _asm,
// which keeps avo out of the project's go.mod. Regenerate them with
//
//	go generate ./pkg/gemm
//
//go:generate sh -c "cd _asm && go run . -out ../kernel_amd64.s -stubs ../kernel_amd64_stub.go -pkg gemm"

// This file registers the AVX-512 and AVX2 kernels of kernel_amd64.s when the
// CPU (and the OS) supports them.

//go:build amd64 && !noasm

package gemm

import "golang.org/x/sys/cpu"

func registerAsm() {
	x := cpu.X86
	if x.HasAVX512F && x.HasAVX2 && x.HasFMA && x.HasBMI2 {
		register(&arch{
			name:  "avx512",
			mr:    14,
			wide:  tileKernels{nr: 32, kernN: kern512_14x32N, kernT: kern512_14x32T},
			thin:  &tileKernels{nr: 16, kernN: kern512_14x16N, kernT: kern512_14x16T},
			gemvN: gemvN512,
			gemvT: gemvT512,
		})
	}
	if x.HasAVX2 && x.HasFMA {
		register(&arch{
			name:  "avx2",
			mr:    6,
			wide:  tileKernels{nr: 16, kernN: kern256_6x16N, kernT: kern256_6x16T},
			gemvN: gemvN256,
			gemvT: gemvT256,
		})
	}
}

// This file registers the AVX-512 and AVX2 kernels of kernel_amd64.s when the
// CPU (and the OS) supports them.

//go:build amd64 && !noasm

package gemm

import "golang.org/x/sys/cpu"

func registerAsm() {
	x := cpu.X86
	if x.HasAVX512F && x.HasAVX2 && x.HasFMA && x.HasBMI2 {
		register(&arch{
			name: "avx512",
			mr:   8,
			kerns: []tileKernels{
				{nr: 48, kernN: kern512_8x48N, kernT: kern512_8x48T},
				{nr: 32, kernN: kern512_8x32N, kernT: kern512_8x32T},
				{nr: 16, kernN: kern512_8x16N, kernT: kern512_8x16T},
			},
			gemvN:      gemvN512,
			gemvT:      gemvT512,
			packN:      packN512,
			packT:      packTBlocks(16, packT512),
			packBlockN: packBlockN512_48,
			gatherSum:  gatherSum512,
			copyRuns:   16,
			rowRuns:    16,
			lanes:      16,
		})
	}
	if x.HasAVX2 && x.HasFMA {
		register(&arch{
			name:       "avx2",
			mr:         6,
			kerns:      []tileKernels{{nr: 16, kernN: kern256_6x16N, kernT: kern256_6x16T}},
			gemvN:      gemvN256,
			gemvT:      gemvT256,
			packN:      goPackN,
			packBlockN: packBlockN256_16,
			gatherSum:  gatherSum256,
			copyRuns:   8,
			rowRuns:    8,
			lanes:      8,
			packT: packTBlocks(8, func(k int, src []float32, lds int, dst []float32, ldd int) {
				k8 := k &^ 7
				packT256(k8, src, lds, dst, ldd)
				if k > k8 {
					goPackTCols(k-k8, src[k8:], lds, 8, dst[k8*ldd:], 8, ldd)
				}
			}),
		})
	}
}

// packTBlocks makes a packKernel from an assembly kernel that transposes
// blocks of g full rows of B; a partial block is copied in Go.
func packTBlocks(g int, block func(k int, src []float32, lds int, dst []float32, ldd int)) packKernel {
	return func(k int, src []float32, lds, w int, dst []float32, ldd int) {
		for j := 0; j < ldd; j += g {
			switch r := w - j; {
			case r >= g:
				block(k, src[j*lds:], lds, dst[j:], ldd)
			case r > 0:
				goPackTCols(k, src[j*lds:], lds, r, dst[j:], g, ldd)
			default:
				goPackTCols(k, nil, lds, 0, dst[j:], g, ldd)
			}
		}
	}
}

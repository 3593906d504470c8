// NEON micro-kernels for arm64: 8 rows of C by 12, 8 or 4 columns, in the
// two forms of the microKernel contract (see arch.go), N (A(i,p) at
// a[i*lda+p], rows of A in place) and T (A(i,p) at a[p*lda+i], contiguous
// columns: a transposed A or a packed panel).
//
// Registers. V0–V23 are the accumulators: row i, columns 4v..4v+3 in
// V(3i+v) (the narrower kernels use the same numbering and leave V(3i+v)
// for v ≥ 2, or v ≥ 1, unused). Each step of p adds a rank-1 update
// (a column of A times a row of B) with one FMLA by element per
// accumulator, FMLA Vacc.4S, Vb.4S, Va.S[lane]: four columns of one row
// times one element of A. Go's assembler does not take that form, so it is
// written as a WORD (the FMLA_S macro below, and FMUL_S, FADD_V for the
// final scaling).
//
//	T:  V24 = A(0..3, p), V25 = A(4..7, p): one LD1 of 32 bytes;
//	    V26–V28 = B(p, 0..11): one LD1 of 48 bytes (fewer for 8 and 4);
//	    row i takes lane i%4 of V24 (i < 4) or V25.
//	N:  two steps of p at a time. Row pointers R1, R5–R11 each give 8
//	    bytes, A(i,p) and A(i,p+1), loaded in pairs of rows:
//	    V24 = A(0,p) A(0,p+1) A(1,p) A(1,p+1), V25 rows 2, 3, V26 rows 4, 5,
//	    V27 rows 6, 7 (an LDR D and an LD1 of the upper half each);
//	    V28–V30 = B(p, ·), then B(p+1, ·). Row 2j takes lanes 0, 1 of
//	    V(24+j) and row 2j+1 lanes 2, 3. An odd last p loads one float a
//	    row, into lanes 0 and 2.
//
// So the 8×12 T loop issues 2 loads (80 bytes) for 24 FMLAs, and the N
// loop 10 loads (160 bytes) for 48; no broadcast is needed, so every vector
// instruction in the loops but the 4 upper-half loads of N is an FMLA.
//
// Every element of C is one chain of FMLAs in increasing p, from zero. At
// the end each accumulator is multiplied by alpha (FMUL), and, when load ≠
// 0, beta·C is computed (FMUL) and added (FADD): (alpha·acc) + (beta·c),
// rounded as the contract says, so the result is the same bit for bit as
// that of any kernel that keeps the contract.
//
// Integer registers: R0 counts the steps of p, R1 = a (row 0 for N), R2 =
// lda in bytes, R3 = b, R4 = ldb in bytes, R5–R11 = rows 1–7 of A (N),
// R12 = c, R13 = ldc in bytes, R14 = load.

#include "textflag.h"

// FMLA_S(d, n, m, i) is FMLA Vd.4S, Vn.4S, Vm.S[i]: Vd += Vn·Vm[i].
#define FMLA_S(d, n, m, i) WORD $(0x4f801000 | (((i)&1)<<21) | (((i)>>1)<<11) | ((m)<<16) | ((n)<<5) | (d))

// FMUL_S(d, n, m, i) is FMUL Vd.4S, Vn.4S, Vm.S[i]: Vd = Vn·Vm[i].
#define FMUL_S(d, n, m, i) WORD $(0x4f809000 | (((i)&1)<<21) | (((i)>>1)<<11) | ((m)<<16) | ((n)<<5) | (d))

// FADD_V(d, n, m) is FADD Vd.4S, Vn.4S, Vm.4S: Vd = Vn + Vm.
#define FADD_V(d, n, m) WORD $(0x4e20d400 | ((m)<<16) | ((n)<<5) | (d))

// ROW3, ROW2, ROW1(i, a, l, b): row i of the tile += lane l of Va times the
// 12, 8 or 4 columns of B in Vb, Vb+1, Vb+2.
#define ROW3(i, a, l, b) FMLA_S(3*(i), b, a, l); FMLA_S(3*(i)+1, (b)+1, a, l); FMLA_S(3*(i)+2, (b)+2, a, l)
#define ROW2(i, a, l, b) FMLA_S(3*(i), b, a, l); FMLA_S(3*(i)+1, (b)+1, a, l)
#define ROW1(i, a, l, b) FMLA_S(3*(i), b, a, l)

// STEP_T(ROW): one step of p, A's column in V24 (rows 0–3) and V25 (4–7),
// B's row in V26.
#define STEP_T(ROW) \
	ROW(0, 24, 0, 26); ROW(1, 24, 1, 26); ROW(2, 24, 2, 26); ROW(3, 24, 3, 26); \
	ROW(4, 25, 0, 26); ROW(5, 25, 1, 26); ROW(6, 25, 2, 26); ROW(7, 25, 3, 26)

// STEP_N(ROW, l): step l (0 or 1) of a pair, A's rows in pairs in V24–V27,
// B's row in V28.
#define STEP_N(ROW, l) \
	ROW(0, 24, l, 28); ROW(1, 24, (l)+2, 28); ROW(2, 25, l, 28); ROW(3, 25, (l)+2, 28); \
	ROW(4, 26, l, 28); ROW(5, 26, (l)+2, 28); ROW(6, 27, l, 28); ROW(7, 27, (l)+2, 28)

// LOADA_N2 loads A(i,p) and A(i,p+1) of the 8 rows into V24–V27.
#define LOADA_N2 \
	FMOVD.P 8(R1), F24; VLD1.P 8(R5), V24.D[1]; \
	FMOVD.P 8(R6), F25; VLD1.P 8(R7), V25.D[1]; \
	FMOVD.P 8(R8), F26; VLD1.P 8(R9), V26.D[1]; \
	FMOVD.P 8(R10), F27; VLD1.P 8(R11), V27.D[1]

// LOADA_N1 loads A(i,p) of the 8 rows into lanes 0 and 2 of V24–V27.
#define LOADA_N1 \
	FMOVS.P 4(R1), F24; VLD1.P 4(R5), V24.S[2]; \
	FMOVS.P 4(R6), F25; VLD1.P 4(R7), V25.S[2]; \
	FMOVS.P 4(R8), F26; VLD1.P 4(R9), V26.S[2]; \
	FMOVS.P 4(R10), F27; VLD1.P 4(R11), V27.S[2]

// ZERO3, ZERO2, ZERO1 clear the accumulators of a 12, 8 or 4 wide tile.
#define ZERO1 \
	VEOR V0.B16, V0.B16, V0.B16; VEOR V3.B16, V3.B16, V3.B16; \
	VEOR V6.B16, V6.B16, V6.B16; VEOR V9.B16, V9.B16, V9.B16; \
	VEOR V12.B16, V12.B16, V12.B16; VEOR V15.B16, V15.B16, V15.B16; \
	VEOR V18.B16, V18.B16, V18.B16; VEOR V21.B16, V21.B16, V21.B16
#define ZERO2 \
	ZERO1; \
	VEOR V1.B16, V1.B16, V1.B16; VEOR V4.B16, V4.B16, V4.B16; \
	VEOR V7.B16, V7.B16, V7.B16; VEOR V10.B16, V10.B16, V10.B16; \
	VEOR V13.B16, V13.B16, V13.B16; VEOR V16.B16, V16.B16, V16.B16; \
	VEOR V19.B16, V19.B16, V19.B16; VEOR V22.B16, V22.B16, V22.B16
#define ZERO3 \
	ZERO2; \
	VEOR V2.B16, V2.B16, V2.B16; VEOR V5.B16, V5.B16, V5.B16; \
	VEOR V8.B16, V8.B16, V8.B16; VEOR V11.B16, V11.B16, V11.B16; \
	VEOR V14.B16, V14.B16, V14.B16; VEOR V17.B16, V17.B16, V17.B16; \
	VEOR V20.B16, V20.B16, V20.B16; VEOR V23.B16, V23.B16, V23.B16

// ARGS_T loads k, a, lda, b and ldb (strides in bytes).
#define ARGS_T \
	MOVD k+0(FP), R0; \
	MOVD a_base+8(FP), R1; \
	MOVD lda+32(FP), R2; \
	LSL  $2, R2; \
	MOVD b_base+40(FP), R3; \
	MOVD ldb+64(FP), R4; \
	LSL  $2, R4

// ARGS_N loads the same and the pointers to rows 1–7 of A.
#define ARGS_N \
	ARGS_T; \
	ADD R1, R2, R5; \
	ADD R5, R2, R6; \
	ADD R6, R2, R7; \
	ADD R7, R2, R8; \
	ADD R8, R2, R9; \
	ADD R9, R2, R10; \
	ADD R10, R2, R11

// PREFETCH_C(off) asks for the 8 rows of the C tile, the bytes at 0 and off
// of each (off+4 being the row's length), which are read or written after
// the loop and often lie far apart in memory. It leaves R12 = c, R13 = ldc
// in bytes.
#define PREFETCH_C(off) \
	MOVD c_base+72(FP), R12; \
	MOVD ldc+96(FP), R13; \
	LSL  $2, R13; \
	MOVD R12, R15; \
	PRFM (R15), PSTL1KEEP; PRFM off(R15), PSTL1KEEP; ADD R13, R15; \
	PRFM (R15), PSTL1KEEP; PRFM off(R15), PSTL1KEEP; ADD R13, R15; \
	PRFM (R15), PSTL1KEEP; PRFM off(R15), PSTL1KEEP; ADD R13, R15; \
	PRFM (R15), PSTL1KEEP; PRFM off(R15), PSTL1KEEP; ADD R13, R15; \
	PRFM (R15), PSTL1KEEP; PRFM off(R15), PSTL1KEEP; ADD R13, R15; \
	PRFM (R15), PSTL1KEEP; PRFM off(R15), PSTL1KEEP; ADD R13, R15; \
	PRFM (R15), PSTL1KEEP; PRFM off(R15), PSTL1KEEP; ADD R13, R15; \
	PRFM (R15), PSTL1KEEP; PRFM off(R15), PSTL1KEEP

// ALPHA_BETA loads alpha into lane 0 of V28, beta into lane 0 of V29 and
// load into R14.
#define ALPHA_BETA \
	FMOVS alpha+104(FP), F28; \
	FMOVS beta+108(FP), F29; \
	MOVD  load+112(FP), R14

// SCALE3, SCALE2, SCALE1(i) multiply row i's accumulators by alpha.
#define SCALE3(i) FMUL_S(3*(i), 3*(i), 28, 0); FMUL_S(3*(i)+1, 3*(i)+1, 28, 0); FMUL_S(3*(i)+2, 3*(i)+2, 28, 0)
#define SCALE2(i) FMUL_S(3*(i), 3*(i), 28, 0); FMUL_S(3*(i)+1, 3*(i)+1, 28, 0)
#define SCALE1(i) FMUL_S(3*(i), 3*(i), 28, 0)
#define SCALE(S) S(0); S(1); S(2); S(3); S(4); S(5); S(6); S(7)

// BETA3, BETA2, BETA1(i, r...) add beta·C to row i (registers r...) and
// store it, advancing R12 to the next row of C.
#define BETA3(i, r0, r1, r2) \
	VLD1 (R12), [V24.S4, V25.S4, V26.S4]; \
	FMUL_S(24, 24, 29, 0); FMUL_S(25, 25, 29, 0); FMUL_S(26, 26, 29, 0); \
	FADD_V(3*(i), 3*(i), 24); FADD_V(3*(i)+1, 3*(i)+1, 25); FADD_V(3*(i)+2, 3*(i)+2, 26); \
	VST1.P [r0.S4, r1.S4, r2.S4], (R12)(R13)
#define BETA2(i, r0, r1) \
	VLD1 (R12), [V24.S4, V25.S4]; \
	FMUL_S(24, 24, 29, 0); FMUL_S(25, 25, 29, 0); \
	FADD_V(3*(i), 3*(i), 24); FADD_V(3*(i)+1, 3*(i)+1, 25); \
	VST1.P [r0.S4, r1.S4], (R12)(R13)
#define BETA1(i, r0) \
	VLD1 (R12), [V24.S4]; \
	FMUL_S(24, 24, 29, 0); \
	FADD_V(3*(i), 3*(i), 24); \
	VST1.P [r0.S4], (R12)(R13)

// STORE3, STORE2, STORE1 write the 8 rows of the tile to C (load = 0).
#define STORE3 \
	VST1.P [V0.S4, V1.S4, V2.S4], (R12)(R13); \
	VST1.P [V3.S4, V4.S4, V5.S4], (R12)(R13); \
	VST1.P [V6.S4, V7.S4, V8.S4], (R12)(R13); \
	VST1.P [V9.S4, V10.S4, V11.S4], (R12)(R13); \
	VST1.P [V12.S4, V13.S4, V14.S4], (R12)(R13); \
	VST1.P [V15.S4, V16.S4, V17.S4], (R12)(R13); \
	VST1.P [V18.S4, V19.S4, V20.S4], (R12)(R13); \
	VST1.P [V21.S4, V22.S4, V23.S4], (R12)(R13)
#define STORE2 \
	VST1.P [V0.S4, V1.S4], (R12)(R13); \
	VST1.P [V3.S4, V4.S4], (R12)(R13); \
	VST1.P [V6.S4, V7.S4], (R12)(R13); \
	VST1.P [V9.S4, V10.S4], (R12)(R13); \
	VST1.P [V12.S4, V13.S4], (R12)(R13); \
	VST1.P [V15.S4, V16.S4], (R12)(R13); \
	VST1.P [V18.S4, V19.S4], (R12)(R13); \
	VST1.P [V21.S4, V22.S4], (R12)(R13)
#define STORE1 \
	VST1.P [V0.S4], (R12)(R13); \
	VST1.P [V3.S4], (R12)(R13); \
	VST1.P [V6.S4], (R12)(R13); \
	VST1.P [V9.S4], (R12)(R13); \
	VST1.P [V12.S4], (R12)(R13); \
	VST1.P [V15.S4], (R12)(R13); \
	VST1.P [V18.S4], (R12)(R13); \
	VST1.P [V21.S4], (R12)(R13)

// STOREB3, STOREB2, STOREB1 add beta·C to the 8 rows and write them (load ≠ 0).
#define STOREB3 \
	BETA3(0, V0, V1, V2); BETA3(1, V3, V4, V5); BETA3(2, V6, V7, V8); BETA3(3, V9, V10, V11); \
	BETA3(4, V12, V13, V14); BETA3(5, V15, V16, V17); BETA3(6, V18, V19, V20); BETA3(7, V21, V22, V23)
#define STOREB2 \
	BETA2(0, V0, V1); BETA2(1, V3, V4); BETA2(2, V6, V7); BETA2(3, V9, V10); \
	BETA2(4, V12, V13); BETA2(5, V15, V16); BETA2(6, V18, V19); BETA2(7, V21, V22)
#define STOREB1 \
	BETA1(0, V0); BETA1(1, V3); BETA1(2, V6); BETA1(3, V9); \
	BETA1(4, V12); BETA1(5, V15); BETA1(6, V18); BETA1(7, V21)

// func kernNeon8x12N(k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int, alpha, beta float32, load int)
TEXT ·kernNeon8x12N(SB), NOSPLIT, $0-120
	ARGS_N
	PREFETCH_C(40)
	ZERO3
	LSR  $1, R0, R15 // pairs of steps
	CBZ  R15, odd

loop:
	LOADA_N2
	VLD1.P (R3)(R4), [V28.S4, V29.S4, V30.S4]
	STEP_N(ROW3, 0)
	VLD1.P (R3)(R4), [V28.S4, V29.S4, V30.S4]
	STEP_N(ROW3, 1)
	SUBS $1, R15
	BNE  loop

odd:
	TBZ  $0, R0, store
	LOADA_N1
	VLD1.P (R3)(R4), [V28.S4, V29.S4, V30.S4]
	STEP_N(ROW3, 0)

store:
	ALPHA_BETA
	SCALE(SCALE3)
	CBNZ R14, beta
	STORE3
	RET

beta:
	STOREB3
	RET

// func kernNeon8x12T(k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int, alpha, beta float32, load int)
TEXT ·kernNeon8x12T(SB), NOSPLIT, $0-120
	ARGS_T
	PREFETCH_C(40)
	ZERO3
	CBZ  R0, store

loop:
	VLD1.P (R1)(R2), [V24.S4, V25.S4]
	VLD1.P (R3)(R4), [V26.S4, V27.S4, V28.S4]
	STEP_T(ROW3)
	SUBS $1, R0
	BNE  loop

store:
	ALPHA_BETA
	SCALE(SCALE3)
	CBNZ R14, beta
	STORE3
	RET

beta:
	STOREB3
	RET

// func kernNeon8x8N(k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int, alpha, beta float32, load int)
TEXT ·kernNeon8x8N(SB), NOSPLIT, $0-120
	ARGS_N
	PREFETCH_C(24)
	ZERO2
	LSR  $1, R0, R15 // pairs of steps
	CBZ  R15, odd

loop:
	LOADA_N2
	VLD1.P (R3)(R4), [V28.S4, V29.S4]
	STEP_N(ROW2, 0)
	VLD1.P (R3)(R4), [V28.S4, V29.S4]
	STEP_N(ROW2, 1)
	SUBS $1, R15
	BNE  loop

odd:
	TBZ  $0, R0, store
	LOADA_N1
	VLD1.P (R3)(R4), [V28.S4, V29.S4]
	STEP_N(ROW2, 0)

store:
	ALPHA_BETA
	SCALE(SCALE2)
	CBNZ R14, beta
	STORE2
	RET

beta:
	STOREB2
	RET

// func kernNeon8x8T(k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int, alpha, beta float32, load int)
TEXT ·kernNeon8x8T(SB), NOSPLIT, $0-120
	ARGS_T
	PREFETCH_C(24)
	ZERO2
	CBZ  R0, store

loop:
	VLD1.P (R1)(R2), [V24.S4, V25.S4]
	VLD1.P (R3)(R4), [V26.S4, V27.S4]
	STEP_T(ROW2)
	SUBS $1, R0
	BNE  loop

store:
	ALPHA_BETA
	SCALE(SCALE2)
	CBNZ R14, beta
	STORE2
	RET

beta:
	STOREB2
	RET

// func kernNeon8x4N(k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int, alpha, beta float32, load int)
TEXT ·kernNeon8x4N(SB), NOSPLIT, $0-120
	ARGS_N
	PREFETCH_C(8)
	ZERO1
	LSR  $1, R0, R15 // pairs of steps
	CBZ  R15, odd

loop:
	LOADA_N2
	VLD1.P (R3)(R4), [V28.S4]
	STEP_N(ROW1, 0)
	VLD1.P (R3)(R4), [V28.S4]
	STEP_N(ROW1, 1)
	SUBS $1, R15
	BNE  loop

odd:
	TBZ  $0, R0, store
	LOADA_N1
	VLD1.P (R3)(R4), [V28.S4]
	STEP_N(ROW1, 0)

store:
	ALPHA_BETA
	SCALE(SCALE1)
	CBNZ R14, beta
	STORE1
	RET

beta:
	STOREB1
	RET

// func kernNeon8x4T(k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int, alpha, beta float32, load int)
TEXT ·kernNeon8x4T(SB), NOSPLIT, $0-120
	ARGS_T
	PREFETCH_C(8)
	ZERO1
	CBZ  R0, store

loop:
	VLD1.P (R1)(R2), [V24.S4, V25.S4]
	VLD1.P (R3)(R4), [V26.S4]
	STEP_T(ROW1)
	SUBS $1, R0
	BNE  loop

store:
	ALPHA_BETA
	SCALE(SCALE1)
	CBNZ R14, beta
	STORE1
	RET

beta:
	STOREB1
	RET

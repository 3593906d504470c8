// This file holds GatherSum, the building block of an implicit im2col for
// SgemmPacked.

package gemm

import "fmt"

// GatherSum sets dst[r*ldd+t] = src[rowOff[r]+colOff[t]] for r <
// len(rowOff), t < len(colOff), and dst[r*ldd+t] = 0 for len(colOff) ≤ t <
// ldd. It is the shape of a block of an im2col matrix taken from a
// zero-padded image: the offset of element (row, column) is a row part
// (channel and kernel tap) plus a column part (sample and output pixel), so
// a PanelPacker can fill its blocks with one call instead of materialising
// the matrix. With AVX-512 (AVX2), columns whose offsets run on
// consecutively (the pixels of an image row) are copied a run at a time,
// two masked moves a run of up to 16 (8); otherwise rows whose offsets run
// on consecutively are read a run at a time and transposed in registers
// (transposeRowRuns); and what is left is gathered, 16 (8) elements an
// instruction. It panics if an offset falls outside src or len(colOff) >
// ldd.
func GatherSum(dst []float32, ldd int, src []float32, rowOff, colOff []int32) {
	rows, nc := len(rowOff), len(colOff)
	if nc > ldd {
		panic(fmt.Sprintf("gemm: GatherSum: %d columns in rows of %d", nc, ldd))
	}
	if rows == 0 {
		return
	}
	if len(dst) < (rows-1)*ldd+ldd {
		panic(fmt.Sprintf("gemm: GatherSum: dst has %d elements, %d rows of %d need %d", len(dst), rows, ldd, rows*ldd))
	}
	fits32 := true // every offset fits the 32-bit indices of a gather
	if nc > 0 {
		rmin, rmax := minMax(rowOff)
		cmin, cmax := minMax(colOff)
		lo, hi := int64(rmin)+int64(cmin), int64(rmax)+int64(cmax)
		if lo < 0 || hi >= int64(len(src)) {
			panic(fmt.Sprintf("gemm: GatherSum: offsets %d..%d outside src of %d elements", lo, hi, len(src)))
		}
		fits32 = hi < 1<<31
	}
	a := active.Load()
	if a.copyRuns > 0 && fits32 && nc <= maxRunCols {
		// Columns in runs of consecutive offsets (the pixels of an image
		// row) are copied a run at a time: two masked moves a run against
		// a gather of 16 (or 8) lanes, which takes tens of cycles on some
		// cores (AMD Zen 5: 1.8–2.4× faster on UpConv2D's forward panels
		// with AVX-512, about 2× with AVX2).
		// Runs shorter than 3 on average (the taps of a weight gradient's
		// panels) are left to the gather.
		var segs [3 * maxRunCols]int64
		if ns := columnRuns(colOff, a.copyRuns, segs[:]); ns > 0 && 3*ns <= nc {
			if nc < ldd {
				for r := range rows {
					clear(dst[r*ldd+nc : (r+1)*ldd])
				}
			}
			copyRuns(a.copyRuns, rows, src, rowOff, segs[:ns*3], dst, ldd)
			return
		}
	}
	if a.rowRuns > 0 && fits32 && nc <= maxRunCols && nc > 0 && ldd%a.rowRuns == 0 && transposeRowRuns(a.rowRuns, rows, src, rowOff, colOff, dst, ldd) {
		return
	}
	if a.gatherSum != nil && fits32 && (ldd == 16 || ldd == 32 || ldd == 48) {
		a.gatherSum(rows, src, rowOff, colOff, nc, dst, ldd)
		return
	}
	for r, ro := range rowOff {
		d := dst[r*ldd : (r+1)*ldd]
		for t, co := range colOff {
			d[t] = src[int(ro)+int(co)]
		}
		clear(d[nc:])
	}
}

// maxRunCols bounds the columns of a GatherSum done a run at a time: the
// widest packed panel.
const maxRunCols = 48

// rowRunsChunk is how many rows transposeRowRuns splits into runs at a
// time.
const rowRunsChunk = 128

// transposeRowRuns does GatherSum with transposeRuns (gather_amd64.go) when
// the rows come in runs of consecutive offsets, 4 or more on average (the
// pixels of image rows, against the kernel taps of a weight gradient's
// panels, whose columns run in pairs at most): each run of up to lanes
// rows is read as lanes short vectors, one per column, and transposed in
// registers, where a gather would fetch every element on its own. It
// reports false, having written nothing, when the rows are not in such
// runs.
func transposeRowRuns(lanes, rows int, src []float32, rowOff, colOff []int32, dst []float32, ldd int) bool {
	var segs [3 * rowRunsChunk]int64
	ns := rowRuns(rowOff[:min(rows, rowRunsChunk)], lanes, 0, ldd, segs[:])
	if 4*ns > min(rows, rowRunsChunk) {
		return false
	}
	// The column offsets padded to whole groups of lanes (the padding reads
	// column 0 and is cleared afterwards, with the rest of the row past
	// the columns).
	var cols [maxRunCols]int32
	ng := (len(colOff) + lanes - 1) / lanes
	copy(cols[:], colOff)
	for t := len(colOff); t < lanes*ng; t++ {
		cols[t] = colOff[0]
	}
	for r0 := 0; r0 < rows; r0 += rowRunsChunk {
		n := min(rowRunsChunk, rows-r0)
		if r0 > 0 {
			ns = rowRuns(rowOff[r0:r0+n], lanes, r0, ldd, segs[:])
		}
		transposeRuns(lanes, src, segs[:3*ns], cols[:lanes*ng], dst, ldd)
		if nc := len(colOff); nc < ldd {
			for r := r0; r < r0+n; r++ {
				clear(dst[r*ldd+nc : (r+1)*ldd])
			}
		}
	}
	return true
}

// rowRuns splits rowOff (rows r0, r0+1, …) into runs of consecutive
// offsets of at most lanes, writes each as (4·its first row's offset in
// dst, 4·its offset in src, its length) into segs and returns their number.
func rowRuns(rowOff []int32, lanes, r0, ldd int, segs []int64) int {
	ns := 0
	for r := 0; r < len(rowOff); {
		u := r + 1
		for u < len(rowOff) && u-r < lanes && rowOff[u] == rowOff[u-1]+1 {
			u++
		}
		segs[3*ns], segs[3*ns+1], segs[3*ns+2] = 4*int64((r0+r)*ldd), 4*int64(rowOff[r]), int64(u-r)
		ns++
		r = u
	}
	return ns
}

// columnRuns splits colOff into runs of consecutive offsets of at most
// lanes (one vector), writes each as (4·first column, 4·its offset, 2ⁿ − 1
// for its n columns) into segs and returns their number.
func columnRuns(colOff []int32, lanes int, segs []int64) int {
	ns := 0
	for t := 0; t < len(colOff); {
		u := t + 1
		for u < len(colOff) && u-t < lanes && colOff[u] == colOff[u-1]+1 {
			u++
		}
		segs[3*ns], segs[3*ns+1], segs[3*ns+2] = 4*int64(t), 4*int64(colOff[t]), 1<<(u-t)-1
		ns++
		t = u
	}
	return ns
}

func minMax(s []int32) (lo, hi int32) {
	lo, hi = s[0], s[0]
	for _, v := range s[1:] {
		lo = min(lo, v)
		hi = max(hi, v)
	}
	return lo, hi
}

// Gather is a PanelPacker for SgemmPacked whose k×n matrix B is read from
// Src through offset tables, B(p, j) = Src[RowOff[p] + ColOff[j]], a block
// at a time with GatherSum: an implicit im2col from a zero-padded image
// (and, with the tables swapped, its transpose).
type Gather struct {
	Src            []float32
	RowOff, ColOff []int32 // len(RowOff) = k, len(ColOff) = n
}

// PackB implements PanelPacker.
func (g *Gather) PackB(p0, kb, j0, w int, dst []float32, ldd int) {
	GatherSum(dst, ldd, g.Src, g.RowOff[p0:p0+kb], g.ColOff[j0:j0+w])
}

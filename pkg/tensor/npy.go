// This file writes a tensor as a NumPy .npy file (format version 1.0), so
// that numpy.load reads it: '|u1' (NumPy's spelling of '<u1'), '<i4' or
// '<f4', C order.

package tensor

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// NPYDescr returns the NumPy type string of d: "|u1", "<i4" or "<f4".
func NPYDescr(d DType) string {
	switch d {
	case Uint8:
		return "|u1"
	case Int32:
		return "<i4"
	case Float32:
		return "<f4"
	}
	return ""
}

// WriteNPY writes t to w in the NumPy .npy format, version 1.0. Metadata
// and the name are not stored (.npy has no place for them).
func WriteNPY(w io.Writer, t *Tensor) error {
	if err := t.Validate(); err != nil {
		return err
	}
	var shape strings.Builder
	shape.WriteByte('(')
	for i, d := range t.Shape {
		if i > 0 {
			shape.WriteString(", ")
		}
		shape.WriteString(strconv.Itoa(d))
	}
	if len(t.Shape) == 1 {
		shape.WriteByte(',')
	}
	shape.WriteByte(')')
	dict := fmt.Sprintf("{'descr': '%s', 'fortran_order': False, 'shape': %s, }", NPYDescr(t.DType), shape.String())
	// Magic (6) + version (2) + header length (2) + dict + padding + '\n'
	// is a multiple of 64, as NumPy writes it.
	total := 10 + len(dict) + 1
	pad := (64 - total%64) % 64
	header := dict + strings.Repeat(" ", pad) + "\n"

	bw := bufio.NewWriterSize(w, chunkBytes)
	bw.WriteString("\x93NUMPY\x01\x00")
	binary.Write(bw, binary.LittleEndian, uint16(len(header)))
	bw.WriteString(header)
	var b [4]byte
	switch t.DType {
	case Uint8:
		bw.Write(t.U8)
	case Int32:
		for _, v := range t.I32 {
			binary.LittleEndian.PutUint32(b[:], uint32(v))
			bw.Write(b[:])
		}
	case Float32:
		for _, v := range t.F32 {
			binary.LittleEndian.PutUint32(b[:], math.Float32bits(v))
			bw.Write(b[:])
		}
	}
	return bw.Flush()
}

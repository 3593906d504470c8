// A minimal NumPy .npy reader for the parity test: version 1/2/3 headers,
// little-endian float32 ('<f4'), float64 ('<f8') and int64 ('<i8'),
// C order.

package acgan

import (
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"regexp"
	"strconv"
	"strings"
)

// npyArray is a decoded .npy file: its values as float64 (exact for every
// supported dtype within range) and its shape.
type npyArray struct {
	Dtype string
	Shape []int
	Data  []float64
}

var (
	npyDescr = regexp.MustCompile(`'descr':\s*'([^']*)'`)
	npyOrder = regexp.MustCompile(`'fortran_order':\s*(True|False)`)
	npyShape = regexp.MustCompile(`'shape':\s*\(([^)]*)\)`)
)

func readNpy(path string) (*npyArray, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if len(b) < 10 || string(b[:6]) != "\x93NUMPY" {
		return nil, fmt.Errorf("%s: not a .npy file", path)
	}
	var hlen, off int
	switch b[6] {
	case 1:
		hlen, off = int(binary.LittleEndian.Uint16(b[8:10])), 10
	case 2, 3:
		if len(b) < 12 {
			return nil, fmt.Errorf("%s: truncated header", path)
		}
		hlen, off = int(binary.LittleEndian.Uint32(b[8:12])), 12
	default:
		return nil, fmt.Errorf("%s: .npy version %d", path, b[6])
	}
	if off+hlen > len(b) {
		return nil, fmt.Errorf("%s: truncated header", path)
	}
	h := string(b[off : off+hlen])
	d, o, s := npyDescr.FindStringSubmatch(h), npyOrder.FindStringSubmatch(h), npyShape.FindStringSubmatch(h)
	if d == nil || o == nil || s == nil {
		return nil, fmt.Errorf("%s: bad header %q", path, h)
	}
	if o[1] != "False" {
		return nil, fmt.Errorf("%s: Fortran order", path)
	}
	a := &npyArray{Dtype: d[1]}
	n := 1
	for _, f := range strings.Split(s[1], ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		v, err := strconv.Atoi(f)
		if err != nil {
			return nil, fmt.Errorf("%s: bad shape %q", path, s[1])
		}
		a.Shape = append(a.Shape, v)
		n *= v
	}
	body := b[off+hlen:]
	size := map[string]int{"<f4": 4, "<f8": 8, "<i8": 8}[a.Dtype]
	if size == 0 {
		return nil, fmt.Errorf("%s: dtype %s not supported", path, a.Dtype)
	}
	if len(body) != n*size {
		return nil, fmt.Errorf("%s: %d data bytes for %d values of %s", path, len(body), n, a.Dtype)
	}
	a.Data = make([]float64, n)
	for i := range a.Data {
		switch a.Dtype {
		case "<f4":
			a.Data[i] = float64(math.Float32frombits(binary.LittleEndian.Uint32(body[4*i:])))
		case "<f8":
			a.Data[i] = math.Float64frombits(binary.LittleEndian.Uint64(body[8*i:]))
		case "<i8":
			a.Data[i] = float64(int64(binary.LittleEndian.Uint64(body[8*i:])))
		}
	}
	return a, nil
}

func (a *npyArray) float32s() []float32 {
	out := make([]float32, len(a.Data))
	for i, v := range a.Data {
		out[i] = float32(v)
	}
	return out
}

func (a *npyArray) ints() []int {
	out := make([]int, len(a.Data))
	for i, v := range a.Data {
		out[i] = int(v)
	}
	return out
}

// Normalization: choosing the values drawn black and white for each image,
// and turning pixel values into bytes exactly as torchvision's save_image.

package grid

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Range is a pair of pixel values, Lo drawn black and Hi white.
type Range struct{ Lo, Hi float64 }

// String formats r as ParseRange reads it.
func (r Range) String() string {
	return strconv.FormatFloat(r.Lo, 'g', -1, 64) + "," + strconv.FormatFloat(r.Hi, 'g', -1, 64)
}

// ParseRange parses "lo,hi" (two finite numbers, lo < hi), the form of the
// -range flag and of a stream's range=lo,hi metadata.
func ParseRange(s string) (Range, error) {
	a, b, ok := strings.Cut(s, ",")
	if !ok {
		return Range{}, fmt.Errorf("range %q: want two numbers lo,hi such as -1,1", s)
	}
	lo, err1 := strconv.ParseFloat(strings.TrimSpace(a), 64)
	hi, err2 := strconv.ParseFloat(strings.TrimSpace(b), 64)
	if err1 != nil || err2 != nil {
		return Range{}, fmt.Errorf("range %q: want two numbers lo,hi such as -1,1", s)
	}
	if err := checkRange(lo, hi); err != nil {
		return Range{}, fmt.Errorf("range %q: %w", s, err)
	}
	return Range{lo, hi}, nil
}

func checkRange(lo, hi float64) error {
	if math.IsNaN(lo) || math.IsNaN(hi) || math.IsInf(lo, 0) || math.IsInf(hi, 0) {
		return fmt.Errorf("bounds %v,%v must be finite", lo, hi)
	}
	if !(lo < hi) {
		return fmt.Errorf("low bound %v must be below high bound %v", lo, hi)
	}
	// Both bounds become float32, as the pixels are; they must stay apart.
	if !(float32(lo) < float32(hi)) || math.IsInf(float64(float32(lo)), 0) || math.IsInf(float64(float32(hi)), 0) {
		return errors.New("bounds must be distinct float32 values")
	}
	return nil
}

// level says how one image's values become bytes: clamp to [lo,hi],
// subtract lo, divide by d (= max(hi-lo, 1e-5), as torchvision's norm_ip).
// asIs is set for uint8 pixels with lo 0 and hi 255, which map to
// themselves.
type level struct {
	lo, hi, d float32
	asIs      bool
}

// unitLevel maps values on the output scale (0 black, 1 white) to bytes.
var unitLevel = newLevel(0, 1)

func newLevel(lo, hi float64) level {
	return level{lo: float32(lo), hi: float32(hi), d: float32(max(hi-lo, 1e-5))}
}

// toByte is save_image's conversion of a value x: norm_ip's clamp to
// [lo,hi], subtract lo and divide, then mul(255).add(0.5).clamp(0,255) and
// truncation to uint8, each step rounded to float32 (the explicit
// conversions keep the compiler from fusing steps). NaN becomes 0, and the
// infinities 255 and 0 even when lo = hi (where clamping would make +Inf 0).
func toByte(x float32, lv level) uint8 {
	switch {
	case x != x:
		return 0
	case x > math.MaxFloat32:
		return 255
	case x < -math.MaxFloat32:
		return 0
	}
	if x < lv.lo {
		x = lv.lo
	} else if x > lv.hi {
		x = lv.hi
	}
	v := float32(x - lv.lo)
	v = float32(v / lv.d)
	v = float32(v * 255)
	v = float32(v + 0.5)
	if v <= 0 {
		return 0
	}
	if v >= 255 {
		return 255
	}
	return uint8(v)
}

// bytes converts len(dst) values of m starting at index off.
func (m Images) bytes(dst []byte, off int, lv level) {
	if m.U8 != nil {
		src := m.U8[off : off+len(dst)]
		if lv.asIs {
			copy(dst, src)
			return
		}
		for i, v := range src {
			dst[i] = toByte(float32(v), lv)
		}
		return
	}
	for i, v := range m.F32[off : off+len(dst)] {
		dst[i] = toByte(v, lv)
	}
}

// computeLevels returns the level of each image under opt.
func computeLevels(m Images, opt Options) []level {
	lv := make([]level, m.N)
	normalize := opt.Normalize || opt.Range != nil || opt.ScaleEach
	switch {
	case !normalize:
		fillLevels(lv, m, m.Lo, m.Hi)
	case opt.Range != nil:
		fillLevels(lv, m, opt.Range.Lo, opt.Range.Hi)
	case opt.ScaleEach:
		per := m.C * m.H * m.W
		for k := range lv {
			lo, hi := m.minMax(k*per, (k+1)*per)
			lv[k] = m.level(lo, hi)
		}
	default:
		lo, hi := m.minMax(0, m.len())
		fillLevels(lv, m, lo, hi)
	}
	return lv
}

func fillLevels(lv []level, m Images, lo, hi float64) {
	l := m.level(lo, hi)
	for i := range lv {
		lv[i] = l
	}
}

func (m Images) level(lo, hi float64) level {
	l := newLevel(lo, hi)
	l.asIs = m.U8 != nil && lo == 0 && hi == 255
	return l
}

// NonFinite counts the pixel values that are NaN, +Inf and -Inf (none for
// uint8 pixels). Make draws NaN and -Inf black and +Inf white, normalized or
// not.
func (m Images) NonFinite() (nan, posInf, negInf int) {
	for _, v := range m.F32 {
		switch {
		case v != v:
			nan++
		case v > math.MaxFloat32:
			posInf++
		case v < -math.MaxFloat32:
			negInf++
		}
	}
	return nan, posInf, negInf
}

// minMax returns the smallest and largest finite value among values
// [from,to) of m, or 0, 0 when there is none.
func (m Images) minMax(from, to int) (lo, hi float64) {
	if m.U8 != nil {
		a, b := uint8(255), uint8(0)
		for _, v := range m.U8[from:to] {
			a, b = min(a, v), max(b, v)
		}
		return float64(a), float64(b)
	}
	a, b := float32(math.Inf(1)), float32(math.Inf(-1))
	for _, v := range m.F32[from:to] {
		if v-v != 0 { // NaN or ±Inf
			continue
		}
		a, b = min(a, v), max(b, v)
	}
	if a > b {
		return 0, 0
	}
	return float64(a), float64(b)
}

// Tests that WriteNPY writes the bytes numpy.save writes (the expected
// bytes below were made by numpy 1.24's np.save).

package tensor

import (
	"bytes"
	"strings"
	"testing"
)

func TestWriteNPY(t *testing.T) {
	pad := func(dict string) string {
		return dict + strings.Repeat(" ", 128-10-1-len(dict)) + "\n"
	}
	cases := []struct {
		t    *Tensor
		want string
	}{
		{NewInt32("a", []int{2, 3}, []int32{1, -2, 3, 4, 5, -6}),
			"\x93NUMPY\x01\x00v\x00" + pad("{'descr': '<i4', 'fortran_order': False, 'shape': (2, 3), }") +
				"\x01\x00\x00\x00\xfe\xff\xff\xff\x03\x00\x00\x00\x04\x00\x00\x00\x05\x00\x00\x00\xfa\xff\xff\xff"},
		{NewFloat32("s", nil, []float32{1.5}),
			"\x93NUMPY\x01\x00v\x00" + pad("{'descr': '<f4', 'fortran_order': False, 'shape': (), }") + "\x00\x00\xc0?"},
		{NewUint8("e", []int{0}, nil),
			"\x93NUMPY\x01\x00v\x00" + pad("{'descr': '|u1', 'fortran_order': False, 'shape': (0,), }")},
		{NewFloat32("f", []int{1, 1, 2}, []float32{-1, 0.5}),
			"\x93NUMPY\x01\x00v\x00" + pad("{'descr': '<f4', 'fortran_order': False, 'shape': (1, 1, 2), }") + "\x00\x00\x80\xbf\x00\x00\x00?"},
	}
	for _, c := range cases {
		var b bytes.Buffer
		if err := WriteNPY(&b, c.t); err != nil {
			t.Fatal(err)
		}
		if b.String() != c.want {
			t.Errorf("%s: got\n%q\nwant\n%q", c.t.Name, b.String(), c.want)
		}
	}
	// A big shape still gives a header aligned to 64 bytes.
	var b bytes.Buffer
	if err := WriteNPY(&b, NewUint8("big", []int{60000, 1, 28, 28, 1, 1, 1, 1}, nil)); err != nil {
		t.Fatal(err)
	}
	hl := int(b.Bytes()[8]) | int(b.Bytes()[9])<<8
	if (10+hl)%64 != 0 || b.Bytes()[10+hl-1] != '\n' || b.Len() != 10+hl+60000*784 {
		t.Errorf("big: header length %d, file %d bytes", hl, b.Len())
	}
	if err := WriteNPY(&b, NewUint8("bad", []int{2}, []uint8{1})); err == nil {
		t.Error("WriteNPY accepted an invalid tensor")
	}
}

# imgrid: fixture streams (testdata/streams/grid-*.tzst, made by
# cmd/imgrid/fixtures_test.go) → PNG grids, each shown as its size, colour
# type and the sha256 of its bytes; then bad flags and bad streams, each with
# its one-line error, its exit status and the bytes it wrote (none).
set -euo pipefail
s=testdata/streams

# pnginfo FILE: width×height, colour type and sha256 of a PNG file.
pnginfo() {
  local b
  read -r -a b < <(od -An -tu1 -j16 -N10 "$1")
  local w=$(( (b[0]<<24) | (b[1]<<16) | (b[2]<<8) | b[3] ))
  local h=$(( (b[4]<<24) | (b[5]<<16) | (b[6]<<8) | b[7] ))
  local type="colour-type-${b[9]}"
  [[ ${b[9]} -eq 0 ]] && type=gray
  [[ ${b[9]} -eq 2 ]] && type=rgb
  echo "${w}x${h} ${type} $(sha256sum < "$1" | cut -d' ' -f1)"
}

# grid STREAM ARGS...: imgrid ARGS < STREAM must succeed; print the PNG's info.
grid() {
  local in=$1; shift
  imgrid "$@" < "$s/$in" > "$TMPDIR/grid.png"
  echo "imgrid${*:+ $*} < $in: $(pnginfo "$TMPDIR/grid.png")"
}

# warns STREAM ARGS...: like grid, and print what imgrid wrote on stderr.
warns() {
  local in=$1; shift
  imgrid "$@" < "$s/$in" > "$TMPDIR/grid.png" 2> "$TMPDIR/grid.err"
  echo "imgrid${*:+ $*} < $in: $(pnginfo "$TMPDIR/grid.png")"
  sed 's/^/  /' "$TMPDIR/grid.err"
}

# fails FILE ARGS...: imgrid ARGS < FILE must fail without output.
fails() {
  local in=$1; shift
  local rc=0
  imgrid "$@" < "$in" > "$TMPDIR/fail.out" 2> "$TMPDIR/fail.err" || rc=$?
  echo "imgrid${*:+ $*} < ${in##*/}: exit=$rc, $(wc -c < "$TMPDIR/fail.out") bytes out"
  sed 's/^/  /' "$TMPDIR/fail.err"
}

echo "## uint8 digits, 32×1×28×28, labels in runs of 4"
grid grid-u8.tzst
grid grid-u8.tzst -nrow 4 -labels
grid grid-u8.tzst -nrow 8 -pad 0
grid grid-u8.tzst -nrow 8 -pad 5 -pad-value 1
grid grid-u8.tzst -n 5
grid grid-u8.tzst -n 1
grid grid-u8.tzst -n 1 -labels -scale 3
grid grid-u8.tzst -normalize
grid grid-u8.tzst -range 0,128
grid grid-u8.tzst -scale 2 -nrow 4 -labels -pad-value 0.8

echo "## float32 digits in [-1,1] with noise, 16×1×28×28, int32 labels 3 1 4 1"
grid grid-f32.tzst
grid grid-f32.tzst -labels
grid grid-f32.tzst -normalize
grid grid-f32.tzst -scale-each
grid grid-f32.tzst --normalize --scale-each
grid grid-f32.tzst -range -0.5,0.5
grid grid-f32.tzst -range=-1,1
grid grid-f32.tzst -normalize -range -1,1

echo "## float32 RGB in [0,1], 9×3×16×16, in a record called \"samples\""
grid grid-rgb.tzst
grid grid-rgb.tzst -nrow 9 -pad-value 0.5 -scale 2
grid grid-rgb.tzst -scale-each

echo "## uint8 RGB digits, 12×3×24×24, classes 0 3 4 of 5 named (\"grün-weiß\", one of 39 characters)"
grid grid-names.tzst
grid grid-names.tzst -labels
grid grid-names.tzst -labels -pad-value 1 -scale 2
grid grid-names.tzst -n 4 -labels
fails $s/grid-names.tzst -labels -nrow 6

echo "## real MNIST digits: the 100-digit subset in testdata/mnist, through mnist-fetch"
mnist=(mnist-fetch -dir testdata/mnist -sums testdata/mnist/SHA256SUMS)
"${mnist[@]}" | imgrid > "$TMPDIR/mnist.png"
echo "mnist-fetch | imgrid: $(pnginfo "$TMPDIR/mnist.png")"
"${mnist[@]}" -split test -n 64 | imgrid -scale 2 -pad-value 1 > "$TMPDIR/mnist.png"
echo "mnist-fetch -split test -n 64 | imgrid -scale 2 -pad-value 1: $(pnginfo "$TMPDIR/mnist.png")"
"${mnist[@]}" | imgrid -n 5 -normalize -range 64,192 > "$TMPDIR/mnist.png"
echo "mnist-fetch | imgrid -n 5 -range 64,192: $(pnginfo "$TMPDIR/mnist.png")"

echo "## -o writes the same bytes atomically; nothing on failure"
imgrid -nrow 4 -labels -o "$TMPDIR/o.png" < $s/grid-u8.tzst
imgrid -nrow 4 -labels < $s/grid-u8.tzst | cmp - "$TMPDIR/o.png" && echo "-o FILE: same bytes as stdout"
rc=0; imgrid -labels -o "$TMPDIR/bad.png" < $s/grid-u8.tzst 2>/dev/null || rc=$?
echo "-o FILE on error: exit=$rc, files: $(cd "$TMPDIR" && ls -A | grep -c bad || true)"

echo "## bad flags (usage errors exit 2)"
fails $s/grid-u8.tzst -nrow 0
fails $s/grid-u8.tzst -pad -1
fails $s/grid-u8.tzst -scale 0
fails $s/grid-u8.tzst -scale 33
fails $s/grid-u8.tzst -n 0
fails $s/grid-u8.tzst -range 1,1
fails $s/grid-u8.tzst -range 2,1
fails $s/grid-u8.tzst -range black,white
fails $s/grid-u8.tzst -pad-value nan

echo "## labels that cannot be drawn"
fails $s/grid-u8.tzst -labels
fails $s/grid-rgb.tzst -labels

echo "## a grid too big to make"
fails $s/grid-u8.tzst -pad 100 -scale 32

echo "## bad streams"
printf 'this is not a tensor stream' > "$TMPDIR/garbage"
fails "$TMPDIR/garbage"
: > "$TMPDIR/empty"
fails "$TMPDIR/empty"
head -c 1000 $s/grid-u8.tzst > "$TMPDIR/truncated"
fails "$TMPDIR/truncated"
fails $s/grid-bad-header.tzst
fails $s/grid-huge-record.tzst

echo "## NaN and infinite values: float32 digits in [0,1], 4×1×28×28; image 0 has nothing else"
warns grid-nan.tzst
warns grid-nan.tzst -normalize
warns grid-nan.tzst -range 0.25,0.75
warns grid-nan.tzst -scale-each
warns grid-nan.tzst -n 2 -range 0,2
fails $s/grid-nan.tzst -n 1
fails $s/grid-nan.tzst -n 1 -normalize

echo "## image metadata that breaks the stream format"
fails $s/grid-u8-range.tzst
fails $s/grid-u8-range.tzst -range 0,1
fails $s/grid-bad-nrow.tzst
fails $s/grid-bad-nrow.tzst -nrow 2

echo "## several image records (here streams joined with cat) are drawn as one set"
# joined A B ARGS...: cat A B | imgrid ARGS must succeed; print the PNG's
# info and what imgrid wrote on stderr.
joined() {
  local a=$1 b=$2; shift 2
  cat "$s/$a" "$s/$b" | imgrid "$@" > "$TMPDIR/grid.png" 2> "$TMPDIR/grid.err"
  echo "cat $a $b | imgrid${*:+ $*}: $(pnginfo "$TMPDIR/grid.png")"
  sed 's/^/  /' "$TMPDIR/grid.err"
}
joined grid-u8.tzst grid-u8.tzst
joined grid-u8.tzst grid-u8.tzst -nrow 4 -labels
joined grid-f32.tzst grid-nan.tzst -normalize -n 18 -nrow 6
cat $s/grid-f32.tzst $s/grid-u8.tzst > "$TMPDIR/f32-u8.tzst"
fails "$TMPDIR/f32-u8.tzst"
cat $s/grid-f32.tzst $s/grid-nan.tzst > "$TMPDIR/f32-nan.tzst"
fails "$TMPDIR/f32-nan.tzst"
cat $s/grid-u8.tzst $s/grid-u8-range.tzst > "$TMPDIR/u8-u8range.tzst"
fails "$TMPDIR/u8-u8range.tzst"
cat $s/grid-u8.tzst $s/grid-f32.tzst > "$TMPDIR/u8-f32.tzst"
fails "$TMPDIR/u8-f32.tzst" -labels -nrow 4

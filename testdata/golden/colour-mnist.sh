# scripts/colour-mnist on the 100 test digits of testdata/mnist (through
# mnist-fetch): the stream's sha256 and tensor-info text for seed 1, by digit
# and by digit and colour, a grid of each as PNG size and sha256; that the
# same seed gives the same bytes; then the errors, each with its one-line
# message, its exit status and the bytes it wrote (none).
set -euo pipefail
go build -o "$TMPDIR/colour-mnist" ./scripts/colour-mnist
cm() { ${GOLDEN_EXEC:+$GOLDEN_EXEC} "$TMPDIR/colour-mnist" "$@"; }
mnist-fetch -split test -dir testdata/mnist -sums testdata/mnist/SHA256SUMS -offline > "$TMPDIR/mnist.tzst"

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

echo "== -seed 1 (by digit)"
cm -seed 1 < "$TMPDIR/mnist.tzst" > "$TMPDIR/c1.tzst"
echo "sha256 $(sha256sum < "$TMPDIR/c1.tzst" | cut -d' ' -f1)"
tensor-info < "$TMPDIR/c1.tzst"
imgrid -n 20 -nrow 10 < "$TMPDIR/c1.tzst" > "$TMPDIR/c1.png"
echo "imgrid -n 20 -nrow 10: $(pnginfo "$TMPDIR/c1.png")"

echo "== the same seed again, with -o FILE and double-dash flags"
cm --seed=1 --by=digit -o "$TMPDIR/again.tzst" < "$TMPDIR/mnist.tzst"
cmp "$TMPDIR/c1.tzst" "$TMPDIR/again.tzst" && echo identical
echo "== -seed 2: other colours"
cm -seed 2 < "$TMPDIR/mnist.tzst" | cmp -s - "$TMPDIR/c1.tzst" || echo differs

echo "== -seed 1 -by digit-colour"
cm -seed 1 -by digit-colour < "$TMPDIR/mnist.tzst" > "$TMPDIR/c30.tzst"
echo "sha256 $(sha256sum < "$TMPDIR/c30.tzst" | cut -d' ' -f1)"
tensor-info < "$TMPDIR/c30.tzst" | sed -n '/name:   labels/,/^record 2/p'
# The class names: the data of classnames.npy, the last bytes of the file.
tensor-info -npy "$TMPDIR/npy" < "$TMPDIR/c30.tzst" > "$TMPDIR/c30.txt"
len=$(sed -n '/name:   classnames/,/shape:/s/^  shape:  \([0-9]*\) .*/\1/p' "$TMPDIR/c30.txt")
echo "class names: $(tail -c "$len" "$TMPDIR/npy/classnames.npy" | tr '\n' ' ')"
imgrid -n 20 -nrow 10 < "$TMPDIR/c30.tzst" > "$TMPDIR/c30.png"
echo "imgrid -n 20 -nrow 10: $(pnginfo "$TMPDIR/c30.png")"

# bad NAME ARGS...: colour-mnist ARGS < $in must fail; print its stdout size,
# stderr and exit status, and any output file left behind.
bad() {
  echo "== $1"; shift
  set +e
  cm "$@" < "$in" >"$TMPDIR/out" 2>"$TMPDIR/err"
  local rc=$?
  set -e
  echo "stdout: $(wc -c < "$TMPDIR/out") bytes"
  sed "s/^/stderr: /" "$TMPDIR/err"
  echo "exit=$rc"
  if [[ -e "$TMPDIR/o.tzst" ]]; then echo "left o.tzst behind"; fi
}
in="$TMPDIR/c1.tzst"
bad "coloured digits in" -o "$TMPDIR/o.tzst"
printf 'not a stream' > "$TMPDIR/garbage"; in="$TMPDIR/garbage"
bad "not a stream" -o "$TMPDIR/o.tzst"
in="$TMPDIR/mnist.tzst"
bad "unknown -by" -by colour
bad "negative seed" -seed -1

# acgan-gen from a model trained here for 2 iterations on the fixture digits
# (its bytes are checked by the acgan-train golden test): streams of one
# digit, of every digit, of an interpolation, with fixed seeds → their
# sha256 and tensor-info text; then bad model files and bad flags → one-line
# errors, nothing written.
set -euo pipefail
export XDG_CACHE_HOME="$TMPDIR/cache" GOPROXY=off MNIST_DIR=
fx=testdata/mnist
models=$PWD/testdata/models
mnist-fetch -dir $fx -sums $fx/SHA256SUMS -offline | acgan-train -iters 2 -batch 8 -seed 3 -o "$TMPDIR/model.bin" 2>/dev/null
cd "$TMPDIR"
sha() { sha256sum < "$1" | cut -d' ' -f1; }
echo "model.bin $(sha model.bin)"

echo "== -label 5 -n 4 -seed 2"
acgan-gen -m model.bin -label 5 -n 4 -seed 2 > five.tzst
echo "five.tzst $(sha five.tzst)"
tensor-info < five.tzst
echo "== the same again, with -o and double dashes: identical bytes"
acgan-gen --model=model.bin --label=5 --n=4 --seed=2 -o five2.tzst
cmp five.tzst five2.tzst && echo identical

echo "== default: -label all, 10 of each digit, rows 0..9 | imgrid -labels"
acgan-gen -m model.bin > all.tzst
echo "all.tzst $(sha all.tzst)"
tensor-info < all.tzst | grep -E 'shape|meta|total'
imgrid -labels < all.tzst > all.png
echo "all.png $(sha all.png)"

echo "== -label all -n 3: the stream says 3 a row, so imgrid -labels needs no -nrow"
acgan-gen -m model.bin -label all -n 3 | imgrid -labels > three.png
echo "three.png $(sha three.png)"

echo "== -interpolate 3,8 -n 6"
acgan-gen -m model.bin -interpolate 3,8 -n 6 > walk.tzst
echo "walk.tzst $(sha walk.tzst)"
tensor-info < walk.tzst | grep -E 'shape|meta|[0-9]: '
echo "== -interpolate 4 (one digit, the noise moves)"
acgan-gen -m model.bin -interpolate 4 | tensor-info | grep -E 'shape|[0-9]: '

# bad NAME ARGS...: acgan-gen ARGS must fail; print its stdout size, stderr
# and exit status.
bad() {
  echo "== $1"; shift
  set +e
  acgan-gen "$@" > out 2> err
  local rc=$?
  set -e
  echo "stdout: $(wc -c < out) bytes"
  sed 's/^/stderr: /' err
  echo "exit=$rc"
}
head -c 30000 model.bin > truncated.bin
printf 'this is not a model\n' > text.bin
cp "$models/wrong-kind.bin" "$models/wrong-version.bin" .
bad "truncated model" -m truncated.bin
bad "model of another kind" -m wrong-kind.bin
bad "model of another format version" -m wrong-version.bin
bad "not zstd" -m text.bin
bad "a stream that is not a model" -m all.tzst
bad "no such file" -m missing.bin
bad "no -m" -label 5
bad "-label 12" -m model.bin -label 12
bad "-n 0" -m model.bin -label 3 -n 0
bad "-interpolate 3,x" -m model.bin -interpolate 3,x
bad "-interpolate with -label" -m model.bin -interpolate 3,8 -label 2
bad "-interpolate -n 1" -m model.bin -interpolate 3 -n 1
bad "truncated model, -o FILE" -m truncated.bin -o o.tzst
echo "== no output file was left behind"
ls -A | grep -E '^(o\.tzst|\.o\.tzst)' || echo none

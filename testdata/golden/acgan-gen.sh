# acgan-gen from a model trained here for 2 iterations on the fixture digits:
# streams of one digit, of every digit, of an interpolation, with fixed
# seeds → their tensor-info text, and the same bytes again run after run and
# on 1 or 2 threads (GOMAXPROCS); then bad model files and bad flags → one-line
# errors, nothing written.
#
# The generated pixels depend on the platform's float rounding (see
# acgan-train.sh), so the streams and PNGs are compared with each other
# within the run, and their statistics with the recorded ones within a
# relative 1e-4:
# tolerance: 1e-4
set -euo pipefail
export XDG_CACHE_HOME="$TMPDIR/cache" GOPROXY=off MNIST_DIR=
fx=testdata/mnist
models=$PWD/testdata/models
mnist-fetch -dir $fx -sums $fx/SHA256SUMS -offline > "$TMPDIR/data.tzst"
cd "$TMPDIR"
acgan-train -iters 2 -batch 8 -seed 3 -o model.bin < data.tzst 2>/dev/null
# png_size FILE: the width and height in a PNG's header.
png_size() { od -An -tu1 -j16 -N8 "$1" | awk '{ printf "%dx%d\n", (($1*256+$2)*256+$3)*256+$4, (($5*256+$6)*256+$7)*256+$8 }'; }

echo "== -label 5 -n 4 -seed 2"
acgan-gen -m model.bin -label 5 -n 4 -seed 2 > five.tzst
tensor-info < five.tzst
echo "== the same again, with -o and double dashes, and on 1 or 2 threads: identical bytes"
acgan-gen --model=model.bin --label=5 --n=4 --seed=2 -o five2.tzst
same five.tzst five2.tzst
GOMAXPROCS=1 acgan-gen -m model.bin -label 5 -n 4 -seed 2 > five-1.tzst
same five.tzst five-1.tzst
GOMAXPROCS=2 acgan-gen -m model.bin -label 5 -n 4 -seed 2 > five-2.tzst
same five.tzst five-2.tzst
acgan-gen -m model.bin -label 5 -n 4 -seed 2 -threads 1 > five-t1.tzst
same five.tzst five-t1.tzst

echo "== default: -label all, 10 of each digit, rows 0..9 | imgrid -labels"
acgan-gen -m model.bin > all.tzst
tensor-info < all.tzst | grep -E 'shape|meta|stats|total'
imgrid -labels < all.tzst > all.png
echo "all.png $(png_size all.png)"
echo "== the same from a model trained with -threads 1: identical bytes"
acgan-train -iters 2 -batch 8 -seed 3 -threads 1 -o model-1.bin < data.tzst 2>/dev/null
same model.bin model-1.bin
GOMAXPROCS=1 acgan-gen -m model-1.bin > all-1.tzst
same all.tzst all-1.tzst

echo "== -label all -n 3: the stream says 3 a row, so imgrid -labels needs no -nrow"
acgan-gen -m model.bin -label all -n 3 | imgrid -labels > three.png
echo "three.png $(png_size three.png)"

echo "== -interpolate 3,8 -n 6"
acgan-gen -m model.bin -interpolate 3,8 -n 6 > walk.tzst
tensor-info < walk.tzst | grep -E 'shape|meta|stats|[0-9]: '
GOMAXPROCS=1 acgan-gen -m model.bin -interpolate 3,8 -n 6 > walk-1.tzst
same walk.tzst walk-1.tzst
echo "== -interpolate 4 (one digit, the noise moves)"
acgan-gen -m model.bin -interpolate 4 | tensor-info | grep -E 'shape|[0-9]: '

echo "== \$ACGAN_GEMM: empty is the default; go forces the pure-Go kernels (its pixels may round"
echo "== otherwise than the default's: the statistics within the tolerance); an unknown name is refused"
ACGAN_GEMM= acgan-gen -m model.bin -label 5 -n 4 -seed 2 > five-env.tzst
same five.tzst five-env.tzst
ACGAN_GEMM=go acgan-gen -m model.bin -label 5 -n 4 -seed 2 | tensor-info | grep -E 'shape|stats'
# The paths a machine runs differ (the pure-Go one, last, is everywhere).
for cmd in "acgan-gen -m model.bin -label 5 -n 4" "imgrid -nrow 2"; do
  set +e
  ACGAN_GEMM=nonsense $cmd < five.tzst > out 2> err
  rc=$?
  set -e
  echo "ACGAN_GEMM=nonsense $cmd: stdout $(wc -c < out) bytes, exit=$rc"
  sed -E 's/^/stderr: /; s/this machine runs ([a-z0-9]+, )*go$/this machine runs ..., go/' err
done

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
bad "-threads -1" -m model.bin -threads -1
bad "-threads 100000" -m model.bin -threads 100000
bad "-interpolate 3,x" -m model.bin -interpolate 3,x
bad "-interpolate with -label" -m model.bin -interpolate 3,8 -label 2
bad "-interpolate -n 1" -m model.bin -interpolate 3 -n 1
bad "truncated model, -o FILE" -m truncated.bin -o o.tzst
echo "== no output file was left behind"
ls -A | grep -E '^(o\.tzst|\.o\.tzst)' || echo none

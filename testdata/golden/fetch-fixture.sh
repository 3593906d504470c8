# mnist-fetch on the fixture folder testdata/mnist (the first 100 real digits
# of each split, see its README), verified against its SHA256SUMS: the stream's
# sha256 and tensor-info text; then the errors, each with its one-line message,
# its exit status and the bytes it wrote (none). No network (-offline,
# GOPROXY=off), no real cache (XDG_CACHE_HOME in $TMPDIR, checked empty).
set -euo pipefail
export XDG_CACHE_HOME="$TMPDIR/cache" GOPROXY=off MNIST_DIR=
fx=testdata/mnist

echo "== train: all 100"
mnist-fetch -dir $fx -sums $fx/SHA256SUMS -offline > "$TMPDIR/train.tzst"
echo "sha256 $(sha256sum < "$TMPDIR/train.tzst" | cut -d' ' -f1)"
tensor-info < "$TMPDIR/train.tzst"

echo "== -split test -n 10 -o FILE, the folder from \$MNIST_DIR"
MNIST_DIR=$fx mnist-fetch -split test -n 10 -sums $fx/SHA256SUMS -offline -o "$TMPDIR/test.tzst"
echo "sha256 $(sha256sum < "$TMPDIR/test.tzst" | cut -d' ' -f1)"
tensor-info < "$TMPDIR/test.tzst"

echo "== the same through a pipe, with double-dash flags"
mnist-fetch --split=test --n=10 --dir=$fx --sums=$fx/SHA256SUMS --offline | cmp - "$TMPDIR/test.tzst" && echo identical

echo "== nothing was cached"
if [[ -e "$TMPDIR/cache" ]]; then find "$TMPDIR/cache" -type f; else echo "no cache folder"; fi

# bad NAME ARGS...: mnist-fetch ARGS must fail; print its stdout size, stderr
# and exit status, and any output file left behind.
bad() {
  echo "== $1"; shift
  set +e
  mnist-fetch "$@" >"$TMPDIR/out" 2>"$TMPDIR/err"
  local rc=$?
  set -e
  echo "stdout: $(wc -c < "$TMPDIR/out") bytes"
  sed "s|$TMPDIR|\$TMPDIR|g; s/^/stderr: /" "$TMPDIR/err"
  echo "exit=$rc"
  if [[ -e "$TMPDIR/o.tzst" ]]; then echo "left $TMPDIR/o.tzst behind"; fi
  ls -A "$TMPDIR" | grep '^\.o\.tzst' || true
}
mkdir "$TMPDIR/empty"
bad "empty folder, offline" -dir "$TMPDIR/empty" -offline -o "$TMPDIR/o.tzst"
bad "fixtures against the real sums" -dir $fx -offline -o "$TMPDIR/o.tzst"
bad "more digits than the fixtures hold" -dir $fx -sums $fx/SHA256SUMS -offline -n 101 -o "$TMPDIR/o.tzst"
bad "negative -n" -n -1
bad "unknown split" -split validation
printf 'nonsense\n' > "$TMPDIR/sums"
bad "bad -sums file" -dir $fx -sums "$TMPDIR/sums" -offline

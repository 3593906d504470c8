# mnist-fetch on the fixture folder testdata/mnist (the first 100 real digits
# of each split, see its README), verified against its SHA256SUMS: the stream's
# sha256 and tensor-info text; then on a set in MNIST's file layout that is not
# MNIST (made here from the fixtures), with its own sums, unchecked, and with
# class names; then the errors, each with its one-line message, its exit
# status and the bytes it wrote (none). No network (-offline, GOPROXY=off), no
# real cache (XDG_CACHE_HOME in $TMPDIR, checked empty).
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

echo "== a set that is not MNIST, in MNIST's file layout: 50 images of 56×28"
# Two fixture test digits stacked make an image, labelled by the top one;
# the set has its own SHA256SUMS and class names.
o="$TMPDIR/other"; mkdir "$o"
{ printf '\000\000\010\003\000\000\000\062\000\000\000\070\000\000\000\034'
  gzip -dc $fx/t10k-images-idx3-ubyte.gz | tail -c +17; } | gzip -n > "$o/t10k-images-idx3-ubyte.gz"
{ printf '\000\000\010\001\000\000\000\062'
  printf "$(gzip -dc $fx/t10k-labels-idx1-ubyte.gz | tail -c +9 | od -An -v -tu1 |
    awk '{ for (i = 1; i <= NF; i++) if (n++ % 2 == 0) printf "\\%03o", $i }')"; } | gzip -n > "$o/t10k-labels-idx1-ubyte.gz"
(cd "$o" && sha256sum t10k-*.gz > SHA256SUMS)
printf 'zero\none\ntwo\nthree\nfour\nfive\nsix\nseven\neight\nnine\n' > "$o/names.txt"
mnist-fetch -split test -dir "$o" -sums "$o/SHA256SUMS" -names "$o/names.txt" -source stacked > "$TMPDIR/other.tzst"
echo "sha256 $(sha256sum < "$TMPDIR/other.tzst" | cut -d' ' -f1)"
tensor-info < "$TMPDIR/other.tzst"
echo "== the same unchecked (-no-verify), with single-dash -sha256 spelled out as an alias"
mnist-fetch -split test -dir "$o" -no-verify -names "$o/names.txt" -source stacked | cmp - "$TMPDIR/other.tzst" && echo identical
mnist-fetch -split test -dir "$o" -sha256 "$o/SHA256SUMS" -names "$o/names.txt" -source stacked | cmp - "$TMPDIR/other.tzst" && echo identical

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
# The other set's SHA-256 depends on the gzip that made it: not shown.
bad "the other set against MNIST's sums" -split test -dir "$o" -offline 2>&1 | sed 's/got [0-9a-f]*…/got …/g'
bad "-no-verify without a folder" -no-verify
bad "-no-verify and -sums" -dir "$o" -no-verify -sums "$o/SHA256SUMS"
bad "labels over -classes" -split test -dir "$o" -no-verify -classes 5 -o "$TMPDIR/o.tzst"
printf 'a\nb\na\n' > "$TMPDIR/names"
bad "a name twice" -split test -dir "$o" -no-verify -names "$TMPDIR/names" -o "$TMPDIR/o.tzst"
bad "-classes out of range" -classes 300

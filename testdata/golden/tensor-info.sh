# tensor-info on the committed fixture streams (made by
# `go test ./pkg/tensor -run TestFixtures -update-fixtures`): the text for a
# good stream, .npy files, and a one-line error with a non-zero exit for every
# kind of bad input.
set -euo pipefail
s=testdata/streams

echo "== small.tzst on stdin"
tensor-info < $s/small.tzst

echo "== example.tzst as a file argument"
tensor-info $s/example.tzst

echo "== -npy"
tensor-info -npy "$TMPDIR/npy" - < $s/small.tzst | grep 'npy:' | sed "s|$TMPDIR|\$TMPDIR|"
(cd "$TMPDIR/npy" && ls -A && sha256sum -- *.npy)

# bad NAME CMD...: run CMD, print its stdout, stderr and exit status.
bad() {
  echo "== $1"; shift
  set +e
  "$@" >"$TMPDIR/out" 2>"$TMPDIR/err"
  local rc=$?
  set -e
  sed "s|$TMPDIR|\$TMPDIR|g; s/^/stdout: /" "$TMPDIR/out"
  sed "s|$TMPDIR|\$TMPDIR|g; s/^/stderr: /" "$TMPDIR/err"
  echo "exit=$rc"
}
n=$(wc -c < $s/small.tzst)
head -c $((n - 40)) $s/small.tzst > "$TMPDIR/cut.tzst"
bad "truncated (compressed, cut 40 bytes short)" tensor-info "$TMPDIR/cut.tzst"
head -c -1 $s/example.tzst > "$TMPDIR/cut1.tzst"
bad "truncated (compressed, last byte missing)" tensor-info "$TMPDIR/cut1.tzst"
bad "truncated (no end marker)" tensor-info $s/no-end.tzst
bad "garbage" tensor-info $s/garbage.bin
bad "empty input" tensor-info /dev/null
bad "bad version" tensor-info $s/bad-version.tzst
bad "oversized header" tensor-info $s/oversized-header.tzst
bad "lying header (1 GiB promised, 100 bytes given)" tensor-info $s/lying-header.tzst
bad "missing file" tensor-info "$TMPDIR/nope.tzst"
bad "-npy into a file" tensor-info -npy $s/small.tzst $s/small.tzst

echo "== concatenated streams read as one"
cat $s/small.tzst $s/example.tzst $s/small.tzst | tensor-info | tail -1

echo "== a reader that goes away (| head): quiet, exit 141"
for i in $(seq 300); do cat $s/small.tzst; done > "$TMPDIR/many.tzst"
set +o pipefail
tensor-info "$TMPDIR/many.tzst" 2>"$TMPDIR/err" | head -2
echo "exit=${PIPESTATUS[0]} stderr=$(wc -c < "$TMPDIR/err")"

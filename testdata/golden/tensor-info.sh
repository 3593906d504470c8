# tensor-info on the corpus of streams in testdata/streams (made by
# `go test ./pkg/tensor -run TestCorpus -update`): the text for a good stream,
# .npy files, and a one-line error with a non-zero exit for every kind of bad
# input.
set -euo pipefail
s=testdata/streams

echo "== -h"
COLUMNS=80 tensor-info -h   # kong wraps help to $COLUMNS

echo "== small.tzst on stdin"
tensor-info < $s/valid/small.tzst

echo "== example.tzst as a file argument"
tensor-info $s/valid/example.tzst

echo "== -npy"
tensor-info -npy "$TMPDIR/npy" - < $s/valid/small.tzst | grep 'npy:' | sed "s|$TMPDIR|\$TMPDIR|"
(cd "$TMPDIR/npy" && ls -A && sha256sum -- *.npy)

echo "== -npy: names that are not safe file names, and repeated names"
tensor-info -npy "$TMPDIR/npy2" $s/valid/unicode.tzst | grep -E '^  (name|npy):' | sed "s|$TMPDIR|\$TMPDIR|"
tensor-info -npy "$TMPDIR/npy3" $s/valid/batches.tzst | grep -E '^  (name|npy):' | sed "s|$TMPDIR|\$TMPDIR|"

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
bad "truncated (compressed, cut 40 bytes short)" tensor-info $s/invalid/cut-40-bytes.tzst
head -c -1 $s/valid/example.tzst > "$TMPDIR/cut1.tzst"
bad "truncated (compressed, last byte missing: head -c -1)" tensor-info - < "$TMPDIR/cut1.tzst"
bad "truncated (no end marker)" tensor-info $s/invalid/no-end.tzst
bad "empty input" tensor-info /dev/null
bad "missing file" tensor-info "$TMPDIR/nope.tzst"
bad "-npy into a file" tensor-info -npy $s/valid/small.tzst $s/valid/small.tzst

echo "== every invalid stream of the corpus: its error, exit status 1"
for f in $s/invalid/*; do
  set +e
  tensor-info "$f" >/dev/null 2>"$TMPDIR/err"
  rc=$?
  set -e
  echo "$(basename "$f"): exit=$rc $(cat "$TMPDIR/err")"
done

echo "== every valid stream of the corpus: its record count"
for f in $s/valid/*; do
  echo "$(basename "$f"): $(tensor-info "$f" | tail -1)"
done

echo "== concatenated streams read as one"
cat $s/valid/small.tzst $s/valid/example.tzst $s/valid/small.tzst | tensor-info | tail -1

echo "== a reader that goes away (| head): quiet, exit 141"
for i in $(seq 300); do cat $s/valid/small.tzst; done > "$TMPDIR/many.tzst"
set +o pipefail
tensor-info "$TMPDIR/many.tzst" 2>"$TMPDIR/err" | head -2
echo "exit=${PIPESTATUS[0]} stderr=$(wc -c < "$TMPDIR/err")"

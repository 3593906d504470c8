#!/usr/bin/env bash
# Golden tests: shell scripts that pipe the real binaries together.
#
#   bash testdata/golden.sh                 run every testdata/golden/*.sh
#   bash testdata/golden.sh NAME...         run only these
#   bash testdata/golden.sh -update [NAME]  regenerate the .out files (review the diff!)
#
# Each test runs from the repository root with the freshly built tools first on PATH and
# TMPDIR set to a scratch directory of its own; its stdout must equal testdata/golden/NAME.out.
#
# The tools are built with the go command's environment, so the same tests check other builds:
#
#   GOFLAGS=-tags=noasm bash testdata/golden.sh                          the pure-Go kernels
#   GOARCH=arm64 GOLDEN_EXEC=qemu-aarch64-static bash testdata/golden.sh  arm64, emulated
#
# GOLDEN_EXEC, if set, is the command that runs each built tool (an emulator).
#
# Numbers that come out of float arithmetic (losses, image statistics, the judge's figures)
# differ in their last digits between platforms: the SIMD kernels, the pure-Go ones and arm64's
# fused multiply-adds round differently. A script that prints such numbers says so with a line
#
#   # tolerance: REL
#
# and then its output may differ from NAME.out in those numbers only: every number with a
# fraction or an exponent may be off by REL relative to the larger of the two, plus one unit in
# the last printed digit of the more precise one (so that a value printed rounded may round the
# other way). Integers (counts, sizes, exit statuses, the digits of hashes) and all other text
# must match exactly.
# Scripts without the line are compared byte for byte.
set -euo pipefail
cd "$(dirname "$0")/.."
update=0
if [[ "${1:-}" == "-update" ]]; then update=1; shift; fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/bin" "$work/build"
if [[ -n "${GOLDEN_EXEC:-}" ]]; then
  go build -o "$work/build/" ./cmd/...
  for tool in "$work"/build/*; do
    printf '#!/bin/sh\nexec %s %q "$@"\n' "$GOLDEN_EXEC" "$tool" > "$work/bin/${tool##*/}"
    chmod +x "$work/bin/${tool##*/}"
  done
else
  go build -o "$work/bin/" ./cmd/...
fi
export PATH="$work/bin:$PATH"

# numbers_within REL WANT GOT: whether GOT equals WANT but for numbers within the tolerance
# described above; if not, prints the first line that is not.
numbers_within() {
  awk -v rel="$1" '
    # split_numbers(s, num, text): the numbers in s into num[1..n], the text around them
    # into text[0..n]; returns n.
    function split_numbers(s, num, text,   n) {
      n = 0
      while (match(s, /-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?/)) {
        text[n] = substr(s, 1, RSTART - 1)
        num[++n] = substr(s, RSTART, RLENGTH)
        s = substr(s, RSTART + RLENGTH)
      }
      text[n] = s
      return n
    }
    # last_unit(x): one unit in the last printed digit of the number x.
    function last_unit(x,   e, d) {
      e = 0
      if (match(x, /[eE][-+]?[0-9]+$/)) { e = substr(x, RSTART + 1) + 0; x = substr(x, 1, RSTART - 1) }
      d = 0
      if (match(x, /\.[0-9]+$/)) d = RLENGTH - 1
      return 10 ^ (e - d)
    }
    function abs(x) { return x < 0 ? -x : x }
    function close_enough(a, b,   u, m) {
      if (a "" == b "") return 1
      if (a !~ /[.eE]/ || b !~ /[.eE]/) return 0
      u = last_unit(a); if (last_unit(b) < u) u = last_unit(b)
      m = abs(a + 0); if (abs(b + 0) > m) m = abs(b + 0)
      return abs(a - b) <= rel * m + u * 1.000001
    }
    function fail(msg) { printf "line %d: %s\n    want: %s\n    got:  %s\n", FNR, msg, want[FNR], $0; bad = 1; exit 1 }
    NR == FNR { want[FNR] = $0; nwant = FNR; next }
    {
      if (FNR > nwant) fail("more lines than wanted")
      n = split_numbers(want[FNR], wn, wt)
      if (split_numbers($0, gn, gt) != n) fail("another count of numbers")
      for (i = 0; i <= n; i++) if (wt[i] != gt[i]) fail("the text differs")
      for (i = 1; i <= n; i++) if (!close_enough(wn[i], gn[i])) fail(wn[i] " and " gn[i] " differ by more than the tolerance")
      ngot = FNR
    }
    END {
      if (bad) exit 1
      if (ngot < nwant) { printf "line %d: missing\n    want: %s\n", ngot + 1, want[ngot + 1]; exit 1 }
    }
  ' "$2" "$3"
}

# Helpers every script may call (a script may define its own form of one instead):
#   same A B      says whether files A and B are identical;
#   bad NAME CMD  runs CMD, prints its stdout size, its stderr and its exit status.
same() { if cmp -s "$1" "$2"; then echo "$1 and $2 are identical"; else echo "$1 and $2 DIFFER"; fi; }
bad() {
  echo "== $1"; shift
  set +e
  "$@" > out 2> err
  local rc=$?
  set -e
  echo "stdout: $(wc -c < out) bytes"
  sed 's/^/stderr: /' err
  echo "exit=$rc"
}
export -f same bad

names=("$@")
if [[ ${#names[@]} -eq 0 ]]; then
  for f in testdata/golden/*.sh; do
    [[ -e "$f" ]] || continue
    n=$(basename "$f" .sh); names+=("$n")
  done
fi

pass=0; fail=0
for n in "${names[@]}"; do
  script="testdata/golden/$n.sh"
  want="testdata/golden/$n.out"
  tmp="$work/tmp-$n"; mkdir -p "$tmp"
  got="$work/$n.got"
  if ! TMPDIR="$tmp" bash "$script" >"$got" 2>"$work/$n.err"; then
    echo "FAIL $n: script exited non-zero; stderr:"; sed 's/^/    /' "$work/$n.err" | tail -20
    fail=$((fail+1)); continue
  fi
  if [[ $update -eq 1 ]]; then
    cp "$got" "$want"; echo "updated $want"; pass=$((pass+1)); continue
  fi
  if [[ ! -f "$want" ]]; then
    echo "FAIL $n: no golden file $want (run: bash testdata/golden.sh -update $n)"
    fail=$((fail+1)); continue
  fi
  tol=$(sed -n 's/^# tolerance: \([0-9.eE+-]*\).*/\1/p' "$script" | head -n 1)
  if diff -u "$want" "$got" >"$work/$n.diff"; then
    echo "ok   $n"; pass=$((pass+1))
  elif [[ -n "$tol" ]] && numbers_within "$tol" "$want" "$got" >"$work/$n.num"; then
    echo "ok   $n (numbers within $tol)"; pass=$((pass+1))
  else
    echo "FAIL $n: output differs from $want:"
    [[ -n "$tol" ]] && sed 's/^/    /' "$work/$n.num"
    head -40 "$work/$n.diff" | sed 's/^/    /'
    fail=$((fail+1))
  fi
done
echo "golden: $pass passed, $fail failed"
[[ $fail -eq 0 ]]

#!/usr/bin/env bash
# Golden tests: shell scripts that pipe the real binaries together.
#
#   bash testdata/golden.sh                 run every testdata/golden/*.sh
#   bash testdata/golden.sh NAME...         run only these
#   bash testdata/golden.sh -update [NAME]  regenerate the .out files (review the diff!)
#
# Each test runs from the repository root with the freshly built tools first on PATH and
# TMPDIR set to a scratch directory of its own; its stdout must equal testdata/golden/NAME.out.
set -euo pipefail
cd "$(dirname "$0")/.."
update=0
if [[ "${1:-}" == "-update" ]]; then update=1; shift; fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/bin"
go build -o "$work/bin/" ./cmd/...
export PATH="$work/bin:$PATH"

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
  if diff -u "$want" "$got" >"$work/$n.diff"; then
    echo "ok   $n"; pass=$((pass+1))
  else
    echo "FAIL $n: output differs from $want:"; head -40 "$work/$n.diff" | sed 's/^/    /'
    fail=$((fail+1))
  fi
done
echo "golden: $pass passed, $fail failed"
[[ $fail -eq 0 ]]

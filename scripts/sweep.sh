#!/usr/bin/env bash
# A study over seeds and training settings, as one command: every
# combination is trained (acgan-train) and judged (acgan-eval -json) as a job
# of GNU parallel, and the figures are collected into one table.
#
#   scripts/sweep.sh [-iters N] [-seeds "1 2 3"] [-runs "fakeclass tac"] [-jobs J]
#                    [-threads T] [-out DIR] [-hosts FILE] [-- PARALLEL-OPTIONS...]
#
# A run is named by a word of -runs: an objective (fakeclass, paper, tac), or
# an objective with acgan-train flags after commas, e.g.
# "tac,-tac-weight,0.5" or "tac,-ema,0.999". Each run r and seed s writes
# DIR/r-sS.bin (the model; commas in r become underscores), .json
# (acgan-eval -json), .jsonl (acgan-train -log), .log (stderr); the
# table goes to DIR/table.md and stdout. A run whose .json exists is not run
# again, and a run whose model exists without its .json (acgan-train writes
# the model when interrupted) is resumed from it (-resume): an interrupted
# study goes on where it stopped, with the bytes of one that never stopped.
#
# The tools come from PATH (make build; PATH=$PWD/bin:$PATH). The training
# stream is fetched once into DIR/train.tzst.
#
# Several machines: -hosts FILE hands the jobs to the machines FILE lists
# (GNU parallel's --sshloginfile: lines such as "2/user@host", ":" for this
# one). Each needs the tools on its PATH; the training stream is copied to
# each (--basefile) and every job's model, figures and log are brought back
# (--return) into DIR here; a remote job that was interrupted starts again
# (its model is not sent back out). Anything after "--" is passed to GNU parallel.
set -euo pipefail

iters=4000
seeds="1 2 3"
runs="fakeclass tac"
jobs=2
threads=1
out=sweep
hosts=
while [[ $# -gt 0 ]]; do
  case "$1" in
    -iters) iters=$2; shift 2 ;;
    -seeds) seeds=$2; shift 2 ;;
    -runs) runs=$2; shift 2 ;;
    -jobs) jobs=$2; shift 2 ;;
    -threads) threads=$2; shift 2 ;;
    -out) out=$2; shift 2 ;;
    -hosts) hosts=$2; shift 2 ;;
    --) shift; break ;;
    -h|--help) sed -n '2,28p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "sweep.sh: unknown argument $1 (see -h)" >&2; exit 2 ;;
  esac
done
command -v parallel >/dev/null || { echo "sweep.sh: needs GNU parallel (apt-get install parallel)" >&2; exit 1; }
for t in mnist-fetch acgan-train acgan-eval; do
  command -v "$t" >/dev/null || { echo "sweep.sh: $t is not on PATH (make build; PATH=\$PWD/bin:\$PATH)" >&2; exit 1; }
done
mkdir -p "$out"
[[ -s "$out/train.tzst" ]] || mnist-fetch > "$out/train.tzst"

# one RUN SEED: train and judge one combination (skipped when done).
one() {
  local run=$1 seed=$2
  local name="${run//,/_}-s$seed"
  [[ -s "$out/$name.json" ]] && return 0
  mkdir -p "$out"
  local flags=()
  IFS=, read -r -a flags <<< "$run"
  local objective=${flags[0]}
  flags=("${flags[@]:1}")
  if [[ -s "$out/$name.bin" ]]; then
    flags+=(-resume "$out/$name.bin")
  fi
  acgan-train -objective "$objective" "${flags[@]}" -seed "$seed" -iters "$iters" -threads "$threads" \
    -log "$out/$name.jsonl" -o "$out/$name.bin" < "$out/train.tzst" 2>> "$out/$name.log"
  acgan-eval -m "$out/$name.bin" -threads "$threads" -json > "$out/$name.json.tmp" 2>> "$out/$name.log"
  mv "$out/$name.json.tmp" "$out/$name.json"
}
export -f one
export out iters threads

read -r -a runlist <<< "$runs"
read -r -a seedlist <<< "$seeds"
remote=()
if [[ -n "$hosts" ]]; then
  job="$out/{=1 s/,/_/g =}-s{2}" # the job's files, named as one() names them
  remote=(--sshloginfile "$hosts" --env one --env out --env iters --env threads
    --basefile "$out/train.tzst" --cleanup
    --return "$job.bin" --return "$job.json" --return "$job.jsonl" --return "$job.log")
fi
parallel --jobs "$jobs" --halt never --line-buffer "${remote[@]}" "$@" one {1} {2} ::: "${runlist[@]}" ::: "${seedlist[@]}"

# The table: one row per run and seed, from the .json files.
python3 - "$out" "$iters" <<'EOF' | tee "$out/table.md"
import json, glob, os, sys
out, iters = sys.argv[1], sys.argv[2]
rows = []
for path in sorted(glob.glob(os.path.join(out, "*.json"))):
    name = os.path.basename(path)[:-5]
    with open(path) as f:
        g = json.load(f)["generated"]
    per = g.get("per_class") or []
    div = [c.get("diversity") for c in per] if per and isinstance(per[0], dict) else g.get("class_diversity", [])
    acc = [c.get("accuracy") for c in per] if per and isinstance(per[0], dict) else g.get("class_accuracy", [])
    def fmt(x, p=3):
        return "–" if x is None else f"{x:.{p}f}"
    rows.append("| %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
        name, fmt(g.get("accuracy")), fmt(min(acc) if acc else None), fmt(g.get("frechet"), 2),
        fmt(g.get("diversity")), fmt(min(div) if div else None), fmt(div[1] if len(div) > 1 else None),
        fmt(g.get("precision")), fmt(g.get("recall"))))
print(f"Iterations: {iters}. Figures from acgan-eval -json (docs/eval.md).\n")
print("| run | accuracy | worst class acc. | Fréchet | diversity | worst class div. | div. of 1s | precision | recall |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
print("\n".join(rows))
EOF

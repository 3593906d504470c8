#!/usr/bin/env bash
# bench.sh: our training iteration next to the PyTorch replica of the same
# model (../shared/bench/torch_acgan.py), measured in the same run on the
# same machine, at batch 32 and 64, and the generation of 100 digits.
#
#   bash scripts/bench.sh                 # what `make bench` runs
#   BENCH_BATCHES="32" BENCH_ITERS=10 bash scripts/bench.sh
#
# It installs Debian's python3-torch if it is missing (apt-get; the replica
# is only a timing peer, never a dependency of the project or of CI). Both
# sides use 2 threads (GOMAXPROCS and torch.set_num_threads default to the
# machine's 2 cores). On a shared machine timings drift: the script reports
# the median and the minimum of each side and the ratios of both; compare
# ratios measured side by side, not absolute numbers across runs.
set -euo pipefail
cd "$(dirname "$0")/.."

batches=${BENCH_BATCHES:-32 64}
iters=${BENCH_ITERS:-20}
torch_py=../shared/bench/torch_acgan.py
python=/usr/bin/python3

if [ ! -f "$torch_py" ]; then
	echo "bench.sh: $torch_py not found (the PyTorch replica lives in the shared directory next to the repository)" >&2
	exit 1
fi
if ! "$python" -c 'import torch' 2>/dev/null; then
	echo "bench.sh: installing Debian's python3-torch (once)" >&2
	if [ "$(id -u)" -ne 0 ]; then
		echo "bench.sh: python3-torch is missing and installing it needs root: apt-get install -y python3-torch" >&2
		exit 1
	fi
	apt-get update -qq >&2
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-torch >&2
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go test -c -o "$tmp/acgan.test" ./pkg/acgan

# ours REGEXP COUNT: run one Go benchmark COUNT times (one timed op each)
# and print the median and minimum ms/op.
ours() {
	(cd pkg/acgan && "$tmp/acgan.test" -test.run '^$' -test.bench "$1" \
		-test.benchtime 1x -test.count "$2") |
		awk '/ns\/op/ { for (i = 1; i < NF; i++) if ($(i+1) == "ns/op") print $i / 1e6 }' |
		sort -g | awk '{ v[NR] = $1 } END {
			if (NR == 0) { print "bench.sh: the Go benchmark printed nothing" > "/dev/stderr"; exit 1 }
			m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
			printf "%.1f %.1f\n", m, v[1] }'
}

# torchrun BATCH: run the replica and print train median/min and gen100 median/min (ms).
torchrun() {
	"$python" "$torch_py" --batch "$1" --iters "$iters" --gen-iters "$iters" 2>/dev/null |
		"$python" -c 'import json, sys
r = json.load(sys.stdin)
t, g = r["train_iter"], r["gen100"]
print("%.1f %.1f %.1f %.1f %s" % (t["median_ms"], t["min_ms"], g["median_ms"], g["min_ms"], r["torch"]))'
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "go: $(go version | cut -d' ' -f3-), GOMAXPROCS=${GOMAXPROCS:-$(nproc)}; $iters timed iterations per side"
printf '%-22s %12s %12s %12s %12s %9s %9s\n' "" "ours med ms" "ours min ms" "torch med ms" "torch min ms" "ratio med" "ratio min"
for b in $batches; do
	read -r tmed tmin gmed gmin tver < <(torchrun "$b")
	read -r omed omin < <(ours "^BenchmarkIteration\$/^batch$b\$" "$iters")
	printf '%-22s %12s %12s %12s %12s %9s %9s\n' "train iteration, B=$b" "$omed" "$omin" "$tmed" "$tmin" \
		"$(ratio "$omed" "$tmed")" "$(ratio "$omin" "$tmin")"
	if [ "$b" = "$(echo "$batches" | cut -d' ' -f1)" ]; then
		read -r qmed qmin < <(ours '^BenchmarkGenerate100$' "$iters")
		gen_line=$(printf '%-22s %12s %12s %12s %12s %9s %9s' "generate 100 digits" "$qmed" "$qmin" "$gmed" "$gmin" \
			"$(ratio "$qmed" "$gmed")" "$(ratio "$qmin" "$gmin")")
	fi
done
echo "$gen_line"
echo "torch $tver (oneDNN convolutions); ratio = ours / torch (< 1: we are faster)"

#!/usr/bin/env bash
# bench.sh: our training iteration next to the PyTorch replica of the same
# model (../shared/bench/torch_acgan.py), measured in the same run on the
# same machine, at batch 32, 64 and 128, and the generation of 100 digits.
#
#   bash scripts/bench.sh                 # what `make bench` runs
#   BENCH_BATCHES="32" BENCH_ITERS=10 BENCH_THREADS=1 bash scripts/bench.sh
#   ACGAN_GEMM=avx2 bash scripts/bench.sh # our side on the AVX2 kernels
#
# It prints which of pkg/gemm's paths our side ran on: the best the machine
# has, or the one $ACGAN_GEMM forces (a name the machine cannot run stops it).
#
# It installs Debian's python3-torch if it is missing (apt-get; the replica
# is only a timing peer, never a dependency of the project or of CI). Both
# sides use BENCH_THREADS threads (default 2: GOMAXPROCS for us, --threads
# for the replica). On a shared machine timings drift: the script reports
# the median and the minimum of each side and the ratios of both (and our
# CPU time per iteration); compare ratios measured side by side, not
# absolute numbers across runs. PyTorch's OpenMP threads suffer more than
# Go's scheduler when other processes compete for the cores, so a loaded
# machine flatters us; BENCH_THREADS=1 is less sensitive to that.
set -euo pipefail
cd "$(dirname "$0")/.."

batches=${BENCH_BATCHES:-32 64 128}
iters=${BENCH_ITERS:-20}
threads=${BENCH_THREADS:-2}
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
# The path the test binaries run on, as pkg/gemm's TestEnv logs it: "avx2
# (ACGAN_GEMM="avx2"; this machine runs avx512, avx2, go)".
if ! gemm_path=$(go test ./pkg/gemm -run '^TestEnv$' -v 2>&1); then
	echo "$gemm_path" >&2
	echo "bench.sh: pkg/gemm cannot run as ACGAN_GEMM=${ACGAN_GEMM-} asks" >&2
	exit 1
fi
gemm_path=$(echo "$gemm_path" | sed -n 's/.*gemm path //p')

# ours REGEXP COUNT: run one Go benchmark for COUNT timed ops in one
# sustained loop after 5 untimed ones (as the replica times itself) and
# print the median and minimum ms/op and the CPU ms/op.
ours() {
	local out
	out=$(cd pkg/acgan && GOMAXPROCS=$threads "$tmp/acgan.test" -test.run '^$' -test.bench "$1" \
		-test.benchtime "${2}x" |
		awk '/ns\/op/ { med = min = cpu = "nan"
			for (i = 1; i < NF; i++) {
				if ($(i+1) == "median-ms") med = $i
				if ($(i+1) == "min-ms") min = $i
				if ($(i+1) == "cpu-ms/op") cpu = $i
			}
			printf "%.1f %.1f %.1f\n", med, min, cpu }')
	if [ -z "$out" ]; then
		echo "bench.sh: the Go benchmark $1 printed nothing" >&2
		exit 1
	fi
	echo "$out"
}

# torchrun BATCH: run the replica and print train median/min and gen100 median/min (ms).
torchrun() {
	"$python" "$torch_py" --batch "$1" --iters "$iters" --gen-iters "$iters" --threads "$threads" 2>/dev/null |
		"$python" -c 'import json, sys
r = json.load(sys.stdin)
t, g = r["train_iter"], r["gen100"]
print("%.1f %.1f %.1f %.1f %s" % (t["median_ms"], t["min_ms"], g["median_ms"], g["min_ms"], r["torch"]))'
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "go: $(go version | cut -d' ' -f3-); $threads threads per side; $iters timed iterations per side"
echo "gemm: $gemm_path"
printf '%-22s %12s %12s %12s %12s %9s %9s %13s\n' "" "ours med ms" "ours min ms" "torch med ms" "torch min ms" "ratio med" "ratio min" "ours cpu ms"
for b in $batches; do
	read -r tmed tmin gmed gmin tver < <(torchrun "$b")
	read -r omed omin ocpu < <(ours "^BenchmarkIteration\$/^batch$b\$" "$iters")
	if [ -z "$tmed" ] || [ -z "$omed" ]; then
		echo "bench.sh: a benchmark failed (batch $b)" >&2
		exit 1
	fi
	printf '%-22s %12s %12s %12s %12s %9s %9s %13s\n' "train iteration, B=$b" "$omed" "$omin" "$tmed" "$tmin" \
		"$(ratio "$omed" "$tmed")" "$(ratio "$omin" "$tmin")" "$ocpu"
	if [ "$b" = "$(echo "$batches" | cut -d' ' -f1)" ]; then
		read -r qmed qmin qcpu < <(ours '^BenchmarkGenerate100$' "$iters")
		gen_line=$(printf '%-22s %12s %12s %12s %12s %9s %9s %13s' "generate 100 digits" "$qmed" "$qmin" "$gmed" "$gmin" \
			"$(ratio "$qmed" "$gmed")" "$(ratio "$qmin" "$gmin")" "$qcpu")
	fi
done
echo "$gen_line"
echo "torch $tver (oneDNN convolutions); ratio = ours / torch (< 1: we are faster)"

#!/usr/bin/env bash
# The main job, end to end on real MNIST, in about 5 minutes on a 2-core machine:
#   fetch the training digits → train the ACGAN for a short while → generate every digit → PNG grid.
# Everything lands in ./out. DEMO_ITERS changes the length of the training (default 1500;
# the Keras program's full run is 14000: see docs/results.md).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/bin:$PATH"
iters=${DEMO_ITERS:-1500}
mkdir -p out
mnist-fetch -n 100 | imgrid -nrow 10 -scale 2 -o out/real.png
echo "demo: wrote out/real.png (100 real MNIST digits)" >&2

echo "demo: training for $iters iterations (the card's first line, shortened)" >&2
mnist-fetch | acgan-train -iters "$iters" -seed 1 -samples out/samples -plot out/losses.png -o out/model.bin

acgan-gen -m out/model.bin -label all -seed 1 | imgrid -labels -scale 2 -o out/digits.png
acgan-gen -m out/model.bin -label 5 -seed 1 | imgrid > out/fives.png
echo "demo: wrote out/digits.png (row r = digit r), out/fives.png (the card's second line)," >&2
echo "      out/losses.png (the training curves) and out/samples/ (samples every 200 iterations)" >&2

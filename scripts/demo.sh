#!/usr/bin/env bash
# The main job: fetch real MNIST and tile the first 100 digits into out/real.png.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/bin:$PATH"
mkdir -p out
mnist-fetch -n 100 | imgrid -nrow 10 -scale 2 -o out/real.png
echo "wrote out/real.png (the first 100 MNIST training digits)" >&2

# The pipeline on images other than MNIST's: the 100 fixture digits coloured
# by scripts/colour-mnist (32×32 RGB, 10 classes named 0 to 9), written out as
# PNG class folders by tensor-info -png, and three of the classes, renamed,
# read back at 16×16 by imgstack -size 16. acgan-train builds its model for
# each stream (size, channels and class names in the model's header and
# records), gives the same bytes run after run and resumed; acgan-gen makes
# images of the model's shape, takes a class by name and passes the names on;
# images the model does not take and a resumed model's other data are refused.
#
# Generated pixels depend on the platform's float rounding (see
# acgan-train.sh): models and streams are compared with each other within the
# run, their statistics with the recorded ones within a relative 1e-4:
# tolerance: 1e-4
set -euo pipefail
go build -o "$TMPDIR/colour-mnist" ./scripts/colour-mnist
export XDG_CACHE_HOME="$TMPDIR/cache" GOPROXY=off MNIST_DIR=
fx=testdata/mnist
mnist-fetch -dir $fx -sums $fx/SHA256SUMS -offline > "$TMPDIR/data.tzst"
cd "$TMPDIR"
${GOLDEN_EXEC:+$GOLDEN_EXEC} ./colour-mnist -seed 1 < data.tzst > rgb32.tzst
tensor-info -png png rgb32.tzst > /dev/null
mkdir three
mv png/0 three/zero; mv png/1 three/one; mv png/7 three/seven
imgstack -size 16 three > rgb16.tzst 2>/dev/null
# png_info FILE: the width, height and colour type in a PNG's header.
png_info() { od -An -tu1 -j16 -N10 "$1" | awk '{ printf "%dx%d colour-type-%d\n", (($1*256+$2)*256+$3)*256+$4, (($5*256+$6)*256+$7)*256+$8, $10 }'; }
# header FILE: the model's header entries, one a line, and its first records' names.
header() { tensor-info < "$1" | sed -n '5p' | tr ' ' '\n' | grep -E '^(classes|size|channels|objective)='; tensor-info < "$1" | grep -E '^  name:' | sed -n '2,3p'; }

echo "== the 16×16 stream: 3 classes, named"
tensor-info < rgb16.tzst | grep -E 'shape|meta'

echo "== acgan-train on it: 3 iterations, batch 4, -seed 7"
acgan-train -iters 3 -batch 4 -seed 7 < rgb16.tzst > m16.bin 2>/dev/null
header m16.bin
acgan-train -iters 3 -batch 4 -seed 7 -threads 1 -samples samples -sample-every 3 < rgb16.tzst > m16b.bin 2>/dev/null
same m16.bin m16b.bin
echo "samples/000003.png $(png_info samples/000003.png)"
acgan-train -iters 2 -batch 4 -seed 7 < rgb16.tzst > m16-2.bin 2>/dev/null
acgan-train -resume m16-2.bin -iters 3 < rgb16.tzst > m16-resumed.bin 2>/dev/null
same m16.bin m16-resumed.bin

echo "== acgan-train -eval-every on it: judged against its own images, as acgan-eval -real judges them"
# A judge trained thirty epochs on 31 images carries each kernel's rounding into its losses and
# figures beyond any tolerance (see acgan-eval.sh): those lines show their form, decimals as _.
decimals() { sed -E 's/[0-9]+\.[0-9]+(e[+-]?[0-9]+)?/_/g'; }
acgan-train -iters 4 -batch 4 -seed 7 -log-every 2 -eval-every 2 -log log16.jsonl < rgb16.tzst > e16.bin 2> err16.txt
sed "s|$TMPDIR|\$TMPDIR|g" err16.txt | decimals |
  sed -E 's/, ETA [0-9a-z_]+//; s/trained in [0-9a-z_]+/trained in _/; s/iterations in [0-9a-z_]+;/iterations in _;/; s/judge-v1-[0-9a-f]{16}/judge-v1-K/'
sed -E 's/"(it_per_s|elapsed_s|acc|frechet|diversity)":[^,}]*/"\1":_/g' log16.jsonl | decimals
acgan-train -iters 4 -batch 4 -seed 7 < rgb16.tzst > p16.bin 2>/dev/null
same e16.bin p16.bin
ls cache/acgan | sed -E 's/[0-9a-f]{16}/K/'
acgan-eval -m e16.bin -n 10 -real rgb16.tzst > /dev/null 2> eval16.txt
if grep -q 'no judge' eval16.txt; then echo "acgan-eval -real trained another judge"; else echo "acgan-eval -real rgb16.tzst loads the judge acgan-train cached"; fi
acgan-train -iters 4 -batch 4 -seed 7 -log-every 2 -eval-every 2 < rgb16.tzst > /dev/null 2> again16.txt
if grep -q 'no judge' again16.txt; then echo "the second run trained another judge"; else echo "the second run loads the cached judge"; fi

echo "== acgan-gen -label seven -n 4: by name"
acgan-gen -m m16.bin -label seven -n 4 > seven.tzst
tensor-info < seven.tzst | grep -E 'shape|meta|stats|[0-9]: '
# The classes are numbered in the byte order of their names: one, seven, zero.
acgan-gen -m m16.bin -label 1 -n 4 > one.tzst
same seven.tzst one.tzst
echo "== acgan-gen: every class, a row each, named by imgrid -labels"
acgan-gen -m m16.bin -n 5 > all16.tzst
tensor-info < all16.tzst | grep -E 'shape|meta'
tensor-info -npy npy < all16.tzst > /dev/null
echo "class names: $(tail -c 15 npy/classnames.npy | tr '\n' ' ')"
imgrid -labels < all16.tzst > all16.png
echo "all16.png $(png_info all16.png)"
echo "== -interpolate zero,seven -n 3"
acgan-gen -m m16.bin -interpolate zero,seven -n 3 | tensor-info | grep -E 'shape|[0-9]: '

echo "== the 32×32 stream of 10 classes: acgan-train, acgan-gen"
acgan-train -iters 2 -batch 4 -seed 7 < rgb32.tzst > m32.bin 2>/dev/null
header m32.bin
acgan-gen -m m32.bin -n 1 | tensor-info | grep -E 'shape|meta'

echo "== MNIST still gives a header without size or channels, and no class names"
acgan-train -iters 1 -batch 4 -seed 7 < data.tzst > mnist.bin 2>/dev/null
header mnist.bin

imgstack -size 100 three > big.tzst 2>/dev/null
imgstack -size 30 three > odd.tzst 2>/dev/null
bad "images of 100×100" acgan-train -iters 1 -o x.bin < big.tzst
bad "images of 30×30" acgan-train -iters 1 -o x.bin < odd.tzst
bad "resume the 16×16 model on the 32×32 stream" acgan-train -resume m16.bin -iters 4 -o x.bin < rgb32.tzst
bad "resume the 16×16 model on its images renamed" sh -c 'mv three/seven three/sept && imgstack -size 16 three 2>/dev/null | acgan-train -resume m16.bin -iters 4 -o x.bin'
bad "acgan-gen -label eight" acgan-gen -m m16.bin -label eight
bad "acgan-gen -label 3" acgan-gen -m m16.bin -label 3
bad "acgan-gen -interpolate zero,ten" acgan-gen -m m16.bin -interpolate zero,ten
echo "== no output file was left behind"
ls -A | grep -E '^(x\.bin|\.x\.bin)' || echo none

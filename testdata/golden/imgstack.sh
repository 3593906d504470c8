# imgstack and tensor-info -png: folders of class folders of PNG and JPEG
# images into tensor streams, and streams back into such folders. The images
# are the 100 MNIST digits of testdata/mnist (written out by tensor-info -png)
# and the small fixtures in testdata/imgstack (made by
# cmd/imgstack/fixtures_test.go), copied into folders here. A stream is shown
# as its records (name, dtype, shape, metadata) and the sha256 of each
# record's .npy file; the resized images of -size by their statistics, since
# the resampling filter's float arithmetic may round otherwise on another
# platform.
# tolerance: 1e-4
set -euo pipefail
export LC_ALL=C # ls and sort in byte order
fx=testdata/imgstack
t=$TMPDIR

# records STREAM: each record's name, dtype, shape and metadata, and the
# sha256 of its .npy file (or, with -stats, the statistics of its values).
records() {
  local how=hash
  if [[ $1 == -stats ]]; then how=stats; shift; fi
  rm -rf "$t/npy"
  local name dtype shape meta stats
  tensor-info -npy "$t/npy" "$1" | while IFS= read -r line; do
    case $line in
      "  name:   "*) name=${line#  name:   } ;;
      "  dtype:  "*) dtype=${line#  dtype:  } ;;
      "  shape:  "*) shape=${line#  shape:  }; shape=${shape%% *} ;;
      "  meta:   "*) meta=${line#  meta:   } ;;
      "  stats:  "*) stats=${line#  stats:  } ;;
      "  npy:    "*)
        if [[ $how == stats && $name == images ]]; then
          echo "  $name $dtype $shape [$meta] $stats"
        else
          echo "  $name $dtype $shape [$meta] $(sha256sum < "${line#  npy:    }" | cut -c1-16)"
        fi ;;
    esac
  done
}

# same A B NAME...: whether the records NAME of streams A and B hold the
# same values (their .npy files are equal).
same() {
  local a=$1 b=$2; shift 2
  rm -rf "$t/sa" "$t/sb"
  tensor-info -npy "$t/sa" "$a" > /dev/null
  tensor-info -npy "$t/sb" "$b" > /dev/null
  local n
  for n in "$@"; do
    if cmp -s "$t/sa/$n.npy" "$t/sb/$n.npy"; then echo "  $n: same values"; else echo "  $n: DIFFERENT"; fi
  done
}

# stack ARGS...: imgstack ARGS > $t/s.tzst must succeed quietly; print the
# records of the stream.
stack() {
  imgstack "$@" > "$t/s.tzst" 2> "$t/err"
  echo "imgstack $*" | sed "s|$t|\$TMPDIR|g"
  sed "s|$t|\$TMPDIR|g; s/^/  stderr: /" "$t/err"
  records "$t/s.tzst"
}

# fails ARGS...: imgstack ARGS must fail without output; print its error and
# exit status.
fails() {
  local rc=0
  imgstack "$@" > "$t/out" 2> "$t/err" || rc=$?
  echo "imgstack $*: exit=$rc, $(wc -c < "$t/out") bytes out" | sed "s|$t|\$TMPDIR|g"
  sed "s|$t|\$TMPDIR|g; s/^/  /" "$t/err"
}

# folder DIR CLASS/FILE=FIXTURE...: make DIR anew with fixture copies.
folder() {
  local dir=$1; shift
  rm -rf "$dir"
  local f
  for f in "$@"; do
    mkdir -p "$dir/$(dirname "${f%%=*}")"
    cp "$fx/${f#*=}" "$dir/${f%%=*}"
  done
}

# pnginfo FILE: width×height and colour type of a PNG file.
pnginfo() {
  local b
  read -r -a b < <(od -An -tu1 -j16 -N10 "$1")
  local w=$(( (b[0]<<24) | (b[1]<<16) | (b[2]<<8) | b[3] ))
  local h=$(( (b[4]<<24) | (b[5]<<16) | (b[6]<<8) | b[7] ))
  local type="colour-type-${b[9]}"
  [[ ${b[9]} -eq 0 ]] && type=gray
  [[ ${b[9]} -eq 2 ]] && type=rgb
  echo "${w}x${h} ${type}"
}

echo "== -h"
COLUMNS=80 imgstack -h
imgstack --version | cut -d' ' -f1

echo "== MNIST digits: stream → tensor-info -png → imgstack"
mnist-fetch -dir testdata/mnist -sums testdata/mnist/SHA256SUMS > "$t/mnist.tzst"
records "$t/mnist.tzst"
tensor-info -png "$t/digits" "$t/mnist.tzst" | tail -n 1 | sed "s|$t|\$TMPDIR|g"
(cd "$t/digits" && echo "folders: $(ls | tr '\n' ' ')" && echo "5/: $(ls 5 | tr '\n' ' ')" && head -n 3 list.tsv)
echo "5/00.png: $(pnginfo "$t/digits/5/00.png")"
echo "-- imgstack -list DIR/list.tsv: the stream's order"
stack -list "$t/digits/list.tsv"
same "$t/mnist.tzst" "$t/s.tzst" images labels
echo "-- imgstack DIR: class by class, each class in the stream's order (= the list sorted by class, stably)"
stack "$t/digits"
cp "$t/s.tzst" "$t/grouped.tzst"
sort -s -t "$(printf '\t')" -k 2,2 "$t/digits/list.tsv" | sed 's|^|digits/|' > "$t/sorted.tsv"
imgstack -list "$t/sorted.tsv" > "$t/sorted.tzst"
same "$t/grouped.tzst" "$t/sorted.tzst" images labels classnames
echo "-- and back again: the same folder"
tensor-info -png "$t/digits2" "$t/grouped.tzst" > /dev/null
imgstack "$t/digits2" > "$t/again.tzst"
same "$t/grouped.tzst" "$t/again.tzst" images labels classnames
echo "-- -o FILE: the bytes of stdout"
imgstack "$t/digits" -o "$t/o.tzst"
cmp "$t/o.tzst" "$t/grouped.tzst" && echo "same bytes"

echo "== float32 images in [-1,1] (int32 labels) → PNG: floor(clamp((v+1)/2·255+0.5, 0, 255))"
tensor-info -png "$t/f32" testdata/streams/grid-f32.tzst | tail -n 1 | sed "s|$t|\$TMPDIR|g"
(cd "$t/f32" && echo "folders: $(ls | tr '\n' ' ')" && head -n 4 list.tsv)
stack -list "$t/f32/list.tsv"

echo "== float32 RGB in [0,1] without labels → flat PNG files"
tensor-info -png "$t/flat" $fx/rgb-nolabels.tzst | tail -n 1 | sed "s|$t|\$TMPDIR|g"
(cd "$t/flat" && for f in *; do echo "$f: $(pnginfo "$f")"; done)
fails "$t/flat"

echo "== tensor-info -png into a folder that is not empty"
rc=0; tensor-info -png "$t/digits" "$t/mnist.tzst" > /dev/null 2> "$t/err" || rc=$?
echo "exit=$rc $(sed "s|$t|\$TMPDIR|g" "$t/err")"
echo "kept: $(ls "$t/digits" | wc -l) entries"
touch "$t/digits/stale.txt"
tensor-info -png "$t/digits" -force testdata/streams/grid-f32.tzst | tail -n 1 | sed "s|$t|\$TMPDIR|g"
echo "-force: $(ls "$t/digits" | tr '\n' ' ')"
echo "temporary folders left: $(ls -A "$t" | grep -c '\.tmp' || true)"

echo "== tensor-info -png of a cut stream: its error, and no folder"
head -c 2000 "$t/mnist.tzst" > "$t/cut.tzst"
rc=0; tensor-info -png "$t/cutdir" "$t/cut.tzst" > /dev/null 2> "$t/err" || rc=$?
echo "exit=$rc $(sed "s|$t|\$TMPDIR|g" "$t/err")"
echo "folders: $(ls -d "$t/cutdir" 2> /dev/null | wc -l), temporary folders left: $(ls -A "$t" | grep -c '\.tmp' || true)"

echo "== gray PNG, paletted gray PNG and gray JPEG: 1 channel"
folder "$t/g" disc/a.png=gray-disc.png disc/b.jpg=gray.jpg ramp/a.png=gray-ramp.png ramp/c.PNG=gray-palette.png
stack "$t/g"

echo "== RGB PNG, RGB JPEG named .jpeg, PNG with alpha (over black): 3 channels"
folder "$t/c" alpha/a.png=rgb-alpha.png squares/a.png=rgb-squares.png squares/b.jpeg=rgb.jpg
stack "$t/c"

echo "== gray and colour mixed: 3 channels, the gray repeated"
folder "$t/m" gray/a.png=gray-disc.png rgb/a.png=rgb-squares.png
stack "$t/m"

echo "== sizes: 16×16 and 20×20 gray; 24×16 RGB"
folder "$t/z" a/16.png=gray-ramp.png a/20.png=gray-20.png
fails "$t/z"
imgstack -size 16 "$t/z" > "$t/s.tzst"; echo "imgstack -size 16"; records -stats "$t/s.tzst"
imgstack -size 32 "$t/z" > "$t/s.tzst"; echo "imgstack -size 32"; records -stats "$t/s.tzst"
folder "$t/w" a/wide.png=rgb-24x16.png
fails "$t/w"
echo "-- the 24×16 image's centred 16×16 square is the 16×16 image: -size 16 keeps it as it is"
stack -size 16 "$t/w"
folder "$t/sq" a/sq.png=rgb-squares.png
stack "$t/sq"
fails -size -1 "$t/w"
fails -size 9000 "$t/w"

echo "== bad files: named, or with -skip-bad skipped and listed"
folder "$t/b" a/1.png=gray-ramp.png a/2.png=gray-disc.png b/1.png=gray-ramp.png
printf 'not an image at all' > "$t/b/a/bad.png"
head -c 60 $fx/gray-disc.png > "$t/b/b/cut.png"
head -c 100 $fx/gray.jpg > "$t/b/b/cut.jpg"
fails "$t/b"
stack -skip-bad "$t/b"
echo "-- a class whose every file is bad"
rm "$t/b/b/1.png"
fails -skip-bad "$t/b"

echo "== a header of 100000×100000 pixels: refused before decoding"
folder "$t/h" a/huge.png=huge-header.png a/ok.png=gray-ramp.png
fails "$t/h"
stack -skip-bad "$t/h"

echo "== what is not an image"
folder "$t/i" a/1.png=gray-ramp.png b/1.png=gray-disc.png
echo notes > "$t/i/a/notes.txt"; mkdir "$t/i/a/sub"; echo x > "$t/i/README"
mkdir "$t/i/.git"; touch "$t/i/a/.DS_Store"
stack "$t/i"

echo "== an empty class folder, no class folders, no folder"
folder "$t/e" a/1.png=gray-ramp.png
mkdir "$t/e/b"
fails "$t/e"
mkdir -p "$t/none"; cp $fx/gray-ramp.png "$t/none/"
fails "$t/none"
fails "$t/nope"

echo "== one class: a valid stream"
folder "$t/one" only/1.png=gray-ramp.png only/2.png=gray-disc.png
stack "$t/one"

echo "== 1000 classes, one 16×16 image each: int32 labels, classes in byte order"
rm -rf "$t/k"
(mkdir -p "$t/k" && cd "$t/k" && mkdir {0..999} && tee {0..499}/x.png < "$OLDPWD/$fx/gray-disc.png" | tee {500..999}/x.png > /dev/null)
stack "$t/k"
tensor-info -png "$t/k2" "$t/s.tzst" | tail -n 1 | sed "s|$t|\$TMPDIR|g"
echo "first folders: $(ls "$t/k2" | head -n 5 | tr '\n' ' ')"
echo "list: $(head -n 4 "$t/k2/list.tsv" | tr '\t\n' '  ')"

echo "== class names in UTF-8, in byte order"
folder "$t/u" "猫/1.png=gray-ramp.png" "Äpfel/1.png=gray-disc.png" "apple/1.png=gray-ramp.png" "Zebra/1.png=gray-disc.png"
stack "$t/u"
tensor-info -png "$t/u2" "$t/s.tzst" > /dev/null
echo "folders: $(ls "$t/u2" | tr '\n' ' ')"
echo "list: $(tr '\t\n' '  ' < "$t/u2/list.tsv")"
echo "-- a name with a control character"
folder "$t/bad-name" "$(printf 'a\tb')/1.png=gray-ramp.png"
fails "$t/bad-name"

echo "== -list"
mkdir -p "$t/l/sub"
cp $fx/gray-ramp.png $fx/gray-disc.png "$t/l/sub/"
printf '# a comment\nsub/gray-disc.png\tdisc\r\n\nsub/gray-ramp.png\tramp\nsub/gray-disc.png\tdisc\n' > "$t/l/list.tsv"
stack -list "$t/l/list.tsv"
echo "-- -list - (stdin; paths from the current folder)"
(cd "$t/l" && printf 'sub/gray-ramp.png\tb\nsub/gray-disc.png\ta\n' | imgstack -list - > "$t/s.tzst")
records "$t/s.tzst"
printf 'sub/gray-ramp.png\n' > "$t/l/bad.tsv"
fails -list "$t/l/bad.tsv"
printf 'sub/missing.png\tx\n' > "$t/l/bad.tsv"
fails -list "$t/l/bad.tsv"
fails -list "$t/l/none.tsv"
fails -list "$t/l/list.tsv" "$t/l"
fails

# acgan-train's outputs on the 100 fixture digits: every output path is
# checked before the first iteration (a bad -plot, -checkpoint, -log or
# -samples path costs no training); a side output that fails during the
# run costs no model (the model is written, the error reported, exit 3);
# a -batch whose training cannot fit in memory is refused at once.
set -euo pipefail
export XDG_CACHE_HOME="$TMPDIR/cache" GOPROXY=off MNIST_DIR=
fx=testdata/mnist
mnist-fetch -dir $fx -sums $fx/SHA256SUMS -offline > "$TMPDIR/data.tzst"
cd "$TMPDIR"

# run NAME ARGS...: acgan-train ARGS on the fixture digits; print its
# exit status, the size of its model and its stderr without timings.
run() {
  echo "== $1"; shift
  rm -f model.bin
  set +e
  acgan-train -iters 2 -batch 4 -seed 7 -log-every 1 "$@" < data.tzst > model.bin 2> err
  local rc=$?
  set -e
  echo "exit=$rc"
  if [[ -s model.bin ]]; then echo "model written"; else echo "no model"; fi
  sed -E "s|$TMPDIR|\$TMPDIR|g; s| [0-9.]+ it/s(, ETA [0-9a-z]+)?| _ it/s|; s/iterations in [0-9a-z.]+;/iterations in _;/; s/^/stderr: /" err | grep -v '^stderr: iter ' || true
}

run "-plot into a folder that does not exist: refused before training" -plot no/such/dir/p.png
run "-checkpoint into a folder that does not exist" -checkpoint no/such/ck.bin
run "-log into a folder that does not exist" -log no/such/log.jsonl
run "-plot is a folder" -plot .
touch afile
run "-samples under a file" -samples afile/s
mkdir ro && chmod 555 ro
if [[ $(id -u) -ne 0 ]]; then
  run "-checkpoint in a read-only folder" -checkpoint ro/ck.bin
else
  echo "== -checkpoint in a read-only folder"; echo "(skipped: root writes anywhere)"
fi
echo "nothing left behind: $(find . -mindepth 1 -name '.*' | wc -l) hidden files"

# /dev/full takes the path check (a device is written straight) and then
# fails every write with "no space left on device", as a full disk does.
# It must still be the device afterwards (never replaced by a file).
[[ -c /dev/full ]] || { echo "/dev/full is not a character device on this machine"; exit 1; }
run "-log on a full disk: the model is written, exit 3" -log /dev/full
run "-plot on a full disk: the model is written, exit 3" -plot /dev/full
acgan-train -iters 2 -batch 4 -seed 7 < data.tzst > plain.bin 2>/dev/null
acgan-train -iters 2 -batch 4 -seed 7 -log /dev/full -plot /dev/full -o full.bin < data.tzst 2>/dev/null || echo "exit=$?"
cmp full.bin plain.bin && echo "model identical to a run without side outputs"
if [[ -c /dev/full ]]; then echo "/dev/full is still a device"; else echo "/dev/full WAS REPLACED"; fi

run "-batch 65536: over the bound" -batch 65536
run "-batch 0" -batch 0

# acgan-train on the 100 fixture digits (testdata/mnist), batch 4: the same
# -seed gives the same model bytes (run after run, with -threads 1 or 2, and
# with samples, log and plot switched on); 2 iterations resumed to 4 give the
# bytes of 4 unbroken iterations; a run interrupted by SIGINT and resumed
# gives them too; the losses are the recorded ones; bad input and bad flags
# give one-line errors and write nothing.
#
# The model's bytes depend on the platform's float rounding (AVX-512, AVX2,
# the pure-Go kernels of -tags noasm and arm64's fused multiply-adds each
# round differently), so they are compared with each other within the run,
# never with recorded hashes; the losses are compared with the recorded ones
# within a relative 1e-4 (after 4 iterations the platforms agree to about
# 1e-7):
# tolerance: 1e-4
set -euo pipefail
export XDG_CACHE_HOME="$TMPDIR/cache" GOPROXY=off MNIST_DIR=
fx=testdata/mnist
mnist-fetch -dir $fx -sums $fx/SHA256SUMS -offline > "$TMPDIR/data.tzst"
cd "$TMPDIR"

echo "== determinism: 2 iterations, -seed 7, twice with -threads 2, once with -threads 1"
acgan-train -iters 2 -batch 4 -seed 7 -threads 2 < data.tzst > a.bin 2>/dev/null
acgan-train -iters 2 -batch 4 -seed 7 -threads 2 < data.tzst > a2.bin 2>/dev/null
acgan-train -iters 2 -batch 4 -seed 7 -threads 1 -o b.bin < data.tzst 2>/dev/null
same a.bin a2.bin
same a.bin b.bin
tensor-info < a.bin | sed -n '1,5p'
tensor-info < a.bin | tail -n 1

echo "== samples, log and plot change nothing"
acgan-train -iters 2 -batch 4 -seed 7 -samples samples -sample-every 1 -log log.jsonl -log-every 1 -plot plot.png -o c.bin < data.tzst 2>/dev/null
same a.bin c.bin
ls samples
file_type() { head -c 8 "$1" | od -An -c | tr -s ' '; }
echo "samples/000001.png:$(file_type samples/000001.png)"
echo "plot.png:$(file_type plot.png)"
# Timings vary; everything else in the log is determined by the seed.
sed -E 's/"(it_per_s|elapsed_s)":[^,}]*/"\1":_/g' log.jsonl

echo "== another seed gives another model"
acgan-train -iters 2 -batch 4 -seed 8 < data.tzst > d.bin 2>/dev/null
same a.bin d.bin

echo "== resume: 2 then 2 more = 4, with a checkpoint every 3"
acgan-train -iters 4 -batch 4 -seed 7 -checkpoint ck.bin -checkpoint-every 3 < data.tzst > four.bin 2>/dev/null
acgan-train -resume a.bin -iters 4 < data.tzst > resumed.bin 2>/dev/null
same four.bin resumed.bin
acgan-train -iters 4 -batch 4 -seed 7 -threads 1 < data.tzst > four-1.bin 2>/dev/null
same four.bin four-1.bin
echo "== resumed with -log, the log continues where the model stopped"
acgan-train -resume c.bin -iters 4 -log log.jsonl -log-every 1 -o resumed-log.bin < data.tzst 2>/dev/null
same four.bin resumed-log.bin
sed -E 's/"(it_per_s|elapsed_s)":[^,}]*/"\1":_/g' log.jsonl

echo "== the checkpoint is iteration 3; resumed, it gives four.bin"
tensor-info < ck.bin | sed -n '5p' | grep -o 'iteration=[0-9]*'
acgan-train -resume ck.bin -iters 4 -o from-ck.bin < data.tzst 2>/dev/null
same four.bin from-ck.bin

echo "== SIGINT: finish the iteration, write the model, exit 130; resumed, it gives the bytes of an unbroken run"
# -iters 200, so that the interrupt comes long before the end even on a busy machine; the
# interrupted model (iteration K) is resumed to K+1 and compared with K+1 unbroken iterations, so
# that the check costs a few iterations, not 200 (the pure-Go kernels take 0.4 s each).
set +e
acgan-train -iters 200 -batch 4 -seed 7 -log-every 1 -o int.bin < data.tzst 2> int.err &
pid=$!
# Wait for the first logged iteration, then interrupt.
for _ in $(seq 400); do grep -q '^iter' int.err 2>/dev/null && break; sleep 0.025; done
kill -INT $pid
wait $pid
echo "exit=$?"
set -e
grep -o 'interrupted at iteration [0-9]* of 200; model written to int.bin' int.err | sed 's/iteration [0-9]*/iteration K/'
k=$(tensor-info < int.bin | sed -n '5p' | grep -o 'iteration=[0-9]*' | cut -d= -f2)
acgan-train -resume int.bin -iters $((k + 1)) < data.tzst > int-resumed.bin 2>/dev/null
acgan-train -iters $((k + 1)) -batch 4 -seed 7 < data.tzst > unbroken.bin 2>/dev/null
same unbroken.bin int-resumed.bin

echo "== -objective tac: -tac-weight may change on resume, from the resumed iteration on"
acgan-train -objective tac -iters 2 -batch 4 -seed 7 < data.tzst > tac2.bin 2>/dev/null
acgan-train -resume tac2.bin -tac-weight 0.5 -iters 4 < data.tzst > staged.bin 2>/dev/null
acgan-train -resume tac2.bin -tac-weight 0.5 -iters 4 < data.tzst > staged2.bin 2>/dev/null
acgan-train -resume tac2.bin -iters 4 < data.tzst > tac4.bin 2>/dev/null
same staged.bin staged2.bin
same staged.bin tac4.bin
tensor-info < staged.bin | sed -n '5p' | grep -o 'tac_weight=[0-9.]*'
tensor-info < tac4.bin | sed -n '5p' | grep -o 'tac_weight=[0-9.]*'

# kept_on_resume FLAG VALUE KEY NAME: 2 iterations with -FLAG VALUE, resumed to 4, give the
# bytes of 4 straight (NAME2.bin, NAME4r.bin, NAME4.bin), and the model's header records KEY.
kept_on_resume() {
  local flag=$1 value=$2 key=$3 name=$4
  echo "== -$flag: a resumed run keeps it and gives the bytes of one that never stopped"
  acgan-train -"$flag" "$value" -iters 2 -batch 4 -seed 7 < data.tzst > "${name}2.bin" 2>/dev/null
  acgan-train -resume "${name}2.bin" -iters 4 < data.tzst > "${name}4r.bin" 2>/dev/null
  acgan-train -"$flag" "$value" -iters 4 -batch 4 -seed 7 < data.tzst > "${name}4.bin" 2>/dev/null
  same "${name}4.bin" "${name}4r.bin"
  tensor-info < "${name}4.bin" | sed -n '5p' | grep -o "$key=[0-9a-z.]*"
}

kept_on_resume minibatch-stddev 2 minibatch_stddev mb
bad "resume with another -minibatch-stddev" acgan-train -resume mb2.bin -minibatch-stddev 4 -iters 4 -o x.bin < data.tzst
bad "-minibatch-stddev over the batch" acgan-train -minibatch-stddev 5 -batch 4 -o x.bin < data.tzst
bad "-minibatch-stddev negative" acgan-train -minibatch-stddev -1 -o x.bin < data.tzst

kept_on_resume mode-seeking 1 mode_seeking ms
bad "resume with another -mode-seeking" acgan-train -resume ms2.bin -mode-seeking 2 -iters 4 -o x.bin < data.tzst
bad "-mode-seeking with a batch of 1" acgan-train -mode-seeking 1 -batch 1 -o x.bin < data.tzst
bad "-mode-seeking negative" acgan-train -mode-seeking -1 -o x.bin < data.tzst

kept_on_resume conditioning concat conditioning cc
bad "resume with another -conditioning" acgan-train -resume cc2.bin -conditioning multiply -iters 4 -o x.bin < data.tzst
bad "-conditioning unknown" acgan-train -conditioning add -o x.bin < data.tzst

kept_on_resume d-width 2 d_width dw
bad "resume with another -d-width" acgan-train -resume dw2.bin -d-width 1 -iters 4 -o x.bin < data.tzst
bad "-d-width 0" acgan-train -d-width 0 -o x.bin < data.tzst
bad "-d-width 9" acgan-train -d-width 9 -o x.bin < data.tzst

bad "resume with another -lr" acgan-train -resume a.bin -lr 1e-3 -iters 4 -o x.bin < data.tzst
bad "-iters below the resumed model's" acgan-train -resume four.bin -iters 2 -o x.bin < data.tzst
bad "resume from a file that is not a model" acgan-train -resume data.tzst -o x.bin < data.tzst
bad "stdin is not a stream" acgan-train -iters 1 -o x.bin < plot.png
printf 'just some text\n' > text.txt
bad "stdin is text" acgan-train -iters 1 -o x.bin < text.txt
acgan-gen -m a.bin -n 2 -label 3 > gen.tzst
bad "float images (what acgan-gen writes)" acgan-train -iters 1 -o x.bin < gen.tzst
bad "-batch 0" acgan-train -batch 0 -o x.bin < data.tzst
bad "-objective" acgan-train -objective wgan -o x.bin < data.tzst
bad "-lr 2" acgan-train -lr 2 -o x.bin < data.tzst
echo "== no output file was left behind"
ls -A | grep -E '^(x\.bin|\.x\.bin)' || echo none

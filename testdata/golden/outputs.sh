# Where -o FILE writes, for acgan-gen, imgrid and mnist-fetch: a new or
# regular file is replaced whole (a temporary file renamed over it); a FIFO,
# /dev/null, and /dev/stdout on a pipe are written straight, so their reader
# gets the bytes; a symlink is followed (the link kept, the file it leads to
# replaced or, when the link dangles, created); a directory is an error; a
# killed writer's temporary file is removed by the next writer, a running
# one's kept. Every output must equal the tool's stdout. /dev/stdout is
# stood in for by a link of our own to /proc/self/fd/1, what the real one
# leads to: a tool that replaced the link would harm only $TMPDIR.
set -euo pipefail
export XDG_CACHE_HOME="$TMPDIR/cache" GOPROXY=off MNIST_DIR=
fx=$PWD/testdata/mnist
mnist-fetch -dir $fx -sums $fx/SHA256SUMS -offline | acgan-train -iters 2 -batch 8 -seed 3 -o "$TMPDIR/model.bin" 2>/dev/null
cd "$TMPDIR"
acgan-gen -m model.bin -label 5 -n 4 -seed 2 > five.tzst

gen() { acgan-gen -m "$TMPDIR/model.bin" -label 5 -n 4 -seed 2 "$@"; }
grid() { imgrid -nrow 2 "$@" < "$TMPDIR/five.tzst"; }
fetch() { mnist-fetch -dir $fx -sums $fx/SHA256SUMS -offline -split test -n 10 "$@"; }

# what PATH...: the type of each path, not followed.
what() { for p in "$@"; do echo "  $p: $(stat -c %F "$p")"; done; }
# same FILE: whether FILE holds the tool's stdout.
same() { if cmp -s "$1" want; then echo "  $1 holds the stdout bytes"; else echo "  $1 DIFFERS from stdout"; fi; }
# guard TEST...: stop unless test TEST... holds: a tool that replaced a
# FIFO or a link must not be run with -o /dev/null.
guard() { test "$@" || { echo "${*: -1} was replaced: stopping before -o /dev/null"; exit 1; }; }

# cases TOOL: every kind of -o FILE for TOOL, run in a folder of its own.
cases() {
  local tool=$1
  mkdir "$tool" && cd "$tool"
  echo "== $tool"
  $tool > want
  [[ -s want ]] || { echo "nothing on stdout"; exit 1; }

  echo "-- -o new"
  $tool -o new; same new

  echo "-- -o old (a regular file, mode 0600): replaced, mode kept"
  echo old > old; chmod 600 old
  $tool -o old; same old; echo "  mode $(stat -c %a old)"

  echo "-- -o pipe (a FIFO read by cat)"
  mkfifo pipe
  timeout 60 cat pipe > got & $tool -o pipe; wait $! || true
  same got; what pipe; guard -p pipe

  echo "-- -o link-to-pipe (a symlink to the FIFO, as /dev/stdout to a pipe)"
  ln -s pipe link-to-pipe
  timeout 60 cat pipe > got & $tool -o link-to-pipe; wait $! || true
  same got; what link-to-pipe pipe; guard -L link-to-pipe; guard -p pipe

  echo "-- -o stdout (a link to /proc/self/fd/1) | cat"
  ln -s /proc/self/fd/1 stdout
  $tool -o stdout | cat > got
  same got; what stdout; guard -L stdout

  echo "-- -o /dev/null"
  $tool -o /dev/null && echo "  exit 0"
  what /dev/null

  echo "-- -o link (a symlink to d/target): the link kept, the target replaced"
  mkdir d; echo old > d/target; ln -s d/target link
  $tool -o link; same d/target; what link

  echo "-- -o dangling (a symlink to d/made, which does not exist): d/made created"
  ln -s d/made dangling
  $tool -o dangling; same d/made; what dangling

  echo "-- -o d (a folder)"
  set +e; $tool -o d 2>&1; echo "  exit $?"; set -e

  echo "-- a killed writer's temporary file is removed, a running one's kept"
  local dead live
  dead=$(sh -c 'echo $$')
  sleep 60 & live=$!
  touch ".new.tmp$dead-1" ".new.tmp$live-2"
  $tool -o new; same new
  kill $live; wait $live || true
  ls -A | grep '^\.new' | sed "s/$live/LIVE/" | sed 's/^/  left: /'
  rm ".new.tmp$live-2"

  echo "-- nothing else left"
  ls -A . d | sed '/^$/d; s/^/  /'
  cd ..
}

cases gen
cases grid
cases fetch

#!/usr/bin/env bash
# What the site's history (SPEC 11) costs `ladder build`: a git repository holding the
# example ladder (content/, ladder.yaml) with 50 tagged versions, a small edit between
# each two (a responsibility added, one reworded, or punctuation changed, in turn),
# built RUNS times without history and RUNS times with `--history`. Prints the median
# wall time of each, the history's own time (the build reports it: reading every tag
# with git and diffing each version with the one before) and its share of the build.
#
#   bash bench/history.sh              # 50 versions, 5 runs each
#   VERSIONS=20 RUNS=3 bash bench/history.sh
#
# A benchmark, not a test: the numbers depend on the machine and on its load.
set -euo pipefail
cd "$(dirname "$0")/.."

VERSIONS="${VERSIONS:-50}"
RUNS="${RUNS:-5}"
TMP_ROOT="${BENCH_TMP:-/dev/shm}"
[ -d "$TMP_ROOT" ] || TMP_ROOT="${TMPDIR:-/tmp}"

echo "building ladder (release)" >&2
cargo build --release --quiet --bin ladder
LADDER="${CARGO_TARGET_DIR:-target}/release/ladder"

WORK="$(mktemp -d "$TMP_ROOT/ladder-history.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
REPO="$WORK/repo"
mkdir -p "$REPO"
cp -R content "$REPO/content"
[ -f ladder.yaml ] && cp ladder.yaml "$REPO/ladder.yaml"
git_() { git -C "$REPO" -c user.name=bench -c user.email=bench@example.com -c commit.gpgsign=false "$@"; }
git_ init -q
git_ add -A
git_ commit -q -m "version 1.0.0"
git_ tag v1.0.0

# The first list item of the first track file is where every edit goes.
TRACK="$(ls "$REPO"/content/*.md | grep -v '_index.md' | head -n 1)"
echo "making $VERSIONS tagged versions in $REPO (edits in $(basename "$TRACK"))" >&2
minor=0
for i in $(seq 2 "$VERSIONS"); do
  case $(( (i - 2) % 3 )) in
    0) # major: a responsibility added after the first list item
       awk -v n="$i" 'done != 1 && /^- / { print; print "- Takes part in review round " n "."; done = 1; next } { print }' \
         "$TRACK" > "$TRACK.new" ;;
    1) # minor: the added responsibility reworded
       sed "s/review round \([0-9]*\)\./review round \1 and its follow-up./" "$TRACK" > "$TRACK.new" ;;
    2) # patch: punctuation
       sed "s/and its follow-up\./and its follow-up!/" "$TRACK" > "$TRACK.new" ;;
  esac
  mv "$TRACK.new" "$TRACK"
  git_ commit -q --allow-empty -am "edit $i"
  minor=$(( minor + 1 ))
  git_ tag "v1.$minor.0"
done
echo "tags: $(git_ tag | wc -l)" >&2

median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
now_ms() { date +%s%3N; }
run() { # run ARGS... -> prints "wall_ms history_ms"
  local start end err
  start=$(now_ms)
  err="$("$LADDER" build --root "$REPO" --output "$WORK/site" "$@" 2>&1 >/dev/null)"
  end=$(now_ms)
  local hist
  hist=$(printf '%s\n' "$err" | sed -n 's/.*history \([0-9]*\) ms.*/\1/p' | tail -n 1)
  echo "$(( end - start )) ${hist:-0}"
}

run >/dev/null; run --history >/dev/null # warm-up
: > "$WORK/plain"; : > "$WORK/hist"
for _ in $(seq "$RUNS"); do
  run >> "$WORK/plain"
  run --history >> "$WORK/hist"
done
plain=$(cut -d' ' -f1 "$WORK/plain" | median)
with=$(cut -d' ' -f1 "$WORK/hist" | median)
own=$(cut -d' ' -f2 "$WORK/hist" | median)
pages_with=$(find "$WORK/site" -name '*.html' | wc -l)
echo "versions: $VERSIONS tags, runs: $RUNS (medians)"
echo "build without history: ${plain} ms"
echo "build with history:    ${with} ms ($pages_with pages)"
echo "history's own time:    ${own} ms ($(awk -v a="$own" -v b="$with" 'BEGIN { printf "%.0f", 100 * a / b }') % of the build with history)"

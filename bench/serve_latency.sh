#!/usr/bin/env bash
# Edit-to-reload latency of `ladder serve` (SPEC section 6): the time from a saved edit
# to the reload event reaching an open page, on the example ladder in content/ and on
# generated ladders (default 1,000 and 10,000 levels).
#
#   bash bench/serve_latency.sh                 # example + 1,000 + 10,000 levels
#   SIZES="1000" EDITS=10 bash bench/serve_latency.sh
#
# Each project is a fresh copy on a tmpfs (BENCH_TMP, default /dev/shm), so that the
# disk does not time itself; the copies are deleted at the end. The measuring itself
# is examples/serve_latency.rs (it starts `ladder serve`, opens the events channel and
# saves one track file as editors do: temporary file, then rename). The generator is
# examples/gen.rs when the repository has it, else a minimal one below (ten levels
# per track, three labelled competencies and four responsibilities per level).
# A benchmark, not a test: the numbers depend on the machine and on its load.
set -euo pipefail
cd "$(dirname "$0")/.."

SIZES="${SIZES:-1000 10000}"
EDITS="${EDITS:-20}"
TMP_ROOT="${BENCH_TMP:-/dev/shm}"
[ -d "$TMP_ROOT" ] || TMP_ROOT="${TMPDIR:-/tmp}"

echo "building ladder and the latency probe (release)" >&2
cargo build --release --quiet --bin ladder --example serve_latency
GEN=""
if [ -f examples/gen.rs ]; then
  cargo build --release --quiet --example gen
  GEN="target/release/examples/gen"
fi

WORK="$(mktemp -d "$TMP_ROOT/ladder-serve-latency.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

# A minimal generator: N levels as N/10 tracks of ten levels at bands 1..10.
minimal_gen() {
  local levels="$1" out="$2" tracks t l
  tracks=$(( (levels + 9) / 10 ))
  mkdir -p "$out/content"
  printf 'title: Synthetic Ladder\n' > "$out/ladder.yaml"
  for ((t = 1; t <= tracks; t++)); do
    local id file
    id=$(printf 't%04d' "$t")
    file="$out/content/$id.md"
    {
      printf -- '---\ntitle: Track %d\nid: %s\nsummary: Synthetic track %d.\n' "$t" "$id" "$t"
      printf 'dimensions:\n  - Technical Ability\n  - Scope\n  - Communication\nlevels:\n'
      for ((l = 1; l <= 10; l++)); do
        printf '  - title: Level %d\n    id: level-%d\n    code: %s-%d\n    band: %d\n' "$l" "$l" "${id^^}" "$l" "$l"
      done
      printf -- '---\n\n# Track %d\n\nAn introduction to track %d.\n' "$t" "$t"
      for ((l = 1; l <= 10; l++)); do
        printf '\n## Level %d\n\nSomeone at level %d of track %d delivers reliable work with growing scope.\n\n' "$l" "$l" "$t"
        printf '**Technical Ability:** designs and reviews systems of level %d complexity, tests them well and documents the decisions taken.\n\n' "$l"
        printf '**Scope:** owns work of size %d across the team, and plans it.\n\n' "$l"
        printf '**Communication:** writes clearly for audiences of size %d and listens first.\n\n' "$l"
        printf '**Responsibilities:**\n\n- deliver level %d work\n- review peers at level %d\n- mentor level %d\n- keep the runbooks of level %d current\n' "$l" "$l" "$((l - 1))" "$l"
      done
    } > "$file"
  done
}

probe() {
  target/release/examples/serve_latency --ladder target/release/ladder "$@"
}

mkdir -p "$WORK/example"
cp -r content "$WORK/example/"
[ -f ladder.yaml ] && cp ladder.yaml "$WORK/example/"
probe --root "$WORK/example" --edits "$EDITS" --file content/technical.md

for n in $SIZES; do
  if [ -n "$GEN" ]; then
    "$GEN" --levels "$n" --out "$WORK/l$n" >/dev/null
  else
    minimal_gen "$n" "$WORK/l$n"
  fi
  # Larger ladders take seconds per rebuild: fewer edits keep the run short.
  edits="$EDITS"
  if [ "$n" -ge 10000 ] && [ "$edits" -gt 10 ]; then edits=10; fi
  probe --root "$WORK/l$n" --edits "$edits"
done

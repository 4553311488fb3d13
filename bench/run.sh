#!/usr/bin/env bash
# The benchmark of SPEC section 6: `ladder build` against Hugo on the same synthetic
# levels, at several sizes, in one run, alternating.
#
#   bash bench/run.sh                      # N = 100, 1000, 10000; 5 pairs each
#   SIZES="1000" PAIRS=7 bash bench/run.sh
#   KEEP=1 bash bench/run.sh               # keep the corpora and outputs (path printed)
#
# Method (SPEC section 6): corpora and every output live on a tmpfs; each timed build
# writes into a fresh output folder and nothing is deleted between timed runs (on these
# machines deleting 10,000 files and creating 10,000 soon after adds kernel time that
# varies from run to run and hides the tools' own cost). For each size: one warm-up
# build of each tool, then PAIRS pairs, alternating which tool goes first. Wall time
# is read from the clock around each run; CPU time (user + sys) and peak RSS come from
# GNU time (`/usr/bin/time -f`).
# Prints, per size, the median of each measure and the median of the pairwise
# ratios ladder/Hugo. Raw samples go to $WORK/samples.tsv (and to $CSV if set).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

SIZES=${SIZES:-"100 1000 10000"}
PAIRS=${PAIRS:-5}
SEED=${SEED:-42}

need_apt=()
command -v hugo >/dev/null 2>&1 || need_apt+=(hugo)
[ -x /usr/bin/time ] || need_apt+=(time)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "installing ${need_apt[*]} from Debian's packages" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

echo "building ladder and the generator (release)" >&2
cargo build --release --quiet --bin ladder --example gen
LADDER="$ROOT/target/release/ladder"
GEN="$ROOT/target/release/examples/gen"
HUGO=$(command -v hugo)

# A tmpfs for corpora and outputs: /dev/shm when it is one, else mount one.
if [ -z "${WORK:-}" ]; then
  if [ "$(stat -f -c %T /dev/shm 2>/dev/null)" = tmpfs ] && [ -w /dev/shm ]; then
    WORK=$(mktemp -d /dev/shm/ladder-bench.XXXXXX)
  else
    WORK=$(mktemp -d /tmp/ladder-bench.XXXXXX)
    mount -t tmpfs -o size=8g tmpfs "$WORK" || {
      echo "error: no tmpfs available (need /dev/shm or permission to mount one)" >&2
      exit 2
    }
  fi
fi
cleanup() {
  if [ -z "${KEEP:-}" ]; then
    rm -rf "$WORK"/* 2>/dev/null || true
    mountpoint -q "$WORK" && umount "$WORK"
    rm -rf "$WORK"
  else
    echo "kept $WORK" >&2
  fi
}
trap cleanup EXIT
SAMPLES="$WORK/samples.tsv"
printf 'size\tpair\ttool\twall_s\tcpu_s\trss_kb\n' >"$SAMPLES"

# timed TOOL SIZE RUN: one build into a fresh folder; appends a sample line
# (RUN "warm" is not recorded).
timed() {
  local tool=$1 n=$2 run=$3
  local out="$WORK/$n/out/$tool-$run" t="$WORK/$n/time/$tool-$run" log="$WORK/$n/log/$tool-$run"
  local status=0 t0 t1
  t0=$(date +%s%N)
  case $tool in
    ladder) /usr/bin/time -f '%e %U %S %M' -o "$t" \
              "$LADDER" build --root "$WORK/$n/ladder" --output "$out" >"$log" 2>&1 || status=$? ;;
    hugo)   /usr/bin/time -f '%e %U %S %M' -o "$t" \
              "$HUGO" --source "$WORK/$n/hugo" --destination "$out" --quiet >"$log" 2>&1 || status=$? ;;
  esac
  t1=$(date +%s%N)
  if [ "$status" -ne 0 ]; then
    echo "error: $tool build at N=$n failed (exit $status):" >&2
    tail -n 30 "$log" >&2
    exit 1
  fi
  if [ "$run" != warm ]; then
    # GNU time writes "Command exited..." lines first on failure; the last line is ours.
    # Wall time from the clock around the run (GNU time's %e has 10 ms steps, too
    # coarse at 100 levels); CPU (user + sys) and peak RSS from GNU time.
    tail -n 1 "$t" | awk -v n="$n" -v run="$run" -v tool="$tool" -v ns=$((t1 - t0)) \
      '{ printf "%s\t%s\t%s\t%.4f\t%.3f\t%d\n", n, run, tool, ns / 1e9, $2 + $3, $4 }' >>"$SAMPLES"
  fi
}

median() { sort -g | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

# column SIZE TOOL FIELD: the samples of one measure.
column() { awk -F'\t' -v n="$1" -v tool="$2" -v f="$3" 'NR > 1 && $1 == n && $3 == tool { print $f }' "$SAMPLES"; }

# ratios SIZE FIELD: ladder/Hugo for each pair.
ratios() {
  awk -F'\t' -v n="$1" -v f="$2" 'NR > 1 && $1 == n { v[$2, $3] = $f; p[$2] = 1 }
    END { for (i in p) if (v[i, "hugo"] > 0) print v[i, "ladder"] / v[i, "hugo"] }' "$SAMPLES"
}

echo
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
echo "ladder: $("$LADDER" --version)   hugo: $("$HUGO" version | awk '{ print $2 }')"
echo "work folder (tmpfs): $WORK; $PAIRS pairs per size after one warm-up"
# Other work on the machine inflates wall times (both tools alike); say how busy it was.
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"

declare -a SUMMARY
for n in $SIZES; do
  mkdir -p "$WORK/$n/out" "$WORK/$n/time" "$WORK/$n/log"
  "$GEN" --levels "$n" --out "$WORK/$n/ladder" --hugo "$WORK/$n/hugo" --seed "$SEED" 2>/dev/null
  timed ladder "$n" warm
  timed hugo "$n" warm
  for i in $(seq 1 "$PAIRS"); do
    if [ $((i % 2)) -eq 1 ]; then
      timed ladder "$n" "$i"; timed hugo "$n" "$i"
    else
      timed hugo "$n" "$i"; timed ladder "$n" "$i"
    fi
  done
  lf=$(find "$WORK/$n/out/ladder-warm" -type f | wc -l)
  hf=$(find "$WORK/$n/out/hugo-warm" -type f | wc -l)
  lw=$(column "$n" ladder 4 | median); hw=$(column "$n" hugo 4 | median)
  lc=$(column "$n" ladder 5 | median); hc=$(column "$n" hugo 5 | median)
  lr=$(column "$n" ladder 6 | median); hr=$(column "$n" hugo 6 | median)
  rw=$(ratios "$n" 4 | median); rc=$(ratios "$n" 5 | median); rr=$(ratios "$n" 6 | median)
  echo
  echo "N = $n levels ($(( (n + 9) / 10 )) tracks): ladder writes $lf files, Hugo $hf"
  printf '  %-8s %10s %10s %14s %16s\n' tool "wall s" "cpu s" "peak RSS MiB" "wall µs/level"
  printf '  %-8s %10.3f %10.3f %14.1f %16.1f\n' ladder "$lw" "$lc" "$(echo "$lr" | awk '{ print $1 / 1024 }')" "$(echo "$lw $n" | awk '{ print $1 * 1e6 / $2 }')"
  printf '  %-8s %10.3f %10.3f %14.1f %16.1f\n' hugo "$hw" "$hc" "$(echo "$hr" | awk '{ print $1 / 1024 }')" "$(echo "$hw $n" | awk '{ print $1 * 1e6 / $2 }')"
  printf '  median of pairwise ratios ladder/Hugo: wall %.2f, cpu %.2f, peak RSS %.2f\n' "$rw" "$rc" "$rr"
  SUMMARY+=("$(printf '| %s | %.3f | %.3f | %.2f | %.3f | %.3f | %.2f | %.0f | %.0f | **%.2f** | %.2f | %.2f |' \
    "$n" "$lw" "$lc" "$(echo "$lr" | awk '{ print $1 / 1024 }')" "$hw" "$hc" "$(echo "$hr" | awk '{ print $1 / 1024 }')" \
    "$(echo "$lw $n" | awk '{ print $1 * 1e6 / $2 }')" "$(echo "$hw $n" | awk '{ print $1 * 1e6 / $2 }')" "$rw" "$rc" "$rr")")
done

echo
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "Markdown table (medians; ratios are medians of the pairwise ratios):"
echo
echo "| levels | ladder wall s | ladder CPU s | ladder RSS MiB | Hugo wall s | Hugo CPU s | Hugo RSS MiB | ladder µs/level | Hugo µs/level | wall ratio | CPU ratio | RSS ratio |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
printf '%s\n' "${SUMMARY[@]}"
if [ -n "${CSV:-}" ]; then cp "$SAMPLES" "$CSV"; echo "raw samples: $CSV"; fi

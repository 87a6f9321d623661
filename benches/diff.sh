#!/usr/bin/env bash
# Benchmark of `remiss diff` on a ~1,000-paragraph statute pair, against
# `git diff --no-index --word-diff` on the same pair.
#
# The pair is built from the real LEK versions (corpus/sfs/lag-2022-482-...): each version
# is concatenated COPIES times with the chapter numbers shifted by 15 per copy, so the
# old file has 4 × 244 = 976 paragraphs and the new one 4 × 241 = 964, with the same kind
# of changes (a removed block, a renumbered block, new and changed paragraphs) in every
# copy. The files go to a temporary directory, never into the repository.
#
# Prints the median wall time and peak RSS (from /usr/bin/time -v) of both commands over
# RUNS runs, the ratio remiss / git, and the peak RSS relative to the input size.
#
# `remiss` is the json output; tsv and html are timed as well, each with its ratio to git.
#
# With CALLGRIND=1 (and valgrind installed) it also prints each command's instruction count
# under `valgrind --tool=callgrind`: counts do not depend on the machine's load, so two
# builds can be compared on a busy machine.
#
# The commands run in turn, one run each per round, so the machine's load falls on all of
# them alike. With BASE=/path/to/an/older/remiss in the environment, that binary's json,
# tsv and html runs join the rounds (as base, base_tsv, base_html), for a paired
# before/after.
#
# With REMISS=/path/to/remiss in the environment, that binary is timed instead of the
# release build (benches/pgo.sh makes one).
#
# With PAIR=sfb, the pair is instead two real versions as they stand: Socialförsäkrings-
# balken in force 2025-12-31 and 2026-01-01 (0.8 MB and 2,035 paragraphs each, 21 of them
# changed or added), the repository's largest pair.
#
# With BUSY=1, a busy loop holds the last processor for the whole of the timed rounds, at
# the same priority: it then runs at about half speed for whatever else is placed there,
# which shows what `remiss diff` (two threads) and git (one) make of two processors that
# are unequal, as those of a virtual machine often are for seconds at a time. Needs
# taskset (util-linux) and at least two processors.
#
# Usage: benches/diff.sh [RUNS]   (default 11; COPIES=4 in the environment to change)
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS="${1:-11}"
COPIES="${COPIES:-4}"
LEK=corpus/sfs/lag-2022-482-elektronisk-kommunikation
TMP="$(mktemp -d)"
BUSY_PID=
cleanup() {
  [[ -n "$BUSY_PID" ]] && kill "$BUSY_PID" 2>/dev/null
  rm -rf "$TMP"
}
trap cleanup EXIT

if [[ ! -x /usr/bin/time ]]; then
  echo "needs /usr/bin/time (Debian: apt-get install time)" >&2
  exit 2
fi

# build_version SRC OUT: COPIES copies, chapters shifted, övergångsbestämmelser only once.
build_version() {
  local src="$1" out="$2"
  : >"$out"
  for ((c = 0; c < COPIES; c++)); do
    local last=$((c == COPIES - 1))
    awk -v shift=$((c * 15)) -v last="$last" '
      /^Övergångsbestämmelser$/ && !last { exit }
      # A chapter heading: `N kap. Heading` alone in its block (the parser checks the rest).
      match($0, /^[0-9]+ kap\. [A-ZÅÄÖ]/) {
        n = $1 + shift; sub(/^[0-9]+/, n); print; next
      }
      { print }
    ' "$src" >>"$out"
    echo >>"$out"
  done
}

if [[ "${PAIR:-}" == sfb ]]; then
  SFB=corpus/sfs/socialforsakringsbalk-2010-110
  cp "$SFB/sfs-2010-110_in-force-2025-12-31.txt" "$TMP/old.txt"
  cp "$SFB/sfs-2010-110_in-force-2026-01-01.txt" "$TMP/new.txt"
else
  build_version "$LEK/sfs-2022-482_in-force-2026-01-14.txt" "$TMP/old.txt"
  build_version "$LEK/sfs-2022-482_in-force-2026-01-15.txt" "$TMP/new.txt"
fi

if [[ -z "${REMISS:-}" ]]; then
  cargo build --release --quiet
fi
# remiss (and BASE) run from copies made here, side by side, as an installed binary runs
# from the copy `cargo install` makes. The same bytes ran up to 0.7 ms slower or faster on
# the bench pair depending on how the file came into the page cache (just linked, copied
# an hour before, or read back from disk), so a binary just linked is no fair pair for one
# copied long ago, nor for git.
cp "${REMISS:-target/release/remiss}" "$TMP/remiss"
BIN="$TMP/remiss"
if [[ -n "${BASE:-}" ]]; then
  cp "$BASE" "$TMP/base"
  BASE="$TMP/base"
fi

paragraphs() { "$BIN" parse "$1" --format tsv | awk -F'\t' '$2 == "paragraf"' | wc -l; }
old_p=$(paragraphs "$TMP/old.txt")
new_p=$(paragraphs "$TMP/new.txt")
old_b=$(stat -c %s "$TMP/old.txt")
new_b=$(stat -c %s "$TMP/new.txt")
echo "pair: $old_p → $new_p paragraphs, $old_b + $new_b bytes"

# Sanity: the relations scale with the copies.
{ "$BIN" diff "$TMP/old.txt" "$TMP/new.txt" --format tsv || true; } | cut -f1 | sort | uniq -c | tr '\n' ' '
echo

# set_cmd NAME: the named command into CMD.
set_cmd() {
  case "$1" in
  remiss) CMD=("$BIN" diff "$TMP/old.txt" "$TMP/new.txt" --format json) ;;
  remiss_tsv) CMD=("$BIN" diff "$TMP/old.txt" "$TMP/new.txt" --format tsv) ;;
  remiss_html) CMD=("$BIN" diff "$TMP/old.txt" "$TMP/new.txt" --format html) ;;
  base) CMD=("$BASE" diff "$TMP/old.txt" "$TMP/new.txt" --format json) ;;
  base_tsv) CMD=("$BASE" diff "$TMP/old.txt" "$TMP/new.txt" --format tsv) ;;
  base_html) CMD=("$BASE" diff "$TMP/old.txt" "$TMP/new.txt" --format html) ;;
  git) CMD=(git diff --no-index --word-diff "$TMP/old.txt" "$TMP/new.txt") ;;
  esac
}
NAMES=(remiss remiss_tsv remiss_html git)
if [[ -n "${BASE:-}" ]]; then
  NAMES+=(base base_tsv base_html)
fi

# RUNS rounds after one warm-up; each round runs every command once, in turn, so a change
# in the machine's load falls on all of them alike and the ratios stay paired. Writes
# "wall_seconds max_rss_kb" lines to $TMP/NAME.runs.
for name in "${NAMES[@]}"; do
  set_cmd "$name"
  "${CMD[@]}" >/dev/null 2>&1 || true
  : >"$TMP/$name.runs"
done
if [[ "${BUSY:-0}" == 1 ]]; then
  last=$(($(nproc) - 1))
  if ((last < 1)) || ! command -v taskset >/dev/null; then
    echo "BUSY=1 needs taskset and two processors" >&2
    exit 2
  fi
  taskset -c "$last" bash -c 'while :; do :; done' &
  BUSY_PID=$!
  echo "busy loop on processor $last"
fi
for ((i = 0; i < RUNS; i++)); do
  for name in "${NAMES[@]}"; do
    set_cmd "$name"
    /usr/bin/time -f '%e %M' -o "$TMP/$name.one" "${CMD[@]}" >/dev/null 2>&1 || true
    # %e has only 10 ms resolution; use our own clock for wall time.
    t0=$(date +%s%N)
    "${CMD[@]}" >/dev/null 2>&1 || true
    t1=$(date +%s%N)
    echo "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f", (b - a) / 1e9 }') $(tail -n 1 "$TMP/$name.one" | cut -d' ' -f2)" >>"$TMP/$name.runs"
  done
done

if [[ -n "$BUSY_PID" ]]; then
  kill "$BUSY_PID"
  BUSY_PID=
fi

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.4f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

report() {
  local name="$1"
  local t m
  t=$(cut -d' ' -f1 "$TMP/$name.runs" | median)
  m=$(cut -d' ' -f2 "$TMP/$name.runs" | median)
  printf '%-12s median wall %7.1f ms   median peak RSS %7.1f MiB\n' "$name" "$(awk -v t="$t" 'BEGIN { print t * 1000 }')" "$(awk -v m="$m" 'BEGIN { print m / 1024 }')"
}

echo "runs: $RUNS"
for name in "${NAMES[@]}"; do
  report "$name"
done
gt=$(cut -d' ' -f1 "$TMP/git.runs" | median)
for name in "${NAMES[@]}"; do
  [[ "$name" == git ]] && continue
  rt=$(cut -d' ' -f1 "$TMP/$name.runs" | median)
  awk -v n="$name" -v r="$rt" -v g="$gt" 'BEGIN { printf "ratio %s/git (wall, medians): %.2f\n", n, r / g }'
done
rm_kb=$(cut -d' ' -f2 "$TMP/remiss.runs" | median)
awk -v m="$rm_kb" -v b=$((old_b + new_b)) 'BEGIN { printf "remiss peak RSS / input bytes: %.1f×\n", m * 1024 / b }'

if [[ "${CALLGRIND:-0}" == 1 ]]; then
  # instructions NAME CMD...: the instruction count of one run (all threads).
  instructions() {
    local name="$1"
    shift
    valgrind --tool=callgrind --callgrind-out-file="$TMP/$name.cg" "$@" >/dev/null 2>"$TMP/$name.cglog" || true
    awk -v n="$name" '/Collected :/ { printf "%-12s instructions %8.1f M\n", n, $NF / 1e6 }' "$TMP/$name.cglog"
  }
  for name in "${NAMES[@]}"; do
    set_cmd "$name"
    instructions "$name" "${CMD[@]}"
  done
fi

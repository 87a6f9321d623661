#!/usr/bin/env bash
# Peak memory and wall time of `remiss parse` on a 0.6 MB and a 50 MB statute built from the
# real LEK text (chapters renumbered so the copies form one long statute). Needs GNU time
# (/usr/bin/time). Usage: benches/parse_memory.sh   (REMISS_BIN=path to measure another build)
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=benches/bin.sh
source benches/bin.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
lek=corpus/sfs/lag-2022-482-elektronisk-kommunikation/sfs-2022-482_in-force-2026-01-15.txt
body() { awk '/^Övergångsbestämmelser$/{exit} {print}' "$lek"; }
for copy in 0 1 2 3; do
  body | awk -v off=$((copy * 15)) '/^[0-9]+ kap\. [A-ZÅÄÖ]/{ $1 = $1 + off } {print}'
done > "$tmp/big.txt"
for _ in $(seq 85); do cat "$tmp/big.txt"; done > "$tmp/huge.txt"
echo "1 § Text." > "$tmp/tiny.txt"
# A real statute of 7 KB, whose own data is a few tens of kB: what a parse takes whatever
# the input (its code pages among it), as far as a real text shows it.
cp corpus/sfs/lag-2006-24-nationella-toppdomaner/sfs-2006-24_in-force-2026-01-15.txt "$tmp/small.txt"

# The peak counts the binary's code pages the run touched, which the kernel maps in runs
# (fault-around) whose extent depends on the address layout of each run and on how the
# binary's file sits in the page cache (a freshly written binary maps differently from one
# read in before): one run swings by a few hundred kB, and two binaries compare fairly
# only when both were written (or both read) the same way. Each figure is the median of
# several runs (RUNS, default 7; the 50 MB file is run 3 times).
runs=${RUNS:-7}
measure() { # file format
  local n=$runs
  [ "$(stat -c %s "$1")" -gt 10000000 ] && n=3
  for _ in $(seq "$n"); do
    /usr/bin/time -f "%M %e" "$bin" parse --format "$2" "$1" 2>&1 >/dev/null | tail -n 1
  done | sort -n | awk '{a[NR] = $0} END {print a[int((NR + 1) / 2)]}'
}
# The target (issue 14) is the peak above the process baseline, which the one-line file
# shows (above/input). A one-line file runs little of the parser, though, and the pages of
# code a real statute runs through (some 0.5 MB on this machine) count in the peak of any
# real text: above/small, over the peak of the 7 KB statute in the same format, is what
# the input itself costs. On the 0.6 MB statute the two differ by 0.6–0.9 of its size.
read -r base _ < <(measure "$tmp/tiny.txt" tsv)
declare -A small_peak
for fmt in tsv json; do
  read -r small_peak[$fmt] _ < <(measure "$tmp/small.txt" "$fmt")
done
printf '%-10s %10s %6s %12s %8s %10s %10s %11s\n' file bytes format peak_kB wall_s peak/input above/input above/small
for f in tiny small big huge; do
  size=$(stat -c %s "$tmp/$f.txt")
  for fmt in tsv json; do
    read -r kb secs < <(measure "$tmp/$f.txt" "$fmt")
    ratio=$(awk -v k="$kb" -v s="$size" 'BEGIN{printf "%.2f", k*1024/s}')
    above=$(awk -v k="$kb" -v b="$base" -v s="$size" 'BEGIN{printf "%.2f", (k-b)*1024/s}')
    above_small=$(awk -v k="$kb" -v b="${small_peak[$fmt]}" -v s="$size" 'BEGIN{printf "%.2f", (k-b)*1024/s}')
    printf '%-10s %10d %6s %12d %8s %10s %10s %11s\n' "$f" "$size" "$fmt" "$kb" "$secs" "$ratio" "$above" "$above_small"
  done
done
echo "(baseline ${base} kB, the peak on a one-line file; the 7 KB statute's: ${small_peak[tsv]} kB tsv, ${small_peak[json]} kB json; throughput figures come from: cargo bench --bench parse)"

#!/usr/bin/env bash
# Whole-process time and peak memory of `remiss build` on a generated case: two draft
# versions of about 490 paragraphs (the sample draft's chapters repeated eight times) and
# 300 answers (the sample case's five answers, each repeated 60 times), with a manifest
# whose first copy of the city's answer is the lead, so the opinion's body is built too.
# Needs GNU time. The target (issue 14): a build of 300 answers within 1 s whole process and
# at most 100 MB peak memory.
# Usage: benches/build.sh [RUNS]   (REMISS_BIN=path to time another build of remiss)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
# shellcheck source=benches/bin.sh
source benches/bin.sh
tmp=$(mktemp -d)
trap "rm -rf $tmp" EXIT
case_dir=$tmp/case
mkdir -p "$case_dir/drafts" "$case_dir/answers"
src=corpus/msb-cybersakerhet
grow() { # draft -> 8 copies with chapters renumbered 1..48
  awk '/^Övergångsbestämmelser$/{exit} {print}' "$1" > "$tmp/body.txt"
  head -n 10 "$tmp/body.txt" | awk '!/^[0-9]+ kap\./' > "$2"
  for copy in 0 1 2 3 4 5 6 7; do
    awk -v off=$((copy * 6)) 'BEGIN{on=0} /^[0-9]+ kap\. [A-ZÅÄÖ]/{on=1; $1 = $1 + off} on{print}' "$tmp/body.txt"
  done >> "$2"
}
grow $src/drafts/1-remissversion.txt "$case_dir/drafts/1.txt"
grow $src/drafts/2-beslutad-version.txt "$case_dir/drafts/2.txt"
n=0
for i in $(seq 60); do
  for a in $src/answers/*.txt; do
    n=$((n + 1))
    cp "$a" "$case_dir/answers/$(printf '%03d' $n)-$(basename "$a")"
  done
done
"$bin" init "$case_dir" > /dev/null 2>&1
# The first copy of the office's answer is the lead: `lead = true` after its file line.
awk '{print} /^file = "answers\/[0-9]+-stockholm-ks/ && !done {print "lead = true"; done=1}' \
  "$case_dir/remiss.toml" > "$tmp/m.toml" && mv "$tmp/m.toml" "$case_dir/remiss.toml"
grep -c '^lead = true' "$case_dir/remiss.toml" | sed 's/^/lead answers: /'
"$bin" parse --format tsv "$case_dir/drafts/1.txt" | awk -F'\t' '$2=="paragraf"{p++} END{print "draft paragraphs:", p}'
echo "answers: $(ls "$case_dir/answers" | wc -l)"
in_bytes=$(du -cb "$case_dir"/drafts/* "$case_dir"/answers/* | tail -1 | cut -f1)
echo "input bytes: $in_bytes"
"$bin" build "$case_dir" -o "$tmp/out" > /dev/null 2>&1 # warm-up
for r in $(seq "$runs"); do
  /usr/bin/time -f "%e %M" "$bin" build "$case_dir" -o "$tmp/out" 2>&1 >/dev/null | tail -n 1
done | sort -n | awk '{t[NR]=$1; m[NR]=$2} END{printf "wall s: min %s median %s max %s; peak kB (median run): %s\n", t[1], t[int((NR+1)/2)], t[NR], m[int((NR+1)/2)]}'
echo "files written: $(find "$tmp/out" -type f | wc -l)"

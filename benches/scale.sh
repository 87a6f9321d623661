#!/usr/bin/env bash
# Scale simulation of `remiss build`: a generated case of N answers against a draft of about
# 2,000 paragraphs in two versions, for each N given (default 300 1000 5000). Prints the
# whole-process wall time and peak memory (GNU time) per point, and both divided by
# answers × paragraphs, so a curve that grows faster than linearly shows at a glance; then
# the size of what the build wrote.
#
# How the case is made (in a temporary folder, never in the repository):
# - drafts: the sample case's two versions (corpus/msb-cybersakerhet/drafts), their six
#   chapters repeated COPIES times (default 33, so about 2,000 paragraphs) with the chapter
#   numbers shifted by 6 per copy; the övergångsbestämmelser are left out;
# - answers: the sample's five real answers in turn; answer k cites the chapters of copy
#   k mod COPIES (every `N kap.` shifted by 6 × that copy), so the citations spread over
#   the whole draft instead of all landing on the first six chapters;
# - remiss.toml: written by `remiss init`, with the first copy of the city's answer as the
#   lead, so the opinion's body is built too.
#
# Usage: benches/scale.sh [N ...]      (COPIES=33 in the environment to change the draft;
#        REMISS_BIN=path to time another build of remiss)
set -euo pipefail
cd "$(dirname "$0")/.."
counts=("$@")
[[ ${#counts[@]} -gt 0 ]] || counts=(300 1000 5000)
copies=${COPIES:-33}
if [[ ! -x /usr/bin/time ]]; then
  echo "needs /usr/bin/time (Debian: apt-get install time)" >&2
  exit 2
fi
# shellcheck source=benches/bin.sh
source benches/bin.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
src=corpus/msb-cybersakerhet

grow() { # draft -> COPIES copies of its chapters, renumbered
  awk '/^Övergångsbestämmelser$/{exit} {print}' "$1" >"$tmp/body.txt"
  head -n 10 "$tmp/body.txt" | awk '!/^[0-9]+ kap\./' >"$2"
  for ((copy = 0; copy < copies; copy++)); do
    awk -v off=$((copy * 6)) 'BEGIN{on=0} /^[0-9]+ kap\. [A-ZÅÄÖ]/{on=1; $1 = $1 + off} on{print}' "$tmp/body.txt"
  done >>"$2"
}
mkdir -p "$tmp/drafts"
grow $src/drafts/1-remissversion.txt "$tmp/drafts/1.txt"
grow $src/drafts/2-beslutad-version.txt "$tmp/drafts/2.txt"
paragraphs=$("$bin" parse --format tsv "$tmp/drafts/1.txt" | awk -F'\t' '$2=="paragraf"{p++} END{print p}')
echo "draft: $paragraphs paragraphs ($(stat -c %s "$tmp/drafts/1.txt") bytes), $copies copies of the sample's chapters"

# make_answers N DIR: answer k is the sample's (k mod 5)-th answer with its chapters
# shifted to copy k mod COPIES.
make_answers() {
  local n=$1 dir=$2 k=0
  local files=($src/answers/*.txt)
  mkdir -p "$dir"
  for ((k = 0; k < n; k++)); do
    local a=${files[k % ${#files[@]}]}
    local off=$(((k % copies) * 6))
    perl -pe "s/\\b(\\d+)( kap\\.)/(\$1 + $off) . \$2/ge" "$a" >"$dir/$(printf '%05d' "$k")-$(basename "$a")"
  done
}

printf '%8s %10s %12s %9s %10s %16s %16s %10s\n' answers paragraphs input_bytes wall_s peak_MB 'us/(a×p)' 'bytes/(a×p)' output_MB
for n in "${counts[@]}"; do
  case_dir=$tmp/case-$n
  mkdir -p "$case_dir"
  cp -r "$tmp/drafts" "$case_dir/drafts"
  make_answers "$n" "$case_dir/answers"
  "$bin" init "$case_dir" >/dev/null 2>&1
  awk '{print} /^file = "answers\/[0-9]+-stockholm-ks/ && !done {print "lead = true"; done=1}' \
    "$case_dir/remiss.toml" >"$tmp/m.toml" && mv "$tmp/m.toml" "$case_dir/remiss.toml"
  in_bytes=$(du -cb "$case_dir"/drafts/* "$case_dir"/answers/* | tail -1 | cut -f1)
  # What the earlier points wrote and deleted (over a gigabyte of output at 1,000 answers)
  # and this case's files go to the disk before the timing, not during it: the kernel's
  # writeback of them on a two-processor machine took a processor from the build timed
  # next (the 5,000-answer build took 9.9 s after the 1,000-answer point, 6.4 s on its own).
  sync
  read -r secs kb < <(/usr/bin/time -f "%e %M" "$bin" build "$case_dir" -o "$tmp/out-$n" 2>&1 >/dev/null | tail -n 1)
  out_bytes=$(du -sb "$tmp/out-$n" | cut -f1)
  awk -v n="$n" -v p="$paragraphs" -v b="$in_bytes" -v s="$secs" -v k="$kb" -v o="$out_bytes" 'BEGIN {
    printf "%8d %10d %12d %9.2f %10.1f %16.3f %16.1f %10.0f\n", n, p, b, s, k / 1024, s * 1e6 / (n * p), k * 1024 / (n * p), o / 1e6
  }'
  rm -rf "$case_dir" "$tmp/out-$n"
done

#!/usr/bin/env bash
# remiss serve: how long after a save the rebuilt pages are served, on a case of N PDF
# answers (copies of tests/fixtures/pdf/stockholm-ks-2025-1384-remissvar.pdf under other
# names, against the sample case's drafts). Each round confirms one more reading and waits
# for the build's generation to move; prints the median and the largest of the rounds.
#   benches/serve_rebuild.sh [N=40] [ROUNDS=7] [BINARY=target/release/remiss]
# Give BINARY an older build to compare (run both in one sitting: the machine is noisy).
# Loopback only; stops its server (by its id) when done.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-40}
rounds=${2:-7}
bin=${3:-target/release/remiss}
[ -x "$bin" ] || cargo build --release --bin remiss
work=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"' EXIT
case=$work/case
mkdir -p "$case/drafts" "$case/answers"
cp corpus/msb-cybersakerhet/drafts/1-remissversion.txt "$case/drafts/"
{
  echo 'title = "Bench"'
  echo '[[drafts]]'
  echo 'file = "drafts/1-remissversion.txt"'
  echo 'label = "Remissversion"'
} >"$case/remiss.toml"
for i in $(seq 1 "$n"); do
  cp tests/fixtures/pdf/stockholm-ks-2025-1384-remissvar.pdf "$case/answers/svar-$i.pdf"
  printf '[[answers]]\nfile = "answers/svar-%s.pdf"\nrespondent = "Remissinstans %s"\n' "$i" "$i" >>"$case/remiss.toml"
done
"$bin" serve "$case" -o "$work/out" >"$work/url" 2>"$work/log" &
pid=$!
for _ in $(seq 1 600); do [ -s "$work/url" ] && break; sleep 0.1; done
url=$(head -1 "$work/url")
[ -n "$url" ] || { cat "$work/log"; exit 1; }
token=$(curl -s "${url}sammanstallning.html" | grep -o 'token:"[0-9a-f]*"' | cut -d'"' -f2)
gen() { curl -s "${url}_remiss/api/state" | grep -o '"generation":[0-9]*' | cut -d: -f2; }
times=()
for r in $(seq 1 "$rounds"); do
  g=$(gen)
  start=$(date +%s%N)
  curl -s -o /dev/null -H "X-Remiss-Token: $token" -H 'Content-Type: application/json' \
    -d "{\"r\":\"r$r\",\"target\":\"K2P7\",\"base\":\"\",\"action\":\"confirm\"}" \
    "${url}_remiss/api/review"
  for _ in $(seq 1 1200); do [ "$(gen)" != "$g" ] && break; sleep 0.05; done
  times+=($((($(date +%s%N) - start) / 1000000)))
done
sorted=$(printf '%s\n' "${times[@]}" | sort -n)
echo "serve rebuild after a save, $n PDF answers, $rounds rounds ($bin): median $(echo "$sorted" | sed -n "$(((rounds + 1) / 2))p") ms, max $(echo "$sorted" | tail -1) ms"

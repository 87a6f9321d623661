#!/usr/bin/env bash
# Checks that a large comparison gives the same bytes on every run: the word diffs are
# bounded by counted work, not by time. Builds a pair of about PARAGRAPHS paragraphs
# (default 50,000) from the real statute in corpus/sfs/ (each paragraph's wording taken in
# turn; in the new version every third paragraph has words changed and every seventh is
# rewritten), runs `remiss diff --format json` RUNS times (default 3) and compares.
#
#   benches/determinism.sh            # 50,000 paragraphs, 3 runs
#   benches/determinism.sh 5000 5     # smaller, 5 runs
#   REMISS_BIN=../main/target/release/remiss benches/determinism.sh   # another build
set -euo pipefail
cd "$(dirname "$0")/.."
PARAGRAPHS="${1:-50000}"
RUNS="${2:-3}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
BIN="${REMISS_BIN:-./target/release/remiss}"
[ -n "${REMISS_BIN:-}" ] || cargo build --release --quiet
python3 - "$PARAGRAPHS" "$work" <<'PY'
import re, sys
n, out = int(sys.argv[1]), sys.argv[2]
src = open("corpus/sfs/lag-2022-482-elektronisk-kommunikation/sfs-2022-482_in-force-2026-01-14.txt", encoding="utf-8").read()
# The wording of every paragraph of the statute, without its label.
texts = [re.sub(r"\s+", " ", t).strip() for t in re.split(r"\n\s*\d+ [a-z]? ?§ ", src)[1:]]
texts = [t for t in texts if len(t.split()) > 5]
old, new = [], []
per_chapter = 250
for i in range(n):
    k, p = i // per_chapter + 1, i % per_chapter + 1
    if p == 1:
        old.append(f"{k} kap. Kapitel {k}\n")
        new.append(f"{k} kap. Kapitel {k}\n")
    t = texts[i % len(texts)]
    words = t.split()
    if i % 7 == 0:
        u = " ".join(reversed(words))
    elif i % 3 == 0:
        u = " ".join(w if j % 5 else w.upper() for j, w in enumerate(words))
    else:
        u = t
    old.append(f"{p} § {t[0].upper() + t[1:]}\n")
    new.append(f"{p} § {u[0].upper() + u[1:]}\n")
open(f"{out}/old.txt", "w", encoding="utf-8").write("\n".join(old))
open(f"{out}/new.txt", "w", encoding="utf-8").write("\n".join(new))
PY
for i in $(seq 1 "$RUNS"); do
  start=$(date +%s%N)
  "$BIN" diff "$work/old.txt" "$work/new.txt" --format json > "$work/run-$i.json" 2> "$work/run-$i.err" || true
  end=$(date +%s%N)
  fallbacks=$(grep -m1 '"fallbacks"' "$work/run-$i.json" | tr -dc '0-9')
  printf 'run %s: %s ms, fallbacks %s, sha256 %s\n' "$i" "$(( (end - start) / 1000000 ))" \
    "${fallbacks:-?}" "$(sha256sum < "$work/run-$i.json" | cut -c1-16)"
done
if [ "$(sha256sum "$work"/run-*.json | cut -d' ' -f1 | sort -u | wc -l)" = 1 ]; then
  echo "identical: all $RUNS runs gave the same bytes"
else
  echo "DIFFERENT: the runs disagree"; exit 1
fi

#!/usr/bin/env bash
# Checks that two `remiss` binaries give `remiss diff` the same bytes: standard output,
# standard error and exit code, in every format (tsv, json, html, md, text), to standard
# output and with `-o FILE` (the file's bytes too). For a change that is meant to make the
# diff faster and nothing else.
#
# The pairs: the ~1,000-paragraph bench pair of benches/diff.sh (built the same way, in a
# temporary directory), every pair of consecutive versions in corpus/sfs/, an amendment
# applied to its base (corpus/msbfs-andring, LEK with lag 2025:1511), a Word document with
# tracked changes compared with itself, and the errors: a missing file on either side, a
# file that is not a regulation on either side, a file compared with itself.
#
# Usage: benches/diff_same.sh OLD_BINARY [NEW_BINARY]   (NEW defaults to target/release/remiss)
# Exit 0 when every run is the same; 1 and the differing runs listed otherwise.
set -uo pipefail
cd "$(dirname "$0")/.."

A="${1:?give the older binary}"
B="${2:-target/release/remiss}"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

LEK=corpus/sfs/lag-2022-482-elektronisk-kommunikation
# The bench pair, as benches/diff.sh builds it (4 copies, chapters shifted by 15 a copy).
build_version() {
  local src="$1" out="$2"
  : >"$out"
  for ((c = 0; c < 4; c++)); do
    awk -v shift=$((c * 15)) -v last=$((c == 3)) '
      /^Övergångsbestämmelser$/ && !last { exit }
      match($0, /^[0-9]+ kap\. [A-ZÅÄÖ]/) { n = $1 + shift; sub(/^[0-9]+/, n); print; next }
      { print }
    ' "$src" >>"$out"
    echo >>"$out"
  done
}
build_version "$LEK/sfs-2022-482_in-force-2026-01-14.txt" "$TMP/old.txt"
build_version "$LEK/sfs-2022-482_in-force-2026-01-15.txt" "$TMP/new.txt"

pairs=("$TMP/old.txt $TMP/new.txt")
for d in corpus/sfs/*/; do
  mapfile -t v < <(ls "$d"*_in-force-*.txt 2>/dev/null | sort)
  for ((i = 0; i + 1 < ${#v[@]}; i++)); do pairs+=("${v[i]} ${v[i + 1]}"); done
done
pairs+=(
  "corpus/msbfs-andring/drafts/0-gallande.txt corpus/msbfs-andring/drafts/1-forslag.txt"
  "$LEK/sfs-2022-482_in-force-2026-01-14.txt tests/fixtures/amend/lag-2025-1511.txt"
  "tests/fixtures/docx/msb-tracked-changes.docx"
  "$TMP/old.txt $TMP/missing.txt"
  "$TMP/missing.txt $TMP/new.txt"
  "$TMP/old.txt README.md"
  "README.md $TMP/new.txt"
  "$TMP/old.txt $TMP/old.txt"
)

# run BIN TAG OLD NEW FORMAT: both ways of writing, outputs under $TMP/TAG.*
run() {
  local bin="$1" tag="$2" old="$3" new="$4" f="$5"
  # shellcheck disable=SC2086 # NEW is empty for the Word document compared with itself
  "$bin" diff "$old" $new --format "$f" >"$TMP/$tag.out" 2>"$TMP/$tag.err"
  echo $? >"$TMP/$tag.rc"
  rm -f "$TMP/$tag.file"
  # shellcheck disable=SC2086
  "$bin" diff "$old" $new --format "$f" -o "$TMP/$tag.file" >"$TMP/$tag.fout" 2>"$TMP/$tag.ferr"
  echo $? >"$TMP/$tag.frc"
  # The output file's name differs between the two runs' messages.
  sed -i "s#$TMP/$tag#OUT#g" "$TMP/$tag.ferr"
}

n=0
fail=0
for p in "${pairs[@]}"; do
  read -r old new <<<"$p"
  for f in tsv json html md text; do
    run "$A" a "$old" "${new:-}" "$f"
    run "$B" b "$old" "${new:-}" "$f"
    for x in out err rc file fout ferr frc; do
      if [[ -e "$TMP/a.$x" || -e "$TMP/b.$x" ]] && ! cmp -s "$TMP/a.$x" "$TMP/b.$x"; then
        echo "differs ($x): $p --format $f"
        fail=1
      fi
    done
    n=$((n + 1))
  done
done
echo "$n comparisons (each to standard output and with -o): $([[ $fail == 0 ]] && echo 'all the same' || echo 'some differ')"
exit $fail

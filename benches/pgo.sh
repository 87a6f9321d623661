#!/usr/bin/env bash
# Builds a profile-guided `remiss` into target/pgo/remiss, for whoever installs or packages
# the binary: about a tenth fewer instructions, and time, on diffs and parses than the
# plain release build, with the same output.
#
# Three steps: a release build that counts how often each branch is taken, a training run
# of that build on the repository's own corpus (every statute version parsed, every pair
# of versions compared in every format, both sample cases built, every answer read for
# stances and citations), and a release build that lays its code out by those counts.
#
# The plain `cargo build --release` cannot take a profile kept in the repository: cargo
# gives rustc no path that holds for the dependencies' sources, and a profile is read
# only by the LLVM that wrote it or a later one. So the profile is made here, by the
# toolchain that uses it, from the code as it stands.
#
# Needs llvm-profdata from the toolchain's llvm-tools component
# (`rustup component add llvm-tools`). Takes about three release builds' time.
#
# Usage: benches/pgo.sh        then, e.g., cp target/pgo/remiss ~/.cargo/bin/
#        REMISS=target/pgo/remiss benches/diff.sh   times it against git
set -euo pipefail
shopt -s nullglob
cd "$(dirname "$0")/.."

sysroot="$(rustc --print sysroot)"
host="$(rustc -vV | sed -n 's/^host: //p')"
profdata="$sysroot/lib/rustlib/$host/bin/llvm-profdata"
if [[ ! -x "$profdata" ]]; then
  echo "needs $profdata: rustup component add llvm-tools" >&2
  exit 2
fi

dir="$PWD/target/pgo"
rm -rf "$dir/raw" "$dir/train"
mkdir -p "$dir/raw" "$dir/train"

# Separate target folders: the flags differ from the plain build's, and this leaves that
# build's artefacts as they are.
RUSTFLAGS="-Cprofile-generate=$dir/raw" cargo build --release --quiet --target-dir "$dir/gen"
bin="$dir/gen/release/remiss"

# The training run. Its outputs are thrown away; warnings and refusals (a pair given in
# the wrong order, say) are part of what a real run meets, so they are not errors here.
train() { "$bin" "$@" >/dev/null 2>&1 || true; }
for d in corpus/sfs/*/; do
  versions=("$d"*_in-force-*.txt) # in date order: a glob's matches come sorted
  for v in "${versions[@]}"; do
    for f in text json tsv; do train parse "$v" --format "$f"; done
  done
  for ((i = 1; i < ${#versions[@]}; i++)); do
    for f in text md html json tsv; do
      train diff "${versions[i - 1]}" "${versions[i]}" --format "$f"
      train diff "${versions[i]}" "${versions[i - 1]}" --format "$f"
    done
  done
done
for case in corpus/*/remiss.toml; do
  c="$(dirname "$case")"
  train build "$c" -o "$dir/train/$(basename "$c")"
  for a in "$c"/answers/*; do
    train stances "$a" --format json
    train refs --file "$a"
  done
done

while IFS= read -r p; do train parse "$p" --format tsv; done < <(find corpus -name '*.pdf' | sort)

"$profdata" merge -o "$dir/remiss.profdata" "$dir/raw"
RUSTFLAGS="-Cprofile-use=$dir/remiss.profdata" cargo build --release --quiet --target-dir "$dir/use"
cp "$dir/use/release/remiss" "$dir/remiss"
rm -rf "$dir/raw" "$dir/train"
echo "$dir/remiss"

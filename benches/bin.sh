# Sourced by the bench scripts, from the repository's root: the remiss binary to measure,
# in $bin. REMISS_BIN when it is set (another build, say one made before a change), else
# this tree's release build, built first.
if [[ -n "${REMISS_BIN:-}" ]]; then
  bin=$REMISS_BIN
else
  cargo build --release --quiet
  bin=$PWD/target/release/remiss
fi

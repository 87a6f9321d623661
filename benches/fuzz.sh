#!/usr/bin/env bash
# The long run of the mutation-fuzz harness (tests/fuzz/): real documents from corpus/ and
# tests/fixtures/, mutated, through the stages behind parse, refs, stances, check and diff
# and the PDF and Word readers, for SECONDS (default 600). Every panic, broken span or hang
# (a case over 60 s) is listed with its case number and stack, and its input is written to
# target/fuzz-findings/. The summary line gives the cases run per target and the peak memory.
#
#   benches/fuzz.sh            # 10 minutes
#   benches/fuzz.sh 60         # one minute
#   REMISS_FUZZ_FIRST=5000000 benches/fuzz.sh   # another stretch of cases
#   REMISS_FUZZ_ONLY=pdf benches/fuzz.sh        # only one target (pdf, docx, parse, ...)
#
# A finding is replayed in the bounded test with REMISS_FUZZ_CASE=N (small seeds) or here
# with REMISS_FUZZ_FIRST=N and a short SECONDS.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_TO_RUN="${1:-600}"
cargo build --release --tests --quiet
REMISS_FUZZ_SECONDS="$SECONDS_TO_RUN" \
  cargo test --release --quiet --test fuzz long_mutation_run -- --ignored --nocapture

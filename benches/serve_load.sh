#!/usr/bin/env bash
# remiss serve under load on loopback, on an optimised build: 50 readers fetching pages
# while one reviewer saves 200 decisions in a row (tests/cli/serve_load.rs). Prints the
# page and save latencies (median, p99), the number of builds, and checks that no
# decision was lost and the manifest was never read half-written.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo test --release --test cli serve_load -- --nocapture 2>&1 | grep -E "serve load|test result"

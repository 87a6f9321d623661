#!/usr/bin/env bash
# Extraction benchmark (issue 6): `remiss parse` on the PDF fixtures against `pdftotext` and
# `pdftotext -layout` on the same files: median wall time over RUNS runs, peak memory
# (/usr/bin/time -v), and paragraph accuracy against the source text.
#
# Accuracy: the output of each extractor is parsed by `remiss parse` and its stycken, punkter
# and allmänna råd compared word for word with those of the source text (the draft); the seed
# answer is no regulation, so there the share of its citations (`remiss refs`) that come out
# the same is reported.
#
# Needs poppler-utils (pdftotext) and python3. Usage: benches/extract.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-21}"
cargo build --release --quiet
bin="$PWD/target/release/remiss"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

python3 - "$bin" "$runs" "$work" <<'PY'
import json, statistics, subprocess, sys, time
from pathlib import Path

bin, runs, work = sys.argv[1], int(sys.argv[2]), Path(sys.argv[3])
cases = [
    ("tests/fixtures/pdf/msb-1-remissversion.pdf",
     "corpus/msb-cybersakerhet/drafts/1-remissversion.txt", "tree"),
    ("tests/fixtures/pdf/stockholm-ks-2025-1384-remissvar.pdf",
     "tests/fixtures/stockholm-ks-2025-1384-remissvar.txt", "refs"),
]
draft = "corpus/msb-cybersakerhet/drafts/1-remissversion.txt"

def tools(pdf):
    return {
        "remiss parse": [bin, "parse", pdf, "--format", "tsv"],
        "pdftotext": ["pdftotext", pdf, "/dev/null"],
        "pdftotext -layout": ["pdftotext", "-layout", pdf, "/dev/null"],
    }

def median_ms(cmd):
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)

def peak_kb(cmd):
    r = subprocess.run(["/usr/bin/time", "-v"] + cmd, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, text=True)
    for line in r.stderr.splitlines():
        if "Maximum resident set size" in line:
            return int(line.split()[-1])
    return 0

def texts(v, out):
    if isinstance(v, dict):
        for k, x in v.items():
            if k == "text" and isinstance(x, str) and x:
                out.append(x)
            elif k not in ("span", "source", "normalisation", "diagnostics"):
                texts(x, out)
    elif isinstance(v, list):
        for x in v:
            texts(x, out)
    return out

def tree_texts(path):
    r = subprocess.run([bin, "parse", path, "--format", "json"], capture_output=True)
    return texts(json.loads(r.stdout), []) if r.returncode == 0 else []

def cites(path):
    r = subprocess.run([bin, "refs", "--file", path, "--against", draft, "--format", "tsv"],
                       capture_output=True, text=True)
    return [l.split("\t", 3)[3] for l in r.stdout.splitlines()]

def share(want, got):
    pool = {}
    for g in got:
        pool[g] = pool.get(g, 0) + 1
    hits = 0
    for w in want:
        if pool.get(w, 0) > 0:
            pool[w] -= 1
            hits += 1
    return 100.0 * hits / max(len(want), 1)

print(f"{runs} runs each; median wall time; peak RSS from /usr/bin/time -v\n")
print(f"{'file':44} {'tool':18} {'ms':>8} {'peak MB':>8} {'accuracy':>9}")
for pdf, src, kind in cases:
    want = tree_texts(src) if kind == "tree" else cites(src)
    base = None
    for name, cmd in tools(pdf).items():
        ms = median_ms(cmd)
        kb = peak_kb(cmd)
        if name == "remiss parse":
            got_path = pdf
        else:
            got_path = str(work / (Path(pdf).stem + name.replace(" ", "_") + ".txt"))
            subprocess.run(cmd[:-1] + [got_path], check=True)
        got = tree_texts(got_path) if kind == "tree" else cites(got_path)
        acc = share(want, got)
        if name == "pdftotext":
            base = ms
        print(f"{Path(pdf).name:44} {name:18} {ms:8.1f} {kb/1024:8.1f} {acc:8.1f}%")
    print()
print("accuracy: share of the source's stycken/punkter/allmänna råd word for word (draft),")
print("or of its citations with the same text and resolution (seed answer).")
PY

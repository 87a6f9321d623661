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
# With a FOLDER (such as ../shared/corpus/foreskrifter-pdf), times `remiss parse` against
# `pdftotext` on every PDF in it instead: the median of RUNS runs of each, the two taken in
# turn so that both see the same load; it prints the ratio of the summed medians (wall time
# and CPU time) and the files with the highest ratios.
#
# Needs poppler-utils (pdftotext) and python3. Usage: benches/extract.sh [RUNS] [FOLDER]
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-21}"
# shellcheck source=benches/bin.sh
source benches/bin.sh
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

if [ -n "${2:-}" ]; then
python3 - "$bin" "$runs" "$2" <<'PY'
import glob, os, resource, statistics, subprocess, sys, time
bin, runs, folder = sys.argv[1], int(sys.argv[2]), sys.argv[3]

def run(cmd):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall * 1000, cpu * 1000

rows = []
for pdf in sorted(glob.glob(os.path.join(folder, "*.pdf"))):
    ours, theirs = [], []
    for _ in range(runs):
        ours.append(run([bin, "parse", pdf, "--format", "tsv"]))
        theirs.append(run(["pdftotext", pdf, "/dev/null"]))
    med = lambda xs, i: statistics.median(x[i] for x in xs)
    rows.append((os.path.basename(pdf), med(ours, 0), med(theirs, 0), med(ours, 1), med(theirs, 1)))
sw = sum(r[1] for r in rows); tw = sum(r[2] for r in rows)
sc = sum(r[3] for r in rows); tc = sum(r[4] for r in rows)
print(f"{len(rows)} PDFs, median of {runs} runs each (ms, summed over the files)")
print(f"{'':24} {'remiss parse':>14} {'pdftotext':>10} {'ratio':>6}")
print(f"{'wall time':24} {sw:14.0f} {tw:10.0f} {sw / tw:6.2f}")
print(f"{'CPU time':24} {sc:14.0f} {tc:10.0f} {sc / tc:6.2f}")
print("\nhighest wall-time ratios:")
for r in sorted(rows, key=lambda r: -r[1] / max(r[2], 1e-9))[:8]:
    print(f"  {r[0]:24} {r[1]:8.1f} {r[2]:8.1f} {r[1] / max(r[2], 1e-9):6.2f}")
PY
exit 0
fi

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

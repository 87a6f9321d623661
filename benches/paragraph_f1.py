#!/usr/bin/env python3
"""Paragraph keys of `remiss parse` against the team's independent count.

Usage: benches/paragraph_f1.py [SHARED_DIR] [REMISS_BINARY] [-v]
(defaults: ../shared and target/release/remiss). For every `*_in-force-*.txt` under
SHARED_DIR/corpus/sfs/, compares the paragraph ids of `remiss parse --format tsv` with the keys
of SHARED_DIR/tools/paragraph-count.py, and prints per version what was missed and found beyond
the count, then precision, recall and F1 over all versions. With -v, the keys themselves.
"""
import glob
import importlib.util
import os
import subprocess
import sys

args = [a for a in sys.argv[1:] if a != '-v']
verbose = '-v' in sys.argv
shared = args[0] if args else '../shared'
binary = args[1] if len(args) > 1 else 'target/release/remiss'
spec = importlib.util.spec_from_file_location('pc', os.path.join(shared, 'tools/paragraph-count.py'))
pc = importlib.util.module_from_spec(spec)
spec.loader.exec_module(pc)

tp = fp = fn = 0
for f in sorted(glob.glob(os.path.join(shared, 'corpus/sfs/*/*_in-force-*.txt'))):
    want = {('K' + k if k != '-' else '') + 'P' + p for k, p in pc.parse(f)}
    out = subprocess.run([binary, 'parse', f, '--format', 'tsv'],
                         capture_output=True, text=True, check=True).stdout
    got = {c[0] for c in (l.split('\t') for l in out.splitlines()) if len(c) > 1 and c[1] == 'paragraf'}
    tp += len(want & got)
    fp += len(got - want)
    fn += len(want - got)
    print(f"{os.path.basename(f):45} counted={len(want):5} parsed={len(got):5} "
          f"missed={len(want - got):4} beyond={len(got - want):4}")
    if verbose and (want ^ got):
        print('   missed', sorted(want - got))
        print('   beyond', sorted(got - want))
p = tp / (tp + fp) if tp + fp else 1.0
r = tp / (tp + fn) if tp + fn else 1.0
print(f"precision={p:.4f} recall={r:.4f} F1={2 * p * r / (p + r):.4f}")

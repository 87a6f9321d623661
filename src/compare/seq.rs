//! Stage 3a, aligning paragraphs: exact anchors, then a sequence alignment with 1:1, 1:0,
//! 0:1, 1:2 and 2:1 steps between them, then a search for moved paragraphs.

use super::paragraph_text;
use super::words::Fingerprint;
use crate::address::Address;
use crate::regulation::Paragraf;
use std::collections::HashMap;

/// Cost of leaving one paragraph unmatched (added or removed) in the sequence alignment.
/// A 1:1 match costs `1 − similarity`, so with this cost a pair is matched when
/// that is cheaper than an addition plus a removal.
pub const SKIP_COST: f64 = 0.5;
/// Least word similarity (Dice on word multisets, label bonus included) for two paragraphs
/// to be aligned in sequence.
pub const MATCH_MIN: f64 = 0.35;
/// Added to the similarity when both paragraphs have the same address: label equality is
/// evidence, not proof.
pub const LABEL_BONUS: f64 = 0.1;
/// Least similarity between one paragraph and two read as one, for a split or merge.
pub const SPLIT_MIN: f64 = 0.6;
/// Least share of each part's words that must come from the whole, for a split or merge.
pub const PART_MIN: f64 = 0.6;
/// A 1:1 pair this similar is never a split or merge: the extra paragraph is new.
pub const SPLIT_MAX_SINGLE: f64 = 0.85;
/// Extra cost of a split or merge step over two 1:1 steps.
pub const SPLIT_PENALTY: f64 = 0.2;
/// Least similarity for a paragraph found out of sequence (moved) to be paired.
pub const MOVE_MIN: f64 = 0.5;
/// Gaps between anchors larger than this (old × new paragraphs) are not aligned by the
/// quadratic alignment but by label, to keep the time bounded on unrelated texts.
pub const MAX_DP_CELLS: usize = 250_000;
/// Above this many candidate pairs the move search uses an inverted index of rare words.
const MAX_MOVE_PAIRS: usize = 100_000;

/// One paragraph as the aligner sees it. The compared text is not kept: it is rebuilt
/// from the paragraph when needed, so memory stays near the size of the inputs.
pub(crate) struct Unit<'a> {
    pub p: &'a Paragraf,
    pub address: Address,
    /// Hash of the compared text (see [`super::words::text_key`]).
    pub key: u64,
    /// A `Har upphävts genom ...` placeholder.
    pub repealed: bool,
    /// Computed on first use: most paragraphs are anchored by their key and never need it.
    pub fp: std::cell::OnceCell<Fingerprint>,
}

impl Unit<'_> {
    /// The compared text (labels excluded, amendment notes stripped).
    pub fn text(&self) -> String {
        paragraph_text(self.p)
    }
    pub fn fp(&self) -> &Fingerprint {
        self.fp.get_or_init(|| {
            if self.repealed {
                Fingerprint::default()
            } else {
                Fingerprint::of(&self.text())
            }
        })
    }
}

/// A match: one or two old paragraphs to one or two new ones.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Link {
    pub old: Vec<usize>,
    pub new: Vec<usize>,
    /// Found in document order (an anchor on the longest increasing run, or the sequence
    /// alignment); false for a pair found by the move search.
    pub in_sequence: bool,
}

/// Same wording: equal keys, confirmed on the parts (no hash is trusted alone, since a
/// collision would hide a change).
pub(crate) fn same_text(a: &Unit<'_>, b: &Unit<'_>) -> bool {
    if a.key != b.key {
        return false;
    }
    let (x, y) = (a.p, b.p);
    let parts_equal = x.repealed == y.repealed
        && x.stycken.len() == y.stycken.len()
        && x.stycken.iter().zip(&y.stycken).all(|(s, t)| {
            s.text == t.text
                && s.punkter.len() == t.punkter.len()
                && s.punkter
                    .iter()
                    .zip(&t.punkter)
                    .all(|(m, n)| m.label == n.label && m.text == n.text)
        });
    parts_equal || a.text() == b.text()
}

/// Aligns two paragraph sequences. Every index appears in at most one link.
pub(crate) fn align(old: &[Unit<'_>], new: &[Unit<'_>]) -> Vec<Link> {
    let mut links: Vec<Link> = Vec::new();
    let mut om = vec![false; old.len()];
    let mut nm = vec![false; new.len()];

    // Repeal placeholders with the same address on both sides.
    let mut repealed_new: HashMap<Address, Vec<usize>> = HashMap::new();
    for (j, u) in new.iter().enumerate().filter(|(_, u)| u.repealed) {
        repealed_new.entry(u.address).or_default().push(j);
    }
    for (i, u) in old.iter().enumerate().filter(|(_, u)| u.repealed) {
        if let Some(js) = repealed_new.get(&u.address)
            && let Some(&j) = js.iter().find(|&&j| !nm[j])
        {
            om[i] = true;
            nm[j] = true;
            links.push(Link {
                old: vec![i],
                new: vec![j],
                in_sequence: true,
            });
        }
    }

    // Exact anchors: a text found once on each side, or several times with the same address.
    let mut by_key: HashMap<u64, (Vec<usize>, Vec<usize>)> = HashMap::new();
    for (i, u) in old
        .iter()
        .enumerate()
        .filter(|(i, u)| !u.repealed && !om[*i])
    {
        by_key.entry(u.key).or_default().0.push(i);
    }
    for (j, u) in new
        .iter()
        .enumerate()
        .filter(|(j, u)| !u.repealed && !nm[*j])
    {
        by_key.entry(u.key).or_default().1.push(j);
    }
    let mut anchors: Vec<(usize, usize)> = Vec::new();
    for i in 0..old.len() {
        if om[i] || old[i].repealed {
            continue;
        }
        let Some((os, ns)) = by_key.get(&old[i].key) else {
            continue;
        };
        if os.len() == 1 && ns.len() == 1 {
            let j = ns[0];
            if !nm[j] && same_text(&old[i], &new[j]) {
                om[i] = true;
                nm[j] = true;
                anchors.push((i, j));
            }
        } else if let Some(&j) = ns
            .iter()
            .find(|&&j| !nm[j] && new[j].address == old[i].address)
            && same_text(&old[i], &new[j])
        {
            om[i] = true;
            nm[j] = true;
            anchors.push((i, j));
        }
    }
    let in_seq = longest_increasing(&anchors);
    let mut seq_anchors = Vec::new();
    for (k, &(i, j)) in anchors.iter().enumerate() {
        links.push(Link {
            old: vec![i],
            new: vec![j],
            in_sequence: in_seq[k],
        });
        if in_seq[k] {
            seq_anchors.push((i, j));
        }
    }

    // The sequence alignment between consecutive anchors.
    let mut prev = (0usize, 0usize);
    let ends = seq_anchors
        .iter()
        .map(|&(i, j)| (i, j, true))
        .chain(std::iter::once((old.len(), new.len(), false)));
    for (i, j, is_anchor) in ends {
        let a: Vec<usize> = (prev.0..i)
            .filter(|&x| !om[x] && !old[x].repealed)
            .collect();
        let b: Vec<usize> = (prev.1..j)
            .filter(|&y| !nm[y] && !new[y].repealed)
            .collect();
        for l in align_gap(old, new, &a, &b) {
            for &x in &l.old {
                om[x] = true;
            }
            for &y in &l.new {
                nm[y] = true;
            }
            links.push(l);
        }
        if is_anchor {
            prev = (i + 1, j + 1);
        }
    }

    // Paragraphs found out of sequence: moved, possibly edited.
    let lo: Vec<usize> = (0..old.len())
        .filter(|&i| !om[i] && !old[i].repealed)
        .collect();
    let ln: Vec<usize> = (0..new.len())
        .filter(|&j| !nm[j] && !new[j].repealed)
        .collect();
    for (i, j) in find_moves(old, new, &lo, &ln) {
        links.push(Link {
            old: vec![i],
            new: vec![j],
            in_sequence: false,
        });
    }
    // Every link has its own new paragraph, so the keys are unique.
    links.sort_unstable_by_key(|l| (l.new.first().copied(), l.old.first().copied()));
    links
}

/// Marks the pairs (sorted by old index) that lie on a longest run increasing in the new
/// index (patience sorting, O(n log n)).
fn longest_increasing(pairs: &[(usize, usize)]) -> Vec<bool> {
    let n = pairs.len();
    let mut tails: Vec<usize> = Vec::new(); // indices into pairs
    let mut prev: Vec<Option<usize>> = vec![None; n];
    for k in 0..n {
        let v = pairs[k].1;
        let pos = tails.partition_point(|&t| pairs[t].1 < v);
        if pos > 0 {
            prev[k] = Some(tails[pos - 1]);
        }
        if pos == tails.len() {
            tails.push(k);
        } else {
            tails[pos] = k;
        }
    }
    let mut keep = vec![false; n];
    let mut cur = tails.last().copied();
    while let Some(k) = cur {
        keep[k] = true;
        cur = prev[k];
    }
    keep
}

fn pair_sim(o: &Unit<'_>, n: &Unit<'_>) -> f64 {
    if o.fp().dice_bound(n.fp()) + LABEL_BONUS < MATCH_MIN {
        return 0.0;
    }
    let bonus = if o.address == n.address {
        LABEL_BONUS
    } else {
        0.0
    };
    (o.fp().dice(n.fp()) + bonus).min(1.0)
}

/// Whether `whole` became (or came from) `a` and `b` together; returns the similarity.
fn split_sim(whole: &Unit<'_>, a: &Unit<'_>, b: &Unit<'_>, sim_a: f64, sim_b: f64) -> Option<f64> {
    if sim_a >= SPLIT_MAX_SINGLE || sim_b >= SPLIT_MAX_SINGLE || sim_a < 0.15 || sim_b < 0.15 {
        return None;
    }
    if a.fp().contained_in(whole.fp()) < PART_MIN || b.fp().contained_in(whole.fp()) < PART_MIN {
        return None;
    }
    let s = whole.fp().dice(&a.fp().plus(b.fp()));
    (s >= SPLIT_MIN).then_some(s)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Step {
    None,
    SkipOld,
    SkipNew,
    One,
    Split,
    Merge,
}

/// Aligns the unmatched paragraphs between two anchors.
fn align_gap(old: &[Unit<'_>], new: &[Unit<'_>], a: &[usize], b: &[usize]) -> Vec<Link> {
    let (n, m) = (a.len(), b.len());
    if n == 0 || m == 0 {
        return Vec::new();
    }
    if n * m > MAX_DP_CELLS {
        // Too large to align in quadratic time (usually unrelated texts): pair by address.
        let mut out = Vec::new();
        let mut by_addr: HashMap<Address, usize> = HashMap::new();
        for &y in b {
            by_addr.entry(new[y].address).or_insert(y);
        }
        for &x in a {
            if let Some(&y) = by_addr.get(&old[x].address)
                && pair_sim(&old[x], &new[y]) >= MATCH_MIN
            {
                by_addr.remove(&old[x].address);
                out.push(Link {
                    old: vec![x],
                    new: vec![y],
                    in_sequence: true,
                });
            }
        }
        return out;
    }
    let mut sim = vec![0f64; n * m];
    for (p, &x) in a.iter().enumerate() {
        for (q, &y) in b.iter().enumerate() {
            sim[p * m + q] = pair_sim(&old[x], &new[y]);
        }
    }
    let w = m + 1;
    let mut cost = vec![f64::INFINITY; (n + 1) * w];
    let mut back = vec![Step::None; (n + 1) * w];
    cost[0] = 0.0;
    for p in 0..=n {
        for q in 0..=m {
            if p == 0 && q == 0 {
                continue;
            }
            let mut best = f64::INFINITY;
            let mut step = Step::None;
            let mut consider = |c: f64, s: Step| {
                if c < best {
                    best = c;
                    step = s;
                }
            };
            if p > 0 {
                consider(cost[(p - 1) * w + q] + SKIP_COST, Step::SkipOld);
            }
            if q > 0 {
                consider(cost[p * w + q - 1] + SKIP_COST, Step::SkipNew);
            }
            if p > 0 && q > 0 {
                let s = sim[(p - 1) * m + q - 1];
                if s >= MATCH_MIN {
                    consider(cost[(p - 1) * w + q - 1] + (1.0 - s), Step::One);
                }
            }
            if p > 0 && q > 1 {
                let (s1, s2) = (sim[(p - 1) * m + q - 2], sim[(p - 1) * m + q - 1]);
                if let Some(s) = split_sim(&old[a[p - 1]], &new[b[q - 2]], &new[b[q - 1]], s1, s2) {
                    consider(
                        cost[(p - 1) * w + q - 2] + 2.0 * (1.0 - s) + SPLIT_PENALTY,
                        Step::Split,
                    );
                }
            }
            if p > 1 && q > 0 {
                let (s1, s2) = (sim[(p - 2) * m + q - 1], sim[(p - 1) * m + q - 1]);
                if let Some(s) = split_sim(&new[b[q - 1]], &old[a[p - 2]], &old[a[p - 1]], s1, s2) {
                    consider(
                        cost[(p - 2) * w + q - 1] + 2.0 * (1.0 - s) + SPLIT_PENALTY,
                        Step::Merge,
                    );
                }
            }
            cost[p * w + q] = best;
            back[p * w + q] = step;
        }
    }
    let mut out = Vec::new();
    let (mut p, mut q) = (n, m);
    while p > 0 || q > 0 {
        match back[p * w + q] {
            Step::SkipOld => p -= 1,
            Step::SkipNew => q -= 1,
            Step::One => {
                out.push(Link {
                    old: vec![a[p - 1]],
                    new: vec![b[q - 1]],
                    in_sequence: true,
                });
                p -= 1;
                q -= 1;
            }
            Step::Split => {
                out.push(Link {
                    old: vec![a[p - 1]],
                    new: vec![b[q - 2], b[q - 1]],
                    in_sequence: true,
                });
                p -= 1;
                q -= 2;
            }
            Step::Merge => {
                out.push(Link {
                    old: vec![a[p - 2], a[p - 1]],
                    new: vec![b[q - 1]],
                    in_sequence: true,
                });
                p -= 2;
                q -= 1;
            }
            Step::None => break,
        }
    }
    out.reverse();
    out
}

/// Pairs left-over paragraphs by content, best pairs first.
fn find_moves(
    old: &[Unit<'_>],
    new: &[Unit<'_>],
    lo: &[usize],
    ln: &[usize],
) -> Vec<(usize, usize)> {
    if lo.is_empty() || ln.is_empty() {
        return Vec::new();
    }
    let mut scored: Vec<(u64, usize, usize)> = Vec::new();
    let mut consider = |x: usize, y: usize| {
        let (o, n) = (&old[x], &new[y]);
        if o.fp().dice_bound(n.fp()) < MOVE_MIN {
            return;
        }
        let s = o.fp().dice(n.fp());
        if s >= MOVE_MIN {
            // Scores as integers so sorting is total and deterministic.
            scored.push(((s * 1e6) as u64, x, y));
        }
    };
    if lo.len() * ln.len() <= MAX_MOVE_PAIRS {
        for &x in lo {
            for &y in ln {
                consider(x, y);
            }
        }
    } else {
        // Candidates share at least a few rare words.
        let mut index: HashMap<u32, Vec<usize>> = HashMap::new();
        for &y in ln {
            for h in new[y].fp().distinct() {
                index.entry(h).or_default().push(y);
            }
        }
        for &x in lo {
            let mut counts: HashMap<usize, u32> = HashMap::new();
            for h in old[x].fp().distinct() {
                if let Some(ys) = index.get(&h)
                    && ys.len() <= 32
                {
                    for &y in ys {
                        *counts.entry(y).or_default() += 1;
                    }
                }
            }
            let mut cands: Vec<(u32, usize)> = counts.into_iter().map(|(y, c)| (c, y)).collect();
            cands.sort_by(|a, b| b.cmp(a));
            for &(_, y) in cands.iter().take(8) {
                consider(x, y);
            }
        }
    }
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    let mut used_o = std::collections::HashSet::new();
    let mut used_n = std::collections::HashSet::new();
    let mut out = Vec::new();
    for (_, x, y) in scored {
        if used_o.contains(&x) || used_n.contains(&y) {
            continue;
        }
        used_o.insert(x);
        used_n.insert(y);
        out.push((x, y));
    }
    out
}

//! Stage 3a, aligning paragraphs: exact anchors, then a sequence alignment with 1:1, 1:0,
//! 0:1, 1:2 and 2:1 steps between them, then an assignment that lets content win over
//! labels: the pairs the sequence alignment found (unless identical) and every paragraph
//! left over are paired again so that the total similarity is greatest, with a bonus for
//! keeping a pair in sequence and for equal labels. A label reused for other wording
//! (old 17 § became 23 b §, old 21 § the new 17 §) is so found, and so are moved
//! paragraphs.

use super::paragraph_text;
use super::words::Fingerprint;
use crate::address::Address;
use crate::regulation::Paragraf;
// Fx hashing for the maps and sets of this stage: their keys are integers and addresses, and
// no order of theirs is ever observed (lookups only, or a total sort after).
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

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
/// Added to a pair the sequence alignment found, when pairs are assigned again: with
/// [`LABEL_BONUS`], the threshold by which another assignment must be more similar in total
/// before a paragraph loses its partner with the same label and place.
pub const ORDER_BONUS: f64 = 0.15;
/// Containment counts only when the shorter text has at least this many words (a short
/// sentence is found inside many paragraphs).
pub const CONTAIN_MIN_WORDS: usize = 6;
/// Components of the assignment larger than this (paragraphs on the smaller side) are
/// assigned greedily, best pairs first, to keep the time bounded.
const MAX_EXACT_ASSIGNMENT: usize = 200;
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
    /// Length of the compared text in bytes: what fingerprinting or diffing it costs.
    pub len: usize,
    /// A `Har upphävts genom ...` placeholder.
    pub repealed: bool,
    /// Computed on first use: most paragraphs are anchored by their key and never need it.
    /// (A lock, not a cell, so that the units can be shared with helper threads.)
    pub fp: std::sync::OnceLock<Fingerprint>,
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
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Link {
    pub old: Vec<usize>,
    pub new: Vec<usize>,
    /// Found in document order (an anchor on the longest increasing run, or the sequence
    /// alignment); false for a pair found by the move search.
    pub in_sequence: bool,
    /// An anchor: one paragraph a side, whose wording [`same_text`] has confirmed the
    /// same, so the word diff need not compare them again.
    pub same_wording: bool,
}

/// Same wording: equal keys, confirmed on the parts (no hash is trusted alone, since a
/// collision would hide a change).
pub(crate) fn same_text(a: &Unit<'_>, b: &Unit<'_>) -> bool {
    if a.key != b.key {
        return false;
    }
    let (x, y) = (a.p, b.p);
    let parts_equal = x.repealed() == y.repealed()
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

/// Aligns two paragraph sequences. Every index appears in at most one link. `threads`
/// (at least one) may share the fingerprinting; the result is the same whatever it is.
pub(crate) fn align(old: &[Unit<'_>], new: &[Unit<'_>], threads: usize) -> Vec<Link> {
    let mut links: Vec<Link> = Vec::new();
    let mut om = vec![false; old.len()];
    let mut nm = vec![false; new.len()];

    // Repeal placeholders with the same address on both sides.
    let mut repealed_new: HashMap<Address, Vec<usize>> = HashMap::default();
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
                same_wording: false,
            });
        }
    }

    // Exact anchors: a text found once on each side, or several times with the same address.
    // Per key: how many open old paragraphs have it, how many new ones, and the first of
    // those new ones, the rest chained in index order (no list per key, and no sort).
    const NONE: usize = usize::MAX;
    struct Keyed {
        old: u32,
        new: u32,
        first_new: usize,
    }
    let mut by_key: HashMap<u64, Keyed> = HashMap::default();
    by_key.reserve(old.len());
    for (i, u) in old.iter().enumerate() {
        if !u.repealed && !om[i] {
            by_key
                .entry(u.key)
                .or_insert(Keyed {
                    old: 0,
                    new: 0,
                    first_new: NONE,
                })
                .old += 1;
        }
    }
    let mut next_new = vec![NONE; new.len()];
    for (j, u) in new.iter().enumerate().rev() {
        // Only keys the old side has can anchor.
        if !u.repealed
            && !nm[j]
            && let Some(k) = by_key.get_mut(&u.key)
        {
            k.new += 1;
            next_new[j] = k.first_new;
            k.first_new = j;
        }
    }
    // Each anchor's wording is confirmed (`same_text`): a pair that failed would leave its
    // new paragraph open to a later old one with the same key and label. With a helper at
    // hand, the pairs are first found as if every one were confirmed, and then confirmed
    // in two halves side by side; should one fail (a hash collision), they are found
    // again one by one, so the anchors are those of the serial search either way.
    let find = |om: &mut [bool], nm: &mut [bool], confirm: bool| -> Vec<(usize, usize)> {
        let same = |i: usize, j: usize| !confirm || same_text(&old[i], &new[j]);
        let mut anchors: Vec<(usize, usize)> = Vec::new();
        for i in 0..old.len() {
            if om[i] || old[i].repealed {
                continue;
            }
            let Some(k) = by_key.get(&old[i].key) else {
                continue;
            };
            if k.old == 1 && k.new == 1 {
                let j = k.first_new;
                if !nm[j] && same(i, j) {
                    om[i] = true;
                    nm[j] = true;
                    anchors.push((i, j));
                }
                continue;
            }
            let mut j = k.first_new;
            while j != NONE && (nm[j] || new[j].address != old[i].address) {
                j = next_new[j];
            }
            if j != NONE && same(i, j) {
                om[i] = true;
                nm[j] = true;
                anchors.push((i, j));
            }
        }
        anchors
    };
    let all_same =
        |pairs: &[(usize, usize)]| pairs.iter().all(|&(i, j)| same_text(&old[i], &new[j]));
    let anchors = if super::par::helper_at_hand(threads) {
        let found = find(&mut om, &mut nm, false);
        let work = found.iter().map(|&(i, _)| old[i].len).sum();
        let (first, later) = found.split_at(found.len() / 2);
        let confirmed = if super::par::worth_sharing(work) {
            let (b, a) = crate::threads::join(|| all_same(later), || all_same(first));
            a && b
        } else {
            all_same(&found)
        };
        if confirmed {
            found
        } else {
            // `find` marked exactly the pairs it found, all open before.
            for &(i, j) in &found {
                om[i] = false;
                nm[j] = false;
            }
            find(&mut om, &mut nm, true)
        }
    } else {
        find(&mut om, &mut nm, true)
    };
    let in_seq = longest_increasing(&anchors);
    let mut seq_anchors = Vec::new();
    for (k, &(i, j)) in anchors.iter().enumerate() {
        links.push(Link {
            old: vec![i],
            new: vec![j],
            in_sequence: in_seq[k],
            same_wording: true,
        });
        if in_seq[k] {
            seq_anchors.push((i, j));
        }
    }

    // Every paragraph left without an anchor is compared with others by its fingerprint
    // from here on (between anchors, and in the move search), as long as the other side
    // has one left too: with a helper, those fingerprints are made up front, side by side,
    // instead of one by one as the comparisons first ask for them.
    if super::par::helper_at_hand(threads) {
        let open = |units: &[Unit<'_>], taken: &[bool]| -> Vec<usize> {
            (0..units.len())
                .filter(|&i| !taken[i] && !units[i].repealed)
                .collect()
        };
        let (oo, on) = (open(old, &om), open(new, &nm));
        if !oo.is_empty() && !on.is_empty() {
            // Longest first, one at a time: the few long paragraphs are most of the work,
            // and so none is left for one thread alone at the end.
            let mut all: Vec<&Unit<'_>> = oo
                .iter()
                .map(|&i| &old[i])
                .chain(on.iter().map(|&j| &new[j]))
                .collect();
            if super::par::worth_sharing(all.iter().map(|u| u.len).sum()) {
                all.sort_by_key(|u| std::cmp::Reverse(u.len));
                super::par::map_sparse(all.len(), threads, 1, |k| {
                    all[k].fp();
                    None::<()>
                });
            }
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

    // Content over labels: the sequence's 1:1 pairs that are not identical, and every
    // paragraph left over, are assigned again (moved paragraphs, reused labels).
    // (An anchor's link is the only one marked as the same wording, and the only link of
    // its two paragraphs.)
    let mut open: Vec<(usize, usize)> = Vec::new();
    links.retain(|l| {
        let single = l.old.len() == 1 && l.new.len() == 1;
        let (i, j) = (l.old[0], l.new[0]);
        if single && l.in_sequence && !old[i].repealed && !l.same_wording {
            open.push((i, j));
            return false;
        }
        true
    });
    for &(i, j) in &open {
        om[i] = false;
        nm[j] = false;
    }
    let lo: Vec<usize> = (0..old.len())
        .filter(|&i| !om[i] && !old[i].repealed)
        .collect();
    let ln: Vec<usize> = (0..new.len())
        .filter(|&j| !nm[j] && !new[j].repealed)
        .collect();
    for (i, j, in_sequence) in reassign(old, new, &lo, &ln, &open) {
        links.push(Link {
            old: vec![i],
            new: vec![j],
            in_sequence,
            same_wording: false,
        });
    }
    // In the new version's order: every link has a new paragraph of its own, so placing
    // each at its first one orders them without a sort.
    let mut at = vec![NONE; new.len()];
    for (k, l) in links.iter().enumerate() {
        if let Some(&j) = l.new.first() {
            at[j] = k;
        }
    }
    let mut ordered = Vec::with_capacity(links.len());
    for k in at.into_iter().filter(|&k| k != NONE) {
        ordered.push(std::mem::take(&mut links[k]));
    }
    ordered
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

/// Word similarity that recognises containment as well as overlap: Dice on word multisets,
/// or, when the shorter text (at least [`CONTAIN_MIN_WORDS`] words) is found in the longer,
/// the share of it found, weighted by how much of the longer it makes up (from 0.5 for a
/// sliver to 1 for the same size). A paragraph that keeps two of its five punkter word for
/// word (and loses the rest) is still itself.
pub(crate) fn content_sim(a: &Fingerprint, b: &Fingerprint) -> f64 {
    sim_of(a.common(b), a.len(), b.len())
}

/// [`content_sim`] when it is at least `min`, found without counting all the common words
/// of a pair that cannot reach it.
fn content_sim_at_least(a: &Fingerprint, b: &Fingerprint, min: f64) -> Option<f64> {
    // Both measures are at most `common / shorter` (Dice's denominator is at least twice
    // the shorter side), so a pair below `min × shorter` common words cannot reach `min`;
    // one word less absorbs any rounding.
    let short = a.len().min(b.len());
    let need = ((min * short as f64).floor() as usize).saturating_sub(1);
    let s = sim_of(a.common_at_least(b, need)?, a.len(), b.len());
    (s >= min).then_some(s)
}

/// [`content_sim`] from the number of common words and the two sizes.
fn sim_of(common: usize, la: usize, lb: usize) -> f64 {
    if la + lb == 0 {
        return 1.0;
    }
    let common = common as f64;
    let dice = 2.0 * common / (la + lb) as f64;
    let (short, long) = (la.min(lb), la.max(lb));
    if short < CONTAIN_MIN_WORDS {
        return dice;
    }
    let share = short as f64 / long as f64;
    dice.max(common / short as f64 * (0.5 + 0.5 * share.sqrt()))
}

/// The similarity the sequence alignment weighs a 1:1 step by (with the label bonus), and
/// the Dice similarity that split and merge steps are judged by (containment would make
/// each part of a split look like the whole).
fn pair_sim(o: &Unit<'_>, n: &Unit<'_>) -> (f64, f64) {
    let (a, b) = (o.fp(), n.fp());
    let dice_only = a.len().min(b.len()) < CONTAIN_MIN_WORDS;
    if dice_only && a.dice_bound(b) + LABEL_BONUS < MATCH_MIN {
        return (0.0, 0.0);
    }
    let bonus = if o.address == n.address {
        LABEL_BONUS
    } else {
        0.0
    };
    // One count of the common words serves both measures.
    let common = a.common(b);
    let dice = if a.is_empty() && b.is_empty() {
        1.0
    } else {
        2.0 * common as f64 / (a.len() + b.len()) as f64
    };
    let sim = if dice_only {
        dice
    } else {
        sim_of(common, a.len(), b.len())
    };
    ((sim + bonus).min(1.0), (dice + bonus).min(1.0))
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
        let mut by_addr: HashMap<Address, usize> = HashMap::default();
        for &y in b {
            by_addr.entry(new[y].address).or_insert(y);
        }
        for &x in a {
            if let Some(&y) = by_addr.get(&old[x].address)
                && pair_sim(&old[x], &new[y]).0 >= MATCH_MIN
            {
                by_addr.remove(&old[x].address);
                out.push(Link {
                    old: vec![x],
                    new: vec![y],
                    in_sequence: true,
                    same_wording: false,
                });
            }
        }
        return out;
    }
    // (similarity with containment, Dice), both with the label bonus.
    let mut sim = vec![(0f64, 0f64); n * m];
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
                let s = sim[(p - 1) * m + q - 1].0;
                if s >= MATCH_MIN {
                    consider(cost[(p - 1) * w + q - 1] + (1.0 - s), Step::One);
                }
            }
            if p > 0 && q > 1 {
                let (s1, s2) = (sim[(p - 1) * m + q - 2].1, sim[(p - 1) * m + q - 1].1);
                if let Some(s) = split_sim(&old[a[p - 1]], &new[b[q - 2]], &new[b[q - 1]], s1, s2) {
                    consider(
                        cost[(p - 1) * w + q - 2] + 2.0 * (1.0 - s) + SPLIT_PENALTY,
                        Step::Split,
                    );
                }
            }
            if p > 1 && q > 0 {
                let (s1, s2) = (sim[(p - 2) * m + q - 1].1, sim[(p - 1) * m + q - 1].1);
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
                    same_wording: false,
                });
                p -= 1;
                q -= 1;
            }
            Step::Split => {
                out.push(Link {
                    old: vec![a[p - 1]],
                    new: vec![b[q - 2], b[q - 1]],
                    in_sequence: true,
                    same_wording: false,
                });
                p -= 1;
                q -= 2;
            }
            Step::Merge => {
                out.push(Link {
                    old: vec![a[p - 2], a[p - 1]],
                    new: vec![b[q - 1]],
                    in_sequence: true,
                    same_wording: false,
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

/// Candidate pairs between left-over paragraphs with a content similarity of at least
/// [`MOVE_MIN`]: all pairs when there are few, else pairs that share rare words.
fn candidates(
    old: &[Unit<'_>],
    new: &[Unit<'_>],
    lo: &[usize],
    ln: &[usize],
) -> Vec<(usize, usize, f64)> {
    let mut out: Vec<(usize, usize, f64)> = Vec::new();
    if lo.is_empty() || ln.is_empty() {
        return out;
    }
    if lo.len() * ln.len() <= MAX_MOVE_PAIRS {
        all_pairs(old, new, lo, ln, &mut out);
        return out;
    }
    // Candidates share at least a few rare words.
    let mut index: HashMap<u32, Vec<usize>> = HashMap::default();
    for &y in ln {
        for h in new[y].fp().distinct() {
            index.entry(h).or_default().push(y);
        }
    }
    for &x in lo {
        let mut counts: HashMap<usize, u32> = HashMap::default();
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
            if let Some(s) = content_sim_at_least(old[x].fp(), new[y].fp(), MOVE_MIN) {
                out.push((x, y, s));
            }
        }
    }
    out
}

/// Every pair of `lo` × `ln` with a content similarity of at least [`MOVE_MIN`], row by
/// row. The common words of all pairs are counted at once through an index of the new
/// side's words (word → the paragraphs holding it, and how often): a row then costs the
/// postings of its words, not a walk through every other paragraph's words, and most
/// words of a paragraph occur in few others.
fn all_pairs(
    old: &[Unit<'_>],
    new: &[Unit<'_>],
    lo: &[usize],
    ln: &[usize],
    out: &mut Vec<(usize, usize, f64)>,
) {
    // Word → dense id, and the postings of each id as one array cut by offsets (one
    // allocation, not one per word).
    let mut ids: HashMap<u32, u32> = HashMap::default();
    let mut held: Vec<(u32, u32, u32)> = Vec::new(); // (id, position in ln, count)
    for (q, &y) in ln.iter().enumerate() {
        for (h, c) in new[y].fp().counted() {
            let next = ids.len() as u32;
            let id = *ids.entry(h).or_insert(next);
            held.push((id, q as u32, c));
        }
    }
    let mut start = vec![0u32; ids.len() + 1];
    for &(id, _, _) in &held {
        start[id as usize + 1] += 1;
    }
    for k in 1..start.len() {
        start[k] += start[k - 1];
    }
    let mut fill = start.clone();
    let mut postings = vec![(0u32, 0u32); held.len()];
    // In the order of `ln`, so each word's postings stay in that order.
    for &(id, q, c) in &held {
        let at = &mut fill[id as usize];
        postings[*at as usize] = (q, c);
        *at += 1;
    }
    let mut common = vec![0u32; ln.len()];
    for &x in lo {
        let a = old[x].fp();
        common.fill(0);
        for (h, cx) in a.counted() {
            if let Some(&id) = ids.get(&h) {
                let id = id as usize;
                for &(q, cy) in &postings[start[id] as usize..start[id + 1] as usize] {
                    common[q as usize] += cx.min(cy);
                }
            }
        }
        for (q, &y) in ln.iter().enumerate() {
            // The exact count of common words: the similarity `content_sim_at_least` finds
            // for the pairs that reach the threshold, and below it for the others.
            let s = sim_of(common[q] as usize, a.len(), new[y].fp().len());
            if s >= MOVE_MIN {
                out.push((x, y, s));
            }
        }
    }
}

/// Pairs the paragraphs `lo` and `ln` so that the total weight is greatest: a pair weighs
/// its content similarity, plus [`LABEL_BONUS`] when the labels are equal and
/// [`ORDER_BONUS`] when the sequence alignment found it (`in_sequence`, one of `open`).
/// Returns `(old, new, in_sequence)`, sorted.
fn reassign(
    old: &[Unit<'_>],
    new: &[Unit<'_>],
    lo: &[usize],
    ln: &[usize],
    open: &[(usize, usize)],
) -> Vec<(usize, usize, bool)> {
    let in_seq: HashSet<(usize, usize)> = open.iter().copied().collect();
    let mut edges: Vec<(usize, usize, f64)> = candidates(old, new, lo, ln);
    for &(i, j) in open {
        if !edges.iter().any(|&(x, y, _)| (x, y) == (i, j)) {
            edges.push((i, j, content_sim(old[i].fp(), new[j].fp())));
        }
    }
    // Weights as integers, so that the assignment is exact and deterministic.
    let weighted: Vec<(usize, usize, i64)> = edges
        .iter()
        .map(|&(x, y, s)| {
            let mut w = s;
            if old[x].address == new[y].address {
                w += LABEL_BONUS;
            }
            if in_seq.contains(&(x, y)) {
                w += ORDER_BONUS;
            }
            (x, y, (w * 1e6).round() as i64)
        })
        .collect();
    let mut pairs = max_weight_matching(&weighted);
    pairs.sort_unstable();
    pairs
        .into_iter()
        .map(|(x, y)| (x, y, in_seq.contains(&(x, y))))
        .collect()
}

/// A maximum-weight matching of a bipartite graph given as `(left, right, weight)` edges
/// (weights positive). Each connected component is solved exactly (Hungarian method) up
/// to [`MAX_EXACT_ASSIGNMENT`] nodes a side, greedily above that.
fn max_weight_matching(edges: &[(usize, usize, i64)]) -> Vec<(usize, usize)> {
    // Components by union-find over left nodes `l` and right nodes `r` (offset).
    let (lefts, rights) = sides(edges);
    let li = |x: usize| lefts.binary_search(&x).unwrap_or(0);
    let ri = |y: usize| lefts.len() + rights.binary_search(&y).unwrap_or(0);
    let mut parent: Vec<usize> = (0..lefts.len() + rights.len()).collect();
    fn find(p: &mut [usize], mut x: usize) -> usize {
        while p[x] != x {
            p[x] = p[p[x]];
            x = p[x];
        }
        x
    }
    for &(x, y, _) in edges {
        let (a, b) = (find(&mut parent, li(x)), find(&mut parent, ri(y)));
        if a != b {
            parent[a.max(b)] = a.min(b);
        }
    }
    let mut components: std::collections::BTreeMap<usize, Vec<(usize, usize, i64)>> =
        std::collections::BTreeMap::new();
    for &e in edges {
        let root = find(&mut parent, li(e.0));
        components.entry(root).or_default().push(e);
    }
    let mut out = Vec::new();
    for comp in components.values() {
        let (ls, rs) = sides(comp);
        if ls.len().min(rs.len()) > MAX_EXACT_ASSIGNMENT {
            out.extend(greedy_matching(comp));
            continue;
        }
        // Rows: the smaller side.
        let flip = ls.len() > rs.len();
        let (rows, cols) = if flip { (&rs, &ls) } else { (&ls, &rs) };
        let mut w = vec![0i64; rows.len() * cols.len()];
        for &(x, y, weight) in comp {
            let (r, c) = if flip { (y, x) } else { (x, y) };
            let (r, c) = (
                rows.binary_search(&r).unwrap_or(0),
                cols.binary_search(&c).unwrap_or(0),
            );
            w[r * cols.len() + c] = w[r * cols.len() + c].max(weight);
        }
        for (r, c) in hungarian_max(&w, rows.len(), cols.len()) {
            if w[r * cols.len() + c] > 0 {
                let (a, b) = (rows[r], cols[c]);
                out.push(if flip { (b, a) } else { (a, b) });
            }
        }
    }
    out
}

/// The left and the right nodes of some edges, sorted, each once.
fn sides(edges: &[(usize, usize, i64)]) -> (Vec<usize>, Vec<usize>) {
    let mut ls: Vec<usize> = edges.iter().map(|e| e.0).collect();
    let mut rs: Vec<usize> = edges.iter().map(|e| e.1).collect();
    for v in [&mut ls, &mut rs] {
        v.sort_unstable();
        v.dedup();
    }
    (ls, rs)
}

/// Best pairs first; ties by position.
fn greedy_matching(edges: &[(usize, usize, i64)]) -> Vec<(usize, usize)> {
    let mut sorted = edges.to_vec();
    sorted.sort_by(|a, b| b.2.cmp(&a.2).then(a.0.cmp(&b.0)).then(a.1.cmp(&b.1)));
    let mut used_o = HashSet::default();
    let mut used_n = HashSet::default();
    let mut out = Vec::new();
    for (x, y, _) in sorted {
        if used_o.contains(&x) || used_n.contains(&y) {
            continue;
        }
        used_o.insert(x);
        used_n.insert(y);
        out.push((x, y));
    }
    out
}

/// The assignment of each of `n` rows to a distinct one of `m` columns (`n <= m`) with the
/// greatest total weight (`w` row-major, 0 where there is no edge): the Hungarian method
/// with potentials, O(n²m).
fn hungarian_max(w: &[i64], n: usize, m: usize) -> Vec<(usize, usize)> {
    let max = w.iter().copied().max().unwrap_or(0);
    // Minimise max − weight; 1-based arrays as in the classic formulation.
    let cost = |i: usize, j: usize| max - w[(i - 1) * m + (j - 1)];
    let inf = i64::MAX / 4;
    let mut u = vec![0i64; n + 1];
    let mut v = vec![0i64; m + 1];
    let mut p = vec![0usize; m + 1];
    let mut way = vec![0usize; m + 1];
    for i in 1..=n {
        p[0] = i;
        let mut j0 = 0usize;
        let mut minv = vec![inf; m + 1];
        let mut used = vec![false; m + 1];
        loop {
            used[j0] = true;
            let i0 = p[j0];
            let mut delta = inf;
            let mut j1 = 0usize;
            for j in 1..=m {
                if !used[j] {
                    let cur = cost(i0, j) - u[i0] - v[j];
                    if cur < minv[j] {
                        minv[j] = cur;
                        way[j] = j0;
                    }
                    if minv[j] < delta {
                        delta = minv[j];
                        j1 = j;
                    }
                }
            }
            for j in 0..=m {
                if used[j] {
                    u[p[j]] += delta;
                    v[j] -= delta;
                } else {
                    minv[j] -= delta;
                }
            }
            j0 = j1;
            if p[j0] == 0 {
                break;
            }
        }
        loop {
            let j1 = way[j0];
            p[j0] = p[j1];
            j0 = j1;
            if j0 == 0 {
                break;
            }
        }
    }
    (1..=m)
        .filter(|&j| p[j] != 0)
        .map(|j| (p[j] - 1, j - 1))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_assignment_maximises_the_total_not_the_best_pair() {
        // Best pair first would take a–x (10) and leave b alone; a–y and b–x make 17.
        let mut m = max_weight_matching(&[(0, 0, 10), (0, 1, 9), (1, 0, 8)]);
        m.sort_unstable();
        assert_eq!(m, [(0, 1), (1, 0)]);
        // More on one side than the other, and two separate components.
        let mut m = max_weight_matching(&[
            (0, 0, 5),
            (1, 0, 6),
            (2, 0, 7),
            (5, 7, 3),
            (6, 7, 4),
            (6, 8, 2),
        ]);
        m.sort_unstable();
        assert_eq!(m, [(2, 0), (5, 7), (6, 8)]);
        assert!(max_weight_matching(&[]).is_empty());
    }

    /// `f` on the units of two real versions of LEK (lag 2022:482), old and new.
    fn with_lek_units<R>(f: impl FnOnce(Vec<Unit<'_>>, Vec<Unit<'_>>) -> R) -> R {
        let (a, b) = (
            super::super::tests::lek("14"),
            super::super::tests::lek("15"),
        );
        let (op, np) = (
            super::super::all_paragraphs(&a),
            super::super::all_paragraphs(&b),
        );
        f(
            super::super::units(&op, Vec::new()),
            super::super::units(&np, Vec::new()),
        )
    }

    #[test]
    fn only_anchors_are_marked_as_the_same_wording_and_they_are() {
        with_lek_units(|ou, nu| {
            let links = align(&ou, &nu, 1);
            let marked: Vec<&Link> = links.iter().filter(|l| l.same_wording).collect();
            // Most of two close versions is anchored, and some of it is not.
            assert!(
                marked.len() > links.len() / 2,
                "{} of {}",
                marked.len(),
                links.len()
            );
            assert!(marked.len() < links.len());
            for l in marked {
                assert_eq!((l.old.len(), l.new.len()), (1, 1));
                assert!(same_text(&ou[l.old[0]], &nu[l.new[0]]));
            }
        });
    }

    #[test]
    fn a_key_shared_by_different_wordings_anchors_nothing_with_a_helper_or_without() {
        with_lek_units(|ou, mut nu| {
            // An old paragraph whose key no other has, and a new one of other wording given
            // that key: a hash collision, which the anchors' confirmation has to catch.
            let i = (0..ou.len())
                .find(|&i| {
                    !ou[i].repealed
                        && ou.iter().filter(|u| u.key == ou[i].key).count() == 1
                        && nu.iter().all(|u| u.key != ou[i].key)
                })
                .expect("an old paragraph with a key of its own");
            let j = (0..nu.len())
                .find(|&j| !nu[j].repealed && nu[j].text() != ou[i].text())
                .expect("a new paragraph of other wording");
            nu[j].key = ou[i].key;
            let alone = align(&ou, &nu, 1);
            let shared = crate::threads::with_helper(|| align(&ou, &nu, 2));
            assert_eq!(shared, alone);
            assert!(
                !alone
                    .iter()
                    .any(|l| l.same_wording && l.old == [i] && l.new == [j])
            );
        });
    }

    #[test]
    fn the_indexed_move_search_finds_what_comparing_each_pair_finds() {
        with_lek_units(|ou, nu| {
            // Old and new paragraphs from all over both versions, the same ones among them (a
            // similarity of 1), short and long, and some twice as alike as others.
            let lo: Vec<usize> = (0..ou.len())
                .filter(|i| i % 3 == 0 && !ou[*i].repealed)
                .collect();
            let ln: Vec<usize> = (0..nu.len())
                .filter(|j| j % 4 != 1 && !nu[*j].repealed)
                .collect();
            assert!(lo.len() * ln.len() > 10_000 && lo.len() * ln.len() <= MAX_MOVE_PAIRS);
            let mut want = Vec::new();
            for &x in &lo {
                for &y in &ln {
                    if let Some(s) = content_sim_at_least(ou[x].fp(), nu[y].fp(), MOVE_MIN) {
                        want.push((x, y, s));
                    }
                }
            }
            assert!(want.len() > lo.len() / 2, "{}", want.len());
            let mut got = Vec::new();
            all_pairs(&ou, &nu, &lo, &ln, &mut got);
            assert_eq!(got, want);
        });
    }

    #[test]
    fn containment_counts_only_for_texts_of_some_length() {
        let long = Fingerprint::of(
            "Tillhandahållaren ska se till att kritiska system har reservkraft som räcker i minst tre dygn och att trafikuppgifter lagras säkert.",
        );
        let part = Fingerprint::of("se till att kritiska system har reservkraft");
        let tiny = Fingerprint::of("kritiska system");
        assert!(content_sim(&long, &part) > long.dice(&part));
        assert!(
            content_sim(&part, &long) > 0.7,
            "{}",
            content_sim(&part, &long)
        );
        assert_eq!(content_sim(&long, &tiny), long.dice(&tiny));
        assert_eq!(content_sim(&long, &long), 1.0);
    }
}

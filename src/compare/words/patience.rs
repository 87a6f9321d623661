//! Stage 3b, comparing words: the patience diff of one pair, run on token ids.
//!
//! similar's `Algorithm::Patience` hashes and compares the token texts at every step (a
//! SipHash map to find the unique tokens, string compares in Myers). Its result depends
//! only on which tokens are equal, so the same steps run here on `u32` ids, one per
//! distinct text of the pair: the unique tokens are counted in a table indexed by id, and
//! similar's own Myers (public, and the same code the patience diff calls) does the rest
//! on the ids. The ops are those of `capture_diff_slices_deadline(Algorithm::Patience, …)`
//! on the texts; a test holds the two together on real and random pairs.

use similar::DiffOp;
use similar::algorithms::{Capture, Compact, DiffHook, NoFinishHook, Replace, myers, patience};
use std::convert::Infallible;
use std::ops::Range;
use std::time::Instant;

/// Numbers the texts of both sides: equal texts get equal ids, counted from 0 in order of
/// first appearance (old side first). Returns the two id sequences and the number of ids.
pub(super) fn intern<'a>(
    old: impl ExactSizeIterator<Item = &'a [u8]>,
    new: impl ExactSizeIterator<Item = &'a [u8]>,
) -> (Vec<u32>, Vec<u32>, usize) {
    let mut table = Interner::new(old.len() + new.len());
    let o: Vec<u32> = old.map(|t| table.id(t)).collect();
    let n: Vec<u32> = new.map(|t| table.id(t)).collect();
    (o, n, table.texts.len())
}

/// An open-addressing table from token text to id, sized for half the tokens of a pair
/// (most texts repeat) and doubled when two thirds full: a pair's tokens are short, and a
/// general map spent more on hashing and probing them than the whole diff on the ids.
struct Interner<'a> {
    /// Per slot: the high half of the text's hash (its top bits are the home slot), and
    /// the text's id + 1 (0 = empty).
    slots: Vec<(u32, u32)>,
    bits: u32,
    /// Per id: the text, and its [`hash`] key.
    texts: Vec<(&'a [u8], u64)>,
}

impl<'a> Interner<'a> {
    fn new(tokens: usize) -> Interner<'a> {
        let size = (tokens / 2).next_power_of_two().max(16);
        Interner {
            slots: vec![(0, 0); size],
            bits: size.trailing_zeros(),
            texts: Vec::with_capacity(tokens / 2),
        }
    }

    fn home(&self, tag: u32) -> usize {
        (tag >> (32 - self.bits)) as usize
    }

    // Inlined into the two loops of `intern`: a call per token cost a fifth of its work.
    #[inline(always)]
    fn id(&mut self, t: &'a [u8]) -> u32 {
        let (h, short) = hash(t);
        let tag = (h >> 32) as u32;
        let mask = self.slots.len() - 1;
        let mut at = self.home(tag);
        loop {
            let (slot_tag, slot_id) = self.slots[at];
            if slot_id == 0 {
                break;
            }
            if slot_tag == tag {
                let (text, key) = self.texts[(slot_id - 1) as usize];
                // Up to eight bytes the length and the key are the text.
                if text.len() == t.len() && (key == short && t.len() <= 8 || text == t) {
                    return slot_id - 1;
                }
            }
            at = (at + 1) & mask;
        }
        let id = self.texts.len() as u32;
        self.texts.push((t, short));
        self.slots[at] = (tag, id + 1);
        if self.texts.len() * 3 > self.slots.len() * 2 {
            self.grow();
        }
        id
    }

    fn grow(&mut self) {
        let size = self.slots.len() * 2;
        let old = std::mem::replace(&mut self.slots, vec![(0, 0); size]);
        self.bits += 1;
        let mask = self.slots.len() - 1;
        for (tag, id) in old.into_iter().filter(|s| s.1 != 0) {
            let mut at = self.home(tag);
            while self.slots[at].1 != 0 {
                at = (at + 1) & mask;
            }
            self.slots[at] = (tag, id);
        }
    }
}

/// A quick multiplicative hash of a token's bytes (ids are checked against the text, so a
/// collision costs a probe, never a wrong id), and a key: most tokens are at most eight
/// bytes, read in at most two overlapping loads that together cover them, so for them the
/// length and the key are the text itself. Longer ones are read eight bytes at a time.
#[inline]
fn hash(b: &[u8]) -> (u64, u64) {
    const K: u64 = 0x9e37_79b9_7f4a_7c15;
    let n = b.len();
    let word = |at: usize| {
        let mut w = [0u8; 8];
        w.copy_from_slice(&b[at..at + 8]);
        u64::from_le_bytes(w)
    };
    let half = |at: usize| {
        let mut w = [0u8; 4];
        w.copy_from_slice(&b[at..at + 4]);
        u64::from(u32::from_le_bytes(w))
    };
    let mut h = (n as u64).wrapping_mul(K);
    let tail = if n >= 8 {
        let mut at = 0;
        while at + 8 < n {
            h = (h ^ word(at)).wrapping_mul(K).rotate_left(23);
            at += 8;
        }
        word(n - 8)
    } else if n >= 4 {
        half(0) | half(n - 4) << 32
    } else if n > 0 {
        u64::from(b[0]) | u64::from(b[n / 2]) << 8 | u64::from(b[n - 1]) << 16
    } else {
        0
    };
    h = (h ^ tail).wrapping_mul(K);
    (h ^ (h >> 29), tail)
}

/// The ops of similar's patience diff of `old` and `new` (ids below `distinct`), as
/// `capture_diff_slices_deadline(Algorithm::Patience, old, new, Some(deadline))` gives
/// them on the texts the ids stand for.
pub(super) fn diff(old: &[u32], new: &[u32], distinct: usize, deadline: Instant) -> Vec<DiffOp> {
    let mut d = Compact::new(Replace::new(Capture::new()), old, new);
    let Ok(()) = run(&mut d, old, new, distinct, deadline);
    d.into_inner().into_inner().into_ops()
}

/// similar's `patience::diff_deadline` over the whole of both slices, step for step.
fn run<D: DiffHook<Error = Infallible>>(
    d: &mut D,
    old: &[u32],
    new: &[u32],
    distinct: usize,
    deadline: Instant,
) -> Result<(), Infallible> {
    // similar first tries to call two large, nearly disjoint sides one replacement. Where
    // its cheap test lets that scan start, its own code runs, so the outcome stays its own.
    if may_be_disjoint(old, new) {
        return patience::diff_deadline(d, old, 0..old.len(), new, 0..new.len(), Some(deadline));
    }
    if old.is_empty() || new.is_empty() {
        if !new.is_empty() {
            d.insert(0, 0, new.len())?;
        } else if !old.is_empty() {
            d.delete(0, old.len(), 0)?;
        }
        return d.finish();
    }
    // With a deadline similar skips its shortcut for identical sides and goes on to the
    // unique tokens, as here.
    let (ou, oi) = unique(old, distinct);
    let (nu, ni) = unique(new, distinct);
    let mut anchors = Anchors {
        runs: Vec::with_capacity(ou.len().min(nu.len())),
        joined: false,
    };
    myers::diff_deadline(
        &mut anchors,
        &ou,
        0..ou.len(),
        &nu,
        0..nu.len(),
        Some(deadline),
    )?;
    let (mut oc, mut nc) = (0, 0);
    for run in anchors.runs {
        for k in 0..run.len {
            let (oa, na) = (oi[run.old + k], ni[run.new + k]);
            // The equal run from where the last anchor left off.
            let same = if oc < oa && nc < na {
                old[oc..oa]
                    .iter()
                    .zip(&new[nc..na])
                    .take_while(|(a, b)| a == b)
                    .count()
            } else {
                0
            };
            if same > 0 {
                d.equal(oc, nc, same)?;
                oc += same;
                nc += same;
            }
            gap(d, old, oc..oa, new, nc..na, deadline)?;
            oc = oa;
            nc = na;
        }
    }
    myers::diff_deadline(d, old, oc..old.len(), new, nc..new.len(), Some(deadline))
}

/// similar's Myers between two anchors, without its finish. Most gaps are empty or
/// one-sided, and Myers emits those as they are: done here without its set-up.
fn gap<D: DiffHook<Error = Infallible>>(
    d: &mut D,
    old: &[u32],
    o: Range<usize>,
    new: &[u32],
    n: Range<usize>,
    deadline: Instant,
) -> Result<(), Infallible> {
    match (o.is_empty(), n.is_empty()) {
        (true, true) => Ok(()),
        (true, false) => d.insert(o.start, n.start, n.len()),
        (false, true) => d.delete(o.start, o.len(), n.start),
        (false, false) => {
            myers::diff_deadline(&mut NoFinishHook::new(d), old, o, new, n, Some(deadline))
        }
    }
}

/// The tokens that occur once in `s`: their ids and their positions, in order.
fn unique(s: &[u32], distinct: usize) -> (Vec<u32>, Vec<usize>) {
    let mut count = vec![0u8; distinct];
    for &t in s {
        let c = &mut count[t as usize];
        *c = c.saturating_add(1);
    }
    let mut ids = Vec::with_capacity(s.len());
    let mut at = Vec::with_capacity(s.len());
    for (i, &t) in s.iter().enumerate() {
        if count[t as usize] == 1 {
            ids.push(t);
            at.push(i);
        }
    }
    (ids, at)
}

/// similar's test (`preflight::should_scan`) for trying the disjoint fast path on the
/// whole pair, less its deadline check: true when it may start the scan.
fn may_be_disjoint(old: &[u32], new: &[u32]) -> bool {
    const MIN_LEN: usize = 512;
    const MIN_WORK: usize = 128 * 1024;
    const PROBE: usize = 8;
    let (ol, nl) = (old.len(), new.len());
    if ol < MIN_LEN || nl < MIN_LEN || ol.saturating_mul(nl) < MIN_WORK {
        return false;
    }
    if new[0] == old[0] || new[nl - 1] == old[ol - 1] {
        return false;
    }
    for skip in 1..ol.min(nl).min(PROBE + 1) {
        if new[skip] == old[0]
            || new[0] == old[skip]
            || new[nl - 1 - skip] == old[ol - 1]
            || new[nl - 1] == old[ol - 1 - skip]
        {
            return false;
        }
    }
    true
}

/// The equal runs Myers finds between the unique tokens, as similar's patience diff sees
/// them through its `Replace` hook: equal calls with nothing between them join into one
/// run.
#[derive(Default)]
struct Anchors {
    runs: Vec<Run>,
    joined: bool,
}

/// `len` unique tokens from `old` on the old side are equal to those from `new`.
struct Run {
    old: usize,
    new: usize,
    len: usize,
}

impl DiffHook for Anchors {
    type Error = Infallible;
    fn equal(&mut self, old: usize, new: usize, len: usize) -> Result<(), Infallible> {
        match self.runs.last_mut() {
            Some(run) if self.joined => run.len += len,
            _ => self.runs.push(Run { old, new, len }),
        }
        self.joined = true;
        Ok(())
    }
    fn delete(&mut self, _: usize, _: usize, _: usize) -> Result<(), Infallible> {
        self.joined = false;
        Ok(())
    }
    fn insert(&mut self, _: usize, _: usize, _: usize) -> Result<(), Infallible> {
        self.joined = false;
        Ok(())
    }
    fn replace(&mut self, _: usize, _: usize, _: usize, _: usize) -> Result<(), Infallible> {
        self.joined = false;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use similar::{Algorithm, capture_diff_slices_deadline};
    use std::time::Duration;

    fn later() -> Instant {
        Instant::now() + Duration::from_secs(3600)
    }

    /// Holds the diff on ids to similar's patience diff on the texts.
    fn check(old: &[&str], new: &[&str], what: &str) {
        let want = capture_diff_slices_deadline(Algorithm::Patience, old, new, Some(later()));
        let (oi, ni, distinct) = intern(
            old.iter().map(|t| t.as_bytes()),
            new.iter().map(|t| t.as_bytes()),
        );
        assert_eq!(oi.len(), old.len());
        for (i, a) in old.iter().enumerate() {
            for (j, b) in new.iter().enumerate().step_by(7) {
                assert_eq!(a == b, oi[i] == ni[j], "{what}: {a:?} {b:?}");
            }
        }
        let got = diff(&oi, &ni, distinct, later());
        assert_eq!(got, want, "{what}");
    }

    fn texts(s: &str) -> Vec<&str> {
        super::super::tokenize(s)
            .iter()
            .map(|t| t.text(s))
            .collect()
    }

    #[test]
    fn the_diff_on_ids_is_similars_patience_on_real_statute_pairs() {
        for &(a, b) in crate::render::compare::test_pairs::STATUTE_PAIRS {
            let read = |rel: &str| {
                std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(rel))
                    .unwrap_or_else(|e| panic!("{rel}: {e}"))
            };
            let (old, new) = (read(a), read(b));
            let ob: Vec<&str> = old.split("\n\n").collect();
            let nb: Vec<&str> = new.split("\n\n").collect();
            // Each stycke against the one at its place and its neighbours (the same, edited
            // or unrelated text), and runs of 60 stycken (long sides, many repeats).
            for (i, o) in ob.iter().enumerate() {
                let ot = texts(o);
                let near = i.saturating_sub(1).min(nb.len())..(i + 3).min(nb.len());
                for (n, j) in nb[near.clone()].iter().zip(near) {
                    check(&ot, &texts(n), &format!("{a} {i} {j}"));
                }
            }
            for i in (0..ob.len().min(nb.len())).step_by(45) {
                let o = ob[i..(i + 60).min(ob.len())].join("\n");
                let n = nb[i..(i + 60).min(nb.len())].join("\n");
                check(&texts(&o), &texts(&n), &format!("{a} window {i}"));
                // Shifted: few common ends, anchors far from the diagonal.
                let n = nb[(i + 20).min(nb.len())..(i + 70).min(nb.len())].join("\n");
                check(&texts(&o), &texts(&n), &format!("{a} shifted {i}"));
            }
        }
    }

    #[test]
    fn equal_texts_and_only_they_get_equal_ids() {
        // All distinct (the table grows many times), then all repeated.
        let words: Vec<String> = (0..5000).map(|i| format!("w{}", i * 7919 % 5003)).collect();
        let old: Vec<&str> = words.iter().map(String::as_str).collect();
        let new: Vec<&str> = old.iter().rev().copied().chain(["", "w1", "w1"]).collect();
        let (oi, ni, distinct) = intern(
            old.iter().map(|t| t.as_bytes()),
            new.iter().map(|t| t.as_bytes()),
        );
        assert_eq!(distinct, 5001);
        assert_eq!(oi, (0..5000).collect::<Vec<u32>>());
        assert_eq!(&ni[..5000], &(0..5000).rev().collect::<Vec<u32>>());
        assert_eq!(ni[5000], 5000);
        assert_eq!(
            ni[5001],
            oi[old.iter().position(|w| *w == "w1").unwrap_or(0)]
        );
        assert_eq!(ni[5001], ni[5002]);
        // Every length from 0 to 19, texts that differ in one byte anywhere: ids agree with
        // a map on the texts.
        let mut texts: Vec<String> = Vec::new();
        for n in 0..20 {
            for at in 0..n.max(1) {
                for c in ['a', 'b', 'å'] {
                    let mut t: Vec<char> = "x".repeat(n).chars().collect();
                    if n > 0 {
                        t[at] = c;
                    }
                    texts.push(t.into_iter().collect());
                }
            }
        }
        let all: Vec<&str> = texts.iter().map(String::as_str).collect();
        let (oi, ni, distinct) = intern(
            all.iter().map(|t| t.as_bytes()),
            all.iter().rev().map(|t| t.as_bytes()),
        );
        let mut map = std::collections::HashMap::new();
        for t in &all {
            let next = map.len() as u32;
            map.entry(*t).or_insert(next);
        }
        assert_eq!(distinct, map.len());
        let want: Vec<u32> = all.iter().map(|t| map[t]).collect();
        assert_eq!(oi, want);
        assert_eq!(ni, want.iter().rev().copied().collect::<Vec<u32>>());
    }

    #[test]
    fn the_diff_on_ids_is_similars_patience_on_random_sequences() {
        // A fixed linear congruential generator: the same sequences on every run.
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = move |n: usize| {
            seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            ((seed >> 33) as usize) % n
        };
        let words = [
            "och",
            "att",
            "i",
            "§",
            ",",
            "ska",
            "får",
            "1",
            "2",
            "kap.",
            "den",
            "myndighet",
            "x",
            "y",
            "z",
            "w",
            "v",
            "u",
            "t",
            "s",
        ];
        for round in 0..400 {
            // Small vocabularies (many repeats, few unique anchors) and large ones; sizes up
            // past similar's 512-token thresholds; edits from a few to a full rewrite.
            let vocab = [2, 3, 5, 8, 20][round % 5];
            let len = [0, 1, 5, 40, 300, 700, 1200][next(7)];
            let old: Vec<&str> = (0..len).map(|_| words[next(vocab)]).collect();
            let mut new = old.clone();
            let edits = next(len.max(1) / 3 + 2);
            for _ in 0..edits {
                let at = next(new.len() + 1);
                match next(3) {
                    0 if at < new.len() => {
                        new.remove(at);
                    }
                    1 if at < new.len() => new[at] = words[next(words.len())],
                    _ => new.insert(at, words[next(words.len())]),
                }
            }
            if round % 9 == 0 {
                // Unrelated sides: the disjoint fast path's ground.
                new = (0..next(1300)).map(|_| words[10 + next(10)]).collect();
            }
            if round % 9 == 4 {
                // Unrelated but for one shared word: similar's fast path calls it one
                // replacement where the patience diff would anchor on that word.
                let old_len = 500 + next(900);
                new = (0..500 + next(900)).map(|_| words[15 + next(5)]).collect();
                let mid = new.len() / 2;
                new[mid] = "delad";
                let old: Vec<&str> = (0..old_len)
                    .map(|k| {
                        if k == old_len / 3 {
                            "delad"
                        } else {
                            words[10 + next(5)]
                        }
                    })
                    .collect();
                check(&old, &new, &format!("round {round}, one shared word"));
            }
            check(&old, &new, &format!("round {round}"));
            check(&new, &old, &format!("round {round}, reversed"));
        }
    }
}

//! Stage 3, comparing versions: two [`Regulation`]s become a [`VersionMap`]. Paragraphs are
//! aligned first (by label and by content, see [`seq`]), and only aligned pairs get a word
//! diff ([`words`], bounded by counted work). Chapter headings, rubriker, allmänna råd, the
//! preamble, övergångsbestämmelser and bilagor are compared too.
//!
//! # The version map (`remiss diff --format json`), format version 1
//!
//! ```text
//! {
//!   "format": "remiss-version-map", "format_version": 1,
//!   "old": {"source", "title"?, "chapters", "paragraphs"},   // and "new" alike
//!   "summary": {
//!     "differences": bool,              // false: exit code 0
//!     "paragraphs": {"unchanged", "changed", "renumbered", "moved", "split",
//!                    "merged", "added", "removed"},        // counts of entries
//!     "chapters_touched": ["1 kap.", "8 kap."],
//!     "chapter_headings": {counts}, "rubriker": {counts},
//!     "allmanna_rad": {counts}, "other": {counts},
//!     "metadata_only": n,               // same wording, other amendment note
//!     "normalisation": {"old": {"line_wraps", "hyphenation", "whitespace"},
//!                       "new": {...}, "whitespace_only": n},
//!     "aligned_share": 0..1,            // share of paragraphs aligned to something
//!     "fallbacks": n                    // word diffs that hit the work or size limit
//!   },
//!   "warnings": ["..."],
//!   "paragraphs": [                     // every paragraph of both versions, once
//!     {"relation": "renumbered",
//!      "old": [Address], "new": [Address],   // several for split and merge
//!      "old_ids": ["K8P5"], "new_ids": ["K8P1"],
//!      "similarity": 0..1,               // 3 decimals
//!      "changes": [Op]?,                 // absent when the wording is the same
//!      "allmanna_rad": {"relation", "changes"?}?,
//!      "metadata": {"old": {"amended_by", ...}, "new": {...}}?,
//!      "repealed": "Har upphävts genom ..."?,   // the new version's placeholder at the old
//!                                        // label (`Har betecknats 23 a §` when renumbered)
//!      "fallback": true?,
//!      "moved_wording": [{"direction": "to-allmanna-rad"|"from-allmanna-rad",
//!                         "segments": ["..."], "words": n}]?}  // flyttat till allmänna råd
//!   ],
//!   "label_reuse": [{"label": Address,        // a label naming other paragraphs in each,
//!                    "old_paragraph_now": Address?,   // not explained by a shift of the
//!                    "new_paragraph_was": Address?,   // numbering
//!                    "crossing": bool}]?,     // the two changed places
//!   "chapters": [{"relation", "old"?, "new"?, "old_heading"?, "new_heading"?, "changes"?}],
//!   "rubriker": [{"relation", "old_text"?, "new_text"?, "old_before"?, "new_before"?,
//!                 "changes"?}],          // *_before: the paragraph the rubrik heads
//!   "other": [{"part": "title"|"preamble"|"avdelning"|"overgang"|"bilaga", "relation",
//!              "old_id"?, "new_id"?, "label", "changes"?}]
//! }
//! ```
//!
//! `Op` is `{"op": "equal", "text"}`, `{"op": "delete", "old"}`, `{"op": "insert", "new"}`
//! or `{"op": "replace", "old", "new"}`; concatenating the old (new) sides gives the old
//! (new) text, with `\n` between stycken and punkter. An added paragraph has one insert,
//! a removed one a delete. Entries are in the new version's order, each removed paragraph
//! after the paragraph that preceded it. Fields are only ever added in later versions.

mod par;
mod seq;
pub mod words;

pub use words::Op;

use crate::address::{Address, Label};
use crate::regulation::{Paragraf, Regulation};
use crate::source::Normalisation;
use rustc_hash::FxHashMap;
use seq::{Link, Unit};
use serde::Serialize;
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::time::{Duration, Instant};
use words::{Fingerprint, WordDiff, same_but_spacing, text_key};

/// How the comparison runs. The word diffs are bounded by counted work, so the same input
/// always gives the same output; the wall-clock cap is a last resort that is reported.
#[derive(Clone, Debug)]
pub struct Options {
    /// The work all word diffs together may take ([`words::work`] units); later pairs fall
    /// back to whole stycken.
    pub total_work: u64,
    /// The longest all word diffs together may take: a last resort on a slow machine, since
    /// a comparison that hits it may differ from run to run (a warning says so).
    pub total_timeout: Duration,
    /// Threads the comparison may use (this one included). The output is the same bytes
    /// whatever the number. One by default: a caller that already runs comparisons side by
    /// side (a build) keeps its cores; `remiss diff`, comparing one pair, gives it two. More
    /// than one shares work only with the helper of [`crate::threads::with_helper`], when
    /// the calling thread runs in one.
    pub threads: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            total_work: words::TOTAL_WORK,
            total_timeout: Duration::from_secs(120),
            threads: 1,
        }
    }
}

/// What happened to a paragraph (or a heading, rubrik or other part) between versions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Relation {
    Unchanged,
    Changed,
    Renumbered,
    Moved,
    Split,
    Merged,
    Added,
    Removed,
}

impl Relation {
    pub const ALL: [Relation; 8] = [
        Relation::Unchanged,
        Relation::Changed,
        Relation::Renumbered,
        Relation::Moved,
        Relation::Split,
        Relation::Merged,
        Relation::Added,
        Relation::Removed,
    ];
    pub fn as_str(&self) -> &'static str {
        match self {
            Relation::Unchanged => "unchanged",
            Relation::Changed => "changed",
            Relation::Renumbered => "renumbered",
            Relation::Moved => "moved",
            Relation::Split => "split",
            Relation::Merged => "merged",
            Relation::Added => "added",
            Relation::Removed => "removed",
        }
    }
}

/// Counts per relation.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub unchanged: usize,
    pub changed: usize,
    pub renumbered: usize,
    pub moved: usize,
    pub split: usize,
    pub merged: usize,
    pub added: usize,
    pub removed: usize,
}

impl Counts {
    pub fn get(&self, r: Relation) -> usize {
        match r {
            Relation::Unchanged => self.unchanged,
            Relation::Changed => self.changed,
            Relation::Renumbered => self.renumbered,
            Relation::Moved => self.moved,
            Relation::Split => self.split,
            Relation::Merged => self.merged,
            Relation::Added => self.added,
            Relation::Removed => self.removed,
        }
    }
    fn bump(&mut self, r: Relation) {
        let slot = match r {
            Relation::Unchanged => &mut self.unchanged,
            Relation::Changed => &mut self.changed,
            Relation::Renumbered => &mut self.renumbered,
            Relation::Moved => &mut self.moved,
            Relation::Split => &mut self.split,
            Relation::Merged => &mut self.merged,
            Relation::Added => &mut self.added,
            Relation::Removed => &mut self.removed,
        };
        *slot += 1;
    }
    /// Everything but `unchanged`.
    pub fn differences(&self) -> usize {
        Relation::ALL[1..].iter().map(|r| self.get(*r)).sum()
    }
}

/// One side of the comparison.
#[derive(Clone, Debug, Serialize)]
pub struct Side {
    pub source: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    pub chapters: usize,
    pub paragraphs: usize,
}

/// What was normalised away on each side, and how many pairs differed in spacing only.
#[derive(Clone, Copy, Debug, Default, Serialize)]
pub struct NormalisationSummary {
    pub old: Normalisation,
    pub new: Normalisation,
    /// Compared texts (or parts of them) that differed only in whitespace, such as
    /// `676/ 2002/EG` → `676/2002/EG`: shown as equal, counted here.
    pub whitespace_only: u32,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct Summary {
    /// Any difference in wording or structure (exit code 1). Metadata alone is none.
    pub differences: bool,
    pub paragraphs: Counts,
    /// Chapters (new label, or old when removed) with any difference, in order.
    pub chapters_touched: Vec<String>,
    pub chapter_headings: Counts,
    pub rubriker: Counts,
    pub allmanna_rad: Counts,
    pub other: Counts,
    /// Paragraphs with the same wording whose amendment note or in-force marker differs.
    pub metadata_only: usize,
    pub normalisation: NormalisationSummary,
    /// Share of all paragraphs (old and new) that were aligned to a paragraph.
    pub aligned_share: f64,
    /// Word diffs that hit the work or size limit (or, as a last resort, the wall-clock cap)
    /// and replaced whole stycken.
    pub fallbacks: usize,
}

/// The allmänna råd of an aligned pair (they travel with their paragraph).
#[derive(Clone, Debug, Serialize)]
pub struct ArChange {
    pub relation: Relation,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<Op>,
}

/// Amendment notes and in-force markers of one side.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Meta {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub amended_by: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub in_force_from: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub in_force_until: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct MetaChange {
    pub old: Meta,
    pub new: Meta,
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// One row of the version map: what became of one or two paragraphs.
#[derive(Clone, Debug, Serialize)]
pub struct Entry {
    pub relation: Relation,
    pub old: Vec<Address>,
    pub new: Vec<Address>,
    pub old_ids: Vec<String>,
    pub new_ids: Vec<String>,
    pub similarity: f64,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<Op>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allmanna_rad: Option<ArChange>,
    /// Boxed: few entries have one, and every entry would otherwise carry its room.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Box<MetaChange>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub repealed: Option<String>,
    #[serde(skip_serializing_if = "is_false")]
    pub fallback: bool,
    /// Wording that left the paragraph and is found in its allmänna råd (`flyttat till
    /// allmänna råd`), or the reverse; it is not "deleted here, new there".
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub moved_wording: Vec<MovedWording>,
    /// Positions in each version's paragraph order (for renderers).
    #[serde(skip)]
    pub old_pos: Vec<usize>,
    #[serde(skip)]
    pub new_pos: Vec<usize>,
}

impl Entry {
    /// The wording (or its allmänna råd) differs.
    pub fn wording_changed(&self) -> bool {
        !self.changes.is_empty()
            || self
                .allmanna_rad
                .as_ref()
                .is_some_and(|a| a.relation != Relation::Unchanged)
    }
}

/// Where wording went between a paragraph and its allmänna råd.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum WordingMove {
    /// From the binding text into the allmänna råd under it (`flyttat till allmänna råd`).
    ToAllmannaRad,
    /// From the allmänna råd into the binding text (`flyttat från allmänna råd`).
    FromAllmannaRad,
}

/// Wording deleted on one side of a pair and found again in what was inserted on the other.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MovedWording {
    pub direction: WordingMove,
    /// The deleted pieces found again (old wording for `to-allmanna-rad`, old allmänna råd
    /// for `from-allmanna-rad`).
    pub segments: Vec<String>,
    /// Words in those pieces.
    pub words: usize,
}

/// A label that both versions have but for different paragraphs: `9 kap. 17 §` was one
/// paragraph and is now another (content over labels).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LabelReuse {
    pub label: Address,
    /// Where the old paragraph with this label went (absent: removed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old_paragraph_now: Option<Address>,
    /// Where the new paragraph with this label came from (absent: it is new).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new_paragraph_was: Option<Address>,
    /// The two paragraphs changed places (old 17 § went after the old 21 § that took its
    /// label), so no shift of the numbering explains the reuse.
    pub crossing: bool,
}

impl LabelReuse {
    /// Whether a reader needs to be told: the paragraphs crossed, or the label now names a
    /// new paragraph while the old one was removed. A reuse by a plain shift of the
    /// numbering (`3 §` → `2 §` after a removal) is said by the renumbering itself.
    pub fn worth_stating(&self) -> bool {
        self.crossing || (self.old_paragraph_now.is_none() && self.new_paragraph_was.is_none())
    }
}

/// A chapter heading (`8 kap. Säkerhet`).
#[derive(Clone, Debug, Serialize)]
pub struct HeadingEntry {
    pub relation: Relation,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old: Option<Address>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new: Option<Address>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old_heading: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new_heading: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<Op>,
}

/// A rubrik, placed by the paragraph it stands before.
#[derive(Clone, Debug, Serialize)]
pub struct RubrikEntry {
    pub relation: Relation,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old_text: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new_text: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old_before: Option<Address>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new_before: Option<Address>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<Op>,
}

/// The title, preamble, övergångsbestämmelser and bilagor, compared part by part.
#[derive(Clone, Debug, Serialize)]
pub struct PartEntry {
    pub part: &'static str,
    pub relation: Relation,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new_id: Option<String>,
    /// A Swedish name for the part (`Övergångsbestämmelser 2025:1511 punkt 1`).
    pub label: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<Op>,
}

/// The result of comparing two versions; see the module documentation for its JSON form.
#[derive(Clone, Debug, Serialize)]
pub struct VersionMap {
    pub format: &'static str,
    pub format_version: u32,
    pub old: Side,
    pub new: Side,
    pub summary: Summary,
    pub warnings: Vec<String>,
    pub paragraphs: Vec<Entry>,
    /// Labels used for one paragraph in the old version and another in the new that no
    /// shift of the numbering explains (the paragraphs crossed, or a new paragraph took a
    /// removed one's label), in the new version's order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub label_reuse: Vec<LabelReuse>,
    pub chapters: Vec<HeadingEntry>,
    pub rubriker: Vec<RubrikEntry>,
    pub other: Vec<PartEntry>,
}

/// Where an old paragraph went, read off the alignment (never found by searching text).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "relation", content = "to", rename_all = "lowercase")]
pub enum Followed {
    /// Same address, same wording.
    Same(Address),
    /// Same address, other wording.
    Changed(Address),
    /// A new label in the same place (the wording may differ too).
    Renumbered(Address),
    /// Another chapter or place.
    Moved(Address),
    Split(Vec<Address>),
    /// Merged with another paragraph into this one.
    Merged(Address),
    Removed,
    /// The address is not a paragraph of the old version.
    Unknown,
}

impl VersionMap {
    /// Where the paragraph holding `old` went. Stycke and punkt are ignored: the paragraph
    /// is followed as a whole.
    pub fn follow(&self, old: &Address) -> Followed {
        let key = old.paragraph_part();
        let Some(e) = self.paragraphs.iter().find(|e| e.old.contains(&key)) else {
            return Followed::Unknown;
        };
        // A paragraph replaced by a repeal note is gone, whatever the address says.
        let first = e.new.first().copied();
        match (e.relation, first) {
            (Relation::Removed, _) | (_, None) => Followed::Removed,
            (Relation::Unchanged, Some(a)) => Followed::Same(a),
            (Relation::Changed, Some(a)) => Followed::Changed(a),
            (Relation::Renumbered, Some(a)) => Followed::Renumbered(a),
            (Relation::Moved, Some(a)) => Followed::Moved(a),
            (Relation::Split, Some(_)) => Followed::Split(e.new.clone()),
            (Relation::Merged, Some(a)) => Followed::Merged(a),
            (Relation::Added, Some(_)) => Followed::Unknown,
        }
    }

    /// True when the versions differ in wording or structure (exit code 1).
    pub fn has_differences(&self) -> bool {
        self.summary.differences
    }
}

// ---------------------------------------------------------------------------------------
// Texts compared
// ---------------------------------------------------------------------------------------

/// The compared wording of a paragraph: stycken and punkter on lines of their own, the
/// label and amendment notes left out. A repealed paragraph's text is its repeal note.
pub fn paragraph_text(p: &Paragraf) -> String {
    // Sized up front: this runs over every paragraph of both versions.
    let mut cap = 0;
    paragraph_pieces(p, |piece| cap += piece.len());
    let mut s = String::with_capacity(cap);
    paragraph_pieces(p, |piece| s.push_str(piece));
    s
}

/// [`words::text_key`] of [`paragraph_text`], and the length of that text, without
/// building it: every paragraph of both versions is keyed, and most are never needed as text.
fn paragraph_key_len(p: &Paragraf) -> (u64, usize) {
    let mut len = 0;
    paragraph_pieces(p, |piece| len += piece.len());
    let mut h = words::KeyHasher::new(len);
    paragraph_pieces(p, |piece| h.write(piece.as_bytes()));
    (h.finish(), len)
}

/// The pieces [`paragraph_text`] is made of, in order (the one definition of the compared
/// text, shared by the text, its key and the page that shows it).
pub(crate) fn paragraph_pieces(p: &Paragraf, mut f: impl FnMut(&str)) {
    if let Some(r) = p.repealed() {
        f(r);
        return;
    }
    let mut any = false;
    // A punkt's label as `12. ` or `b) `, written by hand: this runs for every punkt of
    // both versions, twice.
    let mut label = [0u8; 16];
    for st in &p.stycken {
        if !st.text.is_empty() {
            if any {
                f("\n");
            }
            f(&st.text);
            any = true;
        }
        for n in &st.punkter {
            if any {
                f("\n");
            }
            let len = match n.label {
                crate::address::PunktLabel::Number(x) => {
                    let digits = x.checked_ilog10().unwrap_or(0) as usize + 1;
                    let mut v = x;
                    for k in (0..digits).rev() {
                        label[k] = b'0' + (v % 10) as u8;
                        v /= 10;
                    }
                    label[digits..digits + 2].copy_from_slice(b". ");
                    digits + 2
                }
                crate::address::PunktLabel::Letter(c) => {
                    let w = c.encode_utf8(&mut label).len();
                    label[w..w + 2].copy_from_slice(b") ");
                    w + 2
                }
            };
            // Digits, a char and ASCII punctuation: valid UTF-8.
            f(std::str::from_utf8(&label[..len]).unwrap_or_default());
            f(&n.text);
            any = true;
        }
    }
}

/// The text of a paragraph's allmänna råd blocks, one stycke a line.
pub fn allmanna_rad_text(p: &Paragraf) -> String {
    let mut s = String::new();
    for ar in p.allmanna_rad() {
        for st in &ar.stycken {
            if !s.is_empty() {
                s.push('\n');
            }
            s.push_str(&st.text);
        }
    }
    s
}

/// Every paragraph in order, in a vector sized first: a flattened iterator does not know
/// its length, and growing copies.
fn all_paragraphs(r: &Regulation) -> Vec<&Paragraf> {
    let mut v = Vec::with_capacity(r.paragraph_count());
    v.extend(r.paragraphs());
    v
}

/// What the alignment needs of one version alone (the key and the length of every
/// paragraph's compared text), made where that version was read: `remiss diff` makes it on
/// the thread that parsed the version, while the other version is still being parsed.
pub struct Prepared {
    keys: Vec<(u64, usize)>,
    /// The version's latest amendment note ([`latest_amendment`]).
    latest: Option<SfsNumber>,
}

impl Prepared {
    pub fn of(reg: &Regulation) -> Prepared {
        let mut keys = Vec::with_capacity(reg.paragraph_count());
        keys.extend(reg.paragraphs().map(paragraph_key_len));
        Prepared {
            keys,
            latest: latest_amendment(reg),
        }
    }
}

/// One version's side of the alignment: its paragraphs in order, their units, and its
/// latest amendment note, taken from `prepared` where that was made for this version.
fn side<'a>(
    reg: &'a Regulation,
    prepared: Option<Prepared>,
) -> (Vec<&'a Paragraf>, Vec<Unit<'a>>, Option<SfsNumber>) {
    let ps = all_paragraphs(reg);
    // Made for another text (not by this crate's callers), it would be worse than none.
    let prepared = prepared.filter(|p| p.keys.len() == ps.len());
    let latest = match &prepared {
        Some(p) => p.latest,
        None => latest_amendment(reg),
    };
    let units = units(&ps, prepared.map(|p| p.keys).unwrap_or_default());
    (ps, units, latest)
}

fn units<'a>(ps: &[&'a Paragraf], keys: Vec<(u64, usize)>) -> Vec<Unit<'a>> {
    ps.iter()
        .enumerate()
        .map(|(i, &p)| {
            let (key, len) = keys.get(i).copied().unwrap_or_else(|| paragraph_key_len(p));
            Unit {
                p,
                address: p.address,
                key,
                len,
                repealed: p.repealed().is_some(),
                fp: std::sync::OnceLock::new(),
            }
        })
        .collect()
}

fn meta(p: &Paragraf) -> Meta {
    Meta {
        amended_by: p.amended_by().to_vec(),
        in_force_from: p.in_force_from().map(str::to_string),
        in_force_until: p.in_force_until().map(str::to_string),
    }
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// Runs word diffs against one shared budget.
struct Differ {
    budget: words::Budget,
    fallbacks: usize,
    whitespace_only: u32,
}

impl Differ {
    /// A differ for work done apart (on a helper, beside other work that spends this one's
    /// budget): the same wall-clock cap, no work budget; its result is taken over by
    /// [`Differ::settle`].
    fn apart(&self) -> Differ {
        Differ {
            budget: words::Budget::new(u64::MAX, self.budget.cap),
            fallbacks: 0,
            whitespace_only: 0,
        }
    }

    /// The work units spent by a differ made by [`Differ::apart`].
    fn spent(&self) -> u64 {
        u64::MAX - self.budget.left
    }

    /// Takes over `done`, the result of work that `own` ([`Differ::apart`]) did, charging
    /// what it spent and counted, when that fits what is left here; otherwise does the work
    /// `again` against the budget as it stands. So the result is the one of the work done
    /// here, in this order, whatever the budget.
    fn settle<T>(&mut self, own: &Differ, done: T, again: impl FnOnce(&mut Differ) -> T) -> T {
        let spent = own.spent();
        if spent > self.budget.left {
            return again(self);
        }
        self.budget.left -= spent;
        self.budget.capped += own.budget.capped;
        self.fallbacks += own.fallbacks;
        self.whitespace_only += own.whitespace_only;
        done
    }

    fn diff(&mut self, old: &str, new: &str) -> WordDiff {
        if same_but_spacing(old, new) {
            if old != new {
                self.whitespace_only += 1;
            }
            return WordDiff {
                ops: Vec::new(),
                similarity: 1.0,
                fallback: false,
                whitespace_only: 0,
            };
        }
        let d = words::diff_within(old, new, &mut self.budget);
        if d.fallback {
            self.fallbacks += 1;
        }
        self.whitespace_only += d.whitespace_only;
        if !d.has_changes() {
            return WordDiff {
                ops: Vec::new(),
                ..d
            };
        }
        d
    }
}

/// Compares two versions of a regulation.
pub fn align(old: &Regulation, new: &Regulation, opts: &Options) -> VersionMap {
    align_prepared(old, new, None, opts)
}

/// [`align`], with what each version needs alone already made ([`Prepared::of`] of `old`
/// and of `new`, in that order).
pub fn align_prepared(
    old: &Regulation,
    new: &Regulation,
    prepared: Option<(Prepared, Prepared)>,
    opts: &Options,
) -> VersionMap {
    let (po, pn) = prepared.unzip();
    let mut differ = Differ {
        budget: words::Budget::new(opts.total_work, Instant::now() + opts.total_timeout),
        fallbacks: 0,
        whitespace_only: 0,
    };
    // Each version's table on its own side (with a helper at hand, see `Options::threads`).
    let ((op, ou, old_latest), (np, nu, new_latest)) =
        crate::threads::join(|| side(old, po), || side(new, pn));
    let links = seq::align(&ou, &nu, opts.threads);

    // Chapter of each paragraph, and where each old chapter went (by its paragraphs).
    let chap_of = |reg: &Regulation| -> Vec<usize> {
        reg.kapitel
            .iter()
            .enumerate()
            .flat_map(|(k, kap)| std::iter::repeat_n(k, kap.paragrafer.len()))
            .collect()
    };
    let (oc, nc) = (chap_of(old), chap_of(new));
    let chapter_map = map_chapters(old, new, &links, &oc, &nc);

    let mut om = vec![false; ou.len()];
    let mut nm = vec![false; nu.len()];
    for l in &links {
        for &i in &l.old {
            om[i] = true;
        }
        for &j in &l.new {
            nm[j] = true;
        }
    }
    // Every link, removed and added paragraph is one entry: sized once, as the entries are
    // large and growing the vector would copy them into fresh pages again and again.
    let unlinked = om.iter().filter(|m| !**m).count() + nm.iter().filter(|m| !**m).count();
    let mut entries: Vec<Entry> = Vec::with_capacity(links.len() + unlinked);
    let diffs = all_link_diffs(&links, &op, &np, &ou, &nu, &mut differ, opts.threads);
    let entry = |k: usize, d: LinkDiffs| {
        linked_entry(&links[k], &op, &np, &ou, &nu, &oc, &nc, &chapter_map, d)
    };
    // The entries of `links[range]` into `slots` (one for each), each from its link and its
    // diffs (`(link, diffs)` in increasing link order, the links not there identical).
    let entries_into = |range: std::ops::Range<usize>,
                        diffs: Vec<(usize, LinkDiffs)>,
                        slots: &mut [std::mem::MaybeUninit<Entry>]| {
        debug_assert_eq!(range.len(), slots.len());
        let mut diffs = diffs.into_iter().peekable();
        for (k, slot) in range.zip(slots) {
            let d = diffs
                .next_if(|(at, _)| *at == k)
                .map_or_else(LinkDiffs::trivial, |(_, d)| d);
            slot.write(entry(k, d));
        }
    };
    // Each entry is made from its own link alone: with a helper at hand the later half is
    // made there, each half in its own part of the vector (rather than the later one made
    // apart and copied in, into fresh pages a second time).
    let n = links.len();
    let room = &mut entries.spare_capacity_mut()[..n];
    if par::helper_at_hand(opts.threads) && par::worth_splitting(n) {
        let mid = n / 2;
        let mut first = diffs;
        let later = first.split_off(first.partition_point(|(at, _)| *at < mid));
        let (head, tail) = room.split_at_mut(mid);
        crate::threads::join(
            || entries_into(mid..n, later, tail),
            || entries_into(0..mid, first, head),
        );
    } else {
        entries_into(0..n, diffs, room);
    }
    // SAFETY: `entries` was empty, with room for `n` (and more, for the paragraphs left
    // unlinked); `entries_into` wrote every slot of 0..n, in one range or in 0..mid and
    // mid..n (each range as long as its slots), and has returned (`join` carries on a panic
    // in either half only after both have stopped, and then this line is not reached).
    unsafe { entries.set_len(n) };
    // `Har betecknats 23 a §` left at the old label of a renumbered paragraph goes with it.
    let mut relabelled_at: BTreeMap<Address, usize> = BTreeMap::new();
    for (j, p) in np.iter().enumerate() {
        if !nm[j]
            && p.repealed()
                .is_some_and(|r| r.starts_with("Har betecknats"))
        {
            relabelled_at.entry(p.address).or_insert(j);
        }
    }
    for e in entries.iter_mut() {
        if matches!(e.relation, Relation::Renumbered | Relation::Moved)
            && e.old.len() == 1
            && let Some(j) = relabelled_at.remove(&e.old[0])
        {
            nm[j] = true;
            e.repealed = np[j].repealed().map(str::to_string);
        }
    }
    // Removed paragraphs; a repeal note left at the same address goes with them.
    let mut repeal_at: BTreeMap<Address, Vec<usize>> = BTreeMap::new();
    for (j, u) in nu.iter().enumerate() {
        if !nm[j] && u.repealed {
            repeal_at.entry(u.address).or_default().push(j);
        }
    }
    for i in 0..ou.len() {
        if om[i] {
            continue;
        }
        let mut e = single(
            Relation::Removed,
            Some((i, op[i])),
            None,
            vec![Op::Delete { old: ou[i].text() }],
            0.0,
        );
        if !ou[i].repealed
            && let Some(js) = repeal_at.get_mut(&ou[i].address)
            && !js.is_empty()
        {
            let j = js.remove(0);
            nm[j] = true;
            e.new = vec![np[j].address];
            e.new_ids = vec![np[j].id.clone()];
            e.new_pos = vec![j];
            e.repealed = np[j].repealed().map(str::to_string);
        }
        entries.push(e);
    }
    for j in 0..nu.len() {
        if nm[j] {
            continue;
        }
        let mut e = single(
            Relation::Added,
            None,
            Some((j, np[j])),
            vec![Op::Insert { new: nu[j].text() }],
            0.0,
        );
        e.repealed = np[j].repealed().map(str::to_string);
        if let Some(ar) = (!np[j].allmanna_rad().is_empty()).then(|| allmanna_rad_text(np[j])) {
            e.allmanna_rad = Some(ArChange {
                relation: Relation::Added,
                changes: vec![Op::Insert { new: ar }],
            });
        }
        entries.push(e);
    }
    order_entries(&mut entries);
    // The budget is spent in the serial order (headings, rubriker, other parts). The label
    // reuse spends none, and is found beside the headings and the rubriker; so are the other
    // parts, against a budget of their own, charged after the headings' and the rubriker's:
    // should it not fit what they left, they are compared again here, as in that order.
    let mut own = differ.apart();
    let ((label_reuse, other), (chapters, rubriker)) = crate::threads::join(
        || {
            let reuse = label_reuse(&entries, &op, &np);
            (reuse, compare_other(old, new, &mut own))
        },
        || {
            let chapters = compare_headings(old, new, &chapter_map, &mut differ);
            let rubriker = compare_rubriker(old, new, &links, &op, &np, &mut differ);
            (chapters, rubriker)
        },
    );
    let other = differ.settle(&own, other, |d| compare_other(old, new, d));

    // Summary.
    let mut s = Summary::default();
    for e in &entries {
        s.paragraphs.bump(e.relation);
        if e.relation == Relation::Unchanged && e.metadata.is_some() {
            s.metadata_only += 1;
        }
        if let Some(ar) = &e.allmanna_rad {
            s.allmanna_rad.bump(ar.relation);
        }
        if e.fallback {
            s.fallbacks += 1;
        }
    }
    for h in &chapters {
        s.chapter_headings.bump(h.relation);
    }
    for r in &rubriker {
        s.rubriker.bump(r.relation);
    }
    for o in &other {
        s.other.bump(o.relation);
    }
    s.differences = s.paragraphs.differences()
        + s.chapter_headings.differences()
        + s.rubriker.differences()
        + s.other.differences()
        > 0;
    s.chapters_touched = chapters_touched(&entries, &chapters, &rubriker);
    let aligned_old = om.iter().filter(|x| **x).count();
    let aligned_new = links.iter().map(|l| l.new.len()).sum::<usize>();
    let total = ou.len() + nu.len();
    s.aligned_share = if total == 0 {
        1.0
    } else {
        round3((aligned_old + aligned_new) as f64 / total as f64)
    };
    s.normalisation = NormalisationSummary {
        old: old.normalisation,
        new: new.normalisation,
        whitespace_only: differ.whitespace_only,
    };
    s.fallbacks = s.fallbacks.max(differ.fallbacks);

    let mut warnings = warnings(old, new, &s, &ou, &nu, (old_latest, new_latest));
    if differ.budget.capped > 0 {
        warnings.push(format!(
            "{} word diff(s) hit the wall-clock cap (the machine is slow or busy); those paragraphs show whole stycken replaced, and another run may show them otherwise",
            differ.budget.capped
        ));
    }
    let side = |r: &Regulation| Side {
        source: r.source.clone(),
        title: r.title.as_ref().map(|t| t.text.clone()),
        chapters: r.chapter_count(),
        paragraphs: r.paragraph_count(),
    };
    VersionMap {
        format: "remiss-version-map",
        format_version: 1,
        old: side(old),
        new: side(new),
        summary: s,
        warnings,
        paragraphs: entries,
        label_reuse,
        chapters,
        rubriker,
        other,
    }
}

fn single(
    relation: Relation,
    old: Option<(usize, &Paragraf)>,
    new: Option<(usize, &Paragraf)>,
    changes: Vec<Op>,
    similarity: f64,
) -> Entry {
    Entry {
        relation,
        old: old.iter().map(|(_, p)| p.address).collect(),
        new: new.iter().map(|(_, p)| p.address).collect(),
        old_ids: old.iter().map(|(_, p)| p.id.clone()).collect(),
        new_ids: new.iter().map(|(_, p)| p.id.clone()).collect(),
        similarity,
        changes,
        allmanna_rad: old.and_then(|(_, p)| {
            (!p.allmanna_rad().is_empty()).then(|| ArChange {
                relation: Relation::Removed,
                changes: vec![Op::Delete {
                    old: allmanna_rad_text(p),
                }],
            })
        }),
        metadata: None,
        repealed: None,
        fallback: false,
        moved_wording: Vec::new(),
        old_pos: old.iter().map(|(i, _)| *i).collect(),
        new_pos: new.iter().map(|(i, _)| *i).collect(),
    }
}

/// The word diffs of one link, and the texts of its allmänna råd: the costly, independent
/// part of its [`Entry`], done before the entry is built (on helper threads, maybe).
#[derive(Default)]
struct LinkDiffs {
    /// The wording (similarity 1 and no ops when identical).
    d: WordDiff,
    /// The allmänna råd texts of the old and the new side (empty when there are none).
    oa: String,
    na: String,
    /// Their diff, when both sides have some.
    ad: Option<WordDiff>,
}

impl LinkDiffs {
    /// What [`link_diffs`] gives for identical wording and no allmänna råd.
    fn trivial() -> LinkDiffs {
        LinkDiffs {
            d: WordDiff {
                similarity: 1.0,
                ..WordDiff::default()
            },
            ..LinkDiffs::default()
        }
    }
    /// Identical wording and no allmänna råd: nothing to hold.
    fn is_trivial(&self) -> bool {
        self.d.ops.is_empty()
            && self.d.similarity == 1.0
            && !self.d.fallback
            && self.oa.is_empty()
            && self.na.is_empty()
    }
}

/// The diffs of link `l`, spending from `differ` in the order a serial run does (wording,
/// then allmänna råd).
fn link_diffs(
    l: &Link,
    op: &[&Paragraf],
    np: &[&Paragraf],
    ou: &[Unit<'_>],
    nu: &[Unit<'_>],
    differ: &mut Differ,
) -> LinkDiffs {
    let join = |units: &[Unit<'_>], idx: &[usize]| -> String {
        idx.iter()
            .map(|&k| units[k].text())
            .collect::<Vec<_>>()
            .join("\n")
    };
    // Identical wording (most pairs) needs no texts and no diff. The anchors' wording was
    // confirmed when they were found (nearly every link of two close versions).
    let identical = l.same_wording
        || (l.old.len() == 1 && l.new.len() == 1 && seq::same_text(&ou[l.old[0]], &nu[l.new[0]]));
    let d = if identical {
        WordDiff {
            similarity: 1.0,
            ..WordDiff::default()
        }
    } else {
        differ.diff(&join(ou, &l.old), &join(nu, &l.new))
    };
    let ar_of = |ps: &[&Paragraf], idx: &[usize]| -> String {
        idx.iter()
            .map(|&k| allmanna_rad_text(ps[k]))
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join("\n")
    };
    let (oa, na) = (ar_of(op, &l.old), ar_of(np, &l.new));
    let ad = (!oa.is_empty() && !na.is_empty()).then(|| differ.diff(&oa, &na));
    LinkDiffs { d, oa, na, ad }
}

/// The diffs of every link, in link order, spending from `differ` exactly as one
/// [`link_diffs`] after the other would. With more than one thread each link is diffed
/// against a budget of its own, and the shared budget is then charged in link order: a
/// link the budget could not have paid for where it stands is diffed again here, against
/// what is left, so the outcome (fallbacks included) is the serial one.
#[allow(clippy::too_many_arguments)] // the two versions' tables, as `linked_entry` takes
fn all_link_diffs(
    links: &[Link],
    op: &[&Paragraf],
    np: &[&Paragraf],
    ou: &[Unit<'_>],
    nu: &[Unit<'_>],
    differ: &mut Differ,
    threads: usize,
) -> Vec<(usize, LinkDiffs)> {
    // The texts that will be diffed (a pair with the same key is almost always identical):
    // too few of them, and handing them to the helper would cost more than it saves.
    // Without a helper, each link is diffed once, against the budget as it stands.
    let to_diff: usize = links
        .iter()
        .filter(|l| !(l.old.len() == 1 && l.new.len() == 1 && ou[l.old[0]].key == nu[l.new[0]].key))
        .map(|l| {
            l.old.iter().map(|&i| ou[i].len).sum::<usize>()
                + l.new.iter().map(|&j| nu[j].len).sum::<usize>()
        })
        .sum();
    if !par::helper_at_hand(threads) || !par::worth_sharing(to_diff) {
        return links
            .iter()
            .enumerate()
            .map(|(k, l)| (k, link_diffs(l, op, np, ou, nu, differ)))
            .filter(|(_, d)| !d.is_trivial())
            .collect();
    }
    let here: &Differ = differ;
    let done = par::map_sparse(links.len(), threads, 8, |k| {
        let mut own = here.apart();
        let d = link_diffs(&links[k], op, np, ou, nu, &mut own);
        (own.spent() > 0 || !d.is_trivial() || own.whitespace_only > 0).then_some((d, own))
    });
    let mut out = Vec::with_capacity(done.len());
    for (k, (d, own)) in done {
        let d = differ.settle(&own, d, |differ| {
            link_diffs(&links[k], op, np, ou, nu, differ)
        });
        if !d.is_trivial() {
            out.push((k, d));
        }
    }
    out
}

#[allow(clippy::too_many_arguments)] // the alignment's parts, all read-only
fn linked_entry(
    l: &Link,
    op: &[&Paragraf],
    np: &[&Paragraf],
    ou: &[Unit<'_>],
    nu: &[Unit<'_>],
    oc: &[usize],
    nc: &[usize],
    chapter_map: &[Option<usize>],
    diffs: LinkDiffs,
) -> Entry {
    let LinkDiffs { d, oa, na, ad } = diffs;
    let allmanna_rad = match (oa.is_empty(), na.is_empty()) {
        (true, true) => None,
        (false, true) => Some(ArChange {
            relation: Relation::Removed,
            changes: vec![Op::Delete { old: oa }],
        }),
        (true, false) => Some(ArChange {
            relation: Relation::Added,
            changes: vec![Op::Insert { new: na }],
        }),
        (false, false) => {
            let ad = ad.unwrap_or_default();
            Some(ArChange {
                relation: if ad.ops.is_empty() {
                    Relation::Unchanged
                } else {
                    Relation::Changed
                },
                changes: ad.ops,
            })
        }
    };
    let ar_changed = allmanna_rad
        .as_ref()
        .is_some_and(|a| a.relation != Relation::Unchanged);
    let moved_wording = allmanna_rad
        .as_ref()
        .map(|a| moved_wording(&d.ops, a))
        .unwrap_or_default();
    let wording = !d.ops.is_empty();
    let relation = if l.old.len() == 1 && l.new.len() == 2 {
        Relation::Split
    } else if l.old.len() == 2 {
        Relation::Merged
    } else {
        let (i, j) = (l.old[0], l.new[0]);
        if ou[i].address == nu[j].address {
            if wording || ar_changed {
                Relation::Changed
            } else {
                Relation::Unchanged
            }
        } else if chapter_map.get(oc[i]).copied().flatten() != Some(nc[j]) {
            // Another chapter. Within its chapter a paragraph with another label is
            // renumbered, in sequence or not (`nuvarande 17 § betecknas 23 b §`).
            Relation::Moved
        } else {
            Relation::Renumbered
        }
    };
    // Compared in place, copied only when they differ (rarely).
    let metadata = (l.old.len() == 1 && l.new.len() == 1)
        .then(|| (op[l.old[0]], np[l.new[0]]))
        .filter(|(a, b)| {
            a.amended_by() != b.amended_by()
                || a.in_force_from() != b.in_force_from()
                || a.in_force_until() != b.in_force_until()
        })
        .map(|(a, b)| {
            Box::new(MetaChange {
                old: meta(a),
                new: meta(b),
            })
        });
    Entry {
        relation,
        old: l.old.iter().map(|&i| op[i].address).collect(),
        new: l.new.iter().map(|&j| np[j].address).collect(),
        old_ids: l.old.iter().map(|&i| op[i].id.clone()).collect(),
        new_ids: l.new.iter().map(|&j| np[j].id.clone()).collect(),
        similarity: round3(d.similarity),
        changes: d.ops,
        allmanna_rad,
        metadata,
        repealed: None,
        fallback: d.fallback,
        moved_wording,
        old_pos: l.old.clone(),
        new_pos: l.new.clone(),
    }
}

/// Least words in a deleted piece for it to count as moved wording, and least share of its
/// words found again on the other side.
const MOVED_PIECE_MIN_WORDS: usize = 3;
const MOVED_PIECE_MIN_SHARE: f64 = 0.6;
/// Least words moved in all, so that a stray phrase is not a move.
const MOVED_MIN_WORDS: usize = 6;

/// Pieces deleted from the wording that the allmänna råd now hold, and pieces deleted from
/// the allmänna råd that the wording now holds. Each deleted piece (the old side of a
/// delete or replace) counts when most of its words are among the words inserted on the
/// other side (the whole of newly added allmänna råd).
fn moved_wording(wording: &[Op], ar: &ArChange) -> Vec<MovedWording> {
    let deleted = |ops: &[Op]| -> Vec<String> {
        ops.iter()
            .filter_map(|o| match o {
                Op::Delete { old } | Op::Replace { old, .. } => Some(old.clone()),
                _ => None,
            })
            .collect()
    };
    let inserted = |ops: &[Op]| -> String {
        ops.iter()
            .filter_map(|o| match o {
                Op::Insert { new } | Op::Replace { new, .. } => Some(new.as_str()),
                _ => None,
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    let found = |pieces: Vec<String>, target: &str, direction| -> Option<MovedWording> {
        let into = Fingerprint::of(target);
        let mut segments = Vec::new();
        let mut words = 0;
        for piece in pieces {
            let fp = Fingerprint::of(&piece);
            if fp.len() >= MOVED_PIECE_MIN_WORDS && fp.contained_in(&into) >= MOVED_PIECE_MIN_SHARE
            {
                words += fp.len();
                segments.push(piece.trim().to_string());
            }
        }
        (words >= MOVED_MIN_WORDS).then_some(MovedWording {
            direction,
            segments,
            words,
        })
    };
    let mut out = Vec::new();
    // The allmänna råd's inserted text (all of it when they are new) and deleted text.
    let (ar_in, ar_out) = match ar.relation {
        Relation::Added => (inserted(&ar.changes), Vec::new()),
        Relation::Removed => (String::new(), deleted(&ar.changes)),
        Relation::Changed => (inserted(&ar.changes), deleted(&ar.changes)),
        _ => return out,
    };
    if !ar_in.is_empty()
        && let Some(m) = found(deleted(wording), &ar_in, WordingMove::ToAllmannaRad)
    {
        out.push(m);
    }
    if !ar_out.is_empty()
        && let Some(m) = found(ar_out, &inserted(wording), WordingMove::FromAllmannaRad)
    {
        out.push(m);
    }
    out
}

/// Labels that name one paragraph in the old version and another in the new, where no
/// shift of the numbering explains it (see [`LabelReuse::worth_stating`]; a paragraph
/// placeholder, `Har upphävts ...`, holds no label). A label found more than once in a
/// version (dated versions of one paragraph) is left out.
fn label_reuse(entries: &[Entry], op: &[&Paragraf], np: &[&Paragraf]) -> Vec<LabelReuse> {
    // By position: every paragraph of both versions is in at most one entry.
    let mut entry_of_old: Vec<Option<usize>> = vec![None; op.len()];
    let mut entry_of_new: Vec<Option<usize>> = vec![None; np.len()];
    for (k, e) in entries.iter().enumerate() {
        for &i in &e.old_pos {
            if let Some(x) = entry_of_old.get_mut(i) {
                *x = Some(k);
            }
        }
        for &j in &e.new_pos {
            if let Some(x) = entry_of_new.get_mut(j) {
                *x = Some(k);
            }
        }
    }
    // A label is reused where the one paragraph holding it in each version (repeal notes
    // aside) are not in the same entry. A new paragraph linked alone to an old one of its
    // own label, not repealed, is in the same entry as whichever holds that label, or the
    // label is held twice: only the others are looked at (a few dozen in a statute of
    // thousands), and only their labels are counted on both sides.
    let kept = |j: usize| {
        entry_of_new[j].is_some_and(|k| {
            let e = &entries[k];
            e.old_pos.len() == 1
                && e.new_pos.len() == 1
                && op
                    .get(e.old_pos[0])
                    .is_some_and(|p| p.address == np[j].address && p.repealed().is_none())
        })
    };
    let candidates: Vec<usize> = (0..np.len())
        .filter(|&j| np[j].repealed().is_none() && !kept(j))
        .collect();
    // Per label: how many paragraphs hold it in the old and in the new version, and the last.
    #[derive(Clone, Copy, Default)]
    struct Held {
        old: (u32, usize),
        new: (u32, usize),
    }
    let mut held: FxHashMap<Address, Held> =
        FxHashMap::with_capacity_and_hasher(candidates.len(), Default::default());
    for &j in &candidates {
        held.insert(np[j].address, Held::default());
    }
    if !held.is_empty() {
        for (i, p) in op.iter().enumerate() {
            if p.repealed().is_none()
                && let Some(h) = held.get_mut(&p.address)
            {
                h.old = (h.old.0 + 1, i);
            }
        }
        for (j, p) in np.iter().enumerate() {
            if p.repealed().is_none()
                && let Some(h) = held.get_mut(&p.address)
            {
                h.new = (h.new.0 + 1, j);
            }
        }
    }
    let mut out: Vec<LabelReuse> = Vec::new();
    for &j in &candidates {
        let addr = &np[j].address;
        // Held once on each side.
        let Some(&Held {
            old: (1, i),
            new: (1, _),
        }) = held.get(addr)
        else {
            continue;
        };
        let (eo, en) = (
            entry_of_old.get(i).copied().flatten(),
            entry_of_new.get(j).copied().flatten(),
        );
        if eo.is_some() && eo == en {
            continue;
        }
        // Where the old holder went and where the new holder came from (positions).
        let old_now = eo
            .map(|k| &entries[k])
            .filter(|e| e.relation != Relation::Removed && !e.new.is_empty())
            .map(|e| (e.new[0], e.new_pos[0]));
        let new_was = en
            .map(|k| &entries[k])
            .filter(|e| e.relation != Relation::Added && !e.old.is_empty())
            .map(|e| (e.old[0], e.old_pos[0]));
        let crossing = match (old_now, new_was) {
            (Some((_, jo)), Some((_, in_))) => (i < in_) != (jo < j),
            _ => false,
        };
        out.push(LabelReuse {
            label: *addr,
            old_paragraph_now: old_now.map(|x| x.0),
            new_paragraph_was: new_was.map(|x| x.0),
            crossing,
        });
    }
    out.retain(LabelReuse::worth_stating);
    out
}

/// Where each old chapter went: the new chapter that most of its aligned paragraphs went
/// to, or the chapter with the same label.
fn map_chapters(
    old: &Regulation,
    new: &Regulation,
    links: &[Link],
    oc: &[usize],
    nc: &[usize],
) -> Vec<Option<usize>> {
    let mut votes: Vec<BTreeMap<usize, usize>> = vec![BTreeMap::new(); old.kapitel.len()];
    for l in links.iter().filter(|l| l.in_sequence) {
        for &i in &l.old {
            for &j in &l.new {
                *votes[oc[i]].entry(nc[j]).or_default() += 1;
            }
        }
    }
    let mut map = vec![None; old.kapitel.len()];
    for (k, v) in votes.iter().enumerate() {
        // Most votes; ties go to the earlier chapter.
        map[k] = v
            .iter()
            .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
            .map(|(n, _)| *n)
            .or_else(|| {
                new.kapitel
                    .iter()
                    .position(|c| c.label == old.kapitel[k].label)
            });
    }
    map
}

/// Entries in the new version's order; a removed paragraph comes after the paragraph that
/// preceded it in the old version.
fn order_entries(entries: &mut [Entry]) {
    // For each old position, the new position of the nearest earlier old paragraph that
    // has one (a table by position instead of a searched map).
    let olds = entries
        .iter()
        .flat_map(|e| e.old_pos.iter().map(|&i| i + 1))
        .max()
        .unwrap_or(0);
    let mut new_of_old: Vec<Option<usize>> = vec![None; olds];
    for e in entries.iter() {
        if let (Some(&j), false) = (e.new_pos.first(), e.old_pos.is_empty()) {
            for &i in &e.old_pos {
                new_of_old[i] = Some(j);
            }
        }
    }
    let mut before: Vec<Option<usize>> = vec![None; olds];
    for i in 1..olds {
        before[i] = new_of_old[i - 1].or(before[i - 1]);
    }
    let key = |e: &Entry| -> (i64, u8, usize) {
        match (e.new_pos.first(), e.old_pos.first()) {
            (Some(&j), _) if e.relation != Relation::Removed => (j as i64, 0, 0),
            (_, Some(&i)) => (before[i].map_or(-1, |j| j as i64), 1, i),
            (Some(&j), None) => (j as i64, 0, 0),
            (None, None) => (i64::MAX, 2, 0),
        }
    };
    // Keys are unique (a new position, or an old one), so the order is deterministic; each
    // is computed once.
    entries.sort_by_cached_key(key);
}

fn compare_headings(
    old: &Regulation,
    new: &Regulation,
    chapter_map: &[Option<usize>],
    differ: &mut Differ,
) -> Vec<HeadingEntry> {
    let mut out = Vec::new();
    let mut used = vec![false; new.kapitel.len()];
    let mut pairs: Vec<(Option<usize>, Option<usize>)> = Vec::new();
    for (k, kap) in old.kapitel.iter().enumerate() {
        if kap.label.is_none() {
            continue;
        }
        let target = chapter_map[k]
            .filter(|&n| !used[n] && new.kapitel[n].label.is_some())
            .or_else(|| {
                new.kapitel
                    .iter()
                    .position(|c| c.label == kap.label)
                    .filter(|&n| !used[n])
            });
        if let Some(n) = target {
            used[n] = true;
        }
        pairs.push((Some(k), target));
    }
    for (n, kap) in new.kapitel.iter().enumerate() {
        if kap.label.is_some() && !used[n] {
            pairs.push((None, Some(n)));
        }
    }
    for (o, n) in pairs {
        let ok = o.map(|k| &old.kapitel[k]);
        let nk = n.map(|k| &new.kapitel[k]);
        let oh = ok.map(|k| k.heading.clone().unwrap_or_default());
        let nh = nk.map(|k| k.heading.clone().unwrap_or_default());
        let (relation, changes) = match (&oh, &nh) {
            (Some(a), Some(b)) => {
                let d = differ.diff(a, b);
                let same_label = ok.map(|k| k.label) == nk.map(|k| k.label);
                let rel = match (d.ops.is_empty(), same_label) {
                    (true, true) => Relation::Unchanged,
                    (true, false) => Relation::Renumbered,
                    (false, _) => Relation::Changed,
                };
                (rel, d.ops)
            }
            (Some(a), None) => (Relation::Removed, vec![Op::Delete { old: a.clone() }]),
            (None, Some(b)) => (Relation::Added, vec![Op::Insert { new: b.clone() }]),
            (None, None) => continue,
        };
        out.push(HeadingEntry {
            relation,
            old: ok.and_then(|k| k.label).map(Address::chapter),
            new: nk.and_then(|k| k.label).map(Address::chapter),
            old_heading: oh,
            new_heading: nh,
            changes,
        });
    }
    out.sort_by_key(|h| {
        (
            h.new
                .and_then(|a| a.kapitel)
                .or(h.old.and_then(|a| a.kapitel)),
            h.old.is_some(),
        )
    });
    out
}

/// A rubrik with the index of the paragraph it stands before (`None` at a chapter's end).
struct RubrikAt<'a> {
    text: &'a str,
    before: Option<usize>,
    chapter: Option<Label>,
}

fn rubriker_of(reg: &Regulation) -> Vec<RubrikAt<'_>> {
    let mut out = Vec::with_capacity(reg.kapitel.iter().map(|k| k.rubriker.len()).sum());
    let mut offset = 0;
    for k in &reg.kapitel {
        for r in &k.rubriker {
            out.push(RubrikAt {
                text: &r.text,
                before: (r.before < k.paragrafer.len()).then_some(offset + r.before),
                chapter: k.label,
            });
        }
        offset += k.paragrafer.len();
    }
    out
}

fn compare_rubriker(
    old: &Regulation,
    new: &Regulation,
    links: &[Link],
    op: &[&Paragraf],
    np: &[&Paragraf],
    differ: &mut Differ,
) -> Vec<RubrikEntry> {
    let orr = rubriker_of(old);
    let nr = rubriker_of(new);
    // Tables by paragraph position: where each old paragraph went, where the next old
    // paragraph from it on went, and the first old paragraph of each new one's link.
    let mut to_new: Vec<Option<usize>> = vec![None; op.len()];
    let mut old_of_new: Vec<Option<usize>> = vec![None; np.len()];
    for l in links {
        if let Some(&j) = l.new.first() {
            for &i in &l.old {
                to_new[i] = Some(j);
            }
        }
        for &j in &l.new {
            if old_of_new[j].is_none() {
                old_of_new[j] = l.old.first().copied();
            }
        }
    }
    let mut next_to_new: Vec<Option<usize>> = vec![None; op.len() + 1];
    for i in (0..op.len()).rev() {
        next_to_new[i] = to_new[i].or(next_to_new[i + 1]);
    }
    // The new rubriker standing before each new paragraph, in order: one array cut by
    // offsets (a statute has a rubrik for every other paragraph, and a list for each
    // cost an allocation and a tree insertion apiece).
    let mut start = vec![0usize; np.len() + 2];
    for r in &nr {
        if let Some(b) = r.before {
            start[b + 2] += 1;
        }
    }
    for k in 2..start.len() {
        start[k] += start[k - 1];
    }
    let mut standing = vec![0usize; start[np.len() + 1]];
    for (y, r) in nr.iter().enumerate() {
        if let Some(b) = r.before {
            standing[start[b + 1]] = y;
            start[b + 1] += 1;
        }
    }
    let new_at =
        |j: usize| -> &[usize] { standing.get(start[j]..start[j + 1]).unwrap_or_default() };
    let mut used = vec![false; nr.len()];
    let mut pair: Vec<Option<usize>> = vec![None; orr.len()];
    let same = |a: &str, b: &str| same_but_spacing(a, b);
    // 1. Before the paragraph it stood before, with the same text.
    for (x, r) in orr.iter().enumerate() {
        let Some(j) = r.before.and_then(|i| to_new[i]) else {
            continue;
        };
        if let Some(&y) = new_at(j)
            .iter()
            .find(|&&y| !used[y] && same(nr[y].text, r.text))
        {
            used[y] = true;
            pair[x] = Some(y);
        }
    }
    // 2. Same text elsewhere (a moved rubrik, or one left at the end of a chapter).
    for (x, r) in orr.iter().enumerate() {
        if pair[x].is_some() {
            continue;
        }
        if let Some(y) = (0..nr.len()).find(|&y| !used[y] && same(nr[y].text, r.text)) {
            used[y] = true;
            pair[x] = Some(y);
        }
    }
    // 3. Other text before the same paragraph, in the same place of the list: changed.
    for (x, r) in orr.iter().enumerate() {
        if pair[x].is_some() {
            continue;
        }
        let Some(j) = r.before.and_then(|i| to_new[i]) else {
            continue;
        };
        if let Some(&y) = new_at(j).iter().find(|&&y| !used[y]) {
            used[y] = true;
            pair[x] = Some(y);
        }
    }
    let before_addr = |ps: &[&Paragraf], b: Option<usize>| b.map(|i| ps[i].address);
    // One entry for each old rubrik and each new one left unpaired: sized once, as a statute
    // has a thousand rubriker and each doubling would copy them into fresh pages.
    let mut out = Vec::with_capacity(orr.len() + used.iter().filter(|u| !**u).count());
    for (x, r) in orr.iter().enumerate() {
        let ob = before_addr(op, r.before);
        match pair[x] {
            Some(y) => {
                let n = &nr[y];
                let nb = before_addr(np, n.before);
                let d = differ.diff(r.text, n.text);
                let followed = r
                    .before
                    .and_then(|i| to_new[i])
                    .is_some_and(|j| n.before == Some(j));
                // Still heading the group its paragraphs went to.
                let group_kept = n
                    .before
                    .and_then(|j| old_of_new[j])
                    .is_some_and(|i| op[i].rubrik.as_deref() == Some(r.text));
                let relation = if !d.ops.is_empty() {
                    Relation::Changed
                } else if ob == nb && (r.before.is_some() || r.chapter == n.chapter) {
                    Relation::Unchanged
                } else if followed || group_kept {
                    Relation::Renumbered
                } else {
                    Relation::Moved
                };
                out.push((
                    n.before.map(|b| (b, 0)).unwrap_or((usize::MAX, y)),
                    RubrikEntry {
                        relation,
                        old_text: Some(r.text.to_string()),
                        new_text: Some(n.text.to_string()),
                        old_before: ob,
                        new_before: nb,
                        changes: d.ops,
                    },
                ));
            }
            None => {
                let pos = r.before.and_then(|i| next_to_new[i]).unwrap_or(usize::MAX);
                out.push((
                    (pos, 0),
                    RubrikEntry {
                        relation: Relation::Removed,
                        old_text: Some(r.text.to_string()),
                        new_text: None,
                        old_before: ob,
                        new_before: None,
                        changes: vec![Op::Delete {
                            old: r.text.to_string(),
                        }],
                    },
                ));
            }
        }
    }
    for (y, n) in nr.iter().enumerate() {
        if used[y] {
            continue;
        }
        out.push((
            n.before.map(|b| (b, 0)).unwrap_or((usize::MAX, y)),
            RubrikEntry {
                relation: Relation::Added,
                old_text: None,
                new_text: Some(n.text.to_string()),
                old_before: None,
                new_before: before_addr(np, n.before),
                changes: vec![Op::Insert {
                    new: n.text.to_string(),
                }],
            },
        ));
    }
    out.sort_by_key(|(k, _)| *k);
    out.into_iter().map(|(_, e)| e).collect()
}

/// One comparable part outside the paragraphs: its id and text as the tree holds them
/// (Socialförsäkringsbalken has 433 parts of övergångsbestämmelser a version, most of
/// them unchanged), its label written only for the entry that shows it.
struct Part<'a> {
    part: &'static str,
    id: Cow<'a, str>,
    label: PartLabel<'a>,
    text: Cow<'a, str>,
}

/// A part's Swedish name, as [`PartLabel::render`] writes it.
enum PartLabel<'a> {
    /// `Rubrik`
    Title,
    /// `Inledning, stycke 2` (from 0).
    Preamble(usize),
    /// An avdelning's display form, capitalised (it is part of the compared text too).
    Avdelning(String),
    /// `Övergångsbestämmelser 2025:1511`, and the stycke or punkt after it.
    Overgang(Option<&'a str>, OvergangPiece),
    /// A bilaga's heading, and the stycke after it (from 0).
    Bilaga(&'a str, Option<usize>),
}

enum OvergangPiece {
    Act,
    Stycke(u32),
    Punkt(crate::address::PunktLabel),
}

impl PartLabel<'_> {
    fn render(&self) -> String {
        let overgang = |act: Option<&str>| match act {
            Some(a) => format!("Övergångsbestämmelser {a}"),
            None => "Övergångsbestämmelser".to_string(),
        };
        match self {
            PartLabel::Title => "Rubrik".into(),
            PartLabel::Preamble(i) => format!("Inledning, stycke {}", i + 1),
            PartLabel::Avdelning(label) => label.clone(),
            PartLabel::Overgang(act, OvergangPiece::Act) => overgang(*act),
            PartLabel::Overgang(act, OvergangPiece::Stycke(n)) => {
                format!("{}, stycke {n}", overgang(*act))
            }
            PartLabel::Overgang(act, OvergangPiece::Punkt(n)) => {
                format!("{} punkt {n}", overgang(*act))
            }
            PartLabel::Bilaga(heading, None) => heading.to_string(),
            PartLabel::Bilaga(heading, Some(i)) => format!("{heading}, stycke {}", i + 1),
        }
    }
}

fn parts(reg: &Regulation) -> Vec<Part<'_>> {
    let mut v = Vec::new();
    if let Some(t) = &reg.title {
        v.push(Part {
            part: "title",
            id: Cow::Borrowed("T"),
            label: PartLabel::Title,
            text: Cow::Borrowed(&t.text),
        });
    }
    for (i, p) in reg.preamble.iter().enumerate() {
        v.push(Part {
            part: "preamble",
            id: Cow::Owned(format!("I{}", i + 1)),
            label: PartLabel::Preamble(i),
            text: Cow::Borrowed(&p.text),
        });
    }
    for a in &reg.avdelningar {
        // The label is part of the compared text: a relabelled avdelning is a change.
        let mut label = a.display.clone();
        if let Some(c) = label.get(..1) {
            label.replace_range(..1, &c.to_uppercase());
        }
        v.push(Part {
            part: "avdelning",
            id: Cow::Borrowed(&a.id),
            text: Cow::Owned(format!("{label} {}", a.heading.as_deref().unwrap_or(""))),
            label: PartLabel::Avdelning(label),
        });
    }
    for o in &reg.overgang {
        let act = o.act.as_deref();
        if let Some(a) = act {
            v.push(Part {
                part: "overgang",
                id: Cow::Borrowed(&o.id),
                label: PartLabel::Overgang(act, OvergangPiece::Act),
                text: Cow::Borrowed(a),
            });
        }
        for s in &o.stycken {
            if !s.text.is_empty() {
                v.push(Part {
                    part: "overgang",
                    id: Cow::Borrowed(&s.id),
                    label: PartLabel::Overgang(act, OvergangPiece::Stycke(s.number)),
                    text: Cow::Borrowed(&s.text),
                });
            }
            for n in &s.punkter {
                v.push(Part {
                    part: "overgang",
                    id: Cow::Borrowed(&n.id),
                    label: PartLabel::Overgang(act, OvergangPiece::Punkt(n.label)),
                    text: Cow::Borrowed(&n.text),
                });
            }
        }
    }
    for b in &reg.bilagor {
        v.push(Part {
            part: "bilaga",
            id: Cow::Borrowed(&b.id),
            label: PartLabel::Bilaga(&b.heading, None),
            text: Cow::Borrowed(&b.heading),
        });
        for (i, t) in b.text.iter().enumerate() {
            v.push(Part {
                part: "bilaga",
                id: Cow::Owned(format!("{}S{}", b.id, i + 1)),
                label: PartLabel::Bilaga(&b.heading, Some(i)),
                text: Cow::Borrowed(&t.text),
            });
        }
    }
    v
}

/// Aligns the parts of each kind by text (a plain sequence diff) and word-diffs the parts
/// that stand in the same place with other text.
fn compare_other(old: &Regulation, new: &Regulation, differ: &mut Differ) -> Vec<PartEntry> {
    let (po, pn) = (parts(old), parts(new));
    let mut out = Vec::new();
    for kind in ["title", "preamble", "avdelning", "overgang", "bilaga"] {
        let a: Vec<&Part> = po.iter().filter(|p| p.part == kind).collect();
        let b: Vec<&Part> = pn.iter().filter(|p| p.part == kind).collect();
        let ka: Vec<u64> = a.iter().map(|p| text_key(&p.text)).collect();
        let kb: Vec<u64> = b.iter().map(|p| text_key(&p.text)).collect();
        let ops = similar::capture_diff_slices(similar::Algorithm::Myers, &ka, &kb);
        for o in ops {
            let (_, ro, rn) = o.as_tag_tuple();
            let len = ro.len().max(rn.len());
            for k in 0..len {
                let x = ro.clone().nth(k).map(|i| a[i]);
                let y = rn.clone().nth(k).map(|j| b[j]);
                let (relation, changes) = match (x, y) {
                    (Some(x), Some(y)) => {
                        let d = differ.diff(&x.text, &y.text);
                        if d.ops.is_empty() {
                            (Relation::Unchanged, d.ops)
                        } else {
                            (Relation::Changed, d.ops)
                        }
                    }
                    (Some(x), None) => (
                        Relation::Removed,
                        vec![Op::Delete {
                            old: x.text.to_string(),
                        }],
                    ),
                    (None, Some(y)) => (
                        Relation::Added,
                        vec![Op::Insert {
                            new: y.text.to_string(),
                        }],
                    ),
                    (None, None) => continue,
                };
                out.push(PartEntry {
                    part: kind,
                    relation,
                    old_id: x.map(|p| p.id.to_string()),
                    new_id: y.map(|p| p.id.to_string()),
                    label: y.or(x).map(|p| p.label.render()).unwrap_or_default(),
                    changes,
                });
            }
        }
    }
    out
}

fn chapters_touched(
    entries: &[Entry],
    chapters: &[HeadingEntry],
    rubriker: &[RubrikEntry],
) -> Vec<String> {
    let mut set: std::collections::BTreeSet<Label> = Default::default();
    let mut add = |a: Option<&Address>| {
        if let Some(k) = a.and_then(|a| a.kapitel) {
            set.insert(k);
        }
    };
    for e in entries.iter().filter(|e| e.relation != Relation::Unchanged) {
        add(e.new.first().or(e.old.first()));
        if matches!(e.relation, Relation::Moved | Relation::Removed) {
            add(e.old.first());
        }
    }
    for h in chapters
        .iter()
        .filter(|h| h.relation != Relation::Unchanged)
    {
        add(h.new.as_ref().or(h.old.as_ref()));
    }
    for r in rubriker
        .iter()
        .filter(|r| r.relation != Relation::Unchanged)
    {
        add(r.new_before.as_ref().or(r.old_before.as_ref()));
    }
    set.into_iter()
        .map(|k| Address::chapter(k).display())
        .collect()
}

fn prefix(s: &str, n: usize) -> &str {
    match s.char_indices().nth(n) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

/// An SFS number as (year, running number), ordered as they were issued.
type SfsNumber = (u32, u32);

/// The highest SFS number in a version's amendment notes (`2025:1511` → (2025, 1511)).
fn latest_amendment(reg: &Regulation) -> Option<SfsNumber> {
    reg.paragraphs()
        .flat_map(|p| p.amended_by().iter())
        .filter_map(|n| {
            let (y, k) = n.split_once(':')?;
            Some((y.parse().ok()?, k.parse().ok()?))
        })
        .max()
}

fn warnings(
    old: &Regulation,
    new: &Regulation,
    s: &Summary,
    ou: &[Unit<'_>],
    nu: &[Unit<'_>],
    latest: (Option<SfsNumber>, Option<SfsNumber>),
) -> Vec<String> {
    let mut w = Vec::new();
    if ou.len().min(nu.len()) >= 3 && s.aligned_share < 0.25 {
        w.push(format!(
            "almost nothing aligns ({:.0} % of the paragraphs): are these two versions of the same regulation?",
            s.aligned_share * 100.0
        ));
    }
    if let (Some(a), Some(b)) = (&old.title, &new.title)
        && Fingerprint::of(&a.text).dice(&Fingerprint::of(&b.text)) < 0.5
    {
        w.push(format!(
            "the titles differ: «{}» and «{}»",
            prefix(&a.text, 80),
            prefix(&b.text, 80)
        ));
    }
    if let (Some(a), Some(b)) = latest
        && a > b
    {
        w.push(format!(
            "OLD looks newer than NEW (amendment notes up to {}:{} against {}:{}): are the files swapped?",
            a.0, a.1, b.0, b.1
        ));
    }
    if s.fallbacks > 0 {
        w.push(format!(
            "{} word diffs hit the work or size limit; those paragraphs show whole stycken replaced",
            s.fallbacks
        ));
    }
    w
}

#[cfg(test)]
mod tests;

//! Stage 6, rendering a version map: the terminal text view and TSV here, and the
//! neutral rows the Swedish parallelluppställning templates (`jamforelse.html`,
//! `jamforelse.md`) are rendered from.

use super::escape;
use super::sv;
use super::terminal::Paint;
use crate::address::{Address, join_paragraph_labels};
use crate::compare::{
    Counts, Entry, HeadingEntry, LabelReuse, Op, Relation, RubrikEntry, VersionMap, WordingMove,
    allmanna_rad_text, paragraph_text,
};
use crate::regulation::{Paragraf, Regulation};
use rustc_hash::FxHashMap;
use serde::Serialize;
use std::fmt::Write as _;
use std::ops::Range;

mod html;
mod json;

pub use json::write_json;

const NBSP: char = '\u{a0}';

/// The lines of one side of a cell: segments of text, each marked or not.
type Lines = Vec<Vec<(String, bool)>>;

/// One line of the parallel layout, in reading order.
#[derive(Clone, Copy)]
enum Row<'a> {
    Chapter(&'a HeadingEntry),
    Rubrik(&'a RubrikEntry),
    Paragraph(&'a Entry),
}

impl Row<'_> {
    fn quiet(&self) -> bool {
        match self {
            Row::Chapter(h) => h.relation == Relation::Unchanged,
            Row::Rubrik(r) => r.relation == Relation::Unchanged,
            Row::Paragraph(e) => e.relation == Relation::Unchanged,
        }
    }
}

/// A row shown, or a run of unchanged rows shown as `– – –`.
enum Block<'a> {
    Show(Row<'a>),
    Same(Vec<Row<'a>>),
}

impl Block<'_> {
    /// How many rows of the page the block is: one shown, or each of a run.
    fn rows(&self) -> usize {
        match self {
            Block::Show(_) => 1,
            Block::Same(v) => v.len(),
        }
    }
}

fn entry_chapter(e: &Entry) -> Option<crate::address::Label> {
    let a = if e.relation == Relation::Removed || e.new.is_empty() {
        e.old.first()
    } else {
        e.new.first()
    };
    a.and_then(|a| a.kapitel)
}

/// Paragraph entries with their chapter headings and rubriker placed before them.
fn rows(map: &VersionMap) -> Vec<Row<'_>> {
    // Every entry, heading and rubrik is one row.
    let mut out =
        Vec::with_capacity(map.paragraphs.len() + map.chapters.len() + map.rubriker.len());
    let mut heading_done = vec![false; map.chapters.len()];
    let mut rubrik_done = vec![false; map.rubriker.len()];
    // Looked up for every paragraph of both versions, never walked: a hash map, not an
    // ordered one (its comparisons of addresses were 0.7M instructions on a 0.6 MB pair).
    // Each address maps to the first rubrik before it, and `next_before` chains the others
    // in order: nearly every address has one, and a vector for each was an allocation for
    // every rubrik of the statute.
    let mut by_new: FxHashMap<Address, usize> =
        FxHashMap::with_capacity_and_hasher(map.rubriker.len(), Default::default());
    let mut by_old: FxHashMap<Address, usize> = FxHashMap::default();
    let mut next_before: Vec<Option<usize>> = vec![None; map.rubriker.len()];
    for (i, r) in map.rubriker.iter().enumerate().rev() {
        let (by, a) = match (r.new_before, r.old_before) {
            (Some(a), _) => (&mut by_new, a),
            (None, Some(a)) => (&mut by_old, a),
            _ => continue,
        };
        next_before[i] = by.insert(a, i);
    }
    let mut current = None;
    for e in &map.paragraphs {
        let k = entry_chapter(e);
        if k.is_some() && k != current {
            let removed = e.relation == Relation::Removed || e.new.is_empty();
            let find = |by_new: bool| {
                map.chapters.iter().enumerate().position(|(i, h)| {
                    !heading_done[i]
                        && if by_new {
                            h.new.and_then(|a| a.kapitel) == k
                        } else {
                            h.old.and_then(|a| a.kapitel) == k
                        }
                })
            };
            let hit = if removed {
                find(false).or_else(|| find(true))
            } else {
                find(true)
            };
            // Headings of removed chapters that came before this one.
            if let Some(h) = hit {
                for (i, done) in heading_done.iter_mut().enumerate().take(h) {
                    if !*done && map.chapters[i].new.is_none() {
                        *done = true;
                        out.push(Row::Chapter(&map.chapters[i]));
                    }
                }
                heading_done[h] = true;
                out.push(Row::Chapter(&map.chapters[h]));
            }
            current = k;
        }
        let mut push_rubriker = |first: Option<&usize>| {
            let mut at = first.copied();
            while let Some(i) = at {
                if !rubrik_done[i] {
                    rubrik_done[i] = true;
                    out.push(Row::Rubrik(&map.rubriker[i]));
                }
                at = next_before[i];
            }
        };
        if e.relation != Relation::Removed {
            for a in &e.new {
                push_rubriker(by_new.get(a));
            }
        }
        for a in &e.old {
            push_rubriker(by_old.get(a));
        }
        out.push(Row::Paragraph(e));
    }
    for (i, r) in map.rubriker.iter().enumerate() {
        if !rubrik_done[i] {
            out.push(Row::Rubrik(r));
        }
    }
    for (i, h) in map.chapters.iter().enumerate() {
        if !heading_done[i] {
            out.push(Row::Chapter(h));
        }
    }
    out
}

/// Groups rows into shown rows and runs of unchanged ones. A chapter heading stays visible
/// when its chapter has a change, and an unchanged rubrik when it heads a change.
fn blocks<'a>(rows: &[Row<'a>]) -> Vec<Block<'a>> {
    let mut show: Vec<bool> = rows.iter().map(|r| !r.quiet()).collect();
    for i in 0..rows.len() {
        match rows[i] {
            Row::Chapter(_) => {
                let touched = rows[i + 1..]
                    .iter()
                    .take_while(|r| !matches!(r, Row::Chapter(_)))
                    .any(|r| !r.quiet());
                show[i] = show[i] || touched;
            }
            Row::Rubrik(_) => {
                let heads = rows[i + 1..]
                    .iter()
                    .find(|r| !matches!(r, Row::Rubrik(_)))
                    .is_some_and(|r| matches!(r, Row::Paragraph(_)) && !r.quiet());
                show[i] = show[i] || heads;
            }
            Row::Paragraph(_) => {}
        }
    }
    let mut out: Vec<Block<'a>> = Vec::new();
    for (i, r) in rows.iter().enumerate() {
        if show[i] {
            out.push(Block::Show(*r));
        } else if let Some(Block::Same(v)) = out.last_mut() {
            v.push(*r);
        } else {
            out.push(Block::Same(vec![*r]));
        }
    }
    out
}

/// How many paragraphs a run of rows holds.
fn run_paragraphs(rows: &[Row<'_>]) -> usize {
    rows.iter()
        .filter(|r| matches!(r, Row::Paragraph(_)))
        .count()
}

/// `1 kap. 1–6 §§`, or `1 kap. 1 § – 7 kap. 41 §` for a run across chapters.
fn run_label(rows: &[Row<'_>]) -> String {
    let addrs: Vec<Address> = rows
        .iter()
        .filter_map(|r| match r {
            Row::Paragraph(e) => e.new.first().or(e.old.first()).copied(),
            _ => None,
        })
        .collect();
    let (Some(first), Some(last)) = (addrs.first(), addrs.last()) else {
        return "rubriker".to_string();
    };
    if first.kapitel == last.kapitel {
        let labels: Vec<_> = addrs.iter().filter_map(|a| a.paragraf).collect();
        let body = join_paragraph_labels(&labels, NBSP, |_, _| true);
        match first.kapitel {
            Some(k) => format!("{}{NBSP}kap. {body}", label_typo(k)),
            None => body,
        }
    } else {
        format!("{} – {}", first.display_typo(), last.display_typo())
    }
}

fn label_typo(l: crate::address::Label) -> String {
    match l.letter {
        Some(c) => format!("{}{NBSP}{c}", l.num),
        None => l.num.to_string(),
    }
}

fn addresses(v: &[Address]) -> String {
    v.iter()
        .map(|a| a.display_typo())
        .collect::<Vec<_>>()
        .join(" och ")
}

/// `1, 8 och 12 kap.` from `["1 kap.", "8 kap.", "12 kap."]`.
fn chapters_sv(v: &[String]) -> String {
    let nums: Vec<&str> = v.iter().map(|s| s.trim_end_matches(" kap.")).collect();
    match nums.len() {
        0 => "inga".to_string(),
        1 => format!("{}{NBSP}kap.", nums[0]),
        n => format!("{} och {}{NBSP}kap.", nums[..n - 1].join(", "), nums[n - 1]),
    }
}

/// Which side of the ops to show.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Side {
    Old,
    New,
}

/// The lines of one side: segments of text, each marked (deleted or inserted) or not;
/// with `collapse`, runs of unchanged lines collapsed (see [`side_segments`]).
fn side_lines(ops: &[Op], side: Side, collapse: bool) -> Lines {
    let mut lines: Lines = vec![Vec::new()];
    side_segments(ops, side, collapse, |seg| match seg {
        Some((part, marked)) => {
            if let Some(l) = lines.last_mut() {
                l.push((part.to_string(), marked));
            }
        }
        None => lines.push(Vec::new()),
    });
    lines.retain(|l| !l.is_empty());
    lines
}

/// The segments of one side of `ops` in order, to `f`: each op's text on that side split at
/// its line breaks, every part that is not empty marked (deleted or inserted) or not, and
/// `None` at each line break.
///
/// With `collapse` (a changed paragraph), three or more whole unchanged stycken or punkter
/// in a row are shown as one `– – –` line, as in Swedish practice; the lines around each
/// change stay.
fn side_segments<'o>(
    ops: &'o [Op],
    side: Side,
    collapse: bool,
    mut f: impl FnMut(Option<(&'o str, bool)>),
) {
    for op in ops {
        let (text, marked) = match (op, side) {
            (Op::Equal { text }, _) => (text.as_str(), false),
            (Op::Delete { old }, Side::Old) | (Op::Replace { old, .. }, Side::Old) => {
                (old.as_str(), true)
            }
            (Op::Insert { new }, Side::New) | (Op::Replace { new, .. }, Side::New) => {
                (new.as_str(), true)
            }
            _ => continue,
        };
        // The `i`th part of the text: a line break before all but the first.
        let mut emit = |i: usize, part: &'o str| {
            if i > 0 {
                f(None);
            }
            if !part.is_empty() {
                f(Some((part, marked)));
            }
        };
        // Five parts or more: the first and last lines are kept, the three or more whole
        // lines between are the gap.
        if collapse && matches!(op, Op::Equal { .. }) && text.matches('\n').nth(3).is_some() {
            let (head, tail) = (
                text.split('\n').next().unwrap_or_default(),
                text.rsplit('\n').next().unwrap_or_default(),
            );
            for (i, p) in [head, GAP, tail].into_iter().enumerate() {
                emit(i, p);
            }
        } else {
            for (i, p) in text.split('\n').enumerate() {
                emit(i, p);
            }
        }
    }
}

fn plain_lines(text: &str) -> Lines {
    text.split('\n')
        .filter(|l| !l.is_empty())
        .map(|l| vec![(l.to_string(), false)])
        .collect()
}

/// The marker of omitted unchanged text in a parallelluppställning.
pub const GAP: &str = "– – –";

/// What one cell of the parallel layout holds.
struct Cell<'a> {
    label: String,
    note: Option<String>,
    lines: CellText<'a>,
    ar: CellText<'a>,
    /// How the allmänna råd differ when the paragraph stays (added, changed, removed).
    ar_note: Option<Relation>,
    /// The amendment note when it differs (metadata, shown small in HTML).
    meta: Option<String>,
}

/// The text of a cell, or of its allmänna råd, before it is made into [`Lines`]: the view
/// makes the lines, the page is written from it as it is (the lines hold a String for every
/// line and run of the text, made only to be written once).
#[derive(Clone, Copy)]
enum CellText<'a> {
    /// One side of word changes, collapsed or not (see [`side_segments`]).
    Ops {
        ops: &'a [Op],
        side: Side,
        collapse: bool,
    },
    /// The compared text of the paragraphs at `pos` on one side.
    Text { side: Side, pos: &'a [usize] },
    /// The allmänna råd of the paragraphs at `pos` on one side.
    Ar { side: Side, pos: &'a [usize] },
    /// A text as it stands (a repeal; empty for none).
    Plain(&'a str),
}

impl CellText<'_> {
    fn lines(self, paras: &Paras<'_>) -> Lines {
        match self {
            CellText::Ops {
                ops,
                side,
                collapse,
            } => side_lines(ops, side, collapse),
            CellText::Text { side, pos } => plain_lines(&paras.text(side, pos)),
            CellText::Ar { side, pos } => plain_lines(&paras.ar(side, pos)),
            CellText::Plain(t) => plain_lines(t),
        }
    }
}

struct Paras<'a> {
    old: Vec<&'a Paragraf>,
    new: Vec<&'a Paragraf>,
    /// The label reuses a reader is told of (see [`LabelReuse::worth_stating`]).
    reuse: Vec<&'a LabelReuse>,
}

impl<'a> Paras<'a> {
    fn of(map: &'a VersionMap, old: &'a Regulation, new: &'a Regulation) -> Self {
        Paras {
            old: old.paragraphs().collect(),
            new: new.paragraphs().collect(),
            reuse: map
                .label_reuse
                .iter()
                .filter(|r| r.worth_stating())
                .collect(),
        }
    }
    /// The reuse of the label an entry's new paragraph has.
    fn reuse_of(&self, e: &Entry) -> Option<&'a LabelReuse> {
        self.reuse
            .iter()
            .copied()
            .find(|r| e.new.contains(&r.label))
    }
    /// The paragraphs at `pos` on one side.
    fn at<'s>(&'s self, side: Side, pos: &'s [usize]) -> impl Iterator<Item = &'a Paragraf> + 's {
        let ps = if side == Side::Old {
            &self.old
        } else {
            &self.new
        };
        pos.iter().filter_map(|&i| ps.get(i).copied())
    }
    fn text(&self, side: Side, pos: &[usize]) -> String {
        self.at(side, pos)
            .map(paragraph_text)
            .collect::<Vec<_>>()
            .join("\n")
    }
    fn ar(&self, side: Side, pos: &[usize]) -> String {
        self.at(side, pos)
            .map(allmanna_rad_text)
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// The two cells of a paragraph entry. Wholly added or removed text is not marked: the
/// empty opposite cell says it.
fn cells<'a>(e: &'a Entry, paras: &Paras<'_>) -> (Option<Cell<'a>>, Option<Cell<'a>>) {
    let whole = matches!(e.relation, Relation::Added | Relation::Removed);
    let lines = |side: Side, pos: &'a [usize]| {
        if !e.changes.is_empty() && !whole {
            CellText::Ops {
                ops: &e.changes,
                side,
                collapse: true,
            }
        } else {
            CellText::Text { side, pos }
        }
    };
    let ar = |side: Side, pos: &'a [usize]| match &e.allmanna_rad {
        Some(a) if !a.changes.is_empty() && a.relation == Relation::Changed => CellText::Ops {
            ops: &a.changes,
            side,
            collapse: false,
        },
        _ => CellText::Ar { side, pos },
    };
    let old_label = addresses(&e.old);
    let note_new = sv::paragraph_note(e.relation, e.repealed.is_some(), &old_label);
    // Facts beside the relation: wording moved to or from the allmänna råd, a label that
    // named another paragraph before.
    let mut facts: Vec<String> = e
        .moved_wording
        .iter()
        .map(|w| sv::wording_move(w.direction).to_string())
        .collect();
    if let Some(r) = paras.reuse_of(e) {
        let now = r.old_paragraph_now.map(|a| a.display_typo());
        facts.push(sv::label_reuse(&r.label.display_typo(), now.as_deref()));
    }
    let note_new = match (note_new, facts.is_empty()) {
        (n, true) => n,
        (Some(n), false) => Some(format!("{n}; {}", facts.join("; "))),
        (None, false) => Some(facts.join("; ")),
    };
    let ar_rel = e
        .allmanna_rad
        .as_ref()
        .map(|a| a.relation)
        .filter(|_| !whole);
    let old = (!e.old.is_empty()).then(|| Cell {
        label: old_label,
        note: match e.relation {
            Relation::Removed if e.repealed.is_none() => Some(sv::relation(e.relation).to_string()),
            _ => None,
        },
        lines: lines(Side::Old, &e.old_pos),
        ar: ar(Side::Old, &e.old_pos),
        ar_note: ar_rel.filter(|r| *r == Relation::Removed),
        meta: None,
    });
    let new = if e.relation == Relation::Removed {
        e.repealed.as_ref().map(|r| Cell {
            label: addresses(&e.new),
            note: note_new.clone(),
            lines: CellText::Plain(r),
            ar: CellText::Plain(""),
            ar_note: None,
            meta: None,
        })
    } else {
        (!e.new.is_empty()).then(|| Cell {
            label: addresses(&e.new),
            note: note_new,
            lines: lines(Side::New, &e.new_pos),
            ar: ar(Side::New, &e.new_pos),
            ar_note: ar_rel.filter(|r| matches!(r, Relation::Added | Relation::Changed)),
            meta: e
                .metadata
                .as_ref()
                .map(|m| sv::amendment_note(&m.old.amended_by, &m.new.amended_by)),
        })
    };
    (old, new)
}

// ---------------------------------------------------------------------------------------
// TSV
// ---------------------------------------------------------------------------------------

/// `relation<TAB>old ids<TAB>new ids<TAB>similarity`, one line per paragraph entry; several
/// ids (split, merge) are joined with commas, a missing side is empty.
pub fn tsv(map: &VersionMap) -> String {
    let mut s = String::new();
    for e in &map.paragraphs {
        tsv_line(&mut s, e);
    }
    s
}

/// [`tsv`] written line by line to `w`, so the whole table is never held in memory.
pub fn write_tsv(w: &mut dyn std::io::Write, map: &VersionMap) -> std::io::Result<()> {
    let mut line = String::new();
    for e in &map.paragraphs {
        line.clear();
        tsv_line(&mut line, e);
        w.write_all(line.as_bytes())?;
    }
    Ok(())
}

fn tsv_line(s: &mut String, e: &Entry) {
    s.push_str(e.relation.as_str());
    for ids in [&e.old_ids, &e.new_ids] {
        s.push('\t');
        for (i, id) in ids.iter().enumerate() {
            if i > 0 {
                s.push(',');
            }
            s.push_str(id);
        }
    }
    s.push('\t');
    push_similarity(s, e.similarity);
    s.push('\n');
}

/// `x` as `{:.3}` prints it. Most paragraphs are unchanged: 1.0 (and 0.0) are written
/// directly, without the exact decimal conversion `{:.3}` makes of every value (about half
/// the instructions of the whole table).
fn push_similarity(s: &mut String, x: f64) {
    if x == 1.0 {
        s.push_str("1.000");
    } else if x == 0.0 && x.is_sign_positive() {
        s.push_str("0.000");
    } else {
        let _ = write!(s, "{x:.3}");
    }
}

// ---------------------------------------------------------------------------------------
// Text
// ---------------------------------------------------------------------------------------

fn counts_en(c: &Counts) -> String {
    let parts: Vec<String> = Relation::ALL
        .iter()
        .filter(|r| c.get(**r) > 0)
        .map(|r| format!("{} {}", c.get(*r), r.as_str()))
        .collect();
    if parts.is_empty() {
        "none".to_string()
    } else {
        parts.join(", ")
    }
}

fn short(s: &str, n: usize) -> String {
    let one = s.replace('\n', " ");
    match one.char_indices().nth(n) {
        Some((i, _)) => format!("{}…", &one[..i]),
        None => one,
    }
}

/// The terminal view: a summary, then every paragraph entry that is not unchanged with its
/// changed lines, and unchanged runs on one line each.
pub fn text(map: &VersionMap, old: &Regulation, new: &Regulation, p: Paint) -> String {
    let paras = Paras::of(map, old, new);
    let s = &map.summary;
    let mut o = String::new();
    let _ = writeln!(
        o,
        "{} {} → {}",
        p.bold("remiss diff"),
        map.old.source,
        map.new.source
    );
    if !s.differences {
        let _ = writeln!(
            o,
            "No differences in wording or structure ({} paragraphs).",
            map.new.paragraphs
        );
    }
    let _ = writeln!(
        o,
        "Paragraphs: {} → {}: {}.",
        map.old.paragraphs,
        map.new.paragraphs,
        counts_en(&s.paragraphs)
    );
    let touched = if s.chapters_touched.is_empty() {
        "none".to_string()
    } else {
        s.chapters_touched.join(", ")
    };
    let _ = writeln!(
        o,
        "Chapters touched: {}",
        touched.trim_end_matches('.').to_string() + "."
    );
    let _ = writeln!(
        o,
        "Chapter headings: {}. Rubriker: {}. Allmänna råd: {}. Title, preamble, avdelningar, övergångsbestämmelser, bilagor: {}.",
        counts_en(&s.chapter_headings),
        counts_en(&s.rubriker),
        counts_en(&s.allmanna_rad),
        counts_en(&s.other)
    );
    let n = &s.normalisation;
    let _ = writeln!(
        o,
        "Normalised, not reported as changes: line wraps {}/{}, line-break hyphens {}/{}, whitespace runs {}/{} (old/new); whitespace-only differences {}.",
        n.old.line_wraps,
        n.new.line_wraps,
        n.old.hyphenation,
        n.new.hyphenation,
        n.old.whitespace,
        n.new.whitespace,
        n.whitespace_only
    );
    if s.metadata_only > 0 {
        let _ = writeln!(
            o,
            "Same wording, other amendment note or in-force marker: {} paragraphs.",
            s.metadata_only
        );
    }
    for w in &map.warnings {
        let _ = writeln!(o, "warning: {w}");
    }
    let _ = writeln!(o);
    for b in blocks(&rows(map)) {
        match b {
            Block::Same(v) => {
                let n = v.iter().filter(|r| matches!(r, Row::Paragraph(_))).count();
                if n > 0 {
                    let _ = writeln!(
                        o,
                        "{}",
                        p.dim(&format!(
                            "  = {} unchanged ({n})",
                            run_label(&v).replace(NBSP, " ")
                        ))
                    );
                }
            }
            Block::Show(Row::Chapter(h)) => {
                let a = h.new.or(h.old).map(|a| a.display()).unwrap_or_default();
                let line = match h.relation {
                    Relation::Unchanged => {
                        format!("{a} {}", h.new_heading.as_deref().unwrap_or_default())
                    }
                    Relation::Changed => {
                        format!("{a} {} (heading changed)", inline(&h.changes, &p))
                    }
                    r => format!(
                        "{a} {} ({})",
                        h.new_heading
                            .as_deref()
                            .or(h.old_heading.as_deref())
                            .unwrap_or_default(),
                        r.as_str()
                    ),
                };
                let _ = writeln!(o, "{}", p.bold(&line));
            }
            Block::Show(Row::Rubrik(r)) => {
                let t = r
                    .new_text
                    .as_deref()
                    .or(r.old_text.as_deref())
                    .unwrap_or_default();
                let at = |a: Option<Address>| a.map(|a| a.display()).unwrap_or_default();
                let line = match r.relation {
                    Relation::Unchanged => format!("  rubrik «{t}»"),
                    Relation::Changed => format!("~ rubrik «{}»", inline(&r.changes, &p)),
                    Relation::Added => format!("+ rubrik «{t}» added before {}", at(r.new_before)),
                    Relation::Removed => {
                        format!("- rubrik «{t}» removed (stood before {})", at(r.old_before))
                    }
                    rel => format!(
                        "→ rubrik «{t}» {} (before {} → before {})",
                        rel.as_str(),
                        at(r.old_before),
                        at(r.new_before)
                    ),
                };
                let _ = writeln!(o, "{line}");
            }
            Block::Show(Row::Paragraph(e)) => text_entry(&mut o, e, &paras, p),
        }
    }
    let changed_other: Vec<_> = map
        .other
        .iter()
        .filter(|x| x.relation != Relation::Unchanged)
        .collect();
    if !changed_other.is_empty() {
        let _ = writeln!(
            o,
            "\n{}",
            p.bold("Title, preamble, avdelningar, övergångsbestämmelser, bilagor")
        );
        for x in changed_other {
            let body = match x.relation {
                Relation::Changed => inline(&x.changes, &p),
                _ => short(
                    x.changes
                        .first()
                        .map(|c| {
                            if c.old_text().is_empty() {
                                c.new_text()
                            } else {
                                c.old_text()
                            }
                        })
                        .unwrap_or(""),
                    100,
                ),
            };
            let _ = writeln!(o, "  {} {}: {body}", x.relation.as_str(), x.label);
        }
    }
    o
}

fn inline(ops: &[Op], p: &Paint) -> String {
    let mut s = String::new();
    for op in ops {
        match op {
            Op::Equal { text } => s.push_str(text),
            Op::Delete { old } => s.push_str(&p.del(old)),
            Op::Insert { new } => s.push_str(&p.ins(new)),
            Op::Replace { old, new } => {
                s.push_str(&p.del(old));
                s.push_str(&p.ins(new));
            }
        }
    }
    s
}

/// Inline ops split into lines (stycken), each line knowing whether it holds a change.
fn inline_lines(ops: &[Op], p: &Paint) -> Vec<(String, bool)> {
    let mut lines: Vec<(String, bool)> = vec![(String::new(), false)];
    let mut push = |text: &str, f: &dyn Fn(&str) -> String, changed: bool| {
        for (i, part) in text.split('\n').enumerate() {
            if i > 0 {
                lines.push((String::new(), false));
            }
            if let Some(l) = lines.last_mut()
                && !part.is_empty()
            {
                l.0.push_str(&f(part));
                l.1 |= changed;
            }
        }
    };
    for op in ops {
        match op {
            Op::Equal { text } => push(text, &|s| s.to_string(), false),
            Op::Delete { old } => push(old, &|s| p.del(s), true),
            Op::Insert { new } => push(new, &|s| p.ins(s), true),
            Op::Replace { old, new } => {
                push(old, &|s| p.del(s), true);
                push(new, &|s| p.ins(s), true);
            }
        }
    }
    lines.retain(|l| !l.0.is_empty());
    lines
}

fn text_entry(o: &mut String, e: &Entry, paras: &Paras<'_>, p: Paint) {
    let sign = match e.relation {
        Relation::Unchanged => "=",
        Relation::Changed => "~",
        Relation::Added => "+",
        Relation::Removed => "-",
        _ => "→",
    };
    let head = match e.relation {
        Relation::Added => format!("{} added", addresses(&e.new)),
        Relation::Removed => match &e.repealed {
            Some(_) => format!("{} removed (repealed)", addresses(&e.old)),
            None => format!("{} removed", addresses(&e.old)),
        },
        Relation::Changed | Relation::Unchanged => {
            format!("{} {}", addresses(&e.old), e.relation.as_str())
        }
        r => format!(
            "{} → {} {}",
            addresses(&e.old),
            addresses(&e.new),
            r.as_str()
        ),
    }
    .replace(NBSP, " ");
    let mut extra = String::new();
    if !e.changes.is_empty() && !matches!(e.relation, Relation::Added | Relation::Removed) {
        extra.push_str(&format!(" (similarity {:.2})", e.similarity));
    }
    if e.fallback {
        extra.push_str(" [whole stycken: the word diff hit its limit]");
    }
    let _ = writeln!(o, "{} {}{}", sign, p.bold(&head), extra);
    let indent = "      ";
    match e.relation {
        Relation::Added | Relation::Removed => {
            let side = if e.relation == Relation::Added {
                Side::New
            } else {
                Side::Old
            };
            let pos = if side == Side::New {
                &e.new_pos
            } else {
                &e.old_pos
            };
            let _ = writeln!(o, "{indent}{}", short(&paras.text(side, pos), 110));
        }
        _ => {
            let lines = inline_lines(&e.changes, &p);
            let mut skipped = false;
            for (l, changed) in &lines {
                if *changed {
                    if skipped {
                        let _ = writeln!(o, "{indent}…");
                        skipped = false;
                    }
                    let _ = writeln!(o, "{indent}{l}");
                } else {
                    skipped = true;
                }
            }
            if skipped && lines.iter().any(|l| l.1) {
                let _ = writeln!(o, "{indent}…");
            }
        }
    }
    if let Some(r) = paras.reuse_of(e) {
        let now = match r.old_paragraph_now {
            Some(a) => format!("is now {}", a.display()),
            None => "was removed".to_string(),
        };
        let _ = writeln!(
            o,
            "{indent}label reused: the old {} {now}",
            r.label.display()
        );
    }
    for w in &e.moved_wording {
        let to = match w.direction {
            WordingMove::ToAllmannaRad => "from the wording to the allmänna råd",
            WordingMove::FromAllmannaRad => "from the allmänna råd to the wording",
        };
        let _ = writeln!(o, "{indent}moved {to}: {} words", w.words);
    }
    if let Some(a) = &e.allmanna_rad
        && a.relation != Relation::Unchanged
    {
        let _ = writeln!(o, "{indent}Allmänna råd {}:", a.relation.as_str());
        for (l, _) in inline_lines(&a.changes, &p).iter().filter(|l| l.1) {
            let _ = writeln!(o, "{indent}  {}", short(l, 400));
        }
    }
    if let Some(m) = &e.metadata {
        let _ = writeln!(
            o,
            "{indent}{}",
            p.dim(&format!(
                "amendment note: {} → {}",
                notes(&m.old.amended_by),
                notes(&m.new.amended_by)
            ))
        );
    }
}

fn notes(v: &[String]) -> String {
    if v.is_empty() {
        "none".to_string()
    } else {
        v.join(", ")
    }
}

// ---------------------------------------------------------------------------------------
// Swedish summary lines shared by Markdown and HTML
// ---------------------------------------------------------------------------------------

fn counts_sv(c: &Counts) -> String {
    let parts: Vec<String> = Relation::ALL
        .iter()
        .filter(|r| c.get(**r) > 0)
        .map(|r| {
            let n = c.get(*r);
            let name = if n == 1 {
                sv::relation(*r)
            } else {
                sv::relations(*r)
            };
            format!("{n} {name}")
        })
        .collect();
    if parts.is_empty() {
        "inga".to_string()
    } else {
        parts.join(", ")
    }
}

/// Label-value lines of the summary below the counts table.
fn summary_lines(map: &VersionMap) -> Vec<(&'static str, String)> {
    let s = &map.summary;
    let n = &s.normalisation;
    let mut v = vec![
        ("Berörda kapitel", chapters_sv(&s.chapters_touched)),
        ("Kapitelrubriker", counts_sv(&s.chapter_headings)),
        ("Rubriker", counts_sv(&s.rubriker)),
        ("Allmänna råd", counts_sv(&s.allmanna_rad)),
        (
            "Rubrik, inledning, övergångsbestämmelser och bilagor",
            counts_sv(&s.other),
        ),
        (
            "Normaliserat (redovisas inte som ändringar)",
            format!(
                "radbrytningar {} / {}, avstavningar vid radslut {} / {}, blanksteg {} / {} (nuvarande / föreslagen); skillnader endast i blanksteg: {}",
                n.old.line_wraps,
                n.new.line_wraps,
                n.old.hyphenation,
                n.new.hyphenation,
                n.old.whitespace,
                n.new.whitespace,
                n.whitespace_only
            ),
        ),
    ];
    if s.metadata_only > 0 {
        v.push((
            "Endast ändringsnotering eller ikraftträdandemarkering ändrad",
            format!("{} paragrafer (redovisas som oförändrade)", s.metadata_only),
        ));
    }
    v
}

// ---------------------------------------------------------------------------------------
// The neutral rows of the parallelluppställning, for `jamforelse.html` and `jamforelse.md`
// ---------------------------------------------------------------------------------------

/// A run of text on one line of a cell. A marked run (deleted on the old side, inserted on
/// the new) keeps its surrounding spaces outside the marking.
#[derive(Serialize)]
pub struct Seg {
    lead: String,
    core: String,
    trail: String,
    marked: bool,
    /// Markdown emphasis delimiters work around this run (CommonMark's flanking rules);
    /// otherwise Markdown marks it with `<del>`/`<ins>`.
    tight: bool,
}

type SegLines = Vec<Vec<Seg>>;

/// Whether CommonMark reads `**`/`~~` around `core` as emphasis, given the characters
/// just outside it: a delimiter next to punctuation inside needs space or punctuation
/// outside (`domännamnet**, och**` would print its asterisks).
fn md_delimiters_work(before: Option<char>, core: &str, after: Option<char>) -> bool {
    let punct = |c: char| !c.is_alphanumeric() && !c.is_whitespace();
    let loose = |c: Option<char>| c.is_none_or(|c| c.is_whitespace() || punct(c));
    let (Some(first), Some(last)) = (core.chars().next(), core.chars().last()) else {
        return false;
    };
    (!punct(first) || loose(before)) && (!punct(last) || loose(after))
}

/// The runs of one line, with what Markdown needs to know to mark them. The flanking test
/// looks at the Markdown as written (escaped text and the markers before), so it follows
/// what the Markdown template puts out. Without `md` (for HTML, which has no use for it)
/// `tight` is left false, and the Markdown escaping it needs is not done.
fn segs(line: Vec<(String, bool)>, md: bool) -> Vec<Seg> {
    let escaped: Vec<String> = if md {
        line.iter().map(|(t, _)| escape::markdown(t)).collect()
    } else {
        Vec::new()
    };
    let mut last: Option<char> = None;
    let mut out = Vec::with_capacity(line.len());
    for (k, (t, marked)) in line.into_iter().enumerate() {
        let Some((lead, core, trail)) = marked.then(|| marked_parts(&t)).flatten() else {
            // An unmarked run is moved whole into its segment, not copied.
            if md {
                last = escaped.get(k).and_then(|e| e.chars().last()).or(last);
            }
            out.push(Seg {
                lead: String::new(),
                core: t,
                trail: String::new(),
                marked: false,
                tight: false,
            });
            continue;
        };
        let before = if lead.is_empty() { last } else { Some(' ') };
        let after = if trail.is_empty() {
            escaped.get(k + 1).and_then(|n| n.chars().next())
        } else {
            Some(' ')
        };
        let tight = escaped
            .get(k)
            .is_some_and(|e| md_delimiters_work(before, e.trim(), after));
        // What the template writes last: a space, a delimiter (`~` or `*`) or `>`.
        last = Some(if !trail.is_empty() {
            ' '
        } else if tight {
            '*'
        } else {
            '>'
        });
        out.push(Seg {
            lead: lead.to_string(),
            core: core.to_string(),
            trail: trail.to_string(),
            marked: true,
            tight,
        });
    }
    out
}

/// A marked run split around its marking: the spaces before, the text marked, the spaces
/// after; `None` for a run of spaces alone, which is not marked.
fn marked_parts(t: &str) -> Option<(&str, &str, &str)> {
    let core = t.trim();
    if core.is_empty() {
        return None;
    }
    Some((
        &t[..t.len() - t.trim_start().len()],
        core,
        &t[t.trim_end().len()..],
    ))
}

fn seg_lines(lines: Lines, md: bool) -> SegLines {
    lines.into_iter().map(|l| segs(l, md)).collect()
}

/// One side of a paragraph row.
#[derive(Serialize)]
pub struct CellView {
    label: String,
    note: Option<String>,
    /// The relation of the row, for the note's badge (`added`, `removed`, ...).
    relation: Relation,
    lines: SegLines,
    ar: SegLines,
    /// How the allmänna råd differ, in Swedish, and the relation for its badge.
    ar_note: Option<&'static str>,
    ar_relation: Option<Relation>,
    meta: Option<String>,
}

impl CellView {
    fn of(c: Cell<'_>, relation: Relation, md: bool, paras: &Paras<'_>) -> Self {
        CellView {
            label: c.label,
            note: c.note,
            relation,
            lines: seg_lines(c.lines.lines(paras), md),
            ar: seg_lines(c.ar.lines(paras), md),
            ar_note: c.ar_note.map(sv::relations),
            ar_relation: c.ar_note,
            meta: c.meta,
        }
    }
}

/// A chapter heading on one side: its label and its (possibly marked) heading text.
#[derive(Serialize)]
pub struct HeadingView {
    label: String,
    lines: SegLines,
}

/// A rubrik on one side: its text, and its marked runs when the wording changed.
#[derive(Serialize)]
pub struct RubrikSide {
    text: String,
    lines: Option<SegLines>,
}

/// One row of the parallel layout.
#[derive(Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum RowView {
    /// A run of unchanged rows shown as `– – –`; `paragraphs` counts the paragraphs in it.
    Same {
        /// How many paragraphs the run holds.
        paragraphs: usize,
        /// The run as a reader names it (`1 kap. 1–6 §§`).
        label: String,
        /// The rows of the run, for a view that can unfold it.
        rows: Vec<RowView>,
    },
    /// A chapter heading.
    Chapter {
        /// How the heading changed.
        relation: Relation,
        /// The heading in the old version.
        old: Option<HeadingView>,
        /// The heading in the new version.
        new: Option<HeadingView>,
    },
    /// A rubrik.
    Rubrik {
        /// How the rubrik changed.
        relation: Relation,
        /// The rubrik in the old version.
        old: Option<RubrikSide>,
        /// The rubrik in the new version.
        new: Option<RubrikSide>,
        /// Where the rubrik went, for the new side (empty when unchanged).
        note: String,
    },
    /// A paragraph (or several, for split and merged).
    Paragraph {
        /// What happened to it.
        relation: Relation,
        /// The row's anchor: its id in the new version, or `old-` and its id in the old one
        /// when it was removed (a new paragraph may take the old one's number).
        id: String,
        /// Its id in the new version (empty when removed).
        new_id: String,
        /// Its ids in the old version: each is also an anchor, `old-K2P14`, so a link
        /// made from the old version's addresses lands on the row.
        old_ids: Vec<String>,
        /// The old side.
        old: Option<Box<CellView>>,
        /// The new side.
        new: Option<Box<CellView>>,
    },
}

/// The title, preamble, övergångsbestämmelser or a bilaga, when it changed.
#[derive(Serialize)]
pub struct PartView {
    label: String,
    relation: Relation,
    name: &'static str,
    old: Option<SegLines>,
    new: Option<SegLines>,
}

/// One version's file as the page names it.
#[derive(Serialize)]
pub struct VersionView {
    source: String,
    /// The file name as it can stand in a Markdown code span.
    source_code: String,
    paragraphs: usize,
}

/// Everything `jamforelse.html` and `jamforelse.md` see, as `cmp`.
#[derive(Serialize)]
pub struct ComparisonView {
    title: Option<String>,
    /// The title cut to 120 characters, for the page title.
    title_short: String,
    old: VersionView,
    new: VersionView,
    differences: bool,
    /// Paragraph counts per relation, in Swedish, every relation.
    counts: Vec<(&'static str, usize)>,
    /// Label and value lines of the summary.
    facts: Vec<(&'static str, String)>,
    warnings: Vec<String>,
    rows: Vec<RowView>,
    parts: Vec<PartView>,
}

fn chapter_row(h: &HeadingEntry, md: bool) -> RowView {
    let side = |side| {
        heading_text(h, side).map(|(label, l)| HeadingView {
            label,
            lines: seg_lines(l, md),
        })
    };
    RowView::Chapter {
        relation: h.relation,
        old: side(Side::Old),
        new: side(Side::New),
    }
}

fn rubrik_row(r: &RubrikEntry, md: bool) -> RowView {
    let side = |t: &Option<String>, s: Side| {
        t.as_ref().map(|t| RubrikSide {
            text: t.clone(),
            lines: (r.relation == Relation::Changed)
                .then(|| seg_lines(side_lines(&r.changes, s, false), md)),
        })
    };
    RowView::Rubrik {
        relation: r.relation,
        old: side(&r.old_text, Side::Old),
        new: side(&r.new_text, Side::New),
        note: if r.relation == Relation::Unchanged {
            String::new()
        } else {
            rubrik_note(r)
        },
    }
}

/// A paragraph row's anchor, as a prefix and an id: its first id in the new version, or
/// `old-` and its first id in the old one when it has none there.
fn row_id(e: &Entry) -> Option<(&'static str, &str)> {
    match (e.new_ids.first(), e.old_ids.first()) {
        (Some(id), _) => Some(("", id)),
        (None, Some(id)) => Some(("old-", id)),
        (None, None) => None,
    }
}

fn paragraph_row(e: &Entry, paras: &Paras<'_>, md: bool) -> RowView {
    let (a, b) = cells(e, paras);
    RowView::Paragraph {
        relation: e.relation,
        id: row_id(e).map_or_else(String::new, |(prefix, id)| format!("{prefix}{id}")),
        new_id: e.new_ids.first().cloned().unwrap_or_default(),
        old_ids: e.old_ids.clone(),
        old: a.map(|c| Box::new(CellView::of(c, e.relation, md, paras))),
        new: b.map(|c| Box::new(CellView::of(c, e.relation, md, paras))),
    }
}

fn row_view(r: Row<'_>, paras: &Paras<'_>, md: bool) -> RowView {
    match r {
        Row::Chapter(h) => chapter_row(h, md),
        Row::Rubrik(x) => rubrik_row(x, md),
        Row::Paragraph(e) => paragraph_row(e, paras, md),
    }
}

fn rubrik_note(r: &RubrikEntry) -> String {
    let at = |a: Option<Address>| a.map(|a| a.display_typo()).unwrap_or_default();
    sv::rubrik_note(r.relation, &at(r.old_before), &at(r.new_before))
}

fn heading_text(h: &HeadingEntry, side: Side) -> Option<(String, Lines)> {
    let (a, t) = match side {
        Side::Old => (h.old, &h.old_heading),
        Side::New => (h.new, &h.new_heading),
    };
    let a = a?;
    let lines = if h.relation == Relation::Changed {
        side_lines(&h.changes, side, false)
    } else {
        plain_lines(t.as_deref().unwrap_or(""))
    };
    Some((a.display_typo(), lines))
}

/// The parallelluppställning of two versions as the default `jamforelse.html` renders it,
/// written directly; `labels` are a case's column labels (`None` for the statute's usual
/// pair, as `remiss diff` gives it).
pub fn html(
    map: &VersionMap,
    old: &Regulation,
    new: &Regulation,
    labels: Option<(&str, &str)>,
) -> String {
    let paras = Paras::of(map, old, new);
    let blocks = blocks(&rows(map));
    html::page(&view_head(map, Vec::new(), false), labels, &mut |o, out| {
        html_rows(o, out, &blocks, &paras)
    })
}

/// [`html`] written to `w` as it is made, in pieces of about 64 KiB, so the page (about
/// 1.3 times the text of the two versions) is never held whole in memory.
pub fn write_html(
    w: &mut dyn std::io::Write,
    map: &VersionMap,
    old: &Regulation,
    new: &Regulation,
    labels: Option<(&str, &str)>,
) -> std::io::Result<()> {
    let paras = Paras::of(map, old, new);
    let head = view_head(map, Vec::new(), false);
    let blocks = blocks(&rows(map));
    html::write_page(w, &head, labels, &mut |o, out| {
        html_rows(o, out, &blocks, &paras)
    })
}

/// The rows of the page, written one row at a time, never made all at once (together
/// they hold the text of both versions again); `out` is called after each row.
///
/// With a helper at hand (`remiss diff`), the later half of the rows is made there while
/// this thread writes the first, and written after it: the rows are the last work of a
/// diff, and the helper is idle by then. The later half is held until then, in pieces of
/// the size the page is written in, so only for pages of at most [`SPLIT_MAX_ROWS`] rows.
fn html_rows(
    o: &mut String,
    out: &mut dyn FnMut(&mut String) -> std::io::Result<()>,
    blocks: &[Block<'_>],
    paras: &Paras<'_>,
) -> std::io::Result<()> {
    let end = Cut {
        block: blocks.len(),
        row: 0,
    };
    let Some(mid) = html_split(blocks) else {
        return html_blocks(o, out, blocks, Cut::START..end, paras);
    };
    let (pieces, written) = crate::threads::join(
        || {
            let mut pieces = Vec::new();
            let mut s = String::with_capacity(2 * html::PIECE);
            // Writing into a String cannot fail.
            let _ = html_blocks(
                &mut s,
                &mut |s: &mut String| {
                    if s.len() >= html::PIECE {
                        let next = String::with_capacity(2 * html::PIECE);
                        pieces.push(std::mem::replace(s, next));
                    }
                    Ok(())
                },
                blocks,
                mid..end,
                paras,
            );
            pieces.push(s);
            pieces
        },
        || html_blocks(o, out, blocks, Cut::START..mid, paras),
    );
    written?;
    for p in &pieces {
        o.push_str(p);
        out(o)?;
    }
    Ok(())
}

/// Pages of more rows than this are written by one thread, as they are made.
const SPLIT_MAX_ROWS: usize = 20_000;

/// Pages of fewer rows than this are written by one thread. Such a page takes about 0.1 ms
/// to make (the 370 rows of Lagen om elektronisk kommunikation about 0.2), so half of it
/// saves little more than handing work to the helper and its fresh pieces cost; the
/// figure is that estimate, not a measured crossing point.
const SPLIT_MIN_ROWS: usize = 200;

/// A place between two rows of the page: before row `row` of block `block` (a shown row is
/// row 0 of its block). Places are ordered as the rows are.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Cut {
    block: usize,
    row: usize,
}

impl Cut {
    const START: Cut = Cut { block: 0, row: 0 };
}

/// Where [`html_rows`] splits the rows between this thread and the helper: at half of them,
/// counting each row of a run of unchanged rows (a statute's few changes leave runs of
/// hundreds, so a run is cut where the half falls). None where there is no helper, or the
/// page is too short or too long to be worth it.
fn html_split(blocks: &[Block<'_>]) -> Option<Cut> {
    let total: usize = blocks.iter().map(Block::rows).sum();
    if !crate::threads::has_helper() || !(SPLIT_MIN_ROWS..=SPLIT_MAX_ROWS).contains(&total) {
        return None;
    }
    let half = total.div_ceil(2);
    let mut seen = 0;
    for (block, b) in blocks.iter().enumerate() {
        let n = b.rows();
        if seen + n >= half {
            let cut = match b {
                Block::Same(_) if seen + n > half => Cut {
                    block,
                    row: half - seen,
                },
                _ => Cut {
                    block: block + 1,
                    row: 0,
                },
            };
            return (cut.block < blocks.len()).then_some(cut);
        }
        seen += n;
    }
    None
}

/// The rows of `blocks` from `range.start` up to `range.end`, written in order into `o`;
/// `out` is called after each row. A run of unchanged rows cut by the range is opened by
/// the part that holds its first row and closed by the part that holds its last.
fn html_blocks(
    o: &mut String,
    out: &mut dyn FnMut(&mut String) -> std::io::Result<()>,
    blocks: &[Block<'_>],
    range: Range<Cut>,
    paras: &Paras<'_>,
) -> std::io::Result<()> {
    let Range { start, end } = range;
    let upto = blocks.len().min(end.block.saturating_add(1));
    for (k, b) in blocks.iter().enumerate().take(upto).skip(start.block) {
        let from = if k == start.block { start.row } else { 0 };
        match b {
            Block::Show(r) => {
                if from > 0 || (Cut { block: k, row: 0 }) >= end {
                    continue;
                }
                match r {
                    Row::Paragraph(e) => html::paragraph(o, e, paras, false),
                    r => html::row(o, &row_view(*r, paras, false), false),
                }
                out(o)?;
            }
            Block::Same(v) => {
                let to = if k == end.block {
                    end.row.min(v.len())
                } else {
                    v.len()
                };
                let (opens, closes) = (from == 0, to == v.len());
                if from >= to && !(opens && closes) {
                    continue;
                }
                if opens {
                    html::same_open(o, run_paragraphs(v), &run_label(v));
                }
                for r in v.get(from..to).unwrap_or_default() {
                    match r {
                        Row::Paragraph(e) => {
                            if !html::unchanged_paragraph(o, e, paras) {
                                html::paragraph(o, e, paras, true);
                            }
                        }
                        Row::Rubrik(x) => html::inner_rubrik(o, x.new_text.as_deref()),
                        Row::Chapter(_) => html::row(o, &row_view(*r, paras, false), true),
                    }
                    out(o)?;
                }
                if closes {
                    html::same_close(o);
                    out(o)?;
                }
            }
        }
    }
    Ok(())
}

/// The neutral rows of the parallelluppställning of two versions.
pub fn view(map: &VersionMap, old: &Regulation, new: &Regulation) -> ComparisonView {
    view_for(map, old, new, true)
}

/// [`view`] with each run of unchanged rows given by its count and label alone (no
/// `rows`), for a template that shows no more of a run, as the embedded `jamforelse.md`:
/// the rows of the runs hold the text of both versions again.
pub fn view_folded(map: &VersionMap, old: &Regulation, new: &Regulation) -> ComparisonView {
    let paras = Paras::of(map, old, new);
    let rows = blocks(&rows(map))
        .iter()
        .map(|b| match b {
            Block::Same(v) => RowView::Same {
                paragraphs: run_paragraphs(v),
                label: run_label(v),
                rows: Vec::new(),
            },
            Block::Show(_) => block_view(b, &paras, true),
        })
        .collect();
    view_head(map, rows, true)
}

/// The rows, with what Markdown needs to mark runs (`tight`) only when `md`.
fn view_for(map: &VersionMap, old: &Regulation, new: &Regulation, md: bool) -> ComparisonView {
    let paras = Paras::of(map, old, new);
    let rows = blocks(&rows(map))
        .iter()
        .map(|b| block_view(b, &paras, md))
        .collect();
    view_head(map, rows, md)
}

/// The row of a block: a changed entry shown, or a run of unchanged ones folded together.
fn block_view(b: &Block<'_>, paras: &Paras<'_>, md: bool) -> RowView {
    match b {
        Block::Show(r) => row_view(*r, paras, md),
        Block::Same(v) => RowView::Same {
            paragraphs: run_paragraphs(v),
            label: run_label(v),
            rows: v.iter().map(|r| row_view(*r, paras, md)).collect(),
        },
    }
}

/// The view of a comparison around its `rows`: title, versions, summary and the other
/// parts.
fn view_head(map: &VersionMap, rows: Vec<RowView>, md: bool) -> ComparisonView {
    let s = &map.summary;
    // The title line runs on into `beslutade den …`: its closing `;` is no part of it.
    let title = map
        .new
        .title
        .as_ref()
        .or(map.old.title.as_ref())
        .map(|t| t.trim_end_matches([';', ',', ' ']).to_string());
    let version = |v: &crate::compare::Side| VersionView {
        source: v.source.clone(),
        source_code: v.source.replace('`', "'").replace(['\n', '\r'], " "),
        paragraphs: v.paragraphs,
    };
    let parts = map
        .other
        .iter()
        .filter(|x| x.relation != Relation::Unchanged)
        .map(|x| {
            let side = |side: Side| {
                let lines = side_lines(&x.changes, side, false);
                if lines.is_empty() {
                    return None;
                }
                // Wholly new or removed text is not marked: the empty side says it.
                let lines: Lines = if x.relation == Relation::Changed {
                    lines
                } else {
                    lines
                        .into_iter()
                        .map(|l| l.into_iter().map(|(t, _)| (t, false)).collect())
                        .collect()
                };
                Some(seg_lines(lines, md))
            };
            PartView {
                label: x.label.clone(),
                relation: x.relation,
                name: sv::relation(x.relation),
                old: side(Side::Old),
                new: side(Side::New),
            }
        })
        .collect();
    ComparisonView {
        title_short: title.as_deref().map(|t| short(t, 120)).unwrap_or_default(),
        title,
        old: version(&map.old),
        new: version(&map.new),
        differences: s.differences,
        counts: Relation::ALL
            .iter()
            .map(|r| (sv::relations(*r), s.paragraphs.get(*r)))
            .collect(),
        facts: summary_lines(map),
        warnings: map.warnings.clone(),
        rows,
        parts,
    }
}

/// Real statute pairs, and a reader for them, on which the direct writers' tests hold each
/// writer to its reference (serde's JSON, the html template): renumbering, moved and new
/// rubriker, chapters added and removed, allmänna råd, changed övergångsbestämmelser.
#[cfg(test)]
pub(crate) mod test_pairs {
    use crate::regulation::Regulation;
    use std::path::Path;

    pub(crate) const STATUTE_PAIRS: &[(&str, &str)] = &[
        (
            "corpus/sfs/lag-2006-24-nationella-toppdomaner/sfs-2006-24_in-force-2026-01-14.txt",
            "corpus/sfs/lag-2006-24-nationella-toppdomaner/sfs-2006-24_in-force-2026-01-15.txt",
        ),
        (
            "corpus/sfs/lag-2022-482-elektronisk-kommunikation/sfs-2022-482_in-force-2026-01-14.txt",
            "corpus/sfs/lag-2022-482-elektronisk-kommunikation/sfs-2022-482_in-force-2026-01-15.txt",
        ),
        (
            "corpus/sfs/halso-och-sjukvardslag-2017-30/sfs-2017-30_in-force-2025-12-31.txt",
            "corpus/sfs/halso-och-sjukvardslag-2017-30/sfs-2017-30_in-force-2026-01-15.txt",
        ),
        (
            "corpus/sfs/sakerhetsskyddslag-2018-585/sfs-2018-585_in-force-2026-02-28.txt",
            "corpus/sfs/sakerhetsskyddslag-2018-585/sfs-2018-585_in-force-2026-03-01.txt",
        ),
        (
            "corpus/sfs/miljotillsynsforordning-2011-13/sfs-2011-13_in-force-2026-01-14.txt",
            "corpus/sfs/miljotillsynsforordning-2011-13/sfs-2011-13_in-force-2026-01-15.txt",
        ),
        (
            "corpus/msb-cybersakerhet/drafts/1-remissversion.txt",
            "corpus/msb-cybersakerhet/drafts/2-beslutad-version.txt",
        ),
    ];

    pub(crate) fn read(rel: &str) -> Regulation {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(rel);
        crate::read_regulation(&path)
            .unwrap_or_else(|e| panic!("{rel}: {e}"))
            .0
    }
}

#[cfg(test)]
mod tests {
    use crate::compare::{Options, align};
    use std::path::Path;

    #[test]
    fn the_embedded_markdown_of_the_folded_view_is_that_of_the_whole_view() {
        // The embedded `jamforelse.md` is rendered from the view without the rows of the
        // unchanged runs: it must not need them (a changed template that shows them fails
        // here).
        let read = |rel: &str| {
            crate::read_regulation(&Path::new(env!("CARGO_MANIFEST_DIR")).join(rel))
                .unwrap_or_else(|e| panic!("{rel}: {e}"))
                .0
        };
        let t = crate::render::Templates::embedded_markdown().unwrap();
        for (a, b) in [
            (
                "corpus/sfs/lag-2022-482-elektronisk-kommunikation/sfs-2022-482_in-force-2026-01-14.txt",
                "corpus/sfs/lag-2022-482-elektronisk-kommunikation/sfs-2022-482_in-force-2026-01-15.txt",
            ),
            (
                "corpus/sfs/halso-och-sjukvardslag-2017-30/sfs-2017-30_in-force-2025-12-31.txt",
                "corpus/sfs/halso-och-sjukvardslag-2017-30/sfs-2017-30_in-force-2026-01-15.txt",
            ),
            (
                "corpus/msb-cybersakerhet/drafts/1-remissversion.txt",
                "corpus/msb-cybersakerhet/drafts/2-beslutad-version.txt",
            ),
        ] {
            let (old, new) = (read(a), read(b));
            for (old, new) in [(&old, &new), (&new, &old)] {
                let map = align(old, new, &Options::default());
                let folded = crate::render::comparison_markdown(&t, &map, old, new).unwrap();
                let whole = t
                    .render(
                        "jamforelse.md",
                        &crate::render::comparison_context(&map, old, new),
                    )
                    .unwrap();
                assert!(folded == whole, "{a}: the folded view renders otherwise");
                assert!(folded.contains("oförändrade"), "{a}: no folded run");
            }
        }
    }

    #[test]
    fn similarities_print_as_with_three_decimals() {
        for x in [
            1.0,
            0.0,
            -0.0,
            0.5,
            0.9995,
            0.0005,
            0.123456,
            1.0 - f64::EPSILON,
            f64::MIN_POSITIVE,
        ] {
            let mut s = String::new();
            super::push_similarity(&mut s, x);
            assert_eq!(s, format!("{x:.3}"), "{x:e}");
        }
    }

    #[test]
    fn the_tsv_written_line_by_line_is_the_tsv() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("corpus/sfs/lag-2022-482-elektronisk-kommunikation");
        let read = |v: &str| {
            crate::read_regulation(&dir.join(format!("sfs-2022-482_in-force-2026-01-{v}.txt")))
                .unwrap()
                .0
        };
        let map = align(&read("14"), &read("15"), &Options::default());
        let mut written = Vec::new();
        super::write_tsv(&mut written, &map).unwrap();
        let whole = super::tsv(&map);
        assert!(whole.lines().count() > 200, "{whole}");
        assert_eq!(String::from_utf8(written).unwrap(), whole);
    }
}

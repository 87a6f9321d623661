//! Stage 3c, rendering a version map: the terminal text view, the Swedish
//! parallelluppställning in Markdown and HTML, and TSV. Pure functions from data to text.

use super::{
    Counts, Entry, HeadingEntry, Op, Relation, RubrikEntry, VersionMap, allmanna_rad_text,
    paragraph_text,
};
use crate::address::{Address, join_paragraph_labels};
use crate::regulation::{Paragraf, Regulation};
use std::collections::BTreeMap;
use std::fmt::Write as _;

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
    let mut out = Vec::new();
    let mut heading_done = vec![false; map.chapters.len()];
    let mut rubrik_done = vec![false; map.rubriker.len()];
    let mut by_new: BTreeMap<Address, Vec<usize>> = BTreeMap::new();
    let mut by_old: BTreeMap<Address, Vec<usize>> = BTreeMap::new();
    for (i, r) in map.rubriker.iter().enumerate() {
        match (r.new_before, r.old_before) {
            (Some(a), _) => by_new.entry(a).or_default().push(i),
            (None, Some(a)) => by_old.entry(a).or_default().push(i),
            _ => {}
        }
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
        let mut push_rubriker = |list: Option<&Vec<usize>>| {
            for &i in list.into_iter().flatten() {
                if !rubrik_done[i] {
                    rubrik_done[i] = true;
                    out.push(Row::Rubrik(&map.rubriker[i]));
                }
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

/// The lines of one side: segments of text, each marked (deleted or inserted) or not.
fn side_lines(ops: &[Op], side: Side) -> Lines {
    let mut lines: Lines = vec![Vec::new()];
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
        for (i, part) in text.split('\n').enumerate() {
            if i > 0 {
                lines.push(Vec::new());
            }
            if !part.is_empty()
                && let Some(l) = lines.last_mut()
            {
                l.push((part.to_string(), marked));
            }
        }
    }
    lines.retain(|l| !l.is_empty());
    lines
}

fn plain_lines(text: &str) -> Lines {
    text.split('\n')
        .filter(|l| !l.is_empty())
        .map(|l| vec![(l.to_string(), false)])
        .collect()
}

/// The marker of omitted unchanged text in a parallelluppställning.
pub const GAP: &str = "– – –";

/// In a changed paragraph, three or more whole unchanged stycken or punkter in a row are
/// shown as one `– – –` line, as in Swedish practice; the lines around each change stay.
fn collapse_unchanged_lines(ops: &[Op]) -> Vec<Op> {
    ops.iter()
        .map(|op| match op {
            Op::Equal { text } => {
                let parts: Vec<&str> = text.split('\n').collect();
                if parts.len() < 5 {
                    return op.clone();
                }
                let (head, tail) = (parts[0], parts[parts.len() - 1]);
                Op::Equal {
                    text: format!("{head}\n{GAP}\n{tail}"),
                }
            }
            _ => op.clone(),
        })
        .collect()
}

/// What one cell of the parallel layout holds.
struct Cell {
    label: String,
    note: Option<String>,
    lines: Lines,
    ar: Lines,
    /// `nya`, `ändrade`, `borttagna` when the allmänna råd differ but the paragraph stays.
    ar_note: Option<&'static str>,
    /// The amendment note when it differs (metadata, shown small in HTML).
    meta: Option<String>,
}

struct Paras<'a> {
    old: Vec<&'a Paragraf>,
    new: Vec<&'a Paragraf>,
}

impl<'a> Paras<'a> {
    fn of(old: &'a Regulation, new: &'a Regulation) -> Self {
        Paras {
            old: old.paragraphs().collect(),
            new: new.paragraphs().collect(),
        }
    }
    fn text(&self, side: Side, pos: &[usize]) -> String {
        let ps = if side == Side::Old {
            &self.old
        } else {
            &self.new
        };
        pos.iter()
            .filter_map(|&i| ps.get(i))
            .map(|p| paragraph_text(p))
            .collect::<Vec<_>>()
            .join("\n")
    }
    fn ar(&self, side: Side, pos: &[usize]) -> String {
        let ps = if side == Side::Old {
            &self.old
        } else {
            &self.new
        };
        pos.iter()
            .filter_map(|&i| ps.get(i))
            .map(|p| allmanna_rad_text(p))
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// The two cells of a paragraph entry. Wholly added or removed text is not marked: the
/// empty opposite cell says it.
fn cells(e: &Entry, paras: &Paras<'_>) -> (Option<Cell>, Option<Cell>) {
    let whole = matches!(e.relation, Relation::Added | Relation::Removed);
    let shown = collapse_unchanged_lines(&e.changes);
    let lines = |side: Side, pos: &[usize]| {
        if !e.changes.is_empty() && !whole {
            side_lines(&shown, side)
        } else {
            plain_lines(&paras.text(side, pos))
        }
    };
    let ar = |side: Side, pos: &[usize]| match &e.allmanna_rad {
        Some(a) if !a.changes.is_empty() && a.relation == Relation::Changed => {
            side_lines(&a.changes, side)
        }
        _ => plain_lines(&paras.ar(side, pos)),
    };
    let note_new = match e.relation {
        Relation::Renumbered => Some(format!("ny beteckning, tidigare {}", addresses(&e.old))),
        Relation::Moved => Some(format!("flyttad från {}", addresses(&e.old))),
        Relation::Split => Some(format!("delad, tidigare {}", addresses(&e.old))),
        Relation::Merged => Some(format!("sammanslagen av {}", addresses(&e.old))),
        Relation::Added if e.repealed.is_some() => Some("upphävd".to_string()),
        Relation::Added => Some("ny".to_string()),
        Relation::Changed => Some("ändrad".to_string()),
        Relation::Removed if e.repealed.is_some() => Some("upphävd".to_string()),
        _ => None,
    };
    let ar_rel = e
        .allmanna_rad
        .as_ref()
        .map(|a| a.relation)
        .filter(|_| !whole);
    let old = (!e.old.is_empty()).then(|| Cell {
        label: addresses(&e.old),
        note: match e.relation {
            Relation::Removed if e.repealed.is_none() => Some("borttagen".to_string()),
            _ => None,
        },
        lines: lines(Side::Old, &e.old_pos),
        ar: ar(Side::Old, &e.old_pos),
        ar_note: (ar_rel == Some(Relation::Removed)).then_some("borttagna"),
        meta: None,
    });
    let new = if e.relation == Relation::Removed {
        e.repealed.as_ref().map(|r| Cell {
            label: addresses(&e.new),
            note: note_new.clone(),
            lines: plain_lines(r),
            ar: Vec::new(),
            ar_note: None,
            meta: None,
        })
    } else {
        (!e.new.is_empty()).then(|| Cell {
            label: addresses(&e.new),
            note: note_new,
            lines: lines(Side::New, &e.new_pos),
            ar: ar(Side::New, &e.new_pos),
            ar_note: match ar_rel {
                Some(Relation::Added) => Some("nya"),
                Some(Relation::Changed) => Some("ändrade"),
                _ => None,
            },
            meta: e.metadata.as_ref().map(|m| {
                let notes = |v: &[String]| {
                    if v.is_empty() {
                        "ingen".to_string()
                    } else {
                        v.join(", ")
                    }
                };
                format!(
                    "Ändringsnotering: {} → {}",
                    notes(&m.old.amended_by),
                    notes(&m.new.amended_by)
                )
            }),
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
        let _ = writeln!(
            s,
            "{}\t{}\t{}\t{:.3}",
            e.relation.as_str(),
            e.old_ids.join(","),
            e.new_ids.join(","),
            e.similarity
        );
    }
    s
}

// ---------------------------------------------------------------------------------------
// Text
// ---------------------------------------------------------------------------------------

struct Paint {
    on: bool,
}

impl Paint {
    fn wrap(&self, code: &str, s: &str) -> String {
        if self.on {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
    fn del(&self, s: &str) -> String {
        if self.on {
            self.wrap("31;9", s)
        } else {
            format!("[-{s}-]")
        }
    }
    fn ins(&self, s: &str) -> String {
        if self.on {
            self.wrap("32;4", s)
        } else {
            format!("{{+{s}+}}")
        }
    }
    fn bold(&self, s: &str) -> String {
        self.wrap("1", s)
    }
    fn dim(&self, s: &str) -> String {
        self.wrap("2", s)
    }
}

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
pub fn text(map: &VersionMap, old: &Regulation, new: &Regulation, color: bool) -> String {
    let p = Paint { on: color };
    let paras = Paras::of(old, new);
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
        "Chapter headings: {}. Rubriker: {}. Allmänna råd: {}. Title, preamble, övergångsbestämmelser, bilagor: {}.",
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
            Block::Show(Row::Paragraph(e)) => text_entry(&mut o, e, &paras, &p),
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
            p.bold("Title, preamble, övergångsbestämmelser, bilagor")
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

fn text_entry(o: &mut String, e: &Entry, paras: &Paras<'_>, p: &Paint) {
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
            let lines = inline_lines(&e.changes, p);
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
    if let Some(a) = &e.allmanna_rad
        && a.relation != Relation::Unchanged
    {
        let _ = writeln!(o, "{indent}Allmänna råd {}:", a.relation.as_str());
        for (l, _) in inline_lines(&a.changes, p).iter().filter(|l| l.1) {
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
                r.swedish()
            } else {
                r.swedish_plural()
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
// Markdown
// ---------------------------------------------------------------------------------------

fn md_escape(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' | '*' | '_' | '~' | '|' | '[' | ']' | '`' | '#' | '<' | '>' => {
                o.push('\\');
                o.push(c);
            }
            _ => o.push(c),
        }
    }
    o
}

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

fn md_lines(lines: &[Vec<(String, bool)>], side: Side) -> Vec<String> {
    lines
        .iter()
        .map(|l| {
            let escaped: Vec<String> = l.iter().map(|(t, _)| md_escape(t)).collect();
            let mut out = String::new();
            for (k, (e, (_, marked))) in escaped.iter().zip(l).enumerate() {
                let core = e.trim();
                if !marked || core.is_empty() {
                    out.push_str(e);
                    continue;
                }
                // Markers hug the text; the spaces stay outside.
                let lead = &e[..e.len() - e.trim_start().len()];
                let trail = &e[e.trim_end().len()..];
                let before = if lead.is_empty() {
                    out.chars().last()
                } else {
                    Some(' ')
                };
                let after = if trail.is_empty() {
                    escaped.get(k + 1).and_then(|n| n.chars().next())
                } else {
                    Some(' ')
                };
                let (open, close) = match (side, md_delimiters_work(before, core, after)) {
                    (Side::Old, true) => ("~~", "~~"),
                    (Side::New, true) => ("**", "**"),
                    // Inline HTML where the delimiters would not work.
                    (Side::Old, false) => ("<del>", "</del>"),
                    (Side::New, false) => ("<ins>", "</ins>"),
                };
                out.push_str(&format!("{lead}{open}{core}{close}{trail}"));
            }
            out
        })
        .collect()
}

fn md_cell(c: Option<&Cell>, side: Side) -> String {
    let Some(c) = c else {
        return String::new();
    };
    let mut parts = Vec::new();
    let mut head = format!("**{}**", md_escape(&c.label));
    if let Some(n) = &c.note {
        head.push_str(&format!(" *({})*", md_escape(n)));
    }
    parts.push(head);
    parts.extend(md_lines(&c.lines, side));
    if !c.ar.is_empty() {
        match c.ar_note {
            Some(n) => parts.push(format!("*Allmänna råd* *({n})*")),
            None => parts.push("*Allmänna råd*".to_string()),
        }
        parts.extend(md_lines(&c.ar, side));
    }
    parts.join("<br>")
}

fn md_rubrik(r: &RubrikEntry) -> (String, String) {
    let side = |t: &Option<String>, s: Side| -> String {
        match t {
            None => String::new(),
            Some(t) if r.relation == Relation::Changed => {
                format!("*{}*", md_lines(&side_lines(&r.changes, s), s).join(" "))
            }
            Some(t) => format!("*{}*", md_escape(t)),
        }
    };
    let mut new = side(&r.new_text, Side::New);
    if r.relation != Relation::Unchanged && !new.is_empty() {
        new.push_str(&format!(" ({})", rubrik_note(r)));
    }
    let mut old = side(&r.old_text, Side::Old);
    if r.relation == Relation::Removed {
        old.push_str(" (rubriken borttagen)");
    }
    (old, new)
}

fn rubrik_note(r: &RubrikEntry) -> String {
    let at = |a: Option<Address>| a.map(|a| a.display_typo()).unwrap_or_default();
    match r.relation {
        Relation::Renumbered => format!("rubriken står nu före {}", at(r.new_before)),
        Relation::Moved => format!("rubriken flyttad, tidigare före {}", at(r.old_before)),
        Relation::Added => "ny rubrik".to_string(),
        Relation::Changed => "rubriken ändrad".to_string(),
        rel => rel.swedish().to_string(),
    }
}

fn heading_text(h: &HeadingEntry, side: Side) -> Option<(String, Lines)> {
    let (a, t) = match side {
        Side::Old => (h.old, &h.old_heading),
        Side::New => (h.new, &h.new_heading),
    };
    let a = a?;
    let lines = if h.relation == Relation::Changed {
        side_lines(&h.changes, side)
    } else {
        plain_lines(t.as_deref().unwrap_or(""))
    };
    Some((a.display_typo(), lines))
}

/// The Swedish parallelluppställning in Markdown (GitHub tables; `<br>` inside cells).
pub fn markdown(map: &VersionMap, old: &Regulation, new: &Regulation) -> String {
    let paras = Paras::of(old, new);
    let s = &map.summary;
    let mut o = String::new();
    let _ = writeln!(o, "# Jämförelse mellan två lydelser\n");
    if let Some(t) = map.new.title.as_ref().or(map.old.title.as_ref()) {
        let _ = writeln!(o, "{}\n", md_escape(t));
    }
    let _ = writeln!(
        o,
        "- Nuvarande lydelse: `{}` ({} paragrafer)",
        map.old.source.replace('`', "'"),
        map.old.paragraphs
    );
    let _ = writeln!(
        o,
        "- Föreslagen lydelse: `{}` ({} paragrafer)\n",
        map.new.source.replace('`', "'"),
        map.new.paragraphs
    );
    let _ = writeln!(o, "## Sammanfattning\n");
    if !s.differences {
        let _ = writeln!(o, "Inga skillnader i lydelse eller struktur.\n");
    }
    let _ = writeln!(o, "| Paragrafer | Antal |\n| --- | ---: |");
    for r in Relation::ALL {
        let _ = writeln!(o, "| {} | {} |", r.swedish_plural(), s.paragraphs.get(r));
    }
    let _ = writeln!(o);
    for (k, v) in summary_lines(map) {
        let _ = writeln!(o, "- {k}: {}", md_escape(&v));
    }
    for w in &map.warnings {
        let _ = writeln!(o, "\n> **Varning:** {}", md_escape(w));
    }
    let _ = writeln!(o, "\n## Parallelluppställning\n");
    let _ = writeln!(
        o,
        "Borttagen text är ~~överstruken~~ och ny text **fetstil**. `– – –` står för oförändrade paragrafer.\n"
    );
    let _ = writeln!(
        o,
        "| Nuvarande lydelse | Föreslagen lydelse |\n| --- | --- |"
    );
    for b in blocks(&rows(map)) {
        match b {
            Block::Same(v) => {
                let n = v.iter().filter(|r| matches!(r, Row::Paragraph(_))).count();
                let what = match n {
                    0 => "oförändrade rubriker".to_string(),
                    1 => format!("*{} oförändrad*", md_escape(&run_label(&v))),
                    _ => format!("*{} oförändrade*", md_escape(&run_label(&v))),
                };
                let _ = writeln!(o, "| – – – {what} | – – – |");
            }
            Block::Show(Row::Chapter(h)) => {
                let cell = |side| {
                    heading_text(h, side)
                        .map(|(a, l)| {
                            format!("**{}** {}", md_escape(&a), md_lines(&l, side).join(" "))
                        })
                        .unwrap_or_default()
                };
                let _ = writeln!(o, "| {} | {} |", cell(Side::Old), cell(Side::New));
            }
            Block::Show(Row::Rubrik(r)) => {
                let (a, b) = md_rubrik(r);
                let _ = writeln!(o, "| {a} | {b} |");
            }
            Block::Show(Row::Paragraph(e)) => {
                let (a, b) = cells(e, &paras);
                let _ = writeln!(
                    o,
                    "| {} | {} |",
                    md_cell(a.as_ref(), Side::Old),
                    md_cell(b.as_ref(), Side::New)
                );
            }
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
            "\n## Rubrik, inledning, övergångsbestämmelser och bilagor\n"
        );
        let _ = writeln!(
            o,
            "| Nuvarande lydelse | Föreslagen lydelse |\n| --- | --- |"
        );
        for x in changed_other {
            let cell = |side: Side| {
                let lines = side_lines(&x.changes, side);
                if lines.is_empty() {
                    return String::new();
                }
                let whole = x.relation != Relation::Changed;
                let body = if whole {
                    lines
                        .iter()
                        .map(|l| l.iter().map(|(t, _)| md_escape(t)).collect::<String>())
                        .collect::<Vec<_>>()
                } else {
                    md_lines(&lines, side)
                };
                format!(
                    "**{}** *({})*<br>{}",
                    md_escape(&x.label),
                    x.relation.swedish(),
                    body.join("<br>")
                )
            };
            let _ = writeln!(o, "| {} | {} |", cell(Side::Old), cell(Side::New));
        }
    }
    o
}

// ---------------------------------------------------------------------------------------
// HTML
// ---------------------------------------------------------------------------------------

/// Escapes document text for HTML element content and attribute values.
pub fn html_escape(s: &str) -> String {
    let mut o = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            _ => o.push(c),
        }
    }
    o
}

const CSS: &str = r#"
:root { --ink: #1d1d1b; --muted: #5f5f5a; --rule: #d8d6cf; --del: #a4161a; --del-bg: #fbe3e1;
  --ins: #1b5e20; --ins-bg: #dff0d8; --paper: #fffdf8; --band: #f3f1ea; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--paper); color: var(--ink);
  font: 15px/1.5 Georgia, "Times New Roman", "Liberation Serif", serif; }
main { max-width: 1100px; margin: 0 auto; padding: 28px 32px 48px; }
h1 { font-size: 1.6em; margin: 0 0 .2em; font-weight: normal; letter-spacing: .01em; }
h2 { font-size: 1.15em; margin: 1.8em 0 .6em; border-bottom: 1px solid var(--rule); padding-bottom: .2em; }
.title { font-style: italic; margin: 0 0 .8em; color: var(--muted); }
.files { font: 13px/1.5 system-ui, sans-serif; color: var(--muted); margin: 0; }
.files code { font-size: 12px; }
.summary { display: grid; grid-template-columns: minmax(220px, 280px) 1fr; gap: 12px 28px; align-items: start; }
table.counts { border-collapse: collapse; font: 14px/1.4 system-ui, sans-serif; width: 100%; }
table.counts td { padding: 3px 8px; border-bottom: 1px solid var(--rule); }
table.counts td.n { text-align: right; font-variant-numeric: tabular-nums; }
table.counts tr.zero { color: #9a9890; }
dl.facts { margin: 0; font: 14px/1.45 system-ui, sans-serif; }
dl.facts dt { font-weight: 600; margin-top: .4em; }
dl.facts dd { margin: 0 0 0 0; color: #33332f; }
.warning { border-left: 4px solid #c77700; background: #fff4e0; padding: 6px 10px; margin: 10px 0;
  font: 14px/1.4 system-ui, sans-serif; }
.legend { font: 13px/1.4 system-ui, sans-serif; color: var(--muted); margin: 0 0 10px; }
table.parallel { width: 100%; border-collapse: collapse; table-layout: fixed; }
table.parallel > thead th { text-align: left; font: 600 13px/1.3 system-ui, sans-serif; text-transform: uppercase;
  letter-spacing: .06em; color: var(--muted); padding: 6px 10px; border-bottom: 2px solid var(--ink); }
table.parallel > tbody > tr > td { vertical-align: top; padding: 8px 10px; border-bottom: 1px solid var(--rule); width: 50%; }
table.parallel td + td { border-left: 1px solid var(--rule); }
tr.kap td { padding-top: 18px; font-weight: bold; font-size: 1.05em; }
tr.rubrik td { font-style: italic; padding-top: 10px; padding-bottom: 2px; border-bottom: none; }
.lbl { font-weight: bold; white-space: nowrap; }
.meta { font: 11px/1.3 system-ui, sans-serif; color: var(--muted); margin-top: .2em; }
.badge { display: inline-block; font: 600 11px/1.5 system-ui, sans-serif; padding: 0 6px; border-radius: 8px;
  background: var(--band); color: #44443f; margin-left: .4em; vertical-align: 1px; white-space: nowrap; }
.badge.added { background: var(--ins-bg); color: var(--ins); }
.badge.removed { background: var(--del-bg); color: var(--del); }
td p { margin: 0 0 .45em; }
td p.first { display: inline; }
.ar { margin-top: .5em; padding: 4px 0 0 10px; border-left: 3px solid var(--rule); font-size: .95em; }
.ar .arh { font-style: italic; color: var(--muted); margin-bottom: .2em; }
del { color: var(--del); background: var(--del-bg); text-decoration: line-through; text-decoration-thickness: 1px; }
ins { color: var(--ins); background: var(--ins-bg); text-decoration: underline; text-decoration-thickness: 1px; }
td.gone { background: repeating-linear-gradient(135deg, transparent 0 8px, #f4f2ec 8px 9px); }
tr.same td { padding: 4px 10px; color: var(--muted); }
tr.same summary { cursor: pointer; font: 13px/1.4 system-ui, sans-serif; list-style: none; }
tr.same summary::-webkit-details-marker { display: none; }
tr.same summary .dash { letter-spacing: .3em; margin-right: .6em; color: var(--ink); }
tr.same summary .more { color: #2a5db0; margin-left: .5em; }
details[open] summary .more { display: none; }
table.inner { width: 100%; border-collapse: collapse; table-layout: fixed; margin-top: 6px; color: var(--ink); }
table.inner td { vertical-align: top; padding: 6px 10px 6px 0; border-top: 1px dotted var(--rule); width: 50%; }
table.inner td[colspan] { width: auto; }
table.inner td + td { padding-left: 10px; border-left: 1px solid var(--rule); }
footer { margin-top: 28px; font: 12px/1.4 system-ui, sans-serif; color: var(--muted); }
@page { size: A4; margin: 16mm 14mm 16mm 14mm; }
@media print {
  body { background: white; font-size: 10pt; }
  main { max-width: none; padding: 0; }
  .summary { grid-template-columns: 60mm 1fr; }
  table.parallel > thead { display: table-header-group; }
  /* Long paragraphs may run over a page; a stycke, a label or a short row may not. */
  td p, td > div, tr.kap, tr.rubrik, tr.same { break-inside: avoid; }
  tr.kap, tr.rubrik { break-after: avoid; }
  tr.same summary .more { display: none; }
  del, ins, .badge, td.gone { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  h2 { break-after: avoid; }
  a { color: inherit; text-decoration: none; }
}
"#;

fn html_lines(lines: &[Vec<(String, bool)>], side: Side) -> String {
    let tag = if side == Side::Old { "del" } else { "ins" };
    let mut s = String::new();
    for l in lines {
        s.push_str("<p>");
        for (t, marked) in l {
            if *marked && !t.trim().is_empty() {
                // Spaces stay outside the marking.
                let core = t.trim();
                let lead = &t[..t.len() - t.trim_start().len()];
                let trail = &t[t.trim_end().len()..];
                let _ = write!(s, "{lead}<{tag}>{}</{tag}>{trail}", html_escape(core));
            } else {
                s.push_str(&html_escape(t));
            }
        }
        s.push_str("</p>");
    }
    s
}

fn badge_class(r: Relation) -> &'static str {
    match r {
        Relation::Added => "badge added",
        Relation::Removed => "badge removed",
        _ => "badge",
    }
}

fn html_cell(c: Option<&Cell>, side: Side, relation: Relation) -> String {
    let Some(c) = c else {
        return "<td class=\"gone\"></td>".to_string();
    };
    let mut s = String::from("<td>");
    let _ = write!(
        s,
        "<div><span class=\"lbl\">{}</span>",
        html_escape(&c.label)
    );
    if let Some(n) = &c.note {
        let _ = write!(
            s,
            "<span class=\"{}\">{}</span>",
            badge_class(relation),
            html_escape(n)
        );
    }
    s.push_str("</div>");
    s.push_str(&html_lines(&c.lines, side));
    if let Some(m) = &c.meta {
        let _ = write!(s, "<div class=\"meta\">{}</div>", html_escape(m));
    }
    if !c.ar.is_empty() {
        s.push_str("<div class=\"ar\"><div class=\"arh\">Allmänna råd");
        if let Some(n) = c.ar_note {
            let cls = if n == "borttagna" {
                "badge removed"
            } else if n == "nya" {
                "badge added"
            } else {
                "badge"
            };
            let _ = write!(s, "<span class=\"{cls}\">{n}</span>");
        }
        s.push_str("</div>");
        s.push_str(&html_lines(&c.ar, side));
        s.push_str("</div>");
    }
    s.push_str("</td>");
    s
}

fn html_row(o: &mut String, row: Row<'_>, paras: &Paras<'_>, inner: bool) {
    // Inside a collapsed run the wording is the same on both sides: print it once, across
    // both columns (this also halves the page for a long, mostly unchanged statute).
    if inner && row.quiet() {
        match row {
            Row::Paragraph(e) => {
                let (_, b) = cells(e, paras);
                if let Some(c) = b {
                    let cell = html_cell(Some(&c), Side::New, e.relation);
                    let _ = write!(
                        o,
                        "<tr class=\"p unchanged\" id=\"{}\">{}</tr>",
                        html_escape(&e.new_ids.first().cloned().unwrap_or_default()),
                        cell.replacen("<td>", "<td colspan=\"2\">", 1)
                    );
                    return;
                }
            }
            Row::Rubrik(r) => {
                let t = r.new_text.as_deref().unwrap_or_default();
                let _ = write!(
                    o,
                    "<tr class=\"rubrik\"><td colspan=\"2\">{}</td></tr>",
                    html_escape(t)
                );
                return;
            }
            Row::Chapter(h) => {
                if let Some((a, l)) = heading_text(h, Side::New) {
                    let body = html_lines(&l, Side::New)
                        .replace("<p>", "")
                        .replace("</p>", " ");
                    let _ = write!(
                        o,
                        "<tr class=\"kap\"><td colspan=\"2\">{} {}</td></tr>",
                        html_escape(&a),
                        body.trim_end()
                    );
                    return;
                }
            }
        }
    }
    match row {
        Row::Chapter(h) => {
            let cell = |side| match heading_text(h, side) {
                Some((a, l)) => {
                    let body = html_lines(&l, side).replace("<p>", "").replace("</p>", " ");
                    format!("<td>{} {}</td>", html_escape(&a), body.trim_end())
                }
                None => "<td class=\"gone\"></td>".to_string(),
            };
            let _ = write!(
                o,
                "<tr class=\"kap\">{}{}</tr>",
                cell(Side::Old),
                cell(Side::New)
            );
        }
        Row::Rubrik(r) => {
            let cell = |t: &Option<String>, side: Side| match t {
                None => "<td class=\"gone\"></td>".to_string(),
                Some(t) => {
                    let body = if r.relation == Relation::Changed {
                        html_lines(&side_lines(&r.changes, side), side)
                            .replace("<p>", "")
                            .replace("</p>", " ")
                    } else {
                        html_escape(t)
                    };
                    let note = match (r.relation, side) {
                        (Relation::Unchanged, _) => String::new(),
                        (Relation::Removed, Side::Old) => format!(
                            "<span class=\"{}\">rubriken borttagen</span>",
                            badge_class(Relation::Removed)
                        ),
                        (_, Side::New) => format!(
                            "<span class=\"{}\">{}</span>",
                            badge_class(r.relation),
                            html_escape(&rubrik_note(r))
                        ),
                        _ => String::new(),
                    };
                    format!("<td>{}{note}</td>", body.trim_end())
                }
            };
            let _ = write!(
                o,
                "<tr class=\"rubrik\">{}{}</tr>",
                cell(&r.old_text, Side::Old),
                cell(&r.new_text, Side::New)
            );
        }
        Row::Paragraph(e) => {
            let (a, b) = cells(e, paras);
            let _ = write!(
                o,
                "<tr class=\"p {}\" id=\"{}\">{}{}</tr>",
                e.relation.as_str(),
                html_escape(
                    &e.new_ids
                        .first()
                        .or(e.old_ids.first())
                        .cloned()
                        .unwrap_or_default()
                ),
                html_cell(a.as_ref(), Side::Old, e.relation),
                html_cell(b.as_ref(), Side::New, e.relation)
            );
        }
    }
}

/// The Swedish parallelluppställning as one self-contained HTML page (inline CSS with a
/// print stylesheet for A4). Every piece of document text is escaped.
pub fn html(map: &VersionMap, old: &Regulation, new: &Regulation) -> String {
    let paras = Paras::of(old, new);
    let s = &map.summary;
    // The page holds about one text (unchanged runs print their wording once): size it once
    // instead of growing a megabyte string by doubling.
    let text_end = |r: &Regulation| r.paragraphs().map(|p| p.span.end).max().unwrap_or(0);
    let mut o = String::with_capacity(text_end(old).max(text_end(new)) * 5 / 4 + 32 * 1024);
    let title = map
        .new
        .title
        .as_ref()
        .or(map.old.title.as_ref())
        .cloned()
        .unwrap_or_default();
    let _ = write!(
        o,
        "<!DOCTYPE html>\n<html lang=\"sv\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>Jämförelse – {}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main>\n",
        html_escape(&short(&title, 120))
    );
    let _ = writeln!(o, "<h1>Jämförelse mellan två lydelser</h1>");
    if !title.is_empty() {
        let _ = writeln!(o, "<p class=\"title\">{}</p>", html_escape(&title));
    }
    let _ = writeln!(
        o,
        "<p class=\"files\">Nuvarande lydelse: <code>{}</code> ({} paragrafer)<br>Föreslagen lydelse: <code>{}</code> ({} paragrafer)</p>",
        html_escape(&map.old.source),
        map.old.paragraphs,
        html_escape(&map.new.source),
        map.new.paragraphs
    );
    let _ = writeln!(o, "<h2>Sammanfattning</h2>");
    if !s.differences {
        let _ = writeln!(
            o,
            "<p><strong>Inga skillnader i lydelse eller struktur.</strong></p>"
        );
    }
    for w in &map.warnings {
        let _ = writeln!(o, "<p class=\"warning\">Varning: {}</p>", html_escape(w));
    }
    let _ = writeln!(o, "<div class=\"summary\"><table class=\"counts\"><tbody>");
    for r in Relation::ALL {
        let n = s.paragraphs.get(r);
        let _ = writeln!(
            o,
            "<tr{}><td>{}</td><td class=\"n\">{n}</td></tr>",
            if n == 0 { " class=\"zero\"" } else { "" },
            r.swedish_plural()
        );
    }
    let _ = writeln!(o, "</tbody></table><dl class=\"facts\">");
    for (k, v) in summary_lines(map) {
        let _ = writeln!(o, "<dt>{k}</dt><dd>{}</dd>", html_escape(&v));
    }
    let _ = writeln!(o, "</dl></div>");
    let _ = writeln!(o, "<h2>Parallelluppställning</h2>");
    let _ = writeln!(
        o,
        "<p class=\"legend\">Borttagen text: <del>överstruken</del>. Ny text: <ins>understruken</ins>. Oförändrade paragrafer visas som – – – och kan fällas ut.</p>"
    );
    let _ = writeln!(
        o,
        "<table class=\"parallel\">\n<thead><tr><th>Nuvarande lydelse</th><th>Föreslagen lydelse</th></tr></thead>\n<tbody>"
    );
    for b in blocks(&rows(map)) {
        match b {
            Block::Show(r) => html_row(&mut o, r, &paras, false),
            Block::Same(v) => {
                let n = v.iter().filter(|r| matches!(r, Row::Paragraph(_))).count();
                let what = if n == 0 {
                    "oförändrade rubriker".to_string()
                } else if n == 1 {
                    format!("{} oförändrad", run_label(&v))
                } else {
                    format!("{} oförändrade", run_label(&v))
                };
                let _ = write!(
                    o,
                    "<tr class=\"same\"><td colspan=\"2\"><details><summary><span class=\"dash\">– – –</span>{}<span class=\"more\">visa</span></summary><table class=\"inner\"><tbody>",
                    html_escape(&what)
                );
                for r in v {
                    html_row(&mut o, r, &paras, true);
                }
                let _ = writeln!(o, "</tbody></table></details></td></tr>");
            }
        }
    }
    let _ = writeln!(o, "</tbody>\n</table>");
    let changed_other: Vec<_> = map
        .other
        .iter()
        .filter(|x| x.relation != Relation::Unchanged)
        .collect();
    if !changed_other.is_empty() {
        let _ = writeln!(
            o,
            "<h2>Rubrik, inledning, övergångsbestämmelser och bilagor</h2>\n<table class=\"parallel\"><thead><tr><th>Nuvarande lydelse</th><th>Föreslagen lydelse</th></tr></thead><tbody>"
        );
        for x in changed_other {
            let cell = |side: Side| {
                let lines = side_lines(&x.changes, side);
                if lines.is_empty() {
                    return "<td class=\"gone\"></td>".to_string();
                }
                let lines = if x.relation == Relation::Changed {
                    lines
                } else {
                    lines
                        .into_iter()
                        .map(|l| l.into_iter().map(|(t, _)| (t, false)).collect())
                        .collect()
                };
                format!(
                    "<td><div><span class=\"lbl\">{}</span><span class=\"{}\">{}</span></div>{}</td>",
                    html_escape(&x.label),
                    badge_class(x.relation),
                    x.relation.swedish(),
                    html_lines(&lines, side)
                )
            };
            let _ = writeln!(o, "<tr>{}{}</tr>", cell(Side::Old), cell(Side::New));
        }
        let _ = writeln!(o, "</tbody></table>");
    }
    let _ = writeln!(
        o,
        "<footer>Jämförelsen är gjord med remiss diff. Paragraferna har först parats ihop efter beteckning och innehåll och sedan jämförts ord för ord. Endast blanksteg, radbrytningar och avstavningar vid radslut har normaliserats.</footer>\n</main>\n</body>\n</html>"
    );
    o
}

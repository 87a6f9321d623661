//! Stage 2c, amendments: applying an amendment to its base. The base's text is cut into
//! units at its structure (the head, avdelningar, chapter headings, rubriker, paragraphs
//! with their allmänna råd, the tail of övergångsbestämmelser and bilagor); the
//! instructions replace, insert, remove, relabel and move units, in the order Swedish
//! drafting reads them: repeals and renumberings in the base's numbering first, then the
//! new wording and the insertions in the numbering after the change. Units nobody touches
//! keep the base's text byte for byte, so the result reads like the base.

use super::{Action, AmendError, Amendment, Instruction, Placement, What, Words};
use crate::address::{Address, Label};
use crate::regulation::Regulation;
use crate::source::{Span, Text};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// What applying did with one instruction.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Effect {
    Changed,
    Inserted,
    Repealed,
    Renumbered,
    Moved,
}

/// One instruction as applied.
#[derive(Clone, Debug, Serialize)]
pub struct Applied {
    /// Index in [`Amendment::instructions`].
    pub instruction: usize,
    pub effect: Effect,
    pub what: What,
    /// The place in the base (none for an insertion).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old: Option<Address>,
    /// The place in the result (none for a repeal).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new: Option<Address>,
    /// Where the new wording stands in the amendment.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub wording: Option<Span>,
}

/// The regulation as amended.
#[derive(Clone, Debug, Serialize)]
pub struct Outcome {
    /// The consolidated text, in the text form the regulation reader takes.
    pub text: String,
    pub applied: Vec<Applied>,
    /// Things worth a look that are not errors (a rubrik shown in the wording that
    /// differs from the base's while no instruction changes it).
    pub warnings: Vec<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Head,
    Avdelning,
    Chapter,
    Rubrik,
    Paragraf,
    Tail,
}

#[derive(Clone, Debug)]
struct Unit {
    kind: Kind,
    /// The chapter the unit belongs to (a chapter heading: its own).
    chapter: Option<Label>,
    /// A paragraph's label.
    label: Option<Label>,
    text: String,
    /// Where the allmänna råd begin in `text`, for a paragraph that has them.
    ar_at: Option<usize>,
    /// A `Har upphävts genom …` left by this amendment.
    placeholder: bool,
    /// Stable identity across moves.
    id: usize,
    /// The span of the unit's source (in the amendment for new wording).
    span: Span,
}

impl Unit {
    fn is_para(&self, k: Option<Label>, l: Label) -> bool {
        self.kind == Kind::Paragraf && self.chapter == k && self.label == Some(l)
    }
}

/// Cuts a text into units at the starts of the parsed structure. `origin` maps a span of
/// `source` to the span reported (identity for the base, the amendment's lines for the
/// wording).
fn units(source: &str, reg: &Regulation, first_id: usize) -> Vec<Unit> {
    struct Start {
        at: usize,
        kind: Kind,
        chapter: Option<Label>,
        label: Option<Label>,
        ar: Option<usize>,
        span: Span,
    }
    let mut starts: Vec<Start> = Vec::new();
    let mut push = |at, kind, chapter, label, ar, span| {
        starts.push(Start {
            at,
            kind,
            chapter,
            label,
            ar,
            span,
        })
    };
    for a in &reg.avdelningar {
        push(a.span.start, Kind::Avdelning, None, None, None, a.span);
    }
    for k in &reg.kapitel {
        if k.label.is_some() {
            push(k.span.start, Kind::Chapter, k.label, None, None, k.span);
        }
        for r in &k.rubriker {
            push(r.span.start, Kind::Rubrik, k.label, None, None, r.span);
        }
        for p in &k.paragrafer {
            let ar = p.allmanna_rad().first().map(|a| a.span.start);
            push(
                p.span.start,
                Kind::Paragraf,
                k.label,
                Some(p.label),
                ar,
                p.span,
            );
        }
    }
    let tail = reg
        .overgang
        .iter()
        .map(|o| o.span)
        .chain(reg.bilagor.iter().map(|b| b.span))
        .min_by_key(|s| s.start);
    if let Some(s) = tail {
        // The heading `Övergångsbestämmelser` above the first block belongs to the tail,
        // not to the paragraph before it.
        let at = heading_before(source, s.start).unwrap_or(s.start);
        push(at, Kind::Tail, None, None, None, s);
    }
    starts.sort_by_key(|s| s.at);
    starts.dedup_by_key(|s| s.at);
    let mut out = Vec::with_capacity(starts.len() + 1);
    let first = starts.first().map(|s| s.at).unwrap_or(source.len());
    out.push(Unit {
        kind: Kind::Head,
        chapter: None,
        label: None,
        text: source[..first.min(source.len())].to_string(),
        ar_at: None,
        placeholder: false,
        id: first_id,
        span: Span::default(),
    });
    for (i, s) in starts.iter().enumerate() {
        let end = starts.get(i + 1).map(|n| n.at).unwrap_or(source.len());
        let (a, b) = (s.at.min(source.len()), end.min(source.len()));
        out.push(Unit {
            kind: s.kind,
            chapter: s.chapter,
            label: s.label,
            text: source.get(a..b).unwrap_or("").to_string(),
            ar_at: s.ar.filter(|&x| x >= a && x <= b).map(|x| x - a),
            placeholder: false,
            id: first_id + i + 1,
            span: s.span,
        });
    }
    out
}

/// The start of the line before `at` (blank lines skipped) when it is the heading of the
/// transitional provisions (`Övergångsbestämmelser`, `Ikraftträdande- och
/// övergångsbestämmelser`).
fn heading_before(source: &str, at: usize) -> Option<usize> {
    let before = source.get(..at)?.trim_end();
    let start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
    let line = before[start..].trim();
    let lower = super::lower(line);
    (line.chars().count() <= 60 && lower.ends_with("övergångsbestämmelser")).then_some(start)
}

/// The text with its label replaced: `5 § Den som` → `1 § Den som`; `8 kap. Säkerhet` →
/// `9 kap. Säkerhet`.
fn relabel(text: &str, kind: Kind, to: Label) -> String {
    let (mark, form) = match kind {
        Kind::Chapter => ("kap.", format!("{to} kap.")),
        _ => ("§", format!("{to} §")),
    };
    let lead = text.len() - text.trim_start().len();
    match text[lead..].find(mark) {
        Some(i) if i <= 8 => format!(
            "{}{}{}",
            &text[..lead],
            form,
            &text[lead + i + mark.len()..]
        ),
        _ => text.to_string(),
    }
}

/// A paragraph's text with its amendment note (`Lag (2022:1086).`) replaced by `note`, as
/// an SFS consolidation notes a renumbered paragraph with the act that renumbered it.
fn renote(text: &str, ar_at: Option<usize>, note: &str) -> (String, Option<usize>) {
    let (own, ar) = match ar_at {
        Some(k) => (&text[..k], Some(&text[k..])),
        None => (text, None),
    };
    let mut own = own.trim_end().to_string();
    crate::regulation::strip_amendment_note(&mut own);
    let mut t = format!("{own}\n{note}\n\n");
    let at = ar.map(|a| {
        let k = t.len();
        t.push_str(&closed(a));
        k
    });
    (t, at)
}

/// Whether a text writes ranges of numbers with a hyphen-minus (`1-4 §§`) more often than
/// with an en dash (`1–4 §§`).
pub(super) fn dash_style_is_hyphen(source: &str) -> bool {
    // Bytes, not characters: the base may be a whole statute, read once per amendment.
    let b = source.as_bytes();
    let digit = |i: usize| b.get(i).is_some_and(u8::is_ascii_digit);
    let (mut hyphen, mut en) = (0usize, 0usize);
    for i in memchr::memchr2_iter(b'-', 0xE2, b) {
        if i == 0 || !digit(i - 1) {
            continue;
        }
        if b[i] == b'-' {
            hyphen += usize::from(digit(i + 1));
        } else if b.get(i + 1) == Some(&0x80) && b.get(i + 2) == Some(&0x93) {
            // U+2013 EN DASH
            en += usize::from(digit(i + 3));
        }
    }
    hyphen > en
}

/// `20–35` → `20-35` between digits; the allmänna råd offset follows. Returns the text, the
/// offset and how many dashes changed.
pub(super) fn hyphenate_ranges(text: &str, ar_at: Option<usize>) -> (String, Option<usize>, usize) {
    let mut out = String::with_capacity(text.len());
    let mut n = 0;
    let mut shift_before_ar = 0;
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    for (k, &(i, c)) in chars.iter().enumerate() {
        let between = c == '–'
            && k > 0
            && chars[k - 1].1.is_ascii_digit()
            && chars.get(k + 1).is_some_and(|x| x.1.is_ascii_digit());
        if between {
            out.push('-');
            n += 1;
            if ar_at.is_some_and(|a| i < a) {
                shift_before_ar += '–'.len_utf8() - 1;
            }
        } else {
            out.push(c);
        }
    }
    (out, ar_at.map(|a| a - shift_before_ar), n)
}

/// The text ending in exactly one blank line.
fn closed(text: &str) -> String {
    let mut t = text.trim_end().to_string();
    t.push_str("\n\n");
    t
}

struct Work<'a> {
    am: &'a Amendment,
    units: Vec<Unit>,
    body: Vec<Unit>,
    applied: Vec<Applied>,
    warnings: Vec<String>,
    note: Option<String>,
    /// `Har upphävts genom förordning (2025:1458).` left for a repealed paragraph in the
    /// style of an SFS consolidation; `None` removes the paragraph.
    placeholder: Option<String>,
}

/// Applies `amendment` to the base (`base` parsed from `base_text`). Every instruction must
/// fit: a paragraph to change or repeal that the base lacks, one to insert that it has, a
/// place `närmast före` that does not exist, wording the amendment does not give, or two
/// instructions on one place that conflict, is an error naming the instruction.
pub fn apply(
    base: &Regulation,
    base_text: &Text,
    amendment: &Amendment,
) -> Result<Outcome, AmendError> {
    let units = units(&base_text.source, base, 0);
    let mut restyled: Option<usize> = None;
    let body = match &amendment.body.parsed {
        Some(p) => {
            let mut b = units_of_body(amendment, p, units.len());
            // The wording's head (text before its first chapter or paragraph) is no unit.
            b.retain(|u| u.kind != Kind::Head || !u.text.trim().is_empty());
            b
        }
        None => Vec::new(),
    };
    // The consolidated text writes ranges the way the base does: a base that writes `1-4 §§`
    // (as the government's database mostly does) gets `20-35 §§` where the printed act has
    // an en dash. Counted, and said.
    let mut body = body;
    if dash_style_is_hyphen(&base_text.source) {
        let mut n = 0;
        for u in &mut body {
            let (t, ar_at, k) = hyphenate_ranges(&u.text, u.ar_at);
            u.text = t;
            u.ar_at = ar_at;
            n += k;
        }
        if n > 0 {
            restyled = Some(n);
        }
    }
    // An SFS consolidation notes each changed paragraph with the act that changed it and
    // leaves `Har upphävts genom …` where one was repealed; a base that does neither is
    // left in its own style.
    let sfs_style = base
        .paragraphs()
        .any(|p| !p.amended_by().is_empty() || p.repealed().is_some());
    let note = amendment.note().filter(|_| sfs_style);
    let placeholder = note.as_ref().map(|n| {
        let (kind, rest) = n.split_once(' ').unwrap_or((n.as_str(), ""));
        format!("Har upphävts genom {} {}", kind.to_lowercase(), rest)
    });
    let mut w = Work {
        am: amendment,
        units,
        body,
        applied: Vec::new(),
        warnings: Vec::new(),
        note,
        placeholder,
    };
    if let Some(n) = restyled {
        w.warnings.push(format!(
            "{}: {n} range(s) written with a hyphen (20-35 §§) where the amendment has an en dash, as the base writes ranges",
            amendment.source
        ));
    }
    w.check_conflicts()?;
    w.run()?;
    if sfs_style {
        w.add_overgang(base);
    }
    let mut text = String::new();
    for u in &w.units {
        if u.text.is_empty() {
            continue;
        }
        if !text.is_empty() && !text.ends_with("\n\n") {
            text.push_str(if text.ends_with('\n') { "\n" } else { "\n\n" });
        }
        text.push_str(&u.text);
    }
    let mut text = text.trim_end().to_string();
    text.push('\n');
    Ok(Outcome {
        text,
        applied: w.applied,
        warnings: w.warnings,
    })
}

fn units_of_body(am: &Amendment, parsed: &Regulation, first_id: usize) -> Vec<Unit> {
    let mut v = units(&am.body.clean, parsed, first_id);
    for u in &mut v {
        u.span = am.body.origin_of(u.span);
    }
    v
}

impl Work<'_> {
    fn err(&self, i: &Instruction, message: String) -> AmendError {
        self.am.error(i.clause, message)
    }

    /// Two instructions on one place that cannot both hold.
    fn check_conflicts(&self) -> Result<(), AmendError> {
        let mut seen: BTreeMap<(u8, What, Address), &Instruction> = BTreeMap::new();
        // Old-numbering actions (repeal, renumber, move) and new-numbering actions (change,
        // insert) are keyed apart: `8 kap. 1 §` may be repealed and then be the label of
        // a renumbered paragraph that is changed.
        for i in &self.am.instructions {
            let side = match i.action {
                Action::Repeal | Action::Renumber | Action::Move => 0,
                Action::Change | Action::Insert => 1,
            };
            let what = i.what;
            if let Some(prev) = seen.insert((side, what, i.at), i)
                && prev != i
            {
                return Err(self.err(
                    i,
                    format!(
                        "conflicts with «{}» ({}): both act on {}",
                        self.am.clauses[prev.clause].text,
                        prev.describe(),
                        i.at.display()
                    ),
                ));
            }
        }
        // Renumbered to the same label twice.
        let mut to: BTreeMap<Address, &Instruction> = BTreeMap::new();
        for i in self
            .am
            .instructions
            .iter()
            .filter(|i| i.action == Action::Renumber)
        {
            if let Some(t) = i.to
                && let Some(prev) = to.insert(t, i)
            {
                return Err(self.err(
                    i,
                    format!(
                        "{} is also the new label in «{}»",
                        t.display(),
                        self.am.clauses[prev.clause].text
                    ),
                ));
            }
        }
        // A paragraph repealed and changed, when nothing else takes its label.
        let taken: BTreeSet<Address> = self
            .am
            .instructions
            .iter()
            .filter_map(|i| match i.action {
                Action::Renumber => i.to,
                Action::Insert => Some(i.at),
                _ => None,
            })
            .collect();
        for i in &self.am.instructions {
            if i.action != Action::Change || i.what != What::Paragraph {
                continue;
            }
            if let Some(r) =
                self.am.instructions.iter().find(|r| {
                    r.action == Action::Repeal && r.what == What::Paragraph && r.at == i.at
                })
                && !taken.contains(&i.at)
            {
                return Err(self.err(
                    i,
                    format!(
                        "{} is also repealed by «{}»",
                        i.at.display(),
                        self.am.clauses[r.clause].text
                    ),
                ));
            }
        }
        Ok(())
    }

    fn find_para(&self, a: Address) -> Option<usize> {
        let l = a.paragraf?;
        self.units
            .iter()
            .position(|u| u.is_para(a.kapitel, l) && !u.placeholder)
    }

    fn find_chapter(&self, k: Label) -> Option<usize> {
        self.units
            .iter()
            .position(|u| u.kind == Kind::Chapter && u.chapter == Some(k))
    }

    /// The rubrik unit directly before paragraph `a`, if any.
    fn rubrik_before(&self, a: Address) -> Option<usize> {
        let i = self.find_para(a)?;
        (i > 0 && self.units[i - 1].kind == Kind::Rubrik).then_some(i - 1)
    }

    fn body_para(&self, a: Address) -> Option<&Unit> {
        let l = a.paragraf?;
        self.body.iter().find(|u| u.is_para(a.kapitel, l))
    }

    fn body_rubrik_before(&self, a: Address) -> Option<&Unit> {
        let l = a.paragraf?;
        let i = self.body.iter().position(|u| u.is_para(a.kapitel, l))?;
        (i > 0 && self.body[i - 1].kind == Kind::Rubrik).then(|| &self.body[i - 1])
    }

    /// The units of chapter `k` in the wording: its heading and everything under it.
    fn body_chapter(&self, k: Label) -> Vec<Unit> {
        self.body
            .iter()
            .filter(|u| u.chapter == Some(k) && u.kind != Kind::Head && u.kind != Kind::Tail)
            .cloned()
            .collect()
    }

    /// A paragraph's new text: the wording given, with the base's allmänna råd kept when
    /// the wording gives none, and the amendment note in an SFS consolidation.
    fn new_paragraph_text(&self, given: &Unit, old: Option<&Unit>) -> (String, Option<usize>) {
        let (own, ar) = match given.ar_at {
            Some(k) => (&given.text[..k], Some(given.text[k..].to_string())),
            None => (
                given.text.as_str(),
                old.and_then(|o| o.ar_at.map(|k| o.text[k..].to_string())),
            ),
        };
        let mut t = own.trim_end().to_string();
        if let Some(n) = &self.note {
            t.push('\n');
            t.push_str(n);
        }
        t.push_str("\n\n");
        let ar_at = ar.as_ref().map(|_| t.len());
        if let Some(ar) = ar {
            t.push_str(&closed(&ar));
        }
        (t, ar_at)
    }

    fn record(
        &mut self,
        i: usize,
        what: What,
        effect: Effect,
        old: Option<Address>,
        new: Option<Address>,
        wording: Option<Span>,
    ) {
        self.applied.push(Applied {
            instruction: i,
            effect,
            what,
            old,
            new,
            wording,
        });
    }

    fn run(&mut self) -> Result<(), AmendError> {
        let ins: Vec<(usize, Instruction)> =
            self.am.instructions.iter().cloned().enumerate().collect();
        let of = |a: Action| ins.iter().filter(move |(_, i)| i.action == a);

        // 1. What old-numbering instructions name, found before anything moves.
        let mut moving: Vec<(usize, usize)> = Vec::new(); // (instruction, unit id)
        for (n, i) in of(Action::Move) {
            let u = self.rubrik_before(i.at).ok_or_else(|| {
                self.err(
                    i,
                    format!("the base has no rubrik directly before {}", i.at.display()),
                )
            })?;
            moving.push((*n, self.units[u].id));
        }
        let mut renumbering: Vec<(usize, usize)> = Vec::new();
        for (n, i) in of(Action::Renumber) {
            let u = match i.what {
                What::Chapter => i.at.kapitel.and_then(|k| self.find_chapter(k)),
                _ => self.find_para(i.at),
            }
            .ok_or_else(|| {
                self.err(i, format!("the base has no {} to renumber", i.at.display()))
            })?;
            renumbering.push((*n, self.units[u].id));
        }

        // 2. Repeals, in the base's numbering: rubriker first, since each is found by the
        // paragraph after it, which may be repealed too.
        let rank = |w: What| match w {
            What::Rubrik => 0,
            What::AllmannaRad => 1,
            What::Paragraph => 2,
            _ => 3,
        };
        let mut repeals: Vec<&(usize, Instruction)> = of(Action::Repeal).collect();
        repeals.sort_by_key(|(n, i)| (rank(i.what), *n));
        for (n, i) in repeals {
            match i.what {
                What::Paragraph => {
                    let u = self.find_para(i.at).ok_or_else(|| {
                        self.err(i, format!("the base has no {} to repeal", i.at.display()))
                    })?;
                    let label = self.units[u].label.unwrap_or(Label::new(0));
                    match &self.placeholder {
                        Some(p) => {
                            let unit = &mut self.units[u];
                            unit.text = format!("{label} § {p}\n\n");
                            unit.ar_at = None;
                            unit.placeholder = true;
                        }
                        None => {
                            self.units.remove(u);
                        }
                    }
                }
                What::Chapter => {
                    let k = i.at.kapitel.unwrap_or(Label::new(0));
                    let h = self.find_chapter(k).ok_or_else(|| {
                        self.err(i, format!("the base has no {} to repeal", i.at.display()))
                    })?;
                    self.units
                        .retain(|u| u.chapter != Some(k) || u.kind == Kind::Chapter);
                    match &self.placeholder {
                        Some(p) => {
                            let unit = &mut self.units[h];
                            unit.text = format!("{k} kap. {p}\n\n");
                            unit.placeholder = true;
                        }
                        None => {
                            self.units.remove(h);
                        }
                    }
                }
                What::Rubrik => {
                    let u = self.rubrik_before(i.at).ok_or_else(|| {
                        self.err(
                            i,
                            format!("the base has no rubrik directly before {}", i.at.display()),
                        )
                    })?;
                    self.units.remove(u);
                }
                What::AllmannaRad => {
                    let u = self.find_para(i.at).ok_or_else(|| {
                        self.err(i, format!("the base has no {}", i.at.display()))
                    })?;
                    let unit = &mut self.units[u];
                    let Some(k) = unit.ar_at else {
                        return Err(self.err(
                            i,
                            format!("{} has no allmänna råd to repeal", i.at.display()),
                        ));
                    };
                    unit.text = closed(&unit.text[..k]);
                    unit.ar_at = None;
                }
                What::ChapterHeading => {
                    return Err(self.err(i, "a chapter heading cannot be repealed alone".into()));
                }
            }
            self.record(*n, i.what, Effect::Repealed, Some(i.at), None, None);
        }

        // 3. Renumberings, all at once.
        for &(n, id) in &renumbering {
            let i = &ins[n].1;
            let Some(u) = self.units.iter().position(|u| u.id == id) else {
                return Err(self.err(i, format!("{} is repealed and renumbered", i.at.display())));
            };
            let to = i.to.unwrap_or(i.at);
            match i.what {
                What::Chapter => {
                    let (Some(from), Some(k)) = (i.at.kapitel, to.kapitel) else {
                        continue;
                    };
                    for x in self.units.iter_mut().filter(|x| x.chapter == Some(from)) {
                        x.chapter = Some(k);
                        if x.kind == Kind::Chapter {
                            x.text = relabel(&x.text, Kind::Chapter, k);
                        }
                    }
                }
                _ => {
                    let Some(l) = to.paragraf else { continue };
                    let note = self.note.clone();
                    let unit = &mut self.units[u];
                    let text = relabel(&unit.text, Kind::Paragraf, l);
                    // The label may be longer or shorter now; the allmänna råd move with it.
                    let ar_at = unit
                        .ar_at
                        .map(|k| (k + text.len()).saturating_sub(unit.text.len()));
                    let (text, ar_at) = match note {
                        Some(n) => renote(&text, ar_at, &n),
                        None => (text, ar_at),
                    };
                    unit.text = text;
                    unit.ar_at = ar_at;
                    unit.chapter = to.kapitel;
                    unit.label = Some(l);
                }
            }
            self.record(n, i.what, Effect::Renumbered, Some(i.at), Some(to), None);
        }
        // A repeal placeholder gives way to a paragraph that takes its label.
        let live: BTreeSet<(Option<Label>, Option<Label>, bool)> = self
            .units
            .iter()
            .filter(|u| !u.placeholder && matches!(u.kind, Kind::Paragraf | Kind::Chapter))
            .map(|u| (u.chapter, u.label, u.kind == Kind::Chapter))
            .collect();
        self.units.retain(|u| {
            !(u.placeholder && live.contains(&(u.chapter, u.label, u.kind == Kind::Chapter)))
        });
        // Two paragraphs with one label after renumbering.
        for &(n, id) in &renumbering {
            let i = &ins[n].1;
            if i.what == What::Chapter {
                continue;
            }
            let Some(u) = self.units.iter().position(|u| u.id == id) else {
                continue;
            };
            let (k, l) = (self.units[u].chapter, self.units[u].label);
            let clash = self.units.iter().any(|x| {
                x.id != id
                    && x.kind == Kind::Paragraf
                    && x.chapter == k
                    && x.label == l
                    && !x.placeholder
            });
            if clash {
                return Err(self.err(
                    i,
                    format!(
                        "the base already has a {} that is not renumbered or repealed",
                        i.to.unwrap_or(i.at).display()
                    ),
                ));
            }
        }
        self.reorder_renumbered(&renumbering, &ins);

        // 4. Rubriker moved, to their places in the new numbering.
        for (n, id) in moving {
            let i = &ins[n].1;
            let Some(Placement::Before(to) | Placement::After(to)) = i.placement else {
                continue;
            };
            let Some(u) = self.units.iter().position(|u| u.id == id) else {
                return Err(self.err(
                    i,
                    format!("the rubrik before {} is also repealed", i.at.display()),
                ));
            };
            let unit = self.units.remove(u);
            let Some(t) = self.find_para(to) else {
                return Err(self.err(
                    i,
                    format!("{} does not exist to move the rubrik before", to.display()),
                ));
            };
            let t = if matches!(i.placement, Some(Placement::After(_))) {
                t + 1
            } else {
                t
            };
            let mut unit = unit;
            unit.chapter = to.kapitel;
            self.units.insert(t, unit);
            self.record(n, What::Rubrik, Effect::Moved, Some(i.at), Some(to), None);
        }

        // 5. New wording, in the numbering after the change.
        for (n, i) in of(Action::Change) {
            self.change(*n, i)?;
        }

        // 6. Insertions: chapters, then paragraphs, then rubriker before them.
        for (n, i) in of(Action::Insert).filter(|(_, i)| i.what == What::Chapter) {
            self.insert_chapter(*n, i)?;
        }
        for (n, i) in of(Action::Insert).filter(|(_, i)| i.what == What::Paragraph) {
            // A paragraph of a chapter inserted whole is already there.
            if self.chapter_inserted(i.at.kapitel) && self.find_para(i.at).is_some() {
                continue;
            }
            self.insert_paragraph(*n, i)?;
        }
        for (n, i) in of(Action::Insert).filter(|(_, i)| i.what == What::Rubrik) {
            if self.chapter_inserted(i.at.kapitel) && self.rubrik_before(i.at).is_some() {
                continue;
            }
            self.insert_rubrik(*n, i)?;
        }
        for (n, i) in of(Action::Insert).filter(|(_, i)| i.what == What::AllmannaRad) {
            self.change_allmanna_rad(*n, i, true)?;
        }
        self.check_wording_used()?;
        self.place_rubriker_shown();
        Ok(())
    }

    /// The amendment's transitional provisions, in an SFS consolidation: a block headed by
    /// the act's number after the others, unless the base already has it (the
    /// consolidation shows an act's provisions before they are in force) or it says only
    /// when the act comes into force (`Denna förordning träder i kraft den …`), which the
    /// consolidation leaves out.
    fn add_overgang(&mut self, base: &Regulation) {
        let Some(number) = self
            .am
            .number
            .as_deref()
            .and_then(|n| n.strip_prefix("SFS "))
        else {
            return;
        };
        let provisions = &self.am.overgang;
        let plain = provisions.len() == 1 && {
            let t = &provisions[0].text;
            (t.starts_with("Denna ") || t.starts_with("Dessa "))
                && t.matches('.').count() == 1
                && t.ends_with('.')
                && !t.contains(" i fråga om ")
        };
        if provisions.is_empty()
            || plain
            || base
                .overgang
                .iter()
                .any(|o| o.act.as_deref() == Some(number))
        {
            return;
        }
        let mut block = format!("{number}\n\n");
        for p in provisions {
            block.push_str(&p.text);
            block.push_str("\n\n");
        }
        match self.units.iter().position(|u| u.kind == Kind::Tail) {
            Some(t) => {
                // After the last block of provisions, before the bilagor.
                let tail_start = base
                    .overgang
                    .iter()
                    .map(|o| o.span.start)
                    .chain(base.bilagor.iter().map(|b| b.span.start))
                    .min()
                    .unwrap_or(0);
                let cut = base
                    .bilagor
                    .iter()
                    .map(|b| b.span.start.saturating_sub(tail_start))
                    .min();
                let unit = &mut self.units[t];
                let heading = if base.overgang.is_empty() {
                    "Övergångsbestämmelser\n\n"
                } else {
                    ""
                };
                match cut.filter(|&c| c <= unit.text.len() && unit.text.is_char_boundary(c)) {
                    Some(c) => unit.text.insert_str(c, &format!("{heading}{block}")),
                    None => {
                        unit.text = format!("{}{heading}{block}", closed(&unit.text));
                    }
                }
            }
            None => {
                self.units.push(Unit {
                    kind: Kind::Tail,
                    chapter: None,
                    label: None,
                    text: format!("Övergångsbestämmelser\n\n{block}"),
                    ar_at: None,
                    placeholder: false,
                    id: usize::MAX,
                    span: Span::default(),
                });
            }
        }
    }

    /// A rubrik printed above a paragraph in the wording says which rubrik the paragraph
    /// stands under. When the base has that rubrik directly after the paragraph (the
    /// paragraph now opens the group), it moves up before it, as a consolidation reads the
    /// printed act; one the base does not have there, which no instruction names, is a
    /// warning.
    fn place_rubriker_shown(&mut self) {
        let named: BTreeSet<Address> = self
            .am
            .instructions
            .iter()
            .filter(|i| i.what == What::Rubrik)
            .flat_map(|i| {
                [
                    Some(i.at),
                    i.placement.map(|p| match p {
                        Placement::Before(a) | Placement::After(a) => a,
                    }),
                ]
            })
            .flatten()
            .collect();
        let shown: Vec<(Address, String)> = self
            .body
            .windows(2)
            .filter(|w| w[0].kind == Kind::Rubrik && w[1].kind == Kind::Paragraf)
            .filter_map(|w| {
                let a = Address::paragraph(w[1].chapter, w[1].label?);
                Some((a, super::squash(&w[0].text)))
            })
            .collect();
        for (a, r) in shown {
            if named.contains(&a) {
                continue;
            }
            let Some(p) = self.find_para(a) else { continue };
            // The rubrik the paragraph stands under now.
            let under = self.units[..p]
                .iter()
                .rev()
                .take_while(|u| u.kind != Kind::Chapter)
                .find(|u| u.kind == Kind::Rubrik);
            if under.is_some_and(|u| super::squash(&u.text) == r) {
                continue;
            }
            let after = p + 1;
            if self
                .units
                .get(after)
                .is_some_and(|u| u.kind == Kind::Rubrik && super::squash(&u.text) == r)
            {
                let unit = self.units.remove(after);
                self.units.insert(p, unit);
                self.warnings.push(format!(
                    "{}: the wording shows the rubrik «{r}» above {}; it is moved there from after it",
                    self.am.source,
                    a.display()
                ));
            } else {
                self.warnings.push(format!(
                    "{}: the wording shows the rubrik «{r}» above {}, which the base does not have there, and no instruction changes or inserts it; it is not applied",
                    self.am.source,
                    a.display()
                ));
            }
        }
    }

    fn chapter_inserted(&self, k: Option<Label>) -> bool {
        self.am
            .instructions
            .iter()
            .any(|i| i.action == Action::Insert && i.what == What::Chapter && i.at.kapitel == k)
    }

    /// Renumbered paragraphs out of order where they stand (or in another chapter now)
    /// move to their place by label.
    fn reorder_renumbered(&mut self, renumbering: &[(usize, usize)], ins: &[(usize, Instruction)]) {
        for &(n, id) in renumbering {
            if ins[n].1.what == What::Chapter {
                continue;
            }
            let Some(u) = self.units.iter().position(|u| u.id == id) else {
                continue;
            };
            let (k, l) = (self.units[u].chapter, self.units[u].label);
            let prev = self.units[..u]
                .iter()
                .rev()
                .find(|x| x.kind == Kind::Paragraf || x.kind == Kind::Chapter);
            let next = self.units[u + 1..]
                .iter()
                .find(|x| x.kind == Kind::Paragraf || x.kind == Kind::Chapter);
            let after_ok = match prev {
                Some(p) if p.kind == Kind::Paragraf => p.chapter == k && p.label < l,
                Some(p) => p.chapter == k,
                None => k.is_none(),
            };
            let before_ok = match next {
                Some(x) if x.kind == Kind::Paragraf => x.chapter != k || x.label > l,
                _ => true,
            };
            if after_ok && before_ok {
                continue;
            }
            let unit = self.units.remove(u);
            let at = self
                .place_by_label(k, l.unwrap_or(Label::new(0)))
                .unwrap_or(self.units.len());
            self.units.insert(at, unit);
        }
    }

    /// Where a paragraph `l` of chapter `k` goes by its label: after the last paragraph
    /// with a lower label, or at the start of the chapter.
    fn place_by_label(&self, k: Option<Label>, l: Label) -> Option<usize> {
        let lower = self.units.iter().rposition(|u| {
            u.kind == Kind::Paragraf && u.chapter == k && u.label.is_some_and(|x| x < l)
        });
        if let Some(i) = lower {
            return Some(i + 1);
        }
        match k {
            Some(k) => self.find_chapter(k).map(|h| h + 1),
            None => self
                .units
                .iter()
                .position(|u| matches!(u.kind, Kind::Paragraf | Kind::Rubrik))
                .or(Some(1)),
        }
    }

    /// `ordet ”X” ska bytas ut mot ”Y”` in a paragraph or a rubrik of the base: every
    /// occurrence replaced; none is an error.
    fn replace_words(&mut self, n: usize, i: &Instruction, w: &Words) -> Result<(), AmendError> {
        let u = match i.what {
            What::Paragraph => self.find_para(i.at),
            What::Rubrik => self.rubrik_before(i.at),
            What::ChapterHeading => i.at.kapitel.and_then(|k| self.find_chapter(k)),
            _ => None,
        }
        .ok_or_else(|| self.err(i, format!("the base has no {} to change", i.describe())))?;
        let unit = &self.units[u];
        // The label is not wording: `5 §` in `ordet ”5 §”` is looked for after it.
        let (head, body) = match unit.kind {
            Kind::Paragraf => unit
                .text
                .find('§')
                .map(|k| unit.text.split_at(k + '§'.len_utf8()))
                .unwrap_or(("", unit.text.as_str())),
            _ => ("", unit.text.as_str()),
        };
        let count = body.matches(w.from.as_str()).count();
        if count == 0 {
            return Err(self.err(
                i,
                format!("«{}» does not occur in {}", w.from, i.at.display()),
            ));
        }
        let text = format!("{head}{}", body.replace(w.from.as_str(), &w.to));
        let ar_at = unit.ar_at.map(|k| {
            // Only the replacements before the allmänna råd move them.
            let before = body
                .get(..k.saturating_sub(head.len()))
                .map(|b| b.matches(w.from.as_str()).count())
                .unwrap_or(0);
            let per = w.to.len() as isize - w.from.len() as isize;
            (k as isize + before as isize * per).max(0) as usize
        });
        let (text, ar_at) = match (&self.note, unit.kind) {
            (Some(note), Kind::Paragraf) => renote(&text, ar_at, note),
            _ => (text, ar_at),
        };
        let unit = &mut self.units[u];
        unit.text = text;
        unit.ar_at = ar_at;
        self.record(n, i.what, Effect::Changed, Some(i.at), Some(i.at), None);
        Ok(())
    }

    fn change(&mut self, n: usize, i: &Instruction) -> Result<(), AmendError> {
        if let Some(w) = &i.words {
            return self.replace_words(n, i, w);
        }
        match i.what {
            What::Paragraph => {
                let u = self.find_para(i.at).ok_or_else(|| {
                    self.err(i, format!("the base has no {} to change", i.at.display()))
                })?;
                let given = self.body_para(i.at).cloned().ok_or_else(|| {
                    self.err(
                        i,
                        format!("the amendment gives no wording for {}", i.at.display()),
                    )
                })?;
                let (text, ar_at) = self.new_paragraph_text(&given, Some(&self.units[u]));
                let unit = &mut self.units[u];
                unit.text = text;
                unit.ar_at = ar_at;
                unit.span = given.span;
                self.record(
                    n,
                    What::Paragraph,
                    Effect::Changed,
                    Some(i.at),
                    Some(i.at),
                    Some(given.span),
                );
            }
            What::Rubrik => {
                let u = self.rubrik_before(i.at).ok_or_else(|| {
                    self.err(
                        i,
                        format!(
                            "the base has no rubrik directly before {} to change",
                            i.at.display()
                        ),
                    )
                })?;
                let given = self.body_rubrik_before(i.at).cloned().ok_or_else(|| {
                    self.err(
                        i,
                        format!("the amendment gives no rubrik before {}", i.at.display()),
                    )
                })?;
                self.units[u].text = closed(&given.text);
                self.record(
                    n,
                    What::Rubrik,
                    Effect::Changed,
                    Some(i.at),
                    Some(i.at),
                    Some(given.span),
                );
            }
            What::ChapterHeading => {
                let k = i.at.kapitel.unwrap_or(Label::new(0));
                let u = self
                    .find_chapter(k)
                    .ok_or_else(|| self.err(i, format!("the base has no {}", i.at.display())))?;
                let given = self
                    .body
                    .iter()
                    .find(|b| b.kind == Kind::Chapter && b.chapter == Some(k))
                    .cloned()
                    .ok_or_else(|| {
                        self.err(
                            i,
                            format!("the amendment gives no heading for {}", i.at.display()),
                        )
                    })?;
                self.units[u].text = closed(&given.text);
                self.record(
                    n,
                    What::ChapterHeading,
                    Effect::Changed,
                    Some(i.at),
                    Some(i.at),
                    Some(given.span),
                );
            }
            What::Chapter => {
                let k = i.at.kapitel.unwrap_or(Label::new(0));
                let h = self.find_chapter(k).ok_or_else(|| {
                    self.err(i, format!("the base has no {} to change", i.at.display()))
                })?;
                let given = self.body_chapter(k);
                if given.is_empty() {
                    return Err(self.err(
                        i,
                        format!("the amendment gives no wording for {}", i.at.display()),
                    ));
                }
                let span = given.iter().map(|u| u.span).reduce(Span::join);
                let end = self.units[h + 1..]
                    .iter()
                    .position(|u| u.chapter != Some(k) || u.kind == Kind::Chapter)
                    .map(|x| h + 1 + x)
                    .unwrap_or(self.units.len());
                let given: Vec<Unit> = given
                    .into_iter()
                    .map(|mut u| {
                        u.text = closed(&u.text);
                        u
                    })
                    .collect();
                self.units.splice(h..end, given);
                self.record(
                    n,
                    What::Chapter,
                    Effect::Changed,
                    Some(i.at),
                    Some(i.at),
                    span,
                );
            }
            What::AllmannaRad => self.change_allmanna_rad(n, i, false)?,
        }
        Ok(())
    }

    fn change_allmanna_rad(
        &mut self,
        n: usize,
        i: &Instruction,
        insert: bool,
    ) -> Result<(), AmendError> {
        let u = self
            .find_para(i.at)
            .ok_or_else(|| self.err(i, format!("the base has no {}", i.at.display())))?;
        let given = self.body_para(i.at).cloned();
        let Some((ar, span)) =
            given.and_then(|g| g.ar_at.map(|k| (g.text[k..].to_string(), g.span)))
        else {
            return Err(self.err(
                i,
                format!("the amendment gives no allmänna råd for {}", i.at.display()),
            ));
        };
        let unit = &mut self.units[u];
        if insert && unit.ar_at.is_some() {
            return Err(self.err(i, format!("{} already has allmänna råd", i.at.display())));
        }
        if !insert && unit.ar_at.is_none() {
            return Err(self.err(
                i,
                format!("{} has no allmänna råd to change", i.at.display()),
            ));
        }
        let own = unit.ar_at.map(|k| &unit.text[..k]).unwrap_or(&unit.text);
        let mut t = closed(own);
        let at = t.len();
        t.push_str(&closed(&ar));
        unit.text = t;
        unit.ar_at = Some(at);
        let effect = if insert {
            Effect::Inserted
        } else {
            Effect::Changed
        };
        self.record(
            n,
            What::AllmannaRad,
            effect,
            Some(i.at),
            Some(i.at),
            Some(span),
        );
        Ok(())
    }

    fn insert_chapter(&mut self, n: usize, i: &Instruction) -> Result<(), AmendError> {
        let k = i.at.kapitel.unwrap_or(Label::new(0));
        if self
            .find_chapter(k)
            .is_some_and(|h| !self.units[h].placeholder)
        {
            return Err(self.err(i, format!("the base already has {}", i.at.display())));
        }
        let given = self.body_chapter(k);
        if given.is_empty() {
            return Err(self.err(
                i,
                format!("the amendment gives no wording for {}", i.at.display()),
            ));
        }
        // A repealed chapter's placeholder gives way to the new chapter of that label.
        self.units
            .retain(|u| !(u.placeholder && u.kind == Kind::Chapter && u.chapter == Some(k)));
        let span = given.iter().map(|u| u.span).reduce(Span::join);
        let mut at = self
            .units
            .iter()
            .position(|u| {
                (u.kind == Kind::Chapter && u.chapter.is_some_and(|c| c > k))
                    || u.kind == Kind::Tail
            })
            .unwrap_or(self.units.len());
        // An avdelning heading belongs to the chapter after it.
        while at > 0 && self.units[at - 1].kind == Kind::Avdelning {
            at -= 1;
        }
        let given: Vec<Unit> = given
            .into_iter()
            .map(|mut u| {
                if u.kind == Kind::Paragraf {
                    let (t, ar) = self.new_paragraph_text(&u, None);
                    u.text = t;
                    u.ar_at = ar;
                } else {
                    u.text = closed(&u.text);
                }
                u
            })
            .collect();
        self.units.splice(at..at, given);
        self.record(n, What::Chapter, Effect::Inserted, None, Some(i.at), span);
        Ok(())
    }

    fn insert_paragraph(&mut self, n: usize, i: &Instruction) -> Result<(), AmendError> {
        if self.find_para(i.at).is_some() {
            return Err(self.err(i, format!("the base already has {}", i.at.display())));
        }
        let given = self.body_para(i.at).cloned().ok_or_else(|| {
            self.err(
                i,
                format!("the amendment gives no wording for {}", i.at.display()),
            )
        })?;
        let Some(l) = i.at.paragraf else {
            return Err(self.err(i, "no paragraph named".into()));
        };
        let at = match i.placement {
            Some(Placement::Before(x)) => self.find_para(x).ok_or_else(|| {
                self.err(
                    i,
                    format!(
                        "{} is to go before {}, which does not exist",
                        i.at.display(),
                        x.display()
                    ),
                )
            })?,
            Some(Placement::After(x)) => {
                self.find_para(x).ok_or_else(|| {
                    self.err(
                        i,
                        format!(
                            "{} is to go after {}, which does not exist",
                            i.at.display(),
                            x.display()
                        ),
                    )
                })? + 1
            }
            None => self.place_by_label(i.at.kapitel, l).ok_or_else(|| {
                self.err(
                    i,
                    format!(
                        "the base has no {} to insert {} into",
                        i.at.kapitel
                            .map(|k| Address::chapter(k).display())
                            .unwrap_or_default(),
                        i.at.display()
                    ),
                )
            })?,
        };
        // A repealed paragraph's placeholder gives way to the new one.
        let (t, ar) = self.new_paragraph_text(&given, None);
        let mut unit = given.clone();
        unit.text = t;
        unit.ar_at = ar;
        unit.chapter = i.at.kapitel;
        let at = match self
            .units
            .iter()
            .position(|u| u.placeholder && u.is_para(i.at.kapitel, l))
        {
            Some(p) => {
                self.units.remove(p);
                if p < at { at - 1 } else { at }
            }
            None => at,
        };
        self.units.insert(at, unit);
        self.record(
            n,
            What::Paragraph,
            Effect::Inserted,
            None,
            Some(i.at),
            Some(given.span),
        );
        Ok(())
    }

    fn insert_rubrik(&mut self, n: usize, i: &Instruction) -> Result<(), AmendError> {
        let anchor = match i.placement {
            Some(Placement::After(a)) => a,
            _ => i.at,
        };
        let p = self.find_para(anchor).ok_or_else(|| {
            self.err(
                i,
                format!(
                    "a new rubrik is to go before {}, which does not exist",
                    anchor.display()
                ),
            )
        })?;
        let given = self.body_rubrik_before(i.at).cloned().ok_or_else(|| {
            self.err(
                i,
                format!("the amendment gives no rubrik before {}", i.at.display()),
            )
        })?;
        let at = if matches!(i.placement, Some(Placement::After(_))) {
            p + 1
        } else {
            p
        };
        let mut unit = given.clone();
        unit.text = closed(&given.text);
        unit.chapter = anchor.kapitel;
        self.units.insert(at, unit);
        self.record(
            n,
            What::Rubrik,
            Effect::Inserted,
            None,
            Some(i.at),
            Some(given.span),
        );
        Ok(())
    }

    /// Every paragraph whose wording the amendment gives is named by an instruction; a
    /// rubrik shown that differs from the base's without one is a warning.
    fn check_wording_used(&mut self) -> Result<(), AmendError> {
        let named: BTreeSet<Address> = self
            .am
            .instructions
            .iter()
            .filter(|i| matches!(i.action, Action::Change | Action::Insert))
            .flat_map(|i| match i.what {
                What::Paragraph | What::AllmannaRad | What::Rubrik => vec![i.at],
                What::Chapter => self
                    .body
                    .iter()
                    .filter(|u| u.kind == Kind::Paragraf && u.chapter == i.at.kapitel)
                    .map(|u| Address::paragraph(u.chapter, u.label.unwrap_or(Label::new(0))))
                    .collect(),
                What::ChapterHeading => vec![],
            })
            .collect();
        for u in &self.body {
            if u.kind != Kind::Paragraf {
                continue;
            }
            let a = Address::paragraph(u.chapter, u.label.unwrap_or(Label::new(0)));
            if !named.contains(&a) {
                return Err(AmendError::Body {
                    file: self.am.source.clone(),
                    message: format!(
                        "line {}: the amendment gives wording for {}, but no instruction names it (an instruction the grammar did not read?)",
                        u.span.line,
                        a.display()
                    ),
                });
            }
        }
        Ok(())
    }
}

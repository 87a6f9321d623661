//! Stage 4, reports: stances across answers (the compilation matrix and its conflicts), the
//! consolidated opinion, and the effect of the comments across draft versions.

use crate::address::Address;
use crate::answer::stance::{Evidence, Flag, Row, Stance, StanceTable, Target};
use crate::compare::{Followed, Relation, VersionMap};
use crate::regulation::Regulation;
use rustc_hash::FxHashMap as HashMap;
use serde::{Serialize, Serializer};
use serde_with::skip_serializing_none;
use std::collections::{BTreeMap, BTreeSet};

mod cells;
pub mod opinion;
pub use cells::Cells;
pub use opinion::{Opinion, opinion};

/// What a target of the matrix is.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, strum::IntoStaticStr,
)]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "lowercase")]
pub enum TargetKind {
    /// The proposal as a whole (`DOC`).
    Doc,
    /// A chapter (`K3`).
    Chapter,
    /// A paragraph (`K2P7`).
    Paragraph,
    /// A stycke or punkt inside a paragraph (`K3P3N1`).
    Punkt,
    /// The konsekvensutredning (`KU`).
    Ku,
    /// A numbered section of the report the proposal is in (`A5.4.2`).
    Section,
    /// A part of the proposal named in words (`PART:…`).
    Part,
    /// Anything outside the draft: an unresolved citation or topic.
    Other,
}

/// What the last version did with a commented paragraph, followed through every version.
///
/// Declared in the order of the serialised names, so maps keyed by it serialise in the same
/// order as maps keyed by the names.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    strum::IntoStaticStr,
    strum::EnumIter,
)]
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case")]
pub enum Outcome {
    /// The wording changed.
    Changed,
    /// Joined with other paragraphs.
    Merged,
    /// Moved to another chapter or out of sequence.
    Moved,
    /// Gone from the last version.
    Removed,
    /// Another label, the same wording.
    Renumbered,
    /// Another label and another wording.
    RenumberedChanged,
    /// Divided into several paragraphs.
    Split,
    /// The same label and wording.
    Unchanged,
}

impl Outcome {
    /// The serialised name (`renumbered-changed`).
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// Stance counts serialise by the stance's name, in the order of the names, as the
/// spreadsheet-minded readers of `data.json` expect.
fn by_name<S: Serializer>(m: &BTreeMap<Stance, usize>, s: S) -> Result<S::Ok, S::Error> {
    let named: BTreeMap<&str, usize> = m.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    named.serialize(s)
}

/// One answer in the case.
#[skip_serializing_none]
#[derive(Clone, Debug, Serialize)]
pub struct Respondent {
    /// `r1`, `r2`, ... in the manifest's order: used in links and CSV columns.
    pub key: String,
    /// Who answered, as the manifest names them.
    pub name: String,
    /// The answer file, relative to the case folder.
    pub file: String,
    /// The page with the answer's text and line anchors (`svar/r1.html`).
    pub page: String,
    /// The answer whose positions the consolidated opinion takes over (the office's own).
    pub lead: bool,
    /// The answer's own case number, when it states one.
    pub case_number: Option<String>,
    /// Stances over the draft's paragraphs.
    #[serde(serialize_with = "by_name")]
    pub counts: BTreeMap<Stance, usize>,
    /// Stances over the draft's chapters taken as a whole.
    #[serde(serialize_with = "by_name")]
    pub chapter_counts: BTreeMap<Stance, usize>,
    /// The stance on the proposal as a whole.
    pub whole: Stance,
    /// The stance on the konsekvensutredning.
    pub ku: Stance,
    /// Readings a person corrected in this answer.
    pub corrected: usize,
    /// Readings the reader marked uncertain.
    pub uncertain: usize,
}

/// One cell of the matrix: one respondent on one target.
#[skip_serializing_none]
#[derive(Clone, Debug, Serialize)]
pub struct Cell {
    /// The answer page and line of the first evidence sentence (`svar/r2.html#L43`).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub href: String,
    /// The respondent's position on the target.
    pub stance: Stance,
    /// What the position also does (proposes a change, asks for clarification, ...).
    pub flags: Vec<Flag>,
    /// The sentences the position comes from.
    pub evidence: Vec<Evidence>,
    /// The words a paragraph named only by its topic was matched on.
    pub inferred: Option<Vec<String>>,
    /// Why the reading is uncertain (see [`Row::uncertain`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uncertain: Option<String>,
    /// A person corrected this reading: the note saying why.
    pub corrected: Option<String>,
}

impl Cell {
    /// A respondent's cell on a target the answer does not address.
    pub const EMPTY: Cell = Cell {
        href: String::new(),
        stance: Stance::NotAddressed,
        flags: Vec::new(),
        evidence: Vec::new(),
        inferred: None,
        uncertain: None,
        corrected: None,
    };
}

/// One target of the matrix (the proposal, a chapter, a paragraph, a punkt, the
/// konsekvensutredning) with every respondent's cell.
#[derive(Clone, Debug, Serialize)]
pub struct MatrixRow {
    /// The target's id (`DOC`, `K2P7`, `KU`).
    pub id: String,
    /// The target as a reader names it (`2 kap. 7 §`).
    pub display: String,
    /// What the target is.
    pub kind: TargetKind,
    /// The id of the paragraph a paragraph or punkt belongs to (`K3P3` for `K3P3N1`): the
    /// jämförelse's row.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub paragraph: Option<String>,
    /// One cell per respondent, in the manifest's order.
    pub cells: Cells,
    /// How many respondents took each stance.
    #[serde(serialize_with = "by_name")]
    pub counts: BTreeMap<Stance, usize>,
    /// Support and opposition on the same target.
    pub conflict: bool,
    /// Someone took a position other than no-comment.
    pub commented: bool,
    /// Respondents supporting (with or without reservations) and opposing.
    pub supporting: usize,
    /// Respondents opposing.
    pub opposing: usize,
    /// The keys of the respondents with a position of substance (`r1 r4`), for the
    /// compilation's filter by respondent.
    pub commented_by: String,
    /// Some reading on this target was corrected by a person.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub corrected: bool,
    /// Some reading on this target is uncertain.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub uncertain: bool,
}

/// One respondent's reading of a target, as the compilation shows it.
#[skip_serializing_none]
#[derive(Clone, Debug, Serialize)]
pub struct Contribution {
    /// The respondent's name.
    pub respondent: String,
    /// The respondent's key (`r2`).
    pub key: String,
    /// The answer page the evidence links to.
    pub page: String,
    /// The respondent's stance.
    pub stance: Stance,
    /// What the position also does (proposes, asks for clarification, ...).
    pub flags: Vec<Flag>,
    /// The sentences the reading comes from.
    pub evidence: Vec<Evidence>,
    /// A person corrected this reading: the note saying why.
    pub corrected: Option<String>,
    /// Why the reader was not sure of this reading.
    pub uncertain: Option<String>,
}

/// What the next version did with a paragraph an answer opposed or asked to change.
#[derive(Clone, Debug, Serialize)]
pub struct Effect {
    /// The respondent's name.
    pub respondent: String,
    /// The respondent's key (`r2`).
    pub key: String,
    /// The respondent's answer page.
    pub page: String,
    /// The paragraph's id in the first version.
    pub id: String,
    /// The paragraph as a reader names it.
    pub display: String,
    /// The respondent's stance on it.
    pub stance: Stance,
    /// The respondent's flags on it.
    pub flags: Vec<Flag>,
    /// The first line of the evidence in the answer (the matrix has the sentences).
    pub line: u32,
    /// What the last version did, followed through every version.
    pub outcome: Outcome,
    /// Where the paragraph stands in the last version.
    pub now: Vec<String>,
    /// The ids of those paragraphs in the last version (`K2P15`).
    pub now_ids: Vec<String>,
    /// The path through the versions: `2 kap. 16 § → 2 kap. 15 §`.
    pub path: Vec<String>,
    /// The sentences that asked for the change.
    pub asked: Vec<Evidence>,
}

/// All effects, with the stances left without a paragraph.
#[derive(Clone, Debug, Default, Serialize)]
pub struct EffectReport {
    /// Each paragraph an answer opposed or asked to change, with what became of it.
    pub effects: Vec<Effect>,
    /// Stances (of any kind) whose paragraph disappeared.
    pub orphaned: Vec<Effect>,
    /// How many effects had each outcome.
    pub counts: BTreeMap<Outcome, usize>,
}

/// The compilation across answers.
#[derive(Clone, Debug, Serialize)]
pub struct Matrix {
    /// Every target, in the draft's order.
    pub rows: Vec<MatrixRow>,
    /// Row ids with support and opposition on the same target, in draft order.
    pub conflicts: Vec<String>,
}

fn kind_of(t: &Target) -> TargetKind {
    match t {
        Target::Document => TargetKind::Doc,
        Target::Konsekvensutredning => TargetKind::Ku,
        Target::Place { address } if address.paragraf.is_none() => TargetKind::Chapter,
        Target::Place { address } if address.stycke.is_some() || address.punkt.is_some() => {
            TargetKind::Punkt
        }
        Target::Place { .. } => TargetKind::Paragraph,
        Target::Section { .. } => TargetKind::Section,
        Target::Part { .. } => TargetKind::Part,
        _ => TargetKind::Other,
    }
}

fn cell_of(r: Option<&Row>, page: &str, corrected: Option<String>) -> Cell {
    match r {
        Some(r) => Cell {
            href: r
                .evidence
                .first()
                .map(|e| format!("{page}#L{}", e.line))
                .unwrap_or_default(),
            stance: r.stance,
            flags: r.flags.clone(),
            evidence: r.evidence.clone(),
            inferred: r.inferred.clone(),
            uncertain: r.uncertain.clone(),
            corrected,
        },
        None => Cell {
            corrected,
            ..Cell::EMPTY
        },
    }
}

/// Every target in order: the proposal, the draft's chapters and paragraphs (with punkter
/// after their paragraph), the konsekvensutredning. Citations of what the draft lacks are
/// no target: they are findings of their answer until a correction re-points them.
fn targets(draft: &Regulation, tables: &[StanceTable]) -> Vec<(Target, String, String)> {
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut extra: BTreeMap<Address, Vec<(Target, String, String)>> = BTreeMap::new();
    // Sections of the report and named parts: targets outside the regulation's text that
    // still are positions.
    let mut outside: Vec<(Target, String, String)> = Vec::new();
    for t in tables {
        for r in &t.rows {
            if !seen.insert(r.id.clone()) {
                continue;
            }
            match &r.target {
                Target::Place { address } => {
                    extra.entry(*address).or_default().push((
                        r.target.clone(),
                        r.id.clone(),
                        r.display.clone(),
                    ));
                }
                Target::Section { .. } | Target::Part { .. } => {
                    outside.push((r.target.clone(), r.id.clone(), r.display.clone()));
                }
                _ => {}
            }
        }
    }
    let mut out = vec![(
        Target::Document,
        "DOC".to_string(),
        Target::Document.display(),
    )];
    let mut placed: BTreeSet<Address> = BTreeSet::new();
    for k in &draft.kapitel {
        if let Some(l) = k.label {
            let a = Address::chapter(l);
            out.push((Target::Place { address: a }, a.id(), a.display()));
            placed.insert(a);
        }
        for p in &k.paragrafer {
            if !placed.insert(p.address) {
                continue;
            }
            out.push((
                Target::Place { address: p.address },
                p.address.id(),
                p.address.display(),
            ));
            // Punkter and stycken named by an answer, right after their paragraph.
            for (a, v) in extra.range(p.address..) {
                if a.paragraph_part() != p.address {
                    break;
                }
                if *a != p.address {
                    out.extend(v.iter().cloned());
                    placed.insert(*a);
                }
            }
        }
    }
    // Places the draft lacks (shouldn't happen: those are unresolved), then the rest.
    for (a, v) in &extra {
        if !placed.contains(a) {
            out.extend(v.iter().cloned());
        }
    }
    out.extend(outside);
    out.push((
        Target::Konsekvensutredning,
        "KU".to_string(),
        Target::Konsekvensutredning.display(),
    ));
    out
}

/// A position an answer reports as another body's (a nämnd quoted in a municipal answer, a
/// faculty in a university's): shown apart from the respondents' own, and never counted in
/// the matrix or the opinion as the reporter's.
#[derive(Clone, Debug, Serialize)]
pub struct ReportedPosition {
    /// The reporting answer's key (`r3`).
    pub respondent: String,
    /// The reporting answer's respondent, as the case names it.
    pub reporter: String,
    /// Whose position it is, as written (`Miljö- och hälsoskyddsnämnden`).
    pub body: String,
    /// The target's id, as in the matrix (`DOC`, `K2P7`, `PART:…`).
    pub id: String,
    /// The target as shown (`2 kap. 7 §`, `del av förslaget: …`).
    pub display: String,
    /// The position, its evidence and the link to its first sentence.
    #[serde(flatten)]
    pub cell: Cell,
}

/// Every reported position, answer by answer in the manifest's order, body by body as the
/// answer names them; `keys`, `names` and `pages` are each answer's key, respondent and page.
pub fn reported(
    tables: &[StanceTable],
    keys: &[String],
    names: &[String],
    pages: &[String],
) -> Vec<ReportedPosition> {
    let mut out = Vec::new();
    for (((t, key), name), page) in tables.iter().zip(keys).zip(names).zip(pages) {
        for rep in &t.reported {
            for r in &rep.rows {
                out.push(ReportedPosition {
                    respondent: key.clone(),
                    reporter: name.clone(),
                    body: rep.body.clone(),
                    id: r.id.clone(),
                    display: r.display.clone(),
                    cell: cell_of(Some(r), page, None),
                });
            }
        }
    }
    out
}

/// The matrix of targets × respondents; `pages` are the answer pages cells link to;
/// `corrected` holds (answer index, target id, note) of every corrected reading.
pub fn matrix(
    draft: &Regulation,
    tables: &[StanceTable],
    pages: &[String],
    corrected: &[(usize, String, String)],
) -> Matrix {
    let targets = targets(draft, tables);
    let answers = tables.len().min(pages.len());
    // Each answer's rows are placed on their targets, rather than every target looked up
    // in every answer: the work grows with the positions taken, not with answers ×
    // targets. A target id can stand twice (a chapter number the draft repeats).
    let mut by_id: HashMap<&str, Vec<usize>> = HashMap::default();
    by_id.reserve(targets.len());
    for (k, (_, id, _)) in targets.iter().enumerate() {
        by_id.entry(id.as_str()).or_default().push(k);
    }
    // The first note on each reading, as the corrections list them.
    let mut notes: HashMap<(usize, &str), &str> = HashMap::default();
    for (a, id, note) in corrected {
        notes.entry((*a, id.as_str())).or_insert(note.as_str());
    }
    let note = |a: usize, id: &str| notes.get(&(a, id)).map(|n| n.to_string());
    let mut cells: Vec<Cells> = targets.iter().map(|_| Cells::new(answers)).collect();
    for (n, (tab, page)) in tables.iter().zip(pages).enumerate() {
        for r in &tab.rows {
            for &k in by_id.get(r.id.as_str()).map_or(&[][..], Vec::as_slice) {
                // The first row with the id, as `StanceTable::row` finds it.
                if !cells[k].is_set(n) {
                    cells[k].set(n, cell_of(Some(r), page, note(n, &r.id)));
                }
            }
        }
    }
    // A corrected reading the answer has no row for.
    for (a, id, _) in corrected {
        for &k in by_id.get(id.as_str()).map_or(&[][..], Vec::as_slice) {
            // Past the answers: no page, or no cell to set.
            if let Some(page) = pages.get(*a)
                && !cells[k].is_set(*a)
            {
                cells[k].set(*a, cell_of(None, page, note(*a, id)));
            }
        }
    }
    let mut rows = Vec::with_capacity(targets.len());
    let mut conflicts = Vec::new();
    for ((t, id, display), cells) in targets.into_iter().zip(cells) {
        // Each figure from the cells that were set; the rest are all "not addressed".
        let mut counts: BTreeMap<Stance, usize> = BTreeMap::new();
        if cells.unset() > 0 {
            counts.insert(Stance::NotAddressed, cells.unset());
        }
        let mut supporting = 0;
        let mut opposing = 0;
        let mut commented_by = Vec::new();
        let (mut corrected, mut uncertain) = (false, false);
        for (n, c) in cells.set_cells() {
            *counts.entry(c.stance).or_default() += 1;
            match c.stance {
                Stance::Support | Stance::SupportReservations => supporting += 1,
                Stance::Oppose => opposing += 1,
                _ => {}
            }
            if !matches!(c.stance, Stance::NoComment | Stance::NotAddressed) {
                commented_by.push(format!("r{}", n + 1));
            }
            corrected |= c.corrected.is_some();
            uncertain |= c.uncertain.is_some();
        }
        let conflict = supporting > 0 && opposing > 0;
        if conflict {
            conflicts.push(id.clone());
        }
        let commented = !commented_by.is_empty();
        let commented_by = commented_by.join(" ");
        let kind = kind_of(&t);
        let paragraph = match (&t, kind) {
            (Target::Place { address }, TargetKind::Paragraph | TargetKind::Punkt) => {
                Some(address.paragraph_part().id())
            }
            _ => None,
        };
        rows.push(MatrixRow {
            id,
            display,
            kind,
            paragraph,
            commented_by,
            corrected,
            uncertain,
            cells,
            counts,
            conflict,
            commented,
            supporting,
            opposing,
        });
    }
    Matrix { rows, conflicts }
}

/// Fills in every respondent's counts (`respondents` in the matrix's order): stances over
/// the paragraphs and over the chapters, the stance on the proposal and on the KU, and how
/// many readings were corrected or are uncertain. One pass over the cells that were set:
/// every other cell is "not addressed".
pub fn count_respondents(m: &Matrix, respondents: &mut [Respondent]) {
    let zero: BTreeMap<Stance, usize> = Stance::ALL.iter().map(|s| (*s, 0)).collect();
    // How many rows of each kind have a cell for respondent `i`: rows (all as long, as
    // `matrix` makes them) counted by their length.
    let mut rows_by_len: BTreeMap<(TargetKind, usize), usize> = BTreeMap::new();
    for row in &m.rows {
        *rows_by_len.entry((row.kind, row.cells.len())).or_default() += 1;
    }
    let rows_of = |kind: TargetKind, i: usize| -> usize {
        rows_by_len
            .iter()
            .filter(|((k, len), _)| *k == kind && *len > i)
            .map(|(_, n)| n)
            .sum()
    };
    let first = |kind: TargetKind| m.rows.iter().find(|x| x.kind == kind);
    let (doc, ku) = (first(TargetKind::Doc), first(TargetKind::Ku));
    for (i, r) in respondents.iter_mut().enumerate() {
        r.counts = zero.clone();
        r.chapter_counts = zero.clone();
        // Until a set cell says otherwise, each row that has a cell for `i` is "not
        // addressed" there.
        r.counts
            .insert(Stance::NotAddressed, rows_of(TargetKind::Paragraph, i));
        r.chapter_counts
            .insert(Stance::NotAddressed, rows_of(TargetKind::Chapter, i));
        let stance_in = |row: Option<&MatrixRow>| {
            row.and_then(|x| x.cells.get(i))
                .map_or(Stance::NotAddressed, |c| c.stance)
        };
        r.whole = stance_in(doc);
        r.ku = stance_in(ku);
        r.corrected = 0;
        r.uncertain = 0;
    }
    for row in &m.rows {
        for (i, c) in row.cells.set_cells() {
            let Some(r) = respondents.get_mut(i) else {
                break;
            };
            let counts = match row.kind {
                TargetKind::Paragraph => Some(&mut r.counts),
                TargetKind::Chapter => Some(&mut r.chapter_counts),
                _ => None,
            };
            if let Some(counts) = counts {
                if let Some(n) = counts.get_mut(&Stance::NotAddressed) {
                    *n -= 1;
                }
                *counts.entry(c.stance).or_default() += 1;
            }
            r.corrected += usize::from(c.corrected.is_some());
            r.uncertain += usize::from(c.uncertain.is_some());
        }
    }
}

/// Whether an answer opposed a paragraph or asked for it to change.
fn asks_for_change(c: &Cell) -> bool {
    matches!(
        c.stance,
        Stance::Oppose | Stance::SupportReservations | Stance::Proposal
    ) || c
        .flags
        .iter()
        .any(|f| matches!(f, Flag::Proposes | Flag::Clarification))
}

/// Follows each commented paragraph through the version maps (never by searching text).
pub fn effects(m: &Matrix, respondents: &[Respondent], maps: &[VersionMap]) -> EffectReport {
    let mut report = EffectReport::default();
    if maps.is_empty() {
        return report;
    }
    for row in m
        .rows
        .iter()
        .filter(|r| matches!(r.kind, TargetKind::Paragraph | TargetKind::Punkt))
    {
        let Some(start) = Address::from_id(&row.id) else {
            continue;
        };
        // Follow the paragraph through every version.
        let mut at = vec![start.paragraph_part()];
        let mut path = vec![start.paragraph_part().display()];
        let mut changed = false;
        let mut renumbered = false;
        let mut outcome = Outcome::Unchanged;
        for map in maps {
            let mut next = Vec::new();
            for a in &at {
                match map.follow(a) {
                    Followed::Same(x) => next.push(x),
                    Followed::Changed(x) => {
                        changed = true;
                        next.push(x);
                    }
                    Followed::Renumbered(x) => {
                        renumbered = true;
                        if map.paragraphs.iter().any(|e| {
                            e.old.contains(a)
                                && e.relation == Relation::Renumbered
                                && e.wording_changed()
                        }) {
                            changed = true;
                        }
                        next.push(x);
                    }
                    Followed::Moved(x) => {
                        outcome = Outcome::Moved;
                        next.push(x);
                    }
                    Followed::Split(v) => {
                        outcome = Outcome::Split;
                        next.extend(v);
                    }
                    Followed::Merged(x) => {
                        outcome = Outcome::Merged;
                        next.push(x);
                    }
                    Followed::Removed | Followed::Unknown => {}
                }
            }
            next.sort();
            next.dedup();
            path.push(if next.is_empty() {
                "–".to_string()
            } else {
                next.iter()
                    .map(|a| a.display())
                    .collect::<Vec<_>>()
                    .join(", ")
            });
            at = next;
            if at.is_empty() {
                break;
            }
        }
        if at.is_empty() {
            outcome = Outcome::Removed;
        } else if outcome == Outcome::Unchanged {
            outcome = match (renumbered, changed) {
                (true, true) => Outcome::RenumberedChanged,
                (true, false) => Outcome::Renumbered,
                (false, true) => Outcome::Changed,
                (false, false) => Outcome::Unchanged,
            };
        }
        for (cell, r) in row.cells.iter().zip(respondents) {
            if cell.stance == Stance::NotAddressed {
                continue;
            }
            let e = Effect {
                respondent: r.name.clone(),
                key: r.key.clone(),
                page: r.page.clone(),
                id: row.id.clone(),
                display: row.display.clone(),
                stance: cell.stance,
                flags: cell.flags.clone(),
                line: cell.evidence.first().map(|e| e.line).unwrap_or(1),
                outcome,
                now: at.iter().map(|a| a.display()).collect(),
                now_ids: at.iter().map(|a| a.id()).collect(),
                path: path.clone(),
                asked: cell.evidence.clone(),
            };
            if outcome == Outcome::Removed && cell.stance != Stance::NoComment {
                report.orphaned.push(e.clone());
            }
            // A punkt asked about in the same sentences as its paragraph is listed once,
            // under the paragraph.
            let again = row.kind == TargetKind::Punkt
                && report.effects.iter().any(|x| {
                    x.key == e.key
                        && Address::from_id(&x.id) == Some(start.paragraph_part())
                        && x.asked
                            .iter()
                            .map(|a| a.line)
                            .eq(e.asked.iter().map(|a| a.line))
                });
            if asks_for_change(cell) && !again {
                *report.counts.entry(outcome).or_default() += 1;
                report.effects.push(e);
            }
        }
    }
    report
}

/// One defect of an answer, as `remiss check` reports it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// The line of the answer it is on.
    pub line: u32,
    /// What is wrong.
    #[serde(flatten)]
    pub kind: FindingKind,
}

/// What is wrong with an answer.
#[skip_serializing_none]
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum FindingKind {
    /// A citation of a paragraph the draft does not have.
    MissingParagraph {
        /// The citation as written.
        cited: String,
        /// The paragraph whose wording the sentence matches, if one does.
        matches: Option<Address>,
    },
    /// One target given both support and opposition.
    Conflict {
        /// The target as a reader names it.
        target: String,
        /// The evidence lines.
        lines: Vec<u32>,
    },
    /// The same sentence twice in a row.
    Repeated {
        /// The sentence.
        sentence: String,
    },
    /// A topic heading that matches no paragraph of the draft.
    UnmatchedHeading {
        /// The heading.
        heading: String,
    },
}

/// The defects of an answer read against a draft (or without one), in line order.
pub fn lint(
    table: &StanceTable,
    answer: &crate::answer::Answer,
    draft: Option<&Regulation>,
) -> Vec<Finding> {
    // One index of the draft for the hints, however many citations are missing.
    let index = draft
        .filter(|_| !table.missing.is_empty())
        .map(crate::answer::topic::TopicIndex::build);
    lint_with_index(table, answer, index.as_ref())
}

/// As [`lint`], with the draft's topic index built once for many answers (a build).
pub fn lint_with_index(
    table: &StanceTable,
    answer: &crate::answer::Answer,
    index: Option<&crate::answer::topic::TopicIndex>,
) -> Vec<Finding> {
    let mut findings: Vec<Finding> = Vec::new();
    let mut seen = BTreeSet::new();
    for (written, e) in &table.missing {
        if seen.insert((written.clone(), e.line)) {
            let matches = index.and_then(|idx| {
                let chapter = Address::parse(written).and_then(|x| x.kapitel);
                idx.resolve(&e.text, chapter).map(|inf| inf.address)
            });
            findings.push(Finding {
                line: e.line,
                kind: FindingKind::MissingParagraph {
                    cited: written.clone(),
                    matches,
                },
            });
        }
    }
    for r in table.rows.iter().filter(|r| r.conflict) {
        let mut lines: Vec<u32> = r.evidence.iter().map(|e| e.line).collect();
        lines.dedup();
        findings.push(Finding {
            line: r.evidence.first().map(|e| e.line).unwrap_or(0),
            kind: FindingKind::Conflict {
                target: r.display.clone(),
                lines,
            },
        });
    }
    for w in answer.sentences.windows(2) {
        if w[0].text == w[1].text && w[0].text.split(' ').count() >= 4 && w[0].block == w[1].block {
            findings.push(Finding {
                line: w[1].span.line,
                kind: FindingKind::Repeated {
                    sentence: w[1].text.clone(),
                },
            });
        }
    }
    for h in &table.unmatched_headings {
        findings.push(Finding {
            line: h.line,
            kind: FindingKind::UnmatchedHeading {
                heading: h.text.clone(),
            },
        });
    }
    findings.sort_by_key(|f| f.line);
    findings
}

#[cfg(test)]
mod tests {
    use super::*;

    fn respondent(key: &str, lead: bool) -> Respondent {
        Respondent {
            key: key.into(),
            name: format!("Instans {key}"),
            file: format!("answers/{key}.txt"),
            page: format!("svar/{key}.html"),
            lead,
            case_number: None,
            counts: BTreeMap::new(),
            chapter_counts: BTreeMap::new(),
            whole: Stance::NotAddressed,
            ku: Stance::NotAddressed,
            corrected: 0,
            uncertain: 0,
        }
    }

    #[test]
    fn outcomes_and_kinds_serialise_by_their_names() {
        assert_eq!(
            serde_json::to_string(&Outcome::RenumberedChanged).unwrap(),
            "\"renumbered-changed\""
        );
        assert_eq!(Outcome::RenumberedChanged.as_str(), "renumbered-changed");
        assert_eq!(serde_json::to_string(&TargetKind::Ku).unwrap(), "\"ku\"");
        // Declared in name order, so maps keyed by outcome keep the names' order.
        use strum::IntoEnumIterator;
        let names: Vec<&str> = Outcome::iter().map(Outcome::as_str).collect();
        let mut sorted = names.clone();
        sorted.sort();
        assert_eq!(names, sorted);
    }

    #[test]
    fn stance_counts_serialise_in_the_order_of_the_names() {
        let mut r = respondent("r1", false);
        r.counts = Stance::ALL.iter().map(|s| (*s, 1)).collect();
        let json = serde_json::to_string(&r).unwrap();
        let comment = json.find("\"comment\"").unwrap();
        let support = json.find("\"support\"").unwrap();
        assert!(comment < support, "{json}");
        assert!(!json.contains("case_number"), "None is skipped: {json}");
    }

    /// The matrix as it was made before its cells were kept sparsely: every target looked
    /// up in every answer, every figure counted over every cell. Each row of `m` is
    /// compared with it (the cells as serialised).
    fn assert_same_as_dense(
        m: &Matrix,
        draft: &Regulation,
        tables: &[StanceTable],
        pages: &[String],
        corrected: &[(usize, String, String)],
    ) {
        let targets = targets(draft, tables);
        assert_eq!(m.rows.len(), targets.len());
        let mut conflicts = Vec::new();
        for ((_, id, _), row) in targets.iter().zip(&m.rows) {
            let cells: Vec<Cell> = tables
                .iter()
                .zip(pages)
                .enumerate()
                .map(|(n, (tab, page))| {
                    let note = corrected
                        .iter()
                        .find(|(a, i, _)| *a == n && i == id)
                        .map(|(_, _, note)| note.clone());
                    cell_of(tab.row(id), page, note)
                })
                .collect();
            assert_eq!(
                serde_json::to_value(&row.cells).unwrap(),
                serde_json::to_value(&cells).unwrap(),
                "{id}"
            );
            let mut counts: BTreeMap<Stance, usize> = BTreeMap::new();
            for c in &cells {
                *counts.entry(c.stance).or_default() += 1;
            }
            assert_eq!(row.counts, counts, "{id}");
            let supporting = cells
                .iter()
                .filter(|c| matches!(c.stance, Stance::Support | Stance::SupportReservations))
                .count();
            let opposing = cells.iter().filter(|c| c.stance == Stance::Oppose).count();
            assert_eq!(
                (row.supporting, row.opposing),
                (supporting, opposing),
                "{id}"
            );
            let commented_by: Vec<String> = cells
                .iter()
                .enumerate()
                .filter(|(_, c)| !matches!(c.stance, Stance::NoComment | Stance::NotAddressed))
                .map(|(n, _)| format!("r{}", n + 1))
                .collect();
            assert_eq!(row.commented_by, commented_by.join(" "), "{id}");
            assert_eq!(row.commented, !commented_by.is_empty(), "{id}");
            assert_eq!(
                row.corrected,
                cells.iter().any(|c| c.corrected.is_some()),
                "{id}"
            );
            assert_eq!(
                row.uncertain,
                cells.iter().any(|c| c.uncertain.is_some()),
                "{id}"
            );
            if supporting > 0 && opposing > 0 {
                conflicts.push(id.clone());
            }
        }
        assert_eq!(m.conflicts, conflicts);
    }

    /// The sample draft of the opinion's tests, `texts` read against it as answers, and
    /// their answer pages (`svar/r1.html`, …).
    fn read_answers(texts: &[&str]) -> (Regulation, Vec<StanceTable>, Vec<String>) {
        use super::opinion::tests_support::{draft, read};
        let draft = draft();
        let tables = texts
            .iter()
            .enumerate()
            .map(|(i, t)| read(&draft, &format!("{i}.txt"), t).1)
            .collect();
        let pages = (1..=texts.len())
            .map(|i| format!("svar/r{i}.html"))
            .collect();
        (draft, tables, pages)
    }

    #[test]
    fn the_matrix_keeps_only_the_cells_answers_fill_and_reads_as_the_dense_one() {
        let texts = [
            "Yttrande\n\nNämnden avstyrker 1 kap. 2 §. Nämnden tillstyrker 2 kap. 2 §.\n",
            "Yttrande\n\nKontoret tillstyrker 1 kap. 2 § och 2 kap. 1 §. Kontoret tillstyrker förslaget.\n",
            "Yttrande\n\nStyrelsen har inga synpunkter på förslaget.\n",
            "Yttrande\n\nFörvaltningen föreslår att 1 kap. 1 § förtydligas.\n",
        ];
        let (draft, mut tables, pages) = read_answers(&texts);
        // A second row with an id the answer already has: the first one counts, as
        // `StanceTable::row` finds it.
        let mut again = tables[0].rows[0].clone();
        again.stance = Stance::Support;
        tables[0].rows.push(again);
        let corrected = vec![
            (1, "K1P2".to_string(), "first note".to_string()),
            (1, "K1P2".to_string(), "second note".to_string()),
            // A reading the answer has no row for, one on the KU, one past the answers.
            (2, "K2P2".to_string(), String::new()),
            (3, "KU".to_string(), "ingen".to_string()),
            (9, "K1P1".to_string(), "no such answer".to_string()),
        ];
        let m = matrix(&draft, &tables, &pages, &corrected);
        assert_same_as_dense(&m, &draft, &tables, &pages, &corrected);
        // Only the cells with a reading or a note are kept: one per row an answer has
        // (its duplicate aside) that is a target, and the two notes without a row.
        let targets: BTreeSet<&str> = m.rows.iter().map(|r| r.id.as_str()).collect();
        let rows: usize = tables
            .iter()
            .map(|t| {
                let ids: BTreeSet<&str> = t.rows.iter().map(|r| r.id.as_str()).collect();
                ids.intersection(&targets).count()
            })
            .sum();
        let set: usize = m.rows.iter().map(|r| r.cells.len() - r.cells.unset()).sum();
        assert_eq!(set, rows + 2);
        assert!(rows >= 6, "the answers were read: {rows} rows");
        assert_eq!(m.rows[0].cells.len(), 4);
        assert!(
            !m.conflicts.is_empty(),
            "1 kap. 2 § is both supported and opposed"
        );
        let k1p2 = m.rows.iter().find(|r| r.id == "K1P2").unwrap();
        assert_eq!(k1p2.cells[0].stance, Stance::Oppose);
        assert_eq!(k1p2.cells[1].corrected.as_deref(), Some("first note"));
    }

    #[test]
    fn respondents_are_counted_from_the_cells_set_as_over_every_cell() {
        let texts = [
            "Yttrande\n\nNämnden avstyrker 1 kap. 2 §. Nämnden tillstyrker 2 kap.\n",
            "Yttrande\n\nKontoret tillstyrker förslaget och konsekvensutredningen.\n",
            "Yttrande\n\nStyrelsen har inga synpunkter.\n",
        ];
        let (draft, tables, pages) = read_answers(&texts);
        let corrected = vec![(0, "K1P2".to_string(), "rättad".to_string())];
        let m = matrix(&draft, &tables, &pages, &corrected);
        let mut rs: Vec<Respondent> = (1..=3)
            .map(|i| respondent(&format!("r{i}"), false))
            .collect();
        count_respondents(&m, &mut rs);
        for (i, r) in rs.iter().enumerate() {
            // Over every cell, as before.
            let over = |kind: TargetKind| {
                let mut c: BTreeMap<Stance, usize> = Stance::ALL.iter().map(|s| (*s, 0)).collect();
                for row in m.rows.iter().filter(|x| x.kind == kind) {
                    *c.entry(row.cells[i].stance).or_default() += 1;
                }
                c
            };
            let first = |kind: TargetKind| {
                m.rows
                    .iter()
                    .find(|x| x.kind == kind)
                    .map_or(Stance::NotAddressed, |x| x.cells[i].stance)
            };
            let rows_with =
                |f: &dyn Fn(&Cell) -> bool| m.rows.iter().filter(|x| f(&x.cells[i])).count();
            assert_eq!(r.counts, over(TargetKind::Paragraph), "{}", r.key);
            assert_eq!(r.chapter_counts, over(TargetKind::Chapter), "{}", r.key);
            assert_eq!(
                (r.whole, r.ku),
                (first(TargetKind::Doc), first(TargetKind::Ku))
            );
            assert_eq!(r.corrected, rows_with(&|c| c.corrected.is_some()));
            assert_eq!(r.uncertain, rows_with(&|c| c.uncertain.is_some()));
        }
        assert_eq!(rs[0].counts[&Stance::Oppose], 1);
        assert_eq!(rs[0].corrected, 1);
        assert_eq!(rs[1].whole, Stance::Support);
        assert_eq!(rs[2].counts[&Stance::NotAddressed], 4);
    }
}

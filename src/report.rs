//! Stage 4, reports: stances across answers (the compilation matrix and its conflicts), the
//! consolidated opinion, and the effect of the comments across draft versions.

use crate::address::Address;
use crate::answer::stance::{Evidence, Flag, Row, Stance, StanceTable, Target};
use crate::compare::{Followed, Relation, VersionMap};
use crate::regulation::Regulation;
use serde::{Serialize, Serializer};
use serde_with::skip_serializing_none;
use std::collections::{BTreeMap, BTreeSet};

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
}

/// One target of the matrix (the proposal, a chapter, a paragraph, a punkt, the
/// konsekvensutredning) with every respondent's cell.
#[derive(Clone, Debug, Serialize)]
pub struct MatrixRow {
    /// The target's id (`DOC`, `K2P7`, `KU`, `?…` for one outside the draft).
    pub id: String,
    /// The target as a reader names it (`2 kap. 7 §`).
    pub display: String,
    /// What the target is.
    pub kind: TargetKind,
    /// One cell per respondent, in the manifest's order.
    pub cells: Vec<Cell>,
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
}

/// The consolidated position on one target, with the respondents' contributions.
#[derive(Clone, Debug, Serialize)]
pub struct Position {
    /// The target's id, as in the matrix.
    pub id: String,
    /// The target as a reader names it.
    pub display: String,
    /// What the target is (the opinion's wording depends on it).
    pub kind: TargetKind,
    /// The consolidated stance.
    pub stance: Stance,
    /// The consolidated flags.
    pub flags: Vec<Flag>,
    /// Taken from the lead answer, or merged from the others.
    pub from_lead: bool,
    /// The answers disagree (support and opposition).
    pub divergent: bool,
    /// Every respondent who addressed the target.
    pub contributions: Vec<Contribution>,
}

/// One respondent's view on a target of the opinion.
#[derive(Clone, Debug, Serialize)]
pub struct Contribution {
    /// The respondent's name.
    pub respondent: String,
    /// The respondent's key (`r2`).
    pub key: String,
    /// The respondent's answer page.
    pub page: String,
    /// Their stance.
    pub stance: Stance,
    /// Their flags.
    pub flags: Vec<Flag>,
    /// The sentences behind it.
    pub evidence: Vec<Evidence>,
}

/// One chapter of the consolidated opinion.
#[skip_serializing_none]
#[derive(Clone, Debug, Serialize)]
pub struct OpinionChapter {
    /// `3 kap.`, or empty for a draft without chapters.
    pub display: String,
    /// The chapter's heading in the draft.
    pub heading: Option<String>,
    /// Nobody commented on the chapter or any of its paragraphs.
    pub no_comment: bool,
    /// The chapter as such (`3 kap.`), when commented on.
    pub chapter: Option<Position>,
    /// The paragraphs (and punkter) the opinion takes a position on.
    pub paragraphs: Vec<Position>,
    /// Some paragraphs have no comment: `Övriga paragrafer i kapitlet lämnas utan synpunkt.`
    pub others_no_comment: bool,
    /// Paragraphs left without comment in the opinion on which some answer did comment
    /// (the lead answer chose not to carry those views): shown so nothing is lost.
    pub not_carried: Vec<Position>,
}

/// The consolidated opinion (a tjänsteutlåtande draft).
#[derive(Clone, Debug, Serialize)]
pub struct Opinion {
    /// Who the opinion speaks for (`Stadsledningskontoret`).
    pub author: String,
    /// The position on the proposal as a whole.
    pub proposal: Option<Position>,
    /// The draft's chapters, in order.
    pub chapters: Vec<OpinionChapter>,
    /// The position on the konsekvensutredning.
    pub konsekvensutredning: Option<Position>,
    /// Targets outside the draft (unresolved citations and topics).
    pub other: Vec<Position>,
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
    /// The path through the versions: `2 kap. 16 § → 2 kap. 15 §`.
    pub path: Vec<String>,
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
        _ => TargetKind::Other,
    }
}

fn cell_of(r: Option<&Row>, page: &str) -> Cell {
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
        },
        None => Cell {
            href: String::new(),
            stance: Stance::NotAddressed,
            flags: Vec::new(),
            evidence: Vec::new(),
            inferred: None,
            uncertain: None,
        },
    }
}

/// Every target in order: the proposal, the draft's chapters and paragraphs (with punkter
/// after their paragraph), targets outside the draft, the konsekvensutredning.
fn targets(draft: &Regulation, tables: &[StanceTable]) -> Vec<(Target, String, String)> {
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut extra: BTreeMap<Address, Vec<(Target, String, String)>> = BTreeMap::new();
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
                Target::Document | Target::Konsekvensutredning => {}
                _ => outside.push((r.target.clone(), r.id.clone(), r.display.clone())),
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

/// The matrix of targets × respondents; `pages` are the answer pages cells link to.
pub fn matrix(draft: &Regulation, tables: &[StanceTable], pages: &[String]) -> Matrix {
    let mut rows = Vec::new();
    let mut conflicts = Vec::new();
    for (t, id, display) in targets(draft, tables) {
        let cells: Vec<Cell> = tables
            .iter()
            .zip(pages)
            .map(|(tab, page)| cell_of(tab.row(&id), page))
            .collect();
        let mut counts: BTreeMap<Stance, usize> = BTreeMap::new();
        for c in &cells {
            *counts.entry(c.stance).or_default() += 1;
        }
        let supportive = cells
            .iter()
            .any(|c| matches!(c.stance, Stance::Support | Stance::SupportReservations));
        let opposed = cells.iter().any(|c| c.stance == Stance::Oppose);
        let conflict = supportive && opposed;
        if conflict {
            conflicts.push(id.clone());
        }
        let commented = cells
            .iter()
            .any(|c| !matches!(c.stance, Stance::NoComment | Stance::NotAddressed));
        let supporting = cells
            .iter()
            .filter(|c| matches!(c.stance, Stance::Support | Stance::SupportReservations))
            .count();
        let opposing = cells.iter().filter(|c| c.stance == Stance::Oppose).count();
        rows.push(MatrixRow {
            id,
            display,
            kind: kind_of(&t),
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

/// Counts of stances per respondent, over the draft's paragraphs.
pub fn respondent_counts(m: &Matrix, i: usize) -> BTreeMap<Stance, usize> {
    let mut c: BTreeMap<Stance, usize> = Stance::ALL.iter().map(|s| (*s, 0)).collect();
    for r in m.rows.iter().filter(|r| r.kind == TargetKind::Paragraph) {
        if let Some(cell) = r.cells.get(i) {
            *c.entry(cell.stance).or_default() += 1;
        }
    }
    c
}

fn position(row: &MatrixRow, respondents: &[Respondent]) -> Position {
    let contributions: Vec<Contribution> = row
        .cells
        .iter()
        .zip(respondents)
        .filter(|(c, _)| c.stance != Stance::NotAddressed)
        .map(|(c, r)| Contribution {
            respondent: r.name.clone(),
            key: r.key.clone(),
            page: r.page.clone(),
            stance: c.stance,
            flags: c.flags.clone(),
            evidence: c.evidence.clone(),
        })
        .collect();
    let lead = respondents
        .iter()
        .position(|r| r.lead)
        .and_then(|i| row.cells.get(i))
        .filter(|c| c.stance != Stance::NotAddressed);
    let divergent = row.conflict;
    let (stance, flags, from_lead) = match lead {
        Some(c) => (c.stance, c.flags.clone(), true),
        None => {
            let stances: Vec<Stance> = contributions.iter().map(|c| c.stance).collect();
            let mut flags: BTreeSet<Flag> = BTreeSet::new();
            for c in &contributions {
                flags.extend(c.flags.iter().copied());
            }
            let supportive = stances
                .iter()
                .any(|s| matches!(s, Stance::Support | Stance::SupportReservations));
            let opposed = stances.contains(&Stance::Oppose);
            let stance = if supportive && opposed {
                Stance::Comment
            } else {
                // The strongest position taken (oppose before reservations before support ...).
                stances
                    .iter()
                    .copied()
                    .min()
                    .unwrap_or(Stance::NotAddressed)
            };
            (stance, flags.into_iter().collect(), false)
        }
    };
    Position {
        id: row.id.clone(),
        display: row.display.clone(),
        kind: row.kind,
        stance,
        flags,
        from_lead,
        divergent,
        contributions,
    }
}

/// The opinion takes a position of substance (not only no-comment).
fn substantive(p: &Position) -> bool {
    !matches!(p.stance, Stance::NoComment | Stance::NotAddressed)
}

/// Some answer commented, whatever the opinion's position.
fn anyone_commented(p: &Position) -> bool {
    p.contributions
        .iter()
        .any(|c| !matches!(c.stance, Stance::NoComment | Stance::NotAddressed))
}

/// Worth a place in the opinion: a position of substance, or views from the answers.
fn shown(p: &Position) -> bool {
    substantive(p) || anyone_commented(p)
}

/// The consolidated opinion in the draft's structure.
pub fn opinion(
    draft: &Regulation,
    m: &Matrix,
    respondents: &[Respondent],
    author: &str,
) -> Opinion {
    let by_id: BTreeMap<&str, &MatrixRow> = m.rows.iter().map(|r| (r.id.as_str(), r)).collect();
    let pos = |id: &str| by_id.get(id).map(|r| position(r, respondents));
    let mut chapters = Vec::new();
    for k in &draft.kapitel {
        let display = match k.label {
            Some(l) => Address::chapter(l).display(),
            None => String::new(),
        };
        let chapter = k
            .label
            .and_then(|l| pos(&Address::chapter(l).id()))
            .filter(substantive);
        let mut paragraphs = Vec::new();
        let mut not_carried = Vec::new();
        let mut quiet = 0;
        let mut seen = BTreeSet::new();
        for p in &k.paragrafer {
            if !seen.insert(p.address) {
                continue;
            }
            let mut here = Vec::new();
            match pos(&p.address.id()) {
                Some(x) => here.push((x, true)),
                None => quiet += 1,
            }
            // Punkter named by answers follow their paragraph.
            for r in m.rows.iter().filter(|r| r.kind == TargetKind::Punkt) {
                if let Some(a) = Address::from_id(&r.id)
                    && a.paragraph_part() == p.address
                    && let Some(x) = pos(&r.id)
                {
                    here.push((x, false));
                }
            }
            for (x, is_paragraph) in here {
                if substantive(&x) {
                    paragraphs.push(x);
                } else {
                    if is_paragraph {
                        quiet += 1;
                    }
                    if anyone_commented(&x) {
                        not_carried.push(x);
                    }
                }
            }
        }
        chapters.push(OpinionChapter {
            display,
            heading: k.heading.clone(),
            no_comment: paragraphs.is_empty() && chapter.is_none(),
            chapter,
            others_no_comment: quiet > 0 && !paragraphs.is_empty(),
            paragraphs,
            not_carried,
        });
    }
    let other = m
        .rows
        .iter()
        .filter(|r| r.kind == TargetKind::Other)
        .map(|r| position(r, respondents))
        .filter(shown)
        .collect();
    Opinion {
        author: author.to_string(),
        proposal: pos("DOC").filter(shown),
        chapters,
        konsekvensutredning: pos("KU").filter(shown),
        other,
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
                path: path.clone(),
            };
            if outcome == Outcome::Removed && cell.stance != Stance::NoComment {
                report.orphaned.push(e.clone());
            }
            if asks_for_change(cell) {
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
    let mut findings: Vec<Finding> = Vec::new();
    let mut seen = BTreeSet::new();
    // One index of the draft for the hints, however many citations are missing.
    let index = draft
        .filter(|_| !table.missing.is_empty())
        .map(crate::answer::topic::TopicIndex::build);
    for (written, e) in &table.missing {
        if seen.insert((written.clone(), e.line)) {
            let matches = index.as_ref().and_then(|idx| {
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
        }
    }

    fn cell(stance: Stance, flags: &[Flag]) -> Cell {
        Cell {
            href: String::new(),
            stance,
            flags: flags.to_vec(),
            evidence: Vec::new(),
            inferred: None,
            uncertain: None,
        }
    }

    fn row(cells: Vec<Cell>) -> MatrixRow {
        let supporting = cells
            .iter()
            .filter(|c| matches!(c.stance, Stance::Support | Stance::SupportReservations))
            .count();
        let opposing = cells.iter().filter(|c| c.stance == Stance::Oppose).count();
        MatrixRow {
            id: "K2P7".into(),
            display: "2 kap. 7 §".into(),
            kind: TargetKind::Paragraph,
            conflict: supporting > 0 && opposing > 0,
            commented: true,
            supporting,
            opposing,
            counts: BTreeMap::new(),
            cells,
        }
    }

    #[test]
    fn the_lead_answer_decides_where_it_has_a_position() {
        let rs = [respondent("r1", true), respondent("r2", false)];
        let p = position(
            &row(vec![
                cell(Stance::Support, &[]),
                cell(Stance::Oppose, &[Flag::Concern]),
            ]),
            &rs,
        );
        assert!(p.from_lead);
        assert_eq!(p.stance, Stance::Support);
        assert!(p.flags.is_empty());
        assert!(
            p.divergent,
            "support and opposition are still shown as divergent"
        );
        assert_eq!(p.kind, TargetKind::Paragraph);
        assert_eq!(p.contributions.len(), 2);
    }

    #[test]
    fn without_the_lead_the_strongest_position_is_taken_and_flags_merged() {
        let rs = [
            respondent("r1", true),
            respondent("r2", false),
            respondent("r3", false),
        ];
        let p = position(
            &row(vec![
                cell(Stance::NotAddressed, &[]),
                cell(Stance::SupportReservations, &[Flag::Clarification]),
                cell(Stance::Comment, &[Flag::Proposes]),
            ]),
            &rs,
        );
        assert!(!p.from_lead);
        assert_eq!(p.stance, Stance::SupportReservations);
        assert_eq!(p.flags, vec![Flag::Proposes, Flag::Clarification]);
        assert!(!p.divergent);
        assert_eq!(
            p.contributions.len(),
            2,
            "not-addressed contributes nothing"
        );
    }

    #[test]
    fn support_against_opposition_without_the_lead_is_a_divergent_comment() {
        let rs = [respondent("r1", false), respondent("r2", false)];
        let p = position(
            &row(vec![cell(Stance::Support, &[]), cell(Stance::Oppose, &[])]),
            &rs,
        );
        assert_eq!(p.stance, Stance::Comment);
        assert!(p.divergent && !p.from_lead);
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
}

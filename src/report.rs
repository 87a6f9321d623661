//! Stage 4, reports: stances across answers (the compilation matrix and its conflicts), the
//! consolidated opinion, and the effect of the comments across draft versions.

use crate::address::Address;
use crate::answer::stance::{Evidence, Flag, Row, Stance, StanceTable, Target};
use crate::compare::{Followed, Relation, VersionMap};
use crate::regulation::Regulation;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// One answer in the case.
#[derive(Clone, Debug, Serialize)]
pub struct Respondent {
    /// `r1`, `r2`, ... in the manifest's order: used in links and CSV columns.
    pub key: String,
    pub name: String,
    pub file: String,
    /// The page with the answer's text and line anchors (`svar/r1.html`).
    pub page: String,
    /// The answer whose positions the consolidated opinion takes over (the office's own).
    pub lead: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub case_number: Option<String>,
    pub counts: BTreeMap<String, usize>,
}

/// One cell of the matrix: one respondent on one target.
#[derive(Clone, Debug, Serialize)]
pub struct Cell {
    /// The answer page and line of the first evidence sentence (`svar/r2.html#L43`).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub href: String,
    pub stance: Stance,
    pub flags: Vec<Flag>,
    pub evidence: Vec<Evidence>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inferred: Option<Vec<String>>,
}

/// One target of the matrix (the proposal, a chapter, a paragraph, a punkt, the
/// konsekvensutredning) with every respondent's cell.
#[derive(Clone, Debug, Serialize)]
pub struct MatrixRow {
    pub id: String,
    pub display: String,
    /// `doc`, `chapter`, `paragraph`, `punkt`, `ku`, `other`.
    pub kind: &'static str,
    pub cells: Vec<Cell>,
    pub counts: BTreeMap<String, usize>,
    /// Support and opposition on the same target.
    pub conflict: bool,
    /// Someone took a position other than no-comment.
    pub commented: bool,
    /// Respondents supporting (with or without reservations) and opposing.
    pub supporting: usize,
    pub opposing: usize,
}

/// The consolidated position on one target, with the respondents' contributions.
#[derive(Clone, Debug, Serialize)]
pub struct Position {
    pub id: String,
    pub display: String,
    pub stance: Stance,
    pub flags: Vec<Flag>,
    /// Taken from the lead answer, or merged from the others.
    pub from_lead: bool,
    /// The answers disagree (support and opposition).
    pub divergent: bool,
    pub contributions: Vec<Contribution>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Contribution {
    pub respondent: String,
    pub key: String,
    pub page: String,
    pub stance: Stance,
    pub flags: Vec<Flag>,
    pub evidence: Vec<Evidence>,
}

/// One chapter of the consolidated opinion.
#[derive(Clone, Debug, Serialize)]
pub struct OpinionChapter {
    pub display: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub heading: Option<String>,
    /// Nobody commented on the chapter or any of its paragraphs.
    pub no_comment: bool,
    /// The chapter as such (`3 kap.`), when commented on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub chapter: Option<Position>,
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
    pub proposal: Option<Position>,
    pub chapters: Vec<OpinionChapter>,
    pub konsekvensutredning: Option<Position>,
    /// Targets outside the draft (unresolved citations and topics).
    pub other: Vec<Position>,
}

/// What the next version did with a paragraph an answer opposed or asked to change.
#[derive(Clone, Debug, Serialize)]
pub struct Effect {
    pub respondent: String,
    pub key: String,
    pub page: String,
    pub id: String,
    pub display: String,
    pub stance: Stance,
    pub flags: Vec<Flag>,
    /// The first line of the evidence in the answer (the matrix has the sentences).
    pub line: u32,
    /// `unchanged`, `changed`, `renumbered`, `renumbered-changed`, `moved`, `split`,
    /// `merged`, `removed`: what the last version did, followed through every version.
    pub outcome: &'static str,
    /// The outcome in Swedish for documents.
    pub outcome_sv: &'static str,
    /// Where the paragraph stands in the last version.
    pub now: Vec<String>,
    /// The path through the versions: `2 kap. 16 § → 2 kap. 15 §`.
    pub path: Vec<String>,
}

/// All effects, with the stances left without a paragraph.
#[derive(Clone, Debug, Default, Serialize)]
pub struct EffectReport {
    pub effects: Vec<Effect>,
    /// Stances (of any kind) whose paragraph disappeared.
    pub orphaned: Vec<Effect>,
    pub counts: BTreeMap<String, usize>,
}

/// The compilation across answers.
#[derive(Clone, Debug, Serialize)]
pub struct Matrix {
    pub rows: Vec<MatrixRow>,
    /// Row ids with support and opposition on the same target, in draft order.
    pub conflicts: Vec<String>,
}

const STANCES: [Stance; 7] = [
    Stance::Support,
    Stance::SupportReservations,
    Stance::Oppose,
    Stance::Proposal,
    Stance::Comment,
    Stance::NoComment,
    Stance::NotAddressed,
];

fn count_key(s: Stance) -> String {
    s.as_str().to_string()
}

fn kind_of(t: &Target) -> &'static str {
    match t {
        Target::Document => "doc",
        Target::Konsekvensutredning => "ku",
        Target::Place { address } if address.paragraf.is_none() => "chapter",
        Target::Place { address } if address.stycke.is_some() || address.punkt.is_some() => "punkt",
        Target::Place { .. } => "paragraph",
        _ => "other",
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
        },
        None => Cell {
            href: String::new(),
            stance: Stance::NotAddressed,
            flags: Vec::new(),
            evidence: Vec::new(),
            inferred: None,
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
        let mut counts: BTreeMap<String, usize> = BTreeMap::new();
        for c in &cells {
            *counts.entry(count_key(c.stance)).or_default() += 1;
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
pub fn respondent_counts(m: &Matrix, i: usize) -> BTreeMap<String, usize> {
    let mut c: BTreeMap<String, usize> = STANCES.iter().map(|s| (count_key(*s), 0)).collect();
    for r in m.rows.iter().filter(|r| r.kind == "paragraph") {
        if let Some(cell) = r.cells.get(i) {
            *c.entry(count_key(cell.stance)).or_default() += 1;
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
            for r in m.rows.iter().filter(|r| r.kind == "punkt") {
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
        .filter(|r| r.kind == "other")
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

fn outcome_names(o: &'static str) -> &'static str {
    match o {
        "unchanged" => "oförändrad",
        "changed" => "ändrad",
        "renumbered" => "ny beteckning, samma lydelse",
        "renumbered-changed" => "ny beteckning och ändrad",
        "moved" => "flyttad",
        "split" => "delad",
        "merged" => "sammanslagen",
        "removed" => "borttagen",
        _ => "okänd",
    }
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
        .filter(|r| matches!(r.kind, "paragraph" | "punkt"))
    {
        let Some(start) = Address::from_id(&row.id) else {
            continue;
        };
        // Follow the paragraph through every version.
        let mut at = vec![start.paragraph_part()];
        let mut path = vec![start.paragraph_part().display()];
        let mut changed = false;
        let mut renumbered = false;
        let mut outcome: &'static str = "unchanged";
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
                        outcome = "moved";
                        next.push(x);
                    }
                    Followed::Split(v) => {
                        outcome = "split";
                        next.extend(v);
                    }
                    Followed::Merged(x) => {
                        outcome = "merged";
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
            outcome = "removed";
        } else if outcome == "unchanged" {
            outcome = match (renumbered, changed) {
                (true, true) => "renumbered-changed",
                (true, false) => "renumbered",
                (false, true) => "changed",
                (false, false) => "unchanged",
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
                outcome_sv: outcome_names(outcome),
                now: at.iter().map(|a| a.display()).collect(),
                path: path.clone(),
            };
            if outcome == "removed" && cell.stance != Stance::NoComment {
                report.orphaned.push(e.clone());
            }
            if asks_for_change(cell) {
                *report.counts.entry(outcome.to_string()).or_default() += 1;
                report.effects.push(e);
            }
        }
    }
    report
}

//! Stage 4, reports: the consolidated opinion (a tjänsteutlåtande draft). The office's
//! positions are the lead answer's own prose, paragraph by paragraph, placed under the
//! chapter it is about; every other respondent's view goes to a compilation of its own, so
//! nothing is said in the lead's name that the lead answer did not say.

use super::{Contribution, Matrix, MatrixRow, Respondent, TargetKind};
use crate::address::{Address, Label};
use crate::answer::stance::{Stance, StanceTable, Target};
use crate::answer::{Answer, Area, HeadingKind};
use crate::regulation::Regulation;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// One sentence of the lead answer, with the line it links to.
#[derive(Clone, Debug, Serialize)]
pub struct Said {
    /// The sentence as the answer has it (line breaks joined).
    pub text: String,
    /// The line it starts on.
    pub line: u32,
    /// The answer page and line (`svar/r1.html#L113`).
    pub href: String,
}

/// What a passage is about: a target of the lead's reading, linked to its jämförelse row.
#[derive(Clone, Debug, Serialize)]
pub struct About {
    /// The target's id (`K2P7`, `DOC`, `KU`).
    pub id: String,
    /// The target as a reader names it (`2 kap. 7 §`).
    pub display: String,
    /// The row of the paragraph in the first jämförelse (`jamforelse-1.html#K2P7`), when
    /// there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub href: Option<String>,
}

/// One text paragraph of the lead answer, its sentences kept together in their order.
#[derive(Clone, Debug, Serialize)]
pub struct Passage {
    /// The lead's own topic heading above it (`Personalsäkerhet`), where one starts here.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub heading: Option<String>,
    /// The sentences, in the answer's order.
    pub sentences: Vec<Said>,
    /// The targets the passage takes positions on, in the order first met.
    pub about: Vec<About>,
}

/// Where the summary comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SummaryFrom {
    /// The lead answer's own `Sammanfattning` section.
    LeadSection,
    /// The lead's sentences on the proposal as a whole (it has no summary section).
    LeadSentences,
    /// Nothing to take it from: a person must write it.
    Missing,
}

/// A chapter of the office's positions.
#[derive(Clone, Debug, Serialize)]
pub struct OpinionChapter {
    /// The target's id (`K2P7`, `DOC`, `KU`).
    pub id: String,
    /// `2 kap.`
    pub display: String,
    /// The draft's heading of the chapter.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub heading: Option<String>,
    /// The lead's text paragraphs about the chapter, in order.
    pub passages: Vec<Passage>,
}

/// One target in the compilation of the other respondents' views.
#[derive(Clone, Debug, Serialize)]
pub struct Views {
    /// The target's id (`K2P7`, `DOC`, `KU`).
    pub id: String,
    /// The target as a reader names it (`2 kap. 7 §`).
    pub display: String,
    /// What the target is.
    pub kind: TargetKind,
    /// The lead's stance on the target, when it took one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lead: Option<Stance>,
    /// Support and opposition both among all answers.
    pub divergent: bool,
    /// Respondents whose stance goes against the lead's (support against opposition).
    pub against_lead: Vec<String>,
    /// The jämförelse row, for paragraphs and punkter.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub href: Option<String>,
    /// The other respondents' readings.
    pub views: Vec<Contribution>,
}

/// The compilation of one chapter (or of the proposal, the KU).
#[derive(Clone, Debug, Serialize)]
pub struct ViewsChapter {
    /// `2 kap.`, or `Förslaget i sin helhet`, `Konsekvensutredningen`.
    pub display: String,
    /// The draft's heading of the chapter.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub heading: Option<String>,
    /// The targets with views, in the draft's order.
    pub items: Vec<Views>,
}

/// The consolidated opinion.
#[derive(Clone, Debug, Serialize)]
pub struct Opinion {
    /// Who the opinion speaks for (`Stadsledningskontoret`).
    pub author: String,
    /// The lead respondent's key (`r1`); no lead, no positions in the office's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lead: Option<String>,
    /// Where the summary comes from.
    pub summary_from: SummaryFrom,
    /// The summary: the lead's own, or its sentences on the proposal as a whole.
    pub summary: Vec<Passage>,
    /// Lead passages about several chapters at once, or about the proposal beyond the
    /// summary.
    pub general: Vec<Passage>,
    /// The lead's positions chapter by chapter, only chapters the lead wrote about.
    pub chapters: Vec<OpinionChapter>,
    /// The lead's passages about the konsekvensutredning.
    pub konsekvensutredning: Vec<Passage>,
    /// The other respondents' views per chapter: the proposal, chapters, the KU.
    pub others: Vec<ViewsChapter>,
    /// The respondents other than the lead, for `Ärendets beredning`.
    pub consulted: Vec<String>,
}

/// What the opinion needs besides the matrix.
pub struct Inputs<'a> {
    /// The first draft version.
    pub draft: &'a Regulation,
    /// The matrix after corrections.
    pub matrix: &'a Matrix,
    /// The answers in the case.
    pub respondents: &'a [Respondent],
    /// Who the opinion speaks for.
    pub author: &'a str,
    /// The lead answer as parsed and read (after corrections).
    pub lead: Option<(&'a Answer, &'a StanceTable)>,
    /// The first jämförelse page, when there are two versions.
    pub comparison: Option<&'a str>,
}

fn jump(comparison: Option<&str>, id: &str) -> Option<String> {
    let a = Address::from_id(id)?;
    a.paragraf?;
    // The jämförelse anchors each row by its old ids too: the answers read the first version.
    Some(format!("{}#old-{}", comparison?, a.paragraph_part().id()))
}

/// The byte ranges of the lead's `Sammanfattning` sections (to the next heading that is
/// not a topic heading), in order.
fn summary_sections(a: &Answer) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    for (i, h) in a.headings.iter().enumerate() {
        if h.kind != HeadingKind::Section || !h.text.to_lowercase().starts_with("sammanfattning") {
            continue;
        }
        let end = a.headings[i + 1..]
            .iter()
            .find(|n| n.kind != HeadingKind::Topic && n.kind != HeadingKind::Other)
            .map(|n| n.span.start)
            .unwrap_or(usize::MAX);
        out.push((h.span.end, end));
    }
    out
}

/// Where a lead passage belongs.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Home {
    Summary,
    General,
    Chapter(Label),
    Ku,
    Nowhere,
}

/// The opinion: the lead's own prose placed by chapter, the others' views apart.
pub fn opinion(i: &Inputs) -> Opinion {
    let lead_idx = i.respondents.iter().position(|r| r.lead);
    let mut summary = Vec::new();
    let mut general = Vec::new();
    let mut ku = Vec::new();
    let mut by_chapter: BTreeMap<Label, Vec<Passage>> = BTreeMap::new();
    let mut summary_from = SummaryFrom::Missing;
    if let (Some((ans, table)), Some(li)) = (i.lead, lead_idx) {
        let page = &i.respondents[li].page;
        // Which rows each sentence is evidence of, by the sentence's start.
        let mut rows_at: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        for (n, r) in table.rows.iter().enumerate() {
            for e in &r.evidence {
                rows_at.entry(e.span.start).or_default().push(n);
            }
        }
        let sections = summary_sections(ans);
        let in_section = |start: usize, s: &(usize, usize)| start >= s.0 && start < s.1;
        // The summary section the lead's positions are in: the one with the most
        // sentences that carry a position (the later on a tie: a PM's `Sammanfattning av
        // ärendet` comes before the office's `Sammanfattning av synpunkter`).
        let chosen = sections
            .iter()
            .enumerate()
            .map(|(k, s)| {
                let n = ans
                    .sentences
                    .iter()
                    .filter(|x| in_section(x.span.start, s) && rows_at.contains_key(&x.span.start))
                    .count();
                (n, k)
            })
            .max()
            .filter(|(n, _)| *n > 0)
            .map(|(_, k)| sections[k]);
        let mut last_topic: Option<usize> = None;
        let mut k = 0;
        let sents = &ans.sentences;
        while k < sents.len() {
            let para = sents[k].block;
            let mut end = k;
            while end < sents.len() && sents[end].block == para {
                end += 1;
            }
            let group = &sents[k..end];
            k = end;
            let mut about: Vec<About> = Vec::new();
            let mut seen: BTreeSet<usize> = BTreeSet::new();
            for s in group {
                for &n in rows_at.get(&s.span.start).into_iter().flatten() {
                    let r = &table.rows[n];
                    // Readings of citations the draft lacks are findings, not positions.
                    if matches!(
                        r.target,
                        Target::Unresolved { .. } | Target::OtherParagraphs { .. }
                    ) {
                        continue;
                    }
                    // `Övriga paragrafer … utan synpunkt` names no paragraph to link to.
                    if r.stance == Stance::NoComment {
                        continue;
                    }
                    if seen.insert(n) {
                        about.push(About {
                            id: r.id.clone(),
                            display: r.display.clone(),
                            href: jump(i.comparison, &r.id),
                        });
                    }
                }
            }
            let first = &group[0];
            let home = if chosen.is_some_and(|s| in_section(first.span.start, &s)) {
                Home::Summary
            } else {
                match first.area {
                    Area::Procedural => Home::Nowhere,
                    Area::Chapter(l) => Home::Chapter(l),
                    Area::Paragraph(a) => match a.kapitel {
                        Some(l) => Home::Chapter(l),
                        None => Home::General,
                    },
                    // Under a heading naming a part or a section of the report.
                    Area::Part(_) if about.is_empty() => Home::Nowhere,
                    Area::Part(_) => Home::General,
                    Area::Konsekvensutredning => Home::Ku,
                    Area::General => {
                        let chapters: BTreeSet<Label> = about
                            .iter()
                            .filter_map(|a| Address::from_id(&a.id).and_then(|x| x.kapitel))
                            .collect();
                        let ku_only = about.iter().all(|a| a.id == "KU");
                        if about.is_empty() {
                            // Background, not a position.
                            Home::Nowhere
                        } else if ku_only {
                            Home::Ku
                        } else if chapters.len() == 1
                            && about.iter().all(|a| a.id != "DOC" && a.id != "KU")
                        {
                            Home::Chapter(*chapters.iter().next().unwrap_or(&Label::new(0)))
                        } else if about.iter().all(|a| a.id == "DOC") {
                            // The proposal as a whole: the summary says it when the lead
                            // has one; otherwise these sentences make the summary.
                            if chosen.is_some() {
                                Home::Nowhere
                            } else {
                                Home::Summary
                            }
                        } else {
                            Home::General
                        }
                    }
                }
            };
            if home == Home::Nowhere {
                continue;
            }
            // The lead's own headings within a section: topics, and the part or section of
            // the report a passage stands under.
            let here = match first.area {
                Area::Part(h) => Some(h),
                Area::Chapter(_) | Area::Paragraph(_) => first.topic,
                _ => None,
            };
            let heading = match here {
                Some(t) if last_topic != Some(t) => ans.headings.get(t).map(|h| h.text.clone()),
                _ => None,
            };
            last_topic = here;
            let mut sentences: Vec<Said> = Vec::new();
            for s in group {
                // A sentence printed twice in a row is said once (`check` reports it).
                if sentences.last().is_some_and(|p| p.text == s.text) {
                    continue;
                }
                sentences.push(Said {
                    text: s.text.clone(),
                    line: s.span.line,
                    href: format!("{page}#L{}", s.span.line),
                });
            }
            let p = Passage {
                heading,
                sentences,
                about,
            };
            match home {
                Home::Summary => summary.push(p),
                Home::General => general.push(p),
                Home::Chapter(l) => by_chapter.entry(l).or_default().push(p),
                Home::Ku => ku.push(p),
                Home::Nowhere => {}
            }
        }
        summary_from = if chosen.is_some() {
            SummaryFrom::LeadSection
        } else if !summary.is_empty() {
            SummaryFrom::LeadSentences
        } else {
            SummaryFrom::Missing
        };
        if chosen.is_none() {
            // Only the sentences that say something about the proposal as a whole.
            for p in &mut summary {
                p.sentences.retain(|s| {
                    table.row("DOC").is_some_and(|r| {
                        r.evidence
                            .iter()
                            .any(|e| e.line == s.line && e.text == s.text)
                    })
                });
            }
            summary.retain(|p| !p.sentences.is_empty());
        }
    }
    let mut chapters = Vec::new();
    for k in &i.draft.kapitel {
        let Some(l) = k.label else { continue };
        if let Some(passages) = by_chapter.remove(&l) {
            chapters.push(OpinionChapter {
                id: Address::chapter(l).id(),
                display: Address::chapter(l).display(),
                heading: k.heading.clone(),
                passages,
            });
        }
    }
    // Chapters the lead writes about that the draft lacks: kept, in label order.
    for (l, passages) in by_chapter {
        chapters.push(OpinionChapter {
            id: Address::chapter(l).id(),
            display: Address::chapter(l).display(),
            heading: None,
            passages,
        });
    }
    Opinion {
        author: i.author.to_string(),
        lead: lead_idx.map(|n| i.respondents[n].key.clone()),
        summary_from,
        summary,
        general,
        chapters,
        konsekvensutredning: ku,
        others: others(i, lead_idx),
        consulted: i
            .respondents
            .iter()
            .filter(|r| !r.lead)
            .map(|r| r.name.clone())
            .collect(),
    }
}

fn supportive(s: Stance) -> bool {
    matches!(s, Stance::Support | Stance::SupportReservations)
}

/// A view worth a line in the compilation: a position of substance, or an explicit
/// no-comment on a chapter or the proposal as a whole.
fn listed(kind: TargetKind, s: Stance) -> bool {
    match s {
        Stance::NotAddressed => false,
        Stance::NoComment => matches!(kind, TargetKind::Chapter | TargetKind::Doc | TargetKind::Ku),
        _ => true,
    }
}

fn views_of(row: &MatrixRow, i: &Inputs, lead_idx: Option<usize>) -> Option<Views> {
    let lead = lead_idx
        .and_then(|n| row.cells.get(n))
        .map(|c| c.stance)
        .filter(|s| !matches!(s, Stance::NotAddressed));
    let mut views = Vec::new();
    let mut against = Vec::new();
    for (n, (c, r)) in row.cells.iter().zip(i.respondents).enumerate() {
        if Some(n) == lead_idx || !listed(row.kind, c.stance) {
            continue;
        }
        if let Some(l) = lead
            && (supportive(l) && c.stance == Stance::Oppose
                || l == Stance::Oppose && supportive(c.stance))
        {
            against.push(r.name.clone());
        }
        views.push(Contribution {
            respondent: r.name.clone(),
            key: r.key.clone(),
            page: r.page.clone(),
            stance: c.stance,
            flags: c.flags.clone(),
            evidence: c.evidence.clone(),
            corrected: c.corrected.clone(),
            uncertain: c.uncertain.clone(),
        });
    }
    if views.is_empty() {
        return None;
    }
    Some(Views {
        id: row.id.clone(),
        display: row.display.clone(),
        kind: row.kind,
        lead,
        divergent: row.conflict,
        against_lead: against,
        href: jump(i.comparison, &row.id),
        views,
    })
}

fn others(i: &Inputs, lead_idx: Option<usize>) -> Vec<ViewsChapter> {
    let mut out: Vec<ViewsChapter> = Vec::new();
    let mut whole = Vec::new();
    let mut ku = Vec::new();
    let mut parts = Vec::new();
    let mut by_chapter: BTreeMap<Label, Vec<Views>> = BTreeMap::new();
    for row in &i.matrix.rows {
        let Some(v) = views_of(row, i, lead_idx) else {
            continue;
        };
        match row.kind {
            TargetKind::Doc => whole.push(v),
            TargetKind::Ku => ku.push(v),
            TargetKind::Chapter | TargetKind::Paragraph | TargetKind::Punkt => {
                if let Some(l) = Address::from_id(&row.id).and_then(|a| a.kapitel) {
                    by_chapter.entry(l).or_default().push(v);
                }
            }
            TargetKind::Section | TargetKind::Part => parts.push(v),
            TargetKind::Other => {}
        }
    }
    if !whole.is_empty() {
        out.push(ViewsChapter {
            display: "Förslaget i sin helhet".into(),
            heading: None,
            items: whole,
        });
    }
    for k in &i.draft.kapitel {
        let Some(l) = k.label else { continue };
        if let Some(items) = by_chapter.remove(&l) {
            out.push(ViewsChapter {
                display: Address::chapter(l).display(),
                heading: k.heading.clone(),
                items,
            });
        }
    }
    if !parts.is_empty() {
        out.push(ViewsChapter {
            display: "Övriga delar av förslaget".into(),
            heading: None,
            items: parts,
        });
    }
    if !ku.is_empty() {
        out.push(ViewsChapter {
            display: "Konsekvensutredningen".into(),
            heading: None,
            items: ku,
        });
    }
    out
}

#[cfg(test)]
pub(super) mod tests_support {
    use super::*;
    use crate::answer::lexicon::Lexicon;
    use crate::source::Text;

    pub const DRAFT: &str = "Myndighetens föreskrifter om prov;\n\n1 kap. Allmänt\n\n1 § Denna föreskrift gäller prov.\n\n2 § Prov ska göras varje år.\n\n2 kap. Tillsyn\n\n1 § Tillsyn ska ske.\n\n2 § Tillsynen ska dokumenteras.\n";

    pub fn draft() -> Regulation {
        crate::regulation::parse(&Text::from_plain("d.txt", DRAFT.into()))
    }

    pub fn read(draft: &Regulation, name: &str, text: &str) -> (Answer, StanceTable) {
        let lex = Lexicon::embedded().unwrap();
        let a = crate::answer::parse(&Text::from_plain(name, text.to_string()), &lex);
        let t = crate::answer::stance::read(&a, Some(draft), &lex);
        (a, t)
    }

    pub fn respondent(i: usize, name: &str, lead: bool) -> Respondent {
        Respondent {
            key: format!("r{}", i + 1),
            name: name.into(),
            file: format!("{i}.txt"),
            page: format!("svar/r{}.html", i + 1),
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
}

#[cfg(test)]
mod tests {
    use super::tests_support::*;
    use super::*;

    #[test]
    fn only_the_lead_speaks_in_the_body_and_the_others_have_their_own_section() {
        let draft = draft();
        let lead = read(
            &draft,
            "lead.txt",
            "Yttrande\n\n1 kap. Allmänt\n\nKontoret tillstyrker 2 §. Enligt 1 § ska prov göras, och därför behövs den.\n",
        );
        let other = read(
            &draft,
            "other.txt",
            "Yttrande\n\nNämnden avstyrker 1 kap. 2 §. Nämnden tillstyrker 2 kap. 2 §.\n",
        );
        let tables = vec![lead.1.clone(), other.1.clone()];
        let pages = vec!["svar/r1.html".to_string(), "svar/r2.html".to_string()];
        let m = super::super::matrix(&draft, &tables, &pages, &[]);
        let rs = [
            respondent(0, "Kontoret", true),
            respondent(1, "Nämnden", false),
        ];
        let op = opinion(&Inputs {
            draft: &draft,
            matrix: &m,
            respondents: &rs,
            author: "Kontoret",
            lead: Some((&lead.0, &lead.1)),
            comparison: Some("jamforelse-1.html"),
        });
        // The body: the lead's own paragraph, its premise kept with it, under 1 kap. only.
        assert_eq!(op.chapters.len(), 1, "{:?}", op.chapters);
        let said: Vec<&str> = op.chapters[0].passages[0]
            .sentences
            .iter()
            .map(|s| s.text.as_str())
            .collect();
        assert_eq!(
            said,
            [
                "Kontoret tillstyrker 2 §.",
                "Enligt 1 § ska prov göras, och därför behövs den."
            ]
        );
        assert_eq!(
            op.chapters[0].passages[0].about[0].href.as_deref(),
            Some("jamforelse-1.html#old-K1P2")
        );
        // 2 kap. 2 §, which only the other body commented, is not in the body at all.
        assert!(op.chapters.iter().all(|c| c.id != "K2"));
        // The others' section: Nämnden against the lead on 1 kap. 2 §, alone on 2 kap. 2 §.
        let k1p2 = op
            .others
            .iter()
            .flat_map(|c| &c.items)
            .find(|v| v.id == "K1P2")
            .unwrap();
        assert_eq!(k1p2.lead, Some(Stance::Support));
        assert_eq!(k1p2.against_lead, ["Nämnden"]);
        assert_eq!(k1p2.views.len(), 1, "the lead is not among the others");
        let k2p2 = op
            .others
            .iter()
            .flat_map(|c| &c.items)
            .find(|v| v.id == "K2P2")
            .unwrap();
        assert_eq!(k2p2.lead, None);
        assert_eq!(k2p2.views[0].stance, Stance::Support);
        assert_eq!(op.consulted, ["Nämnden"]);
    }

    #[test]
    fn without_a_lead_nothing_is_said_in_the_office_name() {
        let draft = draft();
        let other = read(
            &draft,
            "o.txt",
            "Yttrande\n\nNämnden avstyrker 1 kap. 2 §.\n",
        );
        let m = super::super::matrix(
            &draft,
            std::slice::from_ref(&other.1),
            &["svar/r1.html".to_string()],
            &[],
        );
        let rs = [respondent(0, "Nämnden", false)];
        let op = opinion(&Inputs {
            draft: &draft,
            matrix: &m,
            respondents: &rs,
            author: "Kontoret",
            lead: None,
            comparison: None,
        });
        assert!(op.lead.is_none() && op.chapters.is_empty() && op.summary.is_empty());
        assert_eq!(op.summary_from, SummaryFrom::Missing);
        assert_eq!(op.others.len(), 1);
    }
}

#[cfg(test)]
mod outside_tests {
    use super::tests_support::*;
    use super::*;

    #[test]
    fn sections_of_the_report_and_named_parts_are_positions_too() {
        let draft = draft();
        let other = read(
            &draft,
            "o.txt",
            "Yttrande\n\nNämnden tillstyrker förslaget i avsnitt 5.4.2 om tillsyn.\n",
        );
        let m = super::super::matrix(
            &draft,
            std::slice::from_ref(&other.1),
            &["svar/r1.html".to_string()],
            &[],
        );
        let row = m
            .rows
            .iter()
            .find(|r| r.kind == TargetKind::Section)
            .unwrap_or_else(|| panic!("{:?}", other.1.rows));
        assert_eq!(row.id, "A5.4.2");
        assert_eq!(row.cells[0].stance, Stance::Support);
        let rs = [respondent(0, "Nämnden", false)];
        let op = opinion(&Inputs {
            draft: &draft,
            matrix: &m,
            respondents: &rs,
            author: "Kontoret",
            lead: None,
            comparison: None,
        });
        let parts = op
            .others
            .iter()
            .find(|c| c.display == "Övriga delar av förslaget")
            .unwrap();
        assert_eq!(parts.items[0].id, "A5.4.2");
    }
}

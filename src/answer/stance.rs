//! Stage 3, stances: the respondent's positions per target (the proposal as a whole, a
//! chapter, a paragraph, a punkt, the konsekvensutredning), resolved against the draft.

use super::lexicon::{Cue, Lexicon, STARTS_AGENTIVE, STARTS_BOILERPLATE, STARTS_IMPERSONAL};
use super::topic::{Inference, TopicIndex};
use super::unaddressed::{self, Unaddressed};
use super::voice::{Agent, How, Naming, View, Voice};
use super::{Answer, Area, HeadingKind, Metadata, NamedBy, Respondent, Word, words};
use crate::address::{Address, Label};
use crate::cite::{self, CiteKind, Outline};
use crate::regulation::Regulation;
use crate::source::Span;
use rustc_hash::FxHashSet;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// A position, from strongest to weakest when several statements meet on one target.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Stance {
    Oppose,
    SupportReservations,
    Support,
    Comment,
    Proposal,
    NoComment,
    NotAddressed,
}

impl Stance {
    pub const ALL: [Stance; 7] = [
        Stance::Oppose,
        Stance::SupportReservations,
        Stance::Support,
        Stance::Comment,
        Stance::Proposal,
        Stance::NoComment,
        Stance::NotAddressed,
    ];
    pub fn as_str(&self) -> &'static str {
        match self {
            Stance::Support => "support",
            Stance::SupportReservations => "support-reservations",
            Stance::Oppose => "oppose",
            Stance::Proposal => "proposal",
            Stance::Comment => "comment",
            Stance::NoComment => "no-comment",
            Stance::NotAddressed => "not-addressed",
        }
    }
    fn is_supportive(&self) -> bool {
        matches!(self, Stance::Support | Stance::SupportReservations)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Flag {
    Proposes,
    Clarification,
    Concern,
    /// `vidhåller sin inställning`: the position is in an earlier answer.
    RefersBack,
}

impl Flag {
    pub const ALL: [Flag; 4] = [
        Flag::Proposes,
        Flag::Clarification,
        Flag::Concern,
        Flag::RefersBack,
    ];
    pub fn as_str(&self) -> &'static str {
        match self {
            Flag::Proposes => "proposes",
            Flag::Clarification => "clarification",
            Flag::Concern => "concern",
            Flag::RefersBack => "refers-back",
        }
    }
}

/// What a row is about.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Target {
    /// The proposal as a whole (`DOC`).
    Document,
    /// The konsekvensutredning (`KU`).
    Konsekvensutredning,
    /// A chapter, a paragraph or a punkt of the draft.
    Place { address: Address },
    /// Every paragraph of a chapter not named before (`Övriga paragrafer i kapitlet`),
    /// when there is no draft to expand it against.
    OtherParagraphs { kapitel: Option<Label> },
    /// Something the answer names that could not be resolved: a citation of what the draft
    /// lacks, or a topic with no draft to match it against.
    Unresolved { written: String },
    /// A numbered section of the report the proposal is in (`avsnitt 5.4.2`): id `A5.4.2`.
    Section {
        number: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        title: Option<String>,
    },
    /// A part of the proposal named in words, with no paragraph to cite (a sub-proposal,
    /// a bullet under `X tillstyrker:`, a heading such as `Förslag till lag om ändring i
    /// alkohollagen`): id `PART:` and the words that name it.
    Part { label: String },
}

impl Target {
    /// The id used in `tsv` output: `DOC`, `KU`, `K2P7`, or the text as written.
    pub fn id(&self) -> String {
        match self {
            Target::Document => "DOC".into(),
            Target::Konsekvensutredning => "KU".into(),
            Target::Place { address } => address.id(),
            Target::OtherParagraphs { kapitel } => match kapitel {
                Some(k) => format!("K{}:other", k.id()),
                None => "other".into(),
            },
            Target::Unresolved { written } => format!("?{written}"),
            Target::Section { number, .. } => format!("A{number}"),
            Target::Part { label } => format!("PART:{label}"),
        }
    }
    /// A reader's name for the target (Swedish, as in the documents).
    pub fn display(&self) -> String {
        match self {
            Target::Document => "förslaget i sin helhet".into(),
            Target::Konsekvensutredning => "konsekvensutredningen".into(),
            Target::Place { address } => address.display(),
            Target::OtherParagraphs { kapitel } => match kapitel {
                Some(k) => format!("övriga paragrafer i {k} kap."),
                None => "övriga paragrafer".into(),
            },
            Target::Unresolved { written } => written.clone(),
            Target::Section {
                number,
                title: Some(t),
            } => format!("avsnitt {number} {t}"),
            Target::Section {
                number,
                title: None,
            } => format!("avsnitt {number}"),
            Target::Part { label } => format!("del av förslaget: {label}"),
        }
    }
    fn address(&self) -> Option<Address> {
        match self {
            Target::Place { address } => Some(*address),
            _ => None,
        }
    }
}

/// A sentence behind a position.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Evidence {
    pub line: u32,
    pub text: String,
    pub span: Span,
}

/// One target's merged position.
#[derive(Clone, Debug, Serialize)]
pub struct Row {
    pub target: Target,
    pub id: String,
    pub display: String,
    pub stance: Stance,
    pub flags: Vec<Flag>,
    pub evidence: Vec<Evidence>,
    /// Named only by topic: the words that matched the draft.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inferred: Option<Vec<String>>,
    /// Why the target could not be resolved.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unresolved: Option<String>,
    /// Both support and opposition were read for this target.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub conflict: bool,
    /// Why the reading is not certain (a stance phrase with no agent named, a part that may
    /// be the whole), for a person reviewing the matrix.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uncertain: Option<String>,
}

/// The reading of one answer.
#[derive(Clone, Debug, Serialize)]
pub struct StanceTable {
    pub source: String,
    pub meta: Metadata,
    /// Whether the answer was read against a draft.
    pub against_draft: bool,
    pub rows: Vec<Row>,
    /// Paragraphs of the draft the answer does not address.
    pub not_addressed: Unaddressed,
    /// Internal citations the draft lacks (with the sentence), for `remiss check`.
    pub missing: Vec<(String, Evidence)>,
    /// Topic headings that match no paragraph of the draft.
    pub unmatched_headings: Vec<Evidence>,
    /// Sentences with a position of the respondent's own (a stance phrase with the
    /// respondent as subject, or an explicit no-comment). A regulation's `bör` or
    /// `riskerar att` alone do not make a document an answer.
    pub positions: usize,
    /// Positions of others the answer reports (a nämnd's, a faculty's), apart from the
    /// respondent's rows.
    pub reported: Vec<Reported>,
}

impl StanceTable {
    pub fn row(&self, id: &str) -> Option<&Row> {
        self.rows.iter().find(|r| r.id == id)
    }
    /// Whether the answer took any position at all, or reports others'.
    pub fn has_positions(&self) -> bool {
        self.positions > 0 && !self.rows.is_empty() || !self.reported.is_empty()
    }
}

/// One statement: a stance and/or flags on targets, from one sentence.
#[derive(Clone, Debug)]
struct Statement {
    stance: Option<Stance>,
    flags: BTreeSet<Flag>,
    sentence: usize,
    /// Why the statement is not certainly the respondent's or not certainly on its target.
    uncertain: Option<&'static str>,
    /// Someone else's position the answer reports (an index into `Reader::reporters`).
    reporter: Option<usize>,
}

#[derive(Clone, Debug)]
struct Match {
    start: usize,
    end: usize,
    cue: Cue,
    agentive: bool,
    /// A word inside the phrase (`ställer sig [Konsumentverket] frågande till`): the
    /// inverted subject, when it is a name.
    gap: Option<usize>,
    /// Why the phrase is only presumed to be the respondent's.
    presumed: Option<&'static str>,
}

/// A sentence's words, computed once: lower-cased text, spans, capitals and which phrase
/// sets each word may start.
struct Prepared {
    lower: String,
    spans: Vec<super::WordSpan>,
    capital: Vec<bool>,
    starts: Vec<u8>,
}

impl Prepared {
    fn words(&self) -> Vec<&str> {
        self.spans
            .iter()
            .map(|&(_, _, ls, le)| &self.lower[ls..le])
            .collect()
    }
}

/// What the object of a stance phrase names.
enum Object {
    /// The proposal as a whole; `partial` for `flera av utredningens förslag`.
    Document {
        partial: bool,
    },
    Konsekvensutredning,
    /// A part named in words: the word range of its name.
    Part(usize, usize),
    /// `paragrafen`, `bestämmelsen`: the provision the text block is about.
    Anaphor,
}

/// A stance phrase ending a line (`Stockholms universitet tillstyrker:`) over a list:
/// each item below is a part with that stance.
#[derive(Clone, Debug)]
struct ListIntro {
    stance: Option<Stance>,
    flags: BTreeSet<Flag>,
}

/// Reads the respondent's positions from a parsed answer, against a draft when given.
pub fn read(answer: &Answer, draft: Option<&Regulation>, lex: &Lexicon) -> StanceTable {
    let index = draft.map(TopicIndex::build);
    Reader::new(answer, draft, index.as_ref(), lex).run()
}

/// Who is answering, as [`read`] settles it before it reads a sentence: for naming an
/// answer (case discovery) without reading its positions, at a fraction of the cost.
pub fn respondent(answer: &Answer, lex: &Lexicon) -> Option<Respondent> {
    Reader::new(answer, None, None, lex).respondent()
}

/// Same as [`read`] with a prepared topic index (for many answers against one draft).
pub fn read_with_index(
    answer: &Answer,
    draft: Option<&Regulation>,
    index: Option<&TopicIndex>,
    lex: &Lexicon,
) -> StanceTable {
    Reader::new(answer, draft, index, lex).run()
}

struct Reader<'a> {
    answer: &'a Answer,
    draft: Option<&'a Regulation>,
    index: Option<&'a TopicIndex>,
    lex: &'a Lexicon,
    sender_words: Vec<String>,
    /// One-word names of the respondent and of others, for [`Reader::is_respondent`].
    words: RespondentWords,
    voice: Voice,
    /// Per sentence, its words (taken when the sentence is read).
    prepared: Vec<Option<Prepared>>,
    /// Statements per target (the order of rows is fixed when they are sorted).
    by_target: rustc_hash::FxHashMap<Target, Vec<Statement>>,
    order: Vec<Target>,
    inferred: rustc_hash::FxHashMap<Target, Vec<String>>,
    unresolved: rustc_hash::FxHashMap<Target, String>,
    missing: Vec<(String, Evidence)>,
    /// Paragraphs named as targets in the current chapter section.
    named: rustc_hash::FxHashSet<Address>,
    /// The targets the current text block is about.
    current: Vec<Target>,
    /// Statements waiting for a target in the current text block.
    pending: Vec<Statement>,
    block: Option<usize>,
    area: Area,
    topic: Option<usize>,
    /// Per topic heading: the paragraphs it names.
    topic_targets: BTreeMap<usize, Vec<Address>>,
    /// A report section named in the current text block (`I avsnitt 7.1.4 ...`).
    block_section: Option<Target>,
    /// The list the current sentences are items of.
    list: Option<ListIntro>,
    /// The answer limits itself to the konsekvensutredning (`avgränsar sitt yttrande till
    /// konsekvensutredningen`): statements with no target are about it.
    only_ku: bool,
    positions: usize,
    /// Who is answering, settled before the sentences are read.
    settled: Option<Respondent>,
    /// The sentence being read.
    at: usize,
    /// Sentences with only a remark of the respondent's (`konstaterar att`) on no target.
    remarks: Vec<usize>,
    /// Whether the document has no `§` at all (a transcript that lost them).
    lost_signs: bool,
    /// A paragraph heading whose `§` was lost (`1 Stockholms universitet har inga
    /// erinringar ...`): the text block it stands in, and the paragraph.
    lost: Option<(usize, Address)>,
    /// Lower-case words of the respondent's names and office: never a reported unit.
    own_words: FxHashSet<String>,
    /// Bodies whose positions the answer reports: (lower-case words, as written).
    reporters: Vec<(Vec<String>, String)>,
    /// The reporter statements are being read for (see [`Statement::reporter`]).
    reporting: Option<usize>,
    reported: rustc_hash::FxHashMap<(usize, Target), Vec<Statement>>,
    reported_order: Vec<(usize, Target)>,
}

/// A body whose positions an answer reports: its lower-case words and its name as written.
type Reporter = (Vec<String>, String);

/// A position the answer reports as someone else's (a nämnd quoted in a municipal answer,
/// a faculty in a university's): whose it is, who reports it, and its rows.
#[derive(Clone, Debug, Serialize)]
pub struct Reported {
    /// Whose position it is, as written (`Miljö- och hälsoskyddsnämnden`).
    pub body: String,
    /// Who reports it: the answer's respondent, when named.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reporter: Option<String>,
    /// Its positions, read as the respondent's are.
    pub rows: Vec<Row>,
}

/// One-word names, as sets: the respondent's from the document, others', and the
/// respondent's generic words.
struct RespondentWords {
    /// Named as the respondent by the document: wins over everything.
    named: FxHashSet<String>,
    /// Someone else: the proposer, referral bodies, the lexicon's `others`, the sender.
    not_respondent: FxHashSet<String>,
    /// The generic words and the metadata's names (and their last words).
    respondent: FxHashSet<String>,
}

impl RespondentWords {
    fn new(answer: &Answer, lex: &Lexicon, voice: &Voice, sender_words: &[String]) -> Self {
        let single = |v: &[Vec<String>]| -> FxHashSet<String> {
            v.iter()
                .filter(|n| n.len() == 1)
                .map(|n| n[0].clone())
                .collect()
        };
        let mut not_respondent = single(&voice.others);
        not_respondent.extend(lex.others.iter().cloned());
        not_respondent.extend(sender_words.iter().cloned());
        let mut respondent: FxHashSet<String> = lex.generic_respondents.iter().cloned().collect();
        for n in &answer.meta.names {
            respondent.insert(n.clone());
            if let Some(last) = n.split(' ').next_back() {
                respondent.insert(last.to_string());
            }
        }
        RespondentWords {
            named: single(&voice.names),
            not_respondent,
            respondent,
        }
    }
}

/// Words before `om` that open an indirect question (`ifrågasätter om ... bör`).
const QUESTION_WORDS: [&str; 7] = [
    "ifrågasätter",
    "undrar",
    "frågar",
    "tveksam",
    "tveksamt",
    "oklart",
    "osäkert",
];

/// Words naming a department of a body (`Avdelningen för juridik`, `Rättsenheten`).
const DEPARTMENT_WORDS: [&str; 6] = [
    "avdelningen",
    "enheten",
    "sektionen",
    "sekretariatet",
    "kansliet",
    "staben",
];

/// Words of a letterhead that follow a body's name but are no part of it.
const LETTERHEAD_WORDS: [&str; 14] = [
    "Remissvar",
    "Yttrande",
    "Datum",
    "Dnr",
    "Diarienummer",
    "Ärendebeteckning",
    "Beslut",
    "Sida",
    "Remiss",
    "Referens",
    "Handläggare",
    "Till",
    "Box",
    "Er",
];

/// The full name a generic word stands for, as the document writes it somewhere, and its
/// line: `Länsstyrelsen` → `Länsstyrelsen Västra Götaland`, `Länsstyrelsen i Skåne län`,
/// `Hovrätten över Skåne och Blekinge`. The first such mention wins.
fn full_name_of(texts: &[(&str, u32)], generic: &str) -> Option<(String, u32)> {
    let capital = |w: &str| w.chars().next().is_some_and(char::is_uppercase);
    for &(line, n) in texts {
        let tokens: Vec<&str> = line.split_whitespace().collect();
        for (i, t) in tokens.iter().enumerate() {
            if *t != generic {
                continue;
            }
            let mut name = vec![*t];
            let mut j = i + 1;
            // Links count only with a capitalised word after them (`i Göteborg`, not `i
            // huvudsak`); `län` closes a county (`i Västra Götalands län`).
            while let Some(&w) = tokens.get(j) {
                let bare = w.trim_end_matches([',', '.', ':', ';']);
                let ends = bare.len() != w.len();
                let linked = matches!(bare, "i" | "över" | "och" | "för")
                    && tokens.get(j + 1).is_some_and(|x| capital(x))
                    && (name.len() > 1 || bare != "och");
                let named = capital(bare)
                    && bare.chars().all(|c| c.is_alphabetic() || c == '-')
                    && !LETTERHEAD_WORDS.contains(&bare);
                if !(linked || named || bare == "län" && name.len() > 2) {
                    break;
                }
                name.push(bare);
                j += 1;
                if ends || bare == "län" || name.len() >= 6 {
                    break;
                }
            }
            // A link must lead somewhere.
            while name.len() > 1 && matches!(*name.last()?, "i" | "över" | "och" | "för") {
                name.pop();
            }
            if name.len() > 1 {
                return Some((name.join(" "), n));
            }
        }
    }
    None
}

/// Verbs saying what a proposal does, which end a part named as the subject of a clause
/// (`att förslaget om kortare preskriptionstid minskar möjligheten …`).
const EFFECT_VERBS: [&str; 12] = [
    "minskar",
    "ökar",
    "leder",
    "innebär",
    "medför",
    "försvårar",
    "försämrar",
    "påverkar",
    "riskerar",
    "skulle",
    "kommer",
    "begränsar",
];

/// Words that may stand between the two halves of a stance phrase: adverbs, and the
/// respondent as an inverted subject.
const GAP_WORDS: [&str; 11] = [
    "därför",
    "dock",
    "också",
    "även",
    "ändå",
    "därmed",
    "vidare",
    "samtidigt",
    "emellertid",
    "således",
    "alltså",
];

impl<'a> Reader<'a> {
    fn new(
        answer: &'a Answer,
        draft: Option<&'a Regulation>,
        index: Option<&'a TopicIndex>,
        lex: &'a Lexicon,
    ) -> Self {
        let sender_words: Vec<String> = answer
            .meta
            .sender
            .as_deref()
            .map(|s| {
                words(s)
                    .into_iter()
                    .map(|w| w.text)
                    .filter(|w| w.len() > 2)
                    .collect()
            })
            .unwrap_or_default();
        let prepared: Vec<Option<Prepared>> = answer
            .sentences
            .iter()
            .map(|s| {
                if s.area == Area::Procedural {
                    return None;
                }
                let (lower, spans) = super::word_spans(&s.text);
                let capital = spans
                    .iter()
                    .map(|&(st, en, _, _)| s.text[st..en].starts_with(|c: char| c.is_uppercase()))
                    .collect();
                let starts = spans
                    .iter()
                    .map(|&(_, _, ls, le)| lex.starters.get(&lower[ls..le]).copied().unwrap_or(0))
                    .collect();
                Some(Prepared {
                    lower,
                    spans,
                    capital,
                    starts,
                })
            })
            .collect();
        // The voice: names from the document, and the agents of its stance phrases.
        // Headings name the proposer too (`Remissvar: Naturvårdsverkets förslag till ...`).
        let heading_words: Vec<(String, Vec<super::WordSpan>)> = answer
            .headings
            .iter()
            .map(|h| super::word_spans(&h.text))
            .collect();
        let mut views: Vec<View> = Vec::with_capacity(prepared.len() + heading_words.len());
        let mut agents: Vec<Vec<usize>> = Vec::new();
        let mut only_ku = false;
        for (i, p) in prepared.iter().enumerate() {
            let text = answer.sentences[i].text.as_str();
            let Some(p) = p else {
                views.push(View {
                    text,
                    lower: Vec::new(),
                    capital: &[],
                    offsets: Vec::new(),
                    ends: Vec::new(),
                    starts: &[],
                });
                agents.push(Vec::new());
                continue;
            };
            let wt = p.words();
            let mut at = Vec::new();
            for k in 0..wt.len() {
                let gap = |g: usize| GAP_WORDS.contains(&wt[g]) || p.capital[g];
                if p.starts[k] & STARTS_AGENTIVE != 0
                    && lex.agentive.at_gapped(&wt, k, &gap).is_some()
                {
                    at.push(k);
                }
                // `avgränsar sitt yttrande till konsekvensutredningen`.
                if matches!(wt[k], "avgränsar" | "begränsar")
                    && wt.get(k + 1) == Some(&"sitt")
                    && (k + 2..(k + 7).min(wt.len())).any(|x| lex.ku_targets.at(&wt, x).is_some())
                {
                    only_ku = true;
                }
            }
            agents.push(at);
            views.push(View {
                text,
                offsets: p.spans.iter().map(|s| s.0).collect(),
                ends: p.spans.iter().map(|s| s.1).collect(),
                lower: wt,
                capital: &p.capital,
                starts: &p.starts,
            });
        }
        let heading_marks: Vec<(Vec<bool>, Vec<u8>)> = answer
            .headings
            .iter()
            .zip(&heading_words)
            .map(|(h, (lower, spans))| {
                (
                    spans
                        .iter()
                        .map(|&(st, _, _, _)| h.text[st..].starts_with(|c: char| c.is_uppercase()))
                        .collect(),
                    spans
                        .iter()
                        .map(|&(_, _, ls, le)| {
                            lex.starters.get(&lower[ls..le]).copied().unwrap_or(0)
                        })
                        .collect(),
                )
            })
            .collect();
        for ((h, (lower, spans)), (capital, starts)) in answer
            .headings
            .iter()
            .zip(&heading_words)
            .zip(&heading_marks)
        {
            views.push(View {
                text: &h.text,
                lower: spans.iter().map(|&(_, _, ls, le)| &lower[ls..le]).collect(),
                capital,
                offsets: spans.iter().map(|s| s.0).collect(),
                ends: spans.iter().map(|s| s.1).collect(),
                starts,
            });
        }
        let voice = Voice::read(answer, lex, &views, &agents);
        drop(views);
        Reader {
            answer,
            draft,
            index,
            lex,
            words: RespondentWords::new(answer, lex, &voice, &sender_words),
            sender_words,
            voice,
            prepared,
            by_target: Default::default(),
            order: Vec::new(),
            inferred: Default::default(),
            unresolved: Default::default(),
            missing: Vec::new(),
            named: Default::default(),
            current: Vec::new(),
            pending: Vec::new(),
            block: None,
            area: Area::General,
            topic: None,
            topic_targets: BTreeMap::new(),
            block_section: None,
            list: None,
            only_ku,
            positions: 0,
            settled: None,
            at: 0,
            remarks: Vec::new(),
            lost_signs: !answer.sentences.iter().any(|s| s.text.contains('§'))
                && !answer.headings.iter().any(|h| h.text.contains('§')),
            lost: None,
            own_words: FxHashSet::default(),
            reporters: Vec::new(),
            reporting: None,
            reported: Default::default(),
            reported_order: Vec::new(),
        }
    }

    fn outline(&self) -> Option<&dyn Outline> {
        self.draft.map(|d| d as &dyn Outline)
    }

    fn evidence(&self, i: usize) -> Evidence {
        let s = &self.answer.sentences[i];
        Evidence {
            line: s.span.line,
            text: s.text.clone(),
            span: s.span,
        }
    }

    /// Whether one word names the respondent.
    fn is_respondent(&self, w: &str) -> bool {
        // Looked up in sets built once per answer: this runs for every word a stance phrase
        // may have inside it.
        if self.foreign_unit(w) || self.reporter_anaphor(w) {
            return false;
        }
        if self.words.named.contains(w) {
            return true;
        }
        if self.words.not_respondent.contains(w) {
            return false;
        }
        self.words.respondent.contains(w)
            || self
                .lex
                .respondent_suffixes
                .iter()
                .any(|s| w.ends_with(s.as_str()) && w.len() > s.len())
    }

    /// A unit of an organisation (`stadsbyggnadsnämnden`, `fakultetsnämnden`) that is not
    /// the respondent nor speaks for it, once the respondent is known.
    fn foreign_unit(&self, w: &str) -> bool {
        // The suffix first: it rules out almost every word, and this runs for each one.
        self.settled.is_some()
            && self
                .lex
                .respondent_suffixes
                .iter()
                .any(|s| w.len() > s.len() + 2 && w.ends_with(s.as_str()))
            && !self.own_words.contains(w)
            && !self.lex.organs.iter().any(|o| o == w)
            && !self.lex.generic_respondents.iter().any(|g| g == w)
    }

    /// `Juridiska fakultetsnämnden`, `Tekniska nämnden`: a generic word for a unit after a
    /// capitalised adjective names a unit, and it is not the respondent's unless its name is.
    fn named_unit(&self, wt: &[&str], capital: &[bool], q: usize) -> bool {
        q >= 1
            && self.settled.is_some()
            && capital[q - 1]
            && wt[q - 1].ends_with('a')
            && !self.own_words.contains(wt[q - 1])
            && self
                .lex
                .respondent_suffixes
                .iter()
                .any(|s| wt[q].ends_with(s.as_str()))
    }

    /// `Nämnden` after `Stadsbyggnadsnämnden tillstyrker ...` in a city's answer: a generic
    /// word for a kind the respondent is not, with a reported unit of that kind named.
    fn reporter_anaphor(&self, w: &str) -> bool {
        !self.reporters.is_empty()
            && self.lex.generic_respondents.iter().any(|g| g == w)
            && !self.own_words.iter().any(|o| o.ends_with(w))
            && self
                .reporters
                .iter()
                .any(|(n, _)| n.last().is_some_and(|l| l.ends_with(w)))
    }

    /// Whether the word names someone other than the respondent.
    fn is_other_word(&self, w: &str) -> bool {
        !self.is_respondent(w) && self.words.not_respondent.contains(w)
    }

    fn run(mut self) -> StanceTable {
        self.settled = self.respondent();
        if let Some(r) = &self.settled {
            for n in std::iter::once(&r.name).chain(&r.office).chain(&r.aliases) {
                let ws: Vec<String> = words(n).into_iter().map(|w| w.text).collect();
                // A one-word name the letterhead gave names the respondent wherever it
                // stands (`ställer sig Skolverket tveksamt till`).
                if let [w] = ws.as_slice() {
                    self.words.named.insert(w.clone());
                }
                self.own_words.extend(ws);
            }
        }
        for n in &self.voice.found {
            self.own_words.extend(n.words.iter().cloned());
        }
        // A unit the metadata took for a subject of the answer is someone else's voice.
        let names = std::mem::take(&mut self.voice.names);
        self.voice.names = names
            .into_iter()
            .filter(|n| !(n.len() == 1 && self.foreign_unit(&n[0])))
            .collect();
        let foreign: Vec<String> = self
            .words
            .named
            .iter()
            .filter(|w| self.foreign_unit(w))
            .cloned()
            .collect();
        for w in foreign {
            self.words.named.remove(&w);
        }
        // Topic headings resolved once.
        if let Some(index) = self.index {
            let mut chapter = None;
            for (i, h) in self.answer.headings.iter().enumerate() {
                match h.kind {
                    HeadingKind::Chapter => chapter = super::chapter_label(&h.text),
                    HeadingKind::Topic => {
                        self.topic_targets
                            .insert(i, index.heading(&h.text, chapter));
                    }
                    _ => {}
                }
            }
        }
        for i in 0..self.answer.sentences.len() {
            let s = &self.answer.sentences[i];
            if self.block != Some(s.block) {
                self.end_block();
                self.block = Some(s.block);
            }
            // Under a heading whose § was lost, the block is about that paragraph.
            let mut area = s.area;
            if let Some((b, a)) = self.lost {
                if b == s.block {
                    area = Area::Paragraph(a);
                } else {
                    self.lost = None;
                }
            }
            if area != self.area {
                if matches!(area, Area::Chapter(_)) || matches!(self.area, Area::Chapter(_)) {
                    self.named.clear();
                }
                self.area = area;
            }
            self.topic = s.topic;
            if s.area == Area::Procedural {
                continue;
            }
            self.glued_heading(i);
            if let Some((_, a)) = self.lost {
                self.area = Area::Paragraph(a);
            }
            self.at = i;
            self.sentence(i);
        }
        self.end_block();
        self.finish()
    }

    /// A heading glued into the running text of a transcript: a bare number opening a
    /// sentence inside a block. Followed by the respondent (`1 Stockholms universitet har
    /// inga erinringar mot förslaget`) in a text with no `§` at all, it is a paragraph
    /// heading that lost its `§`, and the block's sentences from it on are about that
    /// paragraph; followed by anything else (`8 Överväganden och förslag ...`), a heading of
    /// the report, after which earlier sentences no longer give the context.
    fn glued_heading(&mut self, i: usize) {
        let s = &self.answer.sentences[i];
        if i == 0 || self.answer.sentences[i - 1].block != s.block {
            return;
        }
        let Some(p) = self.prepared[i].as_ref() else {
            return;
        };
        let wt = p.words();
        let Some(first) = wt.first() else { return };
        if first.is_empty() || first.len() > 3 || !first.bytes().all(|b| b.is_ascii_digit()) {
            return;
        }
        let letter = wt
            .get(1)
            .filter(|w| w.len() == 1 && w.bytes().all(|b| b.is_ascii_lowercase()));
        let next = if letter.is_some() { 2 } else { 1 };
        if !p.capital.get(next).copied().unwrap_or(false) {
            return;
        }
        let respondent = self.voice.name_starts_at(&wt, next).is_some()
            || wt
                .get(next)
                .is_some_and(|w| self.voice.names.iter().any(|n| n.len() == 1 && n[0] == *w));
        if respondent && self.lost_signs {
            let label = match letter {
                Some(l) => format!("{first} {l}"),
                None => first.to_string(),
            };
            if let Some(label) = Label::parse(&label) {
                self.end_block();
                self.lost = Some((s.block, Address::paragraph(self.chapter(), label)));
            }
        } else if !respondent && self.lost.is_none() {
            self.end_block();
        }
    }

    fn end_block(&mut self) {
        if self.pending.is_empty() {
            self.current.clear();
            self.block_section = None;
            return;
        }
        let targets = self.default_targets();
        self.block_section = None;
        let pending = std::mem::take(&mut self.pending);
        for st in pending {
            for t in &targets {
                self.add(t.clone(), st.clone());
            }
        }
        self.current.clear();
    }

    /// The part of the proposal the current heading or text block names, if any.
    fn part_context(&self) -> Option<Target> {
        if let Some(t) = &self.block_section {
            return Some(t.clone());
        }
        match self.area {
            Area::Part(h) => self
                .answer
                .headings
                .get(h)
                .map(|h| part_of_heading(&h.text)),
            _ => None,
        }
    }

    /// What `förslaget` means where the sentence stands: the section or part under
    /// discussion, the paragraph of a paragraph heading, the konsekvensutredning in its
    /// section, else the proposal as a whole.
    fn whole_in_context(&self) -> Target {
        if let Some(t) = self.part_context() {
            return t;
        }
        match self.area {
            Area::Paragraph(a) => Target::Place { address: a },
            Area::Konsekvensutredning => Target::Konsekvensutredning,
            _ => Target::Document,
        }
    }

    /// Where a statement with no target of its own belongs.
    fn default_targets(&self) -> Vec<Target> {
        if let Some(t) = self.topic
            && let Some(v) = self.topic_targets.get(&t)
            && v.len() == 1
        {
            return vec![Target::Place { address: v[0] }];
        }
        if let Some(t) = self.part_context() {
            return vec![t];
        }
        match self.area {
            Area::Chapter(k) => vec![Target::Place {
                address: Address::chapter(k),
            }],
            Area::Paragraph(a) => vec![Target::Place { address: a }],
            Area::Konsekvensutredning => vec![Target::Konsekvensutredning],
            _ if self.only_ku => vec![Target::Konsekvensutredning],
            _ => vec![Target::Document],
        }
    }

    fn add(&mut self, t: Target, st: Statement) {
        if let Some(r) = st.reporter {
            let key = (r, t);
            if !self.reported.contains_key(&key) {
                self.reported_order.push(key.clone());
            }
            self.reported.entry(key).or_default().push(st);
            return;
        }
        if let Target::Place { address } = &t
            && address.paragraf.is_some()
        {
            self.named.insert(address.paragraph_part());
            // A point made on a punkt or stycke is also a point on its paragraph.
            let parent = address.paragraph_part();
            if parent != *address && !st.flags.is_empty() {
                let flags_only = Statement {
                    stance: None,
                    flags: st.flags.clone(),
                    sentence: st.sentence,
                    uncertain: st.uncertain,
                    reporter: st.reporter,
                };
                self.add(Target::Place { address: parent }, flags_only);
            }
        }
        if !self.by_target.contains_key(&t) {
            self.order.push(t.clone());
        }
        self.by_target.entry(t).or_default().push(st);
    }

    fn chapter(&self) -> Option<Label> {
        match self.area {
            Area::Chapter(k) => Some(k),
            Area::Paragraph(a) => a.kapitel,
            _ => None,
        }
    }

    /// Reads one sentence: its stance phrases, its citations, its clauses, and where each
    /// clause's statement belongs.
    fn sentence(&mut self, i: usize) {
        let Some(prep) = self.prepared[i].take() else {
            return;
        };
        let text = self.answer.sentences[i].text.clone();
        let ws: Vec<Word> = prep
            .spans
            .iter()
            .map(|&(start, end, _, _)| Word {
                text: String::new(),
                start,
                end,
            })
            .collect();
        let wt = prep.words();
        if self.list_item(i, &text, &ws, &wt, &prep) {
            return;
        }
        let starts = &prep.starts;
        if starts
            .iter()
            .all(|b| b & (STARTS_AGENTIVE | STARTS_IMPERSONAL) == 0)
        {
            self.note_section(&text);
            return;
        }
        if (0..wt.len()).any(|k| {
            starts[k] & STARTS_BOILERPLATE != 0 && self.lex.boilerplate.at(&wt, k).is_some()
        }) {
            return;
        }
        let (matches, reported) = self.cues_and_reported(&text, &ws, &wt, starts, &prep.capital);
        if matches.is_empty() && reported.is_empty() {
            self.note_section(&text);
            return;
        }
        // `Malmö universitet konstaterar att ...` alone: kept for the whole, if nothing else
        // is said of it.
        let matches: Vec<Match> = if matches.iter().all(|m| m.cue == Cue::Remark) {
            if !matches.is_empty()
                && self.area == Area::General
                && self.part_context().is_none()
                && self.topic.is_none()
            {
                self.remarks.push(i);
            }
            Vec::new()
        } else {
            matches
                .into_iter()
                .filter(|m| m.cue != Cue::Remark)
                .collect()
        };
        if matches.is_empty() && reported.is_empty() {
            self.note_section(&text);
            return;
        }
        let cites = self.citations(i, &text, &ws, &wt);
        if !reported.is_empty() {
            self.read_reported(i, reported, &cites, &text, &ws, &wt);
        }
        if matches.is_empty() {
            return;
        }
        if matches.iter().any(|m| {
            m.agentive
                || matches!(
                    m.cue,
                    Cue::NoComment | Cue::Support | Cue::SupportReservations | Cue::Oppose
                )
                || self.voice.introduced
        }) {
            self.positions += 1;
        }
        let mut clauses = Clauses::split(&wt, &matches, self.lex);
        self.reservations(&mut clauses, &wt);
        let uncertain = matches.iter().find_map(|m| m.presumed).or(self
            .lost
            .map(|_| "a number opening the sentence read as a paragraph whose § was lost"));

        // `Stockholms universitet tillstyrker:` over a list: the items carry the stance.
        if text.trim_end().ends_with(':')
            && cites.is_empty()
            && self.next_is_list_item(i)
            && (clauses.stance.iter().any(Option::is_some)
                || clauses.flags.iter().any(|f| !f.is_empty()))
        {
            let mut flags = BTreeSet::new();
            for f in &clauses.flags {
                flags.extend(f.iter().copied());
            }
            self.list = Some(ListIntro {
                stance: clauses.stance.iter().flatten().copied().min(),
                flags,
            });
            return;
        }
        self.list = None;

        if self.whole_with_reserved_provision(
            i, &clauses, &cites, &matches, &text, &ws, &wt, uncertain,
        ) {
            return;
        }
        if clauses.separate() {
            self.place_by_clause(i, &clauses, &cites, &matches, &text, &ws, &wt, uncertain);
        } else {
            self.place_sentence(i, &clauses, &cites, &matches, &text, &ws, &wt, uncertain);
        }
    }

    /// Reported positions in a sentence, each body's read as the respondent's are, into
    /// rows of their own.
    fn read_reported(
        &mut self,
        i: usize,
        reported: Vec<(Reporter, Match)>,
        cites: &[CiteTargets],
        text: &str,
        ws: &[Word],
        wt: &[&str],
    ) {
        let mut groups: Vec<(Reporter, Vec<Match>)> = Vec::new();
        for (r, m) in reported {
            match groups.iter_mut().find(|(g, _)| *g == r) {
                Some((_, v)) => v.push(m),
                None => groups.push((r, vec![m])),
            }
        }
        for (r, matches) in groups {
            let idx = match self.reporters.iter().position(|x| *x == r) {
                Some(k) => k,
                None => {
                    self.reporters.push(r);
                    self.reporters.len() - 1
                }
            };
            self.reporting = Some(idx);
            let mut clauses = Clauses::split(wt, &matches, self.lex);
            self.reservations(&mut clauses, wt);
            if clauses.separate() {
                self.place_by_clause(i, &clauses, cites, &matches, text, ws, wt, None);
            } else {
                self.place_sentence(i, &clauses, cites, &matches, text, ws, wt, None);
            }
            self.reporting = None;
        }
    }

    /// `I avsnitt 7.1.4 resonerar utredningen ...`, `Avsnitt 3.9: ...`: the text block is
    /// about that section of the report.
    fn note_section(&mut self, text: &str) {
        if !text.contains("vsnitt") {
            return;
        }
        let scan = cite::scan(text);
        if let Some(c) = scan
            .citations
            .iter()
            .find(|c| c.kind == CiteKind::ReportSection)
        {
            let number: String = c
                .text
                .trim_start_matches(|ch: char| !ch.is_ascii_digit())
                .trim_end_matches('.')
                .to_string();
            if !number.is_empty() {
                self.block_section = Some(Target::Section {
                    number,
                    title: None,
                });
            }
        }
    }

    fn next_is_list_item(&self, i: usize) -> bool {
        self.answer
            .sentences
            .get(i + 1)
            .is_some_and(|s| super::starts_with_bullet(s.text.trim_start()))
    }

    /// An item of a list under a stance phrase: a part of the proposal with the list's
    /// stance (a condition in the item makes it support with reservations).
    fn list_item(
        &mut self,
        i: usize,
        text: &str,
        _ws: &[Word],
        wt: &[&str],
        prep: &Prepared,
    ) -> bool {
        let Some(intro) = self.list.clone() else {
            return false;
        };
        let t = text.trim_start();
        if !super::starts_with_bullet(t) {
            self.list = None;
            return false;
        }
        let body = t
            .trim_start_matches(|c: char| super::is_bullet(c) || c.is_whitespace())
            .trim_end();
        let label = part_label(body.split(": ").next().unwrap_or(body));
        let mut stance = intro.stance;
        let mut flags = intro.flags.clone();
        let matches = self.cues(text, _ws, wt, &prep.starts, &prep.capital);
        for m in &matches {
            match m.cue {
                Cue::Proposes => {
                    flags.insert(Flag::Proposes);
                }
                Cue::Clarification => {
                    flags.insert(Flag::Clarification);
                }
                Cue::Concern => {
                    flags.insert(Flag::Concern);
                }
                _ => {}
            }
        }
        if stance == Some(Stance::Support)
            && (0..wt.len()).any(|w| {
                self.lex.conditions.at(wt, w).is_some() || self.lex.qualifiers.at(wt, w).is_some()
            })
        {
            stance = Some(Stance::SupportReservations);
        }
        self.positions += 1;
        self.add(
            Target::Part { label },
            Statement {
                stance,
                flags,
                sentence: i,
                uncertain: None,
                reporter: self.reporting,
            },
        );
        true
    }

    /// The citations of a sentence as targets, with those inside an argument (`Enligt 2
    /// kap. 13 § ska ...`) set apart. Another act's citation after `föreslagna lydelsen
    /// av` or `lyfts in i` is the proposal's own text.
    fn citations(&mut self, i: usize, text: &str, ws: &[Word], wt: &[&str]) -> Vec<CiteTargets> {
        // Internal citations need a digit, `kapitlet` or `stycket`: most sentences have none.
        let may_cite = text.bytes().any(|b| b.is_ascii_digit())
            || text.contains("apitl")
            || text.contains("apitel")
            || text.contains("stycke");
        if !may_cite {
            return Vec::new();
        }
        let scan = cite::scan(text);
        if let Some(c) = scan
            .citations
            .iter()
            .find(|c| c.kind == CiteKind::ReportSection)
            && self.block_section.is_none()
        {
            let number: String = c
                .text
                .trim_start_matches(|ch: char| !ch.is_ascii_digit())
                .trim_end_matches('.')
                .to_string();
            if !number.is_empty() {
                self.block_section = Some(Target::Section {
                    number,
                    title: None,
                });
            }
        }
        let para_ctx = self
            .current
            .iter()
            .find_map(|t| t.address().filter(|a| a.paragraf.is_some()))
            .map(|a| a.paragraph_part());
        let ctx = cite::Context {
            kapitel: self.chapter(),
            paragraf: para_ctx,
        };
        let mut cites: Vec<CiteTargets> = Vec::new();
        for c in &scan.citations {
            let at = ws
                .iter()
                .position(|w| w.start >= c.start)
                .unwrap_or(ws.len());
            let end = ws.iter().position(|w| w.start >= c.end).unwrap_or(ws.len());
            let c = if c.kind.is_internal() {
                c.clone()
            } else if c.kind == CiteKind::ExternalLaw
                && !c.members.is_empty()
                && (at.saturating_sub(4)..at).any(|k| {
                    self.lex
                        .proposal_markers
                        .at(wt, k)
                        .is_some_and(|(len, _)| k + len == at)
                })
            {
                let chapters_only = c.members.iter().all(|m| match m {
                    cite::Member::One { at } => at.paragraf.is_none(),
                    cite::Member::Range { from, .. } => from.paragraf.is_none(),
                });
                let mut own = c.clone();
                own.kind = if chapters_only {
                    CiteKind::Chapter
                } else {
                    CiteKind::Paragraph
                };
                own.act = None;
                own
            } else {
                continue;
            };
            let argument = at > 0
                && wt[at - 1] == "enligt"
                && wt.get(end).is_some_and(|w| ARGUMENT_VERBS.contains(w));
            let (found, missing) = cite::resolve(&c, ctx, self.outline());
            for m in missing
                .iter()
                .filter(|m| m.reason == cite::Reason::NotInDraft)
            {
                self.missing.push((m.written.clone(), self.evidence(i)));
            }
            if argument {
                continue;
            }
            let whole = c.kind == CiteKind::Chapter
                && at >= 2
                && self
                    .lex
                    .whole_chapter
                    .at(wt, at.saturating_sub(2))
                    .is_some_and(|(len, _)| at.saturating_sub(2) + len == at)
                || c.kind == CiteKind::Chapter
                    && at >= 3
                    && self
                        .lex
                        .whole_chapter
                        .at(wt, at - 3)
                        .is_some_and(|(len, _)| at - 3 + len == at);
            let quantified = at >= 4 && matches!(wt[at - 4], "flera" | "vissa" | "några" | "många");
            let mut targets: Vec<Target> = found
                .into_iter()
                .map(|address| Target::Place { address })
                .collect();
            for m in missing {
                let why = match m.reason {
                    cite::Reason::NotInDraft => "not in the draft",
                    cite::Reason::NoChapterInContext => "no chapter in context",
                    cite::Reason::NoParagraphInContext => "no paragraph in context",
                };
                let t = Target::Unresolved {
                    written: m.written.clone(),
                };
                self.unresolved.insert(t.clone(), why.into());
                targets.push(t);
            }
            if c.kind == CiteKind::Chapter && c.members.is_empty() && targets.is_empty() {
                // `kapitlet` with no chapter in context.
                let t = Target::Unresolved {
                    written: c.text.clone(),
                };
                self.unresolved
                    .insert(t.clone(), "no chapter in context".into());
                targets.push(t);
            }
            cites.push(CiteTargets {
                at,
                targets,
                whole: whole && !quantified,
            });
        }
        cites
    }

    /// Reservations: `i huvudsak`, `under förutsättning att`, `men anser att ... alltför`.
    fn reservations(&self, cl: &mut Clauses, wt: &[&str]) {
        let bounds = &cl.bounds;
        for c in 0..bounds.len() {
            if cl.stance[c] != Some(Stance::Support) {
                continue;
            }
            let (a, b) = (
                bounds[c].0,
                bounds.get(c + 1).map(|x| x.0).unwrap_or(wt.len()),
            );
            if (a..b).any(|w| self.lex.qualifiers.at(wt, w).is_some()) {
                cl.stance[c] = Some(Stance::SupportReservations);
            }
            if let Some(cond) = (a..wt.len()).find(|&w| self.lex.conditions.at(wt, w).is_some()) {
                cl.stance[c] = Some(Stance::SupportReservations);
                // A condition asking the authority to act is a proposal.
                if wt[cond..].iter().take(8).any(|w| {
                    self.sender_words.iter().any(|x| x == w) || AUTHORITY_WORDS.contains(w)
                }) {
                    cl.flags[c].insert(Flag::Proposes);
                }
            }
            if let Some(next) = bounds.get(c + 1)
                && !next.1
                && cl.stance.get(c + 1).copied().flatten().is_none()
            {
                let nb = bounds.get(c + 2).map(|x| x.0).unwrap_or(wt.len());
                let has_verb = (next.0..nb).any(|w| self.lex.but_verbs.iter().any(|x| x == wt[w]));
                let has_word = (next.0..nb).any(|w| self.lex.but_words.at(wt, w).is_some());
                if has_verb && has_word {
                    cl.stance[c] = Some(Stance::SupportReservations);
                }
            }
        }
    }

    /// `ställer sig bakom förslaget men anser att 12 § är alltför detaljerad`: support of the
    /// whole (with reservations), and the reservation is about the provision only the `men
    /// anser` clause cites, not a support of it. Returns whether the sentence was so placed.
    #[allow(clippy::too_many_arguments)] // the sentence's parts, computed once by `sentence`
    fn whole_with_reserved_provision(
        &mut self,
        i: usize,
        cl: &Clauses,
        cites: &[CiteTargets],
        matches: &[Match],
        text: &str,
        ws: &[Word],
        wt: &[&str],
        uncertain: Option<&'static str>,
    ) -> bool {
        let Some(c) = (0..cl.len()).find(|&c| cl.stance[c].is_some_and(|s| s.is_supportive()))
        else {
            return false;
        };
        if cites.is_empty()
            || c + 1 >= cl.len()
            || cl.bounds[c + 1].1
            || cl.stance[c + 1].is_some()
            || cites.iter().any(|ct| cl.clause_of(ct.at) != c + 1)
        {
            return false;
        }
        let (a, b) = (cl.bounds[c].0, cl.bounds[c + 1].0);
        let nb = cl.bounds.get(c + 2).map(|x| x.0).unwrap_or(wt.len());
        if !(b..nb).any(|w| self.lex.but_verbs.iter().any(|x| x == wt[w])) {
            return false;
        }
        let (whole, _) = self.object_targets(matches, text, ws, wt, a, b);
        if whole != [Target::Document] {
            return false;
        }
        let reporter = self.reporting;
        let statement = |stance, flags| Statement {
            stance,
            flags,
            sentence: i,
            uncertain,
            reporter,
        };
        self.add(
            Target::Document,
            statement(Some(Stance::SupportReservations), cl.flags[c].clone()),
        );
        // A change asked for is a proposal; a judgement (`alltför detaljerad`) a comment
        // with a concern.
        let mut flags = cl.flags[c + 1].clone();
        let stance = if flags.is_empty() {
            flags.insert(Flag::Concern);
            Some(Stance::Comment)
        } else {
            None
        };
        let mut targets: Vec<Target> = cites.iter().flat_map(|ct| ct.targets.clone()).collect();
        dedup(&mut targets);
        for t in &targets {
            self.add(t.clone(), statement(stance, flags.clone()));
        }
        self.current = targets;
        true
    }

    /// Each clause with its own targets: support and opposition in one sentence, an
    /// exception, or clauses with different stances.
    #[allow(clippy::too_many_arguments)] // the sentence's parts, computed once by `sentence`
    fn place_by_clause(
        &mut self,
        i: usize,
        cl: &Clauses,
        cites: &[CiteTargets],
        matches: &[Match],
        text: &str,
        ws: &[Word],
        wt: &[&str],
        uncertain: Option<&'static str>,
    ) {
        let mut last_targets: Vec<Target> = Vec::new();
        let mut main_stance: Option<Stance> = None;
        let mut exception_addrs: Vec<Address> = Vec::new();
        // Exceptions first, so the main clause's chapter expansion can leave them out.
        for c in 0..cl.len() {
            if cl.is_exception(c) {
                for ct in cites.iter().filter(|ct| cl.clause_of(ct.at) == c) {
                    exception_addrs.extend(ct.targets.iter().filter_map(|t| t.address()));
                }
            }
        }
        for c in 0..cl.len() {
            let (mut targets, partial) =
                self.clause_targets(cites, matches, text, ws, wt, cl, c, &exception_addrs);
            let mut st = cl.stance[c];
            if partial && st == Some(Stance::Support) {
                st = Some(Stance::SupportReservations);
            }
            if cl.is_exception(c) {
                // The exception takes the opposite of the main clause's stance.
                st = st.or(match main_stance {
                    Some(s) if s.is_supportive() => Some(Stance::Oppose),
                    Some(Stance::Oppose) => Some(Stance::Support),
                    other => other,
                });
            } else if st.is_some() {
                main_stance = st;
            }
            if targets.is_empty() {
                if st.is_none() && cl.flags[c].is_empty() {
                    continue;
                }
                targets = last_targets.clone();
            }
            let statement = Statement {
                stance: st,
                flags: cl.flags[c].clone(),
                sentence: i,
                uncertain,
                reporter: self.reporting,
            };
            if targets.is_empty() {
                self.pending.push(statement);
            } else {
                for t in &targets {
                    self.add(t.clone(), statement.clone());
                }
                last_targets = targets;
            }
        }
        if !last_targets.is_empty() {
            self.current = last_targets;
            self.attach_pending();
        }
    }

    /// The sentence as a whole: one statement on the sentence's targets.
    #[allow(clippy::too_many_arguments)] // the sentence's parts, computed once by `sentence`
    fn place_sentence(
        &mut self,
        i: usize,
        cl: &Clauses,
        cites: &[CiteTargets],
        matches: &[Match],
        text: &str,
        ws: &[Word],
        wt: &[&str],
        uncertain: Option<&'static str>,
    ) {
        let mut st = cl.stance.iter().flatten().copied().min();
        let mut fl: BTreeSet<Flag> = BTreeSet::new();
        for f in &cl.flags {
            fl.extend(f.iter().copied());
        }
        if st.is_none() && fl.is_empty() {
            return;
        }
        let others_phrase = st == Some(Stance::NoComment)
            && matches.iter().any(|m| m.cue == Cue::NoComment)
            && self.lex.others_targets.find(wt).is_some();
        let mut statement = Statement {
            stance: st,
            flags: fl,
            sentence: i,
            uncertain,
            reporter: self.reporting,
        };
        if others_phrase {
            self.others(statement);
            return;
        }
        let mut targets: Vec<Target> = Vec::new();
        for ct in cites {
            if ct.whole
                && matches!(
                    st,
                    Some(
                        Stance::Support
                            | Stance::SupportReservations
                            | Stance::Oppose
                            | Stance::NoComment
                    )
                )
            {
                targets.extend(self.expand_chapter(&ct.targets, &[]));
            } else if st == Some(Stance::NoComment)
                && ct
                    .targets
                    .iter()
                    .all(|t| t.address().is_some_and(|a| a.paragraf.is_none()))
            {
                // `Kapitlet lämnas utan synpunkt`: the chapter and each of its paragraphs.
                targets.extend(ct.targets.iter().cloned());
                targets.extend(
                    self.expand_chapter(&ct.targets, &[])
                        .into_iter()
                        .filter(|t| !ct.targets.contains(t)),
                );
            } else {
                targets.extend(ct.targets.iter().cloned());
            }
        }
        if targets.is_empty() {
            let (t, partial) = self.object_targets(matches, text, ws, wt, 0, wt.len());
            targets = t;
            // `avstyrker att föreskrifterna införs och finner att konsekvensutredningen inte
            // uppfyller kraven`: a verdict naming the konsekvensutredning is about it too.
            if !targets.is_empty()
                && !targets.contains(&Target::Konsekvensutredning)
                && matches
                    .iter()
                    .any(|m| (m.start..m.end).any(|w| self.lex.ku_targets.at(wt, w).is_some()))
            {
                targets.push(Target::Konsekvensutredning);
            }
            if partial && st == Some(Stance::Support) {
                st = Some(Stance::SupportReservations);
                statement.stance = st;
            }
        }
        if targets.is_empty() {
            if self.current.is_empty() {
                self.pending.push(statement);
            } else {
                for t in self.current.clone() {
                    self.add(t, statement.clone());
                }
            }
            return;
        }
        dedup(&mut targets);
        for t in &targets {
            self.add(t.clone(), statement.clone());
        }
        // A part named in words does not become the block's subject: the next sentence's
        // `förslaget` is the proposal again.
        if targets.iter().any(|t| !matches!(t, Target::Part { .. })) {
            self.current = targets;
        }
        self.attach_pending();
    }

    /// Statements waiting for a target take the targets a later clause of their sentence
    /// names; those from earlier sentences take the block's default (in a transcript's one
    /// long block, the next citation is about something else).
    fn attach_pending(&mut self) {
        if self.current.is_empty() {
            return;
        }
        let pending = std::mem::take(&mut self.pending);
        let defaults = self.default_targets();
        for st in pending {
            let targets = if st.sentence >= self.at {
                self.current.clone()
            } else {
                defaults.clone()
            };
            for t in targets {
                self.add(t, st.clone());
            }
        }
    }

    /// Targets of clause `c`: its citations, or the object of its stance phrase; and
    /// whether that object was some of the proposals only.
    #[allow(clippy::too_many_arguments)] // the sentence's parts, computed once by `sentence`
    fn clause_targets(
        &mut self,
        cites: &[CiteTargets],
        matches: &[Match],
        text: &str,
        ws: &[Word],
        wt: &[&str],
        cl: &Clauses,
        c: usize,
        exceptions: &[Address],
    ) -> (Vec<Target>, bool) {
        let mut targets = Vec::new();
        let mut partial = false;
        for ct in cites.iter().filter(|ct| cl.clause_of(ct.at) == c) {
            if ct.whole {
                targets.extend(self.expand_chapter(&ct.targets, exceptions));
            } else {
                targets.extend(ct.targets.iter().cloned());
            }
        }
        if targets.is_empty() {
            let start = matches
                .iter()
                .filter(|m| cl.clause_of(m.start) == c)
                .map(|m| m.start)
                .min();
            if let Some(start) = start {
                let end = (start..wt.len())
                    .find(|&w| cl.clause_of(w) != c)
                    .unwrap_or(wt.len());
                (targets, partial) = self.object_targets(matches, text, ws, wt, start, end);
            }
        }
        dedup(&mut targets);
        (targets, partial)
    }

    /// Targets named by the object of a stance phrase: the proposal (or some of it), the
    /// konsekvensutredning, a part named in words, or a paragraph by its topic.
    fn object_targets(
        &mut self,
        matches: &[Match],
        text: &str,
        ws: &[Word],
        wt: &[&str],
        from: usize,
        to: usize,
    ) -> (Vec<Target>, bool) {
        for m in matches.iter().filter(|m| m.start >= from && m.start < to) {
            // A verdict that names its target (`Konsekvensutredningen uppfyller inte kraven`).
            if (m.start..m.end).any(|w| self.lex.ku_targets.at(wt, w).is_some()) {
                return (vec![Target::Konsekvensutredning], false);
            }
            let stance_cue = matches!(
                m.cue,
                Cue::Support
                    | Cue::SupportReservations
                    | Cue::Oppose
                    | Cue::Neutral
                    | Cue::NoComment
            );
            // `(anser att) förslaget om att regionerna ska inrätta … behöver utredas vidare`:
            // a request whose subject is a sub-proposal named in words is about that part.
            if !stance_cue
                && !m.agentive
                && matches!(m.cue, Cue::Clarification | Cue::Proposes | Cue::Concern)
                && self.area == Area::General
                && self.part_context().is_none()
                && let Some(q) = (from..m.start).find(|&q| {
                    self.names_a_proposal(wt, q)
                        && (q == from || matches!(wt[q - 1], "att" | "hur"))
                })
            {
                let mut end = m.start;
                while end > q + 2
                    && matches!(
                        wt[end - 1],
                        "bör" | "behöver" | "måste" | "ska" | "skulle" | "kan" | "borde" | "därför"
                    )
                {
                    end -= 1;
                }
                let mut label = part_label(&text[ws[q].start..ws[end - 1].end]);
                // `Förslaget om …` opening the sentence is the same part as `förslaget om …`.
                if let Some(c) = label.chars().next().filter(|c| c.is_uppercase()) {
                    label = c.to_lowercase().chain(label.chars().skip(1)).collect();
                }
                return (vec![Target::Part { label }], false);
            }
            // `ställer sig tveksam till förslaget`: a concern names the proposal too, but a
            // part only through a stance.
            if !(stance_cue || m.cue == Cue::Concern && m.agentive) {
                continue;
            }
            // The object: after the phrase, or before a passive one (`Förslaget tillstyrks`).
            let object = if !m.agentive && m.start <= 2 && m.end >= to.min(m.end) {
                self.object_at(wt, 0, m.start, text, ws)
                    .filter(|o| !matches!(o, Object::Part(..)))
                    .or_else(|| self.object_at(wt, m.end, to, text, ws))
            } else {
                let k = self.object_start(m, wt);
                self.object_at(wt, k, to, text, ws)
            };
            match object {
                Some(Object::Document { partial }) => {
                    return (vec![self.whole_in_context()], partial);
                }
                Some(Object::Konsekvensutredning) => {
                    return (vec![Target::Konsekvensutredning], false);
                }
                Some(Object::Anaphor) => {
                    let places: Vec<Target> = self
                        .current
                        .iter()
                        .filter(|t| t.address().is_some_and(|a| a.paragraf.is_some()))
                        .cloned()
                        .collect();
                    if !places.is_empty() {
                        return (places, false);
                    }
                }
                // A concern names a part only as `förslaget om …` / `förslaget att …`.
                Some(Object::Part(a, _)) if !stance_cue && !self.names_a_proposal(wt, a) => {}
                Some(Object::Part(a, b)) => {
                    if let Some(t) = self.part_context() {
                        return (vec![t], false);
                    }
                    if self.area == Area::Konsekvensutredning || self.only_ku {
                        return (vec![Target::Konsekvensutredning], false);
                    }
                    // A provision named by its topic resolves through the draft first.
                    if !(a..b.min(a + 3)).any(|w| self.is_proposal_noun(wt[w]))
                        && let Some(t) = self.topic_target(m, wt, to)
                    {
                        return (t, false);
                    }
                    if self.area == Area::General
                        && !self.current.iter().any(|t| t.address().is_some())
                    {
                        let label = part_label(&text[ws[a].start..ws[b - 1].end]);
                        return (vec![Target::Part { label }], false);
                    }
                }
                None => {}
            }
        }
        if (from..to).any(|w| self.lex.ku_targets.at(wt, w).is_some()) {
            return (vec![Target::Konsekvensutredning], false);
        }
        if self.area == Area::Konsekvensutredning {
            return (Vec::new(), false);
        }
        let m = matches.iter().find(|m| m.start >= from && m.start < to);
        match m.and_then(|m| self.topic_target(m, wt, to)) {
            Some(t) => (t, false),
            None => (Vec::new(), false),
        }
    }

    /// Where the object of a phrase starts: after qualifiers, negation, adverbs and an
    /// inverted subject (`stödjer dock universitetet ändå utredningens förslag`). A phrase
    /// ending in its own noun (`delar utredningens bedömning att`) starts its object there.
    fn object_start(&self, m: &Match, wt: &[&str]) -> usize {
        let last = wt[m.end - 1];
        if m.end - m.start > 1
            && (self.lex.proposal_nouns.iter().any(|n| n == last) || last.starts_with("bedömning"))
        {
            return m.end - 1;
        }
        let mut k = m.end;
        while k < wt.len()
            && (matches!(
                wt[k],
                "i" | "huvudsak"
                    | "princip"
                    | "inte"
                    | "ej"
                    | "helt"
                    | "mycket"
                    | "remissvaret"
                    | "yttrandet"
                    | "sitt"
                    | "remissvar"
            ) || GAP_WORDS.contains(&wt[k])
                || self.is_respondent(wt[k]))
        {
            // `i` only as part of `i huvudsak`, `i princip`, `i remissvaret`.
            if wt[k] == "i"
                && !wt.get(k + 1).is_some_and(|w| {
                    matches!(
                        *w,
                        "huvudsak" | "princip" | "remissvaret" | "yttrandet" | "sitt"
                    )
                })
            {
                break;
            }
            k += 1;
        }
        k
    }

    /// What the words from `k` to `to` name, when they name the proposal or a part of it.
    fn object_at(
        &self,
        wt: &[&str],
        k: usize,
        to: usize,
        text: &str,
        ws: &[Word],
    ) -> Option<Object> {
        let mut k = k;
        while k < to && GAP_WORDS.contains(&wt[k]) {
            k += 1;
        }
        if k >= to {
            return None;
        }
        if matches!(wt[k], "mot" | "till" | "på" | "om" | "över") && k + 1 < to {
            k += 1;
        }
        if self.lex.ku_targets.at(wt, k).is_some()
            || (k + 1 < to && self.lex.ku_targets.at(wt, k + 1).is_some() && wt[k].ends_with('s'))
        {
            return Some(Object::Konsekvensutredning);
        }
        let rest = &wt[k..to];
        // `de förslag som lämnas avseende övriga delar`: the rest, a part of its own.
        if let Some(o) = rest.iter().position(|w| *w == "övriga") {
            return Some(Object::Part(k + o, to));
        }
        if wt[k] == "att" {
            if k + 1 < to && self.is_proposal_noun(wt[k + 1]) {
                // `(ser en risk) att förslaget om kortare preskriptionstid minskar …`: the
                // subject names a part, up to the verb that says what it does.
                if k + 2 < to && self.lex.part_specifiers.iter().any(|s| s == wt[k + 2]) {
                    let end = (k + 3..to)
                        .find(|&w| EFFECT_VERBS.contains(&wt[w]))
                        .unwrap_or(to);
                    return Some(Object::Part(k + 1, end));
                }
                // `att förslaget läggs till grund`, `att föreskrifterna införs`: the proposal.
                return Some(Object::Document { partial: false });
            }
            // `att ... reformeras i enlighet med huvudlinjerna i utredningens förslag`.
            if let Some(p) = (k..to).find(|&w| self.lex.partial.at(wt, w).is_some())
                && (p..to.min(p + 6)).any(|w| self.is_proposal_noun(wt[w]))
            {
                return Some(Object::Document { partial: true });
            }
            return Some(Object::Part(k + 1, to));
        }
        if let Some((len, _)) = self.lex.partial.at(wt, k)
            && (k + len..to.min(k + len + 4)).any(|w| self.is_proposal_noun(wt[w]))
        {
            return Some(Object::Document { partial: true });
        }
        // Determiners and genitives before the noun: `de`, `den föreslagna`, `utredningens`,
        // `Myndigheten för samhällsskydd och beredskaps förslag`.
        let mut n = k;
        while n < to
            && n < k + 3
            && (matches!(
                wt[n],
                "de" | "det" | "den" | "föreslagna" | "själva" | "hela"
            ) || (wt[n].ends_with('s') && !self.is_proposal_noun(wt[n])))
        {
            n += 1;
        }
        if !(n < to && self.is_proposal_noun(wt[n]))
            && let Some(g) = (k + 1..to.min(k + 8)).find(|&g| {
                // `beredskaps (MSB) förslag`: an abbreviation may follow the genitive.
                self.is_proposal_noun(wt[g])
                    && ((wt[g - 1].ends_with('s') && wt[g - 1].len() > 3)
                        || (g >= k + 2 && wt[g - 2].ends_with('s') && wt[g - 1].len() <= 6))
            })
            && !wt[k..g]
                .iter()
                .any(|w| matches!(*w, "att" | "som" | "men" | "då"))
        {
            n = g;
        }
        // `förändringar i förslagen`: the changes proposed, the proposal itself.
        if n + 2 < to
            && matches!(
                wt[n],
                "förändringar" | "förändringarna" | "ändringar" | "ändringarna"
            )
            && wt[n + 1] == "i"
            && self.is_proposal_noun(wt[n + 2])
        {
            return Some(Object::Document { partial: false });
        }
        if n < to && (self.is_proposal_noun(wt[n]) || wt[n].starts_with("bedömning")) {
            let after = n + 1;
            // `förslaget, som borde ge ...`: a clause after a comma describes the whole.
            let comma = after < to && text[ws[n].end..ws[after].start].contains(',');
            if after >= to
                || comma
                || self.lex.whole_specifiers.at(wt, after).is_some()
                || matches!(wt[after], "och" | "men" | "samt" | "eftersom" | "då")
                // `med nedan angivna synpunkter`: the whole, with comments to come.
                || (wt[after] == "med"
                    && wt[after + 1..to.min(after + 5)]
                        .iter()
                        .any(|w| matches!(*w, "synpunkter" | "kommentarer" | "påpekanden")))
            {
                return Some(Object::Document { partial: false });
            }
            if self.lex.part_specifiers.iter().any(|s| s == wt[after]) {
                // `förslaget om att ta bort paragrafen`: the provision the block is about.
                if rest
                    .iter()
                    .any(|w| matches!(*w, "paragrafen" | "bestämmelsen"))
                {
                    return Some(Object::Anaphor);
                }
                return Some(Object::Part(k, to));
            }
            return Some(Object::Document { partial: false });
        }
        // A pronoun alone points back; as a determiner (`den förändring som föreslås`) it
        // opens a part named in words.
        if matches!(wt[k], "detta" | "denna" | "dessa" | "här" | "därför")
            || (matches!(wt[k], "det" | "den" | "de")
                && (k + 1 >= to || matches!(wt[k + 1], "som" | "att" | "och" | "men" | "är")))
        {
            return None;
        }
        // `paragrafen`, `bestämmelsen` alone: the provision the block is about (not
        // `bestämmelsen om krav vid utkontraktering`, which names one by its topic).
        if matches!(wt[k], "paragrafen" | "bestämmelsen")
            && (k + 1 >= to || matches!(wt[k + 1], "och" | "men" | "samt" | "eftersom" | "då"))
        {
            return Some(Object::Anaphor);
        }
        Some(Object::Part(k, to))
    }

    fn is_proposal_noun(&self, w: &str) -> bool {
        self.lex.proposal_nouns.iter().any(|n| n == w)
    }

    /// `förslaget om …`, `förslaget att …` at `a`: a sub-proposal named in words.
    fn names_a_proposal(&self, wt: &[&str], a: usize) -> bool {
        self.is_proposal_noun(wt[a])
            && wt
                .get(a + 1)
                .is_some_and(|w| self.lex.part_specifiers.iter().any(|s| s == w))
    }

    /// A provision named by its topic: `bestämmelsen om krav vid utkontraktering`.
    fn topic_target(&mut self, m: &Match, wt: &[&str], to: usize) -> Option<Vec<Target>> {
        if !m.agentive
            || !matches!(
                m.cue,
                Cue::Support | Cue::SupportReservations | Cue::Oppose | Cue::Neutral | Cue::Concern
            )
        {
            return None;
        }
        let obj_start = m.end;
        let obj_end = (obj_start..to)
            .find(|&w| wt[w] == "men" || wt[w] == "och" && w > obj_start + 6)
            .unwrap_or(to);
        if obj_end <= obj_start {
            return None;
        }
        let head = wt[obj_start..obj_end.min(obj_start + 3)]
            .iter()
            .any(|w| PROVISION_NOUNS.contains(w));
        if !head {
            return None;
        }
        let phrase = wt[obj_start..obj_end].join(" ");
        match self.index {
            Some(index) => match index.resolve(&phrase, self.chapter()) {
                Some(Inference {
                    address, matched, ..
                }) => {
                    let t = Target::Place { address };
                    self.inferred.insert(t.clone(), matched);
                    Some(vec![t])
                }
                None => None,
            },
            None if self.draft.is_none() => {
                let t = Target::Unresolved { written: phrase };
                self.unresolved.insert(
                    t.clone(),
                    "named by topic; no draft to match it against".into(),
                );
                Some(vec![t])
            }
            None => None,
        }
    }

    /// The paragraphs of the chapters among `targets` (leaving out `except`).
    fn expand_chapter(&self, targets: &[Target], except: &[Address]) -> Vec<Target> {
        let Some(d) = self.draft else {
            return targets.to_vec();
        };
        let mut out = Vec::new();
        for t in targets {
            match t.address() {
                Some(a) if a.paragraf.is_none() && a.kapitel.is_some() => {
                    for p in d.paragraph_labels(a.kapitel) {
                        let pa = Address::paragraph(a.kapitel, p);
                        if !except.contains(&pa) {
                            out.push(Target::Place { address: pa });
                        }
                    }
                }
                _ => out.push(t.clone()),
            }
        }
        out
    }

    /// `Övriga paragrafer i kapitlet lämnas utan synpunkt`.
    fn others(&mut self, statement: Statement) {
        let k = self.chapter();
        match self.draft {
            Some(d) if d.chapter(k).is_some() || k.is_none() => {
                let rest: Vec<Address> = d
                    .paragraph_labels(k)
                    .into_iter()
                    .map(|p| Address::paragraph(k, p))
                    .filter(|a| !self.named.contains(a))
                    .collect();
                for a in rest {
                    self.add(Target::Place { address: a }, statement.clone());
                }
            }
            _ => {
                let t = Target::OtherParagraphs { kapitel: k };
                self.unresolved
                    .insert(t.clone(), "no draft to expand it against".into());
                self.add(t, statement);
            }
        }
    }

    /// Stance phrases in a sentence, kept only where the respondent is their subject.
    fn cues(
        &self,
        text: &str,
        ws: &[Word],
        wt: &[&str],
        starts: &[u8],
        capital: &[bool],
    ) -> Vec<Match> {
        self.cues_and_reported(text, ws, wt, starts, capital).0
    }

    /// Stance phrases in a sentence: the respondent's, and those of a body whose position
    /// the answer reports, with that body.
    fn cues_and_reported(
        &self,
        text: &str,
        ws: &[Word],
        wt: &[&str],
        starts: &[u8],
        capital: &[bool],
    ) -> (Vec<Match>, Vec<(Reporter, Match)>) {
        let mut out: Vec<Match> = Vec::new();
        let mut reported: Vec<(Reporter, Match)> = Vec::new();
        let attributed =
            attributed_start(wt, |w| self.is_respondent(w)).or_else(|| self.reported(wt, capital));
        let gap = |k: usize| GAP_WORDS.contains(&wt[k]) || capital[k] || self.is_respondent(wt[k]);
        let mut k = 0;
        while k < wt.len() {
            let a = if starts[k] & STARTS_AGENTIVE != 0 {
                self.lex.agentive.at_gapped(wt, k, &gap)
            } else {
                None
            };
            let p = if starts[k] & STARTS_IMPERSONAL != 0 {
                self.lex.impersonal.at(wt, k)
            } else {
                None
            };
            let (len, cue, agentive, gap_at) = match (a, p) {
                (Some((la, ta, g)), Some((lp, tp))) => {
                    if la >= lp {
                        (la, Lexicon::agentive_cue(ta), true, g)
                    } else {
                        (lp, Lexicon::impersonal_cue(tp), false, None)
                    }
                }
                (Some((la, ta, g)), None) => (la, Lexicon::agentive_cue(ta), true, g),
                (None, Some((lp, tp))) => (lp, Lexicon::impersonal_cue(tp), false, None),
                (None, None) => {
                    k += 1;
                    continue;
                }
            };
            let mut m = Match {
                start: k,
                end: k + len,
                cue,
                agentive,
                gap: gap_at,
                presumed: None,
            };
            if agentive {
                // `tillstyrker inte bara ... utan även ...` is no negation.
                if m.cue == Cue::Oppose
                    && matches!(wt[m.end - 1], "inte" | "ej")
                    && wt
                        .get(m.end)
                        .is_some_and(|w| matches!(*w, "bara" | "enbart" | "endast"))
                {
                    m.cue = Cue::Support;
                }
                // Negation right after the verb flips support: `tillstyrker inte`.
                if let Some(next) = wt.get(m.end)
                    && (*next == "inte" || *next == "ej")
                    && !wt
                        .get(m.end + 1)
                        .is_some_and(|w| matches!(*w, "bara" | "enbart" | "endast"))
                {
                    m.cue = match m.cue {
                        Cue::Support | Cue::SupportReservations => Cue::Oppose,
                        Cue::Oppose => Cue::Neutral,
                        other => other,
                    };
                    m.end += 1;
                }
                match self.subject_is_respondent(text, ws, wt, capital, &m, &out) {
                    Agent::Respondent => {}
                    Agent::Presumed(why) => m.presumed = Some(why),
                    Agent::Other => {
                        if let Some(r) = self.reporter_of(text, ws, wt, capital, m.start) {
                            reported.push((r, m.clone()));
                        }
                        k = m.end;
                        continue;
                    }
                }
            } else if attributed.is_some_and(|end| m.start < end) {
                if let Some(r) = self.reporter_of(text, ws, wt, capital, m.start) {
                    reported.push((r, m.clone()));
                }
                k = m.end;
                continue;
            }
            // `ifrågasätter (dock) om en rätt ... bör införas`: a `bör` inside an indirect
            // question doubts; it proposes nothing.
            if m.cue == Cue::Proposes
                && (1..m.start).rev().take(12).any(|q| {
                    wt[q] == "om"
                        && (QUESTION_WORDS.contains(&wt[q - 1])
                            || q >= 2
                                && GAP_WORDS.contains(&wt[q - 1])
                                && QUESTION_WORDS.contains(&wt[q - 2]))
                })
            {
                m.cue = Cue::Concern;
            }
            // `tillstyrker förslaget att kraven ska förtydligas`: what the proposal says, not
            // a request of the respondent's.
            if m.cue == Cue::Clarification
                && m.start >= 1
                && matches!(wt[m.start - 1], "ska" | "skall")
                && (m.start.saturating_sub(12)..m.start.saturating_sub(2))
                    .any(|q| self.is_proposal_noun(wt[q]) && matches!(wt[q + 1], "att" | "om"))
            {
                k = m.end;
                continue;
            }
            // `bör ha en positiv effekt`, `borde ge klart bättre förutsättningar`: an
            // expectation, not a proposal.
            if m.cue == Cue::Proposes
                && m.end == m.start + 1
                && wt.get(m.end).is_some_and(|w| {
                    matches!(*w, "ge" | "leda" | "innebära" | "medföra" | "resultera")
                        || (*w == "ha" && wt[m.end..].iter().take(5).any(|x| *x == "effekt"))
                })
            {
                k = m.end;
                continue;
            }
            k = m.end;
            out.push(m);
        }
        (out, reported)
    }

    /// The body whose phrase at `start` is, when the answer reports it: a body the case was
    /// referred to, a unit of an organisation other than the respondent
    /// (`Stadsbyggnadsnämnden tillstyrker`, `Juridiska fakultetsnämnden avstyrker`), or
    /// `Nämnden` for the last such unit named. Its subject stands right before the phrase or
    /// among the sentence's first words (`Miljönämnden välkomnar ... och tillstyrker`).
    fn reporter_of(
        &self,
        text: &str,
        ws: &[Word],
        wt: &[&str],
        capital: &[bool],
        start: usize,
    ) -> Option<Reporter> {
        // Not the proposer (`Transportstyrelsen föreslår`): its proposal is no position.
        let unit = |w: &str| {
            self.voice.referred.iter().any(|b| b == w)
                || (self.foreign_unit(w) && !self.words.not_respondent.contains(w))
        };
        // `Nämnden` in a city's answer: the unit of that kind named last.
        let anaphor = |w: &str| {
            self.lex.generic_respondents.iter().any(|g| g == w)
                && !self.own_words.iter().any(|o| o.ends_with(w))
                && self
                    .reporters
                    .iter()
                    .rev()
                    .any(|(n, _)| n.last().is_some_and(|l| l.ends_with(w)))
        };
        let named = |k: usize| self.named_unit(wt, capital, k);
        let is_subject = |k: usize| unit(wt[k]) || named(k) || anaphor(wt[k]);
        let q = if start > 0 && is_subject(start - 1) {
            start - 1
        } else {
            (0..start.min(4)).find(|&k| is_subject(k))?
        };
        if !unit(wt[q]) && !named(q) {
            return self
                .reporters
                .iter()
                .rev()
                .find(|(n, _)| n.last().is_some_and(|l| l.ends_with(wt[q])))
                .cloned();
        }
        // `Miljö- och hälsoskyddsnämnden`, `Juridiska fakultetsnämnden`: the whole name.
        let mut a = q;
        if a >= 2 && wt[a - 1] == "och" && text[ws[a - 2].start..ws[a - 1].start].contains('-') {
            a -= 2;
        }
        if a >= 1 && capital[a - 1] && !capital[q] && wt[a - 1].chars().all(char::is_alphabetic) {
            a -= 1;
        }
        let words: Vec<String> = wt[a..=q].iter().map(|w| w.to_string()).collect();
        let written = text[ws[a].start..ws[q].end].to_string();
        Some(
            self.reporters
                .iter()
                .find(|(n, _)| *n == words)
                .cloned()
                .unwrap_or((words, written)),
        )
    }

    /// A sentence whose subject is someone else (`Stadsledningskontoret anser dock att det
    /// förtydligas` in a municipal PM reporting a referral body): its impersonal remarks are
    /// that body's too. Returns where the attribution ends (the whole sentence).
    fn reported(&self, wt: &[&str], capital: &[bool]) -> Option<usize> {
        // Only a body the document itself marks as someone else's (a referral body, the
        // proposer): the lexicon's `utredningen` opens many of the respondent's sentences.
        let reported = capital.first() == Some(&true)
            && (self.voice.others.iter().any(|n| {
                n.len() <= wt.len()
                    && wt[..n.len()].iter().zip(n).all(|(a, b)| *a == b)
                    && !self.voice.name_ends_at(wt, n.len())
            }) || wt
                .first()
                .is_some_and(|w| self.foreign_unit(w) || self.reporter_anaphor(w)));
        reported.then_some(wt.len())
    }

    fn subject_is_respondent(
        &self,
        text: &str,
        ws: &[Word],
        wt: &[&str],
        capital: &[bool],
        m: &Match,
        earlier: &[Match],
    ) -> Agent {
        // `Juridiska fakultetsnämnden avstyrker` in a university's answer: a named unit.
        if m.start >= 2 && self.named_unit(wt, capital, m.start - 1) {
            return Agent::Other;
        }
        // Before the verb: a name (`Stockholms universitet tillstyrker`), a word for the
        // respondent (`Förvaltningen tillstyrker`, `(bolaget) tillstyrker`).
        if self.voice.name_ends_at(wt, m.start)
            || (m.start > 0 && self.is_respondent(wt[m.start - 1]))
        {
            return Agent::Respondent;
        }
        // `Stockholm Vatten och Avfall AB tillstyrker`: a multi-word name.
        for n in &self.answer.meta.names {
            let nw: Vec<&str> = n.split(' ').collect();
            if nw.len() > 1
                && m.start >= nw.len()
                && wt[m.start - nw.len()..m.start]
                    .iter()
                    .zip(&nw)
                    .all(|(a, b)| a == b)
            {
                return Agent::Respondent;
            }
        }
        // Inverted order: `ställer sig Konsumentverket frågande till`, `Beträffande ... ser
        // myndigheten att det finns ett värde i`.
        if m.gap.is_some_and(|g| {
            self.is_respondent(wt[g]) || self.voice.name_starts_at(wt, g).is_some()
        }) {
            return Agent::Respondent;
        }
        if self.voice.other_ends_at(wt, m.start)
            || (m.start > 0 && self.is_other_word(wt[m.start - 1]))
        {
            return Agent::Other;
        }
        let verb_end = if m.end > m.start + 1 {
            m.start + 1
        } else {
            m.end
        };
        let after = |k: usize| {
            let mut k = k;
            while k < wt.len() && GAP_WORDS.contains(&wt[k]) {
                k += 1;
            }
            k
        };
        for k in [verb_end, m.end, after(m.end)] {
            if wt.get(k).is_some_and(|w| self.is_respondent(w))
                || self.voice.name_starts_at(wt, k).is_some()
            {
                return Agent::Respondent;
            }
        }
        // A coordinated verb shares the subject: `... och tillstyrker`, `..., men föreslår`.
        let prev = m.start.checked_sub(1).map(|p| wt[p]);
        let comma_before =
            m.start > 0 && text[ws[m.start - 1].end..ws[m.start].start].contains(',');
        let coordinated = matches!(prev, Some("och" | "men" | "samt" | "eller")) || comma_before;
        if coordinated && earlier.iter().any(|e| e.agentive) {
            return Agent::Respondent;
        }
        // `Domstolsverket, som har granskat betänkandet ..., ställer sig i huvudsak positivt`:
        // the phrase after a relative clause on the respondent is the respondent's.
        if comma_before
            && (1..m.start).any(|k| {
                wt[k] == "som"
                    && (self.voice.name_ends_at(wt, k) || self.is_respondent(wt[k - 1]))
                    && text[ws[k - 1].end..ws[k].start].contains(',')
            })
        {
            return Agent::Respondent;
        }
        // Someone else named before the phrase in the sentence: theirs (`Transportstyrelsen
        // bedömer att ... och riskerar`). A capital right before it is an unknown agent.
        let other_before =
            (0..m.start).any(|k| self.is_other_word(wt[k]) || self.voice.other_ends_at(wt, k + 1));
        if other_before || (m.start > 0 && capital[m.start - 1]) {
            return Agent::Other;
        }
        // The respondent opens the sentence and nobody else is named before the phrase
        // (`Jämställdhetsmyndigheten delar bilden av ... och välkomnar betänkandet`).
        if self.voice.name_starts_at(wt, 0).is_some()
            || wt.first().is_some_and(|w| self.is_respondent(w))
        {
            return Agent::Respondent;
        }
        // No agent named at all: a stance phrase with no other agent is the respondent's,
        // but say so (`Välkomnar förslaget.`, a clause after `och` with no subject).
        if m.start == 0 || coordinated {
            return Agent::Presumed("no agent named; read as the respondent's");
        }
        Agent::Other
    }

    /// The line a voice view (a sentence, then a heading) starts on.
    fn view_line(&self, view: usize) -> u32 {
        let n = self.answer.sentences.len();
        match self.answer.sentences.get(view) {
            Some(s) => s.span.line,
            None => self
                .answer
                .headings
                .get(view - n)
                .map_or(0, |h| h.span.line),
        }
    }

    /// The headings and sentences of the answer in the order written, with their lines.
    fn texts_in_order(&self) -> Vec<(&str, u32)> {
        let mut v: Vec<(usize, &str, u32)> = self
            .answer
            .headings
            .iter()
            .map(|h| (h.span.start, h.text.as_str(), h.span.line))
            .chain(
                self.answer
                    .sentences
                    .iter()
                    .map(|s| (s.span.start, s.text.as_str(), s.span.line)),
            )
            .collect();
        v.sort_by_key(|t| t.0);
        v.into_iter().map(|(_, t, l)| (t, l)).collect()
    }

    /// Who is answering: the body that introduces itself, else the letterhead, else the
    /// agent of most stance phrases; an office or nämnd that is the agent speaks for the
    /// municipality named in the text. Never someone the document marks as another.
    fn respondent(&self) -> Option<Respondent> {
        let lower_words =
            |s: &str| -> Vec<String> { words(s).into_iter().map(|w| w.text).collect() };
        let is_other = |name: &str| {
            let w = lower_words(name);
            self.voice.is_other(&w) || (w.len() == 1 && self.is_other_word(&w[0]))
        };
        let intro = self
            .voice
            .found
            .iter()
            .find(|n| n.how == How::Introduction)
            .map(|n| (n, NamedBy::Introduction))
            .or_else(|| {
                self.voice
                    .found
                    .iter()
                    .find(|n| n.how == How::Possessive && !is_other(&n.written))
                    .map(|n| (n, NamedBy::Possessive))
            });
        let agent = self
            .voice
            .found
            .iter()
            .find(|n| matches!(n.how, How::Agent(_)) && !is_other(&n.written))
            .filter(|n| {
                !(n.words.len() == 1 && self.lex.generic_respondents.contains(&n.words[0]))
            });
        let body = self
            .answer
            .meta
            .respondent
            .clone()
            .filter(|r| !is_other(&r.name));
        let from_view = |n: &Naming, by: NamedBy| Respondent {
            name: n.written.clone(),
            office: None,
            aliases: Vec::new(),
            named_by: by,
            line: self.view_line(n.view),
        };
        // An office, a nämnd or an organ (`Stadsledningskontoret`, `Borgarrådsberedningen`)
        // speaks for its municipality.
        let sub_body = |n: &Naming| {
            n.words.last().is_some_and(|w| {
                self.lex.organs.contains(w)
                    || self
                        .lex
                        .respondent_suffixes
                        .iter()
                        .any(|s| w.ends_with(s.as_str()))
            })
        };
        // `Avdelningen för juridik`, `Rättsenheten` on the letterhead: a department of the
        // body that speaks in the text (`SKR tillstyrker …`), not the respondent itself.
        let department = |name: &str| {
            let w = lower_words(name);
            w.first().is_some_and(|f| {
                DEPARTMENT_WORDS.contains(&f.as_str())
                    || (w.len() == 1 && DEPARTMENT_WORDS.iter().any(|d| f.ends_with(d)))
            })
        };
        let mut r = match (intro, &body, agent) {
            (Some((i, by)), _, _) => from_view(i, by),
            (None, Some(b), Some(a))
                if b.named_by == NamedBy::Letterhead
                    && department(&b.name)
                    && !sub_body(a)
                    && !department(&a.written) =>
            {
                let mut r = from_view(a, NamedBy::Agent);
                r.office = Some(b.name.clone());
                r
            }
            (None, Some(b), _) if b.named_by == NamedBy::Letterhead => b.clone(),
            (None, Some(b), Some(a)) if sub_body(a) => b.clone(),
            (None, _, Some(a)) => from_view(a, NamedBy::Agent),
            (None, Some(b), None) => b.clone(),
            (None, None, None) => return None,
        };
        // `Länsstyrelsen har beretts tillfälle …` under a letterhead `Länsstyrelsen Västra
        // Götaland`: the generic word of the introduction stands for the full name.
        if let [w] = lower_words(&r.name).as_slice()
            && self.lex.generic_respondents.contains(w)
            && let Some((full, line)) = full_name_of(&self.texts_in_order(), &r.name)
        {
            if line < r.line {
                r.named_by = NamedBy::Letterhead;
            }
            r.name = full;
            r.line = line;
        }
        // `Kommunstyrelsen i Ale kommun`, `Regionstyrelsen i Region Skåne`: the organ speaks
        // for the kommun or region it belongs to.
        if let Some((organ, body)) = r.name.split_once(" i ")
            && self.lex.organs.contains(&organ.to_lowercase())
            && body.chars().next().is_some_and(char::is_uppercase)
            && (body.ends_with(" kommun")
                || body.ends_with(" stad")
                || body.ends_with(" landsting")
                || body.starts_with("Region "))
        {
            r.office = Some(organ.to_string());
            r.name = body.to_string();
        }
        // The full name rather than its abbreviation (`MSB` → `Myndigheten för
        // samhällsskydd och beredskap`).
        let short_words = lower_words(&r.name);
        let longer = self.voice.aliases.iter().find_map(|(a, b)| {
            let (short, full) = if a.words.len() < b.words.len() {
                (a, b)
            } else {
                (b, a)
            };
            (short.words == short_words && full.words.len() > 1).then_some(full)
        });
        if let Some(full) = longer {
            r.aliases
                .push(std::mem::replace(&mut r.name, full.written.clone()));
        }
        let name_words = lower_words(&r.name);
        // The office whose voice it is, when that is another body than the respondent.
        r.office = agent
            .filter(|a| {
                r.named_by != NamedBy::Agent
                    && !a.words.iter().all(|w| name_words.contains(w))
                    && !self.voice.aliases.iter().any(|(f, s)| {
                        (f.words == name_words && s.words == a.words)
                            || (s.words == name_words && f.words == a.words)
                    })
            })
            .map(|a| a.written.clone())
            .or_else(|| r.office.clone().filter(|o| !is_other(o)));
        for (full, short) in &self.voice.aliases {
            let alias = if full.words == name_words {
                &short.written
            } else if short.words == name_words {
                &full.written
            } else {
                continue;
            };
            // `Universitets- och högskolerådets (UHR)`: a genitive repeats a name.
            let genitive = |n: &String| {
                alias.strip_suffix('s') == Some(n.as_str())
                    || alias.strip_suffix(":s") == Some(n.as_str())
            };
            if !r.aliases.contains(alias)
                && *alias != r.name
                && !genitive(&r.name)
                && !r.aliases.iter().any(genitive)
            {
                r.aliases.push(alias.clone());
            }
        }
        Some(r)
    }

    /// One target's statements merged into its row.
    fn merge(&self, t: &Target, sts: &[Statement], whole_read: bool) -> Row {
        let mut stance: Option<Stance> = None;
        let mut flags: BTreeSet<Flag> = BTreeSet::new();
        let mut evidence: Vec<Evidence> = Vec::new();
        let mut supportive = false;
        let mut opposed = false;
        let mut uncertain: Option<&'static str> = None;
        for st in sts {
            if let Some(s) = st.stance {
                supportive |= s.is_supportive();
                opposed |= s == Stance::Oppose;
                stance = Some(stance.map_or(s, |p: Stance| p.min(s)));
            }
            flags.extend(st.flags.iter().copied());
            uncertain = uncertain.or(st.uncertain);
            let e = self.evidence(st.sentence);
            if !evidence.contains(&e) {
                evidence.push(e);
            }
        }
        // No stance word: a proposal if a change is proposed, otherwise a comment.
        let stance = match stance {
            Some(Stance::NoComment) if !flags.is_empty() => {
                if flags.contains(&Flag::Proposes) {
                    Stance::Proposal
                } else {
                    Stance::Comment
                }
            }
            Some(s) => s,
            None if flags.contains(&Flag::Proposes) => Stance::Proposal,
            None => Stance::Comment,
        };
        // A sub-proposal named in words may be the whole proposal: say so.
        if matches!(t, Target::Part { .. }) && !whole_read {
            uncertain = uncertain.or(Some("a part named in words; it may be the whole proposal"));
        }
        evidence.sort_by_key(|e| e.span.start);
        Row {
            id: t.id(),
            display: t.display(),
            target: t.clone(),
            stance,
            flags: flags.into_iter().collect(),
            evidence,
            inferred: self.inferred.get(t).cloned(),
            unresolved: self.unresolved.get(t).cloned(),
            conflict: supportive && opposed,
            uncertain: uncertain.map(str::to_string),
        }
    }

    /// The reported positions, per body in the order they are first named, each body's
    /// rows in order of appearance.
    fn reported_rows(&self) -> Vec<Reported> {
        let mut out: Vec<Reported> = Vec::new();
        for (r, (_, written)) in self.reporters.iter().enumerate() {
            let whole_read = self.reported.contains_key(&(r, Target::Document));
            let rows: Vec<Row> = self
                .reported_order
                .iter()
                .filter(|(k, _)| *k == r)
                .filter_map(|key| {
                    let sts = self.reported.get(key)?;
                    Some(self.merge(&key.1, sts, whole_read))
                })
                .collect();
            if !rows.is_empty() {
                out.push(Reported {
                    body: written.clone(),
                    reporter: self.settled.as_ref().map(|s| s.name.clone()),
                    rows,
                });
            }
        }
        out
    }

    fn finish(mut self) -> StanceTable {
        // Remarks are a comment on the whole only in an answer that says nothing else of it.
        if !self.by_target.contains_key(&Target::Document) {
            for i in std::mem::take(&mut self.remarks) {
                self.add(
                    Target::Document,
                    Statement {
                        stance: Some(Stance::Comment),
                        flags: BTreeSet::new(),
                        sentence: i,
                        uncertain: Some(
                            "a remark with no stance word, read as a comment on the whole",
                        ),
                        reporter: None,
                    },
                );
            }
        }
        let whole_read = self.by_target.contains_key(&Target::Document);
        let mut rows: Vec<Row> = self
            .by_target
            .iter()
            .map(|(t, sts)| self.merge(t, sts, whole_read))
            .collect();
        // Order: the proposal, chapters and paragraphs by address (the draft's order for any
        // draft numbered upwards), the rest in order of appearance, the konsekvensutredning last.
        let appearance: BTreeMap<&Target, usize> =
            self.order.iter().enumerate().map(|(i, t)| (t, i)).collect();
        rows.sort_by_cached_key(|r| -> (u8, Address, usize) {
            match &r.target {
                Target::Document => (0, Address::default(), 0),
                Target::Place { address } => (1, *address, 0),
                Target::Konsekvensutredning => (3, Address::default(), 0),
                _ => (
                    2,
                    Address::default(),
                    appearance.get(&r.target).copied().unwrap_or(usize::MAX),
                ),
            }
        });
        let addressed: BTreeSet<Address> = rows
            .iter()
            .filter_map(|r| r.target.address())
            .map(|a| a.paragraph_part())
            .collect();
        // The draft's addresses from the index, made once for all the answers it serves.
        let not_addressed = match (self.draft, self.index) {
            (Some(_), Some(index)) => Unaddressed::of(Arc::clone(index.addresses()), &addressed),
            (Some(d), None) => Unaddressed::of(unaddressed::paragraph_addresses(d), &addressed),
            (None, _) => Unaddressed::default(),
        };
        let unmatched_headings = match self.index {
            Some(_) => self
                .answer
                .headings
                .iter()
                .enumerate()
                .filter(|(i, h)| {
                    h.kind == HeadingKind::Topic
                        && self.topic_targets.get(i).is_none_or(|v| v.is_empty())
                })
                .map(|(_, h)| Evidence {
                    line: h.span.line,
                    text: h.text.clone(),
                    span: h.span,
                })
                .collect(),
            None => Vec::new(),
        };
        let reported = self.reported_rows();
        let mut meta = self.answer.meta.clone();
        meta.respondent = self.settled.clone();
        for n in &self.voice.names {
            let n = n.join(" ");
            if !meta.names.contains(&n) {
                meta.names.push(n);
            }
        }
        meta.names.retain(|n| !self.foreign_unit(n));
        StanceTable {
            source: self.answer.source.clone(),
            meta,
            against_draft: self.draft.is_some(),
            rows,
            not_addressed,
            missing: self.missing,
            unmatched_headings,
            positions: self.positions,
            reported,
        }
    }
}

/// A sentence's clauses: split at `men`, at exceptions (`utom när det gäller`) and where a
/// new stance phrase is coordinated (`... och har i övrigt inga invändningar`), with the
/// stance and flags of each.
struct Clauses {
    /// Per clause: its first word and whether it is an exception.
    bounds: Vec<(usize, bool)>,
    stance: Vec<Option<Stance>>,
    flags: Vec<BTreeSet<Flag>>,
}

impl Clauses {
    fn split(wt: &[&str], matches: &[Match], lex: &Lexicon) -> Clauses {
        let mut bounds: Vec<(usize, bool)> = vec![(0, false)];
        let mut k = 0;
        while k < wt.len() {
            if let Some((len, _)) = lex.exceptions.at(wt, k) {
                bounds.push((k, true));
                k += len;
                continue;
            }
            if wt[k] == "men" && k > 0 {
                bounds.push((k, false));
            }
            k += 1;
        }
        // `tillstyrker förslaget ... och har i övrigt inga invändningar`.
        let is_stance = |c: Cue| {
            matches!(
                c,
                Cue::Support
                    | Cue::SupportReservations
                    | Cue::Oppose
                    | Cue::NoComment
                    | Cue::Neutral
            )
        };
        for (n, m) in matches.iter().enumerate() {
            if m.start > 1
                && matches!(wt[m.start - 1], "och" | "samt")
                && is_stance(m.cue)
                && matches[..n]
                    .iter()
                    .any(|e| is_stance(e.cue) && e.cue != m.cue)
                && !bounds.iter().any(|b| b.0 == m.start - 1)
            {
                bounds.push((m.start - 1, false));
            }
        }
        bounds.sort_by_key(|b| b.0);
        let n = bounds.len();
        let mut cl = Clauses {
            bounds,
            stance: vec![None; n],
            flags: vec![BTreeSet::new(); n],
        };
        for m in matches {
            let c = cl.clause_of(m.start);
            let s = match m.cue {
                Cue::Support => Some(Stance::Support),
                Cue::SupportReservations => Some(Stance::SupportReservations),
                Cue::Oppose => Some(Stance::Oppose),
                Cue::Neutral | Cue::Comment => Some(Stance::Comment),
                Cue::NoComment => Some(Stance::NoComment),
                Cue::Proposes => {
                    cl.flags[c].insert(Flag::Proposes);
                    None
                }
                Cue::Clarification => {
                    cl.flags[c].insert(Flag::Clarification);
                    None
                }
                Cue::Concern => {
                    cl.flags[c].insert(Flag::Concern);
                    None
                }
                Cue::RefersBack => {
                    cl.flags[c].insert(Flag::RefersBack);
                    None
                }
                Cue::Remark => None,
            };
            if let Some(s) = s {
                cl.stance[c] = Some(match cl.stance[c] {
                    Some(prev) => prev.min(s),
                    None => s,
                });
            }
        }
        // `föreslår att detta förtydligas` asks for clarification, not a change.
        for f in cl.flags.iter_mut() {
            if f.contains(&Flag::Clarification) {
                f.remove(&Flag::Proposes);
            }
        }
        cl
    }

    fn len(&self) -> usize {
        self.bounds.len()
    }

    fn clause_of(&self, w: usize) -> usize {
        self.bounds.iter().rposition(|(b, _)| *b <= w).unwrap_or(0)
    }

    fn is_exception(&self, c: usize) -> bool {
        self.bounds[c].1
    }

    /// Whether each clause takes its own targets: support and opposition meet, an
    /// exception, or a coordinated no-comment beside a stance.
    fn separate(&self) -> bool {
        let mixed = self
            .stance
            .iter()
            .any(|s| s.is_some_and(|s| s.is_supportive()))
            && self.stance.contains(&Some(Stance::Oppose));
        let no_comment_beside = self.stance.contains(&Some(Stance::NoComment))
            && self
                .stance
                .iter()
                .any(|s| s.is_some_and(|s| s != Stance::NoComment));
        mixed || self.bounds.iter().any(|b| b.1) || no_comment_beside
    }
}

struct CiteTargets {
    at: usize,
    targets: Vec<Target>,
    whole: bool,
}

/// The target a part heading names: a report section (`5.4.2 Köperbjudanden …`) or a
/// part in words (`Förslag till lag om ändring i alkohollagen (2010:1622)`).
fn part_of_heading(text: &str) -> Target {
    match super::section_number(text) {
        Some((number, title)) => Target::Section {
            number,
            title: (!title.is_empty()).then(|| title.to_string()),
        },
        None => Target::Part {
            label: part_label(text),
        },
    }
}

/// The words naming a part, as written: up to the end of its clause (a comma, `men`, `då`,
/// `och` before a verb of the answer's own), at most twelve words, without closing
/// punctuation.
fn part_label(s: &str) -> String {
    let mut out: Vec<&str> = Vec::new();
    let words: Vec<&str> = s.split_whitespace().collect();
    for (i, w) in words.iter().enumerate() {
        if out.len() == 12 || matches!(*w, "men" | "då" | "eftersom" | "vilket") && i > 0 {
            break;
        }
        if *w == "och"
            && words.get(i + 1).is_some_and(|n| {
                matches!(
                    *n,
                    "anser"
                        | "har"
                        | "är"
                        | "menar"
                        | "vill"
                        | "ser"
                        | "delar"
                        | "bedömer"
                        | "tillstyrker"
                        | "avstyrker"
                        | "välkomnar"
                        | "föreslår"
                )
            })
        {
            break;
        }
        out.push(w);
        // A comma ends the clause, but not an enumeration early in the name
        // (`en utveckling av effektiv, säker och hållbar e-förvaltning`).
        if w.ends_with(';') || (w.ends_with(',') && out.len() >= 5) {
            break;
        }
    }
    out.join(" ")
        .trim_end_matches(['.', ',', ':', ';'])
        .to_string()
}

/// Words naming the authority behind the proposal in a condition (`under förutsättning att MSB ...`).
const AUTHORITY_WORDS: [&str; 3] = ["msb", "myndigheten", "regeringen"];

/// Verbs that follow `enligt X §` when the citation is an argument, not a target.
const ARGUMENT_VERBS: [&str; 11] = [
    "ska", "skall", "får", "måste", "gäller", "kan", "bör", "framgår", "anges", "krävs", "följer",
];

/// Nouns that head a reference to a provision by its topic.
const PROVISION_NOUNS: [&str; 9] = [
    "bestämmelsen",
    "bestämmelserna",
    "kravet",
    "kraven",
    "paragrafen",
    "regleringen",
    "förslaget",
    "reglerna",
    "regeln",
];

/// `Som MSB konstaterar ...`, `Enligt utredningen ...`: the opening clause is someone
/// else's; returns the word index where it ends.
fn attributed_start(wt: &[&str], is_respondent: impl Fn(&str) -> bool) -> Option<usize> {
    let first = wt.first()?;
    // `Enligt kammarrättens mening`, `Enligt vår bedömning`: the respondent's own view.
    let own = |w: &str| {
        is_respondent(w)
            || matches!(w, "vår" | "min" | "mitt" | "vårt")
            || w.strip_suffix('s')
                .is_some_and(|b| b.len() > 2 && is_respondent(b))
            || w.strip_suffix(":s").is_some_and(&is_respondent)
    };
    if (*first == "som" || *first == "enligt") && wt.get(1).is_some_and(|w| !own(w)) {
        // Up to the verb that follows the attribution and the next clause.
        return Some(wt.len().min(6));
    }
    if *first == "i"
        && wt
            .get(1)
            .is_some_and(|w| matches!(*w, "förslaget" | "betänkandet" | "promemorian" | "remissen"))
    {
        return Some(wt.len());
    }
    None
}

fn dedup(v: &mut Vec<Target>) {
    let mut seen = BTreeSet::new();
    v.retain(|t| seen.insert(t.clone()));
}

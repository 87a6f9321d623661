//! The stance vocabulary (a data file, `data/lexicon.toml`) and its phrase matcher.

use rustc_hash::FxHashMap as HashMap;
use serde::Deserialize;

/// The embedded default vocabulary.
pub const DEFAULT: &str = include_str!("../../data/lexicon.toml");

/// What a phrase signals.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Cue {
    Support,
    SupportReservations,
    Oppose,
    Neutral,
    Comment,
    NoComment,
    Proposes,
    Clarification,
    Concern,
    RefersBack,
    /// `konstaterar att`: a remark with no stance of its own (see `remark` in the lexicon).
    Remark,
}

#[derive(Debug, thiserror::Error)]
pub enum LexiconError {
    #[error("the lexicon is not valid TOML: {0}")]
    Toml(#[from] toml::de::Error),
    #[error("cannot read the lexicon {path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
struct Agentive {
    #[serde(default)]
    support: Vec<String>,
    #[serde(default)]
    support_reservations: Vec<String>,
    #[serde(default)]
    oppose: Vec<String>,
    #[serde(default)]
    neutral: Vec<String>,
    #[serde(default)]
    comment: Vec<String>,
    #[serde(default)]
    proposes: Vec<String>,
    #[serde(default)]
    clarification: Vec<String>,
    #[serde(default)]
    concern: Vec<String>,
    #[serde(default)]
    refers_back: Vec<String>,
    #[serde(default)]
    no_comment: Vec<String>,
    #[serde(default)]
    remark: Vec<String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
struct Impersonal {
    #[serde(default)]
    no_comment: Vec<String>,
    #[serde(default)]
    proposes: Vec<String>,
    #[serde(default)]
    clarification: Vec<String>,
    #[serde(default)]
    concern: Vec<String>,
    #[serde(default)]
    support: Vec<String>,
    #[serde(default)]
    support_reservations: Vec<String>,
    #[serde(default)]
    oppose: Vec<String>,
    #[serde(default)]
    comment: Vec<String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
struct Reservation {
    #[serde(default)]
    qualifiers: Vec<String>,
    #[serde(default)]
    conditions: Vec<String>,
    #[serde(default)]
    but_verbs: Vec<String>,
    #[serde(default)]
    but_words: Vec<String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
struct Respondent {
    #[serde(default)]
    generic: Vec<String>,
    #[serde(default)]
    suffixes: Vec<String>,
    #[serde(default)]
    others: Vec<String>,
    #[serde(default)]
    introductions: Vec<String>,
    #[serde(default)]
    referrals: Vec<String>,
    #[serde(default)]
    proposer_nouns: Vec<String>,
    #[serde(default)]
    own_nouns: Vec<String>,
    #[serde(default)]
    organs: Vec<String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
struct Boilerplate {
    #[serde(default)]
    phrases: Vec<String>,
    #[serde(default)]
    furniture: Vec<String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
struct Headings {
    #[serde(default)]
    procedural: Vec<String>,
    #[serde(default)]
    general: Vec<String>,
    #[serde(default)]
    konsekvensutredning: Vec<String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
struct Targets {
    #[serde(default)]
    proposal: Vec<String>,
    #[serde(default)]
    konsekvensutredning: Vec<String>,
    #[serde(default)]
    whole_chapter: Vec<String>,
    #[serde(default)]
    others: Vec<String>,
    #[serde(default)]
    exceptions: Vec<String>,
    #[serde(default)]
    proposal_nouns: Vec<String>,
    #[serde(default)]
    partial: Vec<String>,
    #[serde(default)]
    whole_specifiers: Vec<String>,
    #[serde(default)]
    part_specifiers: Vec<String>,
    #[serde(default)]
    proposal_markers: Vec<String>,
    #[serde(default)]
    part_headings: Vec<String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
struct File {
    #[serde(default)]
    agentive: Agentive,
    #[serde(default)]
    impersonal: Impersonal,
    #[serde(default)]
    reservation: Reservation,
    #[serde(default)]
    respondent: Respondent,
    #[serde(default)]
    boilerplate: Boilerplate,
    #[serde(default)]
    headings: Headings,
    #[serde(default)]
    targets: Targets,
}

/// A phrase split into lower-case words.
pub type Phrase = Vec<String>;

/// A set of phrases indexed by their first word, for matching over word lists.
#[derive(Debug, Default, Clone)]
pub struct PhraseSet {
    by_first: HashMap<String, Vec<(Phrase, usize)>>,
}

impl PhraseSet {
    fn new(lists: &[(&[String], usize)]) -> Self {
        let mut by_first: HashMap<String, Vec<(Phrase, usize)>> = HashMap::default();
        for (list, tag) in lists {
            for p in *list {
                let words = words_of(p);
                if let Some(first) = words.first() {
                    by_first
                        .entry(first.clone())
                        .or_default()
                        .push((words, *tag));
                }
            }
        }
        // Longest first, so the first match at a position is the longest.
        for v in by_first.values_mut() {
            v.sort_by_key(|p| std::cmp::Reverse(p.0.len()));
        }
        PhraseSet { by_first }
    }

    /// The longest phrase starting at word `i` that may have up to two words inside it
    /// for which `gap` holds (`ser [därför] positivt på`, `ställer sig [Konsumentverket]
    /// frågande till`): the number of words it spans, its tag and the first gap word.
    pub fn at_gapped<S: AsRef<str>>(
        &self,
        words: &[S],
        i: usize,
        gap: &dyn Fn(usize) -> bool,
    ) -> Option<(usize, usize, Option<usize>)> {
        let cands = self.by_first.get(words.get(i)?.as_ref())?;
        let mut best: Option<(usize, usize, Option<usize>, usize)> = None;
        for (p, tag) in cands {
            let mut k = i + 1;
            let mut gaps = 0;
            let mut first_gap = None;
            let mut ok = true;
            for want in &p[1..] {
                while gaps < 2 && k < words.len() && words[k].as_ref() != want && gap(k) {
                    first_gap.get_or_insert(k);
                    gaps += 1;
                    k += 1;
                }
                if k < words.len() && words[k].as_ref() == want {
                    k += 1;
                } else {
                    ok = false;
                    break;
                }
            }
            // Candidates come longest first: the first that matches wins.
            if ok {
                best = Some((k - i, *tag, first_gap, p.len()));
                break;
            }
        }
        best.map(|(span, tag, g, _)| (span, tag, g))
    }

    /// The longest phrase starting at word `i`: its length in words and its tag.
    pub fn at<S: AsRef<str>>(&self, words: &[S], i: usize) -> Option<(usize, usize)> {
        let cands = self.by_first.get(words.get(i)?.as_ref())?;
        cands
            .iter()
            .find(|(p, _)| {
                words.len() >= i + p.len()
                    && p.iter().zip(&words[i..]).all(|(a, b)| a == b.as_ref())
            })
            .map(|(p, tag)| (p.len(), *tag))
    }

    /// Whether any phrase occurs in `words`.
    pub fn find<S: AsRef<str>>(&self, words: &[S]) -> Option<(usize, usize)> {
        (0..words.len()).find_map(|i| self.at(words, i).map(|(len, _)| (i, len)))
    }
}

/// Lower-case words of a phrase (`MSB:s förslag` → `msb:s`, `förslag`).
pub fn words_of(s: &str) -> Vec<String> {
    crate::answer::words(s)
        .into_iter()
        .map(|w| w.text)
        .collect()
}

const AGENTIVE_TAGS: [Cue; 11] = [
    Cue::Support,
    Cue::SupportReservations,
    Cue::Oppose,
    Cue::Neutral,
    Cue::Comment,
    Cue::Proposes,
    Cue::Clarification,
    Cue::Concern,
    Cue::RefersBack,
    Cue::NoComment,
    Cue::Remark,
];
const IMPERSONAL_TAGS: [Cue; 8] = [
    Cue::NoComment,
    Cue::Proposes,
    Cue::Clarification,
    Cue::Concern,
    Cue::Support,
    Cue::SupportReservations,
    Cue::Oppose,
    Cue::Comment,
];

/// The vocabulary, ready for matching.
#[derive(Debug, Clone)]
pub struct Lexicon {
    pub agentive: PhraseSet,
    pub impersonal: PhraseSet,
    pub qualifiers: PhraseSet,
    pub conditions: PhraseSet,
    pub but_verbs: Vec<String>,
    pub but_words: PhraseSet,
    pub generic_respondents: Vec<String>,
    pub respondent_suffixes: Vec<String>,
    pub others: Vec<String>,
    pub boilerplate: PhraseSet,
    pub procedural_headings: Vec<String>,
    pub general_headings: Vec<String>,
    pub ku_headings: Vec<String>,
    pub proposal_targets: PhraseSet,
    pub ku_targets: PhraseSet,
    pub whole_chapter: PhraseSet,
    pub others_targets: PhraseSet,
    pub exceptions: PhraseSet,
    /// Self-introductions (`har beretts tillfälle att yttra sig`): the body before one is
    /// the respondent.
    pub introductions: PhraseSet,
    /// `har remitterats till`: the bodies after one are referral bodies, whose positions
    /// the answer reports.
    pub referrals: PhraseSet,
    /// Nouns after a genitive naming the authority behind the proposal (`Socialstyrelsens
    /// förslag`).
    pub proposer_nouns: Vec<String>,
    /// `Regelrådets ställningstagande`, `Uppsala universitets remissvar`: a genitive before
    /// one of these names the respondent.
    pub own_nouns: Vec<String>,
    /// Organs that speak for the whole body (`kommunstyrelsen`): never a unit whose
    /// position the answer reports.
    pub organs: Vec<String>,
    /// Lines of web-page furniture (`Hoppa till innehåll`, `Copied!`), matched at the start.
    pub furniture: Vec<String>,
    /// Nouns naming the proposal (`förslaget`, `betänkandet`).
    pub proposal_nouns: Vec<String>,
    /// `flera av`, `en stor del av`: a stance on some of the proposals.
    pub partial: PhraseSet,
    /// After a proposal noun, words that keep it the whole (`om ändring i`).
    pub whole_specifiers: PhraseSet,
    /// After a proposal noun, words that make it a part (`att`, `om`, `gällande`).
    pub part_specifiers: Vec<String>,
    /// Before another act's citation, words that make it the proposal's (`föreslagna
    /// lydelsen av`, `lyfts in i`).
    pub proposal_markers: PhraseSet,
    /// Headings naming a part of the proposal (`förslag till lag om ändring i`), matched at
    /// the start.
    pub part_headings: Vec<String>,
    /// Per word that starts a stance or boilerplate phrase: which sets it starts one in
    /// (bit 1 agentive, 2 impersonal, 4 boilerplate), so a sentence is scanned with one
    /// lookup per word.
    pub starters: HashMap<String, u8>,
}

/// Bits of [`Lexicon::starters`].
pub const STARTS_AGENTIVE: u8 = 1;
pub const STARTS_IMPERSONAL: u8 = 2;
pub const STARTS_BOILERPLATE: u8 = 4;
pub const STARTS_INTRODUCTION: u8 = 8;
pub const STARTS_REFERRAL: u8 = 16;

impl PhraseSet {
    fn first_words(&self) -> impl Iterator<Item = &String> {
        self.by_first.keys()
    }
}

impl Lexicon {
    pub fn parse(toml_text: &str) -> Result<Lexicon, LexiconError> {
        let f: File = toml::from_str(toml_text)?;
        let a = &f.agentive;
        let agentive = PhraseSet::new(&[
            (&a.support, 0),
            (&a.support_reservations, 1),
            (&a.oppose, 2),
            (&a.neutral, 3),
            (&a.comment, 4),
            (&a.proposes, 5),
            (&a.clarification, 6),
            (&a.concern, 7),
            (&a.refers_back, 8),
            (&a.no_comment, 9),
            (&a.remark, 10),
        ]);
        let i = &f.impersonal;
        let impersonal = PhraseSet::new(&[
            (&i.no_comment, 0),
            (&i.proposes, 1),
            (&i.clarification, 2),
            (&i.concern, 3),
            (&i.support, 4),
            (&i.support_reservations, 5),
            (&i.oppose, 6),
            (&i.comment, 7),
        ]);
        let lower = |v: &[String]| v.iter().map(|s| s.to_lowercase()).collect::<Vec<_>>();
        let set = |v: &[String]| PhraseSet::new(&[(v, 0)]);
        let mut starters: HashMap<String, u8> = HashMap::default();
        let boilerplate = set(&f.boilerplate.phrases);
        let introductions = set(&f.respondent.introductions);
        let referrals = set(&f.respondent.referrals);
        for (set, bit) in [
            (&agentive, STARTS_AGENTIVE),
            (&impersonal, STARTS_IMPERSONAL),
            (&boilerplate, STARTS_BOILERPLATE),
            (&introductions, STARTS_INTRODUCTION),
            (&referrals, STARTS_REFERRAL),
        ] {
            for w in set.first_words() {
                *starters.entry(w.clone()).or_default() |= bit;
            }
        }
        Ok(Lexicon {
            starters,
            agentive,
            impersonal,
            qualifiers: set(&f.reservation.qualifiers),
            conditions: set(&f.reservation.conditions),
            but_verbs: lower(&f.reservation.but_verbs),
            but_words: set(&f.reservation.but_words),
            generic_respondents: lower(&f.respondent.generic),
            respondent_suffixes: lower(&f.respondent.suffixes),
            others: lower(&f.respondent.others),
            boilerplate,
            procedural_headings: lower(&f.headings.procedural),
            general_headings: lower(&f.headings.general),
            ku_headings: lower(&f.headings.konsekvensutredning),
            proposal_targets: set(&f.targets.proposal),
            ku_targets: set(&f.targets.konsekvensutredning),
            whole_chapter: set(&f.targets.whole_chapter),
            others_targets: set(&f.targets.others),
            exceptions: set(&f.targets.exceptions),
            introductions,
            referrals,
            proposer_nouns: lower(&f.respondent.proposer_nouns),
            own_nouns: lower(&f.respondent.own_nouns),
            organs: lower(&f.respondent.organs),
            furniture: lower(&f.boilerplate.furniture),
            proposal_nouns: lower(&f.targets.proposal_nouns),
            partial: set(&f.targets.partial),
            whole_specifiers: set(&f.targets.whole_specifiers),
            part_specifiers: lower(&f.targets.part_specifiers),
            proposal_markers: set(&f.targets.proposal_markers),
            part_headings: lower(&f.targets.part_headings),
        })
    }

    /// The embedded vocabulary (a test checks that it parses).
    pub fn embedded() -> Result<Lexicon, LexiconError> {
        Lexicon::parse(DEFAULT)
    }

    /// Reads a vocabulary file.
    pub fn from_file(path: &std::path::Path) -> Result<Lexicon, LexiconError> {
        let text = std::fs::read_to_string(path).map_err(|source| LexiconError::Io {
            path: path.display().to_string(),
            source,
        })?;
        Lexicon::parse(&text)
    }

    pub fn agentive_cue(tag: usize) -> Cue {
        AGENTIVE_TAGS.get(tag).copied().unwrap_or(Cue::Comment)
    }
    pub fn impersonal_cue(tag: usize) -> Cue {
        IMPERSONAL_TAGS.get(tag).copied().unwrap_or(Cue::Comment)
    }
}

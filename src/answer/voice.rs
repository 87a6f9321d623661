//! Stage 3, stances: whose voice a stance phrase is in. The document names its respondent
//! (a self-introduction, the letterhead, the agent of most stance phrases, an abbreviation
//! in parentheses, the generic noun for its kind, the first person); the authority behind
//! the proposal (`Socialstyrelsens förslag`), the bodies a municipal case was referred to,
//! and the lexicon's `others` are someone else.

use super::Answer;
use super::lexicon::{Lexicon, STARTS_INTRODUCTION, STARTS_REFERRAL};

/// Whose a stance phrase is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Agent {
    /// The respondent, named or in the first person.
    Respondent,
    /// Presumed the respondent's, with the reason it is not certain.
    Presumed(&'static str),
    /// Someone else's (the proposer, a referral body, the inquiry).
    Other,
}

/// The names of the respondent and of others in one answer (lower-case word sequences).
#[derive(Clone, Debug, Default)]
pub struct Voice {
    /// Names the document gives the respondent.
    pub names: Vec<Vec<String>>,
    /// Names of others: the proposer, referral bodies.
    pub others: Vec<Vec<String>>,
    /// Whether the respondent introduced itself (`X har beretts tillfälle att yttra sig`):
    /// then the document is an answer, and its impersonal remarks are positions.
    pub introduced: bool,
    /// Where the document names its respondent, strongest first within each kind: the
    /// self-introduction, then the agent of most stance phrases.
    pub found: Vec<Naming>,
    /// Bodies the case was referred to (`Ärendet har remitterats till ...`), by the last word
    /// of their names: their positions are reported, not the respondent's.
    pub referred: Vec<String>,
    /// Abbreviations and full names of one body (`Myndigheten för digital förvaltning`,
    /// `Digg`), as written.
    pub aliases: Vec<(Naming, Naming)>,
}

/// How a name was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum How {
    Introduction,
    /// `Regelrådets ställningstagande`: the genitive before the answer's own noun.
    Possessive,
    /// The agent of most stance phrases, with how many it is the agent of.
    Agent(usize),
}

/// A name as the document writes it: which view (sentence, then heading) and which words.
#[derive(Clone, Debug, PartialEq)]
pub struct Naming {
    pub words: Vec<String>,
    pub how: How,
    pub view: usize,
    /// The name as written.
    pub written: String,
}

/// A sentence's words: lower-case text and whether the word as written is capitalised.
pub struct Words<'a> {
    pub lower: &'a [&'a str],
    pub capital: &'a [bool],
}

/// A sentence or heading as the voice reads it: its text, and per word its lower-case form,
/// whether it is capitalised, and its byte offset in the text.
pub struct View<'a> {
    pub text: &'a str,
    pub lower: Vec<&'a str>,
    pub capital: &'a [bool],
    pub offsets: Vec<usize>,
    /// Per word, the byte offset where it ends in the text.
    pub ends: Vec<usize>,
    /// Per word, the phrase sets it may start ([`Lexicon::starters`]).
    pub starts: &'a [u8],
}

impl View<'_> {
    /// Words `a..b` as written.
    pub fn written(&self, a: usize, b: usize) -> String {
        match (
            self.offsets.get(a),
            b.checked_sub(1).and_then(|e| self.ends.get(e)),
        ) {
            (Some(&s), Some(&e)) if s <= e => self.text[s..e].to_string(),
            _ => String::new(),
        }
    }
}

/// Adverbs and connectives that open a main clause before its verb (`Vidare tillstyrker
/// ...`): a capital there is no name.
const OPENERS: [&str; 24] = [
    "vidare",
    "därför",
    "dock",
    "slutligen",
    "också",
    "även",
    "sammanfattningsvis",
    "däremot",
    "samtidigt",
    "här",
    "nu",
    "då",
    "därutöver",
    "inledningsvis",
    "avslutningsvis",
    "därmed",
    "sammantaget",
    "likaså",
    "alltså",
    "således",
    "avslutande",
    "generellt",
    "övergripande",
    "det",
];

/// Words that may stand inside a multi-word name (`Myndigheten för digital förvaltning`).
const NAME_LINKS: [&str; 5] = ["för", "och", "i", "av", "över"];

impl Voice {
    /// Reads the names from an answer. `agents` are, per sentence, the word indexes where
    /// an agentive stance phrase starts (found before any respondent check).
    pub fn read(answer: &Answer, lex: &Lexicon, views: &[View], agents: &[Vec<usize>]) -> Voice {
        let mut v = Voice::default();
        // Names from the letterhead and the body's own subjects, as found by the metadata.
        for n in &answer.meta.names {
            v.add_name(n.split(' ').map(str::to_string).collect());
        }
        let mut aliases: Vec<(Vec<String>, Vec<String>)> = Vec::new();
        let mut written_aliases: Vec<(Naming, Naming)> = Vec::new();
        let mut introduced: Vec<Vec<String>> = Vec::new();
        let mut referred: Vec<Vec<String>> = Vec::new();
        for (vi, view) in views.iter().enumerate() {
            let (text, wl, caps) = (view.text, &view.lower, view.capital);
            let w = Words {
                lower: wl,
                capital: caps,
            };
            if text.contains('(') {
                for (full, short) in parenthesised_aliases(view, &w) {
                    aliases.push((full.words.clone(), short.words.clone()));
                    written_aliases
                        .push((Naming { view: vi, ..full }, Naming { view: vi, ..short }));
                }
            }
            // `Stockholms universitet har beretts tillfälle att yttra sig`.
            for k in 0..wl.len() {
                if view.starts[k] & STARTS_INTRODUCTION != 0
                    && lex.introductions.at(wl, k).is_some()
                {
                    let mut j = k;
                    if j > 0 && wl[j - 1] == "som" {
                        j -= 1;
                    }
                    // `Myndigheten för digital förvaltning (Digg), som har i uppdrag ...,
                    // lämnar följande synpunkter`: the name before the parentheses opens the
                    // sentence.
                    let opening = parenthesised_aliases(view, &w)
                        .into_iter()
                        .map(|(full, _)| full.words)
                        .find(|full| {
                            full.len() <= wl.len() && wl.iter().zip(full).all(|(a, b)| *a == b)
                        });
                    if let Some(name) = opening.or_else(|| name_before(&w, j)) {
                        let written = if wl.iter().zip(&name).all(|(a, b)| a == b) {
                            view.written(0, name.len())
                        } else {
                            view.written(j - name.len(), j)
                        };
                        v.found.push(Naming {
                            words: name.clone(),
                            how: How::Introduction,
                            view: vi,
                            written,
                        });
                        introduced.push(name.clone());
                        v.add_name(name);
                        v.introduced = true;
                    }
                    break;
                }
            }
            // `Regelrådets ställningstagande`, `Uppsala universitets remissvar`: the respondent.
            for k in 1..wl.len() {
                if !lex.own_nouns.iter().any(|n| n == wl[k]) {
                    continue;
                }
                let Some(stem) = genitive_stem(wl[k - 1]) else {
                    continue;
                };
                if lex.generic_respondents.iter().any(|g| g == stem) {
                    continue;
                }
                let start = if caps[k - 1] && may_start_name(&w, k - 1) {
                    k - 1
                } else if k >= 2 && may_start_name(&w, k - 2) && !caps[k - 1] {
                    k - 2
                } else {
                    continue;
                };
                let mut name: Vec<String> =
                    wl[start..k - 1].iter().map(|x| x.to_string()).collect();
                name.push(stem.to_string());
                let written = view.written(start, k);
                let written = written
                    .strip_suffix(":s")
                    .or_else(|| written.strip_suffix('s'))
                    .unwrap_or(&written)
                    .to_string();
                if !v.found.iter().any(|f| f.words == name) {
                    v.found.push(Naming {
                        words: name.clone(),
                        how: How::Possessive,
                        view: vi,
                        written,
                    });
                }
                introduced.push(name.clone());
                v.add_name(name);
            }
            // `Socialstyrelsens förslag`, `Statens skolverks förslag`: the proposer.
            for k in 1..wl.len() {
                if !wl[k - 1].ends_with('s') || !lex.proposer_nouns.iter().any(|n| n == wl[k]) {
                    continue;
                }
                let Some(stem) = genitive_stem(wl[k - 1]) else {
                    continue;
                };
                // `Förvaltningens förslag till beslut` is the respondent's own proposal.
                if lex.generic_respondents.iter().any(|g| g == stem)
                    || (wl.get(k + 1) == Some(&"till") && wl.get(k + 2) == Some(&"beslut"))
                {
                    continue;
                }
                let name = if caps[k - 1] && !OPENERS.contains(&wl[k - 1]) {
                    vec![stem.to_string()]
                } else if k >= 2 && caps[k - 2] && may_start_name(&w, k - 2) {
                    vec![wl[k - 2].to_string(), stem.to_string()]
                } else {
                    continue;
                };
                v.add_other_with_forms(name);
            }
            // `Ärendet har remitterats till stadsledningskontoret och miljö- och
            // hälsoskyddsnämnden`: two or more bodies are referral bodies.
            for k in 0..wl.len() {
                if view.starts[k] & STARTS_REFERRAL == 0 {
                    continue;
                }
                if let Some((len, _)) = lex.referrals.at(wl, k) {
                    let bodies = listed_bodies(wl, k + len);
                    if bodies.len() >= 2 {
                        referred.extend(bodies);
                    }
                    break;
                }
            }
        }
        // A referral body is not the respondent, though the metadata took the most frequent
        // subject for the office; a body that introduced itself is.
        for b in referred {
            if !introduced.contains(&b) {
                if let Some(last) = b.last() {
                    v.referred.push(last.clone());
                }
                v.names.retain(|n| *n != b);
                v.others.push(b);
            }
        }
        // The proposer is not the respondent either, though the metadata may have taken it
        // for a subject of the answer (`Socialstyrelsen föreslår ...`).
        let others = v.others.clone();
        v.names
            .retain(|n| introduced.contains(n) || !others.contains(n));
        // The agent of most stance phrases is the respondent, unless it is someone else.
        let mut counts: Vec<(Vec<String>, usize)> = Vec::new();
        // Where each agent is first named, as written.
        let mut first_at: Vec<(Vec<String>, usize, String)> = Vec::new();
        for (i, starts) in agents.iter().enumerate() {
            let w = Words {
                lower: &views[i].lower,
                capital: views[i].capital,
            };
            for &p in starts {
                // The name and its first word: before the phrase, or after it (inverted).
                let (name, at) = match subject_before(&w, p) {
                    Some(n) => {
                        let a = p - n.len();
                        (n, a)
                    }
                    None => match subject_after(&w, p) {
                        Some(n) => {
                            let a = (p + 1..w.lower.len())
                                .find(|&k| w.lower[k] == n[0])
                                .unwrap_or(p);
                            (n, a)
                        }
                        // `Jämställdhetsmyndigheten delar bilden av ... och välkomnar
                        // betänkandet`: a name of a kind opening the sentence.
                        None if p > 1 && may_start_name(&w, 0) && kind_name(w.lower[0], lex) => {
                            (vec![w.lower[0].to_string()], 0)
                        }
                        None => continue,
                    },
                };
                // A generic word (`myndigheten`) is no name of its own.
                if v.is_other(&name)
                    || (name.len() == 1
                        && (lex.others.contains(&name[0])
                            || lex.generic_respondents.contains(&name[0])))
                {
                    continue;
                }
                if !first_at.iter().any(|(n, _, _)| *n == name) {
                    first_at.push((name.clone(), i, views[i].written(at, at + name.len())));
                }
                match counts.iter_mut().find(|(n, _)| *n == name) {
                    Some((_, c)) => *c += 1,
                    None => counts.push((name, 1)),
                }
            }
        }
        // An abbreviation and its full name count as one agent (`Digg`, `Myndigheten för
        // digital förvaltning`).
        let merged: Vec<(Vec<String>, usize)> = counts
            .iter()
            .map(|(n, c)| {
                let more: usize = aliases
                    .iter()
                    .filter_map(|(full, short)| {
                        let other = if full == n {
                            short
                        } else if short == n {
                            full
                        } else {
                            return None;
                        };
                        counts.iter().find(|(m, _)| m == other).map(|(_, c)| *c)
                    })
                    .sum();
                (n.clone(), c + more)
            })
            .collect();
        let counts = merged;
        let best = counts.iter().map(|(_, c)| *c).max().unwrap_or(0);
        let leaders: Vec<&Vec<String>> = counts
            .iter()
            .filter(|(_, c)| *c == best)
            .map(|(n, _)| n)
            .collect();
        if best >= 2 || (best == 1 && counts.len() == 1) {
            for n in leaders {
                if let Some((_, view, written)) = first_at.iter().find(|(m, _, _)| m == n) {
                    v.found.push(Naming {
                        words: n.clone(),
                        how: How::Agent(best),
                        view: *view,
                        written: written.clone(),
                    });
                }
                v.add_name(n.clone());
            }
        }
        v.aliases = written_aliases;
        // An abbreviation names the same body as its full name.
        for (full, short) in aliases {
            if v.names.contains(&full) || v.names.contains(&short) {
                v.add_name(full);
                v.add_name(short);
            } else if v.is_other(&full) || v.is_other(&short) {
                v.others.push(full);
                v.others.push(short);
            }
        }
        v
    }

    fn add_name(&mut self, n: Vec<String>) {
        if !n.is_empty() && !self.names.contains(&n) {
            self.names.push(n);
        }
    }

    /// A proposer's name and its definite form (`skolverk` → `skolverket`), since the text
    /// names it both ways (`Statens skolverks förslag`, `Skolverket bedömer`).
    fn add_other_with_forms(&mut self, n: Vec<String>) {
        if let Some(last) = n.last() {
            let mut single = vec![last.clone()];
            if !self.others.contains(&single) && n.len() > 1 {
                self.others.push(single.clone());
            }
            for suffix in ["et", "en"] {
                if !last.ends_with(suffix) {
                    single = vec![format!("{last}{suffix}")];
                    if !self.others.contains(&single) {
                        self.others.push(single);
                    }
                }
            }
        }
        if !self.others.contains(&n) {
            self.others.push(n);
        }
    }

    /// Whether a name is someone else's (and not also the respondent's own).
    pub fn is_other(&self, name: &[String]) -> bool {
        !self.names.iter().any(|n| n == name) && self.others.iter().any(|o| o == name)
    }

    /// Whether the words ending at `end` (exclusive) are one of the respondent's names.
    pub fn name_ends_at(&self, w: &[&str], end: usize) -> bool {
        self.names
            .iter()
            .any(|n| n.len() <= end && w[end - n.len()..end].iter().zip(n).all(|(a, b)| *a == b))
    }

    /// Whether the words starting at `start` are one of the respondent's names; returns its
    /// length.
    pub fn name_starts_at(&self, w: &[&str], start: usize) -> Option<usize> {
        self.names
            .iter()
            .filter(|n| {
                start + n.len() <= w.len()
                    && w[start..start + n.len()]
                        .iter()
                        .zip(n.iter())
                        .all(|(a, b)| *a == b)
            })
            .map(Vec::len)
            .max()
    }

    /// Whether the words ending at `end` (exclusive) name someone else.
    pub fn other_ends_at(&self, w: &[&str], end: usize) -> bool {
        !self.name_ends_at(w, end)
            && self.others.iter().any(|n| {
                n.len() <= end && w[end - n.len()..end].iter().zip(n).all(|(a, b)| *a == b)
            })
    }
}

/// `Jämställdhetsmyndigheten`, `Naturvårdsverket`: a compound whose last part is a generic
/// word for a body (`myndigheten`, `verket`).
fn kind_name(w: &str, lex: &Lexicon) -> bool {
    lex.generic_respondents
        .iter()
        .any(|g| g.len() >= 5 && w.len() > g.len() + 2 && w.ends_with(g.as_str()))
}

/// `Skolverks` → `skolverk`, `MSB:s` → `msb`; `None` for a word that is no genitive.
fn genitive_stem(w: &str) -> Option<&str> {
    if let Some(s) = w.strip_suffix(":s") {
        return Some(s);
    }
    let s = w.strip_suffix('s')?;
    (s.chars().count() >= 3 && !s.ends_with('s')).then_some(s)
}

/// Words that never start a name, though a sentence may capitalise them.
const NOT_NAME_START: [&str; 22] = [
    "i", "på", "av", "för", "om", "med", "till", "enligt", "det", "den", "de", "en", "ett", "som",
    "när", "att", "vi", "jag", "mot", "under", "efter", "inom",
];

/// Words that end a name when read backwards: verbs and particles of the clause around it.
const NOT_IN_NAME: [&str; 20] = [
    "har", "är", "ska", "kan", "vill", "mot", "men", "att", "som", "inte", "ej", "den", "det",
    "de", "en", "ett", "till", "på", "med", "om",
];

fn may_start_name(w: &Words, i: usize) -> bool {
    w.capital[i] && !OPENERS.contains(&w.lower[i]) && !NOT_NAME_START.contains(&w.lower[i])
}

/// The name that ends right before word `j`: a capitalised word, optionally with lower-case
/// words after it (`Myndigheten för samhällsskydd och beredskap`, `Stockholms universitet`),
/// or two capitalised parts joined by a link word (`Kammarrätten i Stockholm`); at most
/// seven words.
pub fn name_before(w: &Words, j: usize) -> Option<Vec<String>> {
    let lo = j.saturating_sub(7);
    let mut i = j;
    let mut start = None;
    while i > lo {
        i -= 1;
        if may_start_name(w, i) {
            start = Some(i);
            if i >= lo + 2 && NAME_LINKS.contains(&w.lower[i - 1]) && may_start_name(w, i - 2) {
                start = Some(i - 2);
            }
            break;
        }
        if w.lower[i].chars().any(|c| c.is_ascii_digit()) || NOT_IN_NAME.contains(&w.lower[i]) {
            return None;
        }
    }
    // `Region Halland`, `Hovrätten över Skåne och Blekinge`: capitalised words and links
    // before it belong to the name too.
    let mut start = start?;
    loop {
        // Not over a short code glued before it (`Ju2010/5515/DOM Domstolsverket`).
        if start > lo && may_start_name(w, start - 1) && w.lower[start - 1].chars().count() > 3 {
            start -= 1;
        } else if start >= lo + 2
            && NAME_LINKS.contains(&w.lower[start - 1])
            && may_start_name(w, start - 2)
        {
            start -= 2;
        } else {
            break;
        }
    }
    Some(w.lower[start..j].iter().map(|s| s.to_string()).collect())
}

/// The subject right before an agentive phrase at `p`: a capitalised word (`Digg
/// tillstyrker`), or a capitalised word and a noun opening the sentence (`Stockholms
/// universitet tillstyrker`). Longer names are known from introductions and aliases.
pub fn subject_before(w: &Words, p: usize) -> Option<Vec<String>> {
    if p == 0 {
        return None;
    }
    if may_start_name(w, p - 1) {
        return Some(vec![w.lower[p - 1].to_string()]);
    }
    (p == 2
        && may_start_name(w, 0)
        && !NOT_IN_NAME.contains(&w.lower[1])
        && !NAME_LINKS.contains(&w.lower[1])
        && w.lower[1].chars().all(char::is_alphabetic))
    .then(|| vec![w.lower[0].to_string(), w.lower[1].to_string()])
}

/// The subject after the verb in inverted order (`Därför tillstyrker Konsumentverket`,
/// `Beträffande X ser myndigheten`): the first capitalised word after adverbs.
pub fn subject_after(w: &Words, p: usize) -> Option<Vec<String>> {
    let mut k = p + 1;
    while k < w.lower.len() && OPENERS.contains(&w.lower[k]) {
        k += 1;
    }
    (k < w.lower.len() && may_start_name(w, k)).then(|| vec![w.lower[k].to_string()])
}

/// `Digg` in `Myndigheten för digital förvaltning (Digg)`, `Patent- och registreringsverket`
/// in `PRV (Patent- och registreringsverket)`: pairs of names for one body.
fn parenthesised_aliases(view: &View, w: &Words) -> Vec<(Naming, Naming)> {
    let text = view.text;
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(p) = text[from..].find('(') {
        let open = from + p;
        let Some(q) = text[open..].find(')') else {
            break;
        };
        let close = open + q;
        from = close + 1;
        let inner = &text[open + 1..close];
        if inner.is_empty()
            || inner.len() > 60
            || !inner.starts_with(|c: char| c.is_uppercase())
            || inner.contains(|c: char| c.is_ascii_digit())
        {
            continue;
        }
        // The words inside and before the parentheses, by their offsets.
        let before = view.offsets.partition_point(|&o| o < open);
        let inside = view.offsets.partition_point(|&o| o < close);
        let inner_words: Vec<String> = view.lower[before..inside]
            .iter()
            .map(|x| x.to_string())
            .collect();
        let before = before.min(w.lower.len());
        if let Some(name) = name_before(w, before)
            && !inner_words.is_empty()
        {
            let naming = |words: Vec<String>, written: String| Naming {
                words,
                how: How::Introduction,
                view: 0,
                written,
            };
            let full = view.written(before - name.len(), before);
            out.push((
                naming(name, full),
                naming(inner_words, text[open + 1..close].trim().to_string()),
            ));
        }
    }
    out
}

/// The bodies listed after a referral phrase: `stadsledningskontoret och miljö- och
/// hälsoskyddsnämnden` → each body's words (a compound's last part names it).
fn listed_bodies(w: &[&str], from: usize) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let mut k = from;
    let mut cur: Vec<String> = Vec::new();
    while k < w.len() && k < from + 12 {
        let x = w[k];
        if x == "och" || x == "samt" {
            // `miljö- och hälsoskyddsnämnden`: a split compound, not a second body.
            if cur.last().is_some_and(|c| c.ends_with('-')) {
                k += 1;
                continue;
            }
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
        } else {
            cur.push(x.to_string());
        }
        k += 1;
        if is_body(x) && k < w.len() && w[k] != "och" && w[k] != "samt" {
            break;
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out.retain(|b| b.last().is_some_and(|x| is_body(x)));
    // A body is named by its last word in running text (`Nämnden`, `hälsoskyddsnämnden`).
    out.into_iter()
        .filter_map(|b| b.last().map(|x| vec![x.clone()]))
        .collect()
}

/// A word that names an organisation by its kind (`-kontoret`, `-nämnden`, `-förvaltningen`).
fn is_body(w: &str) -> bool {
    [
        "kontoret",
        "nämnden",
        "förvaltningen",
        "styrelsen",
        "bolaget",
        "verket",
        "myndigheten",
    ]
    .iter()
    .any(|s| w.ends_with(s))
}

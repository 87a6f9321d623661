//! Stage 2c, amendments: the instruction grammar. The sentence `Regeringen föreskriver i
//! fråga om … dels att …, dels att …` is cut into clauses, and each clause into
//! instructions (change, insert, repeal, renumber, move a rubrik) on the places it names.
//! The places are read by the one citation grammar ([`crate::cite`]); this module only
//! reads the words around them.

use super::{Action, Clause, Instruction, Placement, What, Words};
use crate::address::{Address, Label};
use crate::cite::{self, Member, Outline};

/// Why a clause could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GrammarError {
    /// Index of the clause in [`super::Amendment::clauses`].
    pub clause: usize,
    pub message: String,
}

/// Where the instruction sentence starts and ends in `head` (byte offsets), and where its
/// clauses start: `dels att …` or the single `att …`.
pub(super) fn instruction_sentence(head: &str) -> Option<(usize, usize)> {
    let lower = super::lower(head);
    let hay = lower.as_str();
    let verb = ["föreskriver", "föreskrivs", "beslutar", "beslutat"]
        .iter()
        .filter_map(|v| find_word(hay, v, 0))
        .min()?;
    let first_att = match find_word(hay, "dels att", verb) {
        Some(d) => d,
        None => find_word(hay, "att", verb)?,
    };
    let end = sentence_end(head, first_att);
    Some((verb, end))
}

/// The first occurrence of `word` at or after `from` that stands as a whole word.
fn find_word(hay: &str, word: &str, from: usize) -> Option<usize> {
    let mut at = from;
    while let Some(i) = hay.get(at..)?.find(word) {
        let s = at + i;
        let e = s + word.len();
        let before_ok = hay[..s]
            .chars()
            .next_back()
            .is_none_or(|c| !c.is_alphanumeric());
        let after_ok = hay[e..].chars().next().is_none_or(|c| !c.is_alphanumeric());
        if before_ok && after_ok {
            return Some(s);
        }
        at = e;
    }
    None
}

/// Abbreviations whose dot does not end the instruction sentence.
const ABBREVIATIONS: [&str; 10] = ["kap", "st", "p", "nr", "m", "jfr", "resp", "bl", "a", "t"];

/// The end (after the dot) of the sentence that starts before `from`: the first dot that is
/// not an abbreviation's and is followed by the end, a line break or a capital.
fn sentence_end(s: &str, from: usize) -> usize {
    let mut depth = 0i32;
    for (i, c) in s[from..].char_indices() {
        let i = from + i;
        match c {
            '(' => depth += 1,
            ')' => depth = (depth - 1).max(0),
            '.' if depth == 0 => {
                let word_start = s[..i]
                    .char_indices()
                    .rev()
                    .take_while(|(_, c)| c.is_alphanumeric())
                    .last()
                    .map(|(j, _)| j)
                    .unwrap_or(i);
                let word = &s[word_start..i];
                if ABBREVIATIONS.contains(&word) {
                    continue;
                }
                let rest = &s[i + 1..];
                let next = rest.trim_start_matches([' ', '\t', '\u{a0}']);
                if next.is_empty()
                    || next.starts_with(['\n', '\r'])
                    || next.starts_with(|c: char| c.is_uppercase())
                {
                    return i + 1;
                }
            }
            _ => {}
        }
    }
    s.len()
}

/// Cuts the instruction sentence (`sentence`, starting at byte `offset` of the text) into
/// clauses: each `dels att …`, or the one `att …`. Offsets are byte ranges of the text.
pub(super) fn clauses(sentence: &str, offset: usize) -> Vec<(usize, usize)> {
    let lower = super::lower(sentence);
    let hay = lower.as_str();
    let mut starts = Vec::new();
    let mut at = 0;
    while let Some(s) = find_word(hay, "dels att", at) {
        starts.push(s + "dels att".len());
        at = s + 1;
    }
    if starts.is_empty()
        && let Some(s) = find_word(hay, "att", 0)
    {
        starts.push(s + "att".len());
    }
    let mut out = Vec::new();
    for (k, &s) in starts.iter().enumerate() {
        let e = match starts.get(k + 1) {
            Some(&n) => n - "dels att".len(),
            None => sentence.len(),
        };
        let piece = &sentence[s..e];
        let trimmed_end = piece
            .trim_end_matches(|c: char| c.is_whitespace() || c == ',' || c == '.' || c == ';')
            .len();
        let lead = piece.len() - piece.trim_start().len();
        if trimmed_end > lead {
            out.push((offset + s + lead, offset + s + trimmed_end));
        }
    }
    out
}

/// A place named in a clause, with what the words just before it say about it.
#[derive(Clone, Debug)]
struct Named {
    /// Byte range of the citation in the clause.
    start: usize,
    end: usize,
    /// The places, ranges expanded (with the base for ranges in its numbering).
    places: Vec<Address>,
    /// Whether the citation names chapters only (`3 kap.`, `16 a kap.`).
    chapters: bool,
    role: Role,
}

/// What the words before a citation make of it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Role {
    /// The paragraphs or chapters themselves.
    Itself,
    /// `rubriken närmast före X` / `rubrikerna närmast före X och Y`.
    RubrikBefore,
    /// `rubriken närmast efter X`.
    RubrikAfter,
    /// `rubriken till 3 kap.`: the chapter heading.
    ChapterHeading,
    /// `allmänna råden till X`.
    AllmannaRad,
    /// `närmast före X` after an object: where the object goes.
    PlaceBefore,
    /// `närmast efter X`.
    PlaceAfter,
}

/// The last few words of `s`, lower-cased, without punctuation.
fn last_words(s: &str, n: usize) -> Vec<String> {
    let words: Vec<String> = s
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| w.to_lowercase())
        .collect();
    let k = words.len().saturating_sub(n);
    words[k..].to_vec()
}

fn role_of(before: &str) -> Role {
    let w = last_words(before, 4);
    let ends = |tail: &[&str]| {
        w.len() >= tail.len()
            && w[w.len() - tail.len()..]
                .iter()
                .zip(tail)
                .all(|(a, b)| a == b)
    };
    let rubrik = |x: &str| matches!(x, "rubriken" | "rubrikerna" | "rubrik" | "rubriker");
    let n = w.len();
    if n >= 2 && w[n - 2] == "närmast" && (w[n - 1] == "före" || w[n - 1] == "efter") {
        let after = w[n - 1] == "efter";
        // `en ny rubrik närmast före X` names where the new rubrik goes, which is the rubrik
        // itself; `en ny paragraf, 2 a §, närmast före 3 §` places the paragraph.
        if n >= 3 && rubrik(&w[n - 3]) {
            return if after {
                Role::RubrikAfter
            } else {
                Role::RubrikBefore
            };
        }
        return if after {
            Role::PlaceAfter
        } else {
            Role::PlaceBefore
        };
    }
    if n >= 2 && rubrik(&w[n - 2]) && matches!(w[n - 1].as_str(), "till" | "i" | "för") {
        return Role::ChapterHeading;
    }
    if ends(&["råden", "till"]) || ends(&["råd", "till"]) {
        return Role::AllmannaRad;
    }
    Role::Itself
}

/// The kind of action a clause's predicate names.
fn predicate(lower: &str) -> Option<Action> {
    let has = |w: &str| find_word(lower, w, 0).is_some();
    if has("betecknas") {
        Some(Action::Renumber)
    } else if has("införas") || has("införs") || has("föras in") {
        Some(Action::Insert)
    } else if (has("sättas") || has("sätts") || has("placeras") || has("flyttas")) && has("närmast")
    {
        Some(Action::Move)
    } else if has("upphöra att gälla")
        || has("upphör att gälla")
        || has("upphävas")
        || has("upphävs")
        || has("utgå")
        || has("utgår")
    {
        Some(Action::Repeal)
    } else if has("följande lydelse")
        || has("lyda")
        || has("lyder")
        || has("bytas ut")
        || has("ersättas med")
    {
        Some(Action::Change)
    } else {
        None
    }
}

/// Where the predicate's verb phrase starts (`ska betecknas`, `ska sättas`): places after
/// it are the targets of a renumbering or a move.
fn predicate_split(lower: &str, action: Action) -> Option<usize> {
    let words: &[&str] = match action {
        Action::Renumber => &["betecknas"],
        Action::Move => &["sättas", "sätts", "placeras", "flyttas"],
        _ => return None,
    };
    words.iter().filter_map(|w| find_word(lower, w, 0)).min()
}

/// Reads one clause into instructions. `chapter` is the chapter named last before it (for
/// `2 a och 2 b §§` without one); `base` resolves ranges in the base's numbering.
pub(super) fn read_clause(
    index: usize,
    clause: &Clause,
    chapter: &mut Option<Label>,
    base: Option<&dyn Outline>,
) -> Result<Vec<Instruction>, GrammarError> {
    let err = |m: String| GrammarError {
        clause: index,
        message: m,
    };
    let text = clause.text.as_str();
    let lower = super::lower(text);
    let Some(action) = predicate(&lower) else {
        return Err(err(
            "no instruction recognised (expected `ska ha följande lydelse`, `ska införas`, `ska upphöra att gälla`, `ska upphävas`, `ska betecknas` or `ska sättas närmast före`)".into(),
        ));
    };
    // New paragraphs are counted by their labels (`31 a–31 d §§`), not looked up in the
    // base, which lacks them; ranges of existing ones take in the base's inserted labels.
    let named = named_places(text, chapter, base, action != Action::Insert).map_err(err)?;
    let whole_document = find_word(&lower, "bilaga", 0).is_some()
        || find_word(&lower, "bilagan", 0).is_some()
        || find_word(&lower, "bilagorna", 0).is_some()
        || find_word(&lower, "övergångsbestämmelserna", 0).is_some()
        || find_word(&lower, "övergångsbestämmelsen", 0).is_some();
    if named.is_empty() {
        return Err(err(if whole_document {
            "bilagor and övergångsbestämmelser are not applied (only chapters, rubriker, paragraphs and allmänna råd are)".into()
        } else {
            "the clause names no chapter or paragraph".into()
        }));
    }
    let mut out = Vec::new();
    // `ordet ”X” ska bytas ut mot ”Y”`: the two quoted wordings.
    let words = if find_word(&lower, "bytas ut", 0).is_some()
        || find_word(&lower, "ersättas med", 0).is_some()
    {
        match quoted(text).as_slice() {
            [(_, from), (_, to), ..] => Some(Words {
                from: from.clone(),
                to: to.clone(),
            }),
            _ => {
                return Err(err(
                    "a wording to replace needs the old and the new words in quotation marks"
                        .into(),
                ));
            }
        }
    } else {
        None
    };
    let make = |action: Action, what: What, at: Address| Instruction {
        action,
        what,
        at,
        to: None,
        placement: None,
        words: words.clone(),
        clause: index,
    };
    match action {
        Action::Renumber | Action::Move => {
            let split = predicate_split(&lower, action).unwrap_or(text.len());
            let from: Vec<&Named> = named.iter().filter(|n| n.start < split).collect();
            let to: Vec<&Named> = named.iter().filter(|n| n.start >= split).collect();
            let what = if action == Action::Move {
                What::Rubrik
            } else if from.iter().all(|n| n.chapters) {
                What::Chapter
            } else {
                What::Paragraph
            };
            let from_places: Vec<Address> = from.iter().flat_map(|n| n.places.clone()).collect();
            let to_places: Vec<Address> = to.iter().flat_map(|n| n.places.clone()).collect();
            if from_places.is_empty() || to_places.is_empty() {
                return Err(err(format!(
                    "{} needs the places before and after `{}`",
                    if action == Action::Move {
                        "moving a rubrik"
                    } else {
                        "renumbering"
                    },
                    &text[split.min(text.len())..]
                        .split_whitespace()
                        .next()
                        .unwrap_or("")
                )));
            }
            if from_places.len() != to_places.len() {
                return Err(err(format!(
                    "{} places before the verb but {} after it: {} → {}",
                    from_places.len(),
                    to_places.len(),
                    list(&from_places),
                    list(&to_places)
                )));
            }
            // `nuvarande 3 a § ska betecknas 3 b § och ha följande lydelse`: the renumbered
            // paragraph also gets new wording, named by its new label.
            let reworded = action == Action::Renumber
                && find_word(&lower[split.min(lower.len())..], "följande lydelse", 0).is_some();
            for (f, t) in from_places.into_iter().zip(to_places) {
                let mut i = make(action, what, f);
                if action == Action::Move {
                    i.placement = Some(Placement::Before(t));
                } else {
                    i.to = Some(t);
                }
                out.push(i);
                if reworded {
                    out.push(make(Action::Change, what, t));
                }
            }
        }
        Action::Insert => {
            // Objects are named by a kind word (`en ny paragraf`, `nya paragrafer`, `ett nytt
            // kapitel`, `en ny rubrik`, `nya allmänna råd`) before their places; a
            // `närmast före X` after paragraphs places them.
            let mut last_objects: Vec<usize> = Vec::new();
            for (k, n) in named.iter().enumerate() {
                // `närmast före 3 kap. 2 § en ny rubrik`: the rubrik is named after its place.
                let next = named.get(k + 1).map(|x| x.start).unwrap_or(lower.len());
                let rubrik_follows = matches!(n.role, Role::PlaceBefore | Role::PlaceAfter)
                    && last_kind_word(&lower[n.end.min(next)..next]) == Some(KindWord::Rubrik);
                if rubrik_follows {
                    for a in &n.places {
                        let mut i = make(action, What::Rubrik, *a);
                        if n.role == Role::PlaceAfter {
                            i.placement = Some(Placement::After(*a));
                        }
                        out.push(i);
                    }
                    continue;
                }
                match n.role {
                    Role::RubrikBefore | Role::RubrikAfter => {
                        for a in &n.places {
                            let mut i = make(action, What::Rubrik, *a);
                            if n.role == Role::RubrikAfter {
                                i.placement = Some(Placement::After(*a));
                            }
                            out.push(i);
                        }
                    }
                    Role::PlaceBefore | Role::PlaceAfter => {
                        let Some(&anchor) = n.places.first() else {
                            continue;
                        };
                        if n.places.len() != 1 {
                            return Err(err(format!(
                                "`närmast före/efter` names {} places; it takes one",
                                n.places.len()
                            )));
                        }
                        if last_objects.is_empty() {
                            return Err(err(format!(
                                "`närmast {}` {} follows no new paragraph or rubrik",
                                if n.role == Role::PlaceBefore {
                                    "före"
                                } else {
                                    "efter"
                                },
                                anchor
                            )));
                        }
                        for &k in &last_objects {
                            out[k].placement = Some(if n.role == Role::PlaceBefore {
                                Placement::Before(anchor)
                            } else {
                                Placement::After(anchor)
                            });
                        }
                        last_objects.clear();
                    }
                    Role::AllmannaRad => {
                        for a in &n.places {
                            out.push(make(action, What::AllmannaRad, *a));
                        }
                        last_objects.clear();
                    }
                    Role::ChapterHeading => {
                        return Err(err(
                            "a chapter heading is changed, not inserted (`rubriken till N kap. ska ha följande lydelse`)".into(),
                        ));
                    }
                    Role::Itself => {
                        let before = &lower[..n.start];
                        let kind_word = last_kind_word(before);
                        let what = if n.chapters {
                            What::Chapter
                        } else if kind_word == Some(KindWord::Rubrik) {
                            // `en ny rubrik, X,` is unusual; `närmast före` is the form.
                            return Err(err(format!(
                                "a new rubrik is placed with `närmast före`, not named as {}",
                                n.places.first().map(|a| a.display()).unwrap_or_default()
                            )));
                        } else {
                            What::Paragraph
                        };
                        last_objects.clear();
                        for a in &n.places {
                            last_objects.push(out.len());
                            out.push(make(action, what, *a));
                        }
                    }
                }
            }
        }
        Action::Repeal | Action::Change => {
            for n in &named {
                let what = match n.role {
                    Role::Itself if n.chapters => What::Chapter,
                    Role::Itself => What::Paragraph,
                    Role::RubrikBefore => What::Rubrik,
                    Role::RubrikAfter => {
                        return Err(err(
                            "`rubriken närmast efter` is not read; name the rubrik by the paragraph after it (`rubriken närmast före`)".into(),
                        ));
                    }
                    Role::ChapterHeading => What::ChapterHeading,
                    Role::AllmannaRad => What::AllmannaRad,
                    Role::PlaceBefore | Role::PlaceAfter => {
                        return Err(err(format!(
                            "`närmast före/efter {}` places something, but this clause inserts nothing",
                            n.places.first().map(|a| a.display()).unwrap_or_default()
                        )));
                    }
                };
                for a in &n.places {
                    out.push(make(action, what, *a));
                }
            }
        }
    }
    Ok(out)
}

/// The quoted wordings of a text, with their byte ranges (quotation marks included):
/// `”…”`, `"…"`, `«…»`, `»…«`, `‘…’`, `'…'`.
fn quoted(text: &str) -> Vec<((usize, usize), String)> {
    const PAIRS: [(char, char); 6] = [
        ('”', '”'),
        ('"', '"'),
        ('«', '»'),
        ('»', '«'),
        ('‘', '’'),
        ('\'', '\''),
    ];
    let mut out = Vec::new();
    let mut at = 0;
    while at < text.len() {
        let Some((i, open)) = text[at..]
            .char_indices()
            .find(|(_, c)| PAIRS.iter().any(|p| p.0 == *c))
        else {
            break;
        };
        let start = at + i;
        let close = PAIRS
            .iter()
            .find(|p| p.0 == open)
            .map(|p| p.1)
            .unwrap_or(open);
        let inner = start + open.len_utf8();
        match text[inner..].find(close) {
            Some(j) => {
                let end = inner + j + close.len_utf8();
                out.push(((start, end), text[inner..inner + j].to_string()));
                at = end;
            }
            None => break,
        }
    }
    out
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum KindWord {
    Paragraf,
    Kapitel,
    Rubrik,
}

/// The last word naming a kind of object before a place (`paragraf`, `kapitel`, `rubrik`).
fn last_kind_word(before: &str) -> Option<KindWord> {
    let words: Vec<&str> = before
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    words.iter().rev().find_map(|w| match *w {
        "paragraf" | "paragrafer" | "paragraferna" => Some(KindWord::Paragraf),
        "kapitel" | "kapitlet" => Some(KindWord::Kapitel),
        "rubrik" | "rubriker" => Some(KindWord::Rubrik),
        _ => None,
    })
}

fn list(v: &[Address]) -> String {
    v.iter().map(|a| a.display()).collect::<Vec<_>>().join(", ")
}

/// Every place a clause names, in order, with its role. Citations of other texts without
/// places (`förordningen (2010:1075)`) are skipped; one that names paragraphs is the base
/// named by its title (`2 kap. 19 och 24 §§ miljötillsynsförordningen (2011:13)`), which
/// the citation grammar reads as another act.
fn named_places(
    text: &str,
    chapter: &mut Option<Label>,
    base: Option<&dyn Outline>,
    ranges_in_base: bool,
) -> Result<Vec<Named>, String> {
    let scan = cite::scan(text);
    let chaptered = base.map(|b| b.has_chapters());
    // A citation inside quotation marks is a wording (`ordet ”5 §” ska bytas ut`), not a place.
    let quotes: Vec<(usize, usize)> = quoted(text).into_iter().map(|(r, _)| r).collect();
    let mut out = Vec::new();
    for c in &scan.citations {
        if c.members.is_empty() || quotes.iter().any(|&(a, b)| c.start >= a && c.end <= b) {
            continue;
        }
        let is_place = c.kind.is_internal() || c.kind == cite::CiteKind::ExternalLaw;
        if !is_place {
            continue;
        }
        let before = &text[..c.start];
        let role = role_of(before);
        let mut places = Vec::new();
        let mut chapters = true;
        for m in &c.members {
            let (from, to) = match *m {
                Member::One { at } => (at, None),
                Member::Range { from, to } => (from, Some(to)),
            };
            if from.stycke.is_some() || from.punkt.is_some() {
                return Err(format!(
                    "{} names a stycke or punkt; an amendment changes whole paragraphs",
                    c.text
                ));
            }
            if from.paragraf.is_some() {
                chapters = false;
            }
            let context = *chapter;
            let complete = |mut a: Address| -> Result<Address, String> {
                if a.paragraf.is_some() && a.kapitel.is_none() {
                    match (context, chaptered) {
                        (Some(k), _) => a.kapitel = Some(k),
                        (None, Some(true)) => {
                            return Err(format!(
                                "{} names no chapter, and none is named before it",
                                c.text
                            ));
                        }
                        _ => {}
                    }
                }
                Ok(a)
            };
            let from = complete(from)?;
            if let Some(k) = from.kapitel {
                *chapter = Some(k);
            }
            let context = *chapter;
            let complete = |mut a: Address| -> Result<Address, String> {
                if a.paragraf.is_some() && a.kapitel.is_none() {
                    a.kapitel = context;
                }
                Ok(a)
            };
            match to {
                None => places.push(from),
                Some(to) => {
                    let to = complete(to)?;
                    places.extend(cite::expand(from, to, base.filter(|_| ranges_in_base)));
                }
            }
        }
        out.push(Named {
            start: c.start,
            end: c.end,
            places,
            chapters,
            role,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sentence_ends_at_the_first_dot_that_is_not_an_abbreviation() {
        let s = "Regeringen föreskriver att 2 kap. 19 och 24 §§ miljötillsynsförordningen\n(2011:13) ska ha följande lydelse.\n\n2 kap.\n\n19 § I 20";
        let (a, b) = instruction_sentence(s).unwrap();
        assert_eq!(&s[a..b], &s[11..s.find("lydelse.").unwrap() + 8]);
    }

    #[test]
    fn dels_att_cuts_the_sentence_into_clauses() {
        let s = "föreskriver i fråga om lagen (2022:482) dels att 8 kap. 1–4 §§ ska upphöra att gälla, dels att nuvarande 8 kap. 5 § ska betecknas 8 kap. 1 §, dels att 1 kap. 7 § ska ha följande lydelse.";
        let c = clauses(s, 0);
        let texts: Vec<&str> = c.iter().map(|(a, b)| &s[*a..*b]).collect();
        assert_eq!(
            texts,
            [
                "8 kap. 1–4 §§ ska upphöra att gälla",
                "nuvarande 8 kap. 5 § ska betecknas 8 kap. 1 §",
                "1 kap. 7 § ska ha följande lydelse"
            ]
        );
    }
}

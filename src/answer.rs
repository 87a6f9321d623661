//! Stage 2b, answers: a consultation answer becomes headings, sentences in context and
//! metadata; [`stance`] reads the respondent's positions from them.

pub mod lexicon;
pub mod stance;
pub mod topic;
pub mod unaddressed;
mod voice;

use crate::address::{Address, Label};
use crate::source::{Normalisation, Span, Text, join_lines, line_starts};
use lexicon::Lexicon;
use serde::Serialize;

/// A word of a sentence: lower-cased text and its byte range in the sentence.
#[derive(Clone, Debug, PartialEq)]
pub struct Word {
    pub text: String,
    pub start: usize,
    pub end: usize,
}

/// Splits text into lower-case words. Letters, digits and inner `-` or `:` (`MSB:s`,
/// `NIS2-direktivet`) belong to a word; `§` is a word of its own.
pub fn words(s: &str) -> Vec<Word> {
    let (lower, spans) = word_spans(s);
    spans
        .into_iter()
        .map(|(st, en, ls, le)| Word {
            text: lower[ls..le].to_string(),
            start: st,
            end: en,
        })
        .collect()
}

/// Lower-cases Swedish text quickly: ASCII and the Latin-1 letters (`Å Ä Ö É`) by byte, the
/// rest through `char::to_lowercase`. Byte lengths are kept for the common letters.
pub fn lower(s: &str) -> String {
    lower_checked(s).0
}

/// [`lower`], and whether every character kept its byte length, so that an offset into
/// `s` is the same offset into the result. The total length alone does not tell: `İ`
/// grows by a byte where the Kelvin sign shrinks by two.
fn lower_checked(s: &str) -> (String, bool) {
    let b = s.as_bytes();
    let mut out: Vec<u8> = Vec::with_capacity(b.len());
    let mut same = true;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c < 0x80 {
            out.push(c.to_ascii_lowercase());
            i += 1;
        } else if c == 0xC3 && i + 1 < b.len() {
            let d = b[i + 1];
            // U+00C0–U+00DE are upper case (but U+00D7 ×); their lower case is +0x20.
            let d = if (0x80..=0x9E).contains(&d) && d != 0x97 {
                d + 0x20
            } else {
                d
            };
            out.extend_from_slice(&[c, d]);
            i += 2;
        } else {
            let ch = s[i..].chars().next().unwrap_or(' ');
            let mut buf = [0u8; 4];
            let before = out.len();
            for l in ch.to_lowercase() {
                out.extend_from_slice(l.encode_utf8(&mut buf).as_bytes());
            }
            same &= out.len() - before == ch.len_utf8();
            i += ch.len_utf8();
        }
    }
    let text = String::from_utf8(out)
        .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
    (text, same)
}

/// A word's byte range in the text and in its lower-cased form: (start, end, lower start,
/// lower end).
pub type WordSpan = (usize, usize, usize, usize);

/// The lower-cased text and, per word, its byte range in `s` and in the lower-cased text.
/// The hot path of the answer stage: one pass over bytes, no allocation per word.
pub fn word_spans(s: &str) -> (String, Vec<WordSpan>) {
    let (lowered, same) = lower_checked(s);
    let b = s.as_bytes();
    let mut out: Vec<WordSpan> = Vec::with_capacity(b.len() / 6);
    // Whether the character at byte i is a word character, and its length.
    let class = |i: usize| -> (bool, usize) {
        let c = b[i];
        if c < 0x80 {
            return (c.is_ascii_alphanumeric(), 1);
        }
        if c == 0xC3 && i + 1 < b.len() {
            let d = b[i + 1];
            return (d != 0x97 && d != 0xB7, 2);
        }
        let ch = s[i..].chars().next().unwrap_or(' ');
        (ch.is_alphanumeric(), ch.len_utf8())
    };
    let mut start: Option<usize> = None;
    let mut i = 0;
    while i < b.len() {
        let (word, len) = class(i);
        let inner =
            (b[i] == b'-' || b[i] == b':') && start.is_some() && i + 1 < b.len() && class(i + 1).0;
        if word || inner {
            if start.is_none() {
                start = Some(i);
            }
            i += len;
            continue;
        }
        if let Some(st) = start.take() {
            out.push((st, i, st, i));
        }
        if b[i] == 0xC2 && b.get(i + 1) == Some(&0xA7) {
            out.push((i, i + 2, i, i + 2));
        }
        i += len;
    }
    if let Some(st) = start {
        out.push((st, b.len(), st, b.len()));
    }
    if same {
        return (lowered, out);
    }
    // Rare (a letter whose lower case has another length): a text with a range per word.
    let mut rebuilt = String::with_capacity(s.len() + out.len());
    for w in out.iter_mut() {
        let ls = rebuilt.len();
        rebuilt.push_str(&lower(&s[w.0..w.1]));
        w.2 = ls;
        w.3 = rebuilt.len();
        rebuilt.push(' ');
    }
    (rebuilt, out)
}

/// Where a heading or sentence stands in the answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "area", content = "chapter", rename_all = "kebab-case")]
pub enum Area {
    /// Before any recognised section heading, or in a general section: statements here are
    /// about the proposal as a whole unless they name a target.
    General,
    /// Decision formalities: nothing here is a stance on the proposal.
    Procedural,
    /// Under a chapter heading (`2 kap. Organisatoriska säkerhetsåtgärder`).
    Chapter(Label),
    /// Under a heading about the konsekvensutredning.
    Konsekvensutredning,
    /// Under a heading that is a paragraph (`7 kap. 4 b §`, `Till 2 kap. 6 §`).
    Paragraph(Address),
    /// Under a heading naming a numbered section of the report (`5.4.2 Köperbjudanden …`)
    /// or a part of the proposal (`Förslag till lag om ändring i alkohollagen`): the index
    /// of that heading in [`Answer::headings`].
    Part(usize),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum HeadingKind {
    Chapter,
    Konsekvensutredning,
    Section,
    Procedural,
    /// A sub-heading inside a chapter section, naming a topic (`Personalsäkerhet`).
    Topic,
    /// A paragraph of the draft (`7 kap. 4 b §`, `35 §`, `Kommentarer till 3 §`).
    Paragraph,
    /// A numbered section of the report (`5.4.2 Köperbjudanden på en marknadsplats online`,
    /// `Avsnitt 3.9`).
    ReportSection,
    /// A part of the proposal named in words (`Förslag till lag om ändring i alkohollagen`).
    Part,
    Other,
}

#[derive(Clone, Debug, Serialize)]
pub struct Heading {
    pub text: String,
    pub kind: HeadingKind,
    pub span: Span,
}

/// A sentence with its place in the answer.
#[derive(Clone, Debug, Serialize)]
pub struct Sentence {
    /// Whitespace-normalised text (line breaks joined, layout hyphens removed).
    pub text: String,
    pub span: Span,
    pub area: Area,
    /// Index in [`Answer::headings`] of the topic heading above, within a chapter section.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub topic: Option<usize>,
    /// Index of the text block the sentence belongs to (for discourse context). Not a
    /// paragraph: in this crate a paragraph is always a `§`.
    pub block: usize,
}

/// A value found in the text with the line it stands on.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Found {
    pub text: String,
    pub line: u32,
}

/// What the answer says about itself.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Metadata {
    /// The answering body (`Socialförvaltningen`, `Stockholms stad`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// The office whose voice the answer is in (`Stadsledningskontoret`), when it differs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub office: Option<String>,
    /// The answer's own case number (`KS 2025/1384`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub case_number: Option<Found>,
    /// Other case numbers mentioned (the remiss's, an internal one).
    pub other_case_numbers: Vec<Found>,
    /// Dates as ISO `YYYY-MM-DD` with the line they stand on.
    pub dates: Vec<Found>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remiss_title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sender: Option<String>,
    /// Words that name the respondent as the subject of a sentence.
    pub names: Vec<String>,
    /// Who is answering, as the reader concluded it, and where that came from. The parse
    /// takes the letterhead or the municipality named in the text; reading the stances
    /// settles it with the self-introduction and the agents of the stance phrases.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub respondent: Option<Respondent>,
}

/// The body answering, as the document names it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Respondent {
    /// The name as written (`Stockholms universitet`, `Myndigheten för digital förvaltning`).
    pub name: String,
    /// The office in whose voice the answer is (`Stadsledningskontoret` for `Stockholms
    /// stad`), when it is another.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub office: Option<String>,
    /// Other names the document gives it (`Digg`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// How the reader knows.
    pub named_by: NamedBy,
    /// The line where the name was found.
    pub line: u32,
}

/// How the reader knows who is answering.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum NamedBy {
    /// `Stockholms universitet har beretts tillfälle att yttra sig`, `Domstolsverket, som har
    /// granskat betänkandet, …`.
    Introduction,
    /// A genitive before the answer's own noun: `Regelrådets ställningstagande`, `Uppsala
    /// universitets remissvar`.
    Possessive,
    /// An organisation on the first lines of the document.
    Letterhead,
    /// The subject of most of the stance phrases (`Naturvårdsverket tillstyrker …`).
    Agent,
    /// The municipality named in the text, which its office or nämnd speaks for.
    Municipality,
}

impl NamedBy {
    pub fn as_str(&self) -> &'static str {
        match self {
            NamedBy::Introduction => "introduction",
            NamedBy::Possessive => "possessive",
            NamedBy::Letterhead => "letterhead",
            NamedBy::Agent => "agent",
            NamedBy::Municipality => "municipality",
        }
    }
    /// Where the name came from, for a reader: `letterhead, line 1`.
    pub fn describe(&self, line: u32) -> String {
        let how = match self {
            NamedBy::Introduction => "introduces itself",
            NamedBy::Possessive => "names its own answer",
            NamedBy::Letterhead => "letterhead",
            NamedBy::Agent => "subject of its stance phrases",
            NamedBy::Municipality => "the municipality named",
        };
        format!("{how}, line {line}")
    }
}

/// A parsed answer.
#[derive(Clone, Debug, Serialize)]
pub struct Answer {
    pub source: String,
    pub meta: Metadata,
    pub headings: Vec<Heading>,
    pub sentences: Vec<Sentence>,
}

/// Lines ending a sentence or clause that cannot end a heading.
fn ends_sentence(line: &str) -> bool {
    let t = line.trim_end_matches(['”', '"', '’', ')', ' ']);
    t.ends_with(['.', '!', '?', ':', ';'])
}

/// A line ending with a word that cannot end a heading (`... och`, `... för`).
fn ends_with_connector(line: &str) -> bool {
    let last = line.rsplit(' ').next().unwrap_or("");
    line.ends_with([',', '–', '-'])
        || matches!(
            last,
            "och"
                | "samt"
                | "eller"
                | "av"
                | "för"
                | "i"
                | "om"
                | "till"
                | "på"
                | "med"
                | "vid"
                | "att"
                | "som"
                | "den"
                | "det"
                | "de"
                | "en"
                | "ett"
        )
}

fn starts_new(line: &str) -> bool {
    line.chars()
        .next()
        .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit() || c == '”' || c == '"')
}

struct LineRef<'a> {
    text: &'a str,
    span: Span,
}

/// Parses an answer into headings, sentences and metadata.
pub fn parse(text: &Text, lex: &Lexicon) -> Answer {
    let mut headings: Vec<Heading> = Vec::new();
    // Text blocks: (first line, last line) as indexes into `lines`.
    let mut lines: Vec<LineRef> = Vec::new();
    // Per unit: heading or text, with its line range.
    enum Unit {
        Heading(usize, usize),
        Text(usize, usize),
    }
    let mut units: Vec<Unit> = Vec::new();
    for block in &text.blocks {
        let first = lines.len();
        for l in &block.lines {
            lines.push(LineRef {
                text: text.line_text(l).trim(),
                span: text.line_span(l),
            });
        }
        let last = lines.len();
        let mut i = first;
        let mut at_start = true;
        let mut text_start: Option<usize> = None;
        while i < last {
            // Web-page furniture ends the text unit it stands in and is never read.
            if is_furniture(lines[i].text, lex) {
                if let Some(ts) = text_start.take() {
                    units.push(Unit::Text(ts, i));
                }
                i += 1;
                at_start = true;
                continue;
            }
            if at_start && let Some(j) = heading_end(&lines, i, last, lex) {
                if let Some(ts) = text_start.take() {
                    units.push(Unit::Text(ts, i));
                }
                units.push(Unit::Heading(i, j + 1));
                i = j + 1;
                at_start = true;
                continue;
            }
            if text_start.is_none() {
                text_start = Some(i);
            }
            at_start = ends_sentence(lines[i].text);
            i += 1;
        }
        if let Some(ts) = text_start {
            units.push(Unit::Text(ts, last));
        }
    }

    let mut area = Area::General;
    let mut topic: Option<usize> = None;
    let mut sentences = Vec::new();
    let mut block_index = 0usize;
    let src = &text.source;
    for u in &units {
        match *u {
            Unit::Heading(a, b) => {
                let mut n = Normalisation::default();
                let t = join_lines(lines[a..b].iter().map(|l| l.text), &mut n);
                let span = lines[a].span.join(lines[b - 1].span);
                let kind = classify_heading(&t, lex, area);
                match kind {
                    HeadingKind::Paragraph => {
                        if let Some(mut a) = paragraph_heading(&t) {
                            if a.kapitel.is_none()
                                && let Area::Chapter(k)
                                | Area::Paragraph(Address {
                                    kapitel: Some(k), ..
                                }) = area
                            {
                                a.kapitel = Some(k);
                            }
                            area = Area::Paragraph(a);
                        }
                        topic = None;
                    }
                    HeadingKind::ReportSection | HeadingKind::Part => {
                        area = Area::Part(headings.len());
                        topic = None;
                    }
                    HeadingKind::Chapter => {
                        if let Some(l) = chapter_label(&t) {
                            area = Area::Chapter(l);
                        }
                        topic = None;
                    }
                    HeadingKind::Konsekvensutredning => {
                        area = Area::Konsekvensutredning;
                        topic = None;
                    }
                    HeadingKind::Section => {
                        area = Area::General;
                        topic = None;
                    }
                    HeadingKind::Procedural => {
                        area = Area::Procedural;
                        topic = None;
                    }
                    HeadingKind::Topic => topic = Some(headings.len()),
                    HeadingKind::Other => {}
                }
                headings.push(Heading {
                    text: t,
                    kind,
                    span,
                });
            }
            Unit::Text(a, b) => {
                let start = lines[a].span.start;
                let end = lines[b - 1].span.end;
                for (s, e) in split_sentences(&src[start..end]) {
                    let (s, e) = (start + s, start + e);
                    let seg_lines: Vec<&LineRef> = lines[a..b]
                        .iter()
                        .filter(|l| l.span.end > s && l.span.start < e)
                        .collect();
                    let mut n = Normalisation::default();
                    let t = join_lines(
                        seg_lines.iter().map(|l| {
                            let ls = l.span.start.max(s);
                            let le = l.span.end.min(e);
                            &src[ls..le]
                        }),
                        &mut n,
                    );
                    if t.is_empty() {
                        continue;
                    }
                    let first_line = seg_lines.first().map(|l| l.span.line).unwrap_or(0);
                    let last_line = seg_lines.last().map(|l| l.span.line).unwrap_or(first_line);
                    sentences.push(Sentence {
                        text: t,
                        span: Span {
                            line: first_line,
                            end_line: last_line,
                            start: s,
                            end: e,
                            page: seg_lines.first().and_then(|l| l.span.page),
                        },
                        area,
                        topic,
                        block: block_index,
                    });
                }
                block_index += 1;
            }
        }
    }
    let meta = metadata(text, &headings, &sentences, lex);
    Answer {
        source: text.name.clone(),
        meta,
        headings,
        sentences,
    }
}

/// If a heading starts at line `i`, the index of its last line.
fn heading_end(lines: &[LineRef], i: usize, last: usize, lex: &Lexicon) -> Option<usize> {
    let mut len = 0;
    let mut j = i;
    loop {
        let t = lines[j].text;
        if t.is_empty() || ends_sentence(t) {
            return None;
        }
        len += t.len() + 1;
        if len > 200 || j - i >= 3 {
            return None;
        }
        let next = lines.get(j + 1).filter(|_| j + 1 < last);
        let closes = match next {
            None => true,
            Some(n) => starts_new(n.text) && !ends_with_connector(t),
        };
        if closes {
            break;
        }
        j += 1;
    }
    if !lines[i]
        .text
        .starts_with(|c: char| c.is_uppercase() || c.is_ascii_digit())
    {
        return None;
    }
    // A line with a stance phrase is a sentence that lacks its full stop, not a heading.
    let mut n = Normalisation::default();
    let joined = join_lines(lines[i..=j].iter().map(|l| l.text), &mut n);
    let ws: Vec<String> = words(&joined).into_iter().map(|w| w.text).collect();
    // Impersonal no-comment, support and opposition (`Konsekvensutredningen uppfyller inte
    // kraven`); agentive stances and no-comment.
    if (0..ws.len()).any(|k| {
        lex.impersonal
            .at(&ws, k)
            .is_some_and(|(_, tag)| tag == 0 || (4..=6).contains(&tag))
    }) {
        return None;
    }
    if (0..ws.len()).any(|k| {
        lex.agentive
            .at(&ws, k)
            .is_some_and(|(_, tag)| tag <= 3 || tag >= 9)
    }) {
        return None;
    }
    Some(j)
}

fn chapter_label(t: &str) -> Option<Label> {
    let (num, rest) = t.split_once(' ')?;
    let n: u32 = num.parse().ok()?;
    let rest = rest.trim_start();
    if rest.starts_with("kap") {
        return Some(Label::new(n));
    }
    let (letter, rest) = rest.split_once(' ')?;
    let mut cs = letter.chars();
    match (cs.next(), cs.next()) {
        (Some(c), None) if c.is_ascii_lowercase() && rest.starts_with("kap") => {
            Some(Label::with_letter(n, c))
        }
        _ => None,
    }
}

/// A paragraph named by a heading line: `7 kap. 4 b §`, `7 kap 4 b §`, `35 §`, `Till 2 kap.
/// 6 §`, `Kommentarer till 3 §`. Nothing may follow the citation but a colon.
pub(crate) fn paragraph_heading(t: &str) -> Option<Address> {
    let t = t.trim().trim_end_matches([':', ' ']);
    // `2.1 Till 3 §`: a numbered heading of the answer's own that names a paragraph.
    let t = match section_number(t) {
        Some((_, title)) if title.contains('§') => title,
        _ => t,
    };
    let lower = t.to_lowercase();
    let mut rest = t;
    for prefix in [
        "kommentarer till ",
        "synpunkter på ",
        "angående ",
        "till ",
        "ad ",
    ] {
        if lower.starts_with(prefix) {
            rest = &t[prefix.len()..];
            break;
        }
    }
    if !rest.contains('§') {
        return None;
    }
    Address::parse(rest).filter(|a| a.paragraf.is_some())
}

/// The number of a report section that opens a heading: `5.4.2 Köperbjudanden …`,
/// `Avsnitt 3.9`, `6.2 Ansvarig myndighet`. A bare `1` is not enough (it may be a lost `§`).
pub(crate) fn section_number(t: &str) -> Option<(String, &str)> {
    let t = t.trim();
    let (explicit, rest) = match t.get(..8) {
        Some(p) if p.eq_ignore_ascii_case("avsnitt ") => (true, &t[8..]),
        _ => (false, t),
    };
    let end = rest
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(rest.len());
    let number = rest[..end].trim_end_matches('.');
    let levels = number.split('.').count();
    if number.is_empty()
        || number.split('.').any(|p| p.is_empty() || p.len() > 3)
        || (!explicit && levels < 2)
    {
        return None;
    }
    let title = rest[end..].trim_start_matches([':', ' ', '\u{a0}']);
    if !explicit && !title.starts_with(|c: char| c.is_uppercase()) {
        return None;
    }
    Some((number.to_string(), title))
}

/// A leading section number (`1 Sammanfattning`, `6.3 Synpunkter`) does not change what a
/// heading is about.
fn without_section_number(lower: &str) -> &str {
    let end = lower
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(lower.len());
    if end > 0 && lower[end..].starts_with(' ') {
        lower[end..].trim_start()
    } else {
        lower
    }
}

/// Whether a line is web-page furniture (`Hoppa till innehåll`, `Copied!`, a page counter
/// such as `(1)` or `1 (13)`, a bare count).
fn is_furniture(t: &str, lex: &Lexicon) -> bool {
    let t = t.trim();
    if t.is_empty() {
        return false;
    }
    // Compared on bytes, ignoring ASCII case: no lower-cased copy of every line.
    let b = t.as_bytes();
    if lex.furniture.iter().any(|f| {
        b.get(..f.len())
            .is_some_and(|p| p.eq_ignore_ascii_case(f.as_bytes()))
    }) {
        return true;
    }
    // `13`, `(1)`, `1 (13)`, `1 (av 2)`.
    let bare = t
        .trim_start_matches(|c: char| c.is_ascii_digit())
        .trim_start();
    bare.is_empty() && t.len() <= 4
        || (bare.starts_with('(') && bare.ends_with(')') && bare.len() <= 10 && {
            let inner = &bare[1..bare.len() - 1];
            inner
                .trim_start_matches("av ")
                .chars()
                .all(|c| c.is_ascii_digit())
                && !inner.is_empty()
        })
}

fn classify_heading(t: &str, lex: &Lexicon, area: Area) -> HeadingKind {
    if paragraph_heading(t).is_some() {
        return HeadingKind::Paragraph;
    }
    if chapter_label(t).is_some() {
        return HeadingKind::Chapter;
    }
    let lower = t.to_lowercase();
    let lower = without_section_number(lower.trim_end_matches([':', ' ']));
    if lex
        .ku_headings
        .iter()
        .any(|k| lower.starts_with(k.as_str()))
    {
        return HeadingKind::Konsekvensutredning;
    }
    if lex.procedural_headings.iter().any(|k| lower == k) {
        return HeadingKind::Procedural;
    }
    if lex.general_headings.iter().any(|k| lower == k) {
        return HeadingKind::Section;
    }
    if section_number(t).is_some() {
        return HeadingKind::ReportSection;
    }
    if lex
        .part_headings
        .iter()
        .any(|k| lower.starts_with(k.as_str()))
    {
        return HeadingKind::Part;
    }
    // A signature (`Socialförvaltningen`) closing the last chapter section is not a topic.
    if matches!(area, Area::Chapter(_)) && !org_shaped(t, lex) {
        return HeadingKind::Topic;
    }
    HeadingKind::Other
}

const ABBREVIATIONS: [&str; 24] = [
    "kap", "st", "p", "t.ex", "bl.a", "m.m", "dvs", "d.v.s", "prop", "nr", "jfr", "s", "ca",
    "resp", "inkl", "enl", "t.o.m", "fr.o.m", "o.d", "osv", "m.fl", "dnr", "f.d", "ang",
];

/// Sentence boundaries in a text block: after `.`, `!` or `?` followed by white space
/// and a capital, a digit or a quote, except after abbreviations (`kap.`, `t.ex.`).
pub fn split_sentences(s: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let b = s.as_bytes();
    let mut start = 0;
    // Skip leading white space.
    while start < b.len() && (b[start] as char).is_ascii_whitespace() {
        start += 1;
    }
    let mut i = start;
    while i < b.len() {
        let c = b[i];
        // A bullet at the start of a line starts a sentence, whatever ends the one before.
        if c == b'\n' {
            let mut k = i + 1;
            while k < b.len() && matches!(b[k], b' ' | b'\t') {
                k += 1;
            }
            if k < b.len() && starts_with_bullet(&s[k..]) && s[start..i].trim().len() > 1 {
                let end = start + s[start..i].trim_end().len();
                out.push((start, end));
                start = k;
                i = k;
                continue;
            }
        }
        if matches!(c, b'.' | b'!' | b'?') {
            let mut j = i + 1;
            // Closing quotes and brackets belong to the sentence.
            while j < b.len() && matches!(b[j], b')' | b'"') {
                j += 1;
            }
            if s[j..].starts_with('”') {
                j += '”'.len_utf8();
            }
            let ws_end = {
                let mut k = j;
                while k < b.len() && (b[k] as char).is_ascii_whitespace() {
                    k += 1;
                }
                k
            };
            let at_end = ws_end >= b.len();
            let next_ok = at_end
                || (ws_end > j
                    && s[ws_end..].starts_with(|ch: char| {
                        ch.is_uppercase()
                            || ch.is_ascii_digit()
                            || ch == '”'
                            || ch == '"'
                            || ch == '–'
                            || is_bullet(ch)
                    }));
            if next_ok && (c != b'.' || !is_abbreviation(&s[start..i])) {
                out.push((start, j));
                start = ws_end;
                i = ws_end;
                continue;
            }
        }
        i += 1;
    }
    let tail = s[start..].trim_end();
    if !tail.is_empty() {
        out.push((start, start + tail.len()));
    }
    out
}

/// List bullets as real answers write them.
pub(crate) fn is_bullet(c: char) -> bool {
    matches!(c, '•' | '▪' | '◦' | '‣' | '●' | '■' | '–' | '*')
}

/// Whether a line starts with a bullet and a space (`•    Förslag om …`).
pub(crate) fn starts_with_bullet(t: &str) -> bool {
    let mut cs = t.chars();
    cs.next().is_some_and(is_bullet) && cs.next().is_some_and(char::is_whitespace)
}

fn is_abbreviation(before: &str) -> bool {
    let word = before
        .rsplit(|c: char| c.is_whitespace() || c == '(')
        .next()
        .unwrap_or("");
    ABBREVIATIONS.contains(&word) || (word.len() == 1 && word.chars().all(|c| c.is_alphabetic()))
}

// ---------------------------------------------------------------------------------------
// Metadata
// ---------------------------------------------------------------------------------------

/// Whether a name looks like an organisation (`Socialförvaltningen`, `Stockholm Vatten och Avfall AB`).
fn org_shaped(t: &str, lex: &Lexicon) -> bool {
    let t = t.trim();
    if t.is_empty()
        || t.len() > 80
        || ends_sentence(t)
        || !t.starts_with(|c: char| c.is_uppercase())
    {
        return false;
    }
    let last = t.rsplit(' ').next().unwrap_or("").to_lowercase();
    let first = t.split(' ').next().unwrap_or("").to_lowercase();
    // `Förvaltningsrätten i Göteborg`, `Länsstyrelsen Västra Götaland`: a short line opening
    // with the word for a body's kind.
    let kind_first = t.split(' ').count() <= 6
        && lex.generic_respondents.iter().any(|g| {
            g.len() >= 6
                && (first == *g || first.len() > g.len() + 2 && first.ends_with(g.as_str()))
        });
    kind_first
        || t.ends_with(" AB")
        || lex
            .respondent_suffixes
            .iter()
            .any(|s| last.ends_with(s.as_str()) || first.ends_with(s.as_str()) && !t.contains(' '))
        || last.ends_with("kommun")
        || last.ends_with("myndigheten")
        || last.ends_with("verket")
        || first == "region"
}

fn metadata(text: &Text, headings: &[Heading], sentences: &[Sentence], lex: &Lexicon) -> Metadata {
    let src = &text.source;
    let starts = line_starts(src);
    let line_of = |off: usize| match starts.binary_search(&off) {
        Ok(i) => i as u32 + 1,
        Err(i) => i as u32,
    };
    let mut m = Metadata::default();

    case_numbers(&mut m, src, &line_of);
    dates(&mut m, src, &line_of);
    title_and_sender(&mut m, headings, sentences);
    body_and_office(&mut m, src, lex, &line_of);
    subject_names(&mut m, sentences, lex);
    m
}

/// The answer's own case number and the others it mentions.
fn case_numbers(m: &mut Metadata, src: &str, line_of: &dyn Fn(usize) -> u32) {
    // Case numbers: `Dnr KS 2025/1384`, `dnr SVOA 2025-01622`.
    // `dnr` in any case, found on bytes (lower-casing the whole text is costly).
    let sb = src.as_bytes();
    let mut from = 0;
    while let Some(p) = memchr::memchr2(b'd', b'D', &sb[from..]) {
        let at = from + p;
        from = at + 1;
        if !sb
            .get(at..at + 3)
            .is_some_and(|w| w.eq_ignore_ascii_case(b"dnr"))
        {
            continue;
        }
        from = at + 3;
        if at > 0
            && src[..at]
                .chars()
                .last()
                .is_some_and(|c| c.is_alphanumeric())
        {
            continue;
        }
        let rest = src[at + 3..].trim_start_matches([' ', '.', ':']);
        let mut end = 0;
        let mut saw_digit = false;
        for (i, c) in rest.char_indices() {
            if c.is_alphanumeric()
                || c == '/'
                || c == '-'
                || (c == ' ' && !saw_digit)
                || (c == '.'
                    && saw_digit
                    && rest[i + 1..].starts_with(|d: char| d.is_ascii_digit()))
            {
                saw_digit |= c.is_ascii_digit();
                end = i + c.len_utf8();
            } else {
                break;
            }
        }
        let number = rest[..end].trim().to_string();
        if saw_digit && !number.is_empty() {
            let f = Found {
                text: number,
                line: line_of(at),
            };
            if m.case_number.is_none() {
                m.case_number = Some(f);
            } else if m.case_number.as_ref() != Some(&f)
                && !m.other_case_numbers.iter().any(|o| o.text == f.text)
            {
                m.other_case_numbers.push(f);
            }
        }
    }
}

/// Dates, as ISO `YYYY-MM-DD` with their lines.
fn dates(m: &mut Metadata, src: &str, line_of: &dyn Fn(usize) -> u32) {
    // Dates: ISO and `den 14 januari 2026`.
    let b = src.as_bytes();
    // Only where a number starts (a digit not after a letter or digit).
    let starts = (0..b.len())
        .filter(|&i| b[i].is_ascii_digit() && (i == 0 || !b[i - 1].is_ascii_alphanumeric()));
    for i in starts {
        let rest = &src[i..];
        // Checked on bytes: the tenth byte may fall inside a letter (`2025-11-0å`).
        let rb = rest.as_bytes();
        if rb.len() >= 10
            && rb[..10].iter().enumerate().all(|(k, c)| {
                if k == 4 || k == 7 {
                    *c == b'-'
                } else {
                    c.is_ascii_digit()
                }
            })
            && !rb.get(10).is_some_and(u8::is_ascii_digit)
        {
            m.dates.push(Found {
                text: rest[..10].to_string(),
                line: line_of(i),
            });
            continue;
        }
        let mut parts = rest.splitn(4, [' ', '\u{a0}']);
        if let (Some(d), Some(mon), Some(y)) = (parts.next(), parts.next(), parts.next())
            && let Ok(day) = d.parse::<u32>()
            && (1..=31).contains(&day)
            && let Some(mi) = crate::cite::MONTHS.iter().position(|x| *x == mon)
        {
            let y: String = y.chars().take_while(|c| c.is_ascii_digit()).collect();
            if y.len() == 4 && (i == 0 || !b[i - 1].is_ascii_digit()) {
                m.dates.push(Found {
                    text: format!("{y}-{:02}-{day:02}", mi + 1),
                    line: line_of(i),
                });
            }
        }
    }
}

/// The remiss's title and who sent it, from the headings.
fn title_and_sender(m: &mut Metadata, headings: &[Heading], sentences: &[Sentence]) {
    // Title and sender from the headings.
    for h in headings {
        let t = &h.text;
        if m.remiss_title.is_none()
            && let Some(p) = find_ascii_ci(t, "remiss av ")
        {
            m.remiss_title = Some(t[p + "remiss av ".len()..].trim().to_string());
        }
        if m.sender.is_none()
            && let Some(rest) = t.strip_prefix("Remiss från ")
        {
            let s = rest
                .split(", dnr")
                .next()
                .unwrap_or(rest)
                .trim()
                .to_string();
            m.sender = Some(s);
        }
    }
    // `Remissyttrande - Delbetänkande av ...`, `Yttrande över slutbetänkandet ...`: the title
    // after the heading's word for the answer.
    if m.remiss_title.is_none() {
        m.remiss_title = headings.iter().find_map(|h| {
            let t = h.text.trim();
            TITLE_PREFIXES.iter().find_map(|p| {
                let head = t.get(..p.len())?;
                let rest = t[p.len()..].trim_start_matches([' ', '-', '–', ':']).trim();
                (head.eq_ignore_ascii_case(p)
                    && !t[p.len()..].starts_with(char::is_alphanumeric)
                    && rest.len() > 3)
                    .then(|| rest.to_string())
            })
        });
    }
    // `Förslag till ...` names the remiss only as a heading before the text: further down
    // it names a part of the proposal (`Förslag till lag om ändring i alkohollagen`).
    if m.remiss_title.is_none()
        && let Some(h) = headings.iter().find(|h| {
            h.text.starts_with("Förslag till ")
                && h.kind != HeadingKind::Procedural
                && sentences
                    .first()
                    .is_none_or(|s| h.span.start < s.span.start)
        })
    {
        m.remiss_title = Some(h.text.clone());
    }
}

/// Words a heading opens with before the remiss's title, longest first.
const TITLE_PREFIXES: [&str; 12] = [
    "Yttrande på remiss av",
    "Svar på remiss gällande",
    "Svar på remiss av",
    "Remissyttrande över",
    "Yttrande gällande",
    "Yttrande över",
    "Remissyttrande",
    "Remissvar på",
    "Remissvar över",
    "Remissvar",
    "Remiss -",
    "Remiss:",
];

/// The answering body and its office, from the first lines or the text.
fn body_and_office(m: &mut Metadata, src: &str, lex: &Lexicon, line_of: &dyn Fn(usize) -> u32) {
    // The body: an organisation on the first lines, else `X stad` / `X kommun` in the text.
    let head_lines: Vec<(usize, &str)> = src
        .lines()
        .enumerate()
        .map(|(i, l)| (i, l.trim()))
        .filter(|(_, l)| !l.is_empty())
        .take(4)
        .collect();
    let first_org = head_lines
        .iter()
        .position(|(_, l)| org_shaped(l, lex))
        .or_else(|| head_lines.iter().position(|(_, l)| capitals_name(l)));
    let (name, named_by, line) = if let Some(p) = first_org {
        let name =
            as_written_in(src, head_lines[p].1).unwrap_or_else(|| title_case(head_lines[p].1));
        m.body = Some(name.clone());
        if let Some((_, next)) = head_lines.get(p + 1)
            && org_shaped(next, lex)
        {
            m.office = Some(next.to_string());
        }
        (name, NamedBy::Letterhead, head_lines[p].0 as u32 + 1)
    } else if let Some((found, at)) = find_city(src) {
        m.body = Some(found.clone());
        (found, NamedBy::Municipality, line_of(at))
    } else {
        return;
    };
    m.respondent = Some(Respondent {
        name,
        office: m.office.clone(),
        aliases: Vec::new(),
        named_by,
        line,
    });
}

/// Words that name the respondent as a subject; the most frequent such subject becomes the office when none was found.
fn subject_names(m: &mut Metadata, sentences: &[Sentence], lex: &Lexicon) {
    // Names: organisation-shaped subjects of the answer's sentences (`Stadsledningskontoret
    // tillstyrker`). The most frequent becomes the office when none was found.
    let sender_words: Vec<String> = m
        .sender
        .as_deref()
        .map(|s| words(s).into_iter().map(|w| w.text).collect())
        .unwrap_or_default();
    let mut counts: std::collections::BTreeMap<String, (usize, String)> = Default::default();
    for s in sentences {
        let first = s.text.split([' ', ',']).next().unwrap_or("");
        let lw = first.to_lowercase();
        if first.len() > 3
            && first.starts_with(|c: char| c.is_uppercase())
            && lex
                .respondent_suffixes
                .iter()
                .any(|suf| lw.ends_with(suf.as_str()) && lw != *suf)
            && !sender_words.contains(&lw)
            && !lex.others.contains(&lw)
        {
            let e = counts.entry(lw).or_insert((0, first.to_string()));
            e.0 += 1;
        }
    }
    let mut ranked: Vec<(usize, String, String)> = counts
        .into_iter()
        .map(|(k, (n, shown))| (n, k, shown))
        .collect();
    ranked.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    if let Some(b) = &m.body {
        for w in words(b) {
            if w.text.len() > 3
                && lex
                    .respondent_suffixes
                    .iter()
                    .any(|s| w.text.ends_with(s.as_str()))
            {
                m.names.push(w.text);
            }
        }
        // `Stockholm Vatten och Avfall AB`: the full name is a subject too.
        if b.contains(' ') {
            m.names.push(b.to_lowercase());
        }
    }
    if let Some(o) = &m.office {
        m.names.push(o.to_lowercase());
    }
    if let Some((_, key, shown)) = ranked.first()
        && !m.names.contains(key)
        && m.office.is_none()
        && m.body.as_deref().map(|b| b.to_lowercase()) != Some(key.clone())
    {
        m.office = Some(shown.clone());
    }
    for (_, key, _) in ranked {
        if !m.names.contains(&key) {
            m.names.push(key);
        }
    }
}

/// Where an ASCII `needle` first occurs in `hay`, ignoring ASCII case. Offsets are into
/// `hay` itself (a lower-cased copy may have other offsets).
fn find_ascii_ci(hay: &str, needle: &str) -> Option<usize> {
    hay.as_bytes()
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

/// A letterhead in capitals as the text writes the name in running text (`HÖGSTA
/// DOMSTOLEN` → `Högsta domstolen`), when it does; other lines as they are.
fn as_written_in(src: &str, line: &str) -> Option<String> {
    if line.chars().any(char::is_lowercase) {
        return None;
    }
    let lower = src.to_lowercase();
    let needle = line.to_lowercase();
    // Offsets carry over only when lower-casing kept every byte length.
    if lower.len() != src.len() || needle.is_empty() {
        return None;
    }
    lower
        .match_indices(&needle)
        .filter_map(|(at, _)| src.get(at..at + needle.len()))
        .find(|w| w.chars().any(char::is_lowercase) && w.to_lowercase() == needle)
        .map(str::to_string)
}

/// Words in capitals at the head of a document that name what it is or whom it goes to,
/// not who writes it.
const DOCUMENT_WORDS: [&str; 14] = [
    "yttrande",
    "remissvar",
    "remiss",
    "beslut",
    "promemoria",
    "pm",
    "tjänsteutlåtande",
    "protokoll",
    "sammanfattning",
    "skrivelse",
    "utlåtande",
    "missiv",
    "datum",
    "regeringen",
];

/// A letterhead in capitals with no word for a body's kind (`JUSTITIEKANSLERN`, `HÖGSTA
/// DOMSTOLEN`): a short line of capital letters only, not a word for the document itself
/// nor a ministry it is sent to.
fn capitals_name(line: &str) -> bool {
    let words: Vec<&str> = line.split_whitespace().collect();
    !words.is_empty()
        && words.len() <= 5
        && line.chars().filter(|c| c.is_alphabetic()).count() >= 4
        && line
            .chars()
            .all(|c| c.is_uppercase() || c == ' ' || c == '-')
        // A name has a word of some length (not `WORD PNG TXT JPG`, a page's buttons).
        && words.iter().any(|w| w.chars().count() >= 6)
        && !words.iter().any(|w| {
            let w = w.to_lowercase();
            // `REMISSYTTRANDE`, `TJÄNSTESKRIVELSE`: compounds of a word for the document.
            DOCUMENT_WORDS
                .iter()
                .any(|d| w == *d || d.len() >= 5 && w.ends_with(d))
                || w.ends_with("departementet")
        })
}

/// `FÖRVALTNINGSRÄTTEN I GÖTEBORG` → `Förvaltningsrätten i Göteborg`: a letterhead in
/// capitals as the name is written in running text (link words lower-case). Other lines
/// are kept as written.
fn title_case(line: &str) -> String {
    if line.chars().any(char::is_lowercase) || !line.chars().any(char::is_uppercase) {
        return line.to_string();
    }
    line.split(' ')
        .enumerate()
        .map(|(i, w)| {
            let lw = w.to_lowercase();
            if i > 0 && matches!(lw.as_str(), "i" | "och" | "för" | "av" | "över") {
                return lw;
            }
            let mut cs = lw.chars();
            match cs.next() {
                Some(c) => c.to_uppercase().chain(cs).collect(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// A municipality or region named in the text (`Stockholms stad`, `Region Skåne`) and
/// where.
fn find_city(src: &str) -> Option<(String, usize)> {
    for marker in [" stad", " kommun"] {
        // The whole word (`stadens` is no name), after a capitalised one.
        for (p, _) in src.match_indices(marker) {
            if src[p + marker.len()..].starts_with(char::is_alphanumeric) {
                continue;
            }
            let before = &src[..p];
            let word = before.rsplit([' ', '\n']).next().unwrap_or("");
            if word.starts_with(|c: char| c.is_uppercase()) {
                return Some((format!("{word}{marker}"), p - word.len()));
            }
        }
    }
    if let Some(p) = src.find("Region ") {
        let rest = &src[p + 7..];
        let word = rest.split([' ', '\n', ',', '.']).next().unwrap_or("");
        if word.starts_with(|c: char| c.is_uppercase()) {
            return Some((format!("Region {word}"), p));
        }
    }
    None
}

#[cfg(test)]
mod tests;

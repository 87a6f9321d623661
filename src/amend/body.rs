//! Stage 2c, amendments: the parts around the instructions. The title (`Förordning om
//! ändring i miljötillsynsförordningen (2011:13)`) names the base; after the instruction
//! sentence comes the new wording, then the transitional provisions and the signature.
//! The wording of a published act carries footnotes (`19 §1` and `1 Senaste lydelse
//! 2023:659.`) and the printer's marks (`1234567890:;` set down the margin): they are not
//! text and are left out before the wording is parsed.

use super::Base;
use crate::regulation::{self, Regulation};
use crate::source::{Block, Span, Text};

/// The title of an amendment, with byte offsets in the text's parser-facing buffer.
#[derive(Clone, Debug)]
pub(super) struct Title {
    pub start: usize,
    pub end: usize,
    pub text: String,
    pub kind: Option<String>,
    /// The base as the title names it (the number comes from the regulation reader's
    /// metadata).
    pub base: Base,
}

/// How many blocks from the start the title may stand in (an SFS header, the agency's
/// margin block and a `Förslag till` line come before it).
const TITLE_BLOCKS: usize = 16;

/// Words that follow the title in its block, not part of it.
const TITLE_ENDS: [&str; 6] = [
    " Publicerad",
    " Utfärdad",
    " Utkom från trycket",
    " beslutade den",
    " Beslutad",
    ";",
];

/// Finds the title `… om ändring i …` among the first blocks.
pub(super) fn title(text: &Text) -> Option<Title> {
    let buf = text.buf();
    // A text read for the parser has its blocks made as they are read: the first few are
    // made here (see `source::read_unsplit`).
    let first_blocks: Vec<Block>;
    let blocks = match text.unsplit_blocks() {
        Some(split) => {
            first_blocks = split.take(TITLE_BLOCKS).collect();
            &first_blocks[..]
        }
        None => &text.blocks[..text.blocks.len().min(TITLE_BLOCKS)],
    };
    for (bi, b) in blocks.iter().enumerate() {
        let (Some(first), Some(last)) = (b.lines.first(), b.lines.last()) else {
            continue;
        };
        let raw = &buf[first.text().start..last.text().end];
        let joined = super::squash(raw);
        let lower = super::lower(&joined);
        let Some(at) = lower.find("om ändring i ") else {
            continue;
        };
        // The words before `om ändring i` name the kind of act; the title may begin with
        // them on the block before (`Förordning` / `om ändring i …`).
        let mut lead = joined[..at].trim().to_string();
        let mut start = first.text().start;
        if lead.is_empty()
            && bi > 0
            && let Some(prev) = blocks[bi - 1].lines.last()
        {
            let p = buf[prev.text()].trim();
            if p.split_whitespace().count() <= 3 && p.starts_with(|c: char| c.is_uppercase()) {
                lead = p.to_string();
                start = prev.text().start;
            }
        }
        // `Förordning SFS 2025:1458` on one line when the number is set beside the title:
        // the kind is the words before the collection's code.
        let lead_words = lead
            .split_whitespace()
            .take_while(|w| {
                !(w.len() >= 3
                    && w.ends_with("FS")
                    && w.chars().all(|c| c.is_uppercase() || c == '-'))
            })
            .collect::<Vec<_>>()
            .join(" ");
        let kind = lead_words
            .split_whitespace()
            .last()
            .filter(|w| w.chars().all(char::is_alphabetic))
            .map(|w| {
                let mut c = w.chars();
                c.next()
                    .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
                    .unwrap_or_default()
            });
        // What the title block holds beyond the title: the dates set beside it.
        let joined = match TITLE_ENDS
            .iter()
            .filter_map(|w| joined[at..].find(w).map(|i| at + i))
            .min()
        {
            Some(cut) => joined[..cut].trim_end().to_string(),
            None => joined,
        };
        let rest = &joined[at + "om ändring i ".len()..];
        let name = rest
            .split(';')
            .next()
            .unwrap_or(rest)
            .trim()
            .trim_end_matches(['.', ','])
            .to_string();
        let title_text = if lead_words.is_empty() {
            joined[at..].to_string()
        } else {
            format!("{} {}", lead_words, &joined[at..])
        };
        return Some(Title {
            start,
            end: last.text().end,
            text: title_text.trim_end_matches(';').to_string(),
            kind,
            base: Base { name, number: None },
        });
    }
    None
}

/// One line: buffer start, buffer end, source start, source end, line number, page.
type IndexedLine = (usize, usize, usize, usize, u32, Option<u32>);

/// Maps byte offsets of the text's parser-facing buffer to lines and spans of its source.
pub(super) struct LineIndex {
    lines: Vec<IndexedLine>,
}

impl LineIndex {
    pub fn new(text: &Text) -> Self {
        let mut lines: Vec<_> = text
            .blocks
            .iter()
            .flat_map(|b| b.lines.iter())
            .map(|l| {
                (
                    l.text().start,
                    l.text().end,
                    l.src().start,
                    l.src().end,
                    l.number,
                    l.page(),
                )
            })
            .collect();
        lines.sort_by_key(|l| l.0);
        LineIndex { lines }
    }

    fn at(&self, off: usize) -> Option<&IndexedLine> {
        let i = match self.lines.binary_search_by_key(&off, |l| l.0) {
            Ok(i) => i,
            Err(0) => 0,
            Err(i) => i - 1,
        };
        self.lines.get(i)
    }

    /// The source span of the buffer range `a..b`.
    pub fn span(&self, a: usize, b: usize) -> Span {
        let (Some(x), Some(y)) = (self.at(a), self.at(b.saturating_sub(1).max(a))) else {
            return Span::default();
        };
        let start = x.2 + a.saturating_sub(x.0).min(x.3 - x.2);
        let end = y.2 + b.saturating_sub(y.0).min(y.3 - y.2);
        Span {
            line: x.4,
            end_line: y.4,
            start,
            end: end.max(start),
            page: x.5,
        }
    }
}

/// The new wording and what follows it.
#[derive(Clone, Debug, Default)]
pub(super) struct Body {
    /// The wording cleaned of footnotes and printer's marks, one line per kept line, a blank
    /// line between blocks.
    pub clean: String,
    /// The source span of each line of `clean` (blank lines have none).
    pub origin: Vec<Option<Span>>,
    /// `clean` parsed; its spans index into `clean`.
    pub parsed: Option<Regulation>,
    pub name: String,
    pub overgang: Vec<regulation::TextPart>,
    pub in_force: Option<String>,
}

/// Footnote texts of published acts, after the footnote's number.
const FOOTNOTES: [&str; 12] = [
    "senaste lydelse",
    "lydelse enligt",
    "förordningen senast ändrad",
    "föreskrifterna senast ändrade",
    "lagen senast ändrad",
    "förordningen omtryckt",
    "lagen omtryckt",
    "föreskrifterna omtryckta",
    "prop. ",
    "ändringen innebär",
    "jfr ",
    "senaste lydelse av",
];

/// Whether a line is a footnote: `1 Senaste lydelse 2023:659.` (or its text after a line
/// with only the number).
fn footnote(line: &str) -> bool {
    let mut rest = line.trim();
    let mut numbered = false;
    while let Some((w, r)) = rest.split_once(' ') {
        if w.len() <= 2 && w.bytes().all(|b| b.is_ascii_digit()) {
            rest = r.trim_start();
            numbered = true;
        } else {
            break;
        }
    }
    let lower = rest.to_lowercase();
    FOOTNOTES.iter().any(|f| lower.starts_with(f)) && (numbered || lower.starts_with("senaste"))
}

/// Whether a line is only the printer's marks (`1234567890:;` set one character a line
/// down the margin, read across as `: : 1` or `; ;`), or only footnote numbers (`2 2`).
fn furniture(line: &str) -> bool {
    let toks: Vec<&str> = line.split_whitespace().collect();
    if toks.is_empty() {
        return false;
    }
    let marks = toks.iter().all(|t| {
        t.chars().count() == 1
            && t.chars()
                .all(|c| c.is_ascii_digit() || c == ':' || c == ';')
    });
    let numbers_only = toks.len() <= 2
        && toks
            .iter()
            .all(|t| t.len() <= 3 && t.bytes().all(|b| b.is_ascii_digit()));
    marks || numbers_only || line.trim() == "1234567890:;"
}

/// `2 2 16 september 2009 om …` → `16 september 2009 om …`: the printer's marks (one
/// character repeated, as two copies of the column are read across) before the text of a
/// line that stands beside them.
fn strip_marks(line: &str) -> &str {
    let mut rest = line.trim_start();
    let mut first: Option<&str> = None;
    let mut n = 0;
    while let Some((w, r)) = rest.split_once(' ') {
        let mark = w.chars().count() == 1
            && w.chars()
                .all(|c| c.is_ascii_digit() || c == ':' || c == ';');
        if !mark || first.is_some_and(|f| f != w) {
            break;
        }
        first = Some(w);
        n += 1;
        rest = r.trim_start();
    }
    if n >= 2 { rest } else { line }
}

/// `19 §1 I 20–35 §§` → `19 § I 20–35 §§`: a footnote number glued to a paragraph's label.
pub(super) fn strip_label_footnote(line: &str) -> std::borrow::Cow<'_, str> {
    let t = line.trim_start();
    let lead = line.len() - t.len();
    let b = t.as_bytes();
    let mut i = 0;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    if i == 0 || i > 4 {
        return line.into();
    }
    let mut j = i;
    if t[j..].starts_with(' ') {
        j += 1;
    }
    if j < b.len() && b[j].is_ascii_lowercase() && t[j + 1..].starts_with(' ') {
        j += 2;
    }
    let Some(after) = t[j..].strip_prefix('§') else {
        return line.into();
    };
    let digits = after.bytes().take_while(|b| b.is_ascii_digit()).count();
    if digits == 0 || digits > 2 {
        return line.into();
    }
    let rest = &after[digits..];
    if !(rest.is_empty() || rest.starts_with(' ')) {
        return line.into();
    }
    let cut = lead + j + '§'.len_utf8();
    format!("{}{}", &line[..cut], rest).into()
}

/// Whether a block begins the transitional provisions: `Denna förordning träder i kraft …`,
/// `1. Denna lag träder i kraft …`, `Övergångsbestämmelser`.
fn starts_overgang(joined: &str) -> bool {
    let t = joined.trim_start_matches(|c: char| c.is_ascii_digit() || c == '.' || c == ' ');
    let lower = t.to_lowercase();
    ((lower.starts_with("denna ") || lower.starts_with("dessa "))
        && lower
            .chars()
            .take(80)
            .collect::<String>()
            .contains("träder i kraft"))
        || lower.starts_with("ikraftträdande")
        || lower.starts_with("övergångsbestämmelser")
}

fn is_separator(joined: &str) -> bool {
    let t = joined.trim();
    t.chars().count() >= 3 && t.chars().all(|c| matches!(c, '_' | '–' | '—' | '-' | ' '))
}

fn is_signature(joined: &str) -> bool {
    let lower = joined.trim().to_lowercase();
    lower.starts_with("på regeringens vägnar") || lower.starts_with("enligt riksdagens beslut")
}

/// Reads what follows the instruction sentence (which ends at byte `from` of the buffer).
pub(super) fn read(text: &Text, from: usize, index: &LineIndex) -> Body {
    let buf = text.buf();
    let mut body = Body {
        name: text.name.clone(),
        ..Body::default()
    };
    let mut in_overgang = false;
    let mut wrote_any = false;
    for b in &text.blocks {
        let lines: Vec<_> = b.lines.iter().filter(|l| l.text().start >= from).collect();
        // The rest of the sentence's own line (`lydelse.` then the wording on one line
        // is not how acts are printed) is not wording.
        if lines.is_empty() {
            continue;
        }
        let joined = super::squash(
            &lines
                .iter()
                .map(|l| &buf[l.text()])
                .collect::<Vec<_>>()
                .join(" "),
        );
        if is_signature(&joined) {
            break;
        }
        if is_separator(&joined) {
            in_overgang = true;
            continue;
        }
        if !in_overgang && wrote_any && starts_overgang(&joined) {
            in_overgang = true;
        }
        if in_overgang {
            // The provisions are sentences and numbered points; the signature (an agency's
            // name, a person's) ends none with a full stop.
            let last = joined.trim_end();
            if !(last.ends_with('.') || last.ends_with(':') || last.ends_with(',')) {
                break;
            }
            if body.in_force.is_none() {
                body.in_force = in_force(&joined);
            }
            let a = lines[0].text().start;
            let z = lines[lines.len() - 1].text().end;
            body.overgang.push(regulation::TextPart {
                text: joined,
                span: index.span(a, z),
            });
            continue;
        }
        // The wording, cleaned line by line.
        let mut kept: Vec<(String, Span)> = Vec::new();
        let mut skip_continuation = false;
        let marks: Vec<bool> = lines.iter().map(|l| furniture(&buf[l.text()])).collect();
        for (k, l) in lines.iter().enumerate() {
            let raw = &buf[l.text()];
            // A line beside the printer's marks may have their characters read into it.
            let beside = (k > 0 && marks[k - 1]) || marks.get(k + 1).copied().unwrap_or(false);
            let raw = if beside { strip_marks(raw) } else { raw };
            if skip_continuation {
                skip_continuation = !raw.trim_end().ends_with('.');
                continue;
            }
            if footnote(raw) {
                // A footnote's number may stand on the line before its text.
                if kept.last().is_some_and(|(t, _)| furniture(t)) {
                    kept.pop();
                }
                skip_continuation = !raw.trim_end().ends_with('.');
                continue;
            }
            if furniture(raw) || raw.trim().is_empty() {
                continue;
            }
            let span = index.span(l.text().start, l.text().end);
            kept.push((strip_label_footnote(raw).trim_end().to_string(), span));
        }
        if kept.is_empty() {
            continue;
        }
        if !body.clean.is_empty() {
            body.clean.push('\n');
            body.origin.push(None);
        }
        for (t, s) in kept {
            body.clean.push_str(&t);
            body.clean.push('\n');
            body.origin.push(Some(s));
        }
        wrote_any = true;
    }
    let parsed = regulation::parse(&Text::from_plain(&text.name, body.clean.clone()));
    body.parsed = Some(parsed);
    body
}

/// `Denna förordning träder i kraft den 15 januari 2026.` → `15 januari 2026`.
fn in_force(s: &str) -> Option<String> {
    let lower = super::lower(s);
    let at = lower.find("träder i kraft den ")? + "träder i kraft den ".len();
    let rest = &s[at..];
    let end = rest.find(['.', ',', ';']).unwrap_or(rest.len());
    Some(rest[..end].trim().to_string())
}

impl Body {
    /// The source span of a span of `clean`.
    pub fn origin_of(&self, s: Span) -> Span {
        let at = |line: u32| -> Option<Span> {
            self.origin
                .get((line as usize).checked_sub(1)?)
                .copied()
                .flatten()
        };
        let first = (s.line..=s.end_line).find_map(at);
        let last = (s.line..=s.end_line).rev().find_map(at);
        match (first, last) {
            (Some(a), Some(b)) => a.join(b),
            _ => Span::default(),
        }
    }

    /// The parsed wording with its spans in the amendment's text.
    pub fn wording(&self) -> Regulation {
        let Some(p) = &self.parsed else {
            return regulation::parse(&Text::from_plain(&self.name, String::new()));
        };
        let mut r = p.clone();
        let m = |s: &mut Span| *s = self.origin_of(*s);
        if let Some(t) = &mut r.title {
            m(&mut t.span);
        }
        for t in &mut r.preamble {
            m(&mut t.span);
        }
        for a in &mut r.avdelningar {
            m(&mut a.span);
        }
        for k in &mut r.kapitel {
            m(&mut k.span);
            for x in &mut k.rubriker {
                m(&mut x.span);
            }
            for p in &mut k.paragrafer {
                m(&mut p.span);
                for s in &mut p.stycken {
                    m(&mut s.span);
                    for n in &mut s.punkter {
                        m(&mut n.span);
                    }
                }
                for a in p.allmanna_rad_mut() {
                    m(&mut a.span);
                    for s in &mut a.stycken {
                        m(&mut s.span);
                    }
                }
            }
        }
        for o in &mut r.overgang {
            m(&mut o.span);
            for s in &mut o.stycken {
                m(&mut s.span);
            }
        }
        for b in &mut r.bilagor {
            m(&mut b.span);
            for t in &mut b.text {
                m(&mut t.span);
            }
        }
        for d in &mut r.diagnostics {
            if let Some(Some(s)) = self.origin.get((d.line as usize).saturating_sub(1)) {
                d.line = s.line;
            }
        }
        r
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_footnote_number_glued_to_a_label_is_not_text() {
        assert_eq!(strip_label_footnote("19 §1 I 20–35 §§"), "19 § I 20–35 §§");
        assert_eq!(strip_label_footnote("2 a §12 Text"), "2 a § Text");
        assert_eq!(strip_label_footnote("24 §2"), "24 §");
        // A citation is left alone: only two digits glued to a label's `§` are a marker.
        assert_eq!(strip_label_footnote("19 § 1. text"), "19 § 1. text");
        assert_eq!(strip_label_footnote("enligt 19 §1"), "enligt 19 §1");
    }

    #[test]
    fn printers_marks_and_footnotes_are_not_text() {
        assert!(furniture("; ;"));
        assert!(furniture(": : 1"));
        assert!(furniture("2 2"));
        assert!(furniture("1234567890:;"));
        assert!(!furniture("1. miljöfarliga verksamheter"));
        assert!(!furniture("16 september 2009 om ämnen"));
        assert!(footnote("1 Senaste lydelse 2023:659."));
        assert!(footnote("Senaste lydelse 2025:818."));
        assert!(footnote("2 Senaste lydelse MSBFS 2010:4"));
        assert!(!footnote("Prop. 2025/26:28 föreslår"));
        assert!(!footnote("1. Senaste året"));
        assert_eq!(
            strip_marks("2 2 16 september 2009 om"),
            "16 september 2009 om"
        );
        assert_eq!(strip_marks("2 3 4 st"), "2 3 4 st");
    }
}

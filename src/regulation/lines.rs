//! Stage 2a, structure: the shapes of single lines (paragraph and chapter labels, punkter,
//! rubriker, in-force markers, amendment notes) that the parser classifies blocks by.

use crate::address::{Label, PunktLabel};

/// `str::trim` and its one-sided forms with a shortcut: a line whose first (last) byte shows
/// that it starts (ends) with no whitespace ([`crate::source::no_space_at_start`]) has none
/// to take off there, and most lines the parser looks at are already trimmed, so the
/// Unicode whitespace test is rarely run. The result is always the same as the standard
/// method's.
pub(super) trait FastTrim {
    fn fast_trim(&self) -> &str;
    fn fast_trim_start(&self) -> &str;
    fn fast_trim_end(&self) -> &str;
}

impl FastTrim for str {
    #[inline]
    fn fast_trim(&self) -> &str {
        crate::source::trim_fast(self)
    }
    #[inline]
    fn fast_trim_start(&self) -> &str {
        crate::source::trim_start_fast(self)
    }
    #[inline]
    fn fast_trim_end(&self) -> &str {
        if crate::source::no_space_at_end(self) {
            self
        } else {
            self.trim_end()
        }
    }
}

/// The ASCII digits at the start of `b`: their value (while it fits; the callers take at
/// most four digits) and how many there are. Labels are read for every block and many
/// lines, and `str::parse` spent most of its time on checks these digits need not.
fn leading_number(b: &[u8]) -> (u32, usize) {
    let mut n: u32 = 0;
    let mut i = 0;
    while let Some(d) = b.get(i).filter(|d| d.is_ascii_digit()) {
        n = n.wrapping_mul(10).wrapping_add(u32::from(d - b'0'));
        i += 1;
    }
    (n, i)
}

/// `7 §` / `7 a §` at the start of a line, followed by a space or the end: the label and the
/// byte offset after `§`. `17 och 18 §§` does not match.
pub(super) fn paragraph_label_at_start(line: &str) -> Option<(Label, usize)> {
    let (num, i) = leading_number(line.as_bytes());
    if i == 0 || i > 4 {
        return None;
    }
    let rest = &line[i..];
    let rest = rest.strip_prefix([' ', '\u{a0}']).unwrap_or(rest);
    let (letter, rest) = match rest.chars().next() {
        Some(c) if c.is_ascii_lowercase() => {
            let after = &rest[1..];
            let after = after.strip_prefix([' ', '\u{a0}'])?;
            (Some(c), after)
        }
        _ => (None, rest),
    };
    let mut rest = rest.strip_prefix('§')?;
    if rest.starts_with('§') {
        return None;
    }
    // `2 §2 I denna …`: a footnote number glued to the sign (the PDF reader takes out those
    // it can pair with their note); § is otherwise never followed by a digit.
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    if (1..=2).contains(&digits)
        && rest[digits..]
            .strip_prefix(' ')
            .is_some_and(|t| t.starts_with(char::is_uppercase))
    {
        rest = &rest[digits..];
    }
    let label = Label { num, letter };
    let consumed = line.len() - rest.len();
    Some((label, consumed))
}

/// `2 kap. Rubrik` (or `2 kap.` alone): the chapter label and the heading, when the line is
/// a whole chapter heading (see [`chapter_start`] and [`chapter_heading_complete`]).
pub(super) fn chapter_line(line: &str) -> Option<(Label, &str)> {
    chapter_start(line).filter(|(_, h)| chapter_heading_complete(h))
}

/// `2 kap. Rubrik`, `13 a kap. Rubrik` or `2 kap.` at the start of a line: the label and
/// the rest of the line as the heading, which starts with a capital and holds no `§`
/// (`5 kap. 6 § i ett ärende ...` is text). The heading may go on on the next line.
pub(super) fn chapter_start(line: &str) -> Option<(Label, &str)> {
    let (num, i) = leading_number(line.as_bytes());
    if i == 0 || i > 3 {
        return None;
    }
    let mut rest = line[i..].fast_trim_start();
    let mut letter = None;
    if let Some(c) = rest.chars().next()
        && c.is_ascii_lowercase()
        && rest[1..].starts_with(' ')
    {
        letter = Some(c);
        rest = rest[1..].fast_trim_start();
    }
    let rest = rest.strip_prefix("kap")?;
    let rest = rest.strip_prefix('.').unwrap_or(rest);
    if !(rest.is_empty() || rest.starts_with([' ', '\u{a0}'])) {
        return None;
    }
    let heading = rest.fast_trim();
    if heading.contains('§') {
        return None;
    }
    if !heading.is_empty() && !heading.starts_with(|c: char| c.is_uppercase()) {
        return None;
    }
    Some((Label { num, letter }, heading))
}

/// A chapter heading does not end like a clause that goes on: lists of chapters in a
/// paragraph (`2 kap. Allmänna bestämmelser, och`) end in `,`, `;`, `:`, `och` or `samt`.
pub(super) fn chapter_heading_complete(heading: &str) -> bool {
    !(heading.ends_with([',', ';', ':'])
        || heading.ends_with(" och")
        || heading.ends_with(" samt")
        || is_toc_entry(heading))
}

/// A line of a table of contents: dot leaders (`...` or `…`) before a page number at the
/// end (`1 kap. Allmänna bestämmelser ........ 7`). It names a heading; it is none.
pub(super) fn is_toc_entry(line: &str) -> bool {
    let t = line.fast_trim_end();
    let body = t.trim_end_matches(|c: char| c.is_ascii_digit());
    if body.len() == t.len() {
        return false;
    }
    let body = body.fast_trim_end();
    body.ends_with("...") || body.ends_with('…')
}

/// An avdelning or underavdelning heading as written: `AVD. A ÖVERGRIPANDE BESTÄMMELSER`,
/// `AVDELNING I. INLEDANDE BESTÄMMELSER`, `Underavdelning II Bostadsbidrag`, or a bare
/// roman numeral `II  Socialförsäkringsskyddet` (which heads an underavdelning when an
/// avdelning is open). Only the shape: whether it is one depends on what follows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct DivisionLine<'a> {
    /// `Some(1)` for `AVD.`/`Avdelning`, `Some(2)` for `Underavdelning`, `None` when bare.
    pub level: Option<u8>,
    /// As written (`A`, `II`), or the number of an ordinal (`1` for `Första avdelningen`).
    pub label: &'a str,
    pub heading: &'a str,
    /// `första` for `Första avdelningen` (Miljöbalken) or `FÖRSTA AVDELNINGEN` (Brottsbalken).
    pub ordinal: Option<&'static str>,
}

/// The longest ordinal of [`ORDINALS`] in bytes, in either case.
const ORDINAL_MAX_BYTES: usize = 9;

/// Ordinals that number avdelningar (`Första avdelningen`), with their numbers.
const ORDINALS: [(&str, &str); 20] = [
    ("första", "1"),
    ("andra", "2"),
    ("tredje", "3"),
    ("fjärde", "4"),
    ("femte", "5"),
    ("sjätte", "6"),
    ("sjunde", "7"),
    ("åttonde", "8"),
    ("nionde", "9"),
    ("tionde", "10"),
    ("elfte", "11"),
    ("tolfte", "12"),
    ("trettonde", "13"),
    ("fjortonde", "14"),
    ("femtonde", "15"),
    ("sextonde", "16"),
    ("sjuttonde", "17"),
    ("artonde", "18"),
    ("nittonde", "19"),
    ("tjugonde", "20"),
];

/// `Första avdelningen. Allmänna bestämmelser`, `FÖRSTA AVDELNINGEN` (heading on its own
/// line): the ordinal, its number and what follows the word `avdelningen`.
fn ordinal_division(t: &str) -> Option<(&'static str, &'static str, &str)> {
    // No ordinal is longer than nine bytes (`trettonde`, `ÅTTONDE`), so the first space is
    // looked for among the first ten only: this runs for every short block, and most start
    // with a longer word or none.
    let space = t
        .as_bytes()
        .iter()
        .take(ORDINAL_MAX_BYTES + 1)
        .position(|&b| b == b' ')?;
    let (word, rest) = (&t[..space], &t[space + 1..]);
    let rest = rest.fast_trim_start();
    let tail = rest
        .get(..11)
        .filter(|w| w.eq_ignore_ascii_case("avdelningen"))
        .map(|_| &rest[11..])?;
    let lower = word.to_lowercase();
    let (ordinal, number) = ORDINALS.iter().find(|(o, _)| *o == lower)?;
    Some((ordinal, number, tail))
}

impl DivisionLine<'_> {
    /// The heading is written in capitals (`ÖVERGRIPANDE BESTÄMMELSER`), as only headings are.
    pub fn capitals(&self) -> bool {
        self.heading.chars().any(char::is_alphabetic)
            && !self.heading.chars().any(char::is_lowercase)
    }
}

fn is_roman(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 7
        && s.bytes()
            .all(|b| matches!(b, b'I' | b'V' | b'X' | b'L' | b'C'))
}

pub(super) fn division_line(line: &str) -> Option<DivisionLine<'_>> {
    let t = line.fast_trim();
    if !t.starts_with(|c: char| c.is_uppercase()) {
        return None;
    }
    if let Some((ordinal, number, tail)) = ordinal_division(t) {
        let tail = tail.strip_prefix(['.', ':']).unwrap_or(tail);
        if !tail.is_empty() && !tail.starts_with(char::is_whitespace) {
            return None;
        }
        let heading = tail.fast_trim();
        let shaped = heading.is_empty()
            || (heading.starts_with(|c: char| c.is_uppercase())
                && !heading.contains('§')
                && !is_toc_entry(heading)
                && !heading.ends_with([',', ';', ':']));
        return shaped.then_some(DivisionLine {
            level: Some(1),
            label: number,
            heading,
            ordinal: Some(ordinal),
        });
    }
    // Every other form starts with one of these letters: most lines are refused here.
    if !t.starts_with(['A', 'U', 'I', 'V', 'X', 'L', 'C']) {
        return None;
    }
    let prefixes: [(&str, u8); 8] = [
        ("UNDERAVDELNING", 2),
        ("Underavdelning", 2),
        ("UNDERAVD.", 2),
        ("Underavd.", 2),
        ("AVDELNING", 1),
        ("Avdelning", 1),
        ("AVD.", 1),
        ("Avd.", 1),
    ];
    let prefixed = t.starts_with(['U', 'A']).then(|| {
        prefixes.iter().find_map(|(p, l)| {
            t.strip_prefix(p)
                .filter(|r| r.starts_with([' ', '\u{a0}']))
                .map(|r| (*l, r.fast_trim_start()))
        })
    });
    let (level, rest) = match prefixed.flatten() {
        Some((l, r)) => (Some(l), r),
        None => (None, t),
    };
    let ends_label = |c: char| c.is_whitespace() || c == '.' || c == ':';
    let end = match level {
        Some(_) => rest.find(ends_label).unwrap_or(rest.len()),
        // Without a prefix only a Roman numeral can be the label: the run of its letters,
        // which must end the word. Most lines that get here start with a word such as
        // `Arbetsgivaren` or `Vid`, refused at its second letter.
        None => {
            let n = rest
                .bytes()
                .take_while(|b| matches!(b, b'I' | b'V' | b'X' | b'L' | b'C'))
                .count();
            match rest[n..].chars().next() {
                Some(c) if !ends_label(c) => return None,
                _ => n,
            }
        }
    };
    let label = &rest[..end];
    let valid_label = is_roman(label)
        || (level.is_some()
            && ((label.len() == 1 && label.bytes().all(|b| b.is_ascii_uppercase()))
                || (!label.is_empty()
                    && label.len() <= 3
                    && label.bytes().all(|b| b.is_ascii_digit()))));
    if !valid_label {
        return None;
    }
    let after = &rest[end..];
    // `AVDELNING I. INLEDANDE`, `Avdelning I: Allmänna bestämmelser`.
    let after = after.strip_prefix(['.', ':']).unwrap_or(after);
    if !after.is_empty() && !after.starts_with(char::is_whitespace) {
        return None;
    }
    let heading = after.fast_trim();
    if heading.is_empty() {
        // `AVDELNING II` alone; a bare numeral alone is a punkt or a page number.
        return level.is_some().then_some(DivisionLine {
            level,
            label,
            heading,
            ordinal: None,
        });
    }
    if !heading.starts_with(|c: char| c.is_uppercase())
        || heading.contains('§')
        || is_toc_entry(heading)
        || (heading.ends_with(['.', ',', ';', ':']) && !heading.ends_with("m.m."))
    {
        return None;
    }
    Some(DivisionLine {
        level,
        label,
        heading,
        ordinal: None,
    })
}

/// `1.`, `2)`, `a)` at the start of a line: a punkt label and the text after it.
///
/// Asked of every line of a paragraph, most of which start with a capital or, wrapped, with
/// a word in lower case: those are told apart here, inline, and the rest of the reading is
/// left to [`punkt_label_and_rest`].
#[inline]
pub(super) fn punkt_at_start(line: &str) -> Option<(PunktLabel, &str)> {
    match line.as_bytes() {
        [d, ..] if d.is_ascii_digit() => punkt_label_and_rest(line),
        [c, b')', ..] if c.is_ascii_lowercase() => punkt_label_and_rest(line),
        _ => None,
    }
}

fn punkt_label_and_rest(line: &str) -> Option<(PunktLabel, &str)> {
    let (n, i) = leading_number(line.as_bytes());
    if i > 0 && i <= 2 {
        let rest = &line[i..];
        let rest = rest.strip_prefix('.').or_else(|| rest.strip_prefix(')'))?;
        if rest.starts_with(' ') || rest.is_empty() {
            return Some((PunktLabel::Number(n), rest.fast_trim_start()));
        }
        return None;
    }
    let c = line.chars().next()?;
    if c.is_ascii_lowercase() && line[1..].starts_with(") ") {
        return Some((PunktLabel::Letter(c), line[3..].fast_trim_start()));
    }
    None
}

pub(super) fn is_strecksats(line: &str) -> bool {
    line.starts_with("- ") || line.starts_with("– ") || line.starts_with("• ")
}

/// A rubrik is short, starts with a capital, and does not end like a sentence or clause.
pub(super) fn rubrik_shaped(text: &str) -> bool {
    let t = text.fast_trim();
    !t.is_empty()
        && t.len() <= 160
        && t.starts_with(|c: char| c.is_uppercase())
        && (!t.ends_with(['.', ',', ':', ';']) || t.ends_with("m.m."))
        && !t.contains('\t')
        && !is_toc_entry(t)
        && punkt_at_start(t).is_none()
        && paragraph_label_at_start(t).is_none()
}

/// What is left where a paragraph was: `Har upphävts genom lag (2021:123).`, or `Har
/// betecknats 23 a §` where it was given another label. Never wording.
pub(super) fn is_placeholder(text: &str) -> bool {
    text.starts_with("Har upphävts genom")
        || text.starts_with("har upphävts genom")
        || text.starts_with("Upphävd genom")
        || (text.starts_with("Har betecknats ") && text.len() < 80 && text.contains('§'))
}

/// A heading's line that cannot end the heading: its last word is one that leads into what
/// follows (a preposition, a conjunction, an article, `som`, `att`), or it ends with a comma
/// or a hyphen. The published texts wrap a long rubrik at about 60–65 columns, and the
/// wrapped part may start with a capital (`Försäkrade som vid vistelse utomlands ansetts
/// bosatta i` / `Sverige`): a line ending so is carried on by the next, not followed by a
/// heading of its own.
pub(super) fn heading_line_runs_on(line: &str) -> bool {
    let t = line.fast_trim_end();
    if t.ends_with([',', '-', '\u{2013}']) {
        return true;
    }
    let last = t.rsplit(' ').next().unwrap_or(t);
    // Only words that never close a Swedish heading; `m.m.`, nouns and participles do.
    matches!(
        last,
        "i" | "på"
            | "av"
            | "för"
            | "till"
            | "med"
            | "om"
            | "vid"
            | "från"
            | "mot"
            | "under"
            | "över"
            | "efter"
            | "enligt"
            | "inom"
            | "hos"
            | "genom"
            | "mellan"
            | "utan"
            | "ur"
            | "åt"
            | "bland"
            | "före"
            | "trots"
            | "och"
            | "eller"
            | "samt"
            | "men"
            | "att"
            | "som"
            | "en"
            | "ett"
            | "den"
            | "det"
            | "de"
    )
}

/// A rubrik as it stands directly above a paragraph, which may also end with a colon
/// (`Särskilda bestämmelser om tillsyn:`).
pub(super) fn heading_shaped(text: &str) -> bool {
    let t = text.fast_trim_end();
    rubrik_shaped(t.strip_suffix(':').unwrap_or(t))
}

/// `/Träder i kraft I:2026-01-15/` or `/Upphör att gälla U:2026-01-15/` at the start of `s`.
pub(super) fn marker(s: &str) -> Option<(bool, String, usize)> {
    // `/Ny beteckning 1 § U:2026-01-15/`: renumbered at that date; until then in force here.
    if let Some(rest) = s.strip_prefix("/Ny beteckning ")
        && let Some(u) = rest.find(" § U:")
        && let Some(end) = rest.find('/')
        && u < end
        && paragraph_label_at_start(&rest[..u + " §".len()]).is_some()
    {
        let date = &rest[u + " § U:".len()..end];
        return Some((
            false,
            format!("{date} (ny beteckning {} §)", &rest[..u]),
            "/Ny beteckning ".len() + end + 1,
        ));
    }
    for (prefix, from) in [
        ("/Träder i kraft I:", true),
        ("/Upphör att gälla U:", false),
    ] {
        if let Some(rest) = s.strip_prefix(prefix)
            && let Some(end) = rest.find('/')
        {
            let inner = &rest[..end];
            // Exact grammar: a date, optionally `genom lag (2025:1511).`, or `den dag
            // regeringen bestämmer`. Anything else between slashes is text.
            let is_date = |d: &str| {
                d.len() == 10
                    && d.bytes().enumerate().all(|(i, b)| {
                        if i == 4 || i == 7 {
                            b == b'-'
                        } else {
                            b.is_ascii_digit()
                        }
                    })
            };
            let date = inner.get(..10).filter(|d| is_date(d));
            let ok = match date {
                Some(_) => inner.len() == 10 || inner[10..].starts_with(" genom "),
                None => inner.starts_with("den dag"),
            };
            if ok {
                let shown = date.unwrap_or(inner).to_string();
                return Some((from, shown, prefix.len() + end + 1));
            }
        }
    }
    None
}

/// Strips a trailing amendment note (`Lag (2025:1511).`) and returns the SFS number; a
/// föreskrift's note (`… motordrift. (KIFS 2023:2)`) gives the number with its series.
pub(crate) fn strip_amendment_note(text: &mut String) -> Option<String> {
    if let Some(n) = strip_fs_note(text) {
        return Some(n);
    }
    let t = text.fast_trim_end();
    let t2 = t.strip_suffix(").")?;
    let year = trailing_number(t2.as_bytes())?;
    let open = year.checked_sub(1).filter(|&i| t2.as_bytes()[i] == b'(')?;
    let number = &t2[year..];
    let before = t2[..open].fast_trim_end();
    let kinds = [
        "Lag",
        "Förordning",
        "Kungörelse",
        "Föreskrift",
        "Föreskrifter",
        "Balk",
    ];
    let kind = kinds.iter().find(|k| before.ends_with(*k))?;
    let cut = before.len() - kind.len();
    // The note must stand as its own sentence.
    if cut > 0 && !before[..cut].ends_with(' ') {
        return None;
    }
    let number = number.to_string();
    let keep = before[..cut].fast_trim_end().len();
    text.truncate(keep);
    Some(number)
}

/// `(Upphör att gälla 2024-12-31)` or `(Träder i kraft 2025-01-01)` as a whole line, as
/// agencies mark the two versions of a paragraph in a consolidated föreskrift: whether it
/// dates the start (true) and the date.
pub(super) fn version_line(line: &str) -> Option<(bool, String)> {
    let inner = line.fast_trim().strip_prefix('(')?.strip_suffix(')')?;
    let (from, date) = if let Some(d) = inner.strip_prefix("Träder i kraft ") {
        (true, d)
    } else {
        (false, inner.strip_prefix("Upphör att gälla ")?)
    };
    let iso = date.len() == 10
        && date.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    iso.then(|| (from, date.to_string()))
}

/// Where the year of a number `2025:1511` ending `b` starts: four digits, a colon and at
/// least one digit, read from the end. Every paragraph's last text is asked whether it
/// ends with a note, and a search for the note's `(` from the end went back through the
/// whole of most of them: 1.1 M of the 81 M instructions of a diff of two versions of
/// Socialförsäkringsbalken.
fn trailing_number(b: &[u8]) -> Option<usize> {
    let digits = b.iter().rev().take_while(|c| c.is_ascii_digit()).count();
    let colon = b.len().checked_sub(digits + 1)?;
    if digits == 0 || b[colon] != b':' {
        return None;
    }
    let year = colon.checked_sub(4)?;
    b[year..colon]
        .iter()
        .all(u8::is_ascii_digit)
        .then_some(year)
}

/// `(KIFS 2023:2)` after the sentence it amended (or alone): the note's FS number.
fn strip_fs_note(text: &mut String) -> Option<String> {
    let t = text.fast_trim_end();
    let t = t.strip_suffix('.').unwrap_or(t).strip_suffix(')')?;
    let b = t.as_bytes();
    let year = trailing_number(b)?;
    let space = year.checked_sub(1).filter(|&i| b[i] == b' ')?;
    let series_len = b[..space]
        .iter()
        .rev()
        .take_while(|&&c| c.is_ascii_uppercase() || c == b'-')
        .count();
    let open = space
        .checked_sub(series_len + 1)
        .filter(|&i| b[i] == b'(')?;
    let series = &t[open + 1..space];
    let number = &t[year..];
    if series.len() < 3 || !series.ends_with("FS") {
        return None;
    }
    let before = t[..open].fast_trim_end();
    // Only a note standing as its own sentence: `enligt (KIFS 2023:2)` is a citation.
    if !(before.is_empty() || before.ends_with(['.', ';', ':'])) {
        return None;
    }
    let note = format!("{series} {number}");
    text.truncate(before.len());
    Some(note)
}

/// A rule drawn with underscores (`______________`) between the text and the signature.
pub(super) fn is_rule(t: &str) -> bool {
    let t = t.fast_trim();
    t.len() >= 3 && t.bytes().all(|b| b == b'_')
}

pub(super) fn is_rubrik_marker(t: &str) -> bool {
    let t = t.fast_trim();
    (t.starts_with("/Rubriken träder i kraft I:") || t.starts_with("/Rubriken upphör att gälla U:"))
        && t.ends_with('/')
}

/// `... 19 §` at the end of a heading: the label and the heading's trimmed length.
pub(super) fn last_label(s: &str) -> Option<(Label, usize)> {
    let t = s.fast_trim_end();
    let body = t.strip_suffix('§')?.fast_trim_end();
    let (rest, last) = body.rsplit_once(' ')?;
    let label = if last.len() == 1 && last.chars().all(|c| c.is_ascii_lowercase()) {
        let (_, num) = rest.rsplit_once(' ')?;
        Label {
            num: num.parse().ok()?,
            letter: last.chars().next(),
        }
    } else {
        Label::new(last.parse().ok()?)
    };
    Some((label, t.len()))
}

pub(super) fn prefix(s: &str, n: usize) -> &str {
    match s.char_indices().nth(n) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

pub(super) fn is_sfs_number(t: &str) -> bool {
    let t = t.fast_trim();
    let Some((y, n)) = t.split_once(':') else {
        return false;
    };
    y.len() == 4
        && y.bytes().all(|b| b.is_ascii_digit())
        && !n.is_empty()
        && n.len() <= 5
        && n.bytes().all(|b| b.is_ascii_digit())
}

/// `Denna författning träder i kraft den …`, `1. Dessa föreskrifter träder i kraft …`: the
/// first of the transitional provisions, whether or not a heading stands above it.
pub(super) fn is_in_force_clause(line: &str) -> bool {
    let t = line.fast_trim();
    let t = punkt_at_start(t).map_or(t, |(_, rest)| rest);
    if !(t.starts_with("Denna ") || t.starts_with("Dessa ")) {
        return false;
    }
    let head: String = t.split_whitespace().take(9).collect::<Vec<_>>().join(" ");
    head.contains(" träder i kraft")
}

/// What an allmänna råd heading names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum ArTarget {
    /// A paragraph of this regulation: `till 4 §`, `Till 2 kap. 9 §`.
    Paragraph(Option<Label>, Label),
    /// A provision of another act: `till 7 § förordning (2022:524) om …`.
    Other,
}

/// An allmänna råd heading: `Allmänna råd` (`Allmänt råd`, with or without a colon),
/// `Allmänna råd till 4 §`, `Allmänna råd till 7 § förordning (2022:524) om …`, or `Till
/// 2 kap. 9 §` alone, as a trailing part of advice keyed by paragraph heads each group.
/// `Some(None)` for a heading that names nothing, `Some(Some(target))` for one that does.
pub(super) fn allmanna_rad_heading(t: &str) -> Option<Option<ArTarget>> {
    let t = t.fast_trim().trim_end_matches(':').fast_trim_end();
    if t.len() > 200 {
        return None;
    }
    let rest = ["Allmänna råd", "Allmänt råd", "ALLMÄNNA RÅD"]
        .iter()
        .find_map(|h| t.strip_prefix(h));
    let rest = match rest {
        Some("") => return Some(None),
        Some(r) => r.strip_prefix(" till ")?,
        // `Till 3 §` alone heads advice only when it names nothing but a paragraph.
        None => {
            let r = t.strip_prefix("Till ")?;
            return match ar_target(r)? {
                ArTarget::Paragraph(k, p) => Some(Some(ArTarget::Paragraph(k, p))),
                ArTarget::Other => None,
            };
        }
    };
    Some(Some(ar_target(rest).unwrap_or(ArTarget::Other)))
}

/// `4 §`, `2 kap. 9 §`, `7 § förordning (2022:524)`: the paragraph named, or another act's.
fn ar_target(r: &str) -> Option<ArTarget> {
    let r = r.fast_trim();
    // `2 kap. ` or `2 a kap. ` before the paragraph.
    let (kap, r) = match r.find(" kap. ") {
        Some(at) if at <= 6 => {
            let head = &r[..at];
            let (num, letter) = match head.split_once(' ') {
                Some((n, l)) if l.len() == 1 && l.bytes().all(|b| b.is_ascii_lowercase()) => {
                    (n, l.chars().next())
                }
                _ => (head, None),
            };
            let num: u32 = num.parse().ok()?;
            (Some(Label { num, letter }), &r[at + " kap. ".len()..])
        }
        _ => (None, r),
    };
    let (label, end) = paragraph_label_at_start(r)?;
    if r[end..].fast_trim().is_empty() {
        Some(ArTarget::Paragraph(kap, label))
    } else {
        Some(ArTarget::Other)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A note is the last sentence alone, `Lag (YYYY:N).` or `(SERIES YYYY:N)`, read from the
    /// end; anything else stays text, untouched.
    #[test]
    fn amendment_notes_are_read_from_the_end_and_nothing_else_is() {
        let strip = |s: &str| {
            let mut t = s.to_string();
            let n = strip_amendment_note(&mut t);
            (t, n)
        };
        let kept = |s: &str| (s.to_string(), None);
        let cut = |t: &str, n: &str| (t.to_string(), Some(n.to_string()));
        for (text, want) in [
            ("Text. Lag (2025:1511).", cut("Text.", "2025:1511")),
            (
                "Text.  Förordning (2022:1174).  ",
                cut("Text.", "2022:1174"),
            ),
            ("Lag (2024:1).", cut("", "2024:1")),
            (
                "Text (se 2 §). Balk (1998:808).",
                cut("Text (se 2 §).", "1998:808"),
            ),
            ("Se lag (2025:1510).", kept("Se lag (2025:1510).")),
            ("Text. Lag(2025:1511).", cut("Text.", "2025:1511")),
            ("Text. Lag (225:1511).", kept("Text. Lag (225:1511).")),
            ("Text. Lag (12025:1511).", kept("Text. Lag (12025:1511).")),
            ("Text. Lag (2025:).", kept("Text. Lag (2025:).")),
            ("Text. Lag (2025:15a11).", kept("Text. Lag (2025:15a11).")),
            ("Text. Lag 2025:1511).", kept("Text. Lag 2025:1511).")),
            ("Text. Lag (2025:1511)", kept("Text. Lag (2025:1511)")),
            (
                "Text. Tabell (2025:1511).",
                kept("Text. Tabell (2025:1511)."),
            ),
            ("Text. (KIFS 2023:2)", cut("Text.", "KIFS 2023:2")),
            ("Text. (HSLF-FS 2021:58).", cut("Text.", "HSLF-FS 2021:58")),
            ("(AFS 2023:11)", cut("", "AFS 2023:11")),
            ("Enligt (KIFS 2023:2)", kept("Enligt (KIFS 2023:2)")),
            ("Text. (FS 2023:2)", kept("Text. (FS 2023:2)")),
            ("Text. (KIFs 2023:2)", kept("Text. (KIFs 2023:2)")),
            ("Text. (KIFS  2023:2)", kept("Text. (KIFS  2023:2)")),
            ("Text. (KI FS 2023:2)", kept("Text. (KI FS 2023:2)")),
            ("Text. (ÅKFS 2023:2)", kept("Text. (ÅKFS 2023:2)")),
            ("Text. KIFS 2023:2)", kept("Text. KIFS 2023:2)")),
            ("2023:2", kept("2023:2")),
            ("", kept("")),
        ] {
            assert_eq!(strip(text), want, "{text:?}");
        }
    }

    #[test]
    fn labels_glued_to_text_or_to_a_footnote_number_are_read() {
        fn l(s: &str) -> Option<(Label, &str)> {
            paragraph_label_at_start(s).map(|(l, e)| (l, &s[e..]))
        }
        assert_eq!(l("1§ Denna"), Some((Label::new(1), " Denna")));
        assert_eq!(l("2 §2 I denna"), Some((Label::new(2), " I denna")));
        assert_eq!(l("3 §"), Some((Label::new(3), "")));
        // A digit after the sign that is no footnote stays where it is (and is refused as
        // a paragraph's start by what follows).
        assert_eq!(l("7 §2 st."), Some((Label::new(7), "2 st.")));
        assert!(is_rule("______________"));
        assert!(!is_rule("__"));
    }

    #[test]
    fn allmanna_rad_headings_name_their_paragraph() {
        let p = |k: Option<u32>, n: u32| {
            Some(Some(ArTarget::Paragraph(k.map(Label::new), Label::new(n))))
        };
        assert_eq!(allmanna_rad_heading("Allmänna råd"), Some(None));
        assert_eq!(allmanna_rad_heading("Allmänt råd:"), Some(None));
        assert_eq!(allmanna_rad_heading("Allmänna råd till 4 §"), p(None, 4));
        assert_eq!(allmanna_rad_heading("Till 2 kap. 9 §"), p(Some(2), 9));
        assert_eq!(
            allmanna_rad_heading("Allmänna råd till 7 § förordning (2022:524) om statliga"),
            Some(Some(ArTarget::Other))
        );
        assert_eq!(allmanna_rad_heading("Till 2 kap. 2 § miljöbalken"), None);
        assert_eq!(
            allmanna_rad_heading("Allmänna råd har en annan juridisk status."),
            None
        );
        assert_eq!(
            allmanna_rad_heading("Allmänna råden hänför sig till listan"),
            None
        );
    }

    #[test]
    fn an_in_force_clause_opens_the_transitional_provisions() {
        assert!(is_in_force_clause(
            "1. Denna författning träder i kraft den 1 augusti 2020."
        ));
        assert!(is_in_force_clause(
            "Dessa föreskrifter och allmänna råd träder i kraft den"
        ));
        assert!(!is_in_force_clause("Denna paragraf gäller inte den som"));
        assert!(!is_in_force_clause("2. Rörledningar som installerats före"));
    }
}

//! Stage 2a, structure: the first page's facts about a regulation (issuer, FS number,
//! title, `beslutade den`, `Utkom från trycket den`, the bemyndigande, whether it is a draft
//! and whether it amends another regulation), read from the title, the preamble and the
//! margin notes the PDF reader keeps.

use super::tree::{Amends, Metadata, Regulation, TextPart};
use crate::source::{Note, NoteKind, Span};

/// Words that mark a draft, as printed on a remiss version's first page.
const DRAFT_MARKS: [&str; 4] = ["förslag till", "remissversion", "remissutkast", "utkast"];

/// Fills in `reg.metadata`, and makes `reg.title` the regulation's own title where the
/// first block was the series' name (`Myndigheten för … författningssamling`).
pub(super) fn read(reg: &mut Regulation, notes: &[Note]) {
    let first_structure = first_structure_line(reg);
    let front = |p: &TextPart| first_structure.is_none_or(|l| p.span.line < l);
    retitle(reg, first_structure);
    // A margin block's `Utkom från trycket` printed on a title line is no part of the title
    // (its date is kept with the block, as a note).
    if let Some(t) = &mut reg.title
        && let Some(at) = t.text.find(" Utkom från trycket")
    {
        t.text
            .replace_range(at..at + " Utkom från trycket".len(), "");
    }
    // `…föreskrifter om X;` / `beslutade den …`: the semicolon joins the title to the date
    // and is no part of the title.
    if let Some(t) = &mut reg.title
        && t.text.trim_end().ends_with(';')
    {
        let keep = t.text.trim_end().trim_end_matches(';').trim_end().len();
        t.text.truncate(keep);
    }
    let mut m = Metadata::default();
    let parts: Vec<&TextPart> = reg
        .title
        .iter()
        .chain(reg.preamble.iter().filter(|p| front(p)))
        .collect();
    // The earliest page the regulation's own text starts on: margin notes there are its.
    let first_page = reg.title.as_ref().and_then(|t| t.span.page);
    let margin: Vec<&Note> = notes
        .iter()
        .filter(|n| n.kind == NoteKind::Margin && first_page.is_none_or(|p| n.page <= p + 1))
        .collect();

    for p in &parts {
        if m.decided.is_none()
            && let Some(d) = after_words(&p.text, "beslutade den ")
        {
            m.decided = Some(part(date_of(d), p.span));
        }
        if m.published.is_none()
            && let Some(d) = after_words(&p.text, "utkom från trycket den ")
        {
            m.published = Some(part(date_of(d), p.span));
        }
        if m.bemyndigande.is_none()
            && let Some(b) = bemyndigande(&p.text)
        {
            m.bemyndigande = Some(part(b.to_string(), p.span));
            if let Some(at) = p.text.find(" föreskriver") {
                let who = p.text[..at].trim();
                if who.starts_with(char::is_uppercase) && who.len() <= 120 && !who.contains('.') {
                    m.issuer = Some(part(who.to_string(), p.span));
                }
            }
        }
        if m.draft.is_none()
            && let Some(w) = draft_mark(&p.text)
        {
            m.draft = Some(part(w.to_string(), p.span));
        }
    }
    for n in &margin {
        let span = Span {
            page: Some(n.page),
            ..Span::default()
        };
        if m.fs_number.is_none()
            && let Some((a, b)) = fs_number_in(&n.text)
        {
            m.fs_number = Some(part(n.text[a..b].to_string(), span));
        }
        if m.published.is_none()
            && let Some(d) = after_words(&n.text, "utkom från trycket den ")
        {
            m.published = Some(part(date_of(d), span));
        }
        if m.draft.is_none()
            && let Some(w) = draft_mark(&n.text)
        {
            m.draft = Some(part(w.to_string(), span));
        }
    }
    if let Some(t) = &reg.title {
        m.amends = amends(t);
        if m.issuer.is_none() {
            m.issuer = issuer_of_title(&t.text).map(|i| part(i, t.span));
        }
    }
    if m.fs_number.is_none() {
        // The regulation's own number: in its title unless the title names a base, else
        // on a line of its own on the first page.
        m.fs_number = parts.iter().find_map(|p| {
            let in_title = reg.title.as_ref().is_some_and(|t| std::ptr::eq(*p, t));
            if in_title && m.amends.is_some() {
                return None;
            }
            let (a, b) = fs_number_in(&p.text)?;
            (in_title || p.text.trim().len() <= b - a + 2)
                .then(|| part(p.text[a..b].to_string(), p.span))
        });
    }
    // `Utkom från trycket den 9 februari`: some margin blocks leave the year to the FS number
    // above them. It is the decision's year (the next one if the month comes earlier in the
    // year than the decision's), else the FS number's.
    if let Some(p) = &mut m.published
        && year_of(&p.text).is_none()
        && let Some(month) = month_of(&p.text)
    {
        let from_decision = m.decided.as_ref().and_then(|d| {
            let year = year_of(&d.text)?;
            let decided_in = month_of(&d.text)?;
            Some(if month < decided_in { year + 1 } else { year })
        });
        let from_number = m
            .fs_number
            .as_ref()
            .and_then(|f| f.text.rsplit_once(' '))
            .and_then(|(_, n)| n.split_once(':'))
            .and_then(|(y, _)| y.parse::<u32>().ok());
        if let Some(year) = from_decision.or(from_number) {
            p.text = format!("{} {year}", p.text.trim_end());
        }
    }
    reg.metadata = m;
}

/// The month (1–12) a date names: `9 februari` → 2.
fn month_of(date: &str) -> Option<usize> {
    date.split_whitespace()
        .find_map(|w| {
            crate::cite::MONTHS
                .iter()
                .position(|m| w.eq_ignore_ascii_case(m))
        })
        .map(|i| i + 1)
}

/// The year a date names: `27 januari 2026` → 2026.
fn year_of(date: &str) -> Option<u32> {
    date.split_whitespace()
        .find(|w| w.len() == 4 && w.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|w| w.parse().ok())
}

fn part(text: String, span: Span) -> TextPart {
    TextPart { text, span }
}

/// The line of the first chapter or paragraph: what comes before it is the front matter.
fn first_structure_line(reg: &Regulation) -> Option<u32> {
    let k = reg
        .kapitel
        .iter()
        .find(|k| k.label.is_some())
        .map(|k| k.span.line);
    let p = reg.paragraphs().next().map(|p| p.span.line);
    match (k, p) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// The regulation's title is the block directly before `beslutade den` (or `Utfärdad den`);
/// a series name or a cover page read as the title goes back into the preamble.
fn retitle(reg: &mut Regulation, first_structure: Option<u32>) {
    let Some(at) = reg.preamble.iter().position(|p| {
        first_structure.is_none_or(|l| p.span.line < l) && {
            let t = p.text.trim_start().to_lowercase();
            t.starts_with("beslutade den") || t.starts_with("utfärdad den")
        }
    }) else {
        retitle_without_decision(reg, first_structure);
        return;
    };
    if at == 0 {
        return;
    }
    let candidate = &reg.preamble[at - 1];
    let shaped = candidate.text.trim_end().ends_with(';')
        || candidate.text.contains("föreskrifter")
        || candidate.text.to_lowercase().contains("om ändring i");
    if !shaped || candidate.text.len() > 600 {
        return;
    }
    take_as_title(reg, at - 1);
}

/// A consolidated text (`Konsoliderad med ändringsföreskrifter …`, `Föreskrifterna senast
/// ändrade t.o.m. …`) has no `beslutade den`. When what was read as its title cannot be one
/// (a series name, `… författningssamling`, or a notice in whole sentences printed above
/// it), the title is the first block of the front matter that names the act as a title
/// does: `Naturvårdsverkets föreskrifter om deponering …;`.
fn retitle_without_decision(reg: &mut Regulation, first_structure: Option<u32>) {
    let not_a_title = reg.title.as_ref().is_none_or(|t| {
        let t = t.text.trim_end();
        t.to_lowercase().ends_with("författningssamling") || t.ends_with('.')
    });
    if !not_a_title {
        return;
    }
    let Some(at) = reg.preamble.iter().position(|p| {
        let t = p.text.trim_end();
        first_structure.is_none_or(|l| p.span.line < l)
            && t.len() <= 600
            && t.starts_with(char::is_uppercase)
            && (t.contains("föreskrifter") || t.contains("allmänna råd"))
            && (t.ends_with(';') || t.contains(" om ") && !t.ends_with(['.', ':']))
    }) else {
        return;
    };
    take_as_title(reg, at);
}

/// The preamble's block `at` becomes the title; what was read as the title goes back to the
/// front of the preamble.
fn take_as_title(reg: &mut Regulation, at: usize) {
    let new_title = reg.preamble.remove(at);
    if let Some(old) = reg.title.replace(new_title) {
        reg.preamble.insert(0, old);
    }
}

/// The text after `words` (matched without regard to case) at the start of `text` or after
/// a sentence's end.
fn after_words<'a>(text: &'a str, words: &str) -> Option<&'a str> {
    let lower = text.to_lowercase();
    // Lower-casing keeps byte offsets for the Swedish letters and ASCII (same lengths).
    if lower.len() != text.len() {
        return None;
    }
    let mut from = 0;
    while let Some(i) = lower[from..].find(words) {
        let at = from + i;
        let before = text[..at].trim_end();
        if before.is_empty() || before.ends_with(['.', ';', ':']) || !before.contains(' ') {
            return Some(&text[at + words.len()..]);
        }
        // `… trycket` as a margin block's last words on a title line.
        if words.starts_with("utkom") {
            return Some(&text[at + words.len()..]);
        }
        from = at + words.len();
    }
    None
}

/// `17 mars 2020.` → `17 mars 2020`: up to the sentence's end.
fn date_of(s: &str) -> String {
    let s = s.trim_start();
    let end = s
        .find(['.', ';', ','])
        .filter(|&i| !s[i + 1..].starts_with(|c: char| c.is_ascii_digit()))
        .unwrap_or(s.len());
    // A date is a few words: `17 mars 2020`, `xx 2026`.
    s[..end]
        .split_whitespace()
        .take(3)
        .collect::<Vec<_>>()
        .join(" ")
}

/// `med stöd av 25 § förordningen (2010:1075) om brandfarliga och explosiva varor`: from
/// `med stöd av` to where the sentence goes on with what is decided (`och beslutar`,
/// `dels att`, `att`) or ends.
fn bemyndigande(text: &str) -> Option<&str> {
    let at = text.find("med stöd av ")?;
    let rest = &text[at..];
    let mut end = rest.len();
    for stop in [
        ", och beslutar",
        " och beslutar",
        ", och meddelar",
        " och meddelar",
        " dels att",
        " dels ",
        " följande.",
        " att ",
    ] {
        if let Some(i) = rest.find(stop) {
            end = end.min(i);
        }
    }
    // A full stop that ends the sentence: followed by a space and a capital, or the end.
    let b = rest.as_bytes();
    for (i, &c) in b.iter().enumerate().take(end) {
        if c == b'.'
            && (i + 1 == b.len()
                || (b[i + 1] == b' ' && rest[i + 2..].starts_with(char::is_uppercase)))
        {
            end = i;
            break;
        }
    }
    let s = rest[..end].trim_end().trim_end_matches(',');
    (s.len() > "med stöd av ".len()).then_some(s)
}

/// `Förslag till`, `Remissversion`, `Utkast` as a word of their own: the words as printed.
fn draft_mark(text: &str) -> Option<&str> {
    let lower = text.to_lowercase();
    if lower.len() != text.len() {
        return None;
    }
    for w in DRAFT_MARKS {
        let mut from = 0;
        while let Some(i) = lower[from..].find(w) {
            let at = from + i;
            let end = at + w.len();
            let starts = at == 0 || !lower[..at].ends_with(char::is_alphanumeric);
            let ends = end == lower.len() || !lower[end..].starts_with(char::is_alphanumeric);
            // `Förslag till` opens the title; the other words stand alone anywhere.
            let placed = w != "förslag till" || text[..at].trim().is_empty();
            if starts && ends && placed {
                return Some(&text[at..end]);
            }
            from = end;
        }
    }
    None
}

/// An FS number (`MSBFS 2020:1`, `AFS 2023:10`, `HSLF-FS 2016:40`, a draft's `MSBFS
/// 2026:xx`): its byte range in `s`.
pub(super) fn fs_number_in(s: &str) -> Option<(usize, usize)> {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        // A word made of capitals and hyphens ending in `FS`.
        if b[i].is_ascii_uppercase() && (i == 0 || !b[i - 1].is_ascii_alphanumeric()) {
            let start = i;
            let mut j = i;
            while j < b.len() && (b[j].is_ascii_uppercase() || b[j] == b'-') {
                j += 1;
            }
            let word = &s[start..j];
            if word.len() >= 3 && word.ends_with("FS") && j < b.len() && b[j] == b' ' {
                let y = j + 1;
                let mut k = y;
                while k < b.len() && b[k].is_ascii_digit() {
                    k += 1;
                }
                if k - y == 4 && k < b.len() && b[k] == b':' {
                    let n = k + 1;
                    let mut e = n;
                    while e < b.len() && (b[e].is_ascii_digit() || b[e] == b'x' || b[e] == b'X') {
                        e += 1;
                    }
                    if e > n {
                        return Some((start, e));
                    }
                }
            }
            i = j.max(i + 1);
        } else {
            i += 1;
        }
    }
    None
}

/// `föreskrifter om ändring i Myndigheten för … föreskrifter (MSBFS 2010:4) om …;`: the
/// base as the title names it, and its number.
fn amends(title: &TextPart) -> Option<Amends> {
    let lower = title.text.to_lowercase();
    if lower.len() != title.text.len() {
        return None;
    }
    let key = "om ändring i ";
    let at = lower.find(key)?;
    let base = title.text[at + key.len()..]
        .trim()
        .trim_end_matches([';', '.'])
        .trim_end();
    let number = match fs_number_in(base) {
        Some((a, b)) => Some(base[a..b].to_string()),
        // An act of the government's collection: `miljötillsynsförordningen (2011:13)`.
        None => sfs_number_in(base).map(|n| format!("SFS {n}")),
    };
    Some(Amends {
        text: base.to_string(),
        number,
        span: title.span,
    })
}

/// `(2011:13)`: the first SFS number in parentheses.
fn sfs_number_in(s: &str) -> Option<&str> {
    let mut from = 0;
    while let Some(i) = s[from..].find('(') {
        let at = from + i + 1;
        let end = s[at..].find(')').map(|e| at + e)?;
        let inner = &s[at..end];
        if let Some((y, n)) = inner.split_once(':')
            && y.len() == 4
            && y.bytes().all(|c| c.is_ascii_digit())
            && !n.is_empty()
            && n.bytes().all(|c| c.is_ascii_digit())
        {
            return Some(inner);
        }
        from = end;
    }
    None
}

/// `Arbetsmiljöverkets föreskrifter …` → `Arbetsmiljöverket`: the genitive before
/// `föreskrifter`, without its `s`.
fn issuer_of_title(title: &str) -> Option<String> {
    let at = title.find(" föreskrifter")?;
    let who = title[..at].trim();
    let who = who.strip_prefix("Förslag till ").unwrap_or(who);
    let stem = who.strip_suffix('s')?;
    (stem.starts_with(char::is_uppercase) && stem.len() <= 120).then(|| stem.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fs_numbers_are_found_in_running_text() {
        let s = "Föreskrifter om ändring i (MSBFS 2010:4) om";
        assert_eq!(fs_number_in(s).map(|(a, b)| &s[a..b]), Some("MSBFS 2010:4"));
        let s = "HSLF-FS 2016:40 och AFS 2023:10";
        assert_eq!(
            fs_number_in(s).map(|(a, b)| &s[a..b]),
            Some("HSLF-FS 2016:40")
        );
        let s = "MSBFS 2026:xx";
        assert_eq!(
            fs_number_in(s).map(|(a, b)| &s[a..b]),
            Some("MSBFS 2026:xx")
        );
        assert_eq!(fs_number_in("SFS 2025"), None);
        assert_eq!(fs_number_in("förordningen (2010:1075)"), None);
    }

    #[test]
    fn the_bemyndigande_ends_where_the_decision_begins() {
        assert_eq!(
            bemyndigande(
                "Myndigheten för samhällsskydd och beredskap föreskriver följande med stöd av 25 § förordningen (2010:1075) om brandfarliga och explosiva varor, och beslutar följande allmänna råd."
            ),
            Some("med stöd av 25 § förordningen (2010:1075) om brandfarliga och explosiva varor")
        );
        assert_eq!(
            bemyndigande(
                "Arbetsmiljöverket föreskriver följande med stöd av 18 § arbetsmiljöförordningen (1977:1166) och 6 § andra stycket förordning (2011:811) om ackreditering och teknisk kontroll."
            ),
            Some(
                "med stöd av 18 § arbetsmiljöförordningen (1977:1166) och 6 § andra stycket förordning (2011:811) om ackreditering och teknisk kontroll"
            )
        );
        assert_eq!(
            bemyndigande(
                "MSB föreskriver med stöd av 25 § förordningen (2010:1075) om varor dels att 1 kap. 2 § ska ha följande lydelse"
            ),
            Some("med stöd av 25 § förordningen (2010:1075) om varor")
        );
        assert_eq!(bemyndigande("Regeringen föreskriver att 2 kap. 19 §"), None);
    }

    #[test]
    fn draft_marks_are_whole_words() {
        assert_eq!(
            draft_mark("Förslag till Myndigheten för"),
            Some("Förslag till")
        );
        assert_eq!(
            draft_mark("REMISSVERSION 2026-01-15"),
            Some("REMISSVERSION")
        );
        assert_eq!(draft_mark("Utkast 3"), Some("Utkast"));
        assert_eq!(draft_mark("Ett förslag till ändring"), None);
        assert_eq!(draft_mark("utkastet"), None);
    }

    #[test]
    fn dates_are_a_few_words_up_to_the_full_stop() {
        assert_eq!(date_of("17 mars 2020."), "17 mars 2020");
        assert_eq!(date_of(" xx 2026."), "xx 2026");
        assert_eq!(date_of("9 januari 2026 MCFFS 2026:1"), "9 januari 2026");
    }

    #[test]
    fn the_base_of_an_amendment_is_named_with_its_number() {
        let t = TextPart {
            text: "Föreskrifter om ändring i Myndigheten för samhällsskydd och beredskaps föreskrifter (MSBFS 2010:4) om vilka varor som ska anses utgöra brandfarliga eller explosiva varor;".into(),
            span: Span::default(),
        };
        let a = amends(&t).unwrap();
        assert_eq!(a.number.as_deref(), Some("MSBFS 2010:4"));
        assert!(a.text.starts_with("Myndigheten för samhällsskydd"));
        assert!(a.text.ends_with("explosiva varor"));
        let t = TextPart {
            text: "Förordning om ändring i miljötillsynsförordningen (2011:13)".into(),
            span: Span::default(),
        };
        assert_eq!(amends(&t).unwrap().number.as_deref(), Some("SFS 2011:13"));
        let t = TextPart {
            text: "Arbetsmiljöverkets föreskrifter om produkter;".into(),
            span: Span::default(),
        };
        assert!(amends(&t).is_none());
        assert_eq!(
            issuer_of_title(&t.text).as_deref(),
            Some("Arbetsmiljöverket")
        );
    }
}

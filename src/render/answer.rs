//! Stage 6, rendering an answer's positions for `remiss stances` (a terminal table, a
//! Swedish Markdown table, TSV) and its defects for `remiss check`.

use super::{escape, sv};
use crate::address::Address;
use crate::answer::Respondent;
use crate::answer::stance::{Row, Stance, StanceTable, Target};
use crate::report::{Finding, FindingKind};
use std::fmt::Write as _;

fn flags_of(r: &Row) -> String {
    if r.flags.is_empty() {
        "-".into()
    } else {
        r.flags
            .iter()
            .map(|f| f.as_str())
            .collect::<Vec<_>>()
            .join(",")
    }
}

fn lines_of(r: &Row) -> String {
    let mut lines: Vec<u32> = r.evidence.iter().map(|e| e.line).collect();
    lines.dedup();
    join_lines(&lines)
}

fn join_lines(lines: &[u32]) -> String {
    lines
        .iter()
        .map(|l| l.to_string())
        .collect::<Vec<_>>()
        .join(",")
}

/// One line per draft paragraph and per other target: `id<TAB>stance<TAB>flags<TAB>lines`.
pub fn tsv(t: &StanceTable) -> String {
    let not: Vec<Row> = t
        .not_addressed
        .iter()
        .map(|a| Row {
            target: Target::Place { address: *a },
            id: a.id(),
            display: a.display(),
            stance: Stance::NotAddressed,
            flags: Vec::new(),
            evidence: Vec::new(),
            inferred: None,
            unresolved: None,
            conflict: false,
            uncertain: None,
        })
        .collect();
    // The proposal, the draft's places by address (paragraphs not addressed among them),
    // targets outside the draft in order of appearance, the konsekvensutredning.
    let mut rows: Vec<(usize, &Row)> = t.rows.iter().chain(not.iter()).enumerate().collect();
    rows.sort_by_key(|(i, r)| match &r.target {
        Target::Document => (0, Address::default(), 0),
        Target::Place { address } => (1, *address, 0),
        Target::Konsekvensutredning => (3, Address::default(), 0),
        _ => (2, Address::default(), *i),
    });
    let mut s = String::new();
    // Lines starting with `#` are about the answer, not a target.
    if let Some(r) = &t.meta.respondent {
        let _ = writeln!(
            s,
            "#respondent\t{}\t{}\t{}",
            respondent_name(r),
            r.named_by.as_str(),
            r.line
        );
    }
    for (_, r) in rows {
        let ev = lines_of(r);
        let _ = writeln!(
            s,
            "{}\t{}\t{}\t{}",
            r.id,
            r.stance.as_str(),
            flags_of(r),
            if ev.is_empty() { "-".into() } else { ev }
        );
    }
    for rep in &t.reported {
        for r in &rep.rows {
            let _ = writeln!(
                s,
                "#reported\t{}\t{}\t{}\t{}\t{}",
                rep.body,
                r.id,
                r.stance.as_str(),
                flags_of(r),
                lines_of(r)
            );
        }
    }
    s
}

/// `Stockholms stad (Stadsledningskontoret)`, `Myndigheten för digital förvaltning (Digg)`.
fn respondent_name(r: &Respondent) -> String {
    let mut extra: Vec<&str> = r.office.iter().map(String::as_str).collect();
    extra.extend(r.aliases.iter().map(String::as_str));
    if extra.is_empty() {
        r.name.clone()
    } else {
        format!("{} ({})", r.name, extra.join(", "))
    }
}

fn header(t: &StanceTable, s: &mut String) {
    let m = &t.meta;
    let _ = writeln!(s, "Answer: {}", t.source);
    if let Some(r) = &m.respondent {
        let _ = writeln!(
            s,
            "Respondent: {} [{}]",
            respondent_name(r),
            r.named_by.describe(r.line)
        );
    } else if let Some(b) = &m.body {
        let _ = writeln!(
            s,
            "Respondent: {b}{}",
            m.office
                .as_deref()
                .map(|o| format!(" ({o})"))
                .unwrap_or_default()
        );
    } else if let Some(o) = &m.office {
        let _ = writeln!(s, "Respondent: {o}");
    }
    if let Some(c) = &m.case_number {
        let _ = writeln!(s, "Case number: {} (line {})", c.text, c.line);
    }
    if !m.dates.is_empty() {
        let dates: Vec<&str> = m.dates.iter().map(|d| d.text.as_str()).collect();
        let _ = writeln!(s, "Dates: {}", dates.join(", "));
    }
    if let Some(title) = &m.remiss_title {
        let _ = writeln!(s, "Remiss: {title}");
    }
    if let Some(sender) = &m.sender {
        let _ = writeln!(s, "Sender: {sender}");
    }
}

/// The terminal table: the metadata, then one line per target with its evidence lines.
pub fn text(t: &StanceTable) -> String {
    let mut s = String::new();
    header(t, &mut s);
    s.push('\n');
    for r in &t.rows {
        let mut extra = String::new();
        if let Some(w) = &r.inferred {
            let _ = write!(extra, "  [inferred from topic: {}]", w.join(", "));
        }
        if let Some(u) = &r.unresolved {
            let _ = write!(extra, "  [unresolved: {u}]");
        }
        if r.conflict {
            extra.push_str("  [conflicting stances]");
        }
        if let Some(u) = &r.uncertain {
            let _ = write!(extra, "  [uncertain: {u}]");
        }
        row_lines(&mut s, r, &extra);
    }
    for rep in &t.reported {
        let _ = writeln!(
            s,
            "\nReported, not the respondent's: positions of {}{}",
            rep.body,
            rep.reporter
                .as_deref()
                .map(|r| format!(" as {r} reports them"))
                .unwrap_or_default()
        );
        for r in &rep.rows {
            row_lines(&mut s, r, "");
        }
    }
    if t.against_draft {
        let _ = writeln!(
            s,
            "\nNot addressed ({}): {}",
            t.not_addressed.len(),
            group_addresses(&t.not_addressed.to_vec())
        );
    }
    s
}

/// One target's line of the terminal table and up to three of its evidence lines.
fn row_lines(s: &mut String, r: &Row, extra: &str) {
    let _ = writeln!(
        s,
        "{:<34} {:<21} {:<28} lines {}{extra}",
        r.display,
        r.stance.as_str(),
        flags_of(r),
        lines_of(r)
    );
    for e in r.evidence.iter().take(3) {
        let _ = writeln!(
            s,
            "    {:>4}: {}",
            e.line,
            super::regulation::prefix_chars(&e.text, 110)
        );
    }
    if r.evidence.len() > 3 {
        let _ = writeln!(s, "          … {} more", r.evidence.len() - 3);
    }
}

/// `2 kap. 1–5, 12 §§; 3 kap. 1 §` for a list of paragraphs.
pub fn group_addresses(v: &[Address]) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < v.len() {
        let k = v[i].kapitel;
        let mut labels = Vec::new();
        while i < v.len() && v[i].kapitel == k {
            if let Some(p) = v[i].paragraf {
                labels.push(p);
            }
            i += 1;
        }
        let joined = crate::address::join_paragraph_labels(&labels, ' ', |a, b| {
            a.letter.is_none() && b.letter.is_none() && b.num == a.num + 1
        });
        match k {
            Some(k) => out.push(format!("{k} kap. {joined}")),
            None => out.push(joined),
        }
    }
    out.join("; ")
}

/// Text for one Markdown table cell: escaped, on one line.
fn md_cell(s: &str) -> String {
    escape::markdown(&s.replace(['\n', '\r'], " "))
}

/// The positions as a Swedish Markdown table.
pub fn markdown(t: &StanceTable) -> String {
    let mut s = String::new();
    let m = &t.meta;
    let _ = writeln!(
        s,
        "# Ställningstaganden i {}",
        md_cell(
            m.respondent
                .as_ref()
                .map(|r| r.name.as_str())
                .or(m.body.as_deref())
                .or(m.office.as_deref())
                .unwrap_or(&t.source)
        )
    );
    s.push('\n');
    if let Some(r) = &m.respondent {
        let _ = writeln!(
            s,
            "- Remissinstans: {} ({}, rad {})",
            md_cell(&respondent_name(r)),
            sv::named_by(r.named_by),
            r.line
        );
    }
    if let Some(c) = &m.case_number {
        let _ = writeln!(s, "- Diarienummer: {}", md_cell(&c.text));
    }
    if let Some(title) = &m.remiss_title {
        let _ = writeln!(s, "- Remiss: {}", md_cell(title));
    }
    if let Some(sender) = &m.sender {
        let _ = writeln!(s, "- Remissinstans svarar till: {}", md_cell(sender));
    }
    s.push('\n');
    let _ = writeln!(s, "| Avser | Ställningstagande | Även | Underlag |");
    let _ = writeln!(s, "| --- | --- | --- | --- |");
    for r in &t.rows {
        md_row(&mut s, r);
    }
    for rep in &t.reported {
        let _ = writeln!(
            s,
            "\n## {} (återgivet, inte remissinstansens eget)\n",
            md_cell(&rep.body)
        );
        let _ = writeln!(s, "| Avser | Ställningstagande | Även | Underlag |");
        let _ = writeln!(s, "| --- | --- | --- | --- |");
        for r in &rep.rows {
            md_row(&mut s, r);
        }
    }
    if t.against_draft && !t.not_addressed.is_empty() {
        let _ = writeln!(
            s,
            "\nEj berörda paragrafer: {}.",
            citation_typo(&group_addresses(&t.not_addressed.to_vec()))
        );
    }
    s
}

/// One row of the Markdown table.
fn md_row(s: &mut String, r: &Row) {
    let flags: Vec<&str> = r.flags.iter().map(|f| sv::flag(*f)).collect();
    let ev: Vec<String> = r
        .evidence
        .iter()
        .map(|e| format!("rad {}: {}", e.line, md_cell(&e.text)))
        .collect();
    let mut target = citation_typo(&r.display);
    if r.inferred.is_some() {
        target.push_str(" (utläst ur ämnet)");
    }
    if r.unresolved.is_some() {
        target.push_str(" (finns inte i förslaget)");
    }
    if r.uncertain.is_some() {
        let _ = write!(target, " ({})", sv::UNCERTAIN);
    }
    let _ = writeln!(
        s,
        "| {} | {} | {} | {} |",
        md_cell(&target),
        sv::stance(r.stance),
        flags.join(", "),
        ev.join("<br>")
    );
}

/// No-break spaces before `§` and `kap.` (a lighter form of [`super::typo`]).
fn citation_typo(s: &str) -> String {
    s.replace(" §", "\u{a0}§").replace(" kap.", "\u{a0}kap.")
}

/// One finding as `remiss check` prints it.
pub fn finding(f: &Finding) -> String {
    match &f.kind {
        FindingKind::MissingParagraph { cited, matches } => {
            let hint = matches
                .map(|a| format!("; the wording matches {}", a.display()))
                .unwrap_or_default();
            format!("cites {cited}, which the draft does not have{hint}")
        }
        FindingKind::Conflict { target, lines } => format!(
            "{target} is given both support and opposition (lines {})",
            join_lines(lines)
        ),
        FindingKind::Repeated { sentence } => {
            format!("sentence repeated verbatim: «{sentence}»")
        }
        FindingKind::UnmatchedHeading { heading } => {
            format!("topic heading «{heading}» matches no paragraph of the draft")
        }
    }
}

/// The findings of `remiss check`, one per line as `file:line: message`.
pub fn findings(name: &str, v: &[Finding]) -> String {
    let mut lines: Vec<(u32, String)> = v.iter().map(|f| (f.line, finding(f))).collect();
    lines.sort();
    let mut s = String::new();
    for (line, msg) in &lines {
        let _ = writeln!(s, "{name}:{line}: {msg}");
    }
    if lines.is_empty() {
        let _ = writeln!(s, "{name}: no defects found");
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::answer::lexicon::Lexicon;
    use crate::source::Text;

    fn table() -> StanceTable {
        let draft = crate::regulation::parse(&Text::from_plain(
            "draft.txt",
            "2 kap. Ledning\n\n1 § Ledningen ska ansvara.\n\n2 § Ledningen ska utbildas.\n\n3 § Ledningen ska rapportera.\n"
                .to_string(),
        ));
        let lex = Lexicon::embedded().unwrap();
        let answer = crate::answer::parse(
            &Text::from_plain(
                "svar.txt",
                "Socialförvaltningen\n\nSocialförvaltningen tillstyrker 2 kap. 1 §.\n\nSocialförvaltningen avstyrker 2 kap. 2 § och anser att kravet <b>bör</b> förtydligas | ändras.\n"
                    .to_string(),
            ),
            &lex,
        );
        crate::answer::stance::read(&answer, Some(&draft), &lex)
    }

    #[test]
    fn the_markdown_table_is_swedish_and_escaped() {
        insta::assert_snapshot!(markdown(&table()));
    }

    #[test]
    fn the_terminal_table_and_tsv_are_english_keys() {
        let t = table();
        insta::assert_snapshot!(format!("{}\n---\n{}", text(&t), tsv(&t)));
    }

    #[test]
    fn findings_read_as_file_line_message() {
        let f = [
            Finding {
                line: 9,
                kind: FindingKind::UnmatchedHeading {
                    heading: "Övrigt".into(),
                },
            },
            Finding {
                line: 3,
                kind: FindingKind::Conflict {
                    target: "2 kap. 7 §".into(),
                    lines: vec![3, 5],
                },
            },
        ];
        assert_eq!(
            findings("svar.txt", &f),
            "svar.txt:3: 2 kap. 7 § is given both support and opposition (lines 3,5)\nsvar.txt:9: topic heading «Övrigt» matches no paragraph of the draft\n"
        );
        assert_eq!(findings("svar.txt", &[]), "svar.txt: no defects found\n");
    }
}

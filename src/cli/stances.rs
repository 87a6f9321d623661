//! `remiss stances` and `remiss check`: an answer's positions per target, and its defects.

use super::{CmdResult, EXIT_FINDINGS, EXIT_OK, emit, notices};
use anyhow::{Context, bail};
use clap::ValueEnum;
use remiss::answer::lexicon::Lexicon;
use remiss::answer::stance::{self, Row, StanceTable};
use remiss::regulation::Regulation;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Exit code when a document holds no position at all (not an answer).
pub const EXIT_NO_POSITIONS: u8 = 3;

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum Format {
    /// Aligned text for reading in a terminal.
    Table,
    Json,
    /// A Markdown table in Swedish.
    Md,
    /// One line per draft paragraph and per other target: id, stance, flags, evidence lines.
    Tsv,
}

/// Read an answer's positions per target, with the sentences they come from.
///
/// Targets: the proposal as a whole, chapters, paragraphs, punkter, the konsekvensutredning.
#[derive(clap::Args)]
pub struct Args {
    /// The answer (.txt, .md, .pdf or .docx).
    pub answer: PathBuf,
    /// The draft the answer comments on; without it, targets named only by topic stay
    /// unresolved and `Övriga paragrafer` is not expanded.
    #[arg(long)]
    pub draft: Option<PathBuf>,
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
    /// A stance vocabulary to use instead of the embedded one (see data/lexicon.toml);
    /// also read from the REMISS_LEXICON environment variable.
    #[arg(long, env = "REMISS_LEXICON")]
    pub lexicon: Option<PathBuf>,
}

/// Report an answer's defects.
///
/// Citations of paragraphs the draft lacks, contradictory stances on one paragraph, a
/// sentence repeated verbatim, a topic heading that matches no draft paragraph. Exit 1 when
/// it finds any, 0 when none.
#[derive(clap::Args)]
pub struct CheckArgs {
    pub answer: PathBuf,
    #[arg(long)]
    pub draft: Option<PathBuf>,
    #[arg(long, env = "REMISS_LEXICON")]
    pub lexicon: Option<PathBuf>,
}

pub fn load_lexicon(path: Option<&Path>) -> anyhow::Result<Lexicon> {
    match path {
        Some(p) => {
            Lexicon::from_file(p).with_context(|| format!("cannot use the lexicon {}", p.display()))
        }
        None => Lexicon::embedded().context("the embedded lexicon is broken"),
    }
}

fn read(
    answer: &Path,
    draft: Option<&Path>,
    lexicon: Option<&Path>,
) -> anyhow::Result<(StanceTable, remiss::answer::Answer, Option<Regulation>)> {
    let lex = load_lexicon(lexicon)?;
    let text = remiss::source::read(answer)
        .with_context(|| format!("cannot read the answer {}", answer.display()))?;
    notices(&text);
    let draft = match draft {
        Some(p) => Some(
            remiss::read_regulation(p)
                .with_context(|| format!("cannot read the draft {}", p.display()))?
                .0,
        ),
        None => None,
    };
    let parsed = remiss::answer::parse(&text, &lex);
    let table = stance::read(&parsed, draft.as_ref(), &lex);
    Ok((table, parsed, draft))
}

pub fn run(a: Args) -> CmdResult {
    let (table, _, _) = read(&a.answer, a.draft.as_deref(), a.lexicon.as_deref())?;
    if !table.has_positions() {
        bail!(NoPositions(a.answer.display().to_string()));
    }
    let out = match a.format {
        Format::Json => {
            let mut s = serde_json::to_string_pretty(&table)?;
            s.push('\n');
            s
        }
        Format::Tsv => tsv(&table),
        Format::Md => md(&table),
        Format::Table => text(&table),
    };
    emit(&out)?;
    Ok(EXIT_OK)
}

/// The error for a document with no position in it.
#[derive(Debug, thiserror::Error)]
#[error(
    "{0}: no positions found; this does not look like a consultation answer (no stance such as `tillstyrker`, `avstyrker` or `lämnas utan synpunkt`)"
)]
pub struct NoPositions(pub String);

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
    lines
        .iter()
        .map(|l| l.to_string())
        .collect::<Vec<_>>()
        .join(",")
}

pub fn tsv(t: &StanceTable) -> String {
    let not: Vec<Row> = t
        .not_addressed
        .iter()
        .map(|a| Row {
            target: stance::Target::Place { address: *a },
            id: a.id(),
            display: a.display(),
            stance: stance::Stance::NotAddressed,
            flags: Vec::new(),
            evidence: Vec::new(),
            inferred: None,
            unresolved: None,
            conflict: false,
        })
        .collect();
    // The proposal, the draft's places by address (paragraphs not addressed among them),
    // targets outside the draft in order of appearance, the konsekvensutredning.
    let mut rows: Vec<(usize, &Row)> = t.rows.iter().chain(not.iter()).enumerate().collect();
    rows.sort_by_key(|(i, r)| match &r.target {
        stance::Target::Document => (0, remiss::Address::default(), 0),
        stance::Target::Place { address } => (1, *address, 0),
        stance::Target::Konsekvensutredning => (3, remiss::Address::default(), 0),
        _ => (2, remiss::Address::default(), *i),
    });
    let mut s = String::new();
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
    s
}

fn header(t: &StanceTable, s: &mut String) {
    let m = &t.meta;
    let _ = writeln!(s, "Answer: {}", t.source);
    if let Some(b) = &m.body {
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

fn text(t: &StanceTable) -> String {
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
                super::prefix_chars(&e.text, 110)
            );
        }
        if r.evidence.len() > 3 {
            let _ = writeln!(s, "          … {} more", r.evidence.len() - 3);
        }
    }
    if t.against_draft {
        let _ = writeln!(
            s,
            "\nNot addressed ({}): {}",
            t.not_addressed.len(),
            group_addresses(&t.not_addressed)
        );
    }
    s
}

/// `2 kap. 1–5, 12 §§; 3 kap. 1 §` for a list of paragraphs.
pub fn group_addresses(v: &[remiss::Address]) -> String {
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
        let joined = remiss::address::join_paragraph_labels(&labels, ' ', |a, b| {
            a.letter.is_none() && b.letter.is_none() && b.num == a.num + 1
        });
        match k {
            Some(k) => out.push(format!("{k} kap. {joined}")),
            None => out.push(joined),
        }
    }
    out.join("; ")
}

fn md(t: &StanceTable) -> String {
    let mut s = String::new();
    let m = &t.meta;
    let _ = writeln!(
        s,
        "# Ställningstaganden i {}",
        m.body
            .as_deref()
            .or(m.office.as_deref())
            .unwrap_or(&t.source)
    );
    s.push('\n');
    if let Some(c) = &m.case_number {
        let _ = writeln!(s, "- Diarienummer: {}", c.text);
    }
    if let Some(title) = &m.remiss_title {
        let _ = writeln!(s, "- Remiss: {title}");
    }
    if let Some(sender) = &m.sender {
        let _ = writeln!(s, "- Remissinstans svarar till: {sender}");
    }
    s.push('\n');
    let _ = writeln!(s, "| Avser | Ställningstagande | Även | Underlag |");
    let _ = writeln!(s, "| --- | --- | --- | --- |");
    for r in &t.rows {
        let flags: Vec<&str> = r.flags.iter().map(|f| f.swedish()).collect();
        let ev: Vec<String> = r
            .evidence
            .iter()
            .map(|e| format!("rad {}: {}", e.line, md_escape(&e.text)))
            .collect();
        let mut target = remiss_typo(&r.display);
        if r.inferred.is_some() {
            target.push_str(" (utläst ur ämnet)");
        }
        if r.unresolved.is_some() {
            target.push_str(" (finns inte i förslaget)");
        }
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} |",
            md_escape(&target),
            r.stance.swedish(),
            flags.join(", "),
            ev.join("<br>")
        );
    }
    if t.against_draft && !t.not_addressed.is_empty() {
        let _ = writeln!(
            s,
            "\nEj berörda paragrafer: {}.",
            remiss_typo(&group_addresses(&t.not_addressed))
        );
    }
    s
}

/// No-break spaces before `§` and `kap.`, as Swedish typography wants.
fn remiss_typo(s: &str) -> String {
    s.replace(" §", "\u{a0}§").replace(" kap.", "\u{a0}kap.")
}

fn md_escape(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

pub fn check(a: CheckArgs) -> CmdResult {
    let (table, parsed, draft) = read(&a.answer, a.draft.as_deref(), a.lexicon.as_deref())?;
    let name = a.answer.display().to_string();
    let mut findings: Vec<(u32, String)> = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    // One index of the draft for the hints, however many citations are missing.
    let index = draft
        .as_ref()
        .filter(|_| !table.missing.is_empty())
        .map(remiss::answer::topic::TopicIndex::build);
    for (written, e) in &table.missing {
        if seen.insert((written.clone(), e.line)) {
            let hint = index
                .as_ref()
                .and_then(|idx| {
                    let chapter = remiss::Address::parse(written).and_then(|x| x.kapitel);
                    idx.resolve(&e.text, chapter)
                })
                .map(|inf| format!("; the wording matches {}", inf.address.display()))
                .unwrap_or_default();
            findings.push((
                e.line,
                format!("cites {written}, which the draft does not have{hint}"),
            ));
        }
    }
    for r in table.rows.iter().filter(|r| r.conflict) {
        let lines = lines_of(r);
        findings.push((
            r.evidence.first().map(|e| e.line).unwrap_or(0),
            format!(
                "{} is given both support and opposition (lines {lines})",
                r.display
            ),
        ));
    }
    for w in parsed.sentences.windows(2) {
        if w[0].text == w[1].text
            && w[0].text.split(' ').count() >= 4
            && w[0].paragraph == w[1].paragraph
        {
            findings.push((
                w[1].span.line,
                format!("sentence repeated verbatim: «{}»", w[1].text),
            ));
        }
    }
    for h in &table.unmatched_headings {
        findings.push((
            h.line,
            format!(
                "topic heading «{}» matches no paragraph of the draft",
                h.text
            ),
        ));
    }
    findings.sort();
    let mut s = String::new();
    for (line, msg) in &findings {
        let _ = writeln!(s, "{name}:{line}: {msg}");
    }
    if findings.is_empty() {
        let _ = writeln!(s, "{name}: no defects found");
    }
    emit(&s)?;
    Ok(if findings.is_empty() {
        EXIT_OK
    } else {
        EXIT_FINDINGS
    })
}

//! `remiss stances` and `remiss check`: an answer's positions per target, and its defects.

use super::{CmdResult, EXIT_FINDINGS, EXIT_OK, emit, notices};
use anyhow::{Context, bail};
use clap::ValueEnum;
use remiss::answer::lexicon::Lexicon;
use remiss::answer::stance::{self, StanceTable};
use remiss::regulation::Regulation;
use remiss::render;
use std::path::{Path, PathBuf};

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum Format {
    /// Aligned text for reading in a terminal.
    Table,
    /// The metadata, every row with its evidence and spans, the paragraphs not addressed.
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
    /// The output format.
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
    /// The answer (.txt, .md, .pdf or .docx).
    pub answer: PathBuf,
    /// The draft the answer comments on; citations of paragraphs it lacks are reported,
    /// with the paragraph whose wording matches.
    #[arg(long)]
    pub draft: Option<PathBuf>,
    /// The output format.
    #[arg(long, value_enum, default_value = "text")]
    pub format: CheckFormat,
    /// A stance vocabulary to use instead of the embedded one (see data/lexicon.toml);
    /// also read from the REMISS_LEXICON environment variable.
    #[arg(long, env = "REMISS_LEXICON")]
    pub lexicon: Option<PathBuf>,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum CheckFormat {
    /// One finding per line, as `file:line: message`.
    Text,
    /// `{"answer", "findings": [{"line", "kind", ...}]}`; kinds `missing-paragraph`
    /// (`cited`, `matches`), `conflict` (`target`, `lines`), `repeated` (`sentence`),
    /// `unmatched-heading` (`heading`).
    Json,
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
        Format::Tsv => render::answer::tsv(&table),
        Format::Md => render::answer::markdown(&table),
        Format::Table => render::answer::text(&table),
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

pub fn check(a: CheckArgs) -> CmdResult {
    let (table, parsed, draft) = read(&a.answer, a.draft.as_deref(), a.lexicon.as_deref())?;
    // A text with no position is not an answer: "no defects" would be a false all-clear.
    if !table.has_positions() {
        bail!(NoPositions(a.answer.display().to_string()));
    }
    let name = a.answer.display().to_string();
    let findings = remiss::report::lint(&table, &parsed, draft.as_ref());
    let out = match a.format {
        CheckFormat::Text => render::answer::findings(&name, &findings),
        CheckFormat::Json => {
            let mut s = serde_json::to_string_pretty(&serde_json::json!({
                "answer": name,
                "findings": findings,
            }))?;
            s.push('\n');
            s
        }
    };
    emit(&out)?;
    Ok(if findings.is_empty() {
        EXIT_OK
    } else {
        EXIT_FINDINGS
    })
}

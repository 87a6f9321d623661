//! `remiss apply`: applies an amendment to the regulation it amends and prints the
//! regulation as amended.

use super::{CmdResult, EXIT_OK, emit, notices};
use anyhow::Context;
use clap::ValueEnum;
use remiss::amend;
use remiss::case::output;
use serde::Serialize;
use std::path::{Path, PathBuf};

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum Format {
    /// The consolidated text, in the text form every other command reads.
    Text,
    /// The amendment as read, what each instruction did, and the consolidated text.
    Json,
}

/// Apply an amendment (`… om ändring i …`) to the regulation it amends.
///
/// Prints the regulation as amended: the base's text with the instructions carried out
/// (new wording, inserted and repealed paragraphs, chapters and rubriker, renumberings,
/// moved rubriker), untouched parts kept as the base has them. Every instruction must fit
/// the base: a paragraph to change that the base lacks, an insertion before a label that
/// does not exist, wording the amendment does not give, or two instructions on one place
/// that conflict, is an error naming the instruction and its line.
///
/// Exit codes: 0 applied; 2 an unreadable file, or an instruction that does not fit;
/// 3 AMENDMENT is not an amendment (or BASE has no paragraf); 4 the output cannot be
/// written (a missing folder, a folder, a read-only file, or one of the inputs).
#[derive(clap::Args)]
pub struct Args {
    /// The regulation as in force (nuvarande lydelse).
    pub base: PathBuf,
    /// The amendment: `Förordning om ändring i …`, `Föreskrifter om ändring i …`, or a
    /// draft of one.
    pub amendment: PathBuf,
    /// The output format.
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
    /// Write the output to FILE (atomically) instead of standard output. FILE's folder
    /// must exist, and FILE may not be BASE or AMENDMENT.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// The JSON output (`format: "remiss-applied"`).
#[derive(Serialize)]
struct Json<'a> {
    format: &'static str,
    format_version: u32,
    base: String,
    amendment: &'a amend::Amendment,
    applied: &'a [amend::Applied],
    warnings: &'a [String],
    text: &'a str,
}

pub fn run(a: Args) -> CmdResult {
    let inputs: [&Path; 2] = [&a.base, &a.amendment];
    if let Some(out) = &a.output {
        output::check_not_input(out, &inputs)
            .with_context(|| format!("cannot write {}", out.display()))?;
    }
    let (base, base_text, am, outcome) = read_and_apply(&a.base, &a.amendment)?;
    for w in &outcome.warnings {
        eprintln!("warning: {w}");
    }
    let out = match a.format {
        Format::Text => outcome.text.clone(),
        Format::Json => {
            let mut s = serde_json::to_string_pretty(&Json {
                format: "remiss-applied",
                format_version: 1,
                base: base_text.name.clone(),
                amendment: &am,
                applied: &outcome.applied,
                warnings: &outcome.warnings,
                text: &outcome.text,
            })?;
            s.push('\n');
            s
        }
    };
    drop(base);
    match &a.output {
        Some(path) => output::write_file(path, out.as_bytes(), &inputs)
            .with_context(|| format!("cannot write {}", path.display()))?,
        None => emit(&out)?,
    }
    Ok(EXIT_OK)
}

/// Reads the base and the amendment, and applies it; errors name the file.
pub fn read_and_apply(
    base_path: &Path,
    amendment_path: &Path,
) -> anyhow::Result<(
    remiss::Regulation,
    remiss::source::Text,
    amend::Amendment,
    amend::Outcome,
)> {
    let (base, base_text) = remiss::read_regulation(base_path)
        .with_context(|| format!("cannot read the base {}", base_path.display()))?;
    notices(&base_text);
    let am_text = remiss::source::read(amendment_path)
        .with_context(|| format!("cannot read the amendment {}", amendment_path.display()))?;
    notices(&am_text);
    let am = amend::read(&am_text, Some(&base))
        .with_context(|| format!("cannot read the amendment {}", amendment_path.display()))?;
    let outcome = amend::apply(&base, &base_text, &am).with_context(|| {
        format!(
            "cannot apply {} to {}",
            amendment_path.display(),
            base_path.display()
        )
    })?;
    Ok((base, base_text, am, outcome))
}

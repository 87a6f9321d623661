//! `remiss parse`: prints a regulation's tree.

use super::{CmdResult, EXIT_OK, emit, emit_with, notices};
use anyhow::Context;
use clap::ValueEnum;
use remiss::render;
use std::path::PathBuf;

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum Format {
    /// An indented tree for reading.
    Text,
    /// The whole tree as JSON (stable; see README).
    Json,
    /// One line per node: id, kind, line, first 60 characters of text.
    Tsv,
}

/// Print the tree of a regulation, each node with its id and line.
///
/// Kapitel, rubriker, paragrafer, stycken, punkter, allmänna råd, övergångsbestämmelser and
/// bilagor.
#[derive(clap::Args)]
pub struct Args {
    /// The regulation (.txt, .md, .pdf or .docx).
    pub file: PathBuf,
    /// The output format.
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
}

pub fn run(a: Args) -> CmdResult {
    let (reg, text) = remiss::read_regulation(&a.file)
        .with_context(|| format!("cannot parse {}", a.file.display()))?;
    notices(&text);
    for d in &reg.diagnostics {
        eprintln!("warning: {}:{}: {}", a.file.display(), d.line, d.message);
    }
    match a.format {
        Format::Json => emit_with(|w| {
            serde_json::to_writer_pretty(&mut *w, &reg)?;
            writeln!(w)
        })?,
        Format::Tsv => emit_with(|w| render::regulation::write_tsv(&reg, w))?,
        Format::Text => emit(&render::regulation::text(&reg))?,
    }
    Ok(EXIT_OK)
}

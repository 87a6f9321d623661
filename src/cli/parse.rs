//! `remiss parse`: prints a regulation's tree.

use super::{CmdResult, EXIT_OK, emit, emit_with, notices};
use anyhow::Context;
use clap::ValueEnum;
use remiss::render;
use std::path::{Path, PathBuf};

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
/// bilagor. An amendment (`… om ändring i …`) is reported as one: the regulation it
/// amends, each instruction (change, insert, repeal, renumber, move a rubrik) with the
/// clause it comes from, the wording it gives, and its transitional provisions.
#[derive(clap::Args)]
pub struct Args {
    /// The regulation (.txt, .md, .pdf or .docx).
    pub file: PathBuf,
    /// The output format.
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
}

pub fn run(a: Args) -> CmdResult {
    // Read for the parser: a plain text's blocks are made as the parser takes them.
    let mut text = remiss::source::read_unsplit(&a.file)
        .with_context(|| format!("cannot parse {}", a.file.display()))?;
    if remiss::amend::is_amendment(&text) {
        text.split_blocks();
        return amendment(&a, &text);
    }
    // The text's lines are freed as they are parsed (only its notices are needed after),
    // which keeps the peak memory on a large text near the size of its tree.
    let reg = remiss::regulation::parse_consuming(&mut text);
    if reg.paragraph_count() == 0 {
        let e = remiss::Error::NotARegulation {
            path: a.file.clone(),
        };
        return Err(e).with_context(|| format!("cannot parse {}", a.file.display()));
    }
    notices(&text);
    drop(text);
    warn(&a.file, &reg.diagnostics);
    match a.format {
        Format::Json => emit_with(|w| {
            serde_json::to_writer_pretty(&mut *w, &reg)?;
            writeln!(w)
        })?,
        Format::Tsv => emit_with(|w| render::regulation::write_tsv(&reg, w))?,
        Format::Text => emit(&render::regulation::text(&reg))?,
    }
    // The output is written: the tree is left to the system, which takes the address space
    // back at exit at once, instead of being freed block by block (and, with freed memory
    // given back at once, page by page): a tenth of the time of a 50 MB statute's parse.
    std::mem::forget(reg);
    Ok(EXIT_OK)
}

/// Prints the parser's diagnostics as warnings, through one buffer: the standard error is
/// unbuffered, and a text whose chapters start over has a warning for nearly every
/// paragraph, each written piece of which was a system call of its own: seven a line,
/// 567,000 for the 50 MB bench statute's 81,000 warnings, about half of the 0.7 s its
/// `remiss parse` took. What cannot be written is let go (`eprintln!` panicked): the tree
/// is still printed.
fn warn(file: &Path, diagnostics: &[remiss::regulation::Diagnostic]) {
    use std::io::Write as _;
    if diagnostics.is_empty() {
        return;
    }
    let mut err = std::io::BufWriter::new(std::io::stderr().lock());
    let file = file.display();
    for d in diagnostics {
        if writeln!(err, "warning: {file}:{}: {}", d.line, d.message).is_err() {
            return;
        }
    }
    let _ = err.flush();
}

/// An amendment (`… om ändring i …`): what it amends, its instructions as data, the
/// wording it gives and its transitional provisions.
fn amendment(a: &Args, text: &remiss::source::Text) -> CmdResult {
    notices(text);
    let am = remiss::amend::read(text, None)
        .with_context(|| format!("cannot parse {}", a.file.display()))?;
    warn(&a.file, &am.wording.diagnostics);
    match a.format {
        Format::Json => emit_with(|w| {
            serde_json::to_writer_pretty(&mut *w, &am)?;
            writeln!(w)
        })?,
        Format::Tsv => emit_with(|w| render::regulation::write_tsv(&am.wording, w))?,
        Format::Text => emit(&render::amend::text(&am))?,
    }
    Ok(EXIT_OK)
}

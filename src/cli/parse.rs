//! `remiss parse`: prints a regulation's tree.

use super::{CmdResult, EXIT_OK, emit, emit_with, notices, prefix_chars, tsv_field};
use anyhow::Context;
use clap::ValueEnum;
use remiss::regulation::{NodeKind, Regulation};
use std::fmt::Write as _;
use std::io::Write;
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
        Format::Tsv => emit_with(|w| write_tsv(&reg, w))?,
        Format::Text => emit(&text_tree(&reg))?,
    }
    Ok(EXIT_OK)
}

/// One line per node: `id<TAB>kind<TAB>line<TAB>first 60 characters of text`.
pub fn write_tsv(reg: &Regulation, w: &mut dyn Write) -> std::io::Result<()> {
    for n in reg.nodes() {
        writeln!(
            w,
            "{}\t{}\t{}\t{}",
            n.id,
            n.kind.as_str(),
            n.span.line,
            tsv_field(prefix_chars(n.text, 60))
        )?;
    }
    Ok(())
}

fn text_tree(reg: &Regulation) -> String {
    let mut s = String::new();
    if let Some(t) = &reg.title {
        let _ = writeln!(s, "{}", t.text);
        let _ = writeln!(s);
    }
    for n in reg.nodes() {
        let indent = "  ".repeat(n.depth as usize);
        let label = match n.kind {
            NodeKind::Kapitel | NodeKind::Paragraf => remiss::Address::from_id(&n.id)
                .map(|a| a.display())
                .unwrap_or_default(),
            NodeKind::Stycke => remiss::Address::from_id(&n.id)
                .and_then(|a| a.stycke)
                .map(|st| format!("{} stycket", remiss::address::ordinal(st)))
                .unwrap_or_default(),
            NodeKind::Punkt => {
                n.id.rsplit('N')
                    .next()
                    .map(|p| format!("{p}."))
                    .unwrap_or_default()
            }
            NodeKind::Rubrik => "rubrik".to_string(),
            NodeKind::AllmannaRad => "Allmänna råd".to_string(),
            NodeKind::Overgang => "övergångsbestämmelser".to_string(),
            NodeKind::Bilaga => "bilaga".to_string(),
        };
        let _ = writeln!(
            s,
            "{indent}{:<12} {:<22} {}  [rad {}]",
            n.id,
            label,
            prefix_chars(&n.text.replace('\n', " "), 70),
            n.span.line
        );
    }
    let ar: usize = reg.paragraphs().map(|p| p.allmanna_rad.len()).sum();
    let repealed = reg.paragraphs().filter(|p| p.repealed.is_some()).count();
    let _ = writeln!(
        s,
        "\n{} kapitel, {} paragrafer ({} upphävda), {} allmänna råd, {} övergångsbestämmelser, {} bilagor",
        reg.chapter_count(),
        reg.paragraph_count(),
        repealed,
        ar,
        reg.overgang.len(),
        reg.bilagor.len()
    );
    s
}

//! `remiss refs`: lists the citations in a text and what they resolve to.

use super::{CmdResult, EXIT_OK, emit, notices, tsv_field};
use anyhow::{Context, bail};
use clap::ValueEnum;
use remiss::cite::{self, Outline};
use std::fmt::Write as _;
use std::path::PathBuf;

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum Format {
    Text,
    Json,
    /// line, start byte, end byte, kind, text, resolved ids, unresolved.
    Tsv,
}

/// List every citation in a text: its span, its kind and the addresses it resolves to.
#[derive(clap::Args)]
pub struct Args {
    /// The text to scan (or use --file).
    pub text: Option<String>,
    /// Read the text from a file (.txt, .md, .pdf or .docx).
    #[arg(long, short)]
    pub file: Option<PathBuf>,
    /// The chapter context at the start, such as "2 kap.".
    #[arg(long)]
    pub context: Option<String>,
    /// Resolve against this draft: ranges take in its inserted paragraphs, and citations
    /// of what it lacks are reported as unresolved.
    #[arg(long)]
    pub against: Option<PathBuf>,
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
}

pub fn run(a: Args) -> CmdResult {
    let (body, name) = match (&a.text, &a.file) {
        (Some(t), None) => (t.clone(), "<argument>".to_string()),
        (None, Some(f)) => {
            let text =
                remiss::source::read(f).with_context(|| format!("cannot read {}", f.display()))?;
            notices(&text);
            (text.buf().to_string(), f.display().to_string())
        }
        (Some(_), Some(_)) => bail!("give either TEXT or --file, not both"),
        (None, None) => bail!("give the text to scan, or --file FILE"),
    };
    let mut ctx = cite::Context::default();
    if let Some(c) = &a.context {
        let addr = remiss::Address::parse(c).with_context(|| {
            format!("--context {c:?} is not a chapter or paragraph such as \"2 kap.\"")
        })?;
        ctx.kapitel = addr.kapitel;
        if addr.paragraf.is_some() {
            ctx.paragraf = Some(addr.paragraph_part());
        }
    }
    let draft = match &a.against {
        Some(p) => Some(
            remiss::read_regulation(p)
                .with_context(|| format!("cannot read the draft {}", p.display()))?
                .0,
        ),
        None => None,
    };
    let outline = draft.as_ref().map(|d| d as &dyn Outline);
    let found = cite::resolve_all(&body, ctx, outline);
    let out = match a.format {
        Format::Json => {
            let mut s = serde_json::to_string_pretty(&found)?;
            s.push('\n');
            s
        }
        Format::Tsv => {
            let mut s = String::new();
            for r in &found {
                let ids: Vec<String> = r.addresses.iter().map(|a| a.id()).collect();
                let _ = writeln!(
                    s,
                    "{}\t{}\t{}\t{}\t{}\t{}\t{}",
                    r.line,
                    r.citation.start,
                    r.citation.end,
                    r.citation.kind.as_str(),
                    tsv_field(&r.citation.text),
                    ids.join(","),
                    tsv_field(&r.unresolved.join("; "))
                );
            }
            s
        }
        Format::Text => {
            let mut s = String::new();
            for r in &found {
                let shown: Vec<String> = r.addresses.iter().map(|a| a.display()).collect();
                let target = if !r.citation.kind.is_internal() {
                    format!(
                        "external: {}",
                        r.citation.act.as_deref().unwrap_or(&r.citation.text)
                    )
                } else if shown.is_empty() {
                    "—".to_string()
                } else {
                    shown.join(", ")
                };
                let _ = write!(
                    s,
                    "{name}:{}: {:<18} {:<40} → {}",
                    r.line,
                    r.citation.kind.as_str(),
                    format!("«{}»", r.citation.text.replace('\n', " ")),
                    target
                );
                if !r.unresolved.is_empty() {
                    let _ = write!(s, "  [unresolved: {}]", r.unresolved.join("; "));
                }
                s.push('\n');
            }
            let unresolved = found.iter().filter(|r| !r.unresolved.is_empty()).count();
            let _ = writeln!(
                s,
                "\n{} citations, {} with unresolved members",
                found.len(),
                unresolved
            );
            s
        }
    };
    emit(&out)?;
    Ok(EXIT_OK)
}

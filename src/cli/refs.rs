//! `remiss refs`: lists the citations in a text and what they resolve to.

use super::{CmdResult, EXIT_OK, emit, notices};
use anyhow::{Context, bail};
use clap::ValueEnum;
use remiss::cite::{self, Outline};
use remiss::render;
use std::path::PathBuf;

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum Format {
    /// One line per citation with what it resolves to, then the counts.
    Text,
    /// Every citation with its span, kind, addresses and unresolved members.
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
    /// The output format.
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
        Format::Tsv => render::cite::tsv(&found),
        Format::Text => render::cite::text(&found, &name),
    };
    emit(&out)?;
    Ok(EXIT_OK)
}

//! `remiss init`: writes the manifest discovered in a case folder into it, to be edited.

use super::{CmdResult, EXIT_OK, OutputError};
use anyhow::Context;
use std::path::PathBuf;

/// Write a remiss.toml for a case folder, from the drafts and answers found in it.
///
/// The manifest lists drafts/ (oldest first) and answers/ in name order, with respondents
/// named after their files. Edit it to set the title, case number, sender, deadline, the
/// respondents' names and the lead answer, then run `remiss build CASE`.
#[derive(clap::Args)]
pub struct Args {
    /// The case folder, holding drafts/ and answers/.
    pub case: PathBuf,
    /// Replace an existing remiss.toml.
    #[arg(long)]
    pub force: bool,
}

pub fn run(a: Args) -> CmdResult {
    let path = a.case.join("remiss.toml");
    // symlink_metadata: a dangling link is still something not to overwrite.
    if !a.force && std::fs::symlink_metadata(&path).is_ok() {
        return Err(anyhow::Error::new(OutputError(std::io::Error::new(
            std::io::ErrorKind::AlreadyExists,
            format!(
                "{} exists; edit it, or use --force to replace it",
                path.display()
            ),
        ))));
    }
    let manifest = remiss::case::discover(&a.case)?;
    let body = toml::to_string_pretty(&manifest).context("cannot write the manifest as TOML")?;
    let text = format!(
        "# The manifest of this case, written by `remiss init` from the files found.\n\
         # Set the title, case_number, sender, deadline and author; name each respondent;\n\
         # mark the office's own answer with `lead = true`. Then: remiss build {}\n\n{body}",
        a.case.display()
    );
    super::diff::write_atomically(&path, text.as_bytes())
        .map_err(|e| match e.downcast::<std::io::Error>() {
            Ok(io) => anyhow::Error::new(OutputError(io)),
            Err(e) => e,
        })
        .with_context(|| format!("cannot write {}", path.display()))?;
    eprintln!(
        "wrote {}: {} draft(s), {} answer(s); edit it, then run `remiss build {}`",
        path.display(),
        manifest.drafts.len(),
        manifest.answers.len(),
        a.case.display()
    );
    Ok(EXIT_OK)
}

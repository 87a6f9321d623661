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

/// The manifest's optional fields, commented out, with what each is for (README: "The manifest").
const OPTIONAL: &str = "\
# case_number = \"KS 2025/1384\"        # the office's diary number (diarienummer)
# sender = \"Myndigheten för …\"        # the authority that sent the remiss
# deadline = \"2026-01-15\"             # the last day to answer
# author = \"Stadsledningskontoret\"    # whose voice the opinion is (the lead answer's office)
# organisation = \"Stockholms stad\"    # first line of the tjänsteutlåtande's header
# date = \"2025-11-19\"                 # the date of the tjänsteutlåtande
# handlaggare = \"Förnamn Efternamn\"   # the officer handling the case
# recipient = \"Kommunstyrelsen\"       # to whom the tjänsteutlåtande goes
# decision = \"…\"                      # the text of Förslag till beslut
# base = \"drafts/0-gallande.pdf\"      # the regulation an amendment draft amends
# reviewer = \"Förnamn Efternamn\"      # who confirms and corrects readings in `remiss serve`
";

/// A correction, commented out: the form a person uses to overrule a reading.
const CORRECTION: &str = "
# A correction of a reading (see the README, \"Corrections\"); one [[correction]] per change:
# [[correction]]
# answer = \"answers/file.txt\"   # the answer as listed above
# target = \"2 kap. 3 §\"         # the paragraph the reading is about
# stance = \"oppose\"             # or flags = [...], ignore = true, target_is = \"2 kap. 4 §\"
# note = \"why\"
";

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
    // The optional fields go between the top-level keys and the first table, where they
    // still belong to the manifest once a user removes the `#`.
    let (keys, tables) = body.split_at(body.find("\n[[").map_or(body.len(), |i| i + 1));
    let text = format!(
        "# The manifest of this case, written by `remiss init` from the files found.\n\
         # Set the title and the fields below; name each respondent; mark the office's own\n\
         # answer with `lead = true`. Then: remiss build {}\n\n{keys}{OPTIONAL}\n{tables}{CORRECTION}",
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

#[cfg(test)]
mod tests {
    use super::{CORRECTION, OPTIONAL};

    /// Uncommented, the fields written by init are a manifest the reader takes: a renamed
    /// or removed field makes this fail (the manifest denies unknown fields).
    #[test]
    fn the_commented_fields_are_a_valid_manifest_once_uncommented() {
        let uncomment = |block: &str| -> String {
            block
                .lines()
                .filter_map(|l| l.strip_prefix("# "))
                .filter(|l| l.contains(" = ") || l.starts_with("[["))
                .map(|l| l.split("   #").next().unwrap_or(l).trim_end().to_string() + "\n")
                .collect()
        };
        let fields = uncomment(OPTIONAL);
        assert_eq!(fields.lines().count(), 11, "{fields}");
        let text = format!(
            "title = \"T\"\n{fields}\n[[drafts]]\nfile = \"d.txt\"\nlabel = \"V1\"\n{}",
            uncomment(CORRECTION)
        );
        let m: remiss::case::Manifest = toml::from_str(&text).unwrap();
        assert_eq!(m.base.as_deref(), Some("drafts/0-gallande.pdf"));
        assert_eq!(m.reviewer.as_deref(), Some("Förnamn Efternamn"));
        assert_eq!(m.corrections.len(), 1);
        assert_eq!(m.corrections[0].stance.as_deref(), Some("oppose"));
    }
}

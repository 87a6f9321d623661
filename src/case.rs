//! Stage 0 and 5, the case: a folder of drafts and answers with its manifest, read and
//! turned into the data every output is rendered from.

use crate::answer::{self, lexicon::Lexicon, stance, topic::TopicIndex};
use crate::compare::{self, VersionMap};
use crate::regulation::{self, Regulation};
use crate::report::{self, EffectReport, Matrix, Opinion, Respondent};
use crate::source::{self, Text};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::path::{Component, Path, PathBuf};

pub mod correct;
pub mod output;

/// One answer file larger than this is refused before it is read. A remissvar is a letter:
/// a long one is a few hundred KB as text and a few MB as PDF.
pub const MAX_ANSWER_BYTES: u64 = 16 * 1024 * 1024;

/// All the files of a case together larger than this are refused before any is read (the
/// reading of a case takes about 25 times its size in memory at its peak).
pub const MAX_CASE_BYTES: u64 = 128 * 1024 * 1024;

/// The manifest `remiss.toml` of a case folder.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// The remiss's title.
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case_number: Option<String>,
    /// The sending authority.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sender: Option<String>,
    /// The last day to answer (`2026-01-15`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deadline: Option<String>,
    /// Who the consolidated opinion speaks for (`Stadsledningskontoret`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    /// The body the office belongs to (`Stockholms stad`), first line of the header block.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organisation: Option<String>,
    /// The date of the tjänsteutlåtande (`2025-11-19`); a placeholder when not given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// The officer handling the case (handläggare); a placeholder when not given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub handlaggare: Option<String>,
    /// To whom the tjänsteutlåtande goes (`Kommunstyrelsen`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recipient: Option<String>,
    /// The text of `Förslag till beslut`; a standard sentence when not given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision: Option<String>,
    /// The regulation in force that a draft written as an amendment (`… om ändring i …`)
    /// amends: such a draft is applied to it, and the case works on the regulation as
    /// amended (`base = "drafts/0-gallande.pdf"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base: Option<String>,
    /// Who reviews the readings in `remiss serve`: each confirmation and correction saved
    /// there says who (`by`) and when (`at`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reviewer: Option<String>,
    /// The draft versions, oldest first. Answers are read against the first.
    pub drafts: Vec<DraftEntry>,
    #[serde(default)]
    pub answers: Vec<AnswerEntry>,
    /// A person's corrections of the automatic reading, applied before anything else.
    #[serde(default, rename = "correction", skip_serializing_if = "Vec::is_empty")]
    pub corrections: Vec<Correction>,
}

/// One correction of the reading of an answer (`[[correction]]` in the manifest). Keys are
/// stable and flat so a program can write them back (`remiss serve`).
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Correction {
    /// The answer: its file as in `[[answers]]`, or the respondent's name.
    pub answer: String,
    /// The target as read: any address form (`2 kap. 7 §`, `K2P7`, `2:7`), `DOC`, `KU`,
    /// or a citation as written that the draft lacks (`2 kap. 25 §`).
    pub target: String,
    /// The stance to read instead (`support`, `support-reservations`, `oppose`, `proposal`,
    /// `comment`, `no-comment`, or the Swedish words of the matrix).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stance: Option<String>,
    /// The flags to read instead (`proposes`, `clarification`, `concern`, `refers-back`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flags: Option<Vec<String>>,
    /// Drop this reading altogether.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub ignore: bool,
    /// The paragraph the citation means (`2 kap. 22 §`), for a citation of one that does
    /// not exist or a wrong one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_is: Option<String>,
    /// The reading is right as read: a person checked it (`remiss serve`'s confirm). It
    /// changes nothing and cannot be combined with a change.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub confirm: bool,
    /// Why: shown with every corrected reading.
    #[serde(default)]
    pub note: String,
    /// Who saved it (the manifest's `reviewer`, written by `remiss serve`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
    /// When it was saved, as RFC 3339 UTC (written by `remiss serve` with `by`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<String>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct DraftEntry {
    /// Path relative to the case folder.
    pub file: String,
    /// `Remissversion`, `Beslutad version`.
    pub label: String,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct AnswerEntry {
    pub file: String,
    /// Who answers; left out or empty, the name the answer gives itself (see
    /// [`crate::answer::Respondent`]), else the file's name.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub respondent: String,
    /// The office's own answer, whose positions the consolidated opinion takes over.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub lead: bool,
}

/// Errors of the case stage; each names the file it is about.
#[derive(Debug, thiserror::Error)]
pub enum CaseError {
    #[error("{0}: not a folder")]
    NotAFolder(PathBuf),
    #[error("{path}: the manifest is not valid: {message}")]
    Manifest { path: PathBuf, message: String },
    #[error("{manifest}: the path {file:?} points outside the case folder")]
    OutsideCase { manifest: PathBuf, file: String },
    #[error(
        "{manifest}: {file:?} is a link to {target}, outside the case folder; copy the file into the case instead"
    )]
    LinkOutside {
        manifest: PathBuf,
        file: String,
        target: PathBuf,
    },
    #[error("{manifest}: the file {file:?} is listed twice: as {first} and as {second}")]
    Duplicate {
        manifest: PathBuf,
        file: String,
        first: String,
        second: String,
    },
    #[error(
        "{manifest}: two answers are marked `lead = true`: {first} and {second}; the opinion can take the positions of one only"
    )]
    TwoLeads {
        manifest: PathBuf,
        first: String,
        second: String,
    },
    #[error("{0}: no drafts found (put them in drafts/ or list them in remiss.toml)")]
    NoDrafts(PathBuf),
    #[error("{path}: the answer is {size} bytes, over the limit of {limit} bytes for one answer")]
    AnswerTooLarge {
        path: PathBuf,
        size: u64,
        limit: u64,
    },
    #[error(
        "{dir}: the case's files are {size} bytes together, over the limit of {limit} bytes for a case; split it, or leave out the largest files (biggest: {largest})"
    )]
    CaseTooLarge {
        dir: PathBuf,
        size: u64,
        limit: u64,
        largest: String,
    },
    #[error("{path}: {source}")]
    Read {
        path: PathBuf,
        #[source]
        source: crate::Error,
    },
    #[error("{0}: no paragraf found; a draft must be a regulation text")]
    NotARegulation(PathBuf),
    #[error(
        "{0}: the draft is an amendment (`… om ändring i …`); name the regulation it amends in remiss.toml (`base = \"drafts/0-gallande.pdf\"`)"
    )]
    AmendmentWithoutBase(PathBuf),
    #[error("{path}: {source}")]
    Amendment {
        path: PathBuf,
        #[source]
        source: crate::amend::AmendError,
    },
    #[error("{0}: no positions found; this does not look like a consultation answer")]
    NoPositions(PathBuf),
    #[error("{0}")]
    Lexicon(#[from] answer::lexicon::LexiconError),
    #[error("{manifest}: [[correction]] {index} (answer {answer:?}, target {target:?}): {message}")]
    Correction {
        manifest: PathBuf,
        index: usize,
        answer: String,
        target: String,
        message: String,
    },
}

/// Where a manifest came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ManifestOrigin {
    File,
    Discovered,
}

const INPUT_EXTENSIONS: [&str; 5] = ["txt", "md", "markdown", "pdf", "docx"];

/// Reads `remiss.toml`, or discovers the case from `drafts/` and `answers/` subfolders.
pub fn load(dir: &Path) -> Result<(Manifest, ManifestOrigin), CaseError> {
    let (m, origin, _) = load_case(dir)?;
    Ok((m, origin))
}

/// As [`load`], also returning the files discovery passed over (empty with a manifest).
pub fn load_case(dir: &Path) -> Result<(Manifest, ManifestOrigin, Vec<Skipped>), CaseError> {
    if !dir.is_dir() {
        return Err(CaseError::NotAFolder(dir.to_path_buf()));
    }
    let path = dir.join("remiss.toml");
    if path.is_file() {
        let text = std::fs::read_to_string(&path).map_err(|e| CaseError::Manifest {
            path: path.clone(),
            message: e.to_string(),
        })?;
        let m: Manifest = toml::from_str(&text).map_err(|e| CaseError::Manifest {
            path: path.clone(),
            message: e.to_string(),
        })?;
        validate(dir, &m, &path)?;
        return Ok((m, ManifestOrigin::File, Vec::new()));
    }
    let d = discover_case(dir)?;
    Ok((d.manifest, ManifestOrigin::Discovered, d.skipped))
}

/// How an entry of the manifest is named in messages: `[[answers]] 2 (answers/b.txt)`.
fn entry_name(table: &str, i: usize, file: &str) -> String {
    format!("[[{table}]] {} ({file})", i + 1)
}

/// Checks a manifest against its folder: every path stays inside the folder, also after
/// following links; no file is listed twice; at most one answer is the lead; there is a
/// draft. `manifest` names the manifest in messages.
pub fn validate(dir: &Path, m: &Manifest, manifest: &Path) -> Result<(), CaseError> {
    let entries: Vec<(String, &str)> = m
        .base
        .iter()
        .map(|b| (format!("base {b:?}"), b.as_str()))
        .chain(
            m.drafts
                .iter()
                .enumerate()
                .map(|(i, d)| (entry_name("drafts", i, &d.file), d.file.as_str())),
        )
        .chain(
            m.answers
                .iter()
                .enumerate()
                .map(|(i, a)| (entry_name("answers", i, &a.file), a.file.as_str())),
        )
        .collect();
    // Looked up, not searched: a list searched for each of 5,000 answers was 12 million
    // path comparisons (a second of a build).
    let mut seen: std::collections::HashMap<PathBuf, &str> = std::collections::HashMap::new();
    for (name, f) in &entries {
        if !inside(f) {
            return Err(CaseError::OutsideCase {
                manifest: manifest.to_path_buf(),
                file: f.to_string(),
            });
        }
        // A missing file is reported when the case is read, with the others.
        let Some(real) = real_path(dir, f, manifest)? else {
            continue;
        };
        if let Some(first) = seen.get(&real) {
            return Err(CaseError::Duplicate {
                manifest: manifest.to_path_buf(),
                file: f.to_string(),
                first: first.to_string(),
                second: name.clone(),
            });
        }
        seen.insert(real, name);
    }
    let leads: Vec<String> = m
        .answers
        .iter()
        .enumerate()
        .filter(|(_, a)| a.lead)
        .map(|(i, a)| format!("{} «{}»", entry_name("answers", i, &a.file), a.respondent))
        .collect();
    if leads.len() > 1 {
        return Err(CaseError::TwoLeads {
            manifest: manifest.to_path_buf(),
            first: leads[0].clone(),
            second: leads[1].clone(),
        });
    }
    if m.drafts.is_empty() {
        return Err(CaseError::NoDrafts(manifest.to_path_buf()));
    }
    Ok(())
}

/// The real path of a case file (links followed), refused when it lies outside the case
/// folder; `None` when the file does not exist.
fn real_path(dir: &Path, file: &str, manifest: &Path) -> Result<Option<PathBuf>, CaseError> {
    let Ok(root) = dir.canonicalize() else {
        return Err(CaseError::NotAFolder(dir.to_path_buf()));
    };
    let Ok(real) = dir.join(file).canonicalize() else {
        return Ok(None);
    };
    if !real.starts_with(&root) {
        return Err(CaseError::LinkOutside {
            manifest: manifest.to_path_buf(),
            file: file.to_string(),
            target: real,
        });
    }
    Ok(Some(real))
}

/// A relative path that stays inside the folder (no `..`, no root, no drive).
fn inside(f: &str) -> bool {
    let p = Path::new(f);
    !f.is_empty()
        && p.components()
            .all(|c| matches!(c, Component::Normal(_) | Component::CurDir))
}

/// File names (without extension, any case) of notes that sit beside the documents of a
/// case and are not documents of the case.
const NOTE_NAMES: [&str; 12] = [
    "readme",
    "changes",
    "changelog",
    "expected",
    "notes",
    "note",
    "anteckningar",
    "todo",
    "license",
    "licence",
    "contributing",
    "history",
];

/// Why a file in `drafts/` or `answers/` is not taken as a document, if it is not.
fn not_a_document(rel: &Path, is_link: bool) -> Option<String> {
    let name = rel.file_name()?.to_string_lossy();
    if is_link {
        return Some(
            "a symbolic link (discovery does not follow links; list the file in remiss.toml if it lies inside the case)"
                .to_string(),
        );
    }
    // Word's lock files (`~$svar.docx`) are left beside an open document.
    if name.starts_with("~$") {
        return Some("a lock file of an open Word document".to_string());
    }
    let ext = rel
        .extension()
        .and_then(|x| x.to_str())
        .map(str::to_ascii_lowercase);
    if !ext
        .as_deref()
        .is_some_and(|x| INPUT_EXTENSIONS.contains(&x))
    {
        return Some(format!(
            "not a format remiss reads (.{}); save it as .txt, .md, .pdf or .docx",
            ext.as_deref().unwrap_or("")
        ));
    }
    let stem = rel.file_stem()?.to_string_lossy().to_lowercase();
    if NOTE_NAMES.contains(&stem.as_str()) {
        return Some("notes about the case, not a document of it".to_string());
    }
    None
}

/// The documents in `dir/sub` in name order, and the files passed over with the reason.
fn files_in(dir: &Path, sub: &str) -> (Vec<String>, Vec<Skipped>) {
    let mut docs = Vec::new();
    let mut skipped = Vec::new();
    for e in walkdir::WalkDir::new(dir.join(sub))
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
    {
        let t = e.file_type();
        if t.is_dir() {
            continue;
        }
        let Ok(rel) = e.path().strip_prefix(dir) else {
            continue;
        };
        // Hidden files (`.DS_Store`, editor backups) are nobody's document.
        if rel
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with('.'))
        {
            continue;
        }
        let shown = rel.to_string_lossy().replace('\\', "/");
        if !t.is_file() && !t.is_symlink() {
            skipped.push(Skipped {
                file: shown,
                reason: "not a regular file".to_string(),
            });
            continue;
        }
        match not_a_document(rel, t.is_symlink()) {
            Some(reason) => skipped.push(Skipped {
                file: shown,
                reason,
            }),
            None => docs.push(shown),
        }
    }
    docs.sort();
    (docs, skipped)
}

/// A case found from its folders: the manifest, and what was passed over and why.
pub struct Discovery {
    pub manifest: Manifest,
    pub skipped: Vec<Skipped>,
}

/// Builds a manifest from the folder's `drafts/` and `answers/` (walked in name order).
pub fn discover(dir: &Path) -> Result<Manifest, CaseError> {
    discover_case(dir).map(|d| d.manifest)
}

/// Builds a manifest from the folder's `drafts/` and `answers/` (walked in name order).
/// Only documents are taken: notes (`README.md`, `CHANGES.md`, `EXPECTED.md`), files of
/// other formats, links, and in `drafts/` texts with no paragraf are listed as skipped.
pub fn discover_case(dir: &Path) -> Result<Discovery, CaseError> {
    let (candidates, mut skipped) = files_in(dir, "drafts");
    let (answers, more) = files_in(dir, "answers");
    skipped.extend(more);
    // Discovery reads the files (for the title, the respondents' names): the limits hold
    // before that, as they do before a case is read.
    let size = |f: &String| std::fs::metadata(dir.join(f)).map_or(0, |m| m.len());
    let total: u64 = candidates.iter().chain(&answers).map(size).sum();
    if total > MAX_CASE_BYTES {
        let largest = candidates
            .iter()
            .chain(&answers)
            .max_by_key(|f| size(f))
            .map(|f| format!("{f}, {} bytes", size(f)))
            .unwrap_or_default();
        return Err(CaseError::CaseTooLarge {
            dir: dir.to_path_buf(),
            size: total,
            limit: MAX_CASE_BYTES,
            largest,
        });
    }
    let mut drafts = Vec::new();
    let mut title = None;
    // Drafts written as amendments (`… om ändring i …`), and the first regulation: with
    // an amendment among the drafts, that regulation is the base it amends.
    let mut amendments: Vec<(String, String)> = Vec::new();
    let mut first_regulation: Option<(String, Option<String>)> = None;
    for f in candidates {
        // A draft that cannot be read stays, so reading the case reports why.
        match source::read(&dir.join(&f)) {
            Ok(t) => {
                if crate::amend::is_amendment(&t) {
                    if let Ok(a) = crate::amend::read(&t, None) {
                        amendments.push((f.clone(), a.title.text));
                    }
                    drafts.push(f);
                    continue;
                }
                let r = regulation::parse(&t);
                if r.paragraph_count() == 0 {
                    skipped.push(Skipped {
                        file: f,
                        reason: "no paragraf (`N §`): not a regulation text".to_string(),
                    });
                    continue;
                }
                if drafts.is_empty() {
                    title = r
                        .title
                        .clone()
                        .map(|t| t.text.trim_end_matches(';').to_string());
                }
                if first_regulation.is_none() {
                    first_regulation = Some((f.clone(), r.title.map(|t| t.text)));
                }
                drafts.push(f);
            }
            Err(_) => drafts.push(f),
        }
    }
    let mut base = None;
    if let (Some((first_amendment, amendment_title)), Some((regulation, _))) =
        (amendments.first(), &first_regulation)
    {
        drafts.retain(|f| f != regulation);
        base = Some(regulation.clone());
        if drafts.first() == Some(first_amendment) {
            title = Some(amendment_title.clone());
        }
    }
    if drafts.is_empty() {
        return Err(CaseError::NoDrafts(dir.to_path_buf()));
    }
    let title = title.unwrap_or_else(|| {
        dir.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    });
    let lex = Lexicon::embedded()?;
    // Answers are named independently of each other; the collect keeps their order.
    let answers = answers
        .into_par_iter()
        .map(|f| {
            // An answer over its limit is named by its file; reading the case refuses it.
            let respondent = (size(&f) <= MAX_ANSWER_BYTES)
                .then(|| source::read(&dir.join(&f)).ok())
                .flatten()
                .and_then(|t| respondent_of(&answer::parse(&t, &lex), &lex))
                .unwrap_or_else(|| stem(&f));
            AnswerEntry {
                file: f,
                respondent,
                lead: false,
            }
        })
        .collect();
    let manifest = Manifest {
        title,
        base,
        drafts: drafts
            .iter()
            .enumerate()
            .map(|(i, f)| DraftEntry {
                file: f.clone(),
                label: format!("Version {}", i + 1),
            })
            .collect(),
        answers,
        ..Default::default()
    };
    Ok(Discovery { manifest, skipped })
}

fn stem(f: &str) -> String {
    Path::new(f)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| f.to_string())
}

/// A draft as read.
pub struct Draft {
    pub entry: DraftEntry,
    pub regulation: Regulation,
    /// The amendment the draft is, applied to the manifest's base to give `regulation`.
    pub amendment: Option<crate::amend::Amendment>,
}

/// An answer as read (its positions are kept apart, in the order of the answers, as the
/// matrix takes them). Of its text only the lines are kept, for its page: the decoded
/// source and its blocks are let go as soon as the answer is read.
pub struct AnswerIn {
    pub entry: AnswerEntry,
    /// The text's lines, as the answer's page shows them.
    pub lines: Vec<String>,
    /// What the reader noticed (an encoding, replaced bytes, rejoined hyphens).
    pub notices: Vec<String>,
    /// The answer's sentences and headings: the opinion quotes the lead's own prose.
    pub parsed: answer::Answer,
}

/// Everything the outputs are rendered from.
#[derive(Serialize)]
pub struct CaseData {
    pub format: &'static str,
    pub format_version: u32,
    pub name: String,
    pub manifest: Manifest,
    pub origin: ManifestOrigin,
    pub drafts: Vec<DraftInfo>,
    pub respondents: Vec<Respondent>,
    /// Per answer: what it says about itself and what it leaves out (its positions are in
    /// the matrix).
    pub answers: Vec<AnswerSummary>,
    pub matrix: Matrix,
    /// Positions the answers report as others' (a nämnd's in a municipal answer), apart
    /// from the respondents' own: in neither the matrix nor the opinion's positions.
    pub reported: Vec<report::ReportedPosition>,
    pub opinion: Opinion,
    pub comparisons: Vec<Comparison>,
    pub effects: EffectReport,
    pub figures: Figures,
    /// What `remiss check` finds in each answer (only answers with findings).
    pub findings: Vec<AnswerFindings>,
    /// The manifest's corrections as applied.
    pub corrections: Vec<correct::Applied>,
    /// The readings a person confirmed as right (`confirm = true`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub confirmed: Vec<correct::Applied>,
    /// Files that could not be read (only with `--keep-going`).
    pub skipped: Vec<Skipped>,
    /// The parallelluppställning of each draft that is an amendment, against the base.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub amendments: Vec<AmendmentPage>,
    /// The manifest's base, parsed (for rendering the amendment pages).
    #[serde(skip)]
    pub base: Option<Regulation>,
}

/// A draft that is an amendment, compared with the base it amends.
#[derive(Serialize)]
pub struct AmendmentPage {
    /// Index of the draft in `drafts`.
    pub draft: usize,
    /// The draft's label.
    pub label: String,
    /// The amendment's title (`Förordning om ändring i …`).
    pub title: String,
    /// The page (`andring-1.html`; `andring-1.md` beside it).
    pub page: String,
    /// Ids (as numbered after the change) of the paragraphs it changes, inserts or
    /// renumbers: the opinion links these to the page.
    pub changed: Vec<String>,
    /// The base compared with the draft as amended.
    pub map: VersionMap,
    #[serde(skip)]
    pub amendment: crate::amend::Amendment,
}

/// The amendment pages of the drafts that are amendments of `base`.
fn amendment_pages(base: &Regulation, drafts: &[Draft]) -> Vec<AmendmentPage> {
    let opts = compare::Options::default();
    let mut out = Vec::new();
    for (i, d) in drafts.iter().enumerate() {
        let Some(am) = &d.amendment else { continue };
        let map = compare::align(base, &d.regulation, &opts);
        let changed = map
            .paragraphs
            .iter()
            .filter(|e| e.relation != compare::Relation::Unchanged)
            .flat_map(|e| e.new_ids.iter().cloned())
            .collect();
        out.push(AmendmentPage {
            draft: i,
            label: d.entry.label.clone(),
            title: am.title.text.clone(),
            page: format!("andring-{}.html", out.len() + 1),
            changed,
            map,
            amendment: am.clone(),
        });
    }
    out
}

#[derive(Serialize, Clone)]
pub struct AnswerSummary {
    pub key: String,
    pub meta: answer::Metadata,
    pub not_addressed: answer::unaddressed::Unaddressed,
    /// Citations of paragraphs the draft lacks, as written.
    pub missing: Vec<String>,
}

#[derive(Serialize, Clone)]
pub struct DraftInfo {
    pub label: String,
    pub file: String,
    pub title: Option<String>,
    pub chapters: usize,
    pub paragraphs: usize,
}

#[derive(Serialize)]
pub struct Comparison {
    pub from: String,
    pub to: String,
    /// The page (`jamforelse-1.html`).
    pub page: String,
    pub map: VersionMap,
}

#[derive(Serialize, Default)]
pub struct Figures {
    pub answers: usize,
    pub paragraphs: usize,
    pub commented_paragraphs: usize,
    pub conflicts: usize,
    pub opposed_paragraphs: usize,
    pub effects: usize,
    pub effects_taken: usize,
    pub orphaned: usize,
    /// Findings of `check` over all answers.
    pub findings: usize,
    /// Corrections applied.
    pub corrections: usize,
}

/// The findings of one answer.
#[derive(Clone, Debug, Serialize)]
pub struct AnswerFindings {
    pub key: String,
    pub respondent: String,
    pub page: String,
    pub findings: Vec<report::Finding>,
}

#[derive(Serialize, Clone, Debug)]
pub struct Skipped {
    pub file: String,
    pub reason: String,
}

/// A case as read: the data, and the inputs the pages are rendered from (the drafts, in
/// the order of the comparisons, and each answer's lines, in the order of the respondents).
pub struct Case {
    pub data: CaseData,
    /// What the readers noticed (an encoding, replaced bytes, rejoined hyphens), per file.
    pub notices: Vec<String>,
    pub drafts: Vec<Regulation>,
    pub answer_lines: Vec<Vec<String>>,
    /// Each answer's reading before the corrections, with its (file, respondent): what
    /// `remiss serve` checks a new correction against before it saves it.
    pub readings: Vec<stance::StanceTable>,
    pub answer_ids: Vec<(String, String)>,
}

/// Progress reports while reading (the CLI shows them on a terminal).
pub trait Progress {
    fn step(&mut self, what: &str, done: usize, total: usize);
}

/// No progress output.
pub struct Quiet;
impl Progress for Quiet {
    fn step(&mut self, _: &str, _: usize, _: usize) {}
}

/// The size of every file of the case, refused up front: one answer over
/// [`MAX_ANSWER_BYTES`] is a problem of that file; all together over [`MAX_CASE_BYTES`] stops
/// the case before anything is read. Missing files are left for the reading to report.
fn check_sizes(dir: &Path, manifest: &Manifest) -> Result<Vec<CaseError>, CaseError> {
    let mut problems = Vec::new();
    let mut total = 0u64;
    let mut largest = (0u64, String::new());
    let files = manifest
        .base
        .iter()
        .map(|b| (b, false))
        .chain(manifest.drafts.iter().map(|d| (&d.file, false)))
        .chain(manifest.answers.iter().map(|a| (&a.file, true)));
    for (f, is_answer) in files {
        let path = dir.join(f);
        let Ok(meta) = std::fs::metadata(&path) else {
            continue;
        };
        let size = meta.len();
        total = total.saturating_add(size);
        if size > largest.0 {
            largest = (size, f.clone());
        }
        if is_answer && size > MAX_ANSWER_BYTES {
            problems.push(CaseError::AnswerTooLarge {
                path,
                size,
                limit: MAX_ANSWER_BYTES,
            });
        }
    }
    if total > MAX_CASE_BYTES {
        return Err(CaseError::CaseTooLarge {
            dir: dir.to_path_buf(),
            size: total,
            limit: MAX_CASE_BYTES,
            largest: format!("{}, {} bytes", largest.1, largest.0),
        });
    }
    Ok(problems)
}

/// How many answers are read side by side before their results are taken in order.
const ANSWER_CHUNK: usize = 32;

/// An answer that cannot be used, with its text when it was read (its notices are shown).
struct Unread {
    error: CaseError,
    text: Option<Text>,
}

/// An answer read with its positions, or why it cannot be used.
type Answered = Result<(AnswerIn, stance::StanceTable), Box<Unread>>;

/// Reads one answer and its positions against the first draft.
fn read_answer(
    dir: &Path,
    a: &AnswerEntry,
    first: &Regulation,
    index: &TopicIndex,
    lex: &Lexicon,
    cache: Option<&SourceCache>,
) -> Answered {
    let text =
        read_input(dir, &a.file, cache).map_err(|error| Box::new(Unread { error, text: None }))?;
    let parsed = answer::parse(&text, lex);
    let table = stance::read_with_index(&parsed, Some(first), Some(index), lex);
    if !table.has_positions() {
        return Err(Box::new(Unread {
            error: CaseError::NoPositions(dir.join(&a.file)),
            text: Some(text),
        }));
    }
    let mut entry = a.clone();
    if entry.respondent.trim().is_empty() {
        entry.respondent = table
            .meta
            .respondent
            .as_ref()
            .map(|r| r.name.clone())
            .unwrap_or_else(|| stem(&a.file));
    }
    let lines = text.buf().lines().map(str::to_string).collect();
    Ok((
        AnswerIn {
            entry,
            lines,
            notices: text.notices,
            parsed,
        },
        table,
    ))
}

/// Reads one file of the case, after checking that its real path lies inside the case.
fn read_input(dir: &Path, file: &str, cache: Option<&SourceCache>) -> Result<Text, CaseError> {
    let path = dir.join(file);
    if !inside(file) {
        return Err(CaseError::OutsideCase {
            manifest: dir.join("remiss.toml"),
            file: file.to_string(),
        });
    }
    let real = real_path(dir, file, &dir.join("remiss.toml"))?;
    match (cache, real) {
        (Some(c), Some(real)) => c.read(&real, &path),
        _ => source::read(&path).map_err(|source| CaseError::Read { path, source }),
    }
}

/// The decoded inputs of earlier reads of a case, for a process that builds the same case
/// again and again (`remiss serve` after each save): a file whose size and modification
/// time are unchanged is not decoded again (a PDF or Word file costs tens of milliseconds
/// each, the rest of a build little). Only successful reads are kept.
#[derive(Default)]
pub struct SourceCache {
    texts: std::sync::Mutex<std::collections::HashMap<PathBuf, (Stamp, Text)>>,
}

/// What tells a file changed: its size and modification time.
type Stamp = (u64, Option<std::time::SystemTime>);

impl SourceCache {
    pub fn new() -> SourceCache {
        SourceCache::default()
    }

    /// `real` is the file's resolved path (the key), `path` the one errors name.
    fn read(&self, real: &Path, path: &Path) -> Result<Text, CaseError> {
        let stamp = |p: &Path| {
            std::fs::metadata(p)
                .ok()
                .map(|m| (m.len(), m.modified().ok()))
        };
        let before = stamp(real);
        if let Some(b) = before
            && let Ok(texts) = self.texts.lock()
            && let Some((s, t)) = texts.get(real)
            && *s == b
        {
            return Ok(t.clone());
        }
        let text = source::read(path).map_err(|source| CaseError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        // Kept only when the file did not change while it was read.
        if let Some(b) = before
            && stamp(real) == Some(b)
            && let Ok(mut texts) = self.texts.lock()
        {
            texts.insert(real.to_path_buf(), (b, text.clone()));
        }
        Ok(text)
    }
}

/// The path a problem is about, for the list of skipped files.
fn problem_file(e: &CaseError) -> String {
    match e {
        CaseError::Read { path, .. }
        | CaseError::NotARegulation(path)
        | CaseError::AmendmentWithoutBase(path)
        | CaseError::Amendment { path, .. }
        | CaseError::NoPositions(path)
        | CaseError::AnswerTooLarge { path, .. } => path.display().to_string(),
        CaseError::LinkOutside { file, .. } | CaseError::OutsideCase { file, .. } => file.clone(),
        _ => String::new(),
    }
}

/// Reads every file of the case. Returns the data and the problems met; with `keep_going`
/// false the first bad input is an error and nothing is returned. A manifest without
/// drafts, or a case over the size limits, is an error whatever `keep_going` says.
pub fn read_case(
    dir: &Path,
    manifest: Manifest,
    origin: ManifestOrigin,
    lex: &Lexicon,
    keep_going: bool,
    progress: &mut dyn Progress,
) -> Result<Case, Vec<CaseError>> {
    read_case_cached(dir, manifest, origin, lex, keep_going, progress, None)
}

/// [`read_case`] for a build that is rendered once and done with: `readings` is left
/// empty (a copy of every answer's positions, which only `remiss serve` checks new
/// corrections against).
pub fn read_case_to_build(
    dir: &Path,
    manifest: Manifest,
    origin: ManifestOrigin,
    lex: &Lexicon,
    keep_going: bool,
    progress: &mut dyn Progress,
) -> Result<Case, Vec<CaseError>> {
    read(
        dir, manifest, origin, lex, keep_going, progress, None, false,
    )
}

/// [`read_case`], taking the decoded inputs from `cache` where they have not changed.
pub fn read_case_cached(
    dir: &Path,
    manifest: Manifest,
    origin: ManifestOrigin,
    lex: &Lexicon,
    keep_going: bool,
    progress: &mut dyn Progress,
    cache: Option<&SourceCache>,
) -> Result<Case, Vec<CaseError>> {
    read(
        dir, manifest, origin, lex, keep_going, progress, cache, true,
    )
}

#[allow(clippy::too_many_arguments)] // the public readers above are the ones called
fn read(
    dir: &Path,
    manifest: Manifest,
    origin: ManifestOrigin,
    lex: &Lexicon,
    keep_going: bool,
    progress: &mut dyn Progress,
    cache: Option<&SourceCache>,
    keep_readings: bool,
) -> Result<Case, Vec<CaseError>> {
    if manifest.drafts.is_empty() {
        return Err(vec![CaseError::NoDrafts(dir.to_path_buf())]);
    }
    let mut errors: Vec<CaseError> = check_sizes(dir, &manifest).map_err(|e| vec![e])?;
    let too_large: Vec<PathBuf> = errors
        .iter()
        .filter_map(|e| match e {
            CaseError::AnswerTooLarge { path, .. } => Some(path.clone()),
            _ => None,
        })
        .collect();
    let mut notices = Vec::new();
    let mut skipped = Vec::new();
    let total = manifest.drafts.len() + manifest.answers.len();
    let mut done = 0;
    let base = manifest
        .base
        .as_ref()
        .and_then(|f| match read_input(dir, f, cache) {
            Ok(t) => {
                notices.extend(t.notices.iter().cloned());
                let mut r = regulation::parse(&t);
                if r.paragraph_count() == 0 {
                    errors.push(CaseError::NotARegulation(dir.join(f)));
                    return None;
                }
                // As the drafts below: named as the manifest names it.
                r.source = f.clone();
                Some((r, t))
            }
            Err(e) => {
                errors.push(e);
                None
            }
        });
    let mut drafts: Vec<Draft> = Vec::new();
    for d in &manifest.drafts {
        let path = dir.join(&d.file);
        done += 1;
        progress.step("drafts", done, total);
        match read_input(dir, &d.file, cache) {
            Ok(t) => {
                notices.extend(t.notices.iter().cloned());
                // A draft written as an amendment is read as the base it amends, amended.
                if crate::amend::is_amendment(&t) {
                    let Some((b, bt)) = &base else {
                        if manifest.base.is_none() {
                            errors.push(CaseError::AmendmentWithoutBase(path));
                        }
                        continue;
                    };
                    let applied = crate::amend::read(&t, Some(b)).and_then(|am| {
                        crate::amend::amended(b, bt, &am).map(|(reg, out)| (reg, am, out))
                    });
                    match applied {
                        Ok((mut r, am, out)) => {
                            notices.extend(out.warnings);
                            r.source = format!("{} + {}", b.source, d.file);
                            drafts.push(Draft {
                                entry: d.clone(),
                                regulation: r,
                                amendment: Some(am),
                            })
                        }
                        Err(source) => errors.push(CaseError::Amendment { path, source }),
                    }
                    continue;
                }
                let mut r = regulation::parse(&t);
                if r.paragraph_count() == 0 {
                    errors.push(CaseError::NotARegulation(path));
                } else {
                    // Named as the manifest names it, as every page of the build names its
                    // files: the outputs do not depend on where the case lies or how its
                    // folder was named on the command line.
                    r.source = d.file.clone();
                    drafts.push(Draft {
                        entry: d.clone(),
                        regulation: r,
                        amendment: None,
                    });
                }
            }
            Err(e) => errors.push(e),
        }
    }
    // Without the first draft there is nothing to read answers against.
    if drafts.first().map(|d| &d.entry) != manifest.drafts.first() {
        return Err(errors);
    }
    let first = &drafts[0].regulation;
    let index = TopicIndex::build(first);
    let mut answers: Vec<AnswerIn> = Vec::new();
    let mut tables: Vec<stance::StanceTable> = Vec::new();
    // Answers are read independently, so a chunk of them at a time is read on every core;
    // each chunk's results are then taken in the manifest's order, so the outcome is the
    // same whatever the number of threads. The chunks keep the progress report moving.
    for chunk in manifest.answers.chunks(ANSWER_CHUNK) {
        let read: Vec<Option<Answered>> = chunk
            .par_iter()
            .map(|a| {
                let path = dir.join(&a.file);
                (!too_large.contains(&path)).then(|| read_answer(dir, a, first, &index, lex, cache))
            })
            .collect();
        for r in read {
            done += 1;
            progress.step("answers", done, total);
            match r {
                Some(Ok((a, t))) => {
                    notices.extend(a.notices.iter().cloned());
                    answers.push(a);
                    tables.push(t);
                }
                Some(Err(u)) => {
                    if let Some(t) = &u.text {
                        notices.extend(t.notices.iter().cloned());
                    }
                    errors.push(u.error);
                }
                None => {}
            }
        }
    }
    if !errors.is_empty() {
        if !keep_going {
            return Err(errors);
        }
        for e in &errors {
            skipped.push(Skipped {
                file: problem_file(e),
                reason: e.to_string(),
            });
        }
    }
    // A person's corrections come before everything built from the readings.
    let ids: Vec<(String, String)> = answers
        .iter()
        .map(|a| (a.entry.file.clone(), a.entry.respondent.clone()))
        .collect();
    let readings: Vec<stance::StanceTable> = if keep_readings {
        tables.clone()
    } else {
        Vec::new()
    };
    let mut correcting: Vec<&mut stance::StanceTable> = tables.iter_mut().collect();
    let applied = correct::apply(
        &dir.join("remiss.toml"),
        &manifest.corrections,
        &ids,
        &mut correcting,
        &drafts[0].regulation,
    )?;
    let mut data = assemble(
        dir,
        manifest,
        origin,
        &drafts,
        (&answers, &tables),
        skipped,
        applied,
    );
    let answer_lines = answers.into_iter().map(|a| a.lines).collect();
    if let Some((b, _)) = base {
        data.amendments = amendment_pages(&b, &drafts);
        data.base = Some(b);
    }
    Ok(Case {
        data,
        notices,
        drafts: drafts.into_iter().map(|d| d.regulation).collect(),
        answer_lines,
        readings,
        answer_ids: ids,
    })
}

/// The case's name: its folder's name (`msb-cybersakerhet`), also for `remiss build .`.
pub fn case_name(dir: &Path) -> String {
    dir.canonicalize()
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "case".into())
}

/// The name an answer gives its respondent, as reading its stances settles it.
fn respondent_of(a: &answer::Answer, lex: &Lexicon) -> Option<String> {
    stance::respondent(a, lex).map(|r| r.name)
}

/// The `r1`, `r2`, ... key and the answer page of the i-th answer.
fn key(i: usize) -> (String, String) {
    let k = format!("r{}", i + 1);
    let page = format!("svar/{k}.html");
    (k, page)
}

fn assemble(
    dir: &Path,
    manifest: Manifest,
    origin: ManifestOrigin,
    drafts: &[Draft],
    (answers, tables): (&[AnswerIn], &[stance::StanceTable]),
    skipped: Vec<Skipped>,
    applied: Vec<correct::Applied>,
) -> CaseData {
    // A confirmation changes no reading: it is no correction to mark or count.
    let (confirmed, corrections): (Vec<_>, Vec<_>) =
        applied.into_iter().partition(|a| a.action == "confirm");
    let first = &drafts[0].regulation;
    let pages: Vec<String> = (0..tables.len()).map(|i| key(i).1).collect();
    let marks: Vec<(usize, String, String)> = corrections
        .iter()
        .map(|c| (c.answer, c.id.clone(), c.note.clone()))
        .collect();
    let matrix = report::matrix(first, tables, &pages, &marks);
    let mut respondents: Vec<Respondent> = answers
        .iter()
        .zip(tables)
        .enumerate()
        .map(|(i, (a, table))| {
            let (key, page) = key(i);
            Respondent {
                key,
                name: a.entry.respondent.clone(),
                file: a.entry.file.clone(),
                page,
                lead: a.entry.lead,
                case_number: table.meta.case_number.as_ref().map(|c| c.text.clone()),
                counts: Default::default(),
                chapter_counts: Default::default(),
                whole: stance::Stance::NotAddressed,
                ku: stance::Stance::NotAddressed,
                corrected: 0,
                uncertain: 0,
            }
        })
        .collect();
    report::count_respondents(&matrix, &mut respondents);
    let reported = report::reported(
        tables,
        &respondents
            .iter()
            .map(|r| r.key.clone())
            .collect::<Vec<_>>(),
        &respondents
            .iter()
            .map(|r| r.name.clone())
            .collect::<Vec<_>>(),
        &pages,
    );
    let author = manifest
        .author
        .clone()
        .or_else(|| respondents.iter().find(|r| r.lead).map(|r| r.name.clone()))
        .unwrap_or_else(|| "Förvaltningen".to_string());
    let opts = compare::Options::default();
    let comparisons: Vec<Comparison> = drafts
        .windows(2)
        .enumerate()
        .map(|(i, w)| Comparison {
            from: w[0].entry.label.clone(),
            to: w[1].entry.label.clone(),
            page: format!("jamforelse-{}.html", i + 1),
            map: compare::align(&w[0].regulation, &w[1].regulation, &opts),
        })
        .collect();
    let lead = answers
        .iter()
        .zip(tables)
        .find(|(a, _)| a.entry.lead)
        .map(|(a, t)| (&a.parsed, t));
    let opinion = report::opinion(&report::opinion::Inputs {
        draft: first,
        matrix: &matrix,
        respondents: &respondents,
        author: &author,
        lead,
        // A draft that is an amendment links to its parallelluppställning with the base
        // (the first amendment's page) when there is no second version to compare with.
        comparison: comparisons.first().map(|c| c.page.as_str()).or(drafts
            .first()
            .and_then(|d| d.amendment.as_ref())
            .map(|_| "andring-1.html")),
    });
    let index = TopicIndex::build(first);
    let findings: Vec<AnswerFindings> = answers
        .iter()
        .zip(tables)
        .zip(&respondents)
        .map(|((a, t), r)| AnswerFindings {
            key: r.key.clone(),
            respondent: r.name.clone(),
            page: r.page.clone(),
            findings: report::lint_with_index(t, &a.parsed, Some(&index)),
        })
        .filter(|f| !f.findings.is_empty())
        .collect();
    let maps: Vec<VersionMap> = comparisons.iter().map(|c| c.map.clone()).collect();
    let effects = report::effects(&matrix, &respondents, &maps);
    let figures = Figures {
        answers: respondents.len(),
        paragraphs: first.paragraph_count(),
        commented_paragraphs: matrix
            .rows
            .iter()
            .filter(|r| r.kind == report::TargetKind::Paragraph && r.commented)
            .count(),
        conflicts: matrix.conflicts.len(),
        opposed_paragraphs: matrix
            .rows
            .iter()
            .filter(|r| {
                r.kind == report::TargetKind::Paragraph
                    && r.cells.iter().any(|c| c.stance == stance::Stance::Oppose)
            })
            .count(),
        effects: effects.effects.len(),
        effects_taken: effects
            .effects
            .iter()
            .filter(|e| {
                !matches!(
                    e.outcome,
                    report::Outcome::Unchanged | report::Outcome::Renumbered
                )
            })
            .count(),
        orphaned: effects.orphaned.len(),
        findings: findings.iter().map(|f| f.findings.len()).sum(),
        corrections: corrections.len(),
    };
    let name = case_name(dir);
    CaseData {
        format: "remiss-case",
        format_version: 1,
        name,
        manifest,
        origin,
        drafts: drafts
            .iter()
            .map(|d| DraftInfo {
                label: d.entry.label.clone(),
                file: d.entry.file.clone(),
                title: d.regulation.title.as_ref().map(|t| t.text.clone()),
                chapters: d.regulation.chapter_count(),
                paragraphs: d.regulation.paragraph_count(),
            })
            .collect(),
        respondents,
        answers: tables
            .iter()
            .enumerate()
            .map(|(i, t)| AnswerSummary {
                key: key(i).0,
                meta: t.meta.clone(),
                not_addressed: t.not_addressed.clone(),
                missing: t.missing.iter().map(|(w, _)| w.clone()).collect(),
            })
            .collect(),
        matrix,
        reported,
        opinion,
        comparisons,
        effects,
        figures,
        findings,
        corrections,
        confirmed,
        skipped,
        amendments: Vec::new(),
        base: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_manifest_without_drafts_is_an_error_not_a_panic() {
        let dir = tempfile::tempdir().unwrap();
        let lex = Lexicon::embedded().unwrap();
        let m = Manifest {
            title: "T".into(),
            ..Default::default()
        };
        match read_case(dir.path(), m, ManifestOrigin::File, &lex, true, &mut Quiet) {
            Err(e) => assert!(matches!(e[..], [CaseError::NoDrafts(_)])),
            Ok(_) => panic!("a case without drafts was read"),
        }
    }

    #[test]
    fn a_case_over_the_total_size_is_refused_before_any_file_is_read() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("answers")).unwrap();
        let mut m = Manifest {
            title: "T".into(),
            drafts: vec![DraftEntry {
                file: "answers/a0.txt".into(),
                label: "A".into(),
            }],
            ..Default::default()
        };
        // Sparse files: each under the limit for one answer, together over the case's.
        let each = MAX_ANSWER_BYTES - 1;
        let n = MAX_CASE_BYTES / each + 1;
        for i in 0..n {
            let f = format!("answers/a{i}.txt");
            std::fs::File::create(dir.path().join(&f))
                .unwrap()
                .set_len(each)
                .unwrap();
            m.answers.push(AnswerEntry {
                file: f,
                respondent: format!("R{i}"),
                lead: false,
            });
        }
        let lex = Lexicon::embedded().unwrap();
        match read_case(dir.path(), m, ManifestOrigin::File, &lex, true, &mut Quiet) {
            Err(e) => assert!(
                matches!(e[..], [CaseError::CaseTooLarge { .. }]),
                "{:?}",
                e.iter().map(|x| x.to_string()).collect::<Vec<_>>()
            ),
            Ok(_) => panic!("an oversized case was read"),
        }
    }

    #[test]
    fn notes_links_and_other_formats_are_not_documents() {
        let p = Path::new;
        assert!(not_a_document(p("drafts/CHANGES.md"), false).is_some());
        assert!(not_a_document(p("answers/Expected.txt"), false).is_some());
        assert!(not_a_document(p("answers/~$svar.docx"), false).is_some());
        assert!(not_a_document(p("answers/svar.odt"), false).is_some());
        assert!(not_a_document(p("answers/svar.txt"), true).is_some());
        assert!(not_a_document(p("answers/notesvar.txt"), false).is_none());
        assert!(not_a_document(p("answers/svar.PDF"), false).is_none());
    }

    #[test]
    fn the_source_cache_decodes_a_file_again_only_when_it_changed() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("svar.txt");
        std::fs::write(&f, "Nämnden tillstyrker.\n").unwrap();
        let cache = SourceCache::new();
        let first = read_input(dir.path(), "svar.txt", Some(&cache)).unwrap();
        assert_eq!(first.source, "Nämnden tillstyrker.\n");
        // Other words of the same length with the old time: taken as unchanged, from the cache.
        let when = std::fs::metadata(&f).unwrap().modified().unwrap();
        std::fs::write(&f, "Nämnden avstyrker!!\n\n").unwrap();
        std::fs::File::options()
            .write(true)
            .open(&f)
            .unwrap()
            .set_modified(when)
            .unwrap();
        let cached = read_input(dir.path(), "svar.txt", Some(&cache)).unwrap();
        assert_eq!(cached.source, "Nämnden tillstyrker.\n");
        // Without the cache, or once the size or time differs, the file is read anew.
        let fresh = read_input(dir.path(), "svar.txt", None).unwrap();
        assert_eq!(fresh.source, "Nämnden avstyrker!!\n\n");
        std::fs::write(&f, "Nämnden avstyrker.\n").unwrap();
        let again = read_input(dir.path(), "svar.txt", Some(&cache)).unwrap();
        assert_eq!(again.source, "Nämnden avstyrker.\n");
        // A file that can no longer be read is an error, not the cached text.
        std::fs::remove_file(&f).unwrap();
        assert!(read_input(dir.path(), "svar.txt", Some(&cache)).is_err());
    }
}

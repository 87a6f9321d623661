//! Stage 0 and 5, the case: a folder of drafts and answers with its manifest, read and
//! turned into the data every output is rendered from.

use crate::answer::{self, lexicon::Lexicon, stance, topic::TopicIndex};
use crate::compare::{self, VersionMap};
use crate::regulation::{self, Regulation};
use crate::report::{self, EffectReport, Matrix, Opinion, Respondent};
use crate::source::{self, Text};
use serde::{Deserialize, Serialize};
use std::path::{Component, Path, PathBuf};

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
    /// The draft versions, oldest first. Answers are read against the first.
    pub drafts: Vec<DraftEntry>,
    #[serde(default)]
    pub answers: Vec<AnswerEntry>,
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
    #[error("{0}: no drafts found (put them in drafts/ or list them in remiss.toml)")]
    NoDrafts(PathBuf),
    #[error("{path}: {source}")]
    Read {
        path: PathBuf,
        #[source]
        source: crate::Error,
    },
    #[error("{0}: no paragraf found; a draft must be a regulation text")]
    NotARegulation(PathBuf),
    #[error("{0}: no positions found; this does not look like a consultation answer")]
    NoPositions(PathBuf),
    #[error("{0}")]
    Lexicon(#[from] answer::lexicon::LexiconError),
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
        for f in m
            .drafts
            .iter()
            .map(|d| &d.file)
            .chain(m.answers.iter().map(|a| &a.file))
        {
            if !inside(f) {
                return Err(CaseError::OutsideCase {
                    manifest: path.clone(),
                    file: f.clone(),
                });
            }
        }
        if m.drafts.is_empty() {
            return Err(CaseError::NoDrafts(path));
        }
        return Ok((m, ManifestOrigin::File));
    }
    Ok((discover(dir)?, ManifestOrigin::Discovered))
}

/// A relative path that stays inside the folder (no `..`, no root, no drive).
fn inside(f: &str) -> bool {
    let p = Path::new(f);
    !f.is_empty()
        && p.components()
            .all(|c| matches!(c, Component::Normal(_) | Component::CurDir))
}

fn files_in(dir: &Path, sub: &str) -> Vec<String> {
    let mut v: Vec<String> = walkdir::WalkDir::new(dir.join(sub))
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter(|e| {
            e.path()
                .extension()
                .and_then(|x| x.to_str())
                .is_some_and(|x| INPUT_EXTENSIONS.contains(&x.to_ascii_lowercase().as_str()))
        })
        .filter_map(|e| {
            e.path()
                .strip_prefix(dir)
                .ok()
                .map(|p| p.to_string_lossy().replace('\\', "/"))
        })
        .collect();
    v.sort();
    v
}

/// Builds a manifest from the folder's `drafts/` and `answers/` (walked in name order).
pub fn discover(dir: &Path) -> Result<Manifest, CaseError> {
    let drafts = files_in(dir, "drafts");
    if drafts.is_empty() {
        return Err(CaseError::NoDrafts(dir.to_path_buf()));
    }
    let answers = files_in(dir, "answers");
    let title = source::read(&dir.join(&drafts[0]))
        .ok()
        .map(|t| regulation::parse(&t))
        .and_then(|r| r.title.map(|t| t.text.trim_end_matches(';').to_string()))
        .unwrap_or_else(|| {
            dir.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default()
        });
    let lex = Lexicon::embedded()?;
    let answers = answers
        .into_iter()
        .map(|f| {
            let respondent = source::read(&dir.join(&f))
                .ok()
                .map(|t| answer::parse(&t, &lex).meta)
                .and_then(|m| m.body.or(m.office))
                .unwrap_or_else(|| stem(&f));
            AnswerEntry {
                file: f,
                respondent,
                lead: false,
            }
        })
        .collect();
    Ok(Manifest {
        title,
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
    })
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
}

/// An answer as read.
pub struct AnswerIn {
    pub entry: AnswerEntry,
    pub text: Text,
    pub table: stance::StanceTable,
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
    pub opinion: Opinion,
    pub comparisons: Vec<Comparison>,
    pub effects: EffectReport,
    pub figures: Figures,
    /// Files that could not be read (only with `--keep-going`).
    pub skipped: Vec<Skipped>,
}

#[derive(Serialize, Clone)]
pub struct AnswerSummary {
    pub key: String,
    pub meta: answer::Metadata,
    pub not_addressed: Vec<crate::address::Address>,
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
    pub drafts: Vec<Regulation>,
    pub answer_lines: Vec<Vec<String>>,
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

/// Reads every file of the case. Returns the data and the problems met; with `keep_going`
/// false the first bad input is an error and nothing is returned.
pub fn read_case(
    dir: &Path,
    manifest: Manifest,
    origin: ManifestOrigin,
    lex: &Lexicon,
    keep_going: bool,
    progress: &mut dyn Progress,
) -> Result<Case, Vec<CaseError>> {
    let mut errors: Vec<CaseError> = Vec::new();
    let mut skipped = Vec::new();
    let total = manifest.drafts.len() + manifest.answers.len();
    let mut done = 0;
    let mut drafts: Vec<Draft> = Vec::new();
    for d in &manifest.drafts {
        let path = dir.join(&d.file);
        done += 1;
        progress.step("drafts", done, total);
        match source::read(&path) {
            Ok(t) => {
                let r = regulation::parse(&t);
                if r.paragraph_count() == 0 {
                    errors.push(CaseError::NotARegulation(path));
                } else {
                    drafts.push(Draft {
                        entry: d.clone(),
                        regulation: r,
                    });
                }
            }
            Err(source) => errors.push(CaseError::Read { path, source }),
        }
    }
    // Without the first draft there is nothing to read answers against.
    if drafts.first().map(|d| &d.entry) != manifest.drafts.first() {
        return Err(errors);
    }
    let first = &drafts[0].regulation;
    let index = TopicIndex::build(first);
    let mut answers: Vec<AnswerIn> = Vec::new();
    for a in &manifest.answers {
        let path = dir.join(&a.file);
        done += 1;
        progress.step("answers", done, total);
        match source::read(&path) {
            Ok(text) => {
                let parsed = answer::parse(&text, lex);
                let table = stance::read_with_index(&parsed, Some(first), Some(&index), lex);
                if !table.has_positions() {
                    errors.push(CaseError::NoPositions(path));
                    continue;
                }
                answers.push(AnswerIn {
                    entry: a.clone(),
                    text,
                    table,
                });
            }
            Err(source) => errors.push(CaseError::Read { path, source }),
        }
    }
    if !errors.is_empty() {
        if !keep_going {
            return Err(errors);
        }
        for e in &errors {
            skipped.push(Skipped {
                file: match e {
                    CaseError::Read { path, .. }
                    | CaseError::NotARegulation(path)
                    | CaseError::NoPositions(path) => path.display().to_string(),
                    _ => String::new(),
                },
                reason: e.to_string(),
            });
        }
    }
    let answer_lines = answers
        .iter()
        .map(|a| a.text.buf().lines().map(str::to_string).collect())
        .collect();
    let data = assemble(dir, manifest, origin, &drafts, &answers, skipped);
    Ok(Case {
        data,
        drafts: drafts.into_iter().map(|d| d.regulation).collect(),
        answer_lines,
    })
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
    answers: &[AnswerIn],
    skipped: Vec<Skipped>,
) -> CaseData {
    let first = &drafts[0].regulation;
    let tables: Vec<stance::StanceTable> = answers.iter().map(|a| a.table.clone()).collect();
    let pages: Vec<String> = (0..tables.len()).map(|i| key(i).1).collect();
    let matrix = report::matrix(first, &tables, &pages);
    let mut respondents: Vec<Respondent> = answers
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let (key, page) = key(i);
            Respondent {
                key,
                name: a.entry.respondent.clone(),
                file: a.entry.file.clone(),
                page,
                lead: a.entry.lead,
                case_number: a.table.meta.case_number.as_ref().map(|c| c.text.clone()),
                counts: Default::default(),
            }
        })
        .collect();
    for (i, r) in respondents.iter_mut().enumerate() {
        r.counts = report::respondent_counts(&matrix, i);
    }
    let author = manifest
        .author
        .clone()
        .or_else(|| respondents.iter().find(|r| r.lead).map(|r| r.name.clone()))
        .unwrap_or_else(|| "Förvaltningen".to_string());
    let opinion = report::opinion(first, &matrix, &respondents, &author);
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
    };
    let name = dir
        .canonicalize()
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "case".into());
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
        opinion,
        comparisons,
        effects,
        figures,
        skipped,
    }
}

/// Writes files into `out` atomically: everything goes to a temporary folder beside it,
/// which then replaces `out` in one rename (the old output is removed after).
pub fn write_atomically(out: &Path, files: &[(String, Vec<u8>)]) -> std::io::Result<()> {
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent)?;
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "out".into());
    let tmp = parent.join(format!(".{name}.tmp-{}", std::process::id()));
    if tmp.exists() {
        std::fs::remove_dir_all(&tmp)?;
    }
    for (rel, bytes) in files {
        let p = tmp.join(rel);
        if let Some(d) = p.parent() {
            std::fs::create_dir_all(d)?;
        }
        std::fs::write(&p, bytes)?;
    }
    let old = parent.join(format!(".{name}.old-{}", std::process::id()));
    if out.exists() {
        std::fs::rename(out, &old)?;
    }
    if let Err(e) = std::fs::rename(&tmp, out) {
        // Put the previous output back rather than leave nothing.
        if old.exists() {
            let _ = std::fs::rename(&old, out);
        }
        return Err(e);
    }
    if old.exists() {
        std::fs::remove_dir_all(&old)?;
    }
    Ok(())
}

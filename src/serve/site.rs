//! Stage 7, review: one build of the case as the server holds it: the pages exactly as
//! `remiss build` writes them, and what the review panel asks about a reading (its
//! evidence, the draft's wording, the manifest entry that confirms or corrects it, the
//! progress of the review).

use crate::answer::lexicon::Lexicon;
use crate::answer::stance::Stance;
use crate::case::{self, Case, CaseError, Correction, Quiet, correct};
use crate::regulation::Regulation;
use crate::render::{self, Limits, Templates};
use serde::Serialize;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// One build: the files and the case they were made from.
pub struct Site {
    /// Every output file by its path in the build (`svar/r1.html`).
    pub files: HashMap<String, Vec<u8>>,
    /// The case as read, with the inputs of its pages.
    pub case: Case,
    /// The content hash of the manifest the build read.
    pub manifest_hash: String,
    /// The build's number, 1 for the first: kept with its pages, so a page or a state is
    /// never said to be newer than it is.
    pub generation: u64,
    /// Review entries by (answer key, target id as shown): the manifest entry's number.
    reviewed: HashMap<(String, String), usize>,
}

/// Why a build failed: every problem, each naming its file.
#[derive(Debug)]
pub struct BuildFailure(pub Vec<String>);

impl std::fmt::Display for BuildFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0.join("\n"))
    }
}

/// Builds the case as `remiss build` does and keeps the pages in memory (they are also
/// written to `out`, when given, the same way `build` writes them). data.json is not
/// kept: it is made again when asked for ([`Site::data_json`]), as for a large case it is
/// most of the build's bytes (51 of 75 MB for 300 answers against a 490-paragraph draft)
/// and the review pages never read it.
pub fn build(
    dir: &Path,
    templates: &Templates,
    lex: &Lexicon,
    out: Option<&Path>,
    sources: &case::SourceCache,
) -> Result<Site, BuildFailure> {
    let one = |e: CaseError| BuildFailure(vec![e.to_string()]);
    let manifest_path = dir.join("remiss.toml");
    let manifest_hash = std::fs::read(&manifest_path)
        .map(|b| super::manifest::hash(&b))
        .unwrap_or_default();
    let (manifest, origin, _) = case::load_case(dir).map_err(one)?;
    let case = case::read_case_cached(dir, manifest, origin, lex, false, &mut Quiet, Some(sources))
        .map_err(|errors| BuildFailure(errors.iter().map(|e| e.to_string()).collect()))?;
    let files = render::pages(
        templates,
        &case.data,
        &case.drafts,
        &case.answer_lines,
        Limits::default(),
    )
    .map_err(|e| BuildFailure(vec![e.to_string()]))?;
    if let Some(out) = out {
        let data = |w: &mut dyn std::io::Write| render::data_json(&case.data, w);
        case::output::write_build_with(out, &files, &[("data.json", &data)])
            .map_err(|e| BuildFailure(vec![format!("{}: {e}", out.display())]))?;
    }
    let mut reviewed = HashMap::new();
    for a in case.data.corrections.iter().chain(&case.data.confirmed) {
        if a.action != "ignore" {
            reviewed.insert((a.key.clone(), a.id.clone()), a.entry);
        }
    }
    Ok(Site {
        files: files.into_iter().collect(),
        case,
        manifest_hash,
        generation: 1,
        reviewed,
    })
}

/// The case's manifest file.
pub fn manifest_path(dir: &Path) -> PathBuf {
    dir.join("remiss.toml")
}

/// What the panel shows of one reading.
#[derive(Serialize)]
pub struct CellView<'a> {
    /// The answer's key (`r2`) and who answered.
    pub r: &'a str,
    /// Who answered.
    pub respondent: &'a str,
    /// The answer's file in the case.
    pub file: &'a str,
    /// The answer's page, where its lines are.
    pub page: &'a str,
    /// The target as shown (after any correction) and as a reader names it.
    pub id: &'a str,
    /// The target as a reader names it (`2 kap. 7 §`).
    pub display: &'a str,
    /// What the target is.
    pub kind: crate::report::TargetKind,
    /// The stance as read (after any correction).
    pub stance: Stance,
    /// The flags as read.
    pub flags: &'a [crate::answer::stance::Flag],
    /// The sentences behind the reading.
    pub evidence: Vec<EvidenceView<'a>>,
    /// The words a paragraph named by topic was matched on.
    pub inferred: Option<&'a [String]>,
    /// Why the reader was unsure, if it was.
    pub uncertain: Option<&'a str>,
    /// The note of the correction that made the reading what it is.
    pub corrected: Option<&'a str>,
    /// The draft's wording of the target.
    pub wording: Vec<String>,
    /// The target to name in a new entry (the target as read).
    pub target: String,
    /// The entry that confirms or corrects this reading, and its hash (`""`: none).
    pub entry: Option<&'a Correction>,
    /// The entry's hash, sent back with a save.
    pub base: String,
    /// The Swedish names of every stance and flag a reviewer can choose (from
    /// `render::sv`, the one vocabulary): (id, label).
    pub stances: Vec<(&'static str, &'static str)>,
    /// The flags likewise.
    pub flag_names: Vec<(&'static str, &'static str)>,
}

/// One sentence behind a reading.
#[derive(Serialize)]
pub struct EvidenceView<'a> {
    /// Its line in the answer.
    pub line: u32,
    /// The sentence.
    pub text: &'a str,
}

/// The review's progress, per answer and in all.
#[derive(Serialize, Default, Clone)]
pub struct Progress {
    /// Readings in the matrix (cells with a sentence behind them).
    pub readings: usize,
    /// Readings a person confirmed or corrected.
    pub reviewed: usize,
    /// Readings confirmed as read.
    pub confirmed: usize,
    /// Readings corrected.
    pub corrected: usize,
    /// Readings dropped with `ignore = true` (they are no longer readings).
    pub ignored: usize,
    /// Readings the reader marked uncertain.
    pub uncertain: usize,
    /// Uncertain readings nobody has reviewed yet.
    pub uncertain_open: usize,
}

/// The progress of one answer.
#[derive(Serialize)]
pub struct AnswerProgress<'a> {
    /// The answer's key.
    pub r: &'a str,
    /// Who answered.
    pub respondent: &'a str,
    /// Its counts.
    #[serde(flatten)]
    pub progress: Progress,
}

/// The review as a whole, for the panel's progress bar.
#[derive(Serialize)]
pub struct State<'a> {
    /// The hash of the manifest this build read.
    pub manifest_hash: &'a str,
    /// The manifest's reviewer.
    pub reviewer: Option<&'a str>,
    /// The counts over all answers.
    pub all: Progress,
    /// The counts per answer.
    pub answers: Vec<AnswerProgress<'a>>,
    /// `r2:K2P7` of every reading reviewed, for the panel's next and previous.
    pub reviewed: Vec<String>,
    /// The citations of paragraphs the draft lacks (no cell of the matrix).
    pub citations: Vec<Citation<'a>>,
}

impl Site {
    /// The file at a request's path, if the build has it. The path is only ever a key in
    /// the build's own map: nothing from a request reaches the file system. data.json is
    /// not among them (see [`Site::data_json`]).
    pub fn file(&self, path: &str) -> Option<&[u8]> {
        self.files.get(path).map(Vec::as_slice)
    }

    /// The build's data.json, made from the case as it is asked for: the same bytes
    /// `remiss build` writes.
    pub fn data_json(&self) -> std::io::Result<Vec<u8>> {
        let mut bytes = Vec::new();
        render::data_json(&self.case.data, &mut bytes)?;
        Ok(bytes)
    }

    fn answer(&self, r: &str) -> Option<usize> {
        self.case.data.respondents.iter().position(|x| x.key == r)
    }

    /// The manifest entry number reviewing (answer `r`, target `id`), if any.
    pub fn entry_of(&self, r: &str, id: &str) -> Option<usize> {
        self.reviewed.get(&(r.to_string(), id.to_string())).copied()
    }

    /// One reading for the panel, or None when the answer has none on the target.
    pub fn cell(&self, r: &str, id: &str) -> Option<CellView<'_>> {
        let i = self.answer(r)?;
        let data = &self.case.data;
        if id.starts_with('?') {
            return self.citation(i, id);
        }
        let row = data.matrix.rows.iter().find(|x| x.id == id)?;
        let cell = row.cells.get(i)?;
        if cell.evidence.is_empty() {
            return None;
        }
        let resp = &data.respondents[i];
        let entry = self
            .entry_of(r, id)
            .and_then(|n| data.manifest.corrections.get(n));
        // An entry names the target as it was read; a new one names the row (a citation
        // the draft lacks by its words).
        let target = match entry {
            Some(e) => e.target.clone(),
            None => id.strip_prefix('?').unwrap_or(id).to_string(),
        };
        Some(CellView {
            r: &resp.key,
            respondent: &resp.name,
            file: &resp.file,
            page: &resp.page,
            id: &row.id,
            display: &row.display,
            kind: row.kind,
            stance: cell.stance,
            flags: &cell.flags,
            evidence: cell
                .evidence
                .iter()
                .map(|e| EvidenceView {
                    line: e.line,
                    text: &e.text,
                })
                .collect(),
            inferred: cell.inferred.as_deref(),
            uncertain: cell.uncertain.as_deref(),
            corrected: cell.corrected.as_deref(),
            wording: self
                .case
                .drafts
                .first()
                .map(|d| wording(d, id))
                .unwrap_or_default(),
            target,
            base: super::manifest::entry_hash(entry),
            entry,
            stances: stance_choices(),
            flag_names: flag_names(),
        })
    }

    /// A citation of a paragraph the draft lacks (`?2 kap. 25 §`): no cell of the matrix,
    /// but a reading to re-point (`target_is`) or drop, as the answer was read.
    fn citation(&self, i: usize, id: &str) -> Option<CellView<'_>> {
        let data = &self.case.data;
        let resp = data.respondents.get(i)?;
        let row = self
            .case
            .readings
            .get(i)?
            .rows
            .iter()
            .find(|x| x.id == id)?;
        let written = id.strip_prefix('?').unwrap_or(id);
        let entry = super::manifest::find(&data.manifest, &resp.file, &resp.name, written)
            .and_then(|n| data.manifest.corrections.get(n));
        Some(CellView {
            r: &resp.key,
            respondent: &resp.name,
            file: &resp.file,
            page: &resp.page,
            id: &row.id,
            display: &row.display,
            kind: crate::report::TargetKind::Other,
            stance: row.stance,
            flags: &row.flags,
            evidence: row
                .evidence
                .iter()
                .map(|e| EvidenceView {
                    line: e.line,
                    text: &e.text,
                })
                .collect(),
            inferred: row.inferred.as_deref(),
            uncertain: row.unresolved.as_deref().or(row.uncertain.as_deref()),
            corrected: None,
            wording: Vec::new(),
            target: written.to_string(),
            base: super::manifest::entry_hash(entry),
            entry,
            stances: stance_choices(),
            flag_names: flag_names(),
        })
    }

    /// Every citation of a paragraph the draft lacks, per answer, and whether an entry of
    /// the manifest has dealt with it.
    fn citations(&self) -> Vec<Citation<'_>> {
        let data = &self.case.data;
        let mut out = Vec::new();
        for (resp, table) in data.respondents.iter().zip(&self.case.readings) {
            for row in &table.rows {
                let crate::answer::stance::Target::Unresolved { written } = &row.target else {
                    continue;
                };
                if row.evidence.is_empty() {
                    continue;
                }
                out.push(Citation {
                    r: &resp.key,
                    respondent: &resp.name,
                    id: &row.id,
                    display: written,
                    line: row.evidence[0].line,
                    reviewed: super::manifest::find(
                        &data.manifest,
                        &resp.file,
                        &resp.name,
                        written,
                    )
                    .is_some(),
                });
            }
        }
        out
    }

    /// The answer's file and respondent by its key.
    pub fn respondent(&self, r: &str) -> Option<(&str, &str)> {
        let i = self.answer(r)?;
        let x = &self.case.data.respondents[i];
        Some((&x.file, &x.name))
    }

    /// Every paragraph of the first draft as a reader names it (for re-pointing).
    pub fn paragraphs(&self) -> Vec<String> {
        self.case
            .drafts
            .first()
            .map(|d| d.paragraphs().map(|p| p.display.clone()).collect())
            .unwrap_or_default()
    }

    /// Checks the corrections of a manifest against the readings of this build, as the
    /// next build will apply them; the errors of entry `n` (from 0), if any.
    pub fn check(&self, text: &str, n: Option<usize>) -> Result<(), String> {
        let m: case::Manifest = toml::from_str(text).map_err(|e| e.to_string())?;
        // Another set of answers or drafts is for the next build to judge.
        if m.answers != self.case.data.manifest.answers
            || m.drafts != self.case.data.manifest.drafts
        {
            return Ok(());
        }
        let Some(first) = self.case.drafts.first() else {
            return Ok(());
        };
        let mut tables = self.case.readings.clone();
        let mut refs: Vec<&mut crate::answer::stance::StanceTable> = tables.iter_mut().collect();
        match correct::apply(
            Path::new("remiss.toml"),
            &m.corrections,
            &self.case.answer_ids,
            &mut refs,
            first,
        ) {
            Ok(_) => Ok(()),
            Err(errors) => {
                let mine: Vec<String> = errors
                    .iter()
                    .filter_map(|e| match e {
                        CaseError::Correction { index, message, .. }
                            if Some(*index) == n.map(|n| n + 1) =>
                        {
                            Some(message.clone())
                        }
                        _ => None,
                    })
                    .collect();
                if mine.is_empty() {
                    Ok(())
                } else {
                    Err(mine.join("; "))
                }
            }
        }
    }

    /// How far the review has come.
    pub fn state(&self) -> State<'_> {
        let data = &self.case.data;
        let mut per: Vec<Progress> = vec![Progress::default(); data.respondents.len()];
        let mut reviewed = Vec::new();
        for row in &data.matrix.rows {
            for (i, cell) in row.cells.iter().enumerate() {
                if cell.evidence.is_empty() || cell.stance == Stance::NotAddressed {
                    continue;
                }
                let p = &mut per[i];
                let key = &data.respondents[i].key;
                p.readings += 1;
                let done = self.reviewed.contains_key(&(key.clone(), row.id.clone()));
                if done {
                    p.reviewed += 1;
                    reviewed.push(format!("{key}:{}", row.id));
                }
                if cell.corrected.is_some() {
                    p.corrected += 1;
                } else if done {
                    p.confirmed += 1;
                }
                if cell.uncertain.is_some() {
                    p.uncertain += 1;
                    if !done {
                        p.uncertain_open += 1;
                    }
                }
            }
        }
        for a in &data.corrections {
            if a.action == "ignore"
                && let Some(p) = per.get_mut(a.answer)
            {
                p.ignored += 1;
            }
        }
        let mut all = Progress::default();
        for p in &per {
            all.readings += p.readings;
            all.reviewed += p.reviewed;
            all.confirmed += p.confirmed;
            all.corrected += p.corrected;
            all.ignored += p.ignored;
            all.uncertain += p.uncertain;
            all.uncertain_open += p.uncertain_open;
        }
        State {
            manifest_hash: &self.manifest_hash,
            reviewer: data.manifest.reviewer.as_deref(),
            all,
            answers: data
                .respondents
                .iter()
                .zip(per)
                .map(|(r, progress)| AnswerProgress {
                    r: &r.key,
                    respondent: &r.name,
                    progress,
                })
                .collect(),
            reviewed,
            citations: self.citations(),
        }
    }
}

/// The stances a reviewer chooses from, in the order of the matrix's legend (the keys 1–6):
/// all the legend's but `ej berörd`, which is what no reading at all means.
fn stance_choices() -> Vec<(&'static str, &'static str)> {
    render::LEGEND
        .iter()
        .filter(|s| **s != Stance::NotAddressed)
        .map(|s| (s.as_str(), render::sv::mark(*s)))
        .collect()
}
fn flag_names() -> Vec<(&'static str, &'static str)> {
    crate::answer::stance::Flag::ALL
        .iter()
        .map(|f| (f.as_str(), render::sv::flag(*f)))
        .collect()
}

/// A citation of a paragraph the draft lacks, for the panel's list of them.
#[derive(Serialize)]
pub struct Citation<'a> {
    /// The answer's key.
    pub r: &'a str,
    /// Who answered.
    pub respondent: &'a str,
    /// The reading's id (`?2 kap. 25 §`).
    pub id: &'a str,
    /// The citation as written.
    pub display: &'a str,
    /// Its first line in the answer.
    pub line: u32,
    /// An entry of the manifest re-points or drops it.
    pub reviewed: bool,
}

/// The draft's wording of a target: a paragraph's stycken, punkter and allmänna råd; a
/// chapter's heading; the proposal's title.
fn wording(d: &Regulation, id: &str) -> Vec<String> {
    if id == "DOC" {
        return d.title.iter().map(|t| t.text.clone()).collect();
    }
    let Some(a) = crate::address::Address::from_id(id) else {
        return Vec::new();
    };
    if a.paragraf.is_none() {
        return d
            .chapter(a.kapitel)
            .map(|k| {
                vec![format!(
                    "{} {}",
                    k.display,
                    k.heading.clone().unwrap_or_default()
                )]
            })
            .unwrap_or_default();
    }
    let Some(p) = d.paragraph(&a.paragraph_part()) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (n, st) in p.stycken.iter().enumerate() {
        let text = if n == 0 {
            format!("{} § {}", p.label, st.text)
        } else {
            st.text.clone()
        };
        out.push(text);
        out.extend(st.punkter.iter().map(|x| match x.label {
            crate::address::PunktLabel::Number(n) => format!("{n}. {}", x.text),
            crate::address::PunktLabel::Letter(c) => format!("{c}) {}", x.text),
        }));
    }
    for ar in p.allmanna_rad() {
        out.push(ar.heading.clone());
        out.extend(ar.stycken.iter().map(|x| x.text.clone()));
    }
    out
}

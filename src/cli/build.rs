//! `remiss build`: a case folder into the consolidated opinion, the compilation, the
//! comparison of versions and the effect of comments.

use super::{CmdResult, EXIT_FINDINGS, EXIT_OK};
use anyhow::{Context, bail};
use remiss::case::{self, ManifestOrigin, Progress, output};
use remiss::render::Stop;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

/// The sample case shipped in the repository, built when no CASE is given.
pub const SAMPLE_CASE: &str = "corpus/msb-cybersakerhet";

/// Build a case folder of drafts and answers into the consolidated opinion and its reports.
///
/// Reads CASE (with or without a remiss.toml) and writes into out/<case>/ the consolidated
/// opinion (Markdown, HTML, Word), the compilation of stances (HTML, CSV), the comparison of
/// the draft versions, the effect of the comments, data.json and index.html.
///
/// The output folder must be new, empty or a previous build (it carries a .remiss-build
/// file); it may not be, hold or lie inside the case folder or any other input.
///
/// Exit codes: 0 built; 1 built, but some files were skipped (--keep-going); 2 nothing
/// written (an input, the manifest or a template failed; each problem is listed); 4 the
/// output was refused or could not be written (nothing was changed).
#[derive(clap::Args)]
pub struct Args {
    /// The case folder [default: corpus/msb-cybersakerhet, the sample case].
    pub case: Option<PathBuf>,
    /// Output folder [default: out/<case folder name>].
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// A folder of templates overriding the embedded ones (same file names as templates/;
    /// symbolic links are refused).
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
    /// The longest the templates may take together, in seconds; a template still running
    /// then (an endless loop) is an error and nothing is written.
    #[arg(
        long,
        value_name = "SECS",
        default_value_t = 120,
        env = "REMISS_TEMPLATE_TIMEOUT"
    )]
    pub template_timeout: u64,
    /// Build what can be built when some inputs cannot be read, and list them.
    #[arg(long)]
    pub keep_going: bool,
    /// A Word document whose styles, page setup, headers and footers yttrande.docx takes
    /// (as pandoc's --reference-doc): the organisation's own template.
    #[arg(long, value_name = "FILE")]
    pub reference_docx: Option<PathBuf>,
    /// A stance vocabulary to use instead of the embedded one.
    #[arg(long, env = "REMISS_LEXICON")]
    pub lexicon: Option<PathBuf>,
}

struct Bar {
    on: bool,
}

impl Progress for Bar {
    fn step(&mut self, what: &str, done: usize, total: usize) {
        if self.on {
            eprint!("\rreading {what}: {done}/{total}   ");
            if done == total {
                eprintln!();
            }
        }
    }
}

/// The case folder given, or the sample case when run from the repository.
pub fn case_dir(case: Option<PathBuf>) -> anyhow::Result<PathBuf> {
    match case {
        Some(d) => Ok(d),
        None => {
            let d = PathBuf::from(SAMPLE_CASE);
            if !d.is_dir() {
                bail!(
                    "no case folder given, and the sample case {SAMPLE_CASE} is not here; run from the repository root or give CASE"
                );
            }
            Ok(d)
        }
    }
}

/// The build's output folder (`out/<case>` unless given), refused before anything is read
/// or written when it is not ours to replace or is, holds or lies in one of `inputs`.
pub fn output_dir(
    dir: &Path,
    output: Option<PathBuf>,
    inputs: &[Option<&Path>],
) -> anyhow::Result<PathBuf> {
    let out = output.unwrap_or_else(|| PathBuf::from("out").join(case::case_name(dir)));
    // `-o .` or `-o ..` names a folder by where it is: give it its name.
    let out = if out.file_name().is_none() {
        output::resolve(&out)
    } else {
        out
    };
    let inputs: Vec<&Path> = std::iter::once(dir)
        .chain(inputs.iter().flatten().copied())
        .collect();
    output::check_not_input(&out, &inputs)
        .and_then(|()| output::check_build_target(&out))
        .with_context(|| format!("cannot write the build into {}", out.display()))?;
    Ok(out)
}

pub fn run(a: Args) -> CmdResult {
    let dir = case_dir(a.case.clone())?;
    let out = output_dir(
        &dir,
        a.output.clone(),
        &[
            a.templates.as_deref(),
            a.lexicon.as_deref(),
            a.reference_docx.as_deref(),
        ],
    )?;
    let lex = super::stances::load_lexicon(a.lexicon.as_deref())?;
    let mut templates = remiss::render::Templates::load(a.templates.as_deref())
        .context("the templates cannot be used")?;
    if let Some(r) = &a.reference_docx {
        // A template document, not an archive: refused before it is read when larger.
        let size = std::fs::metadata(r)
            .with_context(|| format!("cannot read the reference document {}", r.display()))?
            .len();
        if size > 64 << 20 {
            bail!(
                "{} cannot serve as reference document: {size} bytes, over the limit of 64 MiB",
                r.display()
            );
        }
        let bytes = std::fs::read(r)
            .with_context(|| format!("cannot read the reference document {}", r.display()))?;
        templates = templates
            .with_reference_docx(bytes)
            .with_context(|| format!("{} cannot serve as reference document", r.display()))?;
    }
    let (manifest, origin, passed_over) = case::load_case(&dir)?;
    for s in &passed_over {
        eprintln!(
            "notice: {}/{}: skipped: {}",
            dir.display(),
            s.file,
            s.reason
        );
    }
    if origin == ManifestOrigin::Discovered {
        eprintln!(
            "notice: {} has no remiss.toml; building from the files found (run `remiss init {}` to save the manifest and edit it)",
            dir.display(),
            dir.display()
        );
    }
    let total = manifest.drafts.len() + manifest.answers.len();
    let mut bar = Bar {
        on: std::io::stderr().is_terminal() && total >= 20,
    };
    let case = match case::read_case_to_build(&dir, manifest, origin, &lex, a.keep_going, &mut bar)
    {
        Ok(c) => c,
        Err(errors) => {
            for e in &errors {
                eprintln!("error: {e}");
            }
            bail!(
                "{} problem(s) in the case {}; nothing was written (use --keep-going to build what can be built)",
                errors.len(),
                dir.display()
            );
        }
    };
    let case::Case {
        data,
        notices,
        drafts,
        answer_lines,
        ..
    } = case;
    for n in &notices {
        eprintln!("notice: {n}");
    }
    for s in &data.skipped {
        eprintln!("warning: skipped: {}", s.reason);
    }
    let limits = remiss::render::Limits {
        deadline: std::time::Duration::from_secs(a.template_timeout),
        ..Default::default()
    };
    let cannot_write = || format!("cannot write the build into {}", out.display());
    // Each page goes into the build's temporary folder as soon as it is made, so the build
    // never holds all its pages at once; a failure removes the folder, and the previous
    // output stays as it was.
    let build = output::BuildDir::create(&out).with_context(cannot_write)?;
    let mut count = 0;
    let mut sink = |name: String, page: remiss::render::Page<'_>| {
        count += 1;
        match page {
            remiss::render::Page::Bytes(bytes) => build.write(&name, &bytes),
            remiss::render::Page::Written(write) => build.write_with(&name, write),
        }
    };
    // data.json (the largest file, and a fifth of a large build's work) is written on a
    // thread of its own while the pages are rendered: both only read the data, and each
    // file's bytes are the same whichever finishes first.
    let (rendered, json) = std::thread::scope(|s| {
        let json = s.spawn(|| {
            build.write_with("data.json", &|w: &mut dyn std::io::Write| {
                remiss::render::data_json(&data, w)
            })
        });
        let rendered = remiss::render::pages_each(
            &templates,
            &data,
            &drafts,
            &answer_lines,
            limits,
            &mut sink,
        );
        (rendered, json.join())
    });
    match rendered {
        Ok(()) => {}
        Err(Stop::Render(e)) => {
            return Err(anyhow::Error::new(e).context("rendering failed; nothing was written"));
        }
        Err(Stop::Sink(e)) => return Err(anyhow::Error::new(e).context(cannot_write())),
    }
    match json {
        Ok(written) => written.with_context(cannot_write)?,
        Err(_) => bail!("writing data.json failed; nothing was written"),
    }
    let written = build.finish().with_context(cannot_write)?;
    if written.leftovers_removed > 0 {
        eprintln!(
            "notice: removed {} temporary folder(s) left beside {} by an interrupted build",
            written.leftovers_removed,
            out.display()
        );
    }
    eprintln!(
        "wrote {} files to {}: {} answers, {} paragraphs, {} with comments, {} conflicts; open {}",
        count + 1,
        out.display(),
        data.figures.answers,
        data.figures.paragraphs,
        data.figures.commented_paragraphs,
        data.figures.conflicts,
        out.join("index.html").display()
    );
    Ok(if data.skipped.is_empty() {
        EXIT_OK
    } else {
        EXIT_FINDINGS
    })
}

//! `remiss diff`: compares two versions of a regulation paragraph by paragraph.

use super::{CmdResult, EXIT_FINDINGS, EXIT_INPUT, EXIT_OK, EXIT_OUTPUT, emit};
use anyhow::Context;
use clap::ValueEnum;
use remiss::case::output;
use remiss::compare::{self, Options};
use remiss::render;
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum Format {
    /// A summary and the changed paragraphs with inline word changes; coloured on a
    /// terminal (unless NO_COLOR is set), plain when piped.
    Text,
    /// A Swedish parallelluppställning (Nuvarande lydelse | Föreslagen lydelse) in Markdown.
    Md,
    /// The parallelluppställning as a self-contained HTML page, readable when printed.
    Html,
    /// The version map (stable, documented in the README and `remiss::compare`).
    Json,
    /// One line per paragraph entry: relation, old ids, new ids, similarity.
    Tsv,
}

/// Compare two versions of a regulation paragraph by paragraph.
///
/// Every paragraph of both versions is accounted for as exactly one of: unchanged,
/// changed, renumbered, moved, split, merged, added or removed. Paragraphs are aligned
/// first (by label and by content), then words are compared inside each aligned pair.
/// Chapter headings, rubriker, allmänna råd, the preamble and övergångsbestämmelser are
/// compared too. Only whitespace, line wrapping and line-break hyphenation are normalised
/// away, and each is counted in the summary.
///
/// NEW may be an amendment (`… om ändring i …`): it is applied to OLD, and the base is
/// compared with the base as amended; `md` and `html` then give the parallelluppställning
/// in the layout of a proposition (only the changed paragraphs, `– – –` between them).
///
/// Exit codes: 0 no differences; 1 differences; 2 error (an unreadable file, a file
/// that is not a regulation, an amendment that does not fit OLD); 4 the output cannot be written (a missing folder, a folder,
/// a read-only file, or one of the inputs).
#[derive(clap::Args)]
pub struct Args {
    /// The old version (nuvarande lydelse, or the consultation draft).
    pub old: PathBuf,
    /// The new version (föreslagen lydelse, or the final text). Leave it out to compare
    /// a Word document's text before and after its tracked changes.
    pub new: Option<PathBuf>,
    /// The output format.
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
    /// Write the output to FILE (atomically) instead of standard output. FILE's folder
    /// must exist, and FILE may not be OLD or NEW.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
}

pub fn run(a: Args) -> CmdResult {
    // Every failure to read or compare is exit code 2, as for diff(1); an output that
    // cannot be written is 4, as for every command.
    match compare_files(&a) {
        Ok(code) => Ok(code),
        Err(e) => {
            eprintln!("{}", super::error_message(&e));
            Ok(match super::exit::of(&e) {
                EXIT_OUTPUT => EXIT_OUTPUT,
                _ => EXIT_INPUT,
            })
        }
    }
}

fn compare_files(a: &Args) -> CmdResult {
    let inputs: Vec<&Path> = std::iter::once(a.old.as_path())
        .chain(a.new.as_deref())
        .collect();
    if let Some(out) = &a.output {
        // Refused before the (possibly long) comparison, and checked again when writing.
        output::check_not_input(out, &inputs)
            .with_context(|| format!("cannot write {}", out.display()))?;
    }
    // Two threads where there are two processors: the two versions are independent, and so
    // are the word diffs of the aligned pairs. One helper serves for all of them. Short
    // plain-text versions are compared on this thread alone (their sizes are checked again
    // as read).
    let bytes: u64 = inputs
        .iter()
        .filter_map(|p| std::fs::metadata(p).ok())
        .map(|m| m.len())
        .sum();
    if inputs.iter().all(|p| remiss::source::named_plain_text(p)) && bytes < HELPER_MIN_BYTES {
        return compare_with(a, &inputs, 1);
    }
    remiss::threads::with_helper(|| {
        let threads = if remiss::threads::has_helper() { 2 } else { 1 };
        compare_with(a, &inputs, threads)
    })
}

/// Plain-text versions shorter than this in all are compared on one thread: starting,
/// placing and ending the helper costs about what it takes over from them. Medians of runs
/// back to back, two threads against one: a one-paragraph pair, 1.68 against 1.46 ms;
/// Hälso- och sjukvårdslagen (84 KB in all), 2.15 against 2.15; Miljötillsynsförordningen
/// (127 KB), 2.41 against 2.48; Lagen om elektronisk kommunikation cut to 190 KB, 2.66
/// against 2.72, and to 229 KB, 2.80 against 2.99. A pair of small PDFs (46 KB) took 6.35
/// ms on two threads and 6.93 on one.
const HELPER_MIN_BYTES: u64 = 96 * 1024;

/// The comparison of `compare_files`, on `threads` threads (with this thread's helper).
fn compare_with(a: &Args, inputs: &[&Path], threads: usize) -> CmdResult {
    let opts = Options {
        threads,
        ..Options::default()
    };
    let (old, new, prepared) = match &a.new {
        Some(new_path) => {
            // The new version may be an amendment, read as such; otherwise its text is
            // parsed as the old one's is.
            let read_new_text = || {
                remiss::source::read_unsplit(new_path).map(|mut text| {
                    if remiss::amend::is_amendment(&text) {
                        text.split_blocks();
                        NewText::Amendment(text)
                    } else {
                        NewText::Regulation(text)
                    }
                })
            };
            let parsed_new = |text: remiss::Result<NewText>| {
                text.and_then(|text| match text {
                    NewText::Amendment(amendment) => Ok(New::Amendment(amendment)),
                    NewText::Regulation(text) => remiss::read_regulation_text(new_path, text)
                        .map(|parsed| New::Regulation(Box::new(parsed))),
                })
            };
            // Errors are reported in the same order as when read one after the other.
            let plain = inputs.iter().all(|p| remiss::source::named_plain_text(p));
            let (old_read, new_read, prepared) = if threads > 1 && plain {
                // The two versions are read side by side (they are independent), then
                // parsed in pieces that both threads take from, each thread making what
                // the alignment needs of a version alone (its paragraph keys) as it ends.
                let (old_text, new_text) =
                    remiss::threads::join(|| remiss::source::read_unsplit(&a.old), read_new_text);
                match (old_text, new_text) {
                    (Ok(old_text), Ok(NewText::Regulation(new_text))) => {
                        let ((old, old_keys), (new, new_keys)) = remiss::read_regulation_pair(
                            (&a.old, old_text),
                            (new_path, new_text),
                            compare::Prepared::of,
                        );
                        let new = new.map(|parsed| New::Regulation(Box::new(parsed)));
                        (old, new, old_keys.zip(new_keys))
                    }
                    (old_text, new_text) => {
                        let old = old_text.and_then(|t| remiss::read_regulation_text(&a.old, t));
                        (old, parsed_new(new_text), None)
                    }
                }
            } else if threads > 1 {
                // A PDF or Word version is not cut into pieces, and an amendment (most come
                // as PDFs) needs the old version parsed before it is read: each thread
                // reads and parses one version, the old one while the new one is read.
                let ((old, old_keys), (new, new_keys)) = remiss::threads::join(
                    || {
                        let read = remiss::read_regulation(&a.old);
                        let keys = read.as_ref().ok().map(|r| compare::Prepared::of(&r.0));
                        (read, keys)
                    },
                    || {
                        let new = parsed_new(read_new_text());
                        let keys = match &new {
                            Ok(New::Regulation(parsed)) => Some(compare::Prepared::of(&parsed.0)),
                            _ => None,
                        };
                        (new, keys)
                    },
                );
                (old, new, old_keys.zip(new_keys))
            } else {
                (
                    remiss::read_regulation(&a.old),
                    parsed_new(read_new_text()),
                    None,
                )
            };
            let new_context = || format!("cannot read the new version {}", new_path.display());
            let old_context = || format!("cannot read the old version {}", a.old.display());
            let new_read = match new_read {
                Ok(New::Amendment(text)) => {
                    let old_read = old_read.with_context(old_context)?;
                    return amendment(a, new_path, old_read, text, inputs, &opts);
                }
                Ok(New::Regulation(parsed)) => Ok(*parsed),
                Err(e @ remiss::Error::NotARegulation { .. }) => Err(e),
                Err(e) => return Err(anyhow::Error::new(e).context(new_context())),
            };
            // Each text is dropped once its notices are shown: only the trees are compared.
            let (old, old_text) = old_read.with_context(old_context)?;
            super::notices(&old_text);
            drop(old_text);
            let (new, new_text) = new_read.with_context(new_context)?;
            super::notices(&new_text);
            drop(new_text);
            (old, new, prepared)
        }
        None => {
            let (old, new) = tracked_states(&a.old)?;
            (old, new, None)
        }
    };

    let map = compare::align_prepared(&old, &new, prepared, &opts);
    for w in &map.warnings {
        eprintln!("warning: {w}");
    }
    let paint = if matches!(a.format, Format::Text) && a.output.is_none() {
        render::terminal::Paint::for_stdout()
    } else {
        render::terminal::Paint::new(false)
    };
    // Only the Markdown templates are compiled, before anything is written: the HTML ones
    // would cost more than the diff.
    let md = match a.format {
        Format::Md => Some(render::comparison_markdown(
            &render::Templates::embedded_markdown()?,
            &map,
            &old,
            &new,
        )?),
        _ => None,
    };
    // Every format but Markdown is streamed (to standard output or into the temporary
    // file), so no output is held whole beside the version map.
    let mut write = |w: &mut dyn Write| match (a.format, &md) {
        (Format::Json, _) => {
            render::compare::write_json(w, &map)?;
            w.write_all(b"\n")
        }
        (Format::Tsv, _) => render::compare::write_tsv(w, &map),
        (Format::Text, _) => w.write_all(render::compare::text(&map, &old, &new, paint).as_bytes()),
        // The default page is written directly: no template is compiled for it.
        (Format::Html, _) => render::compare::write_html(w, &map, &old, &new, None),
        (Format::Md, md) => w.write_all(md.as_deref().unwrap_or_default().as_bytes()),
    };
    match &a.output {
        Some(path) => output::write_file_with(path, inputs, &mut write)
            .with_context(|| format!("cannot write {}", path.display()))?,
        None => super::emit_with(|w| write(w))?,
    }
    if !map.has_differences() && !matches!(a.format, Format::Text) {
        eprintln!("No differences in wording or structure.");
    }
    let code = if map.has_differences() {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    };
    // The output is written and closed: the trees and the map are left to the system, which
    // takes the whole address space back at exit at once, instead of being freed block by
    // block (2.5% of the instructions of a diff of two 0.6 MB statutes).
    std::mem::forget(map);
    std::mem::forget(old);
    std::mem::forget(new);
    Ok(code)
}

/// What NEW turned out to be.
enum New {
    Regulation(Box<(remiss::regulation::Regulation, remiss::source::Text)>),
    Amendment(remiss::source::Text),
}

/// The new version's text as read, before a regulation is parsed from it.
enum NewText {
    Regulation(remiss::source::Text),
    Amendment(remiss::source::Text),
}

/// NEW is an amendment: the base (OLD) is compared with the base as amended, and the
/// parallelluppställning (md, html) is the proposition layout of the changed parts.
fn amendment(
    a: &Args,
    new_path: &Path,
    (old, old_text): (remiss::regulation::Regulation, remiss::source::Text),
    new_text: remiss::source::Text,
    inputs: &[&Path],
    opts: &Options,
) -> CmdResult {
    super::notices(&old_text);
    super::notices(&new_text);
    let am = remiss::amend::read(&new_text, Some(&old))
        .with_context(|| format!("cannot read the amendment {}", new_path.display()))?;
    let (new, outcome) = remiss::amend::amended(&old, &old_text, &am)
        .with_context(|| format!("cannot apply {} to {}", new_path.display(), a.old.display()))?;
    for w in &outcome.warnings {
        eprintln!("warning: {w}");
    }
    let map = compare::align(&old, &new, opts);
    for w in &map.warnings {
        eprintln!("warning: {w}");
    }
    let out = match a.format {
        Format::Json => {
            let mut s = Vec::new();
            render::compare::write_json(&mut s, &map)?;
            s.push(b'\n');
            String::from_utf8(s)?
        }
        Format::Tsv => render::compare::tsv(&map),
        Format::Text => {
            let paint = if a.output.is_none() {
                render::terminal::Paint::for_stdout()
            } else {
                render::terminal::Paint::new(false)
            };
            render::compare::text(&map, &old, &new, paint)
        }
        Format::Md => {
            let t = render::Templates::embedded_markdown()?;
            render::amendment_comparison(&t, "andring.md", &map, &old, &new, &am)?
        }
        Format::Html => {
            let t = render::Templates::embedded()?;
            render::amendment_comparison(&t, "andring.html", &map, &old, &new, &am)?
        }
    };
    match &a.output {
        Some(path) => output::write_file(path, out.as_bytes(), inputs)
            .with_context(|| format!("cannot write {}", path.display()))?,
        None => emit(&out)?,
    }
    Ok(if map.has_differences() {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    })
}

/// The two states of a Word document with tracked changes: before and after them.
fn tracked_states(
    path: &std::path::Path,
) -> anyhow::Result<(remiss::Regulation, remiss::Regulation)> {
    let mut head = [0u8; 2];
    let is_zip = std::fs::File::open(path)
        .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut head))
        .is_ok()
        && head == *b"PK";
    if !is_zip {
        anyhow::bail!(
            "give the new version too: only a Word document with tracked changes can be compared with itself ({} is not one)",
            path.display()
        );
    }
    let (before, after) = remiss::source::docx::read_states(path).with_context(|| {
        format!(
            "give NEW, or a Word document with tracked changes as OLD: cannot read {}",
            path.display()
        )
    })?;
    let old = remiss::regulation::parse(&before);
    let new = remiss::regulation::parse(&after);
    if old.paragraph_count() == 0 || new.paragraph_count() == 0 {
        anyhow::bail!(remiss::Error::NotARegulation {
            path: path.to_path_buf()
        });
    }
    Ok((old, new))
}

/// Writes one output file atomically and safely (see [`output::write_file`]): a temporary
/// file beside `path` renamed into place; a folder, a link or a read-only file at `path`,
/// or a missing folder, is refused (exit 4).
pub fn write_atomically(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    Ok(output::write_file(path, bytes, &[])?)
}

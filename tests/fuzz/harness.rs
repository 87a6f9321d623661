//! The mutation harness: real documents from the corpus and the fixtures, mutated the way
//! real documents go wrong (lines lost, duplicated or swapped, stray `§` and `kap.`, letters
//! whose lower case has another length, combining marks, invalid bytes, truncation), fed to
//! every reader and stage the commands use.

use remiss::answer::{self, lexicon::Lexicon, stance, topic::TopicIndex};
use remiss::regulation::{self, Regulation};
use remiss::source::{self, Text};
use remiss::{cite, compare};
use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// What a case exercises: the stages behind `parse`, `refs`, `stances`, `check`, `diff`,
/// and the PDF and Word readers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Target {
    Parse,
    Refs,
    Stances,
    Check,
    Diff,
    Pdf,
    Docx,
}

impl Target {
    pub const ALL: [Target; 7] = [
        Target::Parse,
        Target::Refs,
        Target::Stances,
        Target::Check,
        Target::Diff,
        Target::Pdf,
        Target::Docx,
    ];
}

/// A small, fast, reproducible generator (SplitMix64): a case number is all it takes to
/// replay a case.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15)
    }
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// A number in `0..n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    pub fn pick<'a, T>(&mut self, v: &'a [T]) -> &'a T {
        &v[self.below(v.len())]
    }
}

/// Text that real documents carry and parsers trip on: citation pieces, dates, dashes,
/// letters whose lower case is longer or shorter (`İ`, `ẞ`, Kelvin `K`), combining marks,
/// invisible and line-separating characters.
pub const PIECES: &[&str] = &[
    "§",
    " § ",
    "§§",
    " kap.",
    "2 kap. ",
    "7 a § ",
    "10–11 §§",
    "första stycket 2",
    "punkt 3",
    "2025-11-0å",
    "2025-11-1–30",
    "İ",
    "İİ",
    "ẞ",
    "\u{212A}",
    "ﬁ",
    "\u{301}",
    "e\u{308}",
    "\u{200D}",
    "\u{A0}",
    "\u{2028}",
    "\u{200F}",
    "\u{FEFF}",
    "🙂",
    "–",
    "\t",
    "\r\n",
    "\n\n",
    "tillstyrker ",
    "avstyrker ",
    "Kapitlet lämnas utan synpunkt.",
    "Övriga paragrafer i kapitlet lämnas utan synpunkt.",
    "Stadsledningskontoret ",
    "Har upphävts genom förordning (2025:1).",
    "/Träder i kraft I:2026-01-15/",
    "Lag (2025:1511).",
    "Övergångsbestämmelser",
    "# ",
    "- ",
    "1. ",
    "<script>",
    "(",
    ")",
    "”",
];

fn boundary(s: &str, rng: &mut Rng) -> usize {
    if s.is_empty() {
        return 0;
    }
    let mut i = rng.below(s.len() + 1);
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Applies 1–8 mutations of real-text kinds to `s`.
pub fn mutate_text(s: &str, rng: &mut Rng) -> String {
    let mut s = s.to_string();
    for _ in 0..1 + rng.below(8) {
        let mut lines: Vec<String> = s.split('\n').map(str::to_string).collect();
        match rng.below(10) {
            0 if lines.len() > 1 => {
                let i = rng.below(lines.len());
                lines.remove(i);
                s = lines.join("\n");
            }
            1 => {
                let i = rng.below(lines.len());
                let l = lines[i].clone();
                lines.insert(i, l);
                s = lines.join("\n");
            }
            2 => {
                let (i, j) = (rng.below(lines.len()), rng.below(lines.len()));
                lines.swap(i, j);
                s = lines.join("\n");
            }
            3 => {
                let at = boundary(&s, rng);
                s.truncate(at);
            }
            4 => {
                // Replace one character by a case-changing or combining one.
                let at = boundary(&s, rng);
                if let Some(c) = s[at..].chars().next() {
                    let with = *rng.pick(&["İ", "ẞ", "\u{212A}", "\u{301}", "ß", "Σ"]);
                    s.replace_range(at..at + c.len_utf8(), with);
                }
            }
            5 => {
                // A line's start turned into a paragraph or chapter marker.
                let i = rng.below(lines.len());
                let n = 1 + rng.below(30);
                let marker = match rng.below(3) {
                    0 => format!("{n} § "),
                    1 => format!("{n} kap. "),
                    _ => format!("{n} a § "),
                };
                lines[i].insert_str(0, &marker);
                s = lines.join("\n");
            }
            6 => {
                // A run of text copied from elsewhere in the document.
                let a = boundary(&s, rng);
                let b = boundary(&s, rng);
                let (a, b) = (a.min(b), a.max(b).min(a.min(b) + 400));
                let mut b = b;
                while !s.is_char_boundary(b) {
                    b -= 1;
                }
                let chunk = s[a..b].to_string();
                let at = boundary(&s, rng);
                s.insert_str(at, &chunk);
            }
            7 => {
                let at = boundary(&s, rng);
                let a = boundary(&s, rng);
                let mut b = (a + rng.below(40)).min(s.len());
                while !s.is_char_boundary(b) {
                    b -= 1;
                }
                let _ = at;
                s.replace_range(a..b, "");
            }
            _ => {
                let at = boundary(&s, rng);
                s.insert_str(at, <&str>::clone(rng.pick(PIECES)));
            }
        }
    }
    s
}

/// Byte-level mutations (for the decoders and the PDF reader): flipped and inserted bytes,
/// lost or repeated chunks, truncation.
pub fn mutate_bytes(b: &[u8], rng: &mut Rng) -> Vec<u8> {
    let mut v = b.to_vec();
    for _ in 0..1 + rng.below(6) {
        if v.is_empty() {
            v.push(b'%');
        }
        let at = rng.below(v.len());
        match rng.below(6) {
            0 => v[at] ^= 1 << rng.below(8),
            1 => v[at] = rng.next() as u8,
            2 => {
                let end = (at + 1 + rng.below(256)).min(v.len());
                v.drain(at..end);
            }
            3 => {
                let end = (at + 1 + rng.below(256)).min(v.len());
                let chunk = v[at..end].to_vec();
                let to = rng.below(v.len());
                v.splice(to..to, chunk);
            }
            4 => v.truncate(at.max(1)),
            _ => {
                let piece = rng.pick(PIECES).as_bytes();
                v.splice(at..at, piece.iter().copied());
            }
        }
    }
    v
}

/// A PDF with a few bytes changed in place: lengths and offsets stay right, so the reader
/// gets past the cross-reference table into the objects and streams; now and then the
/// heavier byte mutations.
pub fn mutate_pdf(b: &[u8], rng: &mut Rng) -> Vec<u8> {
    if rng.below(5) == 0 || b.is_empty() {
        return mutate_bytes(b, rng);
    }
    let mut v = b.to_vec();
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(v.len());
        match rng.below(3) {
            0 => v[at] ^= 1 << rng.below(8),
            1 => v[at] = rng.next() as u8,
            // A digit changed: a length, an offset, a number in a content stream.
            _ => {
                if let Some(d) = v[at..].iter().position(u8::is_ascii_digit) {
                    v[at + d] = b'0' + rng.below(10) as u8;
                }
            }
        }
    }
    v
}

/// A Word document with its `word/document.xml` mutated as text (so the XML mostly stays
/// well-formed and the reader gets far), or the whole archive mutated as bytes.
pub fn mutate_docx(b: &[u8], rng: &mut Rng) -> Vec<u8> {
    if rng.below(4) == 0 {
        return mutate_bytes(b, rng);
    }
    let Ok(mut zin) = zip::ZipArchive::new(std::io::Cursor::new(b)) else {
        return mutate_bytes(b, rng);
    };
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default();
    for i in 0..zin.len() {
        let Ok(mut f) = zin.by_index(i) else { continue };
        let Ok(name) = f.name().map(|n| n.to_string()) else {
            continue;
        };
        let mut data = Vec::new();
        if f.read_to_end(&mut data).is_err() {
            continue;
        }
        if name == "word/document.xml" {
            let text = String::from_utf8_lossy(&data).into_owned();
            data = mutate_text(&text, rng).into_bytes();
        }
        if out.start_file(name, opts).is_err() || out.write_all(&data).is_err() {
            return mutate_bytes(b, rng);
        }
    }
    match out.finish() {
        Ok(c) => c.into_inner(),
        Err(_) => mutate_bytes(b, rng),
    }
}

/// A document to start from.
pub struct Seed {
    pub name: String,
    pub bytes: Vec<u8>,
}

fn seed(rel: &str) -> Seed {
    let path = root().join(rel);
    Seed {
        name: rel.to_string(),
        bytes: std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())),
    }
}

fn seeds_in(dir: &str, exts: &[&str]) -> Vec<Seed> {
    let mut v: Vec<Seed> = walkdir::WalkDir::new(root().join(dir))
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter(|e| {
            e.path()
                .extension()
                .and_then(|x| x.to_str())
                .is_some_and(|x| exts.contains(&x))
        })
        .filter_map(|e| {
            let rel = e.path().strip_prefix(root()).ok()?.display().to_string();
            Some(seed(&rel))
        })
        .collect();
    v.sort_by(|a, b| a.name.cmp(&b.name));
    v
}

/// The seeds and the fixed draft the answer stages read against.
pub struct Harness {
    drafts: Vec<Seed>,
    answers: Vec<Seed>,
    pdfs: Vec<Seed>,
    docxs: Vec<Seed>,
    draft: Regulation,
    index: TopicIndex,
    lex: Lexicon,
}

const SAMPLE_DRAFT: &str = "corpus/msb-cybersakerhet/drafts/1-remissversion.txt";

impl Harness {
    fn with(drafts: Vec<Seed>, answers: Vec<Seed>, pdfs: Vec<Seed>, docxs: Vec<Seed>) -> Self {
        let text = source::read(&root().join(SAMPLE_DRAFT)).expect("the sample draft reads");
        let draft = regulation::parse(&text);
        let index = TopicIndex::build(&draft);
        Harness {
            drafts,
            answers,
            pdfs,
            docxs,
            draft,
            index,
            lex: Lexicon::embedded().expect("the embedded lexicon loads"),
        }
    }

    /// Small seeds, for the bounded run in `cargo test` (debug builds are slow).
    pub fn small() -> Self {
        Harness::with(
            vec![
                seed("tests/fixtures/small-draft.txt"),
                seed(SAMPLE_DRAFT),
                seed(
                    "corpus/sfs/lag-2006-24-nationella-toppdomaner/sfs-2006-24_in-force-2026-01-14.txt",
                ),
            ],
            seeds_in("corpus/msb-cybersakerhet/answers", &["txt"]),
            vec![seed(
                "tests/fixtures/pdf/stockholm-ks-2025-1384-remissvar.pdf",
            )],
            seeds_in("tests/fixtures/docx", &["docx"]),
        )
    }

    /// Every document of the corpus and the fixtures.
    pub fn full() -> Self {
        let mut drafts = seeds_in("corpus/sfs", &["txt", "md"]);
        drafts.extend(seeds_in("corpus/msb-cybersakerhet/drafts", &["txt"]));
        drafts.push(seed("tests/fixtures/small-draft.txt"));
        let mut answers = seeds_in("corpus/msb-cybersakerhet/answers", &["txt"]);
        answers.push(seed("tests/fixtures/stockholm-ks-2025-1384-remissvar.txt"));
        Harness::with(
            drafts,
            answers,
            {
                // Published föreskrifter bring the font kinds the constructed fixtures lack.
                let mut pdfs = seeds_in("tests/fixtures/pdf", &["pdf"]);
                pdfs.extend(seeds_in("tests/fixtures/foreskrifter", &["pdf"]));
                pdfs
            },
            seeds_in("tests/fixtures/docx", &["docx"]),
        )
    }

    /// Builds case `n`: its target, the seed's name and the mutated input.
    pub fn input(&self, n: u64) -> (Target, String, Vec<u8>) {
        let mut rng = Rng::new(n);
        let target = Target::ALL[(n % Target::ALL.len() as u64) as usize];
        let (pool, text) = match target {
            Target::Parse | Target::Diff => (&self.drafts, true),
            Target::Refs => (
                if rng.below(2) == 0 {
                    &self.drafts
                } else {
                    &self.answers
                },
                true,
            ),
            Target::Stances | Target::Check => (&self.answers, true),
            Target::Pdf => (&self.pdfs, false),
            Target::Docx => (&self.docxs, false),
        };
        let s = rng.pick(pool);
        let bytes = match (target, text) {
            (Target::Docx, _) => mutate_docx(&s.bytes, &mut rng),
            (Target::Pdf, _) => mutate_pdf(&s.bytes, &mut rng),
            (_, false) => mutate_bytes(&s.bytes, &mut rng),
            // One text case in eight is mutated as bytes, for the decoders.
            _ if rng.below(8) == 0 => mutate_bytes(&s.bytes, &mut rng),
            _ => mutate_text(&String::from_utf8_lossy(&s.bytes), &mut rng).into_bytes(),
        };
        (target, s.name.clone(), bytes)
    }

    /// Runs one input through its target; an `Err` is a broken invariant.
    pub fn exercise(&self, target: Target, name: &str, bytes: &[u8]) -> Result<bool, String> {
        let ext = match target {
            Target::Pdf => "pdf",
            Target::Docx => "docx",
            _ if name.ends_with(".md") => "md",
            _ => "txt",
        };
        let path = PathBuf::from(format!("fuzz.{ext}"));
        let text = match source::from_bytes(&path, bytes) {
            Ok(t) => t,
            // A reader that had to be abandoned hung: the guard saved the process, but
            // the worker goes on burning a core (or overflows its stack) until exit.
            Err(e @ remiss::Error::TimedOut { .. }) => return Err(format!("hang: {e}")),
            // A clear refusal is a fine answer to a broken file.
            Err(_) => return Ok(false),
        };
        check_text(&text)?;
        match target {
            Target::Parse | Target::Pdf | Target::Docx => {
                let reg = regulation::parse(&text);
                check_json_spans("regulation", &reg, &text.source)?;
                if target == Target::Parse && ext == "txt" {
                    same_in_pieces(bytes)?;
                }
                let resolved = cite::resolve_all(text.buf(), cite::Context::default(), None);
                check_citations(&resolved, text.buf())?;
                if target != Target::Parse {
                    let a = answer::parse(&text, &self.lex);
                    let t = stance::read(&a, Some(&self.draft), &self.lex);
                    check_json_spans("stances", &t, &text.source)?;
                }
            }
            Target::Refs => {
                let resolved =
                    cite::resolve_all(text.buf(), cite::Context::default(), Some(&self.draft));
                check_citations(&resolved, text.buf())?;
            }
            Target::Stances => {
                let a = answer::parse(&text, &self.lex);
                check_json_spans("answer", &a, &text.source)?;
                let t = stance::read(&a, Some(&self.draft), &self.lex);
                check_json_spans("stances", &t, &text.source)?;
                let t = stance::read(&a, None, &self.lex);
                check_json_spans("stances without draft", &t, &text.source)?;
            }
            Target::Check => {
                // What `remiss check` does: the table read with the topic index, the hints
                // for missing paragraphs, repeated sentences.
                let a = answer::parse(&text, &self.lex);
                let t =
                    stance::read_with_index(&a, Some(&self.draft), Some(&self.index), &self.lex);
                for (written, e) in &t.missing {
                    let chapter = remiss::Address::parse(written).and_then(|x| x.kapitel);
                    let _ = self.index.resolve(&e.text, chapter);
                }
                for h in &t.unmatched_headings {
                    check_span("heading", &h.span, &text.source)?;
                }
                let _ = t.has_positions();
            }
            Target::Diff => {
                let new = regulation::parse(&text);
                let old_text = source::from_bytes(&path, &self.original(name))
                    .map_err(|e| format!("the seed itself fails: {e}"))?;
                let old = regulation::parse(&old_text);
                let opts = compare::Options::default();
                let a = compare::align(&old, &new, &opts);
                let b = compare::align(&old, &new, &opts);
                let (ja, jb) = (
                    serde_json::to_string(&a).map_err(|e| e.to_string())?,
                    serde_json::to_string(&b).map_err(|e| e.to_string())?,
                );
                if ja != jb {
                    return Err("two comparisons of the same pair differ".to_string());
                }
            }
        }
        Ok(true)
    }

    fn original(&self, name: &str) -> Vec<u8> {
        self.drafts
            .iter()
            .find(|s| s.name == name)
            .map(|s| s.bytes.clone())
            .unwrap_or_default()
    }

    /// Runs case `n` and records a panic or a broken invariant.
    pub fn run_case(&self, n: u64, findings: &mut Findings) {
        let (target, name, bytes) = self.input(n);
        let result = catching(|| self.exercise(target, &name, &bytes));
        findings.record(n, target, &name, &bytes, result);
    }

    /// Runs cases from `first` on until `budget` has passed, each on a worker thread with a
    /// time limit (a case that takes longer is a hang), and writes every finding's input
    /// into `out`.
    pub fn run_for(self, budget: Duration, first: u64, out: &Path) -> Findings {
        let me = Arc::new(self);
        let mut findings = Findings::default();
        let start = Instant::now();
        let mut n = first;
        // REMISS_FUZZ_ONLY=pdf (a target's name, any case) spends the whole budget on it.
        let only = std::env::var("REMISS_FUZZ_ONLY")
            .ok()
            .map(|v| v.to_lowercase());
        if let Some(only) = &only {
            let known = Target::ALL
                .iter()
                .any(|t| format!("{t:?}").to_lowercase() == *only);
            assert!(known, "REMISS_FUZZ_ONLY={only}: no such target");
        }
        while start.elapsed() < budget {
            if let Some(only) = &only {
                let t = Target::ALL[(n % Target::ALL.len() as u64) as usize];
                if format!("{t:?}").to_lowercase() != *only {
                    n += 1;
                    continue;
                }
            }
            let (target, name, bytes) = me.input(n);
            let h = Arc::clone(&me);
            let (tx, rx) = std::sync::mpsc::channel();
            let (name2, bytes2) = (name.clone(), bytes.clone());
            let case_start = Instant::now();
            std::thread::Builder::new()
                .stack_size(64 * 1024 * 1024)
                .spawn(move || {
                    let r = catching(|| h.exercise(target, &name2, &bytes2));
                    let _ = tx.send(r);
                })
                .expect("a worker thread starts");
            let result = match rx.recv_timeout(HANG) {
                Ok(r) => r,
                Err(_) => Err(Failure {
                    kind: "hang",
                    message: format!("no answer within {} s", HANG.as_secs()),
                    backtrace: String::new(),
                }),
            };
            if findings.slowest(n, target, case_start.elapsed()) {
                // Kept for a look: the slowest input so far (a reader's time limit, say).
                let _ = std::fs::create_dir_all(out);
                let _ = std::fs::write(out.join(format!("slowest-{target:?}.bin")), &bytes);
            }
            if let Err(f) = &result {
                let file = out.join(format!("case-{n}-{target:?}.bin"));
                let _ = std::fs::create_dir_all(out);
                let _ = std::fs::write(&file, &bytes);
                eprintln!(
                    "finding in case {n} ({target:?}, from {name}): {}",
                    f.message
                );
            }
            findings.record(n, target, &name, &bytes, result);
            n += 1;
        }
        findings.peak_rss_kb = peak_rss_kb();
        findings
    }
}

/// A case slower than this is reported as a hang.
pub const HANG: Duration = Duration::from_secs(60);

/// The process's peak resident memory (Linux), for the report.
fn peak_rss_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// A broken invariant or a panic.
#[derive(Clone, Debug)]
pub struct Failure {
    pub kind: &'static str,
    pub message: String,
    pub backtrace: String,
}

static LAST_PANIC: Mutex<Option<(String, String)>> = Mutex::new(None);

thread_local! {
    /// Set while a case runs under [`catching`]: its panics are findings, not test output.
    static CATCHING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs `f`, turning a panic into a [`Failure`] with its message, place and stack.
fn catching(f: impl FnOnce() -> Result<bool, String>) -> Result<bool, Failure> {
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            // Panics the library catches on its own reader threads are its business.
            if std::thread::current().name() == Some("remiss-reader") {
                return;
            }
            if !CATCHING.with(|c| c.get()) {
                return previous(info);
            }
            let bt = std::backtrace::Backtrace::force_capture().to_string();
            if let Ok(mut g) = LAST_PANIC.lock() {
                *g = Some((info.to_string(), bt));
            }
        }));
    });
    CATCHING.with(|c| c.set(true));
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    CATCHING.with(|c| c.set(false));
    match r {
        Ok(Ok(read)) => Ok(read),
        Ok(Err(message)) => Err(Failure {
            kind: "invariant",
            message,
            backtrace: String::new(),
        }),
        Err(_) => {
            let (message, backtrace) = LAST_PANIC
                .lock()
                .ok()
                .and_then(|mut g| g.take())
                .unwrap_or_else(|| ("a panic".to_string(), String::new()));
            Err(Failure {
                kind: "panic",
                message,
                backtrace: trim_backtrace(&backtrace),
            })
        }
    }
}

/// The frames of the backtrace that are the project's own code.
fn trim_backtrace(bt: &str) -> String {
    let lines: Vec<&str> = bt.lines().collect();
    let mut keep = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        if l.contains("remiss::") && !l.contains("fuzz::") {
            keep.push(l.trim().to_string());
            if let Some(at) = lines.get(i + 1).filter(|n| n.trim().starts_with("at ")) {
                keep.push(format!("    {}", at.trim()));
            }
        }
    }
    keep.join("\n")
}

/// The first case that showed one failure, and how often it was seen.
struct Found {
    case: u64,
    target: Target,
    seed: String,
    count: u64,
    failure: Failure,
    input: Vec<u8>,
}

/// What the runs found.
#[derive(Default)]
pub struct Findings {
    runs: BTreeMap<Target, u64>,
    /// Cases whose input was read (not refused as unreadable), per target.
    read: BTreeMap<Target, u64>,
    /// Distinct failures by the place they happen.
    found: BTreeMap<String, Found>,
    slowest: Option<(Duration, u64, Target)>,
    pub peak_rss_kb: Option<u64>,
}

impl Findings {
    fn record(
        &mut self,
        n: u64,
        target: Target,
        seed: &str,
        input: &[u8],
        result: Result<bool, Failure>,
    ) {
        *self.runs.entry(target).or_default() += 1;
        if let Ok(true) = result {
            *self.read.entry(target).or_default() += 1;
        }
        if let Err(f) = result {
            // The place of a panic identifies it; its values (indices) vary.
            let key = f.message.split(':').take(3).collect::<Vec<_>>().join(":");
            self.found
                .entry(key)
                .and_modify(|e| e.count += 1)
                .or_insert(Found {
                    case: n,
                    target,
                    seed: seed.to_string(),
                    count: 1,
                    failure: f,
                    input: input.to_vec(),
                });
        }
    }

    /// Notes a case's time; true when it is the slowest yet.
    fn slowest(&mut self, n: u64, target: Target, d: Duration) -> bool {
        let slower = self.slowest.is_none_or(|(s, _, _)| d > s);
        if slower {
            self.slowest = Some((d, n, target));
        }
        slower
    }

    pub fn is_empty(&self) -> bool {
        self.found.is_empty()
    }

    pub fn runs(&self, t: Target) -> u64 {
        self.runs.get(&t).copied().unwrap_or(0)
    }

    pub fn summary(&self) -> String {
        let total: u64 = self.runs.values().sum();
        let per: Vec<String> = self
            .runs
            .iter()
            .map(|(t, n)| format!("{t:?} {n} ({} read)", self.read.get(t).unwrap_or(&0)))
            .collect();
        let mut s = format!(
            "{total} cases ({}); {} distinct finding(s)",
            per.join(", "),
            self.found.len()
        );
        if let Some((d, n, t)) = self.slowest {
            s.push_str(&format!(
                "; slowest case {n} ({t:?}) {:.2} s",
                d.as_secs_f64()
            ));
        }
        if let Some(kb) = self.peak_rss_kb {
            s.push_str(&format!("; peak memory {} MB", kb / 1024));
        }
        s
    }

    pub fn report(&self) -> String {
        let mut s = self.summary();
        for x in self.found.values() {
            let shown = String::from_utf8_lossy(&x.input[..x.input.len().min(300)]);
            s.push_str(&format!(
                "\n\n{} in case {} ({:?}, mutated from {}; seen {} time(s)):\n{}\n{}\ninput starts: {shown:?}",
                x.failure.kind, x.case, x.target, x.seed, x.count, x.failure.message, x.failure.backtrace
            ));
        }
        s
    }
}

fn check_span(what: &str, span: &source::Span, text: &str) -> Result<(), String> {
    check_range(what, span.start, span.end, text)
}

fn check_range(what: &str, start: usize, end: usize, text: &str) -> Result<(), String> {
    if start > end || end > text.len() {
        return Err(format!(
            "{what}: span {start}..{end} outside the text of {} bytes",
            text.len()
        ));
    }
    if !text.is_char_boundary(start) || !text.is_char_boundary(end) {
        return Err(format!(
            "{what}: span {start}..{end} not on character boundaries"
        ));
    }
    Ok(())
}

/// The lines of a text lie inside its source and its parser-facing text.
fn check_text(t: &Text) -> Result<(), String> {
    for b in &t.blocks {
        for l in &b.lines {
            check_range("line source", l.src().start, l.src().end, &t.source)?;
            check_range("line text", l.text().start, l.text().end, t.buf())?;
        }
    }
    Ok(())
}

fn check_citations(v: &[cite::Resolved], text: &str) -> Result<(), String> {
    for r in v {
        check_range("citation", r.citation.start, r.citation.end, text)?;
        if text[r.citation.start..r.citation.end] != r.citation.text {
            return Err(format!(
                "citation text {:?} is not what its span holds",
                r.citation.text
            ));
        }
    }
    Ok(())
}

/// Every `{line, start, end}` object in a serialised structure is a span into `text`.
fn check_json_spans(what: &str, v: &impl serde::Serialize, text: &str) -> Result<(), String> {
    let json = serde_json::to_value(v).map_err(|e| format!("{what}: {e}"))?;
    let mut stack = vec![&json];
    while let Some(v) = stack.pop() {
        match v {
            serde_json::Value::Object(m) => {
                if let (Some(_), Some(s), Some(e)) = (
                    m.get("line"),
                    m.get("start").and_then(|x| x.as_u64()),
                    m.get("end").and_then(|x| x.as_u64()),
                ) {
                    check_range(what, s as usize, e as usize, text)?;
                }
                stack.extend(m.values());
            }
            serde_json::Value::Array(a) => stack.extend(a.iter()),
            _ => {}
        }
    }
    Ok(())
}

/// A plain text parsed in pieces cut at its chapter headings, as `remiss diff` parses a
/// long version, gives the tree the whole text gives.
fn same_in_pieces(bytes: &[u8]) -> Result<(), String> {
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let path = dir.path().join("fuzz.txt");
    std::fs::write(&path, bytes).map_err(|e| e.to_string())?;
    // Refused as read (an encoding, a binary file): nothing to parse.
    let Ok(text) = source::read_unsplit(&path) else {
        return Ok(());
    };
    let whole = serde_json::to_string(&regulation::parse(&text)).map_err(|e| e.to_string())?;
    for n in [2, 3, 5, 8] {
        let Some(cuts) = regulation::Cuts::plan(&text, n) else {
            continue;
        };
        let pieces = (0..cuts.len())
            .map(|i| regulation::parse_piece(&text, &cuts, i))
            .collect();
        let joined = regulation::join_pieces(&text, &cuts, pieces);
        if serde_json::to_string(&joined).map_err(|e| e.to_string())? != whole {
            return Err(format!("parsed in {} pieces, the tree differs", cuts.len()));
        }
    }
    Ok(())
}

//! Stage 6, rendering: every writer, and nothing else writes markup. The case data and the
//! version maps go through tera templates (embedded from `templates/`, overridable from a
//! folder) into HTML and Markdown; Word is built from the rendered Markdown, CSV and JSON
//! from the data; the terminal views of the CLI are here too. Every Swedish label comes
//! from [`sv`], every escape from [`escape`].

pub mod amend;
pub mod answer;
pub mod cite;
pub mod compare;
mod compilation;
pub(crate) use compilation::LEGEND;
pub mod docx;
pub mod escape;
mod guard;
pub mod regulation;
pub mod sv;
pub mod terminal;

use crate::case::CaseData;
use crate::compare::VersionMap;
use crate::regulation::Regulation;
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;
use tera::{Context, Tera, Value};

/// What a template writes, which decides how its values are escaped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// HTML: values are HTML-escaped.
    Html,
    /// Markdown: values are Markdown-escaped (inline HTML included).
    Markdown,
    /// A stylesheet included by the HTML templates.
    Css,
}

/// The template registry: every template's name, its embedded default and its kind.
pub const TEMPLATES: [(&str, &str, Kind); 14] = [
    (
        "style.css",
        include_str!("../../templates/style.css"),
        Kind::Css,
    ),
    (
        "macros.html",
        include_str!("../../templates/macros.html"),
        Kind::Html,
    ),
    (
        "macros.md",
        include_str!("../../templates/macros.md"),
        Kind::Markdown,
    ),
    (
        "index.html",
        include_str!("../../templates/index.html"),
        Kind::Html,
    ),
    (
        "yttrande.md",
        include_str!("../../templates/yttrande.md"),
        Kind::Markdown,
    ),
    (
        "yttrande.html",
        include_str!("../../templates/yttrande.html"),
        Kind::Html,
    ),
    (
        "sammanstallning.html",
        include_str!("../../templates/sammanstallning.html"),
        Kind::Html,
    ),
    (
        "genomslag.html",
        include_str!("../../templates/genomslag.html"),
        Kind::Html,
    ),
    (
        "genomslag.md",
        include_str!("../../templates/genomslag.md"),
        Kind::Markdown,
    ),
    (
        "svar.html",
        include_str!("../../templates/svar.html"),
        Kind::Html,
    ),
    (
        "jamforelse.html",
        include_str!("../../templates/jamforelse.html"),
        Kind::Html,
    ),
    (
        "jamforelse.md",
        include_str!("../../templates/jamforelse.md"),
        Kind::Markdown,
    ),
    (
        "andring.html",
        include_str!("../../templates/andring.html"),
        Kind::Html,
    ),
    (
        "andring.md",
        include_str!("../../templates/andring.md"),
        Kind::Markdown,
    ),
];

/// Why rendering failed. Nothing is written when it does.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// A template that does not parse or render; the message names it and, where tera
    /// knows it, the line.
    #[error("template {name}: {message}")]
    Template {
        /// The template's file name.
        name: String,
        /// What tera reports.
        message: String,
    },
    /// The template folder or a file in it cannot be read.
    #[error("cannot read the template folder {path}: {source}")]
    Io {
        /// The folder or file.
        path: String,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// A template in the folder is a symbolic link (it could point anywhere).
    #[error(
        "template {path} is a symbolic link (to {target}); copy the file into the template folder instead"
    )]
    Symlink {
        /// The link.
        path: String,
        /// Where it points.
        target: String,
    },
    /// A macro or include that calls itself, which would never end.
    #[error("template {name}: {chain} calls itself; recursive macros and includes are not allowed")]
    Recursion {
        /// The template holding the first link of the cycle.
        name: String,
        /// The cycle (`macros.html::a → macros.html::b → macros.html::a`).
        chain: String,
    },
    /// A template that did not finish within the deadline (an endless or enormous loop).
    #[error("template {name} did not finish within {seconds} s (an endless loop?)")]
    Deadline {
        /// The template being rendered.
        name: String,
        /// The deadline.
        seconds: u64,
    },
    /// The template engine failed without an error (a panic inside it).
    #[error("template {name}: the template engine failed")]
    Crashed {
        /// The template being rendered.
        name: String,
    },
    /// The Word writer failed.
    #[error("cannot write the Word document: {0}")]
    Docx(String),
}

/// Bounds on rendering user templates.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// The longest all templates of a build may take together. Wall-clock time, as a last
    /// resort: a template that hits it is an error, never a different output.
    pub deadline: Duration,
    /// The stack of the rendering thread: deep but finite template nesting fits in it.
    pub stack: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            deadline: Duration::from_secs(120),
            stack: 64 << 20,
        }
    }
}

fn describe(e: &tera::Error) -> String {
    // tera nests the useful part (with line and column for parse errors) in its sources.
    let mut parts = vec![e.to_string()];
    let mut src = std::error::Error::source(e);
    while let Some(s) = src {
        parts.push(s.to_string());
        src = s.source();
    }
    parts.join(": ").replace('\n', " ")
}

/// The template environment: one tera for HTML (HTML-escaped) and one for Markdown
/// (Markdown-escaped), each with the filters and without access to the environment.
#[derive(Clone)]
pub struct Templates {
    // Shared, so the rendering thread gets them without a copy.
    html: Arc<Tera>,
    md: Arc<Tera>,
    /// An organisation's Word document whose styles, page setup, headers and footers
    /// yttrande.docx takes (`--reference-docx`).
    reference_docx: Option<Arc<Vec<u8>>>,
    /// The templates a user replaced (`--templates`), by name.
    custom: Arc<Vec<String>>,
}

impl Templates {
    /// The embedded templates.
    pub fn embedded() -> Result<Templates, RenderError> {
        Templates::load(None)
    }

    /// The embedded templates, then any file of the same name in `overrides`. A symbolic
    /// link there is refused, as is a macro or include that calls itself.
    pub fn load(overrides: Option<&Path>) -> Result<Templates, RenderError> {
        Templates::load_kinds(overrides, |_| true)
    }

    /// Only the embedded Markdown templates: compiling the HTML ones costs far more than a
    /// Markdown page needs (`remiss diff --format md`). Rendering an HTML template from
    /// these fails as an unknown template.
    pub fn embedded_markdown() -> Result<Templates, RenderError> {
        Templates::load_kinds(None, |k| matches!(k, Kind::Markdown))
    }

    fn load_kinds(
        overrides: Option<&Path>,
        wanted: fn(Kind) -> bool,
    ) -> Result<Templates, RenderError> {
        let mut sources: Vec<(&str, String, Kind)> = TEMPLATES
            .iter()
            .map(|(n, s, k)| (*n, s.to_string(), *k))
            .collect();
        if let Some(dir) = overrides {
            read_overrides(dir, &mut sources)?;
        }
        let custom: Vec<String> = sources
            .iter()
            .zip(TEMPLATES.iter())
            .filter(|((_, src, _), (_, default, _))| src != default)
            .map(|((name, _, _), _)| name.to_string())
            .collect();
        let mut html = environment(tera::escape_html, ".html");
        let mut md = environment(escape::markdown, ".md");
        for (name, src, kind) in sources.iter().filter(|(_, _, k)| wanted(*k)) {
            let tera = match kind {
                Kind::Markdown => &mut md,
                Kind::Html | Kind::Css => &mut html,
            };
            tera.add_raw_template(name, src)
                .map_err(|e| RenderError::Template {
                    name: name.to_string(),
                    message: describe(&e),
                })?;
        }
        // Build the inheritance chains and check includes now, not on first render.
        for tera in [&mut html, &mut md] {
            tera.build_inheritance_chains()
                .map_err(|e| RenderError::Template {
                    name: "(templates)".into(),
                    message: describe(&e),
                })?;
            guard::no_recursion(tera)?;
        }
        Ok(Templates {
            html: Arc::new(html),
            md: Arc::new(md),
            reference_docx: None,
            custom: Arc::new(custom),
        })
    }

    /// Builds yttrande.docx on this Word document (pandoc's `--reference-doc`): its
    /// styles, page setup, headers and footers, our text and document properties. The
    /// file is checked now, so a bad one stops the build before anything is read.
    pub fn with_reference_docx(mut self, bytes: Vec<u8>) -> Result<Templates, RenderError> {
        docx::check_reference(&bytes).map_err(RenderError::Docx)?;
        self.reference_docx = Some(Arc::new(bytes));
        Ok(self)
    }

    fn tera(&self, name: &str) -> &Tera {
        if name.ends_with(".md") {
            &self.md
        } else {
            &self.html
        }
    }

    /// Renders one template.
    pub fn render(&self, name: &str, ctx: &Context) -> Result<String, RenderError> {
        self.tera(name)
            .render(name, ctx)
            .map_err(|e| RenderError::Template {
                name: name.to_string(),
                message: describe(&e),
            })
    }
}

fn read_overrides(dir: &Path, sources: &mut [(&str, String, Kind)]) -> Result<(), RenderError> {
    let io = |path: &Path| {
        let path = path.display().to_string();
        move |source| RenderError::Io { path, source }
    };
    for entry in std::fs::read_dir(dir).map_err(io(dir))? {
        let entry = entry.map_err(io(dir))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(slot) = sources.iter_mut().find(|(n, _, _)| *n == name) else {
            continue;
        };
        let path = entry.path();
        // file_type does not follow links: a link could lead anywhere on the machine.
        let ft = entry.file_type().map_err(io(&path))?;
        if ft.is_symlink() {
            let target = std::fs::read_link(&path)
                .map(|t| t.display().to_string())
                .unwrap_or_else(|_| "?".into());
            return Err(RenderError::Symlink {
                path: path.display().to_string(),
                target,
            });
        }
        if !ft.is_file() {
            return Err(RenderError::Io {
                path: path.display().to_string(),
                source: std::io::Error::other("not a regular file"),
            });
        }
        slot.1 = std::fs::read_to_string(&path).map_err(io(&path))?;
    }
    Ok(())
}

fn environment(escape: fn(&str) -> String, suffix: &'static str) -> Tera {
    let mut tera = Tera::default();
    tera.autoescape_on(vec![suffix]);
    tera.set_escape_fn(escape);
    // Templates may come from a user's folder: they must not read the environment
    // (which can hold secrets).
    tera.register_function("get_env", |_: &HashMap<String, Value>| {
        Err(tera::Error::msg("get_env is disabled in remiss templates"))
    });
    tera.register_filter("typo", typo_filter);
    tera.register_filter("sv", sv_filter);
    tera.register_filter("verb", verb_filter);
    tera.register_filter("mark", mark_filter);
    tera.register_filter("outcome", outcome_filter);
    tera.register_filter("object", object_filter);
    tera.register_filter("genitive", genitive_filter);
    tera
}

/// The Swedish genitive of a name: `Stadsledningskontorets`, `Servicenämndens`, but
/// `Stockholms stads` and `MSB:s`; a name ending in s, x or z takes nothing.
pub fn genitive(name: &str) -> String {
    let n = name.trim_end();
    match n.chars().last() {
        None => String::new(),
        Some('s' | 'x' | 'z' | 'S' | 'X' | 'Z') => n.to_string(),
        Some(c) if c.is_ascii_uppercase() || c.is_ascii_digit() => format!("{n}:s"),
        Some(_) => format!("{n}s"),
    }
}

fn genitive_filter(v: &Value, _: &HashMap<String, Value>) -> tera::Result<Value> {
    Ok(Value::String(genitive(&str_arg(v))))
}

/// No-break spaces inside citations (`2 kap. 7 §`), as Swedish typography wants.
pub fn typo(s: &str) -> String {
    s.replace(" §", "\u{a0}§")
        .replace(" kap.", "\u{a0}kap.")
        .replace(" och ", " och\u{a0}")
        .replace("§ ", "§\u{a0}")
}

fn str_arg(v: &Value) -> String {
    v.as_str()
        .map(str::to_string)
        .unwrap_or_else(|| v.to_string())
}

fn typo_filter(v: &Value, _: &HashMap<String, Value>) -> tera::Result<Value> {
    Ok(Value::String(typo(&str_arg(v))))
}

/// Swedish names of stances and flags from their serialised names; anything else as is.
fn sv_filter(v: &Value, _: &HashMap<String, Value>) -> tera::Result<Value> {
    let k = str_arg(v);
    Ok(Value::String(
        sv::by_key(&k).map(str::to_string).unwrap_or(k),
    ))
}

/// The verb phrase of a position: `Stadsledningskontoret {verb} bestämmelsen`.
fn verb_filter(v: &Value, _: &HashMap<String, Value>) -> tera::Result<Value> {
    let s = sv::stance_of(&str_arg(v)).unwrap_or(crate::answer::stance::Stance::NotAddressed);
    Ok(Value::String(sv::verb(s).to_string()))
}

/// A short mark for a matrix cell.
fn mark_filter(v: &Value, _: &HashMap<String, Value>) -> tera::Result<Value> {
    let s = sv::stance_of(&str_arg(v)).unwrap_or(crate::answer::stance::Stance::NotAddressed);
    Ok(Value::String(sv::mark(s).to_string()))
}

/// An outcome in Swedish: plural for counts, singular with `n=1`.
fn outcome_filter(v: &Value, args: &HashMap<String, Value>) -> tera::Result<Value> {
    use strum::IntoEnumIterator;
    let key = str_arg(v);
    let one = args.get("n").and_then(Value::as_u64) == Some(1);
    Ok(Value::String(
        crate::report::Outcome::iter()
            .find(|o| o.as_str() == key)
            .map(|o| if one { sv::outcome(o) } else { sv::outcomes(o) })
            .map(str::to_string)
            .unwrap_or(key),
    ))
}

/// What a position is about, from the target's kind (`förslaget`, `bestämmelsen`).
fn object_filter(v: &Value, _: &HashMap<String, Value>) -> tera::Result<Value> {
    use crate::report::TargetKind as K;
    let key = str_arg(v);
    let kind = [
        K::Doc,
        K::Chapter,
        K::Paragraph,
        K::Punkt,
        K::Ku,
        K::Section,
        K::Part,
        K::Other,
    ]
    .into_iter()
    .find(|k| <&str>::from(*k) == key)
    .unwrap_or(K::Other);
    Ok(Value::String(sv::object(kind).to_string()))
}

#[derive(serde::Serialize)]
struct Link<'a> {
    from: &'a str,
    to: &'a str,
    page: &'a str,
}

/// What the opinion's templates see as `case`: the case without the matrix and effects.
#[derive(serde::Serialize)]
struct Brief<'a> {
    name: &'a str,
    manifest: &'a crate::case::Manifest,
    drafts: &'a [crate::case::DraftInfo],
    respondents: &'a [crate::report::Respondent],
    /// Positions the answers report as others' (the opinion lists them apart).
    reported: &'a [crate::report::ReportedPosition],
    comparisons: &'a [Link<'a>],
    figures: &'a crate::case::Figures,
}

/// What the templates see as `case`.
#[derive(serde::Serialize)]
struct View<'a> {
    name: &'a str,
    manifest: &'a crate::case::Manifest,
    drafts: &'a [crate::case::DraftInfo],
    respondents: &'a [crate::report::Respondent],
    /// Left out when the compilation page is written directly (see `compilation`): no
    /// other default template uses it.
    #[serde(skip_serializing_if = "Option::is_none")]
    matrix: Option<&'a crate::report::Matrix>,
    reported: &'a [crate::report::ReportedPosition],
    comparisons: Vec<Link<'a>>,
    effects: &'a crate::report::EffectReport,
    figures: &'a crate::case::Figures,
    skipped: &'a [crate::case::Skipped],
    findings: Vec<FindingsView<'a>>,
    corrections: &'a [crate::case::correct::Applied],
    /// The drafts that are amendments: label, title, page and the ids they change.
    amendments: Vec<AmendmentLink<'a>>,
}

/// An amendment page as the case pages link it.
#[derive(serde::Serialize)]
struct AmendmentLink<'a> {
    label: &'a str,
    title: &'a str,
    page: &'a str,
    changed: &'a [String],
}

/// The findings of one answer, in Swedish, for index.html and the compilation.
#[derive(serde::Serialize)]
struct FindingsView<'a> {
    key: &'a str,
    respondent: &'a str,
    page: &'a str,
    items: Vec<FindingLine>,
}

#[derive(serde::Serialize)]
struct FindingLine {
    line: u32,
    text: String,
}

/// The parallelluppställning of two versions as an HTML page. With the default templates
/// it is written directly ([`compare::html`], the same bytes), without tera.
pub fn comparison_html(
    t: &Templates,
    map: &VersionMap,
    old: &Regulation,
    new: &Regulation,
) -> Result<String, RenderError> {
    if t.custom.is_empty() {
        return Ok(compare::html(map, old, new, None));
    }
    t.render("jamforelse.html", &comparison_context(map, old, new))
}

/// The parallelluppställning of two versions in Markdown.
pub fn comparison_markdown(
    t: &Templates,
    map: &VersionMap,
    old: &Regulation,
    new: &Regulation,
) -> Result<String, RenderError> {
    if t.custom.is_empty() {
        // The embedded template names a run of unchanged rows by its label alone: the rows
        // in it (the text of both versions again) are left out of its view.
        let mut ctx = Context::new();
        ctx.insert("cmp", &compare::view_folded(map, old, new));
        ctx.insert("labels", &Vec::<String>::new());
        return t.render("jamforelse.md", &ctx);
    }
    t.render("jamforelse.md", &comparison_context(map, old, new))
}

/// The parallelluppställning of an amendment (proposition layout) as an HTML page or in
/// Markdown (`andring.html`, `andring.md`): `new` is the base as amended.
pub fn amendment_comparison(
    t: &Templates,
    template: &str,
    map: &VersionMap,
    old: &Regulation,
    new: &Regulation,
    am: &crate::amend::Amendment,
) -> Result<String, RenderError> {
    let mut ctx = comparison_context(map, old, new);
    ctx.insert("am", &amend::view(am));
    t.render(template, &ctx)
}

fn comparison_context(map: &VersionMap, old: &Regulation, new: &Regulation) -> Context {
    let mut ctx = Context::new();
    ctx.insert("cmp", &compare::view(map, old, new));
    // Outside a case (`remiss diff`) the columns are the statute's usual pair.
    ctx.insert("labels", &Vec::<String>::new());
    ctx
}

/// The wording in the last version of every paragraph a comment's effect lands on, and
/// the jämförelse page whose rows it has: id → (text, page).
fn wording(data: &CaseData, drafts: &[Regulation]) -> HashMap<String, (String, String)> {
    let mut out = HashMap::new();
    let (Some(last), Some(cmp)) = (drafts.last(), data.comparisons.last()) else {
        return out;
    };
    for e in &data.effects.effects {
        for id in &e.now_ids {
            if out.contains_key(id) {
                continue;
            }
            let Some(p) = crate::address::Address::from_id(id).and_then(|a| last.paragraph(&a))
            else {
                continue;
            };
            let mut text: Vec<&str> = Vec::new();
            for st in &p.stycken {
                text.push(&st.text);
                text.extend(st.punkter.iter().map(|x| x.text.as_str()));
            }
            out.insert(id.clone(), (text.join(" "), cmp.page.clone()));
        }
    }
    out
}

/// Every output file of a case, as (relative path, bytes), in a fixed order. The templates
/// run on a worker thread with a fixed stack and under a deadline, so a template that
/// never ends is an error naming it.
pub fn outputs(
    templates: &Templates,
    data: &CaseData,
    drafts: &[Regulation],
    answer_lines: &[Vec<String>],
    limits: Limits,
) -> Result<Vec<(String, Vec<u8>)>, RenderError> {
    let mut files = pages(templates, data, drafts, answer_lines, limits)?;
    let mut json = Vec::new();
    data_json(data, &mut json).map_err(|e| RenderError::Template {
        name: "data.json".into(),
        message: e.to_string(),
    })?;
    files.push(("data.json".to_string(), json));
    Ok(files)
}

/// The case's data as `data.json` holds it (pretty JSON and a final newline), written to
/// `w` as it is serialised: for a large case it is the largest file of the build.
pub fn data_json(data: &CaseData, w: &mut dyn std::io::Write) -> std::io::Result<()> {
    use std::io::Write;
    // Buffered here, so the serialiser's many small writes are not calls through `dyn`.
    let mut b = std::io::BufWriter::with_capacity(1 << 16, w);
    serde_json::to_writer_pretty(&mut b, data)?;
    b.write_all(b"\n")?;
    b.flush()
}

/// Every output file of a case but `data.json` (see [`data_json`]), as [`outputs`] gives
/// them.
pub fn pages(
    templates: &Templates,
    data: &CaseData,
    drafts: &[Regulation],
    answer_lines: &[Vec<String>],
    limits: Limits,
) -> Result<Vec<(String, Vec<u8>)>, RenderError> {
    let mut files = Vec::new();
    let mut keep = |name: String, page: Page<'_>| {
        let bytes = match page {
            Page::Bytes(bytes) => bytes,
            Page::Written(write) => {
                let mut bytes = Vec::new();
                write(&mut bytes).map_err(|e| RenderError::Template {
                    name: name.clone(),
                    message: e.to_string(),
                })?;
                bytes
            }
        };
        files.push((name, bytes));
        Ok(())
    };
    match pages_each(templates, data, drafts, answer_lines, limits, &mut keep) {
        Ok(()) => Ok(files),
        Err(Stop::Render(e) | Stop::Sink(e)) => Err(e),
    }
}

/// A file as [`pages_each`] hands it over: its bytes, or, for the two that grow with
/// answers × targets (the compilation page and its CSV), a function that writes it, so
/// that it is never held whole.
pub enum Page<'a> {
    /// The file's bytes.
    Bytes(Vec<u8>),
    /// Writes the file to the writer it is given.
    Written(&'a dyn Fn(&mut dyn std::io::Write) -> std::io::Result<()>),
}

/// Why [`pages_each`] stopped.
#[derive(Debug)]
pub enum Stop<E> {
    /// A page could not be rendered.
    Render(RenderError),
    /// The sink refused a page (it could not be written).
    Sink(E),
}

impl<E> From<RenderError> for Stop<E> {
    fn from(e: RenderError) -> Self {
        Stop::Render(e)
    }
}

/// How many answer pages are rendered in one round: their contexts (each answer's every
/// line) are made for a round at a time, not for the whole case at once.
const ANSWER_ROUND: usize = 32;

/// Every output file of a case but `data.json`, each handed to `sink` (relative path,
/// [`Page`]) as soon as it is made, so a build holds one page at a time rather than all of
/// them: the same files, in a fixed order. The templates run on a worker thread with a
/// fixed stack and under one deadline for them all, so a template that never ends is an
/// error naming it.
pub fn pages_each<E>(
    templates: &Templates,
    data: &CaseData,
    drafts: &[Regulation],
    answer_lines: &[Vec<String>],
    limits: Limits,
    sink: &mut dyn FnMut(String, Page<'_>) -> Result<(), E>,
) -> Result<(), Stop<E>> {
    let end = std::time::Instant::now() + limits.deadline;
    let render =
        |jobs: Vec<(&'static str, Arc<Context>)>| guard::render_until(templates, jobs, limits, end);
    let mut put = |name: &str, page: Page<'_>| sink(name.to_string(), page).map_err(Stop::Sink);
    // With the default templates the compilation page is written directly, and the
    // matrix (targets × respondents) is not copied into the templates' context at all.
    let direct = templates.custom.is_empty();
    // Templates get everything but the version maps (rendered by the comparison pages
    // themselves), which keeps the template context small for large cases.
    let view = View {
        name: &data.name,
        manifest: &data.manifest,
        drafts: &data.drafts,
        respondents: &data.respondents,
        matrix: (!direct).then_some(&data.matrix),
        reported: &data.reported,
        comparisons: data
            .comparisons
            .iter()
            .map(|c| Link {
                from: &c.from,
                to: &c.to,
                page: &c.page,
            })
            .collect(),
        effects: &data.effects,
        figures: &data.figures,
        skipped: &data.skipped,
        findings: data
            .findings
            .iter()
            .map(|f| FindingsView {
                key: &f.key,
                respondent: &f.respondent,
                page: &f.page,
                items: f
                    .findings
                    .iter()
                    .map(|x| FindingLine {
                        line: x.line,
                        text: sv::finding(&x.kind),
                    })
                    .collect(),
            })
            .collect(),
        corrections: &data.corrections,
        amendments: data
            .amendments
            .iter()
            .map(|a| AmendmentLink {
                label: &a.label,
                title: &a.title,
                page: &a.page,
                changed: &a.changed,
            })
            .collect(),
    };
    // The case's own pages. Their default templates do not read the opinion, which holds
    // every evidence sentence of every answer: only a user's templates get it here.
    // The compilation a user's template makes is kept back, so the files come in the same
    // order however it is made.
    let mut compiled = None;
    {
        let mut ctx = Context::new();
        ctx.insert("case", &view);
        if !direct {
            ctx.insert("op", &data.opinion);
        }
        ctx.insert("wording", &wording(data, drafts));
        let ctx = Arc::new(ctx);
        let mut names = vec!["index.html"];
        if !direct {
            names.push("sammanstallning.html");
        }
        if !data.comparisons.is_empty() {
            names.extend(["genomslag.html", "genomslag.md"]);
        }
        let jobs = names.iter().map(|n| (*n, Arc::clone(&ctx))).collect();
        drop(ctx);
        for (name, page) in names.into_iter().zip(render(jobs)?) {
            if name == "sammanstallning.html" {
                compiled = Some(page);
                continue;
            }
            let page = if name.ends_with(".md") {
                tidy_markdown(&page)
            } else {
                page
            };
            put(name, Page::Bytes(page.into_bytes()))?;
        }
    }
    // The opinion: its templates see the case without the matrix and the effects (by far
    // the largest part, for many answers). One context serves its three renderings: it
    // comes back from the worker between them (the worker lets go of it), so the opinion
    // is serialised once.
    let brief = Brief {
        name: view.name,
        manifest: view.manifest,
        drafts: view.drafts,
        respondents: view.respondents,
        reported: view.reported,
        comparisons: &view.comparisons,
        figures: view.figures,
    };
    let mut oc = Context::new();
    oc.insert("case", &brief);
    oc.insert("op", &data.opinion);
    oc.insert("links", &false);
    let oc = Arc::new(oc);
    let plain = render(vec![("yttrande.md", Arc::clone(&oc))])?;
    let md = tidy_markdown(plain.first().map_or("", String::as_str));
    put(
        "yttrande.docx",
        Page::Bytes(docx::from_markdown(&md, &docx_meta(data, templates))?),
    )?;
    put("yttrande.md", Page::Bytes(md.into_bytes()))?;
    // The opinion's text once more, with its links, for the body of yttrande.html.
    let mut oc = Arc::unwrap_or_clone(oc);
    oc.insert("links", &true);
    let oc = Arc::new(oc);
    let linked = render(vec![("yttrande.md", Arc::clone(&oc))])?;
    let body = markdown_html(&tidy_markdown(linked.first().map_or("", String::as_str)));
    drop(linked);
    let mut oc = Arc::unwrap_or_clone(oc);
    oc.insert("body", &body);
    drop(body);
    let html = render(vec![("yttrande.html", Arc::new(oc))])?;
    put(
        "yttrande.html",
        Page::Bytes(html.into_iter().next().unwrap_or_default().into_bytes()),
    )?;
    match compiled {
        Some(page) => put("sammanstallning.html", Page::Bytes(page.into_bytes()))?,
        None => {
            let style = templates.render("style.css", &Context::new())?;
            let write = |w: &mut dyn std::io::Write| {
                compilation::write_page(&view, &data.matrix, &style, w)
            };
            put("sammanstallning.html", Page::Written(&write))?;
        }
    }
    put(
        "sammanstallning.csv",
        Page::Written(&|w: &mut dyn std::io::Write| write_csv(data, w)),
    )?;
    for (i, c) in data.comparisons.iter().enumerate() {
        if let (Some(old), Some(new)) = (drafts.get(i), drafts.get(i + 1)) {
            let mut cctx = comparison_context(&c.map, old, new);
            // In a case the columns carry the manifest's labels of the versions.
            cctx.insert("labels", &[&c.from, &c.to]);
            let cctx = Arc::new(cctx);
            // With the default templates the page is written directly (the same bytes).
            let html = if direct {
                compare::html(&c.map, old, new, Some((&c.from, &c.to)))
            } else {
                let page = render(vec![("jamforelse.html", Arc::clone(&cctx))])?;
                page.into_iter().next().unwrap_or_default()
            };
            put(&c.page, Page::Bytes(html.into_bytes()))?;
            let md = render(vec![("jamforelse.md", cctx)])?;
            let name = c.page.replace(".html", ".md");
            put(
                &name,
                Page::Bytes(md.into_iter().next().unwrap_or_default().into_bytes()),
            )?;
        }
    }
    for a in &data.amendments {
        if let (Some(base), Some(new)) = (&data.base, drafts.get(a.draft)) {
            let mut actx = comparison_context(&a.map, base, new);
            actx.insert("am", &amend::view(&a.amendment));
            let actx = Arc::new(actx);
            let mut done = render(vec![
                ("andring.html", Arc::clone(&actx)),
                ("andring.md", actx),
            ])?
            .into_iter();
            put(
                &a.page,
                Page::Bytes(done.next().unwrap_or_default().into_bytes()),
            )?;
            let md = a.page.replace(".html", ".md");
            let text = tidy_markdown(&done.next().unwrap_or_default());
            put(&md, Page::Bytes(text.into_bytes()))?;
        }
    }
    for (round, respondents) in data.respondents.chunks(ANSWER_ROUND).enumerate() {
        let jobs = respondents
            .iter()
            .enumerate()
            .map(|(j, r)| {
                let i = round * ANSWER_ROUND + j;
                let lines = answer_lines.get(i).map(Vec::as_slice).unwrap_or_default();
                let mut c = Context::new();
                c.insert("r", r);
                c.insert("lines", &lines);
                ("svar.html", Arc::new(c))
            })
            .collect();
        for (r, page) in respondents.iter().zip(render(jobs)?) {
            put(&r.page, Page::Bytes(page.into_bytes()))?;
        }
    }
    Ok(())
}

/// The opinion's Markdown (rendered with links) as HTML. The document text in it is
/// Markdown-escaped, so only the template's own tags are markup.
fn markdown_html(md: &str) -> String {
    let opts = pulldown_cmark::Options::ENABLE_HEADING_ATTRIBUTES;
    let mut out = String::with_capacity(md.len() * 2);
    pulldown_cmark::html::push_html(&mut out, pulldown_cmark::Parser::new_ext(md, opts));
    out
}

/// What the Word file says about itself: from the manifest.
fn docx_meta(data: &CaseData, templates: &Templates) -> docx::Meta {
    let m = &data.manifest;
    docx::Meta {
        title: format!("Svar på remiss: {}", m.title),
        author: m
            .handlaggare
            .clone()
            .unwrap_or_else(|| data.opinion.author.clone()),
        company: m
            .organisation
            .clone()
            .unwrap_or_else(|| data.opinion.author.clone()),
        case_number: m.case_number.clone(),
        date: m.date.clone(),
        reference: templates.reference_docx.clone(),
    }
}

/// Collapses the blank-line runs template logic leaves behind.
fn tidy_markdown(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut blank = 0;
    for line in s.lines() {
        if line.trim().is_empty() {
            blank += 1;
            if blank > 1 {
                continue;
            }
            out.push('\n');
        } else {
            blank = 0;
            out.push_str(line.trim_end_matches(' ').trim_end());
            if line.ends_with("  ") {
                out.push_str("  ");
            }
            out.push('\n');
        }
    }
    out.trim_start().to_string()
}

/// The matrix for spreadsheets, as Swedish Excel opens it: semicolon-separated, UTF-8
/// with BOM, Swedish values. One row per target: what it is, each respondent's stance and
/// flags in Swedish (`avstyrker (föreslår ändring, farhåga)`, `; korrigerad` when a person
/// corrected it), the counts; then the ids for scripts: the target's and each respondent's
/// stance id. No cell can start a formula. Written to `w` a row at a time: like the
/// compilation page, it grows with answers × targets.
pub fn write_csv(data: &CaseData, w: &mut dyn std::io::Write) -> std::io::Result<()> {
    const SEP: &str = ";";
    let mut s = String::from("\u{feff}");
    let mut head = vec!["Avser".to_string()];
    head.extend(data.respondents.iter().map(|r| escape::csv(&r.name)));
    head.extend([
        "Tillstyrker".to_string(),
        "Avstyrker".to_string(),
        "Går isär".to_string(),
        "id".to_string(),
    ]);
    head.extend(data.respondents.iter().map(|r| escape::csv(&r.key)));
    s.push_str(&head.join(SEP));
    s.push_str("\r\n");
    for row in &data.matrix.rows {
        let mut f = vec![escape::csv(&row.display)];
        for c in &row.cells {
            let mut v = sv::stance(c.stance).to_string();
            let flags: Vec<&str> = c
                .flags
                .iter()
                .filter(|x| {
                    !(c.stance == crate::answer::stance::Stance::Proposal
                        && **x == crate::answer::stance::Flag::Proposes)
                })
                .map(|x| sv::flag(*x))
                .collect();
            if !flags.is_empty() {
                v.push_str(&format!(" ({})", flags.join(", ")));
            }
            if c.corrected.is_some() {
                v.push_str("; korrigerad");
            }
            f.push(escape::csv(&v));
        }
        f.push(row.supporting.to_string());
        f.push(row.opposing.to_string());
        f.push(if row.conflict { "ja".into() } else { "".into() });
        f.push(escape::csv(&row.id));
        f.extend(row.cells.iter().map(|c| c.stance.as_str().to_string()));
        s.push_str(&f.join(SEP));
        s.push_str("\r\n");
        compilation::spill(&mut s, w)?;
    }
    w.write_all(s.as_bytes())
}

/// A writer for tests of what is written a part at a time: what it was given, and in how
/// many calls.
#[cfg(test)]
#[derive(Default)]
pub(crate) struct Pieces {
    pub bytes: Vec<u8>,
    pub writes: usize,
}

#[cfg(test)]
impl std::io::Write for Pieces {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.writes += 1;
        self.bytes.extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The first line (1-based) where two rendered texts differ, and that line of each, for the
/// message of a test that holds a direct writer to the template or serde it replaces.
#[cfg(test)]
pub(crate) fn first_differing_line<'a>(a: &'a str, b: &'a str) -> (usize, &'a str, &'a str) {
    let (n, (x, y)) = a
        .lines()
        .zip(b.lines())
        .enumerate()
        .find(|(_, (x, y))| x != y)
        .unwrap_or((0, ("(lengths differ)", "")));
    (n + 1, x, y)
}

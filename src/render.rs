//! Stage 6, rendering: the case data through tera templates (embedded from `templates/`,
//! overridable from a folder) into Markdown, HTML, Word, CSV and JSON.

use crate::case::CaseData;
use crate::regulation::Regulation;
use std::collections::HashMap;
use std::path::Path;
use tera::{Context, Tera, Value};

/// The default templates, embedded in the binary.
pub const TEMPLATES: [(&str, &str); 10] = [
    ("style.css", include_str!("../templates/style.css")),
    ("macros.html", include_str!("../templates/macros.html")),
    ("macros.md", include_str!("../templates/macros.md")),
    ("index.html", include_str!("../templates/index.html")),
    ("yttrande.md", include_str!("../templates/yttrande.md")),
    ("yttrande.html", include_str!("../templates/yttrande.html")),
    (
        "sammanstallning.html",
        include_str!("../templates/sammanstallning.html"),
    ),
    (
        "genomslag.html",
        include_str!("../templates/genomslag.html"),
    ),
    ("genomslag.md", include_str!("../templates/genomslag.md")),
    ("svar.html", include_str!("../templates/svar.html")),
];

#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// A template that does not parse or render; the message names it and, where tera
    /// knows it, the line.
    #[error("template {name}: {message}")]
    Template { name: String, message: String },
    #[error("cannot read the template folder {path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot write the Word document: {0}")]
    Docx(String),
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

/// The template environment: the embedded templates, then any file of the same name in
/// `overrides`.
pub fn environment(overrides: Option<&Path>) -> Result<Tera, RenderError> {
    let mut sources: Vec<(String, String)> = TEMPLATES
        .iter()
        .map(|(n, s)| (n.to_string(), s.to_string()))
        .collect();
    if let Some(dir) = overrides {
        let io = |source| RenderError::Io {
            path: dir.display().to_string(),
            source,
        };
        for entry in std::fs::read_dir(dir).map_err(io)? {
            let entry = entry.map_err(io)?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if let Some(slot) = sources.iter_mut().find(|(n, _)| *n == name) {
                slot.1 = std::fs::read_to_string(entry.path()).map_err(io)?;
            }
        }
    }
    let mut tera = Tera::default();
    // Autoescape HTML; Markdown and CSS are not escaped.
    tera.autoescape_on(vec![".html"]);
    for (name, src) in &sources {
        tera.add_raw_template(name, src)
            .map_err(|e| RenderError::Template {
                name: name.clone(),
                message: describe(&e),
            })?;
    }
    tera.register_filter("typo", typo_filter);
    tera.register_filter("sv", sv_filter);
    tera.register_filter("verb", verb_filter);
    tera.register_filter("mark", mark_filter);
    tera.register_filter("outcome", outcome_filter);
    Ok(tera)
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

/// Swedish names of stances and flags (from their serialised names), as the answer stage
/// defines them.
pub fn sv(key: &str) -> &'static str {
    use crate::answer::stance::{Flag, Stance};
    Stance::ALL
        .iter()
        .find(|s| s.as_str() == key)
        .map(|s| s.swedish())
        .or_else(|| {
            Flag::ALL
                .iter()
                .find(|f| f.as_str() == key)
                .map(|f| f.swedish())
        })
        .unwrap_or("")
}

fn sv_filter(v: &Value, _: &HashMap<String, Value>) -> tera::Result<Value> {
    let k = str_arg(v);
    let s = sv(&k);
    Ok(Value::String(if s.is_empty() { k } else { s.to_string() }))
}

/// The verb phrase of a position: `Stadsledningskontoret {verb} bestämmelsen`.
fn verb_filter(v: &Value, _: &HashMap<String, Value>) -> tera::Result<Value> {
    let s = match str_arg(v).as_str() {
        "support" => "tillstyrker",
        "support-reservations" => "tillstyrker i huvudsak",
        "oppose" => "avstyrker",
        "proposal" => "föreslår ändringar i",
        "comment" => "har synpunkter på",
        "no-comment" => "har inga synpunkter på",
        _ => "har inte yttrat sig över",
    };
    Ok(Value::String(s.to_string()))
}

/// A short mark for a matrix cell.
fn mark_filter(v: &Value, _: &HashMap<String, Value>) -> tera::Result<Value> {
    let s = match str_arg(v).as_str() {
        "support" => "+",
        "support-reservations" => "(+)",
        "oppose" => "−",
        "proposal" => "ä",
        "comment" => "s",
        "no-comment" => "0",
        _ => "·",
    };
    Ok(Value::String(s.to_string()))
}

fn outcome_filter(v: &Value, _: &HashMap<String, Value>) -> tera::Result<Value> {
    let key = str_arg(v);
    let s = match key.as_str() {
        "unchanged" => "oförändrade",
        "changed" => "ändrade",
        "renumbered" => "ny beteckning, samma lydelse",
        "renumbered-changed" => "ny beteckning och ändrade",
        "moved" => "flyttade",
        "split" => "delade",
        "merged" => "sammanslagna",
        "removed" => "borttagna",
        other => other,
    };
    Ok(Value::String(s.to_string()))
}

fn render(tera: &Tera, name: &str, ctx: &Context) -> Result<String, RenderError> {
    tera.render(name, ctx).map_err(|e| RenderError::Template {
        name: name.to_string(),
        message: describe(&e),
    })
}

#[derive(serde::Serialize)]
struct Link<'a> {
    from: &'a str,
    to: &'a str,
    page: &'a str,
}

/// What the templates see as `case`.
#[derive(serde::Serialize)]
struct View<'a> {
    name: &'a str,
    manifest: &'a crate::case::Manifest,
    drafts: &'a [crate::case::DraftInfo],
    respondents: &'a [crate::report::Respondent],
    matrix: &'a crate::report::Matrix,
    comparisons: Vec<Link<'a>>,
    effects: &'a crate::report::EffectReport,
    figures: &'a crate::case::Figures,
    skipped: &'a [crate::case::Skipped],
}

/// Every output file of a case, as (relative path, bytes), in a fixed order.
pub fn outputs(
    tera: &Tera,
    data: &CaseData,
    drafts: &[Regulation],
    answer_lines: &[Vec<String>],
) -> Result<Vec<(String, Vec<u8>)>, RenderError> {
    // Templates get everything but the version maps (rendered by the comparison pages
    // themselves), which keeps the template context small for large cases.
    let view = View {
        name: &data.name,
        manifest: &data.manifest,
        drafts: &data.drafts,
        respondents: &data.respondents,
        matrix: &data.matrix,
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
    };
    let mut ctx = Context::new();
    ctx.insert("case", &view);
    ctx.insert("op", &data.opinion);
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    for name in ["index.html", "yttrande.html", "sammanstallning.html"] {
        files.push((name.to_string(), render(tera, name, &ctx)?.into_bytes()));
    }
    let md = render(tera, "yttrande.md", &ctx)?;
    let md = tidy_markdown(&md);
    files.push(("yttrande.docx".to_string(), docx_from_markdown(&md)?));
    files.push(("yttrande.md".to_string(), md.into_bytes()));
    if !data.comparisons.is_empty() {
        for name in ["genomslag.html", "genomslag.md"] {
            let out = render(tera, name, &ctx)?;
            let out = if name.ends_with(".md") {
                tidy_markdown(&out)
            } else {
                out
            };
            files.push((name.to_string(), out.into_bytes()));
        }
    }
    for (i, c) in data.comparisons.iter().enumerate() {
        if let (Some(old), Some(new)) = (drafts.get(i), drafts.get(i + 1)) {
            files.push((
                c.page.clone(),
                crate::compare::render::html(&c.map, old, new).into_bytes(),
            ));
            files.push((
                c.page.replace(".html", ".md"),
                crate::compare::render::markdown(&c.map, old, new).into_bytes(),
            ));
        }
    }
    files.push(("sammanstallning.csv".to_string(), csv(data).into_bytes()));
    for (i, r) in data.respondents.iter().enumerate() {
        let lines = answer_lines.get(i).map(Vec::as_slice).unwrap_or_default();
        let mut c = Context::new();
        c.insert("r", r);
        c.insert("lines", &lines);
        files.push((r.page.clone(), render(tera, "svar.html", &c)?.into_bytes()));
    }
    let mut json = serde_json::to_vec_pretty(data).map_err(|e| RenderError::Template {
        name: "data.json".into(),
        message: e.to_string(),
    })?;
    json.push(b'\n');
    files.push(("data.json".to_string(), json));
    Ok(files)
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

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', ';']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// The matrix for spreadsheets: one row per target, one column per respondent (the stance),
/// then counts. Comma-separated, UTF-8 with BOM so spreadsheet programs read å, ä, ö.
pub fn csv(data: &CaseData) -> String {
    let mut s = String::from("\u{feff}");
    let mut head = vec!["id".to_string(), "avser".to_string()];
    head.extend(data.respondents.iter().map(|r| csv_field(&r.name)));
    head.extend([
        "tillstyrker".to_string(),
        "avstyrker".to_string(),
        "konflikt".to_string(),
    ]);
    s.push_str(&head.join(","));
    s.push_str("\r\n");
    for row in &data.matrix.rows {
        let mut f = vec![csv_field(&row.id), csv_field(&row.display)];
        for c in &row.cells {
            let mut v = c.stance.as_str().to_string();
            if !c.flags.is_empty() {
                v.push_str(" (");
                v.push_str(
                    &c.flags
                        .iter()
                        .map(|x| x.as_str())
                        .collect::<Vec<_>>()
                        .join(" "),
                );
                v.push(')');
            }
            f.push(csv_field(&v));
        }
        f.push(row.supporting.to_string());
        f.push(row.opposing.to_string());
        f.push(if row.conflict { "ja".into() } else { "".into() });
        s.push_str(&f.join(","));
        s.push_str("\r\n");
    }
    s
}

/// A Word document from the opinion's Markdown: headings, paragraphs, list items, bold and
/// italic runs. Deterministic: no creation dates are written.
pub fn docx_from_markdown(md: &str) -> Result<Vec<u8>, RenderError> {
    use docx_rs::{BreakType, Docx, LineSpacing, Paragraph, Run, RunFonts};
    // Body text in a serif face at 11 pt, with space after each paragraph.
    let body = |p: Paragraph| p.line_spacing(LineSpacing::new().after(120));
    let mut doc = Docx::new()
        .default_fonts(RunFonts::new().ascii("Georgia").hi_ansi("Georgia"))
        .default_size(22);
    let mut para: Option<Paragraph> = None;
    let mut hard_break = false;
    let flush = |doc: Docx, para: &mut Option<Paragraph>| match para.take() {
        Some(p) => doc.add_paragraph(p),
        None => doc,
    };
    for line in md.lines() {
        let t = line.trim_end();
        if t.is_empty() {
            doc = flush(doc, &mut para);
            hard_break = false;
            continue;
        }
        if let Some(h) = t
            .strip_prefix("### ")
            .or_else(|| t.strip_prefix("## "))
            .or_else(|| t.strip_prefix("# "))
        {
            doc = flush(doc, &mut para);
            let level = t.chars().take_while(|c| *c == '#').count();
            let (size, before) = match level {
                1 => (34, 0),
                2 => (28, 360),
                _ => (24, 240),
            };
            let p = Paragraph::new()
                .add_run(Run::new().add_text(h).bold().size(size))
                .line_spacing(LineSpacing::new().before(before).after(120))
                .keep_next(true);
            doc = doc.add_paragraph(p);
            continue;
        }
        if let Some(item) = t.strip_prefix("- ") {
            doc = flush(doc, &mut para);
            let p = body(Paragraph::new().indent(Some(360), None, None, None));
            doc = doc.add_paragraph(add_inline(p.add_run(Run::new().add_text("– ")), item));
            continue;
        }
        // A Markdown hard break (two trailing spaces) is a line break in the paragraph.
        let p = para.take().unwrap_or_else(|| body(Paragraph::new()));
        let p = if p.children.is_empty() {
            p
        } else if hard_break {
            p.add_run(Run::new().add_break(BreakType::TextWrapping))
        } else {
            p.add_run(Run::new().add_text(" "))
        };
        hard_break = line.ends_with("  ");
        para = Some(add_inline(p, t));
    }
    doc = flush(doc, &mut para);
    let mut buf = std::io::Cursor::new(Vec::new());
    doc.build()
        .pack(&mut buf)
        .map_err(|e| RenderError::Docx(e.to_string()))?;
    Ok(buf.into_inner())
}

/// Adds text with `**bold**` and `*italic*` spans as runs.
fn add_inline(mut p: docx_rs::Paragraph, text: &str) -> docx_rs::Paragraph {
    use docx_rs::Run;
    let mut rest = text;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix("**")
            && let Some(end) = after.find("**")
        {
            p = p.add_run(Run::new().add_text(&after[..end]).bold());
            rest = &after[end + 2..];
            continue;
        }
        if let Some(after) = rest.strip_prefix('*')
            && let Some(end) = after.find('*')
        {
            p = p.add_run(Run::new().add_text(&after[..end]).italic());
            rest = &after[end + 1..];
            continue;
        }
        // Up to the next `*` after the first character (which may be a lone `*`).
        let first = rest.chars().next().map(char::len_utf8).unwrap_or(1);
        let next = rest[first..]
            .find('*')
            .map(|i| i + first)
            .unwrap_or(rest.len());
        p = p.add_run(Run::new().add_text(&rest[..next]));
        rest = &rest[next..];
    }
    p
}

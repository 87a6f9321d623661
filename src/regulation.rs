//! Stage 2a, structure: a regulation [`Text`] becomes a tree of kapitel, rubriker,
//! paragrafer, stycken, punkter, allmänna råd, övergångsbestämmelser and bilagor.

use crate::address::{Address, Label, PunktLabel};
use crate::cite::Outline;
use crate::source::{BlockKind, Normalisation, Span, Text, join_lines};
use serde::Serialize;
use std::borrow::Cow;

/// A parsed regulation. Serialised as the `remiss parse --format json` output.
#[derive(Clone, Debug, Serialize)]
pub struct Regulation {
    pub source: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<TextPart>,
    /// Text between the title and the first structure (`beslutade den ...`, bemyndigande).
    pub preamble: Vec<TextPart>,
    /// Chapters in order. A regulation without chapters has one chapter with no label.
    pub kapitel: Vec<Kapitel>,
    pub overgang: Vec<Overgang>,
    pub bilagor: Vec<Bilaga>,
    pub diagnostics: Vec<Diagnostic>,
    /// What joining lines normalised away (counted, never hidden).
    pub normalisation: Normalisation,
}

/// A piece of text with its span.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TextPart {
    pub text: String,
    pub span: Span,
}

#[derive(Clone, Debug, Serialize)]
pub struct Kapitel {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<Label>,
    pub id: String,
    pub display: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub heading: Option<String>,
    pub span: Span,
    /// `Har upphävts genom ...` when the whole chapter is repealed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub repealed: Option<String>,
    pub rubriker: Vec<Rubrik>,
    pub paragrafer: Vec<Paragraf>,
}

/// A heading between paragraphs; it groups the paragraphs below it.
#[derive(Clone, Debug, Serialize)]
pub struct Rubrik {
    pub id: String,
    pub text: String,
    pub span: Span,
    /// 1 for a rubrik, 2 for a sub-rubrik directly below another.
    pub level: u8,
    /// Index in `paragrafer` of the first paragraph below it.
    pub before: usize,
}

#[derive(Clone, Debug, Serialize)]
pub struct Paragraf {
    pub label: Label,
    pub address: Address,
    pub id: String,
    pub display: String,
    pub span: Span,
    /// The rubrik this paragraph stands under, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rubrik: Option<String>,
    pub stycken: Vec<Stycke>,
    pub allmanna_rad: Vec<AllmannaRad>,
    /// `Har upphävts genom lag (2021:123).` for a repealed paragraph.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub repealed: Option<String>,
    /// SFS numbers of amendment notes (`Lag (2025:1511).`): metadata, not wording.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub amended_by: Vec<String>,
    /// `/Träder i kraft I:2026-01-15/`
    #[serde(skip_serializing_if = "Option::is_none")]
    pub in_force_from: Option<String>,
    /// `/Upphör att gälla U:2026-01-15/`
    #[serde(skip_serializing_if = "Option::is_none")]
    pub in_force_until: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Stycke {
    pub number: u32,
    pub id: String,
    pub text: String,
    pub span: Span,
    pub punkter: Vec<Punkt>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Punkt {
    pub label: PunktLabel,
    pub id: String,
    pub text: String,
    pub span: Span,
}

/// An `Allmänna råd` block; it belongs to the paragraph above it.
#[derive(Clone, Debug, Serialize)]
pub struct AllmannaRad {
    pub id: String,
    pub heading: String,
    pub span: Span,
    pub stycken: Vec<TextPart>,
}

/// A group of transitional provisions, optionally headed by the amending act's number.
#[derive(Clone, Debug, Serialize)]
pub struct Overgang {
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub act: Option<String>,
    pub span: Span,
    pub stycken: Vec<Stycke>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Bilaga {
    pub id: String,
    pub heading: String,
    pub span: Span,
    pub text: Vec<TextPart>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DiagnosticKind {
    DuplicateLabel,
    OutOfOrder,
    OrphanAllmannaRad,
    NoParagraphs,
    GarbledHeading,
}

/// Something odd about the text that the parser kept but a reader should check.
#[derive(Clone, Debug, Serialize)]
pub struct Diagnostic {
    pub kind: DiagnosticKind,
    pub line: u32,
    pub message: String,
}

/// The kinds of node in `remiss parse --format tsv`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum NodeKind {
    Kapitel,
    Rubrik,
    Paragraf,
    Stycke,
    Punkt,
    AllmannaRad,
    Overgang,
    Bilaga,
}

impl NodeKind {
    pub fn as_str(&self) -> &'static str {
        match self {
            NodeKind::Kapitel => "kapitel",
            NodeKind::Rubrik => "rubrik",
            NodeKind::Paragraf => "paragraf",
            NodeKind::Stycke => "stycke",
            NodeKind::Punkt => "punkt",
            NodeKind::AllmannaRad => "allmanna-rad",
            NodeKind::Overgang => "overgang",
            NodeKind::Bilaga => "bilaga",
        }
    }
}

/// A flat view of one node, in document order.
#[derive(Clone, Debug)]
pub struct Node<'a> {
    pub id: String,
    pub kind: NodeKind,
    pub span: Span,
    pub text: &'a str,
    pub depth: u8,
}

impl Regulation {
    /// All paragraphs in document order.
    pub fn paragraphs(&self) -> impl Iterator<Item = &Paragraf> {
        self.kapitel.iter().flat_map(|k| k.paragrafer.iter())
    }

    pub fn chapter(&self, label: Option<Label>) -> Option<&Kapitel> {
        self.kapitel.iter().find(|k| k.label == label)
    }

    pub fn paragraph(&self, a: &Address) -> Option<&Paragraf> {
        let p = a.paragraf?;
        self.chapter(a.kapitel)?
            .paragrafer
            .iter()
            .find(|x| x.label == p && x.in_force_until.is_none())
            .or_else(|| {
                self.chapter(a.kapitel)?
                    .paragrafer
                    .iter()
                    .find(|x| x.label == p)
            })
    }

    /// Every node in document order (the `tsv` and `text` views).
    pub fn nodes(&self) -> Vec<Node<'_>> {
        let mut out = Vec::new();
        for k in &self.kapitel {
            let depth = if k.label.is_some() {
                out.push(Node {
                    id: k.id.clone(),
                    kind: NodeKind::Kapitel,
                    span: k.span,
                    text: k.heading.as_deref().unwrap_or(""),
                    depth: 0,
                });
                1
            } else {
                0
            };
            let mut rub = k.rubriker.iter().peekable();
            for (pi, p) in k.paragrafer.iter().enumerate() {
                while let Some(r) = rub.peek() {
                    if r.before > pi {
                        break;
                    }
                    out.push(Node {
                        id: r.id.clone(),
                        kind: NodeKind::Rubrik,
                        span: r.span,
                        text: &r.text,
                        depth,
                    });
                    rub.next();
                }
                let first = p
                    .stycken
                    .first()
                    .map(|s| s.text.as_str())
                    .or(p.repealed.as_deref())
                    .unwrap_or("");
                out.push(Node {
                    id: p.id.clone(),
                    kind: NodeKind::Paragraf,
                    span: p.span,
                    text: first,
                    depth,
                });
                for s in &p.stycken {
                    out.push(Node {
                        id: s.id.clone(),
                        kind: NodeKind::Stycke,
                        span: s.span,
                        text: &s.text,
                        depth: depth + 1,
                    });
                    for n in &s.punkter {
                        out.push(Node {
                            id: n.id.clone(),
                            kind: NodeKind::Punkt,
                            span: n.span,
                            text: &n.text,
                            depth: depth + 2,
                        });
                    }
                }
                for ar in &p.allmanna_rad {
                    out.push(Node {
                        id: ar.id.clone(),
                        kind: NodeKind::AllmannaRad,
                        span: ar.span,
                        text: ar.stycken.first().map(|s| s.text.as_str()).unwrap_or(""),
                        depth: depth + 1,
                    });
                }
            }
            for r in rub {
                out.push(Node {
                    id: r.id.clone(),
                    kind: NodeKind::Rubrik,
                    span: r.span,
                    text: &r.text,
                    depth,
                });
            }
        }
        for o in &self.overgang {
            out.push(Node {
                id: o.id.clone(),
                kind: NodeKind::Overgang,
                span: o.span,
                text: o
                    .act
                    .as_deref()
                    .or(o.stycken.first().map(|s| s.text.as_str()))
                    .unwrap_or(""),
                depth: 0,
            });
            for s in &o.stycken {
                for n in &s.punkter {
                    out.push(Node {
                        id: n.id.clone(),
                        kind: NodeKind::Punkt,
                        span: n.span,
                        text: &n.text,
                        depth: 1,
                    });
                }
            }
        }
        for b in &self.bilagor {
            out.push(Node {
                id: b.id.clone(),
                kind: NodeKind::Bilaga,
                span: b.span,
                text: &b.heading,
                depth: 0,
            });
        }
        out
    }

    /// Number of labelled chapters.
    pub fn chapter_count(&self) -> usize {
        self.kapitel.iter().filter(|k| k.label.is_some()).count()
    }
    pub fn paragraph_count(&self) -> usize {
        self.paragraphs().count()
    }
}

impl Outline for Regulation {
    fn has_chapters(&self) -> bool {
        self.kapitel.iter().any(|k| k.label.is_some())
    }
    fn chapter_labels(&self) -> Vec<Label> {
        self.kapitel.iter().filter_map(|k| k.label).collect()
    }
    fn paragraph_labels(&self, kapitel: Option<Label>) -> Vec<Label> {
        self.chapter(kapitel)
            .map(|k| {
                let mut v: Vec<Label> = k.paragrafer.iter().map(|p| p.label).collect();
                v.dedup();
                v
            })
            .unwrap_or_default()
    }
    fn contains(&self, a: &Address) -> bool {
        let Some(k) = self.chapter(a.kapitel) else {
            return false;
        };
        let Some(pl) = a.paragraf else {
            return a.kapitel.is_some() && a.stycke.is_none() && a.punkt.is_none();
        };
        let Some(p) = k.paragrafer.iter().find(|p| p.label == pl) else {
            return false;
        };
        match (a.stycke, a.punkt) {
            (None, None) => true,
            (Some(s), None) => s as usize <= p.stycken.len(),
            (st, Some(n)) => {
                let in_stycke = |s: &Stycke| s.punkter.iter().any(|x| x.label == n);
                match st {
                    Some(s) => p
                        .stycken
                        .get((s as usize).wrapping_sub(1))
                        .is_some_and(in_stycke),
                    None => p.stycken.iter().any(in_stycke),
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// Line shapes
// ---------------------------------------------------------------------------------------

/// `7 §` / `7 a §` at the start of a line, followed by a space or the end: the label and the
/// byte offset after `§`. `17 och 18 §§` does not match.
fn paragraph_label_at_start(line: &str) -> Option<(Label, usize)> {
    let b = line.as_bytes();
    let mut i = 0;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    if i == 0 || i > 4 {
        return None;
    }
    let num: u32 = line[..i].parse().ok()?;
    let rest = &line[i..];
    let rest = rest.strip_prefix([' ', '\u{a0}']).unwrap_or(rest);
    let (letter, rest) = match rest.chars().next() {
        Some(c) if c.is_ascii_lowercase() => {
            let after = &rest[1..];
            let after = after.strip_prefix([' ', '\u{a0}'])?;
            (Some(c), after)
        }
        _ => (None, rest),
    };
    let rest = rest.strip_prefix('§')?;
    if rest.starts_with('§') {
        return None;
    }
    let label = Label { num, letter };
    let consumed = line.len() - rest.len();
    Some((label, consumed))
}

/// `2 kap. Rubrik` (or `2 kap.` alone): the chapter label and the heading.
fn chapter_line(line: &str) -> Option<(Label, &str)> {
    let b = line.as_bytes();
    let mut i = 0;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    if i == 0 || i > 3 {
        return None;
    }
    let num: u32 = line[..i].parse().ok()?;
    let mut rest = line[i..].trim_start();
    let mut letter = None;
    if let Some(c) = rest.chars().next()
        && c.is_ascii_lowercase()
        && rest[1..].starts_with(' ')
    {
        letter = Some(c);
        rest = rest[1..].trim_start();
    }
    let rest = rest.strip_prefix("kap")?;
    let rest = rest.strip_prefix('.').unwrap_or(rest);
    if !(rest.is_empty() || rest.starts_with([' ', '\u{a0}'])) {
        return None;
    }
    let heading = rest.trim();
    if heading.contains('§') {
        return None;
    }
    if !heading.is_empty() && !heading.starts_with(|c: char| c.is_uppercase()) {
        return None;
    }
    if heading.ends_with([',', ';', ':']) || heading.ends_with(" och") || heading.ends_with(" samt")
    {
        return None;
    }
    Some((Label { num, letter }, heading))
}

/// `1.`, `2)`, `a)` at the start of a line: a punkt label and the text after it.
fn punkt_at_start(line: &str) -> Option<(PunktLabel, &str)> {
    let b = line.as_bytes();
    let mut i = 0;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    if i > 0 && i <= 2 {
        let n: u32 = line[..i].parse().ok()?;
        let rest = &line[i..];
        let rest = rest.strip_prefix('.').or_else(|| rest.strip_prefix(')'))?;
        if rest.starts_with(' ') || rest.is_empty() {
            return Some((PunktLabel::Number(n), rest.trim_start()));
        }
        return None;
    }
    let c = line.chars().next()?;
    if c.is_ascii_lowercase() && line[1..].starts_with(") ") {
        return Some((PunktLabel::Letter(c), line[3..].trim_start()));
    }
    None
}

fn is_strecksats(line: &str) -> bool {
    line.starts_with("- ") || line.starts_with("– ") || line.starts_with("• ")
}

/// A rubrik is short, starts with a capital, and does not end like a sentence or clause.
fn rubrik_shaped(text: &str) -> bool {
    let t = text.trim();
    !t.is_empty()
        && t.len() <= 160
        && t.starts_with(|c: char| c.is_uppercase())
        && (!t.ends_with(['.', ',', ':', ';']) || t.ends_with("m.m."))
        && !t.contains('\t')
        && punkt_at_start(t).is_none()
        && paragraph_label_at_start(t).is_none()
}

/// `/Träder i kraft I:2026-01-15/` or `/Upphör att gälla U:2026-01-15/` at the start of `s`.
fn marker(s: &str) -> Option<(bool, String, usize)> {
    // `/Ny beteckning 1 § U:2026-01-15/`: renumbered at that date; until then in force here.
    if let Some(rest) = s.strip_prefix("/Ny beteckning ")
        && let Some(u) = rest.find(" § U:")
        && let Some(end) = rest.find('/')
        && u < end
        && paragraph_label_at_start(&rest[..u + " §".len()]).is_some()
    {
        let date = &rest[u + " § U:".len()..end];
        return Some((
            false,
            format!("{date} (ny beteckning {} §)", &rest[..u]),
            "/Ny beteckning ".len() + end + 1,
        ));
    }
    for (prefix, from) in [
        ("/Träder i kraft I:", true),
        ("/Upphör att gälla U:", false),
    ] {
        if let Some(rest) = s.strip_prefix(prefix)
            && let Some(end) = rest.find('/')
        {
            let inner = &rest[..end];
            // Exact grammar: a date, optionally `genom lag (2025:1511).`, or `den dag
            // regeringen bestämmer`. Anything else between slashes is text.
            let is_date = |d: &str| {
                d.len() == 10
                    && d.bytes().enumerate().all(|(i, b)| {
                        if i == 4 || i == 7 {
                            b == b'-'
                        } else {
                            b.is_ascii_digit()
                        }
                    })
            };
            let date = inner.get(..10).filter(|d| is_date(d));
            let ok = match date {
                Some(_) => inner.len() == 10 || inner[10..].starts_with(" genom "),
                None => inner.starts_with("den dag"),
            };
            if ok {
                let shown = date.unwrap_or(inner).to_string();
                return Some((from, shown, prefix.len() + end + 1));
            }
        }
    }
    None
}

/// Strips a trailing amendment note (`Lag (2025:1511).`) and returns the SFS number.
fn strip_amendment_note(text: &mut String) -> Option<String> {
    let t = text.trim_end();
    let t2 = t.strip_suffix(").")?;
    let open = t2.rfind('(')?;
    let number = &t2[open + 1..];
    let (y, n) = number.split_once(':')?;
    if y.len() != 4
        || !y.bytes().all(|b| b.is_ascii_digit())
        || n.is_empty()
        || !n.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let before = t2[..open].trim_end();
    let kinds = [
        "Lag",
        "Förordning",
        "Kungörelse",
        "Föreskrift",
        "Föreskrifter",
        "Balk",
    ];
    let kind = kinds.iter().find(|k| before.ends_with(*k))?;
    let cut = before.len() - kind.len();
    // The note must stand as its own sentence.
    if cut > 0 && !before[..cut].ends_with(' ') {
        return None;
    }
    let number = number.to_string();
    let keep = before[..cut].trim_end().len();
    text.truncate(keep);
    Some(number)
}

// ---------------------------------------------------------------------------------------
// Parser
// ---------------------------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Mode {
    Preamble,
    Paragraf,
    AllmannaRad,
    Overgang,
    Bilaga,
}

/// How many blocks the parser looks at: the current one and three ahead.
const LOOKAHEAD: usize = 4;

/// One block prepared for classification.
struct Blk<'a> {
    lines: Vec<(Cow<'a, str>, Span)>,
    kind: BlockKind,
    span: Span,
}

impl Blk<'_> {
    fn first(&self) -> &str {
        self.lines.first().map(|l| l.0.as_ref()).unwrap_or("")
    }
    fn joined_len(&self) -> usize {
        self.lines.iter().map(|l| l.0.len() + 1).sum()
    }
}

struct Builder {
    reg: Regulation,
    mode: Mode,
    pending_rubriker: Vec<(String, Span)>,
    current_rubrik: Option<String>,
    /// The previous block looked like a chapter heading but was refused (a list of chapters).
    refused_chapter_line: bool,
}

/// Parses a regulation. Never fails: oddities become [`Diagnostic`]s. A text without any
/// paragraph yields a regulation with no paragraphs and a `no-paragraphs` diagnostic.
pub fn parse<'t>(text: &'t Text) -> Regulation {
    // Blocks are prepared lazily with a short lookahead window, so a large text is not
    // held twice in memory.
    let mut source_blocks = text.blocks.iter();
    let mut window: std::collections::VecDeque<Blk<'t>> = std::collections::VecDeque::new();
    let mut fill = |window: &mut std::collections::VecDeque<Blk<'t>>| {
        while window.len() < LOOKAHEAD {
            let Some(b) = source_blocks.next() else { break };
            let lines: Vec<(Cow<'t, str>, Span)> = b
                .lines
                .iter()
                .map(|l| (Cow::Borrowed(text.line_text(l)), text.line_span(l)))
                // `/Rubriken träder i kraft I:2026-01-15/` dates a rubrik; it is not text.
                .filter(|(t, _)| !is_rubrik_marker(t))
                .collect();
            if lines.is_empty() {
                continue;
            }
            window.push_back(Blk {
                span: lines
                    .iter()
                    .map(|l| l.1)
                    .reduce(Span::join)
                    .unwrap_or_default(),
                lines,
                kind: b.kind,
            });
        }
    };
    let mut b = Builder {
        reg: Regulation {
            source: text.name.clone(),
            title: None,
            preamble: Vec::new(),
            kapitel: Vec::new(),
            overgang: Vec::new(),
            bilagor: Vec::new(),
            diagnostics: Vec::new(),
            normalisation: Normalisation::default(),
        },
        mode: Mode::Preamble,
        pending_rubriker: Vec::new(),
        current_rubrik: None,
        refused_chapter_line: false,
    };
    let mut pending_label: Option<(Label, Span)> = None;
    let mut index = 0usize;
    loop {
        if index > 0 {
            window.pop_front();
        }
        fill(&mut window);
        if window.is_empty() {
            break;
        }
        let blocks: &[Blk] = window.make_contiguous();
        let i = 0;
        let first_block = index == 0;
        index += 1;
        let blk = &blocks[i];
        let next = blocks.get(i + 1);
        let first = blk.first().trim();

        // Markdown `### 7 §` headings carry the label of the next block.
        if let BlockKind::Heading(level) = blk.kind {
            if let Some((label, end)) = paragraph_label_at_start(first)
                && first[end..].trim().is_empty()
            {
                pending_label = Some((label, blk.span));
                continue;
            }
            // A heading that ends in `19 §` after garbage (a converter's mangled `/.../`):
            // keep the label, report the rest.
            if level >= 3
                && let Some((label, end)) = last_label(first)
                && end == first.len()
            {
                b.reg.diagnostics.push(Diagnostic {
                    kind: DiagnosticKind::GarbledHeading,
                    line: blk.span.line,
                    message: format!(
                        "heading `{}` has text before the paragraph label {label} §; the text was dropped",
                        prefix(first, 60)
                    ),
                });
                pending_label = Some((label, blk.span));
                continue;
            }
            if let Some((label, heading)) = chapter_line(first) {
                b.start_chapter(label, heading, blk.span);
                continue;
            }
            let joined = b.join(blk.lines.iter().map(|l| l.0.as_ref()));
            if b.reg.title.is_none()
                && b.reg.kapitel.is_empty()
                && level <= 2
                && b.mode == Mode::Preamble
            {
                b.reg.title = Some(TextPart {
                    text: joined,
                    span: blk.span,
                });
                continue;
            }
            if b.special_heading(&joined, blk.span) {
                continue;
            }
            if b.mode == Mode::Preamble
                && b.reg.kapitel.is_empty()
                && level <= 2
                && b.reg.preamble.is_empty()
                && next.is_some_and(|n| !matches!(n.kind, BlockKind::Heading(_)))
                && b.reg.title.as_ref().is_some_and(|t| t.text == joined)
            {
                // selex repeats the title as a level-2 heading over the preamble.
                continue;
            }
            b.pending_rubriker.push((joined, blk.span));
            continue;
        }

        if let Some((label, lspan)) = pending_label.take() {
            let mut lines = blk.lines.clone();
            if let Some(l) = lines.first_mut() {
                l.0 = Cow::Owned(format!("{label} § {}", l.0));
                l.1 = lspan.join(l.1);
            }
            let merged = Blk {
                lines,
                kind: BlockKind::Text,
                span: lspan.join(blk.span),
            };
            b.start_paragraph(&merged);
            continue;
        }

        // A chapter heading: one short line (two when wrapped), shaped right, numbered upwards,
        // not one of a list of chapters, and not after text that announces a list.
        if blk.lines.len() <= 2
            && blk.joined_len() < 200
            && let Some((label, heading)) = chapter_line(first)
        {
            let heading = if blk.lines.len() == 2 {
                format!("{} {}", heading, blk.lines[1].0.trim())
            } else {
                heading.to_string()
            };
            let next_is_chapter = next
                .is_some_and(|n| n.lines.len() <= 2 && chapter_line(n.first().trim()).is_some());
            let current = b.reg.kapitel.iter().rev().find_map(|k| k.label);
            let upwards = current.is_none_or(|c| label > c);
            let after_colon = b.last_text_ends_with_colon();
            if upwards
                && !next_is_chapter
                && !b.refused_chapter_line
                && !after_colon
                && !heading.contains('§')
                && matches!(b.mode, Mode::Preamble | Mode::Paragraf | Mode::AllmannaRad)
            {
                b.start_chapter(label, &heading, blk.span);
                b.refused_chapter_line = false;
                continue;
            }
            b.refused_chapter_line = true;
            b.text_block(blk);
            continue;
        }
        b.refused_chapter_line = false;

        if paragraph_label_at_start(first)
            .is_some_and(|(_, end)| paragraph_text_ok(&first[end..], blk))
            && !(b.mode == Mode::Bilaga)
        {
            b.start_paragraph(blk);
            continue;
        }

        let joined_first = if blk.lines.len() <= 2 {
            b.peek_join(blk)
        } else {
            String::new()
        };
        if blk.lines.len() <= 2 && b.special_heading(&joined_first, blk.span) {
            continue;
        }
        if blk.lines.len() <= 2
            && b.mode != Mode::Overgang
            && rubrik_shaped(&joined_first)
            && is_rubrik(blocks, i)
        {
            // The first block of a document is a title unless a paragraph follows it directly.
            if b.reg.title.is_none() && first_block && !followed_by_paragraph(blocks, i) {
                let text = b.join(blk.lines.iter().map(|l| l.0.as_ref()));
                b.reg.title = Some(TextPart {
                    text,
                    span: blk.span,
                });
                continue;
            }
            // Two lines: a wrapped rubrik when the second starts in lower case, otherwise a
            // rubrik and its sub-rubrik.
            let second_upper = blk
                .lines
                .get(1)
                .is_some_and(|l| l.0.trim().starts_with(|c: char| c.is_uppercase()));
            if second_upper {
                for l in &blk.lines {
                    let text = b.join([l.0.as_ref()]);
                    b.pending_rubriker.push((text, l.1));
                }
            } else {
                let text = b.join(blk.lines.iter().map(|l| l.0.as_ref()));
                b.pending_rubriker.push((text, blk.span));
            }
            if b.mode == Mode::AllmannaRad {
                b.mode = Mode::Paragraf;
            }
            continue;
        }
        if b.reg.title.is_none() && first_block && b.reg.kapitel.is_empty() {
            let text = b.join(blk.lines.iter().map(|l| l.0.as_ref()));
            b.reg.title = Some(TextPart {
                text,
                span: blk.span,
            });
            continue;
        }
        b.text_block(blk);
    }
    b.finish()
}

/// After `7 §`: text starting with a capital, a marker, or nothing (text on the next line).
fn paragraph_text_ok(after: &str, blk: &Blk) -> bool {
    let t = after.trim_start();
    if t.is_empty() {
        return blk.lines.len() > 1;
    }
    t.starts_with(|c: char| c.is_uppercase() || c == '/' || c == '”' || c == '"')
}

fn followed_by_paragraph(blocks: &[Blk], i: usize) -> bool {
    blocks.get(i + 1).is_some_and(|n| {
        let f = n.first().trim();
        paragraph_label_at_start(f).is_some_and(|(_, e)| paragraph_text_ok(&f[e..], n))
            || (matches!(n.kind, BlockKind::Heading(_)) && paragraph_label_at_start(f).is_some())
    })
}

/// A rubrik is followed by a paragraph, or by one more rubrik that is (a sub-rubrik).
fn is_rubrik(blocks: &[Blk], i: usize) -> bool {
    if followed_by_paragraph(blocks, i) {
        return true;
    }
    if let Some(n) = blocks.get(i + 1)
        && n.lines.len() <= 2
    {
        let t: String = n
            .lines
            .iter()
            .map(|l| l.0.trim())
            .collect::<Vec<_>>()
            .join(" ");
        if rubrik_shaped(&t) && followed_by_paragraph(blocks, i + 1) {
            return true;
        }
        // `Allmänna råd` is no rubrik, but a rubrik may head a chapter's first paragraph only.
    }
    false
}

impl Builder {
    fn join<'a>(&mut self, lines: impl IntoIterator<Item = &'a str>) -> String {
        join_lines(lines, &mut self.reg.normalisation)
    }
    fn peek_join(&self, blk: &Blk) -> String {
        let mut n = Normalisation::default();
        join_lines(blk.lines.iter().map(|l| l.0.as_ref()), &mut n)
    }

    fn ensure_chapter(&mut self) {
        if self.reg.kapitel.is_empty() {
            self.reg.kapitel.push(Kapitel {
                label: None,
                id: String::new(),
                display: String::new(),
                heading: None,
                span: Span::default(),
                repealed: None,
                rubriker: Vec::new(),
                paragrafer: Vec::new(),
            });
        }
    }

    fn last_text_ends_with_colon(&self) -> bool {
        let Some(p) = self.reg.kapitel.last().and_then(|k| k.paragrafer.last()) else {
            return false;
        };
        if self.mode != Mode::Paragraf {
            return false;
        }
        p.stycken.last().is_some_and(|s| {
            s.punkter.is_empty()
                && (s.text.ends_with(':') || !s.text.ends_with(['.', ')', '”', '"']))
        })
    }

    /// `Allmänna råd`, `Övergångsbestämmelser`, `Bilaga 1`: returns true when handled.
    fn special_heading(&mut self, t: &str, span: Span) -> bool {
        let t = t.trim();
        if t == "Allmänna råd" || t == "Allmänt råd" || t == "Allmänna råd:" {
            let kap = self.reg.kapitel.last_mut();
            match kap.and_then(|k| k.paragrafer.last_mut()) {
                Some(p)
                    if self.pending_rubriker.is_empty()
                        && matches!(self.mode, Mode::Paragraf | Mode::AllmannaRad) =>
                {
                    let n = p.allmanna_rad.len() + 1;
                    let id = if n == 1 {
                        format!("{}AR", p.id)
                    } else {
                        format!("{}AR{n}", p.id)
                    };
                    p.allmanna_rad.push(AllmannaRad {
                        id,
                        heading: t.to_string(),
                        span,
                        stycken: Vec::new(),
                    });
                    self.mode = Mode::AllmannaRad;
                }
                _ => {
                    self.reg.diagnostics.push(Diagnostic {
                        kind: DiagnosticKind::OrphanAllmannaRad,
                        line: span.line,
                        message: format!(
                            "line {}: `{t}` with no paragraph above it; kept in the preamble",
                            span.line
                        ),
                    });
                    self.reg.preamble.push(TextPart {
                        text: t.to_string(),
                        span,
                    });
                    self.mode = Mode::Preamble;
                }
            }
            return true;
        }
        // Lower-casing is costly; only short lines starting with Ö or I can match.
        let lower = if t.len() < 60 && t.starts_with(['Ö', 'ö', 'I', 'i']) {
            t.to_lowercase()
        } else {
            String::new()
        };
        if (lower.starts_with("övergångsbestämmelse")
            || lower.starts_with("ikraftträdande- och övergångsbestämmelse")
            || lower == "ikraftträdandebestämmelser")
            && t.len() < 60
        {
            self.flush_rubriker_as_text();
            self.mode = Mode::Overgang;
            let n = self.reg.overgang.len() + 1;
            self.reg.overgang.push(Overgang {
                id: format!("O{n}"),
                act: None,
                span,
                stycken: Vec::new(),
            });
            return true;
        }
        if (t.starts_with("Bilaga") || t.starts_with("BILAGA")) && t.len() < 120 {
            let rest = &t[6..];
            if rest.is_empty() || rest.starts_with([' ', ':']) {
                self.flush_rubriker_as_text();
                self.mode = Mode::Bilaga;
                let n = self.reg.bilagor.len() + 1;
                self.reg.bilagor.push(Bilaga {
                    id: format!("B{n}"),
                    heading: t.to_string(),
                    span,
                    text: Vec::new(),
                });
                return true;
            }
        }
        // An amending act's number starts a new group of transitional provisions.
        if self.mode == Mode::Overgang && is_sfs_number(t) {
            let reuse = self
                .reg
                .overgang
                .last()
                .is_some_and(|o| o.act.is_none() && o.stycken.is_empty());
            if reuse {
                if let Some(o) = self.reg.overgang.last_mut() {
                    o.act = Some(t.to_string());
                    o.span = span;
                }
            } else {
                let n = self.reg.overgang.len() + 1;
                self.reg.overgang.push(Overgang {
                    id: format!("O{n}"),
                    act: Some(t.to_string()),
                    span,
                    stycken: Vec::new(),
                });
            }
            return true;
        }
        false
    }

    fn flush_rubriker_as_text(&mut self) {
        for (t, span) in std::mem::take(&mut self.pending_rubriker) {
            self.reg.preamble.push(TextPart { text: t, span });
        }
    }

    fn start_chapter(&mut self, label: Label, heading: &str, span: Span) {
        self.flush_rubriker_as_text();
        let address = Address::chapter(label);
        let repealed = heading
            .starts_with("Har upphävts")
            .then(|| heading.to_string());
        self.reg
            .kapitel
            .retain(|k| k.label.is_some() || !k.paragrafer.is_empty() || !k.rubriker.is_empty());
        if let Some(prev) = self.reg.kapitel.iter().find(|k| k.label == Some(label)) {
            self.reg.diagnostics.push(Diagnostic {
                kind: DiagnosticKind::DuplicateLabel,
                line: span.line,
                message: format!(
                    "{}: chapter label used twice, on lines {} and {}",
                    address.display(),
                    prev.span.line,
                    span.line
                ),
            });
        }
        self.reg.kapitel.push(Kapitel {
            label: Some(label),
            id: address.id(),
            display: address.display(),
            heading: (!heading.is_empty()).then(|| heading.to_string()),
            span,
            repealed,
            rubriker: Vec::new(),
            paragrafer: Vec::new(),
        });
        self.current_rubrik = None;
        self.mode = Mode::Paragraf;
    }

    fn start_paragraph(&mut self, blk: &Blk) {
        let first = blk.first().trim();
        let Some((label, end)) = paragraph_label_at_start(first) else {
            return;
        };
        if self.mode == Mode::Overgang {
            // `1 §` after `Övergångsbestämmelser`: the heading was an ordinary rubrik.
            if let Some(o) = self.reg.overgang.last()
                && o.stycken.is_empty()
                && o.act.is_none()
                && label.num == 1
            {
                let o = self.reg.overgang.pop();
                if let Some(o) = o {
                    self.pending_rubriker
                        .push(("Övergångsbestämmelser".to_string(), o.span));
                }
            }
        }
        self.ensure_chapter();
        // Rubriker waiting for this paragraph.
        let kap_index = self.reg.kapitel.len() - 1;
        let pending = std::mem::take(&mut self.pending_rubriker);
        {
            let kap = &mut self.reg.kapitel[kap_index];
            let before = kap.paragrafer.len();
            for (n, (t, span)) in pending.iter().enumerate() {
                let idx = kap.rubriker.len() + 1;
                let id = format!("{}R{idx}", kap.id);
                kap.rubriker.push(Rubrik {
                    id,
                    text: t.clone(),
                    span: *span,
                    level: if n == 0 { 1 } else { 2 },
                    before,
                });
            }
            if let Some((t, _)) = pending.last() {
                self.current_rubrik = Some(t.clone());
            }
        }
        let kap_label = self.reg.kapitel[kap_index].label;
        let address = Address::paragraph(kap_label, label);

        // Marker and first text.
        let mut after = first[end..].trim_start().to_string();
        let mut from = None;
        let mut until = None;
        if let Some((is_from, date, len)) = marker(&after) {
            if is_from {
                from = Some(date);
            } else {
                until = Some(date);
            }
            after = after[len..].trim_start().to_string();
        }

        // Diagnostics for labels out of order or used twice.
        let kap = &self.reg.kapitel[kap_index];
        if let Some(prev) = kap.paragrafer.iter().rev().find(|p| p.label == label) {
            let versions = (prev.in_force_until.is_some() && from.is_some())
                || (prev.in_force_from.is_some() && until.is_some());
            if !versions {
                self.reg.diagnostics.push(Diagnostic {
                    kind: DiagnosticKind::DuplicateLabel,
                    line: blk.span.line,
                    message: format!(
                        "{}: the label occurs twice in the chapter, on lines {} and {}; both are kept",
                        address.display(),
                        prev.span.line,
                        blk.span.line
                    ),
                });
            }
        } else if let Some(last) = kap.paragrafer.last()
            && last.label > label
        {
            self.reg.diagnostics.push(Diagnostic {
                kind: DiagnosticKind::OutOfOrder,
                line: blk.span.line,
                message: format!(
                    "{}: comes after {} (line {}); numbering goes backwards",
                    address.display(),
                    last.display,
                    last.span.line
                ),
            });
        }

        let mut lines: Vec<(Cow<'_, str>, Span)> = blk.lines.clone();
        if let Some(l) = lines.first_mut() {
            l.0 = Cow::Owned(after);
        }
        let para = Paragraf {
            label,
            address,
            id: address.id(),
            display: address.display(),
            span: blk.span,
            rubrik: self.current_rubrik.clone(),
            stycken: Vec::new(),
            allmanna_rad: Vec::new(),
            repealed: None,
            amended_by: Vec::new(),
            in_force_from: from,
            in_force_until: until,
        };
        self.reg.kapitel[kap_index].paragrafer.push(para);
        self.mode = Mode::Paragraf;
        let body = Blk {
            lines: lines
                .into_iter()
                .filter(|l| !l.0.trim().is_empty())
                .collect(),
            kind: BlockKind::Text,
            span: blk.span,
        };
        if !body.lines.is_empty() {
            self.paragraph_text(&body);
        }
        // `8 § Har upphävts genom lag (2021:123).`
        if let Some(p) = self.reg.kapitel[kap_index].paragrafer.last_mut()
            && p.stycken.len() == 1
            && p.stycken[0].punkter.is_empty()
        {
            let t = p.stycken[0].text.clone();
            if t.starts_with("Har upphävts genom")
                || t.starts_with("har upphävts genom")
                || t.starts_with("Upphävd genom")
            {
                p.repealed = Some(t);
                p.stycken.clear();
            }
        }
    }

    /// Text in the current paragraph: a new stycke, punkter, or strecksatser.
    fn paragraph_text(&mut self, blk: &Blk) {
        // Split the block where lines start new punkter or strecksatser.
        let mut groups: Vec<Vec<(Cow<'_, str>, Span)>> = Vec::new();
        for (i, l) in blk.lines.iter().enumerate() {
            let t = l.0.trim();
            let starts_item = punkt_at_start(t).is_some() || is_strecksats(t);
            if i == 0 || starts_item {
                groups.push(vec![l.clone()]);
            } else if let Some(g) = groups.last_mut() {
                g.push(l.clone());
            }
        }
        for g in groups {
            let span = g.iter().map(|l| l.1).reduce(Span::join).unwrap_or(blk.span);
            let first = g[0].0.trim().to_string();
            let text = self.join(g.iter().map(|l| l.0.as_ref()));
            let Some(p) = self
                .reg
                .kapitel
                .last_mut()
                .and_then(|k| k.paragrafer.last_mut())
            else {
                return;
            };
            p.span = p.span.join(span);
            if let Some((label, _)) = punkt_at_start(&first) {
                let body = punkt_at_start(&text)
                    .map(|(_, b)| b.to_string())
                    .unwrap_or(text);
                if p.stycken.is_empty() {
                    let number = 1;
                    let a = Address {
                        stycke: Some(number),
                        ..p.address
                    };
                    p.stycken.push(Stycke {
                        number,
                        id: a.id(),
                        text: String::new(),
                        span,
                        punkter: Vec::new(),
                    });
                }
                if let Some(s) = p.stycken.last_mut() {
                    let a = Address {
                        stycke: Some(s.number),
                        punkt: Some(label),
                        ..p.address
                    };
                    s.span = s.span.join(span);
                    s.punkter.push(Punkt {
                        label,
                        id: a.id(),
                        text: body,
                        span,
                    });
                }
            } else if is_strecksats(&first) && !p.stycken.is_empty() {
                if let Some(s) = p.stycken.last_mut() {
                    s.text.push('\n');
                    s.text.push_str(&text);
                    s.span = s.span.join(span);
                }
            } else {
                let number = p.stycken.len() as u32 + 1;
                let a = Address {
                    stycke: Some(number),
                    ..p.address
                };
                p.stycken.push(Stycke {
                    number,
                    id: a.id(),
                    text,
                    span,
                    punkter: Vec::new(),
                });
            }
        }
    }

    fn text_block(&mut self, blk: &Blk) {
        // Rubriker that turned out not to head a paragraph are kept as text.
        if !self.pending_rubriker.is_empty() && self.mode != Mode::Preamble {
            let pending = std::mem::take(&mut self.pending_rubriker);
            for (t, span) in pending {
                let fake = Blk {
                    lines: vec![(Cow::Owned(t), span)],
                    kind: BlockKind::Text,
                    span,
                };
                self.text_block(&fake);
            }
        }
        match self.mode {
            Mode::Preamble => {
                self.flush_rubriker_as_text();
                let text = self.join(blk.lines.iter().map(|l| l.0.as_ref()));
                self.reg.preamble.push(TextPart {
                    text,
                    span: blk.span,
                });
            }
            Mode::Paragraf => {
                if self
                    .reg
                    .kapitel
                    .last()
                    .is_some_and(|k| !k.paragrafer.is_empty())
                {
                    self.paragraph_text(blk);
                } else {
                    // Text between a chapter heading and its first paragraph.
                    let text = self.join(blk.lines.iter().map(|l| l.0.as_ref()));
                    self.reg.preamble.push(TextPart {
                        text,
                        span: blk.span,
                    });
                }
            }
            Mode::AllmannaRad => {
                let text = self.join(blk.lines.iter().map(|l| l.0.as_ref()));
                if let Some(ar) = self
                    .reg
                    .kapitel
                    .last_mut()
                    .and_then(|k| k.paragrafer.last_mut())
                    .and_then(|p| p.allmanna_rad.last_mut())
                {
                    ar.span = ar.span.join(blk.span);
                    ar.stycken.push(TextPart {
                        text,
                        span: blk.span,
                    });
                }
            }
            Mode::Overgang => {
                let first = blk.first().trim().to_string();
                let text = self.join(blk.lines.iter().map(|l| l.0.as_ref()));
                let Some(o) = self.reg.overgang.last_mut() else {
                    return;
                };
                o.span = o.span.join(blk.span);
                if let Some((label, _)) = punkt_at_start(&first) {
                    let body = punkt_at_start(&text)
                        .map(|(_, b)| b.to_string())
                        .unwrap_or(text);
                    if o.stycken.is_empty() {
                        o.stycken.push(Stycke {
                            number: 1,
                            id: format!("{}S1", o.id),
                            text: String::new(),
                            span: blk.span,
                            punkter: Vec::new(),
                        });
                    }
                    let oid = o.id.clone();
                    if let Some(s) = o.stycken.last_mut() {
                        s.punkter.push(Punkt {
                            label,
                            id: format!("{oid}N{label}"),
                            text: body,
                            span: blk.span,
                        });
                        s.span = s.span.join(blk.span);
                    }
                } else {
                    let number = o.stycken.len() as u32 + 1;
                    o.stycken.push(Stycke {
                        number,
                        id: format!("{}S{number}", o.id),
                        text,
                        span: blk.span,
                        punkter: Vec::new(),
                    });
                }
            }
            Mode::Bilaga => {
                let text = self.join(blk.lines.iter().map(|l| l.0.as_ref()));
                if let Some(b) = self.reg.bilagor.last_mut() {
                    b.span = b.span.join(blk.span);
                    b.text.push(TextPart {
                        text,
                        span: blk.span,
                    });
                }
            }
        }
    }

    fn finish(mut self) -> Regulation {
        // Trailing rubriker with no paragraph below them stay as rubriker of the chapter.
        let pending = std::mem::take(&mut self.pending_rubriker);
        if !pending.is_empty() {
            if let Some(kap) = self.reg.kapitel.last_mut() {
                let before = kap.paragrafer.len();
                for (t, span) in pending {
                    let idx = kap.rubriker.len() + 1;
                    kap.rubriker.push(Rubrik {
                        id: format!("{}R{idx}", kap.id),
                        text: t,
                        span,
                        level: 1,
                        before,
                    });
                }
            } else {
                for (t, span) in pending {
                    self.reg.preamble.push(TextPart { text: t, span });
                }
            }
        }
        // Amendment notes are metadata, not wording.
        for k in &mut self.reg.kapitel {
            for p in &mut k.paragrafer {
                let mut notes = Vec::new();
                if p.repealed.is_some() {
                    // The repeal note is the whole text; nothing to strip.
                } else if let Some(s) = p.stycken.last_mut() {
                    let target = match s.punkter.last_mut() {
                        Some(n) => &mut n.text,
                        None => &mut s.text,
                    };
                    if let Some(n) = strip_amendment_note(target) {
                        notes.push(n);
                    }
                    // A note on a line of its own after a list.
                    if s.punkter.is_empty() && s.text.is_empty() && p.stycken.len() > 1 {
                        p.stycken.pop();
                    }
                }
                p.amended_by = notes;
            }
        }
        if self.reg.paragraph_count() == 0 {
            self.reg.diagnostics.push(Diagnostic {
                kind: DiagnosticKind::NoParagraphs,
                line: 1,
                message: "no paragraf (`N §`) found".to_string(),
            });
        }
        self.reg
    }
}

fn is_rubrik_marker(t: &str) -> bool {
    let t = t.trim();
    (t.starts_with("/Rubriken träder i kraft I:") || t.starts_with("/Rubriken upphör att gälla U:"))
        && t.ends_with('/')
}

/// `... 19 §` at the end of a heading: the label and the heading's trimmed length.
fn last_label(s: &str) -> Option<(Label, usize)> {
    let t = s.trim_end();
    let body = t.strip_suffix('§')?.trim_end();
    let (rest, last) = body.rsplit_once(' ')?;
    let label = if last.len() == 1 && last.chars().all(|c| c.is_ascii_lowercase()) {
        let (_, num) = rest.rsplit_once(' ')?;
        Label {
            num: num.parse().ok()?,
            letter: last.chars().next(),
        }
    } else {
        Label::new(last.parse().ok()?)
    };
    Some((label, t.len()))
}

fn prefix(s: &str, n: usize) -> &str {
    match s.char_indices().nth(n) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

fn is_sfs_number(t: &str) -> bool {
    let t = t.trim();
    let Some((y, n)) = t.split_once(':') else {
        return false;
    };
    y.len() == 4
        && y.bytes().all(|b| b.is_ascii_digit())
        && !n.is_empty()
        && n.len() <= 5
        && n.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests;

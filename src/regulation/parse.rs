//! Stage 2a, structure: the parser's reading loop. Blocks of a [`Text`] are read with a short
//! lookahead ([`Window`]) and classified one by one (Markdown heading, chapter heading,
//! paragraph, special heading, rubrik, title, text); the [`Builder`] adds what they are to
//! the tree.

use super::build::Builder;
use super::lines::*;
use super::tree::*;
use crate::address::Label;
use crate::source::{Block, BlockKind, Span, Text};
use std::borrow::Cow;
use std::collections::VecDeque;

/// What the text being read belongs to.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Mode {
    Preamble,
    Paragraf,
    AllmannaRad,
    Overgang,
    Bilaga,
}

/// How many blocks the parser looks at: the current one and three ahead.
const LOOKAHEAD: usize = 4;

/// One block prepared for classification.
pub(super) struct Blk<'a> {
    pub lines: Vec<(Cow<'a, str>, Span)>,
    pub kind: BlockKind,
    pub span: Span,
}

impl Blk<'_> {
    pub fn first(&self) -> &str {
        self.lines.first().map(|l| l.0.as_ref()).unwrap_or("")
    }
    fn joined_len(&self) -> usize {
        self.lines.iter().map(|l| l.0.len() + 1).sum()
    }
}

/// Blocks prepared lazily with a short lookahead, so a large text is not held twice in
/// memory.
struct Window<'t> {
    text: &'t Text,
    source: std::slice::Iter<'t, Block>,
    blocks: VecDeque<Blk<'t>>,
}

impl<'t> Window<'t> {
    fn new(text: &'t Text) -> Self {
        Window {
            text,
            source: text.blocks.iter(),
            blocks: VecDeque::new(),
        }
    }

    /// Tops the window up to [`LOOKAHEAD`] blocks; the current block is the first.
    fn fill(&mut self) {
        while self.blocks.len() < LOOKAHEAD {
            let Some(b) = self.source.next() else { break };
            let text = self.text;
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
            self.blocks.push_back(Blk {
                span: lines
                    .iter()
                    .map(|l| l.1)
                    .reduce(Span::join)
                    .unwrap_or_default(),
                lines,
                kind: b.kind,
            });
        }
    }
}

/// Parses a regulation. Never fails: oddities become [`Diagnostic`]s. A text without any
/// paragraph yields a regulation with no paragraphs and a `no-paragraphs` diagnostic.
pub fn parse(text: &Text) -> Regulation {
    let mut window = Window::new(text);
    let mut b = Builder::new(text.name.clone());
    let mut pending_label: Option<(Label, Span)> = None;
    let mut first_block = true;
    loop {
        window.fill();
        if window.blocks.is_empty() {
            break;
        }
        let blocks: &[Blk] = window.blocks.make_contiguous();
        let blk = &blocks[0];
        if let BlockKind::Heading(level) = blk.kind {
            heading_block(&mut b, blocks, level, &mut pending_label);
        } else if let Some((label, lspan)) = pending_label.take() {
            labelled_block(&mut b, blk, label, lspan);
        } else if !chapter_block(&mut b, blocks) {
            b.refused_chapter_line = false;
            if starts_paragraph(&b, blk) {
                b.start_paragraph(blk);
            } else if !rubrik_block(&mut b, blocks, first_block) {
                if b.reg.title.is_none() && first_block && b.reg.kapitel.is_empty() {
                    let text = b.join(blk.lines.iter().map(|l| l.0.as_ref()));
                    b.reg.title = Some(TextPart {
                        text,
                        span: blk.span,
                    });
                } else {
                    b.text_block(blk);
                }
            }
        }
        first_block = false;
        window.blocks.pop_front();
    }
    b.finish()
}

/// A Markdown heading: `### 7 §` carries the label of the next block; otherwise a chapter
/// heading, the title, a special heading or a rubrik.
fn heading_block(
    b: &mut Builder,
    blocks: &[Blk],
    level: u8,
    pending_label: &mut Option<(Label, Span)>,
) {
    let blk = &blocks[0];
    let next = blocks.get(1);
    let first = blk.first().trim();
    if let Some((label, end)) = paragraph_label_at_start(first)
        && first[end..].trim().is_empty()
    {
        *pending_label = Some((label, blk.span));
        return;
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
        *pending_label = Some((label, blk.span));
        return;
    }
    if let Some((label, heading)) = chapter_line(first) {
        b.start_chapter(label, heading, blk.span);
        return;
    }
    let joined = b.join(blk.lines.iter().map(|l| l.0.as_ref()));
    if b.reg.title.is_none() && b.reg.kapitel.is_empty() && level <= 2 && b.mode == Mode::Preamble {
        b.reg.title = Some(TextPart {
            text: joined,
            span: blk.span,
        });
        return;
    }
    if b.special_heading(&joined, blk.span) {
        return;
    }
    if b.mode == Mode::Preamble
        && b.reg.kapitel.is_empty()
        && level <= 2
        && b.reg.preamble.is_empty()
        && next.is_some_and(|n| !matches!(n.kind, BlockKind::Heading(_)))
        && b.reg.title.as_ref().is_some_and(|t| t.text == joined)
    {
        // selex repeats the title as a level-2 heading over the preamble.
        return;
    }
    b.pending_rubriker.push((joined, blk.span));
}

/// The block after a Markdown `### 7 §` heading: the paragraph of that label.
fn labelled_block(b: &mut Builder, blk: &Blk, label: Label, lspan: Span) {
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
}

/// A chapter heading: one short line (two when wrapped), shaped right, numbered upwards,
/// not one of a list of chapters, and not after text that announces a list. Returns true
/// when the block had a chapter heading's shape (taken as one, or refused and kept as text).
fn chapter_block(b: &mut Builder, blocks: &[Blk]) -> bool {
    let blk = &blocks[0];
    let next = blocks.get(1);
    let first = blk.first().trim();
    if blk.lines.len() > 2 || blk.joined_len() >= 200 {
        return false;
    }
    let Some((label, heading)) = chapter_line(first) else {
        return false;
    };
    let heading = if blk.lines.len() == 2 {
        format!("{} {}", heading, blk.lines[1].0.trim())
    } else {
        heading.to_string()
    };
    let next_is_chapter =
        next.is_some_and(|n| n.lines.len() <= 2 && chapter_line(n.first().trim()).is_some());
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
        return true;
    }
    b.refused_chapter_line = true;
    b.text_block(blk);
    true
}

/// `7 §` followed by its text, outside a bilaga.
fn starts_paragraph(b: &Builder, blk: &Blk) -> bool {
    let first = blk.first().trim();
    paragraph_label_at_start(first).is_some_and(|(_, end)| paragraph_text_ok(&first[end..], blk))
        && b.mode != Mode::Bilaga
}

/// A special heading (`Allmänna råd`, `Övergångsbestämmelser`, `Bilaga 1`), a rubrik (with
/// its sub-rubrik), or the document's title. Returns true when the block was one of them.
fn rubrik_block(b: &mut Builder, blocks: &[Blk], first_block: bool) -> bool {
    let blk = &blocks[0];
    if blk.lines.len() > 2 {
        return false;
    }
    let joined_first = b.peek_join(blk);
    if b.special_heading(&joined_first, blk.span) {
        return true;
    }
    if b.mode == Mode::Overgang || !rubrik_shaped(&joined_first) || !is_rubrik(blocks, 0) {
        return false;
    }
    // The first block of a document is a title unless a paragraph follows it directly.
    if b.reg.title.is_none() && first_block && !followed_by_paragraph(blocks, 0) {
        let text = b.join(blk.lines.iter().map(|l| l.0.as_ref()));
        b.reg.title = Some(TextPart {
            text,
            span: blk.span,
        });
        return true;
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
    true
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

//! Stage 2a, structure: a block as the parser classifies it ([`Blk`]), with what is worked
//! out once per block, and the part of the document the parser is in ([`Mode`]). Shared by
//! the reading loop (`parse`) and the tree builder (`build`), so neither imports the other.

use super::lines::*;
use crate::address::Label;
use crate::source::{BlockKind, Span};
use std::borrow::Cow;

/// What the text being read belongs to.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Mode {
    Preamble,
    Paragraf,
    AllmannaRad,
    Overgang,
    /// The names under the text (the agency, its head, the official who drafted it).
    Signature,
    Bilaga,
}

/// One block prepared for classification.
pub(super) struct Blk<'a> {
    pub lines: Vec<(Cow<'a, str>, Span)>,
    pub kind: BlockKind,
    pub span: Span,
    /// What the first line starts with, worked out once: the parser asks it of every block
    /// several times (as the current block and in the lookahead).
    pub start: Start,
    /// The block reads as part of a table of contents ([`is_contents`]), worked out once
    /// for the same reason; kept true to the lines when they change.
    pub contents: bool,
}

/// The start of a block's first line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Start {
    /// `N §` or `N a §` and the byte offset after `§` in the trimmed line.
    Paragraph(Label, usize),
    /// `N kap.` or `N a kap.` with a heading shaped right ([`chapter_start`]).
    Chapter,
    Other,
}

impl<'a> Blk<'a> {
    pub fn new(lines: Vec<(Cow<'a, str>, Span)>, kind: BlockKind) -> Self {
        let first = lines.first().map(|l| l.0.fast_trim()).unwrap_or("");
        let start = if !first.starts_with(|c: char| c.is_ascii_digit()) {
            Start::Other
        } else if let Some((l, end)) = paragraph_label_at_start(first) {
            Start::Paragraph(l, end)
        } else if chapter_start(first).is_some() {
            Start::Chapter
        } else {
            Start::Other
        };
        let mut blk = Blk {
            span: span_of(&lines),
            lines,
            kind,
            start,
            contents: false,
        };
        blk.contents = is_contents(&blk);
        blk
    }
}

impl Blk<'_> {
    pub fn first(&self) -> &str {
        self.lines.first().map(|l| l.0.as_ref()).unwrap_or("")
    }
    /// The label of a `N §` line starting the block, followed by text it may start.
    pub(super) fn paragraph_start(&self) -> Option<Label> {
        match self.start {
            Start::Paragraph(l, end) => {
                paragraph_text_ok(&self.first().fast_trim()[end..], self).then_some(l)
            }
            _ => None,
        }
    }
    pub(super) fn joined_len(&self) -> usize {
        self.lines.iter().map(|l| l.0.len() + 1).sum()
    }
}

/// Lines of a table of contents: at least one entry with dot leaders and a page number
/// (`1 kap. Allmänna bestämmelser ..... 7`), the rest the first lines of wrapped entries or
/// group headings (`Bilagor`), short and ending no sentence.
pub(super) fn is_contents(blk: &Blk) -> bool {
    let mut entries = 0;
    // From the last line up: the answer does not depend on the order, and a block of
    // running text is told by its last line, which ends a sentence (this runs for every
    // block).
    for l in blk.lines.iter().rev() {
        let t = l.0.fast_trim();
        if is_toc_entry(t) {
            entries += 1;
        } else if t.len() > 120 || t.ends_with(['.', ',', ';', ':']) {
            return false;
        }
    }
    entries > 0
}

pub(super) fn span_of(lines: &[(Cow<'_, str>, Span)]) -> Span {
    lines
        .iter()
        .map(|l| l.1)
        .reduce(Span::join)
        .unwrap_or_default()
}

/// After `7 §`: text starting with a capital, a marker, or nothing (text on the next line).
fn paragraph_text_ok(after: &str, blk: &Blk) -> bool {
    let t = after.fast_trim_start();
    if t.is_empty() {
        return blk.lines.len() > 1;
    }
    t.starts_with(|c: char| c.is_uppercase() || c == '/' || c == '”' || c == '"')
}

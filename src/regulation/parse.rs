//! Stage 2a, structure: the parser's reading loop. Blocks of a [`Text`] are read with a short
//! lookahead ([`Window`]) and classified one by one (Markdown heading, chapter heading,
//! paragraph, special heading, rubrik, title, text); the [`Builder`] adds what they are to
//! the tree.

use super::blk::*;
use super::build::{Builder, Folds};
use super::lines::*;
use super::tree::*;
use crate::address::Label;
use crate::source::{Block, BlockKind, PlainBlocks, Span, Text};
use std::borrow::{Borrow, Cow};
use std::collections::VecDeque;

/// How many blocks the parser looks at: the current one and three ahead.
const LOOKAHEAD: usize = 4;

/// The room the window's ring of blocks is made with, many times [`LOOKAHEAD`]. The parser
/// reads the window as one slice (`make_contiguous`) at every block, and in a ring just
/// big enough for the window the blocks wrap round its end at nearly every step, so each
/// read moved them back into one piece: 21,000 copies of a block for a pair of 0.6 MB
/// statutes, 2% of a `remiss diff`'s instructions. In a larger ring they wrap once every
/// so many blocks.
const WINDOW_ROOM: usize = 64;

/// Where the window takes its blocks from, one at a time: each block's lines are added to
/// the window's vector for them as the window keeps them, their text and span, without
/// the lines that are no text ([`no_text`]).
trait BlockSource<'t> {
    /// The next block's kind, its lines added to `out`; `None` after the last block.
    fn next_into(
        &mut self,
        text: &'t Text,
        out: &mut Vec<(Cow<'t, str>, Span)>,
    ) -> Option<BlockKind>;
}

/// `/Rubriken träder i kraft I:2026-01-15/` dates a rubrik, and a rule of underscores sets
/// off the signature: neither is text. Only a line that starts with `/` or `_` can be
/// either. Asked of every line, so inlined: the call cost more than the first test.
#[inline(always)]
fn no_text(t: &str) -> bool {
    t.fast_trim_start().starts_with(['/', '_']) && (is_rubrik_marker(t) || is_rule(t))
}

/// A text read by [`crate::source::read_unsplit`], split into blocks as they are asked
/// for: each line goes into the window as it is found, with no [`crate::source::Line`]
/// made for it to be read back from (two conversions a line, on a 0.6 MB statute 11,500
/// lines).
impl<'t> BlockSource<'t> for PlainBlocks<'t> {
    fn next_into(
        &mut self,
        _text: &'t Text,
        out: &mut Vec<(Cow<'t, str>, Span)>,
    ) -> Option<BlockKind> {
        let more = self.next_block_with(|t, span| {
            if !no_text(t) {
                out.push((Cow::Borrowed(t), span));
            }
        });
        more.then_some(BlockKind::Text)
    }
}

/// Blocks made beforehand, borrowed or owned: an owned one is held until the next is asked
/// for, then dropped (its lines freed).
struct Made<I: Iterator> {
    blocks: I,
    held: Option<I::Item>,
}

impl<'t, I: Iterator<Item: Borrow<Block>>> BlockSource<'t> for Made<I> {
    fn next_into(
        &mut self,
        text: &'t Text,
        out: &mut Vec<(Cow<'t, str>, Span)>,
    ) -> Option<BlockKind> {
        self.held = self.blocks.next();
        let b: &Block = self.held.as_ref()?.borrow();
        // Room for every line at once: this runs for every block of the text.
        out.reserve(b.lines.len());
        for l in &b.lines {
            let t = text.line_text(l);
            if !no_text(t) {
                out.push((Cow::Borrowed(t), text.line_span(l)));
            }
        }
        Some(b.kind)
    }
}

/// Blocks prepared lazily with a short lookahead, so a large text is not held twice in
/// memory.
struct Window<'t, I> {
    text: &'t Text,
    source: I,
    blocks: VecDeque<Blk<'t>>,
    /// The label of the last paragraph start read in the current chapter, so that a
    /// paragraph printed without a blank line before it is only split off when it numbers
    /// upwards (see [`split_glued_paragraph`]).
    last_label: Option<Label>,
    /// Whether the source's pages before the current block may leave memory (only when the
    /// blocks are consumed: nothing reads behind the window then).
    release: bool,
    /// The line vectors of blocks already read, emptied, for the next blocks to fill: a
    /// vector for every block of the text was an allocation and a free per block (6,600
    /// each on Socialförsäkringsbalken).
    spare: Vec<Vec<(Cow<'t, str>, Span)>>,
}

impl<'t, I: BlockSource<'t>> Window<'t, I> {
    fn new(text: &'t Text, source: I, release: bool) -> Self {
        Window {
            text,
            source,
            blocks: VecDeque::with_capacity(WINDOW_ROOM),
            last_label: None,
            release,
            spare: Vec::new(),
        }
    }

    /// Drops the current block, keeping its line vector for a later one.
    fn next_block(&mut self) {
        if let Some(blk) = self.blocks.pop_front() {
            self.keep_spare(blk.lines);
        }
    }

    /// Keeps an emptied line vector for the next block, up to a window's worth: blocks
    /// split in two (a paragraph glued to the one before) bring vectors of their own.
    fn keep_spare(&mut self, mut lines: Vec<(Cow<'t, str>, Span)>) {
        if self.spare.len() < LOOKAHEAD {
            lines.clear();
            self.spare.push(lines);
        }
    }

    /// Tops the window up to [`LOOKAHEAD`] blocks; the current block is the first.
    fn fill(&mut self) {
        // The blocks before the current one are in the tree (copied), so on a large text
        // the source they were read from need not stay in memory beside it.
        if self.release
            && let Some(b) = self.blocks.front()
        {
            self.text.release_source_before(b.span.start);
        }
        while self.blocks.len() < LOOKAHEAD {
            let mut lines = self.spare.pop().unwrap_or_default();
            let Some(kind) = self.source.next_into(self.text, &mut lines) else {
                break;
            };
            if lines.is_empty() {
                self.keep_spare(lines);
                continue;
            }
            let mut blk = Blk::new(lines, kind);
            loop {
                if blk.start == Start::Chapter {
                    self.last_label = None;
                } else if let Some(l) = blk.paragraph_start() {
                    self.last_label = Some(l);
                }
                let tail = split_glued_paragraph(&mut blk, self.last_label);
                self.blocks.push_back(blk);
                match tail {
                    Some(t) => blk = t,
                    None => break,
                }
            }
        }
    }
}

fn folds_of(text: &Text) -> Folds {
    match text.fold_runs() {
        Some(runs) => Folds::with_runs(text.buf(), runs.to_vec()),
        None => Folds::of(text.buf()),
    }
}

/// Parses a regulation. Never fails: oddities become [`Diagnostic`]s. A text without any
/// paragraph yields a regulation with no paragraphs and a `no-paragraphs` diagnostic.
pub fn parse(text: &Text) -> Regulation {
    match text.unsplit_blocks() {
        Some(blocks) => parse_blocks(text, blocks, false),
        None => parse_blocks(text, made(text.blocks.iter()), false),
    }
}

/// Parses a regulation as [`parse`] does, taking the text's blocks: each block's lines are
/// freed once read, so a large text is not held twice over (its lines and its tree) at
/// the end, and the pages of a mapped source that were read leave memory too (see
/// [`Text::release_source_before`]). The text keeps its source (still readable), notices
/// and notes; its `blocks` are left empty. A text read by [`crate::source::read_unsplit`]
/// is split into its blocks here, one block at a time.
pub fn parse_consuming(text: &mut Text) -> Regulation {
    if let Some(blocks) = text.unsplit_blocks() {
        let reg = parse_blocks(text, blocks, true);
        text.take_unsplit();
        return reg;
    }
    let blocks = std::mem::take(&mut text.blocks);
    parse_blocks(text, made(blocks.into_iter()), true)
}

fn made<I: Iterator<Item: Borrow<Block>>>(blocks: I) -> Made<I> {
    Made { blocks, held: None }
}

fn parse_blocks<'t, I: BlockSource<'t>>(text: &'t Text, blocks: I, release: bool) -> Regulation {
    let mut reader = Reader::new(text, blocks, release);
    reader.read(usize::MAX);
    reader.finish(text)
}

/// The parser part way through a text: the blocks at hand, the tree built so far and the
/// state between blocks.
struct Reader<'t, I> {
    window: Window<'t, I>,
    b: Builder,
    /// A Markdown `### 7 §` heading, whose label the next block takes.
    pending_label: Option<(Label, Span)>,
    first_block: bool,
}

impl<'t, I: BlockSource<'t>> Reader<'t, I> {
    fn new(text: &'t Text, blocks: I, release: bool) -> Self {
        let b = Builder::new(text.name.clone(), folds_of(text));
        Reader::with(text, blocks, release, b)
    }

    /// A reader that builds with `b` (a later piece's, [`Builder::for_piece`]).
    fn with(text: &'t Text, blocks: I, release: bool, b: Builder) -> Self {
        Reader {
            window: Window::new(text, blocks, release),
            b,
            pending_label: None,
            first_block: true,
        }
    }

    /// Reads the blocks before the first that starts at or after byte `stop` of the text,
    /// which stays in the window (every block, when `stop` is past the end).
    fn read(&mut self, stop: usize) {
        let Reader {
            window,
            b,
            pending_label,
            first_block,
        } = self;
        loop {
            window.fill();
            match window.blocks.front() {
                None => break,
                Some(blk) if blk.span.start >= stop => break,
                Some(_) => {}
            }
            split_trailing_division(&mut window.blocks);
            let blocks: &[Blk] = window.blocks.make_contiguous();
            let blk = &blocks[0];
            if contents_block(b, blocks) {
                b.add_contents(blk);
                window.next_block();
                continue;
            }
            b.in_contents = false;
            if inline_allmanna_rad(b, blk) {
                *first_block = false;
                window.next_block();
                continue;
            }
            if blk.lines.len() == 1
                && let Some(v) = version_line(blk.first())
            {
                b.pending_version = Some(v);
                *first_block = false;
                window.next_block();
                continue;
            }
            if let BlockKind::Heading(level) = blk.kind {
                heading_block(b, blocks, level, pending_label);
            } else if let Some((label, lspan)) = pending_label.take() {
                labelled_block(b, blk, label, lspan);
            } else if let Some(consumed) = division_block(b, blocks) {
                b.refused_chapter_line = false;
                // A heading on the block after `FÖRSTA AVDELNINGEN` was read with it.
                for _ in 1..consumed {
                    window.next_block();
                }
            } else if !chapter_block(b, blocks) {
                b.refused_chapter_line = false;
                if starts_paragraph(b, blk) {
                    b.start_paragraph(blk);
                } else if !rubrik_block(b, blocks, *first_block) {
                    if b.reg.title.is_none() && *first_block && b.reg.kapitel.is_empty() {
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
            *first_block = false;
            window.next_block();
        }
    }

    fn finish(self, text: &Text) -> Regulation {
        let mut reg = self.b.finish();
        super::metadata::read(&mut reg, &text.notes);
        reg
    }
}

/// Where a plain text is cut into pieces that are parsed apart ([`parse_piece`]) and
/// joined again ([`join_pieces`]): each piece after the first starts with a chapter heading
/// line, after a blank line. The parser's state at a chapter heading is mostly that of a
/// fresh parser's in a chapter; where it is not (a list announced before the heading, a
/// rubrik waiting, a chapter label used before, an allmänna råd heading naming an earlier
/// chapter), the piece is parsed again from where the one before it stopped.
pub struct Cuts {
    /// Each piece's first byte and the number of lines before it; the first is `(0, 0)`.
    at: Vec<(usize, u32)>,
}

impl Cuts {
    /// Up to `pieces` pieces of about equal length, for a text read by
    /// [`crate::source::read_unsplit`]; `None` for any other text, or where no chapter
    /// heading was found to cut at.
    pub fn plan(text: &Text, pieces: usize) -> Option<Cuts> {
        if text.unsplit_blocks().is_none() || pieces < 2 {
            return None;
        }
        let buf = text.buf();
        let headings = chapter_headings(buf);
        // A cut is only worth making where every chapter heading after it numbers above
        // every one before it: elsewhere (chapter numbers that start again, a list of
        // chapters) the piece would not join on, and would be read twice.
        let mut lowest_from: Vec<Label> = Vec::with_capacity(headings.len());
        for &(_, label) in headings.iter().rev() {
            let lowest = lowest_from.last().map_or(label, |&l| l.min(label));
            lowest_from.push(lowest);
        }
        lowest_from.reverse();
        let mut highest_before: Option<Label> = None;
        let mut candidates = Vec::new();
        for (&(at, label), &lowest) in headings.iter().zip(&lowest_from) {
            if highest_before.is_some_and(|h| lowest > h) {
                candidates.push(at);
            }
            highest_before = Some(highest_before.map_or(label, |h| h.max(label)));
        }
        let mut at = vec![(0, 0)];
        let (mut counted_to, mut lines) = (0, 0u32);
        for k in 1..pieces {
            let from = (buf.len() / pieces * k).max(at.last().map_or(0, |a| a.0 + 1));
            let until = buf.len() / pieces * (k + 1);
            let Some(&cut) = candidates.iter().find(|&&c| c >= from && c < until) else {
                continue;
            };
            lines += memchr::memchr_iter(b'\n', &buf.as_bytes()[counted_to..cut]).count() as u32;
            counted_to = cut;
            at.push((cut, lines));
        }
        (at.len() > 1).then_some(Cuts { at })
    }

    /// Cuts at the given byte offsets of the text (line starts after blank lines), for
    /// tests that choose where a text is cut.
    #[cfg(test)]
    pub(super) fn at_offsets(text: &Text, offsets: &[usize]) -> Cuts {
        let bytes = text.buf().as_bytes();
        let mut at = vec![(0, 0)];
        for &o in offsets {
            at.push((o, memchr::memchr_iter(b'\n', &bytes[..o]).count() as u32));
        }
        Cuts { at }
    }

    pub fn len(&self) -> usize {
        self.at.len()
    }

    pub fn is_empty(&self) -> bool {
        self.at.is_empty()
    }

    /// Where piece `i` ends: where the next starts, or past the end.
    fn end(&self, i: usize) -> usize {
        self.at.get(i + 1).map_or(usize::MAX, |a| a.0)
    }
}

/// The lines of `buf` that follow an empty line and start a chapter heading (`5 kap.
/// Rubrik`, unindented): where each starts, and its chapter label. They are found from
/// each ` kap.` (a search that skips most of the text), not line by line: a heading after
/// a line of spaces, or in a text of `\r\n` lines, is not found, and only not cut at.
fn chapter_headings(buf: &str) -> Vec<(usize, Label)> {
    let bytes = buf.as_bytes();
    let mut found = Vec::new();
    for k in memchr::memmem::find_iter(bytes, b" kap.") {
        // The number before it is at most `117 a`.
        let back = k.saturating_sub(6);
        let Some(start) = memchr::memrchr(b'\n', &bytes[back..k]).map(|i| back + i + 1) else {
            continue;
        };
        if start < 2 || bytes[start - 2] != b'\n' || !bytes[start].is_ascii_digit() {
            continue;
        }
        let end = memchr::memchr(b'\n', &bytes[k..]).map_or(buf.len(), |i| k + i);
        if let Some((label, _)) = buf
            .get(start..end)
            .and_then(|l| chapter_start(l.trim_end()))
        {
            found.push((start, label));
        }
    }
    found
}

/// One piece of a text, parsed from its cut to the next ([`Cuts`]), and the parser as it
/// stopped there, to go on with should the next piece not join on.
pub struct Piece<'t> {
    reader: Reader<'t, PlainBlocks<'t>>,
}

/// Parses piece `i` of `text` as cut by `cuts`. The pieces are independent: any number of
/// threads may parse them at once.
pub fn parse_piece<'t>(text: &'t Text, cuts: &Cuts, i: usize) -> Piece<'t> {
    let (start, lines_before) = cuts.at.get(i).copied().unwrap_or((0, 0));
    let blocks = PlainBlocks::starting_at(text.buf(), start, lines_before);
    let mut reader = if i == 0 {
        Reader::new(text, blocks, false)
    } else {
        let b = Builder::for_piece(text.name.clone(), folds_of(text));
        let mut reader = Reader::with(text, blocks, false, b);
        reader.first_block = false;
        reader
    };
    reader.read(cuts.end(i));
    Piece { reader }
}

/// The regulation of `text` from its pieces ([`parse_piece`], all of them, in order):
/// what [`parse_consuming`] makes of the text. Each piece is joined on to the tree of the
/// ones before it where its parser's state at its start was theirs at its end; otherwise
/// the parser of the pieces before it reads on through it.
pub fn join_pieces<'t>(text: &'t Text, cuts: &Cuts, pieces: Vec<Piece<'t>>) -> Regulation {
    join_counting(text, cuts, pieces).0
}

/// [`join_pieces`], and how many pieces were joined on as parsed (not read again).
pub(super) fn join_counting<'t>(
    text: &'t Text,
    cuts: &Cuts,
    pieces: Vec<Piece<'t>>,
) -> (Regulation, usize) {
    let mut joined = 0;
    let mut pieces = pieces.into_iter();
    let Some(first) = pieces.next() else {
        return (parse(text), 0);
    };
    let mut reader = first.reader;
    for (i, piece) in pieces.enumerate() {
        let Some(&(cut, _)) = cuts.at.get(i + 1) else {
            break;
        };
        let at_cut = reader
            .window
            .blocks
            .front()
            .is_some_and(|b| b.span.start == cut);
        if at_cut && reader.pending_label.is_none() && reader.b.continues_into(&piece.reader.b, cut)
        {
            reader.b.append(piece.reader.b);
            reader.window = piece.reader.window;
            reader.pending_label = piece.reader.pending_label;
            reader.first_block = piece.reader.first_block;
            joined += 1;
        } else {
            reader.read(cuts.end(i + 1));
        }
    }
    // Past the last piece (all of them were given, so only when some were not).
    reader.read(usize::MAX);
    (reader.finish(text), joined)
}

/// A block of the table of contents, or its heading (`Innehåll`), or a group heading
/// between two blocks of it: never chapters, paragraphs or bilagor, however they are worded.
fn contents_block(b: &Builder, blocks: &[Blk]) -> bool {
    let blk = &blocks[0];
    if blk.contents {
        return true;
    }
    let short = blk.lines.len() <= 2
        && blk.lines.iter().all(|l| {
            l.0.fast_trim().len() <= 100 && !l.0.fast_trim_end().ends_with(['.', ',', ';'])
        });
    let heading = || {
        let t = blk.first().fast_trim().trim_end_matches(':');
        blk.lines.len() == 1
            && (t.eq_ignore_ascii_case("innehåll")
                || t.eq_ignore_ascii_case("innehållsförteckning"))
    };
    short && blocks.get(1).is_some_and(|n| n.contents) && (b.in_contents || heading())
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
    let first = blk.first().fast_trim();
    if let Some((label, end)) = paragraph_label_at_start(first)
        && first[end..].fast_trim().is_empty()
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
            )
            .into(),
        });
        *pending_label = Some((label, blk.span));
        return;
    }
    if let Some(d) = division_line(first)
        && (d.level.is_some() || next.is_some_and(|n| chapter_heading_of(n).is_some()))
    {
        b.start_division(d, d.heading, blk.span);
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

/// `Allmänna råd: Text …` with the advice on the heading's line: the heading, then the rest
/// of the block as the advice's first stycke.
fn inline_allmanna_rad(b: &mut Builder, blk: &Blk) -> bool {
    if !matches!(b.mode, Mode::Paragraf | Mode::AllmannaRad) {
        return false;
    }
    let first = blk.first().fast_trim_start();
    let Some(rest) = ["Allmänna råd:", "Allmänt råd:"]
        .iter()
        .find_map(|h| first.strip_prefix(h))
        .map(str::trim_start)
        .filter(|r| r.starts_with(char::is_uppercase))
    else {
        return false;
    };
    let head = &first[..first.len() - rest.len()];
    if !b.special_heading(head.fast_trim_end(), blk.lines[0].1) {
        return false;
    }
    let mut lines = blk.lines.clone();
    lines[0].0 = Cow::Owned(rest.to_string());
    let mut tail = Blk::new(lines, blk.kind);
    tail.span = blk.span;
    b.text_block(&tail);
    true
}

/// The block after a Markdown `### 7 §` heading: the paragraph of that label.
fn labelled_block(b: &mut Builder, blk: &Blk, label: Label, lspan: Span) {
    let mut lines = blk.lines.clone();
    if let Some(l) = lines.first_mut() {
        l.0 = Cow::Owned(format!("{label} § {}", l.0));
        l.1 = lspan.join(l.1);
    }
    let mut merged = Blk::new(lines, BlockKind::Text);
    merged.span = lspan.join(blk.span);
    b.start_paragraph(&merged);
}

/// The chapter heading a block holds, if it has the shape of one: `N kap. Rubrik` on one
/// line, or wrapped onto a second or third line as the published texts wrap at about 60–65
/// columns (`5 kap. Internationell säkerhetsskyddssamverkan och` / `säkerhetsintyg`).
fn chapter_heading_of(blk: &Blk) -> Option<(Label, String)> {
    if blk.start != Start::Chapter || blk.lines.len() > 3 || blk.joined_len() >= 200 {
        return None;
    }
    let (label, first) = chapter_start(blk.first().fast_trim())?;
    let mut heading = first.to_string();
    for l in &blk.lines[1..] {
        heading.push(' ');
        heading.push_str(l.0.fast_trim());
    }
    (chapter_heading_complete(&heading) && !heading.contains('§')).then_some((label, heading))
}

/// `Har upphävts genom lag (2025:974).` as a chapter's heading: the chapter is repealed.
fn is_repeal_note(heading: &str) -> bool {
    heading.starts_with("Har upphävts") || heading.starts_with("Upphävd")
}

/// A chapter heading: numbered upwards, not one of a list of chapters (a chapter line
/// followed by another, unless it is a repealed chapter's), and not after text that
/// announces a list. Returns true when the block had a chapter heading's shape (taken as
/// one, or refused and kept as text).
fn chapter_block(b: &mut Builder, blocks: &[Blk]) -> bool {
    let blk = &blocks[0];
    let Some((label, heading)) = chapter_heading_of(blk) else {
        return false;
    };
    let next_is_chapter = blocks
        .get(1)
        .is_some_and(|n| chapter_heading_of(n).is_some());
    let current = b.reg.kapitel.iter().rev().find_map(|k| k.label);
    let upwards = current.is_none_or(|c| label > c);
    // Text that seems to announce a list (a last definition left with its comma) does not
    // hold back the next chapter when the numbering bears it out: the chapter number is the
    // next one and its first paragraph, after any rubriker, is `1 §`.
    let next_in_order = match current {
        Some(c) => label.letter.is_none() && c.letter.is_none() && label.num == c.num + 1,
        None => label.num == 1 && label.letter.is_none(),
    };
    let opens_at_one = || {
        blocks[1..]
            .iter()
            .take(3)
            .find(|n| n.start != Start::Other || n.lines.len() > 1)
            .and_then(Blk::paragraph_start)
            .is_some_and(|l| l.num == 1 && l.letter.is_none())
    };
    let after_colon =
        b.last_text_ends_with_colon() && !(next_in_order && !next_is_chapter && opens_at_one());
    if upwards
        && (!next_is_chapter || is_repeal_note(&heading))
        && !b.refused_chapter_line
        && !after_colon
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

/// An avdelning or underavdelning heading (see [`division_line`]) on one line, or wrapped
/// onto a second. `AVD.`/`AVDELNING` headings in capitals stand on their own; others only
/// directly above a chapter heading (or above an underavdelning that is), so a paragraph
/// that lists the avdelningar (`Avdelning B Familjeförmåner` over a list) stays text. A
/// label alone (`FÖRSTA AVDELNINGEN`, `AVDELNING II`) takes its heading from the next
/// block when a chapter heading follows that. Returns how many blocks it read.
fn division_block(b: &mut Builder, blocks: &[Blk]) -> Option<usize> {
    let blk = &blocks[0];
    if blk.lines.len() > 2
        || blk.joined_len() >= 200
        || !matches!(b.mode, Mode::Preamble | Mode::Paragraf | Mode::AllmannaRad)
    {
        return None;
    }
    let d = division_line(blk.first())?;
    let mut heading = match blk.lines.get(1) {
        None => d.heading.to_string(),
        Some(l) => {
            let second = l.0.fast_trim();
            let wraps = second.starts_with(|c: char| c.is_lowercase())
                || (d.capitals() && !second.chars().any(char::is_lowercase));
            if !wraps || second.ends_with([',', ';', ':']) {
                return None;
            }
            format!("{} {second}", d.heading)
        }
    };
    let above_chapter = |i: usize| {
        blocks
            .get(i)
            .is_some_and(|n| chapter_heading_of(n).is_some())
    };
    let above_underavdelning = |i: usize| {
        blocks.get(i).is_some_and(|n| {
            n.lines.len() <= 2
                && division_line(n.first()).is_some_and(|x| x.level != Some(1))
                && above_chapter(i + 1)
        })
    };
    let mut consumed = 1;
    if heading.is_empty()
        && d.level.is_some()
        && let Some(n) = blocks.get(1)
        && n.lines.len() <= 2
        && n.start == Start::Other
        && (above_chapter(2) || above_underavdelning(2))
    {
        let text: Vec<&str> = n.lines.iter().map(|l| l.0.fast_trim()).collect();
        let joined = text.join(" ");
        if rubrik_shaped(&joined) && division_line(&joined).is_none() {
            heading = joined;
            consumed = 2;
        }
    }
    let ok = match d.level {
        Some(_) => consumed == 2 || d.capitals() || above_chapter(1) || above_underavdelning(1),
        None => above_chapter(1),
    };
    if !ok {
        return None;
    }
    let span = if consumed == 2 {
        blk.span.join(blocks[1].span)
    } else {
        blk.span
    };
    b.start_division(d, &heading, span);
    Some(consumed)
}

/// An underavdelning heading printed on the last line of the block before a chapter
/// heading, with no blank line between (`... krigsskadeersättning.` /
/// `VI  Särskilda förmåner vid smitta, sjukdom eller skada`): split it into a block of its
/// own, so it is read as a heading and not as the paragraph's last words.
fn split_trailing_division(blocks: &mut VecDeque<Blk<'_>>) {
    let Some(blk) = blocks.front() else { return };
    let n = blk.lines.len();
    if n < 2 || blk.kind != BlockKind::Text {
        return;
    }
    let last = blk.lines[n - 1].0.fast_trim();
    if !last.starts_with(['I', 'V', 'X', 'L', 'C', 'A', 'U'])
        || division_line(last).is_none()
        || !blk.lines[n - 2].0.fast_trim_end().ends_with(['.', ')'])
        || blocks
            .get(1)
            .is_none_or(|b| chapter_heading_of(b).is_none())
    {
        return;
    }
    let Some(front) = blocks.front_mut() else {
        return;
    };
    let Some(line) = front.lines.pop() else {
        return;
    };
    front.span = span_of(&front.lines);
    front.contents = is_contents(front);
    blocks.insert(1, Blk::new(vec![line], BlockKind::Text));
}

/// A line that ends a sentence, so that a `N §` line after it can start a paragraph (an
/// abbreviation of a citation wrapped onto a new line, `... första st.` / `2 § ...`, does
/// not end one).
fn ends_sentence(line: &str) -> bool {
    let t = line.fast_trim_end();
    t.ends_with('.') && !t.ends_with(" st.") && !t.ends_with(" p.")
}

/// A paragraph printed without a blank line before it: `... en förmån.` / `26 § Årsarbetstiden
/// är ...`, or after a sub-rubrik on the line above (`Ersättning understigande 1 000 kronor` /
/// `16 § Om ersättning ...`). The `N §` line must follow the end of a sentence (or a rubrik
/// that does), be followed by a capital, and number upwards from the paragraph before it
/// (`current`, or the block's own). Then the block is cut there, and the rest is returned
/// (a rubrik above the paragraph becomes a block of its own).
fn split_glued_paragraph<'t>(blk: &mut Blk<'t>, current: Option<Label>) -> Option<Blk<'t>> {
    if blk.lines.len() < 2 || blk.kind != BlockKind::Text {
        return None;
    }
    let mut last_label = current;
    let mut cut = None;
    for k in 1..blk.lines.len() {
        let line = blk.lines[k].0.fast_trim_start();
        if !line.starts_with(|c: char| c.is_ascii_digit()) {
            continue;
        }
        let line = line.fast_trim_end();
        let Some((label, end)) = paragraph_label_at_start(line) else {
            continue;
        };
        if !line[end..]
            .fast_trim_start()
            .starts_with(|c: char| c.is_uppercase())
            || last_label.is_none_or(|c| label <= c)
        {
            continue;
        }
        let prev = blk.lines[k - 1].0.fast_trim();
        if ends_sentence(prev) {
            cut = Some(k);
        } else if rubrik_shaped(prev) && (k == 1 || ends_sentence(&blk.lines[k - 2].0)) {
            cut = Some(if k == 1 { 1 } else { k - 1 });
        } else {
            last_label = Some(label);
            continue;
        }
        break;
    }
    let rest = blk.lines.split_off(cut?);
    blk.span = span_of(&blk.lines);
    blk.contents = is_contents(blk);
    Some(Blk::new(rest, BlockKind::Text))
}

/// `7 §` followed by its text, outside a bilaga.
fn starts_paragraph(b: &Builder, blk: &Blk) -> bool {
    blk.paragraph_start().is_some() && b.mode != Mode::Bilaga
}

/// A special heading (`Allmänna råd`, `Övergångsbestämmelser`, `Bilaga 1`), a rubrik (with
/// its sub-rubrik), or the document's title. Returns true when the block was one of them.
fn rubrik_block(b: &mut Builder, blocks: &[Blk], first_block: bool) -> bool {
    let blk = &blocks[0];
    // An appendix's label and long title may wrap over more lines than a rubrik (but a
    // table of contents listing appendices, `Bilaga 1 … 27` / `Bilaga 2 …`, is no heading).
    let bilaga = blk.first().fast_trim_start().starts_with("Bilaga ")
        && blk.lines[1..]
            .iter()
            .all(|l| !l.0.fast_trim_start().starts_with("Bilaga") && !l.0.contains("...."));
    if blk.lines.len() > if bilaga { 4 } else { 2 } {
        return false;
    }
    let joined_first = b.peek_join(blk);
    if b.special_heading(&joined_first, blk.span) {
        return true;
    }
    if b.mode == Mode::Overgang || !heading_shaped(&joined_first) || !is_rubrik(blocks, 0) {
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
    // Two lines: a wrapped rubrik when the second starts in lower case or the first cannot
    // end a heading, otherwise a rubrik and its sub-rubrik.
    let second_upper = blk
        .lines
        .get(1)
        .is_some_and(|l| l.0.fast_trim().starts_with(|c: char| c.is_uppercase()));
    if second_upper && !heading_line_runs_on(blk.first()) {
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

fn followed_by_paragraph(blocks: &[Blk], i: usize) -> bool {
    blocks.get(i + 1).is_some_and(|n| {
        n.paragraph_start().is_some()
            || (matches!(n.kind, BlockKind::Heading(_)) && matches!(n.start, Start::Paragraph(..)))
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
            .map(|l| l.0.fast_trim())
            .collect::<Vec<_>>()
            .join(" ");
        if heading_shaped(&t) && followed_by_paragraph(blocks, i + 1) {
            return true;
        }
        // A rubrik over `Allmänna råd till 7 § …` heads that advice.
        if matches!(allmanna_rad_heading(&t), Some(Some(_))) {
            return true;
        }
        // `Allmänna råd` is no rubrik, but a rubrik may head a chapter's first paragraph only.
    }
    false
}

//! Stage 1, reading: a file's bytes become a [`Text`] of blocks and lines with spans
//! (format detection by content, encoding detection, Markdown flattening, PDF and DOCX
//! extraction in [`pdf`] and [`docx`], line-break hyphenation).

pub mod docx;
mod mapped;
pub mod pdf;
mod pdftree;

pub use mapped::Source;

use crate::error::{Error, Result};
use serde::Serialize;
use std::borrow::Cow;
use std::ops::Range;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// Files larger than this are refused before they are read into memory, whatever their
/// format. A PDF of a long regulation is a few MB; a scanned one rarely passes 50 MB.
pub const MAX_INPUT_BYTES: u64 = 64 * 1024 * 1024;

/// Plain text and Markdown larger than this are refused. The longest Swedish statutes are
/// about 2 MB as text; a 50 MB text still parses within about four times its size.
pub const MAX_TEXT_BYTES: u64 = 64 * 1024 * 1024;

/// Where a piece of text came from: 1-based lines and a byte range in the decoded text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Span {
    pub line: u32,
    pub end_line: u32,
    pub start: usize,
    pub end: usize,
    /// The page (1-based) in a paged source such as a PDF.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
}

impl Span {
    pub fn join(self, other: Span) -> Span {
        Span {
            line: self.line.min(other.line),
            end_line: self.end_line.max(other.end_line),
            start: self.start.min(other.start),
            end: self.end.max(other.end),
            page: match (self.page, other.page) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            },
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Encoding {
    Utf8,
    Utf8Bom,
    Windows1252,
    Utf16Le,
    Utf16Be,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Format {
    Plain,
    Markdown,
    Pdf,
    Docx,
}

/// A comment in the source (a Word comment), with the text it is anchored to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Annotation {
    /// The anchored text's place in [`Text::source`]; empty when the comment marks a point.
    pub span: Span,
    /// The text the comment is anchored to.
    pub anchor: String,
    pub author: String,
    pub text: String,
}

/// What a [`Note`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum NoteKind {
    /// A footnote; its marker was taken out of the wording (`föreskriver1` → `föreskriver`).
    Footnote,
    /// A block printed beside the text (FS number, `Utkom från trycket`, a date).
    Margin,
}

/// Text a printed page sets apart from the running text (PDF), kept out of the blocks.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Note {
    pub kind: NoteKind,
    pub page: u32,
    /// The footnote's number (`1`); empty for a margin block.
    pub marker: String,
    /// The word the footnote marker was glued to (`föreskriver`); empty when none was found.
    pub anchor: String,
    pub text: String,
}

/// How a block was marked up in the source, when the source says so (Markdown).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum BlockKind {
    Text,
    Heading(u8),
    ListItem,
}

/// One line of a block: its text (in [`Text::buf`]), where it stands in the source, its number.
///
/// 24 bytes: a 50 MB statute has over a million lines, and every byte here is memory that is
/// written once per line and read again by the parser. So offsets are `u32` (a text is at
/// most [`MAX_SPAN_BYTES`] long; the readers refuse longer ones), the page is `0` for none,
/// and the PDF layout, which no other source has, lives beside the lines in
/// [`Text::layout`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Line {
    text_start: u32,
    text_end: u32,
    src_start: u32,
    src_end: u32,
    pub number: u32,
    /// The page (1-based), 0 when the source has none.
    page: u32,
}

// What the compact layout above is for; a field added to `Line` shows here first.
const _: () = assert!(std::mem::size_of::<Line>() == 24);

/// The longest decoded text whose lines can be addressed (offsets are `u32`). Files are
/// refused long before this ([`MAX_INPUT_BYTES`]); the check guards the readers that build
/// text (PDF, DOCX) and [`Text::from_plain`] on a string from elsewhere.
pub const MAX_SPAN_BYTES: usize = u32::MAX as usize;

impl Line {
    /// A line whose text is at `text` in [`Text::buf`] and at `src` in [`Text::source`].
    /// `None` when an offset passes [`MAX_SPAN_BYTES`].
    pub fn new(
        text: Range<usize>,
        src: Range<usize>,
        number: u32,
        page: Option<u32>,
    ) -> Option<Line> {
        let u = |x: usize| u32::try_from(x).ok();
        Some(Line {
            text_start: u(text.start)?,
            text_end: u(text.end)?,
            src_start: u(src.start)?,
            src_end: u(src.end)?,
            number,
            page: page.unwrap_or(0),
        })
    }
    /// The line's text: a range in [`Text::buf`].
    #[inline]
    pub fn text(&self) -> Range<usize> {
        self.text_start as usize..self.text_end as usize
    }
    /// Where the line stands in [`Text::source`].
    #[inline]
    pub fn src(&self) -> Range<usize> {
        self.src_start as usize..self.src_end as usize
    }
    /// The page (1-based) in a paged source such as a PDF.
    #[inline]
    pub fn page(&self) -> Option<u32> {
        (self.page != 0).then_some(self.page)
    }
}

/// How a printed line looked, for telling headings, allmänna råd in smaller or italic type,
/// indented lists and labels from body text. Filled in by the PDF reader (`source::pdf`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct LineLayout {
    /// Font size in points (the median over the line's glyphs).
    pub size: f32,
    /// `size` over the body text's size (the size most of the document's glyphs have):
    /// 1.0 for body text, below 1 for smaller type.
    pub rel_size: f32,
    /// Points from the body text's left margin to the line's first glyph (negative: further
    /// left, as a hanging label or a margin note).
    pub indent: f32,
    /// Most of the line's glyphs are set in a bold or an italic font.
    pub bold: bool,
    pub italic: bool,
    /// The font family most of the line is set in, numbered 1.. in order of first use in the
    /// document (0: unknown); a change of number is a change of typeface.
    pub font: u8,
}

/// A run of non-blank lines (plain text) or one Markdown block element.
#[derive(Clone, Debug)]
pub struct Block {
    pub lines: Vec<Line>,
    pub kind: BlockKind,
}

/// A decoded document: the source text, the parser-facing text and its blocks.
#[derive(Clone, Debug)]
pub struct Text {
    pub name: String,
    pub encoding: Encoding,
    pub format: Format,
    /// The decoded source; spans index into it.
    pub source: Source,
    /// The text the parsers read. For plain text it equals `source`; for Markdown it is
    /// the flattened text of each block.
    buf: Option<String>,
    pub blocks: Vec<Block>,
    /// Things the reader should know (`decoded as Windows-1252`).
    pub notices: Vec<String>,
    /// Comments kept from the source (DOCX), in document order.
    pub annotations: Vec<Annotation>,
    /// Footnotes and margin blocks kept out of the running text (PDF), in page order.
    pub notes: Vec<Note>,
    /// How each line was printed (PDF), by line number in ascending order; see
    /// [`Text::layout`]. Kept apart from [`Line`] since only PDFs have it.
    layouts: Vec<(u32, LineLayout)>,
    /// A plain text read by [`read_unsplit`]: its blocks are made by the parser as it reads
    /// ([`PlainBlocks`]), and `blocks` stays empty.
    unsplit: bool,
}

impl Text {
    pub fn buf(&self) -> &str {
        self.buf.as_deref().unwrap_or(&self.source)
    }
    /// The runs of whitespace in [`Text::buf`] that joining folds, by start, when they were
    /// found as the text was read ([`fold_runs`]).
    pub(crate) fn fold_runs(&self) -> Option<&[(usize, usize)]> {
        match self.buf {
            None => self.source.fold_runs(),
            Some(_) => None,
        }
    }
    /// The blocks of a text read by [`read_unsplit`], made one by one as they are taken;
    /// `None` for any other text, whose blocks are in `blocks`.
    pub(crate) fn unsplit_blocks(&self) -> Option<PlainBlocks<'_>> {
        self.unsplit.then(|| PlainBlocks::new(&self.source))
    }
    /// Makes the blocks of a text read by [`read_unsplit`], for a reader other than the
    /// parser (an amendment, found to be one after all); any other text has them already.
    pub fn split_blocks(&mut self) {
        if self.take_unsplit() {
            let (blocks, whole) = plain_blocks(&self.source);
            debug_assert!(whole, "an unsplit text is within MAX_SPAN_BYTES");
            self.blocks = blocks;
        }
    }
    /// Marks an unsplit text's blocks as taken (see [`Text::unsplit_blocks`]): `blocks`
    /// stays empty, as after the parser has consumed the blocks of any text.
    pub(crate) fn take_unsplit(&mut self) -> bool {
        std::mem::take(&mut self.unsplit)
    }
    /// Lets the pages of the source before `offset` leave memory once a reader has passed
    /// them (a mapped file only; see [`Source::release_before`]). Reading them again still
    /// works, at the cost of a page fault.
    pub fn release_source_before(&self, offset: usize) {
        self.source.release_before(offset);
    }
    pub fn line_text(&self, line: &Line) -> &str {
        &self.buf()[line.text()]
    }
    /// How the line was printed, where the source says (PDF).
    pub fn layout(&self, line: &Line) -> Option<LineLayout> {
        self.layouts
            .binary_search_by_key(&line.number, |(n, _)| *n)
            .ok()
            .map(|i| self.layouts[i].1)
    }
    pub fn block_span(&self, block: &Block) -> Span {
        let first = block.lines.first();
        let last = block.lines.last();
        match (first, last) {
            (Some(f), Some(l)) => Span {
                line: f.number,
                end_line: l.number,
                start: f.src_start as usize,
                end: l.src_end as usize,
                page: f.page(),
            },
            _ => Span::default(),
        }
    }
    pub fn line_span(&self, line: &Line) -> Span {
        Span {
            line: line.number,
            end_line: line.number,
            start: line.src_start as usize,
            end: line.src_end as usize,
            page: line.page(),
        }
    }

    /// Builds a plain-text document from a string (used by tests and `refs TEXT`).
    /// Past [`MAX_SPAN_BYTES`] the lines are not read, and a notice says so (the file
    /// readers refuse such texts before they get here).
    pub fn from_plain(name: &str, source: String) -> Text {
        Text::plain(name, source.into(), Split::Now)
    }

    fn plain(name: &str, source: Source, split: Split) -> Text {
        // Lines past `MAX_SPAN_BYTES` are left out with a notice, which needs the split.
        if split == Split::Later && source.len() <= MAX_SPAN_BYTES {
            let mut text = Text::plain_with(name, source, Vec::new(), Vec::new());
            text.unsplit = true;
            return text;
        }
        let (blocks, whole) = plain_blocks(&source);
        let notices = if whole {
            Vec::new()
        } else {
            vec![too_long_notice(name)]
        };
        Text::plain_with(name, source, blocks, notices)
    }

    fn plain_with(name: &str, source: Source, blocks: Vec<Block>, notices: Vec<String>) -> Text {
        Text {
            name: name.to_string(),
            encoding: Encoding::Utf8,
            format: Format::Plain,
            source,
            buf: None,
            blocks,
            notices,
            annotations: Vec::new(),
            notes: Vec::new(),
            layouts: Vec::new(),
            unsplit: false,
        }
    }

    /// Builds a Markdown document from a string.
    pub fn from_markdown(name: &str, source: String) -> Text {
        Text::markdown(name, source.into())
    }

    fn markdown(name: &str, source: Source) -> Text {
        let (buf, blocks) = markdown_blocks(&source);
        let notices = if source.len().max(buf.len()) <= MAX_SPAN_BYTES {
            Vec::new()
        } else {
            vec![too_long_notice(name)]
        };
        Text {
            name: name.to_string(),
            encoding: Encoding::Utf8,
            format: Format::Markdown,
            source,
            buf: Some(buf),
            blocks,
            notices,
            annotations: Vec::new(),
            notes: Vec::new(),
            layouts: Vec::new(),
            unsplit: false,
        }
    }
}

/// Reads a file into a [`Text`], choosing the format by content (`%PDF-` is a PDF, a zip
/// archive a Word document, anything else text); the extension only breaks ties.
pub fn read(path: &Path) -> Result<Text> {
    read_as(path, Split::Now)
}

/// As [`read`], but a plain text's blocks are not made here: the parser makes them one by
/// one as it reads ([`crate::regulation::parse_consuming`]), so that all the blocks of a
/// text are never held at once (a 0.6 MB statute has some 5,000 blocks holding 13,000
/// lines, made and freed before the tree is built). For a text that goes straight to the
/// parser; any other reader wants [`read`], as `blocks` stays empty.
pub fn read_unsplit(path: &Path) -> Result<Text> {
    read_as(path, Split::Later)
}

/// Whether a plain text is split into its blocks when read (see [`read_unsplit`]).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Split {
    Now,
    Later,
}

fn read_as(path: &Path, split: Split) -> Result<Text> {
    let (file, len) = open_regular(path, MAX_INPUT_BYTES)?;
    // A large file is mapped, not copied: valid UTF-8 then becomes the text as it lies in
    // the page cache, without a fresh buffer the size of the file (see `mapped`).
    if len >= mapped::MAP_MIN_BYTES
        && let Some(map) = mapped::map(&file)
    {
        return read_mapped(path, map, split);
    }
    let bytes = read_open(path, file, len, MAX_INPUT_BYTES)?;
    // Text is decoded in place: valid UTF-8 becomes the text without a copy of the file.
    if sniff(path, &bytes) == Kind::Text && !is_blank(&bytes) {
        return text_from_bytes(path, Cow::Owned(bytes), split);
    }
    from_bytes(path, &bytes)
}

/// As [`read`], from the file's mapping: a text in UTF-8 without a byte-order mark is kept
/// mapped; anything that must be decoded or normalised is copied, as when read.
fn read_mapped(path: &Path, map: memmap2::Mmap, split: Split) -> Result<Text> {
    if sniff(path, &map) != Kind::Text || is_blank(&map) {
        return from_bytes(path, &map);
    }
    if map.starts_with(b"\xEF\xBB\xBF") || map.len() as u64 > MAX_TEXT_BYTES {
        return text_from_bytes(path, Cow::Borrowed(&map), split);
    }
    match Source::from_mapped(map) {
        Ok(source) => text_from_source(path, source, Encoding::Utf8, Vec::new(), split),
        Err(map) => text_from_bytes(path, Cow::Borrowed(&map), split),
    }
}

fn is_blank(bytes: &[u8]) -> bool {
    bytes.iter().all(|b| b.is_ascii_whitespace())
}

/// What a file that is not a regular file is, for the message refusing it.
fn kind_of(t: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "named pipe (FIFO)";
        }
        if t.is_char_device() || t.is_block_device() {
            return "device";
        }
        if t.is_socket() {
            return "socket";
        }
    }
    if t.is_dir() { "folder" } else { "special file" }
}

/// Reads the bytes of a regular file, at most `limit` of them: a named pipe, a device or a
/// folder is refused before it is opened (opening a pipe blocks, and a device never ends),
/// and the limit is enforced while reading, whatever size the file states.
pub fn read_bytes(path: &Path, limit: u64) -> Result<Vec<u8>> {
    let (file, len) = open_regular(path, limit)?;
    read_open(path, file, len, limit)
}

/// Opens a regular file of at most `limit` bytes, with its size as opened.
fn open_regular(path: &Path, limit: u64) -> Result<(std::fs::File, u64)> {
    let io = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let not_a_file = |t: &std::fs::FileType| Error::NotAFile {
        path: path.to_path_buf(),
        kind: kind_of(t),
    };
    let meta = std::fs::metadata(path).map_err(io)?;
    if !meta.is_file() {
        return Err(not_a_file(&meta.file_type()));
    }
    if meta.len() > limit {
        return Err(too_large(path, meta.len(), limit));
    }
    let file = std::fs::File::open(path).map_err(io)?;
    // The path may have been replaced between the two looks; the open file decides.
    let opened = file.metadata().map_err(io)?;
    if !opened.is_file() {
        return Err(not_a_file(&opened.file_type()));
    }
    if opened.len() > limit {
        return Err(too_large(path, opened.len(), limit));
    }
    Ok((file, opened.len()))
}

/// Reads an opened file whole, enforcing the limit while reading, whatever size it stated.
fn read_open(path: &Path, file: std::fs::File, len: u64, limit: u64) -> Result<Vec<u8>> {
    use std::io::Read;
    let mut bytes = Vec::with_capacity(len.min(limit) as usize);
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })?;
    if bytes.len() as u64 > limit {
        return Err(too_large(path, bytes.len() as u64, limit));
    }
    Ok(bytes)
}

fn too_large(path: &Path, size: u64, limit: u64) -> Error {
    Error::TooLarge {
        path: path.to_path_buf(),
        size,
        limit,
    }
}

/// What a file is, judged by its content first and its name second.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Pdf,
    Docx,
    Text,
}

fn sniff(path: &Path, bytes: &[u8]) -> Kind {
    let head = &bytes[..bytes.len().min(1024)];
    if head.windows(5).any(|w| w == b"%PDF-") {
        return Kind::Pdf;
    }
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        return Kind::Docx;
    }
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(|e| e.to_ascii_lowercase());
    match ext.as_deref() {
        Some("pdf") => Kind::Pdf,
        Some("docx") | Some("docm") | Some("dotx") => Kind::Docx,
        _ => Kind::Text,
    }
}

/// Reads bytes as the format their content shows: PDF, DOCX, or text (UTF-8, UTF-8 with BOM,
/// UTF-16 with BOM, or Windows-1252; Markdown by name or content).
pub fn from_bytes(path: &Path, bytes: &[u8]) -> Result<Text> {
    if is_blank(bytes) {
        return Err(Error::Empty {
            path: path.to_path_buf(),
        });
    }
    match sniff(path, bytes) {
        Kind::Pdf => pdf::from_bytes(path, bytes),
        Kind::Docx if named_docx(path) => docx::from_bytes(path, bytes),
        // A zip archive by content only: a Word document if it holds one, else binary.
        Kind::Docx => match docx::from_bytes(path, bytes) {
            Err(Error::DocxCorrupt { .. }) | Err(Error::DocxNotZip { .. }) => {
                text_from_bytes(path, Cow::Borrowed(bytes), Split::Now)
            }
            r => r,
        },
        Kind::Text => text_from_bytes(path, Cow::Borrowed(bytes), Split::Now),
    }
}

/// Whether `path` is named as a plain-text document (`.txt`, `.md`, `.markdown`). What a
/// file is, is judged by its content when read; the name alone is enough to guess the work
/// reading it takes (a PDF or Word file holds far more for its size).
pub fn named_plain_text(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| matches!(e.to_ascii_lowercase().as_str(), "txt" | "md" | "markdown"))
}

fn named_docx(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| matches!(e.to_ascii_lowercase().as_str(), "docx" | "docm" | "dotx"))
}

fn text_from_bytes(path: &Path, bytes: Cow<'_, [u8]>, split: Split) -> Result<Text> {
    if bytes.len() as u64 > MAX_TEXT_BYTES {
        return Err(too_large(path, bytes.len() as u64, MAX_TEXT_BYTES));
    }
    let mut notices = Vec::new();
    let (source, encoding) = decode(path, bytes, &mut notices)?;
    text_from_source(path, source.into(), encoding, notices, split)
}

fn text_from_source(
    path: &Path,
    source: Source,
    encoding: Encoding,
    notices: Vec<String>,
    split: Split,
) -> Result<Text> {
    let name = path.display().to_string();
    if source.may_hold_controls()
        && let Some(offset) = binary_offset(&source)
    {
        return Err(Error::Binary {
            path: path.to_path_buf(),
            offset,
        });
    }
    let markdown = is_markdown(path, &source);
    let mut text = if markdown {
        Text::markdown(&name, source)
    } else {
        Text::plain(&name, source, split)
    };
    text.encoding = encoding;
    text.notices = notices;
    Ok(text)
}

/// Decodes text; owned bytes that are valid UTF-8 become the string as they are.
fn decode(
    path: &Path,
    owned: Cow<'_, [u8]>,
    notices: &mut Vec<String>,
) -> Result<(String, Encoding)> {
    let bytes: &[u8] = &owned;
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return Ok((utf8_lossy(path, rest, notices), Encoding::Utf8Bom));
    }
    for (bom, enc, le) in [
        (&b"\xFF\xFE"[..], Encoding::Utf16Le, true),
        (&b"\xFE\xFF"[..], Encoding::Utf16Be, false),
    ] {
        if let Some(rest) = bytes.strip_prefix(bom) {
            let units: Vec<u16> = rest
                .chunks(2)
                .map(|c| match (c, le) {
                    ([a, b], true) => u16::from_le_bytes([*a, *b]),
                    ([a, b], false) => u16::from_be_bytes([*a, *b]),
                    _ => 0xFFFD,
                })
                .collect();
            let mut out = String::with_capacity(units.len());
            for (i, r) in char::decode_utf16(units).enumerate() {
                match r {
                    Ok(c) => out.push(c),
                    Err(_) => {
                        return Err(Error::BadUtf16 {
                            path: path.to_path_buf(),
                            offset: 2 + 2 * i,
                        });
                    }
                }
            }
            return Ok((out, enc));
        }
    }
    // Validated with SIMD: Swedish text has a non-ASCII letter every few words, which keeps
    // the standard library's check off its ASCII fast path (about 7 instructions a byte).
    if let Ok(s) = simdutf8::basic::from_utf8(bytes) {
        let s = match owned {
            // SAFETY: `simdutf8` has just validated these very bytes as UTF-8 (the vector is
            // moved, not changed, between the check and here). Checking again with
            // `String::from_utf8` would cost a second pass over the whole file.
            Cow::Owned(v) => unsafe { String::from_utf8_unchecked(v) },
            Cow::Borrowed(_) => s.to_string(),
        };
        return Ok((s, Encoding::Utf8));
    }
    // A NUL byte means binary, not a legacy encoding.
    if let Some(offset) = bytes.iter().position(|&b| b == 0) {
        return Err(Error::Binary {
            path: path.to_path_buf(),
            offset,
        });
    }
    let (multibyte, bad) = utf8_evidence(bytes);
    // A UTF-8 text with a few stray bytes has many good multi-byte sequences (å, ä, ö, §)
    // and few bad ones; a Windows-1252 text has almost no good ones, since its å (0xE5)
    // followed by a letter is never valid UTF-8.
    if multibyte > bad.len() {
        return Ok((utf8_lossy(path, bytes, notices), Encoding::Utf8));
    }
    let (s, _, _) = encoding_rs::WINDOWS_1252.decode(bytes);
    notices.push(format!(
        "{}: not UTF-8 ({} invalid byte sequence(s), first on line {}); decoded as Windows-1252",
        path.display(),
        bad.len(),
        bad.first().map_or(1, |&o| line_of(bytes, o))
    ));
    Ok((s.into_owned(), Encoding::Windows1252))
}

/// How many valid multi-byte UTF-8 sequences the bytes hold, and where the invalid ones start.
fn utf8_evidence(bytes: &[u8]) -> (usize, Vec<usize>) {
    let mut multibyte = 0;
    let mut bad = Vec::new();
    let mut at = 0;
    for chunk in bytes.utf8_chunks() {
        multibyte += chunk.valid().chars().filter(|c| !c.is_ascii()).count();
        at += chunk.valid().len();
        if !chunk.invalid().is_empty() {
            bad.push(at);
            at += chunk.invalid().len();
        }
    }
    (multibyte, bad)
}

/// The 1-based line of a byte offset.
fn line_of(bytes: &[u8], offset: usize) -> usize {
    1 + memchr::memchr_iter(b'\n', &bytes[..offset.min(bytes.len())]).count()
}

/// Decodes UTF-8, replacing each invalid sequence by U+FFFD, with a notice naming the lines
/// where that happened.
fn utf8_lossy(path: &Path, bytes: &[u8], notices: &mut Vec<String>) -> String {
    let (_, bad) = utf8_evidence(bytes);
    if bad.is_empty() {
        return String::from_utf8_lossy(bytes).into_owned();
    }
    let mut lines: Vec<usize> = bad.iter().map(|&o| line_of(bytes, o)).collect();
    lines.dedup();
    const SHOWN: usize = 20;
    let mut list = lines
        .iter()
        .take(SHOWN)
        .map(|l| l.to_string())
        .collect::<Vec<_>>();
    let more = lines.len().saturating_sub(SHOWN);
    let listed = match (list.len(), more) {
        (1, _) => format!("line {}", list[0]),
        (_, 0) => {
            let last = list.pop().unwrap_or_default();
            format!("lines {} and {last}", list.join(", "))
        }
        _ => format!("lines {} and {more} more", list.join(", ")),
    };
    notices.push(format!(
        "{}: {listed}: {} invalid UTF-8 byte sequence(s) replaced by U+FFFD; the rest of the file is UTF-8",
        path.display(),
        bad.len()
    ));
    String::from_utf8_lossy(bytes).into_owned()
}

/// The offset of the first sign that decoded text is really binary: a NUL, or a
/// control-character density no document has.
fn binary_offset(s: &str) -> Option<usize> {
    if !has_control_bytes(s.as_bytes()) {
        return None;
    }
    // Read by bytes: a character starts at every byte that is no continuation byte, and
    // the control characters are the ASCII ones and U+0080–U+009F (0xC2 0x80–0x9F).
    let b = s.as_bytes();
    let mut controls = 0usize;
    let mut seen = 0usize;
    for (i, &c) in b.iter().enumerate() {
        if c & 0xC0 == 0x80 {
            continue;
        }
        if c == 0 {
            return Some(i);
        }
        seen += 1;
        let control = match c {
            b'\n' | b'\r' | b'\t' | 0x0C => false,
            0..0x20 | 0x7F => true,
            0xC2 => b.get(i + 1).is_some_and(|n| (0x80..0xA0).contains(n)),
            _ => false,
        };
        if control {
            controls += 1;
            if controls > 8 && controls * 20 > seen {
                return Some(i);
            }
        }
        if seen > 65_536 {
            break;
        }
    }
    None
}

/// Whether the bytes hold a NUL or a control character (any that [`binary_offset`] counts)
/// anywhere. Almost every text holds none, and this check runs over 64 bytes at a time in
/// vector registers, where the exact count goes character by character (about twenty
/// instructions each); only a text that has some is counted exactly.
fn has_control_bytes(b: &[u8]) -> bool {
    // The same loop compiled for 32 bytes a vector where the processor has AVX2: the baseline
    // (SSE2) takes 16, and this check is a pass over every byte of every text read (about
    // 4% of parsing a statute).
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the processor has AVX2, as just asked.
        return unsafe { has_control_bytes_avx2(b) };
    }
    control_bytes_in(b)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn has_control_bytes_avx2(b: &[u8]) -> bool {
    control_bytes_in(b)
}

/// [`has_control_bytes`], inlined into each caller so that it is compiled for the vector
/// width the caller may use.
#[inline(always)]
fn control_bytes_in(b: &[u8]) -> bool {
    let control =
        |c: u8| (c < 0x20) & (c != b'\n') & (c != b'\r') & (c != b'\t') & (c != 0x0C) | (c == 0x7F);
    // U+0080–U+009F: 0xC2 then 0x80–0x9F, tested with the byte after it in the same pass.
    // 0xC2 also leads every `§` (0xC2 0xA7): searched for on its own, a statute stopped the
    // search at each one.
    let c1 = |c: u8, next: u8| (c == 0xC2) & (next & 0xE0 == 0x80);
    // Each run of 64 bytes is read with the 64 that start one byte later, so the byte after
    // the run's last is there too: only the last 64 bytes of the text are left to the tail.
    let mut at = 0;
    while let (Some(run), Some(next)) = (b.get(at..at + 64), b.get(at + 1..at + 65)) {
        // `fold`, not `any`: no early exit per byte, so the run is tested as one vector.
        let found = run
            .iter()
            .zip(next)
            .fold(false, |found, (&c, &n)| found | control(c) | c1(c, n));
        if found {
            return true;
        }
        at += 64;
    }
    let tail = &b[at..];
    tail.iter()
        .enumerate()
        .any(|(i, &c)| control(c) || c1(c, tail.get(i + 1).copied().unwrap_or(0)))
}

fn is_markdown(path: &Path, source: &str) -> bool {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(|e| e.to_ascii_lowercase());
    match ext.as_deref() {
        Some("md") | Some("markdown") => true,
        Some("txt") => false,
        // By content: ATX headings or YAML front matter at the start.
        _ => {
            let head = source.trim_start();
            head.starts_with("---\n") || head.starts_with("# ") || source.contains("\n## ")
        }
    }
}

/// The notice for a text whose lines past [`MAX_SPAN_BYTES`] were not read.
fn too_long_notice(name: &str) -> String {
    format!("{name}: longer than {MAX_SPAN_BYTES} bytes; only the lines before that were read")
}

/// Splits plain text into blocks at blank lines. Lines keep their source ranges. False
/// with the blocks when the text went on past [`MAX_SPAN_BYTES`] (those lines are left out).
fn plain_blocks(source: &str) -> (Vec<Block>, bool) {
    // Room for a block per 64 bytes, more than statutes have (about one per 170): the
    // pages of the room not used are never written, so they cost no memory, while growing
    // by doubling would copy the blocks over and over into fresh memory.
    let mut blocks = Vec::with_capacity(source.len() / 64 + 1);
    let mut split = PlainBlocks::new(source);
    blocks.extend(&mut split);
    (blocks, split.whole)
}

/// The blocks of a plain text (runs of non-blank lines), made one at a time: all at once
/// by [`plain_blocks`], or as the parser takes them from a text read by [`read_unsplit`].
pub(crate) struct PlainBlocks<'a> {
    source: &'a str,
    breaks: Newlines<'a>,
    /// Where the next line starts.
    start: usize,
    /// The number of the last line read.
    number: u32,
    /// The lines of the block being read.
    current: Vec<Line>,
    /// False once a line past [`MAX_SPAN_BYTES`] was met: it and the rest are left out.
    whole: bool,
}

impl<'a> PlainBlocks<'a> {
    pub(crate) fn new(source: &'a str) -> Self {
        PlainBlocks {
            source,
            breaks: Newlines::new(source.as_bytes()),
            start: 0,
            number: 0,
            current: Vec::new(),
            whole: true,
        }
    }

    /// The blocks from byte `start` of `source` on, a line start after a blank line, with
    /// `lines_before` lines before it: what [`PlainBlocks::new`] makes from there.
    pub(crate) fn starting_at(source: &'a str, start: usize, lines_before: u32) -> Self {
        PlainBlocks {
            source,
            breaks: Newlines::starting_at(source.as_bytes(), start),
            start,
            number: lines_before,
            current: Vec::new(),
            whole: true,
        }
    }

    /// The next block's lines, each handed to `line` as its text and span, for a reader that
    /// copies them at once (the parser's window; the blocks of [`plain_blocks`] keep them
    /// as [`Line`]s). False when no block was left. A line past [`MAX_SPAN_BYTES`] ends the
    /// text: it and the rest are left out.
    pub(crate) fn next_block_with(&mut self, mut line: impl FnMut(&'a str, Span)) -> bool {
        let mut any = false;
        while self.start < self.source.len() {
            let start = self.start;
            let end = self.breaks.next().map_or(self.source.len(), |i| i + 1);
            self.start = end;
            self.number += 1;
            let (trimmed, lead) = trim_line(&self.source[start..end]);
            if trimmed.len() == lead {
                if any {
                    return true;
                }
                continue;
            }
            if start + trimmed.len() > MAX_SPAN_BYTES {
                self.whole = false;
                self.start = self.source.len();
                break;
            }
            let span = Span {
                line: self.number,
                end_line: self.number,
                start: start + lead,
                end: start + trimmed.len(),
                page: None,
            };
            line(&trimmed[lead..], span);
            any = true;
        }
        any
    }
}

impl Iterator for PlainBlocks<'_> {
    type Item = Block;

    fn next(&mut self) -> Option<Block> {
        // The lines are gathered in the one vector kept for it and each block gets an exact
        // copy, so no block holds the spare capacity of a grown vector (on a 50 MB text
        // that is tens of megabytes).
        let mut lines = std::mem::take(&mut self.current);
        lines.clear();
        self.next_block_with(|_, s| {
            // Within `MAX_SPAN_BYTES`, which `next_block_with` keeps to.
            if let Some(l) = Line::new(s.start..s.end, s.start..s.end, s.line, None) {
                lines.push(l);
            }
        });
        let block = (!lines.is_empty()).then(|| Block {
            lines: lines.to_vec(),
            kind: BlockKind::Text,
        });
        self.current = lines;
        block
    }
}

/// The offsets of the line breaks (`\n`) in a text, in order. Each 64 bytes are compared
/// at once into a bit mask whose set bits are then read off one by one: a statute's lines
/// are short (about 40 bytes), and a library search called once a line spent more on
/// setting itself up (about 60 instructions) than on searching.
struct Newlines<'a> {
    bytes: &'a [u8],
    /// Where the 64 bytes of `mask` start.
    base: usize,
    /// The line breaks among them not yet returned, bit `i` for byte `base + i`.
    mask: u64,
}

impl<'a> Newlines<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        Newlines {
            bytes,
            base: 0,
            mask: newline_mask(bytes),
        }
    }

    /// The line breaks at or after byte `start`.
    fn starting_at(bytes: &'a [u8], start: usize) -> Self {
        Newlines {
            bytes,
            base: start,
            mask: bytes.get(start..).map_or(0, newline_mask),
        }
    }
}

impl Iterator for Newlines<'_> {
    type Item = usize;
    #[inline]
    fn next(&mut self) -> Option<usize> {
        while self.mask == 0 {
            self.base += 64;
            let rest = self.bytes.get(self.base..).filter(|r| !r.is_empty())?;
            self.mask = newline_mask(rest);
        }
        let i = self.mask.trailing_zeros() as usize;
        self.mask &= self.mask - 1;
        Some(self.base + i)
    }
}

/// Bit `i` set where byte `i` of the first 64 is a line break.
#[inline]
fn newline_mask(b: &[u8]) -> u64 {
    let mut pad = [0u8; 64];
    let chunk = match b.first_chunk::<64>() {
        Some(chunk) => chunk,
        None => {
            pad[..b.len()].copy_from_slice(b);
            &pad
        }
    };
    #[cfg(target_arch = "x86_64")]
    // SAFETY: the function only needs SSE2, which every x86-64 processor has (it is in
    // the target's baseline features); it reads nothing but the array it is given.
    let m = unsafe { newline_mask_64(chunk) };
    #[cfg(not(target_arch = "x86_64"))]
    let m = newline_mask_64(chunk);
    m
}

/// [`newline_mask`] of 64 bytes, 16 at a time with SSE2: the compiler does not turn the
/// portable loop into these instructions.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "sse2")]
fn newline_mask_64(c: &[u8; 64]) -> u64 {
    use std::arch::x86_64::{_mm_cmpeq_epi8, _mm_movemask_epi8, _mm_set_epi64x, _mm_set1_epi8};
    let nl = _mm_set1_epi8(b'\n' as i8);
    let mut m = 0u64;
    for (k, q) in c.chunks_exact(16).enumerate() {
        let half = |i: usize| {
            let mut w = [0u8; 8];
            w.copy_from_slice(&q[i..i + 8]);
            i64::from_le_bytes(w)
        };
        let v = _mm_set_epi64x(half(8), half(0));
        let bits = _mm_movemask_epi8(_mm_cmpeq_epi8(v, nl)) as u32 & 0xFFFF;
        m |= u64::from(bits) << (16 * k);
    }
    m
}

#[cfg(not(target_arch = "x86_64"))]
#[inline]
fn newline_mask_64(c: &[u8; 64]) -> u64 {
    let mut m = 0u64;
    for (i, &b) in c.iter().enumerate() {
        m |= u64::from(b == b'\n') << i;
    }
    m
}

/// A source line without its line break and trailing whitespace (`trimmed`), and the length
/// of its leading whitespace (`lead`); a blank line has `lead == trimmed.len()`. Most lines
/// start and end in a printable ASCII byte, which settles both ends without decoding a
/// character; the others take `str::trim_*`, so what counts as whitespace is Unicode's.
fn trim_line(raw: &str) -> (&str, usize) {
    // A line holds one `\n`, at its end (none when it is the text's last), and any `\r`
    // before it.
    let b = raw.as_bytes();
    let mut end = b.len();
    if b.last() == Some(&b'\n') {
        end -= 1;
    }
    while end > 0 && b[end - 1] == b'\r' {
        end -= 1;
    }
    let body = &raw[..end];
    let trimmed = if no_space_at_end(body) {
        body
    } else {
        body.trim_end()
    };
    let lead = if no_space_at_start(trimmed) {
        0
    } else {
        trimmed.len() - trimmed.trim_start().len()
    };
    (trimmed, lead)
}

/// The text starts with a character that is no whitespace, told from its first byte alone:
/// a printable ASCII byte, or the lead byte of a character above U+007F other than 0xC2,
/// 0xE1, 0xE2 and 0xE3, which start every whitespace character up there (U+0085, U+00A0,
/// U+1680, U+2000–U+205F, U+3000). Swedish lines start with `Å`, `Ä`, `Ö` often enough that
/// the full Unicode test is worth skipping for them. False also for an empty text.
#[inline]
pub(crate) fn no_space_at_start(s: &str) -> bool {
    let Some(&c) = s.as_bytes().first() else {
        return false;
    };
    // Printable ASCII (0x21–0x7E) in one comparison: the test runs for nearly every line.
    c.wrapping_sub(0x21) < 0x5e || (c >= 0x80 && !matches!(c, 0xC2 | 0xE1 | 0xE2 | 0xE3))
}

/// The text ends with a character that is no whitespace, told from its last byte alone: a
/// printable ASCII byte, or a last byte no whitespace character above U+007F ends with
/// (they end in 0x80–0x8A, 0x9F, 0xA0, 0xA8, 0xA9 or 0xAF; `ä`, `å`, `ö` and `§` do not).
/// False also for an empty text.
#[inline]
pub(crate) fn no_space_at_end(s: &str) -> bool {
    let Some(&c) = s.as_bytes().last() else {
        return false;
    };
    c.wrapping_sub(0x21) < 0x5e
        || (c >= 0x80 && !matches!(c, 0x80..=0x8A | 0x9F | 0xA0 | 0xA8 | 0xA9 | 0xAF))
}

/// Flattens Markdown into blocks: headings, paragraphs and list items become blocks, links
/// become their text, HTML and front matter are dropped. Line numbers follow the source.
fn markdown_blocks(source: &str) -> (String, Vec<Block>) {
    use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
    let line_starts = line_starts(source);
    let line_of = |off: usize| match line_starts.binary_search(&off) {
        Ok(i) => i as u32 + 1,
        Err(i) => i as u32,
    };
    let mut buf = String::with_capacity(source.len());
    let mut blocks: Vec<Block> = Vec::new();
    let mut lines: Vec<Line> = Vec::new();
    let mut kind = BlockKind::Text;
    let mut cur_start: Option<usize> = None; // start in buf of the current line
    let mut cur_src: Option<Range<usize>> = None;
    let mut list_stack: Vec<Option<u64>> = Vec::new();
    let mut in_block = false;

    fn end_line(
        buf: &mut String,
        lines: &mut Vec<Line>,
        cur_start: &mut Option<usize>,
        cur_src: &mut Option<Range<usize>>,
        number: u32,
    ) {
        if let (Some(s), Some(src)) = (cur_start.take(), cur_src.take()) {
            let text = buf[s..].trim_end().len() + s;
            if text > s {
                // Past the addressable length the line is left out; the caller says so.
                if let Some(l) = Line::new(s..text, src, number, None) {
                    lines.push(l);
                }
            }
            buf.push('\n');
        }
    }

    let opts = Options::ENABLE_YAML_STYLE_METADATA_BLOCKS | Options::ENABLE_TABLES;
    for (event, range) in Parser::new_ext(source, opts).into_offset_iter() {
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                kind = BlockKind::Heading(level as u8);
                in_block = true;
            }
            Event::Start(Tag::Paragraph) => {
                if !matches!(kind, BlockKind::ListItem) || !in_block {
                    kind = BlockKind::Text;
                }
                in_block = true;
            }
            Event::Start(Tag::List(start)) => list_stack.push(start),
            Event::End(TagEnd::List(_)) => {
                list_stack.pop();
            }
            Event::Start(Tag::Item) => {
                kind = BlockKind::ListItem;
                in_block = true;
                let marker = match list_stack.last_mut() {
                    Some(Some(n)) => {
                        let m = format!("{n}. ");
                        *n += 1;
                        m
                    }
                    _ => "- ".to_string(),
                };
                cur_start = Some(buf.len());
                cur_src = Some(range.start..range.start);
                buf.push_str(&marker);
            }
            Event::Start(Tag::TableRow) | Event::Start(Tag::TableHead) => {
                in_block = true;
                kind = BlockKind::Text;
            }
            Event::End(TagEnd::TableCell) => buf.push('\t'),
            Event::Text(t) | Event::Code(t) => {
                if !in_block {
                    continue;
                }
                if cur_start.is_none() {
                    cur_start = Some(buf.len());
                }
                let src = cur_src.get_or_insert(range.start..range.start);
                src.end = range.end;
                buf.push_str(&t);
            }
            Event::SoftBreak | Event::HardBreak => {
                let n = line_of(cur_src.as_ref().map(|r| r.start).unwrap_or(range.start));
                end_line(&mut buf, &mut lines, &mut cur_start, &mut cur_src, n);
            }
            Event::End(TagEnd::Heading(_))
            | Event::End(TagEnd::Paragraph)
            | Event::End(TagEnd::Item)
            | Event::End(TagEnd::TableRow)
            | Event::End(TagEnd::TableHead) => {
                let n = line_of(cur_src.as_ref().map(|r| r.start).unwrap_or(range.start));
                end_line(&mut buf, &mut lines, &mut cur_start, &mut cur_src, n);
                if !lines.is_empty() {
                    blocks.push(Block {
                        lines: std::mem::take(&mut lines),
                        kind,
                    });
                }
                in_block = false;
                kind = BlockKind::Text;
            }
            _ => {}
        }
    }
    (buf, blocks)
}

/// Builds the extracted text of a PDF or DOCX: blocks of lines separated by a blank line,
/// with spans into the text being built.
#[derive(Default)]
struct Builder {
    source: String,
    blocks: Vec<Block>,
    line: u32,
    layouts: Vec<(u32, LineLayout)>,
    /// A line passed [`MAX_SPAN_BYTES`]: [`Builder::finish`] refuses the text.
    too_long: bool,
}

impl Builder {
    /// Appends a block (lines as given, without newlines) and returns the byte offset where
    /// its text starts. Blank lines are kept in the text but are not lines of the block.
    fn push_block(&mut self, kind: BlockKind, lines: &[(&str, Option<u32>)]) -> usize {
        let laid: Vec<(&str, Option<u32>, Option<LineLayout>)> =
            lines.iter().map(|(t, p)| (*t, *p, None)).collect();
        self.push_laid_out(kind, &laid)
    }

    /// As [`Builder::push_block`], with each line's layout.
    fn push_laid_out(
        &mut self,
        kind: BlockKind,
        lines: &[(&str, Option<u32>, Option<LineLayout>)],
    ) -> usize {
        if !self.source.is_empty() {
            self.source.push('\n');
            self.line += 1;
        }
        let start = self.source.len();
        let mut out = Vec::with_capacity(lines.len());
        for (i, (text, page, layout)) in lines.iter().enumerate() {
            if i > 0 {
                self.source.push('\n');
            }
            self.line += 1;
            let s = self.source.len();
            self.source.push_str(text);
            let lead = text.len() - text.trim_start().len();
            let body = text.trim().len();
            if body > 0 {
                let r = s + lead..s + lead + body;
                match Line::new(r.clone(), r, self.line, *page) {
                    Some(l) => out.push(l),
                    None => self.too_long = true,
                }
                if let Some(layout) = layout {
                    self.layouts.push((self.line, *layout));
                }
            }
        }
        self.source.push('\n');
        if !out.is_empty() {
            self.blocks.push(Block { lines: out, kind });
        }
        start
    }

    /// The text built, refused when it grew past what a [`Line`] can address.
    fn finish(self, path: &Path, format: Format) -> Result<Text> {
        if self.too_long {
            return Err(Error::TextTooLong {
                path: path.to_path_buf(),
                limit: MAX_SPAN_BYTES as u64,
            });
        }
        Ok(Text {
            name: path.display().to_string(),
            encoding: Encoding::Utf8,
            format,
            source: self.source.into(),
            buf: None,
            blocks: self.blocks,
            notices: Vec::new(),
            annotations: Vec::new(),
            notes: Vec::new(),
            layouts: self.layouts,
            unsplit: false,
        })
    }
}

thread_local! {
    /// Set on reader threads: their panics are reported as errors, not printed.
    static QUIET_PANICS: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    /// Set on reader threads: raised when the caller stopped waiting.
    static CANCEL: std::cell::RefCell<Option<Arc<AtomicBool>>> =
        const { std::cell::RefCell::new(None) };
}

/// The stop signal of the reader running on this thread: set when the caller has given up
/// on it (its time limit passed). Readers check it in their loops and stop early, so an
/// abandoned reader does not go on using a core and memory for the rest of the process.
/// Taken once on the reader thread, it can be handed to helper threads the reader starts.
#[derive(Clone, Default)]
pub(crate) struct Cancel(Option<Arc<AtomicBool>>);

impl Cancel {
    pub(crate) fn current() -> Cancel {
        Cancel(CANCEL.with(|c| c.borrow().clone()))
    }
    pub(crate) fn is_set(&self) -> bool {
        self.0.as_ref().is_some_and(|f| f.load(Ordering::Relaxed))
    }
}

/// Makes panics on this thread silent (they are caught and reported as errors): for helper
/// threads a reader starts.
pub(crate) fn quiet_this_thread() {
    QUIET_PANICS.with(|q| q.set(true));
}

/// Installs (once) a panic hook that stays silent on reader threads and defers to the
/// previous hook everywhere else.
fn quiet_reader_panics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !QUIET_PANICS.with(|q| q.get()) {
                previous(info);
            }
        }));
    });
}

/// The message of a panic payload, shortened to one line.
fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    let msg = payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown failure".to_string());
    let first = msg.lines().next().unwrap_or("").trim();
    first.chars().take(160).collect()
}

/// Runs a third-party reader on a worker thread: a panic becomes [`Error::ReaderFailed`],
/// and after `limit` the caller stops waiting ([`Error::TimedOut`]). A timed-out worker cannot
/// be killed: it is told to stop ([`Cancel`] is set, which the readers check between
/// pages and elements), is never joined, and dies with the process at the latest, so a hung
/// third-party library cannot keep `remiss` from exiting.
fn guarded<T, F>(path: &Path, limit: Duration, f: F) -> Result<T>
where
    T: Send + 'static,
    F: FnOnce() -> Result<T> + Send + 'static,
{
    quiet_reader_panics();
    let (tx, rx) = std::sync::mpsc::sync_channel(1);
    let cancel = Arc::new(AtomicBool::new(false));
    let worker_cancel = Arc::clone(&cancel);
    let spawned = std::thread::Builder::new()
        .name("remiss-reader".to_string())
        .stack_size(16 * 1024 * 1024)
        .spawn(move || {
            QUIET_PANICS.with(|q| q.set(true));
            CANCEL.with(|c| *c.borrow_mut() = Some(worker_cancel));
            let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
            // The receiver may have given up waiting; then nobody wants the result.
            let _ = tx.send(r);
        });
    if let Err(e) = spawned {
        return Err(Error::Io {
            path: path.to_path_buf(),
            source: e,
        });
    }
    match rx.recv_timeout(limit) {
        Ok(Ok(r)) => r,
        Ok(Err(payload)) => Err(Error::ReaderFailed {
            path: path.to_path_buf(),
            message: panic_message(payload.as_ref()),
        }),
        Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
            cancel.store(true, Ordering::Relaxed);
            Err(Error::TimedOut {
                path: path.to_path_buf(),
                seconds: limit.as_secs().max(1),
            })
        }
        Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => Err(Error::ReaderFailed {
            path: path.to_path_buf(),
            message: "the reader thread stopped without an answer".to_string(),
        }),
    }
}

/// Byte offsets where each line starts.
pub fn line_starts(s: &str) -> Vec<usize> {
    let mut v = Vec::with_capacity(s.len() / 40 + 1);
    v.push(0);
    v.extend(memchr::memchr_iter(b'\n', s.as_bytes()).map(|i| i + 1));
    v
}

/// Counts of what joining lines normalised away; reported so nothing is hidden.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Normalisation {
    /// Line breaks inside a stycke replaced by a space.
    pub line_wraps: u32,
    /// Line-break hyphens removed because they were layout, not spelling.
    pub hyphenation: u32,
    /// Runs of spaces, tabs and no-break spaces folded to one space.
    pub whitespace: u32,
}

impl Normalisation {
    pub fn add(&mut self, o: Normalisation) {
        self.line_wraps += o.line_wraps;
        self.hyphenation += o.hyphenation;
        self.whitespace += o.whitespace;
    }
}

/// Words after which a hyphen at a line end marks a suspended compound (`radio- och tv`).
const SUSPENDING: [&str; 6] = ["och", "eller", "samt", "respektive", "resp.", "till"];

/// Joins the lines of a stycke into one string. A line-break hyphen is removed only where it
/// is a layout artefact: a lower-case word of three or more letters broken before a lower-case
/// continuation. Hyphens stay after capitals and digits (`EU-`, `NIS 2-`), inside existing
/// compounds (`maskin-till-`), after short words (`e-`, `tv-`), after `icke-`, and before
/// `och`/`eller` (`hälso- och sjukvård`).
pub fn join_lines<'a, I>(lines: I, norm: &mut Normalisation) -> String
where
    I: IntoIterator<Item = &'a str>,
    I::IntoIter: Clone,
{
    join_lines_in(lines, norm, true)
}

/// As [`join_lines`], told whether the lines can need folding at all: a caller that has
/// searched the whole text once ([`needs_folding`]) and found nothing passes false, and
/// then no joined text is searched again.
pub(crate) fn join_lines_in<'a, I>(lines: I, norm: &mut Normalisation, may_fold: bool) -> String
where
    I: IntoIterator<Item = &'a str>,
    I::IntoIter: Clone,
{
    let lines = lines.into_iter();
    // One allocation of the right size: the text is at most the lines and a space each.
    let mut out = String::with_capacity(lines.clone().map(|l| l.len() + 1).sum());
    // Most texts have single ASCII spaces only. They are joined as they are and searched
    // once, whole (one long vector search costs less than one per line); a text that turns
    // out to need folding is joined again, folding each line as it is added.
    let mut counts = Normalisation::default();
    join_into(&mut out, lines.clone(), &mut counts, false);
    if may_fold && needs_folding(out.as_bytes()) {
        out.clear();
        counts = Normalisation::default();
        join_into(&mut out, lines, &mut counts, true);
    }
    norm.add(counts);
    out
}

fn join_into<'a>(
    out: &mut String,
    lines: impl Iterator<Item = &'a str>,
    norm: &mut Normalisation,
    fold: bool,
) {
    for line in lines {
        let line = trim_fast(line);
        if line.is_empty() {
            continue;
        }
        if !out.is_empty() {
            norm.line_wraps += 1;
            if out.ends_with('-') && hyphen_is_artefact(out, line) {
                out.pop();
                norm.hyphenation += 1;
            } else if !out.ends_with('-') || keeps_space_after_hyphen(line) {
                out.push(' ');
            }
        }
        if fold {
            push_folding_spaces(out, line, norm);
        } else {
            out.push_str(line);
        }
    }
}

/// An appendix's label, the word after `Bilaga` (`4`, `A`, `IV`, `2.1`): at most four
/// letters, digits or dots. One rule for the PDF reader, which starts an appendix where its
/// label is printed, and for the parser, which reads the appendix's heading.
pub(crate) fn is_appendix_label(w: &str) -> bool {
    !w.is_empty() && w.len() <= 4 && w.chars().all(|c| c.is_ascii_alphanumeric() || c == '.')
}

pub(crate) fn keeps_space_after_hyphen(next: &str) -> bool {
    let first = next.split_whitespace().next().unwrap_or("");
    SUSPENDING.contains(&first) || next.starts_with(|c: char| c.is_ascii_digit())
}

pub(crate) fn hyphen_is_artefact(before: &str, next: &str) -> bool {
    if keeps_space_after_hyphen(next) {
        return false;
    }
    if !next.starts_with(|c: char| c.is_lowercase()) {
        return false;
    }
    let stem = before.strip_suffix('-').unwrap_or(before);
    // The word starts after the last separator, which may be wider than a byte (U+2028, ”).
    let word_start = stem
        .char_indices()
        .rfind(|&(_, c)| c.is_whitespace() || c == '(' || c == '"' || c == '”')
        .map(|(i, c)| i + c.len_utf8())
        .unwrap_or(0);
    // After an abbreviation's hyphen (`EU-förord-` / `ningen`) an ordinary word follows,
    // and its break is judged alone (`maskin-till-` / `maskintjänster` stays as it is).
    let word = &stem[word_start..];
    let word = match word.split_once('-') {
        Some((pre, rest))
            if !pre.is_empty() && pre.chars().all(|c| c.is_uppercase() || c.is_ascii_digit()) =>
        {
            rest
        }
        _ => word,
    };
    let letters = word.chars().count();
    letters >= 3 && word.chars().all(|c| c.is_lowercase()) && word != "icke"
}

/// `str::trim` without the Unicode whitespace test at an end whose byte tells it holds no
/// whitespace ([`no_space_at_start`], [`no_space_at_end`]), as on most lines (the result is
/// the same). The one fast trim: the parser's `FastTrim` is this too.
pub(crate) fn trim_fast(s: &str) -> &str {
    let s = trim_start_fast(s);
    if no_space_at_end(s) { s } else { s.trim_end() }
}

/// `str::trim_start`, settled by bytes when the text starts with no whitespace or with
/// one ASCII space before a character that is none, as the text after a label does
/// (`7 § Den som`, `1. en`): the parser asks that of every paragraph and punkt.
#[inline]
pub(crate) fn trim_start_fast(s: &str) -> &str {
    if no_space_at_start(s) {
        return s;
    }
    match s.strip_prefix(' ') {
        Some(rest) if no_space_at_start(rest) => rest,
        _ => s.trim_start(),
    }
}

/// The high bit of every byte of `x` that is an ASCII letter or digit, the eight bytes
/// tested at once: range tests on each byte's low seven bits, whose sums never carry into
/// the next byte. The citation reader and the comparison's word hashing step over words
/// with it.
#[inline(always)]
pub(crate) fn ascii_alnum_bytes(x: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let low = x & !HIGH;
    // The high bit of each byte of `v` in `lo..=hi` (every byte of `v` below 0x80).
    let in_range = |v: u64, lo: u8, hi: u8| {
        let at_least_lo = v + ONES * u64::from(0x80 - lo);
        let above_hi = v + ONES * u64::from(0x7F - hi);
        at_least_lo & !above_hi & HIGH
    };
    // `| 0x20` makes `A`–`Z` into `a`–`z` and no other byte into one.
    let folded = low | (ONES * 0x20);
    (in_range(folded, b'a', b'z') | in_range(low, b'0', b'9')) & !x
}

/// The search for two spaces in a row, made once.
static DOUBLE_SPACE: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
    std::sync::LazyLock::new(|| memchr::memmem::Finder::new(b"  "));

/// What [`scan_in_tiles`] finds in a text's bytes besides their being UTF-8.
pub(crate) struct Scanned {
    /// Whether any byte is one [`binary_offset`] counts ([`has_control_bytes`]).
    pub controls: bool,
    /// Every run of whitespace that joining folds ([`fold_runs`]), by start.
    pub folds: Vec<(usize, usize)>,
}

/// A text is checked this many bytes at a time, every check of a piece done before the
/// next piece is read: each check is a pass over the bytes, and over a large text each pass
/// read them from main memory again, where a piece this size stays in the processor's
/// cache between passes. On a 50 MB statute the five passes took 30–41 ms over the whole
/// text and 19–25 ms in pieces of 16 to 64 KiB; on a 0.6 MB one, 0.17 ms either way.
const TILE_BYTES: usize = 32 * 1024;

/// Whether the bytes are UTF-8, and if so what [`Scanned`] says of them, worked out piece
/// by piece ([`TILE_BYTES`]). The pieces are cut before a byte that starts a character, so
/// each is valid exactly when the whole is.
pub(crate) fn scan_in_tiles(b: &[u8]) -> Option<Scanned> {
    let mut controls = false;
    let mut folds = Vec::new();
    let mut from = 0;
    while from < b.len() {
        let mut to = (from + TILE_BYTES).min(b.len());
        // Back to a byte that is no continuation byte, at most three: further back, the text
        // has four in a row and is no UTF-8, which the piece then shows.
        if to < b.len()
            && let Some(k) = (to.saturating_sub(3).max(from + 1)..=to)
                .rev()
                .find(|&k| b[k] & 0xC0 != 0x80)
        {
            to = k;
        }
        let piece = &b[from..to];
        simdutf8::basic::from_utf8(piece).ok()?;
        controls = controls || has_control_bytes(piece);
        fold_runs(b, from..to, &mut folds);
        from = to;
    }
    folds.sort_unstable();
    Some(Scanned { controls, folds })
}

/// The runs of whitespace that joining folds (a double space, a tab, a no-break space)
/// starting in `range` of `b`, as (start, end), added to `out` in no particular order. A
/// double space that starts on the range's last byte is found too.
pub(crate) fn fold_runs(b: &[u8], range: Range<usize>, out: &mut Vec<(usize, usize)>) {
    let Some(piece) = b.get(range.start..(range.end + 1).min(b.len())) else {
        return;
    };
    // One by one, not `find_iter`: three spaces are two runs that overlap.
    let mut from = 0;
    while let Some(i) = piece.get(from..).and_then(|r| DOUBLE_SPACE.find(r)) {
        let at = range.start + from + i;
        if at >= range.end {
            break;
        }
        out.push((at, at + 2));
        from += i + 1;
    }
    // Found by their last bytes, as `needs_folding` does.
    for i in memchr::memchr3_iter(b'\t', 0xA0, 0xAF, &b[range.clone()]) {
        if let Some(start) = foldable_char_start(b, range.start + i) {
            out.push((start, range.start + i + 1));
        }
    }
}

/// Whether a text holds a double space, a tab, or a no-break space (U+00A0, U+202F).
/// SIMD searches (memchr) keep this cheap on the common text that has none.
pub(crate) fn needs_folding(b: &[u8]) -> bool {
    if DOUBLE_SPACE.find(b).is_some() {
        return true;
    }
    memchr::memchr3_iter(b'\t', 0xA0, 0xAF, b).any(|i| foldable_char_start(b, i).is_some())
}

/// Where a tab, a no-break space (U+00A0) or a narrow no-break space (U+202F) starts when
/// `b[i]` is its last byte. They are searched by their last bytes (`\t`, 0xA0, 0xAF), which
/// are rare in Swedish text: the first, 0xC2 and 0xE2, also start every `§` and `–`.
#[inline]
pub(crate) fn foldable_char_start(b: &[u8], i: usize) -> Option<usize> {
    match b[i] {
        b'\t' => Some(i),
        0xA0 if i >= 1 && b[i - 1] == 0xC2 => Some(i - 1),
        0xAF if i >= 2 && b[i - 2..i] == [0xE2, 0x80] => Some(i - 2),
        _ => None,
    }
}

fn push_folding_spaces(out: &mut String, line: &str, norm: &mut Normalisation) {
    // Most lines have single ASCII spaces only: one byte scan decides.
    if !(needs_folding(line.as_bytes()) || out.ends_with(' ') && line.starts_with(' ')) {
        out.push_str(line);
        return;
    }
    let mut prev_space = out.ends_with(' ');
    for c in line.chars() {
        let is_space = c == ' ' || c == '\t' || c == '\u{a0}' || c == '\u{202f}';
        if is_space {
            if prev_space || c != ' ' {
                norm.whitespace += 1;
            }
            if !prev_space {
                out.push(' ');
            }
            prev_space = true;
        } else {
            out.push(c);
            prev_space = false;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the checks find over the whole text at once, for [`scan_in_tiles`] to agree with.
    fn scan_whole(b: &[u8]) -> Option<(bool, Vec<(usize, usize)>)> {
        simdutf8::basic::from_utf8(b).ok()?;
        let mut folds = Vec::new();
        fold_runs(b, 0..b.len(), &mut folds);
        folds.sort_unstable();
        Some((has_control_bytes(b), folds))
    }

    /// Every kind of sequence the checks look for, and broken UTF-8, placed across the
    /// places where the tiles are cut: the pieces find what the whole text shows.
    #[test]
    fn tiles_find_what_the_whole_text_shows() {
        let pieces: [&[u8]; 12] = [
            b"  ",
            b"   ",
            b"\t",
            "\u{a0}".as_bytes(),
            "\u{202f}".as_bytes(),
            "\u{85}".as_bytes(),
            b"\x01",
            "§ å €".as_bytes(),
            "😀".as_bytes(),
            b"\xC3",
            b"\x80\x80",
            b"\xE2\x80",
        ];
        for tiles in [1, 2, 3] {
            let edge = TILE_BYTES * tiles;
            for piece in pieces {
                for shift in 0..6 {
                    let mut b = "ordning ".repeat((edge + 40) / 8).into_bytes();
                    let at = edge + shift - 3;
                    b.splice(at..at + piece.len(), piece.iter().copied());
                    let tiled = scan_in_tiles(&b).map(|s| (s.controls, s.folds));
                    assert_eq!(tiled, scan_whole(&b), "{piece:?} at {at}");
                }
            }
        }
        // A real statute, as it is.
        let sfb = include_str!(
            "../corpus/sfs/socialforsakringsbalk-2010-110/sfs-2010-110_in-force-2026-01-01.txt"
        );
        let tiled = scan_in_tiles(sfb.as_bytes()).map(|s| (s.controls, s.folds));
        let whole = scan_whole(sfb.as_bytes());
        assert!(whole.as_ref().is_some_and(|w| !w.1.is_empty()));
        assert_eq!(tiled, whole);
        assert!(scan_in_tiles(b"").is_some_and(|s| !s.controls && s.folds.is_empty()));
    }

    #[test]
    fn plain_text_is_told_by_the_name_in_any_case() {
        for (name, plain) in [
            ("a.txt", true),
            ("b.MD", true),
            ("c.Markdown", true),
            ("d.pdf", false),
            ("e.docx", false),
            ("f", false),
            ("g.txt.pdf", false),
        ] {
            assert_eq!(named_plain_text(Path::new(name)), plain, "{name}");
        }
    }

    /// A text read for the parser has no blocks until they are taken, and then the same
    /// ones: the tree, the amendment test and the blocks made on request all match what
    /// [`read`] gives, on real statutes and a real amendment.
    #[test]
    fn a_text_read_unsplit_parses_and_splits_as_one_read_whole() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        for rel in [
            "corpus/sfs/socialforsakringsbalk-2010-110/sfs-2010-110_in-force-2026-01-01.txt",
            "corpus/sfs/lag-2022-482-elektronisk-kommunikation/sfs-2022-482_in-force-2026-01-15.txt",
            "tests/fixtures/small-draft.txt",
            "tests/fixtures/amend/lag-2025-1511.txt",
        ] {
            let path = root.join(rel);
            let whole = read(&path).unwrap_or_else(|e| panic!("{rel}: {e}"));
            let unsplit = read_unsplit(&path).unwrap_or_else(|e| panic!("{rel}: {e}"));
            assert!(!whole.blocks.is_empty(), "{rel}");
            assert!(unsplit.blocks.is_empty(), "{rel}");
            assert_eq!(
                crate::amend::is_amendment(&whole),
                crate::amend::is_amendment(&unsplit),
                "{rel}"
            );
            let json = |r: &crate::Regulation| serde_json::to_string(r).unwrap_or_default();
            let tree = json(&crate::regulation::parse(&whole));
            assert!(tree.len() > 1000, "{rel}");
            assert_eq!(json(&crate::regulation::parse(&unsplit)), tree, "{rel}");
            let mut taken = unsplit.clone();
            assert_eq!(json(&crate::regulation::parse_consuming(&mut taken)), tree);
            assert!(taken.blocks.is_empty() && taken.unsplit_blocks().is_none());
            let mut split = unsplit;
            split.split_blocks();
            assert_eq!(split.blocks.len(), whole.blocks.len(), "{rel}");
            for (a, b) in split.blocks.iter().zip(&whole.blocks) {
                assert_eq!((&a.lines, a.kind), (&b.lines, b.kind), "{rel}");
            }
        }
        let amendment = read_unsplit(&root.join("tests/fixtures/amend/lag-2025-1511.txt"));
        assert!(amendment.is_ok_and(|t| crate::amend::is_amendment(&t)));
    }

    #[test]
    fn joining_folds_only_texts_that_need_it_and_counts_the_same() {
        let mut n = Normalisation::default();
        let t = join_lines(
            ["Den som  bedriver", "verksamhet\u{a0}enligt 7\u{a0}§"],
            &mut n,
        );
        assert_eq!(t, "Den som bedriver verksamhet enligt 7 §");
        assert_eq!((n.line_wraps, n.whitespace), (1, 3));
        let mut n = Normalisation::default();
        let t = join_lines(["Den som bedri-", "ver – enligt 7 §", "à la carte"], &mut n);
        assert_eq!(t, "Den som bedriver – enligt 7 § à la carte");
        assert_eq!((n.line_wraps, n.hyphenation, n.whitespace), (2, 1, 0));
    }

    #[test]
    fn control_characters_are_found_by_their_bytes() {
        let mut s = "ok § ".repeat(10);
        assert_eq!(binary_offset(&s), None);
        s.push_str(&"\u{85}\u{1}".repeat(20));
        // The ninth control character tips the balance: the fifth pair's first.
        assert_eq!(binary_offset(&s), Some(s.find('\u{85}').unwrap() + 4 * 3));
        assert_eq!(binary_offset("a\0b"), Some(1));
    }

    /// The quick look lets a text through only when it holds no character the exact count
    /// counts, wherever in the 64-byte runs the character falls.
    #[test]
    fn the_quick_look_for_control_characters_misses_none() {
        let clean = "1 § Åtgärder\u{A0}gäller.\r\n\tx\u{C}y\u{A7}\u{FF}\n".repeat(9);
        // Both builds of the check: the baseline one, and the one this processor takes.
        let both = |b: &[u8]| [has_control_bytes(b), control_bytes_in(b)];
        assert_eq!(both(clean.as_bytes()), [false; 2]);
        assert_eq!(binary_offset(&clean), None);
        let controls = (0u32..0x20)
            .filter(|c| !matches!(c, 0x09 | 0x0A | 0x0C | 0x0D))
            .chain([0x7F])
            .chain(0x80..0xA0)
            .filter_map(char::from_u32);
        for c in controls {
            let n = clean.len();
            for at in [
                0,
                1,
                63,
                64,
                127,
                n - 66,
                n - 65,
                n - 64,
                n - 63,
                n - 2,
                n - 1,
            ] {
                let at = (0..=at).rev().find(|&i| clean.is_char_boundary(i)).unwrap();
                let mut s = clean.clone();
                s.insert(at, c);
                assert_eq!(both(s.as_bytes()), [true; 2], "{c:?} at {at}");
            }
        }
    }

    /// The masks find every line break and nothing else, wherever it falls in or around
    /// the 64-byte runs, and in a last run shorter than 64 bytes.
    #[test]
    fn line_breaks_are_found_at_every_offset() {
        for len in [0, 1, 2, 63, 64, 65, 127, 128, 129, 200] {
            let base: Vec<u8> = (0..len).map(|i| b"a\xC3\xA5 \r"[i % 5]).collect();
            for at in [0, 1, 31, 62, 63, 64, 65, 127, 128, 199] {
                let mut b = base.clone();
                if at < len {
                    b[at] = b'\n';
                }
                if len > 70 {
                    b[len - 1] = b'\n';
                }
                let want: Vec<usize> = (0..b.len()).filter(|&i| b[i] == b'\n').collect();
                assert_eq!(Newlines::new(&b).collect::<Vec<_>>(), want, "{len} {at}");
            }
        }
        let all = vec![b'\n'; 130];
        assert_eq!(Newlines::new(&all).count(), 130);
    }

    fn join(lines: &[&str]) -> (String, Normalisation) {
        let mut n = Normalisation::default();
        let s = join_lines(lines.iter().copied(), &mut n);
        (s, n)
    }

    #[test]
    fn hyphenation_is_rejoined_only_where_it_is_layout() {
        assert_eq!(
            join(&["enligt kom-", "missionens beslut"]).0,
            "enligt kommissionens beslut"
        );
        assert_eq!(
            join(&["den nya EU-", "förordningen"]).0,
            "den nya EU-förordningen"
        );
        assert_eq!(
            join(&["inom hälso-", "och sjukvård"]).0,
            "inom hälso- och sjukvård"
        );
        assert_eq!(
            join(&["enligt NIS 2-", "direktivet"]).0,
            "enligt NIS 2-direktivet"
        );
        assert_eq!(
            join(&["säkerställa icke-", "diskriminerande"]).0,
            "säkerställa icke-diskriminerande"
        );
        assert_eq!(
            join(&["maskin-till-", "maskintjänster"]).0,
            "maskin-till-maskintjänster"
        );
        assert_eq!(join(&["tv-", "program"]).0, "tv-program");
        // A word after an abbreviation's hyphen, broken at the line end (SFS 2025:1458).
        assert_eq!(
            join(&["till EU-förord-", "ningen om batterier"]).0,
            "till EU-förordningen om batterier"
        );
        // A separator wider than a byte before the word (line separator, quotation mark).
        assert_eq!(
            join(&["0\u{2028}kom-", "missionens"]).0,
            "0\u{2028}kommissionens"
        );
        assert_eq!(join(&["”kom-", "missionens"]).0, "”kommissionens");
        let (_, n) = join(&["unionslag-", "stiftning och", "mer"]);
        assert_eq!(n.hyphenation, 1);
        assert_eq!(n.line_wraps, 2);
    }

    #[test]
    fn whitespace_is_folded_and_counted() {
        let (s, n) = join(&["Stadsledningskontoret  tillstyrker\u{a0}förslaget"]);
        assert_eq!(s, "Stadsledningskontoret tillstyrker förslaget");
        assert_eq!(n.whitespace, 2);
    }

    #[test]
    fn windows_1252_is_decoded_with_a_notice() {
        let bytes = b"1 \xa7 F\xf6rordningen g\xe4ller.\n";
        let t = from_bytes(Path::new("x.txt"), bytes).unwrap();
        assert_eq!(t.encoding, Encoding::Windows1252);
        assert!(t.source.contains("1 § Förordningen gäller."));
        assert_eq!(t.notices.len(), 1);
    }

    #[test]
    fn a_few_bad_bytes_in_utf8_are_replaced_and_named_by_line() {
        let mut b = "Förvaltningen tillstyrker 2 kap. 7 §.\nÅtgärder\u{0} krävs.\nSista raden.\n"
            .to_string()
            .into_bytes();
        let at = b.iter().position(|&x| x == 0).unwrap();
        b[at] = 0x96;
        let t = from_bytes(Path::new("a.txt"), &b).unwrap();
        assert_eq!(t.encoding, Encoding::Utf8);
        assert!(t.source.contains("Åtgärder\u{FFFD} krävs."), "{}", t.source);
        assert!(t.source.contains("2 kap. 7 §"));
        assert_eq!(t.notices.len(), 1);
        assert!(
            t.notices[0].contains("a.txt: line 2: 1 invalid"),
            "{:?}",
            t.notices
        );
        // With a BOM, the same.
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend_from_slice(&b);
        let t = from_bytes(Path::new("a.txt"), &bom).unwrap();
        assert_eq!(t.encoding, Encoding::Utf8Bom);
        assert!(t.notices[0].contains("line 2"), "{:?}", t.notices);
    }

    #[cfg(unix)]
    #[test]
    fn only_regular_files_are_read() {
        match read(Path::new("/dev/zero")) {
            Err(Error::NotAFile { kind, .. }) => assert_eq!(kind, "device"),
            other => panic!("{other:?}"),
        }
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("p.txt");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if made.is_ok_and(|s| s.success()) {
            match read(&fifo) {
                Err(Error::NotAFile { kind, .. }) => assert_eq!(kind, "named pipe (FIFO)"),
                other => panic!("{other:?}"),
            }
        }
        assert!(matches!(read(dir.path()), Err(Error::NotAFile { .. })));
        let f = dir.path().join("a.txt");
        std::fs::write(&f, "1 § Text.\n").unwrap();
        assert!(matches!(
            read_bytes(&f, 4),
            Err(Error::TooLarge { limit: 4, .. })
        ));
        assert_eq!(read_bytes(&f, 100).unwrap().len(), 11);
        // A file that states 0 bytes and holds more is stopped while it is read.
        let proc = Path::new("/proc/self/maps");
        if std::fs::metadata(proc).is_ok_and(|m| m.len() == 0) {
            assert!(matches!(
                read_bytes(proc, 16),
                Err(Error::TooLarge { size: 17, .. })
            ));
        }
    }

    /// A large file is mapped when it is UTF-8 as it stands, and read into a copy when it
    /// must be decoded; either way the text is the one the bytes give.
    #[test]
    fn large_files_are_mapped_only_when_they_need_no_decoding() {
        let para = "1 § Förordningen gäller åtgärder.\nDen gäller även 2 kap. 7 §.\n\n";
        let body = para.repeat(mapped::MAP_MIN_BYTES as usize / para.len() + 1);
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("big.txt");
        std::fs::write(&f, &body).unwrap();
        let t = read(&f).unwrap();
        assert!(t.source.is_mapped());
        assert_eq!(t.encoding, Encoding::Utf8);
        let plain = Text::from_plain(&t.name, body.clone());
        assert_eq!(t.source, plain.source);
        assert_eq!(t.blocks.len(), plain.blocks.len());
        assert!(
            t.blocks
                .iter()
                .zip(&plain.blocks)
                .all(|(a, b)| a.lines == b.lines)
        );
        assert!(t.notices.is_empty());
        // Pages given back are read again from the file, unchanged.
        t.release_source_before(body.len() / 2);
        t.release_source_before(body.len());
        assert_eq!(t.source, body.as_str());

        // A byte-order mark is dropped from a copy.
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend_from_slice(body.as_bytes());
        std::fs::write(&f, &bom).unwrap();
        let t = read(&f).unwrap();
        assert!(!t.source.is_mapped());
        assert_eq!((t.encoding, &*t.source), (Encoding::Utf8Bom, body.as_str()));

        // Windows-1252 is decoded into a copy, with its notice.
        let (latin, _, _) = encoding_rs::WINDOWS_1252.encode(&body);
        std::fs::write(&f, &latin).unwrap();
        let t = read(&f).unwrap();
        assert!(!t.source.is_mapped());
        assert_eq!(
            (t.encoding, &*t.source),
            (Encoding::Windows1252, body.as_str())
        );
        assert_eq!(t.notices.len(), 1);

        // Binary stays refused, with its offset in the file.
        let mut bin = body.clone().into_bytes();
        bin[65_000] = 0;
        std::fs::write(&f, &bin).unwrap();
        assert!(matches!(
            read(&f),
            Err(Error::Binary { offset: 65_000, .. })
        ));
        // A small file is read, not mapped.
        std::fs::write(&f, para).unwrap();
        assert!(!read(&f).unwrap().source.is_mapped());
    }

    #[test]
    fn utf16_with_bom_is_decoded() {
        let mut bytes = vec![0xFF, 0xFE];
        for u in "7 § Åtgärder.\n".encode_utf16() {
            bytes.extend_from_slice(&u.to_le_bytes());
        }
        let t = from_bytes(Path::new("x.txt"), &bytes).unwrap();
        assert_eq!(t.encoding, Encoding::Utf16Le);
        assert_eq!(t.source, "7 § Åtgärder.\n");
    }

    #[test]
    fn binary_and_empty_are_refused() {
        assert!(matches!(
            from_bytes(Path::new("e.txt"), b"  \n\n"),
            Err(Error::Empty { .. })
        ));
        let bin: Vec<u8> = (0u8..=255).cycle().take(4000).collect();
        assert!(matches!(
            from_bytes(Path::new("b.bin"), &bin),
            Err(Error::Binary { .. })
        ));
    }

    #[test]
    fn a_reader_that_panics_or_hangs_becomes_an_error() {
        let p = Path::new("x.pdf");
        let r: Result<()> = guarded(p, Duration::from_secs(5), || panic!("index out of bounds"));
        match r {
            Err(Error::ReaderFailed { message, .. }) => {
                assert_eq!(message, "index out of bounds")
            }
            other => panic!("{other:?}"),
        }
        let r: Result<()> = guarded(p, Duration::from_millis(50), || {
            std::thread::sleep(Duration::from_secs(2));
            Ok(())
        });
        assert!(matches!(r, Err(Error::TimedOut { .. })), "{r:?}");
        let r = guarded(p, Duration::from_secs(5), || Ok(7));
        assert_eq!(r.ok(), Some(7));
    }

    #[test]
    fn a_reader_given_up_on_is_told_to_stop() {
        let stopped = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&stopped);
        let r: Result<()> = guarded(Path::new("x.pdf"), Duration::from_millis(50), move || {
            // A reader loop that would run for a minute, checking as real readers do.
            let start = std::time::Instant::now();
            while start.elapsed() < Duration::from_secs(60) {
                if Cancel::current().is_set() {
                    break;
                }
                std::thread::sleep(Duration::from_millis(5));
            }
            flag.store(true, Ordering::SeqCst);
            Ok(())
        });
        assert!(matches!(r, Err(Error::TimedOut { .. })), "{r:?}");
        let start = std::time::Instant::now();
        while !stopped.load(Ordering::SeqCst) && start.elapsed() < Duration::from_secs(5) {
            std::thread::sleep(Duration::from_millis(5));
        }
        assert!(
            stopped.load(Ordering::SeqCst),
            "the abandoned reader kept running"
        );
        assert!(
            !Cancel::current().is_set(),
            "only reader threads are ever cancelled"
        );
    }

    #[test]
    fn content_decides_the_format_and_the_name_breaks_ties() {
        assert_eq!(sniff(Path::new("a.txt"), b"%PDF-1.7\n"), Kind::Pdf);
        assert_eq!(sniff(Path::new("a"), b"PK\x03\x04rest"), Kind::Docx);
        assert_eq!(sniff(Path::new("a.docx"), b"hello"), Kind::Docx);
        assert_eq!(sniff(Path::new("a.pdf"), b"hello"), Kind::Pdf);
        assert_eq!(sniff(Path::new("a.md"), b"# hello"), Kind::Text);
        assert!(matches!(
            from_bytes(Path::new("a.docx"), b"hello"),
            Err(Error::DocxNotZip { .. })
        ));
        assert!(matches!(
            from_bytes(Path::new("a.pdf"), b"hello"),
            Err(Error::PdfCorrupt { .. })
        ));
    }

    #[test]
    fn the_byte_tests_for_whitespace_never_pass_a_whitespace_character() {
        // Every character: where the shortcut says "no whitespace here", it is none, so
        // trimming with the shortcut gives what `str::trim` gives.
        let mut fast = 0;
        for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
            let one = c.to_string();
            let s = format!("{c}x{c}");
            if no_space_at_start(&one) {
                assert!(!c.is_whitespace(), "{:?} at the start", c);
                fast += 1;
            }
            if no_space_at_end(&one) {
                assert!(!c.is_whitespace(), "{:?} at the end", c);
            }
            let (t, lead) = trim_line(&s);
            assert_eq!(&t[lead..], s.trim(), "{:?}", c);
        }
        // And it does shortcut the letters Swedish lines start and end with.
        for w in ["Åtgärd", "Ändring", "Ökning", "§", "å", "ä", "ö"] {
            assert!(no_space_at_start(w) || w == "§", "{w}");
            assert!(no_space_at_end(w), "{w}");
        }
        assert!(fast > 1_000_000, "{fast}");
        assert!(!no_space_at_start("") && !no_space_at_end(""));
    }

    #[test]
    fn plain_blocks_keep_lines_and_spans() {
        let t = Text::from_plain("t", "Rubrik\n\n1 § Text\nmer.\n".to_string());
        assert_eq!(t.blocks.len(), 2);
        let b = &t.blocks[1];
        assert_eq!(t.line_text(&b.lines[1]), "mer.");
        let sp = t.block_span(b);
        assert_eq!((sp.line, sp.end_line), (3, 4));
        assert_eq!(&t.source[sp.start..sp.end], "1 § Text\nmer.");
    }

    #[test]
    fn markdown_headings_and_lists_become_blocks() {
        let md = "---\nx: 1\n---\n# Titel\n\n### 1 §\n\nDenna [förordning](http://x) gäller.\n\n- a\n- b\n";
        let t = Text::from_markdown("m.md", md.to_string());
        let texts: Vec<(String, BlockKind)> = t
            .blocks
            .iter()
            .map(|b| {
                (
                    b.lines
                        .iter()
                        .map(|l| t.line_text(l))
                        .collect::<Vec<_>>()
                        .join("|"),
                    b.kind,
                )
            })
            .collect();
        assert_eq!(
            texts,
            vec![
                ("Titel".to_string(), BlockKind::Heading(1)),
                ("1 §".to_string(), BlockKind::Heading(3)),
                ("Denna förordning gäller.".to_string(), BlockKind::Text),
                ("- a".to_string(), BlockKind::ListItem),
                ("- b".to_string(), BlockKind::ListItem),
            ]
        );
        assert_eq!(t.blocks[2].lines[0].number, 8);
    }
}

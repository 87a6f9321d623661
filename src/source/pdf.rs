//! Stage 1, reading PDF: glyph positions from our content-stream interpreter (`interp`, on
//! lopdf's objects) become lines, running headers and footers are dropped, paragraphs are
//! rebuilt from the layout, and line-break hyphens are rejoined, giving a plain [`Text`]
//! whose lines know their page.
//!
//! The extracted text is what spans index into: `line` is the line number in that text (a
//! blank line separates paragraphs), `page` the PDF page the line was printed on.

mod cmap;
mod font;
mod interp;
mod lex;
mod tables;

use super::{
    Builder, Format, LineLayout, Note, NoteKind, Text, guarded, hyphen_is_artefact,
    is_appendix_label, keeps_space_after_hyphen,
};
use crate::error::{Error, Result};
use font::FontStyle;
use std::collections::HashMap;
use std::path::Path;
use std::time::Duration;

/// Extraction of one PDF is abandoned after this long (a normal document takes well under a
/// second; a file that takes longer is damaged or hostile).
pub const TIME_LIMIT: Duration = Duration::from_secs(30);

/// Reads a PDF from its bytes. Every call into the PDF library runs on a guarded worker thread.
pub fn from_bytes(path: &Path, bytes: &[u8]) -> Result<Text> {
    from_bytes_within(path, bytes, TIME_LIMIT)
}

/// As [`from_bytes`], with the time limit given (tests use a short one).
pub fn from_bytes_within(path: &Path, bytes: &[u8], limit: Duration) -> Result<Text> {
    let owned = bytes.to_vec();
    let p = path.to_path_buf();
    let pages = guarded(path, limit, move || extract(&p, &owned))?;
    build(path, pages)
}

/// One glyph as the library placed it: `y` is the baseline measured from the top of the page.
#[derive(Clone, Debug)]
struct Glyph {
    x: f64,
    y: f64,
    adv: f64,
    size: f64,
    style: Option<FontStyle>,
    text: GlyphText,
}

/// A glyph's text: up to 15 bytes in place (nearly every glyph is one character), longer on
/// the heap. A long document has a million glyphs; a `String` each was an allocation each.
#[derive(Clone, Debug)]
enum GlyphText {
    Inline(u8, [u8; 15]),
    Heap(Box<str>),
}

impl GlyphText {
    fn new(s: &str) -> GlyphText {
        if s.len() <= 15 {
            let mut buf = [0u8; 15];
            buf[..s.len()].copy_from_slice(s.as_bytes());
            GlyphText::Inline(s.len() as u8, buf)
        } else {
            GlyphText::Heap(s.into())
        }
    }
    fn as_str(&self) -> &str {
        match self {
            // The bytes were copied from a `str` whole, so they are UTF-8.
            GlyphText::Inline(n, buf) => std::str::from_utf8(&buf[..*n as usize]).unwrap_or(""),
            GlyphText::Heap(s) => s,
        }
    }
}

impl std::ops::Deref for GlyphText {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

/// A page as read: its lines and its notes (the glyphs are dropped once read: a long
/// document's glyphs are tens of MB).
#[derive(Debug, Default)]
struct ReadPage {
    number: u32,
    lines: Vec<PLine>,
    notes: Vec<Note>,
}

impl ReadPage {
    fn of(page: Page) -> ReadPage {
        let (lines, notes) = page_lines(&page);
        ReadPage {
            number: page.number,
            lines,
            notes,
        }
    }
}

/// The glyphs of one page.
#[derive(Debug, Default)]
struct Page {
    number: u32,
    glyphs: Vec<Glyph>,
}

/// Pages and glyphs of a PDF, plus what went wrong on single pages. Runs on the worker thread.
struct Extracted {
    pages: Vec<ReadPage>,
    page_count: usize,
    failed: Vec<(u32, String)>,
    /// Character codes each page's content streams show (spaces aside), by page number.
    shown: HashMap<u32, usize>,
}

fn extract(path: &Path, bytes: &[u8]) -> Result<Extracted> {
    let corrupt = |reason: String| Error::PdfCorrupt {
        path: path.to_path_buf(),
        reason,
    };
    let truncated = !has_eof_marker(bytes);
    let mut doc = match lopdf::Document::load_mem(bytes) {
        Ok(d) => d,
        Err(e) => {
            let msg = e.to_string();
            if is_password_error(&msg) {
                return Err(Error::PdfEncrypted {
                    path: path.to_path_buf(),
                });
            }
            return Err(corrupt(if truncated {
                format!("it is truncated: no %%EOF at the end; {msg}")
            } else {
                msg
            }));
        }
    };
    if doc.is_encrypted() && doc.decrypt("").is_err() {
        return Err(Error::PdfEncrypted {
            path: path.to_path_buf(),
        });
    }
    if let Some(why) = super::pdftree::broken_page_tree(&doc) {
        return Err(corrupt(why));
    }
    let pages: Vec<(u32, lopdf::ObjectId)> = doc.get_pages().into_iter().collect();
    if pages.is_empty() {
        return Err(corrupt("it has no pages".to_string()));
    }
    let ids: Vec<lopdf::ObjectId> = pages.iter().map(|p| p.1).collect();
    let styles = interp::Styles::of(&doc, &ids);
    // Two workers (the machines have two cores) take the pages in turn from a shared
    // counter; each keeps the fonts it has read. A page whose reading panics loses only
    // itself.
    let doc = &doc;
    let styles = &styles;
    let pages = &pages;
    let next = std::sync::atomic::AtomicUsize::new(0);
    let cancel = super::Cancel::current();
    let run = || -> Worker {
        let mut w = Worker::default();
        let mut reader = interp::Reader::new(doc, styles);
        loop {
            // The caller has given up (time limit): stop instead of running on unseen.
            if cancel.is_set() {
                break;
            }
            let k = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let Some(&(number, id)) = pages.get(k) else {
                break;
            };
            let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| reader.page(id)));
            match r {
                Ok(page) => {
                    w.shown.push((number, page.shown));
                    w.pages.push(ReadPage::of(Page {
                        number,
                        glyphs: page.glyphs,
                    }));
                }
                Err(payload) => {
                    w.failed.push((
                        number,
                        format!(
                            "the PDF reader failed: {}",
                            super::panic_message(payload.as_ref())
                        ),
                    ));
                    // The fonts read so far may be half built.
                    reader = interp::Reader::new(doc, styles);
                }
            }
        }
        w
    };
    let (mine, theirs) = if pages.len() < 2 {
        (run(), Worker::default())
    } else {
        std::thread::scope(|sc| {
            let other = sc.spawn(|| {
                super::quiet_this_thread();
                run()
            });
            let mine = run();
            // A panic escaping the worker is caught by the guard around the whole read.
            let theirs = other.join().unwrap_or_default();
            (mine, theirs)
        })
    };
    let mut out = Extracted {
        pages: mine.pages,
        page_count: pages.len(),
        failed: mine.failed,
        shown: mine.shown.into_iter().collect(),
    };
    out.pages.extend(theirs.pages);
    out.failed.extend(theirs.failed);
    out.shown.extend(theirs.shown);
    // Pages a worker never reported (it died) are failed pages.
    let done: std::collections::HashSet<u32> = out
        .pages
        .iter()
        .map(|p| p.number)
        .chain(out.failed.iter().map(|f| f.0))
        .collect();
    if !cancel.is_set() {
        for (n, _) in pages.iter().filter(|p| !done.contains(&p.0)) {
            out.failed.push((*n, "the PDF reader failed".to_string()));
        }
    }
    out.pages.sort_by_key(|p| p.number);
    out.failed.sort_by_key(|f| f.0);
    if out.failed.len() == pages.len() {
        let (n, why) = &out.failed[0];
        return Err(Error::ReaderFailed {
            path: path.to_path_buf(),
            message: format!("page {n}: {why}"),
        });
    }
    Ok(out)
}

/// What one worker read.
#[derive(Default)]
struct Worker {
    pages: Vec<ReadPage>,
    failed: Vec<(u32, String)>,
    shown: Vec<(u32, usize)>,
}

fn is_password_error(msg: &str) -> bool {
    let m = msg.to_ascii_lowercase();
    m.contains("decrypt") || m.contains("password") || m.contains("encrypt")
}

/// A complete PDF ends with `%%EOF` (perhaps followed by a little whitespace or junk).
fn has_eof_marker(bytes: &[u8]) -> bool {
    let tail = &bytes[bytes.len().saturating_sub(1024)..];
    tail.windows(5).any(|w| w == b"%%EOF")
}

// ---------------------------------------------------------------------------------------
// Layout: glyphs → lines → furniture removed → blocks
// ---------------------------------------------------------------------------------------

/// A printed line: its text with single spaces, where it stands, and its font size.
#[derive(Clone, Debug)]
struct PLine {
    page: u32,
    y: f64,
    x0: f64,
    x1: f64,
    size: f64,
    /// Most of the line's glyphs (by count) are bold / italic; the family most are set in.
    bold: bool,
    italic: bool,
    font: u8,
    /// Width of the first word, to tell whether it would have fitted on the line above.
    first_word: f64,
    /// A block of its own (a table entry read into one line).
    whole: bool,
    text: String,
}

/// Groups a page's glyphs into lines by baseline and spells each line out, with a space
/// wherever the gap between glyphs is wider than a sliver of the font size. Footnotes (a
/// small raised number glued to a word, and the note under the text that starts with that
/// number) and margin blocks (a stack of short pieces beside the text holding an FS number
/// or `Utkom från trycket`) are taken out of the lines and returned as notes.
fn page_lines(page: &Page) -> (Vec<PLine>, Vec<Note>) {
    // Text under a third of the body size (often 1 pt or less) is not meant to be read: tags
    // some producers lay under headings (`Kapitel 2`), which would merge into the line above.
    let all: Vec<&Glyph> = page.glyphs.iter().collect();
    let floor = 0.3 * body_size(std::slice::from_ref(&all));
    let mut glyphs: Vec<&Glyph> = all.into_iter().filter(|g| g.size >= floor).collect();
    glyphs.sort_by(|a, b| a.y.total_cmp(&b.y).then(a.x.total_cmp(&b.x)));
    let mut rows: Vec<Vec<&Glyph>> = Vec::new();
    for g in glyphs {
        match rows.last_mut() {
            Some(row) if (g.y - row[0].y).abs() < 0.45 * g.size.max(row[0].size) => row.push(g),
            _ => rows.push(vec![g]),
        }
    }
    for row in &mut rows {
        row.sort_by(|a, b| a.x.total_cmp(&b.x));
    }
    drop_page_number_piece(&mut rows, page.number);
    join_raised_markers(&mut rows);
    let mut notes = Vec::new();
    let body = body_size(&rows);
    let footnotes = footnote_rows(&rows, body);
    let (markers, found) = footnote_markers(&rows, &footnotes);
    for (number, text) in &found {
        let anchor = markers
            .iter()
            .find(|m| &m.number == number)
            .map(|m| m.anchor.clone())
            .unwrap_or_default();
        notes.push(Note {
            kind: NoteKind::Footnote,
            page: page.number,
            marker: number.clone(),
            anchor,
            text: text.clone(),
        });
    }
    let margin = margin_pieces(&rows, body);
    let mut stacks: Vec<(usize, String)> = Vec::new();
    for (stack, _) in &margin {
        let text = stack
            .iter()
            .map(|(r, a, b)| line_text(&rows[*r][*a..*b]))
            .collect::<Vec<_>>()
            .join(" ");
        stacks.push((stack.first().map_or(0, |p| p.0), text));
    }
    for (_, text) in &stacks {
        notes.push(Note {
            kind: NoteKind::Margin,
            page: page.number,
            marker: String::new(),
            anchor: String::new(),
            text: text.clone(),
        });
    }
    let is_marker = |r: usize, i: usize| {
        markers
            .iter()
            .any(|m| m.row == r && m.glyphs.contains(&i) && found.iter().any(|f| f.0 == m.number))
    };
    // The glyph before a marker taken out is widened over the marker, so the space after it
    // is measured from where the marker ended: `kontroll1;` reads `kontroll;`, not
    // `kontroll ;`, and `föreskriver1 följande` keeps its space.
    let widened: Vec<((usize, usize), Glyph)> = markers
        .iter()
        .filter(|m| found.iter().any(|f| f.0 == m.number))
        .filter_map(|m| {
            // A marker's glyphs are a run straight after a glyph that is no marker.
            let (&first, &last) = (m.glyphs.first()?, m.glyphs.last()?);
            let before = first.checked_sub(1)?;
            let row = &rows[m.row];
            let mut g = row[before].clone();
            g.adv = (row[last].x + row[last].adv - g.x).max(g.adv);
            Some(((m.row, before), g))
        })
        .collect();
    let mut kept: Vec<Vec<&Glyph>> = Vec::with_capacity(rows.len());
    for (r, row) in rows.iter().enumerate() {
        if footnotes.contains(&r) {
            continue;
        }
        let mut keep: Vec<&Glyph> = Vec::with_capacity(row.len());
        for (i, g) in row.iter().enumerate() {
            let marker = is_marker(r, i);
            let g = widened
                .iter()
                .find(|(at, _)| *at == (r, i))
                .map_or(*g, |(_, w)| w);
            let in_margin = margin.iter().any(|(stack, _)| {
                stack
                    .iter()
                    .any(|(sr, a, b)| *sr == r && (*a..*b).contains(&i))
            });
            if !marker && !in_margin {
                keep.push(g);
            }
        }
        if !keep.is_empty() {
            kept.push(keep);
        }
    }
    (table_lines(page.number, &kept, body), notes)
}

/// A footnote number raised further than the rows' tolerance (over 0.45 em above the
/// baseline, as beside a 16 pt title or a closing parenthesis) makes a row of its own above
/// its line: it then reads as a line `1`, and its word's line has a gap. Such a row goes
/// back into the row below, where footnote markers are found: a row of a few small digits
/// within 0.7 em above the row below, each set straight after a glyph of that row or after
/// the digit before it, whose number is that of a footnote on the page.
fn join_raised_markers(rows: &mut Vec<Vec<&Glyph>>) {
    let candidates: Vec<usize> = (0..rows.len().saturating_sub(1))
        .filter(|&r| raised_over(&rows[r], &rows[r + 1]))
        .collect();
    if candidates.is_empty() {
        return;
    }
    // Only a number some footnote of the page has is taken for a marker: an exponent or a
    // stray digit with no note stays where it was. The notes are looked for only on a page
    // with such a row.
    let found = footnote_markers(rows, &footnote_rows(rows, body_size(rows))).1;
    // From the last, so the rows before keep their indices. A joined row holds its line's
    // full-size glyphs, so it is never itself a raised row over the next.
    for &r in candidates.iter().rev() {
        let number = line_text(&rows[r]).replace(' ', "");
        if found.iter().any(|f| f.0 == number) {
            let moved = rows.remove(r);
            rows[r].extend(moved);
            rows[r].sort_by(|a, b| a.x.total_cmp(&b.x));
        }
    }
}

/// Whether `above` is only a few small digits set as footnote markers over `below`.
fn raised_over(above: &[&Glyph], below: &[&Glyph]) -> bool {
    let Some(base) = below.first().map(|g| g.y) else {
        return false;
    };
    let size = row_size(below);
    let glued = |g: &Glyph, p: &Glyph| {
        let gap = g.x - (p.x + p.adv);
        gap > -0.1 * size && gap < 0.3 * size
    };
    above.len() <= 6
        && above.iter().enumerate().all(|(i, g)| {
            let t = g.text.as_str();
            !t.is_empty()
                && t.chars().all(|c| c.is_ascii_digit())
                && g.size <= 0.8 * size
                && base - g.y > 0.0
                && base - g.y < 0.7 * size
                && (below.iter().any(|p| glued(g, p)) || i > 0 && glued(g, above[i - 1]))
        })
}

/// The page's own number set at the end of its first or last row, far to the right of the
/// text on that row (`(Kretsloppsavdelningen)        1`): furniture, though it shares the
/// row with text and so is not a line of its own that [`furniture`] could mark.
fn drop_page_number_piece(rows: &mut [Vec<&Glyph>], page: u32) {
    let last = rows.len().saturating_sub(1);
    for r in [0, last] {
        let Some(row) = rows.get(r) else { continue };
        // The trailing piece: the glyphs after the last gap wider than four ems.
        let Some(cut) = (1..row.len()).rev().find(|&i| {
            let prev = row[i - 1];
            row[i].x - (prev.x + prev.adv) > 4.0 * prev.size.max(row[i].size).max(1.0)
        }) else {
            continue;
        };
        let piece: String = row[cut..].iter().map(|g| g.text.as_str()).collect();
        // A row that is nothing but the number is a line of its own, left to `furniture`.
        let text_before = row[..cut].iter().any(|g| !g.text.trim().is_empty());
        if text_before && page_number_of(&piece) == Some(page) {
            rows[r].truncate(cut);
        }
    }
}

/// Where a row has a word that starts at `col` after a gap of at least 0.6 em: the index of
/// its first glyph.
fn split_at(row: &[&Glyph], col: f64, em: f64) -> Option<usize> {
    (1..row.len()).find(|&i| {
        let prev = row[i - 1];
        (row[i].x - col).abs() <= 1.5
            && !row[i].text.trim().is_empty()
            && row[i].x - (prev.x + prev.adv) >= 0.6 * em
    })
}

/// Lines of a page, with two-column tables (term | meaning, as definitions are set) read
/// row by row into one line per entry: `term meaning`, each column's lines joined, where a
/// plain reading would interleave a term over two lines with its meaning. A table is told
/// by its meaning column: at least two rows with a word starting at the same x after a wide
/// gap, and a row that starts there (a meaning's next line). Entries are told apart by the
/// extra space between them, or else by a meaning that ends with `,` `;` `.` or `:`.
fn table_lines(page: u32, rows: &[Vec<&Glyph>], em: f64) -> Vec<PLine> {
    let mut out = Vec::with_capacity(rows.len());
    let mut lefts: Vec<f64> = rows.iter().map(|r| r[0].x).collect();
    lefts.sort_by(f64::total_cmp);
    let left = lefts.get(lefts.len() / 10).copied().unwrap_or(0.0);
    // Candidate meaning columns: where rows start well right of the text's left edge.
    let mut cols: Vec<f64> = rows
        .iter()
        .map(|r| r[0].x)
        .filter(|x| *x >= left + 3.0 * em)
        .collect();
    cols.sort_by(f64::total_cmp);
    cols.dedup_by(|a, b| (*a - *b).abs() <= 1.5);
    let mut in_table: Vec<Option<f64>> = vec![None; rows.len()];
    for col in cols {
        let starts = |r: &[&Glyph]| (r[0].x - col).abs() <= 1.5;
        let split = |r: &[&Glyph]| r[0].x < col - 2.0 * em && split_at(r, col, em).is_some();
        let mut i = 0;
        while i < rows.len() {
            if !(split(&rows[i]) || starts(&rows[i])) || in_table[i].is_some() {
                i += 1;
                continue;
            }
            let mut j = i;
            while j < rows.len() && in_table[j].is_none() && (split(&rows[j]) || starts(&rows[j])) {
                j += 1;
            }
            let splits = (i..j).filter(|&k| split(&rows[k])).count();
            let conts = (i..j).filter(|&k| starts(&rows[k])).count();
            if splits >= 2 && conts >= 1 && split(&rows[i]) {
                for slot in &mut in_table[i..j] {
                    *slot = Some(col);
                }
            }
            i = j.max(i + 1);
        }
    }
    let mut i = 0;
    while i < rows.len() {
        let Some(col) = in_table[i] else {
            out.extend(line_of(page, &rows[i]));
            i += 1;
            continue;
        };
        let mut j = i;
        while j < rows.len() && in_table[j] == Some(col) {
            j += 1;
        }
        let pitch = (i + 1..j)
            .map(|k| rows[k][0].y - rows[k - 1][0].y)
            .fold(f64::INFINITY, f64::min);
        let mut entry: Vec<usize> = Vec::new();
        for k in i..=j {
            let new_entry = k == j
                || (!entry.is_empty() && {
                    let gap = rows[k][0].y - rows[k - 1][0].y > 1.3 * pitch;
                    let has_left = split_at(&rows[k], col, em).is_some() && rows[k][0].x < col;
                    let prev_right = line_text(right_part(&rows[k - 1], col, em));
                    gap || (has_left && prev_right.ends_with([',', ';', '.', ':']))
                });
            if new_entry && !entry.is_empty() {
                out.extend(entry_line(page, rows, &entry, col, em));
                entry.clear();
            }
            if k < j {
                entry.push(k);
            }
        }
        i = j;
    }
    out
}

/// The glyphs of a table row in the meaning column.
fn right_part<'a, 'g>(row: &'a [&'g Glyph], col: f64, em: f64) -> &'a [&'g Glyph] {
    match split_at(row, col, em) {
        Some(k) => &row[k..],
        None if (row[0].x - col).abs() <= 1.5 => row,
        None => &row[row.len()..],
    }
}

/// One line for a table entry: its term's lines joined, then its meaning's.
fn entry_line(
    page: u32,
    rows: &[Vec<&Glyph>],
    entry: &[usize],
    col: f64,
    em: f64,
) -> Option<PLine> {
    let mut norm = super::Normalisation::default();
    let mut terms = Vec::new();
    let mut meanings = Vec::new();
    for &k in entry {
        let right = right_part(&rows[k], col, em);
        let left = &rows[k][..rows[k].len() - right.len()];
        terms.push(line_text(left));
        meanings.push(line_text(right));
    }
    let term = super::join_lines(terms.iter().map(String::as_str), &mut norm);
    let meaning = super::join_lines(meanings.iter().map(String::as_str), &mut norm);
    let mut line = line_of(page, &rows[entry[0]])?;
    line.x1 = entry
        .iter()
        .filter_map(|&k| rows[k].last().map(|g| g.x + g.adv))
        .fold(line.x1, f64::max);
    line.whole = true;
    line.text = match (term.is_empty(), meaning.is_empty()) {
        (true, _) => meaning,
        (_, true) => term,
        _ => format!("{term} {meaning}"),
    };
    Some(line)
}

/// The most common font size on a page, by glyph.
fn body_size(rows: &[Vec<&Glyph>]) -> f64 {
    let mut sizes: HashMap<i64, usize> = HashMap::new();
    for g in rows.iter().flatten() {
        *sizes.entry((g.size * 2.0).round() as i64).or_default() += 1;
    }
    sizes
        .iter()
        .max_by_key(|(k, n)| (**n, std::cmp::Reverse(**k)))
        .map(|(k, _)| *k as f64 / 2.0)
        .unwrap_or(12.0)
}

fn row_size(row: &[&Glyph]) -> f64 {
    let mut sizes: Vec<f64> = row
        .iter()
        .filter(|g| !g.text.trim().is_empty())
        .map(|g| g.size)
        .collect();
    sizes.sort_by(f64::total_cmp);
    sizes.get(sizes.len() / 2).copied().unwrap_or(0.0)
}

/// The number a row starts with, set apart from what follows (a footnote's `1 Jämför`, not
/// `2014/68/EU`), and where the rest starts.
fn leading_number(row: &[&Glyph]) -> Option<(String, usize)> {
    let mut n = String::new();
    let mut i = 0;
    while i < row.len()
        && row[i].text.chars().all(|c| c.is_ascii_digit())
        && !row[i].text.is_empty()
    {
        n.push_str(&row[i].text);
        i += 1;
    }
    let next = row.get(i)?;
    let prev = row[i.checked_sub(1)?];
    let apart = next.text.trim().is_empty() || next.x - (prev.x + prev.adv) >= 0.15 * next.size;
    (!n.is_empty() && n.len() <= 3 && apart).then_some((n, i))
}

/// The rows of a page that hold footnotes: from the first row in the lower half of the page
/// set in smaller type than the body that starts with a number, to the end of the page (a
/// page number below them stays). Empty when there is none.
fn footnote_rows(rows: &[Vec<&Glyph>], body: f64) -> Vec<usize> {
    let Some(last_y) = rows.last().map(|r| r[0].y) else {
        return Vec::new();
    };
    let first_y = rows[0][0].y;
    // The first footnote row, and the size of the text the notes are smaller than.
    let start = (0..rows.len()).find_map(|i| {
        let r = &rows[i];
        if r[0].y <= first_y + 0.5 * (last_y - first_y) {
            return None;
        }
        let (number, rest) = leading_number(r)?;
        let small_from_here = |body: f64| {
            (i..rows.len()).all(|k| {
                let t = line_text(&rows[k]);
                row_size(&rows[k]) < 0.9 * body
                    || (k > i && (page_number_of(&t).is_some() || is_margin_text(&t)))
            })
        };
        if small_from_here(body) {
            return Some((i, body));
        }
        // Where the notes outweigh the text (a first page with a long footnote), the
        // page's commonest size is the notes': measure them against the text above them,
        // and only where that text carries a raised marker with the note's number.
        // Worded, as notes are (a table's rows in a small size are not: `2 000 ≤ f`), and
        // the marker glued to a word, not to a number (`10³` is a power).
        let above = body_size(&rows[..i]);
        let worded = line_text(&r[rest..])
            .trim_start()
            .starts_with(char::is_uppercase);
        (above > body
            && worded
            && small_from_here(above)
            && footnote_markers(&rows[..i], &[])
                .0
                .iter()
                .any(|m| m.number == number && !m.anchor.ends_with(|c: char| c.is_ascii_digit())))
        .then_some((i, above))
    });
    match start {
        // A row in the notes' size that cites an FS number in a sentence is a note's; the
        // FS number alone (a running footer) is not.
        Some((s, text_size)) => (s..rows.len())
            .filter(|&k| {
                let t = line_text(&rows[k]);
                let cites =
                    row_size(&rows[k]) < 0.9 * text_size && t.split_whitespace().count() > 4;
                page_number_of(&t).is_none() && (!is_margin_text(&t) || cites)
            })
            .collect(),
        None => Vec::new(),
    }
}

/// A small raised number glued to the end of a word: its row, its glyphs, the number, and
/// the word before it.
struct Marker {
    row: usize,
    glyphs: Vec<usize>,
    number: String,
    anchor: String,
}

/// Candidate footnote markers in the running rows, and the footnotes (number, text) of the
/// footnote rows. A marker counts only where a footnote with its number is on the page: a
/// raised `2` in `m2` has none.
fn footnote_markers(
    rows: &[Vec<&Glyph>],
    footnotes: &[usize],
) -> (Vec<Marker>, Vec<(String, String)>) {
    let mut found: Vec<(String, String)> = Vec::new();
    for &r in footnotes {
        let row = &rows[r];
        // Footnotes are numbered in order: a number not above the last one is text.
        let above_last = |n: &str| {
            let last = found
                .last()
                .and_then(|f| f.0.parse::<u32>().ok())
                .unwrap_or(0);
            n.parse::<u32>().is_ok_and(|v| v > last)
        };
        match leading_number(row) {
            Some((n, i)) if above_last(&n) => {
                found.push((n, line_text(&row[i..]).trim().to_string()));
            }
            _ => {
                if let Some(last) = found.last_mut() {
                    let more = line_text(row);
                    if last.1.ends_with('-') && more.starts_with(char::is_lowercase) {
                        last.1.pop();
                    } else {
                        last.1.push(' ');
                    }
                    last.1.push_str(more.trim());
                }
            }
        }
    }
    let mut markers = Vec::new();
    for (r, row) in rows.iter().enumerate() {
        if footnotes.contains(&r) {
            continue;
        }
        let size = row_size(row);
        let base: Vec<f64> = row
            .iter()
            .filter(|g| g.size >= 0.9 * size)
            .map(|g| g.y)
            .collect();
        let Some(baseline) = base.get(base.len() / 2).copied() else {
            continue;
        };
        let mut i = 1;
        while i < row.len() {
            let raised = |g: &Glyph| {
                g.size <= 0.8 * size
                    && baseline - g.y > 0.15 * size
                    && g.text.chars().all(|c| c.is_ascii_digit())
                    && !g.text.is_empty()
            };
            let prev = row[i - 1];
            let glued = row[i].x - (prev.x + prev.adv) < 0.3 * size;
            if raised(row[i]) && glued && !raised(prev) && !prev.text.trim().is_empty() {
                let mut k = i;
                let mut number = String::new();
                while k < row.len() && raised(row[k]) && number.len() < 3 {
                    number.push_str(&row[k].text);
                    k += 1;
                }
                // The word before: glyphs back to the last gap.
                let mut w = i;
                while w > 0
                    && row[w].x - (row[w - 1].x + row[w - 1].adv) < 0.15 * size
                    && !row[w - 1].text.trim().is_empty()
                {
                    w -= 1;
                }
                markers.push(Marker {
                    row: r,
                    glyphs: (i..k).collect(),
                    number,
                    anchor: line_text(&row[w..i]),
                });
                i = k;
            } else {
                i += 1;
            }
        }
    }
    (markers, found)
}

/// An FS number (`AFS 2023:5`, `HSLF-FS 2016:40`) or `Utkom från trycket`: what a margin
/// block beside a regulation's text holds.
fn is_margin_text(s: &str) -> bool {
    if s.to_lowercase().contains("utkom från trycket") {
        return true;
    }
    let words: Vec<&str> = s.split_whitespace().collect();
    words.windows(2).any(|w| {
        let fs = w[0].ends_with("FS")
            && w[0].len() >= 3
            && w[0].chars().all(|c| c.is_uppercase() || c == '-');
        let (year, num) = w[1].split_once(':').unwrap_or(("", ""));
        fs && year.len() == 4
            && year.chars().all(|c| c.is_ascii_digit())
            && num
                .trim_end_matches([';', ',', '.'])
                .chars()
                .all(|c| c.is_ascii_digit())
            && !num.is_empty()
    })
}

/// Margin blocks: stacks of pieces (a part of a row set off by a wide gap, or a whole short
/// row) that start at the same x, lie in the right part of the text or outside it, follow
/// one another line by line, and hold an FS number or `Utkom från trycket`. Each stack is a
/// list of (row, first glyph, end glyph), with its x.
#[allow(clippy::type_complexity)] // (row, glyph range) triples are plainest here
fn margin_pieces(rows: &[Vec<&Glyph>], body: f64) -> Vec<(Vec<(usize, usize, usize)>, f64)> {
    let body_rows: Vec<&Vec<&Glyph>> = rows
        .iter()
        .filter(|r| (row_size(r) - body).abs() <= 0.6)
        .collect();
    if body_rows.is_empty() {
        return Vec::new();
    }
    let mut lefts: Vec<f64> = body_rows.iter().map(|r| r[0].x).collect();
    lefts.sort_by(f64::total_cmp);
    let mut rights: Vec<f64> = body_rows
        .iter()
        .map(|r| r.last().map_or(0.0, |g| g.x + g.adv))
        .collect();
    rights.sort_by(f64::total_cmp);
    let left = lefts[lefts.len() / 10];
    let right = rights[rights.len() * 9 / 10];
    let width = (right - left).max(1.0);
    // Candidate pieces: (row, from, to, x0).
    let mut cands: Vec<(usize, usize, usize, f64)> = Vec::new();
    for (r, row) in rows.iter().enumerate() {
        let size = row_size(row).max(1.0);
        let mut start = 0;
        for i in 0..=row.len() {
            let cut = i == row.len() || {
                let prev = row[i.saturating_sub(1)];
                let gap = row[i].x - (prev.x + prev.adv);
                // A margin piece can sit closer than the usual wide gap: set in another
                // size (`… och lämnande  Utkom från trycket`), or reaching out of the text
                // column on either side (`NFS 2015:3  4 kap. …`, `… nr  KIFS 2022:3`).
                let resized = gap > 0.6 * prev.size.min(row[i].size)
                    && (row[i].size - prev.size).abs() > 0.1 * prev.size.max(row[i].size);
                let end = row.last().map_or(0.0, |g| g.x + g.adv);
                let outside = gap > 1.2 * size
                    && (prev.x + prev.adv <= left - 5.0
                        || (end > right + 5.0 && row[i].x > left + 0.4 * width));
                i > 0 && (gap > (2.5 * size).max(12.0) || resized || outside)
            };
            if !cut {
                continue;
            }
            if i > start {
                let x0 = row[start].x;
                let x1 = row[i - 1].x + row[i - 1].adv;
                let beside = x0 >= right + 5.0 || x1 <= left - 5.0;
                let right_part = (start > 0 || i == row.len()) && x0 > left + 0.4 * width;
                if beside || right_part {
                    cands.push((r, start, i, x0));
                }
            }
            start = i;
        }
    }
    let mut stacks: Vec<(Vec<(usize, usize, usize)>, f64)> = Vec::new();
    let mut used = vec![false; cands.len()];
    for i in 0..cands.len() {
        if used[i] {
            continue;
        }
        let (r, a, b, x) = cands[i];
        let mut stack = vec![(r, a, b)];
        used[i] = true;
        let mut last_y = rows[r][0].y;
        for j in i + 1..cands.len() {
            let (r2, a2, b2, x2) = cands[j];
            let y2 = rows[r2][0].y;
            if used[j] || (x2 - x).abs() > 3.0 {
                continue;
            }
            if y2 - last_y > 2.2 * row_size(&rows[r2]).max(1.0) {
                break;
            }
            stack.push((r2, a2, b2));
            used[j] = true;
            last_y = y2;
        }
        let text = stack
            .iter()
            .map(|(r, a, b)| line_text(&rows[*r][*a..*b]))
            .collect::<Vec<_>>()
            .join(" ");
        if stack.len() <= 8 && is_margin_text(&text) {
            stacks.push((stack, x));
        }
    }
    stacks
}

/// The text of some glyphs of a row, spelled out as [`line_of`] does.
fn line_text(glyphs: &[&Glyph]) -> String {
    line_of(0, glyphs).map(|l| l.text).unwrap_or_default()
}

/// One printed line from its glyphs (sorted by x).
fn line_of(page: u32, row: &[&Glyph]) -> Option<PLine> {
    let first = row.first()?;
    let mut text = String::new();
    let mut end: Option<f64> = None;
    let mut first_word_end: Option<f64> = None;
    let x0 = first.x;
    let mut x1 = x0;
    let mut sizes: Vec<f64> = Vec::new();
    let (mut bold, mut italic) = (0usize, 0usize);
    let mut families: HashMap<u8, usize> = HashMap::new();
    for g in row {
        let blank = g.text.trim().is_empty();
        if let Some(e) = end {
            let gap = g.x - e;
            // A glyph drawn twice at the same place (fake bold) is one glyph.
            if gap < -0.5 * g.adv && text.ends_with(g.text.as_str()) && !blank {
                continue;
            }
            if gap > 0.15 * g.size && !text.ends_with(' ') {
                if first_word_end.is_none() {
                    first_word_end = Some(e);
                }
                text.push(' ');
            }
        }
        if blank {
            if !text.is_empty() && !text.ends_with(' ') {
                if first_word_end.is_none() {
                    first_word_end = Some(g.x);
                }
                text.push(' ');
            }
        } else {
            push_normalised(&mut text, &g.text);
            x1 = x1.max(g.x + g.adv);
            sizes.push(g.size);
            if let Some(st) = g.style {
                bold += st.bold as usize;
                italic += st.italic as usize;
                *families.entry(st.family).or_default() += 1;
            }
        }
        end = Some(g.x + g.adv);
    }
    let text = text.trim().to_string();
    if text.is_empty() {
        return None;
    }
    sizes.sort_by(f64::total_cmp);
    let font = families
        .iter()
        .max_by_key(|(f, n)| (**n, std::cmp::Reverse(**f)))
        .map(|(f, _)| *f)
        .unwrap_or(0);
    Some(PLine {
        page,
        y: first.y,
        x0,
        x1,
        size: sizes[sizes.len() / 2],
        bold: bold * 2 > sizes.len(),
        italic: italic * 2 > sizes.len(),
        font,
        first_word: first_word_end.unwrap_or(x1) - x0,
        whole: false,
        text,
    })
}

/// Ligatures and odd spaces become plain letters and spaces.
fn push_normalised(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '\u{fb00}' => out.push_str("ff"),
            '\u{fb01}' => out.push_str("fi"),
            '\u{fb02}' => out.push_str("fl"),
            '\u{fb03}' => out.push_str("ffi"),
            '\u{fb04}' => out.push_str("ffl"),
            '\u{fb05}' | '\u{fb06}' => out.push_str("st"),
            '\t' | '\u{a0}' | '\u{2002}'..='\u{200a}' | '\u{202f}' => {
                if !out.ends_with(' ') {
                    out.push(' ')
                }
            }
            c => out.push(c),
        }
    }
}

/// Digits replaced by `#`, so `Sida 3 (12)` and `Sida 4 (12)` compare equal.
fn shape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_ascii_digit() {
            if !out.ends_with('#') {
                out.push('#');
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// `3`, `3 (12)`, `Sida 3 (12)`, `Sida 3 av 12`, `s. 3`, `- 3 -`, `3/12`: the page number, if
/// the line is nothing but one.
fn page_number_of(s: &str) -> Option<u32> {
    let t = s.trim();
    let lower = t.to_lowercase();
    let rest = ["sida ", "sid. ", "s. ", "page ", "- ", "– "]
        .iter()
        .find_map(|p| lower.strip_prefix(p))
        .unwrap_or(&lower)
        .trim_end_matches([' ', '-', '–']);
    let digits: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
    if digits.is_empty() || digits.len() > 4 {
        return None;
    }
    let after = rest[digits.len()..].trim();
    let ok = after.is_empty()
        || (after.starts_with('(')
            && after.ends_with(')')
            && after[1..after.len() - 1]
                .chars()
                .all(|c| c.is_ascii_digit()))
        || after
            .strip_prefix("av ")
            .or_else(|| after.strip_prefix("of "))
            .or_else(|| after.strip_prefix('/'))
            .is_some_and(|n| !n.is_empty() && n.trim().chars().all(|c| c.is_ascii_digit()));
    if ok { digits.parse().ok() } else { None }
}

/// Marks running headers and footers: among the top and bottom lines of each page, those
/// whose text (digits aside) recurs at the same height on at least half the pages, and those
/// that are nothing but the page's own number.
fn furniture(pages: &[Vec<PLine>]) -> Vec<Vec<bool>> {
    const EDGE: usize = 3;
    // The top and bottom few lines of a page, never overlapping.
    let ranges = |n: usize| {
        let top = 0..EDGE.min(n.div_ceil(2));
        let bottom = n.saturating_sub(EDGE).max(top.end)..n;
        (top, bottom)
    };
    let candidates = |lines: &[PLine]| -> Vec<usize> {
        let (top, bottom) = ranges(lines.len());
        top.chain(bottom).collect()
    };
    let mut counts: std::collections::HashMap<(String, i64), usize> = Default::default();
    for lines in pages {
        let mut seen = std::collections::HashSet::new();
        for i in candidates(lines) {
            let key = (shape(&lines[i].text), (lines[i].y / 3.0).round() as i64);
            if seen.insert(key.clone()) {
                *counts.entry(key).or_default() += 1;
            }
        }
    }
    let need = pages.len().div_ceil(2).max(2);
    pages
        .iter()
        .enumerate()
        .map(|(pi, lines)| {
            let mut marks = vec![false; lines.len()];
            for i in candidates(lines) {
                let l = &lines[i];
                let key = (shape(&l.text), (l.y / 3.0).round() as i64);
                let repeated = pages.len() >= 2 && counts.get(&key).copied().unwrap_or(0) >= need;
                let own_number =
                    page_number_of(&l.text).is_some_and(|n| n == l.page || n as usize == pi + 1);
                // A line that is nothing but the FS number is the running header, also where
                // it alternates sides and so repeats on only half the pages.
                let fs_only = l.text.split_whitespace().count() <= 3 && is_margin_text(&l.text);
                // Only lines at the very top or bottom: nothing printed beyond them but furniture.
                if repeated || own_number || fs_only {
                    marks[i] = true;
                }
            }
            // A candidate counts only when everything between it and the page edge is furniture.
            let (top, bottom) = ranges(lines.len());
            if let Some(first_body) = top.clone().find(|&i| !marks[i]) {
                marks[first_body..top.end]
                    .iter_mut()
                    .for_each(|m| *m = false);
            }
            if let Some(last_body) = bottom.clone().rev().find(|&i| !marks[i]) {
                marks[bottom.start..last_body]
                    .iter_mut()
                    .for_each(|m| *m = false);
            }
            marks
        })
        .collect()
}

fn starts_structure(s: &str) -> bool {
    let b = s.as_bytes();
    let digits = b.iter().take_while(|c| c.is_ascii_digit()).count();
    if digits == 0 || digits > 3 {
        return false;
    }
    let rest = &s[digits..];
    rest.starts_with(" §")
        || rest.starts_with(" kap.")
        || rest.starts_with(". ")
        || (rest.len() > 3 && rest.as_bytes()[0] == b' ' && rest[2..].starts_with(" §"))
}

/// A line that is nothing but an appendix's heading (`Bilaga`, `Bilaga 2`, `Bilaga A`,
/// `Bilaga IV`): at the top of a page it starts the appendix, whatever the last line of the
/// page before was (a signature set up to the right margin, say).
fn is_bilaga_heading(s: &str) -> bool {
    let mut words = s.split_whitespace();
    words.next() == Some("Bilaga")
        && match (words.next(), words.next()) {
            (None, _) => true,
            (Some(n), None) => is_appendix_label(n),
            _ => false,
        }
}

/// The label a line opens with when it heads an appendix: `Bilaga 7` of `Bilaga 7` or of
/// `Bilaga 7 Tabeller över smittämnen …`, `Bilaga` of a line that is only that word.
fn bilaga_label(s: &str) -> Option<&str> {
    let rest = s.strip_prefix("Bilaga")?;
    if rest.trim().is_empty() {
        return Some("Bilaga");
    }
    let rest = rest.strip_prefix(' ')?;
    let n = rest.split(' ').next()?;
    is_appendix_label(n).then(|| &s[.."Bilaga ".len() + n.len()])
}

/// A line that opens an appendix: its label alone or followed by a capitalised title
/// (`Bilaga 2 Förfaranden för bedömning`), not a sentence about it (`Bilaga 2 innehåller`).
fn opens_bilaga(s: &str) -> bool {
    bilaga_label(s).is_some_and(|label| {
        s[label.len()..]
            .trim_start()
            .chars()
            .next()
            .is_none_or(char::is_uppercase)
    })
}

/// Appendices that run over several pages often repeat their label at the top of each page
/// (`Bilaga 7` over every page of AFS 2023:10's seventh appendix), and the first page may
/// carry it over the heading itself (`Bilaga 8` / `Bilaga 8 Artificiell …`). Such a page-top
/// line is furniture: read as a heading it would start a new appendix on every page. A bare
/// `Bilaga` is dropped only over a heading that repeats it, since two unnumbered appendices
/// cannot be told apart by their label.
fn repeated_bilaga_headers(pages: &[Vec<PLine>], marks: &mut [Vec<bool>]) {
    let mut last: Option<&str> = None;
    for (lines, m) in pages.iter().zip(marks.iter_mut()) {
        let mut body = (0..lines.len()).filter(|&i| !m[i]);
        let top = body.next();
        if let Some(top) = top
            && is_bilaga_heading(&lines[top].text)
        {
            let label = bilaga_label(&lines[top].text);
            let over_heading = body.next().is_some_and(|i| {
                let next = &lines[i].text;
                next.len() > lines[top].text.len() && bilaga_label(next) == label
            });
            let repeated = label != Some("Bilaga") && label == last;
            if over_heading || repeated {
                m[top] = true;
            }
            last = label;
        }
        // A label heading an appendix further down the page: its next page may repeat it.
        // (A line of body text may open with `Bilaga 3 …` too; only a line of its own counts.)
        for (i, l) in lines.iter().enumerate() {
            if Some(i) != top && !m[i] && is_bilaga_heading(&l.text) {
                last = bilaga_label(&l.text);
            }
        }
    }
}

/// Two neighbouring lines in another type: a heading in bold or larger type over body text
/// (`Varför föreskrifterna finns` / `1 § Syftet ...`), or allmänna råd in smaller or italic
/// type after a paragraph, printed with no more space between them than between two lines
/// of one paragraph. The type says what the spacing does not: a new block starts.
fn style_change(p: &PLine, l: &PLine) -> bool {
    p.bold != l.bold || p.italic != l.italic || (p.size - l.size).abs() > 0.05 * p.size.max(l.size)
}

/// A stycke set with its first line indented and no space above it: the line before ends
/// a sentence, this line starts half an em to three ems further right, and the line after
/// it goes back to the margin of the line before (a punkt's wrapped text, indented under
/// its number, never goes back).
fn indented_start(body: &[PLine], i: usize) -> bool {
    let (Some(p), Some(l), Some(n)) = (
        i.checked_sub(1).map(|j| &body[j]),
        body.get(i),
        body.get(i + 1),
    ) else {
        return false;
    };
    let em = l.size.max(1.0);
    let step = l.x0 - p.x0;
    p.page == n.page
        && p.text.ends_with(['.', ':'])
        && (0.5 * em..3.0 * em).contains(&step)
        && (n.x0 - p.x0).abs() < 0.3 * em
        && !starts_structure(&l.text)
}

/// What the layout pass did, for the notices.
#[derive(Default)]
struct Counts {
    furniture: usize,
    hyphens_removed: usize,
    hyphens_kept: usize,
}

/// Rebuilds blocks: a vertical gap clearly wider than the line pitch separates paragraphs;
/// across a page break, the paragraph goes on unless the next line's first word would have
/// fitted on the last line of the page, or the next line starts a §, kapitel or punkt.
fn blocks(pages: Vec<Vec<PLine>>, counts: &mut Counts) -> Vec<Vec<PLine>> {
    let mut marks = furniture(&pages);
    repeated_bilaga_headers(&pages, &mut marks);
    let mut body: Vec<PLine> = Vec::new();
    for (lines, m) in pages.into_iter().zip(marks) {
        for (l, furn) in lines.into_iter().zip(m) {
            if furn {
                counts.furniture += 1;
            } else {
                body.push(l);
            }
        }
    }
    if body.is_empty() {
        return Vec::new();
    }
    // The usual pitch as a multiple of the font size: the lower quartile of the gaps between
    // neighbouring lines (most neighbours are lines of the same paragraph).
    let mut ratios: Vec<f64> = body
        .windows(2)
        .filter(|w| w[0].page == w[1].page && (w[0].size - w[1].size).abs() < 0.5)
        .map(|w| (w[1].y - w[0].y) / w[1].size)
        .filter(|r| (0.9..3.0).contains(r))
        .collect();
    ratios.sort_by(f64::total_cmp);
    let pitch = ratios.get(ratios.len() / 4).copied().unwrap_or(1.15);
    let mut rights: Vec<f64> = body.iter().map(|l| l.x1).collect();
    rights.sort_by(f64::total_cmp);
    let right = rights[(rights.len() * 95 / 100).min(rights.len() - 1)];
    // Justified text: lines inside a paragraph end at the right margin, its last line short.
    let flush = rights.iter().filter(|x| (*x - right).abs() < 1.0).count();
    let justified = flush * 10 >= rights.len() * 3;

    // Breaks between lines of one page: a gap wider than the pitch, or a step back up.
    let gap_before: Vec<bool> = (0..body.len())
        .map(|i| {
            i > 0 && body[i - 1].page == body[i].page && {
                let (p, l) = (&body[i - 1], &body[i]);
                let dy = l.y - p.y;
                let expected = pitch * (0.2 * p.size + 0.8 * l.size);
                dy < 0.0 || dy > expected + (0.25 * p.size.min(l.size)).max(1.5)
            }
        })
        .collect();
    // A line that stands alone (a gap or the page's end after it, and no full stop) is a
    // heading; after a sentence's end at the foot of a page it starts a block of its own.
    let alone = |i: usize| {
        let next_apart =
            i + 1 >= body.len() || body[i + 1].page != body[i].page || gap_before[i + 1];
        next_apart && !body[i].text.ends_with(['.', ',', ';', ':'])
    };
    let mut out: Vec<Vec<PLine>> = Vec::new();
    let mut cur: Vec<PLine> = Vec::new();
    for (i, l) in body.iter().enumerate() {
        let brk = match cur.last() {
            None => false,
            Some(p) if p.whole || l.whole => true,
            Some(p) if p.page == l.page => {
                gap_before[i] || style_change(p, l) || indented_start(&body, i)
            }
            Some(p) => {
                let ended = if justified {
                    p.x1 < right - 1.0
                } else {
                    // The next word would have fitted: the line was ended on purpose.
                    p.x1 + 0.25 * p.size + l.first_word < right - 0.5
                };
                let sentence_end = p.text.ends_with(['.', ':', ';']);
                ended
                    || starts_structure(&l.text)
                    || opens_bilaga(&l.text)
                    || (sentence_end && alone(i))
            }
        };
        if brk && !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
        cur.push(l.clone());
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    let lexicon = Lexicon::of(&out);
    for b in &mut out {
        rejoin_hyphens(b, &lexicon, counts);
    }
    out
}

/// Short words that keep their hyphen before a lower-case continuation (`tv-program`).
const HYPHEN_PREFIXES: [&str; 8] = ["e", "tv", "it", "ip", "pc", "sms", "icke", "vd"];

/// In typeset text a word broken before a lower-case continuation is the typesetter's doing,
/// also after a capitalised first half (`Dokumentatio-nen` at a sentence start) or two
/// letters (`ak-tuella`): the typesetter leaves at least two letters. Not after an
/// abbreviation in capitals (`EU-`) or a digit (`NIS 2-`), nor after a known prefix (`tv-`).
fn typeset_break(stem: &str, next: &str) -> bool {
    let mut chars = stem.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    let rest_lower = chars.clone().all(|c| c.is_lowercase());
    let shape_ok = first.is_alphabetic()
        && rest_lower
        && stem.chars().count() >= 2
        && (first.is_lowercase() || stem.chars().count() >= 3);
    shape_ok
        && next.starts_with(|c: char| c.is_lowercase())
        && !HYPHEN_PREFIXES.contains(&stem.to_lowercase().as_str())
}

/// The words of the document, to settle a broken word by how the document spells it
/// elsewhere (`el-ler` is `eller`; `e-post` keeps its hyphen).
#[derive(Default)]
struct Lexicon(std::collections::HashSet<String>);

impl Lexicon {
    fn of(blocks: &[Vec<PLine>]) -> Lexicon {
        let mut set = std::collections::HashSet::new();
        for l in blocks.iter().flatten() {
            for w in l.text.split_whitespace() {
                let w = w.trim_matches(|c: char| !c.is_alphanumeric() && c != '-');
                if !w.is_empty() && !w.ends_with('-') {
                    set.insert(w.to_lowercase());
                }
            }
        }
        Lexicon(set)
    }
    fn has(&self, w: &str) -> bool {
        self.0.contains(&w.to_lowercase())
    }
}

/// Moves the rest of a word broken at a line end up to its first half, dropping the hyphen
/// where it was only layout (the rules of [`super::join_lines`]; a soft hyphen always is).
/// `hälso-` before `och` stays as it is.
fn rejoin_hyphens(block: &mut Vec<PLine>, lexicon: &Lexicon, counts: &mut Counts) {
    let mut i = 0;
    while i + 1 < block.len() {
        let ends = block[i].text.ends_with(['-', '\u{ad}', '\u{2010}']);
        let next = block[i + 1].text.clone();
        if !ends || !next.starts_with(char::is_alphanumeric) || keeps_space_after_hyphen(&next) {
            i += 1;
            continue;
        }
        let soft = block[i].text.ends_with('\u{ad}');
        let cut = next.find(' ').unwrap_or(next.len());
        let word = &next[..cut];
        let cur = &mut block[i].text;
        let stem_start = cur
            .rfind(|c: char| c.is_whitespace() || c == '(')
            .map(|k| k + 1)
            .unwrap_or(0);
        let stem = cur[stem_start..]
            .trim_end_matches(['-', '\u{ad}', '\u{2010}'])
            .to_string();
        let bare = word.trim_end_matches(|c: char| !c.is_alphanumeric());
        let joined = lexicon.has(&format!("{stem}{bare}"));
        let hyphenated = lexicon.has(&format!("{stem}-{bare}"));
        let artefact = if joined != hyphenated {
            joined
        } else {
            typeset_break(&stem, &next)
                || hyphen_is_artefact(&cur.replace(['\u{ad}', '\u{2010}'], "-"), &next)
        };
        if soft || artefact {
            cur.pop();
            counts.hyphens_removed += 1;
        } else {
            if cur.ends_with('\u{2010}') {
                cur.pop();
                cur.push('-');
            }
            counts.hyphens_kept += 1;
        }
        cur.push_str(word);
        let rest = next[cut..].trim_start().to_string();
        if rest.is_empty() {
            block.remove(i + 1);
        } else {
            block[i + 1].text = rest;
            i += 1;
        }
    }
}

/// A page counts as having lost its text when its content streams show at least this many
/// character codes (spaces aside) and fewer than half of them come out as characters.
const LOST_MIN: usize = 100;

/// Pages whose text was printed but not read (a font with no way to Unicode, a glyph the
/// library does not decode), by comparing what the content streams show with what came out:
/// (page, codes shown, characters read).
fn lost_pages(
    ex: &Extracted,
    pages: &[Vec<PLine>],
    read_on: impl Fn(&[PLine]) -> usize,
) -> Vec<(u32, usize, usize)> {
    // Footnotes and margin blocks were read too, into notes.
    let read: HashMap<u32, usize> = ex
        .pages
        .iter()
        .zip(pages)
        .map(|(p, lines)| {
            let in_notes: usize = p
                .notes
                .iter()
                .map(|n| n.text.chars().filter(|c| c.is_alphanumeric()).count())
                .sum();
            (p.number, read_on(lines) + in_notes)
        })
        .collect();
    let failed: std::collections::HashSet<u32> = ex.failed.iter().map(|(n, _)| *n).collect();
    let mut lost: Vec<(u32, usize, usize)> = ex
        .shown
        .iter()
        .map(|(n, shown)| (*n, *shown, read.get(n).copied().unwrap_or(0)))
        .filter(|(n, shown, got)| !failed.contains(n) && *shown >= LOST_MIN && got * 2 < *shown)
        .collect();
    lost.sort_unstable();
    lost
}

/// `page 3`, `pages 2–4, 7`.
fn page_list(pages: &[u32]) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut i = 0;
    while i < pages.len() {
        let mut j = i;
        while j + 1 < pages.len() && pages[j + 1] == pages[j] + 1 {
            j += 1;
        }
        parts.push(if j == i {
            pages[i].to_string()
        } else {
            format!("{}–{}", pages[i], pages[j])
        });
        i = j + 1;
    }
    let word = if pages.len() == 1 { "page" } else { "pages" };
    format!("{word} {}", parts.join(", "))
}

/// The body text's size and left margin, against which each line's layout is stated.
struct Layouts {
    body_size: f64,
    /// The left margin of body text on each page (pages differ: mirrored margins).
    margins: HashMap<u32, f64>,
    margin: f64,
}

impl Layouts {
    fn of(pages: &[Vec<PLine>]) -> Layouts {
        // Sizes and left edges weighted by characters, at half and whole points.
        let mut sizes: HashMap<i64, usize> = HashMap::new();
        for l in pages.iter().flatten() {
            *sizes.entry((l.size * 2.0).round() as i64).or_default() += l.text.len();
        }
        let body = sizes
            .iter()
            .max_by_key(|(k, n)| (**n, std::cmp::Reverse(**k)))
            .map(|(k, _)| *k as f64 / 2.0)
            .unwrap_or(12.0);
        let is_body = |l: &PLine| (l.size - body).abs() <= 0.6;
        let mode = |lines: &mut dyn Iterator<Item = &PLine>| -> Option<f64> {
            let mut edges: HashMap<i64, usize> = HashMap::new();
            for l in lines {
                *edges.entry(l.x0.round() as i64).or_default() += l.text.len();
            }
            edges
                .iter()
                .max_by_key(|(k, n)| (**n, std::cmp::Reverse(**k)))
                .map(|(k, _)| *k as f64)
        };
        let margin = mode(&mut pages.iter().flatten().filter(|l| is_body(l))).unwrap_or(0.0);
        let margins = pages
            .iter()
            .filter_map(|p| {
                let page = p.first()?.page;
                let m = mode(&mut p.iter().filter(|l| is_body(l)))?;
                Some((page, m))
            })
            .collect();
        Layouts {
            body_size: body,
            margins,
            margin,
        }
    }

    fn of_line(&self, l: &PLine) -> LineLayout {
        let margin = self.margins.get(&l.page).copied().unwrap_or(self.margin);
        LineLayout {
            size: round2(l.size),
            rel_size: round2(l.size / self.body_size.max(0.1)),
            indent: round2(l.x0 - margin),
            bold: l.bold,
            italic: l.italic,
            font: l.font,
        }
    }
}

/// Rounded to hundredths, so that layout facts read the same on every machine and run.
fn round2(v: f64) -> f32 {
    ((v * 100.0).round() / 100.0) as f32
}

fn build(path: &Path, mut ex: Extracted) -> Result<Text> {
    let page_count = ex.page_count;
    let mut notices = Vec::new();
    for (n, why) in &ex.failed {
        notices.push(format!(
            "{}: page {n} could not be read and is left out ({why})",
            path.display()
        ));
    }
    let pages: Vec<Vec<PLine>> = ex
        .pages
        .iter_mut()
        .map(|p| std::mem::take(&mut p.lines))
        .collect();

    let glyphs: usize = pages
        .iter()
        .flatten()
        .map(|l| l.text.chars().filter(|c| !c.is_whitespace()).count())
        .sum();
    // Letters, digits and leader dots read, against codes shown: a font without a way to
    // Unicode gives nothing or symbols (`!"#`), never words.
    let read_on = |lines: &[PLine]| -> usize {
        lines
            .iter()
            .map(|l| {
                l.text
                    .chars()
                    .filter(|c| c.is_alphanumeric() || matches!(c, '.' | '…' | '_'))
                    .count()
            })
            .sum()
    };
    let lost = lost_pages(&ex, &pages, read_on);
    // A scan has pages but (almost) no text: less than a line's worth per page, and its
    // content streams show none either.
    if glyphs < 20 * page_count.max(1) && ex.failed.is_empty() && lost.is_empty() {
        return Err(Error::PdfNoText {
            path: path.to_path_buf(),
            pages: page_count,
        });
    }
    let with_text = ex.shown.values().filter(|n| **n >= LOST_MIN).count();
    if !lost.is_empty() {
        let numbers: Vec<u32> = lost.iter().map(|l| l.0).collect();
        let what = format!(
            "the text that {} show{} cannot be decoded ({} characters printed there, {} letters and digits read; the fonts lack a usable character map)",
            page_list(&numbers),
            if lost.len() == 1 { "s" } else { "" },
            lost.iter().map(|l| l.1).sum::<usize>(),
            lost.iter().map(|l| l.2).sum::<usize>(),
        );
        // Most of the text gone: a tree from the rest would look complete and be wrong.
        if lost.len() * 2 >= with_text.max(1) {
            return Err(Error::PdfCorrupt {
                path: path.to_path_buf(),
                reason: format!("{what}; try `pdftotext` to see whether any reader gets it"),
            });
        }
        notices.push(format!(
            "{}: warning: {what}; the result leaves that text out",
            path.display()
        ));
    }
    let notes: Vec<Note> = ex
        .pages
        .iter_mut()
        .flat_map(|p| std::mem::take(&mut p.notes))
        .collect();
    let layouts = Layouts::of(&pages);
    let mut counts = Counts::default();
    let blocks = blocks(pages, &mut counts);
    let mut b = Builder::default();
    for blk in &blocks {
        let lines: Vec<(&str, Option<u32>, Option<LineLayout>)> = blk
            .iter()
            .map(|l| (l.text.as_str(), Some(l.page), Some(layouts.of_line(l))))
            .collect();
        b.push_laid_out(super::BlockKind::Text, &lines);
    }
    notices.push(format!(
        "{}: read as PDF ({page_count} pages): {} header/footer lines removed, {} line-break hyphens removed, {} kept",
        path.display(),
        counts.furniture,
        counts.hyphens_removed,
        counts.hyphens_kept
    ));
    let mut text = b.finish(path, Format::Pdf)?;
    text.notices = notices;
    text.notes = notes;
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// [`line`] ending at `x1`, for the rules that look at where a line ends.
    fn line_to(page: u32, y: f64, text: &str, x1: f64) -> PLine {
        PLine {
            x1,
            ..line(page, y, text)
        }
    }

    fn line(page: u32, y: f64, text: &str) -> PLine {
        PLine {
            page,
            y,
            x0: 70.0,
            x1: 500.0,
            size: 12.0,
            bold: false,
            italic: false,
            font: 1,
            first_word: 30.0,
            whole: false,
            text: text.to_string(),
        }
    }

    /// Glyphs for `text` set from `x` on baseline `y` in `size` pt (half an em each).
    fn glyphs(text: &str, x: f64, y: f64, size: f64) -> Vec<Glyph> {
        text.chars()
            .enumerate()
            .map(|(i, c)| Glyph {
                x: x + i as f64 * size * 0.5,
                y,
                adv: size * 0.5,
                size,
                style: None,
                text: GlyphText::new(&c.to_string()),
            })
            .collect()
    }

    #[test]
    fn a_footnote_marker_and_its_note_leave_the_text_and_a_raised_2_without_a_note_stays() {
        let mut g = Vec::new();
        g.extend(glyphs("Verket föreskriver", 60.0, 100.0, 11.0));
        // `1` raised and smaller, glued to the word.
        g.extend(glyphs("1", 60.0 + 18.0 * 5.5, 96.0, 7.0));
        g.extend(glyphs(" följande.", 60.0 + 18.0 * 5.5 + 3.5, 100.0, 11.0));
        g.extend(glyphs("Ytan är 5 m", 60.0, 114.0, 11.0));
        g.extend(glyphs("2", 60.0 + 11.0 * 5.5, 110.0, 7.0));
        g.extend(glyphs("a) första punkten", 60.0, 128.0, 11.0));
        for k in 0..12 {
            g.extend(glyphs(
                "Brödtext på sidan",
                60.0,
                142.0 + 14.0 * k as f64,
                11.0,
            ));
        }
        g.extend(glyphs("1 Jämför direktivet", 60.0, 700.0, 8.0));
        g.extend(glyphs("2014/68/EU.", 60.0, 710.0, 8.0));
        let page = Page {
            number: 3,
            glyphs: g,
        };
        let (lines, notes) = page_lines(&page);
        let texts: Vec<&str> = lines.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(texts[0], "Verket föreskriver följande.");
        assert_eq!(texts[1], "Ytan är 5 m2");
        assert!(!texts.iter().any(|t| t.contains("Jämför")), "{texts:?}");
        assert_eq!(
            notes,
            [Note {
                kind: NoteKind::Footnote,
                page: 3,
                marker: "1".to_string(),
                anchor: "föreskriver".to_string(),
                text: "Jämför direktivet 2014/68/EU.".to_string(),
            }]
        );
    }

    #[test]
    fn a_marker_raised_above_the_row_tolerance_is_still_its_lines_marker() {
        // MSBFS 2014:6: a 10.5 pt `1` raised 7.5 pt beside a 16 pt title (over 0.45 em, so
        // a row of its own), and a 12 pt line with a `2` raised 0.46 em that has no note.
        let mut g = Vec::new();
        g.extend(glyphs("föreskrifter om rengöring och", 85.0, 239.5, 16.0));
        g.extend(glyphs("brandskyddskontroll", 85.0, 257.9, 16.0));
        g.extend(glyphs("1", 85.0 + 19.0 * 8.0, 250.4, 10.5));
        g.extend(glyphs(";", 85.0 + 19.0 * 8.0 + 5.25, 257.9, 16.0));
        g.extend(glyphs(
            "Med stöd av förordningen (2003:789)",
            85.0,
            318.1,
            12.0,
        ));
        g.extend(glyphs("2", 85.0 + 35.0 * 6.0, 312.5, 8.0));
        for k in 0..12 {
            g.extend(glyphs(
                "Brödtext på sidan",
                85.0,
                340.0 + 14.0 * k as f64,
                12.0,
            ));
        }
        g.extend(glyphs(
            "1 Senaste lydelse av MSBFS 2012:3.",
            85.0,
            760.0,
            8.0,
        ));
        let (lines, notes) = page_lines(&Page {
            number: 1,
            glyphs: g,
        });
        let texts: Vec<&str> = lines.iter().map(|l| l.text.as_str()).collect();
        // The marker leaves no gap: the `;` follows the word.
        assert_eq!(
            texts[..2],
            ["föreskrifter om rengöring och", "brandskyddskontroll;"]
        );
        // No note numbered 2 on the page: the digit is not taken for a marker.
        assert_eq!(texts[2], "2", "{texts:?}");
        assert_eq!(notes.len(), 1);
        assert_eq!(
            (notes[0].marker.as_str(), notes[0].anchor.as_str()),
            ("1", "brandskyddskontroll")
        );
    }

    #[test]
    fn text_far_below_the_body_size_is_not_read() {
        let mut g = glyphs("2 kap. Arbete med djur", 151.0, 211.0, 17.0);
        // A 1 pt tag under the heading, at its start.
        g.extend(glyphs("Kapitel 2", 151.0, 215.0, 0.8));
        for k in 0..5 {
            g.extend(glyphs("Brödtext", 151.0, 240.0 + 14.0 * k as f64, 11.0));
        }
        let (lines, _) = page_lines(&Page {
            number: 1,
            glyphs: g,
        });
        assert_eq!(lines[0].text, "2 kap. Arbete med djur");
    }

    #[test]
    fn footnotes_longer_than_the_text_of_their_page_are_still_footnotes() {
        // A first page: two lines of text, a marker after `(2010:1075)`, and a note in 8 pt
        // with more glyphs than the text (the page's commonest size is the note's).
        let mut g = Vec::new();
        g.extend(glyphs(
            "Verket föreskriver med stöd av 25 § förordningen",
            60.0,
            300.0,
            11.0,
        ));
        g.extend(glyphs("(2010:1075)", 60.0, 314.0, 11.0));
        g.extend(glyphs("2", 60.0 + 11.0 * 5.5, 310.0, 7.0));
        g.extend(glyphs(
            " om brandfarliga varor.",
            60.0 + 11.0 * 5.5 + 3.5,
            314.0,
            11.0,
        ));
        g.extend(glyphs(
            "2 Förordningen senast ändrad genom 2025:1134 och",
            60.0,
            600.0,
            8.0,
        ));
        for k in 0..8 {
            g.extend(glyphs(
                "därefter genom ett antal andra förordningar om varor",
                60.0,
                610.0 + 10.0 * k as f64,
                8.0,
            ));
        }
        let (lines, notes) = page_lines(&Page {
            number: 1,
            glyphs: g,
        });
        let texts: Vec<&str> = lines.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(texts[1], "(2010:1075) om brandfarliga varor.", "{texts:?}");
        assert_eq!(texts.len(), 2, "{texts:?}");
        assert_eq!(notes.len(), 1);
        assert_eq!(
            (notes[0].marker.as_str(), notes[0].anchor.as_str()),
            ("2", "(2010:1075)")
        );
        // Without a marker in the text, the same small rows are the page's text.
        let mut g = glyphs("Rubrik", 60.0, 300.0, 11.0);
        g.extend(glyphs(
            "2 Förordningen senast ändrad genom 2025:1134 och",
            60.0,
            600.0,
            8.0,
        ));
        for k in 0..8 {
            g.extend(glyphs(
                "därefter genom andra",
                60.0,
                610.0 + 10.0 * k as f64,
                8.0,
            ));
        }
        let (lines, notes) = page_lines(&Page {
            number: 1,
            glyphs: g,
        });
        assert!(notes.is_empty());
        assert_eq!(lines.len(), 10);
    }

    #[test]
    fn a_margin_block_beside_the_title_is_a_note() {
        let mut g = Vec::new();
        g.extend(glyphs("Verkets föreskrifter om", 60.0, 130.0, 12.0));
        g.extend(glyphs("AFS 2023:5", 340.0, 131.0, 8.5));
        g.extend(glyphs("provning;", 60.0, 143.0, 12.0));
        g.extend(glyphs("Utkom från trycket den", 340.0, 142.0, 8.5));
        g.extend(glyphs("22 november 2023", 340.0, 152.0, 8.5));
        for k in 0..10 {
            g.extend(glyphs(
                "Brödtext som går över hela bredden av sidan och mer",
                60.0,
                200.0 + 14.0 * k as f64,
                11.0,
            ));
        }
        let (lines, notes) = page_lines(&Page {
            number: 1,
            glyphs: g,
        });
        assert_eq!(lines[0].text, "Verkets föreskrifter om");
        assert_eq!(lines[1].text, "provning;");
        assert_eq!(notes.len(), 1);
        assert_eq!(notes[0].kind, NoteKind::Margin);
        assert_eq!(
            notes[0].text,
            "AFS 2023:5 Utkom från trycket den 22 november 2023"
        );
        assert!(is_margin_text("HSLF-FS 2016:40"));
        assert!(!is_margin_text("enligt 2 kap. 3 § lagen (2025:1506)"));
    }

    #[test]
    fn a_margin_piece_close_to_the_text_leaves_it_when_set_apart_by_size_or_column() {
        // Body text from x = 100 to about 380 (11 pt, half an em a glyph: 51 glyphs).
        let body = "Brödtext som går över hela bredden av sidan och mer";
        let mut g = Vec::new();
        // An FS number in the left margin, 1.5 em before a chapter heading.
        g.extend(glyphs("NFS 2015:3", 27.0, 100.0, 11.0));
        g.extend(glyphs(
            "4 kap. Skyldighet att informera",
            100.0,
            100.0,
            11.0,
        ));
        // An FS number in a smaller size, 1.2 em after a line that ends inside the column.
        g.extend(glyphs(
            "Europaparlamentets förordning (EU) nr",
            100.0,
            114.0,
            11.0,
        ));
        g.extend(glyphs("KIFS 2022:3", 100.0 + 37.0 * 5.5 + 13.0, 114.5, 9.0));
        // An FS number in the body's size, 2 em after a line, reaching out of the column.
        g.extend(glyphs(
            "Dokumentationen ska sparas i tre år och vid",
            100.0,
            128.0,
            11.0,
        ));
        g.extend(glyphs("NFS 2015:3", 100.0 + 43.0 * 5.5 + 22.0, 128.0, 11.0));
        for k in 0..10 {
            g.extend(glyphs(body, 100.0, 150.0 + 14.0 * k as f64, 11.0));
        }
        let (lines, notes) = page_lines(&Page {
            number: 2,
            glyphs: g,
        });
        assert_eq!(lines[0].text, "4 kap. Skyldighet att informera");
        assert_eq!(lines[1].text, "Europaparlamentets förordning (EU) nr");
        assert_eq!(lines[2].text, "Dokumentationen ska sparas i tre år och vid");
        let margin: Vec<&str> = notes.iter().map(|n| n.text.as_str()).collect();
        assert_eq!(margin, ["NFS 2015:3", "KIFS 2022:3", "NFS 2015:3"]);
        // The same words in the column, after an ordinary word space, stay text.
        let mut g = glyphs("enligt föreskrifterna NFS 2015:3 om", 100.0, 100.0, 11.0);
        for k in 0..10 {
            g.extend(glyphs(body, 100.0, 120.0 + 14.0 * k as f64, 11.0));
        }
        let (lines, notes) = page_lines(&Page {
            number: 2,
            glyphs: g,
        });
        assert_eq!(lines[0].text, "enligt föreskrifterna NFS 2015:3 om");
        assert!(notes.is_empty());
    }

    #[test]
    fn a_two_column_table_gives_one_line_per_entry() {
        let mut g = Vec::new();
        let mut row = |left: &str, right: &str, y: f64| {
            g.extend(glyphs(left, 100.0, y, 12.0));
            g.extend(glyphs(right, 220.0, y, 12.0));
        };
        row("aerosol-", "behållare med", 100.0);
        row("behållare", "brandfarlig aerosol,", 114.0);
        row("", "och annat,", 128.0);
        row("backventil", "ventil som släpper", 150.0);
        row("", "gas åt ett håll,", 164.0);
        let (lines, _) = page_lines(&Page {
            number: 1,
            glyphs: g,
        });
        let texts: Vec<&str> = lines.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "aerosolbehållare behållare med brandfarlig aerosol, och annat,",
                "backventil ventil som släpper gas åt ett håll,"
            ]
        );
    }

    #[test]
    fn page_numbers_are_recognised_in_their_usual_forms() {
        for (s, n) in [
            ("3", Some(3)),
            ("Sida 3 (12)", Some(3)),
            ("3 (8)", Some(3)),
            ("sida 3 av 12", Some(3)),
            ("- 4 -", Some(4)),
            ("3/12", Some(3)),
            ("3 §", None),
            ("1. Remiss", None),
            ("2025:1506", None),
        ] {
            assert_eq!(page_number_of(s), n, "{s}");
        }
    }

    #[test]
    fn repeated_headers_and_own_page_numbers_are_furniture() {
        let pages = vec![
            vec![
                line(1, 40.0, "MSBFS 2026:x"),
                line(1, 80.0, "1 kap. Inledande bestämmelser"),
                line(1, 95.0, "1 § Text."),
                line(1, 800.0, "1 (2)"),
            ],
            vec![
                line(2, 40.0, "MSBFS 2026:x"),
                line(2, 80.0, "2 § Mer text."),
                line(2, 800.0, "2 (2)"),
            ],
        ];
        let m = furniture(&pages);
        assert_eq!(m[0], [true, false, false, true]);
        assert_eq!(m[1], [true, false, true]);
    }

    #[test]
    fn hyphens_are_rejoined_by_the_shared_rules() {
        let mut counts = Counts::default();
        let mut b = vec![
            line(1, 10.0, "enligt kom-"),
            line(1, 24.0, "missionens beslut om EU-"),
            line(1, 38.0, "förordningen inom hälso-"),
            line(1, 52.0, "och sjukvård"),
        ];
        rejoin_hyphens(&mut b, &Lexicon::default(), &mut counts);
        let t: Vec<&str> = b.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(
            t,
            [
                "enligt kommissionens",
                "beslut om EU-förordningen",
                "inom hälso-",
                "och sjukvård"
            ]
        );
        assert_eq!((counts.hyphens_removed, counts.hyphens_kept), (1, 1));
    }

    #[test]
    fn the_page_number_set_beside_the_last_row_is_dropped_and_other_numbers_stay() {
        let mut last = glyphs("(Kretsloppsavdelningen)", 150.0, 780.0, 10.0);
        last.extend(glyphs("1", 500.0, 780.0, 10.0));
        let page = |number, extra: &[Glyph]| {
            let mut g = glyphs("5 § Text som slutar här.", 70.0, 100.0, 10.0);
            g.extend(extra.iter().cloned());
            page_lines(&Page { number, glyphs: g }).0
        };
        let texts = |ls: Vec<PLine>| ls.into_iter().map(|l| l.text).collect::<Vec<_>>();
        assert_eq!(
            texts(page(1, &last)),
            ["5 § Text som slutar här.", "(Kretsloppsavdelningen)"]
        );
        // On page 2 the `1` is not the page's number: it stays where it is.
        assert_eq!(texts(page(2, &last)).len(), 2);
        assert!(texts(page(2, &last))[1].ends_with(" 1"));
    }

    #[test]
    fn an_appendix_label_at_a_page_top_starts_it_and_its_repetitions_are_furniture() {
        let mut counts = Counts::default();
        let l = line_to;
        let pages = vec![
            vec![
                l(1, 100.0, "Naturvårdsverket", 200.0),
                // A signature line set up to the right margin: no gap tells it ends.
                l(1, 700.0, "Johanna Farelius (Kretsloppsavdelningen)", 500.0),
            ],
            vec![
                l(2, 60.0, "Bilaga 2", 500.0),
                l(2, 100.0, "Bilaga 2 Förfaranden för bedömning", 300.0),
                l(2, 160.0, "Text i bilagan som går över", 500.0),
            ],
            vec![l(3, 60.0, "Bilaga 2", 500.0), l(3, 100.0, "sidan.", 300.0)],
            // Lower on its page than the repeated labels, which the running-header rule would take.
            vec![l(4, 90.0, "Bilaga 3", 500.0), l(4, 130.0, "Tabell", 300.0)],
        ];
        let b = blocks(pages, &mut counts);
        let t: Vec<Vec<&str>> = b
            .iter()
            .map(|b| b.iter().map(|l| l.text.as_str()).collect())
            .collect();
        assert_eq!(
            t,
            vec![
                vec!["Naturvårdsverket"],
                vec!["Johanna Farelius (Kretsloppsavdelningen)"],
                vec!["Bilaga 2 Förfaranden för bedömning"],
                vec!["Text i bilagan som går över", "sidan."],
                vec!["Bilaga 3"],
                vec!["Tabell"],
            ]
        );
        assert_eq!(counts.furniture, 2);
    }

    #[test]
    fn appendix_labels_are_told_from_sentences_about_appendices() {
        assert!(opens_bilaga("Bilaga"));
        assert!(opens_bilaga("Bilaga 4"));
        assert!(opens_bilaga("Bilaga IV Uppgifter vid anmälan"));
        assert!(!opens_bilaga("Bilaga 2 innehåller en förteckning."));
        assert!(!opens_bilaga("Bilagan till dessa föreskrifter"));
        assert!(is_bilaga_heading("Bilaga A"));
        assert!(!is_bilaga_heading("Bilaga 2 Förfaranden"));
        assert_eq!(
            bilaga_label("Bilaga 8 Artificiell optisk strålning"),
            Some("Bilaga 8")
        );
    }

    #[test]
    fn paragraphs_break_at_gaps_and_continue_over_a_page_break() {
        let mut counts = Counts::default();
        let l = line_to;
        let pages = vec![
            vec![
                l(1, 100.0, "Första stycket börjar här och", 500.0),
                l(1, 113.8, "slutar här.", 200.0),
                l(1, 135.0, "Andra stycket går över", 500.0),
            ],
            vec![l(2, 100.0, "sidbrytningen.", 300.0)],
        ];
        let b = blocks(pages, &mut counts);
        let t: Vec<Vec<&str>> = b
            .iter()
            .map(|b| b.iter().map(|l| l.text.as_str()).collect())
            .collect();
        assert_eq!(
            t,
            vec![
                vec!["Första stycket börjar här och", "slutar här."],
                vec!["Andra stycket går över", "sidbrytningen."]
            ]
        );
    }
}

//! Stage 6, rendering a version map: the parallelluppställning (`jamforelse.html`) written
//! directly, the same bytes as the default template gives.
//!
//! Through tera the page cost more than the comparison itself: compiling every embedded
//! template before the first byte, then a JSON copy of every segment of every cell. The
//! template stays the source of truth: with a user's templates (`--templates`) tera renders
//! the page as before, and tests render the default template on real version pairs and
//! require these bytes.

use super::{
    Cell, CellText, ComparisonView, HeadingView, Paras, PartView, RowView, RubrikSide, Seg, Side,
    cells, marked_parts, row_id, side_segments,
};
use crate::compare::{Entry, Relation, allmanna_rad_text, paragraph_pieces};
use crate::render::sv;
use std::io::{self, Write};

/// `style.css` as the templates include it: it holds no template syntax, so its rendering
/// is its text (a test checks this).
pub(crate) const STYLE: &str = include_str!("../../../templates/style.css");

/// Appends `s` escaped as tera's `escape_html` escapes it (the six characters it names), so
/// the page is byte for byte the template's; without a String per value.
pub(crate) fn esc(o: &mut String, s: &str) {
    let b = s.as_bytes();
    let (mut start, mut from) = (0, 0);
    while let Some(i) = next_special(b, from) {
        from = i + 1;
        // A line break is no escape here: it stays in the run written as it is.
        let Some(rep) = entity(b[i]) else {
            continue;
        };
        // The special bytes are ASCII, so `i` is on a char boundary.
        o.push_str(&s[start..i]);
        o.push_str(rep);
        start = from;
    }
    o.push_str(&s[start..]);
}

/// What tera's `escape_html` writes for the byte `c`, if it escapes it.
fn entity(c: u8) -> Option<&'static str> {
    match c {
        b'&' => Some("&amp;"),
        b'<' => Some("&lt;"),
        b'>' => Some("&gt;"),
        b'"' => Some("&quot;"),
        b'\'' => Some("&#x27;"),
        b'/' => Some("&#x2F;"),
        _ => None,
    }
}

/// Whether text on its way into the page stops at the byte `c`: one [`entity`] escapes,
/// or the line break [`PlainLines`] ends a line at.
fn special(c: u8) -> bool {
    matches!(c, b'&' | b'<' | b'>' | b'"' | b'\'' | b'/' | b'\n')
}

/// Whether any of the 16 bytes of `w` is [`special`]. Each byte's least difference (xor)
/// from the special ones is tested for zero, every byte without stopping at the first: the
/// compiler makes that a few vector instructions for the whole block, where the
/// comparisons of [`special`] become a bit test it does a byte at a time.
fn any_special(w: &[u8; 16]) -> bool {
    w.iter().fold(false, |any, &c| {
        // `&` and `'`, and `<` and `>`, are a bit apart.
        let least = ((c & !1) ^ b'&')
            .min((c & !2) ^ b'<')
            .min(c ^ b'"')
            .min(c ^ b'/')
            .min(c ^ b'\n');
        any | (least == 0)
    })
}

/// Where the next [`special`] byte of `b` is, from `from` on. The text of both versions
/// passes through here, and nearly none of it is special: it is let through 16 bytes at a
/// time, in one pass. (It took three searches of memchr, one for line breaks and two for
/// the six escapes, each set up anew for every piece of a paragraph, most of them a line
/// break or a punkt's label alone.)
fn next_special(b: &[u8], from: usize) -> Option<usize> {
    let rest = b.get(from..)?;
    let block = |at: usize| {
        rest.get(at..at + 16)
            .and_then(|w| <&[u8; 16]>::try_from(w).ok())
    };
    let mut at = 0;
    while let Some(w) = block(at) {
        if any_special(w) {
            break;
        }
        at += 16;
    }
    // The bytes after the last whole block are the end of a block of the last 16 bytes,
    // looked at whole like the others when there are that many.
    if at + 16 > rest.len()
        && let Some(w) = rest.len().checked_sub(16).and_then(block)
        && !any_special(w)
    {
        return None;
    }
    rest[at..]
        .iter()
        .position(|&c| special(c))
        .map(|i| from + at + i)
}

/// The class of a note's badge (the template's `badge` macro).
fn badge(r: Relation) -> &'static str {
    match r {
        Relation::Added => "badge added",
        Relation::Removed => "badge removed",
        _ => "badge",
    }
}

/// One line's runs (the template's `segs` macro); `tag` is `del` or `ins`.
fn segs(o: &mut String, line: &[Seg], tag: &str) {
    for s in line {
        if s.marked {
            esc(o, &s.lead);
            o.push('<');
            o.push_str(tag);
            o.push('>');
            esc(o, &s.core);
            o.push_str("</");
            o.push_str(tag);
            o.push('>');
            esc(o, &s.trail);
        } else {
            esc(o, &s.core);
        }
    }
}

/// Each line as a `<p>` (the template's `lines` macro, and the cells' own loops).
fn lines(o: &mut String, ls: &[Vec<Seg>], tag: &str) {
    for l in ls {
        o.push_str("<p>");
        segs(o, l, tag);
        o.push_str("</p>");
    }
}

/// The lines run together with a space (the template's `joined` macro).
fn joined(o: &mut String, ls: &[Vec<Seg>], tag: &str) {
    for (i, l) in ls.iter().enumerate() {
        if i > 0 {
            o.push(' ');
        }
        segs(o, l, tag);
    }
}

/// One side of a paragraph row (the template's `cell` macro), its text written as it is
/// made; `relation` is the row's, for the note's badge.
fn cell(
    o: &mut String,
    c: Option<&Cell<'_>>,
    relation: Relation,
    paras: &Paras<'_>,
    tag: &str,
    wide: bool,
) {
    let Some(c) = c else {
        o.push_str("<td class=\"gone\"></td>");
        return;
    };
    o.push_str(if wide { "<td colspan=\"2\">" } else { "<td>" });
    o.push_str("<div><span class=\"lbl\">");
    esc(o, &c.label);
    o.push_str("</span>");
    // A template's `if` is false for an empty string as for a missing value.
    if let Some(note) = c.note.as_deref().filter(|n| !n.is_empty()) {
        o.push_str("<span class=\"");
        o.push_str(badge(relation));
        o.push_str("\">");
        esc(o, note);
        o.push_str("</span>");
    }
    o.push_str("</div>");
    cell_text(o, c.lines, paras, tag);
    if let Some(meta) = c.meta.as_deref().filter(|m| !m.is_empty()) {
        o.push_str("<div class=\"meta\">");
        esc(o, meta);
        o.push_str("</div>");
    }
    allmanna_rad(o, c.ar_note, c.ar, paras, tag);
    o.push_str("</td>");
}

/// A cell's allmänna råd under their heading, with the badge of `note` (how they differ),
/// when they have a line. Nearly no paragraph has any: their lines are written first, and
/// the heading put before them only when there were some.
fn allmanna_rad(
    o: &mut String,
    note: Option<Relation>,
    t: CellText<'_>,
    paras: &Paras<'_>,
    tag: &str,
) {
    let start = o.len();
    cell_text(o, t, paras, tag);
    if o.len() == start {
        return;
    }
    let mut head = String::from("<div class=\"ar\"><div class=\"arh\">Allmänna råd");
    if let Some(r) = note {
        let name = sv::relations(r);
        if !name.is_empty() {
            head.push_str("<span class=\"");
            head.push_str(badge(r));
            head.push_str("\">");
            esc(&mut head, name);
            head.push_str("</span>");
        }
    }
    head.push_str("</div>");
    o.insert_str(start, &head);
    o.push_str("</div>");
}

/// The lines of a cell's text, each as a `<p>` (the template's `lines` macro of the lines
/// the view makes of it), written from the text as it stands.
fn cell_text(o: &mut String, t: CellText<'_>, paras: &Paras<'_>, tag: &str) {
    let mut lines = PlainLines { o, open: false };
    match t {
        CellText::Ops {
            ops,
            side,
            collapse,
        } => side_segments(ops, side, collapse, |seg| lines.segment(seg, tag)),
        // Each paragraph's text, or its allmänna råd, a line of its own as they are joined.
        // The text is written from its pieces as they are: the text of every unchanged
        // paragraph of a page, joined only to be written, was 0.6 MB made and read again
        // for a pair of 0.6 MB statutes.
        CellText::Text { side, pos } => {
            for p in paras.at(side, pos) {
                paragraph_pieces(p, |piece| lines.piece(piece));
                lines.close();
            }
        }
        CellText::Ar { side, pos } => {
            for p in paras.at(side, pos) {
                // Nearly every paragraph has none: nothing to look at.
                let t = allmanna_rad_text(p);
                if !t.is_empty() {
                    lines.piece(&t);
                    lines.close();
                }
            }
        }
        CellText::Plain(t) => lines.piece(t),
    }
    lines.end();
}

/// A chapter heading on one side (the template's `heading` macro).
fn heading(o: &mut String, h: Option<&HeadingView>, tag: &str) {
    match h {
        Some(h) => {
            o.push_str("<td>");
            esc(o, &h.label);
            o.push(' ');
            joined(o, &h.lines, tag);
            o.push_str("</td>");
        }
        None => o.push_str("<td class=\"gone\"></td>"),
    }
}

/// A rubrik on one side (the template's `rubrik` macro).
fn rubrik(o: &mut String, relation: Relation, note: &str, side: Option<&RubrikSide>, tag: &str) {
    let Some(side) = side else {
        o.push_str("<td class=\"gone\"></td>");
        return;
    };
    o.push_str("<td>");
    match side.lines.as_deref().filter(|l| !l.is_empty()) {
        Some(ls) => joined(o, ls, tag),
        None => esc(o, &side.text),
    }
    if relation != Relation::Unchanged {
        if tag == "ins" {
            o.push_str("<span class=\"");
            o.push_str(badge(relation));
            o.push_str("\">");
            esc(o, note);
            o.push_str("</span>");
        } else if relation == Relation::Removed {
            o.push_str("<span class=\"badge removed\">rubriken borttagen</span>");
        }
    }
    o.push_str("</td>");
}

/// A chapter heading's or a rubrik's row of the table (the template's `row` macro);
/// `inner` inside an unfolded run.
pub(super) fn row(o: &mut String, r: &RowView, inner: bool) {
    match r {
        RowView::Rubrik {
            relation,
            old,
            new,
            note,
        } => {
            if inner {
                o.push_str("<tr class=\"rubrik\"><td colspan=\"2\">");
                if let Some(n) = new {
                    esc(o, &n.text);
                }
                o.push_str("</td></tr>");
            } else {
                o.push_str("<tr class=\"rubrik\">");
                rubrik(o, *relation, note, old.as_ref(), "del");
                rubrik(o, *relation, note, new.as_ref(), "ins");
                o.push_str("</tr>");
            }
        }
        RowView::Chapter { old, new, .. } => match new {
            Some(n) if inner => {
                o.push_str("<tr class=\"kap\"><td colspan=\"2\">");
                esc(o, &n.label);
                o.push(' ');
                joined(o, &n.lines, "ins");
                o.push_str("</td></tr>");
            }
            _ => {
                o.push_str("<tr class=\"kap\">");
                heading(o, old.as_ref(), "del");
                heading(o, new.as_ref(), "ins");
                o.push_str("</tr>");
            }
        },
        // A paragraph's row is written from its entry, by [`paragraph`]; `view` never puts a
        // run inside a run.
        RowView::Paragraph { .. } | RowView::Same { .. } => {}
    }
}

/// A paragraph's row (the template's `row` macro for it), written from its entry and its
/// cells as they are made, not from its view; `inner` inside an unfolded run.
pub(super) fn paragraph(o: &mut String, e: &Entry, paras: &Paras<'_>, inner: bool) {
    let (old, new) = cells(e, paras);
    anchors(o, e);
    match &new {
        Some(n) if inner => {
            o.push_str("<tr class=\"p unchanged\" id=\"");
            esc(o, e.new_ids.first().map_or("", String::as_str));
            o.push_str("\">");
            cell(o, Some(n), e.relation, paras, "ins", true);
        }
        _ => {
            o.push_str("<tr class=\"p ");
            o.push_str(e.relation.as_str());
            o.push_str("\" id=\"");
            if let Some((prefix, id)) = row_id(e) {
                o.push_str(prefix);
                esc(o, id);
            }
            o.push_str("\">");
            cell(o, old.as_ref(), e.relation, paras, "del", false);
            cell(o, new.as_ref(), e.relation, paras, "ins", false);
        }
    }
    o.push_str("</tr>");
}

/// An anchor row for each old id of a paragraph's row, but the one that is its own id.
fn anchors(o: &mut String, e: &Entry) {
    // The old id the row's own id names already (`old-` and an old id).
    let own = row_id(e).and_then(|(prefix, id)| match prefix {
        "" => id.strip_prefix("old-"),
        _ => Some(id),
    });
    for x in e.old_ids.iter().filter(|x| own != Some(x.as_str())) {
        o.push_str("<tr class=\"anchor\" id=\"old-");
        esc(o, x);
        o.push_str("\"></tr>");
    }
}

/// An unchanged paragraph inside a folded run, written straight from its entry and
/// paragraphs: the bytes [`paragraph`] writes for it, without making its cells (both of
/// them, with their labels and notes, where only the new one is shown; and nearly every
/// paragraph of a statute is in a run). False, with nothing written, for a paragraph this
/// does not cover (word changes, a note beside the relation, allmänna råd that differ):
/// [`paragraph`] writes those.
pub(super) fn unchanged_paragraph(o: &mut String, e: &Entry, paras: &Paras<'_>) -> bool {
    let plain = e.relation == Relation::Unchanged
        && !e.new.is_empty()
        && e.changes.is_empty()
        && e.moved_wording.is_empty()
        && e.allmanna_rad
            .as_ref()
            .is_none_or(|a| a.relation == Relation::Unchanged)
        && paras.reuse_of(e).is_none();
    if !plain {
        return false;
    }
    anchors(o, e);
    o.push_str("<tr class=\"p unchanged\" id=\"");
    esc(o, e.new_ids.first().map_or("", String::as_str));
    o.push_str("\"><td colspan=\"2\"><div><span class=\"lbl\">");
    for (i, a) in e.new.iter().enumerate() {
        if i > 0 {
            o.push_str(" och ");
        }
        esc(o, &a.display_typo());
    }
    o.push_str("</span></div>");
    let (side, pos) = (Side::New, e.new_pos.as_slice());
    cell_text(o, CellText::Text { side, pos }, paras, "ins");
    if let Some(m) = &e.metadata {
        let meta = sv::amendment_note(&m.old.amended_by, &m.new.amended_by);
        if !meta.is_empty() {
            o.push_str("<div class=\"meta\">");
            esc(o, &meta);
            o.push_str("</div>");
        }
    }
    allmanna_rad(o, None, CellText::Ar { side, pos }, paras, "ins");
    o.push_str("</td></tr>");
    true
}

/// A rubrik inside a folded run: its new text, if any (what [`row`] writes for it).
pub(super) fn inner_rubrik(o: &mut String, new_text: Option<&str>) {
    o.push_str("<tr class=\"rubrik\"><td colspan=\"2\">");
    if let Some(t) = new_text {
        esc(o, t);
    }
    o.push_str("</td></tr>");
}

/// Writes text given in pieces, each non-empty line of it as a `<p>` (the [`lines`] of
/// its plain lines). A line may run on over several pieces (a punkt's label, then its
/// text); escaping is by character, so a line escaped piece by piece is the line escaped
/// whole.
struct PlainLines<'o> {
    o: &'o mut String,
    /// Inside a `<p>` not yet closed.
    open: bool,
}

impl PlainLines<'_> {
    fn piece(&mut self, piece: &str) {
        // A line break alone, as a paragraph's pieces have between its stycken and punkter
        // (a third of them): nothing to look for.
        if piece == "\n" {
            self.close();
            return;
        }
        let b = piece.as_bytes();
        let mut start = 0;
        loop {
            let next = next_special(b, start);
            let end = next.unwrap_or(b.len());
            if end > start {
                self.open();
                // The special bytes are ASCII, so both ends are on char boundaries.
                self.o.push_str(&piece[start..end]);
            }
            let Some(i) = next else {
                return;
            };
            match entity(b[i]) {
                Some(rep) => {
                    self.open();
                    self.o.push_str(rep);
                }
                None => self.close(),
            }
            start = i + 1;
        }
    }

    /// A segment of a cell's lines as [`side_segments`] gives them (`None` at a line break);
    /// a marked one in `tag` (the template's `segs` macro).
    fn segment(&mut self, seg: Option<(&str, bool)>, tag: &str) {
        let Some((text, marked)) = seg else {
            self.close();
            return;
        };
        match marked.then(|| marked_parts(text)).flatten() {
            Some((lead, core, trail)) => {
                self.open();
                esc(self.o, lead);
                self.o.push('<');
                self.o.push_str(tag);
                self.o.push('>');
                esc(self.o, core);
                self.o.push_str("</");
                self.o.push_str(tag);
                self.o.push('>');
                esc(self.o, trail);
            }
            None => self.piece(text),
        }
    }

    fn open(&mut self) {
        if !self.open {
            self.o.push_str("<p>");
            self.open = true;
        }
    }

    fn close(&mut self) {
        if self.open {
            self.o.push_str("</p>");
            self.open = false;
        }
    }

    fn end(mut self) {
        self.close();
    }
}

/// One side of a changed part (the template's `part` macro).
fn part(o: &mut String, p: &PartView, ls: Option<&[Vec<Seg>]>, tag: &str) {
    match ls.filter(|l| !l.is_empty()) {
        Some(ls) => {
            o.push_str("<td><div><span class=\"lbl\">");
            esc(o, &p.label);
            o.push_str("</span><span class=\"");
            o.push_str(badge(p.relation));
            o.push_str("\">");
            esc(o, p.name);
            o.push_str("</span></div>");
            lines(o, ls, tag);
            o.push_str("</td>");
        }
        None => o.push_str("<td class=\"gone\"></td>"),
    }
}

/// The page as the default `jamforelse.html` renders it with `cmp`, `labels` (the column
/// labels of a case; `None` outside one, as `remiss diff` gives it) and the rows `rows`
/// gives.
pub fn page(cmp: &ComparisonView, labels: Option<(&str, &str)>, rows: Rows<'_>) -> String {
    // About twice the text of the cells: the markup of a row is short.
    let mut o = String::with_capacity(STYLE.len() + (1 << 16));
    // Nothing is written out, so nothing can fail: the page is kept whole.
    let _ = page_into(&mut o, cmp, labels, rows, &mut |_| Ok(()));
    o
}

/// [`page`] written to `w` as it is made: the buffer goes out whenever it holds
/// [`PIECE`] bytes, after a row, and is used again.
pub fn write_page(
    w: &mut dyn Write,
    cmp: &ComparisonView,
    labels: Option<(&str, &str)>,
    rows: Rows<'_>,
) -> io::Result<()> {
    let mut o = String::with_capacity(STYLE.len() + 2 * PIECE);
    page_into(&mut o, cmp, labels, rows, &mut |o: &mut String| {
        if o.len() >= PIECE {
            w.write_all(o.as_bytes())?;
            o.clear();
        }
        Ok(())
    })?;
    w.write_all(o.as_bytes())
}

/// How much of the page [`write_page`] holds before writing it out. The page of a pair of
/// 0.6 MB statutes is 0.8 MB: a buffer grown to hold it touches about 2 MB of fresh memory
/// (each doubling is a new block), some 500 page faults.
pub(super) const PIECE: usize = 1 << 16;

/// The rows of a parallelluppställning: writes each row into the page (its first
/// argument), and calls its second argument after each row.
pub type Rows<'a> =
    &'a mut dyn FnMut(&mut String, &mut dyn FnMut(&mut String) -> io::Result<()>) -> io::Result<()>;

/// What comes before the rows of a run of `paragraphs` unchanged paragraphs named `label`.
pub(super) fn same_open(o: &mut String, paragraphs: usize, label: &str) {
    o.push_str(
        "<tr class=\"same\"><td colspan=\"2\"><details><summary><span class=\"dash\">– – –</span>",
    );
    match paragraphs {
        0 => o.push_str("oförändrade rubriker"),
        1 => {
            esc(o, label);
            o.push_str(" oförändrad");
        }
        _ => {
            esc(o, label);
            o.push_str(" oförändrade");
        }
    }
    o.push_str("<span class=\"more\">visa</span></summary><table class=\"inner\"><tbody>");
}

/// What comes after the rows of a run.
pub(super) fn same_close(o: &mut String) {
    o.push_str("</tbody></table></details></td></tr>\n");
}

/// Appends the page to `o` with the rows `rows` gives, calling `out` after each row (with
/// `o`, which it may write out and empty).
fn page_into(
    o: &mut String,
    cmp: &ComparisonView,
    labels: Option<(&str, &str)>,
    rows: Rows<'_>,
    out: &mut dyn FnMut(&mut String) -> io::Result<()>,
) -> io::Result<()> {
    let (old_label, new_label) = labels.unwrap_or(("Nuvarande lydelse", "Föreslagen lydelse"));
    o.push_str("<!DOCTYPE html>\n<html lang=\"sv\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
    o.push_str(if labels.is_some() {
        "Parallelluppställning"
    } else {
        "Jämförelse"
    });
    o.push_str(" – ");
    esc(o, &cmp.title_short);
    o.push_str("</title>\n<style>");
    o.push_str(STYLE);
    o.push_str("</style>\n</head>\n<body>\n<main class=\"wide\">\n");
    if labels.is_some() {
        o.push_str("<nav class=\"crumbs noprint\"><a href=\"index.html\">Ärendet</a> › Parallelluppställning</nav>\n<h1>Parallelluppställning: ");
        esc(o, old_label);
        o.push_str(" och ");
        esc(o, new_label);
        o.push_str("</h1>\n");
    } else {
        o.push_str("<h1>Jämförelse mellan två lydelser</h1>\n");
    }
    if let Some(t) = cmp.title.as_deref().filter(|t| !t.is_empty()) {
        o.push_str("<p class=\"title\">");
        esc(o, t);
        o.push_str("</p>\n");
    }
    o.push_str("<p class=\"files\">");
    esc(o, old_label);
    o.push_str(": <code>");
    esc(o, &cmp.old.source);
    o.push_str("</code> (");
    o.push_str(&cmp.old.paragraphs.to_string());
    o.push_str(" paragrafer)<br>");
    esc(o, new_label);
    o.push_str(": <code>");
    esc(o, &cmp.new.source);
    o.push_str("</code> (");
    o.push_str(&cmp.new.paragraphs.to_string());
    o.push_str(" paragrafer)</p>\n<h2>Sammanfattning</h2>\n");
    if !cmp.differences {
        o.push_str("<p><strong>Inga skillnader i lydelse eller struktur.</strong></p>\n");
    }
    for w in &cmp.warnings {
        o.push_str("<p class=\"warning\">Varning: ");
        esc(o, w);
        o.push_str("</p>\n");
    }
    o.push_str(
        "<div class=\"summary\"><div class=\"table-wrap\"><table class=\"counts\"><tbody>\n",
    );
    for (name, n) in &cmp.counts {
        o.push_str(if *n == 0 {
            "<tr class=\"zero\"><td>"
        } else {
            "<tr><td>"
        });
        esc(o, name);
        o.push_str("</td><td class=\"n\">");
        o.push_str(&n.to_string());
        o.push_str("</td></tr>\n");
    }
    o.push_str("</tbody></table></div><dl class=\"facts\">\n");
    for (k, v) in &cmp.facts {
        o.push_str("<dt>");
        esc(o, k);
        o.push_str("</dt><dd>");
        esc(o, v);
        o.push_str("</dd>\n");
    }
    o.push_str("</dl></div>\n<h2>Parallelluppställning</h2>\n<p class=\"legend\">Borttagen text: <del>överstruken</del>. Ny text: <ins>understruken</ins>. Oförändrade paragrafer visas som – – – och kan fällas ut.</p>\n<div class=\"table-wrap\"><table class=\"parallel\">\n<thead><tr><th>");
    esc(o, old_label);
    o.push_str("</th><th>");
    esc(o, new_label);
    o.push_str("</th></tr></thead>\n<tbody>\n");
    rows(o, out)?;
    o.push_str("</tbody>\n</table></div>\n");
    if !cmp.parts.is_empty() {
        o.push_str("<h2>Rubrik, inledning, övergångsbestämmelser och bilagor</h2>\n<div class=\"table-wrap\"><table class=\"parallel\"><thead><tr><th>");
        esc(o, old_label);
        o.push_str("</th><th>");
        esc(o, new_label);
        o.push_str("</th></tr></thead><tbody>\n");
        for p in &cmp.parts {
            o.push_str("<tr>");
            part(o, p, p.old.as_deref(), "del");
            part(o, p, p.new.as_deref(), "ins");
            o.push_str("</tr>\n");
            out(o)?;
        }
        o.push_str("</tbody></table></div>\n");
    }
    o.push_str("<footer>Jämförelsen är gjord med remiss diff. Paragraferna har först parats ihop efter beteckning och innehåll och sedan jämförts ord för ord. Endast blanksteg, radbrytningar och avstavningar vid radslut har normaliserats.</footer>\n</main>\n</body>\n</html>\n");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::super::{Templates, comparison_context};
    use crate::compare::{Options, align};
    use crate::regulation::{Regulation, parse};
    use crate::source::Text;

    use crate::render::compare::test_pairs::read;

    fn text(name: &str, src: &str) -> Regulation {
        parse(&Text::from_plain(name, src.to_string()))
    }

    /// The page written directly and the default template's rendering of it: the same bytes.
    fn same_as_the_template(old: &Regulation, new: &Regulation, labels: Option<(&str, &str)>) {
        let map = align(old, new, &Options::default());
        let direct = super::super::html(&map, old, new, labels);
        let t = Templates::embedded().unwrap();
        let mut ctx = comparison_context(&map, old, new);
        if let Some((a, b)) = labels {
            ctx.insert("labels", &[a, b]);
        }
        let template = t.render("jamforelse.html", &ctx).unwrap();
        // Written in pieces, the page is the same bytes, and a long one goes out in more
        // than one piece.
        let mut pieces = crate::render::Pieces::default();
        super::super::write_html(&mut pieces, &map, old, new, labels).unwrap();
        assert!(
            pieces.bytes == direct.as_bytes(),
            "the page written in pieces differs"
        );
        if direct.len() > super::STYLE.len() + 3 * super::PIECE {
            assert!(pieces.writes > 2, "{} writes", pieces.writes);
        }
        // With a helper at hand, as `remiss diff` has, the later half of the rows of a
        // long page is made there: the same bytes.
        let mut helped = crate::render::Pieces::default();
        crate::threads::with_helper(|| {
            super::super::write_html(&mut helped, &map, old, new, labels)
        })
        .unwrap();
        assert!(
            helped.bytes == direct.as_bytes(),
            "the page written with a helper differs"
        );
        if direct != template {
            let (n, x, y) = crate::render::first_differing_line(&direct, &template);
            let at = x
                .char_indices()
                .zip(y.chars())
                .find(|((_, a), b)| a != b)
                .map_or(0, |((i, _), _)| i);
            panic!(
                "line {n} differs at byte {at}:\ndirect:   {}\ntemplate: {}",
                &x[at.saturating_sub(200)..],
                &y[at.saturating_sub(200).min(y.len())..]
            );
        }
    }

    #[test]
    fn the_style_sheet_renders_as_its_text() {
        let t = Templates::embedded().unwrap();
        assert_eq!(
            t.render("style.css", &tera::Context::new()).unwrap(),
            super::STYLE
        );
    }

    #[test]
    fn escaping_is_that_of_the_templates() {
        for s in [
            "",
            "a",
            "<b onmouseover=\"x\">'&'</b> / å § –",
            "&&<<>>//",
            "ä/",
        ] {
            let mut o = String::new();
            super::esc(&mut o, s);
            assert_eq!(o, tera::escape_html(s));
        }
        // Longer than the blocks of 16 bytes tested at once: each character to escape (and a
        // line break, looked for with them and written as it is) at each place around a
        // block's edges, among letters of two bytes (å, §) that straddle them.
        let text = "Första stycket gäller § 3 och åtgärder enligt förordningen om övriga fall.";
        for c in ["&", "<", ">", "\"", "'", "/", "\n"] {
            for at in text.char_indices().map(|(i, _)| i) {
                let s = format!("{}{c}{}{c}", &text[..at], &text[at..]);
                let mut o = String::from("x");
                super::esc(&mut o, &s);
                assert_eq!(o, format!("x{}", tera::escape_html(&s)), "{s}");
            }
        }
        let mut o = String::new();
        super::esc(&mut o, &text.repeat(5));
        assert_eq!(o, text.repeat(5));
    }

    #[test]
    fn a_block_is_special_where_a_byte_of_it_is() {
        // Every byte at every place of a block, among bytes that are not special.
        for c in 0u8..=255 {
            for at in 0..16 {
                let mut w = *b"ab\xc3\xa5 \xc2\xa7 1.,;:-()";
                w[at] = c;
                assert_eq!(super::any_special(&w), super::special(c), "{c} at {at}");
            }
        }
    }

    #[test]
    fn statute_pairs_give_the_bytes_of_the_template() {
        // Renumbering, moved and new rubriker, chapters added and removed, allmänna råd,
        // changed övergångsbestämmelser: what the real pairs hold between them.
        for &(a, b) in crate::render::compare::test_pairs::STATUTE_PAIRS {
            let (old, new) = (read(a), read(b));
            same_as_the_template(&old, &new, None);
            // Reversed, every added paragraph is a removed one and the other way round.
            same_as_the_template(&new, &old, None);
        }
    }

    #[test]
    fn a_long_page_is_shared_with_a_helper_and_a_short_one_is_not() {
        let pair = |(a, b): (&str, &str)| {
            let (old, new) = (read(a), read(b));
            let map = align(&old, &new, &Options::default());
            let rows = super::super::rows(&map);
            let blocks = super::super::blocks(&rows);
            let alone = super::super::html_split(&blocks);
            let helped = crate::threads::with_helper(|| {
                (
                    crate::threads::has_helper(),
                    super::super::html_split(&blocks),
                )
            });
            // The rows before the cut, and in all.
            let rows = super::super::Block::rows;
            let before = helped
                .1
                .map(|cut| blocks.iter().take(cut.block).map(rows).sum::<usize>() + cut.row);
            let total: usize = blocks.iter().map(rows).sum();
            (alone, helped, before, total)
        };
        // Lagen om elektronisk kommunikation: some 370 rows, most of them in runs of
        // unchanged ones. The cut falls at half of them, inside a run where the half does.
        let (alone, (helper, split), before, total) =
            pair(crate::render::compare::test_pairs::STATUTE_PAIRS[1]);
        assert_eq!(alone, None);
        if helper {
            let cut = split.expect("a long page is split");
            assert_eq!(before, Some(total.div_ceil(2)), "{cut:?} of {total} rows");
            // Inside a run: `statute_pairs_give_the_bytes_of_the_template` then checks a
            // run opened by this thread and closed by the helper.
            assert!(cut.row > 0, "{cut:?}");
        }
        // The sample draft's two versions: a few dozen rows.
        let (_, (_, split), _, _) = pair(crate::render::compare::test_pairs::STATUTE_PAIRS[5]);
        assert_eq!(split, None);
    }

    #[test]
    fn a_case_s_labels_and_a_pair_without_differences_give_the_bytes_of_the_template() {
        let old = read("corpus/msb-cybersakerhet/drafts/1-remissversion.txt");
        let new = read("corpus/msb-cybersakerhet/drafts/2-beslutad-version.txt");
        same_as_the_template(&old, &new, Some(("Remiss <1> & \"A\"", "Beslutad / 'B'")));
        same_as_the_template(&old, &old, None);
    }

    #[test]
    fn a_paragraph_written_from_its_pieces_is_its_text_written_whole() {
        let reg = text(
            "a.txt",
            "1 kap. A\n\n1 § Inledning <a> & \"b\" / c:\n1. första punkten,\n2. andra 'punkten', och\n- ett strecksats & mer\n\nAndra stycket.\n\n2 § Enkel.\n\n3 § Har upphävts genom lag (2020:1).\n",
        );
        let mut n = 0;
        let mut all = String::new();
        for kap in &reg.kapitel {
            for p in &kap.paragrafer {
                let (mut whole, mut pieces) = (String::new(), String::new());
                let mut lines = super::PlainLines {
                    o: &mut whole,
                    open: false,
                };
                lines.piece(&crate::compare::paragraph_text(p));
                lines.end();
                let mut lines = super::PlainLines {
                    o: &mut pieces,
                    open: false,
                };
                crate::compare::paragraph_pieces(p, |x| lines.piece(x));
                lines.end();
                assert_eq!(pieces, whole);
                all.push_str(&pieces);
                n += 1;
            }
        }
        assert_eq!(n, 3);
        // The escapes and the punkt labels were there to be written.
        assert!(all.contains("&lt;a&gt; &amp;") && all.contains("<p>1. första punkten,</p>"));
    }

    #[test]
    fn unchanged_paragraphs_in_a_run_give_the_bytes_of_the_template() {
        // Written without their view: with allmänna råd, with only an amendment note
        // changed, a split around them, and a rubrik that stays.
        let old = text(
            "a.txt",
            "1 § Första paragrafen <a> & b.\n\n2 § Med allmänna råd.\n\nAllmänna råd\n\nRådet / gäller.\n\nRådet andra stycket.\n\n3 § Bara noteringen ändras. Lag (2020:1).\n\nRubrik & mer\n\n4 § Tas bort.\n\n5 § Delas i två. Första delen av texten här. Andra delen av texten där.\n",
        );
        let new = text(
            "b.txt",
            "1 § Första paragrafen <a> & b.\n\n2 § Med allmänna råd.\n\nAllmänna råd\n\nRådet / gäller.\n\nRådet andra stycket.\n\n3 § Bara noteringen ändras. Lag (2021:2).\n\nRubrik & mer\n\n5 § Delas i två. Första delen av texten här.\n\n6 § Andra delen av texten där.\n",
        );
        let page = super::super::html(&align(&old, &new, &Options::default()), &old, &new, None);
        let inner = &page[page.find("class=\"inner\"").unwrap()..];
        assert!(
            inner.contains("<div class=\"arh\">Allmänna råd</div>"),
            "{inner}"
        );
        assert!(inner.contains("<div class=\"meta\">"), "{inner}");
        same_as_the_template(&old, &new, None);
        same_as_the_template(&new, &old, None);
    }

    #[test]
    fn markup_in_the_text_gives_the_bytes_of_the_template() {
        let old = text(
            "a <1>.txt",
            "Lag (2026:1) om <script> & 'annat'\n\n1 kap. Om <b>\n\n1 § Texten <script>alert(1)</script> gäller & mer.\n\nAllmänna råd\n\nRådet \"gäller\" / inte.\n\n2 § Oförändrad paragraf.\n\n3 § Tas bort helt.\n\nRubrik <i>\n\n4 § Under rubriken.\n",
        );
        let new = text(
            "b \"2\".txt",
            "Lag (2026:1) om <script> & 'annat'\n\n1 kap. Om <i>\n\n1 § Texten <b onmouseover=\"x\">fet</b> gäller & mer.\n\nAllmänna råd\n\nRådet \"gäller\" / nu.\n\n2 § Oförändrad paragraf.\n\nNy rubrik & <u>\n\n3 § Under rubriken, ändrad.\n\n4 § Helt ny / paragraf.\n",
        );
        same_as_the_template(&old, &new, None);
        same_as_the_template(&new, &old, None);
    }
}

//! Stage 1, reading DOCX: `word/document.xml` (with its styles, numbering and comments)
//! becomes a [`Text`]: one block per paragraph, heading styles as headings, numbered lists as
//! `1.` punkter, table rows as tab-separated lines, comments as [`Annotation`]s, and tracked
//! changes read as the text before and after them.
//!
//! Read with zip and quick-xml rather than a Word library: small, and sturdy on the odd files
//! real offices produce (see LESSONS.md). Every part is read under a size and ratio limit.

use super::{Annotation, BlockKind, Builder, Format, Span, Text, guarded, line_starts};
use crate::error::{Error, Result};
use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};
use std::collections::{HashMap, HashSet};
use std::io::{Cursor, Read};
use std::path::Path;
use std::time::Duration;

/// No part of a Word document is unpacked beyond this size; a long regulation's
/// `document.xml` is a few MB.
pub const MAX_PART_BYTES: u64 = 64 * 1024 * 1024;
/// All parts read from one document together stay under this.
pub const MAX_TOTAL_BYTES: u64 = 128 * 1024 * 1024;
/// A part over 1 MiB that unpacks to more than this many times its packed size is refused:
/// Word XML packs about 5–30 to 1, a zip bomb about 1000 to 1.
pub const MAX_RATIO: u64 = 100;
/// Reading one document is abandoned after this long.
pub const TIME_LIMIT: Duration = Duration::from_secs(30);

/// Reads a Word document as it reads with all tracked changes accepted.
pub fn from_bytes(path: &Path, bytes: &[u8]) -> Result<Text> {
    let doc = parse_guarded(path, bytes)?;
    let mut text = doc.render(path, State::After)?;
    if doc.changes > 0 {
        text.notices.push(format!(
            "{}: {} tracked changes, read with the changes accepted",
            path.display(),
            doc.changes
        ));
    }
    if doc.text_boxes > 0 {
        text.notices.push(format!(
            "{}: {} text boxes or drawings with text were not read",
            path.display(),
            doc.text_boxes
        ));
    }
    Ok(text)
}

/// Reads a Word document with tracked changes as two texts: before the changes (deletions
/// kept, insertions left out) and after them (insertions kept, deletions left out). A
/// document without tracked changes gives the same text twice.
pub fn read_states(path: &Path) -> Result<(Text, Text)> {
    let bytes = super::read_bytes(path, super::MAX_INPUT_BYTES)?;
    let doc = parse_guarded(path, &bytes)?;
    Ok((
        doc.render(path, State::Before)?,
        doc.render(path, State::After)?,
    ))
}

fn parse_guarded(path: &Path, bytes: &[u8]) -> Result<Doc> {
    if !(bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06")) {
        if bytes.starts_with(b"\xD0\xCF\x11\xE0") {
            return Err(Error::DocxCorrupt {
                path: path.to_path_buf(),
                reason: "it is an old binary Word file (.doc); save it as .docx or PDF".to_string(),
            });
        }
        return Err(Error::DocxNotZip {
            path: path.to_path_buf(),
        });
    }
    let owned = bytes.to_vec();
    let p = path.to_path_buf();
    guarded(path, TIME_LIMIT, move || parse(&p, &owned))
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    Before,
    After,
}

/// In which state a piece of text exists.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Vis {
    Both,
    Before,
    After,
    Neither,
}

impl Vis {
    fn shows(self, s: State) -> bool {
        matches!(
            (self, s),
            (Vis::Both, _) | (Vis::Before, State::Before) | (Vis::After, State::After)
        )
    }
}

#[derive(Clone, Debug)]
enum Piece {
    Text(String, Vis),
    CommentStart(String),
    CommentEnd(String),
    CommentRef(String),
}

#[derive(Clone, Debug, Default)]
struct Para {
    style: Option<String>,
    outline: Option<u32>,
    num: Option<(String, u32)>,
    /// The paragraph mark itself was inserted or deleted (the paragraph joins the next one
    /// in the state where its mark is absent).
    mark: Option<Vis>,
    table_row: bool,
    pieces: Vec<Piece>,
}

#[derive(Clone, Debug)]
struct Lvl {
    start: i64,
    fmt: String,
    text: String,
}

/// A `w:num` being read: its id, its abstractNumId, and start overrides by level.
type NumDef = (String, String, Vec<(u32, i64)>);

#[derive(Default)]
struct Numbering {
    abstracts: HashMap<String, HashMap<u32, Lvl>>,
    /// numId → (abstractNumId, start overrides by level)
    nums: HashMap<String, (String, Vec<(u32, i64)>)>,
}

#[derive(Clone, Debug, Default)]
struct Style {
    name: String,
    based_on: Option<String>,
    outline: Option<u32>,
    num: Option<(String, u32)>,
}

struct Doc {
    paras: Vec<Para>,
    styles: HashMap<String, Style>,
    numbering: Numbering,
    comments: HashMap<String, (String, String)>,
    changes: usize,
    text_boxes: usize,
}

fn local(e: &BytesStart) -> String {
    e.local_name().as_ref().to_string()
}

/// The value of an attribute by its local name (`w:val` → `val`).
fn attr(e: &BytesStart, name: &str) -> Option<String> {
    e.attributes().flatten().find_map(|a| {
        (a.key.local_name().as_ref() == name)
            .then(|| {
                a.normalized_value(quick_xml::XmlVersion::default())
                    .ok()
                    .map(|v| v.into_owned())
            })
            .flatten()
    })
}

fn xml_error(path: &Path, part: &str, e: impl std::fmt::Display) -> Error {
    Error::DocxCorrupt {
        path: path.to_path_buf(),
        reason: format!("{part} is not well-formed XML: {e}"),
    }
}

/// Reads one part of the archive under the size, ratio and total limits.
fn read_part(
    zip: &mut zip::ZipArchive<Cursor<&[u8]>>,
    name: &str,
    path: &Path,
    budget: &mut u64,
) -> Result<Option<String>> {
    let mut f = match zip.by_name(name) {
        Ok(f) => f,
        Err(zip::result::ZipError::FileNotFound) => return Ok(None),
        Err(e) => {
            return Err(Error::DocxCorrupt {
                path: path.to_path_buf(),
                reason: format!("{name}: {e}"),
            });
        }
    };
    let bomb = |reason: String| Error::ZipBomb {
        path: path.to_path_buf(),
        entry: name.to_string(),
        reason,
    };
    let declared = f.size();
    let packed = f.compressed_size().max(1);
    let limit = MAX_PART_BYTES.min(*budget);
    if declared > limit {
        return Err(bomb(format!(
            "it would unpack to {declared} bytes, over the limit of {limit}"
        )));
    }
    if declared > 1024 * 1024 && declared / packed > MAX_RATIO {
        return Err(bomb(format!(
            "it is packed {}:1, over the limit of {MAX_RATIO}:1",
            declared / packed
        )));
    }
    // The header may lie: never read more than the limit, whatever it says.
    let mut buf = Vec::with_capacity(declared.min(limit) as usize);
    (&mut f)
        .take(limit + 1)
        .read_to_end(&mut buf)
        .map_err(|e| Error::DocxCorrupt {
            path: path.to_path_buf(),
            reason: format!("{name}: {e}"),
        })?;
    if buf.len() as u64 > limit {
        return Err(bomb(format!(
            "it unpacks to more than {limit} bytes (its header said {declared})"
        )));
    }
    *budget -= buf.len() as u64;
    String::from_utf8(buf)
        .map(Some)
        .map_err(|_| Error::DocxCorrupt {
            path: path.to_path_buf(),
            reason: format!("{name} is not UTF-8 text"),
        })
}

fn parse(path: &Path, bytes: &[u8]) -> Result<Doc> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| Error::DocxCorrupt {
        path: path.to_path_buf(),
        reason: format!("the zip archive is damaged: {e}"),
    })?;
    let mut budget = MAX_TOTAL_BYTES;
    let Some(document) = read_part(&mut zip, "word/document.xml", path, &mut budget)? else {
        return Err(Error::DocxCorrupt {
            path: path.to_path_buf(),
            reason: "a zip archive without word/document.xml, so not a Word document".to_string(),
        });
    };
    let styles = match read_part(&mut zip, "word/styles.xml", path, &mut budget)? {
        Some(s) => parse_styles(path, &s)?,
        None => HashMap::new(),
    };
    let numbering = match read_part(&mut zip, "word/numbering.xml", path, &mut budget)? {
        Some(s) => parse_numbering(path, &s)?,
        None => Numbering::default(),
    };
    let comments = match read_part(&mut zip, "word/comments.xml", path, &mut budget)? {
        Some(s) => parse_comments(path, &s)?,
        None => HashMap::new(),
    };
    let mut doc = Doc {
        paras: Vec::new(),
        styles,
        numbering,
        comments,
        changes: 0,
        text_boxes: 0,
    };
    parse_document(path, &document, &mut doc)?;
    Ok(doc)
}

fn parse_styles(path: &Path, xml: &str) -> Result<HashMap<String, Style>> {
    let mut out = HashMap::new();
    let mut r = Reader::from_str(xml);
    let mut cur: Option<(String, Style)> = None;
    let mut num_id: Option<String> = None;
    let mut ilvl = 0u32;
    loop {
        match r.read_event() {
            Err(e) => return Err(xml_error(path, "word/styles.xml", e)),
            Ok(Event::Eof) => break,
            Ok(Event::Start(e)) | Ok(Event::Empty(e)) => match local(&e).as_str() {
                "style" => {
                    cur = attr(&e, "styleId").map(|id| (id, Style::default()));
                    num_id = None;
                    ilvl = 0;
                }
                "name" => {
                    if let (Some((_, s)), Some(v)) = (cur.as_mut(), attr(&e, "val")) {
                        s.name = v;
                    }
                }
                "basedOn" => {
                    if let Some((_, s)) = cur.as_mut() {
                        s.based_on = attr(&e, "val");
                    }
                }
                "outlineLvl" => {
                    if let Some((_, s)) = cur.as_mut() {
                        s.outline = attr(&e, "val").and_then(|v| v.parse().ok());
                    }
                }
                "numId" => num_id = attr(&e, "val"),
                "ilvl" => ilvl = attr(&e, "val").and_then(|v| v.parse().ok()).unwrap_or(0),
                _ => {}
            },
            Ok(Event::End(e)) if e.local_name().as_ref() == "style" => {
                if let Some((id, mut s)) = cur.take() {
                    s.num = num_id.take().map(|n| (n, ilvl));
                    out.insert(id, s);
                }
            }
            _ => {}
        }
    }
    Ok(out)
}

fn parse_numbering(path: &Path, xml: &str) -> Result<Numbering> {
    let mut n = Numbering::default();
    let mut r = Reader::from_str(xml);
    let mut abs: Option<String> = None;
    let mut lvl: Option<(u32, Lvl)> = None;
    let mut num: Option<NumDef> = None;
    let mut override_lvl = 0u32;
    loop {
        match r.read_event() {
            Err(e) => return Err(xml_error(path, "word/numbering.xml", e)),
            Ok(Event::Eof) => break,
            Ok(Event::Start(e)) | Ok(Event::Empty(e)) => match local(&e).as_str() {
                "abstractNum" => abs = attr(&e, "abstractNumId"),
                "lvl" if num.is_none() => {
                    let i = attr(&e, "ilvl").and_then(|v| v.parse().ok()).unwrap_or(0);
                    lvl = Some((
                        i,
                        Lvl {
                            start: 1,
                            fmt: "decimal".to_string(),
                            text: String::new(),
                        },
                    ));
                }
                "start" => {
                    if let Some((_, l)) = lvl.as_mut() {
                        l.start = attr(&e, "val").and_then(|v| v.parse().ok()).unwrap_or(1);
                    }
                }
                "numFmt" => {
                    if let Some((_, l)) = lvl.as_mut() {
                        l.fmt = attr(&e, "val").unwrap_or_default();
                    }
                }
                "lvlText" => {
                    if let Some((_, l)) = lvl.as_mut() {
                        l.text = attr(&e, "val").unwrap_or_default();
                    }
                }
                "num" => {
                    num = attr(&e, "numId").map(|id| (id, String::new(), Vec::new()));
                }
                "abstractNumId" => {
                    if let (Some(x), Some(v)) = (num.as_mut(), attr(&e, "val")) {
                        x.1 = v;
                    }
                }
                "lvlOverride" => {
                    override_lvl = attr(&e, "ilvl").and_then(|v| v.parse().ok()).unwrap_or(0);
                }
                "startOverride" => {
                    if let (Some(x), Some(v)) = (
                        num.as_mut(),
                        attr(&e, "val").and_then(|v| v.parse::<i64>().ok()),
                    ) {
                        x.2.push((override_lvl, v));
                    }
                }
                _ => {}
            },
            Ok(Event::End(e)) => match e.local_name().as_ref() {
                "lvl" => {
                    if let (Some(a), Some((i, l))) = (abs.as_ref(), lvl.take()) {
                        n.abstracts.entry(a.clone()).or_default().insert(i, l);
                    }
                }
                "abstractNum" => abs = None,
                "num" => {
                    if let Some((id, a, o)) = num.take() {
                        n.nums.insert(id, (a, o));
                    }
                }
                _ => {}
            },
            _ => {}
        }
    }
    Ok(n)
}

fn parse_comments(path: &Path, xml: &str) -> Result<HashMap<String, (String, String)>> {
    let mut out = HashMap::new();
    let mut r = Reader::from_str(xml);
    let mut cur: Option<(String, String, String)> = None;
    let mut in_t = false;
    loop {
        match r.read_event() {
            Err(e) => return Err(xml_error(path, "word/comments.xml", e)),
            Ok(Event::Eof) => break,
            Ok(Event::Start(e)) => match local(&e).as_str() {
                "comment" => {
                    cur = attr(&e, "id")
                        .map(|id| (id, attr(&e, "author").unwrap_or_default(), String::new()))
                }
                "t" => in_t = true,
                "p" => {
                    if let Some(c) = cur.as_mut()
                        && !c.2.is_empty()
                    {
                        c.2.push('\n');
                    }
                }
                _ => {}
            },
            Ok(Event::Text(t)) if in_t => {
                if let Some(c) = cur.as_mut() {
                    c.2.push_str(&t.xml10_content());
                }
            }
            Ok(Event::GeneralRef(g)) if in_t => {
                if let Some(c) = cur.as_mut() {
                    c.2.push_str(&resolve_ref(&g));
                }
            }
            Ok(Event::End(e)) => match e.local_name().as_ref() {
                "t" => in_t = false,
                "comment" => {
                    if let Some((id, author, text)) = cur.take() {
                        out.insert(id, (author, text.trim().to_string()));
                    }
                }
                _ => {}
            },
            _ => {}
        }
    }
    Ok(out)
}

fn resolve_ref(g: &quick_xml::events::BytesRef) -> String {
    if let Ok(Some(c)) = g.resolve_char_ref() {
        return c.to_string();
    }
    match g.as_ref() {
        "amp" => "&",
        "lt" => "<",
        "gt" => ">",
        "quot" => "\"",
        "apos" => "'",
        _ => "",
    }
    .to_string()
}

/// Elements whose content is not running text of the document body.
const SKIPPED: [&str; 8] = [
    "drawing",
    "pict",
    "object",
    "Fallback",
    "instrText",
    "delInstrText",
    "footnotePr",
    "endnotePr",
];

fn parse_document(path: &Path, xml: &str, doc: &mut Doc) -> Result<()> {
    let mut r = Reader::from_str(xml);
    let mut skip = 0usize;
    let mut para: Option<Para> = None;
    let mut pending: Vec<Piece> = Vec::new();
    let (mut ins, mut del) = (0usize, 0usize);
    let (mut in_ppr, mut in_rpr, mut in_t) = (false, false, false);
    let mut table = 0usize;
    let mut row: Option<Para> = None;
    let vis = |ins: usize, del: usize| match (ins > 0, del > 0) {
        (false, false) => Vis::Both,
        (true, false) => Vis::After,
        (false, true) => Vis::Before,
        (true, true) => Vis::Neither,
    };
    fn push_text(p: &mut Option<Para>, s: &str, v: Vis) {
        if let Some(p) = p.as_mut() {
            if let Some(Piece::Text(t, pv)) = p.pieces.last_mut()
                && *pv == v
            {
                t.push_str(s);
                return;
            }
            p.pieces.push(Piece::Text(s.to_string(), v));
        }
    }
    loop {
        let ev = r
            .read_event()
            .map_err(|e| xml_error(path, "word/document.xml", e))?;
        let (start, empty) = match &ev {
            Event::Start(_) => (true, false),
            Event::Empty(_) => (true, true),
            _ => (false, false),
        };
        match ev {
            Event::Eof => break,
            Event::Start(e) | Event::Empty(e) if skip > 0 => {
                if local(&e) == "txbxContent" {
                    doc.text_boxes += 1;
                }
                if start && !empty {
                    skip += 1;
                }
            }
            Event::End(_) if skip > 0 => skip -= 1,
            Event::Start(e) | Event::Empty(e) => {
                let name = local(&e);
                let name = name.as_str();
                if SKIPPED.contains(&name) {
                    if !empty {
                        skip = 1;
                    }
                    continue;
                }
                match name {
                    "p" => {
                        para = Some(Para {
                            pieces: std::mem::take(&mut pending),
                            table_row: table > 0,
                            ..Para::default()
                        });
                        if empty {
                            finish_para(&mut para, &mut row, table, doc);
                        }
                    }
                    "pPr" if !empty => in_ppr = true,
                    "rPr" if !empty => in_rpr = true,
                    "pStyle" if in_ppr => {
                        if let Some(p) = para.as_mut() {
                            p.style = attr(&e, "val");
                        }
                    }
                    "outlineLvl" if in_ppr => {
                        if let Some(p) = para.as_mut() {
                            p.outline = attr(&e, "val").and_then(|v| v.parse().ok());
                        }
                    }
                    "ilvl" if in_ppr => {
                        if let Some(p) = para.as_mut() {
                            let l = attr(&e, "val").and_then(|v| v.parse().ok()).unwrap_or(0);
                            let id = p.num.take().map(|n| n.0).unwrap_or_default();
                            p.num = Some((id, l));
                        }
                    }
                    "numId" if in_ppr => {
                        if let Some(p) = para.as_mut() {
                            let l = p.num.take().map(|n| n.1).unwrap_or(0);
                            p.num = Some((attr(&e, "val").unwrap_or_default(), l));
                        }
                    }
                    "ins" | "del" | "moveTo" | "moveFrom" if in_ppr && in_rpr => {
                        if let Some(p) = para.as_mut() {
                            p.mark = Some(if matches!(name, "ins" | "moveTo") {
                                Vis::After
                            } else {
                                Vis::Before
                            });
                        }
                    }
                    "ins" | "moveTo" if !empty && !in_ppr => {
                        ins += 1;
                        doc.changes += 1;
                    }
                    "del" | "moveFrom" if !empty && !in_ppr => {
                        del += 1;
                        doc.changes += 1;
                    }
                    "t" | "delText" if !empty => in_t = true,
                    "ta" if !in_ppr => push_text(&mut para, " ", vis(ins, del)),
                    "br" | "cr" => {
                        let page = attr(&e, "type").is_some_and(|t| t != "textWrapping");
                        push_text(&mut para, if page { " " } else { "\n" }, vis(ins, del));
                    }
                    "noBreakHyphen" => push_text(&mut para, "-", vis(ins, del)),
                    "commentRangeStart" | "commentRangeEnd" | "commentReference" => {
                        let id = attr(&e, "id").unwrap_or_default();
                        let piece = match name {
                            "commentRangeStart" => Piece::CommentStart(id),
                            "commentRangeEnd" => Piece::CommentEnd(id),
                            _ => Piece::CommentRef(id),
                        };
                        match para.as_mut() {
                            Some(p) => p.pieces.push(piece),
                            None => pending.push(piece),
                        }
                    }
                    "tbl" if !empty => table += 1,
                    "tr" if !empty && table == 1 => {
                        row = Some(Para {
                            table_row: true,
                            ..Para::default()
                        });
                    }
                    _ => {}
                }
            }
            Event::Text(t) if in_t => push_text(&mut para, &t.xml10_content(), vis(ins, del)),
            Event::GeneralRef(g) if in_t => push_text(&mut para, &resolve_ref(&g), vis(ins, del)),
            Event::End(e) => match e.local_name().as_ref() {
                "p" => finish_para(&mut para, &mut row, table, doc),
                "pPr" => in_ppr = false,
                "rPr" => in_rpr = false,
                "t" | "delText" => in_t = false,
                "ins" | "moveTo" if !in_ppr => ins = ins.saturating_sub(1),
                "del" | "moveFrom" if !in_ppr => del = del.saturating_sub(1),
                "tc" if table == 1 => {
                    if let Some(r) = row.as_mut() {
                        r.pieces.push(Piece::Text("\t".to_string(), Vis::Both));
                    }
                }
                "tr" if table == 1 => {
                    if let Some(mut r) = row.take() {
                        // No tab after the last cell.
                        if let Some(Piece::Text(t, _)) = r.pieces.last_mut()
                            && t == "\t"
                        {
                            r.pieces.pop();
                        }
                        doc.paras.push(r);
                    }
                }
                "tbl" => table = table.saturating_sub(1),
                _ => {}
            },
            _ => {}
        }
    }
    // Comment marks after the last paragraph belong to it.
    if let Some(last) = doc.paras.last_mut() {
        last.pieces.append(&mut pending);
    }
    Ok(())
}

/// Ends a paragraph: outside a table it becomes a block; inside one its text joins the
/// current row, a space apart from the cell's other paragraphs.
fn finish_para(para: &mut Option<Para>, row: &mut Option<Para>, table: usize, doc: &mut Doc) {
    let Some(p) = para.take() else { return };
    if table > 0 {
        if let Some(r) = row.as_mut() {
            let cell_started = matches!(r.pieces.last(), None | Some(Piece::Text(_, _)))
                && !matches!(r.pieces.last(), Some(Piece::Text(t, _)) if t.ends_with('\t'))
                && !r.pieces.is_empty();
            if cell_started {
                r.pieces.push(Piece::Text(" ".to_string(), Vis::Both));
            }
            r.pieces.extend(p.pieces);
        }
        return;
    }
    doc.paras.push(p);
}

impl Doc {
    fn style_heading(&self, id: &str) -> Option<u8> {
        let mut cur = self.styles.get(id);
        let mut guard = 0;
        let mut id = id.to_string();
        while guard < 10 {
            guard += 1;
            let name = cur.map(|s| s.name.to_lowercase()).unwrap_or_default();
            for candidate in [name.as_str(), &id.to_lowercase()] {
                let c = candidate.replace(' ', "");
                for prefix in ["heading", "rubrik"] {
                    if let Some(n) = c.strip_prefix(prefix) {
                        if n.is_empty() && prefix == "rubrik" {
                            return Some(1);
                        }
                        if let Ok(n) = n.parse::<u8>()
                            && (1..=9).contains(&n)
                        {
                            return Some(n);
                        }
                    }
                }
                if c == "title" {
                    return Some(1);
                }
            }
            let s = cur?;
            if let Some(o) = s.outline
                && o < 9
            {
                return Some(o as u8 + 1);
            }
            id = s.based_on.clone()?;
            cur = self.styles.get(&id);
        }
        None
    }

    /// A paragraph that does not exist at all in a state: its mark and all its text are
    /// inserted (absent before) or deleted (absent after).
    fn absent(&self, p: &Para, state: State) -> bool {
        p.mark.is_some_and(|m| !m.shows(state))
            && p.pieces.iter().all(|x| match x {
                Piece::Text(t, v) => !v.shows(state) || t.trim().is_empty(),
                _ => true,
            })
    }

    fn style_num(&self, id: &str) -> Option<(String, u32)> {
        let mut cur = self.styles.get(id);
        for _ in 0..10 {
            let s = cur?;
            if s.num.is_some() {
                return s.num.clone();
            }
            cur = self.styles.get(s.based_on.as_deref()?);
        }
        None
    }

    fn kind(&self, p: &Para) -> BlockKind {
        if p.table_row {
            return BlockKind::Text;
        }
        if let Some(o) = p.outline
            && o < 9
        {
            return BlockKind::Heading(o as u8 + 1);
        }
        if let Some(h) = p.style.as_deref().and_then(|s| self.style_heading(s)) {
            return BlockKind::Heading(h);
        }
        if self.num_of(p).is_some() {
            return BlockKind::ListItem;
        }
        BlockKind::Text
    }

    fn num_of(&self, p: &Para) -> Option<(String, u32)> {
        let n = p
            .num
            .clone()
            .or_else(|| p.style.as_deref().and_then(|s| self.style_num(s)))?;
        (n.0 != "0" && self.numbering.nums.contains_key(&n.0)).then_some(n)
    }

    /// The text of the document in one state, with comments as annotations.
    /// Whether the document holds one line of text per paragraph, its blocks separated by
    /// empty paragraphs (LibreOffice's import of a plain text, or a document typed with a hard
    /// return at each line end). Such paragraphs are lines: a run of them between empty
    /// paragraphs is one block, as the text it came from reads. Told by its empty
    /// paragraphs (at least 3, and a sixth of all) and by text paragraphs that follow one
    /// another directly (at least 30% of them); headings and list items stay blocks.
    fn lines_mode(&self, state: State) -> bool {
        let empty: Vec<bool> = self
            .paras
            .iter()
            .map(|p| {
                !p.table_row
                    && p.pieces.iter().all(|piece| match piece {
                        Piece::Text(t, v) => !v.shows(state) || t.trim().is_empty(),
                        _ => true,
                    })
            })
            .collect();
        let empties = empty.iter().filter(|e| **e).count();
        let full = empty.len() - empties;
        let following = empty.windows(2).filter(|w| !w[0] && !w[1]).count();
        empties >= 3 && empties * 6 >= self.paras.len() && following * 10 >= full * 3
    }

    fn render(&self, path: &Path, state: State) -> Result<Text> {
        let lines_mode = self.lines_mode(state);
        let mut b = Builder::default();
        // In lines mode: the paragraphs of the block being gathered (text, where each
        // paragraph's text starts in it, and its comment marks).
        let mut pending: Vec<Gathered> = Vec::new();
        let mut counters: HashMap<String, [Option<i64>; 9]> = HashMap::new();
        let mut used: HashSet<String> = HashSet::new();
        let mut marks: HashMap<String, (Option<usize>, Option<usize>)> = HashMap::new();
        // Text of paragraphs whose mark is absent in this state, carried into the next one.
        let mut carry = String::new();
        let mut carry_marks: Vec<(String, u8, usize)> = Vec::new();
        for (i, p) in self.paras.iter().enumerate() {
            let mut text = std::mem::take(&mut carry);
            let mut pmarks = std::mem::take(&mut carry_marks);
            for piece in &p.pieces {
                match piece {
                    Piece::Text(t, v) if v.shows(state) => text.push_str(t),
                    Piece::Text(..) => {}
                    Piece::CommentStart(id) => pmarks.push((id.clone(), 0, text.len())),
                    Piece::CommentEnd(id) => pmarks.push((id.clone(), 1, text.len())),
                    Piece::CommentRef(id) => pmarks.push((id.clone(), 2, text.len())),
                }
            }
            // LibreOffice writes an inserted (deleted) paragraph mark also on the paragraph
            // before a run of wholly inserted (deleted) paragraphs; Word would then join that
            // paragraph to the next surviving one. Such a mark is taken as the paragraph's own.
            let shifted = !self.absent(p, state)
                && self.paras.get(i + 1).is_some_and(|n| self.absent(n, state));
            let present = p.mark.is_none_or(|m| m.shows(state)) || shifted;
            // Numbering: a restart takes effect where its list begins, even in a paragraph
            // that is absent in this state; only present paragraphs are counted.
            let mut label = String::new();
            if let Some((id, ilvl)) = self.num_of(p)
                && let Some((abs, overrides)) = self.numbering.nums.get(&id)
            {
                let c = counters.entry(abs.clone()).or_insert([None; 9]);
                if used.insert(id.clone()) {
                    for (l, start) in overrides {
                        if let Some(slot) = c.get_mut(*l as usize) {
                            *slot = Some(start - 1);
                        }
                    }
                }
                let levels = self.numbering.abstracts.get(abs);
                let il = (ilvl as usize).min(8);
                if present {
                    let start = levels
                        .and_then(|ls| ls.get(&(il as u32)))
                        .map(|l| l.start)
                        .unwrap_or(1);
                    c[il] = Some(c[il].unwrap_or(start - 1) + 1);
                    for slot in c.iter_mut().skip(il + 1) {
                        *slot = None;
                    }
                    label = format_label(levels, c, il);
                }
            }
            if !present {
                carry = text;
                carry_marks = pmarks;
                continue;
            }
            let prefix = if label.is_empty() {
                String::new()
            } else {
                format!("{label} ")
            };
            let full = format!("{prefix}{text}");
            let kind = self.kind(p);
            if lines_mode && (kind != BlockKind::Text || full.trim().is_empty() || p.table_row) {
                flush(&mut b, &mut pending, &mut marks);
            }
            if full.trim().is_empty() {
                continue;
            }
            let pmarks = pmarks
                .into_iter()
                .map(|(id, w, off)| (id, w, off + prefix.len()))
                .collect();
            if lines_mode && kind == BlockKind::Text && !p.table_row {
                pending.push((full, pmarks));
                continue;
            }
            pending.push((full, pmarks));
            push_gathered(&mut b, kind, &mut pending, &mut marks);
        }
        flush(&mut b, &mut pending, &mut marks);
        let mut text = b.finish(path, Format::Docx)?;
        text.annotations = self.annotations(&text.source, marks);
        Ok(text)
    }

    fn annotations(
        &self,
        source: &str,
        marks: HashMap<String, (Option<usize>, Option<usize>)>,
    ) -> Vec<Annotation> {
        let starts = line_starts(source);
        let line_of = |off: usize| match starts.binary_search(&off) {
            Ok(i) => i as u32 + 1,
            Err(i) => i as u32,
        };
        let mut out: Vec<Annotation> = marks
            .into_iter()
            .filter_map(|(id, (s, e))| {
                let (author, text) = self.comments.get(&id)?;
                let start = s.or(e)?.min(source.len());
                let end = e.unwrap_or(start).clamp(start, source.len());
                let anchor = source.get(start..end).unwrap_or("").to_string();
                Some(Annotation {
                    span: Span {
                        line: line_of(start),
                        end_line: line_of(end),
                        start,
                        end,
                        page: None,
                    },
                    anchor,
                    author: author.clone(),
                    text: text.clone(),
                })
            })
            .collect();
        out.sort_by_key(|a| (a.span.start, a.span.end));
        out
    }
}

type Marks = HashMap<String, (Option<usize>, Option<usize>)>;

/// A paragraph gathered into a block: its text and its comment marks (id, start/end/point,
/// offset in the text).
type Gathered = (String, Vec<(String, u8, usize)>);

/// Ends the block being gathered in lines mode (if any) as a text block.
fn flush(b: &mut Builder, pending: &mut Vec<Gathered>, marks: &mut Marks) {
    if !pending.is_empty() {
        push_gathered(b, BlockKind::Text, pending, marks);
    }
}

/// Pushes the gathered paragraphs as one block (each a line, or several where it holds line
/// breaks) and places their comment marks in the text being built.
fn push_gathered(b: &mut Builder, kind: BlockKind, pending: &mut Vec<Gathered>, marks: &mut Marks) {
    let joined = pending
        .iter()
        .map(|(t, _)| t.as_str())
        .collect::<Vec<_>>()
        .join("\n");
    let lines: Vec<(&str, Option<u32>)> = joined.split('\n').map(|l| (l, None)).collect();
    let mut base = b.push_block(kind, &lines);
    for (text, pmarks) in pending.drain(..) {
        for (id, which, off) in pmarks {
            let e = marks.entry(id).or_default();
            match which {
                0 => e.0 = Some(base + off),
                1 => e.1 = Some(base + off),
                _ => {
                    if e.0.is_none() {
                        e.0 = Some(base + off);
                    }
                    if e.1.is_none() {
                        e.1 = Some(base + off);
                    }
                }
            }
        }
        base += text.len() + 1;
    }
}

/// `%1.` with the counters of the levels filled in, in each level's number format.
fn format_label(levels: Option<&HashMap<u32, Lvl>>, c: &[Option<i64>; 9], il: usize) -> String {
    let Some(levels) = levels else {
        return format!("{}.", c[il].unwrap_or(1));
    };
    let Some(lvl) = levels.get(&(il as u32)) else {
        return format!("{}.", c[il].unwrap_or(1));
    };
    match lvl.fmt.as_str() {
        "bullet" => return "-".to_string(),
        "none" => return String::new(),
        _ => {}
    }
    let mut out = String::new();
    let mut chars = lvl.text.chars().peekable();
    while let Some(ch) = chars.next() {
        if ch == '%'
            && let Some(d) = chars.peek().and_then(|d| d.to_digit(10))
        {
            chars.next();
            let k = (d as usize).saturating_sub(1).min(8);
            let fmt = levels
                .get(&(k as u32))
                .map(|l| l.fmt.as_str())
                .unwrap_or("");
            let start = levels.get(&(k as u32)).map(|l| l.start).unwrap_or(1);
            out.push_str(&format_number(c[k].unwrap_or(start), fmt));
        } else {
            out.push(ch);
        }
    }
    out.trim().to_string()
}

fn format_number(n: i64, fmt: &str) -> String {
    let letters = |upper: bool| {
        if n < 1 {
            return n.to_string();
        }
        let base = if upper { b'A' } else { b'a' };
        let c = (base + ((n - 1) % 26) as u8) as char;
        c.to_string().repeat(((n - 1) / 26 + 1) as usize)
    };
    match fmt {
        "lowerLetter" => letters(false),
        "upperLetter" => letters(true),
        "lowerRoman" => roman(n).to_lowercase(),
        "upperRoman" => roman(n),
        "decimalZero" if (0..10).contains(&n) => format!("0{n}"),
        _ => n.to_string(),
    }
}

fn roman(mut n: i64) -> String {
    if !(1..4000).contains(&n) {
        return n.to_string();
    }
    let mut s = String::new();
    for (v, r) in [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ] {
        while n >= v {
            s.push_str(r);
            n -= v;
        }
    }
    s
}

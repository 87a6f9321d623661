//! Stage 1, reading PDF: a pass over each page's content streams before the PDF library
//! interprets them. It rewrites the two text operators the library skips (`'` and `"`) into
//! the ones it reads, tags every font size with the font's style so that each glyph the
//! library reports says whether it was bold or italic, and counts the character codes each
//! page shows, so that text lost in decoding can be noticed.
//!
//! The library's `OutputDev` reports a glyph's size but not its font. The size is the one the
//! `Tf` operator set, so the pass writes it back rounded to 1/512 pt with the style in the
//! bits below (units of 2^-16 pt): the printed size moves by less than 0.002 pt, and the
//! value is exact in the library's 32-bit reals.

use pdf_extract::{Dictionary, Document, Object, ObjectId, Stream};
use std::collections::HashMap;

/// Font sizes at or above this are left without a style tag (they are never body text, and
/// 32-bit reals have no room left for the tag).
const MAX_TAGGED_SIZE: f64 = 256.0;
const TAG_UNIT: f64 = 1.0 / 65536.0;
const GRID: f64 = 1.0 / 512.0;

/// The style of a font, as far as its name and descriptor tell.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FontStyle {
    pub bold: bool,
    pub italic: bool,
    /// The font family, numbered 1.. in order of first use in the document (0 unknown; all
    /// families after the 30th share 30).
    pub family: u8,
}

impl FontStyle {
    fn code(self) -> u32 {
        1 + (self.bold as u32) + 2 * (self.italic as u32) + 4 * (self.family.min(30) as u32)
    }

    /// The style tagged into a font size by [`tag_size`], if it carries one.
    pub fn from_size(size: f64) -> Option<FontStyle> {
        if !(size > 0.0 && size < MAX_TAGGED_SIZE) {
            return None;
        }
        let units = (size / TAG_UNIT).round() as u64;
        let code = (units % 128) as u32;
        if code == 0 {
            return None;
        }
        let c = code - 1;
        Some(FontStyle {
            bold: c & 1 != 0,
            italic: c & 2 != 0,
            family: (c >> 2) as u8,
        })
    }
}

/// The size to write for `size` so that it carries `style`.
fn tag_size(size: f64, style: FontStyle) -> f64 {
    if !(size > 0.0 && size < MAX_TAGGED_SIZE - 1.0) {
        return size;
    }
    let base = (size / GRID).round() * GRID;
    base + style.code() as f64 * TAG_UNIT
}

/// Height of the band each page gets on a merged page (see [`prepare`]); far taller than any
/// page, and a power of two so that the offsets are exact in 32-bit reals.
pub const BAND: f64 = 65536.0;

/// Where one page lies on a merged page: the `index`-th band, its text moved down by
/// `(index + 0.5) × BAND` after its lower left corner was moved to the origin.
#[derive(Clone, Debug)]
pub struct Band {
    pub page: u32,
    pub height: f64,
}

/// What the pass did to the document.
#[derive(Debug, Default)]
pub struct Prepared {
    /// Character codes each page's content streams show (spaces aside), by page number.
    pub shown: HashMap<u32, usize>,
    /// The merged pages added to the document (their page numbers) and the pages on each.
    pub merged: Vec<(u32, Vec<Band>)>,
}

/// Resource categories whose names the content streams use, with the operators that name
/// them and the letter their merged names start with.
const CATEGORIES: [(&[u8], char); 7] = [
    (b"Font", 'F'),
    (b"XObject", 'X'),
    (b"ExtGState", 'G'),
    (b"ColorSpace", 'C'),
    (b"Pattern", 'P'),
    (b"Shading", 'S'),
    (b"Properties", 'M'),
];

/// A page's number, lower left corner, height and rewritten content.
type PageContent = (u32, f64, f64, f64, Vec<u8>);

/// A page's number, lower left corner, height, content length and content stream.
type LaidPage = (u32, f64, f64, f64, usize, ObjectId);

/// Old resource name → merged name, by category.
type Renames = HashMap<(char, Vec<u8>), Vec<u8>>;

/// Rewrites every page's content (and the forms they draw) in `doc`, and counts the codes
/// each page shows. The pages then share one resource dictionary, their names made unique
/// (a font used on many pages keeps one name: the library, which reads a font's encoding and
/// character map anew on every page, then reads it once per merged page). Finally the pages
/// are laid one under another on merged pages of about `chunk` bytes of content each, each
/// page in its own [`Band`], so the library reads a document in a few calls instead of one
/// per page. Every page also keeps its own rewritten content, to be read alone.
pub fn prepare(doc: &mut Document, chunk: usize) -> Prepared {
    fix_cid_widths(doc);
    let pages: Vec<(u32, ObjectId)> = doc.get_pages().into_iter().collect();
    let mut out = Prepared::default();
    let mut contents: Vec<PageContent> = Vec::new();
    let mut page_ids = Vec::new();
    let mut pass = Pass::new(doc);
    for (number, page_id) in pages {
        let doc = pass.doc;
        let resources = inherited(doc, page_id, b"Resources")
            .and_then(|o| o.as_dict().ok().cloned())
            .unwrap_or_default();
        let media = inherited(doc, page_id, b"MediaBox")
            .and_then(|o| o.as_array().ok().cloned())
            .map(|a| a.iter().map(number_of).collect::<Vec<_>>())
            .filter(|v| v.len() == 4 && v.iter().all(Option::is_some))
            .map(|v| v.into_iter().flatten().collect::<Vec<f64>>());
        let renames = pass.register(&resources, &format!("p{number}"));
        let mut content = Vec::new();
        for id in doc.get_page_contents(page_id) {
            if let Ok(s) = doc.get_object(id).and_then(Object::as_stream) {
                content.extend(plain(s));
                content.push(b'\n');
            }
        }
        let (bytes, n) = pass.rewrite(&content, &resources, &renames, 0);
        out.shown.insert(number, n);
        let (llx, lly, height) = match media.as_deref() {
            Some([x0, y0, x1, y1]) => (x0.min(*x1), y0.min(*y1), (y1 - y0).abs()),
            _ => (0.0, 0.0, 842.0),
        };
        contents.push((number, llx, lly, height, bytes));
        page_ids.push(page_id);
    }
    let merged_res = std::mem::take(&mut pass.merged);
    let mut res = Dictionary::new();
    for (cat, d) in merged_res {
        res.set(cat.to_vec(), Object::Dictionary(d));
    }
    let res_id = doc.add_object(Object::Dictionary(res));
    // Each page gets its rewritten content (read page by page if a merged read fails); the
    // merged pages draw the same streams, so the content is kept once.
    let mut old_streams: Vec<ObjectId> = Vec::new();
    let mut laid: Vec<LaidPage> = Vec::with_capacity(contents.len());
    for (page_id, (number, llx, lly, height, bytes)) in page_ids.iter().zip(contents) {
        old_streams.extend(doc.get_page_contents(*page_id));
        let len = bytes.len();
        let id = doc.add_object(Stream::new(Dictionary::new(), bytes));
        if let Ok(Object::Dictionary(page)) = doc.get_object_mut(*page_id) {
            page.set("Contents", Object::Reference(id));
            page.set("Resources", Object::Reference(res_id));
        }
        laid.push((number, llx, lly, height, len, id));
    }
    // The original streams are drawn by no page now.
    for id in old_streams {
        doc.objects.remove(&id);
    }
    let Some(root) = pages_root(doc) else {
        return out;
    };
    let before = doc.get_pages().len() as u32;
    let mut chunks: Vec<&[LaidPage]> = Vec::new();
    let (mut start, mut size) = (0, 0);
    for (i, c) in laid.iter().enumerate() {
        if i > start && size + c.4 > chunk {
            chunks.push(&laid[start..i]);
            (start, size) = (i, 0);
        }
        size += c.4;
    }
    if start < laid.len() {
        chunks.push(&laid[start..]);
    }
    let close = doc.add_object(Stream::new(Dictionary::new(), b"\nQ\n".to_vec()));
    for (i, chunk) in chunks.into_iter().enumerate() {
        let mut parts = Vec::new();
        let mut bands = Vec::new();
        for (k, (number, llx, lly, height, _, id)) in chunk.iter().enumerate() {
            let shift = (k as f64 + 0.5) * BAND;
            let open = format!(
                "q 1 0 0 1 0 -{} cm 1 0 0 1 {} {} cm\n",
                format_real(shift),
                format_real(-llx),
                format_real(-lly)
            );
            let open = doc.add_object(Stream::new(Dictionary::new(), open.into_bytes()));
            parts.extend([open, *id, close].map(Object::Reference));
            bands.push(Band {
                page: *number,
                height: *height,
            });
        }
        let mut page = Dictionary::new();
        page.set("Type", Object::Name(b"Page".to_vec()));
        page.set("Parent", Object::Reference(root));
        page.set(
            "MediaBox",
            Object::Array(vec![0.into(), 0.into(), 612.into(), 792.into()]),
        );
        page.set("Resources", Object::Reference(res_id));
        page.set("Contents", Object::Array(parts));
        let page_id = doc.add_object(Object::Dictionary(page));
        if let Ok(Object::Dictionary(pages)) = doc.get_object_mut(root) {
            if let Ok(Object::Array(kids)) = pages.get_mut(b"Kids") {
                kids.push(Object::Reference(page_id));
            }
            let count = pages.get(b"Count").and_then(Object::as_i64).unwrap_or(0);
            pages.set("Count", count + 1);
        }
        out.merged.push((before + 1 + i as u32, bands));
    }
    // The merged pages must be where the page tree says; if not, read page by page.
    let now = doc.get_pages();
    if now.len() as u32 != before + out.merged.len() as u32 {
        out.merged.clear();
    }
    out
}

/// Rewrites the glyph widths of CID fonts (`/W`) given as ranges (`first last width`) into
/// lists (`first [width width ...]`). The library reads only lists (ranges it drops, so every
/// glyph gets the default width of 1 em and the words of a line run into each other, as in
/// PDFs from Microsoft's Print to PDF).
fn fix_cid_widths(doc: &mut Document) {
    // CID font dictionaries stand alone or inside their Type0 font's `/DescendantFonts`;
    // their `/W` is in place or a reference.
    fn walk(o: &mut Object, depth: usize, refs: &mut Vec<ObjectId>) {
        match o {
            Object::Dictionary(d) => {
                let sub = d.get(b"Subtype").and_then(Object::as_name).ok();
                if matches!(sub, Some(b"CIDFontType0") | Some(b"CIDFontType2")) {
                    match d.get_mut(b"W") {
                        Ok(Object::Reference(w)) => refs.push(*w),
                        Ok(Object::Array(w)) => *w = widths_as_lists(w),
                        _ => {}
                    }
                } else if depth < 2
                    && let Ok(desc) = d.get_mut(b"DescendantFonts")
                {
                    walk(desc, depth + 1, refs);
                }
            }
            Object::Array(a) if depth > 0 => {
                for x in a {
                    walk(x, depth + 1, refs);
                }
            }
            _ => {}
        }
    }
    let mut refs = Vec::new();
    for o in doc.objects.values_mut() {
        walk(o, 0, &mut refs);
    }
    refs.sort_unstable();
    refs.dedup();
    for id in refs {
        if let Ok(Object::Array(w)) = doc.get_object_mut(id) {
            *w = widths_as_lists(w);
        }
    }
}

/// A `/W` array with every range written as a list (at most 65,536 glyphs a range).
fn widths_as_lists(w: &[Object]) -> Vec<Object> {
    let mut out = Vec::with_capacity(w.len());
    let mut i = 0;
    while i + 1 < w.len() {
        if let Object::Array(_) = &w[i + 1] {
            out.push(w[i].clone());
            out.push(w[i + 1].clone());
            i += 2;
            continue;
        }
        let (Some(first), Some(last), Some(width)) = (
            w.get(i).and_then(|o| o.as_i64().ok()),
            w.get(i + 1).and_then(|o| o.as_i64().ok()),
            w.get(i + 2).cloned(),
        ) else {
            break;
        };
        if last >= first && last - first < 65_536 {
            out.push(Object::Integer(first));
            out.push(Object::Array(vec![width; (last - first + 1) as usize]));
        }
        i += 3;
    }
    out
}

fn pages_root(doc: &Document) -> Option<ObjectId> {
    let root = doc
        .trailer
        .get(b"Root")
        .and_then(Object::as_reference)
        .ok()?;
    doc.get_dictionary(root)
        .ok()?
        .get(b"Pages")
        .and_then(Object::as_reference)
        .ok()
}

fn number_of(o: &Object) -> Option<f64> {
    match o {
        Object::Integer(i) => Some(*i as f64),
        Object::Real(r) => Some(*r as f64),
        _ => None,
    }
}

fn hex(name: &[u8]) -> String {
    name.iter().map(|b| format!("{b:02x}")).collect()
}

fn plain(s: &Stream) -> Vec<u8> {
    if s.dict.get(b"Filter").is_ok() {
        s.decompressed_content().unwrap_or_default()
    } else {
        s.content.clone()
    }
}

/// A page attribute, from the page or the nearest node above it that has it.
fn inherited<'a>(doc: &'a Document, page_id: ObjectId, key: &[u8]) -> Option<&'a Object> {
    let mut id = page_id;
    for _ in 0..32 {
        let page = doc.get_dictionary(id).ok()?;
        if let Ok(r) = page.get(key) {
            return deref(doc, r);
        }
        id = page.get(b"Parent").and_then(Object::as_reference).ok()?;
    }
    None
}

fn deref<'a>(doc: &'a Document, o: &'a Object) -> Option<&'a Object> {
    doc.dereference(o).ok().map(|(_, o)| o)
}

fn sub_dict<'a>(doc: &'a Document, d: &'a Dictionary, key: &[u8]) -> Option<&'a Dictionary> {
    d.get(key)
        .ok()
        .and_then(|o| deref(doc, o))
        .and_then(|o| o.as_dict().ok())
}

/// Styles of the fonts met so far, by the font dictionary's identity.
#[derive(Default)]
struct FontTable {
    by_id: HashMap<ObjectId, (FontStyle, bool)>,
    families: Vec<String>,
}

impl FontTable {
    /// The style of the font `name` in `resources`, and whether its codes are two bytes.
    fn style(&mut self, doc: &Document, resources: &Dictionary, name: &[u8]) -> (FontStyle, bool) {
        let Some(fonts) = sub_dict(doc, resources, b"Font") else {
            return (FontStyle::default(), false);
        };
        let Ok(entry) = fonts.get(name) else {
            return (FontStyle::default(), false);
        };
        let id = entry.as_reference().ok();
        if let Some(hit) = id.and_then(|id| self.by_id.get(&id)) {
            return *hit;
        }
        let Some(font) = deref(doc, entry).and_then(|o| o.as_dict().ok()) else {
            return (FontStyle::default(), false);
        };
        let found = self.describe(doc, font);
        if let Some(id) = id {
            self.by_id.insert(id, found);
        }
        found
    }

    fn describe(&mut self, doc: &Document, font: &Dictionary) -> (FontStyle, bool) {
        let two_byte = font.get(b"Subtype").and_then(Object::as_name).ok() == Some(b"Type0");
        let base = font
            .get(b"BaseFont")
            .and_then(Object::as_name)
            .map(|n| String::from_utf8_lossy(n).into_owned())
            .unwrap_or_default();
        // A subset font's name starts with six capitals and a plus (`ABCDEF+Arial-BoldMT`).
        let base = match base.split_once('+') {
            Some((tag, rest)) if tag.len() == 6 && tag.bytes().all(|b| b.is_ascii_uppercase()) => {
                rest.to_string()
            }
            _ => base,
        };
        let descendant = if two_byte {
            font.get(b"DescendantFonts")
                .ok()
                .and_then(|o| deref(doc, o))
                .and_then(|o| o.as_array().ok())
                .and_then(|a| a.first())
                .and_then(|o| deref(doc, o))
                .and_then(|o| o.as_dict().ok())
        } else {
            None
        };
        let descriptor = sub_dict(doc, descendant.unwrap_or(font), b"FontDescriptor");
        let num = |d: &Dictionary, k: &[u8]| -> Option<f64> {
            d.get(k).ok().and_then(|o| match o {
                Object::Integer(i) => Some(*i as f64),
                Object::Real(r) => Some(*r as f64),
                _ => None,
            })
        };
        let lower = base.to_ascii_lowercase();
        let (family, style_part) = match base.find([',', '-']) {
            Some(i) => (&base[..i], lower[i..].to_string()),
            None => (base.as_str(), String::new()),
        };
        let named_italic = ["italic", "oblique", "kursiv"]
            .iter()
            .any(|w| lower.contains(w))
            || style_part.ends_with("it")
            || style_part.contains("bdit");
        let named_bold = ["bold", "black", "heavy", "semibold", "demi"]
            .iter()
            .any(|w| style_part.contains(w) || lower.ends_with(w))
            || style_part == "-bd"
            || style_part.starts_with("-bd");
        let (mut italic, mut bold) = (named_italic, named_bold);
        if let Some(d) = descriptor {
            let flags = num(d, b"Flags").unwrap_or(0.0) as i64;
            italic |= flags & 64 != 0 || num(d, b"ItalicAngle").is_some_and(|a| a.abs() > 0.5);
            bold |= flags & (1 << 18) != 0 || num(d, b"FontWeight").is_some_and(|w| w >= 600.0);
        }
        let fam = if family.is_empty() {
            0
        } else {
            match self.families.iter().position(|f| f == family) {
                Some(i) => i + 1,
                None => {
                    self.families.push(family.to_string());
                    self.families.len()
                }
            }
        };
        (
            FontStyle {
                bold,
                italic,
                family: fam.min(30) as u8,
            },
            two_byte,
        )
    }
}

/// One token of a content stream: its byte range and what it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tok {
    /// A literal `(...)` or hex `<...>` string; the value is its count of codes' bytes.
    Str(usize),
    Name,
    /// A number, `true`, `false`, `null`.
    Other,
    /// `[`, `]`, `<<`, `>>`, `{`, `}`.
    Delim,
    Op,
}

fn is_white(b: u8) -> bool {
    matches!(b, 0 | 9 | 10 | 12 | 13 | 32)
}

fn is_delim(b: u8) -> bool {
    matches!(
        b,
        b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%'
    )
}

/// Reads the next token at or after `i`: (kind, start, end), or `None` at the end.
fn next_token(s: &[u8], mut i: usize) -> Option<(Tok, usize, usize)> {
    loop {
        while i < s.len() && is_white(s[i]) {
            i += 1;
        }
        if i < s.len() && s[i] == b'%' {
            while i < s.len() && s[i] != b'\n' && s[i] != b'\r' {
                i += 1;
            }
            continue;
        }
        break;
    }
    if i >= s.len() {
        return None;
    }
    let start = i;
    match s[i] {
        b'(' => {
            let (mut depth, mut bytes) = (0usize, 0usize);
            while i < s.len() {
                match s[i] {
                    b'\\' => {
                        i += 1;
                        // An octal escape is one byte of up to three digits.
                        let mut k = 0;
                        while k < 3 && i < s.len() && (b'0'..=b'7').contains(&s[i]) {
                            i += 1;
                            k += 1;
                        }
                        if k == 0 {
                            if i < s.len() && !matches!(s[i], b'\n' | b'\r') {
                                bytes += 1;
                            }
                            i += 1;
                        } else {
                            bytes += 1;
                        }
                        continue;
                    }
                    b'(' => {
                        depth += 1;
                        if depth > 1 {
                            bytes += 1;
                        }
                    }
                    b')' => {
                        depth -= 1;
                        if depth == 0 {
                            return Some((Tok::Str(bytes), start, i + 1));
                        }
                        bytes += 1;
                    }
                    _ => bytes += 1,
                }
                i += 1;
            }
            Some((Tok::Str(bytes), start, s.len()))
        }
        b'<' if s.get(i + 1) == Some(&b'<') => Some((Tok::Delim, start, i + 2)),
        b'>' if s.get(i + 1) == Some(&b'>') => Some((Tok::Delim, start, i + 2)),
        b'<' => {
            let mut digits = 0usize;
            while i < s.len() && s[i] != b'>' {
                if s[i].is_ascii_hexdigit() {
                    digits += 1;
                }
                i += 1;
            }
            Some((Tok::Str(digits.div_ceil(2)), start, (i + 1).min(s.len())))
        }
        b'[' | b']' | b'{' | b'}' | b'>' | b')' => Some((Tok::Delim, start, i + 1)),
        b'/' => {
            i += 1;
            while i < s.len() && !is_white(s[i]) && !is_delim(s[i]) {
                i += 1;
            }
            Some((Tok::Name, start, i))
        }
        _ => {
            while i < s.len() && !is_white(s[i]) && !is_delim(s[i]) {
                i += 1;
            }
            let w = &s[start..i];
            let operand = w[0].is_ascii_digit()
                || matches!(w[0], b'-' | b'+' | b'.')
                || w == b"true"
                || w == b"false"
                || w == b"null";
            Some((if operand { Tok::Other } else { Tok::Op }, start, i))
        }
    }
}

/// Codes in a string that are not the space (code 32 of a one-byte font).
fn shown_codes(s: &[u8], tok: (Tok, usize, usize), two_byte: bool) -> usize {
    let Tok::Str(bytes) = tok.0 else {
        return 0;
    };
    if two_byte {
        return bytes / 2;
    }
    let raw = &s[tok.1..tok.2];
    let spaces = if raw.first() == Some(&b'(') {
        memchr::memchr_iter(b' ', raw).count()
    } else {
        0
    };
    bytes.saturating_sub(spaces)
}

/// Inlined form content beyond this many bytes (in one document) is left out: a form drawn
/// thousands of times is a pattern, not text.
const MAX_INLINED: usize = 64 * 1024 * 1024;

/// The state of the pass over one document: the fonts met, the shared resource dictionary
/// being built, how much form content was inlined.
struct Pass<'a> {
    doc: &'a Document,
    fonts: FontTable,
    merged: HashMap<&'static [u8], Dictionary>,
    inlined: usize,
}

impl<'a> Pass<'a> {
    fn new(doc: &'a Document) -> Pass<'a> {
        Pass {
            doc,
            fonts: FontTable::default(),
            merged: HashMap::new(),
            inlined: 0,
        }
    }

    /// Adds a resource dictionary's entries to the shared one and returns their new names:
    /// by object number for shared objects (a font used on every page keeps one name, so
    /// the library reads it once), by `scope` for objects written in place.
    fn register(&mut self, resources: &Dictionary, scope: &str) -> Renames {
        let mut renames = Renames::new();
        for (cat, letter) in CATEGORIES {
            let Some(d) = sub_dict(self.doc, resources, cat) else {
                continue;
            };
            let entry = self.merged.entry(cat).or_default();
            for (name, value) in d.iter() {
                let new = match value.as_reference() {
                    Ok((id, generation)) => format!("{letter}{id}_{generation}"),
                    Err(_) => format!("{letter}{scope}_{}", hex(name)),
                };
                entry.set(new.clone().into_bytes(), value.clone());
                renames.insert((letter, name.clone()), new.into_bytes());
            }
        }
        renames
    }

    /// Rewrites one content stream; returns the new bytes and the codes it shows. Resource
    /// names become their shared names; a form XObject is drawn in place (with its matrix,
    /// between `q` and `Q`), since the library would draw it without the page's transform;
    /// images are dropped (the library would read their data as a content stream). A `Q`
    /// without its `q` is dropped and missing ones are added at the end, so that the stream
    /// leaves the graphics state as it found it.
    fn rewrite(
        &mut self,
        s: &[u8],
        resources: &Dictionary,
        renames: &Renames,
        depth: usize,
    ) -> (Vec<u8>, usize) {
        let mut out = Vec::with_capacity(s.len() + s.len() / 16);
        let mut copied = 0;
        let mut operands: Vec<(Tok, usize, usize)> = Vec::new();
        let mut shown = 0;
        let mut two_byte = false;
        let mut nesting = 0usize;
        let mut i = 0;
        // Replaces a name operand by its shared name, if it has one.
        let rename =
            |out: &mut Vec<u8>, copied: &mut usize, tok: (Tok, usize, usize), cat: char| {
                if tok.0 != Tok::Name {
                    return;
                }
                let name = unescape_name(&s[tok.1 + 1..tok.2]);
                if let Some(new) = renames.get(&(cat, name)) {
                    out.extend_from_slice(&s[*copied..tok.1]);
                    out.push(b'/');
                    out.extend_from_slice(new);
                    *copied = tok.2;
                }
            };
        while let Some(tok) = next_token(s, i) {
            i = tok.2;
            if tok.0 != Tok::Op {
                if operands.len() < 4096 {
                    operands.push(tok);
                }
                continue;
            }
            let op = &s[tok.1..tok.2];
            match op {
                b"Tf" if operands.len() >= 2 => {
                    let name_tok = operands[operands.len() - 2];
                    let size_tok = operands[operands.len() - 1];
                    if name_tok.0 == Tok::Name && size_tok.0 == Tok::Other {
                        let name = unescape_name(&s[name_tok.1 + 1..name_tok.2]);
                        let (style, wide) = self.fonts.style(self.doc, resources, &name);
                        two_byte = wide;
                        rename(&mut out, &mut copied, name_tok, 'F');
                        let size = std::str::from_utf8(&s[size_tok.1..size_tok.2])
                            .ok()
                            .and_then(|t| t.parse::<f64>().ok());
                        if let Some(size) = size {
                            out.extend_from_slice(&s[copied..size_tok.1]);
                            out.extend_from_slice(format_real(tag_size(size, style)).as_bytes());
                            copied = size_tok.2;
                        }
                    }
                }
                b"Tj" | b"TJ" => {
                    shown += operands
                        .iter()
                        .map(|t| shown_codes(s, *t, two_byte))
                        .sum::<usize>();
                }
                b"'" if !operands.is_empty() => {
                    let st = operands[operands.len() - 1];
                    shown += shown_codes(s, st, two_byte);
                    out.extend_from_slice(&s[copied..st.1]);
                    out.extend_from_slice(b"T* ");
                    out.extend_from_slice(&s[st.1..st.2]);
                    out.extend_from_slice(b" Tj");
                    copied = tok.2;
                }
                b"\"" if operands.len() >= 3 => {
                    let n = operands.len();
                    let (aw, ac, st) = (operands[n - 3], operands[n - 2], operands[n - 1]);
                    shown += shown_codes(s, st, two_byte);
                    out.extend_from_slice(&s[copied..aw.1]);
                    out.extend_from_slice(&s[aw.1..aw.2]);
                    out.extend_from_slice(b" Tw ");
                    out.extend_from_slice(&s[ac.1..ac.2]);
                    out.extend_from_slice(b" Tc T* ");
                    out.extend_from_slice(&s[st.1..st.2]);
                    out.extend_from_slice(b" Tj");
                    copied = tok.2;
                }
                b"q" => nesting += 1,
                b"Q" => {
                    if nesting == 0 {
                        out.extend_from_slice(&s[copied..tok.1]);
                        copied = tok.2;
                    } else {
                        nesting -= 1;
                    }
                }
                b"gs" | b"cs" | b"CS" | b"scn" | b"SCN" | b"sh" | b"BDC" | b"DP" => {
                    let cat = match op {
                        b"gs" => 'G',
                        b"cs" | b"CS" => 'C',
                        b"scn" | b"SCN" => 'P',
                        b"sh" => 'S',
                        _ => 'M',
                    };
                    if let Some(last) = operands.last() {
                        rename(&mut out, &mut copied, *last, cat);
                    }
                }
                b"Do" => {
                    let start = operands.first().map_or(tok.1, |t| t.1);
                    out.extend_from_slice(&s[copied..start]);
                    copied = tok.2;
                    if let Some(name) = operands.last().filter(|t| t.0 == Tok::Name) {
                        let name = unescape_name(&s[name.1 + 1..name.2]);
                        let (bytes, n) = self.form(resources, &name, depth);
                        out.extend_from_slice(&bytes);
                        shown += n;
                    }
                }
                b"ID" => {
                    // Inline image data runs to the first `EI` between white space.
                    let mut j = i + 1;
                    while j + 2 < s.len()
                        && !(is_white(s[j - 1])
                            && &s[j..j + 2] == b"EI"
                            && s.get(j + 2).is_none_or(|b| is_white(*b)))
                    {
                        j += 1;
                    }
                    i = (j + 2).min(s.len());
                }
                _ => {}
            }
            operands.clear();
        }
        out.extend_from_slice(&s[copied..]);
        for _ in 0..nesting {
            out.extend_from_slice(b"\nQ");
        }
        (out, shown)
    }

    /// The content of the form XObject `name` as it is to be drawn in place: `q`, its
    /// matrix, its rewritten content, `Q`. Nothing for an image, a missing object, a form
    /// nested too deep, or once [`MAX_INLINED`] is reached.
    fn form(&mut self, resources: &Dictionary, name: &[u8], depth: usize) -> (Vec<u8>, usize) {
        let doc = self.doc;
        let Some(entry) = sub_dict(doc, resources, b"XObject").and_then(|x| x.get(name).ok())
        else {
            return (Vec::new(), 0);
        };
        let Some(stream) = deref(doc, entry).and_then(|o| o.as_stream().ok()) else {
            return (Vec::new(), 0);
        };
        let is_form = stream.dict.get(b"Subtype").and_then(Object::as_name).ok() == Some(b"Form");
        if !is_form || depth >= 8 || self.inlined > MAX_INLINED {
            return (Vec::new(), 0);
        }
        let own = sub_dict(doc, &stream.dict, b"Resources");
        let res = own.unwrap_or(resources).clone();
        let scope = match entry.as_reference() {
            Ok((id, generation)) => format!("f{id}_{generation}"),
            Err(_) => format!("f{depth}_{}", hex(name)),
        };
        let renames = self.register(&res, &scope);
        let content = plain(stream);
        let (body, n) = self.rewrite(&content, &res, &renames, depth + 1);
        let mut out = b"\nq ".to_vec();
        if let Some(m) = stream
            .dict
            .get(b"Matrix")
            .ok()
            .and_then(|o| o.as_array().ok())
            .map(|a| a.iter().filter_map(number_of).collect::<Vec<f64>>())
            .filter(|m| m.len() == 6)
        {
            for v in m {
                out.extend_from_slice(format_real(v).as_bytes());
                out.push(b' ');
            }
            out.extend_from_slice(b"cm ");
        }
        out.push(b'\n');
        out.extend_from_slice(&body);
        out.extend_from_slice(b"\nQ\n");
        self.inlined += out.len();
        (out, n)
    }
}

/// A name token's bytes with `#xx` escapes decoded.
fn unescape_name(raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        if raw[i] == b'#' && i + 2 < raw.len() {
            let hex = std::str::from_utf8(&raw[i + 1..i + 3]).ok();
            if let Some(b) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(raw[i]);
        i += 1;
    }
    out
}

/// A real as PDF writes it: plain decimal, no exponent, exact for the tagged sizes.
fn format_real(v: f64) -> String {
    let s = format!("{v:.16}");
    let s = s.trim_end_matches('0');
    s.trim_end_matches('.').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tagged_size_survives_a_32_bit_real_and_keeps_its_style() {
        for size in [1.0, 9.96264, 10.5, 12.0, 11.04, 200.0] {
            for style in [
                FontStyle::default(),
                FontStyle {
                    bold: true,
                    italic: false,
                    family: 3,
                },
                FontStyle {
                    bold: true,
                    italic: true,
                    family: 30,
                },
            ] {
                let written = format_real(tag_size(size, style));
                let read: f32 = written.parse().unwrap();
                let back = FontStyle::from_size(read as f64);
                assert_eq!(back, Some(style), "{size} {written}");
                assert!((read as f64 - size).abs() < 0.003, "{size} {written}");
            }
        }
        assert_eq!(FontStyle::from_size(12.0), None);
        assert_eq!(FontStyle::from_size(300.0), None);
    }

    #[test]
    fn quote_operators_become_the_ones_the_library_reads() {
        let doc = Document::new();
        let src = b"BT /F1 12 Tf 14 TL (Rad ett) Tj (Rad \\(tv\\345\\)) ' 1 0.5 (tre) \" ET";
        let (out, shown) = Pass::new(&doc).rewrite(src, &Dictionary::new(), &Renames::new(), 0);
        let out = String::from_utf8_lossy(&out);
        assert_eq!(
            out,
            "BT /F1 12.0000152587890625 Tf 14 TL (Rad ett) Tj T* (Rad \\(tv\\345\\)) Tj 1 Tw 0.5 Tc T* (tre) Tj ET"
        );
        // Spaces aside: `Rad ett` 6, `Rad (två)` 8 (an octal escape is one byte), `tre` 3.
        assert_eq!(shown, 6 + 8 + 3);
    }

    #[test]
    fn strings_names_comments_and_inline_images_are_skipped_whole() {
        let doc = Document::new();
        let src = b"% a ' comment\nBI /W 1 ID \x00' \" Tf\nEI (a ' b) Tj <41 42> Tj";
        let (out, shown) = Pass::new(&doc).rewrite(src, &Dictionary::new(), &Renames::new(), 0);
        assert_eq!(out, src.to_vec());
        assert_eq!(shown, 3 + 2);
    }

    #[test]
    fn forms_are_drawn_in_place_images_dropped_and_names_shared() {
        let mut doc = Document::new();
        let font = doc.add_object(Dictionary::from_iter(vec![
            ("Type", Object::Name(b"Font".to_vec())),
            ("Subtype", Object::Name(b"Type1".to_vec())),
            (
                "BaseFont",
                Object::Name(b"ABCDEF+Arial-BoldItalicMT".to_vec()),
            ),
        ]));
        let mut form_res = Dictionary::new();
        form_res.set(
            "Font",
            Dictionary::from_iter(vec![("F9", Object::Reference(font))]),
        );
        let form = doc.add_object(Stream::new(
            Dictionary::from_iter(vec![
                ("Subtype", Object::Name(b"Form".to_vec())),
                (
                    "Matrix",
                    Object::Array(vec![
                        1.into(),
                        0.into(),
                        0.into(),
                        1.into(),
                        5.into(),
                        7.into(),
                    ]),
                ),
                ("Resources", Object::Dictionary(form_res)),
            ]),
            b"BT /F9 10 Tf (Sidhuvud) Tj ET".to_vec(),
        ));
        let image = doc.add_object(Stream::new(
            Dictionary::from_iter(vec![("Subtype", Object::Name(b"Image".to_vec()))]),
            vec![0xFF; 16],
        ));
        let mut res = Dictionary::new();
        res.set(
            "Font",
            Dictionary::from_iter(vec![("F1", Object::Reference(font))]),
        );
        res.set(
            "XObject",
            Dictionary::from_iter(vec![
                ("Fm0", Object::Reference(form)),
                ("Im0", Object::Reference(image)),
            ]),
        );
        let mut pass = Pass::new(&doc);
        let renames = pass.register(&res, "p1");
        let src = b"Q q /Fm0 Do Q /Im0 Do BT /F1 12 Tf (Text) Tj ET q";
        let (out, shown) = pass.rewrite(src, &res, &renames, 0);
        let out = String::from_utf8_lossy(&out).into_owned();
        let f = format!("/F{}_0", font.0);
        // The stray `Q` is gone, the form is in place with its matrix, the image is gone,
        // both names of the one font became one, and the open `q` is closed.
        assert_eq!(
            out,
            format!(
                " q \nq 1 0 0 1 5 7 cm \nBT {f} 10.0001220703125 Tf (Sidhuvud) Tj ET\nQ\n Q  BT {f} 12.0001220703125 Tf (Text) Tj ET q\nQ"
            )
        );
        assert_eq!(shown, 8 + 4);
        // Bold italic, read from the name: code 1 + 1 + 2 + 4 × family 1 = 8.
        assert_eq!(
            FontStyle::from_size(12.0001220703125),
            Some(FontStyle {
                bold: true,
                italic: true,
                family: 1
            })
        );
        assert!(pass.merged[&b"Font"[..]].has(&f.as_bytes()[1..]));
    }

    #[test]
    fn cid_width_ranges_become_lists() {
        let w = vec![
            Object::Integer(3),
            Object::Integer(3),
            Object::Integer(250),
            Object::Integer(11),
            Object::Array(vec![Object::Integer(333), Object::Integer(334)]),
            Object::Integer(19),
            Object::Integer(21),
            Object::Real(500.0),
        ];
        assert_eq!(
            widths_as_lists(&w),
            vec![
                Object::Integer(3),
                Object::Array(vec![Object::Integer(250)]),
                Object::Integer(11),
                Object::Array(vec![Object::Integer(333), Object::Integer(334)]),
                Object::Integer(19),
                Object::Array(vec![Object::Real(500.0); 3]),
            ]
        );
    }
}

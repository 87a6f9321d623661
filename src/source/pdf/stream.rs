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

/// What the pass found on one page.
#[derive(Clone, Debug, Default)]
pub struct PageCodes {
    /// Character codes shown, spaces excluded.
    pub shown: usize,
}

/// Rewrites every page's content (and the forms they draw) in `doc`, and returns for each
/// page number the codes it shows. A page whose content cannot be read is left as it was.
pub fn prepare(doc: &mut Document) -> HashMap<u32, PageCodes> {
    let pages: Vec<(u32, ObjectId)> = doc.get_pages().into_iter().collect();
    let mut fonts = FontTable::default();
    let mut forms: HashMap<ObjectId, usize> = HashMap::new();
    let mut out = HashMap::new();
    for (number, page_id) in pages {
        let Some(resources) = inherited_resources(doc, page_id) else {
            out.insert(number, PageCodes::default());
            continue;
        };
        let mut content = Vec::new();
        for id in doc.get_page_contents(page_id) {
            if let Ok(s) = doc.get_object(id).and_then(Object::as_stream) {
                content.extend(plain(s));
                content.push(b'\n');
            }
        }
        let mut shown = 0;
        shown += rewrite_forms(doc, &resources, &mut fonts, &mut forms, 0);
        let (bytes, n) = rewrite(&content, &resources, doc, &mut fonts, &forms);
        shown += n;
        let id = doc.add_object(Stream::new(Dictionary::new(), bytes));
        if let Ok(Object::Dictionary(page)) = doc.get_object_mut(page_id) {
            page.set("Contents", Object::Reference(id));
        }
        out.insert(number, PageCodes { shown });
    }
    out
}

fn plain(s: &Stream) -> Vec<u8> {
    if s.dict.get(b"Filter").is_ok() {
        s.decompressed_content().unwrap_or_default()
    } else {
        s.content.clone()
    }
}

fn inherited_resources(doc: &Document, page_id: ObjectId) -> Option<Dictionary> {
    let mut id = page_id;
    for _ in 0..32 {
        let page = doc.get_dictionary(id).ok()?;
        if let Ok(r) = page.get(b"Resources") {
            return deref(doc, r).and_then(|o| o.as_dict().ok()).cloned();
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

/// Rewrites the form XObjects a resource dictionary names (once each, depth-bounded) and
/// returns nothing shown: a form's codes count where a `Do` draws it.
fn rewrite_forms(
    doc: &mut Document,
    resources: &Dictionary,
    fonts: &mut FontTable,
    forms: &mut HashMap<ObjectId, usize>,
    depth: usize,
) -> usize {
    if depth > 8 {
        return 0;
    }
    let ids: Vec<ObjectId> = match sub_dict(doc, resources, b"XObject") {
        Some(x) => x
            .iter()
            .filter_map(|(_, v)| v.as_reference().ok())
            .collect(),
        None => return 0,
    };
    for id in ids {
        if forms.contains_key(&id) {
            continue;
        }
        let Ok(stream) = doc.get_object(id).and_then(Object::as_stream) else {
            continue;
        };
        if stream.dict.get(b"Subtype").and_then(Object::as_name).ok() != Some(b"Form") {
            continue;
        }
        forms.insert(id, 0);
        let own = sub_dict(doc, &stream.dict, b"Resources").cloned();
        let res = own.unwrap_or_else(|| resources.clone());
        let content = plain(stream);
        rewrite_forms(doc, &res, fonts, forms, depth + 1);
        let (bytes, n) = rewrite(&content, &res, doc, fonts, forms);
        forms.insert(id, n);
        if let Ok(Object::Stream(s)) = doc.get_object_mut(id) {
            s.set_plain_content(bytes);
        }
    }
    0
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

/// Rewrites one content stream; returns the new bytes and the codes it shows (with the
/// forms it draws, from `forms`).
fn rewrite(
    s: &[u8],
    resources: &Dictionary,
    doc: &Document,
    fonts: &mut FontTable,
    forms: &HashMap<ObjectId, usize>,
) -> (Vec<u8>, usize) {
    let mut out = Vec::with_capacity(s.len() + s.len() / 16);
    let mut copied = 0;
    let mut operands: Vec<(Tok, usize, usize)> = Vec::new();
    let mut shown = 0;
    let mut two_byte = false;
    let mut i = 0;
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
                    let (style, wide) = fonts.style(doc, resources, &name);
                    two_byte = wide;
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
            b"Do" => {
                if let Some(name) = operands.last().filter(|t| t.0 == Tok::Name) {
                    let name = unescape_name(&s[name.1 + 1..name.2]);
                    let id = sub_dict(doc, resources, b"XObject")
                        .and_then(|x| x.get(&name).ok())
                        .and_then(|o| o.as_reference().ok());
                    shown += id.and_then(|id| forms.get(&id)).copied().unwrap_or(0);
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
    (out, shown)
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
        let mut fonts = FontTable::default();
        let src = b"BT /F1 12 Tf 14 TL (Rad ett) Tj (Rad \\(tv\\345\\)) ' 1 0.5 (tre) \" ET";
        let (out, shown) = rewrite(src, &Dictionary::new(), &doc, &mut fonts, &HashMap::new());
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
        let mut fonts = FontTable::default();
        let src = b"% a ' comment\nBI /W 1 ID \x00' \" Tf\nEI (a ' b) Tj <41 42> Tj";
        let (out, shown) = rewrite(src, &Dictionary::new(), &doc, &mut fonts, &HashMap::new());
        assert_eq!(out, src.to_vec());
        assert_eq!(shown, 3 + 2);
    }
}

//! Stage 1, reading PDF: fonts. What a font dictionary says about the codes a content
//! stream shows: how many bytes each code has, the text it stands for (the `/ToUnicode`
//! map first, then the encoding with its `/Differences`, then the font program's own
//! encoding), its advance width, and the style of the face (bold, italic, family).
//!
//! Nothing here panics on a malformed font: what cannot be read is left out (a code with
//! no text gives no character but still advances), and every table is bounded.

use super::cmap::{self, CodeMap};
use super::tables;
use lopdf::{Dictionary, Document, Object};
use rustc_hash::FxHashMap;

/// The style of a font, as far as its name and descriptor tell.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FontStyle {
    pub bold: bool,
    pub italic: bool,
    /// The font family, numbered 1.. in order of first appearance in the pages' resources
    /// (0 unknown; all families after the 30th share 30).
    pub family: u8,
}

/// A font as the interpreter needs it.
#[derive(Debug)]
pub struct Font {
    pub style: FontStyle,
    /// Glyph space → text space for widths (1/1000, or a Type 3 font's matrix).
    pub scale: f64,
    kind: Kind,
}

#[derive(Debug)]
enum Kind {
    /// One byte a code: text and width by code.
    Simple {
        text: Vec<Box<str>>,
        widths: Vec<f64>,
    },
    /// Codes of one to four bytes (a CMap), text by code, widths by CID.
    Composite {
        codes: CodeMap,
        text: FxHashMap<u32, Box<str>>,
        widths: FxHashMap<u32, f64>,
        default_width: f64,
    },
}

/// One code of a shown string.
pub struct Code<'f> {
    /// Its text ("" when the font gives none).
    pub text: &'f str,
    /// Its advance in glyph units (before [`Font::scale`]).
    pub width: f64,
    /// A single-byte code 32: word spacing applies.
    pub is_space: bool,
}

impl Font {
    /// Reads a font dictionary.
    pub fn load(doc: &Document, font: &Dictionary, style: FontStyle) -> Font {
        let subtype = name_of(doc, font, b"Subtype").unwrap_or_default();
        let to_unicode = match get(doc, font, b"ToUnicode") {
            Some(Object::Stream(s)) => Some(cmap::to_unicode(&plain(s))),
            _ => None,
        };
        if subtype == b"Type0" {
            return Font::composite(doc, font, style, to_unicode);
        }
        let type3 = subtype == b"Type3";
        let scale = if type3 {
            get(doc, font, b"FontMatrix")
                .and_then(|o| o.as_array().ok())
                .and_then(|a| a.first())
                .and_then(|o| num(doc, o))
                .filter(|v| v.is_finite() && v.abs() < 1e6)
                .unwrap_or(0.001)
        } else {
            0.001
        };
        let base = base_name(doc, font);
        let descriptor = get(doc, font, b"FontDescriptor").and_then(|o| o.as_dict().ok());
        let encoding = simple_encoding(doc, font, &subtype, &base, descriptor);
        let mut widths = vec![f64::NAN; 256];
        let first = get(doc, font, b"FirstChar").and_then(|o| num(doc, o));
        let list = get(doc, font, b"Widths").and_then(|o| o.as_array().ok());
        if let (Some(first), Some(list)) = (first, list) {
            for (k, w) in list.iter().enumerate() {
                let code = first as i64 + k as i64;
                if let (Ok(c), Some(w)) = (usize::try_from(code), num(doc, w))
                    && c < 256
                {
                    widths[c] = w;
                }
            }
        } else if let Some(metrics) = core_metrics(&base) {
            for (c, u) in encoding.iter().enumerate() {
                if let Ok(k) = metrics.binary_search_by_key(u, |m| m.0)
                    && *u != 0
                {
                    widths[c] = metrics[k].1 as f64;
                }
            }
        }
        let missing = descriptor
            .and_then(|d| get(doc, d, b"MissingWidth"))
            .and_then(|o| num(doc, o))
            .unwrap_or(0.0);
        for w in widths.iter_mut().filter(|w| w.is_nan()) {
            *w = missing;
        }
        let text = (0..256u32)
            .map(|c| match to_unicode.as_ref().and_then(|m| m.get(&c)) {
                Some(t) => t.as_str().into(),
                None => unicode_text(encoding[c as usize]),
            })
            .collect();
        Font {
            style,
            scale,
            kind: Kind::Simple { text, widths },
        }
    }

    fn composite(
        doc: &Document,
        font: &Dictionary,
        style: FontStyle,
        to_unicode: Option<FxHashMap<u32, String>>,
    ) -> Font {
        let codes = match get(doc, font, b"Encoding") {
            Some(Object::Stream(s)) => CodeMap::parse(&plain(s)),
            // Identity-H and -V; other predefined CMaps are read as two-byte codes too,
            // their text then comes from the ToUnicode map.
            _ => CodeMap::identity(),
        };
        let cid_font = get(doc, font, b"DescendantFonts")
            .and_then(|o| o.as_array().ok())
            .and_then(|a| a.first())
            .and_then(|o| deref(doc, o))
            .and_then(|o| o.as_dict().ok());
        let mut widths = FxHashMap::default();
        let mut default_width = 1000.0;
        if let Some(cf) = cid_font {
            if let Some(dw) = get(doc, cf, b"DW").and_then(|o| num(doc, o)) {
                default_width = dw;
            }
            if let Some(w) = get(doc, cf, b"W").and_then(|o| o.as_array().ok()) {
                cid_widths(doc, w, &mut widths);
            }
        }
        let text = to_unicode
            .unwrap_or_default()
            .into_iter()
            .map(|(k, v)| (k, v.into_boxed_str()))
            .collect();
        Font {
            style,
            scale: 0.001,
            kind: Kind::Composite {
                codes,
                text,
                widths,
                default_width,
            },
        }
    }

    /// The code starting at byte `i` of `s` and its length, or `None` when the bytes left
    /// make no complete code.
    pub fn code_at(&self, s: &[u8], i: usize) -> Option<(Code<'_>, usize)> {
        match &self.kind {
            Kind::Simple { text, widths } => {
                let c = *s.get(i)? as usize;
                Some((
                    Code {
                        text: &text[c],
                        width: widths[c],
                        is_space: c == 32,
                    },
                    1,
                ))
            }
            Kind::Composite {
                codes,
                text,
                widths,
                default_width,
            } => {
                let (code, n) = codes.next_code(s, i)?;
                let cid = codes.cid(code);
                Some((
                    Code {
                        text: text.get(&code).map_or("", |t| t),
                        width: widths.get(&cid).copied().unwrap_or(*default_width),
                        is_space: n == 1 && code == 32,
                    },
                    n,
                ))
            }
        }
    }
}

/// A `/W` array: `first [w w ...]` lists and `first last w` ranges (a range at most 65,536
/// CIDs).
fn cid_widths(doc: &Document, w: &[Object], out: &mut FxHashMap<u32, f64>) {
    let mut i = 0;
    while i + 1 < w.len() {
        let Some(first) = num(doc, &w[i]).filter(|v| *v >= 0.0 && *v < u32::MAX as f64) else {
            break;
        };
        let first = first as u32;
        match deref(doc, &w[i + 1]) {
            Some(Object::Array(list)) => {
                for (k, v) in list.iter().enumerate().take(cmap::MAX_RANGE as usize) {
                    if let Some(v) = num(doc, v) {
                        out.insert(first.saturating_add(k as u32), v);
                    }
                }
                i += 2;
            }
            Some(o) => {
                let (Some(last), Some(width)) =
                    (num(doc, o), w.get(i + 2).and_then(|v| num(doc, v)))
                else {
                    break;
                };
                if last >= first as f64 && last - (first as f64) < cmap::MAX_RANGE as f64 {
                    for c in first..=last as u32 {
                        out.insert(c, width);
                    }
                }
                i += 3;
            }
            None => break,
        }
    }
}

/// The code → Unicode table of a simple font (0 where a code has none).
fn simple_encoding(
    doc: &Document,
    font: &Dictionary,
    subtype: &[u8],
    base: &str,
    descriptor: Option<&Dictionary>,
) -> Vec<u16> {
    let named = |n: &[u8]| -> Option<&'static [u16; 256]> {
        Some(match n {
            b"WinAnsiEncoding" => &tables::WIN_ANSI,
            b"MacRomanEncoding" => &tables::MAC_ROMAN,
            b"MacExpertEncoding" => &tables::MAC_EXPERT,
            b"StandardEncoding" => &tables::STANDARD,
            _ => return None,
        })
    };
    // Without an encoding in the font dictionary: the font program's own.
    let builtin = || -> Vec<u16> {
        if let Some(d) = descriptor
            && let Some(Object::Stream(s)) = get(doc, d, b"FontFile")
            && let Some(t) = type1_encoding(&plain(s))
        {
            return t;
        }
        match base {
            "Symbol" => tables::SYMBOL.to_vec(),
            "ZapfDingbats" => tables::ZAPF_DINGBATS.to_vec(),
            _ if subtype == b"TrueType" => tables::WIN_ANSI.to_vec(),
            _ if core_metrics(base).is_some() => tables::STANDARD.to_vec(),
            _ => tables::PDF_DOC.to_vec(),
        }
    };
    match get(doc, font, b"Encoding") {
        Some(Object::Name(n)) => named(n).map_or_else(builtin, |t| t.to_vec()),
        Some(Object::Dictionary(d)) => {
            let mut table = name_of(doc, d, b"BaseEncoding")
                .and_then(|n| named(&n))
                .map_or_else(|| tables::PDF_DOC.to_vec(), |t| t.to_vec());
            if let Some(diffs) = get(doc, d, b"Differences").and_then(|o| o.as_array().ok()) {
                let mut code: i64 = 0;
                for o in diffs {
                    match deref(doc, o) {
                        Some(Object::Integer(i)) => code = *i,
                        Some(Object::Name(n)) => {
                            if let (Ok(c), Some(u)) = (usize::try_from(code), glyph_unicode(n))
                                && c < 256
                            {
                                table[c] = u;
                            }
                            code = code.saturating_add(1);
                        }
                        _ => {}
                    }
                }
            }
            table
        }
        _ => builtin(),
    }
}

/// The encoding in a Type 1 font program's clear-text part (`dup 65 /A put` lines), over
/// PDFDocEncoding; `StandardEncoding` as such.
fn type1_encoding(program: &[u8]) -> Option<Vec<u16>> {
    let head = &program[..program.len().min(64 * 1024)];
    let at = memchr::memmem::find(head, b"/Encoding")?;
    let rest = &head[at + 9..];
    let end = memchr::memmem::find(rest, b"readonly def")
        .or_else(|| memchr::memmem::find(rest, b"eexec"))
        .unwrap_or(rest.len());
    let rest = &rest[..end];
    if rest.trim_ascii_start().starts_with(b"StandardEncoding") {
        return Some(tables::STANDARD.to_vec());
    }
    let mut table = tables::PDF_DOC.to_vec();
    let mut found = false;
    let words: Vec<&[u8]> = rest
        .split(|b| super::lex::is_white(*b))
        .filter(|w| !w.is_empty())
        .collect();
    for w in words.windows(4) {
        if w[0] == b"dup" && w[3] == b"put" && w[2].starts_with(b"/") {
            let code = std::str::from_utf8(w[1])
                .ok()
                .and_then(|t| t.parse::<usize>().ok());
            if let (Some(c), Some(u)) = (code, glyph_unicode(&w[2][1..]))
                && c < 256
            {
                table[c] = u;
                found = true;
            }
        }
    }
    found.then_some(table)
}

/// A glyph name's Unicode value: the Adobe Glyph List, then `uniXXXX` and `uXXXX`.
pub fn glyph_unicode(name: &[u8]) -> Option<u16> {
    if let Some(u) = tables::GLYPH_NAMES
        .get(name)
        .or_else(|| tables::ZAPF_NAMES.get(name))
    {
        return Some(u);
    }
    let name = std::str::from_utf8(name).ok()?;
    let hex = name
        .strip_prefix("uni")
        .filter(|h| h.len() == 4)
        .or_else(|| name.strip_prefix('u').filter(|h| h.len() == 4))?;
    u16::from_str_radix(hex, 16).ok().filter(|u| *u != 0)
}

fn unicode_text(u: u16) -> Box<str> {
    match char::from_u32(u as u32) {
        Some(c) if u != 0 && (!c.is_control() || c == '\t') => c.to_string().into(),
        _ => Box::from(""),
    }
}

/// A standard font's widths (Unicode, width), for a font that gives none: by its name, or
/// by a common name for the same face (`Arial` is Helvetica, `TimesNewRoman` Times).
fn core_metrics(base: &str) -> Option<&'static [(u16, u16)]> {
    let find = |n: &str| {
        tables::CORE_FONTS
            .iter()
            .find(|(name, _)| *name == n)
            .map(|(_, m)| *m)
    };
    if let Some(m) = find(base) {
        return Some(m);
    }
    let lower = base.to_ascii_lowercase();
    let bold = lower.contains("bold");
    let italic = lower.contains("italic") || lower.contains("oblique");
    let family = if lower.starts_with("arial") || lower.starts_with("helvetica") {
        "Helvetica"
    } else if lower.starts_with("times") {
        "Times"
    } else if lower.starts_with("courier") {
        "Courier"
    } else {
        return None;
    };
    let name = match (family, bold, italic) {
        ("Times", false, false) => "Times-Roman".to_string(),
        ("Times", true, true) => "Times-BoldItalic".to_string(),
        ("Times", true, false) => "Times-Bold".to_string(),
        ("Times", false, true) => "Times-Italic".to_string(),
        (f, true, true) => format!("{f}-BoldOblique"),
        (f, true, false) => format!("{f}-Bold"),
        (f, false, true) => format!("{f}-Oblique"),
        (f, false, false) => f.to_string(),
    };
    find(&name)
}

/// A font's base name without a subset tag (`ABCDEF+Arial-BoldMT` → `Arial-BoldMT`).
pub fn base_name(doc: &Document, font: &Dictionary) -> String {
    let base = name_of(doc, font, b"BaseFont")
        .map(|n| String::from_utf8_lossy(&n).into_owned())
        .unwrap_or_default();
    match base.split_once('+') {
        Some((tag, rest)) if tag.len() == 6 && tag.bytes().all(|b| b.is_ascii_uppercase()) => {
            rest.to_string()
        }
        _ => base,
    }
}

/// Bold, italic and the family name of a font, from its name and descriptor.
pub fn describe(doc: &Document, font: &Dictionary) -> (bool, bool, String) {
    let base = base_name(doc, font);
    let descendant = if name_of(doc, font, b"Subtype").as_deref() == Some(b"Type0") {
        get(doc, font, b"DescendantFonts")
            .and_then(|o| o.as_array().ok())
            .and_then(|a| a.first())
            .and_then(|o| deref(doc, o))
            .and_then(|o| o.as_dict().ok())
    } else {
        None
    };
    let descriptor =
        get(doc, descendant.unwrap_or(font), b"FontDescriptor").and_then(|o| o.as_dict().ok());
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
        let n = |k: &[u8]| get(doc, d, k).and_then(|o| num(doc, o));
        let flags = n(b"Flags").unwrap_or(0.0) as i64;
        italic |= flags & 64 != 0 || n(b"ItalicAngle").is_some_and(|a| a.abs() > 0.5);
        bold |= flags & (1 << 18) != 0 || n(b"FontWeight").is_some_and(|w| w >= 600.0);
    }
    (bold, italic, family.to_string())
}

// ---------------------------------------------------------------------------------------
// Reading objects without trusting them
// ---------------------------------------------------------------------------------------

/// Follows references (a chain of at most 16).
pub fn deref<'a>(doc: &'a Document, mut o: &'a Object) -> Option<&'a Object> {
    for _ in 0..16 {
        match o {
            Object::Reference(id) => o = doc.objects.get(id)?,
            _ => return Some(o),
        }
    }
    None
}

/// A dictionary entry, references followed.
pub fn get<'a>(doc: &'a Document, d: &'a Dictionary, key: &[u8]) -> Option<&'a Object> {
    deref(doc, d.get(key).ok()?)
}

pub fn name_of(doc: &Document, d: &Dictionary, key: &[u8]) -> Option<Vec<u8>> {
    get(doc, d, key)
        .and_then(|o| o.as_name().ok())
        .map(<[u8]>::to_vec)
}

pub fn num(doc: &Document, o: &Object) -> Option<f64> {
    match deref(doc, o)? {
        Object::Integer(i) => Some(*i as f64),
        Object::Real(r) => Some(*r as f64),
        _ => None,
    }
}

/// A stream's decoded bytes (its raw bytes when a filter is unknown or fails).
pub fn plain(s: &lopdf::Stream) -> Vec<u8> {
    if s.dict.get(b"Filter").is_ok() {
        s.decompressed_content()
            .unwrap_or_else(|_| s.content.clone())
    } else {
        s.content.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glyph_names_decode_by_list_and_by_code() {
        assert_eq!(glyph_unicode(b"aring"), Some(0xe5));
        assert_eq!(glyph_unicode(b"section"), Some(0xa7));
        assert_eq!(glyph_unicode(b"uni2013"), Some(0x2013));
        assert_eq!(glyph_unicode(b"u00E4"), Some(0xe4));
        assert_eq!(glyph_unicode(b"a1"), Some(0x2701));
        assert_eq!(glyph_unicode(b"g17"), None);
    }

    #[test]
    fn a_type1_program_gives_its_encoding() {
        let p = b"%!PS-AdobeFont-1.0: X\n/Encoding 256 array\n0 1 255 {1 index exch /.notdef put} for\n\
            dup 65 /A put\ndup 228 /adieresis put\nreadonly def\ncurrentfile eexec";
        let t = type1_encoding(p).unwrap();
        assert_eq!(t[65], 0x41);
        assert_eq!(t[228], 0xe4);
        let s = type1_encoding(b"/Encoding StandardEncoding def").unwrap();
        assert_eq!(s[0x27], 0x2019);
        assert!(type1_encoding(b"nothing here").is_none());
    }

    #[test]
    fn standard_fonts_have_widths_by_name_and_by_alias() {
        let h = core_metrics("Helvetica").unwrap();
        let a = h.binary_search_by_key(&0x41, |m| m.0).unwrap();
        assert_eq!(h[a].1, 667);
        assert_eq!(core_metrics("Arial,Bold"), core_metrics("Helvetica-Bold"));
        assert_eq!(
            core_metrics("TimesNewRomanPSMT"),
            core_metrics("Times-Roman")
        );
        assert!(core_metrics("Garamond").is_none());
    }
}

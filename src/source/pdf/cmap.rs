//! Stage 1, reading PDF: CMaps. A font's `/ToUnicode` map (codes → text) and a composite
//! font's `/Encoding` CMap (byte sequences → codes → CIDs), read from their PostScript-like
//! streams. Bounded: a range never expands past [`MAX_RANGE`] codes, nor a map past
//! [`MAX_ENTRIES`], so a hostile CMap costs little.

use rustc_hash::FxHashMap;

/// The most codes one `bfrange` line expands to.
pub const MAX_RANGE: u32 = 65_536;
/// The most entries one ToUnicode map holds.
pub const MAX_ENTRIES: usize = 1 << 20;

/// A token of a CMap stream.
#[derive(Debug, PartialEq)]
enum Tok<'a> {
    /// A hex or literal string's bytes.
    Str(Vec<u8>),
    Int(i64),
    Open,
    Close,
    /// An operator or anything else (names, dictionaries' delimiters).
    Word(&'a [u8]),
}

struct Lexer<'a> {
    s: &'a [u8],
    i: usize,
}

impl<'a> Lexer<'a> {
    fn next(&mut self) -> Option<Tok<'a>> {
        let s = self.s;
        loop {
            while self.i < s.len() && super::lex::is_white(s[self.i]) {
                self.i += 1;
            }
            if self.i < s.len() && s[self.i] == b'%' {
                while self.i < s.len() && !matches!(s[self.i], b'\n' | b'\r') {
                    self.i += 1;
                }
                continue;
            }
            break;
        }
        let start = self.i;
        let b = *s.get(start)?;
        match b {
            b'<' if s.get(start + 1) == Some(&b'<') => {
                self.i += 2;
                Some(Tok::Word(&s[start..self.i]))
            }
            b'<' => {
                let end = memchr::memchr(b'>', &s[start..]).map_or(s.len(), |k| start + k);
                self.i = (end + 1).min(s.len());
                Some(Tok::Str(super::lex::hex_bytes(&s[start + 1..end])))
            }
            b'(' => {
                let mut out = Vec::new();
                self.i = super::lex::literal_bytes(s, start, &mut out);
                Some(Tok::Str(out))
            }
            b'[' => {
                self.i += 1;
                Some(Tok::Open)
            }
            b']' => {
                self.i += 1;
                Some(Tok::Close)
            }
            _ => {
                let end = super::lex::token_end(s, start);
                self.i = end.max(start + 1);
                let w = &s[start..self.i];
                match std::str::from_utf8(w)
                    .ok()
                    .and_then(|t| t.parse::<i64>().ok())
                {
                    Some(n) => Some(Tok::Int(n)),
                    None => Some(Tok::Word(w)),
                }
            }
        }
    }
}

/// A code's value: its bytes read big-endian (at most four).
fn code_of(b: &[u8]) -> Option<u32> {
    if b.is_empty() || b.len() > 4 {
        return None;
    }
    Some(b.iter().fold(0u32, |v, x| (v << 8) | *x as u32))
}

/// Text from UTF-16BE bytes: unpaired surrogates and control characters (a tab aside) are
/// dropped; an odd last byte stands for itself.
pub fn utf16_text(b: &[u8]) -> String {
    let units = b.chunks(2).map(|c| match c {
        [hi, lo] => ((*hi as u16) << 8) | *lo as u16,
        [lo] => *lo as u16,
        _ => 0,
    });
    char::decode_utf16(units)
        .filter_map(|r| r.ok())
        .filter(|c| !c.is_control() || *c == '\t')
        .collect()
}

/// `bytes` with its last UTF-16 unit raised by `k` (a `bfrange` line's destinations).
fn bumped(bytes: &[u8], k: u32) -> Vec<u8> {
    let mut out = bytes.to_vec();
    let n = out.len();
    if n >= 2 {
        let last = ((out[n - 2] as u32) << 8 | out[n - 1] as u32).wrapping_add(k);
        out[n - 2] = (last >> 8) as u8;
        out[n - 1] = last as u8;
    } else if n == 1 {
        out[0] = (out[0] as u32).wrapping_add(k) as u8;
    }
    out
}

/// Reads a ToUnicode CMap: code → text.
pub fn to_unicode(s: &[u8]) -> FxHashMap<u32, String> {
    let mut map = FxHashMap::default();
    let mut lx = Lexer { s, i: 0 };
    let mut toks: Vec<Tok> = Vec::new();
    while let Some(t) = lx.next() {
        match t {
            Tok::Word(b"endbfchar") => {
                for pair in toks.chunks_exact(2) {
                    if let (Tok::Str(src), Tok::Str(dst)) = (&pair[0], &pair[1])
                        && let Some(code) = code_of(src)
                        && map.len() < MAX_ENTRIES
                    {
                        map.insert(code, utf16_text(dst));
                    }
                }
                toks.clear();
            }
            Tok::Word(b"endbfrange") => {
                let mut k = 0;
                while k + 2 < toks.len() {
                    let (Tok::Str(lo), Tok::Str(hi)) = (&toks[k], &toks[k + 1]) else {
                        k += 1;
                        continue;
                    };
                    let (Some(lo), Some(hi)) = (code_of(lo), code_of(hi)) else {
                        k += 1;
                        continue;
                    };
                    let hi = hi.min(lo.saturating_add(MAX_RANGE - 1));
                    match &toks[k + 2] {
                        Tok::Str(dst) => {
                            for c in lo..=hi {
                                if map.len() >= MAX_ENTRIES {
                                    break;
                                }
                                map.insert(c, utf16_text(&bumped(dst, c - lo)));
                            }
                            k += 3;
                        }
                        Tok::Open => {
                            let mut c = lo;
                            k += 3;
                            while k < toks.len() && toks[k] != Tok::Close {
                                if let Tok::Str(dst) = &toks[k]
                                    && c <= hi
                                    && map.len() < MAX_ENTRIES
                                {
                                    map.insert(c, utf16_text(dst));
                                }
                                c = c.saturating_add(1);
                                k += 1;
                            }
                            k += 1;
                        }
                        _ => k += 3,
                    }
                }
                toks.clear();
            }
            Tok::Word(b"beginbfchar") | Tok::Word(b"beginbfrange") => toks.clear(),
            t => {
                // Only what stands between a begin and its end is kept; a runaway list
                // (no end) is cut off.
                if toks.len() < 3 * MAX_RANGE as usize {
                    toks.push(t);
                }
            }
        }
    }
    map
}

/// A composite font's encoding: how many bytes each code has, and its CID.
#[derive(Debug, Default, Clone)]
pub struct CodeMap {
    /// (bytes, low, high) of each code space range.
    pub spaces: Vec<(u8, u32, u32)>,
    /// (low, high, first CID) of each CID range (single codes are ranges of one).
    pub cids: Vec<(u32, u32, u32)>,
    /// CID = code (`Identity-H`, `Identity-V`).
    pub identity: bool,
}

impl CodeMap {
    pub fn identity() -> CodeMap {
        CodeMap {
            spaces: vec![(2, 0, 0xffff)],
            cids: Vec::new(),
            identity: true,
        }
    }

    /// Reads an embedded CMap stream.
    pub fn parse(s: &[u8]) -> CodeMap {
        let mut out = CodeMap::default();
        let mut lx = Lexer { s, i: 0 };
        let mut toks: Vec<Tok> = Vec::new();
        while let Some(t) = lx.next() {
            match t {
                Tok::Word(b"endcodespacerange") => {
                    for pair in toks.chunks_exact(2) {
                        if let (Tok::Str(lo), Tok::Str(hi)) = (&pair[0], &pair[1])
                            && let (Some(l), Some(h)) = (code_of(lo), code_of(hi))
                        {
                            out.spaces.push((lo.len() as u8, l, h));
                        }
                    }
                    toks.clear();
                }
                Tok::Word(b"endcidrange") => {
                    for t in toks.chunks_exact(3) {
                        if let (Tok::Str(lo), Tok::Str(hi), Tok::Int(cid)) = (&t[0], &t[1], &t[2])
                            && let (Some(l), Some(h)) = (code_of(lo), code_of(hi))
                            && let Ok(cid) = u32::try_from(*cid)
                        {
                            out.cids.push((l, h, cid));
                        }
                    }
                    toks.clear();
                }
                Tok::Word(b"endcidchar") => {
                    for t in toks.chunks_exact(2) {
                        if let (Tok::Str(c), Tok::Int(cid)) = (&t[0], &t[1])
                            && let Some(c) = code_of(c)
                            && let Ok(cid) = u32::try_from(*cid)
                        {
                            out.cids.push((c, c, cid));
                        }
                    }
                    toks.clear();
                }
                Tok::Word(
                    b"begincodespacerange" | b"begincidrange" | b"begincidchar" | b"usecmap",
                ) => toks.clear(),
                t => {
                    if toks.len() < 3 * MAX_RANGE as usize {
                        toks.push(t);
                    }
                }
            }
        }
        if out.spaces.is_empty() {
            out.spaces.push((2, 0, 0xffff));
        }
        out
    }

    /// The next code in `s` from `i`: (code, its length in bytes), or `None` when the bytes
    /// left are no complete code.
    pub fn next_code(&self, s: &[u8], i: usize) -> Option<(u32, usize)> {
        let mut code = 0u32;
        for n in 1..=4usize {
            code = (code << 8) | *s.get(i + n - 1)? as u32;
            if self
                .spaces
                .iter()
                .any(|&(w, lo, hi)| w as usize == n && (lo..=hi).contains(&code))
            {
                return Some((code, n));
            }
        }
        None
    }

    /// A code's CID (0, the missing glyph, when no range has it).
    pub fn cid(&self, code: u32) -> u32 {
        if self.identity {
            return code;
        }
        self.cids
            .iter()
            .find(|(lo, hi, _)| (*lo..=*hi).contains(&code))
            .map_or(0, |(lo, _, cid)| cid + (code - lo))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bfchar_and_both_bfrange_forms_are_read() {
        let s = b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n\
            1 begincodespacerange <00> <FF> endcodespacerange\n\
            2 beginbfchar <03> <0020> <A7> <00A7> endbfchar\n\
            2 beginbfrange <41> <43> <0061> <E4> <E5> [<00E4> <00E5>] endbfrange\n\
            1 beginbfchar <1F> <D835DC00> endbfchar endcmap";
        let m = to_unicode(s);
        assert_eq!(m[&0x03], " ");
        assert_eq!(m[&0xA7], "§");
        assert_eq!(m[&0x41], "a");
        assert_eq!(m[&0x43], "c");
        assert_eq!(m[&0xE4], "ä");
        assert_eq!(m[&0xE5], "å");
        assert_eq!(m[&0x1F], "𝐀");
        assert_eq!(m.len(), 8);
    }

    #[test]
    fn a_huge_range_is_cut_and_garbage_is_no_panic() {
        let m = to_unicode(b"1 beginbfrange <00000000> <FFFFFFFF> <0041> endbfrange");
        assert_eq!(m.len(), MAX_RANGE as usize);
        for junk in [
            &b"beginbfrange <41> endbfrange"[..],
            b"endbfchar",
            b"<",
            b"(",
            b"[ ] ]",
        ] {
            to_unicode(junk);
            CodeMap::parse(junk);
        }
    }

    #[test]
    fn an_embedded_cmap_gives_code_lengths_and_cids() {
        let m = CodeMap::parse(
            b"2 begincodespacerange <00> <80> <8140> <FFFF> endcodespacerange\n\
              1 begincidrange <20> <7E> 1 endcidrange 1 begincidchar <8140> 633 endcidchar",
        );
        assert_eq!(m.next_code(b"A", 0), Some((0x41, 1)));
        assert_eq!(m.next_code(b"\x81\x40", 0), Some((0x8140, 2)));
        assert_eq!(m.next_code(b"\x81", 0), None);
        assert_eq!(m.cid(0x41), 0x22);
        assert_eq!(m.cid(0x8140), 633);
        assert_eq!(m.cid(0x10), 0);
        assert_eq!(
            CodeMap::identity().next_code(b"\x00\x41", 0),
            Some((0x41, 2))
        );
    }
}

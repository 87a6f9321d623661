//! Stage 3b, comparing words: tokens, similarity fingerprints, and the word diff of one
//! aligned pair (similar, always bounded, with a whole-stycke fallback).
//!
//! The bound is counted, not timed: a pair whose worst case is too much work, or that would
//! overdraw the comparison's [`Budget`], gets the fallback, so the same input always gives
//! the same output. A wall-clock cap stays only as a last resort against a slow machine; when
//! it strikes, it is counted in [`Budget::capped`] and reported.

use serde::Serialize;
use similar::DiffOp;
use std::time::{Duration, Instant};

mod patience;

/// Pairs with more tokens than this (old + new) are not word-diffed; they get the fallback.
pub const MAX_DIFF_TOKENS: usize = 40_000;

/// The most work one pair may take, in [`work`] units (worst-case steps of the diff): about
/// 10,000 differing tokens, a few tens of milliseconds.
pub const PAIR_WORK: u64 = 25_000_000;

/// The most work all the word diffs of one comparison may take together; later pairs get
/// the fallback. Real statutes use a small share of it: a 1,000-paragraph pair about 1%.
pub const TOTAL_WORK: u64 = 2_000_000_000;

/// The last-resort wall-clock cap of one pair (reached only on a machine far slower than
/// the work bounds assume).
pub const PAIR_CAP: Duration = Duration::from_secs(2);

/// What the word diffs of one comparison may still spend.
#[derive(Clone, Debug)]
pub struct Budget {
    /// Work units left ([`work`]).
    pub left: u64,
    /// The wall-clock cap of the whole comparison: the last resort.
    pub cap: Instant,
    /// Pairs that hit a wall-clock cap (their output may differ between runs).
    pub capped: usize,
}

impl Budget {
    pub fn new(total_work: u64, cap: Instant) -> Budget {
        Budget {
            left: total_work,
            cap,
            capped: 0,
        }
    }
}

/// The worst-case number of steps of diffing two token sequences: with `d` tokens left
/// after the common beginning and end are set aside, `(d/2)²` (Myers' bound, which
/// patience diff falls back to where it finds no unique anchors), plus the tokens read.
pub fn work<T: PartialEq>(old: &[T], new: &[T]) -> u64 {
    let prefix = old.iter().zip(new).take_while(|(a, b)| a == b).count();
    let suffix = old[prefix..]
        .iter()
        .rev()
        .zip(new[prefix..].iter().rev())
        .take_while(|(a, b)| a == b)
        .count();
    let d = (old.len() + new.len() - 2 * (prefix + suffix)) as u64;
    (d / 2 + 1).pow(2) + (old.len() + new.len()) as u64
}

/// An unchanged run of at most this many words between two changes is folded into them,
/// so a reader sees one change instead of a comb of small ones.
pub const FOLD_WORDS: usize = 2;

/// A single changed word shows only its changed ending when at least this many leading
/// characters are shared (`myndighet` → `myndighet[en]`).
pub const MIN_SHARED_STEM: usize = 4;

/// One inline change operation. Texts keep the document's spacing; `\n` separates
/// stycken and punkter.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "op", rename_all = "lowercase")]
pub enum Op {
    Equal { text: String },
    Delete { old: String },
    Insert { new: String },
    Replace { old: String, new: String },
}

impl Op {
    pub fn is_change(&self) -> bool {
        !matches!(self, Op::Equal { .. })
    }
    /// The text as it stands in the old version.
    pub fn old_text(&self) -> &str {
        match self {
            Op::Equal { text } => text,
            Op::Delete { old } | Op::Replace { old, .. } => old,
            Op::Insert { .. } => "",
        }
    }
    /// The text as it stands in the new version.
    pub fn new_text(&self) -> &str {
        match self {
            Op::Equal { text } => text,
            Op::Insert { new } | Op::Replace { new, .. } => new,
            Op::Delete { .. } => "",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Word,
    Punct,
    /// A stycke or punkt boundary (`\n`).
    Break,
}

/// A token and the whitespace in front of it, as byte offsets into its text (`ws..start`
/// the whitespace, `start..end` the token), all character boundaries: made without
/// slicing, as a long pair has thousands of them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Token {
    ws: usize,
    start: usize,
    end: usize,
    kind: Kind,
}

impl Token {
    #[cfg(test)]
    fn text(self, s: &str) -> &str {
        &s[self.start..self.end]
    }
    fn ws(self, s: &str) -> &str {
        &s[self.ws..self.start]
    }
}

/// Characters that join the parts of one word when a letter or digit follows them:
/// `e-post`, `2018/1972`, `EU:s`, `40.5`.
fn is_connector(c: char) -> bool {
    matches!(c, '-' | '/' | ':' | '.' | '’' | '\'' | '\u{2011}')
}

/// The kind of an ASCII byte for the tokenizer (`HIGH`: a byte of a longer character).
const T_OTHER: u8 = 0;
const T_ALNUM: u8 = 1;
const T_SPACE: u8 = 2;
const T_BREAK: u8 = 3;
const T_HIGH: u8 = 4;

const TOKEN_CLASS: [u8; 256] = {
    let mut t = [T_OTHER; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = if c >= 0x80 {
            T_HIGH
        } else if c.is_ascii_alphanumeric() {
            T_ALNUM
        } else if c == b'\n' {
            T_BREAK
        } else if matches!(c, b' ' | b'\t' | 0x0b | 0x0c | b'\r') {
            // The ASCII characters `char::is_whitespace` takes, less the break.
            T_SPACE
        } else {
            T_OTHER
        };
        b += 1;
    }
    t
};

/// Splits text into words, punctuation (a run of one character, so `§§` is one token)
/// and stycke breaks, each with its leading whitespace. Reads bytes through a table,
/// decoding a character only where one starts that is not ASCII: the word diffs of long
/// paragraphs (lists of definitions) spend much of their time here.
fn tokenize(s: &str) -> Vec<Token> {
    let bytes = s.as_bytes();
    let len = bytes.len();
    let mut out = Vec::with_capacity(len / 5 + 1);
    let mut ws_start = 0;
    let mut i = 0;
    while i < len {
        let b = bytes[i];
        let (end, kind) = match TOKEN_CLASS[usize::from(b)] {
            T_SPACE => {
                i += 1;
                continue;
            }
            T_BREAK => {
                out.push(Token {
                    ws: i,
                    start: i,
                    end: i + 1,
                    kind: Kind::Break,
                });
                i += 1;
                ws_start = i;
                continue;
            }
            T_ALNUM => (word_end(s, i + 1), Kind::Word),
            T_HIGH => {
                let (c, w) = char_at(s, i);
                if c.is_whitespace() {
                    i += w;
                    continue;
                }
                if is_alnum(c) {
                    (word_end(s, i + w), Kind::Word)
                } else {
                    // A run of the same character: its bytes again and again.
                    let mut end = i + w;
                    while bytes[end..].starts_with(&bytes[i..i + w]) {
                        end += w;
                    }
                    (end, Kind::Punct)
                }
            }
            _ => {
                let mut end = i + 1;
                while end < len && bytes[end] == b {
                    end += 1;
                }
                (end, Kind::Punct)
            }
        };
        out.push(Token {
            ws: ws_start,
            start: i,
            end,
            kind,
        });
        ws_start = end;
        i = end;
        // Most tokens are followed by one space: past it without the table.
        if bytes.get(i) == Some(&b' ') {
            i += 1;
        }
    }
    out
}

/// The end of the word whose first character ends at byte `end` of `s`: letters and
/// digits, joined by a connector with a letter or digit after it; a hyphen before
/// whitespace or the end stays with the word (`hälso- och`).
#[inline]
fn word_end(s: &str, mut end: usize) -> usize {
    let bytes = s.as_bytes();
    let len = bytes.len();
    loop {
        while end < len && TOKEN_CLASS[usize::from(bytes[end])] == T_ALNUM {
            end += 1;
        }
        if end >= len {
            return end;
        }
        // å ä ö and the rest of U+00C0–U+00FF but × and ÷: C3 and one more byte.
        if bytes[end] == 0xC3 && !matches!(bytes.get(end + 1), Some(0x97 | 0xB7)) {
            end += 2;
            continue;
        }
        let (d, dw) = char_at(s, end);
        if dw > 1 && is_alnum(d) {
            end += dw;
            continue;
        }
        if !is_connector(d) {
            return end;
        }
        if end + dw >= len {
            return if d == '-' { end + dw } else { end };
        }
        let (a, _) = char_at(s, end + dw);
        if is_alnum(a) {
            end += dw;
        } else if d == '-' && a.is_whitespace() {
            return end + dw;
        } else {
            return end;
        }
    }
}

/// The character at byte `i` of `s` (a character boundary) and its length in bytes.
#[inline]
fn char_at(s: &str, i: usize) -> (char, usize) {
    let b = s.as_bytes()[i];
    if b < 0x80 {
        return (char::from(b), 1);
    }
    s[i..]
        .chars()
        .next()
        .map_or((' ', 1), |c| (c, c.len_utf8()))
}

/// `char::is_alphanumeric`, answered for ASCII and the Latin-1 letters (å, ä, ö, é: all of
/// U+00C0–U+00FF but × and ÷) without the Unicode tables.
#[inline]
fn is_alnum(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else if ('\u{C0}'..='\u{FF}').contains(&c) {
        c != '×' && c != '÷'
    } else {
        c.is_alphanumeric()
    }
}

#[cfg(test)]
/// The tokenizer as first written, on chars (the reference [`tokenize`] is tested against).
/// Splits text into words, punctuation (a run of one character, so `§§` is one token)
/// and stycke breaks, each with its leading whitespace.
fn tokenize_reference(s: &str) -> Vec<Token> {
    let mut out = Vec::with_capacity(s.len() / 5 + 1);
    let mut ws_start = 0;
    let mut it = s.char_indices().peekable();
    while let Some((i, c)) = it.next() {
        if c == '\n' {
            out.push(Token {
                ws: i,
                start: i,
                end: i + 1,
                kind: Kind::Break,
            });
            ws_start = i + 1;
            continue;
        }
        if c.is_whitespace() {
            continue;
        }
        let mut end = i + c.len_utf8();
        let kind = if c.is_alphanumeric() {
            loop {
                match it.peek().copied() {
                    Some((j, d)) if d.is_alphanumeric() => {
                        it.next();
                        end = j + d.len_utf8();
                    }
                    Some((j, d)) if is_connector(d) => {
                        let after = s[j + d.len_utf8()..].chars().next();
                        match after {
                            Some(a) if a.is_alphanumeric() => {
                                it.next();
                                end = j + d.len_utf8();
                            }
                            // A suspended compound keeps its hyphen: `hälso- och`.
                            Some(a) if d == '-' && a.is_whitespace() => {
                                it.next();
                                end = j + d.len_utf8();
                                break;
                            }
                            None if d == '-' => {
                                it.next();
                                end = j + d.len_utf8();
                                break;
                            }
                            _ => break,
                        }
                    }
                    _ => break,
                }
            }
            Kind::Word
        } else {
            while let Some((j, d)) = it.peek().copied() {
                if d != c {
                    break;
                }
                it.next();
                end = j + d.len_utf8();
            }
            Kind::Punct
        };
        out.push(Token {
            ws: ws_start,
            start: i,
            end,
            kind,
        });
        ws_start = end;
    }
    out
}

const MIX: u64 = 0x517c_c1b7_2722_0a95;
const WORD_SEED: u64 = 0x9e37_79b9_7f4a_7c15;

/// The word hash as first written, the reference of [`word_hash`] in the tests: it
/// accumulates bytes eight at a time into a running hash seeded with [`WORD_SEED`].
#[cfg(test)]
struct ByteHash {
    h: u64,
    buf: u64,
    n: u32,
}

#[cfg(test)]
impl ByteHash {
    fn new() -> Self {
        ByteHash {
            h: WORD_SEED,
            buf: 0,
            n: 0,
        }
    }
    #[inline]
    fn push(&mut self, b: u8) {
        self.buf = (self.buf << 8) | u64::from(b);
        self.n += 1;
        if self.n == 8 {
            self.h = (self.h.rotate_left(5) ^ self.buf).wrapping_mul(MIX);
            self.buf = 0;
            self.n = 0;
        }
    }
    fn finish(&self) -> u64 {
        (self.h.rotate_left(5) ^ self.buf ^ (u64::from(self.n) << 60)).wrapping_mul(MIX)
    }
}

/// A stable hash of a text, eight bytes at a time. Equal keys find identical paragraphs
/// quickly; texts that differ only in spacing get different keys but are still aligned (by
/// similarity) and then shown as equal. Seedless, so output never depends on a random seed.
pub fn text_key(s: &str) -> u64 {
    let mut h = KeyHasher::new(s.len());
    h.write(s.as_bytes());
    h.finish()
}

/// [`text_key`] of a text given in pieces (the same key however it is cut), so that a text
/// made of parts can be keyed without joining them. The length is given first.
///
/// Every paragraph of both versions is keyed, about a megabyte of text for a pair of
/// 0.6 MB statutes, so the text is taken 32 bytes at a time into four lanes: one lane, a
/// chain of multiplications each waiting for the last, ran at about 1.6 bytes a cycle.
pub struct KeyHasher {
    lanes: [u64; 4],
    buf: [u8; 32],
    n: usize,
}

impl KeyHasher {
    pub fn new(len: usize) -> KeyHasher {
        let h = 0x9e37_79b9_7f4a_7c15 ^ len as u64;
        KeyHasher {
            lanes: [h, h ^ 1, h ^ 2, h ^ 3],
            buf: [0; 32],
            n: 0,
        }
    }
    pub fn write(&mut self, mut bytes: &[u8]) {
        if self.n > 0 {
            let take = (32 - self.n).min(bytes.len());
            self.buf[self.n..self.n + take].copy_from_slice(&bytes[..take]);
            self.n += take;
            bytes = &bytes[take..];
            if self.n < 32 {
                return;
            }
            mix_block(&mut self.lanes, &self.buf);
            self.n = 0;
        }
        let mut chunks = bytes.chunks_exact(32);
        for c in &mut chunks {
            if let Ok(b) = <&[u8; 32]>::try_from(c) {
                mix_block(&mut self.lanes, b);
            }
        }
        let rest = chunks.remainder();
        self.buf[..rest.len()].copy_from_slice(rest);
        self.n = rest.len();
    }
    pub fn finish(&self) -> u64 {
        // The bytes left (fewer than 32, zero-padded) go into the lanes as one more block;
        // the length, in the seed, tells `a` from `a\0`.
        let mut last = [0u8; 32];
        last[..self.n].copy_from_slice(&self.buf[..self.n]);
        let mut lanes = self.lanes;
        mix_block(&mut lanes, &last);
        let mut out = 0u64;
        for lane in lanes {
            out = (out.rotate_left(5) ^ lane).wrapping_mul(MIX);
        }
        out
    }
}

/// Mixes 32 bytes into the four lanes of a [`KeyHasher`], eight bytes each.
#[inline]
fn mix_block(lanes: &mut [u64; 4], b: &[u8; 32]) {
    for (k, lane) in lanes.iter_mut().enumerate() {
        let mut w = [0u8; 8];
        w.copy_from_slice(&b[8 * k..8 * k + 8]);
        *lane = (lane.rotate_left(5) ^ u64::from_le_bytes(w)).wrapping_mul(MIX);
    }
}

/// True when two texts are the same apart from whitespace.
pub fn same_but_spacing(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    let (x, y) = (a.as_bytes(), b.as_bytes());
    let word = |s: &[u8], at: usize| {
        let mut w = [0u8; 8];
        w.copy_from_slice(&s[at..at + 8]);
        u64::from_ne_bytes(w)
    };
    // What is not whitespace agrees up to `i` in `a` and `j` in `b` (character boundaries).
    let (mut i, mut j) = (0, 0);
    loop {
        // The texts mostly agree byte for byte, spacing and all: skip that, eight bytes at
        // a time, then back to a character boundary (the bytes skipped are the same in
        // both, so the boundary is the same too).
        while i + 8 <= x.len() && j + 8 <= y.len() && word(x, i) == word(y, j) {
            i += 8;
            j += 8;
        }
        while i < x.len() && j < y.len() && x[i] == y[j] {
            i += 1;
            j += 1;
        }
        while !a.is_char_boundary(i) {
            i -= 1;
            j -= 1;
        }
        let (si, sj) = (skip_spacing(a, i), skip_spacing(b, j));
        if (si, sj) == (i, j) {
            // No whitespace here: two different characters, or an end.
            return i == x.len() && j == y.len();
        }
        (i, j) = (si, sj);
    }
}

/// The first byte at or after `i` (a character boundary) that does not start whitespace.
#[inline(always)]
fn skip_spacing(s: &str, mut i: usize) -> usize {
    let bytes = s.as_bytes();
    while i < bytes.len() {
        match TOKEN_CLASS[usize::from(bytes[i])] {
            T_SPACE | T_BREAK => i += 1,
            T_HIGH => {
                let (c, w) = char_at(s, i);
                if !c.is_whitespace() {
                    return i;
                }
                i += w;
            }
            _ => return i,
        }
    }
    i
}

/// Whether a byte of UTF-8 text can be part of a word when scanning bytes: ASCII letters
/// and digits, and the bytes of non-ASCII characters (Swedish letters); `§`, the no-break
/// space and the general punctuation block (dashes, quotes) are handled by the caller.
#[inline]
fn word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b >= 0x80
}

/// Non-ASCII characters that separate words: `§` and the no-break space (C2 A7, C2 A0) and
/// the general punctuation block U+2000–U+206F (E2 80 xx, E2 81 xx): dashes, quotes.
#[inline]
fn separator_at(bytes: &[u8], i: usize) -> usize {
    match bytes[i] {
        0xC2 if matches!(bytes.get(i + 1), Some(0xA0 | 0xA7 | 0xAB | 0xBB)) => 2,
        0xE2 if matches!(bytes.get(i + 1), Some(0x80 | 0x81)) => 3,
        _ => 0,
    }
}

/// Calls `f` with the case-folded hash of every word of `s`. Works on bytes, without
/// allocating, since it runs over every paragraph of both versions; the word rule follows
/// the tokenizer's (letters and digits, joined by `-`, `/`, `:`, `.`, `'` between them).
/// A word's extent is found first (a table per byte), then it is folded and hashed eight
/// bytes at a time.
fn for_each_word_hash(s: &str, mut f: impl FnMut(u32)) {
    let bytes = s.as_bytes();
    let len = bytes.len();
    let mut i = 0;
    while i < len {
        match BYTE_CLASS[usize::from(bytes[i])] {
            WORD => {}
            HIGH => {
                let sep = separator_at(bytes, i);
                if sep > 0 {
                    i += sep;
                    continue;
                }
            }
            _ => {
                i += 1;
                continue;
            }
        }
        let start = i;
        i += 1;
        while i < len {
            // Eight bytes at a time while they plainly continue the word (most of a word);
            // the byte that stops them is then read by the rule below.
            while let Some(eight) = bytes.get(i..i + 8) {
                let mut b = [0u8; 8];
                b.copy_from_slice(eight);
                let stop = !plain_word_bytes(u64::from_le_bytes(b)) & HIGH_BITS;
                if stop != 0 {
                    i += (stop.trailing_zeros() / 8) as usize;
                    break;
                }
                i += 8;
            }
            let Some(&b) = bytes.get(i) else {
                break;
            };
            match BYTE_CLASS[usize::from(b)] {
                WORD => i += 1,
                HIGH if separator_at(bytes, i) == 0 => i += 1,
                CONNECTOR
                    if bytes
                        .get(i + 1)
                        .is_some_and(|&n| word_byte(n) && separator_at(bytes, i + 1) == 0) =>
                {
                    i += 2
                }
                _ => break,
            }
        }
        f((word_hash(bytes, start, i) >> 32) as u32);
    }
}

const OTHER: u8 = 0;
const WORD: u8 = 1;
const CONNECTOR: u8 = 2;
const HIGH: u8 = 3;

/// What each byte can be in a word: an ASCII letter or digit, a connector (between two
/// word bytes), a byte of a non-ASCII character (a word byte unless the character is a
/// separator, see [`separator_at`]), or nothing.
static BYTE_CLASS: [u8; 256] = {
    let mut t = [OTHER; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = if c >= 0x80 {
            HIGH
        } else if c.is_ascii_alphanumeric() {
            WORD
        } else if matches!(c, b'-' | b'/' | b':' | b'.' | b'\'') {
            CONNECTOR
        } else {
            OTHER
        };
        b += 1;
    }
    t
};

const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
const HIGH_BITS: u64 = 0x8080_8080_8080_8080;
const ONES: u64 = 0x0101_0101_0101_0101;

/// The high bit of every byte of `x` equal to `b`.
#[inline]
fn bytes_equal(x: u64, b: u8) -> u64 {
    let y = x ^ (ONES * u64::from(b));
    !(((y & LOW7) + LOW7) | y) & HIGH_BITS
}

/// The high bit of every byte of `x` that continues a word whatever follows it: an ASCII
/// letter or digit, or a byte of a non-ASCII character other than C2 and E2 (which may
/// begin a separator, see [`separator_at`]). Connectors are not (they depend on the next
/// byte).
#[inline]
fn plain_word_bytes(x: u64) -> u64 {
    let high = x & HIGH_BITS;
    crate::source::ascii_alnum_bytes(x) | (high & !bytes_equal(x, 0xC2) & !bytes_equal(x, 0xE2))
}

/// Case folding of eight bytes (big-endian, as [`word_hash`] reads them): ASCII capitals,
/// and the Latin-1 capitals (0x80–0x9E but ×) after a C3 byte. `carry` marks the first
/// byte as following a C3.
#[inline]
fn fold8(x: u64, carry: u64) -> u64 {
    let low = x & LOW7;
    let ascii = !x & HIGH_BITS;
    // Below 0x80, from 0x41 (`A`) and not from 0x5B (after `Z`); no byte carries over.
    let upper = ((low + ONES * 0x3f) & !(low + ONES * 0x25)) & ascii;
    if ascii == HIGH_BITS {
        // No Latin-1 letter to fold (most chunks are ASCII): the capitals alone.
        return x | (upper >> 2);
    }
    let after_c3 = (bytes_equal(x, 0xC3) >> 8) | carry;
    let latin =
        bytes_equal(x & (ONES * 0xE0), 0x80) & !bytes_equal(x, 0x9F) & !bytes_equal(x, 0x97);
    x | (((upper & HIGH_BITS) | (after_c3 & latin)) >> 2)
}

/// The hash of a word's folded bytes (`bytes[start..end]`), eight at a time (big-endian
/// words mixed in turn, then the rest with its length): the hash the reference computes a
/// byte at a time.
#[inline]
fn word_hash(bytes: &[u8], start: usize, end: usize) -> u64 {
    let w = &bytes[start..end];
    let mut h = WORD_SEED;
    let mut carry = 0;
    let mut chunks = w.chunks_exact(8);
    for c in &mut chunks {
        let mut b = [0u8; 8];
        b.copy_from_slice(c);
        h = (h.rotate_left(5) ^ fold8(u64::from_be_bytes(b), carry)).wrapping_mul(MIX);
        carry = if b[7] == 0xC3 { 0x80 << 56 } else { 0 };
    }
    let n = chunks.remainder().len();
    let buf = if n == 0 {
        // fold8(0, 0) is 0.
        0
    } else {
        // The rest in the low `n` bytes, zeros above: read as the eight bytes that end the
        // word with those before the rest masked off (one load, where a copy of a varying
        // length is a call to memcpy for every word), or copied near the start of the text.
        let rest = if end >= 8 {
            let mut b = [0u8; 8];
            b.copy_from_slice(&bytes[end - 8..end]);
            u64::from_be_bytes(b) & (u64::MAX >> (8 * (8 - n)))
        } else {
            let mut b = [0u8; 8];
            b[8 - n..].copy_from_slice(chunks.remainder());
            u64::from_be_bytes(b)
        };
        // The first byte of the rest sits at byte 8 − n from the top.
        fold8(rest, carry >> (8 * (8 - n)))
    };
    (h.rotate_left(5) ^ buf ^ ((n as u64) << 60)).wrapping_mul(MIX)
}

#[cfg(test)]
/// The word hashing as first written, a byte at a time with state (the reference
/// [`for_each_word_hash`] is tested against).
/// Calls `f` with the case-folded hash of every word of `s`. Works on bytes, without
/// allocating, since it runs over every paragraph of both versions; the word rule follows
/// the tokenizer's (letters and digits, joined by `-`, `/`, `:`, `.`, `'` between them).
fn for_each_word_hash_reference(s: &str, mut f: impl FnMut(u32)) {
    let bytes = s.as_bytes();
    let mut h = ByteHash::new();
    let mut in_word = false;
    let mut prev = 0u8;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let sep = if b >= 0x80 { separator_at(bytes, i) } else { 0 };
        if sep == 0 && word_byte(b) {
            if !in_word {
                h = ByteHash::new();
                in_word = true;
            }
            // Case folding: ASCII capitals, and the Latin-1 capitals after C3 (Å Ä Ö É).
            let folded = if b.is_ascii_uppercase() {
                b | 0x20
            } else if prev == 0xC3 && (0x80..=0x9E).contains(&b) && b != 0x97 {
                b + 0x20
            } else {
                b
            };
            h.push(folded);
            prev = b;
            i += 1;
            continue;
        }
        if in_word
            && matches!(b, b'-' | b'/' | b':' | b'.' | b'\'')
            && bytes
                .get(i + 1)
                .is_some_and(|&n| word_byte(n) && separator_at(bytes, i + 1) == 0)
        {
            h.push(b);
            prev = b;
            i += 1;
            continue;
        }
        if in_word {
            f((h.finish() >> 32) as u32);
            in_word = false;
        }
        prev = b;
        i += sep.max(1);
    }
    if in_word {
        f((h.finish() >> 32) as u32);
    }
}

/// The multiset of a text's words (case-folded 32-bit hashes, sorted): what similarity is
/// measured on. Punctuation is not part of it; paragraph labels never are in the text.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Fingerprint(Vec<u32>);

impl Fingerprint {
    pub fn of(s: &str) -> Fingerprint {
        let mut v: Vec<u32> = Vec::with_capacity(s.len() / 6 + 1);
        for_each_word_hash(s, |h| v.push(h));
        sort_hashes(&mut v);
        v.shrink_to_fit();
        Fingerprint(v)
    }
    pub fn len(&self) -> usize {
        self.0.len()
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    /// The distinct word hashes (for an inverted index).
    pub fn distinct(&self) -> impl Iterator<Item = u32> + '_ {
        let mut last = None;
        self.0.iter().copied().filter(move |h| {
            let new = last != Some(*h);
            last = Some(*h);
            new
        })
    }
    /// Each distinct word hash with the number of times it occurs, in increasing hash order.
    pub fn counted(&self) -> impl Iterator<Item = (u32, u32)> + '_ {
        self.0
            .chunk_by(|a, b| a == b)
            .map(|run| (run[0], u32::try_from(run.len()).unwrap_or(u32::MAX)))
    }
    /// The multiset union of two fingerprints (the text of two paragraphs read as one).
    pub fn plus(&self, o: &Fingerprint) -> Fingerprint {
        let mut v = Vec::with_capacity(self.0.len() + o.0.len());
        v.extend_from_slice(&self.0);
        v.extend_from_slice(&o.0);
        v.sort_unstable();
        Fingerprint(v)
    }
    /// Size of the multiset intersection.
    pub fn common(&self, o: &Fingerprint) -> usize {
        self.common_at_least(o, 0).unwrap_or(0)
    }
    /// Size of the multiset intersection when it is at least `need`; `None` as soon as the
    /// words not yet compared cannot reach it. Among many left-over paragraphs the move
    /// search compares each with the few that share its rare words, and most such pairs
    /// still share few words.
    pub fn common_at_least(&self, o: &Fingerprint, need: usize) -> Option<usize> {
        let (short, long) = if self.0.len() <= o.0.len() {
            (&self.0, &o.0)
        } else {
            (&o.0, &self.0)
        };
        // Every word of the shorter side found missing lowers the most it can share.
        let slack = short.len().checked_sub(need)?;
        // A long paragraph (a list of definitions) against a short one: search the long side
        // instead of walking it, in O(short × log long).
        if long.len() > GALLOP_RATIO * short.len() {
            return gallop_common(short, long, slack);
        }
        let (mut i, mut j, mut n) = (0, 0, 0);
        while i < short.len() && j < long.len() {
            match short[i].cmp(&long[j]) {
                std::cmp::Ordering::Less => {
                    i += 1;
                    if i - n > slack {
                        return None;
                    }
                }
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    n += 1;
                    i += 1;
                    j += 1;
                }
            }
        }
        (short.len() - n <= slack).then_some(n)
    }
    /// Dice coefficient on word multisets, 0..1. Two empty texts are identical (1).
    pub fn dice(&self, o: &Fingerprint) -> f64 {
        let total = self.0.len() + o.0.len();
        if total == 0 {
            return 1.0;
        }
        // The intersection is at most the smaller side: a cheap bound skips hopeless pairs.
        2.0 * self.common(o) as f64 / total as f64
    }
    /// The upper bound of [`Fingerprint::dice`] from the sizes alone.
    pub fn dice_bound(&self, o: &Fingerprint) -> f64 {
        let total = self.0.len() + o.0.len();
        if total == 0 {
            return 1.0;
        }
        2.0 * self.0.len().min(o.0.len()) as f64 / total as f64
    }
    /// Share of this text's words found in the other, 0..1.
    pub fn contained_in(&self, o: &Fingerprint) -> f64 {
        if self.0.is_empty() {
            return 0.0;
        }
        self.common(o) as f64 / self.0.len() as f64
    }
}

/// Sorts word hashes: a comparison sort for a paragraph's words, a radix sort (three
/// digits of 11 bits, least significant first) for more.
///
/// Timed on the hashes of a real paragraph, cut to size: the standard library's unstable
/// sort took 1.0 µs for 130 words against 2.1 for a radix sort by bytes (four passes), 3.8
/// for 400 against 5.2, and 13.6 for 1,305 (the definitions of Lagen om elektronisk
/// kommunikation) against 15.4; three passes of 11 bits took 13.6 there, and from 2,500
/// words on are the fastest (44 µs for 5,000 against 63 by bytes and 64 compared).
fn sort_hashes(v: &mut Vec<u32>) {
    if v.len() < RADIX_MIN_WORDS {
        v.sort_unstable();
        return;
    }
    const BITS: u32 = 11;
    const DIGITS: usize = 1 << BITS;
    const MASK: u32 = (DIGITS - 1) as u32;
    let digit = |h: u32, d: usize| ((h >> (BITS * d as u32)) & MASK) as usize;
    let mut counts = vec![[0u32; DIGITS]; 3];
    for &h in v.iter() {
        for (d, c) in counts.iter_mut().enumerate() {
            c[digit(h, d)] += 1;
        }
    }
    let mut other = vec![0u32; v.len()];
    let (mut from, mut to): (&mut [u32], &mut [u32]) = (&mut v[..], &mut other[..]);
    let mut swapped = false;
    for (d, c) in counts.iter_mut().enumerate() {
        // A digit all hashes share orders nothing.
        if c.iter().any(|&n| n as usize == from.len()) {
            continue;
        }
        let mut at = 0;
        for n in c.iter_mut() {
            let here = *n;
            *n = at;
            at += here;
        }
        for &h in from.iter() {
            let k = digit(h, d);
            to[c[k] as usize] = h;
            c[k] += 1;
        }
        std::mem::swap(&mut from, &mut to);
        swapped = !swapped;
    }
    if swapped {
        *v = other;
    }
}

/// From this many words on, [`sort_hashes`] sorts by digits.
const RADIX_MIN_WORDS: usize = 1_024;

/// Above this ratio of sizes, [`Fingerprint::common_at_least`] searches the longer side.
const GALLOP_RATIO: usize = 8;

/// The multiset intersection of two sorted lists, the first much shorter: each of its words
/// is looked for by exponential search from where the last one was found (the first
/// unmatched equal word of `long`, so repeated words pair one to one, as in a merge).
fn gallop_common(short: &[u32], long: &[u32], slack: usize) -> Option<usize> {
    let (mut j, mut n, mut missed) = (0usize, 0usize, 0usize);
    for &x in short {
        // Exponential then binary search for the first element of long[j..] >= x.
        let rest = &long[j..];
        let mut hi = 1;
        while hi < rest.len() && rest[hi - 1] < x {
            hi *= 2;
        }
        let lo = hi / 2;
        let hi = hi.min(rest.len());
        let k = lo + rest[lo..hi].partition_point(|&y| y < x);
        j += k;
        if j < long.len() && long[j] == x {
            n += 1;
            j += 1;
        } else {
            missed += 1;
            if missed > slack {
                return None;
            }
        }
    }
    Some(n)
}

/// The word diff of one pair.
#[derive(Clone, Debug, Default)]
pub struct WordDiff {
    pub ops: Vec<Op>,
    /// Share of tokens kept, 0..1 (`2 × equal / (old + new)`).
    pub similarity: f64,
    /// The work or size limit (or the last-resort wall-clock cap) was hit: the ops replace whole stycken.
    pub fallback: bool,
    /// Changes that turned out to be spacing only and were shown as equal.
    pub whitespace_only: u32,
}

impl WordDiff {
    pub fn has_changes(&self) -> bool {
        self.ops.iter().any(Op::is_change)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tag {
    Equal,
    Change,
}

/// A region of the diff over token indices.
#[derive(Clone, Debug)]
struct Region {
    tag: Tag,
    old: std::ops::Range<usize>,
    new: std::ops::Range<usize>,
}

/// Diffs two texts word by word with a fresh budget of [`TOTAL_WORK`] and `deadline` as the
/// last-resort cap; see [`diff_within`].
pub fn diff(old: &str, new: &str, deadline: Instant) -> WordDiff {
    diff_within(old, new, &mut Budget::new(TOTAL_WORK, deadline))
}

/// Diffs two texts word by word, spending from `budget`. A pair over [`MAX_DIFF_TOKENS`] or
/// [`PAIR_WORK`], or one the budget cannot pay for, falls back to replacing whole stycken,
/// so no input can hang the caller and the same input always gives the same answer.
pub fn diff_within(old: &str, new: &str, budget: &mut Budget) -> WordDiff {
    let ot = tokenize(old);
    let nt = tokenize(new);
    if ot.len() + nt.len() > MAX_DIFF_TOKENS {
        return fallback(old, new);
    }
    // Ids instead of texts: the diff only asks which tokens are equal.
    let (ob, nb) = (old.as_bytes(), new.as_bytes());
    let (ok, nk, distinct) = patience::intern(
        ot.iter().map(|t| &ob[t.start..t.end]),
        nt.iter().map(|t| &nb[t.start..t.end]),
    );
    let w = work(&ok, &nk);
    if w > PAIR_WORK || w > budget.left {
        return fallback(old, new);
    }
    budget.left -= w;
    let deadline = (Instant::now() + PAIR_CAP).min(budget.cap);
    let raw = patience::diff(&ok, &nk, distinct, deadline);
    if Instant::now() >= deadline {
        // The algorithm may have approximated: a coarse but honest answer instead, counted
        // so the caller can say that this output depended on the clock.
        budget.capped += 1;
        return fallback(old, new);
    }
    let mut regions: Vec<Region> = Vec::with_capacity(raw.len());
    for op in raw {
        let (tag, o, n) = match op {
            DiffOp::Equal { .. } => (Tag::Equal, op.old_range(), op.new_range()),
            _ => (Tag::Change, op.old_range(), op.new_range()),
        };
        match regions.last_mut() {
            Some(last) if last.tag == tag => {
                last.old.end = o.end;
                last.new.end = n.end;
            }
            _ => regions.push(Region {
                tag,
                old: o,
                new: n,
            }),
        }
    }
    // Spacing-only changes (`676/ 2002/EG` → `676/2002/EG`) are not changes.
    let mut whitespace_only = 0;
    for r in &mut regions {
        if r.tag == Tag::Change && !r.old.is_empty() && !r.new.is_empty() {
            let a = ot[r.old.clone()].iter().map(|t| &ob[t.start..t.end]);
            let b = nt[r.new.clone()].iter().map(|t| &nb[t.start..t.end]);
            if a.flatten().eq(b.flatten()) {
                r.tag = Tag::Equal;
                whitespace_only += 1;
            }
        }
    }
    let regions = merge_adjacent(regions);
    // Similarity before folding, on what really stayed the same.
    let kept: usize = regions
        .iter()
        .filter(|r| r.tag == Tag::Equal)
        .map(|r| r.old.len().max(r.new.len()))
        .sum();
    let total = ot.len() + nt.len();
    let similarity = if total == 0 {
        1.0
    } else {
        (2.0 * kept as f64 / total as f64).min(1.0)
    };
    let regions = fold(regions, &ot);
    let ops = render_ops(&regions, (old, &ot), (new, &nt));
    WordDiff {
        ops,
        similarity,
        fallback: false,
        whitespace_only,
    }
}

fn merge_adjacent(regions: Vec<Region>) -> Vec<Region> {
    let mut out: Vec<Region> = Vec::with_capacity(regions.len());
    for r in regions {
        match out.last_mut() {
            Some(last) if last.tag == r.tag => {
                last.old.end = r.old.end;
                last.new.end = r.new.end;
            }
            _ => out.push(r),
        }
    }
    out
}

/// Folds short unchanged runs between two changes into one change (never across a stycke
/// break, so a change stays inside its stycke).
fn fold(regions: Vec<Region>, ot: &[Token]) -> Vec<Region> {
    let mut out: Vec<Region> = Vec::with_capacity(regions.len());
    let mut i = 0;
    while i < regions.len() {
        let r = &regions[i];
        let short_gap = r.tag == Tag::Equal
            && i > 0
            && i + 1 < regions.len()
            && out.last().is_some_and(|l| l.tag == Tag::Change)
            && regions[i + 1].tag == Tag::Change
            && {
                let toks = &ot[r.old.clone()];
                toks.iter().all(|t| t.kind != Kind::Break)
                    && toks.iter().filter(|t| t.kind == Kind::Word).count() <= FOLD_WORDS
            };
        if short_gap && let Some(last) = out.last_mut() {
            let next = &regions[i + 1];
            last.old.end = next.old.end;
            last.new.end = next.new.end;
            i += 2;
            continue;
        }
        match out.last_mut() {
            Some(last) if last.tag == r.tag => {
                last.old.end = r.old.end;
                last.new.end = r.new.end;
            }
            _ => out.push(r.clone()),
        }
        i += 1;
    }
    out
}

/// `lead` and then the text of `tokens` of `src` (the whitespace before the first one
/// left out), in one string sized up front: an unchanged run of a long paragraph is most
/// of its text. The tokens are that stretch of `src` less the whitespace before a stycke
/// break, so when their lengths add up to the stretch's, it is copied whole.
fn join_after(lead: &str, src: &str, tokens: &[Token]) -> String {
    let len = lead.len()
        + tokens
            .iter()
            .enumerate()
            .map(|(i, t)| t.end - if i > 0 { t.ws } else { t.start })
            .sum::<usize>();
    let mut s = String::with_capacity(len);
    s.push_str(lead);
    if let (Some(first), Some(last)) = (tokens.first(), tokens.last())
        && last.end - first.start == len - lead.len()
    {
        s.push_str(&src[first.start..last.end]);
        return s;
    }
    for (i, t) in tokens.iter().enumerate() {
        s.push_str(&src[if i > 0 { t.ws } else { t.start }..t.end]);
    }
    s
}

fn leading_ws<'a>(src: &'a str, tokens: &[Token]) -> &'a str {
    tokens.first().map_or("", |t| t.ws(src))
}

fn push_equal(ops: &mut Vec<Op>, s: &str) {
    if s.is_empty() {
        return;
    }
    if let Some(Op::Equal { text }) = ops.last_mut() {
        text.push_str(s);
    } else {
        ops.push(Op::Equal {
            text: s.to_string(),
        });
    }
}

/// [`push_equal`] of a string already built, kept as it is when it starts a new op.
fn push_equal_owned(ops: &mut Vec<Op>, s: String) {
    if s.is_empty() {
        return;
    }
    if let Some(Op::Equal { text }) = ops.last_mut() {
        text.push_str(&s);
    } else {
        ops.push(Op::Equal { text: s });
    }
}

fn render_ops(
    regions: &[Region],
    (old, ot): (&str, &[Token]),
    (new, nt): (&str, &[Token]),
) -> Vec<Op> {
    let changes = regions.iter().filter(|r| r.tag == Tag::Change).count();
    let mut ops = Vec::with_capacity(regions.len());
    for r in regions {
        let o = &ot[r.old.clone()];
        let n = &nt[r.new.clone()];
        match r.tag {
            Tag::Equal => {
                // Spacing as in the new version.
                let lead = if ops.is_empty() {
                    ""
                } else {
                    leading_ws(new, n)
                };
                push_equal_owned(&mut ops, join_after(lead, new, n));
            }
            Tag::Change => {
                // The whitespace before a change stays outside the marking when both sides
                // agree on it; otherwise each side keeps its own (`x[- och y-]{+.+}`).
                let (wo, wn) = (leading_ws(old, o), leading_ws(new, n));
                // A pure insertion or deletion takes its space with it, so the other side
                // reads `behövs.` and not `behövs .`.
                let (outside, a_ws, b_ws) = if o.is_empty() || n.is_empty() || wo != wn {
                    ("", wo, wn)
                } else {
                    (wo, "", "")
                };
                let first = ops.is_empty();
                if !first {
                    push_equal(&mut ops, outside);
                }
                let (a_ws, b_ws) = if first { ("", "") } else { (a_ws, b_ws) };
                let (a, b) = (join_after(a_ws, old, o), join_after(b_ws, new, n));
                if changes == 1
                    && o.len() == 1
                    && n.len() == 1
                    && o[0].kind == Kind::Word
                    && n[0].kind == Kind::Word
                {
                    ops.extend(stem_change(&a, &b));
                } else {
                    ops.push(change_op(a, b));
                }
            }
        }
    }
    // Merge equal ops that ended up adjacent.
    let mut out: Vec<Op> = Vec::with_capacity(ops.len());
    for op in ops {
        match (out.last_mut(), op) {
            (Some(Op::Equal { text }), Op::Equal { text: t }) => text.push_str(&t),
            (_, op) => out.push(op),
        }
    }
    out
}

fn change_op(a: String, b: String) -> Op {
    match (a.is_empty(), b.is_empty()) {
        (false, true) => Op::Delete { old: a },
        (true, false) => Op::Insert { new: b },
        _ => Op::Replace { old: a, new: b },
    }
}

/// One word changed once: show the changed ending when the stem is long enough.
fn stem_change(a: &str, b: &str) -> Vec<Op> {
    let shared: usize = a
        .char_indices()
        .zip(b.chars())
        .take_while(|((_, x), y)| x == y)
        .last()
        .map(|((i, x), _)| i + x.len_utf8())
        .unwrap_or(0);
    let stem_chars = a[..shared].chars().count();
    let shorter = a.chars().count().min(b.chars().count());
    if stem_chars < MIN_SHARED_STEM || stem_chars * 2 < shorter {
        return vec![change_op(a.to_string(), b.to_string())];
    }
    let mut v = vec![Op::Equal {
        text: a[..shared].to_string(),
    }];
    let (ra, rb) = (&a[shared..], &b[shared..]);
    if !(ra.is_empty() && rb.is_empty()) {
        v.push(change_op(ra.to_string(), rb.to_string()));
    }
    v
}

/// The coarse answer when a word diff cannot run: equal stycken stay equal, differing ones
/// are replaced whole.
pub fn fallback(old: &str, new: &str) -> WordDiff {
    let a: Vec<&str> = old.split('\n').collect();
    let b: Vec<&str> = new.split('\n').collect();
    let mut ops: Vec<Op> = Vec::new();
    for i in 0..a.len().max(b.len()) {
        if i > 0 {
            push_equal(&mut ops, "\n");
        }
        match (a.get(i), b.get(i)) {
            (Some(x), Some(y)) if same_but_spacing(x, y) => push_equal(&mut ops, y),
            (Some(x), Some(y)) => ops.push(change_op(x.to_string(), y.to_string())),
            (Some(x), None) => ops.push(change_op(x.to_string(), String::new())),
            (None, Some(y)) => ops.push(change_op(String::new(), y.to_string())),
            (None, None) => {}
        }
    }
    let similarity = Fingerprint::of(old).dice(&Fingerprint::of(new));
    WordDiff {
        ops,
        similarity,
        fallback: true,
        whitespace_only: 0,
    }
}

/// Number of word tokens in a text (for statistics and sizes).
pub fn word_count(s: &str) -> usize {
    tokenize(s).iter().filter(|t| t.kind == Kind::Word).count()
}

#[cfg(test)]
pub(crate) fn tokens_for_test(s: &str) -> Vec<String> {
    tokenize(s).iter().map(|t| t.text(s).to_string()).collect()
}

#[cfg(test)]
mod bound_tests {
    use super::*;

    fn later() -> Instant {
        Instant::now() + Duration::from_secs(3600)
    }

    /// Two texts of few distinct words in different orders: no unique anchors, so the diff
    /// does real Myers work.
    fn pair(n: usize) -> (String, String) {
        let w = ["och", "att", "i", "som", "ska", "får"];
        let old: Vec<&str> = (0..n).map(|i| w[(i * 7 + i / 3) % 6]).collect();
        let new: Vec<&str> = (0..n).map(|i| w[(i * 5 + i / 4) % 6]).collect();
        (old.join(" "), new.join(" "))
    }

    #[test]
    fn the_bound_is_counted_so_the_same_pair_always_gives_the_same_diff() {
        let (old, new) = pair(1500);
        let ot = tokenize(&old);
        let nt = tokenize(&new);
        let ok: Vec<&str> = ot.iter().map(|t| t.text(&old)).collect();
        let nk: Vec<&str> = nt.iter().map(|t| t.text(&new)).collect();
        let need = work(&ok, &nk);
        assert!(need < PAIR_WORK, "{need}");
        // One unit short: the fallback, whatever the clock says, and nothing is spent.
        let mut short = Budget::new(need - 1, later());
        let d = diff_within(&old, &new, &mut short);
        assert!(d.fallback);
        assert_eq!(short.left, need - 1);
        // Exactly enough: the full diff, every time, and the budget is spent.
        let mut enough = Budget::new(need, later());
        let first = diff_within(&old, &new, &mut enough);
        assert!(!first.fallback);
        assert_eq!(enough.left, 0);
        assert_eq!(enough.capped, 0);
        for _ in 0..3 {
            let again = diff_within(&old, &new, &mut Budget::new(need, later()));
            assert_eq!(again.ops, first.ops);
        }
    }

    #[test]
    fn a_pair_beyond_the_pair_bound_falls_back_at_once() {
        let (old, new) = pair(14_000);
        let mut b = Budget::new(TOTAL_WORK, later());
        let d = diff_within(&old, &new, &mut b);
        assert!(d.fallback);
        assert_eq!(b.left, TOTAL_WORK);
    }

    #[test]
    fn the_wall_clock_cap_is_the_last_resort_and_is_counted() {
        let (old, new) = pair(1500);
        let mut b = Budget::new(TOTAL_WORK, Instant::now());
        let d = diff_within(&old, &new, &mut b);
        assert!(d.fallback);
        assert_eq!(b.capped, 1);
    }

    #[test]
    fn common_counts_the_multiset_intersection() {
        let fp = |v: &[u32]| Fingerprint(v.to_vec());
        let naive = |a: &[u32], b: &[u32]| {
            let mut left = b.to_vec();
            a.iter()
                .filter(|x| {
                    left.iter()
                        .position(|y| y == *x)
                        .map(|k| left.remove(k))
                        .is_some()
                })
                .count()
        };
        for (a, b) in [
            (vec![], vec![1]),
            (vec![1, 1, 2, 5, 5, 5, 9], vec![1, 2, 2, 5, 5, 7, 9, 9]),
            (vec![3, 3, 3], vec![3]),
            (vec![1, 2, 3], vec![4, 5, 6]),
            (vec![0, u32::MAX], vec![0, 7, u32::MAX, u32::MAX]),
            // One side over eight times the other: searched, not walked.
            (vec![3, 3, 40, 77], (0..60).map(|x| x * 2 % 80).collect()),
            (vec![5], (0..50).collect()),
            (vec![0, 0, 99, 1000], (0..99).chain([99, 99]).collect()),
        ] {
            let (mut a, mut b) = (a, b);
            a.sort_unstable();
            b.sort_unstable();
            let n = naive(&a, &b);
            assert_eq!(fp(&a).common(&fp(&b)), n, "{a:?} {b:?}");
            assert_eq!(fp(&b).common(&fp(&a)), n, "{b:?} {a:?}");
            // With a floor: the count when it is reached, nothing when it is not.
            for need in 0..=a.len().max(b.len()) + 1 {
                let want = (n >= need).then_some(n);
                assert_eq!(
                    fp(&a).common_at_least(&fp(&b), need),
                    want,
                    "{a:?} {b:?} {need}"
                );
                assert_eq!(
                    fp(&b).common_at_least(&fp(&a), need),
                    want,
                    "{b:?} {a:?} {need}"
                );
            }
        }
        // Real text: the same words in another order share all of them.
        let (x, y) = (
            Fingerprint::of("Myndigheten får meddela föreskrifter om avgifter."),
            Fingerprint::of("Om avgifter får myndigheten meddela föreskrifter."),
        );
        assert_eq!(x.common(&y), 6);
    }

    /// The LEK statute (0.6 MB), real text for the checks against the reference code.
    fn lek() -> String {
        let src = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/corpus/sfs/lag-2022-482-elektronisk-kommunikation/sfs-2022-482_in-force-2026-01-15.txt"
        ))
        .unwrap_or_default();
        assert!(src.len() > 100_000);
        src
    }

    #[test]
    fn the_tokenizer_reads_as_the_reference_does() {
        let src = lek();
        let tricky = [
            "hälso- och sjukvård",
            "e-post, 2018/1972 och EU:s 40.5 ’x’ -",
            "slut-",
            "a -b - c--d ––– §§ 7\u{a0}§",
            "Å\u{2011}Ö\u{2003}é\t\x0b\x0c\r\n\n  x\u{85}y\u{3000}z",
            "a.\nb:\n-\n",
            "",
            "   ",
            "1. a)\n2. b)",
            "ÅÄÖ åäö 𝔘𝔫𝔦 ٣٤ x\u{300}y",
            "a×b a÷b ÿ µ ª º ¹ ¼ ¿ À Ö Ø ö ø ß Ā",
        ];
        // Every character of Latin-1 and Latin Extended-A, alone and inside a word.
        let all: String = ('\u{80}'..='\u{17F}')
            .flat_map(|c| [c, ' ', 'a', c, 'b', ' '])
            .collect();
        for c in '\u{80}'..='\u{17F}' {
            assert_eq!(is_alnum(c), c.is_alphanumeric(), "{c:?}");
        }
        let tricky = tricky.into_iter().chain([all.as_str()]);
        for (k, text) in std::iter::once(src.as_str()).chain(tricky).enumerate() {
            let got = tokenize(text);
            let want = tokenize_reference(text);
            assert_eq!(got.len(), want.len(), "{k}");
            for (g, w) in got.iter().zip(&want) {
                assert_eq!(g, w, "{k}");
            }
        }
    }

    #[test]
    fn same_but_spacing_is_the_comparison_of_what_is_not_whitespace() {
        let reference = |a: &str, b: &str| {
            a.chars()
                .filter(|c| !c.is_whitespace())
                .eq(b.chars().filter(|c| !c.is_whitespace()))
        };
        let src = lek();
        let blocks: Vec<&str> = src.split("\n\n").collect();
        let mut texts: Vec<String> = [
            "a b",
            "ab",
            "a\u{a0}b",
            "a\u{2003}b\u{3000}",
            "a\nb",
            "å b",
            "åb",
            "a\u{85}",
            "a\u{2011}b",
            "",
            " ",
            "12345678 9",
            "123456789",
            "1234567å9",
            "1234567ä9",
        ]
        .iter()
        .map(|t| t.to_string())
        .collect();
        // Real stycken, and each with its spacing changed or a word altered far in.
        for b in blocks.iter().take(300) {
            texts.push(b.to_string());
            texts.push(b.replacen(' ', "  ", 3).replacen(". ", ".\n", 2));
            texts.push(b.replacen("ska", "får", 1));
        }
        for (k, a) in texts.iter().enumerate() {
            for b in &texts[k.saturating_sub(3)..(k + 3).min(texts.len())] {
                assert_eq!(same_but_spacing(a, b), reference(a, b), "{a:?} {b:?}");
            }
        }
    }

    #[test]
    fn word_hashes_are_those_of_the_reference() {
        let src = lek();
        let tricky = [
            "hälso- och sjukvård ÅÄÖÉ åäöé ×÷ Ã× Ø Þ ß",
            "e-post, 2018/1972 och EU:s 40.5 ’x’ - a.-b a..b a-§ a-\u{a0}b",
            "slut-",
            "§7\u{a0}§ «x» –y— \u{2011}z",
            "a:",
            "",
            "ÅÄÖ 𝔘𝔫𝔦 ٣٤ x\u{300}y €5 ´a",
            // Separators, connectors and capitals inside runs longer than eight bytes.
            "informationssäkerhet–tillsynsmyndigheten§lagstiftningsärendet\u{a0}Kommunikationsnät-Övervakningen",
            "ABCDEFGHIJ0123456789abcdefghij/KLMNOPQRSTUVWXYZ:Zzzzzzzzzz.Ååååååååå'ÉÉÉÉÉÉÉÉ- -x",
        ];
        // Capitals and C3 pairs at every position of the eight-byte chunks.
        let shifted: Vec<String> = (0..17)
            .map(|k| {
                format!(
                    "{}ÅÄÖÉ×ÞABCZ@[`{{ Mn-ÖvEr-ÅR{}Ä",
                    "x".repeat(k),
                    "é".repeat(k)
                )
            })
            .collect();
        let texts = std::iter::once(src.as_str())
            .chain(tricky)
            .chain(shifted.iter().map(String::as_str));
        for (k, text) in texts.enumerate() {
            let (mut got, mut want) = (Vec::new(), Vec::new());
            for_each_word_hash(text, |h| got.push(h));
            for_each_word_hash_reference(text, |h| want.push(h));
            assert_eq!(got, want, "{k}");
        }
    }

    #[test]
    fn fingerprints_are_sorted_whatever_their_size() {
        let src = lek();
        for len in [0, 100, 1_000, 3_000, 20_000, src.len()] {
            let mut end = len.min(src.len());
            while !src.is_char_boundary(end) {
                end -= 1;
            }
            let text = &src[..end];
            let mut want = Vec::new();
            for_each_word_hash(text, |h| want.push(h));
            want.sort_unstable();
            assert_eq!(Fingerprint::of(text).0, want, "{len}");
        }
        // Hashes that share their low digits, or all but one, on either side of the size
        // from which they are sorted by digits; and many repeated.
        for n in [500u32, 1_023, 1_024, 5_000] {
            let shared: Vec<u32> = (0..n).rev().map(|k| (k << 22) | 0x0012_CDEF).collect();
            let repeated: Vec<u32> = (0..n).map(|k| (k % 7).wrapping_mul(0x9E37_79B9)).collect();
            let mixed: Vec<u32> = (0..n)
                .map(|k| k.wrapping_mul(0x9E37_79B9) ^ (k >> 3))
                .collect();
            for mut v in [shared, repeated, mixed] {
                let mut want = v.clone();
                want.sort_unstable();
                sort_hashes(&mut v);
                assert_eq!(v, want, "{n}");
            }
        }
    }

    #[test]
    fn the_key_of_a_text_does_not_depend_on_how_it_is_cut() {
        let s = "Med elektronisk kommunikation avses överföring av signaler, § 1–2 åäö. \
                 Den som tillhandahåller ett allmänt elektroniskt kommunikationsnät ska";
        for cuts in [
            vec![],
            vec![1],
            vec![7, 8],
            vec![3, 11, 19, 20, 40],
            vec![0, 64],
            vec![31, 32, 33],
            vec![5, 37, 69, 101, 133],
            (1..s.len()).collect(),
        ] {
            let mut h = KeyHasher::new(s.len());
            let mut from = 0;
            for c in cuts.into_iter().chain([s.len()]) {
                h.write(&s.as_bytes()[from..c]);
                from = c;
            }
            assert_eq!(h.finish(), text_key(s));
        }
        assert_ne!(text_key("a"), text_key("a\0"));
        // Every length up to three blocks, and one byte changed anywhere, give other keys.
        let long = s.repeat(3);
        let keys: std::collections::HashSet<u64> = (0..100)
            .map(|n| text_key(&long[..long.floor_char_boundary(n)]))
            .collect();
        assert!(keys.len() > 90, "{}", keys.len());
        let mut b = long.as_bytes().to_vec();
        for i in 0..b.len() {
            b[i] ^= 1;
            let mut h = KeyHasher::new(b.len());
            h.write(&b);
            assert_ne!(h.finish(), text_key(&long), "{i}");
            b[i] ^= 1;
        }
    }

    #[test]
    fn work_sets_the_common_ends_aside() {
        let a = ["a", "b", "c", "d"];
        let b = ["a", "x", "c", "d"];
        assert_eq!(work(&a, &b), 4 + 8);
        assert_eq!(work(&a, &a), 1 + 8);
        assert_eq!(work::<&str>(&[], &[]), 1);
    }
}

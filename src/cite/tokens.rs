//! Citations, tokens: the words, numbers, `§` signs and punctuation the grammar reads.

use super::grammar::is_law_name;
use crate::address::{ORDINALS, ordinal_value};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum T {
    Num(u32),
    Word,
    Para,
    Paras,
    Dash,
    Comma,
    Colon,
    Slash,
    Dot,
    LParen,
    RParen,
    End,
    Other,
}

/// A word's first character is uppercase (a sentence can start with it).
pub(super) const UPPER: u8 = 1;
/// A word the grammar can start a citation with (see [`word_class`]).
pub(super) const START: u8 = 2;
/// A word that names another act ([`is_law_name`]).
pub(super) const LAW: u8 = 4;

#[derive(Clone, Copy, Debug)]
pub(super) struct Tok {
    pub(super) t: T,
    pub(super) start: usize,
    pub(super) end: usize,
    /// Newlines in the whitespace before this token.
    pub(super) nl: u8,
    /// For words, what the grammar needs to know of them ([`UPPER`], [`START`], [`LAW`]),
    /// worked out once here so that the grammar does not compare every word with its
    /// keywords again; 0 for other tokens.
    pub(super) class: u8,
    pub(super) sentence: u32,
}

pub(super) fn is_dash(c: char) -> bool {
    matches!(c, '-' | '–' | '—' | '‐' | '‑')
}

/// Whether the two-byte UTF-8 sequence `0xC3 b` is a letter: U+00C0–U+00FF are all letters
/// but `×` and `÷`. Swedish words are full of `å ä ö é`, and this spares them the Unicode
/// table look-up.
fn latin1_letter(b: u8) -> bool {
    b != 0x97 && b != 0xB7
}

/// ASCII letters and digits, by byte: one load per byte in the word loop instead of three
/// range tests.
static ASCII_ALNUM: [bool; 256] = {
    let mut t = [false; 256];
    let mut c = 0;
    while c < 128 {
        t[c] = (c as u8).is_ascii_alphanumeric();
        c += 1;
    }
    t
};

/// The end of the word (letters and digits) that starts at `i`. Inlined into the tokenizer's
/// loop; the rare letters outside ASCII and Latin-1 go to [`other_letter_len`].
#[inline(always)]
fn word_end(s: &str, mut i: usize) -> usize {
    let b = s.as_bytes();
    loop {
        // Most word bytes are ASCII: step over them eight at a time, then one at a time
        // near the end of the text.
        while let Some(eight) = b.get(i..i + 8).and_then(|c| <[u8; 8]>::try_from(c).ok()) {
            let n = ascii_alnum_run(eight);
            i += n;
            if n < 8 {
                break;
            }
        }
        while i < b.len() && ASCII_ALNUM[b[i] as usize] {
            i += 1;
        }
        match b.get(i) {
            // Valid UTF-8: a 0xC3 lead byte always has its continuation byte.
            Some(&0xC3) if i + 1 < b.len() && latin1_letter(b[i + 1]) => i += 2,
            Some(&c) if c >= 0x80 => match other_letter_len(s, i) {
                Some(n) => i += n,
                None => return i,
            },
            _ => return i,
        }
    }
}

/// How many of the eight bytes, from the first, are ASCII letters or digits: all eight
/// are tested at once in one word (no branch per byte, where the loop's exit at a word's
/// end, at an unpredictable length, was most of the tokenizer's time).
#[inline(always)]
fn ascii_alnum_run(eight: [u8; 8]) -> usize {
    let stop = !crate::source::ascii_alnum_bytes(u64::from_le_bytes(eight));
    ((stop & 0x8080_8080_8080_8080).trailing_zeros() / 8) as usize
}

/// The length of the letter or digit at `i`, if it is one.
#[cold]
#[inline(never)]
fn other_letter_len(s: &str, i: usize) -> Option<usize> {
    let c = s.get(i..)?.chars().next()?;
    c.is_alphanumeric().then(|| c.len_utf8())
}

/// The words `P::worded` and `P::other_word` dispatch on by name ([`is_keyword`]).
const KEYWORDS: [&str; 35] = [
    "prop",
    "Prop",
    "bet",
    "avsnitt",
    "Avsnitt",
    "kapitlet",
    "Kapitlet",
    "punkt",
    "Punkt",
    "direktivet",
    "beslut",
    "rskr",
    "dir",
    "Dir",
    "skr",
    "Ds",
    "Europaparlamentets",
    "kommissionens",
    "Kommissionens",
    "rådets",
    "artikel",
    "Artikel",
    "kapitel",
    "Kapitel",
    "artiklarna",
    "punkterna",
    "kapitlen",
    "förordningen",
    "Förordningen",
    "lagen",
    "Lagen",
    "förordning",
    "genomförandeförordning",
    "lag",
    "direktiv",
];

/// The [`KEYWORDS`] and the ordinals ([`ORDINALS`], lower case or with a capital), as a set
/// of bits, one for each (first byte, last byte, length) that one of them has
/// ([`start_bit`]). Only a word whose bit is set is compared with them: one word in fifteen
/// of a statute (1,377 of LEK's 20,849), where tests of the last byte and the length sent
/// two in five on to a comparison, and the branches on them went wrong about as often as
/// not.
static START_BITS: [u64; START_WORDS] = {
    let mut t = [0u64; START_WORDS];
    let mut k = 0;
    while k < KEYWORDS.len() {
        let w = KEYWORDS[k].as_bytes();
        set_start_bit(&mut t, w[0], w[w.len() - 1], w.len());
        k += 1;
    }
    // `ordinal_value` takes the ordinal with its first letter in either case: `Å` leads
    // with the same byte as `å`, an ASCII capital with that letter's byte less 0x20.
    let mut k = 0;
    while k < ORDINALS.len() {
        let w = ORDINALS[k].as_bytes();
        let (last, len) = (w[w.len() - 1], w.len());
        set_start_bit(&mut t, w[0], last, len);
        set_start_bit(&mut t, w[0].to_ascii_uppercase(), last, len);
        k += 1;
    }
    t
};

/// The size of [`START_BITS`] in 64-bit words.
const START_WORDS: usize = 64;

/// The bit of [`START_BITS`] for a word with these first and last bytes and this length.
#[inline(always)]
const fn start_bit(first: u8, last: u8, len: usize) -> usize {
    let h = (first as u32)
        .wrapping_mul(0x9E37_79B1)
        .wrapping_add((last as u32).wrapping_mul(0x85EB_CA77))
        .wrapping_add((len as u32).wrapping_mul(0xC2B2_AE3D));
    (h >> 20) as usize % (START_WORDS * 64)
}

/// Sets the bit of [`START_BITS`] for a word with these first and last bytes and this length.
const fn set_start_bit(t: &mut [u64; START_WORDS], first: u8, last: u8, len: usize) {
    let bit = start_bit(first, last, len);
    t[bit / 64] |= 1 << (bit % 64);
}

/// Whether a word with these first and last bytes and this length may be a keyword or an
/// ordinal ([`START_BITS`]).
#[inline(always)]
fn has_start_bit(first: u8, last: u8, len: usize) -> bool {
    let bit = start_bit(first, last, len);
    START_BITS[bit / 64] >> (bit % 64) & 1 != 0
}

/// Whether the word's first character is uppercase, as `char::is_uppercase` says.
fn first_upper(w: &str) -> bool {
    let b = w.as_bytes();
    match b.first() {
        Some(c) if c.is_ascii() => c.is_ascii_uppercase(),
        // À–Þ but `×`.
        Some(0xC3) => b
            .get(1)
            .is_some_and(|&n| (0x80..=0x9E).contains(&n) && n != 0x97),
        _ => w.chars().next().is_some_and(|c| c.is_uppercase()),
    }
}

/// The class of a word: [`UPPER`], [`LAW`], and [`START`] when the grammar may read a
/// citation from it: a keyword `P::worded` and `P::other_word` dispatch on (`prop.`,
/// `artikel`, `kapitlet`, `punkt`, `förordning (EU)` …), an ordinal, an act's name, or a
/// word in capitals (`SFS`, `MSBFS`, `NIS2`). Keep the keywords in step with those two: a
/// word missing here is never read as a citation's start (the test
/// `every_word_the_grammar_starts_with_is_a_start` guards it).
#[inline(always)]
pub(super) fn word_class(w: &str) -> u8 {
    let b = w.as_bytes();
    let (Some(&first), Some(&last)) = (b.first(), b.last()) else {
        return 0;
    };
    let mut class = 0;
    if !first.is_ascii_lowercase() && first_upper(w) {
        class |= UPPER;
        let all_caps = w
            .chars()
            .skip(1)
            .all(|c| c.is_uppercase() || c.is_ascii_digit());
        if all_caps {
            class |= START;
        }
    }
    // Every act's name ends in `n` (`lagen`, `balken`, `regeringsformen`) or `s` (`lagens`,
    // `regeringsformens`). A keyword or an ordinal is compared only when one has this
    // first byte, last byte and length.
    let start = match last {
        b'n' | b's' if is_law_name(w) => {
            class |= LAW;
            true
        }
        _ => has_start_bit(first, last, b.len()) && (is_keyword(w) || ordinal_value(w).is_some()),
    };
    if start {
        class |= START;
    }
    class
}

/// Whether the word is one of the keywords the grammar dispatches on (see [`word_class`]).
fn is_keyword(w: &str) -> bool {
    let Some(&last) = w.as_bytes().last() else {
        return false;
    };
    match last {
        b'n' => matches!(
            w,
            "kapitlen" | "förordningen" | "Förordningen" | "lagen" | "Lagen"
        ),
        b's' => matches!(
            w,
            "Ds" | "Europaparlamentets" | "kommissionens" | "Kommissionens" | "rådets"
        ),
        b'a' => matches!(w, "artiklarna" | "punkterna"),
        b'p' => matches!(w, "prop" | "Prop"),
        b't' => matches!(
            w,
            "bet"
                | "avsnitt"
                | "Avsnitt"
                | "kapitlet"
                | "Kapitlet"
                | "punkt"
                | "Punkt"
                | "direktivet"
                | "beslut"
        ),
        b'r' => matches!(w, "rskr" | "dir" | "Dir" | "skr"),
        b'l' => matches!(w, "artikel" | "Artikel" | "kapitel" | "Kapitel"),
        b'g' => matches!(w, "förordning" | "genomförandeförordning" | "lag"),
        b'v' => w == "direktiv",
        _ => false,
    }
}

pub(super) fn tokenize(s: &str) -> Vec<Tok> {
    let mut toks: Vec<Tok> = Vec::with_capacity(s.len() / 5);
    let b = s.as_bytes();
    let mut i = 0;
    let mut nl: u8 = 2; // start of text counts as a block start
    let mut sentence = 0u32;
    while i < b.len() {
        let c = b[i];
        // ASCII fast paths first.
        if c == b'\n' {
            nl = nl.saturating_add(1);
            i += 1;
            continue;
        }
        if c == b' ' || c == b'\t' || c == b'\r' {
            i += 1;
            continue;
        }
        let start = i;
        let t;
        let mut class = 0;
        if c.is_ascii_digit() {
            let mut v: u64 = 0;
            while i < b.len() && b[i].is_ascii_digit() {
                v = v.saturating_mul(10).saturating_add((b[i] - b'0') as u64);
                i += 1;
            }
            t = if v <= u32::MAX as u64 {
                T::Num(v as u32)
            } else {
                T::Other
            };
        } else if c.is_ascii_alphabetic()
            || (c == 0xC3 && i + 1 < b.len() && latin1_letter(b[i + 1]))
        {
            i = word_end(s, i);
            t = T::Word;
            class = word_class(&s[start..i]);
        } else if c == 0xC2 && i + 1 < b.len() && b[i + 1] == 0xA0 {
            // A no-break space, common inside citations (`7 §`).
            i += 2;
            continue;
        } else if c == 0xC2 && i + 1 < b.len() && b[i + 1] == 0xA7 {
            i += 2;
            t = if b.get(i) == Some(&0xC2) && b.get(i + 1) == Some(&0xA7) {
                i += 2;
                T::Paras
            } else {
                T::Para
            };
        } else if c >= 0x80 {
            let ch = s[i..].chars().next().unwrap_or(' ');
            if ch.is_alphabetic() {
                i = word_end(s, i);
                t = T::Word;
                class = word_class(&s[start..i]);
            } else {
                i += ch.len_utf8();
                t = if is_dash(ch) {
                    T::Dash
                } else if ch.is_whitespace() {
                    // other Unicode spaces
                    continue;
                } else {
                    T::Other
                };
            }
        } else {
            i += 1;
            t = match c {
                b'-' => T::Dash,
                b',' => T::Comma,
                b':' => T::Colon,
                b'/' => T::Slash,
                b'.' => T::Dot,
                b'(' => T::LParen,
                b')' => T::RParen,
                b'?' | b'!' | b';' => T::End,
                _ => T::Other,
            };
        }
        if nl >= 2 {
            sentence += 1;
        } else if let Some(prev) = toks.last()
            && matches!(prev.t, T::Dot | T::End)
            && starts_sentence(t, class)
            && !abbreviation_before(s, &toks)
        {
            sentence += 1;
        }
        toks.push(Tok {
            t,
            start,
            end: i,
            nl,
            class,
            sentence,
        });
        nl = 0;
    }
    toks
}

pub(super) fn starts_sentence(t: T, class: u8) -> bool {
    match t {
        T::Word => class & UPPER != 0,
        T::Num(_) => true,
        _ => false,
    }
}
/// Whether the dot that ends `toks` belongs to an abbreviation (`kap.`, `prop.`, `t.ex.`).
pub(super) fn abbreviation_before(s: &str, toks: &[Tok]) -> bool {
    let n = toks.len();
    if n < 2 || toks[n - 1].t != T::Dot {
        return false;
    }
    let prev = toks[n - 2];
    match prev.t {
        T::Word => matches!(
            &s[prev.start..prev.end],
            "kap"
                | "prop"
                | "st"
                | "p"
                | "bet"
                | "rskr"
                | "dir"
                | "nr"
                | "jfr"
                | "s"
                | "t"
                | "ex"
                | "m"
                | "bl"
                | "a"
                | "dvs"
                | "resp"
                | "ca"
                | "inkl"
                | "enl"
                | "art"
                | "f"
                | "ff"
                | "o"
                | "pkt"
                | "Prop"
                | "Dir"
                | "d"
                | "v"
                | "fr"
                | "u"
        ),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whether the word (not empty) passes [`START_BITS`].
    fn passes(w: &str) -> bool {
        let b = w.as_bytes();
        has_start_bit(b[0], b[b.len() - 1], b.len())
    }

    /// The word with its first letter a capital (`Åttonde`).
    fn capitalised(w: &str) -> String {
        let mut chars = w.chars();
        let first: String = chars
            .next()
            .into_iter()
            .flat_map(char::to_uppercase)
            .collect();
        first + chars.as_str()
    }

    /// The words of a text: its runs of letters and digits.
    fn words_of(text: &str) -> impl Iterator<Item = &str> {
        text.split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
    }

    const LEK: &str = include_str!(
        "../../corpus/sfs/lag-2022-482-elektronisk-kommunikation/sfs-2022-482_in-force-2026-01-15.txt"
    );

    /// Every keyword and every ordinal `ordinal_value` reads, with a capital too, passes the
    /// bits; and the words the bits let through are few.
    #[test]
    fn the_start_bits_hold_every_keyword_and_ordinal() {
        for w in KEYWORDS {
            assert!(is_keyword(w) && passes(w), "{w}");
        }
        for (n, o) in ORDINALS.iter().enumerate() {
            for w in [o.to_string(), capitalised(o)] {
                assert_eq!(ordinal_value(&w), Some(n as u32 + 1), "{w}");
                assert!(passes(&w), "{w}");
            }
        }
        let words: Vec<&str> = words_of(LEK).collect();
        let through = words.iter().filter(|w| passes(w)).count();
        assert!(through * 10 < words.len(), "{through} of {}", words.len());
    }

    /// The class of every word of a statute and an answer, and of every form the grammar
    /// starts with, is what the plain tests give, without [`START_BITS`] before them.
    #[test]
    fn word_classes_are_those_of_the_plain_tests() {
        let plain = |w: &str| {
            let mut class = word_class(w) & UPPER;
            let b = w.as_bytes();
            if class & UPPER != 0
                && w.chars()
                    .skip(1)
                    .all(|c| c.is_uppercase() || c.is_ascii_digit())
            {
                class |= START;
            }
            let law = matches!(b[b.len() - 1], b'n' | b's') && is_law_name(w);
            if law {
                class |= LAW;
            }
            if law || ordinal_value(w).is_some() || is_keyword(w) {
                class |= START;
            }
            class
        };
        let mut extra: Vec<String> = KEYWORDS.iter().map(|w| w.to_string()).collect();
        for o in ORDINALS {
            extra.push(o.to_string());
            extra.push(o.to_uppercase());
            extra.push(capitalised(o));
        }
        let answer = include_str!("../../tests/fixtures/stockholm-ks-2025-1384-remissvar.txt");
        let mut words: Vec<&str> = words_of(LEK).chain(words_of(answer)).collect();
        words.extend(extra.iter().map(String::as_str));
        for w in words {
            assert_eq!(word_class(w), plain(w), "{w}");
        }
    }

    /// Every byte value at every place of the eight, among letters, stops the run exactly
    /// where the byte-by-byte table says.
    #[test]
    fn eight_bytes_at_once_agree_with_the_table() {
        for fill in [b'a', b'Z', b'0', b'9'] {
            for at in 0..8 {
                for byte in 0..=255u8 {
                    let mut chunk = [fill; 8];
                    chunk[at] = byte;
                    let expected = chunk
                        .iter()
                        .position(|&c| !ASCII_ALNUM[c as usize])
                        .unwrap_or(8);
                    assert_eq!(ascii_alnum_run(chunk), expected, "{chunk:?}");
                }
            }
        }
    }

    /// Words end where they did when read byte by byte, near the end of the text too.
    #[test]
    fn word_ends_in_and_out_of_ascii() {
        let s = "lagen (2022:482) om elektronisk kommunikation, 5 kap. 7 § första stycket; \
                 socialförsäkringsbalken Åtgärder över x×y ÆØÅ naïve ŁÓDŹ 1234567890123456789 ab";
        let ends: Vec<&str> = s
            .char_indices()
            .filter(|&(i, c)| {
                c.is_alphanumeric()
                    && s[..i]
                        .chars()
                        .next_back()
                        .is_none_or(|p| !p.is_alphanumeric())
            })
            .map(|(i, _)| &s[i..word_end(s, i)])
            .collect();
        let words: Vec<&str> = s
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect();
        assert_eq!(ends, words);
    }
}

//! Citations, tokens: the words, numbers, `§` signs and punctuation the grammar reads.

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

#[derive(Clone, Copy, Debug)]
pub(super) struct Tok {
    pub(super) t: T,
    pub(super) start: usize,
    pub(super) end: usize,
    /// Newlines in the whitespace before this token.
    pub(super) nl: u8,
    pub(super) sentence: u32,
}

pub(super) fn is_dash(c: char) -> bool {
    matches!(c, '-' | '–' | '—' | '‐' | '‑')
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
        } else if c.is_ascii_alphabetic() || c >= 0x80 {
            let ch = s[i..].chars().next().unwrap_or(' ');
            if ch.is_alphabetic() {
                while i < b.len() {
                    // Most word bytes are ASCII: step over them without decoding a char.
                    if b[i].is_ascii_alphanumeric() {
                        i += 1;
                        continue;
                    }
                    if b[i] < 0x80 {
                        break;
                    }
                    let cc = s[i..].chars().next().unwrap_or(' ');
                    if cc.is_alphanumeric() {
                        i += cc.len_utf8();
                    } else {
                        break;
                    }
                }
                t = T::Word;
            } else {
                i += ch.len_utf8();
                t = if ch == '§' {
                    if s[i..].starts_with('§') {
                        i += '§'.len_utf8();
                        T::Paras
                    } else {
                        T::Para
                    }
                } else if is_dash(ch) {
                    T::Dash
                } else if ch.is_whitespace() {
                    // no-break and other Unicode spaces
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
            && starts_sentence(s, t, start)
            && !abbreviation_before(s, &toks)
        {
            sentence += 1;
        }
        toks.push(Tok {
            t,
            start,
            end: i,
            nl,
            sentence,
        });
        nl = 0;
    }
    toks
}

pub(super) fn starts_sentence(s: &str, t: T, start: usize) -> bool {
    match t {
        T::Word => s[start..].chars().next().is_some_and(|c| c.is_uppercase()),
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

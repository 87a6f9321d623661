//! Stage 1, reading PDF: the lexer of content streams and CMaps. Tokens are byte ranges
//! of the decoded stream; strings are decoded only when shown. Every loop moves forward by
//! at least one byte, so any input ends.

/// One token of a content stream: what it is, and its byte range.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Tok {
    /// A number.
    Num(f64),
    /// A literal `(...)` string (range includes the parentheses).
    Lit,
    /// A hex `<...>` string (range includes the angle brackets).
    Hex,
    /// A name (range includes the slash).
    Name,
    /// `[`.
    Open,
    /// `]`.
    Close,
    /// `<<`, `>>`, `{`, `}`, `true`, `false`, `null`, a stray delimiter.
    Other,
    /// An operator.
    Op,
}

pub fn is_white(b: u8) -> bool {
    matches!(b, 0 | 9 | 10 | 12 | 13 | 32)
}

pub fn is_delim(b: u8) -> bool {
    matches!(
        b,
        b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%'
    )
}

/// The end of a regular token (a number, an operator, a name's body) starting at `i`.
pub fn token_end(s: &[u8], mut i: usize) -> usize {
    while i < s.len() && !is_white(s[i]) && !is_delim(s[i]) {
        i += 1;
    }
    i
}

fn hex_val(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// The bytes of a hex string's body (white space skipped; an odd last digit is followed
/// by 0, as the standard says).
pub fn hex_bytes(body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(body.len() / 2);
    hex_into(body, &mut out);
    out
}

pub fn hex_into(body: &[u8], out: &mut Vec<u8>) {
    let mut hi: Option<u8> = None;
    for &b in body {
        let Some(v) = hex_val(b) else {
            continue;
        };
        match hi.take() {
            Some(h) => out.push(h << 4 | v),
            None => hi = Some(v),
        }
    }
    if let Some(h) = hi {
        out.push(h << 4);
    }
}

/// Decodes the literal string opening at `start` (a `(`) into `out`; returns the index
/// after its closing parenthesis (or the end of `s`).
pub fn literal_bytes(s: &[u8], start: usize, out: &mut Vec<u8>) -> usize {
    let mut i = start + 1;
    let mut depth = 1usize;
    while i < s.len() {
        let b = s[i];
        match b {
            b'\\' => {
                i += 1;
                let Some(&e) = s.get(i) else {
                    break;
                };
                match e {
                    b'n' => out.push(b'\n'),
                    b'r' => out.push(b'\r'),
                    b't' => out.push(b'\t'),
                    b'b' => out.push(8),
                    b'f' => out.push(12),
                    b'0'..=b'7' => {
                        let mut v: u32 = 0;
                        let mut k = 0;
                        while k < 3 && i < s.len() && (b'0'..=b'7').contains(&s[i]) {
                            v = v * 8 + (s[i] - b'0') as u32;
                            i += 1;
                            k += 1;
                        }
                        out.push(v as u8);
                        continue;
                    }
                    // A backslash before a line end continues the string on the next line.
                    b'\r' => {
                        if s.get(i + 1) == Some(&b'\n') {
                            i += 1;
                        }
                    }
                    b'\n' => {}
                    other => out.push(other),
                }
                i += 1;
            }
            b'(' => {
                depth += 1;
                out.push(b);
                i += 1;
            }
            b')' => {
                depth -= 1;
                i += 1;
                if depth == 0 {
                    return i;
                }
                out.push(b);
            }
            _ => {
                out.push(b);
                i += 1;
            }
        }
    }
    s.len()
}

/// The end of the literal string opening at `start`, without decoding it.
fn literal_end(s: &[u8], start: usize) -> usize {
    let mut i = start + 1;
    let mut depth = 1usize;
    while i < s.len() {
        match s[i] {
            b'\\' => i += 2,
            b'(' => {
                depth += 1;
                i += 1;
            }
            b')' => {
                depth -= 1;
                i += 1;
                if depth == 0 {
                    return i;
                }
            }
            _ => i += 1,
        }
    }
    s.len()
}

/// A number as the PDF library read them: an integer, or a real rounded to 32 bits.
fn number(w: &[u8]) -> Option<f64> {
    let t = std::str::from_utf8(w).ok()?;
    if w.contains(&b'.') {
        t.parse::<f32>().ok().map(f64::from)
    } else {
        t.parse::<i64>()
            .ok()
            .map(|v| v as f64)
            .or_else(|| t.parse::<f64>().ok())
    }
}

/// Reads the next token at or after `i`: (token, start, end), or `None` at the end.
pub fn next_token(s: &[u8], mut i: usize) -> Option<(Tok, usize, usize)> {
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
    let start = i;
    let b = *s.get(i)?;
    Some(match b {
        b'(' => (Tok::Lit, start, literal_end(s, start)),
        b'<' if s.get(i + 1) == Some(&b'<') => (Tok::Other, start, i + 2),
        b'>' if s.get(i + 1) == Some(&b'>') => (Tok::Other, start, i + 2),
        b'<' => {
            let end = memchr::memchr(b'>', &s[i..]).map_or(s.len(), |k| i + k + 1);
            (Tok::Hex, start, end)
        }
        b'[' => (Tok::Open, start, i + 1),
        b']' => (Tok::Close, start, i + 1),
        b'{' | b'}' | b'>' | b')' => (Tok::Other, start, i + 1),
        b'/' => (Tok::Name, start, token_end(s, i + 1)),
        _ => {
            let end = token_end(s, i).max(i + 1);
            let w = &s[start..end];
            let numeric = w[0].is_ascii_digit() || matches!(w[0], b'-' | b'+' | b'.');
            if numeric {
                (Tok::Num(number(w).unwrap_or(0.0)), start, end)
            } else if matches!(w, b"true" | b"false" | b"null") {
                (Tok::Other, start, end)
            } else {
                (Tok::Op, start, end)
            }
        }
    })
}

/// A string token's bytes, decoded into `out` (cleared first).
pub fn string_bytes(s: &[u8], tok: (Tok, usize, usize), out: &mut Vec<u8>) {
    out.clear();
    match tok.0 {
        Tok::Lit => {
            literal_bytes(&s[..tok.2], tok.1, out);
        }
        Tok::Hex => {
            let end = if tok.2 > tok.1 + 1 && s.get(tok.2 - 1) == Some(&b'>') {
                tok.2 - 1
            } else {
                tok.2
            };
            hex_into(&s[tok.1 + 1..end], out);
        }
        _ => {}
    }
}

/// A name token's bytes with `#xx` escapes decoded.
pub fn name_bytes(raw: &[u8]) -> Vec<u8> {
    let raw = raw.strip_prefix(b"/").unwrap_or(raw);
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        if raw[i] == b'#'
            && let (Some(h), Some(l)) = (
                raw.get(i + 1).and_then(|b| hex_val(*b)),
                raw.get(i + 2).and_then(|b| hex_val(*b)),
            )
        {
            out.push(h << 4 | l);
            i += 3;
            continue;
        }
        out.push(raw[i]);
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(s: &[u8]) -> Vec<(Tok, &[u8])> {
        let mut out = Vec::new();
        let mut i = 0;
        while let Some(t) = next_token(s, i) {
            out.push((t.0, &s[t.1..t.2]));
            i = t.2;
        }
        out
    }

    #[test]
    fn tokens_of_a_content_stream() {
        let s = b"BT /F1 9.96 Tf [(a\\)b) -250 <00 4>] TJ % note\n1 0 0 1 .5 -3 Tm ET";
        let t = all(s);
        assert_eq!(t[0], (Tok::Op, &b"BT"[..]));
        assert_eq!(t[1], (Tok::Name, &b"/F1"[..]));
        assert_eq!(t[2], (Tok::Num(9.96f32 as f64), &b"9.96"[..]));
        assert_eq!(t[4], (Tok::Open, &b"["[..]));
        assert_eq!(t[5], (Tok::Lit, &b"(a\\)b)"[..]));
        assert_eq!(t[6], (Tok::Num(-250.0), &b"-250"[..]));
        assert_eq!(t[7], (Tok::Hex, &b"<00 4>"[..]));
        assert_eq!(t[9], (Tok::Op, &b"TJ"[..]));
        assert_eq!(t[14], (Tok::Num(0.5), &b".5"[..]));
        assert_eq!(t.last().unwrap().1, b"ET");
        let at = |needle: &[u8]| s.windows(needle.len()).position(|w| w == needle).unwrap();
        let mut out = Vec::new();
        let lit = at(b"(a");
        string_bytes(s, (Tok::Lit, lit, lit + 6), &mut out);
        assert_eq!(out, b"a)b");
        let hex = at(b"<00");
        string_bytes(s, (Tok::Hex, hex, hex + 6), &mut out);
        assert_eq!(out, b"\x00\x40");
    }

    #[test]
    fn escapes_nesting_and_names() {
        let mut out = Vec::new();
        let s = b"(x\\101\\n(y)\\\nz)";
        assert_eq!(literal_bytes(s, 0, &mut out), s.len());
        assert_eq!(out, b"xA\n(y)z");
        assert_eq!(name_bytes(b"/A#20B"), b"A B");
        assert_eq!(name_bytes(b"/A#2"), b"A#2");
        for junk in [&b"("[..], b"<", b"\\", b"(\\", b"/", b"<<", b"-", b"1.2.3"] {
            all(junk);
        }
    }
}

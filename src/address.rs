//! Addresses: the stage-independent name of a place in a regulation (`2 kap. 7 a § första stycket 2`, id `K2P7aS1N2`).

use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::fmt;

/// A chapter or paragraph label: a number with an optional letter (`7`, `7 a`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Label {
    pub num: u32,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub letter: Option<char>,
}

impl Label {
    pub const fn new(num: u32) -> Self {
        Label { num, letter: None }
    }
    pub const fn with_letter(num: u32, letter: char) -> Self {
        Label {
            num,
            letter: Some(letter),
        }
    }
    /// The compact id form (`7a`).
    pub fn id(&self) -> String {
        match self.letter {
            Some(c) => format!("{}{}", self.num, c),
            None => self.num.to_string(),
        }
    }
    /// Parses `7`, `7a` or `7 a`.
    pub fn parse(s: &str) -> Option<Label> {
        let s = s.trim();
        let digits_end = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
        if digits_end == 0 {
            return None;
        }
        let num: u32 = s[..digits_end].parse().ok()?;
        let rest = s[digits_end..].trim();
        match rest.chars().count() {
            0 => Some(Label::new(num)),
            1 => {
                let c = rest.chars().next()?;
                c.is_ascii_lowercase().then_some(Label::with_letter(num, c))
            }
            _ => None,
        }
    }
}

impl Ord for Label {
    fn cmp(&self, other: &Self) -> Ordering {
        // `7` sorts before `7 a`: None < Some.
        (self.num, self.letter).cmp(&(other.num, other.letter))
    }
}
impl PartialOrd for Label {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Label {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.letter {
            Some(c) => write!(f, "{} {}", self.num, c),
            None => write!(f, "{}", self.num),
        }
    }
}

/// A punkt label: `2` (from `2.` or `2)`) or `b` (from `b)`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(untagged)]
pub enum PunktLabel {
    Number(u32),
    Letter(char),
}

impl fmt::Display for PunktLabel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PunktLabel::Number(n) => write!(f, "{n}"),
            PunktLabel::Letter(c) => write!(f, "{c}"),
        }
    }
}

/// Swedish ordinals used for stycken, `första` (1) to `tolfte` (12).
pub const ORDINALS: [&str; 12] = [
    "första", "andra", "tredje", "fjärde", "femte", "sjätte", "sjunde", "åttonde", "nionde",
    "tionde", "elfte", "tolfte",
];

/// The ordinal word for `n` (1-based), or the number itself beyond `tolfte`.
pub fn ordinal(n: u32) -> String {
    ORDINALS
        .get((n as usize).wrapping_sub(1))
        .map(|s| s.to_string())
        .unwrap_or_else(|| format!("{n}:e"))
}

/// The number of an ordinal word (`andra` → 2), case-insensitive.
#[inline]
pub fn ordinal_value(word: &str) -> Option<u32> {
    // Called for every word the citation scanner sees: reject by length, then compare
    // without allocating.
    if !(4..=8).contains(&word.len()) {
        return None;
    }
    // Every ordinal ends in `a` or `e` and starts with one of `a e f n s t å`, in either
    // case (`å` and `Å` lead with 0xC3; 0xE2 leads the Ångström sign, which lowercases to
    // `å`): two byte tests turn away nearly every other word.
    let b = word.as_bytes();
    if !matches!(b[b.len() - 1], b'a' | b'e')
        || !matches!(
            b[0] | 0x20,
            b'a' | b'e' | b'f' | b'n' | b's' | b't' | 0xE3 | 0xE2
        )
    {
        return None;
    }
    // The word with its first letter in lower case, compared as bytes: `A`–`Z` and `Å` are
    // the only capitals that lower to a letter an ordinal starts with in eight bytes (the
    // Ångström sign's three bytes make `Åttonde` nine).
    let mut lower = [0u8; 8];
    let lower = &mut lower[..b.len()];
    lower.copy_from_slice(b);
    match b[0] {
        b'A'..=b'Z' => lower[0] |= 0x20,
        0xC3 if b[1] == 0x85 => lower[1] = 0xA5,
        _ => {}
    }
    ORDINALS
        .iter()
        .position(|o| o.as_bytes() == &*lower)
        .map(|i| i as u32 + 1)
}

/// A place in a regulation. Every level is optional so the same type names a chapter,
/// a paragraph of a regulation without chapters, or a punkt deep inside a stycke.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
pub struct Address {
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub kapitel: Option<Label>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub paragraf: Option<Label>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub stycke: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub punkt: Option<PunktLabel>,
}

impl Address {
    pub fn chapter(k: Label) -> Self {
        Address {
            kapitel: Some(k),
            ..Default::default()
        }
    }
    pub fn paragraph(k: Option<Label>, p: Label) -> Self {
        Address {
            kapitel: k,
            paragraf: Some(p),
            ..Default::default()
        }
    }
    pub fn is_empty(&self) -> bool {
        *self == Address::default()
    }
    /// The paragraph this address lies in (drops stycke and punkt).
    pub fn paragraph_part(&self) -> Address {
        Address {
            kapitel: self.kapitel,
            paragraf: self.paragraf,
            stycke: None,
            punkt: None,
        }
    }

    /// The anchor id as lagen.nu and Riksdagen use it: `K2P7aS1N2`.
    pub fn id(&self) -> String {
        let mut s = String::new();
        if let Some(k) = self.kapitel {
            s.push('K');
            s.push_str(&k.id());
        }
        if let Some(p) = self.paragraf {
            s.push('P');
            s.push_str(&p.id());
        }
        if let Some(st) = self.stycke {
            s.push('S');
            s.push_str(&st.to_string());
        }
        if let Some(n) = self.punkt {
            s.push('N');
            s.push_str(&n.to_string());
        }
        s
    }

    /// Parses an id such as `K2P7aS1N2`, `P3`, `K4`.
    pub fn from_id(s: &str) -> Option<Address> {
        // Ids are ASCII; byte positions below are then character positions too.
        if !s.is_ascii() {
            return None;
        }
        let mut a = Address::default();
        let b = s.as_bytes();
        let mut i = 0;
        let mut last_level = 0;
        while i < b.len() {
            let tag = b[i];
            i += 1;
            let start = i;
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
            let digits = &s[start..i];
            // Letters belong to K and P labels, and a lone letter is a punkt label.
            let mut letter = None;
            if i < b.len() && b[i].is_ascii_lowercase() {
                letter = Some(b[i] as char);
                i += 1;
            }
            let num: Option<u32> = digits.parse().ok();
            let level = match tag {
                b'K' => 1,
                b'P' => 2,
                b'S' => 3,
                b'N' => 4,
                _ => return None,
            };
            if level <= last_level {
                return None;
            }
            last_level = level;
            match tag {
                b'K' => a.kapitel = Some(Label { num: num?, letter }),
                b'P' => a.paragraf = Some(Label { num: num?, letter }),
                // Stycken and punkter count from 1: `S0` names nothing.
                b'S' => {
                    if letter.is_some() || num == Some(0) {
                        return None;
                    }
                    a.stycke = Some(num?)
                }
                _ => {
                    a.punkt = Some(match (num, letter) {
                        (Some(0), None) => return None,
                        (Some(n), None) => PunktLabel::Number(n),
                        (None, Some(c)) => PunktLabel::Letter(c),
                        _ => return None,
                    })
                }
            }
        }
        (!a.is_empty()).then_some(a)
    }

    /// The Swedish written form with ordinary spaces: `2 kap. 7 a § första stycket 2`.
    pub fn display(&self) -> String {
        self.render(' ')
    }

    /// The typographic form for documents: no-break spaces inside the citation.
    pub fn display_typo(&self) -> String {
        self.render('\u{a0}')
    }

    fn render(&self, sp: char) -> String {
        use fmt::Write as _;
        // Written into one string (no string per part): every paragraph a page or table
        // names goes through here. The parts are never empty, so a space goes before each
        // part but the first.
        let mut out = String::with_capacity(24);
        let label = |out: &mut String, l: Label| {
            push_decimal(out, l.num);
            if let Some(c) = l.letter {
                out.push(sp);
                out.push(c);
            }
        };
        if let Some(k) = self.kapitel {
            label(&mut out, k);
            out.push(sp);
            out.push_str("kap.");
        }
        if let Some(p) = self.paragraf {
            if !out.is_empty() {
                out.push(' ');
            }
            label(&mut out, p);
            out.push(sp);
            out.push('§');
        }
        if let Some(st) = self.stycke {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(&ordinal(st));
            out.push(sp);
            out.push_str("stycket");
        }
        if let Some(n) = self.punkt {
            if !out.is_empty() {
                out.push(' ');
            }
            if self.paragraf.is_none() && self.stycke.is_none() {
                out.push_str("punkt");
                out.push(sp);
            }
            let _ = write!(out, "{n}");
        }
        out
    }
}

/// The decimal digits of `n`, written into `buf` without the formatting machinery: the
/// numbers of every label a page, a parse or a diff names go through here (`write!` was
/// most of the cost of a label).
pub(crate) fn decimal_digits(n: u64, buf: &mut [u8; 20]) -> &[u8] {
    let mut i = buf.len();
    let mut n = n;
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    &buf[i..]
}

/// [`decimal_digits`] as text.
pub(crate) fn decimal_str(n: u64, buf: &mut [u8; 20]) -> &str {
    std::str::from_utf8(decimal_digits(n, buf)).unwrap_or_default()
}

/// `n` in decimal at the end of `out` (see [`decimal_digits`]).
pub(crate) fn push_decimal(out: &mut String, n: u32) {
    // Most numbers written are a stycke's, a punkt's or a paragraph's: one or two digits,
    // without the loop.
    if n < 10 {
        out.push(char::from(b'0' + n as u8));
        return;
    }
    if n < 100 {
        out.push(char::from(b'0' + (n / 10) as u8));
        out.push(char::from(b'0' + (n % 10) as u8));
        return;
    }
    let mut buf = [0u8; 20];
    // The digits are ASCII: one copy, where pushing them as characters was one each.
    out.push_str(decimal_str(u64::from(n), &mut buf));
}

fn label_with(l: Label, sp: char) -> String {
    match l.letter {
        Some(c) => format!("{}{sp}{c}", l.num),
        None => l.num.to_string(),
    }
}

impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.display())
    }
}

/// Writes a run of paragraph labels of one chapter the Swedish way: `6 §`, `10 och 11 §§`,
/// `3, 4 och 6 §§`, `10–13 §§` (an en dash for three or more consecutive labels).
/// `consecutive` says whether two labels follow each other in the regulation.
pub fn join_paragraph_labels(
    labels: &[Label],
    sp: char,
    consecutive: impl Fn(Label, Label) -> bool,
) -> String {
    if labels.is_empty() {
        return String::new();
    }
    // Group consecutive labels into runs.
    let mut runs: Vec<(Label, Label, usize)> = Vec::new();
    for &l in labels {
        match runs.last_mut() {
            Some((_, end, n)) if consecutive(*end, l) => {
                *end = l;
                *n += 1;
            }
            _ => runs.push((l, l, 1)),
        }
    }
    let mut items: Vec<String> = Vec::new();
    for (start, end, n) in runs {
        match n {
            1 => items.push(label_with(start, sp)),
            2 => {
                items.push(label_with(start, sp));
                items.push(label_with(end, sp));
            }
            _ => items.push(format!("{}–{}", label_with(start, sp), label_with(end, sp))),
        }
    }
    let sign = if labels.len() == 1 { "§" } else { "§§" };
    let body = match items.len() {
        1 => items[0].clone(),
        _ => {
            let (last, init) = items
                .split_last()
                .map(|(l, i)| (l.clone(), i.join(", ")))
                .unwrap_or_default();
            format!("{init} och {last}")
        }
    };
    format!("{body}{sp}{sign}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_written_as_display_writes_them() {
        for n in [0, 7, 10, 99, 100, 2025, 65_536, u32::MAX] {
            let mut s = String::from("x");
            super::push_decimal(&mut s, n);
            assert_eq!(s, format!("x{n}"));
        }
    }

    #[test]
    fn id_round_trip() {
        for id in ["K2P7aS1N2", "K2", "P3", "K1P4a", "K3P3S1Na", "K12P1S2"] {
            let a = Address::from_id(id).unwrap_or_else(|| panic!("{id}"));
            assert_eq!(a.id(), id);
        }
        assert_eq!(Address::from_id("S1K2"), None);
        assert_eq!(Address::from_id("X1"), None);
        assert_eq!(Address::from_id(""), None);
    }

    #[test]
    fn stycke_and_punkt_zero_are_not_ids() {
        for id in [
            "K2P7S0", "P7S0", "K2P7S1N0", "K2P7S0N1", "Kå", "K2På", "åK2",
        ] {
            assert_eq!(Address::from_id(id), None, "{id}");
        }
        // Even an address made by hand with stycke 0 is simply not in a draft.
        use crate::cite::Outline;
        let text = crate::source::Text::from_plain(
            "t",
            "1 kap. Inledning\n\n1 § Denna förordning gäller.\n".to_string(),
        );
        let reg = crate::regulation::parse(&text);
        let mut a = Address::from_id("K1P1N1").unwrap();
        a.stycke = Some(0);
        assert!(!reg.contains(&a));
    }

    #[test]
    fn display_forms() {
        let a = Address::from_id("K2P7aS1N2").unwrap();
        assert_eq!(a.display(), "2 kap. 7 a § första stycket 2");
        assert_eq!(
            a.display_typo(),
            "2\u{a0}kap. 7\u{a0}a\u{a0}§ första\u{a0}stycket 2"
        );
        let b = Address::from_id("K2P13S2").unwrap();
        assert_eq!(b.display(), "2 kap. 13 § andra stycket");
        assert_eq!(Address::from_id("K4").unwrap().display(), "4 kap.");
        assert_eq!(Address::from_id("P5N1").unwrap().display(), "5 § 1");
    }

    #[test]
    fn ordinals_both_ways() {
        for n in 1..=10 {
            assert_eq!(ordinal_value(&ordinal(n)), Some(n));
        }
        assert_eq!(ordinal(10), "tionde");
        assert_eq!(ordinal_value("Första"), Some(1));
        assert_eq!(ordinal_value("sjutton"), None);
        assert_eq!(ordinal_value("Åttonde"), Some(8));
        assert_eq!(ordinal_value("åttonde"), Some(8));
        assert_eq!(ordinal_value("Tolfte"), Some(12));
        // Only the first letter is lowered.
        assert_eq!(ordinal_value("FÖRSTA"), None);
        assert_eq!(ordinal_value("\u{212B}ttonde"), None);
    }

    /// The reading by bytes agrees with one by characters (the first lowered as Unicode
    /// lowers it) on every word of a real statute and on the ordinals in any case.
    #[test]
    fn ordinal_value_agrees_with_a_reading_by_characters() {
        fn by_chars(word: &str) -> Option<u32> {
            let mut chars = word.chars();
            let first = chars.next()?.to_lowercase().next()?;
            let rest = chars.as_str();
            ORDINALS
                .iter()
                .position(|o| {
                    let mut oc = o.chars();
                    oc.next() == Some(first) && oc.as_str() == rest && word.len() <= 8
                })
                .map(|i| i as u32 + 1)
        }
        let statute = include_str!(
            "../corpus/sfs/lag-2022-482-elektronisk-kommunikation/sfs-2022-482_in-force-2026-01-15.txt"
        );
        let mut words: Vec<String> = statute
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_string)
            .collect();
        for o in ORDINALS {
            let mut cs = o.chars();
            let first: String = cs.next().into_iter().flat_map(char::to_uppercase).collect();
            words.push(format!("{first}{}", cs.as_str()));
            words.push(o.to_uppercase());
        }
        let mut found = 0;
        for w in &words {
            assert_eq!(ordinal_value(w), by_chars(w), "{w}");
            found += usize::from(ordinal_value(w).is_some());
        }
        assert!(found > 100, "{found}");
    }

    #[test]
    fn label_order_puts_letters_after_the_number() {
        let mut v = [
            Label::new(8),
            Label::with_letter(7, 'b'),
            Label::new(7),
            Label::with_letter(7, 'a'),
        ];
        v.sort();
        let shown: Vec<String> = v.iter().map(|l| l.to_string()).collect();
        assert_eq!(shown, ["7", "7 a", "7 b", "8"]);
        assert_eq!(Label::parse("7a"), Some(Label::with_letter(7, 'a')));
        assert_eq!(Label::parse("7 a"), Some(Label::with_letter(7, 'a')));
        assert_eq!(Label::parse("a7"), None);
        assert_eq!(Label::parse("7 ab"), None);
    }

    #[test]
    fn join_labels_swedish_style() {
        let next =
            |a: Label, b: Label| b.letter.is_none() && a.letter.is_none() && b.num == a.num + 1;
        let l = |n| Label::new(n);
        assert_eq!(join_paragraph_labels(&[l(6)], ' ', next), "6 §");
        assert_eq!(
            join_paragraph_labels(&[l(10), l(11)], ' ', next),
            "10 och 11 §§"
        );
        assert_eq!(
            join_paragraph_labels(&[l(3), l(4), l(6)], ' ', next),
            "3, 4 och 6 §§"
        );
        assert_eq!(
            join_paragraph_labels(&[l(10), l(11), l(12), l(13)], ' ', next),
            "10–13 §§"
        );
    }
}

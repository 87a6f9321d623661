//! Stage 6, rendering a regulation's tree for `remiss parse`: the indented text view and
//! TSV (JSON is the tree itself).

use crate::regulation::{NodeKind, Regulation};
use std::fmt::Write as _;

/// Cuts a string to at most `n` characters, on a character boundary.
pub fn prefix_chars(s: &str, n: usize) -> &str {
    match s.char_indices().nth(n) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

/// One line per node: `id<TAB>kind<TAB>line<TAB>first 60 characters of text`, after one
/// line per fact of the first page (`META-fs-number<TAB>metadata<TAB>line<TAB>MSBFS 2020:1`).
pub fn write_tsv(reg: &Regulation, w: &mut dyn std::io::Write) -> std::io::Result<()> {
    // Each line is put together in one reused buffer, without a formatter or a String per
    // node: on a large statute the writing cost as much as the parse (a third of `remiss
    // parse`).
    let mut line: Vec<u8> = Vec::with_capacity(256);
    let mut digits = [0u8; 20];
    let mut put = |id: &str, kind: &str, number: u32, text: &str| {
        line.clear();
        line.extend_from_slice(id.as_bytes());
        line.push(b'\t');
        line.extend_from_slice(kind.as_bytes());
        line.push(b'\t');
        line.extend_from_slice(crate::address::decimal_digits(
            u64::from(number),
            &mut digits,
        ));
        line.push(b'\t');
        push_tsv_prefix(&mut line, text, 60);
        line.push(b'\n');
        w.write_all(&line)
    };
    for (k, text, span) in reg.metadata.fields() {
        put(k.id(), "metadata", span.line, text)?;
    }
    // Nodes are written as they are reached, with no list of them held in memory.
    let mut result = Ok(());
    reg.for_each_node(|n| {
        if result.is_ok() {
            result = put(n.id, n.kind.as_str(), n.span.line, n.text);
        }
    });
    result
}

/// `escape::tsv(prefix_chars(s, n))`, appended to `out` without a String of its own: the
/// first `n` characters of `s`, with tabs and line breaks as spaces. A character starts at
/// every byte that is not a UTF-8 continuation byte, so the cut is found on the bytes.
fn push_tsv_prefix(out: &mut Vec<u8>, s: &str, n: usize) {
    let b = s.as_bytes();
    let mut chars = 0;
    let mut end = b.len();
    for (i, &c) in b.iter().enumerate() {
        if c & 0xC0 != 0x80 {
            if chars == n {
                end = i;
                break;
            }
            chars += 1;
        }
    }
    out.extend(b[..end].iter().map(|&c| match c {
        b'\t' | b'\n' | b'\r' => b' ',
        c => c,
    }));
}

/// The tree for a terminal: one indented line per node with its id, label, text and line,
/// then the counts.
pub fn text(reg: &Regulation) -> String {
    let mut s = String::new();
    if let Some(t) = &reg.title {
        let _ = writeln!(s, "{}", t.text);
        let _ = writeln!(s);
    }
    let meta = reg.metadata.fields();
    for (k, text, _) in &meta {
        let _ = writeln!(s, "{:<24} {text}", super::sv::metadata(*k));
    }
    if !meta.is_empty() {
        let _ = writeln!(s);
    }
    for n in reg.nodes() {
        let indent = "  ".repeat(n.depth as usize);
        let label = match n.kind {
            NodeKind::Kapitel | NodeKind::Paragraf => crate::Address::from_id(n.id)
                .map(|a| a.display())
                .unwrap_or_default(),
            NodeKind::Stycke => crate::Address::from_id(n.id)
                .and_then(|a| a.stycke)
                .map(|st| format!("{} stycket", crate::address::ordinal(st)))
                .unwrap_or_default(),
            NodeKind::Punkt => {
                n.id.rsplit('N')
                    .next()
                    .map(|p| format!("{p}."))
                    .unwrap_or_default()
            }
            NodeKind::Avdelning => "avdelning".to_string(),
            NodeKind::Underavdelning => "underavdelning".to_string(),
            NodeKind::Rubrik => "rubrik".to_string(),
            NodeKind::AllmannaRad => "Allmänna råd".to_string(),
            NodeKind::Overgang => "övergångsbestämmelser".to_string(),
            NodeKind::Bilaga => "bilaga".to_string(),
        };
        let _ = writeln!(
            s,
            "{indent}{:<12} {:<22} {}  [line {}]",
            n.id,
            label,
            prefix_chars(&n.text.replace('\n', " "), 70),
            n.span.line
        );
    }
    let ar: usize = reg.paragraphs().map(|p| p.allmanna_rad().len()).sum();
    let repealed = reg.paragraphs().filter(|p| p.repealed().is_some()).count();
    let _ = writeln!(
        s,
        "\n{} kapitel, {} paragrafer ({} repealed), {} allmänna råd, {} övergångsbestämmelser, {} bilagor",
        reg.chapter_count(),
        reg.paragraph_count(),
        repealed,
        ar,
        reg.overgang.len(),
        reg.bilagor.len()
    );
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::escape;

    /// The byte-wise cut and escape give what the String-making pair gives, on every line
    /// of a real statute and on texts cut inside and around multi-byte characters, tabs
    /// and line breaks.
    #[test]
    fn the_tsv_prefix_is_the_escaped_prefix_of_chars() {
        let statute = include_str!(
            "../../corpus/sfs/socialforsakringsbalk-2010-110/sfs-2010-110_in-force-2026-01-01.txt"
        );
        let mut texts: Vec<String> = statute.lines().take(3000).map(str::to_string).collect();
        let tricky = "å\tä\nö\r€ 𝄞 x§\u{a0}§§ é";
        for k in 0..tricky.chars().count() {
            texts.push(tricky.chars().skip(k).collect());
        }
        texts.push(String::new());
        texts.push("a".repeat(61));
        texts.push("ö".repeat(61));
        for t in &texts {
            for n in [0, 1, 2, 5, 59, 60, 61, 200] {
                let mut out = Vec::new();
                push_tsv_prefix(&mut out, t, n);
                assert_eq!(
                    String::from_utf8(out).as_deref(),
                    Ok(escape::tsv(prefix_chars(t, n)).as_str()),
                    "{t:?} {n}"
                );
            }
        }
    }
}

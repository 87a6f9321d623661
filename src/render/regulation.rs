//! Stage 6, rendering a regulation's tree for `remiss parse`: the indented text view and
//! TSV (JSON is the tree itself).

use super::escape;
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
    for (k, text, span) in reg.metadata.fields() {
        writeln!(
            w,
            "{}\tmetadata\t{}\t{}",
            k.id(),
            span.line,
            escape::tsv(prefix_chars(text, 60))
        )?;
    }
    // Nodes are written as they are reached, with no list of them held in memory.
    let mut result = Ok(());
    reg.for_each_node(|n| {
        if result.is_ok() {
            result = writeln!(
                w,
                "{}\t{}\t{}\t{}",
                n.id,
                n.kind.as_str(),
                n.span.line,
                escape::tsv(prefix_chars(n.text, 60))
            );
        }
    });
    result
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
    let ar: usize = reg.paragraphs().map(|p| p.allmanna_rad.len()).sum();
    let repealed = reg.paragraphs().filter(|p| p.repealed.is_some()).count();
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

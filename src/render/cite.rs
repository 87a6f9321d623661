//! Stage 6, rendering the citations of a text for `remiss refs`: the text view and TSV.

use super::escape;
use crate::cite::Resolved;
use std::fmt::Write as _;

/// `line<TAB>start<TAB>end<TAB>kind<TAB>text<TAB>resolved ids<TAB>unresolved`.
pub fn tsv(found: &[Resolved]) -> String {
    let mut s = String::new();
    for r in found {
        let ids: Vec<String> = r.addresses.iter().map(|a| a.id()).collect();
        let _ = writeln!(
            s,
            "{}\t{}\t{}\t{}\t{}\t{}\t{}",
            r.line,
            r.citation.start,
            r.citation.end,
            r.citation.kind.as_str(),
            escape::tsv(&r.citation.text),
            ids.join(","),
            escape::tsv(&r.unresolved.join("; "))
        );
    }
    s
}

/// One line per citation (`name:line: kind «text» → addresses`), then the counts.
pub fn text(found: &[Resolved], name: &str) -> String {
    let mut s = String::new();
    for r in found {
        let shown: Vec<String> = r.addresses.iter().map(|a| a.display()).collect();
        let target = if !r.citation.kind.is_internal() {
            format!(
                "external: {}",
                r.citation.act.as_deref().unwrap_or(&r.citation.text)
            )
        } else if shown.is_empty() {
            "—".to_string()
        } else {
            shown.join(", ")
        };
        let _ = write!(
            s,
            "{name}:{}: {:<18} {:<40} → {}",
            r.line,
            r.citation.kind.as_str(),
            format!("«{}»", r.citation.text.replace('\n', " ")),
            target
        );
        if !r.unresolved.is_empty() {
            let _ = write!(s, "  [unresolved: {}]", r.unresolved.join("; "));
        }
        s.push('\n');
    }
    let unresolved = found.iter().filter(|r| !r.unresolved.is_empty()).count();
    let _ = writeln!(
        s,
        "\n{} citations, {} with unresolved members",
        found.len(),
        unresolved
    );
    s
}

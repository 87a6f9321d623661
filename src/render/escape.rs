//! Stage 6, rendering: escaping document text for each output language. Document text is
//! data: in HTML it is escaped (tera's escaper), in Markdown its markup and inline HTML are
//! backslash-escaped (many viewers render Markdown to HTML, so `<script>` in an answer must
//! stay text), and in CSV a cell cannot become a spreadsheet formula.

/// Escapes text for HTML element content and attribute values.
pub fn html(s: &str) -> String {
    tera::escape_html(s)
}

/// Escapes text for Markdown: characters that would start emphasis, a link, code, a
/// table cell, a heading or inline HTML get a backslash, so the text reads as written.
pub fn markdown(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(
            c,
            '\\' | '*' | '_' | '~' | '|' | '[' | ']' | '`' | '#' | '<' | '>'
        ) {
            o.push('\\');
        }
        o.push(c);
    }
    o
}

/// One CSV field. A field that a spreadsheet would read as a formula (starting with `=`,
/// `+`, `-`, `@`, a tab or a carriage return) gets a leading `'`, as OWASP recommends;
/// a field holding a separator, a quote or a line break is quoted.
pub fn csv(s: &str) -> String {
    let neutral = match s.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{s}"),
        _ => s.to_string(),
    };
    if neutral.contains([',', '"', '\n', '\r', ';']) {
        format!("\"{}\"", neutral.replace('"', "\"\""))
    } else {
        neutral
    }
}

/// Makes text safe for one TSV field: tabs and line breaks become spaces.
pub fn tsv(s: &str) -> String {
    s.replace(['\t', '\n', '\r'], " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_cells_never_start_a_formula() {
        for bad in [
            "=HYPERLINK(\"http://x\",\"x\")",
            "+cmd",
            "-cmd",
            "@SUM(1+1)",
            "\tx",
            "\rx",
        ] {
            let f = csv(bad);
            let inner = f.trim_start_matches('"');
            assert!(inner.starts_with('\''), "{bad:?} gave {f:?}");
        }
        assert_eq!(csv("=1+1"), "'=1+1");
        assert_eq!(csv("\rx"), "\"'\rx\"");
        assert_eq!(csv("a\rb"), "\"a\rb\"");
        assert_eq!(csv("Stadsledningskontoret"), "Stadsledningskontoret");
        assert_eq!(csv("a,\"b\""), "\"a,\"\"b\"\"\"");
    }

    #[test]
    fn markdown_keeps_inline_html_as_text() {
        assert_eq!(
            markdown("<script>alert(1)</script>"),
            "\\<script\\>alert(1)\\</script\\>"
        );
        assert_eq!(markdown("a*b*_c_"), "a\\*b\\*\\_c\\_");
        assert_eq!(markdown("2 kap. 7 §"), "2 kap. 7 §");
    }

    #[test]
    fn html_escapes_markup_and_quotes() {
        assert_eq!(
            html("<img onerror=\"x\">&"),
            "&lt;img onerror=&quot;x&quot;&gt;&amp;"
        );
    }
}

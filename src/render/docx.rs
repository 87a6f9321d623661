//! Stage 6, rendering: the Word writer. The opinion's Markdown is read with pulldown-cmark
//! and its events become WordprocessingML paragraphs and runs (headings, paragraphs with
//! line breaks, list items, bold and italic), so Word shows what a Markdown viewer shows.
//! The package is the handful of parts Word and LibreOffice need, written with zip; no
//! dates or other varying data go in, so the same Markdown gives the same bytes.

use super::RenderError;
use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use std::fmt::Write as _;
use std::io::Write as _;

/// Twentieths of a point: 6 pt after a paragraph.
const AFTER: u32 = 120;

/// A paragraph being filled: its properties and its runs, as XML.
#[derive(Default)]
struct Para {
    keep_next: bool,
    before: Option<u32>,
    indent: Option<u32>,
    runs: String,
}

impl Para {
    fn body() -> Para {
        Para::default()
    }

    fn xml(&self, out: &mut String) {
        // Child order as the schema wants it: keepNext, spacing, ind.
        out.push_str("<w:p><w:pPr>");
        if self.keep_next {
            out.push_str("<w:keepNext/>");
        }
        match self.before {
            Some(b) => {
                let _ = write!(out, "<w:spacing w:before=\"{b}\" w:after=\"{AFTER}\"/>");
            }
            None => {
                let _ = write!(out, "<w:spacing w:after=\"{AFTER}\"/>");
            }
        }
        if let Some(i) = self.indent {
            let _ = write!(out, "<w:ind w:left=\"{i}\"/>");
        }
        out.push_str("</w:pPr>");
        out.push_str(&self.runs);
        out.push_str("</w:p>");
    }
}

/// How the next run is styled.
#[derive(Clone, Copy, Default)]
struct Style {
    bold: bool,
    italic: bool,
    /// Half-points, for headings.
    size: Option<u32>,
}

fn run(out: &mut String, style: Style, text: &str) {
    out.push_str("<w:r>");
    if style.bold || style.italic || style.size.is_some() {
        // Child order as the schema wants it: b, bCs, i, iCs, sz, szCs.
        out.push_str("<w:rPr>");
        if style.bold {
            out.push_str("<w:b/><w:bCs/>");
        }
        if style.italic {
            out.push_str("<w:i/><w:iCs/>");
        }
        if let Some(s) = style.size {
            let _ = write!(out, "<w:sz w:val=\"{s}\"/><w:szCs w:val=\"{s}\"/>");
        }
        out.push_str("</w:rPr>");
    }
    out.push_str("<w:t xml:space=\"preserve\">");
    out.push_str(&xml_text(text));
    out.push_str("</w:t></w:r>");
}

/// Text as XML character data; characters XML 1.0 does not allow are dropped.
fn xml_text(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '\t' | '\n' | '\r' => o.push(' '),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => {}
            c => o.push(c),
        }
    }
    o
}

/// The document being written.
struct Writer {
    body: String,
    para: Option<Para>,
    /// Plain text not yet put in a run (adjacent text events share one run).
    pending: String,
    bold: usize,
    italic: usize,
    heading_size: Option<u32>,
    /// A list item was opened and holds only its dash.
    item_fresh: bool,
}

impl Writer {
    fn style(&self) -> Style {
        Style {
            bold: self.bold > 0 || self.heading_size.is_some(),
            italic: self.italic > 0,
            size: self.heading_size,
        }
    }

    fn para(&mut self) -> &mut Para {
        self.para.get_or_insert_with(Para::body)
    }

    fn flush_text(&mut self) {
        if self.pending.is_empty() {
            return;
        }
        let text = std::mem::take(&mut self.pending);
        let style = self.style();
        run(&mut self.para().runs, style, &text);
    }

    fn text(&mut self, t: &str) {
        if self.bold > 0 || self.italic > 0 {
            // A styled span is its own run.
            self.flush_text();
            let style = self.style();
            run(&mut self.para().runs, style, t);
        } else {
            self.pending.push_str(t);
        }
    }

    fn end_paragraph(&mut self) {
        self.flush_text();
        if let Some(p) = self.para.take() {
            p.xml(&mut self.body);
        }
    }
}

/// The body of `word/document.xml` from Markdown.
fn body(md: &str) -> String {
    let mut w = Writer {
        body: String::with_capacity(md.len() * 2),
        para: None,
        pending: String::new(),
        bold: 0,
        italic: 0,
        heading_size: None,
        item_fresh: false,
    };
    for ev in Parser::new_ext(md, Options::ENABLE_STRIKETHROUGH) {
        match ev {
            Event::Start(Tag::Heading { level, .. }) => {
                w.end_paragraph();
                let (size, before) = match level {
                    HeadingLevel::H1 => (34, 0),
                    HeadingLevel::H2 => (28, 360),
                    _ => (24, 240),
                };
                w.heading_size = Some(size);
                w.para = Some(Para {
                    keep_next: true,
                    before: Some(before),
                    ..Para::default()
                });
            }
            Event::End(TagEnd::Heading(_)) => {
                w.end_paragraph();
                w.heading_size = None;
            }
            // In a loose list the item's paragraph is the item itself.
            Event::Start(Tag::Paragraph) if !std::mem::take(&mut w.item_fresh) => {
                w.end_paragraph();
                w.para = Some(Para::body());
            }
            Event::End(TagEnd::Paragraph) | Event::End(TagEnd::Item) => w.end_paragraph(),
            Event::Start(Tag::Item) => {
                w.end_paragraph();
                let mut p = Para {
                    indent: Some(360),
                    ..Para::body()
                };
                run(&mut p.runs, Style::default(), "– ");
                w.para = Some(p);
                w.item_fresh = true;
            }
            Event::Start(Tag::Strong) => {
                w.flush_text();
                w.bold += 1;
            }
            Event::End(TagEnd::Strong) => {
                w.flush_text();
                w.bold = w.bold.saturating_sub(1);
            }
            Event::Start(Tag::Emphasis) => {
                w.flush_text();
                w.italic += 1;
            }
            Event::End(TagEnd::Emphasis) => {
                w.flush_text();
                w.italic = w.italic.saturating_sub(1);
            }
            Event::Text(t) | Event::Code(t) => {
                w.item_fresh = false;
                w.text(&t);
            }
            Event::SoftBreak => {
                // A line joined to the one before it.
                w.flush_text();
                let style = w.style();
                run(&mut w.para().runs, style, " ");
            }
            Event::HardBreak => {
                w.flush_text();
                w.para().runs.push_str("<w:r><w:br/></w:r>");
            }
            // Inline HTML is shown as written: it is text, never markup, in the opinion.
            Event::Html(t) | Event::InlineHtml(t) => w.text(&t),
            _ => {}
        }
    }
    w.end_paragraph();
    w.body
}

const XML: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n";
const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

fn parts(md: &str) -> Vec<(&'static str, String)> {
    let content_types = format!(
        "{XML}<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\
<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>\
<Default Extension=\"xml\" ContentType=\"application/xml\"/>\
<Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/>\
<Override PartName=\"/word/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml\"/>\
<Override PartName=\"/word/settings.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml\"/>\
<Override PartName=\"/docProps/core.xml\" ContentType=\"application/vnd.openxmlformats-package.core-properties+xml\"/>\
<Override PartName=\"/docProps/app.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.extended-properties+xml\"/>\
</Types>"
    );
    let rels = format!(
        "{XML}<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"word/document.xml\"/>\
<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties\" Target=\"docProps/core.xml\"/>\
<Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties\" Target=\"docProps/app.xml\"/>\
</Relationships>"
    );
    let doc_rels = format!(
        "{XML}<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/>\
<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings\" Target=\"settings.xml\"/>\
</Relationships>"
    );
    // Georgia 11 pt, Swedish for spelling and hyphenation.
    let styles = format!(
        "{XML}<w:styles xmlns:w=\"{W}\"><w:docDefaults><w:rPrDefault><w:rPr>\
<w:rFonts w:ascii=\"Georgia\" w:hAnsi=\"Georgia\" w:cs=\"Georgia\"/><w:sz w:val=\"22\"/><w:szCs w:val=\"22\"/><w:lang w:val=\"sv-SE\"/>\
</w:rPr></w:rPrDefault><w:pPrDefault><w:pPr/></w:pPrDefault></w:docDefaults>\
<w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"Normal\"><w:name w:val=\"Normal\"/><w:qFormat/></w:style>\
</w:styles>"
    );
    let settings = format!(
        "{XML}<w:settings xmlns:w=\"{W}\"><w:defaultTabStop w:val=\"840\"/>\
<w:compat><w:compatSetting w:name=\"compatibilityMode\" w:uri=\"http://schemas.microsoft.com/office/word\" w:val=\"15\"/></w:compat>\
</w:settings>"
    );
    let core = format!(
        "{XML}<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" \
xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><dc:creator>remiss</dc:creator></cp:coreProperties>"
    );
    let app = format!(
        "{XML}<Properties xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties\"><Application>remiss</Application></Properties>"
    );
    // A4 with the margins of a Swedish official letter.
    let document = format!(
        "{XML}<w:document xmlns:w=\"{W}\"><w:body>{}\
<w:sectPr><w:pgSz w:w=\"11906\" w:h=\"16838\"/>\
<w:pgMar w:top=\"1985\" w:right=\"1701\" w:bottom=\"1701\" w:left=\"1701\" w:header=\"851\" w:footer=\"992\" w:gutter=\"0\"/>\
</w:sectPr></w:body></w:document>",
        body(md)
    );
    vec![
        ("[Content_Types].xml", content_types),
        ("_rels/.rels", rels),
        ("docProps/core.xml", core),
        ("docProps/app.xml", app),
        ("word/_rels/document.xml.rels", doc_rels),
        ("word/styles.xml", styles),
        ("word/settings.xml", settings),
        ("word/document.xml", document),
    ]
}

/// A Word document from Markdown. Deterministic: every entry has the same fixed date.
pub fn from_markdown(md: &str) -> Result<Vec<u8>, RenderError> {
    let fail = |e: &dyn std::fmt::Display| RenderError::Docx(e.to_string());
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default());
    for (name, xml) in parts(md) {
        zip.start_file(name, opts).map_err(|e| fail(&e))?;
        zip.write_all(xml.as_bytes()).map_err(|e| fail(&e))?;
    }
    let cursor = zip.finish().map_err(|e| fail(&e))?;
    Ok(cursor.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn document_xml(md: &str) -> String {
        use std::io::Read;
        let bytes = from_markdown(md).unwrap();
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut s = String::new();
        zip.by_name("word/document.xml")
            .unwrap()
            .read_to_string(&mut s)
            .unwrap();
        s
    }

    #[test]
    fn escaped_markup_is_text_and_emphasis_is_styled() {
        let xml = document_xml(
            "# Rubrik\n\n**2 kap. 7 §**  \nText \\<script\\> *kursiv* & mer.\n\n- *A* (synpunkt)\n- B\n",
        );
        assert!(xml.contains("Text &lt;script&gt; "), "{xml}");
        assert!(xml.contains("&amp; mer."), "{xml}");
        assert!(
            xml.contains(
                "<w:rPr><w:b/><w:bCs/></w:rPr><w:t xml:space=\"preserve\">2 kap. 7 §</w:t>"
            ),
            "{xml}"
        );
        assert!(
            xml.contains("<w:rPr><w:i/><w:iCs/></w:rPr><w:t xml:space=\"preserve\">kursiv</w:t>"),
            "{xml}"
        );
        assert!(
            xml.contains(
                "<w:ind w:left=\"360\"/></w:pPr><w:r><w:t xml:space=\"preserve\">– </w:t></w:r>"
            ),
            "{xml}"
        );
        assert!(xml.contains("<w:br/>"), "{xml}");
        assert!(xml.contains("<w:keepNext/><w:spacing w:before=\"0\" w:after=\"120\"/></w:pPr><w:r><w:rPr><w:b/><w:bCs/><w:sz w:val=\"34\"/>"), "{xml}");
        assert_eq!(xml.matches("<w:p>").count(), 4, "{xml}");
    }

    #[test]
    fn the_package_has_the_parts_word_needs() {
        let bytes = from_markdown("Text\n").unwrap();
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        for part in [
            "[Content_Types].xml",
            "_rels/.rels",
            "word/document.xml",
            "word/styles.xml",
            "word/_rels/document.xml.rels",
        ] {
            assert!(zip.by_name(part).is_ok(), "{part}");
        }
    }

    #[test]
    fn control_characters_cannot_break_the_xml() {
        let xml = document_xml("a\u{1}b\u{b}c\n");
        assert!(xml.contains(">abc<"), "{xml}");
    }

    #[test]
    fn the_same_markdown_gives_the_same_bytes() {
        let md = "# A\n\nB *c* **d**\n";
        assert_eq!(from_markdown(md).unwrap(), from_markdown(md).unwrap());
    }
}

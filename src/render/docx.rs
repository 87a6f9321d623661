//! Stage 6, rendering: the Word writer. The opinion's Markdown is read with pulldown-cmark
//! and its events become Word paragraphs and runs (headings, paragraphs with line breaks,
//! list items, bold and italic), so Word shows what a Markdown viewer shows.

use super::RenderError;
use docx_rs::{BreakType, Docx, LineSpacing, Paragraph, Run, RunFonts};
use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};

/// The paragraph being filled, and how its next text is styled.
struct Writer {
    doc: Docx,
    para: Option<Paragraph>,
    /// Plain text not yet put in a run (adjacent text events share one run).
    pending: String,
    bold: usize,
    italic: usize,
    heading_size: Option<usize>,
    /// A list item was opened and holds only its dash.
    item_fresh: bool,
}

impl Writer {
    fn body() -> Paragraph {
        // Body text with space after each paragraph.
        Paragraph::new().line_spacing(LineSpacing::new().after(120))
    }

    fn run(&self, text: &str) -> Run {
        let mut r = Run::new().add_text(text);
        if self.bold > 0 || self.heading_size.is_some() {
            r = r.bold();
        }
        if self.italic > 0 {
            r = r.italic();
        }
        if let Some(size) = self.heading_size {
            r = r.size(size);
        }
        r
    }

    fn flush_text(&mut self) {
        if self.pending.is_empty() {
            return;
        }
        let text = std::mem::take(&mut self.pending);
        let run = self.run(&text);
        let p = self.para.take().unwrap_or_else(Writer::body);
        self.para = Some(p.add_run(run));
    }

    fn text(&mut self, t: &str) {
        if self.bold > 0 || self.italic > 0 {
            // A styled span is its own run.
            self.flush_text();
            let run = self.run(t);
            let p = self.para.take().unwrap_or_else(Writer::body);
            self.para = Some(p.add_run(run));
        } else {
            self.pending.push_str(t);
        }
    }

    fn end_paragraph(&mut self) {
        self.flush_text();
        if let Some(p) = self.para.take() {
            self.doc = std::mem::take(&mut self.doc).add_paragraph(p);
        }
    }
}

/// A Word document from Markdown. Deterministic: no creation dates are written.
pub fn from_markdown(md: &str) -> Result<Vec<u8>, RenderError> {
    let doc = Docx::new()
        .default_fonts(RunFonts::new().ascii("Georgia").hi_ansi("Georgia"))
        .default_size(22);
    let mut w = Writer {
        doc,
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
                w.para = Some(
                    Paragraph::new()
                        .line_spacing(LineSpacing::new().before(before).after(120))
                        .keep_next(true),
                );
            }
            Event::End(TagEnd::Heading(_)) => {
                w.end_paragraph();
                w.heading_size = None;
            }
            // In a loose list the item's paragraph is the item itself.
            Event::Start(Tag::Paragraph) if !std::mem::take(&mut w.item_fresh) => {
                w.end_paragraph();
                w.para = Some(Writer::body());
            }
            Event::End(TagEnd::Paragraph) | Event::End(TagEnd::Item) => w.end_paragraph(),
            Event::Start(Tag::Item) => {
                w.end_paragraph();
                let p = Writer::body()
                    .indent(Some(360), None, None, None)
                    .add_run(Run::new().add_text("– "));
                w.para = Some(p);
                w.item_fresh = true;
            }
            Event::Start(Tag::Strong) => {
                w.flush_text();
                w.bold += 1;
            }
            Event::End(TagEnd::Strong) => w.bold = w.bold.saturating_sub(1),
            Event::Start(Tag::Emphasis) => {
                w.flush_text();
                w.italic += 1;
            }
            Event::End(TagEnd::Emphasis) => w.italic = w.italic.saturating_sub(1),
            Event::Text(t) | Event::Code(t) => {
                w.item_fresh = false;
                w.text(&t);
            }
            Event::SoftBreak => {
                // A line joined to the one before it, as a space of its own.
                w.flush_text();
                let p = w.para.take().unwrap_or_else(Writer::body);
                w.para = Some(p.add_run(Run::new().add_text(" ")));
            }
            Event::HardBreak => {
                w.flush_text();
                let p = w.para.take().unwrap_or_else(Writer::body);
                w.para = Some(p.add_run(Run::new().add_break(BreakType::TextWrapping)));
            }
            // Raw HTML is not document text the opinion wrote; it is shown as written.
            Event::Html(t) | Event::InlineHtml(t) => w.text(&t),
            _ => {}
        }
    }
    w.end_paragraph();
    let mut buf = std::io::Cursor::new(Vec::new());
    w.doc
        .build()
        .pack(&mut buf)
        .map_err(|e| RenderError::Docx(e.to_string()))?;
    Ok(buf.into_inner())
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
            "# Rubrik\n\n**2 kap. 7 §**  \nText \\<script\\> *kursiv*.\n\n- *A* (synpunkt)\n- B\n",
        );
        assert!(xml.contains("&lt;script&gt;"), "{xml}");
        assert!(!xml.contains("\\&lt;"), "{xml}");
        assert!(xml.contains("<w:b />") || xml.contains("<w:b/>"), "{xml}");
        assert!(xml.contains("<w:i />") || xml.contains("<w:i/>"), "{xml}");
        assert!(xml.contains("– "), "{xml}");
        assert!(xml.contains("textWrapping"), "{xml}");
    }

    #[test]
    fn the_same_markdown_gives_the_same_bytes() {
        let md = "# A\n\nB *c* **d**\n";
        assert_eq!(from_markdown(md).unwrap(), from_markdown(md).unwrap());
    }
}

//! Stage 6, rendering: the Word writer. The opinion's Markdown is read with pulldown-cmark
//! and its events become WordprocessingML paragraphs and runs (headings, paragraphs with
//! line breaks, list items, bold and italic), so Word shows what a Markdown viewer shows.
//! The package is the handful of parts Word and LibreOffice need, written with zip; no
//! dates or other varying data go in, so the same Markdown gives the same bytes.

use super::RenderError;
use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use std::fmt::Write as _;
use std::io::Write as _;

/// A paragraph being filled: its style and its runs, as XML.
#[derive(Default)]
struct Para {
    /// The paragraph style's id (`Heading1`, `ListParagraph`); Normal when none.
    style: Option<String>,
    runs: String,
}

impl Para {
    fn body() -> Para {
        Para::default()
    }

    fn xml(&self, out: &mut String) {
        out.push_str("<w:p>");
        if let Some(st) = &self.style {
            let _ = write!(out, "<w:pPr><w:pStyle w:val=\"{st}\"/></w:pPr>");
        }
        out.push_str(&self.runs);
        out.push_str("</w:p>");
    }
}

/// How the next run is styled.
#[derive(Clone, Copy, Default)]
struct Style {
    bold: bool,
    italic: bool,
}

fn run(out: &mut String, style: Style, text: &str) {
    out.push_str("<w:r>");
    if style.bold || style.italic {
        // Child order as the schema wants it: b, bCs, i, iCs.
        out.push_str("<w:rPr>");
        if style.bold {
            out.push_str("<w:b/><w:bCs/>");
        }
        if style.italic {
            out.push_str("<w:i/><w:iCs/>");
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
    in_heading: bool,
    /// A list item was opened and holds only its dash.
    item_fresh: bool,
    ids: StyleIds,
}

/// The style ids the body uses: ours, or those of the reference document with the same
/// built-in names (a Swedish Word template calls Heading 1 `Rubrik1`).
#[derive(Clone)]
struct StyleIds {
    heading: [String; 4],
    list: String,
}

fn our_ids() -> StyleIds {
    StyleIds {
        heading: ["Heading1", "Heading2", "Heading3", "Heading4"].map(String::from),
        list: "ListParagraph".into(),
    }
}

impl Writer {
    fn style(&self) -> Style {
        Style {
            // In a heading the style makes it bold; a run of its own would override it.
            bold: self.bold > 0 && !self.in_heading,
            italic: self.italic > 0,
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
fn body(md: &str, ids: StyleIds) -> String {
    let mut w = Writer {
        body: String::with_capacity(md.len() * 2),
        para: None,
        pending: String::new(),
        bold: 0,
        italic: 0,
        in_heading: false,
        item_fresh: false,
        ids,
    };
    for ev in Parser::new_ext(md, Options::ENABLE_STRIKETHROUGH) {
        match ev {
            Event::Start(Tag::Heading { level, .. }) => {
                w.end_paragraph();
                // The style carries size, weight and keep-with-next, so Word's navigator
                // and the organisation's template both see real headings.
                let k = match level {
                    HeadingLevel::H1 => 0,
                    HeadingLevel::H2 => 1,
                    HeadingLevel::H3 => 2,
                    _ => 3,
                };
                let style = w.ids.heading[k].clone();
                w.in_heading = true;
                w.para = Some(Para {
                    style: Some(style),
                    ..Para::default()
                });
            }
            Event::End(TagEnd::Heading(_)) => {
                w.end_paragraph();
                w.in_heading = false;
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
                    style: Some(w.ids.list.clone()),
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
const R: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const REL: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

/// What the document says about itself, from the manifest.
#[derive(Clone, Debug, Default)]
pub struct Meta {
    /// The title (document properties).
    pub title: String,
    /// The author (document properties): the handläggare, or the office.
    pub author: String,
    /// The organisation (extended properties).
    pub company: String,
    /// The Dnr, in the header of every page.
    pub case_number: Option<String>,
    /// The date of the document, in the header.
    pub date: Option<String>,
    /// An organisation's own Word document (`--reference-docx`) whose styles, page setup,
    /// headers and footers the document takes.
    pub reference: Option<std::sync::Arc<Vec<u8>>>,
}

/// A paragraph style with a Swedish display name, as Swedish Word names the built-ins.
fn para_style(id: &str, name: &str, ui: &str, extra: &str, ppr: &str, rpr: &str) -> String {
    format!(
        "<w:style w:type=\"paragraph\" w:styleId=\"{id}\"><w:name w:val=\"{name}\"/>\
<w:aliases w:val=\"{ui}\"/><w:basedOn w:val=\"Normal\"/><w:next w:val=\"Normal\"/>{extra}<w:qFormat/>\
<w:pPr>{ppr}</w:pPr><w:rPr>{rpr}</w:rPr></w:style>"
    )
}

fn styles() -> String {
    let heading = |n: u32, size: u32, before: u32| {
        para_style(
            &format!("Heading{n}"),
            &format!("heading {n}"),
            &format!("Rubrik {n}"),
            "<w:uiPriority w:val=\"9\"/>",
            &format!(
                "<w:keepNext/><w:keepLines/><w:spacing w:before=\"{before}\" w:after=\"120\"/><w:outlineLvl w:val=\"{}\"/>",
                n - 1
            ),
            &format!(
                "<w:rFonts w:ascii=\"Arial\" w:hAnsi=\"Arial\" w:cs=\"Arial\"/><w:b/><w:bCs/><w:sz w:val=\"{size}\"/><w:szCs w:val=\"{size}\"/>"
            ),
        )
    };
    // Georgia 11 pt, Swedish for spelling and hyphenation; Arial headings.
    format!(
        "{XML}<w:styles xmlns:w=\"{W}\"><w:docDefaults><w:rPrDefault><w:rPr>\
<w:rFonts w:ascii=\"Georgia\" w:hAnsi=\"Georgia\" w:cs=\"Georgia\"/><w:sz w:val=\"22\"/><w:szCs w:val=\"22\"/><w:lang w:val=\"sv-SE\"/>\
</w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:after=\"120\" w:line=\"264\" w:lineRule=\"auto\"/></w:pPr></w:pPrDefault></w:docDefaults>\
<w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"Normal\"><w:name w:val=\"Normal\"/><w:aliases w:val=\"Normal\"/><w:qFormat/></w:style>\
{}{}{}{}{}{}{}\
<w:style w:type=\"character\" w:default=\"1\" w:styleId=\"DefaultParagraphFont\"><w:name w:val=\"Default Paragraph Font\"/><w:aliases w:val=\"Standardstycketeckensnitt\"/><w:uiPriority w:val=\"1\"/><w:semiHidden/></w:style>\
</w:styles>",
        heading(1, 32, 0),
        heading(2, 26, 360),
        heading(3, 23, 240),
        heading(4, 22, 200),
        para_style(
            "ListParagraph",
            "List Paragraph",
            "Liststycke",
            "<w:uiPriority w:val=\"34\"/>",
            "<w:spacing w:after=\"60\"/><w:ind w:left=\"360\" w:hanging=\"240\"/>",
            ""
        ),
        para_style(
            "Header",
            "header",
            "Sidhuvud",
            "<w:uiPriority w:val=\"99\"/>",
            "<w:tabs><w:tab w:val=\"right\" w:pos=\"8504\"/></w:tabs><w:spacing w:after=\"0\"/>",
            "<w:rFonts w:ascii=\"Arial\" w:hAnsi=\"Arial\" w:cs=\"Arial\"/><w:sz w:val=\"18\"/><w:szCs w:val=\"18\"/>"
        ),
        para_style(
            "Footer",
            "footer",
            "Sidfot",
            "<w:uiPriority w:val=\"99\"/>",
            "<w:jc w:val=\"center\"/><w:spacing w:after=\"0\"/>",
            "<w:rFonts w:ascii=\"Arial\" w:hAnsi=\"Arial\" w:cs=\"Arial\"/><w:sz w:val=\"18\"/><w:szCs w:val=\"18\"/>"
        ),
    )
}

/// A field (`PAGE`, `NUMPAGES`) as runs Word and LibreOffice update on opening.
fn field(code: &str) -> String {
    format!(
        "<w:r><w:fldChar w:fldCharType=\"begin\"/></w:r><w:r><w:instrText xml:space=\"preserve\"> {code} </w:instrText></w:r>\
<w:r><w:fldChar w:fldCharType=\"separate\"/></w:r><w:r><w:t>1</w:t></w:r><w:r><w:fldChar w:fldCharType=\"end\"/></w:r>"
    )
}

fn header(meta: &Meta) -> String {
    let mut left = meta.company.clone();
    if let Some(d) = &meta.date {
        left = format!("{left}, {d}");
    }
    let right = meta
        .case_number
        .as_ref()
        .map(|c| format!("Dnr {c}"))
        .unwrap_or_default();
    format!(
        "{XML}<w:hdr xmlns:w=\"{W}\"><w:p><w:pPr><w:pStyle w:val=\"Header\"/></w:pPr>\
<w:r><w:t xml:space=\"preserve\">{}</w:t></w:r><w:r><w:tab/></w:r><w:r><w:t xml:space=\"preserve\">{}</w:t></w:r></w:p></w:hdr>",
        xml_text(&left),
        xml_text(&right)
    )
}

fn footer() -> String {
    format!(
        "{XML}<w:ftr xmlns:w=\"{W}\"><w:p><w:pPr><w:pStyle w:val=\"Footer\"/></w:pPr>\
<w:r><w:t xml:space=\"preserve\">Sida </w:t></w:r>{}<w:r><w:t xml:space=\"preserve\"> (</w:t></w:r>{}<w:r><w:t>)</w:t></w:r></w:p></w:ftr>",
        field("PAGE"),
        field("NUMPAGES")
    )
}

fn core(meta: &Meta) -> String {
    // No dates: the same inputs give the same bytes (Word fills them in on saving).
    format!(
        "{XML}<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" \
xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\">\
<dc:title>{}</dc:title><dc:creator>{}</dc:creator><cp:lastModifiedBy>{}</cp:lastModifiedBy><dc:language>sv-SE</dc:language>\
</cp:coreProperties>",
        xml_text(&meta.title),
        xml_text(&meta.author),
        xml_text(&meta.author)
    )
}

fn app(meta: &Meta) -> String {
    format!(
        "{XML}<Properties xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties\">\
<Application>remiss</Application><Company>{}</Company></Properties>",
        xml_text(&meta.company)
    )
}

/// A4 with the margins of a Swedish official letter, our header and footer.
fn our_section() -> String {
    String::from(
        "<w:sectPr><w:headerReference w:type=\"default\" r:id=\"rId3\"/><w:footerReference w:type=\"default\" r:id=\"rId4\"/>\
<w:pgSz w:w=\"11906\" w:h=\"16838\"/>\
<w:pgMar w:top=\"1985\" w:right=\"1701\" w:bottom=\"1701\" w:left=\"1701\" w:header=\"851\" w:footer=\"992\" w:gutter=\"0\"/>\
</w:sectPr>",
    )
}

fn document(body: &str, section: &str) -> String {
    format!(
        "{XML}<w:document xmlns:w=\"{W}\" xmlns:r=\"{R}\"><w:body>{body}{section}</w:body></w:document>"
    )
}

fn parts(md: &str, meta: &Meta) -> Vec<(String, String)> {
    let content_types = format!(
        "{XML}<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\
<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>\
<Default Extension=\"xml\" ContentType=\"application/xml\"/>\
<Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/>\
<Override PartName=\"/word/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml\"/>\
<Override PartName=\"/word/settings.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml\"/>\
<Override PartName=\"/word/header1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml\"/>\
<Override PartName=\"/word/footer1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml\"/>\
<Override PartName=\"/docProps/core.xml\" ContentType=\"application/vnd.openxmlformats-package.core-properties+xml\"/>\
<Override PartName=\"/docProps/app.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.extended-properties+xml\"/>\
</Types>"
    );
    let doc_rels = format!(
        "{XML}<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
<Relationship Id=\"rId1\" Type=\"{REL}/styles\" Target=\"styles.xml\"/>\
<Relationship Id=\"rId2\" Type=\"{REL}/settings\" Target=\"settings.xml\"/>\
<Relationship Id=\"rId3\" Type=\"{REL}/header\" Target=\"header1.xml\"/>\
<Relationship Id=\"rId4\" Type=\"{REL}/footer\" Target=\"footer1.xml\"/>\
</Relationships>"
    );
    let settings = format!(
        "{XML}<w:settings xmlns:w=\"{W}\"><w:updateFields w:val=\"true\"/><w:defaultTabStop w:val=\"840\"/>\
<w:themeFontLang w:val=\"sv-SE\"/>\
<w:compat><w:compatSetting w:name=\"compatibilityMode\" w:uri=\"http://schemas.microsoft.com/office/word\" w:val=\"15\"/></w:compat>\
</w:settings>"
    );
    vec![
        ("[Content_Types].xml".into(), content_types),
        ("_rels/.rels".into(), package_rels()),
        ("docProps/core.xml".into(), core(meta)),
        ("docProps/app.xml".into(), app(meta)),
        ("word/_rels/document.xml.rels".into(), doc_rels),
        ("word/styles.xml".into(), styles()),
        ("word/settings.xml".into(), settings),
        ("word/header1.xml".into(), header(meta)),
        ("word/footer1.xml".into(), footer()),
        (
            "word/document.xml".into(),
            document(&body(md, our_ids()), &our_section()),
        ),
    ]
}

fn package_rels() -> String {
    format!(
        "{XML}<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
<Relationship Id=\"rId1\" Type=\"{REL}/officeDocument\" Target=\"word/document.xml\"/>\
<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties\" Target=\"docProps/core.xml\"/>\
<Relationship Id=\"rId3\" Type=\"{REL}/extended-properties\" Target=\"docProps/app.xml\"/>\
</Relationships>"
    )
}

/// The style id a reference document gives a built-in style name (`heading 1` →
/// `Rubrik1` in a Swedish template), read from its styles.xml.
fn style_id(styles: &str, name: &str) -> Option<String> {
    let mut rest = styles;
    while let Some(i) = rest.find("<w:style ") {
        rest = &rest[i..];
        let end = rest.find("</w:style>").unwrap_or(rest.len());
        let one = &rest[..end];
        let named = one
            .find("<w:name w:val=\"")
            .map(|k| &one[k + 15..])
            .and_then(|v| v.split('"').next())
            .is_some_and(|v| v.eq_ignore_ascii_case(name));
        if named
            && let Some(k) = one.find("w:styleId=\"")
            && let Some(id) = one[k + 11..].split('"').next()
        {
            return Some(id.to_string());
        }
        rest = &rest[end.max(1)..];
    }
    None
}

/// The last section properties of a document body: page size, margins, header and footer
/// references.
fn last_section(document: &str) -> Option<&str> {
    let start = document.rfind("<w:sectPr")?;
    let end = document[start..].find("</w:sectPr>")? + start + "</w:sectPr>".len();
    Some(&document[start..end])
}

/// The parts of a document built on a reference document: its styles, settings, page
/// setup, headers, footers and every other part, our body and our document properties.
/// Styles the body uses that the reference lacks are added.
fn parts_on_reference(
    md: &str,
    meta: &Meta,
    reference: &[u8],
) -> Result<Vec<(String, Vec<u8>)>, String> {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(reference))
        .map_err(|e| format!("the reference document is not a Word file: {e}"))?;
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    // A bound on what is read: a reference is a template, not an archive of media.
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        let mut f = zip
            .by_index(i)
            .map_err(|e| format!("the reference document cannot be read: {e}"))?;
        if f.is_dir() {
            continue;
        }
        total += f.size();
        if total > 64 << 20 {
            return Err("the reference document unpacks to more than 64 MiB".into());
        }
        let name = f
            .name()
            .map_err(|e| format!("the reference document has a bad entry name: {e}"))?
            .to_string();
        let mut buf = Vec::new();
        f.read_to_end(&mut buf)
            .map_err(|e| format!("{name} in the reference document cannot be read: {e}"))?;
        files.push((name, buf));
    }
    let text = |files: &[(String, Vec<u8>)], n: &str| {
        files
            .iter()
            .find(|(f, _)| f == n)
            .map(|(_, b)| String::from_utf8_lossy(b).into_owned())
    };
    let refdoc = text(&files, "word/document.xml")
        .ok_or("the reference document has no word/document.xml")?;
    let mut styles_xml = text(&files, "word/styles.xml").unwrap_or_else(styles);
    // Our styles, under the reference's ids where it has the same built-in style.
    let ours = styles();
    let mut ids = our_ids();
    let names = ["heading 1", "heading 2", "heading 3", "heading 4"];
    for (k, n) in names.iter().enumerate() {
        match style_id(&styles_xml, n) {
            Some(id) => ids.heading[k] = id,
            None => add_style(&mut styles_xml, &ours, &our_ids().heading[k]),
        }
    }
    match style_id(&styles_xml, "List Paragraph") {
        Some(id) => ids.list = id,
        None => add_style(&mut styles_xml, &ours, &our_ids().list),
    }
    let section = last_section(&refdoc)
        .map(str::to_string)
        .unwrap_or_default();
    let mut out: Vec<(String, Vec<u8>)> = Vec::new();
    let has = |n: &str| files.iter().any(|(f, _)| f == n);
    let (has_core, has_app) = (has("docProps/core.xml"), has("docProps/app.xml"));
    for (name, bytes) in files {
        let b = match name.as_str() {
            "word/document.xml" => document(&body(md, ids.clone()), &section).into_bytes(),
            "word/styles.xml" => std::mem::take(&mut styles_xml).into_bytes(),
            "docProps/core.xml" => core(meta).into_bytes(),
            "docProps/app.xml" => app(meta).into_bytes(),
            _ => bytes,
        };
        out.push((name, b));
    }
    if !has_core || !has_app {
        // The reference had no document properties: ours, with their relations and types.
        out.retain(|(n, _)| n != "_rels/.rels" || has_core && has_app);
        if !out.iter().any(|(n, _)| n == "_rels/.rels") {
            out.push(("_rels/.rels".into(), package_rels().into_bytes()));
        }
        if !has_core {
            out.push(("docProps/core.xml".into(), core(meta).into_bytes()));
        }
        if !has_app {
            out.push(("docProps/app.xml".into(), app(meta).into_bytes()));
        }
        for (n, b) in out.iter_mut() {
            if n == "[Content_Types].xml" {
                let mut t = String::from_utf8_lossy(b).into_owned();
                for (part, ty) in [
                    (
                        "/docProps/core.xml",
                        "application/vnd.openxmlformats-package.core-properties+xml",
                    ),
                    (
                        "/docProps/app.xml",
                        "application/vnd.openxmlformats-officedocument.extended-properties+xml",
                    ),
                ] {
                    if !t.contains(part) {
                        t = t.replace(
                            "</Types>",
                            &format!(
                                "<Override PartName=\"{part}\" ContentType=\"{ty}\"/></Types>"
                            ),
                        );
                    }
                }
                *b = t.into_bytes();
            }
        }
    }
    Ok(out)
}

/// Whether a file can serve as a reference document: a Word package with a body.
pub fn check_reference(bytes: &[u8]) -> Result<(), String> {
    parts_on_reference("", &Meta::default(), bytes).map(|_| ())
}

/// Adds one of our style definitions to a styles part that lacks it.
fn add_style(styles_xml: &mut String, ours: &str, id: &str) {
    let key = format!("w:styleId=\"{id}\"");
    if styles_xml.contains(&key) {
        return;
    }
    if let Some(k) = ours.find(&key)
        && let Some(start) = ours[..k].rfind("<w:style ")
        && let Some(len) = ours[k..].find("</w:style>")
    {
        let def = &ours[start..k + len + "</w:style>".len()];
        *styles_xml = styles_xml.replacen("</w:styles>", &format!("{def}</w:styles>"), 1);
    }
}

/// A Word document from Markdown. Deterministic: no dates in the properties, every
/// entry of the package has the same fixed time.
pub fn from_markdown(md: &str, meta: &Meta) -> Result<Vec<u8>, RenderError> {
    let fail = |e: &dyn std::fmt::Display| RenderError::Docx(e.to_string());
    let parts: Vec<(String, Vec<u8>)> = match &meta.reference {
        Some(r) => parts_on_reference(md, meta, r).map_err(|e| fail(&e))?,
        None => parts(md, meta)
            .into_iter()
            .map(|(n, x)| (n, x.into_bytes()))
            .collect(),
    };
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default());
    for (name, bytes) in parts {
        zip.start_file(name, opts).map_err(|e| fail(&e))?;
        zip.write_all(&bytes).map_err(|e| fail(&e))?;
    }
    let cursor = zip.finish().map_err(|e| fail(&e))?;
    Ok(cursor.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn document_xml(md: &str) -> String {
        use std::io::Read;
        let bytes = from_markdown(md, &Meta::default()).unwrap();
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
                "<w:pStyle w:val=\"ListParagraph\"/></w:pPr><w:r><w:t xml:space=\"preserve\">– </w:t></w:r>"
            ),
            "{xml}"
        );
        assert!(xml.contains("<w:br/>"), "{xml}");
        // A heading is its style, not direct formatting: Word's navigator lists it.
        assert!(
            xml.contains("<w:p><w:pPr><w:pStyle w:val=\"Heading1\"/></w:pPr><w:r><w:t xml:space=\"preserve\">Rubrik</w:t></w:r></w:p>"),
            "{xml}"
        );
        assert_eq!(xml.matches("<w:p>").count(), 4, "{xml}");
    }

    #[test]
    fn the_package_has_the_parts_word_needs() {
        let bytes = from_markdown("Text\n", &Meta::default()).unwrap();
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
        assert_eq!(
            from_markdown(md, &Meta::default()).unwrap(),
            from_markdown(md, &Meta::default()).unwrap()
        );
    }
}

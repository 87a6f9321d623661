//! Reading PDF and DOCX: the fixtures made from the texts give the same tree and citations as
//! the texts, tracked changes give both versions, and bad files fail cleanly.

use super::*;
use remiss::source::{self, Text, join_lines};

const DRAFT_TXT: &str = "msb-cybersakerhet/drafts/1-remissversion.txt";
const DRAFT_V2_TXT: &str = "msb-cybersakerhet/drafts/2-beslutad-version.txt";
const SEED_TXT: &str = "stockholm-ks-2025-1384-remissvar.txt";

/// (fixture, the text it was made from): LibreOffice's layouts of the texts and their
/// import of the plain texts (one paragraph per line), Ghostscript's rewrites, pdfTeX, a PDF
/// drawn with the `'` and `"` operators, and copies protected by an owner password only.
fn pairs() -> Vec<(PathBuf, PathBuf)> {
    let draft = [
        "pdf/msb-1-remissversion.pdf",
        "docx/msb-1-remissversion.docx",
        "pdf/msb-1-remissversion-gs.pdf",
        "pdf/msb-1-remissversion-gs-owner-password.pdf",
        "pdf/msb-1-remissversion-tex.pdf",
        "pdf/msb-1-remissversion-quote-ops.pdf",
        "docx/msb-1-remissversion-text-import.docx",
    ];
    let seed = [
        "pdf/stockholm-ks-2025-1384-remissvar.pdf",
        "docx/stockholm-ks-2025-1384-remissvar.docx",
        "pdf/stockholm-ks-2025-1384-remissvar-gs.pdf",
        "pdf/stockholm-ks-2025-1384-remissvar-owner-password.pdf",
        "docx/stockholm-ks-2025-1384-remissvar-text-import.docx",
    ];
    let mut v: Vec<(PathBuf, PathBuf)> = Vec::new();
    // Interleaved, so that the batch test below meets both kinds early.
    for i in 0..draft.len().max(seed.len()) {
        if let Some(d) = draft.get(i) {
            v.push((fixture(d), corpus(DRAFT_TXT)));
        }
        if let Some(a) = seed.get(i) {
            v.push((fixture(a), fixture(SEED_TXT)));
        }
    }
    v
}

/// `parse --format json` without what depends on the layout (spans, line numbers, the
/// file name, the counts of normalised line breaks).
fn tree(path: &Path) -> (Option<i32>, serde_json::Value) {
    let o = remiss([
        "parse".as_ref(),
        path.as_os_str(),
        "--format".as_ref(),
        "json".as_ref(),
    ]);
    let v = serde_json::from_slice(&o.stdout).unwrap_or(serde_json::Value::Null);
    (o.status.code(), strip_layout(v))
}

fn strip_layout(v: serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match v {
        Value::Object(m) => Value::Object(
            m.into_iter()
                .filter(|(k, _)| {
                    !matches!(
                        k.as_str(),
                        "span" | "source" | "normalisation" | "line" | "diagnostics"
                    )
                })
                .map(|(k, v)| (k, strip_layout(v)))
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.into_iter().map(strip_layout).collect()),
        v => v,
    }
}

/// `refs --format tsv` without the line and byte columns.
fn citations(path: &Path, against: &Path) -> Vec<String> {
    let o = remiss([
        "refs".as_ref(),
        "--file".as_ref(),
        path.as_os_str(),
        "--against".as_ref(),
        against.as_os_str(),
        "--format".as_ref(),
        "tsv".as_ref(),
    ]);
    assert!(o.status.success(), "{}: {}", path.display(), stderr(&o));
    stdout(&o)
        .lines()
        .map(|l| l.splitn(4, '\t').nth(3).unwrap_or("").to_string())
        .collect()
}

#[test]
fn each_fixture_gives_the_same_tree_as_its_source_text() {
    for (doc, txt) in pairs() {
        let (code_doc, tree_doc) = tree(&doc);
        let (code_txt, tree_txt) = tree(&txt);
        assert_eq!(code_doc, code_txt, "{}", doc.display());
        assert!(
            tree_doc == tree_txt,
            "{}: the tree differs from {}",
            doc.display(),
            txt.display()
        );
    }
    // The draft really is a tree (the seed answer is no regulation: exit 3 for both).
    let (code, t) = tree(&fixture("pdf/msb-1-remissversion.pdf"));
    assert_eq!(code, Some(0));
    assert_eq!(t["kapitel"].as_array().map(|k| k.len()), Some(6));
}

#[test]
fn each_fixture_gives_the_same_citations_as_its_source_text() {
    let draft = corpus(DRAFT_TXT);
    for (doc, txt) in pairs() {
        let a = citations(&doc, &draft);
        let b = citations(&txt, &draft);
        assert!(a.len() > 20, "{}: {} citations", doc.display(), a.len());
        assert_eq!(a, b, "{}", doc.display());
    }
}

/// `stances ANSWER --draft DRAFT --format json` without spans and line numbers.
fn stances(answer: &Path, draft: &Path) -> serde_json::Value {
    let o = remiss([
        "stances".as_ref(),
        answer.as_os_str(),
        "--draft".as_ref(),
        draft.as_os_str(),
        "--format".as_ref(),
        "json".as_ref(),
    ]);
    assert!(o.status.success(), "{}: {}", answer.display(), stderr(&o));
    strip_layout(serde_json::from_slice(&o.stdout).unwrap_or(serde_json::Value::Null))
}

#[test]
fn each_answer_fixture_gives_the_same_stances_as_its_source_text() {
    let draft = corpus(DRAFT_TXT);
    let want = stances(&fixture(SEED_TXT), &draft);
    let rows = want["rows"].as_array().map(|r| r.len()).unwrap_or(0);
    assert!(rows >= 40, "{rows} rows");
    for (doc, txt) in pairs() {
        if txt == fixture(SEED_TXT) {
            let got = stances(&doc, &draft);
            assert!(
                got["rows"] == want["rows"] && got["not_addressed"] == want["not_addressed"],
                "{}: the stances differ from the text's",
                doc.display()
            );
        }
    }
}

#[test]
fn text_a_pdf_prints_but_no_reader_can_decode_is_reported_with_its_pages() {
    // Every page lost: an error (exit 2), never a thin tree with exit 0.
    let bad = fixture("pdf/bad/no-unicode.pdf");
    let o = remiss(["parse".as_ref(), bad.as_os_str()]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("pages 1–8") && err.contains("cannot be decoded"),
        "{err}"
    );
    // One page of five lost: read, with a warning naming the page.
    let t = source::read(&fixture(
        "pdf/stockholm-ks-2025-1384-remissvar-last-page-lost.pdf",
    ))
    .unwrap();
    let warning = t.notices.iter().find(|n| n.contains("cannot be decoded"));
    assert!(
        warning.is_some_and(|w| w.contains("page 5 shows")),
        "{:?}",
        t.notices
    );
    assert!(t.source.contains("Stadsledningskontoret"));
    // The fixtures that read well raise no such warning.
    for (doc, _) in pairs() {
        let t = source::read(&doc).unwrap();
        assert!(
            !t.notices.iter().any(|n| n.contains("cannot be decoded")),
            "{}: {:?}",
            doc.display(),
            t.notices
        );
    }
}

#[test]
fn pdf_lines_carry_their_layout() {
    // pdfTeX's layout: headings in bold, allmänna råd in smaller italic type, punkter hanging.
    let t = source::read(&fixture("pdf/msb-1-remissversion-tex.pdf")).unwrap();
    let find = |text: &str| {
        t.blocks
            .iter()
            .flat_map(|b| &b.lines)
            .find(|l| t.line_text(l).starts_with(text))
            .and_then(|l| t.layout(l))
            .unwrap_or_else(|| panic!("no line {text:?}"))
    };
    let body = find("1 § Dessa föreskrifter");
    assert_eq!((body.rel_size, body.bold, body.italic), (1.0, false, false));
    assert!(body.indent.abs() < 1.0, "{body:?}");
    let heading = find("1 kap. Inledande");
    assert!(heading.bold && !heading.italic, "{heading:?}");
    let ar = find("Allmänna råd");
    assert!(ar.italic, "{ar:?}");
    let advice = find("Policyn bör vara kortfattad");
    assert!(advice.italic && advice.rel_size < 0.95, "{advice:?}");
    let punkt = find("1. fastställa mål");
    assert_eq!(punkt.rel_size, 1.0);
    assert!(!punkt.italic);
    // LibreOffice's layout: advice indented in 11 pt against 12 pt body text.
    let t = source::read(&fixture("pdf/msb-1-remissversion.pdf")).unwrap();
    let advice = t
        .blocks
        .iter()
        .flat_map(|b| &b.lines)
        .find(|l| t.line_text(l).starts_with("Policyn bör vara"))
        .and_then(|l| t.layout(l))
        .unwrap();
    assert!(advice.indent > 10.0 && advice.rel_size < 0.95, "{advice:?}");
    // Text and Word lines have none.
    let t = source::read(&corpus(DRAFT_TXT)).unwrap();
    assert!(
        t.blocks
            .iter()
            .flat_map(|b| &b.lines)
            .all(|l| t.layout(l).is_none())
    );
}

/// The blocks of a text, each joined into one string.
fn block_texts(t: &Text) -> Vec<String> {
    t.blocks
        .iter()
        .map(|b| {
            b.lines
                .iter()
                .map(|l| t.line_text(l))
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

#[test]
fn words_set_one_by_one_in_a_cid_font_with_width_ranges_read_in_order() {
    // The fixture holds the draft's first 51 lines; the same lines as text give the tree.
    let dir = tempfile::tempdir().unwrap();
    let src = std::fs::read_to_string(corpus(DRAFT_TXT)).unwrap();
    let head: Vec<&str> = src.split('\n').take(51).collect();
    let txt = dir.path().join("head.txt");
    std::fs::write(&txt, head.join("\n") + "\n").unwrap();
    let (code_pdf, tree_pdf) = tree(&fixture("pdf/msb-1-remissversion-cid-widths.pdf"));
    let (code_txt, tree_txt) = tree(&txt);
    assert_eq!((code_pdf, code_txt), (Some(0), Some(0)));
    assert_eq!(tree_pdf, tree_txt);
    let t = source::read(&fixture("pdf/msb-1-remissversion-cid-widths.pdf")).unwrap();
    assert!(
        t.source
            .contains("1 § Dessa föreskrifter och allmänna råd innehåller bestämmelser")
    );
}

#[test]
fn margin_blocks_and_footnotes_of_a_real_regulation_are_notes() {
    // Pages 7 and 8 of AFS 2023:5: the first page of the regulation with its margin block
    // beside the title and a footnote between a list's items a) and b).
    let t = source::read(&fixture("pdf/afs-2023-5-p7-8.pdf")).unwrap();
    let blocks = block_texts(&t);
    let margin: Vec<&source::Note> = t
        .notes
        .iter()
        .filter(|n| n.kind == source::NoteKind::Margin)
        .collect();
    assert_eq!(margin.len(), 1, "{:?}", t.notes);
    assert_eq!(
        margin[0].text,
        "AFS 2023:5 Utkom från trycket den 22 november 2023"
    );
    assert_eq!(margin[0].page, 1);
    // The title no longer holds pieces of the margin block.
    assert!(
        blocks.contains(
            &"Arbetsmiljöverkets föreskrifter om produkter – tryckbärande anordningar;".to_string()
        ),
        "{blocks:#?}"
    );
    let foot: Vec<&source::Note> = t
        .notes
        .iter()
        .filter(|n| n.kind == source::NoteKind::Footnote)
        .collect();
    assert_eq!(foot.len(), 1, "{:?}", t.notes);
    assert_eq!(
        (foot[0].marker.as_str(), foot[0].anchor.as_str()),
        ("1", "föreskriver")
    );
    assert!(
        foot[0]
            .text
            .starts_with("Jämför Europaparlamentets och rådets direktiv 2014/68/EU")
    );
    assert!(foot[0].text.ends_with("i den ursprungliga lydelsen."));
    assert!(
        t.source
            .contains("Arbetsmiljöverket föreskriver följande med stöd av 18 §")
    );
    // Item b) follows item a): the footnote and the running header between them are gone.
    let a = blocks
        .iter()
        .position(|b| b.starts_with("a) Sådan rörledning"))
        .unwrap();
    assert!(
        blocks[a + 1].starts_with("b) System för tillförsel"),
        "{:?}",
        &blocks[a..a + 2]
    );
    assert!(!t.source.contains("Jämför Europaparlamentets"));
    assert!(!t.source.contains("AFS 2023:5"));
}

#[test]
fn a_definition_table_of_a_real_regulation_reads_one_line_per_definition() {
    // Pages 2 and 3 of MSBFS 2020:1: terms set in a column of their own, some over two lines.
    let t = source::read(&fixture("pdf/msbfs-2020-1-p2-3.pdf")).unwrap();
    let blocks = block_texts(&t);
    let defs: Vec<&String> = blocks
        .iter()
        .skip_while(|b| !b.starts_with("I denna författning avses med"))
        .skip(1)
        .collect();
    let terms = [
        "aerosolbehållare med brandfarligt innehåll behållare innehållande brandfarlig eller extremt brandfarlig aerosol",
        "anordning utrustning, behållare,",
        "backventil ventil som",
        "bakslagsskydd utrustning",
        "brandfarlig gas gas som är brandfarlig",
        "EI XX brandteknisk klassbeteckning",
        "flerbostadshus bostadshus med minst tre bostadslägenheter,",
        "gascistern behållare för brandfarlig gas, undantaget gasklockor, med tillhörande",
        "gascistern i mark gascistern som",
        "gasfriförklaring skriftligt",
        "gasklocka behållare",
        "ledningssystem för naturgas ledningssystem för naturgas enligt",
        "lös behållare behållare med",
        "nätbolag företag",
        "rörledning fast installerad",
        "slangledning rörlig",
        "småhus bostadshus",
        "säkerhetsventil ventil som aktiveras",
    ];
    assert!(defs.len() >= terms.len(), "{defs:#?}");
    for (d, want) in defs.iter().zip(terms) {
        assert!(d.starts_with(want), "{d:?} should start with {want:?}");
    }
    assert!(defs[0].ends_with("eller annan författning som ersatt eller ändrat MSBFS 2018:1,"));
}

/// The blocks of a text joined into paragraphs, as the parsers join them.
fn paragraphs(t: &Text) -> Vec<String> {
    t.blocks
        .iter()
        .map(|b| {
            let mut n = source::Normalisation::default();
            join_lines(b.lines.iter().map(|l| t.line_text(l)), &mut n)
        })
        .collect()
}

/// Share of the source's paragraphs that come out word for word (as a multiset).
fn accuracy(extracted: &Text, original: &Text) -> f64 {
    let mut have: std::collections::HashMap<String, usize> = Default::default();
    for p in paragraphs(extracted) {
        *have.entry(p).or_default() += 1;
    }
    let want = paragraphs(original);
    let hits = want
        .iter()
        .filter(|p| match have.get_mut(*p) {
            Some(n) if *n > 0 => {
                *n -= 1;
                true
            }
            _ => false,
        })
        .count();
    hits as f64 / want.len() as f64
}

#[test]
fn at_least_99_5_percent_of_paragraphs_come_out_word_for_word() {
    for (doc, txt) in pairs() {
        let a = source::read(&doc).expect("fixture reads");
        let b = source::read(&txt).expect("source reads");
        let acc = accuracy(&a, &b);
        assert!(
            acc >= 0.995,
            "{}: {:.2}% of paragraphs word for word",
            doc.display(),
            acc * 100.0
        );
    }
    // And in the tree: every stycke, punkt and allmänna råd stycke of the draft.
    fn texts(v: &serde_json::Value, out: &mut Vec<String>) {
        match v {
            serde_json::Value::Object(m) => {
                for (k, x) in m {
                    match (k.as_str(), x) {
                        ("text", serde_json::Value::String(s)) if !s.is_empty() => {
                            out.push(s.clone())
                        }
                        _ => texts(x, out),
                    }
                }
            }
            serde_json::Value::Array(a) => a.iter().for_each(|x| texts(x, out)),
            _ => {}
        }
    }
    let (mut want, mut got) = (Vec::new(), Vec::new());
    texts(&tree(&corpus(DRAFT_TXT)).1, &mut want);
    for doc in [
        "pdf/msb-1-remissversion.pdf",
        "docx/msb-1-remissversion.docx",
    ] {
        got.clear();
        texts(&tree(&fixture(doc)).1, &mut got);
        let same = want.iter().zip(&got).filter(|(a, b)| a == b).count();
        assert!(want.len() > 140, "{}", want.len());
        assert!(
            same * 1000 >= want.len() * 995,
            "{doc}: {same}/{}",
            want.len()
        );
    }
}

#[test]
fn pdf_lines_know_their_page_and_furniture_is_gone() {
    let t = source::read(&fixture("pdf/stockholm-ks-2025-1384-remissvar.pdf")).unwrap();
    assert_eq!(t.format, source::Format::Pdf);
    let pages: std::collections::BTreeSet<u32> = t
        .blocks
        .iter()
        .flat_map(|b| b.lines.iter().filter_map(|l| l.page()))
        .collect();
    assert_eq!(pages.into_iter().collect::<Vec<_>>(), [1, 2, 3, 4, 5]);
    assert!(!t.source.contains("Sida "), "page footers removed");
    // The running header is gone; the case number in the body stays.
    assert_eq!(t.source.matches("Dnr KS 2025/1384").count(), 1);
    assert!(t.source.contains("NIS2-direktivet"));
    // A line-break hyphen was rejoined on page 1 (`före-skrifter` in the layout).
    assert!(t.source.contains("föreskrifter"));
    // Spans point into the extracted text and carry the page.
    let last = t.blocks.last().unwrap();
    let sp = t.block_span(last);
    assert_eq!(sp.page, Some(5));
    assert!(t.source[sp.start..sp.end].ends_with("genomföras."));
}

#[test]
fn the_format_is_chosen_by_content_not_by_name() {
    let pdf = std::fs::read(fixture("pdf/msb-1-remissversion.pdf")).unwrap();
    let docx = std::fs::read(fixture("docx/msb-1-remissversion.docx")).unwrap();
    let dir = temp_files(&[("draft.txt", &pdf), ("draft", &docx)]);
    let a = source::read(&dir.path().join("draft.txt")).unwrap();
    assert_eq!(a.format, source::Format::Pdf);
    let b = source::read(&dir.path().join("draft")).unwrap();
    assert_eq!(b.format, source::Format::Docx);
}

#[test]
fn docx_headings_lists_and_comments() {
    let t = source::read(&fixture("docx/msb-1-remissversion.docx")).unwrap();
    let kinds: Vec<(source::BlockKind, &str)> = t
        .blocks
        .iter()
        .map(|b| (b.kind, t.line_text(&b.lines[0])))
        .collect();
    assert!(kinds.contains(&(
        source::BlockKind::Heading(1),
        "2 kap. Organisatoriska säkerhetsåtgärder"
    )));
    assert!(kinds.contains(&(
        source::BlockKind::Heading(2),
        "Ledningens ansvar för säkerhetsåtgärder"
    )));
    assert!(kinds.contains(&(
        source::BlockKind::ListItem,
        "5. säkerställa att arbetet med säkerhetsåtgärder följs upp och utvärderas."
    )));
    let notes: Vec<(&str, &str, &str)> = t
        .annotations
        .iter()
        .map(|a| (a.anchor.as_str(), a.author.as_str(), a.text.as_str()))
        .collect();
    assert_eq!(
        notes,
        [
            (
                "minst följande:",
                "Stadsledningskontoret",
                "Bör bli ett allmänt råd i stället."
            ),
            (
                "minst var tredje månad",
                "Stadsledningskontoret",
                "Alltför långtgående för samtliga system."
            ),
        ]
    );
    let a = &t.annotations[1];
    assert_eq!(
        &t.source[a.span.start..a.span.end],
        "minst var tredje månad"
    );
}

#[test]
fn tracked_changes_give_both_versions_of_the_draft() {
    let (before, after) =
        source::docx::read_states(&fixture("docx/msb-tracked-changes.docx")).unwrap();
    let json = |t: &Text| strip_layout(serde_json::to_value(remiss::regulation::parse(t)).unwrap());
    let v1 = json(&source::read(&corpus(DRAFT_TXT)).unwrap());
    let v2 = json(&source::read(&corpus(DRAFT_V2_TXT)).unwrap());
    let b = json(&before);
    let a = json(&after);
    assert!(b == v1, "the state before the changes is version 1");
    assert!(a == v2, "the state after the changes is version 2");
    // The trees differ where the tracked changes are: 2 kap. 7 §, 8 § and 14 § (removed,
    // so 15 § onwards are renumbered) and 3 kap. 3 § (punkt 1 removed) and 4 § (new).
    let ids = |t: &Text| -> Vec<(String, String)> {
        remiss::regulation::parse(t)
            .nodes()
            .iter()
            .map(|n| (n.id.to_string(), n.text.to_string()))
            .collect()
    };
    let (ib, ia) = (ids(&before), ids(&after));
    let changed: std::collections::BTreeSet<String> = ib
        .iter()
        .filter(|x| !ia.contains(x))
        .map(|x| x.0.clone())
        .collect();
    for id in ["K2P7", "K2P8", "K2P14", "K2P15", "K3P3S1N1", "K3P4"] {
        assert!(changed.contains(id), "{id} in {changed:?}");
    }
    for id in ["K1P1", "K2P6", "K2P13", "K4P1", "K6P2"] {
        assert!(!changed.contains(id), "{id} unchanged");
    }
    // A plain read gives the state after the changes, and says so.
    let t = source::read(&fixture("docx/msb-tracked-changes.docx")).unwrap();
    assert_eq!(t.source, after.source);
    assert!(t.notices.iter().any(|n| n.contains("tracked changes")));
}

// ---------------------------------------------------------------------------------------
// Bad input
// ---------------------------------------------------------------------------------------

/// A zip archive holding the given entries (deflated).
fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    use std::io::Write;
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in entries {
        w.start_file(*name, opts).unwrap();
        w.write_all(bytes).unwrap();
    }
    w.finish().unwrap().into_inner()
}

/// The bad files of the issue, with the words their message must contain.
fn bad_files(dir: &Path) -> Vec<(PathBuf, Vec<&'static str>)> {
    let seed_pdf = std::fs::read(fixture("pdf/stockholm-ks-2025-1384-remissvar.pdf")).unwrap();
    let write = |name: &str, bytes: &[u8]| {
        let p = dir.join(name);
        std::fs::write(&p, bytes).unwrap();
        p
    };
    let truncated = write("truncated.pdf", &seed_pdf[..seed_pdf.len() * 2 / 5]);
    let corrupt = write(
        "corrupt.pdf",
        b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 9 0 R >>\ngarbage garbage\n",
    );
    let not_zip = write("answer.docx", "Detta är ingen Word-fil.\n".as_bytes());
    // 20 MB of one byte packs to about 20 KB: a thousand to one.
    let bomb = write(
        "bomb.docx",
        &zip_of(&[("word/document.xml", &vec![b' '; 20 * 1024 * 1024])]),
    );
    let odt = write("notes.docx", &zip_of(&[("content.xml", b"<x/>")]));
    // 200 MB without writing 200 MB: a sparse file.
    let big = dir.join("huge.pdf");
    std::fs::File::create(&big)
        .and_then(|f| f.set_len(200 * 1024 * 1024))
        .unwrap();
    vec![
        (fixture("pdf/bad/scanned.pdf"), vec!["no text layer", "OCR"]),
        (fixture("pdf/bad/encrypted.pdf"), vec!["password"]),
        (truncated, vec!["damaged", "truncated"]),
        (corrupt, vec!["damaged"]),
        (not_zip, vec!["not a zip archive"]),
        (bomb, vec!["zip bomb", "word/document.xml"]),
        (odt, vec!["without word/document.xml"]),
        (big, vec!["over the limit"]),
    ]
}

#[test]
fn a_page_without_media_box_and_with_a_broken_operator_is_still_read() {
    // The PDF library read before panicked on both; the bad `cm` is skipped, A4 assumed.
    let o = remiss(["parse".as_ref(), fixture("pdf/odd-page.pdf").as_os_str()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains("1 §") && out.contains("Denna text står på en sida utan MediaBox."),
        "{out}"
    );
}

#[test]
fn each_bad_file_gets_a_clear_message_naming_it_and_exit_code_2() {
    let dir = tempfile::tempdir().unwrap();
    for (path, words) in bad_files(dir.path()) {
        let o = remiss(["parse".as_ref(), path.as_os_str()]);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{}: {err}", path.display());
        assert!(err.contains(&path.display().to_string()), "{err}");
        for w in words {
            assert!(err.contains(w), "{}: want {w:?} in {err}", path.display());
        }
        assert!(!err.contains("panicked"), "{err}");
        assert!(!err.contains("RUST_BACKTRACE"), "{err}");
    }
}

#[test]
fn a_batch_reads_the_good_files_whatever_the_bad_ones_do() {
    // In one process, as a batch command will: bad files in between do not disturb the rest.
    let dir = tempfile::tempdir().unwrap();
    let mut files: Vec<(PathBuf, bool)> = Vec::new();
    for ((bad, _), (good, _)) in bad_files(dir.path()).into_iter().zip(pairs()) {
        files.push((bad, false));
        files.push((good, true));
    }
    files.push((fixture("pdf/bad/panics.pdf"), false));
    files.push((fixture("docx/msb-tracked-changes.docx"), true));
    for (path, good) in &files {
        let r = source::read(path);
        assert_eq!(r.is_ok(), *good, "{}: {:?}", path.display(), r.err());
    }
    // And through the binary, file after file.
    let outcomes: Vec<bool> = files
        .iter()
        .map(|(p, _)| {
            let o = remiss(["refs".as_ref(), "--file".as_ref(), p.as_os_str()]);
            o.status.success()
        })
        .collect();
    let expected: Vec<bool> = files.iter().map(|f| f.1).collect();
    assert_eq!(outcomes, expected);
}

/// `remiss diff` of two PDFs against `remiss diff` of the texts they were made from.
fn diff_of(a: &Path, b: &Path, format: &str) -> String {
    let o = remiss([
        "diff".as_ref(),
        a.as_os_str(),
        b.as_os_str(),
        "--format".as_ref(),
        format.as_ref(),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    stdout(&o)
}

#[test]
fn two_versions_given_as_pdfs_compare_as_their_texts_do() {
    let (t1, t2) = (
        corpus("msb-cybersakerhet/drafts/1-remissversion.txt"),
        corpus("msb-cybersakerhet/drafts/2-beslutad-version.txt"),
    );
    let (p1, p2) = (
        fixture("pdf/msb-1-remissversion.pdf"),
        fixture("pdf/msb-2-beslutad-version.pdf"),
    );
    // The version map: every relation, id and similarity.
    let tsv = diff_of(&t1, &t2, "tsv");
    assert!(
        tsv.lines().count() > 50 && tsv.contains("changed\t"),
        "{tsv}"
    );
    assert_eq!(diff_of(&p1, &p2, "tsv"), tsv);
    // The word changes too; only the sources, spans and the count of line wraps differ.
    fn changes(v: serde_json::Value) -> serde_json::Value {
        match v {
            serde_json::Value::Object(m) => m
                .into_iter()
                .filter(|(k, _)| {
                    !matches!(
                        k.as_str(),
                        "source" | "line" | "end_line" | "start" | "end" | "page" | "line_wraps"
                    )
                })
                .map(|(k, v)| (k, changes(v)))
                .collect(),
            serde_json::Value::Array(a) => a.into_iter().map(changes).collect(),
            v => v,
        }
    }
    let json = |a: &Path, b: &Path| -> serde_json::Value {
        changes(serde_json::from_str(&diff_of(a, b, "json")).expect("json"))
    };
    let from_text = json(&t1, &t2);
    assert!(
        from_text.to_string().contains("\"op\":\"replace\""),
        "{from_text}"
    );
    assert_eq!(json(&p1, &p2), from_text);
}

#[test]
fn stances_and_build_take_a_published_foreskrift_pdf_as_the_draft() {
    let dir = tempfile::tempdir().unwrap();
    let case = dir.path().join("case");
    std::fs::create_dir_all(case.join("drafts")).unwrap();
    std::fs::create_dir_all(case.join("answers")).unwrap();
    let draft = case.join("drafts/MCFFS-2026-1.pdf");
    let answer = case.join("answers/kommunen.txt");
    std::fs::copy(fixture("foreskrifter/MCFFS-2026-1.pdf"), &draft).unwrap();
    std::fs::copy(fixture("foreskrifter/answer-MCFFS-2026-1.txt"), &answer).unwrap();

    let o = remiss([
        "stances".as_ref(),
        answer.as_os_str(),
        "--draft".as_ref(),
        draft.as_os_str(),
        "--format".as_ref(),
        "json".as_ref(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let rows: Vec<(String, String)> = v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["id"].as_str().unwrap().to_string(),
                r["stance"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    for want in [
        ("K2P1", "support"),
        ("K2P3", "oppose"),
        ("K3P2S1N3", "comment"),
    ] {
        assert!(
            rows.iter().any(|(id, s)| id == want.0 && s == want.1),
            "{want:?} in {rows:?}"
        );
    }
    // The paragraphs the answer leaves alone come from the PDF: the other eight.
    assert_eq!(v["not_addressed"].as_array().unwrap().len(), 8, "{v}");

    std::fs::write(
        case.join("remiss.toml"),
        "title = \"MCFFS 2026:1\"\n\n[[drafts]]\nfile = \"drafts/MCFFS-2026-1.pdf\"\nlabel = \"Beslutad\"\n\n[[answers]]\nfile = \"answers/kommunen.txt\"\nrespondent = \"Kommunen\"\n",
    )
    .unwrap();
    let out = dir.path().join("out");
    let o = remiss([
        "build".as_ref(),
        case.as_os_str(),
        "-o".as_ref(),
        out.as_os_str(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let csv = std::fs::read_to_string(out.join("sammanstallning.csv")).unwrap();
    let ids: Vec<&str> = csv
        .lines()
        .filter_map(|l| l.split(';').nth(5))
        .filter(|id| id.contains('P'))
        .collect();
    assert_eq!(
        ids,
        [
            "K1P1", "K1P2", "K1P3", "K2P1", "K2P2", "K2P3", "K3P1", "K3P2", "K3P2S1N3", "K4P1",
            "K4P2", "K4P3"
        ],
        "{csv}"
    );
    assert!(csv.contains("2 kap. 3 §;avstyrker"), "{csv}");
    let opinion = std::fs::read_to_string(out.join("yttrande.md")).unwrap();
    // Chapter headings read from the PDF head the opinion's sections.
    for heading in [
        "Anmälningsskyldighet",
        "Undantag och huvudsakligt etableringsställe",
    ] {
        assert!(
            opinion
                .lines()
                .any(|l| l.starts_with("####") && l.ends_with(heading)),
            "{opinion}"
        );
    }
    // The draft is never touched.
    assert_eq!(
        std::fs::read(&draft).unwrap(),
        std::fs::read(fixture("foreskrifter/MCFFS-2026-1.pdf")).unwrap()
    );
}

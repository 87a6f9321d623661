use super::*;
use crate::address::{Address, Label};
use crate::cite::Outline;
use crate::source::Text;

fn reg(src: &str) -> Regulation {
    parse(&Text::from_plain("test.txt", src.to_string()))
}

fn paragraph_ids(r: &Regulation) -> Vec<String> {
    r.paragraphs().map(|p| p.id.clone()).collect()
}

const DRAFT: &str = "\
Myndighetens föreskrifter och allmänna råd om säkerhetsåtgärder;

beslutade den 1 mars 2026.

Myndigheten föreskriver följande med stöd av 5 § förordningen (2025:1507).

1 kap. Inledande bestämmelser

Tillämpningsområde

1 § Dessa föreskrifter gäller för verksamhetsutövare.

2 kap. Organisatoriska säkerhetsåtgärder

Ledningens ansvar
Ledningens utbildning

7 § Verksamhetsutövaren ska utse

1. en samordnare,

2. en informationsägare, och

3. en systemägare.

Samordnaren ska rapportera till ledningen.

Allmänna råd

Verksamhetsutövaren bör dokumentera rollerna.

Rollerna bör ses över årligen.

7 a § Ledningen ska informeras enligt 7 § första stycket 2.

Övergångsbestämmelser

1. Dessa föreskrifter träder i kraft den 1 juli 2026.

2. Äldre föreskrifter gäller för beslut före ikraftträdandet.

Bilaga 1 Förteckning över sektorer

Energi, transporter och bankverksamhet.
";

#[test]
fn the_tree_of_a_draft() {
    let r = reg(DRAFT);
    assert_eq!(
        r.title.as_ref().map(|t| t.text.as_str()),
        Some("Myndighetens föreskrifter och allmänna råd om säkerhetsåtgärder")
    );
    assert_eq!(r.preamble.len(), 2);
    assert_eq!(r.chapter_count(), 2);
    assert_eq!(
        r.kapitel[1].heading.as_deref(),
        Some("Organisatoriska säkerhetsåtgärder")
    );
    assert_eq!(paragraph_ids(&r), ["K1P1", "K2P7", "K2P7a"]);
    let p7 = &r.kapitel[1].paragrafer[0];
    assert_eq!(p7.display, "2 kap. 7 §");
    assert_eq!(p7.rubrik.as_deref(), Some("Ledningens utbildning"));
    assert_eq!(p7.stycken.len(), 2);
    assert_eq!(p7.stycken[0].text, "Verksamhetsutövaren ska utse");
    let punkter: Vec<(&str, &str)> = p7.stycken[0]
        .punkter
        .iter()
        .map(|p| (p.id.as_str(), p.text.as_str()))
        .collect();
    assert_eq!(
        punkter,
        [
            ("K2P7S1N1", "en samordnare,"),
            ("K2P7S1N2", "en informationsägare, och"),
            ("K2P7S1N3", "en systemägare.")
        ]
    );
    assert_eq!(p7.stycken[1].id, "K2P7S2");
    // Allmänna råd belong to the paragraph above them, and are not its stycken.
    assert_eq!(p7.allmanna_rad().len(), 1);
    assert_eq!(p7.allmanna_rad()[0].id, "K2P7AR");
    assert_eq!(p7.allmanna_rad()[0].stycken.len(), 2);
    // Two rubriker in a row: the second is a sub-rubrik.
    let levels: Vec<(String, u8)> = r.kapitel[1]
        .rubriker
        .iter()
        .map(|x| (x.text.clone(), x.level))
        .collect();
    assert_eq!(
        levels,
        [
            ("Ledningens ansvar".to_string(), 1),
            ("Ledningens utbildning".to_string(), 2)
        ]
    );
    // Övergångsbestämmelser are punkter, not paragraphs; the bilaga is kept.
    assert_eq!(r.overgang.len(), 1);
    assert_eq!(r.overgang[0].stycken[0].punkter.len(), 2);
    assert_eq!(r.overgang[0].stycken[0].punkter[1].id, "O1N2");
    assert_eq!(r.bilagor.len(), 1);
    assert_eq!(r.bilagor[0].heading, "Bilaga 1 Förteckning över sektorer");
    assert!(r.diagnostics.is_empty(), "{:?}", r.diagnostics);
}

#[test]
fn spans_point_at_the_source() {
    let r = reg(DRAFT);
    let p = &r.kapitel[1].paragrafer[1];
    assert_eq!(
        &DRAFT[p.span.start..p.span.end],
        "7 a § Ledningen ska informeras enligt 7 § första stycket 2."
    );
    assert_eq!(p.span.line, 34);
}

#[test]
fn the_node_list_is_in_document_order() {
    let r = reg(DRAFT);
    let kinds: Vec<String> = r
        .nodes()
        .iter()
        .map(|n| format!("{}:{}", n.id, n.kind.as_str()))
        .collect();
    assert_eq!(
        kinds,
        [
            "K1:kapitel",
            "K1R1:rubrik",
            "K1P1:paragraf",
            "K1P1S1:stycke",
            "K2:kapitel",
            "K2R1:rubrik",
            "K2R2:rubrik",
            "K2P7:paragraf",
            "K2P7S1:stycke",
            "K2P7S1N1:punkt",
            "K2P7S1N2:punkt",
            "K2P7S1N3:punkt",
            "K2P7S2:stycke",
            "K2P7AR:allmanna-rad",
            "K2P7a:paragraf",
            "K2P7aS1:stycke",
            "O1:overgang",
            "O1N1:punkt",
            "O1N2:punkt",
            "B1:bilaga"
        ]
    );
}

#[test]
fn a_line_citing_paragraphs_is_not_a_new_paragraph() {
    let r = reg(
        "1 kap. A\n\n16 § Text.\n\n17 och 18 §§ om jäv gäller också.\n\n9 § första stycket gäller inte.\n\n19 § Mer.\n",
    );
    assert_eq!(paragraph_ids(&r), ["K1P16", "K1P19"]);
    assert_eq!(r.kapitel[0].paragrafer[0].stycken.len(), 3);
}

#[test]
fn a_list_of_chapter_names_is_not_a_set_of_chapters() {
    let src = "1 kap. Inledande bestämmelser\n\n1 § Lagen innehåller följande kapitel:\n\n\
               1 kap. Inledande bestämmelser\n\n2 kap. Anmälan\n\n3 kap. Tillsyn\n\n2 § Mer text.\n\n2 kap. Anmälan\n\n1 § Anmälan ska göras.\n";
    let r = reg(src);
    assert_eq!(r.chapter_count(), 2);
    assert_eq!(paragraph_ids(&r), ["K1P1", "K1P2", "K2P1"]);
    assert_eq!(r.kapitel[0].paragrafer[0].stycken.len(), 4);
    // Lines ending in a comma are list items too.
    let r =
        reg("1 kap. A\n\n1 § Lagen innehåller\n\n2 kap. anmälan,\n\n3 kap. tillsyn.\n\n2 § Mer.\n");
    assert_eq!(r.chapter_count(), 1);
}

#[test]
fn repealed_paragraphs_are_kept_and_marked() {
    let r = reg("7 § Text.\n\n8 § Har upphävts genom lag (2021:123).\n\n9 § Mer.\n");
    assert_eq!(paragraph_ids(&r), ["P7", "P8", "P9"]);
    let p8 = &r.kapitel[0].paragrafer[1];
    assert_eq!(p8.repealed(), Some("Har upphävts genom lag (2021:123)."));
    assert!(p8.stycken.is_empty());
    // A paragraph that merely mentions a repealed act is not repealed.
    let r = reg(
        "1 § Genom förordningen upphävs förordningen (2018:1175). Den har upphävts genom beslut.\n",
    );
    assert!(r.kapitel[0].paragrafer[0].repealed().is_none());
}

#[test]
fn amendment_notes_are_metadata_not_wording() {
    let r = reg(
        "1 § Denna lag gäller drift. Lag (2025:1510).\n\n2 § Listan:\n\n1. ett,\n\n2. två. Lag (2025:1511).\n\n3 § Text.\nLag (2024:1).\n",
    );
    let ps: Vec<&Paragraf> = r.paragraphs().collect();
    assert_eq!(ps[0].stycken[0].text, "Denna lag gäller drift.");
    assert_eq!(ps[0].amended_by(), ["2025:1510"]);
    assert_eq!(ps[1].stycken[0].punkter[1].text, "två.");
    assert_eq!(ps[1].amended_by(), ["2025:1511"]);
    assert_eq!(ps[2].stycken[0].text, "Text.");
    assert_eq!(ps[2].amended_by(), ["2024:1"]);
    // Not a note: part of a sentence.
    let r = reg("1 § Se lag (2025:1510).\n");
    assert_eq!(
        r.kapitel[0].paragrafer[0].stycken[0].text,
        "Se lag (2025:1510)."
    );
}

#[test]
fn a_label_used_twice_gives_a_diagnostic_naming_both_lines() {
    let r = reg("1 kap. A\n\n5 § Första.\n\n6 § Andra.\n\n6 § Tredje.\n");
    assert_eq!(paragraph_ids(&r), ["K1P5", "K1P6", "K1P6"]);
    assert_eq!(r.diagnostics.len(), 1);
    let d = &r.diagnostics[0];
    assert_eq!(d.kind, DiagnosticKind::DuplicateLabel);
    assert_eq!(d.line, 7);
    assert!(
        d.message.to_string().contains("lines 5 and 7"),
        "{}",
        d.message
    );
}

/// A label is looked for among the chapter's paragraphs only when it is not above all of
/// them; one below the highest, or equal to it, is still found however far back it is.
#[test]
fn a_repeated_label_is_found_behind_a_lower_one_and_only_in_its_chapter() {
    let r = reg(
        "1 kap. Allmänt\n\n1 § Ett.\n\n3 § Tre.\n\n2 § Två.\n\n3 § Igen.\n\n1 § Åter.\n\n\
         4 § Fyra.\n\n2 kap. Sist\n\n3 § Tre.\n\n4 § Fyra.\n",
    );
    let kinds: Vec<_> = r.diagnostics.iter().map(|d| (d.kind, d.line)).collect();
    assert_eq!(
        kinds,
        [
            (DiagnosticKind::OutOfOrder, 7),
            (DiagnosticKind::DuplicateLabel, 9),
            (DiagnosticKind::DuplicateLabel, 11),
        ]
    );
    let messages: Vec<String> = r
        .diagnostics
        .iter()
        .map(|d| d.message.to_string())
        .collect();
    assert_eq!(
        messages,
        [
            "1 kap. 2 §: comes after 1 kap. 3 § (line 5); numbering goes backwards",
            "1 kap. 3 §: the label occurs twice in the chapter, on lines 5 and 9; both are kept",
            "1 kap. 1 §: the label occurs twice in the chapter, on lines 3 and 11; both are kept",
        ]
    );
    // Without chapters: one chapter, the same rule. A lettered label, and line numbers of
    // several digits, written at the message's length.
    let mut text = "1 § Ett.\n\n2 § Två.\n\n3 § Tre.\n\n2 § Igen.\n\n".to_string();
    text.push_str(&"\n".repeat(120));
    text.push_str("3 a § Ett a.\n\n3 a § Igen.\n");
    let r = reg(&text);
    let kinds: Vec<_> = r.diagnostics.iter().map(|d| (d.kind, d.line)).collect();
    assert_eq!(
        kinds,
        [
            (DiagnosticKind::DuplicateLabel, 7),
            (DiagnosticKind::DuplicateLabel, 131)
        ]
    );
    let last = &r.diagnostics[1].message;
    let written =
        "3 a §: the label occurs twice in the chapter, on lines 129 and 131; both are kept";
    assert_eq!(last.to_string(), written);
    // Kept as numbers until shown, and serialised as the written message.
    assert!(matches!(last, Message::RepeatedLabel { .. }), "{last:?}");
    assert_eq!(
        serde_json::to_value(&r.diagnostics[1]).ok(),
        Some(serde_json::json!({"kind": "duplicate-label", "line": 131, "message": written}))
    );
}

/// Chapters likewise: a label at or below the highest so far is looked for, and the line
/// of its first use is named. The chapter a paragraph before any chapter heading opens is
/// kept.
#[test]
fn a_repeated_chapter_label_names_its_first_line_and_a_lead_chapter_stays() {
    // Markdown headings are taken as chapters in any order (plain text refuses a chapter
    // line that does not number upwards).
    let r = parse(&Text::from_markdown(
        "t.md",
        "# Förordning om prov\n\n## 1 kap. Ett\n\n1 § Ett.\n\n## 3 kap. Tre\n\n1 § Ett.\n\n\
         ## 2 kap. Två\n\n1 § Ett.\n\n## 3 kap. Igen\n\n1 § Ett.\n\n## 4 kap. Fyra\n\n\
         1 § Ett.\n"
            .to_string(),
    ));
    assert_eq!(chapter_ids(&r), ["K1", "K3", "K2", "K3", "K4"]);
    let dups: Vec<String> = r
        .diagnostics
        .iter()
        .filter(|d| d.kind == DiagnosticKind::DuplicateLabel)
        .map(|d| d.message.to_string())
        .collect();
    assert_eq!(
        dups,
        ["3 kap.: chapter label used twice, on lines 7 and 15"]
    );
    let r = reg("1 § Först.\n\n1 kap. Ett\n\n1 § Ett.\n");
    assert_eq!(r.kapitel.len(), 2);
    assert_eq!(r.kapitel[0].label, None);
    assert_eq!(r.kapitel[0].paragrafer.len(), 1);
}

/// The shapes of an avdelning line, and lines that start like one and are not.
#[test]
fn division_lines_are_told_by_their_shape() {
    use super::lines::division_line;
    let shape = |t| division_line(t).map(|d| (d.level, d.label, d.heading, d.ordinal));
    let read = [
        ("FÖRSTA AVDELNINGEN", (Some(1), "1", "", Some("första"))),
        (
            "Första avdelningen. Allmänna bestämmelser",
            (Some(1), "1", "Allmänna bestämmelser", Some("första")),
        ),
        ("ÅTTONDE AVDELNINGEN", (Some(1), "8", "", Some("åttonde"))),
        // The longest ordinals, nine bytes.
        (
            "TRETTONDE AVDELNINGEN PÅFÖLJDER",
            (Some(1), "13", "PÅFÖLJDER", Some("trettonde")),
        ),
        (
            "Sjuttonde avdelningen",
            (Some(1), "17", "", Some("sjuttonde")),
        ),
        (
            "AVD. A ÖVERGRIPANDE BESTÄMMELSER",
            (Some(1), "A", "ÖVERGRIPANDE BESTÄMMELSER", None),
        ),
        (
            "AVDELNING I. INLEDANDE BESTÄMMELSER",
            (Some(1), "I", "INLEDANDE BESTÄMMELSER", None),
        ),
        (
            "Underavdelning II Bostadsbidrag",
            (Some(2), "II", "Bostadsbidrag", None),
        ),
        ("AVDELNING II", (Some(1), "II", "", None)),
        // A bare Roman numeral, which ends its word.
        (
            "II  Socialförsäkringsskyddet",
            (None, "II", "Socialförsäkringsskyddet", None),
        ),
        (
            "IV. Särskilda bestämmelser",
            (None, "IV", "Särskilda bestämmelser", None),
        ),
        ("VII: Ersättning", (None, "VII", "Ersättning", None)),
        ("VIIIIII Text", (None, "VIIIIII", "Text", None)),
        // Only the shape: a word of those letters reads as one (what follows decides).
        ("CIVIL Text", (None, "CIVIL", "Text", None)),
    ];
    for (t, want) in read {
        assert_eq!(shape(t), Some(want), "{t}");
    }
    for t in [
        "Trettondeavdelningen",
        "Tjugoförsta avdelningen",
        "VIIIIIII Text",
        "IVa Text",
        "IV",
        "I fråga om ersättning",
        "Vid tillämpning av",
        "Arbetsgivaren ska",
        "Avdelningen ska",
        "Underavdelning",
        "LIX",
        "XI § Text",
        "7 kap. Allmänt",
        "Ärenden",
    ] {
        assert_eq!(shape(t), None, "{t}");
    }
}

#[test]
fn in_force_markers_pair_versions_without_a_duplicate_diagnostic() {
    let r = reg(
        "1 § /Upphör att gälla U:2026-01-15/\nGammal text.\n\n1 § /Träder i kraft I:2026-01-15/\nNy text.\n\n\
                 5 § /Ny beteckning 1 § U:2026-01-15/\nFlyttad.\n",
    );
    assert!(
        r.diagnostics
            .iter()
            .all(|d| d.kind != DiagnosticKind::DuplicateLabel),
        "{:?}",
        r.diagnostics
    );
    let ps: Vec<&Paragraf> = r.paragraphs().collect();
    assert_eq!(ps[0].in_force_until(), Some("2026-01-15"));
    assert_eq!(ps[1].in_force_from(), Some("2026-01-15"));
    assert_eq!(ps[1].stycken[0].text, "Ny text.");
    assert_eq!(
        ps[2].in_force_until(),
        Some("2026-01-15 (ny beteckning 1 §)")
    );
    // A slash span that is not a marker is text (`(EU) 2016/679 ... 95/46/EG`).
    let r = reg("1 § Se förordning (EU) 2016/679 och direktiv 95/46/EG.\n");
    assert_eq!(
        r.kapitel[0].paragrafer[0].stycken[0].text,
        "Se förordning (EU) 2016/679 och direktiv 95/46/EG."
    );
}

#[test]
fn regulations_without_chapters() {
    let r = reg(
        "Förordning om test\n\nInledande bestämmelser\n\n1 § Denna förordning gäller.\n\n2 § Mer.\n",
    );
    assert_eq!(r.chapter_count(), 0);
    assert_eq!(paragraph_ids(&r), ["P1", "P2"]);
    assert_eq!(
        r.title.as_ref().map(|t| t.text.as_str()),
        Some("Förordning om test")
    );
    assert_eq!(r.kapitel[0].rubriker[0].text, "Inledande bestämmelser");
}

#[test]
fn line_break_hyphenation_is_rejoined_only_where_it_is_an_artefact() {
    let r = reg(
        "1 § Den nya EU-\nförordningen gäller enligt kom-\nmissionens beslut inom hälso-\noch sjukvård.\n",
    );
    assert_eq!(
        r.kapitel[0].paragrafer[0].stycken[0].text,
        "Den nya EU-förordningen gäller enligt kommissionens beslut inom hälso- och sjukvård."
    );
    assert_eq!(r.normalisation.hyphenation, 1);
    assert_eq!(r.normalisation.line_wraps, 3);
}

#[test]
fn an_overgang_heading_followed_by_1_paragraph_was_a_rubrik() {
    let r = reg("Övergångsbestämmelser\n\n1 § Äldre föreskrifter gäller.\n");
    assert!(r.overgang.is_empty());
    assert_eq!(paragraph_ids(&r), ["P1"]);
    assert_eq!(r.kapitel[0].rubriker[0].text, "Övergångsbestämmelser");
}

#[test]
fn overgang_blocks_per_amending_act() {
    let r = reg(
        "1 § Text.\n\nÖvergångsbestämmelser\n\n2022:482\n\nFöreskrifter om ikraftträdande meddelas.\n\n2022:1086\n\n1. Denna lag träder i kraft den 1 augusti 2022.\n\n2. Mer.\n",
    );
    let acts: Vec<Option<&str>> = r.overgang.iter().map(|o| o.act.as_deref()).collect();
    assert_eq!(acts, [Some("2022:482"), Some("2022:1086")]);
    assert_eq!(r.overgang[1].stycken[0].punkter.len(), 2);
}

#[test]
fn no_paragraphs_gives_a_diagnostic() {
    let r = reg("Detta är ett brev.\n\nMed vänliga hälsningar.\n");
    assert_eq!(r.paragraph_count(), 0);
    assert_eq!(r.diagnostics[0].kind, DiagnosticKind::NoParagraphs);
}

#[test]
fn markdown_regulations_read_like_plain_text() {
    let md = "# Förordning om test\n\n## Inledande bestämmelser\n\n### 1 §\n\nDenna förordning gäller [lagen](x) (2025:1506).\n\n### 2 §\n\nDen är meddelad med stöd av\n\n- 1 kap. 8 § lagen,\n\n- 2 kap. 1 § samma lag.\n";
    let r = parse(&Text::from_markdown("t.md", md.to_string()));
    assert_eq!(paragraph_ids(&r), ["P1", "P2"]);
    assert_eq!(
        r.kapitel[0].paragrafer[0].stycken[0].text,
        "Denna förordning gäller lagen (2025:1506)."
    );
    assert_eq!(
        r.kapitel[0].paragrafer[1].stycken.len(),
        1,
        "strecksatser stay in their stycke"
    );
    assert_eq!(r.kapitel[0].rubriker[0].text, "Inledande bestämmelser");
    assert_eq!(r.kapitel[0].paragrafer[0].span.line, 5);
}

#[test]
fn outline_answers_what_exists() {
    let r = reg(DRAFT);
    let has = |s: &str| r.contains(&Address::from_id(s).unwrap());
    assert!(has("K2P7"));
    assert!(has("K2P7S1N3"));
    assert!(has("K2P7S2"));
    assert!(has("K2P7N2"));
    assert!(!has("K2P7S3"));
    assert!(!has("K2P8"));
    assert!(!has("K3"));
    assert!(has("K2"));
    assert_eq!(
        r.paragraph_labels(Some(Label::new(2))),
        [Label::new(7), Label::with_letter(7, 'a')]
    );
}

/// Cutting real text at arbitrary places must never panic the parser or the citation scanner.
#[test]
fn arbitrary_cuts_of_real_text_never_panic() {
    let src = include_str!("../../tests/fixtures/stockholm-ks-2025-1384-remissvar.txt");
    let reg_src = DRAFT;
    for text in [src, reg_src] {
        let bounds: Vec<usize> = text.char_indices().map(|(i, _)| i).step_by(7).collect();
        for (n, &a) in bounds.iter().enumerate() {
            let b = bounds[(n * 31 + 17) % bounds.len()];
            let (a, b) = if a <= b { (a, b) } else { (b, a) };
            let piece = &text[a..b];
            let r = reg(piece);
            let _ = r.nodes();
            let _ = crate::cite::resolve_all(piece, Default::default(), Some(&r));
        }
    }
}

// ---------------------------------------------------------------------------------------
// Structure of real statutes (excerpts from corpus/sfs/)
// ---------------------------------------------------------------------------------------

/// Socialförsäkringsbalken (2010:110) as in force 2026-01-01: every chapter's paragraphs
/// and rubriker are held in vectors of their own length (see `Builder::close_chapter`),
/// while a chapter too long to copy cheaply keeps the vector it grew in, given room for
/// the rest of the text (see `Builder::make_room_for_paragraph`).
#[test]
fn chapters_hold_their_paragraphs_in_vectors_of_their_length() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/corpus/sfs/socialforsakringsbalk-2010-110/sfs-2010-110_in-force-2026-01-01.txt"
    );
    let src = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let r = reg(&src);
    assert_eq!(r.paragraph_count(), 2035);
    assert!(r.kapitel.len() > 100, "{}", r.kapitel.len());
    for k in &r.kapitel {
        assert_eq!(k.paragrafer.capacity(), k.paragrafer.len(), "{}", k.id);
        assert_eq!(k.rubriker.capacity(), k.rubriker.len(), "{}", k.id);
    }
    // 500 paragraphs of 168 bytes: past 64 KiB the grown vector is kept.
    let long: String = (1..=500).map(|n| format!("{n} § Text {n}.\n\n")).collect();
    let r = reg(&format!(
        "1 kap. Allmänt\n\n{long}2 kap. Sist\n\n1 § Slut.\n"
    ));
    assert_eq!(r.kapitel[0].paragrafer.len(), 500);
    assert!(r.kapitel[0].paragrafer.capacity() > 500);
    assert_eq!(r.kapitel[1].paragrafer.capacity(), 1);
    // 1,900 paragraphs of one length in one chapter: once past 64 KiB (512 paragraphs) the
    // vector gets room for the rest of the text at once, where doubling would end at 2,048.
    let long: String = (1..=1900)
        .map(|n: usize| {
            let pad = "x".repeat(8 - n.to_string().len());
            format!("{n} § Text {pad}.\n\n")
        })
        .collect();
    let r = reg(&format!(
        "1 kap. Allmänt\n\n{long}2 kap. Sist\n\n1 § Slut.\n"
    ));
    let paras = &r.kapitel[0].paragrafer;
    assert_eq!(paras.len(), 1900);
    assert_eq!(paras.last().map(|p| p.label.num), Some(1900));
    assert!(
        (1900..2000).contains(&paras.capacity()),
        "{}",
        paras.capacity()
    );
}

fn chapter_ids(r: &Regulation) -> Vec<String> {
    r.kapitel.iter().map(|k| k.id.clone()).collect()
}

/// Säkerhetsskyddslagen (2018:585): the heading of 5 kap. wraps onto a second line.
#[test]
fn a_chapter_heading_that_wraps_is_one_heading() {
    let r = reg("\
4 kap. Säkerhetsskyddsavtal

1 § En verksamhetsutövare ska ingå ett säkerhetsskyddsavtal.

5 kap. Internationell säkerhetsskyddssamverkan och
säkerhetsintyg

Säkerhetsintyg

1 § Säkerhetspolisen får utfärda ett säkerhetsintyg.

2 § Ett säkerhetsintyg får utfärdas efter säkerhetsprövning.
");
    assert_eq!(chapter_ids(&r), ["K4", "K5"]);
    assert_eq!(
        r.kapitel[1].heading.as_deref(),
        Some("Internationell säkerhetsskyddssamverkan och säkerhetsintyg")
    );
    assert_eq!(paragraph_ids(&r), ["K4P1", "K5P1", "K5P2"]);
    assert_eq!(r.kapitel[1].rubriker[0].text, "Säkerhetsintyg");
    assert!(r.diagnostics.is_empty(), "{:?}", r.diagnostics);
}

/// A chapter line that ends like a clause going on is still part of a list, wrapped or not.
#[test]
fn a_wrapped_line_ending_in_och_is_no_chapter_heading() {
    let r = reg("\
1 kap. Inledande bestämmelser

1 § Lagen innehåller bestämmelser om

- allmänna bestämmelser, definitioner och förklaringar i 2
kap., och

2 kap. Allmänna bestämmelser, och

- annat.

2 kap. Definitioner

1 § I denna lag avses med ord det som sägs här.
");
    assert_eq!(chapter_ids(&r), ["K1", "K2"]);
    assert_eq!(r.kapitel[1].heading.as_deref(), Some("Definitioner"));
    assert_eq!(paragraph_ids(&r), ["K1P1", "K2P1"]);
}

/// MSBFS 2015:6: the last definition keeps its comma, and the next chapter (the next number,
/// opening with `1 §`) is a chapter all the same; a chapter line after a clause that goes on
/// and with no `1 §` after it stays text.
#[test]
fn a_chapter_after_a_list_left_with_its_comma_is_a_chapter_when_the_numbers_bear_it_out() {
    let r = reg("\
1 kap. Inledande bestämmelser

1 § I denna författning avses med

återkallelse åtgärd för att dra tillbaka en artikel,

2 kap. Kategorisering av pyrotekniska artiklar

Fyrverkerier

1 § Pyrotekniska artiklar ska kategoriseras.
");
    assert_eq!(chapter_ids(&r), ["K1", "K2"]);
    assert_eq!(paragraph_ids(&r), ["K1P1", "K2P1"]);
    let r = reg("\
1 kap. Inledande bestämmelser

1 § Bestämmelser om tillsyn finns i

2 kap. Tillsyn och avgifter

2 § Avgifter tas ut.
");
    assert_eq!(chapter_ids(&r), ["K1"]);
    assert_eq!(paragraph_ids(&r), ["K1P1", "K1P2"]);
}

/// Hälso- och sjukvårdslagen (2017:30): `AVDELNING I.` headings in capitals, a paragraph
/// that lists the avdelningar (text), and a lettered chapter `13 a kap.`.
#[test]
fn avdelningar_in_capitals_head_chapters_and_lettered_chapters_count_on() {
    let r = reg("\
AVDELNING I. INLEDANDE BESTÄMMELSER

1 kap. Innehåll och tillämpningsområde

1 § Denna lag innehåller bestämmelser om hur hälso- och sjukvårdsverksamhet ska bedrivas.

Lagen består av fem avdelningar:

Avdelning I innehåller inledande bestämmelser (1 och 2 kap.).

Avdelning V innehåller övriga bestämmelser för huvudmännen (13 a-18 kap.).

AVDELNING V. ÖVRIGA BESTÄMMELSER FÖR HUVUDMÄNNEN

13 a kap. Primärvårdens grunduppdrag

1 § Regioner och kommuner ska inom ramen för verksamhet som utgör primärvård särskilt
tillhandahålla vård.

2 § Primärvården ska vara en bas i hälso- och sjukvården.

14 kap. Samverkan

1 § Regionen och kommunen ska samverka.
");
    assert!(r.title.is_none(), "{:?}", r.title);
    assert_eq!(chapter_ids(&r), ["K1", "K13a", "K14"]);
    assert_eq!(paragraph_ids(&r), ["K1P1", "K13aP1", "K13aP2", "K14P1"]);
    assert_eq!(r.kapitel[0].paragrafer[0].stycken.len(), 4);
    let avd: Vec<(&str, &str, u8, usize, Option<&str>)> = r
        .avdelningar
        .iter()
        .map(|a| {
            (
                a.id.as_str(),
                a.display.as_str(),
                a.level,
                a.before,
                a.heading.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        avd,
        [
            ("AVD-I", "avdelning I", 1, 0, Some("INLEDANDE BESTÄMMELSER")),
            (
                "AVD-V",
                "avdelning V",
                1,
                1,
                Some("ÖVRIGA BESTÄMMELSER FÖR HUVUDMÄNNEN")
            ),
        ]
    );
    let p = r
        .paragraph(&Address::from_id("K13aP2").unwrap())
        .expect("13 a kap. 2 §");
    assert_eq!(p.display, "13 a kap. 2 §");
    // The tree view puts each avdelning before its first chapter.
    let kinds: Vec<(String, &str)> = r
        .nodes()
        .iter()
        .filter(|n| matches!(n.kind, NodeKind::Avdelning | NodeKind::Kapitel))
        .map(|n| (n.id.to_string(), n.kind.as_str()))
        .collect();
    assert_eq!(
        kinds,
        [
            ("AVD-I".to_string(), "avdelning"),
            ("K1".to_string(), "kapitel"),
            ("AVD-V".to_string(), "avdelning"),
            ("K13a".to_string(), "kapitel"),
            ("K14".to_string(), "kapitel"),
        ]
    );
    assert!(r.diagnostics.is_empty(), "{:?}", r.diagnostics);
}

/// Socialförsäkringsbalken (2010:110): `AVD. A` with underavdelningar as bare roman
/// numerals, one wrapped onto a second line, one printed on the last line of the paragraph
/// above; `Avdelning B Familjeförmåner` over a list inside a paragraph is text.
#[test]
fn underavdelningar_under_an_avdelning_and_where_they_hide() {
    let r = reg("\
AVD. A ÖVERGRIPANDE BESTÄMMELSER

I  Inledande bestämmelser, definitioner och förklaringar

1 kap. Innehåll m.m.

1 § Denna balk innehåller bestämmelser om social trygghet.

II  Socialförsäkringsskyddet

3 kap. Innehåll

1 § Den som är bosatt i Sverige är försäkrad för följande förmåner:

Avdelning B Familjeförmåner

1. föräldrapenning på lägstanivå och grundnivå,

2. barnbidrag.

2 § Bestämmelserna i 39 kap. tillämpas i övrigt på motsvarande sätt.
III  Särskilda förmåner vid smitta, sjukdom eller skada

4 kap. Innehåll

1 § I denna underavdelning finns bestämmelser om smittbärarpenning.

AVD. D  SÄRSKILDA FÖRMÅNER VID FUNKTIONSHINDER

II Merkostnadsersättning, assistansersättning och bilstöd
till försäkrade med funktionshinder

49 kap. Innehåll

1 § I denna underavdelning finns bestämmelser om merkostnadsersättning.
");
    assert_eq!(chapter_ids(&r), ["K1", "K3", "K4", "K49"]);
    assert_eq!(paragraph_ids(&r), ["K1P1", "K3P1", "K3P2", "K4P1", "K49P1"]);
    let avd: Vec<(&str, &str, usize)> = r
        .avdelningar
        .iter()
        .map(|a| (a.id.as_str(), a.heading.as_deref().unwrap_or(""), a.before))
        .collect();
    assert_eq!(
        avd,
        [
            ("AVD-A", "ÖVERGRIPANDE BESTÄMMELSER", 0),
            (
                "AVD-A-I",
                "Inledande bestämmelser, definitioner och förklaringar",
                0
            ),
            ("AVD-A-II", "Socialförsäkringsskyddet", 1),
            (
                "AVD-A-III",
                "Särskilda förmåner vid smitta, sjukdom eller skada",
                2
            ),
            ("AVD-D", "SÄRSKILDA FÖRMÅNER VID FUNKTIONSHINDER", 3),
            (
                "AVD-D-II",
                "Merkostnadsersättning, assistansersättning och bilstöd till försäkrade med funktionshinder",
                3
            ),
        ]
    );
    assert_eq!(r.avdelningar[2].display, "avdelning A underavdelning II");
    assert_eq!(r.avdelningar[2].level, 2);
    // The list in 3 kap. 1 § keeps its line `Avdelning B Familjeförmåner` as a stycke.
    let p = &r.kapitel[1].paragrafer[0];
    assert_eq!(p.stycken[1].text, "Avdelning B Familjeförmåner");
    assert_eq!(p.stycken[1].punkter.len(), 2);
    // The underavdelning printed under 3 kap. 2 § is not part of its wording.
    assert_eq!(
        r.kapitel[1].paragrafer[1].stycken[0].text,
        "Bestämmelserna i 39 kap. tillämpas i övrigt på motsvarande sätt."
    );
    assert!(r.diagnostics.is_empty(), "{:?}", r.diagnostics);
}

/// A repealed chapter stands between two chapters: no list of chapters.
#[test]
fn a_repealed_chapter_is_a_chapter() {
    let r = reg("\
8 kap. Krav på byggnadsverk

1 § En byggnad ska ha en god form.

9 kap. Har upphävts genom lag (2025:974).

10 kap. Genomförandet av bygg-, rivnings- och markåtgärder

1 § Bestämmelserna i detta kapitel gäller åtgärder som kräver lov.
");
    assert_eq!(chapter_ids(&r), ["K8", "K9", "K10"]);
    assert_eq!(
        r.kapitel[1].repealed.as_deref(),
        Some("Har upphävts genom lag (2025:974).")
    );
    assert_eq!(paragraph_ids(&r), ["K8P1", "K10P1"]);
}

/// Socialförsäkringsbalken prints some paragraphs without a blank line before them, after
/// the end of the last sentence or after a sub-rubrik.
#[test]
fn a_paragraph_without_a_blank_line_before_it_is_found() {
    let r = reg("\
25 kap. Sjukpenninggrundande inkomst

15 § Som sjukpenninggrundande inkomst räknas inte ersättning som avses i artikel 24 i
avtalet. Lag (2024:536).

Undantag för vissa inkomster

Ersättning understigande 1 000 kronor
16 § Om ersättning för arbete för någon annans räkning inte
kan antas uppgå till minst 1 000 kronor under året, räknas den
endast om ersättningen utgör inkomst av näringsverksamhet.
17 § Den som har en näringsverksamhet ska uppge det.

25 § Årsarbetstiden beräknas när den enligt särskilda
bestämmelser har betydelse för beräkningen av en förmån.
26 § Årsarbetstiden är det antal timmar som den försäkrade
arbetar under ett år, enligt 2 kap.
27 § Bestämmelserna i 26 § gäller inte.
");
    assert_eq!(
        paragraph_ids(&r),
        ["K25P15", "K25P16", "K25P17", "K25P25", "K25P26", "K25P27"]
    );
    let k = &r.kapitel[0];
    let rub: Vec<(&str, u8, usize)> = k
        .rubriker
        .iter()
        .map(|x| (x.text.as_str(), x.level, x.before))
        .collect();
    assert_eq!(
        rub,
        [
            ("Undantag för vissa inkomster", 1, 1),
            ("Ersättning understigande 1 000 kronor", 2, 1)
        ]
    );
    assert_eq!(k.paragrafer[0].amended_by(), ["2024:536"]);
    assert_eq!(
        k.paragrafer[3].stycken[0].text,
        "Årsarbetstiden beräknas när den enligt särskilda bestämmelser har betydelse för beräkningen av en förmån."
    );
    // A citation wrapped onto a new line follows no full sentence, or numbers downwards.
    let r = reg("\
4 § Avgiften tas ut enligt
5 § Lagen om avgifter.
Den betalas enligt 2 kap.
3 § Förordningen om avgifter.

6 § Annat.
");
    assert_eq!(paragraph_ids(&r), ["P4", "P6"]);
}

/// Plan- och bygglagen: strecksatser under a lettered punkt belong to that punkt.
#[test]
fn strecksatser_after_punkter_belong_to_the_last_punkt() {
    let r = reg("\
2 § Kommunen ska med en detaljplan reglera bebyggelsemiljöns utformning för

1. en ny sammanhållen bebyggelse,

2. en åtgärd som omfattas av krav på bygglov,

a) om åtgärden innebär att ett område tas i anspråk för att anlägga

- ett industriområde,

- en hamn för fritidsbåtar,

b) om åtgärden är en vindkraftverk.

3 § Annat.
");
    let p = &r.kapitel[0].paragrafer[0];
    assert_eq!(
        p.stycken[0].text,
        "Kommunen ska med en detaljplan reglera bebyggelsemiljöns utformning för"
    );
    let a = &p.stycken[0].punkter[2];
    assert_eq!(a.id, "P2S1Na");
    assert_eq!(
        a.text,
        "om åtgärden innebär att ett område tas i anspråk för att anlägga\n- ett industriområde,\n- en hamn för fritidsbåtar,"
    );
}

/// Headings between paragraphs may end with a colon or hold `m.m.`; a placeholder left
/// by a renumbering is no wording.
#[test]
fn headings_with_colons_and_mm_and_placeholders() {
    let r = reg("\
1 kap. Innehåll m.m.

1 § Lagen gäller.

Särskilda bestämmelser om tillsyn:

2 § Tillsyn utövas av länsstyrelsen.

Försäkrade som får sjukersättning eller aktivitetsersättning
m.m.

3 § Sjukersättning lämnas.

25 a § Har betecknats 23 a §
");
    assert_eq!(r.kapitel[0].heading.as_deref(), Some("Innehåll m.m."));
    let rub: Vec<&str> = r.kapitel[0]
        .rubriker
        .iter()
        .map(|x| x.text.as_str())
        .collect();
    assert_eq!(
        rub,
        [
            "Särskilda bestämmelser om tillsyn:",
            "Försäkrade som får sjukersättning eller aktivitetsersättning m.m."
        ]
    );
    assert_eq!(r.kapitel[0].paragrafer[0].stycken[0].text, "Lagen gäller.");
    let p = &r.kapitel[0].paragrafer[3];
    assert_eq!(p.repealed(), Some("Har betecknats 23 a §"));
    assert!(p.stycken.is_empty());
}

/// Arbetsmiljöverket's föreskrifter: a table of contents with dot leaders names every
/// chapter; the chapters start after it, under `Avdelning I: ...` headings.
#[test]
fn a_table_of_contents_is_no_structure() {
    let r = reg("\
Arbetsmiljöverkets föreskrifter och allmänna råd om risker i arbetsmiljön

Innehåll

Avdelning I: Allmänna bestämmelser .................................. 7

1 kap. Allmänna bestämmelser ......................................... 7

Avdelning II: Buller och vibrationer ................................. 8

2 kap. Buller ........................................................ 8

3 kap. Kompletterande bestämmelser för vissa riskfyllda arbeten i
kemiska ... 19

Avdelning I: Allmänna bestämmelser

1 kap. Allmänna bestämmelser

1 § Syftet med dessa föreskrifter är att förebygga ohälsa och olyckor.

Avdelning II: Buller och vibrationer

2 kap. Buller

1 § Bestämmelserna i detta kapitel gäller all verksamhet med buller.
");
    assert_eq!(chapter_ids(&r), ["K1", "K2"]);
    assert_eq!(paragraph_ids(&r), ["K1P1", "K2P1"]);
    let avd: Vec<(&str, usize)> = r
        .avdelningar
        .iter()
        .map(|a| (a.id.as_str(), a.before))
        .collect();
    assert_eq!(avd, [("AVD-I", 0), ("AVD-II", 1)]);
    assert_eq!(
        r.avdelningar[1].heading.as_deref(),
        Some("Buller och vibrationer")
    );
    assert!(r.diagnostics.is_empty(), "{:?}", r.diagnostics);
}

/// Miljöbalken and Brottsbalken number their avdelningar with ordinals: `Första
/// avdelningen. Allmänna bestämmelser`, or `FÖRSTA AVDELNINGEN` with its heading on the
/// next line. A heading above a chapter that no rule knows never hides the chapter.
#[test]
fn ordinal_avdelningar_and_unknown_headings_above_chapters() {
    let mb = reg("\
Första avdelningen. Allmänna bestämmelser

1 kap. Miljöbalkens mål och tillämpningsområde

1 § Bestämmelserna i denna balk syftar till att främja en hållbar utveckling.

Andra avdelningen. Prövningar

2 kap. Allmänna hänsynsregler m.m.

1 § Vid prövningen av frågor enligt denna balk är den som bedriver en verksamhet skyldig att visa att skyldigheterna iakttas.
");
    let avd: Vec<(&str, &str, Option<&str>)> = mb
        .avdelningar
        .iter()
        .map(|a| (a.id.as_str(), a.display.as_str(), a.heading.as_deref()))
        .collect();
    assert_eq!(
        avd,
        [
            ("AVD-1", "första avdelningen", Some("Allmänna bestämmelser")),
            ("AVD-2", "andra avdelningen", Some("Prövningar")),
        ]
    );
    assert_eq!(paragraph_ids(&mb), ["K1P1", "K2P1"]);

    let bb = reg("\
FÖRSTA AVDELNINGEN

ALLMÄNNA BESTÄMMELSER

1 kap. Om brott och brottspåföljder

1 § Brott är en gärning som är beskriven i denna balk eller i annan lag.

ANDRA AVDELNINGEN

OM BROTTEN

3 kap. Om brott mot liv och hälsa

1 § Den som berövar annan livet, döms för mord.
");
    let avd: Vec<(&str, Option<&str>, usize)> = bb
        .avdelningar
        .iter()
        .map(|a| (a.id.as_str(), a.heading.as_deref(), a.before))
        .collect();
    assert_eq!(
        avd,
        [
            ("AVD-1", Some("ALLMÄNNA BESTÄMMELSER"), 0),
            ("AVD-2", Some("OM BROTTEN"), 1)
        ]
    );
    assert_eq!(paragraph_ids(&bb), ["K1P1", "K3P1"]);
    assert_eq!(
        bb.kapitel[0].paragrafer[0].stycken.len(),
        1,
        "the heading is no stycke"
    );

    // A heading-like line of no known kind before a chapter: the chapter still starts; a
    // clause cut off after `i` still announces a list.
    let r = reg("\
1 kap. Inledande bestämmelser

1 § Lagen gäller.

Särskilda bestämmelser om hamnar

2 kap. Hamnar

1 § En hamn ska vara säker.

2 § Bestämmelser om avgifter finns i

3 kap. Avgifter
");
    assert_eq!(chapter_ids(&r), ["K1", "K2"]);
    assert_eq!(paragraph_ids(&r), ["K1P1", "K2P1", "K2P2"]);
}

/// MCFFS 2026:3's margin block prints `Utkom från trycket den 9 februari` and leaves the year
/// to the FS number: the date gets the decision's year, or the next one when its month
/// comes earlier in the year than the decision's.
#[test]
fn a_publication_date_without_its_year_takes_the_decisions() {
    let r = reg("\
Myndighetens föreskrifter om provning;

beslutade den 27 januari 2026.

Utkom från trycket den 9 februari.

1 § Text.
");
    let m = &r.metadata;
    assert_eq!(
        m.published.as_ref().map(|p| p.text.as_str()),
        Some("9 februari 2026")
    );
    let r = reg("\
Myndighetens föreskrifter om provning;

beslutade den 18 december 2025.

Utkom från trycket den 9 januari.

1 § Text.
");
    let m = &r.metadata;
    assert_eq!(
        m.published.as_ref().map(|p| p.text.as_str()),
        Some("9 januari 2026")
    );
}

/// KIFS 2017:7 as consolidated: two versions of a paragraph, each under a line
/// `(Upphör att gälla …)` / `(Träder i kraft …)`, are one paragraph's versions, not a label
/// used twice; the agency's amendment note `(KIFS 2023:2)` is metadata, as `Lag (…).` is.
#[test]
fn a_foreskrifts_dated_versions_and_amendment_notes() {
    let r = reg("\
4 kap. Undantag

(Upphör att gälla 2024-12-31)

3 § Bestämmelserna ska inte tillämpas på natriumhydroxid.

(Träder i kraft 2025-01-01)

3 § Bestämmelserna ska inte tillämpas på explosiva varor eller bränslen avsedda för
motordrift. (KIFS 2023:2)

4 § Tillstånd krävs enligt föreskrifterna (KIFS 2023:2)

5 § Se även (KIFS 2021:8).
");
    assert!(
        !r.diagnostics
            .iter()
            .any(|d| d.kind == DiagnosticKind::DuplicateLabel),
        "{:?}",
        r.diagnostics
    );
    let ps: Vec<&Paragraf> = r.paragraphs().collect();
    assert_eq!(ps[0].in_force_until(), Some("2024-12-31"));
    assert_eq!(ps[1].in_force_from(), Some("2025-01-01"));
    assert_eq!(ps[1].amended_by(), ["KIFS 2023:2"]);
    assert!(
        ps[1].stycken[0].text.ends_with("motordrift."),
        "{:?}",
        ps[1].stycken
    );
    // A citation ending a sentence is wording.
    assert!(ps[2].amended_by().is_empty() && ps[2].stycken[0].text.ends_with("(KIFS 2023:2)"));
    assert!(ps[3].amended_by().is_empty());
}

/// MSBFS 2025:4: a rubrik (wrapped over two lines) directly over `Allmänna råd till 7 §
/// förordning …` heads that advice, and is neither a stycke nor the next paragraph's rubrik;
/// `Allmänna råd: Text` on one line opens advice with that text.
#[test]
fn a_rubrik_over_allmanna_rad_and_advice_on_the_headings_line() {
    let r = reg("\
3 § Uttryck används med samma innebörd som i förordningen.

Statliga myndigheters uppgifter inför och vid höjd
beredskap

Allmänna råd till 7 § förordning (2022:524) om statliga
myndigheters beredskap

Myndigheternas planering bör utgå från 7 §.

4 § Myndigheterna ska planera.

Allmänna råd: Planeringen bör dokumenteras
skriftligt.

Den bör ses över årligen.

5 § Text.
");
    let ps: Vec<&Paragraf> = r.paragraphs().collect();
    assert_eq!(ps[0].stycken.len(), 1, "{:?}", ps[0].stycken);
    let ar = &ps[0].allmanna_rad()[0];
    assert_eq!(
        ar.rubrik.as_deref(),
        Some("Statliga myndigheters uppgifter inför och vid höjd beredskap")
    );
    assert_eq!(
        ar.stycken[0].text,
        "Myndigheternas planering bör utgå från 7 §."
    );
    assert_eq!(ps[1].rubrik, None);
    let ar = &ps[1].allmanna_rad()[0];
    assert_eq!(ar.heading, "Allmänna råd:");
    let texts: Vec<&str> = ar.stycken.iter().map(|s| s.text.as_str()).collect();
    assert_eq!(
        texts,
        [
            "Planeringen bör dokumenteras skriftligt.",
            "Den bör ses över årligen."
        ]
    );
    assert_eq!(ps[1].stycken.len(), 1);
    assert_eq!(ps.len(), 3);
}

#[test]
fn an_appendix_heading_with_a_long_wrapped_title_opens_the_appendix() {
    let r = reg("\
1 § Uppgifterna ska lämnas enligt bilagorna 1 och 2.

Bilaga 1 Förteckning

Text i den första bilagan.

Bilaga 2 Tillvägagångssätt vid utredning och
bedömning av skyddsnivå samt klassificering vid
innesluten användning av genetiskt modifierade mikroorganismer

Text i den andra bilagan.
");
    let headings: Vec<&str> = r.bilagor.iter().map(|b| b.heading.as_str()).collect();
    assert_eq!(headings.len(), 2, "{headings:?}");
    assert!(headings[1].starts_with("Bilaga 2 Tillvägagångssätt"));
    assert!(headings[1].ends_with("mikroorganismer"));
    assert_eq!(r.bilagor[1].text.len(), 1);
}

#[test]
fn a_table_of_contents_listing_appendices_is_no_appendix() {
    let r = reg("\
Innehåll
Bilaga 1 Förteckning över sektorer ........................ 12
Bilaga 2 Tillvägagångssätt vid utredning ................ 14
Bilaga 3 Uppgifter vid anmälan ............................... 15

1 § Uppgifterna ska lämnas enligt bilagorna.

Bilaga 1 Förteckning över sektorer

Text.
");
    assert_eq!(r.paragraph_count(), 1);
    assert_eq!(r.bilagor.len(), 1);
}

#[test]
fn a_consolidated_text_takes_its_title_from_the_block_naming_the_act() {
    // No `beslutade den`; a notice in whole sentences and the series name come first.
    let r = reg("\
Detta dokument har sammanställts i informationssyfte och finns inte i tryckt version. \
Kontrollera därför alltid texten mot den tryckta versionen.

Kemikalieinspektionens författningssamling

Kemikalieinspektionens föreskrifter (KIFS 2017:8) om leksakers brännbarhet och kemiska
egenskaper;

Föreskrifterna senast ändrade t.o.m. KIFS 2022:5

1 § Bestämmelserna i dessa föreskrifter kompletterar lagen (2011:579) om leksakers säkerhet.
");
    let title = r
        .title
        .as_ref()
        .map(|t| t.text.as_str())
        .unwrap_or_default();
    assert!(
        title.starts_with("Kemikalieinspektionens föreskrifter (KIFS 2017:8) om leksakers"),
        "{title}"
    );
    assert!(
        r.preamble
            .iter()
            .any(|p| p.text.starts_with("Detta dokument har sammanställts"))
    );
}

#[test]
fn whitespace_is_folded_where_the_text_has_it_and_only_there() {
    // The whole text is searched once for whitespace to fold; a text without any is not
    // searched again, one with some has each joined part searched as before.
    let plain = reg("1 kap. Rubrik\n\n1 § Text med\nenkla mellanslag.\n\nAndra stycket.\n");
    let folded =
        reg("1 kap. Rubrik\n\n1 § Text med\nenkla mellanslag.\n\nAndra\u{a0}stycket  här.\n");
    let texts = |r: &Regulation| -> Vec<String> {
        r.paragraphs()
            .flat_map(|p| p.stycken.iter().map(|s| s.text.clone()))
            .collect()
    };
    assert_eq!(
        texts(&plain),
        ["Text med enkla mellanslag.", "Andra stycket."]
    );
    assert_eq!(
        texts(&folded),
        ["Text med enkla mellanslag.", "Andra stycket här."]
    );
    assert_eq!(plain.normalisation.whitespace, 0);
    assert_eq!(folded.normalisation.whitespace, 2);
    assert_eq!(
        plain.normalisation.line_wraps,
        folded.normalisation.line_wraps
    );
    // A Markdown paragraph label joined onto its text is searched on its own.
    let md = parse(&Text::from_markdown(
        "t.md",
        "### 1 §\n\nDenna  text.\n".to_string(),
    ));
    let p = md.paragraphs().next().map(|p| p.stycken[0].text.clone());
    assert_eq!(p.as_deref(), Some("Denna text."));
}

#[test]
fn whitespace_to_fold_is_looked_up_by_place_in_every_part() {
    // A tab after a label, then (past the first 4,096 bytes, where the lookup's second
    // word of bits starts) a narrow no-break space in a rubrik, a double space in a
    // paragraph's first line and a no-break space in a punkt: each folded and counted once.
    let filler = "Text.\n\n".repeat(700);
    let src = format!(
        "1 kap. Rubrik\n\n1 § Första\tstycket.\n\n{filler}Ny\u{202f}rubrik\n\n\
         2 § Text  här:\n1. en\u{a0}punkt,\n2. två.\n"
    );
    let r = reg(&src);
    let p: Vec<&Paragraf> = r.paragraphs().collect();
    assert_eq!(p[0].stycken[0].text, "Första stycket.");
    assert_eq!(p[1].rubrik.as_deref(), Some("Ny rubrik"));
    assert_eq!(p[1].stycken[0].text, "Text här:");
    assert_eq!(p[1].stycken[0].punkter[0].text, "en punkt,");
    assert_eq!(r.normalisation.whitespace, 4);
}

/// Socialförsäkringsbalken 26 kap. 24 §: a rubrik wrapped before a word with a capital is
/// one rubrik when its first line cannot end a heading (here on `i`); two lines that each
/// can are a rubrik and its sub-rubrik.
#[test]
fn a_rubrik_wrapped_before_a_capital_is_one_rubrik() {
    let r = reg("\
26 kap. Sjukpenninggrundande inkomst och årsarbetstid

23 § Har upphävts genom lag (2015:758).

Försäkrade som vid vistelse utomlands ansetts bosatta i
Sverige

24 § För sådana personer som enligt 5 kap. 6 § anses bosatta i
Sverige även under vistelse utomlands, ska den
sjukpenninggrundande inkomsten vid återkomsten till Sverige
motsvara lägst det belopp som utgjorde deras
sjukpenninggrundande inkomst omedelbart före utlandsresan.

Beräkning av årsarbetstid, och
Semester

25 § Text.

Årsarbetstid
Semester

26 § Text.
");
    let rubriker: Vec<(&str, u8)> = r.kapitel[0]
        .rubriker
        .iter()
        .map(|x| (x.text.as_str(), x.level))
        .collect();
    assert_eq!(
        rubriker,
        [
            (
                "Försäkrade som vid vistelse utomlands ansetts bosatta i Sverige",
                1
            ),
            ("Beräkning av årsarbetstid, och Semester", 1),
            ("Årsarbetstid", 1),
            ("Semester", 2)
        ]
    );
    let p24 = &r.kapitel[0].paragrafer[1];
    assert_eq!(
        p24.rubrik.as_deref(),
        Some("Försäkrade som vid vistelse utomlands ansetts bosatta i Sverige")
    );
    assert!(r.diagnostics.is_empty(), "{:?}", r.diagnostics);
}

// Parsing in pieces ([`Cuts`], [`parse_piece`], [`join_pieces`]) gives the tree of the
// whole text: pieces whose start the parser reached in the state a piece starts in are
// joined on, the others read again.

/// `src` as `remiss diff` reads a plain-text file (split into blocks as it is parsed).
fn unsplit(dir: &tempfile::TempDir, src: &str) -> Text {
    let path = dir.path().join("text.txt");
    std::fs::write(&path, src).unwrap();
    crate::source::read_unsplit(&path).unwrap()
}

/// The regulation of `text` from the pieces `cuts` cut it into, and how many were joined.
fn in_pieces(text: &Text, cuts: &Cuts) -> (Regulation, usize) {
    let pieces = (0..cuts.len())
        .map(|i| parse_piece(text, cuts, i))
        .collect();
    join_counting(text, cuts, pieces)
}

fn json(r: &Regulation) -> String {
    serde_json::to_string_pretty(r).unwrap()
}

/// `text` cut before each of `headings` (lines of it), parsed in pieces: the same tree as
/// parsed whole. Returns the tree and how many pieces were joined on.
fn cut_before(src: &str, headings: &[&str]) -> (Regulation, usize) {
    let dir = tempfile::tempdir().unwrap();
    let text = unsplit(&dir, src);
    let offsets: Vec<usize> = headings
        .iter()
        .map(|h| src.find(&format!("\n{h}\n")).unwrap() + 1)
        .collect();
    let cuts = Cuts::at_offsets(&text, &offsets);
    let (r, joined) = in_pieces(&text, &cuts);
    assert_eq!(json(&r), json(&parse(&text)), "cut before {headings:?}");
    (r, joined)
}

#[test]
fn every_statute_of_the_corpus_parses_the_same_in_pieces() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/corpus/sfs");
    let mut files: Vec<_> = std::fs::read_dir(root)
        .unwrap()
        .flat_map(|d| std::fs::read_dir(d.unwrap().path()).unwrap())
        .map(|f| f.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    files.sort();
    assert!(files.len() >= 15, "{files:?}");
    let (mut cut, mut joined) = (0, 0);
    for path in &files {
        let text = crate::source::read_unsplit(path).unwrap();
        let whole = json(&parse(&text));
        for n in 2..=8 {
            let Some(cuts) = Cuts::plan(&text, n) else {
                continue;
            };
            let (r, j) = in_pieces(&text, &cuts);
            assert!(json(&r) == whole, "{} in {n} pieces", path.display());
            cut += cuts.len() - 1;
            joined += j;
        }
    }
    // Most cuts are at chapter headings the parser reaches in a chapter's paragraphs.
    assert!(
        cut > 100 && joined * 10 > cut * 8,
        "{joined} of {cut} joined"
    );
}

#[test]
fn socialforsakringsbalken_in_four_pieces_is_joined_whole() {
    // Cut inside avdelningar: the underavdelningar (bare numerals) of the later pieces are
    // named under the avdelning of the piece before them.
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/corpus/sfs/socialforsakringsbalk-2010-110/sfs-2010-110_in-force-2026-01-01.txt"
    );
    let text = crate::source::read_unsplit(std::path::Path::new(path)).unwrap();
    let cuts = Cuts::plan(&text, 4).unwrap();
    assert_eq!(cuts.len(), 4);
    let (r, joined) = in_pieces(&text, &cuts);
    assert_eq!(joined, 3);
    assert_eq!(json(&r), json(&parse(&text)));
    assert!(r.avdelningar.iter().any(|a| a.id == "AVD-D-II"));
}

const DIVISIONS: &str = "\
AVD. A ÖVERGRIPANDE BESTÄMMELSER

I  Inledande bestämmelser

1 kap. Innehåll

1 § Balken gäller förmåner.

2 kap. Definitioner

1 § I balken avses med förmån en ersättning.

II  Socialförsäkringsskyddet

3 kap. Bosättning

1 § Den som är bosatt i Sverige är försäkrad.

I  Inledande bestämmelser

4 kap. Arbete

1 § Den som arbetar i Sverige är försäkrad.
";

#[test]
fn underavdelningar_after_a_cut_stand_below_the_avdelning_before_it() {
    let (r, joined) = cut_before(DIVISIONS, &["2 kap. Definitioner"]);
    assert_eq!(joined, 1);
    let ids: Vec<&str> = r.avdelningar.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids, ["AVD-A", "AVD-A-I", "AVD-A-II", "AVD-A-I"]);
    // The repeated label is reported where the whole text reports it.
    assert_eq!(
        r.diagnostics
            .iter()
            .filter(|d| d.kind == DiagnosticKind::DuplicateLabel)
            .count(),
        1
    );
}

#[test]
fn a_piece_the_parser_reaches_otherwise_is_read_again() {
    let list = "\
1 kap. Inledning

1 § Lagen gäller följande:

5 kap. Tillsyn

1 § Tillsynsmyndigheten utövar tillsyn.
";
    // After a stycke that announces a list, `5 kap. Tillsyn` is text, not a chapter.
    let (r, joined) = cut_before(list, &["5 kap. Tillsyn"]);
    assert_eq!((joined, r.kapitel.len()), (0, 1));

    let repeated = "\
1 kap. Inledning

1 § Lagen gäller tillsyn.

2 kap. Tillsyn

1 § Tillsynsmyndigheten utövar tillsyn.

2 kap. Tillsyn igen

1 § Tillsynsmyndigheten får förelägga.
";
    // A chapter label used before does not number upwards.
    let (_, joined) = cut_before(repeated, &["2 kap. Tillsyn igen"]);
    assert_eq!(joined, 0);

    let advice = "\
1 kap. Inledning

1 § Lagen gäller tillsyn.

2 kap. Tillsyn

1 § Tillsynsmyndigheten utövar tillsyn.

Allmänna råd till 1 kap. 1 §

Lagen bör tillämpas med omdöme.
";
    // Advice naming a paragraph of a chapter before the cut.
    let (r, joined) = cut_before(advice, &["2 kap. Tillsyn"]);
    assert_eq!(joined, 0);
    assert_eq!(r.kapitel[0].paragrafer[0].allmanna_rad().len(), 1);

    let list = "\
1 kap. Inledning

1 § Lagen innehåller bestämmelser om tillsyn.

2 kap. Tillsyn

3 kap. Sanktioner

2 § Tillsynsmyndigheten utövar tillsyn.
";
    // A list of chapters: the line after a refused chapter line is refused too.
    let (r, joined) = cut_before(list, &["3 kap. Sanktioner"]);
    assert_eq!((joined, r.kapitel.len()), (0, 1));
    assert_eq!(joined, 0);
}

#[test]
fn a_text_whose_chapter_numbers_start_again_is_not_cut() {
    // Its later pieces would not join on (a chapter label used before), so they would be
    // parsed twice; a text numbered upwards is cut.
    let once = "\
1 kap. Inledning

1 § Lagen gäller tillsyn.

2 kap. Tillsyn

1 § Tillsynsmyndigheten utövar tillsyn.

3 kap. Sanktioner

1 § Tillsynsmyndigheten får besluta om sanktionsavgift.
";
    let dir = tempfile::tempdir().unwrap();
    let twice = unsplit(&dir, &format!("{once}\n{once}"));
    assert!(Cuts::plan(&twice, 4).is_none());
    let later = once
        .replace("3 kap.", "6 kap.")
        .replace("2 kap.", "5 kap.")
        .replace("1 kap.", "4 kap.");
    let upwards = unsplit(&dir, &format!("{once}\n{later}"));
    let cuts = Cuts::plan(&upwards, 4).unwrap();
    let (r, joined) = in_pieces(&upwards, &cuts);
    assert_eq!(joined, cuts.len() - 1);
    assert!(cuts.len() >= 3);
    assert_eq!(json(&r), json(&parse(&upwards)));
}

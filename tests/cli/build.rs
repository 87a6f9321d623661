//! `remiss build` on the sample case and on case folders made by the tests.

use super::*;
use std::collections::BTreeMap;

fn build(args: &[&std::ffi::OsStr]) -> std::process::Output {
    let mut v: Vec<&std::ffi::OsStr> = vec!["build".as_ref()];
    v.extend_from_slice(args);
    remiss(v)
}

fn read_json(p: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(p).expect("output file")).expect("json")
}

/// Every file under a folder, relative path → bytes.
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    for e in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let e = e.unwrap();
        if e.file_type().is_file() {
            out.insert(
                e.path().strip_prefix(dir).unwrap().display().to_string(),
                std::fs::read(e.path()).unwrap(),
            );
        }
    }
    out
}

fn sample() -> PathBuf {
    corpus("msb-cybersakerhet")
}

#[test]
fn the_sample_case_builds_every_output() {
    let out = tempfile::tempdir().unwrap();
    let o = build(&[
        sample().as_os_str(),
        "-o".as_ref(),
        out.path().join("msb").as_os_str(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let files: Vec<String> = tree(&out.path().join("msb")).into_keys().collect();
    for f in [
        "index.html",
        "yttrande.md",
        "yttrande.html",
        "yttrande.docx",
        "sammanstallning.html",
        "sammanstallning.csv",
        "jamforelse-1.html",
        "jamforelse-1.md",
        "genomslag.html",
        "genomslag.md",
        "data.json",
        "svar/r1.html",
        "svar/r5.html",
    ] {
        assert!(files.contains(&f.to_string()), "{f} missing: {files:?}");
    }
    assert!(
        stderr(&o).contains("5 answers, 61 paragraphs"),
        "{}",
        stderr(&o)
    );
    // The Word document is a real zip with the opinion's text in it.
    let docx = std::fs::read(out.path().join("msb/yttrande.docx")).unwrap();
    assert_eq!(&docx[..2], b"PK");
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(docx)).unwrap();
    let mut xml = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("word/document.xml").unwrap(), &mut xml)
        .unwrap();
    assert!(xml.contains("Kapitlet lämnas utan synpunkt."), "docx text");
    assert!(xml.contains("Övriga paragrafer i kapitlet lämnas utan synpunkt."));
}

/// The consolidated opinion has the seed answer's position on every paragraph the seed
/// comments on (the seed is the office's own answer, `lead = true` in the manifest).
/// Sentence (line, text) → the (target id, stance) it is evidence of.
type BySentence = BTreeMap<(u64, String), Vec<(String, String)>>;

/// The lead answer's reading and its evidence by sentence.
fn lead_reading() -> (serde_json::Value, BySentence) {
    let seed = remiss([
        "stances".as_ref(),
        sample()
            .join("answers/stockholm-ks-2025-1384.txt")
            .as_os_str(),
        "--draft".as_ref(),
        sample().join("drafts/1-remissversion.txt").as_os_str(),
        "--format".as_ref(),
        "json".as_ref(),
    ]);
    let table: serde_json::Value = serde_json::from_slice(&seed.stdout).unwrap();
    let mut by_sentence = BySentence::new();
    for r in table["rows"].as_array().unwrap() {
        for e in r["evidence"].as_array().unwrap() {
            by_sentence
                .entry((
                    e["line"].as_u64().unwrap(),
                    e["text"].as_str().unwrap().into(),
                ))
                .or_default()
                .push((
                    r["id"].as_str().unwrap().into(),
                    r["stance"].as_str().unwrap().into(),
                ));
        }
    }
    (table, by_sentence)
}

#[test]
fn every_statement_in_the_office_name_is_a_position_the_lead_answer_takes() {
    let out = tempfile::tempdir().unwrap();
    let o = build(&[sample().as_os_str(), "-o".as_ref(), out.path().as_os_str()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let data = read_json(&out.path().join("data.json"));
    let lead_text =
        std::fs::read_to_string(sample().join("answers/stockholm-ks-2025-1384.txt")).unwrap();
    let lead_lines: Vec<&str> = lead_text.lines().collect();
    let (table, by_sentence) = lead_reading();
    let op = &data["opinion"];
    assert_eq!(op["lead"], "r1");
    assert_eq!(op["summary_from"], "lead-section");
    let mut stated: BTreeMap<String, String> = BTreeMap::new();
    let mut walk = |passages: &serde_json::Value, chapter: Option<&str>| {
        for p in passages.as_array().unwrap() {
            for s in p["sentences"].as_array().unwrap() {
                let line = s["line"].as_u64().unwrap();
                let text = s["text"].as_str().unwrap();
                // Every sentence is the lead's own, from the line it links to.
                let first = text.split_whitespace().next().unwrap();
                assert!(
                    lead_lines[line as usize - 1].contains(first),
                    "line {line}: {text}"
                );
                assert_eq!(s["href"], format!("svar/r1.html#L{line}"));
                // A sentence that takes a position takes the lead's, on a target of the
                // chapter it stands under.
                for (id, stance) in by_sentence
                    .get(&(line, text.to_string()))
                    .into_iter()
                    .flatten()
                {
                    if let Some(ch) = chapter
                        && id.starts_with('K')
                    {
                        assert!(
                            id == ch || id.starts_with(&format!("{ch}P")),
                            "{id} stated under {ch}: {text}"
                        );
                    }
                    stated.insert(id.clone(), stance.clone());
                }
            }
        }
    };
    walk(&op["summary"], None);
    walk(&op["general"], None);
    for ch in op["chapters"].as_array().unwrap() {
        walk(&ch["passages"], Some(ch["id"].as_str().unwrap()));
    }
    walk(&op["konsekvensutredning"], None);
    // Every substantive position of the lead is in the body, with the lead's stance.
    let mut checked = 0;
    for r in table["rows"].as_array().unwrap() {
        let (id, stance) = (r["id"].as_str().unwrap(), r["stance"].as_str().unwrap());
        if id.starts_with('?') || matches!(stance, "no-comment" | "not-addressed") {
            continue;
        }
        assert_eq!(stated.get(id).map(String::as_str), Some(stance), "{id}");
        checked += 1;
    }
    assert!(checked >= 20, "{checked} positions checked");
    // Nothing the lead did not take: 3 kap. 10 § and 5 kap. 4 § only others commented.
    for id in ["K3P10", "K5P4"] {
        assert!(!stated.contains_key(id), "{id} stated in the lead's name");
    }
    // Every other respondent's position is in the compilation, under its own name.
    let mut listed: BTreeMap<(String, String), String> = BTreeMap::new();
    for ch in op["others"].as_array().unwrap() {
        for v in ch["items"].as_array().unwrap() {
            for c in v["views"].as_array().unwrap() {
                assert_ne!(c["key"], "r1", "the lead is not among the others");
                listed.insert(
                    (
                        c["key"].as_str().unwrap().into(),
                        v["id"].as_str().unwrap().into(),
                    ),
                    c["stance"].as_str().unwrap().into(),
                );
            }
        }
    }
    let mut others = 0;
    for row in data["matrix"]["rows"].as_array().unwrap() {
        for (i, c) in row["cells"].as_array().unwrap().iter().enumerate().skip(1) {
            let stance = c["stance"].as_str().unwrap();
            if matches!(stance, "no-comment" | "not-addressed") {
                continue;
            }
            let key = format!("r{}", i + 1);
            assert_eq!(
                listed
                    .get(&(key.clone(), row["id"].as_str().unwrap().into()))
                    .map(String::as_str),
                Some(stance),
                "{key} on {}",
                row["id"]
            );
            others += 1;
        }
    }
    assert!(others >= 30, "{others}");
    // The text the officer sends: the lead's words, no quotes, line numbers or stock phrases,
    // no other body's name, no citation of a paragraph the draft lacks.
    let md = std::fs::read_to_string(out.path().join("yttrande.md")).unwrap();
    let body_at = md
        .find("## Stadsledningskontorets synpunkter")
        .expect("positions");
    let body = &md[body_at..md.find("## Bilagor").unwrap()];
    for bad in [
        "»",
        "(rad ",
        "Ändring föreslås.",
        "Farhågor framförs.",
        "Svaren går isär",
        "Socialförvaltningen",
        "Servicenämnden",
        "Utbildningsförvaltningen",
        "Stockholm Vatten",
        "25 §",
        "(finns inte i förslaget)",
    ] {
        assert!(!body.contains(bad), "{bad:?} in the body:\n{body}");
    }
    assert!(
        body.contains(
            "### 4\u{a0}kap. Fysiska säkerhetsåtgärder\n\nKapitlet lämnas utan synpunkt."
        ),
        "{body}"
    );
    assert!(body.contains("Stadsledningskontoret avstyrker den föreslagna utformningen av 7\u{a0}§. Bestämmelsen är alltför detaljerad"));
    // The repeated sentence is said once.
    assert_eq!(
        body.matches("I sin nuvarande form riskerar bestämmelsen att vara missvisande.")
            .count(),
        1
    );
    // The summary is the lead's own, and the frame is there.
    for part in [
        "Tjänsteutlåtande",
        "Dnr KS 2025/1384",
        "Till kommunstyrelsen",
        "## Förslag till beslut",
        "## Sammanfattning\n\nStadsledningskontoret tillstyrker i huvudsak MSB:s förslag",
        "## Bakgrund",
        "## Ärendets beredning",
        "### Remissinstansernas synpunkter",
        "## Bilagor",
    ] {
        assert!(md.contains(part), "{part:?} missing:\n{md}");
    }
    assert!(
        !md.contains("förslaget i sin helhet. Vissa"),
        "no generated summary"
    );
    // Divergences are pointed out in the compilation.
    assert!(
        md.contains(
            "*Servicenämnden går emot Stadsledningskontorets ställningstagande (avstyrker).*"
        ),
        "{md}"
    );
    // The HTML says the same, each sentence linked to its line.
    let html = std::fs::read_to_string(out.path().join("yttrande.html")).unwrap();
    assert!(html.contains("<a class=\"s\" href=\"svar/r1.html#L121\">Stadsledningskontoret avstyrker den föreslagna utformningen av 7\u{a0}§.</a>"), "{html}");
    assert!(html.contains("href=\"jamforelse-1.html#old-K2P7\""));
}

#[test]
fn a_citation_of_a_missing_paragraph_is_a_finding_until_a_correction_repoints_it() {
    let out = tempfile::tempdir().unwrap();
    let o = build(&[sample().as_os_str(), "-o".as_ref(), out.path().as_os_str()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let data = read_json(&out.path().join("data.json"));
    let ids: Vec<&str> = data["matrix"]["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert!(!ids.iter().any(|i| i.starts_with('?')), "{ids:?}");
    assert!(!ids.contains(&"K2P25"), "{ids:?}");
    let index = std::fs::read_to_string(out.path().join("index.html")).unwrap();
    assert!(
        index.contains("Hänvisar till 2\u{a0}kap. 25\u{a0}§, som inte finns i förslaget"),
        "{index}"
    );
    let comp = std::fs::read_to_string(out.path().join("sammanstallning.html")).unwrap();
    assert!(comp.contains("Samma mening två gånger i rad: I sin nuvarande form"));

    // The correction: 2 kap. 25 § means 2 kap. 22 §.
    let case = sample_copy(true);
    let mut toml = std::fs::read_to_string(case.path().join("remiss.toml")).unwrap();
    toml.push_str("\n[[correction]]\nanswer = \"answers/utbildningsforvaltningen.txt\"\ntarget = \"2 kap. 25 §\"\ntarget_is = \"2 kap. 22 §\"\nnote = \"Leverantörsrisker står i 22 §.\"\n\n[[correction]]\nanswer = \"Servicenämnden\"\ntarget = \"K2P14\"\nstance = \"support-reservations\"\nflags = [\"clarification\"]\nnote = \"Läst i sitt sammanhang.\"\n");
    std::fs::write(case.path().join("remiss.toml"), &toml).unwrap();
    let o = build_into(&case.path(), &case.out());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let data = read_json(&case.out().join("data.json"));
    let row = |id: &str| {
        data["matrix"]["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["id"] == id)
            .unwrap()
            .clone()
    };
    let k2p22 = row("K2P22");
    assert_eq!(k2p22["cells"][2]["stance"], "support");
    assert_eq!(
        k2p22["cells"][2]["corrected"],
        "Leverantörsrisker står i 22 §."
    );
    let k2p14 = row("K2P14");
    assert_eq!(k2p14["cells"][3]["stance"], "support-reservations");
    assert_eq!(k2p14["cells"][3]["flags"][0], "clarification");
    assert_eq!(data["corrections"].as_array().unwrap().len(), 2);
    let md = std::fs::read_to_string(case.out().join("yttrande.md")).unwrap();
    assert!(
        md.contains("(tillstyrker; korrigerad: Leverantörsrisker står i 22 §.)"),
        "{md}"
    );
    let comp = std::fs::read_to_string(case.out().join("sammanstallning.html")).unwrap();
    assert!(comp.contains("title=\"Leverantörsrisker står i 22 §.\">korrigerad</span>"));
    let index = std::fs::read_to_string(case.out().join("index.html")).unwrap();
    assert!(
        !index.contains("Hänvisar till 2\u{a0}kap. 25\u{a0}§"),
        "corrected, no longer a finding"
    );

    // A correction that matches nothing is an error naming it; nothing is written.
    toml.push_str("\n[[correction]]\nanswer = \"answers/serviceforvaltningen.txt\"\ntarget = \"6 kap. 1 §\"\nignore = true\n");
    std::fs::write(case.path().join("remiss.toml"), &toml).unwrap();
    let out2 = case.path().with_extension("out2");
    let o = build_into(&case.path(), &out2);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("[[correction]] 3 (answer \"answers/serviceforvaltningen.txt\", target \"6 kap. 1 §\"): the answer has no reading of this target"),
        "{}",
        stderr(&o)
    );
    assert!(!out2.exists());
}

#[test]
fn the_word_file_has_styles_page_numbers_the_dnr_and_the_manifest_properties() {
    use std::io::Read;
    let case = sample_copy(true);
    let mut toml = std::fs::read_to_string(case.path().join("remiss.toml")).unwrap();
    toml = toml.replace(
        "author = \"Stadsledningskontoret\"",
        "author = \"Stadsledningskontoret\"\norganisation = \"Stockholms stad\"\nhandlaggare = \"Eva Ek\"\ndate = \"2025-11-19\"",
    );
    std::fs::write(case.path().join("remiss.toml"), &toml).unwrap();
    let o = build_into(&case.path(), &case.out());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let bytes = std::fs::read(case.out().join("yttrande.docx")).unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.clone())).unwrap();
    let mut part = |n: &str| {
        let mut s = String::new();
        zip.by_name(n).unwrap().read_to_string(&mut s).unwrap();
        s
    };
    let doc = part("word/document.xml");
    let styles = part("word/styles.xml");
    let core = part("docProps/core.xml");
    let header = part("word/header1.xml");
    let footer = part("word/footer1.xml");
    // Real heading styles with Swedish display names: the navigator lists them.
    for n in 1..=3 {
        assert!(
            doc.contains(&format!("<w:pStyle w:val=\"Heading{n}\"/>")),
            "Heading{n}"
        );
        assert!(styles.contains(&format!("w:styleId=\"Heading{n}\"><w:name w:val=\"heading {n}\"/><w:aliases w:val=\"Rubrik {n}\"/>")));
        assert!(styles.contains(&format!("<w:outlineLvl w:val=\"{}\"/>", n - 1)));
    }
    assert!(doc.contains("<w:pStyle w:val=\"ListParagraph\"/>"));
    assert!(styles.contains("<w:lang w:val=\"sv-SE\"/>"));
    // Page numbers and the Dnr on every page.
    assert!(doc.contains("<w:headerReference w:type=\"default\" r:id=\"rId3\"/>"));
    assert!(
        footer.contains(" PAGE ") && footer.contains(" NUMPAGES "),
        "{footer}"
    );
    assert!(
        header.contains("Dnr KS 2025/1384") && header.contains("Stockholms stad, 2025-11-19"),
        "{header}"
    );
    // Properties from the manifest, in Swedish, no dates.
    assert!(
        core.contains("<dc:title>Svar på remiss: MSB:s föreskrifter"),
        "{core}"
    );
    assert!(core.contains("<dc:creator>Eva Ek</dc:creator>"), "{core}");
    assert!(core.contains("<dc:language>sv-SE</dc:language>"));
    assert!(!core.contains("1970") && !core.contains("dcterms:created"));
    let md = std::fs::read_to_string(case.out().join("yttrande.md")).unwrap();
    assert!(md.starts_with("Stockholms stad  \nStadsledningskontoret  \nTjänsteutlåtande  \nDnr KS 2025/1384  \n2025-11-19  \nHandläggare: Eva Ek\n"), "{md}");

    // --reference-docx: the organisation's styles (a Swedish template's ids), page setup,
    // header and footer; our text and properties.
    let reference = case.path().with_extension("ref.docx");
    {
        let mut w = zip::ZipWriter::new(std::fs::File::create(&reference).unwrap());
        let o = zip::write::SimpleFileOptions::default();
        let files = [
            (
                "[Content_Types].xml",
                "<?xml version=\"1.0\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/><Default Extension=\"xml\" ContentType=\"application/xml\"/><Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/><Override PartName=\"/word/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml\"/></Types>",
            ),
            (
                "_rels/.rels",
                "<?xml version=\"1.0\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"word/document.xml\"/></Relationships>",
            ),
            (
                "word/document.xml",
                "<?xml version=\"1.0\"?><w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body><w:p><w:r><w:t>Mall</w:t></w:r></w:p><w:sectPr><w:pgSz w:w=\"12240\" w:h=\"15840\"/></w:sectPr></w:body></w:document>",
            ),
            (
                "word/styles.xml",
                "<?xml version=\"1.0\"?><w:styles xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:style w:type=\"paragraph\" w:styleId=\"Rubrik1\"><w:name w:val=\"heading 1\"/></w:style></w:styles>",
            ),
        ];
        for (n, x) in files {
            w.start_file(n, o).unwrap();
            std::io::Write::write_all(&mut w, x.as_bytes()).unwrap();
        }
        w.finish().unwrap();
    }
    let out2 = case.path().with_extension("out2");
    let o = remiss([
        "build".as_ref(),
        case.path().as_os_str(),
        "-o".as_ref(),
        out2.as_os_str(),
        "--reference-docx".as_ref(),
        reference.as_os_str(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let bytes = std::fs::read(out2.join("yttrande.docx")).unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut part = |n: &str| {
        let mut s = String::new();
        zip.by_name(n).unwrap().read_to_string(&mut s).unwrap();
        s
    };
    let doc = part("word/document.xml");
    assert!(
        doc.contains("<w:pStyle w:val=\"Rubrik1\"/>"),
        "the template's id for heading 1"
    );
    assert!(
        doc.contains("<w:pgSz w:w=\"12240\" w:h=\"15840\"/>"),
        "the template's page"
    );
    assert!(!doc.contains(">Mall<"), "our text, not the template's");
    let styles = part("word/styles.xml");
    assert!(
        styles.contains("w:styleId=\"Heading2\""),
        "styles the template lacks are added"
    );
    assert!(part("docProps/core.xml").contains("<dc:creator>Eva Ek</dc:creator>"));
    // Not a Word file: refused before anything is read or written.
    std::fs::write(&reference, "not a zip").unwrap();
    let out3 = case.path().with_extension("out3");
    let o = remiss([
        "build".as_ref(),
        case.path().as_os_str(),
        "-o".as_ref(),
        out3.as_os_str(),
        "--reference-docx".as_ref(),
        reference.as_os_str(),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("cannot serve as reference document"),
        "{}",
        stderr(&o)
    );
    assert!(!out3.exists());
}

#[test]
fn the_compilation_lists_the_conflicts_first_with_links_to_the_evidence() {
    let out = tempfile::tempdir().unwrap();
    assert!(
        build(&[sample().as_os_str(), "-o".as_ref(), out.path().as_os_str()])
            .status
            .success()
    );
    let data = read_json(&out.path().join("data.json"));
    let conflicts: Vec<&str> = data["matrix"]["conflicts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(conflicts, ["K2P7", "K2P8", "K2P16", "K3P19", "K3P23"]);
    let html = std::fs::read_to_string(out.path().join("sammanstallning.html")).unwrap();
    let conflicts_at = html.find("Där svaren går isär").unwrap();
    let matrix_at = html.find("Ställningstaganden per paragraf").unwrap();
    assert!(conflicts_at < matrix_at);
    // A cell links to the evidence line in the answer page, which has that anchor.
    assert!(
        html.contains("href=\"svar/r4.html#L34\""),
        "Servicenämnden's support of 2 kap. 7 §"
    );
    let page = std::fs::read_to_string(out.path().join("svar/r4.html")).unwrap();
    assert!(page.contains("<div id=\"L34\">"));
    let csv = std::fs::read_to_string(out.path().join("sammanstallning.csv")).unwrap();
    // Swedish Excel: BOM, semicolons, Swedish values; the ids in columns of their own.
    assert!(
        csv.starts_with("\u{feff}Avser;Stadsledningskontoret;Socialförvaltningen;"),
        "{csv}"
    );
    assert!(csv.lines().any(|l| l == "2 kap. 7 §;\"avstyrker (föreslår ändring, farhåga)\";utan synpunkt;utan synpunkt;tillstyrker;utan synpunkt;1;1;ja;K2P7;oppose;no-comment;no-comment;support;no-comment"), "{csv}");
}

#[test]
fn the_effect_of_comments_follows_the_renumbering() {
    let out = tempfile::tempdir().unwrap();
    assert!(
        build(&[sample().as_os_str(), "-o".as_ref(), out.path().as_os_str()])
            .status
            .success()
    );
    let data = read_json(&out.path().join("data.json"));
    let effects: Vec<String> = data["effects"]["effects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            format!(
                "{} {} {} {}",
                e["key"].as_str().unwrap(),
                e["id"].as_str().unwrap(),
                e["outcome"].as_str().unwrap(),
                e["now"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|v| v.as_str().unwrap())
                    .collect::<Vec<_>>()
                    .join("+")
            )
        })
        .collect();
    for expected in [
        "r1 K2P7 changed 2 kap. 7 §",
        "r1 K2P8 changed 2 kap. 8 §",
        "r1 K2P16 renumbered-changed 2 kap. 15 §",
        "r5 K2P16 renumbered-changed 2 kap. 15 §",
        "r1 K2P21 renumbered 2 kap. 20 §",
        "r1 K3P3N1 changed 3 kap. 3 §",
        "r5 K3P23 renumbered 3 kap. 24 §",
        "r3 K3P19 renumbered 3 kap. 20 §",
        "r4 K2P14 removed ",
    ] {
        assert!(
            effects.contains(&expected.to_string()),
            "{expected} not in {effects:#?}"
        );
    }
    let orphaned: Vec<String> = data["effects"]["orphaned"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            format!(
                "{} {}",
                e["key"].as_str().unwrap(),
                e["id"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(orphaned, ["r4 K2P14"]);
}

#[test]
fn the_same_inputs_give_byte_identical_outputs_and_a_rebuild_replaces_cleanly() {
    let out = tempfile::tempdir().unwrap();
    let a = out.path().join("a");
    let b = out.path().join("b");
    assert!(
        build(&[sample().as_os_str(), "-o".as_ref(), a.as_os_str()])
            .status
            .success()
    );
    assert!(
        build(&[sample().as_os_str(), "-o".as_ref(), b.as_os_str()])
            .status
            .success()
    );
    assert_eq!(tree(&a), tree(&b));
    // A stale file in the output folder does not survive a rebuild; no temp folders remain.
    std::fs::write(a.join("stale.txt"), "x").unwrap();
    assert!(
        build(&[sample().as_os_str(), "-o".as_ref(), a.as_os_str()])
            .status
            .success()
    );
    assert!(!a.join("stale.txt").exists());
    let leftovers: Vec<_> = std::fs::read_dir(out.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .filter(|n| n.to_string_lossy().starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    assert_eq!(tree(&a), tree(&b));
    // The same case in another folder of the same name, named relatively from its parent:
    // the same bytes (the pages name the drafts as the manifest does, not as typed).
    let elsewhere = out.path().join("elsewhere");
    crate::serve::copy_case(&elsewhere.join("msb-cybersakerhet"));
    let c = out.path().join("c");
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_remiss"))
        .current_dir(&elsewhere)
        .args([
            "build".as_ref(),
            "msb-cybersakerhet".as_ref(),
            "-o".as_ref(),
            c.as_os_str(),
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(tree(&a), tree(&c));
}

/// A case folder made by the test (`case/` with the given files) and a place beside it for
/// the output (`out`), since a build refuses to write inside its case.
struct CaseDir {
    tmp: tempfile::TempDir,
}

impl CaseDir {
    fn path(&self) -> PathBuf {
        self.tmp.path().join("case")
    }
    fn out(&self) -> PathBuf {
        self.tmp.path().join("out")
    }
}

fn case_folder(files: &[(&str, &[u8])]) -> CaseDir {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir(tmp.path().join("case")).unwrap();
    for (rel, bytes) in files {
        let p = tmp.path().join("case").join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    }
    CaseDir { tmp }
}

fn read_corpus(rel: &str) -> Vec<u8> {
    std::fs::read(sample().join(rel)).unwrap()
}

#[test]
fn a_case_without_a_manifest_is_discovered() {
    let d1 = read_corpus("drafts/1-remissversion.txt");
    let d2 = read_corpus("drafts/2-beslutad-version.txt");
    let a1 = read_corpus("answers/socialforvaltningen.txt");
    let a2 = read_corpus("answers/serviceforvaltningen.txt");
    let case = case_folder(&[
        ("drafts/a.txt", &d1),
        ("drafts/b.txt", &d2),
        ("answers/social.txt", &a1),
        ("answers/service.txt", &a2),
        ("answers/notes.odt", b"ignored"),
    ]);
    let out = case.out();
    let o = build(&[case.path().as_os_str(), "-o".as_ref(), out.as_os_str()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // Nothing on stdout (`remiss build case > case/remiss.toml` would truncate it); `init`
    // writes the discovered manifest, ready to edit.
    assert_eq!(stdout(&o), "");
    assert!(stderr(&o).contains("remiss init"), "{}", stderr(&o));
    let i = crate::remiss([std::ffi::OsStr::new("init"), case.path().as_os_str()]);
    assert_eq!(i.status.code(), Some(0), "{}", stderr(&i));
    let manifest = std::fs::read_to_string(case.path().join("remiss.toml")).unwrap();
    assert!(
        manifest.contains("title = \"Myndigheten för samhällsskydd och beredskaps föreskrifter"),
        "{manifest}"
    );
    assert!(
        manifest.contains("file = \"answers/service.txt\"\nrespondent = \"Servicenämnden\""),
        "{manifest}"
    );
    let body: String = manifest
        .lines()
        .filter(|l| !l.starts_with('#'))
        .collect::<Vec<_>>()
        .join("\n");
    let parsed: toml::Value = toml::from_str(&body).expect("the written manifest parses");
    assert_eq!(parsed["drafts"].as_array().unwrap().len(), 2);
    let data = read_json(&out.join("data.json"));
    assert_eq!(data["origin"], "discovered");
    assert_eq!(data["respondents"].as_array().unwrap().len(), 2);
    assert!(out.join("jamforelse-1.html").exists());
}

#[test]
fn bad_inputs_stop_the_build_before_anything_is_written() {
    let d1 = read_corpus("drafts/1-remissversion.txt");
    let a1 = read_corpus("answers/socialforvaltningen.txt");
    let manifest = "title = \"T\"\n[[drafts]]\nfile = \"drafts/a.txt\"\nlabel = \"A\"\n[[answers]]\nfile = \"answers/missing.txt\"\nrespondent = \"Y\"\n[[answers]]\nfile = \"answers/a.txt\"\nrespondent = \"X\"\n[[answers]]\nfile = \"answers/letter.txt\"\nrespondent = \"Z\"\n";
    let case = case_folder(&[
        ("drafts/a.txt", &d1),
        ("answers/a.txt", &a1),
        ("answers/letter.txt", b"Dear all,\n\nSee you on Monday.\n"),
        ("remiss.toml", manifest.as_bytes()),
    ]);
    let out = case.out();
    let o = build(&[case.path().as_os_str(), "-o".as_ref(), out.as_os_str()]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("missing.txt")
            && err.contains("letter.txt")
            && err.contains("nothing was written"),
        "{err}"
    );
    assert!(!out.exists());
    // --keep-going builds the rest and lists what was skipped.
    let o = build(&[
        case.path().as_os_str(),
        "-o".as_ref(),
        out.as_os_str(),
        "--keep-going".as_ref(),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let data = read_json(&out.join("data.json"));
    assert_eq!(data["respondents"].as_array().unwrap().len(), 1);
    assert_eq!(data["skipped"].as_array().unwrap().len(), 2);
    let index = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(index.contains("Filer som inte kunde läsas"));
    // The answer page of the first answer read is that answer's text.
    let page = std::fs::read_to_string(out.join("svar/r1.html")).unwrap();
    assert!(
        page.contains("<h1>X</h1>") && page.contains("Socialförvaltningen välkomnar"),
        "{page}"
    );
}

#[test]
fn manifest_paths_cannot_leave_the_case_folder() {
    let case = case_folder(&[(
        "remiss.toml",
        b"title = \"T\"\n[[drafts]]\nfile = \"../../etc/passwd\"\nlabel = \"A\"\n",
    )]);
    let o = build(&[
        case.path().as_os_str(),
        "-o".as_ref(),
        case.out().as_os_str(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("points outside the case folder"),
        "{}",
        stderr(&o)
    );
    let case = case_folder(&[("remiss.toml", b"title = \"T\"\nbogus = 1\n")]);
    let o = build(&[case.path().as_os_str()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("remiss.toml") && stderr(&o).contains("bogus"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn templates_can_be_overridden_and_a_broken_one_is_named() {
    let tpl = tempfile::tempdir().unwrap();
    std::fs::write(
        tpl.path().join("index.html"),
        "<p>Eget index: {{ case.manifest.title }} ({{ case.figures.answers }} svar)</p>",
    )
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    let o = build(&[
        sample().as_os_str(),
        "-o".as_ref(),
        out.path().join("x").as_os_str(),
        "--templates".as_ref(),
        tpl.path().as_os_str(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let index = std::fs::read_to_string(out.path().join("x/index.html")).unwrap();
    assert!(
        index.starts_with("<p>Eget index: MSB:s föreskrifter"),
        "{index}"
    );
    assert!(index.contains("(5 svar)"));
    // The other templates are still the embedded ones.
    assert!(
        std::fs::read_to_string(out.path().join("x/yttrande.html"))
            .unwrap()
            .contains("<h2>Sammanfattning</h2>")
    );

    std::fs::write(
        tpl.path().join("yttrande.md"),
        "# Rubrik\n\n{% for x in %}\n",
    )
    .unwrap();
    let o = build(&[
        sample().as_os_str(),
        "-o".as_ref(),
        out.path().join("y").as_os_str(),
        "--templates".as_ref(),
        tpl.path().as_os_str(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("template yttrande.md") && err.contains("3:"),
        "{err}"
    );
    assert!(!out.path().join("y").exists());
}

#[test]
fn html_escapes_the_text_of_the_documents() {
    let d1 = read_corpus("drafts/1-remissversion.txt");
    let case = case_folder(&[
        ("drafts/a.txt", &d1),
        ("answers/x.txt", "Kulturförvaltningen\n\n2 kap. Organisatoriska säkerhetsåtgärder\nFörvaltningen avstyrker 7 § <script>alert(1)</script> helt.\n".as_bytes()),
    ]);
    let out = case.out();
    let o = build(&[case.path().as_os_str(), "-o".as_ref(), out.as_os_str()]);
    assert!(o.status.success(), "{}", stderr(&o));
    for page in ["yttrande.html", "sammanstallning.html", "svar/r1.html"] {
        let html = std::fs::read_to_string(out.join(page)).unwrap();
        assert!(!html.contains("<script>alert"), "{page}");
        // tera escapes the slash too; the opinion's page, made from its Markdown, need not.
        assert!(
            html.contains("&lt;script&gt;alert(1)&lt;&#x2F;script&gt;")
                || html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "{page}"
        );
    }
}

/// The sample case copied into a temporary folder, with or without its manifest.
fn sample_copy(with_manifest: bool) -> CaseDir {
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    for e in walkdir::WalkDir::new(sample()).sort_by_file_name() {
        let e = e.unwrap();
        if e.file_type().is_file() {
            let rel = e
                .path()
                .strip_prefix(sample())
                .unwrap()
                .display()
                .to_string();
            if with_manifest || rel != "remiss.toml" {
                files.push((rel, std::fs::read(e.path()).unwrap()));
            }
        }
    }
    let refs: Vec<(&str, &[u8])> = files
        .iter()
        .map(|(r, b)| (r.as_str(), b.as_slice()))
        .collect();
    case_folder(&refs)
}

fn build_into(case: &Path, out: &Path) -> std::process::Output {
    build(&[case.as_os_str(), "-o".as_ref(), out.as_os_str()])
}

#[test]
fn a_folder_the_build_did_not_write_is_never_replaced() {
    let case = sample_copy(true);
    let p = case.out();
    std::fs::create_dir(&p).unwrap();
    std::fs::write(p.join("t.txt"), "thesis").unwrap();
    let o = build_into(&case.path(), &p);
    assert_eq!(o.status.code(), Some(4), "{}", stderr(&o));
    assert!(stderr(&o).contains("was not written by `remiss build`"));
    assert_eq!(std::fs::read_to_string(p.join("t.txt")).unwrap(), "thesis");
    // An empty folder is fine, and a build's own folder carries the marker from then on.
    std::fs::remove_file(p.join("t.txt")).unwrap();
    let o = build_into(&case.path(), &p);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(p.join(".remiss-build").is_file());
    let o = build_into(&case.path(), &p);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[test]
fn the_case_its_parts_and_its_parent_are_refused_as_output() {
    let case = sample_copy(true);
    let before = tree(&case.path());
    for out in [
        case.path(),
        case.path().join("answers"),
        case.path().join("out"),
        case.tmp.path().to_path_buf(),
    ] {
        let o = build_into(&case.path(), &out);
        assert_eq!(
            o.status.code(),
            Some(4),
            "{}: {}",
            out.display(),
            stderr(&o)
        );
        assert!(
            stderr(&o).contains("input"),
            "{}: {}",
            out.display(),
            stderr(&o)
        );
    }
    assert_eq!(tree(&case.path()), before);
    // The same, named by where it is.
    let o = build(&[
        case.path().as_os_str(),
        "-o".as_ref(),
        case.path().join("answers/..").as_os_str(),
    ]);
    assert_eq!(o.status.code(), Some(4), "{}", stderr(&o));
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_remiss"))
        .current_dir(case.path())
        .args(["build", ".", "-o", "."])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(4), "{}", stderr(&o));
    assert_eq!(tree(&case.path()), before);
    // The templates folder and the lexicon are inputs too.
    let tpl = case.tmp.path().join("tpl");
    std::fs::create_dir(&tpl).unwrap();
    let o = build(&[
        case.path().as_os_str(),
        "-o".as_ref(),
        tpl.as_os_str(),
        "--templates".as_ref(),
        tpl.as_os_str(),
    ]);
    assert_eq!(o.status.code(), Some(4), "{}", stderr(&o));
}

#[test]
fn an_output_at_a_file_or_a_read_only_folder_is_refused_before_anything_is_touched() {
    let case = sample_copy(true);
    let f = case.out();
    std::fs::write(&f, "my notes").unwrap();
    let o = build_into(&case.path(), &f);
    assert_eq!(o.status.code(), Some(4), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(&f).unwrap(), "my notes");
    let names: Vec<String> = std::fs::read_dir(case.tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");

    let ro = case.tmp.path().join("ro");
    std::fs::create_dir(&ro).unwrap();
    let mut perm = std::fs::metadata(&ro).unwrap().permissions();
    perm.set_readonly(true);
    std::fs::set_permissions(&ro, perm).unwrap();
    let o = build_into(&case.path(), &ro);
    assert_eq!(o.status.code(), Some(4), "{}", stderr(&o));
    assert!(stderr(&o).contains("read-only"), "{}", stderr(&o));
    let o = build_into(&case.path(), &ro.join("x"));
    assert_eq!(o.status.code(), Some(4), "{}", stderr(&o));
    assert!(!ro.join("x").exists());
}

#[test]
fn leftovers_of_an_interrupted_build_are_removed_by_the_next() {
    let case = sample_copy(true);
    let out = case.out();
    for stale in [".out.tmp-4000000-x", ".out.old-4000001"] {
        let d = case.tmp.path().join(stale);
        std::fs::create_dir_all(d.join("svar")).unwrap();
        std::fs::write(d.join("svar/r1.html"), "half").unwrap();
    }
    let o = build_into(&case.path(), &out);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("removed 2 temporary folder(s)"),
        "{}",
        stderr(&o)
    );
    let hidden: Vec<String> = std::fs::read_dir(case.tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(hidden.is_empty(), "{hidden:?}");
}

#[test]
fn builds_into_one_output_at_once_all_succeed_and_leave_nothing_behind() {
    let case = sample_copy(true);
    let out = case.out();
    let children: Vec<std::process::Child> = (0..4)
        .map(|_| {
            std::process::Command::new(env!("CARGO_BIN_EXE_remiss"))
                .args([
                    "build".as_ref(),
                    case.path().as_os_str(),
                    "-o".as_ref(),
                    out.as_os_str(),
                ])
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for c in children {
        let o = c.wait_with_output().unwrap();
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    }
    let names: Vec<String> = std::fs::read_dir(case.tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
    assert!(out.join("index.html").is_file());
}

#[cfg(unix)]
#[test]
fn a_manifest_entry_linking_out_of_the_case_is_refused() {
    let secret = tempfile::tempdir().unwrap();
    std::fs::write(secret.path().join("secret.txt"), "lösenord: hunter2\n").unwrap();
    let case = sample_copy(true);
    let link = case.path().join("answers/z.txt");
    std::os::unix::fs::symlink(secret.path().join("secret.txt"), &link).unwrap();
    let mut m = std::fs::read_to_string(case.path().join("remiss.toml")).unwrap();
    m.push_str("\n[[answers]]\nfile = \"answers/z.txt\"\nrespondent = \"Z\"\n");
    std::fs::write(case.path().join("remiss.toml"), m).unwrap();
    let o = build_into(&case.path(), &case.out());
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("answers/z.txt") && err.contains("secret.txt"),
        "{err}"
    );
    assert!(!case.out().exists());
    // Discovery does not follow it either, and says so.
    std::fs::remove_file(case.path().join("remiss.toml")).unwrap();
    let o = build_into(&case.path(), &case.out());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("answers/z.txt: skipped: a symbolic link"),
        "{}",
        stderr(&o)
    );
    for e in walkdir::WalkDir::new(case.out()) {
        let e = e.unwrap();
        if e.file_type().is_file() {
            let bytes = std::fs::read(e.path()).unwrap();
            assert!(
                !String::from_utf8_lossy(&bytes).contains("hunter2"),
                "{}",
                e.path().display()
            );
        }
    }
}

#[test]
fn two_leads_or_one_file_listed_twice_are_refused_naming_both() {
    let d1 = read_corpus("drafts/1-remissversion.txt");
    let a1 = read_corpus("answers/socialforvaltningen.txt");
    let a2 = read_corpus("answers/serviceforvaltningen.txt");
    let head = "title = \"T\"\n[[drafts]]\nfile = \"drafts/a.txt\"\nlabel = \"A\"\n";
    let leads = format!(
        "{head}[[answers]]\nfile = \"answers/a.txt\"\nrespondent = \"X\"\nlead = true\n[[answers]]\nfile = \"answers/b.txt\"\nrespondent = \"Y\"\nlead = true\n"
    );
    let case = case_folder(&[
        ("drafts/a.txt", &d1),
        ("answers/a.txt", &a1),
        ("answers/b.txt", &a2),
        ("remiss.toml", leads.as_bytes()),
    ]);
    let o = build_into(&case.path(), &case.out());
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("«X»") && err.contains("«Y»") && err.contains("lead"),
        "{err}"
    );
    let twice = format!(
        "{head}[[answers]]\nfile = \"answers/a.txt\"\nrespondent = \"X\"\n[[answers]]\nfile = \"./answers/a.txt\"\nrespondent = \"Y\"\n"
    );
    std::fs::write(case.path().join("remiss.toml"), twice).unwrap();
    let o = build_into(&case.path(), &case.out());
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("listed twice")
            && err.contains("[[answers]] 1")
            && err.contains("[[answers]] 2"),
        "{err}"
    );
    assert!(!case.out().exists());
}

#[test]
fn the_sample_case_builds_without_its_manifest_and_lists_the_notes_it_skips() {
    let case = sample_copy(false);
    let o = build_into(&case.path(), &case.out());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("drafts/CHANGES.md: skipped: notes"), "{err}");
    assert!(err.contains("answers/EXPECTED.md: skipped: notes"), "{err}");
    let data = read_json(&case.out().join("data.json"));
    assert_eq!(data["respondents"].as_array().unwrap().len(), 5);
    assert_eq!(data["drafts"].as_array().unwrap().len(), 2);
}

#[test]
fn a_stray_invalid_byte_in_an_answer_is_replaced_and_reported_by_line() {
    let d1 = read_corpus("drafts/1-remissversion.txt");
    let mut a1 = read_corpus("answers/stockholm-ks-2025-1384.txt");
    let clean = case_folder(&[("drafts/a.txt", &d1), ("answers/a.txt", &a1)]);
    // One byte of line 5 becomes invalid, as a bad copy-and-paste leaves it.
    let line5 = a1
        .iter()
        .enumerate()
        .filter(|(_, b)| **b == b'\n')
        .nth(3)
        .map(|(i, _)| i + 1)
        .unwrap();
    a1.insert(line5, 0x96);
    let dirty = case_folder(&[("drafts/a.txt", &d1), ("answers/a.txt", &a1)]);
    let o = build_into(&clean.path(), &clean.out());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = build_into(&dirty.path(), &dirty.out());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("answers/a.txt") && err.contains("line 5") && err.contains("U+FFFD"),
        "{err}"
    );
    // The reading is the same as the clean file's: no row changes for one bad byte.
    // (Byte offsets after the bad byte move by the replacement character; lines do not.)
    let rows = |d: &Path| -> Vec<String> {
        let data = read_json(&d.join("data.json"));
        data["matrix"]["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                let c = &r["cells"][0];
                let lines: Vec<String> = c["evidence"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|e| e["line"].to_string())
                    .collect();
                format!(
                    "{} {} {} {}",
                    r["id"],
                    c["stance"],
                    c["flags"],
                    lines.join(",")
                )
            })
            .collect()
    };
    let (a, b) = (rows(&clean.out()), rows(&dirty.out()));
    assert_eq!(a.len(), b.len());
    let differ: Vec<_> = a.iter().zip(&b).filter(|(x, y)| x != y).collect();
    assert!(
        differ.is_empty(),
        "{} rows differ: {:?}",
        differ.len(),
        &differ[..differ.len().min(3)]
    );
}

#[test]
fn a_case_over_the_size_limit_is_refused_before_reading() {
    let d1 = read_corpus("drafts/1-remissversion.txt");
    let case = case_folder(&[("drafts/a.txt", &d1)]);
    // A sparse file: 17 MiB stated, nothing read.
    let big = std::fs::File::create(case.path().join("answers.txt")).unwrap();
    big.set_len(17 * 1024 * 1024).unwrap();
    std::fs::create_dir(case.path().join("answers")).unwrap();
    std::fs::rename(
        case.path().join("answers.txt"),
        case.path().join("answers/big.txt"),
    )
    .unwrap();
    let o = build_into(&case.path(), &case.out());
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("over the limit of 16777216 bytes for one answer"),
        "{}",
        stderr(&o)
    );
    assert!(!case.out().exists());
    // Answers each under their limit, together over the case's: refused before reading.
    for i in 0..9 {
        std::fs::File::create(case.path().join(format!("answers/a{i}.txt")))
            .unwrap()
            .set_len(15 * 1024 * 1024)
            .unwrap();
    }
    let o = build_into(&case.path(), &case.out());
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("bytes for a case"), "{}", stderr(&o));
    assert!(!case.out().exists());
}

/// Answers are read on every core: the build's bytes, its messages and its exit code are
/// the same with one thread as with several, also past the first chunk of answers and with
/// answers that cannot be used among them.
#[test]
fn answers_read_in_parallel_give_the_same_build_as_one_by_one() {
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    for d in ["1-remissversion.txt", "2-beslutad-version.txt"] {
        let p = sample().join("drafts").join(d);
        files.push((format!("drafts/{d}"), std::fs::read(p).unwrap()));
    }
    let answers: Vec<PathBuf> = ["serviceforvaltningen.txt", "stockholm-ks-2025-1384.txt"]
        .iter()
        .map(|a| sample().join("answers").join(a))
        .collect();
    for i in 0..70 {
        let name = format!("answers/{i:03}.txt");
        let bytes = match i {
            // No position at all, and a binary file: both skipped with --keep-going.
            33 => b"Vi har tagit del av remissen.\n".to_vec(),
            50 => vec![0u8, 159, 146, 150, 0, 1],
            _ => std::fs::read(&answers[i % 2]).unwrap(),
        };
        files.push((name, bytes));
    }
    let refs: Vec<(&str, &[u8])> = files
        .iter()
        .map(|(r, b)| (r.as_str(), b.as_slice()))
        .collect();
    let case = case_folder(&refs);
    let run = |threads: &str, out: &Path| {
        std::process::Command::new(env!("CARGO_BIN_EXE_remiss"))
            .args([
                "build".as_ref(),
                case.path().as_os_str(),
                "--keep-going".as_ref(),
            ])
            .args(["-o".as_ref(), out.as_os_str()])
            .env("NO_COLOR", "1")
            .env("RAYON_NUM_THREADS", threads)
            .output()
            .unwrap()
    };
    let one = case.tmp.path().join("one");
    let four = case.tmp.path().join("four");
    let (a, b) = (run("1", &one), run("4", &four));
    assert_eq!(a.status.code(), Some(1), "{}", stderr(&a));
    assert_eq!(b.status.code(), a.status.code());
    let strip =
        |o: &std::process::Output, out: &Path| stderr(o).replace(&out.display().to_string(), "OUT");
    assert_eq!(strip(&a, &one), strip(&b, &four));
    assert!(stderr(&a).contains("033.txt"), "{}", stderr(&a));
    assert!(stderr(&a).contains("050.txt"), "{}", stderr(&a));
    let (ta, tb) = (tree(&one), tree(&four));
    assert_eq!(ta.keys().collect::<Vec<_>>(), tb.keys().collect::<Vec<_>>());
    for (k, v) in &ta {
        assert!(v == &tb[k], "{k} differs between one thread and four");
    }
    let data = read_json(&one.join("data.json"));
    assert_eq!(data["respondents"].as_array().map(Vec::len), Some(68));
}

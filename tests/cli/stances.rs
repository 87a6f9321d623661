//! `remiss stances` and `remiss check` on the sample case: the seed answer's reading in
//! DOMAIN.md §5 and the constructed answers' reading in answers/EXPECTED.md.

use super::*;
use std::collections::BTreeMap;

const DRAFT: &str = "msb-cybersakerhet/drafts/1-remissversion.txt";

/// id → "stance flags" from `remiss stances --format tsv`.
fn reading(answer: &str) -> BTreeMap<String, String> {
    let o = remiss([
        "stances".as_ref(),
        corpus(&format!("msb-cybersakerhet/answers/{answer}")).as_os_str(),
        "--draft".as_ref(),
        corpus(DRAFT).as_os_str(),
        "--format".as_ref(),
        "tsv".as_ref(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    // Lines starting with `#` are about the answer (its respondent, reported positions).
    stdout(&o)
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            assert_eq!(f.len(), 4, "{l}");
            (f[0].to_string(), format!("{} {}", f[1], f[2]))
        })
        .collect()
}

fn expect(r: &BTreeMap<String, String>, ids: &[&str], value: &str) {
    for id in ids {
        assert_eq!(r.get(*id).map(String::as_str), Some(value), "{id}");
    }
}

fn range(chapter: u32, from: u32, to: u32) -> Vec<String> {
    (from..=to).map(|n| format!("K{chapter}P{n}")).collect()
}

fn ids(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

/// DOMAIN.md §5, target by target and flag by flag. Where the reading has a flag §5 does not
/// list, the comment names the sentence that carries it (§5 gives the reading "at least").
#[test]
fn the_seed_answer_reads_as_in_domain_section_5() {
    let r = reading("stockholm-ks-2025-1384.txt");
    // The proposal as a whole: `tillstyrker i huvudsak`. Extra: clarification (`anser dock att
    // vissa delar behöver förtydligas`), concern (`riskerar att begränsa proportionalitetsprincipens`).
    expect(&r, &["DOC"], "support-reservations clarification,concern");
    // 1, 4 and 6 kap.: explicit no comment, every paragraph.
    let mut no_comment: Vec<String> = vec!["K1".into(), "K4".into(), "K6".into()];
    no_comment.extend(range(1, 1, 4));
    no_comment.extend(range(4, 1, 4));
    no_comment.extend(range(6, 1, 2));
    expect(&r, &ids(&no_comment), "no-comment -");
    expect(&r, &["K2P6"], "support proposes");
    // Extra concern: `riskerar att låsa fast organisationer`, `riskerar att bli styrande`.
    expect(&r, &["K2P7"], "oppose proposes,concern");
    expect(&r, &["K2P8"], "oppose proposes,concern");
    expect(&r, &["K2P9"], "support -");
    expect(&r, &["K2P10", "K2P11"], "support concern");
    expect(&r, &["K2P13"], "support clarification");
    expect(&r, &["K2P16"], "support-reservations proposes");
    expect(&r, &["K2P21"], "proposal proposes");
    let mut other2 = range(2, 1, 5);
    other2.extend(["K2P12", "K2P14", "K2P15"].map(String::from));
    other2.extend(range(2, 17, 20));
    other2.push("K2P22".into());
    expect(&r, &ids(&other2), "no-comment -");
    // 3 kap. as a chapter. Extra concern: `kostnadsdrivande`.
    expect(&r, &["K3"], "comment proposes,concern");
    expect(&r, &["K3P2"], "support proposes");
    // The outsourcing paragraph, named by topic only; punkt 1 proposed for deletion. Extra
    // concern: `riskerar att leda till dubbelreglering`.
    expect(&r, &["K3P3"], "support proposes,concern");
    expect(&r, &["K3P3N1"], "proposal proposes");
    expect(&r, &["K3P4", "K3P16", "K3P19"], "support proposes");
    expect(&r, &["K3P23"], "support proposes,clarification");
    expect(&r, &["K5P1"], "support clarification");
    // Extra proposes: `föreslår även att konsekvensutredningen förtydligar`.
    expect(&r, &["KU"], "support proposes,clarification");
    // 2 kap. 13 § is quoted in 3 kap. as an argument only: its reading comes from 2 kap. alone.
    // Other 3 kap. and 5 kap. paragraphs: not addressed.
    let mut not = range(3, 5, 15);
    not.extend(
        [
            "K3P1", "K3P17", "K3P18", "K3P20", "K3P21", "K3P22", "K3P24", "K3P25",
        ]
        .map(String::from),
    );
    not.extend(range(5, 2, 4));
    expect(&r, &ids(&not), "not-addressed -");
    // Nothing else: 61 paragraphs + DOC + KU + chapters 1, 3, 4, 6 + the punkt.
    assert_eq!(r.len(), 61 + 2 + 4 + 1, "{r:#?}");
}

#[test]
fn socialforvaltningen_reads_as_expected() {
    let r = reading("socialforvaltningen.txt");
    expect(&r, &["DOC"], "support -");
    expect(
        &r,
        &["K2P8", "K2P9", "K2P10", "K2P11", "K2P16", "K3P10", "K5P1"],
        "support -",
    );
    expect(&r, &["K2P21"], "proposal proposes,concern");
    expect(&r, &["K5P2"], "comment clarification");
    let mut nc: Vec<String> = vec!["K1".into(), "K4".into(), "K6".into()];
    nc.extend(range(1, 1, 4));
    nc.extend(range(2, 1, 7));
    nc.extend(range(2, 12, 15));
    nc.extend(range(2, 17, 20));
    nc.push("K2P22".into());
    nc.extend(range(3, 1, 9));
    nc.extend(range(3, 11, 25));
    nc.extend(range(4, 1, 4));
    nc.extend(range(5, 3, 4));
    nc.extend(range(6, 1, 2));
    expect(&r, &ids(&nc), "no-comment -");
    // Traps: `I förslaget föreslås ...` is no stance; the Bakgrund's act is not the draft.
    assert_eq!(r.len(), 61 + 1 + 3);
}

#[test]
fn utbildningsforvaltningen_reads_as_expected() {
    let r = reading("utbildningsforvaltningen.txt");
    expect(&r, &["DOC"], "support-reservations concern");
    expect(&r, &["K1P4"], "comment clarification");
    expect(&r, &["K2P8"], "oppose proposes,concern");
    // `kravet på multifaktorsautentisering`, by topic; `MSB föreslår ...` is MSB's.
    expect(&r, &["K3P19"], "oppose proposes,concern");
    expect(&r, &["K4P1", "K4P3", "K4P4"], "support -");
    expect(&r, &["K4P2"], "oppose proposes");
    // The citation of a paragraph the draft lacks stays unresolved, never guessed.
    expect(&r, &["?2 kap. 25 §"], "support -");
    expect(&r, &["K2P22"], "no-comment -");
    let mut nc = range(1, 1, 3);
    nc.extend(range(2, 1, 7));
    nc.extend(range(2, 9, 22));
    nc.extend(range(3, 1, 18));
    nc.extend(range(3, 20, 25));
    nc.extend(["K5".into(), "K6".into()]);
    nc.extend(range(5, 1, 4));
    nc.extend(range(6, 1, 2));
    expect(&r, &ids(&nc), "no-comment -");
}

#[test]
fn servicenamnden_reads_as_expected() {
    let r = reading("serviceforvaltningen.txt");
    expect(
        &r,
        &["DOC", "K2P7", "K2P13", "K3P2", "K3P4", "K5P1"],
        "support -",
    );
    expect(&r, &["K2P14"], "oppose -");
    expect(&r, &["K3P19"], "support-reservations proposes");
    // `Enligt 2 kap. 9 § ska ...` and `följer redan av 6 § ... enligt 15 § ska ...` are arguments.
    let mut not = range(1, 1, 4);
    not.extend(range(2, 1, 6));
    not.extend(range(2, 8, 12));
    not.extend(range(2, 15, 22));
    not.extend(range(5, 2, 4));
    not.extend(range(6, 1, 2));
    expect(&r, &ids(&not), "not-addressed -");
}

#[test]
fn stockholm_vatten_och_avfall_reads_as_expected() {
    let r = reading("stockholm-vatten-och-avfall.txt");
    expect(&r, &["DOC"], "support-reservations -");
    expect(&r, &["K2P16"], "oppose proposes,concern");
    expect(&r, &["K2P21"], "support -");
    expect(&r, &["K3P2"], "comment concern");
    expect(&r, &["K3P23"], "oppose proposes,concern");
    expect(&r, &["K5P4"], "support -");
    // `avstyrker förslaget att inte längre medge ...`: the negation is in the object.
    expect(&r, &["K6P2"], "oppose proposes");
    expect(&r, &["KU"], "support-reservations proposes,concern");
    expect(&r, &["K6P1", "K5P1", "K3P1", "K2P22"], "no-comment -");
}

#[test]
fn evidence_and_inference_are_in_the_json() {
    let o = remiss([
        "stances".as_ref(),
        corpus("msb-cybersakerhet/answers/stockholm-ks-2025-1384.txt").as_os_str(),
        "--draft".as_ref(),
        corpus(DRAFT).as_os_str(),
        "--format".as_ref(),
        "json".as_ref(),
    ]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let rows = v["rows"].as_array().unwrap();
    let p3 = rows.iter().find(|r| r["id"] == "K3P3").unwrap();
    assert_eq!(p3["inferred"][0], "utkontraktering");
    assert_eq!(p3["evidence"][0]["line"], 193);
    assert!(
        p3["evidence"][0]["text"].as_str().unwrap().starts_with(
            "Stadsledningskontoret tillstyrker bestämmelsen om krav vid utkontraktering"
        )
    );
    assert_eq!(v["meta"]["case_number"]["text"], "KS 2025/1384");
    assert_eq!(v["meta"]["office"], "Stadsledningskontoret");
    assert_eq!(v["meta"]["body"], "Stockholms stad");
    assert_eq!(
        v["meta"]["sender"],
        "Myndigheten för samhällsskydd och beredskap (MSB)"
    );
    assert!(
        v["meta"]["remiss_title"]
            .as_str()
            .unwrap()
            .starts_with("Förslag till nya föreskrifter och allmänna råd")
    );
}

#[test]
fn without_a_draft_topics_stay_unresolved() {
    let o = remiss([
        "stances".as_ref(),
        corpus("msb-cybersakerhet/answers/stockholm-ks-2025-1384.txt").as_os_str(),
        "--format".as_ref(),
        "tsv".as_ref(),
    ]);
    assert!(o.status.success());
    let out = stdout(&o);
    assert!(
        out.contains("?bestämmelsen om krav vid utkontraktering\tsupport\t"),
        "{out}"
    );
    assert!(out.contains("K2P7\toppose\t"), "{out}");
    assert!(out.contains("K2:other\tno-comment\t"), "{out}");
    assert!(!out.contains("not-addressed"), "{out}");
}

#[test]
fn md_output_is_swedish() {
    let o = remiss([
        "stances".as_ref(),
        corpus("msb-cybersakerhet/answers/serviceforvaltningen.txt").as_os_str(),
        "--draft".as_ref(),
        corpus(DRAFT).as_os_str(),
        "--format".as_ref(),
        "md".as_ref(),
    ]);
    let out = stdout(&o);
    assert!(
        out.contains("| 2\u{a0}kap. 14\u{a0}§ | avstyrker |"),
        "{out}"
    );
    assert!(
        out.contains("Ej berörda paragrafer: 1\u{a0}kap. 1–4\u{a0}§§"),
        "{out}"
    );
}

#[test]
fn check_reports_the_seeds_repeated_sentence_and_nothing_false() {
    let o = remiss([
        "check".as_ref(),
        corpus("msb-cybersakerhet/answers/stockholm-ks-2025-1384.txt").as_os_str(),
        "--draft".as_ref(),
        corpus(DRAFT).as_os_str(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert_eq!(out.lines().count(), 1, "{out}");
    assert!(out.contains(":223: sentence repeated verbatim: «I sin nuvarande form riskerar bestämmelsen att vara missvisande.»"), "{out}");
}

#[test]
fn check_reports_a_citation_the_draft_lacks_and_passes_clean_answers() {
    let run = |a: &str| {
        remiss([
            "check".as_ref(),
            corpus(&format!("msb-cybersakerhet/answers/{a}")).as_os_str(),
            "--draft".as_ref(),
            corpus(DRAFT).as_os_str(),
        ])
    };
    let o = run("utbildningsforvaltningen.txt");
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stdout(&o).trim().lines().collect::<Vec<_>>(),
        [format!(
            "{}:47: cites 2 kap. 25 §, which the draft does not have; the wording matches 2 kap. 22 §",
            corpus("msb-cybersakerhet/answers/utbildningsforvaltningen.txt").display()
        )]
    );
    for a in [
        "socialforvaltningen.txt",
        "serviceforvaltningen.txt",
        "stockholm-vatten-och-avfall.txt",
    ] {
        let o = run(a);
        assert_eq!(o.status.code(), Some(0), "{a}: {}", stdout(&o));
        assert!(stdout(&o).contains("no defects found"));
    }
}

#[test]
fn check_reports_contradictions_and_unmatched_topic_headings() {
    let dir = temp_files(&[(
        "a.txt",
        "Kulturförvaltningen\n\n2 kap. Organisatoriska säkerhetsåtgärder\nFörvaltningen tillstyrker 7 §.\n\nFörvaltningen avstyrker 7 §.\n\nRymdfärder och kometer\nFörvaltningen tillstyrker 9 §.\n".as_bytes(),
    )]);
    let o = remiss([
        "check".as_ref(),
        dir.path().join("a.txt").as_os_str(),
        "--draft".as_ref(),
        corpus(DRAFT).as_os_str(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(
        out.contains(":4: 2 kap. 7 § is given both support and opposition (lines 4,6)"),
        "{out}"
    );
    assert!(
        out.contains(
            ":8: topic heading «Rymdfärder och kometer» matches no paragraph of the draft"
        ),
        "{out}"
    );
}

#[test]
fn documents_that_are_not_answers_get_a_clear_message() {
    let dir = temp_files(&[(
        "letter.txt",
        "Dear colleagues,\n\nThank you for the meeting. We will send the minutes.\n".as_bytes(),
    )]);
    for f in [dir.path().join("letter.txt"), corpus(DRAFT)] {
        let o = remiss(["stances".as_ref(), f.as_os_str()]);
        assert_eq!(o.status.code(), Some(3), "{}", f.display());
        assert!(stderr(&o).contains("no positions found"), "{}", stderr(&o));
    }
    let o = remiss([
        "stances".as_ref(),
        dir.path().join("missing.txt").as_os_str(),
    ]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn a_clerk_can_add_a_phrasing_in_a_lexicon_file() {
    let extra = std::fs::read_to_string(root().join("data/lexicon.toml"))
        .unwrap()
        .replace("\"biträder\",", "\"biträder\", \"hälsar med glädje\",");
    let dir = temp_files(&[
        ("lexicon.toml", extra.as_bytes()),
        ("a.txt", "Kulturförvaltningen\n\n2 kap. Organisatoriska säkerhetsåtgärder\nFörvaltningen hälsar med glädje 7 §.\n".as_bytes()),
    ]);
    let a = dir.path().join("a.txt");
    let o = remiss([
        "stances".as_ref(),
        a.as_os_str(),
        "--format".as_ref(),
        "tsv".as_ref(),
    ]);
    assert_eq!(o.status.code(), Some(3));
    let o = remiss([
        "stances".as_ref(),
        a.as_os_str(),
        "--format".as_ref(),
        "tsv".as_ref(),
        "--lexicon".as_ref(),
        dir.path().join("lexicon.toml").as_os_str(),
    ]);
    assert_eq!(
        stdout(&o),
        "#respondent\tKulturförvaltningen\tletterhead\t1\nK2P7\tsupport\t-\t4\n"
    );
    let o = remiss([
        "stances".as_ref(),
        a.as_os_str(),
        "--lexicon".as_ref(),
        dir.path().join("nope.toml").as_os_str(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("nope.toml"));
}

/// Issue 6: the same reading from the PDF and Word versions of the seed answer and the draft.
#[test]
fn the_seed_answer_reads_the_same_from_pdf_and_docx() {
    let cols = |answer: &Path, draft: &Path| -> Vec<String> {
        let o = remiss([
            "stances".as_ref(),
            answer.as_os_str(),
            "--draft".as_ref(),
            draft.as_os_str(),
            "--format".as_ref(),
            "tsv".as_ref(),
        ]);
        assert!(o.status.success(), "{}: {}", answer.display(), stderr(&o));
        // id, stance, flags; evidence line numbers differ between layouts.
        stdout(&o)
            .lines()
            .filter(|l| !l.starts_with('#'))
            .map(|l| l.split('\t').take(3).collect::<Vec<_>>().join("\t"))
            .collect()
    };
    let text = cols(
        &corpus("msb-cybersakerhet/answers/stockholm-ks-2025-1384.txt"),
        &corpus(DRAFT),
    );
    assert_eq!(text.len(), 68);
    for (answer, draft) in [
        (
            "pdf/stockholm-ks-2025-1384-remissvar.pdf",
            "pdf/msb-1-remissversion.pdf",
        ),
        (
            "docx/stockholm-ks-2025-1384-remissvar.docx",
            "docx/msb-1-remissversion.docx",
        ),
        (
            "pdf/stockholm-ks-2025-1384-remissvar.pdf",
            "docx/msb-1-remissversion.docx",
        ),
    ] {
        assert_eq!(
            cols(&fixture(answer), &fixture(draft)),
            text,
            "{answer} against {draft}"
        );
    }
    let o = remiss([
        "check".as_ref(),
        fixture("pdf/stockholm-ks-2025-1384-remissvar.pdf").as_os_str(),
        "--draft".as_ref(),
        fixture("pdf/msb-1-remissversion.pdf").as_os_str(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(stdout(&o).lines().count(), 1, "{}", stdout(&o));
    assert!(stdout(&o).contains("sentence repeated verbatim"));
}

/// Issue 9: a date-shaped number cut inside a letter, and letters whose lower case has
/// another byte length, once panicked `stances` and `check` (exit 101).
#[test]
fn odd_dates_and_case_changing_letters_do_not_panic_stances_or_check() {
    let dir = temp_files(&[
        ("a.txt", "2025-11-0å\n".as_bytes()),
        (
            "b.txt",
            "Remissen besvaras 2025-11-1–30.\n\nKulturförvaltningen tillstyrker Kx İİ förslaget.\n"
                .as_bytes(),
        ),
    ]);
    let a = dir.path().join("a.txt");
    let b = dir.path().join("b.txt");
    let o = remiss(["stances".as_ref(), a.as_os_str()]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(stderr(&o).contains("no positions found"), "{}", stderr(&o));
    let o = remiss([
        "stances".as_ref(),
        b.as_os_str(),
        "--format".as_ref(),
        "tsv".as_ref(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("\tsupport\t"), "{}", stdout(&o));
    let o = remiss(["check".as_ref(), b.as_os_str()]);
    assert!(matches!(o.status.code(), Some(0 | 1)), "{}", stderr(&o));
}

// ---------------------------------------------------------------------------------------
// Real answers by other authorities (issue 12): tests/fixtures/real-answers/
// ---------------------------------------------------------------------------------------

/// `(file, target, stance, evidence, note)` rows of a reading file.
fn reading_rows(name: &str) -> Vec<[String; 5]> {
    let text = std::fs::read_to_string(fixture(&format!("real-answers/{name}"))).expect(name);
    text.lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let mut f = l.split('\t').map(str::to_string);
            std::array::from_fn(|_| f.next().unwrap_or_default())
        })
        .collect()
}

/// `remiss stances FILE --format tsv` on a real answer: id → (stance, flags), and the exit
/// code (3 when no positions were found).
fn real_reading(file: &str) -> (BTreeMap<String, String>, Option<i32>) {
    let o = remiss([
        "stances".as_ref(),
        fixture(&format!("real-answers/{file}")).as_os_str(),
        "--format".as_ref(),
        "tsv".as_ref(),
    ]);
    let rows = stdout(&o)
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            (f.len() >= 2).then(|| (f[0].to_string(), f[1].to_string()))
        })
        .collect();
    (rows, o.status.code())
}

/// The evidence of every row, from `--format json`: (id, evidence texts).
fn real_evidence(file: &str) -> Vec<(String, Vec<String>)> {
    let o = remiss([
        "stances".as_ref(),
        fixture(&format!("real-answers/{file}")).as_os_str(),
        "--format".as_ref(),
        "json".as_ref(),
    ]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap_or_default();
    v["rows"]
        .as_array()
        .map(|rows| {
            rows.iter()
                .map(|r| {
                    let ev = r["evidence"]
                        .as_array()
                        .map(|e| {
                            e.iter()
                                .map(|x| x["text"].as_str().unwrap_or("").to_string())
                                .collect()
                        })
                        .unwrap_or_default();
                    (r["id"].as_str().unwrap_or("").to_string(), ev)
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The polarity the gold is scored by: support (with or without reservations), oppose,
/// proposal-or-comment, no-comment, or none.
fn polarity(stance: &str) -> &'static str {
    match stance {
        "support" | "support-reservations" => "S",
        "oppose" => "O",
        "no-comment" => "X",
        "none" | "not-addressed" | "nothing" => "-",
        _ => "N",
    }
}

/// Collapses runs of white space, so evidence from the gold matches a sentence whose line
/// breaks were joined.
fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The draft ids an external citation as written would become if it were read as the
/// proposal's (`2 kap. 10` → K2, K2P10; `27 kap. 20 e §` → K27, K27P20e).
fn draft_ids_of(written: &str) -> Vec<String> {
    let w: Vec<&str> = written.split_whitespace().collect();
    let mut out = Vec::new();
    for (i, x) in w.iter().enumerate() {
        if x.starts_with("kap") && i > 0 && w[i - 1].chars().all(|c| c.is_ascii_digit()) {
            let k = w[i - 1];
            out.push(format!("K{k}"));
            if let Some(p) = w
                .get(i + 1)
                .filter(|p| p.chars().all(|c| c.is_ascii_digit()))
            {
                let letter = w
                    .get(i + 2)
                    .filter(|l| l.len() == 1 && l.chars().all(|c| c.is_ascii_lowercase()))
                    .map(|l| l.to_string())
                    .unwrap_or_default();
                out.push(format!("K{k}P{p}{letter}"));
            }
        }
    }
    out
}

/// The gold reading of the 20 answers: at least 95% of the (file, target) rows by polarity,
/// as `shared/tools/score-answers.py` scores them, and exactly the misses listed here.
#[test]
fn real_answers_read_as_the_gold_says() {
    // (file prefix, target): read wrong today, and why. None at present.
    let known_misses: [(&str, &str); 0] = [];
    let gold = reading_rows("GOLD.tsv");
    let mut by_file: BTreeMap<String, BTreeMap<String, Vec<&'static str>>> = BTreeMap::new();
    for [file, target, stance, ..] in &gold {
        let t = by_file.entry(file.clone()).or_default();
        if !target.starts_with("EXT") && !target.starts_with("PART") {
            t.entry(target.clone()).or_default().push(polarity(stance));
        }
    }
    let (mut right, mut total) = (0, 0);
    let mut misses = Vec::new();
    for (file, targets) in &mut by_file {
        let (got, code) = real_reading(file);
        let has_stance = targets.values().flatten().any(|p| *p != "-");
        assert!(
            !(has_stance && code == Some(3)),
            "{file}: 'no positions found' for an answer with a gold stance"
        );
        // A file whose gold has no DOC row must take no stance on the whole.
        targets.entry("DOC".into()).or_insert_with(|| vec!["-"]);
        for (target, want) in targets.iter() {
            total += 1;
            let p = polarity(got.get(target).map(String::as_str).unwrap_or("nothing"));
            if want.contains(&p) {
                right += 1;
            } else {
                misses.push(format!("{file} {target}: got {p}, want {want:?}"));
            }
        }
    }
    for m in &misses {
        assert!(
            known_misses
                .iter()
                .any(|(f, t)| m.starts_with(f) && m.contains(&format!(" {t}: "))),
            "a new miss: {m}"
        );
    }
    assert!(
        right * 100 >= total * 95,
        "{right}/{total} gold rows right: {misses:#?}"
    );
}

/// No `EXT` row of the gold becomes a draft target, and no sentence behind a `PART` row is
/// read as a stance on the whole proposal or on a draft paragraph.
#[test]
fn real_answers_keep_other_acts_and_named_parts_apart() {
    let gold = reading_rows("GOLD.tsv");
    let expected = reading_rows("EXPECTED.tsv");
    for [file, target, stance, evidence, _] in gold.iter().chain(expected.iter()) {
        if let Some(written) = target.strip_prefix("EXT:") {
            let (got, _) = real_reading(file);
            for id in draft_ids_of(written) {
                assert!(!got.contains_key(&id), "{file}: {written} read as {id}");
            }
        }
        if target.starts_with("PART:") {
            let gold_ids: Vec<&String> = gold
                .iter()
                .chain(expected.iter())
                .filter(|r| r[0] == *file && !r[1].starts_with("PART") && !r[1].starts_with("EXT"))
                .map(|r| &r[1])
                .collect();
            let ev = squash(evidence);
            for (id, texts) in real_evidence(file) {
                let is_whole_or_place = id == "DOC"
                    || id.starts_with('K')
                    || (id.starts_with('P') && id[1..].starts_with(|c: char| c.is_ascii_digit()));
                if is_whole_or_place
                    && !gold_ids.contains(&&id)
                    && texts.iter().any(|t| squash(t).contains(&ev))
                {
                    panic!("{file}: the part '{target}' ({stance}) was read as {id}");
                }
                if stance == "none" && texts.iter().any(|t| squash(t).contains(&ev)) {
                    panic!("{file}: '{target}' is not the respondent's, but was read as {id}");
                }
            }
        }
    }
}

/// Our own reading of the ten answers without gold (`EXPECTED.tsv`), row by row; rows whose
/// note starts with `todo:` are not read right yet and are skipped.
#[test]
fn real_answers_without_gold_read_as_expected() {
    let rows = reading_rows("EXPECTED.tsv");
    assert!(rows.len() >= 20, "{}", rows.len());
    let mut checked = 0;
    for [file, target, stance, _, note] in &rows {
        if note.starts_with("todo:") || target.starts_with("EXT:") {
            continue;
        }
        let (got, code) = real_reading(file);
        if stance != "none" {
            assert_ne!(code, Some(3), "{file}: no positions found");
        }
        let want = if stance == "none" {
            None
        } else {
            Some(stance.as_str())
        };
        let id = match target.strip_prefix("PART:") {
            // A part is found by the start of its words.
            Some(words) => got
                .keys()
                .find(|k| {
                    k.strip_prefix("PART:")
                        .is_some_and(|g| g.starts_with(words) || words.starts_with(g))
                })
                .cloned()
                .unwrap_or_else(|| target.clone()),
            None => target.clone(),
        };
        assert_eq!(
            got.get(&id).map(String::as_str),
            want,
            "{file} {target}: {got:?}"
        );
        checked += 1;
    }
    assert!(checked >= 20, "{checked}");
}

/// `remiss stances FILE --format FORMAT` on a real answer.
fn real_output(file: &str, format: &str) -> (String, Option<i32>) {
    let o = remiss([
        "stances".as_ref(),
        fixture(&format!("real-answers/{file}")).as_os_str(),
        "--format".as_ref(),
        format.as_ref(),
    ]);
    (stdout(&o), o.status.code())
}

/// Every real answer names its respondent (`RESPONDENTS.tsv`, checked by reading each
/// answer), in every format, with how and on which line the reader found it; the proposer
/// (`Transportstyrelsens föreskrifter`, `Socialstyrelsens förslag`) never is.
#[test]
fn real_answers_name_their_respondent_in_every_format() {
    let rows = reading_rows("RESPONDENTS.tsv");
    assert_eq!(rows.len(), 30);
    for [file, name, named_by, line, _] in &rows {
        let (tsv, _) = real_output(file, "tsv");
        assert_eq!(
            tsv.lines().next(),
            Some(format!("#respondent\t{name}\t{named_by}\t{line}").as_str()),
            "{file}"
        );
        let (json, _) = real_output(file, "json");
        let v: serde_json::Value = serde_json::from_str(&json).expect("json");
        let r = &v["meta"]["respondent"];
        assert!(
            name.starts_with(r["name"].as_str().unwrap_or("?")),
            "{file}: {r}"
        );
        assert_eq!(r["named_by"], named_by.as_str(), "{file}");
        assert_eq!(r["line"].to_string(), *line, "{file}");
        assert!(
            !v["meta"]["names"].as_array().is_none_or(Vec::is_empty),
            "{file}: meta.names is empty"
        );
        let (text, _) = real_output(file, "table");
        assert!(
            text.lines()
                .any(|l| l.starts_with(&format!("Respondent: {name} ["))
                    && l.ends_with(&format!("line {line}]"))),
            "{file}: {text}"
        );
        let (md, _) = real_output(file, "md");
        assert!(
            md.contains(&format!(
                "- Remissinstans: {}",
                name.replace('(', "\\(").replace(')', "\\)")
            )) || md.contains(&format!("- Remissinstans: {name}")),
            "{file}: {md}"
        );
    }
    let by_file = |p: &str| {
        rows.iter()
            .find(|r| r[0].starts_with(p))
            .map(|r| r[1].as_str())
    };
    // The lead's case: every stance sentence says `Naturvårdsverket …`.
    assert_eq!(by_file("17_"), Some("Naturvårdsverket"));
    // The proposer is someone else, though it is the subject of most sentences.
    assert_eq!(by_file("07_"), Some("Trafikanalys"));
    assert_eq!(by_file("09_"), Some("Regelrådet"));
    // An abbreviation is an alias of the full name, whichever the text gives first.
    assert_eq!(
        by_file("x_prv"),
        Some("Patent- och registreringsverket (PRV)")
    );
    // A municipal office speaks for the city.
    assert_eq!(
        by_file("39_"),
        Some("Stockholms stad (Borgarrådsberedningen)")
    );
}

/// Whose words (file 39): Stockholm's PM reports the positions of the bodies the case was
/// referred to. They are read into rows of their own under each body, never the city's.
#[test]
fn a_municipal_answer_reports_the_positions_of_its_referral_bodies() {
    let file = "39_stockholms-stad_ds-2017-5-sanktioner-livsmedelskedjan.txt";
    let (json, code) = real_output(file, "json");
    assert_eq!(code, Some(0), "an answer reporting positions is an answer");
    let v: serde_json::Value = serde_json::from_str(&json).expect("json");
    assert_eq!(v["rows"].as_array().map(Vec::len), Some(0), "{json}");
    let reported = v["reported"].as_array().expect("reported");
    let bodies: Vec<&str> = reported.iter().filter_map(|r| r["body"].as_str()).collect();
    assert_eq!(
        bodies,
        ["Stadsledningskontoret", "Miljö- och hälsoskyddsnämnden"]
    );
    for r in reported {
        assert_eq!(r["reporter"], "Stockholms stad");
    }
    let rows = |k: usize| -> Vec<(String, String)> {
        reported[k]["rows"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|r| {
                (
                    r["id"].as_str().unwrap_or("").to_string(),
                    r["stance"].as_str().unwrap_or("").to_string(),
                )
            })
            .collect()
    };
    // `Stadsledningskontoret är positivt till förslaget om att ...` and `anser dock att det
    // är av vikt att det förtydligas ...`.
    assert!(
        rows(0).iter().any(
            |(id, s)| id.starts_with("PART:förslaget om att ett effektivare") && s == "support"
        ),
        "{:?}",
        rows(0)
    );
    assert!(
        rows(0).contains(&("DOC".into(), "comment".into())),
        "{:?}",
        rows(0)
    );
    // `Miljö- och hälsoskyddsnämnden välkomnar promemorians förslag och tillstyrker ...`.
    assert_eq!(rows(1), [("DOC".to_string(), "support".to_string())]);
    let (tsv, _) = real_output(file, "tsv");
    assert!(
        tsv.contains("#reported\tMiljö- och hälsoskyddsnämnden\tDOC\tsupport\t-\t10\n"),
        "{tsv}"
    );
    let (text, _) = real_output(file, "table");
    assert!(text.contains("Reported, not the respondent's: positions of Miljö- och hälsoskyddsnämnden as Stockholms stad reports them"), "{text}");
    let (md, _) = real_output(file, "md");
    assert!(
        md.contains("## Miljö- och hälsoskyddsnämnden (återgivet, inte remissinstansens eget)"),
        "{md}"
    );
}

/// `remiss build` names an answer from the document when the manifest gives no name.
#[test]
fn build_names_a_respondent_the_manifest_leaves_out() {
    let su = std::fs::read(fixture("real-answers/x_su_sou-2010-29_forvaltningslag.txt")).unwrap();
    let draft = std::fs::read(corpus(DRAFT)).unwrap();
    let dir = temp_files(&[]);
    let case = dir.path().join("c");
    for sub in ["drafts", "answers"] {
        std::fs::create_dir_all(case.join(sub)).unwrap();
    }
    std::fs::write(case.join("drafts/1.txt"), draft).unwrap();
    std::fs::write(case.join("answers/su.txt"), su).unwrap();
    std::fs::write(
        case.join("remiss.toml"),
        "title = \"T\"\n[[drafts]]\nfile = \"drafts/1.txt\"\nlabel = \"Remissversion\"\n\n[[answers]]\nfile = \"answers/su.txt\"\n",
    )
    .unwrap();
    let out = dir.path().join("out");
    let o = remiss([
        "build".as_ref(),
        dir.path().join("c").as_os_str(),
        "-o".as_ref(),
        out.as_os_str(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let data: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("data.json")).unwrap()).unwrap();
    assert_eq!(
        data["respondents"][0]["name"], "Stockholms universitet",
        "{}",
        data["respondents"]
    );
}

/// The ten answers written for these tests in the styles real authorities use
/// (`real-answers/written/`, see its README), read row by row as `written/EXPECTED.tsv`
/// says: the respondent (its name, and the line it was found on holds the evidence), the
/// respondent's own positions, and positions it reports of others (`REPORTED:<body>|<id>`).
#[test]
fn written_answers_in_the_styles_of_real_authorities_read_as_expected() {
    let rows = reading_rows("written/EXPECTED.tsv");
    let files: std::collections::BTreeSet<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    assert!(files.len() >= 8, "{files:?}");
    let mut failures = Vec::new();
    for file in files {
        let path = format!("written/{file}");
        let (tsv, code) = real_output(&path, "tsv");
        assert_eq!(code, Some(0), "{file}: {tsv}");
        let text = std::fs::read_to_string(fixture(&format!("real-answers/{path}"))).unwrap();
        let own: BTreeMap<&str, &str> = tsv
            .lines()
            .filter(|l| !l.starts_with('#'))
            .filter_map(|l| l.split_once('\t'))
            .map(|(id, rest)| (id, rest.split('\t').next().unwrap_or("")))
            .collect();
        // `#reported<TAB>body<TAB>id<TAB>stance…` → (body|id, stance)
        let reported: BTreeMap<String, &str> = tsv
            .lines()
            .filter_map(|l| l.strip_prefix("#reported\t"))
            .filter_map(|l| {
                let f: Vec<&str> = l.split('\t').collect();
                (f.len() >= 3).then(|| (format!("{}|{}", f[0], f[1]), f[2]))
            })
            .collect();
        // A part is found by the start of its words.
        let find = |keys: Vec<&str>, want: &str| -> Option<String> {
            let (prefix, words) = match want.split_once("PART:") {
                Some((p, w)) => (p, w),
                None => return keys.contains(&want).then(|| want.to_string()),
            };
            keys.into_iter()
                .find(|k| {
                    k.strip_prefix(prefix)
                        .and_then(|k| k.strip_prefix("PART:"))
                        .is_some_and(|g| g.starts_with(words) || words.starts_with(g))
                })
                .map(str::to_string)
        };
        for [_, target, stance, evidence, _] in rows.iter().filter(|r| r[0] == file) {
            let got = if target == "RESPONDENT" {
                let r = tsv.lines().next().unwrap_or("");
                let f: Vec<&str> = r.split('\t').collect();
                let line: usize = f.get(3).and_then(|l| l.parse().ok()).unwrap_or(0);
                let at = text.lines().nth(line.wrapping_sub(1)).unwrap_or("");
                if !squash(at).contains(&squash(evidence)) {
                    failures.push(format!(
                        "{file}: the respondent's line {line} lacks {evidence:?}"
                    ));
                }
                f.get(1).map(|s| s.to_string())
            } else if let Some(rep) = target.strip_prefix("REPORTED:") {
                find(reported.keys().map(String::as_str).collect(), rep)
                    .map(|k| reported[&k].to_string())
            } else {
                find(own.keys().copied().collect(), target).map(|k| own[k.as_str()].to_string())
            };
            if got.as_deref() != Some(stance.as_str()) {
                failures.push(format!("{file} {target}: got {got:?}, want {stance}"));
            }
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

/// `remiss build` shows the positions an answer reports (a kommun quoting its nämnder) apart
/// from the respondents' own: in `data.json` as `reported`, in the remissammanställning and
/// in the opinion, never as a column of the matrix or the kommun's cell.
#[test]
fn build_shows_reported_positions_apart_from_the_respondents_own() {
    let vaxjo = std::fs::read(fixture("real-answers/written/b_vaxjo_kommun_namnder.txt")).unwrap();
    let draft = std::fs::read(corpus(DRAFT)).unwrap();
    let dir = temp_files(&[]);
    let case = dir.path().join("c");
    for sub in ["drafts", "answers"] {
        std::fs::create_dir_all(case.join(sub)).unwrap();
    }
    std::fs::write(case.join("drafts/1.txt"), draft).unwrap();
    std::fs::write(case.join("answers/vaxjo.txt"), vaxjo).unwrap();
    std::fs::write(
        case.join("remiss.toml"),
        "title = \"T\"\n[[drafts]]\nfile = \"drafts/1.txt\"\nlabel = \"Remissversion\"\n\n[[answers]]\nfile = \"answers/vaxjo.txt\"\n",
    )
    .unwrap();
    let out = dir.path().join("out");
    let o = remiss([
        "build".as_ref(),
        case.as_os_str(),
        "-o".as_ref(),
        out.as_os_str(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let data: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("data.json")).unwrap()).unwrap();
    let reported: Vec<(&str, &str, &str, &str)> = data["reported"]
        .as_array()
        .expect("reported")
        .iter()
        .map(|p| {
            (
                p["body"].as_str().unwrap_or(""),
                p["id"].as_str().unwrap_or(""),
                p["stance"].as_str().unwrap_or(""),
                p["reporter"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        reported,
        [
            ("Tekniska nämnden", "DOC", "support", "Växjö kommun"),
            (
                "Miljö- och hälsoskyddsnämnden",
                "PART:förslaget om att tillsynsavgifterna ska sänkas",
                "oppose",
                "Växjö kommun"
            ),
        ]
    );
    assert_eq!(data["reported"][0]["href"], "svar/r1.html#L10");
    // The kommun's own position stays its own; the nämnder have no column.
    assert_eq!(data["respondents"].as_array().map(Vec::len), Some(1));
    let doc = data["matrix"]["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "DOC")
        .unwrap();
    assert_eq!(doc["cells"][0]["stance"], "support-reservations");
    let html = std::fs::read_to_string(out.join("sammanstallning.html")).unwrap();
    let section = html
        .split("Ståndpunkter som remissvaren återger")
        .nth(1)
        .expect("a section of reported positions");
    assert!(
        section.contains("<td>Miljö- och hälsoskyddsnämnden</td>"),
        "{section}"
    );
    let md = std::fs::read_to_string(out.join("yttrande.md")).unwrap();
    assert!(
        md.contains("- Tekniska nämnden om förslaget i sin helhet (tillstyrker), återgivet av Växjö kommun: »Tekniska nämnden tillstyrker förslaget i sin helhet.«"),
        "{md}"
    );
}

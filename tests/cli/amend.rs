//! `remiss apply`, `remiss parse` and `remiss diff` on real amendments: the result equals
//! the official consolidated version, the diff names exactly the changed paragraphs, and
//! instructions that do not fit are errors naming them.

use super::*;
use serde_json::Value;
use std::collections::BTreeMap;

const MILJO: &str = "corpus/sfs/miljotillsynsforordning-2011-13/sfs-2011-13_in-force-2026-01-";
const LEK: &str =
    "corpus/sfs/lag-2022-482-elektronisk-kommunikation/sfs-2022-482_in-force-2026-01-";

fn here(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_remiss"))
        .args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .output()
        .expect("the remiss binary runs")
}

/// Every paragraph of a parsed tree: id → its wording (stycken and punkter, whitespace
/// made single spaces), or the placeholder of a repealed one.
fn paragraphs(tree: &Value) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for k in tree["kapitel"].as_array().unwrap() {
        for p in k["paragrafer"].as_array().unwrap() {
            let mut words = Vec::new();
            if let Some(r) = p["repealed"].as_str() {
                words.push(r.to_string());
            }
            for s in p["stycken"].as_array().unwrap() {
                words.push(s["text"].as_str().unwrap().to_string());
                for n in s["punkter"].as_array().unwrap() {
                    words.push(format!("{}. {}", n["label"], n["text"].as_str().unwrap()));
                }
            }
            let rubrik = p["rubrik"].as_str().unwrap_or("");
            let text = words
                .join(" ")
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            out.insert(
                p["id"].as_str().unwrap().to_string(),
                format!("[{rubrik}] {text}"),
            );
        }
    }
    out
}

fn parse_json(path: &str) -> Value {
    let o = here(&["parse", path, "--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    serde_json::from_slice(&o.stdout).unwrap()
}

/// Applies AMENDMENT to BASE into a temporary file and parses the result.
fn applied(base: &str, amendment: &str) -> (Value, String) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("result.txt");
    let o = here(&["apply", base, amendment, "-o", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = std::fs::read_to_string(&out).unwrap();
    (parse_json(out.to_str().unwrap()), text)
}

fn changed(base: &str, amendment: &str) -> Vec<(String, String, String)> {
    let o = here(&["diff", base, amendment, "--format", "json"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    v["paragraphs"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["relation"] != "unchanged")
        .map(|e| {
            let ids = |k: &str| {
                e[k].as_array()
                    .map(|a| {
                        a.iter()
                            .filter_map(|x| x.as_str())
                            .collect::<Vec<_>>()
                            .join(",")
                    })
                    .unwrap_or_default()
            };
            (
                e["relation"].as_str().unwrap().to_string(),
                ids("old_ids"),
                ids("new_ids"),
            )
        })
        .collect()
}

fn t(r: &str, o: &str, n: &str) -> (String, String, String) {
    (r.into(), o.into(), n.into())
}

#[test]
fn sfs_2025_1458_applied_to_the_version_in_force_gives_the_next_one() {
    let (result, text) = applied(
        &format!("{MILJO}14.txt"),
        "corpus/sfs/miljotillsynsforordning-2011-13/sfs-2025-1458.pdf",
    );
    let official = parse_json(&format!("{MILJO}15.txt"));
    assert_eq!(paragraphs(&result), paragraphs(&official));
    // The footnote markers, footnotes and printer's marks of the PDF are not text; the
    // ranges the act prints with an en dash (`20–35 §§`) are written as the base (and the
    // consolidated text) writes them.
    assert!(text.contains("\n19 § I 20-35 §§ fördelas"), "{text}");
    assert!(!text.contains("Senaste lydelse"));
    assert!(!text.contains(": :") && !text.contains("; ;"));
    // Nothing else differs from the consolidated text, not even a heading.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r.txt");
    std::fs::write(&out, &text).unwrap();
    let o = here(&["diff", out.to_str().unwrap(), &format!("{MILJO}15.txt")]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    // Changed paragraphs carry the act's note, as the consolidation does.
    assert_eq!(text.matches("Förordning (2025:1458).").count(), 2);
}

#[test]
fn the_diff_of_sfs_2025_1458_reports_exactly_2_kap_19_and_24() {
    assert_eq!(
        changed(
            &format!("{MILJO}14.txt"),
            "corpus/sfs/miljotillsynsforordning-2011-13/sfs-2025-1458.pdf"
        ),
        [
            t("changed", "K2P19", "K2P19"),
            t("changed", "K2P24", "K2P24")
        ]
    );
}

#[test]
fn parse_reports_an_amendment_as_one() {
    let v = parse_json("corpus/sfs/miljotillsynsforordning-2011-13/sfs-2025-1458.pdf");
    assert_eq!(v["format"], "remiss-amendment");
    assert_eq!(v["base"]["name"], "miljötillsynsförordningen (2011:13)");
    assert_eq!(v["base"]["number"], "SFS 2011:13");
    assert_eq!(v["in_force"], "15 januari 2026");
    let ins: Vec<(String, String, String)> = v["instructions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["action"].as_str().unwrap().to_string(),
                i["what"].as_str().unwrap().to_string(),
                format!("{}", i["at"]),
            )
        })
        .collect();
    assert_eq!(
        ins,
        [
            t(
                "change",
                "paragraph",
                r#"{"kapitel":{"num":2},"paragraf":{"num":19}}"#
            ),
            t(
                "change",
                "paragraph",
                r#"{"kapitel":{"num":2},"paragraf":{"num":24}}"#
            ),
        ]
    );
    let wording: Vec<&str> = v["wording"]["kapitel"][0]["paragrafer"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    assert_eq!(wording, ["K2P19", "K2P24"]);
    assert_eq!(
        v["overgang"][0]["text"],
        "Denna förordning träder i kraft den 15 januari 2026."
    );
    let o = here(&["parse", "corpus/msbfs-andring/drafts/1-forslag.txt"]);
    let s = stdout(&o);
    assert!(
        s.contains(
            "Amends: Myndigheten för samhällsskydd och beredskaps föreskrifter (MSBFS 2010:4)"
        ),
        "{s}"
    );
    assert!(
        s.contains("    change 1 kap. 2 §\n    change 2 kap. 2 §\n"),
        "{s}"
    );
    assert!(s.contains("    insert 3 kap. 6 §\n"), "{s}");
}

#[test]
fn msbfs_2018_12_changes_exactly_the_paragraphs_its_instructions_name() {
    let base = "corpus/msbfs-andring/drafts/0-gallande.txt";
    let am = "corpus/msbfs-andring/drafts/1-forslag.txt";
    assert_eq!(
        changed(base, am),
        [
            t("changed", "K1P2", "K1P2"),
            t("changed", "K2P2", "K2P2"),
            t("added", "", "K3P6"),
        ]
    );
    let (result, _) = applied(base, am);
    let p = paragraphs(&result);
    assert!(
        p["K2P2"].contains("alkohollagen (2010:1622)"),
        "{}",
        p["K2P2"]
    );
    assert!(
        p["K3P6"].starts_with("[Andra explosiva varor] Emulsioner"),
        "{}",
        p["K3P6"]
    );
    // An agency's regulation gets no SFS amendment notes.
    assert!(!result.to_string().contains("Föreskrifter (MSBFS 2018:12)"));
}

#[test]
fn msbfs_2018_12_as_published_applied_to_msbfs_2010_4_as_published() {
    let base = "tests/fixtures/amend/msbfs-2010-4.pdf";
    let am = "tests/fixtures/foreskrifter/MSBFS-2018-12.pdf";
    assert_eq!(
        changed(base, am),
        [
            t("changed", "K1P2", "K1P2"),
            t("changed", "K2P2", "K2P2"),
            t("added", "", "K3P6"),
        ]
    );
    // The number stands in the margin of the published act.
    let v = parse_json(am);
    assert_eq!(v["number"], "MSBFS 2018:12");
    // The PDFs give the same result as their text layer in the sample case.
    let (from_pdf, _) = applied(base, am);
    let (from_text, _) = applied(
        "corpus/msbfs-andring/drafts/0-gallande.txt",
        "corpus/msbfs-andring/drafts/1-forslag.txt",
    );
    assert_eq!(paragraphs(&from_pdf), paragraphs(&from_text));
}

#[test]
fn lag_2025_1511_repeals_renumbers_moves_rubriker_and_inserts_as_the_official_text() {
    let (result, text) = applied(
        &format!("{LEK}14.txt"),
        "tests/fixtures/amend/lag-2025-1511.txt",
    );
    let official = parse_json(&format!("{LEK}15.txt"));
    assert_eq!(paragraphs(&result), paragraphs(&official));
    // And the whole comparison finds nothing but line wrapping.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r.txt");
    std::fs::write(&out, &text).unwrap();
    let o = here(&["diff", out.to_str().unwrap(), &format!("{LEK}15.txt")]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
}

#[test]
fn the_parallelluppstallning_shows_only_the_changed_parts() {
    let o = here(&[
        "diff",
        "corpus/msbfs-andring/drafts/0-gallande.txt",
        "corpus/msbfs-andring/drafts/1-forslag.txt",
        "--format",
        "md",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    insta::assert_snapshot!("andring_msbfs_2018_12_md", stdout(&o));
    let o = here(&[
        "diff",
        &format!("{LEK}14.txt"),
        "tests/fixtures/amend/lag-2025-1511.txt",
        "--format",
        "html",
    ]);
    let html = stdout(&o);
    assert!(html.contains("<th>Nuvarande lydelse</th><th>Föreslagen lydelse</th>"));
    // A new paragraph has the left column empty, a repealed one the right.
    assert!(
        html.contains(r#"<tr class="p added" id="K1P4a"><td class="gone"></td><td>"#),
        "{html}"
    );
    assert!(html.contains(r#"<tr class="p removed" id="#));
    assert!(html.contains(r#"</td><td class="gone"></td></tr>"#));
    assert!(html.contains("– – –"));
    // Unchanged chapters are not shown at all.
    assert!(
        !html.contains("3 kap."),
        "only chapters with changes appear"
    );
}

#[test]
fn instructions_that_do_not_fit_the_base_are_errors_naming_them() {
    // The amendment of the environmental supervision ordinance applied to another act.
    let o = here(&[
        "apply",
        &format!("{LEK}14.txt"),
        "corpus/msbfs-andring/drafts/1-forslag.txt",
    ]);
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(
        e.contains("1-forslag.txt:16: instruction «det i föreskrifterna ska införas en ny paragraf, 3 kap. 6 §, av följande lydelse»: the base already has 3 kap. 6 §"),
        "{e}"
    );
    assert!(o.stdout.is_empty());
    // Not an amendment at all.
    let o = here(&["apply", &format!("{LEK}14.txt"), &format!("{LEK}15.txt")]);
    assert_eq!(o.status.code(), Some(3));
    assert!(stderr(&o).contains("not an amendment"), "{}", stderr(&o));
}

#[test]
fn apply_output_is_refused_on_an_input_and_written_atomically() {
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path().join("base.txt");
    std::fs::copy(
        root().join("corpus/msbfs-andring/drafts/0-gallande.txt"),
        &base,
    )
    .unwrap();
    let before = std::fs::read(&base).unwrap();
    let o = here(&[
        "apply",
        base.to_str().unwrap(),
        "corpus/msbfs-andring/drafts/1-forslag.txt",
        "-o",
        base.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(4), "{}", stderr(&o));
    assert_eq!(std::fs::read(&base).unwrap(), before);
    let o = here(&[
        "apply",
        base.to_str().unwrap(),
        "corpus/msbfs-andring/drafts/1-forslag.txt",
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["format"], "remiss-applied");
    let effects: Vec<&str> = v["applied"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["effect"].as_str().unwrap())
        .collect();
    assert_eq!(effects, ["changed", "changed", "inserted"]);
    // The same inputs give the same bytes.
    let again = here(&[
        "apply",
        base.to_str().unwrap(),
        "corpus/msbfs-andring/drafts/1-forslag.txt",
        "--format",
        "json",
    ]);
    assert_eq!(o.stdout, again.stdout);
}

#[test]
fn lag_2025_1399_inserts_a_chapter_and_paragraphs_across_chapters_as_the_official_text() {
    const HSL: &str = "corpus/sfs/halso-och-sjukvardslag-2017-30/sfs-2017-30_in-force-";
    let (result, _) = applied(
        &format!("{HSL}2025-12-31.txt"),
        "tests/fixtures/amend/lag-2025-1399.txt",
    );
    let official = parse_json(&format!("{HSL}2026-01-01.txt"));
    // The consolidated text sets the act's note inside 16 a kap. 5 § (after its first
    // stycke), where it reads as wording; the printed act has no note there.
    let mut want = paragraphs(&official);
    for v in want.values_mut() {
        *v = v.replace(" Lag (2025:1399).", "");
    }
    assert_eq!(paragraphs(&result), want);
    let ids: Vec<&str> = result["kapitel"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["id"].as_str().unwrap())
        .collect();
    let at = ids.iter().position(|k| *k == "K16a").unwrap();
    assert_eq!((ids[at - 1], ids[at + 1]), ("K16", "K17"));
}

#[test]
fn lag_2025_1510_changes_a_range_in_an_act_without_chapters_as_the_official_text() {
    const TOPP: &str =
        "corpus/sfs/lag-2006-24-nationella-toppdomaner/sfs-2006-24_in-force-2026-01-";
    let (result, _) = applied(
        &format!("{TOPP}14.txt"),
        "tests/fixtures/amend/lag-2025-1510.txt",
    );
    assert_eq!(
        paragraphs(&result),
        paragraphs(&parse_json(&format!("{TOPP}15.txt")))
    );
    let changed: Vec<String> = changed(
        &format!("{TOPP}14.txt"),
        "tests/fixtures/amend/lag-2025-1510.txt",
    )
    .into_iter()
    .map(|(_, o, _)| o)
    .collect();
    assert_eq!(
        changed,
        ["P1", "P2", "P4", "P5", "P6", "P7", "P8", "P9", "P10", "P11"]
    );
}

#[test]
fn a_case_whose_draft_is_an_amendment_works_on_the_amended_regulation() {
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join("build");
    let o = here(&["build", "corpus/msbfs-andring", "-o", dir.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let data: Value =
        serde_json::from_slice(&std::fs::read(dir.join("data.json")).unwrap()).unwrap();
    // The draft is the base as amended: 11 paragraphs and the new 3 kap. 6 §.
    assert_eq!(data["drafts"][0]["paragraphs"], 12);
    assert_eq!(data["amendments"][0]["page"], "andring-1.html");
    assert_eq!(
        data["amendments"][0]["changed"],
        serde_json::json!(["K1P2", "K2P2", "K3P6"])
    );
    // The answer's position on the inserted paragraph is read against the amended text.
    let row = data["matrix"]["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "K3P6")
        .expect("3 kap. 6 § is a target");
    assert_eq!(row["cells"][0]["stance"], "oppose");
    // The opinion links each changed paragraph to the parallelluppställning.
    let y = std::fs::read_to_string(dir.join("yttrande.html")).unwrap();
    assert!(y.contains(r##"href="andring-1.html#old-K3P6""##), "{y}");
    let page = std::fs::read_to_string(dir.join("andring-1.html")).unwrap();
    assert!(page.contains(r#"<tr class="anchor" id="old-K3P6"></tr><tr class="p added" id="K3P6"><td class="gone"></td>"#), "{page}");
    let index = std::fs::read_to_string(dir.join("index.html")).unwrap();
    assert!(index.contains(r#"href="andring-1.html""#));
    assert!(dir.join("andring-1.md").exists());
}

#[test]
fn an_amendment_draft_without_a_base_is_an_error_naming_the_file() {
    let case = tempfile::tempdir().unwrap();
    let c = case.path();
    std::fs::create_dir_all(c.join("drafts")).unwrap();
    std::fs::create_dir_all(c.join("answers")).unwrap();
    let f = root().join("corpus/msbfs-andring");
    std::fs::copy(
        f.join("drafts/1-forslag.txt"),
        c.join("drafts/1-forslag.txt"),
    )
    .unwrap();
    std::fs::copy(
        f.join("answers/stockholm.txt"),
        c.join("answers/stockholm.txt"),
    )
    .unwrap();
    std::fs::write(
        c.join("remiss.toml"),
        "title = \"t\"\n[[drafts]]\nfile = \"drafts/1-forslag.txt\"\nlabel = \"Förslag\"\n\
         [[answers]]\nfile = \"answers/stockholm.txt\"\nrespondent = \"S\"\n",
    )
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    let o = remiss([
        "build",
        c.to_str().unwrap(),
        "-o",
        out.path().join("b").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(
        e.contains("1-forslag.txt: the draft is an amendment"),
        "{e}"
    );
    assert!(e.contains("base = \"drafts/0-gallande.pdf\""), "{e}");
}

#[test]
fn lag_2025_1498_a_rubrik_shown_above_the_changed_paragraph_opens_its_group() {
    const HSL: &str = "corpus/sfs/halso-och-sjukvardslag-2017-30/sfs-2017-30_in-force-";
    let (result, _) = applied(
        &format!("{HSL}2026-01-01.txt"),
        "tests/fixtures/amend/lag-2025-1498.txt",
    );
    assert_eq!(
        paragraphs(&result),
        paragraphs(&parse_json(&format!("{HSL}2026-01-15.txt")))
    );
    let o = here(&[
        "apply",
        &format!("{HSL}2026-01-01.txt"),
        "tests/fixtures/amend/lag-2025-1498.txt",
    ]);
    assert!(
        stderr(&o).contains("the wording shows the rubrik «Särskilda skyldigheter i fråga om personer som har stora och varaktiga funktionsnedsättningar» above 5 kap. 8 §; it is moved there"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn init_takes_the_regulation_beside_an_amendment_draft_as_its_base() {
    let case = tempfile::tempdir().unwrap();
    let c = case.path();
    for sub in ["drafts", "answers"] {
        std::fs::create_dir_all(c.join(sub)).unwrap();
        for e in std::fs::read_dir(root().join("corpus/msbfs-andring").join(sub)).unwrap() {
            let e = e.unwrap();
            std::fs::copy(e.path(), c.join(sub).join(e.file_name())).unwrap();
        }
    }
    let o = remiss(["init", c.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let m = std::fs::read_to_string(c.join("remiss.toml")).unwrap();
    assert!(m.contains("base = \"drafts/0-gallande.txt\""), "{m}");
    assert!(m.contains("file = \"drafts/1-forslag.txt\""), "{m}");
    assert!(!m.contains("file = \"drafts/0-gallande.txt\""), "{m}");
    assert!(
        m.contains("title = \"Föreskrifter om ändring i Myndigheten"),
        "{m}"
    );
}

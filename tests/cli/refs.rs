//! `remiss refs` on running text, against a draft, and in every format.

use super::*;

#[test]
fn refs_on_an_argument_with_context() {
    let o = remiss([
        "refs",
        "Vi tillstyrker 7–9 §§ och 2 kap. 3 § regeringsformen.",
        "--context",
        "2 kap.",
        "--format",
        "tsv",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    let rows: Vec<Vec<&str>> = out.lines().map(|l| l.split('\t').collect()).collect();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0][3], "paragraph");
    assert_eq!(rows[0][4], "7–9 §§");
    assert_eq!(rows[0][5], "K2P7,K2P8,K2P9");
    assert_eq!(rows[1][3], "external-law");
    assert_eq!(rows[1][5], "");
}

#[test]
fn refs_against_a_draft_expands_and_reports_the_missing() {
    let o = remiss([
        "refs".as_ref(),
        "Vi tillstyrker 2 kap. 7–8 §§ men avstyrker 2 kap. 25 §.".as_ref(),
        "--against".as_ref(),
        fixture("small-draft.txt").as_os_str(),
        "--format".as_ref(),
        "json".as_ref(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let ids: Vec<String> = v[0]["addresses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            serde_json::from_value::<remiss::Address>(a.clone())
                .unwrap()
                .id()
        })
        .collect();
    assert_eq!(ids, ["K2P7", "K2P7a", "K2P8"]);
    assert_eq!(v[1]["unresolved"][0], "2 kap. 25 §");
    assert_eq!(v[1]["kind"], "paragraph");
}

#[test]
fn refs_on_the_seed_answer_file_lists_external_and_internal_citations() {
    let o = remiss([
        "refs".as_ref(),
        "--file".as_ref(),
        fixture("stockholm-ks-2025-1384-remissvar.txt").as_os_str(),
    ]);
    assert!(o.status.success());
    let out = stdout(&o);
    assert!(out.contains(":61: eu-act"), "{out}");
    assert!(out.contains("«artikel 21 i NIS2-direktivet»"), "{out}");
    assert!(out.contains(":228: standard"), "{out}");
    assert!(
        out.contains("«2 kap. 13 §»") && out.contains("→ 2 kap. 13 §"),
        "{out}"
    );
    assert!(
        out.trim_end()
            .ends_with("32 citations, 1 with unresolved members"),
        "{out}"
    );
}

#[test]
fn refs_usage_errors() {
    let o = remiss(["refs"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("give the text to scan"));
    let o = remiss(["refs", "7 §", "--context", "nonsense"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--context"));
}

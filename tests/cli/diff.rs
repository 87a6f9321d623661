//! `remiss diff` on the real statute versions, the sample case's drafts, and bad input.

use super::*;
use serde_json::Value;
use std::collections::BTreeSet;

const LEK: &str = "corpus/sfs/lag-2022-482-elektronisk-kommunikation";
const TOPP: &str = "corpus/sfs/lag-2006-24-nationella-toppdomaner";
const DRAFTS: &str = "corpus/msb-cybersakerhet/drafts";

/// Runs `remiss ARGS` from the repository root, so paths in the output are relative and
/// snapshots do not depend on where the repository lies.
fn remiss_here(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_remiss"))
        .args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .output()
        .expect("the remiss binary runs")
}

fn lek(date: &str) -> String {
    format!("{LEK}/sfs-2022-482_in-force-2026-01-{date}.txt")
}

fn topp(date: &str) -> String {
    format!("{TOPP}/sfs-2006-24_in-force-2026-01-{date}.txt")
}

fn json(old: &str, new: &str) -> (Value, Output) {
    let o = remiss_here(&["diff", old, new, "--format", "json"]);
    assert!(matches!(o.status.code(), Some(0 | 1)), "{}", stderr(&o));
    (serde_json::from_slice(&o.stdout).expect("json"), o)
}

fn ids(v: &Value) -> String {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str())
                .collect::<Vec<_>>()
                .join(",")
        })
        .unwrap_or_default()
}

/// Every paragraph entry that is not `unchanged`, as `relation old → new`.
fn differing(m: &Value) -> Vec<String> {
    m["paragraphs"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["relation"] != "unchanged")
        .map(|e| {
            format!(
                "{} {} → {}",
                e["relation"].as_str().unwrap(),
                ids(&e["old_ids"]),
                ids(&e["new_ids"])
            )
        })
        .collect()
}

fn note(register: &str) -> String {
    let v: Value = serde_json::from_slice(&std::fs::read(root().join(register)).unwrap()).unwrap();
    v["pending_or_recent_amendments_ikraft_from_2025-12-01"][0]["anteckningar"]
        .as_str()
        .unwrap()
        .to_string()
}

// ---------------------------------------------------------------------------------------
// Acceptance on real texts
// ---------------------------------------------------------------------------------------

#[test]
fn lek_relations_agree_with_the_official_note_and_nothing_else_is_reported() {
    // The register's note for SFS 2025:1511, which these expectations spell out.
    assert_eq!(
        note(&format!(
            "{LEK}/sfs-2022-482_register-and-pending-amendments.json"
        )),
        "upph. 8 kap. 1, 2, 3, 4 §§, rubr. närmast före 8 kap. 1 §; nuvarande 8 kap. 5, 6, 7, 8, 9 §§ betecknas 8 kap. 1, 2, 3, 4, 5 §§; ändr. 1 kap. 7 §, 12 kap. 1 §, rubr. närmast före 8 kap. 5, 6 §§ sätts närmast före 8 kap. 1, 2 §§; ny 1 kap. 4 a §"
    );
    let (m, o) = json(&lek("14"), &lek("15"));
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        differing(&m),
        [
            "added  → K1P4a",
            "changed K1P7 → K1P7",
            "removed K8P1 → ",
            "removed K8P2 → ",
            "removed K8P3 → ",
            "removed K8P4 → ",
            "renumbered K8P5 → K8P1",
            "renumbered K8P6 → K8P2",
            "renumbered K8P7 → K8P3",
            "renumbered K8P8 → K8P4",
            "renumbered K8P9 → K8P5",
            "changed K12P1 → K12P1",
        ]
    );
    // Every paragraph of both versions is accounted for.
    let s = &m["summary"]["paragraphs"];
    assert_eq!(s["unchanged"], 233);
    assert_eq!(m["old"]["paragraphs"], 244);
    assert_eq!(m["new"]["paragraphs"], 241);
    // The rubriker: one repealed, two moved with their paragraphs; the rest unchanged.
    let rub: Vec<String> = m["rubriker"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["relation"] != "unchanged")
        .map(|r| {
            let at = |k: &str| {
                serde_json::from_value::<remiss::Address>(r[k].clone())
                    .map(|a| a.id())
                    .unwrap_or_default()
            };
            format!(
                "{} {} → {}",
                r["relation"].as_str().unwrap(),
                at("old_before"),
                at("new_before")
            )
        })
        .collect();
    assert_eq!(
        rub,
        [
            "removed K8P1 → ",
            "renumbered K8P5 → K8P1",
            "renumbered K8P6 → K8P2"
        ]
    );
    for part in ["chapters", "other"] {
        for x in m[part].as_array().unwrap() {
            assert_eq!(x["relation"], "unchanged", "{part}: {x}");
        }
    }
    assert_eq!(
        m["summary"]["chapters_touched"],
        serde_json::json!(["1 kap.", "8 kap.", "12 kap."])
    );
    // `676/ 2002/EG` → `676/2002/EG` in 1 kap. 7 § is spacing, counted and not shown.
    assert_eq!(m["summary"]["normalisation"]["whitespace_only"], 1);
    let k1p7 = serde_json::to_string(
        &m["paragraphs"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["old_ids"][0] == "K1P7")
            .unwrap()["changes"],
    )
    .unwrap();
    assert!(!k1p7.contains("676/ 2002"), "{k1p7}");
    // Renumbered paragraphs keep their wording: no inline changes, similarity 1.
    for e in m["paragraphs"].as_array().unwrap() {
        if e["relation"] == "renumbered" {
            assert!(e.get("changes").is_none(), "{e}");
            assert_eq!(e["similarity"], 1.0);
        }
    }
    assert!(
        m["warnings"].as_array().unwrap().is_empty(),
        "{}",
        m["warnings"]
    );
}

#[test]
fn toppdomaner_only_the_paragraphs_the_note_names_are_changed() {
    let n = note(&format!(
        "{TOPP}/sfs-2006-24_register-and-pending-amendments.json"
    ));
    // `ändr. 1, 2, 4, 5, 6, 7, 8, 9, 10, 11 §§`
    let listed: BTreeSet<String> = n
        .strip_prefix("ändr. ")
        .and_then(|s| s.strip_suffix(" §§"))
        .expect("an `ändr. ... §§` note")
        .split(", ")
        .map(|x| format!("P{x}"))
        .collect();
    assert_eq!(listed.len(), 10);
    let (m, o) = json(&topp("14"), &topp("15"));
    assert_eq!(o.status.code(), Some(1));
    let mut changed = BTreeSet::new();
    for e in m["paragraphs"].as_array().unwrap() {
        match e["relation"].as_str().unwrap() {
            "changed" => {
                assert_eq!(e["old_ids"], e["new_ids"]);
                changed.insert(ids(&e["old_ids"]));
            }
            "unchanged" => {}
            other => panic!("unexpected relation {other}: {e}"),
        }
    }
    assert_eq!(changed, listed);
    assert_eq!(m["summary"]["paragraphs"]["unchanged"], 6);
    // `skall` → `ska` is a change, shown as whole words.
    let p4 = m["paragraphs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["old_ids"][0] == "P4")
        .unwrap();
    assert!(
        p4["changes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|op| op["op"] == "replace" && op["old"] == "skall" && op["new"] == "ska"),
        "{p4}"
    );
}

/// One row of the table in CHANGES.md: old address, new address, relation.
fn changes_md_rows() -> Vec<(Option<String>, Option<String>, String)> {
    let text = std::fs::read_to_string(root().join(DRAFTS).join("CHANGES.md")).unwrap();
    let id = |cell: &str| -> Option<String> {
        let c = cell.trim().trim_matches('`');
        let c = c.split(" (").next().unwrap_or(c).trim();
        if c == "—" {
            return None;
        }
        Some(
            remiss::Address::parse(c)
                .unwrap_or_else(|| panic!("{c}"))
                .id(),
        )
    };
    text.lines()
        .filter(|l| l.starts_with("| ") && l.contains(" kap. ") || l.starts_with("| — |"))
        .filter(|l| !l.starts_with("| 1 kap. Inledande") && !l.contains("| version"))
        .filter_map(|l| {
            let cols: Vec<&str> = l.split('|').map(str::trim).collect();
            // | old | new | relation | what |
            let rel = cols.get(3)?.to_string();
            if !["changed", "renumbered", "removed", "added"].contains(&rel.as_str()) {
                return None;
            }
            Some((id(cols[1]), id(cols[2]), rel))
        })
        .collect()
}

#[test]
fn sample_case_agrees_with_changes_md_row_by_row() {
    let rows = changes_md_rows();
    assert_eq!(rows.len(), 35, "{rows:?}");
    let old = format!("{DRAFTS}/1-remissversion.txt");
    let new = format!("{DRAFTS}/2-beslutad-version.txt");
    let (m, o) = json(&old, &new);
    assert_eq!(o.status.code(), Some(1));
    let entries = m["paragraphs"].as_array().unwrap();
    let find = |old: &Option<String>, new: &Option<String>| {
        entries
            .iter()
            .find(|e| match (old, new) {
                (Some(a), _) => e["old_ids"].as_array().unwrap().iter().any(|x| x == a),
                (None, Some(b)) => e["new_ids"].as_array().unwrap().iter().any(|x| x == b),
                (None, None) => false,
            })
            .unwrap_or_else(|| panic!("no entry for {old:?} → {new:?}"))
    };
    let mut listed = BTreeSet::new();
    for (o_id, n_id, rel) in &rows {
        let e = find(o_id, n_id);
        let got = e["relation"].as_str().unwrap();
        let has_changes = e.get("changes").is_some() || {
            e.get("allmanna_rad")
                .is_some_and(|a| a["relation"] != "unchanged")
        };
        match rel.as_str() {
            // CHANGES.md calls a renumbered and edited paragraph `changed`; the diff says
            // `renumbered` and marks the edits inline.
            "changed" if o_id == n_id => assert_eq!(got, "changed", "{o_id:?}: {e}"),
            "changed" => {
                assert_eq!(got, "renumbered", "{o_id:?}: {e}");
                assert!(has_changes, "{o_id:?} should show its edits: {e}");
            }
            "renumbered" => {
                assert_eq!(got, "renumbered", "{o_id:?}: {e}");
                assert!(!has_changes, "{o_id:?} has the same wording: {e}");
            }
            r => assert_eq!(got, r, "{o_id:?} → {n_id:?}: {e}"),
        }
        if let Some(n) = n_id {
            assert_eq!(ids(&e["new_ids"]), *n, "{o_id:?}");
        }
        listed.insert(o_id.clone().or(n_id.clone()));
    }
    // Everything CHANGES.md does not list is unchanged.
    for e in entries {
        let key = e["old_ids"][0]
            .as_str()
            .or(e["new_ids"][0].as_str())
            .map(String::from);
        if !listed.contains(&key) {
            assert_eq!(e["relation"], "unchanged", "{e}");
        }
    }
    // The new allmänna råd after 2 kap. 7 § and 8 §; those after 2 kap. 18 § travel along.
    let ar = |old: &str| find(&Some(old.to_string()), &None)["allmanna_rad"]["relation"].clone();
    assert_eq!(ar("K2P7"), "added");
    assert_eq!(ar("K2P8"), "added");
    assert_eq!(ar("K2P18"), "unchanged");
    assert_eq!(m["summary"]["allmanna_rad"]["unchanged"], 8);
    // Headings and rubriker: same text, same order; none added, removed or changed.
    for part in ["chapters", "rubriker"] {
        for x in m[part].as_array().unwrap() {
            assert!(
                ["unchanged", "renumbered"].contains(&x["relation"].as_str().unwrap()),
                "{part}: {x}"
            );
        }
    }
    // 32 rubriker in each version (CHANGES.md says 26, but the drafts have 32; every one
    // of them is found on both sides).
    assert_eq!(m["rubriker"].as_array().unwrap().len(), 32);
    // The beslutade-den line, the notice line and punkt 1 of the övergångsbestämmelser.
    let other: Vec<String> = m["other"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["relation"] != "unchanged")
        .map(|x| {
            format!(
                "{} {}",
                x["relation"].as_str().unwrap(),
                x["old_id"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(other, ["changed I1", "changed I2", "changed O1N1"]);
}

#[test]
fn sample_case_says_wording_moved_into_the_allmanna_rad() {
    // CHANGES.md: the roles of 2 kap. 7 § and the list of 2 kap. 8 § leave the binding
    // text for new allmänna råd under the same paragraphs.
    let (m, _) = json(
        &format!("{DRAFTS}/1-remissversion.txt"),
        &format!("{DRAFTS}/2-beslutad-version.txt"),
    );
    let moved: Vec<String> = m["paragraphs"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| {
            let w = e.get("moved_wording")?;
            Some(format!(
                "{} {}",
                ids(&e["old_ids"]),
                w[0]["direction"].as_str().unwrap()
            ))
        })
        .collect();
    assert_eq!(moved, ["K2P7 to-allmanna-rad", "K2P8 to-allmanna-rad"]);
    let o = remiss_here(&[
        "diff",
        &format!("{DRAFTS}/1-remissversion.txt"),
        &format!("{DRAFTS}/2-beslutad-version.txt"),
        "--format",
        "md",
    ]);
    let md = stdout(&o);
    assert_eq!(
        md.matches("(ändrad; flyttat till allmänna råd)").count(),
        2,
        "{md}"
    );
}

// ---------------------------------------------------------------------------------------
// Every version pair against the official register notes
// ---------------------------------------------------------------------------------------

/// What a register note says became of one paragraph (ids as `remiss parse` gives them).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Said {
    Changed(String),
    Removed(String),
    Added(String),
    Renumbered(String, String),
}

impl Said {
    /// As the diff's relation reads: `changed K7P2 → K7P2`.
    fn shown(&self) -> String {
        match self {
            Said::Changed(a) => format!("changed {a} → {a}"),
            Said::Removed(a) => format!("removed {a} → "),
            Said::Added(a) => format!("added  → {a}"),
            Said::Renumbered(a, b) => format!("renumbered {a} → {b}"),
        }
    }
}

/// The paragraphs (or whole chapters, as `K16a`) a list in a note names:
/// `8 kap. 1, 2, 3 §§, 12 kap. 1 §`, `2 kap.27 a §`, `16 a kap.`, `1, 2, 4 §§`. A list of
/// rubriker (`rubr. närmast före ...`) or transitional provisions (`p 12, 13 i ikrafttr.- och
/// övergångsbest.`) names no paragraph and ends at the next `N kap.` item.
fn note_refs(list: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut chapter = String::new();
    let mut skipping = false;
    for item in list.split(", ") {
        let item = item.trim().trim_start_matches("den nya ");
        if item.starts_with("rubr.") || item.starts_with("p ") {
            skipping = true;
        }
        let mut rest = item;
        if let Some(k) = item.find("kap.") {
            let label: String = item[..k].chars().filter(|c| !c.is_whitespace()).collect();
            if !label.is_empty() && label.chars().all(|c| c.is_ascii_alphanumeric()) {
                chapter = format!("K{label}");
                skipping = false;
                rest = item[k + 4..].trim();
                if rest.is_empty() {
                    out.push(chapter.clone());
                    continue;
                }
            }
        }
        if skipping || item.contains("övergångsbest") {
            continue;
        }
        let label: String = rest
            .trim_end_matches('§')
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        if !label.is_empty() && label.starts_with(|c: char| c.is_ascii_digit()) {
            out.push(format!("{chapter}P{label}"));
        }
    }
    out
}

/// Reads a register note (`upph. ...; nuvarande ... betecknas ...; ändr. ...; nya ...`).
/// Whole chapters come back as `K16a` (expanded against the texts by the caller).
fn read_note(note: &str) -> Vec<Said> {
    let mut said = Vec::new();
    for part in note.split("; ") {
        let part = part.trim();
        if let Some(rest) = part.strip_prefix("nuvarande ") {
            let (from, to) = rest.split_once(" betecknas ").expect("`betecknas`");
            let (from, to) = (note_refs(from), note_refs(to));
            assert_eq!(from.len(), to.len(), "{part}");
            said.extend(
                from.into_iter()
                    .zip(to)
                    .map(|(a, b)| Said::Renumbered(a, b)),
            );
            continue;
        }
        let (verb, list) = part.split_once(' ').unwrap_or((part, ""));
        let make: fn(String) -> Said = match verb {
            "ändr." => Said::Changed,
            "upph." => Said::Removed,
            "ny" | "nya" => Said::Added,
            _ => continue,
        };
        said.extend(note_refs(list).into_iter().map(make));
    }
    // `ändr. den nya 23 a §` after `betecknas 23 a §`: the renumbered paragraph changed too.
    let renumbered_to: BTreeSet<String> = said
        .iter()
        .filter_map(|s| match s {
            Said::Renumbered(_, b) => Some(b.clone()),
            _ => None,
        })
        .collect();
    said.retain(|s| !matches!(s, Said::Changed(b) if renumbered_to.contains(b)));
    said
}

/// The register's amendments of a statute: (in force from, SFS number, note).
fn amendments(dir: &str) -> Vec<(String, String, String)> {
    let path = std::fs::read_dir(root().join(dir))
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| {
            p.to_string_lossy()
                .ends_with("_register-and-pending-amendments.json")
        })
        .expect("a register entry");
    let v: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    v["pending_or_recent_amendments_ikraft_from_2025-12-01"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["ikraft"].as_str().unwrap_or("").to_string(),
                a["beteckning"].as_str().unwrap_or("").to_string(),
                a["anteckningar"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

/// How a version pair compares with its register notes.
#[derive(Debug, Default)]
struct Agreement {
    /// What the notes of the amendments in force between the two dates say.
    expected: BTreeSet<String>,
    /// What the diff reports (every relation but `unchanged`).
    found: BTreeSet<String>,
}

/// Compares the pair `<dir>/<stem><old>.txt` → `<stem><new>.txt` with the notes of every
/// amendment in force after `old` and up to `new`. Items in `not_in_force` are named by a
/// note but enter into force later (the texts say so); they must be unchanged.
fn agreement(dir: &str, old: &str, new: &str, not_in_force: &[&str]) -> (Agreement, Value) {
    let stem = std::fs::read_dir(root().join(dir))
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .find_map(|n| n.split_once("_in-force-").map(|(s, _)| s.to_string()))
        .unwrap();
    let file = |date: &str| format!("{dir}/{stem}_in-force-{date}.txt");
    let (m, _) = json(&file(old), &file(new));
    let mut said: Vec<Said> = Vec::new();
    for (from, _, note) in amendments(dir) {
        if from.as_str() > old && from.as_str() <= new {
            said.extend(read_note(&note));
        }
    }
    // A whole chapter, new or repealed: each of its paragraphs.
    let paragraphs_of = |side: &str, chapter: &str| -> Vec<String> {
        let o = remiss_here(&["parse", &file(side), "--format", "tsv"]);
        stdout(&o)
            .lines()
            .filter_map(|l| {
                let mut f = l.split('\t');
                let id = f.next()?;
                (f.next()? == "paragraf" && id.strip_prefix(chapter)?.starts_with('P'))
                    .then(|| id.to_string())
            })
            .collect()
    };
    let mut expected = BTreeSet::new();
    for s in said {
        match &s {
            Said::Added(k) if !k.contains('P') => {
                for p in paragraphs_of(new, k) {
                    expected.insert(Said::Added(p).shown());
                }
            }
            Said::Removed(k) if !k.contains('P') => {
                for p in paragraphs_of(old, k) {
                    expected.insert(Said::Removed(p).shown());
                }
            }
            s => {
                expected.insert(s.shown());
            }
        }
    }
    for id in not_in_force {
        expected.retain(|e| !e.contains(&format!("{id} ")) && !e.ends_with(&format!(" {id}")));
    }
    let found: BTreeSet<String> = differing(&m).into_iter().collect();
    (Agreement { expected, found }, m)
}

/// The pair's relations are exactly those its notes name: none missing, none wrong.
fn assert_agrees(a: &Agreement) {
    let missing: Vec<_> = a.expected.difference(&a.found).collect();
    let wrong: Vec<_> = a.found.difference(&a.expected).collect();
    assert!(
        missing.is_empty() && wrong.is_empty(),
        "expected {}, found {}; missing {missing:#?}; wrong {wrong:#?}",
        a.expected.len(),
        a.found.len()
    );
}

#[test]
fn register_notes_are_read_as_relations() {
    assert_eq!(
        read_note(
            "upph. 8 kap. 1, 2 §§, rubr. närmast före 8 kap. 1 §; nuvarande 8 kap. 5, 6 §§ \
             betecknas 8 kap. 1, 2 §§; ändr. 1 kap. 7 §, 2 kap.27 a §, rubr. närmast före \
             8 kap. 5, 6 §§ sätts närmast före 8 kap. 1, 2 §§; ny 1 kap. 4 a §"
        ),
        [
            Said::Removed("K8P1".into()),
            Said::Removed("K8P2".into()),
            Said::Renumbered("K8P5".into(), "K8P1".into()),
            Said::Renumbered("K8P6".into(), "K8P2".into()),
            Said::Changed("K1P7".into()),
            Said::Changed("K2P27a".into()),
            Said::Added("K1P4a".into()),
        ]
    );
    assert_eq!(
        read_note(
            "upph. 9 kap., 16 kap. 7 §, p 12, 13 i ikrafttr.- och övergångsbest.; nuvarande \
             10 kap. 25 a § betecknas 10 kap. 23 a §; ändr. 10 kap. 2, den nya 23 a, 24 §§; \
             nya 16 a kap., 2 kap. 9 §"
        ),
        [
            Said::Removed("K9".into()),
            Said::Removed("K16P7".into()),
            Said::Renumbered("K10P25a".into(), "K10P23a".into()),
            Said::Changed("K10P2".into()),
            Said::Changed("K10P24".into()),
            Said::Added("K16a".into()),
            Said::Added("K2P9".into()),
        ]
    );
    assert_eq!(
        read_note("ändr. 1, 2, 4 §§"),
        [
            Said::Changed("P1".into()),
            Said::Changed("P2".into()),
            Said::Changed("P4".into())
        ]
    );
}

#[test]
fn halso_och_sjukvardslag_2026_01_01_agrees_with_2025_1399() {
    // 2025:1399 also renumbers 8 kap. 10 § as 11 § and adds a new 8 kap. 10 § and 12 kap.
    // 7 §, but its övergångsbestämmelser put those in force on a date the government
    // decides: the texts of 2026-01-01 still have the old 8 kap. 10 § and no 12 kap. 7 §.
    let (a, m) = agreement(
        "corpus/sfs/halso-och-sjukvardslag-2017-30",
        "2025-12-31",
        "2026-01-01",
        &["K8P10", "K8P11", "K12P7"],
    );
    assert_agrees(&a);
    assert_eq!(a.expected.len(), 18);
    let k8p10 = m["paragraphs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["old_ids"][0] == "K8P10")
        .unwrap();
    assert_eq!(k8p10["relation"], "unchanged");
}

#[test]
fn halso_och_sjukvardslag_2026_01_15_agrees_with_2025_1498() {
    let (a, _) = agreement(
        "corpus/sfs/halso-och-sjukvardslag-2017-30",
        "2026-01-01",
        "2026-01-15",
        &[],
    );
    assert_agrees(&a);
    assert_eq!(a.expected.len(), 1);
}

#[test]
fn plan_och_bygglag_2026_01_01_agrees_with_2025_1079() {
    let (a, _) = agreement(
        "corpus/sfs/plan-och-bygglag-2010-900",
        "2025-12-31",
        "2026-01-01",
        &[],
    );
    assert_agrees(&a);
    assert_eq!(a.expected.len(), 5);
}

#[test]
fn sakerhetsskyddslag_2026_03_01_agrees_with_2025_1472() {
    let (a, _) = agreement(
        "corpus/sfs/sakerhetsskyddslag-2018-585",
        "2026-02-28",
        "2026-03-01",
        &[],
    );
    assert_agrees(&a);
    assert_eq!(a.expected.len(), 1);
}

#[test]
fn miljotillsynsforordning_2026_01_15_agrees_with_2025_1458() {
    let (a, _) = agreement(
        "corpus/sfs/miljotillsynsforordning-2011-13",
        "2026-01-14",
        "2026-01-15",
        &[],
    );
    assert_agrees(&a);
    assert_eq!(a.expected.len(), 2);
}

#[test]
fn lek_and_toppdomaner_agree_with_their_notes() {
    for (dir, n) in [(LEK, 12), (TOPP, 10)] {
        let (a, _) = agreement(dir, "2026-01-14", "2026-01-15", &[]);
        assert_agrees(&a);
        assert_eq!(a.expected.len(), n, "{dir}");
    }
}

#[test]
fn socialforsakringsbalk_2026_01_01_agrees_with_its_notes() {
    // Four amendments enter into force on 2026-01-01 (2025:379, 1055, 1476, 1546). The
    // texts of that day also carry most of 2025:1477, in force from 2026-04-01 (its
    // paragraphs bear the note `Lag (2025:1477).`): those relations are named by its note.
    let dir = "corpus/sfs/socialforsakringsbalk-2010-110";
    let (a, _) = agreement(dir, "2025-12-31", "2026-01-01", &[]);
    let missing: Vec<_> = a.expected.difference(&a.found).collect();
    assert!(missing.is_empty(), "missing {missing:#?}");
    assert_eq!(a.expected.len(), 13);
    let early: BTreeSet<String> = amendments(dir)
        .into_iter()
        .filter(|(_, sfs, _)| sfs == "2025:1477")
        .flat_map(|(_, _, note)| read_note(&note))
        .map(|s| s.shown())
        .collect();
    let beyond: Vec<&String> = a.found.difference(&a.expected).collect();
    for f in &beyond {
        assert!(early.contains(*f), "not named by any note: {f}");
    }
    assert_eq!(beyond.len(), 8, "{beyond:#?}");
}

#[test]
fn versions_parsed_in_pieces_on_two_threads_give_the_bytes_of_one_thread() {
    // Long enough to be cut into pieces at chapter headings, which the two threads take as
    // they become free (see `regulation::Cuts`); on one processor (`taskset`) each version
    // is parsed whole, on one thread.
    let dir = "corpus/sfs/socialforsakringsbalk-2010-110";
    let old = format!("{dir}/sfs-2010-110_in-force-2025-12-31.txt");
    let new = format!("{dir}/sfs-2010-110_in-force-2026-01-01.txt");
    for format in ["json", "tsv"] {
        let args = ["diff", &old, &new, "--format", format];
        let two = remiss_here(&args);
        let one = Command::new("taskset")
            .args(["-c", "0", env!("CARGO_BIN_EXE_remiss")])
            .args(args)
            .current_dir(root())
            .env("NO_COLOR", "1")
            .output()
            .expect("taskset (util-linux) runs");
        assert_eq!(one.status.code(), Some(1), "{}", stderr(&one));
        assert_eq!(two.status.code(), Some(1));
        assert!(stdout(&two) == stdout(&one), "{format} differs");
        assert_eq!(stderr(&two), stderr(&one));
    }
}

// ---------------------------------------------------------------------------------------
// Formats
// ---------------------------------------------------------------------------------------

#[test]
fn tsv_has_one_line_per_entry_with_four_fields() {
    let o = remiss_here(&["diff", &lek("14"), &lek("15"), "--format", "tsv"]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 233 + 2 + 5 + 1 + 4);
    assert!(lines.iter().all(|l| l.split('\t').count() == 4));
    assert!(lines.contains(&"renumbered\tK8P5\tK8P1\t1.000"), "{out}");
    assert!(lines.contains(&"removed\tK8P1\t\t0.000"), "{out}");
    assert!(lines.contains(&"added\t\tK1P4a\t0.000"), "{out}");
}

#[test]
fn text_output_is_plain_when_piped_and_starts_with_a_summary() {
    let o = remiss_here(&["diff", &lek("14"), &lek("15")]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(!out.contains('\x1b'), "colour codes when piped");
    let first: Vec<&str> = out.lines().take(3).collect();
    assert!(first[1].starts_with("Paragraphs: 244 → 241:"), "{out}");
    assert!(first[2].contains("1 kap., 8 kap., 12 kap."), "{out}");
    assert!(
        out.contains("→ 8 kap. 5 § → 8 kap. 1 § renumbered"),
        "{out}"
    );
    assert!(out.contains("- 8 kap. 1 § removed"), "{out}");
    assert!(out.contains("+ 1 kap. 4 a § added"), "{out}");
    assert!(out.contains("8 kap. [-5-]{+1+} §"), "{out}");
    assert!(out.contains("Normalised, not reported as changes"), "{out}");
}

#[test]
fn markdown_is_a_swedish_parallelluppstallning() {
    let o = remiss_here(&["diff", &lek("14"), &lek("15"), "--format", "md"]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    for needle in [
        "## Sammanfattning",
        "| Nuvarande lydelse | Föreslagen lydelse |",
        "| ny beteckning | 5 |",
        "Berörda kapitel: 1, 8 och 12\u{a0}kap.",
        "**8\u{a0}kap. 5\u{a0}§**",
        "**8\u{a0}kap. 1\u{a0}§** *(ny beteckning, tidigare 8\u{a0}kap. 5\u{a0}§)*",
        "| – – – *1\u{a0}kap. 1–4\u{a0}§§ oförändrade* | – – – |",
        "8 kap. ~~5~~ §",
    ] {
        assert!(out.contains(needle), "missing {needle:?} in\n{out}");
    }
}

#[test]
fn markdown_snapshot_of_the_toppdomaner_pair() {
    let o = remiss_here(&["diff", &topp("14"), &topp("15"), "--format", "md"]);
    assert_eq!(o.status.code(), Some(1));
    insta::assert_snapshot!(stdout(&o));
}

#[test]
fn html_is_a_complete_page_with_collapsible_runs_and_print_styles() {
    let o = remiss_here(&["diff", &lek("14"), &lek("15"), "--format", "html"]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    for needle in [
        "<!DOCTYPE html>",
        "<html lang=\"sv\">",
        "<th>Nuvarande lydelse</th><th>Föreslagen lydelse</th>",
        "<details><summary><span class=\"dash\">– – –</span>",
        "@media print",
        "size: A4",
        "<del>5</del>",
        "<ins>1</ins>",
        "ny beteckning, tidigare 8\u{a0}kap. 5\u{a0}§",
    ] {
        assert!(out.contains(needle), "missing {needle:?}");
    }
    assert!(out.trim_end().ends_with("</html>"));
}

#[test]
fn html_escapes_document_text() {
    let dir = temp_files(&[
        (
            "a.txt",
            "1 § Texten <script>alert(1)</script> gäller & mer.\n\n2 § Oförändrad paragraf.\n"
                .as_bytes(),
        ),
        (
            "b.txt",
            "1 § Texten <b onmouseover=\"x\">fet</b> gäller & mer.\n\n2 § Oförändrad paragraf.\n"
                .as_bytes(),
        ),
    ]);
    let o = remiss([
        "diff".as_ref(),
        dir.path().join("a.txt").as_os_str(),
        dir.path().join("b.txt").as_os_str(),
        "--format".as_ref(),
        "html".as_ref(),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(!out.contains("<script>alert"), "{out}");
    assert!(!out.contains("<b onmouseover"), "{out}");
    assert!(out.contains("script&gt;alert(1)&lt;&#x2F;script"), "{out}");
    assert!(out.contains("onmouseover=&quot;x&quot;"), "{out}");
    assert!(out.contains("&amp; mer."), "{out}");
}

#[test]
fn output_file_is_written_atomically_and_equals_stdout() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("diff.md");
    std::fs::write(&target, "old content").unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_remiss"))
        .args(["diff", &topp("14"), &topp("15"), "--format", "md", "-o"])
        .arg(&target)
        .current_dir(root())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(o.stdout.is_empty());
    let written = std::fs::read_to_string(&target).unwrap();
    let direct = stdout(&remiss_here(&[
        "diff",
        &topp("14"),
        &topp("15"),
        "--format",
        "md",
    ]));
    assert_eq!(written, direct);
    let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(names.len(), 1, "a temporary file was left behind");
    // A directory that does not exist: the output cannot be written, exit 4.
    let o = remiss_here(&[
        "diff",
        &topp("14"),
        &topp("15"),
        "-o",
        "/nonexistent-dir/x.md",
    ]);
    assert_eq!(o.status.code(), Some(4));
    assert!(
        stderr(&o).contains("cannot write /nonexistent-dir/x.md"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn output_is_deterministic() {
    for format in ["json", "md", "html", "text", "tsv"] {
        let a = remiss_here(&["diff", &lek("14"), &lek("15"), "--format", format]);
        let b = remiss_here(&["diff", &lek("14"), &lek("15"), "--format", format]);
        assert_eq!(a.stdout, b.stdout, "{format}");
    }
}

// ---------------------------------------------------------------------------------------
// Bad input
// ---------------------------------------------------------------------------------------

#[test]
fn identical_files_exit_0_and_say_so() {
    let o = remiss_here(&["diff", &lek("15"), &lek("15")]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("No differences in wording or structure (241 paragraphs)."));
    let o = remiss_here(&["diff", &lek("15"), &lek("15"), "--format", "md"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("Inga skillnader i lydelse eller struktur."));
    assert!(stderr(&o).contains("No differences"));
}

#[test]
fn swapped_versions_mirror_the_relations_and_warn() {
    let (m, o) = json(&lek("15"), &lek("14"));
    assert_eq!(o.status.code(), Some(1));
    let d = differing(&m);
    assert!(d.contains(&"added  → K8P1".to_string()), "{d:?}");
    assert!(d.contains(&"renumbered K8P1 → K8P5".to_string()), "{d:?}");
    assert!(d.contains(&"removed K1P4a → ".to_string()), "{d:?}");
    assert_eq!(d.len(), 12);
    let w = stderr(&o);
    assert!(w.contains("are the files swapped?"), "{w}");
}

#[test]
fn different_regulations_warn_that_almost_nothing_aligns() {
    let o = remiss_here(&["diff", &topp("15"), &lek("15"), "--format", "tsv"]);
    assert_eq!(o.status.code(), Some(1));
    let w = stderr(&o);
    assert!(w.contains("almost nothing aligns"), "{w}");
}

#[test]
fn bad_input_gets_a_clear_message_and_exit_code_2() {
    let dir = temp_files(&[
        ("empty.txt", b""),
        (
            "prose.txt",
            "Detta är bara ett brev.\n\nMed vänlig hälsning.\n".as_bytes(),
        ),
        ("binary.bin", &[0u8, 159, 146, 150, 0, 1, 2, 3]),
    ]);
    let p = |n: &str| dir.path().join(n).display().to_string();
    // A short good version (read on one thread) and a long one (the two read side by side).
    let long = "corpus/sfs/plan-och-bygglag-2010-900/sfs-2010-900_in-force-2026-01-01.txt";
    for good in [topp("15"), long.to_string()] {
        let good = root().join(good).display().to_string();
        for (old, new, expect, which) in [
            (p("empty.txt"), good.clone(), "the file is empty", "old"),
            (good.clone(), p("empty.txt"), "the file is empty", "new"),
            (p("prose.txt"), good.clone(), "no paragraf", "old"),
            (good.clone(), p("binary.bin"), "not a text document", "new"),
            (
                p("missing.txt"),
                good.clone(),
                "cannot read the file",
                "old",
            ),
        ] {
            let o = remiss(["diff", &old, &new]);
            assert_eq!(o.status.code(), Some(2), "{old} {new}: {}", stderr(&o));
            let e = stderr(&o);
            assert!(e.contains(expect), "{e}");
            assert!(
                e.starts_with(&format!("error: cannot read the {which} version")),
                "{e}"
            );
            assert!(!e.contains("panicked"), "{e}");
        }
    }
    // Both bad, short and long (the long one read beside the other): a new version that
    // cannot be read is reported first, one that holds no paragraf after the old one.
    let letter = "Detta är bara ett brev, och inget annat.\n\n".repeat(8_000);
    std::fs::write(dir.path().join("long-prose.txt"), letter).expect("write");
    for (old, new, which) in [
        (p("missing.txt"), p("empty.txt"), "new"),
        (p("missing.txt"), p("prose.txt"), "old"),
        (p("missing.txt"), p("long-prose.txt"), "old"),
        (p("long-prose.txt"), p("missing.txt"), "new"),
        (p("long-prose.txt"), p("prose.txt"), "old"),
    ] {
        let o = remiss(["diff", &old, &new]);
        assert_eq!(o.status.code(), Some(2), "{old} {new}: {}", stderr(&o));
        let e = stderr(&o);
        assert!(
            e.starts_with(&format!("error: cannot read the {which} version")),
            "{old} {new}: {e}"
        );
    }
    // Usage errors are exit 2 as well (clap).
    let o = remiss(["diff", "only-one.txt"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn markdown_markers_all_render_as_emphasis() {
    use pulldown_cmark::{Event, Options, Parser};
    let pairs = [
        (topp("14"), topp("15")),
        (lek("14"), lek("15")),
        (
            format!("{DRAFTS}/1-remissversion.txt"),
            format!("{DRAFTS}/2-beslutad-version.txt"),
        ),
    ];
    for (a, b) in pairs {
        let o = remiss_here(&["diff", &a, &b, "--format", "md"]);
        let md = stdout(&o);
        let opts = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
        for ev in Parser::new_ext(&md, opts) {
            if let Event::Text(t) = ev {
                assert!(
                    !t.contains("**") && !t.contains("~~"),
                    "{a}: a marker printed as text: {t}"
                );
            }
        }
    }
}

/// Issue 6: a Word document with tracked changes gives the diff of the two texts it holds.
#[test]
fn a_docx_with_tracked_changes_diffs_like_its_two_texts() {
    let tracked = remiss([
        "diff".as_ref(),
        fixture("docx/msb-tracked-changes.docx").as_os_str(),
        "--format".as_ref(),
        "tsv".as_ref(),
    ]);
    let texts = remiss([
        "diff".as_ref(),
        corpus("msb-cybersakerhet/drafts/1-remissversion.txt").as_os_str(),
        corpus("msb-cybersakerhet/drafts/2-beslutad-version.txt").as_os_str(),
        "--format".as_ref(),
        "tsv".as_ref(),
    ]);
    assert_eq!(tracked.status.code(), Some(1), "{}", stderr(&tracked));
    assert_eq!(stdout(&tracked), stdout(&texts));
    assert!(
        stdout(&tracked)
            .lines()
            .any(|l| l.starts_with("removed\tK2P14\t"))
    );
    // One file that is not a Word document: a clear message, exit 2.
    let o = remiss([
        "diff".as_ref(),
        corpus("msb-cybersakerhet/drafts/1-remissversion.txt").as_os_str(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("give the new version too"),
        "{}",
        stderr(&o)
    );
}

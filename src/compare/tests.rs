//! Unit tests of the comparison: tokens, word diffs, alignment steps and the lookup.

use super::words::{self, Fingerprint, Op, tokens_for_test};
use super::*;
use crate::regulation::parse;
use crate::source::Text;
use std::time::{Duration, Instant};

fn reg(src: &str) -> Regulation {
    parse(&Text::from_plain("test.txt", src.to_string()))
}

/// A real version of the LEK statute (0.6 MB, changed, renumbered, removed and added
/// paragraphs between `14` and `15`: the dates 2026-01-14 and 2026-01-15).
pub(super) fn lek(v: &str) -> Regulation {
    let path = format!(
        "{}/corpus/sfs/lag-2022-482-elektronisk-kommunikation/sfs-2022-482_in-force-2026-01-{v}.txt",
        env!("CARGO_MANIFEST_DIR")
    );
    let src = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(src.len() > 100_000, "{path}");
    reg(&src)
}

fn map(a: &str, b: &str) -> VersionMap {
    align(&reg(a), &reg(b), &Options::default())
}

/// `relation old-ids new-ids` per entry.
fn relations(m: &VersionMap) -> Vec<String> {
    m.paragraphs
        .iter()
        .map(|e| {
            format!(
                "{} {} {}",
                e.relation.as_str(),
                e.old_ids.join(","),
                e.new_ids.join(",")
            )
        })
        .collect()
}

fn later() -> Instant {
    Instant::now() + Duration::from_secs(5)
}

fn marked(ops: &[Op]) -> String {
    ops.iter()
        .map(|o| match o {
            Op::Equal { text } => text.clone(),
            Op::Delete { old } => format!("[-{old}-]"),
            Op::Insert { new } => format!("{{+{new}+}}"),
            Op::Replace { old, new } => format!("[-{old}-]{{+{new}+}}"),
        })
        .collect()
}

fn sides(ops: &[Op]) -> (String, String) {
    (
        ops.iter().map(|o| o.old_text()).collect(),
        ops.iter().map(|o| o.new_text()).collect(),
    )
}

// ---------------------------------------------------------------------------------------
// Tokens and word diffs
// ---------------------------------------------------------------------------------------

#[test]
fn tokens_keep_compounds_numbers_and_double_section_signs() {
    assert_eq!(
        tokens_for_test("enligt 3 och 4 §§, e-post och 2018/1972 i EU:s 40.5 kap."),
        [
            "enligt",
            "3",
            "och",
            "4",
            "§§",
            ",",
            "e-post",
            "och",
            "2018/1972",
            "i",
            "EU:s",
            "40.5",
            "kap",
            "."
        ]
    );
    assert_eq!(
        tokens_for_test("hälso- och sjukvård\nny"),
        ["hälso-", "och", "sjukvård", "\n", "ny"]
    );
}

#[test]
fn a_single_changed_word_shows_its_ending() {
    let d = words::diff(
        "Ansökan görs hos myndighet som regeringen bestämmer.",
        "Ansökan görs hos myndigheten som regeringen bestämmer.",
        later(),
    );
    assert_eq!(
        marked(&d.ops),
        "Ansökan görs hos myndighet{+en+} som regeringen bestämmer."
    );
}

#[test]
fn skall_to_ska_is_a_change_shown_as_whole_words() {
    let d = words::diff(
        "En domänadministratör skall anmäla sin verksamhet. Den skall också anmäla.",
        "En domänadministratör ska anmäla sin verksamhet. Den ska också anmäla.",
        later(),
    );
    assert_eq!(
        marked(&d.ops),
        "En domänadministratör [-skall-]{+ska+} anmäla sin verksamhet. Den [-skall-]{+ska+} också anmäla."
    );
    assert!(d.similarity > 0.8 && d.similarity < 1.0);
}

#[test]
fn a_paragraph_sign_is_never_split() {
    let d = words::diff(
        "Bestämmelser finns i 3 § lagen.",
        "Bestämmelser finns i 3 och 4 §§ lagen.",
        later(),
    );
    let m = marked(&d.ops);
    assert!(!m.contains("{+§+}"), "{m}");
    assert_eq!(m, "Bestämmelser finns i 3 [-§-]{+och 4 §§+} lagen.");
}

#[test]
fn short_unchanged_runs_between_changes_fold_into_one_change() {
    let d = words::diff(
        "Verksamhetsutövaren ska regelbundet och minst var tredje månad följa upp arbetet.",
        "Verksamhetsutövaren ska löpande och minst varje år följa upp arbetet.",
        later(),
    );
    // `och minst` (two words) between two changes is folded in.
    assert_eq!(
        marked(&d.ops),
        "Verksamhetsutövaren ska [-regelbundet och minst var tredje månad-]{+löpande och minst varje år+} följa upp arbetet."
    );
}

#[test]
fn whitespace_only_differences_are_equal_and_counted() {
    let d = words::diff(
        "beslut nr 676/ 2002/EG av den 7 mars 2002 om spektrum",
        "beslut nr 676/2002/EG av den 7 mars 2002 om frekvenser",
        later(),
    );
    assert_eq!(d.whitespace_only, 1);
    assert_eq!(
        marked(&d.ops),
        "beslut nr 676/2002/EG av den 7 mars 2002 om [-spektrum-]{+frekvenser+}"
    );
}

#[test]
fn ops_rebuild_both_texts() {
    let old = "Verksamhetsutövaren ska utse en samordnare.\n1. samordna arbetet,\n2. rapportera.";
    let new = "Verksamhetsutövaren ska säkerställa en samordnande funktion.\n1. samordna arbetet.";
    let d = words::diff(old, new, later());
    let (a, b) = sides(&d.ops);
    assert_eq!(a, old);
    assert_eq!(b, new);
}

#[test]
fn a_pure_deletion_takes_its_space_along() {
    let d = words::diff(
        "det mandat som behövs för att fullgöra uppgifterna.",
        "det mandat som behövs.",
        later(),
    );
    let (_, b) = sides(&d.ops);
    assert_eq!(b, "det mandat som behövs.");
}

#[test]
fn a_passed_deadline_falls_back_to_whole_stycken() {
    let d = words::diff(
        "Första stycket.\nAndra stycket skall ändras.",
        "Första stycket.\nAndra stycket ska ändras.",
        Instant::now() - Duration::from_millis(1),
    );
    assert!(d.fallback);
    assert_eq!(
        d.ops,
        vec![
            Op::Equal {
                text: "Första stycket.\n".into()
            },
            Op::Replace {
                old: "Andra stycket skall ändras.".into(),
                new: "Andra stycket ska ändras.".into()
            }
        ]
    );
}

#[test]
fn huge_pairs_finish_quickly_with_a_deadline() {
    // Two unrelated long texts: the diff must return within its deadline (plus slack).
    let a: String = (0..20_000).map(|i| format!("a{} ", i % 997)).collect();
    let b: String = (0..20_000)
        .map(|i| format!("a{} ", (i * 7) % 991))
        .collect();
    let start = Instant::now();
    let d = words::diff(&a, &b, Instant::now() + Duration::from_millis(30));
    assert!(start.elapsed() < Duration::from_secs(2));
    let (x, y) = sides(&d.ops);
    assert_eq!(x.trim(), a.trim());
    assert_eq!(y.trim(), b.trim());
}

#[test]
fn dice_similarity_is_case_insensitive_and_bounded() {
    let a = Fingerprint::of("Uppgifterna ska kunna hämtas via Internet.");
    let b = Fingerprint::of("Uppgifterna ska kunna hämtas via internet.");
    assert_eq!(a.dice(&b), 1.0);
    let c = Fingerprint::of("Något helt annat.");
    assert!(a.dice(&c) < 0.2);
    assert!(a.dice(&c) <= a.dice_bound(&c));
}

// ---------------------------------------------------------------------------------------
// Alignment
// ---------------------------------------------------------------------------------------

const V1: &str = "\
1 kap. Allmänt

1 § Denna lag gäller teknisk drift av nationella toppdomäner för Sverige.

2 § Med domän avses en nivå i domännamnssystemet och en del av ett domännamn.

3 § Tillsynsmyndigheten ska ha tillsyn över efterlevnaden av lagen.

4 § En domänadministratör ska föra ett register över tilldelade domännamn.

5 § Den som bryter mot lagen kan åläggas att betala en sanktionsavgift.
";

#[test]
fn identical_versions_have_no_differences() {
    let m = map(V1, V1);
    assert!(!m.has_differences());
    assert_eq!(m.summary.paragraphs.unchanged, 5);
    assert_eq!(m.summary.aligned_share, 1.0);
    assert!(m.warnings.is_empty(), "{:?}", m.warnings);
}

#[test]
fn removing_a_paragraph_renumbers_the_rest() {
    let v2 = "\
1 kap. Allmänt

1 § Denna lag gäller teknisk drift av nationella toppdomäner för Sverige.

2 § Tillsynsmyndigheten ska ha tillsyn över efterlevnaden av lagen.

3 § En domänadministratör ska föra ett register över tilldelade domännamn.

4 § Den som bryter mot lagen kan åläggas att betala en sanktionsavgift.
";
    let m = map(V1, v2);
    assert_eq!(
        relations(&m),
        [
            "unchanged K1P1 K1P1",
            "removed K1P2 ",
            "renumbered K1P3 K1P2",
            "renumbered K1P4 K1P3",
            "renumbered K1P5 K1P4",
        ]
    );
    assert_eq!(m.summary.chapters_touched, ["1 kap."]);
    assert_eq!(
        m.follow(&Address::parse("1 kap. 4 § andra stycket").unwrap()),
        Followed::Renumbered(Address::parse("1 kap. 3 §").unwrap())
    );
    assert_eq!(
        m.follow(&Address::parse("1 kap. 2 §").unwrap()),
        Followed::Removed
    );
    assert_eq!(
        m.follow(&Address::parse("1 kap. 1 §").unwrap()),
        Followed::Same(Address::parse("1 kap. 1 §").unwrap())
    );
    assert_eq!(
        m.follow(&Address::parse("9 kap. 1 §").unwrap()),
        Followed::Unknown
    );
}

#[test]
fn a_reused_label_with_other_content_is_not_the_same_paragraph() {
    // Old 4 § moves to 6 §; a new, unrelated 4 § takes its label.
    let v2 = "\
1 kap. Allmänt

1 § Denna lag gäller teknisk drift av nationella toppdomäner för Sverige.

2 § Med domän avses en nivå i domännamnssystemet och en del av ett domännamn.

3 § Tillsynsmyndigheten ska ha tillsyn över efterlevnaden av lagen.

4 § Regeringen får meddela föreskrifter om avgifter för registrering.

5 § Den som bryter mot lagen kan åläggas att betala en sanktionsavgift.

6 § En domänadministratör ska föra ett register över tilldelade domännamn.
";
    let m = map(V1, v2);
    let r = relations(&m);
    assert!(r.contains(&"renumbered K1P4 K1P6".to_string()), "{r:?}");
    assert!(r.contains(&"added  K1P4".to_string()), "{r:?}");
    assert!(r.contains(&"unchanged K1P5 K1P5".to_string()), "{r:?}");
}

#[test]
fn a_paragraph_moved_to_another_chapter_is_moved_with_its_edits() {
    let v1 = "\
1 kap. Allmänt

1 § Denna lag gäller teknisk drift av nationella toppdomäner för Sverige.

2 § En domänadministratör skall föra ett register över tilldelade domännamn och löpande upprätta säkerhetskopior.

2 kap. Tillsyn

1 § Tillsynsmyndigheten ska ha tillsyn över efterlevnaden av lagen.
";
    let v2 = "\
1 kap. Allmänt

1 § Denna lag gäller teknisk drift av nationella toppdomäner för Sverige.

2 kap. Tillsyn

1 § Tillsynsmyndigheten ska ha tillsyn över efterlevnaden av lagen.

2 § En domänadministratör ska föra ett register över tilldelade domännamn och löpande upprätta säkerhetskopior.
";
    let m = map(v1, v2);
    let e = m
        .paragraphs
        .iter()
        .find(|e| e.old_ids == ["K1P2"])
        .expect("entry");
    assert_eq!(e.relation, Relation::Moved);
    assert_eq!(e.new_ids, ["K2P2"]);
    assert_eq!(
        marked(&e.changes),
        "En domänadministratör [-skall-]{+ska+} föra ett register över tilldelade domännamn och löpande upprätta säkerhetskopior."
    );
    assert_eq!(
        m.follow(&Address::parse("1 kap. 2 §").unwrap()),
        Followed::Moved(Address::parse("2 kap. 2 §").unwrap())
    );
}

const WHOLE: &str = "Verksamhetsutövaren ska fastställa kriterier för hur risker ska värderas och dokumentera dem i en riskanalys som uppdateras årligen. Ledningen ska godkänna riskanalysen och besluta om vilka risker som kan accepteras och hur övriga risker ska hanteras.";
const PART_A: &str = "Verksamhetsutövaren ska fastställa kriterier för hur risker ska värderas och dokumentera dem i en riskanalys som uppdateras årligen.";
const PART_B: &str = "Ledningen ska godkänna riskanalysen och besluta om vilka risker som kan accepteras och hur övriga risker ska hanteras.";

#[test]
fn one_paragraph_becoming_two_is_a_split() {
    let v1 = format!(
        "1 kap. Risk\n\n1 § Denna lag gäller teknisk drift.\n\n2 § {WHOLE}\n\n3 § Tillsynsmyndigheten ska ha tillsyn.\n"
    );
    let v2 = format!(
        "1 kap. Risk\n\n1 § Denna lag gäller teknisk drift.\n\n2 § {PART_A}\n\n3 § {PART_B}\n\n4 § Tillsynsmyndigheten ska ha tillsyn.\n"
    );
    let m = map(&v1, &v2);
    assert_eq!(
        relations(&m),
        [
            "unchanged K1P1 K1P1",
            "split K1P2 K1P2,K1P3",
            "renumbered K1P3 K1P4"
        ]
    );
    assert_eq!(
        m.follow(&Address::parse("1 kap. 2 §").unwrap()),
        Followed::Split(vec![
            Address::parse("1 kap. 2 §").unwrap(),
            Address::parse("1 kap. 3 §").unwrap()
        ])
    );
    // And the other way round.
    let back = map(&v2, &v1);
    assert_eq!(
        relations(&back),
        [
            "unchanged K1P1 K1P1",
            "merged K1P2,K1P3 K1P2",
            "renumbered K1P4 K1P3"
        ]
    );
    assert_eq!(
        back.follow(&Address::parse("1 kap. 3 §").unwrap()),
        Followed::Merged(Address::parse("1 kap. 2 §").unwrap())
    );
}

#[test]
fn amendment_notes_are_metadata_not_wording() {
    let v1 = "1 § Lagen gäller domäner. Lag (2020:1).\n\n2 § Tillsyn ska utövas.\n";
    let v2 = "1 § Lagen gäller domäner. Lag (2025:1510).\n\n2 § Tillsyn ska utövas.\n";
    let m = map(v1, v2);
    assert!(!m.has_differences());
    assert_eq!(m.summary.metadata_only, 1);
    let e = &m.paragraphs[0];
    assert_eq!(e.relation, Relation::Unchanged);
    let meta = e.metadata.as_ref().expect("metadata change");
    assert_eq!(meta.old.amended_by, ["2020:1"]);
    assert_eq!(meta.new.amended_by, ["2025:1510"]);
}

#[test]
fn whitespace_and_wrapping_are_normalised_and_counted() {
    let v1 = "1 § Beslut nr 676/ 2002/EG gäller.\n\n2 § Tillsyn ska\nutövas.\n";
    let v2 = "1 § Beslut nr 676/2002/EG gäller.\n\n2 § Tillsyn ska utövas.\n";
    let m = map(v1, v2);
    assert!(!m.has_differences(), "{:?}", relations(&m));
    assert_eq!(m.summary.normalisation.whitespace_only, 1);
    assert_eq!(m.summary.normalisation.old.line_wraps, 1);
}

#[test]
fn a_repealed_paragraph_is_removed_with_its_note() {
    let v1 = "1 § Lagen gäller domäner.\n\n2 § Tillsyn ska utövas av myndigheten.\n";
    let v2 = "1 § Lagen gäller domäner.\n\n2 § Har upphävts genom lag (2025:9).\n";
    let m = map(v1, v2);
    assert_eq!(relations(&m), ["unchanged P1 P1", "removed P2 P2"]);
    assert_eq!(
        m.paragraphs[1].repealed.as_deref(),
        Some("Har upphävts genom lag (2025:9).")
    );
    assert_eq!(m.follow(&Address::parse("2 §").unwrap()), Followed::Removed);
}

#[test]
fn allmanna_rad_travel_with_their_paragraph() {
    let v1 = "1 kap. A\n\n1 § Ledningen ska informeras om riskerna i verksamheten.\n\n2 § Tillsyn ska utövas av myndigheten.\n\nAllmänna råd\n\nTillsynen bör vara riskbaserad.\n";
    let v2 = "1 kap. A\n\n1 § Tillsyn ska utövas av myndigheten.\n\nAllmänna råd\n\nTillsynen bör vara riskbaserad och planerad.\n";
    let m = map(v1, v2);
    let e = m.paragraphs.iter().find(|e| e.old_ids == ["K1P2"]).unwrap();
    assert_eq!(e.relation, Relation::Renumbered);
    let ar = e.allmanna_rad.as_ref().unwrap();
    assert_eq!(ar.relation, Relation::Changed);
    assert_eq!(
        marked(&ar.changes),
        "Tillsynen bör vara riskbaserad{+ och planerad+}."
    );
    assert!(e.wording_changed());
}

#[test]
fn rubriker_follow_their_paragraphs() {
    let v1 = "1 kap. A\n\nInledning\n\n1 § Lagen gäller domäner i Sverige.\n\nTillsyn\n\n2 § Tillsyn ska utövas av myndigheten.\n";
    let v2 = "1 kap. A\n\nTillsyn\n\n1 § Tillsyn ska utövas av myndigheten.\n";
    let m = map(v1, v2);
    let r: Vec<(Relation, Option<String>)> = m
        .rubriker
        .iter()
        .map(|r| (r.relation, r.old_text.clone()))
        .collect();
    assert_eq!(
        r,
        [
            (Relation::Removed, Some("Inledning".to_string())),
            (Relation::Renumbered, Some("Tillsyn".to_string())),
        ]
    );
}

#[test]
fn unrelated_texts_warn_that_nothing_aligns() {
    let other = "\
1 § Fiskevården ska bedrivas så att bestånden bevaras.

2 § Länsstyrelsen beslutar om fredningsområden för lax.

3 § Den som fiskar utan fiskekort döms till penningböter.
";
    let m = map(V1, other);
    assert!(m.has_differences());
    assert!(
        m.warnings
            .iter()
            .any(|w| w.contains("almost nothing aligns")),
        "{:?}",
        m.warnings
    );
}

#[test]
fn newer_amendment_notes_in_old_suggest_swapped_files() {
    let v1 = "1 § Lagen gäller domäner. Lag (2025:1510).\n\n2 § Tillsyn.\n\n3 § Avgift.\n";
    let v2 = "1 § Lagen gäller domäner. Lag (2020:1).\n\n2 § Tillsyn.\n\n3 § Avgift.\n";
    let m = map(v1, v2);
    assert!(
        m.warnings.iter().any(|w| w.contains("swapped")),
        "{:?}",
        m.warnings
    );
}

#[test]
fn entries_account_for_every_paragraph_exactly_once() {
    let v2 = "\
1 kap. Allmänt

1 § Denna lag gäller teknisk drift av nationella toppdomäner i Sverige.

2 § Tillsynsmyndigheten ska ha tillsyn över efterlevnaden av lagen.

2 a § Avgifter får tas ut.

3 § Den som bryter mot lagen kan åläggas att betala en sanktionsavgift.
";
    let (a, b) = (reg(V1), reg(v2));
    let m = align(&a, &b, &Options::default());
    let mut old_seen: Vec<String> = m
        .paragraphs
        .iter()
        .flat_map(|e| e.old_ids.clone())
        .collect();
    let mut new_seen: Vec<String> = m
        .paragraphs
        .iter()
        .filter(|e| e.repealed.is_none())
        .flat_map(|e| e.new_ids.clone())
        .collect();
    old_seen.sort();
    new_seen.sort();
    let mut old_all: Vec<String> = a.paragraphs().map(|p| p.id.clone()).collect();
    let mut new_all: Vec<String> = b.paragraphs().map(|p| p.id.clone()).collect();
    old_all.sort();
    new_all.sort();
    assert_eq!(old_seen, old_all);
    assert_eq!(new_seen, new_all);
}

#[test]
fn json_is_stable_and_documented_fields_are_present() {
    let m = map(V1, V1);
    let v = serde_json::to_value(&m).unwrap();
    assert_eq!(v["format"], "remiss-version-map");
    assert_eq!(v["format_version"], 1);
    for k in [
        "differences",
        "paragraphs",
        "chapters_touched",
        "chapter_headings",
        "rubriker",
        "allmanna_rad",
        "other",
        "metadata_only",
        "normalisation",
        "aligned_share",
        "fallbacks",
    ] {
        assert!(v["summary"].get(k).is_some(), "summary.{k}");
    }
    let e = &v["paragraphs"][0];
    assert_eq!(e["relation"], "unchanged");
    assert_eq!(e["old_ids"][0], "K1P1");
    assert!(e.get("changes").is_none());
    assert!(e.get("old_pos").is_none());
}

#[test]
fn every_renderer_handles_split_merge_move_and_repeal() {
    let v1 = format!(
        "1 kap. Risk\n\nInledning\n\n1 § Denna lag gäller teknisk drift.\n\n2 § {WHOLE}\n\n3 § Tillsynsmyndigheten ska ha tillsyn över efterlevnaden.\n\n4 § Avgifter får tas ut av den som registrerar domännamn.\n\nAllmänna råd\n\nAvgiften bör vara låg.\n"
    );
    let v2 = format!(
        "1 kap. Risk och tillsyn\n\n1 § Denna lag gäller teknisk drift.\n\n2 § {PART_A}\n\n3 § {PART_B}\n\n4 § Har upphävts genom lag (2025:9).\n\n2 kap. Tillsyn\n\n1 § Tillsynsmyndigheten skall ha tillsyn över efterlevnaden.\n"
    );
    let (a, b) = (reg(&v1), reg(&v2));
    let m = align(&a, &b, &Options::default());
    let r = relations(&m);
    assert!(r.contains(&"split K1P2 K1P2,K1P3".to_string()), "{r:?}");
    assert!(r.contains(&"moved K1P3 K2P1".to_string()), "{r:?}");
    assert!(r.contains(&"removed K1P4 K1P4".to_string()), "{r:?}");
    assert_eq!(m.chapters[0].relation, Relation::Changed);
    let tpl = crate::render::Templates::embedded().unwrap();
    let md = crate::render::comparison_markdown(&tpl, &m, &a, &b).unwrap();
    assert!(
        md.contains("*(delad, tidigare 1\u{a0}kap. 2\u{a0}§)*"),
        "{md}"
    );
    assert!(md.contains("*(flyttad från 1\u{a0}kap. 3\u{a0}§)*"), "{md}");
    assert!(md.contains("*(upphävd)*"), "{md}");
    assert!(
        md.contains("| **1\u{a0}kap.** Risk | **1\u{a0}kap.** Risk **och tillsyn** |"),
        "{md}"
    );
    let html = crate::render::comparison_html(&tpl, &m, &a, &b).unwrap();
    assert!(
        html.contains("Tillsynsmyndigheten <ins>skall</ins> ha"),
        "{html}"
    );
    assert!(html.contains("Har upphävts genom lag (2025:9)."));
    let text = crate::render::compare::text(&m, &a, &b, crate::render::terminal::Paint::new(false));
    assert!(
        text.contains("→ 1 kap. 2 § → 1 kap. 2 § och 1 kap. 3 § split"),
        "{text}"
    );
    assert!(text.contains("- 1 kap. 4 § removed (repealed)"), "{text}");
    assert!(text.contains("Allmänna råd removed"), "{text}");
    let tsv = crate::render::compare::tsv(&m);
    assert!(tsv.contains("split\tK1P2\tK1P2,K1P3\t"), "{tsv}");
}

// ---------------------------------------------------------------------------------------
// Content over labels
// ---------------------------------------------------------------------------------------

/// Modelled on a real 2026 amendment: old 9 kap. 17 § became 23 b §, old 21 § became the
/// new 17 §, old 22 and 23 §§ became 18 a and 18 b §§, and a 23 a § was written.
const REUSE_OLD: &str = "\
9 kap. Tillsyn och sanktioner

16 § Tillsynsmyndigheten ska utöva tillsyn över att verksamhetsutövare följer denna lag och föreskrifter som har meddelats i anslutning till lagen.

17 § Tillsynsmyndigheten skall på begäran få de upplysningar och ta del av de handlingar som behövs för tillsynen. Myndigheten har rätt att få tillträde till lokaler där verksamheten bedrivs.

18 § Tillsynsmyndigheten får besluta om förelägganden som behövs för att lagen ska följas.

19 § Ett föreläggande får förenas med vite.

20 § Tillsynsmyndigheten får återkalla ett tillstånd om verksamhetsutövaren inte följer ett föreläggande.

21 § En sanktionsavgift får tas ut av den verksamhetsutövare som inte på begäran har lämnat de upplysningar eller de handlingar som behövs för tillsynen.

22 § Sanktionsavgiften ska bestämmas till lägst femtusen kronor och högst tio miljoner kronor.

23 § Vid bedömningen av om en sanktionsavgift ska tas ut ska det särskilt beaktas hur allvarlig överträdelsen är och om den har upprepats.
";

const REUSE_NEW: &str = "\
9 kap. Tillsyn och sanktioner

16 § Tillsynsmyndigheten ska utöva tillsyn över att verksamhetsutövare följer denna lag och föreskrifter som har meddelats i anslutning till lagen.

17 § En sanktionsavgift ska tas ut av den verksamhetsutövare som inte på begäran har lämnat de upplysningar eller de handlingar som behövs för tillsynen eller som inte har följt ett föreläggande.

18 § Tillsynsmyndigheten får besluta om förelägganden som behövs för att lagen ska följas.

18 a § Sanktionsavgiften ska bestämmas till lägst femtusen kronor och högst tio miljoner kronor.

18 b § Vid bedömningen av om en sanktionsavgift ska tas ut ska det särskilt beaktas hur allvarlig överträdelsen är och om den har upprepats.

19 § Ett föreläggande får förenas med vite.

20 § Tillsynsmyndigheten får återkalla ett tillstånd om verksamhetsutövaren inte följer ett föreläggande.

23 a § Tillsynsmyndigheten ska varje år lämna en rapport om tillsynen till regeringen.

23 b § Tillsynsmyndigheten ska på begäran få de upplysningar och ta del av de handlingar som behövs för tillsynen. Myndigheten har rätt att få tillträde till lokaler där verksamheten bedrivs.
";

#[test]
fn a_reused_label_goes_to_the_content_not_the_label() {
    // Aligned by place and label first, old 17 § and new 17 § (similar words, other
    // content) were `changed` and old 21 § `removed`.
    let m = map(REUSE_OLD, REUSE_NEW);
    let r = relations(&m);
    assert_eq!(
        r,
        [
            "unchanged K9P16 K9P16",
            "renumbered K9P21 K9P17",
            "unchanged K9P18 K9P18",
            "renumbered K9P22 K9P18a",
            "renumbered K9P23 K9P18b",
            "unchanged K9P19 K9P19",
            "unchanged K9P20 K9P20",
            "added  K9P23a",
            "renumbered K9P17 K9P23b",
        ]
    );
    // Both renumbered paragraphs were edited too.
    let e = |old: &str| m.paragraphs.iter().find(|e| e.old_ids == [old]).unwrap();
    assert!(!e("K9P21").changes.is_empty());
    assert_eq!(marked(&e("K9P17").changes[..1]), "Tillsynsmyndigheten ");
    // The label reuse is stated: 17 § now holds the old 21 §, and the old 17 § is 23 b §.
    let a = |s: &str| Address::from_id(s).unwrap();
    assert_eq!(
        m.label_reuse.iter().collect::<Vec<_>>(),
        [&LabelReuse {
            label: a("K9P17"),
            old_paragraph_now: Some(a("K9P23b")),
            new_paragraph_was: Some(a("K9P21")),
            crossing: true,
        }]
    );
    assert_eq!(m.follow(&a("K9P17")), Followed::Renumbered(a("K9P23b")));
    assert_eq!(m.follow(&a("K9P21")), Followed::Renumbered(a("K9P17")));
}

#[test]
fn a_label_kept_for_similar_wording_stays_with_its_paragraph() {
    // Same place, same label, wording edited and no better partner anywhere: changed.
    let new = REUSE_OLD.replace(
        "får besluta om förelägganden",
        "får efter samråd besluta om de förelägganden",
    );
    let m = map(REUSE_OLD, &new);
    let r = relations(&m);
    assert!(r.contains(&"changed K9P18 K9P18".to_string()), "{r:?}");
    assert!(m.label_reuse.is_empty(), "{:?}", m.label_reuse);
}

/// Modelled on a real amendment: old 8 kap. 4 § (five punkter) became 3 §, keeping
/// punkter 4 and 5 word for word; old 3 § and 5 § were repealed.
#[test]
fn a_paragraph_that_loses_punkter_is_still_itself() {
    let old = "\
8 kap. Säkerhet i nät och tjänster

2 § Den som tillhandahåller ett allmänt elektroniskt kommunikationsnät ska vidta åtgärder för att säkerställa driften.

3 § Tillhandahållaren ska underrätta tillsynsmyndigheten om en incident som har påverkat driften av nätet väsentligt.

4 § En tillhandahållare av ett allmänt elektroniskt kommunikationsnät ska

1. dokumentera sina rutiner för riskhantering, kontinuitetsplanering och incidenthantering och se över dem minst en gång om året,

2. utse en ansvarig för säkerhetsarbetet som rapporterar direkt till ledningen och har de befogenheter som uppdraget kräver,

3. utbilda sin personal i informationssäkerhet och fysisk säkerhet i den omfattning som deras uppgifter kräver,

4. se till att kritiska system har reservkraft som räcker i minst tre dygn, och

5. se till att trafikuppgifter lagras på ett säkert sätt som skyddar mot obehörig åtkomst och förstöring.

5 § En tillhandahållare ska se till att system och trafikuppgifter skyddas på ett säkert sätt och underrätta tillsynsmyndigheten om en incident i minst tre fall.

6 § Regeringen får meddela föreskrifter om säkerhetsåtgärder.
";
    let new = "\
8 kap. Säkerhet i nät och tjänster

2 § Den som tillhandahåller ett allmänt elektroniskt kommunikationsnät ska vidta åtgärder för att säkerställa driften.

3 § En tillhandahållare ska

1. se till att kritiska system har reservkraft som räcker i minst tre dygn, och

2. se till att trafikuppgifter lagras på ett säkert sätt som skyddar mot obehörig åtkomst och förstöring.

4 § Regeringen får meddela föreskrifter om säkerhetsåtgärder.
";
    // Word overlap alone prefers old 5 § (about as long as the new 3 §, many shared words:
    // it was aligned to it, and old 4 § reported removed); the new 3 § is wholly inside old
    // 4 §.
    let (o, n) = (reg(old), reg(new));
    let fp = |p: &Paragraf| Fingerprint::of(&paragraph_text(p));
    let (o4, o5, n3) = (
        fp(&o.kapitel[0].paragrafer[2]),
        fp(&o.kapitel[0].paragrafer[3]),
        fp(&n.kapitel[0].paragrafer[1]),
    );
    assert!(n3.contained_in(&o4) > 0.95);
    assert!(o4.dice(&n3) < o5.dice(&n3));
    assert!(seq::content_sim(&o4, &n3) > seq::content_sim(&o5, &n3));
    let m = align(&o, &n, &Options::default());
    let r = relations(&m);
    assert_eq!(
        r,
        [
            "unchanged K8P2 K8P2",
            "removed K8P3 ",
            "renumbered K8P4 K8P3",
            "removed K8P5 ",
            "renumbered K8P6 K8P4",
        ]
    );
}

#[test]
fn wording_moved_into_the_allmanna_rad_is_said_so() {
    let old = "\
2 kap. Ledning

8 § Ledningen ska regelbundet informera sig om minst följande:

1. resultatet av verksamhetsutövarens riskanalyser och de risker som har identifierats,

2. inträffade incidenter och deras konsekvenser för verksamheten,

3. behovet av resurser för arbetet med säkerhetsåtgärder.

9 § Verksamhetsutövaren ska dokumentera sina beslut.
";
    let new = "\
2 kap. Ledning

8 § Ledningen ska regelbundet informera sig om arbetet med säkerhetsåtgärder och om de risker som verksamheten är utsatt för.

Allmänna råd

Ledningen bör informera sig om följande:

1. resultatet av verksamhetsutövarens riskanalyser och de risker som har identifierats,

2. inträffade incidenter och deras konsekvenser för verksamheten,

3. behovet av resurser för arbetet med säkerhetsåtgärder.

9 § Verksamhetsutövaren ska dokumentera sina beslut.
";
    let (a, b) = (reg(old), reg(new));
    let m = align(&a, &b, &Options::default());
    let e = &m.paragraphs[0];
    assert_eq!(e.relation, Relation::Changed);
    assert_eq!(e.allmanna_rad.as_ref().unwrap().relation, Relation::Added);
    assert_eq!(e.moved_wording.len(), 1, "{:?}", e.moved_wording);
    assert_eq!(e.moved_wording[0].direction, WordingMove::ToAllmannaRad);
    assert!(e.moved_wording[0].words >= 20, "{:?}", e.moved_wording);
    assert!(m.paragraphs[1].moved_wording.is_empty());
    let md = crate::render::comparison_markdown(
        &crate::render::Templates::embedded().unwrap(),
        &m,
        &a,
        &b,
    )
    .unwrap();
    assert!(md.contains("*(ändrad; flyttat till allmänna råd)*"), "{md}");
    // `diff --format md` compiles only the Markdown templates: the page must not change.
    let only_md = crate::render::Templates::embedded_markdown().unwrap();
    assert_eq!(
        crate::render::comparison_markdown(&only_md, &m, &a, &b).unwrap(),
        md
    );
    let text = crate::render::compare::text(&m, &a, &b, crate::render::terminal::Paint::new(false));
    assert!(
        text.contains("moved from the wording to the allmänna råd:"),
        "{text}"
    );
    // The reverse: the list leaves the allmänna råd for the binding text.
    let m = map(new, old);
    assert_eq!(
        m.paragraphs[0].moved_wording[0].direction,
        WordingMove::FromAllmannaRad
    );
    // New allmänna råd that say something else are not moved wording.
    let other = new.replace(
        "Ledningen bör informera sig om följande:\n\n1. resultatet av verksamhetsutövarens riskanalyser och de risker som har identifierats,\n\n2. inträffade incidenter och deras konsekvenser för verksamheten,\n\n3. behovet av resurser för arbetet med säkerhetsåtgärder.",
        "Informationen bör lämnas skriftligt och minst två gånger om året.",
    );
    let m = map(old, &other);
    assert!(
        m.paragraphs[0].moved_wording.is_empty(),
        "{:?}",
        m.paragraphs[0].moved_wording
    );
}

#[test]
fn renderers_state_a_reused_label() {
    let (a, b) = (reg(REUSE_OLD), reg(REUSE_NEW));
    let m = align(&a, &b, &Options::default());
    let md = crate::render::comparison_markdown(
        &crate::render::Templates::embedded().unwrap(),
        &m,
        &a,
        &b,
    )
    .unwrap();
    assert!(
        md.contains("*(ny beteckning, tidigare 9\u{a0}kap. 21\u{a0}§; beteckningen återanvänd, tidigare 9\u{a0}kap. 17\u{a0}§ är nu 9\u{a0}kap. 23\u{a0}b\u{a0}§)*"),
        "{md}"
    );
    let html =
        crate::render::comparison_html(&crate::render::Templates::embedded().unwrap(), &m, &a, &b)
            .unwrap();
    assert!(html.contains("beteckningen återanvänd"), "{html}");
    let text = crate::render::compare::text(&m, &a, &b, crate::render::terminal::Paint::new(false));
    assert!(
        text.contains("label reused: the old 9 kap. 17 § is now 9 kap. 23 b §"),
        "{text}"
    );
    let json = serde_json::to_value(&m).unwrap();
    assert_eq!(json["label_reuse"].as_array().unwrap().len(), 1);
    assert_eq!(json["label_reuse"][0]["crossing"], true);
    // A plain shift of the numbering is said by the renumbering alone.
    let shifted = V1
        .replace(
            "2 § Med domän avses en nivå i domännamnssystemet och en del av ett domännamn.\n\n",
            "",
        )
        .replace("3 §", "2 §")
        .replace("4 §", "3 §")
        .replace("5 §", "4 §");
    let m = map(V1, &shifted);
    assert_eq!(m.summary.paragraphs.renumbered, 3);
    assert!(m.label_reuse.is_empty(), "{:?}", m.label_reuse);
}

#[test]
fn avdelning_headings_are_compared() {
    let old = "\
AVD. A ÖVERGRIPANDE BESTÄMMELSER

1 kap. Innehåll

1 § Denna balk innehåller bestämmelser om social trygghet.

AVD. B FAMILJEFÖRMÅNER

2 kap. Föräldrapenning

1 § Föräldrapenning lämnas till en förälder.
";
    let new = old.replace("AVD. B FAMILJEFÖRMÅNER", "AVD. B FÖRMÅNER TILL FAMILJER");
    let m = map(old, &new);
    let avd: Vec<(Relation, &str)> = m
        .other
        .iter()
        .filter(|o| o.part == "avdelning")
        .map(|o| (o.relation, o.label.as_str()))
        .collect();
    assert_eq!(
        avd,
        [
            (Relation::Unchanged, "Avdelning A"),
            (Relation::Changed, "Avdelning B")
        ]
    );
    assert!(m.summary.differences);
}

#[test]
fn a_relabelling_placeholder_goes_with_the_renumbered_paragraph() {
    // Plan- och bygglagen keeps `25 a § Har betecknats 23 a §` where the paragraph was.
    let old = "\
10 kap. Genomförande

23 § Byggherren ska se till att åtgärden genomförs enligt lov.

25 a § Ett startbesked får ges för en åtgärd som kräver bygglov om lovet har vunnit laga kraft.

26 § Kontrollplanen ska fastställas.
";
    let new = "\
10 kap. Genomförande

23 § Byggherren ska se till att åtgärden genomförs enligt lov.

23 a § Ett startbesked får ges för en åtgärd som kräver bygglov om lovet har vunnit laga kraft.

25 a § Har betecknats 23 a §

26 § Kontrollplanen ska fastställas.
";
    let m = map(old, new);
    assert_eq!(
        relations(&m),
        [
            "unchanged K10P23 K10P23",
            "renumbered K10P25a K10P23a",
            "unchanged K10P26 K10P26"
        ]
    );
    assert_eq!(
        m.paragraphs[1].repealed.as_deref(),
        Some("Har betecknats 23 a §")
    );
}

#[test]
fn a_paragraph_s_key_is_the_key_of_its_text() {
    // Punkter with numbers and letters, empty stycken before punkter, a repeal note: the key
    // computed from the parts is the key of the joined text, so identical wording anchors.
    let r = lek("15");
    assert!(r.paragraphs().count() > 200);
    let mut with_punkter = 0;
    for p in r.paragraphs() {
        assert_eq!(
            paragraph_key_len(p),
            (words::text_key(&paragraph_text(p)), paragraph_text(p).len()),
            "{}",
            p.id
        );
        with_punkter += usize::from(p.stycken.iter().any(|s| !s.punkter.is_empty()));
    }
    assert!(with_punkter > 10);
}

#[test]
fn the_other_parts_are_charged_after_the_rubriker_though_compared_beside_them() {
    // A changed rubrik, then two changed points of the övergångsbestämmelser: the rubrik is
    // compared on this thread while the other parts are compared on the helper, against a
    // budget of their own. For every budget, the map must be the one a single thread makes,
    // charging the rubrik first; among them, budgets that the rubrik's diff fits and the
    // other parts' do not, and one that only the first point fits.
    let version = |rubrik: &str, date: &str, still: &str| {
        reg(&format!(
            "Förordning (2025:100) om tillsyn över verksamheter\n\n1 kap. Allmänt\n\n{rubrik}\n\n1 § Ledningen ska informeras om riskerna i verksamheten varje år.\n\n2 § Tillsyn ska utövas av myndigheten.\n\nÖvergångsbestämmelser\n\n2025:100\n\n1. Denna förordning träder i kraft den {date}.\n\n2. Äldre föreskrifter gäller {still} för ärenden som har inletts före ikraftträdandet.\n"
        ))
    };
    let a = version("Tillsyn över verksamheten", "1 juli 2025", "fortfarande");
    let b = version(
        "Tillsyn över hela verksamheten och dess ledning",
        "1 januari 2026",
        "alltjämt",
    );
    let full = align(&a, &b, &Options::default());
    assert_eq!(full.summary.rubriker.get(Relation::Changed), 1);
    assert_eq!(full.summary.other.get(Relation::Changed), 2);
    let json = |v: &serde_json::Value| serde_json::to_string(v).unwrap_or_default();
    let full_json = serde_json::to_value(&full).unwrap_or_default();
    let (mut other_cut, mut one_point) = (0, 0);
    for total_work in 0..400 {
        let opts = |threads| Options {
            total_work,
            threads,
            ..Options::default()
        };
        let one = serde_json::to_value(align(&a, &b, &opts(1))).unwrap_or_default();
        let two = crate::threads::with_helper(|| align(&a, &b, &opts(2)));
        let two = serde_json::to_value(two).unwrap_or_default();
        assert!(json(&one) == json(&two), "total work {total_work}");
        let same = |part: &str| json(&one[part]) == json(&full_json[part]);
        if same("rubriker") && !same("other") {
            other_cut += 1;
            let changes = |k: usize| json(&one["other"][k]["changes"]);
            one_point += usize::from(changes(2) == json(&full_json["other"][2]["changes"]));
        }
    }
    assert!(other_cut > 0 && one_point > 0, "{other_cut} {one_point}");
}

#[test]
fn the_map_is_the_same_whatever_the_thread_count_and_the_budget() {
    // The real LEK versions (changed, renumbered, removed and added paragraphs), and a pair
    // whose allmänna råd change too. Under a budget that runs out part way, the pairs that
    // fall back must be the ones a single thread lets fall back: the budget is charged in
    // link order, not in the order the helper threads finish.
    let ar = |extra: &str| {
        reg(&format!(
            "1 kap. A\n\n1 § Ledningen ska informeras om riskerna i verksamheten{extra}.\n\n2 § Tillsyn ska utövas av myndigheten{extra}.\n\nAllmänna råd\n\nTillsynen bör vara riskbaserad{extra}.\n"
        ))
    };
    let pairs = [(lek("14"), lek("15")), (ar(""), ar(" och planerad"))];
    let mut partial = 0;
    for (a, b) in &pairs {
        assert!(a.paragraph_count() > 1);
        for total_work in [0, 2_000, 20_000, 200_000, 2_000_000, words::TOTAL_WORK] {
            let run = |threads: usize| {
                let opts = Options {
                    total_work,
                    threads,
                    ..Options::default()
                };
                // More than one thread shares work only with a helper at hand.
                if threads > 1 {
                    crate::threads::with_helper(|| align(a, b, &opts))
                } else {
                    align(a, b, &opts)
                }
            };
            let one = run(1);
            let json = serde_json::to_string(&one).unwrap_or_default();
            for threads in [2, 3] {
                let many = serde_json::to_string(&run(threads)).unwrap_or_default();
                assert!(json == many, "{threads} threads, total work {total_work}");
            }
            let changed = one.summary.paragraphs.get(Relation::Changed);
            partial += usize::from(one.summary.fallbacks > 0 && one.summary.fallbacks < changed);
        }
    }
    // Some budget ran out between two pairs (the case the charging in order is for).
    assert!(partial > 0);
}

#[test]
fn keys_made_ahead_give_the_same_map_and_keys_of_another_text_are_not_used() {
    let (a, b) = (lek("14"), lek("15"));
    let json = |m: &VersionMap| serde_json::to_string(m).unwrap_or_default();
    let plain = json(&align(&a, &b, &Options::default()));
    let ahead = align_prepared(
        &a,
        &b,
        Some((Prepared::of(&a), Prepared::of(&b))),
        &Options::default(),
    );
    assert!(json(&ahead) == plain);
    // Keys of a text with another number of paragraphs are ignored, not trusted.
    let other = reg("1 § En enda paragraf.\n");
    assert_ne!(other.paragraph_count(), a.paragraph_count());
    let mixed = align_prepared(
        &a,
        &b,
        Some((Prepared::of(&other), Prepared::of(&b))),
        &Options::default(),
    );
    assert!(json(&mixed) == plain);
}

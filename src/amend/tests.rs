//! Reading and applying amendments: each form of the instruction grammar on a small base
//! with chapters and rubriker, and the errors of instructions that do not fit.

use super::*;
use crate::regulation;

const BASE: &str = "\
Myndighetens föreskrifter om säkerhet;

beslutade den 1 mars 2025.

1 kap. Inledande bestämmelser

1 § Dessa föreskrifter gäller verksamhetsutövare.

2 § I dessa föreskrifter avses med säkerhet skydd.

2 kap. Säkerhetsåtgärder

Ledningens ansvar

1 § Ledningen ska ansvara för säkerheten.

2 § Ledningen ska utse en samordnare.

Riskanalys

3 § Verksamhetsutövaren ska göra en riskanalys.

4 § Riskanalysen ska dokumenteras.

5 § Riskanalysen ska följas upp årligen.

3 kap. Utbildning

1 § Personalen ska utbildas.

2 § Utbildningen ska dokumenteras.
";

fn amendment(instructions: &str, wording: &str) -> String {
    format!(
        "Föreskrifter om ändring i Myndighetens föreskrifter (XFS 2025:1) om säkerhet;\n\n\
         beslutade den 1 mars 2026.\n\n\
         Myndigheten föreskriver i fråga om myndighetens föreskrifter (XFS 2025:1) om säkerhet\n\
         {instructions}\n\n{wording}\n\n\
         Dessa föreskrifter träder i kraft den 1 juli 2026.\n\n\
         MYNDIGHETEN\n\nAnna Andersson\n"
    )
}

fn base() -> (Regulation, Text) {
    let t = Text::from_plain("base.txt", BASE.to_string());
    (regulation::parse(&t), t)
}

fn read_am(instructions: &str, wording: &str) -> Result<Amendment, AmendError> {
    let (b, _) = base();
    let t = Text::from_plain("am.txt", amendment(instructions, wording));
    read(&t, Some(&b))
}

/// Applies and parses the result.
fn applied(instructions: &str, wording: &str) -> Result<(String, Regulation), AmendError> {
    let (b, bt) = base();
    let am = read_am(instructions, wording)?;
    let out = apply(&b, &bt, &am)?;
    let reg = regulation::parse(&Text::from_plain("out.txt", out.text.clone()));
    Ok((out.text, reg))
}

fn ids(reg: &Regulation) -> Vec<String> {
    reg.nodes()
        .into_iter()
        .filter(|n| {
            matches!(
                n.kind,
                regulation::NodeKind::Kapitel
                    | regulation::NodeKind::Rubrik
                    | regulation::NodeKind::Paragraf
            )
        })
        .map(|n| {
            if n.kind == regulation::NodeKind::Rubrik {
                format!("R:{}", n.text)
            } else {
                n.id.to_string()
            }
        })
        .collect()
}

fn wording(reg: &Regulation, id: &str) -> String {
    let a = Address::from_id(id).unwrap();
    reg.paragraph(&a)
        .map(|p| {
            p.stycken
                .iter()
                .map(|s| s.text.clone())
                .collect::<Vec<_>>()
                .join(" / ")
        })
        .unwrap_or_default()
}

fn described(am: &Amendment) -> Vec<String> {
    am.instructions.iter().map(|i| i.describe()).collect()
}

#[test]
fn the_title_names_the_base_and_the_transitional_provisions_are_read() {
    let am = read_am(
        "att 1 kap. 2 § ska ha följande lydelse.",
        "1 kap.\n\n2 § I dessa föreskrifter avses med säkerhet skydd av information.",
    )
    .unwrap();
    assert_eq!(am.kind.as_deref(), Some("Föreskrifter"));
    assert_eq!(
        am.base.name,
        "Myndighetens föreskrifter (XFS 2025:1) om säkerhet"
    );
    assert_eq!(am.base.number.as_deref(), Some("XFS 2025:1"));
    assert_eq!(am.in_force.as_deref(), Some("1 juli 2026"));
    assert_eq!(am.overgang.len(), 1);
    assert!(
        am.overgang[0]
            .text
            .starts_with("Dessa föreskrifter träder i kraft")
    );
    assert_eq!(described(&am), ["change 1 kap. 2 §"]);
    assert_eq!(am.wording.paragraph_count(), 1);
    // The wording's spans are lines of the amendment, not of the cleaned text.
    let p = am.wording.paragraphs().next().unwrap();
    assert_eq!(p.span.line, 10);
}

#[test]
fn single_listed_and_ranged_paragraphs_are_changed() {
    let (text, reg) = applied(
        "att 1 kap. 1 och 2 §§ samt 2 kap. 3–5 §§ ska ha följande lydelse.",
        "1 kap.\n\n1 § Dessa föreskrifter gäller alla.\n\n2 § Säkerhet är skydd.\n\n\
         2 kap.\n\n3 § Ny tre.\n\n4 § Ny fyra.\n\n5 § Ny fem.",
    )
    .unwrap();
    assert_eq!(wording(&reg, "K1P1"), "Dessa föreskrifter gäller alla.");
    assert_eq!(wording(&reg, "K2P4"), "Ny fyra.");
    assert_eq!(wording(&reg, "K2P5"), "Ny fem.");
    // Untouched parts keep the base's text.
    assert!(text.contains("Riskanalys\n\n3 § Ny tre."));
    assert!(text.contains("1 § Ledningen ska ansvara för säkerheten."));
    assert_eq!(reg.paragraph_count(), 9);
}

#[test]
fn dels_att_lists_repeal_renumber_change_and_insert_in_the_order_they_are_read() {
    let (_, reg) = applied(
        "dels att 2 kap. 4 § ska upphöra att gälla,\n\
         dels att nuvarande 2 kap. 5 § ska betecknas 2 kap. 4 §,\n\
         dels att den nya 2 kap. 4 § ska ha följande lydelse,\n\
         dels att det i föreskrifterna ska införas två nya paragrafer, 2 kap. 2 a och 2 b §§, \
         och närmast före 2 kap. 2 b § en ny rubrik av följande lydelse.",
        "2 kap.\n\n2 a § Samordnaren ska ha mandat.\n\nSamordnarens uppgifter\n\n\
         2 b § Samordnaren ska rapportera.\n\n4 § Riskanalysen ska följas upp varje halvår.",
    )
    .unwrap();
    assert_eq!(
        ids(&reg),
        [
            "K1",
            "K1P1",
            "K1P2",
            "K2",
            "R:Ledningens ansvar",
            "K2P1",
            "K2P2",
            "K2P2a",
            "R:Samordnarens uppgifter",
            "K2P2b",
            "R:Riskanalys",
            "K2P3",
            "K2P4",
            "K3",
            "K3P1",
            "K3P2"
        ]
    );
    assert_eq!(
        wording(&reg, "K2P4"),
        "Riskanalysen ska följas upp varje halvår."
    );
}

#[test]
fn ska_upphavas_removes_a_paragraph_in_an_agency_regulation() {
    let (_, reg) = applied("att 3 kap. 2 § ska upphävas.", "").unwrap();
    assert!(reg.paragraph(&Address::from_id("K3P2").unwrap()).is_none());
    assert_eq!(reg.paragraph_count(), 8);
}

#[test]
fn a_renumbered_paragraph_out_of_order_moves_to_its_place() {
    let (_, reg) = applied("att nuvarande 2 kap. 1 § ska betecknas 2 kap. 5 a §.", "").unwrap();
    let k2: Vec<String> = ids(&reg)
        .into_iter()
        .filter(|i| i.starts_with("K2P"))
        .collect();
    assert_eq!(k2, ["K2P2", "K2P3", "K2P4", "K2P5", "K2P5a"]);
    assert_eq!(
        wording(&reg, "K2P5a"),
        "Ledningen ska ansvara för säkerheten."
    );
}

#[test]
fn a_rubrik_is_changed_inserted_repealed_and_moved() {
    let (_, reg) = applied(
        "dels att rubriken närmast före 2 kap. 1 § ska upphöra att gälla,\n\
         dels att rubriken närmast före 2 kap. 3 § ska sättas närmast före 2 kap. 4 §,\n\
         dels att 3 kap. 2 § ska ha följande lydelse,\n\
         dels att det närmast före 3 kap. 2 § ska införas en ny rubrik av följande lydelse.",
        "3 kap.\n\nDokumentation\n\n2 § Utbildningen ska dokumenteras skriftligt.",
    )
    .unwrap();
    assert_eq!(
        ids(&reg),
        [
            "K1",
            "K1P1",
            "K1P2",
            "K2",
            "K2P1",
            "K2P2",
            "K2P3",
            "R:Riskanalys",
            "K2P4",
            "K2P5",
            "K3",
            "K3P1",
            "R:Dokumentation",
            "K3P2"
        ]
    );
}

#[test]
fn a_changed_rubrik_takes_the_wording_shown_above_its_paragraph() {
    let (_, reg) = applied(
        "att 2 kap. 3 § och rubriken närmast före 2 kap. 3 § ska ha följande lydelse.",
        "2 kap.\n\nRiskanalys och riskhantering\n\n3 § Verksamhetsutövaren ska göra och hantera en riskanalys.",
    )
    .unwrap();
    assert!(ids(&reg).contains(&"R:Riskanalys och riskhantering".to_string()));
    assert!(!ids(&reg).contains(&"R:Riskanalys".to_string()));
}

#[test]
fn a_whole_chapter_is_inserted_and_another_repealed() {
    let (_, reg) = applied(
        "dels att 3 kap. ska upphöra att gälla,\n\
         dels att det ska införas ett nytt kapitel, 2 a kap., av följande lydelse.",
        "2 a kap. Incidenter\n\nRapportering\n\n1 § Incidenter ska rapporteras.\n\n\
         2 § Rapporten ska lämnas inom ett dygn.",
    )
    .unwrap();
    let all = ids(&reg);
    assert_eq!(
        &all[all.len() - 5..],
        ["K2P5", "K2a", "R:Rapportering", "K2aP1", "K2aP2"]
    );
    assert!(!all.contains(&"K3".to_string()));
}

#[test]
fn narmast_fore_places_an_inserted_paragraph() {
    // By label, 2 a § would stand after 2 § and before the rubrik of 3 §; `närmast före
    // 2 kap. 3 §` puts it under that rubrik, directly before 3 §.
    let (_, reg) = applied(
        "att det ska införas en ny paragraf, 2 kap. 2 a §, närmast före 2 kap. 3 §, av följande lydelse.",
        "2 kap.\n\n2 a § Riskanalysen ska omfatta leverantörer.",
    )
    .unwrap();
    let all = ids(&reg);
    let at = all.iter().position(|i| i == "K2P2a").unwrap();
    assert_eq!(all[at - 1], "R:Riskanalys");
    assert_eq!(all[at + 1], "K2P3");
    let (_, reg) = applied(
        "att det ska införas en ny paragraf, 2 kap. 2 a §, av följande lydelse.",
        "2 kap.\n\n2 a § Riskanalysen ska omfatta leverantörer.",
    )
    .unwrap();
    let all = ids(&reg);
    let at = all.iter().position(|i| i == "K2P2a").unwrap();
    assert_eq!(all[at - 1], "K2P2");
    assert_eq!(all[at + 1], "R:Riskanalys");
}

#[test]
fn instructions_that_do_not_fit_the_base_are_errors_naming_them() {
    let msg = |r: Result<(String, Regulation), AmendError>| match r {
        Err(e) => e.to_string(),
        Ok(_) => panic!("applied"),
    };
    let e = msg(applied(
        "att 2 kap. 9 § ska ha följande lydelse.",
        "2 kap.\n\n9 § Ny.",
    ));
    assert!(
        e.contains("am.txt:6: instruction «2 kap. 9 § ska ha följande lydelse»")
            && e.contains("the base has no 2 kap. 9 § to change"),
        "{e}"
    );
    let e = msg(applied(
        "att det ska införas en ny paragraf, 2 kap. 2 a §, närmast före 2 kap. 8 §, av följande lydelse.",
        "2 kap.\n\n2 a § Ny.",
    ));
    assert!(e.contains("before 2 kap. 8 §, which does not exist"), "{e}");
    let e = msg(applied(
        "att det ska införas en ny paragraf, 2 kap. 3 §, av följande lydelse.",
        "2 kap.\n\n3 § Ny.",
    ));
    assert!(e.contains("the base already has 2 kap. 3 §"), "{e}");
    let e = msg(applied(
        "dels att 2 kap. 1 § ska ha följande lydelse,\ndels att 2 kap. 1 § ska upphöra att gälla.",
        "2 kap.\n\n1 § Ny.",
    ));
    assert!(
        e.contains("is also repealed by «2 kap. 1 § ska upphöra att gälla»"),
        "{e}"
    );
    let e = msg(applied(
        "dels att 2 kap. 1 § ska ha följande lydelse,\ndels att 2 kap. 1 och 2 §§ ska ha följande lydelse.",
        "2 kap.\n\n1 § Ny.\n\n2 § Ny.",
    ));
    assert!(
        e.contains("conflicts with «2 kap. 1 § ska ha följande lydelse»"),
        "{e}"
    );
    let e = msg(applied("att 2 kap. 2 § ska ha följande lydelse.", ""));
    assert!(
        e.contains("the amendment gives no wording for 2 kap. 2 §"),
        "{e}"
    );
    let e = msg(applied(
        "att nuvarande 2 kap. 1 § ska betecknas 2 kap. 2 §.",
        "",
    ));
    assert!(e.contains("already has a 2 kap. 2 §"), "{e}");
    let e = msg(applied("att 2 kap. 1 § ska strykas.", ""));
    assert!(e.contains("no instruction recognised"), "{e}");
}

#[test]
fn an_sfs_base_gets_amendment_notes_and_placeholders() {
    let base = "1 § Första. Lag (2020:1).\n\n2 § Andra. Lag (2020:1).\n\n3 § Tredje.\n";
    let am = "Svensk författningssamling\n\nSFS 2025:9\n\nLag\nom ändring i lagen (2020:1) om prov\n\n\
              Enligt riksdagens beslut föreskrivs i fråga om lagen (2020:1) om prov\n\
              dels att 3 § ska upphöra att gälla,\ndels att 1 § ska ha följande lydelse.\n\n\
              1 §1 Första, nu ändrad.\n\n1 Senaste lydelse 2020:1.\n\n\
              Denna lag träder i kraft den 1 juli 2026.\n\nPå regeringens vägnar\n";
    let bt = Text::from_plain("base.txt", base.into());
    let b = regulation::parse(&bt);
    let a = read(&Text::from_plain("am.txt", am.into()), Some(&b)).unwrap();
    assert_eq!(a.number.as_deref(), Some("SFS 2025:9"));
    assert_eq!(a.note().as_deref(), Some("Lag (2025:9)."));
    let out = apply(&b, &bt, &a).unwrap();
    assert_eq!(
        out.text,
        "1 § Första, nu ändrad.\nLag (2025:9).\n\n2 § Andra. Lag (2020:1).\n\n\
         3 § Har upphävts genom lag (2025:9).\n"
    );
}

#[test]
fn a_rubrik_shown_above_a_paragraph_says_which_group_it_opens() {
    // 2 kap. 3 § printed under «Riskanalys», where it already stands: nothing moves.
    let (b, bt) = base();
    let am = read_am(
        "att 2 kap. 3 § ska ha följande lydelse.",
        "2 kap.\n\nRiskanalys\n\n3 § Verksamhetsutövaren ska göra en riskanalys varje år.",
    )
    .unwrap();
    let out = apply(&b, &bt, &am).unwrap();
    assert!(out.warnings.is_empty(), "{:?}", out.warnings);
    // 2 kap. 2 § printed under «Riskanalys», which the base has after it: the rubrik moves
    // up, and 2 § opens the group.
    let am = read_am(
        "att 2 kap. 2 § ska ha följande lydelse.",
        "2 kap.\n\nRiskanalys\n\n2 § Ledningen ska utse en samordnare för riskanalysen.",
    )
    .unwrap();
    let out = apply(&b, &bt, &am).unwrap();
    let reg = regulation::parse(&Text::from_plain("out.txt", out.text.clone()));
    let all = ids(&reg);
    let at = all.iter().position(|i| i == "K2P2").unwrap();
    assert_eq!(all[at - 1], "R:Riskanalys");
    assert_eq!(out.warnings.len(), 1);
    // A rubrik the base does not have near it, named by no instruction: a warning, and
    // nothing is made up.
    let am = read_am(
        "att 2 kap. 5 § ska ha följande lydelse.",
        "2 kap.\n\nUppföljning\n\n5 § Riskanalysen ska följas upp varje halvår.",
    )
    .unwrap();
    let out = apply(&b, &bt, &am).unwrap();
    assert!(
        out.warnings[0]
            .contains("«Uppföljning» above 2 kap. 5 §, which the base does not have there"),
        "{:?}",
        out.warnings
    );
    assert!(!out.text.contains("Uppföljning"));
}

#[test]
fn a_range_of_new_paragraphs_counts_labels_a_range_of_old_ones_takes_in_the_base() {
    // New paragraphs `3 a–3 c §§` are counted by label; changed paragraphs `1–3 §§` are
    // those the base has between the ends.
    let am = read_am(
        "dels att 2 kap. 1–3 §§ ska ha följande lydelse,\n\
         dels att det ska införas tre nya paragrafer, 2 kap. 3 a–3 c §§, av följande lydelse.",
        "",
    )
    .unwrap();
    assert_eq!(
        described(&am),
        [
            "change 2 kap. 1 §",
            "change 2 kap. 2 §",
            "change 2 kap. 3 §",
            "insert 2 kap. 3 a §",
            "insert 2 kap. 3 b §",
            "insert 2 kap. 3 c §"
        ]
    );
}

#[test]
fn transitional_provisions_beyond_the_date_join_an_sfs_consolidation() {
    let base = "1 § Första. Lag (2020:1).\n\n2 § Andra.\n\nÖvergångsbestämmelser\n\n2020:1\n\n\
                Denna lag träder i kraft den 1 juli 2020.\n";
    let am = |overgang: &str| {
        format!(
            "SFS 2025:9\n\nLag\nom ändring i lagen (2020:1) om prov\n\n\
             Enligt riksdagens beslut föreskrivs att 2 § lagen (2020:1) om prov ska ha följande lydelse.\n\n\
             2 § Andra, nu ändrad.\n\n{overgang}\n\nPå regeringens vägnar\n"
        )
    };
    let bt = Text::from_plain("base.txt", base.into());
    let b = regulation::parse(&bt);
    let run = |o: &str| {
        let a = read(&Text::from_plain("am.txt", am(o)), Some(&b)).unwrap();
        let out = apply(&b, &bt, &a).unwrap();
        regulation::parse(&Text::from_plain("out.txt", out.text))
    };
    let r = run("1. Denna lag träder i kraft den 1 juli 2026.\n\n\
         2. Äldre bestämmelser gäller fortfarande för ärenden som har inletts före ikraftträdandet.");
    let acts: Vec<Option<&str>> = r.overgang.iter().map(|o| o.act.as_deref()).collect();
    assert_eq!(acts, [Some("2020:1"), Some("2025:9")]);
    assert_eq!(r.overgang[1].stycken[0].punkter.len(), 2);
    // Only the date: the consolidation leaves it out.
    let r = run("Denna lag träder i kraft den 1 juli 2026.");
    assert_eq!(r.overgang.len(), 1);
}

#[test]
fn ranges_take_the_dash_the_base_writes_them_with() {
    assert!(apply::dash_style_is_hyphen("1-4 §§ och 6-7 §§, 8–9 §§"));
    assert!(!apply::dash_style_is_hyphen("1–4 §§ och EU-förordningen"));
    let src = "I 20–35 §§ – se 2–3 §§.\nAllmänna råd 1–2";
    let (t, ar, n) = apply::hyphenate_ranges(src, src.find("Allmänna"));
    assert_eq!(t, "I 20-35 §§ – se 2-3 §§.\nAllmänna råd 1-2");
    assert_eq!(n, 3);
    assert_eq!(&t[ar.unwrap()..], "Allmänna råd 1-2");
}

#[test]
fn a_paragraph_renumbered_and_reworded_in_one_clause() {
    let (_, reg) = applied(
        "att nuvarande 2 kap. 5 § ska betecknas 2 kap. 4 a § och ha följande lydelse.",
        "2 kap.\n\n4 a § Riskanalysen ska följas upp varje kvartal.",
    )
    .unwrap();
    assert_eq!(
        wording(&reg, "K2P4a"),
        "Riskanalysen ska följas upp varje kvartal."
    );
    assert!(reg.paragraph(&Address::from_id("K2P5").unwrap()).is_none());
}

#[test]
fn a_word_replaced_in_named_paragraphs() {
    let (_, reg) = applied(
        "att i 2 kap. 1 och 2 §§ ordet ”Ledningen” ska bytas ut mot ”Styrelsen”.",
        "",
    )
    .unwrap();
    assert_eq!(
        wording(&reg, "K2P1"),
        "Styrelsen ska ansvara för säkerheten."
    );
    assert_eq!(wording(&reg, "K2P2"), "Styrelsen ska utse en samordnare.");
    let am = read_am(
        "att i 2 kap. 1 § ordet ”Ledningen” ska bytas ut mot ”Styrelsen”.",
        "",
    )
    .unwrap();
    assert_eq!(
        described(&am),
        ["change 2 kap. 1 §: «Ledningen» → «Styrelsen»"]
    );
    // A citation inside the quotation marks is wording, not a place.
    let am = read_am(
        "att i 1 kap. 2 § orden ”2 kap. 3 §” ska ersättas med ”2 kap. 4 §”.",
        "",
    )
    .unwrap();
    assert_eq!(am.instructions.len(), 1);
    let e = applied(
        "att i 2 kap. 1 § ordet ”VD” ska bytas ut mot ”Styrelsen”.",
        "",
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("«VD» does not occur in 2 kap. 1 §"), "{e}");
}

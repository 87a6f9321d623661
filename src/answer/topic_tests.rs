//! Unit tests of the topic index: which paragraph a topic names, and when none clearly does.

use super::*;
use crate::source::Text;

const DRAFT: &str = "\
2 kap. Organisatoriska säkerhetsåtgärder

Ledningens ansvar

1 § Ledningen ska godkänna verksamhetsutövarens riskhanteringsåtgärder.

Utkontraktering

2 § Verksamhetsutövaren ska ställa krav på säkerhet när tjänster utkontrakteras till leverantörer.

Personalsäkerhet

3 § Verksamhetsutövaren ska pröva personalens pålitlighet före anställning.

4 § Verksamhetsutövaren ska utbilda personalen i säkerhet.

3 kap. Tekniska säkerhetsåtgärder

Kryptering

1 § Verksamhetsutövaren ska använda kryptering för känsliga uppgifter.
";

fn index() -> TopicIndex {
    TopicIndex::build(&crate::regulation::parse(&Text::from_plain(
        "draft.txt",
        DRAFT.to_string(),
    )))
}

fn label(n: u32) -> Label {
    Address::parse(&format!("{n} kap."))
        .and_then(|a| a.kapitel)
        .unwrap()
}

#[test]
fn a_topic_named_by_its_rubrik_finds_its_paragraph() {
    let inf = index()
        .resolve("bestämmelsen om krav vid utkontraktering", None)
        .expect("resolved");
    assert_eq!(inf.address.display(), "2 kap. 2 §");
    assert!(
        inf.matched.iter().any(|w| w.starts_with("utkontrakter")),
        "{inf:?}"
    );
}

#[test]
fn a_topic_is_looked_for_in_the_chapter_given() {
    let idx = index();
    assert_eq!(
        idx.resolve("kravet på kryptering", Some(label(3)))
            .map(|i| i.address.display()),
        Some("3 kap. 1 §".to_string())
    );
    assert_eq!(idx.resolve("kravet på kryptering", Some(label(2))), None);
}

#[test]
fn words_every_paragraph_shares_name_no_paragraph() {
    // Only stop words and words in every paragraph: no clear winner.
    assert_eq!(
        index().resolve("bestämmelserna för verksamhetsutövaren", None),
        None
    );
    assert_eq!(index().resolve("", None), None);
}

#[test]
fn a_heading_gives_the_paragraphs_under_its_rubrik() {
    let idx = index();
    let under: Vec<String> = idx
        .heading("Personalsäkerhet:", Some(label(2)))
        .iter()
        .map(|a| a.display())
        .collect();
    assert_eq!(under, ["2 kap. 3 §", "2 kap. 4 §"]);
    assert!(idx.heading("Personalsäkerhet", Some(label(3))).is_empty());
    assert!(idx.heading("Något helt annat", None).is_empty());
}

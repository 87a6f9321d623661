use super::lexicon::Lexicon;
use super::stance::{self, Flag, Stance, StanceTable};
use super::*;
use crate::regulation;
use crate::source::Text;

const DRAFT: &str = "\
Myndighetens föreskrifter om säkerhet;

1 kap. Inledande bestämmelser

1 § Dessa föreskrifter gäller för verksamhetsutövare.

2 § I dessa föreskrifter avses med ledning den högsta ledningen.

2 kap. Organisatoriska säkerhetsåtgärder

Ledningens ansvar

6 § Ledningen ansvarar för säkerhetsåtgärderna.

7 § Verksamhetsutövaren ska utse en samordnare.

8 § Ledningen ska informeras om incidenter.

Personalsäkerhet

9 § Personalen ska utbildas i informationssäkerhet.

Utkontraktering

10 § Vid utkontraktering ska verksamhetsutövaren ställa krav på leverantören:

1. informationen ska klassas,

2. leverantören ska ha rutiner.

Säkerhetskopiering

11 § Verksamhetsutövaren ska regelbundet ta säkerhetskopior.
";

fn draft() -> regulation::Regulation {
    regulation::parse(&Text::from_plain("draft.txt", DRAFT.to_string()))
}

fn lex() -> Lexicon {
    Lexicon::embedded().expect("the embedded lexicon parses")
}

fn read(answer: &str, with_draft: bool) -> StanceTable {
    let lex = lex();
    let text = Text::from_plain("answer.txt", answer.to_string());
    let parsed = parse(&text, &lex);
    let d = draft();
    stance::read(&parsed, with_draft.then_some(&d), &lex)
}

/// `id stance flags` for every row, for compact assertions.
fn rows(t: &StanceTable) -> Vec<String> {
    t.rows
        .iter()
        .map(|r| {
            let flags: Vec<&str> = r.flags.iter().map(|f| f.as_str()).collect();
            format!(
                "{} {} {}",
                r.id,
                r.stance.as_str(),
                if flags.is_empty() {
                    "-".into()
                } else {
                    flags.join(",")
                }
            )
        })
        .collect()
}

fn row<'a>(t: &'a StanceTable, id: &str) -> &'a stance::Row {
    t.row(id)
        .unwrap_or_else(|| panic!("no row {id} in {:?}", rows(t)))
}

const HEAD: &str = "Kulturförvaltningen\n\nDnr KUF 2025/12\n2025-11-03\n\nYttrande över remiss av Förslag till föreskrifter om säkerhet\nRemiss från Myndigheten för samhällsskydd och beredskap (MSB)\n\n";

#[test]
fn the_embedded_lexicon_parses_and_can_be_overridden() {
    let lex = lex();
    assert!(lex.agentive.find(&["tillstyrker".to_string()]).is_some());
    // A clerk adds a phrasing without touching Rust.
    let custom = format!("{}\n", DEFAULT_WITH_EXTRA);
    let lex2 = Lexicon::parse(&custom).unwrap();
    let text = Text::from_plain(
        "a.txt",
        format!("{HEAD}Synpunkter\nKulturförvaltningen gillar skarpt 7 §.\n"),
    );
    let before = stance::read(&parse(&text, &lex), None, &lex);
    assert!(before.rows.is_empty());
    let after = stance::read(&parse(&text, &lex2), None, &lex2);
    assert_eq!(rows(&after), ["P7 support -"]);
    assert!(Lexicon::parse("[agentive]\nsupport = 3").is_err());
}

const DEFAULT_WITH_EXTRA: &str =
    "[agentive]\nsupport = [\"gillar skarpt\"]\n[respondent]\nsuffixes = [\"förvaltningen\"]\n";

#[test]
fn chapter_context_comes_from_chapter_headings() {
    let t = read(
        &format!(
            "{HEAD}1 kap. Inledande bestämmelser\nKulturförvaltningen tillstyrker 2 §.\n\n2 kap. Organisatoriska säkerhetsåtgärder\nFörvaltningen avstyrker 7 §.\n"
        ),
        true,
    );
    assert_eq!(rows(&t), ["K1P2 support -", "K2P7 oppose -"]);
}

#[test]
fn kapitlet_lamnas_utan_synpunkt_covers_the_chapter_and_its_paragraphs() {
    let t = read(
        &format!("{HEAD}1 kap. Inledande bestämmelser\nKapitlet lämnas utan synpunkt.\n"),
        true,
    );
    assert_eq!(
        rows(&t),
        ["K1 no-comment -", "K1P1 no-comment -", "K1P2 no-comment -"]
    );
    // Without a draft: the chapter only.
    let t = read(
        &format!("{HEAD}1 kap. Inledande bestämmelser\nKapitlet lämnas utan synpunkt.\n"),
        false,
    );
    assert_eq!(rows(&t), ["K1 no-comment -"]);
}

#[test]
fn ovriga_paragrafer_expands_to_the_chapters_other_paragraphs() {
    let a = format!(
        "{HEAD}2 kap. Organisatoriska säkerhetsåtgärder\nFörvaltningen tillstyrker 7 §.\n\nÖvriga paragrafer i kapitlet lämnas utan synpunkt.\n"
    );
    let t = read(&a, true);
    assert_eq!(
        rows(&t),
        [
            "K2P6 no-comment -",
            "K2P7 support -",
            "K2P8 no-comment -",
            "K2P9 no-comment -",
            "K2P10 no-comment -",
            "K2P11 no-comment -"
        ]
    );
    let t = read(&a, false);
    assert_eq!(rows(&t), ["K2P7 support -", "K2:other no-comment -"]);
    assert!(t.row("K2:other").unwrap().unresolved.is_some());
}

#[test]
fn topic_headings_give_the_default_target() {
    let a = format!(
        "{HEAD}2 kap. Organisatoriska säkerhetsåtgärder\nPersonalsäkerhet\nFörvaltningen tillstyrker detta. Kraven riskerar att bli kostsamma.\n"
    );
    let t = read(&a, true);
    assert_eq!(rows(&t), ["K2P9 support concern"]);
    let heading = &t.rows[0];
    assert_eq!(heading.evidence.len(), 2);
}

#[test]
fn a_citation_inside_an_argument_is_not_a_stance_on_it() {
    let a = format!(
        "{HEAD}2 kap. Organisatoriska säkerhetsåtgärder\nFörvaltningen tillstyrker 8 §. Enligt 2 kap. 6 § ska ledningen ansvara för detta, och det räcker.\n"
    );
    let t = read(&a, true);
    assert_eq!(rows(&t), ["K2P8 support -"]);
}

#[test]
fn stance_words_attributed_to_others_are_not_the_respondents() {
    let a = format!(
        "{HEAD}2 kap. Organisatoriska säkerhetsåtgärder\nMSB föreslår att 7 § ska gälla alla. Utredningen bedömer att 8 § räcker. \
         I betänkandet föreslås att 9 § tas bort. Som utredningen konstaterar riskerar 6 § att bli dyr. \
         Myndigheten för samhällsskydd och beredskap tillstyrker 11 §.\n\nFörvaltningen avstyrker 10 §.\n"
    );
    let t = read(&a, true);
    assert_eq!(rows(&t), ["K2P10 oppose -"]);
}

#[test]
fn negation_flips_support_but_not_inside_the_object() {
    let a = format!(
        "{HEAD}2 kap. Organisatoriska säkerhetsåtgärder\nFörvaltningen kan inte tillstyrka 6 §.\n\nFörvaltningen tillstyrker inte 7 §.\n\n\
         Förvaltningen kan varken tillstyrka eller avstyrka 8 §.\n\nFörvaltningen avstyrker förslaget att inte längre kräva utbildning enligt 9 §.\n\n\
         Förvaltningen tillstyrker inte bara 10 § utan även 11 §.\n"
    );
    let t = read(&a, true);
    assert_eq!(
        rows(&t),
        [
            "K2P6 oppose -",
            "K2P7 oppose -",
            "K2P8 comment -",
            "K2P9 oppose -",
            "K2P10 support -",
            "K2P11 support -"
        ]
    );
}

#[test]
fn one_sentence_may_hold_two_stances() {
    let a = format!(
        "{HEAD}Synpunkter\nFörvaltningen tillstyrker förslaget men avstyrker 2 kap. 7 §.\n"
    );
    let t = read(&a, true);
    assert_eq!(rows(&t), ["DOC support -", "K2P7 oppose -"]);
    let a = format!(
        "{HEAD}2 kap. Organisatoriska säkerhetsåtgärder\nFörvaltningen har inga invändningar mot bestämmelserna i 2 kap., utom när det gäller kravet i 8 § på information. \
         Förvaltningen föreslår att kravet stryks.\n"
    );
    let t = read(&a, true);
    assert_eq!(
        rows(&t),
        [
            "K2P6 support -",
            "K2P7 support -",
            "K2P8 oppose proposes",
            "K2P9 support -",
            "K2P10 support -",
            "K2P11 support -"
        ]
    );
}

#[test]
fn the_respondent_is_named_in_many_ways_and_boilerplate_is_no_stance() {
    for subject in [
        "Kulturförvaltningen",
        "Förvaltningen",
        "Nämnden",
        "Vi",
        "Jag",
        "Kulturnämnden",
    ] {
        let verb = if subject == "Vi" || subject == "Jag" {
            "ställer oss bakom"
        } else {
            "tillstyrker"
        };
        let verb = if subject == "Jag" {
            "tillstyrker"
        } else {
            verb
        };
        let t = read(
            &format!("{HEAD}2 kap. Organisatoriska säkerhetsåtgärder\n{subject} {verb} 7 §.\n"),
            true,
        );
        assert_eq!(rows(&t), ["K2P7 support -"], "{subject}");
    }
    let t = read(
        &format!(
            "{HEAD}Synpunkter\nKulturförvaltningen lämnar följande synpunkter på 2 kap. 7 §.\n"
        ),
        true,
    );
    assert!(t.rows.is_empty(), "{:?}", rows(&t));
    // Inverted word order after an adverbial.
    let t = read(
        &format!(
            "{HEAD}2 kap. Organisatoriska säkerhetsåtgärder\nVad gäller 7 § föreslår förvaltningen att den stryks.\n"
        ),
        true,
    );
    assert_eq!(rows(&t), ["K2P7 proposal proposes"]);
}

#[test]
fn a_paragraph_named_by_topic_is_resolved_through_the_draft() {
    let a = format!(
        "{HEAD}2 kap. Organisatoriska säkerhetsåtgärder\nFörvaltningen tillstyrker bestämmelsen om krav vid utkontraktering. Förvaltningen föreslår att punkt 1 tas bort.\n"
    );
    let t = read(&a, true);
    assert_eq!(
        rows(&t),
        ["K2P10 support proposes", "K2P10N1 proposal proposes"]
    );
    assert_eq!(
        row(&t, "K2P10").inferred.as_deref(),
        Some(&["utkontraktering".to_string()][..])
    );
    // Without a draft the topic stays unresolved, shown as written.
    let t = read(&a, false);
    assert_eq!(t.rows[0].id, "?bestämmelsen om krav vid utkontraktering");
    assert!(t.rows[0].unresolved.is_some());
}

#[test]
fn reservations_and_flags() {
    let a = format!(
        "{HEAD}2 kap. Organisatoriska säkerhetsåtgärder\nFörvaltningen tillstyrker i huvudsak 6 §.\n\n\
         Förvaltningen tillstyrker 7 §, men anser att kravet är alltför långtgående.\n\n\
         Förvaltningen tillstyrker 8 § under förutsättning att MSB anger metoderna.\n\n\
         Förvaltningen tillstyrker 9 §, men efterfrågar ett förtydligande av begreppet.\n\n\
         Förvaltningen föreslår att 10 § kompletteras.\n\n\
         Förvaltningen vidhåller sin inställning till 11 §.\n"
    );
    let t = read(&a, true);
    assert_eq!(
        rows(&t),
        [
            "K2P6 support-reservations -",
            "K2P7 support-reservations -",
            "K2P8 support-reservations proposes",
            "K2P9 support clarification",
            "K2P10 proposal proposes",
            "K2P11 comment refers-back"
        ]
    );
}

#[test]
fn the_konsekvensutredning_is_a_target() {
    let a = format!(
        "{HEAD}Konsekvensutredning\nFörvaltningen tillstyrker bedömningen. Förvaltningen efterfrågar kostnadsberäkningar.\n"
    );
    let t = read(&a, true);
    assert_eq!(rows(&t), ["KU support clarification"]);
    let a =
        format!("{HEAD}Synpunkter\nFörvaltningen efterfrågar en analys i konsekvensutredningen.\n");
    assert_eq!(rows(&read(&a, true)), ["KU comment clarification"]);
}

#[test]
fn an_answer_without_citations_still_gets_its_document_stance() {
    let t = read(
        &format!("{HEAD}Sammanfattning\nKulturförvaltningen tillstyrker förslaget.\n"),
        true,
    );
    assert_eq!(rows(&t), ["DOC support -"]);
    assert_eq!(t.not_addressed.len(), 8);
}

#[test]
fn conflicting_stances_are_marked() {
    let t = read(
        &format!(
            "{HEAD}2 kap. Organisatoriska säkerhetsåtgärder\nFörvaltningen tillstyrker 7 §.\n\nFörvaltningen avstyrker 7 §.\n"
        ),
        true,
    );
    assert!(row(&t, "K2P7").conflict);
}

#[test]
fn metadata_is_read_from_the_head() {
    let lex = lex();
    let text = Text::from_plain(
        "a.txt",
        format!(
            "{HEAD}Synpunkter\nKulturförvaltningen tillstyrker förslaget.\n\nStockholm den 14 januari 2026\n"
        ),
    );
    let a = parse(&text, &lex);
    let m = &a.meta;
    assert_eq!(m.body.as_deref(), Some("Kulturförvaltningen"));
    assert_eq!(
        m.case_number.as_ref().map(|c| (c.text.as_str(), c.line)),
        Some(("KUF 2025/12", 3))
    );
    let dates: Vec<&str> = m.dates.iter().map(|d| d.text.as_str()).collect();
    assert_eq!(dates, ["2025-11-03", "2026-01-14"]);
    assert_eq!(
        m.remiss_title.as_deref(),
        Some("Förslag till föreskrifter om säkerhet")
    );
    assert_eq!(
        m.sender.as_deref(),
        Some("Myndigheten för samhällsskydd och beredskap (MSB)")
    );
}

#[test]
fn headings_and_sentences_are_found_without_blank_lines() {
    let lex = lex();
    let src = "2 kap. Organisatoriska säkerhetsåtgärder   \nLedningens ansvar för\nsäkerhetsåtgärder\nFörvaltningen tillstyrker kraven enligt 6 § och\n9 §. Det är bra, t.ex. för\nledningen. Se 2 kap. 3 §.\n";
    let a = parse(&Text::from_plain("a.txt", src.to_string()), &lex);
    let hs: Vec<(&str, HeadingKind)> = a
        .headings
        .iter()
        .map(|h| (h.text.as_str(), h.kind))
        .collect();
    assert_eq!(
        hs,
        [
            (
                "2 kap. Organisatoriska säkerhetsåtgärder",
                HeadingKind::Chapter
            ),
            (
                "Ledningens ansvar för säkerhetsåtgärder",
                HeadingKind::Topic
            )
        ]
    );
    let ss: Vec<(&str, u32)> = a
        .sentences
        .iter()
        .map(|s| (s.text.as_str(), s.span.line))
        .collect();
    assert_eq!(
        ss,
        [
            ("Förvaltningen tillstyrker kraven enligt 6 § och 9 §.", 4),
            ("Det är bra, t.ex. för ledningen.", 5),
            ("Se 2 kap. 3 §.", 6)
        ]
    );
    assert_eq!(a.sentences[0].area, Area::Chapter(Label::new(2)));
    assert_eq!(
        &src[a.sentences[2].span.start..a.sentences[2].span.end],
        "Se 2 kap. 3 §."
    );
}

#[test]
fn flags_roll_up_from_a_punkt_to_its_paragraph() {
    let a = format!(
        "{HEAD}2 kap. Organisatoriska säkerhetsåtgärder\nFörvaltningen tillstyrker 10 §. Förvaltningen föreslår att punkt 2 tas bort.\n"
    );
    let t = read(&a, true);
    assert_eq!(row(&t, "K2P10").flags, [Flag::Proposes]);
    assert_eq!(row(&t, "K2P10").stance, Stance::Support);
    assert_eq!(row(&t, "K2P10N2").stance, Stance::Proposal);
}

/// Cutting a real answer at arbitrary places must never panic the answer stage.
#[test]
fn arbitrary_cuts_of_a_real_answer_never_panic() {
    let src = include_str!("../../tests/fixtures/stockholm-ks-2025-1384-remissvar.txt");
    let lex = lex();
    let d = draft();
    let index = topic::TopicIndex::build(&d);
    let bounds: Vec<usize> = src.char_indices().map(|(i, _)| i).step_by(11).collect();
    for (n, &a) in bounds.iter().enumerate() {
        let b = bounds[(n * 37 + 23) % bounds.len()];
        let (a, b) = if a <= b { (a, b) } else { (b, a) };
        let text = Text::from_plain("cut.txt", src[a..b].to_string());
        let parsed = parse(&text, &lex);
        let t = stance::read_with_index(&parsed, Some(&d), Some(&index), &lex);
        let _ = t.rows.len();
    }
}

/// A date-shaped number whose tenth byte falls inside a letter (`2025-11-0å`) or a dash
/// (`2025-11-1–30`, a real date range) once panicked the metadata reader.
#[test]
fn a_date_cut_inside_a_letter_does_not_panic() {
    for src in [
        "2025-11-0å\n",
        "Remissen besvaras 2025-11-1–30.\n",
        "Nämnden tillstyrker förslaget 2025-11-1–30.\n",
    ] {
        let t = read(src, false);
        assert!(t.meta.dates.is_empty(), "{src}: {:?}", t.meta.dates);
    }
    let t = read(
        "Datum 2025-11-30\n\nNämnden tillstyrker förslaget.\n",
        false,
    );
    assert_eq!(t.meta.dates[0].text, "2025-11-30");
    assert_eq!(rows(&t), vec!["DOC support -"]);
}

/// Letters whose lower case has another byte length (`İ` grows, the Kelvin sign and `ẞ`
/// shrink) once made the word offsets wrong, which panicked the stance reader when the
/// growth and the shrinkage cancelled out.
#[test]
fn letters_that_change_length_when_lower_cased_keep_word_offsets() {
    for src in [
        "Kulturförvaltningen tillstyrker Kx İİ förslaget.",
        "Kulturförvaltningen tillstyrker \u{212A}x İİ förslaget.",
        "Kulturförvaltningen tillstyrker ẞİ förslaget.",
    ] {
        let t = read(src, false);
        assert_eq!(t.rows.len(), 1, "{src}");
        assert_eq!(t.rows[0].stance, Stance::Support, "{src}");
        let (lowered, spans) = word_spans(src);
        for (st, en, ls, le) in spans {
            assert_eq!(lowered[ls..le], src[st..en].to_lowercase(), "{src}");
        }
    }
}

/// `str::to_lowercase` with the one context-dependent rule (final sigma `ς`) folded away:
/// a word is lower-cased on its own, without its neighbours.
fn lowercase_without_final_sigma(s: &str) -> String {
    s.to_lowercase().replace('ς', "σ")
}

use proptest::strategy::Strategy;

proptest::proptest! {
    /// Every word span lies on character boundaries, and its lower-cased range holds
    /// exactly the lower case of the word, for any Unicode text.
    #[test]
    fn word_spans_agree_with_to_lowercase(
        pieces in proptest::collection::vec(
            proptest::prop_oneof![
                "\\PC{0,6}",
                proptest::sample::select(vec!["İ", "ẞ", "\u{212A}", "Σ", "ǅ", "Å", "x", " ", "-"])
                    .prop_map(String::from),
            ],
            0..16,
        )
    ) {
        let s = pieces.concat();
        let (lowered, spans) = word_spans(&s);
        let mut prev = 0;
        for (st, en, ls, le) in spans {
            proptest::prop_assert!(prev <= st && st < en && en <= s.len());
            proptest::prop_assert!(s.is_char_boundary(st) && s.is_char_boundary(en));
            proptest::prop_assert!(lowered.is_char_boundary(ls) && lowered.is_char_boundary(le));
            proptest::prop_assert_eq!(
                lowercase_without_final_sigma(&lowered[ls..le]),
                lowercase_without_final_sigma(&s[st..en])
            );
            prev = en;
        }
    }

    /// Mixed into an answer's sentence, case-changing letters and combining marks never
    /// panic the reader.
    #[test]
    fn case_changing_letters_never_panic_the_reader(
        noise in proptest::collection::vec(
            proptest::sample::select(vec!["İ", "ẞ", "\u{212A}", "Σ", "ǅ", "\u{301}", "å", "–", "§", "2025-11-0", " "]),
            0..12,
        )
    ) {
        let src = format!("Kulturförvaltningen tillstyrker {} förslaget.\n", noise.concat());
        let _ = read(&src, true);
    }
}

#[test]
#[ignore]
fn debug_dump() {
    let path = std::env::var("DUMP").unwrap();
    let src = std::fs::read_to_string(path).unwrap();
    let lex = lex();
    let a = parse(&Text::from_plain("x.txt", src), &lex);
    for h in &a.headings {
        eprintln!("H {:?} {:?}", h.kind, h.text);
    }
    for s in &a.sentences {
        eprintln!("S {:?} b{} {:?}", s.area, s.block, s.text);
    }
    eprintln!("{:?}", a.meta.names);
}

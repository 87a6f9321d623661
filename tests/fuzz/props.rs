//! Property tests: arbitrary strings and bytes, and real text with mutations, never make a
//! reader or the citation grammar panic, and their spans stay on character boundaries
//! inside the text.

use crate::harness::{PIECES, Rng, mutate_text, root};
use proptest::prelude::*;
use remiss::answer::{self, lexicon::Lexicon, stance};
use remiss::regulation;
use remiss::source::{self, Text};
use remiss::{Address, cite};
use std::path::Path;
use std::sync::OnceLock;

fn lex() -> &'static Lexicon {
    static L: OnceLock<Lexicon> = OnceLock::new();
    L.get_or_init(|| Lexicon::embedded().expect("the embedded lexicon loads"))
}

fn draft() -> &'static regulation::Regulation {
    static D: OnceLock<regulation::Regulation> = OnceLock::new();
    D.get_or_init(|| {
        let t = source::read(&root().join("tests/fixtures/small-draft.txt")).expect("reads");
        regulation::parse(&t)
    })
}

fn seed_answer() -> &'static str {
    static A: OnceLock<String> = OnceLock::new();
    A.get_or_init(|| {
        std::fs::read_to_string(
            root().join("corpus/msb-cybersakerhet/answers/socialforvaltningen.txt"),
        )
        .expect("reads")
    })
}

/// A real amendment (Lag 2025:1511, which repeals, renumbers, moves rubriker and inserts)
/// and the base it amends.
fn amendment_case() -> &'static (Text, regulation::Regulation, String) {
    static C: OnceLock<(Text, regulation::Regulation, String)> = OnceLock::new();
    C.get_or_init(|| {
        let b = source::read(&root().join(
            "corpus/sfs/lag-2022-482-elektronisk-kommunikation/sfs-2022-482_in-force-2026-01-14.txt",
        ))
        .expect("reads");
        let r = regulation::parse(&b);
        let a = std::fs::read_to_string(root().join("tests/fixtures/amend/lag-2025-1511.txt"))
            .expect("reads");
        (b, r, a)
    })
}

/// Text in the alphabet of statutes and answers, with the troublesome letters in it.
fn legal_text() -> impl Strategy<Value = String> {
    let pieces: Vec<String> = PIECES.iter().map(|s| s.to_string()).collect();
    prop::collection::vec(
        prop_oneof![
            3 => "[0-9]{1,3}",
            3 => "[a-zåäöA-ZÅÄÖ]{1,10}",
            2 => prop::sample::select(pieces),
            2 => prop::sample::select(vec![
                " ".to_string(),
                "\n".to_string(),
                ". ".to_string(),
                ", ".to_string(),
                "-".to_string(),
            ]),
            1 => any::<char>().prop_map(|c| c.to_string()),
        ],
        0..120,
    )
    .prop_map(|v| v.concat())
}

fn on_boundaries(text: &str, start: usize, end: usize) -> bool {
    start <= end && end <= text.len() && text.is_char_boundary(start) && text.is_char_boundary(end)
}

fn spans_ok(t: &Text) -> bool {
    t.blocks.iter().flat_map(|b| &b.lines).all(|l| {
        on_boundaries(&t.source, l.src().start, l.src().end)
            && on_boundaries(t.buf(), l.text().start, l.text().end)
    })
}

fn regulation_spans_ok(t: &Text, r: &regulation::Regulation) -> bool {
    r.paragraphs().all(|p| {
        on_boundaries(&t.source, p.span.start, p.span.end)
            && p.stycken
                .iter()
                .all(|s| on_boundaries(&t.source, s.span.start, s.span.end))
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn any_bytes_read_as_text_markdown_pdf_or_word_give_an_answer_not_a_panic(
        bytes in prop::collection::vec(any::<u8>(), 0..600),
        ext in prop::sample::select(vec!["txt", "md", "pdf", "docx", "bin"]),
    ) {
        if let Ok(t) = source::from_bytes(Path::new(&format!("x.{ext}")), &bytes) {
            prop_assert!(spans_ok(&t));
        }
    }

    #[test]
    fn the_regulation_parser_keeps_its_spans_inside_the_text(s in legal_text()) {
        let t = Text::from_plain("p", s.clone());
        let r = regulation::parse(&t);
        prop_assert!(regulation_spans_ok(&t, &r));
        let m = Text::from_markdown("p.md", s);
        let r = regulation::parse(&m);
        prop_assert!(regulation_spans_ok(&m, &r));
    }

    #[test]
    fn citations_lie_on_character_boundaries_and_hold_their_text(s in legal_text()) {
        for r in cite::resolve_all(&s, cite::Context::default(), Some(draft())) {
            prop_assert!(on_boundaries(&s, r.citation.start, r.citation.end));
            prop_assert_eq!(&s[r.citation.start..r.citation.end], r.citation.text.as_str());
        }
        let scan = cite::scan(&s);
        for c in &scan.citations {
            prop_assert!(on_boundaries(&s, c.start, c.end));
        }
        let _ = Address::parse(&s);
        let _ = Address::from_id(&s);
    }

    #[test]
    fn the_answer_reader_never_panics_on_any_text(s in legal_text()) {
        let t = Text::from_plain("a", s);
        let a = answer::parse(&t, lex());
        for sentence in &a.sentences {
            prop_assert!(on_boundaries(&t.source, sentence.span.start, sentence.span.end));
        }
        let table = stance::read(&a, Some(draft()), lex());
        for row in &table.rows {
            for e in &row.evidence {
                prop_assert!(on_boundaries(&t.source, e.span.start, e.span.end));
            }
        }
    }

    #[test]
    fn a_mutated_real_answer_keeps_its_evidence_inside_the_text(seed in any::<u64>()) {
        let s = mutate_text(seed_answer(), &mut Rng::new(seed));
        let t = Text::from_plain("a", s);
        let a = answer::parse(&t, lex());
        let table = stance::read(&a, Some(draft()), lex());
        for row in &table.rows {
            for e in &row.evidence {
                prop_assert!(on_boundaries(&t.source, e.span.start, e.span.end));
            }
        }
    }

    #[test]
    fn a_mutated_real_amendment_is_read_and_applied_without_a_panic(seed in any::<u64>()) {
        let (base_text, base, am) = amendment_case();
        let s = mutate_text(am, &mut Rng::new(seed));
        let t = Text::from_plain("am", s);
        if remiss::amend::is_amendment(&t)
            && let Ok(a) = remiss::amend::read(&t, Some(base))
        {
            for c in &a.clauses {
                prop_assert!(on_boundaries(&t.source, c.span.start, c.span.end));
            }
            for p in a.wording.paragraphs() {
                prop_assert!(on_boundaries(&t.source, p.span.start, p.span.end));
            }
            // An instruction that does not fit is an error; either way, no panic.
            let _ = remiss::amend::apply(base, base_text, &a);
        }
    }

    #[test]
    fn ids_that_parse_print_back_the_same(s in "[KPSN0-9a-c]{0,12}") {
        if let Some(a) = Address::from_id(&s) {
            let again = Address::from_id(&a.id());
            prop_assert_eq!(again, Some(a));
        }
    }
}

//! Benchmark of applying an amendment: 200 instructions (120 paragraphs changed, 40
//! inserted, 20 repealed, 20 renumbered) on Socialförsäkringsbalken (2026-01-01, 0.8 MB,
//! 2,034 paragraphs), against parsing the base and reading the amendment. The target:
//! applying takes no longer than parsing both.
//!
//! The amendment is generated from the base in the form of an SFS amending act: its
//! changed paragraphs are the base's wording with a sentence added, its new paragraphs
//! `N y §` after `N §`, its renumbered ones `N §` → `N z §`.

use criterion::{Criterion, criterion_group, criterion_main};
use remiss::amend;
use remiss::regulation::{self, Paragraf, Regulation};
use remiss::source::Text;
use std::collections::BTreeMap;
use std::hint::black_box;

const SFB: &str = include_str!(
    "../corpus/sfs/socialforsakringsbalk-2010-110/sfs-2010-110_in-force-2026-01-01.txt"
);

fn wording(p: &Paragraf) -> String {
    let mut s = String::new();
    for st in &p.stycken {
        s.push_str(&st.text);
        s.push_str("\n\n");
        for n in &st.punkter {
            s.push_str(&format!("{}. {}\n\n", n.label, n.text));
        }
    }
    s
}

/// The amendment text and how many instructions it holds.
pub fn amendment(base: &Regulation) -> (String, usize) {
    let paras: Vec<&Paragraf> = base
        .paragraphs()
        .filter(|p| p.repealed().is_none() && !p.stycken.is_empty() && p.label.letter.is_none())
        .collect();
    let step = paras.len() / 200;
    let mut change = Vec::new();
    let mut insert = Vec::new();
    let mut repeal = Vec::new();
    let mut renumber = Vec::new();
    for (i, p) in paras.iter().step_by(step).take(200).enumerate() {
        match i % 10 {
            0..=5 => change.push(*p),
            6 | 7 => insert.push(*p),
            8 => repeal.push(*p),
            _ => renumber.push(*p),
        }
    }
    let list = |v: &[&Paragraf], letter: Option<char>| {
        v.iter()
            .map(|p| match letter {
                Some(c) => format!("{} {c} §", p.display.trim_end_matches(" §")),
                None => p.display.clone(),
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    let renumbering: Vec<String> = renumber
        .iter()
        .map(|p| {
            format!(
                "dels att nuvarande {} ska betecknas {} z §",
                p.display,
                p.display.trim_end_matches(" §")
            )
        })
        .collect();
    let mut s = format!(
        "Svensk författningssamling\n\nSFS 2026:1\n\nLag\nom ändring i socialförsäkringsbalken\n\n\
         Enligt riksdagens beslut föreskrivs i fråga om socialförsäkringsbalken\n\
         dels att {} ska upphöra att gälla,\n{},\n\
         dels att {} ska ha följande lydelse,\n\
         dels att det i balken ska införas {} nya paragrafer, {}, av följande lydelse.\n\n",
        list(&repeal, None),
        renumbering.join(",\n"),
        list(&change, None),
        insert.len(),
        list(&insert, Some('y')),
    );
    // The wording, chapter by chapter in the order of the base.
    let mut by_chapter: BTreeMap<(usize, String), Vec<String>> = BTreeMap::new();
    let order: BTreeMap<String, usize> = base
        .kapitel
        .iter()
        .enumerate()
        .map(|(i, k)| (k.display.clone(), i))
        .collect();
    let chapter = |p: &Paragraf| {
        let k = p.display.split(" kap.").next().unwrap_or("").to_string() + " kap.";
        (order.get(&k).copied().unwrap_or(0), k)
    };
    for p in &change {
        by_chapter.entry(chapter(p)).or_default().push(format!(
            "{} § {}Lagen gäller även i detta fall.",
            p.label,
            wording(p)
        ));
    }
    for p in &insert {
        by_chapter.entry(chapter(p)).or_default().push(format!(
            "{} y § Den som avses i {} § har samma rätt.",
            p.label, p.label
        ));
    }
    for ((_, k), mut ps) in by_chapter {
        ps.sort_by_key(|t| {
            let l = t.split(" §").next().unwrap_or("");
            remiss::Label::parse(l).unwrap_or(remiss::Label::new(0))
        });
        s.push_str(&format!("{k}\n\n"));
        for p in ps {
            s.push_str(&p);
            s.push_str("\n\n");
        }
    }
    s.push_str("Denna lag träder i kraft den 1 juli 2026.\n\nPå regeringens vägnar\n");
    (
        s,
        change.len() + insert.len() + repeal.len() + renumber.len(),
    )
}

fn apply(c: &mut Criterion) {
    let base_text = Text::from_plain("sfb.txt", SFB.to_string());
    let base = regulation::parse(&base_text);
    let (src, n) = amendment(&base);
    let am_text = Text::from_plain("andring.txt", src.clone());
    let am = amend::read(&am_text, Some(&base)).expect("the generated amendment reads");
    assert_eq!(am.instructions.len(), n);
    assert_eq!(n, 200);
    let out = amend::apply(&base, &base_text, &am).expect("the generated amendment applies");
    assert_eq!(out.applied.len(), 200);

    let mut g = c.benchmark_group("apply");
    g.sample_size(20);
    g.bench_function(
        "parse base and read amendment (2,034 §, 200 instructions)",
        |b| {
            b.iter(|| {
                let t = Text::from_plain("sfb.txt", SFB.to_string());
                let r = regulation::parse(black_box(&t));
                let a = Text::from_plain("andring.txt", src.clone());
                black_box(amend::read(&a, Some(&r)).ok())
            })
        },
    );
    g.bench_function("apply 200 instructions to 2,034 §", |b| {
        b.iter(|| black_box(amend::apply(&base, &base_text, black_box(&am)).ok()))
    });
    g.finish();
}

criterion_group!(benches, apply);
criterion_main!(benches);

//! Benchmark of the answer stage: reading seed-size answers against a 500-paragraph draft.
//!
//! The draft is the sample case's draft with its chapters repeated eight times (renumbered),
//! about 490 paragraphs; the answer is the real Stockholm answer (14 kB).

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use remiss::answer::{self, lexicon::Lexicon, stance, topic::TopicIndex};
use remiss::regulation;
use remiss::source::Text;
use std::hint::black_box;

const DRAFT: &str = include_str!("../corpus/msb-cybersakerhet/drafts/1-remissversion.txt");
const SEED: &str = include_str!("../corpus/msb-cybersakerhet/answers/stockholm-ks-2025-1384.txt");

fn big_draft() -> String {
    let body = DRAFT
        .split("\nÖvergångsbestämmelser\n")
        .next()
        .unwrap_or(DRAFT);
    let mut out = String::new();
    for copy in 0..8u32 {
        for line in body.lines() {
            match line.split_once(" kap. ") {
                Some((n, rest))
                    if !n.is_empty()
                        && n.bytes().all(|b| b.is_ascii_digit())
                        && rest.starts_with(|c: char| c.is_uppercase()) =>
                {
                    let n: u32 = n.parse().unwrap_or(0);
                    out.push_str(&format!("{} kap. {rest}\n", n + 6 * copy));
                }
                _ if copy > 0 && !line.contains(" kap. ") && out.is_empty() => {}
                _ => {
                    out.push_str(line);
                    out.push('\n');
                }
            }
        }
    }
    out
}

fn stances(c: &mut Criterion) {
    let draft = regulation::parse(&Text::from_plain("draft.txt", big_draft()));
    assert!(
        draft.paragraph_count() >= 480,
        "{}",
        draft.paragraph_count()
    );
    let lex = Lexicon::embedded().expect("lexicon");
    let index = TopicIndex::build(&draft);
    let mut g = c.benchmark_group("stances");
    g.throughput(Throughput::Bytes(SEED.len() as u64));
    g.bench_function("one seed-size answer vs 490-paragraph draft", |b| {
        b.iter(|| {
            let text = Text::from_plain("answer.txt", black_box(SEED).to_string());
            let parsed = answer::parse(&text, &lex);
            black_box(
                stance::read_with_index(&parsed, Some(&draft), Some(&index), &lex)
                    .rows
                    .len(),
            )
        })
    });
    // The two halves, to see which one a change costs.
    g.bench_function("answer parse only", |b| {
        b.iter(|| {
            let text = Text::from_plain("answer.txt", black_box(SEED).to_string());
            black_box(answer::parse(&text, &lex).sentences.len())
        })
    });
    let parsed = answer::parse(&Text::from_plain("answer.txt", SEED.to_string()), &lex);
    g.bench_function("stance reading only", |b| {
        b.iter(|| {
            black_box(
                stance::read_with_index(black_box(&parsed), Some(&draft), Some(&index), &lex)
                    .rows
                    .len(),
            )
        })
    });
    g.bench_function("topic index of the draft (once per draft)", |b| {
        b.iter(|| black_box(TopicIndex::build(black_box(&draft))))
    });
    g.finish();
}

criterion_group!(benches, stances);
criterion_main!(benches);

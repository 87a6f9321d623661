//! Benchmark of the alignment stage alone (`compare::align`, the heart of `remiss diff`),
//! parsing excluded: the real LEK version pair (244 paragraphs) and the ~970-paragraph pair
//! of `benches/diff.sh` (each version four times over, chapters shifted by 15 per copy, the
//! övergångsbestämmelser once), built the same way in memory.
//!
//! The four-copy pair runs once on one thread and once on two, as `remiss diff` does where
//! there are two processors.
//!
//! The "write" group times the writers of `remiss diff --format json` and `--format html`
//! alone, on the four-copy pair aligned once: after the alignment, they are what one
//! format costs more than another.
//!
//! Run with `cargo bench --bench align`. Instruction counts, which do not depend on the
//! machine's load: `valgrind --tool=callgrind --toggle-collect='remiss::compare::align*'` on
//! `remiss diff` of the pair `benches/diff.sh` builds.

use criterion::{Criterion, criterion_group, criterion_main};
use remiss::compare::{Options, align};
use remiss::regulation::{self, Regulation};
use remiss::source::Text;
use std::hint::black_box;

const OLD: &str = include_str!(
    "../corpus/sfs/lag-2022-482-elektronisk-kommunikation/sfs-2022-482_in-force-2026-01-14.txt"
);
const NEW: &str = include_str!(
    "../corpus/sfs/lag-2022-482-elektronisk-kommunikation/sfs-2022-482_in-force-2026-01-15.txt"
);

/// Four copies of a version, as `benches/diff.sh` builds them: every copy but the last stops
/// at the övergångsbestämmelser, chapter headings shifted by 15 per copy.
fn four_copies(src: &str) -> String {
    let mut out = String::with_capacity(src.len() * 4);
    for copy in 0..4u32 {
        for line in src.lines() {
            if copy < 3 && line == "Övergångsbestämmelser" {
                break;
            }
            match line.split_once(" kap. ") {
                Some((n, rest))
                    if !n.is_empty()
                        && n.bytes().all(|b| b.is_ascii_digit())
                        && rest.starts_with(|c: char| c.is_uppercase()) =>
                {
                    let n: u32 = n.parse().unwrap_or(0);
                    out.push_str(&format!("{} kap. {rest}\n", n + 15 * copy));
                }
                _ => {
                    out.push_str(line);
                    out.push('\n');
                }
            }
        }
        out.push('\n');
    }
    out
}

fn parse(name: &str, src: String) -> Regulation {
    regulation::parse(&Text::from_plain(name, src))
}

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("align");
    let (old, new) = (
        parse("old.txt", OLD.to_string()),
        parse("new.txt", NEW.to_string()),
    );
    g.bench_function("LEK version pair (244 paragraphs)", |b| {
        b.iter(|| align(black_box(&old), black_box(&new), &Options::default()))
    });
    let (old4, new4) = (
        parse("old.txt", four_copies(OLD)),
        parse("new.txt", four_copies(NEW)),
    );
    assert!(old4.paragraph_count() > 900 && new4.paragraph_count() > 900);
    g.bench_function("four-copy pair (~970 paragraphs)", |b| {
        b.iter(|| align(black_box(&old4), black_box(&new4), &Options::default()))
    });
    // As `remiss diff` runs it on two processors, with its helper kept for all the runs
    // (the same map; compare the two lines of one run, as the machine's load moves both).
    let two = Options {
        threads: 2,
        ..Options::default()
    };
    remiss::threads::with_helper(|| {
        g.bench_function("four-copy pair (~970 paragraphs), two threads", |b| {
            b.iter(|| align(black_box(&old4), black_box(&new4), &two))
        });
    });
    g.finish();
}

fn write(c: &mut Criterion) {
    let mut g = c.benchmark_group("write");
    let (old4, new4) = (
        parse("old.txt", four_copies(OLD)),
        parse("new.txt", four_copies(NEW)),
    );
    let map = align(&old4, &new4, &Options::default());
    g.bench_function("json, four-copy pair", |b| {
        b.iter(|| remiss::render::compare::write_json(&mut std::io::sink(), black_box(&map)))
    });
    g.bench_function("html, four-copy pair", |b| {
        b.iter(|| {
            remiss::render::compare::write_html(
                &mut std::io::sink(),
                black_box(&map),
                &old4,
                &new4,
                None,
            )
        })
    });
    g.finish();
}

criterion_group!(benches, bench, write);
criterion_main!(benches);

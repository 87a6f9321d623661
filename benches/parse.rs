//! Benchmarks of the reading stages: regulation parsing and citation extraction.
//!
//! The statute is built from the real LEK text (2026-01-15) repeated four times with the
//! chapter numbers shifted, about 0.6 MB and 960 paragraphs. Socialförsäkringsbalken
//! (2026-01-01, 0.8 MB, 2,034 paragraphs under avdelningar and underavdelningar, some printed
//! without a blank line before them) is read as it is. The 50 MB statute is the 0.6 MB one
//! 85 times over. Each is read from a file and parsed as `remiss parse` does it (a large file
//! is mapped, not copied into a fresh buffer). The tree is freed outside the timing, as
//! `remiss parse` never frees it (it leaves it to the system at exit); so each iteration
//! builds its tree in memory the earlier ones still hold, as a fresh process does, where
//! freeing it inside the loop let the next iteration reuse warm pages (faster on the small
//! texts, slower on the 50 MB one). Targets (issue 14): parsing at least 200 MB/s,
//! citations at least 100 MB/s.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use remiss::cite::{self, Context};
use remiss::regulation;
use remiss::source;
use std::hint::black_box;
use std::path::Path;

// The allocator the `remiss` binary ships with (src/main.rs), so the figures are those of
// the program a user runs: the library alone would measure the system allocator instead.
#[global_allocator]
static ALLOCATOR: remiss::allocator::Allocator = remiss::allocator::Allocator;

const LEK: &str = include_str!(
    "../corpus/sfs/lag-2022-482-elektronisk-kommunikation/sfs-2022-482_in-force-2026-01-15.txt"
);
const SEED: &str = include_str!("../tests/fixtures/stockholm-ks-2025-1384-remissvar.txt");
const SFB: &str = include_str!(
    "../corpus/sfs/socialforsakringsbalk-2010-110/sfs-2010-110_in-force-2026-01-01.txt"
);

/// LEK four times, chapters renumbered 1–60, transitional provisions dropped but the last.
pub fn big_statute() -> String {
    let body = LEK.split("\nÖvergångsbestämmelser\n").next().unwrap_or(LEK);
    let mut out = String::with_capacity(LEK.len() * 4);
    for copy in 0..4u32 {
        for line in body.lines() {
            match line.split_once(" kap. ") {
                Some((n, rest))
                    if n.bytes().all(|b| b.is_ascii_digit())
                        && !n.is_empty()
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
    }
    out
}

/// Reads and parses a file as `remiss parse` does: [`source::read_unsplit`] (a large file
/// is mapped, not copied, and the blocks are made as the parser takes them) and
/// [`regulation::parse_consuming`]. The tree is returned, not
/// dropped: the benches hand it to criterion's `iter_with_large_drop`, which frees it
/// outside the timing, as `remiss parse` leaves its tree to the system at exit. The text
/// (its mapping) is released here, as the binary does before writing.
fn read_and_parse(path: &Path) -> regulation::Regulation {
    match source::read_unsplit(path) {
        Ok(mut t) => regulation::parse_consuming(&mut t),
        Err(e) => panic!("{e}"),
    }
}

fn parse(c: &mut Criterion) {
    // The texts are written to files once and read from there in each iteration, as the
    // binary reads them: from the page cache, which a repeated run of a command also hits.
    let dir = match tempfile::tempdir() {
        Ok(d) => d,
        Err(e) => panic!("a temporary folder: {e}"),
    };
    let write = |name: &str, text: &str| {
        let p = dir.path().join(name);
        if let Err(e) = std::fs::write(&p, text) {
            panic!("{}: {e}", p.display());
        }
        p
    };
    let src = big_statute();
    let big = write("big.txt", &src);
    let sfb = write("sfb.txt", SFB);
    // The 0.6 MB statute 85 times over (chapters repeat, as in benches/parse_memory.sh):
    // about 50 MB, where the bytes touched more than once show.
    let huge_len = src.len() * 85;
    let huge = write("huge.txt", &src.repeat(85));

    assert!(read_and_parse(&big).paragraph_count() > 900);
    let mut g = c.benchmark_group("regulation");
    g.throughput(Throughput::Bytes(src.len() as u64));
    g.bench_function("read+parse 0.6 MB statute", |b| {
        b.iter_with_large_drop(|| read_and_parse(black_box(&big)))
    });
    g.throughput(Throughput::Bytes(SFB.len() as u64));
    // A sanity check that the whole balk is read (its accuracy is tested elsewhere).
    let n = read_and_parse(&sfb).paragraph_count();
    assert!((2000..2100).contains(&n), "{n}");
    g.bench_function("read+parse Socialförsäkringsbalken", |b| {
        b.iter_with_large_drop(|| read_and_parse(black_box(&sfb)))
    });
    g.finish();

    let mut g = c.benchmark_group("regulation-50MB");
    g.sample_size(10);
    g.throughput(Throughput::Bytes(huge_len as u64));
    g.bench_function("read+parse 50 MB statute", |b| {
        b.iter_with_large_drop(|| read_and_parse(black_box(&huge)))
    });
    g.finish();

    let mut g = c.benchmark_group("citations");
    g.throughput(Throughput::Bytes(src.len() as u64));
    g.bench_function("statute text", |b| {
        b.iter(|| black_box(cite::resolve_all(black_box(&src), Context::default(), None).len()))
    });
    let answers = SEED.repeat(40);
    g.throughput(Throughput::Bytes(answers.len() as u64));
    g.bench_function("answer text", |b| {
        b.iter(|| black_box(cite::resolve_all(black_box(&answers), Context::default(), None).len()))
    });
    g.finish();
}

criterion_group!(benches, parse);
criterion_main!(benches);

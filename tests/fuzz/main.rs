//! Fuzzing on stable Rust: property tests (proptest) for each reader and the citation
//! grammar, and a mutation harness over the real corpus. `cargo test` runs a bounded number
//! of cases (seconds); `benches/fuzz.sh` runs the harness for minutes and keeps what it finds.
//!
//! Every target checks the same things: no panic, and every span lies inside the text it
//! indexes, on character boundaries.

mod harness;
mod props;

use harness::{Findings, Target};

/// The bounded run inside `cargo test`: a fixed set of seeds, so a failure is reproducible
/// by its case number (`REMISS_FUZZ_CASE=N` reruns one case).
#[test]
fn mutated_corpus_never_panics_and_keeps_spans_inside_the_text() {
    let cases: u64 = std::env::var("REMISS_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(120);
    let h = harness::Harness::small();
    let mut findings = Findings::default();
    match std::env::var("REMISS_FUZZ_CASE")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
    {
        Some(one) => h.run_case(one, &mut findings),
        None => {
            for case in 0..cases {
                h.run_case(case, &mut findings);
            }
        }
    }
    assert!(findings.is_empty(), "{}", findings.report());
    println!("{}", findings.summary());
    for t in Target::ALL {
        assert!(findings.runs(t) > 0, "{t:?} was never run");
    }
}

/// The long run (`benches/fuzz.sh`): the whole corpus, for `REMISS_FUZZ_SECONDS` (default
/// 600), writing each finding's input into `REMISS_FUZZ_OUT` (default target/fuzz-findings).
#[test]
#[ignore = "minutes; run by benches/fuzz.sh"]
fn long_mutation_run() {
    let seconds: u64 = std::env::var("REMISS_FUZZ_SECONDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(600);
    let out = std::env::var("REMISS_FUZZ_OUT")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|_| harness::root().join("target/fuzz-findings"));
    let first: u64 = std::env::var("REMISS_FUZZ_FIRST")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let h = harness::Harness::full();
    let findings = h.run_for(std::time::Duration::from_secs(seconds), first, &out);
    println!("{}", findings.summary());
    assert!(findings.is_empty(), "{}", findings.report());
}

/// Inputs the harness found (tests/fixtures/fuzz/): each gives an answer in time.
#[test]
fn fuzz_findings_give_an_answer_in_time() {
    let dir = harness::root().join("tests/fixtures/fuzz");
    let limit = std::time::Duration::from_millis(500);
    for e in std::fs::read_dir(&dir).expect("the findings folder") {
        let path = e.expect("an entry").path();
        let Some(ext) = path.extension().and_then(|x| x.to_str()) else {
            continue;
        };
        let bytes = std::fs::read(&path).expect("reads");
        let start = std::time::Instant::now();
        let r = match ext {
            "pdf" => remiss::source::pdf::from_bytes_within(&path, &bytes, limit).map(|_| ()),
            "md" => continue,
            _ => remiss::source::from_bytes(&path, &bytes).map(|_| ()),
        };
        let took = start.elapsed();
        assert!(
            took < limit + std::time::Duration::from_secs(1),
            "{}: {took:?}",
            path.display()
        );
        // A damaged file may be refused; it must be refused with a clear error.
        if let Err(e) = r {
            assert!(e.to_string().contains(&path.display().to_string()), "{e}");
        }
    }
}

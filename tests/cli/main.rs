//! Integration tests: run the real `remiss` binary on fixture files and the shipped corpus.

mod amend;
mod browser;
mod build;
mod diff;
mod parse;
mod readme;
mod refs;
mod render;
mod safety;
mod serve;
mod serve_browser;
mod serve_load;
mod sources;
mod stances;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository root (where `corpus/` and `tests/fixtures/` live).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn corpus(rel: &str) -> PathBuf {
    root().join("corpus").join(rel)
}

pub fn fixture(rel: &str) -> PathBuf {
    root().join("tests/fixtures").join(rel)
}

/// Runs `remiss ARGS` and returns its output.
pub fn remiss<I, S>(args: I) -> Output
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    Command::new(env!("CARGO_BIN_EXE_remiss"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("the remiss binary runs")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A temporary directory holding files written by a test.
pub fn temp_files(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for (name, bytes) in files {
        let p: &Path = dir.path();
        std::fs::write(p.join(name), bytes).expect("write fixture");
    }
    dir
}

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

/// A program named by the environment variable `var`, or the first of `names` on PATH.
pub fn find_program(var: &str, names: &[&str]) -> Option<PathBuf> {
    if let Some(p) = std::env::var_os(var) {
        return Some(PathBuf::from(p));
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|d| names.iter().map(move |n| d.join(n)))
        .find(|p| p.is_file())
}

/// Chromium, for the browser tests (`REMISS_CHROMIUM` or on PATH).
pub fn chromium() -> Option<PathBuf> {
    find_program(
        "REMISS_CHROMIUM",
        &["chromium", "chromium-browser", "google-chrome"],
    )
}

/// Headless Chromium as root in a container, with nothing reaching the network on its own.
pub const CHROMIUM_FLAGS: [&str; 8] = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
];

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

/// The unwinder is linked into the binary (see `build.rs`), so no run loads
/// `libgcc_s.so.1` and runs its constructor: the binary names no such library for the
/// loader. Where the C compiler has no `libgcc_eh.a`, the build keeps the library (and
/// says so), and there is nothing to check.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[test]
fn the_binary_loads_no_shared_unwinder() {
    let cc = std::env::var("CC").unwrap_or_else(|_| "cc".to_string());
    let archive = Command::new(cc)
        .arg("-print-file-name=libgcc_eh.a")
        .output()
        .map(|o| PathBuf::from(String::from_utf8_lossy(&o.stdout).trim()))
        .ok();
    if !archive.is_some_and(|a| a.is_absolute() && a.is_file()) {
        return;
    }
    let bin = std::fs::read(env!("CARGO_BIN_EXE_remiss")).expect("the binary is readable");
    assert!(
        memchr::memmem::find(&bin, b"libgcc_s.so").is_none(),
        "the remiss binary still asks the loader for libgcc_s.so"
    );
}

/// The binary is linked at a fixed address (see `build.rs`): an ELF executable of type
/// `ET_EXEC`, which the loader need not relocate, unless the build was asked for a
/// position-independent one (`REMISS_PIE`) or the C compiler does not know `-no-pie`.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[test]
fn the_binary_is_linked_at_a_fixed_address() {
    if option_env!("REMISS_PIE").is_some_and(|v| !v.is_empty()) {
        return;
    }
    let cc = std::env::var("CC").unwrap_or_else(|_| "cc".to_string());
    let knows = Command::new(cc)
        .args(["-no-pie", "-E", "-x", "c", "-o", "/dev/null", "/dev/null"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !knows {
        return;
    }
    let bin = std::fs::read(env!("CARGO_BIN_EXE_remiss")).expect("the binary is readable");
    // e_type, after the 16 bytes of e_ident, in the byte order e_ident[5] names (2: big).
    let e_type = bin.get(16..18).map(|t| match bin[5] {
        2 => u16::from_be_bytes([t[0], t[1]]),
        _ => u16::from_le_bytes([t[0], t[1]]),
    });
    assert_eq!(
        e_type,
        Some(2),
        "the remiss binary is not ET_EXEC (3 is a position-independent executable)"
    );
}

/// A closed standard descriptor is opened on `/dev/null` before any work, so that no file
/// the program opens takes its number. Seen from inside: `/dev/fd/1` of a run started with
/// standard output closed is the null device (refused as a device), not missing.
#[cfg(unix)]
#[test]
fn a_closed_standard_descriptor_is_opened_on_the_null_device() {
    for (fd, close) in [(0, "<&-"), (1, ">&-")] {
        let out = Command::new("sh")
            .arg("-c")
            .arg(format!("exec \"$0\" parse /dev/fd/{fd} {close}"))
            .arg(env!("CARGO_BIN_EXE_remiss"))
            .output()
            .expect("sh runs");
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "fd {fd}: {err}");
        assert!(err.contains("device"), "fd {fd}: {err}");
    }
}

/// Output into a pipe whose reader has gone ends the run with its own exit code, not by
/// SIGPIPE.
#[cfg(unix)]
#[test]
fn a_reader_gone_from_the_pipe_does_not_kill_the_run() {
    let statute =
        corpus("sfs/lag-2006-24-nationella-toppdomaner/sfs-2006-24_in-force-2026-01-15.txt");
    let mut child = Command::new(env!("CARGO_BIN_EXE_remiss"))
        .args([
            "parse".as_ref(),
            statute.as_os_str(),
            "--format".as_ref(),
            "tsv".as_ref(),
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("remiss runs");
    drop(child.stdout.take());
    let out = child.wait_with_output().expect("remiss ends");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

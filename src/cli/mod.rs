//! Shared plumbing of the subcommands: output handling, error reporting, exit codes.

pub mod apply;
pub mod build;
pub mod diff;
pub mod exit;
pub mod init;
pub mod parse;
pub mod refs;
pub mod serve;
pub mod stances;

use std::io::{self, Write};

// The exit codes live in `exit`; these names are kept for the subcommands.
pub use exit::{
    FINDINGS as EXIT_FINDINGS, INPUT as EXIT_INPUT, OK as EXIT_OK, OUTPUT as EXIT_OUTPUT,
};

/// What a subcommand returns: its exit code, or an error to report.
pub type CmdResult = anyhow::Result<u8>;

/// Output could not be written (exit code 4).
#[derive(Debug, thiserror::Error)]
#[error("cannot write the output: {0}")]
pub struct OutputError(#[from] pub io::Error);

/// Writes output to stdout, treating a closed pipe (`remiss parse x | head`) as success.
pub fn emit(s: &str) -> Result<(), OutputError> {
    let stdout = io::stdout();
    let mut lock = stdout.lock();
    match lock.write_all(s.as_bytes()).and_then(|_| lock.flush()) {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        r => Ok(r?),
    }
}

/// Streams output to stdout through a buffer, so large outputs are never held whole in
/// memory; a closed pipe is success.
pub fn emit_with(f: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> Result<(), OutputError> {
    let stdout = io::stdout();
    let mut w = io::BufWriter::with_capacity(1 << 16, stdout.lock());
    match f(&mut w).and_then(|_| w.flush()) {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        r => Ok(r?),
    }
}

/// Prints the error chain and maps it to an exit code.
pub fn finish(result: CmdResult) -> u8 {
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("{}", error_message(&e));
            exit::of(&e)
        }
    }
}

/// `error: ...` with each cause on its own line, each said once: a cause whose text the
/// message already holds (library errors name their cause in their own text) is left out.
pub fn error_message(e: &anyhow::Error) -> String {
    let mut msg = format!("error: {e}");
    for cause in e.chain().skip(1) {
        let c = cause.to_string();
        if !msg.contains(&c) {
            msg.push_str(&format!("\n  caused by: {c}"));
        }
    }
    msg
}

/// Prints notices (such as a legacy encoding) to stderr.
pub fn notices(text: &remiss::source::Text) {
    for n in &text.notices {
        eprintln!("notice: {n}");
    }
}

//! Errors of the library stages, typed so the CLI can map them to exit codes.

use std::path::PathBuf;

/// Everything that can go wrong while reading or interpreting an input.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{path}: cannot read the file: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: the file is empty")]
    Empty { path: PathBuf },
    #[error(
        "{path}: this is not a text document (binary content at byte {offset}); give a .txt, .md, .pdf or .docx file"
    )]
    Binary { path: PathBuf, offset: usize },
    #[error("{path}: the file is {size} bytes, over the limit of {limit} bytes")]
    TooLarge {
        path: PathBuf,
        size: u64,
        limit: u64,
    },
    #[error("{path}: no paragraf (`N §`) found; this does not look like a regulation text")]
    NotARegulation { path: PathBuf },
    #[error("{path}: invalid UTF-16 text at byte {offset}")]
    BadUtf16 { path: PathBuf, offset: usize },
}

impl Error {
    /// The documented exit code for this error (see README, "Exit codes").
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::NotARegulation { .. } => 3,
            _ => 2,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

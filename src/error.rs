//! Errors of the library stages, typed so the CLI can map them to exit codes (the
//! binary's `cli::exit` module holds the mapping).

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
    #[error("{path}: not a regular file (a {kind}); give a .txt, .md, .pdf or .docx file")]
    NotAFile { path: PathBuf, kind: &'static str },
    #[error("{path}: the file is empty")]
    Empty { path: PathBuf },
    #[error(
        "{path}: this is not a text document (binary content at byte {offset}); give a .txt, .md, .pdf or .docx file"
    )]
    Binary { path: PathBuf, offset: usize },
    #[error("{path}: the file is {size} bytes or more, over the limit of {limit} bytes")]
    TooLarge {
        path: PathBuf,
        size: u64,
        limit: u64,
    },
    #[error(
        "{path}: the text read from it is longer than {limit} bytes, more than can be addressed"
    )]
    TextTooLong { path: PathBuf, limit: u64 },
    #[error("{path}: no paragraf (`N §`) found; this does not look like a regulation text")]
    NotARegulation { path: PathBuf },
    #[error("{path}: invalid UTF-16 text at byte {offset}")]
    BadUtf16 { path: PathBuf, offset: usize },
    #[error(
        "{path}: the PDF has {pages} page(s) but no text layer (a scanned document?); run OCR on it first, for example `ocrmypdf --language swe {path} with-text.pdf`, and read the result"
    )]
    PdfNoText { path: PathBuf, pages: usize },
    #[error(
        "{path}: the PDF is protected by a password and cannot be read; ask the sender for an unprotected copy, or remove the protection (for example `qpdf --decrypt --password=PASSWORD in.pdf out.pdf`)"
    )]
    PdfEncrypted { path: PathBuf },
    #[error("{path}: the PDF is damaged and cannot be read: {reason}")]
    PdfCorrupt { path: PathBuf, reason: String },
    #[error("{path}: named .docx but it is not a Word document (not a zip archive)")]
    DocxNotZip { path: PathBuf },
    #[error("{path}: the Word document cannot be read: {reason}")]
    DocxCorrupt { path: PathBuf, reason: String },
    #[error("{path}: refused to unpack {entry}: {reason}; this looks like a zip bomb")]
    ZipBomb {
        path: PathBuf,
        entry: String,
        reason: String,
    },
    #[error(
        "{path}: the document reader failed on this file ({message}); the file is probably damaged"
    )]
    ReaderFailed { path: PathBuf, message: String },
    #[error(
        "{path}: reading took longer than {seconds} s and was abandoned; the file is probably damaged"
    )]
    TimedOut { path: PathBuf, seconds: u64 },
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

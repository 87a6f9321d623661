//! Exit codes of every subcommand, in one place. The README's "Exit codes" table is the
//! documentation of this module; keep the two in step.

use remiss::case::CaseError;
use remiss::case::output::OutputError as WriteRefused;

/// Success.
pub const OK: u8 = 0;
/// Findings: `diff` found differences, `check` found defects, `build --keep-going` skipped
/// files.
pub const FINDINGS: u8 = 1;
/// A usage error, or an input that cannot be read.
pub const INPUT: u8 = 2;
/// The input was read but is not what the command needs (no paragraf, no positions).
pub const NOT_WHAT_IS_NEEDED: u8 = 3;
/// The output could not be written, or was refused (it would overwrite something that is
/// not a previous output).
pub const OUTPUT: u8 = 4;

/// The exit code for an error chain: the first cause that says what kind of failure it is.
pub fn of(e: &anyhow::Error) -> u8 {
    for cause in e.chain() {
        if let Some(le) = cause.downcast_ref::<remiss::Error>() {
            return library(le);
        }
        if let Some(ae) = cause.downcast_ref::<remiss::amend::AmendError>() {
            return match ae {
                remiss::amend::AmendError::NotAnAmendment { .. } => NOT_WHAT_IS_NEEDED,
                _ => INPUT,
            };
        }
        if cause
            .downcast_ref::<super::stances::NoPositions>()
            .is_some()
        {
            return NOT_WHAT_IS_NEEDED;
        }
        if cause.downcast_ref::<super::OutputError>().is_some()
            || cause.downcast_ref::<WriteRefused>().is_some()
        {
            return OUTPUT;
        }
        if let Some(remiss::serve::ServeError::Bind { .. }) = cause.downcast_ref() {
            return OUTPUT;
        }
        if let Some(CaseError::Read { source, .. }) = cause.downcast_ref::<CaseError>() {
            return library(source);
        }
    }
    INPUT
}

/// The exit code for a library error.
pub fn library(e: &remiss::Error) -> u8 {
    match e {
        remiss::Error::NotARegulation { .. } => NOT_WHAT_IS_NEEDED,
        _ => INPUT,
    }
}

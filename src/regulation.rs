//! Stage 2a, structure: a regulation [`Text`](crate::source::Text) becomes a tree of kapitel,
//! rubriker, paragrafer, stycken, punkter, allmänna råd, övergångsbestämmelser and bilagor.
//!
//! - [`tree`]: the tree and its flat node view (what `remiss parse` prints);
//! - `lines`: the shapes of single lines (labels, punkter, rubriker, markers, notes);
//! - `parse`: the reading loop that classifies blocks with a short lookahead;
//! - `build`: the builder that adds classified blocks to the tree and finishes it;
//! - `metadata`: the first page's facts (issuer, FS number, dates, bemyndigande, draft or
//!   not, the base an amendment names).

mod blk;
mod build;
mod lines;
mod metadata;
mod parse;
#[cfg(test)]
use parse::join_counting;
pub mod tree;

// The amendment stage reads amendment notes as the parser does.
pub(crate) use lines::strip_amendment_note;
pub use parse::{Cuts, Piece, join_pieces, parse, parse_consuming, parse_piece};
pub use tree::*;

#[cfg(test)]
mod tests;

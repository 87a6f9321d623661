//! The Swedish citation grammar, shared by every stage: finds `2 kap. 7 §`, ranges, lists,
//! stycken, punkter and references to other texts in running text, and resolves them.

mod grammar;
mod resolve;
mod tokens;

use crate::address::{Address, Label, PunktLabel, ordinal_value};
pub use grammar::{parse_single_address, scan};
pub use resolve::{Context, Outline, Reason, Resolved, Unresolved, expand, resolve, resolve_all};
use serde::Serialize;
use tokens::*;

/// The Swedish months in order, as acts and documents date themselves (`av den 31 mars
/// 2004`, `beslutade den 9 februari 2026`).
pub const MONTHS: [&str; 12] = [
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
];

/// What a citation points at.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CiteKind {
    /// One or more chapters of the document in hand (`3 kap.`, `kapitlet`, `2–4 kap.`).
    Chapter,
    /// Paragraphs (`7 §`, `10–11 §§`).
    Paragraph,
    /// A stycke of a paragraph (`13 § andra stycket`).
    Stycke,
    /// A punkt (`2 kap. 13 § första stycket 2`, `punkt 1`).
    Punkt,
    /// Another Swedish act (`2 kap. 3 § regeringsformen`, `lagen (2022:482)`, `SFS 2025:1506`).
    ExternalLaw,
    /// Preparatory works (`prop. 2025/26:28`, `SOU 2024:18`, `Ds 2014:1`).
    Forarbete,
    /// An EU act (`förordning (EU) 2016/679`, `artikel 21 i NIS2-direktivet`).
    EuAct,
    /// An agency's regulations (`MSBFS 2020:7`, `AFS 2023:1`).
    AgencyRegulation,
    /// A standard (`ISO 27002`).
    Standard,
    /// A section of a report (`avsnitt 7.1.2`): a target in the report, not in the regulation.
    ReportSection,
}

impl CiteKind {
    pub fn as_str(&self) -> &'static str {
        match self {
            CiteKind::Chapter => "chapter",
            CiteKind::Paragraph => "paragraph",
            CiteKind::Stycke => "stycke",
            CiteKind::Punkt => "punkt",
            CiteKind::ExternalLaw => "external-law",
            CiteKind::Forarbete => "forarbete",
            CiteKind::EuAct => "eu-act",
            CiteKind::AgencyRegulation => "agency-regulation",
            CiteKind::Standard => "standard",
            CiteKind::ReportSection => "report-section",
        }
    }
    /// Whether the citation names a part of the document in hand.
    pub fn is_internal(&self) -> bool {
        matches!(
            self,
            CiteKind::Chapter | CiteKind::Paragraph | CiteKind::Stycke | CiteKind::Punkt
        )
    }
}

/// How a citation sits in the text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    /// A reference in running text.
    Reference,
    /// A chapter heading line (`2 kap. Organisatoriska säkerhetsåtgärder`): sets the chapter context.
    Heading,
}

/// One member of a citation as written: a single place or a range of places.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum Member {
    One { at: Address },
    Range { from: Address, to: Address },
}

/// A citation found in text, before resolution.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Citation {
    /// Byte range in the text that was scanned.
    pub start: usize,
    pub end: usize,
    pub text: String,
    pub kind: CiteKind,
    pub role: Role,
    /// The places named, as written (relative members lack the chapter or paragraph).
    pub members: Vec<Member>,
    /// For references to other texts: the act as written (`regeringsformen`, `SFS 2025:1506`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub act: Option<String>,
    /// Sentence number within the scanned text (for context of relative citations).
    #[serde(skip)]
    pub sentence: u32,
    /// Whether the citation needs context (no chapter given, `kapitlet`, `punkt 1`).
    pub relative: bool,
}

/// A paragraph label that starts a block (`7 § Text ...`) in a regulation being scanned: not a
/// citation, but the structural context for `första stycket` inside it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ParagraphStart {
    pub start: usize,
    pub label: Label,
}

/// What the scanner found: citations and structural paragraph starts, in text order.
#[derive(Clone, Debug, Default)]
pub struct Scan {
    pub citations: Vec<Citation>,
    pub paragraph_starts: Vec<ParagraphStart>,
}

#[cfg(test)]
mod tests;

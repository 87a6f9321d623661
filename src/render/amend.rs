//! Stage 6, rendering an amendment for `remiss parse`: what it amends, its instructions
//! one per line with the clause they come from, the wording it gives (as the tree view of
//! a regulation) and its transitional provisions.

use crate::amend::Amendment;
use std::fmt::Write as _;

/// The text view of an amendment.
pub fn text(am: &Amendment) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "Amendment: {}  [line {}]",
        am.title.text, am.title.span.line
    );
    if let Some(n) = &am.number {
        let _ = writeln!(s, "Number: {n}");
    }
    let _ = write!(s, "Amends: {}", am.base.name);
    match &am.base.number {
        Some(n) => {
            let _ = writeln!(s, " [{n}]");
        }
        None => s.push('\n'),
    }
    if let Some(d) = &am.metadata.draft {
        let _ = writeln!(s, "Draft: {}", d.text);
    }
    if let Some(d) = &am.metadata.decided {
        let _ = writeln!(s, "Decided: {}", d.text);
    }
    if let Some(d) = &am.in_force {
        let _ = writeln!(s, "In force: {d}");
    }
    let _ = writeln!(s, "\nInstructions ({}):", am.instructions.len());
    for (k, c) in am.clauses.iter().enumerate() {
        let _ = writeln!(s, "  line {}: «{}»", c.span.line, c.text);
        for i in am.instructions.iter().filter(|i| i.clause == k) {
            let _ = writeln!(s, "    {}", i.describe());
        }
    }
    let _ = writeln!(s, "\nWording:");
    for line in super::regulation::text(&am.wording).lines() {
        let _ = writeln!(s, "  {line}");
    }
    if !am.overgang.is_empty() {
        let _ = writeln!(s, "\nTransitional provisions:");
        for o in &am.overgang {
            let _ = writeln!(s, "  {}  [line {}]", o.text, o.span.line);
        }
    }
    s
}

/// What the amendment templates (`andring.html`, `andring.md`) see of an amendment, as
/// `am`: its title, number, instruction sentence and transitional provisions, as written.
#[derive(serde::Serialize)]
pub struct AmendmentView {
    title: String,
    number: Option<String>,
    base: String,
    sentence: String,
    in_force: Option<String>,
    overgang: Vec<String>,
}

/// The view of an amendment for the templates.
pub fn view(am: &Amendment) -> AmendmentView {
    AmendmentView {
        title: am.title.text.clone(),
        number: am.number.clone(),
        base: am.base.name.clone(),
        sentence: am.sentence.text.clone(),
        in_force: am.in_force.clone(),
        overgang: am.overgang.iter().map(|o| o.text.clone()).collect(),
    }
}

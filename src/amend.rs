//! Stage 2c, amendments: a `… om ändring i …` (an SFS amending act, an agency's
//! `föreskrifter om ändring i …`, or a draft of either) read as what it is: the base it
//! amends, its instructions (`dels att 1 kap. 2 § ska ha följande lydelse, dels att det ska
//! införas en ny paragraf, 2 a §, …`) as data, the new wording it gives and its
//! transitional provisions; and applied to its base ([`apply`]), giving the regulation as
//! amended in the text form the regulation reader takes.
//!
//! - `grammar`: the instruction sentence, its clauses and the instructions in each;
//! - `body`: the new wording (cleaned of footnotes and printer's marks) and the
//!   transitional provisions;
//! - `apply`: the base cut into units (heads, rubriker, paragraphs), the instructions
//!   applied to them in the order Swedish drafting reads them.

mod apply;
mod body;
mod grammar;

pub use apply::{Applied, Effect, Outcome, apply};

use crate::address::{Address, Label};
use crate::regulation::{Regulation, TextPart};
use crate::source::{Span, Text};
use serde::Serialize;

/// What an instruction does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Action {
    /// `ska ha följande lydelse`: new wording.
    Change,
    /// `ska införas … av följande lydelse`.
    Insert,
    /// `ska upphöra att gälla`, `ska upphävas`, `ska utgå`.
    Repeal,
    /// `nuvarande 8 kap. 5 § ska betecknas 8 kap. 1 §`.
    Renumber,
    /// `rubriken närmast före 8 kap. 5 § ska sättas närmast före 8 kap. 1 §`.
    Move,
}

/// What an instruction acts on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum What {
    Paragraph,
    /// A whole chapter (`ett nytt kapitel, 5 a kap.`, `3 kap. ska upphöra att gälla`).
    Chapter,
    /// A chapter's heading (`rubriken till 3 kap.`).
    ChapterHeading,
    /// The rubrik directly before a paragraph (`rubriken närmast före 2 kap. 23 a §`).
    Rubrik,
    /// The allmänna råd of a paragraph (`allmänna råden till 3 §`).
    AllmannaRad,
}

/// Where an inserted paragraph or rubrik goes, or where a moved rubrik goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "type", content = "at")]
pub enum Placement {
    /// `närmast före X`
    Before(Address),
    /// `närmast efter X`
    After(Address),
}

/// One instruction: an action on one place. A clause naming several places gives several.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Instruction {
    pub action: Action,
    pub what: What,
    /// The paragraph or chapter named: for a rubrik, the paragraph it stands before. In the
    /// base's numbering for a repeal, a renumbering and a moved rubrik; in the numbering
    /// after the amendment otherwise (as Swedish drafting writes them).
    pub at: Address,
    /// The new label of a renumbered paragraph or chapter.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to: Option<Address>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub placement: Option<Placement>,
    /// `ordet ”länsstyrelsen” ska bytas ut mot ”Länsstyrelsen i Stockholms län”`: a word
    /// replaced in the paragraph, which the amendment then does not print.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub words: Option<Words>,
    /// Index of the clause it was read from in [`Amendment::clauses`].
    pub clause: usize,
}

/// A wording replaced in place: every occurrence of `from` becomes `to`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Words {
    pub from: String,
    pub to: String,
}

impl Instruction {
    /// A short English description: `change 2 kap. 19 §`, `renumber 8 kap. 5 § as 8 kap. 1 §`.
    pub fn describe(&self) -> String {
        let what = match self.what {
            What::Paragraph | What::Chapter => self.at.display(),
            What::ChapterHeading => format!("the heading of {}", self.at.display()),
            What::Rubrik => format!("the rubrik before {}", self.at.display()),
            What::AllmannaRad => format!("the allmänna råd of {}", self.at.display()),
        };
        let verb = match self.action {
            Action::Change => "change",
            Action::Insert => "insert",
            Action::Repeal => "repeal",
            Action::Renumber => "renumber",
            Action::Move => "move",
        };
        let mut s = format!("{verb} {what}");
        if let Some(w) = &self.words {
            s.push_str(&format!(": «{}» → «{}»", w.from, w.to));
        }
        if let Some(t) = self.to {
            s.push_str(&format!(" as {}", t.display()));
        }
        match self.placement {
            Some(Placement::Before(a)) => s.push_str(&format!(" before {}", a.display())),
            Some(Placement::After(a)) => s.push_str(&format!(" after {}", a.display())),
            None => {}
        }
        s
    }
}

/// A clause of the instruction sentence (`dels att …`), as written, with its span.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Clause {
    /// The clause with its whitespace made single spaces.
    pub text: String,
    pub span: Span,
}

/// The regulation an amendment amends, as its title names it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Base {
    /// `miljötillsynsförordningen (2011:13)`, `Myndigheten för samhällsskydd och beredskaps
    /// föreskrifter (MSBFS 2010:4) om vilka varor som ska anses utgöra brandfarliga eller
    /// explosiva varor`.
    pub name: String,
    /// `SFS 2011:13`, `MSBFS 2010:4`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
}

/// An amendment as read. Serialised as `remiss parse --format json` of an amendment
/// (`format: "remiss-amendment"`).
#[derive(Clone, Debug, Serialize)]
pub struct Amendment {
    pub format: &'static str,
    pub format_version: u32,
    pub source: String,
    pub title: TextPart,
    /// The kind of act as the title begins: `Förordning`, `Lag`, `Föreskrifter`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// The amendment's own number when the text carries it (`SFS 2025:1458`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
    pub base: Base,
    /// The instruction sentence as written.
    pub sentence: TextPart,
    pub clauses: Vec<Clause>,
    pub instructions: Vec<Instruction>,
    /// The new wording of the paragraphs, rubriker and chapters the amendment gives,
    /// parsed as a regulation (spans in the amendment's text).
    pub wording: Regulation,
    /// The transitional provisions (`Denna förordning träder i kraft den …`).
    pub overgang: Vec<TextPart>,
    /// The first page's facts as the regulation reader finds them: issuer, number, dates,
    /// bemyndigande, a draft's mark, the base named.
    pub metadata: crate::regulation::Metadata,
    /// The date of entry into force as written (`15 januari 2026`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub in_force: Option<String>,
    /// The wording's text as cleaned and parsed (spans of `clean` index into it), for
    /// applying.
    #[serde(skip)]
    body: body::Body,
}

/// Why an amendment cannot be read or applied. Each names the file and the line of the
/// instruction.
#[derive(Debug, thiserror::Error)]
pub enum AmendError {
    #[error(
        "{file}: not an amendment: no title `… om ändring i …` followed by an instruction `… föreskriver … att …`"
    )]
    NotAnAmendment { file: String },
    #[error("{file}:{line}: instruction «{clause}»: {message}")]
    Instruction {
        file: String,
        line: u32,
        clause: String,
        message: String,
    },
    #[error("{file}: {message}")]
    Body { file: String, message: String },
}

impl Amendment {
    /// The error for instruction `i`, naming its clause and line.
    pub(crate) fn error(&self, clause: usize, message: String) -> AmendError {
        let c = self.clauses.get(clause);
        AmendError::Instruction {
            file: self.source.clone(),
            line: c.map(|c| c.span.line).unwrap_or(0),
            clause: c.map(|c| c.text.clone()).unwrap_or_default(),
            message,
        }
    }

    /// The label of the amendment as an amendment note in SFS style (`Förordning
    /// (2025:1458).`), when its kind and number are known and it is an SFS act.
    pub fn note(&self) -> Option<String> {
        let kind = self.kind.as_deref()?;
        let number = self.number.as_deref()?.strip_prefix("SFS ")?;
        let kind = match kind.to_lowercase().as_str() {
            "förordning" => "Förordning",
            "lag" => "Lag",
            _ => return None,
        };
        Some(format!("{kind} ({number})."))
    }
}

/// Whether a text reads as an amendment: a title `… om ändring i …` in its first blocks and
/// an instruction sentence after it.
pub fn is_amendment(text: &Text) -> bool {
    body::title(text).is_some_and(|t| {
        grammar::instruction_sentence(&text.buf()[t.end..])
            .is_some_and(|(s, _)| !text.buf()[t.end..t.end + s].contains('§'))
    })
}

/// Reads an amendment. `base` (the regulation it amends), when given, resolves ranges in
/// its numbering (`3–5 §§` takes in `4 a §`); without it ranges count the numbers.
pub fn read(text: &Text, base: Option<&Regulation>) -> Result<Amendment, AmendError> {
    let not = || AmendError::NotAnAmendment {
        file: text.name.clone(),
    };
    let title = body::title(text).ok_or_else(not)?;
    let buf = text.buf();
    let after_title = title.end;
    let (s0, s1) = grammar::instruction_sentence(&buf[after_title..]).ok_or_else(not)?;
    let (s0, s1) = (after_title + s0, after_title + s1);
    let verb = s0;
    // The sentence as written begins with its subject (`Regeringen föreskriver`): at the
    // start of the block that holds the verb.
    let s0 = text
        .blocks
        .iter()
        .filter_map(|b| b.lines.first().map(|l| l.text().start))
        .filter(|&start| start <= s0 && start >= after_title)
        .max()
        .unwrap_or(s0);
    let lines = body::LineIndex::new(text);
    let sentence = TextPart {
        text: squash(&buf[s0..s1]),
        span: lines.span(s0, s1),
    };
    let clauses: Vec<Clause> = grammar::clauses(&buf[verb..s1], verb)
        .into_iter()
        .map(|(a, b)| Clause {
            text: squash(&buf[a..b]),
            span: lines.span(a, b),
        })
        .collect();
    // The first page's facts (the base the title names and its number, the amendment's
    // own number from the header or the margin, dates, a draft's mark) are the regulation
    // reader's; the title found here only says where the instructions begin.
    let metadata = crate::regulation::parse(text).metadata;
    let base_named = match &metadata.amends {
        Some(a) => Base {
            name: a.text.clone(),
            number: a.number.clone(),
        },
        None => title.base.clone(),
    };
    let mut amendment = Amendment {
        format: "remiss-amendment",
        format_version: 1,
        source: text.name.clone(),
        kind: title.kind.clone(),
        number: metadata.fs_number.as_ref().map(|n| n.text.clone()),
        base: base_named,
        metadata,
        title: TextPart {
            text: title.text.clone(),
            span: lines.span(title.start, title.end),
        },
        sentence,
        clauses,
        instructions: Vec::new(),
        wording: crate::regulation::parse(&Text::from_plain(&text.name, String::new())),
        overgang: Vec::new(),
        in_force: None,
        body: body::Body::default(),
    };
    if amendment.clauses.is_empty() {
        return Err(amendment.error(0, "no clause `att …` found".into()));
    }
    let outline = base.map(|b| b as &dyn crate::cite::Outline);
    let mut chapter: Option<Label> = None;
    let mut instructions = Vec::new();
    for (i, c) in amendment.clauses.iter().enumerate() {
        let mut found = grammar::read_clause(i, c, &mut chapter, outline)
            .map_err(|e| amendment.error(e.clause, e.message))?;
        instructions.append(&mut found);
    }
    amendment.instructions = instructions;
    let body = body::read(text, s1, &lines);
    amendment.wording = body.wording();
    amendment.overgang = body.overgang.clone();
    amendment.in_force = body.in_force.clone();
    amendment.body = body;
    Ok(amendment)
}

/// The base as amended, parsed (its source named `<base> + <amendment>`), with what
/// applying did.
pub fn amended(
    base: &Regulation,
    base_text: &Text,
    am: &Amendment,
) -> Result<(Regulation, Outcome), AmendError> {
    let outcome = apply(base, base_text, am)?;
    let name = format!("{} + {}", base_text.name, am.source);
    let reg = crate::regulation::parse(&Text::from_plain(&name, outcome.text.clone()));
    Ok((reg, outcome))
}

/// The text lower-cased where that keeps every character's length, so byte offsets found
/// in it hold in the text (`İ` lower-cases to two characters and is left as it is).
pub(crate) fn lower(s: &str) -> String {
    s.chars()
        .map(|c| {
            let mut l = c.to_lowercase();
            match (l.next(), l.next()) {
                (Some(x), None) if x.len_utf8() == c.len_utf8() => x,
                _ => c,
            }
        })
        .collect()
}

/// Whitespace runs made single spaces.
fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests;

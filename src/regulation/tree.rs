//! Stage 2a, structure: the tree of a regulation (kapitel, rubriker, paragrafer, stycken,
//! punkter, allmänna råd, övergångsbestämmelser and bilagor) and the flat node view of it.

use crate::address::{Address, Label, PunktLabel};
use crate::cite::Outline;
use crate::source::{Normalisation, Span};
use serde::Serialize;
use std::sync::Arc;

/// A parsed regulation. Serialised as the `remiss parse --format json` output.
#[derive(Clone, Debug, Serialize)]
pub struct Regulation {
    pub source: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<TextPart>,
    /// What the first page says about the regulation (see [`Metadata`]).
    pub metadata: Metadata,
    /// Text between the title and the first structure (`beslutade den ...`, bemyndigande).
    pub preamble: Vec<TextPart>,
    /// The table of contents as printed (`1 kap. Allmänna bestämmelser ..... 7`), one entry
    /// a part: it names the structure, it is none of it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub contents: Vec<TextPart>,
    /// Avdelningar and underavdelningar in order. They are a level above the chapters, which
    /// keep one numbering across them; each says where its chapters begin.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub avdelningar: Vec<Avdelning>,
    /// Chapters in order. A regulation without chapters has one chapter with no label.
    pub kapitel: Vec<Kapitel>,
    pub overgang: Vec<Overgang>,
    /// The signature under the text: the agency, who signed, who drafted it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub signature: Vec<TextPart>,
    pub bilagor: Vec<Bilaga>,
    pub diagnostics: Vec<Diagnostic>,
    /// What joining lines normalised away (counted, never hidden).
    pub normalisation: Normalisation,
}

/// What the first page of a regulation says about it. Each fact carries the span it was
/// read from; one read from a margin block (PDF) has only its page.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Metadata {
    /// Who issues it: `Myndigheten för samhällsskydd och beredskap` (from `… föreskriver`,
    /// else from the genitive of the title).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub issuer: Option<TextPart>,
    /// The number in the agency's författningssamling: `MSBFS 2020:1`, `AFS 2023:10`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fs_number: Option<TextPart>,
    /// `beslutade den 17 mars 2020` → `17 mars 2020`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decided: Option<TextPart>,
    /// `Utkom från trycket den 20 mars 2020` → `20 mars 2020`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub published: Option<TextPart>,
    /// The enabling provisions: `med stöd av 25 § förordningen (2010:1075) om …`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bemyndigande: Option<TextPart>,
    /// The words that mark a draft (`Förslag till`, `Remissversion`, `Utkast`), when the
    /// first page has them; none for an adopted regulation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub draft: Option<TextPart>,
    /// The regulation it amends, when its title is `… om ändring i …`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amends: Option<Amends>,
}

/// The kinds of fact in [`Metadata`], in the order they are shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MetaKey {
    Issuer,
    FsNumber,
    Decided,
    Published,
    Bemyndigande,
    Draft,
    Amends,
}

impl MetaKey {
    /// The id of the fact in `remiss parse --format tsv` (`META-fs-number`).
    pub fn id(self) -> &'static str {
        match self {
            MetaKey::Issuer => "META-issuer",
            MetaKey::FsNumber => "META-fs-number",
            MetaKey::Decided => "META-decided",
            MetaKey::Published => "META-published",
            MetaKey::Bemyndigande => "META-bemyndigande",
            MetaKey::Draft => "META-draft",
            MetaKey::Amends => "META-amends",
        }
    }
}

impl Metadata {
    /// The facts found, in a fixed order, each with its text and span.
    pub fn fields(&self) -> Vec<(MetaKey, &str, Span)> {
        let mut out = Vec::new();
        for (k, v) in [
            (MetaKey::Issuer, &self.issuer),
            (MetaKey::FsNumber, &self.fs_number),
            (MetaKey::Decided, &self.decided),
            (MetaKey::Published, &self.published),
            (MetaKey::Bemyndigande, &self.bemyndigande),
            (MetaKey::Draft, &self.draft),
        ] {
            if let Some(t) = v {
                out.push((k, t.text.as_str(), t.span));
            }
        }
        if let Some(a) = &self.amends {
            out.push((MetaKey::Amends, a.text.as_str(), a.span));
        }
        out
    }
}

/// The base an amending regulation names in its title.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Amends {
    /// As the title names it: `Myndigheten för samhällsskydd och beredskaps föreskrifter
    /// (MSBFS 2010:4) om vilka varor …`.
    pub text: String,
    /// Its number: `MSBFS 2010:4`, or `SFS 2011:13` for an act of the government.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
    /// The title's span.
    pub span: Span,
}

/// A piece of text with its span.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TextPart {
    pub text: String,
    pub span: Span,
}

/// An avdelning (`AVD. A ÖVERGRIPANDE BESTÄMMELSER`, `AVDELNING I. INLEDANDE BESTÄMMELSER`)
/// or an underavdelning (`II  Socialförsäkringsskyddet`): a heading above the chapters.
#[derive(Clone, Debug, Serialize)]
pub struct Avdelning {
    /// `AVD-A` for an avdelning, `AVD-A-II` for an underavdelning of it.
    pub id: String,
    /// As written: `A`, `I`, `II`.
    pub label: String,
    /// `avdelning A`, `avdelning A underavdelning II`.
    pub display: String,
    /// 1 for an avdelning, 2 for an underavdelning.
    pub level: u8,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub heading: Option<String>,
    pub span: Span,
    /// Index in `kapitel` of the first chapter below it.
    pub before: usize,
}

#[derive(Clone, Debug, Serialize)]
pub struct Kapitel {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<Label>,
    pub id: String,
    pub display: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub heading: Option<String>,
    pub span: Span,
    /// `Har upphävts genom ...` when the whole chapter is repealed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub repealed: Option<String>,
    pub rubriker: Vec<Rubrik>,
    pub paragrafer: Vec<Paragraf>,
}

/// A heading between paragraphs; it groups the paragraphs below it.
#[derive(Clone, Debug, Serialize)]
pub struct Rubrik {
    pub id: String,
    pub text: String,
    pub span: Span,
    /// 1 for a rubrik, 2 for a sub-rubrik directly below another.
    pub level: u8,
    /// Index in `paragrafer` of the first paragraph below it.
    pub before: usize,
}

/// A paragraph. Serialised with the fields of its [`ParagrafExtra`] after `stycken`, as
/// if they were its own.
#[derive(Clone, Debug)]
pub struct Paragraf {
    pub label: Label,
    pub address: Address,
    pub id: String,
    pub display: String,
    pub span: Span,
    /// The rubrik this paragraph stands under, if any: one text shared by the paragraphs
    /// under it (a 50 MB statute has tens of thousands of paragraphs under rubriker).
    pub rubrik: Option<Arc<str>>,
    pub stycken: Vec<Stycke>,
    /// What few paragraphs have (allmänna råd, a placeholder, amendment notes, dates in
    /// force), read through [`Paragraf::allmanna_rad`] and the other methods below; `None`
    /// when the paragraph has none of it. Kept apart so that each paragraph is 168 bytes,
    /// not 280: a 50 MB statute has 80,000 of them, each written into fresh memory.
    pub extra: Option<Box<ParagrafExtra>>,
}

/// The parts of a [`Paragraf`] that few paragraphs have (LEK: 96 of 964 have an
/// amendment note, 4 a placeholder; most statutes have no allmänna råd at all).
#[derive(Clone, Debug, Default, Serialize)]
pub struct ParagrafExtra {
    pub allmanna_rad: Vec<AllmannaRad>,
    /// The placeholder left where a paragraph was: `Har upphävts genom lag (2021:123).` for
    /// a repealed paragraph, `Har betecknats 23 a §` for one given another label. The
    /// paragraph then has no stycken.
    pub repealed: Option<String>,
    /// SFS numbers of amendment notes (`Lag (2025:1511).`): metadata, not wording.
    pub amended_by: Vec<String>,
    /// `/Träder i kraft I:2026-01-15/`
    pub in_force_from: Option<String>,
    /// `/Upphör att gälla U:2026-01-15/`
    pub in_force_until: Option<String>,
}

impl Paragraf {
    pub fn allmanna_rad(&self) -> &[AllmannaRad] {
        self.extra.as_deref().map_or(&[], |e| &e.allmanna_rad)
    }
    /// See [`ParagrafExtra::repealed`].
    pub fn repealed(&self) -> Option<&str> {
        self.extra.as_deref().and_then(|e| e.repealed.as_deref())
    }
    /// See [`ParagrafExtra::amended_by`].
    pub fn amended_by(&self) -> &[String] {
        self.extra.as_deref().map_or(&[], |e| &e.amended_by)
    }
    pub fn in_force_from(&self) -> Option<&str> {
        self.extra
            .as_deref()
            .and_then(|e| e.in_force_from.as_deref())
    }
    pub fn in_force_until(&self) -> Option<&str> {
        self.extra
            .as_deref()
            .and_then(|e| e.in_force_until.as_deref())
    }
    /// The allmänna råd, to change them (none to change when the paragraph has none).
    pub fn allmanna_rad_mut(&mut self) -> &mut [AllmannaRad] {
        self.extra
            .as_deref_mut()
            .map_or(&mut [], |e| &mut e.allmanna_rad)
    }
    /// The paragraph's extra parts, made empty when it had none.
    pub fn extra_mut(&mut self) -> &mut ParagrafExtra {
        self.extra.get_or_insert_with(Box::default)
    }
}

// What keeping the rare parts apart is for; a field added to `Paragraf` shows here first.
#[cfg(target_pointer_width = "64")]
const _: () = assert!(std::mem::size_of::<Paragraf>() == 168);

/// The fields in the order, and with the omissions, of `remiss parse --format json` before
/// the rare parts were kept apart: `allmanna_rad` always, the others when they have a value.
impl Serialize for Paragraf {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        // A field written as `Some` when there, left out when not (serde's own
        // `skip_serializing_if = "Option::is_none"`).
        fn optional<S: SerializeStruct>(
            st: &mut S,
            key: &'static str,
            v: Option<&str>,
        ) -> Result<(), S::Error> {
            match v {
                Some(v) => st.serialize_field(key, &Some(v)),
                None => st.skip_field(key),
            }
        }
        let repealed = self.repealed();
        let amended_by = self.amended_by();
        let from = self.in_force_from();
        let until = self.in_force_until();
        let len = 7
            + usize::from(self.rubrik.is_some())
            + usize::from(repealed.is_some())
            + usize::from(!amended_by.is_empty())
            + usize::from(from.is_some())
            + usize::from(until.is_some());
        let mut st = s.serialize_struct("Paragraf", len)?;
        st.serialize_field("label", &self.label)?;
        st.serialize_field("address", &self.address)?;
        st.serialize_field("id", &self.id)?;
        st.serialize_field("display", &self.display)?;
        st.serialize_field("span", &self.span)?;
        optional(&mut st, "rubrik", self.rubrik.as_deref())?;
        st.serialize_field("stycken", &self.stycken)?;
        st.serialize_field("allmanna_rad", self.allmanna_rad())?;
        optional(&mut st, "repealed", repealed)?;
        if amended_by.is_empty() {
            st.skip_field("amended_by")?;
        } else {
            st.serialize_field("amended_by", amended_by)?;
        }
        optional(&mut st, "in_force_from", from)?;
        optional(&mut st, "in_force_until", until)?;
        st.end()
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct Stycke {
    pub number: u32,
    pub id: String,
    pub text: String,
    pub span: Span,
    pub punkter: Vec<Punkt>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Punkt {
    pub label: PunktLabel,
    pub id: String,
    pub text: String,
    pub span: Span,
}

/// An `Allmänna råd` block; it belongs to the paragraph above it.
#[derive(Clone, Debug, Serialize)]
pub struct AllmannaRad {
    pub id: String,
    pub heading: String,
    /// A rubrik printed directly over the heading (`Statliga myndigheters uppgifter …` over
    /// `Allmänna råd till 7 § förordning (2022:524) …`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rubrik: Option<String>,
    pub span: Span,
    pub stycken: Vec<TextPart>,
}

/// A group of transitional provisions, optionally headed by the amending act's number.
#[derive(Clone, Debug, Serialize)]
pub struct Overgang {
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub act: Option<String>,
    pub span: Span,
    pub stycken: Vec<Stycke>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Bilaga {
    pub id: String,
    pub heading: String,
    pub span: Span,
    pub text: Vec<TextPart>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DiagnosticKind {
    DuplicateLabel,
    OutOfOrder,
    OrphanAllmannaRad,
    NoParagraphs,
    GarbledHeading,
}

/// Something odd about the text that the parser kept but a reader should check.
#[derive(Clone, Debug, Serialize)]
pub struct Diagnostic {
    pub kind: DiagnosticKind,
    pub line: u32,
    pub message: Message,
}

/// What a [`Diagnostic`] says, written out when it is shown or serialised (as a string).
/// A repeated paragraph label keeps only its numbers until then: a text whose chapters
/// start over (two statutes run together, a 50 MB statute made of one repeated) has one
/// such diagnostic for nearly every paragraph, and each written message was an allocation
/// of about 100 bytes, in memory the process touched for the first time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Message {
    Text(String),
    /// `2 kap. 7 §: the label occurs twice in the chapter, on lines 40 and 52; both are
    /// kept`.
    RepeatedLabel {
        kapitel: Option<Label>,
        paragraf: Label,
        first: u32,
        again: u32,
    },
}

impl std::fmt::Display for Message {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Message::Text(t) => f.write_str(t),
            Message::RepeatedLabel {
                kapitel,
                paragraf,
                first,
                again,
            } => {
                // Written in pieces, without the formatting machinery: `remiss parse`
                // writes one for nearly every paragraph of such a text.
                let number = |f: &mut std::fmt::Formatter<'_>, n: u32| {
                    f.write_str(crate::address::decimal_str(u64::from(n), &mut [0; 20]))
                };
                f.write_str(&Address::paragraph(*kapitel, *paragraf).display())?;
                f.write_str(": the label occurs twice in the chapter, on lines ")?;
                number(f, *first)?;
                f.write_str(" and ")?;
                number(f, *again)?;
                f.write_str("; both are kept")
            }
        }
    }
}

impl Serialize for Message {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Message::Text(t) => s.serialize_str(t),
            m => s.collect_str(m),
        }
    }
}

impl From<String> for Message {
    fn from(t: String) -> Message {
        Message::Text(t)
    }
}

/// The kinds of node in `remiss parse --format tsv`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum NodeKind {
    Avdelning,
    Underavdelning,
    Kapitel,
    Rubrik,
    Paragraf,
    Stycke,
    Punkt,
    AllmannaRad,
    Overgang,
    Bilaga,
}

impl NodeKind {
    pub fn as_str(&self) -> &'static str {
        match self {
            NodeKind::Avdelning => "avdelning",
            NodeKind::Underavdelning => "underavdelning",
            NodeKind::Kapitel => "kapitel",
            NodeKind::Rubrik => "rubrik",
            NodeKind::Paragraf => "paragraf",
            NodeKind::Stycke => "stycke",
            NodeKind::Punkt => "punkt",
            NodeKind::AllmannaRad => "allmanna-rad",
            NodeKind::Overgang => "overgang",
            NodeKind::Bilaga => "bilaga",
        }
    }
}

/// A flat view of one node, in document order.
#[derive(Clone, Debug)]
pub struct Node<'a> {
    /// Borrowed from the tree: a 50 MB text has hundreds of thousands of nodes.
    pub id: &'a str,
    pub kind: NodeKind,
    pub span: Span,
    pub text: &'a str,
    pub depth: u8,
}

impl Regulation {
    /// All paragraphs in document order.
    pub fn paragraphs(&self) -> impl Iterator<Item = &Paragraf> {
        self.kapitel.iter().flat_map(|k| k.paragrafer.iter())
    }

    pub fn chapter(&self, label: Option<Label>) -> Option<&Kapitel> {
        self.kapitel.iter().find(|k| k.label == label)
    }

    pub fn paragraph(&self, a: &Address) -> Option<&Paragraf> {
        let p = a.paragraf?;
        self.chapter(a.kapitel)?
            .paragrafer
            .iter()
            .find(|x| x.label == p && x.in_force_until().is_none())
            .or_else(|| {
                self.chapter(a.kapitel)?
                    .paragrafer
                    .iter()
                    .find(|x| x.label == p)
            })
    }

    /// Every node in document order (the `tsv` and `text` views).
    pub fn nodes<'a>(&'a self) -> Vec<Node<'a>> {
        let mut out = Vec::new();
        self.for_each_node(|n| out.push(n));
        out
    }

    /// Each node in document order, handed to `f` as it is reached: a writer needs no list
    /// of them (a 50 MB text has hundreds of thousands).
    pub fn for_each_node<'a>(&'a self, mut f: impl FnMut(Node<'a>)) {
        let out: &mut dyn FnMut(Node<'a>) = &mut f;
        let mut avd = self.avdelningar.iter().peekable();
        let mut avdelningar_before = |out: &mut dyn FnMut(Node<'a>), ki: usize| {
            while let Some(a) = avd.next_if(|a| a.before <= ki) {
                out(Node {
                    id: &a.id,
                    kind: if a.level == 1 {
                        NodeKind::Avdelning
                    } else {
                        NodeKind::Underavdelning
                    },
                    span: a.span,
                    text: a.heading.as_deref().unwrap_or(""),
                    depth: 0,
                });
            }
        };
        for (ki, k) in self.kapitel.iter().enumerate() {
            avdelningar_before(&mut *out, ki);
            let depth = if k.label.is_some() {
                out(Node {
                    id: &k.id,
                    kind: NodeKind::Kapitel,
                    span: k.span,
                    text: k.heading.as_deref().unwrap_or(""),
                    depth: 0,
                });
                1
            } else {
                0
            };
            let mut rub = k.rubriker.iter().peekable();
            for (pi, p) in k.paragrafer.iter().enumerate() {
                while let Some(r) = rub.peek() {
                    if r.before > pi {
                        break;
                    }
                    out(Node {
                        id: &r.id,
                        kind: NodeKind::Rubrik,
                        span: r.span,
                        text: &r.text,
                        depth,
                    });
                    rub.next();
                }
                let first = p
                    .stycken
                    .first()
                    .map(|s| s.text.as_str())
                    .or(p.repealed())
                    .unwrap_or("");
                out(Node {
                    id: &p.id,
                    kind: NodeKind::Paragraf,
                    span: p.span,
                    text: first,
                    depth,
                });
                for s in &p.stycken {
                    out(Node {
                        id: &s.id,
                        kind: NodeKind::Stycke,
                        span: s.span,
                        text: &s.text,
                        depth: depth + 1,
                    });
                    for n in &s.punkter {
                        out(Node {
                            id: &n.id,
                            kind: NodeKind::Punkt,
                            span: n.span,
                            text: &n.text,
                            depth: depth + 2,
                        });
                    }
                }
                for ar in p.allmanna_rad() {
                    out(Node {
                        id: &ar.id,
                        kind: NodeKind::AllmannaRad,
                        span: ar.span,
                        text: ar.stycken.first().map(|s| s.text.as_str()).unwrap_or(""),
                        depth: depth + 1,
                    });
                }
            }
            for r in rub {
                out(Node {
                    id: &r.id,
                    kind: NodeKind::Rubrik,
                    span: r.span,
                    text: &r.text,
                    depth,
                });
            }
        }
        avdelningar_before(&mut *out, usize::MAX);
        for o in &self.overgang {
            out(Node {
                id: &o.id,
                kind: NodeKind::Overgang,
                span: o.span,
                text: o
                    .act
                    .as_deref()
                    .or(o.stycken.first().map(|s| s.text.as_str()))
                    .unwrap_or(""),
                depth: 0,
            });
            for s in &o.stycken {
                for n in &s.punkter {
                    out(Node {
                        id: &n.id,
                        kind: NodeKind::Punkt,
                        span: n.span,
                        text: &n.text,
                        depth: 1,
                    });
                }
            }
        }
        for b in &self.bilagor {
            out(Node {
                id: &b.id,
                kind: NodeKind::Bilaga,
                span: b.span,
                text: &b.heading,
                depth: 0,
            });
        }
    }

    /// Number of labelled chapters.
    pub fn chapter_count(&self) -> usize {
        self.kapitel.iter().filter(|k| k.label.is_some()).count()
    }
    pub fn paragraph_count(&self) -> usize {
        self.paragraphs().count()
    }
}

impl Outline for Regulation {
    fn has_chapters(&self) -> bool {
        self.kapitel.iter().any(|k| k.label.is_some())
    }
    fn chapter_labels(&self) -> Vec<Label> {
        self.kapitel.iter().filter_map(|k| k.label).collect()
    }
    fn paragraph_labels(&self, kapitel: Option<Label>) -> Vec<Label> {
        self.chapter(kapitel)
            .map(|k| {
                let mut v: Vec<Label> = k.paragrafer.iter().map(|p| p.label).collect();
                v.dedup();
                v
            })
            .unwrap_or_default()
    }
    fn contains(&self, a: &Address) -> bool {
        let Some(k) = self.chapter(a.kapitel) else {
            return false;
        };
        let Some(pl) = a.paragraf else {
            return a.kapitel.is_some() && a.stycke.is_none() && a.punkt.is_none();
        };
        let Some(p) = k.paragrafer.iter().find(|p| p.label == pl) else {
            return false;
        };
        match (a.stycke, a.punkt) {
            (None, None) => true,
            (Some(s), None) => s as usize <= p.stycken.len(),
            (st, Some(n)) => {
                let in_stycke = |s: &Stycke| s.punkter.iter().any(|x| x.label == n);
                match st {
                    Some(s) => p
                        .stycken
                        .get((s as usize).wrapping_sub(1))
                        .is_some_and(in_stycke),
                    None => p.stycken.iter().any(in_stycke),
                }
            }
        }
    }
}

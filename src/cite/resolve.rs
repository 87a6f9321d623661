//! Citations, resolution: a citation read in its context against the draft's outline.

use super::*;

/// What resolution needs to know about a draft: which chapters and paragraphs exist.
pub trait Outline {
    /// Whether the document is divided into chapters.
    fn has_chapters(&self) -> bool;
    /// Chapter labels in document order.
    fn chapter_labels(&self) -> Vec<Label>;
    /// Paragraph labels of a chapter (or of the whole document, `None`) in order.
    fn paragraph_labels(&self, kapitel: Option<Label>) -> Vec<Label>;
    /// Whether the address exists (down to stycke and punkt).
    fn contains(&self, a: &Address) -> bool;
}

/// The context a citation is read in.
#[derive(Clone, Copy, Debug, Default)]
pub struct Context {
    pub kapitel: Option<Label>,
    /// The paragraph relative stycken and punkter belong to.
    pub paragraf: Option<Address>,
}

/// A citation with the addresses it resolves to.
#[derive(Clone, Debug, Serialize)]
pub struct Resolved {
    #[serde(flatten)]
    pub citation: Citation,
    /// 1-based line of the citation's start.
    pub line: u32,
    /// The chapter context the citation was read in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub context: Option<Label>,
    /// Addresses in the document in hand, ranges expanded.
    pub addresses: Vec<Address>,
    /// Members that could not be resolved (missing in the draft or lacking context), as written.
    pub unresolved: Vec<String>,
}

/// Scans `text` and resolves every citation, carrying the chapter context from headings
/// (`2 kap. Organisatoriska ...`) and the paragraph context from recent citations.
pub fn resolve_all(text: &str, start: Context, draft: Option<&dyn Outline>) -> Vec<Resolved> {
    let scan = scan(text);
    let lines = crate::source::line_starts(text);
    let line_of = |off: usize| match lines.binary_search(&off) {
        Ok(i) => i as u32 + 1,
        Err(i) => i as u32,
    };
    let mut ctx = start;
    let mut structural: Option<Address> = None;
    let mut starts = scan.paragraph_starts.iter().peekable();
    // The last internal paragraph cited and the sentence it was cited in.
    let mut recent: Option<(Address, u32)> = None;
    let mut out = Vec::with_capacity(scan.citations.len());
    for c in scan.citations {
        while let Some(ps) = starts.peek() {
            if ps.start > c.start {
                break;
            }
            structural = Some(Address::paragraph(ctx.kapitel, ps.label));
            recent = None;
            starts.next();
        }
        if c.role == Role::Heading
            && let [Member::One { at }] = c.members.as_slice()
        {
            ctx.kapitel = at.kapitel;
            structural = None;
            recent = None;
        }
        let para_ctx = match recent {
            Some((a, s)) if c.sentence <= s + 1 => Some(a),
            _ => structural.or(start.paragraf),
        };
        let here = Context {
            kapitel: ctx.kapitel,
            paragraf: para_ctx,
        };
        let (addresses, unresolved) = resolve(&c, here, draft);
        let unresolved: Vec<String> = unresolved.iter().map(|u| u.to_string()).collect();
        if c.kind.is_internal()
            && let Some(a) = addresses.iter().rev().find(|a| a.paragraf.is_some())
        {
            recent = Some((a.paragraph_part(), c.sentence));
        }
        out.push(Resolved {
            line: line_of(c.start),
            context: ctx.kapitel,
            citation: c,
            addresses,
            unresolved,
        });
    }
    out
}

/// Why a member of a citation could not be resolved.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Reason {
    /// The draft has no such chapter, paragraph, stycke or punkt.
    NotInDraft,
    /// `7 §` or `kapitlet` with no chapter in context.
    NoChapterInContext,
    /// `punkt 1` or `första stycket` with no paragraph in context.
    NoParagraphInContext,
}

/// A member of a citation that could not be resolved, as written, with the reason.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Unresolved {
    pub written: String,
    pub reason: Reason,
}

impl std::fmt::Display for Unresolved {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.reason {
            Reason::NotInDraft => write!(f, "{}", self.written),
            Reason::NoChapterInContext => write!(f, "{} (no chapter in context)", self.written),
            Reason::NoParagraphInContext => write!(f, "{} (no paragraph in context)", self.written),
        }
    }
}

/// Resolves one citation in a context. External references resolve to nothing in the draft.
pub fn resolve(
    c: &Citation,
    ctx: Context,
    draft: Option<&dyn Outline>,
) -> (Vec<Address>, Vec<Unresolved>) {
    let mut found = Vec::new();
    let mut missing = Vec::new();
    if !c.kind.is_internal() {
        return (found, missing);
    }
    if c.members.is_empty() && c.kind == CiteKind::Chapter {
        // `kapitlet`
        match ctx.kapitel {
            Some(k) => check(Address::chapter(k), draft, &mut found, &mut missing),
            None => missing.push(Unresolved {
                written: c.text.clone(),
                reason: Reason::NoChapterInContext,
            }),
        }
        return (found, missing);
    }
    let chaptered = draft.map(|d| d.has_chapters()).unwrap_or(true);
    let complete = |a: Address| -> Result<Address, Unresolved> {
        let mut a = a;
        if a.paragraf.is_none() && a.kapitel.is_none() && (a.stycke.is_some() || a.punkt.is_some())
        {
            match ctx.paragraf {
                Some(p) => {
                    a.kapitel = p.kapitel;
                    a.paragraf = p.paragraf;
                }
                None => {
                    return Err(Unresolved {
                        written: a.display(),
                        reason: Reason::NoParagraphInContext,
                    });
                }
            }
        }
        if a.kapitel.is_none() && a.paragraf.is_some() && chaptered {
            match ctx.kapitel {
                Some(k) => a.kapitel = Some(k),
                None if draft.is_some() => {
                    return Err(Unresolved {
                        written: a.display(),
                        reason: Reason::NoChapterInContext,
                    });
                }
                None => {}
            }
        }
        Ok(a)
    };
    for m in &c.members {
        match *m {
            Member::One { at } => match complete(at) {
                Ok(a) => check(a, draft, &mut found, &mut missing),
                Err(e) => missing.push(e),
            },
            Member::Range { from, to } => match (complete(from), complete(to)) {
                (Ok(a), Ok(b)) => {
                    for x in expand(a, b, draft) {
                        check(x, draft, &mut found, &mut missing);
                    }
                }
                (Err(e), _) | (_, Err(e)) => missing.push(e),
            },
        }
    }
    (found, missing)
}

pub(super) fn check(
    a: Address,
    draft: Option<&dyn Outline>,
    found: &mut Vec<Address>,
    missing: &mut Vec<Unresolved>,
) {
    match draft {
        Some(d) if !d.contains(&a) => missing.push(Unresolved {
            written: a.display(),
            reason: Reason::NotInDraft,
        }),
        _ => {
            if !found.contains(&a) {
                found.push(a)
            }
        }
    }
}

/// Expands a range to its members: with a draft, every existing label between the ends
/// (so `7–9 §§` takes in `8 a §`); without, the numbers between them.
pub fn expand(a: Address, b: Address, draft: Option<&dyn Outline>) -> Vec<Address> {
    // Punkt and stycke ranges.
    if let (Some(PunktLabel::Number(x)), Some(PunktLabel::Number(y))) = (a.punkt, b.punkt) {
        return (x..=y.min(x + 200))
            .map(|n| Address {
                punkt: Some(PunktLabel::Number(n)),
                ..a
            })
            .collect();
    }
    if let (Some(x), Some(y)) = (a.stycke, b.stycke)
        && a.punkt.is_none()
    {
        return (x..=y.min(x + 50))
            .map(|n| Address {
                stycke: Some(n),
                ..a
            })
            .collect();
    }
    if let (Some(x), Some(y)) = (a.paragraf, b.paragraf) {
        if let Some(d) = draft {
            let labels = d.paragraph_labels(a.kapitel);
            let inside: Vec<Address> = labels
                .into_iter()
                .filter(|l| *l >= x && *l <= y)
                .map(|l| Address::paragraph(a.kapitel, l))
                .collect();
            if !inside.is_empty() {
                // The ends themselves are reported as missing if absent.
                let mut v = inside;
                for end in [a, b] {
                    if !v.contains(&end) {
                        v.push(end);
                    }
                }
                v.sort();
                return v;
            }
        }
        return label_range(x, y)
            .into_iter()
            .map(|l| Address::paragraph(a.kapitel, l))
            .collect();
    }
    if let (Some(x), Some(y)) = (a.kapitel, b.kapitel) {
        if let Some(d) = draft {
            let inside: Vec<Address> = d
                .chapter_labels()
                .into_iter()
                .filter(|l| *l >= x && *l <= y)
                .map(Address::chapter)
                .collect();
            if !inside.is_empty() {
                return inside;
            }
        }
        return label_range(x, y)
            .into_iter()
            .map(Address::chapter)
            .collect();
    }
    vec![a, b]
}

/// `7–9` → 7, 8, 9; `7 a–7 c` → 7 a, 7 b, 7 c; `26–26 b` → 26, 26 a, 26 b.
pub(super) fn label_range(x: Label, y: Label) -> Vec<Label> {
    let mut v = Vec::new();
    if x.num == y.num {
        let from = x.letter.map(|c| c as u8).unwrap_or(b'a' - 1);
        let to = y.letter.map(|c| c as u8).unwrap_or(b'a' - 1);
        if x.letter.is_none() {
            v.push(x);
        }
        for c in from.max(b'a')..=to {
            v.push(Label::with_letter(x.num, c as char));
        }
        return v;
    }
    v.push(x);
    for n in x.num + 1..y.num.min(x.num + 500) {
        v.push(Label::new(n));
    }
    v.push(y);
    v
}

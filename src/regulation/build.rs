//! Stage 2a, structure: the builder that adds classified blocks to the tree (chapters,
//! paragraphs with their stycken and punkter, allmänna råd, övergångsbestämmelser, bilagor)
//! and finishes it (amendment notes split off as metadata).

use super::blk::{Blk, Mode, Start};
use super::lines::*;
use super::tree::*;
use crate::address::{Address, Label};
use crate::source::{
    BlockKind, Normalisation, Span, fold_runs, is_appendix_label, join_lines_in, needs_folding,
};
use std::borrow::Cow;
use std::sync::Arc;

/// The tree under construction and the parser's state between blocks.
pub(super) struct Builder {
    pub reg: Regulation,
    pub mode: Mode,
    pub pending_rubriker: Vec<(String, Span)>,
    /// Shared by every paragraph under it rather than copied into each.
    current_rubrik: Option<Arc<str>>,
    /// The previous block looked like a chapter heading but was refused (a list of chapters).
    pub refused_chapter_line: bool,
    /// The previous block was part of the table of contents.
    pub in_contents: bool,
    /// The paragraph (chapter and paragraph index) the open allmänna råd belong to.
    ar_at: Option<(usize, usize)>,
    /// `(Upphör att gälla 2024-12-31)` on a line of its own: dates the next paragraph
    /// (true: in force from the date).
    pub pending_version: Option<(bool, String)>,
    /// Where the text has whitespace that joining folds (see [`Folds`]).
    folds: Folds,
    /// The vectors the last chapter grew its paragraphs and rubriker in, emptied when it
    /// was closed (see [`Builder::close_chapter`]), for the next chapter to grow in.
    grown_paragrafer: Vec<Paragraf>,
    grown_rubriker: Vec<Rubrik>,
    /// The highest paragraph label in a chapter, with the chapter's index and how many
    /// paragraphs it had then. A paragraph numbered above it repeats no label, so the
    /// chapter is not searched for one: the search went through the chapter at every
    /// paragraph, quadratic in a text of one long chapter (a regulation without chapters).
    highest_label: Option<(usize, usize, Label)>,
    /// The highest chapter label so far, for the same reason: a chapter numbered above it
    /// repeats no label (a 50 MB statute has thousands of chapters).
    highest_chapter: Option<Label>,
    /// Set when the builder looked for a chapter named by an allmänna råd heading and did
    /// not find it: read as a later piece of a text ([`Builder::for_piece`]), it may then
    /// have built otherwise than a builder that read the text before it too.
    looked_back: bool,
    /// What was read of each avdelning heading, in the order of `reg.avdelningar`; read
    /// when this builder's tree is appended to another's ([`Builder::append`]), whose own
    /// list is then left as it was.
    divisions_read: Vec<DivisionRead>,
    /// The paragraph (chapter and paragraph index) whose amendment note was taken off last
    /// ([`Builder::close_paragraph`]), so that none is taken off twice.
    closed: Option<(usize, usize)>,
}

/// A chapter whose paragraphs take more than this is long: its vector is given room for
/// the rest of the text as it grows ([`Builder::make_room_for_paragraph`]) and is not
/// copied to its length when the chapter closes ([`Builder::close_chapter`]). Past a few
/// pages, room never written costs no memory, while a copy costs both.
const LONG_CHAPTER_BYTES: usize = 64 * 1024;

/// What [`Builder::start_division`] read of an avdelning heading beyond what the tree
/// keeps, for naming the avdelning again when it was read in a later piece of the text
/// (see [`Builder::append_divisions`]).
struct DivisionRead {
    level: Option<u8>,
    ordinal: Option<&'static str>,
    /// How many diagnostics there were when it was read: where its own goes.
    diagnostic_at: usize,
    /// Whether its label repeated one read before it (a diagnostic was made).
    duplicate: bool,
}

/// The level, id and display of an avdelning heading read after `before`: a bare numeral
/// heads an underavdelning when an avdelning is open, and an avdelning otherwise.
fn division_names(
    before: &[Avdelning],
    level: Option<u8>,
    label: &str,
    ordinal: Option<&str>,
) -> (u8, String, String) {
    let parent = before.iter().rev().find(|a| a.level == 1);
    let level = level.unwrap_or(if parent.is_some() { 2 } else { 1 });
    let (id, display) = match (level, parent) {
        (2, Some(p)) => (
            format!("{}-{label}", p.id),
            format!("{} underavdelning {label}", p.display),
        ),
        (2, None) => (format!("AVD-{label}"), format!("underavdelning {label}")),
        _ => (
            format!("AVD-{label}"),
            match ordinal {
                Some(o) => format!("{o} avdelningen"),
                None => format!("avdelning {label}"),
            },
        ),
    };
    (level, id, display)
}

fn division_used_twice(display: &str, first: u32, again: u32) -> Diagnostic {
    Diagnostic {
        kind: DiagnosticKind::DuplicateLabel,
        line: again,
        message: format!("{display}: label used twice, on lines {first} and {again}").into(),
    }
}

/// Where the text the parser reads has whitespace that joining folds (a double space, a
/// tab, a no-break space), searched once over the whole text: a line of it is then looked
/// up by its place instead of searched again each time lines are joined, which on a text
/// with a few such runs (Socialförsäkringsbalken has about a hundred) cost two vector
/// searches, with their setup, for every stycke and every rubrik tried.
pub(super) struct Folds {
    /// The address and length of the text: a line borrowed from it is found by its offset.
    /// Any other line (one the parser made up) is searched itself.
    base: usize,
    len: usize,
    /// Each run's bytes (start, end) in the text, by start.
    at: Vec<(usize, usize)>,
    /// Bit `i` set when a run starts in bytes `64 * i ..` of the text: most lines have
    /// none near them, which the bits tell without a search.
    near: Vec<u64>,
}

impl Folds {
    pub fn of(text: &str) -> Folds {
        let mut at = Vec::new();
        fold_runs(text.as_bytes(), 0..text.len(), &mut at);
        at.sort_unstable();
        Folds::with_runs(text, at)
    }

    /// The folds of the text, whose runs ([`fold_runs`], by start) were found already.
    pub fn with_runs(text: &str, at: Vec<(usize, usize)>) -> Folds {
        let words = if at.is_empty() {
            0
        } else {
            text.len() / 4096 + 1
        };
        let mut near = vec![0u64; words];
        for &(start, _) in &at {
            if let Some(w) = near.get_mut(start / 4096) {
                *w |= 1 << (start / 64 % 64);
            }
        }
        Folds {
            base: text.as_ptr() as usize,
            len: text.len(),
            at,
            near,
        }
    }

    /// Whether the line, trimmed as joining trims it, holds whitespace to fold. Joining
    /// trimmed lines with one space adds none, so lines joined need folding exactly when
    /// one of them does.
    #[inline]
    pub fn in_line(&self, line: &str) -> bool {
        if (line.as_ptr() as usize).wrapping_sub(self.base) >= self.len {
            return needs_folding(line.fast_trim().as_bytes());
        }
        if self.at.is_empty() {
            return false;
        }
        let t = line.fast_trim();
        if t.is_empty() {
            return false;
        }
        let offset = t.as_ptr() as usize - self.base;
        let end = offset + t.len();
        if !(offset / 64..=(end - 1) / 64).any(|c| self.near[c / 64] >> (c % 64) & 1 != 0) {
            return false;
        }
        let i = self.at.partition_point(|r| r.0 < offset);
        self.at[i..]
            .iter()
            .take_while(|r| r.0 < end)
            .any(|r| r.1 <= end)
    }
}

impl Builder {
    pub fn new(source: String, folds: Folds) -> Self {
        Builder {
            reg: Regulation {
                source,
                title: None,
                metadata: Metadata::default(),
                preamble: Vec::new(),
                contents: Vec::new(),
                avdelningar: Vec::new(),
                kapitel: Vec::new(),
                overgang: Vec::new(),
                signature: Vec::new(),
                bilagor: Vec::new(),
                diagnostics: Vec::new(),
                normalisation: Normalisation::default(),
            },
            mode: Mode::Preamble,
            pending_rubriker: Vec::new(),
            current_rubrik: None,
            highest_label: None,
            highest_chapter: None,
            refused_chapter_line: false,
            in_contents: false,
            ar_at: None,
            pending_version: None,
            folds,
            grown_paragrafer: Vec::new(),
            grown_rubriker: Vec::new(),
            looked_back: false,
            divisions_read: Vec::new(),
            closed: None,
        }
    }

    /// A builder for a piece of a text that starts with a chapter heading, as the builder
    /// of the whole text would be on reaching it: in a chapter's paragraphs.
    pub fn for_piece(source: String, folds: Folds) -> Self {
        let mut b = Builder::new(source, folds);
        b.mode = Mode::Paragraf;
        b
    }

    /// Whether `later`, built by [`Builder::for_piece`] from the chapter heading at byte
    /// `at` of the text on, is what this builder, which read the text up to `at`, would
    /// build from there: the heading opened a chapter in `later`, and would have opened
    /// the same one here (numbered upwards, after no text that announces a list, with no
    /// rubrik waiting), and nothing `later` built depends on what came before it (chapter
    /// labels not used before, no transitional provisions or appendices before it, nothing
    /// looked for there but avdelningar, which [`Builder::append`] names again).
    pub fn continues_into(&self, later: &Builder, at: usize) -> bool {
        let opens = later
            .reg
            .kapitel
            .first()
            .is_some_and(|k| k.label.is_some() && k.span.start == at);
        let chapters_new = match self.highest_chapter {
            Some(top) => later
                .reg
                .kapitel
                .iter()
                .all(|k| k.label.is_some_and(|l| l > top)),
            None => true,
        };
        opens
            && chapters_new
            && !later.looked_back
            && matches!(self.mode, Mode::Paragraf | Mode::AllmannaRad)
            && self.pending_rubriker.is_empty()
            && !self.refused_chapter_line
            && !self.in_contents
            && !self.last_text_ends_with_colon()
            && self.reg.overgang.is_empty()
            && self.reg.bilagor.is_empty()
            && self.reg.signature.is_empty()
    }

    /// Takes over what `later` built (see [`Builder::continues_into`]) as if this builder
    /// had read it: closes the open chapter as the heading that starts `later` would have,
    /// appends the parts, and goes on in `later`'s state.
    pub fn append(&mut self, later: Builder) {
        self.end_chapter();
        let offset = self.reg.kapitel.len();
        let Builder {
            reg,
            mode,
            pending_rubriker,
            current_rubrik,
            refused_chapter_line,
            in_contents,
            ar_at,
            pending_version,
            folds: _,
            grown_paragrafer,
            grown_rubriker,
            highest_label,
            highest_chapter,
            looked_back,
            divisions_read,
            // The later builder's paragraphs before its last were closed as it read; its
            // last is this one's last now, closed when the next is read or at the end.
            closed: _,
        } = later;
        let Regulation {
            source: _,
            title: _,
            metadata: _,
            preamble,
            contents,
            avdelningar,
            kapitel,
            overgang,
            signature,
            bilagor,
            diagnostics,
            normalisation,
        } = reg;
        self.reg.preamble.extend(preamble);
        self.reg.contents.extend(contents);
        self.append_divisions(avdelningar, divisions_read, diagnostics, offset);
        self.reg.kapitel.extend(kapitel);
        self.reg.overgang.extend(overgang);
        self.reg.signature.extend(signature);
        self.reg.bilagor.extend(bilagor);
        self.reg.normalisation.add(normalisation);
        self.mode = mode;
        self.pending_rubriker = pending_rubriker;
        self.current_rubrik = current_rubrik;
        self.refused_chapter_line = refused_chapter_line;
        self.in_contents = in_contents;
        self.ar_at = ar_at.map(|(k, p)| (k + offset, p));
        self.pending_version = pending_version;
        self.grown_paragrafer = grown_paragrafer;
        self.grown_rubriker = grown_rubriker;
        self.highest_label = highest_label.map(|(k, n, l)| (k + offset, n, l));
        self.highest_chapter = highest_chapter;
        self.looked_back |= looked_back;
    }

    /// Room in a long chapter's paragraph vector, when it is full, for as many paragraphs
    /// as the rest of the text holds at the rate read so far (at least as many as it has,
    /// at most seven times as many). Doubling instead copies the chapter again at each
    /// step, each time into memory not yet touched: a text read as one chapter of 80,000
    /// paragraphs (23 MB of them) copied 23 MB more and touched 46 MB, where it now grows
    /// three times. Room reserved and never written costs no memory, and chapters under
    /// [`LONG_CHAPTER_BYTES`] (all but the longest) grow as before.
    fn make_room_for_paragraph(&mut self, kap_index: usize, read_to: usize) {
        let paras = &self.reg.kapitel[kap_index].paragrafer;
        if paras.len() < paras.capacity()
            || std::mem::size_of_val(paras.as_slice()) < LONG_CHAPTER_BYTES
        {
            return;
        }
        let unread = self.folds.len.saturating_sub(read_to);
        let bytes_per_paragraph = (read_to / self.reg.paragraph_count().max(1)).max(1);
        let paras = &mut self.reg.kapitel[kap_index].paragrafer;
        // At most eight times the room it had, whatever the rate says (a chapter of very
        // short paragraphs before pages of prose), and at least twice.
        let rest = (unread / bytes_per_paragraph).min(7 * paras.len());
        paras.reserve_exact(rest.max(paras.len()));
    }

    /// Takes the amendment note (`Lag (2025:1511).`, metadata, not wording) off the end of
    /// the last paragraph, which no text can reach once another paragraph or chapter
    /// begins: text only ever goes into the last paragraph of the last chapter. Done as
    /// each paragraph is left, while it is still in the cache, instead of in a walk over
    /// every paragraph at the end (3% of a 50 MB statute's parse, touching its whole tree
    /// again).
    fn close_paragraph(&mut self) {
        let Some(k) = self.reg.kapitel.len().checked_sub(1) else {
            return;
        };
        let Some(i) = self.reg.kapitel[k].paragrafer.len().checked_sub(1) else {
            return;
        };
        if self.closed == Some((k, i)) {
            return;
        }
        self.closed = Some((k, i));
        let p = &mut self.reg.kapitel[k].paragrafer[i];
        if p.repealed().is_some() {
            // The repeal note is the whole text; nothing to strip.
            return;
        }
        let Some(s) = p.stycken.last_mut() else {
            return;
        };
        let target = match s.punkter.last_mut() {
            Some(n) => &mut n.text,
            None => &mut s.text,
        };
        let note = strip_amendment_note(target);
        // A note on a line of its own after a list.
        if s.punkter.is_empty() && s.text.is_empty() && p.stycken.len() > 1 {
            p.stycken.pop();
        }
        if let Some(n) = note {
            // Room for the one note a paragraph has, not the four a first push makes.
            p.extra_mut().amended_by = vec![n];
        }
    }

    /// Ends the open chapter as a chapter heading does: closed ([`Builder::close_chapter`]),
    /// and dropped when it is the chapter without a label that text before the first
    /// chapter heading opens (`ensure_chapter`, only ever as the first) and nothing went
    /// into it. Only the last chapter can be that one: an earlier one was looked at when
    /// the chapter after it began, and nothing is added to a chapter once another follows.
    fn end_chapter(&mut self) {
        self.close_paragraph();
        self.close_chapter();
        if self
            .reg
            .kapitel
            .last()
            .is_some_and(|k| k.label.is_none() && k.paragrafer.is_empty() && k.rubriker.is_empty())
        {
            self.reg.kapitel.pop();
        }
    }

    /// Moves the open chapter's paragraphs and rubriker into vectors of their own length,
    /// and keeps the vectors they grew in for the next chapter. A vector grown by pushing
    /// doubles, copying what it holds each time and leaving its old block behind, and ends
    /// up to twice as long as it needs: on Socialförsäkringsbalken (2,035 paragraphs, then
    /// of 288 bytes, in 116 chapters) the paragraphs took 1.49 MB of allocations for
    /// 0.59 MB held, each a page the process touches for the first time.
    fn close_chapter(&mut self) {
        fn fitted<T>(v: &mut Vec<T>) -> Vec<T> {
            // A long vector keeps its room: the pages of it never written are never given
            // memory, while a copy would hold the chapter twice over for a moment (a
            // 50 MB text read as one chapter of 80,000 paragraphs peaked 19 MB higher).
            if std::mem::size_of_val(v.as_slice()) > LONG_CHAPTER_BYTES {
                return Vec::new();
            }
            let mut grown = std::mem::take(v);
            v.reserve_exact(grown.len());
            v.append(&mut grown);
            grown
        }
        if let Some(k) = self.reg.kapitel.last_mut() {
            self.grown_paragrafer = fitted(&mut k.paragrafer);
            self.grown_rubriker = fitted(&mut k.rubriker);
        }
    }

    /// The paragraph an allmänna råd heading belongs to: the one it names (`Allmänna råd
    /// till 4 §`, `Till 2 kap. 9 §`) when the tree has it, else the paragraph above, when the
    /// text is in a paragraph or its advice.
    fn allmanna_rad_target(&mut self, target: Option<ArTarget>) -> Option<(usize, usize)> {
        if let Some(ArTarget::Paragraph(kap, par)) = target {
            let ki = match kap {
                Some(k) => {
                    let found = self.reg.kapitel.iter().rposition(|c| c.label == Some(k));
                    self.looked_back |= found.is_none();
                    found?
                }
                None => self.reg.kapitel.len().checked_sub(1)?,
            };
            let pi = self.reg.kapitel[ki]
                .paragrafer
                .iter()
                .rposition(|p| p.label == par);
            if let Some(pi) = pi {
                return Some((ki, pi));
            }
            // A named paragraph the tree lacks is no reason to attach the advice elsewhere.
            if kap.is_some() || self.mode == Mode::Preamble {
                return None;
            }
        }
        if !matches!(self.mode, Mode::Paragraf | Mode::AllmannaRad) {
            return None;
        }
        let ki = self.reg.kapitel.len().checked_sub(1)?;
        let pi = self.reg.kapitel[ki].paragrafer.len().checked_sub(1)?;
        Some((ki, pi))
    }

    /// A block of the table of contents: one part per entry (a wrapped entry joined), and
    /// one per heading of a group of entries.
    pub fn add_contents(&mut self, blk: &Blk) {
        let mut start = 0;
        for (i, l) in blk.lines.iter().enumerate() {
            if is_toc_entry(l.0.fast_trim()) || i + 1 == blk.lines.len() {
                let lines = &blk.lines[start..=i];
                let span = lines
                    .iter()
                    .map(|l| l.1)
                    .reduce(Span::join)
                    .unwrap_or(blk.span);
                let text = self.join(lines.iter().map(|l| l.0.as_ref()));
                self.reg.contents.push(TextPart { text, span });
                start = i + 1;
            }
        }
        self.in_contents = true;
    }

    pub fn join<'a, I>(&mut self, lines: I) -> String
    where
        I: IntoIterator<Item = &'a str>,
        I::IntoIter: Clone,
    {
        let lines = lines.into_iter();
        let fold = lines.clone().any(|l| self.folds.in_line(l));
        join_lines_in(lines, &mut self.reg.normalisation, fold)
    }
    /// The block's text joined, without counting what joining it normalised. Most blocks
    /// asked are one line that needs no folding: that is borrowed, as joining would copy it.
    pub fn peek_join<'b>(&self, blk: &'b Blk) -> Cow<'b, str> {
        if let [(line, _)] = blk.lines.as_slice() {
            let t = line.fast_trim();
            if !self.folds.in_line(t) {
                return Cow::Borrowed(t);
            }
        }
        let mut n = Normalisation::default();
        let lines = blk.lines.iter().map(|l| l.0.as_ref());
        let fold = lines.clone().any(|l| self.folds.in_line(l));
        Cow::Owned(join_lines_in(lines, &mut n, fold))
    }

    fn ensure_chapter(&mut self) {
        if self.reg.kapitel.is_empty() {
            self.reg.kapitel.push(Kapitel {
                label: None,
                id: String::new(),
                display: String::new(),
                heading: None,
                span: Span::default(),
                repealed: None,
                rubriker: std::mem::take(&mut self.grown_rubriker),
                paragrafer: std::mem::take(&mut self.grown_paragrafer),
            });
        }
    }

    pub fn last_text_ends_with_colon(&self) -> bool {
        let Some(p) = self.reg.kapitel.last().and_then(|k| k.paragrafer.last()) else {
            return false;
        };
        if self.mode != Mode::Paragraf {
            return false;
        }
        // A heading-like line (an unknown heading above the chapter) announces nothing;
        // a clause cut off after a function word does.
        const GOES_ON: [&str; 14] = [
            " i", " om", " av", " enligt", " och", " samt", " till", " för", " med", " på",
            " från", " att", " som", " eller",
        ];
        p.stycken.last().is_some_and(|s| {
            let t = s.text.fast_trim_end();
            s.punkter.is_empty()
                && (t.ends_with(':')
                    || (!t.ends_with(['.', ')', '”', '"'])
                        && (!rubrik_shaped(t) || GOES_ON.iter().any(|w| t.ends_with(w)))))
        })
    }

    /// `Allmänna råd`, `Övergångsbestämmelser`, `Bilaga 1`: returns true when handled.
    pub fn special_heading(&mut self, t: &str, span: Span) -> bool {
        let t = t.fast_trim();
        if let Some(target) = allmanna_rad_heading(t) {
            if self.mode == Mode::Bilaga {
                // Advice inside a bilaga is the bilaga's text.
                return false;
            }
            // `Allmänna råd` heading a trailing part of advice keyed by paragraph (`Till 2 §`,
            // `Till 3 §` …): the part's heading opens no advice of its own.
            if target.is_some()
                && self.mode == Mode::AllmannaRad
                && let Some((ki, pi)) = self.ar_at
                && let Some(p) = self
                    .reg
                    .kapitel
                    .get_mut(ki)
                    .and_then(|k| k.paragrafer.get_mut(pi))
                && p.allmanna_rad()
                    .last()
                    .is_some_and(|a| a.stycken.is_empty())
            {
                p.extra_mut().allmanna_rad.pop();
                self.ar_at = None;
            }
            let at = self.allmanna_rad_target(target);
            match at {
                Some((ki, pi)) if self.pending_rubriker.is_empty() || target.is_some() => {
                    // A rubrik over advice that names its paragraph heads the advice.
                    let rubrik = (!self.pending_rubriker.is_empty()).then(|| {
                        std::mem::take(&mut self.pending_rubriker)
                            .into_iter()
                            .map(|r| r.0)
                            .collect::<Vec<_>>()
                            .join(" – ")
                    });
                    let p = &mut self.reg.kapitel[ki].paragrafer[pi];
                    let n = p.allmanna_rad().len() + 1;
                    let id = if n == 1 {
                        format!("{}AR", p.id)
                    } else {
                        format!("{}AR{n}", p.id)
                    };
                    p.extra_mut().allmanna_rad.push(AllmannaRad {
                        id,
                        heading: t.to_string(),
                        rubrik,
                        span,
                        stycken: Vec::new(),
                    });
                    self.ar_at = Some((ki, pi));
                    self.mode = Mode::AllmannaRad;
                }
                _ => {
                    self.reg.diagnostics.push(Diagnostic {
                        kind: DiagnosticKind::OrphanAllmannaRad,
                        line: span.line,
                        message: format!(
                            "line {}: `{t}` with no paragraph above it; kept in the preamble",
                            span.line
                        )
                        .into(),
                    });
                    self.reg.preamble.push(TextPart {
                        text: t.to_string(),
                        span,
                    });
                    self.mode = Mode::Preamble;
                }
            }
            return true;
        }
        // Lower-casing is costly; only short lines starting with Ö or I can match.
        let lower = if t.len() < 60 && t.starts_with(['Ö', 'ö', 'I', 'i']) {
            t.to_lowercase()
        } else {
            String::new()
        };
        if (lower.starts_with("övergångsbestämmelse")
            || lower.starts_with("ikraftträdande- och övergångsbestämmelse")
            || lower == "ikraftträdandebestämmelser")
            && t.len() < 60
        {
            self.flush_rubriker_as_text();
            self.mode = Mode::Overgang;
            // The heading again (a running header over the page) opens nothing new.
            if self
                .reg
                .overgang
                .last()
                .is_some_and(|o| o.act.is_none() && o.stycken.is_empty())
            {
                return true;
            }
            let n = self.reg.overgang.len() + 1;
            self.reg.overgang.push(Overgang {
                id: format!("O{n}"),
                act: None,
                span,
                stycken: Vec::new(),
            });
            return true;
        }
        // `NFS 2020:5 Bilaga 1`: the running header's FS number printed on the same line.
        // Only a first word ending in `FS` can start an FS number at 0 (the scan is long).
        // The first word found byte by byte: it ends within a few bytes, where a vector
        // search would cost more to set up than it saves.
        let fs_first = t
            .bytes()
            .position(|b| b == b' ')
            .is_some_and(|i| t[..i].ends_with("FS"));
        let t = match fs_first.then(|| super::metadata::fs_number_in(t)).flatten() {
            Some((0, end)) if t[end..].fast_trim_start().starts_with(['B']) => {
                t[end..].fast_trim_start()
            }
            _ => t,
        };
        if (t.starts_with("Bilaga") || t.starts_with("BILAGA")) && t.len() < 300 {
            let rest = &t[6..];
            // A long heading is an appendix's label and title (`Bilaga 2 Tillvägagångssätt vid
            // utredning och bedömning av skyddsnivå samt …`), not a sentence about one.
            let titled = t.len() < 120
                || !t.ends_with(['.', ':', ';']) && !t.contains("....") && opens_with_title(rest);
            if titled && (rest.is_empty() || rest.starts_with([' ', ':'])) {
                self.flush_rubriker_as_text();
                self.mode = Mode::Bilaga;
                let n = self.reg.bilagor.len() + 1;
                self.reg.bilagor.push(Bilaga {
                    id: format!("B{n}"),
                    heading: t.to_string(),
                    span,
                    text: Vec::new(),
                });
                return true;
            }
        }
        // An amending act's number starts a new group of transitional provisions.
        if self.mode == Mode::Overgang && is_sfs_number(t) {
            let reuse = self
                .reg
                .overgang
                .last()
                .is_some_and(|o| o.act.is_none() && o.stycken.is_empty());
            if reuse {
                if let Some(o) = self.reg.overgang.last_mut() {
                    o.act = Some(t.to_string());
                    o.span = span;
                }
            } else {
                let n = self.reg.overgang.len() + 1;
                self.reg.overgang.push(Overgang {
                    id: format!("O{n}"),
                    act: Some(t.to_string()),
                    span,
                    stycken: Vec::new(),
                });
            }
            return true;
        }
        false
    }

    fn flush_rubriker_as_text(&mut self) {
        for (t, span) in std::mem::take(&mut self.pending_rubriker) {
            self.reg.preamble.push(TextPart { text: t, span });
        }
    }

    /// An avdelning (level 1) or underavdelning (level 2) heading; the chapters that follow
    /// stand below it. A bare numeral (`level` None) heads an underavdelning when an
    /// avdelning is open, and an avdelning otherwise.
    pub fn start_division(&mut self, d: DivisionLine, heading: &str, span: Span) {
        self.flush_rubriker_as_text();
        self.reg
            .kapitel
            .retain(|k| k.label.is_some() || !k.paragrafer.is_empty() || !k.rubriker.is_empty());
        let (level, id, display) =
            division_names(&self.reg.avdelningar, d.level, d.label, d.ordinal);
        let prev = self.reg.avdelningar.iter().find(|a| a.id == id);
        self.divisions_read.push(DivisionRead {
            level: d.level,
            ordinal: d.ordinal,
            diagnostic_at: self.reg.diagnostics.len(),
            duplicate: prev.is_some(),
        });
        if let Some(prev) = prev {
            let diagnostic = division_used_twice(&display, prev.span.line, span.line);
            self.reg.diagnostics.push(diagnostic);
        }
        self.reg.avdelningar.push(Avdelning {
            id,
            label: d.label.to_string(),
            display,
            level,
            heading: (!heading.is_empty()).then(|| heading.to_string()),
            span,
            before: self.reg.kapitel.len(),
        });
        self.current_rubrik = None;
        self.mode = Mode::Paragraf;
    }

    /// Appends avdelningar read by a builder of a later piece of the text (see
    /// [`Builder::append`]), its diagnostics with them, named as this builder would have
    /// named them: a bare numeral, or an underavdelning, read there without an avdelning
    /// above it may stand below one of this builder's, and a label may repeat one of its.
    fn append_divisions(
        &mut self,
        later: Vec<Avdelning>,
        read: Vec<DivisionRead>,
        diagnostics: Vec<Diagnostic>,
        offset: usize,
    ) {
        if self.reg.avdelningar.is_empty() {
            // Nothing before them to stand below or repeat: named as they were.
            self.reg
                .avdelningar
                .extend(later.into_iter().map(|d| Avdelning {
                    before: d.before + offset,
                    ..d
                }));
            self.reg.diagnostics.extend(diagnostics);
            return;
        }
        // Each division's diagnostic (a repeated label), by where it goes among the later
        // builder's diagnostics; the later builder's own are dropped.
        let mut renamed: Vec<(usize, Diagnostic)> = Vec::new();
        let mut dropped = Vec::new();
        for (d, r) in later.into_iter().zip(read) {
            let (level, id, display) =
                division_names(&self.reg.avdelningar, r.level, &d.label, r.ordinal);
            if let Some(prev) = self.reg.avdelningar.iter().find(|a| a.id == id) {
                let diagnostic = division_used_twice(&display, prev.span.line, d.span.line);
                renamed.push((r.diagnostic_at, diagnostic));
            }
            if r.duplicate {
                dropped.push(r.diagnostic_at);
            }
            self.reg.avdelningar.push(Avdelning {
                id,
                display,
                level,
                before: d.before + offset,
                ..d
            });
        }
        let mut renamed = renamed.into_iter().peekable();
        for (i, diagnostic) in diagnostics.into_iter().enumerate() {
            while let Some((_, d)) = renamed.next_if(|(at, _)| *at == i) {
                self.reg.diagnostics.push(d);
            }
            if !dropped.contains(&i) {
                self.reg.diagnostics.push(diagnostic);
            }
        }
        self.reg.diagnostics.extend(renamed.map(|(_, d)| d));
    }

    pub fn start_chapter(&mut self, label: Label, heading: &str, span: Span) {
        self.pending_version = None;
        self.flush_rubriker_as_text();
        let address = Address::chapter(label);
        let repealed = heading
            .starts_with("Har upphävts")
            .then(|| heading.to_string());
        self.end_chapter();
        let repeated = match self.highest_chapter {
            Some(top) if label <= top => self.reg.kapitel.iter().find(|k| k.label == Some(label)),
            _ => None,
        };
        if let Some(prev) = repeated {
            self.reg.diagnostics.push(Diagnostic {
                kind: DiagnosticKind::DuplicateLabel,
                line: span.line,
                message: format!(
                    "{}: chapter label used twice, on lines {} and {}",
                    address.display(),
                    prev.span.line,
                    span.line
                )
                .into(),
            });
        }
        self.highest_chapter = Some(self.highest_chapter.map_or(label, |top| top.max(label)));
        self.reg.kapitel.push(Kapitel {
            label: Some(label),
            id: address.id(),
            display: address.display(),
            heading: (!heading.is_empty()).then(|| heading.to_string()),
            span,
            repealed,
            rubriker: std::mem::take(&mut self.grown_rubriker),
            paragrafer: std::mem::take(&mut self.grown_paragrafer),
        });
        self.current_rubrik = None;
        self.mode = Mode::Paragraf;
    }

    pub fn start_paragraph(&mut self, blk: &Blk) {
        let first = blk.first().fast_trim();
        let Some((label, end)) = paragraph_label_at_start(first) else {
            return;
        };
        if self.mode == Mode::Overgang {
            // `1 §` after `Övergångsbestämmelser`: the heading was an ordinary rubrik.
            if let Some(o) = self.reg.overgang.last()
                && o.stycken.is_empty()
                && o.act.is_none()
                && label.num == 1
            {
                let o = self.reg.overgang.pop();
                if let Some(o) = o {
                    self.pending_rubriker
                        .push(("Övergångsbestämmelser".to_string(), o.span));
                }
            }
        }
        self.ensure_chapter();
        // Rubriker waiting for this paragraph.
        let kap_index = self.reg.kapitel.len() - 1;
        // Emptied, not taken, so that the list keeps its room for the next paragraph's
        // (about 1,100 allocations in a version of Socialförsäkringsbalken).
        let mut pending = std::mem::take(&mut self.pending_rubriker);
        {
            let kap = &mut self.reg.kapitel[kap_index];
            let before = kap.paragrafer.len();
            let last = pending.len().checked_sub(1);
            for (n, (t, span)) in pending.drain(..).enumerate() {
                if Some(n) == last {
                    self.current_rubrik = Some(Arc::from(t.as_str()));
                }
                let idx = kap.rubriker.len() + 1;
                let id = child_id(&kap.id, 'R', idx as u32);
                kap.rubriker.push(Rubrik {
                    id,
                    text: t,
                    span,
                    level: if n == 0 { 1 } else { 2 },
                    before,
                });
            }
        }
        self.pending_rubriker = pending;
        let kap_label = self.reg.kapitel[kap_index].label;
        let address = Address::paragraph(kap_label, label);

        // Marker and first text.
        let mut after = first[end..].fast_trim_start();
        let mut from = None;
        let mut until = None;
        if let Some((is_from, date, len)) = marker(after) {
            if is_from {
                from = Some(date);
            } else {
                until = Some(date);
            }
            after = after[len..].fast_trim_start();
        } else if let Some((is_from, date)) = self.pending_version.take() {
            if is_from {
                from = Some(date);
            } else {
                until = Some(date);
            }
        }
        self.pending_version = None;

        // Diagnostics for labels out of order or used twice.
        let kap = &self.reg.kapitel[kap_index];
        let highest = match self.highest_label {
            Some((k, n, top)) if k == kap_index && n == kap.paragrafer.len() => Some(top),
            _ => kap.paragrafer.iter().map(|p| p.label).max(),
        };
        let repeated = match highest {
            Some(top) if label <= top => kap.paragrafer.iter().rev().find(|p| p.label == label),
            _ => None,
        };
        self.highest_label = Some((
            kap_index,
            kap.paragrafer.len() + 1,
            highest.map_or(label, |top| top.max(label)),
        ));
        let display = paragraph_display(kap_label, label);
        if let Some(prev) = repeated {
            let versions = (prev.in_force_until().is_some() && from.is_some())
                || (prev.in_force_from().is_some() && until.is_some());
            if !versions {
                self.reg.diagnostics.push(Diagnostic {
                    kind: DiagnosticKind::DuplicateLabel,
                    line: blk.span.line,
                    message: Message::RepeatedLabel {
                        kapitel: kap_label,
                        paragraf: label,
                        first: prev.span.line,
                        again: blk.span.line,
                    },
                });
            }
        } else if let Some(last) = kap.paragrafer.last()
            && last.label > label
        {
            self.reg.diagnostics.push(Diagnostic {
                kind: DiagnosticKind::OutOfOrder,
                line: blk.span.line,
                message: format!(
                    "{display}: comes after {} (line {}); numbering goes backwards",
                    last.display, last.span.line
                )
                .into(),
            });
        }

        let para = Paragraf {
            label,
            address,
            id: paragraph_id(kap_label, label),
            display,
            span: blk.span,
            rubrik: self.current_rubrik.clone(),
            stycken: Vec::new(),
            extra: (from.is_some() || until.is_some()).then(|| {
                Box::new(ParagrafExtra {
                    in_force_from: from,
                    in_force_until: until,
                    ..ParagrafExtra::default()
                })
            }),
        };
        let read_to = blk.span.start;
        self.close_paragraph();
        self.make_room_for_paragraph(kap_index, read_to);
        self.reg.kapitel[kap_index].paragrafer.push(para);
        self.mode = Mode::Paragraf;
        // The body is the block with the first line cut after its label and marker, read
        // in place: a vector of its lines for every paragraph cost an allocation and a
        // copy of each line. A body with a blank line inside (only a Markdown source can
        // have one) is copied without it, as the blank line has no text to join.
        if blk
            .lines
            .iter()
            .skip(1)
            .all(|l| !l.0.fast_trim().is_empty())
        {
            if !after.fast_trim().is_empty() {
                self.paragraph_lines(&blk.lines, Some(after));
            } else if blk.lines.len() > 1 {
                self.paragraph_lines(&blk.lines[1..], None);
            }
        } else {
            let first_line = blk.lines.first().map(|l| (Cow::Borrowed(after), l.1));
            let lines: Vec<_> = first_line
                .into_iter()
                .chain(
                    blk.lines
                        .iter()
                        .skip(1)
                        .map(|l| (Cow::Borrowed(l.0.as_ref()), l.1)),
                )
                .filter(|l| !l.0.fast_trim().is_empty())
                .collect();
            if !lines.is_empty() {
                self.paragraph_lines(&lines, None);
            }
        }
        // `8 § Har upphävts genom lag (2021:123).`
        if let Some(p) = self.reg.kapitel[kap_index].paragrafer.last_mut()
            && p.stycken.len() == 1
            && p.stycken[0].punkter.is_empty()
            && is_placeholder(&p.stycken[0].text)
        {
            p.extra_mut().repealed = p.stycken.pop().map(|s| s.text);
        }
    }

    /// Text in the current paragraph: a new stycke, punkter, or strecksatser.
    fn paragraph_text(&mut self, blk: &Blk) {
        self.paragraph_lines(&blk.lines, None);
    }

    /// As [`Builder::paragraph_text`], on lines of which the first reads `first` when
    /// given (a paragraph's first line after its label). `lines` is not empty.
    fn paragraph_lines(&mut self, lines: &[(Cow<'_, str>, Span)], first: Option<&str>) {
        // Split the block where lines start new punkter or strecksatser.
        let starts_item = |l: &(Cow<'_, str>, Span)| {
            let t = l.0.fast_trim();
            punkt_at_start(t).is_some() || is_strecksats(t)
        };
        let mut from = 0;
        while from < lines.len() {
            let to = lines[from + 1..]
                .iter()
                .position(starts_item)
                .map_or(lines.len(), |k| from + 1 + k);
            let g = &lines[from..to];
            let span = g.iter().map(|l| l.1).reduce(Span::join).unwrap_or_default();
            let head = match first {
                Some(f) if from == 0 => f,
                _ => g[0].0.as_ref(),
            };
            from = to;
            let text = self.join(std::iter::once(head).chain(g[1..].iter().map(|l| l.0.as_ref())));
            let first = head.fast_trim();
            let Some(p) = self
                .reg
                .kapitel
                .last_mut()
                .and_then(|k| k.paragrafer.last_mut())
            else {
                return;
            };
            p.span = p.span.join(span);
            if let Some((label, _)) = punkt_at_start(first) {
                let mut body = text;
                if let Some((_, rest)) = punkt_at_start(&body) {
                    let cut = body.len() - rest.len();
                    body.drain(..cut);
                }
                if p.stycken.is_empty() {
                    let number = 1;
                    p.stycken.reserve_exact(1);
                    p.stycken.push(Stycke {
                        number,
                        id: child_id(&p.id, 'S', number),
                        text: String::new(),
                        span,
                        punkter: Vec::new(),
                    });
                }
                if let Some(s) = p.stycken.last_mut() {
                    s.span = s.span.join(span);
                    // Room for two at first, not four: many lists are short.
                    if s.punkter.is_empty() {
                        s.punkter.reserve_exact(2);
                    }
                    s.punkter.push(Punkt {
                        label,
                        id: child_id(&s.id, 'N', label),
                        text: body,
                        span,
                    });
                }
            } else if is_strecksats(first) && !p.stycken.is_empty() {
                // A strecksats belongs to what it continues: the last punkt when the
                // stycke has punkter (`3. ... a) ... - ett industriområde,`), else the stycke.
                if let Some(s) = p.stycken.last_mut() {
                    match s.punkter.last_mut() {
                        Some(n) => {
                            n.text.push('\n');
                            n.text.push_str(&text);
                            n.span = n.span.join(span);
                        }
                        None => {
                            s.text.push('\n');
                            s.text.push_str(&text);
                        }
                    }
                    s.span = s.span.join(span);
                }
            } else {
                let number = p.stycken.len() as u32 + 1;
                // Most paragraphs have one stycke and most others two (Socialförsäkrings-
                // balken: 1,268 and 595 of 2,035): room for one, then for two, not the
                // four a first push makes (a 50 MB statute has 80,000 paragraphs).
                if p.stycken.len() < 2 {
                    p.stycken.reserve_exact(1);
                }
                p.stycken.push(Stycke {
                    number,
                    id: child_id(&p.id, 'S', number),
                    text,
                    span,
                    punkter: Vec::new(),
                });
            }
        }
    }

    pub fn text_block(&mut self, blk: &Blk) {
        // `1. Denna författning träder i kraft den …` with no heading above it: the
        // transitional provisions have begun.
        if matches!(self.mode, Mode::Paragraf | Mode::AllmannaRad)
            && is_in_force_clause(blk.first())
            && self.pending_rubriker.is_empty()
        {
            self.mode = Mode::Overgang;
            let n = self.reg.overgang.len() + 1;
            self.reg.overgang.push(Overgang {
                id: format!("O{n}"),
                act: None,
                span: blk.span,
                stycken: Vec::new(),
            });
        }
        // Rubriker that turned out not to head a paragraph are kept as text.
        if !self.pending_rubriker.is_empty() && self.mode != Mode::Preamble {
            let pending = std::mem::take(&mut self.pending_rubriker);
            for (t, span) in pending {
                let fake = Blk {
                    lines: vec![(Cow::Owned(t), span)],
                    kind: BlockKind::Text,
                    span,
                    start: Start::Other,
                    contents: false,
                };
                self.text_block(&fake);
            }
        }
        match self.mode {
            Mode::Preamble => {
                self.flush_rubriker_as_text();
                let text = self.join(blk.lines.iter().map(|l| l.0.as_ref()));
                self.reg.preamble.push(TextPart {
                    text,
                    span: blk.span,
                });
            }
            Mode::Paragraf => {
                if self
                    .reg
                    .kapitel
                    .last()
                    .is_some_and(|k| !k.paragrafer.is_empty())
                {
                    self.paragraph_text(blk);
                } else {
                    // Text between a chapter heading and its first paragraph.
                    let text = self.join(blk.lines.iter().map(|l| l.0.as_ref()));
                    self.reg.preamble.push(TextPart {
                        text,
                        span: blk.span,
                    });
                }
            }
            Mode::AllmannaRad => {
                let text = self.join(blk.lines.iter().map(|l| l.0.as_ref()));
                let para = match self.ar_at {
                    Some((ki, pi)) => self
                        .reg
                        .kapitel
                        .get_mut(ki)
                        .and_then(|k| k.paragrafer.get_mut(pi)),
                    None => self
                        .reg
                        .kapitel
                        .last_mut()
                        .and_then(|k| k.paragrafer.last_mut()),
                };
                if let Some(ar) = para.and_then(|p| p.allmanna_rad_mut().last_mut()) {
                    ar.span = ar.span.join(blk.span);
                    ar.stycken.push(TextPart {
                        text,
                        span: blk.span,
                    });
                }
            }
            Mode::Overgang if is_signature_line(blk, self.reg.overgang.last()) => {
                self.mode = Mode::Signature;
                self.text_block(blk);
            }
            Mode::Signature => {
                let text = self.join(blk.lines.iter().map(|l| l.0.as_ref()));
                self.reg.signature.push(TextPart {
                    text,
                    span: blk.span,
                });
            }
            Mode::Overgang => {
                // Punkter printed without space between them: each line that starts one
                // after a line that ends a clause is a punkt of its own.
                let mut groups: Vec<&[(Cow<'_, str>, Span)]> = Vec::new();
                let mut from = 0;
                for i in 1..blk.lines.len() {
                    let starts = punkt_at_start(blk.lines[i].0.fast_trim()).is_some();
                    let ended = blk.lines[i - 1]
                        .0
                        .fast_trim_end()
                        .ends_with(['.', ';', ',']);
                    if starts && ended {
                        groups.push(&blk.lines[from..i]);
                        from = i;
                    }
                }
                groups.push(&blk.lines[from..]);
                for g in groups {
                    let span = g.iter().map(|l| l.1).reduce(Span::join).unwrap_or(blk.span);
                    self.overgang_text(g, span);
                }
            }
            Mode::Bilaga => {
                let text = self.join(blk.lines.iter().map(|l| l.0.as_ref()));
                if let Some(b) = self.reg.bilagor.last_mut() {
                    b.span = b.span.join(blk.span);
                    b.text.push(TextPart {
                        text,
                        span: blk.span,
                    });
                }
            }
        }
    }

    /// Text of the transitional provisions: a punkt, or a stycke. (Ids are made as a
    /// paragraph's are, without `format!`: Socialförsäkringsbalken has about 400 such texts.)
    fn overgang_text(&mut self, lines: &[(Cow<'_, str>, Span)], span: Span) {
        let first = lines.first().map(|l| l.0.fast_trim()).unwrap_or_default();
        let text = self.join(lines.iter().map(|l| l.0.as_ref()));
        let Some(o) = self.reg.overgang.last_mut() else {
            return;
        };
        o.span = o.span.join(span);
        if let Some((label, _)) = punkt_at_start(first) {
            let mut body = text;
            if let Some((_, rest)) = punkt_at_start(&body) {
                let cut = body.len() - rest.len();
                body.drain(..cut);
            }
            if o.stycken.is_empty() {
                o.stycken.push(Stycke {
                    number: 1,
                    id: child_id(&o.id, 'S', 1),
                    text: String::new(),
                    span,
                    punkter: Vec::new(),
                });
            }
            // A punkt of the transitional provisions is numbered under them (`O1N2`).
            let id = child_id(&o.id, 'N', label);
            if let Some(s) = o.stycken.last_mut() {
                s.punkter.push(Punkt {
                    label,
                    id,
                    text: body,
                    span,
                });
                s.span = s.span.join(span);
            }
        } else {
            let number = o.stycken.len() as u32 + 1;
            o.stycken.push(Stycke {
                number,
                id: child_id(&o.id, 'S', number),
                text,
                span,
                punkter: Vec::new(),
            });
        }
    }

    pub fn finish(mut self) -> Regulation {
        // Trailing rubriker with no paragraph below them stay as rubriker of the chapter.
        let pending = std::mem::take(&mut self.pending_rubriker);
        if !pending.is_empty() {
            if let Some(kap) = self.reg.kapitel.last_mut() {
                let before = kap.paragrafer.len();
                for (t, span) in pending {
                    let idx = kap.rubriker.len() + 1;
                    kap.rubriker.push(Rubrik {
                        id: child_id(&kap.id, 'R', idx as u32),
                        text: t,
                        span,
                        level: 1,
                        before,
                    });
                }
            } else {
                for (t, span) in pending {
                    self.reg.preamble.push(TextPart { text: t, span });
                }
            }
        }
        self.close_paragraph();
        self.close_chapter();
        if self.reg.paragraph_count() == 0 {
            self.reg.diagnostics.push(Diagnostic {
                kind: DiagnosticKind::NoParagraphs,
                line: 1,
                message: "no paragraf (`N §`) found".to_string().into(),
            });
        }
        self.reg
    }
}

/// The first line of the signature under the transitional provisions: one short line
/// that ends no sentence (`Naturvårdsverket`, `På Myndigheten för … vägnar`, `BJÖRN
/// RISINGER`), after at least one provision.
fn is_signature_line(blk: &Blk, o: Option<&Overgang>) -> bool {
    let t = blk.first().fast_trim();
    blk.lines.len() == 1
        && o.is_some_and(|o| !o.stycken.is_empty())
        && t.starts_with(char::is_uppercase)
        && !t.ends_with(['.', ',', ';', ':'])
        && t.split_whitespace().count() <= 10
        && punkt_at_start(t).is_none()
        && !is_sfs_number(t)
}

/// The id of a stycke or punkt: its parent's id and `S2` or `N3`, as
/// [`Address::id`] writes them (built from the parent's, since this runs for every stycke).
fn child_id(parent: &str, tag: char, n: impl ChildNumber) -> String {
    let mut id = String::with_capacity(parent.len() + 1 + n.len());
    id.push_str(parent);
    id.push(tag);
    n.push_to(&mut id);
    id
}

/// What numbers a stycke (`2`) or a punkt (`3`, `b`), written as its `Display` does, but
/// without the formatting machinery: this runs for every stycke and punkt.
trait ChildNumber {
    fn push_to(&self, out: &mut String);
    /// Its length in bytes, so that an id is allocated at its size (there is one per
    /// stycke and punkt, and a 50 MB statute has a quarter of a million).
    fn len(&self) -> usize;
}

impl ChildNumber for u32 {
    fn push_to(&self, out: &mut String) {
        crate::address::push_decimal(out, *self);
    }
    fn len(&self) -> usize {
        u32_len(*self)
    }
}

impl ChildNumber for crate::address::PunktLabel {
    fn push_to(&self, out: &mut String) {
        match *self {
            crate::address::PunktLabel::Number(n) => crate::address::push_decimal(out, n),
            crate::address::PunktLabel::Letter(c) => out.push(c),
        }
    }
    fn len(&self) -> usize {
        match *self {
            crate::address::PunktLabel::Number(n) => u32_len(n),
            crate::address::PunktLabel::Letter(c) => c.len_utf8(),
        }
    }
}

fn u32_len(n: u32) -> usize {
    n.checked_ilog10().map_or(1, |d| d as usize + 1)
}

fn label_len(l: Label) -> usize {
    u32_len(l.num) + l.letter.map_or(0, char::len_utf8)
}

/// A label as [`Label::id`] writes it (`7`, `7a`).
fn push_label_id(out: &mut String, l: Label) {
    crate::address::push_decimal(out, l.num);
    if let Some(c) = l.letter {
        out.push(c);
    }
}

/// A label as [`Address::display`] writes it (`7`, `7 a`).
fn push_label_display(out: &mut String, l: Label) {
    crate::address::push_decimal(out, l.num);
    if let Some(c) = l.letter {
        out.push(' ');
        out.push(c);
    }
}

/// A paragraph's id, as [`Address::id`] writes it (`K2P7a`, `P3`).
fn paragraph_id(kap: Option<Label>, p: Label) -> String {
    let len = kap.map_or(0, |k| 1 + label_len(k)) + 1 + label_len(p);
    let mut out = String::with_capacity(len);
    if let Some(k) = kap {
        out.push('K');
        push_label_id(&mut out, k);
    }
    out.push('P');
    push_label_id(&mut out, p);
    out
}

/// A paragraph's display form, as [`Address::display`] writes it (`2 kap. 7 a §`).
fn paragraph_display(kap: Option<Label>, p: Label) -> String {
    // Each letter is written after a space; ` kap. ` is 6 bytes, ` §` 3.
    let shown = |l: Label| label_len(l) + usize::from(l.letter.is_some());
    let len = kap.map_or(0, |k| shown(k) + 6) + shown(p) + 3;
    let mut out = String::with_capacity(len);
    if let Some(k) = kap {
        push_label_display(&mut out, k);
        out.push_str(" kap. ");
    }
    push_label_display(&mut out, p);
    out.push_str(" §");
    out
}

/// After `Bilaga`: a short label (`2`, `A`, `IV`) and a title that opens with a capital.
fn opens_with_title(rest: &str) -> bool {
    let mut words = rest.split_whitespace();
    words.next().is_some_and(is_appendix_label)
        && words
            .next()
            .and_then(|w| w.chars().next())
            .is_some_and(char::is_uppercase)
}

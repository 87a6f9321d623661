//! Stage 1, reading PDF: the content-stream interpreter. It runs a page's content streams
//! (and the form XObjects they draw, in place, with their matrix) through the text and
//! graphics state that place glyphs: `q`/`Q`, `cm`, `BT`/`ET`, `Tf`, `Tc`, `Tw`, `Tz`,
//! `TL`, `Ts`, `Td`, `TD`, `Tm`, `T*`, and the showing operators `Tj`, `TJ`, `'` and `"`.
//! Each glyph comes out with its position on the page (baseline from the top), its size,
//! advance, style and text. Everything else (paths, colours, images) is skipped unread.
//!
//! Bounded throughout: forms nest at most [`MAX_FORM_DEPTH`] deep and at most
//! [`MAX_INLINED`] bytes of form content are run per document, the graphics-state stack
//! and the operand list have caps, and every loop moves forward through the bytes.

use super::font::{self, Font, FontStyle};
use super::lex::{self, Tok};
use super::{Glyph, GlyphText};
use lopdf::{Dictionary, Document, Object, ObjectId};
use rustc_hash::{FxHashMap, FxHashSet};
use std::rc::Rc;

/// Form XObjects drawn inside forms deeper than this are left out.
const MAX_FORM_DEPTH: usize = 8;
/// Form content run beyond this many bytes (in one document, per worker) is left out: a
/// form drawn thousands of times is a pattern, not text.
const MAX_INLINED: usize = 64 * 1024 * 1024;
/// Operands kept before an operator (a content stream has at most a few; a long `TJ` array
/// a few hundred).
const MAX_OPERANDS: usize = 4096;
/// Saved graphics states kept (`q` without `Q` beyond this is ignored).
const MAX_STACK: usize = 4096;

/// An affine matrix `[a b c d e f]`, composed as the PDF library did (row vectors), so
/// that positions come out bit for bit as before.
#[derive(Clone, Copy, Debug, PartialEq)]
struct M([f64; 6]);

impl M {
    const ID: M = M([1.0, 0.0, 0.0, 1.0, 0.0, 0.0]);

    fn translate(x: f64, y: f64) -> M {
        M([1.0, 0.0, 0.0, 1.0, x, y])
    }

    /// `self` then `m`.
    fn then(&self, m: &M) -> M {
        let [a11, a12, a21, a22, a31, a32] = self.0;
        let [b11, b12, b21, b22, b31, b32] = m.0;
        M([
            a11 * b11 + a12 * b21,
            a11 * b12 + a12 * b22,
            a21 * b11 + a22 * b21,
            a21 * b12 + a22 * b22,
            a31 * b11 + a32 * b21 + b31,
            a31 * b12 + a32 * b22 + b32,
        ])
    }
}

#[derive(Clone)]
struct State {
    ctm: M,
    tm: M,
    font: Option<Rc<Font>>,
    size: f64,
    char_spacing: f64,
    word_spacing: f64,
    scaling: f64,
    leading: f64,
    rise: f64,
}

impl State {
    fn new() -> State {
        State {
            ctm: M::ID,
            tm: M::ID,
            font: None,
            size: f64::NAN,
            char_spacing: 0.0,
            word_spacing: 0.0,
            scaling: 1.0,
            leading: 0.0,
            rise: 0.0,
        }
    }
}

/// Every font's style, by the address of its dictionary in the document; the families are
/// numbered in order of first appearance in the pages' resources (and the forms' they
/// draw), so the numbers do not depend on which worker reads which page.
#[derive(Default)]
pub struct Styles {
    by_font: FxHashMap<usize, FontStyle>,
}

impl Styles {
    pub fn of(doc: &Document, pages: &[ObjectId]) -> Styles {
        let mut styles = Styles::default();
        let mut families: Vec<String> = Vec::new();
        let mut seen: FxHashSet<usize> = FxHashSet::default();
        for id in pages {
            if let Some(res) = inherited(doc, *id, b"Resources").and_then(|o| o.as_dict().ok()) {
                styles.walk(doc, res, &mut families, &mut seen, 0);
            }
        }
        styles
    }

    fn walk(
        &mut self,
        doc: &Document,
        res: &Dictionary,
        families: &mut Vec<String>,
        seen: &mut FxHashSet<usize>,
        depth: usize,
    ) {
        if depth > MAX_FORM_DEPTH || !seen.insert(res as *const Dictionary as usize) {
            return;
        }
        if let Some(fonts) = font::get(doc, res, b"Font").and_then(|o| o.as_dict().ok()) {
            for (_, f) in fonts.iter() {
                let Some(f) = font::deref(doc, f).and_then(|o| o.as_dict().ok()) else {
                    continue;
                };
                let key = f as *const Dictionary as usize;
                if self.by_font.contains_key(&key) {
                    continue;
                }
                let (bold, italic, family) = font::describe(doc, f);
                let n = if family.is_empty() {
                    0
                } else {
                    match families.iter().position(|x| *x == family) {
                        Some(i) => i + 1,
                        None => {
                            families.push(family);
                            families.len()
                        }
                    }
                };
                let style = FontStyle {
                    bold,
                    italic,
                    family: n.min(30) as u8,
                };
                self.by_font.insert(key, style);
            }
        }
        if let Some(xs) = font::get(doc, res, b"XObject").and_then(|o| o.as_dict().ok()) {
            for (_, x) in xs.iter() {
                if let Some(Object::Stream(s)) = font::deref(doc, x)
                    && let Some(r) =
                        font::get(doc, &s.dict, b"Resources").and_then(|o| o.as_dict().ok())
                {
                    self.walk(doc, r, families, seen, depth + 1);
                }
            }
        }
    }
}

/// What one worker keeps between pages: the fonts it has read, and how much form content
/// it has run.
pub struct Reader<'d> {
    doc: &'d Document,
    styles: &'d Styles,
    fonts: FxHashMap<usize, Rc<Font>>,
    inlined: usize,
}

/// A page as read: its glyphs and the character codes it shows (spaces aside).
pub struct PageGlyphs {
    pub glyphs: Vec<Glyph>,
    pub shown: usize,
}

impl<'d> Reader<'d> {
    pub fn new(doc: &'d Document, styles: &'d Styles) -> Reader<'d> {
        Reader {
            doc,
            styles,
            fonts: FxHashMap::default(),
            inlined: 0,
        }
    }

    /// Reads one page.
    pub fn page(&mut self, page_id: ObjectId) -> PageGlyphs {
        let doc = self.doc;
        let empty = Dictionary::new();
        let resources = inherited(doc, page_id, b"Resources")
            .and_then(|o| o.as_dict().ok())
            .unwrap_or(&empty);
        let media: Option<Vec<f64>> = inherited(doc, page_id, b"MediaBox")
            .and_then(|o| o.as_array().ok())
            .map(|a| a.iter().filter_map(|o| font::num(doc, o)).collect())
            .filter(|v: &Vec<f64>| v.len() == 4);
        let (left, top) = match media.as_deref() {
            Some([x0, y0, x1, y1]) => (x0.min(*x1), y0.max(*y1)),
            _ => (0.0, 842.0),
        };
        let mut content = Vec::new();
        for id in doc.get_page_contents(page_id) {
            if let Ok(s) = doc.get_object(id).and_then(Object::as_stream) {
                content.extend(font::plain(s));
                content.push(b'\n');
            }
        }
        let mut run = Run {
            reader: self,
            out: PageGlyphs {
                glyphs: Vec::with_capacity(content.len() / 8),
                shown: 0,
            },
            left,
            top,
            buf: Vec::new(),
        };
        let mut state = State::new();
        let mut tlm = M::ID;
        run.stream(&content, resources, &mut state, &mut tlm, 0);
        run.out
    }

    fn font(&mut self, resources: &Dictionary, name: &[u8]) -> Option<Rc<Font>> {
        let doc = self.doc;
        let fonts = font::get(doc, resources, b"Font")?.as_dict().ok()?;
        let dict = font::get(doc, fonts, name)?.as_dict().ok()?;
        let key = dict as *const Dictionary as usize;
        if let Some(f) = self.fonts.get(&key) {
            return Some(f.clone());
        }
        let style = self.styles.by_font.get(&key).copied().unwrap_or_default();
        let f = Rc::new(Font::load(doc, dict, style));
        self.fonts.insert(key, f.clone());
        Some(f)
    }
}

/// The interpretation of one page.
struct Run<'r, 'd> {
    reader: &'r mut Reader<'d>,
    out: PageGlyphs,
    /// The page's left edge and top (its media box).
    left: f64,
    top: f64,
    /// Scratch space for a string's bytes.
    buf: Vec<u8>,
}

impl Run<'_, '_> {
    /// Runs one content stream. The text line matrix `tlm` is not part of the graphics
    /// state: a form drawn inside a text object moves it for the page too.
    fn stream(
        &mut self,
        s: &[u8],
        resources: &Dictionary,
        st: &mut State,
        tlm: &mut M,
        depth: usize,
    ) {
        let mut ops: Vec<(Tok, usize, usize)> = Vec::with_capacity(16);
        let mut stack: Vec<State> = Vec::new();
        let mut i = 0;
        while let Some(tok) = lex::next_token(s, i) {
            i = tok.2;
            if tok.0 != Tok::Op {
                if ops.len() < MAX_OPERANDS {
                    ops.push(tok);
                }
                continue;
            }
            let n = |k: usize| -> Option<f64> {
                let at = ops.len().checked_sub(k)?;
                match ops.get(at)?.0 {
                    Tok::Num(v) => Some(v),
                    _ => None,
                }
            };
            let matrix = || -> Option<M> { Some(M([n(6)?, n(5)?, n(4)?, n(3)?, n(2)?, n(1)?])) };
            match &s[tok.1..tok.2] {
                b"q" if stack.len() < MAX_STACK => stack.push(st.clone()),
                b"Q" => {
                    if let Some(saved) = stack.pop() {
                        *st = saved;
                    }
                }
                b"cm" => {
                    if let Some(m) = matrix() {
                        st.ctm = m.then(&st.ctm);
                    }
                }
                b"BT" | b"ET" => {
                    *tlm = M::ID;
                    st.tm = M::ID;
                }
                b"Tf" => {
                    if let (Some(size), Some(name)) =
                        (n(1), ops.len().checked_sub(2).map(|k| ops[k]))
                        && name.0 == Tok::Name
                    {
                        let name = lex::name_bytes(&s[name.1..name.2]);
                        st.font = self.reader.font(resources, &name);
                        st.size = size;
                    }
                }
                b"Tc" => st.char_spacing = n(1).unwrap_or(st.char_spacing),
                b"Tw" => st.word_spacing = n(1).unwrap_or(st.word_spacing),
                b"Tz" => st.scaling = n(1).map_or(st.scaling, |v| v / 100.0),
                b"TL" => st.leading = n(1).unwrap_or(st.leading),
                b"Ts" => st.rise = n(1).unwrap_or(st.rise),
                b"Td" | b"TD" => {
                    if let (Some(tx), Some(ty)) = (n(2), n(1)) {
                        if &s[tok.1..tok.2] == b"TD" {
                            st.leading = -ty;
                        }
                        *tlm = M::translate(tx, ty).then(tlm);
                        st.tm = *tlm;
                    }
                }
                b"Tm" => {
                    if let Some(m) = matrix() {
                        *tlm = m;
                        st.tm = m;
                    }
                }
                b"T*" => {
                    *tlm = M::translate(0.0, -st.leading).then(tlm);
                    st.tm = *tlm;
                }
                b"Tj" => {
                    if let Some(t) = ops.last().copied() {
                        self.show(s, t, st);
                    }
                }
                b"'" => {
                    *tlm = M::translate(0.0, -st.leading).then(tlm);
                    st.tm = *tlm;
                    if let Some(t) = ops.last().copied() {
                        self.show(s, t, st);
                    }
                }
                b"\"" => {
                    if let (Some(aw), Some(ac)) = (n(3), n(2)) {
                        st.word_spacing = aw;
                        st.char_spacing = ac;
                    }
                    *tlm = M::translate(0.0, -st.leading).then(tlm);
                    st.tm = *tlm;
                    if let Some(t) = ops.last().copied() {
                        self.show(s, t, st);
                    }
                }
                b"TJ" => {
                    for t in ops.iter().copied() {
                        match t.0 {
                            Tok::Lit | Tok::Hex => self.show(s, t, st),
                            Tok::Num(adj) => {
                                let tx = st.scaling * ((0.0 - adj / 1000.0) * st.size);
                                st.tm = M::translate(tx, 0.0).then(&st.tm);
                            }
                            _ => {}
                        }
                    }
                }
                b"Do" => {
                    if let Some(name) = ops.last().filter(|t| t.0 == Tok::Name) {
                        let name = lex::name_bytes(&s[name.1..name.2]);
                        self.form(resources, &name, st, tlm, depth);
                    }
                }
                b"ID" => {
                    // Inline image data runs to the first `EI` between white space.
                    let mut j = i + 1;
                    while j + 2 < s.len()
                        && !(lex::is_white(s[j - 1])
                            && &s[j..j + 2] == b"EI"
                            && s.get(j + 2).is_none_or(|b| lex::is_white(*b)))
                    {
                        j += 1;
                    }
                    i = (j + 2).min(s.len());
                }
                _ => {}
            }
            ops.clear();
        }
    }

    /// Draws the form XObject `name` in place: its content under the current state and its
    /// own matrix, the state restored afterwards. Images and missing objects draw nothing.
    fn form(
        &mut self,
        resources: &Dictionary,
        name: &[u8],
        st: &mut State,
        tlm: &mut M,
        depth: usize,
    ) {
        let doc = self.reader.doc;
        let Some(xs) = font::get(doc, resources, b"XObject").and_then(|o| o.as_dict().ok()) else {
            return;
        };
        let Some(Object::Stream(form)) = font::get(doc, xs, name) else {
            return;
        };
        let is_form = font::name_of(doc, &form.dict, b"Subtype").as_deref() == Some(b"Form");
        if !is_form || depth >= MAX_FORM_DEPTH || self.reader.inlined > MAX_INLINED {
            return;
        }
        let content = font::plain(form);
        self.reader.inlined += content.len();
        let own = font::get(doc, &form.dict, b"Resources").and_then(|o| o.as_dict().ok());
        let saved = st.clone();
        if let Some(m) = font::get(doc, &form.dict, b"Matrix")
            .and_then(|o| o.as_array().ok())
            .map(|a| {
                a.iter()
                    .filter_map(|o| font::num(doc, o))
                    .collect::<Vec<f64>>()
            })
            .and_then(|v| <[f64; 6]>::try_from(v).ok())
        {
            st.ctm = M(m).then(&st.ctm);
        }
        self.stream(&content, own.unwrap_or(resources), st, tlm, depth + 1);
        *st = saved;
    }

    /// Shows one string: a glyph per code, each moving the text matrix by its advance.
    fn show(&mut self, s: &[u8], tok: (Tok, usize, usize), st: &mut State) {
        if !matches!(tok.0, Tok::Lit | Tok::Hex) {
            return;
        }
        let Some(font) = st.font.clone() else {
            return;
        };
        let mut bytes = std::mem::take(&mut self.buf);
        lex::string_bytes(s, tok, &mut bytes);
        let style = (st.size > 0.0 && st.size < 255.0).then_some(font.style);
        let mut i = 0;
        while let Some((code, len)) = font.code_at(&bytes, i) {
            i += len;
            // Trm = Tsm × Tm × CTM, Tsm scaling horizontally and raising by Ts.
            let tsm = M([st.scaling, 0.0, 0.0, 1.0, 0.0, st.rise]);
            let trm = tsm.then(&st.tm.then(&st.ctm));
            let w0 = code.width * font.scale;
            let mut spacing = st.char_spacing;
            if code.is_space {
                spacing += st.word_spacing;
            } else {
                self.out.shown += 1;
            }
            self.glyph(&trm, w0, st.size, style, code.text);
            let tx = st.scaling * (w0 * st.size + spacing);
            st.tm = M::translate(tx, 0.0).then(&st.tm);
        }
        self.buf = bytes;
    }

    fn glyph(&mut self, trm: &M, width: f64, size: f64, style: Option<FontStyle>, text: &str) {
        if text.is_empty() {
            return;
        }
        // The rendering matrix maps glyph space to the page; its scale is the printed size.
        let [m11, m12, m21, m22, m31, m32] = trm.0;
        let vx = size * m11 + size * m21;
        let vy = size * m12 + size * m22;
        let printed = (vx * vy).abs().sqrt();
        if !printed.is_finite() || printed <= 0.0 {
            return;
        }
        self.out.glyphs.push(Glyph {
            x: m31 - self.left,
            y: self.top - m32,
            adv: width * printed,
            size: printed,
            style,
            text: GlyphText::new(text),
        });
    }
}

/// A page attribute, from the page or the nearest node above it that has it.
fn inherited<'a>(doc: &'a Document, page_id: ObjectId, key: &[u8]) -> Option<&'a Object> {
    let mut id = page_id;
    for _ in 0..32 {
        let page = doc.get_dictionary(id).ok()?;
        if let Some(o) = font::get(doc, page, key) {
            return Some(o);
        }
        id = page.get(b"Parent").and_then(Object::as_reference).ok()?;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matrices_compose_as_row_vectors() {
        let scale = M([2.0, 0.0, 0.0, 2.0, 0.0, 0.0]);
        let t = M::translate(10.0, 5.0);
        // Translate then scale: the offset is scaled too.
        assert_eq!(t.then(&scale).0, [2.0, 0.0, 0.0, 2.0, 20.0, 10.0]);
        assert_eq!(scale.then(&t).0, [2.0, 0.0, 0.0, 2.0, 10.0, 5.0]);
        assert_eq!(M::ID.then(&t), t);
    }
}

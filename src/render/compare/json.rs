//! Stage 6, rendering a version map: its JSON (`remiss diff --format json`) written
//! directly, the same bytes as `serde_json::to_writer_pretty` gives for it.
//!
//! Through serde every key and every id went through serde_json's string escaper and its
//! writer three writes at a time, and a 0.6 MB statute pair's map is 38,000 lines, nearly
//! all of them the addresses and ids of unchanged paragraphs. The paragraphs and rubriker
//! are written here by hand; the rest (the summary, word changes, notes) still goes
//! through serde, indented to its place. The derived `Serialize` impls stay the
//! definition: tests require these bytes on real version pairs, and each struct written
//! by hand is taken apart field by field, so a new field does not compile until it is
//! written here too.

use crate::address::{Address, Label, PunktLabel};
use crate::compare::{Entry, Op, RubrikEntry, VersionMap};
use serde::Serialize;
use std::io::{self, Write};

/// The map written to `w` as it is made, in pieces of about [`PIECE`] bytes.
pub fn write_json(w: &mut dyn Write, map: &VersionMap) -> io::Result<()> {
    let mut j = Json {
        o: Vec::with_capacity(2 * PIECE),
    };
    let VersionMap {
        format,
        format_version,
        old,
        new,
        summary,
        warnings,
        paragraphs,
        label_reuse,
        chapters,
        rubriker,
        other,
    } = map;
    j.o.push(b'{');
    j.key(1, true, "format");
    j.str(format);
    j.key(1, false, "format_version");
    j.uint(u64::from(*format_version));
    j.key(1, false, "old");
    j.serde(1, old)?;
    j.key(1, false, "new");
    j.serde(1, new)?;
    j.key(1, false, "summary");
    j.serde(1, summary)?;
    j.key(1, false, "warnings");
    j.serde(1, warnings)?;
    j.key(1, false, "paragraphs");
    j.array(w, 1, paragraphs, Json::entry)?;
    if !label_reuse.is_empty() {
        j.key(1, false, "label_reuse");
        j.serde(1, label_reuse)?;
    }
    j.key(1, false, "chapters");
    j.serde(1, chapters)?;
    j.key(1, false, "rubriker");
    j.array(w, 1, rubriker, Json::rubrik)?;
    j.key(1, false, "other");
    j.serde(1, other)?;
    j.o.extend_from_slice(b"\n}");
    w.write_all(&j.o)
}

/// `value` as it is written `depth` levels deep in a pretty document (at 0, the bytes of
/// `serde_json::to_writer_pretty`).
fn write_pretty_at(w: &mut impl Write, depth: usize, value: &impl Serialize) -> io::Result<()> {
    let mut ser = serde_json::Serializer::with_formatter(
        w,
        Pretty {
            depth,
            has_value: false,
        },
    );
    Ok(value.serialize(&mut ser)?)
}

/// How much of the JSON [`write_json`] holds before writing it out: the map of a pair of
/// 0.6 MB statutes is 0.7 MB, and a buffer grown to hold it would touch about twice that
/// in fresh memory.
const PIECE: usize = 1 << 16;

/// `,` and a line break, then the spaces of up to 63 levels of indentation.
const BREAK: [u8; 128] = {
    let mut b = [b' '; 128];
    b[0] = b',';
    b[1] = b'\n';
    b
};

/// Where the next byte JSON escapes is in `b`, from `from` on. The text of every changed
/// paragraph and rubrik passes through here, and nearly none of it needs escaping: it is
/// let through 16 bytes at a time, tested with comparisons the compiler makes vector ones
/// (tested as a 64-bit word, eight bytes at a time, it took two and a half times the
/// instructions).
fn next_escape(b: &[u8], from: usize) -> Option<usize> {
    let rest = b.get(from..)?;
    let mut clean = 0;
    for w in rest.chunks_exact(16) {
        let Ok(w) = <&[u8; 16]>::try_from(w) else {
            break;
        };
        // Every byte tested, without stopping at the first: a test the compiler can do on
        // all 16 at once.
        if w.iter().fold(false, |any, &c| any | escaped(c)) {
            break;
        }
        clean += 16;
    }
    rest[clean..]
        .iter()
        .position(|&c| escaped(c))
        .map(|i| from + clean + i)
}

/// Whether JSON escapes the byte `c`.
fn escaped(c: u8) -> bool {
    c < 0x20 || c == b'"' || c == b'\\'
}

/// The JSON written so far (and not yet written out).
struct Json {
    o: Vec<u8>,
}

impl Json {
    /// A line break (after a comma unless `first`) and the indentation of `depth` levels.
    fn line_break(&mut self, depth: usize, first: bool) {
        let start = usize::from(first);
        // Nearly every line: a fixed length copied and the surplus cut off (vector moves,
        // where a copy of the exact length is a call to memcpy). The map is at most seven
        // levels deep, where 16 bytes hold the break: one move, not the four of 64 bytes
        // (and the fewer the stores, the sooner the bytes can be read back, as a
        // paragraph's new side is copied from its old one).
        let len = self.o.len() + 2 - start + 2 * depth;
        if depth < 8 {
            self.o.extend_from_slice(&BREAK[start..start + 16]);
            self.o.truncate(len);
            return;
        }
        if depth < 31 {
            self.o.extend_from_slice(&BREAK[start..start + 64]);
            self.o.truncate(len);
            return;
        }
        match BREAK.get(start..2 + 2 * depth) {
            Some(b) => self.o.extend_from_slice(b),
            None => {
                self.o.extend_from_slice(&BREAK[start..2]);
                self.o.resize(self.o.len() + 2 * depth, b' ');
            }
        }
    }

    /// The key `name` of an object's member `depth` levels deep: a name of the Rust source,
    /// with nothing to escape.
    #[inline]
    fn key(&mut self, depth: usize, first: bool, name: &str) {
        self.line_break(depth, first);
        self.o.push(b'"');
        self.o.extend_from_slice(name.as_bytes());
        self.o.extend_from_slice(b"\": ");
    }

    /// `s` as a JSON string, escaped as serde_json escapes it.
    fn str(&mut self, s: &str) {
        let b = s.as_bytes();
        self.o.reserve(b.len() + 2);
        self.o.push(b'"');
        let mut start = 0;
        while let Some(i) = next_escape(b, start) {
            let c = b[i];
            self.o.extend_from_slice(&b[start..i]);
            let esc: &[u8] = match c {
                b'"' => b"\\\"",
                b'\\' => b"\\\\",
                b'\n' => b"\\n",
                b'\r' => b"\\r",
                b'\t' => b"\\t",
                0x08 => b"\\b",
                0x0c => b"\\f",
                _ => b"",
            };
            if esc.is_empty() {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                self.o.extend_from_slice(b"\\u00");
                self.o.push(HEX[usize::from(c >> 4)]);
                self.o.push(HEX[usize::from(c & 0xf)]);
            } else {
                self.o.extend_from_slice(esc);
            }
            start = i + 1;
        }
        self.o.extend_from_slice(&b[start..]);
        self.o.push(b'"');
    }

    fn uint(&mut self, n: u64) {
        // Nearly every number is a label's or a stycke's, below 100: its digits are pushed as
        // they are made. Copied out of a buffer just written byte by byte, each took a call
        // to memcpy for a byte or two, which read the bytes back before their stores had
        // landed (perf put a quarter of the writer's time in that copy).
        if n < 10 {
            self.o.push(b'0' + n as u8);
        } else if n < 100 {
            self.o
                .extend_from_slice(&[b'0' + (n / 10) as u8, b'0' + (n % 10) as u8]);
        } else {
            let mut buf = [0u8; 20];
            self.o
                .extend_from_slice(crate::address::decimal_digits(n, &mut buf));
        }
    }

    /// A number as serde_json writes it (`1.0` for one, as most similarities are).
    fn float(&mut self, x: f64) -> io::Result<()> {
        if x == 1.0 {
            self.o.extend_from_slice(b"1.0");
            Ok(())
        } else {
            self.serde(0, &x)
        }
    }

    /// `value` through serde, as a member `depth` levels deep.
    fn serde(&mut self, depth: usize, value: &impl Serialize) -> io::Result<()> {
        write_pretty_at(&mut self.o, depth, value)
    }

    /// The items of an array `depth` levels deep, each written by `item` one level deeper;
    /// the JSON goes out to `w` whenever it holds [`PIECE`] bytes.
    fn array<T>(
        &mut self,
        w: &mut dyn Write,
        depth: usize,
        items: &[T],
        mut item: impl FnMut(&mut Self, usize, &T) -> io::Result<()>,
    ) -> io::Result<()> {
        self.o.push(b'[');
        for (i, x) in items.iter().enumerate() {
            self.line_break(depth + 1, i == 0);
            item(self, depth + 1, x)?;
            if self.o.len() >= PIECE {
                w.write_all(&self.o)?;
                self.o.clear();
            }
        }
        if !items.is_empty() {
            self.line_break(depth, true);
        }
        self.o.push(b']');
        Ok(())
    }

    /// An array of strings `depth` levels deep.
    fn strs(&mut self, depth: usize, v: &[String]) {
        self.o.push(b'[');
        for (i, s) in v.iter().enumerate() {
            self.line_break(depth + 1, i == 0);
            self.str(s);
        }
        if !v.is_empty() {
            self.line_break(depth, true);
        }
        self.o.push(b']');
    }

    fn label(&mut self, depth: usize, l: &Label) {
        let Label { num, letter } = l;
        self.o.push(b'{');
        self.key(depth + 1, true, "num");
        self.uint(u64::from(*num));
        if let Some(c) = letter {
            self.key(depth + 1, false, "letter");
            self.str(c.encode_utf8(&mut [0; 4]));
        }
        self.line_break(depth, true);
        self.o.push(b'}');
    }

    /// An address `depth` levels deep.
    fn address(&mut self, depth: usize, a: &Address) {
        let Address {
            kapitel,
            paragraf,
            stycke,
            punkt,
        } = a;
        self.o.push(b'{');
        let mut first = true;
        if let Some(k) = kapitel {
            self.key(depth + 1, first, "kapitel");
            self.label(depth + 1, k);
            first = false;
        }
        if let Some(p) = paragraf {
            self.key(depth + 1, first, "paragraf");
            self.label(depth + 1, p);
            first = false;
        }
        if let Some(s) = stycke {
            self.key(depth + 1, first, "stycke");
            self.uint(u64::from(*s));
            first = false;
        }
        if let Some(p) = punkt {
            self.key(depth + 1, first, "punkt");
            match p {
                PunktLabel::Number(n) => self.uint(u64::from(*n)),
                PunktLabel::Letter(c) => self.str(c.encode_utf8(&mut [0; 4])),
            }
            first = false;
        }
        if !first {
            self.line_break(depth, true);
        }
        self.o.push(b'}');
    }

    /// An array of addresses `depth` levels deep.
    fn addresses(&mut self, depth: usize, v: &[Address]) {
        self.o.push(b'[');
        for (i, a) in v.iter().enumerate() {
            self.line_break(depth + 1, i == 0);
            self.address(depth + 1, a);
        }
        if !v.is_empty() {
            self.line_break(depth, true);
        }
        self.o.push(b']');
    }

    /// One paragraph entry `depth` levels deep, with the members its `Serialize` writes.
    fn entry(&mut self, depth: usize, e: &Entry) -> io::Result<()> {
        let Entry {
            relation,
            old,
            new,
            old_ids,
            new_ids,
            similarity,
            changes,
            allmanna_rad,
            metadata,
            repealed,
            fallback,
            moved_wording,
            old_pos: _,
            new_pos: _,
        } = e;
        let d = depth + 1;
        self.o.push(b'{');
        self.key(d, true, "relation");
        self.str(relation.as_str());
        // Most paragraphs keep their addresses and ids: the new side is then the bytes just
        // written for the old one (at the same depth), copied rather than made again.
        self.key(d, false, "old");
        let start = self.o.len();
        self.addresses(d, old);
        let old_json = start..self.o.len();
        self.key(d, false, "new");
        if new == old {
            self.o.extend_from_within(old_json);
        } else {
            self.addresses(d, new);
        }
        self.key(d, false, "old_ids");
        let start = self.o.len();
        self.strs(d, old_ids);
        let old_json = start..self.o.len();
        self.key(d, false, "new_ids");
        if new_ids == old_ids {
            self.o.extend_from_within(old_json);
        } else {
            self.strs(d, new_ids);
        }
        self.key(d, false, "similarity");
        self.float(*similarity)?;
        if !changes.is_empty() {
            self.key(d, false, "changes");
            self.ops(d, changes);
        }
        if let Some(a) = allmanna_rad {
            self.key(d, false, "allmanna_rad");
            self.serde(d, a)?;
        }
        if let Some(m) = metadata {
            self.key(d, false, "metadata");
            self.serde(d, m)?;
        }
        if let Some(r) = repealed {
            self.key(d, false, "repealed");
            self.str(r);
        }
        if *fallback {
            self.key(d, false, "fallback");
            self.o.extend_from_slice(b"true");
        }
        if !moved_wording.is_empty() {
            self.key(d, false, "moved_wording");
            self.serde(d, moved_wording)?;
        }
        self.line_break(depth, true);
        self.o.push(b'}');
        Ok(())
    }

    /// One rubrik entry `depth` levels deep, with the members its `Serialize` writes.
    fn rubrik(&mut self, depth: usize, r: &RubrikEntry) -> io::Result<()> {
        let RubrikEntry {
            relation,
            old_text,
            new_text,
            old_before,
            new_before,
            changes,
        } = r;
        let d = depth + 1;
        self.o.push(b'{');
        self.key(d, true, "relation");
        self.str(relation.as_str());
        if let Some(t) = old_text {
            self.key(d, false, "old_text");
            self.str(t);
        }
        if let Some(t) = new_text {
            self.key(d, false, "new_text");
            self.str(t);
        }
        if let Some(a) = old_before {
            self.key(d, false, "old_before");
            self.address(d, a);
        }
        if let Some(a) = new_before {
            self.key(d, false, "new_before");
            self.address(d, a);
        }
        if !changes.is_empty() {
            self.key(d, false, "changes");
            self.ops(d, changes);
        }
        self.line_break(depth, true);
        self.o.push(b'}');
        Ok(())
    }

    /// Word changes `depth` levels deep, each `{"op": …}` with its texts.
    fn ops(&mut self, depth: usize, ops: &[Op]) {
        let d = depth + 2;
        self.o.push(b'[');
        for (i, op) in ops.iter().enumerate() {
            self.line_break(depth + 1, i == 0);
            self.o.push(b'{');
            self.key(d, true, "op");
            match op {
                Op::Equal { text } => {
                    self.str("equal");
                    self.key(d, false, "text");
                    self.str(text);
                }
                Op::Delete { old } => {
                    self.str("delete");
                    self.key(d, false, "old");
                    self.str(old);
                }
                Op::Insert { new } => {
                    self.str("insert");
                    self.key(d, false, "new");
                    self.str(new);
                }
                Op::Replace { old, new } => {
                    self.str("replace");
                    self.key(d, false, "old");
                    self.str(old);
                    self.key(d, false, "new");
                    self.str(new);
                }
            }
            self.line_break(depth + 1, true);
            self.o.push(b'}');
        }
        if !ops.is_empty() {
            self.line_break(depth, true);
        }
        self.o.push(b']');
    }
}

/// serde_json's `PrettyFormatter` (two spaces a level) with each line break and the
/// indentation after it written at once (it writes the indentation two spaces at a time),
/// starting at any depth.
struct Pretty {
    depth: usize,
    has_value: bool,
}

impl Pretty {
    /// A line break (after a comma when `comma`) and the indentation of the current level.
    fn line_break<W: ?Sized + Write>(&self, w: &mut W, comma: bool) -> io::Result<()> {
        let start = if comma { 0 } else { 1 };
        match BREAK.get(start..2 + 2 * self.depth) {
            Some(b) => w.write_all(b),
            None => {
                w.write_all(&BREAK[start..2])?;
                (0..self.depth).try_for_each(|_| w.write_all(b"  "))
            }
        }
    }
}

impl serde_json::ser::Formatter for Pretty {
    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        w.write_all(b"[")
    }
    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.depth -= 1;
        if self.has_value {
            self.line_break(w, false)?;
        }
        w.write_all(b"]")
    }
    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.line_break(w, !first)
    }
    fn end_array_value<W: ?Sized + Write>(&mut self, _: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        w.write_all(b"{")
    }
    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.depth -= 1;
        if self.has_value {
            self.line_break(w, false)?;
        }
        w.write_all(b"}")
    }
    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.line_break(w, !first)
    }
    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        w.write_all(b": ")
    }
    fn end_object_value<W: ?Sized + Write>(&mut self, _: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::compare::{Options, align};
    use crate::regulation::{Regulation, parse};
    use crate::source::Text;
    use serde_json::json;

    fn both(v: &impl serde::Serialize) -> (String, String) {
        let mut ours = Vec::new();
        super::write_pretty_at(&mut ours, 0, v).unwrap();
        let theirs = serde_json::to_string_pretty(v).unwrap();
        (String::from_utf8(ours).unwrap(), theirs)
    }

    #[test]
    fn the_formatter_writes_serde_json_s_pretty_json() {
        // Empty and nested arrays and objects, strings to escape, numbers.
        let v = json!({"a": [], "b": {}, "c": [[], [{}], [1, [2, {"d": "e\"\n/å"}]]],
            "f": {"g": {"h": [null, true, 1.5, -0.0]}}, "i": ""});
        let (ours, theirs) = both(&v);
        assert_eq!(ours, theirs);
        // Deeper than the indentation written at once.
        let mut deep = json!([1, {"x": []}]);
        for i in 0..80 {
            deep = json!({ "level": i, "in": [deep, {}] });
        }
        let (ours, theirs) = both(&deep);
        assert!(theirs.lines().any(|l| l.len() > 160), "not deep enough");
        assert_eq!(ours, theirs);
    }

    #[test]
    fn strings_are_escaped_as_serde_json_escapes_them() {
        let all: String = (0u8..0x80).map(char::from).collect();
        let long = format!("{0}\"{0}\\{0}\n{0}", "Första stycket gäller åtgärder.");
        for s in [
            "",
            "K1P1",
            "å § – \u{a0}",
            "\"\\/",
            &all,
            "\u{7f}\u{1f}x\u{0}",
            &long,
        ] {
            let mut j = super::Json { o: Vec::new() };
            j.str(s);
            assert_eq!(
                String::from_utf8(j.o).unwrap(),
                serde_json::to_string(s).unwrap()
            );
        }
        // Every byte at every place of two blocks and the tail after them, among bytes that
        // need nothing (letters of two bytes among them).
        for c in 0u8..=255 {
            for at in 0..40 {
                let mut b = b"abc\xc3\xa5\xa7 ~".repeat(5);
                b[at] = c;
                let expect = c < 0x20 || c == b'"' || c == b'\\';
                assert_eq!(
                    super::next_escape(&b, 0),
                    expect.then_some(at),
                    "{c} at {at}"
                );
            }
        }
        // Line breaks at every depth, whichever way each is written.
        for depth in 0..70 {
            for first in [true, false] {
                let mut j = super::Json { o: b"x".to_vec() };
                j.line_break(depth, first);
                let comma = if first { "" } else { "," };
                let expect = format!("x{comma}\n{}", "  ".repeat(depth));
                assert_eq!(String::from_utf8(j.o).unwrap(), expect, "{depth}");
            }
        }
        for x in [0.0, 1.0, 0.99, 0.125, 1e-7, 0.333_333_333_333_333_3] {
            let mut j = super::Json { o: Vec::new() };
            j.float(x).unwrap();
            assert_eq!(
                String::from_utf8(j.o).unwrap(),
                serde_json::to_string(&x).unwrap()
            );
        }
    }

    /// The map written directly is serde_json's pretty JSON of it, and a long one goes out
    /// in pieces.
    fn same_as_serde(old: &Regulation, new: &Regulation) {
        let map = align(old, new, &Options::default());
        let mut ours = Vec::new();
        super::write_json(&mut ours, &map).unwrap();
        let theirs = serde_json::to_string_pretty(&map).unwrap();
        let ours = String::from_utf8(ours).unwrap();
        if ours != theirs {
            let (n, x, y) = crate::render::first_differing_line(&ours, &theirs);
            panic!("line {n} differs:\nours:   {x}\nserde:  {y}");
        }
    }

    use crate::render::compare::test_pairs::read;

    #[test]
    fn statute_pairs_give_serde_json_s_bytes() {
        for &(a, b) in crate::render::compare::test_pairs::STATUTE_PAIRS {
            let (old, new) = (read(a), read(b));
            same_as_serde(&old, &new);
            same_as_serde(&new, &old);
        }
    }

    #[test]
    fn markup_punkter_notes_and_allmanna_rad_give_serde_json_s_bytes() {
        // Quotes, backslashes and a tab in the text, punkter with numbers and letters, an
        // amendment note, allmänna råd, a repeal, a split, and rubriker.
        let old = parse(&Text::from_plain(
            "a \"1\".txt",
            "1 § Texten \"citerad\" \\ och\tflik.\n\n2 § Med punkter:\n1. första,\n2. andra.\n\n3 § Med bokstäver:\na) en,\nb) två.\n\nAllmänna råd\n\nRådet gäller.\n\nRubrik \"x\"\n\n4 § Noteringen ändras. Lag (2020:1).\n\n5 § Delas i två. Första delen av texten här. Andra delen av texten där.\n\n6 § Tas bort.\n".to_string(),
        ));
        let new = parse(&Text::from_plain(
            "b.txt",
            "1 § Texten \"ändrad\" \\ och\tflik.\n\n2 § Med punkter:\n1. första,\n2. tredje.\n\n3 § Med bokstäver:\na) en,\nb) två.\n\nAllmänna råd\n\nRådet gäller nu.\n\nNy rubrik\n\n4 § Noteringen ändras. Lag (2021:2).\n\n5 § Delas i två. Första delen av texten här.\n\n5 a § Andra delen av texten där.\n\n6 § Har upphävts genom lag (2021:2).\n".to_string(),
        ));
        same_as_serde(&old, &new);
        same_as_serde(&new, &old);
    }
}

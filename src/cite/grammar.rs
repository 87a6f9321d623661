//! Citations, grammar: the Swedish citation forms (`2 kap. 7 a § första stycket 2`,
//! ranges, lists, references to other acts) read from tokens.

use super::*;

pub(super) struct P<'a> {
    pub(super) s: &'a str,
    pub(super) toks: &'a [Tok],
}

/// Stycken or punkter as written: each a single item or a range (start, end).
pub(super) type Items<T> = Vec<(T, Option<T>)>;

/// What [`P::worded`] found: kind, members, the act as written, the end index, relative.
pub(super) type Worded = (CiteKind, Vec<Member>, Option<String>, usize, bool);

/// A label sequence item before `§` or `kap.`.
#[derive(Clone, Copy, Debug)]
pub(super) enum Seq {
    One(Label),
    Range(Label, Label),
}

pub(super) const LAW_STOP: [&str; 22] = [
    "förslagen",
    "bolagen",
    "underlagen",
    "beslutsunderlagen",
    "anslagen",
    "inslagen",
    "utslagen",
    "avslagen",
    "påslagen",
    "beslagen",
    "omslagen",
    "förlagen",
    "upplagen",
    "inlagen",
    "tilläggen",
    "planeringsunderlagen",
    "kunskapsunderlagen",
    "slagen",
    "föreslagen",
    "uppslagen",
    "dagen",
    "lägen",
];

pub(super) const GRUNDLAGAR: [&str; 6] = [
    "regeringsformen",
    "tryckfrihetsförordningen",
    "yttrandefrihetsgrundlagen",
    "successionsordningen",
    "riksdagsordningen",
    "regeringsformens",
];

/// Whether a word names another act (`regeringsformen`, `förvaltningslagen`, `föräldrabalken`).
#[inline]
pub(super) fn is_law_name(w: &str) -> bool {
    // Every name below is at least six bytes and ends in `en` or `ns`: most words stop here.
    w.len() >= 6 && (w.ends_with("en") || w.ends_with("ns")) && is_law_name_checked(w)
}

fn is_law_name_checked(w: &str) -> bool {
    if GRUNDLAGAR.contains(&w) {
        return true;
    }
    // The stop list is consulted only for a word the suffixes take.
    ((w.ends_with("lagen") && w.len() > "lagen".len() + 2)
        || w.ends_with("balken")
        || (w.ends_with("förordningen") && w.len() > "förordningen".len())
        || w.ends_with("lagens"))
        && !LAW_STOP.contains(&w)
}

/// `förvaltningslag`, `miljöbalk`: an act's name without the article, read only after a
/// qualifier such as `nuvarande`.
pub(super) fn is_indefinite_law_name(w: &str) -> bool {
    (w.ends_with("lag") && w.len() > "lag".len() + 3)
        || (w.ends_with("förordning") && w.len() > "förordning".len())
        || (w.ends_with("balk") && w.len() > "balk".len() + 3)
}

/// `MSBFS`, `AFS`, `TSFS`, `HSLF-FS` (the dash form is handled by the caller).
pub(super) fn is_agency_code(w: &str) -> bool {
    w.len() >= 3 && w.ends_with("FS") && w.chars().all(|c| c.is_uppercase() || c.is_ascii_digit())
}

impl<'a> P<'a> {
    pub(super) fn t(&self, i: usize) -> T {
        self.toks.get(i).map(|t| t.t).unwrap_or(T::End)
    }
    pub(super) fn w(&self, i: usize) -> &'a str {
        match self.toks.get(i) {
            Some(t) if t.t == T::Word => &self.s[t.start..t.end],
            _ => "",
        }
    }
    pub(super) fn is_w(&self, i: usize, words: &[&str]) -> bool {
        let w = self.w(i);
        !w.is_empty() && words.contains(&w)
    }
    pub(super) fn num(&self, i: usize) -> Option<u32> {
        match self.t(i) {
            T::Num(n) => Some(n),
            _ => None,
        }
    }
    /// A single lowercase letter word that is a label suffix (`7 a §`).
    pub(super) fn letter(&self, i: usize) -> Option<char> {
        let w = self.w(i);
        let mut cs = w.chars();
        match (cs.next(), cs.next()) {
            (Some(c), None) if c.is_ascii_lowercase() => {
                // Only when what follows can continue a label: §, kap, dash, comma, och/eller.
                let next = self.t(i + 1);
                let ok = matches!(next, T::Para | T::Paras | T::Dash | T::Comma)
                    || self.is_w(i + 1, &["kap", "och", "eller", "samt"]);
                ok.then_some(c)
            }
            _ => None,
        }
    }
    /// `7` or `7 a` at i; returns the label and the next index.
    pub(super) fn label(&self, i: usize) -> Option<(Label, usize)> {
        let n = self.num(i)?;
        if n == 0 || n > 9999 {
            return None;
        }
        // A number glued to a colon or slash is a year or an act number, not a label.
        if matches!(self.t(i + 1), T::Colon | T::Slash) && self.num(i + 2).is_some() {
            return None;
        }
        match self.letter(i + 1) {
            Some(c) => Some((Label::with_letter(n, c), i + 2)),
            None => Some((Label::new(n), i + 1)),
        }
    }
    pub(super) fn is_sep(&self, i: usize) -> bool {
        self.t(i) == T::Comma || self.is_w(i, &["och", "eller", "samt"])
    }
    /// `3, 4 och 6`, `10–11`, `7 a–7 c`, `6 eller 7`.
    pub(super) fn label_seq(&self, mut i: usize) -> Option<(Vec<Seq>, usize)> {
        let mut items = Vec::new();
        loop {
            let (a, j) = self.label(i)?;
            if self.t(j) == T::Dash
                && let Some((b, k)) = self.label(j + 1)
                && b > a
            {
                items.push(Seq::Range(a, b));
                i = k;
            } else {
                items.push(Seq::One(a));
                i = j;
            }
            if self.is_sep(i) && self.label(i + 1).is_some() {
                // `6 och 9 §§` continues; `6 § och 9 §` is handled by the caller.
                i += 1;
                continue;
            }
            return Some((items, i));
        }
    }
    pub(super) fn kap(&self, i: usize) -> Option<usize> {
        if self.is_w(i, &["kap"]) {
            Some(if self.t(i + 1) == T::Dot {
                i + 2
            } else {
                i + 1
            })
        } else {
            None
        }
    }
    /// `första stycket`, `andra st.`, `sjunde–tionde styckena`, `2 st.`: returns stycke members.
    pub(super) fn stycke(&self, i: usize) -> Option<(Items<u32>, usize)> {
        let ord = |j: usize| ordinal_value(self.w(j));
        if let Some(a) = ord(i) {
            if self.is_w(i + 1, &["stycket", "st"]) {
                let j = if self.is_w(i + 1, &["st"]) && self.t(i + 2) == T::Dot {
                    i + 3
                } else {
                    i + 2
                };
                return Some((vec![(a, None)], j));
            }
            // A range or list of ordinals ending in `styckena`.
            if matches!(self.t(i + 1), T::Dash)
                && let Some(b) = ord(i + 2)
                && self.is_w(i + 3, &["styckena"])
            {
                return Some((vec![(a, Some(b))], i + 4));
            }
            if self.is_w(i + 1, &["och"])
                && let Some(b) = ord(i + 2)
                && self.is_w(i + 3, &["styckena"])
            {
                return Some((vec![(a, None), (b, None)], i + 4));
            }
            return None;
        }
        if let Some(n) = self.num(i)
            && self.is_w(i + 1, &["st"])
            && n > 0
            && n < 20
        {
            let j = if self.t(i + 2) == T::Dot {
                i + 3
            } else {
                i + 2
            };
            return Some((vec![(n, None)], j));
        }
        None
    }
    /// Punkter after a paragraph or stycke: `2`, `1 och 2`, `1-3`, `9 p.`, `punkt 1`, `punkterna 1 och 2`.
    pub(super) fn punkter(
        &self,
        i: usize,
        after_label: bool,
    ) -> Option<(Items<PunktLabel>, usize)> {
        let mut j = i;
        let keyword = self.is_w(j, &["punkt", "punkterna", "p"]);
        if keyword {
            j += 1;
            if self.w(i) == "p" {
                if self.t(j) == T::Dot {
                    j += 1;
                } else {
                    return None;
                }
            }
        } else if !after_label {
            return None;
        }
        let mut items = Vec::new();
        loop {
            let n = self.num(j)?;
            if n == 0 || n > 60 {
                return None;
            }
            // Not a punkt when the number starts another citation or is part of a date.
            if matches!(self.t(j + 1), T::Para | T::Paras | T::Colon | T::Slash)
                || self.kap(j + 1).is_some()
                || (!keyword && self.t(j + 1) == T::Dot && self.num(j + 2).is_some())
            {
                return None;
            }
            let a = PunktLabel::Number(n);
            let mut k = j + 1;
            if self.t(k) == T::Dash
                && let Some(m) = self.num(k + 1)
                && m > n
                && m <= 60
            {
                items.push((a, Some(PunktLabel::Number(m))));
                k += 2;
            } else {
                items.push((a, None));
            }
            j = k;
            if self.is_sep(j)
                && self.num(j + 1).is_some()
                && !matches!(self.t(j + 2), T::Para | T::Paras)
                && self.kap(j + 2).is_none()
            {
                j += 1;
                continue;
            }
            break;
        }
        // `9 p.` written after the number.
        if !keyword && self.w(j) == "p" && self.t(j + 1) == T::Dot {
            j += 2;
        }
        Some((items, j))
    }

    /// Everything after `N §`: optional stycke and punkter; pushes members.
    pub(super) fn tail(&self, mut j: usize, base: Address, members: &mut Vec<Member>) -> usize {
        let mut with_stycke = Vec::new();
        if let Some((st, k)) = self.stycke(j) {
            j = k;
            for (a, b) in st {
                with_stycke.push((
                    Address {
                        stycke: Some(a),
                        ..base
                    },
                    b.map(|b| Address {
                        stycke: Some(b),
                        ..base
                    }),
                ));
            }
        } else {
            with_stycke.push((base, None));
        }
        if with_stycke.len() == 1
            && with_stycke[0].1.is_none()
            && let Some((pk, k)) = self.punkter(j, true)
        {
            let st = with_stycke[0].0;
            j = k;
            for (a, b) in pk {
                let from = Address {
                    punkt: Some(a),
                    ..st
                };
                match b {
                    Some(b) => members.push(Member::Range {
                        from,
                        to: Address {
                            punkt: Some(b),
                            ..st
                        },
                    }),
                    None => members.push(Member::One { at: from }),
                }
            }
            return j;
        }
        for (a, b) in with_stycke {
            match b {
                Some(b) => members.push(Member::Range { from: a, to: b }),
                None => members.push(Member::One { at: a }),
            }
        }
        j
    }

    /// `7 §`, `10–11 §§ ...` at i with chapter `k`; returns the next index.
    pub(super) fn para_part(
        &self,
        i: usize,
        k: Option<Label>,
        members: &mut Vec<Member>,
    ) -> Option<usize> {
        let (seq, j) = self.label_seq(i)?;
        if !matches!(self.t(j), T::Para | T::Paras) {
            return None;
        }
        let mut j = j + 1;
        if seq.len() == 1 {
            if let Seq::One(p) = seq[0] {
                j = self.tail(j, Address::paragraph(k, p), members);
            } else if let Seq::Range(a, b) = seq[0] {
                members.push(Member::Range {
                    from: Address::paragraph(k, a),
                    to: Address::paragraph(k, b),
                });
            }
        } else {
            for s in seq {
                match s {
                    Seq::One(p) => members.push(Member::One {
                        at: Address::paragraph(k, p),
                    }),
                    Seq::Range(a, b) => members.push(Member::Range {
                        from: Address::paragraph(k, a),
                        to: Address::paragraph(k, b),
                    }),
                }
            }
        }
        Some(j)
    }

    /// An internal-looking citation starting with a number at i.
    pub(super) fn numbered(&self, i: usize) -> Option<(Vec<Member>, usize, bool)> {
        let mut members = Vec::new();
        let (seq, j) = self.label_seq(i)?;
        let mut relative = false;
        let mut j = if let Some(after_kap) = self.kap(j) {
            match (seq.as_slice(), self.num(after_kap)) {
                ([Seq::One(k)], Some(_))
                    if self.para_part(after_kap, Some(*k), &mut members).is_some() =>
                {
                    members.clear();
                    self.para_part(after_kap, Some(*k), &mut members)?
                }
                // `21 kap. 7 offentlighets- och sekretesslagen`: a PDF transcript lost the `§`;
                // only another act's name after the number makes it a paragraph.
                ([Seq::One(k)], Some(_))
                    if let Some((para, end)) = self.label(after_kap)
                        && !matches!(self.t(end), T::Para | T::Paras)
                        && self.external_suffix(end).is_some() =>
                {
                    members.push(Member::One {
                        at: Address::paragraph(Some(*k), para),
                    });
                    end
                }
                _ => {
                    for s in seq {
                        match s {
                            Seq::One(k) => members.push(Member::One {
                                at: Address::chapter(k),
                            }),
                            Seq::Range(a, b) => members.push(Member::Range {
                                from: Address::chapter(a),
                                to: Address::chapter(b),
                            }),
                        }
                    }
                    after_kap
                }
            }
        } else if matches!(self.t(j), T::Para | T::Paras) {
            relative = true;
            self.para_part(i, None, &mut members)?
        } else {
            return None;
        };
        // Continuations: `6 § och 9 §`, `2 kap. 3 § och 3 kap. 4 §`, `37 § andra stycket, 38 § 5`.
        let chapter_of = |m: &Member| match m {
            Member::One { at } => at.kapitel,
            Member::Range { from, .. } => from.kapitel,
        };
        loop {
            if !self.is_sep(j) || self.num(j + 1).is_none() {
                break;
            }
            let last_chapter = members.last().and_then(chapter_of);
            let has_para = members.iter().any(|m| match m {
                Member::One { at } => at.paragraf.is_some(),
                Member::Range { from, .. } => from.paragraf.is_some(),
            });
            let mut more = Vec::new();
            // New chapter and paragraph.
            if let Some((seq2, k2)) = self.label_seq(j + 1)
                && let Some(after) = self.kap(k2)
            {
                // A continuation followed by another act's name is a citation of its own
                // (`7 § och 2 kap. 3 § regeringsformen`).
                if let [Seq::One(k)] = seq2.as_slice()
                    && has_para
                    && let Some(n) = self.para_part(after, Some(*k), &mut more)
                    && self.external_suffix(n).is_none()
                {
                    members.append(&mut more);
                    j = n;
                    continue;
                }
                break;
            }
            if has_para
                && let Some(n) = self.para_part(j + 1, last_chapter, &mut more)
                && self.external_suffix(n).is_none()
            {
                members.append(&mut more);
                j = n;
                continue;
            }
            break;
        }
        Some((members, j, relative))
    }

    /// `tryckfrihetsförordningens 2 kap. 10`: another act's name in the genitive right
    /// before the citation. Returns the act as written, its kind and the citation's end.
    pub(super) fn external_prefix(&self, i: usize, j: usize) -> Option<(String, CiteKind, usize)> {
        let before = i.checked_sub(1)?;
        if self.t(before) != T::Word {
            return None;
        }
        let w = self.w(before);
        let act = w.strip_suffix('s')?;
        if !is_law_name(act) && !is_law_name(w) {
            return None;
        }
        Some((self.span_text(before, before + 1), CiteKind::ExternalLaw, j))
    }

    /// After an internal-looking citation: does another act's name follow? Returns the act
    /// as written, its kind and the end index.
    pub(super) fn external_suffix(&self, j: usize) -> Option<(String, CiteKind, usize)> {
        let mut k = j;
        if self.is_w(k, &["i"]) {
            k += 1;
            // `i nuvarande förvaltningslag`, `i den nya förvaltningslagen`: a qualified act
            // name, definite or not, is another act's.
            let q = if self.is_w(k, &["nuvarande", "gällande"]) {
                1
            } else if self.is_w(k, &["den"]) && self.is_w(k + 1, &["nya", "nuvarande", "gällande"])
            {
                2
            } else {
                0
            };
            if q > 0 && (is_law_name(self.w(k + q)) || is_indefinite_law_name(self.w(k + q))) {
                let end = self.sfs_number_after(k + q + 1);
                return Some((self.span_text(k, end), CiteKind::ExternalLaw, end));
            }
        }
        let w = self.w(k);
        // `i denna lag`, `i förslaget`: explicitly internal.
        if matches!(
            w,
            "denna" | "dessa" | "detta" | "förslaget" | "föreskrifterna" | "författningen"
        ) {
            return None;
        }
        if matches!(w, "samma" | "nämnda")
            && self.is_w(
                k + 1,
                &["lag", "förordning", "balk", "lagen", "förordningen"],
            )
        {
            let end = self.toks[k + 1].end;
            return Some((
                self.s[self.toks[k].start..end].to_string(),
                CiteKind::ExternalLaw,
                k + 2,
            ));
        }
        // `offentlighets- och sekretesslagen`
        if !w.is_empty()
            && self.t(k + 1) == T::Dash
            && self.is_w(k + 2, &["och", "eller"])
            && is_law_name(self.w(k + 3))
        {
            let end = self.sfs_number_after(k + 4);
            return Some((self.span_text(k, end), CiteKind::ExternalLaw, end));
        }
        // `1 kap. 8 § öppna datalagen`: an adjective before the act's name.
        if !w.is_empty()
            && !is_law_name(w)
            && w.chars().all(|c| c.is_lowercase())
            && w.ends_with(['a', 'e'])
            && is_law_name(self.w(k + 1))
        {
            let end = self.sfs_number_after(k + 2);
            return Some((self.span_text(k, end), CiteKind::ExternalLaw, end));
        }
        if is_law_name(w)
            || (matches!(w, "lagen" | "förordningen" | "lag" | "förordning")
                && (self.t(k + 1) == T::LParen || self.is_w(k + 1, &["om"])))
        {
            let end = self.sfs_number_after(k + 1);
            return Some((self.span_text(k, end), CiteKind::ExternalLaw, end));
        }
        if is_agency_code(w) && self.num(k + 1).is_some() && self.t(k + 2) == T::Colon {
            let end = k + 4;
            return Some((self.span_text(k, end), CiteKind::AgencyRegulation, end));
        }
        // `i förordning (EU) 2016/679`, `i NIS2-direktivet`
        if k > j
            && let Some(end) = self.eu_act(k)
        {
            return Some((self.span_text(k, end), CiteKind::EuAct, end));
        }
        None
    }

    /// Index after an optional `(2009:400)`.
    pub(super) fn sfs_number_after(&self, k: usize) -> usize {
        if self.t(k) == T::LParen
            && self.num(k + 1).is_some()
            && self.t(k + 2) == T::Colon
            && self.num(k + 3).is_some()
            && self.t(k + 4) == T::RParen
        {
            k + 5
        } else {
            k
        }
    }

    pub(super) fn span_text(&self, from: usize, to_excl: usize) -> String {
        let a = self.toks[from].start;
        let b = self.toks[to_excl.saturating_sub(1).max(from)].end;
        self.s[a..b].to_string()
    }

    /// `förordning (EU) 2016/679`, `direktiv 95/46/EG`, `NIS2-direktivet`, `NIS 2-direktivet`,
    /// `EU:s dataskyddsförordning`, `beslut nr 676/2002/EG`.
    pub(super) fn eu_act(&self, i: usize) -> Option<usize> {
        let w = self.w(i);
        if matches!(
            w,
            "förordning"
                | "förordningen"
                | "direktiv"
                | "direktivet"
                | "beslut"
                | "genomförandeförordning"
        ) {
            let mut k = i + 1;
            if self.t(k) == T::LParen
                && self.is_w(k + 1, &["EU", "EG", "EEG", "Euratom"])
                && self.t(k + 2) == T::RParen
            {
                k += 3;
                if self.is_w(k, &["nr"]) {
                    k += 1;
                }
                if self.num(k).is_some() && self.t(k + 1) == T::Slash && self.num(k + 2).is_some() {
                    return Some(k + 3);
                }
                return None;
            }
            if self.is_w(k, &["nr"]) {
                k += 1;
            }
            // `direktiv 95/46/EG`
            if self.num(k).is_some()
                && self.t(k + 1) == T::Slash
                && self.num(k + 2).is_some()
                && self.t(k + 3) == T::Slash
                && self.is_w(k + 4, &["EG", "EEG", "EU"])
            {
                return Some(k + 5);
            }
            return None;
        }
        // `NIS2-direktivet`, `NIS 2-direktivet`, `EU-förordningen`
        if !w.is_empty()
            && w.chars().next().is_some_and(|c| c.is_uppercase())
            && w.chars()
                .skip(1)
                .all(|c| c.is_uppercase() || c.is_ascii_digit())
        {
            let mut k = i + 1;
            if self.num(k).is_some() && self.toks[k].start == self.toks[i].end + 1 {
                k += 1;
            }
            if self.t(k) == T::Dash {
                let nw = self.w(k + 1);
                if nw.starts_with("direktiv") || nw.starts_with("förordning") {
                    return Some(k + 2);
                }
            }
            // `EU:s dataskyddsförordning`
            if w == "EU" && self.t(i + 1) == T::Colon && self.w(i + 2) == "s" {
                let nw = self.w(i + 3);
                if nw.contains("förordning") || nw.contains("direktiv") {
                    return Some(i + 4);
                }
            }
        }
        None
    }

    /// References that do not start with a number. Returns (kind, members, act, end, relative).
    pub(super) fn worded(&self, i: usize) -> Option<Worded> {
        let w = self.w(i);
        match w {
            "SFS"
                if self.num(i + 1).is_some()
                    && self.t(i + 2) == T::Colon
                    && self.num(i + 3).is_some() =>
            {
                Some((
                    CiteKind::ExternalLaw,
                    vec![],
                    Some(self.span_text(i, i + 4)),
                    i + 4,
                    false,
                ))
            }
            "prop" | "Prop" | "bet" | "rskr" | "dir" | "Dir" | "SOU" | "Ds" | "skr" => {
                self.forarbete(i, w)
            }
            "artikel" | "Artikel" | "artiklarna" => self.eu_article(i),
            "ISO" | "SS" => self.standard(i),
            "avsnitt" | "Avsnitt" => self.report_section(i),
            "kapitlet" | "Kapitlet" => {
                // `kapitlet` is the chapter in context; `kapitlets` is not a citation.
                Some((CiteKind::Chapter, vec![], None, i + 1, true))
            }
            "kapitel" | "Kapitel" | "kapitlen" => {
                let (seq, k) = self.label_seq(i + 1)?;
                let members = seq
                    .into_iter()
                    .map(|s| match s {
                        Seq::One(k) => Member::One {
                            at: Address::chapter(k),
                        },
                        Seq::Range(a, b) => Member::Range {
                            from: Address::chapter(a),
                            to: Address::chapter(b),
                        },
                    })
                    .collect();
                Some((CiteKind::Chapter, members, None, k, false))
            }
            "punkt" | "punkterna" | "Punkt" => self.punkt_word(i, w),
            _ => self.other_word(i, w),
        }
    }

    /// `prop. 2025/26:28`, `SOU 2024:18`, `Ds 2014:1`: preparatory works.
    pub(super) fn forarbete(&self, i: usize, w: &str) -> Option<Worded> {
        let mut k = i + 1;
        if self.t(k) == T::Dot {
            k += 1;
        } else if matches!(w, "prop" | "Prop" | "bet" | "rskr" | "skr") {
            return None;
        }
        self.num(k)?;
        k += 1;
        if self.t(k) == T::Slash {
            self.num(k + 1)?;
            k += 2;
        }
        if self.t(k) != T::Colon {
            return None;
        }
        if self.num(k + 1).is_none() && self.t(k + 1) != T::Word {
            return None;
        }
        let end = k + 2;
        Some((
            CiteKind::Forarbete,
            vec![],
            Some(self.span_text(i, end)),
            end,
            false,
        ))
    }

    /// `artikel 21.2 i NIS2-direktivet`: an article of an EU act.
    pub(super) fn eu_article(&self, i: usize) -> Option<Worded> {
        self.num(i + 1)?;
        let mut k = i + 2;
        while self.t(k) == T::Dot
            && self.num(k + 1).is_some()
            && self.toks[k].start == self.toks[k - 1].end
        {
            k += 2;
        }
        while (self.is_sep(k) || self.t(k) == T::Dash) && self.num(k + 1).is_some() {
            k += 2;
        }
        if self.is_w(k, &["punkt"]) && self.num(k + 1).is_some() {
            k += 2;
        }
        let mut end = k;
        if self.is_w(k, &["i"]) {
            if let Some(e) = self.eu_act(k + 1) {
                end = e;
            } else if self.is_w(k + 1, &["Europaparlamentets"]) {
                // `i Europaparlamentets och rådets förordning (EU) 2016/679`
                let mut m = k + 2;
                while m < k + 8 && self.eu_act(m).is_none() {
                    m += 1;
                }
                if let Some(e) = self.eu_act(m) {
                    end = e;
                }
            }
        }
        Some((
            CiteKind::EuAct,
            vec![],
            Some(self.span_text(i, end)),
            end,
            false,
        ))
    }

    /// `ISO 27002`, `SS-EN ISO 9001:2015`: a standard.
    pub(super) fn standard(&self, i: usize) -> Option<Worded> {
        let mut k = i + 1;
        if self.t(k) == T::Slash && self.is_w(k + 1, &["IEC"]) {
            k += 2;
        }
        if self.t(k) == T::Dash && self.is_w(k + 1, &["EN"]) {
            k += 2;
            if self.is_w(k, &["ISO"]) {
                k += 1;
            }
        }
        self.num(k)?;
        k += 1;
        if self.t(k) == T::Colon && self.num(k + 1).is_some() {
            k += 2;
        }
        Some((
            CiteKind::Standard,
            vec![],
            Some(self.span_text(i, k)),
            k,
            false,
        ))
    }

    /// `avsnitt 7.1.2`: a section of a report, not a paragraph.
    pub(super) fn report_section(&self, i: usize) -> Option<Worded> {
        self.num(i + 1)?;
        let mut k = i + 2;
        while self.t(k) == T::Dot && self.num(k + 1).is_some() {
            k += 2;
        }
        Some((
            CiteKind::ReportSection,
            vec![],
            Some(self.span_text(i, k)),
            k,
            false,
        ))
    }

    /// `punkt 2`, `punkterna 1–3`: punkter of the paragraph in context.
    pub(super) fn punkt_word(&self, i: usize, w: &str) -> Option<Worded> {
        let (pk, k) = self.punkter(i, false).or_else(|| {
            // Capitalised form at a sentence start.
            if w == "Punkt" {
                self.punkter_after_keyword(i)
            } else {
                None
            }
        })?;
        let members = pk
            .into_iter()
            .map(|(a, b)| {
                let from = Address {
                    punkt: Some(a),
                    ..Default::default()
                };
                match b {
                    Some(b) => Member::Range {
                        from,
                        to: Address {
                            punkt: Some(b),
                            ..Default::default()
                        },
                    },
                    None => Member::One { at: from },
                }
            })
            .collect();
        Some((CiteKind::Punkt, members, None, k, true))
    }

    /// Everything else that starts with a word: `kapitlet`-like forms, ordinals (`första stycket`), act names.
    pub(super) fn other_word(&self, i: usize, w: &str) -> Option<Worded> {
        if ordinal_value(w).is_some()
            && let Some((st, k)) = self.stycke(i)
        {
            let mut members = Vec::new();
            let mut k = k;
            if st.len() == 1 && st[0].1.is_none() {
                let base = Address {
                    stycke: Some(st[0].0),
                    ..Default::default()
                };
                if let Some((pk, k2)) = self.punkter(k, true) {
                    k = k2;
                    for (a, b) in pk {
                        let from = Address {
                            punkt: Some(a),
                            ..base
                        };
                        members.push(match b {
                            Some(b) => Member::Range {
                                from,
                                to: Address {
                                    punkt: Some(b),
                                    ..base
                                },
                            },
                            None => Member::One { at: from },
                        });
                    }
                    return Some((CiteKind::Punkt, members, None, k, true));
                }
            }
            for (a, b) in st {
                let from = Address {
                    stycke: Some(a),
                    ..Default::default()
                };
                members.push(match b {
                    Some(b) => Member::Range {
                        from,
                        to: Address {
                            stycke: Some(b),
                            ..Default::default()
                        },
                    },
                    None => Member::One { at: from },
                });
            }
            return Some((CiteKind::Stycke, members, None, k, true));
        }
        if is_agency_code(w)
            && self.num(i + 1).is_some()
            && self.t(i + 2) == T::Colon
            && self.num(i + 3).is_some()
        {
            return Some((
                CiteKind::AgencyRegulation,
                vec![],
                Some(self.span_text(i, i + 4)),
                i + 4,
                false,
            ));
        }
        // `HSLF-FS 2016:40`, `ELSÄK-FS 2022:1`
        if self.t(i + 1) == T::Dash
            && self.is_w(i + 2, &["FS"])
            && self.num(i + 3).is_some()
            && self.t(i + 4) == T::Colon
            && w.chars().all(|c| c.is_uppercase())
        {
            return Some((
                CiteKind::AgencyRegulation,
                vec![],
                Some(self.span_text(i, i + 6)),
                i + 6,
                false,
            ));
        }
        if let Some(end) = self.eu_act(i) {
            return Some((
                CiteKind::EuAct,
                vec![],
                Some(self.span_text(i, end)),
                end,
                false,
            ));
        }
        if w == "Europaparlamentets"
            || w == "kommissionens"
            || w == "Kommissionens"
            || w == "rådets"
        {
            let mut m = i + 1;
            while m < i + 6 && self.eu_act(m).is_none() {
                m += 1;
            }
            if let Some(e) = self.eu_act(m) {
                return Some((
                    CiteKind::EuAct,
                    vec![],
                    Some(self.span_text(i, e)),
                    e,
                    false,
                ));
            }
        }
        // A named act with its SFS number: `lagen (2022:482) om elektronisk kommunikation`.
        let law_word = is_law_name(w)
            || matches!(
                w,
                "lagen" | "förordningen" | "Lagen" | "Förordningen" | "förordning" | "lag"
            );
        if law_word && self.sfs_number_after(i + 1) > i + 1 {
            let mut end = self.sfs_number_after(i + 1);
            end = self.name_tail(end);
            return Some((
                CiteKind::ExternalLaw,
                vec![],
                Some(self.span_text(i, end)),
                end,
                false,
            ));
        }
        if GRUNDLAGAR.contains(&w) || (w.ends_with("balken") && w.len() > 8) {
            return Some((
                CiteKind::ExternalLaw,
                vec![],
                Some(w.to_string()),
                i + 1,
                false,
            ));
        }
        None
    }

    pub(super) fn punkter_after_keyword(&self, i: usize) -> Option<(Items<PunktLabel>, usize)> {
        let n = self.num(i + 1)?;
        Some((vec![(PunktLabel::Number(n), None)], i + 2))
    }

    /// `om elektronisk kommunikation` after an act's number: up to the first punctuation,
    /// conjunction or verb-like stop word, at most eight words.
    pub(super) fn name_tail(&self, k: usize) -> usize {
        if !self.is_w(k, &["om"]) {
            return k;
        }
        let mut m = k + 1;
        let mut words = 0;
        while self.t(m) == T::Word && words < 8 {
            let w = self.w(m);
            if matches!(
                w,
                "och"
                    | "samt"
                    | "eller"
                    | "i"
                    | "ska"
                    | "får"
                    | "finns"
                    | "gäller"
                    | "som"
                    | "med"
                    | "att"
                    | "till"
                    | "av"
                    | "är"
                    | "har"
                    | "kan"
            ) || is_law_name(w)
                || w.chars().next().is_some_and(|c| c.is_uppercase())
            {
                break;
            }
            m += 1;
            words += 1;
        }
        if words == 0 { k } else { m }
    }

    /// `N kap. Rubrik` alone on its line: a chapter heading.
    pub(super) fn is_heading(&self, i: usize, j: usize) -> bool {
        let first = self.toks[i];
        if first.nl == 0 && i > 0 {
            return false;
        }
        // The heading text starts with a capital on the same line.
        let Some(next) = self.toks.get(j) else {
            return false;
        };
        if next.nl > 0 || next.t != T::Word {
            return false;
        }
        if !self.s[next.start..].starts_with(|c: char| c.is_uppercase()) {
            return false;
        }
        let line_end = self.s[first.start..]
            .find('\n')
            .map(|e| first.start + e)
            .unwrap_or(self.s.len());
        let line = self.s[first.start..line_end].trim_end();
        line.len() < 160
            && !line.contains('§')
            && !line.ends_with([',', ';', ':'])
            && !line.ends_with(" och")
            && !line.ends_with(" samt")
    }

    /// `7 § Text` at the start of a block: a paragraph label in a regulation.
    pub(super) fn paragraph_start(&self, i: usize) -> Option<Label> {
        let first = self.toks[i];
        if first.nl < 2 {
            return None;
        }
        let (l, j) = self.label(i)?;
        if self.t(j) != T::Para {
            return None;
        }
        let next = self.toks.get(j + 1)?;
        if next.nl > 0 && next.t != T::Word {
            return None;
        }
        let c = self.s[next.start..].chars().next()?;
        (c.is_uppercase() || c == '/').then_some(l)
    }
}

/// Finds every citation in `text`. Spans are byte offsets into `text`.
pub fn scan(text: &str) -> Scan {
    let toks = tokenize(text);
    let p = P {
        s: text,
        toks: &toks,
    };
    let mut out = Scan::default();
    let mut i = 0;
    while i < toks.len() {
        let tok = toks[i];
        let found = match tok.t {
            T::Num(_) => {
                if let Some(l) = p.paragraph_start(i) {
                    out.paragraph_starts.push(ParagraphStart {
                        start: tok.start,
                        label: l,
                    });
                    // Skip the label itself; the text after it is scanned normally.
                    i += if l.letter.is_some() { 3 } else { 2 };
                    continue;
                }
                p.numbered(i).map(|(members, j, relative)| {
                    let chapters_only = members.iter().all(|m| match m {
                        Member::One { at } => at.paragraf.is_none(),
                        Member::Range { from, .. } => from.paragraf.is_none(),
                    });
                    let heading = chapters_only && members.len() == 1 && p.is_heading(i, j);
                    match p.external_suffix(j).or_else(|| p.external_prefix(i, j)) {
                        Some((act, kind, end)) => {
                            (kind, members, Some(act), end, false, Role::Reference)
                        }
                        None => {
                            let kind = kind_of(&members);
                            // `i denna lag`, `i förslaget` close the citation.
                            let mut end = j;
                            if p.is_w(j, &["i"])
                                && p.is_w(j + 1, &["förslaget", "föreskrifterna", "författningen"])
                            {
                                end = j + 2;
                            } else if p.is_w(j, &["i"])
                                && p.is_w(j + 1, &["denna", "dessa"])
                                && p.t(j + 2) == T::Word
                            {
                                end = j + 3;
                            }
                            let role = if heading {
                                Role::Heading
                            } else {
                                Role::Reference
                            };
                            (kind, members, None, end, relative, role)
                        }
                    }
                })
            }
            // Only a word the tokenizer classed as a possible start can begin a citation;
            // the rest (nearly all words) are passed over without a string compare.
            T::Word if tok.class & START != 0 => {
                p.worded(i).map(|(kind, members, act, end, relative)| {
                    (kind, members, act, end, relative, Role::Reference)
                })
            }
            _ => None,
        };
        match found {
            Some((kind, members, act, end, relative, role)) if end > i => {
                let start = tok.start;
                let stop = toks[end - 1].end;
                out.citations.push(Citation {
                    start,
                    end: stop,
                    text: text[start..stop].to_string(),
                    kind,
                    role,
                    members,
                    act,
                    sentence: tok.sentence,
                    relative,
                });
                i = end;
            }
            _ => i += 1,
        }
    }
    shared_acts(text, &mut out.citations);
    out
}

/// `enligt 2 kap. 1 § efter en begäran enligt 1 kap. 8 § öppna datalagen`: a chapter's
/// paragraph with no act of its own, followed closely in the same sentence by one of
/// another act, joined by `enligt`, `och`, `samt`, `eller` or a comma, is of that act too.
fn shared_acts(text: &str, cites: &mut [Citation]) {
    for k in (0..cites.len().saturating_sub(1)).rev() {
        let (a, b) = (&cites[k], &cites[k + 1]);
        let joined = a.kind.is_internal()
            && !a.relative
            && a.act.is_none()
            && b.kind == CiteKind::ExternalLaw
            && b.act.is_some()
            && a.sentence == b.sentence
            && a.members.iter().all(|m| match m {
                Member::One { at } => at.kapitel.is_some() && at.paragraf.is_some(),
                Member::Range { from, .. } => from.kapitel.is_some() && from.paragraf.is_some(),
            })
            && {
                let between = text[a.end..b.start].trim();
                // Counted without collecting: this runs for every neighbouring pair.
                let (count, last) = between
                    .split_whitespace()
                    .fold((0usize, None), |(n, _), w| (n + 1, Some(w)));
                count <= 5
                    && (between.ends_with(',')
                        || last.is_some_and(|w| matches!(w, "enligt" | "och" | "samt" | "eller")))
                    && !between.contains(['.', ';', ':'])
            };
        if joined {
            let act = cites[k + 1].act.clone();
            cites[k].kind = CiteKind::ExternalLaw;
            cites[k].act = act;
        }
    }
}

pub(super) fn kind_of(members: &[Member]) -> CiteKind {
    let mut kind = CiteKind::Chapter;
    for m in members {
        let a = match m {
            Member::One { at } => at,
            Member::Range { from, .. } => from,
        };
        let k = if a.punkt.is_some() {
            CiteKind::Punkt
        } else if a.stycke.is_some() {
            CiteKind::Stycke
        } else if a.paragraf.is_some() {
            CiteKind::Paragraph
        } else {
            CiteKind::Chapter
        };
        kind = kind.max(k);
    }
    kind
}

impl Address {
    /// Parses any written form: an id (`K2P7aS1N2`), the shorthand `2:7a`, or Swedish
    /// (`2 kap. 7 a § första stycket 2`, `12 kap 2 § 9 p.`, `7 § punkt 2`, `3 kap.`).
    /// Defined here rather than in `address`, so that `address` stays the leaf: the
    /// Swedish forms go through the citation grammar.
    pub fn parse(s: &str) -> Option<Address> {
        let t = s.trim();
        if t.is_empty() {
            return None;
        }
        if t.starts_with(['K', 'P']) && !t.contains(' ') {
            return Address::from_id(t);
        }
        if let Some((k, p)) = t.split_once(':')
            && !t.contains(' ')
        {
            let k = Label::parse(k)?;
            let p = Label::parse(p)?;
            return Some(Address::paragraph(Some(k), p));
        }
        parse_single_address(t)
    }
}

/// Parses a whole string as one address (`2 kap. 7 a § första stycket 2`), for `Address::parse`.
pub fn parse_single_address(s: &str) -> Option<Address> {
    // A leading space keeps `7 § ...` from being read as a paragraph label that starts a block.
    let padded = format!(" {}", s.trim());
    let scan = scan(&padded);
    let [c] = scan.citations.as_slice() else {
        return None;
    };
    let rest = padded[c.end..].trim();
    if !c.kind.is_internal() || !(rest.is_empty() || rest == ".") || c.start != 1 {
        return None;
    }
    match c.members.as_slice() {
        [Member::One { at }] => Some(*at),
        [] if c.kind == CiteKind::Chapter => None,
        _ => None,
    }
}

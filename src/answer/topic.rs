//! Resolving a paragraph named only by its topic (`bestämmelsen om krav vid utkontraktering`)
//! through the draft's rubriker and wording: a small inverted index with IDF weights.

use crate::address::{Address, Label};
use crate::answer::unaddressed;
use crate::regulation::Regulation;
use serde::Serialize;
use std::sync::Arc;

/// Words too general to tell paragraphs apart.
const STOP: [&str; 24] = [
    "bestämmelse",
    "bestämmelsen",
    "bestämmelser",
    "bestämmelserna",
    "kravet",
    "kraven",
    "paragrafen",
    "regleringen",
    "förslaget",
    "föreskrift",
    "föreskriften",
    "föreskrifterna",
    "verksamhetsutövaren",
    "verksamhetsutövare",
    "verksamhetsutövarens",
    "särskild",
    "särskilt",
    "enligt",
    "gäller",
    "dessa",
    "också",
    "eller",
    "under",
    "andra",
];

/// The result of a topic match: the paragraph and the words that matched.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Inference {
    pub address: Address,
    pub matched: Vec<String>,
    pub score: f32,
}

struct Posting {
    paragraph: usize,
    in_rubrik: bool,
}

/// A rubrik of the draft: its chapter, lower-cased text, content words and the paragraphs
/// under it.
type RubrikEntry = (Option<Label>, String, Vec<String>, Vec<Address>);

/// An index over the paragraphs of a draft.
pub struct TopicIndex {
    /// Sorted vocabulary with postings.
    vocab: Vec<(String, Vec<Posting>)>,
    paragraphs: Vec<(Address, Option<Label>)>,
    rubriker: Vec<RubrikEntry>,
    /// The draft's paragraph addresses, each once: what every answer read against the
    /// draft does not address, less what it does ([`unaddressed::Unaddressed`]).
    addresses: Arc<[Address]>,
}

fn content_words(s: &str) -> Vec<String> {
    crate::answer::words(s)
        .into_iter()
        .map(|w| w.text)
        .filter(|w| {
            w.chars().count() >= 5
                && !STOP.contains(&w.as_str())
                && !w.chars().any(|c| c.is_ascii_digit())
        })
        .collect()
}

/// Two words match when they are of comparable length and share a long prefix
/// (`säkerhetskopiering` ~ `säkerhetskopior`, but not `säker`).
fn similar(a: &str, b: &str) -> bool {
    let common = a.chars().zip(b.chars()).take_while(|(x, y)| x == y).count();
    let (la, lb) = (a.chars().count(), b.chars().count());
    let (shorter, longer) = (la.min(lb), la.max(lb));
    common >= 5 && common * 4 >= shorter * 3 && shorter * 5 >= longer * 3
}

fn prefix5(s: &str) -> &str {
    match s.char_indices().nth(5) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

impl TopicIndex {
    pub fn build(reg: &Regulation) -> TopicIndex {
        let mut paragraphs = Vec::new();
        let mut entries: Vec<(String, usize, bool)> = Vec::new();
        let mut rubriker = Vec::new();
        for k in &reg.kapitel {
            for (ri, r) in k.rubriker.iter().enumerate() {
                // A rubrik covers the paragraphs up to the next rubrik of the same or a higher level.
                let end = k.rubriker[ri + 1..]
                    .iter()
                    .find(|n| n.level <= r.level)
                    .map(|n| n.before)
                    .unwrap_or(k.paragrafer.len());
                let under: Vec<Address> = k.paragrafer
                    [r.before.min(k.paragrafer.len())..end.min(k.paragrafer.len())]
                    .iter()
                    .map(|p| p.address)
                    .collect();
                rubriker.push((
                    k.label,
                    r.text.to_lowercase(),
                    content_words(&r.text),
                    under,
                ));
            }
            for p in &k.paragrafer {
                let idx = paragraphs.len();
                paragraphs.push((p.address, k.label));
                let mut text = String::new();
                for s in &p.stycken {
                    text.push_str(&s.text);
                    text.push(' ');
                    for n in &s.punkter {
                        text.push_str(&n.text);
                        text.push(' ');
                    }
                }
                for w in content_words(&text) {
                    entries.push((w, idx, false));
                }
                if let Some(r) = &p.rubrik {
                    for w in content_words(r) {
                        entries.push((w, idx, true));
                    }
                }
            }
        }
        entries.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(&b.1)).then(b.2.cmp(&a.2)));
        let mut vocab: Vec<(String, Vec<Posting>)> = Vec::new();
        for (w, idx, in_rubrik) in entries {
            match vocab.last_mut() {
                Some((lw, posts)) if *lw == w => {
                    if let Some(last) = posts.last_mut()
                        && last.paragraph == idx
                    {
                        last.in_rubrik |= in_rubrik;
                        continue;
                    }
                    posts.push(Posting {
                        paragraph: idx,
                        in_rubrik,
                    });
                }
                _ => vocab.push((
                    w,
                    vec![Posting {
                        paragraph: idx,
                        in_rubrik,
                    }],
                )),
            }
        }
        TopicIndex {
            vocab,
            paragraphs,
            rubriker,
            addresses: unaddressed::paragraph_addresses(reg),
        }
    }

    /// The draft's paragraph addresses, each once, in its order (shared).
    pub fn addresses(&self) -> &Arc<[Address]> {
        &self.addresses
    }

    /// The paragraph a phrase names, within `chapter` when given; `None` unless one
    /// paragraph clearly wins.
    pub fn resolve(&self, phrase: &str, chapter: Option<Label>) -> Option<Inference> {
        let query = content_words(phrase);
        if query.is_empty() || self.paragraphs.is_empty() {
            return None;
        }
        let n = self.paragraphs.len() as f32;
        let mut scores: Vec<f32> = vec![0.0; self.paragraphs.len()];
        let mut matched: Vec<Vec<String>> = vec![Vec::new(); self.paragraphs.len()];
        let mut seen_q: Vec<&str> = Vec::new();
        for q in &query {
            if seen_q.contains(&q.as_str()) {
                continue;
            }
            seen_q.push(q);
            let p5 = prefix5(q);
            let from = self.vocab.partition_point(|(w, _)| w.as_str() < p5);
            let mut hits: Vec<(usize, bool)> = Vec::new();
            for (w, posts) in &self.vocab[from..] {
                if !w.starts_with(p5) {
                    break;
                }
                if similar(q, w) {
                    for p in posts {
                        hits.push((p.paragraph, p.in_rubrik));
                    }
                }
            }
            if hits.is_empty() {
                continue;
            }
            hits.sort();
            hits.dedup_by(|a, b| {
                if a.0 == b.0 {
                    b.1 |= a.1;
                    true
                } else {
                    false
                }
            });
            let df = hits.len() as f32;
            let idf = (n / df).ln().max(0.1);
            for (p, in_rubrik) in hits {
                scores[p] += if in_rubrik { 2.0 * idf } else { idf };
                matched[p].push(q.clone());
            }
        }
        let mut ranked: Vec<(usize, f32)> = scores
            .iter()
            .enumerate()
            .filter(|(i, s)| **s > 0.0 && chapter.is_none_or(|c| self.paragraphs[*i].1 == Some(c)))
            .map(|(i, s)| (i, *s))
            .collect();
        ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        let (best, score) = *ranked.first()?;
        let second = ranked.get(1).map(|r| r.1).unwrap_or(0.0);
        if score < 2.0 || score < second * 1.5 {
            return None;
        }
        Some(Inference {
            address: self.paragraphs[best].0,
            matched: std::mem::take(&mut matched[best]),
            score,
        })
    }

    /// The paragraphs under the rubrik a heading names (`Personalsäkerhet`), within `chapter`.
    pub fn heading(&self, heading: &str, chapter: Option<Label>) -> Vec<Address> {
        let h = heading.trim().trim_end_matches(':').to_lowercase();
        let in_chapter = |k: &Option<Label>| chapter.is_none_or(|c| *k == Some(c));
        if let Some((_, _, _, under)) = self
            .rubriker
            .iter()
            .find(|(k, r, _, _)| in_chapter(k) && *r == h)
        {
            return under.clone();
        }
        // Near matches: most content words of the heading in the rubrik.
        let hw = content_words(&h);
        if !hw.is_empty() {
            let mut best: Option<(usize, &Vec<Address>)> = None;
            for (k, _, rw, under) in &self.rubriker {
                if !in_chapter(k) {
                    continue;
                }
                let hits = hw
                    .iter()
                    .filter(|q| rw.iter().any(|w| similar(q, w)))
                    .count();
                if hits * 3 >= hw.len() * 2 && hits > 0 && best.is_none_or(|(b, _)| hits > b) {
                    best = Some((hits, under));
                }
            }
            if let Some((_, under)) = best {
                return under.clone();
            }
        }
        match self.resolve(heading, chapter) {
            Some(inf) if inf.score >= 4.0 => vec![inf.address],
            _ => Vec::new(),
        }
    }
}

#[cfg(test)]
#[path = "topic_tests.rs"]
mod tests;

//! Stage 3, stances: the paragraphs of the draft an answer does not address, kept as the
//! draft's paragraphs less the ones it does.
//!
//! An answer addresses few of a draft's paragraphs, so the list of the others is nearly
//! the whole draft for every answer: 64 KB of addresses each against a 2,000-paragraph
//! draft, 320 MB for 5,000 answers, held twice in a build (the reading and the case's
//! summary). The draft's paragraph addresses are made once and shared ([`Arc`]); each
//! answer keeps only which of them it addresses. It reads and serialises as the list it
//! stands for, in the draft's order.

use crate::address::Address;
use crate::regulation::Regulation;
use serde::{Serialize, Serializer};
use std::collections::BTreeSet;
use std::sync::Arc;

/// The paragraphs of a draft an answer does not address, in the draft's order.
#[derive(Clone, Debug, Default)]
pub struct Unaddressed {
    /// The draft's paragraph addresses, each once, in its order.
    all: Arc<[Address]>,
    /// Which of them the answer addresses (indices into `all`), increasing.
    addressed: Vec<u32>,
}

/// The paragraph addresses of `draft`, each once (the first time it stands), in order:
/// what [`Unaddressed::of`] takes, made once for every answer read against the draft.
pub fn paragraph_addresses(draft: &Regulation) -> Arc<[Address]> {
    let mut seen = BTreeSet::new();
    draft
        .paragraphs()
        .map(|p| p.address)
        .filter(|a| seen.insert(*a))
        .collect()
}

impl Unaddressed {
    /// The paragraphs of `all` (from [`paragraph_addresses`]) that `addressed` does not hold.
    pub fn of(all: Arc<[Address]>, addressed: &BTreeSet<Address>) -> Unaddressed {
        let addressed = all
            .iter()
            .enumerate()
            .filter(|(_, a)| addressed.contains(a))
            .filter_map(|(i, _)| u32::try_from(i).ok())
            .collect();
        Unaddressed { all, addressed }
    }

    /// How many paragraphs are not addressed.
    pub fn len(&self) -> usize {
        self.all.len() - self.addressed.len()
    }

    /// Whether the answer addresses every paragraph (or was read without a draft).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The paragraphs not addressed, in the draft's order.
    pub fn iter(&self) -> impl Iterator<Item = &Address> {
        let mut next = self.addressed.iter().peekable();
        self.all.iter().enumerate().filter_map(move |(i, a)| {
            if next.next_if(|&&k| k as usize == i).is_some() {
                None
            } else {
                Some(a)
            }
        })
    }

    /// Whether `a` is among the paragraphs not addressed.
    pub fn contains(&self, a: &Address) -> bool {
        self.iter().any(|x| x == a)
    }

    /// Takes `a` off the list: the answer addresses it after all (a corrected reading).
    pub fn remove(&mut self, a: &Address) {
        // `all` holds each address once.
        if let Some(i) = self.all.iter().position(|x| x == a)
            && let Ok(i) = u32::try_from(i)
            && let Err(at) = self.addressed.binary_search(&i)
        {
            self.addressed.insert(at, i);
        }
    }

    /// The paragraphs not addressed, as a list of their own.
    pub fn to_vec(&self) -> Vec<Address> {
        self.iter().copied().collect()
    }
}

/// The list of addresses it stands for.
impl Serialize for Unaddressed {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Text;

    #[test]
    fn the_draft_less_what_an_answer_addresses_in_the_drafts_order() {
        let draft = crate::regulation::parse(&Text::from_plain(
            "d.txt",
            "1 kap. Allmänt\n\n1 § Ett.\n\n2 § Två.\n\n2 kap. Tillsyn\n\n1 § Tre.\n\n2 § Fyra.\n"
                .into(),
        ));
        let all = paragraph_addresses(&draft);
        let ids = |u: &Unaddressed| u.iter().map(|a| a.id()).collect::<Vec<_>>();
        assert_eq!(all.len(), 4);
        let addressed: BTreeSet<Address> = [all[1], all[3]].into();
        let mut u = Unaddressed::of(Arc::clone(&all), &addressed);
        assert_eq!(ids(&u), ["K1P1", "K2P1"]);
        assert_eq!((u.len(), u.is_empty()), (2, false));
        assert!(u.contains(&all[2]) && !u.contains(&all[1]));
        assert_eq!(
            serde_json::to_value(&u).unwrap(),
            serde_json::to_value(u.to_vec()).unwrap()
        );
        // As `retain(|x| x != a)` on the list: once, and again with no effect.
        u.remove(&all[2]);
        u.remove(&all[2]);
        u.remove(&all[1]);
        assert_eq!(ids(&u), ["K1P1"]);
        assert_eq!(u.len(), 1);
        u.remove(&all[0]);
        assert!(u.is_empty());
        assert_eq!(serde_json::to_string(&u).unwrap(), "[]");
        // Shared, not copied.
        assert_eq!(Arc::strong_count(&all), 2);
        assert!(Unaddressed::default().is_empty());
    }
}

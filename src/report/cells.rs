//! Stage 4, reports: the cells of one matrix row (one per respondent), kept sparsely.
//!
//! A matrix has a cell for every respondent on every target, and an answer addresses few of
//! a draft's targets: at 1,000 answers against a 2,000-paragraph draft there are 2.2 million
//! cells, of which about one in forty says anything. As a vector of [`Cell`]s (152 bytes
//! each) the empty ones alone took 340 MB. So only the cells that were set are kept, with
//! their respondent's index; every other reads as [`Cell::EMPTY`]. Read through [`Cells`],
//! and serialised, a row is as dense as before: data.json and every template see the same
//! cells in the same order.

use super::Cell;
use serde::{Serialize, Serializer};

/// The one empty cell every unset one reads as.
static EMPTY: Cell = Cell::EMPTY;

/// One cell per respondent, in the manifest's order; the ones set are kept, the rest are
/// [`Cell::EMPTY`].
#[derive(Clone, Debug, Default)]
pub struct Cells {
    len: usize,
    /// The respondents whose cell was set, increasing.
    at: Vec<usize>,
    /// Their cells, in the same order.
    set: Vec<Cell>,
}

impl Cells {
    /// A row of `len` empty cells.
    pub fn new(len: usize) -> Cells {
        Cells {
            len,
            at: Vec::new(),
            set: Vec::new(),
        }
    }

    /// How many respondents the row has a cell for.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the row has no cell (the case has no answers).
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Respondent `i`'s cell.
    pub fn get(&self, i: usize) -> Option<&Cell> {
        if i >= self.len {
            return None;
        }
        Some(match self.at.binary_search(&i) {
            Ok(k) => &self.set[k],
            Err(_) => &EMPTY,
        })
    }

    /// Respondent `i`'s cell, to change (kept from now on, even if left empty).
    pub fn get_mut(&mut self, i: usize) -> Option<&mut Cell> {
        if i >= self.len {
            return None;
        }
        let k = match self.at.binary_search(&i) {
            Ok(k) => k,
            Err(k) => {
                self.at.insert(k, i);
                self.set.insert(k, Cell::EMPTY);
                k
            }
        };
        self.set.get_mut(k)
    }

    /// Sets respondent `i`'s cell (past the end: nothing).
    pub fn set(&mut self, i: usize, cell: Cell) {
        if let Some(c) = self.get_mut(i) {
            *c = cell;
        }
    }

    /// Whether respondent `i`'s cell was set.
    pub fn is_set(&self, i: usize) -> bool {
        self.at.binary_search(&i).is_ok()
    }

    /// Every cell in respondent order, the unset ones as [`Cell::EMPTY`].
    pub fn iter(&self) -> Iter<'_> {
        Iter {
            cells: self,
            next: 0,
            k: 0,
        }
    }

    /// The cells that were set, with their respondent's index, in respondent order.
    pub fn set_cells(&self) -> impl Iterator<Item = (usize, &Cell)> {
        self.at.iter().copied().zip(&self.set)
    }

    /// How many cells were never set (each is [`Cell::EMPTY`]).
    pub fn unset(&self) -> usize {
        self.len - self.set.len()
    }
}

impl std::ops::Index<usize> for Cells {
    type Output = Cell;

    fn index(&self, i: usize) -> &Cell {
        match self.get(i) {
            Some(c) => c,
            None => panic!("cell {i} of a row of {}", self.len),
        }
    }
}

impl std::ops::IndexMut<usize> for Cells {
    fn index_mut(&mut self, i: usize) -> &mut Cell {
        let len = self.len;
        match self.get_mut(i) {
            Some(c) => c,
            None => panic!("cell {i} of a row of {len}"),
        }
    }
}

/// The cells of a row in respondent order (see [`Cells::iter`]).
pub struct Iter<'a> {
    cells: &'a Cells,
    next: usize,
    /// The first set cell not yet passed.
    k: usize,
}

impl<'a> Iterator for Iter<'a> {
    type Item = &'a Cell;

    fn next(&mut self) -> Option<&'a Cell> {
        let i = self.next;
        if i >= self.cells.len {
            return None;
        }
        self.next += 1;
        if self.cells.at.get(self.k) == Some(&i) {
            self.k += 1;
            self.cells.set.get(self.k - 1)
        } else {
            Some(&EMPTY)
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self.cells.len - self.next;
        (n, Some(n))
    }
}

impl ExactSizeIterator for Iter<'_> {}

impl<'a> IntoIterator for &'a Cells {
    type Item = &'a Cell;
    type IntoIter = Iter<'a>;

    fn into_iter(self) -> Iter<'a> {
        self.iter()
    }
}

/// A dense sequence, as the vector of cells it stands for.
impl Serialize for Cells {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::answer::stance::Stance;

    fn cell(stance: Stance, href: &str) -> Cell {
        Cell {
            href: href.to_string(),
            stance,
            ..Cell::EMPTY
        }
    }

    #[test]
    fn a_row_reads_and_serialises_as_the_dense_vector_it_stands_for() {
        let mut cells = Cells::new(5);
        cells.set(3, cell(Stance::Oppose, "svar/r4.html#L9"));
        cells.set(1, cell(Stance::Support, "svar/r2.html#L3"));
        // Past the end: nothing, as for a row of five.
        cells.set(5, cell(Stance::Support, "x"));
        let dense = vec![
            Cell::EMPTY,
            cell(Stance::Support, "svar/r2.html#L3"),
            Cell::EMPTY,
            cell(Stance::Oppose, "svar/r4.html#L9"),
            Cell::EMPTY,
        ];
        assert_eq!(cells.len(), 5);
        assert_eq!(cells.unset(), 3);
        let stances: Vec<Stance> = cells.iter().map(|c| c.stance).collect();
        let want: Vec<Stance> = dense.iter().map(|c| c.stance).collect();
        assert_eq!(stances, want);
        assert_eq!(cells.iter().len(), 5);
        assert_eq!(cells[3].href, "svar/r4.html#L9");
        assert_eq!(cells.get(4).map(|c| c.stance), Some(Stance::NotAddressed));
        assert!(cells.get(5).is_none());
        assert!(cells.is_set(1) && !cells.is_set(2));
        assert_eq!(
            cells.set_cells().map(|(i, _)| i).collect::<Vec<_>>(),
            [1, 3]
        );
        assert_eq!(
            serde_json::to_string(&cells).ok(),
            serde_json::to_string(&dense).ok()
        );
        // A cell changed in place is kept from then on.
        cells[0].corrected = Some("rättad".into());
        assert_eq!(cells.unset(), 2);
        assert_eq!(
            cells.iter().next().and_then(|c| c.corrected.clone()),
            Some("rättad".into())
        );
    }

    #[test]
    #[should_panic(expected = "cell 2 of a row of 2")]
    fn indexing_past_the_end_panics_as_a_vector_does() {
        let _ = &Cells::new(2)[2];
    }
}

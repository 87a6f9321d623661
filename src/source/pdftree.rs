//! Stage 1, reading PDF, a guard: checks a PDF's page tree before the reader walks it.
//! Inherited page attributes (`/MediaBox`, `/Resources`) are looked up the `/Parent` chain;
//! pdf-extract, the library read before our own interpreter, recursed there with no end
//! condition, so that a page that is its own ancestor (one damaged byte is enough)
//! overflowed the stack and aborted the process. A looped or absurdly deep tree is damage,
//! and is refused here with a message rather than read by whatever a bounded walk finds.

use lopdf::{Document, ObjectId};

/// Longer `/Parent` chains than this are refused too: real page trees are a few levels
/// deep, and each level is a frame of the library's recursion.
pub const MAX_DEPTH: usize = 256;

/// The first page whose `/Parent` chain loops or runs deeper than [`MAX_DEPTH`], with the
/// reason, or `None` when every chain ends.
pub fn broken_page_tree(doc: &Document) -> Option<String> {
    for (number, page) in doc.get_pages() {
        let mut seen: Vec<ObjectId> = vec![page];
        let mut at = page;
        while let Some(parent) = doc
            .get_dictionary(at)
            .ok()
            .and_then(|d| d.get(b"Parent").ok())
            .and_then(|p| p.as_reference().ok())
        {
            if seen.contains(&parent) {
                return Some(format!(
                    "the page tree loops: page {number} (object {} {}) has object {} {} as its own ancestor",
                    page.0, page.1, parent.0, parent.1
                ));
            }
            if seen.len() > MAX_DEPTH {
                return Some(format!(
                    "the page tree is over {MAX_DEPTH} levels deep above page {number}"
                ));
            }
            seen.push(parent);
            at = parent;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_that_is_its_own_ancestor_is_found() {
        // The same small PDF twice: as made, and with the page's `/Parent 2 0 R` turned
        // into `/Parent 3 0 R` (itself) by one changed byte.
        let good = include_bytes!("../../tests/fixtures/pdf/odd-page.pdf");
        let looped = include_bytes!("../../tests/fixtures/fuzz/pdf-extract-endless-page.pdf");
        let doc = Document::load_mem(looped).expect("loads");
        let why = broken_page_tree(&doc).expect("a loop");
        assert!(why.contains("loops") && why.contains("page 1"), "{why}");
        let doc = Document::load_mem(good).expect("loads");
        assert_eq!(broken_page_tree(&doc), None);
    }
}

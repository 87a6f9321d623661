//! Stage 1, reading: the decoded source of a [`Text`](super::Text), either a string of its
//! own or, for a file that is UTF-8 as it stands, the file itself mapped into memory, so a
//! large statute is neither copied into a fresh buffer nor held twice (page cache and heap).

use std::fmt;
use std::fs::File;
use std::ops::Deref;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Files at least this large are mapped rather than read. Below it, copying the few pages
/// costs less than setting up and tearing down a mapping (two system calls and a fault).
pub(crate) const MAP_MIN_BYTES: u64 = 64 * 1024;

/// Pages of a mapped source are given back in runs of this many bytes, aligned to it: the
/// kernel maps a file's pages around a fault in aligned 64 KiB windows, so a run of a
/// multiple of that is not mapped again by a fault further on. Each run is one call, and
/// in a process whose threads have run on other processors (`diff` reads its two versions
/// side by side) each call also interrupts those to flush their address caches: runs of
/// 64 KiB cost 0.7 ms of a 9 ms diff of two 0.6 MB statutes, runs of 256 KiB nothing
/// measurable, and the peak of a 0.6 MB parse stays at 8.6–8.7 MB.
const RELEASE_BYTES: usize = 256 * 1024;

/// The decoded text a [`Text`](super::Text) was read from; spans index into it. Derefs to
/// `str`. Cloning a mapped source shares the mapping.
#[derive(Clone)]
pub struct Source(Repr);

#[derive(Clone)]
enum Repr {
    Owned(String),
    /// Bytes validated as UTF-8 when the mapping was taken ([`Source::from_mapped`]).
    Mapped(Arc<Mapped>),
}

struct Mapped {
    map: memmap2::Mmap,
    /// What the check of the bytes found when the mapping was taken.
    scanned: super::Scanned,
    /// How far from the start the pages have been given back ([`Source::release_before`]).
    released: AtomicUsize,
}

/// Maps a regular file read-only; `None` when the system will not map it (the caller reads
/// it instead).
pub(crate) fn map(file: &File) -> Option<memmap2::Mmap> {
    // SAFETY: a mapping stays valid memory for as long as the `Mmap` lives (it is never
    // unmapped under a borrow: `Source` owns it behind an `Arc`, and every `&str` handed out
    // borrows the `Source`). What the type system cannot rule out is another process writing
    // or truncating the file while it is mapped: the bytes read could then change, or a
    // read past a truncated end fault. That is the known risk of mapping a file, which git
    // and ripgrep take too; the inputs here are documents a user hands to one command, not
    // files that are being written, and the callers only map regular files
    // (`source::open_regular` refuses pipes, devices and folders).
    unsafe { memmap2::Mmap::map(file) }.ok()
}

impl Source {
    /// The mapped file as a source when it is valid UTF-8; the mapping back when it is not
    /// (the caller then decodes a copy).
    pub(crate) fn from_mapped(map: memmap2::Mmap) -> Result<Source, memmap2::Mmap> {
        let Some(scanned) = super::scan_in_tiles(&map) else {
            return Err(map);
        };
        Ok(Source(Repr::Mapped(Arc::new(Mapped {
            map,
            scanned,
            released: AtomicUsize::new(0),
        }))))
    }

    /// False when the source is known to hold no byte [`super::binary_offset`] counts
    /// (it was checked when mapped), true when it may.
    pub(crate) fn may_hold_controls(&self) -> bool {
        match &self.0 {
            Repr::Owned(_) => true,
            Repr::Mapped(m) => m.scanned.controls,
        }
    }

    /// The runs of whitespace that joining folds ([`super::fold_runs`]), by start, when
    /// they were found as the mapping was taken.
    pub(crate) fn fold_runs(&self) -> Option<&[(usize, usize)]> {
        match &self.0 {
            Repr::Owned(_) => None,
            Repr::Mapped(m) => Some(&m.scanned.folds),
        }
    }

    /// Tells the system that the bytes before `offset` will not be read again soon, so the
    /// pages of a mapped source that a reader has passed leave the process's memory (they
    /// stay in the page cache, and come back on a later read). Does nothing for a source
    /// held as a string.
    pub fn release_before(&self, offset: usize) {
        let Repr::Mapped(m) = &self.0 else {
            return;
        };
        let base = m.map.as_ptr() as usize;
        let end = (base + offset.min(m.map.len())) & !(RELEASE_BYTES - 1);
        let upto = end.saturating_sub(base);
        let from = m.released.load(Ordering::Relaxed);
        if upto < from + RELEASE_BYTES {
            return;
        }
        #[cfg(unix)]
        {
            // SAFETY: the mapping is of a file, shared and read-only (`Mmap::map`:
            // PROT_READ, MAP_SHARED), so MADV_DONTNEED only drops this process's page table
            // entries for the range: a later read faults the same bytes back in from the
            // file, and every `&str` into the range stays valid and unchanged. (On an
            // anonymous or privately written mapping it would zero the contents; this
            // mapping is neither.) The range lies inside the mapping: `upto` is at most its
            // length.
            let advised = unsafe {
                m.map
                    .unchecked_advise_range(memmap2::UncheckedAdvice::DontNeed, from, upto - from)
            };
            if advised.is_ok() {
                m.released.store(upto, Ordering::Relaxed);
            }
        }
    }

    pub fn as_str(&self) -> &str {
        match &self.0 {
            Repr::Owned(s) => s,
            // SAFETY: `from_mapped` validated these bytes as UTF-8 and the mapping is
            // read-only, so nothing in this process changes them; validating again on each
            // look would cost a pass over the whole text per line read. The one way they
            // could change is the file being rewritten while mapped (see `map`).
            Repr::Mapped(m) => unsafe { std::str::from_utf8_unchecked(&m.map) },
        }
    }

    /// Whether the source is the mapped file rather than a copy (for tests).
    pub fn is_mapped(&self) -> bool {
        matches!(self.0, Repr::Mapped(_))
    }
}

impl From<String> for Source {
    fn from(s: String) -> Source {
        Source(Repr::Owned(s))
    }
}

impl Deref for Source {
    type Target = str;
    #[inline]
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for Source {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl fmt::Debug for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq for Source {
    fn eq(&self, other: &Source) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for Source {}

impl PartialEq<str> for Source {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Source {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<String> for Source {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other
    }
}

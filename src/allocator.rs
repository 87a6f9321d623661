//! Support (for the binary and the benches): the global allocator, mimalloc asked through
//! its plain entry points where the alignment allows, and the binary's tunings of it.

/// mimalloc, asked through its plain entry points where the alignment allows.
///
/// The allocator crate's `MiMalloc` passes every request to `mi_malloc_aligned`, whose fast
/// path checks the block it takes against the alignment before handing it out: about 40
/// instructions a call against about 20 for `mi_malloc`. Every block mimalloc hands out is
/// at least 8-aligned (sizes are whole words from word-aligned page starts), so requests
/// of alignment 8 or less need no check. A diff of two 0.6 MB statutes makes about 44,000
/// allocations.
pub struct Allocator;

/// The alignment every mimalloc block has: a machine word.
const WORD_ALIGN: usize = std::mem::size_of::<usize>();

unsafe extern "C" {
    /// mimalloc's `mi_option_set`, from the library the allocator crate builds and links.
    fn mi_option_set(option: std::ffi::c_int, value: std::ffi::c_long);
    fn mi_malloc(size: usize) -> *mut std::ffi::c_void;
    fn mi_zalloc(size: usize) -> *mut std::ffi::c_void;
    fn mi_realloc(p: *mut std::ffi::c_void, newsize: usize) -> *mut std::ffi::c_void;
}

// SAFETY: each method returns what mimalloc returns for the same request, through an entry
// point that guarantees the layout's alignment (the plain ones for word alignment or less,
// the crate's aligned ones otherwise); blocks from either are freed by `mi_free`.
unsafe impl std::alloc::GlobalAlloc for Allocator {
    #[inline]
    unsafe fn alloc(&self, layout: std::alloc::Layout) -> *mut u8 {
        if layout.align() <= WORD_ALIGN {
            // SAFETY: mimalloc's malloc, for a size the caller made non-zero.
            unsafe { mi_malloc(layout.size()).cast() }
        } else {
            // SAFETY: forwarded as it came.
            unsafe { mimalloc::MiMalloc.alloc(layout) }
        }
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: std::alloc::Layout) -> *mut u8 {
        if layout.align() <= WORD_ALIGN {
            // SAFETY: as in `alloc`.
            unsafe { mi_zalloc(layout.size()).cast() }
        } else {
            // SAFETY: forwarded as it came.
            unsafe { mimalloc::MiMalloc.alloc_zeroed(layout) }
        }
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, layout: std::alloc::Layout) {
        // SAFETY: every block came from mimalloc, which frees any of its blocks alike.
        unsafe { mimalloc::MiMalloc.dealloc(ptr, layout) }
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: std::alloc::Layout, new_size: usize) -> *mut u8 {
        if layout.align() <= WORD_ALIGN {
            // SAFETY: `ptr` is a live mimalloc block; the new one is word-aligned too.
            unsafe { mi_realloc(ptr.cast(), new_size).cast() }
        } else {
            // SAFETY: forwarded as it came.
            unsafe { mimalloc::MiMalloc.realloc(ptr, layout, new_size) }
        }
    }
}

/// `mi_option_purge_delay` in `mi_option_e` (mimalloc.h) of the mimalloc libmimalloc-sys
/// 0.1.49 builds (v3, and v2 alike); the crate's bindings have no constant for it.
const MI_OPTION_PURGE_DELAY: std::ffi::c_int = 15;

/// Has mimalloc give freed memory back to the system at once, not after its delay (the
/// binary's `run` says which commands want that).
pub fn give_back_freed_memory_at_once() {
    // SAFETY: the function only stores an option's value (an int in a static table), at
    // any time and from any thread; the index is in range, checked against the header of
    // the version in Cargo.lock, and a wrong one would change a tuning, not memory safety.
    unsafe { mi_option_set(MI_OPTION_PURGE_DELAY, 0) }
}

/// `mi_option_arena_reserve` (in KiB) in the same `mi_option_e`.
const MI_OPTION_ARENA_RESERVE: std::ffi::c_int = 23;

/// mimalloc reserves its address space in arenas, 1 GiB at first, and sets up each arena's
/// bitmaps when it takes it: tens of pages written before any work, on every run. Most runs
/// need a few MiB; 64 MiB arenas cut a diff of two 0.6 MB statutes from ~2,300 to ~2,260
/// page faults. A large build takes more arenas, and mimalloc doubles their size as their
/// number grows, so nothing is limited.
pub fn reserve_small_arenas() {
    // SAFETY: as in `give_back_freed_memory_at_once`; the arena size is read whenever an
    // arena is reserved, so setting it here, before the work, applies to all later ones.
    unsafe { mi_option_set(MI_OPTION_ARENA_RESERVE, 64 * 1024) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::alloc::{GlobalAlloc, Layout};

    #[test]
    fn the_allocator_gives_every_alignment_asked_and_keeps_contents_when_resized() {
        // Sizes around mimalloc's small size classes (8, 16, 24, 32, 48, ...), whose blocks
        // of 24 or 40 bytes are only 8-aligned: a request for 16 must not be served from them.
        let sizes = [
            1, 3, 7, 8, 9, 15, 16, 17, 24, 25, 40, 100, 1000, 5000, 70_000,
        ];
        for align in [1, 2, 4, 8, 16, 32, 64, 4096] {
            for &size in &sizes {
                let Ok(layout) = Layout::from_size_align(size, align) else {
                    continue;
                };
                // Many at once, so that blocks further into a page are handed out too.
                let mut blocks = Vec::new();
                for round in 0..64u8 {
                    // SAFETY: a non-zero size; each block is freed below with its layout.
                    let p = unsafe { Allocator.alloc(layout) };
                    assert!(!p.is_null());
                    assert_eq!(p as usize % align, 0, "size {size} align {align}");
                    // SAFETY: `size` bytes were just allocated at `p`.
                    unsafe { std::ptr::write_bytes(p, round, size) };
                    blocks.push((p, round));
                }
                for (p, round) in blocks {
                    let grown = size * 3 + 5;
                    // SAFETY: `p` is live with `layout`; the new size is non-zero.
                    let q = unsafe { Allocator.realloc(p, layout, grown) };
                    assert!(!q.is_null());
                    assert_eq!(q as usize % align, 0, "realloc: size {size} align {align}");
                    // SAFETY: the first `size` bytes were kept by `realloc`.
                    let kept = unsafe { std::slice::from_raw_parts(q, size) };
                    assert!(kept.iter().all(|&b| b == round));
                    let Ok(grown_layout) = Layout::from_size_align(grown, align) else {
                        continue;
                    };
                    // SAFETY: `q` is live with the grown layout.
                    unsafe { Allocator.dealloc(q, grown_layout) };
                }
                // SAFETY: as above.
                let z = unsafe { Allocator.alloc_zeroed(layout) };
                assert_eq!(z as usize % align, 0, "zeroed: size {size} align {align}");
                // SAFETY: `size` bytes were just allocated at `z`.
                assert!(
                    unsafe { std::slice::from_raw_parts(z, size) }
                        .iter()
                        .all(|&b| b == 0)
                );
                // SAFETY: `z` is live with `layout`.
                unsafe { Allocator.dealloc(z, layout) };
            }
        }
    }
}

//! Stage 3, helper: runs the independent pieces of one comparison (fingerprints, the word
//! diffs of aligned pairs) on this thread and its helper, with the results handed back
//! in input order, so the output does not depend on the thread count or on which thread
//! did what.

/// Less work than about this many bytes of paragraph text is done on one thread: handing a
/// piece to the helper (and waking it, when it has gone to sleep) costs about what 15 kB of
/// fingerprinting or a few kB of word diff does.
const MIN_SHARED_BYTES: usize = 16 * 1024;

/// Whether there is a helper to share work with: more than one of `threads`, and a
/// [`crate::threads::with_helper`] around this thread. Without one, sharing would only
/// add its bookkeeping to the same work done here.
pub(crate) fn helper_at_hand(threads: usize) -> bool {
    threads > 1 && crate::threads::has_helper()
}

/// Whether work on `bytes` of text is worth handing to the helper. Always in unit tests,
/// so that they share out even their small examples and check that the result is the same.
pub(crate) fn worth_sharing(bytes: usize) -> bool {
    cfg!(test) || bytes >= MIN_SHARED_BYTES
}

/// Fewer items than this, each a small piece of work (making a link's entry, about 0.2 µs),
/// are done on one thread: handing half of them over costs a few µs.
const MIN_SHARED_ITEMS: usize = 128;

/// Whether `n` small pieces of work of about the same size are worth halving with the
/// helper. Always in unit tests, as [`worth_sharing`].
pub(crate) fn worth_splitting(n: usize) -> bool {
    cfg!(test) || n >= MIN_SHARED_ITEMS
}

/// `f(i)` for every `i` in `0..n` on this thread and, when `threads` is more than one and
/// this thread has one ([`crate::threads::with_helper`]), its helper; the `Some` results as
/// `(i, value)` in increasing `i`. The items are taken `chunk` at a time
/// (small chunks keep both threads busy to the end where a few items are costly, and an
/// atomic increment a chunk costs nothing beside a paragraph's work). With one thread,
/// everything runs here in order.
pub(crate) fn map_sparse<T: Send>(
    n: usize,
    threads: usize,
    chunk: usize,
    f: impl Fn(usize) -> Option<T> + Sync,
) -> Vec<(usize, T)> {
    let chunk = chunk.max(1);
    let threads = threads.min(n.div_ceil(chunk)).max(1);
    if !helper_at_hand(threads) {
        return (0..n).filter_map(|i| f(i).map(|v| (i, v))).collect();
    }
    // Shared with the helper of `threads::with_helper`, kept for the whole command: a
    // thread started here for each call cost about what it gave.
    crate::threads::map_shared(n, chunk, f)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_come_back_in_input_order_whatever_the_thread_count() {
        crate::threads::with_helper(results_in_order);
    }

    fn results_in_order() {
        assert!(
            crate::threads::has_helper()
                || std::thread::available_parallelism().is_ok_and(|n| n.get() == 1)
        );
        let f = |i: usize| (!i.is_multiple_of(3)).then(|| i * i);
        let one = map_sparse(1000, 1, 8, f);
        assert_eq!(one.len(), 666);
        assert!(one.windows(2).all(|w| w[0].0 < w[1].0));
        for t in [2, 3, 8] {
            for chunk in [0, 1, 7, 2000] {
                assert_eq!(map_sparse(1000, t, chunk, f), one);
            }
        }
        assert!(map_sparse(0, 2, 1, f).is_empty());
        assert_eq!(map_sparse(5, 2, 1, f), [(1, 1), (2, 4), (4, 16)]);
    }
}

//! Support (for every stage that shares out work): starts a helper thread on another
//! processor than the thread that starts it.
//!
//! Linux places a new thread on its parent's processor and leaves the other processors to
//! find it. An idle processor looks only at its next balancing tick, so on the small
//! virtual machines this tool runs on (two processors) the helper either waited for the
//! parent to finish (3 ms late in 3 of 8 runs) or shared its processor with it, both at
//! half speed, while the second processor stayed idle: two 3 ms pieces of work took 6 ms.
//! The helper therefore moves itself off its parent's processor as it starts, and the
//! parent yields once so that a helper queued behind it gets to start: the same two pieces
//! then take 3.1–3.3 ms (12 of 12 runs). Elsewhere both steps cost a few microseconds.
//!
//! A helper kept asleep between pieces of work (a rayon pool) fared worse on the bench pair
//! of `benches/diff.sh`: woken, it was placed beside its waker as a new thread is, and
//! started its piece 1–2.5 ms late in 5 of 6 runs.

use std::thread::{Scope, ScopedJoinHandle};

/// `s.spawn(f)`, with the helper moved to another processor than the caller's as it
/// starts, where it may run on another (see the module note). What `f` does and returns
/// is unchanged: only where it runs.
pub fn spawn_elsewhere<'scope, T: Send + 'scope>(
    s: &'scope Scope<'scope, '_>,
    f: impl FnOnce() -> T + Send + 'scope,
) -> ScopedJoinHandle<'scope, T> {
    let parent = current_processor();
    let handle = s.spawn(move || {
        if let Some(cpu) = parent {
            move_off(cpu);
        }
        f()
    });
    if parent.is_some() {
        std::thread::yield_now();
    }
    handle
}

#[cfg(target_os = "linux")]
fn current_processor() -> Option<usize> {
    // SAFETY: `sched_getcpu` has no preconditions; it returns -1 on failure.
    usize::try_from(unsafe { libc::sched_getcpu() }).ok()
}

/// Moves the calling thread off processor `cpu` if it runs there and may run elsewhere,
/// then allows it every processor it was allowed before, so that the system may still
/// move it later. Every failure leaves the thread where it is, which is only slower.
#[cfg(target_os = "linux")]
fn move_off(cpu: usize) {
    if current_processor() != Some(cpu) {
        return;
    }
    let size = std::mem::size_of::<libc::cpu_set_t>();
    // SAFETY: `cpu_set_t` is a plain bit array, valid all zero; `sched_getaffinity` and
    // `sched_setaffinity` read or write at most `size` bytes of it, and the CPU_* helpers
    // check the index against the set's size.
    unsafe {
        let mut allowed: libc::cpu_set_t = std::mem::zeroed();
        if libc::sched_getaffinity(0, size, &mut allowed) != 0 {
            return;
        }
        let mut others = allowed;
        libc::CPU_CLR(cpu, &mut others);
        if libc::CPU_COUNT(&others) == 0 {
            return;
        }
        if libc::sched_setaffinity(0, size, &others) == 0 {
            libc::sched_setaffinity(0, size, &allowed);
        }
    }
}

#[cfg(not(target_os = "linux"))]
fn current_processor() -> Option<usize> {
    None
}

#[cfg(not(target_os = "linux"))]
fn move_off(_cpu: usize) {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_helper_started_elsewhere_does_its_work_and_returns_it() {
        let data: Vec<u64> = (1..=1000).collect();
        let (a, b) = std::thread::scope(|s| {
            let h = spawn_elsewhere(s, || data[500..].iter().sum::<u64>());
            (data[..500].iter().sum::<u64>(), h.join().unwrap())
        });
        assert_eq!(a + b, 500_500);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_thread_moved_off_its_processor_runs_elsewhere_and_keeps_its_processors() {
        std::thread::spawn(|| {
            let before = allowed_count();
            let Some(here) = current_processor() else {
                return;
            };
            move_off(here);
            let after = current_processor();
            // Every processor it had is allowed again.
            assert_eq!(allowed_count(), before);
            if before >= 2 {
                // The move is done when the call returns; the system could move the thread
                // back only at a later balancing tick, which is milliseconds away.
                assert_ne!(after, Some(here));
            } else {
                assert_eq!(after, Some(here));
            }
        })
        .join()
        .unwrap();
    }

    #[cfg(target_os = "linux")]
    fn allowed_count() -> i32 {
        // SAFETY: as in `move_off`.
        unsafe {
            let mut set: libc::cpu_set_t = std::mem::zeroed();
            assert_eq!(
                libc::sched_getaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &mut set),
                0
            );
            libc::CPU_COUNT(&set)
        }
    }
}

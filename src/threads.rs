//! Support (for every stage that shares out work): a helper thread, started on another
//! processor than the thread it helps, that pieces of work are handed to ([`join`]).
//!
//! Linux places a new thread on its parent's processor and leaves the other processors to
//! find it. An idle processor looks only at its next balancing tick, so on the small
//! virtual machines this tool runs on (two processors) the helper either waited for the
//! parent to finish (3 ms late in 3 of 8 runs) or shared its processor with it, both at
//! half speed, while the second processor stayed idle: two 3 ms pieces of work took 6 ms.
//! The helper therefore moves itself off its parent's processor as it starts, and the
//! parent, offering it the first piece before it has started, yields once so that a helper
//! queued behind it gets to start: the same two pieces then take 3.1–3.3 ms (12 of 12
//! runs). Elsewhere both steps cost a few microseconds.
//!
//! A command that shares out several pieces of work in turn (`diff`: its two versions,
//! then the fingerprints, then the word diffs) keeps one helper for all of them
//! ([`with_helper`], [`join`]): a thread started for each piece costs its start, its own
//! heap and its exit every time, which ate what the second processor gave. Between pieces
//! the helper waits awake for a short while rather than asleep: a sleeping thread, woken,
//! is placed beside its waker just as a new one is (a rayon pool's helper started its piece
//! 1–2.5 ms late in 5 of 6 runs so).

use std::cell::{Cell, UnsafeCell};
use std::panic::{self, AssertUnwindSafe};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU8, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// How long the helper waits awake for the next piece of work before it sleeps. The pieces
/// of a `diff` of two 0.6 MB statutes are 0.3–0.6 ms apart.
const AWAKE: Duration = Duration::from_millis(2);

/// The offer slot's states.
const EMPTY: u8 = 0;
const OFFERED: u8 = 1;
const TAKEN: u8 = 2;
const DONE: u8 = 3;

/// A piece of work offered to the helper: a pointer to a [`StackJob`] on the offering
/// thread's stack, and the function that runs it.
#[derive(Clone, Copy)]
struct Offer {
    job: *const (),
    run: unsafe fn(*const ()),
}

struct Shared {
    state: AtomicU8,
    /// Written by the offering thread while `state` is EMPTY, read by the helper once it
    /// has moved `state` from OFFERED to TAKEN.
    offer: UnsafeCell<Option<Offer>>,
    quit: AtomicBool,
    /// Whether the helper has started (and moved off its starter's processor).
    started: AtomicBool,
    /// The processor the offering thread last ran on (`NOWHERE` when unknown), which the
    /// waiting helper keeps off.
    main_cpu: AtomicUsize,
}

/// `Shared::main_cpu` unknown.
const NOWHERE: usize = usize::MAX;

impl Shared {
    /// Notes the processor the calling (offering) thread runs on.
    fn note_main_cpu(&self) {
        self.main_cpu
            .store(current_processor().unwrap_or(NOWHERE), Ordering::Relaxed);
    }
}

// SAFETY: `offer` is written only by the thread that owns the helper, while the state is
// EMPTY (nobody reads it then), and read only by the helper after it won OFFERED → TAKEN
// (the Release store of OFFERED publishes the write); the job it points to is `Sync` data
// that its offerer keeps alive until the state is DONE or taken back (see `join`).
unsafe impl Sync for Shared {}
// SAFETY: as above; the raw pointer in `offer` is only followed under that protocol.
unsafe impl Send for Shared {}

/// A piece of work and, once run, its result, on the stack of the thread that offered it.
struct StackJob<F, R> {
    f: UnsafeCell<Option<F>>,
    result: UnsafeCell<Option<std::thread::Result<R>>>,
}

impl<F: FnOnce() -> R, R> StackJob<F, R> {
    /// Runs the job once, wherever it is run, catching a panic to hand it back.
    ///
    /// # Safety
    /// `job` points to a live `StackJob<F, R>` that no other thread touches until this
    /// returns.
    unsafe fn run(job: *const ()) {
        // SAFETY: by the contract above.
        let job = unsafe { &*(job as *const Self) };
        // SAFETY: only the one thread running the job touches its cells now.
        let f = unsafe { (*job.f.get()).take() };
        if let Some(f) = f {
            let r = panic::catch_unwind(AssertUnwindSafe(f));
            // SAFETY: as above.
            unsafe { *job.result.get() = Some(r) };
        }
    }
}

/// The helper thread of [`with_helper`], reached only from the thread that started it
/// (through `HELPER`), which alone offers it work.
struct Helper {
    shared: Arc<Shared>,
    thread: std::thread::Thread,
}

thread_local! {
    /// The helper of the innermost [`with_helper`] running on this thread.
    static HELPER: Cell<Option<*const Helper>> = const { Cell::new(None) };
}

/// Runs `body` with a helper thread at hand, started on another processor than this one,
/// that [`join`] on this thread hands work to. Where only one processor is allowed, or the
/// thread cannot be started, `body` runs alone and `join` runs both sides here.
pub fn with_helper<R>(body: impl FnOnce() -> R) -> R {
    // "Allowed" is this thread's affinity, which `Origin::here` reads anyway. The standard
    // library's `available_parallelism` also reads the cgroup's CPU quota, eleven system
    // calls on five files (some 30 µs) before the helper could start; under a quota of
    // less than two processors the helper only shares it, the same work in about the
    // same time.
    let origin = Origin::here();
    let many = match &origin {
        Some(origin) => origin.processors() > 1,
        None => std::thread::available_parallelism().is_ok_and(|n| n.get() > 1),
    };
    let shared = Arc::new(Shared {
        state: AtomicU8::new(EMPTY),
        offer: UnsafeCell::new(None),
        quit: AtomicBool::new(false),
        started: AtomicBool::new(false),
        main_cpu: AtomicUsize::new(NOWHERE),
    });
    let theirs = Arc::clone(&shared);
    let spawned = many
        .then(|| {
            std::thread::Builder::new()
                .name("remiss-helper".into())
                .spawn(move || {
                    if let Some(origin) = &origin {
                        move_off(origin);
                    }
                    theirs.started.store(true, Ordering::Release);
                    serve(&theirs, origin);
                })
        })
        .and_then(Result::ok);
    let Some(handle) = spawned else {
        return body();
    };
    let helper = Helper {
        shared,
        thread: handle.thread().clone(),
    };
    // The first search for a byte (`memchr`) on either thread asks the processor what it
    // supports: about ten `cpuid`s, each a trap to the hypervisor on a virtual machine,
    // some 60 µs in all, and each thread that gets there before the answer is cached asks
    // again. Asked here while the helper is still starting, it is cached before the helper
    // needs it, and the helper's side of the first `join` is the one that ends last.
    #[cfg(target_arch = "x86_64")]
    let _ = std::arch::is_x86_feature_detected!("avx2");
    helper.shared.note_main_cpu();
    /// Ends the helper and takes this thread's note of it back, also when `body` panics.
    struct Finish<'a>(&'a Helper, Option<*const Helper>);
    impl Drop for Finish<'_> {
        fn drop(&mut self) {
            HELPER.with(|h| h.set(self.1));
            self.0.shared.quit.store(true, Ordering::Release);
            self.0.thread.unpark();
        }
    }
    let before = HELPER.with(|h| h.replace(Some(&helper as *const Helper)));
    let _finish = Finish(&helper, before);
    body()
}

/// The helper's loop: takes what is offered, runs it, and waits awake for [`AWAKE`] after
/// each piece before it sleeps until the next offer (or the end) wakes it.
///
/// While it waits awake it keeps off the processor the offering thread last ran on. Two
/// threads on one processor, one of them waiting, stalled the other for about 2 ms in 4
/// of 8 runs of a small diff: the kernel gives the waiting thread its turns even though it
/// only yields them. They can meet when the system moves the offering thread, while the
/// helper starts, to the processor the helper is about to move to.
fn serve(shared: &Shared, origin: Option<Origin>) {
    let mut last = Instant::now();
    let mut spins = 0u32;
    loop {
        if shared.state.load(Ordering::Acquire) == OFFERED
            && shared
                .state
                .compare_exchange(OFFERED, TAKEN, Ordering::Acquire, Ordering::Relaxed)
                .is_ok()
        {
            // SAFETY: the offerer wrote the offer before its Release store of OFFERED,
            // and keeps the job alive until it sees DONE (see `join`).
            if let Some(offer) = unsafe { *shared.offer.get() } {
                // SAFETY: `offer.run` is the `StackJob::run` of the job `offer.job` points
                // to, and only this thread runs it (the offerer can no longer take it back).
                unsafe { (offer.run)(offer.job) };
            }
            shared.state.store(DONE, Ordering::Release);
            last = Instant::now();
            continue;
        }
        if shared.quit.load(Ordering::Acquire) {
            return;
        }
        // Awake, it yields rather than spins: should the system ever put it on the
        // processor of the thread that offers work, that thread then runs.
        spins = spins.wrapping_add(1);
        if spins.is_multiple_of(16)
            && let Some(origin) = origin
        {
            keep_off_main(shared, origin);
        }
        if !spins.is_multiple_of(64) || last.elapsed() < AWAKE {
            std::thread::yield_now();
        } else {
            std::thread::park_timeout(Duration::from_millis(50));
        }
    }
}

/// Moves the calling (helper) thread off the processor the offering thread last ran on,
/// if it is there, to the others of `origin`'s.
fn keep_off_main(shared: &Shared, origin: Origin) {
    let main = shared.main_cpu.load(Ordering::Relaxed);
    if main != NOWHERE && current_processor() == Some(main) {
        move_off(&Origin {
            cpu: main,
            ..origin
        });
    }
}

/// `(a(), b())`, with `a` offered to the helper of the [`with_helper`] this thread runs in
/// while `b` runs here. When there is no helper, or it has not taken `a` by the time `b` is
/// done, `a` runs here after `b`. A panic in either is carried on here, after both have
/// stopped.
pub fn join<A, B, RA, RB>(a: A, b: B) -> (RA, RB)
where
    A: FnOnce() -> RA + Send,
    RA: Send,
    B: FnOnce() -> RB,
{
    let helper = HELPER.with(Cell::get);
    let Some(helper) = helper else {
        let rb = b();
        return (a(), rb);
    };
    // SAFETY: the pointer was set by `with_helper` on this thread for as long as its
    // `helper` lives, and this call runs inside that.
    let helper = unsafe { &*helper };
    let shared = &*helper.shared;
    // Only this thread offers, and each offer is settled before its `join` returns; a
    // `join` inside `b` of another finds the slot still in use, and runs both sides here.
    // (A `join` inside a job the helper runs finds no helper on that thread.)
    if shared.state.load(Ordering::Acquire) != EMPTY {
        let rb = b();
        return (a(), rb);
    }
    let job = StackJob::<A, RA> {
        f: UnsafeCell::new(Some(a)),
        result: UnsafeCell::new(None),
    };
    // SAFETY: the state is EMPTY and only this thread leaves EMPTY, so the helper does
    // not read the slot now.
    unsafe {
        *shared.offer.get() = Some(Offer {
            job: &job as *const StackJob<A, RA> as *const (),
            run: StackJob::<A, RA>::run,
        });
    }
    shared.note_main_cpu();
    shared.state.store(OFFERED, Ordering::Release);
    helper.thread.unpark();
    // A helper not yet started may be queued behind this thread, on its processor: it
    // starts now, and moves to another. (Yielding at once after starting it, before any
    // work was at hand, stalled this thread in some runs: the system moved it meanwhile
    // to where the helper went.)
    if !shared.started.load(Ordering::Acquire) {
        std::thread::yield_now();
    }

    /// Takes the offer back, or waits until the helper is done with it, before the job on
    /// this stack can go: also when `b` panics.
    struct Settle<'a>(&'a Shared);
    impl Drop for Settle<'_> {
        fn drop(&mut self) {
            let state = &self.0.state;
            if state
                .compare_exchange(OFFERED, EMPTY, Ordering::Acquire, Ordering::Relaxed)
                .is_ok()
            {
                return;
            }
            let mut spins = 0u32;
            while state.load(Ordering::Acquire) != DONE {
                spins = spins.wrapping_add(1);
                if spins.is_multiple_of(64) {
                    std::thread::yield_now();
                } else {
                    std::hint::spin_loop();
                }
            }
            state.store(EMPTY, Ordering::Relaxed);
        }
    }
    let settle = Settle(shared);
    let rb = b();
    drop(settle);
    // Either the helper ran the job (its result is in), or it was taken back and runs here.
    // SAFETY: the offer is settled, so no other thread touches the job any more.
    unsafe { StackJob::<A, RA>::run(&job as *const StackJob<A, RA> as *const ()) };
    // SAFETY: as above.
    let ra = match unsafe { (*job.result.get()).take() } {
        Some(Ok(ra)) => ra,
        Some(Err(panic)) => panic::resume_unwind(panic),
        None => unreachable!("a job runs exactly once before its result is read"),
    };
    (ra, rb)
}

/// `f(i)` for every `i` in `0..n`, shared between this thread and the helper of the
/// [`with_helper`] it runs in: each thread takes the next `chunk` indices whenever it is
/// free. A processor that runs slower (the two of a virtual machine are often unequal for
/// seconds at a time) so does less of the work, where with the work cut into two fixed
/// halves the faster one would wait for the other. The `Some` results come back as
/// `(i, value)` in increasing `i`, whichever thread made them; without a helper all run
/// here, in order.
pub fn map_shared<T: Send>(
    n: usize,
    chunk: usize,
    f: impl Fn(usize) -> Option<T> + Sync,
) -> Vec<(usize, T)> {
    if !has_helper() {
        return (0..n).filter_map(|i| f(i).map(|v| (i, v))).collect();
    }
    let chunk = chunk.max(1);
    let next = AtomicUsize::new(0);
    let work = || {
        let mut out = Vec::new();
        loop {
            let start = next.fetch_add(chunk, Ordering::Relaxed);
            if start >= n {
                return out;
            }
            for i in start..(start + chunk).min(n) {
                if let Some(v) = f(i) {
                    out.push((i, v));
                }
            }
        }
    };
    let (mut all, theirs) = join(work, work);
    all.extend(theirs);
    // Each index appears once, so the order is total.
    all.sort_unstable_by_key(|&(i, _)| i);
    all
}

/// Whether this thread runs inside [`with_helper`] with a helper started.
pub fn has_helper() -> bool {
    HELPER.with(Cell::get).is_some()
}

#[cfg(target_os = "linux")]
fn current_processor() -> Option<usize> {
    // SAFETY: `sched_getcpu` has no preconditions; it returns -1 on failure.
    usize::try_from(unsafe { libc::sched_getcpu() }).ok()
}

/// Where a thread ran, and where it was allowed to run, when it started a helper: the
/// helper moves off that processor to the others.
#[derive(Clone, Copy)]
struct Origin {
    cpu: usize,
    #[cfg(target_os = "linux")]
    allowed: libc::cpu_set_t,
}

#[cfg(target_os = "linux")]
impl Origin {
    fn here() -> Option<Origin> {
        Some(Origin {
            cpu: current_processor()?,
            allowed: allowed()?,
        })
    }

    /// How many processors the thread was allowed.
    fn processors(&self) -> usize {
        // SAFETY: CPU_COUNT reads the set within its size.
        usize::try_from(unsafe { libc::CPU_COUNT(&self.allowed) }).unwrap_or(0)
    }
}

/// The processors the calling thread may run on.
#[cfg(target_os = "linux")]
fn allowed() -> Option<libc::cpu_set_t> {
    // SAFETY: `cpu_set_t` is a plain bit array, valid all zero, and `sched_getaffinity`
    // writes at most its size.
    unsafe {
        let mut set: libc::cpu_set_t = std::mem::zeroed();
        (libc::sched_getaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &mut set) == 0)
            .then_some(set)
    }
}

/// Lets the calling thread run on `set` only; false when the system refuses.
#[cfg(target_os = "linux")]
fn set_allowed(set: &libc::cpu_set_t) -> bool {
    // SAFETY: `sched_setaffinity` reads at most the set's size.
    unsafe { libc::sched_setaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), set) == 0 }
}

/// Moves the calling thread off its starter's processor to the others its starter was
/// allowed, then allows it all of those, so that the system may still move it later. Every
/// failure leaves the thread where it is, which is only slower.
#[cfg(target_os = "linux")]
fn move_off(origin: &Origin) {
    let mut others = origin.allowed;
    // SAFETY: CPU_CLR and CPU_COUNT check the index against the set's size.
    let left = unsafe {
        libc::CPU_CLR(origin.cpu, &mut others);
        libc::CPU_COUNT(&others)
    };
    if left > 0 && set_allowed(&others) {
        set_allowed(&origin.allowed);
    }
}

#[cfg(not(target_os = "linux"))]
fn current_processor() -> Option<usize> {
    None
}

#[cfg(not(target_os = "linux"))]
fn move_off(_origin: &Origin) {}

#[cfg(not(target_os = "linux"))]
impl Origin {
    fn here() -> Option<Origin> {
        None
    }

    fn processors(&self) -> usize {
        1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn join_shares_work_with_the_helper_and_hands_back_both_results() {
        let data: Vec<u64> = (1..=1000).collect();
        // Without a helper both sides run here.
        assert!(!has_helper());
        assert_eq!(join(|| data[..10].len(), || data[10..].len()), (10, 990));
        let here = std::thread::current().id();
        with_helper(|| {
            let mut elsewhere = 0;
            for round in 0..100 {
                let ((a, on), b) = join(
                    || {
                        let on = std::thread::current().id();
                        (data[..500].iter().sum::<u64>() + round, on)
                    },
                    || {
                        // Long enough, now and then, for the helper to take the other side.
                        if round % 10 == 0 {
                            std::thread::sleep(Duration::from_millis(2));
                        }
                        data[500..].iter().sum::<u64>()
                    },
                );
                assert_eq!(a + b, 500_500 + round);
                elsewhere += usize::from(on != here);
                // A join inside a join runs both sides here, the slot being in use.
                let ((x, y), z) = join(|| (1, 2), || join(|| 3, || 4));
                assert_eq!((x, y, z), (1, 2, (3, 4)));
            }
            // The helper, awake between the rounds, took some of them.
            if has_helper() {
                assert!(elsewhere > 0);
            }
        });
        assert!(!has_helper());
    }

    #[test]
    fn a_panic_on_either_side_is_carried_over_after_both_are_done() {
        with_helper(|| {
            let data = vec![1u8; 1000];
            let on_helper = std::panic::catch_unwind(AssertUnwindSafe(|| {
                join(|| -> u8 { panic!("helper side") }, || data.len())
            }));
            assert!(on_helper.is_err());
            let here = std::panic::catch_unwind(AssertUnwindSafe(|| {
                join(
                    || data.iter().map(|&b| u64::from(b)).sum::<u64>(),
                    || -> u8 { panic!("this side") },
                )
            }));
            assert!(here.is_err());
            // The helper still serves.
            assert_eq!(join(|| data.len(), || 1), (1000, 1));
        });
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_helper_moves_off_its_starters_processor_and_keeps_its_processors() {
        std::thread::spawn(|| {
            let before = allowed_count();
            let Some(origin) = Origin::here() else {
                return;
            };
            let (moved_to, helper_allowed) = std::thread::spawn(move || {
                move_off(&origin);
                (current_processor(), allowed_count())
            })
            .join()
            .unwrap();
            // It may run wherever its starter could.
            assert_eq!(helper_allowed, before);
            if before >= 2 {
                // The move is done when the call returns; the system could move the thread
                // back only at a later balancing tick, which is milliseconds away.
                assert_ne!(moved_to, Some(origin.cpu));
            } else {
                assert_eq!(moved_to, Some(origin.cpu));
            }
        })
        .join()
        .unwrap();
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_waiting_helper_keeps_off_the_processor_of_the_thread_it_helps() {
        std::thread::spawn(|| {
            let Some(origin) = Origin::here() else {
                return;
            };
            let shared = Shared {
                state: AtomicU8::new(EMPTY),
                offer: UnsafeCell::new(None),
                quit: AtomicBool::new(false),
                started: AtomicBool::new(true),
                main_cpu: AtomicUsize::new(NOWHERE),
            };
            let before = allowed_count();
            // Nowhere known: it is left as it is.
            keep_off_main(&shared, origin);
            assert_eq!(allowed_count(), before);
            // The helped thread noted this processor: it leaves, where it may, and keeps
            // every processor it had.
            shared.note_main_cpu();
            let here = current_processor();
            keep_off_main(&shared, origin);
            if before >= 2 {
                assert_ne!(current_processor(), here);
            }
            assert_eq!(allowed_count(), before);
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

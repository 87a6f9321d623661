//! The `remiss` command line: parses arguments, calls the library stages, prints results.

mod cli;

use clap::{CommandFactory, Parser, Subcommand};
use std::process::ExitCode;

// Reading a long PDF spent about 40% of its time in glibc's malloc and free (the PDF library
// allocates per glyph and per operator); with mimalloc it takes about 30% less time.
// Built without transparent huge pages (`no_thp`): mimalloc asks for them on its arena, and
// the kernel then zeroes 2 MiB at every first touch; a build of 300 answers against a
// 2,000-paragraph draft spent 3.2 s of system time so, 0.7 s without.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

// mimalloc keeps freed memory 10 ms (its arenas 100 ms) before giving it back to the system,
// and a build frees as it goes (each answer's text once read, each round of pages once
// written): a build of 300 answers peaked at 120 MB so, at 89 MB with freed memory given
// back at once, in the same time.
// `diff` keeps mimalloc's delay: it runs for tens of milliseconds, and what it frees (the
// buffers a growing vector leaves behind, a text once parsed) is better taken again than
// given back and faulted in anew: on a pair of 0.6 MB statutes that is 3,230 page faults
// with the purge at once and 2,780 with the delay, and 4% less cpu time.
unsafe extern "C" {
    /// mimalloc's `mi_option_set`, from the library the allocator crate builds and links.
    fn mi_option_set(option: std::ffi::c_int, value: std::ffi::c_long);
}

/// `mi_option_purge_delay` in `mi_option_e` (mimalloc.h) of the mimalloc libmimalloc-sys
/// 0.1.49 builds (v3, and v2 alike); the crate's bindings have no constant for it.
const MI_OPTION_PURGE_DELAY: std::ffi::c_int = 15;

fn give_back_freed_memory_at_once() {
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
fn reserve_small_arenas() {
    // SAFETY: as in `give_back_freed_memory_at_once`; the arena size is read whenever an
    // arena is reserved, so setting it here, before the work, applies to all later ones.
    unsafe { mi_option_set(MI_OPTION_ARENA_RESERVE, 64 * 1024) }
}

/// glibc's malloc serves only the C library's own few allocations here (the program's go
/// to mimalloc), yet it gives each new thread an arena of its own at its first one: the
/// standard library's thread start makes one (`pthread_getattr_np`), and glibc then maps
/// 128 MiB, unmaps most of it and changes the rest, four system calls on the way into
/// `diff`'s helper. One arena serves the few calls as well.
fn one_libc_arena() {
    // SAFETY: `mallopt` only sets a tuning of glibc's allocator; called before any thread
    // is started, it races with nothing. A refusal (return 0) leaves the default.
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 1);
    }
}

/// Reads Swedish regulation drafts and consultation answers into paragraph-addressed
/// structures.
///
/// Exit codes: 0 success; 1 findings (differences, defects, skipped files); 2 usage error
/// or unreadable input (nothing written); 3 input read but not what the command needs (no
/// paragraf in a regulation, no position in an answer); 4 output refused or not written.
#[derive(Parser)]
#[command(
    name = "remiss",
    version,
    about,
    long_about,
    disable_help_subcommand = true
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    Init(cli::init::Args),
    Build(cli::build::Args),
    Serve(cli::serve::Args),
    Diff(cli::diff::Args),
    Apply(cli::apply::Args),
    Parse(cli::parse::Args),
    Refs(cli::refs::Args),
    Stances(cli::stances::Args),
    Check(cli::stances::CheckArgs),
    /// What remiss is for, or the help of one command.
    Help {
        /// The command to explain.
        command: Option<String>,
    },
}

/// What `remiss` and `remiss help` say: what the tool is for and where to start.
const INTRO: &str = "\
remiss reads Swedish regulation drafts and consultation answers (remissvar) and builds a consolidated opinion, a compilation of stances and a comparison of versions.
Start with `remiss init CASE` on a folder holding drafts/ and answers/, then `remiss build CASE`; `remiss build` alone builds the sample case; `remiss serve CASE` reviews the readings in the browser.
Commands: init, build, serve, diff, apply, parse, refs, stances, check; `remiss help COMMAND` or `remiss COMMAND --help` tells more.
";

fn main() -> ExitCode {
    reserve_small_arenas();
    one_libc_arena();
    let cli = Cli::parse();
    // Set after parsing the arguments, which frees nothing worth giving back: the option is
    // read at each purge, not once.
    if !matches!(cli.command, Some(Command::Diff(_))) {
        give_back_freed_memory_at_once();
    }
    let result = match cli.command {
        None | Some(Command::Help { command: None }) => {
            print!("{INTRO}");
            Ok(cli::EXIT_OK)
        }
        Some(Command::Help { command: Some(c) }) => help(&c),
        Some(Command::Init(a)) => cli::init::run(a),
        Some(Command::Build(a)) => cli::build::run(a),
        Some(Command::Serve(a)) => cli::serve::run(a),
        Some(Command::Diff(a)) => match cli::diff::run(a) {
            Ok(code) => exit_at_once(code),
            Err(e) => Err(e),
        },
        Some(Command::Apply(a)) => cli::apply::run(a),
        Some(Command::Parse(a)) => cli::parse::run(a),
        Some(Command::Refs(a)) => cli::refs::run(a),
        Some(Command::Stances(a)) => cli::stances::run(a),
        Some(Command::Check(a)) => cli::stances::check(a),
    };
    cli::finish(result)
}

unsafe extern "C" {
    /// POSIX `_exit` (libc): ends the process without running the exit handlers.
    fn _exit(status: std::ffi::c_int) -> !;
}

/// Ends a `diff` at once with `code`, its output written and flushed and its messages
/// printed (standard error is unbuffered). Exit handlers are skipped: the only one is
/// mimalloc's, which frees and gives back every page it holds (some 140 `madvise` calls
/// after a diff of two 0.6 MB statutes), all of which the system takes back anyway as the
/// process ends.
fn exit_at_once(code: u8) -> ! {
    use std::io::Write;
    // `emit` has flushed what was written; nothing should be left, but a flush is cheap.
    let _ = std::io::stdout().flush();
    // SAFETY: `_exit` has no preconditions; nothing after this point needed to run (no
    // temporary file is pending: outputs are renamed into place before `run` returns).
    unsafe { _exit(std::ffi::c_int::from(code)) }
}

/// Prints the long help of one command.
fn help(name: &str) -> cli::CmdResult {
    let mut cmd = Cli::command();
    match cmd.find_subcommand_mut(name) {
        Some(sub) => {
            let text = sub.render_long_help().to_string();
            cli::emit(&text)?;
            Ok(cli::EXIT_OK)
        }
        None => anyhow::bail!(
            "no command {name:?}; the commands are init, build, serve, diff, parse, refs, stances, check"
        ),
    }
}

//! The `remiss` command line: parses arguments, calls the library stages, prints results.

// On GNU/Linux the C library calls `main` below directly (see there); a test build keeps
// the test harness's own.
#![cfg_attr(all(target_os = "linux", target_env = "gnu", not(test)), no_main)]

mod cli;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};

// Reading a long PDF spent about 40% of its time in glibc's malloc and free (the PDF library
// allocates per glyph and per operator); with mimalloc it takes about 30% less time.
// Built without transparent huge pages (`no_thp`): mimalloc asks for them on its arena, and
// the kernel then zeroes 2 MiB at every first touch; a build of 300 answers against a
// 2,000-paragraph draft spent 3.2 s of system time so, 0.7 s without.
#[global_allocator]
static ALLOCATOR: remiss::allocator::Allocator = remiss::allocator::Allocator;

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

/// The command line, parsed. A run names its command first, and that command is set up
/// alone to parse the arguments: setting up all nine, on every run, cost clap about 0.04 ms
/// and 20 fresh pages of memory more (a one-paragraph `diff`: 377 → 357 page faults).
/// Should the first argument name no command, or the command refuse the arguments (or be
/// asked for its help), the whole interface parses them again, so help, the version and
/// every error read as they always have.
fn parse_args() -> Cli {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    if let Some(command) = alone_matches(&args).and_then(|m| Command::from_arg_matches(&m).ok()) {
        return Cli {
            command: Some(command),
        };
    }
    Cli::parse_from(args)
}

/// What the command named by `args[1]`, set up alone, makes of `args`; `None` when there is
/// no such command or it refuses them.
fn alone_matches(args: &[std::ffi::OsString]) -> Option<clap::ArgMatches> {
    let alone = one_command(args.get(1)?.to_str()?)?;
    clap::Command::new("remiss")
        .subcommand(alone)
        .try_get_matches_from(args)
        .ok()
}

/// The command `name` alone, with the arguments it has in [`Command`]; `None` for `help`
/// and for a name that is no command.
fn one_command(name: &str) -> Option<clap::Command> {
    use clap::Args as _;
    type Augment = fn(clap::Command) -> clap::Command;
    let (name, augment): (&'static str, Augment) = match name {
        "init" => ("init", cli::init::Args::augment_args),
        "build" => ("build", cli::build::Args::augment_args),
        "serve" => ("serve", cli::serve::Args::augment_args),
        "diff" => ("diff", cli::diff::Args::augment_args),
        "apply" => ("apply", cli::apply::Args::augment_args),
        "parse" => ("parse", cli::parse::Args::augment_args),
        "refs" => ("refs", cli::refs::Args::augment_args),
        "stances" => ("stances", cli::stances::Args::augment_args),
        "check" => ("check", cli::stances::CheckArgs::augment_args),
        _ => return None,
    };
    Some(augment(clap::Command::new(name)))
}

/// What `remiss` and `remiss help` say: what the tool is for and where to start.
const INTRO: &str = "\
remiss reads Swedish regulation drafts and consultation answers (remissvar) and builds a consolidated opinion, a compilation of stances and a comparison of versions.
Start with `remiss init CASE` on a folder holding drafts/ and answers/, then `remiss build CASE`; `remiss build` alone builds the sample case; `remiss serve CASE` reviews the readings in the browser.
Commands: init, build, serve, diff, apply, parse, refs, stances, check; `remiss help COMMAND` or `remiss COMMAND --help` tells more.
";

/// The process's entry point on GNU/Linux, called by the C library without the standard
/// library's start-up. That start-up reads the whole `/proc/self/maps` to find the main
/// thread's stack and maps an alternate signal stack for a message should it overflow:
/// fifteen system calls, about 0.1 ms of every run (`remiss --version`: 1.43 → 1.31 ms). The
/// kernel's guard gap below the stack stays, so an overflow still stops the process, by
/// SIGSEGV and without the message. What else that start-up does is done here: a closed
/// standard descriptor is opened on `/dev/null`, SIGPIPE is ignored (a closed pipe is an
/// error to write to, not the end), a panic ends the process with code 101, and standard
/// output is flushed at the end. glibc hands the arguments to the standard library as the
/// program loads, so `std::env::args_os` reads them as under a Rust `main`.
#[cfg(all(target_os = "linux", target_env = "gnu", not(test)))]
#[unsafe(no_mangle)]
extern "C" fn main(
    _argc: std::ffi::c_int,
    _argv: *const *const std::ffi::c_char,
) -> std::ffi::c_int {
    standard_descriptors_open();
    // SAFETY: setting a signal's disposition to "ignore" has no preconditions; no other
    // thread runs yet.
    unsafe { libc::signal(libc::SIGPIPE, libc::SIG_IGN) };
    let code = std::panic::catch_unwind(run).unwrap_or(101);
    use std::io::Write;
    let _ = std::io::stdout().flush();
    std::ffi::c_int::from(code)
}

#[cfg(not(all(target_os = "linux", target_env = "gnu", not(test))))]
fn main() -> std::process::ExitCode {
    std::process::ExitCode::from(run())
}

/// Standard input, output and error open, as the standard library's start-up leaves them:
/// each one closed is opened on `/dev/null`, so that no file this process opens gets its
/// number and receives what was meant for the terminal (a warning written into an output).
#[cfg(all(target_os = "linux", target_env = "gnu", not(test)))]
fn standard_descriptors_open() {
    let mut fds = [0, 1, 2].map(|fd| libc::pollfd {
        fd,
        events: 0,
        revents: 0,
    });
    // SAFETY: `poll` reads and writes the three entries it is given, and waits not at all.
    while unsafe { libc::poll(fds.as_mut_ptr(), 3, 0) } == -1 {
        if std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted {
            continue;
        }
        // No `poll` (some sandboxes refuse it): each descriptor is asked on its own.
        for p in &mut fds {
            // SAFETY: `fcntl(F_GETFD)` only reads the descriptor's flags.
            let closed = unsafe { libc::fcntl(p.fd, libc::F_GETFD) } == -1
                && std::io::Error::last_os_error().raw_os_error() == Some(libc::EBADF);
            p.revents = if closed { libc::POLLNVAL } else { 0 };
        }
        break;
    }
    for _ in fds.iter().filter(|p| p.revents & libc::POLLNVAL != 0) {
        // `open` takes the lowest free number, so the closed ones are filled in order.
        // SAFETY: the path is a C string literal.
        if unsafe { libc::open(c"/dev/null".as_ptr(), libc::O_RDWR) } == -1 {
            // As the standard library does: without them, output could land in a file.
            std::process::abort();
        }
    }
}

/// The command line's work: parses the arguments, runs the command, returns the exit code.
fn run() -> u8 {
    remiss::allocator::reserve_small_arenas();
    one_libc_arena();
    let cli = parse_args();
    // mimalloc keeps freed memory 10 ms (its arenas 100 ms) before giving it back to the
    // system, and a build frees as it goes (each answer's text once read, each round of
    // pages once written): a build of 300 answers peaked at 120 MB so, at 89 MB with freed
    // memory given back at once, in the same time.
    // `diff` keeps mimalloc's delay: it runs for tens of milliseconds, and what it frees
    // (the buffers a growing vector leaves behind, a text once parsed) is better taken again
    // than given back and faulted in anew: on a pair of 0.6 MB statutes that is 3,230 page
    // faults with the purge at once and 2,780 with the delay, and 4% less cpu time.
    // Set after parsing the arguments, which frees nothing worth giving back: the option is
    // read at each purge, not once.
    if !matches!(cli.command, Some(Command::Diff(_))) {
        remiss::allocator::give_back_freed_memory_at_once();
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_command_set_up_alone_has_the_arguments_it_has_in_the_whole_interface() {
        let whole = Cli::command();
        let mut seen = 0;
        for sub in whole.get_subcommands() {
            let name = sub.get_name();
            let Some(alone) = one_command(name) else {
                assert_eq!(name, "help", "{name} is not set up alone");
                continue;
            };
            let args = |c: &clap::Command| -> Vec<String> {
                c.get_arguments().map(|a| format!("{a:?}")).collect()
            };
            assert_eq!(args(&alone), args(sub), "{name}");
            assert_eq!(
                format!("{:?}", alone.get_groups().collect::<Vec<_>>()),
                format!("{:?}", sub.get_groups().collect::<Vec<_>>()),
                "{name}"
            );
            seen += 1;
        }
        assert_eq!(seen, 9);
    }

    #[test]
    fn arguments_read_alone_as_the_whole_interface_reads_them_and_the_rest_are_left_to_it() {
        let os = |v: &[&str]| -> Vec<std::ffi::OsString> { v.iter().map(Into::into).collect() };
        for ok in [
            &["remiss", "diff", "a.txt", "b.txt", "--format", "json"][..],
            &["remiss", "diff", "a.txt", "-o", "x.html", "--format=html"],
            &["remiss", "build"],
            &["remiss", "parse", "f.pdf", "--format", "tsv"],
            &["remiss", "check", "x"],
        ] {
            let whole = Cli::command()
                .try_get_matches_from(os(ok))
                .unwrap_or_else(|e| panic!("{ok:?}: {e}"));
            let alone = alone_matches(&os(ok)).unwrap_or_else(|| panic!("{ok:?}"));
            assert_eq!(alone.subcommand_name(), whole.subcommand_name(), "{ok:?}");
            assert_eq!(alone.subcommand(), whole.subcommand(), "{ok:?}");
        }
        // Help, versions, errors and names that are no command go to the whole interface.
        for rest in [
            &["remiss"][..],
            &["remiss", "--version"],
            &["remiss", "help", "diff"],
            &["remiss", "diff", "--help"],
            &["remiss", "diff"],
            &["remiss", "diff", "a", "b", "--format", "pdf"],
            &["remiss", "dif", "a", "b"],
        ] {
            assert!(alone_matches(&os(rest)).is_none(), "{rest:?}");
        }
    }
}

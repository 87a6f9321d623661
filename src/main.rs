//! The `remiss` command line: parses arguments, calls the library stages, prints results.

mod cli;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// Reads Swedish regulation drafts and consultation answers into paragraph-addressed
/// structures.
///
/// Exit codes: 0 success; 1 findings (differences, defects); 2 usage or unreadable input;
/// 3 input read but not what the command needs (no paragraf in a regulation); 4 output
/// could not be written.
#[derive(Parser)]
#[command(name = "remiss", version, about, long_about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    Build(cli::build::Args),
    Diff(cli::diff::Args),
    Parse(cli::parse::Args),
    Refs(cli::refs::Args),
    Stances(cli::stances::Args),
    Check(cli::stances::CheckArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Build(a) => cli::build::run(a),
        Command::Diff(a) => cli::diff::run(a),
        Command::Parse(a) => cli::parse::run(a),
        Command::Refs(a) => cli::refs::run(a),
        Command::Stances(a) => cli::stances::run(a),
        Command::Check(a) => cli::stances::check(a),
    };
    cli::finish(result)
}

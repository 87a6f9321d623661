//! The README's command examples, run as a new user would: `remiss …` lines in ```sh blocks
//! in a scratch folder holding the sample case (and `my-case`, a copy of it without a
//! manifest), and `$ remiss …` examples from the repository root, whose shown output lines
//! must all appear in what the command prints.

use crate::{stderr, stdout};
use std::path::Path;

/// Splits a command line into words: spaces separate, double quotes group.
fn words(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut any = false;
    for c in line.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                any = true;
            }
            ' ' if !quoted => {
                if any {
                    out.push(std::mem::take(&mut cur));
                    any = false;
                }
            }
            _ => {
                cur.push(c);
                any = true;
            }
        }
    }
    if any {
        out.push(cur);
    }
    out
}

struct Example {
    line: usize,
    args: Vec<String>,
    /// Shown output (for `$` examples), `...` lines left out.
    shown: Vec<String>,
    in_shell_block: bool,
}

fn examples(readme: &str) -> Vec<Example> {
    let mut v: Vec<Example> = Vec::new();
    let mut fence: Option<String> = None;
    for (i, line) in readme.lines().enumerate() {
        if let Some(rest) = line.strip_prefix("```") {
            fence = match fence {
                None => Some(rest.to_string()),
                Some(_) => None,
            };
            continue;
        }
        let Some(lang) = &fence else { continue };
        if lang == "sh" {
            // The command, without a trailing `# comment`.
            let cmd = line.split("  #").next().unwrap_or("").trim();
            if let Some(args) = cmd
                .strip_prefix("remiss ")
                .or((cmd == "remiss").then_some(""))
            {
                v.push(Example {
                    line: i + 1,
                    args: words(args),
                    shown: Vec::new(),
                    in_shell_block: true,
                });
            }
        } else if let Some(args) = line.strip_prefix("$ remiss ") {
            v.push(Example {
                line: i + 1,
                args: words(args),
                shown: Vec::new(),
                in_shell_block: false,
            });
        } else if let Some(e) = v.last_mut()
            && !e.in_shell_block
            && line.trim() != "..."
        {
            e.shown.push(line.trim_end().to_string());
        }
    }
    v
}

fn copy_dir(from: &Path, to: &Path, skip: &[&str]) {
    for e in walkdir::WalkDir::new(from) {
        let e = e.unwrap();
        let rel = e.path().strip_prefix(from).unwrap();
        if skip.iter().any(|s| rel == Path::new(s)) {
            continue;
        }
        let dest = to.join(rel);
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(e.path(), &dest).unwrap();
        }
    }
}

#[test]
fn every_remiss_example_in_the_readme_runs() {
    let root = crate::root();
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let all = examples(&readme);
    assert!(all.len() >= 8, "found only {} examples", all.len());
    assert!(
        all.iter()
            .any(|e| e.in_shell_block && e.args.first().is_some_and(|a| a == "init"))
    );

    // A new user's folder: the sample case where `remiss build` looks for it, and their own.
    let scratch = tempfile::tempdir().unwrap();
    let sample = root.join("corpus/msb-cybersakerhet");
    copy_dir(
        &sample,
        &scratch.path().join("corpus/msb-cybersakerhet"),
        &[],
    );
    copy_dir(
        &sample,
        &scratch.path().join("my-case"),
        &[
            "remiss.toml",
            "README.md",
            "drafts/CHANGES.md",
            "answers/EXPECTED.md",
        ],
    );

    for e in &all {
        let out = if e.in_shell_block {
            std::process::Command::new(env!("CARGO_BIN_EXE_remiss"))
                .args(&e.args)
                .current_dir(scratch.path())
                .env("NO_COLOR", "1")
                .output()
                .unwrap()
        } else {
            std::process::Command::new(env!("CARGO_BIN_EXE_remiss"))
                .args(&e.args)
                .current_dir(&root)
                .env("NO_COLOR", "1")
                .output()
                .unwrap()
        };
        let code = out.status.code();
        let ok = if e.in_shell_block {
            code == Some(0)
        } else {
            // diff and check report findings with exit 1.
            matches!(code, Some(0) | Some(1))
        };
        assert!(
            ok,
            "README line {}: remiss {:?} exited {code:?}\n{}",
            e.line,
            e.args,
            stderr(&out)
        );
        let printed = stdout(&out);
        let lines: Vec<&str> = printed.lines().map(str::trim_end).collect();
        for s in &e.shown {
            assert!(
                lines.contains(&s.as_str()),
                "README line {}: `remiss {}` does not print the line shown:\n{s}\n--- it prints ---\n{printed}",
                e.line,
                e.args.join(" ")
            );
        }
    }
    assert!(
        scratch
            .path()
            .join("out/msb-cybersakerhet/index.html")
            .exists()
    );
    assert!(scratch.path().join("out/my-case/index.html").exists());
    assert!(scratch.path().join("my-case/remiss.toml").exists());
}

#[test]
fn the_readme_and_the_manifest_name_the_same_rust_version() {
    let root = crate::root();
    let cargo = std::fs::read_to_string(root.join("Cargo.toml")).unwrap();
    let v = cargo
        .lines()
        .find_map(|l| l.strip_prefix("rust-version = \""))
        .and_then(|l| l.strip_suffix('"'))
        .expect("rust-version in Cargo.toml");
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    assert!(
        readme.contains(&format!("Rust {v} or later")),
        "the README does not say Rust {v}"
    );
}

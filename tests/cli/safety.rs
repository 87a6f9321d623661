//! Exit codes and refusals that every command shares: outputs that would overwrite an
//! input, inputs that are not regular files, texts that are not what a command needs.

use super::*;

fn sfs(rel: &str) -> String {
    corpus(&format!("sfs/{rel}")).display().to_string()
}

const OLD: &str = "lag-2006-24-nationella-toppdomaner/sfs-2006-24_in-force-2026-01-14.txt";
const NEW: &str = "lag-2006-24-nationella-toppdomaner/sfs-2006-24_in-force-2026-01-15.txt";

#[test]
fn diff_refuses_to_write_over_its_own_input() {
    let dir = tempfile::tempdir().unwrap();
    let old = dir.path().join("old.txt");
    let new = dir.path().join("new.txt");
    std::fs::copy(sfs(OLD), &old).unwrap();
    std::fs::copy(sfs(NEW), &new).unwrap();
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    let before = std::fs::read(&new).unwrap();
    for target in [
        new.clone(),
        dir.path().join("./sub/../new.txt"),
        old.clone(),
    ] {
        let o = remiss([
            "diff".as_ref(),
            old.as_os_str(),
            new.as_os_str(),
            "-o".as_ref(),
            target.as_os_str(),
        ]);
        assert_eq!(o.status.code(), Some(4), "{}", stderr(&o));
        assert!(
            stderr(&o).contains("would overwrite the input"),
            "{}",
            stderr(&o)
        );
    }
    assert_eq!(std::fs::read(&new).unwrap(), before);
    // A link to an input is the input.
    #[cfg(unix)]
    {
        let link = dir.path().join("link.md");
        std::os::unix::fs::symlink(&new, &link).unwrap();
        let o = remiss([
            "diff".as_ref(),
            old.as_os_str(),
            new.as_os_str(),
            "-o".as_ref(),
            link.as_os_str(),
        ]);
        assert_eq!(o.status.code(), Some(4), "{}", stderr(&o));
        assert_eq!(std::fs::read(&new).unwrap(), before);
    }
    // A folder as the output file is refused too, exit 4.
    let o = remiss([
        "diff".as_ref(),
        old.as_os_str(),
        new.as_os_str(),
        "-o".as_ref(),
        dir.path().as_os_str(),
    ]);
    assert_eq!(o.status.code(), Some(4), "{}", stderr(&o));
}

#[test]
fn check_on_a_text_with_no_positions_exits_3_as_stances_does() {
    let dir = temp_files(&[("letter.txt", b"Dear all,\n\nSee you on Monday.\n")]);
    let f = dir.path().join("letter.txt");
    let s = remiss(["stances".as_ref(), f.as_os_str()]);
    let c = remiss(["check".as_ref(), f.as_os_str()]);
    assert_eq!(s.status.code(), Some(3), "{}", stderr(&s));
    assert_eq!(c.status.code(), Some(3), "{}", stderr(&c));
    assert!(!stdout(&c).contains("no defects found"), "{}", stdout(&c));
    assert!(stderr(&c).contains("no positions"), "{}", stderr(&c));
}

#[cfg(unix)]
#[test]
fn a_device_or_a_named_pipe_is_refused_at_once() {
    for cmd in ["parse", "stances", "refs"] {
        let o = if cmd == "refs" {
            remiss([cmd, "--file", "/dev/zero"])
        } else {
            remiss([cmd, "/dev/zero"])
        };
        assert_eq!(o.status.code(), Some(2), "{cmd}: {}", stderr(&o));
        assert!(
            stderr(&o).contains("/dev/zero: not a regular file (a device)"),
            "{cmd}: {}",
            stderr(&o)
        );
    }
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("svar.txt");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    if made.is_ok_and(|s| s.success()) {
        // Nobody writes to the pipe: reading it would wait for ever.
        let o = remiss(["parse".as_ref(), fifo.as_os_str()]);
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
        assert!(stderr(&o).contains("named pipe"), "{}", stderr(&o));
    }
}

#[test]
fn an_error_names_its_cause_once() {
    let o = remiss(["parse", "/nonexistent/forordning.txt"]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert_eq!(err.matches("No such file or directory").count(), 1, "{err}");
}

//! Stage 5, writing: a build's files (or one command's output file) are put in place so
//! that nothing a user made is ever overwritten. A build only replaces a folder that a build
//! wrote (it carries [`MARKER`]); an output that is an input, holds one or lies inside one is
//! refused before anything is touched; files appear whole or not at all (temporary folder or
//! file, then a rename), and one lock per output keeps two builds from writing it at once.

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Component, Path, PathBuf};
use std::time::{Duration, Instant};

/// The file every build output folder holds; a folder with it may be replaced by a build.
pub const MARKER: &str = ".remiss-build";

/// The marker's content: the same bytes every time, so builds stay byte-identical.
const MARKER_TEXT: &str = "This folder was written by `remiss build`. The next build into it replaces it whole,\nso keep nothing of your own here.\n";

/// How long a build waits for another build into the same folder before giving up.
pub const LOCK_WAIT: Duration = Duration::from_secs(30);

/// Why an output was refused or could not be written. Every variant means nothing was
/// changed, except [`OutputError::Io`] during the final renames, which restores the old output.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    #[error(
        "{0}: this is a file, not a folder; the build needs a folder of its own (the file was left as it is)"
    )]
    IsAFile(PathBuf),
    #[error("{0}: this is a folder; give a file name for the output")]
    IsAFolder(PathBuf),
    #[error(
        "{0}: the folder is not empty and was not written by `remiss build` (it has no {MARKER} file); nothing was changed. Choose a new or empty folder, or empty this one yourself"
    )]
    Foreign(PathBuf),
    #[error(
        "{path}: the output would overwrite the input {input}; nothing was changed. Choose another output"
    )]
    IsInput { path: PathBuf, input: PathBuf },
    #[error(
        "{path}: the output folder holds the input {input}, and a build replaces its folder whole; nothing was changed. Choose a folder outside the case"
    )]
    HoldsInput { path: PathBuf, input: PathBuf },
    #[error(
        "{path}: the output lies inside the input folder {input}; nothing was changed. Choose a folder outside it (for example with -o)"
    )]
    InsideInput { path: PathBuf, input: PathBuf },
    #[error("{0}: is read-only; nothing was changed")]
    ReadOnly(PathBuf),
    #[error("{0}: the folder does not exist; create it first")]
    NoFolder(PathBuf),
    #[error("{0}: is a symbolic link; give the real path of the output")]
    Symlink(PathBuf),
    #[error(
        "{out}: another remiss build is writing into {lock}; waited {seconds} s. Try again when it has finished"
    )]
    Locked {
        out: PathBuf,
        lock: PathBuf,
        seconds: u64,
    },
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
}

fn io_at(path: &Path) -> impl FnOnce(io::Error) -> OutputError + '_ {
    move |source| OutputError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// The path as it will be once written: the deepest existing ancestor made canonical (links
/// resolved), with the rest of the path appended (`..` taken back lexically).
pub fn resolve(path: &Path) -> PathBuf {
    let abs = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()
            .map(|d| d.join(path))
            .unwrap_or_else(|_| path.to_path_buf())
    };
    let mut base = abs.clone();
    let mut rest: Vec<std::ffi::OsString> = Vec::new();
    loop {
        if let Ok(c) = base.canonicalize() {
            base = c;
            break;
        }
        match (base.file_name(), base.parent()) {
            (Some(n), Some(p)) => {
                rest.push(n.to_os_string());
                base = p.to_path_buf();
            }
            // `..` at the end, or the root itself: nothing more to peel off.
            _ => return abs,
        }
    }
    for part in rest.iter().rev() {
        match Path::new(part).components().next() {
            Some(Component::ParentDir) => {
                base.pop();
            }
            Some(Component::CurDir) | None => {}
            _ => base.push(part),
        }
    }
    base
}

/// Refuses an output that is one of the inputs, holds one, or lies inside an input folder
/// (paths compared after resolving links). Inputs that do not exist are left out.
pub fn check_not_input(out: &Path, inputs: &[&Path]) -> Result<(), OutputError> {
    let target = resolve(out);
    for input in inputs {
        let Ok(real) = input.canonicalize() else {
            continue;
        };
        let (path, input) = (out.to_path_buf(), input.to_path_buf());
        if target == real {
            return Err(OutputError::IsInput { path, input });
        }
        if real.starts_with(&target) {
            return Err(OutputError::HoldsInput { path, input });
        }
        if target.starts_with(&real) {
            return Err(OutputError::InsideInput { path, input });
        }
    }
    Ok(())
}

fn read_only(path: &Path) -> bool {
    fs::metadata(path).is_ok_and(|m| m.permissions().readonly())
}

/// The checks made before a build reads anything, and again under the lock: the output is
/// absent, empty, or a previous build; it is not a file, a link or read-only.
pub fn check_build_target(out: &Path) -> Result<(), OutputError> {
    let Ok(meta) = fs::symlink_metadata(out) else {
        return check_parent(out, true);
    };
    if meta.file_type().is_symlink() {
        return Err(OutputError::Symlink(out.to_path_buf()));
    }
    if !meta.is_dir() {
        return Err(OutputError::IsAFile(out.to_path_buf()));
    }
    if meta.permissions().readonly() {
        return Err(OutputError::ReadOnly(out.to_path_buf()));
    }
    if !out.join(MARKER).is_file() {
        let mut entries = fs::read_dir(out).map_err(io_at(out))?;
        if entries.next().is_some() {
            return Err(OutputError::Foreign(out.to_path_buf()));
        }
    }
    check_parent(out, true)
}

fn parent_of(out: &Path) -> PathBuf {
    match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// The folder the output goes into: read-only is refused; a missing one is created later
/// (`create` true) or refused.
fn check_parent(out: &Path, create: bool) -> Result<(), OutputError> {
    let mut p = parent_of(out);
    if !p.exists() {
        if !create {
            return Err(OutputError::NoFolder(p));
        }
        // The nearest existing ancestor is where the new folders will be made.
        while !p.exists() {
            match p.parent() {
                Some(q) if !q.as_os_str().is_empty() => p = q.to_path_buf(),
                _ => return Ok(()),
            }
        }
    }
    if !p.is_dir() {
        return Err(OutputError::NoFolder(p));
    }
    if read_only(&p) {
        return Err(OutputError::ReadOnly(p));
    }
    Ok(())
}

fn name_of(out: &Path) -> Result<String, OutputError> {
    out.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .ok_or_else(|| OutputError::IsAFolder(out.to_path_buf()))
}

/// An exclusive lock on the folder an output goes into, held while a build replaces the
/// output; released on drop, and by the system when the process dies, so a killed build
/// leaves no stale lock. On Unix the folder itself is locked (no lock file is left behind);
/// elsewhere a file `.<name>.lock` beside the output is.
pub struct OutputLock {
    _file: File,
}

#[cfg(unix)]
fn lock_handle(out: &Path) -> Result<(File, PathBuf), OutputError> {
    let parent = parent_of(out);
    let f = File::open(&parent).map_err(io_at(&parent))?;
    Ok((f, parent))
}

#[cfg(not(unix))]
fn lock_handle(out: &Path) -> Result<(File, PathBuf), OutputError> {
    let lock = parent_of(out).join(format!(".{}.lock", name_of(out)?));
    let f = fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock)
        .map_err(io_at(&lock))?;
    Ok((f, lock))
}

impl OutputLock {
    /// Takes the lock for `out`, waiting up to `wait` for another build to finish.
    pub fn acquire(out: &Path, wait: Duration) -> Result<OutputLock, OutputError> {
        let (file, lock) = lock_handle(out)?;
        let start = Instant::now();
        loop {
            match file.try_lock() {
                Ok(()) => return Ok(OutputLock { _file: file }),
                Err(fs::TryLockError::WouldBlock) if start.elapsed() < wait => {
                    std::thread::sleep(Duration::from_millis(50));
                }
                Err(fs::TryLockError::WouldBlock) => {
                    return Err(OutputError::Locked {
                        out: out.to_path_buf(),
                        lock,
                        seconds: wait.as_secs(),
                    });
                }
                Err(fs::TryLockError::Error(e)) => return Err(io_at(&lock)(e)),
            }
        }
    }
}

/// Removes the temporary and backup folders (`.<name>.tmp-*`, `.<name>.old-*`) that a killed
/// build into `out` left beside it. Only called under the lock, when no other build into
/// `out` can be running, so every such folder is stale. Returns how many were removed.
fn remove_leftovers(out: &Path) -> Result<usize, OutputError> {
    let parent = parent_of(out);
    let name = name_of(out)?;
    let tmp = format!(".{name}.tmp-");
    let old = format!(".{name}.old-");
    let mut removed = 0;
    let Ok(entries) = fs::read_dir(&parent) else {
        return Ok(0);
    };
    let mut stale: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .filter(|e| {
            let n = e.file_name().to_string_lossy().into_owned();
            (n.starts_with(&tmp) || n.starts_with(&old))
                && e.file_type().is_ok_and(|t| t.is_dir() && !t.is_symlink())
        })
        .map(|e| e.path())
        .collect();
    stale.sort();
    for p in stale {
        fs::remove_dir_all(&p).map_err(io_at(&p))?;
        removed += 1;
    }
    Ok(removed)
}

#[cfg(unix)]
fn shared_dir_permissions(b: &mut tempfile::Builder<'_, '_>) {
    use std::os::unix::fs::PermissionsExt;
    // tempfile makes private (0700) folders; an output is as readable as any folder the
    // user makes (the umask still applies).
    b.permissions(fs::Permissions::from_mode(0o777));
}
#[cfg(not(unix))]
fn shared_dir_permissions(_: &mut tempfile::Builder<'_, '_>) {}

#[cfg(unix)]
fn shared_file_permissions(b: &mut tempfile::Builder<'_, '_>) {
    use std::os::unix::fs::PermissionsExt;
    b.permissions(fs::Permissions::from_mode(0o666));
}
#[cfg(not(unix))]
fn shared_file_permissions(_: &mut tempfile::Builder<'_, '_>) {}

/// What writing a build did besides writing it.
#[derive(Debug, Default)]
pub struct Written {
    /// Stale temporary or backup folders of killed builds that were removed.
    pub leftovers_removed: usize,
}

/// Writes a build's files into the folder `out`: the checks of [`check_build_target`] (and
/// the caller's [`check_not_input`]) hold; everything goes to a temporary folder beside `out`
/// with the [`MARKER`], which then replaces `out` by renames, under the output's lock. A
/// failure leaves the previous output as it was and no temporary folder behind.
pub fn write_build(out: &Path, files: &[(String, Vec<u8>)]) -> Result<Written, OutputError> {
    write_build_with(out, files, &[])
}

/// A file of a build written by a function straight into its place, so that a large file
/// (the case's data.json) is never held whole in memory: its path in the build and the
/// function that writes its bytes.
pub type Streamed<'a> = (&'a str, &'a dyn Fn(&mut dyn Write) -> io::Result<()>);

/// [`write_build`] with some files written by functions, after the others.
pub fn write_build_with(
    out: &Path,
    files: &[(String, Vec<u8>)],
    streamed: &[Streamed],
) -> Result<Written, OutputError> {
    let build = BuildDir::create(out)?;
    for (rel, bytes) in files {
        build.write(rel, bytes)?;
    }
    for (rel, write) in streamed {
        build.write_with(rel, *write)?;
    }
    build.finish()
}

/// A build being written, file by file, so that a large build never holds all its files
/// in memory: a temporary folder beside the output, made under the output's lock with the
/// checks of [`check_build_target`], which replaces the output on [`BuildDir::finish`].
/// Dropped unfinished (a page failed to render, a file failed to write), it is removed and
/// the previous output stays as it was.
pub struct BuildDir {
    out: PathBuf,
    parent: PathBuf,
    name: String,
    leftovers_removed: usize,
    // Declared before the lock, so the temporary folder is removed while the lock is held.
    tmp: tempfile::TempDir,
    _lock: OutputLock,
}

impl BuildDir {
    /// Takes the output's lock and makes the temporary folder the files go into.
    pub fn create(out: &Path) -> Result<BuildDir, OutputError> {
        check_build_target(out)?;
        let parent = parent_of(out);
        fs::create_dir_all(&parent).map_err(io_at(&parent))?;
        let name = name_of(out)?;
        let lock = OutputLock::acquire(out, LOCK_WAIT)?;
        // Another build may have written `out` while this one waited.
        check_build_target(out)?;
        let leftovers_removed = remove_leftovers(out)?;
        let pid = std::process::id();
        let prefix = format!(".{name}.tmp-{pid}-");
        let mut b = tempfile::Builder::new();
        b.prefix(&prefix);
        shared_dir_permissions(&mut b);
        let tmp = b.tempdir_in(&parent).map_err(io_at(&parent))?;
        Ok(BuildDir {
            out: out.to_path_buf(),
            parent,
            name,
            leftovers_removed,
            tmp,
            _lock: lock,
        })
    }

    /// The place of `rel` in the temporary folder, its folder made.
    fn place(&self, rel: &str) -> Result<PathBuf, OutputError> {
        let p = self.tmp.path().join(rel);
        if let Some(d) = p.parent() {
            fs::create_dir_all(d).map_err(io_at(d))?;
        }
        Ok(p)
    }

    /// Writes one file of the build (`rel`, relative to the output folder).
    pub fn write(&self, rel: &str, bytes: &[u8]) -> Result<(), OutputError> {
        let p = self.place(rel)?;
        fs::write(&p, bytes).map_err(io_at(&p))
    }

    /// Writes one file of the build by a function, through a buffer, never held whole.
    pub fn write_with(
        &self,
        rel: &str,
        write: &dyn Fn(&mut dyn Write) -> io::Result<()>,
    ) -> Result<(), OutputError> {
        let p = self.place(rel)?;
        let file = File::create(&p).map_err(io_at(&p))?;
        let mut w = io::BufWriter::with_capacity(1 << 16, file);
        write(&mut w).and_then(|()| w.flush()).map_err(io_at(&p))
    }

    /// Marks the folder as a build and puts it in the output's place (the previous output
    /// is renamed away first, and put back if that fails).
    pub fn finish(self) -> Result<Written, OutputError> {
        let BuildDir {
            out,
            parent,
            name,
            leftovers_removed,
            tmp,
            _lock,
        } = self;
        let marker = tmp.path().join(MARKER);
        fs::write(&marker, MARKER_TEXT).map_err(io_at(&marker))?;
        let pid = std::process::id();
        let old = parent.join(format!(".{name}.old-{pid}"));
        let had_old = out.exists();
        if had_old {
            fs::rename(&out, &old).map_err(io_at(&out))?;
        }
        if let Err(e) = fs::rename(tmp.path(), &out) {
            // Put the previous output back rather than leave nothing; `tmp` is removed on drop.
            if had_old {
                let _ = fs::rename(&old, &out);
            }
            return Err(io_at(&out)(e));
        }
        // Renamed away: there is nothing left for the guard to remove.
        let _ = tmp.keep();
        if had_old {
            fs::remove_dir_all(&old).map_err(io_at(&old))?;
        }
        Ok(Written { leftovers_removed })
    }
}

/// Writes one output file atomically (a temporary file beside it, then a rename). The folder
/// must exist; an existing folder, link or read-only file at `out` is refused, and so is an
/// output that is one of `inputs`.
pub fn write_file(out: &Path, bytes: &[u8], inputs: &[&Path]) -> Result<(), OutputError> {
    write_file_with(out, inputs, &mut |w: &mut dyn Write| w.write_all(bytes))
}

/// [`write_file`] with the content streamed by `write` into the temporary file (buffered), so
/// a large output is never held whole in memory. If `write` fails, `out` is left as it was.
pub fn write_file_with(
    out: &Path,
    inputs: &[&Path],
    write: &mut dyn FnMut(&mut dyn Write) -> io::Result<()>,
) -> Result<(), OutputError> {
    check_not_input(out, inputs)?;
    if let Ok(meta) = fs::symlink_metadata(out) {
        if meta.is_dir() {
            return Err(OutputError::IsAFolder(out.to_path_buf()));
        }
        if meta.file_type().is_symlink() {
            return Err(OutputError::Symlink(out.to_path_buf()));
        }
        if meta.permissions().readonly() {
            return Err(OutputError::ReadOnly(out.to_path_buf()));
        }
    }
    check_parent(out, false)?;
    let parent = parent_of(out);
    let name = name_of(out)?;
    let prefix = format!(".{name}.tmp-");
    let mut b = tempfile::Builder::new();
    b.prefix(&prefix);
    shared_file_permissions(&mut b);
    let mut tmp = b.tempfile_in(&parent).map_err(io_at(&parent))?;
    let tmp_path = tmp.path().to_path_buf();
    {
        let mut w = io::BufWriter::new(tmp.as_file_mut());
        write(&mut w)
            .and_then(|()| w.flush())
            .map_err(io_at(&tmp_path))?;
    }
    tmp.as_file().sync_all().map_err(io_at(out))?;
    tmp.persist(out).map_err(|e| io_at(out)(e.error))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files() -> Vec<(String, Vec<u8>)> {
        vec![
            ("index.html".to_string(), b"<p>ny</p>".to_vec()),
            ("svar/r1.html".to_string(), b"r1".to_vec()),
        ]
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn a_foreign_folder_is_never_replaced_and_a_build_is() {
        let t = tempfile::tempdir().unwrap();
        let p = t.path().join("p");
        fs::create_dir(&p).unwrap();
        fs::write(p.join("t.txt"), "thesis").unwrap();
        assert!(matches!(
            write_build(&p, &files()),
            Err(OutputError::Foreign(_))
        ));
        assert_eq!(fs::read_to_string(p.join("t.txt")).unwrap(), "thesis");

        let out = t.path().join("out");
        write_build(&out, &files()).unwrap();
        assert!(out.join(MARKER).is_file());
        fs::write(out.join("stale.html"), "x").unwrap();
        write_build(&out, &files()).unwrap();
        assert!(!out.join("stale.html").exists());
        assert_eq!(names(t.path()), ["out", "p"]);
    }

    #[test]
    fn a_streamed_file_is_written_and_its_failure_keeps_the_old_build() {
        let t = tempfile::tempdir().unwrap();
        let out = t.path().join("out");
        let json = |w: &mut dyn Write| w.write_all(b"{}\n");
        write_build_with(&out, &files(), &[("data/d.json", &json)]).unwrap();
        assert_eq!(fs::read_to_string(out.join("data/d.json")).unwrap(), "{}\n");
        assert_eq!(fs::read_to_string(out.join("svar/r1.html")).unwrap(), "r1");
        let broken = |w: &mut dyn Write| {
            w.write_all(b"{")?;
            Err(io::Error::other("serialiser failed"))
        };
        let e = write_build_with(&out, &[], &[("data/d.json", &broken)]).unwrap_err();
        assert!(e.to_string().contains("d.json"), "{e}");
        assert_eq!(fs::read_to_string(out.join("data/d.json")).unwrap(), "{}\n");
        assert_eq!(names(t.path()), ["out"]);
    }

    #[test]
    fn an_empty_folder_is_used_and_a_file_is_left_alone() {
        let t = tempfile::tempdir().unwrap();
        let e = t.path().join("e");
        fs::create_dir(&e).unwrap();
        write_build(&e, &files()).unwrap();
        assert!(e.join("index.html").is_file());
        let f = t.path().join("f");
        fs::write(&f, "keep").unwrap();
        assert!(matches!(
            write_build(&f, &files()),
            Err(OutputError::IsAFile(_))
        ));
        assert_eq!(fs::read_to_string(&f).unwrap(), "keep");
        assert_eq!(names(t.path()), ["e", "f"]);
    }

    #[test]
    fn leftovers_of_killed_builds_are_removed_under_the_lock() {
        let t = tempfile::tempdir().unwrap();
        let out = t.path().join("out");
        for n in [".out.tmp-999999-abc", ".out.old-999998"] {
            fs::create_dir_all(t.path().join(n).join("svar")).unwrap();
            fs::write(t.path().join(n).join("svar/r1.html"), "old").unwrap();
        }
        fs::create_dir(t.path().join(".other.tmp-1")).unwrap();
        let w = write_build(&out, &files()).unwrap();
        assert_eq!(w.leftovers_removed, 2);
        assert_eq!(names(t.path()), [".other.tmp-1", "out"]);
    }

    #[test]
    fn a_held_lock_makes_the_second_writer_wait_and_then_say_so() {
        let t = tempfile::tempdir().unwrap();
        let out = t.path().join("out");
        let held = OutputLock::acquire(&out, Duration::ZERO).unwrap();
        match OutputLock::acquire(&out, Duration::from_millis(120)) {
            Err(OutputError::Locked { .. }) => {}
            other => panic!("{:?}", other.map(|_| ())),
        }
        drop(held);
        assert!(OutputLock::acquire(&out, Duration::ZERO).is_ok());
    }

    #[test]
    fn an_output_that_is_or_holds_or_sits_in_an_input_is_refused() {
        let t = tempfile::tempdir().unwrap();
        let case = t.path().join("case");
        fs::create_dir_all(case.join("answers")).unwrap();
        fs::write(case.join("answers/a.txt"), "svar").unwrap();
        let inputs = [case.as_path()];
        assert!(matches!(
            check_not_input(&case, &inputs),
            Err(OutputError::IsInput { .. })
        ));
        assert!(matches!(
            check_not_input(t.path(), &inputs),
            Err(OutputError::HoldsInput { .. })
        ));
        assert!(matches!(
            check_not_input(&case.join("answers"), &inputs),
            Err(OutputError::InsideInput { .. })
        ));
        assert!(matches!(
            check_not_input(&case.join("out/new/../x"), &inputs),
            Err(OutputError::InsideInput { .. })
        ));
        assert!(check_not_input(&t.path().join("out"), &inputs).is_ok());
        // `..` and links are resolved before comparing.
        let f = case.join("answers/a.txt");
        let via = case.join("answers/../answers/a.txt");
        assert!(matches!(
            write_file(&via, b"diff", &[f.as_path()]),
            Err(OutputError::IsInput { .. })
        ));
        assert_eq!(fs::read_to_string(&f).unwrap(), "svar");
    }

    #[test]
    fn one_file_is_written_whole_into_an_existing_folder_only() {
        let t = tempfile::tempdir().unwrap();
        let f = t.path().join("d.md");
        write_file(&f, b"one", &[]).unwrap();
        write_file(&f, b"two", &[]).unwrap();
        assert_eq!(fs::read_to_string(&f).unwrap(), "two");
        assert!(matches!(
            write_file(&t.path().join("missing/d.md"), b"x", &[]),
            Err(OutputError::NoFolder(_))
        ));
        assert!(matches!(
            write_file(t.path(), b"x", &[]),
            Err(OutputError::IsAFolder(_))
        ));
        let mut perm = fs::metadata(&f).unwrap().permissions();
        perm.set_readonly(true);
        fs::set_permissions(&f, perm).unwrap();
        assert!(matches!(
            write_file(&f, b"three", &[]),
            Err(OutputError::ReadOnly(_))
        ));
        assert_eq!(fs::read_to_string(&f).unwrap(), "two");
        assert_eq!(names(t.path()), ["d.md"]);
    }
}

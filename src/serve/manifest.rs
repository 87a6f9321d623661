//! Stage 7, review: a reviewer's confirmation or correction written into `remiss.toml` as
//! a document (toml_edit), so the file keeps its comments, order and layout; saved
//! atomically, and only over the version of the entry the reviewer saw.

use crate::case::correct::target_id;
use crate::case::{Correction, Manifest};
use sha2::{Digest, Sha256};
use std::io::Write;
use std::path::Path;
use toml_edit::{Array, DocumentMut, Item, Table, value};

/// The hex SHA-256 of some bytes: the content hash of a manifest.
pub fn hash(bytes: &[u8]) -> String {
    let d = Sha256::digest(bytes);
    d.iter().map(|b| format!("{b:02x}")).collect()
}

/// A short hash of one correction entry as it stands: what a reviewer saw, so a save over
/// an entry someone else changed meanwhile is refused. `""` for no entry.
pub fn entry_hash(c: Option<&Correction>) -> String {
    match c {
        None => String::new(),
        Some(c) => {
            let json = serde_json::to_vec(c).unwrap_or_default();
            hash(&json)[..16].to_string()
        }
    }
}

/// What a reviewer decided about one reading.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Decision {
    /// The reading is right.
    Confirm {
        /// Why, if the reviewer says.
        note: String,
    },
    /// The reading is wrong: what it should be.
    Correct {
        /// The stance instead.
        stance: Option<String>,
        /// The flags instead.
        flags: Option<Vec<String>>,
        /// Drop the reading.
        ignore: bool,
        /// The paragraph meant.
        target_is: Option<String>,
        /// Why.
        note: String,
    },
    /// Remove the entry: back to the reading as read.
    Clear,
}

/// Who and when, written with the entry when the manifest names a reviewer.
#[derive(Clone, Debug, Default)]
pub struct Stamp {
    /// Who.
    pub by: Option<String>,
    /// When (RFC 3339 UTC).
    pub at: Option<String>,
}

/// Why a save was not made.
#[derive(Debug, thiserror::Error)]
pub enum EditError {
    /// The manifest no longer parses (a hand edit in progress).
    #[error("{path}: the manifest cannot be read now: {message}; fix it, then save again")]
    Unreadable {
        /// The manifest.
        path: String,
        /// What the TOML reader says.
        message: String,
    },
    /// Someone else changed or removed this reading's entry since the reviewer saw it.
    #[error("{0}")]
    Conflict(String),
    /// The entry would not apply (a stance or address that does not exist).
    #[error("{0}")]
    Invalid(String),
}

/// The entry of the manifest a reading's review lives in: the first `[[correction]]` whose
/// answer is this file or respondent and whose target is this one (in any address form).
pub fn find(m: &Manifest, file: &str, respondent: &str, target: &str) -> Option<usize> {
    let norm = |s: &str| s.trim().trim_start_matches("./").to_string();
    let tid = target_id(target);
    m.corrections.iter().position(|c| {
        (norm(&c.answer) == norm(file) || c.answer.trim() == respondent.trim())
            && (c.target.trim() == target.trim() || tid.is_some() && target_id(&c.target) == tid)
    })
}

/// The reading a decision is about: its answer (file and respondent) and its target as
/// read.
#[derive(Clone, Copy, Debug)]
pub struct Reading<'a> {
    /// The answer's file as in `[[answers]]`.
    pub file: &'a str,
    /// Who answered.
    pub respondent: &'a str,
    /// The target as read (`K2P7`, `2 kap. 25 §`).
    pub target: &'a str,
}

/// The edited manifest text: the entry for (answer `file`, `target`) set to the decision,
/// provided it is still as the reviewer saw it (`base`, from [`entry_hash`]). Everything
/// else in the file is left as it was. Returns the new text and the new entry's hash.
pub fn edit(
    path: &Path,
    text: &str,
    reading: &Reading<'_>,
    base: &str,
    decision: &Decision,
    stamp: &Stamp,
) -> Result<(String, String), EditError> {
    let Reading {
        file,
        respondent,
        target,
    } = *reading;
    let unreadable = |message: String| EditError::Unreadable {
        path: path.display().to_string(),
        message,
    };
    let manifest: Manifest =
        toml::from_str(text).map_err(|e| unreadable(e.to_string().replace('\n', " ")))?;
    let mut doc: DocumentMut = text
        .parse()
        .map_err(|e: toml_edit::TomlError| unreadable(e.to_string().replace('\n', " ")))?;
    let at = find(&manifest, file, respondent, target);
    let now = at.map(|i| &manifest.corrections[i]);
    if entry_hash(now) != base {
        let who = now
            .and_then(|c| c.by.as_deref().map(|b| format!(" by {b}")))
            .unwrap_or_default();
        let when = now
            .and_then(|c| c.at.as_deref().map(|t| format!(" at {t}")))
            .unwrap_or_default();
        let what = if now.is_none() {
            "its entry was removed from remiss.toml".to_string()
        } else if base.is_empty() {
            format!("an entry for it was saved{who}{when}")
        } else {
            format!("its entry was changed{who}{when}")
        };
        return Err(EditError::Conflict(format!(
            "{respondent}, {target}: {what} since you opened it; nothing was saved. The panel now shows the entry as it is: look at it, then decide again."
        )));
    }
    // An entry keeps naming its answer and target the way it did (a respondent's name,
    // `2 kap. 7 §`); a new one names the answer's file.
    let (answer, target) = match now {
        Some(c) => (c.answer.as_str(), c.target.as_str()),
        None => (file, target),
    };
    let new = match decision {
        Decision::Clear => None,
        d => Some(entry(answer, target, d, stamp)),
    };
    let new_hash = entry_hash(new.as_ref());
    let arr = doc
        .entry("correction")
        .or_insert(Item::ArrayOfTables(Default::default()));
    let Some(arr) = arr.as_array_of_tables_mut() else {
        return Err(unreadable(
            "`correction` is not an array of tables ([[correction]])".into(),
        ));
    };
    match (at, new) {
        (Some(i), Some(c)) => {
            if let Some(t) = arr.get_mut(i) {
                fill(t, &c);
            }
        }
        (Some(i), None) => {
            arr.remove(i);
        }
        (None, Some(c)) => {
            let mut t = Table::new();
            fill(&mut t, &c);
            arr.push(t);
        }
        (None, None) => {}
    }
    if arr.is_empty() {
        doc.remove("correction");
    }
    Ok((doc.to_string(), new_hash))
}

fn entry(file: &str, target: &str, d: &Decision, stamp: &Stamp) -> Correction {
    let mut c = Correction {
        answer: file.to_string(),
        target: target.to_string(),
        by: stamp.by.clone(),
        at: stamp.at.clone(),
        ..Default::default()
    };
    match d {
        Decision::Confirm { note } => {
            c.confirm = true;
            c.note = note.clone();
        }
        Decision::Correct {
            stance,
            flags,
            ignore,
            target_is,
            note,
        } => {
            c.stance = stance.clone();
            c.flags = flags.clone();
            c.ignore = *ignore;
            c.target_is = target_is.clone();
            c.note = note.clone();
        }
        Decision::Clear => {}
    }
    c
}

/// Sets a table's keys to the entry's, in the manifest's documented order, keeping the
/// table's own decoration (a comment above it) and dropping keys the entry does not have.
fn fill(t: &mut Table, c: &Correction) {
    let keys = [
        "answer",
        "target",
        "stance",
        "flags",
        "ignore",
        "target_is",
        "confirm",
        "note",
        "by",
        "at",
    ];
    let set_str = |t: &mut Table, k: &str, v: Option<&str>| match v {
        Some(v) => {
            // An unchanged value keeps its formatting (and any comment after it).
            if t.get(k).and_then(Item::as_str) != Some(v) {
                t.insert(k, value(v));
            }
        }
        None => {
            t.remove(k);
        }
    };
    set_str(t, "answer", Some(&c.answer));
    set_str(t, "target", Some(&c.target));
    set_str(t, "stance", c.stance.as_deref());
    match &c.flags {
        Some(f) => {
            let mut a = Array::new();
            for x in f {
                a.push(x.as_str());
            }
            t.insert("flags", value(a));
        }
        None => {
            t.remove("flags");
        }
    }
    let set_bool = |t: &mut Table, k: &str, v: bool| {
        if v {
            t.insert(k, value(true));
        } else {
            t.remove(k);
        }
    };
    set_bool(t, "ignore", c.ignore);
    set_str(t, "target_is", c.target_is.as_deref());
    set_bool(t, "confirm", c.confirm);
    set_str(t, "note", (!c.note.is_empty()).then_some(c.note.as_str()));
    set_str(t, "by", c.by.as_deref());
    set_str(t, "at", c.at.as_deref());
    // Keys this program does not write stay where they are; its own follow its order.
    t.sort_values_by(|a, _, b, _| {
        let pos = |k: &str| keys.iter().position(|x| *x == k).unwrap_or(usize::MAX);
        pos(a.get()).cmp(&pos(b.get()))
    });
}

/// Replaces `path` with `bytes` atomically: a temporary file beside it, written, flushed
/// to disk and renamed over it, with the old file's permissions. A reader sees the old
/// manifest or the new one, never part of one. A manifest that is a link is written where
/// the link points, so the link (and whoever else reads its target) keeps seeing it.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let resolved = std::fs::canonicalize(path);
    let path = resolved.as_deref().unwrap_or(path);
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".remiss.toml.")
        .suffix(".tmp")
        .tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    if let Ok(meta) = std::fs::metadata(path) {
        tmp.as_file().set_permissions(meta.permissions())?;
    }
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// The time now as RFC 3339 UTC to the second (`2026-01-15T09:30:00Z`).
pub fn now_utc() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    rfc3339(secs)
}

/// Seconds since 1970 as RFC 3339 UTC (the civil-from-days algorithm, so no date crate).
pub fn rfc3339(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOML: &str = r#"# The case manifest, with a comment the file must keep.
title = "T"   # the title

[[drafts]]
file = "drafts/a.txt"
label = "Remissversion"

# Stadsledningskontoret's own answer.
[[answers]]
file = "answers/a.txt"
respondent = "Stadsledningskontoret"

[[answers]]
file = "answers/b.txt"
respondent = "Servicenämnden"

# Checked by hand on 1 December.
[[correction]]
answer = "Servicenämnden"
target = "2 kap. 14 §"   # as read
stance = "oppose"
note = "Läst i sitt sammanhang."
"#;

    fn corr(stance: &str) -> Decision {
        Decision::Correct {
            stance: Some(stance.into()),
            flags: None,
            ignore: false,
            target_is: None,
            note: String::new(),
        }
    }

    fn current(text: &str, file: &str, resp: &str, target: &str) -> String {
        let m: Manifest = toml::from_str(text).unwrap();
        entry_hash(find(&m, file, resp, target).map(|i| &m.corrections[i]))
    }

    #[test]
    fn a_new_entry_is_appended_and_every_comment_stays() {
        let p = Path::new("remiss.toml");
        let stamp = Stamp {
            by: Some("Eva Ek".into()),
            at: Some("2026-01-15T09:30:00Z".into()),
        };
        let (out, h) = edit(
            p,
            TOML,
            &Reading {
                file: "answers/a.txt",
                respondent: "Stadsledningskontoret",
                target: "K2P7",
            },
            "",
            &corr("support"),
            &stamp,
        )
        .unwrap();
        assert!(out.starts_with(TOML.trim_end()), "{out}");
        assert!(out.ends_with(
            "[[correction]]\nanswer = \"answers/a.txt\"\ntarget = \"K2P7\"\nstance = \"support\"\nby = \"Eva Ek\"\nat = \"2026-01-15T09:30:00Z\"\n"
        ), "{out}");
        assert_eq!(
            h,
            current(&out, "answers/a.txt", "Stadsledningskontoret", "2 kap. 7 §")
        );
        let m: Manifest = toml::from_str(&out).unwrap();
        assert_eq!(m.corrections.len(), 2);
    }

    #[test]
    fn an_entry_is_changed_in_place_keeping_its_comments() {
        let p = Path::new("remiss.toml");
        let base = current(TOML, "answers/b.txt", "Servicenämnden", "K2P14");
        assert!(!base.is_empty());
        let (out, _) = edit(
            p,
            TOML,
            &Reading {
                file: "answers/b.txt",
                respondent: "Servicenämnden",
                target: "K2P14",
            },
            &base,
            &Decision::Confirm {
                note: "Rätt läst.".into(),
            },
            &Stamp::default(),
        )
        .unwrap();
        assert!(out.contains("# Checked by hand on 1 December.\n[[correction]]\nanswer = \"Servicenämnden\"\ntarget = \"2 kap. 14 §\"   # as read\nconfirm = true\nnote = \"Rätt läst.\"\n"), "{out}");
        assert!(!out.contains("oppose"));
        assert!(out.contains("title = \"T\"   # the title"));
    }

    #[test]
    fn a_save_over_an_entry_someone_changed_is_refused_and_another_entry_merges() {
        let p = Path::new("remiss.toml");
        // The reviewer saw 2 kap. 14 § as it was; someone else changed it meanwhile.
        let seen = current(TOML, "answers/b.txt", "Servicenämnden", "K2P14");
        let changed = TOML.replace("stance = \"oppose\"", "stance = \"support\"");
        let e = edit(
            p,
            &changed,
            &Reading {
                file: "answers/b.txt",
                respondent: "Servicenämnden",
                target: "K2P14",
            },
            &seen,
            &corr("comment"),
            &Stamp::default(),
        )
        .unwrap_err();
        assert!(matches!(e, EditError::Conflict(_)), "{e}");
        assert!(e.to_string().contains("changed since you opened it"), "{e}");
        // A reading nobody touched is saved on top of the other's change: both are kept.
        let (out, _) = edit(
            p,
            &changed,
            &Reading {
                file: "answers/a.txt",
                respondent: "Stadsledningskontoret",
                target: "DOC",
            },
            "",
            &corr("support"),
            &Stamp::default(),
        )
        .unwrap();
        let m: Manifest = toml::from_str(&out).unwrap();
        assert_eq!(m.corrections[0].stance.as_deref(), Some("support"));
        assert_eq!(m.corrections[1].target, "DOC");
        // Two tabs saving a first entry for the same reading: the second is refused.
        let e = edit(
            p,
            &out,
            &Reading {
                file: "answers/a.txt",
                respondent: "Stadsledningskontoret",
                target: "DOC",
            },
            "",
            &corr("oppose"),
            &Stamp::default(),
        )
        .unwrap_err();
        assert!(e.to_string().contains("an entry for it was saved"), "{e}");
    }

    #[test]
    fn clearing_the_last_entry_leaves_no_empty_array() {
        let p = Path::new("remiss.toml");
        let base = current(TOML, "answers/b.txt", "Servicenämnden", "2:14");
        let (out, h) = edit(
            p,
            TOML,
            &Reading {
                file: "answers/b.txt",
                respondent: "Servicenämnden",
                target: "2:14",
            },
            &base,
            &Decision::Clear,
            &Stamp::default(),
        )
        .unwrap();
        assert_eq!(h, "");
        assert!(!out.contains("correction"), "{out}");
        let m: Manifest = toml::from_str(&out).unwrap();
        assert_eq!(m.answers.len(), 2);
    }

    #[test]
    fn a_manifest_that_does_not_parse_is_named_not_overwritten() {
        let e = edit(
            Path::new("case/remiss.toml"),
            "title = \"T\"\n[[drafts]\n",
            &Reading {
                file: "a",
                respondent: "A",
                target: "DOC",
            },
            "",
            &corr("support"),
            &Stamp::default(),
        )
        .unwrap_err();
        assert!(
            e.to_string()
                .starts_with("case/remiss.toml: the manifest cannot be read now")
        );
    }

    #[test]
    fn times_are_rfc3339_utc() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(1_768_469_400), "2026-01-15T09:30:00Z");
        assert_eq!(rfc3339(951_825_599), "2000-02-29T11:59:59Z");
    }

    #[test]
    fn the_atomic_write_replaces_the_file_and_leaves_no_temporary() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("remiss.toml");
        std::fs::write(&p, "old").unwrap();
        write_atomic(&p, b"new").unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "new");
        assert_eq!(std::fs::read_dir(d.path()).unwrap().count(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn a_manifest_that_is_a_link_is_written_where_it_points() {
        let d = tempfile::tempdir().unwrap();
        let shared = d.path().join("shared.toml");
        std::fs::write(&shared, "old").unwrap();
        let case = d.path().join("case");
        std::fs::create_dir(&case).unwrap();
        let link = case.join("remiss.toml");
        std::os::unix::fs::symlink(&shared, &link).unwrap();
        write_atomic(&link, b"new").unwrap();
        assert!(std::fs::symlink_metadata(&link).unwrap().is_symlink());
        assert_eq!(std::fs::read_to_string(&shared).unwrap(), "new");
        assert_eq!(std::fs::read_dir(&case).unwrap().count(), 1);
    }
}

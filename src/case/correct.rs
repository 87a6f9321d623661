//! Stage 3½, corrections: a person's `[[correction]]` entries of the manifest applied to
//! the stance tables before the matrix, the opinion or anything else is built from them.

use super::{CaseError, Correction};
use crate::address::Address;
use crate::answer::stance::{Flag, Stance, StanceTable, Target};
use crate::regulation::Regulation;
use std::path::Path;

/// A reading a correction changed: where it is now and why.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Applied {
    /// The answer's index in the case.
    #[serde(skip)]
    pub answer: usize,
    /// The correction's number in the manifest, from 0.
    #[serde(skip)]
    pub entry: usize,
    /// The answer's key (`r3`).
    pub key: String,
    /// The target's id after the correction (`K2P22`); the target as read when ignored.
    pub id: String,
    /// The target as read, before the correction.
    pub was: String,
    /// The target after it (`2 kap. 22 §`).
    pub now: String,
    /// What the correction did (`ignore`, `target-is`, `stance`, or `confirm`: nothing).
    pub action: &'static str,
    /// The person's note.
    pub note: String,
}

fn parse_stance(s: &str) -> Option<Stance> {
    let t = s.trim().to_lowercase();
    Stance::ALL
        .iter()
        .copied()
        .find(|x| x.as_str() == t || crate::render::sv::stance(*x) == t)
}

fn parse_flag(s: &str) -> Option<Flag> {
    let t = s.trim().to_lowercase();
    Flag::ALL
        .iter()
        .copied()
        .find(|x| x.as_str() == t || crate::render::sv::flag(*x) == t)
}

/// The id a written target stands for, when it names a place, the proposal or the KU.
pub fn target_id(s: &str) -> Option<String> {
    let t = s.trim();
    match t.to_lowercase().as_str() {
        "doc" | "förslaget" | "förslaget i sin helhet" => return Some("DOC".into()),
        "ku" | "konsekvensutredningen" => return Some("KU".into()),
        _ => {}
    }
    Address::parse(t).map(|a| a.id())
}

/// Applies the corrections in order. Each one must match a reading of its answer; one
/// that matches nothing, names an unknown answer, or re-points to a paragraph the draft
/// lacks, is an error naming it. `answers` are (file, respondent) of the tables.
pub fn apply(
    manifest: &Path,
    corrections: &[Correction],
    answers: &[(String, String)],
    tables: &mut [&mut StanceTable],
    draft: &Regulation,
) -> Result<Vec<Applied>, Vec<CaseError>> {
    let mut applied = Vec::new();
    let mut errors = Vec::new();
    for (n, c) in corrections.iter().enumerate() {
        let fail = |message: String| CaseError::Correction {
            manifest: manifest.to_path_buf(),
            index: n + 1,
            answer: c.answer.clone(),
            target: c.target.clone(),
            message,
        };
        match apply_one(c, answers, tables, draft) {
            Ok(a) => applied.push(Applied { entry: n, ..a }),
            Err(m) => errors.push(fail(m)),
        }
    }
    if errors.is_empty() {
        Ok(applied)
    } else {
        Err(errors)
    }
}

fn apply_one(
    c: &Correction,
    answers: &[(String, String)],
    tables: &mut [&mut StanceTable],
    draft: &Regulation,
) -> Result<Applied, String> {
    let norm = |s: &str| s.trim().trim_start_matches("./").to_string();
    let i = answers
        .iter()
        .position(|(f, r)| norm(f) == norm(&c.answer) || r == c.answer.trim())
        .ok_or_else(|| "no answer of the case has this file or respondent".to_string())?;
    let stance = match &c.stance {
        Some(s) => Some(parse_stance(s).ok_or_else(|| {
            format!("unknown stance {s:?} (support, support-reservations, oppose, proposal, comment, no-comment)")
        })?),
        None => None,
    };
    let flags = match &c.flags {
        Some(v) => Some(
            v.iter()
                .map(|f| {
                    parse_flag(f).ok_or_else(|| {
                        format!(
                            "unknown flag {f:?} (proposes, clarification, concern, refers-back)"
                        )
                    })
                })
                .collect::<Result<Vec<Flag>, String>>()?,
        ),
        None => None,
    };
    let new_place = match &c.target_is {
        Some(t) => {
            let a = Address::parse(t)
                .ok_or_else(|| format!("target_is {t:?} is not a paragraph address"))?;
            if a.paragraf.is_some() && draft.paragraph(&a.paragraph_part()).is_none()
                || a.paragraf.is_none()
                    && a.kapitel.is_some_and(|k| draft.chapter(Some(k)).is_none())
            {
                return Err(format!("target_is {t:?}: the draft has no {}", a.display()));
            }
            Some(a)
        }
        None => None,
    };
    let changes = c.ignore || stance.is_some() || flags.is_some() || new_place.is_some();
    if c.confirm && changes {
        return Err(
            "confirm = true says the reading is right; it cannot also change it (drop confirm, or the change)"
                .into(),
        );
    }
    if !c.confirm && !changes {
        return Err(
            "says neither stance, flags, ignore = true, target_is nor confirm = true".into(),
        );
    }
    let table = &mut *tables[i];
    let id = target_id(&c.target);
    let written = c.target.trim();
    let at = table
        .rows
        .iter()
        .position(|r| {
            Some(&r.id) == id.as_ref()
                // Report sections and named parts (`A5.4.2`, `PART:…`) by their id.
                || r.id == written
                || matches!(&r.target, Target::Unresolved { written: w } if w == written)
        })
        .ok_or_else(|| "the answer has no reading of this target".to_string())?;
    let was = table.rows[at].display.clone();
    if c.confirm {
        return Ok(Applied {
            answer: i,
            entry: 0,
            key: format!("r{}", i + 1),
            id: table.rows[at].id.clone(),
            now: was.clone(),
            was,
            action: "confirm",
            note: c.note.clone(),
        });
    }
    let mut row = table.rows.remove(at);
    let action;
    let final_id;
    let now = if c.ignore {
        was.clone()
    } else {
        new_place
            .map(|a| a.display())
            .unwrap_or_else(|| was.clone())
    };
    if c.ignore {
        action = "ignore";
        final_id = row.id.clone();
        if let Target::Unresolved { written } = &row.target {
            table.missing.retain(|(w, _)| w != written);
        }
    } else {
        if let Some(a) = new_place {
            if let Target::Unresolved { written } = &row.target {
                table.missing.retain(|(w, _)| w != written);
            }
            row.target = Target::Place { address: a };
            row.id = a.id();
            row.display = a.display();
            row.unresolved = None;
        }
        if let Some(s) = stance {
            row.stance = s;
            row.conflict = false;
        }
        if let Some(f) = flags {
            row.flags = f;
        }
        action = if new_place.is_some() {
            "target-is"
        } else {
            "stance"
        };
        final_id = row.id.clone();
        // A reading re-pointed onto a target the answer already has joins it.
        match table.rows.iter_mut().find(|r| r.id == row.id) {
            Some(other) => {
                other.evidence.extend(row.evidence);
                other.evidence.sort_by_key(|e| e.line);
                other.evidence.dedup();
                if stance.is_some() {
                    other.stance = row.stance;
                } else {
                    other.stance = other.stance.min(row.stance);
                }
                for f in row.flags {
                    if !other.flags.contains(&f) {
                        other.flags.push(f);
                    }
                }
                other.flags.sort();
            }
            None => table.rows.insert(at.min(table.rows.len()), row),
        }
        if let Some(a) = new_place {
            table.not_addressed.remove(&a);
        }
    }
    Ok(Applied {
        answer: i,
        entry: 0,
        key: format!("r{}", i + 1),
        id: final_id,
        was,
        now,
        action,
        note: c.note.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::answer::lexicon::Lexicon;
    use crate::source::Text;

    const DRAFT: &str = "Myndighetens föreskrifter om prov;\n\n1 kap. Allmänt\n\n1 § Denna föreskrift gäller prov.\n\n2 § Prov ska göras varje år.\n";

    fn setup() -> (Regulation, StanceTable) {
        let lex = Lexicon::embedded().unwrap();
        let draft = crate::regulation::parse(&Text::from_plain("d.txt", DRAFT.into()));
        let a = crate::answer::parse(
            &Text::from_plain(
                "a.txt",
                "Yttrande\n\nNämnden avstyrker 1 kap. 2 §. Nämnden tillstyrker 1 kap. 9 §.\n"
                    .into(),
            ),
            &lex,
        );
        let t = crate::answer::stance::read(&a, Some(&draft), &lex);
        (draft, t)
    }

    fn one(c: Correction) -> Result<(Vec<Applied>, StanceTable), Vec<CaseError>> {
        let (draft, mut t) = setup();
        let ids = [("answers/a.txt".to_string(), "Nämnden".to_string())];
        let r = apply(Path::new("remiss.toml"), &[c], &ids, &mut [&mut t], &draft)?;
        Ok((r, t))
    }

    #[test]
    fn a_confirmation_changes_nothing_and_cannot_carry_a_change() {
        let (_, before) = setup();
        let (applied, t) = one(Correction {
            answer: "Nämnden".into(),
            target: "K1P2".into(),
            confirm: true,
            ..Default::default()
        })
        .unwrap();
        assert_eq!(applied[0].action, "confirm");
        assert_eq!(applied[0].id, "K1P2");
        assert_eq!(format!("{:?}", t.rows), format!("{:?}", before.rows));
        let e = one(Correction {
            answer: "Nämnden".into(),
            target: "K1P2".into(),
            confirm: true,
            stance: Some("support".into()),
            ..Default::default()
        })
        .unwrap_err();
        assert!(
            e[0].to_string().contains("cannot also change it"),
            "{}",
            e[0]
        );
    }

    #[test]
    fn ignore_drops_the_reading_and_names_what_it_was() {
        let (applied, t) = one(Correction {
            answer: "./answers/a.txt".into(),
            target: "1:2".into(),
            ignore: true,
            note: "Ironi.".into(),
            ..Default::default()
        })
        .unwrap();
        assert!(t.row("K1P2").is_none());
        assert_eq!(applied[0].action, "ignore");
        assert_eq!(applied[0].was, "1 kap. 2 §");
    }

    #[test]
    fn a_missing_paragraph_is_repointed_and_leaves_the_findings() {
        let (applied, t) = one(Correction {
            answer: "Nämnden".into(),
            target: "1 kap. 9 §".into(),
            target_is: Some("1 kap. 1 §".into()),
            note: "Avser 1 §.".into(),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(t.row("K1P1").map(|r| r.stance), Some(Stance::Support));
        assert!(t.missing.is_empty(), "{:?}", t.missing);
        assert_eq!(applied[0].now, "1 kap. 1 §");
    }

    #[test]
    fn bad_corrections_are_errors_that_name_them() {
        let msg = |c: Correction| match one(c) {
            Err(e) => e[0].to_string(),
            Ok(_) => panic!("accepted"),
        };
        let base = Correction {
            answer: "Nämnden".into(),
            target: "1 kap. 2 §".into(),
            ..Default::default()
        };
        assert!(msg(base.clone()).contains("says neither stance"));
        assert!(
            msg(Correction {
                stance: Some("kanske".into()),
                ..base.clone()
            })
            .contains("unknown stance \"kanske\"")
        );
        assert!(
            msg(Correction {
                target_is: Some("1 kap. 7 §".into()),
                ..base.clone()
            })
            .contains("the draft has no 1 kap. 7 §")
        );
        assert!(
            msg(Correction {
                answer: "Okänd".into(),
                stance: Some("support".into()),
                ..base.clone()
            })
            .contains("[[correction]] 1 (answer \"Okänd\", target \"1 kap. 2 §\"): no answer")
        );
        // Swedish words of the matrix are stances too.
        assert!(
            one(Correction {
                stance: Some("tillstyrker med förbehåll".into()),
                ..base
            })
            .is_ok()
        );
    }
}

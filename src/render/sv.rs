//! Stage 6, rendering: the one Swedish vocabulary. Every label a reader of a Swedish
//! document sees for a stance, a flag, a relation between versions, an outcome, a position's
//! verb or a matrix mark comes from these tables, and the tera filters read them too.

use crate::answer::NamedBy;
use crate::answer::stance::{Flag, Stance};
use crate::compare::{Relation, WordingMove};
use crate::report::{Outcome, TargetKind};

/// A stance as a document names it (`avstyrker`).
pub fn stance(s: Stance) -> &'static str {
    match s {
        Stance::Support => "tillstyrker",
        Stance::SupportReservations => "tillstyrker med förbehåll",
        Stance::Oppose => "avstyrker",
        Stance::Proposal => "föreslår ändring",
        Stance::Comment => "synpunkt",
        Stance::NoComment => "utan synpunkt",
        Stance::NotAddressed => "ej berörd",
    }
}

/// A flag of a position (`efterfrågar förtydligande`).
pub fn flag(f: Flag) -> &'static str {
    match f {
        Flag::Proposes => "föreslår ändring",
        Flag::Clarification => "efterfrågar förtydligande",
        Flag::Concern => "farhåga",
        Flag::RefersBack => "hänvisar till tidigare svar",
    }
}

/// How an answer names its respondent (`brevhuvudet`), for `remiss stances --format md`.
pub fn named_by(n: NamedBy) -> &'static str {
    match n {
        NamedBy::Introduction => "presenterar sig",
        NamedBy::Possessive => "namnger sitt eget yttrande",
        NamedBy::Letterhead => "brevhuvudet",
        NamedBy::Agent => "subjekt i ställningstagandena",
        NamedBy::Municipality => "kommunen som nämns",
    }
}

/// The verb phrase of a position: `Stadsledningskontoret {verb} bestämmelsen`.
pub fn verb(s: Stance) -> &'static str {
    match s {
        Stance::Support => "tillstyrker",
        Stance::SupportReservations => "tillstyrker i huvudsak",
        Stance::Oppose => "avstyrker",
        Stance::Proposal => "föreslår ändringar i",
        Stance::Comment => "har synpunkter på",
        Stance::NoComment => "har inga synpunkter på",
        Stance::NotAddressed => "har inte yttrat sig över",
    }
}

/// The chip of a matrix cell and its legend: short Swedish words, never symbols.
pub fn mark(s: Stance) -> &'static str {
    match s {
        Stance::Support => "tillstyrker",
        Stance::SupportReservations => "med förbehåll",
        Stance::Oppose => "avstyrker",
        Stance::Proposal => "förslag",
        Stance::Comment => "synpunkt",
        Stance::NoComment => "inga synpunkter",
        Stance::NotAddressed => "ej berörd",
    }
}

/// A reading a person corrected (`[[correction]]` in the manifest).
pub const CORRECTED: &str = "korrigerad";

/// What `check` found in an answer, as a sentence.
pub fn finding(k: &crate::report::FindingKind) -> String {
    use crate::report::FindingKind as F;
    match k {
        F::MissingParagraph { cited, matches } => {
            let mut s = format!("Hänvisar till {cited}, som inte finns i förslaget");
            if let Some(a) = matches {
                s.push_str(&format!(
                    "; meningens lydelse stämmer med {}. Rätta med target_is i remiss.toml för att läsningen ska räknas",
                    a.display()
                ));
            } else {
                s.push_str(". Läsningen räknas inte förrän den rättats i remiss.toml");
            }
            s.push('.');
            s
        }
        F::Conflict { target, lines } => format!(
            "Både tillstyrker och avstyrker {target} (rad {}).",
            lines
                .iter()
                .map(|l| l.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ),
        F::Repeated { sentence } => format!("Samma mening två gånger i rad: {sentence}"),
        F::UnmatchedHeading { heading } => {
            format!("Rubriken ”{heading}” motsvarar ingen paragraf i förslaget.")
        }
    }
}

/// A fact of a regulation's first page, as `remiss parse` labels it.
pub fn metadata(k: crate::regulation::MetaKey) -> &'static str {
    use crate::regulation::MetaKey;
    match k {
        MetaKey::Issuer => "utfärdad av",
        MetaKey::FsNumber => "författningssamling",
        MetaKey::Decided => "beslutade den",
        MetaKey::Published => "utkom från trycket den",
        MetaKey::Bemyndigande => "bemyndigande",
        MetaKey::Draft => "förslag",
        MetaKey::Amends => "ändrar",
    }
}

/// A repealed paragraph (`Har upphävts genom …`).
pub const REPEALED: &str = "upphävd";

/// A reading the stance reader had to presume (an answer's row marked `uncertain`).
pub const UNCERTAIN: &str = "osäker läsning";

/// What a position is about, after the verb: `… tillstyrker {object}`.
pub fn object(k: TargetKind) -> &'static str {
    match k {
        TargetKind::Doc => "förslaget",
        TargetKind::Ku => "bedömningarna i konsekvensutredningen",
        TargetKind::Chapter => "kapitlets bestämmelser",
        TargetKind::Section => "avsnittet",
        TargetKind::Part => "den delen av förslaget",
        TargetKind::Paragraph | TargetKind::Punkt | TargetKind::Other => "bestämmelsen",
    }
}

/// A relation between two versions of a paragraph, singular (`ändrad`).
pub fn relation(r: Relation) -> &'static str {
    match r {
        Relation::Unchanged => "oförändrad",
        Relation::Changed => "ändrad",
        Relation::Renumbered => "ny beteckning",
        Relation::Moved => "flyttad",
        Relation::Split => "delad",
        Relation::Merged => "sammanslagen",
        Relation::Added => "ny",
        Relation::Removed => "borttagen",
    }
}

/// A relation in the plural, for counts (`3 ändrade`) and for allmänna råd (`nya`).
pub fn relations(r: Relation) -> &'static str {
    match r {
        Relation::Unchanged => "oförändrade",
        Relation::Changed => "ändrade",
        Relation::Renumbered => "ny beteckning",
        Relation::Moved => "flyttade",
        Relation::Split => "delade",
        Relation::Merged => "sammanslagna",
        Relation::Added => "nya",
        Relation::Removed => "borttagna",
    }
}

/// The note on the new side of a paragraph in a parallelluppställning (`flyttad från
/// 1 kap. 3 §`); `was` names the old paragraphs.
pub fn paragraph_note(r: Relation, repealed: bool, was: &str) -> Option<String> {
    match r {
        Relation::Renumbered | Relation::Split => Some(format!("{}, tidigare {was}", relation(r))),
        Relation::Moved => Some(format!("{} från {was}", relation(r))),
        Relation::Merged => Some(format!("{} av {was}", relation(r))),
        Relation::Added | Relation::Removed if repealed => Some(REPEALED.to_string()),
        Relation::Added | Relation::Changed => Some(relation(r).to_string()),
        _ => None,
    }
}

/// Wording that went between a paragraph and its allmänna råd (`flyttat till allmänna råd`).
pub fn wording_move(m: WordingMove) -> &'static str {
    match m {
        WordingMove::ToAllmannaRad => "flyttat till allmänna råd",
        WordingMove::FromAllmannaRad => "flyttat från allmänna råd",
    }
}

/// A label that named another paragraph before (`beteckningen återanvänd, tidigare 9 kap.
/// 17 § är nu 9 kap. 23 b §`); `now` is where that paragraph went, if anywhere.
pub fn label_reuse(label: &str, now: Option<&str>) -> String {
    match now {
        Some(now) => format!("beteckningen återanvänd, tidigare {label} är nu {now}"),
        None => format!("beteckningen återanvänd, tidigare {label} är borttagen"),
    }
}

/// The note on a rubrik that changed (`rubriken står nu före 2 kap. 3 §`); `old_before`
/// and `new_before` name the paragraphs it stood and stands before.
pub fn rubrik_note(r: Relation, old_before: &str, new_before: &str) -> String {
    match r {
        Relation::Renumbered => format!("rubriken står nu före {new_before}"),
        Relation::Moved => format!("rubriken flyttad, tidigare före {old_before}"),
        Relation::Added => "ny rubrik".to_string(),
        Relation::Changed => "rubriken ändrad".to_string(),
        r => relation(r).to_string(),
    }
}

/// The amendment notes of a paragraph whose wording stayed (`Ändringsnotering: ingen →
/// 2025:1511`).
pub fn amendment_note(old: &[String], new: &[String]) -> String {
    let notes = |v: &[String]| {
        if v.is_empty() {
            "ingen".to_string()
        } else {
            v.join(", ")
        }
    };
    format!("Ändringsnotering: {} → {}", notes(old), notes(new))
}

/// What became of a commented paragraph in the last version, singular (`ändrad`).
pub fn outcome(o: Outcome) -> &'static str {
    match o {
        Outcome::Unchanged => "oförändrad",
        Outcome::Changed => "ändrad",
        Outcome::Renumbered => "ny beteckning, samma lydelse",
        Outcome::RenumberedChanged => "ny beteckning och ändrad",
        Outcome::Moved => "flyttad",
        Outcome::Split => "delad",
        Outcome::Merged => "sammanslagen",
        Outcome::Removed => "borttagen",
    }
}

/// An outcome in the plural, for counts (`ändrade`).
pub fn outcomes(o: Outcome) -> &'static str {
    match o {
        Outcome::Unchanged => "oförändrade",
        Outcome::Changed => "ändrade",
        Outcome::Renumbered => "ny beteckning, samma lydelse",
        Outcome::RenumberedChanged => "ny beteckning och ändrade",
        Outcome::Moved => "flyttade",
        Outcome::Split => "delade",
        Outcome::Merged => "sammanslagna",
        Outcome::Removed => "borttagna",
    }
}

/// The Swedish name of a stance or flag from its serialised name (`oppose`,
/// `clarification`), as templates hold them; `None` for any other key.
pub fn by_key(key: &str) -> Option<&'static str> {
    Stance::ALL
        .iter()
        .find(|s| s.as_str() == key)
        .map(|s| stance(*s))
        .or_else(|| {
            Flag::ALL
                .iter()
                .find(|f| f.as_str() == key)
                .map(|f| flag(*f))
        })
        .or_else(|| (key == "uncertain").then_some(UNCERTAIN))
}

/// The stance with this serialised name.
pub fn stance_of(key: &str) -> Option<Stance> {
    Stance::ALL.iter().copied().find(|s| s.as_str() == key)
}

#[cfg(test)]
mod tests {
    use super::*;
    use strum::IntoEnumIterator;

    #[test]
    fn every_label_is_distinct_within_its_table() {
        let distinct = |v: Vec<&str>| {
            let mut w = v.clone();
            w.sort();
            w.dedup();
            assert_eq!(w.len(), v.len(), "{v:?}");
        };
        distinct(Stance::ALL.iter().map(|s| stance(*s)).collect());
        distinct(Stance::ALL.iter().map(|s| verb(*s)).collect());
        distinct(Stance::ALL.iter().map(|s| mark(*s)).collect());
        distinct(Flag::ALL.iter().map(|f| flag(*f)).collect());
        distinct(Outcome::iter().map(outcome).collect());
        distinct(Outcome::iter().map(outcomes).collect());
    }

    #[test]
    fn keys_find_stances_and_flags_but_nothing_else() {
        assert_eq!(by_key("oppose"), Some("avstyrker"));
        assert_eq!(by_key("refers-back"), Some("hänvisar till tidigare svar"));
        assert_eq!(by_key("changed"), None);
        assert_eq!(
            stance_of("support-reservations"),
            Some(Stance::SupportReservations)
        );
    }
}

//! Rendering: the remissammanställning (`sammanstallning.html`) written directly, the same
//! bytes as the default template gives, without a serialised copy of the matrix.
//!
//! The matrix is targets × respondents; through tera it became a tree of JSON values several
//! times its own size (the largest part of a large build's memory). The template stays the
//! source of truth: when a user replaces any template (`--templates`), tera renders this
//! page as before, with the matrix in its context; and tests render the default template
//! on several cases and require these bytes.

use super::{View, sv, typo};
use crate::answer::stance::{Flag, Stance};
use crate::report::{Cell, Matrix, MatrixRow};
use std::fmt::Write;
use tera::escape_html as esc;

/// The stances of the matrix's legend, in its order.
pub(crate) const LEGEND: [Stance; 7] = [
    Stance::Support,
    Stance::SupportReservations,
    Stance::Oppose,
    Stance::Proposal,
    Stance::Comment,
    Stance::NoComment,
    Stance::NotAddressed,
];

/// The page (and the CSV) is written out whenever this much of it is made: its matrix grows
/// with answers × targets (147 MB at 1,000 answers against a 2,000-paragraph draft), and
/// held whole it was the largest part of such a build's memory. Small in unit tests, so that
/// the sample case's page is written in many parts there.
const SPILL: usize = if cfg!(test) { 512 } else { 1 << 16 };

/// Writes what is made of the page so far to `w`, once there is [`SPILL`] of it.
pub(super) fn spill(o: &mut String, w: &mut dyn std::io::Write) -> std::io::Result<()> {
    if o.len() >= SPILL {
        w.write_all(o.as_bytes())?;
        o.clear();
    }
    Ok(())
}

/// Writes the page as the default `sammanstallning.html` renders it with `case` (and
/// `matrix` as `case.matrix`) to `w`, a part at a time; `style` is `style.css` as rendered.
pub(super) fn write_page(
    case: &View,
    matrix: &Matrix,
    style: &str,
    w: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let mut o = String::with_capacity(SPILL + (1 << 12));
    let title = esc(&case.manifest.title);
    o.push_str("<!DOCTYPE html>\n<html lang=\"sv\">\n<head><meta charset=\"utf-8\"><title>Remissammanställning: ");
    o.push_str(&title);
    o.push_str("</title>\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<style>");
    o.push_str(style);
    o.push_str("\n@media print { @page { size: A4 landscape; } }</style></head>\n<body><main class=\"wide\">\n<nav class=\"crumbs noprint\"><a href=\"index.html\">Ärendet</a> › Remissammanställning · <a href=\"sammanstallning.csv\">CSV</a></nav>\n<header class=\"doc\">\n  <div class=\"meta sans\">Remissammanställning");
    if let Some(n) = case
        .manifest
        .case_number
        .as_deref()
        .filter(|n| !n.is_empty())
    {
        o.push_str(" · Dnr ");
        o.push_str(&esc(n));
    }
    o.push_str("</div>\n  <h1>");
    o.push_str(&title);
    o.push_str("</h1>\n</header>\n<h2 id=\"isar\">Där svaren går isär</h2>\n");
    let rows = &matrix.rows;
    if !matrix.conflicts.is_empty() {
        o.push_str("\n<div class=\"table-wrap\"><table><thead><tr><th>Avser</th><th>Tillstyrker</th><th>Avstyrker</th></tr></thead><tbody>\n");
        for row in rows.iter().filter(|r| r.conflict) {
            conflict_row(&mut o, case, row);
        }
        o.push_str("</tbody></table></div>\n");
    } else {
        o.push_str("<p>Inga paragrafer har fått både tillstyrkan och avstyrkan.</p>");
    }
    o.push_str(
        "\n<h2 id=\"matris\">Ställningstaganden per paragraf</h2>\n<p class=\"legend sans\">",
    );
    for s in LEGEND {
        chip(&mut o, s);
        o.push(' ');
    }
    let _ = writeln!(
        o,
        "<span class=\"chip corr\">korrigerad</span> <span class=\"chip unsure\">{}</span> · Klicka på en markering för att läsa meningen den bygger på.</p>",
        esc(uncertain())
    );
    o.push_str(FILTERS_START);
    for r in case.respondents {
        let _ = write!(
            o,
            "<option value=\"{}\">{}</option>",
            esc(&r.key),
            esc(&r.name)
        );
    }
    o.push_str(FILTERS_END);
    o.push_str("<thead><tr><th class=\"target\">Avser</th>");
    for r in case.respondents {
        let _ = write!(o, "<th><a href=\"{}\">{}</a></th>", r.page, esc(&r.name));
    }
    o.push_str("<th class=\"num\">Till&shy;styrker</th><th class=\"num\">Av&shy;styrker</th></tr></thead>\n<tbody>\n");
    let comparison = case.comparisons.first().map(|c| c.page);
    for (i, row) in rows.iter().enumerate() {
        matrix_row(&mut o, row, i, comparison);
        spill(&mut o, w)?;
    }
    o.push_str("</tbody></table></div>\n");
    reported(&mut o, case);
    let _ = write!(
        o,
        "<h2 id=\"per-instans\">Per remissinstans</h2>\n<p class=\"legend sans\">Antal ställningstaganden: paragrafer ({} i förslaget) och kapitel som helhet; förslaget i sin helhet och konsekvensutredningen som ställningstagande.</p>\n",
        case.figures.paragraphs
    );
    o.push_str("<div class=\"table-wrap\"><table><thead><tr><th>Remissinstans</th><th>Räknar</th><th class=\"num\">Tillstyrker</th><th class=\"num\">Med förbehåll</th><th class=\"num\">Avstyrker</th><th class=\"num\">Förslag</th><th class=\"num\">Synpunkt</th><th class=\"num\">Inga synpunkter</th><th class=\"num\">Ej berörda</th></tr></thead><tbody>\n");
    for r in case.respondents {
        let _ = write!(
            o,
            "<tr><td rowspan=\"2\"><a href=\"{}\">{}</a><div class=\"flags\">Förslaget: {} · Konsekvensutredningen: {}",
            r.page,
            esc(&r.name),
            esc(sv::mark(r.whole)),
            esc(sv::mark(r.ku))
        );
        if r.corrected > 0 {
            let _ = write!(o, " · {} korrigerade", r.corrected);
        }
        if r.uncertain > 0 {
            let _ = write!(o, " · {} osäkra", r.uncertain);
        }
        o.push_str("</div></td><td>paragrafer</td>");
        counts(&mut o, &r.counts);
        o.push_str("</tr>\n<tr><td>kapitel</td>");
        counts(&mut o, &r.chapter_counts);
        o.push_str("</tr>\n");
        spill(&mut o, w)?;
    }
    o.push_str("</tbody></table></div>\n");
    findings(&mut o, case);
    o.push('\n');
    corrections(&mut o, case);
    o.push('\n');
    o.push_str(SCRIPT);
    w.write_all(o.as_bytes())
}

fn uncertain() -> &'static str {
    sv::by_key("uncertain").unwrap_or("uncertain")
}

/// `m::chip(stance=s)`.
fn chip(o: &mut String, s: Stance) {
    let _ = write!(
        o,
        "<span class=\"chip s-{}\">{}</span>",
        esc(s.as_str()),
        esc(sv::mark(s))
    );
}

/// One row of the table of targets with support and opposition.
fn conflict_row(o: &mut String, case: &View, row: &MatrixRow) {
    let _ = write!(
        o,
        "<tr><td class=\"target\"><a href=\"#{}\">{}</a></td>\n<td>",
        esc(&row.id),
        esc(&typo(&row.display))
    );
    for (cell, r) in row.cells.iter().zip(case.respondents) {
        if matches!(cell.stance, Stance::Support | Stance::SupportReservations) {
            let _ = write!(
                o,
                "<div><a href=\"{}\" title=\"{}\">{}</a>",
                cell.href,
                esc(first(cell)),
                esc(&r.name)
            );
            if cell.stance == Stance::SupportReservations {
                o.push_str(" <span class=\"flags\">med förbehåll</span>");
            }
            o.push_str("</div>");
        }
    }
    o.push_str("</td>\n<td>");
    for (cell, r) in row.cells.iter().zip(case.respondents) {
        if cell.stance == Stance::Oppose {
            let _ = write!(
                o,
                "<div><a href=\"{}\" title=\"{}\">{}</a>: <span class=\"flags\">{}</span></div>",
                cell.href,
                esc(first(cell)),
                esc(&r.name),
                esc(&truncate(first(cell), 110))
            );
        }
    }
    o.push_str("</td></tr>\n");
}

/// The sentence a cell's reading rests on (the first of its evidence).
fn first(c: &Cell) -> &str {
    c.evidence.first().map(|e| e.text.as_str()).unwrap_or("")
}

/// tera's `truncate(length=N)`: the first N grapheme clusters and `…`, or all of it.
fn truncate(s: &str, length: usize) -> String {
    use unicode_segmentation::UnicodeSegmentation;
    match s.grapheme_indices(true).nth(length) {
        Some((end, _)) => format!("{}…", &s[..end]),
        None => s.to_string(),
    }
}

/// One row of the matrix.
fn matrix_row(o: &mut String, row: &MatrixRow, i: usize, comparison: Option<&str>) {
    let _ = write!(
        o,
        "<tr id=\"{}\" class=\"{}{}\" data-order=\"{i}\" data-opposing=\"{}\" data-commented=\"{}\" data-conflict=\"{}\" data-by=\"{}\" data-corrected=\"{}\" data-uncertain=\"{}\"><td class=\"target\">",
        esc(&row.id),
        esc(<&str>::from(row.kind)),
        if row.conflict { " conflict" } else { "" },
        row.opposing,
        row.commented,
        row.conflict,
        esc(&row.commented_by),
        if row.corrected { "true" } else { "" },
        if row.uncertain { "true" } else { "" },
    );
    let display = esc(&typo(&row.display));
    match (
        row.paragraph.as_deref().filter(|p| !p.is_empty()),
        comparison,
    ) {
        (Some(p), Some(page)) => {
            let _ = write!(
                o,
                "<a href=\"{page}#old-{p}\" title=\"Raden i parallelluppställningen\">{display}</a>"
            );
        }
        _ => o.push_str(&display),
    }
    o.push_str("</td>\n");
    for cell in &row.cells {
        let s = cell.stance;
        let mark = esc(sv::mark(s));
        let stance = esc(s.as_str());
        if cell.href.is_empty() {
            let _ = write!(o, "<td><span class=\"chip s-{stance}\">{mark}</span>");
        } else {
            let title = cell.evidence.first().map(|e| e.text.as_str()).unwrap_or("");
            let _ = write!(
                o,
                "<td><a class=\"chip s-{stance}\" href=\"{}\" title=\"{}\">{mark}</a>",
                cell.href,
                esc(title)
            );
        }
        flags(o, cell);
        if let Some(c) = cell.corrected.as_deref().filter(|c| !c.is_empty()) {
            let _ = write!(
                o,
                "<br><span class=\"chip corr\" title=\"{}\">korrigerad</span>",
                esc(c)
            );
        }
        if let Some(u) = cell.uncertain.as_deref().filter(|u| !u.is_empty()) {
            let _ = write!(
                o,
                "<br><span class=\"chip unsure\" title=\"{}\">{}</span>",
                esc(u),
                esc(uncertain())
            );
        }
        o.push_str("</td>\n");
    }
    let _ = writeln!(
        o,
        "<td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
        row.supporting, row.opposing
    );
}

/// A cell's flags in Swedish under its chip (`proposes` is left out of a proposal).
fn flags(o: &mut String, cell: &Cell) {
    if cell.flags.is_empty() {
        return;
    }
    o.push_str("<br><span class=\"flags\">");
    let last = cell.flags.len() - 1;
    for (n, f) in cell.flags.iter().enumerate() {
        if *f != Flag::Proposes || cell.stance != Stance::Proposal {
            let name = f.as_str();
            o.push_str(&esc(sv::by_key(name).unwrap_or(name)));
            if n != last {
                o.push_str(", ");
            }
        }
    }
    o.push_str("</span>");
}

/// The positions answers report as others' (`case.reported`), apart from the matrix.
fn reported(o: &mut String, case: &View) {
    if case.reported.is_empty() {
        return;
    }
    o.push_str("<h2 id=\"aterges\">Ståndpunkter som remissvaren återger</h2>\n<p class=\"sans\">Andra organs ståndpunkter som ett remissvar återger (till exempel nämnder som ärendet har remitterats till). De är inte remissinstansens egna och räknas inte i matrisen ovan.</p>\n<div class=\"table-wrap\"><table><thead><tr><th>Organ</th><th class=\"target\">Avser</th><th>Ställningstagande</th><th>Återges av</th><th>Meningen</th></tr></thead><tbody>\n");
    for p in case.reported {
        let c = &p.cell;
        let _ = write!(
            o,
            "<tr><td>{}</td><td class=\"target\">{}</td><td><span class=\"chip s-{}\">{}</span>",
            esc(&p.body),
            esc(&typo(&p.display)),
            esc(c.stance.as_str()),
            esc(sv::mark(c.stance))
        );
        flags(o, c);
        let _ = write!(
            o,
            "</td><td><a href=\"{}\">{}</a></td><td class=\"flags\">",
            c.href,
            esc(&p.reporter)
        );
        if let Some(e) = c.evidence.first() {
            o.push_str(&esc(&truncate(&e.text, 160)));
        }
        o.push_str("</td></tr>\n");
    }
    o.push_str("</tbody></table></div>\n");
}

/// The seven counts of a respondent's row, in the table's order.
fn counts(o: &mut String, c: &std::collections::BTreeMap<Stance, usize>) {
    for s in LEGEND {
        let _ = write!(
            o,
            "<td class=\"num\">{}</td>",
            c.get(&s).copied().unwrap_or(0)
        );
    }
}

/// `m::findings(case=case)`.
fn findings(o: &mut String, case: &View) {
    if case.findings.is_empty() {
        return;
    }
    o.push_str("<h2 id=\"brister\">Brister i remissvaren</h2>\n<p class=\"legend sans\">Det <code>remiss check</code> finner i varje svar. En hänvisning till en paragraf som inte finns räknas inte som ställningstagande förrän den rättats med <code>[[correction]]</code> i remiss.toml.</p>\n");
    for f in &case.findings {
        let _ = write!(
            o,
            "<h3 class=\"sans\" id=\"brister-{}\"><a href=\"{}\">{}</a></h3>\n<ul>",
            esc(f.key),
            f.page,
            esc(f.respondent)
        );
        for x in &f.items {
            let _ = write!(
                o,
                "<li><a href=\"{}#L{}\">rad {}</a>: {}</li>",
                f.page,
                x.line,
                x.line,
                esc(&typo(&x.text))
            );
        }
        o.push_str("</ul>\n");
    }
}

/// `m::corrections(case=case)`.
fn corrections(o: &mut String, case: &View) {
    if case.corrections.is_empty() {
        return;
    }
    o.push_str("<h2 id=\"korrigeringar\">Korrigeringar</h2>\n<ul>");
    for c in case.corrections {
        o.push_str("<li>");
        for r in case.respondents.iter().filter(|r| r.key == c.key) {
            let _ = write!(o, "<a href=\"{}\">{}</a>", r.page, esc(&r.name));
        }
        let _ = write!(o, ", {}", esc(&typo(&c.was)));
        match c.action {
            "ignore" => o.push_str(": läsningen borttagen"),
            "target-is" => {
                let _ = write!(
                    o,
                    ": avser <a href=\"sammanstallning.html#{}\">{}</a>",
                    esc(&c.id),
                    esc(&typo(&c.now))
                );
            }
            _ => o.push_str(": ställningstagandet ändrat"),
        }
        if !c.note.is_empty() {
            let _ = write!(o, " – {}", esc(&c.note));
        }
        o.push_str("</li>");
    }
    o.push_str("</ul>\n");
}

const FILTERS_START: &str =
    "<form class=\"filters sans noprint\" id=\"filters\" onsubmit=\"return false\">
  <label><input type=\"radio\" name=\"show\" value=\"all\" checked> Alla</label>
  <label><input type=\"radio\" name=\"show\" value=\"commented\"> Bara kommenterade</label>
  <label><input type=\"radio\" name=\"show\" value=\"conflict\"> Bara där svaren går isär</label>
  <label><input type=\"radio\" name=\"show\" value=\"corrected\"> Korrigerade</label>
  <label><input type=\"radio\" name=\"show\" value=\"uncertain\"> Osäkra läsningar</label>
  <label>Remissinstans <select name=\"who\"><option value=\"\">alla</option>";

const FILTERS_END: &str = "</select></label>
  <label><input type=\"checkbox\" name=\"sort\"> Sortera efter antal avstyrkanden</label>
  <output name=\"count\" id=\"count\"></output>
</form>
<div class=\"table-wrap matrix-wrap\">
<table class=\"matrix\" id=\"matrix\">
";

const SCRIPT: &str = r##"<script>
(function () {
  var form = document.getElementById("filters");
  var body = document.querySelector("#matrix tbody");
  var rows = Array.prototype.slice.call(body.rows);
  function apply() {
    var show = form.elements.show.value, who = form.elements.who.value, shown = 0;
    rows.forEach(function (r) {
      var d = r.dataset, ok = true;
      if (show === "commented") ok = d.commented === "true";
      if (show === "conflict") ok = d.conflict === "true";
      if (show === "corrected") ok = d.corrected === "true";
      if (show === "uncertain") ok = d.uncertain === "true";
      if (ok && who) ok = (" " + d.by + " ").indexOf(" " + who + " ") >= 0;
      r.hidden = !ok;
      if (ok) shown++;
    });
    var sorted = rows.slice();
    if (form.elements.sort.checked) {
      sorted.sort(function (a, b) { return b.dataset.opposing - a.dataset.opposing || a.dataset.order - b.dataset.order; });
    }
    sorted.forEach(function (r) { body.appendChild(r); });
    form.elements.count.value = shown + " av " + rows.length + " rader";
  }
  form.addEventListener("change", apply);
  apply();
})();
</script>
</main></body></html>
"##;

#[cfg(test)]
mod tests {
    use super::super::{Limits, Templates, pages};
    use crate::answer::lexicon::Lexicon;
    use crate::case::{self, Case};
    use std::path::Path;
    use std::sync::Arc;

    /// The sample case read from a copy, with `extra` added to its manifest.
    fn sample(extra: &str) -> Case {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/msb-cybersakerhet");
        let tmp = tempfile::tempdir().unwrap();
        for sub in ["drafts", "answers"] {
            std::fs::create_dir(tmp.path().join(sub)).unwrap();
            for e in std::fs::read_dir(src.join(sub)).unwrap() {
                let p = e.unwrap().path();
                if p.extension().is_some_and(|x| x == "txt") {
                    std::fs::copy(&p, tmp.path().join(sub).join(p.file_name().unwrap())).unwrap();
                }
            }
        }
        let toml = std::fs::read_to_string(src.join("remiss.toml")).unwrap() + extra;
        std::fs::write(tmp.path().join("remiss.toml"), toml).unwrap();
        let (m, origin) = case::load(tmp.path()).unwrap();
        let lex = Lexicon::embedded().unwrap();
        case::read_case(tmp.path(), m, origin, &lex, false, &mut case::Quiet)
            .unwrap_or_else(|e| panic!("{e:?}"))
    }

    /// Every page of the case, with the compilation written directly and rendered by tera
    /// (as with a user's templates): the same bytes.
    fn same_as_the_template(c: &Case) {
        let t = Templates::embedded().unwrap();
        let mut tera = t.clone();
        tera.custom = Arc::new(vec!["(every page through tera)".to_string()]);
        let a = pages(&t, &c.data, &c.drafts, &c.answer_lines, Limits::default()).unwrap();
        let b = pages(
            &tera,
            &c.data,
            &c.drafts,
            &c.answer_lines,
            Limits::default(),
        )
        .unwrap();
        let page = |files: &[(String, Vec<u8>)]| {
            let (_, bytes) = files
                .iter()
                .find(|(n, _)| n == "sammanstallning.html")
                .unwrap();
            String::from_utf8(bytes.clone()).unwrap()
        };
        let (direct, template) = (page(&a), page(&b));
        if direct != template {
            let (n, x, y) = crate::render::first_differing_line(&direct, &template);
            panic!("line {n} differs:\ndirect:   {x}\ntemplate: {y}");
        }
        assert_eq!(
            a, b,
            "the other pages do not depend on how the compilation is made"
        );
    }

    #[test]
    fn the_sample_case_gives_the_bytes_of_the_template() {
        let c = sample("");
        // Conflicts (with a cut quotation), findings and both versions compared are in it.
        assert!(!c.data.matrix.conflicts.is_empty());
        assert!(!c.data.findings.is_empty());
        same_as_the_template(&c);
    }

    #[test]
    fn corrections_uncertain_and_reported_readings_and_markup_give_the_bytes_of_the_template() {
        let mut c = sample(concat!(
            "\n[[correction]]\nanswer = \"answers/utbildningsforvaltningen.txt\"\n",
            "target = \"2 kap. 25 §\"\ntarget_is = \"2 kap. 22 §\"\nnote = \"Står i 22 § & <b>.\"\n",
            "\n[[correction]]\nanswer = \"Servicenämnden\"\ntarget = \"K2P14\"\n",
            "stance = \"support-reservations\"\nflags = [\"clarification\"]\nnote = \"\"\n",
        ));
        assert_eq!(c.data.corrections.len(), 2);
        let d = &mut c.data;
        d.manifest.title = "Förslag om \"A\" & <B> / 'C'".to_string();
        d.manifest.case_number = None;
        d.comparisons.clear();
        d.respondents[1].name = "Nämnd <&> \"x\"".to_string();
        let row = &mut d.matrix.rows[5];
        row.uncertain = true;
        row.cells[2].uncertain = Some("Läst \"osäkert\" <här>".to_string());
        row.cells[3].corrected = Some(String::new());
        // Positions an answer reports as others': one with a long quotation (cut at 160)
        // and flags, one with markup in the body's name.
        let cells: Vec<(String, String, crate::report::Cell)> = d
            .matrix
            .rows
            .iter()
            .flat_map(|r| {
                r.cells
                    .iter()
                    .map(move |c| (r.id.clone(), r.display.clone(), c))
            })
            .filter(|(_, _, c)| !c.href.is_empty())
            .map(|(id, display, c)| (id, display, c.clone()))
            .collect();
        let long = cells
            .iter()
            .find(|(_, _, c)| !c.flags.is_empty() && c.evidence[0].text.chars().count() > 170)
            .expect("a reading with flags and a long sentence");
        for (body, (id, display, cell)) in [("Kulturnämnden", long), ("Nämnd <&>", &cells[0])] {
            d.reported.push(crate::report::ReportedPosition {
                respondent: "r1".to_string(),
                reporter: d.respondents[0].name.clone(),
                body: body.to_string(),
                id: id.clone(),
                display: display.clone(),
                cell: cell.clone(),
            });
        }
        same_as_the_template(&c);
    }

    #[test]
    fn the_page_and_the_csv_are_written_a_part_at_a_time_and_whole() {
        let c = sample("");
        let d = &c.data;
        let files = pages(
            &Templates::embedded().unwrap(),
            d,
            &c.drafts,
            &c.answer_lines,
            Limits::default(),
        )
        .unwrap();
        let html = files
            .iter()
            .find(|(n, _)| n == "sammanstallning.html")
            .map_or(0, |(_, b)| b.len());
        // The sample's page is many parts long here (SPILL is small in tests), and the
        // parts make the page the template gives (`the_sample_case_gives_…`).
        assert!(html > 20 * super::SPILL, "{html} bytes");
        let mut csv = crate::render::Pieces::default();
        crate::render::write_csv(d, &mut csv).unwrap();
        assert!(csv.writes > 1, "{} writes", csv.writes);
        let text = String::from_utf8(csv.bytes).unwrap();
        assert!(text.starts_with('\u{feff}'));
        assert_eq!(text.matches('\u{feff}').count(), 1);
        let lines: Vec<&str> = text.split_terminator("\r\n").collect();
        assert_eq!(lines.len(), d.matrix.rows.len() + 1);
        let fields = 2 * d.respondents.len() + 5;
        assert!(
            lines.iter().all(|l| l.split(';').count() == fields),
            "{text}"
        );
        assert!(
            lines.iter().any(|l| l.starts_with("2 kap. 14 §;")),
            "{text}"
        );
    }
}

//! The render layer through the binary: templates (overrides, guards), escaping of document
//! text in every output language, `remiss init`, and the help a new user sees.

use crate::{remiss, stderr, stdout};
use std::ffi::OsStr;
use std::path::{Path, PathBuf};

fn sample() -> PathBuf {
    crate::corpus("msb-cybersakerhet")
}

fn read_sample(rel: &str) -> Vec<u8> {
    std::fs::read(sample().join(rel)).unwrap()
}

/// A case folder with the sample's two drafts and the given answers.
fn case_with(answers: &[(&str, &[u8])], manifest: Option<&str>) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::create_dir_all(p.join("drafts")).unwrap();
    std::fs::create_dir_all(p.join("answers")).unwrap();
    std::fs::write(
        p.join("drafts/1.txt"),
        read_sample("drafts/1-remissversion.txt"),
    )
    .unwrap();
    std::fs::write(
        p.join("drafts/2.txt"),
        read_sample("drafts/2-beslutad-version.txt"),
    )
    .unwrap();
    for (name, bytes) in answers {
        std::fs::write(p.join("answers").join(name), bytes).unwrap();
    }
    if let Some(m) = manifest {
        std::fs::write(p.join("remiss.toml"), m).unwrap();
    }
    dir
}

fn build_into(case: &Path, out: &Path, extra: &[&str]) -> std::process::Output {
    let mut args: Vec<&OsStr> = vec![
        OsStr::new("build"),
        case.as_os_str(),
        OsStr::new("-o"),
        out.as_os_str(),
    ];
    args.extend(extra.iter().map(OsStr::new));
    remiss(args)
}

/// A template folder holding the given files.
fn templates(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (n, s) in files {
        std::fs::write(dir.path().join(n), s).unwrap();
    }
    dir
}

fn build_sample_with(tpl: &Path, extra: &[&str]) -> (std::process::Output, tempfile::TempDir) {
    let out = tempfile::tempdir().unwrap();
    let dest = out.path().join("o");
    let mut args = vec!["--templates", tpl.to_str().unwrap()];
    args.extend(extra);
    let o = build_into(&sample(), &dest, &args);
    (o, out)
}

#[test]
fn the_comparison_page_follows_the_templates_and_the_stylesheet() {
    let tpl = templates(&[
        (
            "jamforelse.html",
            "<style>{% include \"style.css\" %}</style>own page: {{ cmp.rows | length }} rows, {{ cmp.counts.1.0 }} {{ cmp.counts.1.1 }}",
        ),
        ("style.css", "body { color: rebeccapurple }"),
        (
            "jamforelse.md",
            "own markdown: {{ cmp.old.paragraphs }} → {{ cmp.new.paragraphs }}",
        ),
    ]);
    let (o, out) = build_sample_with(tpl.path(), &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let html = std::fs::read_to_string(out.path().join("o/jamforelse-1.html")).unwrap();
    assert!(
        html.starts_with("<style>body { color: rebeccapurple }</style>own page: "),
        "{html}"
    );
    assert!(html.contains(" rows, ändrade "), "{html}");
    let md = std::fs::read_to_string(out.path().join("o/jamforelse-1.md")).unwrap();
    assert!(md.starts_with("own markdown: "), "{md}");
    // The stylesheet reaches the other pages too.
    let index = std::fs::read_to_string(out.path().join("o/index.html")).unwrap();
    assert!(index.contains("rebeccapurple"));
}

#[test]
fn the_default_comparison_page_uses_the_shared_stylesheet() {
    let out = tempfile::tempdir().unwrap();
    let o = build_into(&sample(), &out.path().join("o"), &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let html = std::fs::read_to_string(out.path().join("o/jamforelse-1.html")).unwrap();
    let css = std::fs::read_to_string(crate::root().join("templates/style.css")).unwrap();
    assert!(
        html.contains(&css),
        "jamforelse-1.html does not include style.css"
    );
    assert!(html.contains("<table class=\"parallel\">"));
}

#[test]
fn templates_cannot_read_the_environment() {
    let tpl = templates(&[("index.html", "{{ get_env(name=\"HOME\") }}")]);
    let (o, out) = build_sample_with(tpl.path(), &[]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("index.html"), "{}", stderr(&o));
    assert!(stderr(&o).contains("get_env is disabled"), "{}", stderr(&o));
    assert!(!out.path().join("o").exists(), "nothing is written");
}

#[cfg(unix)]
#[test]
fn a_symlinked_template_is_refused() {
    let secret = tempfile::tempdir().unwrap();
    let target = secret.path().join("secret.txt");
    std::fs::write(&target, "top secret").unwrap();
    let tpl = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(&target, tpl.path().join("index.html")).unwrap();
    let (o, out) = build_sample_with(tpl.path(), &[]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(
        e.contains("index.html") && e.contains("symbolic link"),
        "{e}"
    );
    assert!(
        e.contains("secret.txt"),
        "the message says where it points: {e}"
    );
    assert!(!out.path().join("o").exists());
}

#[test]
fn a_recursive_macro_is_an_error_naming_the_template() {
    let tpl = templates(&[(
        "macros.html",
        "{% macro badge(stance) %}{{ self::badge(stance=stance) }}{% endmacro badge %}{% macro position(p, author) %}{% endmacro position %}",
    )]);
    let (o, out) = build_sample_with(tpl.path(), &[]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(e.contains("macros.html::badge"), "{e}");
    assert!(!out.path().join("o").exists());
}

#[test]
fn an_endless_loop_is_stopped_by_the_deadline() {
    let tpl = templates(&[(
        "index.html",
        "{% for a in range(end=100000000) %}{% for b in range(end=100000000) %}x{% endfor %}{% endfor %}",
    )]);
    let start = std::time::Instant::now();
    let (o, out) = build_sample_with(tpl.path(), &["--template-timeout", "1"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(
        e.contains("template index.html did not finish within 1 s"),
        "{e}"
    );
    assert!(!out.path().join("o").exists());
    assert!(start.elapsed().as_secs() < 60, "the process exits promptly");
}

#[test]
fn spreadsheet_cells_never_start_a_formula() {
    // Discovery names a respondent after its file when the answer does not say who it is.
    let short: &[u8] = "Vi tillstyrker förslaget.\n".as_bytes();
    let case = case_with(
        &[
            ("=cmd.txt", short),
            ("@SUM(1+1).txt", short),
            ("-cmd.txt", short),
        ],
        None,
    );
    // Beside the case, not in it: a build refuses to write inside its case.
    let beside = tempfile::tempdir().unwrap();
    let out = beside.path().join("out");
    let o = build_into(case.path(), &out, &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let csv = std::fs::read_to_string(out.join("sammanstallning.csv")).unwrap();
    let head = csv.lines().next().unwrap();
    for cell in head.trim_start_matches('\u{feff}').split(';') {
        let c = cell.trim_start_matches('"');
        assert!(!c.starts_with(['=', '+', '-', '@', '\t', '\r']), "{head}");
    }
    assert!(
        head.contains("'=cmd") && head.contains("'@SUM(1+1)"),
        "{head}"
    );

    // And a respondent named in the manifest.
    let manifest = "title = \"T\"\n[[drafts]]\nfile = \"drafts/1.txt\"\nlabel = \"Remissversion\"\n[[answers]]\nfile = \"answers/a.txt\"\nrespondent = \"=HYPERLINK(\\\"http://x\\\",\\\"x\\\")\"\n";
    let a1 = read_sample("answers/socialforvaltningen.txt");
    let case = case_with(&[("a.txt", &a1)], Some(manifest));
    // Beside the case, not in it: a build refuses to write inside its case.
    let beside = tempfile::tempdir().unwrap();
    let out = beside.path().join("out");
    let o = build_into(case.path(), &out, &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let csv = std::fs::read_to_string(out.join("sammanstallning.csv")).unwrap();
    assert!(
        csv.contains(";\"'=HYPERLINK(\"\"http://x\"\",\"\"x\"\")\";"),
        "{}",
        csv.lines().next().unwrap()
    );
}

const HOSTILE: &str = "Stadsledningskontoret\n\nStadsledningskontoret tillstyrker 2 kap. 7 § <script>alert(1)</script> och <img src=x onerror=alert(2)>.\n\nStadsledningskontoret avstyrker 2 kap. 8 § *inte* [länk](javascript:alert(3)).\n";

#[test]
fn markdown_outputs_keep_inline_html_from_answers_as_text() {
    let case = case_with(&[("hostile.txt", HOSTILE.as_bytes())], None);
    // Beside the case, not in it: a build refuses to write inside its case.
    let beside = tempfile::tempdir().unwrap();
    let out = beside.path().join("out");
    let o = build_into(case.path(), &out, &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // Every `<` of the answers' text is escaped, and so is the link.
    let raw = |md: &str| md.replace("\\<", "");
    for f in ["yttrande.md", "genomslag.md"] {
        let md = std::fs::read_to_string(out.join(f)).unwrap();
        assert!(!raw(&md).contains("<script"), "{f}: {md}");
        assert!(!raw(&md).contains("<img"), "{f}: {md}");
        assert!(!md.contains("[länk](javascript"), "{f}: {md}");
    }
    let md = std::fs::read_to_string(out.join("yttrande.md")).unwrap();
    assert!(md.contains("\\<script\\>alert(1)\\</script\\>"), "{md}");
    for f in ["yttrande.html", "svar/r1.html"] {
        let html = std::fs::read_to_string(out.join(f)).unwrap();
        assert!(
            !html.contains("<script>alert") && !html.contains("<img src=x"),
            "{f}"
        );
    }

    // `stances --format md` too.
    let o = remiss([
        OsStr::new("stances"),
        case.path().join("answers/hostile.txt").as_os_str(),
        OsStr::new("--format"),
        OsStr::new("md"),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let md = stdout(&o);
    assert!(
        !raw(&md).contains("<script") && md.contains("\\<script\\>"),
        "{md}"
    );
}

#[test]
fn init_writes_the_manifest_and_never_overwrites_without_force() {
    let a1 = read_sample("answers/socialforvaltningen.txt");
    let case = case_with(&[("social.txt", &a1)], None);
    let toml_path = case.path().join("remiss.toml");
    let o = remiss([OsStr::new("init"), case.path().as_os_str()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let written = std::fs::read_to_string(&toml_path).unwrap();
    let parsed: toml::Value = toml::from_str(&written).expect("a valid manifest");
    assert_eq!(parsed["drafts"].as_array().unwrap().len(), 2);
    assert_eq!(
        parsed["answers"][0]["file"].as_str(),
        Some("answers/social.txt")
    );

    std::fs::write(&toml_path, "# edited by hand\n").unwrap();
    let o = remiss([OsStr::new("init"), case.path().as_os_str()]);
    assert_eq!(o.status.code(), Some(4), "{}", stderr(&o));
    assert!(stderr(&o).contains("--force"), "{}", stderr(&o));
    assert_eq!(
        std::fs::read_to_string(&toml_path).unwrap(),
        "# edited by hand\n"
    );

    let o = remiss([
        OsStr::new("init"),
        case.path().as_os_str(),
        OsStr::new("--force"),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(&toml_path).unwrap(), written);

    // The build then reads it.
    // Beside the case, not in it: a build refuses to write inside its case.
    let beside = tempfile::tempdir().unwrap();
    let out = beside.path().join("out");
    let o = build_into(case.path(), &out, &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o), "");
}

#[test]
fn remiss_alone_and_remiss_help_say_in_three_lines_what_it_is_for() {
    for args in [vec![], vec!["help"]] {
        let o = remiss(&args);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let out = stdout(&o);
        assert_eq!(out.lines().count(), 3, "{out}");
        assert!(
            out.contains("remiss init CASE") && out.contains("remiss build"),
            "{out}"
        );
    }
    let o = remiss(["help", "build"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("--templates"));
    let o = remiss(["help", "nonsense"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn every_argument_of_every_command_has_help_text() {
    for cmd in ["init", "build", "diff", "parse", "refs", "stances", "check"] {
        let o = remiss([cmd, "-h"]);
        assert_eq!(o.status.code(), Some(0), "{cmd}");
        let out = stdout(&o);
        let mut in_list = false;
        for line in out.lines() {
            if line.ends_with(':') && !line.starts_with(' ') {
                in_list = matches!(line, "Arguments:" | "Options:");
                continue;
            }
            if !in_list || line.trim().is_empty() || !line.starts_with("  ") {
                continue;
            }
            // `  <NAME>  Help`, `  -o, --output <FILE>  Help`: a gap, then words.
            let t = line.trim_start();
            if t.starts_with('<') || t.starts_with('-') || t.starts_with('[') {
                assert!(t.contains("  "), "`remiss {cmd}`: no help for {t:?}\n{out}");
            }
        }
    }
}

#[test]
fn check_reports_its_findings_as_json_too() {
    let answer = sample().join("answers/stockholm-ks-2025-1384.txt");
    let draft = sample().join("drafts/1-remissversion.txt");
    let run = |fmt: &str| {
        remiss([
            OsStr::new("check"),
            answer.as_os_str(),
            OsStr::new("--draft"),
            draft.as_os_str(),
            OsStr::new("--format"),
            OsStr::new(fmt),
        ])
    };
    let text = run("text");
    let json = run("json");
    assert_eq!(text.status.code(), Some(1));
    assert_eq!(json.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let findings = v["findings"].as_array().unwrap();
    assert_eq!(findings.len(), stdout(&text).lines().count());
    assert_eq!(findings[0]["kind"], "repeated");
    assert_eq!(findings[0]["line"], 223);
}

/// The version map and an answer's stance table of the sample case, as the renderers get
/// them: a change in either shows up here before it shows up in a page.
#[test]
fn snapshots_of_the_sample_version_map_and_stance_table() {
    let d1 = sample().join("drafts/1-remissversion.txt");
    let d2 = sample().join("drafts/2-beslutad-version.txt");
    let o = remiss([
        OsStr::new("diff"),
        d1.as_os_str(),
        d2.as_os_str(),
        OsStr::new("--format"),
        OsStr::new("json"),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let mut map: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    // Paths differ between machines; the file names do not.
    for side in ["old", "new"] {
        let name = Path::new(map[side]["source"].as_str().unwrap())
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        map[side]["source"] = name.into();
    }
    insta::assert_json_snapshot!("sample_version_map", map);

    let answer = sample().join("answers/stockholm-ks-2025-1384.txt");
    let o = remiss([
        OsStr::new("stances"),
        answer.as_os_str(),
        OsStr::new("--draft"),
        d1.as_os_str(),
        OsStr::new("--format"),
        OsStr::new("json"),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let mut table: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    table["source"] = "stockholm-ks-2025-1384.txt".into();
    insta::assert_json_snapshot!("sample_stance_table", table);
}

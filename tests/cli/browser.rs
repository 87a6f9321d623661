//! The built pages in a real browser: headless Chromium, each page in a 400 px frame. Each page gets a
//! probe (a copy of the build, with two small scripts added) that records script errors,
//! measures what sticks out sideways outside the table containers, and works the
//! compilation's filters; Chromium's `--dump-dom` hands the result back. Links and
//! anchors are checked over every page of the build. No WebDriver: the same checks
//! without an async browser-driver stack to compile on a small CI machine.
//!
//! Chromium is found as `chromium` (Debian's package; `.ci/run` installs it when missing)
//! or through `REMISS_CHROMIUM`. Without it the test says so and passes, except under
//! CI, where a missing browser is a failure.

use super::*;
use std::collections::{BTreeMap, BTreeSet};

/// Records errors from the first moment: uncaught exceptions, failed loads, console.error.
const EARLY: &str = "<script>window.__errs=[];addEventListener('error',function(e){__errs.push(e.message||('load failed: '+((e.target&&(e.target.src||e.target.href))||'?')))},true);addEventListener('unhandledrejection',function(e){__errs.push('rejection: '+e.reason)});(function(c){console.error=function(){__errs.push([].slice.call(arguments).join(' '));c.apply(console,arguments)}})(console.error);</script>";

/// Measures and works the page once it has run its own scripts.
const PROBE: &str = r#"<script>(function(){
var r={errors:window.__errs,width:document.documentElement.clientWidth,scroll:document.documentElement.scrollWidth,outside:[],filters:null};
var vw=r.width;
document.querySelectorAll('body *').forEach(function(e){
  if(e.closest('.table-wrap')||e.tagName==='SCRIPT')return;
  var b=e.getBoundingClientRect();
  if(b.width>0&&b.right>vw+1&&r.outside.length<8)r.outside.push(e.tagName.toLowerCase()+(e.id?'#'+e.id:'')+(e.className?'.'+String(e.className).split(' ')[0]:'')+' '+Math.round(b.right));
});
var f=document.getElementById('filters');
if(f){
  var rows=function(){return Array.prototype.slice.call(document.querySelectorAll('#matrix tbody tr'))};
  var visible=function(){return rows().filter(function(t){return !t.hidden&&t.offsetParent!==null}).length};
  var set=function(v){f.querySelector('input[name=show][value='+v+']').checked=true;f.dispatchEvent(new Event('change'))};
  var o={all:visible()};
  set('commented');o.commented=visible();
  set('conflict');o.conflict=visible();
  set('corrected');o.corrected=visible();
  set('all');
  var sel=f.elements.who;sel.value=sel.options[sel.options.length-1].value;f.dispatchEvent(new Event('change'));o.one=visible();
  sel.value='';f.dispatchEvent(new Event('change'));
  f.elements.sort.checked=true;f.dispatchEvent(new Event('change'));
  var first=rows()[0];o.first_opposing=+first.dataset.opposing;
  o.max_opposing=Math.max.apply(null,rows().map(function(t){return +t.dataset.opposing}));
  f.elements.sort.checked=false;f.dispatchEvent(new Event('change'));
  o.back=rows()[0].id;
  o.commented_rows=rows().filter(function(t){return t.dataset.commented==='true'}).length;
  o.conflict_rows=rows().filter(function(t){return t.dataset.conflict==='true'}).length;
  r.filters=o;
}
(window.parent||window).document.body.setAttribute('data-probe',JSON.stringify(r));
})();</script>"#;

fn unescape(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// Every `attr="…"` value in a page.
fn values<'a>(html: &'a str, attr: &str) -> Vec<&'a str> {
    let key = format!(" {attr}=\"");
    html.match_indices(&key)
        .filter_map(|(i, _)| {
            let rest = &html[i + key.len()..];
            rest.find('"').map(|e| &rest[..e])
        })
        .collect()
}

fn pages(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for e in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let e = e.unwrap();
        if e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "html") {
            out.push(e.path().strip_prefix(dir).unwrap().display().to_string());
        }
    }
    out
}

#[test]
fn every_link_and_anchor_of_the_build_resolves() {
    let out = tempfile::tempdir().unwrap();
    let o = remiss([
        "build".as_ref(),
        corpus("msb-cybersakerhet").as_os_str(),
        "-o".as_ref(),
        out.path().as_os_str(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let pages = pages(out.path());
    let mut ids: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for p in &pages {
        let html = std::fs::read_to_string(out.path().join(p)).unwrap();
        let set: BTreeSet<String> = values(&html, "id").into_iter().map(unescape).collect();
        ids.insert(p.clone(), set);
    }
    let mut checked = 0;
    for p in &pages {
        let html = std::fs::read_to_string(out.path().join(p)).unwrap();
        let dir = Path::new(p).parent().unwrap_or(Path::new(""));
        for href in values(&html, "href") {
            let href = unescape(href);
            if href.starts_with("http:")
                || href.starts_with("https:")
                || href.starts_with("mailto:")
            {
                continue;
            }
            let (file, anchor) = match href.split_once('#') {
                Some((f, a)) => (f, Some(a)),
                None => (href.as_str(), None),
            };
            let target = if file.is_empty() {
                p.clone()
            } else {
                // Normalise `../x.html` against the page's folder.
                let mut parts: Vec<String> = dir
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                for c in file.split('/') {
                    match c {
                        ".." => {
                            parts.pop();
                        }
                        "." | "" => {}
                        c => parts.push(c.to_string()),
                    }
                }
                parts.join("/")
            };
            assert!(
                out.path().join(&target).is_file(),
                "{p}: link to {href}: no file {target}"
            );
            if let Some(a) = anchor {
                assert!(
                    ids.get(&target).is_some_and(|s| s.contains(a)),
                    "{p}: link to {href}: {target} has no id {a:?}"
                );
            }
            checked += 1;
        }
    }
    assert!(checked > 500, "{checked} links checked");
}

#[test]
fn the_pages_fit_400_px_the_filters_work_and_nothing_logs_an_error() {
    let Some(browser) = chromium() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "no chromium on PATH (set REMISS_CHROMIUM); .ci/run installs Debian's chromium"
        );
        eprintln!("skipped: no chromium on PATH (set REMISS_CHROMIUM to run the browser test)");
        return;
    };
    let work = tempfile::tempdir().unwrap();
    let out = work.path().join("out");
    // One correction, so the filter for corrected readings has a row to show.
    let case = work.path().join("case");
    for e in walkdir::WalkDir::new(corpus("msb-cybersakerhet")) {
        let e = e.unwrap();
        let rel = e.path().strip_prefix(corpus("msb-cybersakerhet")).unwrap();
        let to = case.join(rel);
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&to).unwrap();
        } else {
            std::fs::copy(e.path(), &to).unwrap();
        }
    }
    let mut toml = std::fs::read_to_string(case.join("remiss.toml")).unwrap();
    toml.push_str("\n[[correction]]\nanswer = \"Servicenämnden\"\ntarget = \"2 kap. 14 §\"\nstance = \"comment\"\nnote = \"Test.\"\n");
    std::fs::write(case.join("remiss.toml"), toml).unwrap();
    let o = remiss([
        "build".as_ref(),
        case.as_os_str(),
        "-o".as_ref(),
        out.as_os_str(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let profile = work.path().join("profile");
    let mut probed = 0;
    for page in pages(&out) {
        // The answer pages share one template: the first stands for them all.
        if page.starts_with("svar/") && page != "svar/r1.html" {
            continue;
        }
        let path = out.join(&page);
        let html = std::fs::read_to_string(&path).unwrap();
        let html = html
            .replacen("<head>", &format!("<head>{EARLY}"), 1)
            .replacen("</body>", &format!("{PROBE}</body>"), 1);
        // The probe copy sits beside the page, so its links and styles resolve the same.
        let probe = path.with_file_name(format!(
            "probe-{}",
            path.file_name().unwrap().to_string_lossy()
        ));
        std::fs::write(&probe, html).unwrap();
        // Headless Chromium's window is at least 500 px wide: a 400 px frame is the
        // viewport of the page.
        let frame = path.with_file_name("probe-frame.html");
        std::fs::write(
            &frame,
            format!(
                "<!DOCTYPE html><html><body style=\"margin:0\"><iframe src=\"{}\" width=\"400\" height=\"900\" style=\"border:0\"></iframe></body></html>",
                probe.file_name().unwrap().to_string_lossy()
            ),
        )
        .unwrap();
        let o = std::process::Command::new(&browser)
            .args(CHROMIUM_FLAGS)
            .args([
                "--hide-scrollbars",
                "--window-size=800,1000",
                "--allow-file-access-from-files",
                "--virtual-time-budget=2000",
                "--dump-dom",
            ])
            .arg(format!("--user-data-dir={}", profile.display()))
            .arg(format!("file://{}", frame.display()))
            .output()
            .expect("chromium runs");
        std::fs::remove_file(&probe).unwrap();
        std::fs::remove_file(&frame).unwrap();
        let dom = String::from_utf8_lossy(&o.stdout);
        let Some(at) = dom.find("data-probe=\"") else {
            panic!(
                "{page}: the probe did not run\nstderr: {}",
                String::from_utf8_lossy(&o.stderr)
            );
        };
        let rest = &dom[at + 12..];
        let json = unescape(&rest[..rest.find('"').unwrap()]);
        let r: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(r["errors"], serde_json::json!([]), "{page}: script errors");
        assert!(
            r["width"].as_u64().unwrap() <= 400,
            "{page}: viewport {}",
            r["width"]
        );
        assert!(
            r["scroll"].as_u64() <= r["width"].as_u64(),
            "{page}: the page scrolls sideways ({} > {}): {}",
            r["scroll"],
            r["width"],
            r["outside"]
        );
        assert_eq!(
            r["outside"],
            serde_json::json!([]),
            "{page}: sticks out outside a table container"
        );
        if page == "sammanstallning.html" {
            let f = &r["filters"];
            let n = |k: &str| f[k].as_u64().unwrap();
            assert!(n("all") > n("commented"), "{f}");
            assert_eq!(n("commented"), n("commented_rows"), "{f}");
            assert_eq!(n("conflict"), n("conflict_rows"), "{f}");
            assert_eq!(n("conflict"), 5, "{f}");
            assert_eq!(n("corrected"), 1, "{f}");
            assert!(n("one") > 0 && n("one") < n("all"), "{f}");
            assert_eq!(n("first_opposing"), n("max_opposing"), "{f}");
            assert_eq!(f["back"], "DOC", "unsorted again: {f}");
        }
        probed += 1;
    }
    assert!(probed >= 6, "{probed} pages probed");
}

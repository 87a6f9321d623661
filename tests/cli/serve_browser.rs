//! `remiss serve` as a person uses it: headless Chromium driven through WebDriver
//! (Debian's `chromium` and `chromium-driver`; `.ci/run` installs them when missing) with
//! fantoccini. Open the matrix, open a cell, correct it, see the opinion in another window
//! change by itself, reload and find the correction kept (and in remiss.toml with its
//! comments); the keyboard path; a forged form post from another page and a
//! DNS-rebinding name refused; the page without JavaScript says the panel needs it.
//!
//! The browser and its driver are found on PATH (`chromium`, `chromedriver`) or through
//! `REMISS_CHROMIUM` and `REMISS_CHROMEDRIVER`. Without them the test says so and passes,
//! except under CI, where they must be there. `REMISS_SCREENSHOTS=DIR` saves a screenshot
//! of each step (to look at while working on the panel; never committed).

use super::serve::Server;
use super::*;
use fantoccini::{Client, ClientBuilder, Locator, key::Key};
use std::net::TcpStream;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

/// `chromedriver` on a free port, stopped (by its id) when dropped.
struct Driver {
    child: Child,
    port: u16,
}

impl Driver {
    fn start(exe: &Path) -> Driver {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new(exe)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let t = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                t.elapsed() < Duration::from_secs(20),
                "chromedriver does not listen"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        Driver { child, port }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn shot(c: &Client, name: &str) {
    if let Some(dir) = std::env::var_os("REMISS_SCREENSHOTS") {
        let png = c.screenshot().await.unwrap();
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(Path::new(&dir).join(format!("{name}.png")), png).unwrap();
    }
}

/// Waits until the text of the element matching `css` satisfies `ok`.
async fn wait_text(c: &Client, css: &str, ok: impl Fn(&str) -> bool, what: &str) -> String {
    let t = Instant::now();
    loop {
        if let Ok(e) = c.find(Locator::Css(css)).await
            && let Ok(text) = e.text().await
            && ok(&text)
        {
            return text;
        }
        if t.elapsed() > Duration::from_secs(45) {
            let body = match c.find(Locator::Css("body")).await {
                Ok(b) => b.text().await.unwrap_or_default(),
                Err(_) => String::new(),
            };
            panic!("{what}: {css} never showed it; the page says:\n{body}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn click(c: &Client, css: &str) {
    c.find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .click()
        .await
        .unwrap();
}

async fn text_of(c: &Client, css: &str) -> String {
    c.find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .text()
        .await
        .unwrap()
}

async fn js(c: &Client, script: &str) -> serde_json::Value {
    c.execute(script, vec![]).await.unwrap()
}

#[test]
fn a_reviewer_corrects_a_reading_in_the_browser_and_finds_it_kept() {
    let (Some(browser), Some(driver)) = (
        chromium(),
        find_program("REMISS_CHROMEDRIVER", &["chromedriver"]),
    ) else {
        assert!(
            std::env::var_os("CI").is_none(),
            "no chromium and chromedriver on PATH; .ci/run installs Debian's chromium and chromium-driver"
        );
        eprintln!(
            "skipped: no chromium and chromedriver on PATH (set REMISS_CHROMIUM and REMISS_CHROMEDRIVER)"
        );
        return;
    };
    let s = Server::start(&["--reviewer", "Eva Ek"]);
    let before = s.manifest();
    let profile = tempfile::tempdir().unwrap();
    let d = Driver::start(&driver);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let connect = |js: bool| {
            let mut args: Vec<String> = CHROMIUM_FLAGS.iter().map(|s| s.to_string()).collect();
            let dir = profile.path().join(if js { "js" } else { "nojs" });
            args.push(format!("--user-data-dir={}", dir.display()));
            args.push("--window-size=1400,1000".into());
            // A name of the attacker's that resolves to this machine: DNS rebinding.
            args.push("--host-resolver-rules=MAP evil.example 127.0.0.1".into());
            let mut opts = serde_json::json!({"binary": browser, "args": args});
            if !js {
                opts["prefs"] =
                    serde_json::json!({"profile.managed_default_content_settings.javascript": 2});
            }
            let mut caps = serde_json::Map::new();
            caps.insert("goog:chromeOptions".into(), opts);
            let port = d.port;
            async move {
                ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
                    .capabilities(caps)
                    .connect(&format!("http://127.0.0.1:{port}"))
                    .await
                    .expect("a WebDriver session")
            }
        };
        let c = connect(true).await;
        session(&c, &s, &before).await;
        let _ = c.close().await;
        // Without JavaScript the pages read, the links work, and the panel says it needs it.
        let c = connect(false).await;
        c.goto(&s.url("/sammanstallning.html")).await.unwrap();
        let note = text_of(&c, ".remiss-nojs").await;
        assert!(note.starts_with("Granskningspanelen"), "{note}");
        // At the top of the page, where it is seen first.
        let at = c.find(Locator::Css(".remiss-nojs")).await.unwrap();
        let (_, y, _, _) = at.rectangle().await.unwrap();
        assert!(y < 20.0, "the note is {y}px down the page");
        assert!(c.find(Locator::Id("remiss-progress")).await.is_err());
        shot(&c, "7-no-javascript").await;
        click(&c, "tr[id='K2P14'] td:nth-child(5) a.chip").await;
        let url = c.current_url().await.unwrap();
        assert!(url.as_str().contains("/svar/r4.html#L"), "{url}");
        let _ = c.close().await;
    });
}

async fn session(c: &Client, s: &Server, before: &str) {
    // The start page is the matrix, with the review's progress.
    c.goto(&s.url("/")).await.unwrap();
    assert!(
        c.current_url()
            .await
            .unwrap()
            .as_str()
            .ends_with("/sammanstallning.html")
    );
    let progress = wait_text(
        c,
        "#remiss-progress",
        |t| t.contains("Granskade"),
        "progress",
    )
    .await;
    assert!(
        progress.starts_with("Granskade 0 av 275 läsningar"),
        "{progress}"
    );
    shot(c, "1-matrix").await;
    // The opinion in a window of its own: it must change without being reloaded.
    let matrix = c.window().await.unwrap();
    let other = c.new_window(false).await.unwrap();
    c.switch_to_window(other.handle.clone()).await.unwrap();
    c.goto(&s.url("/yttrande.html")).await.unwrap();
    let text = wait_text(c, "main", |t| t.contains("Servicenämnden"), "opinion").await;
    assert!(
        text.contains("Servicenämnden (avstyrker): Servicenämnden avstyrker 14"),
        "{text}"
    );
    c.switch_to_window(matrix.clone()).await.unwrap();
    // Open Servicenämnden's reading of 2 kap. 14 §.
    click(c, "tr[id='K2P14'] td:nth-child(5) a.chip").await;
    let target = wait_text(c, "#remiss-target", |t| !t.is_empty(), "panel").await;
    // WebDriver gives no-break spaces as spaces.
    assert_eq!(target, "2 kap. 14 §");
    let reading = text_of(c, "#remiss-reading").await;
    assert!(reading.starts_with("avstyrker"), "{reading}");
    let wording = text_of(c, ".remiss-wording").await;
    assert!(wording.contains("14 § "), "{wording}");
    // The answer beside it, scrolled to the sentence, the sentence highlighted.
    let t = Instant::now();
    loop {
        let n = js(c, "var f=document.querySelector('.remiss-answer');var d=f&&f.contentDocument;return d?d.querySelectorAll('.remiss-hl').length:0").await;
        if n.as_u64().unwrap_or(0) > 0 {
            break;
        }
        assert!(
            t.elapsed() < Duration::from_secs(20),
            "the evidence is not highlighted"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    shot(c, "2-panel").await;
    // Correct it: support, with a note.
    c.find(Locator::Css(
        "#remiss-form input[name=stance][value=support]",
    ))
    .await
    .unwrap()
    .click()
    .await
    .unwrap();
    c.find(Locator::Css("#remiss-form textarea[name=note]"))
        .await
        .unwrap()
        .send_keys("Läst i sitt sammanhang.")
        .await
        .unwrap();
    click(c, "#remiss-save").await;
    wait_text(
        c,
        "#remiss-progress",
        |t| t.starts_with("Granskade 1 av"),
        "progress after the save",
    )
    .await;
    shot(c, "3-saved").await;
    // The opinion in the other window changed by itself.
    c.switch_to_window(other.handle.clone()).await.unwrap();
    wait_text(
        c,
        "main",
        |t| {
            t.contains(
                "Servicenämnden (tillstyrker; korrigerad: Läst i sitt sammanhang.): Servicenämnden avstyrker 14",
            )
        },
        "the opinion after the correction",
    )
    .await;
    shot(c, "4-opinion").await;
    c.close_window().await.unwrap();
    c.switch_to_window(matrix).await.unwrap();
    // Reload: the cell is marked corrected and its panel says by whom.
    c.refresh().await.unwrap();
    let cell = text_of(c, "tr[id='K2P14'] td:nth-child(5)").await;
    assert!(
        cell.contains("tillstyrker") && cell.contains("korrigerad"),
        "{cell}"
    );
    click(c, "tr[id='K2P14'] td:nth-child(5) a.chip").await;
    let entry = wait_text(c, "#remiss-entry", |t| !t.is_empty(), "the saved entry").await;
    assert!(
        entry.starts_with("Korrigering sparad av Eva Ek 20"),
        "{entry}"
    );
    let m = s.manifest();
    assert!(m.starts_with(before), "the manifest lost something:\n{m}");
    assert!(m[before.len()..].starts_with("\n[[correction]]\nanswer = \"answers/serviceforvaltningen.txt\"\ntarget = \"K2P14\"\nstance = \"support\"\nnote = \"Läst i sitt sammanhang.\"\nby = \"Eva Ek\"\n"), "{m}");
    // The keyboard: close, next unreviewed, confirm; next, another stance, save.
    c.active_element()
        .await
        .unwrap()
        .send_keys(&Key::Escape.to_string())
        .await
        .unwrap();
    let body = c.find(Locator::Css("body")).await.unwrap();
    body.send_keys("n").await.unwrap();
    let first = wait_text(c, "#remiss-target", |t| !t.is_empty(), "n opens a reading").await;
    let who = text_of(c, ".remiss-who").await;
    body.send_keys("c").await.unwrap();
    wait_text(
        c,
        "#remiss-progress",
        |t| t.starts_with("Granskade 2 av"),
        "c confirms",
    )
    .await;
    let second = wait_text(c, "#remiss-target", |t| !t.is_empty(), "the next reading").await;
    let who2 = text_of(c, ".remiss-who").await;
    assert_ne!(
        (first.clone(), who.clone()),
        (second.clone(), who2.clone()),
        "c moves on"
    );
    let now = js(
        c,
        "return document.querySelector('#remiss-form input[name=stance]:checked').value",
    )
    .await;
    // Key 3 is avstyrker, 1 tillstyrker: take one the reading is not.
    let (key, stance) = if now == "oppose" {
        ("1", "support")
    } else {
        ("3", "oppose")
    };
    c.active_element()
        .await
        .unwrap()
        .send_keys(key)
        .await
        .unwrap();
    c.active_element()
        .await
        .unwrap()
        .send_keys("s")
        .await
        .unwrap();
    wait_text(
        c,
        "#remiss-progress",
        |t| t.starts_with("Granskade 3 av"),
        "s saves",
    )
    .await;
    shot(c, "5-keyboard").await;
    let m: toml::Value = toml::from_str(&s.manifest()).unwrap();
    let entries = m["correction"].as_array().unwrap();
    assert_eq!(entries.len(), 3, "{entries:?}");
    assert_eq!(entries[1]["confirm"].as_bool(), Some(true));
    assert_eq!(entries[2]["stance"].as_str(), Some(stance));
    // A citation of a paragraph the draft lacks, re-pointed to the one meant.
    click(c, "#remiss-citations summary").await;
    click(c, "#remiss-citations button[data-r='r3']").await;
    let target = wait_text(c, "#remiss-target", |t| t.contains("25"), "the citation").await;
    assert_eq!(target, "2 kap. 25 §");
    c.active_element()
        .await
        .unwrap()
        .send_keys(&format!("2 kap. 22 §{}", Key::Enter))
        .await
        .unwrap();
    wait_text(
        c,
        "#remiss-citations summary",
        |t| t.ends_with("(0 ogranskade)"),
        "the citation re-pointed",
    )
    .await;
    shot(c, "6-citation").await;
    let m: toml::Value = toml::from_str(&s.manifest()).unwrap();
    let last = m["correction"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["target"].as_str(), Some("2 kap. 25 §"));
    assert_eq!(last["target_is"].as_str(), Some("2 kap. 22 §"));
    // A forged form post from another page (no token): refused, nothing saved.
    let forged = format!(
        "data:text/html,<form method=post enctype=text/plain action='{}'><input name='{{\"r\":\"r1\",\"target\":\"DOC\",\"action\":\"confirm\",\"x\":\"' value='\"}}'></form><script>document.forms[0].submit()</script>",
        s.url("/_remiss/api/review")
    );
    let kept = s.manifest();
    c.goto(&forged).await.unwrap();
    let page = wait_text(c, "body", |t| t.contains("refused"), "the forged post").await;
    assert!(page.contains("token"), "{page}");
    assert_eq!(s.manifest(), kept);
    // The same server under a name that resolves to it (DNS rebinding): refused.
    c.goto(&format!(
        "http://evil.example:{}/sammanstallning.html",
        s.port
    ))
    .await
    .unwrap();
    let page = wait_text(c, "body", |t| t.contains("refused"), "the rebinding name").await;
    assert!(page.contains("DNS rebinding"), "{page}");
}

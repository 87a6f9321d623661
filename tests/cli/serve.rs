//! `remiss serve` over HTTP: the real binary on a copy of the sample case, spoken to with
//! a small HTTP/1.1 client on loopback. The refusals (a foreign Host, a request without the
//! token, a path out of the build, a body over the limit), a save landing in remiss.toml
//! with its comments kept and rebuilding the opinion, a hand edit picked up, two saves of
//! one reading refused, two of different readings both kept.

use super::*;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

/// A running `remiss serve` on a copy of a case; stopped (by its id) when dropped.
pub struct Server {
    pub child: Child,
    pub port: u16,
    pub case: PathBuf,
    pub out: PathBuf,
    _work: tempfile::TempDir,
}

/// Copies the sample case into `to` (the test writes its manifest).
pub fn copy_case(to: &Path) {
    let from = corpus("msb-cybersakerhet");
    for e in walkdir::WalkDir::new(&from) {
        let e = e.unwrap();
        let rel = e.path().strip_prefix(&from).unwrap();
        let dest = to.join(rel);
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(e.path(), &dest).unwrap();
        }
    }
}

impl Server {
    /// Starts the server on a copy of the sample case, with `extra` arguments, and waits
    /// for the link it prints.
    pub fn start(extra: &[&str]) -> Server {
        let work = tempfile::tempdir().unwrap();
        let case = work.path().join("case");
        copy_case(&case);
        Server::start_in(work, case, extra)
    }

    pub fn start_in(work: tempfile::TempDir, case: PathBuf, extra: &[&str]) -> Server {
        let out = work.path().join("out");
        let mut child = Command::new(env!("CARGO_BIN_EXE_remiss"))
            .arg("serve")
            .arg(&case)
            .arg("-o")
            .arg(&out)
            .args(extra)
            .env("NO_COLOR", "1")
            .env_remove("REMISS_REVIEWER")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("remiss serve starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let port = line
            .trim()
            .trim_end_matches('/')
            .rsplit(':')
            .next()
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("remiss serve printed no link: {line:?}"));
        Server {
            child,
            port,
            case,
            out,
            _work: work,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    pub fn host(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    pub fn get(&self, path: &str) -> Reply {
        http(self.port, "GET", path, &[("Host", &self.host())], b"")
    }

    /// The session's token, as a page carries it.
    pub fn token(&self) -> String {
        let page = self.get("/sammanstallning.html").text();
        let at = page.find("token:\"").expect("the page carries the token") + 7;
        page[at..at + page[at..].find('"').unwrap()].to_string()
    }

    pub fn post(&self, path: &str, token: &str, body: &serde_json::Value) -> Reply {
        let body = body.to_string();
        http(
            self.port,
            "POST",
            path,
            &[
                ("Host", &self.host()),
                ("X-Remiss-Token", token),
                ("Content-Type", "application/json"),
            ],
            body.as_bytes(),
        )
    }

    pub fn state(&self) -> serde_json::Value {
        self.get("/_remiss/api/state").json()
    }

    pub fn generation(&self) -> u64 {
        self.state()["generation"].as_u64().unwrap()
    }

    /// Waits until a build after generation `after` is served (or fails the test).
    pub fn wait_build(&self, after: u64) -> serde_json::Value {
        let t = Instant::now();
        loop {
            let s = self.state();
            if s["generation"].as_u64().unwrap() > after && s["error"].is_null() {
                return s;
            }
            assert!(
                t.elapsed() < Duration::from_secs(60),
                "no new build after generation {after}: {s}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    pub fn manifest(&self) -> String {
        std::fs::read_to_string(self.case.join("remiss.toml")).unwrap()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A response: status, headers (lower-case names), body.
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// One HTTP/1.1 request on a fresh connection to 127.0.0.1, headers as given (so a test
/// can send any Host), read to the end.
pub fn http(port: u16, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Reply {
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    let mut req = format!("{method} {path} HTTP/1.1\r\nConnection: close\r\n");
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    if !body.is_empty() || method == "POST" {
        req.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    req.push_str("\r\n");
    s.write_all(req.as_bytes()).unwrap();
    s.write_all(body).unwrap();
    let mut raw = Vec::new();
    // A refused body may close the connection before all of it is read back.
    let _ = s.read_to_end(&mut raw);
    let end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no HTTP response: {:?}", String::from_utf8_lossy(&raw)));
    let head = String::from_utf8_lossy(&raw[..end]).into_owned();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|c| c.parse().ok())
        .unwrap();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_lowercase(), v.trim().to_string()))
        .collect();
    let mut body = raw[end + 4..].to_vec();
    if headers
        .iter()
        .any(|(k, v)| k == "transfer-encoding" && v.contains("chunked"))
    {
        body = unchunk(&body);
    }
    Reply {
        status,
        headers,
        body,
    }
}

fn unchunk(mut b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(i) = b.windows(2).position(|w| w == b"\r\n") {
        let n = usize::from_str_radix(String::from_utf8_lossy(&b[..i]).trim(), 16).unwrap_or(0);
        if n == 0 {
            break;
        }
        out.extend_from_slice(&b[i + 2..i + 2 + n]);
        b = &b[i + 2 + n + 2..];
    }
    out
}

fn correct(r: &str, target: &str, base: &str, stance: &str, note: &str) -> serde_json::Value {
    serde_json::json!({"r": r, "target": target, "base": base, "action": "correct", "stance": stance, "note": note})
}

#[test]
fn a_foreign_host_a_missing_token_and_a_foreign_origin_are_refused() {
    let s = Server::start(&[]);
    let evil = http(
        s.port,
        "GET",
        "/sammanstallning.html",
        &[("Host", "evil.example")],
        b"",
    );
    assert_eq!(evil.status, 403, "{}", evil.text());
    assert!(evil.text().contains("DNS rebinding"), "{}", evil.text());
    // A rebinding page on its own name with our port is refused too; an IP literal is ours.
    let port = s.port.to_string();
    let evil_port = format!("evil.example:{port}");
    assert_eq!(
        http(s.port, "GET", "/", &[("Host", &evil_port)], b"").status,
        403
    );
    let localhost = format!("localhost:{port}");
    assert_eq!(
        http(s.port, "GET", "/", &[("Host", &localhost)], b"").status,
        303
    );
    let before = s.manifest();
    let body = correct("r1", "K2P7", "", "support", "forged");
    // No token: refused, nothing written.
    let r = http(
        s.port,
        "POST",
        "/_remiss/api/review",
        &[("Host", &s.host()), ("Content-Type", "application/json")],
        body.to_string().as_bytes(),
    );
    assert_eq!(r.status, 403, "{}", r.text());
    assert!(r.text().contains("token"), "{}", r.text());
    // A guessed token: refused.
    let r = s.post(
        "/_remiss/api/review",
        "0123456789abcdef0123456789abcdef",
        &body,
    );
    assert_eq!(r.status, 403);
    // The right token from another site's page: refused.
    let token = s.token();
    let r = http(
        s.port,
        "POST",
        "/_remiss/api/review",
        &[
            ("Host", &s.host()),
            ("X-Remiss-Token", &token),
            ("Origin", "http://evil.example"),
        ],
        body.to_string().as_bytes(),
    );
    assert_eq!(r.status, 403, "{}", r.text());
    assert!(r.text().contains("another site"), "{}", r.text());
    // A page's own request goes through.
    let r = s.post("/_remiss/api/review", &token, &body);
    assert_eq!(r.status, 200, "{}", r.text());
    assert_ne!(s.manifest(), before);
    // Every response says what the browser may do with it.
    let page = s.get("/sammanstallning.html");
    assert_eq!(page.header("x-frame-options"), Some("SAMEORIGIN"));
    assert!(
        page.header("content-security-policy")
            .unwrap()
            .contains("connect-src 'self'")
    );
}

#[test]
fn no_request_path_reaches_a_file_outside_the_build_and_bodies_are_bounded() {
    let s = Server::start(&[]);
    for path in [
        "/../remiss.toml",
        "/%2e%2e/remiss.toml",
        "/svar/../../remiss.toml",
        "/..%2fremiss.toml",
        "//etc/passwd",
        "/answers/stockholm-ks-2025-1384.txt",
        "/remiss.toml",
        "/.remiss-build",
    ] {
        let r = s.get(path);
        assert!(r.status == 404 || r.status == 400, "{path}: {}", r.status);
        assert!(!r.text().contains("[[answers]]"), "{path}");
    }
    assert_eq!(s.get("/svar/r1.html").status, 200);
    assert_eq!(s.get("/yttrande.docx").status, 200);
    let token = s.token();
    let big = serde_json::json!({"r": "r1", "target": "K2P7", "action": "confirm", "note": "x".repeat(64 * 1024)});
    let r = s.post("/_remiss/api/review", &token, &big);
    assert_eq!(r.status, 413, "{}", r.text());
    let bad = s.post(
        "/_remiss/api/review",
        &token,
        &serde_json::json!({"r": "r1", "target": "K2P7", "action": "burn"}),
    );
    assert_eq!(bad.status, 400, "{}", bad.text());
}

#[test]
fn a_correction_lands_in_the_manifest_with_its_comments_and_the_opinion_is_rebuilt() {
    let work = tempfile::tempdir().unwrap();
    let case = work.path().join("case");
    copy_case(&case);
    // A reviewer named in the manifest is written with each decision.
    let toml = std::fs::read_to_string(case.join("remiss.toml")).unwrap();
    std::fs::write(
        case.join("remiss.toml"),
        toml.replacen(
            "author = ",
            "reviewer = \"Eva Ek\"   # who reviews in remiss serve\nauthor = ",
            1,
        ),
    )
    .unwrap();
    let s = Server::start_in(work, case, &[]);
    let before = s.manifest();
    let opinion = s.get("/yttrande.md").text();
    assert!(
        opinion.contains("*Servicenämnden* (avstyrker)"),
        "{opinion}"
    );
    let cell = s.get("/_remiss/api/cell?r=r4&id=K2P14").json();
    assert_eq!(cell["stance"], "oppose");
    assert_eq!(
        cell["evidence"][0]["text"],
        "Servicenämnden avstyrker 14 §."
    );
    assert_eq!(cell["base"], "");
    assert!(cell["wording"][0].as_str().unwrap().starts_with("14 §"));
    let g = s.generation();
    let token = s.token();
    let r = s.post(
        "/_remiss/api/review",
        &token,
        &correct("r4", "K2P14", "", "support", "Läst i sitt sammanhang."),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let after = s.manifest();
    // The file as it was, every comment included, and the entry after it.
    assert!(after.starts_with(&before), "{after}");
    let added = &after[before.len()..];
    assert!(added.starts_with("\n[[correction]]\nanswer = \"answers/serviceforvaltningen.txt\"\ntarget = \"K2P14\"\nstance = \"support\"\nnote = \"Läst i sitt sammanhang.\"\nby = \"Eva Ek\"\nat = \""), "{added}");
    let state = s.wait_build(g);
    assert_eq!(state["all"]["corrected"], 1);
    assert_eq!(state["reviewed"], serde_json::json!(["r4:K2P14"]));
    let opinion = s.get("/yttrande.md").text();
    assert!(
        opinion.contains("*Servicenämnden* (tillstyrker)")
            && !opinion.contains("*Servicenämnden* (avstyrker)"),
        "{opinion}"
    );
    // The build on disk is the one served.
    assert_eq!(
        std::fs::read_to_string(s.out.join("yttrande.md")).unwrap(),
        opinion
    );
    // data.json too, though the server makes it as it is asked for rather than holding it:
    // the correction is in it.
    let data = s.get("/data.json");
    assert_eq!(data.body, std::fs::read(s.out.join("data.json")).unwrap());
    assert!(
        data.json()["corrections"][0]["note"] == "Läst i sitt sammanhang.",
        "{}",
        data.json()["corrections"]
    );
    // Confirmed after all: the entry is replaced in place, the file stays valid.
    let base = r.json()["base"].as_str().unwrap().to_string();
    let g = s.generation();
    let r = s.post(
        "/_remiss/api/review",
        &token,
        &serde_json::json!({"r": "r4", "target": "K2P14", "base": base, "action": "clear"}),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(s.manifest(), before);
    s.wait_build(g);
    let r = s.post(
        "/_remiss/api/review",
        &token,
        &serde_json::json!({"r": "r4", "target": "K2P14", "base": "", "action": "confirm"}),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    assert!(
        s.manifest()
            .contains("target = \"K2P14\"\nconfirm = true\n")
    );
}

#[test]
fn a_hand_edit_is_picked_up_and_a_save_over_a_changed_entry_is_refused() {
    let s = Server::start(&[]);
    let token = s.token();
    let g = s.generation();
    // By hand, while the server runs: a correction of Servicenämnden's 2 kap. 7 §.
    let mut toml = s.manifest();
    toml.push_str("\n# By hand.\n[[correction]]\nanswer = \"Servicenämnden\"\ntarget = \"2 kap. 7 §\"\nstance = \"comment\"\n");
    std::fs::write(s.case.join("remiss.toml"), &toml).unwrap();
    let state = s.wait_build(g);
    assert_eq!(state["reviewed"], serde_json::json!(["r4:K2P7"]));
    let cell = s.get("/_remiss/api/cell?r=r4&id=K2P7").json();
    assert_eq!(cell["stance"], "comment");
    assert_eq!(cell["target"], "2 kap. 7 §");
    // A tab opened before the hand edit saw no entry: its save is refused, the file kept.
    let r = s.post(
        "/_remiss/api/review",
        &token,
        &correct("r4", "K2P7", "", "oppose", "stale tab"),
    );
    assert_eq!(r.status, 409, "{}", r.text());
    assert!(
        r.json()["error"]
            .as_str()
            .unwrap()
            .contains("since you opened it")
    );
    assert_eq!(s.manifest(), toml);
    // With the entry as it is now, the save goes through, in place, keeping the comment.
    let base = cell["base"].as_str().unwrap();
    let g = s.generation();
    let r = s.post(
        "/_remiss/api/review",
        &token,
        &correct("r4", "2 kap. 7 §", base, "oppose", ""),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    assert!(
        s.manifest()
            .ends_with("# By hand.\n[[correction]]\nanswer = \"Servicenämnden\"\ntarget = \"2 kap. 7 §\"\nstance = \"oppose\"\n"),
        "{}",
        s.manifest()
    );
    // A correction that cannot apply is refused before it is written.
    let r = s.post(
        "/_remiss/api/review",
        &token,
        &serde_json::json!({"r": "r4", "target": "K2P8", "action": "correct", "target_is": "9 kap. 99 §"}),
    );
    assert_eq!(r.status, 422, "{}", r.text());
    assert!(r.text().contains("the draft has no"), "{}", r.text());
    // A hand edit that breaks the manifest: the last build is still served, the error shown.
    let g = s.wait_build(g)["generation"].as_u64().unwrap();
    std::fs::write(
        s.case.join("remiss.toml"),
        format!("{toml}\n[[correction]\n"),
    )
    .unwrap();
    let t = Instant::now();
    loop {
        let st = s.state();
        if st["error"].is_string() {
            assert!(
                st["error"].as_str().unwrap().contains("remiss.toml"),
                "{st}"
            );
            break;
        }
        assert!(
            t.elapsed() < Duration::from_secs(30),
            "no error shown: {st}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(s.generation(), g);
    assert_eq!(s.get("/sammanstallning.html").status, 200);
}

#[test]
fn two_tabs_saving_different_readings_at_once_keep_both() {
    let s = Server::start(&[]);
    let token = s.token();
    let targets = ["K2P9", "K2P10", "K2P11", "K2P13"];
    std::thread::scope(|sc| {
        for t in targets {
            let s = &s;
            let token = &token;
            sc.spawn(move || {
                let r = s.post(
                    "/_remiss/api/review",
                    token,
                    &serde_json::json!({"r": "r1", "target": t, "action": "confirm"}),
                );
                assert_eq!(r.status, 200, "{t}: {}", r.text());
            });
        }
    });
    let m: toml::Value = toml::from_str(&s.manifest()).unwrap();
    let mut saved: Vec<&str> = m["correction"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["target"].as_str().unwrap())
        .collect();
    saved.sort();
    let mut want = targets.to_vec();
    want.sort();
    assert_eq!(saved, want);
}

#[test]
fn a_case_that_cannot_be_built_and_a_port_in_use_are_errors_with_their_codes() {
    let work = tempfile::tempdir().unwrap();
    let case = work.path().join("case");
    copy_case(&case);
    let mut toml = std::fs::read_to_string(case.join("remiss.toml")).unwrap();
    toml.push_str("\n[[correction]]\nanswer = \"Nobody\"\ntarget = \"DOC\"\nstance = \"oppose\"\n");
    std::fs::write(case.join("remiss.toml"), toml).unwrap();
    let o = remiss([
        "serve".as_ref(),
        case.as_os_str(),
        "-o".as_ref(),
        work.path().join("out").as_os_str(),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("[[correction]] 1"), "{}", stderr(&o));
    let s = Server::start(&[]);
    let port = s.port.to_string();
    let o = remiss([
        "serve".as_ref(),
        s.case.as_os_str(),
        "--port".as_ref(),
        port.as_ref(),
        "-o".as_ref(),
        work.path().join("out2").as_os_str(),
    ]);
    assert_eq!(o.status.code(), Some(4), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("cannot listen on 127.0.0.1:"),
        "{}",
        stderr(&o)
    );
}

#[cfg(unix)]
#[test]
fn ctrl_c_stops_the_server_cleanly_with_an_event_stream_open() {
    let mut s = Server::start(&[]);
    // An open page's event stream must not keep the server from stopping.
    let mut events = TcpStream::connect(("127.0.0.1", s.port)).unwrap();
    write!(
        events,
        "GET /_remiss/events HTTP/1.1\r\nHost: {}\r\n\r\n",
        s.host()
    )
    .unwrap();
    let mut first = [0u8; 64];
    let n = events.read(&mut first).unwrap();
    assert!(String::from_utf8_lossy(&first[..n]).starts_with("HTTP/1.1 200"));
    let pid = s.child.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-INT", &pid])
            .status()
            .unwrap()
            .success()
    );
    let t = Instant::now();
    let status = loop {
        if let Some(st) = s.child.try_wait().unwrap() {
            break st;
        }
        assert!(
            t.elapsed() < Duration::from_secs(20),
            "still running after Ctrl-C"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(status.code(), Some(0));
}

fn query(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[test]
fn a_citation_of_a_paragraph_the_draft_lacks_is_re_pointed_from_the_panel() {
    let s = Server::start(&[]);
    let state = s.state();
    let cits = state["citations"].as_array().unwrap();
    let c = cits
        .iter()
        .find(|c| c["respondent"] == "Utbildningsförvaltningen")
        .unwrap_or_else(|| panic!("{cits:?}"));
    assert_eq!(c["display"], "2 kap. 25 §");
    assert_eq!(c["reviewed"], false);
    let id = c["id"].as_str().unwrap();
    let cell = s
        .get(&format!("/_remiss/api/cell?r=r3&id={}", query(id)))
        .json();
    assert_eq!(cell["kind"], "other");
    assert_eq!(cell["target"], "2 kap. 25 §");
    assert!(!cell["evidence"].as_array().unwrap().is_empty());
    let g = s.generation();
    let token = s.token();
    let r = s.post(
        "/_remiss/api/review",
        &token,
        &serde_json::json!({"r": "r3", "target": "2 kap. 25 §", "action": "correct", "target_is": "2 kap. 22 §", "note": "Leverantörsrisker står i 22 §."}),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let state = s.wait_build(g);
    let c = state["citations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["respondent"] == "Utbildningsförvaltningen")
        .unwrap();
    assert_eq!(c["reviewed"], true);
    // The reading now stands in the matrix on 2 kap. 22 §, marked corrected.
    let cell = s.get("/_remiss/api/cell?r=r3&id=K2P22").json();
    assert_eq!(cell["corrected"], "Leverantörsrisker står i 22 §.");
    assert_eq!(cell["target"], "2 kap. 25 §");
}

#[test]
fn a_case_without_a_manifest_is_served_but_a_save_says_to_run_init() {
    let work = tempfile::tempdir().unwrap();
    let case = work.path().join("case");
    copy_case(&case);
    std::fs::remove_file(case.join("remiss.toml")).unwrap();
    let s = Server::start_in(work, case, &[]);
    assert_eq!(s.get("/sammanstallning.html").status, 200);
    let r = s.post(
        "/_remiss/api/review",
        &s.token(),
        &serde_json::json!({"r": "r1", "target": "DOC", "action": "confirm"}),
    );
    assert_eq!(r.status, 409, "{}", r.text());
    assert!(r.text().contains("remiss init"), "{}", r.text());
    assert!(!s.case.join("remiss.toml").exists());
}

#[test]
fn an_answer_changed_on_disk_is_read_again_at_the_next_rebuild() {
    let s = Server::start(&[]);
    assert_eq!(
        s.get("/_remiss/api/cell?r=r4&id=K2P14").json()["stance"],
        "oppose"
    );
    // The answer's office sends a new version of its answer; the server keeps the decoded
    // answers between builds, and must not serve the old wording from them.
    let f = s.case.join("answers/serviceforvaltningen.txt");
    let text = std::fs::read_to_string(&f).unwrap();
    assert!(text.contains("Servicenämnden avstyrker 14 §."));
    std::fs::write(
        &f,
        text.replace(
            "Servicenämnden avstyrker 14 §.",
            "Servicenämnden tillstyrker 14 §.",
        ),
    )
    .unwrap();
    // Only the manifest is watched: an edit of it (a comment) builds the case again.
    let g = s.generation();
    let mut toml = s.manifest();
    toml.push_str("\n# Servicenämnden sent a new version.\n");
    std::fs::write(s.case.join("remiss.toml"), &toml).unwrap();
    s.wait_build(g);
    let cell = s.get("/_remiss/api/cell?r=r4&id=K2P14").json();
    assert_eq!(cell["stance"], "support", "{cell}");
    assert!(
        s.get("/svar/r4.html")
            .text()
            .contains("Servicenämnden tillstyrker 14")
    );
}

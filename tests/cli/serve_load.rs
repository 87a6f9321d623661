//! `remiss serve` under load, on loopback only: 50 readers fetch pages while one reviewer
//! saves 200 decisions in a row (each a different reading: confirmations and
//! corrections), and a watcher reads remiss.toml from disk the whole time. No decision may
//! be lost, no read of the manifest may find it half-written, every page must arrive
//! whole. Bounded: each reader stops when the reviewer is done, after 1,000 requests, or
//! after 120 s. Prints the page and save latencies (median, p99); `benches/serve_load.sh`
//! runs it on an optimised build.

use super::serve::Server;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const READERS: usize = 50;
const SAVES: usize = 200;

fn quantile(v: &mut [f64], q: f64) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    if v.is_empty() {
        return 0.0;
    }
    v[((v.len() - 1) as f64 * q).round() as usize]
}

#[test]
fn fifty_readers_and_a_reviewer_saving_200_decisions_lose_nothing() {
    let s = Server::start(&["--reviewer", "Last Test"]);
    let before = s.manifest();
    // The readings to decide on, from the build's own data.
    let data = s.get("/data.json").json();
    let keys: Vec<String> = data["respondents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["key"].as_str().unwrap().to_string())
        .collect();
    let mut readings: Vec<(String, String, String)> = Vec::new();
    for row in data["matrix"]["rows"].as_array().unwrap() {
        for (i, cell) in row["cells"].as_array().unwrap().iter().enumerate() {
            if cell["evidence"].as_array().is_some_and(|e| !e.is_empty()) {
                readings.push((
                    keys[i].clone(),
                    row["id"].as_str().unwrap().to_string(),
                    cell["stance"].as_str().unwrap().to_string(),
                ));
            }
        }
    }
    assert!(readings.len() >= SAVES, "{} readings", readings.len());
    readings.truncate(SAVES);
    let token = s.token();
    let done = AtomicBool::new(false);
    let pages: Mutex<Vec<f64>> = Mutex::new(Vec::new());
    let requests = AtomicUsize::new(0);
    let manifest_reads = AtomicUsize::new(0);
    let started = Instant::now();
    let paths = [
        "/sammanstallning.html",
        "/yttrande.html",
        "/svar/r2.html",
        "/genomslag.html",
        "/index.html",
        "/_remiss/api/state",
    ];
    let mut saves: Vec<f64> = Vec::new();
    let mut expected: Vec<(String, String, Option<String>)> = Vec::new();
    std::thread::scope(|sc| {
        for n in 0..READERS {
            let (s, done, pages, requests) = (&s, &done, &pages, &requests);
            sc.spawn(move || {
                let mut mine = Vec::new();
                let t = Instant::now();
                for k in 0..1000 {
                    if (done.load(Ordering::SeqCst) && k > 0)
                        || t.elapsed() > Duration::from_secs(120)
                    {
                        break;
                    }
                    let path = paths[(n + k) % paths.len()];
                    let t0 = Instant::now();
                    let r = s.get(path);
                    mine.push(t0.elapsed().as_secs_f64() * 1000.0);
                    assert_eq!(r.status, 200, "{path}: {}", r.text());
                    if path.ends_with(".html") {
                        assert!(
                            r.text().trim_end().ends_with("</html>"),
                            "{path} arrived cut"
                        );
                    }
                    requests.fetch_add(1, Ordering::SeqCst);
                }
                pages.lock().unwrap().extend(mine);
            });
        }
        // The manifest on disk is always whole, and only grows.
        let (s2, done2, reads) = (&s, &done, &manifest_reads);
        let before = &before;
        sc.spawn(move || {
            let mut last = 0;
            while !done2.load(Ordering::SeqCst) {
                let text = std::fs::read_to_string(s2.case.join("remiss.toml")).unwrap();
                let m: toml::Value = toml::from_str(&text)
                    .unwrap_or_else(|e| panic!("a torn manifest ({e}):\n{text}"));
                assert!(
                    text.starts_with(before.as_str()),
                    "the manifest lost its start"
                );
                let n = m
                    .get("correction")
                    .and_then(|c| c.as_array())
                    .map_or(0, Vec::len);
                assert!(n >= last, "corrections went from {last} to {n}");
                last = n;
                reads.fetch_add(1, Ordering::SeqCst);
                std::thread::sleep(Duration::from_millis(2));
            }
        });
        // The reviewer: every other reading confirmed, the rest given another stance.
        for (i, (r, id, stance)) in readings.iter().enumerate() {
            let target = id.strip_prefix('?').unwrap_or(id);
            let body = if i % 2 == 0 {
                expected.push((r.clone(), target.to_string(), None));
                serde_json::json!({"r": r, "target": target, "action": "confirm"})
            } else {
                let to = if stance == "comment" {
                    "support"
                } else {
                    "comment"
                };
                expected.push((r.clone(), target.to_string(), Some(to.to_string())));
                serde_json::json!({"r": r, "target": target, "action": "correct", "stance": to, "note": format!("load {i}")})
            };
            let t0 = Instant::now();
            let res = s.post("/_remiss/api/review", &token, &body);
            saves.push(t0.elapsed().as_secs_f64() * 1000.0);
            assert_eq!(res.status, 200, "save {i} ({r}, {id}): {}", res.text());
        }
        done.store(true, Ordering::SeqCst);
    });
    let elapsed = started.elapsed();
    // Every decision is in the manifest, once, as made; the file's start untouched.
    let text = s.manifest();
    assert!(text.starts_with(&before));
    let m: toml::Value = toml::from_str(&text).unwrap();
    let entries = m["correction"].as_array().unwrap();
    assert_eq!(entries.len(), SAVES);
    let files: Vec<String> = data["respondents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["file"].as_str().unwrap().to_string())
        .collect();
    for (e, (r, target, stance)) in entries.iter().zip(&expected) {
        let i: usize = r[1..].parse::<usize>().unwrap() - 1;
        assert_eq!(e["answer"].as_str(), Some(files[i].as_str()));
        assert_eq!(e["target"].as_str(), Some(target.as_str()));
        match stance {
            None => assert_eq!(e["confirm"].as_bool(), Some(true), "{e:?}"),
            Some(st) => assert_eq!(e["stance"].as_str(), Some(st.as_str()), "{e:?}"),
        }
        assert_eq!(e["by"].as_str(), Some("Last Test"));
    }
    // And the last build has them all.
    let t = Instant::now();
    loop {
        let st = s.state();
        if st["all"]["reviewed"].as_u64() == Some(SAVES as u64) {
            assert!(st["error"].is_null(), "{st}");
            break;
        }
        assert!(
            t.elapsed() < Duration::from_secs(60),
            "the build never caught up: {}",
            st["all"]
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let mut pages = Arc::new(pages.into_inner().unwrap());
    let pages = Arc::get_mut(&mut pages).unwrap();
    let n = pages.len();
    eprintln!(
        "serve load: {n} page requests by {READERS} readers, median {:.1} ms, p99 {:.1} ms; {SAVES} saves in a row, median {:.1} ms, p99 {:.1} ms; {} builds; {} reads of remiss.toml, none torn; {:.1} s in all",
        quantile(pages, 0.5),
        quantile(pages, 0.99),
        quantile(&mut saves, 0.5),
        quantile(&mut saves, 0.99),
        s.generation() - 1,
        manifest_reads.load(Ordering::SeqCst),
        elapsed.as_secs_f64()
    );
    assert_eq!(requests.load(Ordering::SeqCst), n);
}

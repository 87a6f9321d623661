//! Stage 7, review: `remiss serve`, a local web server where a person confirms or corrects
//! each reading. It serves the build's own pages (the same templates as `remiss build`),
//! adds the review panel to them, saves each decision into the case's `remiss.toml` as a
//! `[[correction]]` entry, rebuilds in the background and tells open pages to refresh
//! (server-sent events).
//!
//! Safety on a shared machine: loopback only unless told otherwise; every request's
//! `Host` must name this server (a DNS-rebinding page cannot talk to it); every request
//! that changes something carries the session's random token (from the page, not a
//! cookie) and, when the browser sends one, this server's `Origin`; request paths are
//! only looked up among the build's own files; request bodies are bounded.

pub mod manifest;
pub mod site;

use crate::answer::lexicon::Lexicon;
use crate::render::Templates;
use axum::body::Body;
use axum::extract::{DefaultBodyLimit, Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use manifest::{Decision, EditError, Stamp};
use serde::Deserialize;
use site::{BuildFailure, Site};
use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;
use tokio::sync::{Notify, broadcast, watch};

/// The largest request body accepted (a review is a few hundred bytes).
pub const MAX_BODY: usize = 16 * 1024;

/// The review panel's script and stylesheet, embedded: no CDN, nothing fetched.
const PANEL_JS: &str = include_str!("../../templates/serve/panel.js");
const PANEL_CSS: &str = include_str!("../../templates/serve/panel.css");

/// How `remiss serve` runs.
pub struct Options {
    /// The case folder.
    pub case: PathBuf,
    /// Where to listen: loopback unless the user said otherwise.
    pub addr: IpAddr,
    /// The port; 0 takes a free one.
    pub port: u16,
    /// Host names besides `localhost` and IP addresses that requests may name (for
    /// `--listen` on a network: the machine's name as colleagues type it).
    pub allow_hosts: Vec<String>,
    /// Where the build is written, as `remiss build` writes it; None keeps it in memory.
    pub out: Option<PathBuf>,
    /// The templates the pages are rendered from (as `remiss build`'s).
    pub templates: Templates,
    /// The stance vocabulary the answers are read with.
    pub lexicon: Lexicon,
    /// Who reviews (overrides the manifest's `reviewer`).
    pub reviewer: Option<String>,
    /// How often the manifest is looked at for edits by hand.
    pub poll: Duration,
}

/// Why the server could not start or stopped.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The first build failed: every problem, each naming its file.
    #[error("the case cannot be built:\n{0}")]
    Build(BuildFailure),
    /// The address cannot be listened on (a port in use, an address not of this machine).
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// Where.
        addr: SocketAddr,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The runtime or the socket failed while serving.
    #[error("the server failed: {0}")]
    Runtime(#[from] std::io::Error),
}

impl std::error::Error for BuildFailure {}

/// What every request handler shares.
struct Shared {
    dir: PathBuf,
    out: Option<PathBuf>,
    templates: Templates,
    lexicon: Lexicon,
    /// The decoded drafts and answers, so a rebuild decodes only the files that changed.
    sources: crate::case::SourceCache,
    reviewer: Option<String>,
    token: String,
    port: u16,
    allow_hosts: Vec<String>,
    site: RwLock<Arc<Site>>,
    /// The last build's failure, shown in the panel until a build succeeds.
    error: RwLock<Option<String>>,
    /// The last build's number (each build's is in its `Site`).
    generation: AtomicU64,
    /// One save at a time: read, edit, check and write the manifest as one step.
    saving: Mutex<()>,
    /// The manifest hash a build was last asked for (by a save or by the watcher).
    requested: Mutex<String>,
    rebuild: Notify,
    events: broadcast::Sender<String>,
}

impl Shared {
    fn site(&self) -> Arc<Site> {
        self.site
            .read()
            .map(|s| Arc::clone(&s))
            .unwrap_or_else(|p| Arc::clone(&p.into_inner()))
    }

    fn request_build(&self, hash: &str) {
        self.expect_build(hash);
        self.rebuild.notify_one();
    }

    /// Marks `hash` as asked for before the file with it is written, so the watcher, which
    /// may see the file before the save asks for its build, does not ask for a second one.
    fn expect_build(&self, hash: &str) {
        if let Ok(mut r) = self.requested.lock() {
            *r = hash.to_string();
        }
    }
}

/// A fresh random token for this session (128 bits, hex).
fn token() -> Result<String, std::io::Error> {
    let mut b = [0u8; 16];
    getrandom::fill(&mut b).map_err(|e| std::io::Error::other(e.to_string()))?;
    Ok(b.iter().map(|x| format!("{x:02x}")).collect())
}

/// Builds the case, listens, calls `ready` with the address, and serves until Ctrl-C (or
/// `stop` resolves, for tests and embedding).
pub fn run(
    opts: Options,
    ready: impl FnOnce(SocketAddr) + Send,
    stop: Option<tokio::sync::oneshot::Receiver<()>>,
) -> Result<(), ServeError> {
    let sources = crate::case::SourceCache::new();
    let first = site::build(
        &opts.case,
        &opts.templates,
        &opts.lexicon,
        opts.out.as_deref(),
        &sources,
    )
    .map_err(ServeError::Build)?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    rt.block_on(async move {
        let addr = SocketAddr::new(opts.addr, opts.port);
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|source| ServeError::Bind { addr, source })?;
        let bound = listener.local_addr()?;
        let (events, _) = broadcast::channel(64);
        let requested = first.manifest_hash.clone();
        let shared = Arc::new(Shared {
            dir: opts.case,
            out: opts.out,
            templates: opts.templates,
            lexicon: opts.lexicon,
            sources,
            reviewer: opts.reviewer,
            token: token()?,
            port: bound.port(),
            allow_hosts: opts.allow_hosts,
            site: RwLock::new(Arc::new(first)),
            error: RwLock::new(None),
            generation: AtomicU64::new(1),
            saving: Mutex::new(()),
            requested: Mutex::new(requested),
            rebuild: Notify::new(),
            events,
        });
        let (down_tx, down_rx) = watch::channel(false);
        tokio::spawn(builder(Arc::clone(&shared)));
        tokio::spawn(watcher(Arc::clone(&shared), opts.poll));
        let app = router(Arc::clone(&shared), down_rx.clone());
        ready(bound);
        let shutdown = async move {
            match stop {
                Some(rx) => {
                    tokio::select! {
                        _ = rx => {}
                        _ = stop_signal() => {}
                    }
                }
                None => stop_signal().await,
            }
            // Event streams end first, so the graceful shutdown does not wait on them.
            let _ = down_tx.send(true);
        };
        axum::serve(listener, app)
            .with_graceful_shutdown(shutdown)
            .await?;
        Ok(())
    })
}

/// Ctrl-C, or (on Unix) the polite request to stop that a service manager sends.
async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}

/// Rebuilds whenever asked; requests made during a build are served by one more build.
async fn builder(shared: Arc<Shared>) {
    loop {
        shared.rebuild.notified().await;
        let s = Arc::clone(&shared);
        let result = tokio::task::spawn_blocking(move || {
            site::build(
                &s.dir,
                &s.templates,
                &s.lexicon,
                s.out.as_deref(),
                &s.sources,
            )
        })
        .await;
        let message = match result {
            Ok(Ok(mut site)) => {
                // The number goes with the pages in one swap: a reader never sees new
                // pages under the old number or old pages under the new.
                let g = shared.generation.fetch_add(1, Ordering::SeqCst) + 1;
                site.generation = g;
                if let Ok(mut e) = shared.error.write() {
                    *e = None;
                }
                if let Ok(mut w) = shared.site.write() {
                    *w = Arc::new(site);
                }
                format!("{{\"generation\":{g}}}")
            }
            Ok(Err(f)) => {
                let text = f.to_string();
                if let Ok(mut e) = shared.error.write() {
                    *e = Some(text.clone());
                }
                serde_json::json!({ "error": text }).to_string()
            }
            Err(e) => serde_json::json!({ "error": e.to_string() }).to_string(),
        };
        let _ = shared.events.send(message);
    }
}

/// Looks at the manifest now and then: an edit by hand (or by another program) is built.
async fn watcher(shared: Arc<Shared>, every: Duration) {
    let path = site::manifest_path(&shared.dir);
    let mut last: Option<(u64, Option<std::time::SystemTime>)> = None;
    let mut tick = tokio::time::interval(every);
    loop {
        tick.tick().await;
        let Ok(meta) = std::fs::metadata(&path) else {
            continue;
        };
        let stamp = (meta.len(), meta.modified().ok());
        if last == Some(stamp) {
            continue;
        }
        last = Some(stamp);
        let Ok(bytes) = std::fs::read(&path) else {
            continue;
        };
        let h = manifest::hash(&bytes);
        let built = shared.site().manifest_hash.clone();
        let asked = shared
            .requested
            .lock()
            .map(|r| r.clone())
            .unwrap_or_default();
        if h != built && h != asked {
            shared.request_build(&h);
        }
    }
}

fn router(shared: Arc<Shared>, down: watch::Receiver<bool>) -> Router {
    Router::new()
        .route("/", get(|| async { Redirect::to("/sammanstallning.html") }))
        .route(
            "/_remiss/panel.js",
            get(|| async { asset(PANEL_JS, "text/javascript; charset=utf-8") }),
        )
        .route(
            "/_remiss/panel.css",
            get(|| async { asset(PANEL_CSS, "text/css; charset=utf-8") }),
        )
        .route("/_remiss/api/state", get(state))
        .route("/_remiss/api/cell", get(cell))
        .route("/_remiss/api/paragraphs", get(paragraphs))
        .route("/_remiss/api/review", post(review))
        .route(
            "/_remiss/events",
            get(move |s: State<Arc<Shared>>| events(s, down.clone())),
        )
        .fallback(get(page))
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .layer(middleware::from_fn_with_state(Arc::clone(&shared), guard))
        .with_state(shared)
}

fn asset(body: &'static str, kind: &'static str) -> Response {
    ([(header::CONTENT_TYPE, kind)], body).into_response()
}

/// Whether a request's `Host` names this server: `localhost` or an IP address, with this
/// port, or a name the user allowed. A DNS-rebinding page reaches us under its own name.
pub fn host_allowed(host: &str, port: u16, allowed: &[String]) -> bool {
    let (name, p) = match host.rsplit_once(':') {
        Some((n, p)) if !p.contains(']') => (n, p.parse::<u16>().ok()),
        _ => (host, None),
    };
    if p != Some(port) {
        return false;
    }
    let bare = name.trim_start_matches('[').trim_end_matches(']');
    name.eq_ignore_ascii_case("localhost")
        || bare.parse::<IpAddr>().is_ok()
        || allowed.iter().any(|a| a.eq_ignore_ascii_case(name))
}

fn refuse(code: StatusCode, message: String) -> Response {
    (
        code,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        message,
    )
        .into_response()
}

/// The checks every request passes before it reaches a handler, and the headers every
/// response carries.
async fn guard(State(shared): State<Arc<Shared>>, req: Request, next: Next) -> Response {
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("")
        .to_string();
    if !host_allowed(&host, shared.port, &shared.allow_hosts) {
        return refuse(
            StatusCode::FORBIDDEN,
            format!(
                "refused: the Host header {host:?} does not name this server (a guard against DNS rebinding); open http://127.0.0.1:{}/",
                shared.port
            ),
        );
    }
    if !matches!(*req.method(), Method::GET | Method::HEAD)
        && let Err(why) = same_session(req.headers(), &host, &shared.token)
    {
        return refuse(StatusCode::FORBIDDEN, format!("refused: {why}"));
    }
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    for (k, v) in [
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::X_FRAME_OPTIONS, "SAMEORIGIN"),
        (header::REFERRER_POLICY, "no-referrer"),
        (header::CACHE_CONTROL, "no-store"),
        (
            header::CONTENT_SECURITY_POLICY,
            "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'self'; form-action 'self'",
        ),
    ] {
        h.insert(k, HeaderValue::from_static(v));
    }
    res
}

/// A state-changing request must carry the page's token, and come from a page of this
/// server when the browser says where it comes from.
fn same_session(h: &HeaderMap, host: &str, token: &str) -> Result<(), String> {
    let given = h
        .get("x-remiss-token")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    // The same time whatever the first differing byte (the token is a secret).
    let same = given.len() == token.len()
        && given
            .bytes()
            .zip(token.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0;
    if !same {
        return Err(
            "the request does not carry this session's token (X-Remiss-Token); reload the page"
                .into(),
        );
    }
    if let Some(origin) = h.get(header::ORIGIN).and_then(|v| v.to_str().ok())
        && origin != format!("http://{host}")
    {
        return Err(format!("the request comes from another site ({origin})"));
    }
    Ok(())
}

/// A page or file of the build. The path is a key into the build's own files and never
/// touches the file system; HTML pages get the review panel.
async fn page(State(shared): State<Arc<Shared>>, req: Request) -> Response {
    let path = req.uri().path().trim_start_matches('/');
    let path = if path.is_empty() || path.ends_with('/') {
        format!("{path}index.html")
    } else {
        path.to_string()
    };
    let site = shared.site();
    if path == "data.json" {
        // Made as it is asked for (see `site::build`), off the threads that answer requests.
        let made = tokio::task::spawn_blocking(move || site.data_json())
            .await
            .map_err(std::io::Error::other)
            .and_then(|made| made);
        return match made {
            Ok(bytes) => (
                [(header::CONTENT_TYPE, "application/json")],
                Body::from(bytes),
            )
                .into_response(),
            Err(e) => refuse(
                StatusCode::INTERNAL_SERVER_ERROR,
                format!("data.json could not be made: {e}"),
            ),
        };
    }
    let Some(bytes) = site.file(&path) else {
        return refuse(
            StatusCode::NOT_FOUND,
            format!("not found: /{path} is not a page of this build"),
        );
    };
    let ext = path.rsplit('.').next().unwrap_or("");
    let kind = match ext {
        "html" => "text/html; charset=utf-8",
        "md" => "text/markdown; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "json" => "application/json",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        _ => "application/octet-stream",
    };
    let body = if ext == "html" {
        Body::from(with_panel(bytes, &shared.token, site.generation))
    } else {
        Body::from(bytes.to_vec())
    };
    ([(header::CONTENT_TYPE, kind)], body).into_response()
}

/// A built page with the review panel's script added before `</body>`, and a note for a
/// browser without JavaScript at the top of the body, where a reader sees it first.
pub fn with_panel(page: &[u8], token: &str, generation: u64) -> Vec<u8> {
    let add = format!(
        "<script>window.REMISS={{token:\"{token}\",generation:{generation}}};</script>\
<link rel=\"stylesheet\" href=\"/_remiss/panel.css\"><script src=\"/_remiss/panel.js\" defer></script>"
    );
    let note = "<noscript><p class=\"remiss-nojs\">Granskningspanelen (bekräfta och korrigera läsningar) kräver JavaScript. \
Sidorna och länkarna går att läsa utan; slå på JavaScript för att granska.</p></noscript>";
    let end = page
        .windows(7)
        .rposition(|w| w == b"</body>")
        .unwrap_or(page.len());
    // Just after the first `<body …>`; a page without one gets the note with the script.
    let start = page
        .windows(5)
        .position(|w| w == b"<body")
        .and_then(|b| {
            page[b..end]
                .iter()
                .position(|&c| c == b'>')
                .map(|i| b + i + 1)
        })
        .filter(|&s| s <= end);
    let mut out = Vec::with_capacity(page.len() + add.len() + note.len());
    match start {
        Some(s) => {
            out.extend_from_slice(&page[..s]);
            out.extend_from_slice(note.as_bytes());
            out.extend_from_slice(&page[s..end]);
            out.extend_from_slice(add.as_bytes());
        }
        None => {
            out.extend_from_slice(&page[..end]);
            out.extend_from_slice(add.as_bytes());
            out.extend_from_slice(note.as_bytes());
        }
    }
    out.extend_from_slice(&page[end..]);
    out
}

async fn state(State(shared): State<Arc<Shared>>) -> Response {
    let site = shared.site();
    let error = shared.error.read().ok().and_then(|e| e.clone());
    let mut v = serde_json::to_value(site.state()).unwrap_or_default();
    v["generation"] = site.generation.into();
    v["error"] = error.into();
    if let Some(r) = &shared.reviewer {
        v["reviewer"] = r.as_str().into();
    }
    Json(v).into_response()
}

#[derive(Deserialize)]
struct CellQuery {
    r: String,
    id: String,
}

async fn cell(State(shared): State<Arc<Shared>>, Query(q): Query<CellQuery>) -> Response {
    let site = shared.site();
    match site.cell(&q.r, &q.id) {
        Some(c) => Json(c).into_response(),
        None => refuse(
            StatusCode::NOT_FOUND,
            format!("answer {} has no reading on {}", q.r, q.id),
        ),
    }
}

async fn paragraphs(State(shared): State<Arc<Shared>>) -> Response {
    Json(shared.site().paragraphs()).into_response()
}

/// A reviewer's decision on one reading, as the panel sends it.
#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct ReviewRequest {
    /// The answer's key (`r2`).
    pub r: String,
    /// The target as read (the entry's `target`).
    pub target: String,
    /// The hash of the entry as the reviewer saw it (`""`: none).
    #[serde(default)]
    pub base: String,
    /// `confirm`, `correct` or `clear`.
    pub action: String,
    /// The stance to read instead (`correct`).
    pub stance: Option<String>,
    /// The flags to read instead (`correct`).
    pub flags: Option<Vec<String>>,
    /// Drop the reading (`correct`).
    #[serde(default)]
    pub ignore: bool,
    /// The paragraph meant (`correct`).
    pub target_is: Option<String>,
    /// Why.
    #[serde(default)]
    pub note: String,
}

async fn review(State(shared): State<Arc<Shared>>, body: axum::body::Bytes) -> Response {
    let req: ReviewRequest = match serde_json::from_slice(&body) {
        Ok(r) => r,
        Err(e) => return refuse(StatusCode::BAD_REQUEST, format!("a bad request: {e}")),
    };
    let s = Arc::clone(&shared);
    match tokio::task::spawn_blocking(move || save(&s, &req)).await {
        Ok(Ok(v)) => Json(v).into_response(),
        Ok(Err((code, message))) => (
            code,
            Json(serde_json::json!({ "ok": false, "error": message })),
        )
            .into_response(),
        Err(e) => refuse(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
    }
}

/// Reads the manifest, sets the entry, checks that it applies, writes the manifest
/// atomically and asks for a build. Another save waits; a change of the file between the
/// reading and the writing (a hand edit) starts the step again on the new text.
fn save(shared: &Shared, req: &ReviewRequest) -> Result<serde_json::Value, (StatusCode, String)> {
    let _one = shared.saving.lock().unwrap_or_else(|p| p.into_inner());
    let site = shared.site();
    let (file, respondent) = site
        .respondent(&req.r)
        .ok_or((StatusCode::NOT_FOUND, format!("no answer {}", req.r)))?;
    let decision = match req.action.as_str() {
        "confirm" => Decision::Confirm {
            note: req.note.trim().to_string(),
        },
        "correct" => Decision::Correct {
            stance: req.stance.clone().filter(|s| !s.trim().is_empty()),
            flags: req.flags.clone(),
            ignore: req.ignore,
            target_is: req.target_is.clone().filter(|s| !s.trim().is_empty()),
            note: req.note.trim().to_string(),
        },
        "clear" => Decision::Clear,
        other => {
            return Err((
                StatusCode::BAD_REQUEST,
                format!("unknown action {other:?} (confirm, correct, clear)"),
            ));
        }
    };
    let path = site::manifest_path(&shared.dir);
    let unreadable = |e: std::io::Error| {
        (
            StatusCode::CONFLICT,
            format!(
                "{}: {e}; the case needs a remiss.toml to save into (run `remiss init`)",
                path.display()
            ),
        )
    };
    let mut text = std::fs::read_to_string(&path).map_err(unreadable)?;
    for _ in 0..5 {
        let reviewer = shared.reviewer.clone().or_else(|| {
            toml::from_str::<crate::case::Manifest>(&text)
                .ok()
                .and_then(|m| m.reviewer)
        });
        let stamp = Stamp {
            at: reviewer.as_ref().map(|_| manifest::now_utc()),
            by: reviewer,
        };
        let reading = manifest::Reading {
            file,
            respondent,
            target: &req.target,
        };
        let (new, entry) = manifest::edit(&path, &text, &reading, &req.base, &decision, &stamp)
            .map_err(|e| match e {
                EditError::Invalid(m) => (StatusCode::UNPROCESSABLE_ENTITY, m),
                other => (StatusCode::CONFLICT, other.to_string()),
            })?;
        let n = toml::from_str::<crate::case::Manifest>(&new)
            .ok()
            .and_then(|m| manifest::find(&m, file, respondent, &req.target));
        if decision != Decision::Clear {
            site.check(&new, n).map_err(|m| {
                (
                    StatusCode::UNPROCESSABLE_ENTITY,
                    format!("{respondent}, {}: {m}; nothing was saved", req.target),
                )
            })?;
        }
        let now = std::fs::read_to_string(&path).map_err(unreadable)?;
        if now != text {
            text = now;
            continue;
        }
        let h = manifest::hash(new.as_bytes());
        shared.expect_build(&h);
        manifest::write_atomic(&path, new.as_bytes()).map_err(|e| {
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                format!("{}: cannot be written: {e}", path.display()),
            )
        })?;
        shared.request_build(&h);
        return Ok(serde_json::json!({ "ok": true, "base": entry, "manifest_hash": h }));
    }
    Err((
        StatusCode::CONFLICT,
        format!(
            "{}: the file keeps changing while it is saved into; nothing was saved, try again",
            path.display()
        ),
    ))
}

/// Server-sent events: `built` with the new generation after each build, `failed` with
/// the problems when a build fails.
async fn events(State(shared): State<Arc<Shared>>, down: watch::Receiver<bool>) -> Response {
    let rx = shared.events.subscribe();
    let hello = serde_json::json!({
        "generation": shared.site().generation,
        "error": shared.error.read().ok().and_then(|e| e.clone()),
    })
    .to_string();
    let stream = futures_util::stream::unfold(
        (Some(hello), rx, down),
        |(first, mut rx, mut down)| async move {
            if let Some(h) = first {
                let ev = Event::default().event("hello").data(h);
                return Some((Ok::<_, Infallible>(ev), (None, rx, down)));
            }
            if *down.borrow() {
                return None;
            }
            loop {
                tokio::select! {
                    m = rx.recv() => match m {
                        Ok(m) => {
                            let kind = if m.contains("\"error\"") { "failed" } else { "built" };
                            let ev = Event::default().event(kind).data(m);
                            return Some((Ok(ev), (None, rx, down)));
                        }
                        Err(broadcast::error::RecvError::Lagged(_)) => continue,
                        Err(broadcast::error::RecvError::Closed) => return None,
                    },
                    _ = down.changed() => return None,
                }
            }
        },
    );
    Sse::new(stream)
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_this_servers_names_and_port_pass_the_host_check() {
        let allow = vec!["kansliet-pc".to_string()];
        for ok in [
            "127.0.0.1:8080",
            "localhost:8080",
            "LOCALHOST:8080",
            "[::1]:8080",
            "10.0.0.5:8080",
            "kansliet-pc:8080",
        ] {
            assert!(host_allowed(ok, 8080, &allow), "{ok}");
        }
        for bad in [
            "evil.example:8080",
            "evil.example",
            "127.0.0.1:8081",
            "127.0.0.1",
            "localhost.evil.example:8080",
            "",
            "[::1]",
            "127.0.0.1:8080:8080",
        ] {
            assert!(!host_allowed(bad, 8080, &allow), "{bad}");
        }
    }

    #[test]
    fn the_token_and_origin_are_checked() {
        let mut h = HeaderMap::new();
        assert!(same_session(&h, "127.0.0.1:1", "abc").is_err());
        h.insert("x-remiss-token", HeaderValue::from_static("abd"));
        assert!(same_session(&h, "127.0.0.1:1", "abc").is_err());
        h.insert("x-remiss-token", HeaderValue::from_static("abc"));
        assert!(same_session(&h, "127.0.0.1:1", "abc").is_ok());
        h.insert(
            header::ORIGIN,
            HeaderValue::from_static("http://127.0.0.1:1"),
        );
        assert!(same_session(&h, "127.0.0.1:1", "abc").is_ok());
        h.insert(header::ORIGIN, HeaderValue::from_static("null"));
        assert!(same_session(&h, "127.0.0.1:1", "abc").is_err());
    }

    #[test]
    fn the_panel_goes_before_the_last_body_end() {
        let page = b"<html><body><p>x</p><pre></body></pre></body></html>";
        let out = String::from_utf8(with_panel(page, "t0k", 3)).unwrap();
        assert!(
            out.starts_with("<html><body><noscript><p class=\"remiss-nojs\">Granskningspanelen")
        );
        assert!(out.contains("</noscript><p>x</p><pre></body></pre><script>window.REMISS={token:\"t0k\",generation:3};</script>"));
        assert!(out.ends_with("panel.js\" defer></script></body></html>"));
        let bare = String::from_utf8(with_panel(b"<p>x</p>", "t0k", 3)).unwrap();
        assert!(bare.starts_with("<p>x</p><script>") && bare.ends_with("</noscript>"));
    }
}

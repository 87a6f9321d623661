//! `remiss serve`: the case in the browser, where a person confirms or corrects each
//! reading; arguments and messages only (the server is `remiss::serve`).

use super::{CmdResult, EXIT_OK};
use anyhow::{Context, bail};
use std::net::IpAddr;
use std::path::PathBuf;
use std::time::Duration;

/// Review the case in the browser: confirm or correct every reading.
///
/// Builds CASE (as `remiss build`, into out/<case>/), serves it on 127.0.0.1 and prints
/// the link; the compilation's matrix is the start page. Click a cell (or press n) to see
/// the answer's sentences, the reading and the draft's wording; confirm it (c) or correct
/// it (stance keys 1-6, then s). Each decision is saved at once into CASE/remiss.toml as
/// a [[correction]] entry (comments and layout kept; who and when, if the manifest or
/// --reviewer names a reviewer); the build is redone in the background and open pages
/// refresh. An edit of remiss.toml by hand is picked up too. Ctrl-C stops the server.
///
/// Exit codes: 0 stopped with Ctrl-C; 2 the case cannot be built (each problem is
/// listed) or a bad argument; 4 the address cannot be listened on, or the output folder
/// is refused.
#[derive(clap::Args)]
pub struct Args {
    /// The case folder [default: corpus/msb-cybersakerhet, the sample case].
    pub case: Option<PathBuf>,
    /// The port [default: a free one].
    #[arg(long, default_value_t = 0, hide_default_value = true)]
    pub port: u16,
    /// Open the start page in the default browser.
    #[arg(long)]
    pub open: bool,
    /// Listen on this address instead of 127.0.0.1 (for example 0.0.0.0 for every
    /// network): anyone who can reach it can read the case, and with the page's token
    /// change its manifest.
    #[arg(long, value_name = "ADDR")]
    pub listen: Option<IpAddr>,
    /// A host name besides localhost and IP addresses that the browser may use to reach
    /// the server (the machine's name, with --listen); repeatable.
    #[arg(long = "allow-host", value_name = "NAME")]
    pub allow_hosts: Vec<String>,
    /// Who reviews: written with each decision (`by`, and the time in `at`) [default:
    /// the manifest's `reviewer`].
    #[arg(long, env = "REMISS_REVIEWER")]
    pub reviewer: Option<String>,
    /// Output folder [default: out/<case folder name>].
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// A folder of templates overriding the embedded ones (as for `remiss build`).
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
    /// A stance vocabulary to use instead of the embedded one.
    #[arg(long, env = "REMISS_LEXICON")]
    pub lexicon: Option<PathBuf>,
}

pub fn run(a: Args) -> CmdResult {
    let dir = super::build::case_dir(a.case)?;
    if !dir.is_dir() {
        bail!("{}: not a folder", dir.display());
    }
    let out = super::build::output_dir(
        &dir,
        a.output,
        &[a.templates.as_deref(), a.lexicon.as_deref()],
    )?;
    if !dir.join("remiss.toml").is_file() {
        eprintln!(
            "notice: {} has no remiss.toml: the pages are served, but decisions can only be saved once it has one (run `remiss init {}`)",
            dir.display(),
            dir.display()
        );
    }
    let lexicon = super::stances::load_lexicon(a.lexicon.as_deref())?;
    let templates = remiss::render::Templates::load(a.templates.as_deref())
        .context("the templates cannot be used")?;
    let addr = a
        .listen
        .unwrap_or(IpAddr::V4(std::net::Ipv4Addr::LOCALHOST));
    if !addr.is_loopback() {
        eprintln!(
            "warning: listening on {addr}, not only on this machine: anyone who can reach it can read the case's answers and opinion"
        );
    }
    let opts = remiss::serve::Options {
        case: dir.clone(),
        addr,
        port: a.port,
        allow_hosts: a.allow_hosts,
        out: Some(out.clone()),
        templates,
        lexicon,
        reviewer: a.reviewer,
        poll: Duration::from_millis(500),
    };
    let open = a.open;
    remiss::serve::run(
        opts,
        move |bound| {
            // Every address (0.0.0.0, ::) is reached on this machine through its loopback.
            let host = match bound.ip() {
                IpAddr::V4(ip) if ip.is_unspecified() => "127.0.0.1".to_string(),
                IpAddr::V6(ip) if ip.is_unspecified() => "[::1]".to_string(),
                IpAddr::V6(ip) => format!("[{ip}]"),
                ip => ip.to_string(),
            };
            let url = format!("http://{host}:{}/", bound.port());
            eprintln!(
                "serving {} (written to {} as well); Ctrl-C stops",
                dir.display(),
                out.display()
            );
            // The link alone on stdout, for scripts and tests.
            println!("{url}");
            if open {
                open_browser(&url);
            }
        },
        None,
    )?;
    eprintln!("stopped");
    Ok(EXIT_OK)
}

/// Opens a link in the desktop's browser; a failure is a warning, the server goes on.
fn open_browser(url: &str) {
    let (cmd, args): (&str, Vec<&str>) = if cfg!(target_os = "macos") {
        ("open", vec![url])
    } else if cfg!(windows) {
        ("cmd", vec!["/C", "start", "", url])
    } else {
        ("xdg-open", vec![url])
    };
    if let Err(e) = std::process::Command::new(cmd)
        .args(&args)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
    {
        eprintln!("warning: cannot open a browser ({cmd}: {e}); open {url} yourself");
    }
}

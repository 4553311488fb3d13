//! `ladder serve`: build the ladder into memory, serve it, watch the project and
//! rebuild on every save, reloading open browsers.
//!
//! The parts, one file each:
//! - [`incremental`]: a [`incremental::Session`] that rebuilds after a set of changed
//!   paths, parsing only changed files and reusing the compiled theme;
//! - [`watch`]: file events in, one settled set of changes per save out;
//! - [`server`]: HTTP (axum): the site from memory under its base path, 404s for
//!   anything outside it, the reload script added to pages;
//! - [`reload`]: the served state and the server-sent events channel;
//! - [`overlay`]: the HTML panel that lists a failed rebuild's diagnostics.
//!
//! This file wires them together. A build thread owns the session and the watcher: it
//! builds, publishes the result to the server through a `tokio::sync::watch`
//! channel (which wakes the open pages), prints one line per rebuild, and waits for
//! the next change. The server runs on a small tokio runtime until Ctrl-C (or
//! SIGTERM), then ends the event streams and exits; nothing is written to disk.
//!
//! A failed rebuild keeps the last good site and adds the overlay; a failed first
//! build serves an error page with the overlay and keeps watching. Only a folder that
//! is not a ladder project at all, or an address that cannot be bound, stops `serve`
//! before it starts (exit 2).

pub mod incremental;
pub(crate) mod overlay;
pub(crate) mod reload;
pub(crate) mod server;
pub(crate) mod watch;

use anyhow::Context as _;
use std::io::ErrorKind;
use std::net::{IpAddr, SocketAddr, TcpListener};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tokio::sync::watch as channel;

use crate::diagnostic::{self, Diagnostic, Severity};
use crate::render::SiteFiles;
use incremental::{Build, Renderer, Session};
use reload::Served;

/// The port tried first when none is given.
pub const DEFAULT_PORT: u16 = 1111;
/// How many ports after the default are tried when it is busy.
const PORT_TRIES: u16 = 100;

/// What `ladder serve` was asked to do.
#[derive(Debug, Clone)]
pub struct Options {
    pub root: PathBuf,
    pub bind: IpAddr,
    /// `Some` when given with `--port`: then a busy port is an error.
    pub port: Option<u16>,
    pub open: bool,
}

/// Runs the server until Ctrl-C. Errors are usage or I/O errors (exit 2).
pub fn run(options: Options) -> anyhow::Result<ExitCode> {
    let root = options
        .root
        .canonicalize()
        .with_context(|| format!("cannot open {}", options.root.display()))?;
    if !root.join("content").is_dir() {
        anyhow::bail!(
            "{} is not a ladder project: it has no content/ folder (run `ladder init` to start one)",
            options.root.display()
        );
    }
    let listener = bind(options.bind, options.port)?;
    let addr = listener
        .local_addr()
        .context("reading the server's address")?;

    // Watch before the first build, so that a save made while it runs is not missed.
    let output = root.join(crate::config::Config::default().output);
    let mut watcher = watch::Watcher::start(&root, &output)?;
    for w in std::mem::take(&mut watcher.warnings) {
        eprintln!("warning: {w}");
    }

    let instance = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis());
    let (tx, rx) = channel::channel(Arc::new(Served {
        token: format!("{instance}.0"),
        base: Arc::from("/"),
        ..Served::default()
    }));

    // The first build, here, so that its result (and the base path) is known before
    // the server starts; then the build thread takes the session over.
    let mut session = Session::new(&root, Renderer);
    let mut publisher = Publisher {
        tx,
        instance,
        generation: 0,
        last_warnings: Vec::new(),
        addr: None,
    };
    let first = session.build_all();
    publisher.first(first, &session.config().base_url);
    let base: Arc<str> = Arc::from(session.config().base_url.as_str());
    publisher.addr = Some(addr);
    watcher.set_output(&root.join(&session.config().output));
    let closing = publisher.tx.clone();

    std::thread::Builder::new()
        .name("ladder-rebuild".into())
        .spawn(move || {
            while let Some(changes) = watcher.next_changes() {
                for w in std::mem::take(&mut watcher.warnings) {
                    eprintln!("warning: {w}");
                }
                // A panic is a bug, but it must not leave the author with a server
                // that silently stopped rebuilding: report it and start afresh.
                let rebuilt = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    session.rebuild(&changes)
                }));
                let build = rebuilt.unwrap_or_else(|_| {
                    session = Session::new(&root, Renderer);
                    Build {
                        failure: Some(
                            "ladder panicked while rebuilding (a bug: please report it); \
                             the next save rebuilds everything"
                                .into(),
                        ),
                        ..Build::default()
                    }
                });
                watcher.set_output(&root.join(&session.config().output));
                publisher.rebuilt(build, &session.config().base_url);
            }
        })
        .context("starting the rebuild thread")?;

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("starting the server's runtime")?;
    runtime.block_on(async move {
        listener
            .set_nonblocking(true)
            .context("configuring the listener")?;
        let listener =
            tokio::net::TcpListener::from_std(listener).context("configuring the listener")?;
        let url = url(addr, &base);
        println!("Serving {url} (Ctrl-C to stop)");
        if options.open {
            open_browser(&url);
        }
        let app = server::App { state: rx };
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let serve = server::serve(listener, server::router(app), async {
            let _ = stopped.await;
        });
        let serving = tokio::spawn(serve);
        shutdown_signal().await;
        // End the open event streams so that the graceful shutdown can finish, and
        // give the other connections a moment, never longer.
        closing.send_modify(|s| {
            let mut ended = (**s).clone();
            ended.closing = true;
            *s = Arc::new(ended);
        });
        let _ = stop.send(());
        let _ = tokio::time::timeout(Duration::from_secs(2), serving).await;
        println!("Stopped.");
        anyhow::Ok(())
    })?;
    runtime.shutdown_timeout(Duration::from_millis(500));
    Ok(ExitCode::SUCCESS)
}

/// Binds the listening socket: the given port or an error naming it; without one,
/// the default port or the next free one.
fn bind(ip: IpAddr, port: Option<u16>) -> anyhow::Result<TcpListener> {
    match port {
        Some(port) => TcpListener::bind(SocketAddr::new(ip, port)).map_err(|e| {
            if e.kind() == ErrorKind::AddrInUse {
                anyhow::anyhow!(
                    "port {port} on {ip} is already in use; stop what is using it or choose another port with --port"
                )
            } else {
                anyhow::anyhow!("cannot listen on {}: {e}", SocketAddr::new(ip, port))
            }
        }),
        None => {
            for port in DEFAULT_PORT..DEFAULT_PORT.saturating_add(PORT_TRIES) {
                match TcpListener::bind(SocketAddr::new(ip, port)) {
                    Ok(l) => {
                        if port != DEFAULT_PORT {
                            println!("Port {DEFAULT_PORT} is busy; using port {port}");
                        }
                        return Ok(l);
                    }
                    Err(e) if e.kind() == ErrorKind::AddrInUse => continue,
                    Err(e) => {
                        anyhow::bail!("cannot listen on {}: {e}", SocketAddr::new(ip, port))
                    }
                }
            }
            anyhow::bail!(
                "ports {DEFAULT_PORT} to {} on {ip} are all in use; choose one with --port",
                DEFAULT_PORT.saturating_add(PORT_TRIES - 1)
            )
        }
    }
}

/// The address to print and open: a wildcard bind is reached through localhost.
fn url(addr: SocketAddr, base: &str) -> String {
    let host = if addr.ip().is_unspecified() {
        "localhost".to_string()
    } else {
        match addr.ip() {
            IpAddr::V6(ip) => format!("[{ip}]"),
            IpAddr::V4(ip) => ip.to_string(),
        }
    };
    format!("http://{host}:{}{base}", addr.port())
}

/// Opens `url` in the default browser; failing to do so is only a warning.
fn open_browser(url: &str) {
    let mut cmd = if cfg!(target_os = "macos") {
        std::process::Command::new("open")
    } else if cfg!(windows) {
        let mut c = std::process::Command::new("cmd");
        c.args(["/C", "start", ""]);
        c
    } else {
        std::process::Command::new("xdg-open")
    };
    cmd.arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    match cmd.spawn() {
        // Reap the opener when it exits; it is not waited for.
        Ok(mut child) => {
            let url = url.to_string();
            std::thread::spawn(move || {
                if let Ok(status) = child.wait() {
                    if !status.success() {
                        eprintln!(
                            "warning: could not open a browser ({status}); open {url} yourself"
                        );
                    }
                }
            });
        }
        Err(e) => eprintln!("warning: could not open a browser: {e}; open it yourself"),
    }
}

async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// Publishes builds to the server and reports them on the terminal.
struct Publisher {
    tx: channel::Sender<Arc<Served>>,
    instance: u128,
    generation: u64,
    /// Warnings of the last good build, printed again only when they change.
    last_warnings: Vec<Diagnostic>,
    /// The server's address, to print the new URL when the base path changes.
    addr: Option<SocketAddr>,
}

impl Publisher {
    fn first(&mut self, build: Build, base: &str) {
        let ms = millis(build.stats.duration);
        if build.failed() {
            self.report_failure(&build);
            eprintln!(
                "The first build failed in {ms} ms; serving an error page until it is fixed."
            );
        } else {
            self.print_warnings(&build);
            println!("Built in {ms} ms.");
        }
        self.publish(build, base);
    }

    fn rebuilt(&mut self, build: Build, base: &str) {
        let ms = millis(build.stats.duration);
        if build.unchanged {
            if build.stats.parsed == 0 {
                println!("Nothing to rebuild: the saved files did not change ({ms} ms).");
            } else {
                println!("Nothing to reload: the edit changes nothing the site shows ({ms} ms).");
            }
            return;
        }
        let what = describe(&build);
        if build.failed() {
            self.report_failure(&build);
            println!("Rebuild failed in {ms} ms ({what}); still serving the last good build.");
        } else {
            self.print_warnings(&build);
            println!("Rebuilt in {ms} ms ({what}).");
        }
        self.publish(build, base);
    }

    fn publish(&mut self, build: Build, base: &str) {
        let base: Arc<str> = Arc::from(base);
        let mut moved = false;
        // Made before taking the channel's lock, which requests wait for.
        let overlay = build.site.is_none().then(|| {
            Arc::from(overlay::overlay_html(
                &build.diagnostics,
                build.failure.as_deref(),
                &build.sources,
            ))
        });
        // The new state is made from the current one inside the channel's lock, so
        // that the `closing` flag Ctrl-C sets in between cannot be overwritten.
        let published = self.tx.send_if_modified(|current| {
            if current.closing {
                // Shutting down: the open pages have been told; a late rebuild is dropped.
                return false;
            }
            self.generation += 1;
            let token = format!("{}.{}", self.instance, self.generation);
            moved = base != current.base && build.site.is_some() && current.site.is_some();
            let served = next_served(current, token, base, build.site, overlay);
            // The swap is the publication: requests after it see the new site, and it
            // wakes the open event streams.
            *current = Arc::new(served);
            true
        });
        if let (true, true, Some(addr)) = (published, moved, self.addr) {
            let base = self.tx.borrow().base.clone();
            println!("The base path changed: now serving {}", url(addr, &base));
        }
    }

    fn report_failure(&mut self, build: &Build) {
        let text = diagnostic::render_human(
            &build.diagnostics,
            &build.sources,
            crate::diagnostic::use_color_stderr(),
        );
        eprint!("{text}");
        if let Some(f) = &build.failure {
            eprintln!("error: {f}");
        }
        self.last_warnings.clear();
    }

    fn print_warnings(&mut self, build: &Build) {
        if build.diagnostics != self.last_warnings {
            let text = diagnostic::render_human(
                &build.diagnostics,
                &build.sources,
                crate::diagnostic::use_color_stderr(),
            );
            eprint!("{text}");
            self.last_warnings = build.diagnostics.clone();
        }
    }
}

/// What the server shows after `build`, given what it shows now.
fn next_served(
    previous: &Served,
    token: String,
    base: Arc<str>,
    site: Option<SiteFiles>,
    overlay: Option<Arc<str>>,
) -> Served {
    match site {
        Some(site) => Served {
            token,
            moved_from: if base != previous.base && previous.site.is_some() {
                Some(previous.base.clone())
            } else {
                previous.moved_from.clone()
            },
            base,
            site: Some(Arc::new(site)),
            overlay: None,
            closing: false,
        },
        // The last good site stays where it was served.
        None => Served {
            token,
            base: if previous.site.is_some() {
                previous.base.clone()
            } else {
                base
            },
            moved_from: previous.moved_from.clone(),
            site: previous.site.clone(),
            overlay,
            closing: false,
        },
    }
}

/// A duration in milliseconds, with a decimal when it is short.
fn millis(d: Duration) -> String {
    let ms = d.as_secs_f64() * 1000.0;
    if ms < 10.0 {
        format!("{ms:.1}")
    } else {
        format!("{ms:.0}")
    }
}

/// "1 file parsed, theme reused, 2 warnings".
fn describe(build: &Build) -> String {
    let s = &build.stats;
    let mut parts = vec![match s.parsed {
        1 => "1 file parsed".to_string(),
        n => format!("{n} files parsed"),
    }];
    parts.push(if s.theme_loaded {
        "templates reloaded".into()
    } else {
        "templates reused".into()
    });
    if s.rendered {
        parts.push(match s.pages_rendered {
            1 => "1 page rendered".to_string(),
            n => format!("{n} pages rendered"),
        });
    }
    let errors = build
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let warnings = build.diagnostics.len() - errors;
    if errors > 0 {
        parts.push(format!(
            "{errors} error{}",
            if errors == 1 { "" } else { "s" }
        ));
    }
    if warnings > 0 {
        parts.push(format!(
            "{warnings} warning{}",
            if warnings == 1 { "" } else { "s" }
        ));
    }
    parts.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        let a: SocketAddr = "127.0.0.1:1111".parse().unwrap();
        assert_eq!(url(a, "/eng/"), "http://127.0.0.1:1111/eng/");
        let a: SocketAddr = "0.0.0.0:8080".parse().unwrap();
        assert_eq!(url(a, "/"), "http://localhost:8080/");
        let a: SocketAddr = "[::1]:1111".parse().unwrap();
        assert_eq!(url(a, "/"), "http://[::1]:1111/");
    }

    /// Ctrl-C sets `closing` while the build thread may be publishing: the flag must
    /// survive, or the open event streams are never ended and shutdown waits out its
    /// timeout. Publishing in a loop while the flag is set lands the flag inside a
    /// publication nearly every time.
    #[test]
    fn a_publication_never_loses_the_closing_flag() {
        for round in 0..200 {
            let (tx, _rx) = channel::channel(Arc::new(Served::default()));
            let closing = tx.clone();
            let mut publisher = Publisher {
                tx,
                instance: 0,
                generation: 0,
                last_warnings: Vec::new(),
                addr: None,
            };
            let builds = std::thread::spawn(move || {
                for _ in 0..20 {
                    let build = Build {
                        failure: Some("broken".repeat(200)),
                        ..Build::default()
                    };
                    publisher.publish(build, "/");
                }
            });
            std::thread::yield_now();
            closing.send_modify(|s| {
                let mut ended = (**s).clone();
                ended.closing = true;
                *s = Arc::new(ended);
            });
            builds.join().unwrap();
            assert!(closing.borrow().closing, "round {round}: the flag was lost");
        }
    }

    #[test]
    fn an_explicit_busy_port_is_an_error_naming_it() {
        let taken = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = taken.local_addr().unwrap().port();
        let err = bind("127.0.0.1".parse().unwrap(), Some(port)).unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.contains(&format!("port {port}")) && msg.contains("in use"),
            "{msg}"
        );
    }
}

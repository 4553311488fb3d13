//! Edit-to-reload latency of `ladder serve` (SPEC section 6), measured from outside
//! the way an author meets it: the time from a saved edit to the reload event
//! reaching an open page.
//!
//! ```text
//! cargo run --release --example serve_latency -- --root DIR [--edits 20]
//!     [--ladder target/release/ladder] [--file content/x.md]
//! ```
//!
//! Starts `ladder serve` on DIR (which it edits: give it a copy), opens the events
//! channel as a page does, then saves one track file `--edits` times as editors do
//! (write a temporary file, rename it over the track) and times each save, from the
//! moment the rename returns to the moment `event: reload` arrives. Two warm-up edits
//! are not counted. It also collects the build time the server reports for each
//! rebuild ("Rebuilt in N ms"), so that the wait for the events to settle and the
//! build itself can be told apart. Prints one human line and one JSON line.
//!
//! This is a benchmark, not a test: the numbers depend on the machine and its load.
//! `bench/serve_latency.sh` runs it on the example ladder and on generated ones.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const TIMEOUT: Duration = Duration::from_secs(60);
const WARM_UP: usize = 2;

struct Args {
    root: PathBuf,
    edits: usize,
    ladder: PathBuf,
    file: Option<String>,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        root: PathBuf::new(),
        edits: 20,
        ladder: PathBuf::from("target/release/ladder"),
        file: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let mut value = || it.next().ok_or(format!("{a} needs a value"));
        match a.as_str() {
            "--root" => args.root = PathBuf::from(value()?),
            "--edits" => args.edits = value()?.parse().map_err(|e| format!("--edits: {e}"))?,
            "--ladder" => args.ladder = PathBuf::from(value()?),
            "--file" => args.file = Some(value()?),
            other => return Err(format!("unknown argument {other}")),
        }
    }
    if args.root.as_os_str().is_empty() {
        return Err("--root DIR is required".into());
    }
    Ok(args)
}

/// The track file to edit: the given one, else the first track in content/.
fn pick_file(root: &Path, given: Option<&str>) -> Result<PathBuf, String> {
    if let Some(f) = given {
        return Ok(root.join(f));
    }
    let mut files: Vec<PathBuf> = walk(&root.join("content"))
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "md") && !p.ends_with("_index.md"))
        .collect();
    files.sort();
    files
        .into_iter()
        .next()
        .ok_or_else(|| "no track file in content/".to_string())
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(walk(&p));
            } else {
                out.push(p);
            }
        }
    }
    out
}

struct Server {
    child: Child,
    stdout: Arc<Mutex<Vec<String>>>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(ladder: &Path, root: &Path, port: u16) -> Result<Server, String> {
    let mut child = Command::new(ladder)
        .args(["serve", "--port", &port.to_string(), "--root"])
        .arg(root)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("starting {}: {e}", ladder.display()))?;
    let stdout = Arc::new(Mutex::new(Vec::new()));
    let out = child.stdout.take().ok_or("no stdout")?;
    let lines = stdout.clone();
    std::thread::spawn(move || {
        for line in BufReader::new(out).lines().map_while(Result::ok) {
            if let Ok(mut v) = lines.lock() {
                v.push(line);
            }
        }
    });
    let server = Server { child, stdout };
    let started = Instant::now();
    while started.elapsed() < TIMEOUT {
        if lines_of(&server).iter().any(|l| l.starts_with("Serving ")) {
            return Ok(server);
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    Err("ladder serve did not start".into())
}

fn lines_of(server: &Server) -> Vec<String> {
    server.stdout.lock().map(|v| v.clone()).unwrap_or_default()
}

/// The base path from the "Serving http://host:port/base/" line.
fn base_path(server: &Server) -> String {
    lines_of(server)
        .iter()
        .find_map(|l| {
            let url = l.strip_prefix("Serving http://")?;
            let path = &url[url.find('/')?..];
            Some(path.split_whitespace().next()?.to_string())
        })
        .unwrap_or_else(|| "/".into())
}

struct Events {
    stream: TcpStream,
    received: String,
}

impl Events {
    fn open(port: u16, path: &str) -> Result<Events, String> {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).map_err(|e| e.to_string())?;
        stream
            .set_read_timeout(Some(Duration::from_millis(5)))
            .map_err(|e| e.to_string())?;
        write!(stream, "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            .map_err(|e| e.to_string())?;
        Ok(Events {
            stream,
            received: String::new(),
        })
    }

    /// Reads until `needle` appears after byte `from`; returns when it did.
    fn wait_for(&mut self, needle: &str, from: usize) -> Result<Instant, String> {
        let start = Instant::now();
        let mut buf = [0u8; 65536];
        loop {
            if self
                .received
                .get(from..)
                .is_some_and(|r| r.contains(needle))
            {
                return Ok(Instant::now());
            }
            if start.elapsed() > TIMEOUT {
                return Err(format!("no {needle:?} within {TIMEOUT:?}"));
            }
            match self.stream.read(&mut buf) {
                Ok(0) => return Err("the events channel closed".into()),
                Ok(n) => self.received.push_str(&String::from_utf8_lossy(&buf[..n])),
                Err(e)
                    if matches!(
                        e.kind(),
                        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                    ) => {}
                Err(e) => return Err(e.to_string()),
            }
        }
    }
}

fn atomic_save(path: &Path, text: &str) -> Result<(), String> {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("x");
    let tmp = path.with_file_name(format!(".{name}.tmp"));
    std::fs::write(&tmp, text).map_err(|e| e.to_string())?;
    std::fs::rename(&tmp, path).map_err(|e| e.to_string())
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn run() -> Result<(), String> {
    let args = parse_args()?;
    let file = pick_file(&args.root, args.file.as_deref())?;
    let original =
        std::fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?;
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|e| e.to_string())?;
    let server = start(&args.ladder, &args.root, port)?;
    let first_build = lines_of(&server).iter().find_map(|l| {
        l.strip_prefix("Built in ")?
            .split(' ')
            .next()?
            .parse::<f64>()
            .ok()
    });
    let mut events = Events::open(port, &format!("{}__ladder/events", base_path(&server)))?;
    events.wait_for(": ladder serve", 0)?;

    let mut latencies = Vec::new();
    let mut builds = Vec::new();
    for i in 0..args.edits + WARM_UP {
        // A new sentence at the end of the file: the last level's (or prose
        // section's) text changes, and the ladder stays valid.
        let text = format!("{}\nEdited {i} times.\n", original.trim_end());
        let mark = events.received.len();
        let rebuilt_before = lines_of(&server)
            .iter()
            .filter(|l| l.starts_with("Rebuilt in"))
            .count();
        atomic_save(&file, &text)?;
        let saved = Instant::now();
        let reloaded = events.wait_for("event: reload", mark)?;
        let ms = reloaded.duration_since(saved).as_secs_f64() * 1000.0;
        // The server prints its line just after publishing; give it a moment.
        let mut build = None;
        let waited = Instant::now();
        while build.is_none() && waited.elapsed() < Duration::from_secs(5) {
            let lines = lines_of(&server);
            build = lines
                .iter()
                .filter(|l| l.starts_with("Rebuilt in"))
                .nth(rebuilt_before)
                .and_then(|l| {
                    l.strip_prefix("Rebuilt in ")?
                        .split(' ')
                        .next()?
                        .parse::<f64>()
                        .ok()
                });
            if build.is_none() {
                std::thread::sleep(Duration::from_millis(2));
            }
        }
        if i >= WARM_UP {
            latencies.push(ms);
            if let Some(b) = build {
                builds.push(b);
            }
        }
        // Let the server go idle between edits, as between an author's saves.
        std::thread::sleep(Duration::from_millis(150));
    }
    std::fs::write(&file, &original).map_err(|e| e.to_string())?;
    drop(server);

    latencies.sort_by(f64::total_cmp);
    builds.sort_by(f64::total_cmp);
    let (median, p90) = (percentile(&latencies, 0.5), percentile(&latencies, 0.9));
    let (min, max) = (latencies[0], latencies[latencies.len() - 1]);
    let build_median = percentile(&builds, 0.5);
    let size = std::fs::metadata(&file).map(|m| m.len()).unwrap_or(0);
    println!(
        "{}: {} edits of {} ({} KiB): edit to reload median {median:.1} ms, p90 {p90:.1} ms, min {min:.1} ms, max {max:.1} ms; rebuild (server-reported) median {build_median:.1} ms; first build {} ms",
        args.root.display(),
        latencies.len(),
        file.strip_prefix(&args.root).unwrap_or(&file).display(),
        size / 1024,
        first_build.map_or("?".into(), |b| b.to_string()),
    );
    println!(
        "{}",
        serde_json::json!({
            "root": args.root.display().to_string(),
            "file": file.strip_prefix(&args.root).unwrap_or(&file).display().to_string(),
            "file_bytes": size,
            "edits": latencies.len(),
            "median_ms": median,
            "p90_ms": p90,
            "min_ms": min,
            "max_ms": max,
            "rebuild_median_ms": build_median,
            "first_build_ms": first_build,
        })
    );
    Ok(())
}

fn main() {
    if let Err(e) = run() {
        eprintln!("serve_latency: {e}");
        std::process::exit(2);
    }
}

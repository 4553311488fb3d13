//! Shared by tests/serve.rs and tests/serve_browser.rs: a temporary ladder project,
//! the real `ladder serve` binary started on a free port, and a plain HTTP/1.1
//! client over `std::net::TcpStream` (no HTTP client dependency needed).

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long any wait in these tests may take before it counts as a failure.
pub const TIMEOUT: Duration = Duration::from_secs(20);

pub const TECHNICAL: &str = "---
title: Technical Track
summary: Builds things.
dimensions:
  - Scope
levels:
  - title: Engineer
    code: T1
    band: 1
  - title: Senior Engineer
    code: T2
    band: 2
---

# Technical Track

## Engineer

Writes code with help.

**Scope:** a feature.

**Responsibilities:**

- ship features

## Senior Engineer

Writes code alone.

**Scope:** a system.

**Responsibilities:**

- lead projects
";

pub const MANAGING: &str = "---
title: Managing Track
summary: Leads teams.
dimensions:
  - Scope
levels:
  - title: Team Lead
    code: M1
    band: 1
  - title: Engineering Manager
    code: M2
    band: 2
---

# Managing Track

## Team Lead

Leads a small team.

**Scope:** a team.

**Responsibilities:**

- run the team's rituals

## Engineering Manager

Leads several teams.

**Scope:** a group.

**Responsibilities:**

- hire
";

/// A ladder project in a temporary folder, served under `/careers/ladder/`.
pub struct Project {
    pub dir: tempfile::TempDir,
}

impl Project {
    pub fn new() -> Project {
        let dir = tempfile::tempdir().expect("temp dir");
        let p = Project { dir };
        p.write(
            "ladder.yaml",
            "title: Test Ladder\nbase_url: /careers/ladder/\n",
        );
        p.write("content/technical.md", TECHNICAL);
        p.write("content/managing.md", MANAGING);
        // A file outside the site that traversal attempts aim at.
        p.write("Cargo.toml", "[package]\nname = \"secret\"\n");
        p
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    pub fn write(&self, rel: &str, text: &str) {
        let p = self.path(rel);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).expect("create folder");
        }
        std::fs::write(p, text).expect("write");
    }

    /// Saves as many editors do: write a temporary file beside the page, then rename
    /// it over the page.
    pub fn atomic_save(&self, rel: &str, text: &str) {
        let p = self.path(rel);
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("x");
        let tmp = p.with_file_name(format!(".{name}.tmp"));
        std::fs::write(&tmp, text).expect("write temporary file");
        std::fs::rename(&tmp, &p).expect("rename over the page");
    }

    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path(rel)).expect("read")
    }
}

/// A port that was free a moment ago.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// A running `ladder serve`, killed when dropped.
pub struct Server {
    pub child: Child,
    pub port: u16,
    pub stdout: Arc<Mutex<Vec<String>>>,
    pub stderr: Arc<Mutex<Vec<String>>>,
    /// The TMPDIR the server was given, to check it leaves nothing there.
    pub tmp: tempfile::TempDir,
}

fn collect(stream: impl Read + Send + 'static, into: Arc<Mutex<Vec<String>>>) {
    std::thread::spawn(move || {
        for line in BufReader::new(stream).lines() {
            let Ok(line) = line else { break };
            if let Ok(mut v) = into.lock() {
                v.push(line);
            }
        }
    });
}

impl Server {
    /// Starts `ladder serve --root <project> --port <free port>` and waits for it to
    /// print that it is serving.
    pub fn start(project: &Project) -> Server {
        let port = free_port();
        let tmp = tempfile::tempdir().expect("temp dir");
        let mut child = Command::new(assert_cmd::cargo::cargo_bin!("ladder"))
            .arg("serve")
            .arg("--root")
            .arg(project.root())
            .arg("--port")
            .arg(port.to_string())
            .env("TMPDIR", tmp.path())
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start ladder serve");
        let stdout = Arc::new(Mutex::new(Vec::new()));
        let stderr = Arc::new(Mutex::new(Vec::new()));
        collect(child.stdout.take().expect("stdout"), stdout.clone());
        collect(child.stderr.take().expect("stderr"), stderr.clone());
        let server = Server {
            child,
            port,
            stdout,
            stderr,
            tmp,
        };
        let serving = eventually(|| {
            server
                .stdout_lines()
                .iter()
                .any(|l| l.starts_with("Serving http://"))
                .then_some(())
        });
        assert!(
            serving.is_some(),
            "ladder serve did not start.\nstdout: {:?}\nstderr: {:?}",
            server.stdout_lines(),
            server.stderr_lines()
        );
        server
    }

    pub fn stdout_lines(&self) -> Vec<String> {
        self.stdout.lock().map(|v| v.clone()).unwrap_or_default()
    }

    pub fn stderr_lines(&self) -> Vec<String> {
        self.stderr.lock().map(|v| v.clone()).unwrap_or_default()
    }

    /// How many rebuilds the server has reported (successful or failed).
    pub fn rebuilds(&self) -> usize {
        self.stdout_lines()
            .iter()
            .filter(|l| l.starts_with("Rebuilt in") || l.starts_with("Rebuild failed in"))
            .count()
    }

    pub fn get(&self, path: &str) -> Response {
        get(self.port, path)
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub head: String,
    pub body: String,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.head.lines().find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.trim().eq_ignore_ascii_case(name).then(|| v.trim())
        })
    }
}

/// `GET path` over a fresh connection; the path is sent exactly as given.
pub fn get(port: u16, path: &str) -> Response {
    request(
        port,
        &format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"),
    )
}

/// Sends `raw` (a whole request, as bytes on the wire) over a fresh connection and
/// reads the response until the server closes it.
pub fn request(port: u16, raw: &str) -> Response {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    stream.set_read_timeout(Some(TIMEOUT)).expect("timeout");
    stream.write_all(raw.as_bytes()).expect("send request");
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).expect("read response");
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    Response {
        status,
        head: head.to_string(),
        body: body.to_string(),
    }
}

/// Polls `f` every 25 ms until it returns `Some`, for at most [`TIMEOUT`].
pub fn eventually<T>(mut f: impl FnMut() -> Option<T>) -> Option<T> {
    let start = Instant::now();
    loop {
        if let Some(v) = f() {
            return Some(v);
        }
        if start.elapsed() > TIMEOUT {
            return None;
        }
        std::thread::sleep(Duration::from_millis(25));
    }
}

/// An open server-sent events stream, read as raw text.
pub struct Events {
    stream: TcpStream,
    pub received: String,
}

impl Events {
    pub fn open(port: u16, path: &str) -> Events {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
        stream
            .set_read_timeout(Some(Duration::from_millis(100)))
            .expect("timeout");
        write!(
            stream,
            "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAccept: text/event-stream\r\n\r\n"
        )
        .expect("send request");
        Events {
            stream,
            received: String::new(),
        }
    }

    /// Reads until `needle` has been received (counting from `from`), or the timeout.
    pub fn wait_for(&mut self, needle: &str, from: usize) -> bool {
        self.wait_at_most(needle, from, TIMEOUT)
    }

    /// [`Events::wait_for`] with a time limit of its own.
    pub fn wait_at_most(&mut self, needle: &str, from: usize, limit: Duration) -> bool {
        let start = Instant::now();
        let mut buf = [0u8; 4096];
        while start.elapsed() < limit {
            if self
                .received
                .get(from..)
                .is_some_and(|r| r.contains(needle))
            {
                return true;
            }
            match self.stream.read(&mut buf) {
                Ok(0) => return false,
                Ok(n) => self.received.push_str(&String::from_utf8_lossy(&buf[..n])),
                Err(e)
                    if e.kind() == std::io::ErrorKind::WouldBlock
                        || e.kind() == std::io::ErrorKind::TimedOut => {}
                Err(_) => return false,
            }
        }
        self.received
            .get(from..)
            .is_some_and(|r| r.contains(needle))
    }
}

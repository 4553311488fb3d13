//! Helpers shared by the site tests (tests/site.rs) and the browser tests
//! (tests/browser.rs): building fixture projects with the real binary, reading a built
//! site, a link checker, small HTML probes and a tiny static file server.
#![allow(dead_code)]

use assert_cmd::Command;
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};

/// A built site in a temporary folder (deleted on drop).
pub struct Built {
    _dir: tempfile::TempDir,
    site: PathBuf,
}

impl Built {
    pub fn path(&self) -> &Path {
        &self.site
    }
}

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// Builds `tests/fixtures/NAME` into a fresh temporary folder.
pub fn build_fixture(name: &str, args: &[&str]) -> Built {
    build_project(&fixture(name), args)
}

/// Runs `ladder build --root ROOT --output TMP ARGS...` and expects success.
pub fn build_project(root: &Path, args: &[&str]) -> Built {
    let dir = tempfile::tempdir().expect("temporary folder");
    let site = dir.path().join("site");
    build_into(root, &site, args);
    Built { _dir: dir, site }
}

/// A copy of a fixture project that a test may edit.
pub fn copy_fixture(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temporary folder");
    copy_tree(&fixture(name), dir.path());
    dir
}

/// A copy of the repository's example ladder (ladder.yaml and content/) that a test
/// may edit.
pub fn copy_example() -> tempfile::TempDir {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().expect("temporary folder");
    std::fs::copy(root.join("ladder.yaml"), dir.path().join("ladder.yaml"))
        .expect("copy ladder.yaml");
    copy_tree(&root.join("content"), &dir.path().join("content"));
    dir
}

/// Builds the project at `root` into `site` (which may hold an earlier build of it).
pub fn build_into(root: &Path, site: &Path, args: &[&str]) {
    Command::cargo_bin("ladder")
        .expect("the ladder binary")
        .arg("build")
        .arg("--root")
        .arg(root)
        .arg("--output")
        .arg(site)
        .args(args)
        .assert()
        .success();
}

pub fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create folder");
    for entry in std::fs::read_dir(from).expect("read fixture") {
        let entry = entry.expect("fixture entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy fixture file");
        }
    }
}

/// Every file of a built site, by `/`-separated path.
pub struct Site {
    pub files: BTreeMap<String, Vec<u8>>,
}

impl Site {
    pub fn read(dir: &Path) -> Site {
        let mut files = BTreeMap::new();
        read_into(dir, "", &mut files);
        Site { files }
    }

    pub fn page(&self, path: &str) -> String {
        let bytes = self
            .files
            .get(path)
            .unwrap_or_else(|| panic!("{path} is not in the site"));
        String::from_utf8(bytes.clone()).expect("pages are UTF-8")
    }

    /// Checks every internal URL of every page, of the search index and of the picker
    /// data: it must start with `base`, name a file of the site, and name an element
    /// id on that page when it has a fragment. No URL may point at a `.md` file other
    /// than a level's published documents.
    pub fn check_links(&self, base: &str) {
        let mut problems = Vec::new();
        let mut checked = 0;
        for (path, bytes) in &self.files {
            if !path.ends_with(".html") {
                continue;
            }
            let html = String::from_utf8_lossy(bytes);
            let mut ids = std::collections::HashSet::new();
            for id in attr_values(&html, "id") {
                if !ids.insert(id.clone()) {
                    problems.push(format!(
                        "{path}: id=\"{id}\" is used twice, so links to it are ambiguous"
                    ));
                }
            }
            for attr in ["href", "src", "action", "data-search-index", "data-levels"] {
                for url in attr_values(&html, attr) {
                    checked += 1;
                    if let Err(e) = self.check_url(base, path, &html, &url) {
                        problems.push(format!("{path}: {attr}=\"{url}\": {e}"));
                    }
                }
            }
        }
        for (data, field) in [("data/search.json", "u"), ("data/levels.json", "url")] {
            let json: serde_json::Value =
                serde_json::from_slice(&self.files[data]).expect("valid JSON data file");
            let list = json
                .as_array()
                .or_else(|| json["levels"].as_array())
                .expect("a list");
            for entry in list {
                let url = entry[field].as_str().expect("a URL field");
                checked += 1;
                if let Err(e) = self.check_url(base, data, "", url) {
                    problems.push(format!("{data}: {url}: {e}"));
                }
            }
        }
        assert!(
            checked > 20,
            "the link checker found almost no links ({checked})"
        );
        assert!(
            problems.is_empty(),
            "{} broken links:\n{}",
            problems.len(),
            problems.join("\n")
        );
    }

    fn check_url(&self, base: &str, from: &str, from_html: &str, url: &str) -> Result<(), String> {
        let url = decode_entities(url);
        if url.is_empty() {
            return Ok(());
        }
        let (path_part, fragment) = match url.split_once('#') {
            Some((p, f)) => (p, Some(f)),
            None => (url.as_str(), None),
        };
        let path_part = path_part.split('?').next().unwrap_or_default();
        // The per-level documents are published Markdown; any other `.md` link is a
        // link to a source file that was not rewritten.
        let document =
            path_part.ends_with("/job-description.md") || path_part.ends_with("/promotion-case.md");
        if !document && (path_part.ends_with(".md") || path_part.contains(".md/")) {
            return Err("links to a Markdown file".into());
        }
        if url.starts_with("http://") || url.starts_with("https://") || url.starts_with("//") {
            return Err("external URL: the site must work offline".into());
        }
        if url.starts_with("mailto:") {
            return Ok(());
        }
        if path_part.is_empty() {
            // A same-page fragment.
            let f = fragment.unwrap_or_default();
            return if from_html.is_empty() || has_id(from_html, f) {
                Ok(())
            } else {
                Err(format!("no element with id `{f}` on this page"))
            };
        }
        let Some(rel) = path_part.strip_prefix(base) else {
            return Err(format!("does not start with the base URL {base}"));
        };
        let file = if rel.is_empty() || rel.ends_with('/') {
            format!("{rel}index.html")
        } else {
            rel.to_string()
        };
        let Some(bytes) = self.files.get(&file) else {
            return Err(format!("no file {file} in the site (linked from {from})"));
        };
        if let Some(f) = fragment {
            if !has_id(&String::from_utf8_lossy(bytes), f) {
                return Err(format!("{file} has no element with id `{f}`"));
            }
        }
        Ok(())
    }
}

fn read_into(dir: &Path, prefix: &str, files: &mut BTreeMap<String, Vec<u8>>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
        .map(|e| e.expect("entry"))
        .collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let name = entry.file_name().to_string_lossy().into_owned();
        let rel = format!("{prefix}{name}");
        if entry.file_type().expect("file type").is_dir() {
            read_into(&entry.path(), &format!("{rel}/"), files);
        } else {
            files.insert(rel, std::fs::read(entry.path()).expect("read file"));
        }
    }
}

/// Values of `attr="..."` in `html`.
pub fn attr_values(html: &str, attr: &str) -> Vec<String> {
    let needle = format!(" {attr}=\"");
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(at) = rest.find(&needle) {
        rest = &rest[at + needle.len()..];
        let end = rest.find('"').unwrap_or(rest.len());
        out.push(rest[..end].to_string());
        rest = &rest[end..];
    }
    out
}

pub fn has_id(html: &str, id: &str) -> bool {
    html.contains(&format!(" id=\"{id}\""))
}

pub fn decode_entities(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// Text of an HTML fragment: tags dropped, entities decoded, whitespace collapsed.
pub fn text_of(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => {
                in_tag = true;
                out.push(' ');
            }
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    decode_entities(&out)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The rows of the first `<table class="CLASS">`, each as the text of its cells.
/// Tables nested in a cell (Markdown tables in a competency) count as cell text.
pub fn table_rows(html: &str, class: &str) -> Vec<Vec<String>> {
    let start = html
        .find(&format!("<table class=\"{class}\""))
        .unwrap_or_else(|| panic!("no table of class {class}"));
    // Find the matching </table>, and blank out nested tables' row markup.
    let mut depth = 0;
    let mut pos = start;
    let mut flat = String::new();
    loop {
        let open = html[pos..].find("<table").map(|i| pos + i);
        let close = html[pos..]
            .find("</table>")
            .map(|i| pos + i)
            .expect("closed table");
        let next = match open {
            Some(o) if o < close => o,
            _ => close,
        };
        let chunk = &html[pos..next];
        if depth > 1 {
            flat.push_str(
                &chunk
                    .replace("<tr", "<_r")
                    .replace("<td", "<_d")
                    .replace("<th", "<_h"),
            );
        } else {
            flat.push_str(chunk);
        }
        if next == close {
            depth -= 1;
            pos = close + "</table>".len();
            if depth == 0 {
                break;
            }
        } else {
            depth += 1;
            pos = next + 1;
            flat.push('<');
        }
    }
    flat.split("<tr")
        .skip(1)
        .map(|row| {
            row.split("<t")
                .skip(1)
                .filter(|c| c.starts_with('h') || c.starts_with('d'))
                .map(|cell| {
                    let body = cell.split_once('>').map_or("", |(_, b)| b);
                    text_of(body)
                })
                .collect()
        })
        .collect()
}

/// The `<section>` that holds the element with id `id`, with everything nested in it.
pub fn section(html: &str, id: &str) -> String {
    let at = html
        .find(&format!(" id=\"{id}\""))
        .unwrap_or_else(|| panic!("no element with id {id}"));
    let start = html[..at].rfind("<section").expect("inside a section");
    let mut depth = 0;
    let mut pos = start;
    loop {
        let open = html[pos..].find("<section").map(|i| pos + i);
        let close = html[pos..]
            .find("</section>")
            .map(|i| pos + i)
            .expect("closed section");
        match open {
            Some(o) if o < close => {
                depth += 1;
                pos = o + 1;
            }
            _ => {
                depth -= 1;
                pos = close + "</section>".len();
                if depth == 0 {
                    return html[start..pos].to_string();
                }
            }
        }
    }
}

/// The text from `start` (included) to the next `end` after it.
pub fn between<'a>(s: &'a str, start: &str, end: &str) -> &'a str {
    let a = s
        .find(start)
        .unwrap_or_else(|| panic!("`{start}` not found in {s}"));
    let b = s[a..].find(end).map_or(s.len(), |i| a + i);
    &s[a..b]
}

/// Serves `root` over HTTP on 127.0.0.1 (a free port) from a background thread, the
/// way a static host does: `dir/` serves `dir/index.html`, a missing file gets 404.html
/// with status 404. `mount` is the URL prefix the site lives under (its base_url).
pub fn serve(root: &Path, mount: &str) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    let addr = listener.local_addr().expect("local address");
    let root = root.to_path_buf();
    let mount = mount.to_string();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let root = root.clone();
            let mount = mount.clone();
            std::thread::spawn(move || {
                let _ = handle(stream, &root, &mount);
            });
        }
    });
    addr
}

fn handle(mut stream: TcpStream, root: &Path, mount: &str) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 || line == "\r\n" || line == "\n" {
            break;
        }
    }
    let target = request_line.split_whitespace().nth(1).unwrap_or("/");
    let path = target.split(['?', '#']).next().unwrap_or("/");
    let found = path.strip_prefix(mount).and_then(|rel| {
        if rel.split('/').any(|p| p == ".." || p == ".") {
            return None;
        }
        let mut file = root.join(rel);
        if rel.is_empty() || rel.ends_with('/') {
            file = file.join("index.html");
        }
        std::fs::read(&file).ok().map(|b| (file, b))
    });
    let (status, file, body) = match found {
        Some((file, body)) => ("200 OK", file, body),
        None => (
            "404 Not Found",
            root.join("404.html"),
            std::fs::read(root.join("404.html")).unwrap_or_default(),
        ),
    };
    let kind = match file.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("json") => "application/json",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        _ => "application/octet-stream",
    };
    write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )?;
    stream.write_all(&body)?;
    stream.flush()
}

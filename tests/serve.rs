//! `ladder serve` end to end: the real binary on a free port, serving a temporary
//! project, edited the way editors save files.

mod git_support;
mod serve_support;

use assert_cmd::Command;
use serve_support::{eventually, request, Events, Project, Server};
use std::io::Read;
use std::net::TcpStream;
use std::time::{Duration, Instant};

const BASE: &str = "/careers/ladder/";
const PAGE: &str = "/careers/ladder/technical/";

/// Saves the technical track as `text` (atomically) and waits for `event` on `events`.
fn save_and_await(project: &Project, events: &mut Events, text: &str, event: &str) -> bool {
    let mark = events.received.len();
    project.atomic_save("content/technical.md", text);
    events.wait_for(event, mark)
}

fn page_with(server: &Server, path: &str, text: &str) -> Option<String> {
    let r = server.get(path);
    (r.status == 200 && r.body.contains(text)).then_some(r.body)
}

#[test]
fn an_atomic_save_is_rebuilt_once_and_served() {
    let project = Project::new();
    let server = Server::start(&project);
    let first = server.get(PAGE);
    assert_eq!(first.status, 200, "{first:?}");
    assert!(first.body.contains("Writes code with help."));
    assert!(
        first.body.contains("data-ladder-serve"),
        "served pages carry the reload script"
    );
    assert!(first
        .header("content-type")
        .is_some_and(|t| t.starts_with("text/html")));

    let before = server.rebuilds();
    // A burst: the same page saved three times in a row, each an atomic rename (the
    // temporary files are written first so that the renames follow each other
    // closely, as when an editor saves all buffers).
    let page = project.path("content/technical.md");
    let temps: Vec<_> = [
        "Writes code with a guide.",
        "Writes code with a mentor.",
        "Writes code with a tutor.",
    ]
    .iter()
    .enumerate()
    .map(|(i, text)| {
        let tmp = project.path(&format!("content/.technical.md.{i}.tmp"));
        std::fs::write(
            &tmp,
            serve_support::TECHNICAL.replace("Writes code with help.", text),
        )
        .expect("write temporary file");
        tmp
    })
    .collect();
    for tmp in temps {
        std::fs::rename(tmp, &page).expect("rename over the page");
    }
    let body = eventually(|| page_with(&server, PAGE, "Writes code with a tutor."));
    assert!(
        body.is_some(),
        "the edit was not served; stdout: {:?}",
        server.stdout_lines()
    );
    // Leave time for a second rebuild, had the burst caused one.
    std::thread::sleep(Duration::from_millis(600));
    assert_eq!(
        server.rebuilds() - before,
        1,
        "one burst of saves, one rebuild: {:?}",
        server.stdout_lines()
    );
    let line = server
        .stdout_lines()
        .into_iter()
        .rfind(|l| l.starts_with("Rebuilt in"))
        .unwrap_or_default();
    assert!(
        line.contains("1 file parsed"),
        "only the saved file is parsed: {line}"
    );
    // The technical track's page and its two level pages; not the home page, not
    // the managing track's pages.
    assert!(
        line.contains("3 pages rendered"),
        "only the edited track's pages are rendered: {line}"
    );
    // The other track was not touched and is still there.
    assert!(page_with(&server, "/careers/ladder/managing/", "Leads a small team.").is_some());
}

#[test]
fn a_broken_edit_keeps_the_last_good_page_with_the_overlay_and_the_fix_removes_it() {
    let project = Project::new();
    let server = Server::start(&project);
    assert!(page_with(&server, PAGE, "Writes code with help.").is_some());

    // Break the front matter: `band` must be an integer.
    let broken = serve_support::TECHNICAL.replace("band: 2", "band: two");
    project.atomic_save("content/technical.md", &broken);
    let body = eventually(|| page_with(&server, PAGE, "id=\"ladder-overlay\""))
        .expect("the overlay should appear");
    assert!(
        body.contains("Writes code with help."),
        "the last good page is still served under the overlay"
    );
    assert!(
        body.contains("content/technical.md:"),
        "the overlay names the file and line"
    );
    assert!(body.contains("front-matter"), "and the lint");
    // Every page carries it, not only the broken track's.
    let other = server.get("/careers/ladder/managing/");
    assert_eq!(other.status, 200);
    assert!(other.body.contains("id=\"ladder-overlay\""));
    // Printed before the overlay is published, but read from the pipe by another
    // thread, which may not have got to it yet.
    assert!(eventually(|| server
        .stdout_lines()
        .iter()
        .any(|l| l.starts_with("Rebuild failed in"))
        .then_some(()))
    .is_some());

    // The fix (with a new text, so that the recovery is visible) removes it.
    project.atomic_save(
        "content/technical.md",
        &serve_support::TECHNICAL.replace("Writes code with help.", "Writes code, fixed."),
    );
    let body = eventually(|| page_with(&server, PAGE, "Writes code, fixed."))
        .expect("the fixed page should be served");
    assert!(
        !body.contains("id=\"ladder-overlay\""),
        "the overlay is gone"
    );
}

#[test]
fn a_failed_first_build_serves_an_error_page_and_recovers() {
    let project = Project::new();
    project.write("content/technical.md", "---\ntitle: [unclosed\n---\n");
    let server = Server::start(&project);
    let r = server.get(BASE);
    assert_eq!(r.status, 500);
    assert!(r.body.contains("id=\"ladder-overlay\""), "{}", r.body);
    assert!(r.body.contains("content/technical.md:"));
    assert!(
        r.body.contains("data-ladder-serve"),
        "the error page reloads itself"
    );

    project.atomic_save("content/technical.md", serve_support::TECHNICAL);
    assert!(eventually(|| page_with(&server, PAGE, "Writes code with help.")).is_some());
}

#[test]
fn requests_that_leave_the_site_get_404() {
    let project = Project::new();
    let server = Server::start(&project);
    for path in [
        "/../Cargo.toml",
        "/%2e%2e/Cargo.toml",
        "/..%2fCargo.toml",
        "/careers/ladder/../../Cargo.toml",
        "/careers/ladder/%2e%2e/%2e%2e/Cargo.toml",
        "/careers/ladder/..%2f..%2fCargo.toml",
        "/careers/ladder/..%5c..%5cCargo.toml",
        "/careers/ladder/%252e%252e/Cargo.toml",
        "/careers/ladder/Cargo.toml",
        "/Cargo.toml",
    ] {
        let r = server.get(path);
        assert_eq!(r.status, 404, "{path}: {r:?}");
        assert!(!r.body.contains("[package]"), "{path} leaked a file");
    }
    // The site's own 404 page is used.
    let r = server.get("/careers/ladder/no-such-page/");
    assert_eq!(r.status, 404);
    assert!(
        r.body.contains("<html") || r.body.contains("<!doctype"),
        "{}",
        r.body
    );
}

#[test]
fn the_site_lives_under_its_base_path() {
    let project = Project::new();
    let server = Server::start(&project);
    assert!(server
        .stdout_lines()
        .iter()
        .any(|l| l.contains(&format!("http://127.0.0.1:{}{BASE}", server.port))));
    for path in ["/", "/careers/ladder"] {
        let r = server.get(path);
        assert_eq!(r.status, 307, "{path}");
        assert_eq!(r.header("location"), Some(BASE));
    }
    let r = server.get("/careers/ladder/technical");
    assert_eq!(r.status, 307, "a folder without its slash redirects");
    assert_eq!(r.header("location"), Some(PAGE));
    assert_eq!(server.get(BASE).status, 200);
}

#[test]
fn the_events_channel_sends_reload_after_an_edit_and_overlay_after_a_break() {
    let project = Project::new();
    let server = Server::start(&project);
    let mut events = Events::open(server.port, "/careers/ladder/__ladder/events");
    assert!(
        events.wait_for("text/event-stream", 0),
        "{}",
        events.received
    );
    assert!(
        events.wait_for(": ladder serve", 0),
        "the channel opens at once"
    );

    let care = serve_support::TECHNICAL.replace("Writes code with help.", "Writes code with care.");
    assert!(
        save_and_await(&project, &mut events, &care, "event: reload"),
        "{}",
        events.received
    );
    // The reload is sent only once the new page is in place.
    let r = server.get(PAGE);
    assert!(r.body.contains("Writes code with care."));

    let mark = events.received.len();
    project.atomic_save("content/technical.md", "---\ntitle: [unclosed\n---\n");
    assert!(
        events.wait_for("event: overlay", mark),
        "{}",
        events.received
    );
    assert!(events.received[mark..].contains("content/technical.md"));
}

#[test]
fn an_explicit_busy_port_fails_with_exit_2_naming_it() {
    let project = Project::new();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = taken.local_addr().expect("addr").port();
    let out = Command::cargo_bin("ladder")
        .expect("binary")
        .args(["serve", "--port", &port.to_string(), "--root"])
        .arg(project.root())
        .timeout(Duration::from_secs(20))
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(&format!("port {port}")), "{stderr}");
    assert!(stderr.contains("in use"), "{stderr}");
}

#[test]
fn a_folder_that_is_not_a_project_fails_with_exit_2() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = Command::cargo_bin("ladder")
        .expect("binary")
        .args(["serve", "--port", "0", "--root"])
        .arg(dir.path())
        .timeout(Duration::from_secs(20))
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no content/ folder"));
}

#[cfg(unix)]
#[test]
fn ctrl_c_stops_cleanly_and_leaves_nothing_behind() {
    let project = Project::new();
    let mut server = Server::start(&project);
    let before: Vec<_> = walk(project.root());
    // An open events stream must not keep the server from stopping.
    let mut events = Events::open(server.port, "/careers/ladder/__ladder/events");
    assert!(events.wait_for(": ladder serve", 0));
    let status = std::process::Command::new("kill")
        .args(["-INT", &server.child.id().to_string()])
        .status()
        .expect("kill -INT");
    assert!(status.success());
    let exited = eventually(|| server.child.try_wait().ok().flatten());
    let exited = exited.expect("ladder serve should stop after Ctrl-C");
    assert!(exited.success(), "exit status {exited:?}");
    assert_eq!(
        walk(project.root()),
        before,
        "nothing written into the project"
    );
    assert_eq!(
        walk(server.tmp.path()),
        Vec::<String>::new(),
        "no temporary folders left"
    );
    let r = std::net::TcpStream::connect(("127.0.0.1", server.port));
    assert!(r.is_err(), "the port is released");
}

fn walk(dir: &std::path::Path) -> Vec<String> {
    let mut out: Vec<String> = walkdir::WalkDir::new(dir)
        .min_depth(1)
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| e.path().display().to_string())
        .collect();
    out.sort();
    out
}

#[test]
fn tracks_added_and_removed_and_ladder_yaml_edits_are_seen() {
    let project = Project::new();
    let server = Server::start(&project);
    let third = serve_support::MANAGING
        .replace("Managing Track", "Design Track")
        .replace("code: M", "code: D")
        .replace("Leads a small team.", "Designs a small product.");
    project.atomic_save("content/design.md", &third);
    assert!(
        eventually(|| page_with(
            &server,
            "/careers/ladder/design/",
            "Designs a small product."
        ))
        .is_some(),
        "a new track file is picked up: {:?}",
        server.stdout_lines()
    );
    std::fs::remove_file(project.path("content/design.md")).expect("remove");
    assert!(
        eventually(|| (server.get("/careers/ladder/design/").status == 404).then_some(()))
            .is_some()
    );

    // ladder.yaml is replaced by a rename, as editors do; the base path follows it.
    project.atomic_save("ladder.yaml", "title: Test Ladder\nbase_url: /eng/\n");
    assert!(
        eventually(|| page_with(&server, "/eng/technical/", "Writes code with help.")).is_some()
    );
    assert!(server.stdout_lines().iter().any(|l| l
        == &format!(
            "The base path changed: now serving http://127.0.0.1:{}/eng/",
            server.port
        )));
    assert_eq!(server.get("/").header("location"), Some("/eng/"));
    // A page still open at the old address reloads there: it is sent to the same
    // page at the new address, not to a 404.
    let old = server.get("/careers/ladder/technical/");
    assert_eq!(old.status, 307, "{old:?}");
    assert_eq!(old.header("location"), Some("/eng/technical/"));
    assert_eq!(server.get("/careers/other/").status, 404);
}

#[test]
fn templates_and_static_files_are_watched_even_when_their_folders_come_later() {
    let project = Project::new();
    let server = Server::start(&project);
    assert!(!project.path("templates").exists());

    // A templates/ folder that did not exist when serve started.
    std::fs::create_dir(project.path("templates")).expect("mkdir");
    project.atomic_save(
        "templates/track.html",
        "<!doctype html><html><body><p>Custom track page</p></body></html>",
    );
    assert!(
        eventually(|| page_with(&server, PAGE, "Custom track page")).is_some(),
        "{:?}",
        server.stdout_lines()
    );
    // Another edit of the template, now inside a watched folder: re-rendered without
    // parsing any content.
    let before = server.rebuilds();
    project.atomic_save(
        "templates/track.html",
        "<!doctype html><html><body><p>Custom track page, take two</p></body></html>",
    );
    assert!(eventually(|| page_with(&server, PAGE, "take two")).is_some());
    let line = eventually(|| {
        (server.rebuilds() > before).then(|| {
            server
                .stdout_lines()
                .into_iter()
                .rfind(|l| l.starts_with("Rebuilt in"))
                .unwrap_or_default()
        })
    })
    .unwrap_or_default();
    assert!(
        line.contains("0 files parsed, templates reloaded"),
        "{line}"
    );

    // A broken template: the last good page stays, with the overlay naming the file.
    project.atomic_save("templates/track.html", "<p>{% if %}</p>");
    let body = eventually(|| page_with(&server, PAGE, "id=\"ladder-overlay\""))
        .expect("the overlay should appear");
    assert!(body.contains("take two"));
    assert!(body.contains("templates/track.html"), "{body}");
    std::fs::remove_file(project.path("templates/track.html")).expect("remove");
    assert!(
        eventually(|| page_with(&server, PAGE, "Writes code with help.")
            .filter(|b| !b.contains("id=\"ladder-overlay\"")))
        .is_some()
    );

    // static/ is copied into the site as is.
    project.write("static/notes.txt", "served as is");
    let r = eventually(|| {
        let r = server.get("/careers/ladder/notes.txt");
        (r.status == 200).then_some(r)
    })
    .expect("a new static file is served");
    assert_eq!(r.body, "served as is");
    assert!(r
        .header("content-type")
        .is_some_and(|t| t.starts_with("text/plain")));
}

/// The files that show the whole ladder (band pages, print view, search index,
/// picker data, ladder.json) are rendered when first asked for; after an edit they
/// show the edit like every other page, and a band page's folder still redirects.
#[test]
fn whole_ladder_files_follow_edits_when_asked_for() {
    let project = Project::new();
    let server = Server::start(&project);
    let whole = [
        "/careers/ladder/compare/2/",
        "/careers/ladder/print/",
        "/careers/ladder/data/search.json",
        "/careers/ladder/data/levels.json",
        "/careers/ladder/ladder.json",
    ];
    for path in whole {
        let r = server.get(path);
        assert_eq!(r.status, 200, "{path}: {r:?}");
        assert!(
            r.body.contains("Writes code alone."),
            "{path} lacks the text"
        );
    }
    let band = server.get("/careers/ladder/compare/2");
    assert_eq!(band.status, 307, "{band:?}");
    assert_eq!(band.header("location"), Some("/careers/ladder/compare/2/"));

    project.atomic_save(
        "content/technical.md",
        &serve_support::TECHNICAL.replace("Writes code alone.", "Designs systems alone."),
    );
    assert!(
        eventually(|| page_with(&server, PAGE, "Designs systems alone.")).is_some(),
        "the edit was not served: {:?}",
        server.stdout_lines()
    );
    for path in whole {
        let r = server.get(path);
        assert_eq!(r.status, 200, "{path}: {r:?}");
        assert!(r.body.contains("Designs systems alone."), "{path} is stale");
        assert!(!r.body.contains("Writes code alone."), "{path} is stale");
    }
    // The other track's pages were kept, and still show its text.
    assert!(page_with(&server, "/careers/ladder/managing/", "Leads a small team.").is_some());
}

/// A base URL with a space or a non-ASCII letter: browsers send it percent-encoded,
/// and the server still finds every page; redirects and links use the encoded form.
#[test]
fn a_base_url_with_a_space_or_an_accent_is_served() {
    for (base, encoded) in [
        ("/carrières/", "/carri%C3%A8res/"),
        ("/my ladder/", "/my%20ladder/"),
    ] {
        let project = Project::new();
        project.write(
            "ladder.yaml",
            &format!("title: Test Ladder\nbase_url: {base}\n"),
        );
        let server = Server::start(&project);
        let home = server.get(encoded);
        assert_eq!(home.status, 200, "{base}: {home:?}");
        assert!(
            home.body.contains("Technical Track"),
            "{base}: {}",
            home.body
        );
        let page = format!("{encoded}technical/senior-engineer/");
        let level = server.get(&page);
        assert_eq!(level.status, 200, "{page}: {level:?}");
        assert!(level.body.contains("Writes code alone."), "{page}");
        // The links on the page work as a browser follows them.
        assert!(
            level
                .body
                .contains(&format!("href=\"{encoded}technical/\"")),
            "{page} links to its track under the encoded base"
        );
        let root = server.get("/");
        assert_eq!(root.status, 307, "{root:?}");
        assert_eq!(root.header("location"), Some(encoded));
        assert!(
            server
                .stdout_lines()
                .iter()
                .any(|l| l.ends_with(&format!("{}{encoded} (Ctrl-C to stop)", server.port))),
            "{:?}",
            server.stdout_lines()
        );
    }
}

/// Ctrl-C while a rebuild is being published (an edit saved just before it): the
/// server still ends the open event streams and stops promptly, well under the time
/// it would take to wait the streams out.
#[cfg(unix)]
#[test]
fn ctrl_c_during_a_rebuild_stops_promptly() {
    for round in 0..3 {
        let project = Project::new();
        let mut server = Server::start(&project);
        let mut events = Events::open(server.port, "/careers/ladder/__ladder/events");
        assert!(events.wait_for(": ladder serve", 0));
        project.atomic_save(
            "content/technical.md",
            &serve_support::TECHNICAL.replace("Writes code alone.", &format!("Round {round}.")),
        );
        // Sent as the rebuild's debounce ends, when the publication is most likely.
        std::thread::sleep(Duration::from_millis(150 + 60 * round));
        let sent = std::time::Instant::now();
        let status = std::process::Command::new("kill")
            .args(["-INT", &server.child.id().to_string()])
            .status()
            .expect("kill -INT");
        assert!(status.success());
        let exited = loop {
            if let Some(status) = server.child.try_wait().expect("wait") {
                break Some(status);
            }
            if sent.elapsed() > Duration::from_secs(10) {
                break None;
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        let exited = exited.expect("ladder serve should stop within 10 s of Ctrl-C");
        assert!(exited.success(), "exit status {exited:?}");
        assert!(
            eventually(|| server
                .stdout_lines()
                .iter()
                .any(|l| l == "Stopped.")
                .then_some(()))
            .is_some(),
            "{:?}",
            server.stdout_lines()
        );
    }
}

/// Reads from `stream` until the server closes it; how long after `start` that was,
/// or `None` when it was still open `limit` after `start`.
fn closed_within(mut stream: TcpStream, start: Instant, limit: Duration) -> Option<Duration> {
    stream
        .set_read_timeout(Some(Duration::from_millis(200)))
        .expect("timeout");
    let mut buf = [0u8; 1024];
    while start.elapsed() < limit {
        match stream.read(&mut buf) {
            Ok(0) => return Some(start.elapsed()),
            Ok(_) => {}
            Err(e)
                if e.kind() == std::io::ErrorKind::WouldBlock
                    || e.kind() == std::io::ErrorKind::TimedOut => {}
            Err(_) => return Some(start.elapsed()),
        }
    }
    None
}

#[test]
fn oversized_requests_are_refused_and_silent_connections_closed() {
    let project = Project::new();
    let server = Server::start(&project);
    let port = server.port;
    let mut events = Events::open(port, "/careers/ladder/__ladder/events");
    assert!(events.wait_for(": ladder serve", 0));

    // A connection that sends nothing, and one that stops halfway through its head.
    let silent = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    let mut slow = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    std::io::Write::write_all(&mut slow, b"GET /careers/ladder/ HTTP/1.1\r\nHost: x\r\n")
        .expect("send half a request");
    let start = Instant::now();
    let waiting = std::thread::spawn(move || {
        let limit = Duration::from_secs(30);
        (
            closed_within(silent, start, limit),
            closed_within(slow, start, limit),
        )
    });

    let long_path = format!("{BASE}{}", "a".repeat(9 * 1024));
    let r = server.get(&long_path);
    assert_eq!(r.status, 414, "a 9 KiB request target: {}", r.head);
    for size in [9 * 1024, 40 * 1024] {
        let r = request(
            port,
            &format!(
                "GET {BASE} HTTP/1.1\r\nHost: x\r\nX-Big: {}\r\nConnection: close\r\n\r\n",
                "b".repeat(size)
            ),
        );
        assert_eq!(r.status, 431, "a {size}-byte header: {}", r.head);
    }

    let (silent, slow) = waiting.join().expect("the waiting thread");
    for (what, closed) in [("a silent connection", silent), ("a half-sent head", slow)] {
        let closed = closed.unwrap_or_else(|| panic!("{what} was still open after 30 s"));
        assert!(
            closed >= Duration::from_secs(5),
            "{what} was closed after {closed:?}, before the timeout"
        );
    }

    // The server still answers, and the events stream open all along still works.
    assert_eq!(server.get(PAGE).status, 200);
    let care = serve_support::TECHNICAL.replace("Writes code with help.", "Writes code with care.");
    assert!(
        save_and_await(&project, &mut events, &care, "event: reload"),
        "the events stream outlived the idle timeout: {}",
        events.received
    );
}

#[test]
fn a_save_that_truncates_then_writes_sends_no_overlay() {
    let project = Project::new();
    let server = Server::start(&project);
    let mut events = Events::open(server.port, "/careers/ladder/__ladder/events");
    assert!(events.wait_for(": ladder serve", 0));
    for (round, text) in ["Writes code with care.", "Writes code with thought."]
        .iter()
        .enumerate()
    {
        let mark = events.received.len();
        let page = project.path("content/technical.md");
        // Truncated and closed, then written 5 ms later, as some editors save.
        std::fs::File::create(&page).expect("truncate the page");
        std::thread::sleep(Duration::from_millis(5));
        std::fs::write(
            &page,
            serve_support::TECHNICAL.replace("Writes code with help.", text),
        )
        .expect("write the page");
        assert!(
            events.wait_for("event: reload", mark),
            "round {round}: {}",
            events.received
        );
        // Reading on gives any second rebuild of the same save time to come.
        events.wait_at_most("event: overlay", mark, Duration::from_millis(500));
        assert!(
            !events.received[mark..].contains("event: overlay"),
            "round {round}: an overlay for a file caught half saved: {}\nstdout: {:?}",
            events.received,
            server.stdout_lines()
        );
        assert!(page_with(&server, PAGE, text).is_some());
    }
}

/// Runs git in the project's folder, as its author would.
fn git(project: &Project, args: &[&str]) {
    git_support::git(project.root(), None, args);
}

/// With `history: true` serve shows /changes/ from the tags read at start, and each
/// save updates the unreleased entry (the working tree against the last tag).
#[test]
fn history_is_served_and_a_save_updates_the_unreleased_entry() {
    let project = Project::new();
    project.write(
        "ladder.yaml",
        "title: Test Ladder\nbase_url: /careers/ladder/\nhistory: true\n",
    );
    git(&project, &["init", "-q"]);
    git(&project, &["add", "-A"]);
    git(&project, &["commit", "-q", "-m", "first"]);
    git(&project, &["tag", "v1.0.0"]);
    let server = Server::start(&project);
    let changes = "/careers/ladder/changes/";
    let first = server.get(changes);
    assert_eq!(first.status, 200, "{first:?}");
    assert!(first.body.contains("Version 1.0.0"), "{}", first.body);
    assert!(!first.body.contains("Unreleased"), "{}", first.body);

    let added =
        serve_support::TECHNICAL.replace("- ship features\n", "- ship features\n- review code\n");
    project.atomic_save("content/technical.md", &added);
    let page = eventually(|| page_with(&server, changes, "Unreleased"));
    let page = page.unwrap_or_else(|| panic!("no unreleased entry: {:?}", server.stderr_lines()));
    assert!(
        page.contains("responsibility “review code” added"),
        "{page}"
    );
    let level = eventually(|| {
        page_with(
            &server,
            "/careers/ladder/technical/engineer/",
            "version-history",
        )
    });
    assert!(
        level.is_some_and(|l| l.contains("Unreleased</a>: responsibility added")),
        "the level page notes the unreleased change"
    );

    // Undone: the working tree is the last tag again.
    project.atomic_save("content/technical.md", serve_support::TECHNICAL);
    let back = eventually(|| {
        let r = server.get(changes);
        (r.status == 200 && !r.body.contains("Unreleased")).then_some(())
    });
    assert!(back.is_some(), "the unreleased entry goes away");
}

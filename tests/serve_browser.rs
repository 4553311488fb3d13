//! `ladder serve` seen by a real browser: headless Chromium keeps a page open while
//! the project is edited, and the page must reload itself after a good edit and show
//! the error overlay (without a reload) after a broken one.
//!
//! Needs Chromium at /usr/bin/chromium (or the path in `LADDER_CHROMIUM`). Without
//! it the test fails under CI (`CI=true`) and is skipped with a note otherwise.

mod serve_support;

use headless_chrome::{Browser, LaunchOptions, Tab};
use serve_support::{eventually, Project, Server, TECHNICAL};
use std::ffi::OsStr;
use std::path::PathBuf;
use std::time::Duration;

const PAGE: &str = "/careers/ladder/technical/";

fn chromium() -> Option<PathBuf> {
    let path = std::env::var_os("LADDER_CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));
    if path.is_file() {
        return Some(path);
    }
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!(
            "Chromium is needed for the browser tests and was not found at {} (set LADDER_CHROMIUM to its path)",
            path.display()
        );
    }
    eprintln!(
        "note: skipping the browser test: no Chromium at {} (set LADDER_CHROMIUM, or run under CI=true to make this a failure)",
        path.display()
    );
    None
}

/// Evaluates `js` (which must return a string) in the page; `None` while the page
/// is between documents.
fn eval(tab: &Tab, js: &str) -> Option<String> {
    let value = tab.evaluate(js, false).ok()?.value?;
    value.as_str().map(str::to_string)
}

#[test]
fn an_open_page_reloads_after_an_edit_and_shows_the_overlay_after_a_broken_one() {
    let Some(chromium) = chromium() else {
        return;
    };
    let project = Project::new();
    let server = Server::start(&project);
    let profile = tempfile::tempdir().expect("profile folder");
    let args: Vec<&OsStr> = [
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
    ]
    .iter()
    .map(OsStr::new)
    .collect();
    let options = LaunchOptions::default_builder()
        .path(Some(chromium))
        .headless(true)
        .sandbox(false)
        .user_data_dir(Some(profile.path().to_path_buf()))
        .args(args)
        .idle_browser_timeout(Duration::from_secs(120))
        .build()
        .expect("launch options");
    let browser = Browser::new(options).expect("start Chromium");
    let tab = browser.new_tab().expect("a tab");
    tab.navigate_to(&server.url(PAGE))
        .and_then(|t| t.wait_until_navigated())
        .expect("open the page");

    // A mark on the window survives only as long as the page is not reloaded.
    let state = r#"(function () {
        var o = document.getElementById("ladder-overlay");
        return JSON.stringify({
            mark: window.__ladderMark || null,
            text: document.body ? document.body.innerText : "",
            overlay: o ? o.innerText : null
        });
    })()"#;
    let read =
        |tab: &Tab| -> Option<serde_json::Value> { serde_json::from_str(&eval(tab, state)?).ok() };
    let first = read(&tab).expect("the page's state");
    assert!(
        first["text"]
            .as_str()
            .is_some_and(|t| t.contains("Writes code with help.")),
        "{first}"
    );
    assert!(first["overlay"].is_null());
    eval(&tab, r#"window.__ladderMark = "before"; "ok""#).expect("set the mark");

    // A good edit: the page reloads itself (the mark is gone) and shows the new text.
    project.atomic_save(
        "content/technical.md",
        &TECHNICAL.replace("Writes code with help.", "Writes code with a mentor."),
    );
    let reloaded = eventually(|| {
        let s = read(&tab)?;
        (s["mark"].is_null() && s["text"].as_str()?.contains("Writes code with a mentor."))
            .then_some(s)
    });
    assert!(
        reloaded.is_some(),
        "the page did not reload with the edit: {:?}",
        read(&tab)
    );

    // A broken edit: the overlay appears in the open page, pushed without a reload.
    eval(&tab, r#"window.__ladderMark = "kept"; "ok""#).expect("set the mark");
    project.atomic_save(
        "content/technical.md",
        &TECHNICAL.replace("band: 2", "band: two"),
    );
    let broken = eventually(|| {
        let s = read(&tab)?;
        s["overlay"].is_string().then_some(s)
    })
    .expect("the overlay should appear");
    assert_eq!(
        broken["mark"], "kept",
        "the overlay came without a reload: {broken}"
    );
    let overlay = broken["overlay"].as_str().unwrap_or_default();
    assert!(overlay.contains("content/technical.md:"), "{overlay}");
    assert!(overlay.contains("front-matter"), "{overlay}");
    assert!(
        broken["text"]
            .as_str()
            .is_some_and(|t| t.contains("Writes code with a mentor.")),
        "the last good page stays under the overlay"
    );

    // The fix: the page reloads, the overlay is gone.
    project.atomic_save(
        "content/technical.md",
        &TECHNICAL.replace("Writes code with help.", "Writes code, fixed."),
    );
    let fixed = eventually(|| {
        let s = read(&tab)?;
        (s["overlay"].is_null() && s["text"].as_str()?.contains("Writes code, fixed.")).then_some(s)
    });
    assert!(
        fixed.is_some(),
        "the fix did not reach the page: {:?}",
        read(&tab)
    );
}

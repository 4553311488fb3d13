//! `ladder serve` seen by a real browser: headless Chromium keeps a page open while
//! the project is edited, and the page must reload itself after a good edit and show
//! the error overlay (without a reload) after a broken one.
//!
//! Needs Chromium (found as the other browser tests find it, or at `CHROME`). Without
//! it the test fails under CI (`CI=true`) and is skipped with a note otherwise.

mod browser_support;
mod serve_support;

use browser_support::{chromium_or_skip, launch};
use headless_chrome::Tab;
use serve_support::{eventually, Project, Server, TECHNICAL};

const PAGE: &str = "/careers/ladder/technical/";

/// Evaluates `js` (which must return a string) in the page; `None` while the page
/// is between documents.
fn eval(tab: &Tab, js: &str) -> Option<String> {
    let value = tab.evaluate(js, false).ok()?.value?;
    value.as_str().map(str::to_string)
}

#[test]
fn an_open_page_reloads_after_an_edit_and_shows_the_overlay_after_a_broken_one() {
    let Some(chromium) = chromium_or_skip() else {
        return;
    };
    let project = Project::new();
    let server = Server::start(&project);
    let (browser, _profile) = launch(chromium);
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

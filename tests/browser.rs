//! The built site in a real browser: Debian's chromium, headless, driven over the
//! DevTools protocol (headless_chrome), against the site served from a tiny static
//! file server under a sub-path. What a reader does: look at the home matrix, click to
//! a level and on to its band peer, search for a responsibility, compare two levels;
//! in light and dark mode, at phone and desktop width, with no console errors.
//! Screenshots land in target/screenshots/ for a human to look at.
//!
//! Without chromium the test fails when CI=true and is skipped (with a note) otherwise.

mod browser_support;
mod site_support;

use browser_support::*;
use headless_chrome::{Browser, Tab};
use site_support::*;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const BASE: &str = "/careers/ladder/";

/// The repository's example ladder when it exists, else the site fixture.
fn project() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    if root.join("content").is_dir() {
        root.to_path_buf()
    } else {
        fixture("site-basic")
    }
}

/// The example built under [`BASE`] and served, and a chromium tab on it whose
/// console is watched; `None` when the test is skipped.
struct Session {
    site: Site,
    origin: String,
    tab: Arc<Tab>,
    errors: Arc<Mutex<Vec<String>>>,
    _browser: Browser,
    _profile: tempfile::TempDir,
    _built: Built,
    _project: Option<tempfile::TempDir>,
}

impl Session {
    fn start() -> Option<Session> {
        Session::start_in(None)
    }

    /// A session on a copy of the project with `edit_url` and `feedback_url` set, so
    /// that every level page and item carries "Suggest a change" / "Give feedback".
    fn start_with_edit_links() -> Option<Session> {
        let copy = tempfile::tempdir().expect("temporary folder");
        copy_tree(&project().join("content"), &copy.path().join("content"));
        let yaml = std::fs::read_to_string(project().join("ladder.yaml")).unwrap_or_default();
        std::fs::write(
            copy.path().join("ladder.yaml"),
            format!(
                "{yaml}\nedit_url: https://git.example/ladder/edit/main/{{path}}#L{{line}}\n\
                 feedback_url: https://git.example/ladder/issues/new?title={{track}}/{{level}}/{{item}}\n"
            ),
        )
        .expect("write ladder.yaml");
        Session::start_in(Some(copy))
    }

    fn start_in(copy: Option<tempfile::TempDir>) -> Option<Session> {
        let chrome = chromium_or_skip()?;
        let root = copy
            .as_ref()
            .map_or_else(project, |c| c.path().to_path_buf());
        let built = build_project(&root, &["--base-url", BASE]);
        Some(Session::on(chrome, built, copy))
    }

    /// A session on a site built by the caller under [`BASE`] (from `copy`, kept
    /// while the session lasts).
    fn on(chrome: PathBuf, built: Built, copy: Option<tempfile::TempDir>) -> Session {
        let site = Site::read(built.path());
        let addr = serve(built.path(), BASE);
        let (browser, profile) = launch(chrome);
        let tab = browser.new_tab().expect("a tab");
        tab.set_default_timeout(Duration::from_secs(15));
        let errors = console_errors(&tab);
        Session {
            site,
            origin: format!("http://{addr}"),
            tab,
            errors,
            _browser: browser,
            _profile: profile,
            _built: built,
            _project: copy,
        }
    }

    fn page(&self) -> Page2<'_> {
        Page2 {
            tab: &self.tab,
            origin: self.origin.clone(),
            errors: self.errors.clone(),
        }
    }
}

#[test]
fn the_site_works_in_a_real_browser() {
    let Some(session) = Session::start() else {
        return;
    };
    let (site, tab, errors) = (&session.site, &*session.tab, &session.errors);
    let page = session.page();
    page.width(1280);
    page.scheme(false);

    // 1. The home matrix is visible, one row per band.
    page.open(BASE);
    tab.wait_for_element("table.matrix").expect("the matrix");
    // Follow the "levels side by side" link at the top, as a reader would.
    tab.find_element("a.jump-to-matrix")
        .expect("a link to the matrix")
        .click()
        .expect("jump");
    let visible = page.eval(
        "(() => { const t = document.querySelector('table.matrix'); const r = t.getBoundingClientRect(); \
         return r.width > 300 && r.height > 100 && r.top >= 0 && r.top < window.innerHeight \
           && getComputedStyle(t).visibility === 'visible'; })()",
    );
    assert_eq!(visible, true, "the matrix is on screen");
    page.screenshot_viewport("readme-home");
    let export: serde_json::Value = serde_json::from_slice(&site.files["ladder.json"]).unwrap();
    let bands = export["bands"].as_array().map_or(0, |b| b.len());
    let rows = page.eval("document.querySelectorAll('table.matrix tbody tr').length");
    assert_eq!(rows.as_u64(), Some(bands as u64), "one row per band");
    page.screenshot("home-1280-light");
    page.assert_no_errors("loading the home page");

    // 2. Click from the matrix to a level, then on to its band peer.
    let target = page.eval(
        "(() => { for (const row of document.querySelectorAll('table.matrix tbody tr')) { \
           const links = row.querySelectorAll('a.level-cell'); \
           if (links.length >= 2) { links[0].id = 'test-target'; return links[0].getAttribute('href'); } } \
           return null; })()",
    );
    let target = target
        .as_str()
        .expect("a band with levels on two tracks")
        .to_string();
    tab.find_element("#test-target")
        .expect("matrix link")
        .click()
        .expect("click");
    page.wait_for_path(&target);
    tab.wait_for_element("section.peers").expect("level page");
    let level_title = page.h1();
    let peer_href = page
        .eval("document.querySelector('section.peers a.peer').getAttribute('href')")
        .as_str()
        .expect("a band peer link")
        .to_string();
    tab.find_element("section.peers a.peer")
        .expect("peer link")
        .click()
        .expect("click peer");
    page.wait_for_path(&peer_href);
    tab.wait_for_element("section.peers").expect("peer page");
    let back = page.eval(&format!(
        "[...document.querySelectorAll('section.peers a.peer')].some(a => a.getAttribute('href') === {:?})",
        target
    ));
    assert_eq!(
        back, true,
        "the peer lists {level_title} as its own band peer"
    );
    page.screenshot("level-1280-light");
    page.assert_no_errors("following the matrix and the band peer");
    page.open(&peer_href);
    page.screenshot_viewport("readme-level");
    page.eval("document.getElementById('changes').scrollIntoView()");
    page.screenshot_viewport("readme-changes");

    // 3. Search finds a responsibility by a word in it.
    let index: serde_json::Value = serde_json::from_slice(&site.files["data/search.json"]).unwrap();
    let (word, url) = index
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["k"] == "responsibility")
        .find_map(|e| {
            let text = e["t"].as_str()?;
            let word = text
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| w.len() >= 7)
                .max_by_key(|w| w.len())?;
            Some((word.to_string(), e["u"].as_str()?.to_string()))
        })
        .expect("a responsibility with a long word");
    page.open(BASE);
    tab.wait_for_element("#search-input")
        .expect("search box")
        .click()
        .expect("focus search");
    tab.type_str(&word).expect("type the query");
    tab.wait_for_element("#search-results a.search-hit")
        .expect("search results");
    let found = page.eval(&format!(
        "[...document.querySelectorAll('#search-results a.search-hit')].some(a => a.getAttribute('href') === {url:?})"
    ));
    assert_eq!(
        found, true,
        "searching `{word}` lists the responsibility at {url}"
    );
    page.screenshot("search-1280-light");
    page.eval(&format!(
        "[...document.querySelectorAll('#search-results a.search-hit')].find(a => a.getAttribute('href') === {url:?}).id = 'test-hit'"
    ));
    tab.find_element("#test-hit")
        .expect("the hit")
        .click()
        .expect("open the hit");
    page.wait_for_path(url.split('#').next().unwrap_or_default());
    let anchor = url.split('#').nth(1).unwrap_or_default().to_string();
    let shown = page.eval(&format!("!!document.getElementById({anchor:?}) && document.getElementById({anchor:?}).textContent.toLowerCase().includes({:?})", word.to_lowercase()));
    assert_eq!(shown, true, "the search hit opens the responsibility");
    page.assert_no_errors("searching");

    // 4. The picker shows two chosen levels side by side.
    let picker: serde_json::Value =
        serde_json::from_slice(&site.files["data/levels.json"]).unwrap();
    let levels = picker["levels"].as_array().unwrap();
    let a = &levels[0];
    let b = levels
        .iter()
        .rev()
        .find(|l| l["track"] != a["track"])
        .unwrap_or(&levels[levels.len() - 1]);
    page.open(&format!("{BASE}compare/"));
    tab.wait_for_element("#picker-table")
        .expect("the default comparison");
    page.eval(&format!(
        "(() => {{ const s = document.getElementById('pick-a'); s.value = {:?}; s.dispatchEvent(new Event('change')); \
         const t = document.getElementById('pick-b'); t.value = {:?}; t.dispatchEvent(new Event('change')); }})()",
        a["key"].as_str().unwrap(),
        b["key"].as_str().unwrap()
    ));
    let heads = page
        .eval("[...document.querySelectorAll('#picker-table thead th')].map(th => th.textContent)");
    let heads: Vec<String> = serde_json::from_value(heads).unwrap();
    assert_eq!(heads.len(), 3, "a label column and two levels: {heads:?}");
    assert!(heads[1].contains(a["title"].as_str().unwrap()), "{heads:?}");
    assert!(heads[2].contains(b["title"].as_str().unwrap()), "{heads:?}");
    let rows = page.eval("document.querySelectorAll('#picker-table tbody tr').length");
    assert!(
        rows.as_u64().unwrap_or(0) >= 2,
        "label rows under the two levels"
    );
    let query = page
        .eval("location.search")
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(
        query.contains("a=") && query.contains("b="),
        "the choice is kept in the URL: {query}"
    );
    page.screenshot("picker-1280-light");
    page.assert_no_errors("using the picker");

    // 5. Light and dark: readable text and links in both (WCAG AA, 4.5:1).
    for dark in [false, true] {
        page.scheme(dark);
        page.open(&target);
        let colors = page.eval(
            "(() => { const b = getComputedStyle(document.body); const a = getComputedStyle(document.querySelector('main a')); \
             const m = getComputedStyle(document.querySelector('.meta, .lede') || document.body); \
             return [b.backgroundColor, b.color, a.color, m.color]; })()",
        );
        let colors: Vec<String> = serde_json::from_value(colors).unwrap();
        let bg = &colors[0];
        let is_dark = contrast(bg, "rgb(0, 0, 0)") < contrast(bg, "rgb(255, 255, 255)");
        assert_eq!(
            is_dark, dark,
            "background {bg} follows prefers-color-scheme"
        );
        for (what, fg) in [
            ("text", &colors[1]),
            ("links", &colors[2]),
            ("secondary text", &colors[3]),
        ] {
            let ratio = contrast(fg, bg);
            assert!(
                ratio >= 4.5,
                "{what} {fg} on {bg}: contrast {ratio:.2} is below 4.5"
            );
        }
        let scheme = if dark { "dark" } else { "light" };
        page.screenshot(&format!("level-1280-{scheme}"));
        page.open(BASE);
        page.screenshot(&format!("home-1280-{scheme}"));
    }

    // 6. The other pages, and the print view without navigation chrome.
    page.scheme(false);
    let track_url = format!(
        "{BASE}{}",
        export["tracks"][0]["url"].as_str().unwrap_or_default()
    );
    for (name, path) in [
        ("track", track_url.clone()),
        (
            "band",
            format!("{BASE}compare/{}/", page_band(site, &target)),
        ),
        ("print", format!("{BASE}print/")),
    ] {
        page.open(&path);
        page.screenshot(&format!("{name}-1280-light"));
    }
    page.assert_no_errors("opening the track, band and print pages");
    // A missing page gets the 404 page, styled even at a deep path (its links honour
    // base_url); the failed request itself is the one expected error.
    page.open(&format!("{BASE}no/such/page/"));
    assert_eq!(page.h1(), "Page not found");
    let styled =
        page.eval("getComputedStyle(document.querySelector('.site-header')).borderBottomStyle");
    assert_eq!(styled, "solid", "the 404 page loads its stylesheet");
    page.screenshot("not-found-1280-light");
    if let Ok(mut list) = errors.lock() {
        list.retain(|e| !e.contains("/no/such/page/"));
    }
    page.assert_no_errors("opening the 404 page");
    page.open(&track_url);
    page.media("print");
    let chrome = page.eval(
        "[...document.querySelectorAll('.site-header, .site-footer, .pager, .toc, .breadcrumbs')].map(e => getComputedStyle(e).display)",
    );
    let chrome: Vec<String> = serde_json::from_value(chrome).unwrap_or_default();
    assert!(
        !chrome.is_empty() && chrome.iter().all(|d| d == "none"),
        "printing hides the navigation: {chrome:?}"
    );
    page.screenshot("track-print");
    page.media("");

    // 7. A phone: nothing but the tables scrolls sideways, the matrix's first column
    //    stays in view.
    page.width(375);
    for dark in [false, true] {
        page.scheme(dark);
        let scheme = if dark { "dark" } else { "light" };
        for (name, path) in [
            ("home", BASE.to_string()),
            ("level", target.clone()),
            (
                "band",
                format!("{BASE}compare/{}/", page_band(site, &target)),
            ),
        ] {
            page.open(&path);
            let overflow = page.eval(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth",
            );
            let shot = page.screenshot(&format!("{name}-375-{scheme}"));
            assert!(
                overflow.as_f64().unwrap_or(1.0) <= 0.5,
                "{name} page scrolls sideways on a phone by {overflow} px (see {})",
                shot.display()
            );
            // Row labels ("Responsibilities", "Collaboration") are read down the
            // sticky first column: a word split over two lines there is unreadable.
            let split = page.eval(
                "[...document.querySelectorAll('table tbody th')].flatMap(th => { const out = []; const w = document.createTreeWalker(th, NodeFilter.SHOW_TEXT); const r = document.createRange(); let n; while ((n = w.nextNode())) { for (const m of n.data.matchAll(/\\S+/g)) { r.setStart(n, m.index); r.setEnd(n, m.index + m[0].length); if ([...r.getClientRects()].filter(x => x.width > 0).length > 1) out.push(m[0]); } } return out; })",
            );
            assert_eq!(
                split,
                serde_json::json!([]),
                "{name} page splits row labels mid-word on a phone (see {})",
                shot.display()
            );
            // The home matrix and the band page have row labels; the check must see them.
            let labels = page.eval("document.querySelectorAll('table tbody th').length");
            assert!(
                name == "level" || labels.as_u64().unwrap_or(0) > 0,
                "{name} page has no table row labels to check (see {})",
                shot.display()
            );
            // Stacked previous / next cards are one column, not a narrow card
            // pushed to the right under a wide one.
            let pager = page.eval(
                "[...document.querySelectorAll('nav.pager a')].map(a => Math.round(a.getBoundingClientRect().width))",
            );
            let widths: Vec<i64> =
                serde_json::from_value(pager).expect("the pager query gives a list of widths");
            // A level page has a previous or a next level: the check must see a card.
            assert!(
                name != "level" || !widths.is_empty(),
                "no previous / next card found on the level page (see {})",
                shot.display()
            );
            assert!(
                widths.windows(2).all(|w| w[0] == w[1]),
                "{name} page's pager cards differ in width on a phone: {widths:?} (see {})",
                shot.display()
            );
        }
    }
    page.open(BASE);
    let sticky =
        page.eval("getComputedStyle(document.querySelector('table.matrix tbody th')).position");
    assert_eq!(
        sticky, "sticky",
        "the band column stays in view while the matrix scrolls"
    );
    let focus = page.eval(
        "(() => { const a = document.querySelector('main a'); a.focus(); const s = getComputedStyle(a); return s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2; })()",
    );
    assert_eq!(focus, true, "keyboard focus is visible");
    page.assert_no_errors("switching colour schemes and widths");
}

/// The band of the level page at `path`, read from the export.
fn page_band(site: &Site, path: &str) -> i64 {
    let export: serde_json::Value = serde_json::from_slice(&site.files["ladder.json"]).unwrap();
    for track in export["tracks"].as_array().unwrap() {
        for level in track["levels"].as_array().unwrap() {
            let id = level["id"]["value"]
                .as_str()
                .or(level["id"].as_str())
                .unwrap_or_default();
            let tid = track["id"]["value"]
                .as_str()
                .or(track["id"].as_str())
                .unwrap_or_default();
            if path.ends_with(&format!("/{tid}/{id}/")) {
                return level["band"]["value"]
                    .as_i64()
                    .or(level["band"].as_i64())
                    .unwrap_or_default();
            }
        }
    }
    panic!("no level at {path}")
}

/// Every kind of page passes an axe-core audit (WCAG 2.1 AA and best practices), in
/// light and dark, on a phone and a desktop, with the search results open; level
/// pages with their "Suggest a change" and "Give feedback" links (`edit_url`).
#[test]
fn every_page_passes_an_axe_audit() {
    let Some(session) = Session::start_with_edit_links() else {
        return;
    };
    let axe = axe_source();
    let (site, tab) = (&session.site, &*session.tab);
    let page = session.page();

    let export: serde_json::Value = serde_json::from_slice(&site.files["ladder.json"]).unwrap();
    let track = format!(
        "{BASE}{}",
        export["tracks"][0]["url"].as_str().unwrap_or_default()
    );
    page.open(BASE);
    let href = |selector: &str| {
        page.eval(&format!(
            "document.querySelector({selector:?}).getAttribute('href')"
        ))
        .as_str()
        .unwrap_or_else(|| panic!("no {selector} on the home page"))
        .to_string()
    };
    let level = href("table.matrix a.level-cell");
    let band = href("table.matrix tbody th a");
    page.open(&level);
    let suggest = page
        .eval("document.querySelectorAll('a.suggest[aria-label^=\"Suggest a change to\"]').length");
    assert!(
        suggest.as_u64().unwrap_or(0) > 0,
        "the level page has item links: {suggest}"
    );
    let word = "engineer";
    let pages = [
        ("home", BASE.to_string()),
        ("track", track),
        ("level", level),
        ("band", band),
        ("picker", format!("{BASE}compare/")),
        ("search", format!("{BASE}search/?q={word}")),
        ("print", format!("{BASE}print/")),
    ];

    let mut found = Vec::new();
    in_every_width_and_scheme(&page, |width, scheme| {
        for (name, path) in &pages {
            page.open(path);
            match *name {
                "search" => {
                    tab.wait_for_element("#search-page-results a.search-hit")
                        .expect("search results");
                }
                "picker" => {
                    tab.wait_for_element("#picker-table").expect("the picker");
                }
                _ => {}
            }
            for v in axe_violations(&page, &axe) {
                found.push(format!("{name} {width} {scheme}: {v}"));
            }
        }
        // The header search with its results open.
        page.open(BASE);
        tab.wait_for_element("#search-input")
            .expect("search box")
            .click()
            .expect("focus search");
        tab.type_str(word).expect("type the query");
        tab.wait_for_element("#search-results a.search-hit")
            .expect("search results");
        // A screen reader hears the count from a polite status, not the list.
        let status = page.eval("document.querySelector('.site-search [role=status]').textContent");
        let status = status.as_str().unwrap_or_default();
        assert!(
            status.contains(" results for “engineer”"),
            "the search box's status: {status:?}"
        );
        for v in axe_violations(&page, &axe) {
            found.push(format!("search box {width} {scheme}: {v}"));
        }
    });
    found.dedup();
    assert!(
        found.is_empty(),
        "{} accessibility violations:\n{}",
        found.len(),
        found.join("\n")
    );
    page.assert_no_errors("auditing the pages");
}

/// The fixture in a git repository with two tagged versions and an unreleased edit,
/// built with its history under [`BASE`].
fn built_with_history() -> (tempfile::TempDir, Built) {
    let repo = copy_fixture("site-basic");
    let git = |args: &[&str]| {
        let ok = std::process::Command::new("git")
            .arg("-C")
            .arg(repo.path())
            .args(["-c", "user.name=t", "-c", "user.email=t@t"])
            .args(["-c", "commit.gpgsign=false"])
            .args(args)
            .status()
            .is_ok_and(|s| s.success());
        assert!(ok, "git {args:?}");
    };
    let technical = repo.path().join("content/technical.md");
    let add_after = |line: &str, added: &str| {
        let text = std::fs::read_to_string(&technical).expect("read");
        assert!(text.contains(line), "the fixture has {line:?}");
        let text = text.replacen(line, &format!("{line}\n{added}"), 1);
        std::fs::write(&technical, text).expect("write");
    };
    git(&["init", "-q"]);
    git(&["add", "-A"]);
    git(&["commit", "-q", "-m", "first"]);
    git(&["tag", "v1.0.0"]);
    add_after("- Ships small features", "- Writes the release notes");
    git(&["commit", "-q", "-am", "second"]);
    git(&["tag", "v1.1.0"]);
    add_after("- Fixes bugs in their area", "- Pairs with new hires");
    let built = build_project(repo.path(), &["--base-url", BASE, "--history"]);
    (repo, built)
}

/// History on the site (SPEC 11) in a real browser: the home matrix's mark leads to
/// a level page whose "changed in" list leads to its entry on /changes/; no console
/// errors, and both pages pass the axe audit in light and dark, phone and desktop.
#[test]
fn the_history_pages_work_and_pass_an_axe_audit() {
    let Some(chrome) = chromium_or_skip() else {
        return;
    };
    let (repo, built) = built_with_history();
    let session = Session::on(chrome, built, Some(repo));
    let page = session.page();
    let axe = axe_source();

    page.open(BASE);
    let level = page
        .eval(
            "document.querySelector('a.level-cell .changed-tag').closest('a').getAttribute('href')",
        )
        .as_str()
        .unwrap_or_else(|| panic!("no level marked as changed on the home page"))
        .to_string();
    page.open(&level);
    assert_eq!(
        page.eval("document.querySelectorAll('#version-history ~ ul li').length"),
        serde_json::json!(2),
        "unreleased and 1.1.0 changed this level"
    );
    page.eval("document.querySelector('#version-history ~ ul li:last-child a').click()");
    page.wait_for_path(&format!("{BASE}changes/"));
    assert_eq!(page.h1(), "Changes");
    assert_eq!(page.eval("location.hash"), serde_json::json!("#v1.1.0"));
    assert_eq!(
        page.eval("[...document.querySelectorAll('section.version h2')].map(h => h.id)"),
        serde_json::json!(["unreleased", "v1.1.0", "v1.0.0"])
    );
    page.assert_no_errors("following the history");

    let mut found = Vec::new();
    for width in [375, 1280] {
        page.width(width);
        for dark in [false, true] {
            page.scheme(dark);
            for path in [format!("{BASE}changes/"), level.clone(), BASE.to_string()] {
                page.open(&path);
                for v in axe_violations(&page, &axe) {
                    found.push(format!("{path} {width} dark={dark}: {v}"));
                }
            }
        }
    }
    assert!(found.is_empty(), "axe violations:\n{}", found.join("\n"));
    page.assert_no_errors("auditing the history pages");
}

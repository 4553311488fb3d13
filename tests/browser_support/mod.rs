//! What the browser tests share: finding and starting headless Chromium with a fresh
//! profile, a tab whose console errors are collected, a page handle that evaluates
//! JavaScript, emulates colour schemes, widths and print, and takes screenshots, and
//! the axe-core audit.
#![allow(dead_code)]

use headless_chrome::protocol::cdp::types::Event;
use headless_chrome::protocol::cdp::{Emulation, Log, Page, Runtime};
use headless_chrome::{Browser, LaunchOptions, Tab};
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub fn chromium() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("CHROME") {
        return Some(PathBuf::from(p)).filter(|p| p.exists());
    }
    [
        "/usr/bin/chromium",
        "/usr/bin/chromium-browser",
        "/usr/bin/google-chrome",
    ]
    .iter()
    .map(PathBuf::from)
    .find(|p| p.exists())
}

pub struct Page2<'a> {
    pub tab: &'a Tab,
    pub origin: String,
    pub errors: Arc<Mutex<Vec<String>>>,
}

impl Page2<'_> {
    pub fn open(&self, path: &str) {
        let url = format!("{}{path}", self.origin);
        self.tab
            .navigate_to(&url)
            .and_then(|t| t.wait_until_navigated())
            .unwrap_or_else(|e| panic!("opening {url}: {e}"));
    }

    /// Evaluates a JavaScript expression and returns its value as JSON.
    pub fn eval(&self, js: &str) -> serde_json::Value {
        let wrapped = format!("JSON.stringify({js})");
        let result = self
            .tab
            .evaluate(&wrapped, true)
            .unwrap_or_else(|e| panic!("evaluating {js}: {e}"));
        result
            .value
            .as_ref()
            .and_then(|v| v.as_str())
            .and_then(|s| serde_json::from_str(s).ok())
            .unwrap_or(serde_json::Value::Null)
    }

    /// Waits until the page at `path` (a URL path, no origin) has loaded.
    pub fn wait_for_path(&self, path: &str) {
        let start = std::time::Instant::now();
        loop {
            let here = self
                .eval("location.pathname + (document.readyState === 'complete' ? '' : '?loading')");
            if here.as_str() == Some(path) {
                return;
            }
            assert!(
                start.elapsed() < Duration::from_secs(15),
                "still at {here} instead of {path} after 15 s"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn h1(&self) -> String {
        self.eval("document.querySelector('h1').textContent.trim()")
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    pub fn assert_no_errors(&self, during: &str) {
        let errors = self.errors.lock().map(|e| e.clone()).unwrap_or_default();
        assert!(
            errors.is_empty(),
            "console errors while {during}:\n{}",
            errors.join("\n")
        );
    }

    pub fn scheme(&self, dark: bool) {
        self.tab
            .call_method(Emulation::SetEmulatedMedia {
                media: None,
                features: Some(vec![Emulation::MediaFeature {
                    name: "prefers-color-scheme".into(),
                    value: if dark { "dark" } else { "light" }.into(),
                }]),
            })
            .expect("emulate colour scheme");
    }

    pub fn width(&self, width: u32) {
        self.viewport(width, 900);
    }

    pub fn viewport(&self, width: u32, height: u32) {
        self.tab
            .call_method(Emulation::SetDeviceMetricsOverride {
                width,
                height,
                device_scale_factor: 1.0,
                mobile: width < 600,
                scale: None,
                screen_width: None,
                screen_height: None,
                position_x: None,
                position_y: None,
                dont_set_visible_size: None,
                screen_orientation: None,
                viewport: None,
                display_feature: None,
                device_posture: None,
            })
            .expect("set viewport");
    }

    /// PNG of what is on screen now, under target/screenshots/.
    pub fn screenshot_viewport(&self, name: &str) -> PathBuf {
        let png = self
            .tab
            .capture_screenshot(Page::CaptureScreenshotFormatOption::Png, None, None, true)
            .expect("screenshot");
        save_screenshot(name, &png)
    }

    pub fn media(&self, media: &str) {
        self.tab
            .call_method(Emulation::SetEmulatedMedia {
                media: Some(media.into()),
                features: None,
            })
            .expect("emulate media");
    }

    /// Full-page PNG under target/screenshots/: the viewport is stretched to the
    /// page's height for the shot, then put back.
    pub fn screenshot(&self, name: &str) -> PathBuf {
        let width = self
            .eval("document.documentElement.clientWidth")
            .as_f64()
            .unwrap_or(1280.0) as u32;
        let height = self
            .eval("Math.ceil(document.documentElement.scrollHeight)")
            .as_f64()
            .unwrap_or(900.0)
            .clamp(300.0, 8000.0) as u32;
        self.viewport(width, height);
        let png = self
            .tab
            .capture_screenshot(Page::CaptureScreenshotFormatOption::Png, None, None, true)
            .expect("screenshot");
        self.viewport(width, 900);
        save_screenshot(name, &png)
    }
}

pub fn save_screenshot(name: &str, png: &[u8]) -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
    std::fs::create_dir_all(&dir).expect("screenshots folder");
    let path = dir.join(format!("{name}.png"));
    std::fs::write(&path, png).expect("write screenshot");
    path
}

/// Relative luminance contrast of two `rgb(...)` colours, as WCAG defines it.
pub fn contrast(a: &str, b: &str) -> f64 {
    pub fn lum(c: &str) -> f64 {
        let nums: Vec<f64> = c
            .trim_start_matches("rgba(")
            .trim_start_matches("rgb(")
            .trim_end_matches(')')
            .split(',')
            .take(3)
            .map(|n| n.trim().parse::<f64>().unwrap_or(0.0) / 255.0)
            .map(|v| {
                if v <= 0.03928 {
                    v / 12.92
                } else {
                    ((v + 0.055) / 1.055).powf(2.4)
                }
            })
            .collect();
        0.2126 * nums[0] + 0.7152 * nums[1] + 0.0722 * nums[2]
    }
    let (x, y) = (lum(a), lum(b));
    (x.max(y) + 0.05) / (x.min(y) + 0.05)
}

/// Chromium's path, or `None` when the test is to be skipped (never in CI).
pub fn chromium_or_skip() -> Option<PathBuf> {
    let found = chromium();
    if found.is_none() {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("chromium is not installed (looked for /usr/bin/chromium; set CHROME=path to override): the browser tests cannot run in CI without it");
        }
        eprintln!("note: chromium not found; browser test skipped (it fails instead when CI=true)");
    }
    found
}

/// Starts headless chromium with a fresh profile (kept alive by the returned folder).
pub fn launch(chrome: PathBuf) -> (Browser, tempfile::TempDir) {
    let profile = tempfile::tempdir().expect("profile folder");
    let args: Vec<&OsStr> = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
    ]
    .iter()
    .map(OsStr::new)
    .collect();
    let browser = Browser::new(LaunchOptions {
        path: Some(chrome),
        headless: true,
        sandbox: false,
        user_data_dir: Some(profile.path().to_path_buf()),
        window_size: Some((1280, 900)),
        idle_browser_timeout: Duration::from_secs(120),
        args,
        ..LaunchOptions::default()
    })
    .expect("start chromium");
    (browser, profile)
}

/// Collects the tab's console errors and uncaught exceptions.
pub fn console_errors(tab: &Tab) -> Arc<Mutex<Vec<String>>> {
    let errors = Arc::new(Mutex::new(Vec::<String>::new()));
    let sink = errors.clone();
    tab.add_event_listener(Arc::new(move |event: &Event| {
        let message = match event {
            Event::RuntimeExceptionThrown(e) => {
                Some(format!("exception: {}", e.params.exception_details.text))
            }
            Event::RuntimeConsoleAPICalled(e)
                if matches!(
                    e.params.Type,
                    Runtime::ConsoleAPICalledEventTypeOption::Error
                        | Runtime::ConsoleAPICalledEventTypeOption::Assert
                ) =>
            {
                Some(format!(
                    "console.error: {}",
                    e.params
                        .args
                        .iter()
                        .map(|a| a
                            .description
                            .clone()
                            .or(a.value.as_ref().map(|v| v.to_string()))
                            .unwrap_or_default())
                        .collect::<Vec<_>>()
                        .join(" ")
                ))
            }
            Event::LogEntryAdded(e)
                if matches!(e.params.entry.level, Log::LogEntryLevel::Error) =>
            {
                Some(format!(
                    "log: {} ({})",
                    e.params.entry.text,
                    e.params.entry.url.clone().unwrap_or_default()
                ))
            }
            _ => None,
        };
        if let Some(m) = message {
            if let Ok(mut list) = sink.lock() {
                list.push(m);
            }
        }
    }))
    .expect("listen to the console");
    tab.enable_runtime().expect("runtime events");
    tab.enable_log().expect("log events");

    errors
}

/// axe-core's browser bundle, installed by .ci/run (`npm install --no-save
/// --prefix target/axe axe-core@<pinned>`); `AXE_CORE` names another copy.
pub fn axe_source() -> String {
    let path = std::env::var_os("AXE_CORE")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("target/axe/node_modules/axe-core/axe.min.js")
        });
    std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "axe-core is missing ({}: {e}); install it with the npm line in .ci/run \
             (or set AXE_CORE to axe.min.js)",
            path.display()
        )
    })
}

/// The rules the audit applies: WCAG 2.0 and 2.1 A and AA, and axe's best practices.
pub const AXE_TAGS: &str = "['wcag2a', 'wcag2aa', 'wcag21aa', 'best-practice']";

/// Runs axe on the page now open; one line per violation and element.
pub fn axe_violations(page: &Page2, axe: &str) -> Vec<String> {
    page.tab
        .evaluate(axe, false)
        .unwrap_or_else(|e| panic!("loading axe-core: {e}"));
    let run = format!(
        "axe.run(document, {{ runOnly: {{ type: 'tag', values: {AXE_TAGS} }}, resultTypes: ['violations'] }})\
         .then(r => JSON.stringify(r.violations.flatMap(v => v.nodes.map(n => \
           `${{v.id}} (${{v.impact}}): ${{v.help}} at ${{n.target.join(' ')}}: ${{n.failureSummary.replace(/\\s+/g, ' ')}}`))))"
    );
    let result = page
        .tab
        .evaluate(&run, true)
        .unwrap_or_else(|e| panic!("running axe: {e}"));
    let json = result
        .value
        .as_ref()
        .and_then(|v| v.as_str())
        .unwrap_or_else(|| panic!("axe gave no result: {result:?}"));
    serde_json::from_str(json).unwrap_or_else(|e| panic!("axe's result {json}: {e}"))
}

/// Runs `each` at phone and desktop width (375 and 1280 px), in light and dark, with
/// the width and the scheme's name (`light`, `dark`); the page is left at 1280 px, dark.
pub fn in_every_width_and_scheme(page: &Page2, mut each: impl FnMut(u32, &str)) {
    for width in [375, 1280] {
        page.width(width);
        for dark in [false, true] {
            page.scheme(dark);
            each(width, if dark { "dark" } else { "light" });
        }
    }
}

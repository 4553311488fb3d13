//! `ladder.yaml`: the project settings. Every key has a default, so the file is optional.
//!
//! This is plain data and the checks of single values (a base URL, an output folder, a
//! version, a URL template); reading the file is the front end's
//! ([`crate::source::parse_config`]), so that the model, which holds a [`Config`], sits
//! above nothing but this and the diagnostics.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::Arc;

use crate::diagnostic::{Lint, LintLevels, Severity};
use crate::span::Span;

/// The settings of one ladder project.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Config {
    pub title: String,
    /// Always starts and ends with `/`.
    pub base_url: String,
    /// Output folder, relative to the project root.
    pub output: String,
    pub theme: String,
    /// Display names of bands, e.g. `5: Senior`.
    pub bands: BTreeMap<i64, String>,
    /// Per-lint severity overrides.
    pub lints: BTreeMap<Lint, Severity>,
    pub markdown: MarkdownConfig,
    /// The ladder's own version (`version: 2.3.0`), shown in the footer and in
    /// ladder.json, and compared by `ladder diff --check-version`.
    pub version: Option<Version>,
    /// A "Suggest a change" link for every level and item (SPEC 10): a URL template
    /// with `{path}`, `{line}`, `{track}`, `{level}` and `{item}` filled in.
    pub edit_url: Option<String>,
    /// A "Give feedback" link for every level and item, like `edit_url`.
    pub feedback_url: Option<String>,
    /// Show the history of the ladder's versions (git tags) on the site (SPEC 11).
    pub history: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, Default, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct MarkdownConfig {
    /// Pass raw HTML in Markdown through instead of escaping it.
    #[serde(default)]
    pub raw_html: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            title: "Career Ladder".into(),
            base_url: "/".into(),
            output: "site".into(),
            theme: "default".into(),
            bands: BTreeMap::new(),
            lints: BTreeMap::new(),
            markdown: MarkdownConfig::default(),
            version: None,
            edit_url: None,
            feedback_url: None,
            history: false,
        }
    }
}

/// The keys of ladder.yaml, for the JSON Schema and "did you mean" hints.
pub const KEYS: [&str; 11] = [
    "title",
    "base_url",
    "output",
    "theme",
    "bands",
    "lints",
    "markdown",
    "version",
    "edit_url",
    "feedback_url",
    "history",
];

impl Config {
    /// The lint levels this project asks for, with `--deny warnings` applied.
    pub fn lint_levels(&self, deny_warnings: bool) -> LintLevels {
        LintLevels {
            overrides: self.lints.clone(),
            deny_warnings,
        }
    }
}

/// The keys of the `markdown:` mapping.
pub const MARKDOWN_KEYS: [&str; 1] = ["raw_html"];

/// `eng/ladder` → `/eng/ladder/`; a full URL keeps its scheme and host. The path is
/// percent-encoded (`/carrières/` → `/carri%C3%A8res/`), as a browser sends it: links
/// written with it work on any server, and `serve` compares it with request paths.
pub fn normalize_base_url(s: &str) -> String {
    let s = s.trim();
    if let Some((scheme, rest)) = s.split_once("://") {
        let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
        return format!("{scheme}://{host}{}", normalize_path(path));
    }
    normalize_path(s)
}

/// A path with one `/` at each end and none doubled, percent-encoded.
fn normalize_path(path: &str) -> String {
    let mut out = String::from("/");
    for segment in path.split('/').filter(|s| !s.is_empty()) {
        out.push_str(&encode_path(segment));
        out.push('/');
    }
    out
}

/// Percent-encodes what may not stand in a URL path as it is: spaces, non-ASCII
/// letters, quotes, `?`, `#`... An escape already there (`%20`) is kept; a `%` that
/// starts none becomes `%25`.
pub fn encode_path(s: &str) -> std::borrow::Cow<'_, str> {
    let bytes = s.as_bytes();
    let escape_at = |i: usize| {
        bytes
            .get(i + 1..i + 3)
            .is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit))
    };
    let keep = |i: usize, b: u8| {
        b.is_ascii_alphanumeric()
            || b"-._~!$&'()*+,;=:@/".contains(&b)
            || (b == b'%' && escape_at(i))
    };
    if bytes.iter().enumerate().all(|(i, &b)| keep(i, b)) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for (i, &b) in bytes.iter().enumerate() {
        if keep(i, b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    std::borrow::Cow::Owned(out)
}

/// The placeholders an `edit_url` or `feedback_url` template may hold.
pub const URL_PLACEHOLDERS: [&str; 5] = ["path", "line", "track", "level", "item"];

/// An `edit_url` / `feedback_url` template: an http(s) URL whose `{...}` are all
/// known placeholders.
pub(crate) fn check_url_template(url: &str) -> Result<(), Refusal> {
    const HELP: &str = "write an http(s) URL; `{path}`, `{line}`, `{track}`, `{level}` and `{item}` are filled in, e.g. https://github.com/ORG/REPO/edit/main/{path}";
    let lower = url.trim().to_ascii_lowercase();
    if !(lower.starts_with("https://") || lower.starts_with("http://")) {
        return Err((format!("`{url}` is not an http(s) URL"), HELP));
    }
    let mut rest = url;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let name = after.find('}').map(|close| &after[..close]);
        match name {
            Some(name) if URL_PLACEHOLDERS.contains(&name) => {
                rest = &after[name.len() + 1..];
            }
            Some(name) => {
                let hint = crate::diagnostic::did_you_mean(name, URL_PLACEHOLDERS)
                    .map(|s| format!(" (did you mean `{{{s}}}`?)"))
                    .unwrap_or_default();
                return Err((
                    format!("unknown placeholder `{{{name}}}` in `{url}`{hint}"),
                    HELP,
                ));
            }
            None => return Err((format!("`{{` without a closing `}}` in `{url}`"), HELP)),
        }
    }
    Ok(())
}

/// What fills an `edit_url` / `feedback_url` template for one level or item.
#[derive(Debug, Clone, Default)]
pub struct UrlValues<'a> {
    /// The source file, relative to the project root.
    pub path: &'a str,
    pub line: u32,
    pub track: &'a str,
    pub level: &'a str,
    /// The item's id; empty for the level itself.
    pub item: &'a str,
}

/// `template` with its placeholders filled in, each value percent-encoded (`{path}`
/// keeps its `/`, so that it names a file of the repository).
pub fn fill_url_template(template: &str, v: &UrlValues<'_>) -> String {
    use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
    const VALUE: &AsciiSet = &NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'_')
        .remove(b'.')
        .remove(b'~');
    const PATH: &AsciiSet = &VALUE.remove(b'/');
    let line = v.line.to_string();
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            rest = &rest[open..];
            break;
        };
        let (value, set) = match &after[..close] {
            "path" => (v.path, PATH),
            "line" => (line.as_str(), VALUE),
            "track" => (v.track, VALUE),
            "level" => (v.level, VALUE),
            "item" => (v.item, VALUE),
            other => {
                // Refused at load; kept as written should one get here.
                out.push('{');
                out.push_str(other);
                out.push('}');
                rest = &after[close + 1..];
                continue;
            }
        };
        out.extend(utf8_percent_encode(value, set));
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    out
}

/// A semantic version (semver.org): `MAJOR.MINOR.PATCH`, with an optional pre-release
/// (`-rc.1`) and build metadata (`+build.5`, kept for display only).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Version {
    pub major: u64,
    pub minor: u64,
    pub patch: u64,
    pub pre: Option<String>,
    text: String,
}

pub(crate) const VERSION_HELP: &str =
    "write a semantic version, MAJOR.MINOR.PATCH such as `2.3.0` \
                            (see docs/versions.md: `ladder diff --check-version` compares it \
                            with the version before)";

impl Version {
    /// Parses `2.3.0`, `1.0.0-rc.1`, `1.0.0+build.5`; `Err` says what is wrong, as a
    /// sentence starting with the value.
    pub fn parse(s: &str) -> Result<Version, String> {
        let text = s.trim();
        let fail = |what: &str| Err(format!("`version: {text}` {what}"));
        if let Some(rest) = text.strip_prefix(['v', 'V']) {
            if Version::parse(rest).is_ok() {
                return fail(&format!(
                    "starts with a `v`; write it without the `v`: `{rest}`"
                ));
            }
        }
        let (rest, build) = match text.split_once('+') {
            Some((rest, build)) => (rest, Some(build)),
            None => (text, None),
        };
        let (core, pre) = match rest.split_once('-') {
            Some((core, pre)) => (core, Some(pre)),
            None => (rest, None),
        };
        let identifiers_ok = |s: &str| {
            s.split('.').all(|id| {
                !id.is_empty() && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            })
        };
        if pre.is_some_and(|p| !identifiers_ok(p)) || build.is_some_and(|b| !identifiers_ok(b)) {
            return fail("is not a version: a pre-release (`-rc.1`) or build (`+5`) part is empty or holds other characters than letters, digits, `-` and `.`");
        }
        let numbers: Vec<&str> = core.split('.').collect();
        let numeric = |n: &&str| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit());
        if !numbers.iter().all(numeric) {
            return fail("is not a version");
        }
        if numbers.len() != 3 {
            return fail("is not a semantic version: it needs three numbers, MAJOR.MINOR.PATCH");
        }
        if numbers.iter().any(|n| n.len() > 1 && n.starts_with('0')) {
            return fail("has a number with a leading zero, which semantic versions do not allow");
        }
        let mut parsed = numbers.iter().map(|n| n.parse::<u64>());
        let mut next = || parsed.next().and_then(Result::ok);
        let (Some(major), Some(minor), Some(patch)) = (next(), next(), next()) else {
            return fail("has a number too large to be a version");
        };
        Ok(Version {
            major,
            minor,
            patch,
            pre: pre.map(str::to_string),
            text: text.to_string(),
        })
    }

    /// The version as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl std::fmt::Display for Version {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

impl Serialize for Version {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.text)
    }
}

/// Why a setting is refused, and how to write it instead.
type Refusal = (String, &'static str);

/// The two lints whose problems leave something out of the site (a track whose front
/// matter is broken, a file that cannot be read): lowering them would publish the
/// ladder without that part while `check` passes. Both are always errors.
pub(crate) fn check_severity(lint: Lint, severity: Severity) -> Result<(), Refusal> {
    match (lint, severity) {
        // Not `warning` either: the build would then succeed without the track. Keys of
        // other generators, the usual reason to lower it, are kept under `extra`.
        (Lint::FrontMatter, Severity::Allow | Severity::Warning) => Err((
            format!(
                "`front-matter` cannot be `{}`: it is always an error",
                severity_name(severity)
            ),
            "a track whose front matter is broken is left out of the site, so lowering the \
             lint would publish the ladder without it; fix the front matter instead (keys \
             of other site generators are already kept, under `extra`)",
        )),
        (Lint::Io, Severity::Allow | Severity::Warning) => Err((
            format!(
                "`io` cannot be `{}`: it is always an error",
                severity_name(severity)
            ),
            "a file that cannot be read is left out of the site; make it readable (or \
             remove it) instead of silencing the lint",
        )),
        _ => Ok(()),
    }
}

fn severity_name(s: Severity) -> &'static str {
    match s {
        Severity::Allow => "allow",
        Severity::Warning => "warning",
        Severity::Error => "error",
    }
}

/// `output` must be a folder of its own: `ladder build` replaces it whole and `serve`
/// ignores changes inside it. Judged from the text (a path relative to the project):
/// the project folder itself, a folder above it, or one of the project's own input
/// folders are refused. `ladder build` checks the real folder again before writing.
pub(crate) fn check_output(output: &str) -> Result<(), Refusal> {
    const HELP: &str = "the site is written to a folder of its own, which `ladder build` \
                        replaces whole; name a new folder such as `site` or `public`";
    let path = std::path::Path::new(output.trim());
    if output.trim().is_empty() {
        return Err(("`output` is empty".into(), HELP));
    }
    let mut ups = 0usize;
    let mut inside: Vec<String> = Vec::new();
    let mut rooted = false;
    for c in path.components() {
        match c {
            std::path::Component::Prefix(_) | std::path::Component::RootDir => rooted = true,
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                if inside.pop().is_none() {
                    ups += 1;
                }
            }
            std::path::Component::Normal(s) => inside.push(s.to_string_lossy().into_owned()),
        }
    }
    if inside.is_empty() {
        let what = if rooted {
            "is the root of the file system, which holds the project"
        } else if ups > 0 {
            "is a folder that holds the project"
        } else {
            "is the project folder itself"
        };
        return Err((format!("`output: {output}` {what}"), HELP));
    }
    if !rooted && ups == 0 {
        if let Some(first @ ("content" | "templates" | "static" | "themes")) =
            inside.first().map(String::as_str)
        {
            return Err((
                format!("`output: {output}` is inside the project's {first}/ folder, which the site is built from"),
                HELP,
            ));
        }
    }
    Ok(())
}

/// `base_url` is where the site is served: a path (`/careers/ladder/`) or a full
/// `http(s)://host/path/` URL. Anything a browser would read differently is refused.
pub fn check_base_url(url: &str) -> Result<(), Refusal> {
    const HELP: &str = "write the path the site is served under, e.g. `/careers/ladder/`, \
                        or a full URL such as `https://example.com/careers/ladder/`";
    let url = url.trim();
    let fail = |what: String| Err((format!("`base_url: {url}` {what}"), HELP));
    if url.chars().any(char::is_control) {
        return fail("holds a control character".into());
    }
    if url.contains('\\') {
        return fail("holds a backslash; separate its parts with `/`".into());
    }
    if url.contains('?') {
        return fail("holds a query (`?...`), which a base URL cannot have".into());
    }
    if url.contains('#') {
        return fail("holds a fragment (`#...`), which a base URL cannot have".into());
    }
    let path = match url.split_once("://") {
        Some((scheme, rest)) => {
            if !scheme.eq_ignore_ascii_case("http") && !scheme.eq_ignore_ascii_case("https") {
                return fail(format!(
                    "uses the scheme `{scheme}`; only http and https are served"
                ));
            }
            let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
            if host.is_empty() {
                return fail("has no host after `://`".into());
            }
            path
        }
        None if url.starts_with("//") => {
            return fail(
                "starts with `//`, which browsers read as another host (`//host/path`)".into(),
            )
        }
        None => url,
    };
    for segment in path.split('/') {
        let plain = segment.replace("%2e", ".").replace("%2E", ".");
        if plain == "." || plain == ".." {
            return fail(format!(
                "has a `{plain}` segment; browsers resolve it away, so links would leave the site's folder"
            ));
        }
    }
    Ok(())
}

/// A span for ladder.yaml as a whole (used when the problem has no better place).
pub fn file_span(path: &Arc<str>) -> Span {
    Span::file_start(path)
}

//! `ladder.yaml`: the project settings. Every key has a default, so the file is optional.
//!
//! Parsing reports problems as `front-matter` diagnostics pointing into ladder.yaml
//! (unknown keys with "did you mean"); it never fails the whole load, it falls back to
//! defaults so that the content can still be checked.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::Arc;

use crate::diagnostic::{Diagnostic, Lint, LintLevels, Severity};
use crate::model::Span;
use crate::source::yaml;

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
        }
    }
}

/// The file as written; every key optional.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    title: Option<String>,
    base_url: Option<String>,
    output: Option<String>,
    theme: Option<String>,
    bands: Option<BTreeMap<i64, String>>,
    /// Keys keep their spans so that an unknown lint id is pointed at, not its value.
    lints: Option<std::collections::HashMap<serde_saphyr::Spanned<String>, Severity>>,
    markdown: Option<MarkdownConfig>,
}

/// The keys of ladder.yaml, for the JSON Schema and "did you mean" hints.
pub const KEYS: [&str; 7] = [
    "title", "base_url", "output", "theme", "bands", "lints", "markdown",
];

impl Config {
    /// Parses ladder.yaml text. `path` is the file's path for spans (`ladder.yaml`).
    pub fn parse(path: &Arc<str>, text: &str) -> (Config, Vec<Diagnostic>) {
        let mut diagnostics = Vec::new();
        let raw: RawConfig = if text.trim().is_empty() {
            RawConfig::default()
        } else {
            match yaml::from_str::<RawConfig>(path, text, 0) {
                Ok(raw) => raw,
                Err(d) => {
                    diagnostics.push(d);
                    RawConfig::default()
                }
            }
        };
        let mut config = Config::default();
        if let Some(t) = raw.title {
            config.title = t;
        }
        if let Some(b) = raw.base_url {
            config.base_url = normalize_base_url(&b);
        }
        if let Some(o) = raw.output {
            config.output = o;
        }
        if let Some(t) = raw.theme {
            config.theme = t;
        }
        if let Some(b) = raw.bands {
            config.bands = b;
        }
        if let Some(m) = raw.markdown {
            config.markdown = m;
        }
        for (id, severity) in raw.lints.unwrap_or_default() {
            let (id, at) = (id.value, id.referenced);
            match Lint::from_id(&id) {
                Some(lint) => {
                    config.lints.insert(lint, severity);
                }
                None => {
                    let span = yaml::span_of(path, text, 0, &at);
                    let mut d = Diagnostic::new(
                        Lint::FrontMatter,
                        span,
                        format!("unknown lint `{id}` in ladder.yaml"),
                    )
                    .with_label("not a lint id");
                    if let Some(s) = crate::diagnostic::did_you_mean(&id, Lint::ALL.map(Lint::id)) {
                        d = d.with_help(format!("did you mean `{s}`?"));
                    }
                    diagnostics.push(d);
                }
            }
        }
        (config, diagnostics)
    }

    /// The lint levels this project asks for, with `--deny warnings` applied.
    pub fn lint_levels(&self, deny_warnings: bool) -> LintLevels {
        LintLevels {
            overrides: self.lints.clone(),
            deny_warnings,
        }
    }
}

/// `eng/ladder` → `/eng/ladder/`; a full URL keeps its scheme and host.
pub fn normalize_base_url(s: &str) -> String {
    let s = s.trim();
    if s.contains("://") {
        return if s.ends_with('/') {
            s.to_string()
        } else {
            format!("{s}/")
        };
    }
    let inner = s.trim_matches('/');
    if inner.is_empty() {
        "/".into()
    } else {
        format!("/{inner}/")
    }
}

/// A span for ladder.yaml as a whole (used when the problem has no better place).
pub fn file_span(path: &Arc<str>) -> Span {
    Span::file_start(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_base_url() {
        let p: Arc<str> = Arc::from("ladder.yaml");
        let (c, d) = Config::parse(&p, "base_url: eng/ladder\nbands:\n  5: Senior\n");
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(c.base_url, "/eng/ladder/");
        assert_eq!(c.title, "Career Ladder");
        assert_eq!(c.bands.get(&5).map(String::as_str), Some("Senior"));
    }

    #[test]
    fn unknown_lint_points_at_its_id() {
        let p: Arc<str> = Arc::from("ladder.yaml");
        let (c, d) = Config::parse(&p, "lints:\n  band-gap: error\n  empty-levle: allow\n");
        assert_eq!(c.lints.get(&Lint::BandGap), Some(&Severity::Error));
        assert_eq!(d.len(), 1);
        assert_eq!((d[0].span.line, d[0].span.col), (3, 3));
        assert_eq!(d[0].span.end - d[0].span.start, "empty-levle".len());
        assert_eq!(d[0].help.as_deref(), Some("did you mean `empty-level`?"));
    }

    #[test]
    fn unknown_key_suggests() {
        let p: Arc<str> = Arc::from("ladder.yaml");
        let (_, d) = Config::parse(&p, "title: X\ntheem: default\n");
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].span.line, 2);
        assert_eq!(d[0].help.as_deref(), Some("did you mean `theme`?"));
    }
}

//! Reading `ladder.yaml` into [`Config`]: the front end of the project settings.
//!
//! Problems are `front-matter` diagnostics pointing into ladder.yaml (unknown keys with
//! "did you mean", wrong types, refused values); parsing never fails the whole load, it
//! falls back to defaults so that the content can still be checked. What the settings
//! mean, and the checks of single values, live with [`Config`] in `crate::config`.

use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::Arc;

use super::yaml;
use crate::config::*;
use crate::diagnostic::{Diagnostic, Lint, Severity};
use serde_saphyr::Spanned as YSpanned;

type RawLints = std::collections::HashMap<YSpanned<String>, YSpanned<Severity>>;

/// The file as written; every key optional.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    title: Option<String>,
    base_url: Option<YSpanned<String>>,
    output: Option<YSpanned<String>>,
    theme: Option<String>,
    bands: Option<BTreeMap<i64, String>>,
    /// Keys and values keep their spans: an unknown lint id is pointed at, and so is
    /// a severity that lint cannot take.
    lints: Option<RawLints>,
    markdown: Option<MarkdownConfig>,
    version: Option<YSpanned<String>>,
    edit_url: Option<YSpanned<String>>,
    feedback_url: Option<YSpanned<String>>,
    history: Option<bool>,
}

/// Parses ladder.yaml text. `path` is the file's path for spans (`ladder.yaml`).
pub fn parse_config(path: &Arc<str>, text: &str) -> (Config, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let raw: RawConfig = if text.trim().is_empty() {
        RawConfig::default()
    } else {
        match yaml::from_str::<RawConfig>(path, text, 0) {
            Ok(raw) => raw,
            Err(d) => parse_leniently(path, text, d, &mut diagnostics),
        }
    };
    let mut config = Config::default();
    if let Some(t) = raw.title {
        config.title = t;
    }
    // A setting that is refused keeps its default, with an error at its value.
    let refuse = |at: &serde_saphyr::Location, problem: String, help: &str| {
        Diagnostic::new(Lint::FrontMatter, yaml::span_of(path, text, 0, at), problem)
            .with_help(help)
    };
    if let Some(b) = raw.base_url {
        match check_base_url(&b.value) {
            Ok(()) => config.base_url = normalize_base_url(&b.value),
            Err((problem, help)) => diagnostics.push(refuse(&b.referenced, problem, help)),
        }
    }
    if let Some(o) = raw.output {
        match check_output(&o.value) {
            Ok(()) => config.output = o.value,
            Err((problem, help)) => diagnostics.push(refuse(&o.referenced, problem, help)),
        }
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
    if let Some(h) = raw.history {
        config.history = h;
    }
    if let Some(v) = raw.version {
        match Version::parse(&v.value) {
            Ok(version) => config.version = Some(version),
            Err(problem) => diagnostics.push(refuse(&v.referenced, problem, VERSION_HELP)),
        }
    }
    for (url, slot) in [
        (raw.edit_url, &mut config.edit_url),
        (raw.feedback_url, &mut config.feedback_url),
    ] {
        if let Some(u) = url {
            match check_url_template(&u.value) {
                Ok(()) => *slot = Some(u.value),
                Err((problem, help)) => diagnostics.push(refuse(&u.referenced, problem, help)),
            }
        }
    }
    for (id, severity) in raw.lints.unwrap_or_default() {
        let (id, at) = (id.value, id.referenced);
        match Lint::from_id(&id) {
            Some(lint) => match check_severity(lint, severity.value) {
                Ok(()) => {
                    config.lints.insert(lint, severity.value);
                }
                Err((problem, help)) => {
                    diagnostics.push(refuse(&severity.referenced, problem, help));
                }
            },
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

/// ladder.yaml did not parse as a whole (serde stops at its first problem). Reports
/// every problem in one run instead: each unknown key, at the top and under
/// `markdown:`, and each known key whose value has the wrong type; keeps every value
/// that is right. `first` is the whole-file error, reported only when nothing more
/// precise is found.
fn parse_leniently(
    path: &Arc<str>,
    text: &str,
    first: Diagnostic,
    out: &mut Vec<Diagnostic>,
) -> RawConfig {
    /// `markdown:` without `deny_unknown_fields`: unknown keys are reported above.
    #[derive(Deserialize)]
    struct LenientMarkdown {
        raw_html: Option<bool>,
    }

    // Not YAML at all (or over the parser's limits): nothing more precise to find.
    if let Err(d) = yaml::from_str::<serde::de::IgnoredAny>(path, text, 0) {
        out.push(d);
        return RawConfig::default();
    }
    let mut found = Vec::new();
    if let Ok(keys) = yaml::from_str::<yaml::Keys>(path, text, 0) {
        yaml::unknown_keys(path, text, 0, &keys, &KEYS, &mut found);
    }
    if let Ok(Some(keys)) = yaml::pick_in::<yaml::Keys>(path, text, 0, text.len(), "markdown") {
        yaml::unknown_keys(path, text, 0, &keys, &MARKDOWN_KEYS, &mut found);
    }

    let mut raw = RawConfig::default();
    // One small parse per key, so that a wrong type in one does not hide the others.
    macro_rules! field {
        ($name:ident: $ty:ty) => {
            yaml::pick_in::<$ty>(path, text, 0, text.len(), stringify!($name)).unwrap_or_else(|d| {
                found.push(d);
                None
            })
        };
    }
    raw.title = field!(title: String);
    raw.base_url = field!(base_url: YSpanned<String>);
    raw.output = field!(output: YSpanned<String>);
    raw.theme = field!(theme: String);
    raw.bands = field!(bands: BTreeMap<i64, String>);
    raw.lints = field!(lints: RawLints);
    raw.version = field!(version: YSpanned<String>);
    raw.edit_url = field!(edit_url: YSpanned<String>);
    raw.feedback_url = field!(feedback_url: YSpanned<String>);
    raw.history = field!(history: bool);
    raw.markdown = field!(markdown: LenientMarkdown).map(|m| MarkdownConfig {
        raw_html: m.raw_html.unwrap_or_default(),
    });

    if found.is_empty() {
        found.push(first);
    }
    out.extend(found);
    raw
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_base_url() {
        let p: Arc<str> = Arc::from("ladder.yaml");
        let (c, d) = parse_config(&p, "base_url: eng/ladder\nbands:\n  5: Senior\n");
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(c.base_url, "/eng/ladder/");
        assert_eq!(c.title, "Career Ladder");
        assert_eq!(c.bands.get(&5).map(String::as_str), Some("Senior"));
    }

    #[test]
    fn base_urls_are_percent_encoded() {
        assert_eq!(normalize_base_url("/carrières"), "/carri%C3%A8res/");
        assert_eq!(normalize_base_url("my ladder/"), "/my%20ladder/");
        assert_eq!(normalize_base_url("/my%20ladder/"), "/my%20ladder/");
        assert_eq!(normalize_base_url("/100%/"), "/100%25/");
        assert_eq!(normalize_base_url("/a//b/"), "/a/b/");
        assert_eq!(
            normalize_base_url("https://example.com/é"),
            "https://example.com/%C3%A9/"
        );
        assert_eq!(
            normalize_base_url("https://example.com"),
            "https://example.com/"
        );
    }

    #[test]
    fn unknown_lint_points_at_its_id() {
        let p: Arc<str> = Arc::from("ladder.yaml");
        let (c, d) = parse_config(&p, "lints:\n  band-gap: error\n  empty-levle: allow\n");
        assert_eq!(c.lints.get(&Lint::BandGap), Some(&Severity::Error));
        assert_eq!(d.len(), 1);
        assert_eq!((d[0].span.line, d[0].span.col), (3, 3));
        assert_eq!(d[0].span.end - d[0].span.start, "empty-levle".len());
        assert_eq!(d[0].help.as_deref(), Some("did you mean `empty-level`?"));
    }

    #[test]
    fn every_problem_of_ladder_yaml_in_one_run() {
        let p: Arc<str> = Arc::from("ladder.yaml");
        let text = "titel: X\nbase_ur: /x/\noutput: out\nbands: 5\nlints:\n  band-gap: fatal\nmarkdown:\n  raw_htm: true\ntheme: plain\n";
        let (c, d) = parse_config(&p, text);
        let got: Vec<(u32, &str, Option<&str>)> = {
            let mut v: Vec<_> = d
                .iter()
                .map(|d| (d.span.line, d.message.as_str(), d.help.as_deref()))
                .collect();
            v.sort();
            v
        };
        assert_eq!(got.len(), 5, "{got:#?}");
        assert_eq!(
            got[0],
            (1, "unknown key `titel`", Some("did you mean `title`?"))
        );
        assert_eq!(
            got[1],
            (2, "unknown key `base_ur`", Some("did you mean `base_url`?"))
        );
        assert_eq!(got[2].0, 4, "bands: 5 is not a mapping");
        assert_eq!(got[3].0, 6, "fatal is not a severity");
        assert_eq!(
            got[4],
            (8, "unknown key `raw_htm`", Some("did you mean `raw_html`?"))
        );
        // The values that are right are kept.
        assert_eq!((c.output.as_str(), c.theme.as_str()), ("out", "plain"));
    }

    #[test]
    fn a_syntax_error_in_ladder_yaml_is_reported_once() {
        let p: Arc<str> = Arc::from("ladder.yaml");
        let (_, d) = parse_config(&p, "title: [x\n");
        assert_eq!(d.len(), 1, "{d:#?}");
        assert_eq!(d[0].span.line, 1);
    }

    #[test]
    fn unknown_key_suggests() {
        let p: Arc<str> = Arc::from("ladder.yaml");
        let (_, d) = parse_config(&p, "title: X\ntheem: default\n");
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].span.line, 2);
        assert_eq!(d[0].help.as_deref(), Some("did you mean `theme`?"));
    }
}

#[cfg(test)]
mod keys_tests {
    use super::*;

    fn sorted(keys: impl IntoIterator<Item = String>) -> Vec<String> {
        let mut k: Vec<String> = keys.into_iter().collect();
        k.sort();
        k
    }

    /// The key lists of the unknown-key scan and the hand-written JSON Schema name
    /// exactly the fields of [`Config`]: a key added to one place and not the others
    /// fails here.
    #[test]
    fn url_templates_are_checked_and_filled() {
        let path: Arc<str> = Arc::from("ladder.yaml");
        let (c, d) = parse_config(
            &path,
            "edit_url: https://example.com/edit/main/{path}#L{line}\nfeedback_url: https://example.com/new?title={track}/{level}/{item}\n",
        );
        assert!(d.is_empty(), "{d:?}");
        let values = UrlValues {
            path: "content/tech track.md",
            line: 12,
            track: "technical",
            level: "staff",
            item: "mentors & coaches",
        };
        assert_eq!(
            fill_url_template(c.edit_url.as_deref().unwrap_or_default(), &values),
            "https://example.com/edit/main/content/tech%20track.md#L12"
        );
        assert_eq!(
            fill_url_template(c.feedback_url.as_deref().unwrap_or_default(), &values),
            "https://example.com/new?title=technical/staff/mentors%20%26%20coaches"
        );
        let (c, d) = parse_config(
            &path,
            "edit_url: https://example.com/{file}\nfeedback_url: javascript:alert(1)\n",
        );
        assert_eq!((c.edit_url, c.feedback_url), (None, None));
        let messages: Vec<String> = d.iter().map(|d| d.message.clone()).collect();
        assert_eq!(d.len(), 2, "{messages:?}");
        assert!(
            messages[0].contains("unknown placeholder `{file}`"),
            "{messages:?}"
        );
        assert!(
            messages[1].contains("is not an http(s) URL"),
            "{messages:?}"
        );
        assert_eq!((d[0].span.line, d[1].span.line), (1, 2));
    }

    #[test]
    fn every_list_of_keys_names_the_config_fields() {
        let fields = serde_json::to_value(Config::default()).expect("Config serialises");
        let field_keys = |v: &serde_json::Value| {
            sorted(
                v.as_object()
                    .map_or(Vec::new(), |o| o.keys().cloned().collect()),
            )
        };
        assert_eq!(field_keys(&fields), sorted(KEYS.map(String::from)));
        assert_eq!(
            field_keys(&fields["markdown"]),
            sorted(MARKDOWN_KEYS.map(String::from))
        );
        let schema = crate::export::config_schema();
        assert_eq!(
            field_keys(&schema["properties"]),
            sorted(KEYS.map(String::from))
        );
        assert_eq!(
            field_keys(&schema["properties"]["markdown"]["properties"]),
            sorted(MARKDOWN_KEYS.map(String::from))
        );
    }
}

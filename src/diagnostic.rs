//! Diagnostics as values: one [`Diagnostic`] type that every stage produces and that
//! is rendered three ways (human, JSON, GitHub workflow commands).
//!
//! Stages collect diagnostics and keep going; whether a lint is an error, a warning or
//! allowed is decided here from ladder.yaml (`lints:`) and `--deny warnings`, not by
//! the stage that found the problem. Rendering needs the source text to show the
//! offending line, which [`Sources`] holds.

use annotate_snippets::renderer::DecorStyle;
use annotate_snippets::{AnnotationKind, Group, Level as SnippetLevel, Renderer, Snippet};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Arc;

use crate::span::Span;

/// Every lint of SPEC section 3, plus `io` for files that cannot be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Lint {
    FrontMatter,
    MissingSection,
    DuplicateId,
    BandOrder,
    DanglingReference,
    BandGap,
    MissingDimension,
    UnknownDimension,
    EmptyLevel,
    RedundantResponsibility,
    /// A file or folder could not be read (unreadable file, symlink loop, not UTF-8).
    Io,
}

impl Lint {
    pub const ALL: [Lint; 11] = [
        Lint::FrontMatter,
        Lint::MissingSection,
        Lint::DuplicateId,
        Lint::BandOrder,
        Lint::DanglingReference,
        Lint::BandGap,
        Lint::MissingDimension,
        Lint::UnknownDimension,
        Lint::EmptyLevel,
        Lint::RedundantResponsibility,
        Lint::Io,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Lint::FrontMatter => "front-matter",
            Lint::MissingSection => "missing-section",
            Lint::DuplicateId => "duplicate-id",
            Lint::BandOrder => "band-order",
            Lint::DanglingReference => "dangling-reference",
            Lint::BandGap => "band-gap",
            Lint::MissingDimension => "missing-dimension",
            Lint::UnknownDimension => "unknown-dimension",
            Lint::EmptyLevel => "empty-level",
            Lint::RedundantResponsibility => "redundant-responsibility",
            Lint::Io => "io",
        }
    }

    pub fn from_id(id: &str) -> Option<Lint> {
        Lint::ALL.into_iter().find(|l| l.id() == id)
    }

    pub fn default_severity(self) -> Severity {
        match self {
            Lint::BandGap
            | Lint::MissingDimension
            | Lint::UnknownDimension
            | Lint::EmptyLevel
            | Lint::RedundantResponsibility => Severity::Warning,
            _ => Severity::Error,
        }
    }
}

/// How seriously a lint is taken. `Allow` silences it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Allow,
    Warning,
    Error,
}

/// One problem found in the ladder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub lint: Lint,
    pub severity: Severity,
    pub message: String,
    pub span: Span,
    /// Text shown under the caret, e.g. "expected an integer".
    pub label: Option<String>,
    /// Further places worth showing, e.g. the first definition of a duplicate.
    pub related: Vec<(Span, String)>,
    /// A known fix, printed as `help: ...`.
    pub help: Option<String>,
    /// Never an error unless `--deny warnings`: the problem is real but does not break
    /// the site (a link to a file outside content/ that the site does not publish).
    #[serde(skip)]
    pub warning_at_most: bool,
}

impl Diagnostic {
    /// A diagnostic at the lint's default severity.
    pub fn new(lint: Lint, span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            lint,
            severity: lint.default_severity(),
            message: message.into(),
            span,
            label: None,
            related: Vec::new(),
            help: None,
            warning_at_most: false,
        }
    }

    /// This diagnostic is a warning at most (unless `--deny warnings`).
    pub fn warning_at_most(mut self) -> Self {
        self.warning_at_most = true;
        if self.severity == Severity::Error {
            self.severity = Severity::Warning;
        }
        self
    }

    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn with_related(mut self, span: Span, note: impl Into<String>) -> Self {
        self.related.push((span, note.into()));
        self
    }
}

/// Per-lint severities from ladder.yaml plus `--deny warnings`.
#[derive(Debug, Clone, Default)]
pub struct LintLevels {
    pub overrides: BTreeMap<Lint, Severity>,
    pub deny_warnings: bool,
}

impl LintLevels {
    pub fn severity(&self, lint: Lint) -> Severity {
        let s = self
            .overrides
            .get(&lint)
            .copied()
            .unwrap_or(lint.default_severity());
        if self.deny_warnings && s == Severity::Warning {
            Severity::Error
        } else {
            s
        }
    }

    /// Applies the configured severities, drops allowed lints and sorts the rest by
    /// file, line and column so that output is stable.
    pub fn apply(&self, diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
        let mut out: Vec<Diagnostic> = diagnostics
            .into_iter()
            .filter_map(|mut d| {
                d.severity = self.severity(d.lint);
                if d.warning_at_most && d.severity == Severity::Error && !self.deny_warnings {
                    d.severity = Severity::Warning;
                }
                (d.severity != Severity::Allow).then_some(d)
            })
            .collect();
        out.sort_by(|a, b| {
            (&a.span.file, a.span.start, a.span.line, a.lint, &a.message).cmp(&(
                &b.span.file,
                b.span.start,
                b.span.line,
                b.lint,
                &b.message,
            ))
        });
        out.dedup();
        out
    }
}

/// Whether to colour diagnostics on stderr: only on a terminal, never with NO_COLOR.
/// Here, beside the renderer, so that both drivers (the commands and serve) ask it
/// without one calling up into the other.
pub fn use_color_stderr() -> bool {
    use std::io::IsTerminal;
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && std::io::stderr().is_terminal()
}

pub fn has_errors(diagnostics: &[Diagnostic]) -> bool {
    diagnostics.iter().any(|d| d.severity == Severity::Error)
}

/// The text of every file a diagnostic may point into, keyed by its span path.
#[derive(Debug, Clone, Default)]
pub struct Sources {
    files: BTreeMap<Arc<str>, Arc<str>>,
}

impl Sources {
    pub fn insert(&mut self, path: Arc<str>, text: Arc<str>) {
        self.files.insert(path, text);
    }

    /// The paths of every file held, in order.
    pub fn paths(&self) -> impl Iterator<Item = &Arc<str>> {
        self.files.keys()
    }

    pub fn get(&self, path: &str) -> Option<&str> {
        self.files.get(path).map(|t| &**t)
    }
}

/// Output formats of `ladder check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Human,
    Json,
    Github,
}

/// Renders diagnostics as rustc does: severity, lint id, message, location, the
/// source line with a caret under the span, and a help line.
pub fn render_human(diagnostics: &[Diagnostic], sources: &Sources, color: bool) -> String {
    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    }
    .decor_style(DecorStyle::Ascii);
    let mut out = String::new();
    for d in diagnostics {
        let level = match d.severity {
            Severity::Error => SnippetLevel::ERROR,
            _ => SnippetLevel::WARNING,
        };
        let title = level.primary_title(d.message.as_str()).id(d.lint.id());
        let mut group = Group::with_title(title);
        match sources.get(&d.span.file) {
            Some(text) => {
                let mut snippet = Snippet::source(text)
                    .path(&*d.span.file)
                    .fold(true)
                    .annotation(
                        AnnotationKind::Primary
                            .span(caret_range(text, d.span.start, d.span.end))
                            .label(d.label.as_deref().unwrap_or("")),
                    );
                for (span, note) in &d.related {
                    if span.file == d.span.file {
                        snippet = snippet.annotation(
                            AnnotationKind::Context
                                .span(caret_range(text, span.start, span.end))
                                .label(note.as_str()),
                        );
                    }
                }
                group = group.element(snippet);
            }
            None => {
                // No text to show (a folder, a link, an unreadable file): still name
                // the place as file:line:col, like every other diagnostic.
                group = group.element(
                    annotate_snippets::Origin::path(&*d.span.file)
                        .line(d.span.line as usize)
                        .char_column(d.span.col as usize),
                );
            }
        }
        for (span, note) in &d.related {
            if span.file != d.span.file {
                if let Some(text) = sources.get(&span.file) {
                    group = group.element(
                        Snippet::source(text)
                            .path(&*span.file)
                            .fold(true)
                            .annotation(
                                AnnotationKind::Context
                                    .span(caret_range(text, span.start, span.end))
                                    .label(note.as_str()),
                            ),
                    );
                }
            }
        }
        if let Some(help) = &d.help {
            group = group.element(SnippetLevel::HELP.message(help.as_str()));
        }
        let _ = writeln!(out, "{}\n", renderer.render(&[group]));
    }
    let errors = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let warnings = diagnostics.len() - errors;
    if !diagnostics.is_empty() {
        let _ = writeln!(out, "{}", summary_line(errors, warnings));
    }
    out
}

fn summary_line(errors: usize, warnings: usize) -> String {
    let plural = |n: usize, w: &str| format!("{n} {w}{}", if n == 1 { "" } else { "s" });
    match (errors, warnings) {
        (0, w) => format!("{} emitted", plural(w, "warning")),
        (e, 0) => format!("{} emitted", plural(e, "error")),
        (e, w) => format!(
            "{} and {} emitted",
            plural(e, "error"),
            plural(w, "warning")
        ),
    }
}

/// A non-empty byte range for the caret: an empty span points at one character.
fn caret_range(text: &str, start: usize, end: usize) -> std::ops::Range<usize> {
    let start = start.min(text.len());
    if end > start {
        return start..end.min(text.len());
    }
    let next = text[start..]
        .chars()
        .next()
        .filter(|c| *c != '\n')
        .map_or(start, |c| start + c.len_utf8());
    start..next
}

/// One JSON object per run: `{"diagnostics": [...], "errors": n, "warnings": n}`.
pub fn render_json(diagnostics: &[Diagnostic]) -> String {
    let items: Vec<serde_json::Value> = diagnostics
        .iter()
        .map(|d| {
            serde_json::json!({
                "lint": d.lint.id(),
                "severity": d.severity,
                "message": d.message,
                "file": &*d.span.file,
                "line": d.span.line,
                "column": d.span.col,
                "label": d.label,
                "help": d.help,
            })
        })
        .collect();
    let errors = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let value = serde_json::json!({
        "diagnostics": items,
        "errors": errors,
        "warnings": diagnostics.len() - errors,
    });
    serde_json::to_string_pretty(&value).unwrap_or_default() + "\n"
}

/// GitHub Actions workflow commands, escaped as the runner expects.
pub fn render_github(diagnostics: &[Diagnostic]) -> String {
    let mut out = String::new();
    for d in diagnostics {
        let kind = match d.severity {
            Severity::Error => "error",
            _ => "warning",
        };
        let mut message = d.message.clone();
        if let Some(help) = &d.help {
            message.push_str("\nhelp: ");
            message.push_str(help);
        }
        let _ = writeln!(
            out,
            "::{kind} file={},line={},col={},title={}::{}",
            escape_property(&d.span.file),
            d.span.line,
            d.span.col,
            escape_property(&format!("ladder({})", d.lint.id())),
            escape_data(&message)
        );
    }
    out
}

fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// Levenshtein distance (in characters), for "did you mean" hints.
pub fn edit_distance(a: &str, b: &str) -> usize {
    strsim::levenshtein(a, b)
}

/// `1 level`, `2 levels`: a count with its noun in the right number, for messages.
pub fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The candidate closest to `word`, if it is close enough to be a likely typo.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let folded = word.to_lowercase();
    let word_len = folded.chars().count();
    candidates
        .into_iter()
        .map(|c| (edit_distance(&folded, &c.to_lowercase()), c))
        .filter(|(d, c)| *d > 0 && *d <= typo_limit(word_len.min(c.chars().count())))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// How many edits still look like a typo in a name of `len` characters: about one in
/// three, and never more than three. A typo is a slip of a few keys whatever the
/// length; without the cap, `senior-engineering-manager` (seven edits away) would be
/// "corrected" to `engineering-manager`, a different level.
fn typo_limit(len: usize) -> usize {
    len.div_ceil(3).clamp(1, 3)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_place_without_source_text_still_has_line_and_column() {
        let f: Arc<str> = Arc::from("content/secret.md");
        let d = Diagnostic::new(
            Lint::Io,
            Span::file_start(&f),
            "cannot read content/secret.md",
        );
        let out = render_human(&[d], &Sources::default(), false);
        assert!(out.contains("--> content/secret.md:1:1\n"), "{out}");
    }

    #[test]
    fn did_you_mean_catches_typos_not_other_names() {
        let ids = [
            "engineering-manager",
            "team-lead",
            "staff",
            "theme",
            "junior",
        ];
        let guess = |w: &str| did_you_mean(w, ids);
        // Slips of a key or two, at every length.
        assert_eq!(guess("engineering-manger"), Some("engineering-manager"));
        assert_eq!(guess("engneering-managre"), Some("engineering-manager"));
        assert_eq!(guess("team-leed"), Some("team-lead"));
        assert_eq!(guess("staf"), Some("staff"));
        assert_eq!(guess("theem"), Some("theme"));
        assert_eq!(guess("junoir"), Some("junior"));
        // Another name that merely shares words is not a typo of it.
        assert_eq!(guess("senior-engineering-manager"), None);
        assert_eq!(guess("engineering-director"), None);
        assert_eq!(guess("lead"), None);
        assert_eq!(guess("x"), None);
    }

    #[test]
    fn github_escapes() {
        let f: Arc<str> = Arc::from("content/a,b.md");
        let d = Diagnostic::new(Lint::BandGap, Span::file_start(&f), "50% done\nnext");
        let s = render_github(&[d]);
        assert_eq!(
            s,
            "::warning file=content/a%2Cb.md,line=1,col=1,title=ladder(band-gap)::50%25 done%0Anext\n"
        );
    }

    #[test]
    fn suggestions() {
        assert_eq!(did_you_mean("titel", ["title", "levels"]), Some("title"));
        assert_eq!(did_you_mean("zzzzzz", ["title", "levels"]), None);
    }
}

//! The theme: Tera templates compiled once, plus the static files copied into the site.
//!
//! Where templates come from, later wins: the built-in default theme (compiled into the
//! binary, so that an installed `ladder` needs no other files), then the project's
//! `themes/<name>/templates/`, then the project's `templates/` (a file named like a
//! theme template replaces it). Static files: the theme's `static/`, then the
//! project's `static/`. Template syntax errors become diagnostics with file:line.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use anyhow::Context as _;

use crate::config::Config;
use crate::diagnostic::{Diagnostic, Lint};
use crate::model::Span;

/// The built-in default theme: `themes/default/` of this repository.
const DEFAULT_TEMPLATES: [(&str, &str); 16] = [
    (
        "base.html",
        include_str!("../../themes/default/templates/base.html"),
    ),
    (
        "home.html",
        include_str!("../../themes/default/templates/home.html"),
    ),
    (
        "track.html",
        include_str!("../../themes/default/templates/track.html"),
    ),
    (
        "level.html",
        include_str!("../../themes/default/templates/level.html"),
    ),
    (
        "level_body.html",
        include_str!("../../themes/default/templates/level_body.html"),
    ),
    (
        "label_table.html",
        include_str!("../../themes/default/templates/label_table.html"),
    ),
    (
        "compare.html",
        include_str!("../../themes/default/templates/compare.html"),
    ),
    (
        "picker.html",
        include_str!("../../themes/default/templates/picker.html"),
    ),
    (
        "search.html",
        include_str!("../../themes/default/templates/search.html"),
    ),
    (
        "print.html",
        include_str!("../../themes/default/templates/print.html"),
    ),
    (
        "print_track.html",
        include_str!("../../themes/default/templates/print_track.html"),
    ),
    (
        "404.html",
        include_str!("../../themes/default/templates/404.html"),
    ),
    (
        "page.html",
        include_str!("../../themes/default/templates/page.html"),
    ),
    (
        "changes.html",
        include_str!("../../themes/default/templates/changes.html"),
    ),
    (
        "job-description.md",
        include_str!("../../themes/default/templates/job-description.md"),
    ),
    (
        "promotion-case.md",
        include_str!("../../themes/default/templates/promotion-case.md"),
    ),
];

const DEFAULT_STATIC: [(&str, &[u8]); 4] = [
    (
        "assets/style.css",
        include_bytes!("../../themes/default/static/assets/style.css"),
    ),
    (
        "assets/ladder.js",
        include_bytes!("../../themes/default/static/assets/ladder.js"),
    ),
    (
        "assets/workbook.js",
        include_bytes!("../../themes/default/static/assets/workbook.js"),
    ),
    (
        "assets/favicon.svg",
        include_bytes!("../../themes/default/static/assets/favicon.svg"),
    ),
];

/// The templates every theme must provide (a custom theme falls back to the built-in
/// one for any it lacks).
pub const PAGE_TEMPLATES: [&str; 11] = [
    "base.html",
    "home.html",
    "track.html",
    "level.html",
    "compare.html",
    "picker.html",
    "search.html",
    "print.html",
    "404.html",
    "page.html",
    "changes.html",
];

/// A loaded theme: compiled templates and static files, ready to render any number
/// of sites (so `serve` loads it once per change of templates, not per build).
pub struct Theme {
    tera: tera::Tera,
    /// Static files by output path (`assets/style.css`, `logo.png`), project's last.
    pub statics: BTreeMap<String, Arc<[u8]>>,
}

impl std::fmt::Debug for Theme {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Theme")
            .field(
                "templates",
                &self.tera.get_template_names().collect::<Vec<_>>(),
            )
            .field("statics", &self.statics.keys().collect::<Vec<_>>())
            .finish()
    }
}

/// One template source and the path diagnostics should name.
struct Source {
    text: String,
    /// Project-relative path, or `(built-in theme)/name` for embedded templates.
    path: Arc<str>,
}

impl Theme {
    /// Loads the theme `config.theme` for the project at `root`.
    pub fn load(root: &Path, config: &Config) -> Result<Theme, Vec<Diagnostic>> {
        let mut diagnostics = Vec::new();
        let mut sources: BTreeMap<String, Source> = DEFAULT_TEMPLATES
            .iter()
            .map(|(name, text)| {
                (
                    name.to_string(),
                    Source {
                        text: text.to_string(),
                        path: Arc::from(format!("(built-in theme)/templates/{name}")),
                    },
                )
            })
            .collect();
        let mut statics: BTreeMap<String, Arc<[u8]>> = DEFAULT_STATIC
            .iter()
            .map(|(p, b)| (p.to_string(), Arc::from(*b)))
            .collect();

        let name = config.theme.as_str();
        let valid_name = !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        let theme_dir = root.join("themes").join(name);
        if !valid_name {
            diagnostics.push(config_diagnostic(
                root,
                format!("theme name `{name}` is not a folder name"),
                "use the name of a folder in themes/, or `default`",
            ));
        } else if theme_dir.is_dir() {
            read_templates(
                root,
                &theme_dir.join("templates"),
                &mut sources,
                &mut diagnostics,
            );
            read_statics(
                root,
                &theme_dir.join("static"),
                &mut statics,
                &mut diagnostics,
            );
        } else if name != "default" {
            diagnostics.push(config_diagnostic(
                root,
                format!("theme `{name}` not found: there is no themes/{name}/ folder"),
                "create the folder, or remove `theme:` to use the built-in default theme",
            ));
        }
        read_templates(
            root,
            &root.join("templates"),
            &mut sources,
            &mut diagnostics,
        );
        read_statics(root, &root.join("static"), &mut statics, &mut diagnostics);
        if !diagnostics.is_empty() {
            return Err(diagnostics);
        }

        let mut tera = tera::Tera::new();
        tera.autoescape_on([".html", ".htm", ".xml"]);
        tera.set_escape_fn(super::html::write_escaped);
        let result =
            tera.add_raw_templates(sources.iter().map(|(n, s)| (n.as_str(), s.text.as_str())));
        if let Err(e) = result {
            return Err(vec![template_diagnostic(&e, &sources)]);
        }
        Ok(Theme { tera, statics })
    }

    /// Renders template `name` with `context`; errors name the template.
    pub fn render(&self, name: &str, context: &tera::Context) -> anyhow::Result<String> {
        self.tera
            .render(name, context)
            .with_context(|| format!("rendering template {name}"))
    }

    /// [`render`](Self::render) straight into `out`, the same bytes.
    pub fn render_to(
        &self,
        name: &str,
        context: &tera::Context,
        out: &mut dyn std::io::Write,
    ) -> anyhow::Result<()> {
        self.tera
            .render_to(name, context, out)
            .with_context(|| format!("rendering template {name}"))
    }
}

/// A problem with the `theme` setting, pointing into ladder.yaml.
fn config_diagnostic(root: &Path, message: String, help: &str) -> Diagnostic {
    let path: Arc<str> = Arc::from("ladder.yaml");
    let span = match std::fs::read_to_string(root.join("ladder.yaml")) {
        Ok(text) => match text.find("theme:") {
            Some(at) => Span::from_offsets(&path, &text, at, at + "theme".len()),
            None => Span::file_start(&path),
        },
        Err(_) => Span::file_start(&path),
    };
    Diagnostic::new(Lint::FrontMatter, span, message).with_help(help)
}

/// Reads `*.html` and the per-level document templates (`job-description.md`,
/// `promotion-case.md`) under `dir` (recursively, names
/// relative to it) into `sources`.
fn read_templates(
    root: &Path,
    dir: &Path,
    sources: &mut BTreeMap<String, Source>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    for (name, rel, bytes) in read_tree(root, dir, diagnostics) {
        // Of Markdown, only the document templates: a README.md beside the templates
        // is not a template (and its `{{` would be a template error).
        let document = crate::render::documents::Document::ALL
            .iter()
            .any(|d| d.file_name() == name);
        if !name.ends_with(".html") && !document {
            continue;
        }
        let path: Arc<str> = Arc::from(rel.as_str());
        match String::from_utf8(bytes) {
            Ok(text) => {
                sources.insert(name, Source { text, path });
            }
            Err(_) => diagnostics.push(
                Diagnostic::new(
                    Lint::Io,
                    Span::file_start(&path),
                    format!("template {rel} is not valid UTF-8"),
                )
                .with_help("save the file as UTF-8"),
            ),
        }
    }
}

fn read_statics(
    root: &Path,
    dir: &Path,
    statics: &mut BTreeMap<String, Arc<[u8]>>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    for (name, _, bytes) in read_tree(root, dir, diagnostics) {
        statics.insert(name, Arc::from(bytes));
    }
}

/// Every regular file under `dir`: (path relative to `dir`, path relative to `root`,
/// bytes), sorted. Symbolic links are followed once (a loop is a diagnostic); hidden
/// files and editor backups are skipped.
fn read_tree(
    root: &Path,
    dir: &Path,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<(String, String, Vec<u8>)> {
    let mut out = Vec::new();
    if !dir.is_dir() {
        return out;
    }
    for entry in walkdir::WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
    {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let at = e
                    .path()
                    .map(|p| crate::source::relative_path(root, p))
                    .unwrap_or_else(|| crate::source::relative_path(root, dir));
                diagnostics.push(Diagnostic::new(
                    Lint::Io,
                    Span::file_start(&Arc::from(at.as_str())),
                    format!("cannot read {at}: {e}"),
                ));
                continue;
            }
        };
        if !entry.file_type().is_file() {
            continue;
        }
        let name = crate::source::relative_path(dir, entry.path());
        if name
            .split('/')
            .any(|part| part.starts_with('.') || part.ends_with('~') || part.starts_with('#'))
        {
            continue;
        }
        let rel = crate::source::relative_path(root, entry.path());
        match std::fs::read(entry.path()) {
            Ok(bytes) => out.push((name, rel, bytes)),
            Err(e) => diagnostics.push(Diagnostic::new(
                Lint::Io,
                Span::file_start(&Arc::from(rel.as_str())),
                format!("cannot read {rel}: {e}"),
            )),
        }
    }
    out
}

/// A Tera error as a diagnostic at the template's file and line.
fn template_diagnostic(e: &tera::Error, sources: &BTreeMap<String, Source>) -> Diagnostic {
    let report = match e.kind() {
        tera::ErrorKind::SyntaxError(r) | tera::ErrorKind::RenderingError(r) => Some(r),
        _ => None,
    };
    match report {
        Some(r) => {
            let (path, text) = match sources.get(r.filename()) {
                Some(s) => (s.path.clone(), s.text.as_str()),
                None => (Arc::from(r.filename()), ""),
            };
            let span = r.span();
            let start = span.range.start.min(text.len());
            let end = span.range.end.clamp(start, text.len());
            let mut at = Span::from_offsets(&path, text, start, end);
            if text.is_empty() {
                at.line = span.start_line as u32;
                at.col = span.start_col as u32 + 1;
            }
            Diagnostic::new(Lint::Io, at, format!("template error: {}", r.message()))
                .with_help("fix the template's syntax (Tera 2: https://keats.github.io/tera/)")
        }
        None => {
            let message = e.to_string();
            // Name the template the error is about when the message mentions one.
            let path = sources
                .iter()
                .find(|(name, _)| message.contains(&format!("'{name}'")))
                .map(|(_, s)| s.path.clone())
                .unwrap_or_else(|| Arc::from("templates"));
            Diagnostic::new(
                Lint::Io,
                Span::file_start(&path),
                format!("template error: {message}"),
            )
        }
    }
}

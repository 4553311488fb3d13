//! Semantic diff of two versions of a ladder, for pull-request review (SPEC section 4).
//!
//! A side is a git revision ([`git`], read without a checkout), a project folder, or
//! the working tree. Each side's files go through the same front end and lints as
//! `ladder check` ([`crate::source::load_files`], [`crate::check::check_project`]);
//! [`semantic`] then compares the two models into a [`Report`], which [`markdown`]
//! writes as a PR comment and [`json`] as a stable document for tools.
//!
//! A side that does not parse is not an error of the command: its parse errors are
//! reported with it, its unreadable track files are marked as such instead of as
//! removed, and everything else is still compared. Only a side that cannot be found
//! (an unknown revision, a folder that is not a ladder project) stops the command.

mod alignment;
pub mod bump;
pub mod classes;
pub mod git;
pub mod history;
mod inline;
pub mod json;
pub mod markdown;
mod project;
pub mod report;
mod responsibilities;
pub mod semantic;
pub mod words;

use anyhow::bail;
use std::collections::BTreeSet;
use std::path::Path;

use crate::diagnostic::{Lint, Severity};
use crate::source::{self, InputFiles, Project};
pub use report::{Report, SideKind, SideSummary};

/// One loaded version of the ladder.
#[derive(Debug, Clone)]
pub struct Side {
    pub summary: SideSummary,
    pub project: Project,
    /// Every diagnostic of `ladder check` except the parse errors in `summary.errors`.
    pub lints: Vec<report::DiagnosticSummary>,
    /// Track files (relative to content/) that produced no track: they do not parse.
    pub unparsed: BTreeSet<String>,
    /// False when ladder.yaml has errors (its settings fell back to defaults).
    pub config_parses: bool,
}

impl Side {
    /// Loads a side from its files: the front end, then every lint.
    pub fn from_files(
        label: String,
        kind: SideKind,
        commit: Option<String>,
        files: &InputFiles,
    ) -> Side {
        let project = source::load_files(files);
        let diagnostics = crate::check::check_project(&project, false);
        let paths = files.content.iter().map(|f| &*f.path);
        Side::from_loaded(label, kind, commit, project, &diagnostics, paths)
    }

    /// A side from a project already loaded and checked (`diagnostics` are its
    /// lints), as `ladder build` has the working tree.
    pub fn from_project(
        label: String,
        kind: SideKind,
        commit: Option<String>,
        project: Project,
        diagnostics: &[crate::diagnostic::Diagnostic],
    ) -> Side {
        let paths: Vec<std::sync::Arc<str>> = project
            .sources
            .paths()
            .filter(|p| p.starts_with("content/") && p.ends_with(".md"))
            .cloned()
            .collect();
        Side::from_loaded(
            label,
            kind,
            commit,
            project,
            diagnostics,
            paths.iter().map(|p| &**p),
        )
    }

    fn from_loaded<'a>(
        label: String,
        kind: SideKind,
        commit: Option<String>,
        project: Project,
        diagnostics: &[crate::diagnostic::Diagnostic],
        content: impl Iterator<Item = &'a str>,
    ) -> Side {
        let tracks: BTreeSet<&str> = project
            .ladder
            .tracks
            .iter()
            .map(|t| t.path.as_str())
            .collect();
        let unparsed: BTreeSet<String> = content
            .filter(|p| !source::is_home(p))
            .map(|p| p.strip_prefix("content/").unwrap_or(p).to_string())
            .filter(|p| !tracks.contains(p.as_str()))
            .collect();
        // What keeps a side from being read: unreadable files, errors in ladder.yaml,
        // and the errors of track files that produced no track.
        let is_parse_error = |d: &crate::diagnostic::Diagnostic| {
            let file = &*d.span.file;
            d.severity == Severity::Error
                && (d.lint == Lint::Io
                    || (d.lint == Lint::FrontMatter
                        && (file == "ladder.yaml"
                            || unparsed.contains(file.strip_prefix("content/").unwrap_or(file)))))
        };
        let (errors, lints): (Vec<_>, Vec<_>) = diagnostics.iter().partition(|d| is_parse_error(d));
        let config_parses = !errors.iter().any(|d| &*d.span.file == "ladder.yaml");
        Side {
            summary: SideSummary {
                label,
                kind,
                commit,
                parses: errors.is_empty(),
                errors: errors.into_iter().map(Into::into).collect(),
            },
            lints: lints.into_iter().map(Into::into).collect(),
            unparsed,
            config_parses,
            project,
        }
    }
}

/// Loads one side. `spec` is a folder holding content/ or a git revision of the
/// repository around `root`; `None` is the working tree at `root`. `which` names the
/// side in messages (`OLD` or `NEW`).
pub fn load_side(spec: Option<&str>, root: &Path, which: &str) -> anyhow::Result<Side> {
    let Some(spec) = spec else {
        let files = source::read_project_files(root)?;
        return Ok(Side::from_files(
            "working tree".into(),
            SideKind::WorkingTree,
            None,
            &files,
        ));
    };
    let as_folder = Path::new(spec);
    if as_folder.join("content").is_dir() {
        let files = source::read_project_files(as_folder)?;
        return Ok(Side::from_files(
            spec.to_string(),
            SideKind::Folder,
            None,
            &files,
        ));
    }
    let not_a_project = || {
        anyhow::anyhow!(
            "{which} `{spec}` is a folder but not a ladder project: it has no content/ folder"
        )
    };
    let repo = match git::Repo::discover(root) {
        Ok(repo) => repo,
        Err(_) if as_folder.is_dir() => return Err(not_a_project()),
        Err(e) => bail!("{which} `{spec}` is not a ladder project folder, and {e:#}"),
    };
    let Some(rev) = repo.resolve(spec)? else {
        if as_folder.is_dir() {
            return Err(not_a_project());
        }
        bail!(
            "{which} `{spec}` is not a git revision of the repository at {}, nor a ladder project folder",
            repo.top().display()
        );
    };
    let files = repo.read_project(&rev)?;
    Ok(Side::from_files(
        spec.to_string(),
        SideKind::Revision,
        Some(rev.commit),
        &files,
    ))
}

/// Compares two sides.
pub fn diff(old: &Side, new: &Side) -> Report {
    let mut report = semantic::compare(old, new);
    classes::classify(&mut report);
    report
}

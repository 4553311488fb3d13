//! Lints over the typed model (SPEC section 3). Each family of lints has its own file:
//!
//! - [`ids`]: `duplicate-id` (track ids, level ids within a track, codes ladder-wide);
//! - [`bands`]: `band-order` and `band-gap`;
//! - [`references`]: `missing-section` and `dangling-reference` (`inherits`, links);
//! - [`dimensions`]: `missing-dimension` and `unknown-dimension`;
//! - [`levels`]: `empty-level` and `redundant-responsibility`.
//!
//! Every lint reads only the model and returns diagnostics at the lint's default
//! severity; severity overrides and `--deny warnings` are applied by [`check_project`].
//! Problems the front end finds while reading (front matter, I/O, a second section for a
//! level) come with the [`Project`] and are not repeated here. Each lint is linear in the
//! size of the ladder (maps and per-band sets, never level-against-level loops), so that
//! checking stays cheap at 10,000 levels.

mod bands;
mod dimensions;
mod ids;
mod levels;
mod references;

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use crate::diagnostic::{Diagnostic, Lint, Severity};
use crate::model::{slugify, Ladder, Span, Track};
use crate::source::is_home;
use crate::Project;

/// Track files that exist but did not become a track (unreadable, not UTF-8, broken
/// front matter). The front end has already reported why; a link or an `inherits`
/// into such a file cannot be checked, and calling it dangling would bury the one real
/// error under a cascade of false ones.
#[derive(Debug, Default, Clone)]
pub struct Unloaded {
    /// Paths relative to content/, as links write them (`technical.md`).
    pub paths: HashSet<String>,
    /// The track id each would have had by default (its file stem).
    pub ids: HashSet<String>,
}

impl Unloaded {
    /// The content files named by an error of the front end that gave no track.
    pub fn of(project: &Project) -> Unloaded {
        let loaded: HashSet<&str> = project
            .ladder
            .tracks
            .iter()
            .map(|t| t.path.as_str())
            .collect();
        let mut u = Unloaded::default();
        for d in &project.diagnostics {
            let file = &*d.span.file;
            let Some(rel) = file.strip_prefix("content/") else {
                continue;
            };
            if d.severity != Severity::Error
                || is_home(file)
                || !rel.ends_with(".md")
                || loaded.contains(rel)
            {
                continue;
            }
            let stem = rel
                .rsplit('/')
                .next()
                .unwrap_or(rel)
                .trim_end_matches(".md");
            u.ids.insert(slugify(stem));
            u.paths.insert(rel.to_string());
        }
        u
    }
}

/// Runs every model lint, in no particular order (the caller sorts).
pub fn lint_ladder(ladder: &Ladder) -> Vec<Diagnostic> {
    lint_ladder_with(ladder, &Unloaded::default())
}

/// [`lint_ladder`], knowing which track files failed to load.
pub fn lint_ladder_with(ladder: &Ladder, unloaded: &Unloaded) -> Vec<Diagnostic> {
    lint_ladder_cached(ladder, unloaded, &mut TrackLints::default())
}

/// The results of the per-track lints of one build, for the next: `ladder serve`
/// lints again only the tracks an edit touched (and those inheriting from them).
#[derive(Debug, Default)]
pub struct TrackLints {
    /// By track file: the track as linted, the tracks its levels inherit from (their
    /// text is compared), and what the lints said.
    by_path: HashMap<String, TrackLintResult>,
}

#[derive(Debug)]
struct TrackLintResult {
    track: Arc<Track>,
    inherits_from: Vec<Arc<Track>>,
    diagnostics: Vec<Diagnostic>,
}

impl TrackLintResult {
    /// Still true of `track` inheriting from `from`: the same track (the same
    /// allocation: serve shares untouched tracks between builds) inheriting from the
    /// same tracks.
    fn holds_for(&self, track: &Arc<Track>, from: &[Arc<Track>]) -> bool {
        Arc::ptr_eq(&self.track, track)
            && from.len() == self.inherits_from.len()
            && from
                .iter()
                .zip(&self.inherits_from)
                .all(|(a, b)| Arc::ptr_eq(a, b))
    }
}

/// The other tracks whose levels `track`'s levels inherit responsibilities from.
fn inherits_from(ladder: &Ladder, track: &Track) -> Vec<Arc<Track>> {
    let mut indexes: Vec<usize> = track
        .levels
        .iter()
        .flat_map(|l| l.inherited.iter().map(|i| i.from.track))
        .collect();
    indexes.sort_unstable();
    indexes.dedup();
    indexes
        .into_iter()
        .map(|i| ladder.tracks[i].clone())
        .collect()
}

/// [`lint_ladder_with`], reusing `cache`'s results for tracks that did not change
/// and leaving this build's results in it.
pub fn lint_ladder_cached(
    ladder: &Ladder,
    unloaded: &Unloaded,
    cache: &mut TrackLints,
) -> Vec<Diagnostic> {
    use rayon::prelude::*;
    let previous = &cache.by_path;
    // The lints of one track at a time run on every core; the ladder-wide ones beside.
    let (mut out, per_track) = rayon::join(
        || {
            let (mut out, more) = rayon::join(
                || {
                    let mut out = Vec::new();
                    ids::lint(ladder, &mut out);
                    bands::lint(ladder, &mut out);
                    out
                },
                || {
                    let mut out = Vec::new();
                    references::lint(ladder, unloaded, &mut out);
                    out
                },
            );
            out.extend(more);
            out
        },
        || {
            ladder
                .tracks
                .par_iter()
                .map(|track| {
                    let from = inherits_from(ladder, track);
                    let diagnostics = match previous.get(&track.path) {
                        Some(r) if r.holds_for(track, &from) => r.diagnostics.clone(),
                        _ => {
                            let mut diagnostics = Vec::new();
                            dimensions::lint_track(track, &mut diagnostics);
                            levels::lint_track(ladder, track, &mut diagnostics);
                            diagnostics
                        }
                    };
                    let result = TrackLintResult {
                        track: track.clone(),
                        inherits_from: from,
                        diagnostics,
                    };
                    (track.path.clone(), result)
                })
                .collect::<HashMap<_, _>>()
        },
    );
    for r in per_track.values() {
        out.extend(r.diagnostics.iter().cloned());
    }
    cache.by_path = per_track;
    out
}

/// All diagnostics of a project (front end + lints), severities applied, sorted.
pub fn check_project(project: &Project, deny_warnings: bool) -> Vec<Diagnostic> {
    check_project_cached(project, deny_warnings, &mut TrackLints::default())
}

/// [`check_project`] with the per-track lint results of the last build (`serve`).
pub fn check_project_cached(
    project: &Project,
    deny_warnings: bool,
    cache: &mut TrackLints,
) -> Vec<Diagnostic> {
    let mut all = project.diagnostics.clone();
    all.extend(no_tracks(project));
    all.extend(lint_ladder_cached(
        &project.ladder,
        &Unloaded::of(project),
        cache,
    ));
    project.ladder.config.lint_levels(deny_warnings).apply(all)
}

/// A project whose content/ holds no track file at all (none, only `_index.md`, or
/// pages saved as `.markdown`) would pass check and publish a site of empty tables:
/// an `io` error, at ladder.yaml when there is one. Track files that failed to load
/// have their own errors already. Here rather than where files are read, so that
/// `build`, `check` and `serve` (whose rebuilds read only changed files) agree.
fn no_tracks(project: &Project) -> Option<Diagnostic> {
    // A track file that failed to load, or content/ unreadable or missing, is already
    // an error that says more.
    let explained = project.diagnostics.iter().any(|d| {
        d.severity == Severity::Error && (d.lint == Lint::Io || d.span.file.starts_with("content/"))
    });
    if !project.ladder.tracks.is_empty() || explained {
        return None;
    }
    let at = if project.sources.get("ladder.yaml").is_some() {
        "ladder.yaml"
    } else {
        "content/"
    };
    Some(
        Diagnostic::new(
            Lint::Io,
            Span::file_start(&Arc::from(at)),
            "content/ holds no track files: this project has no tracks",
        )
        .with_help(
            "a ladder project keeps one Markdown file (.md) per track in content/, \
             such as content/technical.md",
        ),
    )
}

/// `one`, `` `a` and `b` ``, `` `a`, `b` and `c` ``: a list of names for a message.
pub(crate) fn quoted_list<S: AsRef<str>>(items: &[S]) -> String {
    let quoted: Vec<String> = items.iter().map(|s| format!("`{}`", s.as_ref())).collect();
    match quoted.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
    }
}

#[cfg(test)]
pub(crate) mod testing {
    //! Builds a [`Ladder`] from in-memory track files, for the lints' unit tests.
    use crate::source::{load_files, InputFile, InputFiles};
    use crate::Project;
    use std::sync::Arc;

    pub fn project(files: &[(&str, &str)]) -> Project {
        let inputs = InputFiles {
            config: None,
            content: files
                .iter()
                .map(|(p, t)| InputFile {
                    path: Arc::from(format!("content/{p}").as_str()),
                    bytes: Arc::from(t.as_bytes()),
                })
                .collect(),
            assets: Vec::new(),
            diagnostics: Vec::new(),
        };
        load_files(&inputs)
    }

    /// The lint ids and `line:col` of every lint diagnostic (front end excluded).
    pub fn lints(files: &[(&str, &str)]) -> Vec<(String, String, u32, u32)> {
        let p = project(files);
        let mut d = super::lint_ladder(&p.ladder);
        d.sort_by(|a, b| a.span.cmp(&b.span));
        d.into_iter()
            .map(|d| {
                (
                    d.lint.id().to_string(),
                    d.span.file.to_string(),
                    d.span.line,
                    d.span.col,
                )
            })
            .collect()
    }
}

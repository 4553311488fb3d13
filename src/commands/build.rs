//! `ladder build`: check, then render the site and write it atomically.
//!
//! The same stages `ladder check` and `ladder serve` use: load the project, run every
//! lint (refusing to build on an error), load the theme, then render each file
//! straight into a fresh folder and swap it into the output folder.

use clap::Args;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use super::Common;
use crate::config::normalize_base_url;
use crate::diagnostic::{self, Sources};
use crate::render::{self, Theme};

#[derive(Debug, Args)]
pub struct BuildArgs {
    #[command(flatten)]
    pub common: Common,
    /// Output folder (default: `output` from ladder.yaml, "site")
    #[arg(long, short, value_name = "DIR")]
    pub output: Option<PathBuf>,
    /// Base URL the site is served under, e.g. /careers/ladder/
    #[arg(long, value_name = "URL", value_parser = base_url_arg)]
    pub base_url: Option<String>,
    /// Show the ladder's versions (git tags such as v2.3.0) on the site, as
    /// `history: true` in ladder.yaml does
    #[arg(long)]
    pub history: bool,
}

/// `--base-url` is checked as `base_url` in ladder.yaml is; a refusal is a usage
/// error (exit 2) that says what is wrong and how to write it.
fn base_url_arg(url: &str) -> Result<String, String> {
    crate::config::check_base_url(url)
        .map(|()| url.to_string())
        .map_err(|(problem, help)| {
            format!("{}\n  help: {help}", problem.replacen("base_url: ", "", 1))
        })
}

pub fn run(args: BuildArgs) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let root = &args.common.root;
    let mut project = crate::load_project(root)?;
    // `--history` does what `history: true` does, including reserving `/changes/`.
    project.ladder.config.history |= args.history;
    let diagnostics = crate::check::check_project(&project, false);
    let color = super::use_color_stderr();
    if !diagnostics.is_empty() {
        eprint!(
            "{}",
            diagnostic::render_human(&diagnostics, &project.sources, color)
        );
    }
    if diagnostic::has_errors(&diagnostics) {
        eprintln!("error: the ladder has errors; no site was written");
        return Ok(ExitCode::from(super::LADDER_ERRORS));
    }

    // Before `--base-url` changes the settings, which the working tree is compared by.
    let history = project.ladder.config.history.then(|| {
        let reading = Instant::now();
        project.ladder.history = read_history(root, &project, &diagnostics);
        reading.elapsed()
    });
    if let Some(url) = &args.base_url {
        let url = normalize_base_url(url);
        project.ladder.config.base_url = url;
    }
    let theme = match Theme::load(root, &project.ladder.config) {
        Ok(theme) => theme,
        Err(diagnostics) => {
            let sources = with_files(&project.sources, root, &diagnostics);
            eprint!(
                "{}",
                diagnostic::render_human(&diagnostics, &sources, color)
            );
            eprintln!("error: the theme has errors; no site was written");
            return Ok(ExitCode::from(super::LADDER_ERRORS));
        }
    };
    let checked = started.elapsed();
    let output = match &args.output {
        Some(dir) => dir.clone(),
        None => root.join(&project.ladder.config.output),
    };
    // The text of every file read is kept for diagnostics; rendering reports none, so
    // it goes before the site is rendered (20 MB at 10,000 levels).
    // (A `..` pattern would keep them: the fields it leaves are dropped at the end
    // of the scope, after the site is written.)
    let crate::Project {
        ladder, sources, ..
    } = project;
    drop(sources);
    let rendering = Instant::now();
    let written = render::build_site(&ladder, &theme, root, &output)?;
    let history = history.map_or(String::new(), |d| format!(", history {} ms", d.as_millis()));
    eprintln!(
        "wrote {} pages ({} files, {} KiB) to {} in {} ms (load and check {} ms{history}, render and write {} ms)",
        written.pages,
        written.files,
        written.bytes.div_ceil(1024),
        output.display(),
        started.elapsed().as_millis(),
        checked.as_millis(),
        rendering.elapsed().as_millis()
    );
    Ok(ExitCode::SUCCESS)
}

/// The history of the project's versions from its git tags (SPEC 11), or `None` with
/// a warning when there is none to show: the site is then built as without history.
fn read_history(
    root: &Path,
    project: &crate::Project,
    diagnostics: &[diagnostic::Diagnostic],
) -> Option<std::sync::Arc<crate::history::History>> {
    let tags = crate::diff::history::Tags::read(root);
    crate::diff::history::history_of(&tags, project, diagnostics, true)
}

/// `sources` plus the text of every file the diagnostics point at (templates), so
/// that the report can show the offending line.
pub(super) fn with_files(
    sources: &Sources,
    root: &Path,
    diagnostics: &[diagnostic::Diagnostic],
) -> Sources {
    let mut sources = sources.clone();
    for d in diagnostics {
        if sources.get(&d.span.file).is_none() {
            if let Ok(text) = std::fs::read_to_string(root.join(&*d.span.file)) {
                sources.insert(d.span.file.clone(), text.into());
            }
        }
    }
    sources
}

//! `ladder import --from FORMAT SOURCE [DIR]`: a ladder kept in a spreadsheet, in
//! YAML job families or in HTML pages becomes a ladder project.
//!
//! The reader (`crate::import`) gives the project's files in memory; they are loaded
//! and checked with the ordinary front end before anything is written, then written
//! into a fresh sibling folder that is renamed into place, so a failed import leaves
//! no trace. A source the reader cannot map is exit 1; a project that does not check
//! although the reader accepted its source is a bug in import (exit 2).

use anyhow::Context as _;
use clap::Args;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use crate::diagnostic::{self, Lint, Severity};
use crate::import::{self, Failure, Format};
use crate::source::{load_files, InputFile, InputFiles};

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The source's format
    #[arg(long = "from", value_enum)]
    pub from: Format,
    /// The CSV file, or the folder (or file) of YAML job families or HTML pages
    pub source: PathBuf,
    /// Folder to write the project in (must be empty or absent)
    #[arg(default_value = ".")]
    pub dir: PathBuf,
}

pub fn run(args: ImportArgs) -> anyhow::Result<ExitCode> {
    let dir = &args.dir;
    super::check_empty(
        dir,
        "import",
        "ladder import --from FORMAT SOURCE my-ladder",
    )?;
    let imported = match import::read(args.from, &args.source) {
        Ok(imported) => imported,
        Err(Failure::Io(e)) => return Err(e),
        Err(Failure::Bad {
            diagnostics,
            sources,
        }) => {
            eprint!(
                "{}",
                diagnostic::render_human(&diagnostics, &sources, super::use_color_stderr())
            );
            eprintln!(
                "error: {} cannot be imported; nothing was written",
                args.source.display()
            );
            return Ok(ExitCode::from(super::LADDER_ERRORS));
        }
    };
    let files = imported.draft.files();
    let project = load_files(&input_files(&files));
    let diagnostics = crate::check::check_project(&project, false);
    let color = super::use_color_stderr();
    if diagnostic::has_errors(&diagnostics) {
        let errors: Vec<_> = diagnostics
            .into_iter()
            .filter(|d| d.severity == Severity::Error)
            .collect();
        eprint!(
            "{}",
            diagnostic::render_human(&errors, &project.sources, color)
        );
        // A file the front end cannot read is import's own fault; a lint (bands out
        // of order, a duplicate code) is the source ladder's, shown where it landed.
        let ours = errors
            .iter()
            .any(|d| matches!(d.lint, Lint::FrontMatter | Lint::MissingSection | Lint::Io));
        if ours {
            eprintln!(
                "error: the project imported from {} does not check; this is a bug in `ladder import` \
                 (please report it with the source); nothing was written",
                args.source.display()
            );
            return Ok(ExitCode::from(2));
        }
        eprintln!(
            "error: the ladder in {} has the errors above (shown in the files import would write); \
             fix them in the source and import again; nothing was written",
            args.source.display()
        );
        return Ok(ExitCode::from(super::LADDER_ERRORS));
    }
    write_project(dir, &files)?;
    print!("{}", imported.report.render());
    let warnings: Vec<_> = diagnostics
        .into_iter()
        .filter(|d| d.severity == Severity::Warning)
        .collect();
    if !warnings.is_empty() {
        eprint!(
            "{}",
            diagnostic::render_human(&warnings, &project.sources, color)
        );
    }
    let levels: usize = imported.draft.tracks.iter().map(|t| t.levels.len()).sum();
    let shown = dir.display();
    eprintln!(
        "imported {} and {} into {shown}\n\
         next: `cd {shown} && ladder serve` to preview it, `ladder check` to check it",
        crate::diagnostic::plural(imported.draft.tracks.len(), "track", "tracks"),
        crate::diagnostic::plural(levels, "level", "levels"),
    );
    Ok(ExitCode::SUCCESS)
}

/// The written project as the front end reads it from disk.
fn input_files(files: &[(String, String)]) -> InputFiles {
    let file = |path: &str, text: &str| InputFile {
        path: Arc::from(path),
        bytes: Arc::from(text.as_bytes()),
    };
    let mut content: Vec<InputFile> = files
        .iter()
        .filter(|(p, _)| p.starts_with("content/"))
        .map(|(p, t)| file(p, t))
        .collect();
    content.sort_by(|a, b| a.path.cmp(&b.path));
    InputFiles {
        config: files
            .iter()
            .find(|(p, _)| p == "ladder.yaml")
            .map(|(p, t)| file(p, t)),
        content,
        ..InputFiles::default()
    }
}

/// Writes `files` into a fresh sibling of `dir`, then renames it to `dir`.
fn write_project(dir: &Path, files: &[(String, String)]) -> anyhow::Result<()> {
    let name = dir
        .file_name()
        .map_or_else(|| "ladder".into(), |n| n.to_string_lossy().into_owned());
    let absolute =
        std::path::absolute(dir).with_context(|| format!("reading {}", dir.display()))?;
    let parent = absolute.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
    let staging = parent.join(format!(".{name}.ladder-import-{}", std::process::id()));
    let written = (|| -> anyhow::Result<()> {
        for (rel, text) in files {
            let path = staging.join(rel);
            if let Some(p) = path.parent() {
                std::fs::create_dir_all(p).with_context(|| format!("creating {}", p.display()))?;
            }
            std::fs::write(&path, text).with_context(|| format!("writing {}", path.display()))?;
        }
        if absolute.is_dir() {
            // Empty (checked before reading the source): renaming onto it needs it gone.
            std::fs::remove_dir(&absolute)
                .with_context(|| format!("replacing {}", dir.display()))?;
        }
        std::fs::rename(&staging, &absolute)
            .with_context(|| format!("moving the project into {}", dir.display()))
    })();
    if written.is_err() {
        let _ = std::fs::remove_dir_all(&staging);
    }
    written
}

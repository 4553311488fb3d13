//! `ladder init [DIR]`: scaffold a new ladder project.
//!
//! Writes ladder.yaml and content/ with a home page and two small tracks (technical
//! and managing) that pass `ladder check --deny warnings` and build. The files are
//! compiled into the binary (src/commands/init/). It never writes into a folder that
//! already holds anything.

use anyhow::Context as _;
use clap::Args;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Folder to create the project in (must be empty or absent)
    #[arg(default_value = ".")]
    pub dir: PathBuf,
}

/// The scaffold: path relative to the new project, contents.
pub const SCAFFOLD: [(&str, &str); 5] = [
    ("ladder.yaml", include_str!("init/ladder.yaml")),
    ("content/_index.md", include_str!("init/_index.md")),
    ("content/technical.md", include_str!("init/technical.md")),
    ("content/managing.md", include_str!("init/managing.md")),
    (".gitignore", "/site/\n"),
];

pub fn run(args: InitArgs) -> anyhow::Result<ExitCode> {
    let dir = &args.dir;
    super::check_empty(dir, "init", "ladder init my-ladder")?;
    for (rel, text) in SCAFFOLD {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("creating {}", parent.display()))?;
        }
        std::fs::write(&path, text).with_context(|| format!("writing {}", path.display()))?;
    }
    let shown = if dir == Path::new(".") {
        String::new()
    } else {
        format!(" --root {}", dir.display())
    };
    eprintln!(
        "created a ladder project in {} with two tracks: content/technical.md and content/managing.md\n\
         next: `ladder serve{shown}` to preview it, `ladder build{shown}` to write the site",
        dir.display()
    );
    Ok(ExitCode::SUCCESS)
}

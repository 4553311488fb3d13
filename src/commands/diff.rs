//! `ladder diff OLD [NEW]`: semantic diff of two versions of the ladder.
//!
//! Loads both sides (git revisions, folders, or the working tree for a missing NEW),
//! compares the models and prints Markdown or JSON on stdout. Exit 0, or 1 with
//! `--exit-code` when anything changed, or with `--check-version` when `version` in
//! ladder.yaml did not rise enough for the changes; 2 when a side cannot be found.

use clap::{Args, ValueEnum};
use std::process::ExitCode;

use super::Common;
use crate::diff;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    Markdown,
    Json,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    #[command(flatten)]
    pub common: Common,
    /// Old version: a git revision (of the repository holding --root) or a project folder
    pub old: String,
    /// New version: a git revision or a project folder (default: the working tree at --root)
    pub new: Option<String>,
    /// Markdown (ready to post as a PR comment) or JSON (for tools; see docs/ci.md)
    #[arg(long, value_enum, default_value = "markdown")]
    pub format: DiffFormat,
    /// Exit 1 when anything changed, 0 when nothing did
    #[arg(long)]
    pub exit_code: bool,
    /// Exit 1 unless `version` in ladder.yaml rose by at least the overall class of the
    /// changes (major, minor, patch; see docs/versions.md)
    #[arg(long)]
    pub check_version: bool,
}

pub fn run(args: DiffArgs) -> anyhow::Result<ExitCode> {
    let root = &args.common.root;
    // The two sides are independent: read and check them at the same time.
    let (old, new) = rayon::join(
        || diff::load_side(Some(&args.old), root, "OLD"),
        || diff::load_side(args.new.as_deref(), root, "NEW"),
    );
    let (old, new) = (old?, new?);
    let report = diff::diff(&old, &new);
    match args.format {
        DiffFormat::Markdown => println!("{}", diff::markdown::render(&report)),
        DiffFormat::Json => print!("{}", diff::json::render(&report)?),
    }
    let version_ok = !args.check_version
        || match diff::bump::check(&old, &new, &report) {
            Ok(note) => {
                eprintln!("{note}");
                true
            }
            Err(message) => {
                eprintln!("error: {message}");
                false
            }
        };
    Ok(if (args.exit_code && report.changed) || !version_ok {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

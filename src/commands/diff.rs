//! `ladder diff OLD [NEW]`: semantic diff of two versions of the ladder.

use clap::{Args, ValueEnum};
use std::process::ExitCode;

use super::Common;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    Markdown,
    Json,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    #[command(flatten)]
    pub common: Common,
    /// Old version: a git revision or a project folder
    pub old: String,
    /// New version: a git revision or a project folder (default: the working tree)
    pub new: Option<String>,
    #[arg(long, value_enum, default_value = "markdown")]
    pub format: DiffFormat,
    /// Exit 1 when anything changed
    #[arg(long)]
    pub exit_code: bool,
}

pub fn run(_args: DiffArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`ladder diff` is not implemented yet")
}

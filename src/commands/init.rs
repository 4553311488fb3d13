//! `ladder init [DIR]`: scaffold a new ladder project.

use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Folder to create the project in (must be empty or absent)
    #[arg(default_value = ".")]
    pub dir: PathBuf,
}

pub fn run(_args: InitArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`ladder init` is not implemented yet")
}

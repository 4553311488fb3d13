//! `ladder build`: check, then render the site and write it atomically.

use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;

use super::Common;

#[derive(Debug, Args)]
pub struct BuildArgs {
    #[command(flatten)]
    pub common: Common,
    /// Output folder (default: `output` from ladder.yaml, "site")
    #[arg(long, short, value_name = "DIR")]
    pub output: Option<PathBuf>,
    /// Base URL the site is served under, e.g. /careers/ladder/
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
}

pub fn run(_args: BuildArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`ladder build` is not implemented yet")
}

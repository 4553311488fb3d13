//! `ladder export` and `ladder schema`.

use clap::{Args, ValueEnum};
use std::process::ExitCode;

use super::Common;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    Json,
    Csv,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    #[command(flatten)]
    pub common: Common,
    #[arg(long, value_enum, default_value = "json")]
    pub format: ExportFormat,
}

#[derive(Debug, Args)]
pub struct SchemaArgs {
    #[command(flatten)]
    pub common: Common,
    /// Which schema: the track front matter or ladder.yaml
    #[arg(long, value_enum, default_value = "front-matter")]
    pub of: SchemaKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SchemaKind {
    FrontMatter,
    Config,
}

pub fn run(_args: ExportArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`ladder export` is not implemented yet")
}

pub fn run_schema(_args: SchemaArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`ladder schema` is not implemented yet")
}

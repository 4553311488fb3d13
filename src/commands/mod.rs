//! The command line: arguments in, exit code out. Each subcommand lives in its own
//! file and only composes the pipeline's stages; nothing here parses ladders itself.
//!
//! Exit codes everywhere: 0 success, 1 the ladder has errors (or `diff --exit-code`
//! found changes), 2 usage or I/O error.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

use crate::diagnostic::Format;

pub(crate) mod build;
pub(crate) mod check;
pub(crate) mod diff;
pub(crate) mod export;
pub(crate) mod ids;
pub(crate) mod init;
pub(crate) mod serve;

#[derive(Debug, Parser)]
#[command(
    name = "ladder",
    version,
    about = "Compile an engineering career ladder into a checked, cross-linked static site",
    propagate_version = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

/// Options every command takes.
#[derive(Debug, Args, Clone)]
pub struct Common {
    /// The ladder project's folder (holds ladder.yaml and content/)
    #[arg(long, global = true, default_value = ".", value_name = "DIR")]
    pub root: PathBuf,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Scaffold a new ladder project with two example tracks
    Init(init::InitArgs),
    /// Check the ladder, then write the site
    Build(build::BuildArgs),
    /// Build, serve and rebuild on change, reloading open browsers
    Serve(serve::ServeArgs),
    /// Check the ladder and report every problem; renders nothing
    Check(check::CheckArgs),
    /// Semantic diff of two versions of the ladder (git revisions or folders)
    Diff(diff::DiffArgs),
    /// Write the ladder model as JSON or CSV, or a level's job description or promotion case
    Export(export::ExportArgs),
    /// Print a JSON Schema of the track front matter and of ladder.yaml
    Schema(export::SchemaArgs),
    /// List (or with --write, pin into the Markdown) an explicit {#id} for every item
    Ids(ids::IdsArgs),
}

/// Runs the CLI and maps every outcome to an exit code.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    let result = match cli.command {
        Command::Init(a) => init::run(a),
        Command::Build(a) => build::run(a),
        Command::Serve(a) => serve::run(a),
        Command::Check(a) => check::run(a),
        Command::Diff(a) => diff::run(a),
        Command::Export(a) => export::run(a),
        Command::Schema(a) => export::run_schema(a),
        Command::Ids(a) => ids::run(a),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

/// Exit code 1: the ladder has errors.
pub const LADDER_ERRORS: u8 = 1;

/// Exit code 2: the command line or the file system is at fault, not the ladder.
pub const USAGE: u8 = 2;

pub use crate::diagnostic::use_color_stderr;

/// The diagnostics format to use when none was given: `github` under GitHub Actions.
pub fn default_format(given: Option<Format>) -> Format {
    given.unwrap_or_else(|| {
        if std::env::var("GITHUB_ACTIONS").is_ok_and(|v| v == "true") {
            Format::Github
        } else {
            Format::Human
        }
    })
}

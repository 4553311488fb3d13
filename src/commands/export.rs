//! `ladder export` and `ladder schema`.

use clap::{Args, ValueEnum};
use std::process::ExitCode;

use super::Common;
use crate::{diagnostic, export};

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

/// Exports the model. A ladder with errors is not exported (its model is incomplete):
/// the diagnostics are printed and the exit code is 1.
pub fn run(args: ExportArgs) -> anyhow::Result<ExitCode> {
    let project = crate::load_project(&args.common.root)?;
    let diagnostics = crate::check::check_project(&project, false);
    if diagnostic::has_errors(&diagnostics) {
        let errors: Vec<_> = diagnostics
            .into_iter()
            .filter(|d| d.severity == diagnostic::Severity::Error)
            .collect();
        eprint!(
            "{}",
            diagnostic::render_human(&errors, &project.sources, super::use_color_stderr())
        );
        eprintln!("error: the ladder has errors; nothing exported");
        return Ok(ExitCode::from(super::LADDER_ERRORS));
    }
    let text = match args.format {
        ExportFormat::Json => export::to_json(&project.ladder),
        ExportFormat::Csv => export::to_csv(&project.ladder),
    };
    write_stdout(&text)?;
    Ok(ExitCode::SUCCESS)
}

pub fn run_schema(args: SchemaArgs) -> anyhow::Result<ExitCode> {
    let schema = match args.of {
        SchemaKind::FrontMatter => export::front_matter_schema(),
        SchemaKind::Config => export::config_schema(),
    };
    write_stdout(&(serde_json::to_string_pretty(&schema)? + "\n"))?;
    Ok(ExitCode::SUCCESS)
}

/// Writes to stdout, treating a closed pipe (`| head`) as success.
fn write_stdout(text: &str) -> anyhow::Result<()> {
    use std::io::Write;
    match std::io::stdout().lock().write_all(text.as_bytes()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other?),
    }
}

//! `ladder export` and `ladder schema`.

use clap::{Args, ValueEnum};
use std::process::ExitCode;

use super::Common;
use crate::model::{Ladder, LevelRef};
use crate::render::documents::{self, Document};
use crate::render::Theme;
use crate::{diagnostic, export};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    Json,
    Csv,
    /// A level's job description, as Markdown (needs --level)
    JobDescription,
    /// A level's promotion-case template, as Markdown (needs --level)
    PromotionCase,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    #[command(flatten)]
    pub common: Common,
    #[arg(long, value_enum, default_value = "json")]
    pub format: ExportFormat,
    /// The level of a job description or promotion case: `track/level`, a level id
    /// no other track uses, or a code
    #[arg(long, value_name = "ID")]
    pub level: Option<String>,
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
    let document = match args.format {
        ExportFormat::Json => return print(&export::to_json(&project.ladder)),
        ExportFormat::Csv => return print(&export::to_csv(&project.ladder)),
        ExportFormat::JobDescription => Document::JobDescription,
        ExportFormat::PromotionCase => Document::PromotionCase,
    };
    let ladder = &project.ladder;
    let Some(wanted) = &args.level else {
        eprintln!(
            "error: --format {} needs --level ID (for example --level {})",
            document.file_name().trim_end_matches(".md"),
            ladder
                .levels()
                .next()
                .map(|(r, _)| ladder.level_key(r))
                .unwrap_or_default()
        );
        return Ok(ExitCode::from(super::USAGE));
    };
    let r = match find_level(ladder, wanted) {
        Ok(r) => r,
        Err(message) => {
            eprintln!("error: {message}");
            return Ok(ExitCode::from(super::USAGE));
        }
    };
    let theme = match Theme::load(&args.common.root, &ladder.config) {
        Ok(theme) => theme,
        Err(diagnostics) => {
            let sources =
                super::build::with_files(&project.sources, &args.common.root, &diagnostics);
            eprint!(
                "{}",
                diagnostic::render_human(&diagnostics, &sources, super::use_color_stderr())
            );
            eprintln!("error: the theme has errors; nothing exported");
            return Ok(ExitCode::from(super::LADDER_ERRORS));
        }
    };
    let mut out = Vec::new();
    documents::render_document(ladder, &theme, r, document, &mut out)?;
    print(&String::from_utf8_lossy(&out))
}

fn print(text: &str) -> anyhow::Result<ExitCode> {
    write_stdout(text)?;
    Ok(ExitCode::SUCCESS)
}

/// The level `wanted` names: `track/level`, a level id only one track uses, or a code.
fn find_level(ladder: &Ladder, wanted: &str) -> Result<LevelRef, String> {
    let by_key: Vec<LevelRef> = ladder
        .levels()
        .filter(|&(r, _)| ladder.level_key(r) == wanted)
        .map(|(r, _)| r)
        .collect();
    let by_id: Vec<LevelRef> = ladder
        .levels()
        .filter(|(_, l)| l.id.value == wanted || l.code() == Some(wanted))
        .map(|(r, _)| r)
        .collect();
    match (by_key.first(), by_id.as_slice()) {
        (Some(&r), _) => Ok(r),
        (None, [r]) => Ok(*r),
        (None, []) => Err(format!(
            "no level `{wanted}`; name one as track/level, for example {}",
            ladder
                .levels()
                .take(3)
                .map(|(r, _)| ladder.level_key(r))
                .collect::<Vec<_>>()
                .join(", ")
        )),
        (None, several) => Err(format!(
            "`{wanted}` names {} levels ({}); write track/level",
            several.len(),
            several
                .iter()
                .map(|&r| ladder.level_key(r))
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
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

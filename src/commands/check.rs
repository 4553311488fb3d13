//! `ladder check`: load, build the model, run every lint, report; renders nothing.

use clap::Args;
use std::process::ExitCode;

use super::Common;
use crate::diagnostic::{self, Format};

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub common: Common,
    /// Output format (default: github under GitHub Actions, else human)
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// Treat a class of diagnostics as errors (only `warnings` is known)
    #[arg(long, value_name = "WHAT", value_parser = ["warnings"])]
    pub deny: Option<String>,
}

pub fn run(args: CheckArgs) -> anyhow::Result<ExitCode> {
    let project = crate::load_project(&args.common.root)?;
    let diagnostics = crate::check::check_project(&project, args.deny.is_some());
    let format = super::default_format(args.format);
    match format {
        Format::Human => {
            let text =
                diagnostic::render_human(&diagnostics, &project.sources, super::use_color_stderr());
            eprint!("{text}");
            if diagnostics.is_empty() {
                let levels: usize = project.ladder.tracks.iter().map(|t| t.levels.len()).sum();
                eprintln!(
                    "ok: {} tracks, {levels} levels, no problems",
                    project.ladder.tracks.len()
                );
            }
        }
        Format::Json => print!("{}", diagnostic::render_json(&diagnostics)),
        Format::Github => print!("{}", diagnostic::render_github(&diagnostics)),
    }
    Ok(if diagnostic::has_errors(&diagnostics) {
        ExitCode::from(super::LADDER_ERRORS)
    } else {
        ExitCode::SUCCESS
    })
}

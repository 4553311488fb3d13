//! Lints over the typed model (SPEC section 3). Each family of lints has its own file;
//! every lint reads only the model and returns diagnostics at default severity.
//! Severity overrides and `--deny warnings` are applied by [`check_project`].

use crate::diagnostic::Diagnostic;
use crate::model::Ladder;
use crate::Project;

/// Runs every model lint. Front-end diagnostics (front matter, sections) are not
/// repeated here; they come with the [`Project`].
pub fn lint_ladder(_ladder: &Ladder) -> Vec<Diagnostic> {
    Vec::new()
}

/// All diagnostics of a project (front end + lints), severities applied, sorted.
pub fn check_project(project: &Project, deny_warnings: bool) -> Vec<Diagnostic> {
    let mut all = project.diagnostics.clone();
    all.extend(lint_ladder(&project.ladder));
    project.config.lint_levels(deny_warnings).apply(all)
}

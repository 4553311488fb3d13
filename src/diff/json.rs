//! Writes a [`Report`] as JSON for tools: the report's own serialisation, whose shape
//! is documented in docs/ci.md and versioned by `schema_version`.

use super::report::Report;

/// The report as pretty-printed JSON, with a final newline.
pub fn render(report: &Report) -> anyhow::Result<String> {
    Ok(serde_json::to_string_pretty(report)? + "\n")
}

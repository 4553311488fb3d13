//! The error overlay of `ladder serve`: while the latest rebuild has failed, every
//! HTML page served carries a panel listing what is wrong (file:line:col, lint id,
//! message, help, and the source line with a caret as `ladder check` shows it).
//!
//! The overlay is plain HTML with inline styles, one element with the id
//! [`OVERLAY_ID`], so that the reload script can also swap it into an open page
//! without a reload. Every piece of text in it comes from the user's files and is
//! HTML-escaped here. Deciding when to show it is the server's job.

use crate::render::escape;
use std::fmt::Write as _;

use crate::diagnostic::{self, Diagnostic, Severity, Sources};

/// The id of the overlay element, shared with the reload script.
pub const OVERLAY_ID: &str = "ladder-overlay";

/// The overlay for a failed build: its diagnostics (errors first) and a failure that
/// is not a diagnostic, if any.
pub fn overlay_html(
    diagnostics: &[Diagnostic],
    failure: Option<&str>,
    sources: &Sources,
) -> String {
    let errors = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let warnings = diagnostics.len() - errors;
    let mut html = String::new();
    let _ = write!(
        html,
        r#"<div id="{OVERLAY_ID}" role="alertdialog" aria-modal="false" aria-labelledby="{OVERLAY_ID}-title" style="{RESET}display:block;position:fixed;top:0;right:0;bottom:0;left:0;z-index:2147483647;overflow:auto;background:rgba(22,22,26,.97);color:#ececec;font:14px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,'DejaVu Sans Mono',monospace;padding:24px;box-sizing:border-box;text-align:left">"#
    );
    let _ = write!(
        html,
        r#"<button type="button" onclick="this.parentNode.remove()" title="Hide until the next rebuild" style="{RESET}float:right;font:inherit;background:#2f2f36;color:#ececec;border:1px solid #8a8a94;border-radius:4px;padding:2px 12px;cursor:pointer">Hide</button>"#
    );
    let _ = write!(
        html,
        r#"<h2 id="{OVERLAY_ID}-title" style="{RESET}display:block;font-size:18px;font-weight:bold;margin:0 0 16px;color:#ff8a80">The last rebuild failed: {}. The page shows the last good build.</h2>"#,
        escape(&summary(errors, warnings, failure.is_some()))
    );
    if let Some(f) = failure {
        let _ = write!(
            html,
            r#"<p style="{RESET}display:block;margin:0 0 16px;color:#ff8a80">{}</p>"#,
            escape(f)
        );
    }
    // Errors first: they are why the overlay is shown.
    let ordered = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .chain(diagnostics.iter().filter(|d| d.severity != Severity::Error));
    let _ = write!(
        html,
        r#"<ol style="{RESET}display:block;list-style:none;margin:0;padding:0">"#
    );
    for d in ordered {
        let (word, colour) = match d.severity {
            Severity::Error => ("error", "#ff8a80"),
            _ => ("warning", "#ffd180"),
        };
        let _ = write!(
            html,
            r#"<li style="{RESET}display:block;margin:0 0 20px"><div style="{RESET}display:block"><strong style="{RESET}font-weight:bold;color:{colour}">{word}[{}]</strong>: {}</div><div style="{RESET}display:block;color:#80d8ff">{}:{}:{}</div>"#,
            escape(d.lint.id()),
            escape(&d.message),
            escape(&d.span.file),
            d.span.line,
            d.span.col,
        );
        let snippet = snippet(d, sources);
        if !snippet.is_empty() {
            let _ = write!(
                html,
                r#"<pre style="{RESET}display:block;white-space:pre-wrap;color:#d8d8d8;background:#0f0f12;border-radius:4px;padding:8px 12px;margin:6px 0 0;overflow-x:auto">{}</pre>"#,
                escape(&snippet)
            );
        }
        html.push_str("</li>");
    }
    html.push_str("</ol></div>");
    html
}

/// Every element of the overlay starts from `all: initial` (then inherits its font
/// and colour from the overlay), so that the page's own stylesheet (which styles
/// `pre`, `h2`, lists…) cannot make it unreadable.
const RESET: &str = "all:initial;font:inherit;color:inherit;";

/// The source lines with the caret and the help, as `ladder check` prints them,
/// without the title and location lines (the overlay shows those itself) and the
/// closing "1 error emitted".
fn snippet(d: &Diagnostic, sources: &Sources) -> String {
    let text = diagnostic::render_human(std::slice::from_ref(d), sources, false);
    let lines: Vec<&str> = text.trim_end().lines().collect();
    let body_start = lines
        .iter()
        .position(|l| l.trim_start().starts_with("-->"))
        .map_or(1, |i| i + 1);
    let body_end = lines.len().saturating_sub(1).max(body_start);
    let body = lines.get(body_start..body_end).unwrap_or_default();
    let body = body.join("\n");
    // Nothing but gutter lines when the source text is not at hand.
    if body.chars().all(|c| c == '|' || c.is_whitespace()) {
        return String::new();
    }
    body.trim_end().to_string()
}

fn summary(errors: usize, warnings: usize, failure: bool) -> String {
    let plural = |n: usize, w: &str| format!("{n} {w}{}", if n == 1 { "" } else { "s" });
    match (errors, warnings) {
        (0, 0) if failure => "the site could not be built".into(),
        (e, 0) => plural(e, "error"),
        (e, w) => format!("{}, {}", plural(e, "error"), plural(w, "warning")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Lint;
    use crate::model::Span;
    use std::sync::Arc;

    #[test]
    fn lists_location_lint_and_escaped_message() {
        let file: Arc<str> = Arc::from("content/<x>.md");
        let text = "---\ntitle: <script>alert(1)</script>\n";
        let mut sources = Sources::default();
        sources.insert(file.clone(), Arc::from(text));
        let d = Diagnostic::new(
            Lint::FrontMatter,
            Span::from_offsets(&file, text, 11, 19),
            "bad <script> & \"title\"",
        );
        let html = overlay_html(&[d], None, &sources);
        assert!(html.contains("content/&lt;x&gt;.md:2:8"), "{html}");
        assert!(html.contains("error[front-matter]"));
        assert!(html.contains("bad &lt;script&gt; &amp; &quot;title&quot;"));
        assert!(html.contains("1 error."));
        assert!(!html.contains("<script>"), "{html}");
        assert!(
            !html.contains("1 error emitted"),
            "the summary line is dropped"
        );
    }

    #[test]
    fn errors_come_before_warnings() {
        let file: Arc<str> = Arc::from("content/a.md");
        let w = Diagnostic::new(Lint::BandGap, Span::file_start(&file), "the warning");
        let e = Diagnostic::new(Lint::BandOrder, Span::file_start(&file), "the error");
        let html = overlay_html(&[w, e], None, &Sources::default());
        let (ie, iw) = (html.find("the error"), html.find("the warning"));
        assert!(ie < iw, "{html}");
        assert!(html.contains("1 error, 1 warning"));
    }

    #[test]
    fn a_failure_without_diagnostics_is_shown() {
        let html = overlay_html(&[], Some("rendering the site: <boom>"), &Sources::default());
        assert!(html.contains("the site could not be built"));
        assert!(html.contains("rendering the site: &lt;boom&gt;"));
    }
}

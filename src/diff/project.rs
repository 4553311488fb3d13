//! Project-wide changes: ladder.yaml settings and lint results. Lint results are
//! matched by lint, severity, file and message rather than by line, because lines
//! move whenever text above them changes.

use std::collections::{BTreeSet, HashMap};

use super::report::{DiagnosticSummary, LintChanges, SettingChange};
use super::Side;
use crate::config::Config;

/// Lint results that appeared or went away, compared by lint, severity, file and
/// message (not by line: lines move when text above them changes). Diagnostics that
/// explain why a side does not parse are reported with that side, not here.
pub(super) fn lint_changes(old: &Side, new: &Side, moved: &HashMap<String, String>) -> LintChanges {
    let skip_file = |file: &str| {
        let rel = file.strip_prefix("content/").unwrap_or(file);
        old.unparsed.contains(rel) || new.unparsed.contains(rel)
    };
    type Key = (String, crate::diagnostic::Severity, String, String);
    let key = |d: &DiagnosticSummary, map: bool| -> Key {
        let file = if map {
            moved
                .get(&d.file)
                .cloned()
                .unwrap_or_else(|| d.file.clone())
        } else {
            d.file.clone()
        };
        (d.lint.clone(), d.severity, file, d.message.clone())
    };
    let mut old_counts: HashMap<Key, usize> = HashMap::new();
    for d in old.lints.iter().filter(|d| !skip_file(&d.file)) {
        *old_counts.entry(key(d, true)).or_default() += 1;
    }
    let mut appeared = Vec::new();
    for d in new.lints.iter().filter(|d| !skip_file(&d.file)) {
        match old_counts.get_mut(&key(d, false)) {
            Some(c) if *c > 0 => *c -= 1,
            _ => appeared.push(d.clone()),
        }
    }
    let mut resolved = Vec::new();
    for d in old.lints.iter().filter(|d| !skip_file(&d.file)) {
        if let Some(c) = old_counts.get_mut(&key(d, true)) {
            if *c > 0 {
                *c -= 1;
                resolved.push(d.clone());
            }
        }
    }
    LintChanges { appeared, resolved }
}

/// ladder.yaml settings that differ, as displayed values.
pub(super) fn settings_changes(o: &Config, n: &Config) -> Vec<SettingChange> {
    let mut out = Vec::new();
    let mut push = |key: String, old: Option<String>, new: Option<String>| {
        if old != new {
            out.push(SettingChange {
                key,
                class: None,
                old,
                new,
            });
        }
    };
    push("title".into(), Some(o.title.clone()), Some(n.title.clone()));
    push(
        "base_url".into(),
        Some(o.base_url.clone()),
        Some(n.base_url.clone()),
    );
    push(
        "output".into(),
        Some(o.output.clone()),
        Some(n.output.clone()),
    );
    push("theme".into(), Some(o.theme.clone()), Some(n.theme.clone()));
    let bands: BTreeSet<i64> = o.bands.keys().chain(n.bands.keys()).copied().collect();
    for b in bands {
        push(
            format!("bands.{b}"),
            o.bands.get(&b).cloned(),
            n.bands.get(&b).cloned(),
        );
    }
    let lints: BTreeSet<_> = o.lints.keys().chain(n.lints.keys()).copied().collect();
    let sev = |s: Option<&crate::diagnostic::Severity>| {
        s.and_then(|s| serde_json::to_value(s).ok())
            .and_then(|v| v.as_str().map(str::to_string))
    };
    for l in lints {
        push(
            format!("lints.{}", l.id()),
            sev(o.lints.get(&l)),
            sev(n.lints.get(&l)),
        );
    }
    push(
        "markdown.raw_html".into(),
        Some(o.markdown.raw_html.to_string()),
        Some(n.markdown.raw_html.to_string()),
    );
    push(
        "version".into(),
        o.version.as_ref().map(ToString::to_string),
        n.version.as_ref().map(ToString::to_string),
    );
    push("edit_url".into(), o.edit_url.clone(), n.edit_url.clone());
    push(
        "feedback_url".into(),
        o.feedback_url.clone(),
        n.feedback_url.clone(),
    );
    // `history` is not compared: it only says whether the site shows the versions,
    // and `ladder build --history` turns it on for the working tree alone, which
    // would otherwise read as an unreleased change.
    out
}

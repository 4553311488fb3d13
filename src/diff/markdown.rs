//! Writes a [`Report`] as GitHub-flavoured Markdown, ready to post as a pull-request
//! or merge-request comment.
//!
//! Reading order is a reviewer's: a title naming both sides, one line of counts, then
//! what blocks a merge (a side that does not parse), then settings, alignment across
//! tracks, each changed track › level › competency, and lint results. Word diffs show
//! removed words as ~~struck~~ and added words in **bold**; long texts are shortened
//! to the changed words with some context, the full text folded in `<details>`.
//! Every text from the ladder is escaped, so a ladder cannot inject markup.

use std::fmt::Write as _;

use super::classes::{self, Class, LEVEL_LINES, TRACK_LINES};
use super::inline::{code_text, esc, esc_block, esc_message, render_words};
use super::report::*;
use super::words::WordOpKind;
use crate::diagnostic::plural;

/// Words of unchanged text kept on each side of a change in a shortened diff.
const CONTEXT_WORDS: usize = 8;
/// A word diff with more unchanged words than this is shortened (and folded in full).
const LONG_TEXT_WORDS: usize = 40;

/// The whole comment.
pub fn render(report: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "## Ladder changes: {} → {}\n",
        side_name(&report.old),
        side_name(&report.new)
    );
    let _ = writeln!(out, "{}\n", summary_line(report));

    for (side, which) in [(&report.old, "OLD"), (&report.new, "NEW")] {
        if !side.parses {
            parse_errors(&mut out, side, which);
        }
    }
    if !report.settings.is_empty() {
        settings(&mut out, &report.settings);
    }
    if report.home.title.is_some() || report.home.body.is_some() {
        home(&mut out, &report.home);
    }
    if !report.alignment.is_empty() {
        alignment(&mut out, &report.alignment);
    }
    for t in &report.tracks {
        track(&mut out, t, report);
    }
    if !report.pages.is_empty() {
        pages(&mut out, &report.pages);
    }
    if !report.lints.appeared.is_empty() || !report.lints.resolved.is_empty() {
        lints(
            &mut out,
            &report.lints,
            !report.old.parses || !report.new.parses,
        );
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

fn side_name(side: &SideSummary) -> String {
    match (&side.kind, &side.commit) {
        (SideKind::WorkingTree, _) => "working tree".to_string(),
        (_, Some(commit)) => format!(
            "`{}` ({})",
            code_text(&side.label),
            commit.get(..7).unwrap_or(commit)
        ),
        _ => format!("`{}`", code_text(&side.label)),
    }
}

/// One line of counts, most structural first.
pub fn summary_line(report: &Report) -> String {
    if !report.changed {
        return "**No changes to the ladder.**".to_string();
    }
    let c = &report.counts;
    let items: [(usize, &str, &str); 24] = [
        (c.tracks_added, "track added", "tracks added"),
        (c.tracks_removed, "track removed", "tracks removed"),
        (c.tracks_changed, "track changed", "tracks changed"),
        (
            c.tracks_not_compared,
            "track not compared",
            "tracks not compared",
        ),
        (c.levels_added, "level added", "levels added"),
        (c.levels_removed, "level removed", "levels removed"),
        (c.levels_renamed, "level renamed", "levels renamed"),
        (
            c.levels_rebanded,
            "level moved to another band",
            "levels moved to another band",
        ),
        (
            c.levels_recoded,
            "level code changed",
            "level codes changed",
        ),
        (c.ids_changed, "id changed", "ids changed"),
        (c.inherits_changed, "inherits changed", "inherits changed"),
        (
            c.competencies_reworded,
            "competency reworded",
            "competencies reworded",
        ),
        (
            c.competencies_added,
            "competency added",
            "competencies added",
        ),
        (
            c.competencies_removed,
            "competency removed",
            "competencies removed",
        ),
        (
            c.responsibilities_added,
            "responsibility added",
            "responsibilities added",
        ),
        (
            c.responsibilities_removed,
            "responsibility removed",
            "responsibilities removed",
        ),
        (
            c.responsibilities_reworded,
            "responsibility reworded",
            "responsibilities reworded",
        ),
        (c.bands_realigned, "band realigned", "bands realigned"),
        (c.prose_changed, "prose edit", "prose edits"),
        (c.settings_changed, "setting changed", "settings changed"),
        (
            c.lints_appeared,
            "lint result appeared",
            "lint results appeared",
        ),
        (
            c.lints_resolved,
            "lint result went away",
            "lint results went away",
        ),
        (
            c.parse_errors_appeared,
            "new parse error",
            "new parse errors",
        ),
        (
            c.parse_errors_fixed,
            "parse error fixed",
            "parse errors fixed",
        ),
    ];
    let parts: Vec<String> = items
        .iter()
        .filter(|(n, _, _)| *n > 0)
        .map(|(n, one, many)| plural(*n, one, many))
        .collect();
    if parts.is_empty() {
        // Something changed that has no count of its own (e.g. a file that stopped parsing).
        return "**The ladder changed.**".to_string();
    }
    match report.class {
        Some(class) => format!("**{}** · Overall: **{class}**", parts.join(" · ")),
        None => format!("**{}**", parts.join(" · ")),
    }
}

/// The class of a line, at its end.
fn tag(class: Class) -> String {
    format!(" — **{class}**")
}

fn parse_errors(out: &mut String, side: &SideSummary, which: &str) {
    let _ = writeln!(
        out,
        "### ⚠️ {which} does not parse: {}\n\nThese errors keep part of it from being read; \
         everything that could be read is compared below.\n",
        side_name(side)
    );
    for e in &side.errors {
        let _ = writeln!(
            out,
            "- `{}:{}:{}` {}[{}]: {}",
            code_text(&e.file),
            e.line,
            e.column,
            severity(e.severity),
            e.lint,
            esc_message(&e.message)
        );
    }
    out.push('\n');
}

fn severity(s: crate::diagnostic::Severity) -> &'static str {
    match s {
        crate::diagnostic::Severity::Error => "error",
        crate::diagnostic::Severity::Warning => "warning",
        crate::diagnostic::Severity::Allow => "allow",
    }
}

fn settings(out: &mut String, settings: &[SettingChange]) {
    out.push_str(
        "### Settings (ladder.yaml)\n\n| setting | before | after | class |\n| --- | --- | --- | --- |\n",
    );
    let v = |s: &Option<String>| s.as_deref().map_or("*(not set)*".to_string(), esc);
    for s in settings {
        let _ = writeln!(
            out,
            "| `{}` | {} | {} | {} |",
            code_text(&s.key),
            v(&s.old),
            v(&s.new),
            s.class
                .map_or("*(not classed)*".to_string(), |c| format!("**{c}**"))
        );
    }
    out.push('\n');
}

fn home(out: &mut String, home: &HomeDiff) {
    out.push_str("### Home page (content/_index.md)\n\n");
    if let Some(t) = &home.title {
        let v = |s: &Option<String>| s.as_deref().map_or("*(none)*".to_string(), esc);
        let _ = writeln!(
            out,
            "- Title: ~~{}~~ → **{}**{}",
            v(&t.old),
            v(&t.new),
            tag(Class::Patch)
        );
    }
    let mut folded = Vec::new();
    if let Some(body) = &home.body {
        text_item(out, &mut folded, "Text", body, Class::Patch);
    }
    out.push('\n');
    details(out, &folded);
}

fn pages(out: &mut String, pages: &[PageDiff]) {
    out.push_str("### Pages\n\n");
    let mut folded = Vec::new();
    for p in pages {
        let name = format!("“{}” ({})", esc(&p.title), esc(&p.path));
        match p.status {
            Status::Added => {
                let _ = writeln!(out, "- Page added: {name}{}", tag(Class::Patch));
            }
            Status::Removed => {
                let _ = writeln!(out, "- Page removed: {name}{}", tag(Class::Patch));
            }
            _ => {
                if let Some(t) = &p.title_change {
                    let _ = writeln!(
                        out,
                        "- Page {}: title ~~{}~~ → **{}**{}",
                        esc(&p.path),
                        esc(&t.old),
                        esc(&t.new),
                        tag(Class::Patch)
                    );
                }
                if let Some(m) = &p.path_change {
                    let _ = writeln!(
                        out,
                        "- Page {name}: moved from {}{}",
                        esc(&m.old),
                        tag(Class::Patch)
                    );
                }
                if let Some(body) = &p.body {
                    text_item(
                        out,
                        &mut folded,
                        &format!("Page {name}"),
                        body,
                        Class::Patch,
                    );
                }
            }
        }
    }
    out.push('\n');
    details(out, &folded);
}

fn alignment(out: &mut String, rows: &[BandRow]) {
    let _ = writeln!(
        out,
        "### Alignment across tracks{}\n\nBands where different levels now line up:\n",
        tag(Class::Major)
    );
    let Some(first) = rows.first() else { return };
    out.push_str("| band |");
    for c in &first.cells {
        let _ = write!(out, " {} |", esc(&c.track_title));
    }
    out.push_str("\n| --- |");
    for _ in &first.cells {
        out.push_str(" --- |");
    }
    out.push('\n');
    let names = |v: &[LevelName]| {
        if v.is_empty() {
            "*gap*".to_string()
        } else {
            v.iter()
                .map(|l| code_and_title(&l.code, &l.title))
                .collect::<Vec<_>>()
                .join(", ")
        }
    };
    for row in rows.iter().rev() {
        let band = match &row.name {
            Some(name) => format!("{} · {}", row.band, esc(name)),
            None => row.band.to_string(),
        };
        let _ = write!(out, "| {band} |");
        for c in &row.cells {
            if c.changed {
                let before = if c.before.is_empty() {
                    names(&c.before)
                } else {
                    format!("~~{}~~", names(&c.before))
                };
                let after = if c.after.is_empty() {
                    names(&c.after)
                } else {
                    format!("**{}**", names(&c.after))
                };
                let _ = write!(out, " {before} → {after} |");
            } else {
                let _ = write!(out, " {} |", names(&c.after));
            }
        }
        out.push('\n');
    }
    out.push('\n');
}

fn track(out: &mut String, t: &TrackDiff, report: &Report) {
    let name = format!("{} (`{}`)", esc(&t.title), code_text(&t.id));
    match t.status {
        Status::Added | Status::Removed => {
            let what = if t.status == Status::Added {
                "new track"
            } else {
                "track removed"
            };
            let _ = writeln!(
                out,
                "### {name} — {what}{}\n\nFile `content/{}`, {}:\n",
                tag(t.class),
                code_text(&t.path),
                plural(t.levels.len(), "level", "levels")
            );
            if !t.levels.is_empty() {
                out.push_str("| band | code | level |\n| --- | --- | --- |\n");
                for l in &t.levels {
                    let code = l.code.as_deref().map(esc).unwrap_or_default();
                    let _ = writeln!(out, "| {} | {code} | {} |", l.band, esc(&l.title));
                }
                out.push('\n');
            }
            return;
        }
        Status::OldUnparsed | Status::NewUnparsed => {
            let side = if t.status == Status::OldUnparsed {
                &report.old
            } else {
                &report.new
            };
            let which = if t.status == Status::OldUnparsed {
                "OLD"
            } else {
                "NEW"
            };
            let _ = writeln!(
                out,
                "### {name} — not compared{}\n\nThe track's file does not parse in {which}, {}, so \
                 the track cannot be compared; see the errors above.\n",
                tag(t.class),
                side_name(side)
            );
            return;
        }
        Status::Changed => {}
    }
    let _ = writeln!(out, "### {name}\n");
    let mut folded = Vec::new();
    let mut items = String::new();
    if let Some(c) = &t.id_change {
        let _ = writeln!(
            items,
            "- Id: `{}` → `{}` (its page URLs change){}",
            code_text(&c.old),
            code_text(&c.new),
            tag(TRACK_LINES.id)
        );
    }
    if let Some(c) = &t.path_change {
        let _ = writeln!(
            items,
            "- File moved: `content/{}` → `content/{}`{}",
            code_text(&c.old),
            code_text(&c.new),
            tag(TRACK_LINES.path)
        );
    }
    if let Some(c) = &t.title_change {
        let _ = writeln!(
            items,
            "- Title: ~~{}~~ → **{}**{}",
            esc(&c.old),
            esc(&c.new),
            tag(TRACK_LINES.title)
        );
    }
    if let Some(c) = &t.summary {
        let v = |s: &Option<String>| s.as_deref().map_or("*(none)*".to_string(), esc);
        let _ = writeln!(
            items,
            "- Summary: ~~{}~~ → **{}**{}",
            v(&c.old),
            v(&c.new),
            tag(classes::track_summary(c))
        );
    }
    if let Some(c) = &t.order {
        let v = |s: &Option<i64>| s.map_or("*(by file name)*".to_string(), |n| n.to_string());
        let _ = writeln!(
            items,
            "- Column order: {} → {}{}",
            v(&c.old),
            v(&c.new),
            tag(TRACK_LINES.order)
        );
    }
    if !t.dimensions_added.is_empty() {
        let _ = writeln!(
            items,
            "- Dimensions added: {}{}",
            list(&t.dimensions_added),
            tag(TRACK_LINES.dimensions)
        );
    }
    if !t.dimensions_removed.is_empty() {
        let _ = writeln!(
            items,
            "- Dimensions removed: {}{}",
            list(&t.dimensions_removed),
            tag(TRACK_LINES.dimensions)
        );
    }
    if let Some(intro) = &t.intro {
        text_item(
            &mut items,
            &mut folded,
            "Introduction",
            intro,
            TRACK_LINES.prose,
        );
    }
    for p in &t.prose {
        let label = format!("Section “{}”", esc(&p.title));
        match p.status {
            Status::Added => {
                let _ = writeln!(items, "- {label} added{}", tag(p.class));
                folded.push((format!("{label} (new)"), esc(&p.text.new)));
            }
            Status::Removed => {
                let _ = writeln!(items, "- {label} removed{}", tag(p.class));
            }
            _ => text_item(&mut items, &mut folded, &label, &p.text, p.class),
        }
    }
    if !items.is_empty() {
        out.push_str(&items);
        out.push('\n');
        details(out, &folded);
    }
    for l in &t.levels {
        level(out, t, l);
    }
}

/// "M4 Team Lead", or the title alone for a level without a code.
fn code_and_title(code: &Option<String>, title: &str) -> String {
    match code {
        Some(code) => format!("{} {}", esc(code), esc(title)),
        None => esc(title),
    }
}

fn list(v: &[String]) -> String {
    v.iter().map(|s| esc(s)).collect::<Vec<_>>().join(", ")
}

fn level(out: &mut String, t: &TrackDiff, l: &LevelDiff) {
    let status = match l.status {
        Status::Added => format!(" — new level{}", tag(l.class)),
        Status::Removed => format!(" — removed{}", tag(l.class)),
        _ if l.title_change.is_some() => " — renamed".to_string(),
        _ => String::new(),
    };
    let code = l.code.as_deref().map(|c| format!("{}, ", esc(c)));
    let _ = writeln!(
        out,
        "#### {} › {} ({}band {}){status}\n",
        esc(&t.title),
        esc(&l.title),
        code.unwrap_or_default(),
        l.band
    );
    if l.status == Status::Added || l.status == Status::Removed {
        whole_level(out, l);
        return;
    }
    let mut items = String::new();
    let mut folded = Vec::new();
    if let Some(c) = &l.title_change {
        let _ = writeln!(
            items,
            "- Renamed: ~~{}~~ → **{}**{}",
            esc(&c.old),
            esc(&c.new),
            tag(LEVEL_LINES.title)
        );
    }
    if let Some(c) = &l.id_change {
        let _ = writeln!(
            items,
            "- Id: `{}` → `{}` (its page URL changes){}",
            code_text(&c.old),
            code_text(&c.new),
            tag(LEVEL_LINES.id)
        );
    }
    if let Some(c) = &l.code_change {
        let line = match (&c.old, &c.new) {
            (Some(old), Some(new)) => format!("~~{}~~ → **{}**", esc(old), esc(new)),
            (None, Some(new)) => format!("*(none)* → **{}**", esc(new)),
            (Some(old), None) => format!("~~{}~~ → *(none)*", esc(old)),
            (None, None) => String::new(),
        };
        let _ = writeln!(items, "- Code: {line}{}", tag(LEVEL_LINES.code));
    }
    if let Some(c) = &l.band_change {
        let _ = writeln!(
            items,
            "- Band: ~~{}~~ → **{}**{}",
            c.old,
            c.new,
            tag(LEVEL_LINES.band)
        );
    }
    if let Some(c) = &l.inherits_change {
        let v = |s: &Option<String>| {
            s.as_deref()
                .map_or("*(nothing)*".to_string(), |s| format!("`{}`", code_text(s)))
        };
        let _ = writeln!(
            items,
            "- Inherits: {} → {}{}",
            v(&c.old),
            v(&c.new),
            tag(LEVEL_LINES.inherits)
        );
    }
    if let Some(c) = &l.note_change {
        let v = |s: &Option<String>| s.as_deref().map_or("*(none)*".to_string(), esc);
        let _ = writeln!(
            items,
            "- Heading note: ~~{}~~ → **{}**{}",
            v(&c.old),
            v(&c.new),
            tag(LEVEL_LINES.note)
        );
    }
    if let Some(s) = &l.summary {
        text_item(&mut items, &mut folded, "Summary", s, classes::text(s));
    }
    for c in &l.competencies {
        let label = format!("**{}**", esc(&c.label));
        match c.status {
            Status::Added => {
                let _ = writeln!(
                    items,
                    "- {label} added: {}{}",
                    short(&c.text.new, &mut folded, &label),
                    tag(c.class)
                );
            }
            Status::Removed => {
                let _ = writeln!(
                    items,
                    "- {label} removed: ~~{}~~{}",
                    short(&c.text.old, &mut folded, &label),
                    tag(c.class)
                );
            }
            _ => {
                if let Some(lc) = &c.label_change {
                    let _ = writeln!(
                        items,
                        "- Label spelled differently: ~~{}~~ → **{}**{}",
                        esc(&lc.old),
                        esc(&lc.new),
                        tag(Class::Patch)
                    );
                }
                if c.text.old != c.text.new || c.label_change.is_none() {
                    text_item(&mut items, &mut folded, &label, &c.text, c.class);
                }
            }
        }
    }
    for r in &l.responsibilities {
        let from = r
            .inherited_from
            .as_ref()
            .map(|f| format!(" (inherited from {})", code_and_title(&f.code, &f.title)))
            .unwrap_or_default();
        match (r.status, &r.words) {
            (Status::Changed, Some(words)) => {
                let _ = writeln!(
                    items,
                    "- Responsibility reworded{from}: {}{}",
                    render_words(words, None),
                    tag(r.class)
                );
            }
            (Status::Removed, _) => {
                let _ = writeln!(
                    items,
                    "- Responsibility removed{from}: ~~{}~~{}",
                    esc(&r.text),
                    tag(r.class)
                );
            }
            _ => {
                let _ = writeln!(
                    items,
                    "- Responsibility added{from}: **{}**{}",
                    esc(&r.text),
                    tag(r.class)
                );
            }
        }
    }
    out.push_str(&items);
    out.push('\n');
    details(out, &folded);
}

/// An added or removed level: its place, then everything it says, folded.
fn whole_level(out: &mut String, l: &LevelDiff) {
    let mut body = String::new();
    if let Some(s) = &l.summary {
        let text = if l.status == Status::Removed {
            &s.old
        } else {
            &s.new
        };
        let _ = writeln!(body, "{}\n", esc_block(text));
    }
    for c in &l.competencies {
        let text = if l.status == Status::Removed {
            &c.text.old
        } else {
            &c.text.new
        };
        let _ = writeln!(body, "**{}:** {}\n", esc(&c.label), esc(text));
    }
    // Its own responsibilities in full; inherited ones are known already, so they
    // are counted by the level that states them.
    let mut inherited_from: Vec<(&LevelName, usize)> = Vec::new();
    let mut own_lines = String::new();
    for r in &l.responsibilities {
        match &r.inherited_from {
            None => {
                let _ = writeln!(own_lines, "- {}", esc(&r.text));
            }
            Some(f) => match inherited_from.iter_mut().find(|(g, _)| *g == f) {
                Some((_, n)) => *n += 1,
                None => inherited_from.push((f, 1)),
            },
        }
    }
    if !l.responsibilities.is_empty() {
        body.push_str("**Responsibilities:**\n\n");
        body.push_str(&own_lines);
        if !inherited_from.is_empty() {
            let list: Vec<String> = inherited_from
                .iter()
                .map(|(f, n)| format!("{n} from {}", code_and_title(&f.code, &f.title)))
                .collect();
            if !own_lines.is_empty() {
                body.push('\n');
            }
            let _ = writeln!(body, "*Inherited: {}.*", list.join(", "));
        }
        body.push('\n');
    }
    let own = l
        .responsibilities
        .iter()
        .filter(|r| r.inherited_from.is_none())
        .count();
    let inherited = l.responsibilities.len() - own;
    let mut facts = vec![
        plural(l.competencies.len(), "competency", "competencies"),
        plural(own, "responsibility", "responsibilities"),
    ];
    if inherited > 0 {
        facts.push(format!("{inherited} inherited"));
    }
    let _ = writeln!(out, "{}.\n", facts.join(", "));
    if body.trim().is_empty() {
        return;
    }
    let what = if l.status == Status::Removed {
        "What the level said"
    } else {
        "What the new level says"
    };
    let _ = writeln!(
        out,
        "<details><summary>{what}</summary>\n\n{}\n\n</details>\n",
        body.trim_end()
    );
}

/// A list item for a changed text: its word diff, shortened when long (the full diff
/// then goes into `folded`).
fn text_item(
    items: &mut String,
    folded: &mut Vec<(String, String)>,
    label: &str,
    t: &TextChange,
    class: Class,
) {
    let tag = tag(class);
    if t.markup_only {
        let _ = writeln!(
            items,
            "- {label}: formatting or links changed, same words{tag}"
        );
        return;
    }
    let equal_words: usize = t
        .words
        .iter()
        .filter(|w| w.op == WordOpKind::Equal)
        .map(|w| w.text.split(' ').count())
        .sum();
    if equal_words > LONG_TEXT_WORDS {
        let _ = writeln!(
            items,
            "- {label} reworded: {}{tag}",
            render_words(&t.words, Some(CONTEXT_WORDS))
        );
        folded.push((label.to_string(), render_words(&t.words, None)));
    } else {
        let _ = writeln!(
            items,
            "- {label} reworded: {}{tag}",
            render_words(&t.words, None)
        );
    }
}

/// A text shown whole when short; long ones are cut and folded in full.
fn short(text: &str, folded: &mut Vec<(String, String)>, label: &str) -> String {
    let words: Vec<&str> = text.split_whitespace().collect();
    if words.len() <= LONG_TEXT_WORDS {
        return esc(text);
    }
    folded.push((label.to_string(), esc(text)));
    format!("{} …", esc(&words[..LONG_TEXT_WORDS / 2].join(" ")))
}

fn details(out: &mut String, folded: &[(String, String)]) {
    if folded.is_empty() {
        return;
    }
    out.push_str("<details><summary>Full text of the long changes</summary>\n\n");
    for (label, text) in folded {
        let _ = writeln!(out, "{label}: {text}\n");
    }
    out.push_str("</details>\n\n");
}

fn lints(out: &mut String, lints: &LintChanges, partial: bool) {
    out.push_str("### Lint results\n\n");
    if partial {
        out.push_str(
            "A side does not parse, so results that involve its unreadable files may be \
             missing from it.\n\n",
        );
    }
    out.push_str("| | severity | lint | where | message |\n| --- | --- | --- | --- | --- |\n");
    for (what, list) in [
        ("appeared", &lints.appeared),
        ("went away", &lints.resolved),
    ] {
        for d in list {
            let _ = writeln!(
                out,
                "| {what} | {} | `{}` | `{}:{}` | {} |",
                severity(d.severity),
                code_text(&d.lint),
                code_text(&d.file),
                d.line,
                esc_message(&d.message)
            );
        }
    }
    out.push('\n');
}

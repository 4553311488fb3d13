//! The class of every change, as semantic versions class a library's changes
//! (SPEC section 11; the rules, with examples, are docs/versions.md):
//!
//! - **major**: an expectation added, removed or moved: a track, level, competency,
//!   responsibility or dimension added or removed, a level moved to another band, an
//!   `inherits` changed (and the alignment across tracks that follows), a track that
//!   cannot be compared because its file does not parse on one side;
//! - **minor**: an expectation reworded: a competency, summary or responsibility
//!   whose words changed, a level renamed, a code or id changed;
//! - **patch**: nothing a reader is held to changed: punctuation, case or spacing of
//!   an expectation, prose sections and introductions, the home page, titles of
//!   tracks and pages, heading notes, column order, files moved, settings, pages
//!   that are not tracks (added, removed or changed).
//!
//! Lint results, parse errors and the `version` setting itself are not classed.
//! [`classify`] writes the classes into a [`Report`]; the Markdown writer asks the
//! functions here for the class of each line it writes.

use serde::Serialize;

use super::report::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Class {
    Patch,
    Minor,
    Major,
}

impl Class {
    pub fn name(self) -> &'static str {
        match self {
            Class::Patch => "patch",
            Class::Minor => "minor",
            Class::Major => "major",
        }
    }
}

impl std::fmt::Display for Class {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// The letters and digits of a text, case-folded: two texts that agree here differ
/// only in punctuation, case or spacing.
fn letters(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// An expectation's text that changed: minor when its words did, else patch.
pub fn reworded(old: &str, new: &str) -> Class {
    if letters(old) == letters(new) {
        Class::Patch
    } else {
        Class::Minor
    }
}

pub fn text(t: &TextChange) -> Class {
    reworded(&t.old, &t.new)
}

fn optional_text(c: &Change<Option<String>>) -> Class {
    reworded(
        c.old.as_deref().unwrap_or_default(),
        c.new.as_deref().unwrap_or_default(),
    )
}

fn one_sided(status: Status) -> Class {
    match status {
        // Added, removed, or not comparable (assumed to change all it says).
        Status::Added | Status::Removed | Status::OldUnparsed | Status::NewUnparsed => Class::Major,
        Status::Changed => Class::Patch,
    }
}

pub fn competency(c: &CompetencyDiff) -> Class {
    match c.status {
        Status::Changed => text(&c.text),
        s => one_sided(s),
    }
}

pub fn responsibility(r: &ResponsibilityDiff) -> Class {
    match (r.status, &r.old_text) {
        (Status::Changed, Some(old)) => reworded(old, &r.text),
        (Status::Changed, None) => Class::Patch,
        (s, _) => one_sided(s),
    }
}

/// A setting of ladder.yaml; `None` for `version`, which records classes rather
/// than being one.
pub fn setting(s: &SettingChange) -> Option<Class> {
    (s.key != "version").then_some(Class::Patch)
}

/// The classes of a level's own lines (not its competencies and responsibilities),
/// in the order the Markdown writes them.
pub struct LevelLines {
    pub title: Class,
    pub id: Class,
    pub code: Class,
    pub band: Class,
    pub inherits: Class,
    pub note: Class,
}

pub const LEVEL_LINES: LevelLines = LevelLines {
    title: Class::Minor,
    id: Class::Minor,
    code: Class::Minor,
    band: Class::Major,
    inherits: Class::Major,
    note: Class::Patch,
};

/// The classes of a track's own lines.
pub struct TrackLines {
    pub id: Class,
    pub path: Class,
    pub title: Class,
    pub order: Class,
    pub dimensions: Class,
    pub prose: Class,
}

pub const TRACK_LINES: TrackLines = TrackLines {
    id: Class::Minor,
    path: Class::Patch,
    title: Class::Patch,
    order: Class::Patch,
    dimensions: Class::Major,
    prose: Class::Patch,
};

pub fn track_summary(c: &Change<Option<String>>) -> Class {
    optional_text(c)
}

/// One classed change in reading order, described in a few plain words for the
/// message of `--check-version`.
#[derive(Debug, Clone)]
pub struct Classed {
    pub class: Class,
    pub what: String,
}

/// Every classed change of a report, in the order the Markdown lists them.
pub fn changes(report: &Report) -> Vec<Classed> {
    let mut out = Vec::new();
    let mut push = |class: Class, what: String| out.push(Classed { class, what });
    for s in &report.settings {
        if let Some(class) = setting(s) {
            push(class, format!("setting `{}` changed", s.key));
        }
    }
    if report.home.title.is_some() {
        push(Class::Patch, "home page title changed".into());
    }
    if report.home.body.is_some() {
        push(Class::Patch, "home page text changed".into());
    }
    for row in &report.alignment {
        push(
            Class::Major,
            format!("levels at band {} line up differently", row.band),
        );
    }
    for t in &report.tracks {
        track_changes(t, &mut push);
    }
    for p in &report.pages {
        let what = match p.status {
            Status::Added => "added",
            Status::Removed => "removed",
            _ => "changed",
        };
        push(Class::Patch, format!("page “{}” {what}", p.title));
    }
    out
}

fn track_changes(t: &TrackDiff, push: &mut impl FnMut(Class, String)) {
    let name = &t.title;
    match t.status {
        Status::Added => return push(Class::Major, format!("track “{name}” added")),
        Status::Removed => return push(Class::Major, format!("track “{name}” removed")),
        Status::OldUnparsed | Status::NewUnparsed => {
            return push(
                Class::Major,
                format!("track “{name}” cannot be compared (its file does not parse)"),
            )
        }
        Status::Changed => {}
    }
    let l = &TRACK_LINES;
    let own: [(bool, Class, &str); 7] = [
        (t.id_change.is_some(), l.id, "id changed"),
        (t.path_change.is_some(), l.path, "file moved"),
        (t.title_change.is_some(), l.title, "title changed"),
        (
            t.summary.is_some(),
            t.summary.as_ref().map_or(Class::Patch, track_summary),
            "summary reworded",
        ),
        (t.order.is_some(), l.order, "column order changed"),
        (
            !t.dimensions_added.is_empty() || !t.dimensions_removed.is_empty(),
            l.dimensions,
            "dimensions added or removed",
        ),
        (t.intro.is_some(), l.prose, "introduction changed"),
    ];
    for (changed, class, what) in own {
        if changed {
            push(class, format!("track “{name}”: {what}"));
        }
    }
    for p in &t.prose {
        push(
            l.prose,
            format!("track “{name}”: section “{}” changed", p.title),
        );
    }
    for level in &t.levels {
        level_changes(name, level, push);
    }
}

fn level_changes(track: &str, l: &LevelDiff, push: &mut impl FnMut(Class, String)) {
    let name = format!("{track} › {}", l.title);
    match l.status {
        Status::Added => return push(Class::Major, format!("level {name} added")),
        Status::Removed => return push(Class::Major, format!("level {name} removed")),
        _ => {}
    }
    level_parts(l, &mut |class, part| {
        let what = match part {
            LevelPart::Own(what) => what.to_string(),
            LevelPart::Competency(label, status) => {
                format!("competency “{label}” {}", verb(status))
            }
            LevelPart::Responsibility(text, status) => {
                format!("responsibility “{text}” {}", verb(status))
            }
        };
        push(class, format!("level {name}: {what}"));
    });
}

/// One thing that changed in a level that is on both sides.
pub(super) enum LevelPart<'a> {
    /// Its title, id, code, band, `inherits`, heading note or summary ("renamed").
    Own(&'static str),
    /// A competency, by its label.
    Competency(&'a str, Status),
    /// A responsibility, by its text.
    Responsibility(&'a str, Status),
}

/// Every change of a level that is on both sides, with its class, in the order
/// reports list them: the level's own lines, then competencies, then
/// responsibilities. `ladder diff` and the site's history phrase them each their way.
pub(super) fn level_parts<'a>(l: &'a LevelDiff, push: &mut impl FnMut(Class, LevelPart<'a>)) {
    let c = &LEVEL_LINES;
    let own: [(bool, Class, &'static str); 7] = [
        (l.title_change.is_some(), c.title, "renamed"),
        (l.id_change.is_some(), c.id, "id changed"),
        (l.code_change.is_some(), c.code, "code changed"),
        (l.band_change.is_some(), c.band, "moved to another band"),
        (l.inherits_change.is_some(), c.inherits, "inherits changed"),
        (l.note_change.is_some(), c.note, "heading note changed"),
        (
            l.summary.is_some(),
            l.summary.as_ref().map_or(Class::Patch, text),
            "summary reworded",
        ),
    ];
    for (changed, class, what) in own {
        if changed {
            push(class, LevelPart::Own(what));
        }
    }
    for comp in &l.competencies {
        push(
            competency(comp),
            LevelPart::Competency(&comp.label, comp.status),
        );
    }
    for r in &l.responsibilities {
        push(
            responsibility(r),
            LevelPart::Responsibility(&r.text, r.status),
        );
    }
}

fn verb(status: Status) -> &'static str {
    match status {
        Status::Added => "added",
        Status::Removed => "removed",
        _ => "reworded",
    }
}

/// The highest class of `items`, `None` when there is none.
fn highest(items: impl IntoIterator<Item = Class>) -> Option<Class> {
    items.into_iter().max()
}

/// Writes the class of every change, and the overall class, into the report.
pub fn classify(report: &mut Report) {
    for s in &mut report.settings {
        s.class = setting(s);
    }
    let home = &mut report.home;
    home.class = (home.title.is_some() || home.body.is_some()).then_some(Class::Patch);
    for row in &mut report.alignment {
        row.class = Class::Major;
    }
    for t in &mut report.tracks {
        for p in &mut t.prose {
            p.class = TRACK_LINES.prose;
        }
        for l in &mut t.levels {
            for c in &mut l.competencies {
                c.class = competency(c);
            }
            for r in &mut l.responsibilities {
                r.class = responsibility(r);
            }
            let mut classes = Vec::new();
            level_changes("", l, &mut |class, _| classes.push(class));
            l.class = highest(classes).unwrap_or(Class::Patch);
        }
        let mut classes = Vec::new();
        track_changes(t, &mut |class, _| classes.push(class));
        t.class = highest(classes).unwrap_or(Class::Patch);
    }
    report.class = highest(changes(report).into_iter().map(|c| c.class));
}

/// The first change of the report's highest class: the one that needs the bump.
pub fn first_of_highest(report: &Report) -> Option<Classed> {
    let all = changes(report);
    let top = highest(all.iter().map(|c| c.class))?;
    all.into_iter().find(|c| c.class == top)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn punctuation_case_and_spacing_are_patch_words_are_minor() {
        assert_eq!(reworded("Reviews code.", "reviews  code"), Class::Patch);
        assert_eq!(reworded("Code-review", "code review"), Class::Patch);
        assert_eq!(reworded("Reviews code", "Reviews all code"), Class::Minor);
        assert!(Class::Major > Class::Minor && Class::Minor > Class::Patch);
    }
}

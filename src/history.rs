//! The ladder's history as the site shows it (SPEC section 11): one entry per version
//! tagged in git, newest first, each with its date and the classed changes from the
//! version before, and an "unreleased" entry when the working tree differs from the
//! last tag.
//!
//! Plain data, below both of its users: `diff::history` computes it from git tags
//! with the semantic diff, and `render` shows it (the `/changes/` page, the "Changed
//! in" notes of level pages, the marks of the home matrix) without knowing git or
//! the diff. The drivers (`build`, `serve`) hand it from one to the other.

use serde::Serialize;

/// Every version of the ladder, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct History {
    /// The unreleased entry (when there is one) first, then the tagged versions,
    /// newest first.
    pub entries: Vec<Entry>,
}

/// One version of the ladder, or the unreleased working tree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Entry {
    /// The version as the tag writes it without its `v` (`2.1.0`), or `Unreleased`.
    pub version: String,
    /// The element id of the entry on `/changes/` (`v2.1.0`, `unreleased`).
    pub anchor: String,
    /// The git tag (`v2.1.0`); `None` for the unreleased entry.
    pub tag: Option<String>,
    /// The tag's date (`2026-03-01`); `None` for the unreleased entry.
    pub date: Option<String>,
    pub unreleased: bool,
    /// The first version: there is no version before it to compare with.
    pub first: bool,
    /// The version compared with (`2.0.0`), `None` for the first version.
    pub previous: Option<String>,
    /// The highest class of the changes (`major`, `minor`, `patch`), `None` when no
    /// classed change (the first version, or only lint results changed).
    pub class: Option<String>,
    /// Every classed change, in the order `ladder diff` lists them.
    pub changes: Vec<ChangeLine>,
    /// The levels this version changed (added or changed; removed levels have no
    /// page to note it on), with what changed in each.
    pub levels: Vec<LevelNote>,
}

/// One classed change, in a few plain words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChangeLine {
    pub class: String,
    pub text: String,
}

/// What one version changed in one level, for its page and the home matrix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LevelNote {
    /// Track and level ids as they are in that version.
    pub track: String,
    pub level: String,
    pub class: String,
    /// Short phrases, each once: `responsibility added`, `competency “X” reworded`.
    pub what: Vec<String>,
}

/// A version that changed a level, as its page lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LevelChange<'a> {
    pub version: &'a str,
    pub anchor: &'a str,
    pub unreleased: bool,
    pub class: &'a str,
    /// The phrases joined with `, `.
    pub what: String,
}

impl History {
    /// The latest tagged version, if any.
    pub fn latest(&self) -> Option<&Entry> {
        self.entries.iter().find(|e| !e.unreleased)
    }

    /// The versions that changed level `level` of track `track`, newest first.
    pub fn level_changes<'a>(&'a self, track: &str, level: &str) -> Vec<LevelChange<'a>> {
        self.entries
            .iter()
            .flat_map(|e| {
                e.levels
                    .iter()
                    .filter(|n| n.track == track && n.level == level)
                    .map(move |n| LevelChange {
                        version: &e.version,
                        anchor: &e.anchor,
                        unreleased: e.unreleased,
                        class: &n.class,
                        what: n.what.join(", "),
                    })
            })
            .collect()
    }

    /// The version that is the latest and changed `track`/`level`, for the mark of
    /// the home matrix.
    pub fn changed_in_latest(&self, track: &str, level: &str) -> Option<&str> {
        let latest = self.latest()?;
        latest
            .levels
            .iter()
            .any(|n| n.track == track && n.level == level)
            .then_some(latest.version.as_str())
    }
}

//! The result of a diff as plain data: what [`super::semantic`] computes and what the
//! Markdown and JSON writers read. Serialised as is, it is the `--format json` output,
//! so every field here is part of a documented, stable shape (docs/ci.md): fields are
//! only ever added, and a breaking change bumps [`SCHEMA_VERSION`].
//!
//! Conventions: every field is always present (`null` or `[]` when empty) so that
//! tools need no existence checks; `old`/`new` pairs are [`Change`]; texts are plain
//! text (Markdown markup stripped, whitespace collapsed) with a word-level diff.

use serde::Serialize;

use super::classes::Class;
use super::words::WordOp;
use crate::diagnostic::{Diagnostic, Severity};

/// Version of the JSON shape. Bumped only when a field changes meaning or goes away.
pub const SCHEMA_VERSION: u32 = 1;

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub schema_version: u32,
    pub old: SideSummary,
    pub new: SideSummary,
    /// True when anything below is non-empty (what `--exit-code` reports).
    pub changed: bool,
    /// The highest class of any change (docs/versions.md); `null` when nothing
    /// classed changed (no change, or only lint results).
    pub class: Option<Class>,
    pub counts: Counts,
    /// ladder.yaml settings that differ.
    pub settings: Vec<SettingChange>,
    /// The home page (`content/_index.md`).
    pub home: HomeDiff,
    /// Bands where the levels lining up across tracks differ (tracks on both sides only).
    pub alignment: Vec<BandRow>,
    /// Tracks with any change: the new side's order, then removed tracks.
    pub tracks: Vec<TrackDiff>,
    pub lints: LintChanges,
    /// Pages that are not tracks (an FAQ, SPEC 8.4) added, removed or changed, by id:
    /// the new side's order, then removed pages. Always `patch`.
    pub pages: Vec<PageDiff>,
}

/// One side of the comparison.
#[derive(Debug, Clone, Serialize)]
pub struct SideSummary {
    /// What the user named: a revision as written, a folder, or `working tree`.
    pub label: String,
    pub kind: SideKind,
    /// The full commit id for a revision.
    pub commit: Option<String>,
    /// False when some file could not be read or parsed (see `errors`).
    pub parses: bool,
    /// The errors that kept files of this side from being read or parsed.
    pub errors: Vec<DiagnosticSummary>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SideKind {
    Revision,
    Folder,
    WorkingTree,
}

/// A diagnostic without its source snippet.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct DiagnosticSummary {
    pub lint: String,
    pub severity: Severity,
    pub message: String,
    pub file: String,
    pub line: u32,
    pub column: u32,
}

impl From<&Diagnostic> for DiagnosticSummary {
    fn from(d: &Diagnostic) -> Self {
        DiagnosticSummary {
            lint: d.lint.id().to_string(),
            severity: d.severity,
            message: d.message.clone(),
            file: d.span.file.to_string(),
            line: d.span.line,
            column: d.span.col,
        }
    }
}

/// How many things changed, for the summary line and for tools that only count.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub tracks_added: usize,
    pub tracks_removed: usize,
    /// Tracks on both sides whose own settings changed: file, id, title, summary,
    /// column order or dimensions (their levels and prose are counted below).
    pub tracks_changed: usize,
    /// Tracks whose file does not parse on one side, so that they cannot be compared.
    pub tracks_not_compared: usize,
    pub levels_added: usize,
    pub levels_removed: usize,
    /// Levels with a new title (same id, or same code when the id changed too).
    pub levels_renamed: usize,
    /// Levels on both sides with a change other than the title.
    pub levels_changed: usize,
    /// Levels that moved to another band.
    pub levels_rebanded: usize,
    /// Levels whose code changed.
    pub levels_recoded: usize,
    /// Tracks and levels whose id changed (their page URLs change).
    pub ids_changed: usize,
    /// Levels whose `inherits` changed.
    pub inherits_changed: usize,
    pub competencies_added: usize,
    pub competencies_removed: usize,
    pub competencies_reworded: usize,
    /// Responsibilities a level states itself (inherited copies are not counted twice).
    pub responsibilities_added: usize,
    pub responsibilities_removed: usize,
    pub responsibilities_reworded: usize,
    pub bands_realigned: usize,
    pub settings_changed: usize,
    /// Introductions, summaries, heading notes, prose sections and the home page.
    pub prose_changed: usize,
    pub lints_appeared: usize,
    pub lints_resolved: usize,
    /// Errors that keep a file from being read (see `old.errors`, `new.errors`):
    /// on the new side only, and on the old side only.
    pub parse_errors_appeared: usize,
    pub parse_errors_fixed: usize,
}

/// A level's band as the diff reports it: an integer, as written, or `[low, high]`
/// for a level spanning bands (`band: [4, 5]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct LevelBand {
    pub low: i64,
    pub high: Option<i64>,
}

impl LevelBand {
    pub fn of(level: &crate::model::Level) -> LevelBand {
        LevelBand {
            low: level.band.value,
            high: level.band_high,
        }
    }
}

impl Serialize for LevelBand {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.high {
            None => s.serialize_i64(self.low),
            Some(high) => [self.low, high].serialize(s),
        }
    }
}

/// `5`, or `4–5` for a level spanning bands.
impl std::fmt::Display for LevelBand {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.high {
            None => write!(f, "{}", self.low),
            Some(high) => write!(f, "{}–{high}", self.low),
        }
    }
}

/// A value before and after.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change<T> {
    pub old: T,
    pub new: T,
}

impl<T: PartialEq> Change<T> {
    /// `Some` only when the two differ.
    pub fn of(old: T, new: T) -> Option<Change<T>> {
        (old != new).then_some(Change { old, new })
    }
}

/// A text before and after, with its word-level diff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TextChange {
    pub old: String,
    pub new: String,
    pub words: Vec<WordOp>,
    /// The Markdown source changed but its words did not (markup, links, layout).
    pub markup_only: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Added,
    Removed,
    Changed,
    /// On the new side, but its file does not parse on the old side.
    OldUnparsed,
    /// On the old side, but its file does not parse on the new side.
    NewUnparsed,
}

/// One ladder.yaml setting, as displayed (`bands.6`, `lints.band-gap`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SettingChange {
    pub key: String,
    /// `patch`; `null` for `version`, which is not classed.
    pub class: Option<Class>,
    pub old: Option<String>,
    pub new: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct HomeDiff {
    /// `patch` when anything changed, else `null`.
    pub class: Option<Class>,
    pub title: Option<Change<Option<String>>>,
    pub body: Option<TextChange>,
}

/// A level named from elsewhere (alignment, inherits).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct LevelName {
    pub track: String,
    pub level: String,
    /// `None` for a level named by its title alone.
    pub code: Option<String>,
    pub title: String,
}

/// One band whose alignment changed: for every track, the levels at that band.
#[derive(Debug, Clone, Serialize)]
pub struct BandRow {
    pub band: i64,
    pub class: Class,
    /// Display name from ladder.yaml (new side, else old).
    pub name: Option<String>,
    pub cells: Vec<BandCell>,
}

#[derive(Debug, Clone, Serialize)]
pub struct BandCell {
    pub track: String,
    pub track_title: String,
    pub before: Vec<LevelName>,
    pub after: Vec<LevelName>,
    /// Whether this track's levels at the band changed (by identity, not by title).
    pub changed: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct TrackDiff {
    /// Id on the new side (old side for a removed track).
    pub id: String,
    pub title: String,
    pub status: Status,
    /// The highest class of the track's changes, its levels' included.
    pub class: Class,
    /// File relative to content/ (new side, else old).
    pub path: String,
    pub id_change: Option<Change<String>>,
    /// The file moved or was renamed (same track).
    pub path_change: Option<Change<String>>,
    pub title_change: Option<Change<String>>,
    pub summary: Option<Change<Option<String>>>,
    pub order: Option<Change<Option<i64>>>,
    pub dimensions_added: Vec<String>,
    pub dimensions_removed: Vec<String>,
    pub intro: Option<TextChange>,
    pub prose: Vec<ProseDiff>,
    /// Changed levels, by band. An added or removed track lists all of its levels.
    pub levels: Vec<LevelDiff>,
}

/// An H2 section that is not a level, matched by its anchor.
#[derive(Debug, Clone, Serialize)]
pub struct ProseDiff {
    pub title: String,
    pub anchor: String,
    pub status: Status,
    pub class: Class,
    pub text: TextChange,
}

#[derive(Debug, Clone, Serialize)]
pub struct LevelDiff {
    /// Id, title, code and band on the new side (old side for a removed level).
    pub id: String,
    pub title: String,
    pub code: Option<String>,
    pub band: LevelBand,
    pub status: Status,
    /// The highest class of the level's changes.
    pub class: Class,
    pub id_change: Option<Change<String>>,
    /// A rename: same level, new title.
    pub title_change: Option<Change<String>>,
    /// From no code to one, one to another, or one to none.
    pub code_change: Option<Change<Option<String>>>,
    /// From one band to another, or to or from a range (`4` → `[4, 5]`).
    pub band_change: Option<Change<LevelBand>>,
    pub inherits_change: Option<Change<Option<String>>>,
    /// The parenthetical note of the H2, e.g. "Manager 4 / IC 5".
    pub note_change: Option<Change<Option<String>>>,
    pub summary: Option<TextChange>,
    pub competencies: Vec<CompetencyDiff>,
    pub responsibilities: Vec<ResponsibilityDiff>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CompetencyDiff {
    /// The label as written on the new side (old side when removed).
    pub label: String,
    /// The item id (SPEC 10) on the new side (old side when removed).
    pub id: String,
    pub status: Status,
    pub class: Class,
    /// Same label up to case and spacing, written differently (or another label
    /// with the same item id).
    pub label_change: Option<Change<String>>,
    pub text: TextChange,
}

#[derive(Debug, Clone, Serialize)]
pub struct ResponsibilityDiff {
    /// `added`, `removed` or `changed` (reworded: `old_text` and `words` are set).
    pub status: Status,
    pub class: Class,
    /// The item id (SPEC 10) on the new side (old side when removed); for an
    /// inherited one, its id at the level that states it.
    pub id: String,
    /// The responsibility's text (the new wording when reworded).
    pub text: String,
    pub old_text: Option<String>,
    pub words: Option<Vec<WordOp>>,
    /// Set when the level holds it through `inherits` rather than stating it.
    pub inherited_from: Option<LevelName>,
}

/// A page that is not a track, matched by its id.
#[derive(Debug, Clone, Serialize)]
pub struct PageDiff {
    pub id: String,
    /// The title on the new side (old side when removed).
    pub title: String,
    /// File relative to content/ (new side, else old).
    pub path: String,
    /// `added`, `removed` or `changed`.
    pub status: Status,
    pub class: Class,
    pub title_change: Option<Change<String>>,
    /// The file moved or was renamed (same id).
    pub path_change: Option<Change<String>>,
    pub body: Option<TextChange>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct LintChanges {
    /// Diagnostics on the new side that the old side did not have.
    pub appeared: Vec<DiagnosticSummary>,
    /// Diagnostics of the old side that are gone on the new side.
    pub resolved: Vec<DiagnosticSummary>,
}

impl Report {
    /// Whether anything at all differs.
    pub fn has_changes(&self) -> bool {
        !(self.settings.is_empty()
            && self.home.title.is_none()
            && self.home.body.is_none()
            && self.alignment.is_empty()
            && self.tracks.is_empty()
            && self.pages.is_empty()
            && self.lints.appeared.is_empty()
            && self.lints.resolved.is_empty()
            && self.counts.parse_errors_appeared == 0
            && self.counts.parse_errors_fixed == 0)
    }
}

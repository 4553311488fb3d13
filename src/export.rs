//! The model for other tools: JSON (a stable, documented shape with `schema_version`),
//! CSV (one row per level × competency, for spreadsheets), and JSON Schemas of the
//! inputs (track front matter, ladder.yaml) for editors such as yaml-language-server.
//!
//! The JSON shape is written out explicitly rather than derived from the model's
//! internals, so that refactoring the model does not silently change the export.
//! Bump [`SCHEMA_VERSION`] when a field changes meaning or disappears.

use serde::ser::{SerializeStruct, Serializer};
use serde::Serialize;
use serde_json::{json, Value};

use crate::model::{
    Competency, Extra, Home, Ladder, Level, LevelRef, Markdown, ProseSection, Responsibility, Span,
    Track,
};

/// Version of the JSON export's shape. 2: levels no longer list their band peers; the
/// levels at each band are listed once, under the top-level `bands`. 3: a level's
/// `responsibilities` are its own only (no `inherited_from`); what it holds through
/// `inherits` is found by following `inherits` (`track/level`) up the chain; a level's
/// `code` is `null` when it has none; a level spanning bands (`band: [4, 5]`) has
/// `band` its lowest and `band_high` its highest (no other level has `band_high`),
/// and is listed under each of its bands in `bands`. 4: every competency and
/// responsibility has an `id` (SPEC 10, unique within its level) and `id_explicit`
/// (written as `{#id}` in the source, rather than derived from the text).
pub const SCHEMA_VERSION: u32 = 4;

/// The export as pretty-printed JSON text (deterministic: maps are ordered).
pub fn to_json(ladder: &Ladder) -> String {
    let mut out = Vec::new();
    match write_json(ladder, &mut out) {
        Ok(()) => String::from_utf8(out).unwrap_or_default(),
        Err(_) => String::new(),
    }
}

/// The export as [`to_json`] gives it, written to `out` as it is produced (`ladder
/// build` writes the site's ladder.json this way, without holding the text).
pub fn write_json(ladder: &Ladder, mut out: impl std::io::Write) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut out, &Export(ladder))?;
    out.write_all(b"\n")
}

// The export is serialized straight from the model: building a `serde_json::Value`
// per track (and its sorted maps) and freeing it again was about a third of the
// instructions of `ladder export --format json`. The keys of every object are written
// in the order the `Value` maps gave them, which is sorted by name (serde_json without
// `preserve_order`); the one exception, kept so the bytes stay what they were, is the
// top level, where `tracks` comes last. The tests hold the bytes to the `Value`-built
// export (`oracle_json`).

/// The whole export (`ladder.json`).
struct Export<'a>(&'a Ladder);

impl Serialize for Export<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let ladder = self.0;
        let mut map = serializer.serialize_struct("Export", 6)?;
        // A level's band peers are the other levels of its band here. Listing them
        // under every level instead grew with the square of the ladder (10,000 levels
        // in 1,000 tracks: ten million entries, a 315 MB file).
        let bands = Seq(|| {
            ladder
                .bands
                .iter()
                .rev()
                .map(|(&band, refs)| BandOut { ladder, band, refs })
        });
        map.serialize_field("bands", &bands)?;
        map.serialize_field("home", &HomeOut(&ladder.home))?;
        map.serialize_field("schema_version", &SCHEMA_VERSION)?;
        map.serialize_field("title", &ladder.config.title)?;
        map.serialize_field("version", &ladder.config.version)?;
        let tracks = Seq(|| ladder.tracks.iter().map(|track| TrackOut { ladder, track }));
        map.serialize_field("tracks", &tracks)?;
        map.end()
    }
}

/// A JSON array of what `0` yields, serialized as it is produced.
struct Seq<F>(F);

impl<F, I> Serialize for Seq<F>
where
    F: Fn() -> I,
    I: Iterator,
    I::Item: Serialize,
{
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq((self.0)())
    }
}

/// A string written from its `Display` (a URL, a `track/level` key) without
/// allocating it first.
struct Text<D>(D);

impl<D: std::fmt::Display> Serialize for Text<D> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&self.0)
    }
}

/// `track/level`, as [`Ladder::level_key`] writes it.
fn level_key(ladder: &Ladder, r: LevelRef) -> Text<LevelKey<'_>> {
    Text(LevelKey(ladder, r))
}

struct LevelKey<'a>(&'a Ladder, LevelRef);

impl std::fmt::Display for LevelKey<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let LevelKey(ladder, r) = *self;
        let track = &ladder.tracks[r.track].id.value;
        write!(f, "{track}/{}", ladder.level(r).id.value)
    }
}

struct BandOut<'a> {
    ladder: &'a Ladder,
    band: i64,
    refs: &'a [LevelRef],
}

impl Serialize for BandOut<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_struct("Band", 3)?;
        map.serialize_field("band", &self.band)?;
        let levels = Seq(|| self.refs.iter().map(|&r| level_key(self.ladder, r)));
        map.serialize_field("levels", &levels)?;
        map.serialize_field("name", &self.ladder.band_name(self.band))?;
        map.end()
    }
}

struct HomeOut<'a>(&'a Home);

impl Serialize for HomeOut<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_struct("Home", 2)?;
        map.serialize_field("markdown", &self.0.body.source)?;
        map.serialize_field("title", &self.0.title)?;
        map.end()
    }
}

struct TrackOut<'a> {
    ladder: &'a Ladder,
    track: &'a Track,
}

impl Serialize for TrackOut<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let TrackOut { ladder, track } = *self;
        let mut map = serializer.serialize_struct("Track", 12)?;
        let dimensions = Seq(|| track.dimensions.iter().map(|d| &d.value));
        map.serialize_field("dimensions", &dimensions)?;
        extra_field(&mut map, &track.extra)?;
        map.serialize_field("id", &track.id.value)?;
        map.serialize_field("intro", &MarkdownOut(&track.intro))?;
        let levels = Seq(|| {
            track.levels.iter().map(|level| LevelOut {
                ladder,
                track,
                level,
            })
        });
        map.serialize_field("levels", &levels)?;
        map.serialize_field("order", &track.order)?;
        map.serialize_field("path", &track.path)?;
        let prose = Seq(|| track.prose.iter().map(|prose| ProseOut { track, prose }));
        map.serialize_field("prose", &prose)?;
        map.serialize_field("source", &SourceOut(&track.span))?;
        map.serialize_field("summary", &track.summary)?;
        map.serialize_field("title", &track.title.value)?;
        map.serialize_field("url", &Text(format_args!("{}/", track.id.value)))?;
        map.end()
    }
}

/// `extra` (front-matter keys ladder does not know) when there are any, so that a
/// ladder without them exports as before.
fn extra_field<M: SerializeStruct>(map: &mut M, extra: &Extra) -> Result<(), M::Error> {
    if extra.is_empty() {
        map.skip_field("extra")
    } else {
        map.serialize_field("extra", extra)
    }
}

struct ProseOut<'a> {
    track: &'a Track,
    prose: &'a ProseSection,
}

impl Serialize for ProseOut<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let ProseOut { track, prose } = *self;
        let mut map = serializer.serialize_struct("Prose", 5)?;
        let after_level = prose
            .after_level
            .and_then(|i| track.levels.get(i))
            .map(|l| &l.id.value);
        map.serialize_field("after_level", &after_level)?;
        map.serialize_field("anchor", &prose.anchor)?;
        map.serialize_field("markdown", &prose.body.source)?;
        map.serialize_field("text", &prose.body.text)?;
        map.serialize_field("title", &prose.title)?;
        map.end()
    }
}

struct LevelOut<'a> {
    ladder: &'a Ladder,
    track: &'a Track,
    level: &'a Level,
}

impl Serialize for LevelOut<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let LevelOut {
            ladder,
            track,
            level,
        } = *self;
        let mut map = serializer.serialize_struct("Level", 14)?;
        map.serialize_field("band", &level.band.value)?;
        // Only a level spanning bands has it, so that the export of every other level
        // is what it was: `band` is then its lowest band.
        match level.band_high {
            Some(high) => map.serialize_field("band_high", &high)?,
            None => map.skip_field("band_high")?,
        }
        map.serialize_field("band_name", &ladder.band_name(level.band.value))?;
        // `null` for a level named by its title alone.
        map.serialize_field("code", &level.code())?;
        let competencies = Seq(|| level.competencies.iter().map(CompetencyOut));
        map.serialize_field("competencies", &competencies)?;
        extra_field(&mut map, &level.extra)?;
        map.serialize_field("id", &level.id.value)?;
        let inherits = level.inherits_ref.map(|r| level_key(ladder, r));
        map.serialize_field("inherits", &inherits)?;
        let note = level.section.as_ref().and_then(|s| s.note.as_ref());
        map.serialize_field("note", &note)?;
        // Own responsibilities only: copying the inherited ones into every level made
        // the file grow with the square of an `inherits` chain (1,000 levels: 72 MB).
        let responsibilities = Seq(|| level.responsibilities.iter().map(ResponsibilityOut));
        map.serialize_field("responsibilities", &responsibilities)?;
        map.serialize_field("source", &SourceOut(&level.span))?;
        map.serialize_field("summary", &MarkdownOut(&level.summary))?;
        map.serialize_field("title", &level.title.value)?;
        let url = format_args!("{}/{}/", track.id.value, level.id.value);
        map.serialize_field("url", &Text(url))?;
        map.end()
    }
}

struct CompetencyOut<'a>(&'a Competency);

impl Serialize for CompetencyOut<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let c = self.0;
        let mut map = serializer.serialize_struct("Competency", 7)?;
        map.serialize_field("anchor", &c.anchor)?;
        map.serialize_field("id", &c.id.id)?;
        map.serialize_field("id_explicit", &c.id.explicit)?;
        map.serialize_field("key", &c.key)?;
        map.serialize_field("label", &c.label)?;
        map.serialize_field("markdown", &c.body.source)?;
        map.serialize_field("text", &c.body.text)?;
        map.end()
    }
}

struct ResponsibilityOut<'a>(&'a Responsibility);

impl Serialize for ResponsibilityOut<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let r = self.0;
        let mut map = serializer.serialize_struct("Responsibility", 4)?;
        map.serialize_field("id", &r.id.id)?;
        map.serialize_field("id_explicit", &r.id.explicit)?;
        map.serialize_field("markdown", &r.body.source)?;
        map.serialize_field("text", &r.body.text)?;
        map.end()
    }
}

struct MarkdownOut<'a>(&'a Markdown);

impl Serialize for MarkdownOut<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_struct("Markdown", 2)?;
        map.serialize_field("markdown", &self.0.source)?;
        map.serialize_field("text", &self.0.text)?;
        map.end()
    }
}

struct SourceOut<'a>(&'a Span);

impl Serialize for SourceOut<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_struct("Source", 3)?;
        map.serialize_field("column", &self.0.col)?;
        map.serialize_field("file", &*self.0.file)?;
        map.serialize_field("line", &self.0.line)?;
        map.end()
    }
}

/// One row per level × competency, plus one row per level for its own
/// responsibilities (one per line), so that every level appears. The last column,
/// `inherits`, names the level (`track/level`) whose responsibilities it also holds:
/// repeating those in every row down a chain grew with the square of the chain.
pub fn to_csv(ladder: &Ladder) -> String {
    let mut out = String::new();
    push_row(
        &mut out,
        &[
            "track",
            "track_title",
            "level",
            "level_title",
            "code",
            "band",
            "band_name",
            "competency",
            "text",
            "inherits",
            "item_ids",
        ],
    );
    for (r, level) in ladder.levels() {
        let track = &ladder.tracks[r.track];
        let band = level.band_label();
        let band_name = ladder.band_name(level.band.value).unwrap_or("");
        let base = [
            track.id.value.as_str(),
            track.title.value.as_str(),
            level.id.value.as_str(),
            level.title.value.as_str(),
            level.code().unwrap_or(""),
            band.as_str(),
            band_name,
        ];
        let inherits = level
            .inherits_ref
            .map(|i| ladder.level_key(i))
            .unwrap_or_default();
        // `item_ids`: the ids written as `{#id}` (SPEC 10), so that a ladder whose ids
        // are pinned keeps them through a spreadsheet; one line per responsibility.
        let mut row = |label: &str, text: &str, ids: &str| {
            let mut cells: Vec<&str> = base.to_vec();
            cells.push(label);
            cells.push(text);
            cells.push(&inherits);
            cells.push(ids);
            push_row(&mut out, &cells);
        };
        fn explicit(id: &crate::model::ItemId) -> &str {
            if id.explicit {
                &id.id
            } else {
                ""
            }
        }
        if !level.summary.is_empty() {
            row("Summary", &level.summary.text, "");
        }
        for c in &level.competencies {
            row(&c.label, &c.body.text, explicit(&c.id));
        }
        let responsibilities: Vec<&str> = level
            .responsibilities
            .iter()
            .map(|r| &*r.body.text)
            .collect();
        let ids: Vec<&str> = level
            .responsibilities
            .iter()
            .map(|r| explicit(&r.id))
            .collect();
        let ids = if ids.iter().any(|id| !id.is_empty()) {
            ids.join("\n")
        } else {
            String::new()
        };
        if !responsibilities.is_empty() || level.competencies.is_empty() {
            row("Responsibilities", &responsibilities.join("\n"), &ids);
        }
    }
    out
}

/// RFC 4180: quote cells holding a comma, quote or line break; double inner quotes.
fn push_row(out: &mut String, cells: &[&str]) {
    for (i, cell) in cells.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        if cell.contains([',', '"', '\n', '\r']) {
            out.push('"');
            out.push_str(&cell.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(cell);
        }
    }
    out.push_str("\r\n");
}

/// JSON Schema (draft-07, which yaml-language-server supports) of a track's front matter.
pub fn front_matter_schema() -> Value {
    let id = json!({ "type": "string", "pattern": "^[A-Za-z0-9_][A-Za-z0-9_-]*$" });
    json!({
        "$schema": "http://json-schema.org/draft-07/schema#",
        "$id": "https://ladder.invalid/schema/track.json",
        "title": "ladder track front matter",
        "description": "The YAML front matter of one track file in content/. A Markdown file without `levels` (or without front matter) is a page instead: its `title`, `summary`/`description` and `order`/`weight` are read, other keys kept under `extra`. Keys not listed here (another generator's: date, tags, layout...) are kept under `extra`; a near miss of a listed key is an error.",
        "type": "object",
        "required": ["title", "levels"],
        "properties": {
            "title": { "type": "string", "description": "The track's name, e.g. Managing Engineer Path." },
            "id": { "allOf": [id], "description": "Track id used in URLs; default: the file's stem." },
            "summary": { "type": "string", "description": "One line for the home page." },
            "description": { "type": "string", "description": "Read as `summary` when that is absent." },
            "order": { "type": "integer", "description": "Column order in comparisons; default: by file name." },
            "weight": { "type": "integer", "description": "Read as `order` when that is absent." },
            "dimensions": {
                "type": "array",
                "items": { "type": "string" },
                "description": "Labels every level of this track should carry."
            },
            "levels": {
                "type": "array",
                "description": "The track's levels, lowest first.",
                "items": {
                    "type": "object",
                    "required": ["title", "band"],
                    "properties": {
                        "title": { "type": "string", "description": "Must match the level's heading (H1 to H4, one rank per track; trailing parenthetical notes are ignored)." },
                        "id": { "allOf": [id], "description": "Level id used in URLs and anchors; default: slug of the title." },
                        "code": { "type": "string", "pattern": "^[A-Za-z0-9_.-]+$", "description": "Optional; unique in the whole ladder when given, e.g. M4." },
                        "band": {
                            "description": "The shared grade that lines tracks up, or [low, high] for a level spanning grades; increasing down the list, ranges not overlapping.",
                            "oneOf": [
                                { "type": "integer" },
                                { "type": "array", "items": { "type": "integer" }, "minItems": 2, "maxItems": 2 }
                            ]
                        },
                        "inherits": { "type": "string", "description": "A level id of this track (or track/level) whose responsibilities this level also holds." }
                    }
                }
            }
        }
    })
}

/// JSON Schema (draft-07) of ladder.yaml.
pub fn config_schema() -> Value {
    use crate::diagnostic::Lint;
    let lint_props: serde_json::Map<String, Value> = Lint::ALL
        .iter()
        .map(|l| {
            // ladder.yaml refuses to lower `front-matter` and `io` (see config.rs).
            let levels = if matches!(l, Lint::FrontMatter | Lint::Io) {
                json!({ "enum": ["error"] })
            } else {
                json!({ "enum": ["error", "warning", "allow"] })
            };
            (l.id().to_string(), levels)
        })
        .collect();
    json!({
        "$schema": "http://json-schema.org/draft-07/schema#",
        "$id": "https://ladder.invalid/schema/ladder.json",
        "title": "ladder.yaml",
        "type": "object",
        "additionalProperties": false,
        "properties": {
            "title": { "type": "string", "default": "Career Ladder" },
            "base_url": { "type": "string", "default": "/", "description": "Path (or URL) the site is served under, e.g. /eng/ladder/." },
            "output": { "type": "string", "default": "site" },
            "theme": { "type": "string", "default": "default" },
            "bands": {
                "type": "object",
                "description": "Display names of bands, e.g. 5: Senior.",
                "patternProperties": { "^-?[0-9]+$": { "type": "string" } },
                "additionalProperties": false
            },
            "lints": {
                "type": "object",
                "properties": lint_props,
                "additionalProperties": false
            },
            "markdown": {
                "type": "object",
                "additionalProperties": false,
                "properties": { "raw_html": { "type": "boolean", "default": false } }
            },
            "version": {
                "type": "string",
                "description": "The ladder's semantic version, e.g. 2.3.0: shown in the footer and ladder.json, compared by ladder diff --check-version.",
                "pattern": "^(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)(-[0-9A-Za-z-]+(\\.[0-9A-Za-z-]+)*)?(\\+[0-9A-Za-z-]+(\\.[0-9A-Za-z-]+)*)?$"
            },
            "edit_url": {
                "type": "string",
                "pattern": "^[Hh][Tt][Tt][Pp][Ss]?://",
                "description": "A \"Suggest a change\" link on every level and item, e.g. https://github.com/ORG/REPO/edit/main/{path}; {path}, {line}, {track}, {level} and {item} are filled in."
            },
            "feedback_url": {
                "type": "string",
                "pattern": "^[Hh][Tt][Tt][Pp][Ss]?://",
                "description": "A \"Give feedback\" link on every level and item (a pre-filled new-issue link); the same placeholders as edit_url."
            },
            "history": {
                "type": "boolean",
                "default": false,
                "description": "Show the ladder's versions (git tags such as v2.3.0) on the site: a /changes/ page, \"Changed in\" notes on level pages, marks in the home matrix."
            }
        }
    })
}

/// The benchmark's generator, for tests on a generated ladder (render's tests load it
/// too, as their own private module).
#[cfg(test)]
#[allow(dead_code, clippy::duplicate_mod)]
#[path = "../examples/gen.rs"]
mod gen;

/// The export as it was built before it was serialized straight from the model: a
/// `serde_json::Value` per track, its keys sorted by serde_json's maps. The tests hold
/// [`write_json`]'s bytes to it.
#[cfg(test)]
mod oracle_json;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{load_files, InputFile, InputFiles};
    use std::sync::Arc;

    fn json_bytes(
        write: fn(&Ladder, &mut Vec<u8>) -> std::io::Result<()>,
        ladder: &Ladder,
    ) -> String {
        let mut out = Vec::new();
        write(ladder, &mut out).expect("writing to memory");
        String::from_utf8(out).expect("UTF-8")
    }

    /// The export serialized from the model next to the one built as `Value`s; on a
    /// difference, the first line that differs (the files run to megabytes).
    fn assert_same_export(ladder: &Ladder, what: &str) -> String {
        let new = json_bytes(|l, out| write_json(l, out), ladder);
        let old = json_bytes(|l, out| oracle_json::write_json(l, out), ladder);
        if new != old {
            let line = new
                .lines()
                .zip(old.lines())
                .position(|(a, b)| a != b)
                .unwrap_or(new.lines().count().min(old.lines().count()));
            panic!(
                "{what}: the export differs from the Value-built one at line {}:\n  new: {:?}\n  old: {:?}",
                line + 1,
                new.lines().nth(line),
                old.lines().nth(line)
            );
        }
        assert_eq!(to_json(ladder), old, "{what}: to_json");
        old
    }

    fn load_dir(root: &std::path::Path) -> Ladder {
        crate::load_project(root)
            .unwrap_or_else(|e| panic!("{}: {e:#}", root.display()))
            .ladder
    }

    /// The example ladder and every fixture project: together they hold each optional
    /// part of the export (extra keys, levels spanning bands, `inherits`, prose after
    /// a level, notes, band names, pages), which the last assertion makes sure of.
    #[test]
    fn the_export_is_the_value_built_one_on_the_example_and_every_fixture() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut all = assert_same_export(&load_dir(root), "the example ladder");
        let mut compared = Vec::new();
        let mut entries: Vec<_> = std::fs::read_dir(root.join("tests/fixtures"))
            .expect("tests/fixtures")
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.join("content").is_dir() || p.join("ladder.yaml").is_file())
            .collect();
        entries.sort();
        for dir in entries {
            let Ok(project) = crate::load_project(&dir) else {
                continue;
            };
            let name = dir.file_name().unwrap_or_default().to_string_lossy();
            all.push_str(&assert_same_export(&project.ladder, &name));
            compared.push(name.into_owned());
        }
        for wanted in [
            "site-basic",
            "shape-extra-keys",
            "shape-spanning-band",
            "shape-mixed",
            "shape-pages-fires",
        ] {
            assert!(
                compared.iter().any(|c| c == wanted),
                "{wanted}: {compared:?}"
            );
        }
        for part in [
            "\"band_high\": ",
            "\"extra\": {",
            "\"inherits\": \"",
            "\"after_level\": \"",
            "\"note\": \"",
            "\"name\": \"",
            "\"code\": null",
            "\"summary\": \"",
        ] {
            assert!(all.contains(part), "no export holds {part}");
        }
    }

    fn generated(seed: u64, levels: usize) -> Ladder {
        let dir = tempfile::tempdir().expect("temp dir");
        let tracks = gen::gen_ladder(seed, levels);
        for (rel, text) in gen::ladder_files(&tracks, levels) {
            let path = dir.path().join(rel);
            std::fs::create_dir_all(path.parent().expect("a folder")).expect("mkdir");
            std::fs::write(path, text).expect("write");
        }
        load_dir(dir.path())
    }

    #[test]
    fn the_export_is_the_value_built_one_on_generated_ladders() {
        assert_same_export(&generated(42, 300), "300 levels, seed 42");
        for seed in 1..=4 {
            assert_same_export(&generated(seed, 40), &format!("40 levels, seed {seed}"));
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

        /// Any text (quotes, control characters, any Unicode), any band, any number in
        /// an extra key: the bytes are still the `Value`-built export's.
        #[test]
        fn the_export_is_the_value_built_one_whatever_the_text(
            texts in proptest::collection::vec(proptest::prelude::any::<String>(), 12),
            band in proptest::prelude::any::<i64>(),
            band_high in proptest::option::of(proptest::prelude::any::<i64>()),
            number in proptest::prelude::any::<f64>(),
            integer in proptest::prelude::any::<i64>(),
        ) {
            let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
            let mut ladder = load_dir(&root.join("tests/fixtures/site-basic"));
            ladder.config.title = texts[0].clone();
            ladder.config.bands.insert(band, texts[1].clone());
            ladder.home.title = Some(texts[2].clone());
            ladder.home.body.source = texts[3].clone().into();
            let track = Arc::make_mut(&mut ladder.tracks[0]);
            track.title.value = texts[4].clone();
            track.summary = Some(texts[5].clone());
            track.extra.insert(texts[6].clone(), json!(number));
            track.extra.insert("list".into(), json!([integer, texts[7], null, true]));
            let level = &mut track.levels[0];
            level.band.value = band;
            level.band_high = band_high;
            level.title.value = texts[8].clone();
            if let Some(code) = &mut level.code {
                code.value = texts[9].clone();
            }
            if let Some(section) = &mut level.section {
                section.note = Some(texts[10].clone());
            }
            if let Some(c) = level.competencies.first_mut() {
                c.body.text = texts[11].clone().into();
                c.id.explicit = true;
            }
            level.extra.insert(texts[11].clone(), json!({ "n": integer, "x": number }));
            ladder.bands.entry(band).or_default().push(LevelRef { track: 0, level: 0 });
            let new = json_bytes(|l, out| write_json(l, out), &ladder);
            let old = json_bytes(|l, out| oracle_json::write_json(l, out), &ladder);
            proptest::prop_assert_eq!(new, old);
        }
    }

    #[test]
    fn the_config_schema_offers_only_the_severities_ladder_yaml_accepts() {
        let schema = config_schema();
        let lints = &schema["properties"]["lints"]["properties"];
        assert_eq!(lints["front-matter"]["enum"], json!(["error"]));
        assert_eq!(lints["io"]["enum"], json!(["error"]));
        assert_eq!(
            lints["band-gap"]["enum"],
            json!(["error", "warning", "allow"])
        );
    }

    fn track(id: &str, bands: &[i64]) -> InputFile {
        let mut text = format!("---\ntitle: {id}\nlevels:\n");
        for b in bands {
            text.push_str(&format!(
                "  - {{ title: L{b}, code: {id}{b}, band: {b} }}\n"
            ));
        }
        text.push_str("---\n");
        for b in bands {
            text.push_str(&format!("\n## L{b}\n\nText.\n"));
        }
        InputFile {
            path: Arc::from(format!("content/{id}.md").as_str()),
            bytes: Arc::from(text.into_bytes()),
        }
    }

    /// Band peers are listed once per band, not under every level: the export stays
    /// linear in the size of the ladder however many tracks share a band.
    #[test]
    fn every_level_is_listed_once_under_its_band() {
        let files = InputFiles {
            content: vec![track("a", &[1, 2]), track("b", &[1, 2]), track("c", &[2])],
            ..InputFiles::default()
        };
        let json: Value =
            serde_json::from_str(&to_json(&load_files(&files).ladder)).expect("valid JSON");
        let listed: Vec<(i64, String)> = json["bands"]
            .as_array()
            .into_iter()
            .flatten()
            .flat_map(|b| {
                let band = b["band"].as_i64().unwrap_or_default();
                b["levels"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(move |l| (band, l.as_str().unwrap_or_default().to_string()))
            })
            .collect();
        assert_eq!(
            listed,
            [
                (2, "a/l2".to_string()),
                (2, "b/l2".to_string()),
                (2, "c/l2".to_string()),
                (1, "a/l1".to_string()),
                (1, "b/l1".to_string()),
            ]
        );
        for t in json["tracks"].as_array().into_iter().flatten() {
            for l in t["levels"].as_array().into_iter().flatten() {
                assert!(l.get("band_peers").is_none(), "{l}");
            }
        }
    }

    /// A level inheriting from another exports its own responsibilities and the
    /// reference to the level it inherits from, not a copy of the ancestor's list.
    #[test]
    fn a_level_exports_its_own_responsibilities_and_its_inherits() {
        let text = "---\ntitle: T\nlevels:\n  - {title: A, code: A1, band: 1}\n  \
                    - {title: B, code: B1, band: 2, inherits: a}\n---\n\n\
                    ## A\n\n**Responsibilities:**\n\n- Fix bugs\n- Write tests\n\n\
                    ## B\n\n**Responsibilities:**\n\n- Plan the quarter\n";
        let files = InputFiles {
            content: vec![InputFile {
                path: Arc::from("content/t.md"),
                bytes: Arc::from(text.as_bytes()),
            }],
            ..InputFiles::default()
        };
        let ladder = load_files(&files).ladder;
        let json: Value = serde_json::from_str(&to_json(&ladder)).expect("valid JSON");
        assert_eq!(json["schema_version"], 4);
        let b = &json["tracks"][0]["levels"][1];
        assert_eq!(b["id"], "b");
        assert_eq!(b["inherits"], "t/a");
        assert_eq!(
            b["responsibilities"],
            json!([{
                "id": "plan-the-quarter",
                "id_explicit": false,
                "markdown": "Plan the quarter",
                "text": "Plan the quarter"
            }])
        );
        assert_eq!(json["tracks"][0]["levels"][0]["inherits"], Value::Null);

        // The CSV likewise: B's row holds its own line and names what it inherits.
        let csv = to_csv(&ladder);
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(
            lines[0],
            "track,track_title,level,level_title,code,band,band_name,competency,text,inherits,item_ids"
        );
        assert_eq!(
            lines.last().copied(),
            Some("t,T,b,B,B1,2,,Responsibilities,Plan the quarter,t/a,")
        );
        assert_eq!(csv.matches("Fix bugs").count(), 1, "{csv}");
    }
}

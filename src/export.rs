//! The model for other tools: JSON (a stable, documented shape with `schema_version`),
//! CSV (one row per level × competency, for spreadsheets), and JSON Schemas of the
//! inputs (track front matter, ladder.yaml) for editors such as yaml-language-server.
//!
//! The JSON shape is written out explicitly rather than derived from the model's
//! internals, so that refactoring the model does not silently change the export.
//! Bump [`SCHEMA_VERSION`] when a field changes meaning or disappears.

use serde::ser::{Error as _, SerializeMap, SerializeSeq, Serializer};
use serde::Serialize;
use serde_json::{json, Value};

use crate::model::{Ladder, Level, Markdown, Span, Track};

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

fn markdown(md: &Markdown) -> Value {
    json!({ "markdown": md.source, "text": md.text })
}

fn source(span: &Span) -> Value {
    json!({ "file": &*span.file, "line": span.line, "column": span.col })
}

fn level_json(ladder: &Ladder, ti: usize, level: &Level) -> Value {
    // Own responsibilities only: copying the inherited ones into every level made the
    // file grow with the square of an `inherits` chain (1,000 levels: 72 MB).
    let responsibilities: Vec<Value> = level
        .responsibilities
        .iter()
        .map(|resp| {
            json!({
                "id": resp.id.id,
                "id_explicit": resp.id.explicit,
                "markdown": resp.body.source,
                "text": resp.body.text,
            })
        })
        .collect();
    let mut value = json!({
        "id": level.id.value,
        "title": level.title.value,
        // `null` for a level named by its title alone.
        "code": level.code(),
        "band": level.band.value,
        "band_name": ladder.band_name(level.band.value),
        "note": level.section.as_ref().and_then(|s| s.note.clone()),
        "url": format!("{}/{}/", ladder.tracks[ti].id.value, level.id.value),
        "inherits": level.inherits_ref.map(|i| ladder.level_key(i)),
        "summary": markdown(&level.summary),
        "competencies": level.competencies.iter().map(|c| json!({
            "id": c.id.id,
            "id_explicit": c.id.explicit,
            "label": c.label,
            "key": c.key,
            "anchor": c.anchor,
            "markdown": c.body.source,
            "text": c.body.text,
        })).collect::<Vec<_>>(),
        "responsibilities": responsibilities,
        "source": source(&level.span),
    });
    // Only a level spanning bands has it, so that the export of every other level is
    // what it was: `band` is then its lowest band.
    if let (Some(high), Value::Object(map)) = (level.band_high, &mut value) {
        map.insert("band_high".to_string(), json!(high));
    }
    with_extra(&mut value, &level.extra);
    value
}

/// Adds `extra` (front-matter keys ladder does not know) when there are any, so that a
/// ladder without them exports as before.
fn with_extra(value: &mut Value, extra: &crate::model::Extra) {
    if !extra.is_empty() {
        value["extra"] = json!(extra);
    }
}

fn track_json(ladder: &Ladder, ti: usize, track: &Track) -> Value {
    let mut value = json!({
        "id": track.id.value,
        "title": track.title.value,
        "summary": track.summary,
        "order": track.order,
        "path": track.path,
        "url": format!("{}/", track.id.value),
        "dimensions": track.dimensions.iter().map(|d| &d.value).collect::<Vec<_>>(),
        "intro": markdown(&track.intro),
        "prose": track.prose.iter().map(|p| json!({
            "title": p.title,
            "anchor": p.anchor,
            "after_level": p.after_level.map(|i| &track.levels[i].id.value),
            "markdown": p.body.source,
            "text": p.body.text,
        })).collect::<Vec<_>>(),
        "levels": track.levels.iter().map(|l| level_json(ladder, ti, l)).collect::<Vec<_>>(),
        "source": source(&track.span),
    });
    with_extra(&mut value, &track.extra);
    value
}

/// Every key of the export but `tracks`.
fn to_json_value_without_tracks(ladder: &Ladder) -> Value {
    json!({
        "schema_version": SCHEMA_VERSION,
        "title": ladder.config.title,
        "version": ladder.config.version,
        "home": { "title": ladder.home.title, "markdown": ladder.home.body.source },
        // A level's band peers are the other levels of its band here. Listing them
        // under every level instead grew with the square of the ladder (10,000 levels
        // in 1,000 tracks: ten million entries, a 315 MB file).
        "bands": ladder.bands.iter().rev().map(|(band, refs)| json!({
            "band": band,
            "name": ladder.band_name(*band),
            "levels": refs.iter().map(|r| ladder.level_key(*r)).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    })
}

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
    serde_json::to_writer_pretty(&mut out, &Streamed(ladder))?;
    out.write_all(b"\n")
}

/// The export (`ladder.json`), written one track at a time: the whole
/// tree of a 10,000-level ladder held about 450 MB at once, and `ladder build` writes
/// the export as the site's ladder.json while it renders everything else.
struct Streamed<'a>(&'a Ladder);

impl Serialize for Streamed<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let ladder = self.0;
        let Value::Object(head) = to_json_value_without_tracks(ladder) else {
            return Err(S::Error::custom("the export's head is not an object"));
        };
        // serde_json's maps keep keys sorted; "tracks" sorts last, after every key of
        // the head, so the bytes are those of the whole tree.
        let mut map = serializer.serialize_map(Some(head.len() + 1))?;
        for (key, value) in &head {
            map.serialize_entry(key, value)?;
        }
        map.serialize_entry("tracks", &Tracks(ladder))?;
        map.end()
    }
}

struct Tracks<'a>(&'a Ladder);

impl Serialize for Tracks<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let ladder = self.0;
        let mut seq = serializer.serialize_seq(Some(ladder.tracks.len()))?;
        for (ti, t) in ladder.tracks.iter().enumerate() {
            seq.serialize_element(&track_json(ladder, ti, t))?;
        }
        seq.end()
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
            .map(|r| r.body.text.as_str())
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{load_files, InputFile, InputFiles};
    use std::sync::Arc;

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

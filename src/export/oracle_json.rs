//! The export as it was written before it was serialized from borrowed structs: a
//! `serde_json::Value` tree per track. Kept for the tests, which hold the new writer to
//! its bytes.

use serde::ser::{Error as _, SerializeMap, SerializeSeq, Serializer};
use serde::Serialize;
use serde_json::{json, Value};

use super::SCHEMA_VERSION;
use crate::model::{Ladder, Level, Markdown, Span, Track};

pub fn write_json(ladder: &Ladder, mut out: impl std::io::Write) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut out, &Streamed(ladder))?;
    out.write_all(b"\n")
}

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

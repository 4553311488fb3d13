//! The site's JSON files: `data/search.json` (the client-side search index),
//! `data/levels.json` (what the compare picker puts side by side) and `ladder.json`
//! (the export, for tools).
//!
//! Text in these files is data, never markup, except the `html` fields, which hold the
//! same sanitised HTML the pages show. The scripts insert titles with `textContent`.

use serde::Serialize;
use std::io::Write;

use super::views::{page_anchor, responsibility_anchor, Views};
use crate::model::{Ladder, Level, LevelRef};

/// One search hit: a track, a level, a competency or a responsibility.
#[derive(Serialize)]
struct Entry<'a> {
    /// Kind: `track`, `level`, `competency`, `responsibility`.
    k: &'static str,
    /// Title shown in the results.
    t: &'a str,
    /// Context line: the level and track it belongs to.
    c: String,
    /// URL with anchor.
    u: String,
    /// Text searched and shown as a snippet.
    x: &'a str,
}

/// Writes a JSON array one element at a time: the bytes `serde_json::to_writer` gives
/// for a `Vec` of the same elements, without holding them all (at 10,000 levels the
/// search index has 120,000 entries).
struct ArrayWriter<'w> {
    out: &'w mut dyn Write,
    first: bool,
}

impl<'w> ArrayWriter<'w> {
    fn open(out: &'w mut dyn Write) -> anyhow::Result<ArrayWriter<'w>> {
        out.write_all(b"[")?;
        Ok(ArrayWriter { out, first: true })
    }

    fn push<T: Serialize>(&mut self, value: &T) -> anyhow::Result<()> {
        if !std::mem::take(&mut self.first) {
            self.out.write_all(b",")?;
        }
        Ok(serde_json::to_writer(&mut *self.out, value)?)
    }

    fn close(self) -> anyhow::Result<()> {
        Ok(self.out.write_all(b"]")?)
    }
}

pub fn search_index(views: &Views<'_>, out: &mut dyn Write) -> anyhow::Result<()> {
    let ladder = views.ladder;
    let mut entries = ArrayWriter::open(out)?;
    for (p, page) in ladder.pages.iter().enumerate() {
        entries.push(&Entry {
            k: "page",
            t: &page.title,
            c: "Page".to_string(),
            u: views.urls.page(&super::urls::page_dir(ladder, p)),
            x: &page.body.text,
        })?;
    }
    for (t, track) in ladder.tracks.iter().enumerate() {
        let track_url = views.urls.track(ladder, t);
        entries.push(&Entry {
            k: "track",
            t: &track.title.value,
            c: format!("Track · {} levels", track.levels.len()),
            u: track_url.clone(),
            x: track.summary.as_deref().unwrap_or(&track.intro.text),
        })?;
        for (l, level) in track.levels.iter().enumerate() {
            let url = views.urls.level(ladder, LevelRef { track: t, level: l });
            let context = match level.code() {
                Some(code) => format!("{} · {code} · {}", level.title.value, track.title.value),
                None => format!("{} · {}", level.title.value, track.title.value),
            };
            entries.push(&Entry {
                k: "level",
                t: &level.title.value,
                c: match level.code() {
                    Some(code) => {
                        format!(
                            "{code} · {} · band {}",
                            track.title.value,
                            level.band_label()
                        )
                    }
                    None => format!("{} · band {}", track.title.value, level.band_label()),
                },
                u: url.clone(),
                x: &level.summary.text,
            })?;
            for c in &level.competencies {
                entries.push(&Entry {
                    k: "competency",
                    t: &c.label,
                    c: context.clone(),
                    u: format!("{url}#{}", page_anchor(&c.anchor)),
                    x: &c.body.text,
                })?;
            }
            for r in &level.responsibilities {
                entries.push(&Entry {
                    k: "responsibility",
                    t: &r.body.text,
                    c: context.clone(),
                    u: format!("{url}#{}", responsibility_anchor(&r.id.id)),
                    x: "",
                })?;
            }
        }
    }
    entries.close()
}

/// Fields in alphabetical order: the file was first written through a `json!` tree,
/// whose keys come out sorted, and is written in the same order now that it is
/// serialized straight from this struct.
#[derive(Serialize)]
struct PickerLevel<'a> {
    band: i64,
    /// Only for a level spanning bands, so that other levels' data stays as it was.
    #[serde(skip_serializing_if = "Option::is_none")]
    band_high: Option<i64>,
    band_name: Option<&'a str>,
    code: Option<&'a str>,
    /// `[key, label, html]` for each competency, in order.
    competencies: Vec<(&'a str, &'a str, &'a str)>,
    /// Key of the level it inherits from; the script walks the chain, so that the
    /// file stays linear in the size of the ladder.
    inherits: Option<String>,
    key: String,
    /// HTML of each of the level's own responsibilities.
    responsibilities: Vec<&'a str>,
    /// Item id of each of the level's own responsibilities (its anchor is `r-<id>`).
    responsibility_ids: Vec<&'a str>,
    summary: &'a str,
    title: &'a str,
    track: &'a str,
    url: &'a str,
}

pub fn picker_data(views: &Views<'_>, out: &mut dyn Write) -> anyhow::Result<()> {
    // `{"levels":[...]}` written level by level: the bytes of the struct it was
    // serialized from, without a copy of every level at once.
    out.write_all(b"{\"levels\":")?;
    let mut levels = ArrayWriter::open(out)?;
    // One track's text at a time (a scope), not the whole ladder's at once.
    for (t, track) in views.ladder.tracks.iter().enumerate() {
        let scope = views.with_tracks(vec![t]);
        for (l, level) in track.levels.iter().enumerate() {
            let r = LevelRef { track: t, level: l };
            picker_level(&scope, r, level, &mut levels)?;
        }
    }
    levels.close()?;
    Ok(out.write_all(b"}")?)
}

fn picker_level(
    views: &Views<'_>,
    r: LevelRef,
    level: &Level,
    levels: &mut ArrayWriter<'_>,
) -> anyhow::Result<()> {
    let v = views.level(r);
    levels.push(&PickerLevel {
        key: views.ladder.level_key(r),
        title: v.title,
        code: v.code,
        band: v.band,
        band_high: v.band_high,
        band_name: v.band_name,
        track: v.track.title,
        url: &v.url,
        summary: &v.summary,
        competencies: v
            .competencies
            .iter()
            .map(|c| (c.key, c.label, c.html.as_str()))
            .collect(),
        responsibilities: v.responsibilities.iter().map(|o| o.html.as_str()).collect(),
        responsibility_ids: v.responsibilities.iter().map(|o| o.id).collect(),
        inherits: level.inherits_ref.map(|i| views.ladder.level_key(i)),
    })
}

/// `ladder.json`: the export of `ladder export --format json`, so that the site and
/// the command line give tools the same shape.
pub fn ladder_json(ladder: &Ladder, out: &mut dyn Write) -> anyhow::Result<()> {
    Ok(crate::export::write_json(ladder, out)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::{markdown::MarkdownRenderer, urls::Urls};

    /// The picker data is written straight from its structs now; its bytes stay those
    /// of the `json!` tree it was built as before (keys in sorted order), so that the
    /// site a build writes does not change.
    #[test]
    fn picker_data_keeps_the_bytes_of_the_json_tree() {
        let root =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/site-basic");
        let project = crate::load_project(&root).unwrap();
        let ladder = &project.ladder;
        let urls = Urls::new(&ladder.config.base_url);
        let md = MarkdownRenderer::new(ladder, &urls);
        let views = Views::new(ladder, &urls, &md);
        views.render_all();
        let mut streamed = Vec::new();
        picker_data(&views, &mut streamed).unwrap();
        let tree: serde_json::Value = serde_json::from_slice(&streamed).unwrap();
        assert_eq!(
            String::from_utf8(streamed).unwrap(),
            serde_json::to_string(&tree).unwrap()
        );
    }
}

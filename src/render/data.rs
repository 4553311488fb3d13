//! The site's JSON files: `data/search.json` (the client-side search index),
//! `data/levels.json` (what the compare picker puts side by side) and `ladder.json`
//! (the export, for tools).
//!
//! Text in these files is data, never markup, except the `html` fields, which hold the
//! same sanitised HTML the pages show. The scripts insert titles with `textContent`.

use serde::Serialize;

use super::views::Views;
use crate::model::{Ladder, LevelRef};

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

pub fn search_index(views: &Views<'_>) -> anyhow::Result<Vec<u8>> {
    let ladder = views.ladder;
    let mut entries = Vec::new();
    for (p, page) in ladder.pages.iter().enumerate() {
        entries.push(Entry {
            k: "page",
            t: &page.title,
            c: "Page".to_string(),
            u: views.urls.page(&super::urls::page_dir(ladder, p)),
            x: &page.body.text,
        });
    }
    for (t, track) in ladder.tracks.iter().enumerate() {
        let track_url = views.urls.track(ladder, t);
        entries.push(Entry {
            k: "track",
            t: &track.title.value,
            c: format!("Track · {} levels", track.levels.len()),
            u: track_url.clone(),
            x: track.summary.as_deref().unwrap_or(&track.intro.text),
        });
        for (l, level) in track.levels.iter().enumerate() {
            let view = views.level(LevelRef { track: t, level: l });
            let context = match level.code() {
                Some(code) => format!("{} · {code} · {}", level.title.value, track.title.value),
                None => format!("{} · {}", level.title.value, track.title.value),
            };
            entries.push(Entry {
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
                u: view.url.clone(),
                x: &level.summary.text,
            });
            for (c, cv) in level.competencies.iter().zip(&view.competencies) {
                entries.push(Entry {
                    k: "competency",
                    t: &c.label,
                    c: context.clone(),
                    u: format!("{}#{}", view.url, cv.anchor),
                    x: &c.body.text,
                });
            }
            for (i, r) in level.responsibilities.iter().enumerate() {
                entries.push(Entry {
                    k: "responsibility",
                    t: &r.body.text,
                    c: context.clone(),
                    u: format!("{}#responsibility-{}", view.url, i + 1),
                    x: "",
                });
            }
        }
    }
    Ok(serde_json::to_vec(&entries)?)
}

#[derive(Serialize)]
struct PickerLevel<'a> {
    key: String,
    title: &'a str,
    code: Option<&'a str>,
    band: i64,
    /// Only for a level spanning bands, so that other levels' data stays as it was.
    #[serde(skip_serializing_if = "Option::is_none")]
    band_high: Option<i64>,
    band_name: Option<&'a str>,
    track: &'a str,
    url: &'a str,
    summary: &'a str,
    /// `[key, label, html]` for each competency, in order.
    competencies: Vec<(&'a str, &'a str, &'a str)>,
    /// HTML of each of the level's own responsibilities.
    responsibilities: Vec<&'a str>,
    /// Key of the level it inherits from; the script walks the chain, so that the
    /// file stays linear in the size of the ladder.
    inherits: Option<String>,
}

pub fn picker_data(views: &Views<'_>) -> anyhow::Result<Vec<u8>> {
    let levels: Vec<PickerLevel> = views
        .ladder
        .levels()
        .map(|(r, _)| {
            let v = views.level(r);
            PickerLevel {
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
                inherits: views
                    .ladder
                    .level(r)
                    .inherits_ref
                    .map(|i| views.ladder.level_key(i)),
            }
        })
        .collect();
    Ok(serde_json::to_vec(
        &serde_json::json!({ "levels": levels }),
    )?)
}

/// `ladder.json`: the export of `ladder export --format json`, so that the site and
/// the command line give tools the same shape.
pub fn ladder_json(ladder: &Ladder) -> Vec<u8> {
    crate::export::to_json(ladder).into_bytes()
}

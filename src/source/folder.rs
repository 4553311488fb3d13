//! Track folders (SPEC 8.5): `content/<track>/_index.md` holds a track's front matter
//! (`levels` may be left out) and introduction, and every other Markdown file of the
//! folder whose front matter has a `band` is one level of it, its body the level's
//! section. A file there without `band` is a page of the track ([`super::page`]).
//!
//! Each file is parsed on its own (so `serve` re-parses only what changed); the level
//! files join their folder's track in [`gather`], which both `load_files` and `serve`
//! call before assembling the ladder.

use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::Arc;

use super::track::{build_level, ParsedTrack, RawLevel, Split, Src};
use super::yaml;
use crate::diagnostic::{Diagnostic, Lint};
use crate::model::{AnchorTarget, Extra, Markdown, Spanned, Track};

/// A level file as parsed: the level (with its section) inside a one-level track that
/// also holds what the file's body had besides (links, prose, anchors).
#[derive(Debug, Clone)]
pub struct LevelFile {
    /// Path relative to content/, e.g. `platform/senior.md`.
    pub path: String,
    /// `order` (or `weight`); files without one come after, by name.
    pub order: Option<i64>,
    /// Span of the `band` key's value, where an orphan level file is reported.
    pub band_span: crate::model::Span,
    pub track: Track,
}

/// The keys a level file's front matter may have besides a level's; any other is kept
/// under the level's `extra`.
const LEVEL_FILE_KEYS: &[&str] = &["title", "id", "code", "band", "inherits", "order", "weight"];

#[derive(Debug, Deserialize)]
struct Order {
    order: Option<yaml::Int>,
    weight: Option<yaml::Int>,
}

/// `content/<folder>/_index.md`: the front matter of a track folder.
pub fn is_folder_index(path: &str) -> bool {
    path.strip_prefix("content/")
        .and_then(|p| p.strip_suffix("/_index.md"))
        .is_some_and(|folder| !folder.is_empty())
}

/// Whether front matter makes a level file: it has `band` (and no `levels`).
pub(super) fn is_level_front_matter(src: &Src, split: &Split) -> bool {
    let yaml = &src.text[split.yaml.clone()];
    if !(yaml.starts_with("band:") || yaml.contains("\nband:")) {
        return false;
    }
    yaml::from_str_in::<yaml::Keys>(src.path, src.text, split.yaml.start, split.yaml.end)
        .is_ok_and(|keys| keys.0.iter().any(|k| k.value == "band"))
}

/// Parses a level file of a track folder.
pub(super) fn level_file_from(src: &Src, split: Split) -> ParsedTrack {
    let (path, text) = (src.path, src.text);
    let (start, end) = (split.yaml.start, split.yaml.end);
    let mut diagnostics = Vec::new();
    let fail = |diagnostics| ParsedTrack {
        track: None,
        home: None,
        page: None,
        level_file: None,
        diagnostics,
    };
    let mut extra = Extra::new();
    if let Ok(keys) = yaml::from_str_in::<yaml::Keys>(path, text, start, end) {
        let names = yaml::extra_keys(path, text, start, &keys, LEVEL_FILE_KEYS, &mut diagnostics);
        if !names.is_empty() {
            if let Ok(all) = yaml::from_str_in::<Extra>(path, text, start, end) {
                extra = all.into_iter().filter(|(k, _)| names.contains(k)).collect();
            }
        }
    }
    let raw: RawLevel = match yaml::from_str_in(path, text, start, end) {
        Ok(raw) => raw,
        Err(d) => {
            diagnostics.push(d);
            return fail(diagnostics);
        }
    };
    let order = match yaml::from_str_in::<Order>(path, text, start, end) {
        Ok(o) => o.order.or(o.weight).map(|i| i.0),
        Err(d) => {
            diagnostics.push(d);
            None
        }
    };
    let fm_span = src.span(0, 3);
    let rel = path.strip_prefix("content/").unwrap_or(path).to_string();
    let stem = rel
        .rsplit('/')
        .next()
        .unwrap_or(&rel)
        .trim_end_matches(".md")
        .to_string();
    let Some(mut level) = build_level(src, start, &raw, fm_span.clone(), extra, &mut diagnostics)
    else {
        return fail(diagnostics);
    };
    // The file's name is the level's id unless `id` says otherwise (`build_level`
    // gives a defaulted id its title's span).
    let band_span = level.band.span.clone();
    if level.id.span == level.title.span {
        level.id = Spanned {
            value: crate::model::slugify(&stem),
            span: fm_span.clone(),
        };
    }
    let mut track = Track {
        id: Spanned {
            value: String::new(),
            span: fm_span.clone(),
        },
        title: level.title.clone(),
        summary: None,
        order: None,
        path: rel.clone(),
        dimensions: Vec::new(),
        intro: Markdown::default(),
        heading: None,
        prose: Vec::new(),
        level_rank: 1,
        levels: vec![level],
        links: Vec::new(),
        span: fm_span,
        extra: Extra::new(),
        heading_anchors: Vec::new(),
    };
    super::sections::section_level_file(src, split.body_start, &mut track, &mut diagnostics);
    ParsedTrack {
        track: None,
        home: None,
        page: None,
        level_file: Some(Arc::new(LevelFile {
            path: rel,
            order,
            band_span,
            track,
        })),
        diagnostics,
    }
}

/// Joins each level file to the track of its folder (the track whose file is that
/// folder's `_index.md`), after the levels the track lists itself, by `order`, then by
/// file name. A level file whose folder has no track is reported at its `band`.
pub fn gather(
    tracks: &mut [Arc<Track>],
    files: Vec<Arc<LevelFile>>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let mut by_folder: BTreeMap<&str, Vec<&LevelFile>> = BTreeMap::new();
    for f in &files {
        let folder = f.path.rsplit_once('/').map_or("", |(d, _)| d);
        by_folder.entry(folder).or_default().push(f);
    }
    for list in by_folder.values_mut() {
        list.sort_by(|a, b| {
            (a.order.unwrap_or(i64::MAX), &a.path).cmp(&(b.order.unwrap_or(i64::MAX), &b.path))
        });
    }
    for track in tracks.iter_mut() {
        let Some(folder) = track.path.strip_suffix("/_index.md") else {
            continue;
        };
        let Some(list) = by_folder.remove(folder) else {
            continue;
        };
        let t = Arc::make_mut(track);
        for f in list {
            let li = t.levels.len();
            let pi = t.prose.len();
            let ft = &f.track;
            t.levels.extend(ft.levels.iter().cloned());
            t.links.extend(ft.links.iter().cloned());
            t.prose.extend(ft.prose.iter().cloned().map(|mut p| {
                p.after_level = Some(li);
                p
            }));
            t.heading_anchors
                .extend(ft.heading_anchors.iter().map(|(a, target)| {
                    let target = match *target {
                        AnchorTarget::Level(l) => AnchorTarget::Level(l + li),
                        AnchorTarget::Prose(p) => AnchorTarget::Prose(p + pi),
                        AnchorTarget::Track => AnchorTarget::Level(li),
                    };
                    (a.clone(), target)
                }));
        }
    }
    for list in by_folder.into_values() {
        for f in list {
            let (message, help) = match f.path.rsplit_once('/') {
                Some((folder, _)) => (
                    format!(
                        "`band` makes content/{} a level file, but content/{folder}/ has no `_index.md` holding a track's front matter",
                        f.path
                    ),
                    format!(
                        "add content/{folder}/_index.md with the track's `title` (its levels are the files beside it), or remove `band` to make this a page"
                    ),
                ),
                None => (
                    format!(
                        "`band` makes content/{} a level file, but level files belong in a track's folder",
                        f.path
                    ),
                    "move it into content/<track>/ beside that track's _index.md, or list the level under `levels:` of a track file".to_string(),
                ),
            };
            diagnostics.push(
                Diagnostic::new(Lint::FrontMatter, f.band_span.clone(), message)
                    .with_label("a level's key")
                    .with_help(help),
            );
        }
    }
}

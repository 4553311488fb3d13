//! A Markdown file of content/ that is not a track (SPEC 8.4): no front matter, or
//! front matter without `levels`. An FAQ, "how promotions work", a README: rendered at
//! `/<id>/` with its `title` (else its first H1, else its file name), its links checked
//! like a track's. `README.md` at the root of content/ is the home page when there is
//! no `_index.md` ([`super::gather`] decides that, seeing every file).

use serde::Deserialize;
use std::sync::Arc;

use super::labels::markdown_at;
use super::markdown::{self, Block};
use super::track::{links_in, ParsedTrack, Split, Src};
use super::yaml;
use crate::diagnostic::Diagnostic;
use crate::model::{github_anchor, slugify, AnchorCounter, Extra, Page};

/// The keys a page's front matter may have; any other is kept under `extra`.
const PAGE_KEYS: &[&str] = &["title", "summary", "description", "order", "weight"];

#[derive(Debug, Deserialize)]
struct RawPage {
    title: Option<String>,
    summary: Option<String>,
    description: Option<String>,
    order: Option<yaml::Int>,
    weight: Option<yaml::Int>,
}

/// Whether front matter makes a track: it has `levels` (or a near miss of it, which
/// the track's reader reports), or `dimensions`, which only a track has.
pub(super) fn is_track_front_matter(src: &Src, split: &Split) -> bool {
    let (start, end) = (split.yaml.start, split.yaml.end);
    let yaml = &src.text[start..end];
    if yaml.trim().is_empty() {
        return false;
    }
    // Nearly every track says so on a line of its own: no need to parse for it.
    if yaml.starts_with("levels:") || yaml.contains("\nlevels:") {
        return true;
    }
    match yaml::from_str_in::<yaml::Keys>(src.path, src.text, start, end) {
        // Not a mapping, or not YAML: the track's reader says what is wrong.
        Err(_) => true,
        Ok(keys) => keys.0.iter().any(|k| {
            let k = k.value.as_str();
            k == "levels"
                || k == "dimensions"
                || crate::diagnostic::did_you_mean(k, ["levels"]).is_some()
        }),
    }
}

/// Parses a page; `split` is its front matter, if any.
pub(super) fn page_from(src: &Src, split: Option<Split>) -> ParsedTrack {
    let (path, text) = (src.path, src.text);
    let mut diagnostics: Vec<Diagnostic> = Vec::new();
    let rel = path.strip_prefix("content/").unwrap_or(path).to_string();
    let stem = rel.trim_end_matches(".md");
    let mut page = Page {
        // `technical/faq.md` is published under its folder, `/technical/faq/`: in a
        // track's folder, a page of that track (SPEC 8.5).
        id: stem.split('/').map(slugify).collect::<Vec<_>>().join("/"),
        path: rel.clone(),
        title: stem.rsplit('/').next().unwrap_or(stem).to_string(),
        summary: None,
        order: None,
        body: Default::default(),
        links: Vec::new(),
        heading_anchors: Vec::new(),
        extra: Extra::new(),
        span: src.span(0, 0),
    };
    let mut title_given = false;
    let body_start = match &split {
        Some(split) => {
            let (start, end) = (split.yaml.start, split.yaml.end);
            if !text[start..end].trim().is_empty() {
                match yaml::from_str_in::<RawPage>(path, text, start, end) {
                    Ok(raw) => {
                        if let Some(t) = raw.title {
                            page.title = t;
                            title_given = true;
                        }
                        page.summary = raw.summary.or(raw.description);
                        page.order = raw.order.or(raw.weight).map(|o| o.0);
                    }
                    Err(d) => diagnostics.push(d),
                }
                if let Ok(keys) = yaml::from_str_in::<yaml::Keys>(path, text, start, end) {
                    let extra =
                        yaml::extra_keys(path, text, start, &keys, PAGE_KEYS, &mut diagnostics);
                    if !extra.is_empty() {
                        if let Ok(all) = yaml::from_str_in::<Extra>(path, text, start, end) {
                            page.extra =
                                all.into_iter().filter(|(k, _)| extra.contains(k)).collect();
                        }
                    }
                }
            }
            split.body_start
        }
        None => 0,
    };
    let body = &text[body_start..];
    let (blocks, _) = markdown::blocks(body);
    // The first H1, when it opens the page, is its title (shown once, as the page's).
    let mut content_start = body_start;
    if let Some(Block::Heading {
        level: pulldown_cmark::HeadingLevel::H1,
        text: h,
        range,
        ..
    }) = blocks.first()
    {
        if !title_given {
            page.title = h.clone();
        }
        content_start = body_start + range.end;
    }
    let mut counter = AnchorCounter::default();
    for block in &blocks {
        if let Block::Heading { text: h, .. } = block {
            page.heading_anchors.push(counter.unique(github_anchor(h)));
        }
    }
    page.body = markdown_at(src, content_start..text.len());
    page.links = links_in(src, body_start);
    ParsedTrack {
        track: None,
        home: None,
        page: Some(Arc::new(page)),
        level_file: None,
        diagnostics,
    }
}

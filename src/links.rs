//! Where a link or image written in Markdown points: the one resolver that the front
//! end (which stores each link's target in the model, for `check` to report the
//! dangling ones) and the renderer (which rewrites every link and image of every page)
//! both call, so that what `check` accepts is exactly what the site links to.
//!
//! A destination is percent-decoded once (`my%20track.md`, `%C3%A9quipe.md`: the form
//! GitHub and editors write), then joined onto the folder of the Markdown file that
//! holds it; a path that starts with `/` starts at content/ (the site root). It names a
//! track file (`managing.md#team-lead`), an anchor of the same page (`#notes`) or a
//! content asset: any other file of content/, which the site publishes at the same
//! path (content/img/diagram.png → `<base_url>img/diagram.png`). Web links are not the
//! ladder's to resolve. Turning a resolution into a URL is the renderer's job.

use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use crate::model::{AnchorTarget, Assets, LevelRef, Link, LinkTarget, Page, Span, Track};

/// The file a link is written in: its path relative to content/ and, when it is a
/// track, that track's index in the ladder.
#[derive(Debug, Clone, Copy)]
pub struct Origin<'a> {
    pub path: &'a str,
    pub track: Option<usize>,
}

impl<'a> Origin<'a> {
    /// `content/_index.md`, the home page.
    pub fn home() -> Origin<'a> {
        Origin {
            path: "_index.md",
            track: None,
        }
    }

    /// A page that is not a track, by its path relative to content/.
    pub fn page(path: &'a str) -> Origin<'a> {
        Origin { path, track: None }
    }

    pub fn track(tracks: &'a [Arc<Track>], track: usize) -> Origin<'a> {
        Origin {
            path: &tracks[track].path,
            track: Some(track),
        }
    }
}

/// What a destination resolves to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolved {
    /// Not the ladder's to resolve: a web link, `mailto:`, a bare `#`, or an anchor on
    /// the home page (which has no levels or sections to name). Kept as written.
    Keep,
    /// A page of the site (a track, a level, a section of a track page).
    Page(LinkTarget),
    /// A content asset, by its path relative to content/ (decoded).
    Asset(String),
    /// A site-root path (`/logo.svg`) that names no file of content/: a file of
    /// static/ or a page of the site. Not checked; the renderer puts it under base_url.
    SiteRoot(String),
    /// A reference to nothing (lint `dangling-reference`).
    Dangling(Dangling),
}

/// Why a destination names nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Dangling {
    /// No track file or content asset at `path` (relative to content/, decoded).
    NoFile { path: String },
    /// Track `track` has no level or section `anchor` (decoded).
    NoAnchor { track: usize, anchor: String },
    /// The path climbs above content/, which the site does not publish.
    Outside,
    /// Page `page` has no heading whose anchor is `anchor` (decoded).
    NoPageAnchor { page: usize, anchor: String },
}

/// The parts of a destination as written, decoded.
struct Parts<'d> {
    /// The file part, decoded; empty for a same-page anchor.
    file: Cow<'d, str>,
    anchor: Option<Cow<'d, str>>,
}

/// Whether `dest` is a web link (or another scheme) rather than a path of the ladder.
pub fn is_external(dest: &str) -> bool {
    let scheme = dest
        .split_once(':')
        .is_some_and(|(s, _)| !s.is_empty() && !s.contains(['/', '#', '?']));
    scheme || dest.starts_with("//")
}

fn parts(dest: &str) -> Parts<'_> {
    let (path, anchor) = match dest.split_once('#') {
        Some((p, a)) => (p, Some(a)),
        None => (dest, None),
    };
    // `diagram.png?raw=true`, as GitHub READMEs write images: the query is not part
    // of the file's name.
    let path = path.split_once('?').map_or(path, |(p, _)| p);
    Parts {
        file: percent_decode_str(path).decode_utf8_lossy(),
        anchor: anchor.map(|a| percent_decode_str(a).decode_utf8_lossy()),
    }
}

/// A link as the front end stores it (unresolved), or `None` for a web link.
pub fn written(dest: &str, span: Span) -> Option<Link> {
    if is_external(dest) || dest.is_empty() || dest == "#" {
        return None;
    }
    Some(Link {
        dest: dest.to_string(),
        target: None,
        span,
    })
}

/// Joins a path onto a folder of content/ (`eng` + `../x.md` → `x.md`; a path that
/// starts with `/` starts at content/). `None` when it climbs above content/.
pub fn join(dir: &str, rel: &str) -> Option<String> {
    let mut parts: Vec<&str> = if rel.starts_with('/') {
        Vec::new()
    } else {
        dir.split('/').filter(|s| !s.is_empty()).collect()
    };
    for seg in rel.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

/// The folder of a path relative to content/ (`teams/backend.md` → `teams`).
fn folder(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(d, _)| d)
}

/// A path relative to content/ as a URL path: each segment percent-encoded.
pub fn url_path(path: &str) -> String {
    const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'.')
        .remove(b'_')
        .remove(b'~');
    path.split('/')
        .map(|s| utf8_percent_encode(s, SEGMENT).to_string())
        .collect::<Vec<_>>()
        .join("/")
}

/// Resolves destinations against one ladder's tracks and content assets.
/// Cheap to make; per-track lookups are built on first use (serve renders the pages of
/// one track after an edit, and building them for 10,000 levels cost milliseconds).
pub struct Resolver<'a> {
    tracks: &'a [Arc<Track>],
    pages: &'a [Arc<Page>],
    assets: &'a Assets,
    by_path: HashMap<&'a str, usize>,
    page_by_path: HashMap<&'a str, usize>,
    /// A track folder's level files (SPEC 8.5) by path, relative to content/.
    level_files: HashMap<&'a str, LevelRef>,
    /// The home page's file (`_index.md` or `README.md`), when there is one.
    home_path: &'a str,
    levels: Vec<OnceLock<HashMap<&'a str, usize>>>,
    headings: Vec<OnceLock<HashMap<&'a str, AnchorTarget>>>,
}

impl<'a> Resolver<'a> {
    pub fn new(
        tracks: &'a [Arc<Track>],
        pages: &'a [Arc<Page>],
        home_path: &'a str,
        assets: &'a Assets,
    ) -> Resolver<'a> {
        let mut by_path = HashMap::with_capacity(tracks.len());
        for (i, t) in tracks.iter().enumerate() {
            // On duplicates the first wins (duplicate-id reports the rest).
            by_path.entry(t.path.as_str()).or_insert(i);
        }
        let page_by_path = pages
            .iter()
            .enumerate()
            .map(|(i, p)| (p.path.as_str(), i))
            .collect();
        let mut level_files = HashMap::new();
        for (ti, t) in tracks.iter().enumerate() {
            if !t.path.ends_with("/_index.md") {
                continue;
            }
            for (li, l) in t.levels.iter().enumerate() {
                if let Some(file) = l.span.file.strip_prefix("content/") {
                    if file != t.path {
                        level_files.insert(
                            file,
                            LevelRef {
                                track: ti,
                                level: li,
                            },
                        );
                    }
                }
            }
        }
        Resolver {
            level_files,
            tracks,
            pages,
            assets,
            by_path,
            page_by_path,
            home_path,
            levels: tracks.iter().map(|_| OnceLock::new()).collect(),
            headings: tracks.iter().map(|_| OnceLock::new()).collect(),
        }
    }

    /// The index of level `id` in track `track`; the first wins on duplicates.
    pub fn level(&self, track: usize, id: &str) -> Option<usize> {
        self.levels[track]
            .get_or_init(|| {
                let mut m = HashMap::new();
                for (i, l) in self.tracks[track].levels.iter().enumerate() {
                    m.entry(l.id.value.as_str()).or_insert(i);
                }
                m
            })
            .get(id)
            .copied()
    }

    /// Resolves `dest` written in the file `from`.
    pub fn resolve(&self, from: Origin<'_>, dest: &str) -> Resolved {
        if is_external(dest) {
            return Resolved::Keep;
        }
        let Parts { file, anchor } = parts(dest);
        if file.is_empty() {
            return match (from.track, anchor) {
                (Some(track), Some(a)) if !a.is_empty() => self.anchor(track, &a),
                _ => Resolved::Keep,
            };
        }
        let Some(path) = join(folder(from.path), &file) else {
            return Resolved::Dangling(Dangling::Outside);
        };
        if let Some(&track) = self.by_path.get(path.as_str()) {
            return match anchor {
                Some(a) if !a.is_empty() => self.anchor(track, &a),
                _ => Resolved::Page(LinkTarget::Track(track)),
            };
        }
        if let Some(&r) = self.level_files.get(path.as_str()) {
            return Resolved::Page(LinkTarget::Level(r));
        }
        if let Some(&page) = self.page_by_path.get(path.as_str()) {
            return match anchor {
                Some(a)
                    if !a.is_empty()
                        && !self.pages[page]
                            .heading_anchors
                            .iter()
                            .any(|h| *h == a.to_lowercase()) =>
                {
                    Resolved::Dangling(Dangling::NoPageAnchor {
                        page,
                        anchor: a.to_string(),
                    })
                }
                _ => Resolved::Page(LinkTarget::Page(page)),
            };
        }
        if !self.home_path.is_empty() && (path == self.home_path || path == "_index.md") {
            return Resolved::Page(LinkTarget::Home);
        }
        if !path.ends_with(".md") && self.assets.contains_key(&path) {
            return Resolved::Asset(path);
        }
        if file.starts_with('/') && !path.ends_with(".md") {
            return Resolved::SiteRoot(path);
        }
        Resolved::Dangling(Dangling::NoFile { path })
    }

    /// An anchor of track `track`: a level id, a prose section's anchor, or the GitHub
    /// anchor of any heading of the file (`#d1---developer-1`, written to work on
    /// GitHub), which leads to the level or section the heading stands in.
    fn anchor(&self, track: usize, anchor: &str) -> Resolved {
        let t = &self.tracks[track];
        let level = |level| Resolved::Page(LinkTarget::Level(LevelRef { track, level }));
        let prose = |prose| Resolved::Page(LinkTarget::Prose { track, prose });
        if let Some(l) = self.level(track, anchor) {
            return level(l);
        }
        if let Some(p) = t.prose.iter().position(|p| p.anchor == anchor) {
            return prose(p);
        }
        // GitHub anchors are lowercase; a link written with capitals still works there.
        let lower = anchor.to_lowercase();
        let headings = self.headings[track].get_or_init(|| {
            t.heading_anchors
                .iter()
                .map(|(a, target)| (a.as_str(), *target))
                .collect()
        });
        match headings.get(lower.as_str()) {
            Some(AnchorTarget::Level(l)) => level(*l),
            Some(AnchorTarget::Prose(p)) => prose(*p),
            Some(AnchorTarget::Track) => Resolved::Page(LinkTarget::Track(track)),
            None => Resolved::Dangling(Dangling::NoAnchor {
                track,
                anchor: anchor.to_string(),
            }),
        }
    }

    /// What the model stores for a link: its target, `None` when it is dangling.
    pub fn target(&self, from: Origin<'_>, dest: &str) -> Option<LinkTarget> {
        match self.resolve(from, dest) {
            Resolved::Page(t) => Some(t),
            Resolved::Asset(_) => Some(LinkTarget::Asset),
            Resolved::Keep | Resolved::SiteRoot(_) => Some(LinkTarget::Unchecked),
            Resolved::Dangling(_) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_join_onto_the_linking_files_folder() {
        assert_eq!(join("teams", "../img/a.png").as_deref(), Some("img/a.png"));
        assert_eq!(join("teams", "/img/a.png").as_deref(), Some("img/a.png"));
        assert_eq!(join("", "./a.md").as_deref(), Some("a.md"));
        assert_eq!(join("", "../a.md"), None);
    }

    #[test]
    fn destinations_are_decoded_once() {
        let p = parts("my%20track.md#caf%C3%A9");
        assert_eq!(p.file, "my track.md");
        assert_eq!(p.anchor.as_deref(), Some("café"));
        // `%2520` is a literal `%20` in the name, not a space.
        assert_eq!(parts("a%2520b.png").file, "a%20b.png");
        assert_eq!(parts("img.png?raw=true").file, "img.png");
    }

    #[test]
    fn web_links_are_external() {
        for d in ["https://x.org/a.md", "mailto:a@b", "tel:1", "//cdn/x.png"] {
            assert!(is_external(d), "{d}");
        }
        for d in ["a.md", "#x", "img/a.png", "/a.png", "a.md#x:y"] {
            assert!(!is_external(d), "{d}");
        }
    }

    #[test]
    fn url_paths_are_encoded_per_segment() {
        assert_eq!(url_path("img/my diagram.png"), "img/my%20diagram.png");
        assert_eq!(url_path("équipe/a-b_c.svg"), "%C3%A9quipe/a-b_c.svg");
    }
}

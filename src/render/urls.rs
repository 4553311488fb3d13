//! Where every page lives: output file paths and the URLs that link to them.
//!
//! Every link the site writes is built here, from `base_url`, so that a site served
//! under a sub-path (`/careers/ladder/`) works everywhere, including on the 404 page,
//! which a server returns at arbitrary paths (relative links would break there).

use std::borrow::Cow;

use crate::model::{path_segment, Ladder, LevelRef};

/// Builds URLs (with `base_url`) and output paths (relative to the site root).
#[derive(Debug, Clone)]
pub struct Urls {
    base: String,
}

impl Urls {
    /// `base_url` as in ladder.yaml; a missing trailing `/` is added.
    pub fn new(base_url: &str) -> Urls {
        let mut base = base_url.trim().to_string();
        if !base.ends_with('/') {
            base.push('/');
        }
        Urls { base }
    }

    /// The site root, e.g. `/careers/ladder/`.
    pub fn root(&self) -> &str {
        &self.base
    }

    /// A page or file by its path under the site root, e.g. `compare/` or `ladder.json`.
    pub fn page(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub fn track(&self, ladder: &Ladder, track: usize) -> String {
        self.page(&track_dir(ladder, track))
    }

    pub fn level(&self, ladder: &Ladder, r: LevelRef) -> String {
        self.page(&level_dir(ladder, r))
    }

    pub fn band(&self, band: i64) -> String {
        self.page(&band_dir(band))
    }
}

/// An id as a path segment (see [`path_segment`]).
pub fn segment(id: &str) -> Cow<'_, str> {
    path_segment(id)
}

/// `technical/`
pub fn track_dir(ladder: &Ladder, track: usize) -> String {
    format!("{}/", segment(&ladder.tracks[track].id.value))
}

/// `technical/senior/`
pub fn level_dir(ladder: &Ladder, r: LevelRef) -> String {
    let t = &ladder.tracks[r.track];
    format!(
        "{}/{}/",
        segment(&t.id.value),
        segment(&t.levels[r.level].id.value)
    )
}

/// `faq/`: a page that is not a track.
pub fn page_dir(ladder: &Ladder, page: usize) -> String {
    let segments: Vec<Cow<'_, str>> = ladder.pages[page].id.split('/').map(segment).collect();
    format!("{}/", segments.join("/"))
}

/// `compare/5/`
pub fn band_dir(band: i64) -> String {
    format!("compare/{band}/")
}

/// The file that serves a directory URL: `technical/` → `technical/index.html`.
pub fn index_file(dir: &str) -> String {
    format!("{dir}index.html")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_url_is_prefixed_everywhere() {
        let u = Urls::new("/careers/ladder");
        assert_eq!(u.root(), "/careers/ladder/");
        assert_eq!(u.page("compare/"), "/careers/ladder/compare/");
        assert_eq!(u.band(-1), "/careers/ladder/compare/-1/");
    }

    #[test]
    fn unsafe_ids_become_slugs() {
        assert_eq!(segment("team-lead"), "team-lead");
        assert_eq!(segment("../etc"), "etc");
        assert_eq!(segment("a/b"), "a-b");
        assert_eq!(segment(""), "untitled");
    }
}

//! Incremental rebuilds: the part of `ladder serve` that turns "these files changed"
//! into a new site, doing as little work as the change allows.
//!
//! A [`Session`] keeps, between builds:
//! - every content file's bytes and what [`source::parse_track`] (or `parse_home`) made
//!   of them, and the bytes of every content asset (the other files of content/, which
//!   the site publishes as they are). A changed file is read again and parsed again only when its bytes differ
//!   from the cached ones; an untouched file is neither read nor parsed. The cache is
//!   keyed by path and compared on the full bytes rather than a hash: the bytes are
//!   kept anyway for diagnostics, and an exact comparison cannot collide;
//! - ladder.yaml's bytes and the [`Config`] parsed from them;
//! - the compiled theme, loaded again only when templates/, static/, themes/ or
//!   ladder.yaml changed.
//!
//! Every build then re-runs the cheap whole-ladder steps, [`source::assemble`] and the
//! lints ([`check::check_project`]), and renders. So a content edit costs one parse +
//! assemble + lints + render, and a template edit costs a theme load + render.
//!
//! What it leaves to others: parsing, assembling, linting and rendering are the
//! pipeline's own functions (the same ones `ladder build` calls); the watcher decides
//! which paths changed ([`super::watch`]); publishing the result is the server's job.
//! Rendering goes through the [`SiteBuilder`] trait so that unit tests can count theme
//! loads and renders without the real renderer.

use crate::model::Track;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::config::Config;

/// How long a rebuild waits before reading a half-saved Markdown file again.
pub const HALF_SAVED_WAIT: Duration = Duration::from_millis(40);
use crate::diagnostic::{self, Diagnostic, Lint, Sources};
use crate::model::{Ladder, Span};
use crate::render::{Previous, SiteFiles};
use crate::source::{self, InputFile, ParsedTrack, Project};

/// The rendering step of a build: compile a theme, render a site with it.
pub trait SiteBuilder {
    type Theme;
    fn load_theme(&self, root: &Path, config: &Config) -> Result<Self::Theme, Vec<Diagnostic>>;
    /// Renders the site of `ladder`. `previous` is the last site this builder
    /// rendered with the same theme, which it may reuse files of.
    fn render(
        &self,
        ladder: Arc<Ladder>,
        theme: &Arc<Self::Theme>,
        previous: Option<&Previous>,
    ) -> anyhow::Result<SiteFiles>;
}

/// The real renderer of `crate::render`, the one `ladder build` uses.
pub struct Renderer;

impl SiteBuilder for Renderer {
    type Theme = crate::render::Theme;

    fn load_theme(&self, root: &Path, config: &Config) -> Result<Self::Theme, Vec<Diagnostic>> {
        crate::render::Theme::load(root, config)
    }

    fn render(
        &self,
        ladder: Arc<Ladder>,
        theme: &Arc<Self::Theme>,
        previous: Option<&Previous>,
    ) -> anyhow::Result<SiteFiles> {
        crate::render::render_update(ladder, theme.clone(), previous)
    }
}

/// What changed since the last build, as reported by the watcher.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Changes {
    /// Files (or folders) under content/ that were created, written, renamed or
    /// removed; absolute paths under the session's root.
    pub content: BTreeSet<PathBuf>,
    /// ladder.yaml changed.
    pub config: bool,
    /// Something under templates/, static/ or themes/ changed.
    pub theme: bool,
    /// Events may have been missed (or a watched folder appeared): read everything.
    pub rescan: bool,
}

impl Changes {
    pub fn is_empty(&self) -> bool {
        self.content.is_empty() && !self.config && !self.theme && !self.rescan
    }

    pub fn merge(&mut self, other: Changes) {
        self.content.extend(other.content);
        self.config |= other.config;
        self.theme |= other.theme;
        self.rescan |= other.rescan;
    }
}

/// The result of one build.
#[derive(Debug, Default)]
pub struct Build {
    /// The new site; `None` when the build failed (see `diagnostics` and `failure`)
    /// or found nothing to do (`unchanged`).
    pub site: Option<SiteFiles>,
    /// Nothing the site shows changed (a save without edits, a temporary file, an edit
    /// that leaves the model and its diagnostics as they were):
    /// the served site stays as it is.
    pub unchanged: bool,
    /// Diagnostics of the build, severities applied, sorted (errors make it fail).
    pub diagnostics: Vec<Diagnostic>,
    /// A failure that is not a diagnostic: the project or the renderer could not work.
    pub failure: Option<String>,
    /// Text of the files the diagnostics point into.
    pub sources: Sources,
    pub stats: BuildStats,
}

impl Build {
    /// A build that found nothing the site shows to have changed.
    fn unchanged(stats: BuildStats) -> Build {
        Build {
            unchanged: true,
            stats,
            ..Build::default()
        }
    }

    pub fn failed(&self) -> bool {
        self.site.is_none() && !self.unchanged
    }
}

/// What a build did, for the per-rebuild line and for tests.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BuildStats {
    /// Content files parsed in this build.
    pub parsed: usize,
    /// Whether the theme was compiled again in this build.
    pub theme_loaded: bool,
    /// Whether the site was rendered in this build (false when nothing changed).
    pub rendered: bool,
    /// Pages (HTML files) rendered in this build rather than kept from the last one;
    /// pages left for their first request are not counted.
    pub pages_rendered: usize,
    pub duration: Duration,
}

/// One content file as last read.
struct Cached {
    bytes: Arc<[u8]>,
    text: Arc<str>,
    /// The parse, its track taken out into `track`.
    parsed: ParsedTrack,
    /// The file's track: as parsed, then as the last build's model holds it (cross
    /// references resolved). `assemble` keeps it as it is when its references still
    /// resolve the same way, so an untouched track is never copied, and the cache
    /// holds one copy of it, not the parse's and the model's.
    track: Option<Arc<Track>>,
}

/// The state kept between rebuilds. See the module documentation.
pub struct Session<B: SiteBuilder> {
    root: PathBuf,
    builder: B,
    config_bytes: Option<Arc<[u8]>>,
    config_text: Option<Arc<str>>,
    config: Config,
    config_diagnostics: Vec<Diagnostic>,
    /// Content files by path relative to the root (`content/x.md`).
    files: BTreeMap<Arc<str>, Cached>,
    /// Content assets by path relative to the root (`content/img/x.png`).
    assets: BTreeMap<Arc<str>, Arc<[u8]>>,
    /// Problems met while walking content/ (symlink loops, unreadable folders) and
    /// reading files, by the path they concern.
    read_diagnostics: BTreeMap<Arc<str>, Diagnostic>,
    theme: Option<Result<Arc<B::Theme>, Vec<Diagnostic>>>,
    /// The last site rendered with the current theme and the model it shows: an
    /// edit re-renders only the files it can have changed (see `render::render_update`).
    previous: Option<Previous>,
    /// Whether the last build produced a site (so an empty change needs no render).
    last_ok: bool,
    /// The diagnostics of the last build that produced a site.
    last_diagnostics: Vec<Diagnostic>,
    built: bool,
    /// Content files parsed since the session started.
    parses: usize,
    /// The per-track lint results of the last build.
    lint_cache: crate::check::TrackLints,
    /// The git tags' versions, read once (and again when the tags change), when the
    /// site shows its history: a save recomputes only the unreleased entry.
    history: Option<crate::diff::history::Cache>,
}

impl<B: SiteBuilder> Session<B> {
    pub fn new(root: &Path, builder: B) -> Session<B> {
        Session {
            root: root.to_path_buf(),
            builder,
            config_bytes: None,
            config_text: None,
            config: Config::default(),
            config_diagnostics: Vec::new(),
            files: BTreeMap::new(),
            assets: BTreeMap::new(),
            read_diagnostics: BTreeMap::new(),
            theme: None,
            previous: None,
            last_ok: false,
            last_diagnostics: Vec::new(),
            built: false,
            parses: 0,
            lint_cache: Default::default(),
            history: None,
        }
    }

    /// The settings of the last build, with `base_url` reduced to its path.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Content files parsed since the session started.
    pub fn parses(&self) -> usize {
        self.parses
    }

    /// The first build: reads everything.
    pub fn build_all(&mut self) -> Build {
        self.rebuild(&Changes {
            rescan: true,
            ..Changes::default()
        })
    }

    /// Rebuilds after `changes`, reusing what they did not touch.
    pub fn rebuild(&mut self, changes: &Changes) -> Build {
        let started = Instant::now();
        let mut stats = BuildStats::default();
        let parses_before = self.parses;

        let full = changes.rescan || changes.config || !self.built || needs_walk(changes);
        let mut config_changed = false;
        let mut content_changed = false;
        let mut failure = None;
        if full {
            match self.read_all() {
                Ok((c, f)) => {
                    config_changed = c;
                    content_changed = f;
                }
                Err(e) => failure = Some(format!("{e:#}")),
            }
        } else {
            content_changed = self.read_changed(&changes.content);
        }
        stats.parsed = self.parses - parses_before;

        let theme_changed = changes.theme || config_changed || self.theme.is_none();
        if theme_changed {
            self.theme = Some(
                self.builder
                    .load_theme(&self.root, &self.config)
                    .map(Arc::new),
            );
            self.previous = None;
            stats.theme_loaded = true;
        }

        if self.built
            && self.last_ok
            && failure.is_none()
            && !content_changed
            && !config_changed
            && !theme_changed
        {
            // Saved without a change (or only a temporary file moved): nothing to do.
            stats.duration = started.elapsed();
            return Build::unchanged(stats);
        }
        self.built = true;

        let mut project = self.project();
        // A track folder's track is joined from its files again on every build: its
        // cache keeps the `_index.md` alone.
        for track in project
            .ladder
            .tracks
            .iter()
            .filter(|t| !t.path.ends_with("/_index.md"))
        {
            if let Some(cached) = self
                .files
                .get_mut(format!("content/{}", track.path).as_str())
            {
                cached.track = Some(track.clone());
            }
        }
        let mut diagnostics =
            crate::check::check_project_cached(&project, false, &mut self.lint_cache);
        if project.ladder.config.history && !diagnostic::has_errors(&diagnostics) {
            project.ladder.history = self.history_of(&project, &diagnostics);
        }
        if let Some(Err(theme_diagnostics)) = &self.theme {
            for d in theme_diagnostics {
                // Templates are not in the project's sources; read the ones that
                // are files of the project so that the overlay can show the line.
                if project.sources.get(&d.span.file).is_none() {
                    if let Ok(text) = std::fs::read_to_string(self.root.join(&*d.span.file)) {
                        project.sources.insert(d.span.file.clone(), Arc::from(text));
                    }
                }
            }
            diagnostics.extend(theme_diagnostics.iter().cloned());
        }
        if matches!(&self.theme, Some(Err(d)) if !diagnostic::has_errors(d)) {
            failure = Some("the theme could not be loaded".into());
        }
        // An edit that leaves the model as it was (a blank line at the end of a file)
        // with the same diagnostics and theme gives the same site, byte for byte:
        // keep serving it rather than reload every open page for nothing.
        if self.last_ok
            && !theme_changed
            && failure.is_none()
            && diagnostics == self.last_diagnostics
            && self
                .previous
                .as_ref()
                .is_some_and(|p| same_model(&p.ladder, &project.ladder))
        {
            stats.duration = started.elapsed();
            return Build::unchanged(stats);
        }
        let mut site = None;
        if failure.is_none() && !diagnostic::has_errors(&diagnostics) {
            if let Some(Ok(theme)) = &self.theme {
                stats.rendered = true;
                let ladder = Arc::new(project.ladder);
                match self
                    .builder
                    .render(ladder.clone(), theme, self.previous.as_ref())
                {
                    Ok(s) => {
                        stats.pages_rendered =
                            pages_rendered(&s.files, self.previous.as_ref().map(|p| &p.site.files));
                        let old = self.previous.replace(Previous {
                            ladder,
                            site: s.clone(),
                        });
                        // Freeing the last site (thousands of pages at 10,000 levels)
                        // takes milliseconds the reload need not wait for.
                        rayon::spawn(move || drop(old));
                        site = Some(s);
                    }
                    Err(e) => failure = Some(format!("rendering the site: {e:#}")),
                }
            }
        }
        self.last_ok = site.is_some();
        if self.last_ok {
            self.last_diagnostics = diagnostics.clone();
        }
        stats.duration = started.elapsed();
        Build {
            site,
            unchanged: false,
            diagnostics,
            failure,
            sources: project.sources,
            stats,
        }
    }

    /// The history of the project's versions with `project` as the working tree, from
    /// the cached tags; a note about tags (none, one skipped) is printed when they
    /// are read, not on every save.
    fn history_of(
        &mut self,
        project: &Project,
        diagnostics: &[Diagnostic],
    ) -> Option<Arc<crate::history::History>> {
        let fresh = match &mut self.history {
            Some(cache) => cache.refresh(&self.root),
            None => {
                self.history = Some(crate::diff::history::Cache::read(&self.root));
                true
            }
        };
        // The same tags and the same model as the last build (a save that changed
        // nothing): the same history, without diffing the ladder against the last
        // tag again.
        if let Some(previous) = &self.previous {
            if !fresh
                && previous.ladder.history.is_some()
                && same_content(&previous.ladder, &project.ladder)
            {
                return previous.ladder.history.clone();
            }
        }
        let tags = &self.history.as_ref()?.tags;
        crate::diff::history::history_of(tags, project, diagnostics, fresh)
    }

    /// The project as `source::load_files` would make it, from the cache.
    fn project(&self) -> Project {
        let mut sources = Sources::default();
        let mut diagnostics: Vec<Diagnostic> = self.read_diagnostics.values().cloned().collect();
        if let Some(text) = &self.config_text {
            sources.insert(Arc::from(CONFIG), text.clone());
        }
        diagnostics.extend(self.config_diagnostics.iter().cloned());
        let mut home = None;
        let mut pages = Vec::new();
        for (path, cached) in &self.files {
            sources.insert(path.clone(), cached.text.clone());
            diagnostics.extend(cached.parsed.diagnostics.iter().cloned());
            if let Some(h) = &cached.parsed.home {
                home = Some(h.clone());
            }
            pages.extend(cached.parsed.page.clone());
        }
        let (home, pages) = source::home_and_pages(home, pages);
        let level_files: Vec<_> = self
            .files
            .values()
            .filter_map(|cached| cached.parsed.level_file.clone())
            .collect();
        // The tracks of the last build, shared; a file parsed since gives its new one.
        let mut tracks: Vec<Arc<Track>> = self
            .files
            .values()
            .filter_map(|cached| cached.track.clone())
            .collect();
        source::gather_track_folders(&mut tracks, level_files, &mut diagnostics);
        let assets = self
            .assets
            .iter()
            .filter_map(|(path, bytes)| {
                Some((path.strip_prefix("content/")?.to_string(), bytes.clone()))
            })
            .collect();
        let ladder = source::assemble(self.config.clone(), home, tracks, pages, Arc::new(assets));
        Project {
            ladder,
            sources,
            diagnostics,
        }
    }

    /// Reads ladder.yaml and every content file; parses the ones whose bytes changed.
    /// Returns whether the config and whether any content changed.
    fn read_all(&mut self) -> anyhow::Result<(bool, bool)> {
        let files = source::read_project_files(&self.root)?;
        let config_changed = self.update_config(files.config.as_ref().map(|f| f.bytes.clone()));
        let mut changed = false;
        let mut seen = BTreeSet::new();
        for file in files.content.iter().chain(&files.assets) {
            seen.insert(file.path.clone());
        }
        for file in files.content {
            changed |= self.update_file(file);
        }
        let before = self.files.len();
        self.files.retain(|path, _| seen.contains(path));
        changed |= self.files.len() != before;
        for asset in files.assets {
            changed |= self.update_asset(asset);
        }
        let before = self.assets.len();
        self.assets.retain(|path, _| seen.contains(path));
        changed |= self.assets.len() != before;
        let read_diagnostics: BTreeMap<Arc<str>, Diagnostic> = files
            .diagnostics
            .into_iter()
            .map(|d| (d.span.file.clone(), d))
            .collect();
        changed |= read_diagnostics != self.read_diagnostics;
        self.read_diagnostics = read_diagnostics;
        Ok((config_changed, changed))
    }

    /// Reads the changed content files only. Returns whether any content changed.
    ///
    /// A Markdown file that reads empty or with its front matter unclosed is read
    /// again after [`HALF_SAVED_WAIT`] (once per rebuild, however many such files):
    /// an editor that truncates a file and then writes it has been caught in between,
    /// and the write's own event may come too late to join this rebuild. A file still
    /// like that is reported as it is.
    fn read_changed(&mut self, paths: &BTreeSet<PathBuf>) -> bool {
        let mut changed = false;
        let mut waited = false;
        for abs in paths {
            let rel: Arc<str> = Arc::from(source::relative_path(&self.root, abs).as_str());
            if !abs.exists() {
                // Removed, or renamed away: the file, or a folder and all it held.
                let prefix = format!("{rel}/");
                let gone = |p: &Arc<str>| **p == *rel || p.starts_with(&prefix);
                let before = self.files.len() + self.read_diagnostics.len() + self.assets.len();
                self.files.retain(|p, _| !gone(p));
                self.read_diagnostics.retain(|p, _| !gone(p));
                self.assets.retain(|p, _| !gone(p));
                changed |=
                    self.files.len() + self.read_diagnostics.len() + self.assets.len() != before;
                continue;
            }
            if !is_content_markdown(&rel) {
                changed |= self.read_asset(abs, rel);
                continue;
            }
            match std::fs::read(abs) {
                Ok(mut bytes) => {
                    if source::looks_half_saved(&String::from_utf8_lossy(&bytes)) {
                        if !waited {
                            std::thread::sleep(HALF_SAVED_WAIT);
                            waited = true;
                        }
                        if let Ok(again) = std::fs::read(abs) {
                            bytes = again;
                        }
                    }
                    changed |= self.read_diagnostics.remove(&rel).is_some();
                    changed |= self.update_file(InputFile {
                        path: rel,
                        bytes: Arc::from(bytes),
                    });
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    changed |= self.files.remove(&rel).is_some();
                    changed |= self.read_diagnostics.remove(&rel).is_some();
                }
                Err(e) => {
                    self.files.remove(&rel);
                    let d = Diagnostic::new(
                        Lint::Io,
                        Span::file_start(&rel),
                        format!("cannot read {rel}: {e}"),
                    );
                    self.read_diagnostics.insert(rel, d);
                    changed = true;
                }
            }
        }
        changed
    }

    /// Reads a changed file of content/ that is not Markdown: a content asset, unless
    /// it is hidden, temporary or a link out of content/. Returns whether the assets
    /// changed.
    fn read_asset(&mut self, abs: &Path, rel: Arc<str>) -> bool {
        let content = std::fs::canonicalize(self.root.join("content")).ok();
        if !abs.is_file() || !source::is_asset(abs, content.as_deref()) {
            return false;
        }
        match std::fs::read(abs) {
            Ok(bytes) => self.update_asset(InputFile {
                path: rel,
                bytes: Arc::from(bytes),
            }),
            // Gone since the event, or unreadable: not published.
            Err(_) => self.assets.remove(&rel).is_some(),
        }
    }

    /// Caches one content asset. Returns whether its bytes are new.
    fn update_asset(&mut self, file: InputFile) -> bool {
        if self.assets.get(&file.path) == Some(&file.bytes) {
            return false;
        }
        self.assets.insert(file.path, file.bytes);
        true
    }

    /// Caches one file, parsing it only when its bytes differ from the cached ones.
    fn update_file(&mut self, file: InputFile) -> bool {
        if let Some(c) = self.files.get(&file.path) {
            if c.bytes == file.bytes {
                return false;
            }
        }
        self.parses += 1;
        let (text, mut parsed) = match source::decode(&file) {
            Ok(text) => {
                let parsed = source::parse_file(&file.path, &text);
                (text, parsed)
            }
            Err(d) => (
                Arc::from(String::from_utf8_lossy(&file.bytes).as_ref()),
                ParsedTrack {
                    track: None,
                    home: None,
                    page: None,
                    level_file: None,
                    diagnostics: vec![d],
                },
            ),
        };
        let track = parsed.track.take().map(Arc::new);
        self.files.insert(
            file.path,
            Cached {
                bytes: file.bytes,
                text,
                parsed,
                track,
            },
        );
        true
    }

    /// Parses ladder.yaml again when its bytes changed. Returns whether they did.
    fn update_config(&mut self, bytes: Option<Arc<[u8]>>) -> bool {
        if self.built && bytes == self.config_bytes {
            return false;
        }
        let path: Arc<str> = Arc::from(CONFIG);
        let (mut config, diagnostics, text) = match &bytes {
            None => (Config::default(), Vec::new(), None),
            Some(b) => {
                let file = InputFile {
                    path: path.clone(),
                    bytes: b.clone(),
                };
                match source::decode(&file) {
                    Ok(text) => {
                        let (config, d) = crate::source::parse_config(&path, &text);
                        (config, d, Some(text))
                    }
                    Err(d) => (Config::default(), vec![d], None),
                }
            }
        };
        // Served locally, the site lives under the path of its base URL; a host in
        // base_url would send every link to the published site instead.
        config.base_url = base_path(&config.base_url);
        self.config = config;
        self.config_diagnostics = diagnostics;
        self.config_text = text;
        self.config_bytes = bytes;
        true
    }
}

const CONFIG: &str = "ladder.yaml";

/// A folder created or moved in needs a walk of content/ to find its files.
fn needs_walk(changes: &Changes) -> bool {
    changes.content.iter().any(|p| p.is_dir())
}

/// Whether `rel` (relative to the root) is a Markdown file that discovery would read.
fn is_content_markdown(rel: &str) -> bool {
    let Some(inner) = rel.strip_prefix("content/") else {
        return false;
    };
    let name = inner.rsplit('/').next().unwrap_or(inner);
    name.ends_with(".md")
        && !name.starts_with('.')
        && !name.starts_with('#')
        && !name.ends_with('~')
}

/// HTML pages of `now` that are not the very bytes `before` held at the same path:
/// the pages a build rendered. Both maps are sorted, so one pass over each.
fn pages_rendered(
    now: &BTreeMap<Arc<str>, Arc<[u8]>>,
    before: Option<&BTreeMap<Arc<str>, Arc<[u8]>>>,
) -> usize {
    let mut old = before.into_iter().flatten().peekable();
    now.iter()
        .filter(|(path, bytes)| {
            while old.next_if(|(p, _)| p < path).is_some() {}
            let kept = old
                .peek()
                .is_some_and(|(p, b)| p == path && Arc::ptr_eq(b, bytes));
            path.ends_with(".html") && !kept
        })
        .count()
}

/// Whether two models are equal in everything the site is rendered from.
fn same_model(a: &Ladder, b: &Ladder) -> bool {
    a.history == b.history && same_content(a, b)
}

/// [`same_model`] but for the history, which is computed from the rest. The pattern
/// names every field, so that a field added to the model is not forgotten.
fn same_content(a: &Ladder, b: &Ladder) -> bool {
    let Ladder {
        config,
        home,
        tracks,
        bands,
        assets,
        pages,
        history: _,
    } = a;
    *config == b.config
        && *home == b.home
        && *pages == b.pages
        && (Arc::ptr_eq(assets, &b.assets) || *assets == b.assets)
        && *bands == b.bands
        && tracks.len() == b.tracks.len()
        // An untouched track is the same allocation on both sides.
        && tracks
            .iter()
            .zip(&b.tracks)
            .all(|(x, y)| Arc::ptr_eq(x, y) || x == y)
}

/// The path part of a base URL, always starting and ending with `/`:
/// `https://example.com/careers/ladder/` → `/careers/ladder/`.
pub fn base_path(base_url: &str) -> String {
    let path = match base_url.split_once("://") {
        Some((_, rest)) => rest.find('/').map_or("/", |i| &rest[i..]),
        None => base_url,
    };
    let inner = path.trim_matches('/');
    if inner.is_empty() {
        "/".into()
    } else {
        format!("/{inner}/")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;
    use std::fs;

    #[test]
    fn pages_rendered_counts_new_bytes_of_html_pages_only() {
        let bytes = |s: &str| -> Arc<[u8]> { Arc::from(s.as_bytes()) };
        let kept = bytes("same");
        let before: BTreeMap<Arc<str>, Arc<[u8]>> = [
            ("a/index.html".into(), kept.clone()),
            ("b/index.html".into(), bytes("old")),
            ("gone/index.html".into(), bytes("x")),
            ("style.css".into(), bytes("css")),
        ]
        .into();
        let now: BTreeMap<Arc<str>, Arc<[u8]>> = [
            ("a/index.html".into(), kept.clone()),
            // Equal text, another allocation: rendered again.
            ("b/index.html".into(), bytes("old")),
            ("c/index.html".into(), bytes("new page")),
            ("style.css".into(), bytes("new css")),
        ]
        .into();
        assert_eq!(pages_rendered(&now, Some(&before)), 2);
        assert_eq!(pages_rendered(&now, None), 3);
        assert_eq!(pages_rendered(&before, Some(&before)), 0);
    }

    /// Renders one page per track holding the track's title; counts its calls.
    #[derive(Default)]
    struct Fake {
        theme_loads: Cell<usize>,
        renders: Cell<usize>,
    }

    impl SiteBuilder for &Fake {
        type Theme = String;

        fn load_theme(&self, root: &Path, _config: &Config) -> Result<String, Vec<Diagnostic>> {
            self.theme_loads.set(self.theme_loads.get() + 1);
            let template = fs::read_to_string(root.join("templates/page.html")).unwrap_or_default();
            if template.contains("{%") {
                let file: Arc<str> = Arc::from("templates/page.html");
                return Err(vec![Diagnostic::new(
                    Lint::Io,
                    Span::file_start(&file),
                    "bad template",
                )]);
            }
            Ok(template)
        }

        fn render(
            &self,
            ladder: Arc<Ladder>,
            theme: &Arc<String>,
            _previous: Option<&Previous>,
        ) -> anyhow::Result<SiteFiles> {
            self.renders.set(self.renders.get() + 1);
            let mut site = SiteFiles::default();
            for t in &ladder.tracks {
                let page = format!("{theme}{} at {}", t.title.value, ladder.config.base_url);
                site.files.insert(
                    format!("{}/index.html", t.id.value).into(),
                    Arc::from(page.into_bytes()),
                );
            }
            Ok(site)
        }
    }

    fn track(title: &str) -> String {
        format!(
            "---\ntitle: {title}\nlevels:\n  - title: Engineer\n    code: {code}1\n    band: 1\n---\n\n## Engineer\n\nWrites code.\n",
            code = title.chars().next().unwrap_or('X')
        )
    }

    fn project() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join("content")).unwrap();
        fs::write(dir.path().join("content/alpha.md"), track("Alpha")).unwrap();
        fs::write(dir.path().join("content/beta.md"), track("Beta")).unwrap();
        dir
    }

    fn page(build: &Build, path: &str) -> String {
        let site = build.site.as_ref().expect("the build should succeed");
        String::from_utf8_lossy(&site.files[path]).into_owned()
    }

    /// A session on `root` whose first build succeeded.
    fn built<'a>(root: &Path, fake: &'a Fake) -> Session<&'a Fake> {
        let mut s = Session::new(root, fake);
        assert!(!s.build_all().failed());
        s
    }

    /// Asserts that `build` has a diagnostic whose message holds `text`.
    fn assert_reports(build: &Build, text: &str) {
        assert!(
            build.diagnostics.iter().any(|d| d.message.contains(text)),
            "no diagnostic says {text:?}: {:#?}",
            build.diagnostics
        );
    }

    fn changed(paths: &[PathBuf]) -> Changes {
        Changes {
            content: paths.iter().cloned().collect(),
            ..Changes::default()
        }
    }

    #[test]
    fn removing_the_last_track_fails_the_rebuild_as_check_would() {
        let (dir, fake) = (project(), Fake::default());
        let mut s = built(dir.path(), &fake);
        let alpha = dir.path().join("content/alpha.md");
        let beta = dir.path().join("content/beta.md");
        fs::remove_file(&alpha).unwrap();
        assert!(!s.rebuild(&changed(std::slice::from_ref(&alpha))).failed());
        // The last one goes: read as a change of one file, not a rescan.
        fs::remove_file(&beta).unwrap();
        let b = s.rebuild(&changed(&[beta]));
        assert!(b.failed(), "{b:?}");
        assert_reports(&b, "content/ holds no track files");
    }

    /// An editor that truncates a file and writes it a few milliseconds later: the
    /// rebuild that reads the empty (or half-written) file waits and reads it again.
    #[test]
    fn a_file_caught_between_truncate_and_write_is_read_again() {
        let (dir, fake) = (project(), Fake::default());
        let mut s = built(dir.path(), &fake);
        let alpha = dir.path().join("content/alpha.md");
        for caught in ["", "---\ntitle: Gam"] {
            let title = format!("Gamma{}", caught.len());
            fs::write(&alpha, caught).unwrap();
            let writer = {
                let (alpha, text) = (alpha.clone(), track(&title));
                std::thread::spawn(move || {
                    std::thread::sleep(Duration::from_millis(5));
                    fs::write(alpha, text).unwrap();
                })
            };
            let b = s.rebuild(&changed(std::slice::from_ref(&alpha)));
            writer.join().unwrap();
            assert!(!b.failed(), "{caught:?}: {:#?}", b.diagnostics);
            assert_eq!(page(&b, "alpha/index.html"), format!("{title} at /"));
        }
        // A file that stays so is reported as it is.
        fs::write(&alpha, "---\ntitle: Alpha\n").unwrap();
        let started = Instant::now();
        let b = s.rebuild(&changed(std::slice::from_ref(&alpha)));
        assert_reports(&b, "front matter is not closed");
        assert!(
            started.elapsed() >= HALF_SAVED_WAIT,
            "read again after a wait"
        );
    }

    #[test]
    fn only_the_changed_file_is_parsed_again() {
        let dir = project();
        let fake = Fake::default();
        let mut s = Session::new(dir.path(), &fake);
        let first = s.build_all();
        assert_eq!(first.stats.parsed, 2);
        assert_eq!(page(&first, "beta/index.html"), "Beta at /");

        let beta = dir.path().join("content/beta.md");
        fs::write(&beta, track("Beta Prime")).unwrap();
        let second = s.rebuild(&changed(&[beta]));
        assert_eq!(second.stats.parsed, 1, "alpha.md was not touched");
        assert_eq!(s.parses(), 3);
        assert_eq!(page(&second, "beta/index.html"), "Beta Prime at /");
        assert_eq!(page(&second, "alpha/index.html"), "Alpha at /");
        assert!(
            !second.stats.theme_loaded,
            "a content edit reuses the theme"
        );
        assert_eq!(fake.theme_loads.get(), 1);
    }

    #[test]
    fn an_unchanged_save_parses_and_renders_nothing() {
        let dir = project();
        let fake = Fake::default();
        let mut s = Session::new(dir.path(), &fake);
        s.build_all();
        let alpha = dir.path().join("content/alpha.md");
        fs::write(&alpha, track("Alpha")).unwrap();
        let b = s.rebuild(&changed(&[alpha]));
        assert_eq!(b.stats.parsed, 0);
        assert!(!b.stats.rendered);
        assert!(b.unchanged && !b.failed());
        assert_eq!(fake.renders.get(), 1);
    }

    #[test]
    fn an_edit_that_leaves_the_model_as_it_was_is_not_published() {
        let dir = project();
        let fake = Fake::default();
        let mut s = Session::new(dir.path(), &fake);
        s.build_all();
        // Blank lines at the end: new bytes, parsed again, the same model.
        let alpha = dir.path().join("content/alpha.md");
        fs::write(&alpha, format!("{}\n\n", track("Alpha"))).unwrap();
        let b = s.rebuild(&changed(std::slice::from_ref(&alpha)));
        assert_eq!(b.stats.parsed, 1);
        assert!(b.unchanged && !b.failed(), "the served site stays: {b:?}");
        assert_eq!(fake.renders.get(), 1, "nothing was rendered");
        // A real edit after it is published as usual.
        fs::write(&alpha, track("Alpha Prime")).unwrap();
        let b = s.rebuild(&changed(&[alpha]));
        assert!(!b.unchanged);
        assert_eq!(page(&b, "alpha/index.html"), "Alpha Prime at /");
    }

    #[test]
    fn a_broken_edit_undone_is_published_to_take_the_overlay_down() {
        let dir = project();
        let fake = Fake::default();
        let mut s = Session::new(dir.path(), &fake);
        s.build_all();
        let alpha = dir.path().join("content/alpha.md");
        fs::write(&alpha, "---\ntitle: [\n---\n").unwrap();
        assert!(s.rebuild(&changed(std::slice::from_ref(&alpha))).failed());
        // Back to the last good text: the same model, but the open pages show an
        // overlay that must go.
        fs::write(&alpha, track("Alpha")).unwrap();
        let b = s.rebuild(&changed(&[alpha]));
        assert!(!b.unchanged && !b.failed(), "{b:?}");
        assert_eq!(page(&b, "alpha/index.html"), "Alpha at /");
    }

    #[test]
    fn a_config_change_rereads_but_parses_only_changed_bytes() {
        let dir = project();
        let fake = Fake::default();
        let mut s = Session::new(dir.path(), &fake);
        s.build_all();
        fs::write(
            dir.path().join("ladder.yaml"),
            "base_url: https://example.com/eng/ladder\n",
        )
        .unwrap();
        let b = s.rebuild(&Changes {
            config: true,
            ..Changes::default()
        });
        assert_eq!(b.stats.parsed, 0, "the tracks' bytes did not change");
        assert!(b.stats.theme_loaded, "the theme depends on the config");
        assert_eq!(page(&b, "alpha/index.html"), "Alpha at /eng/ladder/");
    }

    #[test]
    fn a_template_change_reloads_the_theme_without_parsing() {
        let dir = project();
        let fake = Fake::default();
        let mut s = Session::new(dir.path(), &fake);
        s.build_all();
        fs::create_dir(dir.path().join("templates")).unwrap();
        fs::write(dir.path().join("templates/page.html"), "<b>").unwrap();
        let b = s.rebuild(&Changes {
            theme: true,
            ..Changes::default()
        });
        assert_eq!(b.stats.parsed, 0);
        assert!(b.stats.theme_loaded);
        assert_eq!(page(&b, "alpha/index.html"), "<b>Alpha at /");

        // A broken template fails the build with its diagnostic; content edits made
        // while it is broken do not load it again, and fixing it recovers.
        fs::write(dir.path().join("templates/page.html"), "{% oops").unwrap();
        let broken = s.rebuild(&Changes {
            theme: true,
            ..Changes::default()
        });
        assert!(broken.failed());
        assert_eq!(&*broken.diagnostics[0].span.file, "templates/page.html");
        let alpha = dir.path().join("content/alpha.md");
        fs::write(&alpha, track("Alpha Two")).unwrap();
        let still = s.rebuild(&changed(&[alpha]));
        assert!(still.failed());
        assert_eq!(fake.theme_loads.get(), 3);
        fs::write(dir.path().join("templates/page.html"), "<i>").unwrap();
        let fixed = s.rebuild(&Changes {
            theme: true,
            ..Changes::default()
        });
        assert_eq!(page(&fixed, "alpha/index.html"), "<i>Alpha Two at /");
    }

    #[test]
    fn a_broken_file_fails_the_build_and_its_fix_recovers() {
        let dir = project();
        let fake = Fake::default();
        let mut s = Session::new(dir.path(), &fake);
        s.build_all();
        let beta = dir.path().join("content/beta.md");
        fs::write(&beta, "---\ntitle: [unclosed\n---\n").unwrap();
        let broken = s.rebuild(&changed(std::slice::from_ref(&beta)));
        assert!(broken.failed());
        assert!(broken
            .diagnostics
            .iter()
            .any(|d| &*d.span.file == "content/beta.md" && d.lint == Lint::FrontMatter));
        assert!(broken.sources.get("content/beta.md").is_some());
        fs::write(&beta, track("Beta")).unwrap();
        let fixed = s.rebuild(&changed(&[beta]));
        assert!(!fixed.failed());
        assert!(fixed.diagnostics.is_empty(), "{:?}", fixed.diagnostics);
    }

    #[test]
    fn removed_and_added_files_and_folders() {
        let dir = project();
        let fake = Fake::default();
        let mut s = Session::new(dir.path(), &fake);
        s.build_all();
        let beta = dir.path().join("content/beta.md");
        fs::remove_file(&beta).unwrap();
        let b = s.rebuild(&changed(&[beta]));
        let site = b.site.expect("built");
        assert!(!site.files.contains_key("beta/index.html"));

        // A folder moved in brings its tracks; it is walked, not parsed blindly.
        let sub = dir.path().join("content/more");
        fs::create_dir(&sub).unwrap();
        fs::write(sub.join("gamma.md"), track("Gamma")).unwrap();
        let b = s.rebuild(&changed(&[sub]));
        assert_eq!(b.stats.parsed, 1);
        assert_eq!(page(&b, "gamma/index.html"), "Gamma at /");
    }

    #[test]
    fn a_missing_content_folder_is_a_failure_not_a_panic() {
        let dir = project();
        let fake = Fake::default();
        let mut s = Session::new(dir.path(), &fake);
        s.build_all();
        fs::remove_dir_all(dir.path().join("content")).unwrap();
        let b = s.rebuild(&Changes {
            rescan: true,
            ..Changes::default()
        });
        assert!(b.failed());
        assert!(
            b.failure.as_deref().is_some_and(|f| f.contains("content/")),
            "{:?}",
            b.failure
        );
    }

    #[test]
    fn base_paths() {
        assert_eq!(base_path("/"), "/");
        assert_eq!(base_path("/careers/ladder/"), "/careers/ladder/");
        assert_eq!(base_path("https://example.com"), "/");
        assert_eq!(base_path("https://example.com/eng/ladder/"), "/eng/ladder/");
    }

    #[test]
    fn content_assets_are_served_and_follow_edits() {
        let dir = project();
        let root = dir.path();
        fs::create_dir(root.join("content/img")).unwrap();
        let alpha = root.join("content/alpha.md");
        fs::write(
            &alpha,
            track("Alpha").replace("Writes code.", "Writes code. ![flow](img/flow.png)"),
        )
        .unwrap();
        let flow = root.join("content/img/flow.png");
        fs::write(&flow, "one").unwrap();
        let mut s = Session::new(root, Renderer);
        let file = |b: &Build, path: &str| {
            let site = b.site.as_ref().expect("the build should succeed");
            site.files.get(path).map(|f| f.to_vec())
        };
        let b = s.build_all();
        assert_eq!(file(&b, "img/flow.png").as_deref(), Some(&b"one"[..]));
        let level = String::from_utf8(file(&b, "alpha/engineer/index.html").unwrap()).unwrap();
        assert!(level.contains("src=\"/img/flow.png\""), "{level}");

        // Edited, added, removed: each is read as the change of one file.
        fs::write(&flow, "two").unwrap();
        let b = s.rebuild(&changed(std::slice::from_ref(&flow)));
        assert_eq!(file(&b, "img/flow.png").as_deref(), Some(&b"two"[..]));
        let extra = root.join("content/img/extra.svg");
        fs::write(&extra, "<svg/>").unwrap();
        let b = s.rebuild(&changed(std::slice::from_ref(&extra)));
        assert_eq!(file(&b, "img/extra.svg").as_deref(), Some(&b"<svg/>"[..]));
        fs::remove_file(&extra).unwrap();
        let b = s.rebuild(&changed(std::slice::from_ref(&extra)));
        assert_eq!(file(&b, "img/extra.svg"), None);
        assert!(file(&b, "img/flow.png").is_some());
        // The image a track shows is gone: a dangling reference, as in `check`.
        fs::remove_file(&flow).unwrap();
        let b = s.rebuild(&changed(std::slice::from_ref(&flow)));
        assert!(b.failed());
        assert!(
            b.diagnostics
                .iter()
                .any(|d| d.lint == Lint::DanglingReference && &*d.span.file == "content/alpha.md"),
            "{:?}",
            b.diagnostics
        );
    }
}

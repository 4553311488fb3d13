//! Renders the site from the model: pages through Tera templates, assets, the search
//! index and `ladder.json`; the output writer swaps a fresh folder into place.
//!
//! Contract used by the drivers (`build`, `serve`):
//! - [`Theme::load`] reads the theme (built-in default, `themes/<name>/`, project
//!   `templates/` overrides, `static/`) once; template errors are diagnostics.
//! - [`render_site`] is a pure function of the model and the theme: it returns every
//!   output file in memory ([`SiteFiles`]), deterministic byte for byte.
//! - [`write_site`] writes a [`SiteFiles`] to the output folder atomically.
//! - [`build_site`] (`ladder build`) renders the same files and writes each into the
//!   new folder as it is rendered, rather than holding the whole site first.
//!
//! Inside: [`markdown`] turns fragments into HTML (links rewritten), `views` renders
//! the fragments a group of pages shows and shapes the model for templates, `pages` builds each page's
//! context, `delta` computes "what changes from the previous level", `data` writes the
//! JSON files. Checking the ladder is not done here: `build` refuses to render a
//! ladder with errors before it gets this far.

mod data;
mod delta;
pub mod documents;
mod html;
mod incremental;
pub(crate) mod markdown;
mod pages;
mod theme;
pub(crate) mod urls;
mod views;
mod writer;

/// The benchmark's generator, for tests on a generated ladder.
#[cfg(test)]
#[allow(dead_code)]
#[path = "../../examples/gen.rs"]
mod gen;

use anyhow::{bail, Context as _};
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

use crate::model::{Ladder, LevelRef};
pub use html::escape;
pub use theme::{Theme, PAGE_TEMPLATES};
pub use writer::{write_site, write_streamed, MARKER};

/// Every file of a rendered site, keyed by its path relative to the site root
/// (`/`-separated, e.g. `managing/team-lead/index.html`).
///
/// `ladder build` renders every file ([`render_site`]). `ladder serve` may leave the
/// files that show the whole ladder (band pages, print view, search index, picker
/// data, ladder.json) to be rendered on their first request ([`render_update`]):
/// those sit in `deferred`, each bound to the model and theme of the build that
/// listed it, so a late request still sees that build's site and nothing newer.
#[derive(Debug, Clone, Default)]
pub struct SiteFiles {
    /// Keys are shared strings: `serve` starts each rebuild from a copy of the last
    /// site's list (tens of thousands of paths), which then copies no path.
    pub files: BTreeMap<Arc<str>, Arc<[u8]>>,
    pub deferred: BTreeMap<String, Arc<Deferred>>,
}

impl PartialEq for SiteFiles {
    fn eq(&self, other: &SiteFiles) -> bool {
        self.files == other.files && self.deferred.keys().eq(other.deferred.keys())
    }
}

impl SiteFiles {
    /// Number of HTML pages in the site.
    pub fn page_count(&self) -> usize {
        self.paths().filter(|p| p.ends_with(".html")).count()
    }

    /// Total size of the files rendered so far, in bytes.
    pub fn total_bytes(&self) -> usize {
        self.files.values().map(|b| b.len()).sum()
    }

    /// Every path of the site, rendered or deferred, in no particular order.
    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.files
            .keys()
            .map(|p| &**p)
            .chain(self.deferred.keys().map(String::as_str))
    }

    pub fn contains(&self, path: &str) -> bool {
        self.files.contains_key(path) || self.deferred.contains_key(path)
    }

    /// Whether `path` is a deferred file that has not been rendered yet (its first
    /// request pays for it).
    pub fn is_pending(&self, path: &str) -> bool {
        self.deferred
            .get(path)
            .is_some_and(|d| d.out.get().is_none())
    }

    /// The bytes of `path`, rendering it first if it was deferred. `Err` is a
    /// rendering failure of a deferred file (a template error), as text.
    pub fn get(&self, path: &str) -> Option<Result<Arc<[u8]>, String>> {
        if let Some(b) = self.files.get(path) {
            return Some(Ok(b.clone()));
        }
        self.deferred.get(path).map(|d| d.bytes())
    }

    /// The same site with every deferred file rendered.
    pub fn materialize(&self) -> anyhow::Result<SiteFiles> {
        let rendered: Vec<(String, Arc<[u8]>)> = self
            .deferred
            .par_iter()
            .map(|(p, d)| d.bytes().map(|b| (p.clone(), b)))
            .collect::<Result<_, String>>()
            .map_err(anyhow::Error::msg)?;
        let mut files = self.files.clone();
        files.extend(rendered.into_iter().map(|(p, b)| (Arc::from(p), b)));
        Ok(SiteFiles {
            files,
            deferred: BTreeMap::new(),
        })
    }
}

/// A file of the site left to be rendered when first asked for.
pub struct Deferred {
    job: Job,
    snapshot: Arc<Snapshot>,
    out: OnceLock<Rendered>,
}

impl std::fmt::Debug for Deferred {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Deferred")
            .field("job", &self.job)
            .field("rendered", &self.out.get().is_some())
            .finish()
    }
}

impl Deferred {
    /// Renders the file once (concurrent callers wait for the first) and returns it.
    pub fn bytes(&self) -> Rendered {
        self.out
            .get_or_init(|| {
                let s = &*self.snapshot;
                let urls = urls::Urls::new(&s.ladder.config.base_url);
                let md = markdown::MarkdownRenderer::new(&s.ladder, &urls);
                let views = views::Views::new(&s.ladder, &urls, &md);
                render_job(&views, &s.theme, self.job)
                    .map(Arc::from)
                    .map_err(|e| format!("{e:#}"))
            })
            .clone()
    }
}

/// A deferred file's bytes, or its template's error as text.
type Rendered = Result<Arc<[u8]>, String>;

/// What deferred files are rendered from. Each renders the text it shows one track
/// (or one band) at a time, as `ladder build` does.
struct Snapshot {
    ladder: Arc<Ladder>,
    theme: Arc<Theme>,
}

/// One output file to produce.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Job {
    Home,
    /// A page that is not a track.
    Page(usize),
    Track(usize),
    Level(LevelRef),
    /// A level's job description or promotion case, beside its page.
    Document(LevelRef, documents::Document),
    Band(i64),
    Picker,
    Search,
    Print,
    NotFound,
    SearchIndex,
    PickerData,
    LadderJson,
    /// `/changes/`, with the history only.
    Changes,
}

impl Job {
    /// The track whose pages this file belongs with: a track's page, its levels'
    /// pages and their documents.
    fn track(self) -> Option<usize> {
        match self {
            Job::Track(t) => Some(t),
            Job::Level(r) | Job::Document(r, _) => Some(r.track),
            _ => None,
        }
    }

    /// Files that show the whole ladder (or a whole band of it): the ones `ladder
    /// serve` renders on request rather than after every edit.
    fn whole_ladder(self) -> bool {
        matches!(
            self,
            Job::Band(_) | Job::Print | Job::SearchIndex | Job::PickerData | Job::LadderJson
        )
    }

    /// Where the file goes, relative to the site root.
    fn path(self, ladder: &Ladder) -> String {
        match self {
            Job::Home => urls::index_file(""),
            Job::Page(p) => urls::index_file(&urls::page_dir(ladder, p)),
            Job::Track(t) => urls::index_file(&urls::track_dir(ladder, t)),
            Job::Level(r) => urls::index_file(&urls::level_dir(ladder, r)),
            Job::Document(r, d) => format!("{}{}", urls::level_dir(ladder, r), d.file_name()),
            Job::Band(b) => urls::index_file(&urls::band_dir(b)),
            Job::Picker => urls::index_file("compare/"),
            Job::Search => urls::index_file("search/"),
            Job::Print => urls::index_file("print/"),
            Job::NotFound => "404.html".into(),
            Job::SearchIndex => "data/search.json".into(),
            Job::PickerData => "data/levels.json".into(),
            Job::LadderJson => "ladder.json".into(),
            Job::Changes => urls::index_file("changes/"),
        }
    }
}

/// Every file the ladder's site has, with its path; an error when two would share a
/// path. `check` refuses a track id that names one of the site's own pages
/// ([`RESERVED_TRACK_IDS`](crate::model::RESERVED_TRACK_IDS)) with the file and line,
/// so this is a last guard, not the place a user learns of it.
fn plan(ladder: &Ladder) -> anyhow::Result<Vec<(String, Job)>> {
    let mut jobs = vec![
        Job::Home,
        Job::Picker,
        Job::Search,
        Job::Print,
        Job::NotFound,
        Job::SearchIndex,
        Job::PickerData,
        Job::LadderJson,
    ];
    jobs.extend((0..ladder.pages.len()).map(Job::Page));
    jobs.extend((0..ladder.tracks.len()).map(Job::Track));
    jobs.extend(ladder.levels().map(|(r, _)| Job::Level(r)));
    jobs.extend(
        ladder
            .levels()
            .flat_map(|(r, _)| documents::Document::ALL.map(|d| Job::Document(r, d))),
    );
    jobs.extend(ladder.bands.keys().map(|&b| Job::Band(b)));
    if ladder.history.is_some() {
        jobs.push(Job::Changes);
    }
    let mut seen = std::collections::HashSet::with_capacity(jobs.len());
    let mut out = Vec::with_capacity(jobs.len());
    for job in jobs {
        let path = job.path(ladder);
        if !seen.insert(path.clone()) {
            bail!(
                "two pages of the site would be written to `{path}`; a track or level id \
                 collides with a page of the site (compare, search, print, assets, data) \
                 or with another id: rename one"
            );
        }
        out.push((path, job));
    }
    Ok(out)
}

/// Renders the whole site in memory. Pure and deterministic: the same ladder and theme
/// give the same bytes. Pages render in parallel.
pub fn render_site(ladder: &Ladder, theme: &Theme) -> anyhow::Result<SiteFiles> {
    let jobs = plan(ladder)?;
    let urls = urls::Urls::new(&ladder.config.base_url);
    let md = markdown::MarkdownRenderer::new(ladder, &urls);
    let views = views::Views::new(ladder, &urls, &md);
    views.render_all();
    let outputs: Vec<(String, Arc<[u8]>)> = jobs
        .into_par_iter()
        .map(|(path, job)| render_job(&views, theme, job).map(|b| (path, Arc::from(b))))
        .collect::<anyhow::Result<_>>()?;
    let mut files: BTreeMap<Arc<str>, Arc<[u8]>> = outputs
        .into_iter()
        .map(|(p, b)| (Arc::from(p), b))
        .collect();
    publish_assets(ladder, None, &mut files, &BTreeMap::<String, Job>::new());
    // Static files: the theme's, then the project's, as they are (they may replace a
    // page on purpose, e.g. a hand-written 404.html).
    for (path, bytes) in &theme.statics {
        files.insert(Arc::from(path.as_str()), bytes.clone());
    }
    Ok(SiteFiles {
        files,
        deferred: BTreeMap::new(),
    })
}

/// The last site `ladder serve` published and the model it was rendered from.
#[derive(Clone)]
pub struct Previous {
    pub ladder: Arc<Ladder>,
    pub site: SiteFiles,
}

/// Renders the site for `ladder serve` after an edit: the pages the edit cannot have
/// changed are taken from `previous` as they are; the others are rendered again, the
/// whole-ladder files on their first request (see [`SiteFiles`]). `previous` must
/// have been rendered with the same theme (the caller passes `None` after a theme
/// or settings change). Gives the same bytes as [`render_site`] for every file.
pub fn render_update(
    ladder: Arc<Ladder>,
    theme: Arc<Theme>,
    previous: Option<&Previous>,
) -> anyhow::Result<SiteFiles> {
    let stale = previous.and_then(|p| incremental::Stale::between(&p.ladder, &ladder));
    let mut files = BTreeMap::new();
    let mut deferred = BTreeMap::new();
    let mut eager = Vec::new();
    match (&stale, previous) {
        (Some(stale), Some(prev)) => {
            // The outline is the same, so the site lists the same files: start from
            // the previous one and replace what the edit touched.
            files = prev.site.files.clone();
            for (path, d) in &prev.site.deferred {
                match d.out.get() {
                    Some(Ok(bytes)) if !stale.touches(d.job) => {
                        files.insert(Arc::from(path.as_str()), bytes.clone());
                    }
                    _ => {
                        deferred.insert(path.clone(), d.job);
                    }
                }
            }
            for job in stale.jobs() {
                let path = job.path(&ladder);
                files.remove(path.as_str());
                if job.whole_ladder() {
                    deferred.insert(path, job);
                } else {
                    eager.push((path, job));
                }
            }
        }
        _ => {
            for (path, job) in plan(&ladder)? {
                if job.whole_ladder() {
                    deferred.insert(path, job);
                } else {
                    eager.push((path, job));
                }
            }
        }
    }
    let urls = urls::Urls::new(&ladder.config.base_url);
    let md = markdown::MarkdownRenderer::new(&ladder, &urls);
    let views = views::Views::new(&ladder, &urls, &md);
    let rendered: Vec<(String, Arc<[u8]>)> = eager
        .into_par_iter()
        .map(|(path, job)| render_job(&views, &theme, job).map(|b| (path, Arc::from(b))))
        .collect::<anyhow::Result<_>>()?;
    files.extend(rendered.into_iter().map(|(p, b)| (Arc::from(p), b)));
    publish_assets(&ladder, previous.map(|p| &*p.ladder), &mut files, &deferred);
    for (path, bytes) in &theme.statics {
        deferred.remove(path);
        files.insert(Arc::from(path.as_str()), bytes.clone());
    }
    let snapshot = Arc::new(Snapshot {
        ladder: ladder.clone(),
        theme: theme.clone(),
    });
    let deferred = deferred
        .into_iter()
        .map(|(path, job)| {
            let d = Deferred {
                job,
                snapshot: snapshot.clone(),
                out: OnceLock::new(),
            };
            (path, Arc::new(d))
        })
        .collect();
    Ok(SiteFiles { files, deferred })
}

/// Content assets (files of content/ that are not Markdown) go to the same path under
/// the site root, except where a page of the site is: the page wins. An asset of
/// `previous` that is gone is removed. Static files, copied after, win over both.
fn publish_assets<D>(
    ladder: &Ladder,
    previous: Option<&Ladder>,
    files: &mut BTreeMap<Arc<str>, Arc<[u8]>>,
    deferred: &BTreeMap<String, D>,
) {
    if let Some(prev) = previous {
        for (path, bytes) in prev.assets.iter() {
            let gone = !ladder.assets.contains_key(path);
            if gone
                && files
                    .get(path.as_str())
                    .is_some_and(|b| Arc::ptr_eq(b, bytes))
            {
                files.remove(path.as_str());
            }
        }
    }
    let was_asset = |path: &String, bytes: &Arc<[u8]>| {
        previous.is_some_and(|p| p.assets.get(path).is_some_and(|b| Arc::ptr_eq(b, bytes)))
    };
    for (path, bytes) in ladder.assets.iter() {
        if deferred.contains_key(path) {
            continue;
        }
        match files.get(path.as_str()) {
            Some(b) if !was_asset(path, b) => {}
            _ => {
                files.insert(Arc::from(path.as_str()), bytes.clone());
            }
        }
    }
}

fn render_job(views: &views::Views<'_>, theme: &Theme, job: Job) -> anyhow::Result<Vec<u8>> {
    let mut out = Vec::new();
    render_job_to(views, theme, job, &mut out)?;
    Ok(out)
}

/// Renders one file into `out`: the one rendering of each file, shared by the
/// in-memory site ([`render_site`], `serve`) and the streamed build ([`build_site`]).
fn render_job_to(
    views: &views::Views<'_>,
    theme: &Theme,
    job: Job,
    out: &mut dyn std::io::Write,
) -> anyhow::Result<()> {
    let ladder = views.ladder;
    let mut page = |template: &str, ctx: anyhow::Result<tera::Context>| -> anyhow::Result<()> {
        theme.render_to(template, &ctx?, &mut *out)
    };
    fn ctx<T: serde::Serialize>(value: &T) -> anyhow::Result<tera::Context> {
        tera::Context::from_serialize(value).context("preparing a page's template context")
    }
    match job {
        Job::Home => page("home.html", ctx(&pages::home(views))),
        Job::Page(p) => page("page.html", ctx(&pages::prose_page(views, p))),
        Job::Track(t) => page("track.html", ctx(&pages::track_page(views, t))),
        Job::Level(r) => page("level.html", ctx(&pages::level_page(views, r)))
            .with_context(|| format!("level {}", ladder.level(r).short_name())),
        Job::Document(r, d) => {
            documents::render_document(ladder, theme, r, d, out).with_context(|| {
                format!(
                    "{} of level {}",
                    d.file_name(),
                    ladder.level(r).short_name()
                )
            })
        }
        Job::Band(b) => {
            // The band's levels only, rendered for this page and dropped with it.
            let members = ladder.bands.get(&b).map_or(&[][..], Vec::as_slice);
            let scope = views.with_levels(members);
            page("compare.html", ctx(&pages::band_page(&scope, b)))
        }
        Job::Picker => page("picker.html", ctx(&pages::picker_page(views))),
        Job::Search => page("search.html", ctx(&pages::search_page(views))),
        Job::Print => render_print(views, theme, out),
        Job::NotFound => page("404.html", ctx(&pages::not_found_page(views))),
        Job::SearchIndex => data::search_index(views, out),
        Job::PickerData => data::picker_data(views, out),
        Job::LadderJson => data::ladder_json(ladder, out),
        Job::Changes => page("changes.html", ctx(&pages::changes_page(views))),
    }
}

/// Marks where print.html places the tracks (`print_tracks`); no ladder text holds it,
/// since the tracks are not in the context it is rendered with.
const PRINT_TRACKS_MARK: &str = "\u{1}ladder:print-tracks\u{1}";

/// The print view, written track by track: print.html is rendered with no tracks and
/// the mark where they go, then print_track.html once per track into that place. The
/// bytes are those of one rendering with every track, without the whole ladder's text
/// as template values at once (at 10,000 levels that was the largest allocation of a
/// build). A theme's print.html that does not write `print_tracks` is rendered the
/// old way, with every track.
fn render_print(
    views: &views::Views<'_>,
    theme: &Theme,
    out: &mut dyn std::io::Write,
) -> anyhow::Result<()> {
    fn ctx<T: serde::Serialize>(value: &T) -> anyhow::Result<tera::Context> {
        tera::Context::from_serialize(value).context("preparing a page's template context")
    }
    let mut frame = Vec::new();
    theme.render_to(
        "print.html",
        &ctx(&pages::print_page(views, Some(PRINT_TRACKS_MARK)))?,
        &mut frame,
    )?;
    let mark = PRINT_TRACKS_MARK.as_bytes();
    let mut found = frame
        .windows(mark.len())
        .enumerate()
        .filter(|(_, w)| *w == mark);
    let at = match (found.next(), found.next()) {
        (Some((at, _)), None) => at,
        _ => {
            return theme.render_to("print.html", &ctx(&pages::print_page(views, None))?, out);
        }
    };
    out.write_all(&frame[..at])?;
    let site = views.site();
    for t in 0..views.ladder.tracks.len() {
        // One track's text at a time, dropped once its part is written.
        let scope = views.with_tracks(vec![t]);
        let track = pages::print_track(&scope, &site, t);
        theme.render_to("print_track.html", &ctx(&track)?, &mut *out)?;
    }
    out.write_all(&frame[at + mark.len()..])?;
    Ok(())
}

/// What [`build_site`] wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Written {
    /// HTML pages.
    pub pages: usize,
    pub files: usize,
    pub bytes: u64,
}

/// Renders the site and writes it to `output` as it renders, each file straight into
/// the fresh folder that [`write_site`] swaps in: the same files, byte for byte, as
/// [`render_site`] then [`write_site`], without holding the site in memory (at 10,000
/// levels it is 380 MB, most of it the whole-ladder files). On any error nothing
/// replaces the previous site.
pub fn build_site(
    ladder: &Ladder,
    theme: &Theme,
    root: &std::path::Path,
    output: &std::path::Path,
) -> anyhow::Result<Written> {
    /// Where a file's bytes come from.
    enum Source<'a> {
        Job(Job),
        Bytes(&'a Arc<[u8]>),
    }
    let jobs = plan(ladder)?;
    let urls = urls::Urls::new(&ladder.config.base_url);
    let md = markdown::MarkdownRenderer::new(ladder, &urls);
    let views = views::Views::new(ladder, &urls, &md);
    // As in `render_site`: a static file replaces a page at its path (the page is still
    // rendered, so that a template error fails the build either way); a content asset
    // goes where no page or static file is.
    //
    // Files are written in groups (`write_grouped`): each track's page, its levels'
    // pages and their documents form one, which renders the text those pages show
    // once and drops it when they are written; every other file is a group of its
    // own (the whole-ladder files render one track or one band at a time). So the
    // build holds the text of the tracks being written, not of the whole ladder.
    let mut groups: Vec<Vec<(&str, Source)>> = Vec::new();
    let mut by_track: Vec<Vec<(&str, Source)>> = ladder.tracks.iter().map(|_| Vec::new()).collect();
    // The home page and the print view both show the matrix of every level; as one
    // group they take turns, rather than both holding it as template values at once.
    let mut matrix = Vec::new();
    let mut shadowed = Vec::new();
    for (path, job) in &jobs {
        let file = (path.as_str(), Source::Job(*job));
        if theme.statics.contains_key(path) {
            shadowed.push(*job);
        } else if let Some(t) = job.track() {
            by_track[t].push(file);
        } else if matches!(job, Job::Home | Job::Print) {
            matrix.push(file);
        } else {
            groups.push(vec![file]);
        }
    }
    shadowed
        .into_par_iter()
        .try_for_each(|job| render_job_to(&views, theme, job, &mut std::io::sink()))?;
    groups.insert(0, matrix);
    groups.extend(by_track);
    let pages: std::collections::HashSet<&str> = jobs.iter().map(|(p, _)| p.as_str()).collect();
    for (path, bytes) in ladder.assets.iter() {
        if !pages.contains(path.as_str()) && !theme.statics.contains_key(path) {
            groups.push(vec![(path.as_str(), Source::Bytes(bytes))]);
        }
    }
    for (path, bytes) in &theme.statics {
        groups.push(vec![(path.as_str(), Source::Bytes(bytes))]);
    }
    let mut files: Vec<(&str, Source)> = Vec::with_capacity(jobs.len());
    let mut ranges: Vec<std::ops::Range<usize>> = Vec::with_capacity(groups.len());
    for group in groups.into_iter().filter(|g| !g.is_empty()) {
        let start = files.len();
        files.extend(group);
        ranges.push(start..files.len());
    }
    let paths: Vec<&str> = files.iter().map(|(p, _)| *p).collect();
    let scope = |group: &std::ops::Range<usize>| match files.get(group.start) {
        Some((_, Source::Job(job))) => job
            .track()
            .map(|t| views.with_tracks(views.tracks_shown_with(t))),
        _ => None,
    };
    let bytes =
        writer::write_grouped(
            root,
            output,
            &paths,
            &ranges,
            scope,
            |scope, i, out| match &files[i].1 {
                Source::Job(job) => {
                    render_job_to(scope.as_ref().unwrap_or(&views), theme, *job, out)
                }
                Source::Bytes(bytes) => Ok(out.write_all(bytes)?),
            },
        )?;
    Ok(Written {
        pages: paths.iter().filter(|p| p.ends_with(".html")).count(),
        files: paths.len(),
        bytes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `ladder serve` after an edit: the print view, search index, picker data and band
    /// pages are rendered on request, each the file `ladder build` writes, and none
    /// renders the whole ladder's text at once (they take a track or a band at a time).
    #[test]
    fn deferred_whole_ladder_files_are_the_builds_without_the_whole_text() {
        let root =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/site-basic");
        let project = crate::load_project(&root).unwrap();
        let theme = Theme::load(&root, &project.ladder.config).unwrap();
        let full = render_site(&project.ladder, &theme).unwrap();
        let site = render_update(Arc::new(project.ladder), Arc::new(theme), None).unwrap();
        let before = views::render_all_calls();
        let band = full
            .files
            .keys()
            .find(|p| p.starts_with("compare/") && p.len() > "compare/index.html".len())
            .expect("a band page")
            .to_string();
        for path in [
            "print/index.html",
            "data/search.json",
            "data/levels.json",
            &band,
        ] {
            assert!(site.is_pending(path), "{path} is deferred");
            let got = site.get(path).unwrap().unwrap();
            assert_eq!(got, full.files[path], "{path} differs from the build's");
        }
        assert_eq!(views::render_all_calls(), before, "no whole-ladder text");
    }

    /// `ladder build` renders each track's pages in a scope planned with the tracks
    /// they show (their own and those they inherit from): on the example ladder, a
    /// ladder whose technical track inherits from the managing one, and a generated
    /// ladder, no page asks a scope for text it was not planned with, and the site is
    /// the in-memory render's.
    #[test]
    fn build_scopes_hold_every_text_their_pages_show() {
        use std::sync::atomic::Ordering;
        let gen_dir = generated(7, 60);
        let manifest = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        let across_dir = tempfile::tempdir().unwrap();
        let across = across_dir.path().to_path_buf();
        for (name, text) in [
            (
                "technical.md",
                "---\ntitle: Technical\nlevels:\n  - {title: Engineer, code: T1, band: 1}\n  - {title: Staff, code: T2, band: 2, inherits: managing/lead}\n---\n\n## Engineer\n\n**Responsibilities:**\n\n- Ships *small* changes\n\n## Staff\n\n**Responsibilities:**\n\n- Sets direction\n",
            ),
            (
                "managing.md",
                "---\ntitle: Managing\nlevels:\n  - {title: Lead, code: M1, band: 1}\n---\n\n## Lead\n\n**Responsibilities:**\n\n- Runs the team's **planning**\n- Hires engineers\n",
            ),
        ] {
            std::fs::create_dir_all(across.join("content")).unwrap();
            std::fs::write(across.join("content").join(name), text).unwrap();
        }
        for root in [
            manifest.clone(),
            across.clone(),
            gen_dir.path().to_path_buf(),
        ] {
            let project = crate::load_project(&root).unwrap();
            let ladder = &project.ladder;
            let crosses = ladder
                .levels()
                .any(|(r, l)| l.inherited.iter().any(|i| i.from.track != r.track));
            let theme = Theme::load(&root, &ladder.config).unwrap();
            let out = tempfile::tempdir().unwrap();
            let misses = views::SCOPE_MISSES.load(Ordering::Relaxed);
            build_site(ladder, &theme, &root, &out.path().join("site")).unwrap();
            assert_eq!(
                views::SCOPE_MISSES.load(Ordering::Relaxed),
                misses,
                "{root:?}"
            );
            let site = render_site(ladder, &theme).unwrap();
            for (path, bytes) in &site.files {
                let written = std::fs::read(out.path().join("site").join(&**path)).unwrap();
                assert!(written == **bytes, "{path} differs");
            }
            if root == across {
                assert!(crosses, "the fixture inherits across tracks");
            }
        }
    }

    /// `ladder serve` with history: a save that changes only the unreleased entry
    /// re-renders /changes/ and the level pages whose notes changed, and every file
    /// is what a full render of the new history gives.
    #[test]
    fn an_unreleased_entry_changed_renders_the_same_as_a_full_render() {
        use crate::history::{Entry, History, LevelNote};
        let root =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/site-basic");
        let project = crate::load_project(&root).unwrap();
        let theme = Arc::new(Theme::load(&root, &project.ladder.config).unwrap());
        let (track, level) = {
            let t = &project.ladder.tracks[0];
            (t.id.value.clone(), t.levels[0].id.value.clone())
        };
        let entry = |version: &str, unreleased: bool, what: &str| Entry {
            version: version.into(),
            anchor: if unreleased {
                "unreleased".into()
            } else {
                format!("v{version}")
            },
            tag: None,
            date: None,
            unreleased,
            first: false,
            previous: None,
            class: Some("major".into()),
            changes: Vec::new(),
            levels: vec![LevelNote {
                track: track.clone(),
                level: level.clone(),
                class: "major".into(),
                what: vec![what.into()],
            }],
        };
        let released = entry("1.1.0", false, "level added");
        let with = |entries: Vec<Entry>| {
            let mut ladder = project.ladder.clone();
            ladder.history = Some(Arc::new(History { entries }));
            Arc::new(ladder)
        };
        let before = with(vec![released.clone()]);
        let site = render_update(before.clone(), theme.clone(), None).unwrap();
        let previous = Previous {
            ladder: before,
            site,
        };
        for (unreleased, entries) in [
            (
                true,
                vec![
                    entry("Unreleased", true, "responsibility added"),
                    released.clone(),
                ],
            ),
            (false, vec![released.clone()]),
        ] {
            let after = with(entries);
            let full = render_site(&after, &theme).unwrap();
            let update = render_update(after, theme.clone(), Some(&previous))
                .unwrap()
                .materialize()
                .unwrap();
            assert_eq!(
                full.files.keys().collect::<Vec<_>>(),
                update.files.keys().collect::<Vec<_>>()
            );
            for (path, bytes) in &full.files {
                assert!(update.files[path] == *bytes, "{path} differs");
            }
            // Only /changes/ and the noted level's page were rendered again; every
            // other page the previous build rendered is its bytes, shared (the
            // whole-ladder files it left deferred are rendered on request).
            let noted = format!("{track}/{level}/index.html");
            for (path, old) in &previous.site.files {
                let again = !Arc::ptr_eq(&update.files[path], old);
                let expected = unreleased && (&**path == "changes/index.html" || **path == *noted);
                assert_eq!(again, expected, "{path} rendered again: {again}");
            }
        }
    }

    /// The print view written track by track (print.html with the mark, then
    /// print_track.html per track in its place) is byte for byte the print view
    /// rendered once with every track in print.html's context.
    fn assert_print_by_tracks_is_one_rendering(root: &std::path::Path) {
        let project = crate::load_project(root).unwrap();
        let ladder = &project.ladder;
        let theme = Theme::load(root, &ladder.config).unwrap();
        let urls = urls::Urls::new(&ladder.config.base_url);
        let md = markdown::MarkdownRenderer::new(ladder, &urls);
        let views = views::Views::new(ladder, &urls, &md);
        views.render_all();
        let ctx = |p: pages::PrintPage<'_>| tera::Context::from_serialize(&p).unwrap();
        let mut frame = Vec::new();
        let marked = ctx(pages::print_page(&views, Some(PRINT_TRACKS_MARK)));
        theme.render_to("print.html", &marked, &mut frame).unwrap();
        let mark = PRINT_TRACKS_MARK.as_bytes();
        assert_eq!(
            frame.windows(mark.len()).filter(|w| *w == mark).count(),
            1,
            "the default print.html places the tracks once, so the track-by-track path is taken"
        );
        let mut by_tracks = Vec::new();
        render_print(&views, &theme, &mut by_tracks).unwrap();
        let mut whole = Vec::new();
        let all = ctx(pages::print_page(&views, None));
        theme.render_to("print.html", &all, &mut whole).unwrap();
        assert!(ladder.tracks.len() > 1);
        assert!(
            by_tracks == whole,
            "print view by tracks ({} bytes) differs from one rendering ({} bytes)",
            by_tracks.len(),
            whole.len()
        );
    }

    #[test]
    fn the_example_print_view_by_tracks_is_one_rendering() {
        assert_print_by_tracks_is_one_rendering(std::path::Path::new(env!("CARGO_MANIFEST_DIR")));
    }

    #[test]
    fn a_generated_print_view_by_tracks_is_one_rendering() {
        assert_print_by_tracks_is_one_rendering(generated(42, 200).path());
    }

    /// A project of `levels` levels from the benchmark's generator, in a temporary folder.
    fn generated(seed: u64, levels: usize) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let tracks = super::gen::gen_ladder(seed, levels);
        for (rel, text) in super::gen::ladder_files(&tracks, levels) {
            let path = dir.path().join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        dir
    }

    /// The folders of the site's own pages are the ids `check` reserves for them, so
    /// a ladder that checks clean never has two pages at one path.
    #[test]
    fn reserved_track_ids_are_the_site_pages_folders() {
        let ladder = crate::check::testing::project(&[]).ladder;
        let mut folders: Vec<String> = plan(&ladder)
            .unwrap_or_default()
            .into_iter()
            .filter_map(|(path, _)| path.split_once('/').map(|(dir, _)| dir.to_string()))
            .collect();
        folders.push("assets".into()); // the theme's static files
        folders.sort();
        folders.dedup();
        let mut reserved = crate::model::RESERVED_TRACK_IDS.to_vec();
        reserved.sort();
        assert_eq!(folders, reserved);
    }
}

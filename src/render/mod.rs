//! Renders the site from the model: pages through Tera templates, assets, the search
//! index and `ladder.json`; the output writer swaps a fresh folder into place.
//!
//! Contract used by the drivers (`build`, `serve`):
//! - [`Theme::load`] reads the theme (built-in default, `themes/<name>/`, project
//!   `templates/` overrides, `static/`) once; template errors are diagnostics.
//! - [`render_site`] is a pure function of the model and the theme: it returns every
//!   output file in memory ([`SiteFiles`]), deterministic byte for byte.
//! - [`write_site`] writes a [`SiteFiles`] to the output folder atomically.
//!
//! Inside: [`markdown`] turns fragments into HTML (links rewritten), `views` renders
//! every fragment once and shapes the model for templates, `pages` builds each page's
//! context, `delta` computes "what changes from the previous level", `data` writes the
//! JSON files. Checking the ladder is not done here: `build` refuses to render a
//! ladder with errors before it gets this far.

mod data;
mod delta;
pub mod markdown;
mod pages;
mod theme;
pub mod urls;
mod views;
mod writer;

use anyhow::{bail, Context as _};
use rayon::prelude::*;
use std::collections::BTreeMap;

use crate::model::{Ladder, LevelRef};
pub use theme::{Theme, PAGE_TEMPLATES};
pub use writer::{write_site, MARKER};

/// Every file of a rendered site, keyed by its path relative to the site root
/// (`/`-separated, e.g. `managing/team-lead/index.html`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SiteFiles {
    pub files: BTreeMap<String, Vec<u8>>,
}

impl SiteFiles {
    /// Number of HTML pages in the site.
    pub fn page_count(&self) -> usize {
        self.files.keys().filter(|p| p.ends_with(".html")).count()
    }

    /// Total size of all files, in bytes.
    pub fn total_bytes(&self) -> usize {
        self.files.values().map(Vec::len).sum()
    }
}

/// One output file to produce.
#[derive(Debug, Clone, Copy)]
enum Job {
    Home,
    Track(usize),
    Level(LevelRef),
    Band(i64),
    Picker,
    Search,
    Print,
    NotFound,
    SearchIndex,
    PickerData,
    LadderJson,
}

/// Renders the whole site in memory. Pure and deterministic: the same ladder and theme
/// give the same bytes. Pages render in parallel.
pub fn render_site(ladder: &Ladder, theme: &Theme) -> anyhow::Result<SiteFiles> {
    let urls = urls::Urls::new(&ladder.config.base_url);
    let md = markdown::MarkdownRenderer::new(ladder, &urls);
    let views = views::Views::build(ladder, &urls, &md);

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
    jobs.extend((0..ladder.tracks.len()).map(Job::Track));
    jobs.extend(ladder.levels().map(|(r, _)| Job::Level(r)));
    jobs.extend(ladder.bands.keys().map(|&b| Job::Band(b)));

    let outputs: Vec<(String, Vec<u8>)> = jobs
        .par_iter()
        .map(|&job| render_job(&views, theme, job))
        .collect::<anyhow::Result<_>>()?;

    let mut files = BTreeMap::new();
    for (path, bytes) in outputs {
        if files.insert(path.clone(), bytes).is_some() {
            bail!(
                "two pages of the site would be written to `{path}`; a track or level id \
                 collides with a page of the site (compare, search, print, assets, data) \
                 or with another id: rename one"
            );
        }
    }
    // Static files: the theme's, then the project's, as they are (they may replace a
    // page on purpose, e.g. a hand-written 404.html).
    for (path, bytes) in &theme.statics {
        files.insert(path.clone(), bytes.to_vec());
    }
    Ok(SiteFiles { files })
}

fn render_job(
    views: &views::Views<'_>,
    theme: &Theme,
    job: Job,
) -> anyhow::Result<(String, Vec<u8>)> {
    let ladder = views.ladder;
    let page = |template: &str,
                dir: String,
                ctx: anyhow::Result<tera::Context>|
     -> anyhow::Result<(String, Vec<u8>)> {
        let ctx = ctx?;
        let html = theme.render(template, &ctx)?;
        let path = if dir.ends_with(".html") {
            dir
        } else {
            urls::index_file(&dir)
        };
        Ok((path, html.into_bytes()))
    };
    fn ctx<T: serde::Serialize>(value: &T) -> anyhow::Result<tera::Context> {
        tera::Context::from_serialize(value).context("preparing a page's template context")
    }
    match job {
        Job::Home => page("home.html", String::new(), ctx(&pages::home(views))),
        Job::Track(t) => page(
            "track.html",
            urls::track_dir(ladder, t),
            ctx(&pages::track_page(views, t)),
        ),
        Job::Level(r) => page(
            "level.html",
            urls::level_dir(ladder, r),
            ctx(&pages::level_page(views, r)),
        )
        .with_context(|| format!("level {}", ladder.level(r).code.value)),
        Job::Band(b) => page(
            "compare.html",
            urls::band_dir(b),
            ctx(&pages::band_page(views, b)),
        ),
        Job::Picker => page(
            "picker.html",
            "compare/".into(),
            ctx(&pages::picker_page(views)),
        ),
        Job::Search => page(
            "search.html",
            "search/".into(),
            ctx(&pages::search_page(views)),
        ),
        Job::Print => page(
            "print.html",
            "print/".into(),
            ctx(&pages::print_page(views)),
        ),
        Job::NotFound => page(
            "404.html",
            "404.html".into(),
            ctx(&pages::not_found_page(views)),
        ),
        Job::SearchIndex => Ok(("data/search.json".into(), data::search_index(views)?)),
        Job::PickerData => Ok(("data/levels.json".into(), data::picker_data(views)?)),
        Job::LadderJson => Ok(("ladder.json".into(), data::ladder_json(ladder))),
    }
}

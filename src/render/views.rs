//! View models: what each template sees, with every Markdown fragment rendered to
//! HTML. A track's text is rendered once for its track page, its level pages and the
//! level pages that inherit from it; `ladder build` holds it only while those pages
//! are written (a scope, see [`Views`]), and the print view, picker data and band
//! pages render theirs a track or a band at a time, so that a build never holds the
//! whole ladder's text.
//!
//! Everything here is linear in the size of the ladder: band peers come from
//! `Ladder::bands` and are capped per level page; the band page shows them all.

use rayon::prelude::*;
use serde::Serialize;
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::sync::{Arc, OnceLock};

use super::html::escape;
use super::markdown::MarkdownRenderer;
use super::urls::Urls;
use crate::config::{fill_url_template, UrlValues};
use crate::model::{Inherited, Ladder, Level, LevelRef, Span, Track};

/// How many band peers a level page lists before linking to the band page.
pub const PEER_LIMIT: usize = 12;
/// How many tracks the header navigation lists before "All tracks".
pub const NAV_LIMIT: usize = 8;
/// How many inherited responsibilities a level page lists; a longer `inherits` chain
/// is summarised with a link, so that a page's size does not grow with the chain.
pub const INHERITED_LIMIT: usize = 100;

/// Site-wide values every template gets as `site`.
#[derive(Debug, Clone, Serialize)]
pub struct SiteView<'a> {
    pub title: &'a str,
    pub base_url: &'a str,
    pub nav: Vec<TrackLink<'a>>,
    pub more_tracks: bool,
    /// Pages that are not tracks (an FAQ, "how promotions work"), by `order`.
    pub pages: Vec<TrackLink<'a>>,
    pub generator: &'static str,
    /// `version:` of ladder.yaml, when set.
    pub version: Option<&'a str>,
    /// Id of the track (or page) the page belongs to, for `aria-current` in the
    /// navigation.
    pub current_track: Option<&'a str>,
    /// `/changes/`, when the site shows the ladder's history.
    pub changes_url: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TrackLink<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub url: String,
}

/// A short reference to a level, for links and table headers.
#[derive(Debug, Clone, Serialize)]
pub struct LevelLink<'a> {
    pub title: &'a str,
    /// `None` for a level named by its title alone.
    pub code: Option<&'a str>,
    /// The code, or the title when there is none (see [`Level::short_name`]).
    pub short_name: &'a str,
    /// The level's band, the lowest of them for a level spanning bands.
    pub band: i64,
    /// The highest band of a level spanning bands.
    pub band_high: Option<i64>,
    pub band_name: Option<&'a str>,
    pub url: String,
    pub track: &'a str,
    pub track_url: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct CompetencyView<'a> {
    pub label: &'a str,
    pub key: &'a str,
    /// The label's anchor on the level page (see [`page_anchor`]).
    pub anchor: Cow<'a, str>,
    /// The competency's item id (SPEC 10), unique within the level.
    pub id: &'a str,
    pub html: String,
    /// "Suggest a change" and "Give feedback" links (`edit_url`, `feedback_url`).
    pub links: ItemLinks,
}

/// The `edit_url` and `feedback_url` of ladder.yaml filled in for one level or item;
/// `None` when not set.
#[derive(Debug, Clone, Serialize, Default)]
pub struct ItemLinks {
    pub edit_url: Option<String>,
    pub feedback_url: Option<String>,
}

impl ItemLinks {
    fn new(ladder: &Ladder, values: &UrlValues<'_>) -> ItemLinks {
        let fill = |t: &Option<String>| t.as_deref().map(|t| fill_url_template(t, values));
        ItemLinks {
            edit_url: fill(&ladder.config.edit_url),
            feedback_url: fill(&ladder.config.feedback_url),
        }
    }
}

/// One of a level's own responsibilities, rendered.
#[derive(Debug, Clone, Serialize)]
pub struct ResponsibilityView<'a> {
    pub html: String,
    /// Its item id (SPEC 10), unique within the level.
    pub id: &'a str,
    /// Its anchor on the level page: `r-` and its id.
    pub anchor: String,
    /// Its plain text, for link labels ("Suggest a change to ...").
    pub text: &'a str,
    pub links: ItemLinks,
}

/// A responsibility as a level page lists it: its own, or inherited and linked to
/// the level that states it. Borrows the HTML rendered once for the origin level.
#[derive(Debug, Clone, Serialize)]
pub struct ResponsibilityItem<'v> {
    pub html: &'v str,
    pub anchor: Option<&'v str>,
    /// The item id, within the level that states it.
    pub id: &'v str,
    /// For an inherited one, the level that states it, as `track/level`.
    pub origin: Option<String>,
    /// The item as pages mark it (`data-item`): its id, or for an inherited one
    /// `track/level/id` of the level that states it.
    pub item: Cow<'v, str>,
    pub text: &'v str,
    /// Links to change the item where it is written (at its origin when inherited).
    pub links: &'v ItemLinks,
    pub inherited_from: Option<LevelLink<'v>>,
    pub origin_url: Option<String>,
}

/// One level with all its text rendered.
#[derive(Debug, Clone, Serialize)]
pub struct LevelView<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub code: Option<&'a str>,
    /// The level's band, the lowest of them for a level spanning bands.
    pub band: i64,
    pub band_name: Option<&'a str>,
    pub band_url: String,
    /// The highest band of a level spanning bands (`band: [4, 5]`), its name and page.
    pub band_high: Option<i64>,
    pub band_high_name: Option<&'a str>,
    pub band_high_url: Option<String>,
    /// `5`, or `4–5` for a level spanning bands.
    pub band_label: String,
    pub note: Option<&'a str>,
    pub url: String,
    pub track: TrackLink<'a>,
    pub summary: String,
    pub competencies: Vec<CompetencyView<'a>>,
    /// The level's own responsibilities. Inherited ones are listed by
    /// [`Views::effective`], from their origin's rendering.
    pub responsibilities: Vec<ResponsibilityView<'a>>,
    pub inherits: Option<LevelLink<'a>>,
    /// How many responsibilities the level holds through `inherits`.
    pub inherited_count: usize,
    /// Front-matter keys of the level that ladder does not know, for templates.
    pub extra: &'a crate::model::Extra,
    /// "Suggest a change" / "Give feedback" links for the whole level.
    pub links: ItemLinks,
}

/// The rendered text of one track: its levels, its intro and its prose sections.
pub struct TrackText<'a> {
    pub levels: Vec<LevelView<'a>>,
    pub intro: String,
    /// Per prose section: its HTML.
    pub prose: Vec<String>,
}

/// All views of a ladder, indexed like the model (`track(t).levels[level]`).
///
/// A track's text is rendered the first time a page asks for it, once, and then
/// shared (`ladder serve`, re-rendering only the pages an edit touched, renders only
/// the tracks those pages show). A *scope* ([`with_tracks`](Self::with_tracks),
/// [`with_levels`](Self::with_levels)) holds the text a group of pages needs,
/// rendered up front and dropped with the scope: `ladder build` renders each track's
/// pages in one scope, and the files that show every track (print view, picker data,
/// band pages) take one track or one band at a time, so that the build never holds
/// the text of the whole ladder at once.
pub struct Views<'a> {
    pub ladder: &'a Ladder,
    pub urls: &'a Urls,
    md: &'a MarkdownRenderer<'a>,
    texts: Texts<'a>,
    pub home: Arc<str>,
    /// Per band, per track: how many levels the track has at that band.
    band_track_counts: Arc<HashMap<(i64, usize), usize>>,
}

/// Where a [`Views`] keeps rendered text.
enum Texts<'a> {
    /// Every track, each rendered when first asked for and kept.
    Lazy(Vec<OnceLock<TrackText<'a>>>),
    /// A scope: whole tracks and single levels rendered up front, sorted. Anything
    /// else asked for is rendered into `rest` when first asked for (correct, but it
    /// means the scope was planned too small).
    Scope {
        tracks: Vec<(usize, TrackText<'a>)>,
        levels: Vec<(LevelRef, LevelView<'a>)>,
        rest: OnceLock<Vec<OnceLock<TrackText<'a>>>>,
    },
}

impl<'a> Views<'a> {
    pub fn new(ladder: &'a Ladder, urls: &'a Urls, md: &'a MarkdownRenderer<'a>) -> Views<'a> {
        // `home-`: the home page's own ids (`matrix`, `tracks`) and, on the print view,
        // the tracks' ids are taken; a heading of the home text must not take them.
        let home = md.render(&ladder.home.body.source, None, "home-");
        let mut band_track_counts = HashMap::new();
        for (&band, members) in &ladder.bands {
            for r in members {
                *band_track_counts.entry((band, r.track)).or_insert(0) += 1;
            }
        }
        Views {
            ladder,
            urls,
            md,
            texts: Texts::Lazy(lazy_tracks(ladder)),
            home: home.into(),
            band_track_counts: Arc::new(band_track_counts),
        }
    }

    /// A scope holding the text of `tracks`, rendered now, in parallel.
    pub fn with_tracks(&self, mut tracks: Vec<usize>) -> Views<'a> {
        tracks.sort_unstable();
        tracks.dedup();
        let tracks = tracks
            .into_par_iter()
            .map(|t| (t, self.render_track(t)))
            .collect();
        self.scope(tracks, Vec::new())
    }

    /// A scope holding the views of `levels` (not their tracks' intros and prose),
    /// rendered now, in parallel: a band page shows one level of many tracks.
    pub fn with_levels(&self, levels: &[LevelRef]) -> Views<'a> {
        let mut levels: Vec<(LevelRef, LevelView<'a>)> = levels
            .par_iter()
            .map(|&r| (r, level_view(self.ladder, self.urls, self.md, r)))
            .collect();
        levels.sort_unstable_by_key(|(r, _)| *r);
        levels.dedup_by_key(|(r, _)| *r);
        self.scope(Vec::new(), levels)
    }

    fn scope(
        &self,
        tracks: Vec<(usize, TrackText<'a>)>,
        levels: Vec<(LevelRef, LevelView<'a>)>,
    ) -> Views<'a> {
        Views {
            ladder: self.ladder,
            urls: self.urls,
            md: self.md,
            texts: Texts::Scope {
                tracks,
                levels,
                rest: OnceLock::new(),
            },
            home: self.home.clone(),
            band_track_counts: self.band_track_counts.clone(),
        }
    }

    /// The tracks whose text the pages of track `t` show: `t` and the tracks its
    /// levels inherit responsibilities from.
    pub fn tracks_shown_with(&self, t: usize) -> Vec<usize> {
        let mut tracks = vec![t];
        for level in &self.ladder.tracks[t].levels {
            tracks.extend(level.inherited.iter().map(|i| i.from.track));
        }
        tracks.sort_unstable();
        tracks.dedup();
        tracks
    }

    /// Renders the text of every track now, levels in parallel (a scope has its text
    /// already).
    pub fn render_all(&self) {
        let Texts::Lazy(slots) = &self.texts else {
            return;
        };
        #[cfg(test)]
        RENDER_ALL_CALLS.with(|c| c.set(c.get() + 1));
        let ladder = self.ladder;
        let refs: Vec<LevelRef> = ladder.levels().map(|(r, _)| r).collect();
        let flat: Vec<LevelView<'a>> = refs
            .par_iter()
            .map(|&r| level_view(ladder, self.urls, self.md, r))
            .collect();
        let mut levels: Vec<Vec<LevelView<'a>>> = ladder
            .tracks
            .iter()
            .map(|t| Vec::with_capacity(t.levels.len()))
            .collect();
        for (r, v) in refs.iter().zip(flat) {
            levels[r.track].push(v);
        }
        let texts: Vec<(String, Vec<String>)> = (0..ladder.tracks.len())
            .into_par_iter()
            .map(|t| self.track_prose(t))
            .collect();
        for ((t, levels), (intro, prose)) in levels.into_iter().enumerate().zip(texts) {
            let _ = slots[t].set(TrackText {
                levels,
                intro,
                prose,
            });
        }
    }

    /// The rendered text of track `t`.
    pub fn track(&self, t: usize) -> &TrackText<'a> {
        let slots = match &self.texts {
            Texts::Lazy(slots) => slots,
            Texts::Scope { tracks, rest, .. } => {
                if let Ok(i) = tracks.binary_search_by_key(&t, |(i, _)| *i) {
                    return &tracks[i].1;
                }
                #[cfg(test)]
                SCOPE_MISSES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                rest.get_or_init(|| lazy_tracks(self.ladder))
            }
        };
        slots[t].get_or_init(|| self.render_track(t))
    }

    fn render_track(&self, t: usize) -> TrackText<'a> {
        let (intro, prose) = self.track_prose(t);
        TrackText {
            levels: (0..self.ladder.tracks[t].levels.len())
                .map(|level| {
                    level_view(
                        self.ladder,
                        self.urls,
                        self.md,
                        LevelRef { track: t, level },
                    )
                })
                .collect(),
            intro,
            prose,
        }
    }

    fn track_prose(&self, t: usize) -> (String, Vec<String>) {
        let track = &self.ladder.tracks[t];
        let intro = self.md.render(
            &track.intro.source,
            Some(t),
            &format!("{}-intro-", track.id.value),
        );
        let prose = track
            .prose
            .iter()
            .map(|p| {
                // The track's id too: the print view shows every track's prose, and
                // two tracks may have a section of the same name.
                self.md.render(
                    &p.body.source,
                    Some(t),
                    &format!("{}-{}-", track.id.value, p.anchor),
                )
            })
            .collect();
        (intro, prose)
    }

    pub fn level(&self, r: LevelRef) -> &LevelView<'a> {
        if let Texts::Scope { levels, .. } = &self.texts {
            if let Ok(i) = levels.binary_search_by_key(&r, |(r, _)| *r) {
                return &levels[i].1;
            }
        }
        &self.track(r.track).levels[r.level]
    }

    pub fn site(&self) -> SiteView<'a> {
        self.site_in(None)
    }

    /// The HTML of page `p`'s body (a page that is not a track).
    pub fn render_page_body(&self, p: usize) -> String {
        let page = &self.ladder.pages[p];
        self.md
            .render(&page.body.source, super::markdown::Place::Page(p), "")
    }

    /// [`site`](Self::site) for a page of track `t`.
    pub fn site_in(&self, t: Option<usize>) -> SiteView<'a> {
        let ladder = self.ladder;
        SiteView {
            title: &ladder.config.title,
            base_url: self.urls.root(),
            nav: (0..ladder.tracks.len().min(NAV_LIMIT))
                .map(|t| track_link(ladder, self.urls, t))
                .collect(),
            more_tracks: ladder.tracks.len() > NAV_LIMIT,
            pages: (0..ladder.pages.len().min(NAV_LIMIT))
                .map(|p| page_link(ladder, self.urls, p))
                .collect(),
            generator: concat!("ladder ", env!("CARGO_PKG_VERSION")),
            version: ladder.config.version.as_ref().map(|v| v.as_str()),
            current_track: t.map(|t| ladder.tracks[t].id.value.as_str()),
            changes_url: ladder.history.as_ref().map(|_| self.urls.page("changes/")),
        }
    }

    /// The levels at `r`'s bands on other tracks (at most [`PEER_LIMIT`]) and how many
    /// more there are.
    pub fn peers(&self, r: LevelRef) -> (Vec<LevelLink<'a>>, usize) {
        let level = self.ladder.level(r);
        let band = level.band.value;
        let total = if level.band_high.is_some() {
            // Spanning levels are few; their peers are counted one by one, so that a
            // peer sharing two bands with this level counts once.
            self.ladder.band_peers(r).count()
        } else {
            self.ladder.bands.get(&band).map_or(0, Vec::len)
                - self
                    .band_track_counts
                    .get(&(band, r.track))
                    .copied()
                    .unwrap_or(0)
        };
        let shown: Vec<LevelLink<'a>> = self
            .ladder
            .band_peers(r)
            .take(PEER_LIMIT)
            .map(|p| level_link(self.ladder, self.urls, p))
            .collect();
        let more = total.saturating_sub(shown.len());
        (shown, more)
    }

    /// Every responsibility `r` holds: its own, then the inherited ones (nearest
    /// ancestor first), at most `inherited_limit` of those; also returns how many
    /// inherited ones were left out.
    pub fn effective(
        &self,
        r: LevelRef,
        inherited_limit: usize,
    ) -> (Vec<ResponsibilityItem<'_>>, usize) {
        let view = self.level(r);
        let level = self.ladder.level(r);
        let mut items: Vec<ResponsibilityItem<'_>> = view
            .responsibilities
            .iter()
            .map(|o| ResponsibilityItem {
                html: &o.html,
                anchor: Some(&o.anchor),
                id: o.id,
                origin: None,
                item: Cow::Borrowed(o.id),
                text: o.text,
                links: &o.links,
                inherited_from: None,
                origin_url: None,
            })
            .collect();
        let mut links: HashMap<LevelRef, LevelLink<'_>> = HashMap::new();
        let mut held = 0;
        for inh in distinct_inherited(self.ladder, level) {
            held += 1;
            if held > inherited_limit {
                continue;
            }
            let Some(origin) = self.level(inh.from).responsibilities.get(inh.index) else {
                continue;
            };
            let from = links
                .entry(inh.from)
                .or_insert_with(|| self.link(inh.from))
                .clone();
            let key = self.ladder.level_key(inh.from);
            items.push(ResponsibilityItem {
                html: &origin.html,
                anchor: None,
                id: origin.id,
                item: Cow::Owned(format!("{key}/{}", origin.id)),
                text: origin.text,
                links: &origin.links,
                origin: Some(key),
                origin_url: Some(format!("{}#{}", from.url, origin.anchor)),
                inherited_from: Some(from),
            });
        }
        let hidden = held.saturating_sub(inherited_limit);
        (items, hidden)
    }

    pub fn link(&self, r: LevelRef) -> LevelLink<'a> {
        level_link(self.ladder, self.urls, r)
    }

    /// The tracks with no level at `band`, in track order.
    pub fn tracks_without(&self, band: i64) -> Vec<TrackLink<'a>> {
        (0..self.ladder.tracks.len())
            .filter(|&t| !self.band_track_counts.contains_key(&(band, t)))
            .map(|t| track_link(self.ladder, self.urls, t))
            .collect()
    }
}

pub fn track_link<'a>(ladder: &'a Ladder, urls: &Urls, t: usize) -> TrackLink<'a> {
    let track = &ladder.tracks[t];
    TrackLink {
        id: &track.id.value,
        title: &track.title.value,
        url: urls.track(ladder, t),
    }
}

/// A link to a page that is not a track (its id is the page's, for `aria-current`).
pub fn page_link<'a>(ladder: &'a Ladder, urls: &Urls, p: usize) -> TrackLink<'a> {
    let page = &ladder.pages[p];
    TrackLink {
        id: &page.id,
        title: &page.title,
        url: urls.page(&super::urls::page_dir(ladder, p)),
    }
}

pub fn level_link<'a>(ladder: &'a Ladder, urls: &Urls, r: LevelRef) -> LevelLink<'a> {
    let level = ladder.level(r);
    let track = &ladder.tracks[r.track];
    LevelLink {
        title: &level.title.value,
        code: level.code(),
        short_name: level.short_name(),
        band: level.band.value,
        band_high: level.band_high,
        band_name: ladder.band_name(level.band.value),
        url: urls.level(ladder, r),
        track: &track.title.value,
        track_url: urls.track(ladder, r.track),
    }
}

/// Ids the level page uses for its own sections.
const LEVEL_PAGE_IDS: [&str; 13] = [
    "title",
    "main",
    "on-this-page",
    "peers",
    "summary",
    "competencies",
    "responsibilities",
    "changes",
    "changes-responsibilities",
    "changes-competencies",
    "responsibilities-added",
    "responsibilities-removed",
    "search-input",
];

/// A competency's anchor on the level page: the model's anchor (`communication`), or,
/// when a label would take an id the page uses itself (a label called "Summary"),
/// that anchor with `-label` added, so that every id on the page is unique.
pub fn page_anchor(anchor: &str) -> Cow<'_, str> {
    let taken = LEVEL_PAGE_IDS.contains(&anchor)
        || anchor.starts_with("responsibility-")
        || anchor.starts_with("r-")
        || anchor.starts_with("change-");
    if taken {
        Cow::Owned(format!("{anchor}-label"))
    } else {
        Cow::Borrowed(anchor)
    }
}

/// A responsibility's anchor on the level page (`r-mentors-two-engineers`): no
/// competency anchor starts with `r-` ([`page_anchor`]), and item ids are unique
/// within a level.
pub fn responsibility_anchor(id: &str) -> String {
    format!("r-{id}")
}

/// The prefix of heading ids inside a level's Markdown, unique across the whole site.
fn id_prefix(track: &Track, level: &Level) -> String {
    format!("{}-{}-", track.id.value, level.id.value)
}

fn lazy_tracks<'a>(ladder: &Ladder) -> Vec<OnceLock<TrackText<'a>>> {
    ladder.tracks.iter().map(|_| OnceLock::new()).collect()
}

fn level_view<'a>(
    ladder: &'a Ladder,
    urls: &Urls,
    md: &MarkdownRenderer<'_>,
    r: LevelRef,
) -> LevelView<'a> {
    let track = &ladder.tracks[r.track];
    let level = ladder.level(r);
    let prefix = id_prefix(track, level);
    let links = |span: &Span, item: &str| {
        ItemLinks::new(
            ladder,
            &UrlValues {
                path: &span.file,
                line: span.line,
                track: &track.id.value,
                level: &level.id.value,
                item,
            },
        )
    };
    let competencies = level
        .competencies
        .iter()
        .map(|c| CompetencyView {
            label: &c.label,
            key: &c.key,
            anchor: page_anchor(&c.anchor),
            id: &c.id.id,
            links: links(&c.span, &c.id.id),
            html: md.render(
                &c.body.source,
                Some(r.track),
                &format!("{prefix}{}-", c.anchor),
            ),
        })
        .collect();
    let responsibilities: Vec<ResponsibilityView> = level
        .responsibilities
        .iter()
        .map(|resp| ResponsibilityView {
            html: md.render_inline(&resp.body.source, Some(r.track), &prefix),
            id: &resp.id.id,
            anchor: responsibility_anchor(&resp.id.id),
            text: &resp.body.text,
            links: links(&resp.span, &resp.id.id),
        })
        .collect();
    LevelView {
        id: &level.id.value,
        title: &level.title.value,
        code: level.code(),
        band: level.band.value,
        band_name: ladder.band_name(level.band.value),
        band_url: urls.band(level.band.value),
        band_high: level.band_high,
        band_high_name: level.band_high.and_then(|b| ladder.band_name(b)),
        band_high_url: level.band_high.map(|b| urls.band(b)),
        band_label: level.band_label(),
        note: level.section.as_ref().and_then(|s| s.note.as_deref()),
        url: urls.level(ladder, r),
        track: track_link(ladder, urls, r.track),
        summary: md.render(
            &level.summary.source,
            Some(r.track),
            &format!("{prefix}summary-"),
        ),
        competencies,
        responsibilities,
        inherits: level.inherits_ref.map(|i| level_link(ladder, urls, i)),
        inherited_count: distinct_inherited(ladder, level).count(),
        extra: &level.extra,
        links: links(level.section.as_ref().map_or(&level.span, |s| &s.span), ""),
    }
}

/// The responsibilities `level` holds through `inherits` as its pages list them:
/// nearest ancestor first, each text once, and none that repeats one of the level's
/// own. A chain where a level restates what it already inherits (the
/// redundant-responsibility lint warns about it) would otherwise list the same line
/// twice, and the "What changes" view, which matches on text, would disagree with
/// the list above it.
pub fn distinct_inherited<'m>(
    ladder: &'m Ladder,
    level: &'m Level,
) -> impl Iterator<Item = &'m Inherited> + 'm {
    let mut seen: HashSet<&'m str> = level
        .responsibilities
        .iter()
        .map(|r| &*r.body.text)
        .collect();
    level.inherited.iter().filter(move |i| {
        ladder
            .level(i.from)
            .responsibilities
            .get(i.index)
            .is_some_and(|r| seen.insert(&*r.body.text))
    })
}

/// A level's own responsibilities as one HTML list, followed by a line that says how
/// many it inherits and from where (for table cells: the inherited ones are on the
/// level page, and repeating them in every cell would grow with the square of a long
/// `inherits` chain).
pub fn own_responsibilities_html(level: &LevelView<'_>) -> String {
    let mut out = String::new();
    if !level.responsibilities.is_empty() {
        out.push_str("<ul class=\"responsibilities\">");
        for r in &level.responsibilities {
            let _ = write!(out, "<li>{}</li>", r.html);
        }
        out.push_str("</ul>");
    }
    if let (Some(from), n) = (&level.inherits, level.inherited_count) {
        if n > 0 {
            let _ = write!(
                out,
                "<p class=\"inherits-note\">Also holds {n} responsibilit{} through <a href=\"{}#responsibilities\">{}{}</a>.</p>",
                if n == 1 { "y" } else { "ies" },
                escape(&from.url),
                escape(from.title),
                from.code
                    .map(|c| format!(" ({})", escape(c)))
                    .unwrap_or_default()
            );
        }
    }
    out
}

#[cfg(test)]
thread_local! {
    /// How many times this thread rendered the whole ladder's text: what a test of
    /// `ladder serve`'s deferred files counts.
    static RENDER_ALL_CALLS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// How many times a scope was asked for text it does not hold (rendered then on the
/// spot): none, when scopes are planned right. What tests of the build count.
#[cfg(test)]
pub static SCOPE_MISSES: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

#[cfg(test)]
pub fn render_all_calls() -> usize {
    RENDER_ALL_CALLS.with(std::cell::Cell::get)
}

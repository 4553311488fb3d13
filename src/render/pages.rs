//! The context of every page template: home (the parallel matrix), track, level (with
//! "what changes"), band comparison, compare picker, search, print and 404.
//!
//! Each function builds one page's context from the shared [`Views`]; the cost of a
//! page is proportional to what it shows, never to the whole ladder (except the
//! pages that show the whole ladder: home, picker and print).

use serde::Serialize;
use std::borrow::Cow;
use std::collections::HashMap;

use super::delta::{self, Change, CompetencyDelta};
use super::views::{
    level_link, own_responsibilities_html, track_link, LevelLink, LevelView, ResponsibilityItem,
    SiteView, TrackLink, Views, INHERITED_LIMIT,
};
use crate::model::{fold_label, slugify, LevelRef};

#[derive(Serialize)]
pub struct HomePage<'v> {
    pub site: SiteView<'v>,
    pub page_title: &'v str,
    pub body: &'v str,
    pub tracks: Vec<TrackCard<'v>>,
    pub matrix: Matrix<'v>,
}

#[derive(Serialize)]
pub struct TrackCard<'v> {
    pub title: &'v str,
    pub url: String,
    pub summary: Option<&'v str>,
    pub levels: usize,
    pub first: Option<LevelLink<'v>>,
    pub last: Option<LevelLink<'v>>,
}

#[derive(Serialize)]
pub struct Matrix<'v> {
    pub tracks: Vec<TrackLink<'v>>,
    pub rows: Vec<MatrixRow<'v>>,
}

#[derive(Serialize)]
pub struct MatrixRow<'v> {
    pub band: i64,
    pub name: Option<&'v str>,
    pub url: String,
    pub cells: Vec<Option<MatrixCell<'v>>>,
}

/// A level of the matrix: its link, and the latest version when that changed it.
#[derive(Serialize)]
pub struct MatrixCell<'v> {
    #[serde(flatten)]
    pub link: LevelLink<'v>,
    pub changed_in: Option<&'v str>,
}

pub fn home<'v>(views: &'v Views<'_>) -> HomePage<'v> {
    let ladder = views.ladder;
    let tracks = ladder
        .tracks
        .iter()
        .enumerate()
        .map(|(t, track)| {
            let at = |level: usize| views.link(LevelRef { track: t, level });
            TrackCard {
                title: &track.title.value,
                url: views.urls.track(ladder, t),
                summary: track.summary.as_deref(),
                levels: track.levels.len(),
                first: (!track.levels.is_empty()).then(|| at(0)),
                last: (track.levels.len() > 1).then(|| at(track.levels.len() - 1)),
            }
        })
        .collect();
    let matrix = Matrix {
        tracks: (0..ladder.tracks.len())
            .map(|t| track_link(ladder, views.urls, t))
            .collect(),
        rows: ladder
            .band_matrix()
            .into_iter()
            .map(|(band, cells)| MatrixRow {
                band,
                name: ladder.band_name(band),
                url: views.urls.band(band),
                cells: cells
                    .into_iter()
                    .map(|c| {
                        c.map(|r| MatrixCell {
                            link: views.link(r),
                            changed_in: ladder.history.as_ref().and_then(|h| {
                                let track = &ladder.tracks[r.track];
                                h.changed_in_latest(
                                    &track.id.value,
                                    &track.levels[r.level].id.value,
                                )
                            }),
                        })
                    })
                    .collect(),
            })
            .collect(),
    };
    HomePage {
        site: views.site(),
        page_title: ladder.home.title.as_deref().unwrap_or(&ladder.config.title),
        body: &views.home,
        tracks,
        matrix,
    }
}

#[derive(Serialize)]
pub struct TrackPage<'v> {
    pub site: SiteView<'v>,
    pub page_title: &'v str,
    pub track: TrackView<'v>,
}

#[derive(Serialize)]
pub struct TrackView<'v> {
    pub id: &'v str,
    pub title: &'v str,
    pub heading: &'v str,
    pub summary: Option<&'v str>,
    pub url: String,
    pub intro: &'v str,
    /// Levels and prose sections in source order.
    pub sections: Vec<SectionView<'v>>,
    pub levels: Vec<LevelLink<'v>>,
    pub progression: Table<'v>,
    /// Front-matter keys of the track that ladder does not know, for templates.
    pub extra: &'v crate::model::Extra,
}

#[derive(Serialize)]
pub struct SectionView<'v> {
    /// `level` or `prose`.
    pub kind: &'static str,
    pub level: Option<&'v LevelView<'v>>,
    pub prose: Option<ProseView<'v>>,
}

#[derive(Serialize)]
pub struct ProseView<'v> {
    pub title: &'v str,
    pub anchor: &'v str,
    pub html: &'v str,
}

/// A comparison table: one column per level, one row per label.
#[derive(Serialize)]
pub struct Table<'v> {
    pub columns: Vec<LevelLink<'v>>,
    pub rows: Vec<Row<'v>>,
}

#[derive(Serialize)]
pub struct Row<'v> {
    pub label: Cow<'v, str>,
    pub anchor: String,
    /// HTML of each cell; `None` is a gap (the level has nothing under this label).
    pub cells: Vec<Option<Cow<'v, str>>>,
}

pub fn track_page<'v>(views: &'v Views<'_>, t: usize) -> TrackPage<'v> {
    let track = track_view(views, t);
    TrackPage {
        site: views.site_in(Some(t)),
        page_title: &views.ladder.tracks[t].title.value,
        track,
    }
}

pub fn track_view<'v>(views: &'v Views<'_>, t: usize) -> TrackView<'v> {
    let ladder = views.ladder;
    let track = &ladder.tracks[t];
    let prose = |i: usize| SectionView {
        kind: "prose",
        level: None,
        prose: Some(ProseView {
            title: &track.prose[i].title,
            anchor: &track.prose[i].anchor,
            html: &views.track(t).prose[i],
        }),
    };
    // Prose sections go after the level they follow in the file; a prose section
    // before every level comes first.
    let mut after: HashMap<Option<usize>, Vec<usize>> = HashMap::new();
    for (i, p) in track.prose.iter().enumerate() {
        after.entry(p.after_level).or_default().push(i);
    }
    let mut sections: Vec<SectionView<'v>> = after
        .get(&None)
        .into_iter()
        .flatten()
        .map(|&i| prose(i))
        .collect();
    for (li, level) in views.track(t).levels.iter().enumerate() {
        sections.push(SectionView {
            kind: "level",
            level: Some(level),
            prose: None,
        });
        sections.extend(
            after
                .get(&Some(li))
                .into_iter()
                .flatten()
                .map(|&i| prose(i)),
        );
    }
    let levels: Vec<&'v LevelView<'v>> = views.track(t).levels.iter().collect();
    TrackView {
        id: &track.id.value,
        title: &track.title.value,
        heading: track.heading.as_deref().unwrap_or(&track.title.value),
        summary: track.summary.as_deref(),
        extra: &track.extra,
        url: views.urls.track(ladder, t),
        intro: &views.track(t).intro,
        sections,
        levels: (0..track.levels.len())
            .map(|level| views.link(LevelRef { track: t, level }))
            .collect(),
        progression: label_table(
            views,
            (0..track.levels.len())
                .map(|level| LevelRef { track: t, level })
                .collect(),
            &levels,
            track.dimensions.iter().map(|d| d.value.as_str()),
            false,
        ),
    }
}

/// Rows: labels (`first_labels` in order, then any other label by first appearance),
/// then responsibilities. With `with_summary`, a summary row comes first.
fn label_table<'v>(
    views: &'v Views<'_>,
    refs: Vec<LevelRef>,
    levels: &[&'v LevelView<'v>],
    first_labels: impl Iterator<Item = &'v str>,
    with_summary: bool,
) -> Table<'v> {
    let mut order: Vec<(String, &'v str)> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut add = |key: String, label: &'v str, order: &mut Vec<(String, &'v str)>| {
        if !index.contains_key(&key) {
            index.insert(key.clone(), order.len());
            order.push((key, label));
        }
    };
    for label in first_labels {
        let key = fold_label(label);
        if key != "responsibilities" {
            add(key, label, &mut order);
        }
    }
    for level in levels {
        for c in &level.competencies {
            add(c.key.to_string(), c.label, &mut order);
        }
    }
    let mut rows = Vec::with_capacity(order.len() + 2);
    if with_summary {
        rows.push(Row {
            label: Cow::Borrowed("Summary"),
            anchor: "row-summary".into(),
            cells: levels
                .iter()
                .map(|l| (!l.summary.is_empty()).then_some(Cow::Borrowed(l.summary.as_str())))
                .collect(),
        });
    }
    let mut anchors: HashMap<String, usize> = HashMap::new();
    for (key, label) in &order {
        // `label-` keeps label rows apart from the summary and responsibilities rows;
        // two labels with the same slug are numbered.
        let base = format!("label-{}", slugify(key));
        let n = anchors.entry(base.clone()).or_insert(0);
        *n += 1;
        let anchor = if *n == 1 { base } else { format!("{base}-{n}") };
        rows.push(Row {
            label: Cow::Borrowed(label),
            anchor,
            cells: levels
                .iter()
                .map(|l| {
                    l.competencies
                        .iter()
                        .find(|c| c.key == key)
                        .map(|c| Cow::Borrowed(c.html.as_str()))
                })
                .collect(),
        });
    }
    if levels
        .iter()
        .any(|l| !l.responsibilities.is_empty() || l.inherited_count > 0)
    {
        rows.push(Row {
            label: Cow::Borrowed("Responsibilities"),
            anchor: "row-responsibilities".into(),
            cells: levels
                .iter()
                .map(|l| {
                    (!l.responsibilities.is_empty() || l.inherited_count > 0)
                        .then(|| Cow::Owned(own_responsibilities_html(l)))
                })
                .collect(),
        });
    }
    Table {
        columns: refs.into_iter().map(|r| views.link(r)).collect(),
        rows,
    }
}

#[derive(Serialize)]
pub struct LevelPage<'v> {
    pub site: SiteView<'v>,
    pub page_title: String,
    pub level: &'v LevelView<'v>,
    /// Own responsibilities, then inherited ones (at most [`INHERITED_LIMIT`]).
    pub responsibilities: Vec<ResponsibilityItem<'v>>,
    /// Inherited responsibilities left out of `responsibilities`.
    pub inherited_hidden: usize,
    pub peers: Vec<LevelLink<'v>>,
    pub peers_more: usize,
    pub prev: Option<LevelLink<'v>>,
    pub next: Option<LevelLink<'v>>,
    pub changes: Option<Changes<'v>>,
    /// The versions that changed this level, newest first (with the history only).
    pub history: Vec<crate::history::LevelChange<'v>>,
}

/// "What changes from the previous level".
#[derive(Serialize)]
pub struct Changes<'v> {
    pub from: LevelLink<'v>,
    pub added: Vec<ResponsibilityItem<'v>>,
    pub removed: Vec<ResponsibilityItem<'v>>,
    pub competencies: Vec<CompetencyDelta>,
    pub changed: usize,
    pub unchanged: usize,
}

pub fn level_page<'v>(views: &'v Views<'_>, r: LevelRef) -> LevelPage<'v> {
    let ladder = views.ladder;
    let view = views.level(r);
    let (peers, peers_more) = views.peers(r);
    let track_len = ladder.tracks[r.track].levels.len();
    let prev = (r.level > 0).then(|| LevelRef {
        track: r.track,
        level: r.level - 1,
    });
    let next = (r.level + 1 < track_len).then(|| LevelRef {
        track: r.track,
        level: r.level + 1,
    });
    let changes = prev.map(|p| changes(views, r, p));
    let (responsibilities, inherited_hidden) = views.effective(r, INHERITED_LIMIT);
    LevelPage {
        responsibilities,
        inherited_hidden,
        site: views.site_in(Some(r.track)),
        page_title: match view.code {
            Some(code) => format!("{} ({code}) · {}", view.title, view.track.title),
            None => format!("{} · {}", view.title, view.track.title),
        },
        level: view,
        peers,
        peers_more,
        prev: prev.map(|p| level_link(ladder, views.urls, p)),
        next: next.map(|n| level_link(ladder, views.urls, n)),
        changes,
        history: ladder
            .history
            .as_ref()
            .map(|h| {
                let track = &ladder.tracks[r.track];
                h.level_changes(&track.id.value, &track.levels[r.level].id.value)
            })
            .unwrap_or_default(),
    }
}

fn changes<'v>(views: &'v Views<'_>, r: LevelRef, p: LevelRef) -> Changes<'v> {
    let (added, removed) = delta::responsibility_delta(views, r, p);
    let competencies = delta::competency_delta(views.ladder.level(r), views.ladder.level(p));
    let changed = competencies
        .iter()
        .filter(|c| c.change != Change::Unchanged)
        .count();
    Changes {
        from: views.link(p),
        unchanged: competencies.len() - changed,
        changed,
        added,
        removed,
        competencies,
    }
}

#[derive(Serialize)]
pub struct BandPage<'v> {
    pub site: SiteView<'v>,
    pub page_title: String,
    pub band: i64,
    pub band_name: Option<&'v str>,
    pub prev: Option<BandLink<'v>>,
    pub next: Option<BandLink<'v>>,
    pub table: Table<'v>,
    pub missing: Vec<TrackLink<'v>>,
}

#[derive(Serialize)]
pub struct BandLink<'v> {
    pub band: i64,
    pub name: Option<&'v str>,
    pub url: String,
}

pub fn band_title(band: i64, name: Option<&str>) -> String {
    match name {
        Some(n) => format!("Band {band}: {n}"),
        None => format!("Band {band}"),
    }
}

pub fn band_page<'v>(views: &'v Views<'_>, band: i64) -> BandPage<'v> {
    let ladder = views.ladder;
    let members: Vec<LevelRef> = ladder.bands.get(&band).cloned().unwrap_or_default();
    let levels: Vec<&'v LevelView<'v>> = members.iter().map(|&r| views.level(r)).collect();
    let link = |b: i64| BandLink {
        band: b,
        name: ladder.band_name(b),
        url: views.urls.band(b),
    };
    BandPage {
        site: views.site(),
        page_title: band_title(band, ladder.band_name(band)),
        band,
        band_name: ladder.band_name(band),
        // "Previous" is the band below, "next" the band above, as on a ladder.
        prev: ladder
            .bands
            .range(..band)
            .next_back()
            .map(|(&b, _)| link(b)),
        next: ladder.bands.range(band + 1..).next().map(|(&b, _)| link(b)),
        table: label_table(views, members, &levels, std::iter::empty(), true),
        missing: views.tracks_without(band),
    }
}

#[derive(Serialize)]
pub struct PickerPage<'v> {
    pub site: SiteView<'v>,
    pub page_title: &'static str,
    pub groups: Vec<PickerGroup<'v>>,
    /// Default choices: the first level and its first band peer (or the next level).
    pub default_a: String,
    pub default_b: String,
    pub data_url: String,
    pub bands: Vec<BandLink<'v>>,
}

#[derive(Serialize)]
pub struct PickerGroup<'v> {
    pub track: &'v str,
    pub options: Vec<PickerOption<'v>>,
}

#[derive(Serialize)]
pub struct PickerOption<'v> {
    /// `track/level`, the key of the level in `data/levels.json`.
    pub value: String,
    pub title: &'v str,
    pub code: Option<&'v str>,
}

pub fn picker_page<'v>(views: &'v Views<'_>) -> PickerPage<'v> {
    let ladder = views.ladder;
    let groups = ladder
        .tracks
        .iter()
        .enumerate()
        .map(|(t, track)| PickerGroup {
            track: &track.title.value,
            options: track
                .levels
                .iter()
                .enumerate()
                .map(|(l, level)| PickerOption {
                    value: views.ladder.level_key(LevelRef { track: t, level: l }),
                    title: &level.title.value,
                    code: level.code(),
                })
                .collect(),
        })
        .collect();
    let first = ladder.levels().next().map(|(r, _)| r);
    let second = first.and_then(|f| {
        views
            .ladder
            .band_peers(f)
            .next()
            .or_else(|| ladder.levels().nth(1).map(|(r, _)| r))
    });
    PickerPage {
        site: views.site(),
        page_title: "Compare levels",
        groups,
        default_a: first.map(|r| views.ladder.level_key(r)).unwrap_or_default(),
        default_b: second
            .map(|r| views.ladder.level_key(r))
            .unwrap_or_default(),
        data_url: views.urls.page("data/levels.json"),
        bands: ladder
            .bands
            .keys()
            .rev()
            .map(|&b| BandLink {
                band: b,
                name: ladder.band_name(b),
                url: views.urls.band(b),
            })
            .collect(),
    }
}

#[derive(Serialize)]
pub struct SimplePage<'v> {
    pub site: SiteView<'v>,
    pub page_title: &'static str,
    pub index_url: String,
}

pub fn search_page<'v>(views: &'v Views<'_>) -> SimplePage<'v> {
    SimplePage {
        site: views.site(),
        page_title: "Search",
        index_url: views.urls.page("data/search.json"),
    }
}

pub fn not_found_page<'v>(views: &'v Views<'_>) -> SimplePage<'v> {
    SimplePage {
        site: views.site(),
        page_title: "Page not found",
        index_url: views.urls.page("data/search.json"),
    }
}

#[derive(Serialize)]
pub struct PrintPage<'v> {
    pub site: SiteView<'v>,
    pub page_title: &'static str,
    pub home: HomePage<'v>,
    /// Every track, or none when the tracks are rendered one by one into the place
    /// `print_tracks` marks (see `render::render_print`).
    pub tracks: Vec<TrackView<'v>>,
    /// What print.html writes after its loop over `tracks`: empty, or the mark.
    pub print_tracks: &'static str,
}

/// The print view's context: with every track (`print_tracks` empty), or with none
/// and `print_tracks` set to `mark`.
pub fn print_page<'v>(views: &'v Views<'_>, mark: Option<&'static str>) -> PrintPage<'v> {
    PrintPage {
        site: views.site(),
        page_title: PRINT_TITLE,
        home: home(views),
        tracks: match mark {
            Some(_) => Vec::new(),
            None => (0..views.ladder.tracks.len())
                .map(|t| track_view(views, t))
                .collect(),
        },
        print_tracks: mark.unwrap_or(""),
    }
}

const PRINT_TITLE: &str = "The whole ladder";

/// The context of print_track.html: one track of the print view.
#[derive(Serialize)]
pub struct PrintTrack<'s, 'v> {
    pub site: &'s SiteView<'v>,
    pub page_title: &'static str,
    pub track: TrackView<'v>,
}

pub fn print_track<'s, 'v>(
    views: &'v Views<'_>,
    site: &'s SiteView<'v>,
    t: usize,
) -> PrintTrack<'s, 'v> {
    PrintTrack {
        site,
        page_title: PRINT_TITLE,
        track: track_view(views, t),
    }
}

/// A page that is not a track (SPEC 8.4).
#[derive(Serialize)]
pub struct ProsePage<'v> {
    pub site: SiteView<'v>,
    pub page_title: &'v str,
    pub page: PageView<'v>,
}

#[derive(Serialize)]
pub struct PageView<'v> {
    pub id: &'v str,
    pub title: &'v str,
    pub summary: Option<&'v str>,
    pub url: String,
    pub body: String,
    /// Front-matter keys of the page that ladder does not know, for templates.
    pub extra: &'v crate::model::Extra,
}

pub fn prose_page<'v>(views: &'v Views<'_>, p: usize) -> ProsePage<'v> {
    let page = &views.ladder.pages[p];
    let mut site = views.site();
    site.current_track = Some(&page.id);
    ProsePage {
        site,
        page_title: &page.title,
        page: PageView {
            id: &page.id,
            title: &page.title,
            summary: page.summary.as_deref(),
            url: views.urls.page(&super::urls::page_dir(views.ladder, p)),
            body: views.render_page_body(p),
            extra: &page.extra,
        },
    }
}

/// `/changes/`: every version of the ladder, newest first (SPEC 11).
#[derive(Serialize)]
pub struct ChangesPage<'v> {
    pub site: SiteView<'v>,
    pub page_title: &'static str,
    pub entries: &'v [crate::history::Entry],
}

pub fn changes_page<'v>(views: &'v Views<'_>) -> ChangesPage<'v> {
    let mut site = views.site();
    site.current_track = Some("changes");
    ChangesPage {
        site,
        page_title: "Changes",
        entries: views
            .ladder
            .history
            .as_ref()
            .map_or(&[][..], |h| &h.entries[..]),
    }
}

//! Which files of the site an edit can have changed, for `ladder serve`.
//!
//! [`Stale::between`] compares the model before and after an edit. The site is
//! rendered from the model alone (and the theme, which the caller keeps unchanged), so
//! a file whose inputs are equal in both models has the same bytes, and the old bytes
//! can be served again. The inputs are tracked at the granularity of a track:
//!
//! - The **outline** of the ladder is what pages of other tracks show: the settings,
//!   the home page, the band table, and per track its id, title, summary, heading,
//!   file, dimensions, prose section titles and anchors (the targets of links from
//!   other tracks), and per level its id, title, code, band, heading note and
//!   `inherits`. If the outline changed, every file is stale (the navigation, band
//!   peers, the matrix and every link may have changed).
//! - Otherwise only the **text** of some tracks changed (summaries, competencies,
//!   responsibilities, intros, prose). A level page shows its own text, its previous
//!   level's (for "what changes") and the responsibilities inherited along the
//!   `inherits` chains of both, which may cross tracks: it is stale when any of those
//!   levels' tracks changed. A track page is stale when its track changed or one of its
//!   level pages is stale (its table counts inherited responsibilities). A band page is
//!   stale when one of its levels is. The files that hold the whole ladder's text
//!   (print view, search index, picker data, ladder.json) are stale on any change.
//!   The home, picker, search and 404 pages show only the outline: never stale here.
//!
//! A test renders every edit both ways and compares every file byte for byte
//! (`tests/site.rs`, `incremental_render_matches_full_render`).

use crate::model::{Ladder, Level, LevelRef, ProseSection, Section, Track};

use super::documents::Document;
use super::Job;

/// The files an edit made stale. See the module documentation.
pub struct Stale {
    /// Per track, per level: what the level shows changed (its page, its documents
    /// and the track and band pages that show it are stale).
    levels: Vec<Vec<bool>>,
    /// Per track, per level: only the versions its page lists changed (the
    /// unreleased entry): its page alone is stale.
    noted: Vec<Vec<bool>>,
    /// Per track: the track page is stale.
    tracks: Vec<bool>,
    /// Bands with a stale level.
    bands: std::collections::BTreeSet<i64>,
    /// Some track's text changed.
    any: bool,
    /// The history's unreleased entry changed (its tagged versions did not).
    changes: bool,
}

impl Stale {
    /// `None` when everything is stale (the outline changed).
    pub fn between(old: &Ladder, new: &Ladder) -> Option<Stale> {
        if old.config != new.config
            || old.home != new.home
            // Pages are in every page's navigation.
            || old.pages != new.pages
            || old.bands != new.bands
            || old.tracks.len() != new.tracks.len()
            // The marks of the home matrix and every page's link to /changes/.
            || released(old) != released(new)
        {
            return None;
        }
        let history_changed = old.history != new.history;
        let mut changed = Vec::with_capacity(new.tracks.len());
        for (a, b) in old.tracks.iter().zip(&new.tracks) {
            // An untouched track is the same allocation in both (serve shares them).
            if std::sync::Arc::ptr_eq(a, b) || a == b {
                changed.push(false);
            } else if same_outline(a, b) {
                changed.push(true);
            } else {
                return None;
            }
        }
        let any = changed.iter().any(|&c| c);
        // Whether a level's own text or anything it inherits comes from a changed
        // track. Chains are walked once per level, memoised; a cycle (an error the
        // checker reports, so never rendered) would end at the step limit.
        let mut chain: Vec<Vec<Option<bool>>> = new
            .tracks
            .iter()
            .map(|t| vec![None; t.levels.len()])
            .collect();
        let limit = new.tracks.iter().map(|t| t.levels.len()).sum::<usize>();
        let mut chain_changed = |r: LevelRef| -> bool {
            let mut path = Vec::new();
            let mut at = Some(r);
            let mut result = false;
            while let Some(x) = at {
                if let Some(known) = chain[x.track][x.level] {
                    result = known;
                    break;
                }
                if changed[x.track] || path.len() > limit {
                    result = true;
                    break;
                }
                path.push(x);
                at = new.level(x).inherits_ref;
            }
            for x in path {
                chain[x.track][x.level] = Some(result);
            }
            result
        };
        let mut levels = Vec::with_capacity(new.tracks.len());
        let mut noted_levels = Vec::with_capacity(new.tracks.len());
        let mut tracks = Vec::with_capacity(new.tracks.len());
        let mut bands = std::collections::BTreeSet::new();
        for (t, track) in new.tracks.iter().enumerate() {
            let own: Vec<bool> = (0..track.levels.len())
                .map(|level| chain_changed(LevelRef { track: t, level }))
                .collect();
            // A level page lists the versions that changed it, the unreleased one too.
            let noted = |l: usize| {
                history_changed && {
                    let (track, level) = (&track.id.value, &track.levels[l].id.value);
                    fn notes<'a>(
                        h: &'a Ladder,
                        track: &str,
                        level: &str,
                    ) -> Vec<crate::history::LevelChange<'a>> {
                        h.history
                            .as_ref()
                            .map(|h| h.level_changes(track, level))
                            .unwrap_or_default()
                    }
                    notes(old, track, level) != notes(new, track, level)
                }
            };
            let stale: Vec<bool> = (0..own.len())
                .map(|l| own[l] || (l > 0 && own[l - 1]))
                .collect();
            for (l, &s) in stale.iter().enumerate() {
                if s {
                    bands.extend(track.levels[l].bands());
                }
            }
            tracks.push(changed[t] || stale.iter().any(|&s| s));
            noted_levels.push((0..stale.len()).map(|l| !stale[l] && noted(l)).collect());
            levels.push(stale);
        }
        Some(Stale {
            levels,
            noted: noted_levels,
            tracks,
            bands,
            any,
            changes: history_changed,
        })
    }

    /// Every job [`Stale::touches`], in no particular order.
    pub(super) fn jobs(&self) -> Vec<Job> {
        let mut jobs = Vec::new();
        for (t, levels) in self.levels.iter().enumerate() {
            if self.tracks[t] {
                jobs.push(Job::Track(t));
            }
            for (level, &stale) in levels.iter().enumerate() {
                let r = LevelRef { track: t, level };
                if stale {
                    jobs.push(Job::Level(r));
                    jobs.extend(Document::ALL.map(|d| Job::Document(r, d)));
                } else if self.noted[t][level] {
                    jobs.push(Job::Level(r));
                }
            }
        }
        jobs.extend(self.bands.iter().map(|&b| Job::Band(b)));
        if self.changes {
            jobs.push(Job::Changes);
        }
        if self.any {
            jobs.extend([
                Job::Print,
                Job::SearchIndex,
                Job::PickerData,
                Job::LadderJson,
            ]);
        }
        jobs
    }

    /// Whether the file `job` renders may differ from the previous build's.
    pub(super) fn touches(&self, job: Job) -> bool {
        match job {
            Job::Home | Job::Page(_) | Job::Picker | Job::Search | Job::NotFound => false,
            Job::Track(t) => self.tracks[t],
            Job::Level(r) => self.levels[r.track][r.level] || self.noted[r.track][r.level],
            Job::Document(r, _) => self.levels[r.track][r.level],
            Job::Band(b) => self.bands.contains(&b),
            Job::Changes => self.changes,
            Job::Print | Job::SearchIndex | Job::PickerData | Job::LadderJson => self.any,
        }
    }
}

/// The tagged versions of the ladder's history (not the unreleased entry), `None`
/// without history.
fn released(ladder: &Ladder) -> Option<Vec<&crate::history::Entry>> {
    ladder
        .history
        .as_ref()
        .map(|h| h.entries.iter().filter(|e| !e.unreleased).collect())
}

/// Whether two versions of a track agree on everything other tracks' pages show.
///
/// The structs are taken apart field by field, with no `..`: a field added to the model
/// does not compile here until it is sorted into "shown elsewhere" (compared) or "shown
/// only on the track's own pages" (ignored), so serve cannot keep stale pages by
/// forgetting it.
fn same_outline(a: &Track, b: &Track) -> bool {
    let Track {
        id,
        title,
        summary,
        order,
        path,
        dimensions,
        intro: _,
        heading,
        prose,
        level_rank,
        levels,
        links: _,
        span: _,
        extra,
        heading_anchors,
    } = a;
    id.value == b.id.value
        && title.value == b.title.value
        && *heading_anchors == b.heading_anchors
        && *summary == b.summary
        && *order == b.order
        && *path == b.path
        && *heading == b.heading
        && *level_rank == b.level_rank
        && *extra == b.extra
        && dimensions
            .iter()
            .map(|d| &d.value)
            .eq(b.dimensions.iter().map(|d| &d.value))
        && prose.len() == b.prose.len()
        && prose
            .iter()
            .zip(&b.prose)
            .all(|(x, y)| same_prose_outline(x, y))
        && levels.len() == b.levels.len()
        && levels
            .iter()
            .zip(&b.levels)
            .all(|(x, y)| same_level_outline(x, y))
}

fn same_prose_outline(a: &ProseSection, b: &ProseSection) -> bool {
    let ProseSection {
        title,
        anchor,
        body: _,
        after_level,
        span: _,
    } = a;
    *title == b.title && *anchor == b.anchor && *after_level == b.after_level
}

fn same_level_outline(a: &Level, b: &Level) -> bool {
    let Level {
        id,
        title,
        code,
        band,
        band_high,
        inherits,
        inherits_ref,
        section,
        summary: _,
        competencies: _,
        responsibilities: _,
        responsibilities_span: _,
        inherited: _,
        span: _,
        extra,
    } = a;
    fn heading(s: &Option<Section>) -> Option<(&String, &Option<String>, &u8)> {
        s.as_ref().map(|s| {
            let Section {
                heading,
                note,
                span: _,
                rank,
                ended_by: _,
            } = s;
            (heading, note, rank)
        })
    }
    id.value == b.id.value
        && title.value == b.title.value
        && code.as_ref().map(|c| &c.value) == b.code.as_ref().map(|c| &c.value)
        && band.value == b.band.value
        && *band_high == b.band_high
        && *inherits_ref == b.inherits_ref
        && inherits.as_ref().map(|i| &i.value) == b.inherits.as_ref().map(|i| &i.value)
        && heading(section) == heading(&b.section)
        && *extra == b.extra
}

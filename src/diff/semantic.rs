//! Model against model: which tracks, levels, competencies and responsibilities were
//! added, removed, renamed or reworded, how the bands line up before and after, and
//! which lint results appeared or went away.
//!
//! Identity, not position, decides what is "the same": tracks pair by id, then by
//! file, then by title (so a moved file or a changed id is not a removal plus an
//! addition); levels pair by id, then by code (codes are unique in a ladder, so a
//! level whose id changed with its title is still found). Every pairing goes through
//! hash maps, so the cost grows with the number of levels, never with its square.
//! This module only computes [`Report`]; writing it is `markdown` and `json`'s job.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::report::*;
use super::words::{has_changes, similarity, word_diff, WordOp, WordOpKind};
use super::Side;
use crate::config::Config;
use crate::model::{fold_label, Ladder, Level, LevelRef, Markdown, Track};

/// Responsibilities of one level are paired up as rewordings only below this many
/// removed × added candidates (a bound on the one quadratic step, per level).
const MAX_REWORD_PAIRS: usize = 400;
/// How alike two responsibilities must be to read as one reworded.
const REWORD_SIMILARITY: f32 = 0.5;

/// Compares two loaded sides.
pub fn compare(old: &Side, new: &Side) -> Report {
    let (o, n) = (&old.project.ladder, &new.project.ladder);
    let mut counts = Counts::default();

    let settings = if old.config_parses && new.config_parses {
        settings_changes(&o.config, &n.config)
    } else {
        Vec::new()
    };
    counts.settings_changed = settings.len();

    let home = HomeDiff {
        title: Change::of(o.home.title.clone(), n.home.title.clone()),
        body: text_change(&o.home.body, &n.home.body),
    };
    counts.prose_changed += usize::from(home.title.is_some()) + usize::from(home.body.is_some());

    let pairs = pair_by_keys(
        &o.tracks,
        &n.tracks,
        &[
            &|t: &Track| t.id.value.clone(),
            &|t: &Track| t.path.clone(),
            &|t: &Track| fold_label(&t.title.value),
        ],
    );

    let mut tracks = Vec::new();
    // Level pairings of tracks present on both sides, for alignment.
    let mut level_maps: Vec<(usize, usize, Vec<Option<usize>>)> = Vec::new();
    // Old track file → new track file, so that lints of a moved file are matched.
    let mut moved_files: HashMap<String, String> = HashMap::new();
    for &(oi, ni) in &pairs {
        match (oi, ni) {
            (Some(oi), Some(ni)) => {
                let (ot, nt) = (&o.tracks[oi], &n.tracks[ni]);
                if ot.path != nt.path {
                    moved_files.insert(content_path(&ot.path), content_path(&nt.path));
                }
                let (diff, map) = track_diff(o, n, oi, ni, &mut counts);
                level_maps.push((oi, ni, map));
                tracks.extend(diff);
            }
            (None, Some(ni)) => {
                let t = &n.tracks[ni];
                let status = if unparsed_on(old, t) {
                    counts.tracks_not_compared += 1;
                    Status::OldUnparsed
                } else {
                    counts.tracks_added += 1;
                    Status::Added
                };
                tracks.push(whole_track(n, ni, status));
            }
            (Some(oi), None) => {
                let t = &o.tracks[oi];
                let status = if unparsed_on(new, t) {
                    counts.tracks_not_compared += 1;
                    Status::NewUnparsed
                } else {
                    counts.tracks_removed += 1;
                    Status::Removed
                };
                tracks.push(whole_track(o, oi, status));
            }
            (None, None) => {}
        }
    }

    let alignment = alignment_changes(o, n, &level_maps);
    counts.bands_realigned = alignment.len();

    let lints = lint_changes(old, new, &moved_files);
    counts.lints_appeared = lints.appeared.len();
    counts.lints_resolved = lints.resolved.len();

    let mut report = Report {
        schema_version: SCHEMA_VERSION,
        old: old.summary.clone(),
        new: new.summary.clone(),
        changed: false,
        counts,
        settings,
        home,
        alignment,
        tracks,
        lints,
    };
    report.changed = report.has_changes();
    report
}

/// Whether `track`, missing from `side`, may be there in a file that does not parse:
/// its own file, or one named after its id (the default id is the file's stem).
fn unparsed_on(side: &Side, track: &Track) -> bool {
    side.unparsed.contains(&track.path)
        || side.unparsed.iter().any(|p| {
            let stem = p.rsplit('/').next().unwrap_or(p).trim_end_matches(".md");
            stem == track.id.value
        })
}

fn content_path(track_path: &str) -> String {
    format!("content/{track_path}")
}

/// Pairs items of two lists by a sequence of keys: the first key pairs what it can,
/// the next key pairs what is left, and so on. The first item with a key wins.
/// Returns pairs in `new` order, then the unpaired old items in their order.
fn pair_by_keys<T>(
    old: &[T],
    new: &[T],
    keys: &[&dyn Fn(&T) -> String],
) -> Vec<(Option<usize>, Option<usize>)> {
    let mut old_taken = vec![false; old.len()];
    let mut new_match: Vec<Option<usize>> = vec![None; new.len()];
    for key in keys {
        let mut free_old: HashMap<String, usize> = HashMap::new();
        for (i, item) in old.iter().enumerate().rev() {
            if !old_taken[i] {
                free_old.insert(key(item), i);
            }
        }
        for (j, item) in new.iter().enumerate() {
            if new_match[j].is_some() {
                continue;
            }
            if let Some(i) = free_old.remove(&key(item)) {
                old_taken[i] = true;
                new_match[j] = Some(i);
            }
        }
    }
    let mut pairs: Vec<_> = new_match
        .iter()
        .enumerate()
        .map(|(j, m)| (*m, Some(j)))
        .collect();
    pairs.extend(
        old_taken
            .iter()
            .enumerate()
            .filter(|(_, taken)| !**taken)
            .map(|(i, _)| (Some(i), None)),
    );
    pairs
}

/// A track that is only on one side, with all of its levels.
fn whole_track(ladder: &Ladder, ti: usize, status: Status) -> TrackDiff {
    let t = &ladder.tracks[ti];
    let level_status = match status {
        Status::Added => Status::Added,
        Status::Removed => Status::Removed,
        other => other,
    };
    let levels = t
        .levels
        .iter()
        .enumerate()
        .map(|(li, l)| {
            whole_level(
                ladder,
                LevelRef {
                    track: ti,
                    level: li,
                },
                l,
                level_status,
            )
        })
        .collect();
    TrackDiff {
        id: t.id.value.clone(),
        title: t.title.value.clone(),
        status,
        path: t.path.clone(),
        id_change: None,
        path_change: None,
        title_change: None,
        summary: None,
        order: None,
        dimensions_added: Vec::new(),
        dimensions_removed: Vec::new(),
        intro: None,
        prose: Vec::new(),
        levels,
    }
}

/// A level that is only on one side: everything it says is added (or removed).
fn whole_level(ladder: &Ladder, r: LevelRef, l: &Level, status: Status) -> LevelDiff {
    let removed = status == Status::Removed || status == Status::NewUnparsed;
    let text = |md: &Markdown| {
        if removed {
            one_sided(&md.text, "")
        } else {
            one_sided("", &md.text)
        }
    };
    let competencies = l
        .competencies
        .iter()
        .map(|c| CompetencyDiff {
            label: c.label.clone(),
            status: if removed {
                Status::Removed
            } else {
                Status::Added
            },
            label_change: None,
            text: text(&c.body),
        })
        .collect();
    let responsibilities = effective(ladder, r)
        .into_iter()
        .map(|item| ResponsibilityDiff {
            status: if removed {
                Status::Removed
            } else {
                Status::Added
            },
            text: item.text,
            old_text: None,
            words: None,
            inherited_from: item.origin.map(|o| level_name(ladder, o)),
        })
        .collect();
    LevelDiff {
        id: l.id.value.clone(),
        title: l.title.value.clone(),
        code: l.code.value.clone(),
        band: l.band.value,
        status,
        id_change: None,
        title_change: None,
        code_change: None,
        band_change: None,
        inherits_change: None,
        note_change: None,
        summary: (!l.summary.is_empty()).then(|| text(&l.summary)),
        competencies,
        responsibilities,
    }
}

/// A text that exists on one side only, as a change from or to nothing.
fn one_sided(old: &str, new: &str) -> TextChange {
    let mut words = Vec::new();
    if !old.is_empty() {
        words.push(WordOp {
            op: WordOpKind::Delete,
            text: old.to_string(),
        });
    }
    if !new.is_empty() {
        words.push(WordOp {
            op: WordOpKind::Insert,
            text: new.to_string(),
        });
    }
    TextChange {
        old: old.to_string(),
        new: new.to_string(),
        words,
        markup_only: false,
    }
}

/// The change between two Markdown texts, `None` when they say the same thing in the
/// same way (whitespace aside).
fn text_change(old: &Markdown, new: &Markdown) -> Option<TextChange> {
    if old
        .source
        .split_whitespace()
        .eq(new.source.split_whitespace())
    {
        return None;
    }
    let words = word_diff(&old.text, &new.text);
    Some(TextChange {
        old: old.text.clone(),
        new: new.text.clone(),
        markup_only: !has_changes(&words),
        words,
    })
}

/// Compares one track present on both sides. Returns its diff (`None` when nothing
/// changed) and, for every old level, the new level it pairs with.
fn track_diff(
    o: &Ladder,
    n: &Ladder,
    oi: usize,
    ni: usize,
    counts: &mut Counts,
) -> (Option<TrackDiff>, Vec<Option<usize>>) {
    let (ot, nt) = (&o.tracks[oi], &n.tracks[ni]);
    let mut d = TrackDiff {
        id: nt.id.value.clone(),
        title: nt.title.value.clone(),
        status: Status::Changed,
        path: nt.path.clone(),
        id_change: Change::of(ot.id.value.clone(), nt.id.value.clone()),
        path_change: Change::of(ot.path.clone(), nt.path.clone()),
        title_change: Change::of(ot.title.value.clone(), nt.title.value.clone()),
        summary: Change::of(ot.summary.clone(), nt.summary.clone()),
        order: Change::of(ot.order, nt.order),
        dimensions_added: Vec::new(),
        dimensions_removed: Vec::new(),
        intro: text_change(&ot.intro, &nt.intro),
        prose: Vec::new(),
        levels: Vec::new(),
    };
    let old_dims: BTreeMap<String, &str> = ot
        .dimensions
        .iter()
        .map(|s| (fold_label(&s.value), s.value.as_str()))
        .collect();
    let new_dims: BTreeMap<String, &str> = nt
        .dimensions
        .iter()
        .map(|s| (fold_label(&s.value), s.value.as_str()))
        .collect();
    d.dimensions_added = nt
        .dimensions
        .iter()
        .filter(|s| !old_dims.contains_key(&fold_label(&s.value)))
        .map(|s| s.value.clone())
        .collect();
    d.dimensions_removed = ot
        .dimensions
        .iter()
        .filter(|s| !new_dims.contains_key(&fold_label(&s.value)))
        .map(|s| s.value.clone())
        .collect();

    // Prose sections pair by anchor.
    for (po, pn) in pair_by_keys(
        &ot.prose,
        &nt.prose,
        &[&|p: &crate::model::ProseSection| p.anchor.clone()],
    ) {
        let entry = match (po.map(|i| &ot.prose[i]), pn.map(|j| &nt.prose[j])) {
            (Some(a), Some(b)) => text_change(&a.body, &b.body).map(|text| ProseDiff {
                title: b.title.clone(),
                anchor: b.anchor.clone(),
                status: Status::Changed,
                text,
            }),
            (None, Some(b)) => Some(ProseDiff {
                title: b.title.clone(),
                anchor: b.anchor.clone(),
                status: Status::Added,
                text: one_sided("", &b.body.text),
            }),
            (Some(a), None) => Some(ProseDiff {
                title: a.title.clone(),
                anchor: a.anchor.clone(),
                status: Status::Removed,
                text: one_sided(&a.body.text, ""),
            }),
            (None, None) => None,
        };
        d.prose.extend(entry);
    }
    counts.prose_changed += d.prose.len() + usize::from(d.intro.is_some());

    let level_pairs = pair_by_keys(
        &ot.levels,
        &nt.levels,
        &[&|l: &Level| l.id.value.clone(), &|l: &Level| {
            l.code.value.clone()
        }],
    );
    let mut map = vec![None; ot.levels.len()];
    for (lo, ln) in level_pairs {
        match (lo, ln) {
            (Some(lo), Some(ln)) => {
                map[lo] = Some(ln);
                let oref = LevelRef {
                    track: oi,
                    level: lo,
                };
                let nref = LevelRef {
                    track: ni,
                    level: ln,
                };
                if let Some(ld) = level_diff(o, n, oref, nref, counts) {
                    d.levels.push(ld);
                }
            }
            (None, Some(ln)) => {
                counts.levels_added += 1;
                let r = LevelRef {
                    track: ni,
                    level: ln,
                };
                d.levels.push(whole_level(n, r, n.level(r), Status::Added));
            }
            (Some(lo), None) => {
                counts.levels_removed += 1;
                let r = LevelRef {
                    track: oi,
                    level: lo,
                };
                d.levels
                    .push(whole_level(o, r, o.level(r), Status::Removed));
            }
            (None, None) => {}
        }
    }
    // A reviewer reads a track bottom-up, as the ladder climbs.
    d.levels.sort_by_key(|l| l.band);

    let own = d.id_change.is_some()
        || d.path_change.is_some()
        || d.title_change.is_some()
        || d.summary.is_some()
        || d.order.is_some()
        || !d.dimensions_added.is_empty()
        || !d.dimensions_removed.is_empty();
    counts.tracks_changed += usize::from(own);
    let changed = own || d.intro.is_some() || !d.prose.is_empty() || !d.levels.is_empty();
    (changed.then_some(d), map)
}

/// Compares one level present on both sides; `None` when nothing changed.
fn level_diff(
    o: &Ladder,
    n: &Ladder,
    oref: LevelRef,
    nref: LevelRef,
    counts: &mut Counts,
) -> Option<LevelDiff> {
    let (ol, nl) = (o.level(oref), n.level(nref));
    let note = |l: &Level| l.section.as_ref().and_then(|s| s.note.clone());
    let mut d = LevelDiff {
        id: nl.id.value.clone(),
        title: nl.title.value.clone(),
        code: nl.code.value.clone(),
        band: nl.band.value,
        status: Status::Changed,
        id_change: Change::of(ol.id.value.clone(), nl.id.value.clone()),
        title_change: Change::of(ol.title.value.clone(), nl.title.value.clone()),
        code_change: Change::of(ol.code.value.clone(), nl.code.value.clone()),
        band_change: Change::of(ol.band.value, nl.band.value),
        inherits_change: Change::of(
            ol.inherits.as_ref().map(|s| s.value.trim().to_string()),
            nl.inherits.as_ref().map(|s| s.value.trim().to_string()),
        ),
        note_change: Change::of(note(ol), note(nl)),
        summary: text_change(&ol.summary, &nl.summary),
        competencies: Vec::new(),
        responsibilities: Vec::new(),
    };
    counts.prose_changed += usize::from(d.summary.is_some());

    for (co, cn) in pair_by_keys(
        &ol.competencies,
        &nl.competencies,
        &[&|c: &crate::model::Competency| c.key.clone()],
    ) {
        let entry = match (
            co.map(|i| &ol.competencies[i]),
            cn.map(|j| &nl.competencies[j]),
        ) {
            (Some(a), Some(b)) => {
                let label_change = Change::of(a.label.clone(), b.label.clone());
                let text = text_change(&a.body, &b.body);
                if text.is_some() {
                    counts.competencies_reworded += 1;
                }
                match (text, label_change) {
                    (None, None) => None,
                    (text, label_change) => Some(CompetencyDiff {
                        label: b.label.clone(),
                        status: Status::Changed,
                        label_change,
                        text: text.unwrap_or_else(|| TextChange {
                            old: a.body.text.clone(),
                            new: b.body.text.clone(),
                            words: word_diff(&a.body.text, &b.body.text),
                            markup_only: true,
                        }),
                    }),
                }
            }
            (None, Some(b)) => {
                counts.competencies_added += 1;
                Some(CompetencyDiff {
                    label: b.label.clone(),
                    status: Status::Added,
                    label_change: None,
                    text: one_sided("", &b.body.text),
                })
            }
            (Some(a), None) => {
                counts.competencies_removed += 1;
                Some(CompetencyDiff {
                    label: a.label.clone(),
                    status: Status::Removed,
                    label_change: None,
                    text: one_sided(&a.body.text, ""),
                })
            }
            (None, None) => None,
        };
        d.competencies.extend(entry);
    }

    d.responsibilities = responsibility_changes(o, n, oref, nref, counts);

    let renamed = d.title_change.is_some();
    let other = d.id_change.is_some()
        || d.code_change.is_some()
        || d.band_change.is_some()
        || d.inherits_change.is_some()
        || d.note_change.is_some()
        || d.summary.is_some()
        || !d.competencies.is_empty()
        || !d.responsibilities.is_empty();
    counts.levels_renamed += usize::from(renamed);
    counts.levels_changed += usize::from(other);
    (renamed || other).then_some(d)
}

/// One responsibility a level holds, stated or inherited.
struct Held {
    /// Folded plain text: the identity of a responsibility.
    key: String,
    text: String,
    /// The level that states it, when inherited.
    origin: Option<LevelRef>,
}

/// The level's effective responsibilities: its own, then inherited, nearest first.
fn effective(ladder: &Ladder, r: LevelRef) -> Vec<Held> {
    let level = ladder.level(r);
    let own = level.responsibilities.iter().map(|x| (x, None));
    let inherited = level.inherited.iter().filter_map(|i| {
        let from = ladder.tracks.get(i.from.track)?.levels.get(i.from.level)?;
        Some((from.responsibilities.get(i.index)?, Some(i.from)))
    });
    own.chain(inherited)
        .map(|(resp, origin)| {
            let text = if resp.body.text.trim().is_empty() {
                resp.body.source.clone()
            } else {
                resp.body.text.clone()
            };
            Held {
                key: text.split_whitespace().collect::<Vec<_>>().join(" "),
                text,
                origin,
            }
        })
        .collect()
}

/// Effective responsibilities added and removed (as multisets of their text), with
/// similar removed/added pairs of the same origin read as one reworded.
fn responsibility_changes(
    o: &Ladder,
    n: &Ladder,
    oref: LevelRef,
    nref: LevelRef,
    counts: &mut Counts,
) -> Vec<ResponsibilityDiff> {
    let old_items = effective(o, oref);
    let new_items = effective(n, nref);
    let mut old_by_key: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, h) in old_items.iter().enumerate().rev() {
        old_by_key.entry(h.key.as_str()).or_default().push(i);
    }
    let mut added: Vec<&Held> = Vec::new();
    for h in &new_items {
        let matched = old_by_key.get_mut(h.key.as_str()).and_then(Vec::pop);
        if matched.is_none() {
            added.push(h);
        }
    }
    let mut still_old: Vec<usize> = old_by_key.into_values().flatten().collect();
    still_old.sort_unstable();
    let removed: Vec<&Held> = still_old.iter().map(|&i| &old_items[i]).collect();

    // Origins are compared by track and level id, which survive a rename.
    let origin_id = |ladder: &Ladder, h: &Held| {
        h.origin.map(|r| {
            let l = ladder.level(r);
            (ladder.tracks[r.track].id.value.clone(), l.id.value.clone())
        })
    };
    let mut reworded: Vec<(usize, usize)> = Vec::new();
    if removed.len() * added.len() <= MAX_REWORD_PAIRS {
        let mut added_taken = vec![false; added.len()];
        for (ri, r) in removed.iter().enumerate() {
            let best = added
                .iter()
                .enumerate()
                .filter(|(ai, a)| !added_taken[*ai] && origin_id(o, r) == origin_id(n, a))
                .map(|(ai, a)| (ai, similarity(&r.text, &a.text)))
                .filter(|(_, s)| *s >= REWORD_SIMILARITY)
                .max_by(|x, y| x.1.total_cmp(&y.1));
            if let Some((ai, _)) = best {
                added_taken[ai] = true;
                reworded.push((ri, ai));
            }
        }
    }
    let paired_removed: BTreeSet<usize> = reworded.iter().map(|p| p.0).collect();
    let paired_added: BTreeSet<usize> = reworded.iter().map(|p| p.1).collect();

    let mut out = Vec::new();
    for (ri, ai) in &reworded {
        let (r, a) = (removed[*ri], added[*ai]);
        if a.origin.is_none() {
            counts.responsibilities_reworded += 1;
        }
        out.push(ResponsibilityDiff {
            status: Status::Changed,
            text: a.text.clone(),
            old_text: Some(r.text.clone()),
            words: Some(word_diff(&r.text, &a.text)),
            inherited_from: a.origin.map(|x| level_name(n, x)),
        });
    }
    for (ai, a) in added
        .iter()
        .enumerate()
        .filter(|(i, _)| !paired_added.contains(i))
    {
        let _ = ai;
        if a.origin.is_none() {
            counts.responsibilities_added += 1;
        }
        out.push(ResponsibilityDiff {
            status: Status::Added,
            text: a.text.clone(),
            old_text: None,
            words: None,
            inherited_from: a.origin.map(|x| level_name(n, x)),
        });
    }
    for (ri, r) in removed
        .iter()
        .enumerate()
        .filter(|(i, _)| !paired_removed.contains(i))
    {
        let _ = ri;
        if r.origin.is_none() {
            counts.responsibilities_removed += 1;
        }
        out.push(ResponsibilityDiff {
            status: Status::Removed,
            text: r.text.clone(),
            old_text: None,
            words: None,
            inherited_from: r.origin.map(|x| level_name(o, x)),
        });
    }
    out
}

pub(super) fn level_name(ladder: &Ladder, r: LevelRef) -> LevelName {
    let l = ladder.level(r);
    LevelName {
        track: ladder.tracks[r.track].id.value.clone(),
        level: l.id.value.clone(),
        code: l.code.value.clone(),
        title: l.title.value.clone(),
    }
}

/// Bands whose levels line up differently, looking only at tracks on both sides
/// (a track added or removed is reported as such, not as a change at every band).
fn alignment_changes(
    o: &Ladder,
    n: &Ladder,
    level_maps: &[(usize, usize, Vec<Option<usize>>)],
) -> Vec<BandRow> {
    // Old track index → (new track index, old level → new level).
    let by_old: HashMap<usize, (usize, &Vec<Option<usize>>)> = level_maps
        .iter()
        .map(|(oi, ni, map)| (*oi, (*ni, map)))
        .collect();
    let paired_new: HashMap<usize, usize> =
        level_maps.iter().map(|(oi, ni, _)| (*ni, *oi)).collect();
    // Paired tracks in the new side's order: the columns.
    let mut columns: Vec<(usize, usize)> =
        level_maps.iter().map(|(oi, ni, _)| (*oi, *ni)).collect();
    columns.sort_by_key(|c| c.1);

    let bands: BTreeSet<i64> = o.bands.keys().chain(n.bands.keys()).copied().collect();
    let mut rows = Vec::new();
    for band in bands {
        // Per new track index: levels before (as identities in new terms) and after.
        // An old level without a new counterpart is identified by its old index,
        // offset so that it cannot equal a new index.
        let mut before: HashMap<usize, Vec<(usize, LevelRef)>> = HashMap::new();
        for r in o.bands.get(&band).into_iter().flatten() {
            if let Some((ni, map)) = by_old.get(&r.track) {
                let identity = map
                    .get(r.level)
                    .copied()
                    .flatten()
                    .unwrap_or(usize::MAX / 2 + r.level);
                before.entry(*ni).or_default().push((identity, *r));
            }
        }
        let mut after: HashMap<usize, Vec<(usize, LevelRef)>> = HashMap::new();
        for r in n.bands.get(&band).into_iter().flatten() {
            if paired_new.contains_key(&r.track) {
                after.entry(r.track).or_default().push((r.level, *r));
            }
        }
        let ids = |v: Option<&Vec<(usize, LevelRef)>>| -> BTreeSet<usize> {
            v.into_iter().flatten().map(|x| x.0).collect()
        };
        let changed_tracks: BTreeSet<usize> = before
            .keys()
            .chain(after.keys())
            .copied()
            .filter(|ni| ids(before.get(ni)) != ids(after.get(ni)))
            .collect();
        if changed_tracks.is_empty() {
            continue;
        }
        let names = |ladder: &Ladder, v: Option<&Vec<(usize, LevelRef)>>| -> Vec<LevelName> {
            v.into_iter()
                .flatten()
                .map(|x| level_name(ladder, x.1))
                .collect()
        };
        let cells = columns
            .iter()
            .map(|&(_, ni)| BandCell {
                track: n.tracks[ni].id.value.clone(),
                track_title: n.tracks[ni].title.value.clone(),
                before: names(o, before.get(&ni)),
                after: names(n, after.get(&ni)),
                changed: changed_tracks.contains(&ni),
            })
            .collect();
        rows.push(BandRow {
            band,
            name: n
                .band_name(band)
                .or_else(|| o.band_name(band))
                .map(str::to_string),
            cells,
        });
    }
    rows
}

/// Lint results that appeared or went away, compared by lint, severity, file and
/// message (not by line: lines move when text above them changes). Diagnostics that
/// explain why a side does not parse are reported with that side, not here.
fn lint_changes(old: &Side, new: &Side, moved: &HashMap<String, String>) -> LintChanges {
    let skip_file = |file: &str| {
        let rel = file.strip_prefix("content/").unwrap_or(file);
        old.unparsed.contains(rel) || new.unparsed.contains(rel)
    };
    type Key = (String, crate::diagnostic::Severity, String, String);
    let key = |d: &DiagnosticSummary, map: bool| -> Key {
        let file = if map {
            moved
                .get(&d.file)
                .cloned()
                .unwrap_or_else(|| d.file.clone())
        } else {
            d.file.clone()
        };
        (d.lint.clone(), d.severity, file, d.message.clone())
    };
    let mut old_counts: HashMap<Key, usize> = HashMap::new();
    for d in old.lints.iter().filter(|d| !skip_file(&d.file)) {
        *old_counts.entry(key(d, true)).or_default() += 1;
    }
    let mut appeared = Vec::new();
    for d in new.lints.iter().filter(|d| !skip_file(&d.file)) {
        match old_counts.get_mut(&key(d, false)) {
            Some(c) if *c > 0 => *c -= 1,
            _ => appeared.push(d.clone()),
        }
    }
    let mut resolved = Vec::new();
    for d in old.lints.iter().filter(|d| !skip_file(&d.file)) {
        if let Some(c) = old_counts.get_mut(&key(d, true)) {
            if *c > 0 {
                *c -= 1;
                resolved.push(d.clone());
            }
        }
    }
    LintChanges { appeared, resolved }
}

/// ladder.yaml settings that differ, as displayed values.
fn settings_changes(o: &Config, n: &Config) -> Vec<SettingChange> {
    let mut out = Vec::new();
    let mut push = |key: String, old: Option<String>, new: Option<String>| {
        if old != new {
            out.push(SettingChange { key, old, new });
        }
    };
    push("title".into(), Some(o.title.clone()), Some(n.title.clone()));
    push(
        "base_url".into(),
        Some(o.base_url.clone()),
        Some(n.base_url.clone()),
    );
    push(
        "output".into(),
        Some(o.output.clone()),
        Some(n.output.clone()),
    );
    push("theme".into(), Some(o.theme.clone()), Some(n.theme.clone()));
    let bands: BTreeSet<i64> = o.bands.keys().chain(n.bands.keys()).copied().collect();
    for b in bands {
        push(
            format!("bands.{b}"),
            o.bands.get(&b).cloned(),
            n.bands.get(&b).cloned(),
        );
    }
    let lints: BTreeSet<_> = o.lints.keys().chain(n.lints.keys()).copied().collect();
    let sev = |s: Option<&crate::diagnostic::Severity>| {
        s.and_then(|s| serde_json::to_value(s).ok())
            .and_then(|v| v.as_str().map(str::to_string))
    };
    for l in lints {
        push(
            format!("lints.{}", l.id()),
            sev(o.lints.get(&l)),
            sev(n.lints.get(&l)),
        );
    }
    push(
        "markdown.raw_html".into(),
        Some(o.markdown.raw_html.to_string()),
        Some(n.markdown.raw_html.to_string()),
    );
    out
}

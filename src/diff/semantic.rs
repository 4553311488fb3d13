//! Model against model: which tracks, levels, competencies and responsibilities were
//! added, removed, renamed or reworded, how the bands line up before and after, and
//! which lint results appeared or went away.
//!
//! Identity, not position, decides what is "the same": tracks pair by id, then by
//! file, then by title (so a moved file or a changed id is not a removal plus an
//! addition); levels pair by id, then by code (codes are unique in a ladder, so a
//! level whose id changed with its title is still found). Every pairing goes through
//! hash maps, so the cost grows with the number of levels, never with its square.
//! Responsibilities, alignment, settings and lint results have modules of their own;
//! this one pairs things up and compares tracks and levels. It only computes
//! [`Report`]; writing it is `markdown` and `json`'s job.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use super::alignment::alignment_changes;
use super::project::{lint_changes, settings_changes};
use super::report::*;
use super::responsibilities::{effective, responsibility_changes};
use super::words::{has_changes, word_diff, WordOp, WordOpKind};
use super::Side;
use crate::model::{fold_label, Ladder, Level, LevelRef, Markdown, Track};

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
        class: None,
        title: Change::of(o.home.title.clone(), n.home.title.clone()),
        body: text_change(&o.home.body, &n.home.body),
    };
    counts.prose_changed += usize::from(home.title.is_some()) + usize::from(home.body.is_some());

    let pairs = pair_by_keys(
        &o.tracks,
        &n.tracks,
        &[
            &|t: &Arc<Track>| Some(t.id.value.clone()),
            &|t: &Arc<Track>| Some(t.path.clone()),
            &|t: &Arc<Track>| Some(fold_label(&t.title.value)),
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

    // Parse errors match like lint results: by lint, file and message, not line.
    let parse_key = |d: &DiagnosticSummary| (d.lint.clone(), d.file.clone(), d.message.clone());
    let old_errors: HashMap<_, usize> =
        old.summary.errors.iter().fold(HashMap::new(), |mut m, d| {
            *m.entry(parse_key(d)).or_default() += 1;
            m
        });
    let new_errors: HashMap<_, usize> =
        new.summary.errors.iter().fold(HashMap::new(), |mut m, d| {
            *m.entry(parse_key(d)).or_default() += 1;
            m
        });
    let excess = |a: &HashMap<_, usize>, b: &HashMap<_, usize>| -> usize {
        a.iter()
            .map(|(k, n)| n.saturating_sub(b.get(k).copied().unwrap_or(0)))
            .sum()
    };
    counts.parse_errors_appeared = excess(&new_errors, &old_errors);
    counts.parse_errors_fixed = excess(&old_errors, &new_errors);

    let mut report = Report {
        class: None,
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
        pages: page_changes(o, n),
    };
    report.counts.prose_changed += report
        .pages
        .iter()
        .filter(|p| p.status == Status::Changed)
        .count();
    report.changed = report.has_changes();
    report
}

/// Pages that are not tracks, matched by id: added, removed, or with a new title,
/// file or text.
fn page_changes(o: &crate::model::Ladder, n: &crate::model::Ladder) -> Vec<PageDiff> {
    let whole = |p: &crate::model::Page, status: Status| PageDiff {
        id: p.id.clone(),
        title: p.title.clone(),
        path: p.path.clone(),
        status,
        class: super::classes::Class::Patch,
        title_change: None,
        path_change: None,
        body: None,
    };
    let by_id: PairKey<Arc<crate::model::Page>> = &|p| Some(p.id.clone());
    pair_by_keys(&o.pages, &n.pages, &[by_id])
        .into_iter()
        .filter_map(|pair| match pair {
            (None, Some(j)) => Some(whole(&n.pages[j], Status::Added)),
            (Some(i), None) => Some(whole(&o.pages[i], Status::Removed)),
            (Some(i), Some(j)) => {
                let (op, np) = (&o.pages[i], &n.pages[j]);
                let d = PageDiff {
                    title_change: Change::of(op.title.clone(), np.title.clone()),
                    path_change: Change::of(op.path.clone(), np.path.clone()),
                    body: text_change(&op.body, &np.body),
                    ..whole(np, Status::Changed)
                };
                let changed =
                    d.title_change.is_some() || d.path_change.is_some() || d.body.is_some();
                changed.then_some(d)
            }
            (None, None) => None,
        })
        .collect()
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

/// A key [`pair_by_keys`] pairs items by; `None` when the item has none.
type PairKey<'a, T> = &'a dyn Fn(&T) -> Option<String>;

/// Pairs items of two lists by a sequence of keys: the first key pairs what it can,
/// the next key pairs what is left, and so on. The first item with a key wins; an
/// item without a key (`None`, a level with no code) pairs with nothing by that key.
/// Returns pairs in `new` order, then the unpaired old items in their order.
fn pair_by_keys<T>(
    old: &[T],
    new: &[T],
    keys: &[PairKey<T>],
) -> Vec<(Option<usize>, Option<usize>)> {
    let mut old_taken = vec![false; old.len()];
    let mut new_match: Vec<Option<usize>> = vec![None; new.len()];
    for key in keys {
        let mut free_old: HashMap<String, usize> = HashMap::new();
        for (i, item) in old.iter().enumerate().rev() {
            if let (false, Some(k)) = (old_taken[i], key(item)) {
                free_old.insert(k, i);
            }
        }
        for (j, item) in new.iter().enumerate() {
            if new_match[j].is_some() {
                continue;
            }
            if let Some(i) = key(item).and_then(|k| free_old.remove(&k)) {
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
                status,
            )
        })
        .collect();
    TrackDiff {
        class: super::classes::Class::Patch,
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
            class: super::classes::Class::Patch,
            label: c.label.clone(),
            id: c.id.id.clone(),
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
            class: super::classes::Class::Patch,
            status: if removed {
                Status::Removed
            } else {
                Status::Added
            },
            id: item.id,
            text: item.text,
            old_text: None,
            words: None,
            inherited_from: item.origin.map(|o| level_name(ladder, o)),
        })
        .collect();
    LevelDiff {
        class: super::classes::Class::Patch,
        id: l.id.value.clone(),
        title: l.title.value.clone(),
        code: l.code().map(str::to_string),
        band: LevelBand::of(l),
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
    let (old, new) = (reading_text(old), reading_text(new));
    let words = word_diff(&old, &new);
    Some(TextChange {
        markup_only: !has_changes(&words),
        old,
        new,
        words,
    })
}

/// The text a reviewer reads a change in: the plain text, except that list items stay
/// apart (` · `). Flattened, a bullet list read as one run-on sentence in the word diff
/// ("grows team leads handles performance reviews"), and an edit to one item seemed
/// to spill into the next.
fn reading_text(md: &Markdown) -> String {
    use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
    if !md.source.contains(['-', '*', '+', '.', ')']) {
        return md.text.to_string();
    }
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_HEADING_ATTRIBUTES;
    let mut out = String::with_capacity(md.source.len());
    let mut items = 0usize;
    for event in Parser::new_ext(&md.source, options) {
        match event {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::Start(Tag::Item) => {
                if !out.trim().is_empty() {
                    out.push_str(" · ");
                }
                items += 1;
            }
            Event::SoftBreak
            | Event::HardBreak
            | Event::End(TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::TableCell) => {
                out.push(' ')
            }
            _ => {}
        }
    }
    if items == 0 {
        return md.text.to_string();
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
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
        class: super::classes::Class::Patch,
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
        &[&|p: &crate::model::ProseSection| Some(p.anchor.clone())],
    ) {
        let entry = match (po.map(|i| &ot.prose[i]), pn.map(|j| &nt.prose[j])) {
            (Some(a), Some(b)) => text_change(&a.body, &b.body).map(|text| ProseDiff {
                class: super::classes::Class::Patch,
                title: b.title.clone(),
                anchor: b.anchor.clone(),
                status: Status::Changed,
                text,
            }),
            (None, Some(b)) => Some(ProseDiff {
                class: super::classes::Class::Patch,
                title: b.title.clone(),
                anchor: b.anchor.clone(),
                status: Status::Added,
                text: one_sided("", &b.body.text),
            }),
            (Some(a), None) => Some(ProseDiff {
                class: super::classes::Class::Patch,
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

    // By id, then by code, then by title: a level whose id alone changed (a level
    // file renamed in a track folder takes its id from the file name) is the same
    // level with a new id, not one removed and another added.
    let level_pairs = pair_by_keys(
        &ot.levels,
        &nt.levels,
        &[
            &|l: &Level| Some(l.id.value.clone()),
            &|l: &Level| l.code().map(str::to_string),
            &|l: &Level| Some(fold_label(&l.title.value)),
        ],
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
    counts.ids_changed += usize::from(d.id_change.is_some());
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
        class: super::classes::Class::Patch,
        id: nl.id.value.clone(),
        title: nl.title.value.clone(),
        code: nl.code().map(str::to_string),
        band: LevelBand::of(nl),
        status: Status::Changed,
        id_change: Change::of(ol.id.value.clone(), nl.id.value.clone()),
        title_change: Change::of(ol.title.value.clone(), nl.title.value.clone()),
        code_change: Change::of(ol.code().map(str::to_string), nl.code().map(str::to_string)),
        band_change: Change::of(LevelBand::of(ol), LevelBand::of(nl)),
        // Renaming the id of the inherited level rewrites this `inherits` too; when
        // both still name the same level (codes are unique ladder-wide), nothing this
        // level holds has changed, and the id change is reported on that level.
        inherits_change: match (ol.inherits_ref, nl.inherits_ref) {
            (Some(a), Some(b))
                if o.level(a).code().is_some() && o.level(a).code() == n.level(b).code() =>
            {
                None
            }
            _ => Change::of(
                ol.inherits.as_ref().map(|s| s.value.trim().to_string()),
                nl.inherits.as_ref().map(|s| s.value.trim().to_string()),
            ),
        },
        note_change: Change::of(note(ol), note(nl)),
        summary: text_change(&ol.summary, &nl.summary),
        competencies: Vec::new(),
        responsibilities: Vec::new(),
    };
    counts.prose_changed += usize::from(d.summary.is_some()) + usize::from(d.note_change.is_some());
    counts.levels_rebanded += usize::from(d.band_change.is_some());
    counts.levels_recoded += usize::from(d.code_change.is_some());
    counts.ids_changed += usize::from(d.id_change.is_some());
    counts.inherits_changed += usize::from(d.inherits_change.is_some());

    for (co, cn) in pair_by_keys(
        &ol.competencies,
        &nl.competencies,
        // The same id is the same item, whatever its label now; then the same label.
        &[
            &|c: &crate::model::Competency| Some(c.id.id.clone()),
            &|c: &crate::model::Competency| Some(c.key.clone()),
        ],
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
                        class: super::classes::Class::Patch,
                        label: b.label.clone(),
                        id: b.id.id.clone(),
                        status: Status::Changed,
                        label_change,
                        text: text.unwrap_or_else(|| TextChange {
                            old: a.body.text.to_string(),
                            new: b.body.text.to_string(),
                            words: word_diff(&a.body.text, &b.body.text),
                            markup_only: true,
                        }),
                    }),
                }
            }
            (None, Some(b)) => {
                counts.competencies_added += 1;
                Some(CompetencyDiff {
                    class: super::classes::Class::Patch,
                    label: b.label.clone(),
                    id: b.id.id.clone(),
                    status: Status::Added,
                    label_change: None,
                    text: one_sided("", &b.body.text),
                })
            }
            (Some(a), None) => {
                counts.competencies_removed += 1;
                Some(CompetencyDiff {
                    class: super::classes::Class::Patch,
                    label: a.label.clone(),
                    id: a.id.id.clone(),
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

pub(super) fn level_name(ladder: &Ladder, r: LevelRef) -> LevelName {
    let l = ladder.level(r);
    LevelName {
        track: ladder.tracks[r.track].id.value.clone(),
        level: l.id.value.clone(),
        code: l.code().map(str::to_string),
        title: l.title.value.clone(),
    }
}

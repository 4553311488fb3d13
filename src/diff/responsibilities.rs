//! Responsibilities of one level before and after: its effective list (its own, then
//! those it holds through `inherits`, nearest ancestor first) compared as multisets of
//! plain text, so that reordering is no change and a responsibility that moved up
//! to an inherited level is still held. A removed and an added one that read alike
//! (same origin, and the same item id or most words shared) are reported as one
//! reworded responsibility.

use std::collections::{BTreeSet, HashMap};

use super::report::{Counts, ResponsibilityDiff, Status};
use super::semantic::level_name;
use super::words::{similarity, word_diff};
use crate::model::{Ladder, LevelRef};

/// Responsibilities of one level are paired up as rewordings only below this many
/// removed × added candidates (a bound on the one quadratic step, per level).
const MAX_REWORD_PAIRS: usize = 400;
/// How alike two responsibilities must be to read as one reworded.
const REWORD_SIMILARITY: f32 = 0.5;

/// The level that states an inherited responsibility, by track and level id.
type OriginId = (String, String);

/// One responsibility a level holds, stated or inherited.
pub(super) struct Held {
    /// Folded plain text: the identity of a responsibility.
    pub key: String,
    pub text: String,
    /// Its item id at the level that states it.
    pub id: String,
    /// The level that states it, when inherited.
    pub origin: Option<LevelRef>,
}

/// The level's effective responsibilities: its own, then inherited, nearest first.
pub(super) fn effective(ladder: &Ladder, r: LevelRef) -> Vec<Held> {
    let level = ladder.level(r);
    let own = level.responsibilities.iter().map(|x| (x, None));
    let inherited = level.inherited.iter().filter_map(|i| {
        let from = ladder.tracks.get(i.from.track)?.levels.get(i.from.level)?;
        Some((from.responsibilities.get(i.index)?, Some(i.from)))
    });
    own.chain(inherited)
        .map(|(resp, origin)| {
            let text = if resp.body.text.trim().is_empty() {
                resp.body.source.to_string()
            } else {
                resp.body.text.to_string()
            };
            Held {
                key: text.split_whitespace().collect::<Vec<_>>().join(" "),
                text,
                id: resp.id.id.clone(),
                origin,
            }
        })
        .collect()
}

/// Effective responsibilities added and removed (as multisets of their text), with
/// similar removed/added pairs of the same origin read as one reworded.
pub(super) fn responsibility_changes(
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
    let mut added_taken = vec![false; added.len()];
    let mut removed_taken = vec![false; removed.len()];
    // The same id (and origin) is the same item, however much it was reworded: an
    // explicit `{#id}`, or a default id that the rewording kept.
    let mut added_by_id: HashMap<(&str, Option<OriginId>), Vec<usize>> = HashMap::new();
    for (ai, a) in added.iter().enumerate().rev() {
        added_by_id
            .entry((a.id.as_str(), origin_id(n, a)))
            .or_default()
            .push(ai);
    }
    for (ri, r) in removed.iter().enumerate() {
        let found = added_by_id
            .get_mut(&(r.id.as_str(), origin_id(o, r)))
            .and_then(Vec::pop);
        if let Some(ai) = found {
            added_taken[ai] = true;
            removed_taken[ri] = true;
            reworded.push((ri, ai));
        }
    }
    if removed.len() * added.len() <= MAX_REWORD_PAIRS {
        for (ri, r) in removed.iter().enumerate() {
            if removed_taken[ri] {
                continue;
            }
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
            class: super::classes::Class::Patch,
            status: Status::Changed,
            id: a.id.clone(),
            text: a.text.clone(),
            old_text: Some(r.text.clone()),
            words: Some(word_diff(&r.text, &a.text)),
            inherited_from: a.origin.map(|x| level_name(n, x)),
        });
    }
    for (_, a) in added
        .iter()
        .enumerate()
        .filter(|(i, _)| !paired_added.contains(i))
    {
        if a.origin.is_none() {
            counts.responsibilities_added += 1;
        }
        out.push(ResponsibilityDiff {
            class: super::classes::Class::Patch,
            status: Status::Added,
            id: a.id.clone(),
            text: a.text.clone(),
            old_text: None,
            words: None,
            inherited_from: a.origin.map(|x| level_name(n, x)),
        });
    }
    for (_, r) in removed
        .iter()
        .enumerate()
        .filter(|(i, _)| !paired_removed.contains(i))
    {
        if r.origin.is_none() {
            counts.responsibilities_removed += 1;
        }
        out.push(ResponsibilityDiff {
            class: super::classes::Class::Patch,
            status: Status::Removed,
            id: r.id.clone(),
            text: r.text.clone(),
            old_text: None,
            words: None,
            inherited_from: r.origin.map(|x| level_name(o, x)),
        });
    }
    out
}

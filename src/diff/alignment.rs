//! Alignment before and after: for every band, which level of each track sits there.
//! Levels are identified across versions through the pairing of [`super::semantic`]
//! (a renamed level is the same level), so only real moves show: a level added into
//! a gap, a level moved to another band, a level removed.

use std::collections::{BTreeSet, HashMap};

use super::report::{BandCell, BandRow, LevelName};
use super::semantic::level_name;
use crate::model::{Ladder, LevelRef};

/// Bands whose levels line up differently, looking only at tracks on both sides
/// (a track added or removed is reported as such, not as a change at every band).
pub(super) fn alignment_changes(
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
            class: super::classes::Class::Major,
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

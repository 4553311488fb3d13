//! Band lints: `band-order` (bands must strictly increase down a track's level list,
//! and the ranges of levels spanning bands must not overlap)
//! and `band-gap` (where two tracks overlap in band range, each band one of them uses
//! inside the overlap should have a level on the other too, so that the tracks line up
//! in parallel).
//!
//! `band-gap` is computed band by band, not track against track: a sweep over the bands
//! in use keeps the set of tracks whose band range covers the current band, and the
//! levels at that band come from [`Ladder::bands`]. The work is proportional to the
//! bands times the tracks that span them, plus one diagnostic per gap.

use std::collections::{BTreeSet, HashSet};

use crate::check::quoted_list;
use crate::diagnostic::{Diagnostic, Lint};
use crate::model::{Ladder, Level};

pub fn lint(ladder: &Ladder, out: &mut Vec<Diagnostic>) {
    band_order(ladder, out);
    band_gap(ladder, out);
}

fn band_order(ladder: &Ladder, out: &mut Vec<Diagnostic>) {
    for track in &ladder.tracks {
        for pair in track.levels.windows(2) {
            let (prev, level) = (&pair[0], &pair[1]);
            if level.band.value > prev.top_band() {
                continue;
            }
            let spans = level.band_high.is_some() || prev.band_high.is_some();
            let overlaps = level.top_band() >= prev.band.value;
            // "band 3 ... overlaps", "bands 4–5 ... overlap".
            let plural = level.band_high.is_some();
            let how = match (spans, overlaps, plural) {
                (false, true, _) => "is the same as",
                (true, true, false) => "overlaps",
                (true, true, true) => "overlap",
                (_, false, false) => "is below",
                (_, false, true) => "are below",
            };
            let help = if spans && overlaps {
                "a level spanning bands (`band: [4, 5]`) shares no band with the levels \
                 around it; list a track's levels lowest first, each above the one before"
            } else {
                "list a track's levels lowest first, each at a higher band than the one before"
            };
            out.push(
                Diagnostic::new(
                    Lint::BandOrder,
                    level.band.span.clone(),
                    format!(
                        "{} of level `{}` {how} {} of the level before it, `{}`",
                        bands_of(level),
                        level.title.value,
                        bands_of(prev),
                        prev.title.value
                    ),
                )
                .with_label(format!("expected a band above {}", prev.top_band()))
                .with_related(prev.band.span.clone(), "previous level's band")
                .with_help(help),
            );
        }
    }
}

fn band_gap(ladder: &Ladder, out: &mut Vec<Diagnostic>) {
    // Band range of every track with levels.
    let ranges: Vec<Option<(i64, i64)>> = ladder
        .tracks
        .iter()
        .map(|t| {
            let min = t.levels.iter().map(|l| l.band.value).min()?;
            let max = t.levels.iter().map(|l| l.top_band()).max()?;
            Some((min, max))
        })
        .collect();
    let mut by_start: Vec<usize> = (0..ladder.tracks.len())
        .filter(|&t| ranges[t].is_some())
        .collect();
    by_start.sort_by_key(|&t| ranges[t].map(|r| r.0));

    let mut next = 0;
    // Tracks whose range covers the current band, keyed by (range end, index) so that
    // the ones that ended can be dropped from the front.
    let mut active: BTreeSet<(i64, usize)> = BTreeSet::new();
    for (&band, refs) in &ladder.bands {
        while let Some(&t) = by_start.get(next) {
            match ranges[t] {
                Some((min, max)) if min <= band => {
                    active.insert((max, t));
                    next += 1;
                }
                _ => break,
            }
        }
        while let Some(&first) = active.first() {
            if first.0 < band {
                active.pop_first();
            } else {
                break;
            }
        }
        let present: HashSet<usize> = refs.iter().map(|r| r.track).collect();
        let mut missing: Vec<usize> = active
            .iter()
            .map(|&(_, t)| t)
            .filter(|t| !present.contains(t))
            .collect();
        if missing.is_empty() {
            continue;
        }
        missing.sort_unstable();
        let band_name = match ladder.band_name(band) {
            Some(name) => format!("band {band} ({name})"),
            None => format!("band {band}"),
        };
        // With one track missing (the usual two-track ladder) the message names it
        // and its range; with many, one diagnostic per level names them all, so that a
        // wide ladder gets one warning per gap, not one per pair of tracks.
        let (what, label, help) = match missing.as_slice() {
            [m] => {
                let other = &ladder.tracks[*m];
                let (min, max) = ranges[*m].unwrap_or((band, band));
                (
                    format!("track `{}` has", other.id.value),
                    format!("no counterpart on `{}`", other.id.value),
                    format!(
                        "`{}` spans bands {min} to {max}; add a level at band {band} to {}, \
                         or set `band-gap: allow` under `lints:` in ladder.yaml if the gap is intended",
                        other.id.value, other.span.file
                    ),
                )
            }
            many => {
                let ids: Vec<&str> = many
                    .iter()
                    .map(|&m| ladder.tracks[m].id.value.as_str())
                    .collect();
                (
                    format!("tracks {} have", names(&ids)),
                    format!("no counterpart on {} tracks", many.len()),
                    format!(
                        "their band ranges all include band {band}; add a level at band {band} to each, \
                         or set `band-gap: allow` under `lints:` in ladder.yaml if the gaps are intended"
                    ),
                )
            }
        };
        let mut seen_tracks = HashSet::new();
        for r in refs {
            // One diagnostic per level and gap, even if a track wrongly has two levels
            // at this band (band-order reports that).
            if !seen_tracks.insert(r.track) {
                continue;
            }
            let level = ladder.level(*r);
            out.push(
                Diagnostic::new(
                    Lint::BandGap,
                    level.band.span.clone(),
                    format!(
                        "{what} no level at {band_name}, where `{}` has `{}`",
                        ladder.tracks[r.track].id.value, level.title.value
                    ),
                )
                .with_label(label.clone())
                .with_help(help.clone()),
            );
        }
    }
}

/// "band 5", or "bands 4–5" for a level spanning bands.
fn bands_of(level: &Level) -> String {
    match level.band_high {
        Some(_) => format!("bands {}", level.band_label()),
        None => format!("band {}", level.band.value),
    }
}

/// `a`, `b` and `c`; past a handful, `a`, `b`, ... and 12 more.
fn names(ids: &[&str]) -> String {
    const SHOWN: usize = 5;
    if ids.len() <= SHOWN {
        return quoted_list(ids);
    }
    let shown: Vec<String> = ids[..SHOWN].iter().map(|s| format!("`{s}`")).collect();
    format!("{} and {} more", shown.join(", "), ids.len() - SHOWN)
}

#[cfg(test)]
mod tests {
    use crate::check::testing::lints;

    fn track(id: &str, bands: &[i64]) -> (String, String) {
        let mut fm = format!("---\ntitle: {id}\nlevels:\n");
        let mut body = String::new();
        for (i, b) in bands.iter().enumerate() {
            fm.push_str(&format!(
                "  - title: L{i}\n    code: {id}{i}\n    band: {b}\n"
            ));
            body.push_str(&format!("## L{i}\ntext\n"));
        }
        (format!("{id}.md"), format!("{fm}---\n{body}"))
    }

    fn run(tracks: &[(&str, &[i64])]) -> Vec<(String, String, u32, u32)> {
        let files: Vec<(String, String)> = tracks.iter().map(|(id, b)| track(id, b)).collect();
        let refs: Vec<(&str, &str)> = files
            .iter()
            .map(|(p, t)| (p.as_str(), t.as_str()))
            .collect();
        lints(&refs)
    }

    fn of(kind: &str, got: &[(String, String, u32, u32)]) -> Vec<(String, u32)> {
        got.iter()
            .filter(|d| d.0 == kind)
            .map(|d| (d.1.clone(), d.2))
            .collect()
    }

    #[test]
    fn order_points_at_each_non_increasing_band() {
        let got = run(&[("a", &[1, 3, 3, 2, 4])]);
        // Levels 2 and 3 (0-based) break the order; their `band:` lines are 12 and 15.
        assert_eq!(
            of("band-order", &got),
            vec![("content/a.md".into(), 12), ("content/a.md".into(), 15)]
        );
    }

    #[test]
    fn gap_inside_overlap_only() {
        // a: 1..5 without 3; b: 2..6 with 3. Overlap 2..5: b's 3 has no counterpart on
        // a, a's 1 is outside b's range, b's 6 outside a's range.
        let got = run(&[("a", &[1, 2, 4, 5]), ("b", &[2, 3, 4, 5, 6])]);
        assert_eq!(of("band-gap", &got), vec![("content/b.md".into(), 9)]);
    }

    #[test]
    fn several_missing_tracks_make_one_diagnostic_per_level() {
        let got = run(&[
            ("a", &[1, 2, 3]),
            ("b", &[1, 3]),
            ("c", &[1, 3]),
            ("d", &[1, 2, 3]),
        ]);
        // a and d have band 2, b and c do not: one warning on a's level, one on d's.
        assert_eq!(
            of("band-gap", &got),
            vec![("content/a.md".into(), 9), ("content/d.md".into(), 9)]
        );
        let p = crate::check::testing::project(&[
            (&track("a", &[1, 2, 3]).0, &track("a", &[1, 2, 3]).1),
            (&track("b", &[1, 3]).0, &track("b", &[1, 3]).1),
            (&track("c", &[1, 3]).0, &track("c", &[1, 3]).1),
        ]);
        let mut out = Vec::new();
        super::lint(&p.ladder, &mut out);
        assert_eq!(out.len(), 1);
        assert_eq!(
            out[0].message,
            "tracks `b` and `c` have no level at band 2, where `a` has `L1`"
        );
    }

    #[test]
    fn disjoint_tracks_have_no_gap() {
        let got = run(&[("a", &[1, 2]), ("b", &[5, 7])]);
        assert!(of("band-gap", &got).is_empty(), "{got:?}");
    }

    #[test]
    fn contained_track_gaps_both_ways() {
        // b lies inside a's range: a's 3 is missing on b, b's 4 missing on a.
        let got = run(&[("a", &[1, 2, 3, 5, 6]), ("b", &[2, 4, 5])]);
        assert_eq!(
            of("band-gap", &got),
            vec![("content/a.md".into(), 12), ("content/b.md".into(), 9)]
        );
    }
}

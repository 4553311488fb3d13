//! `duplicate-id`: two tracks with one id, two levels of one track with one id, or two
//! levels anywhere in the ladder with one code. Ids become URLs (`/<track>/<level>/`)
//! and codes are how people name levels, so either clash makes one of them unreachable.
//!
//! The diagnostic points at the second use in source order (file path, then position)
//! and shows the first as a related span. A level section that appears twice is found
//! by the front end while sectioning, not here.

use std::collections::HashMap;

use crate::diagnostic::{Diagnostic, Lint};
use crate::model::{Ladder, Spanned};

pub fn lint(ladder: &Ladder, out: &mut Vec<Diagnostic>) {
    // Source order, so "first" and "second" mean what the author reads, whatever the
    // tracks' display `order`.
    let mut by_path: Vec<usize> = (0..ladder.tracks.len()).collect();
    by_path.sort_by(|&a, &b| ladder.tracks[a].path.cmp(&ladder.tracks[b].path));

    let mut track_ids: HashMap<&str, &Spanned<String>> = HashMap::new();
    let mut codes: HashMap<&str, &Spanned<String>> = HashMap::new();
    for &ti in &by_path {
        let track = &ladder.tracks[ti];
        if let Some(first) = track_ids.get(track.id.value.as_str()) {
            let defaulted = track.id.span == track.span;
            let help = if defaulted {
                "this track's id comes from its file name; set a different `id:` in its front matter"
            } else {
                "give each track its own `id`"
            };
            out.push(
                Diagnostic::new(
                    Lint::DuplicateId,
                    track.id.span.clone(),
                    format!("track id `{}` is used by two tracks", track.id.value),
                )
                .with_label("second track with this id")
                .with_related(first.span.clone(), "first used here")
                .with_help(help),
            );
        } else {
            track_ids.insert(&track.id.value, &track.id);
        }

        let mut level_ids: HashMap<&str, &Spanned<String>> = HashMap::new();
        for level in &track.levels {
            if let Some(first) = level_ids.get(level.id.value.as_str()) {
                let defaulted = level.id.span == level.title.span;
                let help = if defaulted {
                    "this id comes from the level's title; give one of the levels an explicit `id:`"
                } else {
                    "give each level of a track its own `id`"
                };
                out.push(
                    Diagnostic::new(
                        Lint::DuplicateId,
                        level.id.span.clone(),
                        format!(
                            "level id `{}` is used twice in track `{}`",
                            level.id.value, track.id.value
                        ),
                    )
                    .with_label("second level with this id")
                    .with_related(first.span.clone(), "first used here")
                    .with_help(help),
                );
            } else {
                level_ids.insert(&level.id.value, &level.id);
            }

            // Only the codes that are given: many ladders name levels by title alone.
            let Some(code) = &level.code else { continue };
            if let Some(first) = codes.get(code.value.as_str()) {
                out.push(
                    Diagnostic::new(
                        Lint::DuplicateId,
                        code.span.clone(),
                        format!("level code `{}` is used twice", code.value),
                    )
                    .with_label("second level with this code")
                    .with_related(first.span.clone(), "first used here")
                    .with_help("codes must be unique in the whole ladder; pick another one"),
                );
            } else {
                codes.insert(&code.value, code);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::check::testing::lints;

    const A: &str = "---\ntitle: A\nlevels:\n  - {title: One, code: A1, band: 1}\n  - {title: Two, code: A1, band: 2}\n  - {title: Three, id: x, code: A3, band: 3}\n  - {title: Four, id: x, code: A4, band: 4}\n---\n## One\ns\n## Two\ns\n## Three\ns\n## Four\ns\n";

    #[test]
    fn second_use_is_reported() {
        let got = lints(&[("a.md", A)]);
        let dup: Vec<_> = got.iter().filter(|d| d.0 == "duplicate-id").collect();
        // Code A1 twice (line 5, col 24), id `x` twice (line 7, col 23).
        assert_eq!(
            dup.iter().map(|d| (d.2, d.3)).collect::<Vec<_>>(),
            vec![(5, 24), (7, 23)],
            "{got:?}"
        );
    }

    #[test]
    fn same_track_id_across_files() {
        let b = "---\ntitle: B\nid: a\nlevels:\n  - {title: Lone, code: B1, band: 1}\n---\n## Lone\ns\n";
        let got = lints(&[("a.md", A), ("b.md", b)]);
        assert!(got
            .iter()
            .any(|d| d.0 == "duplicate-id" && d.1 == "content/b.md" && (d.2, d.3) == (3, 5)));
    }
}

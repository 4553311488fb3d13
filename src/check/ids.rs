//! `duplicate-id`: two tracks with one id, two levels of one track with one id, or two
//! levels anywhere in the ladder with one code. Ids become URLs (`/<track>/<level>/`)
//! and codes are how people name levels, so either clash makes one of them unreachable.
//! An id the site already uses for itself is taken too: a track id that names a page
//! or folder of the site ([`RESERVED_TRACK_IDS`]), a level id that names a section of
//! its track page ([`TRACK_PAGE_IDS`]).
//!
//! The diagnostic points at the second use in source order (file path, then position)
//! and shows the first as a related span. A level section that appears twice is found
//! by the front end while sectioning, not here.

use std::collections::HashMap;

use crate::diagnostic::{Diagnostic, Lint};
use crate::model::{path_segment, Ladder, Spanned, TRACK_PAGE_IDS};

/// A page (SPEC 8.4) is published at `/<id>/`, where a track, another page or a folder
/// of the site may already be.
fn page_ids(ladder: &Ladder, out: &mut Vec<Diagnostic>) {
    // Most ladders have no pages: nothing to check, and `serve` runs this on every save.
    if ladder.pages.is_empty() {
        return;
    }
    let reserved = ladder.reserved_ids();
    let mut taken: HashMap<String, String> = reserved
        .iter()
        .map(|r| (r.to_string(), format!("the site's own `/{r}/`")))
        .collect();
    for t in &ladder.tracks {
        let track = path_segment(&t.id.value).to_ascii_lowercase();
        for l in &t.levels {
            let level = path_segment(&l.id.value).to_ascii_lowercase();
            taken
                .entry(format!("{track}/{level}"))
                .or_insert_with(|| format!("level `{}` of track `{}`", l.id.value, t.id.value));
        }
        taken
            .entry(track)
            .or_insert_with(|| format!("track `{}` ({})", t.id.value, t.path));
    }
    let mut pages: Vec<&crate::model::Page> = ladder.pages.iter().map(|p| &**p).collect();
    pages.sort_by(|a, b| a.path.cmp(&b.path));
    for page in pages {
        let folder = page
            .id
            .split('/')
            .map(|s| path_segment(s).to_ascii_lowercase())
            .collect::<Vec<_>>()
            .join("/");
        // Under a folder of the site's own (`/compare/4/`), any name may clash.
        let first = folder.split('/').next().unwrap_or_default();
        let owner = taken
            .get(&folder)
            .or_else(|| (folder.contains('/') && reserved.contains(&first)).then(|| &taken[first]));
        match owner {
            Some(owner) => out.push(
                Diagnostic::new(
                    Lint::DuplicateId,
                    page.span.clone(),
                    format!(
                        "page {} would be published at `/{folder}/`, which is {owner}",
                        page.path
                    ),
                )
                .with_label("this page")
                .with_help("rename the page's file"),
            ),
            None => {
                taken.insert(folder, format!("page {}", page.path));
            }
        }
    }
}

pub fn lint(ladder: &Ladder, out: &mut Vec<Diagnostic>) {
    page_ids(ladder, out);
    let reserved_ids = ladder.reserved_ids();
    // Source order, so "first" and "second" mean what the author reads, whatever the
    // tracks' display `order`.
    let mut by_path: Vec<usize> = (0..ladder.tracks.len()).collect();
    by_path.sort_by(|&a, &b| ladder.tracks[a].path.cmp(&ladder.tracks[b].path));

    let mut track_ids: HashMap<&str, &Spanned<String>> = HashMap::new();
    let mut codes: HashMap<&str, &Spanned<String>> = HashMap::new();
    for &ti in &by_path {
        let track = &ladder.tracks[ti];
        let defaulted = track.id.span == track.span;
        let folder = path_segment(&track.id.value).to_ascii_lowercase();
        if reserved_ids.contains(&folder.as_str()) {
            out.push(reserved(
                &track.id,
                format!(
                    "track id `{}` is taken by the site's own `/{folder}/`",
                    track.id.value
                ),
                &reserved_ids,
                if defaulted {
                    "this track's id comes from its file name; set another `id:` in its front matter (e.g. `id: {folder}-track`)"
                } else {
                    "set another `id:` in this track's front matter (e.g. `id: {folder}-track`)"
                },
                &folder,
            ));
        }
        if let Some(first) = track_ids.get(track.id.value.as_str()) {
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
            if TRACK_PAGE_IDS.contains(&level.id.value.as_str()) {
                let defaulted = level.id.span == level.title.span;
                out.push(reserved(
                    &level.id,
                    format!(
                        "level id `{}` is taken by a section of the track page",
                        level.id.value
                    ),
                    &TRACK_PAGE_IDS,
                    if defaulted {
                        "this id comes from the level's title; give the level another `id:` (e.g. `id: {id}-level`)"
                    } else {
                        "give the level another `id:` (e.g. `id: {id}-level`)"
                    },
                    &level.id.value,
                ));
            }
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

/// An id the site uses for itself; `how` is the help's advice, `{id}` or `{folder}`
/// standing for `id`.
fn reserved(
    at: &Spanned<String>,
    message: String,
    names: &[&str],
    how: &str,
    id: &str,
) -> Diagnostic {
    let how = how.replace("{folder}", id).replace("{id}", id);
    Diagnostic::new(Lint::DuplicateId, at.span.clone(), message)
        .with_label("reserved by the site")
        .with_help(format!(
            "{how}; reserved: {}",
            names
                .iter()
                .map(|n| format!("`{n}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ))
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

    #[test]
    fn ids_the_site_uses_are_reserved() {
        // A track named by its file `search.md`, and one whose `id:` is `compare`; a
        // level whose id is `contents`, a section of every track page.
        let search =
            "---\ntitle: S\nlevels:\n  - {title: One, code: S1, band: 1}\n---\n## One\ns\n";
        let other = "---\ntitle: C\nid: compare\nlevels:\n  - {title: Contents, code: C1, band: 1}\n---\n## Contents\ns\n";
        let got = lints(&[("search.md", search), ("other.md", other)]);
        let dup: Vec<_> = got
            .iter()
            .filter(|d| d.0 == "duplicate-id")
            .map(|d| (d.1.as_str(), d.2, d.3))
            .collect();
        assert_eq!(
            dup,
            vec![
                ("content/other.md", 3, 5),
                ("content/other.md", 5, 13),
                ("content/search.md", 1, 1)
            ],
            "{got:?}"
        );
    }
}

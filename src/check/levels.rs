//! Lints on one level's content: `empty-level` (a section with no summary, no
//! competencies and no responsibilities of its own) and `redundant-responsibility` (a
//! responsibility that repeats, word for word, one the level already holds through
//! `inherits`).
//!
//! "Word for word" means equal plain text after folding case and whitespace
//! ([`fold_label`]); markup does not count, punctuation does. Each level is compared
//! against its own inherited list through a map, so the cost is the size of those lists.

use std::collections::HashMap;

use crate::diagnostic::{Diagnostic, Lint};
use crate::model::{fold_label, Ladder, Responsibility, Section, Span, Track};

/// The level lints of one track. `redundant-responsibility` also reads the levels its
/// levels inherit from, wherever they are.
pub fn lint_track(ladder: &Ladder, track: &Track, out: &mut Vec<Diagnostic>) {
    for level in &track.levels {
        let Some(section) = &level.section else {
            continue;
        };
        // A heading at another rank than the track's levels is already an error.
        if section.rank != track.level_rank {
            continue;
        }
        if level.summary.is_empty()
            && level.competencies.is_empty()
            && level.responsibilities.is_empty()
        {
            out.push(empty_level(track, level, section));
        }

        if level.inherited.is_empty() || level.responsibilities.is_empty() {
            continue;
        }
        // Nearest ancestor first, so the first entry per text is the closest source.
        let mut inherited: HashMap<String, &crate::model::Inherited> = HashMap::new();
        for i in &level.inherited {
            let r = &ladder.level(i.from).responsibilities[i.index];
            let key = fold_label(&r.body.text);
            if !key.is_empty() {
                inherited.entry(key).or_insert(i);
            }
        }
        for own in &level.responsibilities {
            let key = fold_label(&own.body.text);
            let Some(i) = inherited.get(&key) else {
                continue;
            };
            let from = ladder.level(i.from);
            let original = &from.responsibilities[i.index];
            let via = level
                .inherits
                .as_ref()
                .map_or_else(String::new, |v| format!(" through `inherits: {}`", v.value));
            out.push(
                Diagnostic::new(
                    Lint::RedundantResponsibility,
                    item_span(own),
                    format!(
                        "level `{}` already holds this responsibility from `{}`",
                        level.title.value, from.title.value
                    ),
                )
                .with_label("repeated word for word")
                .with_related(
                    item_span(original),
                    format!("stated by `{}` here", from.id.value),
                )
                .with_help(format!("remove it; `{}` inherits it{via}", level.id.value)),
            );
        }
    }
}

/// `empty-level`, saying what ended the section when headings did: a level whose
/// labels were written at its own rank comes out empty, and "write something" would
/// be wrong advice for a section that holds text.
fn empty_level(track: &Track, level: &crate::model::Level, section: &Section) -> Diagnostic {
    let d = Diagnostic::new(
        Lint::EmptyLevel,
        section.span.clone(),
        format!("level `{}` is empty", level.title.value),
    );
    let rank = usize::from(track.level_rank);
    let Some(end) = &section.ended_by else {
        return d.with_label("nothing under this heading").with_help(
            "write a summary, labelled competencies (`**Label:** ...`) or a \
             `**Responsibilities:**` list under this heading",
        );
    };
    let what = if end.headings == 1 {
        format!("an H{} heading follows", end.rank)
    } else {
        format!(
            "{} headings of rank H{} or higher follow",
            end.headings, rank
        )
    };
    let d = d
        .with_label("nothing between this heading and the next")
        .with_related(end.span.clone(), "this heading ends the section");
    if usize::from(end.rank) == rank {
        d.with_help(format!(
            "{what} this level's H{rank} and end its section; if they are its labels, write them one rank lower (`{} Label`)",
            "#".repeat(rank + 1)
        ))
    } else {
        d.with_help(format!(
            "{what} this level's H{rank} and end its section (a heading of a higher rank than the levels' is prose of the track); write the level's text under its heading"
        ))
    }
}

/// The first line of a responsibility's text (after the list marker): exact in the
/// file, unlike the item's reconstructed Markdown, whose later lines are dedented.
fn item_span(r: &Responsibility) -> Span {
    match &r.body.span {
        Some(start) => {
            let first_line = r.body.source.lines().next().unwrap_or("").trim_end();
            Span {
                end: start.start + first_line.len(),
                ..start.clone()
            }
        }
        None => r.span.clone(),
    }
}

#[cfg(test)]
mod tests {
    use crate::check::testing::lints;

    #[test]
    fn empty_and_redundant() {
        let t = "---\ntitle: T\nlevels:\n  - {title: One, code: T1, band: 1}\n  - {title: Two, code: T2, band: 2, inherits: one}\n  - {title: Three, code: T3, band: 3, inherits: two}\n  - {title: Four, code: T4, band: 4}\n---\n## One\n**Responsibilities:**\n\n- Review  *code* daily.\n- Mentor.\n\n## Two\n**Responsibilities:**\n\n- review code daily.\n- Review code daily\n\n## Three\n**Responsibilities:**\n\n- mentor.\n\n## Four\n\n";
        let got = lints(&[("t.md", t)]);
        assert_eq!(
            got,
            vec![
                // Two repeats One's first (markup and case folded); the second lacks
                // the full stop, so it is not word for word.
                (
                    "redundant-responsibility".into(),
                    "content/t.md".into(),
                    18,
                    3
                ),
                // Three repeats One's "Mentor." through Two.
                (
                    "redundant-responsibility".into(),
                    "content/t.md".into(),
                    24,
                    3
                ),
                ("empty-level".into(), "content/t.md".into(), 26, 1),
            ]
        );
    }
}

//! Item ids (SPEC 10): the `{#id}` an author writes at the end of a label line or a
//! list item, and the default ids of the items that have none.
//!
//! The sectioner finds where each item's `{#id}` would be ([`trailing_id`]) and keeps
//! the item's text without it; once a track's levels are complete, [`assign`] checks
//! the written ids and gives every other item the slug of its label (competencies) or
//! of its first words (responsibilities), numbered when the level repeats it.

use std::collections::HashMap;
use std::ops::Range;

use super::track::Src;
use crate::diagnostic::{Diagnostic, Lint};
use crate::model::{is_valid_id, responsibility_slug, slugify, ItemId, Span, Track};

/// The `{#id}` at the end of `range` of the file, if one is written there: the range
/// without it (and the blanks before it), and the item's id as written. Without one,
/// the range as it is and an id to be defaulted. Either way the id records where a
/// `{#id}` goes: the end of the range's text.
pub(super) fn trailing_id(src: &Src, range: Range<usize>) -> (Range<usize>, ItemId) {
    let text = src.text;
    let end = range.start + text[range.clone()].trim_end().len();
    let pin_at = Some(src.span(end, end));
    let none = |range| {
        (
            range,
            ItemId {
                pin_at: pin_at.clone(),
                ..ItemId::default()
            },
        )
    };
    let s = &text[range.start..end];
    let Some(open) = s.rfind("{#") else {
        return none(range);
    };
    let inner = &s[open + 2..];
    let Some(inner) = inner.strip_suffix('}') else {
        return none(range);
    };
    let before = &s[..open];
    let well_formed = !inner.is_empty()
        && !inner.contains(|c: char| c.is_whitespace() || c == '{' || c == '}')
        && before.ends_with([' ', '\t'])
        && !before.trim().is_empty();
    if !well_formed {
        return none(range);
    }
    let at = range.start + open;
    let cut = range.start + before.trim_end().len();
    (
        range.start..cut,
        ItemId {
            id: inner.to_string(),
            explicit: true,
            written_at: Some(src.span(at, end)),
            pin_at,
        },
    )
}

/// The id of a label heading (`### Mentoring {#mentoring}`), whose `{#id}` the
/// Markdown parser has already taken off: `id` as parsed, `line` the heading's text
/// on its line (trimmed at the end).
pub(super) fn heading_id(src: &Src, line: Range<usize>, id: Option<&str>) -> ItemId {
    let pin_at = Some(src.span(line.end, line.end));
    let Some(id) = id else {
        return ItemId {
            pin_at,
            ..ItemId::default()
        };
    };
    let written = src.text[line.clone()]
        .rfind("{#")
        .map(|i| src.span(line.start + i, line.end));
    ItemId {
        id: id.to_string(),
        explicit: true,
        written_at: written.or_else(|| pin_at.clone()),
        pin_at,
    }
}

/// Checks the written ids of every level of `track` and gives each item without one
/// its default id. A written id that is no valid id, or that a level uses twice, is a
/// diagnostic; the item then takes its default id.
pub(super) fn assign(track: &mut Track, diagnostics: &mut Vec<Diagnostic>) {
    for level in &mut track.levels {
        let mut taken: HashMap<String, Span> = HashMap::new();
        let items = level
            .competencies
            .iter_mut()
            .map(|c| (&mut c.id, c.span.clone(), slugify(&c.label)))
            .chain(level.responsibilities.iter_mut().map(|r| {
                let base = responsibility_slug(&r.body.text);
                (&mut r.id, r.span.clone(), base)
            }));
        let mut items: Vec<(&mut ItemId, Span, String)> = items.collect();
        for (id, item_span, _) in items.iter_mut() {
            if !id.explicit {
                continue;
            }
            let at = id.written_at.clone().unwrap_or_else(|| item_span.clone());
            if !is_valid_id(&id.id) {
                diagnostics.push(
                    Diagnostic::new(
                        Lint::FrontMatter,
                        at,
                        format!("item id `{}` is not a valid id", id.id),
                    )
                    .with_label("ids are used in links and anchors")
                    .with_help(format!(
                        "use only ASCII letters, digits, `-` and `_`, for example `{{#{}}}`",
                        slugify(&id.id)
                    )),
                );
                id.explicit = false;
                continue;
            }
            match taken.get(&id.id) {
                Some(first) => {
                    diagnostics.push(
                        Diagnostic::new(
                            Lint::DuplicateId,
                            at,
                            format!(
                                "level `{}` has two items with the id `{}`",
                                level.id.value, id.id
                            ),
                        )
                        .with_label("second use")
                        .with_related(first.clone(), "first use here")
                        .with_help("give each competency and responsibility of a level its own id"),
                    );
                    id.explicit = false;
                }
                None => {
                    taken.insert(id.id.clone(), at);
                }
            }
        }
        level_defaults(&mut items, &mut taken);
    }
}

/// Default ids for the items of one level without a valid written one.
fn level_defaults(items: &mut [(&mut ItemId, Span, String)], taken: &mut HashMap<String, Span>) {
    for (id, span, base) in items.iter_mut() {
        if id.explicit {
            continue;
        }
        let mut candidate = base.clone();
        let mut n = 2;
        while taken.contains_key(&candidate) {
            candidate = format!("{base}-{n}");
            n += 1;
        }
        taken.insert(candidate.clone(), span.clone());
        id.id = candidate;
        id.written_at = None;
    }
}

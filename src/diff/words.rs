//! Word-level diff of two plain texts, for reworded competencies, summaries and prose.
//!
//! Texts are compared as sequences of whitespace-separated words (the model's plain
//! text already has its whitespace collapsed, so joining words with one space loses
//! nothing). Short unchanged runs squeezed between two replacements are folded into
//! them, so that a reworded sentence reads as one replacement rather than a
//! checkerboard of struck and inserted words.

use serde::Serialize;
use similar::{Algorithm, DiffOp};
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WordOpKind {
    Equal,
    Delete,
    Insert,
}

/// A run of words that is kept, removed or added. Runs are separated by one space.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WordOp {
    pub op: WordOpKind,
    pub text: String,
}

/// An unchanged run of at most this many words between two replacements joins them.
const GLUE_WORDS: usize = 2;

/// The word-level diff of `old` and `new`.
pub fn word_diff(old: &str, new: &str) -> Vec<WordOp> {
    let a: Vec<&str> = old.split_whitespace().collect();
    let b: Vec<&str> = new.split_whitespace().collect();
    // A deadline keeps pathological inputs (megabyte-long texts) bounded; past it
    // the diff is coarser, never wrong.
    let deadline = Instant::now() + Duration::from_millis(500);
    let ops = similar::capture_diff_slices_deadline(Algorithm::Myers, &a, &b, Some(deadline));

    // Hunks: (kind, old words, new words); Equal carries the same words on both sides.
    let mut hunks: Vec<(WordOpKind, Vec<&str>, Vec<&str>)> = Vec::new();
    for op in ops {
        match op {
            DiffOp::Equal { old_index, len, .. } => {
                let words = a[old_index..old_index + len].to_vec();
                hunks.push((WordOpKind::Equal, words.clone(), words));
            }
            DiffOp::Delete {
                old_index, old_len, ..
            } => push_change(&mut hunks, &a[old_index..old_index + old_len], &[]),
            DiffOp::Insert {
                new_index, new_len, ..
            } => push_change(&mut hunks, &[], &b[new_index..new_index + new_len]),
            DiffOp::Replace {
                old_index,
                old_len,
                new_index,
                new_len,
            } => push_change(
                &mut hunks,
                &a[old_index..old_index + old_len],
                &b[new_index..new_index + new_len],
            ),
        }
    }

    // Fold short equal runs between two changes into one change.
    let mut merged: Vec<(WordOpKind, Vec<&str>, Vec<&str>)> = Vec::new();
    // Only between two replacements: next to a pure insertion or deletion the
    // unchanged words read better left alone.
    let is_replacement = |h: &(WordOpKind, Vec<&str>, Vec<&str>)| {
        h.0 != WordOpKind::Equal && !h.1.is_empty() && !h.2.is_empty()
    };
    for (i, (kind, old_w, new_w)) in hunks.iter().enumerate() {
        let glue = *kind == WordOpKind::Equal
            && old_w.len() <= GLUE_WORDS
            && merged.last().is_some_and(is_replacement)
            && hunks.get(i + 1).is_some_and(is_replacement);
        // A glued run, or a change right after a change, extends the last change.
        let extend = glue
            || (*kind != WordOpKind::Equal
                && merged.last().is_some_and(|h| h.0 != WordOpKind::Equal));
        match merged.last_mut() {
            Some(last) if extend => {
                last.1.extend(old_w);
                last.2.extend(new_w);
            }
            _ => merged.push((*kind, old_w.clone(), new_w.clone())),
        }
    }

    let mut out = Vec::new();
    for (kind, old_w, new_w) in merged {
        if kind == WordOpKind::Equal {
            out.push(WordOp {
                op: WordOpKind::Equal,
                text: old_w.join(" "),
            });
            continue;
        }
        if !old_w.is_empty() {
            out.push(WordOp {
                op: WordOpKind::Delete,
                text: old_w.join(" "),
            });
        }
        if !new_w.is_empty() {
            out.push(WordOp {
                op: WordOpKind::Insert,
                text: new_w.join(" "),
            });
        }
    }
    out
}

/// Marks a change hunk; the kind is only "not equal", the sides tell the rest.
fn push_change<'a>(
    hunks: &mut Vec<(WordOpKind, Vec<&'a str>, Vec<&'a str>)>,
    old: &[&'a str],
    new: &[&'a str],
) {
    let kind = if old.is_empty() {
        WordOpKind::Insert
    } else {
        WordOpKind::Delete
    };
    if let Some(last) = hunks.last_mut() {
        if last.0 != WordOpKind::Equal {
            last.1.extend(old);
            last.2.extend(new);
            return;
        }
    }
    hunks.push((kind, old.to_vec(), new.to_vec()));
}

/// Whether the diff has any removed or added word.
pub fn has_changes(ops: &[WordOp]) -> bool {
    ops.iter().any(|o| o.op != WordOpKind::Equal)
}

/// How alike two texts are, 0.0 (nothing shared) to 1.0 (same words). Words are
/// compared by their letters and digits, case-folded: `Reviews code` and `reviews
/// code.` are the same words, so a recased or repunctuated text reads as reworded
/// (a patch), not as one removed and another added.
pub fn similarity(old: &str, new: &str) -> f32 {
    let fold = |s: &str| -> Vec<String> {
        s.split_whitespace()
            .map(|w| {
                w.chars()
                    .filter(|c| c.is_alphanumeric())
                    .flat_map(char::to_lowercase)
                    .collect::<String>()
            })
            .filter(|w| !w.is_empty())
            .collect()
    };
    let (a, b) = (fold(old), fold(new));
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    let deadline = Instant::now() + Duration::from_millis(100);
    let ops = similar::capture_diff_slices_deadline(Algorithm::Myers, &a, &b, Some(deadline));
    similar::get_diff_ratio(&ops, a.len(), b.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn show(ops: &[WordOp]) -> String {
        ops.iter()
            .map(|o| match o.op {
                WordOpKind::Equal => o.text.clone(),
                WordOpKind::Delete => format!("[-{}-]", o.text),
                WordOpKind::Insert => format!("{{+{}+}}", o.text),
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn a_reworded_phrase_is_one_replacement() {
        let ops = word_diff(
            "Owns small projects end to end",
            "Owns large multi-team projects end to end",
        );
        assert_eq!(
            show(&ops),
            "Owns [-small-] {+large multi-team+} projects end to end"
        );
    }

    #[test]
    fn short_unchanged_words_between_changes_are_folded_in() {
        let ops = word_diff("leads a team of five", "guides the team of ten");
        assert_eq!(
            show(&ops),
            "[-leads a team of five-] {+guides the team of ten+}"
        );
    }

    #[test]
    fn identical_texts_have_no_changes() {
        let ops = word_diff("same  words\nhere", "same words here");
        assert!(!has_changes(&ops));
        assert_eq!(show(&ops), "same words here");
    }

    #[test]
    fn additions_at_either_end() {
        let ops = word_diff("b c", "a b c d");
        assert_eq!(show(&ops), "{+a+} b c {+d+}");
        assert!(similarity("b c", "a b c d") > 0.5);
        assert!(similarity("x y z", "a b c") < 0.1);
    }
}

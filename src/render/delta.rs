//! "What changes from the previous level": the responsibilities a level adds and drops
//! compared with the level before it on its track (both counted with what they
//! inherit), and a word-level diff of every competency the two levels share.
//!
//! The diff works on the competency's text with markup dropped but paragraph and list
//! item breaks kept, so that the reader sees which words changed, not which asterisks.

use pulldown_cmark::{Event, Parser, Tag, TagEnd};
use serde::Serialize;
use similar::{DiffOp, TextDiff};
use std::fmt::Write as _;

use super::views::{ResponsibilityItem, Views};
use crate::model::{slugify, Level, LevelRef};

/// How one competency label changed between two levels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Change {
    Changed,
    Unchanged,
    /// Only the new level has this label.
    Added,
    /// Only the previous level has this label.
    Removed,
}

/// A competency label in the delta. `diff_html` holds the word diff (`<ins>`/`<del>`)
/// for a changed label, else the text of the side that has it.
#[derive(Debug, Clone, Serialize)]
pub struct CompetencyDelta {
    pub label: String,
    pub key: String,
    /// Anchor of this label in the "what changes" section (`change-scope`).
    pub anchor: String,
    pub change: Change,
    pub diff_html: String,
}

/// A responsibility held by a level: (level that states it, index there).
type Held = (LevelRef, usize);

/// Everything `r` holds, own first, as references into the model.
fn held(views: &Views<'_>, r: LevelRef) -> Vec<Held> {
    let level = views.ladder.level(r);
    (0..level.responsibilities.len())
        .map(|i| (r, i))
        .chain(level.inherited.iter().map(|i| (i.from, i.index)))
        .collect()
}

/// Responsibilities `r` holds and `p` does not (added), and the reverse (removed),
/// matched on their text and each listed once. Works on the model's text; only the
/// few items that differ are turned into page items.
pub fn responsibility_delta<'v>(
    views: &'v Views<'v>,
    r: LevelRef,
    p: LevelRef,
) -> (Vec<ResponsibilityItem<'v>>, Vec<ResponsibilityItem<'v>>) {
    use std::collections::HashSet;
    let text = |h: &Held| {
        views.ladder.level(h.0).responsibilities[h.1]
            .body
            .text
            .as_str()
    };
    let item = |h: &Held| {
        let own = &views.level(h.0).responsibilities[h.1];
        ResponsibilityItem {
            html: &own.html,
            anchor: None,
            inherited_from: None,
            origin_url: None,
        }
    };
    let (now, before) = (held(views, r), held(views, p));
    let only = |a: &[Held], b: &[Held]| {
        let other: HashSet<&str> = b.iter().map(text).collect();
        let mut seen = HashSet::new();
        a.iter()
            .filter(|h| !other.contains(text(h)) && seen.insert(text(h)))
            .map(item)
            .collect::<Vec<_>>()
    };
    (only(&now, &before), only(&before, &now))
}

/// Every competency of either level, in the new level's order followed by the labels
/// only the previous level had.
pub fn competency_delta(level: &Level, previous: &Level) -> Vec<CompetencyDelta> {
    let mut out = unique_anchors(competency_delta_in_order(level, previous));
    out.shrink_to_fit();
    out
}

/// A label written twice in one level gives two entries with the same key: number
/// the second anchor so that ids stay unique on the page.
fn unique_anchors(mut deltas: Vec<CompetencyDelta>) -> Vec<CompetencyDelta> {
    let mut seen = std::collections::HashMap::new();
    for d in &mut deltas {
        let n = seen.entry(d.anchor.clone()).or_insert(0);
        *n += 1;
        if *n > 1 {
            d.anchor = format!("{}-{n}", d.anchor);
        }
    }
    deltas
}

fn competency_delta_in_order(level: &Level, previous: &Level) -> Vec<CompetencyDelta> {
    let mut out = Vec::with_capacity(level.competencies.len());
    for c in &level.competencies {
        let delta = match previous.competency(&c.key) {
            Some(old) => {
                let old_text = diff_text(&old.body.source);
                let new_text = diff_text(&c.body.source);
                if old_text == new_text {
                    CompetencyDelta {
                        label: c.label.clone(),
                        key: c.key.clone(),
                        anchor: anchor(&c.key),
                        change: Change::Unchanged,
                        diff_html: text_html(&new_text),
                    }
                } else {
                    CompetencyDelta {
                        label: c.label.clone(),
                        key: c.key.clone(),
                        anchor: anchor(&c.key),
                        change: Change::Changed,
                        diff_html: word_diff_html(&old_text, &new_text),
                    }
                }
            }
            None => CompetencyDelta {
                label: c.label.clone(),
                key: c.key.clone(),
                anchor: anchor(&c.key),
                change: Change::Added,
                diff_html: text_html(&diff_text(&c.body.source)),
            },
        };
        out.push(delta);
    }
    for old in &previous.competencies {
        if level.competency(&old.key).is_none() {
            out.push(CompetencyDelta {
                label: old.label.clone(),
                key: old.key.clone(),
                anchor: anchor(&old.key),
                change: Change::Removed,
                diff_html: text_html(&diff_text(&old.body.source)),
            });
        }
    }
    out
}

fn anchor(key: &str) -> String {
    format!("change-{}", slugify(key))
}

/// The words of a Markdown fragment, one line per paragraph or list item
/// (list items start with "• ").
pub fn diff_text(md: &str) -> String {
    let mut out = String::with_capacity(md.len());
    let mut line = String::new();
    let flush = |line: &mut String, out: &mut String| {
        let collapsed = line.split_whitespace().collect::<Vec<_>>().join(" ");
        let collapsed = collapsed.trim_end_matches(['|', ' ']);
        if !collapsed.is_empty() && collapsed != "•" {
            if !out.is_empty() {
                out.push('\n');
            }
            out.push_str(collapsed);
        }
        line.clear();
    };
    for event in Parser::new_ext(md, super::markdown::options()) {
        match event {
            Event::Text(t) | Event::Code(t) => line.push_str(&t),
            Event::SoftBreak | Event::HardBreak => line.push(' '),
            Event::Start(Tag::Item) => {
                flush(&mut line, &mut out);
                line.push_str("• ");
            }
            Event::End(
                TagEnd::Paragraph
                | TagEnd::Item
                | TagEnd::Heading(_)
                | TagEnd::TableRow
                | TagEnd::TableHead,
            ) => flush(&mut line, &mut out),
            Event::End(TagEnd::TableCell) => line.push_str(" | "),
            _ => {}
        }
    }
    flush(&mut line, &mut out);
    out
}

/// Plain text as HTML: escaped, line breaks kept.
pub fn text_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    push_text(&mut out, text);
    out
}

fn push_text(out: &mut String, text: &str) {
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push_str("<br>");
        }
        out.push_str(&escape(line));
    }
}

/// A word-level diff as HTML: removed words in `<del>`, added words in `<ins>`.
pub fn word_diff_html(old: &str, new: &str) -> String {
    // Myers is O(N·D); past this size a diff is no longer readable anyway, and a time
    // limit would make the output depend on the machine's speed (not deterministic).
    const MAX_WORDS: usize = 4000;
    if old.split_whitespace().count() + new.split_whitespace().count() > MAX_WORDS {
        let mut out = String::new();
        push_tagged(&mut out, "del", old);
        out.push(' ');
        push_tagged(&mut out, "ins", new);
        return out;
    }
    let diff = TextDiff::from_words(old, new);
    let old_tokens = diff.old_slices();
    let new_tokens = diff.new_slices();
    let mut segments: Vec<Segment> = Vec::with_capacity(diff.ops().len());
    for op in diff.ops() {
        let (old_range, new_range) = (op.old_range(), op.new_range());
        match op {
            DiffOp::Equal { .. } => push_same(&mut segments, new_tokens[new_range].concat()),
            _ => push_changed(
                &mut segments,
                Change2::new(
                    old_tokens[old_range].concat(),
                    new_tokens[new_range].concat(),
                ),
            ),
        }
    }
    let mut out = String::with_capacity(old.len() + new.len() + 64);
    for s in segments {
        match s {
            Segment::Same(text, _) => push_text(&mut out, &text),
            Segment::Changed(c) => {
                push_tagged(&mut out, "del", &c.removed);
                push_tagged(&mut out, "ins", &c.added);
            }
        }
    }
    out
}

/// A run of the diff: text both sides share (with its word count), or a change.
#[derive(Debug)]
enum Segment {
    Same(String, usize),
    Changed(Change2),
}

/// Text removed and text added at one place, with their word counts.
#[derive(Debug)]
struct Change2 {
    removed: String,
    added: String,
    /// The larger of the two word counts: the size of the change.
    size: usize,
}

impl Change2 {
    fn new(removed: String, added: String) -> Change2 {
        let size = words(&removed).max(words(&added));
        Change2 {
            removed,
            added,
            size,
        }
    }

    fn absorb(&mut self, same: &str, next: Change2) {
        self.removed.push_str(same);
        self.removed.push_str(&next.removed);
        self.added.push_str(same);
        self.added.push_str(&next.added);
        self.size = words(&self.removed).max(words(&self.added));
    }
}

fn words(s: &str) -> usize {
    s.split_whitespace().count()
}

fn push_same(segments: &mut Vec<Segment>, text: String) {
    let n = words(&text);
    segments.push(Segment::Same(text, n));
}

/// Pushes a change, folding short runs of shared words that sit between two changes
/// into one change, so that a rewritten sentence reads as "this sentence became that
/// one" rather than alternating single words. A run is short when it has fewer words
/// than the changes on both sides (whitespace alone always folds). A fold makes the
/// change bigger, which may let it swallow the run before it too: hence the loop. One
/// pass over the diff, each fold shortening the stack.
fn push_changed(segments: &mut Vec<Segment>, mut change: Change2) {
    loop {
        let n = segments.len();
        let fold = match (n.checked_sub(2).map(|i| &segments[i]), segments.last()) {
            (Some(Segment::Changed(left)), Some(Segment::Same(_, w))) => {
                *w == 0 || *w < left.size.min(change.size)
            }
            (_, Some(Segment::Changed(_))) => {
                // Two changes in a row (a delete then an insert): one change.
                if let Some(Segment::Changed(left)) = segments.last_mut() {
                    left.absorb("", change);
                }
                match segments.pop() {
                    Some(Segment::Changed(c)) => change = c,
                    _ => return,
                }
                continue;
            }
            _ => false,
        };
        if !fold {
            segments.push(Segment::Changed(change));
            return;
        }
        let same = match segments.pop() {
            Some(Segment::Same(text, _)) => text,
            _ => String::new(),
        };
        match segments.pop() {
            Some(Segment::Changed(mut left)) => {
                left.absorb(&same, change);
                change = left;
            }
            _ => return,
        }
    }
}

/// `<tag>words</tag>` with whitespace at either end kept outside the tag, so that
/// marked words do not carry underlined spaces.
fn push_tagged(out: &mut String, tag: &str, text: &str) {
    let trimmed_start = text.trim_start();
    let lead = &text[..text.len() - trimmed_start.len()];
    let inner = trimmed_start.trim_end();
    let trail = &trimmed_start[inner.len()..];
    push_text(out, lead);
    if !inner.is_empty() {
        let _ = write!(out, "<{tag}>");
        push_text(out, inner);
        let _ = write!(out, "</{tag}>");
    }
    push_text(out, trail);
}

/// HTML-escapes text for element content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_diff_marks_changed_words_only() {
        let html = word_diff_html("Leads a small team", "Leads a large team");
        assert_eq!(html, "Leads a <del>small</del><ins>large</ins> team");
    }

    #[test]
    fn rewritten_sentence_reads_as_one_change() {
        let html = word_diff_html(
            "Holds regular one-to-ones and gives timely, specific feedback.",
            "Hires, coaches and grows engineers, and handles performance with fairness.",
        );
        assert_eq!(html.matches("<del>").count(), 1, "{html}");
        assert_eq!(html.matches("<ins>").count(), 1, "{html}");
    }

    #[test]
    fn separate_small_edits_stay_separate() {
        let html = word_diff_html("alpha beta gamma delta", "omega beta kappa delta");
        assert_eq!(
            html,
            "<del>alpha</del><ins>omega</ins> beta <del>gamma</del><ins>kappa</ins> delta"
        );
    }

    #[test]
    fn word_diff_escapes() {
        let html = word_diff_html("a <b>", "a <i>");
        assert!(html.contains("<del>&lt;b&gt;</del>"), "{html}");
        assert!(html.contains("<ins>&lt;i&gt;</ins>"), "{html}");
    }

    #[test]
    fn diff_text_keeps_items_and_drops_markup() {
        assert_eq!(
            diff_text("Owns **delivery**.\n\n- one\n- two *things*\n"),
            "Owns delivery.\n• one\n• two things"
        );
    }

    #[test]
    fn added_lines_show_as_inserted() {
        let html = word_diff_html("• one", "• one\n• two");
        assert!(html.contains("<ins>"), "{html}");
        assert!(html.contains("two"), "{html}");
    }
}

//! "What changes from the previous level": the responsibilities a level adds and drops
//! compared with the level before it on its track (both counted with what they
//! inherit), and a word-level diff of every competency the two levels share.
//!
//! The diff works on the competency's text with markup dropped but paragraph and list
//! item breaks kept, so that the reader sees which words changed, not which asterisks.

use pulldown_cmark::{Event, Parser, Tag, TagEnd};
use serde::Serialize;
use similar::{Algorithm, DiffOp, DiffableStr};
use std::collections::HashMap;
use std::fmt::Write as _;
use std::hash::{BuildHasherDefault, Hasher};
use std::ops::Range;

use super::html::push_escaped;
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
    views: &'v Views<'_>,
    r: LevelRef,
    p: LevelRef,
) -> (Vec<ResponsibilityItem<'v>>, Vec<ResponsibilityItem<'v>>) {
    use std::collections::HashSet;
    let text = |h: &Held| {
        views.ladder.level(h.0).responsibilities[h.1]
            .body
            .text
            .as_ref()
    };
    let item = |h: &Held| {
        let own = &views.level(h.0).responsibilities[h.1];
        let key = views.ladder.level_key(h.0);
        ResponsibilityItem {
            html: &own.html,
            anchor: None,
            id: own.id,
            item: std::borrow::Cow::Owned(format!("{key}/{}", own.id)),
            text: own.text,
            links: &own.links,
            origin: Some(key),
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
    if let Some(line) = crate::model::Markdown::plain_line(md) {
        return crate::model::collapse(line);
    }
    diff_text_parsed(md)
}

fn diff_text_parsed(md: &str) -> String {
    let mut out = String::with_capacity(md.len());
    let mut line = String::new();
    let mut collapsed = String::new();
    let mut flush = |line: &mut String, out: &mut String| {
        // The line's words joined by single spaces, built in one reused buffer.
        collapsed.clear();
        for word in line.split_whitespace() {
            if !collapsed.is_empty() {
                collapsed.push(' ');
            }
            collapsed.push_str(word);
        }
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
        push_escaped(out, line);
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
    let (old_words, new_words) = (old.tokenize_words(), new.tokenize_words());
    let ops = word_ops(&old_words, &new_words);
    let old_tokens = Tokens::new(&old_words);
    let new_tokens = Tokens::new(&new_words);
    let mut segments: Vec<Segment> = Vec::new();
    for op in &ops {
        let (old_range, new_range) = (op.old_range(), op.new_range());
        match op {
            DiffOp::Equal { .. } => segments.push(Segment::Same(new_range)),
            _ => segments.push(Segment::Changed(old_range, new_range)),
        }
    }
    // Folding can make a change long enough to swallow its next neighbour: repeat
    // until nothing folds (a handful of passes; the input is capped above).
    let mut segments = merge_small_equal_runs(segments, &old_tokens, &new_tokens);
    loop {
        let before = segments.len();
        segments = merge_small_equal_runs(segments, &old_tokens, &new_tokens);
        if segments.len() == before {
            break;
        }
    }
    let mut out = String::with_capacity(old.len() + new.len() + 64);
    for s in segments {
        match s {
            Segment::Same(range) => push_text(&mut out, new_tokens.text(new, range)),
            Segment::Changed(removed, added) => {
                let (gone, came) = (old_tokens.text(old, removed), new_tokens.text(new, added));
                push_tagged(&mut out, "del", gone);
                // "the team" replaced by "grows" must not read "teamgrows", on screen
                // or to a screen reader: a space between, unless one is there.
                if !gone.trim().is_empty()
                    && !came.trim().is_empty()
                    && !gone.ends_with(char::is_whitespace)
                    && !came.starts_with(char::is_whitespace)
                {
                    out.push(' ');
                }
                push_tagged(&mut out, "ins", came);
            }
        }
    }
    out
}

/// Myers' diff of two token lists, as `similar::TextDiff::from_words` computes it
/// (same algorithm, same equality, so the same operations), with the tokens first
/// numbered through one FNV-hashed table: Myers then compares integers instead of
/// strings, and numbering skips `similar`'s SipHash pass. Two-fifths fewer
/// instructions per diff, and a build makes three diffs per level.
fn word_ops<'t>(old: &[&'t str], new: &[&'t str]) -> Vec<DiffOp> {
    let mut ids: HashMap<&'t str, u32, BuildHasherDefault<Fnv>> = HashMap::default();
    let mut number = |tokens: &[&'t str]| -> Vec<u32> {
        tokens
            .iter()
            .map(|&t| {
                let next = ids.len() as u32;
                *ids.entry(t).or_insert(next)
            })
            .collect()
    };
    let (old_ids, new_ids) = (number(old), number(new));
    similar::capture_diff_slices(Algorithm::Myers, &old_ids, &new_ids)
}

/// FNV-1a: a fast hash for the short word tokens of a diff (no untrusted-input
/// concern here: the words come from the ladder's own files and a diff is capped).
#[derive(Default)]
struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut hash = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for &b in bytes {
            hash ^= u64::from(b);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = hash;
    }
}

/// A run of the diff as token ranges: tokens both sides share (taken from the new
/// side), or old tokens removed and new tokens added. Ranges of neighbouring segments
/// are contiguous, so merging two segments only moves an end.
#[derive(Debug)]
enum Segment {
    Same(Range<usize>),
    Changed(Range<usize>, Range<usize>),
}

/// The word tokens of one side of the diff (runs of whitespace and runs of other
/// characters, alternating, covering the whole text), with prefix sums so that the
/// text and the word count of any token range cost O(1). Counting words by
/// re-scanning merged strings made the folding below quadratic in a long diff.
struct Tokens {
    /// `offsets[i]`: byte offset of token `i` in the text; one more entry at the end.
    offsets: Vec<usize>,
    /// `words[i]`: how many of tokens `0..i` are words (not whitespace).
    words: Vec<usize>,
}

impl Tokens {
    fn new(tokens: &[&str]) -> Tokens {
        let mut offsets = Vec::with_capacity(tokens.len() + 1);
        let mut words = Vec::with_capacity(tokens.len() + 1);
        let (mut at, mut count) = (0, 0);
        for t in tokens {
            offsets.push(at);
            words.push(count);
            at += t.len();
            count += usize::from(!t.starts_with(char::is_whitespace));
        }
        offsets.push(at);
        words.push(count);
        Tokens { offsets, words }
    }

    fn text<'t>(&self, text: &'t str, range: Range<usize>) -> &'t str {
        &text[self.offsets[range.start]..self.offsets[range.end]]
    }

    /// Words in the tokens of `range`: the same as `split_whitespace().count()` of
    /// their text, because whitespace and word tokens alternate.
    fn words(&self, range: &Range<usize>) -> usize {
        self.words[range.end] - self.words[range.start]
    }
}

/// Folds short runs of shared words that sit between two changes into one change,
/// so that a rewritten sentence reads as "this sentence became that one" rather than
/// alternating single words. A run is short when it has fewer words than the changes
/// on either side of it (whitespace alone always folds).
fn merge_small_equal_runs(segments: Vec<Segment>, old: &Tokens, new: &Tokens) -> Vec<Segment> {
    let size = |r: &Range<usize>, a: &Range<usize>| old.words(r).max(new.words(a));
    let mut out: Vec<Segment> = Vec::with_capacity(segments.len());
    let mut iter = segments.into_iter().peekable();
    while let Some(seg) = iter.next() {
        match seg {
            Segment::Same(same) => {
                let left = match out.last() {
                    Some(Segment::Changed(r, a)) => Some(size(r, a)),
                    _ => None,
                };
                let right = match iter.peek() {
                    Some(Segment::Changed(r, a)) => Some(size(r, a)),
                    _ => None,
                };
                let words = new.words(&same);
                let fold = match (left, right) {
                    (Some(l), Some(r)) => words < l.min(r) || words == 0,
                    _ => false,
                };
                if fold {
                    // The shared run sits between the two changes on both sides, so
                    // the merged change runs from the first's start to the second's end.
                    if let (Some(Segment::Changed(r, a)), Some(Segment::Changed(r2, a2))) =
                        (out.last_mut(), iter.next())
                    {
                        r.end = r2.end;
                        a.end = a2.end;
                    }
                } else {
                    out.push(Segment::Same(same));
                }
            }
            Segment::Changed(r, a) => match out.last_mut() {
                Some(Segment::Changed(pr, pa)) => {
                    pr.end = r.end;
                    pa.end = a.end;
                }
                _ => out.push(Segment::Changed(r, a)),
            },
        }
    }
    out
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_diff_marks_changed_words_only() {
        let html = word_diff_html("Leads a small team", "Leads a large team");
        assert_eq!(html, "Leads a <del>small</del> <ins>large</ins> team");
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
    fn a_replaced_run_and_its_replacement_read_as_separate_words() {
        for (old, new) in [
            ("Grows the team.", "Grows first-time managers."),
            (
                "Designs the group's teams, and more",
                "Designs the organisation, and more",
            ),
            (
                "• weekly one-to-ones\n• hiring for the team",
                "grows first-time managers.",
            ),
            (
                "the team ships what it commits to",
                "several teams' roadmaps fit together",
            ),
        ] {
            let html = word_diff_html(old, new);
            assert!(!html.contains("</del><ins>"), "{html}");
            let mut text = String::new();
            let mut in_tag = false;
            for ch in html.replace("<br>", " ").chars() {
                match ch {
                    '<' => in_tag = true,
                    '>' => in_tag = false,
                    c if !in_tag => text.push(c),
                    _ => {}
                }
            }
            assert!(!text.contains("  "), "one space, not two: {html}");
        }
    }

    #[test]
    fn separate_small_edits_stay_separate() {
        let html = word_diff_html("alpha beta gamma delta", "omega beta kappa delta");
        assert_eq!(
            html,
            "<del>alpha</del> <ins>omega</ins> beta <del>gamma</del> <ins>kappa</ins> delta"
        );
    }

    #[test]
    fn token_ranges_count_words_like_split_whitespace() {
        let text = "  Leads\u{a0}a  team.\n• one\ttwo  ";
        let words = text.tokenize_words();
        let tokens = Tokens::new(&words);
        let n = words.len();
        for start in 0..=n {
            for end in start..=n {
                let part = tokens.text(text, start..end);
                assert_eq!(
                    tokens.words(&(start..end)),
                    part.split_whitespace().count(),
                    "{part:?}"
                );
            }
        }
        assert_eq!(tokens.text(text, 0..n), text);
    }

    #[test]
    fn word_diff_escapes() {
        let html = word_diff_html("a <b>", "a <i>");
        assert!(html.contains("<del>&lt;b&gt;</del>"), "{html}");
        assert!(html.contains("<ins>&lt;i&gt;</ins>"), "{html}");
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]
        /// The words of a plain line, taken without the parser, are the parser's.
        #[test]
        fn plain_lines_give_the_parsers_diff_words(
            source in crate::model::testing::markdown_fragment(),
        ) {
            proptest::prop_assert_eq!(diff_text(&source), diff_text_parsed(&source));
        }
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

//! Markdown sectioning: splits a track body into top-level blocks with byte ranges,
//! recognises labels (bold `**Label:**` paragraphs and H3 headings), and extracts
//! plain text and links. Everything keeps offsets into the file so spans are exact.

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use std::ops::Range;

/// The CommonMark extensions of SPEC section 1 ([`crate::model::Markdown::options`]).
pub fn options() -> Options {
    crate::model::Markdown::options()
}

/// A top-level block of the body. Ranges are byte offsets into the body text.
#[derive(Debug, Clone)]
pub enum Block {
    Heading {
        level: HeadingLevel,
        /// Plain text of the heading (without a `{#id}` attribute).
        text: String,
        id: Option<String>,
        range: Range<usize>,
    },
    /// A paragraph that opens with a bold label ending in a colon.
    Label {
        label: String,
        /// The bold part, `**Label:**`.
        label_range: Range<usize>,
        /// The rest of the paragraph after the label (may be empty).
        rest: Range<usize>,
        range: Range<usize>,
    },
    List {
        items: Vec<Range<usize>>,
        range: Range<usize>,
    },
    Other {
        range: Range<usize>,
    },
}

impl Block {
    pub fn range(&self) -> &Range<usize> {
        match self {
            Block::Heading { range, .. }
            | Block::Label { range, .. }
            | Block::List { range, .. }
            | Block::Other { range } => range,
        }
    }
}

/// A link found in the body: destination and the byte range of the link.
#[derive(Debug, Clone)]
pub struct RawLink {
    pub dest: String,
    pub range: Range<usize>,
}

/// Every link and image of `body` (for Markdown that is not split into blocks).
pub fn links(body: &str) -> Vec<RawLink> {
    Parser::new_ext(body, options())
        .into_offset_iter()
        .filter_map(|(event, range)| match event {
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => {
                Some(RawLink {
                    dest: dest_url.to_string(),
                    range,
                })
            }
            _ => None,
        })
        .collect()
}

/// Splits `body` into top-level blocks and collects every link and image.
pub fn blocks(body: &str) -> (Vec<Block>, Vec<RawLink>) {
    let mut blocks = Vec::new();
    let mut links = Vec::new();
    let mut depth = 0usize;
    // State of the current top-level block.
    let mut heading: Option<(HeadingLevel, Option<String>, String)> = None;
    let mut para: Option<ParaState> = None;
    let mut list_items: Vec<Range<usize>> = Vec::new();
    let mut list_depth = 0usize;

    for (event, range) in Parser::new_ext(body, options()).into_offset_iter() {
        match &event {
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => {
                links.push(RawLink {
                    dest: dest_url.to_string(),
                    range: range.clone(),
                })
            }
            Event::Start(Tag::Item) if list_depth == 1 && depth == 1 => {
                list_items.push(range.clone());
            }
            _ => {}
        }
        match event {
            Event::Start(tag) => {
                depth += 1;
                if let Tag::List(_) = tag {
                    list_depth += 1;
                }
                if depth == 1 {
                    match tag {
                        Tag::Heading { level, id, .. } => {
                            heading = Some((level, id.map(|s| s.to_string()), String::new()))
                        }
                        Tag::Paragraph => para = Some(ParaState::default()),
                        Tag::List(_) => list_items.clear(),
                        _ => {}
                    }
                } else if let Some(p) = para.as_mut() {
                    p.on_start(&tag, depth, range.clone());
                }
            }
            Event::End(end) => {
                if let TagEnd::List(_) = end {
                    list_depth -= 1;
                }
                if depth == 1 {
                    match end {
                        TagEnd::Heading(_) => {
                            if let Some((level, id, text)) = heading.take() {
                                blocks.push(Block::Heading {
                                    level,
                                    text: collapse(&text),
                                    id,
                                    range: range.clone(),
                                });
                            }
                        }
                        TagEnd::Paragraph => {
                            let mut p = para.take().unwrap_or_default();
                            let line_bolds = std::mem::take(&mut p.line_bolds);
                            let first = match p.label(body, range.clone()) {
                                Some(b) => b,
                                None => Block::Other {
                                    range: range.clone(),
                                },
                            };
                            push_paragraph(&mut blocks, body, first, &line_bolds);
                        }
                        TagEnd::List(_) => blocks.push(Block::List {
                            items: std::mem::take(&mut list_items),
                            range: range.clone(),
                        }),
                        _ => blocks.push(Block::Other {
                            range: range.clone(),
                        }),
                    }
                } else if let Some(p) = para.as_mut() {
                    p.on_end(&end, depth, range.clone());
                }
                depth = depth.saturating_sub(1);
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some((_, _, text)) = heading.as_mut() {
                    text.push_str(&t);
                }
                if let Some(p) = para.as_mut() {
                    p.on_text(&t, range.clone());
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                if let Some((_, _, text)) = heading.as_mut() {
                    text.push(' ');
                }
                if let Some(p) = para.as_mut() {
                    p.on_break(range.clone());
                }
            }
            Event::Html(_) | Event::Rule | Event::DisplayMath(_) if depth == 0 => {
                blocks.push(Block::Other { range })
            }
            // Raw HTML in a heading or a label is kept as text, so that a title such as
            // `<b>Lead</b>` still matches its heading (and is escaped when shown).
            Event::InlineHtml(t) => {
                if let Some((_, _, text)) = heading.as_mut() {
                    text.push_str(&t);
                }
                if let Some(p) = para.as_mut() {
                    if p.in_strong {
                        p.strong_text.push_str(&t);
                    } else {
                        p.saw_other();
                    }
                }
            }
            Event::FootnoteReference(_) | Event::TaskListMarker(_) => {
                if let Some(p) = para.as_mut() {
                    p.saw_other();
                }
            }
            _ => {}
        }
    }
    (blocks, links)
}

/// Tracks whether a paragraph opens with `**Label:**` or `**Label**:`.
#[derive(Default)]
struct ParaState {
    /// Still looking at the paragraph's first inline.
    first: bool,
    started: bool,
    in_strong: bool,
    strong_text: String,
    strong_range: Option<Range<usize>>,
    /// The strong span closed as the paragraph's first inline.
    closed: bool,
    /// Text right after the strong span (to find a colon just after the bold).
    after: Option<(String, usize)>,
    spoiled: bool,
    /// The last inline was a line break: a bold starting now starts its line.
    after_break: bool,
    /// Offsets of bold spans that open a line after the first (candidate labels).
    line_bolds: Vec<usize>,
}

impl ParaState {
    fn on_break(&mut self, range: Range<usize>) {
        self.on_text(" ", range);
        self.after_break = true;
    }

    fn on_start(&mut self, tag: &Tag, depth: usize, range: Range<usize>) {
        if self.after_break && depth == 2 && matches!(tag, Tag::Strong) {
            self.line_bolds.push(range.start);
        }
        self.after_break = false;
        if !self.started {
            self.started = true;
            if depth == 2 && matches!(tag, Tag::Strong) {
                self.first = true;
                self.in_strong = true;
                self.strong_range = Some(range);
                return;
            }
            self.spoiled = true;
            return;
        }
        if self.closed && self.after.is_none() {
            // Something other than text right after the bold: no colon there.
            self.after = Some((String::new(), 0));
        }
    }

    fn on_end(&mut self, end: &TagEnd, depth: usize, _range: Range<usize>) {
        if self.in_strong && depth == 2 && matches!(end, TagEnd::Strong) {
            self.in_strong = false;
            self.closed = true;
        }
    }

    fn on_text(&mut self, t: &str, range: Range<usize>) {
        self.after_break = false;
        if !self.started {
            self.started = true;
            self.spoiled = true;
            return;
        }
        if self.in_strong {
            self.strong_text.push_str(t);
        } else if self.closed && self.after.is_none() {
            self.after = Some((t.to_string(), range.start));
        }
    }

    fn saw_other(&mut self) {
        if !self.started {
            self.started = true;
            self.spoiled = true;
        }
    }

    fn label(self, body: &str, range: Range<usize>) -> Option<Block> {
        if self.spoiled || !self.first || !self.closed {
            return None;
        }
        let strong = self.strong_range?;
        let inner = self.strong_text.trim();
        let (label, rest_start) = if let Some(l) = inner.strip_suffix(':') {
            (l.trim().to_string(), strong.end)
        } else {
            // `**Label**:` — the colon must be the first thing after the bold.
            let (after, at) = self.after?;
            let trimmed = after.trim_start();
            if !trimmed.starts_with(':') || at != strong.end {
                return None;
            }
            let colon = at + (after.len() - trimmed.len()) + 1;
            (inner.to_string(), colon)
        };
        if label.is_empty() {
            return None;
        }
        let rest_start = rest_start.min(range.end);
        Some(Block::Label {
            label: collapse(&label),
            label_range: strong.start..rest_start.max(strong.end).min(body.len()),
            rest: rest_start..range.end,
            range,
        })
    }
}

/// Pushes a top-level paragraph, split where a later line opens with a bold label.
///
/// `**Impact:** a feature.` and `**People:** none yet.` on consecutive lines are one
/// CommonMark paragraph, but real ladders write labels that way and mean two labelled
/// blocks. Each line that opens with bold (`line_bolds`, found by the parser, so not
/// inside code) starts a segment; a segment that parses on its own as a label becomes
/// one, any other stays part of the block before it. Each segment is parsed once, so
/// the cost stays linear in the paragraph.
fn push_paragraph(blocks: &mut Vec<Block>, body: &str, first: Block, line_bolds: &[usize]) {
    let range = first.range().clone();
    let min_cut = match &first {
        Block::Label { label_range, .. } => label_range.end,
        _ => range.start,
    };
    let cuts: Vec<usize> = line_bolds
        .iter()
        .filter_map(|&b| body[..b].rfind('\n').map(|nl| nl + 1))
        .filter(|&c| c > min_cut && c < range.end)
        .collect();
    if cuts.is_empty() {
        blocks.push(first);
        return;
    }
    let mut current = first;
    let ends = cuts
        .iter()
        .copied()
        .skip(1)
        .chain(std::iter::once(range.end));
    for (start, end) in cuts.iter().copied().zip(ends) {
        let (mut parsed, _) = self::blocks(&body[start..end]);
        match parsed.pop() {
            Some(Block::Label {
                label,
                label_range,
                rest,
                ..
            }) if parsed.is_empty() => {
                blocks.push(truncate(current, start));
                let shift = |x: Range<usize>| (x.start + start)..(x.end + start);
                current = Block::Label {
                    label,
                    label_range: shift(label_range),
                    rest: shift(rest),
                    range: start..end,
                };
            }
            _ => current = truncate(current, end),
        }
    }
    blocks.push(current);
}

/// `block` with its end moved to `end`.
fn truncate(block: Block, end: usize) -> Block {
    match block {
        Block::Label {
            label,
            label_range,
            rest,
            range,
        } => Block::Label {
            label,
            label_range,
            rest: rest.start.min(end)..end,
            range: range.start..end,
        },
        Block::Other { range } => Block::Other {
            range: range.start..end,
        },
        other => other,
    }
}

pub use crate::model::collapse;

/// The plain text of a Markdown fragment: markup dropped, whitespace collapsed.
pub fn plain_text(md: &str) -> String {
    if let Some(line) = crate::model::Markdown::plain_line(md) {
        return collapse(line);
    }
    plain_text_parsed(md)
}

fn plain_text_parsed(md: &str) -> String {
    let mut out = String::with_capacity(md.len());
    for event in Parser::new_ext(md, options()) {
        match event {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::SoftBreak | Event::HardBreak => out.push(' '),
            Event::End(TagEnd::Paragraph | TagEnd::Item | TagEnd::Heading(_))
            | Event::Start(Tag::Item) => out.push(' '),
            Event::End(TagEnd::TableCell) => out.push(' '),
            _ => {}
        }
    }
    collapse(&out)
}

/// The label text rendered for display: plain text of inline Markdown.
pub fn render_inline_label(md: &str) -> String {
    plain_text(md)
}

/// Splits `text` on its trailing parenthetical note: "Lead (Manager 4 / IC 5)" →
/// ("Lead", Some("Manager 4 / IC 5")).
pub fn split_note(text: &str) -> (&str, Option<&str>) {
    let t = text.trim_end();
    if t.ends_with(')') {
        // Find the matching open parenthesis of the final group.
        let mut depth = 0i32;
        for (i, c) in t.char_indices().rev() {
            match c {
                ')' => depth += 1,
                '(' => {
                    depth -= 1;
                    if depth == 0 {
                        let head = t[..i].trim_end();
                        if head.is_empty() {
                            return (t, None);
                        }
                        return (head, Some(t[i + 1..t.len() - 1].trim()));
                    }
                }
                _ => {}
            }
        }
    }
    (t, None)
}

#[cfg(test)]
mod tests {
    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]
        /// The plain text of a plain line, taken without the parser, is the parser's.
        #[test]
        fn plain_lines_give_the_parsers_plain_text(
            source in crate::model::testing::markdown_fragment(),
        ) {
            proptest::prop_assert_eq!(super::plain_text(&source), super::plain_text_parsed(&source));
        }
    }

    use super::*;

    #[test]
    fn labels_in_both_bold_forms() {
        let body = "**Scope:** the team.\n\n**Craft**: good code.\n\n**Not a label** here.\n";
        let (b, _) = blocks(body);
        let labels: Vec<_> = b
            .iter()
            .filter_map(|b| match b {
                Block::Label { label, rest, .. } => {
                    Some((label.clone(), body[rest.clone()].trim().to_string()))
                }
                _ => None,
            })
            .collect();
        assert_eq!(
            labels,
            vec![
                ("Scope".to_string(), "the team.".to_string()),
                ("Craft".to_string(), "good code.".to_string())
            ]
        );
        assert!(matches!(b[2], Block::Other { .. }));
    }

    #[test]
    fn labels_on_consecutive_lines_are_separate_blocks() {
        // One CommonMark paragraph, three labelled blocks as the author meant them; a
        // bold line that is not a label, and bold inside code, stay in the text.
        let body = "**Impact:** a feature\nspanning two lines.\n**People**: none yet.\n**Note** not a label\n`**Code:**` neither\n**Craft:** tests.\n";
        let (b, _) = blocks(body);
        let labels: Vec<_> = b
            .iter()
            .map(|b| match b {
                Block::Label { label, rest, .. } => {
                    (label.clone(), body[rest.clone()].trim().to_string())
                }
                other => ("-".to_string(), format!("{other:?}")),
            })
            .collect();
        assert_eq!(
            labels,
            vec![
                (
                    "Impact".to_string(),
                    "a feature\nspanning two lines.".to_string()
                ),
                (
                    "People".to_string(),
                    "none yet.\n**Note** not a label\n`**Code:**` neither".to_string()
                ),
                ("Craft".to_string(), "tests.".to_string()),
            ]
        );
        // Ranges tile the paragraph: nothing lost, nothing read twice.
        assert_eq!(b[0].range().end, b[1].range().start);
        assert_eq!(b[1].range().end, b[2].range().start);
    }

    #[test]
    fn raw_html_in_headings_and_labels_is_text() {
        let body = "## <b>Lead</b> (M4)\n\n**<script>x</script>:** text\n";
        let (b, _) = blocks(body);
        assert!(
            matches!(&b[0], Block::Heading { text, .. } if text == "<b>Lead</b> (M4)"),
            "{b:?}"
        );
        assert!(
            matches!(&b[1], Block::Label { label, .. } if label == "<script>x</script>"),
            "{b:?}"
        );
    }

    #[test]
    fn notes() {
        assert_eq!(
            split_note("Team Lead / Senior Engineer (Manager 4 / IC 5)"),
            ("Team Lead / Senior Engineer", Some("Manager 4 / IC 5"))
        );
        assert_eq!(split_note("(x)"), ("(x)", None));
        assert_eq!(split_note("Director"), ("Director", None));
    }

    #[test]
    fn list_items_top_level_only() {
        let (b, _) = blocks("- a\n  - nested\n- b\n");
        match &b[0] {
            Block::List { items, .. } => assert_eq!(items.len(), 2),
            other => panic!("{other:?}"),
        }
    }
}

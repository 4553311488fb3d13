//! Labels and lists inside a level's section: a list item's Markdown without its
//! marker, a list whose every item opens with a label (one competency per item), a
//! label heading written `Label: text`, a responsibility as found in the source, and a
//! competency matrix (a table whose header names levels, one competency per row).
//!
//! What a label is in a paragraph (`**Label:**`) is the Markdown splitter's business
//! ([`super::markdown`]); where a label's block ends is the sectioner's ([`super::sections`]).

use std::ops::Range;

use super::item_ids::trailing_id;
use super::markdown::{self, Block};
use super::track::Src;
use crate::model::{fold_label, ItemId, Markdown, Span};

/// The Markdown of `range`, trimmed of blank lines around it.
pub(super) fn markdown_at(src: &Src, range: Range<usize>) -> Markdown {
    let text = src.text;
    let raw = &text[range.clone()];
    // Skip blank lines and the first line's leading blanks (the space after a label
    // or a list marker); a leading indent would otherwise turn text into a code block.
    let start = range.start + (raw.len() - raw.trim_start().len());
    markdown_from(src, start, text[start..range.end].trim_end().to_string())
}

/// Markdown from `source`, which starts at offset `start` of the file.
pub(super) fn markdown_from(src: &Src, start: usize, source: String) -> Markdown {
    if source.trim().is_empty() {
        return Markdown::default();
    }
    let text = markdown::plain_text(&source);
    Markdown::new(source, text, Some(src.span(start, start)))
}

/// The Markdown of `range` when it continues the line of a label (`**Impact:** 2024.
/// A year`): there it was text of the label's paragraph, so a start that would read as
/// a block of its own (a list marker, `#`, `>`) is escaped to stay text.
pub(super) fn markdown_after_label(src: &Src, range: Range<usize>) -> Markdown {
    let mut md = markdown_at(src, range);
    if let Some(escaped) = escape_block_start(&md.source) {
        let text = markdown::plain_text(&escaped);
        md = Markdown::new(escaped, text, md.span);
    }
    md
}

/// `source` with its first character escaped when, standing alone, it would not open
/// a paragraph; `None` when it already does.
fn escape_block_start(source: &str) -> Option<String> {
    use pulldown_cmark::{Event, Parser, Tag};
    let first_line = source.lines().next()?;
    let opens_paragraph = matches!(
        Parser::new_ext(first_line, markdown::options()).next(),
        Some(Event::Start(Tag::Paragraph)) | None
    );
    if opens_paragraph {
        return None;
    }
    let digits = source.len()
        - source
            .trim_start_matches(|c: char| c.is_ascii_digit())
            .len();
    let at = if digits > 0 { digits } else { 0 };
    match source[at..].chars().next() {
        Some(c) if c.is_ascii_punctuation() => {
            Some(format!("{}\\{}", &source[..at], &source[at..]))
        }
        _ => None,
    }
}

/// `first` and `rest` joined as two blocks of one Markdown text (either may be empty).
pub(super) fn join_markdown(src: &Src, first: Markdown, rest: Markdown) -> Markdown {
    match (first.is_empty(), rest.is_empty()) {
        (true, _) => rest,
        (false, true) => first,
        (false, false) => {
            let start = first.span.as_ref().map_or(0, |s| s.start);
            markdown_from(src, start, format!("{}\n\n{}", first.source, rest.source))
        }
    }
}

/// A list item's Markdown: the marker removed and continuation lines dedented by the
/// item's content column, so that nested lists and paragraphs keep their meaning.
pub(super) fn list_item_markdown(src: &Src, item: Range<usize>) -> Markdown {
    let text = src.text;
    let s = &text[item.clone()];
    let line_start = text[..item.start].rfind('\n').map_or(0, |i| i + 1);
    let lead = s.len() - s.trim_start_matches([' ', '\t']).len();
    let t = &s[lead..];
    let marker_len = if t.starts_with(['-', '*', '+']) {
        1
    } else {
        t.find(['.', ')'])
            .filter(|&i| i > 0 && t[..i].chars().all(|c| c.is_ascii_digit()))
            .map_or(0, |i| i + 1)
    };
    let after_marker = &t[marker_len..];
    let first_line = after_marker.lines().next().unwrap_or("");
    let gap = match first_line.len() - first_line.trim_start_matches(' ').len() {
        0 | 5.. => 1,
        g => g,
    };
    let column = (item.start - line_start) + lead + marker_len + gap;
    let mut content_start =
        (item.start + lead + marker_len + gap.min(after_marker.len())).min(item.end);
    while !text.is_char_boundary(content_start) {
        content_start += 1;
    }
    let mut source = String::with_capacity(s.len());
    for (i, line) in text[content_start..item.end]
        .split_inclusive('\n')
        .enumerate()
    {
        if i == 0 {
            source.push_str(line);
        } else {
            let indent = line.len() - line.trim_start_matches(' ').len();
            source.push_str(&line[indent.min(column)..]);
        }
    }
    markdown_from(src, content_start, source.trim().to_string())
}

/// One responsibility as found in the source.
pub(super) enum RespItem {
    /// A list item, marker included.
    ListItem(Range<usize>),
    /// A paragraph (or the text after `**Responsibilities:**`), kept as written: its
    /// first characters are text even when they look like a marker (`*Always*`, `+1`,
    /// `2024.`).
    Paragraph(Range<usize>),
}

impl RespItem {
    /// The item's range, its Markdown without its `{#id}`, and its id.
    pub(super) fn markdown(&self, src: &Src) -> (Range<usize>, Markdown, ItemId) {
        match self {
            RespItem::ListItem(r) => {
                let (kept, id) = trailing_id(src, r.clone());
                (r.clone(), list_item_markdown(src, kept), id)
            }
            RespItem::Paragraph(r) => {
                let (kept, id) = trailing_id(src, r.clone());
                (r.clone(), markdown_after_label(src, kept), id)
            }
        }
    }
}

/// A label found in a list item or a heading: the label, where it is written, and the
/// text that follows it there.
pub(super) struct FoundLabel {
    pub label: String,
    pub span: Span,
    pub text: Markdown,
    /// The item's `{#id}`, and where one goes.
    pub id: ItemId,
}

/// The labels of a list whose every item opens with one (`- **Adopts**: learns the
/// team's tools`, or `- Scope: ...` when `Scope` is one of `dimensions`), one per
/// item; `None` when any item does not.
pub(super) fn label_list(
    src: &Src,
    items: &[Range<usize>],
    dimensions: &[String],
) -> Option<Vec<FoundLabel>> {
    if items.is_empty() {
        return None;
    }
    items
        .iter()
        .map(|item| {
            let (kept, id) = trailing_id(src, item.clone());
            let mut found = item_label(src, kept, dimensions)?;
            found.id = id;
            Some(found)
        })
        .collect()
}

fn item_label(src: &Src, item: Range<usize>, dimensions: &[String]) -> Option<FoundLabel> {
    let md = list_item_markdown(src, item);
    let start = md.span.as_ref()?.start;
    let content = &*md.source;
    // Cheap tests first: most list items are plain text.
    if content.starts_with("**") || content.starts_with("__") {
        let (blocks, _) = markdown::blocks(content);
        if let Some(Block::Label {
            label,
            label_range,
            rest,
            ..
        }) = blocks.first()
        {
            // The label line is the item's first line, which is not dedented: offsets
            // into `content` are offsets into the file from `start`.
            let rest_text = content[rest.start..].trim().to_string();
            return Some(FoundLabel {
                label: label.clone(),
                span: src.span(start + label_range.start, start + label_range.end),
                text: markdown_from(src, start + rest.start, rest_text),
                id: ItemId::default(),
            });
        }
        return None;
    }
    let (label, rest) = content.split_once(':')?;
    let label = label.trim();
    if label.is_empty() || label.contains('\n') {
        return None;
    }
    let key = fold_label(label);
    if !dimensions.contains(&key) {
        return None;
    }
    let rest_start = start + label.len() + 1;
    Some(FoundLabel {
        label: label.to_string(),
        span: src.span(start, start + label.len()),
        text: markdown_from(src, rest_start, rest.trim().to_string()),
        id: ItemId::default(),
    })
}

/// A label heading written `Label: text` (`#### tl;dr: Ships small features`): the
/// label and its text. A heading without a colon is all label.
pub(super) fn heading_label(heading: &str) -> (&str, Option<&str>) {
    match heading.split_once(':') {
        Some((label, text)) if !label.trim().is_empty() && !text.trim().is_empty() => {
            (label.trim(), Some(text.trim()))
        }
        _ => (heading.trim_end_matches(':').trim(), None),
    }
}

/// One row of a competency matrix: its label, where the label is written, and per
/// level (by index) the level's cell.
pub(super) struct MatrixRow {
    pub label: String,
    pub span: Span,
    pub cells: Vec<(usize, Markdown)>,
    /// The label cell's `{#id}`, and where one goes.
    pub id: ItemId,
}

/// A competency matrix (SPEC 8.9): a GFM table at `range` whose header cells after the
/// first are all level titles or codes of the track (`level_of` finds them), and whose
/// first column holds labels. `None` when the block is no such table.
pub(super) fn matrix(
    src: &Src,
    range: Range<usize>,
    level_of: impl Fn(&str) -> Option<usize>,
) -> Option<Vec<MatrixRow>> {
    use pulldown_cmark::{Event, Parser, Tag, TagEnd};
    let text = &src.text[range.clone()];
    // Cheap test first: a table's first line holds a `|`.
    if !text.lines().next().is_some_and(|l| l.contains('|')) {
        return None;
    }
    let mut rows: Vec<Vec<Range<usize>>> = Vec::new();
    let mut cell: Option<usize> = None;
    let mut in_table = false;
    for (event, r) in Parser::new_ext(text, markdown::options()).into_offset_iter() {
        match event {
            Event::Start(Tag::Table(_)) => in_table = true,
            Event::Start(Tag::TableHead | Tag::TableRow) if in_table => rows.push(Vec::new()),
            Event::Start(Tag::TableCell) => cell = Some(r.start),
            Event::End(TagEnd::TableCell) => {
                if let (Some(start), Some(row)) = (cell.take(), rows.last_mut()) {
                    row.push((range.start + start)..(range.start + r.end));
                }
            }
            Event::Start(Tag::Paragraph) if !in_table => return None,
            _ => {}
        }
    }
    let (head, body) = rows.split_first()?;
    if head.len() < 2 || body.is_empty() {
        return None;
    }
    // A cell's text without the pipes around it.
    let cell_text = |r: &Range<usize>| -> (usize, String) {
        let raw = &src.text[r.clone()];
        let inner = raw.trim_start_matches('|');
        let start = r.start + (raw.len() - inner.len());
        let inner = inner.trim_end_matches('|');
        let lead = inner.len() - inner.trim_start().len();
        (start + lead, inner.trim().to_string())
    };
    let columns: Vec<usize> = head[1..]
        .iter()
        .map(|c| level_of(&markdown::plain_text(&cell_text(c).1)))
        .collect::<Option<_>>()?;
    let mut out = Vec::new();
    for row in body {
        let Some(first) = row.first() else { continue };
        let (label_start, label_md) = cell_text(first);
        let (kept, id) = trailing_id(src, label_start..label_start + label_md.len());
        let label_md = &src.text[kept];
        let label = markdown::plain_text(label_md);
        if label.is_empty() {
            continue;
        }
        let cells = columns
            .iter()
            .zip(row.iter().skip(1))
            .filter_map(|(&li, c)| {
                let (start, md) = cell_text(c);
                let md = markdown_from(src, start, md);
                (!md.is_empty()).then_some((li, md))
            })
            .collect();
        out.push(MatrixRow {
            label,
            span: src.span(label_start, label_start + label_md.len()),
            cells,
            id,
        });
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::heading_label;

    #[test]
    fn text_after_a_label_stays_text() {
        use super::escape_block_start as e;
        assert_eq!(e("2024. A year").as_deref(), Some("2024\\. A year"));
        assert_eq!(e("- not a list").as_deref(), Some("\\- not a list"));
        assert_eq!(e("# not a heading").as_deref(), Some("\\# not a heading"));
        assert_eq!(e("*Always* on call."), None);
        assert_eq!(e("+1 for pairing."), None);
    }

    #[test]
    fn heading_labels_split_at_the_first_colon() {
        assert_eq!(
            heading_label("tl;dr: Ships small features"),
            ("tl;dr", Some("Ships small features"))
        );
        assert_eq!(heading_label("Technical Scope"), ("Technical Scope", None));
        assert_eq!(heading_label("Impact:"), ("Impact", None));
    }
}

//! A track's Markdown body → its introduction, level sections, labelled blocks,
//! responsibilities and prose sections.
//!
//! Level headings are the headings (H1 to H4) that match a level's title or carry its
//! `{#id}`; they share one rank, the track's `level_rank`. A level's section runs to
//! the next heading of the same or a higher rank; a heading of the same rank that is
//! no level, or of a higher rank, opens a prose section of the track. Headings one rank
//! below the levels are labels, deeper ones belong to the label's block. What counts as
//! a label inside a paragraph or a list is [`super::labels`]' business.

use pulldown_cmark::HeadingLevel;
use std::collections::{HashMap, HashSet};
use std::ops::Range;

use super::item_ids::{self, heading_id, trailing_id};
use super::labels::{self, heading_label, markdown_at, markdown_from, FoundLabel, RespItem};
use super::markdown::{self, Block};
use super::track::{link_of, Src};
use crate::diagnostic::{did_you_mean, Diagnostic, Lint};
use crate::model::{
    fold_label, github_anchor, slugify, AnchorCounter, AnchorTarget, Competency, ItemId, Markdown,
    ProseSection, Responsibility, Section, SectionEnd, Span, Track, TRACK_PAGE_IDS,
};

/// Where a block of the body currently goes.
#[derive(Clone, Copy)]
enum Target {
    Intro,
    Prose(usize),
    Level(usize),
}

/// The open labelled block of a level.
struct OpenLabel {
    label: String,
    span: Span,
    /// Where the block's own text starts.
    body_start: usize,
    /// Text that comes before the block: a heading's `Label: text`, or a label list's
    /// last item, whose block runs on after the list.
    prefix: Markdown,
    /// The block starts on the label's line (`**Impact:** text`), not below it.
    inline: bool,
    is_responsibilities: bool,
    /// The competency's `{#id}`, and where one goes.
    id: ItemId,
}

/// What a heading is to the levels of its track.
enum HeadingMatch<'h> {
    /// The level, the heading without its notes, and the notes.
    Level(usize, &'h str, Option<String>),
    /// `{#id}` naming no level.
    UnknownId,
    None,
}

/// The body's top-level blocks; its links go to `track`.
fn blocks_and_links(src: &Src, body_start: usize, track: &mut Track) -> Vec<Block> {
    let (blocks, raw_links) = markdown::blocks(&src.text[body_start..]);
    for l in raw_links {
        let range = (l.range.start + body_start)..(l.range.end + body_start);
        if let Some(link) = link_of(src, &l.dest, range) {
            track.links.push(link);
        }
    }
    blocks
}

/// Sections `track`'s body (from `body_start` of the file) into the track.
pub(super) fn section_body(
    src: &Src,
    body_start: usize,
    track: &mut Track,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let blocks = blocks_and_links(src, body_start, track);
    let abs = |r: &Range<usize>| (r.start + body_start)..(r.end + body_start);
    let mut s = Sectioner::new(src, track, diagnostics, body_start);
    s.level_rank = s.find_level_rank(&blocks);
    s.track.level_rank = s.level_rank;
    for block in &blocks {
        s.block(block, abs(block.range()));
    }
    s.close(src.text.len());
    s.report_misranked();
    s.report_matrix_duplicates();
    item_ids::assign(track, diagnostics);
    separate_prose_anchors(track);
}

/// Sections a level file of a track folder (SPEC 8.5): `track` holds that one level,
/// and the whole body is its section. Its labels are the headings of the file's top
/// rank, unless the first heading is the level's own title, whose rank then stands for
/// the level's (its labels one below). Headings of the level's rank or higher that are
/// not its title are prose, kept after the level.
pub(super) fn section_level_file(
    src: &Src,
    body_start: usize,
    track: &mut Track,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let blocks = blocks_and_links(src, body_start, track);
    let abs = |r: &Range<usize>| (r.start + body_start)..(r.end + body_start);
    let top = blocks
        .iter()
        .filter_map(|b| match b {
            Block::Heading { level, .. } => Some(rank(*level)),
            _ => None,
        })
        .min();
    let mut s = Sectioner::new(src, track, diagnostics, body_start);
    let mut skip_first = false;
    s.level_rank = match (blocks.first(), top) {
        (
            Some(Block::Heading {
                level, text, id, ..
            }),
            _,
        ) if matches!(
            s.match_heading(text, id.as_deref()),
            HeadingMatch::Level(0, ..)
        ) =>
        {
            skip_first = true;
            rank(*level)
        }
        (_, Some(top)) => top - 1,
        (_, None) => 1,
    };
    s.track.level_rank = s.level_rank;
    let span = s.src.span(body_start, body_start);
    let heading = s.track.levels[0].title.value.clone();
    s.track.levels[0].section = Some(Section {
        heading,
        note: None,
        span: span.clone(),
        rank: s.level_rank,
        ended_by: None,
    });
    s.found[0] = Some(span);
    s.target = Target::Level(0);
    s.last_level = Some(0);
    for (i, block) in blocks.iter().enumerate() {
        let range = abs(block.range());
        if i == 0 && skip_first {
            s.chunk_start = range.end;
            continue;
        }
        s.block(block, range);
    }
    s.close(src.text.len());
    item_ids::assign(track, diagnostics);
    separate_prose_anchors(track);
}

struct Sectioner<'a, 's> {
    src: &'a Src<'s>,
    track: &'a mut Track,
    diagnostics: &'a mut Vec<Diagnostic>,
    level_rank: u8,
    /// Levels by folded title; several when titles differ only in case or spacing, and
    /// then headings go to them in order.
    by_title: HashMap<String, Vec<usize>>,
    by_id: HashMap<String, usize>,
    /// Folded dimensions: a plain `- Scope: ...` list item is a label only for these.
    dimensions: Vec<String>,
    target: Target,
    /// Start of the current free-text chunk (summary, intro or prose body).
    chunk_start: usize,
    open: Option<OpenLabel>,
    resp_items: Vec<RespItem>,
    anchors_seen: Vec<HashSet<String>>,
    found: Vec<Option<Span>>,
    last_level: Option<usize>,
    /// GitHub's numbering of repeated heading anchors, over the whole file.
    anchors: AnchorCounter,
    /// Headings at another rank than the levels' that match a level.
    misranked: Vec<(usize, Span, u8)>,
    /// Competencies that come from a matrix, as (level, competency) indices.
    from_matrix: Vec<(usize, usize)>,
}

impl<'a, 's> Sectioner<'a, 's> {
    fn new(
        src: &'a Src<'s>,
        track: &'a mut Track,
        diagnostics: &'a mut Vec<Diagnostic>,
        body_start: usize,
    ) -> Self {
        let mut by_title: HashMap<String, Vec<usize>> = HashMap::new();
        let mut by_id: HashMap<String, usize> = HashMap::new();
        for (i, l) in track.levels.iter().enumerate() {
            by_title
                .entry(title_key(&l.title.value))
                .or_default()
                .push(i);
            by_id.entry(l.id.value.clone()).or_insert(i);
        }
        let n = track.levels.len();
        Sectioner {
            src,
            dimensions: track
                .dimensions
                .iter()
                .map(|d| fold_label(&d.value))
                .collect(),
            track,
            diagnostics,
            level_rank: 2,
            by_title,
            by_id,
            target: Target::Intro,
            chunk_start: body_start,
            open: None,
            resp_items: Vec::new(),
            anchors_seen: vec![HashSet::new(); n],
            found: vec![None; n],
            last_level: None,
            anchors: AnchorCounter::default(),
            misranked: Vec::new(),
            from_matrix: Vec::new(),
        }
    }

    /// The rank most level headings have (H1 to H4); on a tie the deeper one, so that
    /// a one-level track whose H1 repeats the level's title keeps its H2 as the level.
    fn find_level_rank(&self, blocks: &[Block]) -> u8 {
        let mut counts = [0usize; 5];
        for block in blocks {
            if let Block::Heading {
                level, text, id, ..
            } = block
            {
                let r = rank(*level);
                if r <= 4
                    && matches!(
                        self.match_heading(text, id.as_deref()),
                        HeadingMatch::Level(..)
                    )
                {
                    counts[r as usize] += 1;
                }
            }
        }
        let best = (1..=4u8)
            .rev()
            .max_by_key(|&r| counts[r as usize])
            .unwrap_or(2);
        if counts[best as usize] == 0 {
            2
        } else {
            best
        }
    }

    fn match_heading<'h>(&self, h: &'h str, id: Option<&str>) -> HeadingMatch<'h> {
        match id {
            Some(id) => match self.by_id.get(id) {
                Some(&li) => {
                    // Notes come off as for a heading matched by title when the rest is
                    // the level's title; otherwise the last one only.
                    let title = title_key(&self.track.levels[li].title.value);
                    match match_title(h, |t| (title_key(t) == title).then_some(li)) {
                        Some((li, head, note)) => HeadingMatch::Level(li, head, note),
                        None => {
                            let (head, note) = markdown::split_note(h);
                            HeadingMatch::Level(li, head, note.map(str::to_string))
                        }
                    }
                }
                None => HeadingMatch::UnknownId,
            },
            None => match match_title(h, |t| {
                let all = self.by_title.get(&title_key(t))?;
                all.iter()
                    .copied()
                    .find(|&li| self.found[li].is_none())
                    .or(all.first().copied())
            }) {
                Some((li, head, note)) => HeadingMatch::Level(li, head, note),
                None => HeadingMatch::None,
            },
        }
    }

    fn block(&mut self, block: &Block, range: Range<usize>) {
        match block {
            Block::Heading {
                level, text: h, id, ..
            } => {
                let anchor = self.anchors.unique(github_anchor(h));
                self.heading(rank(*level), h, id.as_deref(), range, &anchor);
                // What the heading stands in, once it has opened (or not) a section.
                let target = match self.target {
                    Target::Intro => AnchorTarget::Track,
                    Target::Level(li) => AnchorTarget::Level(li),
                    Target::Prose(pi) => AnchorTarget::Prose(pi),
                };
                self.track.heading_anchors.push((anchor, target));
            }
            Block::Label {
                label,
                label_range,
                rest,
                ..
            } if matches!(self.target, Target::Level(_)) => {
                let body_start = range.start - block.range().start;
                let abs = |r: &Range<usize>| (r.start + body_start)..(r.end + body_start);
                self.close(range.start);
                let lr = abs(label_range);
                let rest = abs(rest);
                let mut o = open_label(label, self.src.span(lr.start, lr.end), rest.start);
                o.inline = true;
                if o.is_responsibilities && !self.src.text[rest.clone()].trim().is_empty() {
                    // "**Responsibilities:** text" keeps the text as the first item.
                    self.resp_items.push(RespItem::Paragraph(rest));
                    o.body_start = range.end;
                } else if !o.is_responsibilities {
                    // `**Mentoring:** text {#mentoring}`: the id ends the label's
                    // paragraph, whose text then comes first in the block.
                    let (kept, id) = trailing_id(self.src, range.clone());
                    if id.explicit {
                        o.prefix = markdown_at(self.src, rest.start..kept.end.max(rest.start));
                        o.body_start = range.end;
                    }
                    o.id = id;
                }
                self.open = Some(o);
            }
            Block::List { items, .. } => {
                let offset = range.start - block.range().start;
                let items: Vec<Range<usize>> = items
                    .iter()
                    .map(|r| (r.start + offset)..(r.end + offset))
                    .collect();
                self.list(&items, range);
            }
            _ if matches!(self.target, Target::Intro | Target::Prose(_)) => {
                self.matrix(range);
            }
            _ => {
                if let Some(o) = &self.open {
                    if o.is_responsibilities {
                        // A paragraph inside Responsibilities (e.g. an intro line)
                        // is kept as an item of its own.
                        self.resp_items.push(RespItem::Paragraph(range));
                    }
                }
            }
        }
    }

    fn list(&mut self, items: &[Range<usize>], range: Range<usize>) {
        let Target::Level(li) = self.target else {
            return;
        };
        if let Some(o) = &self.open {
            if o.is_responsibilities {
                self.resp_items
                    .extend(items.iter().cloned().map(RespItem::ListItem));
                return;
            }
        }
        let Some(mut found) = labels::label_list(self.src, items, &self.dimensions) else {
            return;
        };
        // One competency per item. A label heading whose whole block is this list
        // (`### Competencies` over the list) only groups the items: it is not a label
        // of its own.
        let group = self.open.as_ref().is_some_and(|o| {
            o.prefix.is_empty() && self.src.text[o.body_start..range.start].trim().is_empty()
        });
        if group {
            self.open = None;
        }
        self.close(range.start);
        let last = found.pop();
        for FoundLabel {
            label,
            span,
            text,
            id,
        } in found
        {
            self.push_competency(li, label, span, text, id);
        }
        // The last item's block runs on after the list, to the next label.
        if let Some(FoundLabel {
            label,
            span,
            text,
            id,
        }) = last
        {
            let mut o = open_label(&label, span, range.end);
            o.prefix = text;
            o.id = id;
            self.open = Some(o);
        }
    }

    /// A competency matrix in the introduction or a prose section (SPEC 8.9): each
    /// level named in its header gets one competency per row. The table stays where it
    /// is, as text of the track page.
    fn matrix(&mut self, range: Range<usize>) {
        let levels = &self.track.levels;
        let by_title = &self.by_title;
        let level_of = |cell: &str| {
            by_title
                .get(&title_key(cell))
                .and_then(|all| all.first().copied())
                .or_else(|| {
                    levels.iter().position(|l| {
                        l.code
                            .as_ref()
                            .is_some_and(|c| c.value.eq_ignore_ascii_case(cell.trim()))
                    })
                })
        };
        let Some(rows) = labels::matrix(self.src, range, level_of) else {
            return;
        };
        for row in rows {
            for (li, body) in row.cells {
                self.push_competency(
                    li,
                    row.label.clone(),
                    row.span.clone(),
                    body,
                    row.id.clone(),
                );
                let ci = self.track.levels[li].competencies.len() - 1;
                self.from_matrix.push((li, ci));
            }
        }
    }

    /// A label a level gets both from a matrix and from its own section: which one is
    /// meant cannot be told, so both places are named (`duplicate-id`).
    fn report_matrix_duplicates(&mut self) {
        for &(li, ci) in &self.from_matrix {
            let level = &self.track.levels[li];
            let m = &level.competencies[ci];
            let dup =
                level.competencies.iter().enumerate().find(|(i, c)| {
                    *i != ci && c.key == m.key && !self.from_matrix.contains(&(li, *i))
                });
            if let Some((_, c)) = dup {
                self.diagnostics.push(
                    Diagnostic::new(
                        Lint::DuplicateId,
                        c.span.clone(),
                        format!(
                            "level `{}` has the label `{}` twice: in its section and in a competency matrix",
                            level.title.value, c.label
                        ),
                    )
                    .with_label("in the level's section")
                    .with_related(m.span.clone(), "and in this matrix row")
                    .with_help("keep the label in one place: the matrix row or the level's section"),
                );
            }
        }
    }

    fn heading(&mut self, r: u8, h: &str, id: Option<&str>, range: Range<usize>, anchor: &str) {
        let text = self.src.text;
        let l = self.level_rank;
        let hspan = self
            .src
            .span(range.start, trim_end_offset(text, range.clone()));
        if r > l {
            // One rank below the levels, inside a level: a label. Deeper, or outside a
            // level: part of the block it stands in.
            if r == l + 1 {
                if let Target::Level(_) = self.target {
                    self.close(range.start);
                    let hashes = text[range.clone()]
                        .find(|c: char| c != '#' && c != ' ')
                        .unwrap_or(0);
                    let label_span = self
                        .src
                        .span(range.start + hashes, trim_end_offset(text, range.clone()));
                    let (label, rest) = heading_label(h);
                    let mut o = open_label(label, label_span, range.end);
                    if !o.is_responsibilities {
                        let line = range.start..trim_end_offset(text, range.clone());
                        o.id = heading_id(self.src, line, id);
                    }
                    if let Some(rest) = rest {
                        o.prefix = markdown_from(self.src, range.start + hashes, rest.to_string());
                    }
                    self.open = Some(o);
                }
            }
            if let HeadingMatch::Level(li, ..) = self.match_heading(h, id) {
                self.misranked.push((li, hspan, r));
            }
            return;
        }
        if r == 1
            && matches!(self.target, Target::Intro)
            && self.track.heading.is_none()
            && (l > 1 || matches!(self.match_heading(h, id), HeadingMatch::None))
        {
            self.close(range.start);
            self.track.heading = Some(h.to_string());
            self.chunk_start = range.end;
            return;
        }
        self.close(range.start);
        let matched = if r == l {
            self.match_heading(h, id)
        } else {
            if let HeadingMatch::Level(li, ..) = self.match_heading(h, id) {
                self.misranked.push((li, hspan.clone(), r));
            }
            HeadingMatch::None
        };
        // What ends a level's section: counted on the level for `empty-level`.
        if let Some(prev) = self.last_level {
            if !matches!(matched, HeadingMatch::Level(..)) {
                if let Some(section) = self.track.levels[prev].section.as_mut() {
                    let end = section.ended_by.get_or_insert(SectionEnd {
                        rank: r,
                        headings: 0,
                        span: hspan.clone(),
                    });
                    end.headings += 1;
                }
            }
        }
        match matched {
            HeadingMatch::Level(li, head, note) => {
                if let Some(first) = &self.found[li] {
                    self.diagnostics.push(
                        Diagnostic::new(
                            Lint::DuplicateId,
                            hspan.clone(),
                            format!(
                                "level `{}` has a second section",
                                self.track.levels[li].id.value
                            ),
                        )
                        .with_label("second section")
                        .with_related(first.clone(), "first section here")
                        .with_help("give each level exactly one section; rename or merge this one"),
                    );
                    // Treat the duplicate as prose so that its text is kept.
                    self.prose(h, anchor, hspan);
                } else {
                    self.found[li] = Some(hspan.clone());
                    self.track.levels[li].section = Some(Section {
                        heading: head.to_string(),
                        note,
                        span: hspan,
                        rank: self.level_rank,
                        ended_by: None,
                    });
                    self.target = Target::Level(li);
                    self.last_level = Some(li);
                }
            }
            HeadingMatch::UnknownId => {
                let id = id.unwrap_or_default();
                let level_ids: Vec<&str> = self
                    .track
                    .levels
                    .iter()
                    .map(|l| l.id.value.as_str())
                    .collect();
                let mut d = Diagnostic::new(
                    Lint::DanglingReference,
                    hspan.clone(),
                    format!("heading `{{#{id}}}` names no level of this track"),
                )
                .with_label("no level has this id");
                d = match did_you_mean(id, level_ids.iter().copied()) {
                    Some(s) => d.with_help(format!("did you mean `{{#{s}}}`?")),
                    None => {
                        d.with_help(format!("level ids in this track: {}", level_ids.join(", ")))
                    }
                };
                self.diagnostics.push(d);
                self.prose(h, id, hspan);
            }
            HeadingMatch::None => self.prose(h, id.unwrap_or(anchor), hspan),
        }
        self.chunk_start = range.end;
    }

    /// A prose section anchored at `anchor` (its `{#id}`, else its GitHub anchor).
    fn prose(&mut self, title: &str, anchor: &str, span: Span) {
        self.track.prose.push(ProseSection {
            title: title.to_string(),
            anchor: anchor.to_string(),
            body: Markdown::default(),
            after_level: self.last_level,
            span,
        });
        self.target = Target::Prose(self.track.prose.len() - 1);
    }

    fn push_competency(
        &mut self,
        li: usize,
        label: String,
        span: Span,
        body: Markdown,
        id: ItemId,
    ) {
        let level = &mut self.track.levels[li];
        let key = fold_label(&label);
        let mut anchor = slugify(&label);
        // A set, not a scan of the level's competencies: a level with n labels would
        // cost n² (100,000 labels took 35 s).
        if !self.anchors_seen[li].insert(anchor.clone()) {
            anchor = format!("{anchor}-{}", level.competencies.len() + 1);
            self.anchors_seen[li].insert(anchor.clone());
        }
        level.competencies.push(Competency {
            label,
            key,
            anchor,
            id,
            body,
            span,
        });
    }

    /// Closes the current chunk or label at `end` (an offset into the file).
    fn close(&mut self, end: usize) {
        let src = self.src;
        match (self.target, self.open.take()) {
            (Target::Level(li), Some(o)) => {
                if o.is_responsibilities {
                    let level = &mut self.track.levels[li];
                    level.responsibilities_span = Some(o.span.clone());
                    for item in self.resp_items.drain(..) {
                        let (range, body, id) = item.markdown(src);
                        level.responsibilities.push(Responsibility {
                            id,
                            body,
                            span: src.span(range.start, range.start),
                        });
                    }
                } else {
                    let body =
                        labels::join_markdown(src, o.prefix, markdown_at(src, o.body_start..end));
                    self.push_competency(li, o.label, o.span, body, o.id);
                }
            }
            (Target::Level(li), None) => {
                self.track.levels[li].summary = markdown_at(src, self.chunk_start..end);
            }
            (Target::Intro, _) => self.track.intro = markdown_at(src, self.chunk_start..end),
            (Target::Prose(pi), _) => {
                self.track.prose[pi].body = markdown_at(src, self.chunk_start..end)
            }
        }
        self.resp_items.clear();
        // Text after this point starts a new chunk unless a heading says otherwise.
        self.chunk_start = end;
    }

    /// A level whose only heading is at another rank than the track's levels: say so
    /// at that heading, which stands as the level's section (so that `missing-section`
    /// and `empty-level` do not report the same mistake again).
    fn report_misranked(&mut self) {
        let l = self.level_rank;
        for (li, span, r) in std::mem::take(&mut self.misranked) {
            let level = &mut self.track.levels[li];
            if level.section.is_some() {
                continue;
            }
            level.section = Some(Section {
                heading: level.title.value.clone(),
                note: None,
                span: span.clone(),
                rank: r,
                ended_by: None,
            });
            let hashes = "#".repeat(l as usize);
            self.diagnostics.push(
                Diagnostic::new(
                    Lint::MissingSection,
                    span,
                    format!(
                        "the heading of level `{}` is an H{r}, but this track's levels are H{l} headings",
                        level.title.value
                    ),
                )
                .with_label(format!("H{r} heading"))
                .with_help(format!(
                    "every level heading of a track has one rank; write this one as `{hashes} {}`",
                    level.title.value
                )),
            );
        }
    }
}

/// A heading's rank: 1 for H1 … 6 for H6.
fn rank(level: HeadingLevel) -> u8 {
    level as u8
}

fn open_label(label: &str, span: Span, body_start: usize) -> OpenLabel {
    OpenLabel {
        is_responsibilities: fold_label(label) == "responsibilities",
        label: label.to_string(),
        span,
        body_start,
        prefix: Markdown::default(),
        inline: false,
        id: ItemId::default(),
    }
}

/// How a heading is compared with level titles: case and spacing folded, including
/// the spaces around punctuation, so that `Team Lead/Senior Engineer` is the heading of
/// `Team Lead / Senior Engineer`.
fn title_key(s: &str) -> String {
    let folded = fold_label(s);
    let chars: Vec<char> = folded.chars().collect();
    chars
        .iter()
        .enumerate()
        .filter(|&(i, c)| {
            *c != ' '
                || (i > 0
                    && chars[i - 1].is_alphanumeric()
                    && chars.get(i + 1).is_some_and(|n| n.is_alphanumeric()))
        })
        .map(|(_, c)| *c)
        .collect()
}

/// Gives each prose section an anchor no other element of the track page has: not
/// one of the page's own ids ([`TRACK_PAGE_IDS`]: a `## Contents` or `## Progression`
/// took the page's contents and progression table), not a level's id (a `## Staff`
/// beside level `staff`: a link `#staff` names the level) nor an id the page derives
/// from a level (`staff-scope`, `staff-responsibilities`, the progression table's
/// `label-scope`). Such a section's anchor is numbered like a repeated heading's
/// (`progression-2`); level anchors never change.
fn separate_prose_anchors(track: &mut Track) {
    let mut taken: HashSet<String> = TRACK_PAGE_IDS.iter().map(|s| s.to_string()).collect();
    for d in &track.dimensions {
        taken.insert(format!("label-{}", slugify(&fold_label(&d.value))));
    }
    for level in &track.levels {
        let id = &level.id.value;
        taken.insert(id.clone());
        taken.insert(format!("{id}-responsibilities"));
        for c in &level.competencies {
            // The level page may add `-label` to an anchor it uses itself.
            taken.insert(format!("{id}-{}", c.anchor));
            taken.insert(format!("{id}-{}-label", c.anchor));
            taken.insert(format!("label-{}", slugify(&c.key)));
        }
    }
    let clashes: Vec<bool> = track
        .prose
        .iter()
        .map(|p| taken.contains(&p.anchor))
        .collect();
    if !clashes.contains(&true) {
        return;
    }
    taken.extend(track.prose.iter().map(|p| p.anchor.clone()));
    for (p, clash) in track.prose.iter_mut().zip(clashes) {
        if clash {
            let free = (2..)
                .map(|n| format!("{}-{n}", p.anchor))
                .find(|a| !taken.contains(a))
                .unwrap_or_default();
            taken.insert(free.clone());
            p.anchor = free;
        }
    }
}

/// End of a heading's text on its line (without the trailing newline).
fn trim_end_offset(text: &str, range: Range<usize>) -> usize {
    let s = &text[range.clone()];
    let line_end = s.find('\n').unwrap_or(s.len());
    range.start + s[..line_end].trim_end().len()
}

/// Matches a heading's text to a level title: the whole text, or the text without its
/// trailing parenthetical notes, one at a time ("Lead (Manager 4) (IC 5)" tries
/// "Lead (Manager 4)" then "Lead"), so a title that itself ends in parentheses still
/// matches. Several notes are shown joined by " · ".
fn match_title(
    h: &str,
    find: impl Fn(&str) -> Option<usize>,
) -> Option<(usize, &str, Option<String>)> {
    let mut head = h;
    let mut notes: Vec<&str> = Vec::new();
    loop {
        if let Some(li) = find(head) {
            let note = (!notes.is_empty()).then(|| {
                notes.reverse();
                notes.join(" · ")
            });
            return Some((li, head, note));
        }
        match markdown::split_note(head) {
            (rest, Some(note)) => {
                notes.push(note);
                head = rest;
            }
            _ => return None,
        }
    }
}

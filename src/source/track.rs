//! One track file → one [`Track`]: split the front matter, parse it with spans, then
//! section the Markdown body into the track introduction, level sections (matched by
//! title or `{#id}`), labelled blocks, responsibilities and prose sections.
//!
//! This is a pure function of the file's path and text, which is what lets `serve`
//! reuse the result for files that did not change.

use pulldown_cmark::HeadingLevel;
use serde::Deserialize;
use serde_saphyr::Spanned as YSpanned;
use std::collections::{BTreeMap, HashMap};
use std::ops::Range;
use std::sync::Arc;

use super::markdown::{self, Block};
use super::yaml;
use crate::diagnostic::{did_you_mean, Diagnostic, Lint};
use crate::model::{
    fold_label, slugify, Competency, Home, Level, LineIndex, Link, Markdown, ProseSection,
    Responsibility, Section, Span, Spanned, Track,
};

/// One file being parsed: its path, text and line index (for cheap spans).
pub(crate) struct Src<'a> {
    pub path: &'a Arc<str>,
    pub text: &'a str,
    lines: LineIndex,
}

impl<'a> Src<'a> {
    pub fn new(path: &'a Arc<str>, text: &'a str) -> Self {
        Src {
            path,
            text,
            lines: LineIndex::new(text),
        }
    }

    pub fn span(&self, start: usize, end: usize) -> Span {
        self.lines.span(self.path, self.text, start, end)
    }
}

/// What parsing one file produced.
#[derive(Debug, Clone)]
pub struct ParsedTrack {
    pub track: Option<Track>,
    pub home: Option<Home>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Track front matter as written. Required keys are `Option` so that every missing
/// key is reported, not only the first; unknown keys are found by a separate scan
/// ([`TRACK_KEYS`]) for the same reason.
#[derive(Debug, Deserialize)]
struct RawTrack {
    title: Option<YSpanned<String>>,
    id: Option<YSpanned<String>>,
    summary: Option<String>,
    order: Option<yaml::Int>,
    dimensions: Option<Vec<YSpanned<String>>>,
    levels: Option<Vec<YSpanned<RawLevel>>>,
}

#[derive(Debug, Deserialize)]
struct RawLevel {
    title: Option<YSpanned<String>>,
    id: Option<YSpanned<String>>,
    code: Option<YSpanned<String>>,
    band: Option<YSpanned<yaml::Int>>,
    inherits: Option<YSpanned<String>>,
}

/// [`RawTrack`] with unknown keys refused, here and in every level. When it parses, no
/// key is unknown anywhere, so the two unknown-key scans have nothing to report and
/// are skipped: one YAML parse for a clean file instead of three (the front matter of
/// a 10-level track is about a fifth of the cost of parsing the whole file).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct StrictTrack {
    title: Option<YSpanned<String>>,
    id: Option<YSpanned<String>>,
    summary: Option<String>,
    order: Option<yaml::Int>,
    dimensions: Option<Vec<YSpanned<String>>>,
    levels: Option<Vec<YSpanned<StrictLevel>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct StrictLevel {
    title: Option<YSpanned<String>>,
    id: Option<YSpanned<String>>,
    code: Option<YSpanned<String>>,
    band: Option<YSpanned<yaml::Int>>,
    inherits: Option<YSpanned<String>>,
}

impl From<StrictTrack> for RawTrack {
    fn from(t: StrictTrack) -> RawTrack {
        RawTrack {
            title: t.title,
            id: t.id,
            summary: t.summary,
            order: t.order,
            dimensions: t.dimensions,
            levels: t.levels.map(|levels| {
                levels
                    .into_iter()
                    .map(|l| YSpanned {
                        value: RawLevel {
                            title: l.value.title,
                            id: l.value.id,
                            code: l.value.code,
                            band: l.value.band,
                            inherits: l.value.inherits,
                        },
                        referenced: l.referenced,
                        defined: l.defined,
                    })
                    .collect()
            }),
        }
    }
}

/// The keys of a track's front matter and of a level entry.
pub const TRACK_KEYS: [&str; 6] = ["title", "id", "summary", "order", "dimensions", "levels"];
pub const LEVEL_KEYS: [&str; 5] = ["title", "id", "code", "band", "inherits"];

/// Only the level entries' keys, for the unknown-key scan.
#[derive(Debug, Deserialize)]
struct LevelKeys {
    levels: Option<Vec<yaml::Keys>>,
}

/// Reports every unknown key of a track's front matter (and of each level).
fn scan_unknown_keys(
    path: &Arc<str>,
    text: &str,
    yaml_range: Range<usize>,
    out: &mut Vec<Diagnostic>,
) {
    let (start, end) = (yaml_range.start, yaml_range.end);
    if let Ok(keys) = yaml::from_str_in::<yaml::Keys>(path, text, start, end) {
        yaml::unknown_keys(path, text, start, &keys, &TRACK_KEYS, out);
    }
    if let Ok(LevelKeys {
        levels: Some(levels),
    }) = yaml::from_str_in::<LevelKeys>(path, text, start, end)
    {
        for keys in &levels {
            yaml::unknown_keys(path, text, start, keys, &LEVEL_KEYS, out);
        }
    }
}

/// `_index.md` front matter: only a title.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawHome {
    title: Option<String>,
}

/// Where the front matter is: the YAML between the fences and the body after them.
struct Split {
    yaml: Range<usize>,
    body_start: usize,
}

fn split_front_matter(src: &Src) -> Result<Option<Split>, Diagnostic> {
    let text = src.text;
    let first_line_end = text.find('\n').map_or(text.len(), |i| i + 1);
    if text[..first_line_end].trim_end() != "---" {
        return Ok(None);
    }
    let mut pos = first_line_end;
    while pos < text.len() {
        let end = text[pos..].find('\n').map_or(text.len(), |i| pos + i + 1);
        let line = text[pos..end].trim_end();
        if line == "---" || line == "..." {
            return Ok(Some(Split {
                yaml: first_line_end..pos,
                body_start: end,
            }));
        }
        pos = end;
    }
    Err(Diagnostic::new(
        Lint::FrontMatter,
        src.span(0, 3),
        "front matter is not closed",
    )
    .with_label("opened here")
    .with_help("end the front matter with a line holding only `---`"))
}

/// Parses `content/_index.md`: optional front matter with a title, then prose.
pub fn parse_home(path: &Arc<str>, text: &str) -> ParsedTrack {
    home_from(&Src::new(path, text))
}

fn home_from(src: &Src) -> ParsedTrack {
    let (path, text) = (src.path, src.text);
    let mut diagnostics = Vec::new();
    let mut home = Home::default();
    let body_start = match split_front_matter(src) {
        Ok(Some(split)) => {
            match yaml::from_str_in::<RawHome>(path, text, split.yaml.start, split.yaml.end) {
                Ok(raw) => home.title = raw.title,
                Err(d) => diagnostics.push(d),
            }
            split.body_start
        }
        Ok(None) => 0,
        Err(d) => {
            diagnostics.push(d);
            text.len()
        }
    };
    home.body = markdown_at(src, body_start..text.len());
    home.links = markdown::links(&text[body_start..])
        .into_iter()
        .filter_map(|l| {
            link_of(
                src,
                &l.dest,
                l.range.start + body_start..l.range.end + body_start,
            )
        })
        .collect();
    ParsedTrack {
        track: None,
        home: Some(home),
        diagnostics,
    }
}

/// Parses one track file. Returns no track when the front matter is unusable.
pub fn parse_track(path: &Arc<str>, text: &str) -> ParsedTrack {
    track_from(&Src::new(path, text))
}

fn track_from(src: &Src) -> ParsedTrack {
    let (path, text) = (src.path, src.text);
    let mut diagnostics = Vec::new();
    let fail = |d: Diagnostic| ParsedTrack {
        track: None,
        home: None,
        diagnostics: vec![d],
    };
    let split = match split_front_matter(src) {
        Ok(Some(s)) => s,
        Ok(None) => {
            let what = if text.trim().is_empty() {
                "the file is empty: a track needs front matter"
            } else {
                "missing front matter"
            };
            return fail(
                Diagnostic::new(Lint::FrontMatter, src.span(0, 0), what).with_help(
                    "start the file with `---`, then at least `title:` and `levels:`, then `---`",
                ),
            );
        }
        Err(d) => return fail(d),
    };
    let fm_span = src.span(0, 3);
    let raw: RawTrack = if text[split.yaml.clone()].trim().is_empty() {
        return fail(
            Diagnostic::new(Lint::FrontMatter, fm_span, "front matter is empty")
                .with_help("a track needs at least `title:` and `levels:`"),
        );
    } else if let Ok(strict) =
        yaml::from_str_in::<StrictTrack>(path, text, split.yaml.start, split.yaml.end)
    {
        strict.into()
    } else {
        scan_unknown_keys(path, text, split.yaml.clone(), &mut diagnostics);
        match yaml::from_str_in(path, text, split.yaml.start, split.yaml.end) {
            Ok(r) => r,
            Err(d) => {
                // serde stopped at the first wrong value: look for the others.
                let all = super::lenient::type_errors(src, split.yaml.clone());
                if all.is_empty() {
                    diagnostics.push(d);
                } else {
                    diagnostics.extend(all);
                }
                return ParsedTrack {
                    track: None,
                    home: None,
                    diagnostics,
                };
            }
        }
    };
    let sp = |loc: &serde_saphyr::Location| {
        yaml::span_indexed(&src.lines, path, text, split.yaml.start, loc)
    };
    let spanned = |v: &YSpanned<String>| Spanned {
        value: v.value.clone(),
        span: sp(&v.referenced),
    };

    let stem = path
        .rsplit('/')
        .next()
        .unwrap_or(path)
        .trim_end_matches(".md");
    let title = match &raw.title {
        Some(t) => spanned(t),
        None => {
            diagnostics.push(
                Diagnostic::new(
                    Lint::FrontMatter,
                    fm_span.clone(),
                    "missing required key `title`",
                )
                .with_help("add `title: <the track's name>` to the front matter"),
            );
            Spanned {
                value: stem.to_string(),
                span: fm_span.clone(),
            }
        }
    };
    let id = match &raw.id {
        Some(i) => {
            let s = spanned(i);
            check_id(&s, "track id", &mut diagnostics);
            s
        }
        None => Spanned {
            value: slugify(stem),
            span: fm_span.clone(),
        },
    };
    let dimensions: Vec<Spanned<String>> = raw.dimensions.iter().flatten().map(spanned).collect();

    let mut levels: Vec<Level> = Vec::new();
    match &raw.levels {
        None => diagnostics.push(
            Diagnostic::new(
                Lint::FrontMatter,
                fm_span.clone(),
                "missing required key `levels`",
            )
            .with_help(
                "list the track's levels, lowest first, each with `title`, `code` and `band`",
            ),
        ),
        Some(list) if list.is_empty() => {
            // The `levels:` key itself, when it starts a line of the front matter.
            let yaml = &text[split.yaml.clone()];
            let at = yaml
                .match_indices("levels:")
                .find(|(i, _)| *i == 0 || yaml[..*i].ends_with('\n'))
                .map_or(fm_span.clone(), |(i, k)| {
                    let start = split.yaml.start + i;
                    src.span(start, start + k.len() - 1)
                });
            diagnostics.push(
                Diagnostic::new(
                    Lint::FrontMatter,
                    at,
                    "`levels` is empty: a track needs at least one level",
                )
                .with_label("no levels")
                .with_help(
                    "list the track's levels, lowest first, each with `title`, `code` and `band`",
                ),
            );
        }
        Some(list) => {
            for entry in list {
                let at = sp(&entry.referenced);
                let l = &entry.value;
                let mut missing = Vec::new();
                if l.title.is_none() {
                    missing.push("title");
                }
                if l.code.is_none() {
                    missing.push("code");
                }
                if l.band.is_none() {
                    missing.push("band");
                }
                if !missing.is_empty() {
                    let keys = missing
                        .iter()
                        .map(|k| format!("`{k}`"))
                        .collect::<Vec<_>>()
                        .join(", ");
                    diagnostics.push(
                        Diagnostic::new(
                            Lint::FrontMatter,
                            at.clone(),
                            format!(
                                "level is missing required key{} {keys}",
                                if missing.len() > 1 { "s" } else { "" }
                            ),
                        )
                        .with_label("this level")
                        .with_help("every level needs `title`, `code` and `band`"),
                    );
                    continue;
                }
                let (Some(t), Some(c), Some(b)) = (&l.title, &l.code, &l.band) else {
                    continue;
                };
                let title = spanned(t);
                let code = spanned(c);
                check_code(&code, &mut diagnostics);
                let id = match &l.id {
                    Some(i) => {
                        let s = spanned(i);
                        check_id(&s, "level id", &mut diagnostics);
                        s
                    }
                    None => Spanned {
                        value: slugify(&title.value),
                        span: title.span.clone(),
                    },
                };
                levels.push(Level {
                    id,
                    span: title.span.clone(),
                    title,
                    code,
                    band: Spanned {
                        value: b.value.0,
                        span: sp(&b.referenced),
                    },
                    inherits: l.inherits.as_ref().map(spanned),
                    inherits_ref: None,
                    section: None,
                    summary: Markdown::default(),
                    competencies: Vec::new(),
                    responsibilities: Vec::new(),
                    responsibilities_span: None,
                    inherited: Vec::new(),
                });
            }
        }
    }

    let mut track = Track {
        id,
        title,
        summary: raw.summary,
        order: raw.order.map(|o| o.0),
        path: path.strip_prefix("content/").unwrap_or(path).to_string(),
        dimensions,
        intro: Markdown::default(),
        heading: None,
        prose: Vec::new(),
        levels,
        links: Vec::new(),
        span: fm_span,
    };
    section_body(src, split.body_start, &mut track, &mut diagnostics);
    ParsedTrack {
        track: Some(track),
        home: None,
        diagnostics,
    }
}

/// Ids end up in URLs and file names: only ASCII letters, digits, `-` and `_`.
fn check_id(id: &Spanned<String>, what: &str, diagnostics: &mut Vec<Diagnostic>) {
    let v = &id.value;
    let ok = !v.is_empty()
        && v.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        && !v.starts_with('-');
    if !ok {
        diagnostics.push(
            Diagnostic::new(
                Lint::FrontMatter,
                id.span.clone(),
                format!("{what} `{v}` is not a valid id"),
            )
            .with_label("ids are used in URLs and file names")
            .with_help(format!(
                "use only ASCII letters, digits, `-` and `_`, for example `{}`",
                slugify(v)
            )),
        );
    }
}

/// Codes are short identifiers such as `M4` or `IC-5`.
fn check_code(code: &Spanned<String>, diagnostics: &mut Vec<Diagnostic>) {
    let v = &code.value;
    let ok = !v.trim().is_empty()
        && v.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.')
        && !v.contains("..");
    if !ok {
        diagnostics.push(
            Diagnostic::new(
                Lint::FrontMatter,
                code.span.clone(),
                format!("level code `{v}` is not a valid code"),
            )
            .with_label("codes are short identifiers")
            .with_help(
                "use only ASCII letters, digits, `-`, `_` and `.`, for example `M4` or `IC5`",
            ),
        );
    }
}

fn markdown_at(src: &Src, range: Range<usize>) -> Markdown {
    let text = src.text;
    let raw = &text[range.clone()];
    // Skip blank lines and the first line's leading blanks (the space after a label
    // or a list marker); a leading indent would otherwise turn text into a code block.
    let start = range.start + (raw.len() - raw.trim_start().len());
    markdown_from(src, start, text[start..range.end].trim_end().to_string())
}

fn markdown_from(src: &Src, start: usize, source: String) -> Markdown {
    if source.trim().is_empty() {
        return Markdown::default();
    }
    Markdown {
        text: markdown::plain_text(&source),
        source,
        span: Some(src.span(start, start)),
    }
}

/// A list item's Markdown: the marker removed and continuation lines dedented by the
/// item's content column, so that nested lists and paragraphs keep their meaning.
fn list_item_markdown(src: &Src, item: Range<usize>) -> Markdown {
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
    let gap = first_line.len() - first_line.trim_start_matches(' ').len();
    // A paragraph kept as a responsibility (no marker) starts at its first character;
    // only a list marker is followed by a gap to skip.
    let gap = match (marker_len, gap) {
        (0, _) => 0,
        (_, 0) | (_, 5..) => 1,
        (_, g) => g,
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

/// Where a block of the body currently goes.
enum Target {
    Intro,
    Prose(usize),
    Level(usize),
}

/// The open labelled block of a level.
struct OpenLabel {
    label: String,
    span: Span,
    body_start: usize,
    is_responsibilities: bool,
}

fn section_body(
    src: &Src,
    body_start: usize,
    track: &mut Track,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let text = src.text;
    let body = &text[body_start..];
    let (blocks, raw_links) = markdown::blocks(body);
    let abs = |r: &Range<usize>| (r.start + body_start)..(r.end + body_start);

    for l in raw_links {
        if let Some(link) = link_of(src, &l.dest, abs(&l.range)) {
            track.links.push(link);
        }
    }

    let by_title: HashMap<String, usize> = track
        .levels
        .iter()
        .enumerate()
        .rev()
        .map(|(i, l)| (title_key(&l.title.value), i))
        .collect();
    let by_id: HashMap<String, usize> = track
        .levels
        .iter()
        .enumerate()
        .rev()
        .map(|(i, l)| (l.id.value.clone(), i))
        .collect();
    let level_ids: Vec<String> = track.levels.iter().map(|l| l.id.value.clone()).collect();

    let mut target = Target::Intro;
    let mut chunk_start = body_start; // start of the current free-text chunk
    let mut open: Option<OpenLabel> = None;
    let mut last_level: Option<usize> = None;
    let mut labels_seen: Vec<Vec<String>> = vec![Vec::new(); track.levels.len()];
    let mut anchors_seen: Vec<std::collections::HashSet<String>> =
        vec![std::collections::HashSet::new(); track.levels.len()];
    let mut found: Vec<Option<Span>> = vec![None; track.levels.len()];
    let mut prose_anchor_count: BTreeMap<String, usize> = BTreeMap::new();
    // Blocks of the current Responsibilities label, collected as they come.
    let mut resp_lists: Vec<(Range<usize>, Vec<Range<usize>>)> = Vec::new();

    // Closes the current chunk or label at `end` (absolute offset).
    macro_rules! close {
        ($end:expr) => {{
            let end: usize = $end;
            match (&target, open.take()) {
                (Target::Level(li), Some(o)) => {
                    let level = &mut track.levels[*li];
                    if o.is_responsibilities {
                        level.responsibilities_span = Some(o.span.clone());
                        for (_, items) in resp_lists.drain(..) {
                            for item in items {
                                level.responsibilities.push(Responsibility {
                                    body: list_item_markdown(src, item.clone()),
                                    span: src.span(item.start, item.start),
                                });
                            }
                        }
                    } else {
                        let key = fold_label(&o.label);
                        let mut anchor = slugify(&o.label);
                        // A set, not a scan of the level's competencies: a level with
                        // n labels would cost n² (100,000 labels took 35 s).
                        if !anchors_seen[*li].insert(anchor.clone()) {
                            anchor = format!("{anchor}-{}", level.competencies.len() + 1);
                            anchors_seen[*li].insert(anchor.clone());
                        }
                        level.competencies.push(Competency {
                            label: o.label,
                            key,
                            anchor,
                            body: markdown_at(src, o.body_start..end),
                            span: o.span,
                        });
                    }
                }
                (Target::Level(li), None) => {
                    track.levels[*li].summary = markdown_at(src, chunk_start..end);
                }
                (Target::Intro, _) => track.intro = markdown_at(src, chunk_start..end),
                (Target::Prose(pi), _) => {
                    track.prose[*pi].body = markdown_at(src, chunk_start..end)
                }
            }
            resp_lists.clear();
        }};
    }

    for block in &blocks {
        let range = abs(block.range());
        match block {
            Block::Heading {
                level: HeadingLevel::H1,
                text: h,
                ..
            } if matches!(target, Target::Intro) && track.heading.is_none() => {
                close!(range.start);
                track.heading = Some(h.clone());
                chunk_start = range.end;
            }
            Block::Heading {
                level: HeadingLevel::H2,
                text: h,
                id,
                ..
            } => {
                close!(range.start);
                let hspan = src.span(range.start, trim_end_offset(text, range.clone()));
                let matched = match id {
                    Some(id) => match by_id.get(id.as_str()) {
                        Some(&li) => {
                            // Notes come off as for a heading matched by title when the
                            // rest is the level's title; otherwise the last one only.
                            let title = title_key(&track.levels[li].title.value);
                            match_title(h, |t| (title_key(t) == title).then_some(li)).or_else(
                                || {
                                    let (head, note) = markdown::split_note(h);
                                    Some((li, head, note.map(str::to_string)))
                                },
                            )
                        }
                        None => {
                            let mut d = Diagnostic::new(
                                Lint::DanglingReference,
                                hspan.clone(),
                                format!("heading `{{#{id}}}` names no level of this track"),
                            )
                            .with_label("no level has this id");
                            d = match did_you_mean(id, level_ids.iter().map(String::as_str)) {
                                Some(s) => d.with_help(format!("did you mean `{{#{s}}}`?")),
                                None => d.with_help(format!(
                                    "level ids in this track: {}",
                                    level_ids.join(", ")
                                )),
                            };
                            diagnostics.push(d);
                            None
                        }
                    },
                    None => match_title(h, |t| by_title.get(&title_key(t)).copied()),
                };
                match matched {
                    Some((li, head, note)) => {
                        if let Some(first) = &found[li] {
                            diagnostics.push(
                                Diagnostic::new(
                                    Lint::DuplicateId,
                                    hspan.clone(),
                                    format!(
                                        "level `{}` has a second section",
                                        track.levels[li].id.value
                                    ),
                                )
                                .with_label("second section")
                                .with_related(first.clone(), "first section here")
                                .with_help("give each level exactly one H2 section; rename or merge this one"),
                            );
                            // Treat the duplicate as prose so that its text is kept.
                            let anchor = unique_anchor(&mut prose_anchor_count, h);
                            track.prose.push(ProseSection {
                                title: h.clone(),
                                anchor,
                                body: Markdown::default(),
                                after_level: last_level,
                                span: hspan,
                            });
                            target = Target::Prose(track.prose.len() - 1);
                        } else {
                            found[li] = Some(hspan.clone());
                            track.levels[li].section = Some(Section {
                                heading: head.to_string(),
                                note,
                                span: hspan,
                            });
                            target = Target::Level(li);
                            last_level = Some(li);
                        }
                    }
                    None => {
                        let anchor = match id {
                            Some(id) => id.clone(),
                            None => unique_anchor(&mut prose_anchor_count, h),
                        };
                        track.prose.push(ProseSection {
                            title: h.clone(),
                            anchor,
                            body: Markdown::default(),
                            after_level: last_level,
                            span: hspan,
                        });
                        target = Target::Prose(track.prose.len() - 1);
                    }
                }
                chunk_start = range.end;
            }
            Block::Heading {
                level: HeadingLevel::H3,
                text: h,
                ..
            } if matches!(target, Target::Level(_)) => {
                close!(range.start);
                let li = match target {
                    Target::Level(li) => li,
                    _ => unreachable!("guarded by matches! above"),
                };
                let hashes = text[range.clone()]
                    .find(|c: char| c != '#' && c != ' ')
                    .unwrap_or(0);
                let label_span =
                    src.span(range.start + hashes, trim_end_offset(text, range.clone()));
                open = Some(open_label(h, label_span, range.end, &mut labels_seen[li]));
            }
            Block::Label {
                label,
                label_range,
                rest,
                ..
            } if matches!(target, Target::Level(_)) => {
                close!(range.start);
                let li = match target {
                    Target::Level(li) => li,
                    _ => unreachable!("guarded by matches! above"),
                };
                let lr = abs(label_range);
                let label_span = src.span(lr.start, lr.end);
                let mut o = open_label(label, label_span, abs(rest).start, &mut labels_seen[li]);
                if o.is_responsibilities && !body[rest.clone()].trim().is_empty() {
                    // "**Responsibilities:** text" keeps the text as the first item.
                    resp_lists.push((abs(rest), vec![abs(rest)]));
                    o.body_start = range.end;
                }
                open = Some(o);
            }
            Block::List { items, .. } => {
                if let Some(o) = &open {
                    if o.is_responsibilities {
                        resp_lists.push((range.clone(), items.iter().map(&abs).collect()));
                    }
                }
            }
            _ => {
                if let Some(o) = &open {
                    if o.is_responsibilities {
                        // A paragraph inside Responsibilities (e.g. an intro line)
                        // is kept as an item of its own.
                        resp_lists.push((range.clone(), vec![range.clone()]));
                    }
                }
            }
        }
    }
    close!(text.len());
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

fn open_label(label: &str, span: Span, body_start: usize, seen: &mut Vec<String>) -> OpenLabel {
    seen.push(fold_label(label));
    OpenLabel {
        is_responsibilities: fold_label(label) == "responsibilities",
        label: label.to_string(),
        span,
        body_start,
    }
}

fn unique_anchor(counts: &mut BTreeMap<String, usize>, title: &str) -> String {
    let base = slugify(title);
    let n = counts.entry(base.clone()).or_insert(0);
    *n += 1;
    if *n == 1 {
        base
    } else {
        format!("{base}-{n}")
    }
}

/// End of a heading's text on its line (without the trailing newline).
fn trim_end_offset(text: &str, range: Range<usize>) -> usize {
    let s = &text[range.clone()];
    let line_end = s.find('\n').unwrap_or(s.len());
    range.start + s[..line_end].trim_end().len()
}

/// A link or image to a path of the ladder; web links are not tracked.
fn link_of(src: &Src, dest: &str, range: Range<usize>) -> Option<Link> {
    crate::links::written(dest, src.span(range.start, range.end))
}

/// Matches an H2's text to a level title: the whole text, or the text without its
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

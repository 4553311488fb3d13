//! One track file → one [`Track`]: split the front matter and parse it with spans,
//! then hand the Markdown body to [`super::sections`], which cuts it into the track
//! introduction, level sections, labelled blocks, responsibilities and prose.
//!
//! This is a pure function of the file's path and text, which is what lets `serve`
//! reuse the result for files that did not change.

use serde::Deserialize;
use serde_saphyr::Spanned as YSpanned;
use std::ops::Range;
use std::sync::Arc;

use super::yaml;
use crate::diagnostic::{Diagnostic, Lint};
use crate::model::{slugify, Home, Level, LineIndex, Link, Markdown, Page, Span, Spanned, Track};

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
    /// A file that is not a track: a page (SPEC 8.4).
    pub page: Option<Arc<Page>>,
    /// A level file of a track folder (SPEC 8.5).
    pub level_file: Option<Arc<super::folder::LevelFile>>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Declares the keys of a track's front matter and of a level entry once, and derives
/// from that list the lenient structs (unknown keys ignored), the strict ones (unknown
/// keys refused) with the conversion between them, and the key lists of the
/// unknown-key scan. Every key is `Option` so that every missing one is reported, not
/// only the first.
macro_rules! front_matter {
    (track { $($tf:ident: $tt:ty,)* } level { $($lf:ident: $lt:ty,)* }) => {
        /// Track front matter as written; unknown keys are found by a separate scan.
        #[derive(Debug, Deserialize)]
        struct RawTrack {
            $($tf: Option<$tt>,)*
            levels: Option<Vec<YSpanned<RawLevel>>>,
        }

        #[derive(Debug, Deserialize)]
        pub(super) struct RawLevel {
            $($lf: Option<$lt>,)*
        }

        /// [`RawTrack`] with unknown keys refused, here and in every level. When it
        /// parses, no key is unknown anywhere, so the unknown-key scans have nothing to
        /// find and are skipped: one YAML parse for a clean file instead of three (the
        /// front matter of a 10-level track is about a fifth of the cost of the file).
        #[derive(Debug, Deserialize)]
        #[serde(deny_unknown_fields)]
        struct StrictTrack {
            $($tf: Option<$tt>,)*
            levels: Option<Vec<YSpanned<StrictLevel>>>,
        }

        #[derive(Debug, Deserialize)]
        #[serde(deny_unknown_fields)]
        struct StrictLevel {
            $($lf: Option<$lt>,)*
        }

        impl From<StrictTrack> for RawTrack {
            fn from(t: StrictTrack) -> RawTrack {
                RawTrack {
                    $($tf: t.$tf,)*
                    levels: t.levels.map(|levels| {
                        levels
                            .into_iter()
                            .map(|l| YSpanned {
                                value: RawLevel { $($lf: l.value.$lf,)* },
                                referenced: l.referenced,
                                defined: l.defined,
                            })
                            .collect()
                    }),
                }
            }
        }

        /// The keys of a track's front matter.
        pub const TRACK_KEYS: &[&str] = &[$(stringify!($tf),)* "levels"];
        /// The keys of a level entry.
        pub const LEVEL_KEYS: &[&str] = &[$(stringify!($lf),)*];
    };
}

front_matter! {
    track {
        title: YSpanned<String>,
        id: YSpanned<String>,
        summary: String,
        // Other generators' names for `summary` and `order`, read when those are absent.
        description: String,
        order: yaml::Int,
        weight: yaml::Int,
        dimensions: Vec<YSpanned<String>>,
    }
    level {
        title: YSpanned<String>,
        id: YSpanned<String>,
        code: YSpanned<String>,
        band: YSpanned<yaml::BandValue>,
        inherits: YSpanned<String>,
    }
}

/// Only the level entries' keys, for the unknown-key scan.
#[derive(Debug, Deserialize)]
struct LevelKeys {
    levels: Option<Vec<yaml::Keys>>,
}

/// Keys `ladder` does not know, with their values: kept under `extra` for templates and
/// `ladder.json` (other generators' front matter: `date`, `tags`, `layout`, ...).
type Extra = std::collections::BTreeMap<String, serde_json::Value>;

/// The values of each level's keys, for [`Extra`].
#[derive(Debug, Deserialize)]
struct LevelValues {
    levels: Option<Vec<Extra>>,
}

/// The unknown keys of a track's front matter and of each level: a near miss of a
/// known key (`dimentions`, `lavels`) is a `front-matter` error with "did you mean";
/// any other is kept, with its value, as the track's or the level's `extra`.
fn scan_unknown_keys(
    path: &Arc<str>,
    text: &str,
    yaml_range: Range<usize>,
    out: &mut Vec<Diagnostic>,
) -> (Extra, Vec<Extra>) {
    let (start, end) = (yaml_range.start, yaml_range.end);
    let mut top_extra = Vec::new();
    if let Ok(keys) = yaml::from_str_in::<yaml::Keys>(path, text, start, end) {
        top_extra = yaml::extra_keys(path, text, start, &keys, TRACK_KEYS, out);
    }
    let mut level_extra: Vec<Vec<String>> = Vec::new();
    if let Ok(LevelKeys {
        levels: Some(levels),
    }) = yaml::from_str_in::<LevelKeys>(path, text, start, end)
    {
        for keys in &levels {
            level_extra.push(yaml::extra_keys(path, text, start, keys, LEVEL_KEYS, out));
        }
    }
    // Values only when there are extra keys: most files have none.
    let mut top = Extra::new();
    if !top_extra.is_empty() {
        if let Ok(all) = yaml::from_str_in::<Extra>(path, text, start, end) {
            top = all
                .into_iter()
                .filter(|(k, _)| top_extra.contains(k))
                .collect();
        }
    }
    let mut levels = vec![Extra::new(); level_extra.len()];
    if level_extra.iter().any(|e| !e.is_empty()) {
        if let Ok(LevelValues { levels: Some(all) }) =
            yaml::from_str_in::<LevelValues>(path, text, start, end)
        {
            for ((out, values), names) in levels.iter_mut().zip(all).zip(&level_extra) {
                *out = values
                    .into_iter()
                    .filter(|(k, _)| names.contains(k))
                    .collect();
            }
        }
    }
    (top, levels)
}

/// `_index.md` front matter: only a title.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawHome {
    title: Option<String>,
}

/// Whether a file holds anything but blank lines and fences.
fn has_text(text: &str, split: Option<&Split>) -> bool {
    match split {
        None => !text.trim().is_empty(),
        Some(s) => {
            !text[s.yaml.clone()].trim().is_empty() || !text[s.body_start..].trim().is_empty()
        }
    }
}

/// Where the front matter is: the YAML between the fences and the body after them.
pub(super) struct Split {
    pub yaml: Range<usize>,
    pub body_start: usize,
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

/// Whether a Markdown file reads like a save caught halfway: empty, or front matter
/// opened and not closed (an editor that truncates the file, then writes it). `serve`
/// reads such a file once more a moment later before it reports anything.
pub fn looks_half_saved(text: &str) -> bool {
    let path: Arc<str> = Arc::from("");
    text.trim().is_empty() || split_front_matter(&Src::new(&path, text)).is_err()
}

/// Parses `content/_index.md`: optional front matter with a title, then prose.
pub fn parse_home(path: &Arc<str>, text: &str) -> ParsedTrack {
    home_from(&Src::new(path, text))
}

fn home_from(src: &Src) -> ParsedTrack {
    let (path, text) = (src.path, src.text);
    let mut diagnostics = Vec::new();
    let mut home = Home {
        path: path.strip_prefix("content/").unwrap_or(path).to_string(),
        ..Home::default()
    };
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
    home.body = super::labels::markdown_at(src, body_start..text.len());
    home.links = links_in(src, body_start);
    ParsedTrack {
        track: None,
        home: Some(home),
        page: None,
        level_file: None,
        diagnostics,
    }
}

/// The links and images of the body that starts at `body_start` (a home page or a page;
/// a track's are collected while it is sectioned).
pub(super) fn links_in(src: &Src, body_start: usize) -> Vec<Link> {
    super::markdown::links(&src.text[body_start..])
        .into_iter()
        .filter_map(|l| {
            link_of(
                src,
                &l.dest,
                l.range.start + body_start..l.range.end + body_start,
            )
        })
        .collect()
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
        page: None,
        level_file: None,
        diagnostics: vec![d],
    };
    let folder_index = super::folder::is_folder_index(path);
    let split = match split_front_matter(src) {
        Ok(Some(s)) if folder_index || super::page::is_track_front_matter(src, &s) => s,
        Ok(Some(s)) if super::folder::is_level_front_matter(src, &s) => {
            return super::folder::level_file_from(src, s)
        }
        // No front matter, or front matter without `levels`: a page (SPEC 8.4). An
        // empty file is neither.
        Ok(split) if has_text(text, split.as_ref()) => return super::page::page_from(src, split),
        Ok(_) => {
            return fail(
                Diagnostic::new(
                    Lint::FrontMatter,
                    src.span(0, 0),
                    "the file is empty: a track needs front matter, a page some text",
                )
                .with_help(
                    "start a track with `---`, then at least `title:` and `levels:`, then `---`; or remove the file",
                ),
            );
        }
        Err(d) => return fail(d),
    };
    let fm_span = src.span(0, 3);
    let mut extra = (Extra::new(), Vec::new());
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
        extra = scan_unknown_keys(path, text, split.yaml.clone(), &mut diagnostics);
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
                    page: None,
                    level_file: None,
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

    // A track folder's track is named after its folder (`content/platform/_index.md`).
    let file = path.strip_suffix("/_index.md").unwrap_or(path);
    let stem = file
        .rsplit('/')
        .next()
        .unwrap_or(file)
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
        // A track folder's levels may all be files of their own.
        None if folder_index => {}
        None => diagnostics.push(
            Diagnostic::new(
                Lint::FrontMatter,
                fm_span.clone(),
                "missing required key `levels`",
            )
            .with_help(
                "list the track's levels, lowest first, each with `title` and `band` (and optionally `code`)",
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
                    "list the track's levels, lowest first, each with `title` and `band` (and optionally `code`)",
                ),
            );
        }
        Some(list) => {
            let mut level_extra = std::mem::take(&mut extra.1).into_iter();
            for entry in list {
                let extra = level_extra.next().unwrap_or_default();
                let at = sp(&entry.referenced);
                if let Some(level) =
                    build_level(src, split.yaml.start, &entry.value, at, extra, &mut diagnostics)
                {
                    levels.push(level);
                }
            }
        }
    }
    // Pushed one by one, the list ends with up to twice the room it needs, and a
    // level is large (about 0.8 KB): at 10,000 levels that slack was 4.5 MB.
    levels.shrink_to_fit();

    let mut track = Track {
        id,
        title,
        summary: raw.summary.or(raw.description),
        order: raw.order.or(raw.weight).map(|o| o.0),
        extra: extra.0,
        heading_anchors: Vec::new(),
        path: path.strip_prefix("content/").unwrap_or(path).to_string(),
        dimensions,
        intro: Markdown::default(),
        heading: None,
        level_rank: 2,
        prose: Vec::new(),
        levels,
        links: Vec::new(),
        span: fm_span,
    };
    super::sections::section_body(src, split.body_start, &mut track, &mut diagnostics);
    ParsedTrack {
        track: Some(track),
        home: None,
        page: None,
        level_file: None,
        diagnostics,
    }
}

/// One level of front matter (an entry of `levels:`, or a level file's front matter,
/// SPEC 8.5) as the model's [`Level`], its section still empty. `None` when a required
/// key is missing or the band is unusable (reported).
pub(super) fn build_level(
    src: &Src,
    yaml_start: usize,
    l: &RawLevel,
    at: Span,
    extra: Extra,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Level> {
    let (path, text) = (src.path, src.text);
    let sp =
        |loc: &serde_saphyr::Location| yaml::span_indexed(&src.lines, path, text, yaml_start, loc);
    let spanned = |v: &YSpanned<String>| Spanned {
        value: v.value.clone(),
        span: sp(&v.referenced),
    };
    let mut missing = Vec::new();
    if l.title.is_none() {
        missing.push("title");
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
            .with_help("every level needs `title` and `band`; `code` is optional"),
        );
        return None;
    }
    let (Some(t), Some(b)) = (&l.title, &l.band) else {
        return None;
    };
    let title = spanned(t);
    let code = l.code.as_ref().map(spanned);
    if let Some(code) = &code {
        check_code(code, diagnostics);
    }
    let id = match &l.id {
        Some(i) => {
            let s = spanned(i);
            check_id(&s, "level id", diagnostics);
            s
        }
        None => Spanned {
            value: slugify(&title.value),
            span: title.span.clone(),
        },
    };
    let mut band = Spanned {
        value: b.value.low,
        span: sp(&b.referenced),
    };
    if b.value.high.is_some() {
        band.span = flow_list_span(text, band.span);
    }
    let band_high = band_high(&band, b.value.high, diagnostics)?;
    Some(Level {
        id,
        span: title.span.clone(),
        title,
        code,
        band,
        band_high,
        inherits: l.inherits.as_ref().map(spanned),
        inherits_ref: None,
        section: None,
        summary: Markdown::default(),
        competencies: Vec::new(),
        responsibilities: Vec::new(),
        responsibilities_span: None,
        inherited: Vec::new(),
        extra,
    })
}

/// Ids end up in URLs and file names: only ASCII letters, digits, `-` and `_`.
fn check_id(id: &Spanned<String>, what: &str, diagnostics: &mut Vec<Diagnostic>) {
    let v = &id.value;
    if !crate::model::is_valid_id(v) {
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

/// A span that starts at a flow list (`[4, 5]`) widened to its closing bracket when
/// that is on the same line, so that a caret underlines the whole range.
fn flow_list_span(text: &str, mut span: Span) -> Span {
    let rest = &text[span.start.min(text.len())..];
    if rest.starts_with('[') {
        let line = rest.split('\n').next().unwrap_or_default();
        if let Some(close) = line.find(']') {
            span.end = span.start + close + 1;
        }
    }
    span
}

/// A level spans at most this many bands: it is listed in every row it spans, so a
/// typo such as `[4, 400000]` must not make a page of a million rows.
const MAX_BANDS_SPANNED: i64 = 10;

/// The high end of a `band: [low, high]` range, checked: `Some(None)` for a single band,
/// `Some(Some(high))` for a range, `None` (and a diagnostic) when the range is wrong.
fn band_high(
    band: &Spanned<i64>,
    high: Option<i64>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Option<i64>> {
    let Some(high) = high else {
        return Some(None);
    };
    let low = band.value;
    let problem = if high <= low {
        format!("band range `[{low}, {high}]` does not go up")
    } else if high.checked_sub(low).is_none_or(|d| d >= MAX_BANDS_SPANNED) {
        format!("band range `[{low}, {high}]` spans more than {MAX_BANDS_SPANNED} bands")
    } else {
        return Some(Some(high));
    };
    let label = if high > low {
        format!("at most {MAX_BANDS_SPANNED} bands")
    } else {
        "expected `[low, high]` with low below high".to_string()
    };
    let help = if high == low {
        format!("for a level at one band write `band: {low}`")
    } else if high < low {
        format!("write the low band first: `band: [{high}, {low}]`")
    } else {
        "a level spans a few neighbouring bands; check the numbers".to_string()
    };
    diagnostics.push(
        Diagnostic::new(Lint::FrontMatter, band.span.clone(), problem)
            .with_label(label)
            .with_help(help),
    );
    None
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

/// A link or image to a path of the ladder; web links are not tracked.
pub(super) fn link_of(src: &Src, dest: &str, range: Range<usize>) -> Option<Link> {
    crate::links::written(dest, src.span(range.start, range.end))
}

#[cfg(test)]
mod tests {
    use super::{LEVEL_KEYS, TRACK_KEYS};

    /// The hand-written JSON Schema of `ladder schema` names exactly the declared keys.
    #[test]
    fn the_schema_lists_every_declared_key() {
        let schema = crate::export::front_matter_schema();
        let keys = |v: &serde_json::Value| {
            let mut k: Vec<String> = v
                .as_object()
                .map_or(Vec::new(), |o| o.keys().cloned().collect());
            k.sort();
            k
        };
        let sorted = |l: &[&str]| {
            let mut k: Vec<String> = l.iter().map(|s| s.to_string()).collect();
            k.sort();
            k
        };
        assert_eq!(keys(&schema["properties"]), sorted(TRACK_KEYS));
        assert_eq!(
            keys(&schema["properties"]["levels"]["items"]["properties"]),
            sorted(LEVEL_KEYS)
        );
    }
}

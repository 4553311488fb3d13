//! The typed ladder model: the one data structure in the middle of the compiler.
//!
//! `source` builds it from files; `check`, `render`, `export` and `diff` only read it.
//! It is plain data: no I/O, no templates, no terminal colours. Every node carries the
//! [`Span`] it came from so that any diagnostic can point at the exact place.
//!
//! Cross references are indices ([`LevelRef`]) into `Ladder::tracks` and
//! `Track::levels`, resolved once by [`crate::source::assemble`]; that keeps the model
//! `Clone` and serialisable and makes every lookup O(1).

use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::Arc;

use crate::config::Config;
pub use crate::span::{LineIndex, Span, Spanned};

/// Markdown source text as written, with the span of its first byte. Rendering to
/// HTML (and rewriting links) is the back ends' job.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct Markdown {
    /// The Markdown text, trimmed of surrounding blank lines.
    pub source: Arc<str>,
    /// Plain text (markup stripped, whitespace collapsed) for search, diffs and CSV.
    /// For most fragments (a line of plain prose) it is the source itself, and the
    /// two share one allocation ([`Markdown::new`]).
    pub text: Arc<str>,
    #[serde(skip)]
    pub span: Option<Span>,
}

impl Markdown {
    /// A fragment from its source and its plain text, sharing one allocation when the
    /// two are the same text (at 10,000 levels that halves the model's text).
    pub fn new(source: String, text: String, span: Option<Span>) -> Markdown {
        let source: Arc<str> = source.into();
        let text = if *text == *source {
            source.clone()
        } else {
            text.into()
        };
        Markdown { source, text, span }
    }

    /// The CommonMark extensions of SPEC section 1, which the model's Markdown is
    /// written in: the front end parses it and the renderer renders it with these.
    pub fn options() -> pulldown_cmark::Options {
        use pulldown_cmark::Options;
        Options::ENABLE_TABLES
            | Options::ENABLE_STRIKETHROUGH
            | Options::ENABLE_TASKLISTS
            | Options::ENABLE_FOOTNOTES
            | Options::ENABLE_HEADING_ATTRIBUTES
    }

    pub fn is_empty(&self) -> bool {
        self.text.trim().is_empty()
    }

    /// `source` when it is one line of plain prose: it starts with a letter and holds
    /// no character that Markdown gives a meaning to (no emphasis, code, link, HTML,
    /// entity, escape, table or extension syntax) and no line break. CommonMark reads
    /// such a line as one paragraph of exactly its text, so the renderer, the plain
    /// text and the diff's words need no parser for it; most fragments of a ladder (a
    /// responsibility, a competency's sentences) are such lines. Returns the text
    /// without its trailing whitespace. Property tests hold each of those three to
    /// the parser's output (`plain_lines_*`).
    pub fn plain_line(source: &str) -> Option<&str> {
        let text = source.trim_end_matches([' ', '\t', '\n', '\r']);
        let first = text.chars().next()?;
        (first.is_alphabetic() && text.bytes().all(|b| PLAIN_BYTES[b as usize])).then_some(text)
    }
}

/// Collapses runs of whitespace into single spaces and trims.
pub fn collapse(s: &str) -> String {
    // One pass into one buffer: every Markdown fragment of the ladder goes through here.
    let mut out = String::with_capacity(s.len());
    for word in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// The bytes [`Markdown::plain_line`] accepts: letters and digits, every byte of a
/// non-ASCII character, the space and punctuation that CommonMark leaves as text.
static PLAIN_BYTES: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = c >= 0x80 || c.is_ascii_alphanumeric();
        b += 1;
    }
    let punctuation = b" .,;:'\"()?!%/+-=";
    let mut i = 0;
    while i < punctuation.len() {
        table[punctuation[i] as usize] = true;
        i += 1;
    }
    table
};

#[cfg(test)]
pub mod testing {
    use proptest::prelude::*;

    /// A word, then words, spaces and punctuation, with now and then a character
    /// Markdown gives a meaning to, a line break or a non-ASCII space: mostly lines
    /// the fast path takes, and near misses of every kind.
    pub fn markdown_fragment() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            6 => "[a-zA-Zé0-9]{1,6}",
            4 => Just(" ".to_string()),
            3 => r#"[.,;:'"()?!%/+=-]"#,
            2 => r#"[~*_`<>&#|{}\\\[\]^$@]"#,
            1 => r#"(\n|\r|\t|\x{a0}|\n\n|    )"#,
            2 => r#"( _[a-z]{1,3}_ | \*[a-z]{1,3}\*|`[a-z]{1,3}`|~~[a-z]~~|\[[a-z]\]\([a-z]\)|&amp;|\\\.)"#,
        ];
        ("[a-zA-Zé ]{0,3}", proptest::collection::vec(piece, 0..14))
            .prop_map(|(head, rest)| head + &rest.concat())
    }
}

/// Points at one level: `ladder.tracks[track].levels[level]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct LevelRef {
    pub track: usize,
    pub level: usize,
}

/// The whole ladder: settings, the home page prose and every track in display order.
#[derive(Debug, Clone, Serialize)]
pub struct Ladder {
    pub config: Config,
    pub home: Home,
    /// Tracks sorted by `order`, then by file name.
    pub tracks: Vec<Arc<Track>>,
    /// Every band in use with its levels in track order: the parallel alignment of
    /// the tracks. Kept once per band (not per level) so that band peers cost
    /// O(levels), not O(levels²).
    pub bands: BTreeMap<i64, Vec<LevelRef>>,
    /// Files of content/ that are not Markdown (images, PDFs), published at the same
    /// path under the site root.
    #[serde(skip)]
    pub assets: Arc<Assets>,
    /// Markdown files that are not tracks (an FAQ, "how promotions work"), sorted by
    /// `order`, then by path.
    pub pages: Vec<Arc<Page>>,
    /// The versions tagged in git and what each changed (SPEC 11), when the site
    /// shows its history: set by the driver from `diff`, never by the front end.
    #[serde(skip)]
    pub history: Option<Arc<crate::history::History>>,
}

/// A Markdown file of content/ that is not a track (SPEC 8.4), rendered at `/<id>/`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Page {
    /// Slug of the path without `.md` (`how-we-promote`, `guides-faq`); used in URLs.
    pub id: String,
    /// Path relative to content/, e.g. `faq.md`.
    pub path: String,
    /// Front matter `title`, else the first H1 (then not repeated in the body), else
    /// the file's name.
    pub title: String,
    pub summary: Option<String>,
    pub order: Option<i64>,
    pub body: Markdown,
    /// Links and images written in the page's Markdown.
    pub links: Vec<Link>,
    /// GitHub anchors of the page's headings, in source order.
    pub heading_anchors: Vec<String>,
    /// Front-matter keys `ladder` does not know, with their values.
    pub extra: Extra,
    /// The file's start.
    #[serde(skip)]
    pub span: Span,
}

/// Content assets by path relative to content/ (`img/diagram.png`), with their bytes.
pub type Assets = BTreeMap<String, Arc<[u8]>>;

/// The home page's title and prose, from `content/_index.md` when present.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct Home {
    pub title: Option<String>,
    pub body: Markdown,
    /// Links and images written in the home page's Markdown.
    pub links: Vec<Link>,
    /// The file it comes from, relative to content/: `_index.md`, or `README.md`
    /// standing in for it; empty when there is none.
    pub path: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Track {
    /// Unique track id (front matter `id`, default the file stem); used in URLs.
    pub id: Spanned<String>,
    pub title: Spanned<String>,
    pub summary: Option<String>,
    pub order: Option<i64>,
    /// Path relative to `content/`, with `/` separators, e.g. `managing.md`.
    pub path: String,
    /// Labels every level of this track should carry, in the order given.
    pub dimensions: Vec<Spanned<String>>,
    /// Prose before the first level section.
    pub intro: Markdown,
    /// H1 of the body, if any (shown as the page heading when present).
    pub heading: Option<String>,
    /// Sections that are not levels, in source order.
    pub prose: Vec<ProseSection>,
    /// The rank of this track's level headings (2 for `##`); labels are one below.
    pub level_rank: u8,
    pub levels: Vec<Level>,
    /// Links and images written in this track's Markdown (`other.md#anchor`,
    /// `#anchor`, `img/diagram.png`); web links are not kept.
    pub links: Vec<Link>,
    /// Span of the front matter block (the opening `---`).
    pub span: Span,
    /// Front-matter keys `ladder` does not know (another generator's), with their values.
    pub extra: Extra,
    /// Every heading of the file by its GitHub anchor (SPEC 8.6), in source order, with
    /// what it stands in: links written to work on GitHub (`#d1---developer-1`) resolve
    /// through it.
    pub heading_anchors: Vec<(String, AnchorTarget)>,
}

/// What a heading of a track file stands in, for links to its GitHub anchor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum AnchorTarget {
    /// The introduction (or the file's title).
    Track,
    /// A level's section: its heading, its labels or a heading inside them.
    Level(usize),
    /// A prose section, or a heading inside one.
    Prose(usize),
}

/// A heading's anchor as GitHub makes it, before repeats are numbered: lowercase, only
/// letters, digits, spaces, `-` and `_` kept, each space a `-` (`D1 - Developer 1` →
/// `d1---developer-1`).
pub fn github_anchor(heading: &str) -> String {
    heading
        .trim()
        .chars()
        .flat_map(char::to_lowercase)
        .filter(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '_'))
        .map(|c| if c == ' ' { '-' } else { c })
        .collect()
}

/// Numbers repeated anchors the way GitHub does: the second `notes` is `notes-1`.
#[derive(Debug, Default)]
pub struct AnchorCounter {
    seen: std::collections::HashMap<String, usize>,
}

impl AnchorCounter {
    pub fn unique(&mut self, base: String) -> String {
        let mut n = self.seen.get(&base).copied().unwrap_or(0);
        let mut anchor = base.clone();
        if n > 0 {
            // Skip numbered forms already taken by a heading written that way.
            loop {
                anchor = format!("{base}-{n}");
                if !self.seen.contains_key(&anchor) {
                    break;
                }
                n += 1;
            }
        }
        self.seen.insert(base, n + 1);
        self.seen.entry(anchor.clone()).or_insert(1);
        anchor
    }
}

/// Front-matter keys `ladder` does not know, kept with their values for templates
/// (`track.extra`, `level.extra`) and `ladder.json`.
pub type Extra = BTreeMap<String, serde_json::Value>;

/// An H2 that matches no level: kept and rendered on the track page.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProseSection {
    pub title: String,
    pub anchor: String,
    pub body: Markdown,
    /// Index of the level section this prose follows in the file (`None`: before all levels).
    pub after_level: Option<usize>,
    #[serde(skip)]
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Level {
    /// Unique within its track (front matter `id`, default the slug of the title).
    pub id: Spanned<String>,
    pub title: Spanned<String>,
    /// Unique within the whole ladder, e.g. `M4`; many ladders have titles only.
    pub code: Option<Spanned<String>>,
    /// The shared grade that lines tracks up; for a level that spans grades
    /// (`band: [4, 5]`), the lowest of them.
    pub band: Spanned<i64>,
    /// The highest grade of a level that spans several (5 for `band: [4, 5]`, always
    /// above `band`); `None` for a level at one band.
    pub band_high: Option<i64>,
    /// Raw `inherits` value as written (a level id of the same track, or `track/level`).
    pub inherits: Option<Spanned<String>>,
    /// Resolved `inherits` target, when it exists.
    pub inherits_ref: Option<LevelRef>,
    /// The level's H2 section, `None` when the file has none (lint `missing-section`).
    pub section: Option<Section>,
    /// Everything in the section before the first label.
    pub summary: Markdown,
    /// Labelled blocks other than Responsibilities, in source order.
    pub competencies: Vec<Competency>,
    /// This level's own responsibilities, in source order.
    pub responsibilities: Vec<Responsibility>,
    /// Span of the `Responsibilities` label when present.
    #[serde(skip)]
    pub responsibilities_span: Option<Span>,
    /// Responsibilities held through `inherits` (transitively), nearest ancestor first.
    pub inherited: Vec<Inherited>,
    /// Span of this level's entry in the front matter (its `title` key).
    #[serde(skip)]
    pub span: Span,
    /// Front-matter keys of this level's entry that `ladder` does not know.
    pub extra: Extra,
}

/// The H2 heading that opens a level's section.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Section {
    /// Heading text without the trailing note and `{#id}` attribute.
    pub heading: String,
    /// A trailing parenthetical note such as "Manager 4 / IC 5", without parentheses.
    pub note: Option<String>,
    #[serde(skip)]
    pub span: Span,
    /// The heading's rank (2 for `##`): the track's `level_rank`, except for a heading
    /// at another rank that the front end reported and kept as the level's.
    #[serde(skip)]
    pub rank: u8,
    /// The headings that end this section before the next level's (`None` when the
    /// next thing is another level or the end of the file).
    #[serde(skip)]
    pub ended_by: Option<SectionEnd>,
}

/// Headings of the level's rank or higher that follow a level's section and end it:
/// what `empty-level` names when a level comes out empty.
#[derive(Debug, Clone, PartialEq)]
pub struct SectionEnd {
    /// Rank of the first of them (2 for `##`).
    pub rank: u8,
    /// How many follow before the next level.
    pub headings: usize,
    /// The first of them.
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Competency {
    /// The label as written, e.g. "Technical Ability".
    pub label: String,
    /// Folded form of the label used to match across levels and tracks
    /// (lowercase, single spaces), see [`fold_label`].
    pub key: String,
    /// Stable anchor for the label on the level page.
    pub anchor: String,
    /// The item's id (SPEC 10), unique within the level.
    #[serde(flatten)]
    pub id: ItemId,
    pub body: Markdown,
    /// Span of the label itself.
    #[serde(skip)]
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Responsibility {
    /// The item's id (SPEC 10), unique within the level.
    #[serde(flatten)]
    pub id: ItemId,
    /// The list item's Markdown, without its `{#id}`.
    pub body: Markdown,
    #[serde(skip)]
    pub span: Span,
}

/// A competency's or responsibility's id (SPEC 10): the `{#id}` written at the end of
/// its label line or list item, else a slug of its label (competencies) or of its
/// first words (responsibilities), numbered `-2`, `-3` when the level repeats it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct ItemId {
    pub id: String,
    /// Written as `{#id}` in the source, rather than derived from the text.
    pub explicit: bool,
    /// Where the item's `{#id}` is written (from `{` to `}`), when it is.
    #[serde(skip)]
    pub written_at: Option<Span>,
    /// Where an explicit `{#id}` would be written: the end of the label line or list
    /// item (`ladder ids --write` inserts ` {#id}` there).
    #[serde(skip)]
    pub pin_at: Option<Span>,
}

/// How many words of a responsibility make its default id.
pub const ID_WORDS: usize = 4;

/// The default id of a responsibility: the slug of its first [`ID_WORDS`] words.
pub fn responsibility_slug(text: &str) -> String {
    let words: Vec<&str> = text
        .split_whitespace()
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .take(ID_WORDS)
        .collect();
    // An apostrophe joins its word (`team's` → `teams`, not `team-s`).
    slugify(&words.join(" ").replace(['\'', '\u{2019}'], ""))
}

/// Whether `id` is a valid id of a track, a level or an item: ASCII letters, digits,
/// `-` and `_`, not starting with `-` (ids end up in URLs and file names).
pub fn is_valid_id(id: &str) -> bool {
    !id.is_empty()
        && !id.starts_with('-')
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// A responsibility held through `inherits`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Inherited {
    /// The level that states it.
    pub from: LevelRef,
    /// Index into that level's `responsibilities`.
    pub index: usize,
}

/// A link or image written in Markdown whose destination is a path of the ladder (a
/// track file, an anchor, a content asset) rather than a web address.
/// [`crate::links`] resolves it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Link {
    /// The destination as written, e.g. `managing.md#team-lead` or `my%20track.md`.
    pub dest: String,
    /// Resolved target; `None` when it names nothing (lint `dangling-reference`).
    pub target: Option<LinkTarget>,
    #[serde(skip)]
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum LinkTarget {
    Track(usize),
    Level(LevelRef),
    /// A prose section of a track page (by its `{#id}`, its anchor or the GitHub
    /// anchor of a heading in it).
    Prose {
        track: usize,
        prose: usize,
    },
    /// A content asset (a file of content/ that is not Markdown).
    Asset,
    /// A page that is not a track ([`Page`]), by index.
    Page(usize),
    /// The home page (`_index.md`, or `README.md` standing in for it).
    Home,
    /// Not checked: a site-root path outside content/ (`/logo.svg`, from static/), or
    /// an anchor on the home page.
    Unchecked,
}

impl Ladder {
    pub fn level(&self, r: LevelRef) -> &Level {
        &self.tracks[r.track].levels[r.level]
    }

    /// `track/level`: how exports, the picker and `inherits` name a level.
    pub fn level_key(&self, r: LevelRef) -> String {
        format!(
            "{}/{}",
            self.tracks[r.track].id.value,
            self.level(r).id.value
        )
    }

    pub fn track_index(&self, id: &str) -> Option<usize> {
        self.tracks.iter().position(|t| t.id.value == id)
    }

    /// Every level, in track order then level order.
    pub fn levels(&self) -> impl Iterator<Item = (LevelRef, &Level)> {
        self.tracks.iter().enumerate().flat_map(|(t, track)| {
            track
                .levels
                .iter()
                .enumerate()
                .map(move |(l, level)| (LevelRef { track: t, level: l }, level))
        })
    }

    /// The levels that share a band with `r` on the other tracks, in track order
    /// (band by band, lowest first, for a level spanning bands), each once.
    pub fn band_peers(&self, r: LevelRef) -> impl Iterator<Item = LevelRef> + '_ {
        let level = self.level(r);
        let low = level.band.value;
        self.bands
            .range(level.bands())
            .flat_map(|(&band, refs)| refs.iter().map(move |&p| (band, p)))
            // A peer that also spans bands is listed at each band it shares with `r`:
            // keep it at the first.
            .filter(move |&(band, p)| {
                p.track != r.track && self.level(p).band.value.max(low) == band
            })
            .map(|(_, p)| p)
    }

    /// Bands in use, highest first, each with the level of every track at that band
    /// (`None` marks a gap). This is the parallel matrix of the home page.
    pub fn band_matrix(&self) -> Vec<(i64, Vec<Option<LevelRef>>)> {
        self.bands
            .iter()
            .rev()
            .map(|(band, refs)| {
                let mut row = vec![None; self.tracks.len()];
                for r in refs {
                    // The first level at a band wins; a second is a band-order error.
                    if row[r.track].is_none() {
                        row[r.track] = Some(*r);
                    }
                }
                (*band, row)
            })
            .collect()
    }

    /// Display name of a band from ladder.yaml, if one is set.
    pub fn band_name(&self, band: i64) -> Option<&str> {
        self.config.bands.get(&band).map(String::as_str)
    }
}

impl Level {
    /// The level's own responsibilities followed by the ones it inherits.
    pub fn effective_responsibilities<'a>(
        &'a self,
        ladder: &'a Ladder,
    ) -> impl Iterator<Item = &'a Responsibility> + 'a {
        self.responsibilities.iter().chain(
            self.inherited
                .iter()
                .map(move |i| &ladder.level(i.from).responsibilities[i.index]),
        )
    }

    /// Every band the level sits at, lowest first.
    pub fn bands(&self) -> std::ops::RangeInclusive<i64> {
        self.band.value..=self.top_band()
    }

    /// The highest band the level sits at (its band, unless it spans several).
    pub fn top_band(&self) -> i64 {
        self.band_high.unwrap_or(self.band.value)
    }

    /// The band as a reader writes it: `5`, or `4–5` for a level spanning bands.
    pub fn band_label(&self) -> String {
        match self.band_high {
            Some(high) => format!("{}–{high}", self.band.value),
            None => self.band.value.to_string(),
        }
    }

    /// The level's code, if it has one.
    pub fn code(&self) -> Option<&str> {
        self.code.as_ref().map(|c| c.value.as_str())
    }

    /// How the level is named in short references ("What changes from M4"): its code,
    /// or its title when it has none.
    pub fn short_name(&self) -> &str {
        self.code().unwrap_or(&self.title.value)
    }

    pub fn competency(&self, key: &str) -> Option<&Competency> {
        self.competencies.iter().find(|c| c.key == key)
    }
}

/// Folds a label or heading for matching: trims, lowercases, collapses whitespace.
pub fn fold_label(s: &str) -> String {
    // Word by word, straight into one string: the lints fold every label and
    // responsibility of the ladder. Lowercasing each word alone gives what lowercasing
    // the joined text gives (a final sigma is decided within its word).
    let mut out = String::with_capacity(s.len());
    for word in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        if word.is_ascii() {
            out.extend(word.bytes().map(|b| char::from(b.to_ascii_lowercase())));
        } else {
            // Composed and decomposed accents (NFC `é`, NFD `e` + U+0301) are one
            // letter to a reader: an editor may save either.
            use unicode_normalization::UnicodeNormalization;
            out.push_str(&word.nfc().collect::<String>().to_lowercase());
        }
    }
    out
}

/// Names at the root of the built site that are not tracks: the site's own pages
/// (`/compare/`, `/search/`, `/print/`) and folders (`/data/`, `/assets/`). A track's
/// id is its folder, so a track may not take one of these; `check` reports it
/// (`duplicate-id`) and the renderer writes these paths.
pub const RESERVED_TRACK_IDS: [&str; 5] = ["compare", "search", "print", "data", "assets"];

/// The page of the ladder's history (`/changes/`), reserved like
/// [`RESERVED_TRACK_IDS`] only when the site shows its history: a ladder without it
/// may well have a page of its own called `changes.md`.
pub const HISTORY_PAGE_ID: &str = "changes";

impl Ladder {
    /// The ids of the site's own pages and folders that no track or page may take.
    pub fn reserved_ids(&self) -> Vec<&'static str> {
        let mut ids = RESERVED_TRACK_IDS.to_vec();
        if self.config.history {
            ids.push(HISTORY_PAGE_ID);
        }
        ids
    }
}

/// Element ids a track page uses for itself (its title, contents, progression table,
/// and the `main` and search box of every page). A level's anchor on its track page
/// is its id, so a level may not take one of these; a prose section that would gets
/// a numbered anchor instead.
pub const TRACK_PAGE_IDS: [&str; 7] = [
    "title",
    "main",
    "contents",
    "progression",
    "search-input",
    "search-results",
    "row-responsibilities",
];

/// An id as a path segment of the site. Ids are checked by the front end (ASCII
/// letters, digits, `-`, `_`); anything else is slugified so that no id can climb out
/// of the site.
pub fn path_segment(id: &str) -> std::borrow::Cow<'_, str> {
    if is_valid_id(id) {
        std::borrow::Cow::Borrowed(id)
    } else {
        std::borrow::Cow::Owned(slugify(id))
    }
}

/// A URL- and file-name-safe slug: lowercase ASCII letters, digits and `-`.
/// Never empty, never contains `/`, `.` or `..`, so it cannot escape the output folder.
pub fn slugify(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut dash = false;
    let mut push = |c: char| {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
            dash = false;
        } else if !dash && !out.is_empty() {
            out.push('-');
            dash = true;
        }
    };
    for c in s.chars() {
        if c.is_ascii() {
            push(c);
        } else {
            // Non-ASCII letters are transliterated (`Ingénieur` → `ingenieur`,
            // `Инженер` → `inzhener`), so that URLs stay readable.
            deunicode::deunicode_char(c)
                .unwrap_or("-")
                .chars()
                .for_each(&mut push);
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    if out.is_empty() {
        out.push_str("untitled");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_is_lowercasing_the_words_joined_by_one_space() {
        let reference = |s: &str| {
            s.split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .to_lowercase()
        };
        for s in [
            "  Technical   ABILITY ",
            "Review\tcode\ndaily.",
            "ΟΔΟΣ ΣΑΣ",
            "ΣΑΣ\u{a0}ΟΔΟΣ",
            "İstanbul Straße",
            "",
            "   ",
        ] {
            assert_eq!(fold_label(s), reference(s), "{s:?}");
        }
        assert_eq!(fold_label("ΟΔΟΣ"), "οδος");
        // NFC and NFD spellings of one title fold alike.
        assert_eq!(fold_label("Ingénieur"), fold_label("Inge\u{301}nieur"));
    }

    #[test]
    fn slugs_never_escape() {
        for s in [
            "../etc",
            "a/b",
            " ",
            "..",
            "Ünïcode",
            "<script>",
            "Team Lead / Senior",
        ] {
            let slug = slugify(s);
            assert!(!slug.is_empty());
            assert!(slug.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'));
        }
        assert_eq!(
            slugify("Team Lead / Senior Engineer"),
            "team-lead-senior-engineer"
        );
        // Non-Latin names give readable URLs, not code points.
        assert_eq!(slugify("Ingénieur Équipe"), "ingenieur-equipe");
        assert_eq!(slugify("Inge\u{301}nieur"), "ingenieur");
        assert_eq!(slugify("тест"), "test");
    }

    #[test]
    fn responsibility_ids_are_the_slug_of_the_first_words() {
        assert_eq!(
            responsibility_slug("Mentors two engineers, at least."),
            "mentors-two-engineers-at"
        );
        assert_eq!(
            responsibility_slug("Owns the group's budget"),
            "owns-the-groups-budget"
        );
        assert_eq!(
            responsibility_slug("Leads — the design"),
            "leads-the-design"
        );
        assert_eq!(responsibility_slug("Gère l’équipe"), "gere-lequipe");
        assert_eq!(responsibility_slug(""), "untitled");
    }

    #[test]
    fn anchors_follow_github() {
        assert_eq!(github_anchor("D1 - Developer 1"), "d1---developer-1");
        assert_eq!(github_anchor("What's *new*? (2024)"), "whats-new-2024");
        assert_eq!(
            github_anchor("Ingénieur / Ingénieure"),
            "ingénieur--ingénieure"
        );
        assert_eq!(github_anchor("snake_case ok"), "snake_case-ok");
        let mut c = AnchorCounter::default();
        let got: Vec<String> = ["notes", "notes", "notes-1", "notes"]
            .iter()
            .map(|s| c.unique(s.to_string()))
            .collect();
        assert_eq!(got, ["notes", "notes-1", "notes-1-1", "notes-2"]);
    }

    #[test]
    fn span_line_col() {
        let f: Arc<str> = Arc::from("a.md");
        let text = "ab\ncdé\nx";
        let s = Span::from_offsets(&f, text, 7, 8);
        assert_eq!((s.line, s.col), (2, 4));
        let index = LineIndex::new(text);
        for i in 0..=text.len() {
            assert_eq!(
                index.span(&f, text, i, i),
                Span::from_offsets(&f, text, i, i)
            );
        }
    }
}

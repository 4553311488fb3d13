//! `import`: reads a ladder kept in a foreign format (a spreadsheet's CSV, the
//! Financial Times' YAML job families, a folder of exported HTML level pages) and
//! writes it as a ladder project: ladder.yaml and Markdown with front matter.
//!
//! It is not a second model builder. Each reader turns its format into a [`Draft`]
//! (tracks, levels, labelled Markdown blocks) plus a [`Report`] of what it mapped and
//! dropped, with file and line; [`Draft::files`] writes the draft as project files,
//! and the caller loads those with the ordinary front end before anything touches the
//! disk. A source the reader cannot map is a list of [`Diagnostic`]s on the source's
//! own text, rendered like any other.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::diagnostic::{plural, Diagnostic, Lint, Sources};
use crate::model::Span;

pub mod csv;
pub mod ft;
pub mod html;

/// The foreign formats `ladder import` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// The shape `ladder export --format csv` writes
    Csv,
    /// A folder (or one file) of YAML job families shaped like the Financial Times'
    Ft,
    /// A folder of HTML pages, one per level
    Html,
}

/// What a reader made of its source.
#[derive(Debug, Default)]
pub struct Imported {
    pub draft: Draft,
    pub report: Report,
}

/// Why an import failed.
#[derive(Debug)]
pub enum Failure {
    /// The source could not be read at all (exit 2).
    Io(anyhow::Error),
    /// The source was read but holds something the reader cannot map (exit 1).
    Bad {
        diagnostics: Vec<Diagnostic>,
        sources: Sources,
    },
}

impl From<anyhow::Error> for Failure {
    fn from(e: anyhow::Error) -> Self {
        Failure::Io(e)
    }
}

/// Reads `source` in `format`.
pub fn read(format: Format, source: &Path) -> Result<Imported, Failure> {
    match format {
        Format::Csv => csv::read(source),
        Format::Ft => ft::read(source),
        Format::Html => html::read(source),
    }
}

/// A ladder as a reader found it, before it is written as a project.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Draft {
    /// Display names of bands (ladder.yaml `bands`).
    pub band_names: BTreeMap<i64, String>,
    pub tracks: Vec<DraftTrack>,
}

#[derive(Debug, Default, Clone, PartialEq)]
pub struct DraftTrack {
    pub id: String,
    pub title: String,
    pub summary: Option<String>,
    pub dimensions: Vec<String>,
    /// Markdown before the first level.
    pub intro: String,
    pub levels: Vec<DraftLevel>,
    /// Written as a track folder (one file per level) rather than one track file.
    pub folder: bool,
}

#[derive(Debug, Default, Clone, PartialEq)]
pub struct DraftLevel {
    pub id: String,
    pub title: String,
    pub code: Option<String>,
    pub band: (i64, Option<i64>),
    /// `track/level` or a level id of the same track.
    pub inherits: Option<String>,
    /// Markdown.
    pub summary: String,
    /// (label, Markdown body), in source order.
    pub competencies: Vec<(String, String)>,
    /// Markdown of each responsibility (one line each).
    pub responsibilities: Vec<String>,
    /// Explicit ids (`{#id}`, SPEC 10) of competencies, by index in `competencies`.
    pub competency_ids: BTreeMap<usize, String>,
    /// Explicit ids of responsibilities, by index in `responsibilities`.
    pub responsibility_ids: BTreeMap<usize, String>,
}

/// What a reader mapped and dropped, per source file.
#[derive(Debug, Default)]
pub struct Report {
    /// Choices the reader made where the format says nothing (bands, order).
    pub decided: Vec<String>,
    pub files: Vec<FileReport>,
}

#[derive(Debug, Default)]
pub struct FileReport {
    pub file: String,
    pub mapped: Vec<Note>,
    pub dropped: Vec<Note>,
}

#[derive(Debug)]
pub struct Note {
    pub line: u32,
    pub what: String,
}

impl FileReport {
    pub fn new(file: impl Into<String>) -> Self {
        FileReport {
            file: file.into(),
            ..FileReport::default()
        }
    }

    pub fn mapped(&mut self, line: u32, what: impl Into<String>) {
        self.mapped.push(Note {
            line,
            what: what.into(),
        });
    }

    pub fn dropped(&mut self, line: u32, what: impl Into<String>) {
        self.dropped.push(Note {
            line,
            what: what.into(),
        });
    }
}

impl Report {
    /// The summary printed after an import: per source file, what became what.
    pub fn render(&self) -> String {
        let mut out = String::new();
        for d in &self.decided {
            out.push_str(&format!("decided: {d}\n"));
        }
        for f in &self.files {
            out.push_str(&format!("{}:\n", f.file));
            for n in &f.mapped {
                out.push_str(&format!("  mapped   {}:{}: {}\n", f.file, n.line, n.what));
            }
            for n in &f.dropped {
                out.push_str(&format!("  dropped  {}:{}: {}\n", f.file, n.line, n.what));
            }
        }
        out
    }
}

/// The files a reader reads: `source` itself, or the files directly inside the folder
/// `source` whose extension is one of `exts`, in natural order (`level-2` before
/// `level-10`).
pub(crate) fn source_files(source: &Path, exts: &[&str]) -> anyhow::Result<Vec<PathBuf>> {
    use anyhow::Context as _;
    let meta =
        std::fs::metadata(source).with_context(|| format!("cannot read {}", source.display()))?;
    if !meta.is_dir() {
        return Ok(vec![source.to_path_buf()]);
    }
    let mut paths = Vec::new();
    for entry in
        std::fs::read_dir(source).with_context(|| format!("reading {}", source.display()))?
    {
        let path = entry
            .with_context(|| format!("reading {}", source.display()))?
            .path();
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        if path.is_file() && exts.iter().any(|x| ext.eq_ignore_ascii_case(x)) {
            paths.push(path);
        }
    }
    if paths.is_empty() {
        anyhow::bail!(
            "{} holds no {} files; nothing to import",
            source.display(),
            exts.iter()
                .map(|e| format!(".{e}"))
                .collect::<Vec<_>>()
                .join(" or ")
        );
    }
    paths.sort_by_key(|p| {
        natural_key(
            &p.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
        )
    });
    Ok(paths)
}

/// A sort key reading runs of digits as numbers.
fn natural_key(name: &str) -> Vec<(String, u64)> {
    let mut key = Vec::new();
    let mut text = String::new();
    let mut chars = name.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_ascii_digit() {
            let mut n = c.to_digit(10).map_or(0, u64::from);
            while let Some(d) = chars.peek().and_then(|d| d.to_digit(10)) {
                n = n.saturating_mul(10).saturating_add(u64::from(d));
                chars.next();
            }
            key.push((std::mem::take(&mut text), n));
        } else {
            text.push(c.to_ascii_lowercase());
        }
    }
    key.push((text, 0));
    key
}

/// What a track became, for the report.
pub(crate) fn track_note(track: &DraftTrack) -> String {
    let shape = if track.folder {
        format!("a track folder content/{}/", track.id)
    } else {
        format!("content/{}.md", track.id)
    };
    format!("track `{}` \"{}\" → {shape}", track.id, track.title)
}

/// What a level became, for the report: its band and what it holds.
pub(crate) fn level_note(track: &DraftTrack, level: &DraftLevel) -> String {
    let band = match level.band {
        (low, Some(high)) => format!("{low}–{high}"),
        (low, None) => low.to_string(),
    };
    let mut held = Vec::new();
    if !level.summary.trim().is_empty() {
        held.push("summary".to_string());
    }
    if !level.competencies.is_empty() {
        let labels: Vec<&str> = level.competencies.iter().map(|(l, _)| l.as_str()).collect();
        held.push(format!(
            "{} ({})",
            plural(labels.len(), "competency", "competencies"),
            labels.join(", ")
        ));
    }
    if !level.responsibilities.is_empty() {
        held.push(plural(
            level.responsibilities.len(),
            "responsibility",
            "responsibilities",
        ));
    }
    if held.is_empty() {
        held.push("nothing".to_string());
    }
    format!(
        "level `{}/{}` \"{}\", band {band}: {}",
        track.id,
        level.id,
        level.title,
        held.join(", ")
    )
}

/// An error diagnostic at `line` of a source file whose text is `text`.
pub(crate) fn error_at(file: &Arc<str>, text: &str, line: u32, message: String) -> Diagnostic {
    let start = line_start(text, line);
    let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let end = if text[start..end].ends_with('\r') {
        end - 1
    } else {
        end
    };
    Diagnostic::new(
        Lint::FrontMatter,
        Span::from_offsets(file, text, start, end),
        message,
    )
}

/// The byte offset where 1-based `line` starts (the end of the text past the last).
pub(crate) fn line_start(text: &str, line: u32) -> usize {
    if line <= 1 {
        return 0;
    }
    text.match_indices('\n')
        .nth(line as usize - 2)
        .map_or(text.len(), |(i, _)| i + 1)
}

/// The 1-based line of byte offset `at`.
pub(crate) fn line_of(text: &str, at: usize) -> u32 {
    let at = at.min(text.len());
    text.as_bytes()[..at]
        .iter()
        .filter(|&&b| b == b'\n')
        .count() as u32
        + 1
}

/// A failure of one source file: `diagnostics` on `text`.
pub(crate) fn bad(file: &Arc<str>, text: &str, diagnostics: Vec<Diagnostic>) -> Failure {
    let mut sources = Sources::default();
    sources.insert(file.clone(), Arc::from(text));
    Failure::Bad {
        diagnostics,
        sources,
    }
}

/// The source's text as UTF-8 (a leading byte-order mark dropped), or an error at the
/// line of the first byte that is not.
pub(crate) fn decode(file: &Arc<str>, bytes: &[u8]) -> Result<String, Failure> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(text.to_string()),
        Err(e) => {
            let good = &bytes[..e.valid_up_to()];
            let line = good.iter().filter(|&&b| b == b'\n').count() as u32 + 1;
            let shown = String::from_utf8_lossy(bytes).into_owned();
            let message = format!(
                "{file} is not UTF-8 (byte {} is not); save it as UTF-8 and import again",
                e.valid_up_to() + 1
            );
            let d = error_at(file, &shown, line, message);
            Err(bad(file, &shown, vec![d]))
        }
    }
}

/// A slug usable as an id (and a file stem): lowercase ASCII letters, digits and `-`.
pub fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in deunicode::deunicode(text).chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-').to_string();
    if out.is_empty() {
        "untitled".to_string()
    } else {
        out
    }
}

/// Whether `id` is an id the front end accepts as written.
pub fn is_id(id: &str) -> bool {
    let mut chars = id.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// Markdown whose plain text is `text`: every character that could start markup is
/// backslash-escaped, so a cell reading `*not* a [link]` stays those words. A line
/// break in `text` starts a new paragraph.
pub fn escape_text(text: &str) -> String {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(escape_line)
        .collect::<Vec<_>>()
        .join("\n\n")
}

fn escape_line(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    let digits = line.len() - line.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    for (i, c) in line.char_indices() {
        let at_start = i == 0;
        let ordered_marker = digits > 0 && i == digits && matches!(c, '.' | ')');
        if matches!(
            c,
            '\\' | '`'
                | '*'
                | '_'
                | '['
                | ']'
                | '<'
                | '>'
                | '!'
                | '|'
                | '~'
                | '#'
                | '{'
                | '}'
                | '^'
                | '$'
        ) || (at_start && matches!(c, '-' | '+' | '=' | ':'))
            || ordered_marker
            || (c == '&' && opens_entity(&line[i + 1..]))
        {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Whether `rest`, just after a `&`, would make it a character reference (`&amp;`).
fn opens_entity(rest: &str) -> bool {
    let name = rest.len()
        - rest
            .trim_start_matches(|c: char| c.is_ascii_alphanumeric() || c == '#')
            .len();
    name > 0 && rest[name..].starts_with(';')
}

/// A YAML scalar for `s` (a JSON string is a YAML double-quoted scalar).
fn yaml_str(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_string())
}

fn band_yaml(band: (i64, Option<i64>)) -> String {
    match band {
        (low, Some(high)) => format!("[{low}, {high}]"),
        (low, None) => low.to_string(),
    }
}

impl Draft {
    /// The project's files (path relative to the project, text), ladder.yaml first.
    pub fn files(&self) -> Vec<(String, String)> {
        let mut files = vec![("ladder.yaml".to_string(), self.config())];
        files.push((".gitignore".to_string(), "/site/\n".to_string()));
        for (i, track) in self.tracks.iter().enumerate() {
            if track.folder {
                files.push((
                    format!("content/{}/_index.md", track.id),
                    track.front_matter(i, false) + &track.intro_text(),
                ));
                for (li, level) in track.levels.iter().enumerate() {
                    files.push((
                        format!("content/{}/{}.md", track.id, level.id),
                        level.file(li),
                    ));
                }
            } else {
                files.push((format!("content/{}.md", track.id), track.file(i)));
            }
        }
        files
    }

    fn config(&self) -> String {
        let mut out = String::from("# Written by `ladder import`.\n");
        if !self.band_names.is_empty() {
            out.push_str("bands:\n");
            for (band, name) in &self.band_names {
                out.push_str(&format!("  {band}: {}\n", yaml_str(name)));
            }
        }
        out
    }
}

impl DraftTrack {
    fn front_matter(&self, index: usize, with_levels: bool) -> String {
        let mut out = format!(
            "---\ntitle: {}\nid: {}\norder: {}\n",
            yaml_str(&self.title),
            yaml_str(&self.id),
            index + 1
        );
        if let Some(summary) = &self.summary {
            out.push_str(&format!("summary: {}\n", yaml_str(summary)));
        }
        if !self.dimensions.is_empty() {
            out.push_str("dimensions:\n");
            for d in &self.dimensions {
                out.push_str(&format!("  - {}\n", yaml_str(d)));
            }
        }
        if with_levels {
            out.push_str("levels:\n");
            for level in &self.levels {
                out.push_str(&format!(
                    "  - title: {}\n    id: {}\n",
                    yaml_str(&level.title),
                    yaml_str(&level.id)
                ));
                level.push_keys(&mut out, "    ");
            }
        }
        out.push_str("---\n");
        out
    }

    fn intro_text(&self) -> String {
        if self.intro.trim().is_empty() {
            String::new()
        } else {
            format!("\n{}\n", self.intro.trim())
        }
    }

    fn file(&self, index: usize) -> String {
        let mut out = self.front_matter(index, true);
        out.push_str(&self.intro_text());
        for level in &self.levels {
            out.push_str(&format!(
                "\n## {} {{#{}}}\n",
                escape_line(&level.title),
                level.id
            ));
            out.push_str(&level.body());
        }
        out
    }
}

impl DraftLevel {
    fn push_keys(&self, out: &mut String, indent: &str) {
        if let Some(code) = &self.code {
            out.push_str(&format!("{indent}code: {}\n", yaml_str(code)));
        }
        out.push_str(&format!("{indent}band: {}\n", band_yaml(self.band)));
        if let Some(inherits) = &self.inherits {
            out.push_str(&format!("{indent}inherits: {}\n", yaml_str(inherits)));
        }
    }

    /// A level file of a track folder.
    fn file(&self, index: usize) -> String {
        let mut out = format!(
            "---\ntitle: {}\nid: {}\norder: {}\n",
            yaml_str(&self.title),
            yaml_str(&self.id),
            index + 1
        );
        self.push_keys(&mut out, "");
        out.push_str("---\n");
        out.push_str(&self.body());
        out
    }

    /// The level's section: summary, then one bold label per competency, then the
    /// responsibilities list.
    fn body(&self) -> String {
        let mut out = String::new();
        if !self.summary.trim().is_empty() {
            out.push_str(&format!("\n{}\n", self.summary.trim()));
        }
        let pin = |id: Option<&String>| id.map_or(String::new(), |id| format!(" {{#{id}}}"));
        for (i, (label, body)) in self.competencies.iter().enumerate() {
            out.push_str(&format!(
                "\n**{}:**{}\n",
                escape_label(label),
                pin(self.competency_ids.get(&i))
            ));
            if !body.trim().is_empty() {
                out.push_str(&format!("\n{}\n", body.trim()));
            }
        }
        if !self.responsibilities.is_empty() {
            out.push_str("\n**Responsibilities:**\n\n");
            for (i, r) in self.responsibilities.iter().enumerate() {
                out.push_str(&format!(
                    "- {}{}\n",
                    r.trim(),
                    pin(self.responsibility_ids.get(&i))
                ));
            }
        }
        out
    }
}

/// A label inside `**...:**`: escaped like text, and never opening or closing with a
/// space (which would stop the bold from being bold).
fn escape_label(label: &str) -> String {
    escape_line(&crate::source::markdown::collapse(label))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaped_text_reads_back_as_the_same_words() {
        for text in [
            "*not* a [link] <b> & `code` | pipe ~x~ #1 &amp; &#35;",
            "- starts like a list",
            "1. starts like an ordered list",
            "12) also",
            "> a quote",
            "= setext",
            "a \\ backslash {#id} ^[note] $x$",
            "Hello, world: fine.",
        ] {
            let md = escape_text(text);
            assert_eq!(crate::source::markdown::plain_text(&md), text, "{md}");
        }
    }

    #[test]
    fn slugs_and_ids() {
        assert_eq!(slug("Senior Engineer (IC 5)"), "senior-engineer-ic-5");
        assert_eq!(slug("   "), "untitled");
        assert!(is_id("team-lead"));
        assert!(!is_id("-x"));
        assert!(!is_id("a b"));
    }
}

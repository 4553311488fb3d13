//! The HTML reader: a folder of pages, one per level, the shape of a career framework
//! exported as HTML. A page's H1 is the level's title, the text before its first H2
//! the level's summary, each H2 a label whose blocks (paragraphs, lists, kept as
//! Markdown lists) are its competency; an H2 reading "Responsibilities" gives the
//! level's responsibilities, one per list item. An `index.html` beside the pages, if
//! any, gives the track's title (its H1) and introduction.
//!
//! Pages are parsed by an HTML5 parser (`scraper`), never matched with patterns. The
//! parser keeps no source positions, so the line of the k-th `<h2>` in document order
//! is found as the k-th `<h2` tag in the text. The track is written as a track folder,
//! one level file per page. Pages carry no grades: when every title holds a number and
//! the numbers rise page by page ("Engineer 3", "IC4"), those are the bands; otherwise
//! the pages, in file-name order, get bands 1, 2, 3...

use scraper::node::Node;
use scraper::{ElementRef, Html};
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use super::{bad, decode, error_at, escape_text, level_note, slug, track_note};
use super::{Draft, DraftLevel, DraftTrack, Failure, FileReport, Imported, Report};

/// Reads one page, or every `.html`/`.htm` page directly inside a folder.
pub fn read(source: &Path) -> Result<Imported, Failure> {
    let paths = super::source_files(source, &["html", "htm"])?;
    let folder_name = if source.is_dir() {
        source
            .canonicalize()
            .ok()
            .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
    } else {
        source.file_stem().map(|n| n.to_string_lossy().into_owned())
    }
    .unwrap_or_else(|| "ladder".to_string());
    let mut track = DraftTrack {
        id: slug(&folder_name),
        title: folder_name.clone(),
        folder: true,
        ..DraftTrack::default()
    };
    let mut reports = Vec::new();
    let mut lines = Vec::new();
    for path in &paths {
        let bytes = std::fs::read(path)
            .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?;
        let file: Arc<str> = Arc::from(path.display().to_string().as_str());
        let text = decode(&file, &bytes)?;
        let page = Page::parse(&text);
        let mut report = FileReport::new(file.to_string());
        for (line, what) in &page.dropped {
            report.dropped(*line, what.clone());
        }
        let is_index = path
            .file_stem()
            .is_some_and(|s| s.eq_ignore_ascii_case("index"));
        let Some((title, title_line)) = page.title.clone() else {
            let d = error_at(
                &file,
                &text,
                1,
                format!(
                    "{file} has no <h1>; each page is one level, and its H1 is the level's title"
                ),
            );
            return Err(bad(&file, &text, vec![d]));
        };
        if is_index && paths.len() > 1 {
            track.title = title;
            track.intro = page.intro_markdown();
            report.mapped(
                title_line,
                format!("the track's title \"{}\" and introduction", track.title),
            );
            reports.push(report);
            continue;
        }
        let stem = path
            .file_stem()
            .map_or_else(|| "level".to_string(), |s| s.to_string_lossy().into_owned());
        let mut id = slug(&stem);
        let mut n = 2;
        while track.levels.iter().any(|l| l.id == id) {
            id = format!("{}-{n}", slug(&stem));
            n += 1;
        }
        track.levels.push(page.level(id, title));
        lines.push((reports.len(), title_line));
        reports.push(report);
    }
    let decided = decide_bands(&mut track.levels);
    let tracked = track_note(&track);
    if let Some((first, _)) = lines.first() {
        reports[*first].mapped(1, tracked);
    }
    for ((ri, line), level) in lines.iter().zip(&track.levels) {
        reports[*ri].mapped(*line, level_note(&track, level));
    }
    Ok(Imported {
        draft: Draft {
            tracks: vec![track],
            ..Draft::default()
        },
        report: Report {
            decided: vec![
                format!("the pages are one track, `{}`, written as a track folder; levels in file-name order", slug(&folder_name)),
                decided,
            ],
            files: reports,
        },
    })
}

/// Sets each level's band, and says how.
fn decide_bands(levels: &mut [DraftLevel]) -> String {
    let numbers: Vec<Option<i64>> = levels.iter().map(|l| last_number(&l.title)).collect();
    let rising = numbers.iter().all(Option::is_some)
        && numbers.windows(2).all(|w| w[0] < w[1])
        && !numbers.is_empty();
    if rising {
        for (level, n) in levels.iter_mut().zip(&numbers) {
            level.band = (n.unwrap_or_default(), None);
        }
        "bands: the number in each level's title (every title has one, rising page by page)"
            .to_string()
    } else {
        for (i, level) in levels.iter_mut().enumerate() {
            level.band = (i as i64 + 1, None);
        }
        "bands: 1, 2, 3... in page order (not every title holds a number rising page by page)"
            .to_string()
    }
}

/// The last run of digits in `title` ("IC4 Senior" → 4).
fn last_number(title: &str) -> Option<i64> {
    let end = title.rfind(|c: char| c.is_ascii_digit())? + 1;
    let start = title[..end]
        .rfind(|c: char| !c.is_ascii_digit())
        .map_or(0, |i| i + 1);
    title[start..end].parse().ok()
}

/// A block of a page, in document order.
enum Block {
    H2(String),
    Markdown(String),
    /// A list's items, as Markdown (nested lists kept inside their item).
    List(Vec<String>),
}

struct Page {
    title: Option<(String, u32)>,
    /// Blocks after the H1.
    blocks: Vec<Block>,
    dropped: Vec<(u32, String)>,
}

impl Page {
    fn parse(text: &str) -> Page {
        let html = Html::parse_document(text);
        let mut walker = Walker {
            lower: text.to_ascii_lowercase(),
            text,
            seen: HashMap::new(),
            page: Page {
                title: None,
                blocks: Vec::new(),
                dropped: Vec::new(),
            },
        };
        walker.walk(html.root_element());
        walker.page
    }

    /// The blocks as the introduction of a track (headings become emphasis).
    fn intro_markdown(&self) -> String {
        let parts: Vec<String> = self
            .blocks
            .iter()
            .map(|b| match b {
                Block::H2(t) => format!("*{}*", escape_text(t)),
                Block::Markdown(md) => md.clone(),
                Block::List(items) => list_markdown(items),
            })
            .collect();
        parts.join("\n\n")
    }

    fn level(&self, id: String, title: String) -> DraftLevel {
        let mut level = DraftLevel {
            id,
            title,
            ..DraftLevel::default()
        };
        let mut summary = Vec::new();
        let mut label: Option<(String, Vec<String>)> = None;
        let mut in_responsibilities = false;
        let close = |level: &mut DraftLevel, label: &mut Option<(String, Vec<String>)>| {
            if let Some((l, parts)) = label.take() {
                level.competencies.push((l, parts.join("\n\n")));
            }
        };
        for block in &self.blocks {
            match block {
                Block::H2(text) => {
                    close(&mut level, &mut label);
                    let name = text.trim().trim_end_matches(':').trim().to_string();
                    in_responsibilities = name.eq_ignore_ascii_case("responsibilities");
                    if !in_responsibilities {
                        label = Some((name, Vec::new()));
                    }
                }
                Block::List(items) if in_responsibilities => {
                    level
                        .responsibilities
                        .extend(items.iter().map(|i| crate::source::markdown::collapse(i)));
                }
                Block::Markdown(md) if in_responsibilities => level
                    .responsibilities
                    .push(crate::source::markdown::collapse(md)),
                Block::Markdown(md) => match &mut label {
                    Some((_, parts)) => parts.push(md.clone()),
                    None => summary.push(md.clone()),
                },
                Block::List(items) => match &mut label {
                    Some((_, parts)) => parts.push(list_markdown(items)),
                    None => summary.push(list_markdown(items)),
                },
            }
        }
        close(&mut level, &mut label);
        level.summary = summary.join("\n\n");
        level
    }
}

fn list_markdown(items: &[String]) -> String {
    items
        .iter()
        .map(|i| format!("- {}", i.replace('\n', "\n  ")))
        .collect::<Vec<_>>()
        .join("\n")
}

struct Walker<'t> {
    text: &'t str,
    lower: String,
    /// How many elements of each name the walk has met (to find their lines).
    seen: HashMap<String, usize>,
    page: Page,
}

/// Elements whose content is not part of the ladder and is left out silently.
const SILENT: [&str; 10] = [
    "head", "script", "style", "template", "noscript", "nav", "footer", "header", "button", "form",
];
/// Elements left out and reported.
const DROPPED: [&str; 8] = [
    "img", "table", "iframe", "svg", "video", "audio", "canvas", "object",
];
const BLOCKS: [&str; 18] = [
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "p",
    "ul",
    "ol",
    "pre",
    "blockquote",
    "div",
    "section",
    "article",
    "main",
    "table",
    "dl",
    "aside",
];

impl Walker<'_> {
    /// The line of the next `<name` tag in the text.
    fn line_of(&mut self, name: &str) -> u32 {
        let k = self.seen.entry(name.to_string()).or_insert(0);
        *k += 1;
        let needle = format!("<{name}");
        let mut found = 0;
        let mut from = 0;
        while let Some(i) = self.lower[from..].find(&needle) {
            let at = from + i;
            from = at + needle.len();
            let next = self.lower[from..].chars().next();
            if next.is_some_and(|c| c == '>' || c == '/' || c.is_whitespace()) {
                found += 1;
                if found == *k {
                    return super::line_of(self.text, at);
                }
            }
        }
        1
    }

    fn push(&mut self, block: Block) {
        if self.page.title.is_some() {
            self.page.blocks.push(block);
        } else {
            let line = match &block {
                Block::H2(_) => self.line_of("h2"),
                _ => 0,
            };
            let what = match block {
                Block::H2(t) => format!("the heading \"{t}\" before the page's <h1>"),
                _ => "text before the page's <h1>".to_string(),
            };
            self.page.dropped.push((line.max(1), what));
        }
    }

    fn walk(&mut self, node: ElementRef) {
        for child in node.children() {
            match child.value() {
                Node::Element(e) => {
                    let Some(el) = ElementRef::wrap(child) else {
                        continue;
                    };
                    let name = e.name().to_ascii_lowercase();
                    self.element(&name, el);
                }
                Node::Text(t) if !t.trim().is_empty() => {
                    self.push(Block::Markdown(escape_text(
                        &crate::source::markdown::collapse(t),
                    )));
                }
                _ => {}
            }
        }
    }

    fn element(&mut self, name: &str, el: ElementRef) {
        let text = || crate::source::markdown::collapse(&el.text().collect::<String>());
        match name {
            _ if SILENT.contains(&name) => {}
            _ if DROPPED.contains(&name) => {
                let line = self.line_of(name);
                self.page.dropped.push((
                    line,
                    format!("a <{name}> (ladder keeps text and lists only)"),
                ));
            }
            "h1" => {
                let line = self.line_of("h1");
                if self.page.title.is_none() && !text().is_empty() {
                    self.page.title = Some((text(), line));
                } else {
                    self.page
                        .dropped
                        .push((line, format!("a second <h1> \"{}\"", text())));
                }
            }
            "h2" => {
                let t = text();
                if self.page.title.is_some() {
                    self.line_of("h2");
                    if !t.is_empty() {
                        self.page.blocks.push(Block::H2(t));
                    }
                } else {
                    self.push(Block::H2(t));
                }
            }
            "h3" | "h4" | "h5" | "h6" => {
                let t = text();
                if !t.is_empty() {
                    self.push(Block::Markdown(format!("*{}*", escape_text(&t))));
                }
            }
            "ul" | "ol" => {
                let items = list_items(el);
                if !items.is_empty() {
                    self.push(Block::List(items));
                }
            }
            "pre" => {
                let code: String = el.text().collect();
                let fence = if code.contains("```") { "~~~~" } else { "```" };
                self.push(Block::Markdown(format!(
                    "{fence}\n{}\n{fence}",
                    code.trim_end()
                )));
            }
            "br" | "hr" => {}
            _ if has_blocks(el) => self.walk(el),
            _ => {
                let md = inline(el);
                if !md.trim().is_empty() {
                    self.push(Block::Markdown(md));
                }
            }
        }
    }
}

fn has_blocks(el: ElementRef) -> bool {
    el.children().any(|c| {
        ElementRef::wrap(c).is_some_and(|e| {
            let name = e.value().name().to_ascii_lowercase();
            BLOCKS.contains(&name.as_str()) || has_blocks(e)
        })
    })
}

/// The items of a list: each item's inline Markdown, then its nested lists indented.
fn list_items(list: ElementRef) -> Vec<String> {
    let mut items = Vec::new();
    for child in list.children().filter_map(ElementRef::wrap) {
        if !child.value().name().eq_ignore_ascii_case("li") {
            continue;
        }
        let mut text = String::new();
        let mut nested = Vec::new();
        for part in child.children() {
            match ElementRef::wrap(part) {
                Some(e) if matches!(e.value().name(), "ul" | "ol") => {
                    nested.push(list_markdown(&list_items(e)));
                }
                Some(e) => text.push_str(&inline(e)),
                None => {
                    if let Node::Text(t) = part.value() {
                        text.push_str(&escape_inline(t));
                    }
                }
            }
        }
        let mut item = crate::source::markdown::collapse(&text);
        for n in nested {
            item.push('\n');
            item.push_str(&n);
        }
        if !item.trim().is_empty() {
            items.push(item);
        }
    }
    items
}

/// Escapes text met inside a paragraph (no block may start from it).
fn escape_inline(t: &str) -> String {
    let lead = if t.starts_with(char::is_whitespace) {
        " "
    } else {
        ""
    };
    let trail = if t.ends_with(char::is_whitespace) {
        " "
    } else {
        ""
    };
    let inner = escape_text(&crate::source::markdown::collapse(t)).replace("\n\n", " ");
    if inner.is_empty() {
        lead.to_string()
    } else {
        format!("{lead}{inner}{trail}")
    }
}

/// The inline Markdown of an element: emphasis, code and links kept, other tags dropped.
fn inline(el: ElementRef) -> String {
    let mut out = String::new();
    for child in el.children() {
        match child.value() {
            Node::Text(t) => out.push_str(&escape_inline(t)),
            Node::Element(e) => {
                let Some(inner_el) = ElementRef::wrap(child) else {
                    continue;
                };
                let inner = inline(inner_el);
                let trimmed = inner.trim();
                let wrap = |mark: &str| {
                    if trimmed.is_empty() {
                        inner.clone()
                    } else {
                        let lead = if inner.starts_with(' ') { " " } else { "" };
                        let trail = if inner.ends_with(' ') { " " } else { "" };
                        format!("{lead}{mark}{trimmed}{mark}{trail}")
                    }
                };
                match e.name().to_ascii_lowercase().as_str() {
                    "strong" | "b" => out.push_str(&wrap("**")),
                    "em" | "i" => out.push_str(&wrap("*")),
                    "code" => {
                        let raw: String = inner_el.text().collect();
                        if raw.contains('`') || raw.trim().is_empty() {
                            out.push_str(&inner);
                        } else {
                            out.push_str(&format!("`{}`", raw.trim()));
                        }
                    }
                    "a" => match e.attr("href") {
                        Some(href)
                            if !trimmed.is_empty()
                                && !href.contains(|c: char| {
                                    c.is_whitespace()
                                        || c == '('
                                        || c == ')'
                                        || c == '<'
                                        || c == '>'
                                }) =>
                        {
                            out.push_str(&format!("[{trimmed}]({href})"));
                        }
                        _ => out.push_str(&inner),
                    },
                    "br" => out.push(' '),
                    "script" | "style" | "img" | "svg" => {}
                    _ => out.push_str(&inner),
                }
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_gives_a_level_with_labels_lists_and_responsibilities() {
        let page = Page::parse(
            "<html><body><nav>Home</nav><h1>Engineer 2</h1><p>Ships <b>features</b>.</p>\
             <h2>Craft</h2><ul><li>Tests, first<ul><li>always</li></ul></li><li>Reviews</li></ul>\
             <h2>Responsibilities</h2><ol><li>On call</li><li>Mentoring</li></ol></body></html>",
        );
        let level = page.level(
            "e2".into(),
            page.title.clone().map(|t| t.0).unwrap_or_default(),
        );
        assert_eq!(level.title, "Engineer 2");
        assert_eq!(level.summary, "Ships **features**.");
        assert_eq!(
            level.competencies,
            [(
                "Craft".to_string(),
                "- Tests, first\n  - always\n- Reviews".to_string()
            )]
        );
        assert_eq!(level.responsibilities, ["On call", "Mentoring"]);
    }

    #[test]
    fn numbers_in_titles_are_bands_only_when_they_rise() {
        assert_eq!(last_number("IC4 Senior"), Some(4));
        assert_eq!(last_number("Senior"), None);
        let mut levels = vec![
            DraftLevel {
                title: "Engineer 3".into(),
                ..DraftLevel::default()
            },
            DraftLevel {
                title: "Engineer 5".into(),
                ..DraftLevel::default()
            },
        ];
        assert!(decide_bands(&mut levels).contains("number"));
        assert_eq!(levels[1].band, (5, None));
        levels[1].title = "Lead".into();
        assert!(decide_bands(&mut levels).contains("page order"));
        assert_eq!(levels[1].band, (2, None));
    }
}

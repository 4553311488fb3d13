//! Markdown → HTML for the site, with the ladder's rules applied on the way:
//! links between track files (`managing.md#team-lead`) become links to the right page,
//! raw HTML is escaped unless `markdown.raw_html` is set, `javascript:` links are
//! dropped, headings get stable ids and tables get a scrolling wrapper.
//!
//! Links are resolved with the targets the front end stored in `Track::links`; the home
//! page (which is not a track) resolves its links the same way with [`LinkResolver`].

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd};
use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;

use super::urls::Urls;
use crate::model::{slugify, Ladder, LevelRef, LinkTarget};

/// The CommonMark extensions of SPEC section 1 ([`crate::model::Markdown::options`]).
pub(super) fn options() -> Options {
    crate::model::Markdown::options()
}

/// Where a link written in Markdown points, once resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Resolved {
    /// Not a link between track files (a web link, an image, a relative file): kept.
    Keep,
    /// A link to a page of the site.
    Url(String),
    /// A link to a track file or anchor that does not exist (a `dangling-reference`
    /// diagnostic): rendered as plain text so that the site has no broken link.
    Broken,
}

/// Resolves `file.md#anchor` links from any page, following the front end's rules:
/// paths are relative to the linking file's folder inside content/, an anchor names a
/// level id or a prose section of the target track.
pub struct LinkResolver<'a> {
    ladder: &'a Ladder,
    by_path: HashMap<&'a str, usize>,
    /// Per track, made on first use (serve renders the pages of one track after an
    /// edit, and building these for 10,000 levels cost it milliseconds).
    levels: Vec<OnceLock<HashMap<&'a str, usize>>>,
    /// Per track: `dest` as written → target, from `Track::links`; made on first use.
    track_links: Vec<OnceLock<HashMap<&'a str, Option<LinkTarget>>>>,
}

impl<'a> LinkResolver<'a> {
    pub fn new(ladder: &'a Ladder) -> LinkResolver<'a> {
        let mut by_path = HashMap::new();
        for (i, t) in ladder.tracks.iter().enumerate() {
            by_path.entry(t.path.as_str()).or_insert(i);
        }
        LinkResolver {
            ladder,
            by_path,
            levels: ladder.tracks.iter().map(|_| OnceLock::new()).collect(),
            track_links: ladder.tracks.iter().map(|_| OnceLock::new()).collect(),
        }
    }

    fn levels(&self, track: usize) -> &HashMap<&'a str, usize> {
        self.levels[track].get_or_init(|| {
            let mut m = HashMap::new();
            for (i, l) in self.ladder.tracks[track].levels.iter().enumerate() {
                m.entry(l.id.value.as_str()).or_insert(i);
            }
            m
        })
    }

    fn track_links(&self, track: usize) -> &HashMap<&'a str, Option<LinkTarget>> {
        self.track_links[track].get_or_init(|| {
            self.ladder.tracks[track]
                .links
                .iter()
                .map(|l| (l.dest.as_str(), l.target))
                .collect()
        })
    }

    /// Resolves `dest` written in track `from` (`None`: the home page, `content/_index.md`).
    fn resolve(&self, from: Option<usize>, dest: &str, urls: &Urls) -> Resolved {
        if dest.contains("://")
            || dest.starts_with("mailto:")
            || dest.starts_with("tel:")
            || dest.starts_with("//")
        {
            return Resolved::Keep;
        }
        let (file, anchor) = match dest.split_once('#') {
            Some((f, a)) => (f, Some(a)),
            None => (dest, None),
        };
        if !file.is_empty() && !file.ends_with(".md") {
            return Resolved::Keep;
        }
        if file.is_empty() && anchor.is_none() {
            return Resolved::Keep;
        }
        let target = match from.and_then(|t| self.track_links(t).get(dest)) {
            Some(known) => *known,
            None => self.resolve_fresh(from, file, anchor),
        };
        match target {
            None => {
                // A same-page anchor that names no level or section (for example a
                // footnote or a heading inside a body) is kept as written.
                if file.is_empty() {
                    Resolved::Keep
                } else {
                    Resolved::Broken
                }
            }
            Some(LinkTarget::Track(t)) => Resolved::Url(urls.track(self.ladder, t)),
            Some(LinkTarget::Level(r)) => Resolved::Url(urls.level(self.ladder, r)),
            Some(LinkTarget::Anchor(t)) => Resolved::Url(format!(
                "{}#{}",
                urls.track(self.ladder, t),
                anchor.unwrap_or_default()
            )),
        }
    }

    fn resolve_fresh(
        &self,
        from: Option<usize>,
        file: &str,
        anchor: Option<&str>,
    ) -> Option<LinkTarget> {
        let track = if file.is_empty() {
            from?
        } else {
            let dir = match from {
                Some(t) => self.ladder.tracks[t]
                    .path
                    .rsplit_once('/')
                    .map_or("", |(d, _)| d),
                None => "",
            };
            *self.by_path.get(join(dir, file)?.as_str())?
        };
        match anchor {
            None => Some(LinkTarget::Track(track)),
            Some(a) => {
                if let Some(&level) = self.levels(track).get(a) {
                    Some(LinkTarget::Level(LevelRef { track, level }))
                } else if self.ladder.tracks[track]
                    .prose
                    .iter()
                    .any(|p| p.anchor == a)
                {
                    Some(LinkTarget::Anchor(track))
                } else {
                    None
                }
            }
        }
    }
}

/// `eng` + `../x.md` → `x.md`; `None` when the path climbs above content/.
fn join(dir: &str, rel: &str) -> Option<String> {
    let mut parts: Vec<&str> = if rel.starts_with('/') {
        Vec::new()
    } else {
        dir.split('/').filter(|s| !s.is_empty()).collect()
    };
    for seg in rel.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

/// Renders Markdown fragments of one ladder. Cheap to share between threads.
pub struct MarkdownRenderer<'a> {
    resolver: LinkResolver<'a>,
    urls: &'a Urls,
    raw_html: bool,
}

impl<'a> MarkdownRenderer<'a> {
    pub fn new(ladder: &'a Ladder, urls: &'a Urls) -> MarkdownRenderer<'a> {
        MarkdownRenderer {
            resolver: LinkResolver::new(ladder),
            urls,
            raw_html: ladder.config.markdown.raw_html,
        }
    }

    /// Renders a block of Markdown written in track `from` (`None`: the home page).
    /// Headings without an explicit `{#id}` get `id_prefix` + their slug.
    pub fn render(&self, source: &str, from: Option<usize>, id_prefix: &str) -> String {
        let events = self.events(source, from, id_prefix);
        let mut out = String::with_capacity(source.len() * 3 / 2);
        pulldown_cmark::html::push_html(&mut out, events.into_iter());
        out
    }

    /// Like [`render`](Self::render), but a fragment that is one paragraph loses its
    /// `<p>` wrapper (for list items and table cells).
    pub fn render_inline(&self, source: &str, from: Option<usize>, id_prefix: &str) -> String {
        let mut events = self.events(source, from, id_prefix);
        let single_paragraph = matches!(events.first(), Some(Event::Start(Tag::Paragraph)))
            && matches!(events.last(), Some(Event::End(TagEnd::Paragraph)))
            && events
                .iter()
                .filter(|e| matches!(e, Event::Start(Tag::Paragraph)))
                .count()
                == 1
            && !events
                .iter()
                .any(|e| matches!(e, Event::Start(_)) && is_block_start(e));
        if single_paragraph {
            events.pop();
            events.remove(0);
        }
        let mut out = String::with_capacity(source.len() * 3 / 2);
        pulldown_cmark::html::push_html(&mut out, events.into_iter());
        out
    }

    fn events<'s>(&self, source: &'s str, from: Option<usize>, id_prefix: &str) -> Vec<Event<'s>> {
        let mut events: Vec<Event<'s>> = Vec::new();
        // Links rendered as plain text: their closing tag is dropped too.
        let mut broken_depth: Vec<bool> = Vec::new();
        for event in Parser::new_ext(source, options()) {
            match event {
                Event::Html(h) | Event::InlineHtml(h) if !self.raw_html => {
                    events.push(Event::Text(h))
                }
                Event::Start(Tag::HtmlBlock) if !self.raw_html => {
                    events.push(Event::Start(Tag::Paragraph))
                }
                Event::End(TagEnd::HtmlBlock) if !self.raw_html => {
                    events.push(Event::End(TagEnd::Paragraph))
                }
                Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                }) => {
                    if is_dangerous(&dest_url) {
                        broken_depth.push(true);
                        continue;
                    }
                    match self.resolver.resolve(from, &dest_url, self.urls) {
                        Resolved::Keep => {
                            broken_depth.push(false);
                            events.push(Event::Start(Tag::Link {
                                link_type,
                                dest_url,
                                title,
                                id,
                            }));
                        }
                        Resolved::Url(url) => {
                            broken_depth.push(false);
                            events.push(Event::Start(Tag::Link {
                                link_type,
                                dest_url: CowStr::from(url),
                                title,
                                id,
                            }));
                        }
                        Resolved::Broken => broken_depth.push(true),
                    }
                }
                Event::End(TagEnd::Link) => {
                    if !broken_depth.pop().unwrap_or(false) {
                        events.push(Event::End(TagEnd::Link));
                    }
                }
                Event::Start(Tag::Image {
                    link_type,
                    dest_url,
                    title,
                    id,
                }) => {
                    let dest_url =
                        if is_dangerous(&dest_url) && !dest_url.starts_with("data:image/") {
                            CowStr::from("")
                        } else {
                            dest_url
                        };
                    events.push(Event::Start(Tag::Image {
                        link_type,
                        dest_url,
                        title,
                        id,
                    }));
                }
                other => events.push(other),
            }
        }
        add_heading_ids(&mut events, id_prefix);
        wrap_tables(events)
    }
}

fn is_block_start(e: &Event) -> bool {
    matches!(
        e,
        Event::Start(
            Tag::Heading { .. }
                | Tag::BlockQuote(_)
                | Tag::CodeBlock(_)
                | Tag::List(_)
                | Tag::Table(_)
                | Tag::FootnoteDefinition(_)
                | Tag::HtmlBlock
        )
    )
}

/// Script URLs never become links, whatever the Markdown says.
fn is_dangerous(url: &str) -> bool {
    let lower: String = url
        .trim()
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .take(11)
        .collect::<String>()
        .to_ascii_lowercase();
    lower.starts_with("javascript:") || lower.starts_with("vbscript:") || lower.starts_with("data:")
}

/// Gives every heading without an explicit id a stable one: prefix + slug, numbered
/// when a slug repeats within the fragment.
fn add_heading_ids(events: &mut [Event<'_>], prefix: &str) {
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for i in 0..events.len() {
        let needs_id = matches!(&events[i], Event::Start(Tag::Heading { id: None, .. }));
        if !needs_id {
            continue;
        }
        let mut text = String::new();
        for e in &events[i + 1..] {
            match e {
                Event::End(TagEnd::Heading(_)) => break,
                Event::Text(t) | Event::Code(t) => text.push_str(t),
                _ => {}
            }
        }
        let base = format!("{prefix}{}", slugify(&text));
        let n = seen.entry(base.clone()).or_insert(0);
        *n += 1;
        let id = if *n == 1 { base } else { format!("{base}-{n}") };
        if let Event::Start(Tag::Heading { id: slot, .. }) = &mut events[i] {
            *slot = Some(CowStr::from(id));
        }
    }
}

/// Wraps each table in a focusable scrolling region so that wide tables stay usable
/// on a phone.
fn wrap_tables(events: Vec<Event<'_>>) -> Vec<Event<'_>> {
    let mut out = Vec::with_capacity(events.len());
    for e in events {
        match e {
            Event::Start(Tag::Table(_)) => {
                out.push(Event::Html(CowStr::from(
                    "<div class=\"table-scroll\" tabindex=\"0\" role=\"region\" aria-label=\"Table\">",
                )));
                out.push(e);
            }
            Event::End(TagEnd::Table) => {
                out.push(e);
                out.push(Event::Html(CowStr::from("</div>")));
            }
            e => out.push(e),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{load_files, InputFile, InputFiles};
    use std::sync::Arc;

    fn ladder(config: &str) -> Ladder {
        let file = |p: &str, t: &str| InputFile {
            path: Arc::from(p),
            bytes: Arc::from(t.as_bytes()),
        };
        let files = InputFiles {
            config: Some(file("ladder.yaml", config)),
            content: vec![
                file(
                    "content/a.md",
                    "---\ntitle: A\nlevels:\n  - {title: One, id: one, code: A1, band: 1}\n---\n\n## One\n\nSee [b](b.md#two) and [c](#one) and [x](missing.md).\n\n## Notes\n\nProse.\n",
                ),
                file(
                    "content/b.md",
                    "---\ntitle: B\nlevels:\n  - {title: Two, id: two, code: B1, band: 1}\n---\n\n## Two\n\nBack to [notes](a.md#notes).\n",
                ),
            ],
            diagnostics: Vec::new(),
        };
        load_files(&files).ladder
    }

    #[test]
    fn track_links_become_page_urls_under_base_url() {
        let l = ladder("base_url: /careers/ladder/\n");
        let urls = Urls::new(&l.config.base_url);
        let md = MarkdownRenderer::new(&l, &urls);
        let html = md.render(&l.tracks[0].levels[0].summary.source, Some(0), "");
        assert!(html.contains("href=\"/careers/ladder/b/two/\""), "{html}");
        assert!(html.contains("href=\"/careers/ladder/a/one/\""), "{html}");
        assert!(!html.contains("missing.md"), "{html}");
        assert!(html.contains(">x<") || html.contains(" x."), "{html}");
        let html = md.render(&l.tracks[1].levels[0].summary.source, Some(1), "");
        assert!(html.contains("href=\"/careers/ladder/a/#notes\""), "{html}");
        // The home page resolves the same way.
        let html = md.render("[b](b.md#two) [t](a.md)", None, "");
        assert!(html.contains("href=\"/careers/ladder/b/two/\""), "{html}");
        assert!(html.contains("href=\"/careers/ladder/a/\""), "{html}");
    }

    #[test]
    fn raw_html_is_escaped_unless_allowed() {
        let l = ladder("title: x\n");
        let urls = Urls::new("/");
        let md = MarkdownRenderer::new(&l, &urls);
        let html = md.render("<script>alert(1)</script>\n\nHi <b>x</b>", None, "");
        assert!(!html.contains("<script>"), "{html}");
        assert!(html.contains("&lt;script&gt;"), "{html}");
        assert!(html.contains("&lt;b&gt;"), "{html}");
        let l = ladder("markdown:\n  raw_html: true\n");
        let md = MarkdownRenderer::new(&l, &urls);
        let html = md.render("Hi <b>x</b>", None, "");
        assert!(html.contains("<b>x</b>"), "{html}");
    }

    #[test]
    fn script_urls_are_not_links() {
        let l = ladder("title: x\n");
        let urls = Urls::new("/");
        let md = MarkdownRenderer::new(&l, &urls);
        let html = md.render(
            "[x](javascript:alert(1)) [y]( JavaScript:alert(1))",
            None,
            "",
        );
        assert!(!html.to_lowercase().contains("javascript"), "{html}");
    }

    #[test]
    fn headings_get_prefixed_ids_and_tables_scroll() {
        let l = ladder("title: x\n");
        let urls = Urls::new("/");
        let md = MarkdownRenderer::new(&l, &urls);
        let html = md.render(
            "#### Deep dive\n\n#### Deep dive\n\n#### Own {#mine}\n\n|a|b|\n|-|-|\n|1|2|\n",
            None,
            "p-",
        );
        assert!(html.contains("id=\"p-deep-dive\""), "{html}");
        assert!(html.contains("id=\"p-deep-dive-2\""), "{html}");
        assert!(html.contains("id=\"mine\""), "{html}");
        assert!(html.contains("<div class=\"table-scroll\""), "{html}");
    }

    #[test]
    fn inline_drops_single_paragraph() {
        let l = ladder("title: x\n");
        let urls = Urls::new("/");
        let md = MarkdownRenderer::new(&l, &urls);
        assert_eq!(
            md.render_inline("~80% *direct* work", None, ""),
            "~80% <em>direct</em> work"
        );
        assert!(md.render_inline("a\n\nb", None, "").contains("<p>"));
    }
}

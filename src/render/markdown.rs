//! Markdown → HTML for the site, with the ladder's rules applied on the way:
//! links between track files (`managing.md#team-lead`) become links to the right page,
//! links and images to content assets become their URL under base_url,
//! raw HTML is escaped unless `markdown.raw_html` is set, `javascript:` links are
//! dropped, headings get stable ids and tables get a scrolling wrapper.
//!
//! Links and images are resolved by [`crate::links`], the resolver the front end
//! stored `Link::target` with: relative to the Markdown file that holds them, so that
//! a track file's link or an image beside it (`img/diagram.png`) gets one URL under
//! base_url that works from every page it is shown on (track, level, band, print).

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd};
use std::collections::BTreeMap;

use super::urls::Urls;
use crate::links::{self, Dangling, Origin, Resolved, Resolver};
use crate::model::{slugify, Ladder, LinkTarget, Markdown};

/// The CommonMark extensions of SPEC section 1 ([`crate::model::Markdown::options`]).
pub(super) fn options() -> Options {
    crate::model::Markdown::options()
}

/// What the page writes for a link or image destination.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Href {
    /// Kept as written (a web link, an anchor of the same page).
    Keep,
    /// A URL of the site, under base_url.
    Url(String),
    /// A link to a track file or anchor that does not exist (a `dangling-reference`
    /// diagnostic): rendered as plain text so that the site has no broken link.
    Broken,
}

/// Turns destinations into URLs with the resolver the front end used
/// ([`crate::links`]), so that the links `check` accepts are the ones the site has.
pub struct LinkResolver<'a> {
    ladder: &'a Ladder,
    resolver: Resolver<'a>,
}

impl<'a> LinkResolver<'a> {
    pub fn new(ladder: &'a Ladder) -> LinkResolver<'a> {
        LinkResolver {
            ladder,
            resolver: Resolver::new(
                &ladder.tracks,
                &ladder.pages,
                &ladder.home.path,
                &ladder.assets,
            ),
        }
    }

    /// The URL for `dest` written in `from`.
    fn href(&self, from: Place, dest: &str, urls: &Urls) -> Href {
        let origin = match from {
            Place::Track(t) => Origin::track(&self.ladder.tracks, t),
            Place::Home => Origin::home(),
            Place::Page(p) => Origin::page(&self.ladder.pages[p].path),
        };
        // The query and fragment as written, kept on a file's URL.
        let suffix = dest.find(['?', '#']).map_or("", |i| &dest[i..]);
        let file = &dest[..dest.len() - suffix.len()];
        // A file of the site by its path under the site root (the folder form of a
        // site-root link such as `/compare/` keeps its slash).
        let file_url = |path: &str| {
            let slash = if file.ends_with('/') && !path.is_empty() {
                "/"
            } else {
                ""
            };
            Href::Url(format!(
                "{}{slash}{suffix}",
                urls.page(&links::url_path(path))
            ))
        };
        match self.resolver.resolve(origin, dest) {
            Resolved::Keep => Href::Keep,
            Resolved::Page(LinkTarget::Track(t)) => Href::Url(urls.track(self.ladder, t)),
            Resolved::Page(LinkTarget::Level(r)) => Href::Url(urls.level(self.ladder, r)),
            Resolved::Page(LinkTarget::Prose { track, prose }) => Href::Url(format!(
                "{}#{}",
                urls.track(self.ladder, track),
                self.ladder.tracks[track].prose[prose].anchor
            )),
            Resolved::Page(LinkTarget::Page(p)) => Href::Url(format!(
                "{}{suffix}",
                urls.page(&crate::render::urls::page_dir(self.ladder, p))
            )),
            Resolved::Page(LinkTarget::Home) => Href::Url(format!("{}{suffix}", urls.root())),
            Resolved::Page(LinkTarget::Asset | LinkTarget::Unchecked) => Href::Keep,
            Resolved::Asset(path) | Resolved::SiteRoot(path) => file_url(&path),
            // Where the file would be published: with the lint allowed, an image
            // added later shows up without another edit.
            Resolved::Dangling(Dangling::NoFile { path }) if !path.ends_with(".md") => {
                file_url(&path)
            }
            // An anchor of this page that names no level or section (a heading
            // inside a body) still works on the track page.
            Resolved::Dangling(Dangling::NoAnchor { .. }) if file.is_empty() => Href::Keep,
            Resolved::Dangling(_) => Href::Broken,
        }
    }
}

/// The file a Markdown fragment was written in, for its links.
#[derive(Debug, Clone, Copy)]
pub enum Place {
    Home,
    Track(usize),
    /// A page that is not a track; its headings get GitHub's anchors, so that links
    /// written for GitHub (`faq.md#how-to-apply`) land on them.
    Page(usize),
}

impl From<Option<usize>> for Place {
    /// A track by index, `None` for the home page.
    fn from(track: Option<usize>) -> Place {
        track.map_or(Place::Home, Place::Track)
    }
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
    pub fn render(&self, source: &str, from: impl Into<Place>, id_prefix: &str) -> String {
        if let Some(text) = Markdown::plain_line(source) {
            let mut out = String::with_capacity(text.len() + 8);
            out.push_str("<p>");
            out.push_str(text);
            out.push_str("</p>\n");
            return out;
        }
        self.render_parsed(source, from.into(), id_prefix)
    }

    fn render_parsed(&self, source: &str, from: Place, id_prefix: &str) -> String {
        let events = self.events(source, from, id_prefix);
        let mut out = String::with_capacity(source.len() * 3 / 2);
        pulldown_cmark::html::push_html(&mut out, events.into_iter());
        // Views keep fragments' HTML while their pages are written (a band page
        // holds a thousand levels' at 10,000): without the slack of the estimate.
        out.shrink_to_fit();
        out
    }

    /// Like [`render`](Self::render), but a fragment that is one paragraph loses its
    /// `<p>` wrapper (for list items and table cells).
    pub fn render_inline(&self, source: &str, from: impl Into<Place>, id_prefix: &str) -> String {
        if let Some(text) = Markdown::plain_line(source) {
            return text.to_string();
        }
        self.render_inline_parsed(source, from.into(), id_prefix)
    }

    fn render_inline_parsed(&self, source: &str, from: Place, id_prefix: &str) -> String {
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
        // Views keep fragments' HTML while their pages are written (a band page
        // holds a thousand levels' at 10,000): without the slack of the estimate.
        out.shrink_to_fit();
        out
    }

    fn events<'s>(&self, source: &'s str, from: Place, id_prefix: &str) -> Vec<Event<'s>> {
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
                    match self.resolver.href(from, &dest_url, self.urls) {
                        Href::Keep => {
                            broken_depth.push(false);
                            events.push(Event::Start(Tag::Link {
                                link_type,
                                dest_url,
                                title,
                                id,
                            }));
                        }
                        Href::Url(url) => {
                            broken_depth.push(false);
                            events.push(Event::Start(Tag::Link {
                                link_type,
                                dest_url: CowStr::from(url),
                                title,
                                id,
                            }));
                        }
                        Href::Broken => broken_depth.push(true),
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
                            match self.resolver.href(from, &dest_url, self.urls) {
                                Href::Url(url) => CowStr::from(url),
                                Href::Keep | Href::Broken => dest_url,
                            }
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
        match from {
            // The home page and pages are written for GitHub too: their headings get
            // GitHub's anchors, and `id_prefix` only where one would take an id the
            // page already uses for itself.
            Place::Home | Place::Page(_) => {
                let ladder = self.resolver.ladder;
                let taken = |id: &str| is_site_id(ladder, id);
                add_heading_ids(&mut events, id_prefix, Some(&taken));
            }
            Place::Track(_) => add_heading_ids(&mut events, id_prefix, None),
        }
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
///
/// With `github`, a heading's id is its GitHub anchor ([`github_anchor`], repeats
/// numbered `-1`, `-2`), as the front end records it for links, and the prefix is
/// added only to an anchor that `github` says is taken.
fn add_heading_ids(events: &mut [Event<'_>], prefix: &str, github: Option<&dyn Fn(&str) -> bool>) {
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let mut anchors = crate::model::AnchorCounter::default();
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
        let id = if let Some(taken) = github {
            let anchor = anchors.unique(crate::model::github_anchor(&text));
            if taken(&anchor) {
                format!("{prefix}{anchor}")
            } else {
                anchor
            }
        } else {
            let base = format!("{prefix}{}", slugify(&text));
            let n = seen.entry(base.clone()).or_insert(0);
            *n += 1;
            if *n == 1 {
                base
            } else {
                format!("{base}-{n}")
            }
        };
        if let Event::Start(Tag::Heading { id: slot, .. }) = &mut events[i] {
            *slot = Some(CowStr::from(id));
        }
    }
}

/// Whether `id` is one the site's pages use for themselves (the home page's matrix and
/// its rows, a track page's sections, the print view's tracks and levels), so that a
/// heading of the home page or of a page must not take it.
fn is_site_id(ladder: &Ladder, id: &str) -> bool {
    const OWN: [&str; 2] = ["matrix", "tracks"];
    let numbered = |p: &str| {
        id.strip_prefix(p)
            .and_then(|r| r.strip_prefix('-'))
            .is_some_and(|n| n.trim_start_matches('-').parse::<u64>().is_ok())
    };
    crate::model::TRACK_PAGE_IDS.contains(&id)
        || OWN.contains(&id)
        || numbered("band")
        || numbered("track")
        || ladder.tracks.iter().any(|t| {
            let tid = t.id.value.as_str();
            id == tid || id.strip_prefix(tid).is_some_and(|r| r.starts_with('-'))
        })
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
    use proptest::prelude::*;
    use std::sync::Arc;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]
        /// A fragment the fast path takes renders exactly as the parser renders it,
        /// as a block and inline. The strings mix every character Markdown gives a
        /// meaning to with words, spaces, line breaks and non-ASCII text, so that
        /// the fast path is offered (and must refuse) every construct.
        #[test]
        fn plain_lines_render_as_the_parser_renders_them(
            source in crate::model::testing::markdown_fragment(),
        ) {
            let l = ladder("title: x\n");
            let urls = Urls::new("/");
            let md = MarkdownRenderer::new(&l, &urls);
            for from in [Place::Home, Place::Track(0)] {
                prop_assert_eq!(
                    md.render(&source, from, "p-"),
                    md.render_parsed(&source, from, "p-")
                );
                prop_assert_eq!(
                    md.render_inline(&source, from, "p-"),
                    md.render_inline_parsed(&source, from, "p-")
                );
            }
        }
    }

    #[test]
    fn plain_lines_take_the_fast_path_and_markup_does_not() {
        for plain in [
            "Mentors engineers on the team's services.",
            "Owns 90% of on-call; reviews (most) designs: fast/slow = 2+2?",
            "Leads écoles \"in\" practice  \n",
        ] {
            assert!(Markdown::plain_line(plain).is_some(), "{plain:?}");
        }
        for markup in [
            "Uses *emphasis*",
            "1. a list",
            "- an item",
            "    code",
            "Two\nlines",
            "A [link](x.md)",
            "Tom & Jerry",
            "# Heading",
            "",
            "~~gone~~",
        ] {
            assert!(Markdown::plain_line(markup).is_none(), "{markup:?}");
        }
    }

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
            assets: Vec::new(),
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
            Some(0),
            "p-",
        );
        assert!(html.contains("id=\"p-deep-dive\""), "{html}");
        assert!(html.contains("id=\"p-deep-dive-2\""), "{html}");
        assert!(html.contains("id=\"mine\""), "{html}");
        assert!(html.contains("<div class=\"table-scroll\""), "{html}");
    }

    /// The home page is written for GitHub too (a README): its headings keep GitHub's
    /// anchors, prefixed only where the site already uses the id.
    #[test]
    fn home_headings_get_github_anchors_unless_the_site_uses_them() {
        let l = ladder("title: x\n");
        let urls = Urls::new("/");
        let md = MarkdownRenderer::new(&l, &urls);
        let html = md.render(
            "## D1 - Developer 1\n\n## Notes\n\n## Notes\n\n## Matrix\n\n## A\n\n## Band 4\n",
            None,
            "home-",
        );
        for id in [
            "d1---developer-1",
            "notes",
            "notes-1",
            "home-matrix",
            "home-a",
            "home-band-4",
        ] {
            assert!(html.contains(&format!("id=\"{id}\"")), "{id}: {html}");
        }
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

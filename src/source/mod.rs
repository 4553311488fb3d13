//! The front end: project files in, typed [`Ladder`] plus diagnostics out.
//!
//! Three steps, each a function of its inputs so that `serve` can cache the middle one:
//! 1. discovery ([`read_project_files`]): ladder.yaml, the Markdown files of content/
//!    and its other files (content assets, published as they are), read with walkdir;
//!    unreadable files, symlink loops and non-UTF-8 bytes become diagnostics, never
//!    panics or hangs;
//! 2. per-file parsing ([`parse_track`]): front matter and Markdown sections of one
//!    track file, independent of every other file;
//! 3. [`assemble`]: orders the tracks and resolves cross references (`inherits`,
//!    links with [`crate::links`], band alignment) into indices.
//!
//! `diff` feeds the same steps with files read from git instead of the disk
//! ([`load_files`]). Lints over the assembled model live in `check`.

mod config;
mod folder;
mod item_ids;
mod labels;
mod lenient;
pub(crate) mod markdown;
mod page;
mod sections;
mod track;
pub(crate) mod yaml;

use anyhow::bail;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use crate::config::Config;
use crate::diagnostic::{Diagnostic, Lint, Sources};
use crate::links::{Origin, Resolver};
use crate::model::{Assets, Home, Ladder, LevelRef, Link, LinkTarget, Page, Span, Track};
pub use config::parse_config;

pub use folder::{gather as gather_track_folders, is_folder_index};
pub use markdown::{plain_text, render_inline_label};
pub use track::{looks_half_saved, parse_home, parse_track, ParsedTrack};

/// A loaded ladder project: the model (which holds the settings, `ladder.config`) and
/// everything needed to report.
#[derive(Debug, Clone)]
pub struct Project {
    pub ladder: Ladder,
    /// Text of every file read, for rendering diagnostics.
    pub sources: Sources,
    /// Front-end diagnostics at default severity (lints are added by `check`).
    pub diagnostics: Vec<Diagnostic>,
}

/// One input file: its path relative to the project root (with `/`) and its bytes.
#[derive(Debug, Clone)]
pub struct InputFile {
    pub path: Arc<str>,
    pub bytes: Arc<[u8]>,
}

/// All inputs of a project, as read from disk or from a git revision.
#[derive(Debug, Clone, Default)]
pub struct InputFiles {
    /// `ladder.yaml`, if present.
    pub config: Option<InputFile>,
    /// `content/**/*.md`, sorted by path.
    pub content: Vec<InputFile>,
    /// Every other file of content/ (images, PDFs: content assets), sorted by path.
    pub assets: Vec<InputFile>,
    /// Problems met while reading (unreadable files, symlink loops).
    pub diagnostics: Vec<Diagnostic>,
}

/// Loads the project at `root` from disk. Fails (exit 2) only when `root` is not a
/// ladder project at all; every problem inside it is a diagnostic.
pub fn load_project(root: &Path) -> anyhow::Result<Project> {
    Ok(load_files_owned(read_project_files(root)?))
}

/// Reads ladder.yaml and content/ under `root`.
pub fn read_project_files(root: &Path) -> anyhow::Result<InputFiles> {
    if !root.is_dir() {
        bail!("{} is not a folder", root.display());
    }
    let content_dir = root.join("content");
    let config_path = root.join("ladder.yaml");
    let has_config = std::fs::symlink_metadata(&config_path).is_ok();
    if !content_dir.is_dir() && !has_config {
        bail!(
            "{} is not a ladder project: it has no content/ folder (run `ladder init` to start one)",
            root.display()
        );
    }
    let mut files = InputFiles::default();
    if !content_dir.is_dir() {
        // ladder.yaml says this is a ladder project; its tracks are missing. That is
        // a broken ladder (exit 1, with a place), not a folder that is no project.
        let what = if content_dir.exists() {
            "content is not a folder"
        } else {
            "there is no content/ folder"
        };
        files.diagnostics.push(
            Diagnostic::new(
                Lint::Io,
                Span::file_start(&Arc::from("ladder.yaml")),
                format!("{what}: this project has no tracks"),
            )
            .with_help("a ladder project keeps one Markdown file per track in content/, such as content/technical.md"),
        );
    }
    // `symlink_metadata`, not `exists`: a dangling or looping link named ladder.yaml is
    // a file the author meant to be read, not an absent one.
    if std::fs::symlink_metadata(&config_path).is_ok() {
        match std::fs::read(&config_path) {
            Ok(bytes) => {
                files.config = Some(InputFile {
                    path: Arc::from("ladder.yaml"),
                    bytes: Arc::from(bytes),
                })
            }
            // Like an unreadable track file: a diagnostic with a place (exit 1), and
            // the content still checked, with default settings.
            Err(e) => files.diagnostics.push(
                Diagnostic::new(
                    Lint::Io,
                    Span::file_start(&Arc::from("ladder.yaml")),
                    format!("cannot read ladder.yaml: {e}"),
                )
                .with_help(
                    "make ladder.yaml a readable file, or remove it to use the default settings",
                ),
            ),
        }
    }
    // walkdir only sees a loop when a link points back inside the walk; a link to
    // content/'s parent (or higher) would walk the project again, once per level.
    if !content_dir.is_dir() {
        return Ok(files);
    }
    let content_real = std::fs::canonicalize(&content_dir).ok();
    let mut walker = walkdir::WalkDir::new(&content_dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter();
    while let Some(entry) = walker.next() {
        let entry = match entry {
            Ok(e) if e.path_is_symlink() && e.file_type().is_dir() => {
                let target = std::fs::canonicalize(e.path()).ok();
                match (&content_real, target) {
                    (Some(real), Some(target)) if real.starts_with(&target) => {
                        let rel = relative_path(root, e.path());
                        files.diagnostics.push(Diagnostic::new(
                            Lint::Io,
                            Span::file_start(&Arc::from(rel.as_str())),
                            format!(
                                "symbolic link loop at {rel}: it points to a folder that holds content/; the link is skipped"
                            ),
                        ));
                        walker.skip_current_dir();
                        continue;
                    }
                    _ => e,
                }
            }
            Ok(e) => e,
            Err(e) => {
                let where_ = e
                    .path()
                    .map(|p| relative_path(root, p))
                    .unwrap_or_else(|| "content".into());
                let message = if e.loop_ancestor().is_some() {
                    format!("symbolic link loop at {where_}; the link is skipped")
                } else {
                    format!("cannot read {where_}: {}", io_reason(&e))
                };
                files.diagnostics.push(Diagnostic::new(
                    Lint::Io,
                    Span::file_start(&Arc::from(where_.as_str())),
                    message,
                ));
                continue;
            }
        };
        if !entry.file_type().is_file() {
            continue;
        }
        let markdown = is_markdown(entry.path());
        if !markdown && !is_asset(entry.path(), content_real.as_deref()) {
            continue;
        }
        let rel: Arc<str> = Arc::from(relative_path(root, entry.path()).as_str());
        match std::fs::read(entry.path()) {
            Ok(bytes) => {
                let file = InputFile {
                    path: rel,
                    bytes: Arc::from(bytes),
                };
                if markdown {
                    files.content.push(file)
                } else {
                    files.assets.push(file)
                }
            }
            Err(e) => files.diagnostics.push(Diagnostic::new(
                Lint::Io,
                Span::file_start(&rel),
                format!("cannot read {rel}: {e}"),
            )),
        }
    }
    files.content.sort_by(|a, b| a.path.cmp(&b.path));
    files.assets.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

fn io_reason(e: &walkdir::Error) -> String {
    e.io_error()
        .map(|io| io.to_string())
        .unwrap_or_else(|| e.to_string())
}

fn is_markdown(p: &Path) -> bool {
    p.extension().is_some_and(|e| e == "md")
        && !p
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with('.') || n.starts_with('#') || n.ends_with('~'))
}

/// A file of content/ that the site publishes as it is: not Markdown, not hidden, not
/// an editor's temporary file, and really inside content/ (a symbolic link to a file
/// elsewhere is not followed out of it).
pub fn is_asset(p: &Path, content_real: Option<&Path>) -> bool {
    let Some(name) = p.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    if p.extension().is_some_and(|e| e == "md") || name.starts_with('.') || is_temporary(name) {
        return false;
    }
    match (content_real, std::fs::canonicalize(p)) {
        (Some(content), Ok(real)) => real.starts_with(content),
        _ => false,
    }
}

/// Editors' temporary, backup, swap and lock files, which are never content.
pub fn is_temporary(name: &str) -> bool {
    name.starts_with(".#")
        || (name.starts_with('#') && name.ends_with('#'))
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".swo")
        || name == "4913"
        || name.ends_with(".tmp")
        || name.starts_with(".goutputstream-")
        || name.ends_with("___jb_tmp___")
        || name.ends_with("___jb_old___")
        || name == ".DS_Store"
}

/// The content assets of `files`, keyed by path relative to content/.
pub fn assets_of(files: &[InputFile]) -> Assets {
    files
        .iter()
        .filter_map(|f| {
            let rel = f.path.strip_prefix("content/")?;
            Some((rel.to_string(), f.bytes.clone()))
        })
        .collect()
}

/// `root/content/a.md` → `content/a.md`, always with `/`.
pub fn relative_path(root: &Path, p: &Path) -> String {
    let rel = p.strip_prefix(root).unwrap_or(p);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Decodes a file as UTF-8, or explains where it is not.
pub fn decode(file: &InputFile) -> Result<Arc<str>, Diagnostic> {
    match std::str::from_utf8(&file.bytes) {
        Ok(s) => Ok(Arc::from(s.strip_prefix('\u{feff}').unwrap_or(s))),
        Err(e) => {
            let at = e.valid_up_to();
            let valid = &file.bytes[..at];
            let line = valid.iter().filter(|&&b| b == b'\n').count() as u32 + 1;
            let line_start = valid.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
            let col = String::from_utf8_lossy(&valid[line_start..])
                .chars()
                .count() as u32
                + 1;
            let byte = file.bytes[at];
            // The span is in the lossy text that `load_files` keeps for rendering: the
            // same bytes up to `at`, then U+FFFD where the bad bytes were.
            Err(Diagnostic::new(
                Lint::Io,
                Span {
                    file: file.path.clone(),
                    line,
                    col,
                    start: at,
                    end: at + char::REPLACEMENT_CHARACTER.len_utf8(),
                },
                format!("file is not valid UTF-8 (byte 0x{byte:02x} at line {line}, column {col})"),
            )
            .with_label("not UTF-8")
            .with_help("save the file as UTF-8"))
        }
    }
}

/// A content file decoded: its text, or on bad UTF-8 the diagnostic and the lossy
/// text that diagnostics show.
struct Decoded {
    path: Arc<str>,
    text: Result<Arc<str>, (Diagnostic, Arc<str>)>,
}

fn decode_all(content: &[InputFile]) -> Vec<Decoded> {
    use rayon::prelude::*;
    content
        .par_iter()
        .map(|f| Decoded {
            path: f.path.clone(),
            text: decode(f).map_err(|d| (d, Arc::from(String::from_utf8_lossy(&f.bytes).as_ref()))),
        })
        .collect()
}

/// Parses and assembles a project from its input files.
pub fn load_files(files: &InputFiles) -> Project {
    let content = decode_all(&files.content);
    load_decoded(
        files.config.as_ref(),
        content,
        &files.assets,
        files.diagnostics.clone(),
    )
}

/// [`load_files`] for files the caller gives up: the bytes of content/ are dropped
/// as soon as they are decoded, so that the project is not held twice (its bytes and
/// its text, 20 MB each at 10,000 levels) while it is parsed.
pub fn load_files_owned(files: InputFiles) -> Project {
    let InputFiles {
        config,
        content,
        assets,
        diagnostics,
    } = files;
    let decoded = decode_all(&content);
    drop(content);
    load_decoded(config.as_ref(), decoded, &assets, diagnostics)
}

fn load_decoded(
    config_file: Option<&InputFile>,
    content: Vec<Decoded>,
    assets: &[InputFile],
    mut diagnostics: Vec<Diagnostic>,
) -> Project {
    use rayon::prelude::*;

    let mut sources = Sources::default();
    let config = match config_file {
        Some(f) => match decode(f) {
            Ok(text) => {
                sources.insert(f.path.clone(), text.clone());
                let (config, d) = parse_config(&f.path, &text);
                diagnostics.extend(d);
                config
            }
            Err(d) => {
                sources.insert(
                    f.path.clone(),
                    Arc::from(String::from_utf8_lossy(&f.bytes).as_ref()),
                );
                diagnostics.push(d);
                Config::default()
            }
        },
        None => Config::default(),
    };

    let parsed: Vec<ParsedTrack> = content
        .par_iter()
        .map(|d| match &d.text {
            Ok(text) => parse_file(&d.path, text),
            Err((diagnostic, _)) => ParsedTrack {
                track: None,
                home: None,
                page: None,
                level_file: None,
                diagnostics: vec![diagnostic.clone()],
            },
        })
        .collect();

    let mut tracks = Vec::new();
    let mut home = None;
    let mut pages = Vec::new();
    let mut level_files = Vec::new();
    for (d, p) in content.into_iter().zip(parsed) {
        let text = match d.text {
            Ok(text) => text,
            Err((_, lossy)) => lossy,
        };
        sources.insert(d.path, text);
        diagnostics.extend(p.diagnostics);
        if let Some(t) = p.track {
            tracks.push(Arc::new(t));
        }
        if let Some(h) = p.home {
            home = Some(h);
        }
        pages.extend(p.page);
        level_files.extend(p.level_file);
    }
    let (home, pages) = home_and_pages(home, pages);
    folder::gather(&mut tracks, level_files, &mut diagnostics);
    let ladder = assemble(config, home, tracks, pages, Arc::new(assets_of(assets)));
    Project {
        ladder,
        sources,
        diagnostics,
    }
}

/// `content/_index.md` is the home page, not a track.
pub fn is_home(path: &str) -> bool {
    path == "content/_index.md"
}

/// Parses one Markdown file of content/: the home page, a track or a page.
pub fn parse_file(path: &Arc<str>, text: &str) -> ParsedTrack {
    if is_home(path) {
        parse_home(path, text)
    } else {
        parse_track(path, text)
    }
}

/// The home page and the pages, from what the files parsed into: `_index.md`, else
/// `README.md` at the root of content/ (which is then not a page of its own).
pub fn home_and_pages(home: Option<Home>, mut pages: Vec<Arc<Page>>) -> (Home, Vec<Arc<Page>>) {
    if let Some(home) = home {
        return (home, pages);
    }
    let Some(i) = pages.iter().position(|p| p.path == "README.md") else {
        return (Home::default(), pages);
    };
    let readme = pages.remove(i);
    let home = Home {
        title: Some(readme.title.clone()),
        body: readme.body.clone(),
        links: readme.links.clone(),
        path: readme.path.clone(),
    };
    (home, pages)
}

/// Orders tracks (by `order`, then file name) and resolves every cross reference into
/// indices. Unresolvable references stay `None`; `check` reports them.
///
/// Tracks come shared: one whose cross references resolve as they already are is
/// kept as it is (the same allocation), so that `serve` can pass the tracks of its
/// last build and copy only the ones an edit touched.
pub fn assemble(
    config: Config,
    mut home: Home,
    mut tracks: Vec<Arc<Track>>,
    mut pages: Vec<Arc<Page>>,
    assets: Arc<Assets>,
) -> Ladder {
    tracks.sort_by(|a, b| {
        (a.order.unwrap_or(i64::MAX), &a.path).cmp(&(b.order.unwrap_or(i64::MAX), &b.path))
    });
    pages.sort_by(|a, b| {
        (a.order.unwrap_or(i64::MAX), &a.path).cmp(&(b.order.unwrap_or(i64::MAX), &b.path))
    });

    use rayon::prelude::*;

    // Lookups by id; on duplicates the first wins (duplicate-id reports the rest).
    let mut track_by_id: BTreeMap<&str, usize> = BTreeMap::new();
    for (ti, t) in tracks.iter().enumerate() {
        track_by_id.entry(t.id.value.as_str()).or_insert(ti);
    }
    let resolver = Resolver::new(&tracks, &pages, &home.path, &assets);
    let targets = |from: Origin<'_>, links: &[Link]| -> Vec<Option<LinkTarget>> {
        links
            .iter()
            .map(|link| resolver.target(from, &link.dest))
            .collect()
    };

    // Every track's references, resolved against the whole ladder; each track on its
    // own (in parallel), and `None` when they resolve as the track already holds them.
    type Resolved = (Vec<Option<LevelRef>>, Vec<Option<LinkTarget>>);
    let resolved: Vec<Option<Resolved>> = tracks
        .par_iter()
        .enumerate()
        .map(|(ti, t)| {
            // inherits: `level` (same track) or `track/level`.
            let refs: Vec<Option<LevelRef>> = t
                .levels
                .iter()
                .map(|l| {
                    let target = l.inherits.as_ref()?.value.trim();
                    let (tt, lid) = match target.split_once('/') {
                        Some((track, level)) => (*track_by_id.get(track)?, level),
                        None => (ti, target),
                    };
                    let li = resolver.level(tt, lid)?;
                    Some(LevelRef {
                        track: tt,
                        level: li,
                    })
                })
                .collect();
            let targets = targets(Origin::track(&tracks, ti), &t.links);
            let same = t
                .levels
                .iter()
                .zip(&refs)
                .all(|(l, r)| l.inherits_ref == *r)
                && t.links
                    .iter()
                    .zip(&targets)
                    .all(|(link, target)| link.target == *target);
            (!same).then_some((refs, targets))
        })
        .collect();
    let home_targets = targets(Origin::home(), &home.links);
    for (link, target) in home.links.iter_mut().zip(home_targets) {
        link.target = target;
    }
    let page_targets: Vec<Vec<Option<LinkTarget>>> = pages
        .iter()
        .map(|p| targets(Origin::page(&p.path), &p.links))
        .collect();
    drop(resolver);
    for (t, r) in tracks.iter_mut().zip(resolved) {
        let Some((refs, targets)) = r else {
            continue;
        };
        let t = Arc::make_mut(t);
        for (l, r) in t.levels.iter_mut().zip(refs) {
            l.inherits_ref = r;
        }
        for (link, target) in t.links.iter_mut().zip(targets) {
            link.target = target;
        }
    }

    // Inherited responsibilities: walk the chain, nearest ancestor first; a cycle
    // stops the walk (check reports it). A track whose levels already hold what the
    // walk gives is left as it is, without building its lists.
    let inherited: Vec<Option<Vec<Vec<crate::model::Inherited>>>> = tracks
        .par_iter()
        .enumerate()
        .map(|(ti, t)| {
            let mut seen = Vec::new();
            let holds = (0..t.levels.len()).all(|li| {
                let held = &t.levels[li].inherited;
                let mut k = 0;
                let all_equal = walk_inherited(&tracks, ti, li, &mut seen, |i| {
                    let equal = held.get(k) == Some(&i);
                    k += 1;
                    equal
                });
                all_equal && k == held.len()
            });
            if holds {
                return None;
            }
            Some(
                (0..t.levels.len())
                    .map(|li| {
                        let mut out = Vec::new();
                        walk_inherited(&tracks, ti, li, &mut seen, |i| {
                            out.push(i);
                            true
                        });
                        out
                    })
                    .collect(),
            )
        })
        .collect();
    for (t, per_level) in tracks.iter_mut().zip(inherited) {
        let Some(per_level) = per_level else {
            continue;
        };
        for (l, inh) in Arc::make_mut(t).levels.iter_mut().zip(per_level) {
            l.inherited = inh;
        }
    }

    let mut bands: BTreeMap<i64, Vec<LevelRef>> = BTreeMap::new();
    for (ti, t) in tracks.iter().enumerate() {
        for (li, l) in t.levels.iter().enumerate() {
            // A level spanning grades sits in the row of each of them.
            for band in l.bands() {
                bands.entry(band).or_default().push(LevelRef {
                    track: ti,
                    level: li,
                });
            }
        }
    }

    for (p, targets) in pages.iter_mut().zip(page_targets) {
        if p.links.iter().zip(&targets).any(|(l, t)| l.target != *t) {
            for (link, target) in Arc::make_mut(p).links.iter_mut().zip(targets) {
                link.target = target;
            }
        }
    }

    Ladder {
        config,
        home,
        tracks,
        bands,
        assets,
        pages,
        history: None,
    }
}

/// Calls `f` with each responsibility level `li` of track `ti` holds through its
/// `inherits` chain, nearest ancestor first, until `f` returns false; returns whether
/// it never did. A cycle ends the walk. `seen` is scratch space.
fn walk_inherited(
    tracks: &[Arc<Track>],
    ti: usize,
    li: usize,
    seen: &mut Vec<LevelRef>,
    mut f: impl FnMut(crate::model::Inherited) -> bool,
) -> bool {
    seen.clear();
    seen.push(LevelRef {
        track: ti,
        level: li,
    });
    let mut cur = tracks[ti].levels[li].inherits_ref;
    while let Some(r) = cur {
        if seen.contains(&r) {
            break;
        }
        seen.push(r);
        let anc = &tracks[r.track].levels[r.level];
        for index in 0..anc.responsibilities.len() {
            if !f(crate::model::Inherited { from: r, index }) {
                return false;
            }
        }
        cur = anc.inherits_ref;
    }
    true
}

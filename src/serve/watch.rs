//! Watching a ladder project for `ladder serve`: file events in, one settled set of
//! [`Changes`] per save out.
//!
//! What is watched: the project root non-recursively (that catches ladder.yaml, which
//! editors replace by renaming a temporary file over it, and the creation of the
//! watched folders), and content/, templates/, static/ and themes/ recursively. A
//! folder created later is watched when it appears. The output folder is never
//! watched: it sits in the root, whose non-recursive watch ignores it, and events
//! under it are dropped if it was configured inside a watched folder.
//!
//! What is ignored: editors' temporary, backup and swap files (`.#x`, `#x#`, `x~`,
//! `.x.swp`, `.x.swx`, vim's `4913`, `*.tmp`, `.goutputstream-*`, JetBrains'
//! `___jb_tmp___`), anything under `.git/`, reads (the rebuild's own reads would
//! otherwise trigger rebuilds) and metadata-only changes.
//!
//! How a burst of events becomes one rebuild, in two stages:
//! 1. notify-debouncer-full delays every event by [`DEBOUNCE`], stitches the two
//!    halves of a rename together and drops duplicates. It emits what has aged, one
//!    batch per tick, so one save can still straddle two batches.
//! 2. [`Watcher::next_changes`] gathers batches until none has come for [`QUIET`].
//!    While a watched file is half written (created or modified, not yet closed) or
//!    a changed Markdown file is missing (vim renames the old file away before it
//!    writes the new one), it waits for [`UNSETTLED`] instead, so a rebuild never
//!    reads a file in the middle of a save; never longer than [`MAX_WAIT`] in all.
//!
//! What it leaves to others: deciding what to read and parse again (the
//! [`super::incremental::Session`]) and when to publish.

use std::collections::BTreeSet;
use std::ffi::OsStr;
use std::path::{Component, Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use notify_debouncer_full::notify::event::{AccessKind, AccessMode, ModifyKind};
use notify_debouncer_full::notify::{self, Event, EventKind, RecursiveMode};
use notify_debouncer_full::{new_debouncer, DebounceEventResult, Debouncer, RecommendedCache};

use super::incremental::Changes;

/// How long notify-debouncer-full holds each event before handing it on.
pub const DEBOUNCE: Duration = Duration::from_millis(10);
/// How long no new batch must arrive before a rebuild starts: a few of the
/// debouncer's ticks (a quarter of [`DEBOUNCE`]), so that the events of one save are
/// never split, and short enough that a save reaches the page in well under 50 ms.
pub const QUIET: Duration = Duration::from_millis(12);
/// The quiet time while a file is half written or missing.
pub const UNSETTLED: Duration = Duration::from_millis(120);
/// The longest a rebuild waits for events to settle.
pub const MAX_WAIT: Duration = Duration::from_millis(1000);

/// The folders of a project that a rebuild reads, besides ladder.yaml.
pub const WATCHED_DIRS: [&str; 4] = ["content", "templates", "static", "themes"];

/// What a path in the project is to a rebuild.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Config,
    Content,
    Theme,
    /// One of [`WATCHED_DIRS`] itself (created, removed or renamed).
    WatchedDir,
}

/// The watched set of one project, as paths.
#[derive(Debug, Clone)]
pub struct WatchedPaths {
    root: PathBuf,
    /// The output folder; events under it are never changes.
    output: PathBuf,
}

impl WatchedPaths {
    pub fn new(root: &Path, output: &Path) -> WatchedPaths {
        WatchedPaths {
            root: root.to_path_buf(),
            output: output.to_path_buf(),
        }
    }

    pub fn set_output(&mut self, output: &Path) {
        self.output = output.to_path_buf();
    }

    /// What `path` is to a rebuild, `None` when a change to it does not matter.
    pub fn target(&self, path: &Path) -> Option<Target> {
        let rel = path.strip_prefix(&self.root).ok()?;
        // An output that holds the project (ladder.yaml refuses it; an absolute path
        // may still name it) would hide every edit: then nothing is ignored for it.
        if path.starts_with(&self.output) && !self.root.starts_with(&self.output) {
            return None;
        }
        let mut parts = rel.components();
        let first = match parts.next()? {
            Component::Normal(s) => s.to_str()?,
            _ => return None,
        };
        if rel.components().count() == 1 {
            return if first == "ladder.yaml" {
                Some(Target::Config)
            } else if WATCHED_DIRS.contains(&first) {
                Some(Target::WatchedDir)
            } else {
                None
            };
        }
        if !WATCHED_DIRS.contains(&first) {
            return None;
        }
        let inner: Vec<&OsStr> = parts.map(|c| c.as_os_str()).collect();
        if inner.iter().any(|c| *c == ".git") {
            return None;
        }
        let name = inner.last()?.to_str()?;
        if is_temporary(name) {
            return None;
        }
        if first == "content" {
            // Markdown files, folders (which may hold some) and content assets (the
            // other files, published as they are) all feed the model; hidden ones not.
            (!name.starts_with('.')).then_some(Target::Content)
        } else {
            Some(Target::Theme)
        }
    }
}

pub use crate::source::is_temporary;

/// Whether an event kind can change what a rebuild reads.
fn is_change(kind: &EventKind) -> bool {
    match kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) => false,
        EventKind::Modify(ModifyKind::Metadata(_)) => false,
        _ => true,
    }
}

/// Changes gathered from batches, and files seen open for writing.
#[derive(Debug, Default)]
pub struct Pending {
    pub changes: Changes,
    /// Watched folders that appeared and must be watched.
    pub new_dirs: BTreeSet<PathBuf>,
    /// Files created or written and not yet closed.
    writing: BTreeSet<PathBuf>,
}

impl Pending {
    /// Adds one debounced event.
    pub fn add(&mut self, paths: &WatchedPaths, event: &Event) {
        if event.need_rescan() {
            self.changes.rescan = true;
        }
        if !is_change(&event.kind) {
            return;
        }
        for path in &event.paths {
            let Some(target) = paths.target(path) else {
                continue;
            };
            match &event.kind {
                EventKind::Create(_) | EventKind::Modify(ModifyKind::Data(_)) if path.is_file() => {
                    self.writing.insert(path.clone());
                }
                EventKind::Access(_)
                | EventKind::Remove(_)
                | EventKind::Modify(ModifyKind::Name(_)) => {
                    self.writing.remove(path);
                }
                _ => {}
            }
            match target {
                Target::Config => self.changes.config = true,
                Target::Content => {
                    self.changes.content.insert(path.clone());
                }
                Target::Theme => self.changes.theme = true,
                Target::WatchedDir => {
                    if path.is_dir() {
                        self.new_dirs.insert(path.clone());
                    }
                    // A whole folder came or went: read everything again.
                    self.changes.rescan = true;
                    self.changes.theme |= !path.ends_with("content");
                }
            }
        }
    }

    /// Whether a save may still be under way: a file is half written, or a changed
    /// Markdown file is missing (it may be about to be written again).
    pub fn unsettled(&self) -> bool {
        self.writing.iter().any(|p| p.is_file())
            || self
                .changes
                .content
                .iter()
                .any(|p| p.extension().is_some_and(|e| e == "md") && !p.exists())
    }
}

/// A message from the debouncer thread.
type Batch = DebounceEventResult;

/// Watches one project; see the module documentation.
pub struct Watcher {
    debouncer: Debouncer<notify::RecommendedWatcher, RecommendedCache>,
    rx: mpsc::Receiver<Batch>,
    paths: WatchedPaths,
    /// Problems met while setting up watches, for the caller to report.
    pub warnings: Vec<String>,
}

impl Watcher {
    /// Starts watching `root` (which should be canonical, as event paths are built on
    /// it). Fails only when no watcher can be created at all.
    pub fn start(root: &Path, output: &Path) -> anyhow::Result<Watcher> {
        let (tx, rx) = mpsc::channel();
        let debouncer = new_debouncer(DEBOUNCE, None, move |batch: Batch| {
            let _ = tx.send(batch);
        })
        .map_err(|e| anyhow::anyhow!("cannot watch {}: {e}", root.display()))?;
        let mut w = Watcher {
            debouncer,
            rx,
            paths: WatchedPaths::new(root, output),
            warnings: Vec::new(),
        };
        if let Err(e) = w.debouncer.watch(root, RecursiveMode::NonRecursive) {
            anyhow::bail!("cannot watch {}: {e}", root.display());
        }
        for dir in WATCHED_DIRS {
            let dir = root.join(dir);
            if dir.is_dir() {
                w.watch_dir(&dir);
            }
        }
        Ok(w)
    }

    pub fn set_output(&mut self, output: &Path) {
        self.paths.set_output(output);
    }

    fn watch_dir(&mut self, dir: &Path) {
        if let Err(e) = self.debouncer.watch(dir, RecursiveMode::Recursive) {
            self.warnings.push(format!(
                "cannot watch {}: {e}; changes there will not be seen",
                dir.display()
            ));
        }
    }

    fn absorb(&mut self, batch: Batch, pending: &mut Pending) {
        match batch {
            Ok(events) => {
                for e in &events {
                    pending.add(&self.paths, &e.event);
                }
            }
            Err(errors) => {
                // Events may have been lost: read everything again.
                for e in errors {
                    self.warnings.push(format!("file watcher: {e}"));
                }
                pending.changes.rescan = true;
            }
        }
        for dir in std::mem::take(&mut pending.new_dirs) {
            self.watch_dir(&dir);
        }
    }

    /// Blocks until something changed and the events have settled; `None` when the
    /// watcher has stopped.
    pub fn next_changes(&mut self) -> Option<Changes> {
        let mut pending = Pending::default();
        while pending.changes.is_empty() {
            let batch = self.rx.recv().ok()?;
            self.absorb(batch, &mut pending);
        }
        let started = Instant::now();
        loop {
            let wait = if pending.unsettled() {
                UNSETTLED
            } else {
                QUIET
            };
            let left = MAX_WAIT.saturating_sub(started.elapsed());
            if left.is_zero() {
                break;
            }
            match self.rx.recv_timeout(wait.min(left)) {
                Ok(batch) => self.absorb(batch, &mut pending),
                Err(mpsc::RecvTimeoutError::Timeout) => break,
                Err(mpsc::RecvTimeoutError::Disconnected) => break,
            }
        }
        Some(pending.changes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use notify_debouncer_full::notify::event::{CreateKind, DataChange, RenameMode};
    use std::fs;

    fn paths(root: &Path) -> WatchedPaths {
        WatchedPaths::new(root, &root.join("site"))
    }

    #[test]
    fn temporary_files_are_recognised() {
        for name in [
            ".#page.md",
            "#page.md#",
            "page.md~",
            ".page.md.swp",
            ".page.md.swx",
            "4913",
            "page.md.tmp",
            ".goutputstream-XYZ123",
            "page.md___jb_tmp___",
        ] {
            assert!(is_temporary(name), "{name}");
        }
        for name in ["page.md", "track-4913.md", "swp.md", "style.css"] {
            assert!(!is_temporary(name), "{name}");
        }
    }

    #[test]
    fn targets() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::create_dir_all(root.join("content/sub")).unwrap();
        let p = paths(root);
        assert_eq!(p.target(&root.join("ladder.yaml")), Some(Target::Config));
        assert_eq!(p.target(&root.join("content/a.md")), Some(Target::Content));
        assert_eq!(p.target(&root.join("content/sub")), Some(Target::Content));
        assert_eq!(
            p.target(&root.join("content/img/logo.png")),
            Some(Target::Content)
        );
        assert_eq!(p.target(&root.join("content/.hidden.png")), None);
        assert_eq!(p.target(&root.join("content/.a.md.swp")), None);
        assert_eq!(
            p.target(&root.join("templates/level.html")),
            Some(Target::Theme)
        );
        assert_eq!(
            p.target(&root.join("static/x/logo.svg")),
            Some(Target::Theme)
        );
        assert_eq!(
            p.target(&root.join("themes/t/templates/base.html")),
            Some(Target::Theme)
        );
        assert_eq!(p.target(&root.join("themes/t/.git/index")), None);
        assert_eq!(p.target(&root.join("templates")), Some(Target::WatchedDir));
        assert_eq!(p.target(&root.join("site")), None);
        assert_eq!(p.target(&root.join("site/index.html")), None);
        assert_eq!(p.target(&root.join("ladder.yaml~")), None);
        assert_eq!(p.target(&root.join("README.md")), None);
        assert_eq!(p.target(Path::new("/elsewhere/content/a.md")), None);

        // An output folder configured inside a watched one is still never watched.
        let inside = WatchedPaths::new(root, &root.join("static/out"));
        assert_eq!(inside.target(&root.join("static/out/index.html")), None);
        // An output that holds the project does not hide its edits.
        for output in [root.to_path_buf(), root.join("."), PathBuf::from("/")] {
            let around = WatchedPaths::new(root, &output);
            assert_eq!(
                around.target(&root.join("content/a.md")),
                Some(Target::Content),
                "{}",
                output.display()
            );
        }
    }

    fn event(kind: EventKind, paths: &[PathBuf]) -> Event {
        let mut e = Event::new(kind);
        for p in paths {
            e = e.add_path(p.clone());
        }
        e
    }

    #[test]
    fn an_atomic_save_is_one_content_change() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::create_dir(root.join("content")).unwrap();
        let page = root.join("content/a.md");
        let tmp = root.join("content/.a.md.tmp");
        fs::write(&page, "x").unwrap();
        let p = paths(root);
        let mut pending = Pending::default();
        pending.add(
            &p,
            &event(
                EventKind::Create(CreateKind::File),
                std::slice::from_ref(&tmp),
            ),
        );
        pending.add(
            &p,
            &event(
                EventKind::Modify(ModifyKind::Data(DataChange::Any)),
                std::slice::from_ref(&tmp),
            ),
        );
        pending.add(
            &p,
            &event(
                EventKind::Access(AccessKind::Open(AccessMode::Any)),
                std::slice::from_ref(&page),
            ),
        );
        assert!(
            pending.changes.is_empty(),
            "a temporary file and a read change nothing"
        );
        pending.add(
            &p,
            &event(
                EventKind::Modify(ModifyKind::Name(RenameMode::Both)),
                &[tmp, page.clone()],
            ),
        );
        assert_eq!(pending.changes.content, BTreeSet::from([page]));
        assert!(!pending.changes.config && !pending.changes.theme && !pending.changes.rescan);
        assert!(!pending.unsettled());
    }

    #[test]
    fn a_half_written_or_missing_file_is_unsettled() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::create_dir(root.join("content")).unwrap();
        let page = root.join("content/a.md");
        fs::write(&page, "x").unwrap();
        let p = paths(root);
        let mut pending = Pending::default();
        pending.add(
            &p,
            &event(
                EventKind::Modify(ModifyKind::Data(DataChange::Any)),
                std::slice::from_ref(&page),
            ),
        );
        assert!(pending.unsettled(), "written, not yet closed");
        pending.add(
            &p,
            &event(
                EventKind::Access(AccessKind::Close(AccessMode::Write)),
                std::slice::from_ref(&page),
            ),
        );
        assert!(!pending.unsettled(), "closed after writing");

        // vim: the page is renamed to a backup, then written again.
        let backup = root.join("content/a.md~");
        fs::rename(&page, &backup).unwrap();
        pending.add(
            &p,
            &event(
                EventKind::Modify(ModifyKind::Name(RenameMode::Both)),
                &[page.clone(), backup],
            ),
        );
        assert!(pending.unsettled(), "the page is missing for now");
        fs::write(&page, "y").unwrap();
        assert!(!pending.unsettled());
    }

    #[test]
    fn a_watched_folder_that_appears_is_watched_and_rescanned() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::create_dir(root.join("templates")).unwrap();
        let p = paths(root);
        let mut pending = Pending::default();
        pending.add(
            &p,
            &event(
                EventKind::Create(CreateKind::Folder),
                &[root.join("templates")],
            ),
        );
        assert_eq!(pending.new_dirs, BTreeSet::from([root.join("templates")]));
        assert!(pending.changes.rescan && pending.changes.theme);
    }

    #[test]
    fn watching_sees_an_atomic_save_once() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        fs::create_dir(root.join("content")).unwrap();
        let page = root.join("content/a.md");
        fs::write(&page, "one").unwrap();
        let mut w = Watcher::start(&root, &root.join("site")).unwrap();
        assert!(w.warnings.is_empty(), "{:?}", w.warnings);
        let tmp = root.join("content/.a.md.tmp");
        fs::write(&tmp, "two").unwrap();
        fs::rename(&tmp, &page).unwrap();
        fs::write(root.join("content/b.md~"), "backup").unwrap();
        let changes = w.next_changes().unwrap();
        assert_eq!(changes.content, BTreeSet::from([page]));
        assert!(!changes.rescan && !changes.config && !changes.theme);
    }
}

//! The output writer: the one place where rendering touches the disk.
//!
//! It writes the whole site into a fresh folder beside the output, then swaps it into
//! place, so that readers never see a half-written site and a failed build leaves the
//! previous one intact. It only ever replaces a folder that it created itself (it
//! leaves a marker file, [`MARKER`]) or an empty one, and never the project root, a
//! folder that contains the project, or a folder holding `content/`.

use anyhow::{bail, Context as _};
use rayon::prelude::*;
use std::collections::BTreeSet;
use std::io::{BufWriter, Write};
use std::ops::Range;
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use super::SiteFiles;

/// Name of the marker file that says "ladder wrote this folder".
pub const MARKER: &str = ".ladder-site";

const MARKER_TEXT: &str = "This folder is written by `ladder build` and replaced on every build.\n\
Do not edit it by hand: edit the ladder project and build again.\n";

/// Writes `site` to `output` (relative paths are taken from the current folder).
pub fn write_site(root: &Path, output: &Path, site: &SiteFiles) -> anyhow::Result<()> {
    if !site.deferred.is_empty() {
        return write_site(root, output, &site.materialize()?);
    }
    let files: Vec<(&std::sync::Arc<str>, &std::sync::Arc<[u8]>)> = site.files.iter().collect();
    let paths: Vec<&str> = files.iter().map(|(p, _)| &***p).collect();
    write_streamed(root, output, &paths, |i, out| {
        out.write_all(files[i].1).map_err(anyhow::Error::from)
    })
    .map(|_| ())
}

/// Writes a site file by file as it is produced: `paths[i]` gets the bytes that
/// `write(i, out)` writes to `out` (a buffered writer to the file, in the fresh
/// folder). Files are produced in parallel; nothing is held beyond each writer's
/// buffer. The folder is swapped in as [`write_site`] does, and only if every file was
/// written. Returns the number of bytes written.
pub fn write_streamed<W>(
    root: &Path,
    output: &Path,
    paths: &[&str],
    write: W,
) -> anyhow::Result<u64>
where
    W: Fn(usize, &mut dyn Write) -> anyhow::Result<()> + Sync,
{
    let groups: Vec<Range<usize>> = (0..paths.len()).map(|i| i..i + 1).collect();
    write_grouped(
        root,
        output,
        paths,
        &groups,
        |_| (),
        |(), i, out| write(i, out),
    )
}

/// [`write_streamed`] with the files in groups: `groups` are consecutive ranges of
/// `paths` that together cover it. Groups are written in parallel, the files of one
/// group one after the other, each given the value `scope` makes for its group (what
/// those files share, such as the rendered text of one track), which is dropped once
/// the group is written.
pub fn write_grouped<S, I, W>(
    root: &Path,
    output: &Path,
    paths: &[&str],
    groups: &[Range<usize>],
    scope: I,
    write: W,
) -> anyhow::Result<u64>
where
    I: Fn(&Range<usize>) -> S + Sync,
    W: Fn(&S, usize, &mut dyn Write) -> anyhow::Result<()> + Sync,
{
    let mut next = 0;
    for g in groups {
        if g.start != next || g.end < g.start {
            bail!("the site's files are grouped out of order (a bug)");
        }
        next = g.end;
    }
    if next != paths.len() {
        bail!("the site's files are not all in a group (a bug)");
    }
    for path in paths {
        check_relative(path)?;
    }
    let output = absolute(output)?;
    let root = absolute(root)?;
    let (parent, name) = match (output.parent(), output.file_name()) {
        (Some(p), Some(n)) => (p.to_path_buf(), n.to_string_lossy().into_owned()),
        _ => bail!(
            "cannot write the site to {}: choose a folder inside the project",
            output.display()
        ),
    };
    std::fs::create_dir_all(&parent).with_context(|| format!("creating {}", parent.display()))?;
    let parent = parent
        .canonicalize()
        .with_context(|| format!("resolving {}", parent.display()))?;
    let output = parent.join(&name);
    let root = root.canonicalize().unwrap_or(root);
    check_replaceable(&root, &output)?;

    remove_leftovers(&parent, &name, &output);
    let tmp = parent.join(format!(".{name}.ladder-new-{}", unique()));
    let result = write_tree(&tmp, paths, groups, &scope, &write)
        .and_then(|n| swap_in(&tmp, &output).map(|()| n));
    if result.is_err() {
        let _ = std::fs::remove_dir_all(&tmp);
    }
    result
}

/// Refuses outputs that are not ours to replace.
fn check_replaceable(root: &Path, output: &Path) -> anyhow::Result<()> {
    if root.starts_with(output) {
        bail!(
            "refusing to write the site to {}: it is the project folder or contains it",
            output.display()
        );
    }
    let meta = match std::fs::symlink_metadata(output) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e).with_context(|| format!("reading {}", output.display())),
    };
    if meta.file_type().is_symlink() {
        bail!(
            "refusing to replace {}: it is a symbolic link; point --output at a real folder",
            output.display()
        );
    }
    if !meta.is_dir() {
        bail!(
            "refusing to replace {}: it is a file, not a folder",
            output.display()
        );
    }
    if output.join("content").exists() {
        bail!(
            "refusing to replace {}: it holds a content/ folder, so it looks like a ladder project, not a built site",
            output.display()
        );
    }
    let empty = std::fs::read_dir(output)
        .with_context(|| format!("reading {}", output.display()))?
        .next()
        .is_none();
    if !empty && !output.join(MARKER).is_file() {
        bail!(
            "refusing to replace {}: it is not empty and was not written by `ladder build` (no {MARKER} file in it); \
             choose another --output or remove the folder yourself",
            output.display()
        );
    }
    Ok(())
}

/// Writes every file of the site, and the marker, under `dir` (which must not exist).
fn write_tree<S, I, W>(
    dir: &Path,
    paths: &[&str],
    groups: &[Range<usize>],
    scope: &I,
    write: &W,
) -> anyhow::Result<u64>
where
    I: Fn(&Range<usize>) -> S + Sync,
    W: Fn(&S, usize, &mut dyn Write) -> anyhow::Result<()> + Sync,
{
    std::fs::create_dir(dir).with_context(|| format!("creating {}", dir.display()))?;
    std::fs::write(dir.join(MARKER), MARKER_TEXT).with_context(|| format!("writing {MARKER}"))?;
    // Folders first, on one thread (each once, parents before children since the set
    // is sorted), then the files in parallel: writing 10,000 pages one by one was a
    // tenth of the build, all of it on the critical path.
    let folders: BTreeSet<&str> = paths
        .iter()
        .filter_map(|rel| rel.rsplit_once('/').map(|(folder, _)| folder))
        .collect();
    for folder in folders {
        let p = dir.join(folder);
        std::fs::create_dir_all(&p).with_context(|| format!("creating {}", p.display()))?;
    }
    let total = AtomicU64::new(0);
    groups
        .par_iter()
        .try_for_each(|group| -> anyhow::Result<()> {
            let shared = scope(group);
            for i in group.clone() {
                let path = dir.join(paths[i]);
                let file = std::fs::File::create(&path)
                    .with_context(|| format!("writing {}", path.display()))?;
                let mut out = Counted {
                    inner: BufWriter::with_capacity(64 * 1024, file),
                    bytes: 0,
                };
                write(&shared, i, &mut out)
                    .and_then(|()| out.flush().map_err(anyhow::Error::from))
                    .with_context(|| format!("writing {}", path.display()))?;
                total.fetch_add(out.bytes, Ordering::Relaxed);
            }
            Ok(())
        })?;
    Ok(total.into_inner())
}

/// A writer that counts what goes through it.
struct Counted<W> {
    inner: W,
    bytes: u64,
}

impl<W: Write> Write for Counted<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.bytes += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// Cleans up after a build that was killed beside `output` (whose folder name is
/// `name`): its half-written new folder (`.<name>.ladder-new-<pid>-…`) is removed;
/// the previous site it had moved aside to swap (`.<name>.ladder-old-<pid>-…`) is
/// put back when the output is missing (killed between the two renames), else
/// removed. Only folders holding our [`MARKER`] whose process is gone are touched (a
/// build running now into the same output keeps its own); where the process table
/// cannot be read (no `/proc`), nothing is.
fn remove_leftovers(parent: &Path, name: &str, output: &Path) {
    if !Path::new("/proc/self").exists() {
        return;
    }
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    let (new_prefix, old_prefix) = (
        format!(".{name}.ladder-new-"),
        format!(".{name}.ladder-old-"),
    );
    let mut leftovers: Vec<(bool, PathBuf)> = Vec::new();
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(file_name) = file_name.to_str() else {
            continue;
        };
        let (old, rest) = match (
            file_name.strip_prefix(&new_prefix),
            file_name.strip_prefix(&old_prefix),
        ) {
            (Some(rest), _) => (false, rest),
            (None, Some(rest)) => (true, rest),
            (None, None) => continue,
        };
        let Some(pid) = rest.split('-').next().and_then(|p| p.parse::<u32>().ok()) else {
            continue;
        };
        let path = entry.path();
        if !Path::new("/proc").join(pid.to_string()).exists() && path.join(MARKER).is_file() {
            leftovers.push((old, path));
        }
    }
    for (old, path) in leftovers {
        if old && !output.exists() && std::fs::rename(&path, output).is_ok() {
            continue;
        }
        let _ = std::fs::remove_dir_all(&path);
    }
}

/// Moves `new` to `output`, moving the old site aside first and deleting it after.
fn swap_in(new: &Path, output: &Path) -> anyhow::Result<()> {
    if !output.exists() {
        return std::fs::rename(new, output)
            .with_context(|| format!("moving the new site to {}", output.display()));
    }
    let name = output
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let old = output.with_file_name(format!(".{name}.ladder-old-{}", unique()));
    std::fs::rename(output, &old)
        .with_context(|| format!("moving the previous site {} aside", output.display()))?;
    if let Err(e) = std::fs::rename(new, output) {
        // Put the previous site back: a failed build must not lose it.
        let _ = std::fs::rename(&old, output);
        return Err(e).with_context(|| format!("moving the new site to {}", output.display()));
    }
    std::fs::remove_dir_all(&old)
        .with_context(|| format!("removing the previous site at {}", old.display()))
}

/// A path inside the site: relative, `/`-separated, no `.`, `..` or empty parts.
fn check_relative(path: &str) -> anyhow::Result<()> {
    let ok = !path.is_empty()
        && !path.contains('\\')
        && !path.contains('\0')
        && path != MARKER
        && path
            .split('/')
            .all(|part| !part.is_empty() && part != "." && part != "..")
        && Path::new(path)
            .components()
            .all(|c| matches!(c, Component::Normal(_)));
    if ok {
        Ok(())
    } else {
        bail!("refusing to write `{path}`: it is not a plain path inside the site folder")
    }
}

fn absolute(p: &Path) -> anyhow::Result<PathBuf> {
    std::path::absolute(p).with_context(|| format!("resolving {}", p.display()))
}

/// A name part no other build running now can pick.
fn unique() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    format!(
        "{}-{}-{nanos}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(files: &[(&str, &str)]) -> SiteFiles {
        SiteFiles {
            files: files
                .iter()
                .map(|(p, t)| (std::sync::Arc::from(*p), std::sync::Arc::from(t.as_bytes())))
                .collect(),
            deferred: Default::default(),
        }
    }

    fn assert_no_temporary_folders(dir: &Path) {
        let leftovers: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().contains("ladder-"))
            .collect();
        assert!(leftovers.is_empty(), "no temporary folders left behind");
    }

    #[test]
    fn writes_then_replaces_its_own_folder() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("site");
        write_site(
            dir.path(),
            &out,
            &site(&[("index.html", "one"), ("a/b/index.html", "b")]),
        )
        .unwrap();
        assert_eq!(
            std::fs::read_to_string(out.join("a/b/index.html")).unwrap(),
            "b"
        );
        assert!(out.join(MARKER).is_file());
        write_site(dir.path(), &out, &site(&[("index.html", "two")])).unwrap();
        assert_eq!(
            std::fs::read_to_string(out.join("index.html")).unwrap(),
            "two"
        );
        assert!(!out.join("a").exists(), "stale files are gone");
        assert_no_temporary_folders(dir.path());
    }

    /// A file that fails while the site is streamed (a template error on one page)
    /// leaves the previous site as it was and no temporary folder behind.
    #[test]
    fn a_file_failing_mid_stream_leaves_the_previous_site() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("site");
        write_site(dir.path(), &out, &site(&[("index.html", "old")])).unwrap();
        let paths = ["index.html", "a/index.html", "b/index.html", "c/index.html"];
        let err = write_streamed(dir.path(), &out, &paths, |i, w| {
            if i == 2 {
                w.write_all(b"half a page")?;
                anyhow::bail!("rendering template level.html: broken");
            }
            Ok(w.write_all(b"new")?)
        })
        .unwrap_err();
        assert!(format!("{err:#}").contains("broken"), "{err:#}");
        assert_eq!(
            std::fs::read_to_string(out.join("index.html")).unwrap(),
            "old"
        );
        assert!(!out.join("a").exists());
        assert_no_temporary_folders(dir.path());
    }

    /// What a killed build left beside the output: the previous site it had moved
    /// aside comes back when the output is missing (here the next build fails, so
    /// that is what remains), its half-written folder goes, and a live build's folder
    /// is left alone.
    #[test]
    fn a_killed_builds_leftovers_are_put_back_or_removed() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("site");
        // No process has a pid above the kernel's limit (4,194,304).
        let leftover = |kind: &str, pid: u64, page: &str| {
            let p = dir.path().join(format!(".site.ladder-{kind}-{pid}-0-1"));
            std::fs::create_dir_all(&p).unwrap();
            std::fs::write(p.join(MARKER), "").unwrap();
            std::fs::write(p.join("index.html"), page).unwrap();
            p
        };
        let old = leftover("old", 4_999_999, "previous");
        let half = leftover("new", 4_999_999, "half");
        let live = leftover("new", u64::from(std::process::id()), "running");
        let err = write_streamed(dir.path(), &out, &["index.html"], |_, _| {
            anyhow::bail!("broken")
        });
        assert!(err.is_err());
        assert_eq!(
            std::fs::read_to_string(out.join("index.html")).unwrap(),
            "previous"
        );
        assert!(
            !old.exists() && !half.exists(),
            "the killed build's folders are gone"
        );
        assert!(live.exists(), "a running build's folder is kept");
    }

    #[test]
    fn refuses_foreign_folders() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("docs");
        std::fs::create_dir(&out).unwrap();
        std::fs::write(out.join("notes.txt"), "mine").unwrap();
        let err = write_site(dir.path(), &out, &site(&[("index.html", "x")])).unwrap_err();
        assert!(
            err.to_string().contains("not written by `ladder build`"),
            "{err}"
        );
        assert_eq!(
            std::fs::read_to_string(out.join("notes.txt")).unwrap(),
            "mine"
        );

        let err = write_site(dir.path(), dir.path(), &site(&[("index.html", "x")])).unwrap_err();
        assert!(err.to_string().contains("project folder"), "{err}");

        let proj = dir.path().join("proj");
        std::fs::create_dir_all(proj.join("content")).unwrap();
        std::fs::write(proj.join(MARKER), "").unwrap();
        let err = write_site(dir.path(), &proj, &site(&[("index.html", "x")])).unwrap_err();
        assert!(err.to_string().contains("content/"), "{err}");
    }

    #[test]
    fn refuses_paths_that_escape() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("site");
        for bad in ["../x.html", "/etc/x", "a//b", "a/./b", MARKER, ""] {
            let err = write_site(dir.path(), &out, &site(&[(bad, "x")]));
            assert!(err.is_err(), "{bad:?} accepted");
        }
        assert!(!out.exists());
    }
}

//! Reads a ladder project as it was at a git revision, without a checkout and without
//! a C library: the `git` command does the reading (`rev-parse` to resolve, `ls-tree`
//! to list, one `cat-file --batch` to fetch every blob in a single process).
//!
//! The project may live in a subfolder of the repository: the folder of `--root`
//! relative to the repository's top (`rev-parse --show-prefix`) is the project's path
//! at every revision. What is read is exactly what [`crate::source::read_project_files`]
//! reads from disk (ladder.yaml and content/**/*.md), handed over as the same
//! [`InputFiles`] so that parsing does not know where the bytes came from.

use anyhow::{anyhow, bail, Context as _};
use std::collections::BTreeMap;
use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;

use crate::diagnostic::{Diagnostic, Lint};
use crate::model::Span;
use crate::source::{InputFile, InputFiles};

/// The git repository that holds a project folder.
#[derive(Debug, Clone)]
pub struct Repo {
    /// The repository's top folder.
    top: PathBuf,
    /// The project's folder relative to `top`, with `/` and without a trailing `/`
    /// (empty when the project is the whole repository).
    prefix: String,
}

/// A revision resolved to a commit.
#[derive(Debug, Clone)]
pub struct Revision {
    /// What the user wrote, e.g. `origin/main`.
    pub name: String,
    /// The full commit id.
    pub commit: String,
}

impl Revision {
    /// The first 7 hex digits of the commit, as git shows it.
    pub fn short(&self) -> &str {
        self.commit.get(..7).unwrap_or(&self.commit)
    }
}

impl Repo {
    /// The repository holding `root`, or an error saying that there is none.
    pub fn discover(root: &Path) -> anyhow::Result<Repo> {
        if !root.is_dir() {
            bail!("{} is not a folder", root.display());
        }
        let out = git(root, &["rev-parse", "--show-toplevel", "--show-prefix"])?;
        if !out.status.success() {
            bail!(
                "{} is not inside a git repository, so a revision cannot be read there",
                root.display()
            );
        }
        let text = String::from_utf8_lossy(&out.stdout);
        let mut lines = text.lines();
        let top = lines
            .next()
            .filter(|l| !l.is_empty())
            .ok_or_else(|| anyhow!("git rev-parse did not print the repository's top folder"))?;
        let prefix = lines.next().unwrap_or("").trim_end_matches('/').to_string();
        Ok(Repo {
            top: PathBuf::from(top),
            prefix,
        })
    }

    /// The repository's top folder.
    pub fn top(&self) -> &Path {
        &self.top
    }

    /// Resolves `rev` to a commit; `None` when git knows no such commit.
    pub fn resolve(&self, rev: &str) -> anyhow::Result<Option<Revision>> {
        // `--end-of-options` keeps a revision that starts with `-` from being read
        // as an option.
        let spec = format!("{rev}^{{commit}}");
        let out = git(
            &self.top,
            &[
                "rev-parse",
                "--verify",
                "--quiet",
                "--end-of-options",
                &spec,
            ],
        )?;
        if !out.status.success() {
            return Ok(None);
        }
        let commit = String::from_utf8_lossy(&out.stdout).trim().to_string();
        if commit.is_empty() {
            return Ok(None);
        }
        Ok(Some(Revision {
            name: rev.to_string(),
            commit,
        }))
    }

    /// Reads ladder.yaml and content/**/*.md of the project at `rev`, and the names of
    /// its content assets.
    pub fn read_project(&self, rev: &Revision) -> anyhow::Result<InputFiles> {
        let tree = if self.prefix.is_empty() {
            format!("{}^{{tree}}", rev.commit)
        } else {
            format!("{}:{}", rev.commit, self.prefix)
        };
        let out = git(&self.top, &["ls-tree", "-r", "-z", "--full-tree", &tree])?;
        if !out.status.success() {
            bail!(
                "the project folder `{}` does not exist at {} ({})",
                self.prefix,
                rev.name,
                rev.short()
            );
        }
        // Every blob of the project's tree: path → (object id, is a symbolic link).
        let mut blobs: BTreeMap<String, (String, bool)> = BTreeMap::new();
        for entry in out.stdout.split(|&b| b == 0).filter(|e| !e.is_empty()) {
            let Some(tab) = entry.iter().position(|&b| b == b'\t') else {
                continue;
            };
            let meta = String::from_utf8_lossy(&entry[..tab]);
            let path = String::from_utf8_lossy(&entry[tab + 1..]).into_owned();
            let mut meta = meta.split(' ');
            if let (Some(mode), Some("blob"), Some(oid)) = (meta.next(), meta.next(), meta.next()) {
                blobs.insert(path, (oid.to_string(), mode == "120000"));
            }
        }
        if !blobs.keys().any(|p| p.starts_with("content/")) {
            let place = if self.prefix.is_empty() {
                String::new()
            } else {
                format!(" in `{}`", self.prefix)
            };
            bail!(
                "{} ({}) holds no ladder project{place}: it has no content/ folder",
                rev.name,
                rev.short()
            );
        }

        // A symbolic link's blob is its target path; resolve every link once.
        let links: Vec<(&String, &String)> = blobs
            .iter()
            .filter(|(_, (_, link))| *link)
            .map(|(p, (oid, _))| (p, oid))
            .collect();
        let link_oids: Vec<&str> = links.iter().map(|(_, o)| o.as_str()).collect();
        let targets = self.cat_blobs(&link_oids)?;
        let link_targets: BTreeMap<&str, Option<String>> = links
            .iter()
            .zip(targets)
            .map(|((p, _), t)| (p.as_str(), resolve_link(p, &String::from_utf8_lossy(&t))))
            .collect();

        let mut files = InputFiles::default();
        let mut wanted: Vec<(String, String)> = blobs
            .iter()
            .filter(|(p, (_, link))| !*link && is_input(p))
            .map(|(p, (oid, _))| (p.clone(), oid.clone()))
            .collect();
        // Follow links under content/ (and a linked ladder.yaml) as the disk reader does.
        let mut walk = LinkWalk {
            blobs: &blobs,
            link_targets: &link_targets,
            wanted: &mut wanted,
            diagnostics: &mut files.diagnostics,
            rev: &rev.name,
        };
        for (link, target) in &link_targets {
            if *link == "ladder.yaml" || link.starts_with("content/") {
                walk.follow(link, link, target.as_deref(), 0);
            }
        }

        wanted.sort();
        wanted.dedup_by(|a, b| a.0 == b.0);
        let oids: Vec<&str> = wanted.iter().map(|(_, o)| o.as_str()).collect();
        let contents = self.cat_blobs(&oids)?;
        for ((path, _), bytes) in wanted.into_iter().zip(contents) {
            let file = InputFile {
                path: Arc::from(path.as_str()),
                bytes: Arc::from(bytes),
            };
            if path == "ladder.yaml" {
                files.config = Some(file);
            } else {
                files.content.push(file);
            }
        }
        files.content.sort_by(|a, b| a.path.cmp(&b.path));
        // Content assets by name only: a diff compares models and renders nothing, and
        // whether a link names an existing file is all the checks ask of them.
        files.assets = blobs
            .iter()
            .filter(|(p, (_, link))| !*link && is_asset(p))
            .map(|(p, _)| InputFile {
                path: Arc::from(p.as_str()),
                bytes: Arc::from(Vec::new()),
            })
            .collect();
        Ok(files)
    }

    /// Fetches the blobs `oids`, in order, with one `git cat-file --batch`.
    fn cat_blobs(&self, oids: &[&str]) -> anyhow::Result<Vec<Vec<u8>>> {
        if oids.is_empty() {
            return Ok(Vec::new());
        }
        let mut child = Command::new("git")
            .arg("-C")
            .arg(&self.top)
            .args(["cat-file", "--batch"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .context("running git cat-file")?;
        let mut stdin = child
            .stdin
            .take()
            .ok_or_else(|| anyhow!("git cat-file has no input pipe"))?;
        let request: String = oids.iter().map(|o| format!("{o}\n")).collect();
        // Write from another thread: git answers while it reads, and a full output
        // pipe would otherwise block both sides.
        let writer = std::thread::spawn(move || stdin.write_all(request.as_bytes()));
        let mut output = Vec::new();
        child
            .stdout
            .take()
            .ok_or_else(|| anyhow!("git cat-file has no output pipe"))?
            .read_to_end(&mut output)
            .context("reading from git cat-file")?;
        let status = child.wait().context("waiting for git cat-file")?;
        match writer.join() {
            Ok(result) => result.context("writing to git cat-file")?,
            Err(_) => bail!("writing to git cat-file failed"),
        }
        if !status.success() {
            bail!("git cat-file failed ({status})");
        }
        parse_batch(&output, oids.len())
    }
}

/// Follows symbolic links inside a revision's tree, adding the files they stand for.
struct LinkWalk<'a> {
    blobs: &'a BTreeMap<String, (String, bool)>,
    link_targets: &'a BTreeMap<&'a str, Option<String>>,
    wanted: &'a mut Vec<(String, String)>,
    diagnostics: &'a mut Vec<Diagnostic>,
    rev: &'a str,
}

/// Links followed in a chain before giving up (a loop the other checks missed).
const MAX_LINK_DEPTH: usize = 8;

impl LinkWalk<'_> {
    /// `name` is the path the files get (under the link), `real` the link's own path
    /// in the tree, `target` where it points (`None`: outside the project).
    fn follow(&mut self, name: &str, real: &str, target: Option<&str>, depth: usize) {
        let span_file: Arc<str> = Arc::from(name);
        let problem = |this: &mut Self, message: String| {
            this.diagnostics.push(Diagnostic::new(
                Lint::Io,
                Span::file_start(&span_file),
                message,
            ));
        };
        let Some(target) = target else {
            return problem(
                self,
                format!(
                    "symbolic link {name} points outside the project in {}; it is skipped",
                    self.rev
                ),
            );
        };
        if depth > MAX_LINK_DEPTH || real.starts_with(&format!("{target}/")) {
            return problem(
                self,
                format!("symbolic link loop at {name}; the link is skipped"),
            );
        }
        match self.blobs.get(target) {
            Some((oid, false)) => {
                if is_input(name) {
                    self.wanted.push((name.to_string(), oid.clone()));
                }
            }
            Some((_, true)) => {
                let next = self.link_targets.get(target).cloned().flatten();
                self.follow(name, target, next.as_deref(), depth + 1);
            }
            None => {
                // A folder: every file under it, under the link's name.
                let dir = format!("{target}/");
                let under: Vec<(String, String, bool)> = self
                    .blobs
                    .range(dir.clone()..)
                    .take_while(|(p, _)| p.starts_with(&dir))
                    .map(|(p, (oid, link))| (p.clone(), oid.clone(), *link))
                    .collect();
                if under.is_empty() {
                    return problem(
                        self,
                        format!(
                            "symbolic link {name} points to {target}, which does not exist in {}",
                            self.rev
                        ),
                    );
                }
                for (p, oid, link) in under {
                    let virtual_name = format!("{name}/{}", &p[dir.len()..]);
                    if link {
                        let next = self.link_targets.get(p.as_str()).cloned().flatten();
                        self.follow(&virtual_name, &p, next.as_deref(), depth + 1);
                    } else if is_input(&virtual_name) {
                        self.wanted.push((virtual_name, oid));
                    }
                }
            }
        }
    }
}

/// Where a link at `link` (a path in the project tree) points, as a path in the same
/// tree; `None` when it leaves the project (absolute, or `..` above its top).
fn resolve_link(link: &str, target: &str) -> Option<String> {
    if target.starts_with('/') {
        return None;
    }
    let dir = link.rsplit_once('/').map_or("", |(d, _)| d);
    crate::links::join(dir, target)
}

/// A file of content/ the disk reader takes as a content asset.
fn is_asset(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    path.starts_with("content/")
        && !path.ends_with(".md")
        && !name.starts_with('.')
        && !crate::source::is_temporary(name)
}

/// ladder.yaml and content/**/*.md: what the project's reader takes.
fn is_input(path: &str) -> bool {
    path == "ladder.yaml" || (path.starts_with("content/") && is_markdown(path))
}

/// Splits `git cat-file --batch` output: per object a header `<oid> <type> <size>\n`,
/// then `size` bytes, then `\n`.
fn parse_batch(mut out: &[u8], count: usize) -> anyhow::Result<Vec<Vec<u8>>> {
    let mut blobs = Vec::with_capacity(count);
    for _ in 0..count {
        let nl = out
            .iter()
            .position(|&b| b == b'\n')
            .ok_or_else(|| anyhow!("git cat-file output ended early"))?;
        let header = String::from_utf8_lossy(&out[..nl]);
        let mut parts = header.split(' ');
        let oid = parts.next().unwrap_or("");
        let size: usize = match (parts.next(), parts.next()) {
            (Some(_kind), Some(size)) => size
                .parse()
                .with_context(|| format!("git cat-file header `{header}`"))?,
            _ => bail!("git cat-file could not read object {oid}: {header}"),
        };
        let body_start = nl + 1;
        let body_end = body_start + size;
        if out.len() < body_end {
            bail!("git cat-file output ended inside object {oid}");
        }
        blobs.push(out[body_start..body_end].to_vec());
        out = out.get(body_end + 1..).unwrap_or(&[]);
    }
    Ok(blobs)
}

/// The same file filter as the disk reader: `.md`, no hidden, backup or lock files.
fn is_markdown(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.ends_with(".md")
        && !name.starts_with('.')
        && !name.starts_with('#')
        && !name.ends_with('~')
}

pub(super) fn git(dir: &Path, args: &[&str]) -> anyhow::Result<std::process::Output> {
    Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .context("could not run `git` (is it installed and on PATH?)")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batch_output_is_split_by_sizes_not_by_lines() {
        let out = b"aaa blob 3\nx\ny\nbbb blob 0\n\n";
        let blobs = parse_batch(out, 2).unwrap();
        assert_eq!(blobs, vec![b"x\ny".to_vec(), Vec::new()]);
    }

    #[test]
    fn missing_object_is_an_error() {
        assert!(parse_batch(b"abc missing\n", 1).is_err());
    }

    #[test]
    fn links_resolve_inside_the_project_only() {
        assert_eq!(
            resolve_link("content/a.md", "b.md").as_deref(),
            Some("content/b.md")
        );
        assert_eq!(
            resolve_link("content/x/a.md", "../../shared/a.md").as_deref(),
            Some("shared/a.md")
        );
        assert_eq!(resolve_link("content/a.md", "../../a.md"), None);
        assert_eq!(resolve_link("content/a.md", "/etc/passwd"), None);
    }

    #[test]
    fn filters_like_the_disk_reader() {
        assert!(is_markdown("content/a.md"));
        assert!(!is_markdown("content/.a.md"));
        assert!(!is_markdown("content/a.md~"));
        assert!(!is_markdown("content/a.txt"));
    }
}

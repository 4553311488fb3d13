//! The history of the site (SPEC section 11): the semantic diff applied along the git
//! tags that look like versions (`v2.3.0`, `2.3.0`, pre-releases included), ordered
//! as semantic versions, and between the last tag and the working tree.
//!
//! Each tag's project is read with [`git::Repo::read_project`] and loaded by
//! [`Side::from_files`], the same functions `ladder diff` uses; consecutive versions
//! are compared with [`super::diff`]. The result is [`crate::history::History`],
//! plain data the renderer shows without knowing git.
//!
//! [`Tags`] is the part worth keeping between builds (`ladder serve`): the tags and
//! their loaded sides, with the diffs between them. [`Tags::history`] adds the
//! unreleased entry for a working tree, which is the only diff a save changes.

use rayon::prelude::*;
use std::cmp::Ordering;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use super::classes::{self, Class};
use super::git::{Repo, Revision};
use super::report::{LevelDiff, Status};
use super::{Report, Side, SideKind};
use crate::config::Version;
use crate::history::{ChangeLine, Entry, History, LevelNote};
use crate::source::Project;

/// A tag that names a version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tag {
    pub name: String,
    pub version: Version,
    pub commit: String,
    /// `YYYY-MM-DD`: the tagger's date for an annotated tag, else the commit's.
    pub date: String,
}

/// The history on the site from tags as read (or the note saying why there is none),
/// with `project` as the working tree. With `print_notes` the notes about the tags (no
/// version tag, a tag skipped) go to stderr as warnings: `build` prints them each
/// time, `serve` only when it has read the tags again.
pub fn history_of(
    tags: &Result<Tags, String>,
    project: &crate::Project,
    diagnostics: &[crate::diagnostic::Diagnostic],
    print_notes: bool,
) -> Option<std::sync::Arc<crate::history::History>> {
    let notes: &[String] = match tags {
        Ok(tags) => &tags.notes,
        Err(note) => std::slice::from_ref(note),
    };
    if print_notes {
        for note in notes {
            eprintln!("warning: {note}");
        }
    }
    let tags = tags.as_ref().ok()?;
    Some(std::sync::Arc::new(tags.history(project, diagnostics)))
}

/// The tagged versions of a project, loaded, with the entries between them.
pub struct Tags {
    /// The loaded versions, oldest first, and the last one's side.
    last: Option<(Tag, Box<Side>)>,
    /// The entries of the tagged versions, newest first.
    entries: Vec<Entry>,
    /// Tags that were skipped, with why (shown as notes).
    pub notes: Vec<String>,
}

impl Tags {
    /// Reads the version tags of the repository around `root`. `Err` is a note for
    /// the user (no repository, no version tag): the site is built without history.
    pub fn read(root: &Path) -> Result<Tags, String> {
        let repo = Repo::discover(root).map_err(|_| no_repository(root))?;
        Tags::read_in(&repo)
    }

    fn read_in(repo: &Repo) -> Result<Tags, String> {
        let listing = list_refs(repo).map_err(|e| format!("reading the git tags: {e:#}"))?;
        let tags = version_tags(&listing);
        if tags.is_empty() {
            return Err(
                "the repository has no tag that names a version (such as `v1.0.0`), so the site has no history"
                    .into(),
            );
        }
        // Each tag is read (two git commands) and loaded on its own: in parallel.
        let read: Vec<(Tag, Result<Side, String>)> = tags
            .into_par_iter()
            .map(|tag| {
                let side = load_tag(repo, &tag);
                (tag, side)
            })
            .collect();
        let mut notes = Vec::new();
        let mut loaded: Vec<(Tag, Side)> = Vec::with_capacity(read.len());
        for (tag, side) in read {
            match side {
                Ok(side) => loaded.push((tag, side)),
                Err(note) => notes.push(note),
            }
        }
        let mut entries: Vec<Entry> = (0..loaded.len())
            .into_par_iter()
            .map(|i| {
                let (tag, side) = &loaded[i];
                let mut entry = match i.checked_sub(1).map(|j| &loaded[j]) {
                    Some((old_tag, old)) => entry_of(
                        &super::diff(old, side),
                        tag.version.as_str(),
                        Some(old_tag.version.as_str()),
                    ),
                    None => first_entry(tag.version.as_str()),
                };
                entry.tag = Some(tag.name.clone());
                entry.date = Some(tag.date.clone());
                entry
            })
            .collect();
        entries.reverse();
        Ok(Tags {
            last: loaded.pop().map(|(t, s)| (t, Box::new(s))),
            entries,
            notes,
        })
    }

    /// The history with the working tree `project` (whose lints are `diagnostics`):
    /// an unreleased entry first when it differs from the last tag.
    pub fn history(
        &self,
        project: &Project,
        diagnostics: &[crate::diagnostic::Diagnostic],
    ) -> History {
        let mut entries = Vec::with_capacity(self.entries.len() + 1);
        if let Some((tag, last)) = &self.last {
            let now = Side::from_project(
                "working tree".into(),
                SideKind::WorkingTree,
                None,
                project.clone(),
                diagnostics,
            );
            let report = super::diff(last, &now);
            if report.has_changes() && report.class.is_some() {
                let mut entry = entry_of(&report, "Unreleased", Some(tag.version.as_str()));
                entry.unreleased = true;
                entry.anchor = "unreleased".into();
                entries.push(entry);
            }
        }
        entries.extend(self.entries.iter().cloned());
        History { entries }
    }
}

/// Reads and loads the project at `tag`; `Err` is the note saying why it is skipped.
fn load_tag(repo: &Repo, tag: &Tag) -> Result<Side, String> {
    let rev = Revision {
        name: tag.name.clone(),
        commit: tag.commit.clone(),
    };
    let files = repo
        .read_project(&rev)
        .map_err(|e| format!("tag {} is skipped: {e:#}", tag.name))?;
    let side = Side::from_files(
        tag.name.clone(),
        SideKind::Revision,
        Some(tag.commit.clone()),
        &files,
    );
    match side.summary.errors.first() {
        Some(first) => Err(format!(
            "tag {} is skipped: it does not parse as a ladder ({}:{}:{}: {})",
            tag.name, first.file, first.line, first.column, first.message
        )),
        None => Ok(side),
    }
}

/// [`Tags`] kept between builds by `ladder serve`: read once, and again only when
/// the repository's tags may have changed (the times of `refs/tags/` and
/// `packed-refs` in its git folder moved), so a save costs one diff, no git command.
pub struct Cache {
    /// `refs/tags` and `packed-refs` of the repository's git folder.
    refs: Option<[PathBuf; 2]>,
    stamp: Stamp,
    pub tags: Result<Tags, String>,
}

type Stamp = [Option<SystemTime>; 2];

impl Cache {
    pub fn read(root: &Path) -> Cache {
        // One discovery of the repository for both the tags and where they live.
        let repo = Repo::discover(root);
        let refs = repo.as_ref().ok().and_then(|repo| {
            let out = super::git::git(repo.top(), &["rev-parse", "--git-common-dir"]).ok()?;
            let dir = String::from_utf8_lossy(&out.stdout).trim().to_string();
            let dir = repo.top().join(dir);
            out.status
                .success()
                .then(|| [dir.join("refs/tags"), dir.join("packed-refs")])
        });
        let stamp = stamp(refs.as_ref());
        Cache {
            tags: match &repo {
                Ok(repo) => Tags::read_in(repo),
                Err(_) => Err(no_repository(root)),
            },
            refs,
            stamp,
        }
    }

    /// Reads the tags again if they may have changed; `true` when it did.
    pub fn refresh(&mut self, root: &Path) -> bool {
        let now = stamp(self.refs.as_ref());
        if now == self.stamp {
            return false;
        }
        *self = Cache::read(root);
        true
    }
}

fn no_repository(root: &Path) -> String {
    format!(
        "{} is not in a git repository, so the site has no history",
        root.display()
    )
}

fn stamp(refs: Option<&[PathBuf; 2]>) -> Stamp {
    let time = |p: &PathBuf| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    refs.map_or([None, None], |[a, b]| [time(a), time(b)])
}

/// `git for-each-ref` over the tags: name, peeled commit, object, date, per line.
fn list_refs(repo: &Repo) -> anyhow::Result<String> {
    let out = super::git::git(
        repo.top(),
        &[
            "for-each-ref",
            "--format=%(refname:strip=2)%09%(*objectname)%09%(objectname)%09%(creatordate:short)",
            "refs/tags",
        ],
    )?;
    if !out.status.success() {
        anyhow::bail!("{}", String::from_utf8_lossy(&out.stderr).trim());
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// The tags of `listing` that name a version, oldest version first; of two tags
/// naming one version (`v2.0.0` and `2.0.0`), the first by name.
fn version_tags(listing: &str) -> Vec<Tag> {
    let mut tags: Vec<Tag> = listing
        .lines()
        .filter_map(|line| {
            let mut parts = line.split('\t');
            let (name, peeled, object, date) =
                (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
            let version = Version::parse(name.strip_prefix(['v', 'V']).unwrap_or(name)).ok()?;
            let commit = if peeled.is_empty() { object } else { peeled };
            Some(Tag {
                name: name.to_string(),
                version,
                commit: commit.to_string(),
                date: date.to_string(),
            })
        })
        .collect();
    tags.sort_by(|a, b| semver_order(&a.version, &b.version).then(a.name.cmp(&b.name)));
    tags.dedup_by(|b, a| semver_order(&a.version, &b.version) == Ordering::Equal);
    tags
}

/// Semantic-version precedence (semver.org, item 11): numbers, then a pre-release
/// before its release, pre-release identifiers compared one by one (numbers
/// numerically and below words). Build metadata does not count.
pub fn semver_order(a: &Version, b: &Version) -> Ordering {
    (a.major, a.minor, a.patch)
        .cmp(&(b.major, b.minor, b.patch))
        .then_with(|| match (&a.pre, &b.pre) {
            (None, None) => Ordering::Equal,
            (None, Some(_)) => Ordering::Greater,
            (Some(_), None) => Ordering::Less,
            (Some(x), Some(y)) => {
                let (mut xs, mut ys) = (x.split('.'), y.split('.'));
                loop {
                    match (xs.next(), ys.next()) {
                        (None, None) => return Ordering::Equal,
                        (None, Some(_)) => return Ordering::Less,
                        (Some(_), None) => return Ordering::Greater,
                        (Some(p), Some(q)) => {
                            let order = match (p.parse::<u64>(), q.parse::<u64>()) {
                                (Ok(m), Ok(n)) => m.cmp(&n),
                                (Ok(_), Err(_)) => Ordering::Less,
                                (Err(_), Ok(_)) => Ordering::Greater,
                                (Err(_), Err(_)) => p.cmp(q),
                            };
                            if order != Ordering::Equal {
                                return order;
                            }
                        }
                    }
                }
            }
        })
}

/// An entry of `version` with nothing in it yet.
fn blank_entry(version: &str) -> Entry {
    Entry {
        version: version.to_string(),
        anchor: anchor(version),
        tag: None,
        date: None,
        unreleased: false,
        first: false,
        previous: None,
        class: None,
        changes: Vec::new(),
        levels: Vec::new(),
    }
}

/// The entry of the first version: nothing to compare it with.
fn first_entry(version: &str) -> Entry {
    Entry {
        first: true,
        ..blank_entry(version)
    }
}

/// The entry of a version from its report against the version before.
fn entry_of(report: &Report, version: &str, previous: Option<&str>) -> Entry {
    let changes = classes::changes(report)
        .into_iter()
        .map(|c| ChangeLine {
            class: c.class.name().to_string(),
            text: c.what,
        })
        .collect();
    let levels = report
        .tracks
        .iter()
        .flat_map(|t| {
            t.levels
                .iter()
                .filter(|l| l.status != Status::Removed)
                .map(move |l| LevelNote {
                    track: t.id.clone(),
                    level: l.id.clone(),
                    class: l.class.name().to_string(),
                    what: level_phrases(l),
                })
        })
        .collect();
    Entry {
        previous: previous.map(str::to_string),
        class: report.class.map(|c| c.name().to_string()),
        changes,
        levels,
        ..blank_entry(version)
    }
}

/// `v2.1.0`: an element id (letters, digits, `.`, `-`).
fn anchor(version: &str) -> String {
    let clean: String = version
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '-'
            }
        })
        .collect();
    format!("v{clean}")
}

/// What changed in a level, in short phrases, each once, in reading order.
fn level_phrases(l: &LevelDiff) -> Vec<String> {
    if l.status == Status::Added {
        return vec!["level added".into()];
    }
    if matches!(l.status, Status::OldUnparsed | Status::NewUnparsed) {
        return vec!["track not comparable".into()];
    }
    let mut out: Vec<String> = Vec::new();
    let mut seen = BTreeSet::new();
    // The same changes `ladder diff` lists, said shorter: a responsibility without
    // its text, and a change of class patch "edited" rather than "reworded".
    classes::level_parts(l, &mut |class, part| {
        let what = match part {
            classes::LevelPart::Own(what) => what.to_string(),
            classes::LevelPart::Competency(label, status) => {
                format!("competency “{label}” {}", verb(status, class))
            }
            classes::LevelPart::Responsibility(_, status) => {
                format!("responsibility {}", verb(status, class))
            }
        };
        if seen.insert(what.clone()) {
            out.push(what);
        }
    });
    out
}

fn verb(status: Status, class: Class) -> &'static str {
    match status {
        Status::Added => "added",
        Status::Removed => "removed",
        _ if class == Class::Patch => "edited",
        _ => "reworded",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Version {
        Version::parse(s).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn versions_sort_as_semver() {
        let mut vs = [
            v("1.10.0"),
            v("1.2.0"),
            v("2.0.0"),
            v("2.0.0-rc.2"),
            v("2.0.0-rc.10"),
            v("2.0.0-beta"),
            v("2.0.0-rc"),
        ];
        vs.sort_by(semver_order);
        let got: Vec<&str> = vs.iter().map(Version::as_str).collect();
        assert_eq!(
            got,
            [
                "1.2.0",
                "1.10.0",
                "2.0.0-beta",
                "2.0.0-rc",
                "2.0.0-rc.2",
                "2.0.0-rc.10",
                "2.0.0"
            ]
        );
    }

    #[test]
    fn only_tags_that_name_versions_are_kept() {
        let listing = "v2.0.0\t\taaa\t2026-01-02\nrelease-1\t\tbbb\t2026-01-01\n1.0.0\tccc\tddd\t2025-12-01\n2.0.0\t\teee\t2026-01-03\nv2.1\t\tfff\t2026-01-04\n";
        let tags = version_tags(listing);
        let got: Vec<(&str, &str)> = tags
            .iter()
            .map(|t| (t.name.as_str(), t.commit.as_str()))
            .collect();
        // The annotated tag's peeled commit; `2.0.0` and `v2.0.0` are one version.
        assert_eq!(got, [("1.0.0", "ccc"), ("2.0.0", "eee")]);
    }

    /// `ladder serve` keeps the tags: a save reads no git, a new tag is read again.
    #[test]
    fn the_cache_reads_the_tags_again_only_when_they_change() {
        let dir = tempfile::tempdir().unwrap();
        let git = |args: &[&str]| {
            let ok = std::process::Command::new("git")
                .arg("-C")
                .arg(dir.path())
                .args(["-c", "user.name=t", "-c", "user.email=t@t"])
                .args(["-c", "commit.gpgsign=false"])
                .args(args)
                .status()
                .unwrap()
                .success();
            assert!(ok, "git {args:?}");
        };
        std::fs::create_dir_all(dir.path().join("content")).unwrap();
        std::fs::write(dir.path().join("content/_index.md"), "# Home\n").unwrap();
        let track = "---\ntitle: T\nlevels:\n  - title: One\n    band: 1\n---\n\n## One\n\nDoes.\n";
        std::fs::write(dir.path().join("content/t.md"), track).unwrap();
        git(&["init", "-q"]);
        git(&["add", "-A"]);
        git(&["commit", "-q", "-m", "one"]);
        git(&["tag", "v1.0.0"]);
        let mut cache = Cache::read(dir.path());
        assert!(cache.tags.is_ok());
        std::fs::write(dir.path().join("content/_index.md"), "# Home page\n").unwrap();
        assert!(!cache.refresh(dir.path()), "a save does not read the tags");
        git(&["commit", "-q", "-am", "two"]);
        git(&["tag", "v1.1.0"]);
        assert!(cache.refresh(dir.path()), "a new tag is read");
        let tags = cache.tags.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(tags.entries.len(), 2, "{:?}", tags.notes);
    }
}

//! A git repository in a temporary folder holding a ladder project, for the tests
//! that read versions from git (tests/diff.rs, tests/history.rs, tests/serve.rs).
//! Each test file adds its own constructor (which ladder the first commit holds) and
//! its own ways to run `ladder` on the repository.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

pub struct Repo {
    pub dir: tempfile::TempDir,
    /// The project folder inside the repository ("" for the top).
    project: String,
}

impl Repo {
    /// An empty repository (`git init`) whose project is the folder `project` inside it.
    pub fn init(project: &str) -> Repo {
        let repo = Repo {
            dir: tempfile::tempdir().expect("temp dir"),
            project: project.to_string(),
        };
        repo.git(&["init", "-q"]);
        repo
    }

    /// The repository's top folder.
    pub fn top(&self) -> &Path {
        self.dir.path()
    }

    /// The project folder (what `--root` names).
    pub fn root(&self) -> PathBuf {
        self.dir.path().join(&self.project)
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.root().join(rel)
    }

    pub fn write(&self, rel: &str, text: &str) {
        let p = self.path(rel);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, text).expect("write");
    }

    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path(rel)).expect("read")
    }

    /// Replaces `from` by `to` in a project file; `from` must be there, so that a
    /// fixture edit that no longer applies fails the test instead of testing nothing.
    pub fn edit(&self, rel: &str, from: &str, to: &str) {
        let text = self.read(rel);
        assert!(text.contains(from), "{rel} does not contain {from:?}");
        self.write(rel, &text.replacen(from, to, 1));
    }

    pub fn git(&self, args: &[&str]) -> String {
        git(self.dir.path(), None, args)
    }

    /// Runs git with its commit and author dates set to noon UTC on `date`.
    pub fn git_at(&self, date: &str, args: &[&str]) -> String {
        git(self.dir.path(), Some(date), args)
    }

    /// Commits everything (an empty commit when nothing changed).
    pub fn commit(&self, message: &str) {
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "--allow-empty", "-m", message]);
    }

    /// [`commit`](Self::commit), dated `date` (YYYY-MM-DD).
    pub fn commit_on(&self, message: &str, date: &str) {
        self.git(&["add", "-A"]);
        self.git_at(date, &["commit", "-q", "--allow-empty", "-m", message]);
    }

    /// Commits and tags (lightweight: its date is the commit's).
    pub fn release(&self, tag: &str, date: &str) {
        self.commit_on(tag, date);
        self.git(&["tag", tag]);
    }
}

/// Runs git in `dir` as a test author with no signing set up would; with `date`, the
/// commit and author dates are noon UTC that day. Returns its trimmed output; a
/// failing git fails the test with git's message.
pub fn git(dir: &Path, date: Option<&str>, args: &[&str]) -> String {
    let mut cmd = std::process::Command::new("git");
    cmd.arg("-C").arg(dir).args([
        "-c",
        "user.name=t",
        "-c",
        "user.email=t@t",
        "-c",
        "commit.gpgsign=false",
        "-c",
        "tag.gpgsign=false",
    ]);
    if let Some(date) = date {
        let when = format!("{date}T12:00:00+00:00");
        cmd.env("GIT_COMMITTER_DATE", &when)
            .env("GIT_AUTHOR_DATE", &when);
    }
    let out = cmd.args(args).output().expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

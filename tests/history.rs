//! History on the site (SPEC 11) on real temporary git repositories: a series of
//! tagged versions, one per change class, built with `--history` (or `history: true`)
//! into `/changes/`, "changed in" notes on level pages and marks in the home matrix.
//! Commits and tags are made with the git command, dated, as a user would.

mod git_support;
mod site_support;

use assert_cmd::Command;
use git_support::Repo;
use site_support::{between, text_of, Site};
use std::path::PathBuf;

const LADDER_YAML: &str = "title: Tagged Ladder\n";

const TECHNICAL: &str = "\
---
title: Technical
dimensions:
  - Scope
levels:
  - title: Engineer
    id: engineer
    code: IC1
    band: 1
  - title: Senior Engineer
    id: senior
    code: IC2
    band: 2
---

# Technical

## Engineer

**Scope:** Delivers a feature with a guide.

**Responsibilities:**

- Ships features
- Reviews code

## Senior Engineer

**Scope:** Delivers a system on their own.

**Responsibilities:**

- Leads projects
";

const MANAGING: &str = "\
---
title: Managing
dimensions:
  - Scope
levels:
  - title: Manager
    id: manager
    code: M1
    band: 2
---

# Managing

## Manager

**Scope:** Runs one team.

**Responsibilities:**

- Hires engineers
";

impl Repo {
    /// A repository whose first commit holds the ladder above, untagged.
    fn new() -> Repo {
        let repo = Repo::init("");
        repo.write("ladder.yaml", LADDER_YAML);
        repo.write("content/technical.md", TECHNICAL);
        repo.write("content/managing.md", MANAGING);
        repo.commit_on("first", "2025-01-10");
        repo
    }

    /// `ladder build --root <repo> --output <repo>/site ARGS`.
    fn build(&self, args: &[&str]) -> Built {
        let site = self.path("site");
        let out = Command::cargo_bin("ladder")
            .expect("binary")
            .arg("build")
            .arg("--root")
            .arg(self.top())
            .arg("--output")
            .arg(&site)
            .args(args)
            .env("NO_COLOR", "1")
            .output()
            .expect("ladder runs");
        Built {
            code: out.status.code().unwrap_or(-1),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
            site,
        }
    }
}

struct Built {
    code: i32,
    stderr: String,
    site: PathBuf,
}

impl Built {
    fn page(&self, rel: &str) -> String {
        std::fs::read_to_string(self.site.join(rel))
            .unwrap_or_else(|e| panic!("{rel}: {e}; stderr: {}", self.stderr))
    }

    /// The versions of /changes/, in page order: (heading with its class, date).
    fn versions(&self) -> Vec<(String, String)> {
        let page = self.page("changes/index.html");
        page.split("<section class=\"version")
            .skip(1)
            .map(|s| {
                let heading = text_of(between(s, "<h2", "</h2>"));
                let date = if s.contains("<time") {
                    between(s, "datetime=\"", "\">")["datetime=\"".len()..].to_string()
                } else {
                    String::new()
                };
                (heading.trim_end_matches(" #").to_string(), date)
            })
            .collect()
    }

    /// The "changed in" notes of a level page, as their text.
    fn level_notes(&self, rel: &str) -> Vec<String> {
        let page = self.page(rel);
        if !page.contains("id=\"version-history\"") {
            return Vec::new();
        }
        between(&page, "id=\"version-history\"", "</ul>")
            .split("<li>")
            .skip(1)
            .map(text_of)
            .collect()
    }

    /// The matrix cells of the home page that carry a "changed in" mark.
    fn marked(&self) -> Vec<String> {
        let home = self.page("index.html");
        home.split("<a class=\"level-cell\"")
            .skip(1)
            .map(|cell| cell.split("</a>").next().unwrap_or(""))
            .filter(|cell| cell.contains("changed-tag"))
            .map(|cell| text_of(cell.split_once('>').map_or("", |(_, rest)| rest)))
            .collect()
    }
}

/// v1.0.0, then a patch, a minor and a major version (the last tagged without `v`),
/// a tag in between that does not parse, and a tag that names no version.
fn tagged_series() -> Repo {
    let repo = Repo::new();
    repo.git(&["tag", "v1.0.0"]);
    // Patch: punctuation of a responsibility.
    repo.edit(
        "content/technical.md",
        "- Ships features\n",
        "- Ships features.\n",
    );
    repo.release("v1.0.1", "2025-02-10");
    // Minor: a competency reworded, tagged with an annotated tag dated by its tagger.
    repo.edit(
        "content/technical.md",
        "Delivers a system on their own.",
        "Delivers a system and its roadmap on their own.",
    );
    repo.commit_on("reword", "2025-03-01");
    repo.git_at("2025-03-10", &["tag", "-a", "v1.1.0", "-m", "1.1"]);
    // A version whose track does not parse: reported and skipped.
    repo.edit(
        "content/technical.md",
        "title: Technical\n",
        "title: [Technical\n",
    );
    repo.release("v1.2.0", "2025-03-20");
    repo.edit(
        "content/technical.md",
        "title: [Technical\n",
        "title: Technical\n",
    );
    // Major: a responsibility added.
    repo.edit(
        "content/technical.md",
        "- Reviews code\n",
        "- Reviews code\n- Mentors interns\n",
    );
    repo.release("2.0.0", "2025-04-10");
    repo.git(&["tag", "nightly"]);
    repo
}

/// The series built with `--history`, which succeeds.
fn built_series() -> (Repo, Built) {
    let repo = tagged_series();
    let built = repo.build(&["--history"]);
    assert_eq!(built.code, 0, "{}", built.stderr);
    (repo, built)
}

#[test]
fn changes_lists_every_version_newest_first_with_class_and_date() {
    let (_repo, built) = built_series();
    let got = built.versions();
    let want: Vec<(String, String)> = [
        ("Version 2.0.0 major", "2025-04-10"),
        ("Version 1.1.0 minor", "2025-03-10"),
        ("Version 1.0.1 patch", "2025-02-10"),
        ("Version 1.0.0", "2025-01-10"),
    ]
    .iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    assert_eq!(got, want, "{}", built.page("changes/index.html"));
    let page = built.page("changes/index.html");
    assert!(
        page.contains("responsibility “Mentors interns” added"),
        "{page}"
    );
    assert!(
        page.contains("compared with 1.1.0"),
        "2.0.0 follows 1.1.0: {page}"
    );
    assert!(
        !page.contains("Unreleased"),
        "the working tree is the last tag"
    );
    assert!(!page.contains("nightly"));
    // Every page links to it.
    assert!(built
        .page("technical/index.html")
        .contains("href=\"/changes/\""));
}

#[test]
fn a_tag_that_does_not_parse_is_reported_and_skipped() {
    let (_repo, built) = built_series();
    assert!(
        built.stderr.contains(
            "warning: tag v1.2.0 is skipped: it does not parse as a ladder (content/technical.md:"
        ),
        "{}",
        built.stderr
    );
    assert!(!built.page("changes/index.html").contains("1.2.0"));
}

#[test]
fn level_pages_list_the_versions_that_changed_them() {
    let (_repo, built) = built_series();
    assert_eq!(
        built.level_notes("technical/engineer/index.html"),
        [
            "Changed in 2.0.0 : responsibility added major",
            "Changed in 1.0.1 : responsibility edited patch"
        ]
    );
    assert_eq!(
        built.level_notes("technical/senior/index.html"),
        ["Changed in 1.1.0 : competency “Scope” reworded minor"]
    );
    assert_eq!(
        built.level_notes("managing/manager/index.html"),
        Vec::<String>::new()
    );
    let engineer = built.page("technical/engineer/index.html");
    assert!(engineer.contains("href=\"/changes/#v2.0.0\""), "{engineer}");
}

#[test]
fn the_matrix_marks_the_levels_changed_in_the_latest_version() {
    let (_repo, built) = built_series();
    assert_eq!(built.marked(), ["Engineer IC1 changed in 2.0.0"]);
}

#[test]
fn unreleased_shows_only_when_the_working_tree_differs_from_the_last_tag() {
    let repo = tagged_series();
    // `history: true` in ladder.yaml, committed and tagged, turns it on as well.
    repo.write("ladder.yaml", "title: Tagged Ladder\nhistory: true\n");
    repo.release("v2.0.1", "2025-05-01");
    let built = repo.build(&[]);
    assert_eq!(built.code, 0, "{}", built.stderr);
    assert_eq!(built.versions()[0].0, "Version 2.0.1");
    assert!(!built.page("changes/index.html").contains("Unreleased"));

    repo.edit("content/managing.md", "- Hires engineers\n", "");
    let built = repo.build(&[]);
    assert_eq!(built.code, 0, "{}", built.stderr);
    let versions = built.versions();
    assert_eq!(versions[0], ("Unreleased major".to_string(), String::new()));
    assert_eq!(versions[1].0, "Version 2.0.1");
    assert_eq!(
        built.level_notes("managing/manager/index.html"),
        ["Unreleased : responsibility removed major"]
    );
    // The matrix marks the latest version, which changed no level.
    assert_eq!(built.marked(), Vec::<String>::new());
}

#[test]
fn without_a_repository_or_tags_the_site_is_built_as_before_with_a_note() {
    let plain = tempfile::tempdir().expect("temp dir");
    let repo = Repo::new();
    for rel in ["ladder.yaml", "content/technical.md", "content/managing.md"] {
        let text = std::fs::read_to_string(repo.path(rel)).expect("read");
        std::fs::create_dir_all(plain.path().join("content")).expect("mkdir");
        std::fs::write(plain.path().join(rel), text).expect("write");
    }
    let without = repo.build(&[]);
    assert_eq!(without.code, 0, "{}", without.stderr);
    let expected = Site::read(&without.site).files;

    // A repository without a version tag (the first site removed, so that only
    // what this build writes is compared).
    std::fs::remove_dir_all(&without.site).expect("remove the first site");
    let built = repo.build(&["--history"]);
    assert_eq!(built.code, 0, "{}", built.stderr);
    assert!(
        built
            .stderr
            .contains("warning: the repository has no tag that names a version"),
        "{}",
        built.stderr
    );
    assert!(
        Site::read(&built.site).files == expected,
        "the same site as without history"
    );

    // Not a git repository at all.
    let out = Command::cargo_bin("ladder")
        .expect("binary")
        .args(["build", "--history", "--root"])
        .arg(plain.path())
        .env("NO_COLOR", "1")
        .output()
        .expect("ladder runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("is not in a git repository, so the site has no history"),
        "{stderr}"
    );
    assert!(Site::read(&plain.path().join("site")).files == expected);
}

/// `/changes/` belongs to the history only when the site shows one: a ladder without
/// history may have a page of its own called `changes.md`; turning history on makes
/// that page a located `duplicate-id` error instead of a silently replaced page.
#[test]
fn a_page_called_changes_is_the_ladders_own_until_history_is_on() {
    let repo = Repo::new();
    repo.write(
        "content/changes.md",
        "---\ntitle: What changed this year\n---\n\nWe merged two tracks.\n",
    );
    repo.release("v1.0.0", "2025-02-01");
    let without = repo.build(&[]);
    assert_eq!(without.code, 0, "{}", without.stderr);
    assert!(without
        .page("changes/index.html")
        .contains("We merged two tracks."));

    let with = repo.build(&["--history"]);
    assert_eq!(with.code, 1, "{}", with.stderr);
    assert!(
        with.stderr.contains("content/changes.md")
            && with.stderr.contains("the site's own `/changes/`"),
        "{}",
        with.stderr
    );
    // The site of the first build is still there.
    assert!(with
        .page("changes/index.html")
        .contains("We merged two tracks."));
}

//! `ladder diff` on real temporary git repositories: each kind of change a reviewer
//! must see, sides that are folders or the working tree, and sides that cannot be
//! read. Commits are made with the git command, as a user would.

mod git_support;

use assert_cmd::Command;
use git_support::Repo;
use serde_json::Value;
use std::path::Path;

const LADDER_YAML: &str = "\
title: Example Ladder
bands:
  4: Mid
  5: Senior
";

const TECHNICAL: &str = "\
---
title: Technical Path
summary: Builds things.
dimensions:
  - Technical Ability
  - Communication
levels:
  - title: Engineer
    id: engineer
    code: IC4
    band: 4
  - title: Senior Engineer
    id: senior
    code: IC5
    band: 5
    inherits: engineer
  - title: Staff Engineer
    id: staff
    code: IC6
    band: 6
---

# Technical Path

Engineers who grow by building.

## Engineer

Builds features with guidance.

**Technical Ability:** Writes correct, tested code for well-defined tasks.

**Communication:** Asks for help early.

**Responsibilities:**

- Ships features
- Reviews code

## Senior Engineer (IC 5)

Owns projects.

**Technical Ability:** Owns small projects end to end and designs components that other engineers build on.

**Communication:** Writes clear design documents.

**Responsibilities:**

- Leads a project

## Staff Engineer

**Technical Ability:** Sets technical direction for several teams.

**Communication:** Aligns teams on direction.

## Notes on progression

Promotion follows sustained impact.
";

const MANAGING: &str = "\
---
title: Managing Path
levels:
  - title: Team Lead
    id: team-lead
    code: M4
    band: 5
  - title: Director
    id: director
    code: M6
    band: 7
---

## Team Lead

Leads a team.

**Responsibilities:**

- Runs one-on-ones

## Director

Leads managers.

**Responsibilities:**

- Sets the budget
";

impl Repo {
    /// A repository whose first commit is the example ladder.
    fn new() -> Repo {
        Repo::in_subfolder("")
    }

    fn in_subfolder(project: &str) -> Repo {
        let repo = Repo::init(project);
        repo.write("ladder.yaml", LADDER_YAML);
        repo.write("content/technical.md", TECHNICAL);
        repo.write("content/managing.md", MANAGING);
        repo.commit("first");
        repo
    }

    /// Renames a level: its `title:` in the front matter and its heading.
    fn retitle(&self, rel: &str, from: &str, to: &str) {
        self.edit(
            rel,
            &format!("  - title: {from}\n"),
            &format!("  - title: {to}\n"),
        );
        self.edit(rel, &format!("## {from}"), &format!("## {to}"));
    }

    fn short(&self, rev: &str) -> String {
        self.git(&["rev-parse", "--short=7", rev])
    }

    /// Runs `ladder diff ARGS --root <project>` from the repository's top folder.
    fn diff(&self, args: &[&str]) -> Run {
        run_ladder(self.top(), &self.root(), args)
    }

    /// `ladder diff HEAD~1 HEAD --format json`, parsed.
    fn json(&self, args: &[&str]) -> Value {
        let mut all = args.to_vec();
        all.extend(["--format", "json"]);
        let run = self.diff(&all);
        assert_eq!(run.code, 0, "stderr: {}", run.stderr);
        serde_json::from_str(&run.stdout).expect("diff --format json prints JSON")
    }
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run_ladder(cwd: &Path, root: &Path, args: &[&str]) -> Run {
    let out = Command::cargo_bin("ladder")
        .expect("binary")
        .current_dir(cwd)
        .arg("diff")
        .args(args)
        .arg("--root")
        .arg(root)
        .env("NO_COLOR", "1")
        .output()
        .expect("ladder runs");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// The diff entry of track `id`.
fn track<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["tracks"]
        .as_array()
        .and_then(|ts| ts.iter().find(|t| t["id"] == id))
        .unwrap_or_else(|| panic!("no track {id} in {report:#}"))
}

/// The diff entry of level `level` of track `id`.
fn level<'a>(report: &'a Value, id: &str, level: &str) -> &'a Value {
    track(report, id)["levels"]
        .as_array()
        .and_then(|ls| ls.iter().find(|l| l["id"] == level))
        .unwrap_or_else(|| panic!("no level {level} in {:#}", track(report, id)))
}

fn count(report: &Value, what: &str) -> u64 {
    report["counts"][what]
        .as_u64()
        .unwrap_or_else(|| panic!("no count {what}"))
}

/// The word diff of a text change as `[-removed-] {+added+}` for compact assertions.
fn words(change: &Value) -> String {
    change["words"]
        .as_array()
        .expect("words")
        .iter()
        .map(|w| {
            let t = w["text"].as_str().unwrap_or("");
            match w["op"].as_str() {
                Some("delete") => format!("[-{t}-]"),
                Some("insert") => format!("{{+{t}+}}"),
                _ => t.to_string(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

// ---------------------------------------------------------------- no change, errors

#[test]
fn identical_revisions_report_no_change_and_exit_0() {
    let repo = Repo::new();
    let run = repo.diff(&["HEAD", "HEAD", "--exit-code"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("No changes to the ladder."),
        "{}",
        run.stdout
    );
    let report = repo.json(&["HEAD", "HEAD"]);
    assert_eq!(report["schema_version"], 1);
    assert_eq!(report["changed"], false);
    assert_eq!(report["tracks"], serde_json::json!([]));
}

#[test]
fn working_tree_is_the_default_new_side() {
    let repo = Repo::new();
    // Untouched working tree: nothing changed.
    assert_eq!(repo.diff(&["HEAD", "--exit-code"]).code, 0);
    repo.edit(
        "content/managing.md",
        "- Runs one-on-ones",
        "- Runs one-on-ones\n- Hires engineers",
    );
    let run = repo.diff(&["HEAD", "--exit-code"]);
    assert_eq!(
        run.code, 1,
        "--exit-code exits 1 on a change: {}",
        run.stderr
    );
    assert!(run.stdout.contains("→ working tree"), "{}", run.stdout);
    assert!(
        run.stdout
            .contains("Responsibility added: **Hires engineers**"),
        "{}",
        run.stdout
    );
    // Without --exit-code a change is still a success.
    assert_eq!(repo.diff(&["HEAD"]).code, 0);
}

#[test]
fn an_unknown_revision_is_exit_2_with_a_clear_message() {
    let repo = Repo::new();
    let run = repo.diff(&["no-such-branch"]);
    assert_eq!(run.code, 2);
    assert!(run.stdout.is_empty());
    assert!(
        run.stderr
            .contains("OLD `no-such-branch` is not a git revision"),
        "{}",
        run.stderr
    );
    let run = repo.diff(&["HEAD", "HEAD~5"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("NEW `HEAD~5`"), "{}", run.stderr);
}

#[test]
fn a_folder_that_is_not_a_ladder_project_is_exit_2() {
    let repo = Repo::new();
    let empty = tempfile::tempdir().expect("temp dir");
    let folder = empty.path().to_string_lossy().into_owned();
    let run = repo.diff(&[&folder, "HEAD"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("not a ladder project: it has no content/ folder"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_revision_without_the_project_is_exit_2() {
    let repo = Repo::new();
    repo.git(&["rm", "-q", "-r", "content"]);
    repo.commit("drop the ladder");
    let run = repo.diff(&["HEAD", "HEAD~1"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("has no content/ folder"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_revision_outside_a_git_repository_is_exit_2() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir_all(dir.path().join("content")).expect("mkdir");
    let run = run_ladder(dir.path(), dir.path(), &["HEAD"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("not inside a git repository"),
        "{}",
        run.stderr
    );
}

// ---------------------------------------------------------------- sides

#[test]
fn two_folders_are_compared_without_git() {
    let base = tempfile::tempdir().expect("temp dir");
    for (name, title) in [("old", "Example Ladder"), ("new", "Engineering Ladder")] {
        let root = base.path().join(name);
        std::fs::create_dir_all(root.join("content")).expect("mkdir");
        std::fs::write(
            root.join("ladder.yaml"),
            LADDER_YAML.replace("Example Ladder", title),
        )
        .expect("write");
        std::fs::write(root.join("content/technical.md"), TECHNICAL).expect("write");
    }
    let run = run_ladder(base.path(), base.path(), &["old", "new"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.starts_with("## Ladder changes: `old` → `new`"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("| `title` | Example Ladder | Engineering Ladder |"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_project_in_a_subfolder_of_the_repository() {
    let repo = Repo::in_subfolder("docs/ladder");
    repo.edit(
        "content/technical.md",
        "Sets technical direction",
        "Sets the technical direction",
    );
    repo.commit("reword");
    let report = repo.json(&["HEAD~1", "HEAD"]);
    let staff = level(&report, "technical", "staff");
    assert_eq!(
        words(&staff["competencies"][0]["text"]),
        "Sets {+the+} technical direction for several teams."
    );
}

#[cfg(unix)]
#[test]
fn symbolic_links_in_a_revision_are_followed_like_on_disk() {
    let repo = Repo::new();
    // A track file and a folder of tracks, both linked into content/.
    std::fs::create_dir_all(repo.path("shared/more")).expect("mkdir");
    std::fs::rename(
        repo.path("content/managing.md"),
        repo.path("shared/managing.md"),
    )
    .expect("move");
    std::os::unix::fs::symlink("../shared/managing.md", repo.path("content/managing.md"))
        .expect("link");
    repo.write(
        "shared/more/product.md",
        "---\ntitle: Product Path\nlevels:\n  - title: Product Lead\n    code: P5\n    band: 5\n---\n\n## Product Lead\n\nLeads product.\n",
    );
    std::os::unix::fs::symlink("../shared/more", repo.path("content/more")).expect("link");
    repo.commit("links");
    let report = repo.json(&["HEAD~1", "HEAD"]);
    assert_eq!(report["new"]["parses"], true, "{:#}", report["new"]);
    // The linked track is the same track; the folder link brings a new one.
    assert_eq!(count(&report, "tracks_removed"), 0);
    assert_eq!(track(&report, "product")["status"], "added");
    // The revision reads exactly what the working tree reads.
    let same = repo.json(&["HEAD"]);
    assert_eq!(same["changed"], false, "{same:#}");
}

// ---------------------------------------------------------------- tracks

#[test]
fn track_added_and_removed() {
    let repo = Repo::new();
    repo.git(&["rm", "-q", "content/managing.md"]);
    repo.write(
        "content/product.md",
        "---\ntitle: Product Path\nlevels:\n  - title: Product Lead\n    code: P5\n    band: 5\n---\n\n## Product Lead\n\nLeads product.\n",
    );
    repo.commit("swap a track");
    let report = repo.json(&["HEAD~1", "HEAD"]);
    assert_eq!(track(&report, "product")["status"], "added");
    assert_eq!(track(&report, "managing")["status"], "removed");
    assert_eq!(
        (
            count(&report, "tracks_added"),
            count(&report, "tracks_removed")
        ),
        (1, 1)
    );
    // The levels of a removed track are not counted as level removals.
    assert_eq!(count(&report, "levels_removed"), 0);
    // Alignment only compares tracks that are on both sides.
    assert_eq!(report["alignment"], serde_json::json!([]));
    let md = repo.diff(&["HEAD~1", "HEAD"]).stdout;
    assert!(
        md.contains("### Product Path (`product`) — new track"),
        "{md}"
    );
    assert!(
        md.contains("### Managing Path (`managing`) — track removed"),
        "{md}"
    );
    assert!(md.contains("| 7 | M6 | Director |"), "{md}");
}

#[test]
fn a_moved_track_file_is_a_move_not_a_removal() {
    let repo = Repo::new();
    // Keep the id explicit so that the move keeps it.
    repo.edit(
        "content/technical.md",
        "title: Technical Path\n",
        "title: Technical Path\nid: technical\n",
    );
    repo.commit("explicit id");
    std::fs::create_dir_all(repo.path("content/paths")).expect("mkdir");
    repo.git(&["mv", "content/technical.md", "content/paths/ic.md"]);
    repo.commit("move");
    let report = repo.json(&["HEAD~1", "HEAD"]);
    assert_eq!(
        count(&report, "tracks_added") + count(&report, "tracks_removed"),
        0
    );
    let t = track(&report, "technical");
    assert_eq!(t["path_change"]["old"], "technical.md");
    assert_eq!(t["path_change"]["new"], "paths/ic.md");
    assert_eq!(t["levels"], serde_json::json!([]));
    let md = repo.diff(&["HEAD~1", "HEAD"]).stdout;
    assert!(
        md.contains("File moved: `content/technical.md` → `content/paths/ic.md`"),
        "{md}"
    );
}

#[test]
fn a_renamed_file_with_a_default_id_is_matched_by_title() {
    let repo = Repo::new();
    repo.git(&["mv", "content/managing.md", "content/management.md"]);
    repo.commit("rename");
    let report = repo.json(&["HEAD~1", "HEAD"]);
    assert_eq!(
        count(&report, "tracks_added") + count(&report, "tracks_removed"),
        0
    );
    let t = track(&report, "management");
    assert_eq!(
        t["id_change"],
        serde_json::json!({"old": "managing", "new": "management"})
    );
    assert_eq!(t["path_change"]["new"], "management.md");
}

#[test]
fn track_title_summary_intro_dimensions_and_prose() {
    let repo = Repo::new();
    repo.edit(
        "content/technical.md",
        "title: Technical Path\n",
        "title: Engineering Path\n",
    );
    repo.edit(
        "content/technical.md",
        "summary: Builds things.",
        "summary: Builds and runs things.",
    );
    repo.edit(
        "content/technical.md",
        "  - Communication\n",
        "  - Communication\n  - Leadership\n",
    );
    repo.edit(
        "content/technical.md",
        "Engineers who grow by building.",
        "Engineers who grow by building and teaching.",
    );
    repo.edit(
        "content/technical.md",
        "Promotion follows sustained impact.",
        "Promotion follows sustained, visible impact.",
    );
    repo.commit("track prose");
    let report = repo.json(&["HEAD~1", "HEAD"]);
    let t = track(&report, "technical");
    assert_eq!(t["title_change"]["new"], "Engineering Path");
    assert_eq!(t["summary"]["new"], "Builds and runs things.");
    assert_eq!(t["dimensions_added"], serde_json::json!(["Leadership"]));
    assert_eq!(
        words(&t["intro"]),
        "Engineers who grow by [-building.-] {+building and teaching.+}"
    );
    assert_eq!(t["prose"][0]["title"], "Notes on progression");
    assert_eq!(
        words(&t["prose"][0]["text"]),
        "Promotion follows [-sustained-] {+sustained, visible+} impact."
    );
    assert_eq!(count(&report, "prose_changed"), 2);
}

// ---------------------------------------------------------------- levels

#[test]
fn a_renamed_level_keeps_its_identity() {
    let repo = Repo::new();
    repo.edit(
        "content/technical.md",
        "  - title: Senior Engineer\n",
        "  - title: Senior Software Engineer\n",
    );
    repo.edit(
        "content/technical.md",
        "## Senior Engineer (IC 5)",
        "## Senior Software Engineer (IC 5)",
    );
    repo.commit("rename");
    let report = repo.json(&["HEAD~1", "HEAD"]);
    let senior = level(&report, "technical", "senior");
    assert_eq!(senior["status"], "changed");
    assert_eq!(
        senior["title_change"],
        serde_json::json!({"old": "Senior Engineer", "new": "Senior Software Engineer"})
    );
    assert_eq!(count(&report, "levels_renamed"), 1);
    assert_eq!(count(&report, "levels_changed"), 0);
    assert_eq!(report["alignment"], serde_json::json!([]));
    let md = repo.diff(&["HEAD~1", "HEAD"]).stdout;
    assert!(
        md.contains("Renamed: ~~Senior Engineer~~ → **Senior Software Engineer**"),
        "{md}"
    );
}

#[test]
fn a_level_whose_default_id_changes_with_its_title_is_matched_by_code() {
    let repo = Repo::new();
    // Managing levels have explicit ids; drop one so that the id follows the title.
    repo.edit(
        "content/managing.md",
        "  - title: Director\n    id: director\n",
        "  - title: Director\n",
    );
    repo.commit("default id");
    repo.retitle("content/managing.md", "Director", "Head of Engineering");
    repo.commit("rename");
    let report = repo.json(&["HEAD~1", "HEAD"]);
    assert_eq!(
        (
            count(&report, "levels_added"),
            count(&report, "levels_removed")
        ),
        (0, 0)
    );
    let l = level(&report, "managing", "head-of-engineering");
    assert_eq!(l["id_change"]["old"], "director");
    assert_eq!(l["title_change"]["new"], "Head of Engineering");
}

#[test]
fn an_inherits_that_follows_an_id_change_is_not_a_change() {
    // Senior inherits `engineer`; renaming that id means rewriting the `inherits`, but
    // senior still holds the same responsibilities: only the id change is news.
    let repo = Repo::new();
    repo.edit(
        "content/technical.md",
        "    id: engineer\n",
        "    id: software-engineer\n",
    );
    repo.edit(
        "content/technical.md",
        "    inherits: engineer\n",
        "    inherits: software-engineer\n",
    );
    repo.commit("id rename");
    let report = repo.json(&["HEAD~1", "HEAD"]);
    assert_eq!(count(&report, "ids_changed"), 1);
    assert_eq!(count(&report, "inherits_changed"), 0, "{report:#}");
    let levels: Vec<&str> = track(&report, "technical")["levels"]
        .as_array()
        .expect("levels")
        .iter()
        .filter_map(|l| l["id"].as_str())
        .collect();
    assert_eq!(levels, ["software-engineer"]);
    let md = repo.diff(&["HEAD~1", "HEAD"]).stdout;
    assert!(!md.contains("Inherits"), "{md}");
}

#[test]
fn code_band_inherits_and_note_changes() {
    let repo = Repo::new();
    repo.edit(
        "content/technical.md",
        "    code: IC6\n    band: 6\n",
        "    code: IC7\n    band: 7\n    inherits: senior\n",
    );
    repo.edit(
        "content/technical.md",
        "## Senior Engineer (IC 5)",
        "## Senior Engineer (IC 5 / Manager 4)",
    );
    repo.commit("staff moves up");
    let report = repo.json(&["HEAD~1", "HEAD"]);
    let staff = level(&report, "technical", "staff");
    assert_eq!(
        staff["code_change"],
        serde_json::json!({"old": "IC6", "new": "IC7"})
    );
    assert_eq!(
        staff["band_change"],
        serde_json::json!({"old": 6, "new": 7})
    );
    assert_eq!(
        staff["inherits_change"],
        serde_json::json!({"old": null, "new": "senior"})
    );
    let senior = level(&report, "technical", "senior");
    assert_eq!(senior["note_change"]["new"], "IC 5 / Manager 4");
    // Staff left band 6 and joined the Director at band 7: two bands realigned.
    let bands: Vec<i64> = report["alignment"]
        .as_array()
        .expect("alignment")
        .iter()
        .map(|r| r["band"].as_i64().unwrap_or(0))
        .collect();
    assert_eq!(bands, vec![6, 7]);
    let md = repo.diff(&["HEAD~1", "HEAD"]).stdout;
    assert!(md.contains("- Band: ~~6~~ → **7**"), "{md}");
    assert!(md.contains("- Inherits: *(nothing)* → `senior`"), "{md}");
    assert!(
        md.contains("| 7 | M6 Director | *gap* → **IC7 Staff Engineer** |"),
        "{md}"
    );
}

#[test]
fn a_level_added_that_closes_a_band_gap_changes_the_alignment() {
    let repo = Repo::new();
    repo.edit(
        "content/managing.md",
        "  - title: Director\n",
        "  - title: Engineering Manager\n    id: manager\n    code: M5\n    band: 6\n    inherits: team-lead\n  - title: Director\n",
    );
    repo.edit(
        "content/managing.md",
        "## Director",
        "## Engineering Manager\n\nManages managers of small teams.\n\n**Responsibilities:**\n\n- Hires engineers\n\n## Director",
    );
    repo.commit("add manager");
    let report = repo.json(&["HEAD~1", "HEAD"]);
    let m = level(&report, "managing", "manager");
    assert_eq!(m["status"], "added");
    assert_eq!(count(&report, "levels_added"), 1);
    // The new level holds its own responsibility and the one of team-lead.
    let resp = m["responsibilities"].as_array().expect("responsibilities");
    assert_eq!(resp.len(), 2);
    assert_eq!(resp[1]["text"], "Runs one-on-ones");
    assert_eq!(resp[1]["inherited_from"]["level"], "team-lead");
    // Band 6 had a gap on the managing track; now M5 lines up with IC6.
    let row = &report["alignment"][0];
    assert_eq!(row["band"], 6);
    let cell = row["cells"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["track"] == "managing"))
        .expect("managing cell");
    assert_eq!(cell["before"], serde_json::json!([]));
    assert_eq!(cell["after"][0]["code"], "M5");
    assert_eq!(cell["changed"], true);
}

#[test]
fn a_removed_level_is_listed_with_what_it_said() {
    let repo = Repo::new();
    repo.edit(
        "content/technical.md",
        "  - title: Staff Engineer\n    id: staff\n    code: IC6\n    band: 6\n",
        "",
    );
    let text = repo.read("content/technical.md");
    let start = text.find("## Staff Engineer").expect("staff section");
    let end = text.find("## Notes on progression").expect("notes");
    repo.write(
        "content/technical.md",
        &format!("{}{}", &text[..start], &text[end..]),
    );
    repo.commit("drop staff");
    let report = repo.json(&["HEAD~1", "HEAD"]);
    assert_eq!(level(&report, "technical", "staff")["status"], "removed");
    assert_eq!(count(&report, "levels_removed"), 1);
    let md = repo.diff(&["HEAD~1", "HEAD"]).stdout;
    assert!(
        md.contains("#### Technical Path › Staff Engineer (IC6, band 6) — removed"),
        "{md}"
    );
    assert!(
        md.contains("<details><summary>What the level said</summary>"),
        "{md}"
    );
}

// ---------------------------------------------------------------- competencies

#[test]
fn a_reworded_competency_has_a_word_level_diff() {
    let repo = Repo::new();
    repo.edit(
        "content/technical.md",
        "Owns small projects end to end",
        "Owns large multi-team projects end to end",
    );
    repo.commit("reword");
    let report = repo.json(&["HEAD~1", "HEAD"]);
    let c = &level(&report, "technical", "senior")["competencies"][0];
    assert_eq!(c["label"], "Technical Ability");
    assert_eq!(c["status"], "changed");
    assert_eq!(
        words(&c["text"]),
        "Owns [-small-] {+large multi-team+} projects end to end and designs components that other engineers build on."
    );
    assert_eq!(count(&report, "competencies_reworded"), 1);
    let md = repo.diff(&["HEAD~1", "HEAD"]).stdout;
    assert!(
        md.contains(
            "- **Technical Ability** reworded: Owns ~~small~~ **large multi-team** projects"
        ),
        "{md}"
    );
}

#[test]
fn a_reworded_list_item_stays_apart_from_its_neighbours() {
    let repo = Repo::new();
    repo.edit(
        "content/technical.md",
        "**Communication:** Asks for help early.",
        "**Communication:**\n\n- asks for help early\n- writes down decisions",
    );
    repo.commit("a list");
    repo.edit(
        "content/technical.md",
        "- asks for help early",
        "- asks for help when stuck",
    );
    repo.commit("reword an item");
    let report = repo.json(&["HEAD~1", "HEAD"]);
    let engineer = level(&report, "technical", "engineer");
    let text = &engineer["competencies"][0]["text"];
    assert_eq!(
        words(text),
        "asks for help [-early-] {+when stuck+} · writes down decisions"
    );
    assert_eq!(
        text["new"],
        "asks for help when stuck · writes down decisions"
    );
    let md = repo.diff(&["HEAD~1", "HEAD"]).stdout;
    assert!(
        md.contains("- **Communication** reworded: asks for help ~~early~~ **when stuck** · writes down decisions"),
        "{md}"
    );
}

#[test]
fn competencies_added_and_removed() {
    let repo = Repo::new();
    repo.edit(
        "content/technical.md",
        "**Communication:** Aligns teams on direction.",
        "**Leadership:** Grows other senior engineers.",
    );
    repo.commit("swap a competency");
    let report = repo.json(&["HEAD~1", "HEAD"]);
    let cs = level(&report, "technical", "staff")["competencies"]
        .as_array()
        .expect("competencies")
        .clone();
    let status: Vec<(String, String)> = cs
        .iter()
        .map(|c| {
            (
                c["label"].as_str().unwrap_or("").into(),
                c["status"].as_str().unwrap_or("").into(),
            )
        })
        .collect();
    assert_eq!(
        status,
        vec![
            ("Leadership".into(), "added".into()),
            ("Communication".into(), "removed".into())
        ]
    );
    let md = repo.diff(&["HEAD~1", "HEAD"]).stdout;
    assert!(
        md.contains("- **Leadership** added: Grows other senior engineers."),
        "{md}"
    );
    assert!(
        md.contains("- **Communication** removed: ~~Aligns teams on direction.~~"),
        "{md}"
    );
}

#[test]
fn a_markup_only_change_says_so() {
    let repo = Repo::new();
    repo.edit(
        "content/technical.md",
        "Asks for help early.",
        "Asks for help *early*.",
    );
    repo.commit("emphasis");
    let report = repo.json(&["HEAD~1", "HEAD"]);
    let c = &level(&report, "technical", "engineer")["competencies"][0];
    assert_eq!(c["label"], "Communication");
    assert_eq!(c["text"]["markup_only"], true);
}

// ---------------------------------------------------------------- responsibilities

#[test]
fn responsibilities_added_removed_and_reworded() {
    let repo = Repo::new();
    repo.edit(
        "content/managing.md",
        "- Sets the budget",
        "- Sets the yearly budget\n- Hires managers",
    );
    repo.edit("content/managing.md", "- Runs one-on-ones\n", "");
    repo.commit("responsibilities");
    let report = repo.json(&["HEAD~1", "HEAD"]);
    let d = level(&report, "managing", "director");
    let r = d["responsibilities"].as_array().expect("list");
    assert_eq!(r.len(), 2, "{r:#?}");
    assert_eq!(r[0]["status"], "changed");
    assert_eq!(r[0]["old_text"], "Sets the budget");
    assert_eq!(r[0]["text"], "Sets the yearly budget");
    assert_eq!(r[1]["status"], "added");
    assert_eq!(r[1]["text"], "Hires managers");
    let t = level(&report, "managing", "team-lead");
    assert_eq!(t["responsibilities"][0]["status"], "removed");
    assert_eq!(
        (
            count(&report, "responsibilities_added"),
            count(&report, "responsibilities_removed"),
            count(&report, "responsibilities_reworded")
        ),
        (1, 1, 1)
    );
}

#[test]
fn responsibilities_that_arrive_through_inherits_are_marked() {
    let repo = Repo::new();
    repo.edit(
        "content/technical.md",
        "- Reviews code\n",
        "- Reviews code\n- Writes tests\n",
    );
    repo.commit("engineer gains one");
    let report = repo.json(&["HEAD~1", "HEAD"]);
    let own = &level(&report, "technical", "engineer")["responsibilities"][0];
    assert_eq!(own["text"], "Writes tests");
    assert_eq!(own["inherited_from"], Value::Null);
    let inherited = &level(&report, "technical", "senior")["responsibilities"][0];
    assert_eq!(inherited["text"], "Writes tests");
    assert_eq!(inherited["inherited_from"]["level"], "engineer");
    // Counted once: the senior level holds a copy, it does not state a new one.
    assert_eq!(count(&report, "responsibilities_added"), 1);
    let md = repo.diff(&["HEAD~1", "HEAD"]).stdout;
    assert!(
        md.contains("- Responsibility added (inherited from IC4 Engineer): **Writes tests**"),
        "{md}"
    );
}

#[test]
fn an_inherits_link_added_brings_responsibilities() {
    let repo = Repo::new();
    repo.edit(
        "content/managing.md",
        "    code: M6\n",
        "    code: M6\n    inherits: team-lead\n",
    );
    repo.commit("director inherits");
    let report = repo.json(&["HEAD~1", "HEAD"]);
    let d = level(&report, "managing", "director");
    assert_eq!(d["inherits_change"]["new"], "team-lead");
    assert_eq!(d["responsibilities"][0]["text"], "Runs one-on-ones");
    assert_eq!(d["responsibilities"][0]["inherited_from"]["code"], "M4");
}

// ---------------------------------------------------------------- settings, lints

#[test]
fn ladder_yaml_changes() {
    let repo = Repo::new();
    repo.write(
        "ladder.yaml",
        "title: Engineering Ladder\nbands:\n  4: Mid\n  5: Senior II\n  6: Staff\nlints:\n  band-gap: error\n\
         edit_url: https://example.com/edit/{path}#L{line}\nhistory: true\n",
    );
    repo.commit("settings");
    let report = repo.json(&["HEAD~1", "HEAD"]);
    let keys: Vec<(&str, Option<&str>, Option<&str>)> = report["settings"]
        .as_array()
        .expect("settings")
        .iter()
        .map(|s| {
            (
                s["key"].as_str().unwrap_or(""),
                s["old"].as_str(),
                s["new"].as_str(),
            )
        })
        .collect();
    assert_eq!(
        keys,
        vec![
            ("title", Some("Example Ladder"), Some("Engineering Ladder")),
            ("bands.5", Some("Senior"), Some("Senior II")),
            ("bands.6", None, Some("Staff")),
            ("lints.band-gap", None, Some("error")),
            (
                "edit_url",
                None,
                Some("https://example.com/edit/{path}#L{line}")
            ),
        ]
    );
}

#[test]
fn lint_results_that_appeared_and_went_away() {
    let repo = Repo::new();
    repo.edit(
        "content/managing.md",
        "- Sets the budget\n",
        "- Sets the budget\n\n## Budget {#budgets}\n\nHow money is planned.\n",
    );
    repo.commit("bad anchor");
    let report = repo.json(&["HEAD~1", "HEAD"]);
    let appeared = report["lints"]["appeared"].as_array().expect("appeared");
    assert_eq!(appeared.len(), 1, "{appeared:#?}");
    assert_eq!(appeared[0]["lint"], "dangling-reference");
    assert_eq!(appeared[0]["file"], "content/managing.md");
    // Fixing it makes it go away; text added above it does not make it "new".
    repo.edit(
        "content/managing.md",
        "Leads a team.",
        "Leads a team.\n\nMore text.\n\nAnd more.",
    );
    repo.commit("lines move");
    let report = repo.json(&["HEAD~1", "HEAD"]);
    assert_eq!(report["lints"]["appeared"], serde_json::json!([]));
    assert_eq!(report["lints"]["resolved"], serde_json::json!([]));
    repo.edit("content/managing.md", "## Budget {#budgets}", "## Budget");
    repo.commit("fix");
    let report = repo.json(&["HEAD~1", "HEAD"]);
    assert_eq!(report["lints"]["resolved"][0]["lint"], "dangling-reference");
    let md = repo.diff(&["HEAD~2", "HEAD"]).stdout;
    assert!(
        md.contains("| went away | error | `dangling-reference` | `content/managing.md:"),
        "{md}"
    );
}

// ---------------------------------------------------------------- sides that do not parse

#[test]
fn an_old_revision_that_does_not_parse_is_reported_and_the_rest_compared() {
    let repo = Repo::new();
    repo.edit(
        "content/technical.md",
        "title: Technical Path\n",
        "title: [Technical Path\n",
    );
    repo.commit("broken");
    repo.edit(
        "content/technical.md",
        "title: [Technical Path\n",
        "title: Technical Path\n",
    );
    repo.edit(
        "content/managing.md",
        "Leads a team.",
        "Leads a small team.",
    );
    repo.commit("fixed, and an edit elsewhere");
    let run = repo.diff(&["HEAD~1", "HEAD"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let md = run.stdout;
    assert!(md.contains("### ⚠️ OLD does not parse: `HEAD~1`"), "{md}");
    assert!(md.contains("- `content/technical.md:2:"), "{md}");
    assert!(
        md.contains("### Technical Path (`technical`) — not compared"),
        "{md}"
    );
    // The track that parses on both sides is still compared.
    assert!(
        md.contains("Summary reworded: Leads a **small** team."),
        "{md}"
    );
    let report = repo.json(&["HEAD~1", "HEAD"]);
    assert_eq!(report["old"]["parses"], false);
    assert_eq!(report["new"]["parses"], true);
    assert_eq!(report["old"]["errors"][0]["file"], "content/technical.md");
    assert_eq!(track(&report, "technical")["status"], "old_unparsed");
    assert_eq!(count(&report, "tracks_added"), 0);
    assert_eq!(count(&report, "parse_errors_fixed"), 1);
    // The parse error is reported with its side, not again as a lint result.
    assert_eq!(report["lints"]["resolved"], serde_json::json!([]));
}

#[test]
fn a_new_side_that_does_not_parse_is_not_a_removal() {
    let repo = Repo::new();
    repo.write("content/managing.md", "---\ntitle: [unclosed\n---\n");
    let report = repo.json(&["HEAD"]);
    assert_eq!(report["new"]["parses"], false);
    assert_eq!(track(&report, "managing")["status"], "new_unparsed");
    assert_eq!(count(&report, "tracks_removed"), 0);
    assert_eq!(count(&report, "levels_removed"), 0);
    // A file that stops parsing is a change: --exit-code says so.
    assert_eq!(count(&report, "parse_errors_appeared"), 1);
    let run = repo.diff(&["HEAD", "--exit-code"]);
    assert_eq!(run.code, 1);
    let summary = run.stdout.lines().nth(2).unwrap_or("");
    assert!(summary.contains("1 track not compared"), "{summary}");
    assert!(summary.contains("1 new parse error"), "{summary}");
}

// ---------------------------------------------------------------- the reviewer's view

/// A rich pull request: a level renamed, a level added that closes a band gap, a
/// responsibility added and a competency reworded, read as a PR comment.
#[test]
fn markdown_of_a_rich_change() {
    let repo = Repo::new();
    repo.edit(
        "content/technical.md",
        "  - title: Senior Engineer\n",
        "  - title: Senior Software Engineer\n",
    );
    repo.edit(
        "content/technical.md",
        "## Senior Engineer (IC 5)",
        "## Senior Software Engineer (IC 5)",
    );
    repo.edit(
        "content/technical.md",
        "Owns small projects end to end",
        "Owns large multi-team projects end to end",
    );
    repo.edit(
        "content/technical.md",
        "- Leads a project\n",
        "- Leads a project\n- Mentors two engineers\n",
    );
    repo.edit(
        "content/managing.md",
        "  - title: Director\n",
        "  - title: Engineering Manager\n    id: manager\n    code: M5\n    band: 6\n    inherits: team-lead\n  - title: Director\n",
    );
    repo.edit(
        "content/managing.md",
        "## Director",
        "## Engineering Manager\n\nManages managers of small teams.\n\n**Technical Ability:** Reviews designs across teams.\n\n**Responsibilities:**\n\n- Hires engineers\n\n## Director",
    );
    repo.write("ladder.yaml", &format!("{LADDER_YAML}  6: Staff\n"));
    repo.commit("rich change");
    let run = repo.diff(&["HEAD~1", "HEAD"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let md = run
        .stdout
        .replace(&repo.short("HEAD~1"), "<old>")
        .replace(&repo.short("HEAD"), "<new>");
    insta::assert_snapshot!("rich_change", md);
}

// ---------------------------------------------------------------- classes and versions

/// The competency, responsibility or level of a level diff whose `key` is `value`.
fn item<'a>(level: &'a Value, list: &str, key: &str, value: &str) -> &'a Value {
    level[list]
        .as_array()
        .and_then(|v| v.iter().find(|c| c[key] == value))
        .unwrap_or_else(|| panic!("no {list} with {key} {value} in {level:#}"))
}

/// A history of tagged versions, one per class: v1.0.0, then a patch (punctuation,
/// case and a prose section), a minor (a competency reworded, a level renamed, a code
/// changed), and two majors (a responsibility added; a band and an `inherits` changed).
fn tagged_history() -> Repo {
    let repo = Repo::new();
    repo.git(&["tag", "v1.0.0"]);
    repo.edit(
        "content/technical.md",
        "- Reviews code\n",
        "- reviews code.\n",
    );
    repo.edit(
        "content/technical.md",
        "Promotion follows sustained impact.",
        "Promotion follows sustained, visible impact.",
    );
    repo.commit("patch");
    repo.git(&["tag", "v1.0.1"]);
    repo.edit(
        "content/technical.md",
        "Asks for help early.",
        "Asks for help when stuck.",
    );
    repo.retitle("content/managing.md", "Director", "Head of Engineering");
    repo.edit("content/managing.md", "code: M6", "code: M7");
    repo.commit("minor");
    repo.git(&["tag", "v1.1.0"]);
    repo.edit(
        "content/technical.md",
        "- Leads a project\n",
        "- Leads a project\n- Mentors two engineers\n",
    );
    repo.commit("major: an expectation added");
    repo.git(&["tag", "v2.0.0"]);
    repo.edit("content/technical.md", "    band: 6\n", "    band: 7\n");
    repo.edit(
        "content/technical.md",
        "    band: 5\n    inherits: engineer\n",
        "    band: 5\n",
    );
    repo.commit("major: an expectation moved");
    repo.git(&["tag", "v3.0.0"]);
    repo
}

#[test]
fn every_change_has_a_class_and_the_report_the_highest() {
    let repo = tagged_history();

    let patch = repo.json(&["v1.0.0", "v1.0.1"]);
    assert_eq!(patch["class"], "patch", "{patch:#}");
    let engineer = level(&patch, "technical", "engineer");
    assert_eq!(engineer["class"], "patch");
    assert_eq!(engineer["responsibilities"][0]["class"], "patch");
    assert_eq!(track(&patch, "technical")["prose"][0]["class"], "patch");

    let minor = repo.json(&["v1.0.1", "v1.1.0"]);
    assert_eq!(minor["class"], "minor", "{minor:#}");
    let engineer = level(&minor, "technical", "engineer");
    assert_eq!(
        item(engineer, "competencies", "label", "Communication")["class"],
        "minor"
    );
    assert_eq!(level(&minor, "managing", "director")["class"], "minor");

    let major = repo.json(&["v1.1.0", "v2.0.0"]);
    assert_eq!(major["class"], "major", "{major:#}");
    let senior = level(&major, "technical", "senior");
    assert_eq!(
        item(senior, "responsibilities", "text", "Mentors two engineers")["class"],
        "major"
    );

    let moved = repo.json(&["v2.0.0", "v3.0.0"]);
    assert_eq!(moved["class"], "major", "{moved:#}");
    assert_eq!(level(&moved, "technical", "staff")["class"], "major");
    assert_eq!(level(&moved, "technical", "senior")["class"], "major");

    // Across several versions, the highest class wins.
    assert_eq!(repo.json(&["v1.0.0", "v1.1.0"])["class"], "minor");
    assert_eq!(repo.json(&["v1.0.0", "v3.0.0"])["class"], "major");
    // Nothing changed: no class.
    assert_eq!(repo.json(&["v3.0.0", "v3.0.0"])["class"], Value::Null);
}

#[test]
fn markdown_tags_each_line_with_its_class_and_says_the_overall_class() {
    let repo = tagged_history();
    let md = repo.diff(&["v1.0.0", "v1.1.0"]).stdout;
    assert!(md.contains(" · Overall: **minor**"), "{md}");
    assert!(
        md.contains("- Responsibility reworded: ~~Reviews code~~ **reviews code.** — **patch**"),
        "{md}"
    );
    assert!(
        md.contains(
            "- **Communication** reworded: Asks for help ~~early.~~ **when stuck.** — **minor**"
        ),
        "{md}"
    );
    assert!(md.contains("- Code: ~~M6~~ → **M7** — **minor**"), "{md}");
    let md = repo.diff(&["v1.1.0", "v2.0.0"]).stdout;
    assert!(
        md.contains("- Responsibility added: **Mentors two engineers** — **major**"),
        "{md}"
    );
    assert!(md.contains("Overall: **major**"), "{md}");
}

/// A repository at version 1.0.0 (tagged), then `change` applied with `version`
/// written in ladder.yaml (none when `None`), committed.
fn versioned(change: impl Fn(&Repo), version: Option<&str>) -> Repo {
    let repo = Repo::new();
    repo.write("ladder.yaml", &format!("{LADDER_YAML}version: 1.0.0\n"));
    repo.commit("1.0.0");
    repo.git(&["tag", "v1.0.0"]);
    change(&repo);
    let yaml = match version {
        Some(v) => format!("{LADDER_YAML}version: {v}\n"),
        None => LADDER_YAML.to_string(),
    };
    repo.write("ladder.yaml", &yaml);
    repo.commit("next");
    repo
}

fn add_responsibility(repo: &Repo) {
    repo.edit(
        "content/technical.md",
        "- Leads a project\n",
        "- Leads a project\n- Mentors two engineers\n",
    );
}

fn reword_competency(repo: &Repo) {
    repo.edit(
        "content/technical.md",
        "Asks for help early.",
        "Asks for help when stuck.",
    );
}

fn repunctuate(repo: &Repo) {
    repo.edit(
        "content/technical.md",
        "- Reviews code\n",
        "- Reviews code.\n",
    );
}

#[test]
fn check_version_passes_for_a_big_enough_bump() {
    for (change, version) in [
        (add_responsibility as fn(&Repo), "2.0.0"),
        (add_responsibility, "3.0.0-rc.1"),
        (reword_competency, "1.1.0"),
        (reword_competency, "2.0.0"),
        (repunctuate, "1.0.1"),
        (repunctuate, "1.1.0"),
        (|_: &Repo| {}, "1.0.0"),
    ] {
        let repo = versioned(change, Some(version));
        let run = repo.diff(&["v1.0.0", "HEAD", "--check-version"]);
        assert_eq!(run.code, 0, "{version}: {}\n{}", run.stderr, run.stdout);
        assert!(
            run.stdout.starts_with("## Ladder changes"),
            "{}",
            run.stdout
        );
    }
}

#[test]
fn check_version_fails_for_a_too_small_bump_naming_the_change() {
    let repo = versioned(
        |r| {
            reword_competency(r);
            add_responsibility(r);
        },
        Some("1.1.0"),
    );
    let run = repo.diff(&["v1.0.0", "HEAD", "--check-version"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "the version must rise to at least 2.0.0 (a major change), but it is 1.1.0 (was 1.0.0)"
        ),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains(
            "first major change: level Technical Path › Senior Engineer: responsibility “Mentors two engineers” added"
        ),
        "{}",
        run.stderr
    );
    // The report is still printed, with its classes.
    assert!(run.stdout.contains("Overall: **major**"), "{}", run.stdout);

    for (change, version, needs) in [
        (
            reword_competency as fn(&Repo),
            "1.0.1",
            "1.1.0 (a minor change)",
        ),
        (repunctuate, "1.0.0", "1.0.1 (a patch change)"),
        (add_responsibility, "0.9.0", "2.0.0 (a major change)"),
    ] {
        let repo = versioned(change, Some(version));
        let run = repo.diff(&["v1.0.0", "HEAD", "--check-version"]);
        assert_eq!(run.code, 1, "{version}: {}", run.stderr);
        assert!(
            run.stderr
                .contains(&format!("must rise to at least {needs}")),
            "{}",
            run.stderr
        );
    }
    let repo = versioned(reword_competency, Some("1.1.0"));
    let json = repo.diff(&["v1.0.0", "HEAD", "--check-version", "--format", "json"]);
    assert_eq!(json.code, 0, "{}", json.stderr);
}

#[test]
fn check_version_fails_when_the_new_side_has_no_version() {
    let repo = versioned(reword_competency, None);
    let run = repo.diff(&["v1.0.0", "HEAD", "--check-version"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("ladder.yaml of NEW has no `version`")
            && run.stderr.contains("`version: 1.1.0`")
            && run.stderr.contains("first minor change: level Technical Path › Engineer: competency “Communication” reworded"),
        "{}",
        run.stderr
    );
    // Without any change there is nothing to version.
    let repo = versioned(|_| {}, None);
    let run = repo.diff(&["v1.0.0", "HEAD", "--check-version"]);
    // Only the version setting went away: not classed.
    assert_eq!(run.code, 0, "{}", run.stderr);
}

/// A track folder's level files (SPEC 8.5): a file added is a level added, a file
/// removed a level removed, and a reworded file a reworded level.
#[test]
fn level_files_of_a_track_folder_are_diffed_as_levels() {
    fn copy(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).expect("mkdir");
        for entry in std::fs::read_dir(from).expect("read") {
            let entry = entry.expect("entry");
            let target = to.join(entry.file_name());
            if entry.path().is_dir() {
                copy(&entry.path(), &target);
            } else {
                std::fs::copy(entry.path(), target).expect("copy");
            }
        }
    }
    let base = tempfile::tempdir().expect("temp dir");
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/shape-track-folder");
    copy(&fixture, &base.path().join("old"));
    copy(&fixture, &base.path().join("new"));
    let platform = base.path().join("new/content/platform");
    std::fs::write(
        platform.join("staff.md"),
        "---\ntitle: Staff Platform Engineer\nband: 3\n---\n\nShapes the platform's direction.\n",
    )
    .expect("write");
    std::fs::remove_file(platform.join("engineer.md")).expect("remove");
    let senior = std::fs::read_to_string(platform.join("senior.md")).expect("read");
    std::fs::write(
        platform.join("senior.md"),
        senior.replace("Runs office hours", "Runs weekly office hours"),
    )
    .expect("write");
    let run = run_ladder(
        base.path(),
        base.path(),
        &["old", "new", "--format", "json"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let report: Value = serde_json::from_str(&run.stdout).expect("JSON");
    assert_eq!(count(&report, "levels_added"), 1, "{report:#}");
    assert_eq!(count(&report, "levels_removed"), 1, "{report:#}");
    assert_eq!(level(&report, "platform", "staff")["status"], "added");
    assert_eq!(level(&report, "platform", "engineer")["status"], "removed");
    assert!(
        level(&report, "platform", "senior")
            .to_string()
            .contains("weekly"),
        "{report:#}"
    );
}

/// Pages that are not tracks (SPEC 8.4): added, reworded and removed, each a patch.
#[test]
fn pages_added_changed_and_removed_are_patch_changes() {
    let repo = Repo::new();
    repo.write(
        "content/how-we-promote.md",
        "---\ntitle: How we promote\n---\n\nTwice a year, by a committee.\n",
    );
    repo.commit("a page");
    let report = repo.json(&["HEAD~1", "HEAD"]);
    assert_eq!(report["pages"][0]["status"], "added", "{report:#}");
    assert_eq!(report["pages"][0]["class"], "patch");
    assert_eq!(report["class"], "patch");

    repo.edit("content/how-we-promote.md", "Twice a year", "Once a year");
    repo.commit("reword the page");
    let report = repo.json(&["HEAD~1", "HEAD"]);
    assert_eq!(report["pages"][0]["status"], "changed", "{report:#}");
    assert_eq!(
        words(&report["pages"][0]["body"]),
        "[-Twice-] {+Once+} a year, by a committee."
    );
    let md = repo.diff(&["HEAD~1", "HEAD"]).stdout;
    assert!(md.contains("### Pages"), "{md}");

    std::fs::remove_file(repo.path("content/how-we-promote.md")).expect("remove");
    repo.commit("remove the page");
    let report = repo.json(&["HEAD~1", "HEAD"]);
    assert_eq!(report["pages"][0]["status"], "removed", "{report:#}");
    let md = repo.diff(&["HEAD~1", "HEAD"]).stdout;
    assert!(
        md.contains("- Page removed: “How we promote” (how-we-promote.md) — **patch**"),
        "{md}"
    );
}

// ---------------------------------------------------------------- item ids (SPEC 10)

/// The responsibility entry with item id `id` of a level's diff.
fn responsibility<'a>(level: &'a Value, id: &str) -> &'a Value {
    level["responsibilities"]
        .as_array()
        .and_then(|rs| rs.iter().find(|r| r["id"] == id))
        .unwrap_or_else(|| panic!("no responsibility {id} in {level:#}"))
}

/// Rewords the responsibility `from` of the technical track's level `at` as `to` in
/// a commit, and returns the diff report and the level's entry for item `id`, which
/// must read as that one item reworded.
fn reword(repo: &Repo, at: &str, from: &str, to: &str, id: &str) -> (Value, Value) {
    repo.edit("content/technical.md", from, to);
    repo.commit("reword");
    let report = repo.json(&["HEAD~1", "HEAD"]);
    let entry = level(&report, "technical", at);
    let r = responsibility(entry, id).clone();
    assert_eq!(r["status"], "changed", "{entry:#}");
    assert_eq!(
        r["old_text"],
        from.trim_start_matches("- ")
            .split(" {#")
            .next()
            .unwrap_or_default()
            .trim()
    );
    (report, r)
}

#[test]
fn a_reworded_item_whose_default_id_changes_shows_as_reworded() {
    let repo = Repo::new();
    let (report, _) = reword(
        &repo,
        "senior",
        "- Leads a project\n",
        "- Leads a project across two teams\n",
        "leads-a-project-across",
    );
    assert_eq!(count(&report, "responsibilities_reworded"), 1);
    // Competencies carry their ids too.
    repo.edit(
        "content/technical.md",
        "**Communication:** Writes clear design documents.",
        "**Communication:** Writes clear design documents and reviews others'.",
    );
    repo.commit("competency");
    let report = repo.json(&["HEAD~1", "HEAD"]);
    let senior = level(&report, "technical", "senior");
    let c = &senior["competencies"][0];
    assert_eq!(c["id"], "communication", "{senior:#}");
    assert_eq!(c["status"], "changed", "{senior:#}");
    assert_eq!(
        words(&c["text"]),
        "Writes clear design [-documents.-] {+documents and reviews others'.+}"
    );
}

#[test]
fn an_explicit_id_survives_a_full_rewrite() {
    let repo = Repo::new();
    repo.edit(
        "content/technical.md",
        "- Reviews code\n",
        "- Reviews code {#review}\n",
    );
    repo.commit("pin");
    let pinned = repo.json(&["HEAD~1", "HEAD"]);
    // Pinning an id changes nothing a reader sees.
    assert_eq!(pinned["tracks"], serde_json::json!([]), "{pinned:#}");
    let (report, r) = reword(
        &repo,
        "engineer",
        "- Reviews code {#review}\n",
        "- Gives teammates feedback on every change {#review}\n",
        "review",
    );
    assert_eq!(r["class"], "minor");
    assert_eq!(r["text"], "Gives teammates feedback on every change");
    assert_eq!(count(&report, "responsibilities_added"), 0);
    assert_eq!(count(&report, "responsibilities_removed"), 0);
}

/// A level file renamed in a track folder (its id is the file's name) is the same
/// level with a new id, not a level removed and another added; a level file whose
/// title changes too, with no code to follow, is still removed + added.
#[test]
fn a_renamed_level_file_is_the_same_level_with_a_new_id() {
    let repo = Repo::new();
    repo.write(
        "content/platform/_index.md",
        "---\ntitle: Platform Path\n---\n\nEngineers who run the shared platform.\n",
    );
    repo.write(
        "content/platform/engineer.md",
        "---\ntitle: Platform Engineer\nband: 1\n---\n\nKeeps one service healthy.\n\n## Scope\n\nOne service.\n",
    );
    repo.write(
        "content/platform/lead.md",
        "---\ntitle: Platform Lead\nband: 2\n---\n\nLeads the platform team's work.\n\n## Scope\n\nEvery service of the team.\n",
    );
    repo.commit("a platform track as a folder");
    repo.git(&[
        "mv",
        "content/platform/lead.md",
        "content/platform/tech-lead.md",
    ]);
    repo.commit("rename a level file");
    let report = repo.json(&["HEAD~1", "HEAD"]);
    assert_eq!(count(&report, "levels_added"), 0, "{report:#}");
    assert_eq!(count(&report, "levels_removed"), 0, "{report:#}");
    let lead = level(&report, "platform", "tech-lead");
    assert_eq!(lead["status"], "changed", "{report:#}");
    assert_eq!(lead["id_change"]["old"], "lead", "{report:#}");
    assert_eq!(lead["id_change"]["new"], "tech-lead", "{report:#}");
    let md = repo.diff(&["HEAD~1", "HEAD"]).stdout;
    assert!(!md.contains("Level removed"), "{md}");

    // Renamed and retitled, with no code: nothing says it is the same level.
    repo.git(&[
        "mv",
        "content/platform/tech-lead.md",
        "content/platform/staff.md",
    ]);
    repo.edit(
        "content/platform/staff.md",
        "title: Platform Lead\n",
        "title: Staff Platform Engineer\n",
    );
    repo.commit("a different level");
    let report = repo.json(&["HEAD~1", "HEAD"]);
    assert_eq!(count(&report, "levels_added"), 1, "{report:#}");
    assert_eq!(count(&report, "levels_removed"), 1, "{report:#}");
}
